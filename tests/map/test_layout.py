"""The precomputed layout: every node placed, deterministic, folders together, hubs central."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from tests.map.paths import SAMPLE_VAULT
from vaultgraph.map import build_view
from vaultgraph.map.layout import LayoutNode, layout
from vaultgraph.vault import load_vault

Point = tuple[float, float]


def star(prefix: str, folder: str, leaves: int) -> tuple[list[LayoutNode], list[tuple[str, str]]]:
    """A hub linked to from ``leaves`` notes of one folder, and a chain through the leaves."""
    hub = LayoutNode(f"{prefix}hub", folder, leaves)
    nodes = [hub] + [LayoutNode(f"{prefix}{i}", folder, 1) for i in range(leaves)]
    edges = [(f"{prefix}{i}", hub.id) for i in range(leaves)]
    edges += [(f"{prefix}{i}", f"{prefix}{i + 1}") for i in range(leaves - 1)]
    return nodes, edges


def big_map() -> tuple[list[LayoutNode], list[tuple[str, str]]]:
    """Over the small-map size, so the folder discs are what is tested."""
    nodes, edges = [], []
    for prefix, folder, leaves in (("a", "A", 500), ("b", "B", 400), ("c", "B/C", 300)):
        more_nodes, more_edges = star(prefix, folder, leaves)
        nodes += more_nodes
        edges += more_edges
    nodes.append(LayoutNode("tag", None, 2))
    edges += [("a0", "tag"), ("b0", "tag"), ("a0", "b0")]
    return nodes, edges


def disc(positions: Mapping[str, Point], ids: Iterable[str]) -> tuple[Point, float]:
    points = [positions[i] for i in ids]
    centre = (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))
    return centre, max(math.dist(centre, p) for p in points)


def test_every_node_gets_a_position_and_the_same_input_the_same_positions() -> None:
    nodes, edges = big_map()
    positions = layout(nodes, edges)
    assert set(positions) == {n.id for n in nodes}
    assert layout(nodes, edges) == positions
    # The order nodes and edges come in changes nothing but the rounding's last digit.
    shuffled = layout(list(reversed(nodes)), list(reversed(edges)))
    assert all(math.dist(shuffled[n], positions[n]) < 1.0 for n in positions)


def test_folders_do_not_overlap_and_a_subfolder_sits_beside_its_parent() -> None:
    nodes, edges = big_map()
    positions = layout(nodes, edges)
    groups = {p: [n.id for n in nodes if n.id.startswith(p) and n.id != "tag"] for p in "abc"}
    (ca, ra), (cb, rb), (cc, rc) = (disc(positions, groups[p]) for p in "abc")
    assert math.dist(ca, cb) > ra + rb
    assert math.dist(ca, cc) > ra + rc
    assert math.dist(cb, cc) > rb + rc
    # B/C is inside B's region: nearer to B than to A.
    assert math.dist(cc, cb) < math.dist(cc, ca)


def test_the_hub_of_a_folder_sits_at_its_centre() -> None:
    nodes, edges = big_map()
    positions = layout(nodes, edges)
    centre, radius = disc(positions, [n.id for n in nodes if n.id.startswith("a")])
    assert math.dist(positions["ahub"], centre) < radius / 4


def test_a_tag_sits_among_the_notes_that_carry_it() -> None:
    nodes, edges = big_map()
    positions = layout(nodes, edges)
    between = math.dist(positions["a0"], positions["b0"])
    assert math.dist(positions["tag"], positions["a0"]) < between
    assert math.dist(positions["tag"], positions["b0"]) < between


def test_nodes_with_no_folder_and_no_links_still_get_distinct_places() -> None:
    nodes = [LayoutNode(f"t{i}", None, 0) for i in range(5)]
    positions = layout(nodes, [])
    assert len(set(positions.values())) == 5


def test_no_nodes_no_positions() -> None:
    assert layout([], []) == {}


def test_the_sample_map_has_room_for_labels_and_every_node_a_place() -> None:
    view = build_view(load_vault(SAMPLE_VAULT))
    points = [(n.x, n.y) for n in view.nodes]
    assert len(set(points)) == len(points)
    nearest = sorted(min(math.dist(p, q) for q in points if q != p) for p in points)
    # Labels are about 14 canvas units high: nearly every node has that much room.
    assert nearest[len(nearest) // 10] > 20
