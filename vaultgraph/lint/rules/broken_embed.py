"""broken-embed: an embed of a note or file that does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import as_written, at_link, missing_target, unseen
from vaultgraph.lint.suggest import TargetIndex, target_index
from vaultgraph.model import LinkKind

if TYPE_CHECKING:
    from vaultgraph.vault import Vault

__all__ = ["RULE", "check"]


def check(vault: Vault) -> Iterator[Finding]:
    """An embed (`![[file]]` or `![alt](file)`) whose target matches no file in the vault, so
    Obsidian shows an empty frame where the image, PDF or note should be. Targets resolve as
    links do: by name or by path, case-insensitive.

    Bad:

        ![[diagrm.png]]
        ![architecture](assets/missing.jpg)

    Good:

        ![[diagram.png]]
        ![architecture](assets/architecture.jpg)
    """
    index: TargetIndex | None = None
    hidden = unseen(vault)
    for resolved in vault.links:
        if resolved.link.kind is LinkKind.EMBED and resolved.resolved is None:
            index = index or target_index(vault)
            reason = missing_target(resolved, index, hidden)
            yield at_link(RULE, resolved, f"broken embed {as_written(resolved.link)}: {reason}")


RULE = Rule(
    code="VG102",
    name="broken-embed",
    severity=Severity.ERROR,
    enabled=True,
    summary="An embed of a note or file that does not exist.",
    check=check,
)
