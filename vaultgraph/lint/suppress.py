"""Suppression comments in notes: ``<!-- vaultgraph-disable-next-line broken-link -->`` and kin."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from vaultgraph.lint.finding import Finding
from vaultgraph.model import Comment

__all__ = ["Directive", "Scope", "covers", "directives"]

# The directive opens the comment; rules follow, separated by spaces or commas, and a
# ``-- reason`` may close it.
_DIRECTIVE = re.compile(r"vaultgraph-(disable-next-line|disable)(?=[\s,]|$)(.*)", re.DOTALL)


class Scope(StrEnum):
    NEXT_LINE = "disable-next-line"
    FILE = "disable"


@dataclass(frozen=True, slots=True)
class Directive:
    """One suppression comment.

    ``target`` is the line a ``disable-next-line`` covers: the line right after the comment
    ends, blank or not (as in markdownlint). ``selectors`` are rule names or codes as written;
    none means every rule.
    """

    scope: Scope
    line: int  # where the comment starts
    target: int | None  # ``None`` for the whole file
    selectors: tuple[str, ...]


def directives(comments: Iterable[Comment]) -> tuple[Directive, ...]:
    """The suppression directives among a note's comments, in order."""
    return tuple(d for d in map(_directive, comments) if d is not None)


def covers(directive: Directive, finding: Finding, codes: Collection[str]) -> bool:
    """Whether ``directive`` suppresses ``finding``; ``codes`` are those its selectors name."""
    if directive.target is not None and finding.line != directive.target:
        return False
    return not directive.selectors or finding.code in codes


def _directive(comment: Comment) -> Directive | None:
    found = _DIRECTIVE.fullmatch(comment.text.strip())
    if found is None:
        return None
    scope = Scope(found[1])
    rules = re.split(r"(?:^|\s)--(?:\s|$)", found[2], maxsplit=1)[0]
    selectors = tuple(s for s in re.split(r"[\s,]+", rules) if s)
    target = comment.end_line + 1 if scope is Scope.NEXT_LINE else None
    return Directive(scope, comment.line, target, selectors)
