"""markdown-it-py plugins for Obsidian syntax, in the mdit-py-plugins shape."""

from vaultgraph.plugins.comments import comments_plugin
from vaultgraph.plugins.offsets import offsets_plugin
from vaultgraph.plugins.tags import tags_plugin
from vaultgraph.plugins.wikilinks import WikiTarget, split_wikilink, wikilinks_plugin

__all__ = [
    "WikiTarget",
    "comments_plugin",
    "offsets_plugin",
    "split_wikilink",
    "tags_plugin",
    "wikilinks_plugin",
]
