"""The journal of a move under way, in the cache folder: what to finish or undo after a crash.

It holds the whole plan: for each rewritten note, the hashes of its bytes before and after and
the one stretch of bytes that differs between them (base64), and the renames in order. It is
written before anything in the vault changes and removed once all is done, so a journal found
means a move that stopped part-way. A note's other version is rebuilt from the note as it is
found, when it is one of the two: a hub's thousand rewritten notes make a journal of a few
hundred kilobytes, not of twice their size.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.store import cache_dir, cache_file, read_entry, write_entry

__all__ = ["Journal", "JournalWrite", "journal_file", "read_journal", "remove_journal", "save"]

_VERSION = 2


@dataclass(frozen=True, slots=True)
class JournalWrite:
    """A rewritten note's bytes before and after; read back from a journal, both ``None`` when
    the note is found as neither (changed since, or gone)."""

    path: str  # where the note is before the renames
    new_path: str  # and after
    old: bytes | None
    new: bytes | None


@dataclass(frozen=True, slots=True)
class Journal:
    writes: tuple[JournalWrite, ...]
    renames: tuple[tuple[str, str], ...]
    folders: tuple[str, ...]
    git: bool = False


def journal_file(root: Path, directory: Path | None = None) -> Path:
    """The journal of the vault at ``root``: named by the vault's key, as its cache files are."""
    real = Path(os.path.realpath(root))
    return cache_file(real, cache_dir() if directory is None else directory, "movejournal")


def save(file: Path, journal: Journal) -> None:
    """Write the journal (atomically: a reader finds it whole or not at all)."""
    document = {
        "version": _VERSION,
        "writes": [_written(w) for w in journal.writes],
        "renames": [list(pair) for pair in journal.renames],
        "folders": list(journal.folders),
        "git": journal.git,
    }
    write_entry(file, json.dumps(document).encode("utf-8"))


def _written(write: JournalWrite) -> dict[str, object]:
    old, new = write.old or b"", write.new or b""
    at, end = _differing(old, new)
    return {
        "path": write.path,
        "new_path": write.new_path,
        "old_hash": _hash(old),
        "new_hash": _hash(new),
        "at": at,
        "old": base64.b64encode(old[at : len(old) - end]).decode("ascii"),
        "new": base64.b64encode(new[at : len(new) - end]).decode("ascii"),
    }


def _differing(old: bytes, new: bytes) -> tuple[int, int]:
    """How many bytes ``old`` and ``new`` share at the start, and then at the end (slices
    compared by halves: a byte-by-byte loop would cost more than the rest of the journal)."""
    most = min(len(old), len(new))
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    at, low, high = low, 0, most - low
    while low < high:
        middle = (low + high + 1) // 2
        if old[len(old) - middle :] == new[len(new) - middle :]:
            low = middle
        else:
            high = middle - 1
    return at, low


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_journal(file: Path, root: Path) -> Journal | str | None:
    """The journal in ``file`` of the vault at ``root``, each note's two versions rebuilt from
    the note as it is now; ``None`` when there is none; a sentence when it cannot be read."""
    data = read_entry(file)
    if data is None:
        return None
    try:
        document = json.loads(data)
        version = document.get("version")
        if version not in (1, _VERSION):
            return "a journal of another version of vaultgraph"
        # Version 1 (vaultgraph before this one) held each note's two versions whole.
        rebuilt = _rebuilt if version == _VERSION else _whole
        writes = tuple(rebuilt(root, w) for w in document["writes"])
        renames = tuple((str(a), str(b)) for a, b in document["renames"])
        folders = tuple(str(f) for f in document["folders"])
        return Journal(writes, renames, folders, bool(document.get("git", False)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return "a journal that cannot be read"


def _whole(root: Path, entry: dict[str, object]) -> JournalWrite:
    old = base64.b64decode(str(entry["old"]), validate=True)
    new = base64.b64decode(str(entry["new"]), validate=True)
    return JournalWrite(str(entry["path"]), str(entry["new_path"]), old, new)


def _rebuilt(root: Path, entry: dict[str, object]) -> JournalWrite:
    path, new_path = str(entry["path"]), str(entry["new_path"])
    at = entry["at"]
    if not isinstance(at, int) or isinstance(at, bool) or at < 0:
        raise ValueError("not an offset")
    old_part = base64.b64decode(str(entry["old"]), validate=True)
    new_part = base64.b64decode(str(entry["new"]), validate=True)
    old_hash, new_hash = str(entry["old_hash"]), str(entry["new_hash"])
    for where in (path, new_path):  # before the renames, or after
        try:
            found = (root / where).read_bytes()
        except OSError:
            continue
        kept = found[:at], found[at + len(old_part) :], found[at + len(new_part) :]
        if _hash(found) == old_hash and _hash(new := kept[0] + new_part + kept[1]) == new_hash:
            return JournalWrite(path, new_path, found, new)
        if _hash(found) == new_hash and _hash(old := kept[0] + old_part + kept[2]) == old_hash:
            return JournalWrite(path, new_path, old, found)
    return JournalWrite(path, new_path, None, None)


def remove_journal(file: Path) -> None:
    file.unlink(missing_ok=True)
