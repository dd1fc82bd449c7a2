"""Obsidian's link resolution: one name index over the vault, then dict lookups per link."""

from __future__ import annotations

import posixpath
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from vaultgraph.model import Heading, Link, LinkKind, LinkSyntax, Note, Outlined

__all__ = [
    "IndexedFile",
    "LinkIndex",
    "Resolution",
    "ResolvedLink",
    "build_index",
    "files_named",
    "fold",
    "heading_key",
    "heading_path",
    "index_for",
    "locate",
    "moved_index",
    "resolve_all",
    "resolve_link",
    "resolve_name",
]


class Resolution(StrEnum):
    """Which of Obsidian's rules picked the target (or why none did)."""

    EXACT_PATH = "exact-path"
    SAME_FOLDER = "same-folder"
    SHORTEST_PATH = "shortest-path"
    RELATIVE = "relative"
    SELF = "self"
    UNRESOLVED = "unresolved"
    OUTSIDE_VAULT = "outside-vault"


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    """Where one link of one note goes.

    ``candidates`` holds every file the target names, in Obsidian's order of preference, the
    chosen one first. ``subpath_exists`` is ``None`` when there is no subpath or the target is
    not a readable note.
    """

    source: str
    link: Link
    resolved: str | None
    candidates: tuple[str, ...]
    rule: Resolution
    subpath_exists: bool | None

    @property
    def ambiguous(self) -> bool:
        """Several files match and only Obsidian's tie-break chose between them."""
        return len(self.candidates) > 1 and self.rule in (
            Resolution.SAME_FOLDER,
            Resolution.SHORTEST_PATH,
        )


@dataclass(frozen=True, slots=True)
class IndexedFile:
    """A vault file with the keys it is compared by."""

    path: str  # as on disk
    key: str  # fold(path)
    folder_key: str  # fold(folder), "" at the root
    length: int  # code points of the NFC path: the same file is as "short" in NFC or NFD


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """Every vault file by folded full path and by folded file name, each group sorted by path."""

    by_path: Mapping[str, tuple[IndexedFile, ...]]
    by_name: Mapping[str, tuple[IndexedFile, ...]]


def fold(text: str) -> str:
    """The key Obsidian compares names by: case-insensitive, NFC and NFD alike."""
    if text.isascii():  # most names: casefold is lower and NFC changes nothing in ASCII
        return text.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def heading_key(text: str) -> str:
    """The key a heading and a link's heading subpath are compared by.

    As Obsidian's own heading normaliser does, each of ``!"#$%&()*+,.:;<=>?@^`{|}~/[]\\``
    becomes a space, runs of whitespace shrink to one space and the ends are trimmed; then case
    goes (:func:`fold`). Every other character, ``'``, ``-``, ``_``, ``—`` or ``🚀``, must match
    as written. So ``[[README#What is the Obsidian Hub]]`` finds ``## What is the Obsidian
    Hub?`` and ``[[#D D WOTC]]`` finds ``## D&D WOTC``, but ``[[#What s up]]`` does not find
    ``## What's up?``.
    """
    # Stripped before folding, as Obsidian strips the text as written: NFC would turn a few
    # look-alikes (U+037E GREEK QUESTION MARK is ";") into listed characters.
    return fold(" ".join(text.translate(_SPACED).split()))


# What Obsidian's stripHeading replaces with a space, and nothing else.
_SPACED = str.maketrans(dict.fromkeys('!"#$%&()*+,.:;<=>?@^`{|}~/[]\\', " "))


def build_index(paths: Iterable[str]) -> LinkIndex:
    """Index vault-relative file paths once, so each link costs a few dict lookups."""
    by_path: defaultdict[str, list[IndexedFile]] = defaultdict(list)
    by_name: defaultdict[str, list[IndexedFile]] = defaultdict(list)
    for path in sorted(set(paths)):
        entry = _indexed(path)
        by_path[entry.key].append(entry)
        by_name[entry.key.rsplit("/", 1)[-1]].append(entry)
    return LinkIndex(
        by_path={key: tuple(group) for key, group in by_path.items()},
        by_name={key: tuple(group) for key, group in by_name.items()},
    )


