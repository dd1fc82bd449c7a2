"""unreadable-note: a ``.md`` file that cannot be read as UTF-8 text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import finding

if TYPE_CHECKING:
    from vaultgraph.vault import Vault


def check(vault: Vault) -> Iterator[Finding]:
    """A `.md` file that cannot be read (permission denied) or decoded as UTF-8 (a binary file,
    or text saved in another encoding such as Latin-1). It is skipped, so its links, tags and
    headings are missing from every other check; the run goes on. Save it as UTF-8, or give it
    another extension if it is not a note.

    Bad:

        <!-- Notes.md saved as Latin-1: the é is the byte 0xE9 -->
        Café

    Good:

        <!-- Notes.md saved as UTF-8 -->
        Café
    """
    for path, reason in sorted(vault.unreadable.items()):
        yield finding(RULE, path, 1, 1, f"{reason}; note skipped, nothing in it was checked")


RULE = Rule(
    code="VG302",
    name="unreadable-note",
    severity=Severity.WARNING,
    enabled=True,
    summary="A .md file that cannot be read or decoded as UTF-8; it is skipped.",
    check=check,
)
