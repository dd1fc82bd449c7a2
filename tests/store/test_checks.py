"""The check memo's file: what is written is read back, its layout is fixed, and nothing is
decoded for another vault or configuration, nor from a damaged file."""

from __future__ import annotations

import ast
import hashlib
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import vaultgraph.store.checks
from vaultgraph.files import SkippedPath, VaultFiles
from vaultgraph.packing import dump_plain
from vaultgraph.store.checks import (
    FORMAT,
    MAGIC,
    MAX_CONFIGURATIONS,
    CheckKey,
    Memo,
    NoteRecord,
    app_json_of,
    memo_key,
    read_memo,
    write_memo,
)

KEY = CheckKey(b"v" * 16, b"c" * 16)
OTHERS = ((b"o" * 16, b"the hook's body."), (b"p" * 16, b"another body."))
TRAILER = b"\x00vaultgraph-memos"


def _record(path: str) -> NoteRecord:
    edit = (3, 1, 9, "[[Guide]]", False)
    finding = (path, 3, 1, "VG101", "broken-link", "error", "no note 'Guid'", edit)
    return NoteRecord(
        12,
        1_600_000_000_000_000_000,
        b"\x01" * 32,
        False,
        (finding,),
        (f"{path}:2: unknown rule 'not-a-rule'",),
        ("Centre",),
        frozenset({"Guide.md"}),
        True,
    )


def _memo(others: tuple[tuple[bytes, bytes], ...] = OTHERS) -> Memo:
    return Memo(
        KEY,
        others,
        VaultFiles(("Binary.md", "Hub.md"), ("img/pic.png",), (SkippedPath(".git", "hidden"),)),
        {"Binary.md": "not UTF-8"},
        {"Binary.md": _record("Binary.md")._replace(findings=()), "Hub.md": _record("Hub.md")},
        ("broken-link", "orphan-note"),
        ("a warning of no note",),
        {"Guid": (("Guide.md", None), ("Hub.md", "Centre"))},
    )


def _layout(memo: Memo) -> bytes:
    """The file of format 6 for ``memo``, spelled out byte by byte as it has been written since
    that format: independent of the code under test, so that files written before and after any
    change of it read the same."""
    records = {path: tuple(record) for path, record in memo.records.items()}
    files = memo.files
    body = dump_plain(
        (
            (files.notes, files.attachments, tuple((s.path, s.reason) for s in files.skipped)),
            dict(memo.unreadable),
            records,
            memo.checked,
            memo.vault_warnings,
            dict(memo.suggestions),
        )
    )
    rest = body + b"".join(b for _, b in memo.others)
    if memo.others:
        rest += b"".join(k + len(b).to_bytes(4, "big") for k, b in memo.others)
        rest += len(memo.others).to_bytes(1, "big") + TRAILER
    crc = zlib.crc32(rest).to_bytes(4, "big")
    return b"vaultgraph-check\x00\x06" + memo.key.vault + memo.key.config + crc + rest


@pytest.fixture
def file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "check-test.pickle"


@pytest.mark.parametrize("others", [OTHERS, ()], ids=["with others", "alone"])
def test_a_memo_written_is_read_back(file: Path, others: tuple[tuple[bytes, bytes], ...]) -> None:
    memo = _memo(others)
    write_memo(file, memo)
    assert read_memo(file, KEY) == (memo, others)


@pytest.mark.parametrize("others", [OTHERS, ()], ids=["with others", "alone"])
def test_the_layout_is_that_of_format_6_both_ways(
    file: Path, others: tuple[tuple[bytes, bytes], ...]
) -> None:
    assert FORMAT == 6
    assert MAGIC == b"vaultgraph-check\x00\x06"
    memo = _memo(others)
    write_memo(file, memo)
    assert file.read_bytes() == _layout(memo), "written as before"
    file.write_bytes(_layout(memo))
    assert read_memo(file, KEY) == (memo, others), "what was written before is read"


def test_the_others_are_kept_as_read_the_oldest_dropped(file: Path) -> None:
    many = tuple((bytes([n]) * 16, b"body %d." % n) for n in range(MAX_CONFIGURATIONS + 1))
    write_memo(file, _memo(((KEY.config, b"a stale copy of its own."), *many)))
    memo, others = read_memo(file, KEY)
    assert memo is not None
    assert others == many[: MAX_CONFIGURATIONS - 1]


