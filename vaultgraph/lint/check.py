"""``vaultgraph.check``: lint a vault as ``vaultgraph check`` does, and return what it found."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from vaultgraph.lint.config import Config, load_config
from vaultgraph.lint.runner import CheckRun, load_and_check, select_rules

if TYPE_CHECKING:
    from vaultgraph.files import SkippedPath
    from vaultgraph.gitrenames import Renames
    from vaultgraph.lint.finding import Finding
    from vaultgraph.lint.fix import FixReport
    from vaultgraph.lint.rule import Rule
    from vaultgraph.reading import Progress
    from vaultgraph.vault import Vault

__all__ = ["MAX_FIX_ROUNDS", "CheckResult", "check", "select_paths"]

# A fix checks again after each round of repairs; a vault needs two rounds at most in practice.
MAX_FIX_ROUNDS = 10


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What a check found, and with ``fix`` or ``diff`` what it repaired or would repair.

    ``findings`` are sorted, and with ``fix`` those left after the last round of repairs;
    ``rules`` the rules that ran, with their severity after overrides; ``checked`` the notes
    (readable or not) that were not excluded; ``warnings`` what was odd but did not stop the run
    (a malformed ``.obsidian/app.json``, an unknown rule in a suppression comment); ``skipped``
    the vault's paths its listing left out (``Vault.skipped``). ``fixes`` is every round's
    repairs in one report, ``None`` without ``fix`` or ``diff``; ``removed`` the temporary files
    a stopped fix had left, removed before this one began; ``unlocked`` why the vault's write
    lock could not be taken (the fix then ran unguarded, and removed none), else ``None``.
    ``empty`` is true when the folder holds no notes at all, readable or not: most likely it is
    not the vault folder (the CLI makes it an error); nothing was then checked or repaired.
    """

    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    checked: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    skipped: tuple[SkippedPath, ...] = ()
    fixes: FixReport | None = None
    removed: tuple[str, ...] = ()
    unlocked: str | None = None
    empty: bool = False


def check(
    path: str | os.PathLike[str],
    *,
    config: Config | str | os.PathLike[str] | None = None,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fix: bool = False,
    diff: bool = False,
    cache: bool | str | os.PathLike[str] = True,
    jobs: int | None = None,
    progress: Progress | None = None,
    only: Iterable[str | os.PathLike[str]] | None = None,
    since: str | None = None,
) -> CheckResult:
    """Check the vault at ``path`` with the rules its configuration selects.

    ``config``: ``None`` reads the vault's ``.vaultgraph.toml`` or ``pyproject.toml``, a path that
    file, a :class:`~vaultgraph.lint.config.Config` is used as it is; ``select``,
    ``extend_select`` and ``ignore`` (rule names, codes, prefixes or ``ALL``) override it as the
    command line's flags do. ``fix`` repairs what is safe to repair, holding the vault's write
    lock, and checks again until no repair changes anything; ``diff`` computes those repairs
    without writing any. ``cache``, ``jobs`` and ``progress`` are :func:`~vaultgraph.load_vault`'s;
    with ``cache`` a check of an unchanged vault is answered from the memo of the last one, with
    the same result.

    ``only`` (files and folders on disk, such as ``vault/Concepts`` or ``vault/Home.md``; see
    :func:`select_paths`) reports on those notes alone: the whole vault is still read and links
    resolved against all of it (a link out of ``Concepts/`` is not broken), and whole-vault rules
    such as orphan-note still see every note, but ``findings`` and ``checked`` keep only the notes
    at or under those paths, and ``fix`` and ``diff`` repair only them.

    In a git work tree, ``fix`` and ``diff`` also repoint the broken links and embeds that a
    rename made outside vaultgraph broke: git's rename detection from the commit ``since``
    names (by default ``HEAD``) to the files on disk says where their file went
    (:func:`~vaultgraph.gitrenames.working_tree_renames`, :func:`~vaultgraph.lint.repoint.repoint`).
    Without git, or outside a work tree, there is nothing to repoint; a ``since`` that git
    cannot read is a ``RevisionError``.

    Raises ``ConfigError`` or ``SelectorError`` before the vault is read, ``VaultError`` for a
    path that is not a folder (or, in ``only``, a path that does not exist or is outside the
    vault), ``RevisionError`` for a ``since`` git cannot compare with the working tree,
    ``VaultBusy`` when another process is fixing the vault, and ``ValueError`` for ``fix`` with
    ``diff``, ``since`` without either, or ``jobs`` below 1.
    """
    if fix and diff:
        raise ValueError("fix writes repairs and diff only computes them: give one")
    if since is not None and not (fix or diff):
        raise ValueError("since chooses what fix and diff repoint renamed links from: give one")
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    root = Path(path)
    settings = _configuration(root, config).override(
        select=select, extend_select=extend_select, ignore=ignore
    )
    select_rules(settings)  # an unknown selector is an error before the vault is read
    selected = None if only is None else select_paths(root, only)
    if fix:
        return _fix(root, settings, cache, jobs, progress, selected, since)
    if diff:
        return _diff(root, settings, cache, jobs, progress, selected, since)
    run = _narrowed(_remembered(root, settings, cache, jobs, progress), selected)
    # Nothing checked: a false green, unless the configuration excluded every note.
    empty = not run.checked and not _lists_notes(root)
    return _result(run, empty=empty)


