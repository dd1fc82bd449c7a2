"""Obsidian ``%% comments %%`` as markdown-it tokens, so what they hide is never read as links."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

__all__ = ["comments_plugin"]

_MARK = "%%"


def _inline_comment(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith(_MARK, pos):
        return False
    close = src.find(_MARK, pos + 2, state.posMax)
    # Obsidian hides everything after an unclosed ``%%``.
    end = close + 2 if close >= 0 else state.posMax
    if not silent:
        token = state.push("obsidian_comment", "", 0)
        token.markup = _MARK
        token.content = src[pos + 2 : close if close >= 0 else end]
        token.meta = {"offset": pos}
    state.pos = end
    return True


def _block_comment(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A comment that opens a line and closes on a later one, blank lines and all."""
    if state.is_code_block(start_line):
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    first_end = state.eMarks[start_line]
    if not state.src.startswith(_MARK, begin) or _MARK in state.src[begin + 2 : first_end]:
        return False  # a comment closed on its own line is the inline rule's
    close = state.src.find(_MARK, first_end)
    last = start_line
    if close < 0:
        last = end_line - 1
        close = len(state.src)
    else:
        while last + 1 < end_line and state.bMarks[last + 1] <= close:
            last += 1
    if silent:
        return True
    token = state.push("obsidian_comment", "", 0)
    token.markup = _MARK
    token.block = True
    token.content = state.src[begin + 2 : close]
    token.map = [start_line, last + 1]
    state.line = last + 1
    return True


def comments_plugin(md: MarkdownIt) -> None:
    """Parse ``%%...%%`` into ``obsidian_comment`` tokens (block and inline), content between marks.

    Inline tokens carry meta ``offset``; block tokens a ``map``. Rendered as nothing, as Obsidian
    does in reading view.
    """
    md.block.ruler.before(
        "fence", "obsidian_comment", _block_comment, {"alt": ["paragraph", "blockquote", "list"]}
    )
    md.inline.ruler.before("link", "obsidian_comment", _inline_comment)
    md.add_render_rule("obsidian_comment", lambda self, tokens, idx, options, env: "")
