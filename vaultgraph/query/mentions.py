"""Plain-text mentions of names in a note, read from the token stream: never in code or links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from vaultgraph.markdown import parser
from vaultgraph.positions import CellLocator, InlineLocator, split_lines

__all__ = ["TextMatch", "find_names", "line_text", "name_key", "names_pattern"]

# Inline tokens whose text is not prose: the name of a wikilink, a tag, a code span, a comment.
_OPAQUE = frozenset({"wikilink", "tag", "code_inline", "obsidian_comment", "html_inline", "image"})


@dataclass(frozen=True, slots=True)
class TextMatch:
    """Words of a note's visible text that spell one of the names searched for."""

    key: str  # name_key() of the words: the same for every spelling of one name
    matched: str  # the words as written
    line: int  # 1-based
    column: int | None  # 1-based, in code points; None where markdown-it rewrote the text


@dataclass(frozen=True, slots=True)
class _Span:
    """A run of plain text in a block's inline content."""

    text: str
    start: int | None  # offset in the inline content; None where escapes changed the text
    line: int  # 1-based line the run starts on


def name_key(text: str) -> str:
    """How names compare: case-insensitive, NFC, any run of white space as one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``names`` as whole words, case-insensitively; longest first.

    Words must not run on into letters or digits on either side, so ``ECS`` is not found in
    ``ECSx``; any white space, a line break included, may stand between the words of a name.
    """
    spellings = {
        form
        for name in names
        if name.strip()
        for form in (unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name))
    }
    if not spellings:
        return None
    ordered = sorted(spellings, key=lambda s: (-len(s), s))
    alternatives = "|".join(r"\s+".join(map(re.escape, s.split())) for s in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_names(text: str, pattern: re.Pattern[str]) -> Iterator[TextMatch]:
    """Every match of ``pattern`` in the note's prose: not in frontmatter, code, links, tags,
    comments or HTML, which the token stream tells apart exactly as the parser does."""
    lines = split_lines(text)
    md = parser()
    env: dict[str, Any] = {}  # the block parse keeps reference definitions here for the inline one
    tokens = md.parse("\n".join(lines), env)
    cell_column = 0
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            cell_column = 0
        if token.type != "inline" or not token.map:
            continue
        first = token.map[0]
        opener = tokens[index - 1].type if index else ""
        locator: InlineLocator | CellLocator
        if opener in ("th_open", "td_open"):
            locator = CellLocator(token.content, first, lines[first], cell_column)
            cell_column = locator.end
        else:
            locator = InlineLocator(token.content, first, lines)
        # The shared parser skips the inline parse of text without a link, tag or comment: it
        # cannot tell a code span or an escape there, so each block's inline content is parsed
        # here in full.
        children: list[Token] = []
        md.inline.parse(token.content, md, env, children)
        for span in _spans(token, children):
            for match in pattern.finditer(span.text):
                line, column = span.line, None
                if span.start is not None:
                    line, column = locator.locate(span.start + match.start())
                yield TextMatch(name_key(match.group()), match.group(), line, column)


def _spans(inline: Token, children: Sequence[Token]) -> Iterator[_Span]:
    """The runs of plain text outside links, with where each starts in the inline content.

    Text tokens carry no offsets: each is looked up in the content after the tokens before it,
    whose own offsets (recorded by our plugins) move the search on past what they cover. Escapes
    and entities (``text_special``) are skipped: the text around them is found as written. Text
    on consecutive lines of a paragraph is one run, so a name may break across lines.
    """
    content = inline.content
    assert inline.map is not None
    cursor, breaks, in_link = 0, 0, 0
    run: _Span | None = None
    for child in children:
        kind, meta = child.type, child.meta or {}
        if kind in ("softbreak", "hardbreak"):
            breaks += 1
            newline = content.find("\n", cursor)
            cursor = newline + 1 if newline >= 0 else cursor
            continue
        if kind == "text" and not in_link:
            found = content.find(child.content, cursor)
            if run is not None and _continues(run, content, found):
                assert run.start is not None
                cursor = found + len(child.content)
                run = _Span(content[run.start : cursor], run.start, run.line)
                continue
            if run is not None:
                yield run
            run = _Span(child.content, found if found >= 0 else None, inline.map[0] + breaks + 1)
            cursor = found + len(child.content) if found >= 0 else cursor
            continue
        if run is not None:
            yield run
            run = None
        if kind == "link_open":
            in_link += 1
            cursor = max(cursor, meta.get("end", cursor))
        elif kind == "link_close":
            in_link = max(in_link - 1, 0)
        elif kind in _OPAQUE:
            cursor = max(cursor, _end(child, content, cursor))
    if run is not None:
        yield run


def _continues(run: _Span, content: str, found: int) -> bool:
    """Whether text found at ``found`` follows ``run`` with nothing but white space between."""
    if run.start is None or found < 0:
        return False
    return content[run.start + len(run.text) : found].isspace()


def _end(token: Token, content: str, cursor: int) -> int:
    """Offset just past an opaque token in the inline content, as far as it can be told."""
    meta = token.meta or {}
    if "end" in meta:
        return int(meta["end"])
    if "offset" in meta:
        start = int(meta["offset"])
        if token.type == "tag":
            return start + 1 + len(token.content)
        if token.type == "obsidian_comment":
            return start + 2 + len(token.content)
        return start + len(token.content)
    if token.type == "code_inline":
        opening = content.find(token.markup, cursor)
        closing = content.find(token.markup, opening + len(token.markup)) if opening >= 0 else -1
        return closing + len(token.markup) if closing >= 0 else cursor
    return cursor


def line_text(lines: Sequence[str], line: int) -> str:
    """The source line ``line`` (1-based), stripped: what a mention is shown with."""
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""
