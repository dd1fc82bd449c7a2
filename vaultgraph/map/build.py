"""A loaded vault as the map shows it: the kept nodes and edges, with labels and colours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from vaultgraph.map import style
from vaultgraph.map.communities import Communities, find_communities
from vaultgraph.map.layout import LayoutNode, layout
from vaultgraph.map.obsidian import ColorGroup
from vaultgraph.map.options import ColorBy, MapOptions
from vaultgraph.map.query import matches
from vaultgraph.map.select import select
from vaultgraph.vault import Vault

__all__ = ["MapEdge", "MapNode", "MapView", "build_view", "obsidian_url"]

_DEFAULTS = MapOptions()


@dataclass(frozen=True, slots=True)
class MapNode:
    id: str  # the graph's node id
    kind: str  # note, attachment, tag or unresolved
    label: str  # drawn on the canvas as written
    group: str | None  # the colour group, None for tags and unresolved targets
    color: str
    size: float
    inlinks: int
    tooltip: str  # plain text
    url: str | None  # obsidian://open link, for notes only
    folder: str | None = None  # a note's or attachment's folder, "" at the root; None otherwise
    tags: tuple[str, ...] = ()  # a note's tags without "#", with their nested parents
    community: int | None = None  # with --color-by community: the note's community
    x: float = 0.0  # the precomputed layout's position (vaultgraph.map.layout)
    y: float = 0.0


@dataclass(frozen=True, slots=True)
class MapEdge:
    source: str
    target: str
    kind: str  # link, embed or tag
    count: int
    tooltip: str


@dataclass(frozen=True, slots=True)
class MapView:
    vault_name: str
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    legend: tuple[style.LegendEntry, ...]
    color_by: ColorBy
    obsidian: Mapping[str, Any] = field(default_factory=dict)  # graph.json as the page shows it


def build_view(vault: Vault, options: MapOptions = _DEFAULTS) -> MapView:
    """What the map of ``vault`` shows under ``options``; ``vault.graph`` is left untouched.

    Colours and sizes come from the whole vault (a folder keeps its colour and a hub its size in
    a filtered map); the legend counts what is shown. Raises ``MapError`` for an unknown
    ``around`` note.
    """
    graph = vault.graph
    shown = select(graph, options)
    found = find_communities(graph) if options.color_by == "community" else None
    groups = (
        style.community_groups(graph, found)
        if found is not None
        else style.color_groups(graph, options.color_by)
    )
    colors = style.palette(groups)
    if options.color_groups:
        groups, colors = _obsidian_groups(graph, options.color_groups, groups, colors)
    name = vault.root.resolve().name
    nodes = tuple(
        _node(vault, name, node, attrs, groups.get(node), colors, found)
        for node, attrs in sorted(shown.nodes(data=True))
    )
    edges = tuple(
        MapEdge(
            source=source,
            target=target,
            kind=attrs["kind"],
            count=attrs.get("count", 1),
            tooltip=style.edge_tooltip(attrs),
        )
        for source, target, attrs in sorted(
            shown.edges(data=True), key=lambda e: (e[0], e[1], e[2]["kind"])
        )
    )
    legend = colors.legend(n.group for n in nodes if n.group is not None)
    settings = {} if options.obsidian is None else options.obsidian.for_page()
    return MapView(name, _placed(nodes, edges), edges, legend, options.color_by, settings)


def obsidian_url(vault_name: str, path: str) -> str:
    """The ``obsidian://open`` link Obsidian answers by opening the note."""
    file = path[:-3] if path.lower().endswith(".md") else path
    return f"obsidian://open?vault={quote(vault_name, safe='')}&file={quote(file, safe='')}"


def _node(
    vault: Vault,
    vault_name: str,
    node: str,
    attrs: Mapping[str, Any],
    group: str | None,
    colors: style.Palette,
    found: Communities | None,
) -> MapNode:
    kind = attrs["kind"]
    links_in = style.inlinks(vault.graph, node)
    return MapNode(
        id=node,
        kind=kind,
        label=_label(node, attrs),
        group=group,
        color=_color(kind, attrs, group, colors),
        size=style.node_size(links_in),
        inlinks=links_in,
        tooltip=style.node_tooltip(attrs, node, links_in, _first_lines(vault, node, attrs)),
        url=obsidian_url(vault_name, node) if kind == "note" else None,
        folder=str(attrs["folder"]) if kind in ("note", "attachment") else None,
        tags=_with_parents(attrs.get("tags", ())) if kind == "note" else (),
        community=None if found is None else found.of.get(node),
    )


def _obsidian_groups(
    graph: Any, wanted: tuple[ColorGroup, ...], groups: dict[str, str], colors: style.Palette
) -> tuple[dict[str, str], style.Palette]:
    """graph.json's colour groups over the usual colouring: the first group a note or attachment
    matches gives its colour, and its query names the group in the legend."""
    regrouped = dict(groups)
    for node, attrs in graph.nodes(data=True):
        if attrs["kind"] not in ("note", "attachment"):
            continue
        for group in wanted:
            if matches(group.query, node, attrs.get("tags", ())):
                regrouped[node] = group.query.text
                break
    first = {group.query.text: group.color for group in reversed(wanted)}
    return regrouped, style.Palette({**dict(reversed(first.items())), **colors.colors})


def _placed(nodes: tuple[MapNode, ...], edges: tuple[MapEdge, ...]) -> tuple[MapNode, ...]:
    positions = layout(
        [LayoutNode(n.id, n.folder, n.inlinks) for n in nodes],
        ((e.source, e.target) for e in edges),
    )
    return tuple(replace(n, x=positions[n.id][0], y=positions[n.id][1]) for n in nodes)


def _with_parents(tags: Iterable[str]) -> tuple[str, ...]:
    """``a/b`` as ``a`` and ``a/b``: Obsidian's ``tag:#a`` finds notes tagged ``#a/b``."""
    found = {
        "/".join(parts[:i])
        for tag in tags
        for parts in [tag.split("/")]
        for i in range(1, len(parts) + 1)
    }
    found.discard("")
    return tuple(sorted(found))


def _label(node: str, attrs: Mapping[str, Any]) -> str:
    kind = attrs["kind"]
    if kind == "tag":
        return "#" + str(attrs["name"])
    if kind == "unresolved":
        return str(attrs["target"])
    return str(attrs.get("title") or node)


def _color(kind: str, attrs: Mapping[str, Any], group: str | None, colors: style.Palette) -> str:
    if kind == "unresolved":
        return style.UNRESOLVED_COLOR
    if kind == "tag":
        # Coloured by tag, a tag node wears its group's colour, so the legend names it too.
        return colors.colors.get(attrs["name"], style.TAG_COLOR)
    return colors[group or ""]


def _first_lines(vault: Vault, node: str, attrs: Mapping[str, Any]) -> str:
    if attrs["kind"] != "note":
        return ""
    if attrs.get("unreadable"):
        return f"(could not be read: {vault.unreadable.get(node, 'unreadable')})"
    # Read as parsing read it: the excerpt shows the text the links and tags were found in.
    text = vault.source(node)
    return style.excerpt(text) if isinstance(text, str) else ""
