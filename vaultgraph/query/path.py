"""The shortest chain of links between two notes: ``vaultgraph path``."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from vaultgraph.query.notegraph import note_graph
from vaultgraph.terminal import json_text, visible_lines

__all__ = ["FORMATS", "Chain", "Format", "Hop", "render", "shortest_chain"]

Format = Literal["text", "json"]


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a chain: from one note to the next."""

    source: str
    target: str
    forward: bool  # the link is written in ``source``; False: in ``target`` (undirected only)
    kinds: tuple[str, ...]  # ``link``, ``embed``
    lines: tuple[int, ...]  # where the link is written, in the note that writes it


@dataclass(frozen=True, slots=True)
class Chain:
    """The answer to ``path A B``: ``hops`` is None when no chain joins them."""

    start: str
    end: str
    directed: bool
    hops: tuple[Hop, ...] | None


def shortest_chain(graph: nx.MultiDiGraph, start: str, end: str, *, directed: bool = True) -> Chain:
    """The fewest links that lead from note ``start`` to note ``end``.

    Directed (the default), each link is followed the way it is written, as clicking through
    notes does. Undirected, a link joins its two notes both ways, as in the graph view. Only
    links and embeds between notes count: not tags, attachments or unresolved targets. Among
    chains of the same length, one is chosen deterministically.
    """
    notes = note_graph(graph)
    searched = notes if directed else _undirected(notes)
    try:
        nodes = nx.shortest_path(searched, start, end)
    except nx.NetworkXNoPath:
        return Chain(start, end, directed, None)
    return Chain(
        start, end, directed, tuple(_hop(notes, a, b) for a, b in itertools.pairwise(nodes))
    )


def _undirected(notes: nx.DiGraph) -> nx.Graph:
    """Each link both ways, nodes and edges inserted in order: networkx's undirected view would
    list neighbours in set order, and pick among equally short chains differently per run."""
    both = nx.Graph()
    both.add_nodes_from(notes)
    both.add_edges_from(sorted(tuple(sorted(edge)) for edge in notes.edges))
    return both


def _hop(notes: nx.DiGraph, a: str, b: str) -> Hop:
    forward = notes.has_edge(a, b)
    attrs = notes.edges[a, b] if forward else notes.edges[b, a]
    return Hop(a, b, forward, tuple(attrs["kinds"]), tuple(attrs["lines"]))


def _text(chain: Chain) -> str:
    if chain.hops is None:
        hint = "" if not chain.directed else "; --undirected also follows links backwards"
        return visible_lines([f"No chain of links from {chain.start} to {chain.end}{hint}."])
    lines = [
        f"{chain.start} -> {chain.end}: {len(chain.hops)} link{'' if len(chain.hops) == 1 else 's'}"
    ]
    lines.append(f"  {chain.start}")
    for hop in chain.hops:
        where = hop.source if hop.forward else hop.target
        at = f"line{'s' if len(hop.lines) > 1 else ''} {', '.join(map(str, hop.lines))}"
        arrow = "->" if hop.forward else "<-"
        lines.append(f"  {arrow} {hop.target}  ({'/'.join(hop.kinds)} in {where}, {at})")
    return visible_lines(lines)


def _json(chain: Chain) -> str:
    data: dict[str, Any] = {
        "from": chain.start,
        "to": chain.end,
        "directed": chain.directed,
        "length": None if chain.hops is None else len(chain.hops),
        "path": None if chain.hops is None else [chain.start, *(h.target for h in chain.hops)],
        "hops": None
        if chain.hops is None
        else [
            {
                "source": h.source,
                "target": h.target,
                "forward": h.forward,
                "kinds": list(h.kinds),
                "lines": list(h.lines),
            }
            for h in chain.hops
        ],
    }
    return json_text(data)


FORMATS: dict[str, Callable[[Chain], str]] = {"text": _text, "json": _json}


def render(chain: Chain, fmt: Format) -> str:
    return FORMATS[fmt](chain)
