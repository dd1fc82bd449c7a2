"""The interactive concept map: a vault's graph as one offline, self-contained HTML page."""

from vaultgraph.map.build import MapEdge, MapNode, MapView, build_view, obsidian_url
from vaultgraph.map.options import COLOR_BY, ColorBy, MapError, MapOptions
from vaultgraph.map.page import render_page

__all__ = [
    "COLOR_BY",
    "ColorBy",
    "MapEdge",
    "MapError",
    "MapNode",
    "MapOptions",
    "MapView",
    "build_view",
    "obsidian_url",
    "render_page",
]
