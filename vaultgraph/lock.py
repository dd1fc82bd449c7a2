"""One writer of a vault's notes at a time: locks that the system drops when their holder ends."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.files import DIRECTORY, NOFOLLOW
from vaultgraph.store import cache_dir, cache_file, store_dir

if sys.platform != "win32":
    import fcntl

__all__ = ["VaultBusy", "WriteLock", "lock_file", "writing"]

# A lock file replaced while it was being locked (a cache folder emptied by hand) is opened
# again; more than this many times in a row and something keeps replacing it.
_ATTEMPTS = 5
_PID_BYTES = 32


class VaultBusy(Exception):
    """Another process holds the write lock of the vault; ``pid`` is its process id, when its
    lock file says."""

    def __init__(self, root: Path, pid: int | None) -> None:
        holder = "another vaultgraph" if pid is None else f"another vaultgraph (pid {pid})"
        super().__init__(f"{holder} is changing notes in {root}")
        self.root = root
        self.pid = pid


@dataclass(frozen=True, slots=True)
class WriteLock:
    """What :func:`writing` got: ``held``, or the ``reason`` it could take no lock at all (the
    block then runs unguarded)."""

    file: Path
    held: bool
    reason: str = ""


def lock_file(root: Path, directory: Path | None = None) -> Path:
    """The lock file of the vault at ``root``: in the cache folder (``directory``, by default
    :func:`~vaultgraph.store.cache_dir`), named by the vault's key as its cache files are, so
    that every path to one vault folder takes the same lock. Never removed, by the cache's size
    cap or ``cache clean`` either: a run that removed it would let two runs lock two files."""
    real = Path(os.path.realpath(root))
    return cache_file(real, cache_dir() if directory is None else directory, "lock")


@contextmanager
def writing(root: Path, *, directory: Path | None = None) -> Iterator[WriteLock]:
    """Hold the write lock of the vault at ``root`` while the block runs.

    Two ``flock`` locks, each dropped by the system when its holder ends however it ends (so
    none is ever left behind): one on the vault's lock file (:func:`lock_file`), which records
    the holder's process id; one on the vault folder itself, which runs with another cache
    folder (another user, another ``$VAULTGRAPH_CACHE_DIR``) take too, where the file system
    allows (not over NFS). Raises :class:`VaultBusy` at once, without waiting, when another
    process holds either. Where neither can be taken (a cache folder that is not safe to use
    and a file system without folder locks, or a system without ``flock``), the block runs all
    the same, with a :class:`WriteLock` that is not ``held`` and says why.
    """
    file = lock_file(root, directory)
    if sys.platform == "win32":
        yield WriteLock(file, held=False, reason="this system has no flock")
        return
    with ExitStack() as held:
        reasons: list[str] = []
        try:
            held.callback(os.close, _lock_file(file))
        except BlockingIOError:
            raise VaultBusy(root, _holder(file)) from None
        except OSError as error:
            reasons.append(_reason(error, file))
        try:
            held.callback(os.close, _lock_folder(root))
        except BlockingIOError:
            raise VaultBusy(root, None) from None
        except OSError as error:
            reasons.append(_reason(error, root))
        if len(reasons) == 2:
            yield WriteLock(file, held=False, reason="; ".join(reasons))
        else:
            yield WriteLock(file, held=True)


def _lock_file(file: Path) -> int:
    """A descriptor of ``file`` holding its exclusive lock, the holder's pid written in it;
    ``BlockingIOError`` when another process holds it."""
    if store_dir(file.parent, create=True) is None:  # another user's, or writable by others
        raise OSError(f"the cache folder {file.parent} is not safe to use")
    for _ in range(_ATTEMPTS):
        descriptor = _open(file)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # Locked the file that bears the name still? One removed meanwhile is no lock.
            if _same_file(os.fstat(descriptor), file):
                os.ftruncate(descriptor, 0)
                os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
                return descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)
    raise OSError(f"{file} keeps being replaced")


def _lock_folder(root: Path) -> int:
    """A descriptor of the vault folder holding its exclusive lock."""
    descriptor = os.open(root, os.O_RDONLY | DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _open(file: Path) -> int:
    # Never through a symbolic link, and never someone else's file: a lock that another user
    # could hold would let them stop every fix.
    descriptor = os.open(file, os.O_RDWR | os.O_CREAT | NOFOLLOW, 0o600)
    found = os.fstat(descriptor)
    if not stat.S_ISREG(found.st_mode) or (hasattr(os, "geteuid") and found.st_uid != os.geteuid()):
        os.close(descriptor)
        raise PermissionError(f"{file} is not a file of this user's")
    return descriptor


def _same_file(found: os.stat_result, file: Path) -> bool:
    try:
        named = os.stat(file, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return (named.st_dev, named.st_ino) == (found.st_dev, found.st_ino)


def _holder(file: Path) -> int | None:
    """The process id the lock file names, if it can be read."""
    try:
        descriptor = os.open(file, os.O_RDONLY | NOFOLLOW)
    except OSError:
        return None
    try:
        text = os.read(descriptor, _PID_BYTES)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    try:
        return int(text.strip())
    except ValueError:
        return None  # being written just now


def _reason(error: OSError, path: Path) -> str:
    if error.strerror is None:
        return str(error)
    return f"{error.filename or path}: {error.strerror}"
