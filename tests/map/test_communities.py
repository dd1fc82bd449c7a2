"""Communities for --color-by community: stable, named by their most linked-to note."""

from __future__ import annotations

from pathlib import Path

from tests.map.paths import SAMPLE_VAULT
from vaultgraph.map import MapOptions, build_view
from vaultgraph.map.communities import find_communities
from vaultgraph.vault import load_vault


def two_cliques(root: Path) -> Path:
    """Two groups of four notes: three leaves that link to their hub and to the next leaf, one
    link from A0 to B0 between the groups; each hub is the most linked-to of its group."""
    for group in ("A", "B"):
        for i in range(3):
            text = f"[[Hub {group}]] [[{group}{(i + 1) % 3}]]"
            (root / f"{group}{i}.md").write_text(text, "utf-8")
        (root / f"Hub {group}.md").write_text("a hub", "utf-8")
    (root / "A0.md").write_text("[[Hub A]] [[A1]] [[B0]]", "utf-8")
    (root / "Hub B.md").write_text("![[pic.png]]", "utf-8")
    (root / "pic.png").write_bytes(b"\x89PNG")
    (root / "Lonely.md").write_text("no links", "utf-8")
    return root


def test_two_groups_are_found_and_each_named_by_its_hub(tmp_path: Path) -> None:
    graph = load_vault(two_cliques(tmp_path)).graph
    found = find_communities(graph)
    groups = {
        name: {n for n, i in found.of.items() if found.names[i] == name} for name in found.names
    }
    assert groups["Hub A"] == {"Hub A.md", "A0.md", "A1.md", "A2.md"}
    assert groups["Hub B"] == {"Hub B.md", "B0.md", "B1.md", "B2.md"}
    assert groups["Lonely"] == {"Lonely.md"}
    assert found.hubs[found.names.index("Hub A")] == "Hub A.md"
    # Ids go by size: the two groups of four before the note on its own.
    assert found.of["Lonely.md"] == 2


def test_the_same_vault_gets_the_same_communities(tmp_path: Path) -> None:
    vault = load_vault(SAMPLE_VAULT)
    first, again = find_communities(vault.graph), find_communities(load_vault(SAMPLE_VAULT).graph)
    assert first == again
    assert set(first.of) == {n for n, k in vault.graph.nodes(data="kind") if k == "note"}


def test_coloured_by_community_the_legend_names_communities_and_nodes_carry_theirs(
    tmp_path: Path,
) -> None:
    view = build_view(load_vault(two_cliques(tmp_path)), MapOptions(color_by="community"))
    nodes = {n.id: n for n in view.nodes}
    assert nodes["A1.md"].community == nodes["Hub A.md"].community
    assert nodes["A1.md"].community != nodes["B1.md"].community
    assert nodes["A1.md"].group == "Hub A"
    assert nodes["pic.png"].community is None
    assert nodes["pic.png"].group == "(no community)"
    legend = {entry.group: entry.count for entry in view.legend}
    assert legend["Hub A"] == 4
    assert legend["Hub B"] == 4
    assert nodes["A1.md"].color != nodes["B1.md"].color


def test_other_colourings_leave_the_community_out(tmp_path: Path) -> None:
    view = build_view(load_vault(two_cliques(tmp_path)))
    assert all(n.community is None for n in view.nodes)
