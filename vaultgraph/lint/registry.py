"""Every rule, in code order, and lookups by name, code, code prefix or ``ALL``."""

from __future__ import annotations

from collections.abc import Mapping

from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules import (
    ambiguous_link,
    broken_block,
    broken_embed,
    broken_heading,
    broken_link,
    duplicate_block_id,
    empty_bullet,
    invalid_canvas,
    invalid_frontmatter,
    orphan_note,
    table_pipe,
    unquoted_property_link,
    unreadable_note,
    unused_attachment,
)

__all__ = ["CODE_GROUPS", "RULES", "rule_by_name_or_code"]

RULES: tuple[Rule, ...] = (
    broken_link.RULE,
    broken_embed.RULE,
    broken_heading.RULE,
    broken_block.RULE,
    ambiguous_link.RULE,
    empty_bullet.RULE,
    duplicate_block_id.RULE,
    table_pipe.RULE,
    unquoted_property_link.RULE,
    invalid_frontmatter.RULE,
    unreadable_note.RULE,
    invalid_canvas.RULE,
    orphan_note.RULE,
    unused_attachment.RULE,
)

# What each hundred of codes is for; a new rule takes the next free code of its group.
CODE_GROUPS: Mapping[str, str] = {
    "VG1": "links and embeds",
    "VG2": "the structure inside a note",
    "VG3": "files and frontmatter",
    "VG4": "the vault graph",
}

_BY_KEY: Mapping[str, Rule] = {
    **{rule.name: rule for rule in RULES},
    **{rule.code: rule for rule in RULES},
}


def rule_by_name_or_code(key: str) -> Rule | None:
    """The rule named ``key`` (``broken-link``) or coded ``key`` (``VG101``, any case)."""
    return _BY_KEY.get(key.strip().lower()) or _BY_KEY.get(key.strip().upper())
