"""broken-link: a link to a note or file that does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules._shared import as_written, at_link, maybe_in, missing_target
from vaultgraph.lint.suggest import TargetIndex, alias_owners
from vaultgraph.model import Link, LinkKind, LinkSyntax
from vaultgraph.resolve import Resolution, ResolvedLink

if TYPE_CHECKING:
    from vaultgraph.lint.context import NoteContext
    from vaultgraph.model import Note

__all__ = ["RULE", "check"]

# Characters a wikilink target cannot hold: they would end the target early.
_NOT_IN_TARGET = frozenset("|#^[]")


def check(note: Note, context: NoteContext) -> Iterator[Finding]:
    """A wikilink, Markdown link or frontmatter link whose target matches no file in the vault,
    resolved the way Obsidian resolves it (case-insensitive, by name or by path). Aliases are
    not link targets: Obsidian shows `[[AI]]` as an unresolved link even when a note lists `AI`
    among its aliases, so that is reported too, and when exactly one note has the alias the fix
    rewrites the link to `[[Note|AI]]`. Embeds are left to broken-embed. When a folder of the
    vault could not be read (no permission, a path too long for the system), the message says
    the target may be there, and a link to an alias is not rewritten. In a git work tree, a
    link that a rename made outside vaultgraph broke is repointed by the fix at the file's new
    path, when git's rename detection says where it went (since `HEAD`, or `check --since REV`).

    Bad:

        <!-- Kubernetes.md exists; Artificial Intelligence.md has aliases: [AI] -->
        See [[Kubernets]] and [[AI]].

    Good:

        See [[Kubernetes]] and [[Artificial Intelligence|AI]].
    """
    for resolved in context.links:
        if resolved.link.kind is LinkKind.LINK and resolved.resolved is None:
            yield _report(context.names, resolved, context.unseen)


def _report(index: TargetIndex, resolved: ResolvedLink, hidden: tuple[str, ...]) -> Finding:
    link = resolved.link
    shown = f"broken link {as_written(link)}"
    owners = alias_owners(index, link.target) if resolved.rule is Resolution.UNRESOLVED else ()
    replacement = _aliased(link, index.texts[owners[0]]) if len(owners) == 1 else None
    if replacement is None:
        return at_link(RULE, resolved, f"{shown}: {missing_target(resolved, index, hidden)}")
    owner = index.texts[owners[0]]
    message = (
        f'{shown}: no note or file named "{link.target}"; it is an alias of "{owner}", '
        f"and aliases are not link targets (write {replacement})"
    )
    if hidden:
        # The note it names may be in a folder that could not be read: no rewrite of a link
        # that may be right.
        return at_link(RULE, resolved, message + maybe_in(hidden))
    fix = Edit(link.line, link.column, link.column + len(link.raw), replacement)
    return at_link(RULE, resolved, message, fix)


def _aliased(link: Link, note: str) -> str | None:
    """``[[Note|alias]]`` for a link that names an alias, or None when it cannot be rewritten."""
    one_line = "\n" not in link.raw and link.raw.startswith("[[") and link.raw.endswith("]]")
    if link.syntax is LinkSyntax.MARKDOWN or not one_line or _NOT_IN_TARGET & set(note):
        return None
    subpath = f"#{link.subpath}" if link.subpath is not None else ""
    pipe = "\\|" if link.in_table else "|"
    return f"[[{note}{subpath}{pipe}{link.display or link.target}]]"


RULE = Rule(
    code="VG101",
    name="broken-link",
    severity=Severity.ERROR,
    enabled=True,
    summary="A link to a note or file that does not exist (aliases are not targets).",
    check_note=check,
    fixable=True,
)
