"""Broken links and embeds that a rename made outside vaultgraph broke, given the fix that
repoints them at the renamed file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Edit, Finding
from vaultgraph.model import Link, LinkKind, LinkSyntax
from vaultgraph.move.rewrite import UnwritableLink, choose_target, target_span, written_target
from vaultgraph.resolve import LinkIndex, build_index, locate

if TYPE_CHECKING:
    from vaultgraph.gitrenames import Renames
    from vaultgraph.vault import Vault

__all__ = ["REPOINTED", "Repointed", "repoint"]

# The findings a rename can explain: a link (broken-link) and an embed (broken-embed) that
# match no file, by code.
REPOINTED: Mapping[str, LinkKind] = {"VG101": LinkKind.LINK, "VG102": LinkKind.EMBED}


@dataclass(frozen=True, slots=True)
class Repointed:
    """``findings`` as given, the broken links a rename explains with the fix that repoints
    them; ``warnings`` the broken links a rename explains but that are left as written, and
    why."""

    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Moves:
    """The renames as the repair asks them: the old vault's index, each new path's old one."""

    renames: Renames
    old_index: LinkIndex
    old_paths: Mapping[str, str]  # new path -> old path, for a note that moved
    present: frozenset[str]  # every file of the vault now


def repoint(vault: Vault, findings: Sequence[Finding], renames: Renames) -> Repointed:
    """Give each broken link or embed of ``findings`` that reached a file at the revision of
    ``renames`` (resolved over that revision's files, from its note's path then) the fix that
    makes it reach that file where it is now: renamed, or where it was when only the note
    holding the link moved. The new path part is written as ``vaultgraph mv`` writes it (the
    vault's ``newLinkFormat``; display text, subpath, ``.md`` as written, embed size and ``\\|``
    kept). A finding no rename explains is left as it is; so is one whose file went to two
    places, or whose link cannot be rewritten in place (a warning says so). Links in canvases
    are left to the user."""
    if not renames.moved and not renames.ambiguous:
        return Repointed(tuple(findings), ())
    old_paths = {new: old for old, new in renames.moved.items()}
    old_paths |= {new: old for old, news in renames.ambiguous.items() for new in news}
    moves = _Moves(
        renames,
        build_index(renames.files),
        old_paths,
        frozenset([*vault.notes, *vault.unreadable, *vault.attachments]),
    )
    places = _places(vault, findings)
    out: list[Finding] = []
    warnings: list[str] = []
    for finding in findings:
        kind = REPOINTED.get(finding.code)
        link = places.get((finding.path, finding.line, finding.column, kind))
        repaired = _repaired(vault, moves, finding, link)
        if isinstance(repaired, str):
            warnings.append(repaired)
            repaired = finding
        out.append(repaired or finding)
    return Repointed(tuple(out), tuple(warnings))


def _places(
    vault: Vault, findings: Sequence[Finding]
) -> dict[tuple[str, int, int, LinkKind | None], Link]:
    """The links and embeds of the notes with a broken one, by where they start: what a
    broken-link or broken-embed finding is about (a note's thousands of links, looked up once)."""
    places: dict[tuple[str, int, int, LinkKind | None], Link] = {}
    for path in dict.fromkeys(f.path for f in findings if f.code in REPOINTED):
        note = vault.notes.get(path)
        for link in note.links if note is not None else ():
            places.setdefault((path, link.line, link.column, link.kind), link)
    return places


def _repaired(
    vault: Vault, moves: _Moves, finding: Finding, link: Link | None
) -> Finding | str | None:
    """The finding with its repointing fix, a warning, or ``None``: no rename explains it."""
    if link is None or not link.target or link.syntax is LinkSyntax.CANVAS:
        return None
    renames = moves.renames
    source = moves.old_paths.get(finding.path, finding.path)
    was = locate(moves.old_index, source, link.target)
    if was is None:
        return None
    where = f"{finding.path}:{link.line}: {' '.join(link.raw.split())}"
    if was in renames.ambiguous:
        places = " and ".join(renames.ambiguous[was])
        return f"{where}: {was} went to {places} since {renames.label}; not repointed"
    now = renames.moved.get(was, was)
    if now == was and source == finding.path:
        return None  # neither moved: something else broke it
    if now not in moves.present:
        return None  # removed, or moved out of the vault: nothing to point at
    edit = _edit(vault, finding.path, link, now)
    if isinstance(edit, str):
        return f"{where}: {edit}; not repointed"
    moved = f"{was} is {now} now" if now != was else f"{finding.path} was {source}"
    message = f"{finding.message} ({moved}, git says, since {renames.label})"
    return replace(finding, message=message, fix=edit)


def _edit(vault: Vault, path: str, link: Link, expected: str) -> Edit | str:
    """The edit of ``link``'s path part that reaches ``expected``, or why there is none."""
    span = target_span(link)
    lines = vault.lines(path)
    if span is None or span.line != link.line or lines is None or span.line > len(lines):
        return "its path cannot be found on its line"
    if lines[span.line - 1][span.column - 1 : span.end_column - 1] != span.text:
        return "its text changed since it was read"
    try:
        target = choose_target(vault.index, path, expected, link, vault.settings.new_link_format)
        text = written_target(link, span, target)
    except UnwritableLink as why:
        return str(why)
    return Edit(span.line, span.column, span.end_column, text)
