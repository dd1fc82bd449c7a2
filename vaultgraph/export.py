"""Write the vault graph as node-link JSON, GraphML or GEXF text."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import IO, Any, Literal, get_args

import networkx as nx

from vaultgraph.terminal import escape_json, json_array_pieces

__all__ = ["FORMATS", "Format", "export_graph", "write_graph"]

Format = Literal["json", "graphml", "gexf"]
FORMATS: tuple[Format, ...] = get_args(Format)


def export_graph(graph: nx.MultiDiGraph, fmt: Format) -> str:
    """Serialise ``graph`` to text in ``fmt``; the graph itself is left untouched."""
    buffer = io.BytesIO()
    write_graph(graph, fmt, buffer)
    return buffer.getvalue().decode("utf-8")


def write_graph(graph: nx.MultiDiGraph, fmt: Format, stream: IO[bytes]) -> None:
    """Write ``graph`` in ``fmt`` to a binary stream, as UTF-8, piece by piece: a big vault's
    text need never be held whole beside its graph."""
    _WRITERS[fmt](graph, stream)


def _to_json(graph: nx.MultiDiGraph, stream: IO[bytes]) -> None:
    data = nx.node_link_data(graph, edges="links")
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=True)
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
    try:
        # One node or link a line, each by json's C encoder (indented, json falls back to its
        # pure-Python one, 5x slower here), written a thousand at a time. C1 controls, bidi
        # overrides and lone surrogates (a YAML escape can make one) become \u escapes:
        # printable, and encodable as UTF-8.
        for i, key in enumerate(sorted(data)):
            text.write(f"{',' if i else '{'}\n  {encode(key)}: ")
            if isinstance(data[key], list):
                text.writelines(json_array_pieces(data[key], indent="  ", sort_keys=True))
            else:
                text.write(escape_json(encode(data[key])))
        text.write("\n}\n")
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open


def _to_graphml(graph: nx.MultiDiGraph, stream: IO[bytes]) -> None:
    # The file writers, unlike the line generators, put the XML declaration with its encoding first.
    nx.write_graphml(_scalar_copy(graph), stream)


def _to_gexf(graph: nx.MultiDiGraph, stream: IO[bytes]) -> None:
    nx.write_gexf(_scalar_copy(graph), stream)


_WRITERS: dict[Format, Callable[[nx.MultiDiGraph, IO[bytes]], None]] = {
    "json": _to_json,
    "graphml": _to_graphml,
    "gexf": _to_gexf,
}


def _scalar_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars (GraphML and GEXF tools read no lists) and whose
    text XML 1.0 can carry."""
    copy = nx.MultiDiGraph()
    copy.graph.update(_scalars(graph.graph))
    copy.add_nodes_from((_xml(node), _scalars(attrs)) for node, attrs in graph.nodes(data=True))
    # GraphML writes an edge's key as its id; numbering edges across the whole graph keeps ids
    # unique, which Gephi needs (per-pair keys would give many edges the id "0").
    edges = graph.edges(data=True)
    copy.add_edges_from(
        (_xml(u), _xml(v), i, _scalars(attrs)) for i, (u, v, attrs) in enumerate(edges)
    )
    return copy


def _scalars(attrs: dict[str, Any]) -> dict[str, Any]:
    return {name: _scalar(value) for name, value in attrs.items() if value is not None}


def _scalar(value: Any) -> Any:
    if isinstance(value, str):
        return _xml(value)
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return _xml(", ".join(str(item) for item in items))
    return _xml(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))


# What XML 1.0 cannot hold at all, not even as a character reference: C0 controls but tab, line
# feed and carriage return, lone surrogates (a YAML escape can make one), U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """``text`` with each character XML cannot hold written as its escape (``\\x1b``,
    ``\\ud800``), as the terminal output writes it: names that differ stay apart, where one
    replacement character for all would merge their nodes."""
    return _NOT_XML.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
