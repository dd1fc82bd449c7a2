"""Where each reference syntax writes the parts of its heading subpath, and their new text."""

from __future__ import annotations

import pytest

from vaultgraph.move.rewrite import UnwritableLink
from vaultgraph.move.subpaths import heading_parts, written_part
from vaultgraph.parse import parse_note
from vaultgraph.positions import split_lines


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("[[N#A#B]]", ["A", "B"]),
        ("x ![[N# A # ? #B|300]]", ["A", "B"]),  # spaces kept, a part with no key skipped
        ("| [[N#A\\|b]] |\n|---|", ["A"]),
        ("[t](N.md#A%20b%23C)", ["A%20b", "C"]),  # %23 is a # to the resolver
        ("[t](<N.md#A b>)", ["A b"]),
        ("[two\nlines](N.md#A)", ["A"]),
        ('---\nup: "[[N#A]]"\n---\n', ["A"]),
    ],
)
def test_parts_are_found_where_they_are_written(text: str, parts: list[str]) -> None:
    lines = split_lines(text)
    (link,) = parse_note("X.md", text).links
    found = heading_parts(link, lines)
    assert found is not None
    assert [part.written for part in found] == parts
    for part in found:
        assert lines[part.line - 1][part.column - 1 : part.end_column - 1] == part.written


@pytest.mark.parametrize(
    ("text", "new", "written"),
    [
        ("[[N#A]]", "B c", "B c"),
        ("[t](N.md#A)", "B c", "B%20c"),
        ("[t](N.md#A%20a)", "B (c)", "B%20%28c%29"),
        ("[t](<N.md#A a>)", "B c", "B c"),
    ],
)
def test_new_text_is_encoded_as_the_link_was(text: str, new: str, written: str) -> None:
    (link,) = parse_note("X.md", text).links
    assert written_part(link, new, in_json=False) == written


def test_json_and_syntax_limits() -> None:
    (wiki,) = parse_note("X.md", "[[N#A]]").links
    assert written_part(wiki, 'say "hi"', in_json=True) == 'say \\"hi\\"'
    (prop,) = parse_note("X.md", '---\nup: "[[N#A]]"\n---\n').links
    with pytest.raises(UnwritableLink, match="a property link cannot name"):
        written_part(prop, 'say "hi"', in_json=False)
    (angle,) = parse_note("X.md", "[t](<N.md#A>)").links
    with pytest.raises(UnwritableLink, match="angle bracket"):
        written_part(angle, "a <b>", in_json=False)
