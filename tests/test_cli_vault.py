"""Naming the vault: ``--vault`` on every command, else the nearest folder holding ``.obsidian/``
above the working directory (or the path given); and ``check PATH...`` on part of a vault."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.clirun import run
from tests.vaults import write_vault

NOTES = {
    "Home.md": "# Home\n\nSee [[Topic]] and [[Deep]].\n",
    "Concepts/Topic.md": "# Topic\n\nBack to [[Home]], on to [[Deep]].\n",
    "Concepts/Inner/Deep.md": "# Deep\n\nUp to [[Topic]] and [[Home]].\n",
}
USING = "vaultgraph: using the vault at "


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


# check PATH...: part of the vault, resolved against all of it.

PARTS = {
    "Home.md": "# Home\n\nSee [[Topic]] and [[Missing home]].\n\n- \n",
    "Concepts/Topic.md": "# Topic\n\nTo [[Home]], [[Deep]] and [[Missing topic]].\n\n- \n",
    "Concepts/Inner/Deep.md": "# Deep\n\nUp to [[Home]].\n\n- \n",
    "Concepts/Lonely.md": "# Lonely\n",
}


@pytest.fixture
def parts(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "parts", PARTS)
    (root / ".obsidian").mkdir()
    return root


def _rows(out: str) -> list[tuple[str, str]]:
    return [(row["path"], row["code"]) for row in json.loads(out)]


def test_a_subfolder_is_checked_against_the_whole_vault(
    parts: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(parts.parent)
    code, out, err = run(capsys, "check", parts / "Concepts", "--format", "json")
    assert code == 1
    assert err == f"{USING}{parts.resolve()}\n"
    broken = [(path, code) for path, code in _rows(out) if code == "VG101"]
    # [[Home]] and [[Deep]] resolve (Home.md is outside Concepts/): only the real one is reported
    assert broken == [("Concepts/Topic.md", "VG101")]
    assert all(path.startswith("Concepts/") for path, _ in _rows(out))


def test_the_subfolder_from_inside_it(
    parts: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(parts / "Concepts")
    code, out, _ = run(capsys, "check", ".")
    assert code == 1
    assert "[[Home]]" not in out
    assert "Missing topic" in out
    assert "Missing home" not in out
    assert "in 2 of 3 notes." in out  # checked: the 3 notes of Concepts/


def test_notes_given_by_name(
    parts: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(parts)
    code, out, err = run(
        capsys, "check", "Concepts/Inner/Deep.md", "Home.md", "--format", "json", "--no-cache"
    )
    assert (code, err) == (1, "")
    assert sorted(set(_rows(out))) == [
        ("Concepts/Inner/Deep.md", "VG201"),
        ("Home.md", "VG101"),
        ("Home.md", "VG201"),
    ]


def test_whole_vault_rules_still_see_the_whole_vault(
    parts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args: list[str | Path] = ["check", parts / "Concepts", "--select", "orphan-note"]
    args += ["--format", "json"]
    code, out, _ = run(capsys, *args)
    # Topic is linked from Home.md, outside Concepts/: not an orphan. Lonely is one.
    assert code == 1
    assert [path for path, _ in _rows(out)] == ["Concepts/Lonely.md"]


def test_a_path_outside_the_vault_is_a_usage_error(
    parts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = write_vault(tmp_path / "stray", {"Stray.md": "# Stray\n"})
    code, out, err = run(capsys, "check", parts / "Home.md", stray / "Stray.md")
    assert (code, out) == (2, "")
    assert "outside the vault at" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "check", stray / "Stray.md", "--vault", parts)
    assert code == 2
    assert "outside the vault at" in err


def test_a_path_that_is_not_there_is_a_usage_error(
    parts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", parts / "Home.md", parts / "Gone.md")
    assert (code, out) == (2, "")
    assert "Gone.md: no such file or folder" in err


def test_fix_with_paths_repairs_only_those_notes(
    parts: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(parts)
    code, _, _ = run(capsys, "check", "--fix", "Concepts/Topic.md")
    assert code == 1  # its broken link is left
    assert "- \n" not in (parts / "Concepts" / "Topic.md").read_text(encoding="utf-8")
    assert (parts / "Home.md").read_text(encoding="utf-8") == PARTS["Home.md"]
    deep = parts / "Concepts" / "Inner" / "Deep.md"
    assert deep.read_text(encoding="utf-8") == PARTS["Concepts/Inner/Deep.md"]


def test_without_obsidian_a_folder_is_the_vault_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_vault(tmp_path / "plain", PARTS)
    code, out, err = run(capsys, "check", root / "Concepts", "--format", "json")
    assert (code, err) == (1, "")
    # Concepts/ is the vault itself: [[Home]] is broken there, as it always was.
    assert ("Topic.md", "VG101") in _rows(out)


def test_without_obsidian_notes_are_of_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path / "plain", PARTS)
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "check", "Concepts/Inner/Deep.md", "--format", "json")
    assert (code, err) == (1, "")
    assert _rows(out) == [("Concepts/Inner/Deep.md", "VG201")]


def test_the_library_reports_on_the_paths_given(parts: Path) -> None:
    import vaultgraph

    result = vaultgraph.check(parts, only=[parts / "Concepts" / "Inner"])
    assert result.checked == ("Concepts/Inner/Deep.md",)
    assert [(f.path, f.code) for f in result.findings] == [("Concepts/Inner/Deep.md", "VG201")]
    whole = vaultgraph.check(parts, only=[parts])
    assert len(whole.checked) == len(PARTS)
    with pytest.raises(vaultgraph.VaultError, match="outside the vault"):
        vaultgraph.check(parts, only=[parts.parent])
