"""docs/architecture.md's worked example: its rule, run on its vault, reports what the page says."""

from __future__ import annotations

import re
from pathlib import Path

from tests.lint.test_rules import describe
from tests.vaults import write_vault
from vaultgraph.lint.engine import run_rule
from vaultgraph.lint.rule import Rule
from vaultgraph.vault import load_vault

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def _block(language: str) -> str:
    (found,) = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return str(found)


def test_the_worked_example_rule_reports_what_the_page_shows(tmp_path: Path) -> None:
    namespace: dict[str, object] = {}
    exec(compile(_block("python"), str(DOC), "exec"), namespace)
    rule = namespace["RULE"]
    assert isinstance(rule, Rule)
    assert rule.doc.splitlines()[0].startswith("A link or embed that names the note")
    vault = load_vault(
        write_vault(tmp_path, {"Docker.md": "# Docker\nSee [[Docker]] and [[#Docker]].\n"}),
        cache=False,
    )
    found = [line for finding in run_rule(rule, vault) for line in describe(finding)]
    assert found == _block("text").strip().splitlines()
