"""The page as text: self-contained, every vault string escaped, scripts pinned by the policy."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.map.paths import SAMPLE_VAULT, XSS_VAULT
from vaultgraph.map import build_view, render_page
from vaultgraph.map.build import MapNode, MapView
from vaultgraph.map.page import LARGE, script_json, vis_options
from vaultgraph.vault import load_vault


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


@pytest.fixture(scope="module")
def sample_html() -> str:
    return render_page(build_view(load_vault(SAMPLE_VAULT)))


def page_data(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert match is not None
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_the_page_loads_nothing_from_anywhere(sample_html: str) -> None:
    elements = parse(sample_html)
    linked = [
        (tag, name, value)
        for tag, attrs in elements.tags
        for name, value in attrs.items()
        if name in ("src", "href", "srcset", "action", "data")
    ]
    assert linked == [("link", "href", "data:,")]  # the empty favicon, so none is fetched
    assert not re.search(r"@import|url\((?!\"?data:)", sample_html)


def test_the_policy_runs_exactly_our_two_scripts_and_fetches_nothing(sample_html: str) -> None:
    elements = parse(sample_html)
    policy = next(
        attrs["content"]
        for tag, attrs in elements.tags
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert policy is not None
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    code = [
        s
        for (tag, attrs), s in zip(_scripts(elements), elements.scripts, strict=True)
        if attrs.get("type") is None
    ]
    assert len(code) == 2
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in code
    }
    assert set(directives["script-src"].split()) == hashes


def _scripts(elements: Elements) -> list[tuple[str, dict[str, str | None]]]:
    return [(tag, attrs) for tag, attrs in elements.tags if tag == "script"]


def test_the_data_block_holds_the_view(sample_html: str) -> None:
    view = build_view(load_vault(SAMPLE_VAULT))
    data = page_data(sample_html)
    nodes = data["nodes"]
    edges = data["edges"]
    assert isinstance(nodes, list)
    assert isinstance(edges, list)
    assert [n["id"] for n in nodes] == [n.id for n in view.nodes]
    assert [(e["from"], e["to"], e["kind"]) for e in edges] == [
        (e.source, e.target, e.kind) for e in view.edges
    ]
    assert data["vault"] == "sample_vault"
    assert data["options"] == vis_options(len(view.nodes))


def test_hostile_strings_never_reach_the_html_as_markup() -> None:
    html = render_page(build_view(load_vault(XSS_VAULT)))
    for raw in ("<img src=x", "</script><script>", "<svg", "<script>window", 'onerror="'):
        assert raw not in html
    elements = parse(html)
    assert [tag for tag, _ in elements.tags if tag == "script"] == ["script"] * 3
    assert not any(tag in ("img", "svg", "iframe") for tag, _ in elements.tags)
    labels = {n["id"]: n["label"] for n in page_data(html)["nodes"]}  # type: ignore[attr-defined]
    assert labels["unresolved:</script><script>window.__pwned=1</script>"] == (
        "</script><script>window.__pwned=1</script>"
    )


def test_the_vault_name_is_escaped_in_the_title(tmp_path: Path) -> None:
    root = tmp_path / "a<b>&'c\""
    root.mkdir()
    (root / "n.md").write_text("x", encoding="utf-8")
    html = render_page(build_view(load_vault(root)))
    assert "<title>a&lt;b&gt;&amp;&#39;c&#34; - vaultgraph map</title>" in html


@given(
    st.recursive(
        st.text() | st.integers() | st.booleans(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_script_json_round_trips_and_holds_nothing_an_html_parser_reads(value: object) -> None:
    text = str(script_json({"v": value}))
    assert json.loads(text) == {"v": value}
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


def test_large_maps_trade_looks_for_speed() -> None:
    small, large = vis_options(LARGE), vis_options(LARGE + 1)
    assert small["layout"]["improvedLayout"] is True
    assert large["layout"]["improvedLayout"] is False
    assert large["edges"]["smooth"] is False
    assert large["interaction"]["hideEdgesOnDrag"] is False  # the page batches its edges
    for options in (small, large):
        assert options["physics"]["stabilization"]["enabled"] is True
        assert options["edges"]["arrows"]["to"]["enabled"] is True


def test_large_maps_start_from_seeded_positions_and_draw_no_dashes() -> None:
    nodes = tuple(
        MapNode(f"n{i}.md", "note", f"n{i}", "g", "#4e79a7", 10.0, 0, "", None)
        for i in range(LARGE + 1)
    )
    data = page_data(render_page(MapView("v", nodes, (), (), "folder")))
    assert all("x" in n and "y" in n for n in data["nodes"])  # type: ignore[attr-defined]
    styles = data["edgeStyles"]
    assert isinstance(styles, dict)
    assert all(style["dashes"] is False for style in styles.values())


def test_small_maps_dash_embeds_and_open_on_the_precomputed_layout(sample_html: str) -> None:
    data = page_data(sample_html)
    assert all("x" in n and "y" in n for n in data["nodes"])  # type: ignore[attr-defined]
    styles = data["edgeStyles"]
    assert isinstance(styles, dict)
    assert styles["link"]["dashes"] is False
    assert styles["embed"]["dashes"]
    assert styles["tag"]["dashes"]
    assert styles["link-unresolved"]["dashes"]
    assert styles["embed"]["color"] != styles["link"]["color"]
    assert styles["link-unresolved"]["color"] != styles["link"]["color"]


def test_an_empty_view_still_makes_a_page() -> None:
    data = page_data(render_page(MapView("v", (), (), (), "folder")))
    assert data["nodes"] == []
    assert data["edges"] == []


def test_rendering_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    render_page(build_view(load_vault(SAMPLE_VAULT)))
    assert list(tmp_path.iterdir()) == []
