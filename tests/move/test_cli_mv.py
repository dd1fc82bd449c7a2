"""``vaultgraph mv`` on the command line: dry runs, moves, refusals, --git."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.clirun import run
from tests.move.invariant import files_of


def test_dry_run_prints_the_moves_and_the_diff_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], vault_copy: Callable[[str], Path]
) -> None:
    root = vault_copy("basic")
    files = files_of(root)
    code, out, _ = run(capsys, "mv", "--vault", root, "--dry-run", "people/Alice.md", "archive")
    assert code == 0
    assert out.splitlines()[0] == "people/Alice.md -> archive/Alice.md"
    assert "-[md](people/Alice.md#Work) and" in out
    assert "+[md](Alice.md#Work) and" in out
    assert files_of(root) == files


def test_mv_moves_and_creates_missing_parent_folders(
    capsys: pytest.CaptureFixture[str], vault_copy: Callable[[str], Path]
) -> None:
    root = vault_copy("basic")
    code, _, err = run(capsys, "mv", "--vault", root, "people/Alice.md", "a/b/Alice.md")
    assert code == 0, err
    assert (root / "a" / "b" / "Alice.md").is_file()
    assert not (root / "people/Alice.md").exists()
    assert "Rewrote 4 link(s) in 2 note(s)." in err


def test_paths_on_disk_inside_the_vault(
    capsys: pytest.CaptureFixture[str], vault_copy: Callable[[str], Path]
) -> None:
    root = vault_copy("basic")
    code, _, err = run(capsys, "mv", "--vault", root, root / "Broken.md", root / "archive")
    assert code == 0, err
    assert (root / "archive" / "Broken.md").is_file()


def test_a_trailing_slash_makes_dest_a_folder_on_disk_paths_too(
    capsys: pytest.CaptureFixture[str], vault_copy: Callable[[str], Path]
) -> None:
    root = vault_copy("basic")
    code, out, err = run(capsys, "mv", "--vault", root, "Broken.md", "new/")
    assert code == 0, err
    assert out.splitlines() == ["Broken.md -> new/Broken.md"]
    on_disk = f"{root / 'other'}/"
    code, out, err = run(capsys, "mv", "--vault", root, root / "people" / "Bob.md", on_disk)
    assert code == 0, err
    assert out.splitlines() == ["people/Bob.md -> other/Bob.md"]
    assert (root / "new" / "Broken.md").is_file()
    assert (root / "other" / "Bob.md").is_file()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["Home.md", "Broken.md"], "Error: DEST Broken.md exists"),
        (["Gone.md", "X.md"], "Error: SOURCE Gone.md does not exist"),
        (["people", "people/in"], "Error: cannot move people into itself"),
        ([".obsidian", "obs"], "Error: SOURCE .obsidian is a hidden path"),
        (["Home.md"], "Error: give SOURCE and DEST"),
    ],
)
def test_refusals_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    vault_copy: Callable[[str], Path],
    args: list[str],
    said: str,
) -> None:
    root = vault_copy("basic")
    files = files_of(root)
    code, _, err = run(capsys, "mv", "--vault", root, *args)
    assert code == 2
    assert err.splitlines()[-1].startswith(said), err
    assert len(err.splitlines()) == 1
    assert files_of(root) == files


def test_a_path_outside_the_vault_is_refused(
    capsys: pytest.CaptureFixture[str], vault_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    root = vault_copy("basic")
    code, _, err = run(capsys, "mv", "--vault", root, "Home.md", tmp_path / "Home.md")
    assert code == 2
    assert "outside the vault" in err


def test_git_moves_with_git_mv(
    capsys: pytest.CaptureFixture[str], vault_copy: Callable[[str], Path]
) -> None:
    root = vault_copy("basic")

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "vault")
    code, _, err = run(capsys, "mv", "--vault", root, "--git", "people/Alice.md", "Alice.md")
    assert code == 0, err
    staged = git("diff", "--cached", "--name-status", "-M")
    assert "R100\tpeople/Alice.md\tAlice.md" in staged  # git itself recorded the rename
