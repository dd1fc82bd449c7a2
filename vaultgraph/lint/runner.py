"""Run the selected rules over a vault and keep the findings its configuration lets through."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vaultgraph.files import APP_JSON, read_app_json
from vaultgraph.lint.config import Config, SelectorError, expand_selector, glob_matches
from vaultgraph.lint.engine import (
    NoteChecked,
    PoolChecked,
    check_canvases,
    check_in_pool,
    check_notes,
    check_whole_vault,
    links_by_source,
    vault_view,
)
from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.obsidian import obsidian_excluded, read_excluded_files
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.suppress import Directive, covers, directives
from vaultgraph.settings import decode_app_json, settings_from

if TYPE_CHECKING:
    from pathlib import Path

    from vaultgraph.files import SkippedPath
    from vaultgraph.lint.context import VaultView
    from vaultgraph.lint.suggest import Suggestion
    from vaultgraph.model import Note
    from vaultgraph.reading import Progress
    from vaultgraph.resolve import ResolvedLink
    from vaultgraph.vault import Stamped, Vault

__all__ = [
    "CheckRun",
    "Evaluation",
    "NotesChecked",
    "Screen",
    "check_notes_of",
    "check_vault",
    "evaluate",
    "load_and_check",
    "obsidian_excluded",
    "run_checks",
    "select_rules",
    "warning_note",
]

_log = logging.getLogger("vaultgraph")
# A note's warning starts where a finding does: ``path:line: ``.
_NOTE_WARNING = re.compile(r"(?P<path>.+?):\d+: ", re.DOTALL)


def warning_note(warning: str, paths: Container[str]) -> str | None:
    """The note among ``paths`` that ``warning`` is about, if it is one note's (an unknown rule
    in its suppression comment), else ``None`` (a malformed setting, a costly filter)."""
    match = _NOTE_WARNING.match(warning)
    return match["path"] if match is not None and match["path"] in paths else None


_PathTest = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class CheckRun:
    """The outcome of checking a vault.

    ``rules`` are the rules that ran, with their severity after overrides; ``checked`` the notes
    (readable or not) that were not excluded; ``warnings`` what was odd but did not stop the run
    (a malformed ``.obsidian/app.json``, an unknown rule in a suppression comment);
    ``skipped`` the vault's paths that its listing left out (``Vault.skipped``).
    """

    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    checked: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    skipped: tuple[SkippedPath, ...] = ()


def run_checks(
    vault: Vault, config: Config, *, rules: Sequence[Rule] | None = None
) -> list[Finding]:
    """The sorted findings of the selected rules; warnings go to the ``vaultgraph`` logger."""
    run = check_vault(vault, config, rules=rules)
    for warning in run.warnings:
        _log.warning("%s", warning)
    return list(run.findings)


def check_vault(vault: Vault, config: Config, *, rules: Sequence[Rule] | None = None) -> CheckRun:
    """Run the rules ``config`` selects and filter their findings.

    Severity overrides apply, then findings in excluded notes (``exclude`` and Obsidian's
    "Excluded files"), per-path ignores and suppression comments drop out. Excluding a note
    silences it; links to it still resolve. Raises ``SelectorError`` for an unknown selector.
    """
    return evaluate(vault, config, rules=rules).run


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A check with what the memo keeps of it: each note's per-note findings (those the
    configuration lets through) with what its check asked for, and the "did you mean"
    suggestions looked up for missing targets (they hold for the next check of the same files
    and aliases)."""

    run: CheckRun
    notes: Mapping[str, NoteChecked]
    suggestions: Mapping[str, tuple[Suggestion, ...]]


def evaluate(
    vault: Vault,
    config: Config,
    *,
    rules: Sequence[Rule] | None = None,
    done: PoolChecked | None = None,
) -> Evaluation:
    """:func:`check_vault`, with what each note's check found and asked for. ``done``: what
    :func:`~vaultgraph.lint.engine.check_in_pool` found with the same rules in the notes the
    workers parsed: only the other notes are checked here."""
    known = done.suggestions if done is not None else {}
    view = vault_view(vault, known)
    found = check_notes_of(
        view,
        config,
        vault.notes,
        _links_of(vault, done.notes if done is not None else {}),
        every_note=sorted([*vault.notes, *vault.unreadable]),
        unreadable=vault.unreadable,
        app_json=vault.app_json,
        rules=rules,
        done=done.notes if done is not None else None,
    )
    whole = [
        f
        for f in [
            *check_whole_vault(found.run.rules, vault),
            *check_canvases(found.run.rules, view, vault),
        ]
        if found.screen.keep(f)
    ]
    findings = tuple(sorted([*found.run.findings, *whole]))
    run = dataclasses.replace(found.run, findings=findings, skipped=vault.skipped)
    built = view.built_targets()
    return Evaluation(run, found.notes, built.known() if built is not None else dict(known))


