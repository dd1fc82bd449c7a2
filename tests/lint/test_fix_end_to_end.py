"""`vaultgraph check --fix` end to end over arbitrary notes: a property test.

Each example writes a vault holding one generated note (random text mixed with what the fixable
rules repair: empty list items, `[[alias]]` links, bare pipes in table rows, unquoted property
links, and the code blocks, frontmatter, comments and quotes that decide whether they count) and
runs the real command on it.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultgraph.cli import main
from vaultgraph.lint.config import Config
from vaultgraph.lint.finding import Edit
from vaultgraph.lint.fix import FixReport, apply_fixes
from vaultgraph.lint.registry import RULES
from vaultgraph.lint.runner import check_vault
from vaultgraph.vault import load_vault

_BOM = b"\xef\xbb\xbf"
# The note [[AI]] names by alias: broken-link rewrites such links to [[Artificial Intelligence|AI]].
_OWNER = ("Artificial Intelligence.md", b"---\naliases: [AI]\n---\n# AI\n## Part\n")

_FRAGMENTS = (
    # empty-bullet
    "-",
    "- ",
    "*",
    "+ ",
    "1.",
    "2) ",
    "- [ ]",
    "- [x] ",
    "  -",
    "> -",
    "- -",
    "- item",
    # broken-link, fixed when the target is an alias
    "[[AI]]",
    "[[AI|shown]]",
    "[[AI#Part]]",
    "[[ai]]",
    "![[AI]]",
    "[AI](AI.md)",
    "[[Nowhere]]",
    "[[Artificial Intelligence]]",
    # table-pipe
    "| a | b |",
    "| - | - |",
    "| --- | --- |",
    "| [[AI|x]] | ![[img.png|300]] |",
    "| [[Other|y]] | [[AI\\|z]] |",
    "|",
    # unquoted-property-link, in frontmatter
    "up: [[Other]]",
    "up: [[AI]] and text",
    "  - [[AI|x]]",
    "cover: ![[img.png]]",
    'up: "[[AI]]"',
    # context that decides what counts
    "```",
    "~~~",
    "    ",
    "---",
    "aliases: [AI]",
    "tags: [x]",
    "%%",
    "<!--",
    "-->",
    "# Heading",
    "^id",
    "\\",
    "text",
)
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=15)
_PIECE = st.one_of(st.sampled_from(_FRAGMENTS), st.sampled_from(_FRAGMENTS), _TEXT)
_LINE = st.lists(_PIECE, min_size=0, max_size=3).map(" ".join)
_CELL = st.one_of(
    st.sampled_from(["[[AI|x]]", "![[img.png|300]]", "[[Other|y]]", "[[AI\\|z]]", "[[AI]]", ""]),
    _TEXT,
)
# A table: a header row, its delimiter row, then body rows, each line with its own cells.
_TABLE = st.tuples(
    st.sampled_from(["| a | b |", "a | b", "| a |"]),
    st.sampled_from(["| - | - |", "--- | ---", "| :-: |", "| - |"]),
    st.lists(st.lists(_CELL, min_size=1, max_size=3), min_size=1, max_size=3),
).map(lambda t: [t[0], t[1], *(f"| {' | '.join(cells)} |" for cells in t[2])])
# A list: items, some empty, some nested or quoted.
_LIST = st.lists(
    st.sampled_from(["- item", "-", "- ", "- [ ]", "* ", "1.", "  -", "  - [x]", "> -", "- - x"]),
    min_size=1,
    max_size=4,
)
_BLOCK = st.one_of(_LINE.map(lambda line: [line]), _TABLE, _LIST)
# Frontmatter, as often as not: properties whose links are quoted, unquoted, or YAML errors.
_PROPERTY = st.tuples(
    st.sampled_from(["up: ", "related: ", "  - ", "cover: ", "tags: ", "aliases: "]),
    st.sampled_from(
        ["[[AI]]", "[[Other|x]]", "![[img.png]]", "![[img.png|300]]", '"[[AI]]"', "x", ""]
    ),
    st.sampled_from(["", " # c", " and text", ", [[AI]]", "]"]),
).map("".join)
_FRONTMATTER: st.SearchStrategy[list[str]] = st.one_of(
    st.just([]),
    st.lists(st.one_of(_PROPERTY, _PROPERTY, _LINE), min_size=1, max_size=4).map(
        lambda lines: ["---", *lines, "---"]
    ),
)
_ENDING = st.sampled_from(["\n", "\n", "\r\n", "\r"])
_FIXABLE = sorted(rule.name for rule in RULES if rule.fixable)


@st.composite
def _notes(draw: st.DrawFn) -> bytes:
    blocks = draw(st.lists(_BLOCK, min_size=1, max_size=8))
    lines = [*draw(_FRONTMATTER), *(line for block in blocks for line in block)]
    endings = [draw(_ENDING) for _ in lines[:-1]] + [draw(st.sampled_from(["", "\n", "\r\n"]))]
    text = "".join(line + end for line, end in zip(lines, endings, strict=True))
    return draw(st.sampled_from([b"", _BOM])) + text.encode("utf-8")


def _lines(data: bytes) -> list[bytes]:
    """A file's lines with their own endings, cut where the parser cuts (CRLF, CR, LF)."""
    pieces = re.split(rb"(\r\n|\r|\n)", data)
    lines = [text + end for text, end in zip(pieces[0::2], [*pieces[1::2], b""], strict=True)]
    return lines if lines[-1] else lines[:-1]


def _frontmatter_lines(data: bytes) -> set[int]:
    """The line numbers of the note's frontmatter, fences included (none when it has none)."""
    lines = [line.rstrip(b"\r\n") for line in _lines(data.removeprefix(_BOM))]
    if not lines or lines[0] != b"---" or b"---" not in lines[1:]:
        return set()
    return set(range(1, lines.index(b"---", 1) + 2))


