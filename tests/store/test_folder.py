"""The cache folder: used only when it is the user's alone, written without following links,
kept under its cap, and cleaned of vaultgraph's own files only."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import vaultgraph.store.folder as store
from tests.vaults import write_vault
from vaultgraph.lint.config import Config
from vaultgraph.lint.memo import remembered_check
from vaultgraph.lint.runner import check_vault
from vaultgraph.store import cache_file, vault_key
from vaultgraph.vault import load_vault

OTHER_UID = 4242  # no user of this machine: a folder chowned to it belongs to "someone else"
OLD = 1_600_000_000


def ours(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".pickle", ".tmp")))


def weight(folder: Path) -> int:
    return sum((folder / name).lstat().st_size for name in ours(folder))


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process's umask after a test that sets its own."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.fixture
def as_root() -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("making a folder another user's needs root")


def _dubious(tmp_path: Path, how: str) -> tuple[Path, Path, str]:
    """A cache folder made dubious ``how``: the path to give, the real folder, the reason."""
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    if how == "group-writable":
        folder.chmod(0o770)
        return folder, folder, "writable by other users (mode 0770)"
    if how == "writable-by-all":
        folder.chmod(0o1777)  # even sticky, as /tmp is: others can plant files in it
        return folder, folder, "writable by other users (mode 1777)"
    if os.geteuid() != 0:
        pytest.skip("making a folder another user's needs root")
    if how == "another-users":
        os.chown(folder, OTHER_UID, OTHER_UID)
        return folder, folder, f"owned by another user (uid {OTHER_UID}, not 0)"
    link = tmp_path / "link"
    link.symlink_to(folder)
    os.lchown(link, OTHER_UID, OTHER_UID)
    return link, folder, f"a symbolic link owned by another user (uid {OTHER_UID})"


@pytest.mark.parametrize(
    "how", ["group-writable", "writable-by-all", "another-users", "another-users-link"]
)
def test_a_dubious_cache_folder_warns_once_and_the_run_goes_on_without_it(
    tmp_path: Path, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]] [[gone]]\n", "b.md": "# B\n"})
    given, real, reason = _dubious(tmp_path, how)
    expected = check_vault(load_vault(root, cache=False), Config())
    with caplog.at_level("WARNING", logger="vaultgraph"):
        assert check_vault(load_vault(root, cache=given), Config()) == expected
        assert remembered_check(root, Config(), directory=given) == expected
        assert remembered_check(root, Config(), directory=given) == expected
    assert expected.findings  # the vault's broken link: the runs above did check it
    assert list(real.iterdir()) == [], "nothing read or written there"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1, "one warning per folder, not one per cache and run"
    assert warnings[0].startswith(f"warning: cache folder {given} is {reason}: not using it; ")
    assert "\n" not in warnings[0]


def test_a_file_in_a_folder_that_became_dubious_is_not_read(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "# A\n"})
    os.utime(root / "a.md", (OLD, OLD))
    folder = tmp_path / "cache"
    load_vault(root, cache=folder)
    (file,) = folder.glob("vault-*.pickle")
    os.utime(file, (OLD, OLD))
    # A same-size edit with its stamp restored: only a cache that is read still says "A".
    (root / "a.md").write_text("# B\n", encoding="utf-8")
    os.utime(root / "a.md", (OLD, OLD))
    assert [h.text for h in load_vault(root, cache=folder).notes["a.md"].headings] == ["A"]
    folder.chmod(0o777)
    assert [h.text for h in load_vault(root, cache=folder).notes["a.md"].headings] == ["B"]
    assert file.stat().st_mtime == OLD, "the file stays as it was: neither read nor replaced"


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277])
def test_a_new_cache_folder_is_private_whatever_the_umask(
    tmp_path: Path, mask: int, umask: None
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[a]]\n"})
    folder = tmp_path / "cache"
    os.umask(mask)
    assert list(load_vault(root, cache=folder).notes) == ["a.md"]
    remembered_check(root, Config(), directory=folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = [stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()]
    assert modes == [0o600 & ~mask] * 2, "the memo and the parsed notes, for the user alone"


def test_an_existing_private_folder_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o755)  # readable by others is the user's choice; only writing is refused
    root = write_vault(tmp_path / "v", {"a.md": ""})
    load_vault(root, cache=folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert len(list(folder.glob("vault-*.pickle"))) == 1


def test_store_dir_is_public_and_says_none_for_a_dubious_folder(tmp_path: Path) -> None:
    folder = tmp_path / "made"
    assert store.store_dir(folder) == folder
    assert not folder.exists(), "only create makes it"
    assert store.store_dir(folder, create=True) == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o720)
    assert store.store_dir(folder) is None
    assert store.dubious(folder) == "writable by other users (mode 0720)"


def test_write_entry_replaces_a_symlink_and_never_writes_through_it(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    victim = tmp_path / "victim.md"
    victim.write_bytes(b"# precious\n")
    file = folder / store.entry_name("vault", "0" * 32)
    file.symlink_to(victim)
    assert store.read_entry(file) is None, "a link is not read either"
    store.write_entry(file, b"cache bytes")
    assert victim.read_bytes() == b"# precious\n"
    assert not file.is_symlink()
    assert file.read_bytes() == b"cache bytes"
    assert ours(folder) == [file.name], "no temporary file left"


def test_read_entry_refuses_what_is_not_a_regular_file_of_the_user(
    tmp_path: Path, as_root: None
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    file = folder / store.entry_name("check", "1" * 32)
    file.write_bytes(b"data")
    assert store.read_entry(file) == b"data"
    os.chown(file, OTHER_UID, OTHER_UID)
    assert store.read_entry(file) is None
    file.unlink()
    os.mkfifo(file)
    assert store.read_entry(file) is None, "a pipe is neither read nor waited on"


def _fill(tmp_path: Path, folder: Path, count: int) -> list[Path]:
    """``count`` vaults of the same notes, each loaded once, in order, a minute apart."""
    roots = []
    for index in range(count):
        root = write_vault(
            tmp_path / f"v{index}", {f"n{i}.md": f"# N{i}\n[[n0]]\n" for i in range(20)}
        )
        load_vault(root, cache=folder)
        file = cache_file(Path(os.path.realpath(root)), folder)
        os.utime(file, (OLD + 60 * index, OLD + 60 * index))
        roots.append(root)
    return roots


def test_the_store_stays_under_its_cap_dropping_the_oldest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    (one,) = _fill(tmp_path / "first", folder, 1)
    size = weight(folder)
    monkeypatch.setattr(store, "MAX_STORE_BYTES", int(size * 2.5))
    (folder / "notes.txt").write_text("the user's own", encoding="utf-8")
    roots = _fill(tmp_path, folder, 5)
    assert weight(folder) <= store.MAX_STORE_BYTES
    kept = {cache_file(Path(os.path.realpath(r)), folder).name for r in roots[-2:]}
    assert set(ours(folder)) == kept, "the two written last"
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "the user's own"
    assert one.exists()


def test_the_vault_just_written_stays_even_over_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setattr(store, "MAX_STORE_BYTES", 10)
    (root,) = _fill(tmp_path, folder, 1)
    remembered_check(root, Config(), directory=folder)
    assert [name.split("-")[0] for name in ours(folder)] == ["check", "vault"]


def test_temporary_files_of_dead_runs_go_and_those_of_live_ones_stay(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    dead = folder / f".vault-{'a' * 32}.pickle.x1y2z3.tmp"
    live = folder / f".check-{'b' * 32}.pickle.q9w8e7.tmp"
    for path in (dead, live):
        path.write_bytes(b"half")
    os.utime(dead, (time.time() - 7200, time.time() - 7200))
    store.write_entry(folder / store.entry_name("vault", "c" * 32), b"whole")
    assert not dead.exists()
    assert live.exists()


def test_clean_removes_vaultgraphs_files_only(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    one, two = _fill(tmp_path, folder, 2)
    remembered_check(one, Config(), directory=folder)
    key = vault_key(os.path.realpath(one))
    (folder / f".vault-{key}.pickle.abcdef.tmp").write_bytes(b"half")
    strangers = ["notes.txt", "vault-notahash.pickle", f"vault-{key}.pickle.bak"]
    for name in strangers:
        (folder / name).write_text("keep", encoding="utf-8")
    (folder / f"check-{'d' * 32}.pickle").mkdir()  # not a file: left alone
    cleaned = store.clean(folder, key=key)
    assert cleaned.files == 3
    assert cleaned.size > 0
    assert set(os.listdir(folder)) == {*strangers, f"check-{'d' * 32}.pickle", _vault_file(two)}
    assert store.clean(folder).files == 1
    assert set(os.listdir(folder)) == {*strangers, f"check-{'d' * 32}.pickle"}


def _vault_file(root: Path) -> str:
    return cache_file(Path(os.path.realpath(root)), Path()).name


def test_clean_refuses_a_dubious_folder(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    (folder / store.entry_name("vault", "e" * 32)).write_bytes(b"x")
    with pytest.raises(store.StoreError, match="writable by other users"):
        store.clean(folder)
    assert len(os.listdir(folder)) == 1


def test_other_kinds_of_file_are_named_alike_and_never_removed(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    lock = folder / store.entry_name("lock", "f" * 32)
    lock.write_bytes(b"")
    store.write_entry(folder / store.entry_name("vault", "f" * 32), b"x")
    assert store.prune(folder, limit=0).files == 1
    store.write_entry(folder / store.entry_name("check", "f" * 32), b"x")
    assert store.clean(folder).files == 1
    assert os.listdir(folder) == [lock.name], "a lock held by a running fix must not vanish"
    with pytest.raises(ValueError, match="not a name"):
        store.entry_name("../x", "f" * 32)
