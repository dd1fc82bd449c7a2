"""A vault read from a git revision: what is listed, what is left out, and nothing written."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from tests.query.gitrepo import Repo, partial_clone
from vaultgraph import gitfiles, load_vault
from vaultgraph.query import QueryError, at_revision, check_revision, working_tree


def test_a_revision_reads_like_the_same_files_on_disk(repo: Repo) -> None:
    files: dict[str, str | bytes] = {
        "Home.md": "---\ntags: [x]\n---\n[[Note]] ![[pic.png]] [[Gone]] #y\n",
        "sub/Note.md": "# Note\n[[Home#Nope]]\n",
        unicodedata.normalize("NFD", "Café.md"): "[[Home]]",
        "pic.png": b"\x89PNG\x00",
        "Bad.md": b"\xff\xfe",
    }
    repo.write(files)
    repo.commit("one")
    snap = at_revision(repo.root, "HEAD")
    disk = load_vault(repo.root, cache=False)
    assert dict(snap.vault.notes) == dict(disk.notes)
    assert snap.vault.attachments == disk.attachments
    assert dict(snap.vault.unreadable) == dict(disk.unreadable)
    assert snap.vault.links == disk.links
    assert sorted(snap.vault.graph.nodes(data=True)) == sorted(disk.graph.nodes(data=True))
    assert sorted(snap.vault.graph.edges(data=True)) == sorted(disk.graph.edges(data=True))
    assert snap.label == f"HEAD ({repo.git('rev-parse', '--short=7', 'HEAD').strip()})"
    assert snap.digests == working_tree(disk).digests


def test_hidden_files_and_files_outside_the_vault_folder_are_left_out(repo: Repo) -> None:
    repo.write(
        {
            "README.md": "outside the vault",
            "notes/Home.md": "[[A]]",
            "notes/sub/A.md": "",
            "notes/.obsidian/app.json": "{}",
            "notes/.trash/Old.md": "",
        }
    )
    repo.commit("one")
    snap = at_revision(repo.root / "notes", "HEAD")
    assert sorted(snap.vault.notes) == ["Home.md", "sub/A.md"]
    assert snap.vault.attachments == ()


def test_symlinks_are_left_out(repo: Repo) -> None:
    repo.write({"A.md": ""})
    (repo.root / "B.md").symlink_to("A.md")
    repo.commit("one")
    assert sorted(at_revision(repo.root, "HEAD").vault.notes) == ["A.md"]


def test_older_revisions(repo: Repo) -> None:
    repo.write({"A.md": "one"})
    first = repo.commit("one")
    repo.write({"B.md": "two"})
    repo.commit("two")
    assert sorted(at_revision(repo.root, "HEAD~1").vault.notes) == ["A.md"]
    assert sorted(at_revision(repo.root, first[:10]).vault.notes) == ["A.md"]
    assert sorted(at_revision(repo.root, "HEAD").vault.notes) == ["A.md", "B.md"]


def test_an_empty_vault_folder_at_a_revision(repo: Repo) -> None:
    repo.write({"other/A.md": ""})
    repo.commit("one")
    (repo.root / "notes").mkdir()
    assert at_revision(repo.root / "notes", "HEAD").vault.notes == {}


def test_reading_a_revision_writes_nothing(repo: Repo) -> None:
    repo.write({"A.md": "[[B]]", "B.md": ""})
    repo.commit("one")
    (repo.root / "A.md").write_text("changed, not staged", encoding="utf-8")
    before = _tree(repo.root / ".git")
    at_revision(repo.root, "HEAD")
    assert _tree(repo.root / ".git") == before
    assert repo.git("status", "--porcelain") == " M A.md\n"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("revision", ["nope", "HEAD~5", "--all", ""])
def test_an_unknown_revision(repo: Repo, revision: str) -> None:
    repo.write({"A.md": ""})
    repo.commit("one")
    with pytest.raises(QueryError, match="unknown revision"):
        at_revision(repo.root, revision)


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(QueryError, match="is not in a git repository"):
        at_revision(tmp_path, "HEAD")


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no such folder"):
        at_revision(tmp_path / "missing", "HEAD")


def test_git_missing(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo.root / "no-bin-here"))
    with pytest.raises(QueryError, match="git is not installed"):
        at_revision(repo.root, "HEAD")


def test_unchanged_notes_are_taken_from_the_working_tree_not_parsed_again(repo: Repo) -> None:
    repo.write({"A.md": "[[B]]", "B.md": "# B", "C.md": "old"})
    repo.commit("one")
    repo.write({"C.md": "new [[A]]"})
    current = working_tree(load_vault(repo.root, cache=False))
    reused = at_revision(repo.root, "HEAD", reuse=current)
    assert reused.vault.notes["A.md"] is current.vault.notes["A.md"]
    assert reused.vault.notes["C.md"] is not current.vault.notes["C.md"]
    fresh = at_revision(repo.root, "HEAD")
    assert dict(reused.vault.notes) == dict(fresh.vault.notes)
    assert reused.vault.links == fresh.vault.links
    assert reused.digests == fresh.digests


def test_check_revision_gives_the_commit_id(repo: Repo) -> None:
    repo.write({"A.md": ""})
    commit = repo.commit("one")
    assert check_revision(repo.root, "HEAD") == commit


# Each way a partial clone's configuration can make a lazy fetch run a command (here one that
# leaves a marker file): as the remote's upload-pack, as core.sshCommand, as an ext:: URL, as a
# remote helper that an alias stands in for. Each setting that allows the transport is the
# repository's own (or the user's environment), so turning transports off by default is not
# enough.
_FETCHES_RUN = {
    "upload-pack": {"protocol.file.allow": "always", "remote.origin.uploadpack": "{touch}"},
    "ssh": {
        "remote.origin.url": "ssh://example.invalid/vault.git",
        "protocol.ssh.allow": "always",
        "core.sshCommand": "{touch}; false",
    },
    "ext": {"remote.origin.url": "ext::sh -c {touch_ext}", "protocol.ext.allow": "always"},
    "helper": {
        "remote.origin.vcs": "mark",
        "protocol.mark.allow": "always",
        "alias.remote-mark": "!{touch}; false",
    },
    "environment": {"remote.origin.uploadpack": "{touch}"},  # with GIT_ALLOW_PROTOCOL=file
}


@pytest.fixture(params=["switch", "no switch"])
def lazy_fetch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git that turns lazy fetching off when told (GIT_NO_LAZY_FETCH), and git too old to know
    the variable, where refusing every transport must be enough on its own."""
    if request.param == "no switch":
        monkeypatch.delitem(gitfiles._ENV, "GIT_NO_LAZY_FETCH")


