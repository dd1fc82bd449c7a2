"""How long ``vaultgraph mv`` takes on a synthetic vault: ``python -m benchmarks.move``.

Generates the vault (benchmarks/synth.py), warms its cache with one load, then times, as the
command runs them, the warm load, the plan and the apply of three moves: the most linked-to
note into another folder, the folder (with its subfolders) whose size is nearest 500 notes into a
new one, and the most linked-to note renamed, every link to it rewritten. Each move
is made and then undone (the way back is timed too), ``--runs`` times; medians are reported.
"""

from __future__ import annotations

import argparse
import posixpath
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from benchmarks.synth import generate
from vaultgraph.move import apply_plan, plan_moves
from vaultgraph.vault import load_vault


def _timed_move(root: Path, source: str, dest: str) -> tuple[float, int]:
    """Seconds for a warm load, the plan and the apply; and the links rewritten."""
    start = time.perf_counter()
    vault = load_vault(root)
    plan = plan_moves(vault, [source], dest)
    apply_plan(root, plan)
    return time.perf_counter() - start, sum(edit.rewritten for edit in plan.edits)


def _ancestors(folder: str) -> list[str]:
    """``a/b/c`` and the folders above it, ``a/b`` and ``a``."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vaultgraph-move-") as scratch:
        root = Path(scratch) / "vault"
        root.mkdir()
        generate(root, notes=args.notes)
        vault = load_vault(root)  # the cache, warm from here on
        backlinks = Counter(link.resolved for link in vault.links if link.resolved)
        hub = next(path for path, _ in backlinks.most_common() if path in vault.notes)
        sizes = Counter(
            folder for path in vault.notes for folder in _ancestors(posixpath.dirname(path))
        )
        folder = min((f for f in sizes if f), key=lambda f: abs(sizes[f] - 500))
        cases = [
            (
                f"hub note {hub} ({backlinks[hub]} backlinks)",
                hub,
                "moved/" + posixpath.basename(hub),
            ),
            (f"folder {folder} ({sizes[folder]} notes)", folder, "moved-folder"),
            (f"hub note {hub} renamed", hub, posixpath.join(posixpath.dirname(hub), "Renamed.md")),
        ]
        for label, source, dest in cases:
            there: list[float] = []
            back: list[float] = []
            links = 0
            for _ in range(args.runs):
                seconds, links = _timed_move(root, source, dest)
                there.append(seconds)
                back.append(_timed_move(root, dest, source)[0])
            print(
                f"{label}: {links} links rewritten; median {statistics.median(there):.2f} s "
                f"(back: {statistics.median(back):.2f} s) over {args.runs} runs"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
