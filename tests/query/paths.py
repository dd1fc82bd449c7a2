"""Where the query tests find the sample vault: from this file, never the working directory."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_VAULT = REPO / "sample_vault"
