"""The one markdown-it parser vaultgraph reads notes with."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from vaultgraph.plugins import comments_plugin, offsets_plugin, tags_plugin, wikilinks_plugin

# markdown-it's presets stop nesting at 20 levels, after which deeper content silently parses as
# empty; real outlines go deeper. Past about 200 levels markdown-it's recursion would exhaust
# Python's stack, so deeper content is dropped and the parser reports it instead.
MAX_NESTING = 200


@cache
def parser() -> MarkdownIt:
    """CommonMark + GFM tables + strikethrough + frontmatter + Obsidian comments, links and tags."""
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(comments_plugin)
    md.use(offsets_plugin)
    md.use(wikilinks_plugin)
    md.use(tags_plugin)
    return md
