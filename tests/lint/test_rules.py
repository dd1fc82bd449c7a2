"""Every rule against its fixture vaults (tests/fixtures/rules/<rule>/<case>/), by one test."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultgraph.lint.engine import run_rule
from vaultgraph.lint.finding import Edit, Finding
from vaultgraph.lint.registry import RULES, rule_by_name_or_code
from vaultgraph.lint.rule import Rule
from vaultgraph.vault import load_vault

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures" / "rules"
SAMPLE_VAULT = TESTS.parent / "sample_vault"


def describe(finding: Finding) -> list[str]:
    """A finding as ``expected.txt`` writes it: ``path:line:col: CODE message``, then its fix."""
    lines = [f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"]
    if finding.fix is not None:
        lines.append("  fix: " + describe_edit(finding.fix))
    return lines


def describe_edit(edit: Edit) -> str:
    if edit.delete_line:
        return f"delete line {edit.line}"
    return f'replace {edit.line}:{edit.column}-{edit.end_column} with "{edit.replacement}"'


def expected(case: Path) -> list[str]:
    """The case's expected.txt without blank lines and ``#`` comments."""
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def known_failure(case: Path) -> str | None:
    """The reason given by a ``# xfail: reason`` line: a known false positive whose cause lies
    outside the rule. Strict, so the case fails once the cause is fixed and the line must go."""
    for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# xfail:"):
            return line.removeprefix("# xfail:").strip()
    return None


def param(case: Path) -> object:
    reason = known_failure(case)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=f"{case.parent.name}/{case.name}", marks=marks)


CASES = sorted(case for case in FIXTURES.glob("*/*") if case.is_dir())


@pytest.mark.parametrize("case", [param(case) for case in CASES])
def test_rule_case(case: Path) -> None:
    rule = rule_by_name_or_code(case.parent.name)
    assert rule is not None, f"{case.parent.name} is not a rule name"
    vault = load_vault(case / "vault")
    found = [line for finding in run_rule(rule, vault) for line in describe(finding)]
    assert found == expected(case)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_rule_has_a_bad_and_a_good_case(rule: Rule) -> None:
    folder = FIXTURES / rule.name
    outcomes = {
        bool(expected(case))
        for case in folder.iterdir()
        if case.is_dir() and known_failure(case) is None
    }
    assert outcomes == {True, False}, f"{rule.name} needs a case with findings and one without"


def test_fixture_folders_are_rule_names() -> None:
    assert {path.name for path in FIXTURES.iterdir()} == {rule.name for rule in RULES}


def test_sample_vault_reports_exactly_its_two_seed_defects() -> None:
    vault = load_vault(SAMPLE_VAULT)
    found = sorted(finding for rule in RULES if rule.enabled for finding in run_rule(rule, vault))
    assert [(f.path, f.line, f.column, f.rule) for f in found] == [
        ("AWS Containers.md", 22, 1, "empty-bullet"),
        ("AWS Containers.md", 23, 1, "broken-embed"),
    ]
