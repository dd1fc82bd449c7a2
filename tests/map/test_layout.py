"""Starting positions for large maps: one disc per colour group, hubs in the middle."""

from __future__ import annotations

import math

from vaultgraph.map.build import MapNode
from vaultgraph.map.layout import seed_positions


def node(id: str, group: str | None, inlinks: int = 0, kind: str = "note") -> MapNode:
    return MapNode(id, kind, id, group, "#000000", 10.0, inlinks, "", None)


NODES = (
    [node(f"a{i}", "A", inlinks=i) for i in range(200)]
    + [node(f"b{i}", "B") for i in range(50)]
    + [node(f"t{i}", None, kind="tag") for i in range(5)]
)


def test_every_node_gets_a_position_and_the_same_input_the_same_positions() -> None:
    positions = seed_positions(NODES)
    assert set(positions) == {n.id for n in NODES}
    assert seed_positions(list(reversed(NODES))) == positions


def test_the_most_linked_node_of_a_group_sits_at_its_centre() -> None:
    positions = seed_positions(NODES)
    centre = positions["a199"]
    members = [positions[f"a{i}"] for i in range(200)]
    mean = (sum(x for x, _ in members) / 200, sum(y for _, y in members) / 200)
    assert math.dist(centre, mean) < 10
    # Nodes with fewer in-links lie further out.
    assert math.dist(positions["a0"], centre) > math.dist(positions["a150"], centre)


def test_groups_do_not_overlap() -> None:
    positions = seed_positions(NODES)

    def disc(prefix: str, count: int) -> tuple[tuple[float, float], float]:
        points = [positions[f"{prefix}{i}"] for i in range(count)]
        centre = (sum(x for x, _ in points) / count, sum(y for _, y in points) / count)
        return centre, max(math.dist(centre, p) for p in points)

    (ca, ra), (cb, rb), (ct, rt) = disc("a", 200), disc("b", 50), disc("t", 5)
    assert math.dist(ca, cb) > ra + rb
    assert math.dist(ca, ct) > ra + rt
    assert math.dist(cb, ct) > rb + rt


def test_no_nodes_no_positions() -> None:
    assert seed_positions([]) == {}
