"""``vaultgraph check``: lint a vault, report, and repair what is safe to repair."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from vaultgraph.cli.common import (
    VAULT_ARGUMENT,
    ExitCode,
    load_options,
    loading,
    no_notes,
    open_vault,
    warn_skipped,
)
from vaultgraph.lint import formats
from vaultgraph.lint.config import Config, ConfigError, SelectorError, load_config
from vaultgraph.lint.runner import CheckRun, check_vault, select_rules
from vaultgraph.terminal import visible

if TYPE_CHECKING:
    from vaultgraph.lint.fix import FixReport
    from vaultgraph.vault import Vault

__all__ = ["MAX_FIX_ROUNDS", "check"]

# --fix checks again after each round of repairs; a vault needs two rounds at most in practice.
MAX_FIX_ROUNDS = 10


def _selectors(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """``--select a,b --select c`` → ``["a", "b", "c"]``."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@click.command()
@VAULT_ARGUMENT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(formats.FORMATS)),
    default="text",
    show_default=True,
    help="text: path:line:col: CODE message; json; github: Actions annotations; sarif 2.1.0.",
)
@click.option(
    "--select",
    multiple=True,
    callback=_selectors,
    metavar="RULES",
    help="Check only these rules; replaces the configuration's selection.",
)
@click.option(
    "--extend-select",
    multiple=True,
    callback=_selectors,
    metavar="RULES",
    help="Check these rules too (orphan-note is off by default).",
)
@click.option(
    "--ignore",
    multiple=True,
    callback=_selectors,
    metavar="RULES",
    help="Do not check these rules.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read this configuration file instead of the vault's .vaultgraph.toml or pyproject.toml.",
)
@click.option("--fix", is_flag=True, help="Repair what is safe to repair, then report the rest.")
@click.option("--diff", is_flag=True, help="Print the repairs --fix would make; write nothing.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@load_options
def check(
    vault: Path,
    fmt: formats.Format,
    select: list[str],
    extend_select: list[str],
    ignore: list[str],
    config_path: Path | None,
    fix: bool,
    diff: bool,
    exit_zero: bool,
    no_cache: bool,
    jobs: int | None,
) -> int:
    """Lint a vault with Obsidian's own link rules.

    RULES are rule names (broken-link), codes (VG101), code prefixes (VG1) or ALL, separated by
    commas or given in several options. Exit code: 0 nothing reported, 1 problems reported, 2 a
    usage, configuration or vault error (a folder with no notes, a vault that another
    vaultgraph is fixing).
    """
    if fix and diff:
        raise click.UsageError("--fix writes repairs and --diff only shows them: give one")
    config = _check_config(vault, config_path, select, extend_select, ignore)
    if fix:
        return _fix(vault, config, fmt, no_cache, jobs, exit_zero)
    if diff:
        return _diff(vault, config, no_cache, jobs, exit_zero)
    run = _check(vault, config, no_cache, jobs)
    warn_skipped(vault, run.skipped)
    # Nothing checked: a false green, unless the configuration excluded every note.
    if not run.checked:
        from vaultgraph.files import scan_vault

        if not scan_vault(vault).notes:
            raise click.ClickException(no_notes(vault))
    _report(run, vault, fmt)
    return ExitCode.OK if exit_zero or not run.findings else ExitCode.FINDINGS


def _diff(vault: Path, config: Config, no_cache: bool, jobs: int | None, exit_zero: bool) -> int:
    from vaultgraph.lint.fix import apply_fixes

    loaded = _open_notes(vault, no_cache, jobs)
    run = check_vault(loaded, config)
    _warn(run)
    repairs = apply_fixes(loaded.root, run.findings, write=False, notes=loaded.notes)
    click.echo(repairs.diff, nl=False)
    _fix_summary(repairs, "Would fix")
    return ExitCode.OK if exit_zero or not repairs.fixed else ExitCode.FINDINGS


def _fix(
    vault: Path,
    config: Config,
    fmt: formats.Format,
    no_cache: bool,
    jobs: int | None,
    exit_zero: bool,
) -> int:
    from vaultgraph.files import VaultError, check_root
    from vaultgraph.lint.fix import apply_fixes, remove_leftovers
    from vaultgraph.lock import VaultBusy, writing

    try:
        check_root(vault)  # before a lock is taken for it
    except VaultError as error:
        raise click.UsageError(str(error)) from None
    try:
        # Held from before the notes are read to the last write: no other run changes them
        # between this one's check and its repairs.
        with writing(vault) as lock:
            if not lock.held:
                click.echo(
                    f"warning: cannot take the write lock of {visible(str(vault))} "
                    f"({visible(lock.reason)}); another vaultgraph could change the same notes "
                    "meanwhile",
                    err=True,
                )
            loaded = _open_notes(vault, no_cache, jobs)
            if lock.held:  # else a temporary file may be that of a fix running now
                _say_removed(remove_leftovers(loaded.root, [*loaded.notes, *loaded.unreadable]))
            run = check_vault(loaded, config)
            # A repair can reveal another (a list item left empty once its empty child is gone,
            # a link that only parses once a pipe is escaped): fix, check again, until nothing
            # changes.
            rounds: list[FixReport] = []
            for _ in range(MAX_FIX_ROUNDS):
                rounds.append(
                    apply_fixes(loaded.root, run.findings, write=True, notes=loaded.notes)
                )
                if not rounds[-1].changed:
                    break
                loaded = open_vault(vault, no_cache=no_cache, jobs=jobs, quiet=True)
                run = check_vault(loaded, config)
    except VaultBusy as busy:
        raise click.ClickException(f"{busy}; try again when it ends") from None
    _fix_summary(_merged(rounds), "Fixed")
    _report(run, vault, fmt)
    return ExitCode.OK if exit_zero or not run.findings else ExitCode.FINDINGS


def _open_notes(vault: Path, no_cache: bool, jobs: int | None) -> Vault:
    """The vault, with what its listing skipped said; a usage error if it holds no notes."""
    loaded = open_vault(vault, no_cache=no_cache, jobs=jobs, quiet=True)
    warn_skipped(vault, loaded.skipped)
    if not loaded.notes and not loaded.unreadable:
        raise click.ClickException(no_notes(vault))
    return loaded


def _say_removed(removed: tuple[str, ...]) -> None:
    if removed:
        click.echo(
            f"Removed {_count(len(removed), 'temporary file')} that a stopped --fix left.",
            err=True,
        )


def _merged(rounds: list[FixReport]) -> FixReport:
    from vaultgraph.lint.fix import FixReport

    errors = {(e.path, e.reason): e for r in rounds for e in r.errors}
    return FixReport(
        diff="".join(r.diff for r in rounds),
        fixed=tuple(f for r in rounds for f in r.fixed),
        changed=tuple(sorted({path for r in rounds for path in r.changed})),
        errors=tuple(errors.values()),
    )


def _check(vault: Path, config: Config, no_cache: bool, jobs: int | None) -> CheckRun:
    """The check's findings; from the cache's memo of the last check where it still holds."""
    if no_cache:
        return check_vault(open_vault(vault, no_cache=True, jobs=jobs, quiet=True), config)
    from vaultgraph.lint.memo import remembered_check

    with loading() as progress:
        return remembered_check(vault, config, jobs=jobs, progress=progress)


def _check_config(
    vault: Path, path: Path | None, select: list[str], extend_select: list[str], ignore: list[str]
) -> Config:
    """The file's configuration under the flags, its selectors checked before the vault is read."""
    try:
        config = load_config(vault, path=path).override(
            select=select or None, extend_select=extend_select, ignore=ignore
        )
        select_rules(config)
    except (ConfigError, SelectorError) as error:
        raise click.UsageError(str(error)) from None
    return config


def _warn(run: CheckRun) -> None:
    for warning in run.warnings:
        click.echo(f"warning: {visible(warning)}", err=True)  # names from the vault, escaped


def _report(run: CheckRun, vault: Path, fmt: formats.Format) -> None:
    _warn(run)
    base, prefix = formats.locate(vault, Path.cwd())
    report = formats.Report(run.findings, run.rules, len(run.checked), base, prefix)
    click.echo(formats.render(fmt, report), nl=False)


def _fix_summary(repairs: FixReport, verb: str) -> None:
    for error in repairs.errors:
        click.echo(f"warning: {visible(f'{error.path}: {error.reason}')}", err=True)
    fixed, notes = len(repairs.fixed), len(repairs.changed)
    click.echo(f"{verb} {_count(fixed, 'problem')} in {_count(notes, 'note')}.", err=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
