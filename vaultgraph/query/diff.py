"""What a vault's graph gained and lost between two revisions: ``vaultgraph diff``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from vaultgraph.graph import orphan_notes
from vaultgraph.query.snapshot import Snapshot
from vaultgraph.resolve import fold

__all__ = [
    "Breakage",
    "BrokenLink",
    "GraphDiff",
    "LinkEdge",
    "Renamed",
    "Unresolved",
    "compare",
]

_FILES = ("note", "attachment")


@dataclass(frozen=True, slots=True)
class Renamed:
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class LinkEdge:
    """Links (or embeds) from one note to one file or unresolved target."""

    source: str
    target: str  # the file's path, or the target as written when nothing matches it
    resolved: bool
    kind: str  # ``link`` or ``embed``


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link that found a file at the old revision and finds none at the new one."""

    source: str
    line: int
    column: int
    written: str
    edited: bool  # the note that writes it changed too; False: the change was elsewhere


@dataclass(frozen=True, slots=True)
class Breakage:
    """The links that lost the file they reached, grouped by that file."""

    target: str  # the file at the old revision
    renamed_to: str | None
    removed: bool  # gone without a rename; False with no rename: still there, out of reach
    links: tuple[BrokenLink, ...]


@dataclass(frozen=True, slots=True)
class Unresolved:
    target: str  # as first written
    notes: int  # notes linking to it, at the revision that has it


@dataclass(frozen=True, slots=True)
class GraphDiff:
    """Two revisions' graphs compared, renames followed: a renamed file is not added and lost."""

    old: str
    new: str
    notes_added: tuple[str, ...]
    notes_removed: tuple[str, ...]
    attachments_added: tuple[str, ...]
    attachments_removed: tuple[str, ...]
    renamed: tuple[Renamed, ...]
    links_added: tuple[LinkEdge, ...]
    links_removed: tuple[LinkEdge, ...]
    broken: tuple[Breakage, ...]
    unresolved_added: tuple[Unresolved, ...]
    unresolved_removed: tuple[Unresolved, ...]
    orphans_added: tuple[str, ...]
    orphans_removed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not any(
            getattr(self, name) for name in self.__dataclass_fields__ if name not in ("old", "new")
        )


def compare(old: Snapshot, new: Snapshot) -> GraphDiff:
    """Compare the graphs of two snapshots of one vault.

    A file gone from one path is renamed to a new path holding the same bytes or, failing that,
    the only new file with the same name. Links are compared per note, target and kind, with
    renamed files under their new paths; links into the note itself are left out. A broken
    link is one that resolved at ``old`` and resolves to nothing at ``new``, matched by the note
    that writes it and the target as written.
    """
    before, after = old.vault.graph, new.vault.graph
    old_files, new_files = _files(before), _files(after)
    renames = _renames(old, new, old_files - new_files, new_files - old_files)
    moved = {r.old: r.new for r in renames}
    old_edges = {_mapped(edge, moved) for edge in _edges(before)}
    new_edges = set(_edges(after))
    old_unresolved = _unresolved(before)
    new_unresolved = _unresolved(after)
    old_orphans = {moved.get(path, path) for path in orphan_notes(before)}
    new_orphans = set(orphan_notes(after))
    gone = old_files - new_files - moved.keys()
    came = new_files - old_files - set(moved.values())
    return GraphDiff(
        old=old.label,
        new=new.label,
        notes_added=_of_kind(after, came, "note"),
        notes_removed=_of_kind(before, gone, "note"),
        attachments_added=_of_kind(after, came, "attachment"),
        attachments_removed=_of_kind(before, gone, "attachment"),
        renamed=renames,
        links_added=_described(after, new_edges - old_edges),
        links_removed=_described(before, old_edges - new_edges, moved),
        broken=_broken(old, new, moved, gone),
        unresolved_added=_only_in(new_unresolved, old_unresolved),
        unresolved_removed=_only_in(old_unresolved, new_unresolved),
        orphans_added=tuple(sorted(new_orphans - old_orphans)),
        orphans_removed=tuple(sorted(old_orphans - new_orphans)),
    )


