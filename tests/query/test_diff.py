"""``compare``: graphs of two revisions, on a repository built commit by commit."""

from __future__ import annotations

from pathlib import Path

from tests.query.gitrepo import FIRST, Repo, diff_of
from vaultgraph import load_vault
from vaultgraph.query import at_revision, compare, working_tree
from vaultgraph.query.diff import Breakage, BrokenLink, LinkEdge, Renamed, Unresolved
from vaultgraph.query.diff_formats import render


def test_a_rename_that_broke_links_in_untouched_notes(repo: Repo) -> None:
    repo.write(FIRST)
    repo.commit("one")
    (repo.root / "Tools").mkdir()
    repo.git("mv", "Docker.md", "Tools/Container Engine.md")
    repo.write({"Lonely.md": "No links here.\n"})
    repo.commit("rename Docker, add a lonely note")

    d = diff_of(repo, "HEAD~1", "HEAD")

    assert d.renamed == (Renamed("Docker.md", "Tools/Container Engine.md"),)
    assert d.broken == (
        Breakage(
            "Docker.md",
            renamed_to="Tools/Container Engine.md",
            removed=False,
            links=(
                BrokenLink("Home.md", 2, 1, "[[Docker]]", edited=False),
                BrokenLink("notes/Other.md", 1, 5, "[[Docker]]", edited=False),
            ),
        ),
    )
    assert (d.notes_added, d.notes_removed) == (("Lonely.md",), ())
    assert d.orphans_added == ("Lonely.md",)
    assert d.unresolved_added == (Unresolved("Docker", notes=2),)
    assert d.links_removed == (
        LinkEdge("Home.md", "Docker.md", True, "link"),
        LinkEdge("notes/Other.md", "Docker.md", True, "link"),
    )
    assert d.links_added == (
        LinkEdge("Home.md", "Docker", False, "link"),
        LinkEdge("notes/Other.md", "Docker", False, "link"),
    )  # the renamed note's own link to Home is no change


def test_fixing_the_links_resolves_the_targets_again(repo: Repo) -> None:
    repo.write(FIRST)
    repo.commit("one")
    repo.git("mv", "Docker.md", "Engine.md")
    repo.commit("rename")
    repo.write(
        {
            "Home.md": "# Home\n[[Engine]] and [[Kubernetes]]\n",
            "notes/Other.md": "See [[Engine]].\n![[img.png]]\n",
        }
    )
    repo.commit("fix the links")

    fixed = diff_of(repo, "HEAD~1", "HEAD")
    assert fixed.broken == ()
    assert fixed.unresolved_removed == (Unresolved("Docker", notes=2),)
    assert fixed.renamed == ()
    # Across both commits, the rename and its fixes leave the links as they were.
    whole = diff_of(repo, "HEAD~2", "HEAD")
    assert whole.renamed == (Renamed("Docker.md", "Engine.md"),)
    assert (whole.links_added, whole.links_removed, whole.broken) == ((), (), ())


def test_a_removed_note_and_a_broken_link_in_an_edited_note(repo: Repo) -> None:
    repo.write(FIRST)
    repo.commit("one")
    (repo.root / "Kubernetes.md").unlink()
    repo.write({"Home.md": "# Home\n\n[[Docker]] and [[Kubernetes]]\n"})
    repo.commit("remove Kubernetes")

    d = diff_of(repo, "HEAD~1", "HEAD")
    assert d.notes_removed == ("Kubernetes.md",)
    assert d.broken == (
        Breakage(
            "Kubernetes.md",
            renamed_to=None,
            removed=True,
            links=(BrokenLink("Home.md", 3, 16, "[[Kubernetes]]", edited=True),),
        ),
    )


def test_moved_and_edited_keeps_its_name(repo: Repo) -> None:
    repo.write(FIRST)
    repo.commit("one")
    (repo.root / "Kubernetes.md").unlink()
    repo.write({"archive/Kubernetes.md": "# Kubernetes\nrewritten, [[Home]]\n"})
    repo.commit("move and edit")
    d = diff_of(repo, "HEAD~1", "HEAD")
    assert d.renamed == (Renamed("Kubernetes.md", "archive/Kubernetes.md"),)
    assert d.broken == ()  # [[Kubernetes]] still finds it by name
    assert (d.notes_added, d.notes_removed, d.links_added, d.links_removed) == ((), (), (), ())


def test_the_working_tree_by_default_untracked_files_included(repo: Repo) -> None:
    repo.write(FIRST)
    repo.commit("one")
    repo.write({"Draft.md": "[[Home]] [[Someday]]\n", "pics/new.png": b"png"})
    d = diff_of(repo, "HEAD")
    assert d.new == "working tree"
    assert d.notes_added == ("Draft.md",)
    assert d.attachments_added == ("pics/new.png",)
    assert d.links_added == (
        LinkEdge("Draft.md", "Home.md", True, "link"),
        LinkEdge("Draft.md", "Someday", False, "link"),
    )
    assert d.unresolved_added == (Unresolved("Someday", notes=1),)


def test_a_new_orphan_made_by_removing_its_only_link(repo: Repo) -> None:
    repo.write(FIRST)
    repo.commit("one")
    repo.write({"Home.md": "# Home\n[[Docker]]\n", "Kubernetes.md": "# Kubernetes\n"})
    d = diff_of(repo, "HEAD")
    assert d.orphans_added == ("Kubernetes.md",)
    assert d.orphans_removed == ()
    assert d.broken == ()


def test_no_changes(repo: Repo) -> None:
    repo.write(FIRST)
    repo.commit("one")
    d = diff_of(repo, "HEAD")
    assert d.empty
    assert render(d, "text").splitlines()[1] == "No changes to the graph."
    assert "No changes to the graph." in render(d, "markdown")


def test_a_vault_in_a_subfolder_of_the_repository(repo: Repo) -> None:
    repo.write({"README.md": "", "vault/A.md": "[[B]]", "vault/B.md": ""})
    repo.commit("one")
    repo.write({"README.md": "changed", "vault/C.md": "[[A]]"})
    d = compare(
        at_revision(repo.root / "vault", "HEAD"),
        working_tree(load_vault(Path(repo.root / "vault"), cache=False)),
    )
    assert d.notes_added == ("C.md",)
    assert d.links_added == (LinkEdge("C.md", "A.md", True, "link"),)