def select_paths(
    root: str | os.PathLike[str], paths: Iterable[str | os.PathLike[str]]
) -> tuple[str, ...]:
    """The vault-relative POSIX paths (``""``: the whole vault) of ``paths``, files and folders
    on disk (relative to the working directory, or absolute) inside the vault at ``root``.

    A path counts as inside when it is under ``root`` as written, or once symbolic links are
    resolved. Raises ``VaultError`` for a vault folder that is not one, or a path that does not
    exist or is outside the vault.
    """
    from vaultgraph.files import VaultError, check_root

    vault = Path(root)
    check_root(vault)
    bases = (Path(os.path.abspath(vault)), Path(os.path.realpath(vault)))
    selected: list[str] = []
    for given in paths:
        name = os.fspath(given)
        try:
            exists = os.path.lexists(name)
            candidates = (Path(os.path.abspath(name)), Path(os.path.realpath(name)))
        except (OSError, ValueError):  # a NUL byte, a path too long for the system
            exists = False
        if not exists:
            raise VaultError(f"{name}: no such file or folder")
        for candidate, base in zip(candidates, bases, strict=True):
            if candidate.is_relative_to(base):
                relative = candidate.relative_to(base).as_posix()
                selected.append("" if relative == "." else relative)
                break
        else:
            raise VaultError(
                f"{name}: outside the vault at {os.path.abspath(vault)}; give notes or folders "
                "inside it (or the vault with --vault)"
            )
    return tuple(dict.fromkeys(selected))


def _within(path: str, selected: Sequence[str]) -> bool:
    return any(not s or path == s or path.startswith(f"{s}/") for s in selected)


def _narrowed(run: CheckRun, selected: Sequence[str] | None) -> CheckRun:
    """``run`` with only the findings and checked notes at or under ``selected`` paths."""
    if selected is None or "" in selected:
        return run
    return replace(
        run,
        findings=tuple(f for f in run.findings if _within(f.path, selected)),
        checked=tuple(path for path in run.checked if _within(path, selected)),
    )


def _configuration(root: Path, config: Config | str | os.PathLike[str] | None) -> Config:
    if isinstance(config, Config):
        return config
    return load_config(root, path=None if config is None else Path(config))


def _remembered(
    root: Path,
    config: Config,
    cache: bool | str | os.PathLike[str],
    jobs: int | None,
    progress: Progress | None,
) -> CheckRun:
    """The check's findings; from the cache's memo of the last check where it still holds."""
    if cache is False:
        return load_and_check(root, config, cache=False, jobs=jobs, progress=progress)[1].run
    from vaultgraph.lint.memo import remembered_check

    return remembered_check(
        root, config, jobs=jobs, progress=progress, directory=_cache_folder(cache)
    )


def _diff(
    root: Path,
    config: Config,
    cache: bool | str | os.PathLike[str],
    jobs: int | None,
    progress: Progress | None,
    selected: Sequence[str] | None,
    since: str | None,
) -> CheckResult:
    from vaultgraph.lint.fix import apply_fixes

    renames = _Renames(root, since)
    loaded, whole = _load(root, config, cache, jobs, progress)
    run = _narrowed(whole, selected)
    if _is_empty(loaded):
        return _nothing(loaded)
    findings, warned = _repointed(loaded, run.findings, renames)
    repairs = apply_fixes(loaded.root, findings, write=False, notes=loaded.notes)
    return _with_warnings(_result(run, fixes=repairs), warned)


