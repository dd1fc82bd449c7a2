"""Tests for loading a whole vault from disk."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Literal

import pytest

import vaultgraph.reading
from tests.query.gitrepo import Repo
from tests.vaults import write_vault
from vaultgraph.files import ReadFailure
from vaultgraph.model import Note
from vaultgraph.parse import parse_note
from vaultgraph.resolve import Resolution, ResolvedLink, build_index
from vaultgraph.store import digest
from vaultgraph.vault import Vault, VaultError, load_vault

_Form = Literal["NFC", "NFD"]
BASIC = Path(__file__).parent / "fixtures" / "vaults" / "basic"


def _by_raw(vault: Vault) -> dict[tuple[str, str], ResolvedLink]:
    return {(link.source, link.link.raw): link for link in vault.links}


@pytest.fixture(scope="module")
def basic() -> Vault:
    return load_vault(BASIC)


def test_files_are_split_and_hidden_folders_ignored(basic: Vault) -> None:
    assert list(basic.notes) == ["Home.md", "notes/Beta.md", "notes/Gamma Ray.md"]
    assert basic.attachments == ("assets/diagram.png",)
    assert basic.unreadable == {}
    assert basic.root == BASIC


def test_links_resolve_by_obsidian_rules(basic: Vault) -> None:
    links = _by_raw(basic)
    expected = {
        ("Home.md", "[[Gamma Ray]]"): ("notes/Gamma Ray.md", Resolution.SHORTEST_PATH, None),
        ("Home.md", "[[notes/Gamma Ray#Physics]]"): (
            "notes/Gamma Ray.md",
            Resolution.EXACT_PATH,
            True,
        ),
        ("Home.md", "[[Missing Note]]"): (None, Resolution.UNRESOLVED, None),
        ("Home.md", "![[diagram.png]]"): ("assets/diagram.png", Resolution.SHORTEST_PATH, None),
        ("Home.md", "[Beta](notes/Beta.md#^b1)"): ("notes/Beta.md", Resolution.EXACT_PATH, True),
        ("Home.md", "[[Old]]"): (None, Resolution.UNRESOLVED, None),
        ("notes/Beta.md", "[[Start]]"): (None, Resolution.UNRESOLVED, None),
        ("notes/Beta.md", "[[../Home]]"): ("Home.md", Resolution.RELATIVE, None),
        ("notes/Gamma Ray.md", "[[Home]]"): ("Home.md", Resolution.EXACT_PATH, None),
        ("notes/Gamma Ray.md", "[[#Physics]]"): ("notes/Gamma Ray.md", Resolution.SELF, True),
        ("notes/Gamma Ray.md", "[[#Chemistry]]"): ("notes/Gamma Ray.md", Resolution.SELF, False),
    }
    assert {key: (r.resolved, r.rule, r.subpath_exists) for key, r in links.items()} == expected


def test_graph_holds_every_kind_of_node(basic: Vault) -> None:
    kinds = dict(basic.graph.nodes(data="kind"))
    assert kinds == {
        "Home.md": "note",
        "notes/Beta.md": "note",
        "notes/Gamma Ray.md": "note",
        "assets/diagram.png": "attachment",
        "#index": "tag",
        "#project/alpha": "tag",
        "unresolved:missing note": "unresolved",
        "unresolved:old": "unresolved",
        "unresolved:start": "unresolved",
    }
    assert basic.graph.nodes["Home.md"]["tags"] == ["index", "project/alpha"]
    assert basic.graph.has_edge("notes/Gamma Ray.md", "notes/Gamma Ray.md")
    assert dict(basic.graph["Home.md"]["assets/diagram.png"]) == {
        0: {"kind": "embed", "lines": [9], "count": 1, "where": ["body"]}
    }


def test_accepts_str_paths() -> None:
    assert list(load_vault(str(BASIC)).notes) == list(load_vault(BASIC).notes)


def test_missing_path_is_a_vault_error(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="no such folder"):
        load_vault(tmp_path / "nope")


def test_file_path_is_a_vault_error(tmp_path: Path) -> None:
    note = write_vault(tmp_path, {"Note.md": ""}) / "Note.md"
    with pytest.raises(VaultError, match="not a folder"):
        load_vault(note)


def test_unreadable_notes_are_recorded_and_still_link_targets(tmp_path: Path) -> None:
    write_vault(
        tmp_path,
        {
            "Latin.md": b"# Caf\xe9\n",
            "sub/Binary.md": b"\x00\x01\x02",
            "Good.md": "[[Latin]] [[Binary#Part]]\n",
        },
    )
    vault = load_vault(tmp_path)
    assert list(vault.notes) == ["Good.md"]
    assert vault.unreadable == {
        "Latin.md": "not UTF-8 (byte 0xe9 at offset 5)",
        "sub/Binary.md": "binary file (NUL byte at offset 0)",
    }
    assert [(r.resolved, r.subpath_exists) for r in vault.links] == [
        ("Latin.md", None),
        ("sub/Binary.md", None),
    ]
    assert vault.graph.nodes["Latin.md"]["kind"] == "note"
    assert vault.graph.nodes["Latin.md"]["unreadable"] is True
    assert vault.graph.nodes["Good.md"]["unreadable"] is False


@pytest.mark.parametrize(
    ("file_form", "link_form"),
    [pytest.param("NFD", "NFC", id="nfd-file"), pytest.param("NFC", "NFD", id="nfc-file")],
)
def test_unicode_forms_match_and_node_keeps_disk_spelling(
    tmp_path: Path, file_form: _Form, link_form: _Form
) -> None:
    name = unicodedata.normalize(file_form, "Zoë/Café.md")
    link = unicodedata.normalize(link_form, "[[café]]")
    write_vault(tmp_path, {name: "", "Index.md": link + "\n"})
    vault = load_vault(tmp_path)
    (resolved,) = vault.links
    assert resolved.resolved == name
    assert vault.graph.has_edge("Index.md", name)


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        load_vault(BASIC, False)  # type: ignore[call-arg, arg-type]


def test_jobs_below_one_is_an_error() -> None:
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        load_vault(BASIC, jobs=0)


def test_a_relative_path_loads_the_same_cold_and_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path / "v", {"a.md": "[[b]] #tag\n", "b.md": "# B\n"})
    monkeypatch.chdir(tmp_path)
    cold = load_vault("v", cache=tmp_path / "cache")
    warm = load_vault("v", cache=tmp_path / "cache")
    assert warm.root == Path("v")
    assert (warm.notes, warm.links) == (cold.notes, cold.links)
    assert [link.resolved for link in warm.links] == ["b.md"]


def test_without_a_cache_nothing_is_written(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n"})
    load_vault(root, cache=False)
    load_vault(root, cache=False, jobs=2)
    assert not (tmp_path / "cache").exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.md", "v"]


def test_the_graph_holds_what_obsidian_links_and_nothing_it_does_not(tmp_path: Path) -> None:
    vault = load_vault(
        write_vault(
            tmp_path,
            {
                "Home.md": (
                    "Math $[(TS)R](u)$ and\n\n$$\nd[](x.md) [[Hidden]]\n$$\n\n"
                    "A claim[^1] and [empty]() ![alt]() [[#]].\n\n[^1]: [[Source]]\n\n"
                    "| a | b |\n| --- | --- |\n| x | [[Source|s]] | [[Extra]] |\n"
                ),
                "Source.md": "# Source\n",
                "Extra.md": "# Extra\n",
            },
        )
    )
    edges = sorted(
        (u, v, attrs["lines"])
        for u, v, attrs in vault.graph.edges(data=True)
        if attrs["kind"] != "tag"
    )
    assert edges == [("Home.md", "Extra.md", [13]), ("Home.md", "Source.md", [9, 13])]
    assert not any(node.startswith("unresolved:") for node in vault.graph)


def test_index_is_the_one_the_links_were_resolved_with(tmp_path: Path) -> None:
    write_vault(
        tmp_path,
        {"a/Note.md": "[[Other]]\n", "Other.md": "x\n", "Bad.md": b"\xff", "pic.png": b"\x89"},
    )
    vault = load_vault(tmp_path, cache=False)
    rebuilt = build_index([*vault.notes, *vault.unreadable, *vault.attachments])
    assert vault.index is vault.index
    assert vault.index == rebuilt
    # A vault built by hand (as a partial re-check does) builds its own from its files.
    by_hand = Vault(vault.root, vault.notes, vault.attachments, vault.unreadable, vault.links)
    assert by_hand.index == rebuilt
    assert sorted(rebuilt.by_path) == ["a/note.md", "bad.md", "other.md", "pic.png"]


def test_source_and_lines_read_a_note_as_it_was_parsed(tmp_path: Path) -> None:
    write_vault(tmp_path, {"N.md": b"\xef\xbb\xbfone\r\ntwo\rthree\n", "Bad.md": b"\xff"})
    vault = load_vault(tmp_path, cache=False)
    assert vault.source("N.md") == "one\r\ntwo\rthree\n"
    assert vault.lines("N.md") == ["one", "two", "three", ""]
    assert isinstance(vault.source("Bad.md"), ReadFailure)
    assert vault.lines("Bad.md") is None
    assert vault.lines("Gone.md") is None
    (tmp_path / "N.md").write_text("changed\n", encoding="utf-8")
    assert vault.lines("N.md") == ["changed", ""]  # read anew: never a stale copy


# Loading a git revision: the same pipeline as a working tree's, from the bytes git holds.


_COMMITTED: dict[str, str | bytes] = {
    "Home.md": "---\naliases: [Start]\n---\n[[Note#Part]] ![[pic.png]] [[Gone]] [[Start]] #tag\n",
    "sub/Note.md": "# Note\n## Part\nBack to [[Home]] ^block\n",
    unicodedata.normalize("NFD", "Café.md"): "[[Home]] [[sub/Note#^block]]",
    "pic.png": b"\x89PNG\x00",
    "Bad.md": b"\xff\xfe\xfd",
}


def test_a_revision_loads_as_a_working_tree_of_the_same_files(repo: Repo) -> None:
    repo.write(_COMMITTED)
    commit = repo.commit("one")
    at = load_vault(repo.root, revision="HEAD", cache=False)
    disk = load_vault(repo.root, cache=False)
    assert dict(at.notes) == dict(disk.notes)
    assert at.attachments == disk.attachments
    assert dict(at.unreadable) == dict(disk.unreadable)
    assert at.links == disk.links
    assert sorted(at.graph.nodes(data=True)) == sorted(disk.graph.nodes(data=True))
    assert sorted(at.graph.edges(data=True)) == sorted(disk.graph.edges(data=True))
    assert at.digests == disk.digests
    assert set(at.digests) == {*disk.notes, *disk.unreadable}
    assert (at.commit, disk.commit) == (commit, None)
    assert at.root == disk.root == repo.root


def test_a_revision_is_read_from_git_not_from_disk(repo: Repo) -> None:
    repo.write({"A.md": "[[B]]", "B.md": ""})
    repo.commit("one")
    repo.write({"A.md": "[[C]]", "C.md": ""})
    (repo.root / "B.md").unlink()
    at = load_vault(repo.root, revision="HEAD~0", cache=False)
    assert sorted(at.notes) == ["A.md", "B.md"]
    assert [link.resolved for link in at.links] == ["B.md"]


@pytest.mark.parametrize("revision", ["nope", "HEAD~3"])
def test_an_unknown_revision_is_a_clear_error(repo: Repo, revision: str) -> None:
    repo.write({"A.md": ""})
    repo.commit("one")
    message = f'unknown revision "{revision}"; give a commit, branch or tag, such as HEAD~1'
    with pytest.raises(VaultError) as raised:
        load_vault(repo.root, revision=revision)
    assert str(raised.value) == message


def test_a_revision_takes_cached_parses_and_parses_only_new_bytes(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write({**_COMMITTED, "Changed.md": "then [[Home]]"})
    repo.commit("one")
    repo.write({"Changed.md": "now"})
    cache = tmp_path / "cache"
    disk = load_vault(repo.root, cache=cache)  # parses every note, and keeps them
    files = {p: p.read_bytes() for p in cache.iterdir()}
    parsed: list[str] = []

    def counting(path: str, text: str) -> Note:
        parsed.append(path)
        return parse_note(path, text)

    monkeypatch.setattr(vaultgraph.reading, "parse_note", counting)
    at = load_vault(repo.root, revision="HEAD", cache=cache, jobs=1)
    assert parsed == ["Changed.md"]  # the one note whose bytes the cache has not seen
    assert at.notes["Home.md"] == disk.notes["Home.md"]
    assert dict(at.notes) == dict(load_vault(repo.root, revision="HEAD", cache=False).notes)
    assert {p: p.read_bytes() for p in cache.iterdir()} == files  # a revision writes no cache


def test_a_revision_whose_notes_are_all_cached_parses_nothing(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(_COMMITTED)
    repo.commit("one")
    cache = tmp_path / "cache"
    disk = load_vault(repo.root, cache=cache)

    def refuse(path: str, text: str) -> Note:
        raise AssertionError(f"{path} was parsed again")

    monkeypatch.setattr(vaultgraph.reading, "parse_note", refuse)
    monkeypatch.setattr(vaultgraph.reading, "PARALLEL_MIN", 0)  # workers, too, are forked now
    at = load_vault(repo.root, revision="HEAD", cache=cache, jobs=2)
    assert dict(at.notes) == dict(disk.notes)
    assert dict(at.unreadable) == dict(disk.unreadable)
    assert at.digests == disk.digests


def test_many_notes_of_a_revision_are_parsed_in_workers_as_in_this_process(repo: Repo) -> None:
    repo.write({f"n{i}.md": f"# {i}\n[[n{i + 1}]]\n" for i in range(60)})
    repo.commit("one")
    serial = load_vault(repo.root, revision="HEAD", cache=False, jobs=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vaultgraph.reading, "PARALLEL_MIN", 0)
        parallel = load_vault(repo.root, revision="HEAD", cache=False, jobs=2)
    assert dict(parallel.notes) == dict(serial.notes)
    assert parallel.links == serial.links
    assert parallel.digests == serial.digests


def test_digests_are_the_same_with_a_cache_or_without(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"A.md": "[[B]]", "B.md": "", "Bad.md": b"\xff"})
    plain = load_vault(root, cache=False)
    cold = load_vault(root, cache=tmp_path / "cache")
    warm = load_vault(root, cache=tmp_path / "cache")  # stamps unchanged: nothing read
    assert plain.digests == cold.digests == warm.digests
    assert plain.digests == {p: digest((root / p).read_bytes()) for p in ["A.md", "B.md", "Bad.md"]}


def test_a_vault_built_by_hand_hashes_its_notes_on_first_use(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"A.md": "a", "Gone.md": ""})
    loaded = load_vault(root, cache=False)
    (root / "Gone.md").unlink()
    by_hand = Vault(root, loaded.notes, loaded.attachments, loaded.unreadable, loaded.links)
    assert by_hand.digests == {"A.md": digest(b"a")}  # what cannot be read has none
    assert loaded.digests == {"A.md": digest(b"a"), "Gone.md": digest(b"")}  # as it was read


def test_a_revision_s_source_and_lines_are_the_revision_s(repo: Repo) -> None:
    repo.write({"A.md": "one\n[[B]]\n", "B.md": "", "Bad.md": b"\xff"})
    repo.commit("one")
    repo.write({"A.md": "changed since"})
    at = load_vault(repo.root, revision="HEAD", cache=False)
    assert at.source("A.md") == "one\n[[B]]\n"
    assert at.lines("A.md") == ["one", "[[B]]", ""]
    assert at.source("Bad.md") == ReadFailure("not UTF-8 (byte 0xff at offset 0)")
    assert at.source("Gone.md") == ReadFailure("cannot read: No such file or directory")
    assert load_vault(repo.root, cache=False).source("Gone.md") == at.source("Gone.md")


def test_a_revision_of_a_missing_folder_is_the_same_error_as_its_working_tree(
    tmp_path: Path,
) -> None:
    with pytest.raises(VaultError, match="no such folder; give the path of an Obsidian vault"):
        load_vault(tmp_path / "missing", revision="HEAD")
