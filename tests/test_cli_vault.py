"""Naming the vault: ``--vault`` on every command, else the nearest folder holding ``.obsidian/``
above the working directory (or the path given); and ``check PATH...`` on part of a vault."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph.cli import main

NOTES = {
    "Home.md": "# Home\n\nSee [[Topic]] and [[Deep]].\n",
    "Concepts/Topic.md": "# Topic\n\nBack to [[Home]], on to [[Deep]].\n",
    "Concepts/Inner/Deep.md": "# Deep\n\nUp to [[Topic]] and [[Home]].\n",
}
USING = "vaultgraph: using the vault at "


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    write_vault(root, NOTES)
    (root / ".obsidian").mkdir()
    return root


# Each command with the arguments it needs besides the vault.
COMMANDS = {
    "check": ["check"],
    "stats": ["stats"],
    "export": ["export"],
    "map": ["map", "-o", "-"],
    "backlinks": ["backlinks", "Topic"],
    "links": ["links", "Topic"],
    "explain": ["explain", "[[Topic]]"],
    "path": ["path", "Home", "Deep"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_takes_vault_option(
    name: str,
    vault: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # not in the vault: only --vault names it
    code, out, err = run(capsys, *COMMANDS[name], "--vault", vault)
    assert code == 0, err
    assert out
    assert USING not in err


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_finds_the_vault_above_the_working_directory(
    name: str, vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault / "Concepts" / "Inner")
    code, out, err = run(capsys, *COMMANDS[name])
    assert code == 0, err
    assert out
    assert err.splitlines() == [f"{USING}{vault.resolve()}"]


def test_backlinks_from_a_subfolder_is_the_whole_vault(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault / "Concepts")
    code, out, _ = run(capsys, "backlinks", "Topic", "--format", "json")
    assert code == 0
    sources = {row["source"] for row in json.loads(out)["linked"]}
    assert sources == {"Home.md", "Concepts/Inner/Deep.md"}


def test_in_the_vault_folder_nothing_is_said(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault)
    assert run(capsys, "stats")[2] == ""
    assert run(capsys, "check")[2] == ""


def test_a_positional_vault_still_works_and_is_searched_from(
    vault: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "stats", vault, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["notes"] == 3
    code, out, err = run(capsys, "stats", vault / "Concepts", "--format", "json")
    assert code == 0
    assert json.loads(out)["notes"] == 3
    assert err == f"{USING}{vault.resolve()}\n"


def test_without_obsidian_the_working_directory_is_the_vault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path / "plain", NOTES)
    monkeypatch.chdir(tmp_path / "plain" / "Concepts")
    code, out, err = run(capsys, "stats", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["notes"] == 2  # the working directory's notes only, as before


def test_the_vault_given_twice_differently_is_a_usage_error(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "stats", vault, "--vault", tmp_path)
    assert code == 2
    assert "given twice" in err


def test_quiet_check_says_nothing_of_the_vault_it_found(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault / "Concepts")
    assert run(capsys, "check", "-q") == (0, "", "")


def test_obsidian_as_a_file_or_a_symlink_is_no_vault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    (outside / ".obsidian").mkdir(parents=True)
    write_vault(outside, {"Far.md": "# Far\n"})
    root = write_vault(tmp_path / "outside" / "v", NOTES)
    (root / ".obsidian").write_text("a file", encoding="utf-8")
    monkeypatch.chdir(root / "Concepts")
    code, _, err = run(capsys, "stats", "--format", "json")
    assert code == 0  # the file is passed over: the real .obsidian/ above is found
    assert err == f"{USING}{outside.resolve()}\n"
    linked = write_vault(tmp_path / "linked", NOTES)
    os.symlink(outside / ".obsidian", linked / ".obsidian", target_is_directory=True)
    monkeypatch.chdir(linked / "Concepts")
    code, out, err = run(capsys, "stats", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["notes"] == 2


def test_a_missing_vault_is_still_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope"
    runs: list[list[str | Path]] = [["stats", missing], ["backlinks", "X", "--vault", missing]]
    for args in runs:
        code, _, err = run(capsys, *args)
        assert code == 2
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err
