"""The plan of a move: every file's new path and every reference's new text, from the loaded
vault alone; nothing on disk changes here.

Each reference is resolved again in the vault as it will be (a new index over the new paths)
by the same resolver that read it (:func:`vaultgraph.resolve.locate`); one that would no longer
reach its file at the file's new path is rewritten, in the form the vault's ``newLinkFormat``
prefers that the resolver sends there. References are the vault's resolved links
(``Vault.links``: body and properties, each with its :class:`~vaultgraph.model.LinkSyntax`).
Another kind (canvas file and text cards) plugs in at two places: its resolved references
joined to the loop of :func:`plan_moves`, and its syntax given a case in
:func:`~vaultgraph.move.rewrite.target_span` and :func:`~vaultgraph.move.rewrite.written_target`
(plus, for a JSON file, a writer of its own in ``_edit``); the decision itself is unchanged.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.canvas import parse_canvas
from vaultgraph.lint.finding import Edit
from vaultgraph.lint.fix import NotWritable, SplitText, apply_edits, split_text, text_diff
from vaultgraph.model import Link, LinkSyntax, Note
from vaultgraph.move.rewrite import (
    Span,
    UnwritableLink,
    choose_target,
    in_json_line,
    json_written,
    target_span,
    written_target,
)
from vaultgraph.parse import MAX_LINE_CHARS, MAX_NOTE_CHARS, parse_note
from vaultgraph.resolve import (
    LinkIndex,
    Resolution,
    ResolvedLink,
    fold,
    locate,
    moved_index,
    resolve_link,
)
from vaultgraph.settings import ObsidianSettings
from vaultgraph.store import digest
from vaultgraph.vault import Vault

__all__ = ["FileEdit", "MoveError", "Plan", "Rename", "plan_moves", "vault_path"]


class MoveError(Exception):
    """The move is refused; the message is one line saying why."""


@dataclass(frozen=True, slots=True)
class Rename:
    """One rename on disk (a file or a whole folder), vault-relative paths."""

    source: str
    dest: str


@dataclass(frozen=True, slots=True)
class FileEdit:
    """A note whose references are rewritten: its bytes now and after, at its path now
    (``path``) and after the move (``new_path``)."""

    path: str
    new_path: str
    old: bytes
    new: bytes
    rewritten: int

    @property
    def diff(self) -> str:
        """The rewrite as a unified diff (made when asked: only ``--dry-run`` shows it)."""
        return text_diff(self.path, split_text(self.old), split_text(self.new))


@dataclass(frozen=True, slots=True)
class Plan:
    """What a move does: ``renames`` in order, ``paths`` every vault file that gets a new path
    (old to new), ``edits`` the notes rewritten, ``folders`` the parent folders created first,
    ``newly_resolved`` the unresolved references the move makes resolve (kept as written,
    said as warnings: a note named as broken links name it is often what the move is for)."""

    renames: tuple[Rename, ...]
    paths: Mapping[str, str]
    edits: tuple[FileEdit, ...]
    folders: tuple[str, ...]
    newly_resolved: tuple[str, ...]

    @property
    def diff(self) -> str:
        return "".join(edit.diff for edit in self.edits)


def vault_path(text: str, what: str) -> str:
    """``text`` as a vault-relative POSIX path, or refuse: outside the vault, or hidden (where
    ``.obsidian/`` and the like live, which vaultgraph never moves)."""
    normal = posixpath.normpath(text.replace(os.sep, "/")).strip("/")
    if normal in ("", ".") or normal == ".." or normal.startswith("../") or text.startswith("/"):
        raise MoveError(f"{what} {text} is outside the vault")
    if any(part.startswith(".") for part in normal.split("/")):
        raise MoveError(f"{what} {text} is a hidden path; vaultgraph does not move those")
    return normal


def plan_moves(vault: Vault, sources: Sequence[str], dest: str) -> Plan:
    """Plan moving ``sources`` (vault-relative: notes, attachments, folders) to ``dest``: a new
    path, or an existing folder to move them into (as ``mv`` does; several sources need one),
    or a folder written with a trailing ``/``, made if it is missing.
    Raises :class:`MoveError` for a move that cannot be made as asked or whose references
    cannot all be kept."""
    renames = _renames(vault, sources, dest)
    files = [*vault.notes, *vault.unreadable, *vault.attachments]
    paths = _new_paths(files, renames)
    clash = _clash(files, paths)
    if clash is not None:
        raise MoveError(clash)
    index = moved_index(vault.index, paths)
    moved_names = {fold(posixpath.basename(p)) for old, new in paths.items() for p in (old, new)}
    per_note: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    newly: list[str] = []
    located: dict[tuple[str, str], str | None] = {}
    was: dict[tuple[str, str], str | None] = {}
    targets: dict[_TargetKey, str] = {}
    documents = {**vault.notes, **vault.canvases} if vault.canvases else vault.notes
    for path in sorted(documents):
        new_path = paths.get(path, path)
        for position, link in enumerate(documents[path].links):
            # Only a moved note's links, and links whose last name is a moved file's, can
            # resolve otherwise: those alone are resolved, before and after.
            if not link.target or not (new_path != path or _may_change(link.target, moved_names)):
                continue
            before = (posixpath.dirname(path), link.target)
            if before not in was:
                was[before] = _expected(resolve_link(vault.index, path, link, {}), paths)
            expected = was[before]
            after = (posixpath.dirname(new_path), link.target)
            if after not in located:
                located[after] = locate(index, new_path, link.target)
            actual = located[after]
            if actual == expected:
                continue
            if expected is None:
                newly.append(f"{path}:{link.line}: {link.raw} would reach {actual}")
                continue
            per_note[path].append((position, expected))
    drafts = [
        _draft(vault, index, path, paths.get(path, path), per_note[path], targets)
        for path in sorted(per_note)
    ]
    proven = _proven_in_place(index, drafts)
    edits = tuple(
        _checked(index, draft, dict(per_note[draft.path]), proven=draft.path in proven)
        for draft in drafts
    )
    return Plan(renames, paths, edits, _folders(vault, renames), tuple(newly))


def _clash(files: Sequence[str], paths: Mapping[str, str]) -> str | None:
    """Why the move cannot be made if a moved file would get the path of another one, or one
    differing from it only in letter case (the same file to Obsidian, and on a case-insensitive
    disk): both named. Files that already differ so and stay where they are do not count."""
    taken = {fold(path): path for path in files if path not in paths}
    for old in sorted(paths):
        new = paths[old]
        other = taken.setdefault(fold(new), new)
        if other != new:
            return f"DEST {new}: {other} would be there too, a name that differs only in case"
    return None


def _renames(vault: Vault, sources: Sequence[str], dest: str) -> tuple[Rename, ...]:
    root = vault.root
    if not sources:
        raise MoveError("no SOURCE given")
    at_root = posixpath.normpath(dest.replace(os.sep, "/")) == "."
    # A DEST written with a trailing slash is a folder to move into, made if it is missing.
    folder = dest.replace(os.sep, "/").endswith("/")
    dest = "" if at_root else vault_path(dest, "DEST")  # "." is the vault folder: into it
    if folder and os.path.lexists(root / dest) and not os.path.isdir(root / dest):
        raise MoveError(f"DEST {dest}/: {dest} is not a folder")
    into = at_root or folder or (os.path.isdir(root / dest) and not os.path.islink(root / dest))
    if len(sources) > 1 and not into:
        raise MoveError(f"DEST {dest} is not an existing folder, and several SOURCEs are given")
    renames: list[Rename] = []
    for given in sources:
        source = vault_path(given, "SOURCE")
        if not os.path.lexists(root / source):
            raise MoveError(f"SOURCE {source} does not exist")
        target = posixpath.join(dest, posixpath.basename(source)) if into else dest
        for what, path in (("SOURCE", source), ("DEST", target)):
            link = _symbolic_link(root, path, itself=what == "SOURCE")
            if link is not None:
                # Through it the file would leave the vault (or come in from outside), and a
                # moved link's relative target would point elsewhere.
                raise MoveError(
                    f"{what} {path}: {link} is a symbolic link; vaultgraph does not "
                    "move through or move symbolic links"
                )
        if target == source:  # a file moved into the folder it is in
            raise MoveError(f"{source} is already there")
        if target.startswith(source + "/"):
            raise MoveError(f"cannot move {source} into itself")
        if os.path.lexists(root / target):
            raise MoveError(f"DEST {target} exists")
        if not os.path.isdir(root / source) and _is_note(source) != _is_note(target):
            # A note renamed to a name without .md is no longer a note: its links would go.
            kind = "a note keeps" if _is_note(source) else "a file that is not a note gets no"
            raise MoveError(f"DEST {target}: {kind} the .md extension")
        parent = posixpath.dirname(target)
        if parent and os.path.lexists(root / parent) and not os.path.isdir(root / parent):
            raise MoveError(f"DEST {target}: {parent} is not a folder")
        for other in renames:
            if _within(source, other.source) or _within(other.source, source):
                raise MoveError(f"SOURCE {source} is given twice (or inside another SOURCE)")
            if other.dest == target:
                raise MoveError(f"DEST {target} is the destination of two SOURCEs")
        renames.append(Rename(source, target))
    return tuple(renames)


def _symbolic_link(root: Path, path: str, *, itself: bool) -> str | None:
    """The first of ``path``'s folders (and ``path`` itself, if ``itself``) that is a symbolic
    link, or ``None``."""
    parts = path.split("/")
    for end in range(1, len(parts) + (1 if itself else 0)):
        folder = "/".join(parts[:end])
        if os.path.islink(root / folder):
            return folder
    return None


def _is_note(path: str) -> bool:
    return path.lower().endswith(".md")


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")


def _new_paths(files: Iterable[str], renames: Sequence[Rename]) -> dict[str, str]:
    paths: dict[str, str] = {}
    for path in files:
        for rename in renames:
            if _within(path, rename.source):
                paths[path] = rename.dest + path[len(rename.source) :]
                break
    return paths


def _folders(vault: Vault, renames: Sequence[Rename]) -> tuple[str, ...]:
    """The missing parent folders of the destinations, parents first."""
    missing: list[str] = []
    for rename in renames:
        parent = posixpath.dirname(rename.dest)
        chain: list[str] = []
        while parent and not os.path.isdir(vault.root / parent):
            chain.append(parent)
            parent = posixpath.dirname(parent)
        missing.extend(reversed(chain))
    return tuple(dict.fromkeys(missing))


def _may_change(target: str, moved_names: set[str]) -> bool:
    """Whether a reference of a note that stays where it is may resolve otherwise: only when a
    moved file has (had) the name it ends with. Each folder, name and rule of the resolver
    depends on the files of that name alone."""
    last = fold(target.rsplit("/", 1)[-1])
    return last in ("", ".", "..") or last in moved_names or last + ".md" in moved_names


def _expected(resolved: ResolvedLink, paths: Mapping[str, str]) -> str | None:
    if resolved.rule in (Resolution.UNRESOLVED, Resolution.OUTSIDE_VAULT):
        return None
    target = resolved.resolved
    return None if target is None else paths.get(target, target)


@dataclass(frozen=True, slots=True)
class _Draft:
    """A note's rewrite before it is checked: the note as read, its bytes, its new text."""

    note: Note
    new_path: str
    data: bytes
    new: SplitText
    rewrites: tuple[_Rewrite, ...]
    canvas: bool

    @property
    def path(self) -> str:
        return self.note.path


