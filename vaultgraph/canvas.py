"""Read one JSON Canvas file (``.canvas``) into a :class:`~vaultgraph.model.Note` of its references.

A canvas is a board of cards (JSON Canvas 1.0). What it refers to, as Obsidian shows it:

- a file card (``"type": "file"``) shows its ``file``, a vault-relative path, optionally with a
  ``subpath`` (``#Heading``, ``#^block``): an embed, checked as ``![[file#subpath]]`` is;
- a text card's ``text`` is Markdown, parsed by the same parser as notes: its wikilinks,
  Markdown links, embeds and tags are the canvas's; code, math and comments hold none;
- link cards (web pages), groups and the arrows between cards are not vault references.

Every position is the canvas file's own: a reference in a card's text is placed at its
characters inside the JSON string, JSON escapes counted as written (``\\n``, ``\\"``,
``\\uXXXX``, a surrogate pair), one column a character of the file's line; a file card's at
the first character of its ``file`` value. A canvas that is not JSON Canvas (not JSON, a card
without ``id`` or ``type``, a ``file`` that is not a string) gets one ``canvas-invalid``
problem and no references; an empty file is an empty board.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from vaultgraph.model import UNREAD_PROBLEMS, Link, LinkKind, LinkSyntax, Note, Problem, Tag

__all__ = [
    "CANVAS_EXTENSION",
    "MAX_CANVAS_BYTES",
    "WrittenString",
    "file_card_subpaths",
    "invalid",
    "is_canvas",
    "parse_canvas",
]

CANVAS_EXTENSION = ".canvas"
# A board of thousands of cards is a few megabytes; more than this is not read (a finding).
MAX_CANVAS_BYTES = 8_000_000

# A JSON string literal, escapes and all. Outside strings valid JSON has no ``"``, so once the
# text has parsed as JSON these are exactly its strings, in order.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
# One escape inside a string literal and how many characters it decodes to (always one: a
# surrogate pair, high then low, is one code point).
_ESCAPE = re.compile(
    r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)"
)


def is_canvas(path: str) -> bool:
    """Whether a vault file is a canvas, by its extension (any case, as Obsidian reads it)."""
    return path.lower().endswith(CANVAS_EXTENSION)


def invalid(path: str, message: str, line: int = 1, column: int = 1) -> Note:
    """A canvas that could not be read as JSON Canvas: one problem, no references."""
    return Note(path=path, problems=(Problem("canvas-invalid", message, line, column),))


def parse_canvas(path: str, text: str) -> Note:
    """The references of the canvas whose text is ``text`` (nothing is read from disk)."""
    if len(text) > MAX_CANVAS_BYTES:
        return invalid(path, f"canvas is {len(text):,} characters long, over the limit: not read")
    if not text.strip():
        return Note(path=path)
    try:
        data = json.loads(text, object_pairs_hook=_Pairs)
    except RecursionError:
        return invalid(path, "canvas JSON is nested too deeply to read")
    except ValueError as error:
        found = error if isinstance(error, json.JSONDecodeError) else None
        where = (found.lineno, found.colno) if found is not None else (1, 1)
        reason = found.msg if found is not None else str(error)
        return invalid(path, f"canvas is not valid JSON: {reason}", *where)
    strings = _Strings(text)
    try:
        cards = list(_cards(data, strings))
    except _Invalid as error:
        return invalid(path, f"not a JSON Canvas: {error.message}", error.line, error.column)
    links: list[Link] = []
    tags: list[Tag] = []
    problems: list[Problem] = []
    for card in cards:
        if card.kind == "file":
            links.append(_file_link(card))
        else:
            _read_text(path, card, links, tags, problems)
    return Note(path=path, tags=tuple(tags), links=tuple(links), problems=tuple(problems))


@dataclass(frozen=True, slots=True)
class WrittenString:
    """A JSON string value as the file writes it: 1-based line and column of its first
    character after the opening quote, the text between the quotes (escapes as written), and
    the decoded value."""

    line: int
    column: int
    raw: str
    value: str


def file_card_subpaths(text: str) -> tuple[WrittenString | None, ...] | None:
    """Where each file card's ``"subpath"`` is written (``None``: the card has none), in the
    order :func:`parse_canvas` gives the file cards' embeds; ``None`` when ``text`` is not a
    canvas it reads references from. What ``vaultgraph mv`` rewrites a heading rename in."""
    if len(text) > MAX_CANVAS_BYTES or not text.strip():
        return None
    try:
        data = json.loads(text, object_pairs_hook=_Pairs)
        cards = list(_cards(data, _Strings(text)))
    except (RecursionError, ValueError, _Invalid):
        return None
    return tuple(_written(card.subpath) for card in cards if card.kind == "file")


def _written(literal: _Literal | None) -> WrittenString | None:
    if literal is None:
        return None
    return WrittenString(literal.line, literal.column, literal.raw, literal.value)


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as its pairs in file order (duplicate keys kept): the order the strings
    of the file are met in."""


@dataclass(frozen=True, slots=True)
class _Literal:
    """A JSON string as written: its decoded value, and where its first character after the
    opening quote is (0-based offset into the file)."""

    value: str
    start: int
    raw: str  # between the quotes, escapes as written
    line: int  # 1-based, of ``start``
    column: int


