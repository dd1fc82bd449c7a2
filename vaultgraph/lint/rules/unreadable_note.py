"""unreadable-note: a ``.md`` file, or part of one, that vaultgraph could not read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import finding
from vaultgraph.model import UNREAD_PROBLEMS

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check", "check_unreadable"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A `.md` file that cannot be read (permission denied) or decoded as UTF-8 (a binary file,
    or text saved in another encoding such as Latin-1). It is skipped, so its links, tags and
    headings are missing from every other check; the run goes on. Save it as UTF-8, or give it
    another extension if it is not a note. Parts of notes that are too large to read in bounded
    time are reported here too: a note over the size limit, a line over the length limit, or
    content nested more than 200 levels deep.

    Bad:

        <!-- Notes.md saved as Latin-1: the é is the byte 0xE9 -->
        Café

    Good:

        <!-- Notes.md saved as UTF-8 -->
        Café
    """
    path = note.path
    for problem in note.problems:
        if problem.code in UNREAD_PROBLEMS:
            yield finding(RULE, path, problem.line, problem.column, problem.message)


def check_unreadable(path: str, reason: str) -> Iterator[Finding]:
    yield finding(RULE, path, 1, 1, f"{reason}; note skipped, nothing in it was checked")


RULE = Rule(
    code="VG302",
    name="unreadable-note",
    severity=Severity.WARNING,
    enabled=True,
    summary="A .md file (or part of one) that cannot be read as UTF-8 in bounded time; skipped.",
    check_note=check,
    check_unreadable=check_unreadable,
)
