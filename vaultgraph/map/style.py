"""How a map reads at a glance: colour groups and their palette, node sizes, tooltip text."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from vaultgraph.map.communities import Communities
from vaultgraph.map.options import ColorBy
from vaultgraph.map.plaintext import plain_lines

__all__ = [
    "NO_COMMUNITY_GROUP",
    "OTHER_COLOR",
    "PALETTE",
    "ROOT_GROUP",
    "TAG_COLOR",
    "UNRESOLVED_COLOR",
    "UNTAGGED_COLOR",
    "UNTAGGED_GROUP",
    "LegendEntry",
    "Palette",
    "color_groups",
    "community_groups",
    "edge_tooltip",
    "excerpt",
    "inlinks",
    "node_size",
    "node_tooltip",
    "palette",
]

# Tableau 10 and two more: distinct hues that stay readable under dark labels.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#17becf",
    "#bcbd22",
    "#8c564b",
)
OTHER_COLOR = "#a0a4ab"
UNTAGGED_COLOR = "#c9ccd1"
TAG_COLOR = "#5b6b7f"
UNRESOLVED_COLOR = "#e3e5e8"
ROOT_GROUP = "(vault root)"
UNTAGGED_GROUP = "(no tags)"
NO_COMMUNITY_GROUP = "(no community)"  # attachments, when coloured by community
# Groups that are no topic: they stay neutral however many nodes they hold.
_NEUTRAL = {UNTAGGED_GROUP: UNTAGGED_COLOR, NO_COMMUNITY_GROUP: UNTAGGED_COLOR}

_MIN_SIZE, _MAX_SIZE = 10.0, 50.0


@dataclass(frozen=True, slots=True)
class LegendEntry:
    group: str  # a top-level folder or a tag name, or "other" for groups past the palette
    color: str
    count: int  # nodes of this colour on the map


@dataclass(frozen=True, slots=True)
class Palette:
    """Colours for groups; groups past the palette's length share ``OTHER_COLOR``."""

    colors: Mapping[str, str]

    def __getitem__(self, group: str) -> str:
        return self.colors.get(group, OTHER_COLOR)

    def legend(self, groups: Iterable[str]) -> tuple[LegendEntry, ...]:
        """One entry per colour in ``groups`` (a node's group each), in palette order."""
        counts = Counter(groups)
        order = {group: i for i, group in enumerate(self.colors)}
        named = sorted((g for g in counts if g in order), key=order.__getitem__)
        entries = [LegendEntry(g, self.colors[g], counts[g]) for g in named]
        others = sum(n for g, n in counts.items() if g not in order)
        if others:
            entries.append(LegendEntry("other", OTHER_COLOR, others))
        return tuple(entries)


def color_groups(graph: nx.MultiDiGraph, color_by: ColorBy) -> dict[str, str]:
    """The colour group of every note and attachment (tags and unresolved targets have none),
    by folder or tag (``community_groups`` colours by community)."""
    if color_by == "tag":
        return _tag_groups(graph)
    return {
        node: _top_folder(attrs["folder"])
        for node, attrs in graph.nodes(data=True)
        if attrs["kind"] in ("note", "attachment")
    }


def community_groups(graph: nx.MultiDiGraph, found: Communities) -> dict[str, str]:
    """Each note's community, by its name; attachments in a neutral group of their own."""
    groups = {note: found.names[i] for note, i in found.of.items()}
    attachments = (n for n, kind in graph.nodes(data="kind") if kind == "attachment")
    return groups | dict.fromkeys(attachments, NO_COMMUNITY_GROUP)


def palette(groups: Mapping[str, str]) -> Palette:
    """Colour the most common groups first, so the colours of a vault do not hang on a filter."""
    counts = Counter(groups.values())
    ranked = sorted((g for g in counts if g not in _NEUTRAL), key=lambda g: (-counts[g], g))
    colors = dict(zip(ranked, PALETTE, strict=False))
    colors |= {group: color for group, color in _NEUTRAL.items() if group in counts}
    return Palette(colors)


def inlinks(graph: nx.MultiDiGraph, node: str) -> int:
    """How many other notes link to, embed or carry ``node``."""
    return len(set(graph.predecessors(node)) - {node})


def node_size(links_in: int) -> float:
    # Area, not radius, grows with the count: a hub of 100 stays on screen beside a leaf.
    return round(min(_MIN_SIZE + 4 * math.sqrt(links_in), _MAX_SIZE), 1)


def node_tooltip(attrs: Mapping[str, Any], node: str, links_in: int, text: str) -> str:
    """Plain text shown on hover: what the node is, and for a note its first lines ``text``."""
    kind = attrs["kind"]
    if kind == "tag":
        return f"#{attrs['name']}\ntag on {_count(links_in, 'note')}"
    if kind == "unresolved":
        return f"{attrs['target']}\nno such note or file; linked from {_count(links_in, 'note')}"
    if kind == "attachment":
        return f"{node}\nattachment, linked or embedded by {_count(links_in, 'note')}"
    lines = [node]
    if attrs.get("tags"):
        lines.append("tags: " + " ".join("#" + tag for tag in attrs["tags"]))
    if attrs.get("aliases"):
        lines.append("aliases: " + ", ".join(attrs["aliases"]))
    lines.append(f"linked from {_count(links_in, 'note')}")
    if text:
        lines += ["", text]
    return "\n".join(lines)


def edge_tooltip(attrs: Mapping[str, Any]) -> str:
    lines: Sequence[int] = attrs.get("lines", ())
    where = f"line{'s' if len(lines) != 1 else ''} {', '.join(map(str, lines))}"
    count = attrs.get("count", 1)
    return f"{attrs['kind']}{f' x{count}' if count > 1 else ''}, {where}"


def excerpt(text: str, *, lines: int = 3, width: int = 100, limit: int = 240) -> str:
    """The first non-blank lines of a note as plain text (``plaintext.plain_lines``: no
    frontmatter, comments or Markdown syntax), each and all cut to length."""
    kept = [_cut(line, width) for line in plain_lines(text, wanted=lines)]
    return _cut("\n".join(kept), limit)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _top_folder(folder: str) -> str:
    return folder.split("/", 1)[0] if folder else ROOT_GROUP


def _tag_groups(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each note's most used tag: the fewest groups that still tell notes apart."""
    notes = [(node, attrs) for node, attrs in graph.nodes(data=True) if attrs["kind"] == "note"]
    uses = Counter(tag for _, attrs in notes for tag in attrs["tags"])
    groups = {
        node: min(attrs["tags"], key=lambda t: (-uses[t], t)) if attrs["tags"] else UNTAGGED_GROUP
        for node, attrs in notes
    }
    attachments = (n for n, kind in graph.nodes(data="kind") if kind == "attachment")
    return groups | dict.fromkeys(attachments, UNTAGGED_GROUP)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
