"""Load a vault in one call: files, then parsed notes, then resolved links, then the graph."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from vaultgraph.files import ReadFailure, SkippedPath, read_text, scan_vault
from vaultgraph.graph import build_graph
from vaultgraph.model import Note
from vaultgraph.parse import parse_note
from vaultgraph.resolve import ResolvedLink, resolve_all

__all__ = ["Vault", "VaultError", "load_vault"]


class VaultError(Exception):
    """The vault cannot be loaded at all; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Vault:
    """A fully loaded vault. Paths are vault-relative POSIX paths as spelled on disk.

    ``unreadable`` maps ``.md`` files that could not be read to the reason; they are not in
    ``notes`` but links still resolve to them and they are note nodes in ``graph``.
    ``skipped`` lists what the scan left out (symlinks leading outside, unlistable folders).
    """

    root: Path
    notes: Mapping[str, Note]
    attachments: tuple[str, ...]
    unreadable: Mapping[str, str]
    links: tuple[ResolvedLink, ...]
    graph: nx.MultiDiGraph
    skipped: tuple[SkippedPath, ...] = ()


def load_vault(path: str | os.PathLike[str]) -> Vault:
    """Read every file of the vault at ``path`` and build its graph."""
    root = Path(path)
    _check_root(root)
    files = scan_vault(root)
    loaded = [_load_note(root, relpath) for relpath in files.notes]
    notes = {n.path: n for n in loaded if isinstance(n, Note)}
    unreadable = {
        relpath: n.reason
        for relpath, n in zip(files.notes, loaded, strict=True)
        if isinstance(n, ReadFailure)
    }
    links = resolve_all(notes, [*files.notes, *files.attachments])
    graph = build_graph(notes, files.attachments, links, unreadable=unreadable)
    return Vault(
        root=root,
        notes=notes,
        attachments=files.attachments,
        unreadable=unreadable,
        links=links,
        graph=graph,
        skipped=files.skipped,
    )


def _check_root(root: Path) -> None:
    if not root.exists():
        raise VaultError(f"{root}: no such folder; give the path of an Obsidian vault folder")
    if not root.is_dir():
        raise VaultError(
            f"{root}: not a folder; give the vault folder that holds the notes, not a file in it"
        )


def _load_note(root: Path, relpath: str) -> Note | ReadFailure:
    # One file in, one record out, nothing shared: this loop can move to a process pool as is.
    text = read_text(root, relpath)
    return text if isinstance(text, ReadFailure) else parse_note(relpath, text)
