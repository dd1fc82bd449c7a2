"""Counts and rankings of a vault graph: ``vaultgraph stats``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from vaultgraph.attachments import Unused, format_size
from vaultgraph.graph import orphan_notes
from vaultgraph.query.notegraph import file_graph, note_graph
from vaultgraph.query.rank import pagerank
from vaultgraph.terminal import json_text, visible_lines

__all__ = [
    "FORMATS",
    "Format",
    "Ranked",
    "UnresolvedTarget",
    "UnusedAttachments",
    "VaultStats",
    "render",
    "vault_stats",
]

Format = Literal["text", "json"]


@dataclass(frozen=True, slots=True)
class Ranked:
    """A note and the number it is ranked by."""

    path: str
    value: float


@dataclass(frozen=True, slots=True)
class UnresolvedTarget:
    """A link target no file matches, and how often it is wanted."""

    target: str  # as first written
    notes: int  # notes that link to it
    references: int  # links and embeds to it


@dataclass(frozen=True, slots=True)
class VaultStats:
    """What ``vaultgraph stats`` reports; every count is over the whole vault."""

    notes: int  # readable and unreadable .md files
    unreadable: int
    attachments: int
    tags: int  # distinct tags, compared case-insensitively
    links: int  # link references, written anywhere (self-links and unresolved ones too)
    embeds: int
    unresolved_references: int  # links and embeds that resolve to nothing
    unresolved_targets: int  # distinct targets they name
    orphans: tuple[str, ...]  # notes no resolved link or embed joins to another file
    dead_ends: tuple[str, ...]  # notes with no resolved link or embed to another file
    components: int  # weakly connected components of notes and attachments
    largest_component: int  # files in the biggest one
    top_linked: tuple[Ranked, ...]  # by the number of other notes linking in
    top_pagerank: tuple[Ranked, ...]
    top_unresolved: tuple[UnresolvedTarget, ...]
    # The attachments nothing uses, largest first (``top`` of them), and their count and bytes;
    # None when they were not asked for.
    unused: UnusedAttachments | None = None


@dataclass(frozen=True, slots=True)
class UnusedAttachments:
    """How many attachments nothing uses, their bytes, and the largest of them."""

    count: int
    size: int  # bytes, of those whose size could be read
    largest: tuple[Unused, ...]


def vault_stats(
    graph: nx.MultiDiGraph, *, top: int = 10, unused: Sequence[Unused] | None = None
) -> VaultStats:
    """Count the vault graph's nodes and edges, and rank its notes; ``top`` caps each ranking.

    ``unused`` are the vault's unused attachments
    (:func:`vaultgraph.attachments.unused_attachments`, which needs the vault, not only its
    graph): counted, and the largest ranked; ``None`` leaves them out.

    Components are those of the files (notes and attachments) joined by resolved links and
    embeds, directions ignored. In-links count the other notes that link to or embed a note.
    PageRank runs on the note-to-note graph with parallel links collapsed into one edge, so
    writing ``[[B]]`` ten times weighs as much as writing it once.
    """
    kinds = dict(graph.nodes(data="kind"))
    notes = [node for node, kind in kinds.items() if kind == "note"]
    references = {"link": 0, "embed": 0}
    unresolved_refs = 0
    for _, target, attrs in graph.edges(data=True):
        if attrs["kind"] in references:
            references[attrs["kind"]] += attrs["count"]
            if kinds[target] == "unresolved":
                unresolved_refs += attrs["count"]
    files = file_graph(graph)
    components = [len(c) for c in nx.weakly_connected_components(files)]
    notes_only = note_graph(graph)
    return VaultStats(
        notes=len(notes),
        unreadable=sum(1 for node in notes if graph.nodes[node]["unreadable"]),
        attachments=sum(1 for kind in kinds.values() if kind == "attachment"),
        tags=sum(1 for kind in kinds.values() if kind == "tag"),
        links=references["link"],
        embeds=references["embed"],
        unresolved_references=unresolved_refs,
        unresolved_targets=sum(1 for kind in kinds.values() if kind == "unresolved"),
        orphans=tuple(orphan_notes(graph)),
        dead_ends=tuple(
            node
            for node in notes
            if not graph.nodes[node]["unreadable"] and files.out_degree(node) == 0
        ),
        components=len(components),
        largest_component=max(components, default=0),
        top_linked=_top(
            {node: notes_only.in_degree(node) for node in notes_only}, top, keep_zero=False
        ),
        top_pagerank=_top(pagerank(notes_only), top, keep_zero=True),
        top_unresolved=_top_unresolved(graph, top),
        unused=None if unused is None else _unused(unused, top),
    )


def _unused(unused: Sequence[Unused], top: int) -> UnusedAttachments:
    largest = sorted(unused, key=lambda u: (-(u.size or 0), u.path))[:top]
    total = sum(u.size or 0 for u in unused)
    return UnusedAttachments(len(unused), total, tuple(largest))


def _top(values: Mapping[str, float], top: int, *, keep_zero: bool) -> tuple[Ranked, ...]:
    # Rounded for the order, so float noise never decides a tie: the path does.
    ranked = sorted(values.items(), key=lambda item: (-round(item[1], 12), item[0]))
    return tuple(Ranked(node, value) for node, value in ranked[:top] if keep_zero or value)


def _top_unresolved(graph: nx.MultiDiGraph, top: int) -> tuple[UnresolvedTarget, ...]:
    wanted = [
        UnresolvedTarget(
            target=attrs["target"],
            notes=len({source for source, _ in graph.in_edges(node)}),
            references=sum(count for _, _, count in graph.in_edges(node, data="count")),
        )
        for node, attrs in graph.nodes(data=True)
        if attrs["kind"] == "unresolved"
    ]
    wanted.sort(key=lambda t: (-t.notes, -t.references, t.target.casefold(), t.target))
    return tuple(wanted[:top])


def _text(stats: VaultStats) -> str:
    rows = [
        ("Notes", stats.notes, f"{stats.unreadable} unreadable" if stats.unreadable else ""),
        ("Attachments", stats.attachments, ""),
        ("Tags", stats.tags, ""),
        ("Links", stats.links, ""),
        ("Embeds", stats.embeds, ""),
        (
            "Unresolved targets",
            stats.unresolved_targets,
            _count(stats.unresolved_references, "reference"),
        ),
        ("Orphans", len(stats.orphans), _listed(stats.orphans)),
        ("Dead ends", len(stats.dead_ends), _listed(stats.dead_ends)),
        ("Components", stats.components, f"largest: {_count(stats.largest_component, 'file')}"),
    ]
    if stats.unused is not None:
        size = format_size(stats.unused.size) if stats.unused.count else ""
        rows.insert(2, ("Unused attachments", stats.unused.count, size))
    lines = [
        f"{label:<20}{value:>6}" + (f"  ({note})" if note else "") for label, value, note in rows
    ]
    lines += _section("Most linked notes (other notes linking in)", stats.top_linked, "{:.0f}")
    lines += _section("Highest PageRank", stats.top_pagerank, "{:.4f}")
    if stats.unused is not None and stats.unused.largest:
        largest = stats.unused.largest
        shown = [(format_size(u.size) if u.size is not None else "?", u.path) for u in largest]
        width = max(len(size) for size, _ in shown)
        lines += ["", "Largest unused attachments"]
        lines += [f"  {size:>{width}}  {path}" for size, path in shown]
    if stats.top_unresolved:
        lines += ["", "Most wanted unresolved targets"]
        lines += [
            f"  {_count(t.notes, 'note')}, {_count(t.references, 'reference')}: {t.target}"
            for t in stats.top_unresolved
        ]
    return visible_lines(lines)


def _section(title: str, ranked: Iterable[Ranked], number: str) -> list[str]:
    shown = [(number.format(r.value), r.path) for r in ranked]
    if not shown:
        return []
    width = max(len(value) for value, _ in shown)
    return ["", title, *(f"  {value:>{width}}  {path}" for value, path in shown)]


def _listed(paths: tuple[str, ...], limit: int = 5) -> str:
    more = f", and {len(paths) - limit} more" if len(paths) > limit else ""
    return ", ".join(paths[:limit]) + more


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _json(stats: VaultStats) -> str:
    data: dict[str, Any] = {
        "notes": stats.notes,
        "unreadable": stats.unreadable,
        "attachments": stats.attachments,
        "tags": stats.tags,
        "links": stats.links,
        "embeds": stats.embeds,
        "unresolved_references": stats.unresolved_references,
        "unresolved_targets": stats.unresolved_targets,
        "orphans": list(stats.orphans),
        "dead_ends": list(stats.dead_ends),
        "components": stats.components,
        "largest_component": stats.largest_component,
        "top_linked": [{"path": r.path, "notes": int(r.value)} for r in stats.top_linked],
        "top_pagerank": [{"path": r.path, "pagerank": r.value} for r in stats.top_pagerank],
        "top_unresolved": [
            {"target": t.target, "notes": t.notes, "references": t.references}
            for t in stats.top_unresolved
        ],
    }
    if stats.unused is not None:
        data["unused_attachments"] = {
            "count": stats.unused.count,
            "bytes": stats.unused.size,
            "largest": [{"path": u.path, "bytes": u.size} for u in stats.unused.largest],
        }
    return json_text(data)


FORMATS: dict[str, Callable[[VaultStats], str]] = {"text": _text, "json": _json}


def render(stats: VaultStats, fmt: Format) -> str:
    return FORMATS[fmt](stats)
