"""A note's opening lines as plain text: Markdown syntax, comments and frontmatter dropped."""

from __future__ import annotations

import pytest

from vaultgraph.map.plaintext import plain_lines

CASES = [
    ("frontmatter", "---\ntags: [a]\ntitle: x\n---\nBody", ["Body"]),
    ("heading marks", "# Title\n## Sub *em*", ["Title", "Sub em"]),
    ("emphasis", "Plain **bold**, _it_ and ~~gone~~", ["Plain bold, it and gone"]),
    ("wikilink display", "See [[Target|shown]] here", ["See shown here"]),
    ("wikilink bare", "See [[Target]] and [[Note#Part]]", ["See Target and Note > Part"]),
    ("markdown link", "Read [the docs](https://x.org) now", ["Read the docs now"]),
    ("embed", "![[diagram.png]] below", ["diagram.png below"]),
    ("image", "![a chart](chart.png)", ["a chart"]),
    ("inline comment", "Seen %%unseen%% seen", ["Seen seen"]),
    ("block comment", "%%\nhidden\nlines\n%%\nShown", ["Shown"]),
    ("html comment", "Text <!-- note to self --> more", ["Text more"]),
    ("html comment block", "<!--\nhidden\n-->\n\nAfter", ["After"]),
    ("other html stays as typed", "<b>bold</b> text", ["<b>bold</b> text"]),
    (
        "html block as typed",
        "<script>x()</script> and <img src=y>",
        ["<script>x()</script> and <img src=y>"],
    ),
    ("tags stay", "About #aws/ecs", ["About #aws/ecs"]),
    (
        "code stays text",
        "Run `ls -l` then\n\n```\nmake <all>\n```",
        ["Run ls -l then", "make <all>"],
    ),
    ("html-looking text stays text", "a &lt;b&gt; c", ["a <b> c"]),
    ("lists and quotes", "- one\n- [[two|2]]\n\n> quoted", ["one", "2", "quoted"]),
    ("soft breaks are lines", "first\nsecond\nthird\nfourth", ["first", "second", "third"]),
    ("rules and blanks dropped", "\n\n---\n\n  spaced   out  ", ["spaced out"]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_plain_lines(text: str, expected: list[str]) -> None:
    assert plain_lines(text) == expected


def test_wanted_bounds_the_lines() -> None:
    assert plain_lines("a\n\nb\n\nc\n\nd", wanted=2) == ["a", "b"]
    assert plain_lines("") == []


def test_a_long_frontmatter_is_skipped_whole_and_a_long_note_read_far_enough() -> None:
    properties = "".join(f"key{i}: {'v' * 40}\n" for i in range(400))  # past the first head
    assert plain_lines(f"---\n{properties}---\nBody") == ["Body"]
    assert plain_lines("x" * 20_000 + "\n\nsecond\n\nthird") == ["x" * 20_000, "second", "third"]
