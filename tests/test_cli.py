"""The command line, through ``vaultgraph.cli.main`` and once through a real subprocess."""

from __future__ import annotations

import io
import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import click
import jsonschema
import pytest

from tests.clirun import run
from tests.vaults import write_vault
from vaultgraph.cli import cli, command_named, main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SAMPLE_VAULT = REPO / "sample_vault"
SARIF_SCHEMA = TESTS / "fixtures" / "sarif-schema-2.1.0.json"

ALIAS_NOTE = "---\naliases: [AI]\n---\n# Artificial Intelligence\n"
DEFECTS = {
    "Artificial Intelligence.md": ALIAS_NOTE,
    "n.md": "See [[AI]] and [[Nowhere]].\n\n- \n",
}


def sample_notes() -> int:
    return len(list(SAMPLE_VAULT.rglob("*.md")))


def test_check_sample_vault_reports_exactly_the_two_seed_defects(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = run(capsys, "check", "sample_vault")
    lines = out.splitlines()
    assert code == 1
    assert len(lines) == 4
    assert lines[0].startswith("sample_vault/AWS Containers.md:22:1: VG201 [*] ")
    assert lines[1].startswith("sample_vault/AWS Containers.md:23:1: VG102 broken embed ")
    assert "r-5msO3v65l8svTq_w21tw4DWWcwlw5Hc.jpg" in lines[1]
    assert lines[2] == f"Found 2 problems (2 errors, 0 warnings) in 1 of {sample_notes()} notes."
    assert lines[3] == "[*] 1 fixable with the `--fix` option."
    assert err == ""


@pytest.mark.parametrize(
    ("where", "vault", "path"),
    [
        (".", "sample_vault", "sample_vault/AWS Containers.md"),
        (".", str(SAMPLE_VAULT), "sample_vault/AWS Containers.md"),  # absolute: the same
        ("sample_vault", ".", "AWS Containers.md"),
        # From inside the vault: the path leads from here, so that it opens.
        ("sample_vault/Concepts", "..", "../AWS Containers.md"),
        ("sample_vault/Concepts", str(SAMPLE_VAULT), "../AWS Containers.md"),
        # Beside it: from the vault root, as Obsidian names notes.
        ("tests", "../sample_vault", "AWS Containers.md"),
    ],
)
def test_check_text_paths_are_relative_to_the_working_directory(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    vault: str,
    path: str,
) -> None:
    monkeypatch.chdir(REPO / where)
    for color in ("never", "always"):
        code, out, _ = run(capsys, "check", vault, "-q", "--color", color)
        assert code == 1
        assert click.unstyle(out).splitlines() == [
            f'{path}:22:1: VG201 [*] empty list item "-"',
            f"{path}:23:1: VG102 broken embed ![[r-5msO3v65l8svTq_w21tw4DWWcwlw5Hc.jpg]]: "
            'no note or file named "r-5msO3v65l8svTq_w21tw4DWWcwlw5Hc.jpg"',
        ]
        if color == "always":  # the whole path bold
            assert out.startswith(f"\x1b[1m{path}\x1b[0m:22:1: ")


def test_check_json_gives_the_vault_relative_path_and_the_file_from_the_working_directory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    _, out, _ = run(capsys, "check", "sample_vault", "--format", "json")
    assert {(row["path"], row["file"]) for row in json.loads(out)} == {
        ("AWS Containers.md", "sample_vault/AWS Containers.md")
    }
    monkeypatch.chdir(SAMPLE_VAULT)
    _, out, _ = run(capsys, "check", "--format", "json")
    assert {(row["path"], row["file"]) for row in json.loads(out)} == {
        ("AWS Containers.md", "AWS Containers.md")
    }
    monkeypatch.chdir(SAMPLE_VAULT / "Concepts")
    _, out, _ = run(capsys, "check", "..", "--format", "json")
    assert {(row["path"], row["file"]) for row in json.loads(out)} == {
        ("AWS Containers.md", "../AWS Containers.md")
    }


def test_check_clean_vault_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, {"a.md": "[[b]]\n", "b.md": "# B\n"})
    assert run(capsys, "check", tmp_path) == (0, "All checks passed: 2 notes, no problems.\n", "")


