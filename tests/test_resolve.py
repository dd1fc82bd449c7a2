"""Tests for Obsidian's link resolution rules."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from vaultgraph.lint.rules import broken_heading
from vaultgraph.model import BlockId, Heading, Link, LinkKind, LinkSyntax, Note
from vaultgraph.parse import parse_note
from vaultgraph.resolve import (
    Resolution,
    ResolvedLink,
    build_index,
    fold,
    heading_key,
    heading_path,
    index_for,
    moved_index,
    resolve_all,
    resolve_link,
    resolve_name,
)

NFC_CAFE = unicodedata.normalize("NFC", "Café")
NFD_CAFE = unicodedata.normalize("NFD", "Café")


def _link(target: str, subpath: str | None = None, line: int = 1) -> Link:
    raw = f"[[{target}#{subpath}]]" if subpath is not None else f"[[{target}]]"
    return Link(LinkKind.LINK, LinkSyntax.WIKI, raw, target, subpath, None, line, 1)


def _resolve(
    paths: list[str], source: str, target: str, subpath: str | None = None
) -> ResolvedLink:
    """Resolve one link from ``source`` in a vault holding ``paths`` (notes with no content)."""
    notes = {path: Note(path=path) for path in paths if path.endswith(".md")}
    return resolve_link(build_index(paths), source, _link(target, subpath), notes)


@dataclass(frozen=True)
class Case:
    id: str
    paths: list[str]
    source: str
    target: str
    resolved: str | None
    rule: Resolution
    candidates: tuple[str, ...]


CASES = [
    Case(
        "exact-path-beats-same-folder",
        ["Note.md", "a/Note.md", "a/src.md"],
        "a/src.md",
        "Note",
        "Note.md",
        Resolution.EXACT_PATH,
        ("Note.md", "a/Note.md"),
    ),
    Case(
        "same-folder-beats-shortest",
        ["x/Note.md", "a/b/Note.md", "a/b/src.md"],
        "a/b/src.md",
        "Note",
        "a/b/Note.md",
        Resolution.SAME_FOLDER,
        ("a/b/Note.md", "x/Note.md"),
    ),
    Case(
        "shortest-path",
        ["deep/er/Note.md", "x/Note.md", "src.md"],
        "src.md",
        "Note",
        "x/Note.md",
        Resolution.SHORTEST_PATH,
        ("x/Note.md", "deep/er/Note.md"),
    ),
    Case(
        "shortest-path-tie-goes-to-path-order",
        ["b/Note.md", "a/Note.md", "src.md"],
        "src.md",
        "Note",
        "a/Note.md",
        Resolution.SHORTEST_PATH,
        ("a/Note.md", "b/Note.md"),
    ),
    Case(
        "case-insensitive",
        ["notes/Gamma Ray.md", "src.md"],
        "src.md",
        "gAMMA rAY",
        "notes/Gamma Ray.md",
        Resolution.SHORTEST_PATH,
        ("notes/Gamma Ray.md",),
    ),
    Case(
        "nfd-file-nfc-link",
        [f"{NFD_CAFE}.md", "src.md"],
        "src.md",
        NFC_CAFE,
        f"{NFD_CAFE}.md",
        Resolution.EXACT_PATH,
        (f"{NFD_CAFE}.md",),
    ),
    Case(
        "nfc-file-nfd-link",
        [f"sub/{NFC_CAFE}.md", "src.md"],
        "src.md",
        NFD_CAFE.lower(),
        f"sub/{NFC_CAFE}.md",
        Resolution.SHORTEST_PATH,
        (f"sub/{NFC_CAFE}.md",),
    ),
    Case(
        "md-extension-given",
        ["Note.md", "src.md"],
        "src.md",
        "Note.md",
        "Note.md",
        Resolution.EXACT_PATH,
        ("Note.md",),
    ),
    Case(
        "md-omitted-after-a-dot",
        ["y/Archive.2024.md", "src.md"],
        "src.md",
        "Archive.2024",
        "y/Archive.2024.md",
        Resolution.SHORTEST_PATH,
        ("y/Archive.2024.md",),
    ),
    Case(
        "attachment-by-extension",
        ["img/diagram.png", "diagram.md", "src.md"],
        "src.md",
        "diagram.png",
        "img/diagram.png",
        Resolution.SHORTEST_PATH,
        ("img/diagram.png",),
    ),
    Case(
        "bare-name-does-not-find-attachment",
        ["img/diagram.png", "src.md"],
        "src.md",
        "diagram",
        None,
        Resolution.UNRESOLVED,
        (),
    ),
    Case(
        "other-extension-does-not-find-note",
        ["diagram.md", "src.md"],
        "src.md",
        "diagram.png",
        None,
        Resolution.UNRESOLVED,
        (),
    ),
    Case(
        "relative-dot-slash",
        ["Note.md", "a/Note.md", "a/src.md"],
        "a/src.md",
        "./note",
        "a/Note.md",
        Resolution.RELATIVE,
        ("a/Note.md",),
    ),
    Case(
        "relative-never-falls-back-to-name",
        ["Note.md", "a/src.md"],
        "a/src.md",
        "./Note",
        None,
        Resolution.UNRESOLVED,
        (),
    ),
    Case(
        "relative-dot-dot",
        ["Note.md", "a/Note.md", "a/b/src.md"],
        "a/b/src.md",
        "../Note",
        "a/Note.md",
        Resolution.RELATIVE,
        ("a/Note.md",),
    ),
    Case(
        "relative-dot-dot-to-attachment",
        ["img/pic.png", "a/src.md"],
        "a/src.md",
        "../img/pic.png",
        "img/pic.png",
        Resolution.RELATIVE,
        ("img/pic.png",),
    ),
    Case(
        "dot-dot-above-the-root",
        ["src.md", "etc/passwd"],
        "src.md",
        "../../etc/passwd",
        None,
        Resolution.OUTSIDE_VAULT,
        (),
    ),
    Case(
        "dot-dot-climbing-one-too-many",
        ["x.md", "a/src.md"],
        "a/src.md",
        "../../x",
        None,
        Resolution.OUTSIDE_VAULT,
        (),
    ),
    Case(
        "absolute-path-not-in-vault",
        ["src.md", "deep/etc/passwd"],
        "src.md",
        "/etc/passwd",
        None,
        Resolution.UNRESOLVED,
        (),
    ),
    Case(
        "absolute-path-in-vault",
        ["src.md", "etc/passwd"],
        "src.md",
        "/etc/passwd",
        "etc/passwd",
        Resolution.EXACT_PATH,
        ("etc/passwd",),
    ),
    Case(
        "leading-slash-is-the-root",
        ["Note.md", "a/Note.md", "a/src.md"],
        "a/src.md",
        "/Note",
        "Note.md",
        Resolution.EXACT_PATH,
        ("Note.md",),
    ),
    Case(
        "folder-path-exact",
        ["notes/Gamma Ray.md", "archive/notes/Gamma Ray.md", "src.md"],
        "src.md",
        "notes/Gamma Ray",
        "notes/Gamma Ray.md",
        Resolution.EXACT_PATH,
        ("notes/Gamma Ray.md", "archive/notes/Gamma Ray.md"),
    ),
    Case(
        "folder-path-suffix-on-folder-boundary",
        ["x/y/notes/Gamma Ray.md", "a/notes/Gamma Ray.md", "mynotes/Gamma Ray.md", "src.md"],
        "src.md",
        "Notes/gamma ray",
        "a/notes/Gamma Ray.md",
        Resolution.SHORTEST_PATH,
        ("a/notes/Gamma Ray.md", "x/y/notes/Gamma Ray.md"),
    ),
    Case(
        "missing",
        ["src.md"],
        "src.md",
        "Nowhere",
        None,
        Resolution.UNRESOLVED,
        (),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_resolution_rules(case: Case) -> None:
    result = _resolve(case.paths, case.source, case.target)
    assert (result.resolved, result.rule, result.candidates) == (
        case.resolved,
        case.rule,
        case.candidates,
    )


def test_exact_path_is_not_ambiguous_but_a_tie_break_is() -> None:
    assert not _resolve(["Note.md", "a/Note.md", "a/s.md"], "a/s.md", "Note").ambiguous
    assert _resolve(["x/Note.md", "a/Note.md", "a/s.md"], "a/s.md", "Note").ambiguous


def test_empty_target_is_the_note_itself() -> None:
    result = _resolve(["a/src.md"], "a/src.md", "", "Heading")
    assert (result.resolved, result.rule, result.candidates) == (
        "a/src.md",
        Resolution.SELF,
        ("a/src.md",),
    )


def test_aliases_never_resolve_a_link() -> None:
    notes = {
        "Artificial Intelligence.md": Note(path="Artificial Intelligence.md", aliases=("AI",)),
        "src.md": Note(path="src.md", links=(_link("AI"),)),
    }
    (result,) = resolve_all(notes, notes)
    assert (result.resolved, result.rule) == (None, Resolution.UNRESOLVED)


def test_resolve_all_walks_notes_in_path_order_and_links_in_order() -> None:
    notes = {
        "b.md": Note(path="b.md", links=(_link("a", line=1), _link("zzz", line=2))),
        "a.md": Note(path="a.md", links=(_link("b"),)),
    }
    results = resolve_all(notes, ["pic.png"])
    assert [(r.source, r.link.target, r.resolved) for r in results] == [
        ("a.md", "b", "b.md"),
        ("b.md", "a", "a.md"),
        ("b.md", "zzz", None),
    ]


TARGET = Note(
    path="Target.md",
    headings=(
        Heading(1, "Top", "Top", 1, 1),
        Heading(2, "**Containers**", "Containers", 3, 1),
        Heading(3, "ECS: Fargate", "ECS: Fargate", 5, 1),
        Heading(2, "Other", "Other", 7, 1),
        Heading(3, "Deep", "Deep", 9, 1),
        Heading(1, f"{NFD_CAFE} [[menu]]", f"{NFD_CAFE} [[menu]]", 11, 1),
    ),
    block_ids=(BlockId("abc-1", 13, 10),),
)


@pytest.mark.parametrize(
    ("subpath", "exists"),
    [
        pytest.param("Top", True, id="heading"),
        pytest.param("top#containers", True, id="nested-plain-text-any-case"),
        pytest.param("Top#**Containers**", True, id="heading-as-written"),
        pytest.param("Top#Containers#ECS Fargate", True, id="three-levels-punctuation"),
        pytest.param("Top#ECS   Fargate", True, id="nested-deeper-than-one-level"),
        pytest.param("Containers#Deep", False, id="not-nested-under-previous"),
        pytest.param("Deep#Top", False, id="wrong-order"),
        pytest.param(f"{NFC_CAFE} menu", True, id="nfc-link-nfd-heading-brackets"),
        pytest.param("Missing", False, id="no-such-heading"),
        pytest.param("^ABC-1", True, id="block-any-case"),
        pytest.param("^abc", False, id="no-such-block"),
        pytest.param("^", False, id="empty-block"),
        pytest.param("Containers#Top", False, id="parent-after-child"),
    ],
)
def test_subpath_existence(subpath: str, exists: bool) -> None:
    index = build_index(["Target.md", "src.md"])
    result = resolve_link(index, "src.md", _link("Target", subpath), {"Target.md": TARGET})
    assert result.subpath_exists is exists


def test_self_link_subpath_is_checked_in_the_source() -> None:
    notes = {"Target.md": TARGET}
    index = build_index(notes)
    assert resolve_link(index, "Target.md", _link("", "Deep"), notes).subpath_exists is True
    assert resolve_link(index, "Target.md", _link("", "Nope"), notes).subpath_exists is False


@pytest.mark.parametrize(
    ("target", "subpath"),
    [
        pytest.param("Target", None, id="no-subpath"),
        pytest.param("pic.png", "Top", id="attachment"),
        pytest.param("Missing", "Top", id="unresolved"),
    ],
)
def test_subpath_existence_is_unknown(target: str, subpath: str | None) -> None:
    index = build_index(["Target.md", "pic.png"])
    result = resolve_link(index, "Target.md", _link(target, subpath), {"Target.md": TARGET})
    assert result.subpath_exists is None


def test_heading_key_normalises_punctuation_case_and_space() -> None:
    assert heading_key("  A#b|C^d:E%f[g]h\\I  ") == "a b c d e f g h i"


# Obsidian's heading normaliser turns exactly these into spaces (as reported from the app's
# source); written out here so that both heading_key and the rule's documentation are held to
# the list, not to each other.
OBSIDIAN_SPACED = '!"#$%&()*+,.:;<=>?@^`{|}~/[]\\'


@pytest.mark.parametrize("char", list(OBSIDIAN_SPACED))
def test_each_character_obsidian_strips_counts_as_a_space(char: str) -> None:
    assert heading_key(f"What{char}s{char}{char}Up{char}") == "what s up"


@pytest.mark.parametrize(
    "char",
    [
        pytest.param("'", id="apostrophe"),
        pytest.param("-", id="hyphen"),
        pytest.param("_", id="underscore"),
        pytest.param("\u2019", id="right-single-quote"),
        pytest.param("\u201c", id="left-double-quote"),
        pytest.param("\u2014", id="em-dash"),
        pytest.param("\u2026", id="ellipsis"),
        pytest.param("\u00ab", id="guillemet"),
        pytest.param("\uff1f", id="fullwidth-question-mark"),
        pytest.param("\u037e", id="greek-question-mark"),
        pytest.param("\u00a9", id="copyright"),
        pytest.param("\u20ac", id="euro"),
        pytest.param("\U0001f680", id="emoji"),
    ],
)
def test_every_other_character_must_match_as_written(char: str) -> None:
    key = heading_key(f"What{char}s Up")
    assert key == fold(f"what{char}s up")
    assert key != heading_key("What s Up")


def test_a_heading_with_an_apostrophe_is_found_only_by_a_link_with_it() -> None:
    notes = {"A.md": parse_note("A.md", "## What's up?\n")}
    index = build_index(notes)
    assert resolve_link(index, "A.md", _link("A", "What's up"), notes).subpath_exists is True
    assert resolve_link(index, "A.md", _link("A", "what's UP?!"), notes).subpath_exists is True
    assert resolve_link(index, "A.md", _link("A", "What s up"), notes).subpath_exists is False


def test_broken_heading_documents_exactly_the_characters_obsidian_strips() -> None:
    # docs/rules.md is generated from this docstring (tests/lint/test_docs.py holds it to it).
    assert f"`` {OBSIDIAN_SPACED} ``" in broken_heading.RULE.doc


_SEGMENT = st.sampled_from(["a", "A", "b", "note", "Note", NFC_CAFE, NFD_CAFE])


@given(
    paths=st.lists(
        st.lists(_SEGMENT, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".md"),
        min_size=1,
        max_size=8,
    ),
    target=st.lists(_SEGMENT, min_size=1, max_size=2).map("/".join),
    source=st.sampled_from(["src.md", "a/src.md", "a/b/src.md"]),
)
def test_chosen_file_is_the_first_candidate_and_spelling_does_not_matter(
    paths: list[str], target: str, source: str
) -> None:
    result = _resolve([*paths, source], source, target)
    assert result.resolved == (result.candidates[0] if result.candidates else None)
    assert set(result.candidates) <= {*paths, source}
    swapped = _resolve([*paths, source], source, unicodedata.normalize("NFD", target.upper()))
    assert (swapped.resolved, swapped.rule) == (result.resolved, result.rule)


def _fold_in_full(text: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def _heading_key_in_full(text: str) -> str:
    """Obsidian's normaliser as a regular expression, then the fold."""
    spaced = re.sub("[" + re.escape(OBSIDIAN_SPACED) + "]", " ", text)
    return _fold_in_full(re.sub(r"\s+", " ", spaced).strip())


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_ascii_shortcuts_give_the_same_keys(text: str) -> None:
    assert fold(text) == _fold_in_full(text)
    assert heading_key(text) == _heading_key_in_full(text)


