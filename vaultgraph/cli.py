"""The ``vaultgraph`` command line: parse options, call the library, print, pick the exit code."""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path

import click

from vaultgraph import __version__
from vaultgraph.export import FORMATS, Format, export_graph
from vaultgraph.lint import formats
from vaultgraph.lint.config import Config, ConfigError, SelectorError, load_config
from vaultgraph.lint.fix import FixReport, apply_fixes
from vaultgraph.lint.runner import CheckRun, check_vault, select_rules
from vaultgraph.vault import Vault, VaultError, load_vault


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2  # usage, configuration, or a vault that cannot be read


VAULT_ARGUMENT = click.argument(
    "vault", default=".", type=click.Path(file_okay=False, path_type=Path)
)


def open_vault(path: Path) -> Vault:
    """Load a vault, or leave with one clear line on stderr and exit code 2."""
    try:
        return load_vault(path)
    except VaultError as error:
        raise click.UsageError(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultgraph")
def cli() -> None:
    """Lint, map and query Obsidian vaults as a graph, with Obsidian's own link rules."""


@cli.command()
@VAULT_ARGUMENT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="json",
    show_default=True,
    help="json: networkx node-link data; graphml and gexf: for Gephi, Cytoscape and yEd.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def export(vault: Path, fmt: Format, output: Path | None) -> None:
    """Write the vault's graph (notes, attachments, tags, unresolved targets)."""
    text = export_graph(open_vault(vault).graph, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror}") from None


def _selectors(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """``--select a,b --select c`` → ``["a", "b", "c"]``."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@cli.command()
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
) -> int:
    """Lint a vault with Obsidian's own link rules.

    RULES are rule names (broken-link), codes (VG101), code prefixes (VG1) or ALL, separated by
    commas or given in several options. Exit code: 0 nothing reported, 1 problems reported, 2 a
    usage, configuration or vault error.
    """
    if fix and diff:
        raise click.UsageError("--fix writes repairs and --diff only shows them: give one")
    config = _check_config(vault, config_path, select, extend_select, ignore)
    loaded = open_vault(vault)
    run = check_vault(loaded, config)
    if diff:
        _warn(run)
        repairs = apply_fixes(loaded.root, run.findings, write=False, notes=loaded.notes)
        click.echo(repairs.diff, nl=False)
        _fix_summary(repairs, "Would fix")
        return ExitCode.OK if exit_zero or not repairs.fixed else ExitCode.FINDINGS
    if fix:
        repairs = apply_fixes(loaded.root, run.findings, write=True, notes=loaded.notes)
        _fix_summary(repairs, "Fixed")
        if repairs.changed:
            loaded = open_vault(vault)
            run = check_vault(loaded, config)
    _report(run, loaded, fmt)
    return ExitCode.OK if exit_zero or not run.findings else ExitCode.FINDINGS


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
        click.echo(f"warning: {warning}", err=True)


def _report(run: CheckRun, vault: Vault, fmt: formats.Format) -> None:
    _warn(run)
    base, prefix = formats.locate(vault.root, Path.cwd())
    report = formats.Report(run.findings, run.rules, len(run.checked), base, prefix)
    click.echo(formats.render(fmt, report), nl=False)


def _fix_summary(repairs: FixReport, verb: str) -> None:
    for error in repairs.errors:
        click.echo(f"warning: {error.path}: {error.reason}", err=True)
    fixed, notes = len(repairs.fixed), len(repairs.changed)
    click.echo(f"{verb} {_count(fixed, 'problem')} in {_count(notes, 'note')}.", err=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@cli.command("map")
@VAULT_ARGUMENT
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the page to this file (UTF-8), or - for standard output.",
)
@click.option("--around", metavar="NOTE", help="Draw the local graph of this note (title or path).")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    help="With --around: how many links away from the note to reach.  [default: 1]",
)
@click.option(
    "--folder",
    "folders",
    multiple=True,
    metavar="FOLDER",
    help="Keep only the notes in this folder and its subfolders; repeatable.",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="Keep only the notes with this tag or one nested under it; repeatable.",
)
@click.option(
    "--tags/--no-tags", "tags_as_nodes", default=True, show_default=True, help="Draw tags as nodes."
)
@click.option(
    "--attachments/--no-attachments",
    default=True,
    show_default=True,
    help="Draw attachments (images, PDFs) as nodes.",
)
@click.option(
    "--unresolved/--no-unresolved",
    default=True,
    show_default=True,
    help="Draw link targets that no file matches.",
)
@click.option(
    "--color-by",
    type=click.Choice(["folder", "tag"]),
    default="folder",
    show_default=True,
    help="Colour notes by top-level folder, or by their most used tag.",
)
def map_command(
    vault: Path,
    output: Path,
    around: str | None,
    depth: int | None,
    folders: tuple[str, ...],
    tags: tuple[str, ...],
    tags_as_nodes: bool,
    attachments: bool,
    unresolved: bool,
    color_by: str,
) -> None:
    """Write the vault's graph as one interactive HTML page that works offline."""
    from vaultgraph.map import MapError, MapOptions, build_view, render_page  # pyvis: map only

    if depth is not None and around is None:
        raise click.UsageError("--depth counts links away from a note: give it with --around NOTE")
    options = MapOptions(
        tags_as_nodes=tags_as_nodes,
        attachments=attachments,
        unresolved=unresolved,
        folders=folders,
        tags=tags,
        around=around,
        depth=1 if depth is None else depth,
        color_by="tag" if color_by == "tag" else "folder",
    )
    try:
        page = render_page(build_view(open_vault(vault), options))
    except MapError as error:
        raise click.UsageError(str(error)) from None
    if str(output) == "-":
        click.echo(page, nl=False)
        return
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (errors are one line, never a traceback)."""
    try:
        result = cli.main(args=argv, prog_name="vaultgraph", standalone_mode=False)
    except click.exceptions.Exit as leave:
        return leave.exit_code
    except click.ClickException as error:
        # One line, whatever the error: usage hints belong to --help.
        click.echo(f"Error: {error.format_message()}", err=True)
        return ExitCode.ERROR
    except click.Abort:
        click.echo("Aborted.", err=True)
        return ExitCode.ERROR
    return int(result) if isinstance(result, int) else ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
