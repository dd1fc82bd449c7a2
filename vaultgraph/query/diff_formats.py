"""``vaultgraph diff``'s output: text, a Markdown pull-request comment, or JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from vaultgraph.mdwrite import code_span
from vaultgraph.query.diff import Breakage, BrokenLink, GraphDiff, LinkEdge
from vaultgraph.terminal import json_text, visible_lines

__all__ = ["FORMATS", "Format", "render"]

Format = Literal["text", "markdown", "json"]

# Past this many entries, a Markdown section folds into <details> to keep the comment short.
_FOLD_AFTER = 10


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _summary(d: GraphDiff) -> list[tuple[str, int, int, str]]:
    """(what, added, removed, extra) rows of the overview."""
    return [
        ("Notes", len(d.notes_added), len(d.notes_removed), f"{len(d.renamed)} renamed"),
        ("Attachments", len(d.attachments_added), len(d.attachments_removed), ""),
        ("Links", len(d.links_added), len(d.links_removed), ""),
        ("Unresolved targets", len(d.unresolved_added), len(d.unresolved_removed), ""),
        ("Orphans", len(d.orphans_added), len(d.orphans_removed), ""),
    ]


def _edge(e: LinkEdge) -> str:
    target = e.target if e.resolved else f'"{e.target}" (unresolved)'
    return f"{e.source} -> {target}{' (embed)' if e.kind == 'embed' else ''}"


def _fate(b: Breakage) -> str:
    if b.renamed_to is not None:
        return f"renamed to {b.renamed_to}"
    return "removed" if b.removed else "out of reach"


def _broken_line(link: BrokenLink) -> str:
    edited = " (the note changed too)" if link.edited else ""
    return f"{link.source}:{link.line}:{link.column}: {link.written}{edited}"


def _sections(d: GraphDiff) -> list[tuple[str, list[str]]]:
    """Each non-empty section's title and its entries, as plain text."""
    broken = [
        entry
        for b in d.broken
        for entry in (
            f"{b.target} ({_fate(b)}) broke {_count(len(b.links), 'link')} "
            f"in {_count(len({link.source for link in b.links}), 'note')}:",
            *(f"  {_broken_line(link)}" for link in b.links),
        )
    ]
    sections = [
        ("Broken links", broken),
        ("Renamed", [f"{r.old} -> {r.new}" for r in d.renamed]),
        ("Notes added", list(d.notes_added)),
        ("Notes removed", list(d.notes_removed)),
        ("Attachments added", list(d.attachments_added)),
        ("Attachments removed", list(d.attachments_removed)),
        ("Links added", [_edge(e) for e in d.links_added]),
        ("Links removed", [_edge(e) for e in d.links_removed]),
        (
            "New unresolved targets",
            [f"{u.target} ({_count(u.notes, 'note')})" for u in d.unresolved_added],
        ),
        ("Unresolved targets gone", [u.target for u in d.unresolved_removed]),
        ("New orphans", list(d.orphans_added)),
        ("No longer orphans", list(d.orphans_removed)),
    ]
    return [(title, entries) for title, entries in sections if entries]


def _text(d: GraphDiff) -> str:
    lines = [f"Graph changes from {d.old} to {d.new}"]
    if d.empty:
        return visible_lines([*lines, "No changes to the graph."])
    for what, added, removed, extra in _summary(d):
        lines.append(f"  {what + ':':<20}+{added} -{removed}" + (f", {extra}" if extra else ""))
    for title, entries in _sections(d):
        lines += ["", title]
        lines += [f"  {entry}" for entry in entries]
    return visible_lines(lines)


def _md_edge(e: LinkEdge) -> str:
    target = code_span(e.target) if e.resolved else f"{code_span(e.target)} (unresolved)"
    return f"{code_span(e.source)} → {target}{' (embed)' if e.kind == 'embed' else ''}"


