"""Where the map tests find their vaults: resolved from this file, never the working directory."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_VAULT = REPO / "sample_vault"
XSS_VAULT = REPO / "tests" / "fixtures" / "vaults" / "xss"
SCREENSHOT = REPO / "docs" / "img" / "sample-map.png"
LARGE_SCREENSHOT = REPO / "docs" / "img" / "map-10000-notes.jpg"
