"""empty-bullet: a list item that holds nothing but its marker."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import finding
from vaultgraph.model import ListItem, Note

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext

__all__ = ["RULE", "check"]

_TASK_BOX = re.compile(r"\[.\]")


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A list item (bullet, number or task) with no text and no nested items: a stray `-` left
    behind while writing, which Obsidian shows as an empty bullet. It is decided from the parsed
    note, so a `-` under a line of text (a heading underline), a `---` rule and anything inside a
    code block never count. The fix removes the line, or empties it when the next line would
    otherwise join the list item above; an item inside a blockquote is reported but not fixed.

    Bad:

        - Consistency
        -
        - [ ]

    Good:

        - Consistency
        - [ ] Portability
    """
    path = note.path
    empty = [item for item in note.list_items if item.empty]
    if not empty:
        return
    lines = context.lines() or []
    for item in empty:
        source = lines[item.line - 1] if item.line <= len(lines) else ""
        written = source[item.column - 1 :].strip() or item.marker
        kind = "task" if item.task else "list item"
        fix = _fix(item, lines, note)
        yield finding(RULE, path, item.line, item.column, f'empty {kind} "{written}"', fix)


def _fix(item: ListItem, lines: Sequence[str], note: Note) -> Edit | None:
    """Remove the item's line when nothing else is on it (not even a blockquote's ``>``)."""
    if item.line > len(lines) or not _only_marker(lines[item.line - 1], item):
        return None
    following = lines[item.line] if item.line < len(lines) else ""
    starts_item = any(other.line == item.line + 1 for other in note.list_items)
    if following.strip() and not starts_item:
        # Without a blank line there, a paragraph below would join the list item above.
        return Edit(item.line, 1, len(lines[item.line - 1]) + 1, "")
    return Edit(item.line, 1, 1, delete_line=True)


def _only_marker(source: str, item: ListItem) -> bool:
    stripped = source.strip()
    if not stripped.startswith(item.marker):
        return False
    rest = stripped[len(item.marker) :].strip()
    return rest == "" or (item.task and _TASK_BOX.fullmatch(rest) is not None)


RULE = Rule(
    code="VG201",
    name="empty-bullet",
    severity=Severity.ERROR,
    enabled=True,
    summary="A list item (bullet, number or task) that holds only its marker.",
    check_note=check,
    fixable=True,
)