def load_and_check(
    root: Path,
    config: Config,
    *,
    cache: bool | str | os.PathLike[str] = True,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> tuple[Stamped, Evaluation]:
    """Load the vault at ``root`` and check it: the per-note rules run in the worker processes
    that parse the notes, on the notes each parsed, and this process checks the rest (notes
    from the cache, or all of them when parsing ran here) and runs the whole-vault rules. The
    findings are those of ``evaluate(load_vault(root), config)``."""
    from vaultgraph.reading import NotePool
    from vaultgraph.vault import load_stamped

    selected = select_rules(config)
    with NotePool(jobs) as pool:
        stamped = load_stamped(root, cache=cache, jobs=jobs, progress=progress, pool=pool)
        done = check_in_pool(pool, selected, stamped.vault)
    return stamped, evaluate(stamped.vault, config, done=done)


@dataclass(frozen=True, slots=True)
class NotesChecked:
    """:func:`check_notes_of`'s answer: the run over those notes, each note's result, and the
    screen that filtered them (for findings made elsewhere, such as whole-vault rules')."""

    run: CheckRun
    notes: Mapping[str, NoteChecked]
    screen: Screen


def check_notes_of(
    view: VaultView,
    config: Config,
    notes: Mapping[str, Note],
    links: Mapping[str, tuple[ResolvedLink, ...]],
    *,
    every_note: Sequence[str],
    unreadable: Mapping[str, str] | None = None,
    app_json: bytes | OSError | None = None,
    rules: Sequence[Rule] | None = None,
    done: Mapping[str, NoteChecked] | None = None,
) -> NotesChecked:
    """The per-note rules ``config`` selects, run on ``notes`` (and ``unreadable``) of a vault
    whose notes, readable or not, are ``every_note`` (sorted), filtered as
    :func:`check_vault` filters. ``app_json``: the bytes of Obsidian's settings, if read;
    ``done``: the results of notes checked already (see :func:`evaluate`)."""
    registry = _registry() if rules is None else tuple(rules)
    selected = select_rules(config, registry)
    screen = Screen(view.root, config, registry, every_note, notes, app_json)
    done = done or {}
    left = {path: note for path, note in notes.items() if path not in done}
    found = {
        **{path: done[path] for path in notes if path in done},
        **check_notes(selected, view, left, links, unreadable),
    }
    kept = {
        path: dataclasses.replace(
            result, findings=tuple(f for f in result.findings if screen.keep(f))
        )
        for path, result in found.items()
    }
    findings = tuple(sorted(f for result in kept.values() for f in result.findings))
    run = CheckRun(findings, selected, screen.checked, screen.warnings)
    return NotesChecked(run, kept, screen)


def _links_of(vault: Vault, done: Mapping[str, NoteChecked]) -> dict[str, tuple[ResolvedLink, ...]]:
    """The resolved links of the notes not in ``done``, by note: the vault's own when that is
    every note, else only theirs (a check whose notes were checked in the workers that parsed
    them never resolves the whole vault)."""
    if not done:
        return links_by_source(vault.links)
    from vaultgraph.resolve import resolve_all

    left = {path: note for path, note in vault.notes.items() if path not in done}
    if not left:
        return {}
    return links_by_source(resolve_all(left, (), index=vault.index, targets=vault.notes))


class Screen:
    """What a configuration lets through: no finding in an excluded note (``exclude``,
    Obsidian's "Excluded files"), none a per-path ignore or a suppression comment hides.
    ``notes`` are all the vault's notes, readable or not, sorted; ``commented`` the parsed
    notes whose suppression comments apply (their warnings end :attr:`warnings`)."""

    def __init__(
        self,
        root: Path,
        config: Config,
        registry: Sequence[Rule],
        notes: Sequence[str],
        commented: Mapping[str, Note],
        app_json: bytes | OSError | None = None,
    ) -> None:
        if app_json is None:
            try:
                app_json = read_app_json(root)
            except OSError as error:
                app_json = error
        self._obsidian = read_excluded_files(root, app_json=app_json)
        # How links are written is not the check's business, but a value Obsidian's own
        # settings hold that vaultgraph cannot use is said where settings are said: here. A
        # file that cannot be read at all the excluded files' warning has said already.
        document = decode_app_json(app_json) if isinstance(app_json, bytes) else None
        source = str(root / APP_JSON)
        written = settings_from(document, source).warnings if isinstance(document, dict) else ()
        # Every filter is asked about every note once, in order, before anything else: a regex
        # that runs out of its budget then excludes nothing, whichever finding asked first.
        hidden, costly = self._obsidian.matching(notes)
        self._globs = [_glob_test(g) for g in config.exclude]
        excluded = hidden | {path for path in notes if any(test(path) for test in self._globs)}
        self._excluded = excluded
        self._known = frozenset(notes)
        self._path_ignores = [
            (_glob_test(glob), _codes(selectors, registry))
            for glob, selectors in config.per_path_ignores.items()
        ]
        self.checked = tuple(p for p in notes if p not in excluded)
        self._suppressions = _Suppressions(commented, registry)
        self.warnings = (
            *self._obsidian.warnings,
            *written,
            *costly,
            *self._suppressions.warnings,
        )

    def keep(self, finding: Finding) -> bool:
        if finding.path in self._excluded:
            return False
        if finding.path not in self._known and (
            self._obsidian.excludes(finding.path) or any(test(finding.path) for test in self._globs)
        ):
            return False
        if any(test(finding.path) and finding.code in codes for test, codes in self._path_ignores):
            return False
        return not self._suppressions.hide(finding)


def select_rules(config: Config, rules: Sequence[Rule] | None = None) -> tuple[Rule, ...]:
    """The rules to run, in registry order, each with its severity after overrides.

    ``rules`` defaults to the registry. Raises ``SelectorError`` for an unknown selector.
    """
    rules = _registry() if rules is None else rules
    if config.select is None:
        chosen = {rule.code for rule in rules if rule.enabled}
    else:
        chosen = _codes(config.select, rules)
    chosen |= _codes(config.extend_select, rules)
    chosen -= _codes(config.ignore, rules)
    return tuple(_with_severity(r, config.severity, rules) for r in rules if r.code in chosen)


def _registry() -> tuple[Rule, ...]:
    from vaultgraph.lint.registry import RULES

    return tuple(RULES)


def _codes(selectors: Iterable[str], rules: Sequence[Rule]) -> set[str]:
    return {rule.code for selector in selectors for rule in expand_selector(selector, rules)}


def _with_severity(rule: Rule, overrides: Mapping[str, Severity], rules: Sequence[Rule]) -> Rule:
    matching = [
        (_specificity(selector, rule), severity)
        for selector, severity in overrides.items()
        if rule in expand_selector(selector, rules)
    ]
    if not matching:
        return rule
    return dataclasses.replace(rule, severity=max(matching)[1])


def _specificity(selector: str, rule: Rule) -> int:
    """How closely a selector names a rule: its name or code beats a prefix, a prefix ``ALL``."""
    wanted = selector.strip().upper()
    if wanted in (rule.code, rule.name.upper()):
        return 100
    return 0 if wanted == "ALL" else len(wanted)


def _glob_test(glob: str) -> _PathTest:
    return lambda path: glob_matches(glob, path)


class _Suppressions:
    """Each note's suppression comments, read once, with the rule codes they name."""

    def __init__(self, notes: Mapping[str, Note], rules: Sequence[Rule]) -> None:
        self._rules = rules
        self.warnings: list[str] = []
        self._by_path = {
            path: tuple((d, self._resolve(path, d)) for d in found)
            for path, note in notes.items()
            if (found := directives(note.comments))
        }

    def hide(self, finding: Finding) -> bool:
        found = self._by_path.get(finding.path, ())
        return any(covers(d, finding, codes) for d, codes in found)

    def _resolve(self, path: str, directive: Directive) -> frozenset[str]:
        codes: set[str] = set()
        for selector in directive.selectors:
            try:
                codes |= {rule.code for rule in expand_selector(selector, self._rules)}
            except SelectorError:
                self.warnings.append(
                    f"{path}:{directive.line}: unknown rule '{selector}' in a "
                    f"vaultgraph-{directive.scope} comment; it suppresses nothing"
                )
        return frozenset(codes)
