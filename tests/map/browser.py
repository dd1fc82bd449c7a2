"""Open map pages in Debian's headless Chromium through Playwright, with the network shut."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Route, ViewportSize

# Flags for a machine whose network is closed: Chromium's own background traffic would only
# fail, slowly. Playwright starts every browser with a fresh temporary profile.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
INSTALL_HINT = "run scripts/ensure-chromium (scripts/test does) or apt-get install chromium"


def chromium_path() -> str:
    """Debian's chromium: Playwright's own browser download never runs on this project."""
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError(f"chromium is not installed: {INSTALL_HINT}")
    return path


@contextmanager
def launch() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class MapPage:
    """A map opened from ``file://``, with a record of everything it tried to do."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def wait_until(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll ``expression`` until truthy: the page policy forbids Playwright's polling eval."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            self.page.wait_for_timeout(50)

    def node_point(self, node_id: str) -> tuple[float, float]:
        """Where ``node_id`` is drawn, in page coordinates."""
        point = self.js(
            f"""(() => {{
                const id = {json.dumps(node_id)};
                const dom = network.canvasToDOM(network.getPositions([id])[id]);
                const box = document.getElementById("mynetwork").getBoundingClientRect();
                return [box.left + dom.x, box.top + dom.y];
            }})()"""
        )
        return float(point[0]), float(point[1])

    def centre_on(self, node_id: str, scale: float = 1.5) -> tuple[float, float]:
        """Move the view (without selecting) so ``node_id`` sits in the middle; return its point."""
        self.js(
            f"""(() => {{
                const id = {json.dumps(node_id)};
                network.moveTo({{position: network.getPositions([id])[id], scale: {scale},
                                 animation: false}});
            }})()"""
        )
        self.page.wait_for_timeout(100)
        return self.node_point(node_id)


@contextmanager
def open_map(browser: Browser, html: Path, *, timeout: float = 60.0) -> Iterator[MapPage]:
    """Open ``html`` with every request that is not ``file://`` aborted and recorded."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    opened = MapPage(page)

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            opened.blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda dialog: _dismiss(dialog, opened.dialogs))
    try:
        page.goto(html.resolve().as_uri(), timeout=timeout * 1000)  # a 100k map parses for long
        page.wait_for_selector("body[data-state=ready]", state="attached", timeout=timeout * 1000)
        yield opened
    finally:
        context.close()


def _dismiss(dialog: Dialog, seen: list[str]) -> None:
    seen.append(dialog.message)
    dialog.dismiss()


def take_screenshot(browser: Browser, html: Path, png: Path) -> bytes:
    """Open the map, let it settle, and write a PNG of the whole window."""
    with open_map(browser, html) as opened:
        opened.page.wait_for_timeout(300)
        return opened.page.screenshot(path=str(png))
