"""markdown-it's own links, images and inline HTML: record where they start, and keep them linear.

Their tokens do not say where they stand in the source, so the wrapped rules record it. And
markdown-it-py scans for the end of a link label from every ``[``: a line of 100,000 unclosed
``[[`` would cost minutes, so a ``[`` with no ``]`` anywhere after it is refused at once.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.parser_inline import RuleFuncInlineType
from markdown_it.rules_inline import StateInline

__all__ = ["offsets_plugin"]

_OPENERS = frozenset({"link_open", "image", "html_inline"})
_LABEL_RULES = frozenset({"link", "image"})
_ENV_KEY = "vaultgraph_last_bracket"


def _last_bracket(state: StateInline) -> int:
    """Where the last ``]`` of this inline source stands, looked up once per source."""
    cached = state.env.get(_ENV_KEY)
    if cached is not None and cached[0] is state.src:
        return int(cached[1])
    last = state.src.rfind("]")
    state.env[_ENV_KEY] = (state.src, last)
    return last


def _wrapped(rule: RuleFuncInlineType, needs_bracket: bool) -> RuleFuncInlineType:
    # One wrapper, not two: every frame counts against Python's recursion limit when markdown-it
    # nests link labels.
    def recorded(state: StateInline, silent: bool) -> bool:
        if needs_bracket and _last_bracket(state) < state.pos:
            return False
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
    """Wrap ``link``, ``image`` and ``html_inline``: their first token gets meta ``offset``."""
    for name in ("link", "image", "html_inline"):
        rule = next(r for r in md.inline.ruler.getRules("") if getattr(r, "__name__", "") == name)
        md.inline.ruler.at(name, _wrapped(rule, needs_bracket=name in _LABEL_RULES))
