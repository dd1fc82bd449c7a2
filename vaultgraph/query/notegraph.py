"""The note-to-note link graph: the vault graph collapsed to one edge per pair of linked notes."""

from __future__ import annotations

import networkx as nx

__all__ = ["file_graph", "note_graph"]

_REFERENCES = frozenset({"link", "embed"})


def note_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """Every note, and an edge ``a -> b`` when note ``a`` links to or embeds note ``b``.

    Parallel edges collapse into one: ``kinds`` lists the reference kinds (``link``, ``embed``),
    ``lines`` the sorted lines of ``a`` where they are written, ``count`` how many there are.
    Links into the note itself, tags, attachments and unresolved targets are left out.
    """
    notes = [node for node, kind in graph.nodes(data="kind") if kind == "note"]
    return _collapsed(graph, set(notes))


def file_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """As :func:`note_graph`, with attachments as nodes too: every file and every resolved
    reference between two different files."""
    files = [node for node, kind in graph.nodes(data="kind") if kind in ("note", "attachment")]
    return _collapsed(graph, set(files))


def _collapsed(graph: nx.MultiDiGraph, kept: set[str]) -> nx.DiGraph:
    collapsed = nx.DiGraph()
    collapsed.add_nodes_from(sorted(kept))
    for source, target, attrs in sorted(
        graph.edges(data=True), key=lambda edge: (edge[0], edge[1], edge[2]["kind"])
    ):
        if source == target or attrs["kind"] not in _REFERENCES:
            continue
        if source not in kept or target not in kept:
            continue
        if collapsed.has_edge(source, target):
            edge = collapsed.edges[source, target]
            edge["kinds"] = sorted({*edge["kinds"], attrs["kind"]})
            edge["lines"] = sorted({*edge["lines"], *attrs["lines"]})
            edge["count"] += attrs["count"]
        else:
            collapsed.add_edge(
                source,
                target,
                kinds=[attrs["kind"]],
                lines=list(attrs["lines"]),
                count=attrs["count"],
            )
    return collapsed
