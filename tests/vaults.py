"""Build small vaults as real folders for tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_vault(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (vault-relative path → text or bytes) under ``root`` and return ``root``."""
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
