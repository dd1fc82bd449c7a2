"""Apply findings' safe repairs to notes on disk: atomically, keeping every byte no edit covers."""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from vaultgraph.files import DIRECTORY, NOFOLLOW, ReadFailure, decode_text, is_inside
from vaultgraph.lint.finding import Edit, Finding
from vaultgraph.markdown import parser
from vaultgraph.model import Note
from vaultgraph.parse import line_as_parsed, parse_note

__all__ = [
    "FixError",
    "FixReport",
    "NotWritable",
    "SplitText",
    "apply_edits",
    "apply_fixes",
    "remove_leftovers",
    "replace_atomically",
    "split_text",
    "text_diff",
]

# The same three line endings as ``vaultgraph.parse.split_lines``, so line numbers agree.
_LINE_ENDING = re.compile(r"\r\n|\r|\n")
# A fix writes the new note beside it as ``.NAME.vaultgraph-XXXXXXXX.tmp`` (tempfile's eight
# random characters), then renames it over ``NAME``: a fix killed in between leaves it. The
# "vaultgraph-" is what tells it from the temporary files of editors, sync tools, or
# ``files.write_atomically``, which are named ``.NAME.XXXXXXXX.tmp``.
_TEMP_PREFIX = "vaultgraph-"
_TEMPORARY = re.compile(rf"\.(?P<note>.+)\.{_TEMP_PREFIX}[a-z0-9_]{{8}}\.tmp", re.DOTALL)


