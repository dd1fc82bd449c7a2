"""The parsed-notes cache and parallel parsing: same results as a plain run, whatever happens."""

from __future__ import annotations

import io
import os
import pickle
import pickletools
import shlex
import shutil
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import vaultgraph.reading
import vaultgraph.store.checks
import vaultgraph.store.notes
from tests.vaults import write_vault
from vaultgraph.cli import main, progress_bar
from vaultgraph.files import ReadFailure
from vaultgraph.lint.config import Config
from vaultgraph.lint.runner import check_vault
from vaultgraph.model import LinkKind, Note
from vaultgraph.packing import (
    dump_plain,
    dump_results,
    load_plain,
    load_results,
    pack_results,
    unpack_results,
)
from vaultgraph.parse import parse_note
from vaultgraph.store import CACHE_DIR_ENV, Entry, NoteCache, cache_dir, cache_file, read_entry
from vaultgraph.vault import Vault, load_vault

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures"
SAMPLE_VAULT = TESTS.parent / "sample_vault"
OLD = 1_600_000_000  # 2020: a stamp far from any run's racy window


@pytest.fixture
def rich_vault(tmp_path: Path) -> Path:
    """Every construct the fixtures hold: the sample vault, the basic vault, every rule case's
    vault (unreadable notes, bad frontmatter, tables, ambiguous links) and the parser fixtures."""
    root = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, root)
    shutil.copytree(FIXTURES / "vaults" / "basic", root / "basic")
    for case in sorted((FIXTURES / "rules").glob("*/*/vault")):
        shutil.copytree(case, root / "rules" / case.parent.parent.name / case.parent.name)
    shutil.copytree(FIXTURES / "parse", root / "parse")
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths parsed in this process, in order."""
    parsed: list[str] = []

    def counting(path: str, text: str) -> Note:
        parsed.append(path)
        return parse_note(path, text)

    monkeypatch.setattr(vaultgraph.reading, "parse_note", counting)
    return parsed


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths read in this process, in order."""
    read: list[str] = []
    original = vaultgraph.reading._read

    def counting(root: str, relpath: str, known: bytes | None, hashing: bool) -> Any:
        read.append(relpath)
        return original(root, relpath, known, hashing)

    monkeypatch.setattr(vaultgraph.reading, "_read", counting)
    return read


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vaultgraph.reading, "PARALLEL_MIN", 0)


Snapshot = tuple[Any, ...]


def snapshot(vault: Vault) -> Snapshot:
    """Everything a run produces, in the order it produces it."""
    return (
        list(vault.notes.items()),
        dict(vault.unreadable),
        vault.attachments,
        vault.links,
        nx.node_link_data(vault.graph, edges="links"),
        check_vault(vault, Config()).findings,
    )


def age(root: Path) -> None:
    """Give every file an old stamp, as files not edited since the last run have."""
    for path in root.rglob("*"):
        os.utime(path, (OLD, OLD))


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("vault-*.pickle")) if folder.exists() else []


