"""Suppression comments: which comments are directives, and which findings they cover."""

from __future__ import annotations

import pytest

from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.suppress import Directive, Scope, covers, directives
from vaultgraph.model import Comment
from vaultgraph.parse import parse_note


def comment(text: str, line: int = 3, end_line: int | None = None) -> Comment:
    return Comment(text, line, 1, line if end_line is None else end_line)


def finding(line: int, code: str = "VG101") -> Finding:
    return Finding("a.md", line, 1, code, "broken-link", Severity.ERROR, "broken link [[x]]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "vaultgraph-disable-next-line broken-link",
            Directive(Scope.NEXT_LINE, 3, 4, ("broken-link",)),
        ),
        ("vaultgraph-disable-next-line", Directive(Scope.NEXT_LINE, 3, 4, ())),
        ("vaultgraph-disable", Directive(Scope.FILE, 3, None, ())),
        (
            "vaultgraph-disable VG101, empty-bullet table-pipe",
            Directive(Scope.FILE, 3, None, ("VG101", "empty-bullet", "table-pipe")),
        ),
        (
            "vaultgraph-disable-next-line VG102,VG103 -- the image is added by CI",
            Directive(Scope.NEXT_LINE, 3, 4, ("VG102", "VG103")),
        ),
        (
            "vaultgraph-disable -- generated file",
            Directive(Scope.FILE, 3, None, ()),
        ),
    ],
)
def test_directives_are_read(text: str, expected: Directive) -> None:
    assert directives([comment(text)]) == (expected,)


@pytest.mark.parametrize(
    "text",
    [
        "a note to self",
        "vaultgraph-disabled",  # not the directive, a longer word
        "vaultgraph-enable broken-link",
        "see vaultgraph-disable for details",  # the directive must open the comment
        "vaultgraph-disable-next-lines",
    ],
)
def test_other_comments_are_not_directives(text: str) -> None:
    assert directives([comment(text)]) == ()


def test_next_line_is_the_line_after_the_comment_ends() -> None:
    (directive,) = directives([comment("vaultgraph-disable-next-line", line=3, end_line=5)])
    assert directive.target == 6
    assert covers(directive, finding(6), set())
    assert not covers(directive, finding(5), set())
    assert not covers(directive, finding(7), set())


def test_rules_narrow_what_is_covered() -> None:
    (directive,) = directives([comment("vaultgraph-disable broken-link")])
    assert covers(directive, finding(40, "VG101"), {"VG101"})
    assert not covers(directive, finding(40, "VG201"), {"VG101"})


def test_a_directive_naming_only_unknown_rules_covers_nothing() -> None:
    (directive,) = directives([comment("vaultgraph-disable no-such-rule")])
    assert not covers(directive, finding(1), set())


def test_file_directive_covers_lines_before_it() -> None:
    (directive,) = directives([comment("vaultgraph-disable", line=50)])
    assert covers(directive, finding(1), set())


NOTE = """\
# Title

<!-- vaultgraph-disable-next-line broken-link -->
See [[Missing]].
%% vaultgraph-disable-next-line VG102 %%
![[missing.png]]
<!--
  vaultgraph-disable-next-line
-->
[[Gone]]
%%vaultgraph-disable empty-bullet%%
"""


def test_both_comment_forms_from_a_parsed_note() -> None:
    found = directives(parse_note("a.md", NOTE).comments)
    assert found == (
        Directive(Scope.NEXT_LINE, 3, 4, ("broken-link",)),
        Directive(Scope.NEXT_LINE, 5, 6, ("VG102",)),
        Directive(Scope.NEXT_LINE, 7, 10, ()),
        Directive(Scope.FILE, 11, None, ("empty-bullet",)),
    )


def test_a_directive_in_a_code_block_is_not_one() -> None:
    text = "```\n<!-- vaultgraph-disable -->\n```\n\n    %% vaultgraph-disable %%\n"
    assert directives(parse_note("a.md", text).comments) == ()
