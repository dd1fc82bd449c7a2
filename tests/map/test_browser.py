"""The map page in a real headless Chromium: offline, exact, explorable, inert to hostile notes."""

from __future__ import annotations

import json
import shutil
import struct
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pytest

from tests.map.browser import VIEWPORT, MapPage, open_map, take_screenshot
from tests.map.paths import SAMPLE_VAULT, XSS_VAULT
from vaultgraph.cli import main
from vaultgraph.map import obsidian_url
from vaultgraph.vault import load_vault

if TYPE_CHECKING:
    from playwright.sync_api import Browser

HOSTILE_NOTE = "<img src=x onerror=alert(1)>"
HOSTILE_FOLDER = "<svg onload=window.__pwned=1>"
HOSTILE_VAULT = "<img src=x onerror=window.__pwned=1> 'vault' \"&\""
SCRIPT_TITLE = "</script><script>window.__pwned=1</script>"

DATASET = """(() => ({
    nodes: network.body.data.nodes.getIds(),
    edges: network.body.data.edges.get().map((e) => [e.from, e.to, e.kind]),
}))()"""


def build_map(vault: Path, out: Path, *args: str) -> Path:
    assert main(["map", str(vault), "-o", str(out), *args]) == 0
    return out


def graph_counts(graph: nx.MultiDiGraph) -> tuple[set[str], Counter[tuple[str, str, str]]]:
    edges = Counter((u, v, str(kind)) for u, v, kind in graph.edges(data="kind"))
    return set(graph.nodes), edges


def page_counts(opened: MapPage) -> tuple[set[str], Counter[tuple[str, str, str]]]:
    data = opened.js(DATASET)
    return set(data["nodes"]), Counter((u, v, k) for u, v, k in data["edges"])


def assert_offline(opened: MapPage) -> None:
    assert opened.blocked == []
    assert opened.requests, "the page itself should have been requested"
    assert all(url.startswith(("file://", "data:")) for url in opened.requests), opened.requests


def assert_clean(opened: MapPage) -> None:
    assert_offline(opened)
    assert opened.errors == []
    assert opened.dialogs == []


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_map(SAMPLE_VAULT, tmp_path_factory.mktemp("map") / "sample.html")


def test_sample_map_opens_offline_and_holds_exactly_the_graph(
    browser: Browser, sample_map: Path
) -> None:
    with open_map(browser, sample_map) as opened:
        assert page_counts(opened) == graph_counts(load_vault(SAMPLE_VAULT).graph)
        assert opened.js("window.network instanceof vis.Network")
        # Physics settled, then stopped: nothing moves once the page is ready.
        assert opened.js("network.physics.options.enabled") is False
        assert opened.js("document.title") == "sample_vault - vaultgraph map"
        assert_clean(opened)


def _folder_subset(graph: nx.MultiDiGraph, folder: str) -> nx.MultiDiGraph:
    notes = {n for n, a in graph.nodes(data=True) if a["kind"] == "note" and a["folder"] == folder}
    reached = {t for n in notes for t in graph.successors(n) if graph.nodes[t]["kind"] != "note"}
    keep = {n for n in notes | reached if graph.nodes[n]["kind"] != "tag"}
    return graph.subgraph(keep)


def _local_graph(graph: nx.MultiDiGraph, note: str, depth: int) -> nx.MultiDiGraph:
    no_tags = graph.subgraph(n for n, kind in graph.nodes(data="kind") if kind != "tag")
    keep = nx.ego_graph(no_tags.to_undirected(as_view=True), note, radius=depth).nodes
    return graph.subgraph(keep)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("--folder", "AWS Services", "--no-tags"),
            lambda g: _folder_subset(g, "AWS Services"),
        ),
        (
            ("--around", "ECS", "--depth", "1", "--no-tags"),
            lambda g: _local_graph(g, "AWS Services/ECS.md", 1),
        ),
    ],
    ids=["folder", "around"],
)
def test_a_filtered_map_holds_exactly_the_filtered_graph(
    browser: Browser, tmp_path: Path, args: tuple[str, ...], expected: Any
) -> None:
    html = build_map(SAMPLE_VAULT, tmp_path / "map.html", *args)
    subset = expected(load_vault(SAMPLE_VAULT).graph)
    with open_map(browser, html) as opened:
        nodes, edges = page_counts(opened)
        assert (nodes, edges) == graph_counts(subset)
        assert 1 < len(nodes) < load_vault(SAMPLE_VAULT).graph.number_of_nodes()
        assert_clean(opened)


def test_search_finds_and_focuses_a_note(browser: Browser, sample_map: Path) -> None:
    with open_map(browser, sample_map) as opened:
        search = opened.page.locator("#search")
        search.fill("farg")
        first = opened.page.locator("#results button").first
        assert first.locator(".label").text_content() == "Fargate"
        search.press("Enter")
        _assert_focused(opened, "AWS Services/Fargate.md")
        search.fill("docker")
        opened.page.locator("#results button", has_text="Docker").first.click()
        _assert_focused(opened, "Concepts/Docker.md")
        assert opened.page.locator("#details-title").text_content() == "Docker"
        assert_clean(opened)