def test_cached_parallel_and_plain_runs_give_the_same_results(
    rich_vault: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    plain = load_vault(rich_vault, cache=False, jobs=1)
    assert plain.unreadable, "the fixture should hold unreadable notes"
    assert len(plain.notes) > 40
    expected = snapshot(plain)
    parses.clear()

    cold = load_vault(rich_vault, cache=cache, jobs=1)
    assert len(parses) == len(plain.notes)
    warm = load_vault(rich_vault, cache=cache, jobs=1)
    assert len(parses) == len(plain.notes), "a warm run parses nothing"
    touched = rich_vault / "AWS.md"
    os.utime(touched, (time.time() + 5, time.time() + 5))
    after_touch = load_vault(rich_vault, cache=cache, jobs=1)
    assert len(parses) == len(plain.notes), "a touched note hashes as before: not parsed"

    monkeypatch.setattr(vaultgraph.reading, "PARALLEL_MIN", 0)
    parallel = load_vault(rich_vault, cache=False, jobs=2)
    parallel_cold = load_vault(rich_vault, cache=cache / "other", jobs=2)
    assert len(parses) == len(plain.notes), "parallel runs parse in the workers"
    warm_from_parallel = load_vault(rich_vault, cache=cache / "other", jobs=1)
    assert len(parses) == len(plain.notes)

    for run in (cold, warm, after_touch, parallel, parallel_cold, warm_from_parallel):
        assert snapshot(run) == expected


def test_warm_run_reads_no_note_with_an_old_stamp(
    rich_vault: Path, cache: Path, reads: list[str]
) -> None:
    age(rich_vault)
    load_vault(rich_vault, cache=cache, jobs=1)
    read_cold = len(reads)
    assert read_cold > 40
    load_vault(rich_vault, cache=cache, jobs=1)
    assert len(reads) == read_cold


def test_a_changed_note_is_parsed_again(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": "# B\n"})
    age(root)
    load_vault(root, cache=cache)
    (root / "b.md").write_text("# C\n", encoding="utf-8")  # same size, new stamp
    parses.clear()
    vault = load_vault(root, cache=cache)
    assert parses == ["b.md"]
    assert [h.text for h in vault.notes["b.md"].headings] == ["C"]


def test_a_same_size_edit_just_after_a_run_is_seen_despite_a_restored_stamp(
    tmp_path: Path, cache: Path
) -> None:
    # Within the racy window the stamp is not trusted; older stamps are (as git does).
    root = write_vault(tmp_path / "v", {"b.md": "# B\n"})
    load_vault(root, cache=cache)
    stamp = (root / "b.md").stat()
    (root / "b.md").write_text("# C\n", encoding="utf-8")
    os.utime(root / "b.md", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    vault = load_vault(root, cache=cache)
    assert [h.text for h in vault.notes["b.md"].headings] == ["C"]


def test_deleted_and_new_notes(tmp_path: Path, cache: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]] [[c]]\n", "b.md": ""})
    load_vault(root, cache=cache)
    (root / "b.md").unlink()
    write_vault(root, {"c.md": "# C\n"})
    vault = load_vault(root, cache=cache)
    assert list(vault.notes) == ["a.md", "c.md"]
    assert [link.resolved for link in vault.links] == [None, "c.md"]
    assert snapshot(vault) == snapshot(load_vault(root, cache=False))


def test_a_note_made_unreadable_and_back(tmp_path: Path, cache: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "# A\n"})
    load_vault(root, cache=cache)
    (root / "a.md").write_bytes(b"# Caf\xe9\n")
    assert load_vault(root, cache=cache).unreadable == {"a.md": "not UTF-8 (byte 0xe9 at offset 5)"}
    assert load_vault(root, cache=cache).unreadable == {"a.md": "not UTF-8 (byte 0xe9 at offset 5)"}
    (root / "a.md").write_text("# Café\n", encoding="utf-8")
    vault = load_vault(root, cache=cache)
    assert vault.unreadable == {}
    assert [h.text for h in vault.notes["a.md"].headings] == ["Café"]


def test_a_warm_run_writes_nothing(tmp_path: Path, cache: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n"})
    age(root)
    load_vault(root, cache=cache)
    (file,) = cache_files(cache)
    os.utime(file, (OLD, OLD))
    load_vault(root, cache=cache)
    assert file.stat().st_mtime == OLD


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Segments of about four notes; returns the sizes of the segments encoded anew."""
    encoded: list[int] = []
    original = dump_results

    def counting(results: list[Note | ReadFailure | None]) -> bytes:
        encoded.append(len(results))
        return original(results)

    monkeypatch.setattr(vaultgraph.store.notes, "_SEGMENT_NOTES", 4)
    monkeypatch.setattr(vaultgraph.store.notes, "dump_results", counting)
    return encoded


def test_an_edit_encodes_its_segment_only(
    tmp_path: Path, cache: Path, small_segments: list[int], parses: list[str]
) -> None:
    notes = {f"n{i:02}.md": f"# N{i}\n[[n{(i + 1) % 20:02}]]\n" for i in range(20)}
    root = write_vault(tmp_path / "v", notes)
    age(root)
    load_vault(root, cache=cache)
    assert len(small_segments) == 4
    assert sum(small_segments) == 20
    small_segments.clear()
    (root / "n07.md").write_text("# Seven\n", encoding="utf-8")
    parses.clear()
    vault = load_vault(root, cache=cache)
    assert parses == ["n07.md"]
    assert len(small_segments) == 1
    assert snapshot(vault) == snapshot(load_vault(root, cache=False))
    small_segments.clear()
    assert snapshot(load_vault(root, cache=cache)) == snapshot(vault)
    assert small_segments == []


def test_a_growing_vault_is_segmented_anew(
    tmp_path: Path, cache: Path, small_segments: list[int], parses: list[str]
) -> None:
    root = write_vault(tmp_path / "v", {f"n{i:02}.md": f"[[n{i + 1:02}]]\n" for i in range(8)})
    load_vault(root, cache=cache)
    write_vault(root, {f"n{i:02}.md": f"[[n{i - 1:02}]]\n" for i in range(8, 40)})
    grown = load_vault(root, cache=cache)
    assert len(small_segments) == 2 + 8
    parses.clear()
    assert snapshot(load_vault(root, cache=cache)) == snapshot(grown)
    assert parses == []
    assert snapshot(grown) == snapshot(load_vault(root, cache=False))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"garbage" * 100, id="garbage"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data.replace(b"Containers", b"Containerz", 1), id="altered"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"X" + data[1:], id="wrong-magic"),
    ],
)
def test_a_damaged_cache_is_rebuilt(
    rich_vault: Path,
    cache: Path,
    parses: list[str],
    caplog: pytest.LogCaptureFixture,
    damage: Callable[[bytes], bytes],
) -> None:
    expected = snapshot(load_vault(rich_vault, cache=cache))
    (file,) = cache_files(cache)
    file.write_bytes(damage(file.read_bytes()))
    parses.clear()
    with caplog.at_level("DEBUG", logger="vaultgraph"):
        assert snapshot(load_vault(rich_vault, cache=cache)) == expected
    assert len(parses) > 40, "nothing was taken from the damaged file"
    assert "cache: ignoring" in caplog.text
    parses.clear()
    assert snapshot(load_vault(rich_vault, cache=cache)) == expected
    assert parses == [], "the rebuilt cache is used"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"not": "a payload"}, id="a-dict"),
        pytest.param((0, [(["a.md"], [4], [OLD], [bytes(32)], b"garbage")]), id="bad-segment"),
        pytest.param((0, [(["a.md"], [4], [OLD], [bytes(32)])]), id="short-segment"),
    ],
)
def test_a_cache_of_the_wrong_shape_is_rebuilt(
    tmp_path: Path, cache: Path, parses: list[str], body: object
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "# A\n"})
    os.utime(root / "a.md", (OLD, OLD))
    load_vault(root, cache=cache)
    (file,) = cache_files(cache)
    plant(file, dump_plain(body))
    parses.clear()
    vault = load_vault(root, cache=cache)
    assert [h.text for h in vault.notes["a.md"].headings] == ["A"]
    assert parses == ["a.md"]


def plant(file: Path, body: bytes) -> None:
    """Give a cache file ``body``, keeping its header (magic and key) and fixing the CRC-32:
    the file as someone who knows the format would write it."""
    data = file.read_bytes()
    at = next(
        k for k in range(64) if zlib.crc32(data[k + 4 :]) == int.from_bytes(data[k : k + 4], "big")
    )
    file.write_bytes(data[:at] + zlib.crc32(body).to_bytes(4, "big") + body)


class Payload:
    """Unpickled, it runs ``os.system`` or ``open``: either would leave ``marker`` behind."""

    def __init__(self, marker: Path, how: str) -> None:
        self.marker = marker
        self.how = how

    def __reduce__(self) -> tuple[Any, ...]:
        if self.how == "os.system":
            return os.system, (f"touch {shlex.quote(str(self.marker))}",)
        return open, (str(self.marker), "w")


@pytest.mark.parametrize("how", ["os.system", "builtins.open"])
def test_a_planted_cache_file_runs_no_code(
    tmp_path: Path, cache: Path, parses: list[str], how: str
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": "# B\n"})
    expected = snapshot(load_vault(root, cache=False))
    load_vault(root, cache=cache)
    (file,) = cache_files(cache)
    marker = tmp_path / "ran"
    plant(file, pickle.dumps(Payload(marker, how), protocol=5))
    parses.clear()
    assert snapshot(load_vault(root, cache=cache)) == expected
    assert not marker.exists(), "the planted pickle ran"
    assert sorted(parses) == ["a.md", "b.md"], "nothing came from the planted file"
    parses.clear()
    load_vault(root, cache=cache)
    assert parses == [], "the file was rebuilt"


def test_a_planted_segment_runs_no_code_either(
    tmp_path: Path, cache: Path, parses: list[str]
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "# A\n"})
    load_vault(root, cache=cache)
    (file,) = cache_files(cache)
    marker = tmp_path / "ran"
    evil = pickle.dumps(Payload(marker, "os.system"), protocol=5)
    plant(file, dump_plain((0, [(["a.md"], [4], [OLD], [bytes(32)], evil)])))
    parses.clear()
    assert [h.text for h in load_vault(root, cache=cache).notes["a.md"].headings] == ["A"]
    assert not marker.exists()
    assert parses == ["a.md"]


def test_the_check_command_runs_no_planted_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The report's reproduction: a file planted in the cache folder, then a plain check.
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    root = write_vault(tmp_path / "v", {"a.md": "[[gone]]\n"})
    assert main(["check", str(root)]) == 1
    expected = capsys.readouterr().out
    marker = tmp_path / "ran"
    for file in sorted(folder.glob("*.pickle")):  # the parsed notes and the check's memo
        plant(file, pickle.dumps(Payload(marker, "os.system"), protocol=5))
    assert main(["check", str(root)]) == 1
    assert capsys.readouterr().out == expected
    assert not marker.exists()


def copy_of(root: Path, where: Path) -> Path:
    """A copy of the vault at ``root``, as ``cp -r`` makes it: the same bytes, new mtimes."""
    return Path(shutil.copytree(root, where, copy_function=shutil.copyfile))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_copied_vault_takes_its_notes_from_the_originals_file(
    rich_vault: Path,
    tmp_path: Path,
    cache: Path,
    parses: list[str],
    always_parallel: None,
    jobs: int,
) -> None:
    age(rich_vault)
    load_vault(rich_vault, cache=cache, jobs=1)
    copy = copy_of(rich_vault, tmp_path / "elsewhere" / "clone")
    assert all(note.stat().st_mtime != OLD for note in copy.rglob("*.md")), "new stamps"
    parses.clear()
    moved = load_vault(copy, cache=cache, jobs=jobs)
    assert parses == [], "every note came from the original's file"
    assert snapshot(moved) == snapshot(load_vault(copy, cache=False))
    assert len(cache_files(cache)) == 2, "the copy has a file of its own"
    parses.clear()
    assert snapshot(load_vault(copy, cache=cache, jobs=jobs)) == snapshot(moved)
    assert parses == []


def test_a_renamed_vault_takes_its_notes_from_its_old_file(
    tmp_path: Path, cache: Path, parses: list[str]
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": "# B ^x\n"})
    expected = snapshot(load_vault(root, cache=cache))
    moved = root.rename(tmp_path / "renamed")
    parses.clear()
    assert snapshot(load_vault(moved, cache=cache)) == expected
    assert parses == []


def test_a_note_changed_in_the_copy_is_parsed_again(
    tmp_path: Path, cache: Path, parses: list[str]
) -> None:
    notes = {"a.md": "[[b]]\n", "b.md": "# B\n", "c.md": "# C\n"}
    root = write_vault(tmp_path / "v", notes)
    load_vault(root, cache=cache)
    copy = copy_of(root, tmp_path / "copy")
    (copy / "b.md").write_text("# D\n", encoding="utf-8")  # same size
    write_vault(copy, {"new.md": "[[c]]\n"})
    parses.clear()
    vault = load_vault(copy, cache=cache)
    assert sorted(parses) == ["b.md", "new.md"]
    assert [h.text for h in vault.notes["b.md"].headings] == ["D"]
    assert snapshot(vault) == snapshot(load_vault(copy, cache=False))
    parses.clear()
    assert [h.text for h in load_vault(root, cache=cache).notes["b.md"].headings] == ["B"]
    assert parses == [], "the original keeps its own notes"


def test_a_planted_segment_in_another_vaults_file_runs_no_code(
    tmp_path: Path, cache: Path, parses: list[str]
) -> None:
    one = write_vault(tmp_path / "one", {"a.md": "# A\n"})
    load_vault(one, cache=cache)
    (file,) = cache_files(cache)
    marker = tmp_path / "ran"
    evil = pickle.dumps(Payload(marker, "os.system"), protocol=5)
    hashed = vaultgraph.store.notes.digest(b"# A\n")  # the very note the copy will look for
    plant(file, dump_plain((0, [(["a.md"], [4], [OLD], [hashed], evil)])))
    copy = copy_of(one, tmp_path / "copy")
    parses.clear()
    assert [h.text for h in load_vault(copy, cache=cache).notes["a.md"].headings] == ["A"]
    assert not marker.exists()
    assert parses == ["a.md"]


def test_the_other_vaults_files_are_read_until_every_note_is_found(
    tmp_path: Path, cache: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = {"a.md": "# A\n", "b.md": "[[a]]\n"}
    one = write_vault(tmp_path / "one", notes)
    load_vault(one, cache=cache)
    two = write_vault(tmp_path / "two", {**notes, "c.md": "# C\n"})
    load_vault(two, cache=cache)
    os.utime(cache_file(Path(os.path.realpath(one)), cache), (OLD, OLD))  # written first
    copy = copy_of(two, tmp_path / "copy")
    opened: list[str] = []

    def reading(file: Path) -> bytes | None:
        opened.append(file.name)
        return read_entry(file)

    monkeypatch.setattr(vaultgraph.store.notes, "read_entry", reading)
    parses.clear()
    load_vault(copy, cache=cache)
    assert parses == []
    real = [Path(os.path.realpath(root)) for root in (copy, two)]
    assert opened == [cache_file(root, cache).name for root in real], "not one's: two had all"


@pytest.mark.parametrize(
    "damage", ["garbage", "another-parser", "another-path", "short-digests", "list-path"]
)
def test_a_donor_that_does_not_fit_gives_nothing(
    tmp_path: Path,
    cache: Path,
    parses: list[str],
    damage: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    one = write_vault(tmp_path / "one", {"a.md": "# A\n", "b.md": "[[a]]\n"})
    load_vault(one, cache=cache)
    (file,) = cache_files(cache)
    copy = copy_of(one, tmp_path / "copy")
    if damage == "garbage":
        file.write_bytes(file.read_bytes()[:-7] + b"garbage")
    elif damage == "another-parser":
        monkeypatch.setattr(vaultgraph.store.notes, "_parser_key", lambda: b"\xff" * 16)
    elif damage == "short-digests":
        plant(file, dump_plain((0, [(["a.md", "b.md"], [4, 6], [OLD, OLD], [bytes(32)], b"")])))
    elif damage == "list-path":
        plant(file, dump_plain((0, [([["a.md"]], [4], [OLD], [bytes(32)], b"")])))
    else:  # what a note holds of its path is the path it is found by
        (copy / "a.md").rename(copy / "moved.md")
        (copy / "b.md").rename(copy / "a.md")
    parses.clear()
    with caplog.at_level("DEBUG", logger="vaultgraph"):
        vault = load_vault(copy, cache=cache)
    assert sorted(parses) == sorted(vault.notes)
    assert snapshot(vault) == snapshot(load_vault(copy, cache=False))
    if damage == "another-parser":
        assert "cache: ignoring" not in caplog.text, "its key said no: the body was never decoded"


def test_a_file_for_another_vault_is_not_decoded(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    one = write_vault(tmp_path / "one", {"a.md": "# One\n"})
    two = write_vault(tmp_path / "two", {"a.md": "# Two\n"})
    load_vault(one, cache=cache)
    (file,) = cache_files(cache)
    marker = tmp_path / "ran"
    plant(file, pickle.dumps(Payload(marker, "os.system"), protocol=5))
    planted = cache_file(Path(os.path.realpath(two)), cache)
    planted.write_bytes(file.read_bytes())  # one's header, under two's name
    with caplog.at_level("DEBUG", logger="vaultgraph"):
        vault = load_vault(two, cache=cache)
    assert [h.text for h in vault.notes["a.md"].headings] == ["Two"]
    assert not marker.exists()
    assert "for another folder" in caplog.text
    assert "cache: ignoring" not in caplog.text, "its key said no: the body was never decoded"


def test_a_symlink_planted_as_a_cache_file_is_replaced_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": "# B\n"})
    victim = root / "b.md"
    original = victim.read_bytes()
    elsewhere = tmp_path / "root-owned.conf"  # in a shared /tmp, a link could name any file
    elsewhere.write_bytes(b"precious\n")
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    real = Path(os.path.realpath(root))
    cache_file(real, folder, "vault").symlink_to(victim)
    cache_file(real, folder, "check").symlink_to(elsewhere)
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    assert main(["check", str(root)]) == 0
    assert victim.read_bytes() == original
    assert elsewhere.read_bytes() == b"precious\n"
    assert sorted(p.is_symlink() for p in folder.iterdir()) == [False, False]
    assert main(["check", str(root)]) == 0, "and the files written in their place work"
    capsys.readouterr()


_CODE_OPCODES = {"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "REDUCE", "NEWOBJ", "NEWOBJ_EX"}


def _opcodes(data: bytes) -> set[str]:
    return {op.name for op, _, _ in pickletools.genops(data)}


def test_cache_files_hold_plain_data_only(
    rich_vault: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(
        rich_vault, {"dated.md": "---\nday: 2024-02-29\nat: 2024-01-01 12:00:00+02:00\n---\n"}
    )
    monkeypatch.setenv(CACHE_DIR_ENV, str(cache))
    # A finding in a canvas has no note to depend on, so no memo would be written with one.
    for canvas in rich_vault.rglob("*.canvas"):
        canvas.unlink()
    main(["check", str(rich_vault)])
    (notes,) = cache.glob("vault-*.pickle")
    (memo,) = cache.glob("check-*.pickle")
    header = vaultgraph.store.notes._HEADER
    _, segments = load_plain(notes.read_bytes()[header:])
    bodies = [notes.read_bytes()[header:], *(segment[-1] for segment in segments)]
    bodies.append(memo.read_bytes()[len(vaultgraph.store.checks.MAGIC) + 36 :])
    for body in bodies:
        assert not _opcodes(body) & _CODE_OPCODES
    assert "BINPERSID" in set().union(*map(_opcodes, bodies)), "the dates, as plain ints"


def test_the_loader_refuses_every_global() -> None:
    for value in (date(2024, 2, 29), LinkKind.LINK, Note("a.md"), print):
        with pytest.raises(pickle.UnpicklingError, match="refused"):
            load_plain(pickle.dumps(value, protocol=5))
    assert load_plain(dump_plain(({1, 2}, frozenset("a"), b"x", [None, 1.5, True]))) == (
        {1, 2},
        frozenset("a"),
        b"x",
        [None, 1.5, True],
    )


def test_plain_results_round_trip_what_yaml_makes() -> None:
    loop: list[Any] = []
    loop.append(loop)
    zones = [UTC, timezone(timedelta(hours=-3, minutes=-30)), timezone(timedelta(0), "Z")]
    frontmatter: dict[Any, Any] = {
        "date": date(2024, 2, 29),
        "naive": datetime(2024, 1, 1, 12, 30, 5, 17),
        "zoned": [datetime(2024, 1, 1, 12, tzinfo=zone) for zone in zones],
        date(2020, 1, 1): "a date as a key",
        "set": {1, 2},
        "binary": b"\x00\xff",
        "nested": {"a": [1, {"b": None}], "n": float("inf")},
        "loop": loop,
    }
    odd = Note("odd.md", frontmatter=frontmatter)
    notes = [
        parse_note(p.name, p.read_text(encoding="utf-8")) for p in (FIXTURES / "parse").glob("*.md")
    ]
    results: list[Note | ReadFailure | None] = [*notes, ReadFailure("binary"), None, odd, None]
    back = load_results(dump_results(results))
    assert back[:-2] == results[:-2]
    assert back[-1] is None
    assert isinstance(back[-2], Note)
    again = back[-2].frontmatter
    assert again["loop"][0] is again["loop"]
    assert {k: v for k, v in again.items() if k != "loop"} == {
        k: v for k, v in frontmatter.items() if k != "loop"
    }
    assert [d.tzname() for d in again["zoned"]] == ["UTC", "UTC-03:30", "Z"]
    kinds = {type(link.kind) for note in back if isinstance(note, Note) for link in note.links}
    assert kinds == {LinkKind}, "enums come back as enums, not as their values"


def test_a_value_that_is_not_plain_data_is_refused_when_written(
    tmp_path: Path, cache: Path
) -> None:
    with pytest.raises(pickle.PicklingError, match=r"PosixPath|WindowsPath"):
        dump_results([Note("a.md", frontmatter={"where": Path("x")})])
    root = tmp_path / "v"
    root.mkdir()
    store = NoteCache.open(root, cache)
    assert store is not None
    odd = Entry(1, OLD, bytes(32), Note("a.md", frontmatter={"where": Path("x")}))
    assert store.save({"a.md": odd}, started_ns=0) is False  # a cache it could not read back
    assert cache_files(cache) == []


def test_a_same_size_edit_with_its_stamp_restored_is_served_from_the_cache(
    tmp_path: Path, cache: Path
) -> None:
    # The documented trade-off (docs/performance.md), as git and ruff make it; --no-cache
    # (cache=False) is the answer.
    root = write_vault(tmp_path / "v", {"a.md": "# A\n"})
    os.utime(root / "a.md", (OLD, OLD))
    load_vault(root, cache=cache)
    (root / "a.md").write_text("# B\n", encoding="utf-8")
    os.utime(root / "a.md", (OLD, OLD))
    assert [h.text for h in load_vault(root, cache=cache).notes["a.md"].headings] == ["A"]
    assert [h.text for h in load_vault(root, cache=False).notes["a.md"].headings] == ["B"]


def test_another_parser_version_rebuilds(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "", "b.md": ""})
    age(root)
    load_vault(root, cache=cache)
    monkeypatch.setattr(vaultgraph.store.notes, "fingerprint", lambda: b"\1" * 32)
    parses.clear()
    load_vault(root, cache=cache)
    assert parses == ["a.md", "b.md"]


def test_the_fingerprint_covers_the_parser_source() -> None:
    package = Path(vaultgraph.__file__).parent
    hashed = [name for name, _ in vaultgraph.store.notes._sources(str(package))]
    assert {"parse.py", "markdown.py", "model.py", "plugins/wikilinks.py"} <= set(hashed)
    assert not [name for name in hashed if name.startswith(("lint/", "map/"))]
    assert hashed == sorted(hashed)


@pytest.mark.parametrize("where", ["a-file", "under-a-file"])
def test_an_unwritable_cache_does_not_fail_the_run(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    folder = blocker if where == "a-file" else blocker / "cache"
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": ""})
    vault = load_vault(root, cache=folder)
    assert snapshot(vault) == snapshot(load_vault(root, cache=False))
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_read_only_cache_folder_does_not_fail_the_run(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    root = write_vault(tmp_path / "v", {"a.md": "# A\n"})
    assert list(load_vault(root, cache=cache).notes) == ["a.md"]
    assert cache_files(cache) == []


def test_the_cache_lives_outside_the_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_vault(tmp_path / "v", {"a.md": ""})
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "env-cache"))
    assert cache_dir() == tmp_path / "env-cache"
    load_vault(root)
    assert len(cache_files(tmp_path / "env-cache")) == 1
    assert [p.name for p in root.rglob("*")] == ["a.md"]
    load_vault(root, cache=root / "cache")  # a cache inside the vault is not used
    assert [p.name for p in root.rglob("*")] == ["a.md"]


def test_default_cache_folder_is_the_users(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_DIR_ENV)
    assert cache_dir().name in ("vaultgraph", "Cache")
    assert "vaultgraph" in cache_dir().parts


def test_each_vault_has_its_own_file(tmp_path: Path, cache: Path) -> None:
    one = write_vault(tmp_path / "one", {"a.md": "# One\n"})
    two = write_vault(tmp_path / "two", {"a.md": "# Two\n"})
    load_vault(one, cache=cache)
    load_vault(two, cache=cache)
    assert len(cache_files(cache)) == 2
    assert [h.text for h in load_vault(one, cache=cache).notes["a.md"].headings] == ["One"]
    assert [h.text for h in load_vault(two, cache=cache).notes["a.md"].headings] == ["Two"]


def test_concurrent_writers_leave_a_whole_file(tmp_path: Path, cache: Path) -> None:
    root = tmp_path / "v"
    root.mkdir()
    store = NoteCache.open(root, cache)
    assert store is not None
    versions = [
        {f"n{i}.md": Entry(i, i, bytes(32), Note(f"n{i}.md")) for i in range(writer * 50)}
        for writer in range(1, 5)
    ]

    def write(entries: dict[str, Entry]) -> None:
        for _ in range(5):
            store.save(entries, started_ns=0)

    threads = [threading.Thread(target=write, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reopened = NoteCache.open(root, cache)
    assert reopened is not None
    assert dict(reopened.entries) in versions
    assert [p.name for p in cache.iterdir()] == [cache_files(cache)[0].name]


def test_parallel_falls_back_to_serial(
    rich_vault: Path, monkeypatch: pytest.MonkeyPatch, always_parallel: None, parses: list[str]
) -> None:
    class NoPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise NotImplementedError("no processes on this platform")

    monkeypatch.setattr(vaultgraph.reading, "_Workers", NoPool)
    vault = load_vault(rich_vault, cache=False, jobs=2)
    assert len(parses) == len(vault.notes)
    assert snapshot(vault) == snapshot(load_vault(rich_vault, cache=False, jobs=1))


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_up_to_the_notes_read(
    rich_vault: Path, cache: Path, always_parallel: None, jobs: int
) -> None:
    calls: list[tuple[int, int]] = []
    vault = load_vault(rich_vault, cache=cache, jobs=jobs, progress=lambda *c: calls.append(c))
    total = len(vault.notes) + len(vault.unreadable)
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})
    assert {t for _, t in calls} == {total}
    age(rich_vault)
    load_vault(rich_vault, cache=cache, jobs=jobs)
    calls.clear()
    load_vault(rich_vault, cache=cache, jobs=jobs, progress=lambda *c: calls.append(c))
    assert calls == [], "nothing to read, nothing to show"


def test_packing_round_trips_notes_failures_and_gaps() -> None:
    loop: list[Any] = []
    loop.append(loop)
    odd = Note(
        "odd.md",
        frontmatter={
            "date": date(2024, 2, 29),
            "at": datetime(2024, 1, 1, 12, tzinfo=UTC),
            "set": {1, 2},
            "nested": {"a": [1, {"b": None}]},
            "loop": loop,
        },
    )
    notes = [
        parse_note(p.name, p.read_text(encoding="utf-8")) for p in (FIXTURES / "parse").glob("*.md")
    ]
    results: list[Note | ReadFailure | None] = [*notes, ReadFailure("binary"), None, odd, None]
    back = unpack_results(pickle.loads(pickle.dumps(pack_results(results), protocol=5)))
    assert back[:-2] == results[:-2]
    assert back[-1] is None
    assert isinstance(back[-2], Note)
    assert back[-2].frontmatter["loop"][0] is back[-2].frontmatter["loop"]


def test_no_cache_flag_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    root = write_vault(tmp_path / "v", {"a.md": "[[a]]\n"})
    for command in (["check"], ["export"], ["map", "-o", str(tmp_path / "map.html")]):
        assert main([*command, str(root), "--no-cache", "--jobs", "1"]) == 0
        assert cache_files(folder) == []
    assert main(["export", str(root)]) == 0
    assert len(cache_files(folder)) == 1
    capsys.readouterr()


def test_jobs_must_be_positive(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check", str(tmp_path), "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock() -> list[float]:
    return [0.0]


def _drive(stream: io.StringIO, now: list[float], steps: list[tuple[float, int]]) -> str:
    with progress_bar(stream, clock=lambda: now[0]) as progress:
        for at, done in steps:
            now[0] = at
            progress(done, 100)
    return stream.getvalue()


def test_progress_bar_shows_after_a_second_on_a_terminal(clock: list[float]) -> None:
    shown = _drive(_Terminal(), clock, [(0.5, 10), (1.5, 50), (2.0, 100)])
    assert "Reading notes" in shown
    assert "100%" in shown


def test_progress_bar_stays_hidden_when_quick_or_not_a_terminal(clock: list[float]) -> None:
    assert _drive(_Terminal(), clock, [(0.5, 50), (0.9, 100)]) == ""
    assert _drive(io.StringIO(), clock, [(1.5, 50), (3.0, 100)]) == ""
