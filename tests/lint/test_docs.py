"""docs/rules.md is built from the rules, and says what they say."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from vaultgraph.lint.docs import (
    COMMAND,
    parse_doc,
    render_rule,
    render_rule_list,
    render_rules_doc,
)
from vaultgraph.lint.finding import Finding
from vaultgraph.lint.registry import RULES
from vaultgraph.lint.rule import Rule, VaultCheck
from vaultgraph.lint.rules import broken_link
from vaultgraph.vault import Vault

RULES_DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_matches_the_rules() -> None:
    assert RULES_DOC.read_text(encoding="utf-8") == render_rules_doc(), (
        f"docs/rules.md is out of date: run `{COMMAND}`"
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_each_rule_is_documented_with_its_metadata_and_examples(rule: Rule) -> None:
    doc = parse_doc(rule)
    text = render_rules_doc()
    section = text.split(f"## {rule.code} {rule.name}\n", 1)[1].split("\n## ", 1)[0]
    assert rule.summary in section
    assert f"- Severity: {rule.severity}" in section
    assert f"- On by default: {'yes' if rule.enabled else 'no'}" in section
    assert f"```markdown\n{doc.bad}\n```" in section
    assert f"```markdown\n{doc.good}\n```" in section
    assert doc.bad != doc.good


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_one_rules_text_is_its_section_of_the_rules_doc(rule: Rule) -> None:
    heading, _, body = render_rule(rule).partition("\n")
    assert heading == f"# {rule.code} {rule.name}"
    section = render_rules_doc().split(f"\n## {rule.code} {rule.name}\n", 1)[1]
    assert body == section.split("\n## ", 1)[0]


def test_the_rule_list_has_one_line_a_rule_with_its_state_and_fix_marker() -> None:
    lines = render_rule_list().splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES, strict=True):
        code, name, state, *rest = line.split()
        assert (code, name, state) == (rule.code, rule.name, "on" if rule.enabled else "off")
        assert line.endswith(f"  {rule.summary}")
        assert (rest[0] == "[*]") == rule.fixable
    assert len({line.index(rule.summary) for line, rule in zip(lines, RULES, strict=True)}) == 1


def test_a_changed_summary_shows_in_the_docs() -> None:
    changed = replace(broken_link.RULE, summary="Something else entirely.")
    assert "Something else entirely." in render_rules_doc([changed])
    assert "Something else entirely." not in render_rules_doc()


def check_without_examples(vault: Vault) -> list[Finding]:
    """Only an explanation."""
    return []


def check_with_unindented_example(vault: Vault) -> list[Finding]:
    """An explanation.

    Bad:

    [[x]]

    Good:

        [[y]]
    """
    return []


@pytest.mark.parametrize("check", [check_without_examples, check_with_unindented_example])
def test_a_docstring_without_indented_bad_and_good_examples_is_refused(
    check: VaultCheck,
) -> None:
    rule = replace(broken_link.RULE, name="made-up", check_note=None, check_vault=check)
    with pytest.raises(ValueError, match="made-up"):
        parse_doc(rule)


def test_examples_are_fenced_longer_than_their_own_backticks() -> None:
    def check(vault: Vault) -> list[Finding]:
        """Code in an example.

        Bad:

            ```
            [[x]]
            ```

        Good:

            [[x]]
        """
        return []

    rule = replace(broken_link.RULE, check_note=None, check_vault=check)
    assert "````markdown\n```\n[[x]]\n```\n````" in render_rules_doc([rule])
