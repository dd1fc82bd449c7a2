"""``vaultgraph rule``: a rule's documentation, the text docs/rules.md has for it."""

from __future__ import annotations

import click

from vaultgraph.lint.docs import render_rule, render_rule_list
from vaultgraph.lint.registry import RULES, rule_by_name_or_code
from vaultgraph.lint.suggest import closest
from vaultgraph.terminal import visible_lines

__all__ = ["rule_command"]


@click.command("rule")
@click.argument("key", metavar="CODE|NAME", required=False)
@click.option("--all", "every_rule", is_flag=True, help="List every rule, one a line.")
def rule_command(key: str | None, every_rule: bool) -> None:
    """Explain a rule: what it finds and why, its severity, whether --fix repairs it, and a bad
    and a good example.

    CODE|NAME is a code (VG101) or a name (broken-link), in any case. --all lists every rule:
    code, name, on or off by default, [*] when --fix repairs it, and its summary.
    """
    if every_rule == (key is not None):
        raise click.UsageError("give a rule's code or name, or --all (not both)")
    if key is None:
        text = render_rule_list(RULES)
    else:
        found = rule_by_name_or_code(key)
        if found is None:
            raise click.UsageError(_unknown(key))
        text = render_rule(found)
    click.echo(visible_lines(text.splitlines()), nl=False)


def _unknown(key: str) -> str:
    near = set(closest(key, [word for rule in RULES for word in (rule.code, rule.name)]))
    # In code order: a few names all within a typo of KEY read best as the rules list them.
    shown = " or ".join(
        f"'{rule.name}' ({rule.code})" for rule in RULES if {rule.code, rule.name} & near
    )
    hint = f" (did you mean {shown}?)" if shown else ""
    return f"unknown rule '{key}'{hint}; `vaultgraph rule --all` lists every rule"
