"""Communities of notes for ``--color-by community``: seeded Louvain, each named by its hub."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx

__all__ = ["LOUVAIN_SEED", "Communities", "find_communities"]

LOUVAIN_SEED = 0  # fixed, so the same vault gets the same communities and colours every run


@dataclass(frozen=True, slots=True)
class Communities:
    """Each note's community id (0 the largest), and each community's name and hub."""

    of: dict[str, int]
    names: tuple[str, ...]  # by id: the title of its most linked-to note, made unique
    hubs: tuple[str, ...]  # by id: that note's path


def find_communities(graph: nx.MultiDiGraph) -> Communities:
    """Louvain (networkx, seeded) on the undirected graph of links between notes.

    A community is named by its most central note, centrality being in-degree: how many other
    notes of the whole vault link to or embed it (ties: the first path). Notes with no link
    either way are communities of their own.
    """
    notes = sorted(node for node, kind in graph.nodes(data="kind") if kind == "note")
    linked = nx.Graph()
    linked.add_nodes_from(notes)
    linked.add_edges_from(
        sorted(
            {
                (min(a, b), max(a, b))
                for a, b in graph.edges()
                if a != b and graph.nodes[a]["kind"] == "note" and graph.nodes[b]["kind"] == "note"
            }
        )
    )
    found = nx.community.louvain_communities(linked, seed=LOUVAIN_SEED)
    indegree = {note: len(set(graph.predecessors(note)) - {note}) for note in notes}
    ranked = sorted(
        (sorted(group) for group in found),
        key=lambda group: (-len(group), group[0]),
    )
    hubs = tuple(min(group, key=lambda n: (-indegree[n], n)) for group in ranked)
    of = {note: i for i, group in enumerate(ranked) for note in group}
    return Communities(of, _unique_names(graph, hubs), hubs)


def _unique_names(graph: nx.MultiDiGraph, hubs: tuple[str, ...]) -> tuple[str, ...]:
    """Each hub's title; two hubs of one title are told apart by their paths."""
    titles = [str(graph.nodes[hub].get("title") or hub) for hub in hubs]
    uses = Counter(titles)
    return tuple(
        title if uses[title] == 1 else hub for title, hub in zip(titles, hubs, strict=True)
    )