@dataclass(frozen=True, slots=True)
class FixError:
    """A file whose fixes were not applied, and why; its findings stay reported."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class FixReport:
    """What ``apply_fixes`` changed (or, without ``write``, would change).

    ``diff`` is a unified diff of every change (``a/path`` and ``b/path`` headers, line endings
    shown as ``\\n``); ``fixed`` the findings whose edit was applied; ``changed`` the
    vault-relative paths of the files changed; ``errors`` the files left untouched and why.
    """

    diff: str
    fixed: tuple[Finding, ...]
    changed: tuple[str, ...]
    errors: tuple[FixError, ...] = ()


@dataclass(frozen=True, slots=True)
class _Text:
    """A note's bytes taken apart: BOM, lines as the parser counts them, each line's own ending."""

    bom: bytes
    lines: tuple[str, ...]
    endings: tuple[str, ...]  # one per line; the last line's is always ""

    @property
    def text(self) -> str:
        return "".join(line + end for line, end in zip(self.lines, self.endings, strict=True))

    def encode(self) -> bytes:
        return self.bom + self.text.encode("utf-8")


@dataclass(frozen=True, slots=True)
class _Outcome:
    fixed: tuple[Finding, ...]
    diff: str


class _Skip(Exception):
    """This file is left as it is, for the reason given."""


def apply_fixes(
    root: Path,
    findings: Iterable[Finding],
    *,
    write: bool,
    notes: Mapping[str, Note] | None = None,
) -> FixReport:
    """Apply the ``fix`` of each finding to the files of the vault at ``root``.

    Edits apply bottom-up, right to left; of two overlapping edits the first finding's wins and
    the other stays unfixed. A file is left untouched when it no longer holds what the findings
    were computed from: always when an edit's span is no longer a link (or an empty list item for
    a deleted line), and, given the ``notes`` the findings came from, when the file no longer
    parses to the same note. It is left untouched too when its edits would change more than
    they say: join two lines (a CR line ending left right before an LF one reads as one CRLF),
    or make or break a table. With ``write`` each changed file is replaced atomically; without it
    only the diff is computed. Nothing raises: a file that cannot be read or written is in
    ``errors``.
    """
    # By position only: two findings may differ in nothing but their edits, which do not order.
    fixable = sorted((f for f in findings if f.fix is not None), key=_position)
    fixed: list[Finding] = []
    diffs: list[str] = []
    errors: list[FixError] = []
    for path, group in groupby(fixable, key=lambda f: f.path):
        expected = notes.get(path) if notes is not None else None
        try:
            outcome = _fix_file(root, path, list(group), expected=expected, write=write)
        except _Skip as skip:
            errors.append(FixError(path, str(skip)))
            continue
        if outcome.fixed:
            fixed.extend(outcome.fixed)
            diffs.append(outcome.diff)
    changed = tuple(dict.fromkeys(f.path for f in fixed))
    return FixReport("".join(diffs), tuple(fixed), changed, tuple(errors))


def _position(finding: Finding) -> tuple[str, int, int, str]:
    return finding.path, finding.line, finding.column, finding.code


def _fix_file(
    root: Path, path: str, findings: Sequence[Finding], *, expected: Note | None, write: bool
) -> _Outcome:
    # A symlinked note is fixed where it really lives, so the link stays a link.
    target = Path(os.path.realpath(root / path))
    try:
        data = target.read_bytes()
    except OSError as error:
        raise _Skip(f"cannot read: {_reason(error)}") from None
    old = _split(data)
    current = parse_note(path, old.text)
    if expected is not None and current != expected:
        raise _Skip("changed since it was checked; not fixed")
    chosen = _without_overlaps(findings)
    if not all(_still_there(current, old.lines, f.fix) for f in chosen if f.fix):
        raise _Skip("changed since it was checked; not fixed")
    edits = [f.fix for f in chosen if f.fix]
    new = _apply(old, edits)
    new_data = new.encode()
    if new_data == data:
        return _Outcome((), "")
    if _joins_lines(new):
        # The lines on either side would become one (a list would swallow the paragraph below).
        raise _Skip("fixing would join two lines (CR and LF line endings mixed); not fixed")
    if any(_moves_pipes(old, edit) for edit in edits) and _tables(new) != _tables(old):
        raise _Skip("fixing would make or break a table; not fixed")
    if write:
        _replace_atomically(target, data, new_data)
    return _Outcome(tuple(chosen), _diff(path, old, new))


def _split(data: bytes) -> _Text:
    # A note with a NUL byte is checked unless it is binary (files.decode_text's rule); its NUL
    # bytes are kept as written here, so a fix changes nothing else.
    if b"\x00" in data and isinstance(failure := decode_text(data), ReadFailure):
        raise _Skip(f"{failure.reason}; not fixed")
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise _Skip("not UTF-8; not fixed") from None
    if "\r" not in text:  # most notes: one kind of line ending, a split in C
        lines = text.split("\n")
        return _Text(bom, tuple(lines), ("\n",) * (len(lines) - 1) + ("",))
    lines = []
    endings: list[str] = []
    start = 0
    for match in _LINE_ENDING.finditer(text):
        lines.append(text[start : match.start()])
        endings.append(match.group())
        start = match.end()
    lines.append(text[start:])
    endings.append("")
    return _Text(bom, tuple(lines), tuple(endings))


def _without_overlaps(findings: Sequence[Finding]) -> list[Finding]:
    """The findings whose edits can all apply, in order; a later overlapping edit is dropped."""
    chosen: list[Finding] = []
    for finding in findings:
        if finding.fix and not any(c.fix and _overlap(c.fix, finding.fix) for c in chosen):
            chosen.append(finding)
    return chosen


def _overlap(a: Edit, b: Edit) -> bool:
    if a.line != b.line:
        return False
    if a.delete_line or b.delete_line or a.column == b.column:
        return True  # same start: which insertion goes first would be a guess
    return a.column < b.end_column and b.column < a.end_column


def _still_there(note: Note, lines: Sequence[str], edit: Edit) -> bool:
    """Whether the edit still lands on what rules repair: inside a link, an empty list item, or
    exactly the text a parser problem names (an unquoted property link).

    Edits carry positions, not the text they replace; this is what catches a file edited between
    the check and the fix, so that no line holding text is ever removed or rewritten.
    """
    if not 1 <= edit.line <= len(lines):
        return False
    empty_item = any(item.line == edit.line and item.empty for item in note.list_items)
    if edit.delete_line:
        return empty_item
    if not 1 <= edit.column <= edit.end_column <= len(lines[edit.line - 1]) + 1:
        return False
    return (
        empty_item
        or any(
            link.line == edit.line
            and link.column <= edit.column
            and edit.end_column <= link.column + len(link.raw)
            for link in note.links
        )
        or any(
            problem.written
            and (problem.line, problem.column) == (edit.line, edit.column)
            and edit.end_column == problem.column + len(problem.written)
            for problem in note.problems
        )
    )


def _joins_lines(text: _Text) -> bool:
    """Whether a CR ending runs into the LF ending of the empty line after it: read as one CRLF.

    Only a file that ends some lines with CR and others with LF can get there, when a fix takes
    away the line between them or empties it.
    """
    return any(
        end == "\r" and line == "" and next_end == "\n"
        for end, line, next_end in zip(
            text.endings[:-1], text.lines[1:], text.endings[1:], strict=True
        )
    )


def _moves_pipes(text: _Text, edit: Edit) -> bool:
    """Whether the edit writes or takes away a ``|``: a table's rows are made of them."""
    line = text.lines[edit.line - 1]
    taken = line if edit.delete_line else line[edit.column - 1 : edit.end_column - 1]
    return "|" in edit.replacement or "|" in taken


def _tables(text: _Text) -> list[int]:
    """The number of rows of each table, in order, as the parser reads the text.

    Fixes rewrite links in place and remove empty list items: that leaves every table as it was,
    unless a ``|`` written or escaped changes a row's cells so that a table appears or goes (a
    bare ``|`` just above a delimiter row turns a paragraph into a table header). Overlong lines
    are read as ``parse_note`` reads them.
    """
    lines = (line_as_parsed(line) for line in text.lines)
    rows: list[int] = []
    for token in parser().parse("\n".join(lines)):
        if token.type == "table_open":
            rows.append(0)
        elif token.type == "tr_open" and rows:
            rows[-1] += 1
    return rows


def _apply(text: _Text, edits: Sequence[Edit]) -> _Text:
    lines, endings = list(text.lines), list(text.endings)
    # Bottom-up and right to left, so that no edit moves the position of one still to come.
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        index = edit.line - 1
        if edit.delete_line:
            del lines[index], endings[index]
        else:
            line = lines[index]
            lines[index] = line[: edit.column - 1] + edit.replacement + line[edit.end_column - 1 :]
    if not endings or endings[-1]:
        # The last line went: what ends the file now is an ending, then an empty last line.
        lines.append("")
        endings.append("")
    return _Text(text.bom, tuple(lines), tuple(endings))


