"""invalid-canvas: a ``.canvas`` file that cannot be read as JSON Canvas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import finding
from vaultgraph.model import CANVAS_PROBLEMS

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A canvas that is not JSON Canvas 1.0: not valid JSON (a missing comma, a stray bracket),
    nested too deeply to read, not UTF-8, too large, a node without an `id` or a `type`, or a
    file card whose `file` is not a string. Obsidian shows such a canvas empty or not at all,
    and none of its cards' links are checked; the rest of the vault is. An empty file is an
    empty board, not a finding. The finding is placed where the JSON goes wrong.

    Bad:

        {"nodes": [{"id": "a", "type": "file", "file": 42}]}

    Good:

        {"nodes": [{"id": "a", "type": "file", "file": "Projects/Plan.md"}]}
    """
    for problem in note.problems:
        if problem.code in CANVAS_PROBLEMS:
            yield finding(RULE, note.path, problem.line, problem.column, problem.message)


RULE = Rule(
    code="VG303",
    name="invalid-canvas",
    severity=Severity.WARNING,
    enabled=True,
    summary="A .canvas file that is not valid JSON Canvas; its cards are not checked.",
    check_note=check,
)
