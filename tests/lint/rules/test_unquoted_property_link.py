"""unquoted-property-link's fix end to end: the value quoted, all else kept, a link after."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import yaml

from vaultgraph.cli import main
from vaultgraph.lint.config import Config
from vaultgraph.lint.engine import run_rule
from vaultgraph.lint.fix import apply_fixes
from vaultgraph.lint.rules.unquoted_property_link import RULE, quoted
from vaultgraph.lint.runner import check_vault
from vaultgraph.model import LinkSyntax
from vaultgraph.vault import load_vault


def _fix(root: Path) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["check", str(root), "--fix", "--no-cache", "--select", RULE.name])


def _vault(root: Path, note: bytes) -> Path:
    (root / "B.md").write_bytes(b"# B\n")
    (root / "C.md").write_bytes(b"# C\n")
    (root / "A.md").write_bytes(note)
    return root / "A.md"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            b"---\r\nup: [[B]]   # parent\r\nrelated:\r\n    - [[C|shown]]\r\n---\r\nBody\r\n",
            b'---\r\nup: "[[B]]"   # parent\r\nrelated:\r\n    - "[[C|shown]]"\r\n---\r\nBody\r\n',
            id="crlf-comment-indent",
        ),
        pytest.param(
            b"\xef\xbb\xbf---\nsee: [[[B]], [[C#H]]]\n---\n",
            b'\xef\xbb\xbf---\nsee: ["[[B]]", "[[C#H]]"]\n---\n',
            id="bom-flow-list",
        ),
        pytest.param(
            b"---\nup: [[B]] and [[C]]  # two\ncover: ![[B]]\n---",
            b'---\nup: "[[B]] and [[C]]"  # two\ncover: "![[B]]"\n---',
            id="invalid-yaml-no-final-newline",
        ),
        pytest.param(
            b'---\nup: [[B]], "[[C]]" \\ end\n---\n',
            b'---\nup: "[[B]], \\"[[C]]\\" \\\\ end"\n---\n',
            id="escapes",
        ),
    ],
)
def test_the_fix_quotes_the_value_and_keeps_every_other_byte(
    tmp_path: Path, before: bytes, after: bytes
) -> None:
    note = _vault(tmp_path, before)
    assert _fix(tmp_path) == 0
    assert note.read_bytes() == after
    vault = load_vault(tmp_path, cache=False)
    assert run_rule(RULE, vault) == []
    assert not vault.notes["A.md"].problems


def test_the_unquoted_form_links_nowhere_and_the_fixed_one_is_a_property_link(
    tmp_path: Path,
) -> None:
    _vault(tmp_path, b"---\nup: [[B]]\n---\n")
    before = load_vault(tmp_path, cache=False)
    assert before.notes["A.md"].links == ()
    assert not before.graph.has_edge("A.md", "B.md")
    _fix(tmp_path)
    after = load_vault(tmp_path, cache=False)
    [link] = after.notes["A.md"].links
    assert (link.syntax, link.target, link.line, link.column) == (LinkSyntax.PROPERTY, "B", 2, 6)
    assert after.graph.has_edge("A.md", "B.md")


def test_a_value_that_runs_on_to_the_next_line_is_reported_but_not_fixed(tmp_path: Path) -> None:
    before = b"---\nup: [[B]] and\n  more\n---\n"
    note = _vault(tmp_path, before)
    [found] = run_rule(RULE, load_vault(tmp_path, cache=False))
    assert found.fix is None
    assert found.message.endswith("put the whole value in quotes")
    _fix(tmp_path)
    assert note.read_bytes() == before


def test_a_fix_is_not_applied_once_the_value_changed(tmp_path: Path) -> None:
    note = _vault(tmp_path, b"---\nup: [[B]]\n---\n")
    findings = check_vault(load_vault(tmp_path, cache=False), Config()).findings
    note.write_bytes(b"---\nup:  [[B]]\n---\n")  # the value moved one column on
    report = apply_fixes(tmp_path, findings, write=True)
    assert report.fixed == ()
    assert [e.reason for e in report.errors] == ["changed since it was checked; not fixed"]
    assert note.read_bytes() == b"---\nup:  [[B]]\n---\n"


@pytest.mark.parametrize(
    "text", ["[[B]]", "![[B|300]]", '[[B]] "quoted"', "[[B]] \\ back", "[[é 日本]]", "[[B]]\t#x"]
)
def test_quoted_reads_back_as_the_same_text(text: str) -> None:
    value = quoted(text)
    assert value is not None
    assert value.startswith('"')
    assert yaml.safe_load(f"up: {value}") == {"up": text}


def test_quoted_refuses_what_double_quotes_would_change() -> None:
    # NEL is a line break inside double quotes: YAML would fold it to a space.
    assert quoted("[[B]]\x85x") is None
