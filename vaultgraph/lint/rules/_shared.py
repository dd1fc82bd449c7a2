"""What the rules share: findings built from a rule's metadata, links shown as written."""

from __future__ import annotations

from collections.abc import Sequence

from vaultgraph.lint.finding import Edit, Finding
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.suggest import TargetIndex, did_you_mean, suggest_targets
from vaultgraph.model import Link
from vaultgraph.resolve import Resolution, ResolvedLink


def finding(
    rule: Rule, path: str, line: int, column: int, message: str, fix: Edit | None = None
) -> Finding:
    return Finding(path, line, column, rule.code, rule.name, rule.severity, message, fix)


def at_link(rule: Rule, resolved: ResolvedLink, message: str, fix: Edit | None = None) -> Finding:
    link = resolved.link
    return finding(rule, resolved.source, link.line, link.column, message, fix)


def as_written(link: Link) -> str:
    """The link's source text on one line (a Markdown link's text may wrap)."""
    return " ".join(link.raw.split())


def missing_target(resolved: ResolvedLink, index: TargetIndex, unseen: Sequence[str] = ()) -> str:
    """Why nothing matches the target, with the closest existing names when there are any, and
    the places of the vault that could not be read, where it may be (``NoteContext.unseen``)."""
    target = resolved.link.target
    if resolved.rule is Resolution.OUTSIDE_VAULT:
        return f'"{target}" points outside the vault'
    nearest = suggest_targets(index, target)
    found = f'no note or file named "{target}"' + did_you_mean(
        nearest, in_table=resolved.link.in_table
    )
    return found + maybe_in(unseen)


def maybe_in(unseen: Sequence[str]) -> str:
    """``; it may be in "a", which vaultgraph could not read``, or nothing."""
    if not unseen:
        return ""
    places = [("the vault folder" if path == "." else f'"{path}"') for path in unseen]
    listed = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " or " + places[-1]
    return f"; it may be in {listed}, which vaultgraph could not read"


def target_note(resolved: ResolvedLink) -> str:
    """How a message names the note a subpath was looked up in."""
    if resolved.link.target == "":
        return "this note"
    return f'"{resolved.link.target}"'
