"""The ``vaultgraph`` command line: parse options, call the library, print, pick the exit code."""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from vaultgraph import __version__, query
from vaultgraph.export import FORMATS, Format, export_graph
from vaultgraph.lint import formats
from vaultgraph.lint.config import Config, ConfigError, SelectorError, load_config
from vaultgraph.lint.fix import FixReport, apply_fixes
from vaultgraph.lint.runner import CheckRun, check_vault, select_rules
from vaultgraph.vault import Progress, Vault, VaultError, load_vault

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

_Command = TypeVar("_Command", bound=Callable[..., Any])


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2  # usage, configuration, or a vault that cannot be read


VAULT_ARGUMENT = click.argument(
    "vault", default=".", type=click.Path(file_okay=False, path_type=Path)
)


def load_options(command: _Command) -> _Command:
    """The options of every command that reads a vault: ``--no-cache`` and ``--jobs``."""
    jobs = click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        metavar="N",
        help="Parse notes in N processes (1: in this one).  [default: one per CPU]",
    )
    no_cache = click.option(
        "--no-cache",
        is_flag=True,
        help="Parse every note; neither read nor write the cache of parsed notes.",
    )
    return no_cache(jobs(command))


def open_vault(path: Path, *, no_cache: bool = False, jobs: int | None = None) -> Vault:
    """Load a vault, or leave with one clear line on stderr and exit code 2."""
    # The vault lives until the command ends: the cycle collector is held while it loads and
    # then told to leave its million objects alone, rather than walk them again and again (and
    # once more at exit), which would cost more than a warm load.
    gc.disable()
    try:
        with progress_bar(sys.stderr) as progress:
            return load_vault(path, cache=not no_cache, jobs=jobs, progress=progress)
    except VaultError as error:
        raise click.UsageError(str(error)) from None
    finally:
        gc.freeze()
        gc.enable()


