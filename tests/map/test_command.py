"""``vaultgraph map``: options in, one UTF-8 file out, one-line errors with exit code 2."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import click
import pytest

from tests.map.paths import REPO, SAMPLE_VAULT
from tests.vaults import write_vault
from vaultgraph.cli import command_named, main
from vaultgraph.map import COLOR_BY


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["map", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def data_of(html: str) -> dict[str, object]:
    match = re.search(r'id="map-data">(.*?)</script>', html, re.S)
    assert match is not None
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_writes_one_utf8_file_and_nothing_else(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "out" / "map.html"
    out.parent.mkdir()
    code, stdout, stderr = run(capsys, SAMPLE_VAULT, "-o", out)
    assert (code, stdout, stderr) == (0, "", "")
    assert list(work.iterdir()) == []
    assert list(out.parent.iterdir()) == [out]
    html = out.read_bytes().decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert len(data_of(html)["nodes"]) == 35  # type: ignore[arg-type]


def test_dash_writes_the_page_to_standard_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, stdout, _ = run(capsys, SAMPLE_VAULT, "-o", "-", "--no-tags", "--no-attachments")
    assert code == 0
    kinds = {n["kind"] for n in data_of(stdout)["nodes"]}  # type: ignore[attr-defined]
    assert kinds == {"note", "unresolved"}


def test_options_reach_the_map(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    args = ("--around", "ECS", "--depth", "2", "--tag", "aws", "--folder", "AWS Services")
    code, _, _ = run(capsys, SAMPLE_VAULT, "-o", out, *args, "--no-unresolved", "--color-by", "tag")
    assert code == 0
    data = data_of(out.read_text(encoding="utf-8"))
    assert data["colorBy"] == "tag"
    ids = {n["id"] for n in data["nodes"]}  # type: ignore[attr-defined]
    assert "AWS Services/ECS.md" in ids
    assert all(i.startswith(("AWS Services/", "#")) for i in ids)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "{tmp}/m.html", "--around", "Nope"), 'no note "Nope" in the vault'),
        (("-o", "{tmp}/m.html", "--depth", "2"), "--depth counts links away from a note"),
        (("-o", "{tmp}/m.html", "--depth", "-1", "--around", "ECS"), "-1 is not in the range"),
        (("-o", "{tmp}/no/such/dir/m.html"), "cannot write"),
        (("-o", "{tmp}/m.html", "--color-by", "size"), "'size' is not one of"),
        ((), "Missing option '-o'"),
        (("-o", "{tmp}/m.html", "--around", "Home", "--folder", "AWS Services"), None),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: tuple[str, ...],
    message: str | None,
) -> None:
    filled = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, stdout, stderr = run(capsys, SAMPLE_VAULT, *filled)
    assert code == 2
    assert stdout == ""
    assert stderr.startswith("Error: ")
    assert stderr.count("\n") == 1
    if message is not None:
        assert message in stderr
    assert not (tmp_path / "m.html").exists()


def test_a_missing_vault_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, stderr = run(capsys, tmp_path / "nowhere", "-o", tmp_path / "m.html")
    assert code == 2
    assert "no such folder" in stderr


def test_the_colour_choices_are_the_librarys() -> None:
    command = command_named("map")
    option = next(p for p in command.params if p.name == "color_by")
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == COLOR_BY


def test_docs_describe_every_option() -> None:
    doc = (REPO / "docs" / "map.md").read_text(encoding="utf-8")
    for param in command_named("map").params:
        for flag in (*param.opts, *param.secondary_opts):
            if flag.startswith("-"):
                assert f"`{flag}" in doc, f"docs/map.md does not mention {flag}"


def test_an_unknown_around_note_gets_the_closest_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    vault = write_vault(
        tmp_path / "vault",
        {"Concepts/Hypervisor.md": "[[Home]]\n", "Home.md": "---\naliases: [Start]\n---\n"},
    )
    out = tmp_path / "m.html"
    for typed, meant in (("Hypervisr", "Hypervisor"), ("Strat", "Home")):
        code, stdout, stderr = run(capsys, vault, "-o", out, "--around", typed)
        assert (code, stdout) == (2, "")
        assert stderr == f'Error: no note "{typed}" in the vault (did you mean "{meant}"?)\n'
    assert not out.exists()


@pytest.mark.parametrize("output", ["m.html", "-"])
def test_a_filter_that_matches_nothing_writes_no_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, output: str
) -> None:
    vault = write_vault(
        tmp_path / "vault",
        {"Concepts/Hypervisor.md": "#virtualisation\n[[Home]]\n", "Home.md": "#index\n"},
    )
    out = tmp_path / "m.html" if output != "-" else Path("-")
    for args, line in (
        (
            ("--folder", "Concpts"),
            '--folder "Concpts" matches no folder of the vault (did you mean "Concepts"?)',
        ),
        (
            ("--tag", "#virtualsation"),
            '--tag "#virtualsation" matches no tag of the vault (did you mean "#virtualisation"?)',
        ),
        (
            ("--folder", "Concepts", "--tag", "index"),
            'no note in --folder "Concepts" has --tag "index"',
        ),
    ):
        code, stdout, stderr = run(capsys, vault, "-o", out, *args)
        assert (code, stdout, stderr) == (2, "", f"Error: {line}\n")
    assert list(tmp_path.iterdir()) == [tmp_path / "vault"]


def _usage_errors() -> list[tuple[str, str]]:
    """The (command, output) of each run in usage.md's map section that prints something."""
    doc = (REPO / "docs" / "usage.md").read_text(encoding="utf-8")
    section = doc.split("\n## vaultgraph map\n")[1].split("\n## ")[0]
    blocks = [block.split("```\n")[0] for block in section.split("```console\n")[1:]]
    runs = [part.partition("\n") for block in blocks for part in block.split("$ ")[1:]]
    return [(command, output) for command, _, output in runs if output]


