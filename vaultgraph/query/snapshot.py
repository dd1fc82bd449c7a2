"""A vault at one point in its history, for diff: the working tree, or a git revision (read by
:func:`vaultgraph.load_vault` with ``revision=``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.files import VaultError
from vaultgraph.gitfiles import revision_commit
from vaultgraph.query.errors import QueryError
from vaultgraph.vault import Vault, _load, load_vault

__all__ = ["Snapshot", "at_revision", "check_revision", "working_tree"]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A vault at one point in its history; its notes' digests are the vault's own."""

    label: str  # ``HEAD~1 (1a2b3c4)``, ``working tree``
    vault: Vault

    @property
    def digests(self) -> Mapping[str, bytes]:
        """Note path -> content hash (:attr:`Vault.digests`): equal digests, unchanged note."""
        return self.vault.digests


def working_tree(vault: Vault) -> Snapshot:
    """The vault as it is on disk now, untracked files included."""
    return Snapshot("working tree", vault)


def check_revision(root: Path, revision: str) -> str:
    """The commit id ``revision`` names in the repository holding the folder ``root``."""
    try:
        return revision_commit(root, revision)
    except VaultError as error:
        raise QueryError(str(error)) from None


def at_revision(
    root: Path,
    revision: str,
    *,
    reuse: Snapshot | None = None,
    cache: bool | str | Path = True,
    jobs: int | None = None,
) -> Snapshot:
    """The vault folder ``root`` as the commit ``revision`` holds it:
    ``load_vault(root, revision=revision, cache=cache, jobs=jobs)``, raising
    :class:`QueryError`.

    A note whose bytes are those of a cached parse is not parsed again. Given ``reuse``
    (a snapshot loaded already, typically the working tree), the lookup is in its notes instead
    of the cache: a note whose bytes are those of the same note there is that very note.
    """
    try:
        if reuse is None:
            vault = load_vault(root, revision=revision, cache=cache, jobs=jobs)
        else:
            loaded = _load(root, revision, cache=False, jobs=jobs, progress=None, reuse=reuse.vault)
            vault = loaded.vault
    except VaultError as error:
        raise QueryError(str(error)) from None
    assert vault.commit is not None
    return Snapshot(f"{revision} ({vault.commit[:7]})", vault)
