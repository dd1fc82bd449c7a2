"""The synthetic vault generator writes what it claims, and the benchmark runs end to end."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import bench
from benchmarks.synth import (
    BROKEN_LINK_RATE,
    BROKEN_SUBPATH_RATE,
    MAX_BYTES,
    MIN_BYTES,
    MISSING_ATTACHMENT_RATE,
    Expected,
    generate,
    main,
    plan_vault,
)
from vaultgraph.model import LinkKind, LinkSyntax
from vaultgraph.resolve import Rule
from vaultgraph.vault import Vault, load_vault

REPO = Path(__file__).resolve().parent.parent
NOTES = 300


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    root = tmp_path_factory.mktemp("synth")
    generate(root, notes=NOTES, seed=7)
    return load_vault(root)


def test_the_same_arguments_write_the_same_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", notes=40, seed=3)
    generate(tmp_path / "b", notes=40, seed=3)
    generate(tmp_path / "c", notes=40, seed=4)
    first = _files(tmp_path / "a")
    assert first == _files(tmp_path / "b")
    assert first != _files(tmp_path / "c")


def test_the_command_line_writes_the_same_vault_whatever_the_hash_seed(tmp_path: Path) -> None:
    generate(tmp_path / "here", notes=30, seed=1)
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "benchmarks.synth", str(tmp_path / "there")]
    done = subprocess.run(
        [*command, "--notes", "30", "--seed", "1"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "wrote 30 notes" in done.stdout
    assert _files(tmp_path / "here") == _files(tmp_path / "there")


def test_the_command_line_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.md").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit) as leave:
        main([str(tmp_path), "--notes", "3"])
    assert leave.value.code == 2
    assert _files(tmp_path) == {"keep.md": b"mine"}


def test_notes_are_3_to_6_kb_in_nested_folders(synthetic: Vault) -> None:
    sizes = [(synthetic.root / path).stat().st_size for path in synthetic.notes]
    assert len(sizes) == NOTES
    assert min(sizes) >= MIN_BYTES
    assert max(sizes) <= MAX_BYTES
    assert 4000 < statistics.mean(sizes) < 5500
    depths = Counter(path.count("/") for path in synthetic.notes)
    assert depths[0] > 0
    assert max(depths) >= 3
    assert synthetic.attachments
    assert synthetic.unreadable == {}


def test_vaultgraph_reads_exactly_what_each_note_claims(synthetic: Vault) -> None:
    """Links, embeds, tags and empty bullets: none from code blocks, code spans or comments."""
    by_source: dict[str, list[bool | None]] = {}
    unresolved: Counter[str] = Counter()
    bad_subpaths: Counter[str] = Counter()
    for resolved in synthetic.links:
        unresolved[resolved.source] += resolved.resolved is None
        bad_subpaths[resolved.source] += resolved.subpath_exists is False
        by_source.setdefault(resolved.source, []).append(resolved.subpath_exists)
    plan = plan_vault(notes=NOTES, seed=7)
    for synth in plan.notes():
        note = synthetic.notes[synth.path]
        found = Expected(
            links=len(note.links),
            embeds=sum(link.kind is LinkKind.EMBED for link in note.links),
            unresolved=unresolved[synth.path],
            bad_subpaths=bad_subpaths[synth.path],
            tags=len(note.tags),
            empty_bullets=sum(item.empty for item in note.list_items),
        )
        assert found == synth.expected, synth.path
        assert note.problems == ()


def test_code_blocks_and_comments_hold_links_and_tags_that_do_not_count(
    synthetic: Vault,
) -> None:
    texts = [(synthetic.root / path).read_text(encoding="utf-8") for path in synthetic.notes]
    assert sum("```" in text for text in texts) > NOTES // 5
    assert sum("Not A Link" in text for text in texts) > NOTES // 10
    assert sum("%% [[" in text or "<!-- [[" in text for text in texts) > 5
    links = [link for note in synthetic.notes.values() for link in note.links]
    assert not any("Not A Link" in (link.target, link.display) for link in links)
    tags = {tag.name for note in synthetic.notes.values() for tag in note.tags}
    assert "not-a-tag" not in tags
    assert not any(name.isdigit() for name in tags)  # "issue #42" is not a tag


def test_every_kind_of_reference_is_there(synthetic: Vault) -> None:
    links = [resolved.link for resolved in synthetic.links]
    kinds = Counter((link.kind, link.syntax) for link in links)
    for kind in (LinkKind.LINK, LinkKind.EMBED):
        for syntax in (LinkSyntax.WIKI, LinkSyntax.MARKDOWN):
            assert kinds[kind, syntax] > 0, (kind, syntax)
    assert kinds[LinkKind.LINK, LinkSyntax.PROPERTY] > 0
    rules = Counter(resolved.rule for resolved in synthetic.links)
    for rule in (Rule.EXACT_PATH, Rule.SHORTEST_PATH, Rule.RELATIVE, Rule.SELF, Rule.UNRESOLVED):
        assert rules[rule] > 0, rule
    assert any(link.display for link in links if link.syntax is LinkSyntax.WIKI)
    assert any("%20" in link.raw for link in links if link.syntax is LinkSyntax.MARKDOWN)
    assert any("/" in link.target for link in links if link.syntax is LinkSyntax.WIKI)
    assert any(link.is_block_ref for link in links)
    assert any(link.subpath and "#" in link.subpath for link in links)  # a heading in a heading
    assert any(link.in_table for link in links)
    headings = {h.level for note in synthetic.notes.values() for h in note.headings}
    assert {1, 2, 3} <= headings
    tags = [tag for note in synthetic.notes.values() for tag in note.tags]
    assert any(tag.in_frontmatter for tag in tags)
    assert any(not tag.in_frontmatter for tag in tags)
    assert any(tag.name.count("/") >= 2 for tag in tags)
    assert any(note.aliases for note in synthetic.notes.values())
    assert any(item.empty for note in synthetic.notes.values() for item in note.list_items)


def test_links_break_at_about_the_intended_rates(synthetic: Vault) -> None:
    to_notes = [
        r
        for r in synthetic.links
        if r.link.kind is LinkKind.LINK and not r.link.target.endswith((".png", ".pdf"))
    ]
    broken = sum(r.resolved is None for r in to_notes) / len(to_notes)
    assert BROKEN_LINK_RATE / 2 < broken < BROKEN_LINK_RATE * 2
    files = [r for r in synthetic.links if r.link.target.endswith((".png", ".pdf"))]
    missing = sum(r.resolved is None for r in files) / len(files)
    assert MISSING_ATTACHMENT_RATE / 2 < missing < MISSING_ATTACHMENT_RATE * 2
    with_subpath = [r for r in to_notes if r.subpath_exists is not None and r.link.target]
    bad = sum(r.subpath_exists is False for r in with_subpath) / len(with_subpath)
    assert BROKEN_SUBPATH_RATE / 2 < bad < BROKEN_SUBPATH_RATE * 2


def test_link_counts_follow_a_power_law(synthetic: Vault) -> None:
    incoming = Counter(r.resolved for r in synthetic.links if r.resolved in synthetic.notes)
    into = sorted((incoming[path] for path in synthetic.notes), reverse=True)
    assert into[0] > 20 * max(1, statistics.median(into))
    out = sorted(len(note.links) for note in synthetic.notes.values())
    assert out[-1] > 4 * statistics.median(out)


def test_the_benchmark_measures_every_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(tmp_path / "vault", notes=12, seed=0)
    before = _files(tmp_path / "vault")
    code = bench.main(["--vault", str(tmp_path / "vault"), "--runs", "1", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    names = [row["name"] for row in report["scenarios"]]
    assert names[0] == "floor"
    assert report["scenarios"][0]["ratio_to_floor"] == 1.0
    assert {"check, cold (empty cache)", "check, warm", "export json, warm"} <= set(names)
    assert "check, warm, one note touched" in names
    assert ("check --no-cache" in names) == report["no_cache_flag"]
    assert all(row["median_s"] > 0 and row["peak_mb"] > 0 for row in report["scenarios"])
    assert report["vault"]["notes"] == 12
    assert report["vault"]["findings"] > 0
    assert _files(tmp_path / "vault") == before  # the benchmark wrote to a copy


def test_the_benchmark_runs_only_the_scenarios_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(tmp_path / "vault", notes=3, seed=0)
    code = bench.main(["--vault", str(tmp_path / "vault"), "--runs", "1", "--only", "startup"])
    assert code == 0
    table = capsys.readouterr().out
    assert "\nfloor " in table
    assert "\nstartup " in table
    assert "check" not in table.split("\n\n", 1)[1]
