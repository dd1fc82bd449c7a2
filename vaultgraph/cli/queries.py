"""The questions asked of the graph (vaultgraph/query/), as Obsidian's panes ask them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from vaultgraph import query
from vaultgraph.cli.common import (
    VAULT_ARGUMENT,
    VAULT_OPTION,
    ExitCode,
    load_options,
    open_vault,
)
from vaultgraph.vault import Vault

__all__ = [
    "backlinks_command",
    "diff_command",
    "explain_command",
    "links_command",
    "path_command",
    "stats_command",
]

_Command = TypeVar("_Command", bound=Callable[..., Any])


def _query_format(formats_table: dict[str, Any]) -> Callable[[_Command], _Command]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(tuple(formats_table)),
        default="text",
        show_default=True,
        help="The output format.",
    )


def _query_options(formats_table: dict[str, Any]) -> Callable[[_Command], _Command]:
    """What every question about a note takes, after its own options: ``--vault``, ``--format``
    (one of ``formats_table``), ``--no-cache`` and ``--jobs``."""

    def apply(command: _Command) -> _Command:
        return VAULT_OPTION(_query_format(formats_table)(load_options(command)))

    return apply


def _find_note(loaded: Vault, name: str, *, attachments: bool = False) -> str:
    """The vault path NAME stands for, or leave with one line naming the closest notes."""
    try:
        return query.find_note(loaded.graph, name, root=loaded.root, attachments=attachments)
    except query.QueryError as error:
        raise click.UsageError(str(error)) from None


@click.command("stats")
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

    Counts notes, attachments (and those nothing uses), tags, links, embeds, unresolved
    targets, orphans, dead ends and components; ranks notes by in-links and PageRank,
    unresolved targets by how often they are linked, and unused attachments by size.
    """
    from vaultgraph.attachments import unused_attachments

    loaded = open_vault(vault, no_cache=no_cache, jobs=jobs)
    stats = query.vault_stats(loaded.graph, top=top, unused=unused_attachments(loaded))
    click.echo(query.stats.render(stats, fmt), nl=False)


@click.command("backlinks")
@click.argument("note")
@click.option("--unlinked", is_flag=True, help="Also list plain-text mentions of its name.")
@_query_options(query.backlinks.FORMATS)
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


@click.command("links")
@click.argument("note")
@click.option(
    "--unlinked", is_flag=True, help="Also list plain-text mentions of other notes' names."
)
@_query_options(query.backlinks.FORMATS)
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


@click.command("explain")
@click.argument("link")
@click.option(
    "--from",
    "source",
    metavar="NOTE",
    help="The note the link is written in.  [default: a note at the vault root]",
)
@_query_options(query.explain.FORMATS)
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


@click.command("diff")
@click.argument("rev1")
@click.argument("rev2", required=False)
@_query_options(query.diff_formats.FORMATS)
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
        # The notes the working tree shares with a revision are taken from it, not parsed again
        # (nor looked up in the cache file the working tree's load has just read and written).
        # Between two revisions the working tree is only that help: nothing to warn about.
        loaded = open_vault(vault, no_cache=no_cache, jobs=jobs, quiet=rev2 is not None)
        current = query.working_tree(loaded)
        old = query.at_revision(vault, rev1, reuse=current, jobs=jobs)
        new = current if rev2 is None else query.at_revision(vault, rev2, reuse=current, jobs=jobs)
    except query.QueryError as error:
        raise click.UsageError(str(error)) from None
    click.echo(query.diff_formats.render(query.compare(old, new), fmt), nl=False)


@click.command("path")
@click.argument("start", metavar="A")
@click.argument("end", metavar="B")
@click.option(
    "--undirected", is_flag=True, help="Follow links both ways, as the graph view draws them."
)
@_query_options(query.path.FORMATS)
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
