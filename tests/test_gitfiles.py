"""A vault folder's files as a git commit holds them: listed and read like a working tree's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.query.gitrepo import Repo
from vaultgraph import gitfiles, load_vault
from vaultgraph.files import MAX_APP_JSON, SkippedPath, VaultError, scan_vault
from vaultgraph.gitfiles import RevisionError, read_revision, revision_commit
from vaultgraph.parse import MAX_NOTE_CHARS


def test_a_revision_lists_and_reads_what_the_scan_of_its_checkout_does(repo: Repo) -> None:
    repo.write(
        {
            "Home.md": "[[sub/Note]]",
            "sub/Note.md": b"# Note\r\n",
            "pic.png": b"\x89PNG",
            "Upper.MD": "",
            ".obsidian/app.json": "{}",
            "sub/.hidden.md": "",
        }
    )
    commit = repo.commit("one")
    found = read_revision(repo.root, "HEAD")
    assert found.commit == commit
    assert found.label == f"HEAD ({commit[:7]})"
    assert found.files == scan_vault(repo.root)
    assert dict(found.blobs) == {
        path: (repo.root / path).read_bytes() for path in scan_vault(repo.root).notes
    }


def test_a_subfolder_is_listed_relative_to_itself(repo: Repo) -> None:
    repo.write({"README.md": "outside", "vault/A.md": "a", "vault/b/B.md": "b"})
    repo.commit("one")
    found = read_revision(repo.root / "vault", "HEAD")
    assert found.files.notes == ("A.md", "b/B.md")
    assert found.blobs == {"A.md": b"a", "b/B.md": b"b"}


def test_a_symlink_is_never_followed_and_is_listed_as_skipped(repo: Repo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("not the vault's", encoding="utf-8")
    repo.write({"A.md": "[[Out]] [[In]]"})
    (repo.root / "Out.md").symlink_to(secret)
    (repo.root / "In.md").symlink_to("A.md")
    repo.commit("one")
    found = read_revision(repo.root, "HEAD")
    assert found.files.notes == ("A.md",)
    reason = "symlink (not followed at a revision)"
    assert found.files.skipped == (SkippedPath("In.md", reason), SkippedPath("Out.md", reason))
    assert b"not the vault's" not in b"".join(found.blobs.values())
    # The working tree skips the link out of the vault too (and follows the one inside it).
    disk = scan_vault(repo.root)
    assert SkippedPath("Out.md", "symlink to outside the vault") in disk.skipped


def test_a_name_that_is_not_utf8_is_skipped_as_the_scan_skips_it(repo: Repo) -> None:
    repo.write({"A.md": ""})
    raw = os.path.join(os.fsencode(repo.root), b"caf\xe9.md")
    with open(raw, "wb") as stream:
        stream.write(b"[[A]]")
    repo.commit("one")
    found = read_revision(repo.root, "HEAD")
    disk = scan_vault(repo.root)
    assert found.files == disk
    assert [s.reason for s in found.files.skipped] == ["file name is not valid UTF-8"]


def test_a_submodule_is_skipped(repo: Repo, tmp_path: Path) -> None:
    inner = Repo(tmp_path / "inner")
    inner.write({"Inner.md": ""})
    inner.commit("inner")
    repo.write({"A.md": ""})
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner.root), "sub")
    repo.commit("one")
    found = read_revision(repo.root, "HEAD")
    assert found.files.notes == ("A.md",)
    assert found.files.skipped == (SkippedPath("sub", "submodule (not read)"),)


def test_a_huge_and_a_binary_blob_load_as_the_same_files_on_disk_do(repo: Repo) -> None:
    huge = "# Big\n" + ("[[Small]] " + "x" * 90 + "\n") * (MAX_NOTE_CHARS // 100 + 10)
    repo.write(
        {
            "Big.md": huge,
            "Small.md": "[[Big]]",
            "Latin.md": b"caf\xe9",
            "Wide.md": "\ufeffwide".encode("utf-16"),
            "Binary.md": b"\x00\x01\x02\x03" * 100,
        }
    )
    repo.commit("one")
    at = load_vault(repo.root, revision="HEAD", cache=False)
    disk = load_vault(repo.root, cache=False)
    assert dict(at.notes) == dict(disk.notes)
    assert dict(at.unreadable) == dict(disk.unreadable)
    assert sorted(at.unreadable) == ["Binary.md", "Latin.md", "Wide.md"]
    assert at.links == disk.links
    assert at.digests == disk.digests


@pytest.mark.parametrize("revision", ["nope", "HEAD~5", "--all", ""])
def test_an_unknown_revision_is_a_vault_error(repo: Repo, revision: str) -> None:
    repo.write({"A.md": ""})
    repo.commit("one")
    with pytest.raises(RevisionError, match="unknown revision") as raised:
        revision_commit(repo.root, revision)
    assert isinstance(raised.value, VaultError)


def test_no_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(RevisionError, match="is not in a git repository"):
        read_revision(tmp_path, "HEAD")


def test_git_runs_offline_and_without_locks() -> None:
    assert gitfiles._ENV["GIT_NO_LAZY_FETCH"] == "1"
    assert gitfiles._ENV["GIT_OPTIONAL_LOCKS"] == "0"


def test_the_settings_are_the_revision_s_read_as_on_disk(repo: Repo) -> None:
    repo.write({"A.md": "", ".obsidian/app.json": '{"userIgnoreFilters": ["x/"]}'})
    repo.commit("one")
    repo.write({".obsidian/app.json": "{}"})
    assert read_revision(repo.root, "HEAD").app_json == b'{"userIgnoreFilters": ["x/"]}'
    assert load_vault(repo.root, revision="HEAD", cache=False).app_json == (
        b'{"userIgnoreFilters": ["x/"]}'
    )
    assert load_vault(repo.root, cache=False).app_json == b"{}"


def test_settings_missing_linked_or_too_large_are_the_error_reading_them_gives(
    repo: Repo,
) -> None:
    repo.write({"A.md": ""})
    repo.commit("none")
    assert isinstance(read_revision(repo.root, "HEAD").app_json, FileNotFoundError)
    (repo.root / ".obsidian").mkdir()
    (repo.root / ".obsidian" / "app.json").symlink_to("/etc/passwd")
    repo.commit("a link")
    linked = read_revision(repo.root, "HEAD").app_json
    assert isinstance(linked, OSError)
    assert "not a regular file" in str(linked)
    (repo.root / ".obsidian" / "app.json").unlink()
    repo.write({".obsidian/app.json": "{}" + " " * MAX_APP_JSON})
    repo.commit("too large")
    large = read_revision(repo.root, "HEAD").app_json
    assert isinstance(large, OSError)
    assert "over 1,048,576 bytes" in str(large)
