"""How long a large map takes to open in Chromium: ``python -m benchmarks.map_open`` (repo root).

Generates a synthetic vault (benchmarks/synth.py), writes its map, opens it from file:// in
Debian's headless chromium with the network shut, and reports the time until the layout has
settled and the page is ready, then what a redraw and a click cost once it is.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.synth import generate
from tests.map.browser import launch, open_map
from vaultgraph.map import build_view, render_page
from vaultgraph.vault import load_vault

# vis-network's own redraw, run synchronously so it can be timed.
_REDRAW = """(() => {
    const start = performance.now();
    network.renderer._redraw();
    return performance.now() - start;
})()"""
# Select the most linked-to note as a click would: highlight its neighbourhood and draw.
_CLICK = """(() => {
    const hub = vaultgraph.data.nodes.filter((n) => n.kind === "note")
        .reduce((a, b) => (b.size > a.size ? b : a));
    const start = performance.now();
    network.selectNodes([hub.id]);
    network.emit("click", {nodes: [hub.id], edges: []});
    network.renderer._redraw();
    return performance.now() - start;
})()"""


@dataclass(frozen=True)
class Run:
    ready_ms: float  # navigation start to physics off, as the page measures it
    wall_s: float  # goto() to the ready marker, as the test harness sees it
    redraw_ms: float
    click_ms: float


def measure(html: Path, runs: int) -> list[Run]:
    results = []
    with launch() as browser:
        for _ in range(runs):
            start = time.perf_counter()
            with open_map(browser, html, timeout=600) as opened:
                wall = time.perf_counter() - start
                assert opened.blocked == [], opened.blocked
                results.append(
                    Run(
                        ready_ms=float(opened.js("vaultgraph.readyAt")),
                        wall_s=wall,
                        redraw_ms=float(opened.js(_REDRAW)),
                        click_ms=float(opened.js(_CLICK)),
                    )
                )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "synth"
        generate(vault, notes=args.notes, seed=args.seed)
        start = time.perf_counter()
        loaded = load_vault(vault)
        loaded_s = time.perf_counter() - start
        start = time.perf_counter()
        view = build_view(loaded)
        page = render_page(view)
        built_s = time.perf_counter() - start
        html = Path(tmp) / "map.html"
        html.write_text(page, encoding="utf-8")
        size = html.stat().st_size
        results = measure(html, args.runs)
    print(
        f"vault: {args.notes} notes (seed {args.seed}); map: {len(view.nodes)} nodes, "
        f"{len(view.edges)} edges, {size / 1e6:.1f} MB"
    )
    print(f"load_vault {loaded_s:.1f} s; build_view + render_page {built_s:.1f} s")
    for i, run in enumerate(results, 1):
        print(
            f"run {i}: ready {run.ready_ms / 1000:.1f} s after navigation "
            f"({run.wall_s:.1f} s wall); full redraw {run.redraw_ms:.0f} ms; "
            f"click-highlight {run.click_ms:.0f} ms"
        )
    print(f"median ready: {statistics.median(r.ready_ms for r in results) / 1000:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
