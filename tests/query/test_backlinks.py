"""``incoming`` (backlinks) and ``outgoing`` (links): linked and unlinked mentions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph import load_vault
from vaultgraph.query import Mention, incoming, outgoing
from vaultgraph.query.backlinks import render
from vaultgraph.vault import Vault

HOME = (
    "# Home\n"
    "See [[Gamma Ray]] and [[notes/Gamma Ray#Physics|physics]].\n"
    "![[Gamma Ray]]\n"
    "Gamma Ray is plain here, and gamma ray again.\n"
    "`Gamma Ray` in code, [Gamma Ray](https://example.com) in a link.\n"
)
GAMMA = "---\naliases: [GR]\n---\n# Gamma Ray\nBack to [[Home]]. Gamma Ray itself. [[#Gamma Ray]]\n"
OTHER = "A GR burst.\n[[Missing]] and ![[pic.png]]\n"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    root = write_vault(
        tmp_path,
        {"Home.md": HOME, "notes/Gamma Ray.md": GAMMA, "Other.md": OTHER, "pic.png": b"png"},
    )
    return load_vault(root, cache=False)


def rows(mentions: tuple[Mention, ...] | None) -> list[tuple[str, int, int | None, str]]:
    assert mentions is not None
    return [(m.source, m.line, m.column, m.written) for m in mentions]


def test_backlinks_are_the_links_from_other_notes(vault: Vault) -> None:
    report = incoming(vault, "notes/Gamma Ray.md")
    assert report.incoming
    assert rows(report.linked) == [
        ("Home.md", 2, 5, "[[Gamma Ray]]"),
        ("Home.md", 2, 23, "[[notes/Gamma Ray#Physics|physics]]"),
        ("Home.md", 3, 1, "![[Gamma Ray]]"),
    ]  # not its own [[#Gamma Ray]]
    assert [m.kind for m in report.linked] == ["link", "link", "embed"]
    assert report.linked[0].text == "See [[Gamma Ray]] and [[notes/Gamma Ray#Physics|physics]]."
    assert report.unlinked is None


def test_unlinked_mentions_of_title_and_aliases_in_other_notes(vault: Vault) -> None:
    report = incoming(vault, "notes/Gamma Ray.md", unlinked=True)
    assert rows(report.unlinked) == [
        ("Home.md", 4, 1, "Gamma Ray"),
        ("Home.md", 4, 30, "gamma ray"),
        ("Other.md", 1, 3, "GR"),
    ]  # not in code, not in a link's text, not in the note itself
    assert report.unlinked is not None
    assert {m.kind for m in report.unlinked} == {"mention"}
    assert report.unlinked[2].text == "A GR burst."


def test_backlinks_of_an_attachment(vault: Vault) -> None:
    assert rows(incoming(vault, "pic.png").linked) == [("Other.md", 2, 17, "![[pic.png]]")]


def test_links_from_a_note_with_where_each_leads(vault: Vault) -> None:
    report = outgoing(vault, "Other.md")
    assert not report.incoming
    assert [(m.line, m.written, m.target) for m in report.linked] == [
        (2, "[[Missing]]", None),
        (2, "![[pic.png]]", "pic.png"),
    ]


def test_links_include_links_into_the_note_itself(vault: Vault) -> None:
    targets = [m.target for m in outgoing(vault, "notes/Gamma Ray.md").linked]
    assert targets == ["Home.md", "notes/Gamma Ray.md"]


def test_unlinked_mentions_in_a_note_of_other_notes(vault: Vault) -> None:
    report = outgoing(vault, "Home.md", unlinked=True)
    assert [(m.line, m.column, m.written, m.target) for m in report.unlinked or ()] == [
        (4, 1, "Gamma Ray", "notes/Gamma Ray.md"),
        (4, 30, "gamma ray", "notes/Gamma Ray.md"),
    ]  # "Home" in its own heading is not a mention of another note
    other = outgoing(vault, "Other.md", unlinked=True)
    assert [(m.written, m.target) for m in other.unlinked or ()] == [("GR", "notes/Gamma Ray.md")]


def test_a_shared_title_goes_where_a_link_would(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path,
        {"a/Plan.md": "", "b/Plan.md": "", "b/Notes.md": "The Plan is ready.\n"},
    )
    report = outgoing(load_vault(root, cache=False), "b/Notes.md", unlinked=True)
    assert [m.target for m in report.unlinked or ()] == ["b/Plan.md"]  # same folder wins


def test_text_format(vault: Vault) -> None:
    text = render(incoming(vault, "notes/Gamma Ray.md", unlinked=True), "text")
    assert text.splitlines() == [
        "Linked mentions of notes/Gamma Ray.md: 3 in 1 note",
        "Home.md:2:5: See [[Gamma Ray]] and [[notes/Gamma Ray#Physics|physics]].",
        "Home.md:2:23: See [[Gamma Ray]] and [[notes/Gamma Ray#Physics|physics]].",
        "Home.md:3:1: ![[Gamma Ray]]",
        "",
        "Unlinked mentions: 3 in 2 notes",
        "Home.md:4:1: Gamma Ray is plain here, and gamma ray again.",
        "Home.md:4:30: Gamma Ray is plain here, and gamma ray again.",
        "Other.md:1:3: A GR burst.",
    ]
    links = render(outgoing(vault, "Other.md"), "text")
    assert links.splitlines() == [
        "Links from Other.md: 2 (1 unresolved)",
        "Other.md:2:1: [[Missing]] -> (unresolved)",
        "Other.md:2:17: ![[pic.png]] -> pic.png",
    ]


def test_json_format(vault: Vault) -> None:
    data = json.loads(render(incoming(vault, "notes/Gamma Ray.md"), "json"))
    assert data["note"] == "notes/Gamma Ray.md"
    assert data["direction"] == "incoming"
    assert data["unlinked"] is None
    assert data["linked"][2] == {
        "source": "Home.md",
        "line": 3,
        "column": 1,
        "text": "![[Gamma Ray]]",
        "kind": "embed",
        "written": "![[Gamma Ray]]",
        "target": "notes/Gamma Ray.md",
    }
    data = json.loads(render(outgoing(vault, "Other.md", unlinked=True), "json"))
    assert data["direction"] == "outgoing"
    assert data["linked"][0]["target"] is None
    assert [m["written"] for m in data["unlinked"]] == ["GR"]


def test_a_title_wins_over_another_notes_alias(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path,
        {
            "Obsidian.md": "",
            "People/Someone.md": "---\naliases: [Obsidian, Sam]\n---\n",
            "Home.md": "I use Obsidian, said Sam.\n",
        },
    )
    report = outgoing(load_vault(root, cache=False), "Home.md", unlinked=True)
    assert [(m.written, m.target) for m in report.unlinked or ()] == [
        ("Obsidian", "Obsidian.md"),
        ("Sam", "People/Someone.md"),
    ]
