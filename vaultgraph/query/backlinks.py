"""Linked and unlinked mentions of a note, and the links it writes: ``backlinks`` and ``links``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from vaultgraph.model import Link, LinkKind, LinkSyntax
from vaultgraph.query.mentions import find_names, line_text, name_key, names_pattern
from vaultgraph.resolve import ResolvedLink, resolve_link
from vaultgraph.terminal import json_text, visible_lines

if TYPE_CHECKING:
    from vaultgraph.vault import Vault

__all__ = ["FORMATS", "Format", "Mention", "MentionReport", "incoming", "outgoing", "render"]

Format = Literal["text", "json"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A place in one note that refers to another, with the line it stands on."""

    source: str  # the note the reference is written in
    target: str | None  # the file it refers to; None for a link that resolves to nothing
    line: int
    column: int | None  # None for a mention markdown-it rewrote (escapes, entities)
    text: str  # the whole source line, stripped
    written: str  # the link as written (``[[Docker]]``), or the words that name the note
    kind: str  # ``link``, ``embed`` or ``mention`` (plain text, no link)


@dataclass(frozen=True, slots=True)
class MentionReport:
    """The answer to ``backlinks NOTE`` (``incoming``) or ``links NOTE``."""

    note: str
    incoming: bool
    linked: tuple[Mention, ...]
    unlinked: tuple[Mention, ...] | None  # None when they were not asked for


def incoming(vault: Vault, note: str, *, unlinked: bool = False) -> MentionReport:
    """Links and embeds in other notes that resolve to ``note`` (a vault path), as Obsidian's
    backlinks pane lists them; with ``unlinked``, also the plain-text occurrences of its title
    and aliases in other notes."""
    texts = _Texts(vault)
    linked = [
        _linked(texts, resolved)
        for resolved in vault.links
        if resolved.resolved == note and resolved.source != note
    ]
    found = None
    if unlinked:
        attrs = vault.graph.nodes[note]
        names = [attrs["title"], *attrs.get("aliases", ())]
        found = _unlinked_in_others(vault, texts, note, names)
    return MentionReport(note, True, _sorted(linked), found)


def outgoing(vault: Vault, note: str, *, unlinked: bool = False) -> MentionReport:
    """The links and embeds written in ``note``, each with the file it resolves to; with
    ``unlinked``, also the plain-text occurrences in ``note`` of other notes' titles and aliases,
    a title going to the note a link written there would open."""
    texts = _Texts(vault)
    linked = [_linked(texts, resolved) for resolved in vault.links if resolved.source == note]
    found = _unlinked_in_note(vault, texts, note) if unlinked else None
    return MentionReport(note, False, _sorted(linked), found)


