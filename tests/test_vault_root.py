"""``find_vault_root``: the nearest folder holding ``.obsidian/``, as git finds a repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import vaultgraph
from vaultgraph.files import MAX_VAULT_DEPTH, find_vault_root


def _vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    (root / "Concepts" / "Deep").mkdir(parents=True)
    (root / "Concepts" / "Note.md").write_text("# Note\n", encoding="utf-8")
    return root


def test_the_vault_folder_itself(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    assert find_vault_root(root) == root.resolve()


def test_from_a_subfolder_and_from_a_note(tmp_path: Path) -> None:
    root = _vault(tmp_path).resolve()
    assert find_vault_root(root / "Concepts" / "Deep") == root
    assert find_vault_root(root / "Concepts" / "Note.md") == root


def test_a_relative_start_is_taken_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _vault(tmp_path).resolve()
    monkeypatch.chdir(root / "Concepts")
    assert find_vault_root(".") == root
    assert find_vault_root("Deep") == root


def test_the_nearest_vault_wins(tmp_path: Path) -> None:
    root = _vault(tmp_path).resolve()
    (root / "Concepts" / ".obsidian").mkdir()
    assert find_vault_root(root / "Concepts" / "Deep") == root / "Concepts"


def test_no_vault_above(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert find_vault_root(tmp_path / "plain") is None


def test_a_path_that_does_not_exist_has_no_vault(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    assert find_vault_root(root / "missing") is None
    assert find_vault_root(root / "missing" / "deeper") is None


def test_obsidian_as_a_file_is_not_a_vault(tmp_path: Path) -> None:
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / ".obsidian").write_text("not a folder", encoding="utf-8")
    assert find_vault_root(tmp_path / "v") is None


def test_obsidian_as_a_symlink_is_not_a_vault(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "v").mkdir()
    try:
        (tmp_path / "v" / ".obsidian").symlink_to(outside, target_is_directory=True)
    except OSError:
        pytest.skip("no symbolic links here")
    assert find_vault_root(tmp_path / "v") is None


def test_a_folder_that_cannot_be_looked_into_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _vault(tmp_path).resolve()
    real_lstat = os.lstat

    def lstat(path: str | os.PathLike[str]) -> os.stat_result:
        if Path(path).parent == root / "Concepts":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_lstat(path)

    monkeypatch.setattr(os, "lstat", lstat)
    assert find_vault_root(root / "Concepts") == root


def test_hostile_starts_never_raise(tmp_path: Path) -> None:
    assert find_vault_root("bad\0name") is None
    assert find_vault_root(tmp_path / ("x" * 5000)) is None


def test_the_search_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[str] = []
    real_lstat = os.lstat

    def lstat(path: str | os.PathLike[str]) -> os.stat_result:
        looked.append(os.fspath(path))
        return real_lstat(path)

    monkeypatch.setattr(os, "lstat", lstat)
    find_vault_root(tmp_path)
    assert 0 < len(looked) <= MAX_VAULT_DEPTH


def test_it_is_public() -> None:
    assert vaultgraph.find_vault_root is find_vault_root
