"""Build the vault's networkx graph: notes, attachments, tags and unresolved targets as nodes."""

from __future__ import annotations

import posixpath
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from vaultgraph.canvas import is_canvas
from vaultgraph.model import LinkSyntax, Note
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
_DOCUMENT_KINDS = {"canvas": "canvas", "base": "base"}
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
    canvases: Mapping[str, Note] | None = None,
) -> nx.MultiDiGraph:
    """Build the graph described in ``docs/graph-schema.md``.

    ``unreadable`` names ``.md`` files that could not be read: they are note nodes all the same,
    since links still resolve to them. ``canvases`` are the references of the canvases among
    ``attachments`` (by path), whose tags are edges as a note's are; their links are among
    ``links``. Every link or embed edge says where its references were written (``where``).
    """
    canvases = canvases or {}
    nodes: dict[str, _Attrs] = {}
    for path in sorted(notes):
        nodes[path] = _note_attrs(notes[path])
    for path in sorted(unreadable):
        nodes.setdefault(path, _unreadable_attrs(path))
    for path in sorted(attachments):
        nodes.setdefault(path, _attachment_attrs(path))
    edges: dict[_EdgeKey, list[int]] = defaultdict(list)
    wheres: dict[_EdgeKey, set[str]] = defaultdict(set)
    for note in [*notes.values(), *canvases.values()]:
        for tag in note.tags:
            node = tag_node(tag.name)
            nodes.setdefault(node, {"kind": "tag", "name": fold(tag.name)})
            edges[(note.path, node, "tag")].append(tag.line)
    for link in links:
        node = _target_node(link, nodes)
        key = (link.source, node, str(link.link.kind))
        edges[key].append(link.link.line)
        wheres[key].add(_where(link, notes.get(link.source)))
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(sorted(nodes.items()))
    graph.add_edges_from(
        (source, target, _edge_attrs(kind, lines, wheres.get((source, target, kind))))
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
        # A canvas and a base are documents of their own that links and embeds name, not
        # files a note shows: kinds of their own, with an attachment's attributes.
        "kind": _DOCUMENT_KINDS.get(extension, "attachment"),
        "title": name,
        "folder": posixpath.dirname(path),
        "extension": extension,
    }


def _edge_attrs(kind: str, lines: list[int], where: set[str] | None) -> _Attrs:
    attrs: _Attrs = {"kind": kind, "lines": sorted(set(lines))}
    if kind != "tag":
        attrs["count"] = len(lines)
        attrs["where"] = sorted(where or ())
    return attrs


def _where(link: ResolvedLink, note: Note | None) -> str:
    """Where a reference was written: a note's ``body``, its ``property:<key>``, a ``canvas``."""
    syntax = link.link.syntax
    if syntax is LinkSyntax.CANVAS or (note is None and is_canvas(link.source)):
        return "canvas"
    if syntax is not LinkSyntax.PROPERTY:
        return "body"
    key = _property_of(link.link.raw, note.frontmatter) if note is not None else None
    return f"property:{key}" if key is not None else "property"


def _property_of(raw: str, frontmatter: Mapping[str, Any]) -> str | None:
    """The first top-level property whose value holds ``raw`` as written: the parser keeps a
    link's text, not its key, and a link is found only in a value that holds it."""
    for key, value in frontmatter.items():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                if raw in item:
                    return str(key)
            elif isinstance(item, Mapping):
                stack.extend(item.values())
            elif isinstance(item, list | tuple):
                stack.extend(item)
    return None
