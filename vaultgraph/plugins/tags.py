"""Obsidian ``#tags`` as markdown-it inline tokens."""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

__all__ = ["is_tag_char", "tag_length", "tags_plugin"]

_EXTRA_TAG_CHARS = frozenset("_-/")


def is_tag_char(ch: str) -> bool:
    """Letters of any script (with their combining marks), digits, ``_``, ``-`` and ``/``."""
    if ch in _EXTRA_TAG_CHARS:
        return True
    category = unicodedata.category(ch)
    return category[0] in "LM" or category == "Nd"


def tag_length(text: str, start: int) -> int:
    """Length of the tag name starting at ``start`` (just after ``#``), or 0 if there is none.

    Obsidian needs at least one character that is not a digit: ``#1984`` is not a tag.
    """
    end = start
    while end < len(text) and is_tag_char(text[end]):
        end += 1
    name = text[start:end]
    if not name or name.isdigit() or all(unicodedata.category(c) == "Nd" for c in name):
        return 0
    return end - start


def _tag_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "#":
        return False
    # Obsidian takes a tag only at the start of a line or after white space: not in
    # ``foo#bar``, ``(#x)`` or a URL fragment.
    if pos > 0 and not src[pos - 1].isspace():
        return False
    length = tag_length(src[: state.posMax], pos + 1)
    if not length:
        return False
    if not silent:
        token = state.push("tag", "", 0)
        token.markup = "#"
        token.content = src[pos + 1 : pos + 1 + length]
        token.meta = {"offset": pos}
    state.pos = pos + 1 + length
    return True


def tags_plugin(md: MarkdownIt) -> None:
    """Parse Obsidian tags (``#aws``, ``#aws/ecs``, ``#日本語``) into ``tag`` tokens.

    Token content is the name without ``#``; meta ``offset`` is where the ``#`` stands in the
    inline source. Runs after ``backticks`` so tags in code spans stay code.
    """
    md.inline.ruler.before("link", "tag", _tag_rule)
    md.add_render_rule("tag", lambda self, tokens, idx, options, env: "#" + tokens[idx].content)
