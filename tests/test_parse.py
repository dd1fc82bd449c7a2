"""Parser cases as readable input/expected pairs (tests/fixtures/parse/*.md), and properties."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from vaultgraph.model import Note
from vaultgraph.parse import parse_note

FIXTURES = Path(__file__).parent / "fixtures" / "parse"


def describe(note: Note) -> list[str]:
    """One line per thing the parser found, in a form a person can read and write."""
    out: list[str] = []
    for h in note.headings:
        out.append(f"heading {h.line}:{h.column} h{h.level} {h.plain!r}")
    for link in note.links:
        target = link.target
        if link.subpath is not None:
            target += "#" + link.subpath
        if link.display is not None:
            target += "|" + link.display
        flags = "".join(
            f" {name}"
            for name, on in (("table", link.in_table), ("bare-pipe", link.bare_table_pipe))
            if on
        )
        out.append(
            f"{link.kind} {link.line}:{link.column} {link.syntax} {link.raw} -> {target}{flags}"
        )
    for tag in note.tags:
        where = " frontmatter" if tag.in_frontmatter else ""
        out.append(f"tag {tag.line}:{tag.column} {tag.name}{where}")
    for block in note.block_ids:
        out.append(f"block {block.line}:{block.column} {block.id}")
    for item in note.list_items:
        state = ("empty " if item.empty else "") + ("task" if item.task else "item")
        out.append(f"{state} {item.line}:{item.column} {item.marker}")
    for comment in note.comments:
        out.append(f"comment {comment.line}:{comment.column}-{comment.end_line} {comment.text!r}")
    if note.aliases:
        out.append("aliases " + ", ".join(note.aliases))
    for problem in note.problems:
        out.append(f"problem {problem.line}:{problem.column} {problem.code}")
    return out


def read_cases(path: Path) -> Iterator[tuple[str, str, list[str]]]:
    """Cases of a title line, ``.``, input lines, ``.``, expected lines, ``.``.

    In inputs, ``⇥`` stands for a tab and ``␍`` for a carriage return.
    """
    lines = iter(path.read_text(encoding="utf-8").split("\n"))
    for title in lines:
        if not title.strip():
            continue
        if next(lines) != ".":
            raise ValueError(f"{path.name}: case {title!r} needs a '.' line after its title")
        source = "\n".join(iter(lines.__next__, "."))
        expected = [line for line in iter(lines.__next__, ".") if line.strip()]
        yield title, source.replace("⇥", "\t").replace("␍", "\r"), expected


CASES = [
    pytest.param(source, expected, id=f"{path.stem}: {title}")
    for path in sorted(FIXTURES.glob("*.md"))
    for title, source, expected in read_cases(path)
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_parser_case(source: str, expected: list[str]) -> None:
    assert sorted(describe(parse_note("note.md", source))) == sorted(expected)


def test_fixture_files_hold_cases() -> None:
    assert len(CASES) >= 40


def test_positions_point_at_the_raw_text() -> None:
    source = (
        "---\nrelated: '[[Delta]]'\n---\n> quote with [[A|b]] and #tag\n\n"
        "| x | [[B\\|c]] |\n|---|---|\n"
    )
    lines = source.split("\n")
    note = parse_note("n.md", source)
    for link in note.links:
        line = lines[link.line - 1]
        assert line[link.column - 1 :].startswith(link.raw), link
    for tag in note.tags:
        assert lines[tag.line - 1][tag.column - 1 :].startswith("#" + tag.name)


def test_deep_outline_parses_whole() -> None:
    depth = 60
    source = "\n".join("  " * level + f"- level {level} [[L{level}]]" for level in range(depth))
    note = parse_note("deep.md", source)
    assert [link.target for link in note.links] == [f"L{level}" for level in range(depth)]
    assert len(note.list_items) == depth


def test_title_and_folder() -> None:
    note = parse_note("notes/Gamma Ray.md", "")
    assert (note.title, note.folder) == ("Gamma Ray", "notes")
    assert parse_note("Root.MD", "").title == "Root"


def test_nfd_names_and_tags_stay_as_written() -> None:
    nfd = unicodedata.normalize("NFD", "Café")
    note = parse_note("n.md", f"[[{nfd}]] #{nfd}")
    assert note.links[0].target == nfd
    assert [tag.name for tag in note.tags] == [nfd]
    assert note.tags[0].column == len(f"[[{nfd}]] ") + 1


def test_bare_pipe_outside_tables_is_a_display_separator() -> None:
    (link,) = parse_note("n.md", "[[A\\|b]]").links
    assert (link.target, link.display, link.in_table) == ("A", "b", False)


def test_hostile_depth_is_reported_not_fatal() -> None:
    source = ">" * 1000 + " [[hidden]]\n\n[[after]]"
    note = parse_note("deep.md", source)
    assert [problem.code for problem in note.problems] == ["nesting-too-deep"]
    assert [link.target for link in note.links] == ["after"]


def test_a_note_over_the_size_limit_is_reported_not_parsed() -> None:
    note = parse_note("big.md", "[[a]] " * 20, max_note_chars=100)
    assert note.links == ()
    assert [(p.code, p.line) for p in note.problems] == [("note-too-large", 1)]
    assert "120" in note.problems[0].message


def test_a_line_over_the_length_limit_is_skipped_and_the_rest_read() -> None:
    source = "[[before]]\n" + "[[" * 100_000 + "\n[[after]] #tag"
    note = parse_note("long.md", source)
    assert [(link.target, link.line, link.column) for link in note.links] == [
        ("before", 1, 1),
        ("after", 3, 1),
    ]
    assert [(tag.name, tag.line, tag.column) for tag in note.tags] == [("tag", 3, 11)]
    assert [(p.code, p.line) for p in note.problems] == [("line-too-long", 2)]


LONG = "0123456789abcdef" * 8_000  # 128,000 characters, as in a minified or hex-dumped line


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(f"```\n{LONG}\n```", id="fence"),
        pytest.param(f"- ~~~pdf\n  {LONG} [[x]]\n", id="fence in a list item, closed by its end"),
        pytest.param(f"> ```\n> {LONG}\n> ```", id="fence in a quote"),
        pytest.param(f"    {LONG}", id="indented code"),
        pytest.param(f"$$\n{LONG}\n$$", id="math block"),
        pytest.param(f"%%\n{LONG}\n%%", id="comment block"),
        pytest.param(f"<div>\n{LONG}\n</div>", id="html block"),
    ],
)
def test_a_long_line_in_a_block_never_read_for_links_is_no_problem(block: str) -> None:
    note = parse_note("code.md", f"[[before]]\n\n{block}\n\n[[after]]")
    assert note.problems == ()
    assert [link.target for link in note.links] == ["before", "after"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(LONG, id="paragraph"),
        pytest.param(f"- {LONG}", id="list item"),
        pytest.param(f"```{LONG}\n[[inside]]\n```", id="a fence's opening line"),
    ],
)
def test_a_long_line_that_would_be_parsed_is_still_reported(text: str) -> None:
    note = parse_note("long.md", f"[[before]]\n\n{text}\n")
    assert [(problem.code, problem.line) for problem in note.problems] == [("line-too-long", 3)]


def test_a_nul_byte_is_read_as_the_replacement_character_and_positions_hold() -> None:
    note = parse_note("n.md", "- #tag\x00 [[A\x00B]]\n\n```\n\x00 [[hidden]]\n```\n[[after]]")
    assert [(tag.name, tag.line, tag.column) for tag in note.tags] == [("tag", 1, 3)]
    assert [(link.raw, link.line, link.column) for link in note.links] == [
        ("[[A\ufffdB]]", 1, 9),
        ("[[after]]", 6, 1),
    ]
