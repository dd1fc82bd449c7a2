"""Shared fixtures for the map tests: one Chromium for the whole session."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.map.browser import INSTALL_HINT, launch

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # No skip: CI installs Chromium (scripts/ensure-chromium), so a missing one is a failure.
    if importlib.util.find_spec("playwright") is None:
        pytest.fail("playwright is not installed: pip install -e '.[test]'")
    if shutil.which("chromium") is None:
        pytest.fail(f"chromium is not installed: {INSTALL_HINT}")
    with launch() as started:
        yield started
