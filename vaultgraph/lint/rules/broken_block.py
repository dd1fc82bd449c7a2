"""broken-block: a link to a block id that its target note does not have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import as_written, at_link, target_note
from vaultgraph.lint.suggest import closest

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A link or embed to a block (`[[Note#^id]]`, `[[#^id]]`, `![[Note#^id]]`) whose note
    exists but has no block marked `^id`, so Obsidian opens the note at the top or embeds
    nothing. This happens when the block was deleted or its id edited.

    Bad:

        Kubernetes schedules pods. ^scheduling

        As said in [[#^schedule]].

    Good:

        Kubernetes schedules pods. ^scheduling

        As said in [[#^scheduling]].
    """
    for resolved in context.links:
        link = resolved.link
        if resolved.subpath_exists is False and link.is_block_ref and resolved.resolved:
            target = context.linked(resolved.resolved)
            ids = [block.id for block in target.block_ids] if target else []
            wanted = (link.subpath or "")[1:]
            nearest = closest(wanted, ids, limit=1)
            hint = f" (did you mean ^{nearest[0]}?)" if nearest else ""
            message = (
                f"broken block {as_written(link)}: "
                f"{target_note(resolved)} has no block ^{wanted}{hint}"
            )
            yield at_link(RULE, resolved, message)


RULE = Rule(
    code="VG104",
    name="broken-block",
    severity=Severity.ERROR,
    enabled=True,
    summary="A link to a block id that the target note does not have.",
    check_note=check,
)