def _replace_atomically(target: Path, original: bytes, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``target`` and rename it over; never half a file."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError as error:
        raise _Skip(f"cannot write: {_reason(error)}") from None
    # A read-only note says "hands off"; the rename alone would get past it.
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise _Skip("read-only file; not fixed")
    temp: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=target.parent,
            prefix=f".{target.name}.{_TEMP_PREFIX}",
            suffix=".tmp",
            delete=False,
        ) as handle:
            temp = handle.name
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if target.read_bytes() != original:
            raise _Skip("changed while being fixed; not fixed")
        os.replace(temp, target)
        temp = None
    except OSError as error:
        raise _Skip(f"cannot write: {_reason(error)}") from None
    finally:
        if temp is not None:
            _remove(temp)


def remove_leftovers(root: Path, notes: Iterable[str]) -> tuple[str, ...]:
    """Remove the temporary files that fixes stopped half-way (killed, or the machine went
    down) left beside the ``notes`` of the vault at ``root``; the vault-relative paths removed.

    A file goes only when all of this holds: it is in the folder of one of ``notes`` (the real
    folder of a symlinked note), its name is ``.NAME.vaultgraph-XXXXXXXX.tmp`` exactly, with
    ``NAME`` one of those notes in that same folder and ``XXXXXXXX`` tempfile's characters, and
    it is a regular file (a symbolic link is never followed nor removed) that belongs to the
    user running this. A fix still running makes such files too, for the moment it writes a
    note: call this only while no other fix can be running (holding the vault's
    :func:`vaultgraph.lock.writing` lock). Files that cannot be removed are left, silently.
    """
    real_root = os.path.realpath(root)
    named: dict[str, set[str]] = {}  # real folder -> names of notes in it
    for path in notes:
        full = os.path.join(real_root, path)
        if os.path.islink(full):
            full = os.path.realpath(full)  # fixed where it lives, as _fix_file does
            if not is_inside(full, real_root):
                continue
        folder, name = os.path.split(full)
        named.setdefault(folder, set()).add(name)
    removed: list[str] = []
    for folder, names in sorted(named.items()):
        removed.extend(
            os.path.relpath(os.path.join(folder, name), real_root).replace(os.sep, "/")
            for name in _remove_temporaries(folder, names)
        )
    return tuple(sorted(removed))


def _remove_temporaries(folder: str, notes: set[str]) -> list[str]:
    """The names of the temporaries of ``notes`` that were removed from ``folder``."""
    me = os.geteuid() if hasattr(os, "geteuid") else None
    # By the folder's descriptor where the system allows: every look and the removal are then
    # in this very folder, even if a folder on its path is swapped for a link meanwhile.
    by_fd = {os.stat, os.unlink} <= os.supports_dir_fd and os.scandir in os.supports_fd
    flags = os.O_RDONLY | DIRECTORY | NOFOLLOW
    try:
        fd = os.open(folder, flags) if by_fd else None
    except OSError:
        return []
    try:
        try:
            with os.scandir(folder if fd is None else fd) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError:
            return []
        removed: list[str] = []
        for name in names:
            match = _TEMPORARY.fullmatch(name)
            if match is None or match["note"] not in notes:
                continue
            where = name if fd is not None else os.path.join(folder, name)
            try:
                found = os.stat(where, dir_fd=fd, follow_symlinks=False)
                if not stat.S_ISREG(found.st_mode) or me not in (None, found.st_uid):
                    continue
                os.unlink(where, dir_fd=fd)
            except OSError:
                continue
            removed.append(name)
        return removed
    finally:
        if fd is not None:
            os.close(fd)


def _remove(path: str) -> None:
    # Best effort: an error here must not hide the one that brought us here.
    with contextlib.suppress(OSError):
        os.unlink(path)


def _diff(path: str, old: _Text, new: _Text) -> str:
    out: list[str] = []
    hunks = difflib.unified_diff(_pieces(old), _pieces(new), f"a/{path}", f"b/{path}", lineterm="")
    for index, line in enumerate(hunks):
        if index < 2 or line.startswith("@@"):
            out.append(line + "\n")
            continue
        body = line.rstrip("\r\n")
        out.append(body + "\n")
        if body == line:
            out.append("\\ No newline at end of file\n")
    return "".join(out)


def _pieces(text: _Text) -> list[str]:
    """Lines with their endings, as a diff compares them; the empty line after a final ending
    is not a line."""
    pieces = [line + end for line, end in zip(text.lines, text.endings, strict=True)]
    return pieces[:-1] if pieces[-1] == "" else pieces


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


# The writing helpers, for the other writer of notes (``vaultgraph mv``): one way to take a
# note's bytes apart, edit its lines, diff and replace it.
NotWritable = _Skip
SplitText = _Text
split_text = _split
apply_edits = _apply
text_diff = _diff
replace_atomically = _replace_atomically
