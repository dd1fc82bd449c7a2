"""The local files a note's raw HTML names, as input/expected pairs."""

from __future__ import annotations

import time

import pytest

from vaultgraph.htmlrefs import MAX_HTML_CHARS, html_references
from vaultgraph.parse import parse_note

CASES = [
    ('<img src="a.png">', ["a.png"]),
    ("<img src='assets/b c.png' width=30>", ["assets/b c.png"]),
    ("<img src=bare.png>", ["bare.png"]),
    ('<img src="p%20q.png#x?y">', ["p q.png"]),
    ('<img srcset="s.webp 1x, l.webp 2x" src="m.webp">', ["s.webp", "l.webp", "m.webp"]),
    ('<a href="doc.pdf">doc</a>', ["doc.pdf"]),
    ('<video src="v.mp4" poster="p.jpg"></video>', ["v.mp4", "p.jpg"]),
    ('<object data="d.svg"></object>', ["d.svg"]),
    ('<img src="https://example.com/x.png"><a href="mailto:me@x">m</a>', []),
    ('<img src="data:image/png;base64,AAAA"><a href="obsidian://open?x">o</a>', []),
    ('<a href="#top">top</a><img src="">', []),
    ('<img alt="src=x.png">', []),
    ('<img src="&amp;.png">', ["&.png"]),
    ('<img src="unclosed.png', []),
]


@pytest.mark.parametrize(("markup", "expected"), CASES)
def test_html_references(markup: str, expected: list[str]) -> None:
    assert html_references(markup) == expected


def test_markup_past_the_bound_names_nothing_and_costs_little() -> None:
    huge = '<img src="x.png">' + "<" * MAX_HTML_CHARS
    start = time.perf_counter()
    assert html_references(huge) == []
    assert time.perf_counter() - start < 1.0
    assert html_references('<img src="x.png">' + "<" * 10_000) == ["x.png"]


NOTE = """\
Inline <img src="inline.png"> in a paragraph, `<img src="code.png">` in code.

<div>
<img src="block.png">
</div>

<!-- <img src="comment.png"> -->
%% <img src="obsidian-comment.png"> %%

```html
<img src="fenced.png">
```

    <img src="indented.png">

| a | <img src="cell.png"> |
|---|---|
"""


def test_a_note_keeps_the_html_the_parser_reads_as_html() -> None:
    # Code, comments and fences are not HTML; a table cell's inline HTML is.
    assert parse_note("n.md", NOTE).html_refs == ("inline.png", "block.png", "cell.png")
