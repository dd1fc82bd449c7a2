"""Exploring the sample map in Chromium: filter grammar, legend, local graph, dimming, physics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pytest

from tests.map.browser import MapPage, open_map
from tests.map.paths import SAMPLE_VAULT
from tests.map.test_browser import assert_clean, build_map
from vaultgraph.map import page as page_module
from vaultgraph.vault import load_vault

if TYPE_CHECKING:
    from playwright.sync_api import Browser

RESET = """(() => {
    vaultgraph.setFilter("");
    for (const g of vaultgraph.toggleGroup("", false)) vaultgraph.toggleGroup(g, false);
    vaultgraph.setLocal({on: false});
    network.emit("click", {nodes: [], edges: []});
})()"""
VISIBLE_PRIMARY = """vaultgraph.visibleIds().filter((id) => {
    const kind = network.body.data.nodes.get(id).kind;
    return kind === "note" || kind === "attachment";
})"""


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return load_vault(SAMPLE_VAULT).graph


@pytest.fixture(scope="module")
def sample(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MapPage]:
    html = build_map(SAMPLE_VAULT, tmp_path_factory.mktemp("explore") / "sample.html")
    with open_map(browser, html) as opened:
        yield opened


@pytest.fixture
def page(sample: MapPage) -> Iterator[MapPage]:
    sample.js(RESET)
    yield sample
    assert_clean(sample)


def _term(graph: nx.MultiDiGraph, node: str, term: str) -> bool:
    """The grammar's one term, read straight off the graph (the oracle for the page)."""
    negated = term.startswith("-") and len(term) > 1
    term = term[1:] if negated else term
    field, _, value = term.partition(":") if ":" in term else ("", "", term)
    value = value.lower()
    attrs = graph.nodes[node]
    if field == "path":
        hit = value in node.lower()
    elif field == "file":
        hit = value in node.rsplit("/", 1)[-1].lower()
    elif field == "tag":
        want = value.lstrip("#")
        hit = any(t == want or t.startswith(f"{want}/") for t in attrs.get("tags", []))
    else:
        title = str(attrs.get("title", node)).lower()
        hit = value in title or value in node.lower()
    return hit != negated


def _expected(graph: nx.MultiDiGraph, query: str) -> set[str]:
    alternatives = [part.split() for part in query.split(" OR ")]
    return {
        node
        for node, kind in graph.nodes(data="kind")
        if kind in ("note", "attachment")
        and any(all(_term(graph, node, t) for t in terms) for terms in alternatives)
    }


@pytest.mark.parametrize(
    "query",
    [
        "path:aws",
        "PATH:concepts",
        "tag:#aws",
        "tag:aws/compute",
        "-tag:#aws",
        "docker OR fargate",
        "path:concepts -tag:#vm",
        "file:.png",
        "tag:#containers path:aws OR file:hyper",
    ],
)
def test_the_filter_box_keeps_exactly_what_the_grammar_matches(
    page: MapPage, graph: nx.MultiDiGraph, query: str
) -> None:
    expected = _expected(graph, query)
    assert expected, "a query that matches nothing tests nothing"
    box = page.page.locator("#filter")
    box.fill(query)
    box.press("Enter")
    assert set(page.js(VISIBLE_PRIMARY)) == expected
    # Tags and unresolved targets stay only beside a note that is shown.
    shown = set(page.js("vaultgraph.visibleIds()"))
    for node in shown - expected:
        near = set(graph.successors(node)) | set(graph.predecessors(node))
        assert near & expected, node
    box.press("Escape")
    assert len(page.js("vaultgraph.visibleIds()")) == graph.number_of_nodes()


def test_nested_tags_match_their_parent_only(page: MapPage) -> None:
    note = "Concepts/Containerization.md"  # tagged aws/compute, not aws
    assert page.js(f"vaultgraph.matches('tag:#aws', {json.dumps(note)})")
    assert page.js(f"vaultgraph.matches('tag:aws/compute', {json.dumps(note)})")
    assert not page.js(f"vaultgraph.matches('tag:#aws/comp', {json.dumps(note)})")
    assert not page.js(f"vaultgraph.matches('tag:#compute', {json.dumps(note)})")


def test_a_legend_entry_filters_to_its_group(page: MapPage) -> None:
    legend = page.js("vaultgraph.data.legend")
    entry = max(legend, key=lambda e: e["count"])
    button = page.page.locator(f"#legend-groups button[data-group={json.dumps(entry['group'])}]")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    groups = page.js(f"({VISIBLE_PRIMARY}).map((id) => network.body.data.nodes.get(id).colorGroup)")
    assert groups
    assert set(groups) == {entry["group"]}
    assert len(groups) == entry["count"]
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    assert len(page.js("vaultgraph.visibleIds()")) == len(page.js("vaultgraph.data.nodes"))


def _local(graph: nx.MultiDiGraph, centre: str, depth: int, direction: str) -> set[str]:
    walk: Any = {"out": graph, "in": graph.reverse(copy=False)}.get(direction)
    if walk is None:
        walk = graph.to_undirected(as_view=True)
    return set(nx.single_source_shortest_path_length(walk, centre, cutoff=depth))