def test_ascii_shortcuts_give_the_same_key_for_every_ascii_character() -> None:
    every = "".join(map(chr, range(128)))
    assert fold(every) == _fold_in_full(every)
    assert heading_key(every) == _heading_key_in_full(every)
    for char in every:
        assert heading_key(f"a{char}b") == _heading_key_in_full(f"a{char}b")


_FOLDER = st.sampled_from(["", "a/", "a/b/", "B/"])
_TARGET = st.sampled_from(["", "Target", "target", "a/Target", "Other", "pic.png", "../Target"])
_SUBPATH = st.sampled_from([None, "Top", "top#containers", "Deep", "Missing", "^abc-1", "^x"])


@given(
    sources=st.lists(_FOLDER.map(lambda folder: folder + "src.md"), min_size=1, unique=True),
    links=st.lists(st.tuples(_TARGET, _SUBPATH), min_size=1, max_size=6),
    elsewhere=st.booleans(),
)
def test_resolve_all_remembers_nothing_that_changes_a_result(
    sources: list[str], links: list[tuple[str, str | None]], elsewhere: bool
) -> None:
    """The same targets and subpaths, linked from several folders: resolve_all's shortcuts
    give what resolving each link on its own gives."""
    written = tuple(_link(target, subpath, line) for line, (target, subpath) in enumerate(links))
    notes = {path: Note(path=path, links=written) for path in sources}
    notes["Target.md"] = dataclasses.replace(TARGET, links=written)
    if elsewhere:
        notes["a/Target.md"] = Note(path="a/Target.md", headings=TARGET.headings[:2])
    paths = [*notes, "pic.png", "a/Other.md"]
    index = build_index(paths)
    expected = [
        resolve_link(index, path, link, notes)
        for path in sorted(notes)
        for link in notes[path].links
    ]
    assert list(resolve_all(notes, paths)) == expected


