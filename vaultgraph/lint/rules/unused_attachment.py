"""unused-attachment: a file other than a note that nothing in the vault uses."""

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
    """An attachment (an image, a PDF, audio, video, any file that is not a note) that no note
    links to or embeds, in its text or its properties, and no canvas card shows: it only takes
    space. To stay safe for clearing out, the rule is conservative: a file whose name a note's
    HTML names (`<img src="...">`, `<a href="...">`), a text property mentions (`cover:
    photo.jpg`), or a CSS snippet under `.obsidian/snippets` loads (`url(...)`) counts as used,
    in whatever folder. Off by default; `--fix` never deletes anything, and files the
    configuration excludes are not reported. `vaultgraph stats` lists the largest.

    Bad:

        <!-- assets/old-diagram.png: no note or canvas names it -->
        The architecture is in ![[new-diagram.png]].

    Good:

        <!-- assets/old-diagram.png: embedded, so it is used -->
        The architecture is in ![[new-diagram.png]], as it was in ![[old-diagram.png]].
    """
    from vaultgraph.attachments import format_size, unused_attachments  # networkx: if selected

    for unused in unused_attachments(vault):
        size = "" if unused.size is None else f" ({format_size(unused.size)})"
        message = f"unused attachment{size}: no note, property or canvas links to or embeds it"
        yield finding(RULE, unused.path, 1, 1, message)


RULE = Rule(
    code="VG402",
    name="unused-attachment",
    severity=Severity.WARNING,
    enabled=False,
    summary="An attachment that no note, property or canvas links to or embeds.",
    check_vault=check,
)