def _draft(
    vault: Vault,
    index: LinkIndex,
    path: str,
    new_path: str,
    wanted: Sequence[tuple[int, str]],
    targets: dict[_TargetKey, str],
) -> _Draft:
    canvas = path in vault.canvases
    note = vault.canvases[path] if canvas else vault.notes[path]
    try:
        data = (vault.root / path).read_bytes()
    except OSError as error:
        raise MoveError(f"cannot read {path}: {error.strerror}") from None
    try:
        old = split_text(data)
    except NotWritable as why:
        raise MoveError(f"cannot rewrite the links of {path}: {why}") from None
    # The bytes the note was parsed from, by their hash: parsing it again would cost as much as
    # the check of the rewritten note below (and that is taken only when needed).
    known = vault.digests.get(path)
    # A canvas is not in the parse cache, nor hashed: read again, it must read the same.
    same = parse_canvas(path, old.text) == note if canvas else known == digest(data)
    if not same:
        raise MoveError(f"{path} changed since the vault was read; run again")
    settings = vault.settings
    rewrites = tuple(
        _rewrite(
            index,
            new_path,
            note.links[position],
            expected,
            old.lines,
            settings,
            targets,
            canvas=canvas,
        )
        for position, expected in wanted
    )
    # Inside a canvas the link is in a JSON string: the new text is written as JSON.
    edits = [
        Edit(
            r.span.line,
            r.span.column,
            r.span.end_column,
            json_written(r.text, r.span.text) if canvas else r.text,
        )
        for r in rewrites
    ]
    return _Draft(note, new_path, data, apply_edits(old, edits), rewrites, canvas)