@pytest.mark.parametrize("how", _FETCHES_RUN)
@pytest.mark.parametrize("filter_spec", ["blob:none", "tree:0"])
@pytest.mark.usefixtures("lazy_fetch")
def test_a_partial_clone_is_never_fetched_from(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, filter_spec: str
) -> None:
    repo.write({"A.md": "[[B]]", "B.md": "# B"})
    repo.commit("one")
    clone = partial_clone(repo, tmp_path / "clone", filter_spec)
    marker = tmp_path / "fetched"
    for key, value in _FETCHES_RUN[how].items():
        command = f"touch {marker}"
        clone.git("config", key, value.format(touch=command, touch_ext=command.replace(" ", "% ")))
    if how == "environment":
        monkeypatch.setenv("GIT_ALLOW_PROTOCOL", "file")
    before = _tree(clone.root / ".git")
    with pytest.raises(QueryError) as raised:
        at_revision(clone.root, "HEAD")
    message = str(raised.value)
    assert "is not in this clone, and diff never fetches" in message
    assert message.startswith("A.md at HEAD" if filter_spec == "blob:none" else "the file list")
    assert "\n" not in message
    assert not marker.exists()
    assert _tree(clone.root / ".git") == before  # nothing fetched, nothing written


@pytest.mark.usefixtures("lazy_fetch")
def test_a_transport_whose_name_is_not_utf8_is_refused_too(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A remote helper named by bytes that are not UTF-8, allowed by the clone's configuration.
    repo.write({"A.md": "not the empty blob, which git always has"})
    repo.commit("one")
    clone = partial_clone(repo, tmp_path / "clone")
    marker = tmp_path / "fetched"
    name = os.fsdecode(b"\xffmark")
    helper = tmp_path / "bin" / f"git-remote-{name}"
    helper.parent.mkdir()
    helper.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n", encoding="utf-8")
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{helper.parent}{os.pathsep}{os.environ['PATH']}")
    clone.git("config", "remote.origin.vcs", name)
    clone.git("config", f"protocol.{name}.allow", "always")
    with pytest.raises(QueryError, match="is not in this clone"):
        at_revision(clone.root, "HEAD")
    assert not marker.exists()


def test_a_partial_clone_reads_what_it_holds(repo: Repo, tmp_path: Path) -> None:
    repo.write({"A.md": "[[B]]", "B.md": "# B"})
    repo.commit("one")
    clone = partial_clone(repo, tmp_path / "clone")
    clone.git("checkout", "-q", "HEAD")  # fetches HEAD's files: now the clone has them
    assert sorted(at_revision(clone.root, "HEAD").vault.notes) == ["A.md", "B.md"]


def test_a_transport_git_cannot_be_told_to_refuse(repo: Repo) -> None:
    repo.write({"A.md": ""})
    repo.commit("one")
    repo.git("config", "protocol.a=b.allow", "always")  # ``-c`` cannot name it
    with pytest.raises(QueryError, match='allows a transport diff cannot turn off \\("a=b"\\)'):
        at_revision(repo.root, "HEAD")


def test_a_snapshot_s_digests_are_its_vault_s_and_nothing_is_read_again(repo: Repo) -> None:
    repo.write({"A.md": "[[B]]", "B.md": "", "Bad.md": b"\xff"})
    repo.commit("one")
    vault = load_vault(repo.root, cache=False)
    for note in repo.root.glob("*.md"):
        note.unlink()  # a snapshot that read the files again would find none
    current = working_tree(vault)
    assert current.digests is vault.digests
    assert sorted(current.digests) == ["A.md", "B.md", "Bad.md"]
    then = at_revision(repo.root, "HEAD", reuse=current)
    assert then.digests == current.digests
    assert then.vault.commit == check_revision(repo.root, "HEAD")
