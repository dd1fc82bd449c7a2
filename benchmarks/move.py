"""How long ``vaultgraph mv`` takes on a synthetic vault: ``python -m benchmarks.move``.

Generates the vault (benchmarks/synth.py), warms its cache with one load, then times the
command itself (``python -m vaultgraph mv``, in a process of its own, as a user runs it: the
interpreter's start, the warm load, the plan, the journal and the writes) for four moves: the
note whose backlinks are nearest 500 (the issue's "hundreds") into another folder, the most
linked-to note into another folder, the folder (with its subfolders) whose size is nearest 500
notes into a new one, and the most linked-to note renamed, every link to it rewritten. Each
move is made ``--runs`` times, the vault put back byte for byte after each (untimed: moving
back would rewrite links into other forms, and the next run would have less to do); medians
are reported.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from benchmarks.synth import generate
from vaultgraph.move import Plan, plan_moves
from vaultgraph.vault import load_vault


def _timed_move(root: Path, source: str, dest: str) -> tuple[float, Plan]:
    """Seconds ``vaultgraph mv`` takes to move ``source`` to ``dest``; and its plan, made
    beforehand from the same vault (untimed), which the command's writes are checked against."""
    plan = plan_moves(load_vault(root), [source], dest)
    command = [sys.executable, "-m", "vaultgraph", "mv", "--vault", str(root), source, dest]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"vaultgraph mv {source} {dest} failed: {done.stderr.strip()}")
    for edit in plan.edits:
        if (root / edit.new_path).read_bytes() != edit.new:
            raise RuntimeError(f"vaultgraph mv wrote {edit.new_path} otherwise than planned")
    return seconds, plan


def _put_back(root: Path, plan: Plan) -> None:
    """The vault as it was before ``plan`` was carried out: its files renamed back, the notes
    it rewrote given their old bytes, the folders it made removed."""
    for rename in reversed(plan.renames):
        os.rename(root / rename.dest, root / rename.source)
    for edit in plan.edits:
        (root / edit.path).write_bytes(edit.old)
    for folder in reversed(plan.folders):
        (root / folder).rmdir()


def _ancestors(folder: str) -> list[str]:
    """``a/b/c`` and the folders above it, ``a/b`` and ``a``."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--only",
        default="note,hub,folder,rename",
        help="the moves to time, comma-separated: note, hub, folder, rename (default: all)",
    )
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",")]
    if not set(only) <= {"note", "hub", "folder", "rename"}:
        parser.error(f"--only: not a move of this benchmark: {args.only}")
    with tempfile.TemporaryDirectory(prefix="vaultgraph-move-") as scratch:
        root = Path(scratch) / "vault"
        root.mkdir()
        generate(root, notes=args.notes)
        vault = load_vault(root)  # the cache, warm from here on
        backlinks = Counter(link.resolved for link in vault.links if link.resolved)
        hub = next(path for path, _ in backlinks.most_common() if path in vault.notes)
        # What the issue names: a note with hundreds of backlinks (the hub has thousands).
        note = min(
            (path for path in backlinks if path in vault.notes),
            key=lambda path: (abs(backlinks[path] - 500), path),
        )
        sizes = Counter(
            folder for path in vault.notes for folder in _ancestors(posixpath.dirname(path))
        )
        folder = min((f for f in sizes if f), key=lambda f: abs(sizes[f] - 500))
        cases = {
            "note": (
                f"note {note} ({backlinks[note]} backlinks)",
                note,
                "moved/" + posixpath.basename(note),
            ),
            "hub": (
                f"hub note {hub} ({backlinks[hub]} backlinks)",
                hub,
                "moved/" + posixpath.basename(hub),
            ),
            "folder": (f"folder {folder} ({sizes[folder]} notes)", folder, "moved-folder"),
            "rename": (
                f"hub note {hub} renamed",
                hub,
                posixpath.join(posixpath.dirname(hub), "Renamed.md"),
            ),
        }
        for name in only:
            label, source, dest = cases[name]
            times: list[float] = []
            rewritten: set[int] = set()
            written: set[int] = set()
            for _ in range(args.runs):
                seconds, plan = _timed_move(root, source, dest)
                times.append(seconds)
                rewritten.add(sum(edit.rewritten for edit in plan.edits))
                written.add(len(plan.edits))
                _put_back(root, plan)
                load_vault(root)  # the put-back notes hashed again: warm for the next run
            links = "/".join(str(n) for n in sorted(rewritten))
            notes = "/".join(str(n) for n in sorted(written))
            print(
                f"{label}: {links} links rewritten in {notes} files; "
                f"median {statistics.median(times):.2f} s "
                f"(min {min(times):.2f}, max {max(times):.2f}) over {args.runs} runs"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
