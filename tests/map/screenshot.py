"""Refresh docs/img/sample-map.png: ``python -m tests.map.screenshot`` from the repository root."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.map.browser import launch, take_screenshot
from tests.map.paths import SAMPLE_VAULT, SCREENSHOT
from vaultgraph.map import build_view, render_page
from vaultgraph.vault import load_vault


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "sample.html"
        html.write_text(render_page(build_view(load_vault(SAMPLE_VAULT))), encoding="utf-8")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        with launch() as browser:
            take_screenshot(browser, html, SCREENSHOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
