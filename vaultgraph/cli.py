"""The ``vaultgraph`` command line: parse options, call the library, print, pick the exit code."""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path

import click

from vaultgraph import __version__
from vaultgraph.export import FORMATS, Format, export_graph
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


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (errors are one line, never a traceback)."""
    try:
        result = cli.main(args=argv, prog_name="vaultgraph", standalone_mode=False)
    except click.exceptions.Exit as leave:
        return leave.exit_code
    except click.ClickException as error:
        error.show()
        return ExitCode.ERROR
    except click.Abort:
        click.echo("Aborted.", err=True)
        return ExitCode.ERROR
    return int(result) if isinstance(result, int) else ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
