"""``vault_stats``: known answers on a small vault, and the sample vault counted independently."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import networkx as nx
import pytest
import yaml

from tests.query.paths import SAMPLE_VAULT
from tests.vaults import write_vault
from vaultgraph import load_vault
from vaultgraph.query import vault_stats
from vaultgraph.query.stats import Ranked, UnresolvedTarget, render


@pytest.fixture
def small(tmp_path: Path) -> nx.MultiDiGraph:
    root = write_vault(
        tmp_path,
        {
            "A.md": "[[B]] [[B]] ![[pic.png]] [[Missing]] #t1 [[#Self]]\n# Self\n",
            "B.md": "[[A]] [[missing]] #T1 #t2\n",
            "C.md": "[[C]] #t1 [[Nowhere]]\n",  # only a self-link and an unresolved one
            "D.md": "[[A]]\n",
            "E.md": "nothing here\n",
            "pic.png": b"\x89PNG",
            "unused.pdf": b"%PDF",
        },
    )
    graph: nx.MultiDiGraph = load_vault(root, cache=False).graph
    return graph


def test_counts_of_a_small_vault(small: nx.MultiDiGraph) -> None:
    stats = vault_stats(small)
    assert (stats.notes, stats.unreadable, stats.attachments, stats.tags) == (5, 0, 2, 2)
    # A: B, B, Missing, #Self; B: A, missing; C: C, Nowhere; D: A.
    assert (stats.links, stats.embeds) == (9, 1)
    assert (stats.unresolved_targets, stats.unresolved_references) == (2, 3)
    assert stats.orphans == ("C.md", "E.md")
    assert stats.dead_ends == ("C.md", "E.md")
    # {A, B, D, pic.png}, {C}, {E}, {unused.pdf}
    assert (stats.components, stats.largest_component) == (4, 4)


def test_rankings_of_a_small_vault(small: nx.MultiDiGraph) -> None:
    stats = vault_stats(small)
    assert stats.top_linked == (Ranked("A.md", 2), Ranked("B.md", 1))
    assert stats.top_unresolved == (
        UnresolvedTarget("Missing", notes=2, references=2),
        UnresolvedTarget("Nowhere", notes=1, references=1),
    )
    assert [r.path for r in stats.top_pagerank][:2] == ["A.md", "B.md"]
    assert sum(r.value for r in vault_stats(small, top=100).top_pagerank) == pytest.approx(1.0)


def test_top_caps_every_ranking(small: nx.MultiDiGraph) -> None:
    stats = vault_stats(small, top=1)
    assert len(stats.top_linked) == len(stats.top_pagerank) == len(stats.top_unresolved) == 1
    assert vault_stats(small, top=0).top_pagerank == ()


def test_an_empty_vault(tmp_path: Path) -> None:
    stats = vault_stats(load_vault(tmp_path, cache=False).graph)
    assert (stats.notes, stats.components, stats.largest_component) == (0, 0, 0)
    assert stats.top_pagerank == stats.top_linked == ()


def test_unreadable_notes_are_counted_but_never_orphans_or_dead_ends(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"A.md": "text", "Bad.md": b"\xff\xfe binary \x00"})
    stats = vault_stats(load_vault(root, cache=False).graph)
    assert (stats.notes, stats.unreadable) == (2, 1)
    assert stats.orphans == stats.dead_ends == ("A.md",)


def test_text_and_json(small: nx.MultiDiGraph) -> None:
    stats = vault_stats(small)
    text = render(stats, "text")
    assert re.search(r"^Orphans +2  \(C\.md, E\.md\)$", text, re.M)
    assert re.search(r"^Unresolved targets +2  \(3 references\)$", text, re.M)
    assert "  2 notes, 2 references: Missing" in text
    data = json.loads(render(stats, "json"))
    assert data["links"] == 9
    assert data["orphans"] == ["C.md", "E.md"]
    assert data["top_linked"][0] == {"path": "A.md", "notes": 2}
    assert data["top_unresolved"][0] == {"target": "Missing", "notes": 2, "references": 2}
    assert set(data["top_pagerank"][0]) == {"path", "pagerank"}


# The sample vault, counted from its files without vaultgraph's parser -----------------------

_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_WIKI = re.compile(r"(!?)\[\[([^\]\n]+)\]\]")
_MARKDOWN = re.compile(r"(!?)\[[^\]\n]*\]\(([^)\s]+)\)")
_BODY_TAG = re.compile(r"(?<!\S)#([^\s#`\[\]()]+)")


def _sample_files() -> tuple[list[Path], list[Path]]:
    files = [
        p
        for p in SAMPLE_VAULT.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.parts)
    ]
    notes = [p for p in files if p.suffix.lower() == ".md"]
    return notes, [p for p in files if p.suffix.lower() != ".md"]


def _split(text: str) -> tuple[dict[str, object], str]:
    if text.startswith("---\n"):
        head, _, body = text[4:].partition("\n---\n")
        return yaml.safe_load(head) or {}, body
    return {}, text


def _references(note: Path) -> list[tuple[str, str]]:
    """(kind, file name the target names) for every link and embed, code left out."""
    text = note.read_text(encoding="utf-8")
    found = []
    prose = _CODE_SPAN.sub("", _FENCE.sub("", text))
    for bang, inner in _WIKI.findall(prose):
        target = inner.split("|")[0].replace("\\", "").split("#")[0].strip()
        found.append(("embed" if bang else "link", target or note.stem))
    for bang, destination in _MARKDOWN.findall(prose):
        if not re.match(r"[a-z]+:", destination):
            found.append(("embed" if bang else "link", unquote(destination.split("#")[0])))
    return found


def _file_named(target: str, files: list[Path]) -> Path | None:
    name = target.rsplit("/", 1)[-1].lower()
    matches = [p for p in files if p.name.lower() in (name, name + ".md")]
    return matches[0] if matches else None


def test_sample_vault_counts_match_its_files() -> None:
    notes, attachments = _sample_files()
    files = notes + attachments
    kinds: Counter[str] = Counter()
    unresolved: set[str] = set()
    linked: dict[Path, set[Path]] = {note: set() for note in notes}
    for note in notes:
        for kind, target in _references(note):
            kinds[kind] += 1
            found = _file_named(target, files)
            if found is None:
                unresolved.add(target.lower())
            elif found != note:
                linked[note].add(found)
    tags: set[str] = set()
    for note in notes:
        properties, body = _split(note.read_text(encoding="utf-8"))
        listed = properties.get("tags") or []
        tags.update(str(tag).lower() for tag in (listed if isinstance(listed, list) else [listed]))
        prose = _CODE_SPAN.sub("", _FENCE.sub("", body))
        tags.update(t.lower() for t in _BODY_TAG.findall(prose) if not t.isdigit())
    linked_to = {target for targets in linked.values() for target in targets}
    orphans = sorted(
        n.relative_to(SAMPLE_VAULT).as_posix()
        for n in notes
        if not linked[n] and n not in linked_to
    )

    stats = vault_stats(load_vault(SAMPLE_VAULT, cache=False).graph)

    assert (stats.notes, stats.attachments) == (len(notes), len(attachments)) == (19, 1)
    assert (stats.links, stats.embeds) == (kinds["link"], kinds["embed"])
    assert stats.tags == len(tags)
    assert stats.unresolved_targets == len(unresolved) == 1
    assert list(stats.orphans) == orphans
    assert list(stats.dead_ends) == sorted(
        n.relative_to(SAMPLE_VAULT).as_posix() for n in notes if not linked[n]
    )


def _sample_note_graph() -> nx.DiGraph:
    notes, attachments = _sample_files()
    graph = nx.DiGraph()
    graph.add_nodes_from(n.relative_to(SAMPLE_VAULT).as_posix() for n in notes)
    for note in notes:
        for _, target in _references(note):
            found = _file_named(target, notes + attachments)
            if found is not None and found != note and found in notes:
                source = note.relative_to(SAMPLE_VAULT).as_posix()
                graph.add_edge(source, found.relative_to(SAMPLE_VAULT).as_posix())
    return graph


def test_sample_vault_in_links_match_a_graph_built_from_its_files() -> None:
    graph = _sample_note_graph()
    stats = vault_stats(load_vault(SAMPLE_VAULT, cache=False).graph, top=len(graph))
    expected = {path: count for path, count in graph.in_degree() if count}
    assert {r.path: r.value for r in stats.top_linked} == expected
    assert [r.value for r in stats.top_linked] == sorted(expected.values(), reverse=True)


def test_sample_vault_pagerank_matches_networkx() -> None:
    import scipy  # noqa: F401  # networkx.pagerank needs it (a test dependency)

    graph = _sample_note_graph()
    expected = nx.pagerank(graph)
    stats = vault_stats(load_vault(SAMPLE_VAULT, cache=False).graph, top=len(graph))
    assert len(stats.top_pagerank) == len(graph)
    for ranked in stats.top_pagerank:
        assert ranked.value == pytest.approx(expected[ranked.path], abs=1e-9)
    values = [r.value for r in stats.top_pagerank]
    assert values == sorted(values, reverse=True)