def test_check_default_vault_is_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path, {"a.md": "[[gone]]\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out.startswith("a.md:1:1: VG101 ")


def test_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, DEFECTS)
    code, out, _ = run(capsys, "check", tmp_path, "--format", "json")
    rows = json.loads(out)
    assert code == 1
    assert [(r["path"], r["line"], r["column"], r["code"], r["fixable"]) for r in rows] == [
        ("n.md", 1, 5, "VG101", True),
        ("n.md", 1, 16, "VG101", False),
        ("n.md", 3, 1, "VG201", True),
    ]
    keys = {"path", "line", "column", "code", "rule", "severity", "message", "fixable", "file"}
    assert all(set(row) == keys for row in rows)
    assert rows[1]["rule"] == "broken-link"
    assert rows[1]["severity"] == "error"
    assert "Nowhere" in rows[1]["message"]


def test_check_json_clean_is_an_empty_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"a.md": "# A\n"})
    assert run(capsys, "check", tmp_path, "--format", "json") == (0, "[]\n", "")


def test_check_github_paths_are_relative_to_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path / "docs" / "vault", {"a, b.md": "[[gone]]\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "docs/vault", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=docs/vault/a%2C b.md,line=1,col=1,title=VG101 broken-link"
        '::broken link [[gone]]: no note or file named "gone"',
        "Found 1 problem (1 error, 0 warnings) in 1 of 1 note.",
    ]


def test_check_github_outside_the_working_directory_is_vault_relative(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path / "vault", {"a.md": "[[gone]]\n"})
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    _, out, _ = run(capsys, "check", tmp_path / "vault", "--format", "github")
    assert out.startswith("::error file=a.md,line=1,col=1,")


def test_check_sarif_is_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path / "vault", DEFECTS)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "vault", "--format", "sarif", "--select", "ALL")
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    (sarif_run,) = log["runs"]
    assert code == 1
    assert [r["id"] for r in sarif_run["tool"]["driver"]["rules"]][-2:] == ["VG401", "VG402"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif_run["results"]
    }
    assert "vault/n.md" in uris
    assert {r["ruleId"] for r in sarif_run["results"]} >= {"VG101", "VG201"}


def test_check_warnings_alone_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, {"a/Note.md": "x\n", "b/Note.md": "y\n", "c.md": "[[Note]]\n"})
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 1
    assert out.startswith("c.md:1:1: VG105 ")
    assert out.endswith("Found 1 problem (0 errors, 1 warning) in 1 of 3 notes.\n")


def test_check_unreadable_note_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, {"a.md": "# fine\n", "latin1.md": b"caf\xe9\n"})
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 1
    assert out.startswith("latin1.md:1:1: VG302 ")


def test_check_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, DEFECTS)
    code, out, _ = run(capsys, "check", tmp_path, "--exit-zero")
    assert code == 0
    assert "Found 3 problems" in out


@pytest.mark.parametrize(
    ("flags", "codes"),
    [
        (["--select", "VG1,VG2", "--ignore", "empty-bullet"], ["VG101", "VG101"]),
        (["--select", "VG2", "--select", "broken-link"], ["VG101", "VG101", "VG201"]),
        (["--select", "orphan-note"], ["VG401", "VG401"]),  # neither note links anywhere
        (["--extend-select", "orphan-note", "--ignore", "VG1"], ["VG201", "VG401", "VG401"]),
        (["--ignore", "ALL"], []),
    ],
)
def test_check_select_and_ignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], codes: list[str]
) -> None:
    write_vault(tmp_path, DEFECTS)
    code, out, _ = run(capsys, "check", tmp_path, "--format", "json", *flags)
    assert sorted(row["code"] for row in json.loads(out)) == codes
    assert code == (1 if codes else 0)


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


def test_check_unknown_selector_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", tmp_path, "--select", "VG1,brokn-link")
    assert (code, out) == (2, "")
    line = one_line_error(err)
    assert "unknown rule 'brokn-link'" in line
    assert "did you mean 'broken-link'" in line
    assert "orphan-note (VG401)" in line


def test_check_missing_vault_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", tmp_path / "nope")
    assert (code, out) == (2, "")
    assert str(tmp_path / "nope") in one_line_error(err)


def test_check_bad_option_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", SAMPLE_VAULT, "--format", "xml")
    assert code == 2
    assert "xml" in one_line_error(err)