def test_a_subpath_missing_from_a_partly_read_note_is_unknown_not_broken() -> None:
    partly = parse_note("Part.md", "# Seen\n" + "y" * 200 + "\n# Hidden\n", max_line_chars=100)
    assert [p.code for p in partly.problems] == ["line-too-long"]
    whole = parse_note("Whole.md", "# Seen\n")
    src = parse_note("Src.md", "[[Part#Seen]] [[Part#Other]] [[Part#^id]] [[Whole#Other]]\n")
    notes = {n.path: n for n in (partly, whole, src)}
    found = [rl.subpath_exists for rl in resolve_all(notes, [])]
    assert found == [True, None, None, False]


_SOME_TARGET = st.sampled_from(
    [
        "Target",
        "target.md",
        "a/Target",
        "A/b/target",
        "../Target",
        "./Other",
        "/a/Target",
        "b/../Target",
        "x/.",
        "Other/",
        "pic.png",
        "PIC",
        "a/b",
        "",
        "Nowhere",
    ]
)


@given(
    paths=st.lists(
        st.sampled_from(
            [
                "Target.md",
                "a/Target.md",
                "a/b/Target.md",
                "B/target.md",
                "Other.md",
                "a/Other.md",
                "pic.png",
                "a/pic.png",
                "a/b.md",
                "x.md",
                "a/b/x.md",
                "Other/x.md",
            ]
        ),
        unique=True,
    ),
    links=st.lists(st.tuples(_FOLDER.map(lambda f: f + "src.md"), _SOME_TARGET), min_size=1),
)
def test_the_index_for_some_links_resolves_them_as_the_whole_index(
    paths: list[str], links: list[tuple[str, str]]
) -> None:
    written = [(source, _link(target)) for source, target in links]
    every = [*paths, *(source for source, _ in links)]
    whole, part = build_index(every), index_for(every, written)
    assert len(part.by_path) <= len(whole.by_path)
    for source, link in written:
        assert resolve_link(part, source, link, {}) == resolve_link(whole, source, link, {})


