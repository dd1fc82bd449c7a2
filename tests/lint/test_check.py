"""vaultgraph.check: the check as a library call, with the memo, --fix's rounds and --diff."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

import vaultgraph
from tests.vaults import write_vault
from vaultgraph.lint.check import MAX_FIX_ROUNDS, CheckResult, check
from vaultgraph.lint.config import Config, ConfigError, SelectorError
from vaultgraph.lint.runner import check_vault
from vaultgraph.lock import VaultBusy, writing

DEFECTS = {
    "Artificial Intelligence.md": "---\naliases: [AI]\n---\n# Artificial Intelligence\n",
    "n.md": "See [[AI]] and [[Nowhere]].\n\n- \n",
}
# An empty list item whose only child is an empty one: the child's removal reveals the parent.
NESTED = {"a.md": "# A\n\n- \n  - \n"}


def _codes(result: CheckResult) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.rule) for f in result.findings]


def test_is_the_public_check(tmp_path: Path) -> None:
    assert vaultgraph.check is check
    assert vaultgraph.CheckResult is CheckResult
    write_vault(tmp_path, DEFECTS)
    with pytest.raises(TypeError):
        check(tmp_path, Config())  # type: ignore[call-arg]  # options are keyword-only


def test_finds_what_the_rules_find_and_changes_nothing(tmp_path: Path) -> None:
    write_vault(tmp_path, DEFECTS)
    result = check(tmp_path, cache=False)
    assert _codes(result) == [
        ("n.md", 1, "broken-link"),
        ("n.md", 1, "broken-link"),
        ("n.md", 3, "empty-bullet"),
    ]
    assert result.checked == ("Artificial Intelligence.md", "n.md")
    assert "broken-link" in [rule.name for rule in result.rules]
    assert (result.fixes, result.removed, result.unlocked, result.empty) == (None, (), None, False)
    assert (tmp_path / "n.md").read_text(encoding="utf-8") == DEFECTS["n.md"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.findings = ()  # type: ignore[misc]


def test_a_remembered_check_gives_the_same_result(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", DEFECTS)
    cache = tmp_path / "cache"
    cold = check(vault, cache=cache)
    assert any(cache.iterdir())  # the memo and the parsed notes are kept there
    assert check(vault, cache=cache) == cold
    assert check(vault, cache=False) == cold


def test_the_vaults_configuration_then_the_options_over_it(tmp_path: Path) -> None:
    write_vault(tmp_path, {**DEFECTS, ".vaultgraph.toml": 'ignore = ["empty-bullet"]\n'})
    assert {f.rule for f in check(tmp_path).findings} == {"broken-link"}
    assert {f.rule for f in check(tmp_path, select=["VG2"]).findings} == {"empty-bullet"}
    assert check(tmp_path, ignore=["broken-link"]).findings == ()
    # A Config is used as it is, a path read instead of the vault's file.
    assert {f.rule for f in check(tmp_path, config=Config()).findings} == {
        "broken-link",
        "empty-bullet",
    }
    other = tmp_path / "other.toml"
    other.write_text('select = ["empty-bullet"]\n', encoding="utf-8")
    assert [f.rule for f in check(tmp_path, config=other).findings] == ["empty-bullet"]
    assert check(tmp_path, config=os.fspath(other)) == check(tmp_path, config=other)


def test_a_configuration_error_is_raised_before_the_vault_is_read(tmp_path: Path) -> None:
    missing = tmp_path / "no such vault"
    with pytest.raises(SelectorError):
        check(missing, select=["no-such-rule"])
    with pytest.raises(ConfigError):
        check(missing, config=tmp_path / "none.toml")
    with pytest.raises(vaultgraph.VaultError):
        check(missing)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"fix": True, "diff": True}, "give one"), ({"jobs": 0}, "jobs must be at least 1")],
)
def test_options_that_cannot_be_are_a_value_error(
    tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    write_vault(tmp_path, DEFECTS)
    with pytest.raises(ValueError, match=message):
        check(tmp_path, **options)
    assert (tmp_path / "n.md").read_text(encoding="utf-8") == DEFECTS["n.md"]


def test_diff_computes_the_repairs_and_writes_none(tmp_path: Path) -> None:
    write_vault(tmp_path, DEFECTS)
    result = check(tmp_path, diff=True)
    assert result.fixes is not None
    assert result.fixes.changed == ("n.md",)
    assert "+See [[Artificial Intelligence|AI]] and [[Nowhere]]." in result.fixes.diff
    assert _codes(result) == _codes(check(tmp_path))  # the findings the repairs come from
    assert (tmp_path / "n.md").read_text(encoding="utf-8") == DEFECTS["n.md"]


def test_fix_repairs_until_nothing_changes_and_reports_what_is_left(tmp_path: Path) -> None:
    write_vault(tmp_path, {**DEFECTS, **NESTED})
    result = check(tmp_path, fix=True)
    assert result.fixes is not None
    assert result.fixes.changed == ("a.md", "n.md")
    # Two rounds: the empty child, then the parent it left empty.
    assert [(f.path, f.line) for f in result.fixes.fixed if f.path == "a.md"] == [
        ("a.md", 4),
        ("a.md", 3),
    ]
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "# A\n\n"
    assert _codes(result) == [("n.md", 1, "broken-link")]  # [[Nowhere]] has no repair
    assert _codes(result) == _codes(check(tmp_path, cache=False))
    assert (result.unlocked, result.removed) == (None, ())
    assert MAX_FIX_ROUNDS >= 2


def test_fix_removes_what_a_stopped_fix_left(tmp_path: Path) -> None:
    write_vault(tmp_path, {**DEFECTS, ".n.md.vaultgraph-abcd1234.tmp": "half"})
    result = check(tmp_path, fix=True)
    assert result.removed == (".n.md.vaultgraph-abcd1234.tmp",)
    assert not (tmp_path / ".n.md.vaultgraph-abcd1234.tmp").exists()


def test_fix_while_another_writer_holds_the_vault_raises_and_writes_nothing(
    tmp_path: Path,
) -> None:
    write_vault(tmp_path, DEFECTS)
    with writing(tmp_path), pytest.raises(VaultBusy):
        check(tmp_path, fix=True)
    assert (tmp_path / "n.md").read_text(encoding="utf-8") == DEFECTS["n.md"]


@pytest.mark.parametrize("mode", [{}, {"fix": True}, {"diff": True}, {"cache": False}])
def test_a_folder_without_notes_is_empty_not_clean(tmp_path: Path, mode: dict[str, Any]) -> None:
    write_vault(tmp_path, {"img.png": b"\x89PNG"})
    result = check(tmp_path, **mode)
    assert result.empty
    assert (result.findings, result.checked, result.fixes) == ((), (), None)


def test_a_vault_whose_notes_are_all_excluded_is_not_empty(tmp_path: Path) -> None:
    write_vault(tmp_path, {**DEFECTS, ".vaultgraph.toml": 'exclude = ["*.md"]\n'})
    result = check(tmp_path)
    assert (result.empty, result.checked, result.findings) == (False, (), ())


def test_skipped_paths_are_in_the_result(tmp_path: Path) -> None:
    write_vault(tmp_path, DEFECTS)
    (tmp_path / "Gone.md").symlink_to(tmp_path / "nowhere.md")
    modes: list[dict[str, Any]] = [{}, {"fix": True}, {"diff": True}]
    for mode in modes:
        assert [s.path for s in check(tmp_path, **mode).skipped] == ["Gone.md"]


def test_agrees_with_the_runner(tmp_path: Path) -> None:
    write_vault(tmp_path, {**DEFECTS, **NESTED})
    run = check_vault(vaultgraph.load_vault(tmp_path, cache=False), Config())
    result = check(tmp_path, config=Config())
    assert (result.findings, result.rules, result.checked, result.warnings) == (
        run.findings,
        run.rules,
        run.checked,
        run.warnings,
    )