def _checked(
    index: LinkIndex, draft: _Draft, wanted: Mapping[int, str], *, proven: bool
) -> FileEdit:
    """The draft as an edit, once it is proven in place or, parsed again whole, reads as the
    same links (see :func:`_verify`)."""
    if not proven:
        text = draft.new.text
        path = draft.new_path
        reread = parse_canvas(path, text) if draft.canvas else parse_note(path, text)
        _verify(index, draft.note, reread, wanted)
    return FileEdit(draft.path, draft.new_path, draft.data, draft.new.encode(), len(wanted))


# What a rewritten target depends on besides the vault: the folder it is written from, the
# file it must reach, its syntax, and whether it wrote ``.md`` (see ``choose_target``).
_TargetKey = tuple[str, str, LinkSyntax, bool]


@dataclass(frozen=True, slots=True)
class _Rewrite:
    """One reference's path part: where it is written, its new text, the file it must reach."""

    link: Link
    span: Span
    text: str
    expected: str


def _rewrite(
    index: LinkIndex,
    source: str,
    link: Link,
    expected: str,
    lines: Sequence[str],
    settings: ObsidianSettings,
    targets: dict[_TargetKey, str],
    *,
    canvas: bool,
) -> _Rewrite:
    where = f"{link.raw} ({link.line}:{link.column})"
    span = target_span(link)
    if span is not None and canvas:  # inside a JSON string, maybe written with escapes
        span = in_json_line(link, span, lines[span.line - 1])
    if span is None or lines[span.line - 1][span.column - 1 : span.end_column - 1] != span.text:
        raise MoveError(f"cannot find the path of {where} in its text; nothing moved")
    key = (posixpath.dirname(source), expected, link.syntax, link.target.lower().endswith(".md"))
    try:
        if key not in targets:  # a hub's thousands of backlinks come from a few folders
            targets[key] = choose_target(index, source, expected, link, settings.new_link_format)
        text = written_target(link, span, targets[key])
    except UnwritableLink as why:
        raise MoveError(f"cannot rewrite {where}: {why}") from None
    return _Rewrite(link, span, text, expected)


