"""Parsing in worker processes: the workers end with their command, however it ends; the
collector runs only between chunks of notes, in the workers and in-process."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from tests.vaults import write_vault
from vaultgraph.model import Note
from vaultgraph.reading import PARALLEL_MIN, NotePool, Pending, read_notes

REPO = Path(__file__).resolve().parent.parent

# The command must still be parsing when it is stopped: with two workers, a few thousand notes
# take seconds.
_NOTES = 3000
_BODY = "".join(
    f"Line {i} links [[note{i % 50}]], tags #tag{i % 7} and says a little more.\n\n- item {i}\n"
    for i in range(40)
)
# However a command ends, its workers end within this; the pipes close with them.
_WORKERS_END_S = 1.0
_PIPES_CLOSE_S = 5.0

needs_proc_children = pytest.mark.skipif(
    not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"),
    reason="needs Linux's /proc/PID/task/TID/children to find the workers",
)


@pytest.fixture(scope="module")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {f"note{i}.md": f"# Note {i}\n\n{_BODY}" for i in range(_NOTES)}
    return write_vault(tmp_path_factory.mktemp("big"), files)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children") as listing:
                found.update(int(child) for child in listing.read().split())
        except OSError:
            continue
    return found


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class _Drained:
    """Reads a pipe to its end in a thread, so that a pipe left open is seen, not waited on."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._thread = threading.Thread(target=stream.read, daemon=True)
        self._thread.start()

    def closed_within(self, seconds: float) -> bool:
        self._thread.join(seconds)
        return not self._thread.is_alive()


@dataclass
class _Command:
    process: subprocess.Popen[bytes]
    seen: set[int] = field(default_factory=set)  # its workers, killed at the end if still there

    def workers(self, count: int = 2) -> set[int]:
        """The worker processes, once there are ``count`` of them (it is parsing then)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            found = _children(self.process.pid)
            if len(found) >= count:
                self.seen.update(found)
                return found
            time.sleep(0.01)
        pytest.fail(f"no {count} workers appeared (exit code {self.process.poll()})")

    def ends_with_its_workers(self) -> None:
        """The workers are gone within a second, both pipes close, and the command ends."""
        streams = [self.process.stdout, self.process.stderr]
        drained = [_Drained(stream) for stream in streams if stream is not None]
        deadline = time.monotonic() + _WORKERS_END_S
        while time.monotonic() < deadline and any(_running(pid) for pid in self.seen):
            time.sleep(0.01)
        left = sorted(pid for pid in self.seen if _running(pid))
        assert not left, f"workers {left} still run {_WORKERS_END_S} s after the command ended"
        assert len(drained) == 2
        assert all(d.closed_within(_PIPES_CLOSE_S) for d in drained), "a pipe is still open"
        self.process.wait(timeout=_PIPES_CLOSE_S)


@pytest.fixture
def command(big_vault: Path) -> Iterator[_Command]:
    """``vaultgraph check -j 2`` on the big vault; killed, with any worker left, afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "vaultgraph", "check", "-j", "2", "--no-cache", str(big_vault)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    running = _Command(process)
    try:
        yield running
    finally:
        for pid in running.seen:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@needs_proc_children
@pytest.mark.parametrize(
    ("stop", "exit_code"),
    [
        pytest.param(signal.SIGTERM, -signal.SIGTERM, id="SIGTERM"),
        pytest.param(signal.SIGHUP, -signal.SIGHUP, id="SIGHUP"),
        pytest.param(signal.SIGINT, 130, id="SIGINT"),
        pytest.param(signal.SIGKILL, -signal.SIGKILL, id="SIGKILL"),
    ],
)
def test_a_stopped_command_leaves_no_worker_and_no_pipe_open(
    command: _Command, stop: signal.Signals, exit_code: int
) -> None:
    command.workers()
    time.sleep(0.2)  # well into the parse
    command.process.send_signal(stop)
    command.ends_with_its_workers()
    # Stopped as the signal stops it (Ctrl-C: 130), as before: the caller sees which.
    assert command.process.returncode == exit_code


@needs_proc_children
def test_a_command_whose_reader_went_away_leaves_no_worker(command: _Command) -> None:
    workers = command.workers()
    assert command.process.stdout is not None
    command.process.stdout.close()  # as `vaultgraph check | head -1` does once head has its line
    command.process.wait(timeout=120)  # it ends writing its findings into the closed pipe
    assert not any(_running(pid) for pid in workers)


@needs_proc_children
def test_workers_hold_none_of_the_callers_streams(command: _Command) -> None:
    # A worker points its streams at the null device first thing after it starts: give it that
    # moment, a generous one on a busy machine, and no more.
    for pid in command.workers():
        deadline = time.monotonic() + 10
        while True:
            streams = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (0, 1, 2)]
            if streams == [os.devnull] * 3 or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        assert streams == [os.devnull] * 3


def test_the_signal_handlers_are_as_they_were_after_a_parallel_read(tmp_path: Path) -> None:
    write_vault(tmp_path, {f"n{i}.md": f"[[n{i + 1}]]\n" for i in range(300)})
    own = signal.signal(signal.SIGHUP, lambda signum, frame: None)
    try:
        before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
        reads = read_notes(
            str(tmp_path),
            [(f"n{i}.md", None) for i in range(300)],
            hashing=False,
            jobs=2,
            progress=None,
        )
        after = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    finally:
        signal.signal(signal.SIGHUP, own)
    assert len(reads) == 300
    assert after == before


