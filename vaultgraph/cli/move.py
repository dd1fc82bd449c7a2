"""``vaultgraph mv``: move notes, attachments and folders, every reference kept."""

from __future__ import annotations

import os
from pathlib import Path

import click

from vaultgraph.cli.common import VAULT_OPTION, ExitCode, load_options, open_vault

__all__ = ["mv_command"]


@click.command("mv")
@click.argument("paths", metavar="SOURCE... DEST", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Print the moves and a diff of every rewrite.")
@click.option("--git", "use_git", is_flag=True, help="Move with git mv, so history follows.")
@VAULT_OPTION
@load_options
def mv_command(
    paths: tuple[str, ...],
    dry_run: bool,
    use_git: bool,
    vault: Path,
    no_cache: bool,
    jobs: int | None,
) -> int:
    """Move or rename SOURCE to DEST (or several SOURCEs into the folder DEST; a DEST ending in
    / is a folder, made if missing), rewriting every link the move would break. Paths are
    vault-relative or on disk inside the vault.
    "NOTE.md#Old heading" "New heading" renames a heading, rewriting every link to it."""
    from vaultgraph.lock import VaultBusy, writing
    from vaultgraph.move import MoveError, apply_plan, plan_heading_rename, plan_moves, recover
    from vaultgraph.terminal import visible

    if len(paths) < 2:
        raise click.UsageError("give SOURCE and DEST")
    heading = _heading_source(vault, paths)
    sources = [_in_vault(vault, path) for path in paths[:-1]]
    dest = _in_vault(vault, paths[-1])
    try:
        with writing(vault) as lock:
            if not lock.held:
                click.echo(f"warning: cannot take the write lock: {lock.reason}", err=True)
            if not dry_run:
                said = recover(vault)
                if said is not None:
                    click.echo(f"vaultgraph: {visible(said)}", err=True)
            loaded = open_vault(vault, no_cache=no_cache, jobs=jobs, quiet=True)
            if heading is None:
                plan = plan_moves(loaded, sources, dest)
            else:
                note, old = heading
                new = paths[-1].strip().lstrip("#")  # "## New" is the heading's text "New"
                plan = plan_heading_rename(loaded, note, old, new)
                click.echo(visible(f"{note}#{old.strip()} -> {note}#{new.strip()}"))
            for line in plan.newly_resolved:
                click.echo(f"warning: {visible(line)} (an unresolved link, kept)", err=True)
            for rename in plan.renames:
                click.echo(visible(f"{rename.source} -> {rename.dest}"))
            if dry_run:
                for line in plan.diff.splitlines():  # names and text from the vault, escaped
                    click.echo(visible(line))
                return ExitCode.OK
            apply_plan(vault, plan, git=use_git)
    except VaultBusy as busy:
        raise click.ClickException(f"{busy}; try again when it ends") from None
    except MoveError as error:
        raise click.ClickException(str(error)) from None
    rewritten = sum(edit.rewritten for edit in plan.edits)
    notes = sum(1 for edit in plan.edits if edit.rewritten)
    click.echo(f"Rewrote {rewritten} link(s) in {notes} note(s).", err=True)
    return ExitCode.OK


def _heading_source(vault: Path, paths: tuple[str, ...]) -> tuple[str, str] | None:
    """The note and the heading of a heading rename, ``NOTE.md#Old heading`` then the new
    heading: one SOURCE that is no file, whose part before its first ``#`` is a note."""
    given = paths[0]
    if len(paths) != 2 or "#" not in given or os.path.lexists(os.path.join(vault, given)):
        return None
    written, _, old = given.partition("#")
    note = _in_vault(vault, written)
    if not note.lower().endswith(".md") or not os.path.isfile(os.path.join(vault, note)):
        return None
    return note, old


def _in_vault(vault: Path, given: str) -> str:
    """``given`` as the vault-relative path the planner takes. A relative path is the vault's
    when it names something there or does not lead into the vault from the working directory;
    otherwise (and an absolute path always) it is a path on disk, taken from the vault root
    (one outside the vault then starts with ``../``, which the planner refuses)."""
    root = os.path.realpath(vault)
    here = os.path.abspath(given)
    if not os.path.isabs(given) and (
        os.path.lexists(os.path.join(vault, given)) or not _inside(here, root)
    ):
        return given.replace(os.sep, "/")
    full = os.path.join(os.path.realpath(os.path.dirname(here)), os.path.basename(here))
    folder = "/" if given.endswith(("/", os.sep)) else ""  # "into this folder", kept
    return os.path.relpath(full, root).replace(os.sep, "/") + folder


def _inside(path: str, root: str) -> bool:
    real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    return real.startswith(root + os.sep)
