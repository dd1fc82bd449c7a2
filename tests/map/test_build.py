"""The map's view of a vault: nodes and edges as in the graph, with labels, colours and links."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from tests.map.paths import SAMPLE_VAULT
from tests.vaults import write_vault
from vaultgraph.map import MapOptions, build_view, obsidian_url, style
from vaultgraph.vault import Vault, load_vault


@pytest.fixture(scope="module")
def sample() -> Vault:
    return load_vault(SAMPLE_VAULT)


def test_the_view_of_the_sample_vault_is_its_graph(sample: Vault) -> None:
    view = build_view(sample)
    assert [n.id for n in view.nodes] == sorted(sample.graph)
    edges = Counter((e.source, e.target, e.kind) for e in view.edges)
    assert edges == Counter((u, v, k) for u, v, k in sample.graph.edges(data="kind"))
    assert view.vault_name == "sample_vault"
    assert view.color_by == "folder"


def test_labels_are_titles_tag_names_and_targets_as_written(tmp_path: Path) -> None:
    vault = load_vault(
        write_vault(tmp_path, {"dir/My Note.md": "#Topic/Sub [[Missing Thing]] ![[a.png]]"})
    )
    labels = {n.id: n.label for n in build_view(vault).nodes}
    assert labels == {
        "dir/My Note.md": "My Note",
        "#topic/sub": "#topic/sub",
        "unresolved:missing thing": "Missing Thing",
        "unresolved:a.png": "a.png",
    }


def test_only_notes_get_an_obsidian_link(sample: Vault) -> None:
    urls = {n.id: n.url for n in build_view(sample).nodes}
    assert urls["AWS Services/ECS.md"] == (
        "obsidian://open?vault=sample_vault&file=AWS%20Services%2FECS"
    )
    assert all(url is None for node, url in urls.items() if not node.endswith(".md"))


@pytest.mark.parametrize(
    ("vault", "path", "expected"),
    [
        ("My Vault", "a/b.md", "obsidian://open?vault=My%20Vault&file=a%2Fb"),
        ("v", "Notes.MD", "obsidian://open?vault=v&file=Notes"),
        ("v&x", "q?&=#.md", "obsidian://open?vault=v%26x&file=q%3F%26%3D%23"),
        ("v", "<img src=x>.md", "obsidian://open?vault=v&file=%3Cimg%20src%3Dx%3E"),
        ("v", "café.md", "obsidian://open?vault=v&file=caf%C3%A9"),
    ],
)
def test_obsidian_urls_are_percent_encoded(vault: str, path: str, expected: str) -> None:
    assert obsidian_url(vault, path) == expected


def test_notes_of_a_top_level_folder_share_a_colour_and_the_legend_counts_them(
    sample: Vault,
) -> None:
    view = build_view(sample)
    by_group: dict[str | None, set[str]] = {}
    for node in view.nodes:
        by_group.setdefault(node.group, set()).add(node.color)
    assert all(len(colours) == 1 for group, colours in by_group.items() if group is not None)
    legend = {entry.group: entry.count for entry in view.legend}
    assert legend["Concepts"] == 10
    assert legend["AWS Services"] == 6
    assert sum(legend.values()) == sum(1 for n in view.nodes if n.group is not None)
    tags = {n.color for n in view.nodes if n.kind == "tag"}
    assert tags == {style.TAG_COLOR}
    assert {n.color for n in view.nodes if n.kind == "unresolved"} == {style.UNRESOLVED_COLOR}


def test_colour_by_tag_colours_tag_nodes_like_their_notes(sample: Vault) -> None:
    view = build_view(sample, MapOptions(color_by="tag"))
    nodes = {n.id: n for n in view.nodes}
    assert view.color_by == "tag"
    assert nodes["AWS Services/ECS.md"].group == "aws"
    assert nodes["#aws"].color == nodes["AWS Services/ECS.md"].color
    assert {e.group for e in view.legend} >= {"aws", "containers"}


def test_sizes_follow_in_links_over_the_whole_vault_even_when_filtered(sample: Vault) -> None:
    full = {n.id: n for n in build_view(sample).nodes}
    assert full["AWS Services/EKS.md"].size > full["Concepts/Containerization.md"].size
    local = {n.id: n for n in build_view(sample, MapOptions(around="Hypervisor", depth=1)).nodes}
    assert local["Concepts/Hypervisor.md"].inlinks == full["Concepts/Hypervisor.md"].inlinks
    assert local["Concepts/Hypervisor.md"].size == full["Concepts/Hypervisor.md"].size


def test_a_tooltip_holds_path_tags_and_the_first_lines_of_the_note(tmp_path: Path) -> None:
    text = "---\ntags: [alpha]\n---\n# Heading\n\nFirst paragraph.\n" + "filler\n" * 5000
    vault = load_vault(write_vault(tmp_path, {"dir/N.md": text, "M.md": "[[N]]"}))
    tooltip = next(n.tooltip for n in build_view(vault).nodes if n.id == "dir/N.md")
    assert tooltip == (
        "dir/N.md\ntags: #alpha\nlinked from 1 note\n\nHeading\nFirst paragraph.\nfiller"
    )


def test_a_tooltip_shows_the_text_as_parsed_past_a_long_frontmatter(tmp_path: Path) -> None:
    # Read through the vault as parsing reads it: the whole note, a byte-order mark dropped.
    text = "\ufeff---\nsummary: " + "x" * 5000 + "\n---\nBody line.\n"
    vault = load_vault(write_vault(tmp_path, {"N.md": text}))
    tooltip = next(n.tooltip for n in build_view(vault).nodes if n.id == "N.md")
    assert tooltip.endswith("\n\nBody line.")


def test_an_unreadable_note_says_why_in_its_tooltip(tmp_path: Path) -> None:
    vault = load_vault(write_vault(tmp_path, {"Bad.md": b"caf\xe9 not utf-8", "Good.md": ""}))
    tooltip = next(n.tooltip for n in build_view(vault).nodes if n.id == "Bad.md")
    assert "could not be read: not UTF-8" in tooltip


def test_building_a_view_leaves_the_vault_graph_untouched(sample: Vault) -> None:
    before = json.dumps(nx.node_link_data(sample.graph, edges="links"), sort_keys=True)
    build_view(sample, MapOptions(folders=("Concepts",), tags_as_nodes=False))
    build_view(sample, MapOptions(around="ECS", depth=2, color_by="tag"))
    assert json.dumps(nx.node_link_data(sample.graph, edges="links"), sort_keys=True) == before
