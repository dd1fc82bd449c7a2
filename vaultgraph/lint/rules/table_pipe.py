"""table-pipe: a wikilink whose bare ``|`` splits a table cell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import as_written, finding
from vaultgraph.model import Link

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A wikilink or embed with display text or a size (`[[Note|text]]`, `![[image.png|300]]`)
    inside a table row, written with a bare `|`. The table reads that `|` as the end of a cell,
    so Obsidian shows a broken row. Inside a table the pipe must be escaped as `\\|`; the fix
    does that.

    Bad:

        | Service | Diagram |
        | --- | --- |
        | [[ECS|Elastic Container Service]] | ![[ecs.png|300]] |

    Good:

        | Service | Diagram |
        | --- | --- |
        | [[ECS\\|Elastic Container Service]] | ![[ecs.png\\|300]] |
    """
    path = note.path
    for link in note.links:
        if link.bare_table_pipe:
            message = (
                f'{as_written(link)} has a bare "|" inside a table row, which ends the '
                'cell; write "\\|"'
            )
            yield finding(RULE, path, link.line, link.column, message, _fix(link))


def _fix(link: Link) -> Edit:
    escaped = "".join(
        "\\|" if char == "|" and link.raw[i - 1 : i] != "\\" else char
        for i, char in enumerate(link.raw)
    )
    return Edit(link.line, link.column, link.column + len(link.raw), escaped)


RULE = Rule(
    code="VG203",
    name="table-pipe",
    severity=Severity.WARNING,
    enabled=True,
    summary="A wikilink or embed with a bare | inside a table row, which breaks the row.",
    check_note=check,
    fixable=True,
)
