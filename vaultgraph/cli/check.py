"""``vaultgraph check``: lint a vault, report, and repair what is safe to repair."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vaultgraph.cli.common import (
    ExitCode,
    discover_vault,
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
    from collections.abc import Callable

    from vaultgraph.lint.check import CheckResult
    from vaultgraph.lint.fix import FixReport

__all__ = ["check"]


def _selectors(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """``--select a,b --select c`` → ``["a", "b", "c"]``."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@click.command()
@click.argument("paths", metavar="[PATH]...", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--vault",
    "vault_flag",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="PATH",
    help="The vault folder.  [default: the nearest folder holding .obsidian/ at or above the "
    "first PATH or the working directory, else that folder]",
)
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
    "--since",
    metavar="REV",
    help="With --fix or --diff: repoint the links broken by renames git detects from this "
    "commit to the working tree.  [default: HEAD, when the vault is in a git work tree]",
)
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
@click.option(
    "--statistics",
    is_flag=True,
    help="Count the findings of each rule instead of listing them (text format).",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the report to FILE instead of standard output (replaced whole; a symbolic "
    "link is replaced, not followed).",
)
@click.option(
    "--color",
    type=click.Choice(("auto", "always", "never")),
    default="auto",
    show_default=True,
    help="Colour the text format; auto: on a terminal, unless NO_COLOR is set.",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print the findings only: no summary, progress or notes."
)
@click.option(
    "--silent", is_flag=True, help="Print nothing on standard output: the exit code tells."
)
@load_options
def check(
    paths: tuple[Path, ...],
    vault_flag: Path | None,
    fmt: formats.Format,
    select: list[str],
    extend_select: list[str],
    ignore: list[str],
    config_path: Path | None,
    fix: bool,
    diff: bool,
    since: str | None,
    baseline_path: Path | None,
    write_baseline: Path | None,
    fail_on: str,
    exit_zero: bool,
    statistics: bool,
    output_file: Path | None,
    color: str,
    quiet: bool,
    silent: bool,
    no_cache: bool,
    jobs: int | None,
) -> int:
    """Lint a vault with Obsidian's own link rules.

    PATH is the vault folder, or notes and folders in it: the whole vault is read and its links
    resolved, and only the notes at or under each PATH are reported on. Without --vault, the
    vault is the nearest folder holding .obsidian/ at or above the first PATH (or the working
    directory); else that folder (for a note, the working directory).

    RULES are rule names (broken-link), codes (VG101), code prefixes (VG1) or ALL, separated by
    commas or given in several options. In a git work tree, --fix and --diff also repoint the
    links that renames made outside vaultgraph broke (git's rename detection, from HEAD or
    --since REV to the files on disk). Exit code: 0 nothing reported (with --fail-on error,
    no error), 1 problems reported, 2 a usage, configuration or vault error (a folder with no
    notes, a vault that another vaultgraph is fixing, a baseline file that cannot be read).
    """
    if fix and diff:
        raise click.UsageError("--fix writes repairs and --diff only shows them: give one")
    if since is not None and not (fix or diff):
        raise click.UsageError("--since says what --fix and --diff repoint: give one of them")
    if diff and (baseline_path or write_baseline):
        raise click.UsageError("--diff shows repairs and reports no problems: not with a baseline")
    if baseline_path and write_baseline:
        raise click.UsageError(
            "--baseline reads a baseline and --write-baseline writes one: give one"
        )
    if statistics and fmt != "text":
        raise click.UsageError(f"--statistics is a table of the text format, not of {fmt}")
    quiet = quiet or silent
    styled = _color(color, output_file)
    vault, only = _target(paths, vault_flag, quiet=quiet)
    import vaultgraph
    from vaultgraph.lint.config import ConfigError, SelectorError
    from vaultgraph.lock import VaultBusy

    try:  # before the vault is read: a baseline that cannot be used is a usage error
        baseline = None if baseline_path is None else baselines.read_baseline(baseline_path)
    except baselines.BaselineError as error:
        raise click.UsageError(str(error)) from None

    try:
        with loading(bar=not quiet) as progress:  # a vault that cannot be read: a usage error
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
                    only=only,
                    since=since,
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
    base, prefix = formats.locate(vault, Path.cwd())
    cwd = _inside(vault)

    def shown(path: str) -> str:
        return formats.shown_path(path, base, prefix, cwd)

    if result.empty:  # nothing checked: a false green
        raise click.ClickException(no_notes(vault))
    if result.removed and not quiet:
        click.echo(
            f"Removed {_count(len(result.removed), 'temporary file')} that a stopped --fix left.",
            err=True,
        )
    if diff and result.fixes is not None:
        _warn(result, shown)
        _emit(result.fixes.diff, output_file, silent=silent, color=False)
        _fix_summary(result.fixes, "Would fix", shown, quiet=quiet)
        return ExitCode.OK if exit_zero or not result.fixes.fixed else ExitCode.FINDINGS
    if result.fixes is not None:
        _fix_summary(result.fixes, "Fixed", shown, quiet=quiet or not result.fixes.fixed)
    _warn(result, shown)
    if write_baseline is not None:
        return _record(write_baseline, result)
    findings = result.findings
    if baseline is not None:
        findings, gone = baselines.filter_new(
            findings, baseline, codes={rule.code for rule in result.rules}
        )
        known = len(result.findings) - len(findings)
        if not quiet:
            click.echo(
                f"Baseline: {_count(known, 'known problem')} not reported, "
                f"{_count(gone, 'entry', 'entries')} gone (fixed).",
                err=True,
            )
    report = formats.Report(findings, result.rules, len(result.checked), base, prefix, cwd)
    if statistics:
        text = formats.statistics(report, color=styled, summary=not quiet)
    else:
        text = formats.render(fmt, report, color=styled, summary=not quiet)
    _emit(text, output_file, silent=silent, color=styled)
    failing = _FAILING[fail_on]
    fails = any(finding.severity in failing for finding in findings)
    return ExitCode.OK if exit_zero or not fails else ExitCode.FINDINGS


def _target(
    paths: tuple[Path, ...], flag: Path | None, *, quiet: bool
) -> tuple[Path, tuple[Path, ...] | None]:
    """The vault folder, and the paths to report on (``None``: all of it)."""
    if not paths:
        return flag if flag is not None else discover_vault(Path("."), quiet=quiet), None
    first = paths[0]
    if flag is not None:
        vault = flag
    else:  # a folder (or a path that is not there: said as today), else the working directory
        fallback = Path(".") if os.path.isfile(first) else first
        vault = discover_vault(first, quiet=quiet, fallback=fallback)
    if len(paths) == 1 and os.path.isdir(first) and _same(first, vault):
        return vault, None
    return vault, paths


def _same(one: Path, other: Path) -> bool:
    try:
        return os.path.realpath(one) == os.path.realpath(other)
    except (OSError, ValueError):
        return False


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


def _color(choice: str, output_file: Path | None) -> bool:
    """Whether to colour the text format: ``always``; or ``auto`` on a terminal, unless the
    report goes to a file or ``NO_COLOR`` is set to anything (https://no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return output_file is None and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _emit(text: str, output_file: Path | None, *, silent: bool, color: bool) -> None:
    """The report on standard output (unless ``silent``), or whole into ``output_file``."""
    if output_file is None:
        if not silent:
            click.echo(text, nl=False, color=color)
        return
    from vaultgraph.files import write_atomically

    try:  # a link in its place is replaced, never written through
        write_atomically(
            output_file, text.encode("utf-8", "backslashreplace"), follow_symlinks=False
        )
    except OSError as error:
        raise click.ClickException(
            f"cannot write {visible(str(output_file))}: {error.strerror}"
        ) from None


def _warn(result: CheckResult, shown: Callable[[str], str]) -> None:
    """The run's warnings on stderr; a note's path shown as findings show it (``shown``)."""
    from vaultgraph.lint.runner import warning_note

    notes = set(result.checked)
    for warning in result.warnings:
        path = warning_note(warning, notes)
        if path is not None:
            warning = shown(path) + warning[len(path) :]
        click.echo(f"warning: {visible(warning)}", err=True)  # names from the vault, escaped


def _inside(vault: Path) -> Path | None:
    """The working directory when it is inside the vault (paths then lead out of it, as
    ``../Note.md``), else ``None`` (paths start at the vault root, or at the working directory
    when the vault is in it)."""
    here = Path.cwd().resolve()
    root = vault.resolve()
    return here if here != root and here.is_relative_to(root) else None


def _fix_summary(
    repairs: FixReport, verb: str, shown: Callable[[str], str], *, quiet: bool
) -> None:
    """The notes ``--fix`` left alone, as warnings; then, unless ``quiet``, what it did."""
    for error in repairs.errors:
        click.echo(f"warning: {visible(f'{shown(error.path)}: {error.reason}')}", err=True)
    if quiet:
        return
    fixed, notes = len(repairs.fixed), len(repairs.changed)
    click.echo(f"{verb} {_count(fixed, 'problem')} in {_count(notes, 'note')}.", err=True)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
