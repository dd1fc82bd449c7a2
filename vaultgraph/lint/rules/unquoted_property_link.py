"""unquoted-property-link: a link in a property without quotes, which YAML reads as no link."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import finding
from vaultgraph.model import PROPERTY_LINK_PROBLEMS, Problem

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check", "quoted"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A wikilink or embed written as a property's value without quotes. To YAML, `up: [[B]]`
    is a list inside a list, not a link: Obsidian shows no link and the graph has no edge.
    `![[cover.png]]` starts with a YAML tag and `[[B]] and text` is no YAML at all, so Obsidian
    reads none of the note's properties (invalid-frontmatter reports that too). Found in YAML's
    own reading of the frontmatter, in values and list entries alike, so a quoted `"[[B]]"` and
    a real nested list (`[[1, 2], [3, 4]]`) never count; `tags` and `aliases` are left to
    invalid-frontmatter. The fix puts the value in double quotes, all of it to the end of its
    line when YAML could not read it, and changes nothing else.

    Bad:

        ---
        up: [[AWS Containers]]
        related:
          - [[ECS|Elastic Container Service]]
        cover: ![[ecs.png]]
        ---

    Good:

        ---
        up: "[[AWS Containers]]"
        related:
          - "[[ECS|Elastic Container Service]]"
        cover: "![[ecs.png]]"
        ---
    """
    path = note.path
    for problem in note.problems:
        if problem.code in PROPERTY_LINK_PROBLEMS:
            fix = _fix(problem)
            advice = f"write {fix.replacement}" if fix else "put the whole value in quotes"
            message = f"{problem.message}; {advice}"
            yield finding(RULE, path, problem.line, problem.column, message, fix)


def _fix(problem: Problem) -> Edit | None:
    """Quote the value the problem names, when the parser found quoting enough to repair it."""
    value = quoted(problem.written) if problem.written else None
    if value is None:
        return None
    return Edit(problem.line, problem.column, problem.column + len(problem.written), value)


def quoted(text: str) -> str | None:
    """``text`` as a YAML double-quoted text that reads back as exactly ``text``, or None.

    Double quotes, as Obsidian writes a link property; only ``\\`` and ``"`` need escaping.
    """
    # Imported here: the registry imports every rule, and a check replayed from its memo must
    # not pay for PyYAML (a tenth of its time).
    import yaml

    value = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    try:
        same = yaml.load(value, Loader=yaml.SafeLoader) == text
    except yaml.YAMLError:
        return None  # a character double quotes cannot hold as it is
    return value if same else None


RULE = Rule(
    code="VG204",
    name="unquoted-property-link",
    severity=Severity.WARNING,
    enabled=True,
    summary="A link in a property without quotes: YAML reads it as a nested list or a tag.",
    check_note=check,
    fixable=True,
)
