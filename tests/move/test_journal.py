"""The journal on disk: small, and each note's two versions rebuilt from the note as found."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from vaultgraph.move.journal import (
    Journal,
    JournalWrite,
    _differing,
    read_journal,
    save,
)
from vaultgraph.store import read_entry, write_entry

_OLD = b"# Note\n\n" + b"filler line\n" * 500 + b"See [[Hub]] here.\n" + b"more\n" * 300
_NEW = _OLD.replace(b"[[Hub]]", b"[[moved/Hub]]")


def _journal(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "vault"
    root.mkdir()
    file = tmp_path / "cache" / "movejournal-0123456789abcdef0123456789abcdef.pickle"
    file.parent.mkdir()
    writes = (JournalWrite("a/Note.md", "b/Note.md", _OLD, _NEW),)
    save(file, Journal(writes, (("a", "b"),), ("b",), git=False))
    return root, file


def test_a_journal_holds_only_what_differs(tmp_path: Path) -> None:
    _, file = _journal(tmp_path)
    assert file.stat().st_size < len(_OLD) / 10


def test_each_version_is_rebuilt_from_the_note_as_found(tmp_path: Path) -> None:
    root, file = _journal(tmp_path)
    for where, data in [("a/Note.md", _OLD), ("a/Note.md", _NEW), ("b/Note.md", _NEW)]:
        for stale in root.rglob("*.md"):
            stale.unlink()
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        (root / where).write_bytes(data)
        record = read_journal(file, root)
        assert isinstance(record, Journal)
        assert record.writes == (JournalWrite("a/Note.md", "b/Note.md", _OLD, _NEW),), where
        assert record.renames == (("a", "b"),)
        assert record.folders == ("b",)


def test_a_note_found_as_neither_version_is_said_so(tmp_path: Path) -> None:
    root, file = _journal(tmp_path)
    (root / "a").mkdir()
    (root / "a" / "Note.md").write_bytes(_NEW + b"edited since\n")
    record = read_journal(file, root)
    assert isinstance(record, Journal)
    assert record.writes == (JournalWrite("a/Note.md", "b/Note.md", None, None),)


def test_a_journal_of_the_version_before_is_still_read(tmp_path: Path) -> None:
    file = tmp_path / "movejournal-0123456789abcdef0123456789abcdef.pickle"
    entry = {
        "path": "N.md",
        "new_path": "M.md",
        "old": base64.b64encode(b"old").decode(),
        "new": base64.b64encode(b"new").decode(),
    }
    document = {"version": 1, "writes": [entry], "renames": [["N.md", "M.md"]], "folders": []}
    write_entry(file, json.dumps(document).encode())
    record = read_journal(file, tmp_path)
    assert isinstance(record, Journal)
    assert record.writes == (JournalWrite("N.md", "M.md", b"old", b"new"),)


def test_a_hostile_offset_is_refused(tmp_path: Path) -> None:
    root, file = _journal(tmp_path)
    body = read_entry(file)
    assert body is not None
    document = json.loads(body)
    for bad in (-1, True, "3", 2.5):
        document["writes"][0]["at"] = bad
        write_entry(file, json.dumps(document).encode())
        assert read_journal(file, root) == "a journal that cannot be read", bad


@given(st.binary(max_size=60), st.binary(max_size=60))
def test_what_differs_is_the_least_stretch(old: bytes, new: bytes) -> None:
    at, end = _differing(old, new)
    assert at + end <= min(len(old), len(new))
    assert old[:at] == new[:at]
    assert old[len(old) - end :] == new[len(new) - end :]
    assert at == min(len(old), len(new)) or old[at] != new[at]
    left = min(len(old), len(new)) - at
    assert end == left or old[len(old) - end - 1] != new[len(new) - end - 1]
