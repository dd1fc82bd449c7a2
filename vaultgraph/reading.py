"""Read, hash and parse notes: in this process, or in a pool of processes when there are many."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, cast

from vaultgraph.files import ReadFailure, decode_text, read_failure, read_regular
from vaultgraph.model import Note
from vaultgraph.packing import (
    PackedResults,
    pack_records,
    pack_results,
    paused_gc,
    unpack_records,
    unpack_results,
)
from vaultgraph.parse import parse_note
from vaultgraph.signals import stopped_by_signals
from vaultgraph.store import digest

__all__ = ["PARALLEL_MIN", "NotePool", "Pending", "Progress", "Read", "Visit", "read_notes"]

Progress = Callable[[int, int], None]
"""Called with (notes read so far, notes to read) while notes are read and parsed."""

Pending = tuple[str, bytes | None]
"""A note to read, and the digest of the bytes it was last parsed from (``None``: unknown)."""

Visit = Callable[[Mapping[str, Note], Any], Any]
"""A pass over the notes a worker parsed (path -> note) with data shared by every worker,
giving that worker's result. A module-level function: it is sent to the workers by name."""

# Below this many notes to parse, starting processes costs more than it saves.
PARALLEL_MIN = 200
# Notes per task sent to a worker: enough to make the round trip cheap, few enough that the
# workers finish together and progress moves.
_CHUNK_MAX = 256
# Notes parsed between two collections of the youngest generation (see ``_read_all``).
_COLLECT_EVERY = _CHUNK_MAX
# How long a worker told to stop (or killed) gets to end before it is killed (or left).
_JOIN_S = 1.0
# How often a worker that cannot ask the system to end it with its parent looks for the parent.
_WATCH_S = 0.2
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

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
    blobs: Mapping[str, bytes] | None = None,
    pool: NotePool | None = None,
) -> list[Read]:
    """Read the notes of ``pending`` under ``root``, in order; a note whose bytes hash to the
    known digest is not parsed. With many notes and ``jobs`` other than 1, worker processes
    parse them (``pool``'s, which keep the notes for :meth:`NotePool.visit`, else a pool of
    this call's own); if no pool can run here, this process does, with the same results.

    ``blobs``: the bytes of each note when they are in hand already (a git revision's): they
    are hashed and parsed as a file's bytes are, and nothing is read from ``root``; such a
    read's stamp is the size of the bytes and an mtime of 0.
    """
    if pool is not None:
        return pool.read(root, pending, hashing=hashing, progress=progress, blobs=blobs)
    with NotePool(jobs, keep=False) as own:
        return own.read(root, pending, hashing=hashing, progress=progress, blobs=blobs)


class NotePool:
    """Worker processes that parse notes, started when there are enough to parse, and that
    keep what they parsed for a later pass over it (:meth:`visit`): the work that needs only
    each note (and what every worker is given) is done where the notes already are, in
    parallel, and nothing but its results comes back.

    Leaving the block ends the workers (see ``_Workers``). A pool whose workers failed parses
    in this process from then on, and visits nothing.
    """

    def __init__(self, jobs: int | None = None, *, keep: bool = True) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self._jobs = jobs or _cpus()
        self._keep = keep
        self._stack = contextlib.ExitStack()
        self._workers: _Workers | None = None
        self._failed = False
        self._held = False  # whether the workers hold notes to visit

    def __enter__(self) -> NotePool:
        return self

    def __exit__(self, *error: object) -> None:
        self._stack.__exit__(*error)  # type: ignore[arg-type]
        self._workers = None

    def read(
        self,
        root: str,
        pending: Sequence[Pending],
        *,
        hashing: bool,
        progress: Progress | None = None,
        blobs: Mapping[str, bytes] | None = None,
    ) -> list[Read]:
        """:func:`read_notes` of ``pending``, in this pool's workers when there are enough."""
        if self._jobs > 1 and not self._failed and len(pending) >= max(PARALLEL_MIN, 1):
            try:
                workers = self._start(min(self._jobs, len(pending)))
                reads = _read_in_pool(workers, root, pending, hashing, self._keep, progress, blobs)
                parsed = any(isinstance(read.result, Note) for read in reads)
                self._held = self._held or (self._keep and parsed)
                return reads
            except Exception as error:  # no processes here, or a worker failed: parse here
                self._fail(error)
        # A few notes make little garbage, left to the caller's collector as it is: a
        # collection here would walk all the caller made since its last one (a warm load's
        # decoded cache).
        collect = len(pending) >= PARALLEL_MIN
        return _read_all(root, pending, hashing, progress, collect=collect, blobs=blobs)

    @property
    def holds_notes(self) -> bool:
        """Whether the workers parsed notes and keep them, for :meth:`visit`."""
        return self._workers is not None and self._held and not self._failed

    def visit(self, task: Visit, shared: object) -> list[Any] | None:
        """``task(notes, shared)`` in every worker, over the notes it parsed and kept: each
        worker's result; ``None`` when no worker holds notes or one failed (the caller then
        does the work itself). ``shared`` is sent to each worker: keep it small."""
        if self._workers is None or not self.holds_notes:
            return None
        try:
            return _visit_in_pool(self._workers, task, shared)
        except Exception as error:
            self._fail(error)
            return None

    def _start(self, count: int) -> _Workers:
        if self._workers is None:
            self._stack.enter_context(stopped_by_signals())
            self._workers = self._stack.enter_context(_Workers(count))
        return self._workers

    def _fail(self, error: Exception) -> None:
        _log.debug("parallel parsing failed (%s: %s); going on in-process", type(error), error)
        self._failed = True
        if self._workers is not None:
            self._workers.kill()
            self._workers = None


