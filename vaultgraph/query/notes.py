"""Find the file a command-line argument names: a vault path, a title or a ``[[wikilink]]``."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from vaultgraph.graph import find_node
from vaultgraph.lint.suggest import graph_target_index, unknown_name
from vaultgraph.plugins.wikilinks import split_wikilink
from vaultgraph.query.errors import QueryError
from vaultgraph.resolve import Resolution, build_index, resolve_name

__all__ = ["find_note", "unwrap"]

_HOW = "give a note's title, its vault path or a [[wikilink]]"


def unwrap(name: str) -> str:
    """The target of ``[[target#sub|text]]`` or ``![[...]]``; any other text as it is."""
    text = name.strip()
    inner = text.removeprefix("!")
    if inner.startswith("[[") and inner.endswith("]]") and len(inner) >= 4:
        return split_wikilink(inner[2:-2]).target
    return text


def find_note(
    graph: nx.MultiDiGraph, name: str, *, root: Path | None = None, attachments: bool = False
) -> str:
    """The node of the note (or, with ``attachments``, the file) that ``name`` names.

    ``name`` is a vault path with or without ``.md``, a title, the end of a path or a
    ``[[wikilink]]``, found as a link written at the vault root finds it. A title that several
    files share is an error listing them, not Obsidian's silent tie-break. With ``root``, a path
    on disk to a file inside that vault folder works too. Aliases never name a note (as in
    Obsidian's links), but an unknown name gets the closest names, titles and aliases as
    suggestions (:func:`vaultgraph.lint.suggest.unknown_name`).
    """
    target = unwrap(name)
    if not target:
        raise QueryError(f'"{name}" names no note; {_HOW}')
    kinds = ("note", "attachment") if attachments else ("note",)
    files = [node for node, kind in graph.nodes(data="kind") if kind in kinds]
    found = resolve_name(build_index(files), target)
    if found.resolved is not None and found.rule is Resolution.EXACT_PATH:
        return found.resolved
    on_disk = _on_disk(graph, target, root)
    if on_disk is not None and graph.nodes[on_disk]["kind"] in kinds:
        return on_disk
    if found.resolved is None:
        raise QueryError(unknown_name(target, graph_target_index(graph, kinds), hint=_HOW))
    if len(found.candidates) > 1:
        listed = ", ".join(found.candidates)
        raise QueryError(f'"{target}" names {len(found.candidates)} files: {listed}; give its path')
    return found.resolved


def _on_disk(graph: nx.MultiDiGraph, target: str, root: Path | None) -> str | None:
    """The node of the file at the path ``target`` on disk, if it lies inside the vault."""
    if root is None:
        return None
    path = Path(target)
    if not path.is_file():
        return None
    relative = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    if relative.startswith(os.pardir):
        return None
    found: str | None = find_node(graph, Path(relative).as_posix())
    return found
