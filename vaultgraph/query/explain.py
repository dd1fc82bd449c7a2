"""Why a link goes where it goes: ``vaultgraph explain``."""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from vaultgraph.lint.suggest import build_target_index, closest, suggest_targets
from vaultgraph.model import Link, LinkKind, LinkSyntax, Note
from vaultgraph.parse import parse_note
from vaultgraph.plugins.wikilinks import split_wikilink
from vaultgraph.query.errors import QueryError
from vaultgraph.resolve import Resolution, files_named, fold, resolve_link
from vaultgraph.terminal import json_text, visible_lines

if TYPE_CHECKING:
    from vaultgraph.vault import Vault

__all__ = ["FORMATS", "Candidate", "Explanation", "Format", "explain_link", "parse_link", "render"]

Format = Literal["text", "json"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file the target can name, and what Obsidian ranks it by (in this order)."""

    path: str
    matches: bool  # False: it has the target's name, but not the folders the target gives
    exact_path: bool  # the target is its vault path
    same_folder: bool  # it is in the linking note's folder
    length: int  # code points in its path: the shorter wins


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one link resolves from one note, and why."""

    link: Link
    source: str | None  # the note it is written in; None: a note at the vault root
    # Every file with the target's name: those it can name in Obsidian's order (the chosen one
    # first), then those whose folders do not match the target's.
    candidates: tuple[Candidate, ...]
    resolved: str | None
    rule: Resolution
    reason: str  # one sentence
    spelling: tuple[str, ...]  # ``case-folding``, ``unicode-normalisation``: what matching took
    aliases: tuple[str, ...]  # notes listing the target as an alias, which never resolves a link
    subpath_exists: bool | None  # None: no subpath, or the target is not a readable note
    closest_subpaths: tuple[str, ...]  # headings or blocks near a subpath that is not there
    closest: tuple[str, ...]  # links to the names nearest a target nothing matched


def parse_link(text: str) -> Link:
    """The link ``text`` writes (``[[T#sub|x]]``, ``![[T]]``, ``[x](T.md)``) or bare ``T#sub``."""
    links = parse_note("argument.md", text.strip()).links
    if len(links) > 1:
        raise QueryError(f'"{text}" holds {len(links)} links; give one')
    if links:
        return links[0]
    parts = split_wikilink(text.strip())
    if not parts.target and not parts.subpath:
        raise QueryError(f'"{text}" is not a link; give one such as "[[Note#Heading]]"')
    return Link(
        LinkKind.LINK, LinkSyntax.WIKI, text.strip(), parts.target, parts.subpath, None, 1, 1
    )


def explain_link(vault: Vault, text: str, *, source: str | None = None) -> Explanation:
    """Resolve the link ``text`` as if written in the note ``source`` (a vault path; ``None``:
    a note at the vault root), listing every file it could mean and why one was chosen."""
    link = parse_link(text)
    if not link.target and source is None:
        raise QueryError(f"{link.raw} points into the note it is written in; give --from NOTE")
    index = vault.index
    found = resolve_link(index, source or "", link, vault.notes)
    named = files_named(index, link.target) if link.target else ()
    ruled_out = tuple(path for path in named if path not in found.candidates)
    aliases = _alias_owners(vault.notes, link.target)
    note = vault.notes.get(found.resolved) if found.resolved is not None else None
    return Explanation(
        link=link,
        source=source,
        candidates=tuple(
            _candidate(path, path in found.candidates, link.target, source or "")
            for path in (*found.candidates, *ruled_out)
        ),
        resolved=found.resolved,
        rule=found.rule,
        reason=_reason(found.rule, link.target, source, found.candidates, named),
        spelling=_spelling(link.target, source or "", found.resolved, found.rule),
        aliases=aliases,
        subpath_exists=found.subpath_exists,
        closest_subpaths=_closest_subpaths(note, link.subpath)
        if found.subpath_exists is False
        else (),
        closest=_closest(vault, link.target) if found.resolved is None else (),
    )


def _candidate(path: str, matches: bool, target: str, source: str) -> Candidate:
    wanted = fold(target.lstrip("/"))
    keys = {wanted, wanted + ".md"}
    return Candidate(
        path=path,
        matches=matches,
        exact_path=fold(path) in keys,
        same_folder=fold(_folder(path)) == fold(_folder(source)),
        length=len(unicodedata.normalize("NFC", path)),
    )


def _reason(
    rule: Resolution,
    target: str,
    source: str | None,
    candidates: Sequence[str],
    named: Sequence[str],
) -> str:
    name = target.rsplit("/", 1)[-1]
    where = f"the folder of {source}" if source else "the vault root"
    others = len(candidates) - 1
    if rule is Resolution.EXACT_PATH:
        beaten = f", which wins over {_count(others, 'other file')}" if others else ""
        return f'"{target}" is the vault path of {candidates[0]}{beaten}'
    if rule is Resolution.SAME_FOLDER and others:
        return f'{len(candidates)} files are named "{name}"; {candidates[0]} is in {where}'
    if rule is Resolution.SAME_FOLDER:
        return f'{candidates[0]} is the only file named "{name}", and it is in {where}'
    if rule is Resolution.SHORTEST_PATH and not others:
        under = f" under {posixpath.dirname(target)}/" if "/" in target else ""
        return f'{candidates[0]} is the only file named "{name}"{under}'
    if rule is Resolution.SHORTEST_PATH:
        return (
            f'{len(candidates)} files are named "{name}" and none is in {where}: '
            f"the shortest path wins, then path order"
        )
    if rule is Resolution.RELATIVE:
        return f"a path relative to {where}"
    if rule is Resolution.SELF:
        return "a link into the note it is written in"
    if rule is Resolution.OUTSIDE_VAULT:
        return "the path climbs out of the vault"
    if named:
        folder = posixpath.dirname(target)
        return f'{_count(len(named), "file")} named "{name}", none of them under {folder}/'
    return f'no file is named "{name}"' if name else "the target names no file"


def _spelling(target: str, source: str, resolved: str | None, rule: Resolution) -> tuple[str, ...]:
    """What it took for the target to match the chosen file's path as spelled on disk."""
    if resolved is None or rule is Resolution.SELF:
        return ()
    if rule is Resolution.RELATIVE:
        written = posixpath.normpath(posixpath.join(_folder(source), target))
    else:
        written = posixpath.normpath(target.lstrip("/"))
    parts = written.split("/")
    tail = resolved.split("/")[-len(parts) :]
    if not parts[-1].lower().endswith(".md") and tail[-1].lower().endswith(".md"):
        tail[-1] = tail[-1][:-3]
    spelled = "/".join(tail)
    if spelled == written:
        return ()
    nfc = unicodedata.normalize
    if nfc("NFC", spelled) == nfc("NFC", written):
        return ("unicode-normalisation",)
    if spelled.casefold() == written.casefold():
        return ("case-folding",)
    return ("case-folding", "unicode-normalisation")


def _alias_owners(notes: Mapping[str, Note], target: str) -> tuple[str, ...]:
    key = fold(target.rsplit("/", 1)[-1])
    return tuple(
        path for path, note in sorted(notes.items()) if any(fold(a) == key for a in note.aliases)
    )


def _closest_subpaths(note: Note | None, subpath: str | None) -> tuple[str, ...]:
    if note is None or subpath is None:
        return ()
    if subpath.startswith("^"):
        return tuple("^" + found for found in closest(subpath[1:], [b.id for b in note.block_ids]))
    last = subpath.split("#")[-1]
    return closest(last, list(dict.fromkeys(heading.plain for heading in note.headings)))


def _closest(vault: Vault, target: str) -> tuple[str, ...]:
    if not target:
        return ()
    suggestions = suggest_targets(build_target_index(vault), target)
    return tuple(
        f"[[{s.target}]]" if s.alias is None else f"[[{s.target}|{s.alias}]]" for s in suggestions
    )


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _subpath_state(e: Explanation) -> str:
    if e.subpath_exists is None:
        return "not checked: the target is not a readable note"
    if e.subpath_exists:
        return "found"
    near = f" (closest: {', '.join(e.closest_subpaths)})" if e.closest_subpaths else ""
    return "not found" + near


def _text(e: Explanation) -> str:
    rows = [
        ("Link", e.link.raw),
        ("From", e.source or "a note at the vault root"),
        ("Files named", ", ".join(c.path for c in e.candidates) or "none")
        if e.link.target
        else None,
        ("Resolved", e.resolved or "nothing: the link is unresolved"),
        ("Rule", f"{e.rule}: {e.reason}"),
        ("Spelling", ", ".join(e.spelling)) if e.spelling else None,
        ("Subpath", f"#{e.link.subpath}: {_subpath_state(e)}") if e.link.subpath else None,
        (
            "Aliases ignored",
            f"{', '.join(e.aliases)} list{'s' if len(e.aliases) == 1 else ''} "
            f'"{e.link.target}" as an alias; aliases never resolve links',
        )
        if e.aliases
        else None,
        ("Closest names", ", ".join(e.closest)) if e.closest else None,
    ]
    shown = [row for row in rows if row is not None]
    width = max(len(label) for label, _ in shown) + 2
    lines = [f"{label + ':':<{width}}{value}" for label, value in shown]
    if len(e.candidates) > 1:
        lines += ["", "Candidates, in Obsidian's order: exact path, same folder, shortest path"]
        lines += [f"  {i}. {c.path}{_ranks(c)}" for i, c in enumerate(e.candidates, 1)]
    return visible_lines(lines)


def _ranks(c: Candidate) -> str:
    if not c.matches:
        return "  (ruled out: not in the folders the link gives)"
    marks = [m for m, on in (("exact path", c.exact_path), ("same folder", c.same_folder)) if on]
    return f"  ({', '.join([*marks, f'{c.length} characters'])})"


def _json(e: Explanation) -> str:
    data: dict[str, Any] = {
        "link": e.link.raw,
        "source": e.source,
        "target": e.link.target,
        "subpath": e.link.subpath,
        "candidates": [c.path for c in e.candidates],
        "ranking": [
            {
                "path": c.path,
                "matches": c.matches,
                "exact_path": c.exact_path,
                "same_folder": c.same_folder,
                "length": c.length,
            }
            for c in e.candidates
        ],
        "resolved": e.resolved,
        "rule": str(e.rule),
        "reason": e.reason,
        "spelling": list(e.spelling),
        "aliases_ignored": list(e.aliases),
        "subpath_exists": e.subpath_exists,
        "closest_subpaths": list(e.closest_subpaths),
        "closest": list(e.closest),
    }
    return json_text(data)


FORMATS: dict[str, Callable[[Explanation], str]] = {"text": _text, "json": _json}


def render(explanation: Explanation, fmt: Format) -> str:
    return FORMATS[fmt](explanation)
