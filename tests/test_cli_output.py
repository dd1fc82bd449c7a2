"""``check``'s output options, through the real command line: --statistics, -q/--quiet,
--silent, -o/--output-file, --color, and the fixable marker."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clirun import run
from tests.vaults import write_vault
from vaultgraph.cli import main

REPO = Path(__file__).resolve().parents[1]

ESC = "\x1b["

# Six errors: four broken links (one an alias, fixable), a broken embed, an empty bullet.
VAULT = {
    "Artificial Intelligence.md": "---\naliases: [AI]\n---\n# AI\n",
    "a.md": "- \n\n![[nope.png]] [[z]]\n",
    "b.md": "[[AI]] [[x]] [[y]]\n",
}
FINDINGS = [
    'a.md:1:1: VG201 [*] empty list item "-"',
    'a.md:3:1: VG102 broken embed ![[nope.png]]: no note or file named "nope.png"',
    'a.md:3:15: VG101 broken link [[z]]: no note or file named "z"',
    'b.md:1:1: VG101 [*] broken link [[AI]]: no note or file named "AI"; it is an alias of '
    '"Artificial Intelligence", and aliases are not link targets '
    "(write [[Artificial Intelligence|AI]])",
    'b.md:1:8: VG101 broken link [[x]]: no note or file named "x"',
    'b.md:1:14: VG101 broken link [[y]]: no note or file named "y"',
]
SUMMARY = [
    "Found 6 problems (6 errors, 0 warnings) in 2 of 3 notes.",
    "[*] 2 fixable with the `--fix` option.",
]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    write_vault(root, VAULT)
    return root


def test_text_marks_fixable_findings_and_closes_with_how_many(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", vault)
    assert (code, err) == (1, "")
    assert out.splitlines() == [*FINDINGS, *SUMMARY]


def test_no_fixable_line_when_nothing_is_fixable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"a.md": "[[gone]]\n"})
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 1
    assert out.splitlines() == [
        'a.md:1:1: VG101 broken link [[gone]]: no note or file named "gone"',
        "Found 1 problem (1 error, 0 warnings) in 1 of 1 note.",
    ]


def test_statistics_count_each_rule_most_first_then_by_code(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", vault, "--statistics")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "4  VG101  [*] broken-link",
        "1  VG102  [ ] broken-embed",
        "1  VG201  [*] empty-bullet",
        *SUMMARY,
    ]


def test_statistics_of_a_clean_vault_is_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"a.md": "# A\n"})
    assert run(capsys, "check", tmp_path, "--statistics") == (
        0,
        "All checks passed: 1 note, no problems.\n",
        "",
    )


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_statistics_in_another_format_is_a_usage_error(
    vault: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, out, err = run(capsys, "check", vault, "--statistics", "--format", fmt)
    assert (code, out) == (2, "")
    assert err == f"Error: --statistics is a table of the text format, not of {fmt}\n"


def test_quiet_prints_the_findings_only(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for option in ("-q", "--quiet"):
        code, out, err = run(capsys, "check", vault, option)
        assert (code, err) == (1, "")
        assert out.splitlines() == FINDINGS
    assert run(capsys, "check", vault, "-q", "--statistics")[1].splitlines() == [
        "4  VG101  [*] broken-link",
        "1  VG102  [ ] broken-embed",
        "1  VG201  [*] empty-bullet",
    ]
    github = run(capsys, "check", vault, "-q", "--format", "github")[1].splitlines()
    assert len(github) == len(FINDINGS)
    assert all(line.startswith("::error ") for line in github)


def test_quiet_on_a_clean_vault_prints_nothing_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"a.md": "# A\n"})
    assert run(capsys, "check", tmp_path, "-q") == (0, "", "")
    assert run(capsys, "check", tmp_path, "-q", "--format", "json") == (0, "[]\n", "")


def test_quiet_leaves_out_the_notes_of_fix_but_not_its_warnings(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", vault, "--fix", "-q")
    assert (code, err) == (1, "")  # no "Fixed 2 problems in 2 notes."
    assert out.splitlines() == [
        'a.md:2:1: VG102 broken embed ![[nope.png]]: no note or file named "nope.png"',
        'a.md:2:15: VG101 broken link [[z]]: no note or file named "z"',
        'b.md:1:32: VG101 broken link [[x]]: no note or file named "x"',
        'b.md:1:38: VG101 broken link [[y]]: no note or file named "y"',
    ]
    write_vault(vault, {".obsidian/app.json": "{nope"})
    code, _, err = run(capsys, "check", vault, "-q")
    assert code == 1
    assert err.startswith("warning: ")  # a warning about the run is no note: it stays


def test_quiet_shows_no_progress_bar(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vaultgraph.cli.common

    def no_bar(*args: object, **kwargs: object) -> None:
        raise AssertionError("a progress bar under --quiet")

    monkeypatch.setattr(vaultgraph.cli.common, "progress_bar", no_bar)
    for option in ("-q", "--silent"):
        assert run(capsys, "check", vault, option, "--no-cache")[0] == 1


def test_fix_says_nothing_when_it_fixed_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"a.md": "[[gone]]\n"})
    code, out, err = run(capsys, "check", tmp_path, "--fix")
    assert (code, err) == (1, "")
    assert out.endswith("Found 1 problem (1 error, 0 warnings) in 1 of 1 note.\n")


def test_silent_prints_nothing_and_the_exit_code_tells(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in ([], ["--statistics"], ["--format", "json"], ["--format", "sarif"], ["--diff"]):
        assert run(capsys, "check", vault, "--silent", *args) == (1, "", "")
    clean = tmp_path / "clean"
    write_vault(clean, {"a.md": "# A\n"})
    assert run(capsys, "check", clean, "--silent") == (0, "", "")
    assert run(capsys, "check", vault, "--silent", "--exit-zero") == (0, "", "")


def test_silent_still_says_errors_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", tmp_path / "missing", "--silent")
    assert (code, out) == (2, "")
    assert err.startswith("Error: ")
    code, out, err = run(capsys, "check", tmp_path, "--silent", "--select", "no-such-rule")
    assert (code, out) == (2, "")
    assert err.startswith("Error: ")


def test_silent_fix_fixes_and_says_nothing(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", vault, "--fix", "--silent") == (1, "", "")
    assert (vault / "b.md").read_text(encoding="utf-8").startswith("[[Artificial Intelligence|AI]]")


@pytest.mark.parametrize("option", ["-o", "--output-file"])
def test_output_file_gets_the_report_and_stdout_nothing(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    report = tmp_path / "report.txt"
    assert run(capsys, "check", vault, option, report) == (1, "", "")
    assert report.read_text(encoding="utf-8").splitlines() == [*FINDINGS, *SUMMARY]


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_output_file_in_any_format_is_what_stdout_would_get(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    _, shown, _ = run(capsys, "check", vault, "--format", fmt)
    report = tmp_path / f"report.{fmt}"
    assert run(capsys, "check", vault, "--format", fmt, "-o", report) == (1, "", "")
    assert report.read_text(encoding="utf-8") == shown
    if fmt != "github":
        json.loads(shown)


def test_output_file_keeps_stderr_as_it_was(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(vault, {".obsidian/app.json": "{nope"})
    _, _, shown = run(capsys, "check", vault)
    code, out, err = run(capsys, "check", vault, "-o", tmp_path / "r.txt")
    assert (code, out, err) == (1, "", shown)
    assert err.startswith("warning: ")


def test_output_file_with_statistics_quiet_and_silent(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.txt"
    assert run(capsys, "check", vault, "--statistics", "-q", "-o", report) == (1, "", "")
    assert report.read_text(encoding="utf-8").splitlines()[0] == "4  VG101  [*] broken-link"
    assert len(report.read_text(encoding="utf-8").splitlines()) == 3
    report.unlink()
    # --silent keeps standard output empty; the file asked for is still written, as -q would.
    assert run(capsys, "check", vault, "--silent", "-o", report) == (1, "", "")
    assert report.read_text(encoding="utf-8").splitlines() == FINDINGS


def test_output_file_replaces_the_file_whole_and_leaves_no_temporary_file(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = out_dir / "report.txt"
    report.write_text("old\n" * 10_000, encoding="utf-8")
    report.chmod(0o640)
    assert run(capsys, "check", vault, "-o", report)[0] == 1
    assert report.read_text(encoding="utf-8").splitlines() == [*FINDINGS, *SUMMARY]
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert [p.name for p in out_dir.iterdir()] == ["report.txt"]


def test_output_file_that_is_a_symlink_is_replaced_not_followed(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "report.txt"
    link.symlink_to(precious)
    assert run(capsys, "check", vault, "-o", link) == (1, "", "")
    assert precious.read_text(encoding="utf-8") == "keep me\n"
    assert not link.is_symlink()
    assert link.read_text(encoding="utf-8").splitlines() == [*FINDINGS, *SUMMARY]
    # a dangling link: the file it names is not created
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    assert run(capsys, "check", vault, "-o", dangling)[0] == 1
    assert not (tmp_path / "nowhere.txt").exists()
    assert not dangling.is_symlink()
    assert dangling.read_text(encoding="utf-8").splitlines() == [*FINDINGS, *SUMMARY]


def test_output_file_into_a_device_or_a_link_to_one_is_written_in_place(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", vault, "-o", os.devnull) == (1, "", "")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    assert run(capsys, "check", vault, "-o", link) == (1, "", "")
    assert link.is_symlink()  # /dev/stdout is such a link: it is written through


def test_output_file_into_a_missing_folder_is_one_line_and_exit_2(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", vault, "-o", tmp_path / "no" / "r.txt")
    assert (code, out) == (2, "")
    assert err.startswith("Error: cannot write ")
    assert err.count("\n") == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _on_a_terminal(monkeypatch: pytest.MonkeyPatch, *args: str | Path) -> str:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main([str(arg) for arg in args]) == 1
    return terminal.getvalue()


def test_color_always_styles_path_and_code(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", vault, "--color", "always")
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == (
        f'{ESC}1ma.md{ESC}0m:1:1: {ESC}31m{ESC}1mVG201{ESC}0m [*] empty list item "-"'
    )
    assert out.splitlines()[-2:] == SUMMARY  # the summary is not styled
    stats = run(capsys, "check", vault, "--color", "always", "--statistics")[1]
    assert stats.splitlines()[0] == f"{ESC}1m4{ESC}0m  {ESC}31m{ESC}1mVG101{ESC}0m  [*] broken-link"


def test_color_always_colours_warnings_yellow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"a.md": "[[Plan]]\n", "x/Plan.md": "", "y/Plan.md": ""})
    out = run(capsys, "check", tmp_path, "--color", "always")[1]  # an ambiguous link: a warning
    assert f"{ESC}33m{ESC}1mVG105{ESC}0m" in out
    assert f"{ESC}33m" in out
    assert f"{ESC}31m" not in out


def test_color_always_even_with_no_color_set(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESC in run(capsys, "check", vault, "--color", "always")[1]


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_color_never_reaches_json_github_or_sarif(
    vault: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    assert ESC not in run(capsys, "check", vault, "--color", "always", "--format", fmt)[1]


def test_color_auto_is_off_when_stdout_is_not_a_terminal(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in ([], ["--color", "auto"], ["--color", "never"]):
        out = run(capsys, "check", vault, *args)[1]
        assert ESC not in out
        assert out.splitlines() == [*FINDINGS, *SUMMARY]


def test_color_auto_on_a_terminal_unless_no_color(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert f"{ESC}1ma.md{ESC}0m" in _on_a_terminal(monkeypatch, "check", vault)
    assert ESC not in _on_a_terminal(monkeypatch, "check", vault, "--color", "never")
    report = vault.parent / "r.txt"  # a file is no terminal
    assert _on_a_terminal(monkeypatch, "check", vault, "-o", report) == ""
    assert ESC not in report.read_text(encoding="utf-8")
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: no-color.org says it does not count
    assert ESC in _on_a_terminal(monkeypatch, "check", vault)
    monkeypatch.setenv("NO_COLOR", "1")
    out = _on_a_terminal(monkeypatch, "check", vault)
    assert ESC not in out
    assert out.splitlines() == [*FINDINGS, *SUMMARY]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("no_color", "colored"), [(None, True), ("1", False)])
def test_color_auto_through_a_real_terminal(
    vault: Path, no_color: str | None, colored: bool
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NO_COLOR", None)
    if no_color is not None:
        env["NO_COLOR"] = no_color
    primary, secondary = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "vaultgraph", "check", str(vault), "--no-cache"],
            stdout=secondary,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
            timeout=60,
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    out = b"".join(chunks).decode("utf-8")
    assert done.returncode == 1, done.stderr
    assert (ESC in out) is colored
    assert "[*] 2 fixable with the `--fix` option." in out
