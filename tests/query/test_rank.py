"""PageRank in plain Python: closed-form answers, and networkx's own where SciPy is installed."""

from __future__ import annotations

import networkx as nx
import pytest

from vaultgraph.query.rank import pagerank


def test_empty_graph() -> None:
    assert pagerank(nx.DiGraph()) == {}


def test_a_cycle_shares_rank_evenly() -> None:
    ranks = pagerank(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")]))
    assert ranks == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})


def test_a_dangling_note_shares_its_rank_with_every_note() -> None:
    # r_a = (1 - d)/2 + d r_b/2 and r_a + r_b = 1, so r_a = 0.5 / 1.425.
    ranks = pagerank(nx.DiGraph([("a", "b")]))
    assert ranks["a"] == pytest.approx(0.5 / 1.425, abs=1e-6)
    assert ranks["b"] == pytest.approx(1 - 0.5 / 1.425, abs=1e-6)


def test_a_hub_ranks_highest_and_ranks_sum_to_one() -> None:
    graph = nx.DiGraph([(leaf, "hub") for leaf in "abcde"] + [("hub", "a")])
    ranks = pagerank(graph)
    assert max(ranks, key=ranks.__getitem__) == "hub"
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert ranks["b"] == pytest.approx(ranks["e"])


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_networkx(seed: int) -> None:
    import scipy  # noqa: F401  # networkx.pagerank needs it (a test dependency)

    graph = nx.gnp_random_graph(40, 0.08, seed=seed, directed=True)
    ours, theirs = pagerank(graph), nx.pagerank(graph)
    assert ours == pytest.approx(theirs, abs=1e-9)
