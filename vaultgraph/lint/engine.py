"""Run rules: per-note rules note by note through a context, whole-vault rules over the vault.

The engine knows nothing of configuration or filtering (vaultgraph/lint/runner.py) and nothing
of the memo (vaultgraph/lint/memo.py): it takes the rules to run, each with the severity its
findings carry, and a view of the vault, and says what each note's check found and asked for.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vaultgraph.lint.context import NoteContext, VaultView
from vaultgraph.lint.finding import Finding
from vaultgraph.lint.rule import Rule

if TYPE_CHECKING:
    from vaultgraph.lint.suggest import TargetIndex
    from vaultgraph.model import Note, Outlined
    from vaultgraph.resolve import LinkIndex, ResolvedLink
    from vaultgraph.vault import Vault

__all__ = [
    "NoteChecked",
    "RuleContractError",
    "check_note",
    "check_notes",
    "check_unreadable",
    "check_whole_vault",
    "links_by_source",
    "run_rule",
    "vault_view",
]


class RuleContractError(Exception):
    """A rule broke its contract (a per-note rule reported a problem in another note)."""


@dataclass(frozen=True, slots=True)
class NoteChecked:
    """What the per-note rules found in one note, and what of the vault they looked at: the
    other notes (``asked``) and whether the index of names and aliases (``used_names``)."""

    findings: tuple[Finding, ...]
    asked: frozenset[str] = frozenset()
    used_names: bool = False


_NO_LINKS: tuple[ResolvedLink, ...] = ()


def check_note(
    rules: Sequence[Rule], note: Note, links: tuple[ResolvedLink, ...], view: VaultView
) -> NoteChecked:
    """The per-note ``rules`` run on one readable note, in order, each finding with its rule's
    severity. Raises :class:`RuleContractError` for a finding placed in another note."""
    context = NoteContext(note.path, links, view)
    found: list[Finding] = []
    for rule in rules:
        if rule.check_note is not None:
            found.extend(_own(rule, note.path, rule.check_note(note, context)))
    return NoteChecked(tuple(found), context.asked, context.used_names)


def check_unreadable(rules: Sequence[Rule], path: str, reason: str) -> NoteChecked:
    """The per-note ``rules`` that judge a note that could not be read."""
    found = [
        finding
        for rule in rules
        if rule.check_unreadable is not None
        for finding in _own(rule, path, rule.check_unreadable(path, reason))
    ]
    return NoteChecked(tuple(found))


def check_notes(
    rules: Sequence[Rule],
    view: VaultView,
    notes: Mapping[str, Note],
    links: Mapping[str, tuple[ResolvedLink, ...]],
    unreadable: Mapping[str, str] | None = None,
) -> dict[str, NoteChecked]:
    """:func:`check_note` for each of ``notes`` (with its resolved ``links``) and
    :func:`check_unreadable` for each of ``unreadable``; by path. Whole-vault rules are
    skipped."""
    per_note = [rule for rule in rules if rule.per_note]
    checked = {
        path: check_note(per_note, note, links.get(path, _NO_LINKS), view)
        for path, note in notes.items()
    }
    for path, reason in (unreadable or {}).items():
        checked[path] = check_unreadable(per_note, path, reason)
    return checked


def check_whole_vault(rules: Sequence[Rule], vault: Vault) -> list[Finding]:
    """The findings of the whole-vault ``rules`` (per-note ones are skipped)."""
    return [
        _severe(rule, finding)
        for rule in rules
        if rule.check_vault is not None
        for finding in rule.check_vault(vault)
    ]


def run_rule(rule: Rule, vault: Vault) -> list[Finding]:
    """One rule of either shape over a loaded vault, findings in order (for tests and tools)."""
    if rule.check_vault is not None:
        return sorted(check_whole_vault([rule], vault))
    checked = check_notes(
        [rule], vault_view(vault), vault.notes, links_by_source(vault.links), vault.unreadable
    )
    return sorted(f for result in checked.values() for f in result.findings)


def links_by_source(links: Iterable[ResolvedLink]) -> dict[str, tuple[ResolvedLink, ...]]:
    """Resolved links grouped by the note they are written in, each group in source order."""
    grouped: defaultdict[str, list[ResolvedLink]] = defaultdict(list)
    for resolved in links:
        grouped[resolved.source].append(resolved)
    return {path: tuple(group) for path, group in grouped.items()}


def vault_view(vault: Vault) -> _LoadedView:
    """The view of a loaded vault that the per-note rules check its notes against."""
    return _LoadedView(vault)


class _LoadedView:
    """A loaded vault, seen by per-note rules; its index of names is built once, when asked."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    @property
    def root(self) -> Path:
        return self._vault.root

    @property
    def index(self) -> LinkIndex:
        return self._vault.index

    @cached_property
    def unseen(self) -> tuple[str, ...]:
        return tuple(skipped.path for skipped in self._vault.skipped if skipped.unseen)

    def outline(self, path: str) -> Outlined | None:
        return self._vault.notes.get(path)

    @cached_property
    def _targets(self) -> TargetIndex:
        from vaultgraph.lint.suggest import build_target_index

        return build_target_index(self._vault)

    def targets(self) -> TargetIndex:
        return self._targets

    def lines(self, path: str) -> list[str] | None:
        return self._vault.lines(path)

    def built_targets(self) -> TargetIndex | None:
        """The index of names, if a rule asked for it."""
        return self.__dict__.get("_targets")


def _own(rule: Rule, path: str, found: Iterable[Finding]) -> Iterable[Finding]:
    for finding in found:
        if finding.path != path:
            raise RuleContractError(
                f"{rule.name} reported {finding.path!r} while checking {path!r}: a per-note "
                "rule reports problems in the note it checks only"
            )
        yield _severe(rule, finding)


def _severe(rule: Rule, finding: Finding) -> Finding:
    if finding.severity is rule.severity:
        return finding
    return dataclasses.replace(finding, severity=rule.severity)
