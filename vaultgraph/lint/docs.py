"""docs/rules.md from the rules' metadata and docstrings (``python -m vaultgraph.lint.docs``),
and the same text one rule at a time for ``vaultgraph rule``."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from vaultgraph.lint.registry import CODE_GROUPS, RULES
from vaultgraph.lint.rule import Rule
from vaultgraph.mdwrite import code_block

__all__ = [
    "COMMAND",
    "RuleDoc",
    "main",
    "parse_doc",
    "render_rule",
    "render_rule_list",
    "render_rules_doc",
]

COMMAND = "python -m vaultgraph.lint.docs > docs/rules.md"


@dataclass(frozen=True, slots=True)
class RuleDoc:
    explanation: str
    bad: str  # Markdown, dedented
    good: str


def parse_doc(rule: Rule) -> RuleDoc:
    """Split a check's docstring into its explanation and its indented ``Bad:``/``Good:`` blocks.

    Raises ValueError naming the rule when the docstring does not have that shape.
    """
    lines = rule.doc.splitlines()
    try:
        bad_at, good_at = lines.index("Bad:"), lines.index("Good:")
    except ValueError:
        raise ValueError(f"{rule.name}: docstring needs a 'Bad:' and a 'Good:' line") from None
    explanation = "\n".join(lines[:bad_at]).strip()
    if not explanation or not bad_at < good_at:
        raise ValueError(f"{rule.name}: docstring needs an explanation, then Bad:, then Good:")
    return RuleDoc(
        explanation=" ".join(explanation.split()),
        bad=_example(rule, "Bad", lines[bad_at + 1 : good_at]),
        good=_example(rule, "Good", lines[good_at + 1 :]),
    )


def render_rules_doc(rules: Sequence[Rule] = RULES) -> str:
    """The text of docs/rules.md."""
    groups = ", ".join(f"`{prefix}xx` {topic}" for prefix, topic in CODE_GROUPS.items())
    parts = [
        "# Rules",
        f"<!-- Generated from the rules in vaultgraph/lint/rules by `{COMMAND}`; "
        "edit the rules, not this file. -->",
        "Each rule has a stable code and name; either selects or ignores it (`--select`, "
        f"`--ignore`, configuration). Codes are grouped by hundreds: {groups}.",
        _table(rules),
        *(_section(rule, "##") for rule in rules),
    ]
    return "\n\n".join(parts) + "\n"


def render_rule(rule: Rule) -> str:
    """One rule's documentation as Markdown (``vaultgraph rule CODE``): its section of
    docs/rules.md, word for word, under a heading of its own (``#``, not ``##``)."""
    return _section(rule, "#") + "\n"


def render_rule_list(rules: Sequence[Rule] = RULES) -> str:
    """One line a rule (``vaultgraph rule --all``): code, name, ``on`` or ``off`` by default,
    ``[*]`` when ``--fix`` repairs it, summary."""
    width = max((len(rule.name) for rule in rules), default=0)
    return "".join(
        f"{rule.code}  {rule.name:<{width}}  {'on ' if rule.enabled else 'off'}  "
        f"{'[*]' if rule.fixable else '   '}  {rule.summary}\n"
        for rule in rules
    )


def main() -> int:
    sys.stdout.write(render_rules_doc())
    return 0


def _example(rule: Rule, label: str, lines: Sequence[str]) -> str:
    text = "\n".join(lines).strip("\n")
    if not text.strip() or any(line.strip() and not line.startswith("    ") for line in lines):
        raise ValueError(f"{rule.name}: the {label}: example must be a block indented by 4")
    return textwrap.dedent(text)


def _table(rules: Sequence[Rule]) -> str:
    rows = [
        "| Code | Name | Severity | On by default | Fixable | Summary |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        rows.append(
            f"| {rule.code} | [`{rule.name}`](#{_anchor(rule)}) | {rule.severity} "
            f"| {_yes(rule.enabled)} | {_yes(rule.fixable)} | {summary} |"
        )
    return "\n".join(rows)


def _section(rule: Rule, heading: str) -> str:
    doc = parse_doc(rule)
    return "\n\n".join(
        [
            f"{heading} {rule.code} {rule.name}",
            rule.summary,
            f"- Severity: {rule.severity}\n"
            f"- On by default: {_yes(rule.enabled)}\n"
            f"- Fixable with `--fix`: {_yes(rule.fixable)}",
            doc.explanation,
            "Bad:",
            code_block(doc.bad, "markdown"),
            "Good:",
            code_block(doc.good, "markdown"),
        ]
    )


def _anchor(rule: Rule) -> str:
    return f"{rule.code.lower()}-{rule.name}"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


if __name__ == "__main__":
    raise SystemExit(main())