@pytest.mark.parametrize(("command", "expected"), _usage_errors())
def test_the_usage_docs_show_real_errors(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
    expected: str,
) -> None:
    shutil.copytree(SAMPLE_VAULT, tmp_path / "sample_vault")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)
    assert args[:2] == ["vaultgraph", "map"]
    assert run(capsys, *args[2:], "--no-cache") == (2, "", expected)
    assert sorted(tmp_path.iterdir()) == [tmp_path / "sample_vault"]


GRAPH_SETTINGS = REPO / "tests" / "fixtures" / "vaults" / "graph-settings"


def nodes_of(html: str) -> dict[str, dict[str, object]]:
    nodes = data_of(html)["nodes"]
    assert isinstance(nodes, list)
    return {node["id"]: node for node in nodes}


def test_graph_json_is_honoured_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, GRAPH_SETTINGS, "-o", "-")
    assert code == 0
    # search keeps Concepts and #aws; showOrphans false drops Lonely (#aws, but no link);
    # no tags, attachments or unresolved targets, as graph.json says.
    nodes = nodes_of(out)
    assert set(nodes) == {
        "AWS/ECS.md",
        "Concepts/Containers.md",
        "Concepts/Deep/Namespaces.md",
        "Concepts/Docker.md",
    }
    # The first matching group wins: ECS is #aws, Namespaces is deeper than Concepts.
    assert nodes["AWS/ECS.md"]["colorGroup"] == "tag:#aws"
    assert nodes["Concepts/Deep/Namespaces.md"]["colorGroup"] == "path:Concepts/Deep"
    assert nodes["Concepts/Docker.md"]["colorGroup"] == "file:Docker OR path:Concepts"
    color = nodes["AWS/ECS.md"]["color"]
    assert isinstance(color, dict)
    assert color["background"] == "#e05252"
    obsidian = data_of(out)["obsidian"]
    assert isinstance(obsidian, dict)
    assert obsidian["search"] == "path:Concepts OR tag:#aws"
    assert obsidian["localJumps"] == 2
    assert err.count("warning:") == 1
    assert "colorGroups[3] 'content:kernel' is not honoured" in err


def test_flags_beat_graph_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, GRAPH_SETTINGS, "-o", "-", "--tags", "--attachments", "--unresolved", "--orphans"
    )
    assert code == 0
    nodes = nodes_of(out)
    assert "unresolved:missing note" in nodes  # reached by Containers, which the search keeps
    assert {"#aws", "#tech"} <= set(nodes)
    assert "Lonely.md" in nodes  # #aws, so the search keeps it; --orphans keeps it drawn
    assert "img/diagram.png" not in nodes  # the search matches no attachment


def test_local_jumps_is_the_default_depth(capsys: pytest.CaptureFixture[str]) -> None:
    # Namespaces -> Containers -> ECS is two links: in with localJumps 2, out with --depth 1.
    _, two, _ = run(capsys, GRAPH_SETTINGS, "-o", "-", "--around", "Namespaces")
    _, one, _ = run(capsys, GRAPH_SETTINGS, "-o", "-", "--around", "Namespaces", "--depth", "1")
    assert "AWS/ECS.md" in nodes_of(two)
    assert "AWS/ECS.md" not in nodes_of(one)


def test_no_obsidian_settings_ignores_graph_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, GRAPH_SETTINGS, "-o", "-", "--no-obsidian-settings")
    assert code == 0
    assert err == ""
    nodes = nodes_of(out)
    assert {"Lonely.md", "img/diagram.png", "unresolved:missing note"} <= set(nodes)
    assert nodes["AWS/ECS.md"]["colorGroup"] == "AWS"
    assert data_of(out)["obsidian"] == {}


def test_a_broken_graph_json_is_one_warning_and_the_map_is_drawn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, REPO / "tests/fixtures/vaults/graph-settings-bad", "-o", "-")
    assert code == 0
    assert err.count("\n") == 1
    assert err.startswith("warning: .obsidian/graph.json: not JSON")
    assert "Traceback" not in err
    assert set(nodes_of(out)) == {"Note.md", "Other.md"}


def test_node_data_carries_folder_tags_inlinks_and_community(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys, GRAPH_SETTINGS, "-o", "-", "--no-obsidian-settings", "--color-by", "community"
    )
    assert code == 0
    nodes = nodes_of(out)
    docker = nodes["Concepts/Docker.md"]
    assert docker["folder"] == "Concepts"
    assert docker["tags"] == ["tech", "tech/containers"]
    assert docker["inlinks"] == 1  # ECS links to it
    assert isinstance(docker["community"], int)
    assert nodes["img/diagram.png"]["folder"] == "img"
    assert nodes["img/diagram.png"]["community"] is None
    assert "folder" not in nodes["unresolved:missing note"]
    assert "tags" not in nodes["#aws"]
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes.values())
    assert data_of(out)["layout"] == "precomputed"


def test_a_search_that_matches_nothing_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "graph.json").write_text('{"search": "path:Nowhere"}', "utf-8")
    (tmp_path / "Note.md").write_text("text", "utf-8")
    code, out, err = run(capsys, tmp_path, "-o", "-")
    assert code == 2
    assert out == ""
    assert "the search 'path:Nowhere' of .obsidian/graph.json matches no note" in err
    code, out, _ = run(capsys, tmp_path, "-o", "-", "--no-obsidian-settings")
    assert code == 0
    assert set(nodes_of(out)) == {"Note.md"}
