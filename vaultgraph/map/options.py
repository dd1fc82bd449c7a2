"""The options of a map, with their defaults in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from vaultgraph.map.obsidian import ColorGroup, GraphSettings
    from vaultgraph.map.query import Query

__all__ = ["COLOR_BY", "ColorBy", "MapError", "MapOptions"]

ColorBy = Literal["folder", "tag", "community"]
COLOR_BY: tuple[ColorBy, ...] = get_args(ColorBy)


class MapError(Exception):
    """The map cannot be drawn as asked; the message says what to change."""


@dataclass(frozen=True, slots=True)
class MapOptions:
    """What a map shows and how it colours it. The defaults draw the whole graph.

    ``folders`` and ``tags`` keep the notes in any of the folders (with their subfolders) that
    carry any of the tags (with their nested tags); empty keeps every note. ``around`` is a note
    title or path, found the way a ``[[link]]`` at the vault root finds it. ``orphans`` false
    drops notes with no link either way; ``search`` keeps the notes it matches (with what they
    reach); ``color_groups`` colour the notes they match, the first match winning, as Obsidian's
    graph view does; ``obsidian`` is the graph.json they came from, shown by the page.
    """

    tags_as_nodes: bool = True
    attachments: bool = True
    unresolved: bool = True
    folders: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    around: str | None = None
    depth: int = 1
    color_by: ColorBy = "folder"
    orphans: bool = True
    search: Query | None = None
    color_groups: tuple[ColorGroup, ...] = ()
    obsidian: GraphSettings | None = None
