"""``vaultgraph diff``'s text, Markdown and JSON."""

from __future__ import annotations

import json

from tests.query.gitrepo import FIRST, Repo, diff_of
from vaultgraph.query import GraphDiff
from vaultgraph.query.diff_formats import render


def _renamed_repo(repo: Repo) -> GraphDiff:
    repo.write(FIRST)
    repo.commit("one")
    repo.git("mv", "Docker.md", "Engine.md")
    return diff_of(repo, "HEAD")


def test_text(repo: Repo) -> None:
    text = render(_renamed_repo(repo), "text")
    assert text.splitlines()[0].startswith("Graph changes from HEAD (")
    assert text.splitlines()[0].endswith(") to working tree")
    assert "\n".join(text.splitlines()[1:]) == "\n".join(
        [
            "  Notes:              +0 -0, 1 renamed",
            "  Attachments:        +0 -0",
            "  Links:              +2 -2",
            "  Unresolved targets: +1 -0",
            "  Orphans:            +0 -0",
            "",
            "Broken links",
            "  Docker.md (renamed to Engine.md) broke 2 links in 2 notes:",
            "    Home.md:2:1: [[Docker]]",
            "    notes/Other.md:1:5: [[Docker]]",
            "",
            "Renamed",
            "  Docker.md -> Engine.md",
            "",
            "Links added",
            '  Home.md -> "Docker" (unresolved)',
            '  notes/Other.md -> "Docker" (unresolved)',
            "",
            "Links removed",
            "  Home.md -> Docker.md",
            "  notes/Other.md -> Docker.md",
            "",
            "New unresolved targets",
            "  Docker (2 notes)",
        ]
    )


def test_markdown_for_a_pull_request_comment(repo: Repo) -> None:
    md = render(_renamed_repo(repo), "markdown")
    assert md.startswith("### Vault graph: `HEAD (")
    assert "| Notes (1 renamed) | 0 | 0 |" in md
    assert (
        "#### ⚠️ Broken links\n\n"
        "- `Docker.md` (renamed to `Engine.md`) broke 2 links in 2 notes:\n"
        "  - `Home.md` line 2: `[[Docker]]`\n"
        "  - `notes/Other.md` line 1: `[[Docker]]`\n"
    ) in md
    assert "- `Docker.md` → `Engine.md`" in md


def test_markdown_folds_long_lists_and_escapes_backticks(repo: Repo) -> None:
    repo.write({"Home.md": ""})
    repo.commit("one")
    repo.write({f"Note {i:02}.md": "" for i in range(12)} | {"Odd `name`.md": ""})
    md = render(diff_of(repo, "HEAD"), "markdown")
    assert "<details><summary>Notes added (13)</summary>" in md
    assert "- ``Odd `name`.md``" in md


def test_json(repo: Repo) -> None:
    data = json.loads(render(_renamed_repo(repo), "json"))
    assert data["to"] == "working tree"
    assert data["renamed"] == [{"from": "Docker.md", "to": "Engine.md"}]
    assert data["broken"][0]["target"] == "Docker.md"
    assert data["broken"][0]["renamed_to"] == "Engine.md"
    assert data["broken"][0]["links"][0] == {
        "source": "Home.md",
        "line": 2,
        "column": 1,
        "written": "[[Docker]]",
        "edited": False,
    }
    assert data["unresolved"]["added"] == [{"target": "Docker", "notes": 2}]
    assert set(data) == {
        "from",
        "to",
        "notes",
        "attachments",
        "renamed",
        "links",
        "broken",
        "unresolved",
        "orphans",
    }
