"""Which attachments nothing in the vault uses: no link, embed, canvas card, HTML or CSS."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultgraph.files import read_inside

if TYPE_CHECKING:
    from vaultgraph.model import Note
    from vaultgraph.vault import Vault

__all__ = [
    "SNIPPETS",
    "Unused",
    "format_size",
    "named_in_notes",
    "named_in_snippets",
    "unused_attachments",
]

SNIPPETS = ".obsidian/snippets"
_MAX_SNIPPET = 1 << 20
_MAX_SNIPPETS = 1_000
# url(x), url('x'), url("x"): bounded, so a hostile stylesheet costs linear time.
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')\s]{1,2048})\1\s*\)""", re.IGNORECASE)
_MAX_DEPTH = 20  # nested properties looked into


@dataclass(frozen=True, slots=True)
class Unused:
    """An attachment nothing uses, and its size in bytes (``None`` when it cannot be read)."""

    path: str
    size: int | None


def unused_attachments(vault: Vault) -> tuple[Unused, ...]:
    """The vault's attachments that nothing reaches, sorted by path.

    Reached means: a resolved link or embed points at it (from a note's body or properties, or
    from a canvas), or, conservatively, a file of that name (any folder, any case) is named by
    a note's HTML ``src``/``href``, by a text property, or by a ``url(...)`` in a CSS snippet
    under ``.obsidian/snippets``. When in doubt a file is used: this list is for deleting.
    """
    graph = vault.graph
    named = named_in_notes(vault.notes.values()) | named_in_snippets(vault.root)
    found = []
    for path in vault.attachments:
        if graph.nodes[path].get("kind") != "attachment":
            continue  # a canvas or a base: a document of its own, not an attachment
        if any(source != path for source, _ in graph.in_edges(path)):
            continue
        if _name(path) in named:
            continue
        found.append(Unused(path, _size(vault.root, path)))
    return tuple(found)


def format_size(size: int) -> str:
    """``size`` bytes for people: ``1 byte``, ``640 bytes``, ``1.5 kB``, ``12.3 MB``."""
    if size < 1000:
        return f"{size} byte{'' if size == 1 else 's'}"
    return f"{size / 1000:.1f} kB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"


def named_in_notes(notes: Iterable[Note]) -> frozenset[str]:
    """The file names (folded) that notes' HTML attributes and text properties mention."""
    names: set[str] = set()
    for note in notes:
        names.update(_name(ref) for ref in note.html_refs)
        names.update(_name(value) for value in _strings(note.frontmatter, 0))
    return frozenset(names)


def named_in_snippets(root: Path) -> frozenset[str]:
    """The file names (folded) in ``url(...)`` of the vault's CSS snippets; unreadable snippets
    (too large, a link out of the vault, not a regular file) name nothing."""
    names: set[str] = set()
    for relpath in _snippets(root):
        try:
            text = read_inside(root, relpath, limit=_MAX_SNIPPET).decode("utf-8", "replace")
        except OSError:
            continue
        names.update(_name(match[2]) for match in _CSS_URL.finditer(text))
    return frozenset(names)


def _snippets(root: Path) -> Iterator[str]:
    try:
        with os.scandir(root / SNIPPETS) as entries:
            found = sorted(
                entry.name
                for entry in entries
                if entry.name.lower().endswith(".css") and entry.is_file(follow_symlinks=False)
            )
    except OSError:
        return
    for name in found[:_MAX_SNIPPETS]:
        yield f"{SNIPPETS}/{name}"


def _strings(value: Any, depth: int) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, depth + 1)


def _name(path: str) -> str:
    return posixpath.basename(path.strip().replace("\\", "/")).casefold()


def _size(root: Path, path: str) -> int | None:
    try:
        found = os.lstat(root / path)
    except OSError:
        return None
    return found.st_size if stat.S_ISREG(found.st_mode) else None