def test_check_config_error_names_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {".vaultgraph.toml": 'selct = ["VG1"]\n', "a.md": ""})
    code, out, err = run(capsys, "check", tmp_path)
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        f"Error: {tmp_path / '.vaultgraph.toml'}: unknown key 'selct' (did you mean 'select'?)\n"
    )


def test_check_config_file_and_flags_over_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {**DEFECTS, ".vaultgraph.toml": 'ignore = ["broken-link"]\n'})
    _, out, _ = run(capsys, "check", tmp_path, "--format", "json")
    assert [row["code"] for row in json.loads(out)] == ["VG201"]
    _, out, _ = run(capsys, "check", tmp_path, "--format", "json", "--select", "broken-link")
    assert [row["code"] for row in json.loads(out)] == ["VG101", "VG101"]


def test_check_pyproject_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = '[tool.vaultgraph]\nexclude = ["n.md"]\n'
    write_vault(tmp_path, {**DEFECTS, "pyproject.toml": config})
    code, out, _ = run(capsys, "check", tmp_path)
    assert (code, out) == (0, "All checks passed: 1 note, no problems.\n")


def test_check_explicit_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path / "vault", DEFECTS)
    config = write_vault(tmp_path, {"lint.toml": 'select = ["VG2"]\n'}) / "lint.toml"
    _, out, _ = run(capsys, "check", tmp_path / "vault", "--config", config, "--format", "json")
    assert [row["code"] for row in json.loads(out)] == ["VG201"]
    code, _, err = run(capsys, "check", tmp_path / "vault", "--config", tmp_path / "no.toml")
    assert code == 2
    assert "no such configuration file" in one_line_error(err)


def test_check_malformed_app_json_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"a.md": "# A\n", ".obsidian/app.json": "{nope"})
    code, out, err = run(capsys, "check", tmp_path)
    assert code == 0
    assert out == "All checks passed: 1 note, no problems.\n"
    assert err.startswith("warning: ")
    assert "app.json" in one_line_error(err)


def test_check_warnings_show_control_characters_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The note's name and the rule its comment names are the vault's: they reach stderr escaped.
    note = "x <!-- vaultgraph-disable-next-line nope\x1bP\x07 -->\n[[Gone]]\n"
    write_vault(tmp_path, {"N\x07\x9b.md": note})
    code, _, err = run(capsys, "check", tmp_path, "--no-cache")
    assert code == 1
    assert err == (
        "warning: N\\x07\\x9b.md:1: unknown rule 'nope\\x1bP\\x07' in a "
        "vaultgraph-disable-next-line comment; it suppresses nothing\n"
    )


def test_check_warnings_from_inside_the_vault_lead_from_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".obsidian").mkdir()
    write_vault(
        tmp_path,
        {
            "Top.md": "<!-- vaultgraph-disable nope -->\n",
            "Sub/Deep.md": "<!-- vaultgraph-disable nada -->\n[[Gone]]\n",
        },
    )
    monkeypatch.chdir(tmp_path / "Sub")
    code, out, err = run(capsys, "check", "-q", "--no-cache")
    assert code == 1
    assert out == 'Deep.md:2:1: VG101 broken link [[Gone]]: no note or file named "Gone"\n'
    assert sorted(err.splitlines()) == [
        "warning: ../Top.md:1: unknown rule 'nope' in a vaultgraph-disable comment; "
        "it suppresses nothing",
        "warning: Deep.md:1: unknown rule 'nada' in a vaultgraph-disable comment; "
        "it suppresses nothing",
    ]


def test_check_obsidian_excluded_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = json.dumps({"userIgnoreFilters": ["N.md"]})
    write_vault(tmp_path, {**DEFECTS, ".obsidian/app.json": app})
    assert run(capsys, "check", tmp_path)[:2] == (0, "All checks passed: 1 note, no problems.\n")


def test_check_fix_repairs_then_reports_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, DEFECTS)
    code, out, err = run(capsys, "check", tmp_path, "--fix")
    text = (tmp_path / "n.md").read_text(encoding="utf-8")
    assert code == 1
    assert "[[Artificial Intelligence|AI]] and [[Nowhere]]" in text
    assert "- " not in text
    assert out.splitlines() == [
        'n.md:1:40: VG101 broken link [[Nowhere]]: no note or file named "Nowhere"',
        "Found 1 problem (1 error, 0 warnings) in 1 of 2 notes.",
    ]
    assert err == "Fixed 2 problems in 1 note.\n"
    # A second run has nothing left to fix, changes nothing, and says nothing of it.
    assert run(capsys, "check", tmp_path, "--fix")[2] == ""
    assert (tmp_path / "n.md").read_text(encoding="utf-8") == text


