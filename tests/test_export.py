"""Tests for exporting the graph as JSON, GraphML and GEXF."""

from __future__ import annotations

import io
import json
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter

import networkx as nx
import pytest

from vaultgraph.export import FORMATS, Format, export_graph
from vaultgraph.graph import build_graph
from vaultgraph.model import Link, LinkKind, LinkSyntax, Note, Tag
from vaultgraph.resolve import resolve_all

NFD_NAME = unicodedata.normalize("NFD", 'Café <&> "x".md')


def _link(target: str, line: int, kind: LinkKind = LinkKind.LINK) -> Link:
    return Link(kind, LinkSyntax.WIKI, f"[[{target}]]", target, None, None, line, 1)


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    notes = {
        "A.md": Note(
            path="A.md",
            aliases=("Alpha", "First"),
            tags=(Tag("x/y", 1, 1), Tag("z", 2, 1)),
            links=(
                _link("B", 3),
                _link("B", 5),
                _link("B", 4, LinkKind.EMBED),
                _link("pic.png", 6, LinkKind.EMBED),
                _link("Nowhere", 7),
                _link("", 8),
            ),
        ),
        "B.md": Note(path="B.md", links=(_link("A", 1), _link(NFD_NAME[:-3], 2))),
        NFD_NAME: Note(path=NFD_NAME),
    }
    links = resolve_all(notes, ["img/pic.png", "Broken.md"])
    return build_graph(notes, ["img/pic.png"], links, unreadable=["Broken.md"])


def _edge_set(graph: nx.MultiDiGraph) -> Counter[tuple[str, str, str]]:
    return Counter((u, v, kind) for u, v, kind in graph.edges(data="kind"))


def _read(text: str, fmt: Format) -> nx.MultiDiGraph:
    if fmt == "json":
        return nx.node_link_graph(json.loads(text), edges="links")
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(text.encode()), force_multigraph=True)
    return nx.read_gexf(io.BytesIO(text.encode()))


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_keeps_nodes_and_edges(graph: nx.MultiDiGraph, fmt: Format) -> None:
    back = _read(export_graph(graph, fmt), fmt)
    assert back.is_directed()
    assert back.is_multigraph()
    assert set(back.nodes) == set(graph.nodes)
    assert _edge_set(back) == _edge_set(graph)
    assert dict(back.nodes(data="kind")) == dict(graph.nodes(data="kind"))


def test_json_keeps_lists_and_non_ascii(graph: nx.MultiDiGraph) -> None:
    text = export_graph(graph, "json")
    assert unicodedata.normalize("NFD", "Café") in text  # written as is, not \u-escaped
    back = _read(text, "json")
    assert back.nodes["A.md"]["aliases"] == ["Alpha", "First"]
    assert back["A.md"]["B.md"][1] == {
        "kind": "link",
        "lines": [3, 5],
        "count": 2,
        "where": ["body"],
    }
    assert text == export_graph(graph, "json")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_formats_flatten_lists_and_keep_scalars(graph: nx.MultiDiGraph, fmt: Format) -> None:
    back = _read(export_graph(graph, fmt), fmt)
    assert back.nodes["A.md"]["aliases"] == "Alpha, First"
    assert back.nodes["A.md"]["tags"] == "x/y, z"
    assert back.nodes["Broken.md"]["unreadable"] is True
    links = back["A.md"]["B.md"].values()
    assert {(a["kind"], a["lines"], a.get("count"), a.get("where")) for a in links} == {
        ("link", "3, 5", 2, "body"),
        ("embed", "4", 1, "body"),
    }


def test_graphml_edge_ids_are_unique(graph: nx.MultiDiGraph) -> None:
    root = ET.fromstring(export_graph(graph, "graphml").encode())
    ids = [edge.get("id") for edge in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == graph.number_of_edges()
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_leaves_the_graph_untouched(graph: nx.MultiDiGraph, fmt: Format) -> None:
    before = nx.node_link_data(graph, edges="links")
    export_graph(graph, fmt)
    assert nx.node_link_data(graph, edges="links") == before


@pytest.fixture
def hostile() -> nx.MultiDiGraph:
    """Names and properties with what XML 1.0 cannot hold: C0 controls, a lone surrogate (a YAML
    ``"\\ud800"`` makes one), U+FFFE; and with what it can: tab, line breaks, C1."""
    notes = {
        "Esc\x1b[2J.md": Note(path="Esc\x1b[2J.md", links=(_link("Gone\x01", 1),)),
        "Esc\x1b[3J.md": Note(
            path="Esc\x1b[3J.md",
            aliases=("a\x00b", "\ud800x", "\ufffe"),
            links=(_link("Esc\x1b[2J", 1), _link("Gone\x02", 2), _link("tab\tline\nC1\x9b", 3)),
        ),
    }
    return build_graph(notes, [], resolve_all(notes, list(notes)), unreadable=[])


_NOT_XML = ("\x00", "\x01", "\x02", "\x1b", "\ud800", "\ufffe")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_are_well_formed_whatever_the_names_hold(
    hostile: nx.MultiDiGraph, fmt: Format
) -> None:
    text = export_graph(hostile, fmt)
    ET.fromstring(text.encode())  # raises on a character XML cannot hold
    back = _read(text, fmt)
    # Each character XML cannot hold is written as its escape, so names stay apart.
    assert set(back.nodes) == {
        "Esc\\x1b[2J.md",
        "Esc\\x1b[3J.md",
        "unresolved:gone\\x01",
        "unresolved:gone\\x02",
        "unresolved:tab\tline\nc1\x9b",
    }
    assert back.nodes["Esc\\x1b[3J.md"]["aliases"] == "a\\x00b, \\ud800x, \\ufffe"
    assert back.nodes["unresolved:tab\tline\nc1\x9b"]["target"] == "tab\tline\nC1\x9b"
    assert _edge_set(back)[("Esc\\x1b[3J.md", "Esc\\x1b[2J.md", "link")] == 1
    assert not any(char in name for name in back.nodes for char in _NOT_XML)


def test_json_export_escapes_what_it_cannot_print(hostile: nx.MultiDiGraph) -> None:
    text = export_graph(hostile, "json")  # a lone surrogate used to raise UnicodeEncodeError
    assert not any(char in text for char in ("\x1b", "\x9b", "\ud800"))
    back = _read(text, "json")
    assert set(back.nodes) == set(hostile.nodes)  # JSON keeps the exact names
    assert back.nodes["Esc\x1b[3J.md"]["aliases"] == ["a\x00b", "\ud800x", "\ufffe"]


def test_json_is_one_node_or_link_a_line(graph: nx.MultiDiGraph) -> None:
    lines = export_graph(graph, "json").splitlines()
    data = nx.node_link_data(graph, edges="links")
    for key in ("nodes", "links"):
        start = lines.index(f'  "{key}": [') + 1
        shown = lines[start : start + len(data[key])]
        assert [json.loads(line.strip().removesuffix(",")) for line in shown] == data[key]
        assert lines[start + len(data[key])].startswith("  ]")
    assert (lines[0], lines[-1]) == ("{", "}")