def _read_all(
    root: str,
    pending: Sequence[Pending],
    hashing: bool,
    progress: Progress | None = None,
    *,
    collect: bool = True,
    blobs: Mapping[str, bytes] | None = None,
) -> list[Read]:
    """Read the notes; if ``collect``, with the cycle collector held, collecting only the
    youngest generation every ``_COLLECT_EVERY`` notes and at the end.

    A note's parse makes thousands of short-lived objects (markdown-it's tokens), and the
    collector left to itself runs every 700 of them, moving each note's tokens up to older
    generations that it then walks again: 8 % of the parse. The parse's cyclic garbage (about
    25 objects a note: a YAML loader class and its loader) is all dead by the end of its note,
    so a collection of the objects made since the last one frees it all; the notes read so far
    are left in older generations, never walked again, so that this stays linear.
    """
    reads: list[Read] = []
    with paused_gc() if collect else nullcontext():
        for relpath, known in pending:
            if blobs is None:
                reads.append(_read(root, relpath, known, hashing))
            else:
                data = blobs[relpath]
                reads.append(_parse_bytes(relpath, data, len(data), 0, known, hashing))
            if collect and len(reads) % _COLLECT_EVERY == 0:
                gc.collect(0)
            if progress is not None:
                progress(len(reads), len(pending))
        if collect:
            gc.collect(0)
    return reads