def test_check_fix_respects_the_selection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, DEFECTS)
    run(capsys, "check", tmp_path, "--fix", "--ignore", "empty-bullet")
    text = (tmp_path / "n.md").read_text(encoding="utf-8")
    assert "[[Artificial Intelligence|AI]]" in text
    assert text.endswith("\n- \n")


def test_check_diff_shows_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, DEFECTS)
    before = (tmp_path / "n.md").read_bytes()
    code, out, err = run(capsys, "check", tmp_path, "--diff")
    assert code == 1
    assert out.startswith("--- a/n.md\n+++ b/n.md\n")
    assert "-See [[AI]] and [[Nowhere]].\n" in out
    assert "+See [[Artificial Intelligence|AI]] and [[Nowhere]].\n" in out
    assert err == "Would fix 2 problems in 1 note.\n"
    assert (tmp_path / "n.md").read_bytes() == before
    assert run(capsys, "check", tmp_path, "--diff", "--exit-zero")[0] == 0


def test_check_diff_with_nothing_to_fix_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"a.md": "[[gone]]\n"})
    assert run(capsys, "check", tmp_path, "--diff") == (0, "", "Would fix 0 problems in 0 notes.\n")


def test_check_fix_and_diff_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "check", tmp_path, "--fix", "--diff")
    assert code == 2
    assert "--diff" in one_line_error(err)


def test_check_through_a_real_subprocess(tmp_path: Path) -> None:
    env: dict[str, Any] = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "check", str(SAMPLE_VAULT), "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    rows = json.loads(done.stdout)
    assert [(r["path"], r["line"], r["column"], r["rule"]) for r in rows] == [
        ("AWS Containers.md", 22, 1, "empty-bullet"),
        ("AWS Containers.md", 23, 1, "broken-embed"),
    ]


def test_check_subprocess_usage_error_has_no_traceback(tmp_path: Path) -> None:
    env: dict[str, Any] = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "check", str(tmp_path / "missing")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1


def test_export_json_is_the_vault_graph(capsys: pytest.CaptureFixture[str]) -> None:
    import networkx as nx

    from vaultgraph import load_vault

    code, out, err = run(capsys, "export", SAMPLE_VAULT)
    assert (code, err) == (0, "")
    exported = nx.node_link_graph(json.loads(out), edges="links", multigraph=True)
    graph = load_vault(SAMPLE_VAULT).graph
    assert set(exported.nodes) == set(graph.nodes)
    assert exported.number_of_edges() == graph.number_of_edges()
    assert exported.nodes["AWS.md"]["kind"] == "note"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_to_file_opens_in_networkx(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    import networkx as nx

    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    target = tmp_path / f"map.{fmt}"
    code, out, _ = run(capsys, "export", SAMPLE_VAULT, "--format", fmt, "-o", target)
    assert (code, out) == (0, "")
    graph = nx.read_graphml(target) if fmt == "graphml" else nx.read_gexf(target)
    assert "Concepts/Kubernetes.md" in graph.nodes
    assert not list(workdir.iterdir())


def test_export_replaces_the_file_whole_and_leaves_no_temporary_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "graph.json"
    target.write_text("old", encoding="utf-8")
    code, out, _ = run(capsys, "export", SAMPLE_VAULT, "-o", target)
    assert (code, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["directed"] is True
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]


def test_export_writes_into_a_pipe_or_device_and_never_replaces_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import stat
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    code, out, _ = run(capsys, "export", SAMPLE_VAULT, "-o", pipe)
    reader.join(timeout=30)
    assert (code, out) == (0, "")
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)  # still the pipe, not a file renamed over it
    assert json.loads(received[0])["directed"] is True
    code, _, _ = run(capsys, "export", SAMPLE_VAULT, "-o", os.devnull)
    assert code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_export_through_a_symlink_replaces_the_file_it_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, _, _ = run(capsys, "export", SAMPLE_VAULT, "-o", link)
    assert code == 0
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["directed"] is True


