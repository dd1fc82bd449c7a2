"""The ``vaultgraph`` command line: parse options, call the library, print, pick the exit code.

Each command lives in its own module, imported only when that command runs: a warm ``check``
answers in a fraction of a second, less than importing networkx and the query code would take.
"""

from __future__ import annotations

import importlib
import sys

import click

from vaultgraph import __version__
from vaultgraph.cli.common import ExitCode, SuggestingGroup, progress_bar

__all__ = ["INTERRUPTED", "ExitCode", "cli", "command_named", "main", "progress_bar"]

# Command name -> "module:function", in the order ``--help`` lists them.
_COMMANDS = {
    "export": "vaultgraph.cli.graph:export",
    "check": "vaultgraph.cli.check:check",
    "map": "vaultgraph.cli.graph:map_command",
    "stats": "vaultgraph.cli.queries:stats_command",
    "backlinks": "vaultgraph.cli.queries:backlinks_command",
    "links": "vaultgraph.cli.queries:links_command",
    "explain": "vaultgraph.cli.queries:explain_command",
    "diff": "vaultgraph.cli.queries:diff_command",
    "path": "vaultgraph.cli.queries:path_command",
    "mv": "vaultgraph.cli.move:mv_command",
    "rule": "vaultgraph.cli.rule:rule_command",
    "cache": "vaultgraph.cli.cache:cache_group",
}


class _LazyGroup(SuggestingGroup):
    """A group whose commands are imported on first use (click's documented lazy-loading shape);
    a mistyped command gets the names closest to it, none of them imported."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMANDS:
            module, _, name = _COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
            if not isinstance(command, click.Command):
                raise TypeError(f"{_COMMANDS[cmd_name]} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultgraph")
@click.option(
    "--verbose",
    is_flag=True,
    help="On an internal error (a bug in vaultgraph), print its traceback too.",
)
def cli(verbose: bool) -> None:
    """Lint, map and query Obsidian vaults as a graph, with Obsidian's own link rules."""
    # main reads --verbose from the arguments itself: it must know even when the error comes
    # before this runs (while a command is imported, or its options are parsed).


def command_named(name: str) -> click.Command:
    """The command ``vaultgraph NAME`` runs, imported if it was not yet."""
    with click.Context(cli) as ctx:
        found = cli.get_command(ctx, name)
    if found is None:
        raise KeyError(name)
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (errors are one line, never a traceback).

    Whatever goes wrong is one line on standard error and exit code 2, a bug in vaultgraph too
    (an "internal error", with its traceback under ``--verbose``): exit code 1 means findings,
    and a crash must never read as that. Ctrl-C exits 130, quietly; a closed pipe (``| head``)
    and ``SystemExit`` keep click's and Python's own handling.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        result = cli.main(args=args, prog_name="vaultgraph", standalone_mode=False)
    except click.exceptions.Exit as leave:
        return leave.exit_code
    except click.ClickException as error:
        from vaultgraph.terminal import visible

        # One line, whatever the error: usage hints belong to --help, and a name from the vault
        # in the message neither breaks the line nor reaches the terminal raw.
        click.echo(f"Error: {visible(error.format_message())}", err=True)
        return ExitCode.ERROR
    except click.Abort as abort:
        if isinstance(abort.__cause__, KeyboardInterrupt):  # click has ended the line already
            return INTERRUPTED
        click.echo("Aborted.", err=True)
        return ExitCode.ERROR
    except KeyboardInterrupt:  # outside click's own handling (while it starts or ends)
        return INTERRUPTED
    except BrokenPipeError:
        raise  # not a bug: the reader went away, and Python's handling of that is the right one
    except Exception as error:
        _internal_error(error, verbose=_verbose(args))
        return ExitCode.ERROR
    return int(result) if isinstance(result, int) else ExitCode.OK


# The exit code of a program stopped by SIGINT, as shells report it (128 + 2).
INTERRUPTED = 130


def _verbose(args: list[str]) -> bool:
    """Whether ``--verbose`` stands among the options before the command."""
    for arg in args:
        if arg == "--verbose":
            return True
        if not arg.startswith("-"):
            return False
    return False


def _internal_error(error: Exception, *, verbose: bool) -> None:
    from vaultgraph.terminal import visible

    if verbose:
        import traceback  # only for --verbose: every command would pay for it otherwise

        traceback.print_exception(error, file=sys.stderr)
    message = visible(str(error))  # one line, and nothing in it acts on the terminal
    if len(message) > 500:
        message = f"{message[:497]}..."
    hint = "" if verbose else "run with --verbose for the traceback; "
    click.echo(
        f"vaultgraph: internal error: {type(error).__name__}: {message} ({hint}please report it)",
        err=True,
    )