def _read_in_pool(
    pool: _Workers,
    root: str,
    pending: Sequence[Pending],
    hashing: bool,
    keep: bool,
    progress: Progress | None,
    blobs: Mapping[str, bytes] | None,
) -> list[Read]:
    size = max(1, min(_CHUNK_MAX, len(pending) // (len(pool.connections) * 4)))
    chunks = deque(
        (index, pending[start : start + size])
        for index, start in enumerate(range(0, len(pending), size))
    )
    batches: list[list[Read]] = [[] for _ in chunks]
    done = 0
    busy: dict[Connection, tuple[int, int]] = {}  # a worker's pipe -> its chunk, its notes

    def feed(worker: Connection) -> None:
        if chunks:
            index, chunk = chunks.popleft()
            given = None if blobs is None else {path: blobs[path] for path, _ in chunk}
            worker.send(_Parse(root, chunk, hashing, keep, given))
            busy[worker] = (index, len(chunk))

    for worker in pool.connections:
        feed(worker)
    while busy:
        for ready in wait(list(busy)):
            worker = cast(Connection, ready)
            reply = worker.recv()  # EOFError if the worker died: the caller parses here
            index, count = busy.pop(worker)
            feed(worker)  # before unpacking, so that it parses while this process unpacks
            if isinstance(reply, _Failed):
                raise RuntimeError(f"a parse worker failed: {reply.error}")
            batches[index] = _unpack_batch(reply)
            done += count
            if progress is not None:
                progress(done, len(pending))
    return [read for batch in batches for read in batch]


def _visit_in_pool(pool: _Workers, task: Visit, shared: object) -> list[Any]:
    for worker in pool.connections:
        worker.send(_Visiting(task, shared))
    replies: list[Any] = []
    for worker in pool.connections:
        reply = worker.recv()
        if isinstance(reply, _Failed):
            raise RuntimeError(f"a worker failed: {reply.error}")
        replies.append(reply)
    return replies


@dataclass(frozen=True, slots=True)
class _Parse:
    """A chunk of notes for a worker to read and parse, and whether to keep them after."""

    root: str
    chunk: Sequence[Pending]
    hashing: bool
    keep: bool
    blobs: Mapping[str, bytes] | None = None  # the chunk's bytes, when in hand (a revision's)


@dataclass(frozen=True, slots=True)
class _Visiting:
    """A pass for a worker to run over the notes it kept."""

    task: Visit
    shared: object


class _Workers:
    """Worker processes, each fed one chunk at a time over a pipe of its own.

    Leaving the block ends them: told to stop when it ends normally, killed at once on any
    exception (Ctrl-C, a signal turned into one by ``stopped_by_signals``), so that no worker
    outlives its command. A worker also ends by itself when this process dies (see
    ``_work``). Nothing else is shared: no queue, lock or helper thread that the end of the
    command would have to wait for.
    """

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context()
        self._processes: list[BaseProcess] = []
        self.connections: list[Connection] = []
        try:
            for _ in range(count):
                mine, theirs = context.Pipe()
                self.connections.append(mine)
                try:
                    process = context.Process(target=_work, args=(theirs, os.getpid()))
                    process.daemon = True  # ended by multiprocessing at exit, should all else fail
                    process.start()
                finally:
                    theirs.close()  # the worker's end: this process must not hold it open
                self._processes.append(process)
        except BaseException:
            self._kill()
            raise

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self._kill()
            return
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.send(None)  # stop
        self._join()

    def kill(self) -> None:
        """End the workers at once (the pool is of no more use)."""
        self._kill()

    def _kill(self) -> None:
        for process in self._processes:
            with contextlib.suppress(OSError):  # gone already
                process.kill()
        self._join()

    def _join(self) -> None:
        for process in self._processes:
            process.join(_JOIN_S)
            if process.exitcode is None:  # still parsing after being told to stop
                process.kill()
                process.join(_JOIN_S)
        for connection in self.connections:
            connection.close()


@dataclass(frozen=True, slots=True)
class _Failed:
    """A worker's chunk raised: the exception as text (it may not survive pickling)."""

    error: str


def _work(connection: Connection, parent: int) -> None:
    """A worker process: parse the chunks sent until told to stop, or until the parent is gone."""
    _tie_to_parent(parent)
    # What it was forked with (the imports, the parent's listing of the vault) is left out of
    # every collection, and the collector runs only when ``_read_all`` asks: a forked worker
    # would otherwise start with its parent's choice, and walking the inherited objects would
    # copy the pages it shares with its parent.
    gc.disable()
    gc.freeze()
    kept: dict[str, Note] = {}  # the notes parsed, for a visit
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return  # the parent closed its end, or died
        if task is None:
            return
        reply: object
        try:
            if isinstance(task, _Visiting):
                reply = task.task(kept, task.shared)
                gc.collect(0)
            else:
                reads = _read_all(task.root, task.chunk, task.hashing, blobs=task.blobs)
                if task.keep:
                    kept.update(
                        (relpath, read.result)
                        for (relpath, _), read in zip(task.chunk, reads, strict=True)
                        if isinstance(read.result, Note)
                    )
                reply = _pack_batch(reads)
        except Exception as error:
            reply = _Failed(f"{type(error).__name__}: {error}")
        try:
            connection.send(reply)
        except OSError:
            return


def _tie_to_parent(parent: int) -> None:
    """Make this worker end with the process that started it, and hold none of its streams.

    Ctrl-C reaches every process of the terminal's group: the parent decides, and kills its
    workers. A forked worker has the parent's signal handlers: SIGTERM and SIGHUP get back
    their default action. Standard streams go to the null device, so that a worker never
    keeps a caller's pipe open (a caller waiting for the end of the output would wait for
    it). On Linux the kernel kills the worker when its parent dies, even by SIGKILL; elsewhere
    a thread looks for the parent every so often.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    os.close(null)
    started_by = os.getppid()  # the parent, or the fork server that forked this worker for it
    tied = _die_with_parent()
    if os.getppid() != started_by or not _alive(parent):
        os._exit(0)  # the parent died before the tie held
    if not tied and os.name == "posix":
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _die_with_parent() -> bool:
    """Ask Linux to kill this process when its parent ends; whether it agreed."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while _alive(parent):
        time.sleep(_WATCH_S)
    os._exit(0)


def _alive(pid: int) -> bool:
    # Signal 0 only asks whether the process exists (on POSIX: Windows has no such signal).
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def _pack_batch(reads: Sequence[Read]) -> _Batch:
    """In a worker process: a chunk's reads, for the trip back."""
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
    return _parse_bytes(relpath, data, stat.st_size, stat.st_mtime_ns, known, hashing)


def _parse_bytes(
    relpath: str, data: bytes, size: int, mtime_ns: int, known: bytes | None, hashing: bool
) -> Read:
    """Hash and parse a note's bytes, however they were read (a file, a git blob): the one
    place where a note's bytes become a note."""
    hashed = digest(data) if hashing else None
    if hashed is not None and hashed == known:
        return Read(size, mtime_ns, hashed, None)
    text = decode_text(data)
    result = text if isinstance(text, ReadFailure) else parse_note(relpath, text)
    return Read(size, mtime_ns, hashed, result)


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))  # the CPUs this process may use, not the machine's
    return os.cpu_count() or 1
