"""Every map node's final position, computed before the page opens: folders as discs, hubs central.

The layout is hierarchical, so its cost grows with the folders' sizes, not the vault's square:
the folders are laid out first as one weighted graph (a link between two folders pulls them
together, a subfolder stays near its parent), then pushed apart until their discs no longer
overlap; then each folder's notes and attachments are laid out inside its disc, starting from a
sunflower spiral with the most linked-to in the middle. Tags and unresolved targets sit among
the notes that reach them. Both force runs are Fruchterman-Reingold (as networkx's
``spring_layout``) on dense numpy arrays, with an iteration budget that shrinks with the square
of the size, so ten thousand notes take about a second and a hundred thousand stay bounded.
Nothing is random: the same nodes and edges give the same positions.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["LayoutNode", "layout"]

_Array = npt.NDArray[np.float64]

_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_SPACING = 28.0  # distance between neighbours in a disc, in vis canvas units
_GAP = 2 * _SPACING  # the least room between two folders' discs
_ITERATIONS = 50
# Pairs times iterations one force run may spend (about 0.1 s of numpy); a bigger group gets
# fewer iterations, and past _DENSE nodes none (its sunflower stays: n² arrays would not fit).
_BUDGET = 40_000_000
_DENSE = 2500
# Up to this many nodes, one more run over the whole map lets tags and links pull across
# folders, with room for labels: a small vault reads as a graph, not as a row of discs.
_SMALL = 1000
_LABEL_ROOM = 3 * _SPACING  # the typical distance to the nearest neighbour after that run


@dataclass(frozen=True, slots=True)
class LayoutNode:
    id: str
    folder: str | None  # a note's or attachment's folder ("" at the root); None for the others
    inlinks: int  # how central it is: the most linked-to sit in the middle of their disc


def layout(
    nodes: Sequence[LayoutNode], edges: Iterable[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """The position of every node of ``nodes``, rounded to a tenth of a canvas unit."""
    index = {node.id: i for i, node in enumerate(nodes)}
    pairs = sorted(
        {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in edges
            if a in index and b in index and a != b
        }
    )
    folders: defaultdict[str, list[int]] = defaultdict(list)
    for i, node in enumerate(nodes):
        if node.folder is not None:
            folders[node.folder].append(i)
    pos = np.zeros((len(nodes), 2))
    placed = np.zeros(len(nodes), dtype=bool)
    names = sorted(folders, key=lambda f: (-len(folders[f]), f))
    radii = np.array([_radius(len(folders[f])) for f in names])
    folder_of = np.full(len(nodes), -1)
    for f, name in enumerate(names):
        folder_of[folders[name]] = f
    inside: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    across: list[tuple[int, int]] = []
    for a, b in pairs:
        fa, fb = int(folder_of[a]), int(folder_of[b])
        if fa >= 0 and fa == fb:
            inside[fa].append((a, b))
        elif fa >= 0 and fb >= 0:
            across.append((fa, fb))
    centres = _folder_centres(names, radii, across)
    for f, (name, centre, radius) in enumerate(zip(names, centres, radii, strict=True)):
        members = sorted(folders[name], key=lambda i: (-nodes[i].inlinks, nodes[i].id))
        pos[members] = centre + _disc(members, inside[f], radius)
        placed[members] = True
    _place_the_rest(nodes, pairs, pos, placed)
    if len(nodes) <= _SMALL:
        pos = _refine(pos, pairs)
    return {
        node.id: (round(float(x), 1) + 0.0, round(float(y), 1) + 0.0)
        for node, (x, y) in zip(nodes, pos, strict=True)
    }


def _radius(count: int) -> float:
    return _SPACING * math.sqrt(count)


def _sunflower(count: int, spacing: float) -> _Array:
    """``count`` points of even density, the first in the middle."""
    k = np.arange(count, dtype=np.float64)
    r = spacing * np.sqrt(k)
    return np.column_stack((r * np.cos(k * _GOLDEN_ANGLE), r * np.sin(k * _GOLDEN_ANGLE)))


def _folder_centres(
    names: Sequence[str], radii: _Array, across: Sequence[tuple[int, int]]
) -> _Array:
    """Disc centres, folder inside folder: each folder's subfolders and own disc are arranged
    around one another (linked ones close), then the whole takes its place in its parent.

    ``across`` holds one (folder, folder) pair per link between two folders' members. Each
    arrangement handles one folder's children only, so the cost grows with the folder count.
    """
    if not names:
        return np.zeros((0, 2))
    tree = _FolderTree(names)
    between: defaultdict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for (fa, fb), count in Counter(across).items():
        parent, a, b = tree.split(names[fa], names[fb])
        between[parent][min(a, b), max(a, b)] += count
    own = {name: float(radius) for name, radius in zip(names, radii, strict=True)}
    extent: dict[str, float] = {}
    offsets: dict[str, dict[str, _Array]] = {}
    for folder in tree.bottom_up():
        items = ([_OWN] if folder in own else []) + tree.children[folder]
        sizes = np.array([own[folder] if i == _OWN else extent[i] for i in items])
        placed = _arrange(items, sizes, between[folder])
        offsets[folder] = dict(zip(items, placed, strict=True))
        extent[folder] = float((np.sqrt((placed**2).sum(axis=1)) + sizes).max()) + _GAP / 2
    centres: dict[str, _Array] = {}
    stack = [(tree.root, np.zeros(2))]
    while stack:
        folder, at = stack.pop()
        for item, offset in offsets[folder].items():
            if item == _OWN:
                centres[folder] = at + offset
            else:
                stack.append((item, at + offset))
    return np.array([centres[name] for name in names])


_OWN = "\0own"  # a folder's own notes among its subfolders (no folder name holds a NUL)


class _FolderTree:
    """The folders with members and every folder above them, up to the vault root ("")."""

    def __init__(self, names: Iterable[str]) -> None:
        self.root = ""
        self.children: defaultdict[str, list[str]] = defaultdict(list)
        seen = {self.root}
        for name in sorted(names):
            parts = name.split("/") if name else []
            for cut in range(1, len(parts) + 1):
                folder = "/".join(parts[:cut])
                if folder not in seen:
                    seen.add(folder)
                    self.children["/".join(parts[: cut - 1])].append(folder)
        # Deepest first, the root last: a folder is arranged after all of its subfolders.
        self._order = sorted(seen, key=lambda f: (-(f.count("/") + 1) if f else 0, f))

    def bottom_up(self) -> list[str]:
        return self._order

    def split(self, a: str, b: str) -> tuple[str, str, str]:
        """The deepest folder holding both ``a`` and ``b``, and which of its items (a subfolder,
        or its own notes) each lies in."""
        pa, pb = (a.split("/") if a else []), (b.split("/") if b else [])
        common = 0
        while common < min(len(pa), len(pb)) and pa[common] == pb[common]:
            common += 1
        return (
            "/".join(pa[:common]),
            "/".join(pa[: common + 1]) if len(pa) > common else _OWN,
            "/".join(pb[: common + 1]) if len(pb) > common else _OWN,
        )


def _arrange(items: Sequence[str], sizes: _Array, links: Counter[tuple[str, str]]) -> _Array:
    """Centres for discs of radius ``sizes``, linked ones close, none overlapping."""
    count = len(items)
    if count == 1:
        return np.zeros((1, 2))
    order = {item: i for i, item in enumerate(items)}
    weights = np.zeros((count, count))
    for (a, b), n in links.items():
        weights[order[a], order[b]] = weights[order[b], order[a]] = math.log1p(n)
    if weights.max() > 0:
        weights /= weights.max()
    # The biggest disc starts in the middle, the rest around it by size.
    rank = np.argsort(-sizes, kind="stable")
    start = np.zeros((count, 2))
    start[rank] = _sunflower(count, 1.0)
    start /= max(float(np.abs(start).max()), 1.0)
    return _separate(_relax(weights, start, _ITERATIONS), sizes)


def _separate(unit: _Array, radii: _Array) -> _Array:
    """Scale a unit-square layout to the discs' sizes, then push overlapping discs apart."""
    count = len(radii)
    if count == 1:
        return np.zeros((1, 2))
    pos: _Array = unit - unit.mean(axis=0)
    spread = float(np.sqrt((pos**2).sum(axis=1)).max()) or 1.0
    # Narrower than the discs' whole area: the pushing apart then packs them tight.
    pos *= 0.5 * math.sqrt(float(((radii + _GAP) ** 2).sum())) / spread
    reach = radii[:, None] + radii[None, :] + _GAP
    np.fill_diagonal(reach, 0)
    share = radii[None, :] ** 2 / (radii[:, None] ** 2 + radii[None, :] ** 2)
    for _ in range(300):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=-1))
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(reach - distance, 0, None)
        if overlap.max() < 1.0:
            break
        # Two discs on the same spot split along a fixed direction: still deterministic.
        safe = np.where(distance < 1e-9, 1.0, distance)
        direction = np.where((distance < 1e-9)[..., None], np.array([1.0, 0.0]), delta)
        # The smaller disc moves more, so a big folder keeps its place in the middle.
        push = overlap * share / safe
        pos += np.einsum("ijk,ij->ik", direction, push) * 0.5
    return pos


