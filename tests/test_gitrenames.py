"""What git says was renamed from a commit to the working tree, and that asking writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.query.gitrepo import Repo
from vaultgraph.gitfiles import RevisionError
from vaultgraph.gitrenames import working_tree_renames

DOCKER = "# Docker\nContainers, images and the registry they come from.\n"
NOTES: dict[str, str | bytes] = {
    "Home.md": "# Home\n[[Docker]] and [[Kubernetes]]\n",
    "Docker.md": DOCKER,
    "Kubernetes.md": "# Kubernetes\nPods, services and deployments, scheduled on nodes.\n",
    "img.png": b"\x89PNG not really an image, but bytes enough to be one",
}


@pytest.fixture
def repo(repo: Repo) -> Repo:
    """The shared empty repository, with one commit of NOTES."""
    repo.write(NOTES)
    repo.commit("one")
    return repo


def _state(repo: Repo) -> tuple[bytes, str, list[str]]:
    """The user's index, refs and object files: what asking must leave as they are."""
    git = repo.root / ".git"
    objects = sorted(str(p.relative_to(git)) for p in (git / "objects").rglob("*") if p.is_file())
    return (git / "index").read_bytes(), repo.git("show-ref"), objects


def test_a_rename_never_added_is_found_and_nothing_is_written(repo: Repo) -> None:
    (repo.root / "Docker.md").rename(repo.root / "Containers.md")
    before = _state(repo)
    found = working_tree_renames(repo.root)
    assert found.moved == {"Docker.md": "Containers.md"}
    assert found.ambiguous == {}
    assert found.files == ("Docker.md", "Home.md", "Kubernetes.md", "img.png")
    assert found.label.startswith("HEAD (")
    assert _state(repo) == before
    assert "?? Containers.md" in repo.git("status", "--short")


def test_a_staged_rename_and_an_attachment_moved_into_a_new_folder(repo: Repo) -> None:
    repo.git("mv", "Kubernetes.md", "K8s.md")
    (repo.root / "media").mkdir()
    (repo.root / "img.png").rename(repo.root / "media" / "img.png")
    found = working_tree_renames(repo.root)
    assert found.moved == {"Kubernetes.md": "K8s.md", "img.png": "media/img.png"}


def test_a_folder_renamed_renames_every_file_in_it(repo: Repo) -> None:
    repo.write({"topics/A.md": "# A\nsome words of A\n", "topics/B.md": "# B\nother words: B\n"})
    repo.commit("topics")
    (repo.root / "topics").rename(repo.root / "subjects")
    found = working_tree_renames(repo.root)
    assert found.moved == {"topics/A.md": "subjects/A.md", "topics/B.md": "subjects/B.md"}


def test_a_rename_with_edits_is_still_a_rename_but_a_rewrite_is_not(repo: Repo) -> None:
    (repo.root / "Docker.md").unlink()
    repo.write({"Containers.md": DOCKER + "One more line, written after.\n"})
    (repo.root / "Kubernetes.md").unlink()
    repo.write({"Other.md": "Nothing in common with what was there before, at all.\n"})
    found = working_tree_renames(repo.root)
    assert found.moved == {"Docker.md": "Containers.md"}


def test_renames_committed_since_a_revision_then_renamed_again_are_one_rename(repo: Repo) -> None:
    first = repo.git("rev-parse", "HEAD").strip()
    repo.git("mv", "Docker.md", "B.md")
    repo.commit("to B")
    (repo.root / "B.md").rename(repo.root / "C.md")
    assert working_tree_renames(repo.root).moved == {"B.md": "C.md"}
    since = working_tree_renames(repo.root, first)
    assert since.moved == {"Docker.md": "C.md"}
    assert "Docker.md" in since.files
    assert since.label == f"{first} ({first[:7]})"


def test_a_file_copied_to_two_places_then_removed_is_ambiguous(repo: Repo) -> None:
    data = (repo.root / "Docker.md").read_bytes()
    repo.write({"one/Docker.md": data, "two/Docker.md": data})
    (repo.root / "Docker.md").unlink()
    found = working_tree_renames(repo.root)
    assert found.ambiguous == {"Docker.md": ("one/Docker.md", "two/Docker.md")}
    assert found.moved == {}


