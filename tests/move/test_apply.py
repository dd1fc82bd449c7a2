"""All or nothing: a move stopped at any step leaves the old vault or the new one, and the next
run finishes it (or undoes it) from the journal."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.move.invariant import files_of
from vaultgraph.move import MoveError, apply_plan, plan_moves, recover
from vaultgraph.move.journal import journal_file
from vaultgraph.vault import load_vault

_MOVE = (["people", "Broken.md"], "archive")


class _Crash(BaseException):
    """What a kill looks like to the move: nothing after it runs, nothing is undone."""


def _steps(root: Path) -> list[str]:
    names: list[str] = []
    plan = plan_moves(load_vault(root, cache=False), *_MOVE)
    apply_plan(root, plan, step=names.append)
    return names


def test_a_crash_at_any_step_leaves_the_old_or_the_new_vault_and_is_finished(
    vault_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    reference = vault_copy("basic")
    old = files_of(reference)
    steps = _steps(reference)
    new = files_of(reference)
    assert len(steps) == 5  # journal, a note written, two renames, done
    for crash_at in steps:
        root = tmp_path / f"at-{steps.index(crash_at)}"
        root.mkdir()
        (root / ".obsidian").mkdir()
        for path, (data, mode) in old.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
            (root / path).chmod(mode)

        def crash(name: str, at: str = crash_at) -> None:
            if name == at:
                raise _Crash

        plan = plan_moves(load_vault(root, cache=False), *_MOVE)
        with pytest.raises(_Crash):
            apply_plan(root, plan, step=crash)
        assert journal_file(root).exists()
        said = recover(root)
        assert said is not None
        assert said.startswith("finished an interrupted move"), said
        assert files_of(root) == new, crash_at
        assert not journal_file(root).exists()
        assert recover(root) is None


@pytest.mark.parametrize(
    ("raised", "expected", "message"),
    [
        (OSError(13, "Permission denied"), MoveError, r"Permission denied.*put back"),
        (KeyboardInterrupt(), KeyboardInterrupt, None),  # Ctrl-C: undone, then raised on
    ],
    ids=["failing step", "ctrl-c"],
)
def test_a_step_that_raises_part_way_puts_everything_back(
    vault_copy: Callable[[str], Path],
    raised: BaseException,
    expected: type[BaseException],
    message: str | None,
) -> None:
    root = vault_copy("basic")
    old = files_of(root)
    plan = plan_moves(load_vault(root, cache=False), *_MOVE)

    def fail(name: str) -> None:
        if name == "rename Broken.md":  # after the notes were written and people/ moved
            raise raised

    with pytest.raises(expected, match=message):
        apply_plan(root, plan, step=fail)
    assert files_of(root) == old
    assert not journal_file(root).exists()


def test_a_note_changed_since_the_plan_refuses_before_anything_is_written(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    plan = plan_moves(load_vault(root, cache=False), *_MOVE)
    (root / "people" / "Alice.md").write_text("changed\n")
    old = files_of(root)
    with pytest.raises(MoveError, match=r"people/Alice\.md changed since the move was planned"):
        apply_plan(root, plan)
    assert files_of(root) == old


def _move_stopped_by(statement: str) -> str:
    """A program that makes _MOVE (people/ and Broken.md into archive/) and runs ``statement`` after
    people/ was moved, before Broken.md is; it prints "not ended" if it gets to its end."""
    return (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from vaultgraph.move import apply_plan, plan_moves\n"
        "from vaultgraph.vault import load_vault\n"
        "root = Path(sys.argv[1])\n"
        f"plan = plan_moves(load_vault(root, cache=False), *{_MOVE!r})\n"
        "def step(name):\n"
        "    if name == 'rename Broken.md':\n"
        f"        {statement}\n"
        "apply_plan(root, plan, step=step)\n"
        "print('not ended')\n"
    )


def test_a_killed_process_is_finished_by_the_next_run(
    vault_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    reference = vault_copy("basic")
    root = tmp_path / "second"
    shutil.copytree(reference, root)
    old = files_of(reference)
    _steps(reference)
    new = files_of(reference)
    script = _move_stopped_by("os._exit(9)")
    done = subprocess.run([sys.executable, "-c", script, str(root)], check=False)
    assert done.returncode == 9
    assert files_of(root) not in (old, new)  # stopped half-way: people/ moved, Broken.md not
    said = recover(root)
    assert said is not None
    assert "finished" in said
    assert files_of(root) == new


def test_an_unreadable_journal_is_removed_and_said(vault_copy: Callable[[str], Path]) -> None:
    root = vault_copy("basic")
    file = journal_file(root)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"not json")
    file.chmod(0o600)
    said = recover(root)
    assert said is not None
    assert "cannot be read" in said
    assert not file.exists()


def test_the_next_mv_says_it_finished_an_interrupted_move(
    vault_copy: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.clirun import run

    root = vault_copy("basic")
    plan = plan_moves(load_vault(root, cache=False), ["Broken.md"], "archive")

    def crash(name: str) -> None:
        if name == "rename Broken.md":
            raise _Crash

    with pytest.raises(_Crash):
        apply_plan(root, plan, step=crash)
    code, _, err = run(capsys, "mv", "--vault", root, "Home.md", "Start.md")
    assert code == 0, err
    assert "finished an interrupted move (Broken.md -> archive/Broken.md)" in err
    assert (root / "archive" / "Broken.md").is_file()
    assert (root / "Start.md").is_file()


def test_check_fix_finishes_an_interrupted_move_and_says_so(
    vault_copy: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.clirun import run

    root = vault_copy("basic")
    plan = plan_moves(load_vault(root, cache=False), ["people/Alice.md"], "Alice.md")

    def crash(name: str) -> None:
        if name == "rename people/Alice.md":  # Home.md and Alice.md rewritten, not yet moved
            raise _Crash

    with pytest.raises(_Crash):
        apply_plan(root, plan, step=crash)
    _, _, err = run(capsys, "check", "--fix", root)
    assert "warning: finished an interrupted move (people/Alice.md -> Alice.md)" in err
    assert not journal_file(root).exists()
    assert (root / "Alice.md").is_file()
    assert not (root / "people" / "Alice.md").exists()


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_terminating_signal_part_way_puts_everything_back_then_ends_the_process(
    vault_copy: Callable[[str], Path], signal_name: str
) -> None:
    root = vault_copy("basic")
    old = files_of(root)
    script = _move_stopped_by(f"os.kill(os.getpid(), signal.{signal_name})")
    done = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=False
    )
    assert done.returncode == -getattr(signal, signal_name), done.stderr
    assert "not ended" not in done.stdout
    assert files_of(root) == old
    assert not journal_file(root).exists()


def _hub_vault(root: Path, notes: int) -> None:
    (root / ".obsidian").mkdir(parents=True)
    (root / "Hub.md").write_text("# Hub\n", encoding="utf-8")
    for number in range(notes):
        (root / f"n{number:02}.md").write_text(f"{number} links [[Hub]].\n", encoding="utf-8")


@pytest.mark.parametrize("stop", ["crash", "failure", "vanished"])
def test_many_notes_written_at_once_are_still_all_or_nothing(tmp_path: Path, stop: str) -> None:
    # Enough notes that they are written by several threads; a stop part-way through them.
    root = tmp_path / "vault"
    _hub_vault(root, 24)
    old = files_of(root)
    plan = plan_moves(load_vault(root, cache=False), ["Hub.md"], "Centre.md")
    assert len(plan.edits) == 24

    def halt(name: str) -> None:
        if name == "write n13.md":
            if stop == "vanished":  # then its write, in a thread, fails
                (root / "n13.md").unlink()
                return
            raise _Crash if stop == "crash" else OSError(28, "No space left on device")

    if stop == "crash":
        with pytest.raises(_Crash):
            apply_plan(root, plan, step=halt)
        said = recover(root)
        assert said is not None
        assert said.startswith("finished an interrupted move"), said
        assert files_of(root) != old
        assert all("[[Centre]]" in (root / f"n{n:02}.md").read_text() for n in range(24))
    elif stop == "failure":
        with pytest.raises(MoveError, match=r"No space left on device.*put back"):
            apply_plan(root, plan, step=halt)
        assert files_of(root) == old
    else:
        with pytest.raises(MoveError, match=r"cannot write.*put back"):
            apply_plan(root, plan, step=halt)
        del old["n13.md"]
        assert files_of(root) == old  # every other note put back, Hub.md not renamed
    assert not journal_file(root).exists()