def test_export_into_a_missing_folder_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "export", SAMPLE_VAULT, "-o", tmp_path / "no" / "g.json")
    assert (code, out) == (2, "")
    assert err.startswith("Error: cannot write ")
    assert len(err.strip().splitlines()) == 1


def test_export_of_a_missing_vault_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "export", tmp_path / "nope")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "nope" in err
    assert "Traceback" not in err


def test_export_runs_as_a_module(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "export", str(SAMPLE_VAULT), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    assert any(node["id"] == "AWS.md" for node in json.loads(result.stdout)["nodes"])


# The last line of defence: nothing unexpected reaches the user as a traceback, or as exit 1.


def _failing(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """Make ``check`` fail with ``error`` once it has parsed its options."""
    from vaultgraph.lint import check

    def fail(*args: object, **kwargs: object) -> Any:
        raise error

    monkeypatch.setattr(check, "load_config", fail)


def test_an_unexpected_error_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing(monkeypatch, RuntimeError("boom\n\x1b[2Jcleared"))
    code, out, err = run(capsys, "check", tmp_path)
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "vaultgraph: internal error: RuntimeError: boom\\n\\x1b[2Jcleared "
        "(run with --verbose for the traceback; please report it)\n"
    )


def test_verbose_prints_the_traceback_of_an_unexpected_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing(monkeypatch, RecursionError("maximum recursion depth exceeded"))
    code, _, err = run(capsys, "--verbose", "check", tmp_path)
    assert code == 2
    assert err.startswith("Traceback (most recent call last):\n")
    assert err.splitlines()[-1] == (
        "vaultgraph: internal error: RecursionError: maximum recursion depth exceeded "
        "(please report it)"
    )


def test_ctrl_c_exits_130_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing(monkeypatch, KeyboardInterrupt())
    code, out, err = run(capsys, "check", tmp_path)
    assert (code, out, err.strip()) == (130, "", "")


def test_a_closed_pipe_and_system_exit_keep_their_own_handling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    _failing(monkeypatch, SystemExit(3))
    with pytest.raises(SystemExit) as leaving:
        main(["check", str(tmp_path)])
    assert leaving.value.code == 3
    # click quiets the streams and exits 1 when the reader of the output went away.
    _failing(monkeypatch, BrokenPipeError(errno.EPIPE, "Broken pipe"))
    with pytest.raises(SystemExit) as leaving:
        main(["check", str(tmp_path)])
    assert leaving.value.code == 1


def test_verbose_is_a_global_option_that_changes_nothing_else(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_vault(tmp_path, DEFECTS)
    assert run(capsys, "check", tmp_path)[:2] == run(capsys, "--verbose", "check", tmp_path)[:2]
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "--verbose" in out


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ('exclude = ["a[b-a]c"]\n', "(bad character range b-a in [b-a])"),
        ("x = " + "[" * 20_000 + "]" * 20_000 + "\n", "invalid TOML: nested too deeply to read"),
    ],
)
def test_a_configuration_that_cannot_be_used_is_one_line_and_exit_2(
    tmp_path: Path, config: str, problem: str
) -> None:
    write_vault(tmp_path, {**DEFECTS, ".vaultgraph.toml": config})
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert one_line_error(done.stderr).startswith(f"Error: {tmp_path / '.vaultgraph.toml'}: ")
    assert done.stderr.rstrip("\n").endswith(problem)


def test_app_json_nested_too_deeply_is_a_warning_and_the_exit_code_is_the_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {**DEFECTS, ".obsidian/app.json": "[" * 20_000 + "]" * 20_000})
    code, out, err = run(capsys, "check", tmp_path, "--no-cache")
    assert code == 1
    assert out.endswith("in 1 of 2 notes.\n[*] 2 fixable with the `--fix` option.\n")
    assert one_line_error(err) == (
        f"warning: {tmp_path / '.obsidian' / 'app.json'}: nested too deeply to read; "
        "Obsidian's excluded files not applied\n"
    )


