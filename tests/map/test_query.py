"""Obsidian's graph search queries: what parses, what matches, what is refused."""

from __future__ import annotations

import pytest

from vaultgraph.map.query import Query, QueryError, Term, matches, parse_query

PARSED = [
    ("path:Concepts", ((Term("path", "concepts"),),)),
    ("tag:#aws", ((Term("tag", "aws"),),)),
    ("tag:aws/ecs", ((Term("tag", "aws/ecs"),),)),
    ("file:Docker -path:Archive", ((Term("file", "docker"), Term("path", "archive", True)),)),
    ("path:A OR tag:#b", ((Term("path", "a"),), (Term("tag", "b"),))),
    ('path:"My Notes/Deep"', ((Term("path", "my notes/deep"),),)),
    ("", ()),
    ("   ", ()),
]


@pytest.mark.parametrize(("text", "alternatives"), PARSED)
def test_parses(text: str, alternatives: tuple[tuple[Term, ...], ...]) -> None:
    assert parse_query(text) == Query(text, alternatives)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("kernel", "searches the notes' text"),
        ("content:kernel", "content: is not supported"),
        ("(path:a OR path:b)", "parentheses"),
        ("path:a OR", "nothing after"),
        ("OR path:a", "nothing before"),
        ('path:"open', "never closed"),
        ("tag:#", "no value"),
        ("x" * 1001, "longer than"),
    ],
)
def test_refuses_what_it_cannot_honour(text: str, reason: str) -> None:
    with pytest.raises(QueryError, match=reason):
        parse_query(text)


MATCHES = [
    ("path:concepts", "Concepts/Docker.md", (), True),
    ("path:Concepts/Deep", "Concepts/Docker.md", (), False),
    ("file:docker", "Concepts/Docker.md", (), True),
    ("file:Concepts", "Concepts/Docker.md", (), False),  # the folder is not the file's name
    ("file:.png", "img/diagram.png", (), True),
    ("tag:#aws", "ECS.md", ("aws/ecs",), True),  # a nested tag belongs to its parent
    ("tag:#aws", "ECS.md", ("awsome",), False),
    ("tag:#aws/ecs", "ECS.md", ("aws",), False),
    ("path:Concepts -file:Docker", "Concepts/Docker.md", (), False),
    ("path:Concepts -file:Docker", "Concepts/Containers.md", (), True),
    ("path:AWS OR tag:#tech", "Concepts/Containers.md", ("tech",), True),
    ("path:AWS OR tag:#tech", "Concepts/Docker.md", (), False),
    ("", "Anything.md", (), True),
]


@pytest.mark.parametrize(("text", "path", "tags", "expected"), MATCHES)
def test_matches(text: str, path: str, tags: tuple[str, ...], expected: bool) -> None:
    assert matches(parse_query(text), path, tags) is expected