# Characters that no Markdown construct reads ahead for (code spans read ahead for a backtick,
# math for ``$``, comments for ``%%``, raw HTML and autolinks for ``>``, link labels for brackets,
# tables for ``|``) and that end nothing, so changing them inside a link's path changes no other
# part of the note: letters, digits, ``_`` (``\w``), a few punctuation marks, and ``%`` followed
# by two hex digits (a Markdown link's percent-encoding).
_INERT = re.compile(r"(?:[\w \-.,/'()+@!&~=*:;?]|%[0-9A-Fa-f]{2})*")


def _inert(old: str, new: str) -> bool:
    """Whether a path part written ``old`` can become ``new`` without the rest of its line
    reading otherwise. An ``<angle bracket>`` destination's opening bracket, in both, is the
    link's own: a raw HTML tag opened before the link cannot reach past the link's ``[``."""
    if old.startswith("<") and new.startswith("<"):
        old, new = old[1:], new[1:]
    return _INERT.fullmatch(old) is not None and _INERT.fullmatch(new) is not None


def _probes(draft: _Draft) -> list[str] | None:
    """The text of each rewritten link of ``draft`` as it will be written, or ``None`` when
    one of them cannot be proven in place: it is not a wikilink or Markdown link on one line,
    or it changes characters that are not inert, or the note or line is too long to read."""
    lines = draft.new.lines
    if draft.canvas or sum(map(len, lines)) + len(lines) > MAX_NOTE_CHARS:
        return None
    alone: list[str] = []
    for rewrite in draft.rewrites:
        link, span = rewrite.link, rewrite.span
        if (
            link.syntax not in (LinkSyntax.WIKI, LinkSyntax.MARKDOWN)
            or span.line != link.line
            or "\n" in link.raw
            or not _inert(span.text, rewrite.text)
            or len(lines[span.line - 1]) > MAX_LINE_CHARS
        ):
            return None
        start = span.column - link.column
        alone.append(link.raw[:start] + rewrite.text + link.raw[start + len(span.text) :])
    return alone


