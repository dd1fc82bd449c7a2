"""Read one note's text into a :class:`~vaultgraph.model.Note`, from markdown-it's token stream."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote

from markdown_it.token import Token

from vaultgraph.htmlrefs import html_references
from vaultgraph.markdown import MAX_NESTING, parser
from vaultgraph.model import (
    BlockId,
    Comment,
    Heading,
    Link,
    LinkKind,
    LinkSyntax,
    ListItem,
    Note,
    Problem,
    Tag,
)
from vaultgraph.positions import CellLocator, InlineLocator, split_lines
from vaultgraph.properties import read_properties

__all__ = ["MAX_LINE_CHARS", "MAX_NOTE_CHARS", "line_as_parsed", "parse_note"]

# A block id closes the last line of a paragraph or list item: ``text ^my-id``.
_BLOCK_ID = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)\s*$")
# A Markdown link whose destination has a scheme (http:, mailto:, obsidian:, file:) or starts with
# ``//`` leaves the vault.
_EXTERNAL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")
# What a task item holds when it holds nothing else: ``- [ ]``, ``- [x]``.
_TASK_BOX = re.compile(r"^\[.\]$")


class _Locator(Protocol):
    def locate(self, offset: int) -> tuple[int, int]: ...


@dataclass
class _Collected:
    tags: list[Tag] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    block_ids: list[BlockId] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    list_items: list[ListItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    html_refs: list[str] = field(default_factory=list)


# Bounds that keep a hostile note from costing minutes: markdown-it-py's time grows faster than
# the text on some inputs (long runs of brackets, deep nesting). Real notes stay far below both.
MAX_NOTE_CHARS = 5_000_000
MAX_LINE_CHARS = 50_000

# The start of a line that decides which block it belongs to: indentation, quote markers and
# list markers. At most a hundred characters of it: deeper nesting than that is hostile anyway.
_BLOCK_PREFIX = re.compile(r"[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t]+[ \t>]*)*")
_MAX_PREFIX = 100


def line_as_parsed(line: str, max_line_chars: int = MAX_LINE_CHARS) -> str:
    """The line itself, or what is parsed in place of a line too long to read: its block prefix
    and one letter, so it stays in the block it was in (a code fence in a quote, indented code)."""
    if len(line) <= max_line_chars:
        return line
    prefix = _BLOCK_PREFIX.match(line, 0, _MAX_PREFIX)
    return (prefix.group() if prefix else "") + "x"


def parse_note(
    path: str,
    text: str,
    *,
    max_note_chars: int = MAX_NOTE_CHARS,
    max_line_chars: int = MAX_LINE_CHARS,
) -> Note:
    """Parse a note's text. ``path`` is its vault-relative POSIX path; nothing is read from disk.

    A note longer than ``max_note_chars`` is not parsed, and a line longer than ``max_line_chars``
    is not read (``line_as_parsed``); both are recorded as problems, so nothing is skipped
    silently, except a long line inside code, math, a comment or raw HTML, which holds nothing
    vaultgraph reads.
    """
    if len(text) > max_note_chars:
        message = (
            f"note is {len(text):,} characters long, over the limit of {max_note_chars:,}: "
            "it was not read"
        )
        return Note(path=path, problems=(Problem("note-too-large", message, 1, 1),))
    found = _Collected()
    # CommonMark reads U+0000 as U+FFFD, one character for one: the lines that positions are
    # found in must hold what the parser saw.
    lines = split_lines(text.replace("\x00", "\ufffd") if "\x00" in text else text)
    too_long = (
        {index: len(line) for index, line in enumerate(lines) if len(line) > max_line_chars}
        if max(map(len, lines)) > max_line_chars
        else {}
    )
    for index in too_long:
        # Every other line keeps its number and columns.
        lines[index] = line_as_parsed(lines[index], max_line_chars)
    tokens = parser().parse("\n".join(lines))
    for index in sorted(too_long.keys() - _opaque_lines(tokens) if too_long else ()):
        message = (
            f"line is {too_long[index]:,} characters long, over the limit of {max_line_chars:,}: "
            "it was not read"
        )
        found.problems.append(Problem("line-too-long", message, index + 1, 1))
    frontmatter: dict[str, object] = {}
    aliases: tuple[str, ...] = ()
    list_stack: list[tuple[int, int]] = []  # (line, column) of open list items
    cell_column, row = 0, -1
    too_deep = False
    for index, token in enumerate(tokens):
        if token.level >= MAX_NESTING - 1 and not too_deep and token.map:
            too_deep = True
            message = f"nested more than {MAX_NESTING} levels deep: deeper content was not read"
            found.problems.append(Problem("nesting-too-deep", message, token.map[0] + 1, 1))
        kind = token.type
        if kind not in _WALKED:
            continue
        if kind == "inline" and token.map:
            opener = tokens[index - 1].type if index else ""
            if opener in ("th_open", "td_open"):
                cell = CellLocator(token.content, token.map[0], lines[token.map[0]], cell_column)
                cell_column = cell.end
                _inline(token, cell, lines, found, in_table=True)
            else:
                locator = InlineLocator(token.content, token.map[0], lines)
                _inline(token, locator, lines, found, in_table=False)
                # Without a ``^`` the content holds no block id: most paragraphs.
                if opener == "paragraph_open" and "^" in token.content:
                    _block_id(token, locator, found)
        elif kind == "front_matter" and token.map:
            props = read_properties(token.content, token.map[0] + 2, lines)
            frontmatter, aliases = props.data, props.aliases
            found.tags.extend(props.tags)
            found.links.extend(props.links)
            found.problems.extend(props.problems)
        elif kind == "heading_open" and token.map:
            found.headings.append(_heading(token, tokens[index + 1], lines))
        elif kind == "list_item_open" and token.map:
            item = _list_item(tokens, index, lines, list_stack)
            found.list_items.append(item)
            list_stack.append((item.line, item.column))
        elif kind == "list_item_close" and list_stack:
            list_stack.pop()
        elif kind == "tr_open" and token.map:
            cell_column, row = 0, token.map[0]
            _bare_pipe_links(lines[row], row, found)
        elif kind == "tr_close" and row >= 0:
            _extra_cells(lines, row, cell_column, found)
            row = -1
        elif kind in ("obsidian_comment", "html_block") and token.map:
            _block_comment(token, lines, found)
            if kind == "html_block":
                found.html_refs.extend(html_references(token.content))
    return Note(
        path=path,
        frontmatter=dict(frontmatter),
        aliases=aliases,
        tags=tuple(found.tags),
        headings=tuple(found.headings),
        block_ids=tuple(found.block_ids),
        links=tuple(
            sorted(filter(_refers, found.links), key=lambda link: (link.line, link.column))
        ),
        list_items=tuple(found.list_items),
        problems=tuple(found.problems),
        comments=tuple(found.comments),
        html_refs=tuple(found.html_refs),
    )


# The block tokens the walk reads. The others (paragraphs' and lists' openers and closers, fences,
# code, rules), most of every note's tokens, hold nothing it looks for: inline content is read
# from the ``inline`` token that follows an opener.
_WALKED = frozenset(
    {
        "inline",
        "front_matter",
        "heading_open",
        "list_item_open",
        "list_item_close",
        "tr_open",
        "tr_close",
        "obsidian_comment",
        "html_block",
    }
)
# The inline tokens that hold a link, an embed, a tag or a comment.
_FOUND_INLINE = frozenset(
    {"wikilink", "tag", "obsidian_comment", "html_inline", "link_open", "image"}
)

# Blocks whose lines are never read for links, tags or list items: a line too long to parse
# inside one of them loses nothing, so it is no problem to report.
_OPAQUE_BLOCKS = frozenset(
    {"fence", "code_block", "math_block", "math_block_label", "obsidian_comment", "html_block"}
)


def _opaque_lines(tokens: Sequence[Token]) -> set[int]:
    """0-based indexes of the lines inside code, math, comment and HTML blocks.

    A fence's opening line is left out: a too-long one, read as its stand-in, opened no fence.
    """
    inside: set[int] = set()
    for token in tokens:
        if token.type in _OPAQUE_BLOCKS and token.map:
            first = token.map[0] + (1 if token.type == "fence" else 0)
            inside.update(range(first, token.map[1]))
    return inside


def _refers(link: Link) -> bool:
    """Whether a link names anything: ``[x]()``, ``[x](#)``, ``[[#]]`` and ``[[|x]]`` do not."""
    return bool(link.target or link.subpath)


def _raw(lines: Sequence[str], start: tuple[int, int], last: tuple[int, int]) -> str:
    """The file's text from ``start`` to ``last`` inclusive (1-based positions)."""
    (line, column), (last_line, last_column) = start, last
    if line == last_line:
        return lines[line - 1][column - 1 : last_column]
    middle = lines[line : last_line - 1]
    return "\n".join([lines[line - 1][column - 1 :], *middle, lines[last_line - 1][:last_column]])


def _inline(
    token: Token, locator: _Locator, lines: Sequence[str], found: _Collected, *, in_table: bool
) -> None:
    for child in token.children or ():
        if child.type not in _FOUND_INLINE:
            continue  # text, emphasis, code: most children
        meta = child.meta or {}
        if child.type == "wikilink":
            start, end = meta["offset"], meta["offset"] + len(child.content)
            line, column = locator.locate(start)
            found.links.append(
                Link(
                    kind=LinkKind.EMBED if meta["embed"] else LinkKind.LINK,
                    syntax=LinkSyntax.WIKI,
                    raw=_raw(lines, (line, column), locator.locate(end - 1)),
                    target=meta["target"],
                    subpath=meta["subpath"],
                    display=meta["display"],
                    line=line,
                    column=column,
                    in_table=in_table,
                )
            )
        elif child.type == "tag":
            line, column = locator.locate(meta["offset"])
            found.tags.append(Tag(child.content, line, column))
        elif child.type == "obsidian_comment" or (
            child.type == "html_inline" and child.content.startswith("<!--")
        ):
            _inline_comment(child, locator, found)
        elif child.type == "html_inline":
            found.html_refs.extend(html_references(child.content))
        elif child.type in ("link_open", "image") and "offset" in meta:
            attribute = "href" if child.type == "link_open" else "src"
            link = _markdown_link(child, str(child.attrs.get(attribute, "")), locator, lines)
            if link is not None:
                found.links.append(link)


def _markdown_link(
    token: Token, destination: str, locator: _Locator, lines: Sequence[str]
) -> Link | None:
    if _EXTERNAL.match(destination):
        return None
    path, _, fragment = destination.partition("#")
    start, end = token.meta["offset"], token.meta["end"]
    line, column = locator.locate(start)
    embed = token.type == "image"
    return Link(
        kind=LinkKind.EMBED if embed else LinkKind.LINK,
        syntax=LinkSyntax.MARKDOWN,
        raw=_raw(lines, (line, column), locator.locate(end - 1)),
        target=unquote(path).strip(),
        subpath=unquote(fragment).strip() or None,
        display=(token.content or None) if embed else None,
        line=line,
        column=column,
    )


def _comment_text(token: Token) -> str:
    if token.type == "obsidian_comment":
        return token.content.strip()
    return token.content.strip().removeprefix("<!--").removesuffix("-->").strip()


def _block_comment(token: Token, lines: Sequence[str], found: _Collected) -> None:
    assert token.map is not None
    if token.type == "html_block" and not token.content.lstrip().startswith("<!--"):
        return
    first = token.map[0]
    column = lines[first].find(token.markup if token.type == "obsidian_comment" else "<!--")
    end_line = token.map[1]
    # markdown-it's map may run on over blank lines after the block.
    while end_line > first + 1 and not lines[end_line - 1].strip():
        end_line -= 1
    found.comments.append(Comment(_comment_text(token), first + 1, max(column, 0) + 1, end_line))


def _inline_comment(token: Token, locator: _Locator, found: _Collected) -> None:
    offset = (token.meta or {}).get("offset")
    if offset is None:
        return  # html_inline tokens say nothing of where they stand
    line, column = locator.locate(offset)
    end_line = line + token.content.count("\n")
    found.comments.append(Comment(_comment_text(token), line, column, end_line))


def _bare_pipe_links(row: str, line_index: int, found: _Collected) -> None:
    """Find wikilinks that a bare ``|`` split across table cells (``| ![[img.png|300]] |``).

    GFM splits the row before any inline parsing, so these links are in no cell's tokens. Obsidian
    still shows them (and breaks the table), so they count, flagged for the linter.
    """
    if "[[" not in row:
        return
    for inline in parser().parseInline(row):
        for child in inline.children or ():
            if child.type != "wikilink" or not _has_bare_pipe(child.content):
                continue
            meta = child.meta
            found.links.append(
                Link(
                    kind=LinkKind.EMBED if meta["embed"] else LinkKind.LINK,
                    syntax=LinkSyntax.WIKI,
                    raw=child.content,
                    target=meta["target"],
                    subpath=meta["subpath"],
                    display=meta["display"],
                    line=line_index + 1,
                    column=meta["offset"] + 1,
                    in_table=True,
                    bare_table_pipe=True,
                )
            )


@dataclass(frozen=True, slots=True)
class _RowLocator:
    """Positions in a stretch of one source line, read as written."""

    line: int  # 0-based
    start: int  # 0-based column of the stretch's first character

    def locate(self, offset: int) -> tuple[int, int]:
        return self.line + 1, self.start + offset + 1


def _extra_cells(lines: Sequence[str], line_index: int, kept_end: int, found: _Collected) -> None:
    """Read the cells of a table row past the header's column count.

    GFM drops them before any inline parsing, but Obsidian indexes the links, embeds and tags
    written there (a bare ``|`` in ``[[x|y]]`` often makes one). ``kept_end`` is where the last
    kept cell's content ends in the source line.
    """
    cells = _cells_after(lines[line_index], kept_end)
    if not cells:
        return
    seen = {(link.line, link.column) for link in found.links if link.line == line_index + 1}
    before = len(found.links)
    for start, text in cells:
        locator = _RowLocator(line_index, start)
        for inline in parser().parseInline(text):
            _inline(inline, locator, lines, found, in_table=True)
    # A kept cell the locator could not place may come round again: keep the first reading.
    found.links[before:] = [
        link for link in found.links[before:] if (link.line, link.column) not in seen
    ]


def _cells_after(row: str, kept_end: int) -> list[tuple[int, str]]:
    """``(start column, raw text)`` of each cell after the one that ends at ``kept_end``.

    Cells split at every ``|`` not escaped by a backslash, as GFM's row splitting does.
    """
    cells: list[tuple[int, str]] = []
    start = -1
    for column in range(kept_end, len(row)):
        if row[column] != "|" or row[column - 1 : column] == "\\":
            continue
        if start >= 0:
            cells.append((start, row[start:column]))
        start = column + 1
    if 0 <= start < len(row) and row[start:].strip():
        cells.append((start, row[start:]))
    return cells


def _has_bare_pipe(raw: str) -> bool:
    return any(char == "|" and raw[i - 1] != "\\" for i, char in enumerate(raw) if i)


def _heading(opener: Token, inline: Token, lines: Sequence[str]) -> Heading:
    assert opener.map is not None
    line_index = opener.map[0]
    source = lines[line_index]
    if opener.markup.startswith("#"):
        column = source.find(opener.markup) + 1
    else:
        column = InlineLocator(inline.content, line_index, lines).locate(0)[1]
    return Heading(
        level=int(opener.tag[1:]),
        text=inline.content,
        plain=_plain_text(inline),
        line=line_index + 1,
        column=max(column, 1),
    )


def _plain_text(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "wikilink":
            meta = child.meta
            parts.append(meta["display"] or meta["target"] or (meta["subpath"] or ""))
        elif child.type == "tag":
            parts.append("#" + child.content)
    return "".join(parts).strip()


def _block_id(inline: Token, locator: InlineLocator, found: _Collected) -> None:
    """Block ids close a paragraph, or one of its lines.

    Obsidian documents the end of the block, but real vaults link ids that end an inner line of a
    list item (``5. step ^id`` followed by an indented embed), and Obsidian resolves them.
    """
    children = inline.children or []
    content_lines = inline.content.split("\n")
    line_index, line_start = 0, 0
    for position, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            line_start += len(content_lines[line_index]) + 1
            line_index += 1
            continue
        ends_line = position + 1 == len(children) or children[position + 1].type in (
            "softbreak",
            "hardbreak",
        )
        if child.type != "text" or not ends_line:
            continue
        match = _BLOCK_ID.search(child.content)
        if match is None or line_index >= len(content_lines):
            continue
        marker = "^" + match.group(1)
        # A code span may run over a line break without a softbreak token: then the id is on a
        # later line than the breaks counted so far, the first one from here that ends with it.
        while marker not in content_lines[line_index] and line_index + 1 < len(content_lines):
            line_start += len(content_lines[line_index]) + 1
            line_index += 1
        if marker not in content_lines[line_index]:
            continue
        offset = line_start + content_lines[line_index].rfind(marker)
        line, column = locator.locate(offset)
        found.block_ids.append(BlockId(match.group(1), line, column))


def _list_item(
    tokens: Sequence[Token], index: int, lines: Sequence[str], open_items: list[tuple[int, int]]
) -> ListItem:
    opener = tokens[index]
    assert opener.map is not None
    line_index = opener.map[0]
    marker = opener.info + opener.markup if opener.info else opener.markup
    source = lines[line_index]
    search_from = 0
    if open_items and open_items[-1][0] == line_index + 1:
        search_from = open_items[-1][1]  # a list opened on its parent item's line: ``- - x``
    column = source.find(marker, search_from)
    inner = _item_children(tokens, index, 4)
    # A task is an item whose first line starts with a box; it is empty when that box is all
    # (a paragraph's open, inline and close: three tokens, no more).
    first_text = inner[1].content if len(inner) > 1 and inner[0].type == "paragraph_open" else ""
    task = bool(_TASK_BOX.match(first_text[:3])) and first_text[3:4] in ("", " ", "\n")
    # At the nesting limit markdown-it drops an item's content: that is not an empty item.
    cut_off = opener.level + 2 >= MAX_NESTING
    empty = not cut_off and (
        not inner or (len(inner) == 3 and task and len(first_text.strip()) == 3)
    )
    return ListItem(
        line=line_index + 1,
        column=column + 1 if column >= 0 else 1,
        marker=marker,
        empty=empty,
        task=task,
        end_line=max(opener.map[1], line_index + 1),
    )


def _item_children(tokens: Sequence[Token], index: int, most: int) -> list[Token]:
    """The first ``most`` tokens between a list item's open and close: enough to tell an empty
    item, where all of them would make an outline's walk quadratic in its depth."""
    level = tokens[index].level
    inner: list[Token] = []
    for token in tokens[index + 1 : index + 1 + most]:
        if token.type == "list_item_close" and token.level == level:
            break
        inner.append(token)
    return inner
