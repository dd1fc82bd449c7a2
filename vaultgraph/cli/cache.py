"""``vaultgraph cache``: where the cache folder is, and emptying it."""

from __future__ import annotations

import os
from pathlib import Path

import click

from vaultgraph.cli.common import VAULT_ARGUMENT, SuggestingGroup
from vaultgraph.store import StoreError, cache_dir, clean

__all__ = ["cache_group"]


@click.group("cache", cls=SuggestingGroup)
def cache_group() -> None:
    """Show or empty the cache folder (parsed notes and last findings).

    The folder is $VAULTGRAPH_CACHE_DIR, else the user's cache folder for vaultgraph.
    """


@cache_group.command("dir")
def _dir_command() -> None:
    """Print the cache folder's path."""
    from vaultgraph.terminal import visible

    click.echo(visible(str(cache_dir())))


@cache_group.command("clean")
@VAULT_ARGUMENT
@click.option(
    "--all", "every_vault", is_flag=True, help="Remove the cache files of every vault, not one."
)
def _clean_command(vault: Path, every_vault: bool) -> None:
    """Remove the cache files of one vault, or of every vault.

    VAULT (or --vault) is by default the vault the working directory is in. Only vaultgraph's
    own files are removed: the folder and anything else in it stay.
    """
    from vaultgraph.store import vault_key
    from vaultgraph.terminal import visible

    folder = cache_dir()
    key = None if every_vault else vault_key(os.path.realpath(vault))
    try:
        cleaned = clean(folder, key=key)
    except StoreError as error:
        raise click.ClickException(str(error)) from None
    noun = "file" if cleaned.files == 1 else "files"
    click.echo(
        f"Removed {cleaned.files} cache {noun} ({_size(cleaned.size)}) from {visible(str(folder))}."
    )


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"
