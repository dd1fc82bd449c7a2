"""Obsidian's own graph view settings (``.obsidian/graph.json``), read as hostile input."""

from __future__ import annotations

import errno
import json
import os
from dataclasses import dataclass, field
from typing import Any

from vaultgraph.files import read_inside
from vaultgraph.map.query import Query, QueryError, parse_query

__all__ = ["GRAPH_JSON", "MAX_GRAPH_JSON", "ColorGroup", "GraphSettings", "read_graph_settings"]

GRAPH_JSON = ".obsidian/graph.json"
# Obsidian writes a few dozen keys and the colour groups someone typed: a few kilobytes.
MAX_GRAPH_JSON = 1 << 20
_MAX_GROUPS = 100
_MAX_JUMPS = 5  # Obsidian's local graph slider stops at 5
_SWITCHES = {
    "showTags": "show_tags",
    "showAttachments": "show_attachments",
    "hideUnresolved": "hide_unresolved",
    "showOrphans": "show_orphans",
}


@dataclass(frozen=True, slots=True)
class ColorGroup:
    query: Query
    color: str  # "#rrggbb"; Obsidian's alpha is not drawn


@dataclass(frozen=True, slots=True)
class GraphSettings:
    """What graph.json says; None where it says nothing (or nothing usable)."""

    search: Query | None = None
    color_groups: tuple[ColorGroup, ...] = ()
    show_tags: bool | None = None
    show_attachments: bool | None = None
    hide_unresolved: bool | None = None
    show_orphans: bool | None = None
    local_jumps: int | None = None
    warnings: tuple[str, ...] = field(default=())

    def for_page(self) -> dict[str, Any]:
        """The settings the page shows as read, JSON-safe."""
        return {
            "search": self.search.text if self.search is not None else "",
            "colorGroups": [{"query": g.query.text, "color": g.color} for g in self.color_groups],
            "localJumps": self.local_jumps,
        }


def read_graph_settings(root: str | os.PathLike[str]) -> GraphSettings:
    """The vault's graph.json: a missing file is no settings; anything unreadable, not JSON or
    of the wrong types is a warning (in ``warnings``), and that setting is left out."""
    try:
        data = read_inside(root, GRAPH_JSON, limit=MAX_GRAPH_JSON)
    except OSError as error:
        if error.errno == errno.ENOENT:
            return GraphSettings()
        return GraphSettings(
            warnings=(f"{GRAPH_JSON}: cannot be read ({error.strerror or error})",)
        )
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return GraphSettings(warnings=(f"{GRAPH_JSON}: not JSON ({error}); ignored",))
    if not isinstance(parsed, dict):
        return GraphSettings(warnings=(f"{GRAPH_JSON}: not a JSON object; ignored",))
    return _settings(parsed)


def _settings(raw: dict[str, Any]) -> GraphSettings:
    warnings: list[str] = []

    def wrong(key: str, wanted: str) -> None:
        warnings.append(f"{GRAPH_JSON}: {key} should be {wanted}; ignored")

    switches: dict[str, bool | None] = {}
    for key, name in _SWITCHES.items():
        value = raw.get(key)
        if value is not None and not isinstance(value, bool):
            wrong(key, "true or false")
            value = None
        switches[name] = value
    jumps = raw.get("localJumps")
    if jumps is not None and (isinstance(jumps, bool) or not isinstance(jumps, int) or jumps < 0):
        wrong("localJumps", "a whole number from 0")
        jumps = None
    search = None
    text = raw.get("search")
    if text is not None and not isinstance(text, str):
        wrong("search", "text")
    elif text:
        try:
            search = parse_query(text)
        except QueryError as error:
            warnings.append(f"{GRAPH_JSON}: search {text[:80]!r} is not honoured: {error}")
    groups = _color_groups(raw.get("colorGroups"), warnings)
    return GraphSettings(
        search=search,
        color_groups=groups,
        local_jumps=None if jumps is None else min(jumps, _MAX_JUMPS),
        warnings=tuple(warnings),
        **switches,
    )


def _color_groups(raw: object, warnings: list[str]) -> tuple[ColorGroup, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        warnings.append(f"{GRAPH_JSON}: colorGroups should be a list; ignored")
        return ()
    groups = []
    for i, entry in enumerate(raw[:_MAX_GROUPS]):
        where = f"{GRAPH_JSON}: colorGroups[{i}]"
        query, color = (
            (entry.get("query"), entry.get("color")) if isinstance(entry, dict) else (None, None)
        )
        rgb = color.get("rgb") if isinstance(color, dict) else None
        if not isinstance(query, str) or isinstance(rgb, bool) or not isinstance(rgb, int):
            warnings.append(
                f'{where} should be {{"query": text, "color": {{"rgb": number}}}}; ignored'
            )
            continue
        try:
            parsed = parse_query(query)
        except QueryError as error:
            warnings.append(f"{where} {query[:80]!r} is not honoured: {error}")
            continue
        if parsed.alternatives:  # Obsidian colours nothing for an empty query either
            groups.append(ColorGroup(parsed, f"#{rgb & 0xFFFFFF:06x}"))
    if len(raw) > _MAX_GROUPS:
        warnings.append(f"{GRAPH_JSON}: only the first {_MAX_GROUPS} colorGroups are used")
    return tuple(groups)
