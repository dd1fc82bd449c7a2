"""Write a map view as one offline HTML page: pyvis builds the network, our template the page."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from vaultgraph import __version__
from vaultgraph.map import style
from vaultgraph.map.build import MapEdge, MapNode, MapView

__all__ = ["CLUSTER_ABOVE", "LARGE", "render_page", "script_json", "vis_options"]

_TEMPLATES = Path(__file__).parent / "templates"
# Past this many nodes the page trades looks for speed: straight edges, a short layout run,
# edges stroked in one batch by the page itself.
LARGE = 1000
# Past this many nodes the page opens with each top-level folder drawn as one node.
CLUSTER_ABOVE = 30_000

_SHAPES = {"note": "dot", "attachment": "square", "tag": "diamond", "unresolved": "dot"}
_EDGE_COLORS = {"link": "#8a94a6", "embed": "#d9822b", "tag": "#b8c2cc"}
_UNRESOLVED_EDGE = "#c4c8ce"
_SELECTED = "#1f2328"
# Embeds are dashed and tag edges dotted, so a link, an embed and a tag never look alike.
_EDGE_DASHES: dict[str, bool | list[int]] = {"link": False, "embed": [8, 5], "tag": [2, 4]}
# What an HTML parser could read inside a <script> element: escaped, JSON stays JSON.
_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def render_page(view: MapView) -> str:
    """The whole page as text: data, vis-network and our script inline, nothing fetched."""
    from pyvis.network import Network  # pyvis pulls in IPython: only the map command pays

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.node_ids = _IdList()
    for node in view.nodes:
        net.add_node(node.id, **_node_options(node))
    for i, edge in enumerate(view.edges):
        net.add_edge(edge.source, edge.target, **_edge_options(i, edge))
    net.options = vis_options(len(view.nodes))
    net.set_template_dir(f"{_TEMPLATES}/", "map.html")
    net.templateEnv = _environment(view)
    return str(net.generate_html())


class _IdList(list[Any]):
    """pyvis tests every new node and edge end with ``in`` on its id list: a set makes that O(1).

    Without it, a 10,000-note map spends its time in list scans (quadratic in the node count).
    """

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def vis_options(node_count: int) -> dict[str, Any]:
    """vis-network options: physics settle once, then the page turns them off."""
    large = node_count > LARGE
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": not large},
        "nodes": {
            "font": {"face": "system-ui, sans-serif", "size": 14},
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            # The page draws labels itself, by zoom and importance and never overlapping
            # (map.js drawLabels): vis-network's own labels stay below this on-screen size.
            "scaling": {"label": {"drawThreshold": 10_000}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": False if large else {"type": "continuous"},
            "selectionWidth": 2,
        },
        "interaction": {
            # Tooltips show on hover all the same; this only restyles the node under the mouse.
            "hover": False,
            "tooltipDelay": 150,
            # Edges stay while you drag or zoom: a large map strokes them in one batch.
            "hideEdgesOnDrag": False,
            "hideEdgesOnZoom": False,
            "navigationButtons": False,
            "keyboard": False,
        },
        "physics": _physics(large),
    }


def script_json(value: Any, **extra: Any) -> Markup:
    """``value`` (merged with ``extra``) as JSON that no HTML parser can end or comment out."""
    data = value | extra if extra else value
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _SCRIPT_ESCAPES:
        # str.replace per character: on a 10 MB map, five times faster than str.translate.
        text = text.replace(char, escape)
    return Markup(text)


def _physics(large: bool) -> dict[str, Any]:
    if large:
        return {
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -4000,
                "centralGravity": 0.05,
                "springLength": 60,
                "springConstant": 0.02,
                "damping": 0.5,
                # A coarser force estimate: each step costs half as much on 10,000 nodes.
                "theta": 1.0,
            },
            "adaptiveTimestep": False,
            "minVelocity": 2,
            "stabilization": {"enabled": True, "iterations": 50, "updateInterval": 5},
        }
    return {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -90,
            "springLength": 140,
            "springConstant": 0.05,
            "avoidOverlap": 0.5,
        },
        "minVelocity": 0.75,
        "stabilization": {"enabled": True, "iterations": 1000, "updateInterval": 25},
    }


def _node_options(node: MapNode) -> dict[str, Any]:
    options: dict[str, Any] = {
        "label": node.label,
        "shape": _SHAPES.get(node.kind, "dot"),
        # Only notes grow with their in-links: a tag on every note would dwarf the map.
        "size": node.size if node.kind == "note" else min(node.size, 16),
        "title": node.tooltip,
        # Selected (a clicked node and its neighbours) keeps its colour under a dark outline.
        "color": {
            "background": node.color,
            "border": _darker(node.color),
            "highlight": {"background": node.color, "border": _SELECTED},
        },
        "kind": node.kind,
        # Where the precomputed layout put it (layout.py): the page opens on the finished picture.
        "x": node.x,
        "y": node.y,
        "inlinks": node.inlinks,
        "community": node.community,
    }
    if node.folder is not None:
        options["folder"] = node.folder
    if node.kind == "note":
        options["tags"] = list(node.tags)
    if node.group is not None:
        options["colorGroup"] = node.group
    if node.url is not None:
        options["url"] = node.url
    if node.kind == "unresolved":
        options["color"]["border"] = "#8d939c"
        options["shapeProperties"] = {"borderDashes": [4, 3]}
        options["font"] = {"color": "#6b7280"}
    return options


def _edge_options(index: int, edge: MapEdge) -> dict[str, Any]:
    # Colour, dashes and width come from the kind (see _edge_styles): 50,000 edges stay small.
    return {"id": f"e{index}", "kind": edge.kind, "title": edge.tooltip}


def _edge_styles(*, large: bool) -> dict[str, dict[str, Any]]:
    """vis edge options by kind (``link-unresolved`` for a link to no file), merged in by the page.

    A large map draws no dashes: a dashed line costs the canvas ten times a plain one, which
    turns a one-second redraw of 50,000 edges into ten. Colour alone tells the kinds apart.
    """
    styles = {
        kind: {
            "color": {"color": color, "highlight": _SELECTED},
            "dashes": False if large else _EDGE_DASHES[kind],
            "width": 0.6 if kind == "tag" else 1.0,
        }
        for kind, color in _EDGE_COLORS.items()
    }
    for kind in ("link", "embed"):
        styles[f"{kind}-unresolved"] = styles[kind] | {
            "color": {"color": _UNRESOLVED_EDGE, "highlight": _SELECTED},
            "dashes": False if large else [4, 4],
        }
    return styles


def _darker(color: str) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c * 0.7):02x}" for c in (red, green, blue))


def _environment(view: MapView) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = script_json
    env.filters["from_json"] = json.loads  # pyvis hands its options over as JSON text
    env.globals.update(
        asset=_asset,
        csp=_content_security_policy(),
        version=__version__,
        page=_page_data(view),
        title=f"{view.vault_name} - vaultgraph map",
    )
    return env


def _page_data(view: MapView) -> dict[str, Any]:
    return {
        "vault": view.vault_name,
        "colorBy": view.color_by,
        "legend": [asdict(entry) for entry in view.legend],
        "kinds": _kind_legend(),
        "edgeStyles": _edge_styles(large=len(view.nodes) > LARGE),
        "large": LARGE,
        "clusterAbove": CLUSTER_ABOVE,
        "layout": "precomputed",
        "obsidian": dict(view.obsidian),
    }


def _kind_legend() -> list[dict[str, Any]]:
    """The key to shapes and line styles, drawn by the page beside the colour legend."""
    return [
        {"kind": "tag", "shape": "diamond", "color": style.TAG_COLOR, "label": "tag"},
        {
            "kind": "attachment",
            "shape": "square",
            "color": style.OTHER_COLOR,
            "label": "attachment",
        },
        {
            "kind": "unresolved",
            "shape": "dashed",
            "color": style.UNRESOLVED_COLOR,
            "label": "unresolved link target",
        },
        {"kind": "link", "shape": "line", "color": _EDGE_COLORS["link"], "label": "link"},
        {"kind": "embed", "shape": "dashes", "color": _EDGE_COLORS["embed"], "label": "embed"},
        {"kind": "tag-edge", "shape": "dots", "color": _EDGE_COLORS["tag"], "label": "carries tag"},
    ]


_SCRIPTS = ("vis-network.min.js", "map.js")


def _asset_path(name: str) -> Path:
    """The page's own files, or the vis-network build that ships inside the pyvis package."""
    if name.startswith("vis-network."):
        import pyvis

        return Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / name
    return _TEMPLATES / name


@cache
def _asset_text(name: str) -> str:
    text = _asset_path(name).read_text(encoding="utf-8")
    closer = "</script" if name.endswith(".js") else "</style"
    if closer in text.lower():
        raise ValueError(f"{name} holds {closer}, which would end its element early")
    return text


def _asset(name: str) -> Markup:
    return Markup(_asset_text(name))


def _content_security_policy() -> str:
    """Run only our two scripts, fetch nothing: an injected tag could neither run nor call home."""
    hashes = " ".join(
        "'sha256-"
        + base64.b64encode(hashlib.sha256(_asset_text(n).encode()).digest()).decode()
        + "'"
        for n in _SCRIPTS
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
