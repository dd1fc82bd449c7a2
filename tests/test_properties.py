"""Unquoted links in properties as the frontmatter reader records them: where, what, how bounded."""

from __future__ import annotations

import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultgraph.lint.rules.unquoted_property_link import quoted
from vaultgraph.model import Note, Problem
from vaultgraph.parse import parse_note
from vaultgraph.positions import split_lines

CODE = "property-unquoted-link"


def unquoted(note: Note) -> list[Problem]:
    return [p for p in note.problems if p.code == CODE]


def test_written_is_the_value_exactly_as_in_the_file() -> None:
    text = "---\nup: [[B]] # c\nsee:\n  - [[C|c]]\nx: [[[D]], [[E]]]\nn: [[B]] and é\n---\n"
    lines = split_lines(text)
    found = [(p.line, p.column, p.written) for p in unquoted(parse_note("n.md", text))]
    assert found == [
        (2, 5, "[[B]]"),
        (4, 5, "[[C|c]]"),
        (5, 5, "[[D]]"),
        (5, 12, "[[E]]"),
        (6, 4, "[[B]] and é"),
    ]
    for line, column, written in found:
        assert lines[line - 1][column - 1 :].startswith(written)


def test_only_frontmatter_with_a_list_in_a_flow_list_is_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def parsed_again(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parsed again")

    monkeypatch.setattr(yaml, "parse", parsed_again)
    note = parse_note("n.md", '---\nup: "[[B]]"\nlist: [a, b]\nrows:\n  - [1]\n---\n')
    assert note.problems == ()
    assert [link.target for link in note.links] == ["B"]
    with pytest.raises(RuntimeError, match="parsed again"):
        parse_note("n.md", "---\nmatrix: [[1, 2]]\n---\n")


def test_yaml_line_breaks_the_file_does_not_have_move_nothing() -> None:
    # YAML ends a line at NEL; the file does not, so YAML's positions are not the file's there.
    note = parse_note("n.md", "---\na: 1\x85up: [[B]]\n---\n")
    assert unquoted(note) == []


def test_reading_on_past_values_yaml_cannot_read_is_bounded() -> None:
    count = 20_000
    text = "---\n" + "".join(f"k{i}: [[B]] x\n" for i in range(count)) + "---\n"
    started = time.perf_counter()
    found = unquoted(parse_note("n.md", text))
    assert time.perf_counter() - started < 10
    assert 1 <= len(found) < count
    # The last one found was not read on past: whether quoting repairs it is unknown.
    assert [p.written for p in found[-1:]] == [""]
    assert all(p.written == "[[B]] x" for p in found[:-1])


# Frontmatter lines made of what unquoted links are written with, and what they are mistaken for.
_VALUES = st.sampled_from(
    [
        "[[B]]", "![[B.png]]", "[[B|shown]]", "[[B#H]]", "[[[B]], [[C]]]", "[[1, 2]]", "[[]]",
        '"[[B]]"', "'[[B]]'", "[ [B] ]", "[[B]] and text", "[[B]], [[C]]", "![[B|300]]", "x",
        "[[B", "[B]", "{{date}}", "",
    ]
)  # fmt: skip
_TAILS = st.sampled_from(["", " # c", "  ", " more", ", [[C]]", "]", '"', "\\"])
_KEYS = st.sampled_from(["up: ", "tags: ", "  - ", "- ", "  nested: ", "cover: ", "? "])
_LINE = st.tuples(_KEYS, _VALUES, _TAILS).map("".join)
_ENDS = st.sampled_from(["\n", "\r\n"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=6), _ENDS)
def test_quoting_what_is_reported_leaves_nothing_that_can_be_quoted(
    body: list[str], end: str
) -> None:
    text = end.join(["---", *body, "---", ""])
    lines = split_lines(text)
    found = unquoted(parse_note("n.md", text))
    for problem in found:
        assert lines[problem.line - 1][problem.column - 1 :].startswith(problem.written)
    fixed = list(lines)
    for problem in sorted(found, key=lambda p: (p.line, -p.column)):
        value = quoted(problem.written) if problem.written else None
        if value is not None:
            line, start = fixed[problem.line - 1], problem.column - 1
            fixed[problem.line - 1] = line[:start] + value + line[start + len(problem.written) :]
    again = unquoted(parse_note("n.md", end.join(fixed)))
    assert [p for p in again if p.written] == []
