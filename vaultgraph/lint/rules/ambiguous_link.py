"""ambiguous-link: a link whose name matches several files, so only a tie-break picks one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import as_written, at_link
from vaultgraph.resolve import Resolution

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]

_WHY = {
    Resolution.SAME_FOLDER: "it is in the linking note's folder",
    Resolution.SHORTEST_PATH: "it has the shortest path",
}


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A link or embed that is not the vault path of a file but whose name matches more than one
    file, so Obsidian's tie-break (the file in the linking note's folder, else the one with the
    shortest path) decides where it goes, and moving or adding a file silently changes it.
    Writing the path removes the doubt. A link that is a file's exact path, such as `[[Note]]`
    when `Note.md` sits at the vault root, is not ambiguous.

    Bad:

        <!-- projects/Plan.md and archive/2023/Plan.md both exist -->
        See [[Plan]].

    Good:

        See [[projects/Plan]] or [[archive/2023/Plan]].
    """
    for resolved in context.links:
        if resolved.ambiguous:
            listed = ", ".join(f'"{path}"' for path in resolved.candidates)
            message = (
                f"ambiguous link {as_written(resolved.link)}: "
                f'"{resolved.link.target}" matches {len(resolved.candidates)} files ({listed}); '
                f'Obsidian picks "{resolved.resolved}" because {_WHY[resolved.rule]}'
            )
            yield at_link(RULE, resolved, message)


RULE = Rule(
    code="VG105",
    name="ambiguous-link",
    severity=Severity.WARNING,
    enabled=True,
    summary="A link whose name matches several files, so only Obsidian's tie-break picks one.",
    check_note=check,
)
