"""Tests for listing a vault's files and reading notes."""

from __future__ import annotations

import errno
import io
import os
import random
import tarfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from tests.vaults import write_vault
from vaultgraph.files import (
    ReadFailure,
    SkippedPath,
    read_inside,
    read_regular,
    read_text,
    scan_vault,
)

T = TypeVar("T")


def _reasons(skipped: tuple[SkippedPath, ...]) -> dict[str, str]:
    return {s.path: s.reason for s in skipped}


def test_notes_and_attachments_are_split_sorted_posix_paths(tmp_path: Path) -> None:
    write_vault(
        tmp_path,
        {
            "b.md": "",
            "A.md": "",
            "sub/deep/Upper.MD": "",
            "sub/image.png": b"\x89PNG",
            "sub/notes.md.txt": "",
            "README": "",
        },
    )
    files = scan_vault(tmp_path)
    assert files.notes == ("A.md", "b.md", "sub/deep/Upper.MD")
    assert files.attachments == ("README", "sub/image.png", "sub/notes.md.txt")
    assert files.skipped == ()


def test_dot_folders_and_dot_files_are_ignored(tmp_path: Path) -> None:
    write_vault(
        tmp_path,
        {
            ".obsidian/app.json": "{}",
            ".trash/Old.md": "",
            ".hidden.md": "",
            "sub/.git/HEAD": "",
            "sub/Kept.md": "",
        },
    )
    files = scan_vault(tmp_path)
    assert files.notes == ("sub/Kept.md",)
    assert files.attachments == ()


def test_nfd_file_names_are_kept_as_on_disk(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Café.md")
    write_vault(tmp_path, {nfd: ""})
    assert scan_vault(tmp_path).notes == (nfd,)


def test_symlinked_file_inside_the_vault_counts(tmp_path: Path) -> None:
    write_vault(tmp_path, {"real/Note.md": ""})
    (tmp_path / "Shortcut.md").symlink_to(tmp_path / "real" / "Note.md")
    assert scan_vault(tmp_path).notes == ("Shortcut.md", "real/Note.md")


def test_symlinks_leading_outside_are_skipped_with_a_reason(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"In.md": ""})
    outside = write_vault(tmp_path / "outside", {"Secret.md": "", "dir/Deep.md": ""})
    (vault / "secret.md").symlink_to(outside / "Secret.md")
    (vault / "elsewhere").symlink_to(outside / "dir")
    files = scan_vault(vault)
    assert files.notes == ("In.md",)
    assert _reasons(files.skipped) == {
        "elsewhere": "symlink to outside the vault",
        "secret.md": "symlink to outside the vault",
    }
    # Left out on purpose, not unseen: what they lead to is no part of the vault.
    assert not any(s.unseen for s in files.skipped)


def test_symlink_loop_is_listed_once_and_reported(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a/Note.md": ""})
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    (tmp_path / "a" / "self").symlink_to(tmp_path / "a")
    files = scan_vault(tmp_path)
    assert files.notes == ("a/Note.md",)
    assert set(_reasons(files.skipped)) == {"a/loop", "a/self"}
    assert all("loop" in s.reason for s in files.skipped)


def test_broken_symlink_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "Gone.md").symlink_to(tmp_path / "missing.md")
    files = scan_vault(tmp_path)
    assert files.notes == ()
    assert _reasons(files.skipped) == {"Gone.md": "broken symlink"}


def test_folder_that_cannot_be_listed_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path, {"Open.md": "", "locked/Hidden.md": ""})
    real_scandir = os.scandir
    locked = os.path.realpath(tmp_path / "locked")

    def scandir(path: str) -> Iterator[os.DirEntry[str]]:
        # Root can list a chmod 000 folder, so the denial is simulated.
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files = scan_vault(tmp_path)
    assert files.notes == ("Open.md",)
    assert _reasons(files.skipped) == {"locked": "cannot list folder: Permission denied"}
    # What the folder holds is not known: a link to a note in it cannot be told broken.
    assert [s.unseen for s in files.skipped] == [True]


@pytest.mark.skipif(not hasattr(os, "O_DIRECTORY"), reason="folders made by descriptor")
def test_a_folder_too_deep_for_the_system_to_list_is_skipped_and_unseen(tmp_path: Path) -> None:
    write_vault(tmp_path, {"Top.md": ""})
    # Made one level at a time from the folder above: the full path is too long to make whole.
    folder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    depth = 0
    try:
        while len(str(tmp_path)) + depth * 201 <= 4200:  # PATH_MAX is 4096 on Linux
            os.mkdir("d" * 200, dir_fd=folder)
            deeper = os.open("d" * 200, os.O_RDONLY | os.O_DIRECTORY, dir_fd=folder)
            os.close(folder)
            folder, depth = deeper, depth + 1
        os.close(os.open("Deep.md", os.O_CREAT | os.O_WRONLY, dir_fd=folder))
    finally:
        os.close(folder)
    files = scan_vault(tmp_path)
    assert files.notes == ("Top.md",)
    (skipped,) = files.skipped
    assert skipped.reason == "cannot list folder: File name too long"
    assert skipped.unseen
    assert skipped.path.startswith("d" * 200 + "/")


