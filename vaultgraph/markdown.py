"""The one markdown-it parser vaultgraph reads notes with."""

from __future__ import annotations

import logging
import types
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.parser_block import RuleFuncBlockType
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_def
from mdit_py_plugins.front_matter import front_matter_plugin

from vaultgraph.plugins import comments_plugin, offsets_plugin, tags_plugin, wikilinks_plugin

__all__ = ["MAX_NESTING", "configured", "parser"]

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


def _opening(marker: str, rule: RuleFuncBlockType) -> RuleFuncBlockType:
    """``rule``, asked only about lines that open with ``marker``.

    Block rules are tried on every line, and on every line of a paragraph to see whether it
    ends there; this one test is a fraction of the plugins' own first checks.
    """

    def guarded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if not state.src.startswith(marker, state.bMarks[start_line] + state.tShift[start_line]):
            return False
        return rule(state, start_line, end_line, silent)

    return guarded


def _obsidian_math(md: MarkdownIt) -> None:
    """``$inline$`` and ``$$display$$`` math, opened and closed by Obsidian's rules.

    Inline: no white space right after the opening ``$`` or right before the closing one, and no
    digit right before the opening or right after the closing one, so ``$5 and $10`` stays text;
    ``\\$`` is a dollar sign. ``$$…$$`` is display math anywhere in a paragraph, and a line that
    opens with ``$$`` starts a block that runs to the line ending in ``$$``, blank lines and all.
    Obsidian's block interrupts a paragraph and ends a list item's lazy lines (CommonMark's fence
    does too), so the block rule is an alternative for those; an unclosed ``$$`` is text.
    """
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True)
    md.block.ruler.at(
        "math_block",
        _opening("$$", math_block_dollar(allow_labels=False, allow_blank_lines=True)),
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )


class _QuietLogger:
    """A logger whose ``debug`` does nothing; every other method is the real logger's."""

    __slots__ = ("_logger",)

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def debug(self, *args: object, **kwargs: object) -> None:
        pass

    def __getattr__(self, name: str) -> object:
        return getattr(self._logger, name)


def _quiet_block_rules(md: MarkdownIt) -> None:
    """Give ``md``'s block rules a ``LOGGER`` whose ``debug`` does nothing.

    markdown-it-py's block rules each call ``LOGGER.debug`` on entry, and they are tried on every
    line: millions of calls per vault, a few per cent of the parse even with logging off. The
    rules are left as they are; each one that reads a module-level ``LOGGER`` is used here as a
    copy of itself (the same code, defaults and closure) that finds a quiet one in its globals
    instead, a copy of its module's taken when the parser is built (markdown-it-py never rebinds
    them). Only this parser's rules change: other MarkdownIt instances in the process, and every
    logger setting, stay as they were. A rule that is no plain function is left alone; so is every
    rule if a later markdown-it-py names its loggers otherwise, which only makes the parse slower
    (tests/test_parse_markdown.py notices).
    """
    ruler = md.block.ruler
    for rule in ruler.__rules__:
        function = rule.fn
        if not isinstance(function, types.FunctionType):
            continue
        logger = function.__globals__.get("LOGGER")
        if not isinstance(logger, logging.Logger):
            continue
        quiet = types.FunctionType(
            function.__code__,
            {**function.__globals__, "LOGGER": _QuietLogger(logger)},
            function.__name__,
            function.__defaults__,
            function.__closure__,  # shared, not copied: fence's rule is made by a factory
        )
        quiet.__kwdefaults__ = function.__kwdefaults__
        quiet.__qualname__ = function.__qualname__
        quiet.__module__ = function.__module__
        quiet.__doc__ = function.__doc__
        ruler.at(rule.name, quiet, {"alt": list(rule.alt)})


@cache
def parser() -> MarkdownIt:
    """CommonMark + GFM tables and strikethrough + frontmatter + footnotes + math + Obsidian
    comments, links and tags.

    Trimmed to what vaultgraph reads: the token stream still decides what is code, a heading, a
    list item or a table cell exactly as CommonMark does, but text that cannot hold a link, tag or
    block id skips its inline parse, and markdown-it's block rules log nothing.
    """
    md = configured()
    _quiet_block_rules(md)
    return md


def configured() -> MarkdownIt:
    """A new parser configured as :func:`parser` is, its block rules' logging left as it is."""
    md = _VaultMarkdown("commonmark", {"maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.core.ruler.at("inline", _inline_where_needed)
    md.use(front_matter_plugin)
    # Footnote definitions stay where they are written (not moved to the end for HTML output);
    # inline footnotes ``^[…]`` are left to the inline rules, which then find their links in
    # place: the plugin would parse them into a side list with positions of their own.
    md.use(footnote_plugin, inline=False, move_to_end=False)
    md.block.ruler.at(
        "footnote_def", _opening("[^", footnote_def), {"alt": ["paragraph", "reference"]}
    )
    md.use(_obsidian_math)
    md.use(comments_plugin)
    md.use(offsets_plugin)
    md.use(wikilinks_plugin)
    md.use(tags_plugin)
    return md
