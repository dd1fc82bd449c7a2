"""``vaultgraph mv "NOTE.md#Old heading" "New heading"`` on the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.clirun import run
from tests.move.invariant import files_of


@pytest.fixture
def root(vault_copy: Callable[[str], Path]) -> Path:
    return vault_copy("headings")


def test_dry_run_prints_the_rename_and_the_diff_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    files = files_of(root)
    code, out, err = run(
        capsys, "mv", "--vault", root, "--dry-run", "Guide.md#Old heading", "New heading"
    )
    assert code == 0, err
    assert out.splitlines()[0] == "Guide.md#Old heading -> Guide.md#New heading"
    assert "-## Old heading ##  \n+## New heading ##  \n" in out
    assert "+Wiki [[Guide#New heading]], alias [[Guide#New heading|shown]]" in out
    assert files_of(root) == files


def test_mv_renames_the_heading_and_says_how_many_links(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    code, out, err = run(capsys, "mv", "--vault", root, "Guide.md#Old heading", "## New heading")
    assert code == 0, err
    assert out == "Guide.md#Old heading -> Guide.md#New heading\n"  # the leading "## " dropped
    assert err == "Rewrote 22 link(s) in 5 note(s).\n"
    assert "\n## New heading ##  \n" in (root / "Guide.md").read_text(encoding="utf-8")
    code, out, err = run(capsys, "check", "--vault", root, "--select", "broken-link")
    assert code == 0, out


def test_a_note_given_by_its_path_on_disk(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    code, _, err = run(capsys, "mv", "--vault", root, f"{root / 'Guide.md'}#Other", "Another")
    assert code == 0, err
    assert "\n## Another\n" in (root / "Guide.md").read_text(encoding="utf-8")
    assert "Rewrote 6 link(s) in 3 note(s)." in err


def test_a_file_whose_name_holds_a_hash_is_moved_as_a_file(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    (root / "odd#name.md").write_text("# Odd\n", encoding="utf-8")
    code, out, err = run(capsys, "mv", "--vault", root, "odd#name.md", "plain.md")
    assert code == 0, err
    assert out == "odd#name.md -> plain.md\n"
    assert (root / "plain.md").is_file()


@pytest.mark.parametrize(
    ("source", "dest", "said"),
    [
        ("Guide.md#Missing", "New", "Error: Guide.md has no heading Missing"),
        ("Guide.md#Old heading", "Other", "Error: Guide.md already has a heading Other"),
        ("Guide.md#Old heading", "a|b", "Error: the new heading a|b holds |"),
        ("Gone.md#Old heading", "New", "Error: SOURCE Gone.md#Old heading does not exist"),
    ],
)
def test_refusals_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], root: Path, source: str, dest: str, said: str
) -> None:
    files = files_of(root)
    code, out, err = run(capsys, "mv", "--vault", root, source, dest)
    assert code == 2
    assert err.startswith(said), err
    assert len(err.splitlines()) == 1
    assert out == ""
    assert files_of(root) == files


def test_an_unresolved_link_that_would_resolve_is_a_warning(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    (root / "Fresh.md").write_text("Soon [[Guide#Fresh]].\n", encoding="utf-8")
    code, _, err = run(capsys, "mv", "--vault", root, "Guide.md#Other", "Fresh")
    assert code == 0, err
    assert err.splitlines()[0] == (
        "warning: Fresh.md:1: [[Guide#Fresh]] would reach the renamed heading "
        "(an unresolved link, kept)"
    )


def test_a_name_with_terminal_escapes_is_shown_escaped(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    (root / "Bad\x1b[31m.md").write_text("# A\n", encoding="utf-8")
    code, _, err = run(capsys, "mv", "--vault", root, "Bad\x1b[31m.md#Missing", "New")
    assert code == 2
    assert err == "Error: Bad\\x1b[31m.md has no heading Missing\n"
