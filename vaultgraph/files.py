"""List a vault's files safely and read notes as strict UTF-8 without ever raising."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Literal

from vaultgraph.positions import split_lines

__all__ = [
    "APP_JSON",
    "BINARY",
    "DIRECTORY",
    "MAX_APP_JSON",
    "MAX_VAULT_DEPTH",
    "NOFOLLOW",
    "NONBLOCK",
    "ReadFailure",
    "SkippedPath",
    "VaultError",
    "VaultFiles",
    "check_root",
    "decode_text",
    "find_vault_root",
    "is_inside",
    "read_app_json",
    "read_failure",
    "read_inside",
    "read_lines",
    "read_regular",
    "read_text",
    "scan_vault",
    "stat_in",
    "write_atomically",
]

_Kind = Literal["file", "dir", "linked-dir", "skip"]

# The flags of os.open that not every system has, defined here once for this module and those
# that open files themselves (lock.py, lint/fix.py): 0 where the system lacks one (Windows has no
# named pipes in folders, no O_NOFOLLOW and no O_DIRECTORY; only Windows has O_BINARY), and the
# checks after opening still refuse what is not a regular file, or not a folder.
NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
BINARY: int = getattr(os, "O_BINARY", 0)
DIRECTORY: int = getattr(os, "O_DIRECTORY", 0)


# Why the scan skips a path whose files it could not see: a folder it could not list (no
# permission, a path too long for the system), an entry it could not look at.
_CANNOT_LIST = "cannot list folder: "
_CANNOT_INSPECT = "cannot inspect: "


@dataclass(frozen=True, slots=True)
class SkippedPath:
    """A path the scan did not take, and why (``"."`` is the vault folder itself)."""

    path: str
    reason: str

    @property
    def unseen(self) -> bool:
        """Whether vault files may be there that the scan could not see (a folder it could not
        list, an entry it could not look at), so that a link to one cannot be told broken."""
        return self.reason.startswith((_CANNOT_LIST, _CANNOT_INSPECT))


@dataclass(frozen=True, slots=True)
class VaultFiles:
    """Vault-relative POSIX paths as spelled on disk, each tuple sorted."""

    notes: tuple[str, ...]
    attachments: tuple[str, ...]
    skipped: tuple[SkippedPath, ...]


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """Why a file's text could not be read."""

    reason: str


class VaultError(Exception):
    """The vault cannot be loaded at all; the message says what to do."""


def check_root(root: Path) -> None:
    """Raise :class:`VaultError` unless ``root`` is a folder."""
    if not root.exists():
        raise VaultError(f"{root}: no such folder; give the path of an Obsidian vault folder")
    if not root.is_dir():
        raise VaultError(
            f"{root}: not a folder; give the vault folder that holds the notes, not a file in it"
        )


# How many folders find_vault_root looks in, at most: far more than any real path is deep.
MAX_VAULT_DEPTH = 256
_OBSIDIAN = ".obsidian"


def find_vault_root(start: str | os.PathLike[str]) -> Path | None:
    """The nearest folder at or above ``start`` that holds a ``.obsidian/`` folder, as git finds
    a repository; ``None`` when there is none up to the filesystem root.

    ``start`` is a folder, or a file (the search then starts at its folder); a path that does
    not exist has no vault (``None``). ``.obsidian`` counts only as a real folder: a file, or a
    symbolic link (which could lead out of the tree), does not make a vault. A folder that cannot
    be looked into is passed over. The search is lexical on the resolved path, looks in at most
    :data:`MAX_VAULT_DEPTH` folders, reads nothing and never raises for what it finds on disk.
    The folder is returned resolved (absolute, without symbolic links).
    """
    try:
        here = Path(os.path.realpath(start))
        if not here.is_dir():
            if not here.exists():
                return None
            here = here.parent
    except (OSError, ValueError):  # a path too long, a NUL byte
        return None
    for folder in [here, *here.parents][:MAX_VAULT_DEPTH]:
        try:
            mode = os.lstat(folder / _OBSIDIAN).st_mode
        except (OSError, ValueError):
            continue
        if stat.S_ISDIR(mode):
            return folder
    return None