def test_export_keeps_the_mode_of_the_file_it_replaces(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "graph.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    real = tmp_path / "real.graphml"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o604)
    link = tmp_path / "link.graphml"
    link.symlink_to(real)
    assert run(capsys, "export", SAMPLE_VAULT, "-o", target)[0] == 0
    assert run(capsys, "export", SAMPLE_VAULT, "--format", "graphml", "-o", link)[0] == 0
    assert json.loads(target.read_text(encoding="utf-8"))["directed"] is True
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert stat.S_IMODE(real.stat().st_mode) == 0o604
    assert link.is_symlink()


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_export_gives_a_new_file_the_mode_the_umask_allows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, umask: int
) -> None:
    old = os.umask(umask)
    try:
        code = run(capsys, "export", SAMPLE_VAULT, "-o", tmp_path / "new.json")[0]
        made = tmp_path / "made-by-map.html"
        made.write_text("", encoding="utf-8")  # what map -o, writing in place, gives
    finally:
        os.umask(old)
    assert code == 0
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(made.stat().st_mode) == 0o666 & ~umask


def test_cache_dir_prints_the_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULTGRAPH_CACHE_DIR", str(tmp_path / "here"))
    assert run(capsys, "cache", "dir") == (0, f"{tmp_path / 'here'}\n", "")
    assert not (tmp_path / "here").exists(), "printing it makes nothing"


def test_cache_clean_removes_one_vaults_files_or_all_and_nothing_else(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VAULTGRAPH_CACHE_DIR", str(folder))
    one = write_vault(tmp_path / "one", DEFECTS)
    two = write_vault(tmp_path / "two", {"a.md": "# A\n"})
    for vault in (one, two):
        assert run(capsys, "check", vault)[0] in (0, 1)
    (folder / "mine.txt").write_text("not vaultgraph's", encoding="utf-8")
    assert len(list(folder.glob("*.pickle"))) == 4
    monkeypatch.chdir(one)
    code, out, err = run(capsys, "cache", "clean")
    assert (code, err) == (0, "")
    assert out.startswith("Removed 2 cache files (")
    assert out.endswith(f" from {folder}.\n")
    assert len(list(folder.glob("*.pickle"))) == 2
    assert run(capsys, "cache", "clean", one)[1].startswith("Removed 0 cache files (0.0 kB)")
    assert run(capsys, "cache", "clean", "--all")[1].startswith("Removed 2 cache files (")
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt"]


def test_cache_clean_refuses_a_folder_others_can_write(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv("VAULTGRAPH_CACHE_DIR", str(folder))
    code, out, err = run(capsys, "cache", "clean", "--all")
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: cache folder {folder} is writable by other users (mode 0777)")
    assert len(err.splitlines()) == 1


def test_check_with_a_folder_others_can_write_warns_in_one_line_and_runs_uncached(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    vault = write_vault(tmp_path / "v", DEFECTS)
    fixed = write_vault(tmp_path / "fixed", DEFECTS)

    def check(*flags: str, vault: Path = vault) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vaultgraph", "check", str(vault), *flags],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "VAULTGRAPH_CACHE_DIR": str(folder), "PYTHONPATH": str(REPO)},
        )

    uncached = check("--no-cache")
    assert (uncached.returncode, uncached.stderr) == (1, "")
    warning = (
        f"warning: cache folder {folder} is writable by other users (mode 0777): not using it;"
        f" make it yours alone (chmod go-w {folder})"
    )
    cached = check()
    assert (cached.returncode, cached.stdout) == (1, uncached.stdout)
    assert cached.stderr.splitlines() == [warning]
    # --fix loads the vault once per round, each time asking for the cache: still one line.
    repaired = check("--fix", vault=fixed).stderr.splitlines()
    assert [line for line in repaired if line.startswith("warning:")] == [warning]
    assert list(folder.iterdir()) == []


# A folder without notes, paths the listing skipped, and one writer at a time.


@pytest.mark.parametrize(
    "files", [pytest.param({}, id="empty"), pytest.param({"img.png": b"\x89PNG"}, id="no notes")]
)
@pytest.mark.parametrize("flags", [[], ["--format", "json"], ["--fix"], ["--diff"]])
def test_check_of_a_folder_without_notes_is_an_error_not_a_green(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str | bytes],
    flags: list[str],
) -> None:
    write_vault(tmp_path, files)
    code, out, err = run(capsys, "check", tmp_path, *flags)
    assert (code, out) == (2, "")
    assert one_line_error(err) == f"Error: no notes found in {tmp_path}: is it the vault folder?\n"


def test_a_vault_whose_notes_are_all_excluded_is_no_such_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {**DEFECTS, ".vaultgraph.toml": 'exclude = ["*.md"]\n'})
    assert run(capsys, "check", tmp_path) == (0, "All checks passed: 0 notes, no problems.\n", "")


