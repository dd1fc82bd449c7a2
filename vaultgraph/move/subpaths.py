"""Where a reference writes each part of its heading subpath (``[[Note#A#B]]``), and a part's new
text in the reference's syntax: what a heading rename rewrites, everything else kept as written."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from vaultgraph.canvas import WrittenString
from vaultgraph.model import Link, LinkSyntax
from vaultgraph.move.rewrite import UnwritableLink, markdown_encoded
from vaultgraph.resolve import heading_key

__all__ = ["Part", "heading_parts", "written_part"]

# A Markdown fragment's parts: the resolver splits the decoded subpath at each ``#``, and only
# ``%23`` decodes to one (no other escape, nor a byte of a multi-byte one, holds it).
_PART_BREAK = re.compile(r"#|%23", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a heading subpath whose key is not empty (the resolver skips the others), in
    the order it matches headings: where it is written (1-based line, columns in code points of
    the file's line) and its text there."""

    line: int
    column: int
    end_column: int
    written: str


def heading_parts(
    link: Link, lines: Sequence[str], card: WrittenString | None = None
) -> tuple[Part, ...] | None:
    """The parts of ``link``'s heading subpath as the file writes them, or ``None`` when they
    cannot be found there exactly (then the link is not rewritten: the plan refuses). ``card``
    is a canvas file card's ``"subpath"`` value, where such a card writes its subpath."""
    if link.syntax is LinkSyntax.CANVAS:
        found = _card_parts(link, card)
    elif link.syntax in (LinkSyntax.WIKI, LinkSyntax.PROPERTY):
        found = _wiki_parts(link)
    else:
        found = _markdown_parts(link)
    if found is None:
        return None
    for part in found:
        if not 1 <= part.line <= len(lines):
            return None
        if lines[part.line - 1][part.column - 1 : part.end_column - 1] != part.written:
            return None  # a JSON escape or a parser's stand-in line in between
    return found


def written_part(link: Link, text: str, *, in_json: bool) -> str:
    """How a subpath part naming the heading ``text`` is written in ``link``'s syntax (Markdown:
    encoded as its destination is); ``in_json``: inside a canvas's JSON string. Raises
    :class:`UnwritableLink` when the syntax cannot hold it."""
    if link.syntax is LinkSyntax.PROPERTY and ('"' in text or "\\" in text):
        raise UnwritableLink(f"a property link cannot name the heading {text}")
    if link.syntax is LinkSyntax.MARKDOWN:
        text = markdown_encoded(text, _destination(link.raw)[1] or "")
    return json.dumps(text, ensure_ascii=False)[1:-1] if in_json else text


def _wiki_parts(link: Link) -> tuple[Part, ...] | None:
    raw = link.raw
    opener = 3 if raw.startswith("![[") else 2
    if not raw.endswith("]]") or raw[opener - 2 : opener] != "[[" or "\n" in raw:
        return None
    inner = raw[opener:-2]
    bar = inner.find("|")
    # The table-cell escape ``\|`` belongs to neither side, as split_wikilink reads it.
    cut = len(inner) if bar < 0 else bar - 1 if bar > 0 and inner[bar - 1] == "\\" else bar
    hash_at = inner.find("#", 0, cut)
    if hash_at < 0:
        return None
    return _split(link, inner[hash_at + 1 : cut], link.line, link.column + opener + hash_at + 1)


def _split(link: Link, written: str, line: int, column: int) -> tuple[Part, ...] | None:
    """The parts of a wikilink's or a card's subpath ``written`` from ``column`` on: pieces
    between ``#``s, stripped, empty ones left out (as the parser joins them into ``subpath``)."""
    parts: list[Part] = []
    pieces: list[str] = []
    at = 0
    for piece in written.split("#"):
        text = piece.strip()
        if text:
            pieces.append(text)
            if heading_key(text):
                start = column + at + len(piece) - len(piece.lstrip())
                parts.append(Part(line, start, start + len(text), text))
        at += len(piece) + 1
    return tuple(parts) if "#".join(pieces) == link.subpath else None


def _card_parts(link: Link, card: WrittenString | None) -> tuple[Part, ...] | None:
    if card is None or card.raw != card.value:  # written with escapes: not rewritten
        return None
    lead = 1 if card.value.startswith("#") else 0
    return _split(link, card.value[lead:], card.line, card.column + lead)


def _markdown_parts(link: Link) -> tuple[Part, ...] | None:
    start, destination = _destination(link.raw)
    if destination is None:
        return None
    bare = destination[1:-1] if destination.startswith("<") else destination
    path, _, fragment = bare.partition("#")
    if unquote(path).strip() != link.target or unquote(fragment).strip() != link.subpath:
        return None
    offset = start + (1 if destination.startswith("<") else 0) + len(path) + 1
    breaks = list(_PART_BREAK.finditer(fragment))
    starts = [0, *(found.end() for found in breaks)]
    ends = [*(found.start() for found in breaks), len(fragment)]
    parts: list[Part] = []
    for begin, end in zip(starts, ends, strict=True):
        piece = fragment[begin:end]
        text = piece.strip()
        if heading_key(unquote(text)):
            line, column = _place(link, offset + begin + len(piece) - len(piece.lstrip()))
            parts.append(Part(line, column, column + len(text), text))
    return tuple(parts)


def _place(link: Link, offset: int) -> tuple[int, int]:
    """The file's line and column of ``offset`` into ``link.raw``, which may span lines."""
    raw = link.raw
    newlines = raw.count("\n", 0, offset)
    if not newlines:
        return link.line, link.column + offset
    return link.line + newlines, offset - raw.rfind("\n", 0, offset)


def _destination(raw: str) -> tuple[int, str | None]:
    """Where a Markdown link's destination starts in ``raw`` and the destination as written
    (``<angle brackets>`` kept); ``None`` when there is none. From the right: an image in a
    link's text has a ``](`` of its own, before the link's."""
    at = raw.rfind("](")
    if at < 0:
        return 0, None
    at += 2
    while at < len(raw) and raw[at] in " \t":
        at += 1
    if at >= len(raw):
        return at, None
    if raw[at] == "<":
        close = raw.find(">", at)
        return at, raw[at : close + 1] if close > 0 else None
    end, depth = at, 0
    while end < len(raw) and not raw[end].isspace():
        if raw[end] == "(":
            depth += 1
        elif raw[end] == ")":
            if depth == 0:
                break
            depth -= 1
        end += 1
    return at, raw[at:end]
