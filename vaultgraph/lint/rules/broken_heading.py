"""broken-heading: a link to a heading that its target note does not have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import as_written, at_link, target_note
from vaultgraph.lint.suggest import closest
from vaultgraph.resolve import ResolvedLink

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A link or embed to a heading (`[[Note#Heading]]`, `[[#Heading]]`, `![[Note#Heading]]`,
    `[text](Note.md#Heading)`) whose note exists but has no such heading, so Obsidian opens the
    note at the top or embeds nothing. Headings compare as Obsidian compares them: case does not
    matter, each of the characters `` !"#$%&()*+,.:;<=>?@^`{|}~/[]\\ `` counts as a space, runs
    of spaces count as one and spaces at either end not at all. Every other character must match
    as written: `[[#What s up]]` does not find `## What's up?`, nor `[[#Don't panic]]` (a straight
    apostrophe) `## Don\u2019t panic`. A heading is found by its text as written or as shown without
    its markup, and `[[Note#Part#Section]]` needs a Section under Part.

    Bad:

        # Setup

        See [[#Set up]] and [[Kubernetes#Instalation]].

    Good:

        # Setup

        See [[#Setup]] and [[Kubernetes#Installation]].
    """
    for resolved in context.links:
        link = resolved.link
        if resolved.subpath_exists is False and not link.is_block_ref and resolved.resolved:
            target = context.linked(resolved.resolved)
            headings = [heading.plain for heading in target.headings] if target else []
            yield at_link(RULE, resolved, _message(resolved, headings))


def _message(resolved: ResolvedLink, headings: list[str]) -> str:
    subpath = resolved.link.subpath or ""
    wanted = next((part for part in reversed(subpath.split("#")) if part.strip()), subpath)
    nearest = closest(wanted, headings, limit=1)
    hint = f' (did you mean "{nearest[0]}"?)' if nearest else ""
    return (
        f"broken heading {as_written(resolved.link)}: "
        f'{target_note(resolved)} has no heading "{subpath}"{hint}'
    )


RULE = Rule(
    code="VG103",
    name="broken-heading",
    severity=Severity.ERROR,
    enabled=True,
    summary="A link to a heading that the target note does not have.",
    check_note=check,
)
