"""Carry out a plan all or nothing: journal first, then each note rewritten atomically, then the
renames, then the journal removed; a journal left by a crash is finished (or undone) next time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from vaultgraph.lint.fix import NotWritable, replace_atomically
from vaultgraph.move.journal import (
    Journal,
    JournalWrite,
    journal_file,
    read_journal,
    remove_journal,
    save,
)
from vaultgraph.move.plan import FileEdit, MoveError, Plan
from vaultgraph.signals import Stopped, stopped_by_signals

__all__ = ["Step", "apply_plan", "recover"]

# Called with the name of each step before it is taken: tests make one raise (a crash there).
Step = Callable[[str], None]


def _no_step(name: str) -> None:
    return None


def apply_plan(
    root: Path, plan: Plan, *, git: bool = False, step: Step = _no_step, journal: Path | None = None
) -> None:
    """Make the move ``plan`` describes in the vault at ``root``. Raises :class:`MoveError`
    (nothing changed, or everything changed undone) when a note changed since it was planned,
    cannot be written, or a rename fails. The caller holds the vault's write lock."""
    for edit in plan.edits:
        file = Path(os.path.realpath(root / edit.path))
        try:
            current = file.read_bytes()
            mode = stat.S_IMODE(file.stat().st_mode)
        except OSError as error:
            raise MoveError(f"cannot read {edit.path}: {error.strerror}") from None
        if current != edit.old:
            raise MoveError(f"{edit.path} changed since the move was planned; nothing moved")
        if not mode & 0o222 or not os.access(file, os.W_OK):
            raise MoveError(f"{edit.path} is read-only; nothing moved")
    if git and shutil.which("git") is None:
        raise MoveError("--git: no git command found")
    record = Journal(
        tuple(JournalWrite(e.path, e.new_path, e.old, e.new) for e in plan.edits),
        tuple((r.source, r.dest) for r in plan.renames),
        plan.folders,
        git,
    )
    file = journal_file(root) if journal is None else journal
    try:
        save(file, record)
    except OSError as error:
        raise MoveError(f"cannot write the move's journal {file}: {error.strerror}") from None
    with stopped_by_signals():
        try:
            step("journal")
            _write_all(root, plan.edits, step)
            for folder in record.folders:
                step(f"folder {folder}")
                (root / folder).mkdir(exist_ok=True)
            for source, dest in record.renames:
                step(f"rename {source}")
                _rename(root, source, dest, git=git)
        except (OSError, NotWritable, MoveError) as error:
            _rollback(root, record)
            remove_journal(file)
            reason = _reason(error)
            raise MoveError(f"the move failed ({reason}); everything was put back") from None
        except (KeyboardInterrupt, Stopped):
            # Ctrl-C, SIGTERM or SIGHUP part-way: the vault is put back as it was before the
            # run ends (a second one during that leaves the journal, for the next run).
            _rollback(root, record)
            remove_journal(file)
            raise
    step("done")
    remove_journal(file)


def recover(root: Path, *, journal: Path | None = None) -> str | None:
    """Finish the move a journal of the vault at ``root`` records (or, when that can no longer
    be done, undo it) and say what was done; ``None`` when there is no journal."""
    file = journal_file(root) if journal is None else journal
    record = read_journal(file, root)
    if record is None:
        return None
    if isinstance(record, str):
        remove_journal(file)
        return f"found {record} in {file}; removed it, the vault is left as it is"
    try:
        _finish(root, record)
        outcome = "finished"
    except (OSError, NotWritable, MoveError):
        _rollback(root, record)
        outcome = "could not finish, so undid"
    remove_journal(file)
    moved = ", ".join(f"{source} -> {dest}" for source, dest in record.renames)
    # A heading rename renames no file: its journal holds only the notes it rewrites.
    moved = moved or f"{len(record.writes)} note(s) rewritten, no file renamed"
    return f"{outcome} an interrupted move ({moved})"


def _finish(root: Path, record: Journal) -> None:
    for write in record.writes:
        where = write.path if os.path.lexists(root / write.path) else write.new_path
        if write.old is None or write.new is None:  # found as neither version
            raise MoveError(f"{where} changed meanwhile")
        if (root / where).read_bytes() == write.old:
            _write(root, where, write.old, write.new)
    for source, dest in record.renames:
        there, here = os.path.lexists(root / dest), os.path.lexists(root / source)
        if there and not here:
            continue
        if here and not there:
            (root / dest).parent.mkdir(parents=True, exist_ok=True)
            os.rename(root / source, root / dest)
            continue
        raise MoveError(f"both or neither of {source} and {dest} exist")


def _rollback(root: Path, record: Journal) -> None:
    """Undo what was done, best effort: every step back is checked before it is taken."""
    for source, dest in reversed(record.renames):
        if os.path.lexists(root / dest) and not os.path.lexists(root / source):
            with contextlib.suppress(OSError):
                if record.git:
                    _git_mv(root, dest, source)
                else:
                    os.rename(root / dest, root / source)
    for write in record.writes:
        with contextlib.suppress(OSError, NotWritable):
            old, new = write.old, write.new
            if old is not None and new is not None and (root / write.path).read_bytes() == new:
                _write(root, write.path, new, old)
    for folder in reversed(record.folders):
        with contextlib.suppress(OSError):
            (root / folder).rmdir()  # only when empty: a folder the move made


# Notes written at once: each write waits on the disk (fsync), not on this process, so a few
# threads write a hub's thousand backlinking notes in a fraction of the time one does.
_WRITERS = 4


def _write_all(root: Path, writes: Sequence[FileEdit], step: Step) -> None:
    """Write each note of ``writes`` atomically, a few at a time; the first failure is raised
    once every write under way has ended (so the rollback sees each note old or new)."""
    if len(writes) < 2 * _WRITERS:
        for write in writes:
            step(f"write {write.path}")
            _write(root, write.path, write.old, write.new)
        return
    with ThreadPoolExecutor(max_workers=_WRITERS, thread_name_prefix="vaultgraph-mv") as pool:
        pending = []
        for write in writes:
            step(f"write {write.path}")
            pending.append(pool.submit(_write, root, write.path, write.old, write.new))
        for future in pending:
            future.result()


def _write(root: Path, path: str, old: bytes, new: bytes) -> None:
    # A symlinked note is written where it really lives, as check --fix writes it.
    replace_atomically(Path(os.path.realpath(root / path)), old, new)


def _rename(root: Path, source: str, dest: str, *, git: bool) -> None:
    if os.path.lexists(root / dest):
        raise MoveError(f"{dest} appeared meanwhile")
    if git:
        _git_mv(root, source, dest)
    else:
        os.rename(root / source, root / dest)


def _git_mv(root: Path, source: str, dest: str) -> None:
    done = subprocess.run(
        ["git", "mv", "--", source, dest],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise MoveError(f"git mv {source} {dest}: {done.stderr.strip() or 'failed'}")


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