def test_an_exact_rename_beside_a_similar_new_note_is_not_ambiguous(repo: Repo) -> None:
    (repo.root / "Docker.md").rename(repo.root / "Containers.md")
    repo.write({"Podman.md": DOCKER + "And podman, which is much the same.\n"})
    found = working_tree_renames(repo.root)
    assert found.moved == {"Docker.md": "Containers.md"}
    assert found.ambiguous == {}


def test_a_vault_in_a_subfolder_sees_its_own_renames_with_its_own_paths(repo: Repo) -> None:
    repo.write({"vault/Note.md": "# Note\nthe note's own words\n", "src/code.py": "print(1)\n"})
    repo.commit("vault")
    (repo.root / "vault" / "Note.md").rename(repo.root / "vault" / "Renamed.md")
    (repo.root / "src" / "code.py").rename(repo.root / "src" / "main.py")
    found = working_tree_renames(repo.root / "vault")
    assert found.moved == {"Note.md": "Renamed.md"}
    assert found.files == ("Note.md",)


def test_names_with_newlines_quotes_and_globs_are_read_whole(repo: Repo) -> None:
    odd = 'a "quoted"\nname *.md'
    repo.write({odd: "# Odd\nan odd note with enough words\n"})
    repo.commit("odd")
    (repo.root / odd).rename(repo.root / "ünïcode [x].md")
    (repo.root / "Docker.md").rename(repo.root / "*.md")
    found = working_tree_renames(repo.root)
    assert found.moved == {odd: "ünïcode [x].md", "Docker.md": "*.md"}


def test_hidden_files_are_not_renames_of_the_vault(repo: Repo) -> None:
    repo.write({".obsidian/workspace.json": '{"a": "some settings"}'})
    repo.commit("settings")
    (repo.root / ".obsidian" / "workspace.json").rename(repo.root / "workspace.json")
    assert working_tree_renames(repo.root).moved == {}


def test_a_repository_whose_path_holds_a_colon(tmp_path: Path, repo: Repo) -> None:
    # Its object folder goes into git's colon-separated list of folders, quoted.
    odd = tmp_path / 'a:b "c"'
    repo.root.rename(odd)
    (odd / "Docker.md").rename(odd / "Containers.md")
    assert working_tree_renames(odd).moved == {"Docker.md": "Containers.md"}


def test_an_unknown_revision_outside_a_repository_and_no_git_are_one_line_errors(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(RevisionError, match='unknown revision "nope"'):
        working_tree_renames(repo.root, "nope")
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(RevisionError, match="not in a git repository; --since names a commit"):
        working_tree_renames(outside)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RevisionError, match="git is not installed"):
        working_tree_renames(repo.root)


def test_a_repository_with_no_commit_has_no_head(tmp_path: Path) -> None:
    empty = Repo(tmp_path / "empty")
    empty.write({"Note.md": "x"})
    with pytest.raises(RevisionError, match='unknown revision "HEAD"'):
        working_tree_renames(empty.root)


def test_beyond_the_rename_limit_exact_renames_are_found_and_git_says_so(repo: Repo) -> None:
    repo.git("config", "diff.renameLimit", "1")
    (repo.root / "img.png").rename(repo.root / "picture.png")  # exact
    for name in ("Docker.md", "Kubernetes.md"):  # renamed with edits
        text = (repo.root / name).read_text()
        (repo.root / name).unlink()
        repo.write({f"New {name}": text + "edited\n"})
    found = working_tree_renames(repo.root)
    assert found.moved == {"img.png": "picture.png"}
    assert len(found.warnings) == 1
    assert found.warnings[0].startswith("git: exhaustive rename detection was skipped")
    assert "diff.renameLimit" in found.warnings[0]
    repo.git("config", "diff.renameLimit", "100")
    found = working_tree_renames(repo.root)
    assert found.warnings == ()
    assert found.moved["Docker.md"] == "New Docker.md"
