"""Refresh the map screenshots in docs/img/: ``python -m tests.map.screenshot`` (repository root).

``--large`` also draws the synthetic 10,000-note vault (benchmarks/synth.py); ``--vault DIR``
reuses one generated before, since writing it takes a while.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.synth import generate
from tests.map.browser import launch, take_screenshot
from tests.map.paths import LARGE_SCREENSHOT, SAMPLE_VAULT, SCREENSHOT
from vaultgraph.map import build_view, render_page
from vaultgraph.vault import load_vault

LARGE_NOTES = 10_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also the 10,000-note map")
    parser.add_argument("--vault", type=Path, help="where the 10,000-note vault is (or goes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shots = [(SAMPLE_VAULT, SCREENSHOT)]
        if args.large:
            vault = args.vault or Path(tmp) / "synth"
            if not vault.exists():
                generate(vault, notes=LARGE_NOTES, seed=0)
            shots.append((vault, LARGE_SCREENSHOT))
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        with launch() as browser:
            for vault, png in shots:
                html = Path(tmp) / f"{png.stem}.html"
                html.write_text(render_page(build_view(load_vault(vault))), encoding="utf-8")
                take_screenshot(browser, html, png)  # a .jpg path: a JPEG, a fifth of a PNG
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
