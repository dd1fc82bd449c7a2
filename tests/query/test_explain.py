"""``explain_link``: every candidate, the one chosen, the rule, the subpath, the closest names."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph import load_vault
from vaultgraph.query import QueryError, explain_link
from vaultgraph.query.explain import Explanation, render
from vaultgraph.resolve import Resolution
from vaultgraph.vault import Vault

CAFE_NFD = unicodedata.normalize("NFD", "Café")
DOCKER = "---\naliases: [Docker Engine]\n---\n# Docker\n## Key pieces\nA block. ^key-block\n"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    root = write_vault(
        tmp_path,
        {
            "Home.md": "",
            "Plan.md": "",
            "projects/Plan.md": "",
            "projects/Home.md": "",
            "archive/Plan.md": "",
            "projects/Task.md": "",
            "archive/Task.md": "",
            "zz/Task.md": "",
            f"notes/{CAFE_NFD}.md": "",
            "Docker.md": DOCKER,
            "img/diagram.png": b"png",
        },
    )
    return load_vault(root, cache=False)


def paths(e: Explanation) -> list[str]:
    return [c.path for c in e.candidates]


def test_an_exact_path_wins_and_every_file_of_that_name_is_listed(vault: Vault) -> None:
    e = explain_link(vault, "[[Plan]]", source="projects/Home.md")
    assert (e.resolved, e.rule) == ("Plan.md", Resolution.EXACT_PATH)
    assert paths(e) == ["Plan.md", "projects/Plan.md", "archive/Plan.md"]
    assert e.reason == '"Plan" is the vault path of Plan.md, which wins over 2 other files'
    assert [(c.exact_path, c.same_folder) for c in e.candidates] == [
        (True, False),
        (False, True),
        (False, False),
    ]


def test_same_folder_then_shortest_path(vault: Vault) -> None:
    here = explain_link(vault, "[[Task]]", source="projects/Home.md")
    assert (here.resolved, here.rule) == ("projects/Task.md", Resolution.SAME_FOLDER)
    assert (
        here.reason
        == '3 files are named "Task"; projects/Task.md is in the folder of projects/Home.md'
    )
    root = explain_link(vault, "[[Task]]", source="Home.md")
    assert (root.resolved, root.rule) == ("zz/Task.md", Resolution.SHORTEST_PATH)
    assert paths(root) == ["zz/Task.md", "archive/Task.md", "projects/Task.md"]
    assert [c.length for c in root.candidates] == [10, 15, 16]


def test_a_folder_in_the_target_rules_out_the_other_files_of_that_name(vault: Vault) -> None:
    e = explain_link(vault, "[[projects/Plan]]")
    assert (e.resolved, e.rule) == ("projects/Plan.md", Resolution.EXACT_PATH)
    assert paths(e) == ["projects/Plan.md", "Plan.md", "archive/Plan.md"]
    assert [c.matches for c in e.candidates] == [True, False, False]


def test_a_path_from_the_vault_root(vault: Vault) -> None:
    e = explain_link(vault, "[[/projects/Plan]]", source="archive/Plan.md")
    assert (e.resolved, e.rule) == ("projects/Plan.md", Resolution.EXACT_PATH)
    assert e.candidates[0].exact_path


def test_case_folding_and_unicode_normalisation(vault: Vault) -> None:
    assert explain_link(vault, "[[PLAN]]").spelling == ("case-folding",)
    assert explain_link(vault, "[[Plan]]").spelling == ()
    nfc = explain_link(vault, "[[Café]]")  # the file name on disk is NFD
    assert (nfc.resolved, nfc.spelling) == (f"notes/{CAFE_NFD}.md", ("unicode-normalisation",))
    both = explain_link(vault, "[[CAFÉ]]")
    assert both.spelling == ("case-folding", "unicode-normalisation")


def test_aliases_are_ignored_and_the_closest_names_offered(vault: Vault) -> None:
    e = explain_link(vault, "[[Docker Engine]]")
    assert (e.resolved, e.rule, paths(e)) == (None, Resolution.UNRESOLVED, [])
    assert e.aliases == ("Docker.md",)
    assert e.closest == ("[[Docker|Docker Engine]]",)
    assert e.reason == 'no file is named "Docker Engine"'


def test_closest_names_for_a_typo(vault: Vault) -> None:
    e = explain_link(vault, "[[Dockr]]")
    assert e.closest == ("[[Docker]]",)
    assert e.aliases == ()


def test_subpaths(vault: Vault) -> None:
    assert explain_link(vault, "[[Docker#Key pieces]]").subpath_exists is True
    assert explain_link(vault, "[[Docker#^key-block]]").subpath_exists is True
    missing = explain_link(vault, "[[Docker#Key pices]]")
    assert (missing.subpath_exists, missing.closest_subpaths) == (False, ("Key pieces",))
    block = explain_link(vault, "[[Docker#^key-blok]]")
    assert (block.subpath_exists, block.closest_subpaths) == (False, ("^key-block",))
    assert explain_link(vault, "[[Docker]]").subpath_exists is None
    assert explain_link(vault, "[[diagram.png#x]]").subpath_exists is None


def test_a_link_into_its_own_note_needs_the_note(vault: Vault) -> None:
    with pytest.raises(QueryError, match="give --from NOTE"):
        explain_link(vault, "[[#Key pieces]]")
    e = explain_link(vault, "[[#Key pieces]]", source="Docker.md")
    assert (e.resolved, e.rule, e.subpath_exists) == ("Docker.md", Resolution.SELF, True)


@pytest.mark.parametrize(
    ("text", "resolved", "rule"),
    [
        ("[see](projects/Plan.md)", "projects/Plan.md", Resolution.EXACT_PATH),
        ("![[diagram.png|300]]", "img/diagram.png", Resolution.SHORTEST_PATH),
        ("Plan#Heading", "Plan.md", Resolution.EXACT_PATH),
        ("[[../Plan]]", None, Resolution.OUTSIDE_VAULT),
        ("[[./Plan]]", "Plan.md", Resolution.RELATIVE),
    ],
)
def test_any_link_syntax(vault: Vault, text: str, resolved: str | None, rule: Resolution) -> None:
    e = explain_link(vault, text)
    assert (e.resolved, e.rule) == (resolved, rule)


@pytest.mark.parametrize("text", ["[[A]] and [[B]]", "", "#"])
def test_one_link_only(vault: Vault, text: str) -> None:
    with pytest.raises(QueryError):
        explain_link(vault, text)


def test_json_has_candidates_resolved_and_rule(vault: Vault) -> None:
    data = json.loads(render(explain_link(vault, "[[Task]]", source="Home.md"), "json"))
    assert data["candidates"] == ["zz/Task.md", "archive/Task.md", "projects/Task.md"]
    assert data["resolved"] == "zz/Task.md"
    assert data["rule"] == "shortest-path"
    assert data["subpath_exists"] is None
    missing = json.loads(render(explain_link(vault, "[[Docker#Key pices]]"), "json"))
    assert (missing["subpath_exists"], missing["closest_subpaths"]) == (False, ["Key pieces"])
    none = json.loads(render(explain_link(vault, "[[Dockr]]"), "json"))
    assert (none["candidates"], none["resolved"], none["rule"]) == ([], None, "unresolved")
    assert none["closest"] == ["[[Docker]]"]


def test_text(vault: Vault) -> None:
    text = render(explain_link(vault, "[[Plan#Goals]]", source="projects/Home.md"), "text")
    assert text.splitlines() == [
        "Link:        [[Plan#Goals]]",
        "From:        projects/Home.md",
        "Files named: Plan.md, projects/Plan.md, archive/Plan.md",
        "Resolved:    Plan.md",
        'Rule:        exact-path: "Plan" is the vault path of Plan.md, '
        "which wins over 2 other files",
        "Subpath:     #Goals: not found",
        "",
        "Candidates, in Obsidian's order: exact path, same folder, shortest path",
        "  1. Plan.md  (exact path, 7 characters)",
        "  2. projects/Plan.md  (same folder, 16 characters)",
        "  3. archive/Plan.md  (15 characters)",
    ]
    unresolved = render(explain_link(vault, "[[Docker Engine]]"), "text")
    assert 'Aliases ignored: Docker.md lists "Docker Engine" as an alias' in unresolved
    assert "Closest names:   [[Docker|Docker Engine]]" in unresolved
