"""Shared test setup: no test writes to the user's cache folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vaultgraph.store import CACHE_DIR_ENV


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the notes cache at a folder of this test session's own."""
    folder = tmp_path_factory.mktemp("vaultgraph-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_DIR_ENV, str(folder))
        yield folder