def scan_vault(root: Path) -> VaultFiles:
    """List every file of the vault at ``root``, ignoring hidden ones (``.obsidian/``, ``.git``).

    Symlinks are followed only while they stay inside the vault, and each real folder is listed
    once. Real folders are listed before symlinked ones so that a file reachable both ways keeps
    its real path.
    """
    real_root = os.path.realpath(root)
    visited: set[str] = set()
    found: list[str] = []
    skipped: list[SkippedPath] = []
    real_dirs: deque[tuple[str, str]] = deque([("", real_root)])
    linked_dirs: deque[tuple[str, str]] = deque()
    while real_dirs or linked_dirs:
        rel, real = real_dirs.popleft() if real_dirs else linked_dirs.popleft()
        if real in visited:
            skipped.append(SkippedPath(rel, "symlink to a folder listed already (loop or copy)"))
            continue
        visited.add(real)
        try:
            entries = _list_folder(real)
        except OSError as error:
            skipped.append(SkippedPath(rel or ".", _CANNOT_LIST + _os_reason(error)))
            continue
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            kind, detail = _classify(entry, real_root)
            if kind == "file":
                found.append(child)
            elif kind == "dir":
                real_dirs.append((child, detail))
            elif kind == "linked-dir":
                linked_dirs.append((child, detail))
            elif kind == "skip":
                skipped.append(SkippedPath(child, detail))
    notes = sorted(path for path in found if _is_note(path))
    attachments = sorted(path for path in found if not _is_note(path))
    return VaultFiles(
        tuple(notes), tuple(attachments), tuple(sorted(skipped, key=lambda s: s.path))
    )


def read_text(root: Path, relpath: str) -> str | ReadFailure:
    """Read a vault file as strict UTF-8, dropping a byte-order mark."""
    try:
        data, _ = read_regular(Path(root) / relpath)
    except OSError as error:
        return read_failure(error)
    return decode_text(data)


def read_lines(root: Path, relpath: str) -> list[str] | None:
    """A note's lines as :func:`read_text` reads it and markdown-it counts them (line ``n``
    is ``lines[n - 1]``); ``None`` if it cannot be read."""
    text = read_text(root, relpath)
    return split_lines(text) if isinstance(text, str) else None


