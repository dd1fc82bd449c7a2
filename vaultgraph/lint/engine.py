"""Run rules: per-note rules note by note through a context, whole-vault rules over the vault.

The engine knows nothing of configuration or filtering (vaultgraph/lint/runner.py) and nothing
of the memo (vaultgraph/lint/memo.py): it takes the rules to run, each with the severity its
findings carry, and a view of the vault, and says what each note's check found and asked for.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vaultgraph.lint.context import NoteContext, VaultView
from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.rule import Rule

if TYPE_CHECKING:
    from vaultgraph.lint.suggest import Suggestion, TargetIndex
    from vaultgraph.model import Note, Outlined
    from vaultgraph.reading import NotePool
    from vaultgraph.resolve import LinkIndex, ResolvedLink
    from vaultgraph.vault import Vault

__all__ = [
    "NoteChecked",
    "PoolChecked",
    "RuleContractError",
    "check_canvases",
    "check_in_pool",
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
    path = note.path
    context = NoteContext(path, links, view)
    found: list[Finding] = []
    # A check calls every rule on every note, most of which find nothing: this loop is the
    # engine's whole cost per note, kept to a plain call and an append per finding.
    for rule in rules:
        if rule.check_note is not None:
            _own(rule, path, rule.check_note(note, context), found)
    return NoteChecked(tuple(found), context.asked, context.used_names)


def check_unreadable(rules: Sequence[Rule], path: str, reason: str) -> NoteChecked:
    """The per-note ``rules`` that judge a note that could not be read."""
    found: list[Finding] = []
    for rule in rules:
        if rule.check_unreadable is not None:
            _own(rule, path, rule.check_unreadable(path, reason), found)
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


def check_canvases(rules: Sequence[Rule], view: VaultView, vault: Vault) -> list[Finding]:
    """The per-note ``rules`` over the vault's canvases (their references, placed in the
    canvas files), as over notes. No finding in a canvas offers a fix: an edit is applied to a
    line as Markdown, and a canvas line is JSON, where it would break the escapes."""
    if not vault.canvases:
        return []
    per_note = [rule for rule in rules if rule.per_note]
    from vaultgraph.resolve import resolve_all

    # Only the canvases' links: a check whose notes the workers checked never resolves them all.
    resolved = resolve_all(vault.canvases, (), index=vault.index, targets=vault.notes)
    links = links_by_source(resolved)
    checked = check_notes(per_note, view, vault.canvases, links)
    return [
        dataclasses.replace(finding, fix=None) if finding.fix is not None else finding
        for result in checked.values()
        for finding in result.findings
    ]


def run_rule(rule: Rule, vault: Vault) -> list[Finding]:
    """One rule of either shape over a loaded vault, findings in order (for tests and tools)."""
    if rule.check_vault is not None:
        return sorted(check_whole_vault([rule], vault))
    view = vault_view(vault)
    checked = check_notes([rule], view, vault.notes, links_by_source(vault.links), vault.unreadable)
    found = [f for result in checked.values() for f in result.findings]
    return sorted([*found, *check_canvases([rule], view, vault)])


@dataclass(frozen=True, slots=True)
class PoolChecked:
    """What the workers found in the notes they parsed (by path), and the "did you mean"
    suggestions they looked up for missing targets (by target), which hold for any check of
    the same files and aliases."""

    notes: Mapping[str, NoteChecked]
    suggestions: Mapping[str, tuple[Suggestion, ...]]


_NOTHING_IN_POOL = PoolChecked({}, {})


def check_in_pool(pool: NotePool, rules: Sequence[Rule], vault: Vault) -> PoolChecked:
    """:func:`check_note` for each note ``pool``'s workers parsed, run in those workers, with
    the severities of ``rules`` (whole-vault rules are skipped). Nothing when the workers hold
    no notes or could not check them: the caller checks the notes left."""
    per_note = tuple(rule for rule in rules if rule.per_note)
    if not per_note or not vault.notes or not pool.holds_notes:
        return _NOTHING_IN_POOL
    shared = _Shared(
        per_note,
        str(vault.root),
        tuple(sorted({*vault.notes, *vault.unreadable, *vault.attachments})),
        tuple(skipped.path for skipped in vault.skipped if skipped.unseen),
        {path: note.aliases for path, note in sorted(vault.notes.items()) if note.aliases},
        {
            path: _packed_outline(note)
            for path, note in vault.notes.items()
            if note.headings or note.block_ids or note.partly_read
        },
        tuple(vault.notes),
    )
    replies = pool.visit(_check_kept, shared)
    if replies is None:
        return _NOTHING_IN_POOL
    from vaultgraph.lint.suggest import Suggestion

    severities = {severity.value: severity for severity in Severity}
    checked: dict[str, NoteChecked] = {}
    suggestions: dict[str, tuple[Suggestion, ...]] = {}
    for found, known in replies:
        for path, (findings, asked, names) in found.items():
            unpacked = tuple(_unpacked(packed, severities) for packed in findings)
            checked[path] = NoteChecked(unpacked, frozenset(asked), names)
        for target, pairs in known.items():
            suggestions[target] = tuple(Suggestion(*pair) for pair in pairs)
    return PoolChecked(checked, suggestions)


def links_by_source(links: Iterable[ResolvedLink]) -> dict[str, tuple[ResolvedLink, ...]]:
    """Resolved links grouped by the note they are written in, each group in source order."""
    grouped: defaultdict[str, list[ResolvedLink]] = defaultdict(list)
    for resolved in links:
        grouped[resolved.source].append(resolved)
    return {path: tuple(group) for path, group in grouped.items()}


def vault_view(
    vault: Vault, known: Mapping[str, tuple[Suggestion, ...]] | None = None
) -> _LoadedView:
    """The view of a loaded vault that the per-note rules check its notes against; ``known``:
    suggestions looked up before for the same files and aliases."""
    return _LoadedView(vault, known)


class _LoadedView:
    """A loaded vault, seen by per-note rules; its index of names is built once, when asked."""

    def __init__(
        self, vault: Vault, known: Mapping[str, tuple[Suggestion, ...]] | None = None
    ) -> None:
        self._vault = vault
        self._known = known

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

        return build_target_index(self._vault, self._known)

    def targets(self) -> TargetIndex:
        return self._targets

    def lines(self, path: str) -> list[str] | None:
        return self._vault.lines(path)

    def built_targets(self) -> TargetIndex | None:
        """The index of names, if a rule asked for it."""
        return self.__dict__.get("_targets")


# What the workers are sent to check the notes they parsed: plain data, pickled once per worker.
_PackedHeading = tuple[int, str, str, int, int]
_PackedOutline = tuple[tuple[_PackedHeading, ...], tuple[tuple[str, int, int], ...], bool]
_PackedEdit = tuple[int, int, int, str, bool]
_PackedFinding = tuple[str, int, int, str, str, str, str, _PackedEdit | None]
_PackedChecked = tuple[tuple[_PackedFinding, ...], tuple[str, ...], bool]


@dataclass(frozen=True, slots=True)
class _Shared:
    rules: tuple[Rule, ...]  # the per-note rules, with their severities
    root: str
    files: tuple[str, ...]  # every file of the vault, sorted
    unseen: tuple[str, ...]
    aliases_of: dict[str, tuple[str, ...]]  # in path order, notes with aliases only
    outlines: dict[str, _PackedOutline]  # notes with headings, block ids or an unread part
    readable: tuple[str, ...]  # every readable note


def _check_kept(
    notes: Mapping[str, Note], shared: _Shared
) -> tuple[dict[str, _PackedChecked], dict[str, tuple[tuple[str, str | None], ...]]]:
    """In a worker: the per-note rules over the notes it parsed, as a check in the main
    process runs them (the same index, names and outlines, built from ``shared``)."""
    from vaultgraph.resolve import build_index, resolve_all

    view = _SharedView(shared, build_index(shared.files))
    links = links_by_source(resolve_all(notes, (), index=view.index, targets=view.outlines))
    checked: dict[str, _PackedChecked] = {}
    for path, note in notes.items():
        result = check_note(shared.rules, note, links.get(path, _NO_LINKS), view)
        findings = tuple(_packed_finding(finding) for finding in result.findings)
        checked[path] = (findings, tuple(sorted(result.asked)), result.used_names)
    names = view.built_targets()
    known = {} if names is None else names.known()
    return checked, {t: tuple((s.target, s.alias) for s in found) for t, found in known.items()}


class _SharedView:
    """A worker's view of the vault, rebuilt from what it was sent."""

    def __init__(self, shared: _Shared, index: LinkIndex) -> None:
        self._shared = shared
        self.root = Path(shared.root)
        self.index = index
        self.unseen = shared.unseen
        self.outlines = _Outlines(shared.outlines, frozenset(shared.readable))
        self._targets: TargetIndex | None = None

    def outline(self, path: str) -> Outlined | None:
        return self.outlines.get(path)

    def targets(self) -> TargetIndex:
        from vaultgraph.lint.suggest import TargetIndex

        if self._targets is None:
            self._targets = TargetIndex(self._shared.files, self._shared.aliases_of)
        return self._targets

    def built_targets(self) -> TargetIndex | None:
        return self._targets

    def lines(self, path: str) -> list[str] | None:
        from vaultgraph.files import read_lines

        return read_lines(self.root, path)