def test_other_commands_warn_of_a_folder_without_notes_and_go_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "stats", tmp_path)
    assert code == 0
    assert out.startswith("Notes ")
    assert err == f"warning: no notes found in {tmp_path}: is it the vault folder?\n"


def _vault_with_skipped_paths(root: Path) -> list[str]:
    """A vault with paths its listing skips; the warnings they should give, in order."""
    write_vault(root / "vault", {"a.md": "[[b]]\n", "b.md": "- \n"})
    write_vault(root / "outside", {"Secret.md": ""})
    vault = root / "vault"
    (vault / "Secret.md").symlink_to(root / "outside" / "Secret.md")
    (vault / "Gone.md").symlink_to(vault / "nowhere.md")
    os.mkfifo(vault / "pipe\x1b[2J.md")
    return [
        f"warning: skipped {vault / 'Gone.md'}: broken symlink",
        f"warning: skipped {vault / 'Secret.md'}: symlink to outside the vault",
        f"warning: skipped {vault}/pipe\\x1b[2J.md: not a regular file or folder",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["check"], id="check"),
        pytest.param(["check", "--no-cache"], id="check --no-cache"),
        pytest.param(["check", "--fix"], id="check --fix"),
        pytest.param(["check", "--diff"], id="check --diff"),
        pytest.param(["stats"], id="stats"),
        pytest.param(["export"], id="export"),
    ],
)
def test_each_skipped_path_is_named_once_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    expected = _vault_with_skipped_paths(tmp_path)
    for _ in range(2):  # the second check is replayed from the memo of the first
        _, _, err = run(capsys, *command, tmp_path / "vault")
        said = [line for line in err.splitlines() if line.startswith("warning: skipped")]
        assert said == expected


def test_check_fix_while_another_writer_holds_the_vault_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vaultgraph.lock import writing

    write_vault(tmp_path, DEFECTS)
    before = (tmp_path / "n.md").read_bytes()
    with writing(tmp_path):
        code, out, err = run(capsys, "check", tmp_path, "--fix")
        # --diff writes nothing, and takes no lock.
        assert run(capsys, "check", tmp_path, "--diff")[0] == 1
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        f"Error: another vaultgraph (pid {os.getpid()}) is changing notes in {tmp_path}; "
        "try again when it ends\n"
    )
    assert (tmp_path / "n.md").read_bytes() == before
    assert run(capsys, "check", tmp_path, "--fix")[0] == 1  # free again


def _leftovers(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir() if path.name.endswith(".tmp")}


def _leave_a_stopped_fix(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    """Run a --fix that stops between writing a note's temporary file and renaming it over the
    note, as one killed then would; the name of the file it leaves."""
    import vaultgraph.lint.fix as fix

    def killed(src: str, dst: str) -> None:
        raise OSError(4, "killed")

    with monkeypatch.context() as patch:
        patch.setattr(fix, "_remove", lambda path: None)
        patch.setattr(os, "replace", killed)
        run(capsys, "check", vault, "--fix")
    (left,) = _leftovers(vault)
    return left


def test_check_fix_removes_the_temporary_files_a_stopped_fix_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path, DEFECTS)
    left = _leave_a_stopped_fix(tmp_path, capsys, monkeypatch)
    assert left.startswith(".n.md.vaultgraph-")
    # Files of the same shape that are not a stopped fix's are kept.
    kept = {".n.md.abcd1234.tmp", ".Gone.md.vaultgraph-abcd1234.tmp"}
    write_vault(tmp_path, dict.fromkeys(kept, ""))
    code, _, err = run(capsys, "check", tmp_path, "--fix")
    assert code == 1
    assert err.splitlines()[0] == "Removed 1 temporary file that a stopped --fix left."
    assert _leftovers(tmp_path) == kept
    assert "[[Artificial Intelligence|AI]]" in (tmp_path / "n.md").read_text(encoding="utf-8")