@pytest.mark.parametrize("direction", ["out", "in", "both"])
def test_the_local_graph_follows_depth_and_direction(
    page: MapPage, graph: nx.MultiDiGraph, direction: str
) -> None:
    centre = "Concepts/Containers.md"
    page.js(f"vaultgraph.focus({json.dumps(centre)})")
    page.page.locator("#local-direction").select_option(direction)
    page.page.locator("#local").check()
    sizes = []
    for depth in range(1, 6):
        page.page.locator("#local-depth").fill(str(depth))
        expected = _local(graph, centre, depth, direction)
        assert set(page.js("vaultgraph.visibleIds()")) == expected, (direction, depth)
        assert set(page.js("vaultgraph.localNodes()")) == expected
        sizes.append(len(expected))
    assert page.page.locator("#local-depth-value").text_content() == "5"
    assert sizes[0] < sizes[-1] or direction != "both"
    page.page.locator("#local").uncheck()
    assert len(page.js("vaultgraph.visibleIds()")) == graph.number_of_nodes()


def _pixel(page: MapPage, node: str) -> list[int]:
    x, y = page.js(
        f"""(() => {{ const id = {json.dumps(node)};
            const p = network.canvasToDOM(network.getPositions([id])[id]);
            return [p.x, p.y]; }})()"""
    )
    return list(
        page.js(
            f"""(() => {{ const c = document.querySelector("#mynetwork canvas");
                const r = window.devicePixelRatio;
                return [...c.getContext("2d").getImageData({x} * r, {y} * r, 1, 1).data]; }})()"""
        )
    )


def test_selection_dims_everything_but_the_neighbourhood(
    page: MapPage, graph: nx.MultiDiGraph
) -> None:
    node = "Concepts/Docker.md"
    near = {node, *graph.successors(node), *graph.predecessors(node)}
    far = next(n for n, k in graph.nodes(data="kind") if k == "note" and n not in near)
    page.js("network.fit({animation: false}); network.redraw()")
    before_far, before_near = _pixel(page, far), _pixel(page, node)
    page.js(f"network.emit('click', {{nodes: [{json.dumps(node)}], edges: []}}); network.redraw()")
    assert set(page.js("vaultgraph.neighbourhood()")) == near
    after_far, after_near = _pixel(page, far), _pixel(page, node)
    # The far note fades toward the background; the chosen one is drawn as before.
    assert sum(after_far[:3]) > sum(before_far[:3]) + 60
    assert sum(abs(a - b) for a, b in zip(after_near[:3], before_near[:3], strict=True)) < 30
    page.js("network.emit('click', {nodes: [], edges: []}); network.redraw()")
    assert page.js("vaultgraph.neighbourhood()") == []
    assert sum(abs(a - b) for a, b in zip(_pixel(page, far)[:3], before_far[:3], strict=True)) < 30


def test_physics_is_a_toggle(page: MapPage) -> None:
    assert page.js("network.physics.options.enabled") is False
    assert page.page.locator("#physics").is_checked() is False
    page.page.locator("#physics").check()
    assert page.js("network.physics.options.enabled") is True
    page.page.locator("#physics").uncheck()
    assert page.js("network.physics.options.enabled") is False


def test_focus_on_a_small_map_animates_within_300_ms(page: MapPage) -> None:
    node = "AWS Services/VPC.md"
    page.js(f"vaultgraph.focus({json.dumps(node)})")
    page.page.wait_for_timeout(350)
    assert page.js(
        f"""(() => {{ const id = {json.dumps(node)};
            const at = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById("mynetwork").getBoundingClientRect();
            return Math.abs(at.x - box.width / 2) < 4 && Math.abs(at.y - box.height / 2) < 4;
        }})()"""
    )


def test_the_details_panel_shows_a_community_when_the_node_has_one(page: MapPage) -> None:
    node = "Concepts/Docker.md"
    page.js(f"vaultgraph.focus({json.dumps(node)})")
    assert page.page.locator("#details-community").is_hidden()
    page.js(
        f"vaultgraph.data.nodes.find((n) => n.id === {json.dumps(node)}).community = 7;"
        f"vaultgraph.focus({json.dumps(node)})"
    )
    assert page.page.locator("#details-community").text_content() == "Community 7"


def test_obsidian_settings_seed_the_filter_and_local_depth(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, graph: nx.MultiDiGraph
) -> None:
    original = page_module._page_data

    def with_settings(view: Any) -> dict[str, Any]:
        return original(view) | {"obsidian": {"search": "path:concepts", "localJumps": 3}}

    monkeypatch.setattr(page_module, "_page_data", with_settings)
    html = build_map(SAMPLE_VAULT, tmp_path / "seeded.html")
    with open_map(browser, html) as opened:
        assert opened.page.locator("#filter").input_value() == "path:concepts"
        assert set(opened.js(VISIBLE_PRIMARY)) == _expected(graph, "path:concepts")
        assert opened.page.locator("#local-depth").input_value() == "3"
        assert_clean(opened)
