"""broken-embed: an embed of a note or file that does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import as_written, at_link, missing_target
from vaultgraph.model import LinkKind

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """An embed (`![[file]]` or `![alt](file)`) whose target matches no file in the vault, so
    Obsidian shows an empty frame where the image, PDF or note should be. Targets resolve as
    links do: by name or by path, case-insensitive. In a git work tree, `check --fix` repoints
    an embed that a rename made outside vaultgraph broke, as it does a broken link (the one
    repair it gets, from git, not from the rule: it is not marked fixable).

    Bad:

        ![[diagrm.png]]
        ![architecture](assets/missing.jpg)

    Good:

        ![[diagram.png]]
        ![architecture](assets/architecture.jpg)
    """
    for resolved in context.links:
        if resolved.link.kind is LinkKind.EMBED and resolved.resolved is None:
            reason = missing_target(resolved, context.names, context.unseen)
            yield at_link(RULE, resolved, f"broken embed {as_written(resolved.link)}: {reason}")


RULE = Rule(
    code="VG102",
    name="broken-embed",
    severity=Severity.ERROR,
    enabled=True,
    summary="An embed of a note or file that does not exist.",
    check_note=check,
)
