"""Markdown that quotes arbitrary text: code spans and fences that no backtick inside can close."""

from __future__ import annotations

import re

__all__ = ["code_block", "code_span"]

_BACKTICKS = re.compile(r"`+")


def code_span(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    fence = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str, info: str = "") -> str:
    """``text`` as a fenced code block: the fence is longer than any backtick run inside."""
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)
