"""The cache folder: checked before it is trusted, written without following links, bounded."""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from vaultgraph.files import read_regular

__all__ = [
    "CACHE_DIR_ENV",
    "MAX_STORE_BYTES",
    "Cleaned",
    "StoreError",
    "cache_dir",
    "clean",
    "dubious",
    "entry_files",
    "entry_name",
    "prune",
    "read_entry",
    "store_dir",
    "write_entry",
]

# Trust model, as git's for a repository ("dubious ownership"): the folder is used only when it
# belongs to the user running vaultgraph and nobody else can write to it, so that whatever is in
# it was written by this user. What is read from it is still only data (see packing.py): a file
# planted there anyway can make a run slower or wrong until it is rebuilt, never run code.

CACHE_DIR_ENV = "VAULTGRAPH_CACHE_DIR"
# What the folder may hold in all; after each write the files written longest ago go first.
MAX_STORE_BYTES = 512 * 1024 * 1024
# A temporary file this old was left by a run that died before renaming it (one that is alive
# renames its file within seconds).
_STALE_TEMPORARY_S = 3600
# The only names vaultgraph writes in the folder: what cleaning and the size cap may remove.
_ENTRY = re.compile(r"(?P<kind>vault|check)-(?P<key>[0-9a-f]{32})\.pickle")
_TEMPORARY = re.compile(r"\.(?P<kind>vault|check)-(?P<key>[0-9a-f]{32})\.pickle\.[^/]+\.tmp")
_NAME = re.compile(r"[a-z]+-[0-9a-f]{32}\.pickle")
_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH

_log = logging.getLogger("vaultgraph")
_warned: set[tuple[str, str]] = set()  # (folder, reason): one warning per process, not per cache


class StoreError(Exception):
    """The cache folder cannot be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Cleaned:
    """What :func:`clean` removed: how many files, and their bytes."""

    files: int
    size: int


def cache_dir() -> Path:
    """Where caches go: ``$VAULTGRAPH_CACHE_DIR``, else the user's cache folder for vaultgraph."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("vaultgraph", appauthor=False))


def store_dir(directory: Path | None = None, *, create: bool = False) -> Path | None:
    """The cache folder (``directory``, by default :func:`cache_dir`) if it is safe to use.

    ``None``, after one warning on the ``vaultgraph`` logger, when it is not (see
    :func:`dubious`): the caller runs without a cache. With ``create``, a missing folder is
    made, mode 0700 (its missing parents as the umask allows). A folder that does not exist
    and is not to be created is returned as it is: there is nothing in it to trust.
    """
    folder = cache_dir() if directory is None else directory
    if create:
        try:
            _make(folder)
        except OSError as error:
            _log.debug("cache: cannot create %s: %s", folder, error)
            return None
    reason = dubious(folder)
    if reason is None:
        return folder
    if (str(folder), reason) not in _warned:
        _warned.add((str(folder), reason))
        _log.warning("%s", _refusal(folder, reason))
    return None


def dubious(folder: Path) -> str | None:
    """Why ``folder`` must not be used as a cache, or ``None`` (also when it does not exist).

    On POSIX systems the folder must belong to the effective user and be writable by nobody
    else; a symbolic link to it must belong to that user or to root. Elsewhere, ``None``.
    """
    if not hasattr(os, "geteuid"):
        return None
    try:
        link = os.lstat(folder)
        found = os.stat(folder) if stat.S_ISLNK(link.st_mode) else link
    except OSError:
        return None  # missing, or no folder: nothing to trust, and writing it will fail
    me = os.geteuid()
    if stat.S_ISLNK(link.st_mode) and link.st_uid not in (me, 0):
        return f"a symbolic link owned by another user (uid {link.st_uid})"
    if not stat.S_ISDIR(found.st_mode):
        return None
    if found.st_uid != me:
        return f"owned by another user (uid {found.st_uid}, not {me})"
    if found.st_mode & _WRITABLE_BY_OTHERS:
        return f"writable by other users (mode {stat.S_IMODE(found.st_mode):04o})"
    return None


def _refusal(folder: Path, reason: str) -> str:
    from vaultgraph.terminal import visible  # the path comes from the environment: show it safe

    if "writable" in reason:
        hint = f"make it yours alone (chmod go-w {visible(str(folder))})"
    else:
        hint = f"set {CACHE_DIR_ENV} to a folder of your own"
    return f"warning: cache folder {visible(str(folder))} is {reason}: not using it; {hint}"


def _make(folder: Path) -> None:
    if os.path.lexists(folder):
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        return  # a concurrent run made it: dubious() judges it
    os.chmod(folder, 0o700)  # mkdir's mode went through the umask, which could leave it unusable


def entry_name(kind: str, key: str) -> str:
    """The file name of a vault's file of this ``kind`` in the folder: ``kind-key.pickle``, with
    the vault's 32 hex digit key. Only the kinds ``vault`` and ``check`` are cache entries, which
    the size cap and :func:`clean` may remove; a file of any other kind (a lock) is never removed.
    """
    name = f"{kind}-{key}.pickle"
    if _NAME.fullmatch(name) is None:
        raise ValueError(f"not a name for a file of the cache folder: {name!r}")
    return name