def _disc(members: Sequence[int], pairs: Sequence[tuple[int, int]], radius: float) -> _Array:
    """Offsets of one folder's members from its centre, inside a disc of ``radius``; ``pairs``
    are the links between two of them."""
    count = len(members)
    start = _sunflower(count, _SPACING)
    iterations = _iterations(count)
    if count < 3 or iterations == 0:
        return start
    local = {node: i for i, node in enumerate(members)}
    adjacency = np.zeros((count, count))
    for a, b in pairs:
        adjacency[local[a], local[b]] = adjacency[local[b], local[a]] = 1.0
    if not adjacency.any():
        return start
    # A low temperature: links pull their notes together, the spiral's even spacing stays.
    unit = _relax(adjacency, start / (radius * 2) + 0.5, iterations, heat=0.03)
    unit -= unit[0]  # the most linked-to stays the centre
    reach = float(np.sqrt((unit**2).sum(axis=1)).max()) or 1.0
    return unit * (radius / reach)


def _iterations(count: int) -> int:
    if count > _DENSE:
        return 0
    return min(_ITERATIONS, _BUDGET // max(count * count, 1))


def _relax(adjacency: _Array, pos: _Array, iterations: int, heat: float = 0.1) -> _Array:
    """Fruchterman-Reingold on a dense adjacency, as networkx's ``_fruchterman_reingold``."""
    count = len(pos)
    pos = pos.copy()
    if count < 2 or iterations == 0:
        return pos
    k = math.sqrt(1.0 / count)
    # How far a node may move in the first step, as a share of the layout's width.
    temperature = max(float(np.ptp(pos[:, 0])), float(np.ptp(pos[:, 1]))) * heat or heat
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=-1))
        np.clip(distance, 0.01, None, out=distance)
        force = k * k / distance**2 - adjacency * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.sqrt((displacement**2).sum(axis=-1))
        length = np.where(length < 0.01, 0.1, length)
        pos += displacement * (temperature / length)[:, None]
        temperature -= cooling
    return pos


