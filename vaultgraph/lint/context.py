"""What a per-note rule may look at besides its note, handed to it, and what it asked for.

A per-note rule (:class:`~vaultgraph.lint.rule.Rule` with ``check_note``) sees the vault only
through a :class:`NoteContext`. Each thing the context hands out that depends on other notes
is recorded: the notes whose headings and block ids it looked at (:meth:`NoteContext.linked`,
and the subpath links resolution looked up), and whether it used the index of every file's
name and every note's aliases (:attr:`NoteContext.names`). The check memo keeps that record
with the note's findings; after an edit, the notes to check again are the edited ones, those
that asked for an edited note, and, when an alias changed, those that used the names. The
file list is not recorded: when it changes every link may resolve elsewhere, and the whole
vault is checked again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vaultgraph.lint.suggest import TargetIndex
    from vaultgraph.model import Outlined
    from vaultgraph.resolve import LinkIndex, ResolvedLink

__all__ = ["NoteContext", "VaultView"]


class VaultView(Protocol):
    """What the engine knows of the vault while it checks notes: a loaded vault, or the check
    memo's record of one with a few notes parsed again (see vaultgraph/lint/memo.py)."""

    @property
    def root(self) -> Path: ...

    @property
    def index(self) -> LinkIndex:
        """Every file of the vault by name and path, as links resolve against it."""
        ...

    @property
    def unseen(self) -> tuple[str, ...]:
        """The vault's folders that could not be listed: a missing target may be there."""
        ...

    def outline(self, path: str) -> Outlined | None:
        """The headings and block ids of the readable note at ``path``; ``None`` for any
        other path."""
        ...

    def targets(self) -> TargetIndex:
        """The index of file names and aliases that suggestions come from; one per run."""
        ...

    def lines(self, path: str) -> list[str] | None:
        """The note's lines as markdown-it counts them, or ``None`` if it cannot be read."""
        ...


class NoteContext:
    """One note's view of the rest of the vault, for the per-note rules checking it."""

    __slots__ = ("_asked", "_names", "_view", "links", "path")

    def __init__(self, path: str, links: tuple[ResolvedLink, ...], view: VaultView) -> None:
        self.path = path
        self.links = links  # the note's own links, resolved, in source order
        self._view = view
        # Resolution looked up the headings and block ids of every note a subpath link names.
        self._asked = {
            rl.resolved
            for rl in links
            if rl.link.subpath is not None and rl.resolved is not None and rl.resolved != path
        }
        self._names = False

    @property
    def index(self) -> LinkIndex:
        """Every file of the vault, by folded path and name (the file list)."""
        return self._view.index

    @property
    def unseen(self) -> tuple[str, ...]:
        """The vault's folders that could not be listed (a missing target may be there)."""
        return self._view.unseen

    @property
    def names(self) -> TargetIndex:
        """Every file's name and every note's aliases, for "did you mean" and alias owners."""
        self._names = True
        return self._view.targets()

    def linked(self, path: str) -> Outlined | None:
        """The headings and block ids of the readable note at ``path`` (one this note links
        to); ``None`` for an attachment, an unreadable note or no file at all."""
        if path != self.path:
            self._asked.add(path)
        return self._view.outline(path)

    def lines(self) -> list[str] | None:
        """This note's lines as markdown-it counts them (a finding's line ``n`` is
        ``lines[n - 1]``); ``None`` if it can no longer be read."""
        return self._view.lines(self.path)

    @property
    def asked(self) -> frozenset[str]:
        """The other notes this note's checks looked into so far."""
        return frozenset(self._asked)

    @property
    def used_names(self) -> bool:
        """Whether this note's checks used the index of names and aliases."""
        return self._names
