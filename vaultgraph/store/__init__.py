"""Everything vaultgraph persists: one cache folder, outside the vault, and the files in it.

What is kept, per vault, each file named by a hash of the vault's resolved path
(:func:`vault_key`), so that every path to one folder names the same files:

- ``vault-<key>.pickle``, the parsed notes (:mod:`vaultgraph.store.notes`): each note's stamp
  (size, mtime) and content hash (:func:`digest`) with what it parsed to, in segments of plain
  data columns. Other vaults' files serve a vault with none of its own, by path and content.
- ``check-<key>.pickle``, the check's memo (:mod:`vaultgraph.store.checks`): the findings of
  the last few configurations, each under a key of the vault's half and the configuration's
  (its bytes, as :mod:`vaultgraph.lint.memo` gives them: the store is below the rules, and
  imports nothing from them). When a memo still answers a check is :mod:`vaultgraph.lint.memo`'s.
- ``lock-<key>.pickle``, the write lock of ``check --fix`` (:mod:`vaultgraph.lock`): never
  removed by the size cap or :func:`clean`.

One layout for the cache files (:mod:`vaultgraph.store.codec`): a magic number with the format,
a key of two halves (compared before anything else is looked at, so that a file for another
format, parser or vault is never decoded), a CRC-32 of the body (it finds damage), then the body,
plain data read by an unpickler that refuses every global (:mod:`vaultgraph.packing`).

One freshness rule (:func:`~vaultgraph.store.codec.racy`): a note whose size and mtime are
those remembered has not changed, unless that mtime is within
:data:`~vaultgraph.store.codec.RACY_NS` (2 s) of the read that remembered it, or later; such a
"racily clean" note is checked by its content hash, as git does.

The trust model (:mod:`vaultgraph.store.folder`), as git's for a repository ("dubious
ownership"): the folder is used only when it belongs to the user running vaultgraph and nobody
else can write to it (:func:`store_dir`, :func:`dubious`); otherwise vaultgraph warns once and
runs without a cache. Its files are read without following links, only when they are regular
files of that user (:func:`read_entry`), written through a new temporary file renamed over their
name (:func:`write_entry`), and kept under :data:`MAX_STORE_BYTES` (:func:`prune`). Nothing read
is trusted beyond that: a file planted there anyway can make a run slower, or wrong until it is
rebuilt, never run code; a damaged or foreign file is ignored and rebuilt.

The modules: :mod:`~vaultgraph.store.folder` (the folder and its entry files),
:mod:`~vaultgraph.store.codec` (the file layout and the freshness rule),
:mod:`~vaultgraph.store.notes` (the parsed notes, by vault and by content) and
:mod:`~vaultgraph.store.checks` (the check memo's file and its key; imported as that module, its
one caller being :mod:`vaultgraph.lint.memo`).
"""

from __future__ import annotations

from vaultgraph.store.folder import (
    CACHE_DIR_ENV,
    MAX_STORE_BYTES,
    Cleaned,
    StoreError,
    cache_dir,
    clean,
    dubious,
    entry_name,
    prune,
    read_entry,
    store_dir,
    write_entry,
)
from vaultgraph.store.notes import (
    Entry,
    NoteCache,
    SharedNotes,
    cache_file,
    cache_file_outside,
    digest,
    fingerprint,
    vault_key,
)

__all__ = [
    "CACHE_DIR_ENV",
    "MAX_STORE_BYTES",
    "Cleaned",
    "Entry",
    "NoteCache",
    "SharedNotes",
    "StoreError",
    "cache_dir",
    "cache_file",
    "cache_file_outside",
    "clean",
    "digest",
    "dubious",
    "entry_name",
    "fingerprint",
    "prune",
    "read_entry",
    "store_dir",
    "vault_key",
    "write_entry",
]