def moved_index(index: LinkIndex, moves: Mapping[str, str]) -> LinkIndex:
    """``build_index`` of the files of ``index`` with each path in ``moves`` at its new path,
    made by changing only the groups the moves touch: a move of one note in a vault of 100,000
    files re-indexes two names, not every file."""
    by_path = dict(index.by_path)
    by_name = dict(index.by_name)
    for old in moves:
        key = fold(old)
        for groups, group_key in ((by_path, key), (by_name, key.rsplit("/", 1)[-1])):
            kept = tuple(e for e in groups.get(group_key, ()) if e.path not in moves)
            if kept:
                groups[group_key] = kept
            else:
                groups.pop(group_key, None)
    for new in moves.values():
        entry = _indexed(new)
        for groups, group_key in ((by_path, entry.key), (by_name, entry.key.rsplit("/", 1)[-1])):
            group = groups.get(group_key, ())
            if all(e.path != new for e in group):
                groups[group_key] = tuple(sorted((*group, entry), key=lambda e: e.path))
    return LinkIndex(by_path=by_path, by_name=by_name)


def index_for(paths: Iterable[str], links: Iterable[tuple[str, Link]]) -> LinkIndex:
    """The part of ``build_index(paths)`` that ``links`` (source path, link) can reach: only the
    files whose name one of their targets names. It resolves each of those links as the whole
    index does, for a fraction of its cost when the links are few."""
    names: set[str] = set()
    for source, link in links:
        target = link.target
        if not target:
            continue
        # As _locate reads a target: a name (or a folder path's last part), a path relative to
        # the source's folder, or a path from the vault root.
        for spelled in (
            target,
            posixpath.normpath(posixpath.join(_folder(source), target)),
            posixpath.normpath(target.lstrip("/") or "."),
        ):
            names.update(key.rsplit("/", 1)[-1] for key in _path_keys(spelled))
    return build_index(path for path in paths if fold(path).rsplit("/", 1)[-1] in names)


def files_named(index: LinkIndex, target: str) -> tuple[str, ...]:
    """Every file whose name the last part of ``target`` names (``.md`` optional), in path
    order, whatever folders the target gives: what ``vaultgraph explain`` lists."""
    name = target.rsplit("/", 1)[-1]
    if not name:
        return ()
    keys = _path_keys(name)
    return tuple(sorted(entry.path for key in keys for entry in index.by_name.get(key, ())))


def resolve_link(
    index: LinkIndex, source_path: str, link: Link, notes: Mapping[str, Outlined]
) -> ResolvedLink:
    """Resolve one link written in the note at ``source_path``; ``notes`` are the vault's
    readable notes (or their outlines), where a subpath is looked up."""
    found = _locate(index, _folder(source_path), link.target) if link.target else None
    resolved, candidates, rule = found or (source_path, (source_path,), Resolution.SELF)
    note = notes.get(resolved) if resolved is not None else None
    exists = _subpath_exists(note, link.subpath)
    return ResolvedLink(source_path, link, resolved, candidates, rule, exists)


def locate(index: LinkIndex, source_path: str, target: str) -> str | None:
    """The file ``target`` (a link's path part, non-empty) written in the note at
    ``source_path`` resolves to, or ``None``: what :func:`resolve_link` picks, for a caller that
    asks again and again of a vault that does not exist yet (``vaultgraph mv``'s plan)."""
    return _locate(index, _folder(source_path), target)[0]


def resolve_name(index: LinkIndex, target: str) -> ResolvedLink:
    """Where ``[[target]]`` written at the vault root goes: the file a name given on the command
    line (a title, a vault path with or without ``.md``, the end of a path) names."""
    link = Link(LinkKind.LINK, LinkSyntax.WIKI, f"[[{target}]]", target, None, None, 1, 1)
    return resolve_link(index, "", link, {})