def test_undecodable_file_name_is_skipped(tmp_path: Path) -> None:
    try:
        fd = os.open(os.fsencode(tmp_path) + b"/bad\xff.md", os.O_CREAT | os.O_WRONLY)
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    os.close(fd)
    files = scan_vault(tmp_path)
    assert files.notes == ()
    assert [s.reason for s in files.skipped] == ["file name is not valid UTF-8"]


def test_read_text_strips_bom_and_keeps_text(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "\ufeff# Títle\r\n"})
    assert read_text(tmp_path, "a.md") == "# Títle\r\n"


_UTF16 = "file is UTF-16 encoded; vaultgraph reads UTF-8 notes"
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
_RANDOM = random.Random(0).randbytes(4096)


def _tar_of_a_note() -> bytes:
    """A tar archive holding one short note: every byte of it is ASCII, so it decodes as UTF-8."""
    member = tarfile.TarInfo("Note.md")
    content = b"# Note\n[[Other]]\n"
    member.size = len(content)
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        tar.addfile(member, io.BytesIO(content))
    return archive.getvalue()


_TAR = _tar_of_a_note()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"# Caf\xe9\n", "not UTF-8 (byte 0xe9 at offset 5)", id="latin-1"),
        pytest.param(b"\xef\xbb\xbfab\xff", "not UTF-8 (byte 0xff at offset 5)", id="after-bom"),
        pytest.param(b"PK\x03\x04\x00\x00", "binary file (NUL byte at offset 4)", id="binary"),
        pytest.param(bytes(range(256)), "binary file (NUL byte at offset 0)", id="all-bytes"),
        pytest.param(_PNG, "binary file (NUL byte at offset 8)", id="png"),
        pytest.param(_RANDOM, f"binary file (NUL byte at offset {_RANDOM.index(0)})", id="random"),
        # These decode as UTF-8, but over a tenth of their bytes are control characters.
        pytest.param(bytes(4096), "binary file (NUL byte at offset 0)", id="all-nul"),
        pytest.param(_TAR, "binary file (NUL byte at offset 7)", id="tar-of-a-note"),
        pytest.param(b"12345678\x00", "binary file (NUL byte at offset 8)", id="over-a-tenth"),
        pytest.param("# Títle\n".encode("utf-16"), _UTF16, id="utf-16-bom"),
        pytest.param(b"\xfe\xff" + "# Títle\n".encode("utf-16-be"), _UTF16, id="utf-16-be-bom"),
        pytest.param("# Títle [[x]]\n".encode("utf-16-le"), _UTF16, id="utf-16-le"),
        pytest.param("# Títle [[x]]\n".encode("utf-16-be"), _UTF16, id="utf-16-be"),
        # Past the 64 KiB looked at, a binary tail does not matter.
        pytest.param(("[[x]] é\n" * 20_000).encode("utf-16-le") + b"\x00\x00", _UTF16, id="long"),
        pytest.param(
            "一 [[中文]] 😀\n".encode("utf-16-le"), _UTF16, id="utf-16-cjk-nul-both-sides"
        ),
        pytest.param(
            "# Títle\n".encode("utf-32"),
            "file is UTF-32 encoded; vaultgraph reads UTF-8 notes",
            id="utf-32-bom",
        ),
        # No NUL byte at all: nothing tells it from other non-UTF-8 bytes.
        pytest.param(
            "中文".encode("utf-16-le"), "not UTF-8 (byte 0x87 at offset 2)", id="utf-16-cjk"
        ),
    ],
)
def test_read_text_reports_undecodable_files(tmp_path: Path, content: bytes, reason: str) -> None:
    write_vault(tmp_path, {"bad.md": content})
    assert read_text(tmp_path, "bad.md") == ReadFailure(reason)


