"""``vaultgraph check --baseline``, ``--write-baseline`` and ``--fail-on``, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clirun import run
from tests.vaults import write_vault
from vaultgraph.lint.baseline import MAX_BASELINE

NOTES = {"a.md": "See [[Nowhere]].\n\n- \n", "b.md": "![[gone.png]]\n"}
WARNING_ONLY = {"a/Note.md": "x\n", "b/Note.md": "y\n", "c.md": "[[Note]]\n"}


def _adopt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    vault = write_vault(tmp_path / "vault", NOTES)
    baseline = tmp_path / "baseline.json"
    assert run(capsys, "check", vault, "--write-baseline", baseline)[0] == 0
    return vault, baseline


def test_write_baseline_records_the_findings_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = write_vault(tmp_path / "vault", NOTES)
    baseline = tmp_path / "baseline.json"
    code, out, err = run(capsys, "check", vault, "--write-baseline", baseline)
    assert (code, out) == (0, "")
    assert err == (
        f"Recorded 3 problems in {baseline}; check with --baseline {baseline} to report only "
        "new ones.\n"
    )
    assert json.loads(baseline.read_text(encoding="utf-8")) == {
        "version": 1,
        "findings": [
            {"path": "a.md", "code": "VG101", "text": "[[Nowhere]]"},
            {"path": "a.md", "code": "VG201", "text": 'empty list item "-"'},
            {"path": "b.md", "code": "VG102", "text": "![[gone.png]]"},
        ],
    }


def test_write_baseline_records_what_the_selection_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = write_vault(tmp_path / "vault", NOTES)
    baseline = tmp_path / "baseline.json"
    run(capsys, "check", vault, "--select", "VG201", "--write-baseline", baseline)
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert [entry["code"] for entry in entries] == ["VG201"]


def test_baseline_reports_nothing_known(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault, baseline = _adopt(tmp_path, capsys)
    code, out, err = run(capsys, "check", vault, "--baseline", baseline)
    assert (code, out) == (0, "All checks passed: 2 notes, no problems.\n")
    assert err == "Baseline: 3 known problems not reported, 0 entries gone (fixed).\n"


def test_baseline_reports_new_findings_only_and_counts_the_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault, baseline = _adopt(tmp_path, capsys)
    # Lines added above the known link, the empty item fixed, a new broken link.
    write_vault(vault, {"a.md": "# A\n\nIntro.\n\nSee [[Nowhere]].\n[[Elsewhere]]\n"})
    code, out, err = run(capsys, "check", vault, "--baseline", baseline)
    assert code == 1
    assert out == (
        'a.md:6:1: VG101 broken link [[Elsewhere]]: no note or file named "Elsewhere"\n'
        "Found 1 problem (1 error, 0 warnings) in 1 of 2 notes.\n"
    )
    assert err == "Baseline: 2 known problems not reported, 1 entry gone (fixed).\n"


def test_a_second_identical_finding_is_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault, baseline = _adopt(tmp_path, capsys)
    write_vault(vault, {"a.md": "See [[Nowhere]].\n\n- \n\nAgain [[Nowhere]].\n"})
    code, out, _ = run(capsys, "check", vault, "--baseline", baseline)
    assert code == 1
    assert out.startswith("a.md:5:7: VG101 broken link [[Nowhere]]")


def test_baseline_with_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault, baseline = _adopt(tmp_path, capsys)
    write_vault(vault, {"c.md": "[[Elsewhere]]\n"})
    code, out, _ = run(capsys, "check", vault, "--baseline", baseline, "--format", "json")
    assert code == 1
    assert [(row["path"], row["code"]) for row in json.loads(out)] == [("c.md", "VG101")]


def test_the_entries_of_rules_that_did_not_run_are_not_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault, baseline = _adopt(tmp_path, capsys)
    code, _, err = run(capsys, "check", vault, "--baseline", baseline, "--select", "VG201")
    assert code == 0
    assert err == "Baseline: 1 known problem not reported, 0 entries gone (fixed).\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such baseline file"),
        ("not json\n", "baseline.json:1:1: not JSON: Expecting value"),
        ('{"version": 2, "findings": []}', "baseline version 2; this vaultgraph reads version 1"),
        ('{"version": 1, "findings": [[]]}', "finding 1: an object was expected"),
        ('{"version": 1, "findings": [{"path": 1}]}', '"path", "code" and "text" must be strings'),
    ],
)
def test_a_bad_baseline_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str
) -> None:
    vault = write_vault(tmp_path / "vault", NOTES)
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "check", vault, "--baseline", baseline)
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: {baseline}")
    assert err.endswith(f"{expected}\n")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_huge_baseline_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = write_vault(tmp_path / "vault", NOTES)
    baseline = tmp_path / "baseline.json"
    with baseline.open("wb") as stream:
        stream.truncate(MAX_BASELINE + 1)
    code, _, err = run(capsys, "check", vault, "--baseline", baseline)
    assert code == 2
    assert err.startswith(f"Error: {baseline}: cannot read: over ")


def test_write_baseline_refuses_a_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = write_vault(tmp_path / "vault", NOTES)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "baseline.json"
    link.symlink_to(victim)
    code, out, err = run(capsys, "check", vault, "--write-baseline", link)
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {link}: a symbolic link; not written through (remove it, or name the file it "
        "points to)\n"
    )
    assert victim.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--diff", "--baseline", "b.json"], "--diff shows repairs"),
        (["--diff", "--write-baseline", "b.json"], "--diff shows repairs"),
        (["--baseline", "b.json", "--write-baseline", "b.json"], "give one"),
        (["--fail-on", "info"], "Invalid value for '--fail-on'"),
    ],
)
def test_options_that_do_not_go_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], expected: str
) -> None:
    vault = write_vault(tmp_path / "vault", NOTES)
    code, out, err = run(capsys, "check", vault, *flags)
    assert (code, out) == (2, "")
    assert expected in err


def test_fix_then_write_baseline_records_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = write_vault(tmp_path / "vault", NOTES)
    baseline = tmp_path / "baseline.json"
    code, _, err = run(capsys, "check", vault, "--fix", "--write-baseline", baseline)
    assert code == 0
    assert "Fixed 1 problem in 1 note." in err
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert [entry["code"] for entry in entries] == ["VG101", "VG102"]


def test_fail_on_error_passes_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, WARNING_ONLY)
    code, out, _ = run(capsys, "check", tmp_path, "--fail-on", "error")
    assert code == 0
    assert out.endswith("Found 1 problem (0 errors, 1 warning) in 1 of 3 notes.\n")
    assert run(capsys, "check", tmp_path, "--fail-on", "warning")[0] == 1
    assert run(capsys, "check", tmp_path)[0] == 1  # the default: any problem fails


def test_fail_on_error_fails_on_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {**WARNING_ONLY, "d.md": "[[Nowhere]]\n"})
    assert run(capsys, "check", tmp_path, "--fail-on", "error")[0] == 1
    assert run(capsys, "check", tmp_path, "--fail-on", "error", "--exit-zero")[0] == 0


def test_fail_on_counts_new_findings_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault, baseline = _adopt(tmp_path, capsys)
    write_vault(vault, {"x/Note.md": "x\n", "y/Note.md": "y\n", "c.md": "[[Note]]\n"})
    code, out, _ = run(capsys, "check", vault, "--baseline", baseline, "--fail-on", "error")
    assert code == 0
    assert out.startswith("c.md:1:1: VG105 ")
    assert run(capsys, "check", vault, "--baseline", baseline)[0] == 1
