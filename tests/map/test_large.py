"""A generated 2,000-note map in Chromium: precomputed layout, batched edges, labels, clusters."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from benchmarks.synth import generate
from tests.map.browser import MapPage, open_map
from tests.map.test_browser import assert_clean, build_map
from vaultgraph.map import page as page_module
from vaultgraph.vault import load_vault

if TYPE_CHECKING:
    import networkx as nx
    from playwright.sync_api import Browser

NOTES = 2000


@pytest.fixture(scope="module")
def large(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[MapPage, nx.MultiDiGraph]]:
    root = tmp_path_factory.mktemp("large")
    generate(root / "vault", notes=NOTES, seed=1)
    graph = load_vault(root / "vault").graph
    html = build_map(root / "vault", root / "large.html")
    with open_map(browser, html) as opened:
        yield opened, graph


@pytest.fixture
def page(large: tuple[MapPage, nx.MultiDiGraph]) -> Iterator[MapPage]:
    opened = large[0]
    opened.js("vaultgraph.cluster(false); network.fit({animation: false}); network.redraw()")
    yield opened
    assert_clean(opened)


def test_a_precomputed_map_opens_still_with_every_node(
    page: MapPage, large: tuple[MapPage, nx.MultiDiGraph]
) -> None:
    graph = large[1]
    assert page.js("vaultgraph.precomputed") is True
    assert page.js("network.physics.options.enabled") is False
    assert page.page.locator("#physics").is_checked() is False
    assert set(graph.nodes) <= set(page.js("network.body.data.nodes.getIds()"))


def test_labels_follow_the_zoom_and_never_overlap(page: MapPage) -> None:
    page.js("network.fit({animation: false}); network.redraw()")
    far = page.js("vaultgraph.stats.labels")
    far_ids = set(page.js("vaultgraph.stats.labelIds"))
    hub = page.js(
        "vaultgraph.data.nodes.filter((n) => n.kind === 'note')"
        ".reduce((a, b) => (b.size > a.size ? b : a)).id"
    )
    page.centre_on(hub, scale=2.5)
    page.js("network.redraw()")
    near = page.js("vaultgraph.stats.labels")
    # Zoomed out only the biggest hubs are named; zoomed in, notes too small to name before.
    assert far > 0
    assert near > 0
    assert set(page.js("vaultgraph.stats.labelIds")) - far_ids
    boxes = page.js("vaultgraph.stats.labelBoxes")
    assert len(boxes) == near
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]), (a, b)


def test_edges_off_screen_or_over_budget_are_not_drawn(page: MapPage) -> None:
    total = page.js("network.body.edgeIndices.length")
    page.js("network.fit({animation: false}); network.redraw()")
    fitted = page.js("vaultgraph.stats")
    assert fitted["edges"] + fitted["edgesSkipped"] == total
    hub = page.js("vaultgraph.data.nodes.find((n) => n.kind === 'note').id")
    page.centre_on(hub, scale=4)
    page.js("network.redraw()")
    zoomed = page.js("vaultgraph.stats")
    assert 0 < zoomed["edges"] < total


def test_focus_jumps_at_once_on_a_large_map(page: MapPage) -> None:
    hub = page.js(
        "vaultgraph.data.nodes.filter((n) => n.kind === 'note')"
        ".reduce((a, b) => (b.size > a.size ? b : a)).id"
    )
    start = time.perf_counter()
    centred = page.js(
        f"""(() => {{ const id = {json.dumps(hub)}; vaultgraph.focus(id);
            const at = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById("mynetwork").getBoundingClientRect();
            return Math.abs(at.x - box.width / 2) < 4 && Math.abs(at.y - box.height / 2) < 4;
        }})()"""
    )
    assert centred
    assert time.perf_counter() - start < 5
    assert len(page.js("vaultgraph.neighbourhood()")) > 10


def test_folders_cluster_and_open_on_click_and_zoom(
    page: MapPage, large: tuple[MapPage, nx.MultiDiGraph]
) -> None:
    graph = large[1]
    count = page.js("vaultgraph.cluster(true)")
    clusters = page.js("vaultgraph.clusters()")
    assert count == len(clusters) > 1
    # Every note is still in the DataSet; those of a closed folder are hidden behind its node.
    ids = set(page.js("network.body.data.nodes.getIds()"))
    assert set(graph.nodes) <= ids
    notes = {n for n, k in graph.nodes(data="kind") if k == "note"}
    visible = set(page.js("vaultgraph.visibleIds()"))
    assert not visible & notes - {n for n in notes if graph.nodes[n]["folder"] == ""}
    assert page.js("network.body.nodeIndices.length") < len(graph) / 4
    page.js("network.fit({animation: false}); network.redraw()")
    assert page.js("vaultgraph.stats.edges") > 0  # folder-to-folder lines

    biggest = max((c for c in clusters if not c["key"].startswith("(")), key=lambda c: c["size"])
    page.js("network.fit({animation: false})")
    x, y = page.node_point(biggest["id"])
    page.page.mouse.click(x, y)
    page.wait_until(
        f"vaultgraph.clusters().find((c) => c.key === {json.dumps(biggest['key'])}).open"
    )
    inside = {n for n in notes if graph.nodes[n]["folder"].split("/")[0] == biggest["key"]}
    visible = set(page.js("vaultgraph.visibleIds()"))
    assert inside
    assert inside <= visible
    assert not visible & (notes - inside - {n for n in notes if graph.nodes[n]["folder"] == ""})

    # Zooming in on a closed folder opens it too.
    other = next(c for c in page.js("vaultgraph.clusters()") if not c["open"])
    x, y = page.centre_on(other["id"], scale=0.45)
    is_open = f"vaultgraph.clusters().find((c) => c.key === {json.dumps(other['key'])}).open"
    assert not page.js(is_open)
    page.page.mouse.move(x, y)
    for _ in range(5):
        page.page.mouse.wheel(0, -300)
        page.page.wait_for_timeout(50)
    page.wait_until(is_open)
    page.js("vaultgraph.cluster(false)")
    assert len(page.js("vaultgraph.visibleIds()")) == len(page.js("vaultgraph.data.nodes"))


def test_a_map_past_the_cluster_threshold_opens_clustered(
    browser: Browser,
    large: tuple[MapPage, nx.MultiDiGraph],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graph = large[1]
    vault = Path(large[0].page.url.removeprefix("file://")).parent / "vault"
    monkeypatch.setattr(page_module, "CLUSTER_ABOVE", NOTES // 2)
    html = build_map(vault, tmp_path / "clustered.html")
    with open_map(browser, html) as opened:
        clusters = opened.js("vaultgraph.clusters()")
        assert len(clusters) > 1
        assert not any(c["open"] for c in clusters)
        assert set(graph.nodes) <= set(opened.js("network.body.data.nodes.getIds()"))
        drawn = set(opened.js("network.body.nodeIndices"))
        assert {c["id"] for c in clusters} <= drawn
        assert len(drawn) < len(graph) / 4
        assert_clean(opened)
