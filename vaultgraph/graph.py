"""Build the vault's networkx graph: notes, attachments, tags and unresolved targets as nodes."""

from __future__ import annotations

import posixpath
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from vaultgraph.model import Note
from vaultgraph.resolve import ResolvedLink, fold

__all__ = [
    "UNRESOLVED_PREFIX",
    "build_graph",
    "find_node",
    "orphan_notes",
    "tag_node",
    "unresolved_node",
]

UNRESOLVED_PREFIX = "unresolved:"

_Attrs = dict[str, Any]
_EdgeKey = tuple[str, str, str]  # source, target, edge kind


def tag_node(name: str) -> str:
    """The node id of a tag written ``#name``: Obsidian compares tags case-insensitively."""
    return "#" + fold(name)


def unresolved_node(target: str) -> str:
    """The node id of a target no file matches; ``[[Foo]]`` and ``[[foo]]`` share one."""
    return UNRESOLVED_PREFIX + fold(target)


def build_graph(
    notes: Mapping[str, Note],
    attachments: Iterable[str],
    links: Iterable[ResolvedLink],
    *,
    unreadable: Iterable[str] = (),
) -> nx.MultiDiGraph:
    """Build the graph described in ``docs/graph-schema.md``.

    ``unreadable`` names ``.md`` files that could not be read: they are note nodes all the same,
    since links still resolve to them.
    """
    nodes: dict[str, _Attrs] = {}
    for path in sorted(notes):
        nodes[path] = _note_attrs(notes[path])
    for path in sorted(unreadable):
        nodes.setdefault(path, _unreadable_attrs(path))
    for path in sorted(attachments):
        nodes.setdefault(path, _attachment_attrs(path))
    edges: dict[_EdgeKey, list[int]] = defaultdict(list)
    for note in notes.values():
        for tag in note.tags:
            node = tag_node(tag.name)
            nodes.setdefault(node, {"kind": "tag", "name": fold(tag.name)})
            edges[(note.path, node, "tag")].append(tag.line)
    for link in links:
        node = _target_node(link, nodes)
        edges[(link.source, node, str(link.link.kind))].append(link.link.line)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(sorted(nodes.items()))
    graph.add_edges_from(
        (source, target, _edge_attrs(kind, lines))
        for (source, target, kind), lines in sorted(edges.items())
    )
    return graph


def find_node(graph: nx.MultiDiGraph, name: str) -> str | None:
    """The node whose id is ``name``, comparing NFC forms so an NFD file name is found too."""
    if name in graph:
        return name
    wanted = unicodedata.normalize("NFC", name)
    return next((n for n in graph if unicodedata.normalize("NFC", n) == wanted), None)


def orphan_notes(graph: nx.MultiDiGraph) -> list[str]:
    """Readable notes that no resolved link or embed joins to another file, in path order.

    Tags, links into the note itself and links that resolve to nothing do not join anything.
    Unreadable notes are left out: what they link to is unknown.
    """
    joined: set[str] = set()
    for source, target, kind in graph.edges(data="kind"):
        if kind != "tag" and source != target and graph.nodes[target]["kind"] != "unresolved":
            joined.update((source, target))
    return sorted(
        node
        for node, attrs in graph.nodes(data=True)
        if attrs["kind"] == "note" and not attrs["unreadable"] and node not in joined
    )


def _target_node(link: ResolvedLink, nodes: dict[str, _Attrs]) -> str:
    if link.resolved is None:
        node = unresolved_node(link.link.target)
        # The first spelling met is kept: links arrive in a stable order (by note, then position).
        nodes.setdefault(node, {"kind": "unresolved", "target": link.link.target})
        return node
    if link.resolved not in nodes:
        # A caller that resolved against more files than it listed still gets a typed node.
        is_note = link.resolved.lower().endswith(".md")
        nodes[link.resolved] = (
            _unreadable_attrs(link.resolved) if is_note else _attachment_attrs(link.resolved)
        )
    return link.resolved


def _note_attrs(note: Note) -> _Attrs:
    return {
        "kind": "note",
        "title": note.title,
        "folder": note.folder,
        "tags": sorted({fold(tag.name) for tag in note.tags}),
        "aliases": list(note.aliases),
        "unreadable": False,
    }


def _unreadable_attrs(path: str) -> _Attrs:
    return _note_attrs(Note(path=path)) | {"unreadable": True}


def _attachment_attrs(path: str) -> _Attrs:
    name = posixpath.basename(path)
    extension = name.rsplit(".", 1)[1].lower() if "." in name.lstrip(".") else ""
    return {
        "kind": "attachment",
        "title": name,
        "folder": posixpath.dirname(path),
        "extension": extension,
    }


def _edge_attrs(kind: str, lines: list[int]) -> _Attrs:
    attrs: _Attrs = {"kind": kind, "lines": sorted(set(lines))}
    if kind != "tag":
        attrs["count"] = len(lines)
    return attrs
