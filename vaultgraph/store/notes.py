"""The cache of parsed notes, per vault and by content: kept outside the vault, rebuilt in doubt."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import platform
import posixpath
import sys
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import vaultgraph
from vaultgraph.files import ReadFailure
from vaultgraph.model import Note
from vaultgraph.packing import (
    dump_plain,
    dump_results,
    load_plain,
    load_results,
    pack_records,
    paused_gc,
    unpack_records,
)
from vaultgraph.store import codec
from vaultgraph.store.folder import (
    cache_dir,
    entry_files,
    entry_name,
    read_entry,
    store_dir,
    write_entry,
)

__all__ = [
    "FORMAT",
    "Entry",
    "NoteCache",
    "SharedNotes",
    "cache_file",
    "cache_file_outside",
    "digest",
    "fingerprint",
    "vault_key",
]

# Trust model: the cache folder is used only when it is the user's alone (folder.py),
# and what is read from it is plain data, by an unpickler that refuses every global
# (vaultgraph/packing.py): a file planted there cannot run code. Nor is its content trusted: a
# file whose key (this vault, this format, this parser) is not the one expected is not decoded
# at all, and one that is truncated or damaged is ignored and rebuilt. Another vault's file of
# this format and parser is decoded only for notes of the same path and bytes (SharedNotes).

FORMAT = 5
_MAGIC = codec.magic("cache", FORMAT)
_DIGEST_SIZE = 32
_HEADER = codec.header_size(_MAGIC)  # magic, the key (the parser's half, the vault's), CRC-32
# A vault with notes its own file does not hold (a copy, a clone, another worktree) looks for
# them in at most this many other vaults' files, those written last.
_DONORS = 4
# Notes are stored in segments of about this many, by a hash of their path: a run that parses a
# few notes again re-encodes their segments only and copies the others' bytes as they were.
_SEGMENT_NOTES = 512
# Everything that decides what a note parses to, besides the note itself. The modules of the
# package are hashed by source, except those that only run after parsing.
_DOWNSTREAM = ("lint", "map")
_PARSING_LIBRARIES = ("markdown_it", "mdit_py_plugins", "frontmatter", "yaml")

_log = logging.getLogger("vaultgraph")


@dataclass(frozen=True, slots=True)
class Entry:
    """One note as the cache keeps it: the stamp and digest it was read with, and the result.

    Only failures that come from the bytes (binary, not UTF-8) are kept: a file the system
    refused to read is read again next time.
    """

    size: int
    mtime_ns: int
    digest: bytes
    result: Note | ReadFailure


@dataclass(frozen=True, slots=True)
class _Segment:
    paths: list[str]
    sizes: list[int]
    mtimes: list[int]
    digests: list[bytes]
    results: bytes  # these paths' results, in order, as packing.dump_results wrote them


@dataclass(frozen=True, slots=True)
class _Payload:
    started_ns: int
    segments: list[_Segment]


@dataclass(frozen=True, slots=True)
class NoteCache:
    """The cache file of one vault and the entries it held when the run began.

    ``started_ns`` is when the run that wrote the file began reading notes.
    """

    file: Path
    root: str  # the vault's resolved path
    entries: Mapping[str, Entry] = field(default_factory=dict)
    started_ns: int = 0
    _segments: Sequence[_Segment] = ()  # as read, to copy those whose notes did not change
    doubted: bool = False  # a file was there but not this vault's, or damaged: parse anew

    @classmethod
    def open(cls, root: Path, directory: Path | None = None) -> NoteCache | None:
        """The cache of the vault at ``root`` in ``directory`` (default :func:`cache_dir`).

        ``None`` when the cache would lie inside the vault. A missing, unreadable or damaged
        file gives an empty cache: never an error.
        """
        file = cache_file_outside(root, directory, "vault")
        if file is None:
            return None
        real = Path(os.path.realpath(root))
        data = read_entry(file)
        if data is None:
            return cls(file, str(real))
        # A file there that is not this vault's whole cache is a doubt: every note is parsed
        # again, none taken from another vault's file either.
        empty = cls(file, str(real), doubted=True)
        try:
            with paused_gc():  # a million new objects, none of them garbage
                payload = _decode(data, str(real))
                entries = {} if payload is None else _entries(payload.segments)
        except Exception as error:  # a damaged file may fail in any way decoding can
            _log.debug("cache: ignoring %s: %s: %s", file, type(error).__name__, error)
            return empty
        if payload is None:
            return empty
        return cls(file, str(real), entries, payload.started_ns, payload.segments)

    def fresh(self, relpath: str, size: int, mtime_ns: int) -> Entry | None:
        """The entry of a note whose stamp says it has not changed since it was read."""
        entry = self.entries.get(relpath)
        if entry is None or entry.size != size or entry.mtime_ns != mtime_ns:
            return None
        if codec.racy(mtime_ns, self.started_ns):
            return None  # changed too close to that read to tell by its stamp
        return entry

    def shared(self, wanted: Collection[str]) -> SharedNotes:
        """What other vaults' files in this folder hold of the notes at the ``wanted`` paths, to
        find them by content (nothing when this vault's own file was in doubt)."""
        if self.doubted:
            return SharedNotes()
        return SharedNotes.read(self.file.parent, self.file.name, wanted)

    def save(
        self, entries: Mapping[str, Entry], started_ns: int, shared: SharedNotes | None = None
    ) -> bool:
        """Replace the file with ``entries`` unless they are those it holds. Never raises.

        The file is written beside its final name and renamed over it, so a concurrent run
        reads the old file or the new one, never half of one; the last to finish wins. A
        segment whose notes are those of a segment of ``shared`` keeps its bytes.
        """
        if _same(entries, self.entries):
            return False
        try:
            segments = _segments(entries, self.entries, self._segments, shared)
            data = _encode(_Payload(started_ns, segments), self.root)
            write_entry(self.file, data)
        except Exception as error:  # a cache that cannot be written must not fail the run
            _log.debug("cache: cannot write %s: %s: %s", self.file, type(error).__name__, error)
            return False
        return True


class SharedNotes:
    """The notes other vaults' files hold, found by vault-relative path and content hash.

    A parsed note depends on its bytes, its path (the ``path`` it holds) and the parser, nothing
    else: a file whose key names this parser holds, for a path and a hash, what those bytes
    parse to there, whichever vault wrote it. A segment is decoded only when one of its notes
    is asked for, by the same unpickler as this vault's own file.
    """

    def __init__(self, segments: Sequence[_Segment] = ()) -> None:
        self.segments = tuple(segments)
        self._index: dict[str, tuple[bytes, int, int]] = {}  # path -> digest, segment, position
        for number, segment in enumerate(self.segments):
            for position, path in enumerate(segment.paths):
                self._index.setdefault(path, (segment.digests[position], number, position))
        self._decoded: dict[int, list[Note | ReadFailure | None] | None] = {}

    @classmethod
    def read(cls, folder: Path, own: str, wanted: Collection[str]) -> SharedNotes:
        """The segments holding notes at the ``wanted`` paths in the :data:`_DONORS` vault files
        of ``folder`` written last, but the one named ``own``; none is read once every path is
        found. A file that is refused, for another format or parser, or damaged is skipped.
        Never raises."""
        segments: list[_Segment] = []
        missing = set(wanted)
        for file in [f for f in entry_files(folder, "vault") if f.name != own][:_DONORS]:
            if not missing:
                break
            data = read_entry(file)
            try:
                payload = None if data is None else _decode(data, None)
                found = [] if payload is None else _indexable(payload.segments)
            except Exception as error:  # a damaged file may fail in any way decoding can
                _log.debug("cache: ignoring %s: %s: %s", file, type(error).__name__, error)
                continue
            for segment in found:
                if not missing.isdisjoint(segment.paths):
                    segments.append(segment)
            for segment in found:
                missing.difference_update(segment.paths)
        return cls(segments)

    def digest(self, relpath: str) -> bytes | None:
        """The content hash of the note kept for ``relpath`` (in the file written last)."""
        found = self._index.get(relpath)
        return None if found is None else found[0]

    def result(self, relpath: str, hashed: bytes) -> Note | ReadFailure | None:
        """What the note at ``relpath`` whose bytes hash to ``hashed`` parses to; ``None`` when
        none is kept or its segment cannot be decoded."""
        found = self._index.get(relpath)
        if found is None or found[0] != hashed:
            return None
        _, number, position = found
        if number not in self._decoded:
            self._decoded[number] = _decoded(self.segments[number])
        results = self._decoded[number]
        result = None if results is None else results[position]
        if isinstance(result, ReadFailure) or (isinstance(result, Note) and result.path == relpath):
            return result
        return None


def _indexable(segments: Sequence[_Segment]) -> list[_Segment]:
    """Another vault's segments, if they have the shape an index needs (their notes are
    checked when decoded); raises ``TypeError`` when one does not."""
    for segment in segments:
        paths, digests = segment.paths, segment.digests
        if type(paths) is not list or type(digests) is not list or len(paths) != len(digests):
            raise TypeError("not a segment")
        if type(segment.results) is not bytes or not all(type(p) is str for p in paths):
            raise TypeError("not a segment")
    return list(segments)


def _decoded(segment: _Segment) -> list[Note | ReadFailure | None] | None:
    try:
        with paused_gc():
            results = load_results(segment.results)
    except Exception as error:  # a damaged segment: its notes are parsed again
        _log.debug("cache: ignoring a segment: %s: %s", type(error).__name__, error)
        return None
    return results if len(results) == len(segment.paths) else None


def vault_key(real_root: str | os.PathLike[str]) -> str:
    """What the cache files of the vault whose resolved path is ``real_root`` are named by."""
    return hashlib.blake2b(os.fsencode(real_root), digest_size=16).hexdigest()


def cache_file(real_root: Path, directory: Path, kind: str = "vault") -> Path:
    """The cache file of this ``kind`` of the vault whose resolved path is ``real_root``."""
    return directory / entry_name(kind, vault_key(real_root))


def cache_file_outside(root: Path, directory: Path | None, kind: str) -> Path | None:
    """:func:`cache_file` of the vault at ``root`` in ``directory`` (default :func:`cache_dir`),
    or ``None`` when that would lie inside the vault (a cache never writes into a vault) or
    when :func:`~vaultgraph.store.folder.store_dir` refuses the folder (it warns once)."""
    real = Path(os.path.realpath(root))
    folder = cache_dir() if directory is None else directory
    file = cache_file(real, folder, kind)
    if Path(os.path.realpath(folder)).is_relative_to(real):
        _log.debug("cache: %s is inside the vault; not using it", file)
        return None
    if store_dir(folder) is None:
        return None
    return file


def digest(data: bytes | memoryview) -> bytes:
    """The content hash a note's bytes are compared by."""
    return hashlib.blake2b(data, digest_size=_DIGEST_SIZE).digest()


@cache
def fingerprint(*, downstream: bool = False) -> bytes:
    """A hash of everything besides a note that decides what it parses to (once per process);
    with ``downstream``, also what the rules and the map make of it.

    The source of vaultgraph's modules, not just its version, so that a change in a checkout
    invalidates caches too; Python's version; and the parsing libraries, each known by the path,
    size and mtime of its ``__init__`` and the names beside it (an upgrade rewrites them; PyYAML
    with or without libyaml differs there). Asking importlib.metadata or importing the libraries
    would cost more than the rest of a warm check.
    """
    seen = hashlib.blake2b(digest_size=_DIGEST_SIZE)
    versions = [vaultgraph.__version__, str(FORMAT), platform.python_implementation(), sys.version]
    seen.update("\n".join(versions).encode())
    for name in _PARSING_LIBRARIES:
        seen.update(_library_stamp(name).encode() + b"\0")
    package = os.path.dirname(vaultgraph.__file__)
    for relative, source in _sources(package, () if downstream else _DOWNSTREAM):
        seen.update(relative.encode() + b"\0")
        try:
            with open(source, "rb") as stream:
                seen.update(stream.read())
        except OSError:
            seen.update(b"unreadable")  # a build without sources: the version must do
    return seen.digest()


def _library_stamp(name: str) -> str:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return f"{name}: missing"
    try:
        found = os.stat(spec.origin)
        beside = sorted(os.listdir(os.path.dirname(spec.origin)))
    except OSError:
        return f"{name}: {spec.origin} unreadable"
    return f"{name}: {spec.origin} {found.st_size} {found.st_mtime_ns} {beside}"


def _sources(package: str, skipped: Sequence[str] = _DOWNSTREAM) -> list[tuple[str, str]]:
    """The package's modules but those in the ``skipped`` subpackages: (relative POSIX path,
    path), sorted."""
    found: list[tuple[str, str]] = []
    for folder, subfolders, names in os.walk(package):
        if folder == package:
            subfolders[:] = [name for name in subfolders if name not in skipped]
        relative = os.path.relpath(folder, package).replace(os.sep, "/")
        for name in names:
            if name.endswith(".py"):
                found.append((posixpath.normpath(f"{relative}/{name}"), os.path.join(folder, name)))
    return sorted(found)


def _segments(
    entries: Mapping[str, Entry],
    old: Mapping[str, Entry],
    was: Sequence[_Segment],
    shared: SharedNotes | None = None,
) -> list[_Segment]:
    """``entries`` in segments; a segment whose notes are those it held keeps its bytes, and so
    does one whose notes (paths and content hashes) are those of a segment of ``shared``."""
    count = 1 << max(0, (len(entries) // _SEGMENT_NOTES).bit_length() - 1)
    groups: list[list[str]] = [[] for _ in range(count)]
    for path in sorted(entries):
        groups[zlib.crc32(path.encode()) % count].append(path)
    previous = {tuple(segment.paths): segment.results for segment in was}
    alike = {
        (tuple(segment.paths), tuple(segment.digests)): segment.results
        for segment in (() if shared is None else shared.segments)
    }
    segments = []
    for paths in groups:
        kept = previous.get(tuple(paths))
        if kept is None or any(entries[p].result is not old[p].result for p in paths):
            kept = alike.get((tuple(paths), tuple(entries[p].digest for p in paths)))
        if kept is None:
            kept = dump_results([entries[p].result for p in paths])
        columns = pack_records(Entry, [entries[p] for p in paths])
        segments.append(
            _Segment(paths, columns["size"], columns["mtime_ns"], columns["digest"], kept)
        )
    return segments


# The file (codec.py): magic, the parser's key, the vault's key (the 16 bytes of vault_key, which
# names the file too), a CRC-32 of the body, the body. The keys are checked before anything else
# is read, so a file for another format or parser is never decoded, nor one for another vault but
# to find notes by content.


def _parser_key() -> bytes:
    return fingerprint()[: codec.HALF_KEY]


def _encode(payload: _Payload, root: str) -> bytes:
    segments = [(s.paths, s.sizes, s.mtimes, s.digests, s.results) for s in payload.segments]
    body = dump_plain((payload.started_ns, segments))
    return codec.seal(_MAGIC, _parser_key(), bytes.fromhex(vault_key(root)), body)


def _decode(data: bytes, root: str | None) -> _Payload | None:
    """The payload, ``None`` if the file is for another format or version, (unless ``root`` is
    ``None``: any vault) another folder, or damaged; raises if its body does not decode."""
    second = None if root is None else bytes.fromhex(vault_key(root))
    sealed = codec.unseal(data, _MAGIC, _parser_key(), second=second)
    if sealed is None:
        return None
    started_ns, segments = load_plain(sealed[1])
    if type(started_ns) is not int or type(segments) is not list:
        raise TypeError("not a cache payload")
    return _Payload(started_ns, [_Segment(*segment) for segment in segments])


def _entries(segments: Sequence[_Segment]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for segment in segments:
        results = load_results(segment.results)
        if None in results:
            raise ValueError("an entry without a result")
        columns: dict[str, list[Any]] = {
            "size": segment.sizes,
            "mtime_ns": segment.mtimes,
            "digest": segment.digests,
            "result": results,
        }
        found = unpack_records(Entry, columns, len(segment.paths))
        entries.update(zip(segment.paths, found, strict=True))
    return entries


def _same(new: Mapping[str, Entry], old: Mapping[str, Entry]) -> bool:
    # Entries carried over are the very objects read from the file.
    return new.keys() == old.keys() and all(old[path] is entry for path, entry in new.items())
