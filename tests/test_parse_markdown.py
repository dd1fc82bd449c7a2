"""The parser's quiet block rules: the same tokens as the rules as shipped, and no debug calls."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given

from tests.test_parse import FIXTURES, read_cases
from tests.test_parse_properties import _SETTINGS, _TEXT
from vaultgraph.markdown import configured, parser

SAMPLE_VAULT = Path(__file__).resolve().parent.parent / "sample_vault"
SOURCES = [
    pytest.param(source, id=f"{path.stem}: {title}")
    for path in sorted(FIXTURES.glob("*.md"))
    for title, source, _ in read_cases(path)
] + [
    pytest.param(path.read_text(encoding="utf-8"), id=path.relative_to(SAMPLE_VAULT).as_posix())
    for path in sorted(SAMPLE_VAULT.rglob("*.md"))
]
_BLOCK_LOGGERS = "markdown_it.rules_block"
_AS_SHIPPED = configured()


def test_there_are_sources_to_compare() -> None:
    assert len(SOURCES) >= 60


@pytest.mark.parametrize("source", SOURCES)
def test_quiet_rules_give_the_tokens_of_the_rules_as_shipped(source: str) -> None:
    assert parser().parse(source) == _AS_SHIPPED.parse(source)


@_SETTINGS
@given(_TEXT)
def test_quiet_rules_give_the_same_tokens_for_any_text(text: str) -> None:
    assert parser().parse(text) == _AS_SHIPPED.parse(text)


def test_every_block_rule_that_logs_is_quieted(caplog: pytest.LogCaptureFixture) -> None:
    # If a markdown-it-py release moves or renames its loggers, vaultgraph's parser logs again
    # and this test fails: the parse is then merely slower, never different.
    source = (
        "# h\n\n- a\n- b\n\n> q\n\n```\ncode\n```\n\n    indented\n\n---\n\n<div>\n\n[r]: /x\n\np\n"
    )
    caplog.set_level(logging.DEBUG, logger="markdown_it")
    configured().parse(source)
    shipped = {record.name for record in caplog.records if record.name.startswith(_BLOCK_LOGGERS)}
    assert len(shipped) >= 8  # code, fence, blockquote, hr, list, reference, html, headings...
    caplog.clear()
    parser().parse(source)
    assert [record.name for record in caplog.records] == []


def test_other_parsers_in_the_process_still_log(caplog: pytest.LogCaptureFixture) -> None:
    parser()
    caplog.set_level(logging.DEBUG, logger="markdown_it")
    configured().parse("text\n")
    assert any(record.name == f"{_BLOCK_LOGGERS}.paragraph" for record in caplog.records)