def _md_sections(d: GraphDiff) -> list[tuple[str, list[str]]]:
    broken = []
    for b in d.broken:
        fate = f"renamed to {code_span(b.renamed_to)}" if b.renamed_to else _fate(b)
        notes = len({link.source for link in b.links})
        broken.append(
            f"{code_span(b.target)} ({fate}) broke {_count(len(b.links), 'link')} in "
            f"{_count(notes, 'note')}:"
        )
        broken += [
            f"  - {code_span(link.source)} line {link.line}: {code_span(link.written)}"
            + (" (the note changed too)" if link.edited else "")
            for link in b.links
        ]
    sections = [
        ("⚠️ Broken links", broken),
        ("Renamed", [f"{code_span(r.old)} → {code_span(r.new)}" for r in d.renamed]),
        ("Notes added", [code_span(p) for p in d.notes_added]),
        ("Notes removed", [code_span(p) for p in d.notes_removed]),
        ("Attachments added", [code_span(p) for p in d.attachments_added]),
        ("Attachments removed", [code_span(p) for p in d.attachments_removed]),
        ("Links added", [_md_edge(e) for e in d.links_added]),
        ("Links removed", [_md_edge(e) for e in d.links_removed]),
        (
            "New unresolved targets",
            [f"{code_span(u.target)} ({_count(u.notes, 'note')})" for u in d.unresolved_added],
        ),
        ("Unresolved targets gone", [code_span(u.target) for u in d.unresolved_removed]),
        ("New orphans", [code_span(p) for p in d.orphans_added]),
        ("No longer orphans", [code_span(p) for p in d.orphans_removed]),
    ]
    return [(title, entries) for title, entries in sections if entries]


def _markdown(d: GraphDiff) -> str:
    lines = [f"### Vault graph: {code_span(d.old)} → {code_span(d.new)}", ""]
    if d.empty:
        return visible_lines([*lines, "No changes to the graph."])
    lines += ["| | added | removed |", "| --- | ---: | ---: |"]
    for what, added, removed, extra in _summary(d):
        lines.append(f"| {what}{f' ({extra})' if extra else ''} | {added} | {removed} |")
    for title, entries in _md_sections(d):
        items = [entry if entry.startswith("  ") else f"- {entry}" for entry in entries]
        count = sum(1 for entry in entries if not entry.startswith("  "))
        if count > _FOLD_AFTER:
            lines += [
                "",
                f"<details><summary>{title} ({count})</summary>",
                "",
                *items,
                "",
                "</details>",
            ]
        else:
            lines += ["", f"#### {title}", "", *items]
    return visible_lines(lines)


def _json(d: GraphDiff) -> str:
    data: dict[str, Any] = {
        "from": d.old,
        "to": d.new,
        "notes": {"added": list(d.notes_added), "removed": list(d.notes_removed)},
        "attachments": {
            "added": list(d.attachments_added),
            "removed": list(d.attachments_removed),
        },
        "renamed": [{"from": r.old, "to": r.new} for r in d.renamed],
        "links": {
            "added": [_edge_data(e) for e in d.links_added],
            "removed": [_edge_data(e) for e in d.links_removed],
        },
        "broken": [
            {
                "target": b.target,
                "renamed_to": b.renamed_to,
                "removed": b.removed,
                "links": [
                    {
                        "source": link.source,
                        "line": link.line,
                        "column": link.column,
                        "written": link.written,
                        "edited": link.edited,
                    }
                    for link in b.links
                ],
            }
            for b in d.broken
        ],
        "unresolved": {
            "added": [{"target": u.target, "notes": u.notes} for u in d.unresolved_added],
            "removed": [{"target": u.target, "notes": u.notes} for u in d.unresolved_removed],
        },
        "orphans": {"added": list(d.orphans_added), "removed": list(d.orphans_removed)},
    }
    return json_text(data)


def _edge_data(e: LinkEdge) -> dict[str, Any]:
    return {"source": e.source, "target": e.target, "resolved": e.resolved, "kind": e.kind}


FORMATS: dict[str, Callable[[GraphDiff], str]] = {
    "text": _text,
    "markdown": _markdown,
    "json": _json,
}


def render(diff: GraphDiff, fmt: Format) -> str:
    return FORMATS[fmt](diff)