def _files(graph: nx.MultiDiGraph) -> set[str]:
    return {node for node, kind in graph.nodes(data="kind") if kind in _FILES}


def _of_kind(graph: nx.MultiDiGraph, paths: Iterable[str], kind: str) -> tuple[str, ...]:
    return tuple(sorted(path for path in paths if graph.nodes[path]["kind"] == kind))


def _renames(old: Snapshot, new: Snapshot, gone: set[str], came: set[str]) -> tuple[Renamed, ...]:
    pairs: dict[str, str] = {}
    by_digest: defaultdict[bytes, list[str]] = defaultdict(list)
    for path in sorted(came):
        if path in new.digests:
            by_digest[new.digests[path]].append(path)
    for path in sorted(gone):
        same = by_digest.get(old.digests.get(path, b""), [])
        if same:
            pairs[path] = same.pop(0)
    left_gone = _by_name(gone - pairs.keys())
    left_came = _by_name(came - set(pairs.values()))
    for name, paths in left_gone.items():
        if len(paths) == 1 and len(left_came.get(name, ())) == 1:
            pairs[paths[0]] = left_came[name][0]
    return tuple(Renamed(a, b) for a, b in sorted(pairs.items()))


def _by_name(paths: Iterable[str]) -> dict[str, list[str]]:
    named: defaultdict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):
        named[fold(path.rsplit("/", 1)[-1])].append(path)
    return named


_Edge = tuple[str, str, str]  # source, target node, kind


def _edges(graph: nx.MultiDiGraph) -> Iterable[_Edge]:
    for source, target, kind in graph.edges(data="kind"):
        if kind in ("link", "embed") and source != target:
            yield source, target, kind


def _mapped(edge: _Edge, moved: Mapping[str, str]) -> _Edge:
    source, target, kind = edge
    return moved.get(source, source), moved.get(target, target), kind


def _described(
    graph: nx.MultiDiGraph, edges: Iterable[_Edge], moved: Mapping[str, str] | None = None
) -> tuple[LinkEdge, ...]:
    # Edges of the old graph come with renamed files under their new paths: show the old ones.
    back = {new: old for old, new in (moved or {}).items()}
    described = []
    for source, target, kind in edges:
        node = back.get(target, target)
        attrs = graph.nodes[node]
        resolved = attrs["kind"] in _FILES
        shown = node if resolved else attrs["target"]
        described.append(LinkEdge(back.get(source, source), shown, resolved, kind))
    return tuple(sorted(described, key=lambda e: (e.source, e.target, e.kind)))


def _unresolved(graph: nx.MultiDiGraph) -> dict[str, Unresolved]:
    return {
        node: Unresolved(attrs["target"], len({source for source, _ in graph.in_edges(node)}))
        for node, attrs in graph.nodes(data=True)
        if attrs["kind"] == "unresolved"
    }


def _only_in(
    these: Mapping[str, Unresolved], those: Mapping[str, Unresolved]
) -> tuple[Unresolved, ...]:
    return tuple(these[node] for node in sorted(these.keys() - those.keys()))


def _broken(
    old: Snapshot, new: Snapshot, moved: Mapping[str, str], gone: set[str]
) -> tuple[Breakage, ...]:
    reached = {
        (link.source, fold(link.link.target)): link.resolved
        for link in old.vault.links
        if link.link.target and link.resolved is not None
    }
    back = {b: a for a, b in moved.items()}
    lost: defaultdict[str, list[BrokenLink]] = defaultdict(list)
    for link in new.vault.links:
        if link.resolved is not None or not link.link.target:
            continue
        source_then = back.get(link.source, link.source)
        target_then = reached.get((source_then, fold(link.link.target)))
        if target_then is None:
            continue
        edited = old.digests.get(source_then) != new.digests.get(link.source)
        lost[target_then].append(
            BrokenLink(link.source, link.link.line, link.link.column, link.link.raw, edited)
        )
    return tuple(
        Breakage(target, moved.get(target), target in gone, tuple(links))
        for target, links in sorted(lost.items())
    )
