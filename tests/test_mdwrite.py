"""Code spans and blocks that quote any text, checked by parsing them back with markdown-it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from vaultgraph.mdwrite import code_block, code_span

_TEXT = st.text(alphabet=st.sampled_from("`ab [|]\\"), min_size=1, max_size=12)


def test_a_span_outgrows_the_backticks_it_holds() -> None:
    assert code_span("plain") == "`plain`"
    assert code_span("a ``b`` c") == "```a ``b`` c```"
    assert code_span("`edge`") == "`` `edge` ``"


def test_a_block_is_fenced_by_three_or_more() -> None:
    assert code_block("x", "markdown") == "```markdown\nx\n```"
    assert code_block("````\nx", "") == "`````\n````\nx\n`````"


@given(_TEXT.filter(lambda t: t.strip() == t and t.strip("`") != ""))
def test_a_span_reads_back_as_its_text(text: str) -> None:
    (paragraph,) = [t for t in MarkdownIt().parse(code_span(text)) if t.type == "inline"]
    assert [c.type for c in paragraph.children or []] == ["code_inline"]
    assert (paragraph.children or [])[0].content == text


@given(st.lists(_TEXT, min_size=1, max_size=4).map("\n".join))
def test_a_block_reads_back_as_its_text(text: str) -> None:
    tokens = MarkdownIt().parse(code_block(text, "markdown"))
    assert [t.type for t in tokens] == ["fence"]
    assert tokens[0].content == text + "\n"