def entry_files(folder: Path, kind: str) -> list[Path]:
    """The entries of this ``kind`` (``vault`` or ``check``) in ``folder``, those written last
    first; only regular files by their ``lstat``, and whatever cannot be listed is left out."""
    found = [
        (info.st_mtime_ns, name)
        for name, info in _ours(folder)
        if stat.S_ISREG(info.st_mode) and (m := _ENTRY.fullmatch(name)) and m["kind"] == kind
    ]
    return [folder / name for _, name in sorted(found, reverse=True)]


def read_entry(file: Path) -> bytes | None:
    """The bytes of a cache file, or ``None`` when it is missing or not to be read: a symbolic
    link (never followed), anything but a regular file (a pipe is not waited on), a file of
    another user (refused before it is read), or one the system fails to read. Never raises
    :class:`OSError`: it is :func:`~vaultgraph.files.read_regular` without following links."""
    owner = os.geteuid() if hasattr(os, "geteuid") else None
    try:
        data, _ = read_regular(file, follow_symlinks=False, owner=owner)
    except FileNotFoundError:
        return None
    except OSError as error:  # ELOOP: a symbolic link stands in its place; EINVAL, EACCES
        _log.debug("cache: not reading %s: %s", file, error)
        return None
    return data


def write_entry(file: Path, data: bytes) -> None:
    """Replace the cache file ``file`` with ``data``, then keep the folder under its cap.

    The folder is made (0700) and checked first. The data goes to a new temporary file in the
    folder itself (``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0600), which is renamed over the
    name: whatever stands at ``file`` (a symbolic link too) is replaced, never opened, so no
    link planted there makes this write anywhere else. Raises :class:`OSError` (a folder that
    cannot be made or is refused as ``EACCES``).
    """
    folder = file.parent
    if store_dir(folder, create=True) is None:
        raise OSError(errno.EACCES, "cache folder not made or refused", str(folder))
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(name, file)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    match = _ENTRY.fullmatch(file.name)
    prune(folder, keep=match["key"] if match else None)


def prune(folder: Path, *, keep: str | None = None, limit: int | None = None) -> Cleaned:
    """Remove the entries written longest ago until the folder's entries weigh at most ``limit``
    bytes (default :data:`MAX_STORE_BYTES`), and temporary files left by runs that died.

    The entries of the vault whose key is ``keep`` (the one just written) stay whatever they
    weigh. Only vaultgraph's own file names are looked at.
    """
    cap = MAX_STORE_BYTES if limit is None else limit
    now = time.time()
    entries: list[tuple[float, int, str]] = []
    stale: list[tuple[int, str]] = []
    for name, found in _ours(folder):
        if _TEMPORARY.fullmatch(name):
            if now - found.st_mtime > _STALE_TEMPORARY_S:
                stale.append((found.st_size, name))
        elif _ENTRY.fullmatch(name):
            entries.append((found.st_mtime, found.st_size, name))
    total = sum(size for _, size, _ in entries)
    doomed = list(stale)
    for _, size, name in sorted(entries):
        if total <= cap:
            break
        match = _ENTRY.fullmatch(name)
        if match is not None and match["key"] == keep:
            continue
        doomed.append((size, name))
        total -= size
    return _remove(folder, doomed)


def clean(folder: Path, *, key: str | None = None) -> Cleaned:
    """Remove vaultgraph's files from the cache ``folder``: the entries of the vault whose key
    is ``key``, or with ``None`` every entry, and their temporary files. Nothing else in the
    folder is touched, nor the folder itself. Raises :class:`StoreError` for a folder that
    :func:`dubious` refuses."""
    reason = dubious(folder)
    if reason is not None:
        raise StoreError(_refusal(folder, reason).removeprefix("warning: "))
    doomed = []
    for name, found in _ours(folder):
        match = _ENTRY.fullmatch(name) or _TEMPORARY.fullmatch(name)
        if match is not None and key in (None, match["key"]):
            doomed.append((found.st_size, name))
    return _remove(folder, doomed)


def _ours(folder: Path) -> list[tuple[str, os.stat_result]]:
    """The files of ``folder`` named as vaultgraph names its own, with their ``lstat``."""
    found = []
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                if _ENTRY.fullmatch(entry.name) or _TEMPORARY.fullmatch(entry.name):
                    try:
                        found.append((entry.name, entry.stat(follow_symlinks=False)))
                    except OSError:
                        continue  # gone since the listing
    except OSError as error:
        _log.debug("cache: cannot list %s: %s", folder, error)
    return found


def _remove(folder: Path, doomed: list[tuple[int, str]]) -> Cleaned:
    files = size = 0
    for weight, name in doomed:
        try:
            os.unlink(folder / name)  # a symbolic link is removed, not what it names
        except OSError as error:
            _log.debug("cache: cannot remove %s: %s", folder / name, error)
            continue
        files += 1
        size += weight
    return Cleaned(files, size)