def resolve_all(
    notes: Mapping[str, Note],
    paths: Iterable[str],
    *,
    index: LinkIndex | None = None,
    targets: Mapping[str, Outlined] | None = None,
) -> tuple[ResolvedLink, ...]:
    """Resolve every link of every note against the vault's files (``paths`` plus the notes),
    or against ``index`` when the caller has built it over those files already. A subpath is
    looked up in ``targets``, the vault's readable notes or their outlines (by default
    ``notes``: when they are all of them)."""
    if index is None:
        index = build_index([*paths, *notes])
    if targets is None:
        targets = notes
    # Vaults link the same names from the same folders, and the same headings of the same
    # notes, over and over: each target is matched against the files, each pair of folder and
    # target located, and each subpath of a note looked up, once.
    located: dict[tuple[str, str], _Found] = {}
    names: dict[str, _Named] = {}

    def named(target: str) -> _Named:
        if target not in names:
            names[target] = _named(index, target)
        return names[target]

    looked_up: dict[tuple[str, str], bool | None] = {}
    keys_of: dict[str, _HeadingKeys] = {}
    resolved: list[ResolvedLink] = []
    for path in sorted(notes):
        folder = _folder(path)
        into_itself: _Found = (path, (path,), Resolution.SELF)
        for link in notes[path].links:
            if not link.target:
                found = into_itself
            elif (folder, link.target) in located:
                found = located[(folder, link.target)]
            else:
                found = located[(folder, link.target)] = _locate(index, folder, link.target, named)
            target, subpath = found[0], link.subpath
            exists: bool | None = None
            if target is not None and subpath is not None and target in targets:
                if (target, subpath) in looked_up:
                    exists = looked_up[(target, subpath)]
                else:
                    note = targets[target]
                    if not subpath.startswith("^") and target not in keys_of:
                        keys_of[target] = _heading_keys(note.headings)
                    exists = _subpath_exists(note, subpath, keys_of.get(target))
                    looked_up[(target, subpath)] = exists
            resolved.append(ResolvedLink(path, link, target, found[1], found[2], exists))
    return tuple(resolved)


_Found = tuple[str | None, tuple[str, ...], Resolution]
_NOT_FOUND: _Found = (None, (), Resolution.UNRESOLVED)
_OUTSIDE: _Found = (None, (), Resolution.OUTSIDE_VAULT)


def _locate(
    index: LinkIndex, folder: str, target: str, named: Callable[[str], _Named] | None = None
) -> _Found:
    """Where ``target``, linked from a note in ``folder``, goes; ``named`` stands in for
    :func:`_named` when the caller remembers what each target names."""
    if target.startswith(("./", "../")) or target in (".", ".."):
        return _at_path(index, posixpath.join(folder, target), Resolution.RELATIVE)
    if target.startswith("/") or any(part in (".", "..") for part in target.split("/")):
        # Anchored at the vault root: taken literally, never matched as a suffix or a bare name.
        return _at_path(index, target.lstrip("/"), Resolution.EXACT_PATH)
    return _by_name(named(target) if named else _named(index, target), folder)


def _at_path(index: LinkIndex, path: str, rule: Resolution) -> _Found:
    normal = posixpath.normpath(path) if path else "."
    if normal == ".." or normal.startswith("../"):
        return _OUTSIDE
    if normal == ".":
        return _NOT_FOUND
    hits = tuple(entry.path for key in _path_keys(normal) for entry in index.by_path.get(key, ()))
    return (hits[0], hits, rule) if hits else _NOT_FOUND


# What a target names, whichever note links it: the folded paths it is the exact path of, and
# every file whose name it matches.
_Named = tuple[tuple[str, ...], tuple[IndexedFile, ...]]


def _named(index: LinkIndex, target: str) -> _Named:
    name = target.rsplit("/", 1)[-1]
    if not name:
        return (), ()
    exact = _path_keys(target)
    matches = [entry for key in _path_keys(name) for entry in index.by_name.get(key, ())]
    if "/" in target:
        # A folder path also matches deeper down the tree, but only on a folder boundary.
        suffixes = tuple("/" + key for key in exact)
        matches = [e for e in matches if e.key in exact or e.key.endswith(suffixes)]
    return exact, tuple(matches)