# How much probe text one parse reads (well under the parser's MAX_NOTE_CHARS).
_PROBE_CHARS = 1_000_000


def _proven_in_place(index: LinkIndex, drafts: Sequence[_Draft]) -> set[str]:
    """The paths of the drafts known to read as before without parsing them again: each
    rewrite changes inert characters for inert characters on one line, and its link, parsed
    by the parser as a paragraph of its own, is the same link with the same subpath and display
    text, whose new path the resolver sends to the file it must reach. The others are parsed
    whole. The probes of many notes are parsed together: a parse's own cost is most of a
    short text's."""
    proven: set[str] = set()
    batch: list[tuple[_Draft, list[str]]] = []
    size = 0
    for draft in [*drafts, None]:
        probes = _probes(draft) if draft is not None else None
        if batch and (draft is None or size + sum(map(len, probes or ())) > _PROBE_CHARS):
            proven |= _proven_batch(index, batch)
            batch, size = [], 0
        if draft is not None and probes is not None:
            batch.append((draft, probes))
            size += sum(len(probe) + 2 for probe in probes)
    return proven


def _proven_batch(index: LinkIndex, batch: Sequence[tuple[_Draft, list[str]]]) -> set[str]:
    texts = [probe for _, probes in batch for probe in probes]
    links = parse_note("probes.md", "\n\n".join(texts)).links
    if len(links) != len(texts):
        return set()  # a probe read as more or fewer links: none of the batch is taken
    found = iter(links)
    proven: set[str] = set()
    for draft, probes in batch:
        if all(
            (probe.kind, probe.syntax, probe.raw, probe.subpath, probe.display)
            == (r.link.kind, r.link.syntax, raw, r.link.subpath, r.link.display)
            and locate(index, draft.new_path, probe.target) == r.expected
            for probe, r, raw in zip(
                [next(found) for _ in probes], draft.rewrites, probes, strict=True
            )
        ):
            proven.add(draft.path)
    return proven


def _verify(index: LinkIndex, before: Note, after: Note, wanted: Mapping[int, str]) -> None:
    """Refuse unless the rewritten note reads as the same links, on the same lines, with the
    same subpaths and display text, the rewritten ones reaching their files (the parser and
    the resolver say so, not the rewriting code)."""
    broken = len(before.links) != len(after.links) or len(before.headings) != len(after.headings)
    for position, (old, new) in enumerate(zip(before.links, after.links, strict=False)):
        if broken:
            break
        same = (old.kind, old.syntax, old.line, old.subpath, old.display) == (
            new.kind,
            new.syntax,
            new.line,
            new.subpath,
            new.display,
        )
        if position in wanted:
            broken = not same or locate(index, after.path, new.target) != wanted[position]
        else:
            broken = not same or (old.raw, old.target) != (new.raw, new.target)
    if broken:
        raise MoveError(f"rewriting the links of {before.path} would change more; nothing moved")
