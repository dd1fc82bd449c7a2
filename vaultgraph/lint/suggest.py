"""Suggestions for a target that matches nothing: the existing names closest to it."""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from vaultgraph.resolve import fold

if TYPE_CHECKING:
    import networkx as nx

    from vaultgraph.vault import Vault

__all__ = [
    "CUTOFF",
    "LIMIT",
    "Suggestion",
    "TargetIndex",
    "alias_owners",
    "build_target_index",
    "closest",
    "did_you_mean",
    "graph_target_index",
    "link_text",
    "normalise",
    "suggest_targets",
    "unknown_name",
]

# Below this difflib ratio two names are different names, not a typo of each other.
CUTOFF = 0.8
LIMIT = 3
# Keys compared in full per lookup: those sharing the most trigrams with the wanted key.
_SHORTLIST = 50
# Index entries a lookup counts before it leaves the commonest trigrams out.
_BUDGET = 20_000


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A link target that exists: a file's link text, or a note reached through its alias."""

    target: str  # what goes before ``|`` or ``#`` in the link: ``Kubernetes``, ``a/Note``
    alias: str | None = None  # the alias that matched, for ``[[target|alias]]``

    def render(self, *, in_table: bool = False) -> str:
        if self.alias is None:
            return f'"{self.target}"'
        pipe = "\\|" if in_table else "|"
        return f"[[{self.target}{pipe}{self.alias}]]"


class TargetIndex:
    """A vault's files and aliases by normalised key, for one check.

    Each part is built the first time it is asked for: a check that finds no broken link, or
    whose broken targets were all looked up before (``known``), builds nothing.
    """

    def __init__(
        self,
        files: Sequence[str],
        aliases_of: Mapping[str, tuple[str, ...]],
        known: Mapping[str, tuple[Suggestion, ...]] | None = None,
    ) -> None:
        self._files = files  # every file of the vault, sorted
        self._aliases_of = aliases_of  # note path -> its aliases, in path order
        # Vaults repeat the same broken target many times; each is looked up once.
        self._seen: dict[str, tuple[Suggestion, ...]] = dict(known or {})

    @cached_property
    def texts(self) -> Mapping[str, str]:
        """File path -> its shortest unambiguous link text."""
        return _link_texts(self._files)

    @cached_property
    def aliases(self) -> Mapping[str, tuple[str, ...]]:
        """Folded alias -> paths of the notes that list it."""
        owners: defaultdict[str, list[str]] = defaultdict(list)
        for path, aliases in self._aliases_of.items():
            for alias in aliases:
                if path not in owners[fold(alias)]:
                    owners[fold(alias)].append(path)
        return {key: tuple(paths) for key, paths in owners.items()}

    @cached_property
    def by_name(self) -> Mapping[str, tuple[Suggestion, ...]]:
        """A file's name, a note's title without .md, an alias -> what to suggest for it."""
        texts = self.texts
        found: defaultdict[str, list[Suggestion]] = defaultdict(list)
        for path in self._files:
            found[normalise(_strip_md(path.rsplit("/", 1)[-1]))].append(Suggestion(texts[path]))
        for path, aliases in self._aliases_of.items():
            for alias in aliases:
                found[normalise(alias)].append(Suggestion(texts[path], alias))
        return {key: tuple(group) for key, group in found.items() if key}

    @cached_property
    def by_path(self) -> Mapping[str, tuple[Suggestion, ...]]:
        """A file's vault path, a note's without .md -> the suggestion for it."""
        found: defaultdict[str, list[Suggestion]] = defaultdict(list)
        for path in self._files:
            found[normalise(_strip_md(path))].append(Suggestion(_strip_md(path)))
        return {key: tuple(group) for key, group in found.items() if key}

    @cached_property
    def name_keys(self) -> _Keys:
        return _Keys.of(self.by_name)

    @cached_property
    def path_keys(self) -> _Keys:
        return _Keys.of(self.by_path)

    @cached_property
    def note_texts(self) -> frozenset[str]:
        """The suggestions that name notes, which may take ``.md``."""
        texts = self.texts
        return frozenset(
            text
            for path in self._files
            if path.lower().endswith(".md")
            for text in (texts[path], _strip_md(path))
        )

    def known(self) -> dict[str, tuple[Suggestion, ...]]:
        """The suggestions looked up so far, by target: to give a later index of the same files
        and aliases as ``known``."""
        return dict(self._seen)

    def forgetting(self) -> TargetIndex:
        """This index without the suggestions it remembers."""
        return TargetIndex(self._files, self._aliases_of)


