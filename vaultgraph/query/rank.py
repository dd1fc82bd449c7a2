"""PageRank over a directed graph, in plain Python: networkx's own needs SciPy."""

from __future__ import annotations

import networkx as nx

__all__ = ["pagerank"]


def pagerank(
    graph: nx.DiGraph, *, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6
) -> dict[str, float]:
    """The PageRank of every node, summing to 1: ``networkx.pagerank``'s power iteration.

    The same algorithm and defaults as ``networkx.pagerank`` (unweighted edges, a node without
    out-edges shares its rank among all nodes), without the SciPy dependency it brings; the
    tests check both agree. Stops when the ranks move by less than ``len(graph) * tol``, or after
    ``max_iter`` rounds with the ranks reached so far (with ``alpha < 1`` the error shrinks by
    ``alpha`` each round, so that never happens at the defaults).
    """
    count = graph.number_of_nodes()
    if count == 0:
        return {}
    out_degree = {node: graph.out_degree(node) for node in graph}
    dangling = [node for node, degree in out_degree.items() if degree == 0]
    rank = dict.fromkeys(graph, 1.0 / count)
    for _ in range(max_iter):
        last = rank
        base = (alpha * sum(last[node] for node in dangling) + 1.0 - alpha) / count
        rank = dict.fromkeys(last, base)
        for node, degree in out_degree.items():
            if degree:
                share = alpha * last[node] / degree
                for successor in graph.successors(node):
                    rank[successor] += share
        if sum(abs(rank[node] - last[node]) for node in rank) < count * tol:
            break
    return rank