def _by_name(named: _Named, folder: str) -> _Found:
    exact, matches = named
    if not matches:
        return _NOT_FOUND
    here = fold(folder)
    # Obsidian's preference: the exact path, then the linking note's folder, then the shortest
    # path; equal lengths fall back to path order so the choice never depends on the disk.
    ranked = (
        sorted(matches, key=lambda e: (e.key not in exact, e.folder_key != here, e.length, e.path))
        if len(matches) > 1
        else matches
    )
    chosen = ranked[0]
    if chosen.key in exact:
        rule = Resolution.EXACT_PATH
    elif chosen.folder_key == here:
        rule = Resolution.SAME_FOLDER
    else:
        rule = Resolution.SHORTEST_PATH
    return chosen.path, tuple(entry.path for entry in ranked), rule


def _path_keys(target: str) -> tuple[str, ...]:
    """The folded paths a target may name, likelier first: ``.md`` may be left out."""
    key = fold(target)
    return (key, key + ".md") if key.endswith(".md") else (key + ".md", key)


# Per heading of a note, in order: the heading_key of its source text and of its plain text.
_HeadingKeys = tuple[tuple[str, str], ...]


def _heading_keys(headings: Sequence[Heading]) -> _HeadingKeys:
    keys: list[tuple[str, str]] = []
    for heading in headings:
        key = heading_key(heading.text)
        keys.append((key, key if heading.plain == heading.text else heading_key(heading.plain)))
    return tuple(keys)


def _subpath_exists(
    note: Outlined | None, subpath: str | None, keys: _HeadingKeys | None = None
) -> bool | None:
    """Whether ``note`` has the heading path or block ``subpath`` names; ``keys`` are the
    note's heading keys when the caller already has them. ``None`` when that cannot be known:
    no subpath, no readable note, or a note the parser left partly unread (too large, a line too
    long) without finding it in the part it read."""
    if note is None or subpath is None:
        return None
    if subpath.startswith("^"):
        wanted = fold(subpath[1:])
        found = bool(wanted) and any(fold(block.id) == wanted for block in note.block_ids)
    else:
        parts = [key for key in (heading_key(part) for part in subpath.split("#")) if key]
        if not parts:
            return None
        if keys is None:
            keys = _heading_keys(note.headings)
        found = _heading_path_exists(note.headings, keys, parts, 0, len(note.headings))
    if not found and note.partly_read:
        return None
    return found


def heading_path(headings: Sequence[Heading], subpath: str) -> tuple[int, ...] | None:
    """The headings a heading ``subpath`` (``A#B``) names, one index into ``headings`` per part
    whose key is not empty, each nested in the one before: the first such chain in the note's
    order, the one a link with that subpath reaches; ``None`` when there is none (or no part)."""
    parts = [key for key in (heading_key(part) for part in subpath.split("#")) if key]
    if not parts:
        return None
    return _heading_path(headings, _heading_keys(headings), parts, 0, len(headings))


def _heading_path_exists(
    headings: Sequence[Heading], keys: _HeadingKeys, parts: Sequence[str], start: int, stop: int
) -> bool:
    """Whether ``parts`` names headings in [start, stop), each nested in the one before."""
    return _heading_path(headings, keys, parts, start, stop) is not None


def _heading_path(
    headings: Sequence[Heading], keys: _HeadingKeys, parts: Sequence[str], start: int, stop: int
) -> tuple[int, ...] | None:
    """The first chain of headings in [start, stop) that ``parts`` names, or ``None``."""
    if not parts:
        return ()
    for i in range(start, stop):
        if parts[0] in keys[i]:
            end = _section_end(headings, i)
            rest = _heading_path(headings, keys, parts[1:], i + 1, end)
            if rest is not None:
                return (i, *rest)
    return None


def _section_end(headings: Sequence[Heading], i: int) -> int:
    """Index of the next heading at the same or a higher level than ``headings[i]``."""
    level = headings[i].level
    later = range(i + 1, len(headings))
    return next((j for j in later if headings[j].level <= level), len(headings))


def _indexed(path: str) -> IndexedFile:
    return IndexedFile(
        path=path,
        key=fold(path),
        folder_key=fold(_folder(path)),
        length=len(unicodedata.normalize("NFC", path)),
    )


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""
