"""``vaultgraph export`` and ``vaultgraph map``: the whole graph, as data or as a page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

from vaultgraph.cli.common import VAULT_ARGUMENT, load_options, open_vault
from vaultgraph.export import FORMATS, Format, export_graph, write_graph
from vaultgraph.files import write_atomically

__all__ = ["export", "map_command"]

_COLOR_BY: dict[str, Literal["folder", "tag", "community"]] = {
    "folder": "folder",
    "tag": "tag",
    "community": "community",
}


@click.command()
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
    graph = open_vault(vault, no_cache=no_cache, jobs=jobs).graph
    if output is None:
        stdout = getattr(sys.stdout, "buffer", None)
        if stdout is None:  # a text-only stream stands in for stdout (embedding, some tests)
            click.echo(export_graph(graph, fmt), nl=False)
            return
        sys.stdout.flush()
        write_graph(graph, fmt, stdout)
        stdout.flush()
        return
    try:
        write_atomically(output, lambda stream: write_graph(graph, fmt, stream))
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None


@click.command("map")
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
    "--tags/--no-tags",
    "tags_as_nodes",
    default=None,
    help="Draw tags as nodes.  [default: graph.json's showTags, else yes]",
)
@click.option(
    "--attachments/--no-attachments",
    default=None,
    help="Draw attachments (images, PDFs) as nodes.  [default: graph.json's showAttachments, "
    "else yes]",
)
@click.option(
    "--unresolved/--no-unresolved",
    default=None,
    help="Draw link targets that no file matches.  [default: not graph.json's hideUnresolved, "
    "else yes]",
)
@click.option(
    "--orphans/--no-orphans",
    default=None,
    help="Draw notes with no link either way.  [default: graph.json's showOrphans, else yes]",
)
@click.option(
    "--obsidian-settings/--no-obsidian-settings",
    default=True,
    show_default=True,
    help="Honour the vault's .obsidian/graph.json (colour groups, search, what is shown, the "
    "local graph's depth); the flags above win over it.",
)
@click.option(
    "--color-by",
    type=click.Choice(["folder", "tag", "community"]),
    default="folder",
    show_default=True,
    help="Colour notes by top-level folder, by their most used tag, or by link community "
    "(Louvain, seeded; each named by its most linked-to note).",
)
@load_options
def map_command(
    vault: Path,
    output: Path,
    around: str | None,
    depth: int | None,
    folders: tuple[str, ...],
    tags: tuple[str, ...],
    tags_as_nodes: bool | None,
    attachments: bool | None,
    unresolved: bool | None,
    orphans: bool | None,
    obsidian_settings: bool,
    color_by: str,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Write the vault's graph as one interactive HTML page that works offline."""
    from vaultgraph.map import MapError, MapOptions, build_view, render_page  # pyvis: map only
    from vaultgraph.map.obsidian import GraphSettings, read_graph_settings

    if depth is not None and around is None:
        raise click.UsageError("--depth counts links away from a note: give it with --around NOTE")
    settings = read_graph_settings(vault) if obsidian_settings else GraphSettings()
    for warning in settings.warnings:
        click.echo(f"warning: {warning}", err=True)
    hide_unresolved = settings.hide_unresolved
    options = MapOptions(
        tags_as_nodes=_first(tags_as_nodes, settings.show_tags),
        attachments=_first(attachments, settings.show_attachments),
        unresolved=_first(unresolved, None if hide_unresolved is None else not hide_unresolved),
        orphans=_first(orphans, settings.show_orphans),
        folders=folders,
        tags=tags,
        around=around,
        depth=depth
        if depth is not None
        else (1 if settings.local_jumps is None else settings.local_jumps),
        color_by=_COLOR_BY[color_by],
        search=settings.search,
        color_groups=settings.color_groups,
        obsidian=settings if obsidian_settings else None,
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


def _first(flag: bool | None, setting: bool | None) -> bool:
    """A flag given on the command line, else graph.json's setting, else yes."""
    if flag is not None:
        return flag
    return True if setting is None else setting