def _assert_focused(opened: MapPage, node: str) -> None:
    opened.wait_until(f"vaultgraph.selected === {json.dumps(node)}")
    assert node in opened.js("network.getSelectedNodes()")
    # The note ends in the middle of the canvas once the focus animation is over (getPositions
    # rounds to whole units, so "middle" is within a few pixels; a node is 20 or more across).
    opened.wait_until(
        f"""(() => {{
            const id = {json.dumps(node)};
            const at = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById("mynetwork").getBoundingClientRect();
            return Math.abs(at.x - box.width / 2) < 4 && Math.abs(at.y - box.height / 2) < 4;
        }})()"""
    )


def test_clicking_a_node_highlights_its_neighbourhood(browser: Browser, sample_map: Path) -> None:
    node = "Concepts/Docker.md"
    graph = load_vault(SAMPLE_VAULT).graph
    neighbours = {node, *graph.successors(node), *graph.predecessors(node)}
    incident = sum(1 for u, v in graph.edges() if node in (u, v))
    with open_map(browser, sample_map) as opened:
        x, y = opened.centre_on(node)
        opened.page.mouse.click(x, y)
        opened.wait_until(f"vaultgraph.selected === {json.dumps(node)}")
        assert set(opened.js("network.getSelectedNodes()")) == neighbours
        edges = opened.js(
            "network.body.data.edges.get(network.getSelectedEdges()).map((e) => [e.from, e.to])"
        )
        assert len(edges) == incident
        assert all(node in edge for edge in edges)
        assert opened.page.locator("#details-title").text_content() == "Docker"
        # A click on empty canvas clears it.
        opened.page.mouse.click(VIEWPORT["width"] - 5, VIEWPORT["height"] - 5)
        opened.wait_until("vaultgraph.selected === null")
        assert opened.js("network.getSelectedNodes()") == []
        assert opened.page.locator("#details").is_hidden()
        assert_clean(opened)


def test_unresolved_targets_are_drawn_apart_and_toggle(browser: Browser, sample_map: Path) -> None:
    with open_map(browser, sample_map) as opened:
        unresolved = opened.js(
            "network.body.data.nodes.get({filter: (n) => n.kind === 'unresolved'})"
        )
        assert unresolved
        assert all(n["shapeProperties"]["borderDashes"] for n in unresolved)
        box = opened.page.locator("#toggles input[data-kind=unresolved]")
        box.uncheck()
        hidden = opened.js(
            "network.body.data.nodes.get({filter: (n) => n.hidden}).map((n) => n.id)"
        )
        assert sorted(hidden) == sorted(n["id"] for n in unresolved)
        # vis draws only the edges in edgeIndices: none of them may reach a hidden node.
        drawn = opened.js(
            "network.body.edgeIndices.map((id) => network.body.data.edges.get(id).to)"
        )
        assert drawn
        assert not set(drawn) & set(hidden)
        box.check()
        assert opened.js("network.body.data.nodes.get({filter: (n) => n.hidden}).length") == 0
        assert_clean(opened)


def test_double_click_opens_the_note_in_obsidian(browser: Browser, sample_map: Path) -> None:
    node = "AWS Services/EKS.md"
    with open_map(browser, sample_map) as opened:
        opened.js("vaultgraph.open = (url) => { window.__opened = url; }")
        x, y = opened.centre_on(node)
        opened.page.mouse.dblclick(x, y)
        url = opened.wait_until("window.__opened")
        assert url == obsidian_url("sample_vault", node)
        assert url == "obsidian://open?vault=sample_vault&file=AWS%20Services%2FEKS"
        assert_clean(opened)


