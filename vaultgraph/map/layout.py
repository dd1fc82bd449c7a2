"""Starting positions for a large map: one disc per colour group, hubs at each disc's centre."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from vaultgraph.map.build import MapNode

__all__ = ["seed_positions"]

_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_SPACING = 28.0  # distance between neighbours on a disc, in vis canvas units


def seed_positions(nodes: Sequence[MapNode]) -> dict[str, tuple[float, float]]:
    """Where each node starts, so physics only has to settle, not untangle.

    vis-network starts nodes it is given no position for on one wide ring; with ten thousand
    nodes the physics spends its whole budget pulling that ring in. Grouping nodes as the
    legend does puts them near where they end up, and keeps a folder together on screen.
    """
    discs: defaultdict[str, list[MapNode]] = defaultdict(list)
    for node in nodes:
        discs[node.group if node.group is not None else f"({node.kind})"].append(node)
    order = sorted(discs, key=lambda g: (-len(discs[g]), g))
    radii = {group: _SPACING * math.sqrt(len(discs[group])) for group in order}
    centres = _centres([radii[group] for group in order])
    positions: dict[str, tuple[float, float]] = {}
    for group, (cx, cy) in zip(order, centres, strict=True):
        members = sorted(discs[group], key=lambda n: (-n.inlinks, n.id))
        for k, node in enumerate(members):
            # A sunflower spiral: even density, and the most linked-to notes in the middle.
            r = _SPACING * math.sqrt(k)
            angle = k * _GOLDEN_ANGLE
            positions[node.id] = (
                round(cx + r * math.cos(angle), 1),
                round(cy + r * math.sin(angle), 1),
            )
    return positions


def _centres(radii: Sequence[float]) -> list[tuple[float, float]]:
    """The biggest disc in the middle, the others around it on a ring wide enough for all."""
    if not radii:
        return []
    if len(radii) == 1:
        return [(0.0, 0.0)]
    rest = radii[1:]
    ring = max(radii[0] + max(rest), sum(2 * r for r in rest) / (2 * math.pi)) * 1.15
    centres = [(0.0, 0.0)]
    angle = 0.0
    total = sum(rest)
    for r in rest:
        # Each disc gets a share of the ring in proportion to its size.
        share = 2 * math.pi * r / total
        angle += share / 2
        centres.append((ring * math.cos(angle), ring * math.sin(angle)))
        angle += share / 2
    return centres
