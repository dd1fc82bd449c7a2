"""Tests for applying findings' edits to notes on disk."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultgraph.lint.config import Config
from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.fix import FixReport, apply_fixes, remove_leftovers, split_text
from vaultgraph.lint.runner import check_vault
from vaultgraph.parse import parse_note
from vaultgraph.vault import load_vault


def _fix(line: int, column: int, end_column: int, replacement: str = "") -> Edit:
    return Edit(line, column, end_column, replacement)


def _delete(line: int) -> Edit:
    return Edit(line, 1, 1, delete_line=True)


def _finding(path: str, edit: Edit, code: str = "VG100") -> Finding:
    return Finding(path, edit.line, edit.column, code, "test-rule", Severity.ERROR, "test", edit)


def _run(root: Path, path: str, *edits: Edit, write: bool = True) -> FixReport:
    return apply_fixes(root, [_finding(path, e) for e in edits], write=write)


def _note(root: Path, name: str, data: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(b"- a\n- \n- b\n", b"- a\n- b\n", id="LF"),
        pytest.param(b"- a\r\n- \r\n- b\r\n", b"- a\r\n- b\r\n", id="CRLF"),
        pytest.param(b"- a\r- \r- b\r", b"- a\r- b\r", id="CR"),
        pytest.param(b"- a\r\n- \r- b\n", b"- a\r\n- b\n", id="mixed"),
        pytest.param(
            b"\xef\xbb\xbf- a\n- \n- b", b"\xef\xbb\xbf- a\n- b", id="BOM, no final newline"
        ),
        pytest.param(b"a\n\n1. [ ]   \n\nb  \n", b"a\n\n\nb  \n", id="task box, trailing spaces"),
    ],
)
def test_deleting_an_empty_bullet_removes_its_line_and_only_that(
    tmp_path: Path, before: bytes, after: bytes
) -> None:
    note = _note(tmp_path, "N.md", before)
    [line] = [i.line for i in parse_note("N.md", before.decode("utf-8-sig")).list_items if i.empty]
    report = _run(tmp_path, "N.md", _delete(line))
    assert note.read_bytes() == after
    assert report.changed == ("N.md",)
    assert len(report.fixed) == 1
    assert report.errors == ()


@pytest.mark.parametrize(
    ("before", "line", "after"),
    [
        pytest.param(b"- a\n- ", 2, b"- a\n", id="LF"),
        pytest.param(b"- a\r\n- \r\n", 2, b"- a\r\n", id="CRLF with final newline"),
        pytest.param(b"- ", 1, b"", id="only line"),
    ],
)
def test_deleting_the_last_line_keeps_the_line_before_as_it_was(
    tmp_path: Path, before: bytes, line: int, after: bytes
) -> None:
    note = _note(tmp_path, "N.md", before)
    _run(tmp_path, "N.md", _delete(line))
    assert note.read_bytes() == after


def test_a_link_is_rewritten_in_place_with_line_endings_and_frontmatter_untouched(
    tmp_path: Path,
) -> None:
    before = (
        b"---\r\ntags:   [a,  b]\r\naliases:\r\n  - x\r\n---\r\n"
        b"caf\xc3\xa9 \xf0\x9f\x98\x80 see [[AI]] here  \r\n"
        b"last"
    )
    note = _note(tmp_path, "sub/N.md", before)
    # Columns count code points: the emoji is one column, its four bytes stay as they are.
    report = _run(tmp_path, "sub/N.md", _fix(6, 12, 18, "[[Target|AI]]"))
    assert note.read_bytes() == before.replace(b"[[AI]]", b"[[Target|AI]]")
    assert report.changed == ("sub/N.md",)


def test_a_bom_stays_and_columns_on_line_one_start_after_it(tmp_path: Path) -> None:
    note = _note(tmp_path, "N.md", b"\xef\xbb\xbf[[AI]] x\n")
    _run(tmp_path, "N.md", _fix(1, 1, 7, "[[T|AI]]"))
    assert note.read_bytes() == b"\xef\xbb\xbf[[T|AI]] x\n"


def test_several_edits_in_one_file_and_on_one_line(tmp_path: Path) -> None:
    before = b"[[a]] and [[b]] and [[c]]\n\n- \n\nx | [[d|e]] |\n"
    note = _note(tmp_path, "N.md", before)
    before_table = b"| h | i |\n| - | - |\n| [[d|e]] | z |\n"
    table = _note(tmp_path, "T.md", before_table)
    findings = [
        _finding("N.md", _fix(1, 21, 26, "[[C|c]]")),
        _finding("N.md", _fix(1, 1, 6, "[[A|a]]")),
        _finding("N.md", _fix(1, 11, 16, "[[B|b]]")),
        _finding("N.md", _delete(3)),
        _finding("T.md", _fix(3, 6, 7, "\\|")),
    ]
    report = apply_fixes(tmp_path, findings, write=True)
    assert note.read_bytes() == b"[[A|a]] and [[B|b]] and [[C|c]]\n\n\nx | [[d|e]] |\n"
    assert table.read_bytes() == b"| h | i |\n| - | - |\n| [[d\\|e]] | z |\n"
    assert report.changed == ("N.md", "T.md")
    assert [(f.path, f.line, f.column) for f in report.fixed] == [
        ("N.md", 1, 1),
        ("N.md", 1, 11),
        ("N.md", 1, 21),
        ("N.md", 3, 1),
        ("T.md", 3, 6),
    ]


def test_of_two_overlapping_edits_the_first_applies_and_the_other_stays_reported(
    tmp_path: Path,
) -> None:
    note = _note(tmp_path, "T.md", b"| h |\n| - |\n| [[AI|x]] |\n")
    whole = _finding("T.md", _fix(3, 3, 11, "[[T|AI]]"), code="VG101")
    pipe = _finding("T.md", _fix(3, 7, 8, "\\|"), code="VG109")
    report = apply_fixes(tmp_path, [pipe, whole], write=True)
    assert note.read_bytes() == b"| h |\n| - |\n| [[T|AI]] |\n"
    assert report.fixed == (whole,)


def test_diff_without_write_shows_the_change_and_writes_nothing(tmp_path: Path) -> None:
    before = b"- a\r\n- \r\nsee [[AI]]"
    note = _note(tmp_path, "N.md", before)
    report = _run(tmp_path, "N.md", _delete(2), _fix(3, 5, 11, "[[T|AI]]"), write=False)
    assert note.read_bytes() == before
    assert report.changed == ("N.md",)
    assert report.diff == (
        "--- a/N.md\n"
        "+++ b/N.md\n"
        "@@ -1,3 +1,2 @@\n"
        " - a\n"
        "-- \n"
        "-see [[AI]]\n"
        "\\ No newline at end of file\n"
        "+see [[T|AI]]\n"
        "\\ No newline at end of file\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["N.md"]


def test_nothing_to_fix_is_an_empty_report(tmp_path: Path) -> None:
    _note(tmp_path, "N.md", b"- \n")
    unfixable = Finding("N.md", 1, 1, "VG102", "broken-embed", Severity.ERROR, "missing")
    assert apply_fixes(tmp_path, [unfixable], write=True) == FixReport("", (), (), ())


def test_a_file_changed_since_the_check_is_left_alone(tmp_path: Path) -> None:
    checked = "a\n\n- \n"
    note = _note(tmp_path, "N.md", b"new line\n" + checked.encode())
    report = _run(tmp_path, "N.md", _delete(3))
    # Line 3 is now the blank line before the bullet: it is not an empty list item.
    assert note.read_bytes() == b"new line\n" + checked.encode()
    assert report.fixed == ()
    assert report.changed == ()
    assert [(e.path, e.reason) for e in report.errors] == [
        ("N.md", "changed since it was checked; not fixed")
    ]


def test_a_line_that_holds_text_is_never_deleted(tmp_path: Path) -> None:
    note = _note(tmp_path, "N.md", b"- text\n")
    report = _run(tmp_path, "N.md", _delete(1))
    assert note.read_bytes() == b"- text\n"
    assert report.errors[0].path == "N.md"


def test_a_change_the_span_check_cannot_see_is_caught_by_the_notes(tmp_path: Path) -> None:
    checked = "see [[AI]] now\n"
    note = _note(tmp_path, "N.md", b"see [[Al]] now\n")
    edit = _fix(1, 5, 11, "[[T|AI]]")
    notes = {"N.md": parse_note("N.md", checked)}
    report = apply_fixes(tmp_path, [_finding("N.md", edit)], write=True, notes=notes)
    assert note.read_bytes() == b"see [[Al]] now\n"
    assert report.errors[0].reason == "changed since it was checked; not fixed"

    note.write_bytes(checked.encode())
    report = apply_fixes(tmp_path, [_finding("N.md", edit)], write=True, notes=notes)
    assert note.read_bytes() == b"see [[T|AI]] now\n"
    assert report.errors == ()


def test_an_edit_beyond_the_line_is_not_applied(tmp_path: Path) -> None:
    note = _note(tmp_path, "N.md", b"[[AI]]\n")
    report = _run(tmp_path, "N.md", _fix(1, 1, 40, "x"), _fix(9, 1, 1, "x"))
    assert note.read_bytes() == b"[[AI]]\n"
    assert report.fixed == ()
    assert len(report.errors) == 1


def test_files_that_cannot_be_read_or_decoded_are_errors(tmp_path: Path) -> None:
    _note(tmp_path, "Latin.md", b"caf\xe9 [[AI]]\n")
    report = apply_fixes(
        tmp_path,
        [_finding("Gone.md", _delete(1)), _finding("Latin.md", _fix(1, 6, 12, "x"))],
        write=True,
    )
    assert [e.path for e in report.errors] == ["Gone.md", "Latin.md"]
    assert report.errors[1].reason == "not UTF-8; not fixed"
    assert (tmp_path / "Latin.md").read_bytes() == b"caf\xe9 [[AI]]\n"


def test_permission_bits_are_kept(tmp_path: Path) -> None:
    note = _note(tmp_path, "N.md", b"- \nx\n")
    note.chmod(0o640)
    _run(tmp_path, "N.md", _delete(1))
    assert note.read_bytes() == b"x\n"
    assert stat.S_IMODE(note.stat().st_mode) == 0o640


def test_a_read_only_note_is_reported_and_left_alone(tmp_path: Path) -> None:
    note = _note(tmp_path, "N.md", b"- \nx\n")
    note.chmod(0o444)
    report = _run(tmp_path, "N.md", _delete(1))
    assert note.read_bytes() == b"- \nx\n"
    assert report.fixed == ()
    assert [(e.path, e.reason) for e in report.errors] == [("N.md", "read-only file; not fixed")]


def test_a_symlinked_note_is_fixed_where_it_lives(tmp_path: Path) -> None:
    real = _note(tmp_path, "real/N.md", b"- \nx\n")
    (tmp_path / "Link.md").symlink_to(real)
    _run(tmp_path, "Link.md", _delete(1))
    assert (tmp_path / "Link.md").is_symlink()
    assert real.read_bytes() == b"x\n"


def test_a_folder_that_cannot_be_written_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod cannot stop root, who runs many CI containers: refuse the temp file instead.
    def refuse(*args: Any, **kwargs: Any) -> IO[bytes]:
        raise PermissionError(errno.EACCES, "Permission denied")

    note = _note(tmp_path, "N.md", b"- \nx\n")
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    report = _run(tmp_path, "N.md", _delete(1))
    assert note.read_bytes() == b"- \nx\n"
    assert [(e.path, e.reason) for e in report.errors] == [
        ("N.md", "cannot write: Permission denied")
    ]
    assert report.changed == ()


def test_a_failed_rename_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(src: str, dst: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    note = _note(tmp_path, "N.md", b"- \nx\n")
    monkeypatch.setattr(os, "replace", fail)
    report = _run(tmp_path, "N.md", _delete(1))
    assert note.read_bytes() == b"- \nx\n"
    assert _leftovers(tmp_path) == []
    assert report.errors[0].reason == "cannot write: Invalid cross-device link"


def test_a_write_failing_half_way_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tempfile.NamedTemporaryFile
    seen: list[str] = []

    class DiskFull:
        def __init__(self, handle: IO[bytes]) -> None:
            self.handle, self.name = handle, handle.name
            seen.append(handle.name)

        def __enter__(self) -> DiskFull:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[:1])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    def open_temp(*args: Any, **kwargs: Any) -> DiskFull:
        return DiskFull(real(*args, **kwargs))

    note = _note(tmp_path, "N.md", b"- \nx\n")
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", open_temp)
    report = _run(tmp_path, "N.md", _delete(1))
    assert seen, "the temp file was never created"
    assert Path(seen[0]).parent == tmp_path
    assert note.read_bytes() == b"- \nx\n"
    assert _leftovers(tmp_path) == []
    assert report.errors[0].reason == "cannot write: No space left on device"


_BEFORE = (
    b"\xef\xbb\xbf---\r\ntags:  [x]\r\n---\r\n"
    b"- one\r\n- \r\n- two\r\n-\r\nNext  \r\n\r\n"
    b"See [[AI]] here.  \r\n\r\n"
    b"| a | b |\r\n| - | - |\r\n| [[AI]] | [[Artificial Intelligence|x]] |"
)
_AFTER = (
    b"\xef\xbb\xbf---\r\ntags:  [x]\r\n---\r\n"
    b"- one\r\n- two\r\n\r\nNext  \r\n\r\n"
    b"See [[Artificial Intelligence|AI]] here.  \r\n\r\n"
    b"| a | b |\r\n| - | - |\r\n"
    b"| [[Artificial Intelligence\\|AI]] | [[Artificial Intelligence\\|x]] |"
)


def test_the_rules_fixes_apply_once_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    _note(tmp_path, "Artificial Intelligence.md", b"---\naliases: [AI]\n---\n# AI\n")
    note = _note(tmp_path, "Notes.md", _BEFORE)
    vault = load_vault(tmp_path)
    first = check_vault(vault, Config()).findings
    report = apply_fixes(tmp_path, first, write=True, notes=vault.notes)
    assert note.read_bytes() == _AFTER
    assert sorted(f.rule for f in report.fixed) == [
        "broken-link",
        "broken-link",
        "empty-bullet",
        "empty-bullet",
        "table-pipe",
    ]

    vault = load_vault(tmp_path)
    second = check_vault(vault, Config()).findings
    assert second == ()
    assert apply_fixes(tmp_path, first, write=True, notes=vault.notes).fixed == ()
    assert note.read_bytes() == _AFTER


def test_emptying_an_empty_item_line_keeps_its_ending(tmp_path: Path) -> None:
    note = _note(tmp_path, "N.md", b"- one\r\n-  \r\nNext\r\n")
    _run(tmp_path, "N.md", _fix(2, 1, 4, ""))
    assert note.read_bytes() == b"- one\r\n\r\nNext\r\n"


# Text that markdown-it reads as plain paragraph text: no block markers, no inline syntax.
_PROSE = st.text(alphabet=st.sampled_from("abcXYZ019 .,;éß字😀\t"), min_size=0, max_size=12).map(
    lambda s: "w" + s
)
_ENDING = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def _notes_with_edits(draw: st.DrawFn) -> tuple[bytes, list[str], list[str], list[Edit]]:
    """A note as bytes, its lines and endings, and edits replacing some of its links."""
    lines: list[str] = []
    edits: list[Edit] = []
    for number in range(1, draw(st.integers(1, 8)) + 1):
        parts = [draw(_PROSE)]
        for _ in range(draw(st.integers(0, 3))):
            name = draw(st.text(alphabet="abcé字", min_size=1, max_size=5))
            column = len(" ".join(parts)) + 2
            parts.append(f"[[{name}]]")
            if draw(st.booleans()):
                replacement = draw(st.text(alphabet="xyz|\\[]é😀 ", max_size=8))
                edits.append(Edit(number, column, column + len(name) + 4, replacement))
            parts.append(draw(_PROSE))
        lines.append(" ".join(parts))
    endings = [draw(_ENDING) for _ in lines[:-1]] + [draw(st.sampled_from(["", "\n", "\r\n"]))]
    bom = draw(st.sampled_from(["", "\ufeff"]))
    text = bom + "".join(line + end for line, end in zip(lines, endings, strict=True))
    return text.encode("utf-8"), lines, endings, edits


@settings(max_examples=150, deadline=None)
@given(_notes_with_edits())
def test_every_line_no_edit_touches_stays_byte_identical(
    case: tuple[bytes, list[str], list[str], list[Edit]],
) -> None:
    data, lines, endings, edits = case
    with tempfile.TemporaryDirectory() as folder:
        note = _note(Path(folder), "N.md", data)
        report = _run(Path(folder), "N.md", *edits)
        after = note.read_bytes()
    assert len(report.fixed) == len(edits)
    assert after.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    new_lines = list(_raw_lines(after.removeprefix(b"\xef\xbb\xbf")))
    assert len(new_lines) == len(lines)
    edited = {e.line for e in edits}
    for number, (old, end, new) in enumerate(zip(lines, endings, new_lines, strict=True), 1):
        if number in edited:
            assert new.endswith(end.encode())
        else:
            assert new == (old + end).encode("utf-8")


def _raw_lines(data: bytes) -> Iterator[bytes]:
    start = 0
    for index in range(len(data)):
        byte = data[index : index + 1]
        ends = byte == b"\n" or (byte == b"\r" and data[index + 1 : index + 2] != b"\n")
        if ends:
            yield data[start : index + 1]
            start = index + 1
    if start < len(data):
        yield data[start:]


_JOINS = "fixing would join two lines (CR and LF line endings mixed); not fixed"


@pytest.mark.parametrize(
    "before",
    [
        # Deleting line 2 would leave "- x\r" then "\n": one CRLF, and "b" would join the list.
        pytest.param(b"- x\r-\n\nb\n", id="delete"),
        # Emptying line 2 (the next line is text) would do the same.
        pytest.param(b"- x\r-\nb\n", id="empty"),
    ],
)
def test_a_fix_that_would_join_two_lines_is_not_made(tmp_path: Path, before: bytes) -> None:
    note = _note(tmp_path, "N.md", before)
    vault = load_vault(tmp_path, cache=False)
    findings = check_vault(vault, Config()).findings
    assert [(f.rule, f.line) for f in findings] == [("empty-bullet", 2)]
    report = apply_fixes(tmp_path, findings, write=True, notes=vault.notes)
    assert note.read_bytes() == before
    assert report.fixed == ()
    assert [(e.path, e.reason) for e in report.errors] == [("N.md", _JOINS)]


def test_mixed_line_endings_alone_do_not_stop_a_fix(tmp_path: Path) -> None:
    note = _note(tmp_path, "N.md", b"- x\n-\n\nb\r\n- y\n- \n")
    vault = load_vault(tmp_path, cache=False)
    findings = check_vault(vault, Config()).findings
    report = apply_fixes(tmp_path, findings, write=True, notes=vault.notes)
    assert note.read_bytes() == b"- x\n\nb\r\n- y\n"
    assert len(report.fixed) == 2
    assert report.errors == ()


@pytest.mark.parametrize(
    "before",
    [
        # "[[AI]]" is a paragraph: the delimiter row below has two cells and it has one. Written
        # as [[Artificial Intelligence|AI]] it would have two and become the table's header.
        pytest.param(b"[[AI]]\n| - | - |\n", id="make"),
        # The header's bare pipe makes the three cells the delimiter row asks for: escaping it
        # would leave two, and no table.
        pytest.param(b"| [[AI|x]] | b |\n| - | - | - |\n", id="break"),
    ],
)
def test_a_fix_that_would_make_or_break_a_table_is_not_made(tmp_path: Path, before: bytes) -> None:
    _note(tmp_path, "Artificial Intelligence.md", b"---\naliases: [AI]\n---\n")
    note = _note(tmp_path, "N.md", before)
    vault = load_vault(tmp_path, cache=False)
    findings = check_vault(vault, Config()).findings
    assert "broken-link" in {f.rule for f in findings if f.fix is not None}
    report = apply_fixes(tmp_path, findings, write=True, notes=vault.notes)
    assert note.read_bytes() == before
    assert report.fixed == ()
    assert [(e.path, e.reason) for e in report.errors] == [
        ("N.md", "fixing would make or break a table; not fixed")
    ]


def test_a_note_with_nul_bytes_in_a_fence_is_fixed_and_keeps_them(tmp_path: Path) -> None:
    before = b"```pdf\n%PDF-1.4 \x00\x00\x01 stream\n```\n- \n- [[Note]]\n"
    note = _note(tmp_path, "Dump.md", before)
    _note(tmp_path, "Note.md", b"# Note\n")
    vault = load_vault(tmp_path)
    findings = check_vault(vault, Config()).findings
    assert [(f.rule, f.line) for f in findings] == [("empty-bullet", 4)]
    report = apply_fixes(tmp_path, findings, write=True, notes=vault.notes)
    assert report.errors == ()
    assert note.read_bytes() == b"```pdf\n%PDF-1.4 \x00\x00\x01 stream\n```\n- [[Note]]\n"


def test_a_binary_note_is_not_fixed(tmp_path: Path) -> None:
    data = b"- \n" + bytes(range(32)) * 4
    _note(tmp_path, "Bin.md", data)
    report = _run(tmp_path, "Bin.md", _delete(1))
    assert [e.reason for e in report.errors] == ["binary file (NUL byte at offset 3); not fixed"]
    assert (tmp_path / "Bin.md").read_bytes() == data


def _stopped_fix_leftover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    """The temporary file a fix leaves when it is killed between writing it and renaming it
    (the rename and the clean-up that follows a failure are stopped here)."""
    import vaultgraph.lint.fix as fix

    def killed(src: str, dst: str) -> None:
        raise OSError(errno.EINTR, "killed")

    with monkeypatch.context() as patch:
        patch.setattr(fix, "_remove", lambda path: None)
        patch.setattr(os, "replace", killed)
        assert _run(tmp_path, name, _delete(1)).errors
    (left,) = [p for p in (tmp_path / name).parent.iterdir() if p.name.endswith(".tmp")]
    return left


def test_remove_leftovers_removes_what_a_stopped_fix_left_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _note(tmp_path, "sub/N.md", b"- \nx\n")
    _note(tmp_path, "Other.md", b"text\n")
    _note(tmp_path, "img.png", b"\x89PNG")
    left = _stopped_fix_leftover(tmp_path, monkeypatch, "sub/N.md")
    assert left.name.startswith(".N.md.vaultgraph-")
    kept = {
        # The temporaries of other tools, or of files.write_atomically (exports), look so.
        "sub/.N.md.abcd1234.tmp": b"",
        "sub/.N.md.vaultgraph-abcd1234.tmp.bak": b"",
        "sub/.N.md.vaultgraph-ABCD1234.tmp": b"",
        "sub/.N.md.vaultgraph-abcd123.tmp": b"",
        # Named for a note that is not there, or for a file that is no note.
        "sub/.Gone.md.vaultgraph-abcd1234.tmp": b"",
        ".img.png.vaultgraph-abcd1234.tmp": b"",
        # In another folder than its note's.
        ".N.md.vaultgraph-abcd1234.tmp": b"",
    }
    for path, data in kept.items():
        _note(tmp_path, path, data)
    (tmp_path / "sub" / ".N.md.vaultgraph-link0000.tmp").symlink_to(tmp_path / "Other.md")
    (tmp_path / "sub" / ".N.md.vaultgraph-fold0000.tmp").mkdir()
    removed = remove_leftovers(tmp_path, ["sub/N.md", "Other.md"])
    assert removed == (f"sub/{left.name}",)
    assert not left.exists()
    assert all((tmp_path / path).exists() for path in kept)
    assert (tmp_path / "sub" / ".N.md.vaultgraph-link0000.tmp").is_symlink()
    assert (tmp_path / "Other.md").read_bytes() == b"text\n"
    assert (tmp_path / "sub" / ".N.md.vaultgraph-fold0000.tmp").is_dir()
    assert remove_leftovers(tmp_path, ["sub/N.md", "Other.md"]) == ()


def test_remove_leftovers_looks_beside_where_a_symlinked_note_lives(tmp_path: Path) -> None:
    _note(tmp_path, "real/Target.md", b"- \n")
    (tmp_path / "Link.md").symlink_to(tmp_path / "real" / "Target.md")
    _note(tmp_path, "real/.Target.md.vaultgraph-abcd1234.tmp", b"")
    assert remove_leftovers(tmp_path, ["Link.md"]) == ("real/.Target.md.vaultgraph-abcd1234.tmp",)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="no file owners on this system")
def test_remove_leftovers_leaves_a_file_of_another_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _note(tmp_path, "N.md", b"- \n")
    _note(tmp_path, ".N.md.vaultgraph-abcd1234.tmp", b"")
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(tmp_path).st_uid + 1)
    assert remove_leftovers(tmp_path, ["N.md"]) == ()
    assert (tmp_path / ".N.md.vaultgraph-abcd1234.tmp").exists()


@given(st.text(alphabet="ab\r\n\x85\u2028 ", max_size=40))
def test_split_text_cuts_lines_where_the_parser_does_and_keeps_every_byte(text: str) -> None:
    # Only \r\n, \r and \n end a line (as the parser counts them), whichever the note uses.
    data = text.encode("utf-8")
    split = split_text(data)
    assert split.encode() == data
    assert all("\r" not in line and "\n" not in line for line in split.lines)
    assert len(split.lines) == len(re.findall(r"\r\n|\r|\n", text)) + 1
    assert split.endings[-1] == ""