def test_screenshot_of_the_sample_map(browser: Browser, sample_map: Path, tmp_path: Path) -> None:
    png = take_screenshot(browser, sample_map, tmp_path / "sample-map.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])
    with open_map(browser, sample_map) as opened:
        # The canvas holds a drawing, not a blank: many distinct colours across its pixels.
        colours = opened.js(
            """(() => {
                const canvas = document.querySelector("#mynetwork canvas");
                const data = canvas.getContext("2d")
                    .getImageData(0, 0, canvas.width, canvas.height).data;
                const seen = new Set();
                for (let i = 0; i < data.length; i += 4 * 7) {
                    seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
                }
                return seen.size;
            })()"""
        )
        assert colours > 50


# --- hostile notes ---------------------------------------------------------------------------


def hostile_vault(tmp_path: Path) -> Path:
    """The xss fixture plus the names a Windows checkout could not hold (``<``, ``>``, ``"``)."""
    root = tmp_path / HOSTILE_VAULT
    shutil.copytree(XSS_VAULT, root)
    (root / f"{HOSTILE_NOTE}.md").write_text(
        f"---\ntags: [x]\naliases: ['{SCRIPT_TITLE}']\n---\n"
        "<script>window.__pwned=1</script>\n"
        f"Back to [[Home]] and to [[{SCRIPT_TITLE}]].\n",
        encoding="utf-8",
    )
    (root / HOSTILE_FOLDER).mkdir()
    (root / HOSTILE_FOLDER / 'Inner & "quoted".md').write_text(
        f"[[{HOSTILE_NOTE}]] and [[Plain]]\n", encoding="utf-8"
    )
    return root


PWNED = "window.__pwned === undefined && !document.querySelector('img, svg, iframe, object')"


def test_hostile_names_and_text_run_nothing(browser: Browser, tmp_path: Path) -> None:
    vault = hostile_vault(tmp_path)
    html = build_map(vault, tmp_path / "xss.html")
    note = f"{HOSTILE_NOTE}.md"
    with open_map(browser, html) as opened:
        assert opened.js(PWNED)
        assert opened.js("document.scripts.length") == 3  # the data block, vis-network, ours
        labels = {n["id"]: n["label"] for n in opened.js("network.body.data.nodes.get()")}
        assert labels[note] == HOSTILE_NOTE
        assert labels[f"unresolved:{SCRIPT_TITLE}"] == SCRIPT_TITLE
        assert not any("&lt;" in label or "&amp;" in label for label in labels.values())
        assert opened.js("document.getElementById('map-title').textContent") == HOSTILE_VAULT
        assert opened.js("document.title") == f"{HOSTILE_VAULT} - vaultgraph map"

        # Hover: vis shows the tooltip as text (a <br> per line break, no other element).
        shown = {
            note: note,
            f"unresolved:{SCRIPT_TITLE}": SCRIPT_TITLE,
            "Home.md": "<script>window.__pwned=1</script> and <img src=x",
        }
        for node, text in shown.items():
            x, y = opened.centre_on(node)
            opened.page.mouse.move(x - 40, y - 40)
            opened.page.mouse.move(x, y, steps=4)
            opened.wait_until(
                "(() => { const t = document.querySelector('div.vis-tooltip');"
                " return t && t.style.visibility === 'visible'; })()"
            )
            tooltip = opened.js(
                "(() => { const t = document.querySelector('div.vis-tooltip');"
                " return {text: t.innerText,"
                " tags: [...t.querySelectorAll('*')].map((e) => e.tagName)}; })()"
            )
            assert set(tooltip["tags"]) <= {"BR"}
            assert text in tooltip["text"]
            assert opened.js(PWNED)

        # Click: the details panel shows the name as text.
        x, y = opened.centre_on(note)
        opened.page.mouse.click(x, y)
        opened.wait_until(f"vaultgraph.selected === {json.dumps(note)}")
        assert opened.page.locator("#details-title").text_content() == HOSTILE_NOTE
        # title, community line, text, link: four elements, none from the note
        assert opened.page.locator("#details *").evaluate_all("(els) => els.length") == 4

        # Search: results are text too.
        opened.page.locator("#search").fill("<img")
        first = opened.page.locator("#results button .label").first
        assert first.text_content() == HOSTILE_NOTE
        opened.page.locator("#results button").first.click()
        opened.wait_until(f"vaultgraph.selected === {json.dumps(note)}")

        # Double-click: only a percent-encoded obsidian:// link, for notes only.
        opened.js("vaultgraph.open = (url) => { window.__opened = url; }")
        x, y = opened.centre_on(note)
        opened.page.mouse.dblclick(x, y)
        url = opened.wait_until("window.__opened")
        assert url == obsidian_url(HOSTILE_VAULT, note)
        assert not set(url) & set("<>\"' ")
        x, y = opened.centre_on("unresolved:javascript:window.__pwned=1")
        opened.js("window.__opened = undefined")
        opened.page.mouse.dblclick(x, y)
        opened.page.wait_for_timeout(300)
        assert opened.js("window.__opened") is None

        assert opened.js(PWNED)
        assert_clean(opened)


def test_the_page_policy_blocks_injected_handlers(browser: Browser, sample_map: Path) -> None:
    """Defence in depth: even markup that got in could neither run nor fetch."""
    with open_map(browser, sample_map) as opened:
        opened.js(
            "document.body.insertAdjacentHTML('beforeend',"
            ' \'<img src="https://example.invalid/x.png" onerror="window.__pwned=1">\')'
        )
        opened.page.wait_for_timeout(300)
        assert opened.js("window.__pwned") is None
        # Chromium reports the attempt, then the policy stops it before the network does.
        assert opened.blocked == []
        assert any("inline event handler" in e and "blocked" in e for e in opened.errors)
        assert any("example.invalid" in e and "blocked" in e for e in opened.errors)


def test_a_map_with_nothing_to_show_says_so(browser: Browser, tmp_path: Path) -> None:
    # A filter that matches nothing is an error now: only a vault without notes draws nothing.
    (tmp_path / "vault").mkdir()
    html = build_map(tmp_path / "vault", tmp_path / "empty.html")
    with open_map(browser, html) as opened:
        assert opened.js("network.body.data.nodes.length") == 0
        assert "Nothing to show" in str(opened.page.locator("#status").text_content())
        assert_clean(opened)
