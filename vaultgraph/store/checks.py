"""The check memo's file: the findings of a vault's last few configurations, and their key.

What the memo means, and when it is trusted, is :mod:`vaultgraph.lint.memo`'s; this module only
keeps it. It knows nothing of configurations but their bytes (the caller's ``repr`` of one), so
that the store stays below the rules.

The file (:mod:`vaultgraph.store.codec`): magic, the key's two halves (the vault's, then the
configuration's of the memo written last), the CRC-32 of the rest, then that memo's body (plain
data, see :mod:`vaultgraph.packing`). With memos of other configurations, their bodies follow,
written last first, then a table of their configuration keys and body lengths, their count and
a trailer. Same trust model as the note cache (:mod:`vaultgraph.store.notes`): nothing is
decoded unless the vault's half is this run's, then only the body whose configuration is this
run's; a damaged file is ignored whole.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from vaultgraph.files import SkippedPath, VaultFiles, read_app_json
from vaultgraph.packing import dump_plain, load_plain
from vaultgraph.store import codec
from vaultgraph.store.folder import read_entry, write_entry
from vaultgraph.store.notes import fingerprint

__all__ = [
    "FORMAT",
    "MAGIC",
    "MAX_CONFIGURATIONS",
    "CheckKey",
    "Memo",
    "NoteRecord",
    "Others",
    "Packed",
    "PackedEdit",
    "Stamp",
    "app_json_of",
    "memo_key",
    "read_memo",
    "write_memo",
]

# The memos a vault's file keeps, one per configuration, those written last.
MAX_CONFIGURATIONS = 4
FORMAT = 6
MAGIC = codec.magic("check", FORMAT)
_KEY_SIZE = codec.HALF_KEY  # each half: the vault's (its folder, app.json, the code), the config's
_TABLE_ROW = _KEY_SIZE + 4  # another configuration's key and the length of its body
_TRAILER = b"\x00vaultgraph-memos"  # ends a file of several memos; a body ends with STOP, "."

_log = logging.getLogger("vaultgraph")


# A finding as the memo keeps it: plain values, which unpickle many times faster than frozen
# dataclasses (a warm check of 10,000 notes reads some 20,000 records and findings).
PackedEdit = tuple[int, int, int, str, bool]  # line, column, end column, replacement, delete line
# path, line, column, code, rule, severity's value, message, fix
Packed = tuple[str, int, int, str, str, str, str, PackedEdit | None]
Stamp = tuple[int, int, bytes, bool]  # size, mtime in ns, content hash, racy


class NoteRecord(NamedTuple):
    """One note as its configuration's last check left it."""

    size: int
    mtime_ns: int
    digest: bytes
    racy: bool  # changed so close to its read that its stamp alone cannot be trusted
    findings: tuple[Packed, ...]
    warnings: tuple[str, ...]  # its suppression comments that name unknown rules
    aliases: tuple[str, ...]
    depends_on: frozenset[str]  # the notes its check looked into (NoteContext.asked)
    used_names: bool  # whether its check used the index of names and aliases


class CheckKey(NamedTuple):
    """A memo's key: :data:`~vaultgraph.store.codec.HALF_KEY` bytes each."""

    vault: bytes  # the folder, Obsidian's app.json, vaultgraph and its libraries
    config: bytes


# The memos of the vault's other configurations, written last first: each its key's configuration
# half and its body, carried as bytes from the file read to the file written, never decoded.
Others = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class Memo:
    """One configuration's memo, and the others' found beside it (``others``, not decoded)."""

    key: CheckKey
    others: Others
    files: VaultFiles
    unreadable: Mapping[str, str]
    records: Mapping[str, NoteRecord]  # every note and unreadable note of ``files``
    checked: tuple[str, ...]
    vault_warnings: tuple[str, ...]  # the run's warnings that belong to no note
    # The "did you mean" targets found for each broken target: they depend on the file list and
    # the aliases only, so a re-check of a few notes need not index the vault's names again.
    suggestions: Mapping[str, tuple[tuple[str, str | None], ...]]


def app_json_of(root: Path) -> bytes | OSError:
    """Obsidian's ``.obsidian/app.json`` of the vault at ``root`` (its excluded files), or why it
    could not be read: bounded, never waited on, as the check reads it."""
    try:
        return read_app_json(root)
    except OSError as error:
        return error