def _expected(data: bytes, edits: Sequence[Edit]) -> bytes:
    """``data`` with ``edits`` applied line by line: every other line kept byte for byte."""
    bom = _BOM if data.startswith(_BOM) else b""
    out: list[bytes] = []
    for number, line in enumerate(_lines(data[len(bom) :]), 1):
        mine = sorted((e for e in edits if e.line == number), key=lambda e: -e.column)
        if not mine:
            out.append(line)
            continue
        if any(e.delete_line for e in mine):
            assert len(mine) == 1, f"a deleted line {number} has other edits: {mine}"
            continue
        body = line.rstrip(b"\r\n")
        text = body.decode("utf-8")
        for edit in mine:
            text = text[: edit.column - 1] + edit.replacement + text[edit.end_column - 1 :]
        out.append(text.encode("utf-8") + line[len(body) :])
    return bom + b"".join(out)


def _check_fix(root: Path) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["check", str(root), "--fix", "--no-cache", "--format", "json"])


def test_the_generator_reaches_every_fixable_rule() -> None:
    # The property below is only as good as the constructs it mixes in.
    assert _FIXABLE == ["broken-link", "empty-bullet", "table-pipe", "unquoted-property-link"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / _OWNER[0]).write_bytes(_OWNER[1])
        frontmatter = ["---", "up: [[Other]]", "---"]
        table = ["| a | b |", "| - | - |", "| [[AI|x]] | y |"]
        note = "\n".join([*frontmatter, "- a", "- ", "[[AI]]", "", *table])
        (root / "N.md").write_text(note + "\n", encoding="utf-8")
        findings = check_vault(load_vault(root, cache=False), Config()).findings
    assert sorted({f.rule for f in findings if f.fix is not None}) == _FIXABLE


_REFUSALS = {
    "fixing would join two lines (CR and LF line endings mixed); not fixed",
    "fixing would make or break a table; not fixed",
}


def _plan(root: Path, *, write: bool = False) -> FixReport:
    """What one round of ``check --fix`` repairs (with ``write``) or would repair in the vault as
    it is now."""
    vault = load_vault(root, cache=False)
    return apply_fixes(root, check_vault(vault, Config()).findings, write=write, notes=vault.notes)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_notes())
def test_fix_changes_only_what_its_edits_cover_until_nothing_is_left_to_fix(data: bytes) -> None:
    """Fix round after round until a round changes nothing. Each round changes exactly what the
    edits it reports cover (every other line byte for byte, with its ending, and the BOM), no
    file is lost or left behind, and after the first round only the known leftovers (see the test
    below) remain. One ``check --fix`` runs those rounds and leaves the same bytes.
    """
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / _OWNER[0]).write_bytes(_OWNER[1])
        (root / "N.md").write_bytes(data)
        names = sorted(p.name for p in root.iterdir())
        rounds = 0
        # Rows whose bare "|" a run escaped: cells the bare pipe pushed out of the table are
        # parsed only now, and may hold links that need their own fix.
        revealed: set[int] = set()
        while True:
            note = (root / "N.md").read_bytes()
            planned = _plan(root)
            # The only files left alone are those whose fix would change more than its edits.
            assert {e.reason for e in planned.errors} <= _REFUSALS
            assert not (planned.errors and planned.fixed)
            if rounds:
                late = [
                    f for f in planned.fixed if f.rule != "empty-bullet" and f.line not in revealed
                ]
                assert late == [], planned.diff
            _plan(root, write=True)
            # No file lost, none added (no temp file left), the alias owner untouched.
            assert sorted(p.name for p in root.iterdir()) == names
            assert (root / _OWNER[0]).read_bytes() == _OWNER[1]
            edits = [f.fix for f in planned.fixed if f.fix is not None]
            after = (root / "N.md").read_bytes()
            assert after == _expected(note, edits)
            if after == note:
                assert planned.fixed == ()
                break
            rounds += 1
            assert rounds <= len(_lines(data)), "fixing never settles"
            deleted = [e.line for e in edits if e.delete_line]
            escaped = {e.line for e in edits if "\\|" in e.replacement}
            # A quoted property link is a link only now, and so is every other link in
            # frontmatter that YAML could not read before: broken-link may rewrite them next.
            quoted = set()
            if any(f.rule == "unquoted-property-link" for f in planned.fixed):
                quoted = _frontmatter_lines(after)
            revealed = {
                line - sum(d < line for d in deleted)
                for line in revealed | escaped | quoted
                if line not in deleted
            }
        settled = (root / "N.md").read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / _OWNER[0]).write_bytes(_OWNER[1])
        (root / "N.md").write_bytes(data)
        _check_fix(root)
        assert (root / "N.md").read_bytes() == settled


@pytest.mark.parametrize(
    "before",
    [
        # The nested empty item goes; its parent, empty now, is found only by the next check.
        pytest.param(b"- a\n-\n  -\n", id="parent-emptied-by-its-nested-item"),
        # The bare pipe pushes [[AI\|z]] out of the two-cell row, so it is no link until the
        # pipe is escaped; then the next check finds it.
        pytest.param(b"| a | b |\n| - | - |\n| [[AI|x]] | [[AI\\|z]] |\n", id="cell-behind-a-pipe"),
    ],
)
def test_one_fix_leaves_nothing_to_fix(tmp_path: Path, before: bytes) -> None:
    (tmp_path / _OWNER[0]).write_bytes(_OWNER[1])
    (tmp_path / "N.md").write_bytes(before)
    _check_fix(tmp_path)
    assert (tmp_path / "N.md").read_bytes() != before
    assert _plan(tmp_path).fixed == ()