@contextmanager
def progress_bar(
    stream: TextIO, *, delay: float = 1.0, clock: Callable[[], float] = time.monotonic
) -> Iterator[Progress]:
    """A progress callback that shows click's bar on ``stream`` when it is a terminal and notes
    are still being read ``delay`` seconds after the start: a quick or warm run shows nothing."""
    start = clock()
    with ExitStack() as stack:
        bar: ProgressBar[int] | None = None  # shown once the delay has passed

        def update(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                if done >= total or clock() - start < delay or not stream.isatty():
                    return
                bar = stack.enter_context(
                    click.progressbar(length=total, label="Reading notes", file=stream)
                )
            bar.update(done - bar.pos)

        yield update


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
@load_options
def export(vault: Path, fmt: Format, output: Path | None, no_cache: bool, jobs: int | None) -> None:
    """Write the vault's graph (notes, attachments, tags, unresolved targets)."""
    text = export_graph(open_vault(vault, no_cache=no_cache, jobs=jobs).graph, fmt)
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
    usage, configuration or vault error.
    """
    if fix and diff:
        raise click.UsageError("--fix writes repairs and --diff only shows them: give one")
    config = _check_config(vault, config_path, select, extend_select, ignore)
    loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
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
            loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
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
@load_options
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
    no_cache: bool,
    jobs: int | None,
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
        loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
        page = render_page(build_view(loaded, options))
    except MapError as error:
        raise click.UsageError(str(error)) from None
    if str(output) == "-":
        click.echo(page, nl=False)
        return
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None


# Queries (vaultgraph/query/): ask the vault graph from the shell, as Obsidian's panes do.

VAULT_OPTION = click.option(
    "--vault",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The vault folder.",
)


def _query_format(formats_table: dict[str, Any]) -> Callable[[_Command], _Command]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(tuple(formats_table)),
        default="text",
        show_default=True,
        help="The output format.",
    )


def _find_note(loaded: Vault, name: str, *, attachments: bool = False) -> str:
    """The vault path NAME stands for, or leave with one line naming the closest notes."""
    try:
        return query.find_note(loaded.graph, name, root=loaded.root, attachments=attachments)
    except query.QueryError as error:
        raise click.UsageError(str(error)) from None


@cli.command("stats")
@VAULT_ARGUMENT
@_query_format(query.stats.FORMATS)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many entries each ranking lists.",
)
@load_options
def stats_command(
    vault: Path, fmt: query.stats.Format, top: int, no_cache: bool, jobs: int | None
) -> None:
    """Count and rank the vault's notes and links.

    Counts notes, attachments, tags, links, embeds, unresolved targets, orphans, dead ends and
    components; ranks notes by in-links and PageRank, and unresolved targets by how often they
    are linked.
    """
    loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
    click.echo(query.stats.render(query.vault_stats(loaded.graph, top=top), fmt), nl=False)


@cli.command("backlinks")
@click.argument("note")
@VAULT_OPTION
@click.option("--unlinked", is_flag=True, help="Also list plain-text mentions of its name.")
@_query_format(query.backlinks.FORMATS)
@load_options
def backlinks_command(
    note: str,
    vault: Path,
    unlinked: bool,
    fmt: query.backlinks.Format,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """List the links to NOTE from other notes.

    Each link or embed that leads to NOTE, with file:line and the line's text. NOTE is a title,
    a vault path or a [[wikilink]].
    """
    loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
    target = _find_note(loaded, note, attachments=True)
    report = query.incoming(loaded, target, unlinked=unlinked)
    click.echo(query.backlinks.render(report, fmt), nl=False)


@cli.command("links")
@click.argument("note")
@VAULT_OPTION
@click.option(
    "--unlinked", is_flag=True, help="Also list plain-text mentions of other notes' names."
)
@_query_format(query.backlinks.FORMATS)
@load_options
def links_command(
    note: str,
    vault: Path,
    unlinked: bool,
    fmt: query.backlinks.Format,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """List the links NOTE writes and where they lead.

    NOTE is a title, a vault path or a [[wikilink]].
    """
    loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
    report = query.outgoing(loaded, _find_note(loaded, note), unlinked=unlinked)
    click.echo(query.backlinks.render(report, fmt), nl=False)


@cli.command("explain")
@click.argument("link")
@click.option(
    "--from",
    "source",
    metavar="NOTE",
    help="The note the link is written in.  [default: a note at the vault root]",
)
@VAULT_OPTION
@_query_format(query.explain.FORMATS)
@load_options
def explain_command(
    link: str,
    source: str | None,
    vault: Path,
    fmt: query.explain.Format,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Explain where a link goes, and why.

    Lists the files LINK (such as "[[Note#Heading]]") could mean, the one Obsidian opens, the
    rule that chose it, and whether its heading or block exists.
    """
    loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
    written_in = _find_note(loaded, source) if source is not None else None
    try:
        explanation = query.explain_link(loaded, link, source=written_in)
    except query.QueryError as error:
        raise click.UsageError(str(error)) from None
    click.echo(query.explain.render(explanation, fmt), nl=False)


@cli.command("diff")
@click.argument("rev1")
@click.argument("rev2", required=False)
@VAULT_OPTION
@_query_format(query.diff_formats.FORMATS)
@load_options
def diff_command(
    rev1: str,
    rev2: str | None,
    vault: Path,
    fmt: query.diff_formats.Format,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Compare the vault's graph between two commits.

    What the graph gained and lost from commit REV1 to REV2 (by default, the working tree):
    notes, links, unresolved targets, orphans, and the links renames broke. --format markdown
    writes a pull-request comment.
    """
    try:
        for revision in (rev1,) if rev2 is None else (rev1, rev2):
            query.check_revision(vault, revision)  # before the vault is read
        # The notes the working tree shares with a revision are taken from it, not parsed again.
        current = query.working_tree(open_vault(vault, no_cache=no_cache, jobs=jobs))
        old = query.at_revision(vault, rev1, reuse=current)
        new = current if rev2 is None else query.at_revision(vault, rev2, reuse=current)
    except query.QueryError as error:
        raise click.UsageError(str(error)) from None
    click.echo(query.diff_formats.render(query.compare(old, new), fmt), nl=False)


@cli.command("path")
@click.argument("start", metavar="A")
@click.argument("end", metavar="B")
@VAULT_OPTION
@click.option(
    "--undirected", is_flag=True, help="Follow links both ways, as the graph view draws them."
)
@_query_format(query.path.FORMATS)
@load_options
def path_command(
    start: str,
    end: str,
    vault: Path,
    undirected: bool,
    fmt: query.path.Format,
    no_cache: bool,
    jobs: int | None,
) -> int:
    """Show the shortest chain of links from A to B.

    A and B are notes: titles, vault paths or [[wikilinks]]. Exit code 1 when no chain joins
    them.
    """
    loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
    chain = query.shortest_chain(
        loaded.graph,
        _find_note(loaded, start),
        _find_note(loaded, end),
        directed=not undirected,
    )
    click.echo(query.path.render(chain, fmt), nl=False)
    return ExitCode.OK if chain.hops is not None else ExitCode.FINDINGS


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
