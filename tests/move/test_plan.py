"""Planned and applied moves on the fixture vaults, each checked against the invariant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.move.invariant import assert_moved, files_of
from vaultgraph.move import MoveError, Plan, apply_plan, plan_moves
from vaultgraph.vault import Vault, load_vault


def _move(root: Path, sources: list[str], dest: str) -> tuple[Plan, Vault]:
    before = load_vault(root, cache=False)
    files = files_of(root)
    plan = plan_moves(before, sources, dest)
    apply_plan(root, plan)
    return plan, assert_moved(before, files, plan)


def _text(root: Path, path: str) -> str:
    return (root / path).read_bytes().decode("utf-8-sig")


def test_moving_a_note_rewrites_the_links_that_no_longer_reach_it(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    plan, _ = _move(root, ["people/Alice.md"], "archive/Alice.md")
    assert [(r.source, r.dest) for r in plan.renames] == [("people/Alice.md", "archive/Alice.md")]
    home = _text(root, "Home.md")
    assert "[md](Alice.md#Work)" in home  # the path it needs now, the subpath kept
    assert "See [[Alice]] and" in home  # still unique: left as written
    alice = _text(root, "archive/Alice.md")
    assert "[y](Bob.md)" in alice  # ./Bob.md would point into archive/
    assert "[x](../Home.md)" in alice
    assert "[[../Home]]" in alice


def test_a_folder_move_rewrites_relative_links_inside_it(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    _, after = _move(root, ["people"], "archive/folks")
    assert "archive/folks/Bob.md" in after.notes
    alice = _text(root, "archive/folks/Alice.md")
    assert "Rel [x](Home.md)" in alice
    assert "Wiki rel [[Home]]." in alice
    assert "[[Bob|Bob B]]" in _text(root, "Home.md")  # display text kept
    assert _text(root, "archive/folks/Bob.md").count("\r\n") == 3  # line endings kept


def test_renaming_a_note_rewrites_wikilinks_table_cells_and_properties(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    _move(root, ["people/Alice.md"], "people/Alicia.md")
    home = _text(root, "Home.md")
    assert 'up: "[[Alicia]]"' in home
    assert "See [[Alicia]] and" in home
    assert "[[Alicia#Work]]" in home
    assert "| [[Alicia\\|A]] |" in home  # the table-cell escape kept
    assert "[md](Alicia.md#Work)" in home  # shortest: the name is unique
    assert "Knows [[Alicia]].\r\n" in _text(root, "people/Bob.md")


def test_markdown_links_keep_angle_brackets_and_percent_encoding(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    _move(root, ["projects/Big Plan.md"], "Big Plan 2.md")
    home = _text(root, "Home.md")
    assert "[sp](<Big Plan 2.md>)" in home
    assert "[enc](Big%20Plan%202.md)" in home
    assert (root / "Big Plan 2.md").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM kept


def test_moving_an_attachment_rewrites_embeds_keeping_their_size(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    _move(root, ["assets/logo.png"], "assets/brand/mark.png")
    home = _text(root, "Home.md")
    assert "![[mark.png|300]]" in home
    assert "![img](mark.png)" in home
    assert "logo ![[mark.png]]." in _text(root, "projects/Big Plan.md")


def test_several_sources_go_into_an_existing_folder(vault_copy: Callable[[str], Path]) -> None:
    root = vault_copy("basic")
    plan, after = _move(root, ["people/Bob.md", "Broken.md"], "archive")
    assert {"archive/Bob.md", "archive/Broken.md"} <= set(after.notes)
    assert len(plan.renames) == 2


@pytest.mark.parametrize("sources", [["people/Bob.md"], ["people/Bob.md", "Broken.md"], ["people"]])
def test_a_dest_with_a_trailing_slash_is_a_folder_made_to_move_into(
    vault_copy: Callable[[str], Path], sources: list[str]
) -> None:
    root = vault_copy("basic")
    plan, after = _move(root, sources, "new/place/")
    assert plan.folders == ("new", "new/place")
    assert [r.dest for r in plan.renames] == [f"new/place/{s.split('/')[-1]}" for s in sources]
    assert {r.dest for r in plan.renames} <= {*after.notes, "new/place/people"}


def test_a_dest_with_a_trailing_slash_into_an_existing_folder_or_refused_on_a_file(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    plan, _ = _move(root, ["Broken.md"], "archive/")
    assert [r.dest for r in plan.renames] == ["archive/Broken.md"]
    assert plan.folders == ()
    with pytest.raises(MoveError, match=r"^DEST Home\.md/: Home\.md is not a folder$"):
        plan_moves(load_vault(root, cache=False), ["people/Bob.md"], "Home.md/")


def test_a_name_that_differs_only_in_case_from_one_there_is_refused_naming_both(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    (root / "HOME.md").write_text("# Another home\n")  # beside Home.md: already so, and kept
    (root / "archive" / "broken.md").write_text("# lower case\n")
    before = load_vault(root, cache=False)
    said = r"^DEST archive/Broken\.md: archive/broken\.md would be there too, a name that differs"
    with pytest.raises(MoveError, match=said):
        plan_moves(before, ["Broken.md"], "archive")
    with pytest.raises(MoveError, match=r"^DEST people/alice\.md: people/Alice\.md would be"):
        plan_moves(before, ["archive/Notes.md"], "people/alice.md")
    _, after = _move(root, ["people/Bob.md"], "archive/")  # HOME.md and Home.md stand in no way
    assert "archive/Bob.md" in after.notes


def test_dest_dot_is_the_vault_folder(vault_copy: Callable[[str], Path]) -> None:
    root = vault_copy("basic")
    _, after = _move(root, ["people/Bob.md"], ".")
    assert "Bob.md" in after.notes
    with pytest.raises(MoveError, match=r"Home\.md is already there"):
        plan_moves(after, ["Home.md"], ".")


def test_the_tie_break_trap_a_second_note_of_the_same_name(
    vault_copy: Callable[[str], Path],
) -> None:
    # A root Note.md would win the shortest-path tie-break for x/Link.md's [[Note]]: those
    # links get the path they now need; y/Thing.md's own link, moving with it, too.
    root = vault_copy("tiebreak")
    _move(root, ["y/Other.md"], "Note.md")
    link = _text(root, "x/Link.md")
    assert "[[deep/Note]] and [[deep/Note|the note]] and [n](deep/Note.md)" in link
    assert "Links [[deep/Note]]." in _text(root, "y/Thing.md")


def test_a_rewrite_is_never_ambiguous_when_a_path_is_not(
    vault_copy: Callable[[str], Path],
) -> None:
    # Two notes named Note after the move: [[Note]] would reach a/Note.md only by the
    # shortest-path tie-break (ambiguous-link's finding), so the rewrite writes its path.
    root = vault_copy("tiebreak")
    (root / "x" / "Path.md").write_text("By path [[deep/Note]].\n")
    (root / "zz" / "far").mkdir(parents=True)
    (root / "zz" / "far" / "Note.md").write_text("# Far\n")
    _move(root, ["deep/Note.md"], "a/Note.md")
    assert _text(root, "x/Path.md") == "By path [[a/Note]].\n"


def test_the_same_folder_tie_break(vault_copy: Callable[[str], Path]) -> None:
    root = vault_copy("tiebreak")
    _move(root, ["y/Other.md"], "x/Note.md")  # now in x/Link.md's own folder
    assert "Goes to [[deep/Note]]" in _text(root, "x/Link.md")


@pytest.mark.parametrize(
    ("fmt", "wiki", "markdown"),
    [
        ("relative", "[[../c/Goal#Part]]", "[t](../c/Goal.md)"),
        ("absolute", "[[c/Goal#Part]]", "[t](c/Goal.md)"),
    ],
)
def test_rewrites_follow_new_link_format_and_keep_their_syntax(
    vault_copy: Callable[[str], Path], fmt: str, wiki: str, markdown: str
) -> None:
    root = vault_copy(fmt)
    _move(root, ["a/Target.md"], "c/Goal.md")
    source = _text(root, "b/Source.md")
    assert wiki in source
    assert markdown in source


def test_an_unresolved_link_that_would_resolve_is_reported_and_kept(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("basic")
    plan, _ = _move(root, ["archive/Notes.md"], "Carol.md")
    assert plan.newly_resolved == ("Broken.md:1: [[Carol]] would reach Carol.md",)
    assert _text(root, "Broken.md") == "Broken [[Carol]] link.\n"


@pytest.mark.parametrize(
    ("sources", "dest", "said"),
    [
        (["Nope.md"], "X.md", "SOURCE Nope.md does not exist"),
        (["Home.md"], "Broken.md", "DEST Broken.md exists"),
        (["../Home.md"], "X.md", "outside the vault"),
        (["Home.md"], "../X.md", "outside the vault"),
        (["people"], "people/sub", "cannot move people into itself"),
        (["people"], ".", "people is already there"),
        (["people/Bob.md"], "people", r"^people/Bob\.md is already there$"),
        (["Broken.md", "people/Bob.md"], "people/", r"^people/Bob\.md is already there$"),
        ([".obsidian/app.json"], "app.json", "hidden path"),
        (["Home.md", "Broken.md"], "New.md", "not an existing folder"),
        (["Broken.md"], "Home.md/x.md", "is not a folder"),
    ],
)
def test_refusals(
    vault_copy: Callable[[str], Path], sources: list[str], dest: str, said: str
) -> None:
    root = vault_copy("basic")
    files = files_of(root)
    with pytest.raises(MoveError, match=said):
        plan_moves(load_vault(root, cache=False), sources, dest)
    assert files_of(root) == files


def test_canvas_file_cards_and_text_cards_follow_a_move(
    vault_copy: Callable[[str], Path],
) -> None:
    root = vault_copy("canvas")
    _move(root, ["Projects/Roadmap.md"], "Archive/Plan 2024.md")
    board = _text(root, "Board.canvas")
    # A file card gets the whole new path; its subpath, the text card's display text and
    # embed size, the link card and the arrow's label stay as written.
    assert '"file":"Archive/Plan 2024.md","subpath":"#Q1"' in board
    assert "Next: [[Plan 2024#Q1|the plan]]" in board
    assert "and [md](Plan%202024.md)" in board  # newLinkFormat shortest, encoded as written
    assert '"url":"https://example.com/Roadmap.md"' in board
    assert '"label":"[[Roadmap]]"' in board
    assert "See [[Board.canvas]] and [[Plan 2024]]." in _text(root, "Home.md")


def test_moving_a_canvas_and_what_it_shows(vault_copy: Callable[[str], Path]) -> None:
    root = vault_copy("canvas")
    _move(root, ["Projects/chart.png"], "media/chart.png")
    assert '"file":"media/chart.png"' in _text(root, "Board.canvas")
    _, after = _move(root, ["Board.canvas"], "Boards/Board.canvas")
    assert "Boards/Board.canvas" in after.canvases
    # Its name is still unique: the link to it reaches it as written, and its cards' paths
    # are the vault's, not the canvas's own folder's.
    assert "See [[Board.canvas]] and" in _text(root, "Home.md")
    assert '"file":"media/chart.png"' in _text(root, "Boards/Board.canvas")


def test_a_canvas_written_with_json_escapes_is_rewritten_in_its_own_style(
    vault_copy: Callable[[str], Path],
) -> None:
    # As json.dumps writes by default: non-ASCII as \\uXXXX, and a slash may be \\/.
    root = vault_copy("canvas")
    board = root / "Board.canvas"
    written = (
        board.read_text(encoding="utf-8")
        .replace("(Projects/Roadmap.md)", "(Projects/R%C3%B6admap.md)")
        .replace("Projects/chart.png", "Projects\\/chart.png")
        .replace("Projects/Roadmap.md", "Projects/R\\u00f6admap.md")
        .replace("[[Roadmap#Q1", "[[R\\u00f6admap#Q1")
    )
    board.write_text(written, encoding="utf-8")
    (root / "Projects" / "Roadmap.md").rename(root / "Projects" / "Röadmap.md")
    _move(root, ["Projects/chart.png"], "media/chart.png")
    assert '"file":"media/chart.png"' in _text(root, "Board.canvas")
    _move(root, ["Projects/Röadmap.md"], "Archive/Pläne.md")
    text = _text(root, "Board.canvas")
    assert '"file":"Archive/Pl\\u00e4ne.md","subpath":"#Q1"' in text
    assert "Next: [[Pl\\u00e4ne#Q1|the plan]]" in text
    assert "[md](Pl%C3%A4ne.md)" in text  # percent-encoded as written, then JSON as written
    assert "Home.md" not in text


@pytest.mark.parametrize(
    ("line", "new_name"),
    [
        ("x ` y [[Old]] z", "Ne`w"),  # the backtick closes a code span opened before the link
        ("cost $5 and [[Old]] end", "a$b"),  # the dollar closes inline math
    ],
)
def test_a_rewrite_that_would_change_the_rest_of_its_line_is_refused(
    tmp_path: Path, line: str, new_name: str
) -> None:
    # The link alone still reads as a link to the new name; only parsing the note whole shows
    # that the new characters swallow it, so characters that Markdown reads ahead for are
    # never taken on the link's word.
    (tmp_path / "Old.md").write_text("# Old\n", encoding="utf-8")
    (tmp_path / "A.md").write_text(line + "\n", encoding="utf-8")
    vault = load_vault(tmp_path, cache=False)
    assert (
        plan_moves(vault, ["Old.md"], "Plain.md").edits[0].new
        == (line.replace("[[Old]]", "[[Plain]]") + "\n").encode()
    )
    with pytest.raises(MoveError, match="would change more"):
        plan_moves(vault, ["Old.md"], f"{new_name}.md")


def test_a_hub_rename_rewrites_every_kind_of_backlink_as_a_parse_reads_it(
    tmp_path: Path,
) -> None:
    # Links of each syntax and place, many notes deep: the ones proven in place and the ones
    # parsed whole (properties, angle brackets, tables) must all read as the parser reads them.
    (tmp_path / "Hub.md").write_text("# Hub\n\n## Part\n", encoding="utf-8")
    kinds = [
        "See [[Hub]] and [[Hub#Part|the part]] and ![[Hub|300]].",
        "[md](Hub.md) and [enc](Hub.md#Part) and [ang](<Hub.md>)",
        "| a | [[Hub\\|cell]] |\n|---|---|\n| [[Hub]] | x |",
        '---\nup: "[[Hub]]"\n---\nbody [[Hub]]',
        "- item [[Hub]]\n  > quoted [[Hub#Part]]",
    ]
    for number in range(40):
        text = kinds[number % len(kinds)]
        (tmp_path / f"n{number:02}.md").write_text(text + "\n", encoding="utf-8")
    before = load_vault(tmp_path, cache=False)
    files = files_of(tmp_path)
    plan = plan_moves(before, ["Hub.md"], "Centre Note.md")
    assert len(plan.edits) == 40
    apply_plan(tmp_path, plan)
    after = assert_moved(before, files, plan)
    assert all(
        link.resolved == "Centre Note.md"
        for link in after.links
        if link.source != "Centre Note.md" and link.link.target
    )


@pytest.mark.parametrize(
    ("sources", "dest", "said"),
    [
        (["Home.md"], "outside/Home.md", "DEST outside/Home.md: outside is a symbolic link"),
        (["outside/Far.md"], "Far.md", "SOURCE outside/Far.md: outside is a symbolic link"),
        (["outside"], "inside", "SOURCE outside: outside is a symbolic link"),
        (["Linked.md"], "people/Linked.md", "SOURCE Linked.md: Linked.md is a symbolic link"),
    ],
)
def test_nothing_moves_through_a_symbolic_link(
    vault_copy: Callable[[str], Path], tmp_path: Path, sources: list[str], dest: str, said: str
) -> None:
    # Through a linked folder a note would leave the vault, or one from outside come in.
    root = vault_copy("basic")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "Far.md").write_text("# Far\n", encoding="utf-8")
    (root / "outside").symlink_to(elsewhere, target_is_directory=True)
    (root / "Linked.md").symlink_to("Home.md")
    files, there = files_of(root), sorted(elsewhere.iterdir())
    with pytest.raises(MoveError, match=said):
        plan_moves(load_vault(root, cache=False), sources, dest)
    assert files_of(root) == files
    assert sorted(elsewhere.iterdir()) == there
