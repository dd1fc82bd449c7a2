"""The synthetic vault generator writes what it claims, and the benchmark runs end to end."""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import bench, move
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
from vaultgraph.resolve import Resolution
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
    for rule in (
        Resolution.EXACT_PATH,
        Resolution.SHORTEST_PATH,
        Resolution.RELATIVE,
        Resolution.SELF,
        Resolution.UNRESOLVED,
    ):
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
    assert {"check, cold (empty cache)", "check, warm", "check, warm, json"} <= set(names)
    assert "export json, warm" in names
    assert "check, warm, one note touched" in names
    assert ("check --no-cache" in names) == report["no_cache_flag"]
    assert all(row["median_s"] > 0 and row["peak_mb"] > 0 for row in report["scenarios"])
    rows = {row["name"]: row for row in report["scenarios"]}
    yardstick = rows["markdown-it-py alone"]
    assert "12 notes" in yardstick["command"]
    assert yardstick["baseline"] is None
    ratios = {name for name, row in rows.items() if row["ratio_to_markdown_it"] is not None}
    assert ratios == ({"check --no-cache"} if report["no_cache_flag"] else set())
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


def test_check_no_cache_is_measured_against_markdown_it_py_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(tmp_path / "vault", notes=12, seed=0)
    vault = str(tmp_path / "vault")
    code = bench.main(["--vault", vault, "--runs", "1", "--only", "no-cache", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["no_cache_flag"]
    rows = {row["name"]: row for row in report["scenarios"]}
    assert list(rows) == ["floor", "markdown-it-py alone", "check --no-cache"]
    check, yardstick = rows["check --no-cache"], rows["markdown-it-py alone"]
    # Computed from the unrounded medians: equal up to the reported digits.
    to_markdown_it = check["median_s"] / yardstick["median_s"]
    assert check["ratio_to_markdown_it"] == pytest.approx(to_markdown_it, rel=0.01)
    code = bench.main(["--vault", vault, "--runs", "1", "--only", "no-cache"])
    assert code == 0
    table = capsys.readouterr().out
    assert re.search(r"\nmarkdown-it-py alone +\d+\.\d\d ", table)
    assert re.search(r"\n\ncheck --no-cache / markdown-it-py alone: \d+\.\d\d$", table)


def test_the_markdown_it_process_parses_every_note_it_is_given(tmp_path: Path) -> None:
    # A note that markdown-it-py cannot be given (no such file) fails the run: it read the list.
    (tmp_path / "notes.json").write_text(json.dumps([str(tmp_path), ["missing.md"]]))
    version = bench._version("this", REPO, tmp_path / "cache")
    with pytest.raises(bench.BenchmarkError, match="No such file"):
        bench._run(("--markdown-it", str(tmp_path / "notes.json")), (0,), version, tmp_path)
    (tmp_path / "here.md").write_text("# A note\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    (tmp_path / "notes.json").write_text(json.dumps([str(tmp_path), ["here.md"]]))
    sample = bench._run(("--markdown-it", str(tmp_path / "notes.json")), (0,), version, tmp_path)
    assert sample.seconds > 0


def test_the_baseline_has_its_own_ratio_to_markdown_it_py(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(tmp_path / "vault", notes=6, seed=0)
    base = _baseline_copy(tmp_path / "base")
    vault = str(tmp_path / "vault")
    only = ["--only", "no-cache", "--baseline", str(base)]
    code = bench.main(["--vault", vault, "--runs", "1", *only, "--json"])
    assert code == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)["scenarios"]}
    alone = rows["markdown-it-py alone"]["median_s"]
    check = rows["check --no-cache"]
    for row in (check, check["baseline"]):
        assert row["ratio_to_markdown_it"] == pytest.approx(row["median_s"] / alone, rel=0.01)


def test_the_table_gives_both_ratios_to_markdown_it_py() -> None:
    def row(
        name: str, median: float, ratio: float | None = None, baseline: bench.Summary | None = None
    ) -> bench.Summary:
        return bench.Summary(
            name, name, median, median, median, 1.0, 1.0, "main",
            baseline=baseline, ratio_to_markdown_it=ratio,
        )  # fmt: skip

    base = row("check --no-cache", 9.0, 0.9)
    rows = [row("markdown-it-py alone", 10.0), row("check --no-cache", 6.0, 0.6, base)]
    assert bench._ratio_lines(rows) == [
        "",
        "check --no-cache / markdown-it-py alone: 0.60 (baseline 0.90)",
    ]
    assert bench._ratio_lines(rows[:1]) == []


def _baseline_copy(root: Path) -> Path:
    """A checkout holding a copy of this vaultgraph that says, in its version, that it is one."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "vaultgraph", root / "vaultgraph", ignore=ignore)
    init = root / "vaultgraph" / "__init__.py"
    text = init.read_text(encoding="utf-8")
    marked = re.sub(r'^__version__ = "([^"]+)"$', r'__version__ = "\1+baseline"', text, flags=re.M)
    assert marked != text
    init.write_text(marked, encoding="utf-8")
    return root


def test_the_benchmark_compares_with_a_baseline_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(tmp_path / "vault", notes=12, seed=0)
    base = _baseline_copy(tmp_path / "base")
    vault = str(tmp_path / "vault")
    only = ["--only", "startup,touched"]
    code = bench.main(["--vault", vault, "--runs", "1", *only, "--baseline", str(base), "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["baseline"]["version"].endswith("+baseline")  # the copy, not this vaultgraph
    assert report["baseline"]["source"] == str(base.resolve())
    assert report["baseline"]["commit"] == ""  # tmp_path is no git checkout
    assert not report["vaultgraph"]["version"].endswith("+baseline")
    assert report["vaultgraph"]["source"] == str(REPO)
    assert report["baseline"]["findings"] > 0
    assert report["vaultgraph"]["findings"] > 0
    floor, *rows = report["scenarios"]
    assert floor["name"] == "floor"
    assert floor["baseline"] is None  # one floor serves both versions
    assert [row["name"] for row in rows] == ["startup", "check, warm, one note touched"]
    for row in rows:
        theirs = row["baseline"]
        assert len(row["samples"]) == len(theirs["samples"]) == 1
        assert theirs["median_s"] > 0
        # Computed from the unrounded medians: equal up to the reported digits.
        to_floor = theirs["median_s"] / floor["median_s"]
        assert theirs["ratio_to_floor"] == pytest.approx(to_floor, rel=0.01)
        to_baseline = row["median_s"] / theirs["median_s"]
        assert row["ratio_to_baseline"] == pytest.approx(to_baseline, rel=0.01)


def test_the_benchmark_table_shows_both_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(tmp_path / "vault", notes=3, seed=0)
    base = _baseline_copy(tmp_path / "base")
    vault = str(tmp_path / "vault")
    code = bench.main(
        ["--vault", vault, "--runs", "1", "--only", "startup", "--baseline", str(base)]
    )
    assert code == 0
    table = capsys.readouterr().out
    copy = re.escape(str(base.resolve()))
    assert re.search(rf"\nbaseline: vaultgraph \S+\+baseline from {copy};", table)
    assert re.search(rf"\nthis: vaultgraph \S+ from {re.escape(str(REPO))}[,;]", table)
    startup = next(line for line in table.splitlines() if line.startswith("startup "))
    assert len(re.findall(r"\d+\.\d\d \(\d+\.\d\d-\d+\.\d\d\)", startup)) == 2


def test_a_baseline_run_that_imports_another_vaultgraph_fails(tmp_path: Path) -> None:
    # The environment puts this repository first on the import path, the version claims the copy.
    base = _baseline_copy(tmp_path / "base")
    cache = tmp_path / "cache"
    version = bench.Version("baseline", base, cache, bench._environment(cache, REPO))
    came_from = re.escape(str(REPO / "vaultgraph"))
    with pytest.raises(bench.BenchmarkError, match=rf"imported vaultgraph from {came_from}, not "):
        bench._run(("--version",), (0,), version, tmp_path)


def test_the_benchmark_refuses_a_baseline_without_a_vaultgraph_package(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as leave:
        bench.main(["--vault", str(tmp_path), "--baseline", str(tmp_path)])
    assert leave.value.code == 2


def test_the_map_benchmark_measures_every_target() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.map_open", "--notes", "120", "--runs", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "all 120 notes on the page" in out
    median = re.search(
        r"median: ready ([\d.]+) s; frame after zoom (\d+) ms, after pan (\d+) ms; "
        r"focus hub (\d+) ms",
        out,
    )
    assert median is not None, out
    assert 0 < float(median[1]) < 60


def test_the_move_benchmark_puts_the_vault_back_byte_for_byte(tmp_path: Path) -> None:
    generate(tmp_path, notes=NOTES)
    before = _files(tmp_path)
    vault = load_vault(tmp_path)
    hub = Counter(link.resolved for link in vault.links if link.resolved).most_common(1)[0][0]
    assert hub is not None
    _, plan = move._timed_move(tmp_path, hub, "moved/" + Path(hub).name)
    assert plan.edits, "the most linked-to note's move rewrites links"
    assert _files(tmp_path) != before
    move._put_back(tmp_path, plan)
    assert _files(tmp_path) == before
    assert not (tmp_path / "moved").exists()


def test_the_move_benchmark_times_every_move(capsys: pytest.CaptureFixture[str]) -> None:
    assert move.main(["--notes", str(NOTES), "--runs", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["note", "hub", "folder", "hub"]
    for line in lines:
        rewritten = re.search(
            r": ([0-9/]+) links rewritten in ([0-9/]+) files; median [0-9.]+ s", line
        )
        assert rewritten, line
        # Both runs started from the same vault, so both rewrote as many links in as many files.
        assert "/" not in rewritten.group(1) + rewritten.group(2), line
        assert int(rewritten.group(2)) <= int(rewritten.group(1)), line
    assert int(re.findall(r": (\d+) links", lines[1])[0]) > 0