def memo_key(root: Path, config: bytes, app_json: bytes | OSError) -> CheckKey:
    """Everything besides the notes that decides the findings: the vault's half (its folder,
    Obsidian's excluded files, the code) and the configuration's, a hash of ``config`` (the
    caller's bytes for it: ``repr(config).encode()``)."""
    seen = hashlib.blake2b(digest_size=_KEY_SIZE)
    seen.update(os.fsencode(os.path.realpath(root)) + b"\0")
    if isinstance(app_json, OSError):
        seen.update(f"app.json: {app_json.errno}".encode())
    else:
        seen.update(app_json)
    seen.update(fingerprint(downstream=True))
    configured = hashlib.blake2b(config, digest_size=_KEY_SIZE)
    return CheckKey(seen.digest(), configured.digest())


def read_memo(file: Path, key: CheckKey) -> tuple[Memo | None, Others]:
    """This configuration's memo, if the file holds it, and the memos of the vault's others (at
    most :data:`MAX_CONFIGURATIONS` less one). Never raises; the debug log says why not."""
    data = read_entry(file)
    sealed = None if data is None else codec.unseal(data, MAGIC, key.vault, log="check memo")
    if sealed is None:
        return None, ()  # none, for another vault or version (not decoded), or damaged
    memos = _split(*sealed)
    if memos is None:
        _log.debug("check memo: %s has a damaged table; ignoring it", file)
        return None, ()
    body = next((b for k, b in memos if k == key.config), None)
    others = tuple((k, b) for k, b in memos if k != key.config)[: MAX_CONFIGURATIONS - 1]
    if body is None:
        return None, others  # only other configurations': not decoded
    try:
        files, unreadable, records, *rest = load_plain(body)
        notes, attachments, skipped = files
        scanned = VaultFiles(notes, attachments, tuple(SkippedPath(*s) for s in skipped))
        known = {path: NoteRecord._make(fields) for path, fields in records.items()}
        return Memo(key, others, scanned, unreadable, known, *rest), others
    except Exception as error:  # a damaged file may fail in any way decoding can
        _log.debug("check memo: ignoring %s: %s", file, error)
        return None, others


def _split(first: bytes, data: bytes) -> list[tuple[bytes, bytes]] | None:
    """The memos of a file whose header names ``first`` and whose rest is ``data``, as
    (configuration key, body), from the table alone; ``None`` for a table that does not add up."""
    if not data.endswith(_TRAILER):
        return [(first, data)]  # one memo: the rest is its body
    end = len(data) - len(_TRAILER) - 1
    count = data[end] if end >= 0 else 0
    table = end - count * _TABLE_ROW
    if not 0 < count < MAX_CONFIGURATIONS or table <= 0:
        return None
    rows = [data[table + i * _TABLE_ROW : table + (i + 1) * _TABLE_ROW] for i in range(count)]
    lengths = [int.from_bytes(row[_KEY_SIZE:], "big") for row in rows]
    start = table - sum(lengths)
    if start <= 0:
        return None
    memos = [(first, data[:start])]
    for row, length in zip(rows, lengths, strict=True):
        memos.append((row[:_KEY_SIZE], data[start : start + length]))
        start += length
    return memos


def write_memo(file: Path, memo: Memo) -> None:
    """Write ``memo`` as ``file``, with the first of its ``others`` but its own configuration's
    (as read, not encoded again). Never raises: a memo that cannot be written must not fail the
    check; the debug log says why."""
    # Stored as plain tuples, records too: pickling 10,000 named tuples costs four times more,
    # and the file must hold nothing but plain data (see vaultgraph/packing.py).
    records = {path: tuple(record) for path, record in memo.records.items()}
    skipped = tuple((s.path, s.reason) for s in memo.files.skipped)
    stored = (
        (memo.files.notes, memo.files.attachments, skipped),
        dict(memo.unreadable),
        records,
        memo.checked,
        memo.vault_warnings,
        dict(memo.suggestions),
    )
    others = [(k, b) for k, b in memo.others if k != memo.key.config][: MAX_CONFIGURATIONS - 1]
    try:
        rest = [dump_plain(stored), *(body for _, body in others)]
        if others:
            rest.extend(k + len(body).to_bytes(4, "big") for k, body in others)
            rest.append(len(others).to_bytes(1, "big") + _TRAILER)
        write_entry(file, codec.seal(MAGIC, memo.key.vault, memo.key.config, b"".join(rest)))
    except Exception as error:  # a memo that cannot be written must not fail the check
        _log.debug("check memo: cannot write %s: %s: %s", file, type(error).__name__, error)
