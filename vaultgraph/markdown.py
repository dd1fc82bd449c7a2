"""The one markdown-it parser vaultgraph reads notes with."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from vaultgraph.plugins import comments_plugin, offsets_plugin, tags_plugin, wikilinks_plugin

# markdown-it's presets stop nesting at 20 levels, after which deeper content silently parses as
# empty; real outlines go deeper. Past about 200 levels markdown-it's recursion would exhaust
# Python's stack, so deeper content is dropped and the parser reports it instead.
MAX_NESTING = 200

# Every construct vaultgraph reads inside a block starts with one of these: ``[`` links, embeds
# and images (``![``), ``#`` tags, ``%%`` and ``<!--`` comments, ``^`` block ids. Inline text
# without any of them holds nothing to find, so its inline parse is skipped.
_INLINE_TRIGGERS = frozenset("[#%<^")


class _VaultMarkdown(MarkdownIt):
    """markdown-it that keeps link destinations as written.

    markdown-it percent-encodes every destination (and punycodes hosts) for HTML output; the parser
    percent-decodes internal targets anyway and drops external ones, so that work (a sixth of the
    parse time on link-heavy vaults) buys nothing. ``validateLink`` still refuses ``javascript:``,
    ``file:`` and ``data:`` destinations.
    """

    def normalizeLink(self, url: str) -> str:
        return url


def _inline_where_needed(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, run only on blocks that can hold a link, tag or id."""
    inline = state.md.inline
    for index, token in enumerate(state.tokens):
        if token.type != "inline":
            continue
        content = token.content
        # Headings are always parsed: their visible text (without ``**``) is what links match.
        heading = index > 0 and state.tokens[index - 1].type == "heading_open"
        if not heading and _INLINE_TRIGGERS.isdisjoint(content):
            text = Token("text", "", 0)
            text.content = content
            token.children = [text]
        else:
            token.children = []
            inline.parse(content, state.md, state.env, token.children)


@cache
def parser() -> MarkdownIt:
    """CommonMark + GFM tables and strikethrough + frontmatter + Obsidian comments, links, tags.

    Trimmed to what vaultgraph reads: the token stream still decides what is code, a heading, a
    list item or a table cell exactly as CommonMark does, but text that cannot hold a link, tag or
    block id skips its inline parse.
    """
    md = _VaultMarkdown("commonmark", {"maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.core.ruler.at("inline", _inline_where_needed)
    md.use(front_matter_plugin)
    md.use(comments_plugin)
    md.use(offsets_plugin)
    md.use(wikilinks_plugin)
    md.use(tags_plugin)
    return md
