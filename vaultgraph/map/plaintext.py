"""A note's opening text as plain text, read from the markdown-it token stream."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from markdown_it.token import Token

from vaultgraph.markdown import parser

__all__ = ["plain_lines"]

# Tooltips show a few lines: a note's start is parsed, then more of it while that holds too few
# lines or cuts the frontmatter short (a cut construct only ends early). Parsing all of every
# note would cost a map as much as a whole check.
_HEADS = (400, 4000, 20_000)
_DROPPED_BLOCKS = frozenset({"front_matter", "obsidian_comment", "hr"})
_CODE_BLOCKS = frozenset({"fence", "code_block", "math_block", "math_block_eqno"})
# Inline tokens whose text is not shown (besides HTML comments, and the markers around text).
_SILENT = frozenset({"obsidian_comment", "footnote_ref"})


def plain_lines(text: str, *, wanted: int = 3) -> list[str]:
    """The first ``wanted`` non-blank lines of ``text`` as a reader sees them: without the
    frontmatter, ``%%`` and HTML comments, heading marks, emphasis and link syntax.
    ``[[A|shown]]`` reads ``shown``, ``[t](u)`` reads ``t``, ``![[pic.png]]`` reads ``pic.png``.
    Still text, never HTML: the page sets it with ``textContent``."""
    md = parser()
    for size in (*_HEADS, len(text)):
        tokens = md.parse(text[:size])
        lines = _first(tokens, md, wanted)
        cut_short = size < len(text) and (len(lines) < wanted or _frontmatter_cut(text, tokens))
        if not cut_short:
            return lines
    return lines


def _first(tokens: Sequence[Token], md: object, wanted: int) -> list[str]:
    lines: list[str] = []
    for line in _lines(tokens, md):
        line = " ".join(line.split())
        if line:
            lines.append(line)
            if len(lines) == wanted:
                break
    return lines


def _frontmatter_cut(text: str, tokens: Sequence[Token]) -> bool:
    """The note opens a frontmatter fence that the parsed head did not see closed."""
    opens = text.startswith("---")
    return opens and not (tokens and tokens[0].type == "front_matter")


def _lines(tokens: Sequence[Token], md: object) -> Iterator[str]:
    for token in tokens:
        if token.type in _DROPPED_BLOCKS or _html_comment(token):
            continue
        if token.type in _CODE_BLOCKS:
            yield from token.content.splitlines()
        elif token.type == "html_block":
            # Raw HTML other than a comment is what the writer typed: shown as the text it is.
            yield from token.content.splitlines()
        elif token.type == "inline":
            yield from "".join(_inline(_children(token, md))).split("\n")


def _children(token: Token, md: object) -> list[Token]:
    """The inline tokens; the parser skips the inline parse of text holding no link, tag or
    comment (its one child is the raw text), so that text is parsed here, for its emphasis."""
    children = token.children or []
    if len(children) == 1 and children[0].type == "text" and children[0].content == token.content:
        parsed: list[Token] = []
        engine = parser()
        engine.inline.parse(token.content, engine, {}, parsed)
        return parsed
    return children


def _inline(children: Sequence[Token]) -> Iterator[str]:
    for child in children:
        kind = child.type
        if kind in ("text", "text_special", "code_inline", "math_inline"):
            yield child.content
        elif kind in ("softbreak", "hardbreak"):
            yield "\n"
        elif kind == "wikilink":
            meta = child.meta
            yield str(meta.get("display") or _target(meta))
        elif kind == "tag":
            yield "#" + child.content
        elif kind == "image":
            yield "".join(_inline(child.children or []))
        elif kind == "html_inline" and not _html_comment(child):
            yield child.content
        elif kind in _SILENT:
            continue
        # Everything else is an _open/_close marker (em, strong, s, link): its text is a sibling.


def _html_comment(token: Token) -> bool:
    return token.type in ("html_block", "html_inline") and token.content.lstrip().startswith("<!--")


def _target(meta: dict[str, object]) -> str:
    target = str(meta.get("target") or "")
    subpath = meta.get("subpath")
    if subpath:
        return f"{target} > {subpath}" if target else str(subpath)
    return target
