"""``[[wikilinks]]`` and ``![[embeds]]`` as markdown-it inline tokens."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

__all__ = [
    "MAX_WIKILINK_LENGTH",
    "WikiTarget",
    "find_wikilink_end",
    "split_wikilink",
    "wikilinks_plugin",
]


@dataclass(frozen=True, slots=True)
class WikiTarget:
    """The parts of a wikilink's inner text ``target#subpath|display``."""

    target: str
    subpath: str | None
    display: str | None


def split_wikilink(inner: str) -> WikiTarget:
    """Split the text between ``[[`` and ``]]`` the way Obsidian does.

    The first ``|`` ends the target; a backslash right before it is the table-cell escape
    (``[[A\\|b]]``) and belongs to neither side. The first ``#`` of the target starts the subpath
    (Obsidian forbids ``#`` in file names, so this is never ambiguous).
    """
    display: str | None = None
    bar = inner.find("|")
    if bar >= 0:
        display = inner[bar + 1 :].strip()
        inner = inner[: bar - 1] if bar > 0 and inner[bar - 1] == "\\" else inner[:bar]
    subpath: str | None = None
    hash_at = inner.find("#")
    if hash_at >= 0:
        subpath = "#".join(p.strip() for p in inner[hash_at + 1 :].split("#") if p.strip())
        inner = inner[:hash_at]
    return WikiTarget(target=inner.strip(), subpath=subpath, display=display)


# No file path is longer: looking further for ``]]`` would make a line of 100,000 unclosed ``[[``
# cost quadratic time.
MAX_WIKILINK_LENGTH = 4096


def find_wikilink_end(src: str, start: int, limit: int) -> int:
    """Return the index just past ``]]`` for a wikilink whose ``[[`` ends at ``start``, or -1.

    A wikilink stays on one line, holds no other ``[[``, is not empty and is not longer than
    ``MAX_WIKILINK_LENGTH``.
    """
    close = src.find("]]", start, min(limit, start + MAX_WIKILINK_LENGTH))
    if close < 0:
        return -1
    inner = src[start:close]
    if not inner.strip() or "\n" in inner or "[[" in inner:
        return -1
    return close + 2


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    embed = src[pos] == "!"
    if embed:
        opener = pos + 1
    elif src[pos] == "[":
        opener = pos
    else:
        return False
    if not src.startswith("[[", opener):
        return False
    end = find_wikilink_end(src, opener + 2, state.posMax)
    if end < 0:
        return False
    if not silent:
        parts = split_wikilink(src[opener + 2 : end - 2])
        token = state.push("wikilink", "", 0)
        token.markup = "![[" if embed else "[["
        token.content = src[pos:end]
        token.meta = {
            "embed": embed,
            "target": parts.target,
            "subpath": parts.subpath,
            "display": parts.display,
            "offset": pos,
        }
    state.pos = end
    return True


def wikilinks_plugin(md: MarkdownIt) -> None:
    """Parse ``[[target#subpath|display]]`` and ``![[...]]`` into ``wikilink`` tokens.

    The rule runs before markdown-it's own ``link`` rule, so ``[[x]]`` never becomes a reference
    link, and after ``escape`` and ``backticks``, so ``\\[[x]]`` and code spans stay text.
    Token meta: ``embed``, ``target``, ``subpath``, ``display`` and ``offset`` (start in the inline
    source). Rendered as plain text: vaultgraph reads tokens, it never renders HTML.
    """
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", lambda self, tokens, idx, options, env: tokens[idx].content)
