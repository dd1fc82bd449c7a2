"""A lint rule: its metadata as data, and the function that finds its problems.

A rule has one of two shapes, and its shape is what it may depend on:

- a **per-note** rule (``check_note``) judges one note at a time, given the note and a
  :class:`~vaultgraph.lint.context.NoteContext` that hands it everything else it may look at (the
  note's resolved links, the vault's files, the names and aliases index, the notes its links
  lead to). The engine records what each note's check asked for, so a re-check after an edit
  knows from that record, not from a declaration, which notes the edit can change;
- a **whole-vault** rule (``check_vault``) sees the loaded :class:`~vaultgraph.vault.Vault` (its
  graph, every note): any edit may change its findings, so it runs over the whole vault.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note
    from vaultgraph.vault import Vault

__all__ = ["NoteCheck", "Rule", "UnreadableCheck", "VaultCheck"]

NoteCheck = Callable[["Note", "NoteContext"], Iterable[Finding]]
# The notes that could not be read have no parsed note: a rule about them gets the path and why.
UnreadableCheck = Callable[[str, str], Iterable[Finding]]
VaultCheck = Callable[["Vault"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's public contract: a stable code and name, its default severity and state, and
    exactly one of ``check_note`` (with, optionally, ``check_unreadable``) or ``check_vault``.

    The check's docstring (a paragraph, then ``Bad:`` and ``Good:`` examples) is what
    docs/rules.md is built from.
    """

    code: str  # ``VG101``: stable, never reused
    name: str  # ``broken-link``: kebab-case, stable
    severity: Severity
    enabled: bool  # on by default
    summary: str  # one line
    check_note: NoteCheck | None = None
    check_vault: VaultCheck | None = None
    check_unreadable: UnreadableCheck | None = None
    fixable: bool = False

    def __post_init__(self) -> None:
        if (self.check_note is None) == (self.check_vault is None):
            raise ValueError(f"{self.name}: give check_note or check_vault, not both or neither")
        if self.check_unreadable is not None and self.check_note is None:
            raise ValueError(f"{self.name}: check_unreadable belongs to a per-note rule")

    @property
    def per_note(self) -> bool:
        """Whether the rule judges each note on its own (``check_note``)."""
        return self.check_note is not None

    @property
    def doc(self) -> str:
        check = self.check_note or self.check_vault
        return inspect.cleandoc(getattr(check, "__doc__", None) or "")
