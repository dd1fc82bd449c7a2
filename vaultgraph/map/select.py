"""Which part of the vault graph a map shows: node kinds, a folder or tag subset, a local graph."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Any

import networkx as nx

from vaultgraph.lint.suggest import (
    Suggestion,
    closest,
    did_you_mean,
    graph_target_index,
    unknown_name,
)
from vaultgraph.map.obsidian import GRAPH_JSON
from vaultgraph.map.options import MapError, MapOptions
from vaultgraph.map.query import Query, matches
from vaultgraph.resolve import build_index, fold, resolve_name

__all__ = ["check_filters", "find_note", "select"]


def select(graph: nx.MultiDiGraph, options: MapOptions) -> nx.MultiDiGraph:
    """A new graph holding the nodes ``options`` keeps and every edge between them.

    The steps run in order: node kinds, then the folder and tag subset of notes (with the
    attachments, tags and unresolved targets those notes reach), then the nodes within ``depth``
    links of ``around``, in either direction. ``graph`` is left untouched.

    A folder or tag that no note is in or carries, filters that together keep no note, and an
    unknown ``around`` note raise ``MapError``, with the closest names where there are some:
    never a silently empty map.
    """
    kept = _by_kind(graph, options)
    if not options.orphans:
        kept = {node for node in kept if not _orphan(graph, node)}
    if options.search is not None and options.search.alternatives:
        kept = _searched(graph, kept, options.search)
    kept = _subset(graph, kept, options.folders, options.tags)
    if options.around is not None:
        centre = find_note(graph, options.around)
        if centre not in kept:
            raise MapError(f"the note {centre!r} is left out by the folder and tag filters")
        kept = _within(graph, kept, centre, options.depth)
    return _induced(graph, kept)


def find_note(graph: nx.MultiDiGraph, name: str) -> str:
    """The note ``name`` stands for, as a ``[[name]]`` link written at the vault root finds it;
    an unknown name is an error with the closest names as suggestions."""
    notes = [node for node, kind in graph.nodes(data="kind") if kind == "note"]
    found = resolve_name(build_index(notes), name).resolved
    if found is None or found not in graph:
        how = "give a note's title or its vault path"
        raise MapError(unknown_name(name, graph_target_index(graph), hint=how))
    return found


def _orphan(graph: nx.MultiDiGraph, node: str) -> bool:
    """A note no other note links to and that links to no other note (tags do not count, as
    in Obsidian's graph, where an orphan is a file with no links)."""
    if graph.nodes[node]["kind"] != "note":
        return False
    near = {*graph.successors(node), *graph.predecessors(node)} - {node}
    return not any(graph.nodes[other]["kind"] != "tag" for other in near)


def _searched(graph: nx.MultiDiGraph, kept: Set[str], query: Query) -> set[str]:
    """The notes and attachments ``query`` matches, and the tags and targets those notes reach."""
    found = {
        node
        for node in kept
        if graph.nodes[node]["kind"] in ("note", "attachment")
        and matches(query, node, graph.nodes[node].get("tags", ()))
    }
    if not any(graph.nodes[node]["kind"] == "note" for node in found):
        raise MapError(
            f"the search {query.text!r} of {GRAPH_JSON} matches no note"
            " (--no-obsidian-settings ignores it)"
        )
    reached = {
        target
        for note in found
        for target in graph.successors(note)
        if target in kept and graph.nodes[target]["kind"] in ("tag", "unresolved")
    }
    return found | reached


def _induced(graph: nx.MultiDiGraph, kept: Set[str]) -> nx.MultiDiGraph:
    """The subgraph on ``kept`` as a new graph sharing no attribute with ``graph``.

    Built edge by edge: ``graph.subgraph(kept).copy()`` is ten times slower on a large vault.
    """
    copy = nx.MultiDiGraph()
    copy.add_nodes_from(
        (node, _copied(attrs)) for node, attrs in graph.nodes(data=True) if node in kept
    )
    copy.add_edges_from(
        (source, target, key, _copied(attrs))
        for source, target, key, attrs in graph.edges(keys=True, data=True)
        if source in kept and target in kept
    )
    return copy


def _copied(attrs: Mapping[str, Any]) -> dict[str, Any]:
    # Attributes are JSON-safe scalars and lists of scalars (docs/graph-schema.md).
    return {
        name: list(value) if isinstance(value, list) else value for name, value in attrs.items()
    }


def _by_kind(graph: nx.MultiDiGraph, options: MapOptions) -> set[str]:
    shown = {
        "note": True,
        "tag": options.tags_as_nodes,
        "attachment": options.attachments,
        "unresolved": options.unresolved,
    }
    return {node for node, kind in graph.nodes(data="kind") if shown.get(kind, True)}


def _subset(
    graph: nx.MultiDiGraph, kept: Set[str], folders: Sequence[str], tags: Sequence[str]
) -> set[str]:
    folder_keys = tuple(fold(folder.strip("/")) for folder in folders)
    tag_keys = tuple(fold(tag.lstrip("#")) for tag in tags)
    if not folder_keys and not tag_keys:
        return set(kept)
    check_filters(graph, folders, tags)
    notes = {
        node
        for node in kept
        if graph.nodes[node]["kind"] == "note"
        and (not folder_keys or _in_folder(graph.nodes[node]["folder"], folder_keys))
        and (not tag_keys or _has_tag(graph.nodes[node]["tags"], tag_keys))
    }
    if not notes:  # each filter keeps notes (checked above): the folders' have none of the tags
        raise MapError(f"no note in --folder {_either(folders)} has --tag {_either(tags)}")
    reached = {
        target
        for note in notes
        for target in graph.successors(note)
        if target in kept and graph.nodes[target]["kind"] != "note"
    }
    return notes | reached


def check_filters(graph: nx.MultiDiGraph, folders: Iterable[str], tags: Iterable[str]) -> None:
    """Raise ``MapError`` naming each of ``folders`` no note is in and each of ``tags`` no note
    carries (subfolders and nested tags count, as they do in the map), with the vault's folders
    or tags closest to it: ``--folder "Concpts" matches no folder of the vault (did you mean
    "Concepts"?)``."""
    notes = [attrs for _, attrs in graph.nodes(data=True) if attrs["kind"] == "note"]
    missing = []
    for folder in folders:
        key = fold(folder.strip("/"))
        if not any(_in_folder(attrs["folder"], (key,)) for attrs in notes):
            near = closest(folder.strip("/"), _with_parents(attrs["folder"] for attrs in notes))
            hint = did_you_mean([Suggestion(found) for found in near])
            missing.append(f'--folder "{folder}" matches no folder of the vault{hint}')
    for tag in tags:
        if not any(_has_tag(attrs["tags"], (fold(tag.lstrip("#")),)) for attrs in notes):
            near = closest(tag, _with_parents(t for attrs in notes for t in attrs["tags"]))
            mark = "#" if tag.startswith("#") else ""  # suggested as it was typed
            hint = did_you_mean([Suggestion(mark + found) for found in near])
            missing.append(f'--tag "{tag}" matches no tag of the vault{hint}')
    if missing:
        raise MapError("; ".join(missing))


def _with_parents(names: Iterable[str]) -> set[str]:
    """Each of ``names`` (folders, tags: ``a/b/c``) with its parents (``a/b``, ``a``)."""
    found: set[str] = set()
    for name in names:
        parts = name.split("/")
        found.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    found.discard("")
    return found


def _either(values: Sequence[str]) -> str:
    return " or ".join(f'"{value}"' for value in values)


def _in_folder(folder: str, wanted: tuple[str, ...]) -> bool:
    key = fold(folder)
    return any(not w or key == w or key.startswith(w + "/") for w in wanted)


def _has_tag(tags: Iterable[str], wanted: tuple[str, ...]) -> bool:
    # A nested tag belongs to its parents, as in Obsidian's tag search: #aws finds #aws/ecs.
    return any(tag == w or tag.startswith(w + "/") for tag in tags for w in wanted)


def _within(graph: nx.MultiDiGraph, kept: Set[str], centre: str, depth: int) -> set[str]:
    """Nodes of ``kept`` at most ``depth`` steps from ``centre``, edges taken both ways."""
    seen = {centre}
    queue = deque([(centre, 0)])
    while queue:
        node, distance = queue.popleft()
        if distance == depth:
            continue
        for other in (*graph.successors(node), *graph.predecessors(node)):
            if other in kept and other not in seen:
                seen.add(other)
                queue.append((other, distance + 1))
    return seen
