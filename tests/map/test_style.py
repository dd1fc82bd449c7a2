"""How a map reads: colour groups, palette and legend, sizes, tooltip text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph.map import style
from vaultgraph.vault import load_vault


def test_excerpt_skips_frontmatter_and_blank_lines_and_collapses_spaces() -> None:
    text = "---\ntags: [a]\n---\n\n# Title\n\n  Some   text\there.\n\nMore.\nLast.\n"
    assert style.excerpt(text) == "Title\nSome text here.\nMore."


def test_excerpt_cuts_long_lines_and_the_whole() -> None:
    text = "x" * 500 + "\n" + "y" * 50
    lines = style.excerpt(text, width=100).split("\n")
    assert lines[0] == "x" * 99 + "\N{HORIZONTAL ELLIPSIS}"
    assert lines[1] == "y" * 50
    assert len(style.excerpt("a b c d\n" * 100, lines=100, limit=40)) == 40


def test_excerpt_of_an_unclosed_frontmatter_keeps_the_text() -> None:
    # Obsidian reads a lone --- as a rule, and the text after it as text.
    assert style.excerpt("---\nnot closed\n") == "not closed"


def test_the_most_common_groups_take_the_palette_in_order() -> None:
    groups = {f"n{i}": "big" for i in range(5)} | {"m1": "small", "m2": "small", "z": "a"}
    colors = style.palette(groups)
    assert colors["big"] == style.PALETTE[0]
    assert colors["small"] == style.PALETTE[1]
    assert colors["a"] == style.PALETTE[2]
    assert colors["never seen"] == style.OTHER_COLOR


def test_groups_past_the_palette_share_one_colour_and_one_legend_entry() -> None:
    count = len(style.PALETTE) + 3
    groups = {f"n{i}": f"g{i:02d}" for i in range(count)}
    colors = style.palette(groups)
    legend = colors.legend(groups.values())
    assert [entry.color for entry in legend[:-1]] == list(style.PALETTE)
    assert legend[-1] == style.LegendEntry("other", style.OTHER_COLOR, 3)
    assert sum(entry.count for entry in legend) == count


def test_untagged_notes_stay_neutral_however_many() -> None:
    groups = {f"n{i}": style.UNTAGGED_GROUP for i in range(10)} | {"t": "aws"}
    colors = style.palette(groups)
    assert colors["aws"] == style.PALETTE[0]
    assert colors[style.UNTAGGED_GROUP] == style.UNTAGGED_COLOR
    assert [e.group for e in colors.legend(groups.values())] == ["aws", style.UNTAGGED_GROUP]


def test_folder_groups_are_top_level_folders(tmp_path: Path) -> None:
    vault = write_vault(
        tmp_path, {"Root.md": "", "A/B/c.md": "", "A/d.md": "", "img/x.png": b"", "E/f.md": "#t"}
    )
    groups = style.color_groups(load_vault(vault).graph, "folder")
    assert groups == {
        "Root.md": style.ROOT_GROUP,
        "A/B/c.md": "A",
        "A/d.md": "A",
        "E/f.md": "E",
        "img/x.png": "img",
    }


def test_tag_groups_use_each_notes_most_used_tag(tmp_path: Path) -> None:
    vault = write_vault(
        tmp_path,
        {
            "a.md": "#common #rare",
            "b.md": "#common",
            "c.md": "#rare",
            "d.md": "#zeta #alpha",  # a tie: the name decides
            "e.md": "no tags",
            "pic.png": b"",
        },
    )
    groups = style.color_groups(load_vault(vault).graph, "tag")
    assert groups == {
        "a.md": "common",
        "b.md": "common",
        "c.md": "rare",
        "d.md": "alpha",
        "e.md": style.UNTAGGED_GROUP,
        "pic.png": style.UNTAGGED_GROUP,
    }


def test_size_grows_with_in_links_and_stops_at_a_cap() -> None:
    sizes = [style.node_size(n) for n in (0, 1, 4, 25, 100, 10_000)]
    assert sizes == sorted(sizes)
    assert sizes[0] < sizes[1] < sizes[3]
    assert sizes[-1] == sizes[-2] == 50


def test_in_links_count_distinct_other_notes(tmp_path: Path) -> None:
    vault = write_vault(
        tmp_path, {"a.md": "[[b]] [[b]] ![[b]] [[#h]]\n# h", "b.md": "[[a]]", "c.md": "[[b]]"}
    )
    graph = load_vault(vault).graph
    assert style.inlinks(graph, "b.md") == 2
    assert style.inlinks(graph, "a.md") == 1  # its own [[#h]] does not count


@pytest.mark.parametrize(
    ("attrs", "node", "expected"),
    [
        ({"kind": "tag", "name": "aws"}, "#aws", "#aws\ntag on 2 notes"),
        (
            {"kind": "unresolved", "target": "Missing Note"},
            "unresolved:missing note",
            "Missing Note\nno such note or file; linked from 2 notes",
        ),
        (
            {"kind": "attachment", "title": "x.png"},
            "img/x.png",
            "img/x.png\nattachment, linked or embedded by 2 notes",
        ),
        (
            {"kind": "note", "tags": ["a", "b/c"], "aliases": ["Start", "Home"]},
            "dir/Note.md",
            "dir/Note.md\ntags: #a #b/c\naliases: Start, Home\nlinked from 2 notes\n\nfirst line",
        ),
        (
            {"kind": "note", "tags": [], "aliases": []},
            "N.md",
            "N.md\nlinked from 2 notes\n\nfirst line",
        ),
    ],
)
def test_tooltips_say_what_a_node_is(attrs: dict[str, object], node: str, expected: str) -> None:
    assert style.node_tooltip(attrs, node, 2, "first line") == expected


def test_edge_tooltips_give_kind_count_and_lines() -> None:
    assert style.edge_tooltip({"kind": "link", "lines": [7, 12], "count": 3}) == (
        "link x3, lines 7, 12"
    )
    assert style.edge_tooltip({"kind": "tag", "lines": [1]}) == "tag, line 1"
