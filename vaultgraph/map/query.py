"""Obsidian's graph search queries (`path:`, `file:`, `tag:`, `-`, `OR`) as a pure matcher.

The grammar (docs/map.md, "Obsidian's graph settings"), small enough to mirror in the page::

    query       := alternative ("OR" alternative)*
    alternative := term+                      (terms side by side: all must match)
    term        := ["-"] operator ":" value   ("-": must not match)
    operator    := "path" | "file" | "tag"
    value       := a word with no space, or "a quoted value"

``path:`` and ``file:`` find the value anywhere in the file's vault path or file name,
ignoring case; ``tag:#a`` (or ``tag:a``) finds notes tagged ``#a`` or a tag nested under it.
Anything else (bare words, which Obsidian looks for in the notes' text, parentheses,
``line:``, ``/regex/``...) is a ``QueryError``: a query is honoured exactly or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["OPERATORS", "Query", "QueryError", "Term", "matches", "parse_query"]

OPERATORS = ("path", "file", "tag")
_MAX_QUERY = 1000  # characters: a hand-written query is far shorter


class QueryError(ValueError):
    """The query uses what this matcher cannot honour; the message says what."""


@dataclass(frozen=True, slots=True)
class Term:
    operator: str  # one of OPERATORS
    value: str  # casefolded; a tag without its "#"
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    text: str  # as written
    alternatives: tuple[tuple[Term, ...], ...]  # any alternative whose terms all match


def parse_query(text: str) -> Query:
    """``text`` as a query; raises ``QueryError`` for what the grammar above does not hold."""
    if len(text) > _MAX_QUERY:
        raise QueryError(f"longer than {_MAX_QUERY} characters")
    alternatives: list[tuple[Term, ...]] = []
    current: list[Term] = []
    for word in _words(text):
        if word == "OR":
            if not current:
                raise QueryError("OR with nothing before it")
            alternatives.append(tuple(current))
            current = []
            continue
        current.append(_term(word))
    if not current:
        if alternatives:
            raise QueryError("OR with nothing after it")
        return Query(text, ())
    alternatives.append(tuple(current))
    return Query(text, tuple(alternatives))


def matches(query: Query, path: str, tags: Iterable[str]) -> bool:
    """Whether a file at vault ``path`` carrying ``tags`` (casefolded, no ``#``) matches; an
    empty query matches everything."""
    if not query.alternatives:
        return True
    folded = path.casefold()
    tagset = tuple(tags)
    return any(
        all(_holds(term, folded, tagset) != term.negated for term in terms)
        for terms in query.alternatives
    )


def _holds(term: Term, path: str, tags: tuple[str, ...]) -> bool:
    if term.operator == "path":
        return term.value in path
    if term.operator == "file":
        return term.value in path.rsplit("/", 1)[-1]
    return any(tag == term.value or tag.startswith(term.value + "/") for tag in tags)


def _words(text: str) -> list[str]:
    """Split at spaces outside double quotes; the quotes stay in the word."""
    words, word, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char.isspace() and not quoted:
            if word:
                words.append(word)
            word = ""
            continue
        word += char
    if quoted:
        raise QueryError("a quote is never closed")
    if word:
        words.append(word)
    return words


def _term(word: str) -> Term:
    negated = word.startswith("-")
    body = word[1:] if negated else word
    operator, colon, value = body.partition(":")
    if body.startswith("(") or body.endswith(")"):
        raise QueryError(f"parentheses ({word}) are not supported")
    if not colon:
        raise QueryError(f"{word!r} searches the notes' text, which the map does not hold")
    if operator not in OPERATORS:
        raise QueryError(f"{operator}: is not supported (only {', '.join(OPERATORS)})")
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        value = value[1:-1]
    elif '"' in value:
        raise QueryError(f"a quote inside {word!r}")
    if operator == "tag":
        value = value.removeprefix("#")
    if not value:
        raise QueryError(f"{word!r} has no value")
    return Term(operator, value.casefold(), negated)
