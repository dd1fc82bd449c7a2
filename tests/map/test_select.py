"""Choosing what a map shows: node kinds, folder and tag subsets, the local graph of a note."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from tests.vaults import write_vault
from vaultgraph.map import MapError, MapOptions
from vaultgraph.map.select import find_note, select
from vaultgraph.vault import load_vault

FILES: dict[str, str | bytes] = {
    "Home.md": "#index\n[[AWS/ECS]] [[Missing]] ![[diagram.png]]\n",
    "AWS/ECS.md": "#aws/compute\n[[Fargate]] [[Home]]\n",
    "AWS/deep/Fargate.md": "#aws\n[[ECS]] ![[chart.png]]\n",
    "AWS Services/Lambda.md": "#awsome\n[[Nowhere]]\n",
    "Notes/Lone.md": "#aws\nNothing here.\n",
    "assets/diagram.png": b"png",
    "assets/chart.png": b"png",
    "assets/unused.png": b"png",
}


@pytest.fixture
def graph(tmp_path: Path) -> nx.MultiDiGraph:
    return load_vault(write_vault(tmp_path, FILES)).graph


def nodes(graph: nx.MultiDiGraph, **options: object) -> set[str]:
    return set(select(graph, MapOptions(**options)))  # type: ignore[arg-type]


def test_the_defaults_keep_the_whole_graph(graph: nx.MultiDiGraph) -> None:
    shown = select(graph, MapOptions())
    assert set(shown) == set(graph)
    assert sorted(shown.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))


@pytest.mark.parametrize(
    ("option", "kind"),
    [("tags_as_nodes", "tag"), ("attachments", "attachment"), ("unresolved", "unresolved")],
)
def test_a_node_kind_can_be_left_out(graph: nx.MultiDiGraph, option: str, kind: str) -> None:
    shown = select(graph, MapOptions(**{option: False}))  # type: ignore[arg-type]
    assert {k for _, k in shown.nodes(data="kind")} == {
        "note",
        "tag",
        "attachment",
        "unresolved",
    } - {kind}
    assert set(shown) == {n for n, k in graph.nodes(data="kind") if k != kind}
    # Every edge between kept nodes stays.
    expected = [(u, v) for u, v in graph.edges() if u in shown and v in shown]
    assert sorted(shown.edges()) == sorted(expected)


def test_a_folder_keeps_its_notes_and_subfolders_and_what_they_reach(
    graph: nx.MultiDiGraph,
) -> None:
    shown = nodes(graph, folders=("AWS",))
    # "AWS Services" only starts with the same letters: it is another folder.
    assert shown == {
        "AWS/ECS.md",
        "AWS/deep/Fargate.md",
        "#aws/compute",
        "#aws",
        "assets/chart.png",
    }


def test_folders_compare_without_case_or_slashes_and_add_up(graph: nx.MultiDiGraph) -> None:
    shown = nodes(graph, folders=("/aws/deep/", "notes"), tags_as_nodes=False)
    assert shown == {"AWS/deep/Fargate.md", "Notes/Lone.md", "assets/chart.png"}


def test_a_tag_keeps_its_notes_and_those_with_nested_tags(graph: nx.MultiDiGraph) -> None:
    shown = nodes(graph, tags=("#AWS",), tags_as_nodes=False, attachments=False)
    # #aws/compute is nested under #aws; #awsome is not.
    assert shown == {"AWS/ECS.md", "AWS/deep/Fargate.md", "Notes/Lone.md"}


def test_folder_and_tag_together_keep_notes_matching_both(graph: nx.MultiDiGraph) -> None:
    shown = nodes(graph, folders=("AWS",), tags=("aws/compute",), tags_as_nodes=False)
    assert shown == {"AWS/ECS.md"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tags": ("nosuchtag",)}, '--tag "nosuchtag" matches no tag of the vault'),
        (
            {"tags": ("aws/compte",)},
            '--tag "aws/compte" matches no tag of the vault '
            '(did you mean "aws/compute" or "awsome"?)',
        ),
        # Suggested as typed, and a parent tag is one of the vault's tags too.
        ({"tags": ("#aw",)}, '--tag "#aw" matches no tag of the vault (did you mean "#aws"?)'),
        (
            {"folders": ("AWS/dep",)},
            '--folder "AWS/dep" matches no folder of the vault (did you mean "AWS/deep"?)',
        ),
        # Each filter that matches nothing is named, even when the others keep notes.
        (
            {"folders": ("Notes", "Nots/"), "tags": ("aws", "awsom")},
            '--folder "Nots/" matches no folder of the vault (did you mean "Notes"?); '
            '--tag "awsom" matches no tag of the vault (did you mean "awsome"?)',
        ),
        # Each keeps notes, but not together.
        (
            {"folders": ("Notes", "AWS Services"), "tags": ("index",)},
            'no note in --folder "Notes" or "AWS Services" has --tag "index"',
        ),
    ],
)
def test_a_filter_that_matches_nothing_is_an_error_with_the_closest_names(
    graph: nx.MultiDiGraph, options: dict[str, tuple[str, ...]], message: str
) -> None:
    with pytest.raises(MapError) as raised:
        select(graph, MapOptions(**options))  # type: ignore[arg-type]
    assert str(raised.value) == message


def test_a_filter_is_checked_as_it_filters(graph: nx.MultiDiGraph) -> None:
    # Whatever keeps notes passes: another case, slashes, the root folder, a parent tag.
    for options in ({"folders": ("/aws/deep/",)}, {"folders": ("/",)}, {"tags": ("#AWS",)}):
        assert nodes(graph, **options)


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (0, {"AWS/ECS.md"}),
        # In-links and out-links alike, as in Obsidian's local graph.
        (1, {"AWS/ECS.md", "AWS/deep/Fargate.md", "Home.md"}),
        (
            2,
            {
                "AWS/ECS.md",
                "AWS/deep/Fargate.md",
                "Home.md",
                "assets/chart.png",
                "assets/diagram.png",
                "unresolved:missing",
            },
        ),
    ],
)
def test_around_keeps_the_local_graph(
    graph: nx.MultiDiGraph, depth: int, expected: set[str]
) -> None:
    assert nodes(graph, around="ECS", depth=depth, tags_as_nodes=False) == expected


def test_with_tags_shown_the_local_graph_reaches_through_them(graph: nx.MultiDiGraph) -> None:
    shown = nodes(graph, around="Notes/Lone", depth=2)
    assert shown == {"Notes/Lone.md", "#aws", "AWS/deep/Fargate.md"}


@pytest.mark.parametrize("name", ["ECS", "ecs", "AWS/ECS", "AWS/ECS.md", "/AWS/ECS.md"])
def test_the_around_note_is_found_as_a_link_would_find_it(
    graph: nx.MultiDiGraph, name: str
) -> None:
    assert find_note(graph, name) == "AWS/ECS.md"


@pytest.mark.parametrize("name", ["Nowhere", "diagram.png", "Missing", "", "#aws"])
def test_an_unknown_around_note_is_an_error_that_says_so(graph: nx.MultiDiGraph, name: str) -> None:
    with pytest.raises(MapError, match=r"no note .* in the vault"):
        select(graph, MapOptions(around=name))


def test_an_around_note_left_out_by_the_filters_is_an_error(graph: nx.MultiDiGraph) -> None:
    with pytest.raises(MapError, match="left out by the folder and tag filters"):
        select(graph, MapOptions(around="Home", folders=("AWS",)))


def test_the_graph_is_left_untouched_and_the_result_shares_nothing(
    graph: nx.MultiDiGraph,
) -> None:
    before = json.dumps(nx.node_link_data(graph, edges="links"), sort_keys=True)
    shown = select(graph, MapOptions(folders=("AWS",)))
    shown.nodes["AWS/ECS.md"]["tags"].append("changed")
    shown.nodes["AWS/ECS.md"]["title"] = "changed"
    shown.remove_node("AWS/deep/Fargate.md")
    assert json.dumps(nx.node_link_data(graph, edges="links"), sort_keys=True) == before
