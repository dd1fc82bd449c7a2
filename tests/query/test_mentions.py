"""Plain-text mentions from the token stream: prose only, with lines and columns."""

from __future__ import annotations

import unicodedata

import pytest

from vaultgraph.query.mentions import find_names, name_key, names_pattern


def found(text: str, *names: str) -> list[tuple[str, int, int | None]]:
    pattern = names_pattern(names)
    assert pattern is not None
    return [(m.matched, m.line, m.column) for m in find_names(text, pattern)]


def test_prose_only_never_code_links_tags_comments_or_frontmatter() -> None:
    text = (
        "---\n"
        "title: Docker\n"
        "---\n"
        "Docker is here.\n"
        "`Docker` in a code span\n"
        "```\n"
        "Docker in a fence\n"
        "```\n"
        "    Docker in an indented code block\n"
        "\n"
        "[[Docker]] ![[Docker]] [Docker](Docker.md) ![Docker](d.png) %% Docker %% #Docker\n"
        "<!-- Docker -->\n"
        "\n"
        "<div>Docker in HTML</div>\n"
        "\n"
        "Dockerfile and DOCKERS are other words; docker.\n"
    )
    assert found(text, "Docker") == [("Docker", 4, 1), ("docker", 16, 41)]


def test_lines_and_columns_in_paragraphs_lists_quotes_and_headings() -> None:
    text = "# About Docker\n\nfirst line\nsecond Docker\n\n- item with Docker\n> quoted Docker\n"
    assert found(text, "Docker") == [
        ("Docker", 1, 9),
        ("Docker", 4, 8),
        ("Docker", 6, 13),
        ("Docker", 7, 10),
    ]


def test_columns_after_links_code_spans_and_tags_on_the_same_line() -> None:
    text = "`x` Docker `Docker` Docker [Docker](Docker.md) Docker #tag Docker [[Docker]] Docker\n"
    assert [column for _, _, column in found(text, "Docker")] == [5, 21, 48, 60, 78]


def test_table_cells() -> None:
    text = "| a | b |\n| --- | --- |\n| x | see Docker |\n| [[Docker]] | Docker |\n"
    assert found(text, "Docker") == [("Docker", 3, 11), ("Docker", 4, 16)]


def test_several_names_longest_first() -> None:
    text = "Amazon ECS and ECS and Elastic Container Service.\n"
    matches = found(text, "ECS", "Amazon ECS", "Elastic Container Service")
    assert matches == [
        ("Amazon ECS", 1, 1),
        ("ECS", 1, 16),
        ("Elastic Container Service", 1, 24),
    ]


def test_a_name_may_break_across_lines() -> None:
    assert found("We use Amazon\nECS daily.\n", "Amazon ECS") == [("Amazon\nECS", 1, 8)]


def test_escapes_and_entities_keep_the_columns_exact() -> None:
    text = "a \\* b\nnext \\* Docker &amp; Docker\n"
    assert found(text, "Docker") == [("Docker", 2, 9), ("Docker", 2, 22)]


def test_reference_links_are_links() -> None:
    text = "See [Docker][ref] and [Docker].\n\n[ref]: Docker.md\n[Docker]: Docker.md\n"
    assert found(text, "Docker") == []


def test_case_and_unicode_forms_do_not_matter() -> None:
    nfd = unicodedata.normalize("NFD", "Café Crème")
    matches = found(f"Try the CAFÉ CRÈME or the {nfd}.\n", "Café Crème")
    assert [(line, column) for _, line, column in matches] == [(1, 9), (1, 27)]
    assert {name_key(matched) for matched, _, _ in matches} == {name_key("café crème")}


@pytest.mark.parametrize("names", [(), ("",), ("  ",)])
def test_no_names_no_pattern(names: tuple[str, ...]) -> None:
    assert names_pattern(names) is None


def test_regex_characters_in_names_are_literal() -> None:
    assert found("C++ (and C) is not Cx+.\n", "C++", "(and C)") == [
        ("C++", 1, 1),
        ("(and C)", 1, 5),
    ]


def test_math_and_footnote_labels_are_not_prose_but_footnote_text_is() -> None:
    text = (
        "$Docker$ and Docker, $$Docker$$ Docker\n\n$$\nDocker\n$$\n\n"
        "See[^Docker] here.\n\n[^Docker]: Docker docs"
    )
    assert found(text, "Docker") == [("Docker", 1, 14), ("Docker", 1, 33), ("Docker", 9, 12)]