def read_regular(
    path: str | os.PathLike[str],
    *,
    limit: int | None = None,
    follow_symlinks: bool = True,
    owner: int | None = None,
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file, and its ``fstat`` taken before they were read.

    Never blocks and never reads without end: the file is opened non-blocking (a named pipe
    opens at once, with no writer to wait for), and anything that is not a regular file (a
    pipe, a device such as ``/dev/zero``, a folder) is refused with an :class:`OSError`, as is
    a file of more than ``limit`` bytes. A file swapped for one of those between the listing
    of a vault and this read is refused the same way. Without ``follow_symlinks``, a symbolic
    link is refused too (its last component: ``O_NOFOLLOW``). With ``owner`` (a user id), a
    file that user does not own is refused as well, before any of it is read.
    """
    flags = os.O_RDONLY | NONBLOCK | BINARY | (0 if follow_symlinks else NOFOLLOW)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as stream:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_file_kind(found.st_mode)})")
        if owner is not None and found.st_uid != owner:
            raise OSError(errno.EACCES, f"owned by another user (uid {found.st_uid})")
        if limit is not None and found.st_size > limit:
            raise OSError(errno.EFBIG, f"over {limit:,} bytes")
        data = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(data) > limit:  # it grew while being read
        raise OSError(errno.EFBIG, f"over {limit:,} bytes")
    return data, found


APP_JSON = ".obsidian/app.json"
# Obsidian's app.json holds a few dozen settings, a few kilobytes; anything larger is not one.
MAX_APP_JSON = 1 << 20


def read_app_json(root: str | os.PathLike[str]) -> bytes:
    """The bytes of the vault's ``app.json``: a regular file inside the vault, at most
    :data:`MAX_APP_JSON` bytes, never waited on. Raises :class:`OSError`."""
    return read_inside(root, APP_JSON, limit=MAX_APP_JSON)


def read_inside(root: str | os.PathLike[str], relpath: str, *, limit: int) -> bytes:
    """The bytes of a settings file in the vault at ``root``, read as :func:`read_regular` does
    (at most ``limit`` bytes), refused with an :class:`OSError` when its real path is outside
    the vault: a vault's settings are read from the vault, never through a link out of it."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(root, relpath))
    if not is_inside(real, real_root):
        raise OSError(errno.EACCES, "a symlink to outside the vault")
    # Opened by its real path without following links: a link put in its place since the check
    # is refused, not followed.
    data, _ = read_regular(real, limit=limit, follow_symlinks=False)
    return data


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def read_failure(error: OSError) -> ReadFailure:
    """The failure to report for a file the system would not read."""
    return ReadFailure(f"cannot read: {_os_reason(error)}")


def decode_text(data: bytes) -> str | ReadFailure:
    """A note's bytes as strict UTF-8 text, dropping a byte-order mark.

    A NUL byte alone does not make a note binary: a hex dump pasted into a code fence has some,
    and the note around it is still worth reading. A file with a NUL byte is binary when it does
    not decode as UTF-8, or when control characters make up more than a tenth of its bytes. A
    NUL byte in a note that is read becomes U+FFFD, as CommonMark has the parser do anyway.
    """
    nul = data.find(b"\x00")
    wide = _wide_encoding(data, nul)
    if wide is not None:
        return ReadFailure(f"file is {wide} encoded; vaultgraph reads UTF-8 notes")
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        if nul != -1:
            return _binary(nul)
        offset = start + error.start
        return ReadFailure(f"not UTF-8 (byte 0x{data[offset]:02x} at offset {offset})")
    if nul == -1:
        return text
    if _looks_binary(data):
        return _binary(nul)
    # Replaced here rather than left to the parser, so that the text every reader slices (a
    # link as written, a finding's message, a mention's context) is the text that was parsed.
    return text.replace("\x00", "\ufffd")


# Byte-order marks of the encodings that Windows tools ("Unicode" in Notepad) and some exporters
# write; UTF-32's are tried first, as its little-endian one starts with UTF-16's.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
# How much of a file without a BOM is looked at to tell UTF-16 text from other binary data.
_WIDE_SAMPLE = 1 << 16
# Characters no text file holds: C0 controls but tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# The same characters as bytes: in UTF-8, no other character is encoded with any of them.
_CONTROL_BYTES = bytes(byte for byte in range(0x80) if _CONTROL.match(chr(byte)))
# More control characters than one byte in this many make a file with a NUL byte binary. Of the
# 59,669 files with NUL bytes under /usr, /etc and /var/lib of a Debian system, 141 decode as
# UTF-8: the one text file among them is 0.1% control characters, the least of the binaries (a
# compiled terminfo entry) 21%, most over 50%.
_BINARY_SHARE = 10


def _wide_encoding(data: bytes, nul: int) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` is text in that encoding, else ``None``;
    ``nul`` is the offset of its first NUL byte, -1 for none.

    A BOM says so outright. Without one, the NUL bytes tell: each ASCII character of UTF-16 text
    has one as its high byte, so they are many and fall on one side (odd offsets little-endian,
    even ones big-endian), and the text decodes cleanly that way round, with no control
    character. Binary data with NUL bytes fails one of those tests and is judged as UTF-8 then,
    as is UTF-8 text with a few NUL bytes. UTF-16 text with almost no ASCII in it has too few NUL
    bytes to tell: it is a "binary file", or "not UTF-8" when it has none.
    """
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    if nul == -1 or len(data) % 2:
        return None
    sample = data[:_WIDE_SAMPLE]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    most, fewest = max(even, odd), min(even, odd)
    # Every ASCII character (spaces, line ends, Markdown) gives one NUL on its side; a character
    # such as U+4E00, or U+D83D U+DE00, puts one on the other side now and then.
    if most * 16 < len(sample) // 2 or fewest * 3 > most:
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = codecs.getincrementaldecoder(codec)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    return "UTF-16" if text and _CONTROL.search(text) is None else None


def _binary(nul: int) -> ReadFailure:
    return ReadFailure(f"binary file (NUL byte at offset {nul})")


def _looks_binary(data: bytes) -> bool:
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls * _BINARY_SHARE > len(data)


def _list_folder(real: str) -> list[os.DirEntry[str]]:
    with os.scandir(real) as listing:
        return sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)


def _classify(entry: os.DirEntry[str], real_root: str) -> tuple[_Kind, str]:
    """``(kind, detail)``: the detail is a folder's real path or the reason to skip."""
    if not _is_utf8(entry.name):
        return "skip", "file name is not valid UTF-8"
    try:
        if entry.is_symlink():
            return _classify_symlink(entry.path, real_root)
        if entry.is_dir(follow_symlinks=False):
            return "dir", entry.path
        if entry.is_file(follow_symlinks=False):
            return "file", ""
    except OSError as error:
        return "skip", _CANNOT_INSPECT + _os_reason(error)
    return "skip", "not a regular file or folder"


def _classify_symlink(path: str, real_root: str) -> tuple[_Kind, str]:
    target = os.path.realpath(path)
    if not is_inside(target, real_root):
        return "skip", "symlink to outside the vault"
    if _is_hidden(os.path.relpath(target, real_root)):
        return "skip", "symlink into a hidden folder"
    if os.path.isdir(target):
        return "linked-dir", target
    if os.path.isfile(target):
        return "file", ""
    return "skip", "broken symlink"


def is_inside(target: str, real_root: str) -> bool:
    """Whether the real path ``target`` is ``real_root`` or lies under it."""
    return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)


def _is_hidden(relative: str) -> bool:
    return any(part.startswith(".") and part != "." for part in Path(relative).parts)


def _is_utf8(name: str) -> bool:
    # os.scandir smuggles undecodable bytes through as lone surrogates; such a name cannot be
    # written into a link, a graph export or a message.
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_note(path: str) -> bool:
    return path.lower().endswith(".md")


def _os_reason(error: OSError) -> str:
    return error.strerror or str(error)


@contextmanager
def stat_in(root: str | os.PathLike[str]) -> Iterator[Callable[[str], os.stat_result]]:
    """``os.stat`` of vault-relative paths, looked up from the vault folder's descriptor where
    the system allows: a third cheaper than from the full path, which counts on warm runs."""
    try:
        folder = os.open(root, os.O_RDONLY) if os.stat in os.supports_dir_fd else None
    except OSError:
        folder = None
    if folder is None:
        base = os.path.join(root, "")  # joined as strings: pathlib costs more than the stat
        yield lambda relpath: os.stat(base + relpath)
        return
    try:
        yield partial(os.stat, dir_fd=folder)
    finally:
        os.close(folder)


def write_atomically(
    file: Path, data: bytes | Callable[[IO[bytes]], None], *, follow_symlinks: bool = True
) -> None:
    """Write ``data`` (bytes, or a function that writes to a binary stream) to ``file`` so that a
    reader sees the old contents or the new, never half.

    A regular file (or a new one) is written beside its name and renamed over it, with the
    permissions of the file it replaces, or for a new file those the umask allows (as writing
    it in place would give). Anything else (``/dev/null``, a pipe, a terminal) is written in
    place, never replaced. A symbolic link is followed: the file it names is replaced, the link
    stays; this is for files the user names (``export -o``), never for the cache, whose writer
    (``vaultgraph.store.write_entry``) follows none. No fsync: a power cut may lose the file but
    never leaves it half-written under its name.

    Unless ``follow_symlinks``, a symbolic link is not followed but replaced: a new regular file
    takes its name, and what it named is left as it was (``check -o``, whose report is often
    written in a shared checkout). A link to a pipe or a terminal (``/dev/stdout``) is still
    written through, in place.
    """
    write = _writing(data) if isinstance(data, bytes) else data
    target = Path(os.path.realpath(file))
    kept: int | None = None
    if not follow_symlinks and os.path.islink(file) and not _is_stream(target):
        folder, name = os.path.split(os.path.abspath(file))
        target = Path(os.path.realpath(folder), name)  # the link itself, in its real folder
    else:
        if target.exists() and not target.is_file():
            with target.open("wb") as device:
                write(device)
            return
        try:
            kept = os.stat(target).st_mode & 0o777
        except FileNotFoundError:
            kept = None
    descriptor, name = _new_beside(target)
    temporary = Path(name)
    try:
        if kept is not None:
            os.chmod(descriptor if os.chmod in os.supports_fd else name, kept)
        with os.fdopen(descriptor, "wb") as stream:
            write(stream)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _is_stream(path: Path) -> bool:
    """Whether ``path`` is a pipe or a character device (a terminal, ``/dev/null``)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def _new_beside(target: Path) -> tuple[int, str]:
    """A new temporary file in ``target``'s folder: its descriptor and name. Made as ``open``
    makes a file (mode 0o666 less the umask; ``tempfile.mkstemp`` would give 0o600), and as
    ``mkstemp`` does, with ``O_EXCL`` and ``O_NOFOLLOW``: never an existing file or link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= NOFOLLOW | BINARY
    for _ in range(100):
        name = os.path.join(target.parent, f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def _writing(content: bytes) -> Callable[[IO[bytes]], None]:
    def write(stream: IO[bytes]) -> None:
        stream.write(content)

    return write
