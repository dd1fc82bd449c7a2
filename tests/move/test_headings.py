"""Heading renames planned and applied on the fixture vault, each checked against the invariant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.move.invariant import assert_heading_renamed, files_of
from vaultgraph.move import MoveError, Plan, apply_plan, plan_heading_rename, recover
from vaultgraph.move.journal import journal_file
from vaultgraph.resolve import heading_path
from vaultgraph.vault import Vault, load_vault

NOTE = "Guide.md"


def _rename(root: Path, old: str, new: str, note: str = NOTE) -> tuple[Plan, Vault]:
    before = load_vault(root, cache=False)
    files = files_of(root)
    chain = heading_path(before.notes[note].headings, old)
    assert chain is not None
    plan = plan_heading_rename(before, note, old, new)
    apply_plan(root, plan)
    return plan, assert_heading_renamed(before, files, plan, note, chain[-1], new.strip())


def _text(root: Path, path: str) -> str:
    return (root / path).read_bytes().decode("utf-8-sig")


@pytest.fixture
def root(vault_copy: Callable[[str], Path]) -> Path:
    return vault_copy("headings")


def test_the_heading_and_every_reference_to_it_are_rewritten(root: Path) -> None:
    plan, _ = _rename(root, "Old heading", "New heading")
    guide = _text(root, NOTE)
    assert "\n## New heading ##  \n" in guide  # level, closing #s and trailing spaces kept
    assert "See [[#New heading]] and [self](#New%20heading)" in guide
    assert "[[#New heading#Child|the child]]" in guide  # only the part naming it
    assert "```md\n## Old heading\n[[#Old heading]] in code" in guide  # code is no heading
    links = _text(root, "Links.md")
    assert 'up: "[[Guide#New heading]]"' in links
    assert 'related: ["[[Guide#New heading|g]]", "[[Guide#Other]]"]' in links
    assert "Wiki [[Guide#New heading]], alias [[Guide#New heading|shown]]" in links
    assert "case [[guide#New heading]]" in links  # as the resolver matched it: any case
    assert "Spaced [[Guide# New heading |x]]" in links  # spaces around the part kept
    assert "punctuation [[Guide#New heading]]" in links
    assert "Embed ![[Guide#New heading|300]] and nested [[Guide#New heading#Child]]" in links
    assert "| [[Guide#New heading\\|A]] | ![[Guide#New heading\\|200]] |" in links
    assert "[md](Guide.md#New%20heading) and [raw](<Guide.md#New heading>)" in links
    assert "[child](Guide.md#New%20heading#Child)" in links
    # Another heading of the same name (under Parent), the same name in another note, a
    # block: not the renamed heading.
    assert "Through the parent [[Guide#Parent#Old heading]] stays" in links
    assert "Same name elsewhere [[Elsewhere#Old heading]] and a block [[Guide#^blk]]" in links
    board = _text(root, "Board.canvas")
    assert '"file":"Guide.md","subpath":"#New heading"' in board
    assert '"subpath":"#Other"' in board
    assert "Read [[Guide#New heading|it]]\\n\\nand [md](Guide.md#New%20heading)" in board
    crlf = (root / "Crlf.md").read_bytes()
    assert crlf == b"\xef\xbb\xbf# Crlf\r\n\r\nSee [[Guide#New heading]] and [[Guide#Other]].\r\n"
    assert "Links back [[Guide#New heading|back]]" in _text(root, "Elsewhere.md")
    assert sorted((edit.path, edit.rewritten) for edit in plan.edits) == [
        ("Board.canvas", 3),
        ("Crlf.md", 1),
        ("Elsewhere.md", 1),
        ("Guide.md", 3),
        ("Links.md", 14),
    ]
    assert plan.newly_resolved == ()


def test_a_bare_markdown_fragment_is_escaped_as_obsidian_writes_it(root: Path) -> None:
    _rename(root, "Other", "Other part")
    assert "[other](Guide.md#Other%20part)." in _text(root, "Links.md")
    assert '"[[Guide#Other part]]"' in _text(root, "Links.md")
    assert '"subpath":"#Other part"' in _text(root, "Board.canvas")
    assert "\n## Other part\n" in _text(root, NOTE)


def test_a_setext_heading_keeps_its_underline(root: Path) -> None:
    _rename(root, "Setext Title", "Setext 2")
    guide = _text(root, NOTE)
    assert "\nSetext 2\n============\n\nBody [[#Setext 2]]." in guide
    assert "setext [[Guide#Setext 2]]." in _text(root, "Links.md")


def test_a_duplicate_is_named_through_its_parent(root: Path) -> None:
    plan, _ = _rename(root, "Parent#Old heading", "Second")
    assert "## Parent\n\n### Second\n" in _text(root, NOTE)
    links = _text(root, "Links.md")
    assert "Through the parent [[Guide#Parent#Second]] stays" in links
    assert "Wiki [[Guide#Old heading]]" in links  # the first one of the name: not renamed
    assert [edit.path for edit in plan.edits] == [NOTE, "Links.md"]


def test_a_heading_with_inline_markup_is_replaced_as_written(root: Path) -> None:
    _rename(root, "Bold words", "Plain words")
    assert "\n## Plain words\n" in _text(root, NOTE)
    assert "Bold [[Guide#Plain words]] and [[Guide#Plain words]]" in _text(root, "Links.md")


def test_a_crlf_note_with_a_bom_keeps_both(root: Path) -> None:
    (root / "Crlf.md").write_bytes(
        b"\xef\xbb\xbf# Crlf\r\n\r\n## Win\r\n\r\nSee [[#Win]] and [[Guide#Other]].\r\n"
    )
    (root / "Mac.md").write_bytes(b"Old Mac [[Crlf#Win|w]]\r")
    _rename(root, "Win", "Windows", note="Crlf.md")
    assert (root / "Crlf.md").read_bytes() == (
        b"\xef\xbb\xbf# Crlf\r\n\r\n## Windows\r\n\r\nSee [[#Windows]] and [[Guide#Other]].\r\n"
    )
    assert (root / "Mac.md").read_bytes() == b"Old Mac [[Crlf#Windows|w]]\r"


def test_a_case_only_rename_rewrites(root: Path) -> None:
    _rename(root, "Old heading", "old Heading")
    assert "\n## old Heading ##  \n" in _text(root, NOTE)
    assert "case [[guide#old Heading]]" in _text(root, "Links.md")


def test_a_broken_link_the_rename_makes_resolve_is_said_and_kept(root: Path) -> None:
    (root / "Fresh.md").write_text("Soon [[Guide#Fresh start]].\n", encoding="utf-8")
    plan, _ = _rename(root, "Other", "Fresh start")
    said = "Fresh.md:1: [[Guide#Fresh start]] would reach the renamed heading"
    assert plan.newly_resolved == (said,)
    assert _text(root, "Fresh.md") == "Soon [[Guide#Fresh start]].\n"


@pytest.mark.parametrize(
    ("note", "old", "new", "said"),
    [
        ("Gone.md", "Old heading", "New", "Gone.md is not a note of the vault"),
        ("Board.canvas", "Old heading", "New", "Board.canvas is not a note"),
        (NOTE, "Missing", "New", "Guide.md has no heading Missing"),
        (NOTE, " ", "New", "give the heading to rename after the #"),
        (NOTE, "Child#Old heading", "New", "Guide.md has no heading Child#Old heading"),
        (NOTE, "Old heading", "Other", r"Guide.md already has a heading Other \(line 34\)"),
        (NOTE, "Old heading", "other?", "already has a heading Other"),
        (NOTE, "Old heading", "_Other_", "already has a heading Other"),  # by its plain text
        (NOTE, "Old heading", "  ", "the new heading is empty"),
        (NOTE, "Old heading", "x" * 1001, "the new heading is over 1,000 characters long"),
        (NOTE, "Old heading", "Two\nlines", "holds a line break"),
        (NOTE, "Old heading", "A#B", "holds #, which no link"),
        (NOTE, "Old heading", "a [b] | c ^d", r"holds \[\]\|\^, which no link"),
        (NOTE, "Old heading", "?!", "only punctuation"),
        (NOTE, "See Elsewhere", "Elsewhere", "Guide.md:32 holds a link"),
        (NOTE, "Other", "Other", "Guide.md:34 is already Other"),
        (NOTE, "Old heading", 'Say "hi"', "a property link cannot name the heading"),
        (NOTE, "Old heading", "a <b>", "an <angle bracket> link cannot name"),
    ],
)
def test_refusals(root: Path, note: str, old: str, new: str, said: str) -> None:
    files = files_of(root)
    with pytest.raises(MoveError, match=said) as refused:
        plan_heading_rename(load_vault(root, cache=False), note, old, new)
    assert "\n" not in str(refused.value)
    assert files_of(root) == files


def test_a_note_changed_since_it_was_read_is_refused(root: Path) -> None:
    vault = load_vault(root, cache=False)
    with (root / "Crlf.md").open("ab") as crlf:
        crlf.write(b"More.\r\n")
    with pytest.raises(MoveError, match=r"Crlf\.md changed since the vault was read"):
        plan_heading_rename(vault, NOTE, "Old heading", "New heading")
    plan = plan_heading_rename(load_vault(root, cache=False), NOTE, "Old heading", "New")
    (root / "Links.md").write_text("Edited meanwhile.\n", encoding="utf-8")
    files = files_of(root)
    with pytest.raises(MoveError, match=r"Links\.md changed since the move was planned"):
        apply_plan(root, plan)
    assert files_of(root) == files


def test_a_card_subpath_written_with_escapes_is_refused_not_corrupted(root: Path) -> None:
    board = root / "Board.canvas"
    text = board.read_text(encoding="utf-8")
    board.write_text(text.replace('"#Old heading"', '"#Old\\u0020heading"'), encoding="utf-8")
    with pytest.raises(MoveError, match="cannot find the heading in"):
        plan_heading_rename(load_vault(root, cache=False), NOTE, "Old heading", "New heading")


class _Crash(Exception):
    pass


def test_a_rename_killed_after_one_note_is_finished_by_the_next_run(root: Path) -> None:
    plan = plan_heading_rename(load_vault(root, cache=False), NOTE, "Old heading", "New heading")
    written: list[str] = []

    def crash(name: str) -> None:
        if name.startswith("write "):
            written.append(name)
            if len(written) == 2:
                raise _Crash

    with pytest.raises(_Crash):
        apply_plan(root, plan, step=crash)
    assert journal_file(root).exists()
    said = recover(root)
    assert said == "finished an interrupted move (5 note(s) rewritten, no file renamed)"
    for edit in plan.edits:
        assert (root / edit.path).read_bytes() == edit.new, edit.path
    assert not journal_file(root).exists()