# The rest of a file of three memos (two others, see OTHERS): its own body, the others' bodies,
# two table rows of 20 bytes (key, length), the count and the trailer (17 bytes).
DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "a table row short": lambda rest: rest[:-30] + rest[-20:],
    "more memos than a file holds": lambda rest: rest[:-18] + b"\x09" + rest[-17:],
    "none": lambda rest: rest[:-18] + b"\x00" + rest[-17:],
    "a body longer than the file": lambda rest: rest[:-22] + b"\x7f\xff\xff\xff" + rest[-18:],
    "the bodies gone": lambda rest: rest[-59:],
    "nothing but the trailer": lambda rest: TRAILER,
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_table_gives_nothing(
    file: Path,
    damage: Callable[[bytes], bytes],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    write_memo(file, _memo())
    header = len(MAGIC) + 36
    data = file.read_bytes()
    rest = damage(data[header:])
    file.write_bytes(data[: header - 4] + zlib.crc32(rest).to_bytes(4, "big") + rest)
    decoded = _decoded(monkeypatch)
    with caplog.at_level("DEBUG", logger="vaultgraph"):
        assert read_memo(file, KEY) == (None, ())
    assert "has a damaged table" in caplog.text
    assert not decoded


def _decoded(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bodies read_memo decodes from now on (each then fails as damaged would)."""
    decoded: list[bytes] = []

    def refuse(data: bytes) -> object:
        decoded.append(data)
        raise AssertionError("a body was decoded")

    monkeypatch.setattr(vaultgraph.store.checks, "load_plain", refuse)
    return decoded


def test_a_file_for_another_vault_is_not_decoded(
    file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_memo(file, _memo())
    decoded = _decoded(monkeypatch)
    assert read_memo(file, KEY._replace(vault=b"w" * 16)) == (None, ())
    assert not decoded


def test_another_configurations_memo_is_carried_not_decoded(
    file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_memo(file, _memo())
    body = file.read_bytes()[len(MAGIC) + 36 :].split(OTHERS[0][1])[0]
    decoded = _decoded(monkeypatch)
    memo, others = read_memo(file, KEY._replace(config=b"d" * 16))
    assert memo is None
    assert others == ((KEY.config, body), *OTHERS), "the memo written last first, then as read"
    assert not decoded
    memo, _ = read_memo(file, KEY._replace(config=OTHERS[0][0]))
    assert memo is None
    assert decoded == [OTHERS[0][1]], "only the body of the configuration asked for"


def test_a_damaged_or_missing_file_gives_nothing(file: Path) -> None:
    assert read_memo(file, KEY) == (None, ())
    write_memo(file, _memo())
    file.write_bytes(file.read_bytes()[:-1])
    assert read_memo(file, KEY) == (None, ())


def test_a_body_that_is_not_a_memo_gives_none_with_the_others(file: Path) -> None:
    other = KEY._replace(config=b"d" * 16)
    wrong = ((KEY.config, dump_plain((1, 2))),)  # plain data, not a memo's
    write_memo(file, replace(_memo(), key=other, others=wrong))
    memo, others = read_memo(file, KEY)
    assert memo is None
    assert [k for k, _ in others] == [other.config]
    assert read_memo(file, other) == (replace(_memo(), key=other, others=wrong), wrong)


def test_a_memo_that_cannot_be_written_does_not_raise(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    write_memo(blocker / "check-test.pickle", _memo())
    unpicklable = replace(_memo(), checked=(lambda: None,))  # type: ignore[arg-type]
    write_memo(tmp_path / "cache" / "check-test.pickle", unpicklable)
    assert not (tmp_path / "cache" / "check-test.pickle").exists()


def test_the_key_halves(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (tmp_path / "link").symlink_to(vault)
    missing = app_json_of(vault)
    assert isinstance(missing, OSError)
    key = memo_key(vault, b"Config(...)", missing)
    assert key.config == hashlib.blake2b(b"Config(...)", digest_size=16).digest()
    assert memo_key(tmp_path / "link", b"Config(...)", missing) == key, "one folder, one key"
    assert memo_key(vault, b"Config(other)", missing).vault == key.vault
    (vault / ".obsidian" / "app.json").write_text('{"userIgnoreFilters": ["x/"]}')
    settings = app_json_of(vault)
    assert settings == b'{"userIgnoreFilters": ["x/"]}'
    assert memo_key(vault, b"Config(...)", settings).vault != key.vault
    assert memo_key(tmp_path, b"Config(...)", missing).vault != key.vault


def test_the_store_imports_nothing_from_lint() -> None:
    """The store is below the rules: it takes a configuration's bytes, never a Config."""
    package = Path(vaultgraph.store.checks.__file__).parent
    for module in sorted(package.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = [
            name
            for node in ast.walk(tree)
            for name in (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
        ]
        assert not [name for name in imported if name.startswith("vaultgraph.lint")], module
