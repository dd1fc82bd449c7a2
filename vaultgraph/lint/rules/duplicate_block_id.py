"""duplicate-block-id: the same ``^id`` on two blocks of one note."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import finding
from vaultgraph.model import BlockId
from vaultgraph.resolve import fold

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A block id (`^id` at the end of a paragraph or list item) used a second time in the same
    note. A link `[[Note#^id]]` can only reach one of the blocks, so the other is unreachable
    and may be embedded by mistake. Ids compare case-insensitively; each repeat is reported
    with the line of the first.

    Bad:

        Pods are the smallest unit. ^pods

        A pod holds one or more containers. ^pods

    Good:

        Pods are the smallest unit. ^pods

        A pod holds one or more containers. ^pod-containers
    """
    path = note.path
    first: dict[str, BlockId] = {}
    for block in note.block_ids:
        earlier = first.setdefault(fold(block.id), block)
        if earlier is not block:
            message = f"duplicate block id ^{block.id}: already used on line {earlier.line}"
            yield finding(RULE, path, block.line, block.column, message)


RULE = Rule(
    code="VG202",
    name="duplicate-block-id",
    severity=Severity.ERROR,
    enabled=True,
    summary="The same block id (^id) twice in one note.",
    check_note=check,
)
