"""What the commands share: exit codes, the vault argument, load options, the progress bar."""

from __future__ import annotations

import functools
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from vaultgraph.files import SkippedPath
    from vaultgraph.reading import Progress
    from vaultgraph.vault import Vault

__all__ = [
    "VAULT_ARGUMENT",
    "VAULT_OPTION",
    "ExitCode",
    "SuggestingGroup",
    "discover_vault",
    "load_options",
    "loading",
    "no_notes",
    "open_vault",
    "pick_vault",
    "progress_bar",
    "warn_skipped",
]

_Command = TypeVar("_Command", bound=Callable[..., Any])


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2  # usage, configuration, or a vault that cannot be read


class SuggestingGroup(click.Group):
    """A group that answers a command it does not have with the name closest to it:
    ``No such command 'chek'. Did you mean 'check'?``."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0]) if args else ""
        unknown = name and not name.startswith("-") and not ctx.resilient_parsing
        if unknown and self.get_command(ctx, name) is None:
            from vaultgraph.lint.suggest import closest  # only when a name is mistyped

            # The nearest one only, within difflib's own default cutoff (click's, for options).
            near = closest(name, self.list_commands(ctx), limit=1, cutoff=0.6)
            if near:
                ctx.fail(f"No such command {name!r}. Did you mean {near[0]!r}?")
        return super().resolve_command(ctx, args)


def VAULT_ARGUMENT(command: _Command) -> _Command:
    """An optional ``[VAULT]`` argument and a ``--vault PATH`` option, given to the command as
    one ``vault``: the folder given, else the vault found from it or from the working directory
    (:func:`pick_vault`)."""

    @functools.wraps(command)
    def wrapper(*args: Any, vault: Path | None, vault_flag: Path | None, **kwargs: Any) -> Any:
        return command(*args, vault=pick_vault(vault, vault_flag), **kwargs)

    argument = click.argument("vault", required=False, type=_FOLDER)
    return cast(_Command, argument(_VAULT_FLAG(wrapper)))


def VAULT_OPTION(command: _Command) -> _Command:
    """A ``--vault PATH`` option, given to the command as ``vault``: that folder, else the vault
    found from the working directory (:func:`pick_vault`)."""

    @functools.wraps(command)
    def wrapper(*args: Any, vault_flag: Path | None, **kwargs: Any) -> Any:
        return command(*args, vault=pick_vault(None, vault_flag), **kwargs)

    return cast(_Command, _VAULT_FLAG(wrapper))


def pick_vault(given: Path | None, flag: Path | None, *, quiet: bool = False) -> Path:
    """The vault a command reads: ``--vault`` (``flag``) as it is; else the nearest folder at or
    above ``given`` (or the working directory) that holds ``.obsidian/``, said on stderr unless
    ``quiet`` when it is not that folder; else ``given`` (or the working directory)."""
    if flag is not None:
        if given is not None and not _same(given, flag):
            raise click.UsageError("the vault is given twice, as VAULT and --vault: give one")
        return flag
    return discover_vault(Path(".") if given is None else given, quiet=quiet)


def discover_vault(start: Path, *, quiet: bool = False, fallback: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``.obsidian/``; said on stderr (unless
    ``quiet``) when it is neither ``start`` nor the working directory. Else ``fallback``, by
    default ``start``."""
    from vaultgraph.files import find_vault_root
    from vaultgraph.terminal import visible

    found = find_vault_root(start)
    if found is None:
        return start if fallback is None else fallback
    if _same(start, found):
        return start
    here = Path(".")
    if _same(here, found):  # the working directory: nothing to say
        return here
    if not quiet:
        click.echo(f"vaultgraph: using the vault at {visible(str(found))}", err=True)
    return found


def _same(one: Path, other: Path) -> bool:
    try:
        return os.path.realpath(one) == os.path.realpath(other)
    except (OSError, ValueError):
        return False


_FOLDER = click.Path(file_okay=False, path_type=Path)
_VAULT_FLAG = click.option(
    "--vault",
    "vault_flag",
    type=_FOLDER,
    metavar="PATH",
    help="The vault folder.  [default: the nearest folder holding .obsidian/ at or above the "
    "working directory, else the working directory]",
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
        help="Parse every note; neither read nor write the cache (parsed notes, last findings).",
    )
    return no_cache(jobs(command))


def open_vault(
    path: Path, *, no_cache: bool = False, jobs: int | None = None, quiet: bool = False
) -> Vault:
    """Load a vault, or leave with one clear line on stderr and exit code 2.

    Unless ``quiet`` (for a command that says them itself, once), the paths the listing skipped
    are said on stderr, and so is a vault folder that holds no notes at all.
    """
    from vaultgraph.vault import load_vault

    with loading() as progress:
        vault = load_vault(path, cache=not no_cache, jobs=jobs, progress=progress)
    if not quiet:
        warn_skipped(path, vault.skipped)
        if not vault.notes and not vault.unreadable:
            click.echo(f"warning: {no_notes(path)}", err=True)
    return vault


def warn_skipped(root: Path, skipped: Iterable[SkippedPath]) -> None:
    """Say on stderr, once each, the paths of the vault at ``root`` that its listing left out."""
    from vaultgraph.terminal import visible

    for item in dict.fromkeys(skipped):
        shown = root if item.path == "." else root / item.path
        # The path is the vault's: shown with its control characters escaped, as findings are.
        click.echo(f"warning: skipped {visible(str(shown))}: {visible(item.reason)}", err=True)


def no_notes(root: Path) -> str:
    """What to say of a vault folder that holds no notes: most likely, not the vault folder."""
    from vaultgraph.terminal import visible

    return f"no notes found in {visible(str(root))}: is it the vault folder?"


@contextmanager
def loading(*, bar: bool = True) -> Iterator[Progress]:
    """Around reading a vault: a progress bar (unless not ``bar``: ``check --quiet``), and a
    vault that cannot be read as a usage error (exit code 2)."""
    from vaultgraph.files import VaultError

    # The vault lives until the command ends: the cycle collector is held while it loads and
    # then told to leave its million objects alone, rather than walk them again and again (and
    # once more at exit), which would cost more than a warm load.
    gc.disable()
    try:
        if not bar:
            yield _no_progress
            return
        with progress_bar(sys.stderr) as progress:
            yield progress
    except VaultError as error:
        raise click.UsageError(str(error)) from None
    finally:
        gc.freeze()
        gc.enable()


def _no_progress(done: int, total: int) -> None:
    return None


@contextmanager
def progress_bar(
    stream: TextIO, *, delay: float = 1.0, clock: Callable[[], float] = time.monotonic
) -> Iterator[Progress]:
    """A progress callback that shows click's bar on ``stream`` when it is a terminal and notes
    are still being read ``delay`` seconds after the start: a quick or warm run shows nothing.

    A count that starts again (after reaching its total, or lower than it was) is another
    reading of the vault (``check --fix`` reads it once per round): it gets a bar of its own,
    with a delay of its own."""
    start = clock()
    with ExitStack() as stack:
        bar: ProgressBar[int] | None = None  # shown once the delay has passed
        last = (0, 0)  # the last call's done and total

        def update(done: int, total: int) -> None:
            nonlocal bar, start, last
            if done < last[0] or last[0] >= last[1] > 0:
                stack.close()  # the last reading's bar, if it was shown
                bar, start = None, clock()
            last = (done, total)
            if bar is None:
                if done >= total or clock() - start < delay or not stream.isatty():
                    return
                bar = stack.enter_context(
                    click.progressbar(length=total, label="Reading notes", file=stream)
                )
            bar.update(done - bar.pos)

        yield update
