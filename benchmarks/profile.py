"""Where one cold check spends its time, stage by stage: ``python -m benchmarks.profile VAULT``.

Runs each stage of ``vaultgraph check`` once, in this process and without cache or workers, timed
by the clock; then parses every note again under cProfile to split parsing between markdown-it's
block and inline passes, the frontmatter's YAML and vaultgraph's own walk over the tokens. The
profiler slows call-heavy code most, so its split is a guide to shares, not a measurement.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

from vaultgraph.files import ReadFailure, read_text, scan_vault
from vaultgraph.lint import formats
from vaultgraph.lint.config import load_config
from vaultgraph.lint.engine import run_rule
from vaultgraph.lint.finding import Finding
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.runner import check_vault, select_rules
from vaultgraph.markdown import parser
from vaultgraph.model import Note
from vaultgraph.parse import parse_note
from vaultgraph.resolve import resolve_all
from vaultgraph.vault import Vault

_T = TypeVar("_T")
# (file name ending, function name) of what the parse split reports, cumulative time each.
_PARTS = {
    "markdown-it block pass": ("markdown_it/parser_block.py", "parse"),
    "markdown-it inline pass": ("markdown_it/parser_inline.py", "parse"),
    "markdown-it in all": ("markdown_it/main.py", "parse"),
    "frontmatter (YAML)": ("vaultgraph/properties.py", "read_properties"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    args.add_argument("vault", type=Path)
    args.add_argument("--top", type=int, default=0, help="also list the N costliest functions")
    args.add_argument("-o", "--output", type=Path, help="keep the parse profile (pstats file)")
    options = args.parse_args(argv)
    stages: list[tuple[str, float]] = []

    def timed(name: str, work: Callable[[], _T]) -> _T:
        start = time.perf_counter()
        result = work()
        stages.append((name, time.perf_counter() - start))
        return result

    root: Path = options.vault
    files = timed("scan the folder", lambda: scan_vault(root))
    texts = timed("read and decode notes", lambda: {p: read_text(root, p) for p in files.notes})
    readable = {p: t for p, t in texts.items() if not isinstance(t, ReadFailure)}
    md = parser()
    timed("  markdown-it alone (tokens only)", lambda: [md.parse(t) for t in readable.values()])
    notes = timed("parse notes (parse_note)", lambda: _parse(readable))
    every = [*files.notes, *files.attachments]
    links = timed("resolve links", lambda: resolve_all(notes, every))
    unreadable = {p: t.reason for p, t in texts.items() if isinstance(t, ReadFailure)}
    vault = Vault(root, notes, files.attachments, unreadable, links, files.skipped)
    timed("build the graph (not needed by check)", lambda: vault.graph)
    config = load_config(root)
    run = timed("run the rules", lambda: check_vault(vault, config))
    for rule in select_rules(config):
        timed(f"  {rule.name}", partial(_findings, rule, vault))
    base, prefix = formats.locate(root, Path.cwd())
    report = formats.Report(run.findings, run.rules, len(run.checked), base, prefix)
    timed("format the findings (text)", lambda: formats.render("text", report))
    total = sum(seconds for name, seconds in stages if not name.startswith(" "))
    size = sum(len(t.encode("utf-8")) for t in readable.values())
    print(f"{len(notes)} notes, {size / 1e6:.1f} MB of text, {len(links)} links")
    print(f"{'stage':<36} {'seconds':>8} {'share':>6}")
    for name, seconds in stages:
        print(f"{name:<36} {seconds:>8.2f} {100 * seconds / total:>5.0f}%")
    print(f"{'total':<36} {total:>8.2f}")
    print(f"markdown-it alone: {size / 1e6 / stages[2][1]:.1f} MB/s on one core")
    print("(indented: part of the stage above, timed again on its own)")
    _profile_parse(readable, options.output, options.top)
    return 0


def _findings(rule: Rule, vault: Vault) -> list[Finding]:
    # A fresh "did you mean" index, as if this rule ran alone: in a check the first rule that
    # needs it (broken-link) builds it and the next (broken-embed) reuses it.
    return run_rule(rule, vault)


def _parse(texts: dict[str, str]) -> dict[str, Note]:
    return {path: parse_note(path, text) for path, text in texts.items()}


def _profile_parse(texts: dict[str, str], output: Path | None, top: int) -> None:
    profile = cProfile.Profile()
    profile.runcall(_parse, texts)
    stats = pstats.Stats(profile)
    cumulative: dict[tuple[str, str], float] = {}
    for (file, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        key = (file.replace("\\", "/"), function)
        cumulative[key] = cumulative.get(key, 0.0) + row[3]
    whole = _cumulative(cumulative, ("vaultgraph/parse.py", "parse_note"))
    print(f"\nparse_note under cProfile: {whole:.1f} s; shares of it:")
    parts = {name: _cumulative(cumulative, key) for name, key in _PARTS.items()}
    walk = whole - parts["markdown-it in all"] - parts["frontmatter (YAML)"]
    for name, seconds in [*parts.items(), ("vaultgraph's walk over the tokens", walk)]:
        print(f"  {name:<36} {100 * seconds / whole:>5.0f}%")
    if output is not None:
        stats.dump_stats(output)
    if top:
        stats.sort_stats("tottime").print_stats(top)


def _cumulative(table: dict[tuple[str, str], float], key: tuple[str, str]) -> float:
    ending, function = key
    return sum(
        seconds
        for (file, name), seconds in table.items()
        if file.endswith(ending) and name == function
    )


if __name__ == "__main__":
    sys.exit(main())
