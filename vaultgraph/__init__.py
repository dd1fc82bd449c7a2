"""vaultgraph: read an Obsidian vault the way Obsidian does, into a networkx graph."""

__version__ = "0.1.0"

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

__all__ = [
    "BlockId",
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
    "load_vault",
    "parse_note",
]