@dataclass(frozen=True, slots=True)
class _Keys:
    """Normalised keys with a trigram index, so a lookup compares a few keys, not all of them."""

    keys: frozenset[str]
    # Built on the first lookup: most checks find no broken link, and those pay nothing for it.
    _grams: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, keys: Iterable[str]) -> _Keys:
        return cls(frozenset(key for key in keys if key))

    def grams(self) -> Mapping[str, tuple[str, ...]]:
        if not self._grams:
            grams: defaultdict[str, list[str]] = defaultdict(list)
            for key in sorted(self.keys):
                for gram in _trigrams(key):
                    grams[gram].append(key)
            self._grams.update((gram, tuple(group)) for gram, group in grams.items())
        return self._grams

    def close_to(self, key: str, cutoff: float = CUTOFF) -> list[str]:
        """Keys equal to ``key`` (first) or within the cutoff of it, nearest first."""
        if not key:
            return []
        exact = [key] if key in self.keys else []
        pool = self._shortlist(key)
        near = difflib.get_close_matches(key, pool, n=LIMIT + 1, cutoff=cutoff)
        return exact + [k for k in near if k != key]

    def _shortlist(self, key: str) -> list[str]:
        """The keys sharing the most trigrams with ``key``, ties in key order.

        Trigrams are counted rarest first, and the commonest (``ima``, ``png`` in a vault of
        ``image-N.png``) are left out once the count reaches the budget: counting them over
        every key made each lookup cost the whole vault. Past the budget a key goes unseen
        only if all it shares with ``key`` is those common trigrams, which a name within the
        cutoff hardly ever does. Under the budget (every lookup of a 10,000-note benchmark
        vault) the count is exact.
        """
        grams = _trigrams(key)
        if len(self.keys) <= _SHORTLIST or not grams:
            return sorted(self.keys)
        index = self.grams()
        groups = sorted((index.get(gram, ()) for gram in grams), key=len)
        shared: Counter[str] = Counter()
        counted = 0
        for i, group in enumerate(groups):
            if i and counted + len(group) > _BUDGET:
                break
            shared.update(group)
            counted += len(group)
        if len(shared) > _SHORTLIST:
            # Sorting every key that shares a trigram cost more than counting them: only those
            # that reach the 50th count are sorted.
            at_least = sorted(shared.values(), reverse=True)[_SHORTLIST - 1]
            ranked = [other for other, count in shared.items() if count >= at_least]
        else:
            ranked = list(shared)
        ranked.sort()
        ranked.sort(key=shared.__getitem__, reverse=True)  # stable: ties stay in key order
        return ranked[:_SHORTLIST]


def normalise(text: str) -> str:
    """The key names are compared by: no case, accents, spacing or punctuation, only letters
    and digits (``Café-Menu`` and ``cafe menu`` are one key)."""
    if text.isascii():  # most names: the same answer, without a category lookup per character
        return "".join(filter(str.isalnum, text.lower()))
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(ch for ch in decomposed if unicodedata.category(ch)[0] in "LN")


def closest(
    wanted: str, choices: Iterable[str], *, limit: int = LIMIT, cutoff: float = CUTOFF
) -> tuple[str, ...]:
    """The choices nearest to ``wanted`` by normalised key, nearest first; ``cutoff``: the
    difflib ratio below which a choice is not near (lower for a few short names, such as the
    commands, where one wrong letter in three is still a typo)."""
    by_key: defaultdict[str, list[str]] = defaultdict(list)
    for choice in choices:
        key = normalise(choice)
        if key and choice not in by_key[key]:
            by_key[key].append(choice)
    near = _Keys.of(by_key).close_to(normalise(wanted), cutoff)
    found = [choice for key in near for choice in by_key[key]]
    return tuple(found[:limit])


def link_text(vault: Vault, path: str) -> str:
    """The shortest text that links to ``path`` from anywhere: its name when no other file
    shares it, else its vault path (``.md`` left out for notes)."""
    return _link_texts(_all_files(vault))[path]


