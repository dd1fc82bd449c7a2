"""The registry: every rule once, in code order, found by name, code, prefix or ALL."""

from __future__ import annotations

import re

import pytest

from vaultgraph.lint.config import SelectorError, expand_selector
from vaultgraph.lint.finding import Severity
from vaultgraph.lint.registry import CODE_GROUPS, RULES, rule_by_name_or_code

NAMES = {
    "broken-link": ("VG101", Severity.ERROR, True),
    "broken-embed": ("VG102", Severity.ERROR, True),
    "broken-heading": ("VG103", Severity.ERROR, True),
    "broken-block": ("VG104", Severity.ERROR, True),
    "ambiguous-link": ("VG105", Severity.WARNING, True),
    "empty-bullet": ("VG201", Severity.ERROR, True),
    "duplicate-block-id": ("VG202", Severity.ERROR, True),
    "table-pipe": ("VG203", Severity.WARNING, True),
    "unquoted-property-link": ("VG204", Severity.WARNING, True),
    "invalid-frontmatter": ("VG301", Severity.ERROR, True),
    "unreadable-note": ("VG302", Severity.WARNING, True),
    "invalid-canvas": ("VG303", Severity.WARNING, True),
    "orphan-note": ("VG401", Severity.ERROR, False),
    "unused-attachment": ("VG402", Severity.WARNING, False),
}


def test_the_public_contract_of_names_codes_and_defaults() -> None:
    assert {rule.name: (rule.code, rule.severity, rule.enabled) for rule in RULES} == NAMES


def test_rules_are_in_code_order_with_well_formed_metadata() -> None:
    assert [rule.code for rule in RULES] == sorted(rule.code for rule in RULES)
    for rule in RULES:
        assert re.fullmatch(r"VG[1-9]\d\d", rule.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
        assert rule.code[:3] in CODE_GROUPS
        assert rule.summary.endswith(".")
        assert "\n" not in rule.summary


def test_fixable_rules() -> None:
    assert {r.name for r in RULES if r.fixable} == {
        "broken-link",
        "empty-bullet",
        "table-pipe",
        "unquoted-property-link",
    }


@pytest.mark.parametrize("key", ["broken-link", "Broken-Link", "VG101", "vg101", " VG101 "])
def test_rule_by_name_or_code(key: str) -> None:
    rule = rule_by_name_or_code(key)
    assert rule is not None
    assert rule.name == "broken-link"


@pytest.mark.parametrize("key", ["VG1", "broken_link", "broken", "", "ALL"])
def test_rule_by_name_or_code_takes_only_a_whole_name_or_code(key: str) -> None:
    assert rule_by_name_or_code(key) is None


@pytest.mark.parametrize(
    ("selector", "names"),
    [
        ("ALL", [rule.name for rule in RULES]),
        ("all", [rule.name for rule in RULES]),
        ("VG", [rule.name for rule in RULES]),
        ("table-pipe", ["table-pipe"]),
        ("VG203", ["table-pipe"]),
        ("VG3", ["invalid-frontmatter", "unreadable-note", "invalid-canvas"]),
        (
            "vg10",
            ["broken-link", "broken-embed", "broken-heading", "broken-block", "ambiguous-link"],
        ),
        (" Table-Pipe ", ["table-pipe"]),
    ],
)
def test_a_selector_names_rules_in_registry_order(selector: str, names: list[str]) -> None:
    assert [rule.name for rule in expand_selector(selector, RULES)] == names


@pytest.mark.parametrize("selector", ["VG9", "V", "broken", "VG1x"])
def test_a_selector_that_names_no_rule_is_an_error(selector: str) -> None:
    with pytest.raises(SelectorError, match="unknown rule"):
        expand_selector(selector, RULES)