# A note whose frontmatter makes cyclic garbage when parsed (a YAML loader class per note).
_WITH_PROPERTIES = "---\ntitle: Note {i}\ntags: [a, b]\n---\n# Note {i}\n\n" + _BODY


@dataclass
class _Collections:
    """The collector's runs, as (process id, generation, objects freed), written to a file by a
    callback that forked workers inherit."""

    log: Path

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            with open(self.log, "a") as log:
                log.write(f"{os.getpid()} {info['generation']} {info['collected']}\n")

    def runs(self) -> list[tuple[int, int, int]]:
        if not self.log.exists():
            return []
        lines = self.log.read_text().split("\n")
        return [(int(p), int(g), int(c)) for p, g, c in (line.split() for line in lines if line)]


@pytest.fixture
def collections(tmp_path: Path) -> Iterator[_Collections]:
    watch = _Collections(tmp_path / "collections.log")
    gc.callbacks.append(watch)
    try:
        yield watch
    finally:
        gc.callbacks.remove(watch)


def _vault_with_properties(root: Path, count: int) -> list[Pending]:
    write_vault(root, {f"n{i}.md": _WITH_PROPERTIES.format(i=i) for i in range(count)})
    return [(f"n{i}.md", None) for i in range(count)]


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the callback reaches forked workers"
)
def test_workers_collect_only_their_newest_objects_once_a_chunk(
    tmp_path: Path, collections: _Collections
) -> None:
    pending = _vault_with_properties(tmp_path / "vault", 400)  # chunks of 50: 8 of them
    reads = read_notes(str(tmp_path / "vault"), pending, hashing=True, jobs=2, progress=None)
    workers = [run for run in collections.runs() if run[0] != os.getpid()]
    # Left to itself the collector would run hundreds of times, in every generation.
    assert {generation for _, generation, _ in workers} == {0}
    assert 2 <= len(workers) <= 8
    assert sum(freed for *_, freed in workers) >= len(pending)  # the loaders' cycles are freed
    serial = read_notes(str(tmp_path / "vault"), pending, hashing=True, jobs=1, progress=None)
    assert reads == serial


def test_a_serial_read_collects_only_its_newest_objects_between_chunks(
    tmp_path: Path, collections: _Collections
) -> None:
    pending = _vault_with_properties(tmp_path / "vault", 600)  # 256, 256, then 88
    reads = read_notes(str(tmp_path / "vault"), pending, hashing=False, jobs=1, progress=None)
    runs = collections.runs()
    assert [generation for _, generation, _ in runs] == [0, 0, 0]
    assert sum(freed for *_, freed in runs) >= len(pending)
    assert all(read.result is not None for read in reads)
    assert gc.isenabled()  # the caller's collector, as it was


def _where_and_links(notes: Mapping[str, Note], shared: object) -> dict[str, tuple[int, int]]:
    """A visit: the process each note is in, and its number of links plus ``shared``."""
    assert isinstance(shared, int)
    return {path: (os.getpid(), len(note.links) + shared) for path, note in notes.items()}


def _fail(notes: Mapping[str, Note], shared: object) -> dict[str, object]:
    raise RuntimeError("this visit fails")


def _pending(root: Path, count: int) -> list[Pending]:
    write_vault(root, {f"n{i}.md": f"[[a]] [[b{i}]]\n" for i in range(count)})
    return [(f"n{i}.md", None) for i in range(count)]


def test_a_pool_visits_each_parsed_note_where_it_was_parsed(tmp_path: Path) -> None:
    pending = _pending(tmp_path, PARALLEL_MIN + 50)
    with NotePool(2) as pool:
        reads = pool.read(str(tmp_path), pending, hashing=False)
        assert pool.holds_notes
        replies = pool.visit(_where_and_links, 10)
    assert replies is not None
    assert len(replies) == 2
    visited = {path: found for reply in replies for path, found in reply.items()}
    assert sorted(visited) == sorted(path for path, _ in pending)
    assert {count for _, count in visited.values()} == {12}
    workers = {pid for pid, _ in visited.values()}
    assert os.getpid() not in workers
    assert len(workers) == 2
    assert all(isinstance(read.result, Note) for read in reads)


def test_a_pool_that_parsed_here_visits_nothing(tmp_path: Path) -> None:
    pending = _pending(tmp_path, PARALLEL_MIN + 5)
    with NotePool(1) as serial:
        serial.read(str(tmp_path), pending, hashing=False)
        assert not serial.holds_notes
        assert serial.visit(_where_and_links, 0) is None
    with NotePool(2) as few:
        few.read(str(tmp_path), pending[:5], hashing=False)  # too few to start workers
        assert few.visit(_where_and_links, 0) is None


def test_a_failed_visit_gives_nothing_and_the_pool_goes_on_in_process(tmp_path: Path) -> None:
    pending = _pending(tmp_path, PARALLEL_MIN + 5)
    with NotePool(2) as pool:
        first = pool.read(str(tmp_path), pending, hashing=False)
        assert pool.visit(_fail, None) is None
        assert pool.visit(_where_and_links, 0) is None  # its workers are gone
        again = pool.read(str(tmp_path), pending, hashing=False)
    assert [read.result for read in again] == [read.result for read in first]
