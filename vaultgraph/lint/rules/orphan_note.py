"""orphan-note: a note that no link or embed joins to any other file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import finding

if TYPE_CHECKING:
    from vaultgraph.vault import Vault

__all__ = ["RULE", "check"]


def check(vault: Vault) -> Iterator[Finding]:
    """A note with no resolved link or embed to or from another file: nothing leads to it and it
    leads nowhere, so it floats alone in the graph view. Tags, links to itself and links that do
    not resolve do not count. Off by default, since many vaults keep such notes on purpose.

    Bad:

        <!-- Scratch.md: nothing links here -->
        Some thoughts about #containers, see [[Nonexistent]].

    Good:

        <!-- Scratch.md: [[Scratch]] appears in another note -->
        Some thoughts about [[Containers]].
    """
    from vaultgraph.graph import orphan_notes  # networkx: only when this rule is selected

    for path in orphan_notes(vault.graph):
        yield finding(RULE, path, 1, 1, "orphan note: no link or embed to or from another file")


RULE = Rule(
    code="VG401",
    name="orphan-note",
    severity=Severity.ERROR,
    enabled=False,
    summary="A note with no resolved link or embed to or from another file.",
    check_vault=check,
)
