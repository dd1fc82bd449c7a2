"""The query commands: thin wrappers with text and JSON output, one-line errors, exit codes."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.query.gitrepo import Repo, partial_clone
from tests.query.paths import SAMPLE_VAULT
from tests.vaults import write_vault
from vaultgraph.cli import command_named, main


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([*map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_stats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "stats", SAMPLE_VAULT, "--top", "3")
    assert (code, err) == (0, "")
    assert out.startswith("Notes                   19\nAttachments              1\n")
    assert "Most linked notes (other notes linking in)\n  15  AWS Services/EKS.md\n" in out
    code, out, _ = run(capsys, "stats", SAMPLE_VAULT, "--format", "json", "--top", "1")
    data = json.loads(out)
    assert (data["notes"], data["attachments"], data["orphans"]) == (19, 1, [])
    assert data["top_linked"] == [{"path": "AWS Services/EKS.md", "notes": 15}]
    assert data["top_unresolved"][0]["target"] == "r-5msO3v65l8svTq_w21tw4DWWcwlw5Hc.jpg"


def test_backlinks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "backlinks", "Docker", "--vault", SAMPLE_VAULT, "--unlinked")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Linked mentions of Concepts/Docker.md: 3 in 3 notes"
    assert lines[1].startswith("AWS Services/ECS.md:13:117: **Amazon ECS** is a fully managed")
    assert "Unlinked mentions: 1 in 1 note" in lines
    assert lines[-1].startswith("AWS Containers.md:25:94: **ECS** is a fully managed")


def test_backlinks_json_and_a_wikilink_argument(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("backlinks", "[[Concepts/Docker|the tool]]", "--vault", SAMPLE_VAULT)
    code, out, _ = run(capsys, *args, "--format", "json")
    data = json.loads(out)
    assert (code, data["note"], data["unlinked"]) == (0, "Concepts/Docker.md", None)
    assert [m["source"] for m in data["linked"]] == [
        "AWS Services/ECS.md",
        "Concepts/Containerization.md",
        "Concepts/Containers.md",
    ]


def test_links(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "links", "Concepts/Docker.md", "--vault", SAMPLE_VAULT)
    assert code == 0
    assert out.splitlines() == [
        "Links from Concepts/Docker.md: 5 (0 unresolved)",
        "Concepts/Docker.md:10:34: [[Containerization]] -> Concepts/Containerization.md",
        "Concepts/Docker.md:10:147: [[Containers]] -> Concepts/Containers.md",
        "Concepts/Docker.md:17:6: [[ECS]] -> AWS Services/ECS.md",
        "Concepts/Docker.md:17:18: [[EKS]] -> AWS Services/EKS.md",
        "Concepts/Docker.md:17:70: [[#Example Dockerfile]] -> Concepts/Docker.md",
    ]
    code, out, _ = run(capsys, "links", "Docker", "--vault", SAMPLE_VAULT, "--format", "json")
    assert json.loads(out)["direction"] == "outgoing"


def test_the_vault_defaults_to_the_working_directory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SAMPLE_VAULT / "Concepts")
    # A path on disk, relative to the working directory, inside the vault.
    code, out, err = run(capsys, "links", "Docker.md", "--vault", "..")
    assert (code, err) == (0, "")
    assert out.startswith("Links from Concepts/Docker.md: 5")
    monkeypatch.chdir(SAMPLE_VAULT)
    code, out, _ = run(capsys, "backlinks", "Hypervisor")
    assert (code, out.splitlines()[0]) == (
        0,
        "Linked mentions of Concepts/Hypervisor.md: 2 in 2 notes",
    )


@pytest.mark.parametrize(
    "args",
    [
        ("backlinks", "Dockr"),
        ("links", "Dockr"),
        ("path", "Dockr", "AWS"),
        ("explain", "[[Docker]]", "--from", "Dockr"),
    ],
)
def test_an_unknown_note_is_one_line_with_suggestions(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, *args, "--vault", SAMPLE_VAULT)
    assert (code, out) == (2, "")
    assert err == 'Error: no note "Dockr" in the vault (did you mean "Docker"?)\n'


@pytest.mark.parametrize(
    "args",
    [
        ("backlinks", "{typed}"),
        ("links", "{typed}"),
        ("path", "{typed}", "Home"),
        ("path", "Home", "{typed}"),
        ("explain", "[[Home]]", "--from", "{typed}"),
    ],
)
@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Hypervisr", "Hypervisor"), ("Concepts/Hypervisr", "Concepts/Hypervisor"), ("Strat", "Home")],
)
def test_every_note_argument_suggests_the_closest_names(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: tuple[str, ...],
    typed: str,
    meant: str,
) -> None:
    vault = write_vault(
        tmp_path / "vault",
        {"Concepts/Hypervisor.md": "[[Home]]\n", "Home.md": "---\naliases: [Start]\n---\n"},
    )
    filled = [arg.format(typed=typed) for arg in args]
    code, out, err = run(capsys, *filled, "--vault", vault, "--no-cache")
    assert (code, out) == (2, "")
    assert err == f'Error: no note "{typed}" in the vault (did you mean "{meant}"?)\n'


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("explain", "[[docker#key pieces]]", "--from", "ECS", "--vault", SAMPLE_VAULT)
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "Resolved:    Concepts/Docker.md\n" in out
    assert "Spelling:    case-folding\n" in out
    assert "Subpath:     #key pieces: found\n" in out
    code, out, _ = run(capsys, *args, "--format", "json")
    data = json.loads(out)
    assert (data["candidates"], data["resolved"], data["rule"]) == (
        ["Concepts/Docker.md"],
        "Concepts/Docker.md",
        "shortest-path",
    )
    assert data["source"] == "AWS Services/ECS.md"


def test_explain_an_unresolved_link(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "explain", "[[Docker Engine]]", "--vault", SAMPLE_VAULT, "--format", "json"
    )
    data = json.loads(out)
    assert (code, data["resolved"], data["rule"]) == (0, None, "unresolved")
    assert data["aliases_ignored"] == ["Concepts/Docker.md"]
    assert data["closest"] == ["[[Docker|Docker Engine]]"]


def test_explain_needs_from_for_a_link_into_its_own_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "explain", "[[#Key pieces]]", "--vault", SAMPLE_VAULT)
    assert (code, out) == (2, "")
    assert err == "Error: [[#Key pieces]] points into the note it is written in; give --from NOTE\n"


def test_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "path", "Docker", "Hypervisor", "--vault", SAMPLE_VAULT)
    assert code == 0
    assert out.splitlines() == [
        "Concepts/Docker.md -> Concepts/Hypervisor.md: 2 links",
        "  Concepts/Docker.md",
        "  -> Concepts/Containers.md  (link in Concepts/Docker.md, line 10)",
        "  -> Concepts/Hypervisor.md  (link in Concepts/Containers.md, line 18)",
    ]


def test_path_exits_1_when_no_chain(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "A.md").write_text("[[B]]", encoding="utf-8")
    (tmp_path / "B.md").write_text("", encoding="utf-8")
    code, out, _ = run(capsys, "path", "B", "A", "--vault", tmp_path)
    assert (code, out) == (
        1,
        "No chain of links from B.md to A.md; --undirected also follows links backwards.\n",
    )
    code, out, _ = run(
        capsys, "path", "B", "A", "--vault", tmp_path, "--undirected", "--format", "json"
    )
    assert (code, json.loads(out)["path"]) == (0, ["B.md", "A.md"])


def test_diff(capsys: pytest.CaptureFixture[str], repo: Repo) -> None:
    shutil.copytree(SAMPLE_VAULT, repo.root, dirs_exist_ok=True)
    repo.commit("the sample vault")
    repo.git("mv", "Concepts/Docker.md", "Concepts/Docker Engine.md")
    code, out, err = run(capsys, "diff", "HEAD", "--vault", repo.root)
    assert (code, err) == (0, "")
    assert (
        "Concepts/Docker.md (renamed to Concepts/Docker Engine.md) broke 3 links in 3 notes:" in out
    )
    repo.commit("rename")
    code, out, _ = run(
        capsys, "diff", "HEAD~1", "HEAD", "--vault", repo.root, "--format", "markdown"
    )
    assert code == 0
    assert "#### ⚠️ Broken links" in out
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--vault", repo.root, "--format", "json")
    assert json.loads(out)["renamed"] == [
        {"from": "Concepts/Docker.md", "to": "Concepts/Docker Engine.md"}
    ]


def test_diff_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write({"A.md": ""})
    repo.commit("one")
    code, out, err = run(capsys, "diff", "nope", "--vault", repo.root)
    assert (code, out) == (2, "")
    assert err == 'Error: unknown revision "nope"; give a commit, branch or tag, such as HEAD~1\n'
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = run(capsys, "diff", "HEAD", "--vault", outside)
    assert code == 2
    assert err.endswith(
        "is not in a git repository; diff compares commits of a vault kept in git\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("stats", "{vault}"),
        ("backlinks", "Docker", "--vault", "{vault}"),
        ("links", "Docker", "--vault", "{vault}"),
        ("explain", "[[Docker]]", "--vault", "{vault}"),
        ("path", "Docker", "AWS", "--vault", "{vault}"),
    ],
)
def test_every_command_writes_json(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    filled = [SAMPLE_VAULT.as_posix() if a == "{vault}" else a for a in args]
    code, out, err = run(capsys, *filled, "--format", "json")
    assert (code, err) == (0, "")
    assert isinstance(json.loads(out), dict)


def test_a_missing_vault_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "backlinks", "A", "--vault", tmp_path / "missing")
    assert code == 2
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", ["stats", "backlinks", "links", "explain", "diff", "path"])
def test_usage_md_has_a_section_with_every_option(command: str) -> None:
    doc = (SAMPLE_VAULT.parent / "docs" / "usage.md").read_text(encoding="utf-8")
    assert f"\n## vaultgraph {command}\n" in doc
    section = doc.split(f"\n## vaultgraph {command}\n")[1].split("\n## ")[0]
    assert f"$ vaultgraph {command} " in section  # an example run
    shared = {"--no-cache", "--jobs", "-j", "--vault", "--format", "-h", "--help"}
    for param in command_named(command).params:
        for flag in param.opts:
            if flag.startswith("-") and flag not in shared:
                assert f"`{flag}" in section, f"docs/usage.md: {command} does not mention {flag}"


def _doc_blocks(fence: str) -> list[str]:
    doc = (SAMPLE_VAULT.parent / "docs" / "usage.md").read_text(encoding="utf-8")
    section = doc.split("\n## Asking the graph\n")[1]
    return [block.split("```\n")[0] for block in section.split(f"```{fence}\n")[1:]]


def _doc_runs(*, in_git: bool) -> list[Any]:
    """(command, output) of each example run in the query docs."""
    return [
        pytest.param(command, output, id=command)
        for body in _doc_blocks("console")
        if ("git init" in body) == in_git
        for command, _, output in (part.partition("\n") for part in body.split("$ ")[1:])
        if command.startswith("vaultgraph ")
    ]


@pytest.mark.parametrize(("command", "expected"), _doc_runs(in_git=False))
def test_the_docs_show_real_runs(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    expected: str,
) -> None:
    monkeypatch.chdir(SAMPLE_VAULT.parent)
    args = shlex.split(command)
    assert args[0] == "vaultgraph"
    _, out, err = run(capsys, *args[1:])
    assert out + err == expected


@pytest.mark.parametrize(("command", "expected"), _doc_runs(in_git=True))
def test_the_diff_docs_show_a_real_run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    repo: Repo,
    command: str,
    expected: str,
) -> None:
    shutil.copytree(SAMPLE_VAULT, repo.root, dirs_exist_ok=True)
    repo.commit("notes")
    repo.git("mv", "Concepts/Docker.md", "Concepts/Docker Engine.md")
    monkeypatch.chdir(repo.root)
    _, out, _ = run(capsys, *shlex.split(command)[1:])
    commit = repo.git("rev-parse", "--short=7", "HEAD").strip()
    assert out == re.sub(r"HEAD \([0-9a-f]{7}\)", f"HEAD ({commit})", expected)
    markdown = _doc_blocks("markdown")[0]
    _, out, _ = run(capsys, *shlex.split(command)[1:], "--format", "markdown")
    assert out == re.sub(r"HEAD \([0-9a-f]{7}\)", f"HEAD ({commit})", markdown)


# A note whose name rings the bell, starts a C1 CSI and reverses the rest of the line, and
# whose links and text hold an ESC P (a device control string) and a second line. (click
# strips ``ESC [ ... m`` from output that is not a terminal, and the tests capture output;
# none of these is stripped, so each shows whether it got through.)
BELL = "Bell\x07\x9b31m\u202eA"
_RAW = ("\x07", "\x1b", "\x9b", "\u202e", "\u2028")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "vault",
        {
            f"{BELL}.md": "[[Home]] [[Gone\x1bP\x07]] Home\u2028mention\n",
            "Home.md": f"# Home\n[[{BELL}]] and [[Gone\x1bP\x07]]\n",
        },
    )


@pytest.mark.parametrize(
    "args",
    [
        ("stats", "{vault}"),
        ("backlinks", "Home", "--unlinked", "--vault", "{vault}"),
        ("links", BELL, "--unlinked", "--vault", "{vault}"),
        ("explain", "[[Gone\x1bP\x07]]", "--from", BELL, "--vault", "{vault}"),
        ("explain", f"[[{BELL}]]", "--vault", "{vault}"),
        ("path", BELL, "Home", "--vault", "{vault}"),
        ("path", "Home", BELL, "--vault", "{vault}", "--undirected"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_queries_print_no_control_character_raw(
    capsys: pytest.CaptureFixture[str], hostile: Path, args: tuple[str, ...], fmt: str
) -> None:
    filled = [str(hostile) if a == "{vault}" else a for a in args]
    code, out, err = run(capsys, *filled, "--format", fmt, "--no-cache")
    assert (code, err) == (0, "")
    assert not any(char in out for char in _RAW)
    if fmt == "json":
        assert json.loads(out)  # the exact names, as escapes
    else:
        assert "Bell\\x07\\x9b31m\\u202eA" in out


def test_a_name_in_an_error_line_is_escaped(
    capsys: pytest.CaptureFixture[str], hostile: Path
) -> None:
    # The suggestions are names from the vault; the line stays one line, nothing raw.
    code, out, err = run(capsys, "backlinks", BELL[:-1], "--vault", hostile, "--no-cache")
    assert (code, out) == (2, "")
    assert err.startswith(
        'Error: no note "Bell\\x07\\x9b31m\\u202e" in the vault '
        '(did you mean "Bell\\x07\\x9b31m\\u202eA"?)'
    )
    assert err.count("\n") == 1
    assert not any(char in err for char in _RAW)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_diff_prints_no_control_character_raw(
    capsys: pytest.CaptureFixture[str], repo: Repo, fmt: str
) -> None:
    repo.write({f"{BELL}.md": "[[Home]]\n", "Home.md": f"[[{BELL}]] [[Gone\x1bP\x07]]\n"})
    repo.commit("one")
    (repo.root / f"{BELL}.md").rename(repo.root / "Renamed\u2028\x1bP.md")
    code, out, err = run(capsys, "diff", "HEAD", "--vault", repo.root, "--format", fmt)
    assert (code, err) == (0, "")
    assert not any(char in out for char in _RAW)
    if fmt == "json":
        assert json.loads(out)["renamed"] == [{"from": f"{BELL}.md", "to": "Renamed\u2028\x1bP.md"}]
    else:
        assert "Bell\\x07\\x9b31m\\u202eA.md" in out
        assert "Renamed\\u2028\\x1bP.md" in out


def test_diff_in_a_partial_clone_fetches_nothing(
    capsys: pytest.CaptureFixture[str], repo: Repo, tmp_path: Path
) -> None:
    repo.write({"A.md": "[[B]]", "B.md": ""})
    repo.commit("one")
    repo.write({"B.md": "[[A]]"})
    repo.commit("two")
    clone = partial_clone(repo, tmp_path / "clone")
    marker = tmp_path / "ran"
    clone.git("config", "remote.origin.url", "ssh://example.invalid/notes.git")
    clone.git("config", "core.sshCommand", f"touch {marker}; false")
    code, out, err = run(capsys, "diff", "HEAD~1", "HEAD", "--vault", clone.root)
    assert (code, out) == (2, "")
    assert err.startswith("Error: A.md at HEAD~1 (")
    assert err.endswith(
        "is not in this clone, and diff never fetches (a partial clone leaves files on the "
        "server); run it in a full clone, without --filter\n"
    )
    assert err.count("\n") == 1
    assert not marker.exists()
