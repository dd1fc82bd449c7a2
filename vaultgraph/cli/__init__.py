"""The ``vaultgraph`` command line: parse options, call the library, print, pick the exit code.

Each command lives in its own module, imported only when that command runs: a warm ``check``
answers in a fraction of a second, less than importing networkx and the query code would take.
"""

from __future__ import annotations

import importlib

import click

from vaultgraph import __version__
from vaultgraph.cli.common import ExitCode, progress_bar

__all__ = ["ExitCode", "cli", "command_named", "main", "progress_bar"]

# Command name -> "module:function", in the order ``--help`` lists them.
COMMANDS = {
    "export": "vaultgraph.cli.graph:export",
    "check": "vaultgraph.cli.check:check",
    "map": "vaultgraph.cli.graph:map_command",
    "stats": "vaultgraph.cli.queries:stats_command",
    "backlinks": "vaultgraph.cli.queries:backlinks_command",
    "links": "vaultgraph.cli.queries:links_command",
    "explain": "vaultgraph.cli.queries:explain_command",
    "diff": "vaultgraph.cli.queries:diff_command",
    "path": "vaultgraph.cli.queries:path_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented lazy-loading shape)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, name = COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
            if not isinstance(command, click.Command):
                raise TypeError(f"{COMMANDS[cmd_name]} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultgraph")
def cli() -> None:
    """Lint, map and query Obsidian vaults as a graph, with Obsidian's own link rules."""


def command_named(name: str) -> click.Command:
    """The command ``vaultgraph NAME`` runs, imported if it was not yet."""
    with click.Context(cli) as ctx:
        found = cli.get_command(ctx, name)
    if found is None:
        raise KeyError(name)
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (errors are one line, never a traceback)."""
    try:
        result = cli.main(args=argv, prog_name="vaultgraph", standalone_mode=False)
    except click.exceptions.Exit as leave:
        return leave.exit_code
    except click.ClickException as error:
        from vaultgraph.terminal import visible

        # One line, whatever the error: usage hints belong to --help, and a name from the vault
        # in the message neither breaks the line nor reaches the terminal raw.
        click.echo(f"Error: {visible(error.format_message())}", err=True)
        return ExitCode.ERROR
    except click.Abort:
        click.echo("Aborted.", err=True)
        return ExitCode.ERROR
    return int(result) if isinstance(result, int) else ExitCode.OK
