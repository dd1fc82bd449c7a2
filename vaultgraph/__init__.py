"""vaultgraph: read an Obsidian vault the way Obsidian does, into a networkx graph."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from vaultgraph.files import find_vault_root
    from vaultgraph.lint.check import CheckResult, check
    from vaultgraph.model import (
        BlockId,
        Comment,
        Heading,
        Link,
        LinkKind,
        LinkSyntax,
        ListItem,
        Note,
        Problem,
        Tag,
    )
    from vaultgraph.parse import parse_note
    from vaultgraph.resolve import ResolvedLink
    from vaultgraph.vault import Vault, VaultError, load_vault

# Where each public name lives. They are imported on first use (PEP 562): a warm `vaultgraph
# check` answers from its cache in a fraction of a second, and importing the parser and networkx
# up front would take longer than that on its own.
_HOMES = {
    **dict.fromkeys(("CheckResult", "check"), "vaultgraph.lint.check"),
    **dict.fromkeys(
        (
            "BlockId",
            "Comment",
            "Heading",
            "Link",
            "LinkKind",
            "LinkSyntax",
            "ListItem",
            "Note",
            "Problem",
            "Tag",
        ),
        "vaultgraph.model",
    ),
    "find_vault_root": "vaultgraph.files",
    "parse_note": "vaultgraph.parse",
    "ResolvedLink": "vaultgraph.resolve",
    **dict.fromkeys(("Vault", "VaultError", "load_vault"), "vaultgraph.vault"),
}

__all__ = [
    "BlockId",
    "CheckResult",
    "Comment",
    "Heading",
    "Link",
    "LinkKind",
    "LinkSyntax",
    "ListItem",
    "Note",
    "Problem",
    "ResolvedLink",
    "Tag",
    "Vault",
    "VaultError",
    "__version__",
    "check",
    "find_vault_root",
    "load_vault",
    "parse_note",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'vaultgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