@dataclass(frozen=True, slots=True)
class _Card:
    kind: str  # "file" or "text"
    literal: _Literal  # the ``file`` or ``text`` value
    subpath: _Literal | None = None  # a file card's ``subpath`` value


class _Invalid(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class _Strings:
    """The file's string literals in order, each handed out once, and where lines start."""

    def __init__(self, text: str) -> None:
        self._matches = _STRING.finditer(text)
        self._starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]

    def next(self) -> _Literal:
        match = next(self._matches)
        start = match.start() + 1
        return _Literal("", start, match.group()[1:-1], *self.position(start))

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a 0-based offset into the file."""
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _cards(data: Any, strings: _Strings) -> Iterator[_Card]:
    """The file and text cards of a canvas, walking its values in file order so that each
    string is matched with its literal."""
    if not isinstance(data, _Pairs):
        raise _Invalid("the top level is not an object", 1, 1)
    for key, value in data:
        strings.next()  # the key
        if key == "nodes" and isinstance(value, list):
            for node in value:
                yield from _node(node, strings)
        else:
            _skip(value, strings)


def _node(node: Any, strings: _Strings) -> Iterator[_Card]:
    if not isinstance(node, _Pairs):
        _skip(node, strings)
        raise _Invalid("a node is not an object", 1, 1)
    literals: dict[str, _Literal] = {}
    first: _Literal | None = None
    for key, value in node:
        name = strings.next()
        first = first or name
        if isinstance(value, str):
            literal = strings.next()
            literals.setdefault(key, replace(literal, value=value))
        else:
            _skip(value, strings)
            if key in ("file", "id", "type", "text", "subpath"):
                line, column = (name.line, name.column - 1)
                raise _Invalid(f'"{key}" is not a string', line, column)
    missing = [key for key in ("id", "type") if key not in literals]
    if missing:
        line, column = (first.line, first.column - 1) if first is not None else (1, 1)
        names = " or ".join(f'"{key}"' for key in missing)
        raise _Invalid(f"a node has no {names}", line, column)
    kind = literals["type"].value
    if kind == "file" and "file" in literals:
        yield _Card("file", literals["file"], literals.get("subpath"))
    elif kind == "text" and "text" in literals:
        yield _Card("text", literals["text"])
    if kind == "file" and "file" not in literals:
        line, column = literals["type"].line, literals["type"].column
        raise _Invalid('a file node has no "file"', line, column)


def _skip(value: Any, strings: _Strings) -> None:
    """Consume the literals of a value that holds no reference. Iterative: a value nested
    deeply enough to parse is not walked by recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            strings.next()
        elif isinstance(item, _Pairs):
            for key, inner in reversed(item):
                stack.append(inner)
                stack.append(key)
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _file_link(card: _Card) -> Link:
    """A file card: an embed of its file, placed at its ``file`` value."""
    target = card.literal.value
    subpath = card.subpath.value if card.subpath is not None else None
    if subpath is not None and subpath.startswith("#"):
        subpath = subpath[1:]
    raw = f"![[{target}{'#' + subpath if subpath else ''}]]"
    return Link(
        LinkKind.EMBED,
        LinkSyntax.CANVAS,
        raw,
        target,
        subpath or None,
        None,
        card.literal.line,
        card.literal.column,
    )


def _read_text(
    path: str, card: _Card, links: list[Link], tags: list[Tag], problems: list[Problem]
) -> None:
    """A text card's Markdown, parsed as a note's body is, its positions moved into the file.
    What would be frontmatter in a note is nothing on a card."""
    from vaultgraph.parse import parse_note  # markdown-it: only for a canvas with text cards

    literal = card.literal
    note = parse_note(path, literal.value)
    places = _Places(literal)
    for link in note.links:
        if link.syntax is not LinkSyntax.PROPERTY:
            line, column = places.at(link.line, link.column)
            links.append(replace(link, line=line, column=column))
    for tag in note.tags:
        if not tag.in_frontmatter:
            line, column = places.at(tag.line, tag.column)
            tags.append(replace(tag, line=line, column=column))
    for problem in note.problems:
        if problem.code in UNREAD_PROBLEMS:
            line, column = places.at(problem.line, problem.column)
            problems.append(replace(problem, line=line, column=column))


class _Places:
    """Where a position in a string's decoded text is written in the file."""

    def __init__(self, literal: _Literal) -> None:
        self._literal = literal
        value = literal.value
        self._lines = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", value))]
        self._escapes: list[int] = []  # decoded offset of each escape
        self._extra: list[int] = []  # raw characters beyond the decoded ones, up to each
        extra = 0
        for match in _ESCAPE.finditer(literal.raw):
            self._escapes.append(match.start() - extra)
            extra += len(match.group()) - 1
            self._extra.append(extra)

    def at(self, line: int, column: int) -> tuple[int, int]:
        """``line`` and ``column`` (1-based, in the decoded text) as the file's own."""
        index = min(max(line, 1), len(self._lines)) - 1
        offset = self._lines[index] + column - 1
        before = bisect_right(self._escapes, offset - 1)
        raw = offset + (self._extra[before - 1] if before else 0)
        return self._literal.line, self._literal.column + raw
