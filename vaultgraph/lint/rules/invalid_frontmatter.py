"""invalid-frontmatter: YAML that does not parse, or tags and aliases of the wrong type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import finding
from vaultgraph.model import FRONTMATTER_PROBLEMS

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """Frontmatter (the `---` block at the top of a note) that is not valid YAML, is not a set
    of `key: value` properties, or gives `tags` or `aliases` a value that is not a text or a
    list of texts. Obsidian then ignores all of the note's properties, or those tags and
    aliases, without saying so.

    Bad:

        ---
        tags: {cloud: yes}
        aliases: [AWS
        ---

    Good:

        ---
        tags: [cloud]
        aliases: [AWS]
        ---
    """
    path = note.path
    for problem in note.problems:
        if problem.code in FRONTMATTER_PROBLEMS:
            yield finding(RULE, path, problem.line, problem.column, problem.message)


RULE = Rule(
    code="VG301",
    name="invalid-frontmatter",
    severity=Severity.ERROR,
    enabled=True,
    summary="Frontmatter YAML that does not parse, or tags/aliases of the wrong type.",
    check_note=check,
)