def alias_owners(index: TargetIndex, target: str) -> tuple[str, ...]:
    """Paths of the notes that list ``target`` among their aliases, compared as Obsidian
    compares names (case-insensitive)."""
    return index.aliases.get(fold(target), ())


def build_target_index(
    vault: Vault, known: Mapping[str, tuple[Suggestion, ...]] | None = None
) -> TargetIndex:
    """The index of ``vault``'s files and aliases; ``known``: suggestions an index of the very
    same files and aliases made before (:meth:`TargetIndex.known`)."""
    aliases_of = {path: note.aliases for path, note in sorted(vault.notes.items()) if note.aliases}
    return TargetIndex(_all_files(vault), aliases_of, known)


def graph_target_index(graph: nx.MultiDiGraph, kinds: Collection[str] = ("note",)) -> TargetIndex:
    """The index of the files of a vault graph whose node kind is one of ``kinds``, with their
    aliases: the names a command-line argument may give, as :func:`build_target_index` indexes
    the names a link may give."""
    files = sorted(node for node, kind in graph.nodes(data="kind") if kind in kinds)
    aliases_of = {
        path: tuple(aliases) for path in files if (aliases := graph.nodes[path].get("aliases"))
    }
    return TargetIndex(files, aliases_of)


def unknown_name(name: str, index: TargetIndex, *, what: str = "note", hint: str = "") -> str:
    """What to say of a typed name (``backlinks NAME``, ``map --around NAME``) that matches no
    file of ``index``: ``no note "Hypervisr" in the vault (did you mean "Hypervisor"?)``.

    The names nearest to it are found as for a broken link (:func:`suggest_targets`), but each
    is given as the name to type: a note found through its alias is given by its own name, since
    aliases name no note on the command line. With nothing near, ``hint`` (what to give
    instead) ends the line, after ``; ``.
    """
    wanted = name.strip()
    found = dict.fromkeys(Suggestion(s.target) for s in suggest_targets(index, wanted))
    suggestions = did_you_mean(tuple(found)[:LIMIT])
    message = f'no {what} "{wanted}" in the vault'
    if suggestions:
        return message + suggestions
    return f"{message}; {hint}" if hint else message


def suggest_targets(
    index: TargetIndex, target: str, *, limit: int = LIMIT
) -> tuple[Suggestion, ...]:
    """Existing targets that ``target`` is likely a misspelling of, nearest first.

    A target with a folder is compared with vault paths, a bare name with file names and
    aliases. A target written with ``.md`` gets suggestions with ``.md``.
    """
    if target not in index._seen:
        index._seen[target] = _suggest(index, target)
    return index._seen[target][:limit]


def _suggest(index: TargetIndex, target: str) -> tuple[Suggestion, ...]:
    with_md = target.lower().endswith(".md")
    in_folder = "/" in target.strip("/")
    table, keys = (
        (index.by_path, index.path_keys) if in_folder else (index.by_name, index.name_keys)
    )
    found: list[Suggestion] = []
    for key in keys.close_to(normalise(_strip_md(target))):
        for suggestion in table[key]:
            if with_md and suggestion.alias is None and suggestion.target in index.note_texts:
                suggestion = Suggestion(suggestion.target + ".md")
            if suggestion not in found:
                found.append(suggestion)
    return tuple(found[:LIMIT])


def did_you_mean(suggestions: Sequence[Suggestion], *, in_table: bool = False) -> str:
    """`` (did you mean "A" or "B"?)``, or nothing when there is nothing to suggest."""
    if not suggestions:
        return ""
    shown = [s.render(in_table=in_table) for s in suggestions]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f" (did you mean {listed}?)"


def _all_files(vault: Vault) -> list[str]:
    return sorted({*vault.notes, *vault.unreadable, *vault.attachments})


def _link_texts(files: Sequence[str]) -> dict[str, str]:
    names = {path: _strip_md(path.rsplit("/", 1)[-1]) for path in files}
    counts = Counter(fold(name) for name in names.values())
    return {
        path: name if counts[fold(name)] == 1 else _strip_md(path) for path, name in names.items()
    }


def _trigrams(key: str) -> set[str]:
    return {key[i : i + 3] for i in range(len(key) - 2)}


def _strip_md(name: str) -> str:
    return name[:-3] if name.lower().endswith(".md") else name
