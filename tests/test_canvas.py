"""Canvas cases as input/expected pairs (tests/fixtures/parse/canvases.txt), hostile canvases."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.test_parse import FIXTURES, describe, read_cases
from vaultgraph.canvas import (
    MAX_CANVAS_BYTES,
    WrittenString,
    file_card_subpaths,
    is_canvas,
    parse_canvas,
)
from vaultgraph.vault import load_vault

CASES = [
    pytest.param(source, expected, id=title)
    for title, source, expected in read_cases(FIXTURES / "canvases.txt")
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_canvas_case(source: str, expected: list[str]) -> None:
    assert sorted(describe(parse_canvas("board.canvas", source))) == sorted(expected)


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 10


def test_a_text_card_position_is_the_character_written_in_the_file() -> None:
    text = 'x\\t\\u00e9\\ud83d\\ude00\\\\\\" [[Here]]'
    source = '{"nodes":[{"id":"t","type":"text","text":"' + text + '"}]}'
    (link,) = parse_canvas("b.canvas", source).links
    assert json.loads(source)["nodes"][0]["text"].endswith("[[Here]]")
    assert source[link.column - 1 :].startswith("[[Here]]")


def test_is_canvas_by_extension_any_case() -> None:
    assert is_canvas("a/B.CANVAS")
    assert is_canvas("b.canvas")
    assert not is_canvas("b.canvas.md")


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    for source in ("[" * 100_000, '{"nodes":' + "[" * 50_000 + "]" * 50_000 + "}"):
        (problem,) = parse_canvas("d.canvas", source).problems
        assert problem.code == "canvas-invalid"


def test_a_card_of_five_megabytes_is_read_in_bounded_time() -> None:
    card = "word [[Link]] " * (5_000_000 // 14)
    source = json.dumps({"nodes": [{"id": "t", "type": "text", "text": card}]})
    started = time.monotonic()
    note = parse_canvas("big.canvas", source)
    assert time.monotonic() - started < 30
    assert [problem.code for problem in note.problems] == ["line-too-long"]
    assert note.links == ()


def test_an_oversized_utf16_or_binary_canvas_is_one_finding(tmp_path: Path) -> None:
    (tmp_path / "Note.md").write_text("[[Big.canvas]]\n", encoding="utf-8")
    (tmp_path / "Big.canvas").write_bytes(b'{"nodes":[]}' + b" " * MAX_CANVAS_BYTES)
    (tmp_path / "Wide.canvas").write_text('{"nodes":[]}', encoding="utf-16")
    (tmp_path / "Bin.canvas").write_bytes(b"\x00\x01\x02\xff" * 100)
    vault = load_vault(tmp_path, cache=False)
    problems = {path: canvas.problems for path, canvas in vault.canvases.items()}
    assert {path: [p.code for p in found] for path, found in problems.items()} == {
        "Big.canvas": ["canvas-invalid"],
        "Bin.canvas": ["canvas-invalid"],
        "Wide.canvas": ["canvas-invalid"],
    }
    assert "UTF-16" in problems["Wide.canvas"][0].message


def test_file_card_subpaths_say_where_each_subpath_is_written() -> None:
    text = (
        '{"nodes": [\n'
        ' {"subpath": "#A\\u0020b", "id": "1", "type": "file", "file": "N.md"},\n'
        ' {"id": "2", "type": "text", "text": "[[N#A b]]"},\n'
        ' {"id": "3", "type": "file", "file": "N.md"}\n'
        "]}"
    )
    links = parse_canvas("B.canvas", text).links
    assert [link.subpath for link in links] == ["A b", "A b", None]
    assert file_card_subpaths(text) == (WrittenString(2, 15, "#A\\u0020b", "#A b"), None)
    assert text.split("\n")[1][14:23] == "#A\\u0020b"
    assert file_card_subpaths("{nope") is None
    assert file_card_subpaths("") is None