# A hex dump pasted into a fence, as in a real note that lost two broken links and 13 edges when
# its NUL bytes made it "binary".
_DUMP = "```pdf\n%PDF-1.7\n\x00\x00\x00\x0c1 0 obj\x00\x01\x02\x03 [[In Fence]]\n```\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("text\x00 and more text", id="stray-nul"),
        pytest.param(
            f"# PDF\nThe header of [[Report]]:\n{_DUMP}See [[Report]].\n", id="fenced-dump"
        ),
        pytest.param(
            "\ufeff# Caf\u00e9\nAbout the file below, from [[Report]]:\n" + _DUMP, id="bom"
        ),
        # NUL bytes on both sides, lest twenty bytes pass for UTF-16.
        pytest.param("\x00\x00" + "x" * 18, id="one-in-ten"),
        pytest.param("\x00\x01" + "中文" * 3, id="counted-in-bytes"),
    ],
)
def test_utf8_with_nul_bytes_is_read_with_each_nul_as_u_fffd(tmp_path: Path, text: str) -> None:
    write_vault(tmp_path, {"a.md": text})
    assert read_text(tmp_path, "a.md") == text.removeprefix("\ufeff").replace("\x00", "\ufffd")


def test_read_text_reports_os_errors(tmp_path: Path) -> None:
    (tmp_path / "folder.md").mkdir()
    missing = read_text(tmp_path, "missing.md")
    folder = read_text(tmp_path, "folder.md")
    assert isinstance(missing, ReadFailure)
    assert missing.reason.startswith("cannot read: ")
    assert isinstance(folder, ReadFailure)


def _without_waiting(call: Callable[[], T], pipe: Path, seconds: float = 10) -> T:
    """``call()``, or a failure if it is still waiting on ``pipe`` after ``seconds``."""
    result: list[T] = []
    worker = threading.Thread(target=lambda: result.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        # Open the pipe's other end and close it, so that the waiting reader gets an empty file
        # and its thread ends, rather than outlive the test.
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(seconds)
        pytest.fail(f"reading {pipe.name} waited for a writer")
    return result[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_note_that_is_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    found = _without_waiting(lambda: read_text(tmp_path, "pipe.md"), tmp_path / "pipe.md")
    assert found == ReadFailure("cannot read: not a regular file (a named pipe)")


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_a_note_that_is_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    # /dev/null rather than /dev/zero: the same refusal, and nothing to fill memory if it fails.
    (tmp_path / "device.md").symlink_to("/dev/null")
    found = read_text(tmp_path, "device.md")
    assert found == ReadFailure("cannot read: not a regular file (a character device)")


def test_read_regular_gives_the_bytes_and_the_stat_from_before_the_read(tmp_path: Path) -> None:
    note = write_vault(tmp_path, {"a.md": "text\n"}) / "a.md"
    data, found = read_regular(note)
    assert data == b"text\n"
    assert (found.st_size, found.st_mtime_ns) == (5, note.stat().st_mtime_ns)


def test_read_regular_refuses_a_file_over_its_limit(tmp_path: Path) -> None:
    note = write_vault(tmp_path, {"a.md": "x" * 11})
    assert read_regular(note / "a.md", limit=11)[0] == b"x" * 11
    with pytest.raises(OSError, match="over 10 bytes") as caught:
        read_regular(note / "a.md", limit=10)
    assert caught.value.errno == errno.EFBIG


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="no O_NOFOLLOW on this system")
def test_read_regular_can_refuse_a_symlink(tmp_path: Path) -> None:
    write_vault(tmp_path, {"real.md": "x"})
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    assert read_regular(tmp_path / "link.md")[0] == b"x"
    with pytest.raises(OSError, match="symbolic links") as caught:
        read_regular(tmp_path / "link.md", follow_symlinks=False)
    assert caught.value.errno == errno.ELOOP


def test_read_regular_can_refuse_a_file_of_another_user(tmp_path: Path) -> None:
    note = write_vault(tmp_path, {"a.md": "x"}) / "a.md"
    mine = note.stat().st_uid
    assert read_regular(note, owner=mine)[0] == b"x"
    with pytest.raises(OSError, match=f"owned by another user \\(uid {mine}\\)") as caught:
        read_regular(note, owner=mine + 1)
    assert caught.value.errno == errno.EACCES


def test_read_inside_refuses_a_file_whose_real_path_is_outside(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {".obsidian/inside.json": "{}", "note.md": ""})
    write_vault(tmp_path / "outside", {"app.json": "{}"})
    (vault / ".obsidian" / "app.json").symlink_to(tmp_path / "outside" / "app.json")
    (vault / ".obsidian" / "linked.json").symlink_to(vault / ".obsidian" / "inside.json")
    assert read_inside(vault, ".obsidian/linked.json", limit=10) == b"{}"
    with pytest.raises(OSError, match="a symlink to outside the vault"):
        read_inside(vault, ".obsidian/app.json", limit=10)
    with pytest.raises(OSError, match="a symlink to outside the vault"):
        read_inside(vault, "../outside/app.json", limit=10)