def _fix(
    root: Path,
    config: Config,
    cache: bool | str | os.PathLike[str],
    jobs: int | None,
    progress: Progress | None,
    selected: Sequence[str] | None,
    since: str | None,
) -> CheckResult:
    from vaultgraph.files import check_root
    from vaultgraph.lint.fix import apply_fixes, remove_leftovers
    from vaultgraph.lock import writing
    from vaultgraph.move import recover
    from vaultgraph.move.journal import journal_file

    check_root(root)  # before a lock is taken for it
    # Held from before the notes are read to the last write: no other run changes them between
    # this one's check and its repairs.
    with writing(root, directory=_cache_folder(cache)) as lock:
        # A vaultgraph mv that stopped part-way is finished (or undone) before anything is read.
        recovered = recover(root, journal=journal_file(root, _cache_folder(cache)))
        # What git says was renamed, once: the repairs below change notes' text, not paths.
        renames = _Renames(root, since)
        loaded, whole = _load(root, config, cache, jobs, progress)
        run = _narrowed(whole, selected)
        unlocked = None if lock.held else lock.reason
        if _is_empty(loaded):
            return _nothing(loaded, unlocked=unlocked)
        removed: tuple[str, ...] = ()
        if lock.held:  # else a temporary file may be that of a fix running now
            removed = remove_leftovers(loaded.root, [*loaded.notes, *loaded.unreadable])
        skipped = loaded.skipped
        # A repair can reveal another (a list item left empty once its empty child is gone, a
        # link that only parses once a pipe is escaped): fix, check again, until nothing changes.
        rounds: list[FixReport] = []
        warned: list[str] = []
        for _ in range(MAX_FIX_ROUNDS):
            findings, round_warnings = _repointed(loaded, run.findings, renames)
            warned.extend(round_warnings)
            rounds.append(apply_fixes(loaded.root, findings, write=True, notes=loaded.notes))
            if not rounds[-1].changed:
                break
            loaded, whole = _load(root, config, cache, jobs, progress)
            run = _narrowed(whole, selected)
    # The paths the first reading skipped: the same listing, said once.
    result = _result(
        run, skipped=skipped, fixes=_merged(rounds), removed=removed, unlocked=unlocked
    )
    result = _with_warnings(result, warned)
    if recovered is None:
        return result
    return replace(result, warnings=(recovered, *result.warnings))


def _load(
    root: Path,
    config: Config,
    cache: bool | str | os.PathLike[str],
    jobs: int | None,
    progress: Progress | None,
) -> tuple[Vault, CheckRun]:
    stamped, evaluation = load_and_check(root, config, cache=cache, jobs=jobs, progress=progress)
    return stamped.vault, evaluation.run


class _Renames:
    """What git says was renamed since ``since`` (by default ``HEAD``), asked once, and only
    when a broken link needs it (git costs a few milliseconds per thousand files); ``None``
    without git, outside a work tree, or before the first commit. A ``since`` given is asked
    at once, so that one git cannot read stops the run before the vault is read."""

    def __init__(self, root: Path, since: str | None) -> None:
        self._root, self._since = root, since
        self._asked = False
        self._found: Renames | None = None
        if since is not None:
            self.get()

    def get(self) -> Renames | None:
        if not self._asked:
            self._found, self._asked = self._ask(), True
        return self._found

    def _ask(self) -> Renames | None:
        from vaultgraph.gitfiles import RevisionError
        from vaultgraph.gitrenames import working_tree_renames

        try:
            return working_tree_renames(self._root, self._since or "HEAD")
        except RevisionError:
            if self._since is not None:
                raise
            return None


def _repointed(
    vault: Vault, findings: Sequence[Finding], renames: _Renames
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """``findings`` with the broken links git's renames explain given their repointing fix,
    and the warnings of those left as written."""
    from vaultgraph.lint.repoint import REPOINTED, repoint

    if not any(finding.code in REPOINTED for finding in findings):
        return tuple(findings), ()
    found = renames.get()
    if found is None:
        return tuple(findings), ()
    repointed = repoint(vault, findings, found)
    return repointed.findings, (*found.warnings, *repointed.warnings)


def _with_warnings(result: CheckResult, warnings: Sequence[str]) -> CheckResult:
    if not warnings:
        return result
    return replace(result, warnings=(*result.warnings, *dict.fromkeys(warnings)))


def _cache_folder(cache: bool | str | os.PathLike[str]) -> Path | None:
    """The cache folder ``cache`` names; ``None`` for the default one."""
    return None if isinstance(cache, bool) else Path(cache)


def _is_empty(vault: Vault) -> bool:
    return not vault.notes and not vault.unreadable


def _lists_notes(root: Path) -> bool:
    from vaultgraph.files import scan_vault

    return bool(scan_vault(root).notes)


def _nothing(vault: Vault, *, unlocked: str | None = None) -> CheckResult:
    """The result of a vault folder that holds no notes: nothing checked, nothing to repair."""
    return CheckResult((), (), (), skipped=vault.skipped, unlocked=unlocked, empty=True)


def _result(
    run: CheckRun,
    *,
    empty: bool = False,
    skipped: tuple[SkippedPath, ...] | None = None,
    fixes: FixReport | None = None,
    removed: tuple[str, ...] = (),
    unlocked: str | None = None,
) -> CheckResult:
    return CheckResult(
        findings=run.findings,
        rules=run.rules,
        checked=run.checked,
        warnings=run.warnings,
        skipped=run.skipped if skipped is None else skipped,
        fixes=fixes,
        removed=removed,
        unlocked=unlocked,
        empty=empty,
    )


def _merged(rounds: Sequence[FixReport]) -> FixReport:
    from vaultgraph.lint.fix import FixReport

    errors = {(e.path, e.reason): e for r in rounds for e in r.errors}
    return FixReport(
        diff="".join(r.diff for r in rounds),
        fixed=tuple(f for r in rounds for f in r.fixed),
        changed=tuple(sorted({path for r in rounds for path in r.changed})),
        errors=tuple(errors.values()),
    )
