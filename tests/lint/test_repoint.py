"""check --fix repoints the links that renames made outside vaultgraph broke, as git saw them."""

from __future__ import annotations

from pathlib import Path

import pytest

import vaultgraph
from tests.clirun import run
from tests.query.gitrepo import Repo

NOTES: dict[str, str | bytes] = {
    ".obsidian/app.json": "{}",
    "Home.md": (
        "# Home\r\n"
        "See [[Docker]], [[Docker.md|the engine]] and [[Docker#Images]].\r\n"
        "A [markdown link](Docker.md#Images) and ![[diagram.png|300]].\r\n"
        "| a | b |\r\n| --- | --- |\r\n| [[Docker\\|table]] | x |\r\n"
    ),
    "Docker.md": "# Docker\n## Images\nContainers, images and the registry they come from.\n",
    "diagram.png": b"\x89PNG bytes enough to be an image file, more or less",
    "guides/Setup.md": "# Setup\nBack [home](../Home.md) and to [[Docker]].\n",
}


@pytest.fixture
def repo(repo: Repo) -> Repo:
    """The shared empty repository, with one commit of NOTES."""
    repo.write(NOTES)
    repo.commit("one")
    return repo


def _broken(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    code, out, _ = run(capsys, "check", root, "--no-cache", "--select", "VG101,VG102", "-q")
    lines = out.splitlines()
    assert (code == 0) == (not lines)
    return lines


def test_a_rename_in_another_editor_is_repaired_with_every_other_byte_kept(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.root
    (root / "Docker.md").rename(root / "Containers.md")
    (root / "media").mkdir()
    (root / "diagram.png").rename(root / "media" / "architecture.png")
    assert len(_broken(root, capsys)) == 7

    code, out, err = run(capsys, "check", root, "--fix", "--no-cache")
    assert (code, out) == (0, "All checks passed: 3 notes, no problems.\n")
    assert err == "Fixed 7 problems in 2 notes.\n"
    assert (root / "Home.md").read_bytes() == (
        b"# Home\r\n"
        b"See [[Containers]], [[Containers.md|the engine]] and [[Containers#Images]].\r\n"
        b"A [markdown link](Containers.md#Images) and ![[architecture.png|300]].\r\n"
        b"| a | b |\r\n| --- | --- |\r\n| [[Containers\\|table]] | x |\r\n"
    )
    assert (root / "guides/Setup.md").read_text() == (
        "# Setup\nBack [home](../Home.md) and to [[Containers]].\n"
    )
    assert _broken(root, capsys) == []


def test_diff_shows_the_repair_and_writes_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.root
    (root / "Docker.md").rename(root / "Containers.md")
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    code, out, err = run(capsys, "check", root, "--diff", "--no-cache")
    assert code == 1
    assert "-Back [home](../Home.md) and to [[Docker]].\n" in out
    assert "+Back [home](../Home.md) and to [[Containers]].\n" in out
    assert err == "Would fix 6 problems in 2 notes.\n"
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before


def test_a_note_moved_to_another_folder_gets_its_relative_links_back(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.root
    (root / "archive/old").mkdir(parents=True)
    repo.git("mv", "guides/Setup.md", "archive/old/Setup.md")  # staged this time
    assert _broken(root, capsys) == [
        "archive/old/Setup.md:2:6: VG101 broken link [home](../Home.md): "
        'no note or file named "../Home.md" (did you mean "Home.md"?)'
    ]
    code, _, err = run(capsys, "check", root, "--fix", "--no-cache", "--select", "VG101")
    assert (code, err) == (0, "Fixed 1 problem in 1 note.\n")
    # Written as vaultgraph mv writes it: the shortest form (newLinkFormat's default).
    assert (root / "archive/old/Setup.md").read_text() == (
        "# Setup\nBack [home](Home.md) and to [[Docker]].\n"
    )


def test_relative_link_format_is_kept_when_the_vault_asks_for_it(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.root
    repo.write({".obsidian/app.json": '{"newLinkFormat": "relative"}'})
    (root / "topics").mkdir()
    (root / "Docker.md").rename(root / "topics" / "Containers.md")
    run(capsys, "check", root, "--fix", "--no-cache")
    assert (
        "Back [home](../Home.md) and to [[../topics/Containers]]."
        in (root / "guides/Setup.md").read_text()
    )
    assert (
        "See [[topics/Containers]], [[topics/Containers.md|the engine]]"
        in (root / "Home.md").read_text()
    )


def test_renames_committed_since_a_revision(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo.root
    first = repo.git("rev-parse", "HEAD").strip()
    repo.git("mv", "Docker.md", "Engine.md")
    repo.commit("renamed, links left broken")
    (root / "Engine.md").rename(root / "Containers.md")  # and again, not committed
    code, _, _ = run(capsys, "check", root, "--fix", "--no-cache")
    assert code == 1  # from HEAD, only Engine -> Containers: [[Docker]] did not reach Engine
    assert "[[Docker]]" in (root / "guides/Setup.md").read_text()
    code, _, err = run(capsys, "check", root, "--fix", "--no-cache", "--since", first)
    assert (code, err) == (0, "Fixed 6 problems in 2 notes.\n")
    assert "[[Containers]]" in (root / "guides/Setup.md").read_text()


def test_an_edited_rename_is_followed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo.root
    text = (root / "Docker.md").read_text()
    (root / "Docker.md").unlink()
    repo.write({"Containers.md": text + "A line added in the editor that renamed it.\n"})
    run(capsys, "check", root, "--fix", "--no-cache")
    assert _broken(root, capsys) == []


def test_a_note_copied_to_two_places_is_left_and_said(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.root
    data = (root / "Docker.md").read_bytes()
    repo.write({"one/Engine.md": data, "two/Engine.md": data})
    (root / "Docker.md").unlink()
    before = (root / "guides/Setup.md").read_bytes()
    code, _, err = run(capsys, "check", root, "--fix", "--no-cache", "--select", "VG101")
    assert code == 1
    assert (root / "guides/Setup.md").read_bytes() == before
    assert (
        "warning: guides/Setup.md:2: [[Docker]]: Docker.md went to one/Engine.md and "
        "two/Engine.md since HEAD ("
    ) in err
    assert err.count("guides/Setup.md:2: [[Docker]]") == 1  # said once, not once a round


def test_a_broken_link_no_rename_explains_keeps_its_own_fix(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.root
    repo.write({"AI.md": "---\naliases: [Artificial]\n---\n# AI\n", "Other.md": "[[Artificial]]\n"})
    (root / "Docker.md").unlink()  # gone, not renamed
    run(capsys, "check", root, "--fix", "--no-cache")
    assert (root / "Other.md").read_text() == "[[AI|Artificial]]\n"
    assert "[[Docker]]" in (root / "guides/Setup.md").read_text()


def test_without_git_or_a_repository_nothing_is_repointed(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo.root
    (root / "Docker.md").rename(root / "Containers.md")
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    code, out, err = run(capsys, "check", root, "--fix", "--no-cache", "--select", "VG101")
    assert code == 1
    assert "VG101 broken link [[Docker]]" in out
    assert err == ""
    monkeypatch.undo()
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "Home.md").write_text("[[Docker]]\n")
    code, out, err = run(capsys, "check", plain, "--fix", "--no-cache")
    assert (code, err) == (1, "")


def test_since_errors_exit_2_in_one_line(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "check", repo.root, "--fix", "--since", "no-such-rev")
    assert code == 2
    assert err.splitlines()[-1] == (
        'Error: unknown revision "no-such-rev"; give a commit, branch or tag, such as HEAD~1'
    )
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "Home.md").write_text("x\n")
    code, _, err = run(capsys, "check", plain, "--diff", "--since", "HEAD")
    assert code == 2
    assert err.splitlines()[-1].endswith(
        "is not in a git repository; --since names a commit of a vault in git"
    )
    code, _, err = run(capsys, "check", repo.root, "--since", "HEAD")
    assert code == 2
    assert "--since says what --fix and --diff repoint" in err
    with pytest.raises(ValueError, match="since"):
        vaultgraph.check(repo.root, since="HEAD")


def test_the_memo_replays_nothing_stale_after_a_repair(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, cache = repo.root, tmp_path / "cache"
    first = vaultgraph.check(root, cache=cache, select=["VG101"])
    assert first.findings == ()
    (root / "Docker.md").rename(root / "Containers.md")
    broken = vaultgraph.check(root, cache=cache, select=["VG101"])
    assert len(broken.findings) == 6
    fixed = vaultgraph.check(root, cache=cache, select=["VG101"], fix=True)
    assert fixed.fixes is not None
    assert len(fixed.fixes.fixed) == 6
    assert fixed.findings == ()
    assert vaultgraph.check(root, cache=cache, select=["VG101"]).findings == ()


def test_only_the_notes_given_are_repointed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo.root
    (root / "Docker.md").rename(root / "Containers.md")
    home = (root / "Home.md").read_bytes()
    code, _, err = run(capsys, "check", "--vault", root, root / "guides", "--fix", "--no-cache")
    assert (code, err) == (0, "Fixed 1 problem in 1 note.\n")
    assert "[[Containers]]" in (root / "guides/Setup.md").read_text()
    assert (root / "Home.md").read_bytes() == home


def test_git_saying_it_stopped_looking_is_a_warning(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.root
    repo.git("config", "diff.renameLimit", "1")
    for name in ("Docker.md", "guides/Setup.md"):
        text = (root / name).read_text()
        (root / name).unlink()
        repo.write({f"New {Path(name).name}": text + "edited\n"})
    code, _, err = run(capsys, "check", root, "--diff", "--no-cache")
    assert code == 0  # --diff: nothing to repair, the links stay broken
    assert "warning: git: exhaustive rename detection was skipped" in err
    assert err.endswith("Would fix 0 problems in 0 notes.\n")
