"""Note arguments: a vault path, a title, a [[wikilink]] or a path on disk; clear errors."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph import load_vault
from vaultgraph.query import QueryError, find_note
from vaultgraph.query.notes import unwrap
from vaultgraph.vault import Vault

CAFE_NFD = unicodedata.normalize("NFD", "Café")


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    root = write_vault(
        tmp_path / "vault",
        {
            "Home.md": "# Home\n",
            "notes/Gamma Ray.md": "---\naliases: [Gamma]\n---\n# Gamma Ray\n",
            "a/Plan.md": "",
            "b/Plan.md": "",
            f"{CAFE_NFD}.md": "",
            "img/diagram.png": b"\x89PNG",
        },
    )
    return load_vault(root, cache=False)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Home", "Home.md"),
        ("home", "Home.md"),
        ("Home.md", "Home.md"),
        ("Gamma Ray", "notes/Gamma Ray.md"),
        ("notes/Gamma Ray", "notes/Gamma Ray.md"),
        ("notes/Gamma Ray.md", "notes/Gamma Ray.md"),
        ("[[Gamma Ray]]", "notes/Gamma Ray.md"),
        ("[[Gamma Ray#Physics|the note]]", "notes/Gamma Ray.md"),
        ("![[notes/Gamma Ray]]", "notes/Gamma Ray.md"),
        ("  Home  ", "Home.md"),
        ("a/Plan", "a/Plan.md"),
        ("Café", f"{CAFE_NFD}.md"),  # typed NFC, spelled NFD on disk
    ],
)
def test_finds_notes_by_path_title_or_wikilink(vault: Vault, name: str, expected: str) -> None:
    assert find_note(vault.graph, name) == expected


def test_a_title_two_notes_share_is_an_error_listing_both(vault: Vault) -> None:
    with pytest.raises(QueryError) as raised:
        find_note(vault.graph, "Plan")
    assert str(raised.value) == '"Plan" names 2 files: a/Plan.md, b/Plan.md; give its path'


def test_an_unknown_note_gets_the_closest_names(vault: Vault) -> None:
    with pytest.raises(QueryError) as raised:
        find_note(vault.graph, "Gama Ray")
    assert str(raised.value) == 'no note "Gama Ray" in the vault (did you mean "Gamma Ray"?)'


def test_an_alias_is_suggested_but_does_not_name_the_note(vault: Vault) -> None:
    # Given by its own name: on the command line an alias names no note.
    with pytest.raises(QueryError, match=r'did you mean "Gamma Ray"\?\)$'):
        find_note(vault.graph, "Gamma")


def test_nothing_close_means_no_suggestion(vault: Vault) -> None:
    with pytest.raises(QueryError) as raised:
        find_note(vault.graph, "Zyxwvut")
    assert str(raised.value) == (
        'no note "Zyxwvut" in the vault; give a note\'s title, its vault path or a [[wikilink]]'
    )


@pytest.mark.parametrize("name", ["", "   ", "[[]]", "[[#Heading]]"])
def test_an_empty_name_is_an_error(vault: Vault, name: str) -> None:
    with pytest.raises(QueryError, match="names no note"):
        find_note(vault.graph, name)


def test_attachments_only_when_asked(vault: Vault) -> None:
    with pytest.raises(QueryError):
        find_note(vault.graph, "diagram.png")
    assert find_note(vault.graph, "diagram.png", attachments=True) == "img/diagram.png"


def test_a_path_on_disk_inside_the_vault(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    on_disk = str(Path("vault") / "notes" / "Gamma Ray.md")
    assert find_note(vault.graph, on_disk, root=vault.root) == "notes/Gamma Ray.md"
    with pytest.raises(QueryError):
        find_note(vault.graph, on_disk)  # without the root, no path on disk is looked at


def test_a_file_on_disk_outside_the_vault_is_not_a_note(vault: Vault, tmp_path: Path) -> None:
    outside = tmp_path / "Elsewhere.md"
    outside.write_text("", encoding="utf-8")
    with pytest.raises(QueryError, match=r'no note ".*Elsewhere\.md" in the vault'):
        find_note(vault.graph, str(outside), root=vault.root)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[A#b|c]]", "A"),
        ("![[A.png|300]]", "A.png"),
        ("A", "A"),
        ("[[", "[["),
        ("[[A]] tail", "[[A]] tail"),
    ],
)
def test_unwrap(text: str, expected: str) -> None:
    assert unwrap(text) == expected
