"""The write lock of a vault: one writer at a time, dropped when its holder ends."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph.lock import VaultBusy, lock_file, writing
from vaultgraph.store import cache_dir

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows")

REPO = Path(__file__).resolve().parent.parent


def test_every_path_to_one_vault_names_one_lock_file_in_the_cache_folder(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    other = write_vault(tmp_path / "other", {"a.md": ""})
    (tmp_path / "link").symlink_to(vault)
    assert lock_file(tmp_path / "link") == lock_file(vault) == lock_file(vault / "." / "")
    assert lock_file(other) != lock_file(vault)
    assert lock_file(vault).parent == cache_dir()
    assert lock_file(vault, tmp_path / "cache").parent == tmp_path / "cache"


def test_a_second_writer_is_refused_at_once_with_the_holders_pid(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    with writing(vault) as held:
        assert held.held
        with pytest.raises(VaultBusy) as busy, writing(vault / "."):
            pytest.fail("a second writer got the lock")
    assert busy.value.pid == os.getpid()
    assert str(busy.value) == f"another vaultgraph (pid {os.getpid()}) is changing notes in {vault}"
    with writing(vault) as again:  # released when the first block ended
        assert again.held
    assert lock_file(vault).exists()  # never removed: two runs would lock two files


def test_the_lock_goes_with_a_holder_that_is_killed(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from vaultgraph.lock import writing\n"
            "with writing(Path(sys.argv[1])):\n"
            "    print('held', flush=True); time.sleep(60)",
            str(vault),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(VaultBusy) as busy, writing(vault):
            pytest.fail("the lock of a live holder was taken")
        assert busy.value.pid == holder.pid
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with writing(vault) as after:  # no stale lock: the system dropped it with its holder
        assert after.held


def test_runs_with_other_cache_folders_are_kept_apart_by_the_lock_on_the_vault_folder(
    tmp_path: Path,
) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    with writing(vault, directory=tmp_path / "one") as first:
        assert first.held
        with pytest.raises(VaultBusy) as busy, writing(vault, directory=tmp_path / "two"):
            pytest.fail("a run with another cache folder got the lock")
    assert busy.value.pid is None  # its lock file is not this one's


def test_without_a_lock_file_the_folder_lock_still_holds(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    (tmp_path / "not-a-folder").write_text("")
    with writing(vault, directory=tmp_path / "not-a-folder") as lock:
        assert lock.held
        with pytest.raises(VaultBusy), writing(vault):
            pytest.fail("the folder lock was taken twice")


def test_where_no_lock_can_be_taken_the_block_runs_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vaultgraph.lock

    def no_folder_locks(root: Path) -> int:  # as over NFS, where flock needs a file open to write
        raise OSError(errno.EBADF, "Bad file descriptor", str(root))

    monkeypatch.setattr(vaultgraph.lock, "_lock_folder", no_folder_locks)
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    (tmp_path / "not-a-folder").write_text("")
    ran = []
    with writing(vault, directory=tmp_path / "not-a-folder") as lock:
        ran.append(lock)
    assert len(ran) == 1
    assert not ran[0].held
    assert ran[0].reason == (
        f"{lock_file(vault, tmp_path / 'not-a-folder')}: Not a directory; "
        f"{vault}: Bad file descriptor"
    )


def test_a_symlink_in_place_of_the_lock_file_is_never_followed(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n")
    lock_file(vault, cache).symlink_to(target)
    with writing(vault, directory=cache) as lock:
        assert lock.held  # by the folder lock
    assert target.read_text() == "keep me\n"


def test_a_cache_folder_others_can_write_holds_no_lock_file(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    with writing(vault, directory=cache) as lock:
        assert lock.held  # by the folder lock
    assert list(cache.iterdir()) == []


def test_the_holder_is_written_in_the_lock_file(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": ""})
    with writing(vault, directory=tmp_path / "new" / "cache") as lock:
        assert lock.file.read_text() == f"{os.getpid()}\n"
        assert (lock.file.stat().st_mode & 0o777) == 0o600
    # A cache folder made for it is as private as the cache makes it.
    assert ((tmp_path / "new" / "cache").stat().st_mode & 0o777) == 0o700
