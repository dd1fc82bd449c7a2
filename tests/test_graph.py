"""Tests for the vault graph's nodes, edges and attributes."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import networkx as nx

from vaultgraph.graph import build_graph, find_node, orphan_notes
from vaultgraph.model import Link, LinkKind, LinkSyntax, Note, Tag
from vaultgraph.resolve import resolve_all
from vaultgraph.vault import load_vault


def _link(
    target: str, line: int, kind: LinkKind = LinkKind.LINK, subpath: str | None = None
) -> Link:
    return Link(kind, LinkSyntax.WIKI, f"[[{target}]]", target, subpath, None, line, 1)


def _graph(
    notes: list[Note], attachments: tuple[str, ...] = (), unreadable: tuple[str, ...] = ()
) -> nx.MultiDiGraph:
    by_path = {note.path: note for note in notes}
    links = resolve_all(by_path, [*attachments, *unreadable])
    return build_graph(by_path, attachments, links, unreadable=unreadable)


def _edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(
        ((u, v, attrs) for u, v, attrs in graph.edges(data=True)),
        key=lambda e: (e[0], e[1], e[2]["kind"]),
    )


def test_node_kinds_and_attributes() -> None:
    home = Note(
        path="notes/Home.md",
        aliases=("Start", "Index"),
        tags=(
            Tag("Project", 2, 7, in_frontmatter=True),
            Tag("aws/ECS", 5, 1),
            Tag("project", 6, 1),
        ),
        links=(_link("Missing", 7), _link("diagram.png", 8, LinkKind.EMBED)),
    )
    graph = _graph([home], attachments=("assets/diagram.PNG", "assets/LICENSE"))
    assert dict(graph.nodes(data=True)) == {
        "notes/Home.md": {
            "kind": "note",
            "title": "Home",
            "folder": "notes",
            "tags": ["aws/ecs", "project"],
            "aliases": ["Start", "Index"],
            "unreadable": False,
        },
        "assets/diagram.PNG": {
            "kind": "attachment",
            "title": "diagram.PNG",
            "folder": "assets",
            "extension": "png",
        },
        "assets/LICENSE": {
            "kind": "attachment",
            "title": "LICENSE",
            "folder": "assets",
            "extension": "",
        },
        "#project": {"kind": "tag", "name": "project"},
        "#aws/ecs": {"kind": "tag", "name": "aws/ecs"},
        "unresolved:missing": {"kind": "unresolved", "target": "Missing"},
    }


def test_repeated_references_merge_into_one_edge_per_kind() -> None:
    a = Note(
        path="A.md",
        links=(
            _link("B", 9),
            _link("b", 3),
            _link("B", 3, subpath="Heading"),
            _link("B", 4, LinkKind.EMBED),
        ),
    )
    graph = _graph([a, Note(path="B.md")])
    assert _edges(graph) == [
        ("A.md", "B.md", {"kind": "embed", "lines": [4], "count": 1, "where": ["body"]}),
        ("A.md", "B.md", {"kind": "link", "lines": [3, 9], "count": 3, "where": ["body"]}),
    ]


def test_unresolved_targets_differing_in_case_share_a_node() -> None:
    a = Note(path="A.md", links=(_link("Foo", 1), _link("foo", 2)))
    b = Note(path="B.md", links=(_link("FOO", 1),))
    graph = _graph([b, a])
    assert graph.nodes["unresolved:foo"] == {"kind": "unresolved", "target": "Foo"}
    assert sorted(graph.predecessors("unresolved:foo")) == ["A.md", "B.md"]
    assert graph["A.md"]["unresolved:foo"][0]["count"] == 2


def test_tag_edges_go_to_the_tag_written_not_its_parents() -> None:
    note = Note(path="A.md", tags=(Tag("AWS/Compute", 1, 1), Tag("aws/compute", 4, 1)))
    graph = _graph([note])
    assert "#aws" not in graph
    assert _edges(graph) == [("A.md", "#aws/compute", {"kind": "tag", "lines": [1, 4]})]


def test_self_links_are_self_loops() -> None:
    note = Note(path="A.md", links=(_link("", 2, subpath="Heading"),))
    graph = _graph([note])
    assert list(nx.selfloop_edges(graph, data=True)) == [
        ("A.md", "A.md", {"kind": "link", "lines": [2], "count": 1, "where": ["body"]})
    ]


def test_unreadable_notes_are_note_nodes_links_reach() -> None:
    note = Note(path="A.md", links=(_link("Broken", 1),))
    graph = _graph([note], unreadable=("sub/Broken.md",))
    assert graph.nodes["sub/Broken.md"]["kind"] == "note"
    assert graph.nodes["sub/Broken.md"]["unreadable"] is True
    assert graph.has_edge("A.md", "sub/Broken.md")


def test_attributes_are_json_safe() -> None:
    note = Note(path="A.md", aliases=("x",), tags=(Tag("t", 1, 1),), links=(_link("Nope", 2),))
    data = nx.node_link_data(_graph([note]), edges="links")
    assert json.loads(json.dumps(data)) == data


def test_find_node_compares_nfc_forms() -> None:
    nfd = unicodedata.normalize("NFD", "Café.md")
    graph = _graph([Note(path=nfd), Note(path="Other.md")])
    assert find_node(graph, unicodedata.normalize("NFC", "Café.md")) == nfd
    assert find_node(graph, "Other.md") == "Other.md"
    assert find_node(graph, "other.md") is None


CANVAS_VAULT = Path(__file__).parent / "fixtures" / "vaults" / "canvas"


def test_canvases_and_bases_are_nodes_of_their_own_kind() -> None:
    graph = load_vault(CANVAS_VAULT, cache=False).graph
    assert graph.nodes["Boards/Plan.canvas"]["kind"] == "canvas"
    assert graph.nodes["Tasks.base"]["kind"] == "base"
    assert graph.nodes["Tasks.base"]["extension"] == "base"


def test_a_canvas_card_is_an_edge_from_the_canvas_and_says_where() -> None:
    graph = load_vault(CANVAS_VAULT, cache=False).graph
    edges = {
        (source, target, attrs["kind"]): attrs
        for source, target, attrs in graph.edges(data=True)
        if attrs["kind"] != "tag"
    }
    assert edges[("Boards/Plan.canvas", "Only on canvas.md", "embed")]["where"] == ["canvas"]
    assert edges[("Boards/Plan.canvas", "Shown.md", "link")]["where"] == ["canvas"]
    home = edges[("Home.md", "Shown.md", "link")]
    assert (home["count"], home["where"]) == (2, ["body", "property:up"])
    assert edges[("Home.md", "Tasks.base", "embed")]["where"] == ["body"]
    assert graph.has_edge("Boards/Plan.canvas", "#plan")
    # The arrow between the two cards is no edge between the notes they show.
    assert not graph.has_edge("Only on canvas.md", "Shown.md")


def test_a_note_shown_only_on_a_canvas_is_no_orphan() -> None:
    assert orphan_notes(load_vault(CANVAS_VAULT, cache=False).graph) == ["Alone.md"]