def _refine(pos: _Array, pairs: Sequence[tuple[int, int]]) -> _Array:
    count = len(pos)
    if count < 3 or not pairs:
        return pos
    adjacency = np.zeros((count, count))
    a, b = np.array(pairs).T
    adjacency[a, b] = adjacency[b, a] = 1.0
    extent = float(np.abs(pos).max()) or 1.0
    unit = _relax(adjacency, pos / (2 * extent) + 0.5, _iterations(count), heat=0.05)
    delta = unit[:, None, :] - unit[None, :, :]
    distance = np.sqrt((delta**2).sum(axis=-1))
    np.fill_diagonal(distance, np.inf)
    nearest = float(np.median(distance.min(axis=1))) or 1.0
    unit -= unit.mean(axis=0)
    return unit * (_LABEL_ROOM / nearest)


def _place_the_rest(
    nodes: Sequence[LayoutNode],
    pairs: Sequence[tuple[int, int]],
    pos: _Array,
    placed: npt.NDArray[np.bool_],
) -> None:
    """Tags and unresolved targets at the middle of the notes that reach them, fanned out a
    little so two with the same notes do not sit on one spot; any left over on an outer ring."""
    reach: defaultdict[int, list[int]] = defaultdict(list)
    for a, b in pairs:
        if placed[a] and not placed[b]:
            reach[b].append(a)
        elif placed[b] and not placed[a]:
            reach[a].append(b)
    rest = [i for i in range(len(nodes)) if not placed[i]]
    rest.sort(key=lambda i: (-nodes[i].inlinks, nodes[i].id))
    lonely = []
    for k, i in enumerate(rest):
        if not reach[i]:
            lonely.append(i)
            continue
        centre = pos[reach[i]].mean(axis=0)
        angle = k * _GOLDEN_ANGLE
        offset = _SPACING * (0.5 + (k % 7) / 7)
        pos[i] = centre + offset * np.array([math.cos(angle), math.sin(angle)])
    if lonely:
        extent = float(np.sqrt((pos[placed] ** 2).sum(axis=1)).max()) if placed.any() else 0.0
        ring = _sunflower(len(lonely), _SPACING)
        shift = extent + _SPACING * 2 if placed.any() else 0.0
        pos[lonely] = ring + np.array([shift + float(np.abs(ring[:, 0]).max()), 0.0])
