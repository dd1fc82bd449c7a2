"""Time the map's layout candidates on a synthetic vault: ``python -m benchmarks.map_layout``.

Generates (or reuses) benchmarks/synth.py's vault, loads its graph and times, per candidate, the
layout of every map node: networkx's ``forceatlas2_layout`` and ``spring_layout`` (seeded with
the folder discs), and vaultgraph's hierarchical ``layout`` (the one the map uses). networkx's
two hold n x n arrays (forceatlas2) or loop in Python over every pair (spring, past 500 nodes):
past ``--sample`` nodes they are timed on a sample of that many nodes for a few iterations and
the time scaled (by n squared) to the whole map and their default iteration counts, and marked
"estimated". Louvain (``--color-by community``) is timed too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from benchmarks.synth import GENERATOR_VERSION, generate
from vaultgraph.map import style
from vaultgraph.map.communities import find_communities
from vaultgraph.map.layout import LayoutNode, layout
from vaultgraph.vault import load_vault

_CACHE = Path(tempfile.gettempdir()) / "vaultgraph-bench"
_FA2_ITERATIONS, _SPRING_ITERATIONS = 100, 50  # networkx's defaults
_TRIAL_ITERATIONS = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3, help="runs of the chosen layout")
    parser.add_argument("--sample", type=int, default=2000, help="nodes networkx's layouts get")
    parser.add_argument("--vault", type=Path, help="a vault synth.py already wrote (--notes N)")
    args = parser.parse_args(argv)
    vault = args.vault or _vault(args.notes, args.seed)
    began = time.perf_counter()
    graph = load_vault(vault).graph
    print(
        f"loaded {vault} in {time.perf_counter() - began:.1f} s: {len(graph):,} nodes, "
        f"{graph.number_of_edges():,} edges"
    )
    nodes = [
        LayoutNode(
            node,
            attrs["folder"] if attrs["kind"] in ("note", "attachment") else None,
            style.inlinks(graph, node),
        )
        for node, attrs in sorted(graph.nodes(data=True))
    ]
    edges = list(graph.edges())
    undirected = nx.Graph(edges)
    undirected.add_nodes_from(graph)
    size = len(graph)
    sample = undirected.subgraph(sorted(undirected)[: args.sample]).copy()
    seeds = layout(nodes, edges)
    scale = (size / len(sample)) ** 2

    def fa2() -> object:
        return nx.forceatlas2_layout(sample, max_iter=_TRIAL_ITERATIONS, seed=0)

    def spring() -> object:
        pos = {n: seeds[n] for n in sample}
        return nx.spring_layout(sample, pos=pos, iterations=_TRIAL_ITERATIONS, seed=0)

    for name, run, iterations in (
        ("networkx forceatlas2_layout", fa2, _FA2_ITERATIONS),
        ("networkx spring_layout, seeded with folder discs", spring, _SPRING_ITERATIONS),
    ):
        trial = _median(run, 1)
        whole = trial * scale * iterations / _TRIAL_ITERATIONS
        exact = (
            "measured" if len(sample) == size and iterations == _TRIAL_ITERATIONS else "estimated"
        )
        print(
            f"{name}: {whole:.1f} s ({exact}: {trial:.2f} s for {_TRIAL_ITERATIONS} "
            f"iterations on {len(sample):,} nodes)"
        )
    chosen = _median(lambda: layout(nodes, edges), args.rounds)
    print(f"vaultgraph hierarchical layout: {chosen:.2f} s (measured, median of {args.rounds})")
    louvain = _median(lambda: find_communities(graph), 1)
    print(f"Louvain communities: {louvain:.2f} s (measured)")
    print("chosen: vaultgraph hierarchical layout")
    return 0


def _vault(notes: int, seed: int) -> Path:
    """The synthetic vault, written once and reused as benchmarks/bench.py does."""
    name = f"synth-{notes}-seed{seed}-v{GENERATOR_VERSION}"
    vault, done = _CACHE / name, _CACHE / f"{name}.done"
    if not done.exists():
        print(f"writing {vault}", file=sys.stderr)
        generate(vault, notes=notes, seed=seed)
        done.touch()
    return vault


def _median(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


if __name__ == "__main__":
    raise SystemExit(main())