class _Outlines(Mapping[str, "Outlined"]):
    """The readable notes' outlines, each rebuilt when first looked up."""

    def __init__(self, packed: Mapping[str, _PackedOutline], readable: frozenset[str]) -> None:
        self._packed = packed
        self._readable = readable
        self._built: dict[str, Outlined] = {}

    def __getitem__(self, path: str) -> Outlined:
        if path not in self._readable:
            raise KeyError(path)
        if path not in self._built:
            self._built[path] = _outline(self._packed.get(path))
        return self._built[path]

    def __contains__(self, path: object) -> bool:
        return path in self._readable

    def __iter__(self) -> Iterator[str]:
        return iter(self._readable)

    def __len__(self) -> int:
        return len(self._readable)


def _packed_outline(note: Note) -> _PackedOutline:
    headings = tuple((h.level, h.text, h.plain, h.line, h.column) for h in note.headings)
    return headings, tuple((b.id, b.line, b.column) for b in note.block_ids), note.partly_read


def _outline(packed: _PackedOutline | None) -> Outlined:
    from vaultgraph.model import BlockId, Heading, Outline

    if packed is None:
        return Outline()
    headings, blocks, partly_read = packed
    return Outline(
        tuple(Heading(*heading) for heading in headings),
        tuple(BlockId(*block) for block in blocks),
        partly_read,
    )


