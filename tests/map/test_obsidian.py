"""graph.json read as hostile input: settings where they are usable, a warning where not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.map.paths import REPO
from vaultgraph.map.obsidian import MAX_GRAPH_JSON, read_graph_settings
from vaultgraph.map.query import parse_query

FIXTURES = REPO / "tests" / "fixtures" / "vaults"


def test_reads_every_setting_the_map_honours() -> None:
    settings = read_graph_settings(FIXTURES / "graph-settings")
    assert settings.search == parse_query("path:Concepts OR tag:#aws")
    assert (settings.show_tags, settings.show_attachments) == (False, False)
    assert (settings.hide_unresolved, settings.show_orphans) == (True, False)
    assert settings.local_jumps == 2
    # 14701138 is 0xE05252, 5431378 is 0x52E052; content: is refused, with a warning.
    assert [(g.query.text, g.color) for g in settings.color_groups] == [
        ("tag:#aws", "#e05252"),
        ("path:Concepts/Deep", "#52e052"),
        ("file:Docker OR path:Concepts", "#0000ff"),
    ]
    assert len(settings.warnings) == 1
    assert "colorGroups[3] 'content:kernel' is not honoured" in settings.warnings[0]


def test_no_file_no_settings_and_no_warning(tmp_path: Path) -> None:
    settings = read_graph_settings(tmp_path)
    assert settings.warnings == ()
    assert settings.show_tags is None
    assert settings.color_groups == ()


def test_broken_json_is_one_warning_and_no_settings() -> None:
    settings = read_graph_settings(FIXTURES / "graph-settings-bad")
    assert len(settings.warnings) == 1
    assert "not JSON" in settings.warnings[0]
    assert settings.show_tags is None


def test_wrong_types_are_warned_about_one_by_one_and_the_rest_kept() -> None:
    settings = read_graph_settings(FIXTURES / "graph-settings-types")
    text = "\n".join(settings.warnings)
    assert "showTags should be true or false" in text
    assert "localJumps should be a whole number" in text
    assert "colorGroups[0] should be" in text
    assert "search 'hello' is not honoured" in text
    assert settings.show_tags is None
    assert settings.local_jumps is None
    assert settings.search is None
    assert [(g.query.text, g.color) for g in settings.color_groups] == [("path:Note", "#0000ff")]


@pytest.mark.parametrize("content", [b"[1, 2]", b'"text"', b"\xff\xfe{", b"null"])
def test_not_an_object_is_a_warning(tmp_path: Path, content: bytes) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "graph.json").write_bytes(content)
    settings = read_graph_settings(tmp_path)
    assert len(settings.warnings) == 1


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "graph.json").write_bytes(b" " * (MAX_GRAPH_JSON + 1) + b"{}")
    settings = read_graph_settings(tmp_path)
    assert "cannot be read" in settings.warnings[0]


def test_a_symlink_out_of_the_vault_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text('{"showTags": false}', "utf-8")
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    os.symlink(outside, vault / ".obsidian" / "graph.json")
    settings = read_graph_settings(vault)
    assert settings.show_tags is None
    assert "cannot be read" in settings.warnings[0]
