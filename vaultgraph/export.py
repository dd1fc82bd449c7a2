"""Write the vault graph as node-link JSON, GraphML or GEXF text."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any, Literal, get_args

import networkx as nx

__all__ = ["FORMATS", "Format", "export_graph"]

Format = Literal["json", "graphml", "gexf"]
FORMATS: tuple[Format, ...] = get_args(Format)


def export_graph(graph: nx.MultiDiGraph, fmt: Format) -> str:
    """Serialise ``graph`` to text in ``fmt``; the graph itself is left untouched."""
    return _WRITERS[fmt](graph)


def _to_json(graph: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _to_graphml(graph: nx.MultiDiGraph) -> str:
    return _xml(nx.write_graphml, graph)


def _to_gexf(graph: nx.MultiDiGraph) -> str:
    return _xml(nx.write_gexf, graph)


def _xml(write: Callable[[nx.MultiDiGraph, io.BytesIO], None], graph: nx.MultiDiGraph) -> str:
    # The file writers, unlike the line generators, put the XML declaration with its encoding first.
    buffer = io.BytesIO()
    write(_scalar_copy(graph), buffer)
    return buffer.getvalue().decode("utf-8")


_WRITERS: dict[Format, Callable[[nx.MultiDiGraph], str]] = {
    "json": _to_json,
    "graphml": _to_graphml,
    "gexf": _to_gexf,
}


def _scalar_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars: GraphML and GEXF tools read no lists."""
    copy = nx.MultiDiGraph()
    copy.graph.update(_scalars(graph.graph))
    copy.add_nodes_from((node, _scalars(attrs)) for node, attrs in graph.nodes(data=True))
    # GraphML writes an edge's key as its id; numbering edges across the whole graph keeps ids
    # unique, which Gephi needs (per-pair keys would give many edges the id "0").
    edges = graph.edges(data=True)
    copy.add_edges_from((u, v, i, _scalars(attrs)) for i, (u, v, attrs) in enumerate(edges))
    return copy


def _scalars(attrs: dict[str, Any]) -> dict[str, Any]:
    return {name: _scalar(value) for name, value in attrs.items() if value is not None}


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(str(item) for item in items)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