def _packed_finding(finding: Finding) -> _PackedFinding:
    fix = finding.fix
    edit = (
        None
        if fix is None
        else (fix.line, fix.column, fix.end_column, fix.replacement, fix.delete_line)
    )
    return (
        finding.path,
        finding.line,
        finding.column,
        finding.code,
        finding.rule,
        finding.severity.value,
        finding.message,
        edit,
    )


def _unpacked(packed: _PackedFinding, severities: Mapping[str, Severity]) -> Finding:
    path, line, column, code, rule, severity, message, edit = packed
    fix = None if edit is None else Edit(*edit)
    return Finding(path, line, column, code, rule, severities[severity], message, fix)


def _own(rule: Rule, path: str, reported: Iterable[Finding], found: list[Finding]) -> None:
    """Append what ``rule`` reported in the note at ``path`` to ``found``, with the rule's
    severity; a finding in another note breaks the contract."""
    for finding in reported:
        if finding.path != path:
            raise RuleContractError(
                f"{rule.name} reported {finding.path!r} while checking {path!r}: a per-note "
                "rule reports problems in the note it checks only"
            )
        found.append(_severe(rule, finding))


def _severe(rule: Rule, finding: Finding) -> Finding:
    if finding.severity is rule.severity:
        return finding
    return dataclasses.replace(finding, severity=rule.severity)
