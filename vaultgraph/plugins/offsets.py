"""Record where markdown-it's own links, images and inline HTML start: its tokens do not say."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.parser_inline import RuleFuncInlineType
from markdown_it.rules_inline import StateInline

_OPENERS = frozenset({"link_open", "image", "html_inline"})


def _with_offset(rule: RuleFuncInlineType) -> RuleFuncInlineType:
    def recorded(state: StateInline, silent: bool) -> bool:
        start, first_new = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            # push() may first flush pending text into a token of its own: skip it.
            for opener in state.tokens[first_new:]:
                if opener.type in _OPENERS:
                    opener.meta = {**(opener.meta or {}), "offset": start, "end": state.pos}
                    break
        return matched

    return recorded


def offsets_plugin(md: MarkdownIt) -> None:
    """Wrap the ``link``, ``image`` and ``html_inline`` rules: first token gets meta ``offset``."""
    for name in ("link", "image", "html_inline"):
        rule = next(r for r in md.inline.ruler.getRules("") if r.__name__ == name)
        md.inline.ruler.at(name, _with_offset(rule))