def test_check_fix_without_its_lock_says_so_and_leaves_temporary_files_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vaultgraph.lock
    from vaultgraph.store import CACHE_DIR_ENV

    def no_folder_locks(root: Path) -> int:  # as over NFS
        raise OSError(9, "Bad file descriptor", str(root))

    vault = write_vault(tmp_path / "vault", DEFECTS)
    left = _leave_a_stopped_fix(vault, capsys, monkeypatch)
    (tmp_path / "cache").write_text("")  # a file where the cache folder should be
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(vaultgraph.lock, "_lock_folder", no_folder_locks)
    code, _, err = run(capsys, "check", vault, "--fix")
    assert code == 1
    assert err.startswith(f"warning: cannot take the write lock of {vault} (")
    assert "another vaultgraph could change the same notes meanwhile\n" in err
    assert _leftovers(vault) == {left}  # it may be that of a fix running now
    assert "[[Artificial Intelligence|AI]]" in (vault / "n.md").read_text(encoding="utf-8")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_each_reading_of_the_vault_gets_a_progress_bar_of_its_own() -> None:
    """check --fix reads the vault once per round: a round's bar, and its delay, start anew."""
    from vaultgraph.cli import progress_bar

    now = [0.0]
    stream = _Terminal()
    with progress_bar(stream, clock=lambda: now[0]) as progress:
        for at, done, total in [(1.5, 50, 100), (2.0, 100, 100), (2.1, 1, 4), (2.2, 4, 4)]:
            now[0] = at
            progress(done, total)
        quick = stream.getvalue()  # the second reading took less than the delay: no bar
        for at, done in [(3.0, 10), (4.5, 20), (5.0, 40)]:
            now[0] = at
            progress(done, 40)
    assert quick.count("100%") == 1
    assert "/4" not in quick
    assert stream.getvalue().count("100%") == 2


def _commands(group: click.Group) -> list[str]:
    with click.Context(group) as ctx:
        return group.list_commands(ctx)


def _typos(name: str) -> list[str]:
    """Two letters swapped, and the last one doubled (only that for a name of two letters)."""
    if len(name) < 3:
        return [name + name[-1]]
    return [name[0] + name[2] + name[1] + name[3:], name + name[-1]]


@pytest.mark.parametrize(
    ("group", "name"),
    [
        *(((), name) for name in _commands(cli)),
        *((("cache",), name) for name in _commands(cast(click.Group, command_named("cache")))),
    ],
)
def test_a_mistyped_command_gets_the_closest_name(
    capsys: pytest.CaptureFixture[str], group: tuple[str, ...], name: str
) -> None:
    for typo in _typos(name):
        code, out, err = run(capsys, *group, typo, "--help")
        assert (code, out) == (2, "")
        assert err == f"Error: No such command '{typo}'. Did you mean '{name}'?\n"


def test_a_command_like_no_other_gets_no_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "zzz") == (2, "", "Error: No such command 'zzz'.\n")
    assert run(capsys, "cache", "zzz") == (2, "", "Error: No such command 'zzz'.\n")


def _check_doc_runs() -> list[Any]:
    """(command, output) of each run in docs/usage.md's check section, up to its exit codes, that
    prints something to the terminal (not ``-o``, whose file another test reads)."""
    doc = (REPO / "docs" / "usage.md").read_text(encoding="utf-8")
    section = doc.split("\n## vaultgraph check\n")[1].split("\n### Exit codes\n")[0]
    blocks = [block.split("```\n")[0] for block in section.split("```console\n")[1:]]
    runs = [part.partition("\n") for block in blocks for part in block.split("$ ")[1:]]
    return [
        pytest.param(command, output, id=command)
        for command, _, output in runs
        if command.startswith("vaultgraph ") and " -o " not in command
    ]


@pytest.mark.parametrize(("command", "expected"), _check_doc_runs())
def test_the_check_docs_show_real_runs(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    expected: str,
) -> None:
    monkeypatch.chdir(REPO)
    command, _, piped = command.partition(" | ")
    args = shlex.split(command)
    assert args[0] == "vaultgraph"
    _, out, err = run(capsys, *args[1:])
    if piped:
        assert piped == "cat -v"
        out = out.replace("\x1b", "^[")
    assert out + err == expected


def test_the_json_docs_show_a_real_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = (REPO / "docs" / "usage.md").read_text(encoding="utf-8")
    section = doc.split("\n**json**: ")[1]
    example = section.split("```json\n")[1].split("```\n")[0]
    monkeypatch.chdir(REPO)
    assert run(capsys, "check", "sample_vault", "--format", "json")[1] == example