class _Texts:
    """Notes' lines, each file read once in a query, as the parser read it."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self._read: dict[str, list[str] | None] = {}

    def text(self, path: str) -> str | None:
        lines = self.lines(path)
        return None if lines is None else "\n".join(lines)

    def lines(self, path: str) -> list[str] | None:
        if path not in self._read:
            self._read[path] = self._vault.lines(path)
        return self._read[path]


def _linked(texts: _Texts, resolved: ResolvedLink) -> Mention:
    link = resolved.link
    return Mention(
        source=resolved.source,
        target=resolved.resolved,
        line=link.line,
        column=link.column,
        text=line_text(texts.lines(resolved.source) or [], link.line),
        written=link.raw,
        kind=str(link.kind),
    )


def _unlinked_in_others(
    vault: Vault, texts: _Texts, note: str, names: Sequence[str]
) -> tuple[Mention, ...]:
    pattern = names_pattern(names)
    if pattern is None:
        return ()
    targets = {name_key(name): (note,) for name in names if name.strip()}
    # A note that holds none of the names' first words cannot mention them: skip its parse.
    first_words = {key.split(" ")[0] for key in targets}
    found: list[Mention] = []
    for path in sorted(vault.notes):
        text = texts.text(path) if path != note else None
        if text is None:
            continue
        folded = name_key(text)
        if any(word in folded for word in first_words):
            found += _mentions(texts, path, text, pattern, targets)
    return _sorted(found)


def _unlinked_in_note(vault: Vault, texts: _Texts, note: str) -> tuple[Mention, ...]:
    text = texts.text(note)
    if text is None:
        return ()
    index = vault.index
    titles: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    spellings: set[str] = set()  # as written: casefolding first would lose ``ß`` to ``ss``
    for path in [*vault.notes, *vault.unreadable]:
        title = vault.graph.nodes[path]["title"]
        spellings.update((title, *vault.graph.nodes[path].get("aliases", ())))
        if name_key(title) not in titles:
            link = Link(LinkKind.LINK, LinkSyntax.WIKI, f"[[{title}]]", title, None, None, 1, 1)
            chosen = resolve_link(index, note, link, vault.notes).resolved
            titles[name_key(title)] = chosen or path
        for alias in vault.graph.nodes[path].get("aliases", ()):
            aliases.setdefault(name_key(alias), set()).add(path)
    # A title names the note a link written here would open; an alias only a name no title has.
    targets = {key: {path} for key, path in titles.items()}
    for key, owners in aliases.items():
        targets.setdefault(key, owners)
    wanted = {key: tuple(sorted(paths - {note})) for key, paths in targets.items()}
    wanted = {key: paths for key, paths in wanted.items() if paths}
    pattern = names_pattern(name for name in spellings if name_key(name) in wanted)
    return _mentions(texts, note, text, pattern, wanted) if pattern is not None else ()


def _mentions(
    texts: _Texts,
    path: str,
    text: str,
    pattern: re.Pattern[str],
    targets: Mapping[str, tuple[str, ...]],
) -> tuple[Mention, ...]:
    lines = texts.lines(path) or []
    return tuple(
        Mention(
            path,
            target,
            match.line,
            match.column,
            line_text(lines, match.line),
            match.matched,
            "mention",
        )
        for match in find_names(text, pattern)
        for target in targets.get(match.key, ())
    )


def _sorted(mentions: Iterable[Mention]) -> tuple[Mention, ...]:
    return tuple(sorted(mentions, key=lambda m: (m.source, m.line, m.column or 0, m.target or "")))


def _text(report: MentionReport) -> str:
    if report.incoming:
        lines = [f"Linked mentions of {report.note}: {_spread(report.linked)}"]
        lines += [_where(m) + m.text for m in report.linked]
    else:
        unresolved = sum(1 for m in report.linked if m.target is None)
        lines = [f"Links from {report.note}: {len(report.linked)} ({unresolved} unresolved)"]
        lines += [_where(m) + f"{m.written} -> {m.target or '(unresolved)'}" for m in report.linked]
    if report.unlinked is not None:
        lines += ["", f"Unlinked mentions: {_spread(report.unlinked)}"]
        for m in report.unlinked:
            lines.append(_where(m) + (m.text if report.incoming else f"{m.written} -> {m.target}"))
    return visible_lines(lines)


def _where(m: Mention) -> str:
    column = f"{m.column}:" if m.column is not None else ""
    return f"{m.source}:{m.line}:{column} "


def _spread(mentions: tuple[Mention, ...]) -> str:
    notes = len({m.source for m in mentions})
    return f"{len(mentions)} in {notes} note{'' if notes == 1 else 's'}"


def _json(report: MentionReport) -> str:
    data: dict[str, Any] = {
        "note": report.note,
        "direction": "incoming" if report.incoming else "outgoing",
        "linked": [_mention_data(m) for m in report.linked],
        "unlinked": None
        if report.unlinked is None
        else [_mention_data(m) for m in report.unlinked],
    }
    return json_text(data)


def _mention_data(m: Mention) -> dict[str, Any]:
    return {
        "source": m.source,
        "line": m.line,
        "column": m.column,
        "text": m.text,
        "kind": m.kind,
        "written": m.written,
        "target": m.target,
    }


FORMATS: dict[str, Callable[[MentionReport], str]] = {"text": _text, "json": _json}


def render(report: MentionReport, fmt: Format) -> str:
    return FORMATS[fmt](report)
