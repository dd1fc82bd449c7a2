"""Properties of the parser over arbitrary text: it never raises and every position is true."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultgraph.parse import parse_note
from vaultgraph.positions import split_lines

# Text built from the characters Obsidian syntax is made of, so the generator reaches links,
# tags, tables, code, comments and frontmatter often, plus any character at all now and then.
_PIECES = st.sampled_from(
    [
        "[[", "]]", "![[", "|", "\\|", "#", "#tag", "^id", "[", "]", "(", ")", "`", "```", "~~~",
        "%%", "<!--", "-->", "---", "- ", "* ", "1. ", "> ", "| a | b |", "|---|---|", "\n", "\r\n",
        "\r", "\t", " ", "    ", "a", "Note", "é", "e\u0301", "日本", "\x00", ".md", "%20", "!",
        "tags: [x]", "aliases: y", ":", '"', "'",
    ]
)  # fmt: skip
_TEXT = st.one_of(
    st.lists(_PIECES, max_size=60).map("".join),
    st.text(max_size=200),
)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_TEXT)
def test_parsing_never_raises_and_positions_are_inside_the_note(text: str) -> None:
    note = parse_note("note.md", text)
    lines = split_lines(text)
    places = [
        *((link.line, link.column) for link in note.links),
        *((tag.line, tag.column) for tag in note.tags),
        *((h.line, h.column) for h in note.headings),
        *((b.line, b.column) for b in note.block_ids),
        *((i.line, i.column) for i in note.list_items),
        *((p.line, p.column) for p in note.problems),
        *((c.line, c.column) for c in note.comments),
    ]
    for line, column in places:
        assert 1 <= line <= len(lines), (line, column)
        assert 1 <= column <= max(len(lines[line - 1]), 1), (line, column)


@_SETTINGS
@given(_TEXT)
def test_positions_point_at_the_text_they_name(text: str) -> None:
    note = parse_note("note.md", text)
    # A NUL is read as U+FFFD, one character for one (CommonMark; docs/parsing.md).
    lines = split_lines(text.replace("\x00", "\ufffd"))
    for link in note.links:
        if link.syntax == "property":
            continue  # a YAML value may be quoted or folded: its raw text is the value's
        first = link.raw.split("\n", 1)[0]
        assert lines[link.line - 1][link.column - 1 :].startswith(first), link
    for tag in note.tags:
        if not tag.in_frontmatter:
            assert lines[tag.line - 1][tag.column - 1 :].startswith("#" + tag.name), tag
    for block in note.block_ids:
        assert lines[block.line - 1][block.column - 1 :].startswith("^" + block.id), block
