"""The journal of a move under way, in the cache folder: what to finish or undo after a crash.

It holds the whole plan: each rewritten note's bytes before and after (base64) and the renames
in order. It is written before anything in the vault changes and removed once all is done, so
a journal found means a move that stopped part-way.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.store import cache_dir, cache_file, read_entry, write_entry

__all__ = ["Journal", "JournalWrite", "journal_file", "read_journal", "remove_journal", "save"]

_VERSION = 1


@dataclass(frozen=True, slots=True)
class JournalWrite:
    path: str  # where the note is before the renames
    new_path: str  # and after
    old: bytes
    new: bytes


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
        "writes": [
            {
                "path": w.path,
                "new_path": w.new_path,
                "old": base64.b64encode(w.old).decode("ascii"),
                "new": base64.b64encode(w.new).decode("ascii"),
            }
            for w in journal.writes
        ],
        "renames": [list(pair) for pair in journal.renames],
        "folders": list(journal.folders),
        "git": journal.git,
    }
    write_entry(file, json.dumps(document).encode("utf-8"))


def read_journal(file: Path) -> Journal | str | None:
    """The journal in ``file``; ``None`` when there is none; a sentence when it cannot be read."""
    data = read_entry(file)
    if data is None:
        return None
    try:
        document = json.loads(data)
        if document.get("version") != _VERSION:
            return "a journal of another version of vaultgraph"
        writes = tuple(
            JournalWrite(
                str(w["path"]),
                str(w["new_path"]),
                base64.b64decode(w["old"], validate=True),
                base64.b64decode(w["new"], validate=True),
            )
            for w in document["writes"]
        )
        renames = tuple((str(a), str(b)) for a, b in document["renames"])
        folders = tuple(str(f) for f in document["folders"])
        return Journal(writes, renames, folders, bool(document.get("git", False)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return "a journal that cannot be read"


def remove_journal(file: Path) -> None:
    file.unlink(missing_ok=True)
