"""Read, hash and parse notes: in this process, or in a pool of processes when there are many."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass

from vaultgraph.cache import digest
from vaultgraph.files import ReadFailure, decode_text, read_failure, read_regular
from vaultgraph.model import Note
from vaultgraph.packing import (
    PackedResults,
    collecting,
    pack_records,
    pack_results,
    paused_gc,
    unpack_records,
    unpack_results,
)
from vaultgraph.parse import parse_note

__all__ = ["PARALLEL_MIN", "Pending", "Progress", "Read", "read_notes"]

Progress = Callable[[int, int], None]
"""Called with (notes read so far, notes to read) while notes are read and parsed."""

Pending = tuple[str, bytes | None]
"""A note to read, and the digest of the bytes it was last parsed from (``None``: unknown)."""

# Below this many notes to parse, starting processes costs more than it saves.
PARALLEL_MIN = 200
# Notes per task sent to a worker: enough to make the round trip cheap, few enough that the
# workers finish together and progress moves.
_CHUNK_MAX = 256

_log = logging.getLogger("vaultgraph")


@dataclass(frozen=True, slots=True)
class Read:
    """What reading one note gave. Stamp and digest are those of the bytes parsed."""

    size: int
    mtime_ns: int
    digest: bytes | None  # None: not hashed, or the system refused to read the file
    result: Note | ReadFailure | None  # None: the digest was the one known, nothing was parsed


@dataclass(frozen=True, slots=True)
class _Batch:
    """A worker's reads, packed for the trip back (see ``vaultgraph.packing``)."""

    columns: dict[str, list[object]]  # Read's fields but the result
    results: PackedResults


def read_notes(
    root: str,
    pending: Sequence[Pending],
    *,
    hashing: bool,
    jobs: int | None,
    progress: Progress | None,
) -> list[Read]:
    """Read the notes of ``pending`` under ``root``, in order; a note whose bytes hash to the
    known digest is not parsed. With many notes and ``jobs`` other than 1, worker processes
    parse them; if no pool can run here, this process does, with the same results."""
    workers = jobs or _cpus()
    if workers > 1 and len(pending) >= max(PARALLEL_MIN, 1):
        try:
            return _read_in_pool(root, pending, hashing, workers, progress)
        except Exception as error:  # no pool here (no fork, no semaphores): parse in-process
            _log.debug("parallel parsing failed (%s: %s); parsing serially", type(error), error)
    reads: list[Read] = []
    # Parsing makes cyclic garbage (a YAML loader class per note): collect it when there is much.
    with collecting() if len(pending) >= PARALLEL_MIN else nullcontext():
        for relpath, known in pending:
            reads.append(_read(root, relpath, known, hashing))
            if progress is not None:
                progress(len(reads), len(pending))
    return reads


def _read_in_pool(
    root: str,
    pending: Sequence[Pending],
    hashing: bool,
    workers: int,
    progress: Progress | None,
) -> list[Read]:
    size = max(1, min(_CHUNK_MAX, len(pending) // (workers * 4)))
    chunks = [pending[start : start + size] for start in range(0, len(pending), size)]
    batches: list[list[Read]] = [[] for _ in chunks]
    done = 0
    pool = ProcessPoolExecutor(max_workers=min(workers, len(chunks)))
    try:
        futures = {
            pool.submit(_read_chunk, root, chunk, hashing): index
            for index, chunk in enumerate(chunks)
        }
        for future in as_completed(futures):
            index = futures[future]
            batches[index] = _unpack_batch(future.result())
            done += len(chunks[index])
            if progress is not None:
                progress(done, len(pending))
    finally:
        pool.shutdown(cancel_futures=True)  # after a failure, do not wait for the rest
    return [read for batch in batches for read in batch]


def _read_chunk(root: str, chunk: Sequence[Pending], hashing: bool) -> _Batch:
    """In a worker process: read and parse a chunk of notes."""
    with collecting():  # a forked worker starts with its parent's collector, maybe held
        reads = [_read(root, relpath, known, hashing) for relpath, known in chunk]
    columns = pack_records(Read, reads)
    results = pack_results(columns.pop("result"))
    return _Batch(columns, results)


def _unpack_batch(batch: _Batch) -> list[Read]:
    with paused_gc():
        results = unpack_results(batch.results)
        return unpack_records(Read, {**batch.columns, "result": results}, batch.results.count)


def _read(root: str, relpath: str, known: bytes | None, hashing: bool) -> Read:
    """Read, hash and parse one note; the stamp is taken before the bytes are read."""
    try:
        data, stat = read_regular(os.path.join(root, relpath))  # never a pipe swapped in
    except OSError as error:
        return Read(0, 0, None, read_failure(error))
    hashed = digest(data) if hashing else None
    if hashed is not None and hashed == known:
        return Read(stat.st_size, stat.st_mtime_ns, hashed, None)
    text = decode_text(data)
    result = text if isinstance(text, ReadFailure) else parse_note(relpath, text)
    return Read(stat.st_size, stat.st_mtime_ns, hashed, result)


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))  # the CPUs this process may use, not the machine's
    return os.cpu_count() or 1