@pytest.mark.parametrize(
    ("name", "resolved", "rule"),
    [
        ("ECS", "b/ECS.md", Resolution.SHORTEST_PATH),
        ("a/x/ECS.md", "a/x/ECS.md", Resolution.EXACT_PATH),
        ("ecs.md", "b/ECS.md", Resolution.SHORTEST_PATH),
        ("pic.png", "img/pic.png", Resolution.SHORTEST_PATH),
        ("Nowhere", None, Resolution.UNRESOLVED),
    ],
)
def test_a_name_resolves_as_a_link_written_at_the_vault_root(
    name: str, resolved: str | None, rule: Resolution
) -> None:
    index = build_index(["a/x/ECS.md", "b/ECS.md", "img/pic.png"])
    found = resolve_name(index, name)
    assert (found.source, found.resolved, found.rule) == ("", resolved, rule)
    if name == "ECS":
        assert found.candidates == ("b/ECS.md", "a/x/ECS.md")


def test_heading_path_is_the_chain_the_resolver_matches() -> None:
    text = "# A\n## B\n# C\n## B\n### D\n## **E** f\n"
    headings = parse_note("N.md", text).headings
    assert heading_path(headings, "B") == (1,)  # the first of two
    assert heading_path(headings, "C#B") == (2, 3)  # the one under C
    assert heading_path(headings, "B#D") == (3, 4)  # the first B has no D: the second does
    assert heading_path(headings, "A#?#B") == (0, 1)  # a part with no key is skipped
    assert heading_path(headings, "e f") == (5,)  # by its plain text
    assert heading_path(headings, "A#D") is None
    assert heading_path(headings, "?") is None
    note = Note("N.md", headings=headings)
    for subpath in ("B", "C#B", "B#D", "A#D", "e f", "D#B"):
        link = Link(LinkKind.LINK, LinkSyntax.WIKI, f"[[#{subpath}]]", "", subpath, None, 9, 1)
        found = resolve_link(build_index(["N.md"]), "N.md", link, {"N.md": note})
        assert found.subpath_exists is (heading_path(headings, subpath) is not None)


_FILES = ["a.md", "A.md", "x/a.md", "x/b.md", "y/a.md", "b.png", "x/y/b.md", "Ä.md", "ä.md"]


@given(st.data())
def test_moved_index_is_the_index_of_the_moved_files(data: st.DataObject) -> None:
    # Same names in other folders and other cases: the groups a move must change, and keep.
    paths = data.draw(st.lists(st.sampled_from(_FILES), unique=True))
    moving = data.draw(st.lists(st.sampled_from(paths), unique=True)) if paths else []
    free = sorted({*_FILES, "n.md", "z/a.md", "y/q.png"} - (set(paths) - set(moving)))
    dests = data.draw(st.permutations(free))[: len(moving)]
    assume(len(dests) == len(moving))
    moves = dict(zip(moving, dests, strict=True))
    moved = [moves.get(path, path) for path in paths]
    assert moved_index(build_index(paths), moves) == build_index(moved)
