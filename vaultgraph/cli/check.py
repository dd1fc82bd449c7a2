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
    warn_skipped,
)
from vaultgraph.lint import baseline as baselines
from vaultgraph.lint import formats
from vaultgraph.lint.finding import Severity
from vaultgraph.terminal import visible

if TYPE_CHECKING:
    from vaultgraph.lint.check import CheckResult
    from vaultgraph.lint.fix import FixReport

__all__ = ["check"]


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
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Report only the problems this baseline file does not hold.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Record the problems found in this baseline file, report none, and exit 0.",
)
@click.option(
    "--fail-on",
    type=click.Choice(("error", "warning")),
    default="warning",
    show_default=True,
    help="Exit 1 only for a problem of this severity or higher.",
)
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
    baseline_path: Path | None,
    write_baseline: Path | None,
    fail_on: str,
    exit_zero: bool,
    no_cache: bool,
    jobs: int | None,
) -> int:
    """Lint a vault with Obsidian's own link rules.

    RULES are rule names (broken-link), codes (VG101), code prefixes (VG1) or ALL, separated by
    commas or given in several options. Exit code: 0 nothing reported (with --fail-on error,
    no error), 1 problems reported, 2 a usage, configuration or vault error (a folder with no
    notes, a vault that another vaultgraph is fixing, a baseline file that cannot be read).
    """
    if fix and diff:
        raise click.UsageError("--fix writes repairs and --diff only shows them: give one")
    if diff and (baseline_path or write_baseline):
        raise click.UsageError("--diff shows repairs and reports no problems: not with a baseline")
    if baseline_path and write_baseline:
        raise click.UsageError(
            "--baseline reads a baseline and --write-baseline writes one: give one"
        )
    import vaultgraph
    from vaultgraph.lint.config import ConfigError, SelectorError
    from vaultgraph.lock import VaultBusy

    try:  # before the vault is read: a baseline that cannot be used is a usage error
        baseline = None if baseline_path is None else baselines.read_baseline(baseline_path)
    except baselines.BaselineError as error:
        raise click.UsageError(str(error)) from None

    try:
        with loading() as progress:  # a vault that cannot be read: a usage error
            try:
                result = vaultgraph.check(
                    vault,
                    config=config_path,
                    select=select or None,
                    extend_select=extend_select,
                    ignore=ignore,
                    fix=fix,
                    diff=diff,
                    cache=not no_cache,
                    jobs=jobs,
                    progress=progress,
                )
            except VaultBusy as busy:
                raise click.ClickException(f"{busy}; try again when it ends") from None
    except (ConfigError, SelectorError) as error:
        raise click.UsageError(str(error)) from None
    if result.unlocked is not None:
        click.echo(
            f"warning: cannot take the write lock of {visible(str(vault))} "
            f"({visible(result.unlocked)}); another vaultgraph could change the same notes "
            "meanwhile",
            err=True,
        )
    warn_skipped(vault, result.skipped)
    if result.empty:  # nothing checked: a false green
        raise click.ClickException(no_notes(vault))
    if result.removed:
        click.echo(
            f"Removed {_count(len(result.removed), 'temporary file')} that a stopped --fix left.",
            err=True,
        )
    if diff and result.fixes is not None:
        _warn(result)
        click.echo(result.fixes.diff, nl=False)
        _fix_summary(result.fixes, "Would fix")
        return ExitCode.OK if exit_zero or not result.fixes.fixed else ExitCode.FINDINGS
    if result.fixes is not None:
        _fix_summary(result.fixes, "Fixed")
    _warn(result)
    if write_baseline is not None:
        return _record(write_baseline, result)
    findings = result.findings
    if baseline is not None:
        findings, gone = baselines.filter_new(
            findings, baseline, codes={rule.code for rule in result.rules}
        )
        known = len(result.findings) - len(findings)
        click.echo(
            f"Baseline: {_count(known, 'known problem')} not reported, "
            f"{_count(gone, 'entry', 'entries')} gone (fixed).",
            err=True,
        )
    base, prefix = formats.locate(vault, Path.cwd())
    report = formats.Report(findings, result.rules, len(result.checked), base, prefix)
    click.echo(formats.render(fmt, report), nl=False)
    failing = _FAILING[fail_on]
    fails = any(finding.severity in failing for finding in findings)
    return ExitCode.OK if exit_zero or not fails else ExitCode.FINDINGS


# The severities each --fail-on fails on: that one and those above it.
_FAILING = {
    "error": frozenset({Severity.ERROR}),
    "warning": frozenset({Severity.ERROR, Severity.WARNING}),
}


def _record(path: Path, result: CheckResult) -> int:
    try:
        recorded = baselines.write_baseline(path, result.findings)
    except baselines.BaselineError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Recorded {_count(recorded, 'problem')} in {visible(str(path))}; "
        f"check with --baseline {visible(str(path))} to report only new ones.",
        err=True,
    )
    return ExitCode.OK


def _warn(result: CheckResult) -> None:
    for warning in result.warnings:
        click.echo(f"warning: {visible(warning)}", err=True)  # names from the vault, escaped


def _fix_summary(repairs: FixReport, verb: str) -> None:
    for error in repairs.errors:
        click.echo(f"warning: {visible(f'{error.path}: {error.reason}')}", err=True)
    fixed, notes = len(repairs.fixed), len(repairs.changed)
    click.echo(f"{verb} {_count(fixed, 'problem')} in {_count(notes, 'note')}.", err=True)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
