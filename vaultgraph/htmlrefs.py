"""The files a note's raw HTML names: ``src``, ``href`` and their kin, read by html.parser."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote

__all__ = ["MAX_HTML_CHARS", "html_references"]

# HTML in notes is a tag or a few lines; past this a token is not markup worth reading.
MAX_HTML_CHARS = 200_000
# The attributes that name a file a browser (or Obsidian's reading view) would load or open.
_NAMING = frozenset({"src", "href", "poster", "data"})
_EXTERNAL = ("http:", "https:", "mailto:", "data:", "obsidian:", "javascript:", "//")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in _NAMING:
                self.found.append(value)
            elif name == "srcset":  # "a.png 1x, b.png 2x"
                self.found.extend(part.split()[0] for part in value.split(",") if part.split())

    handle_startendtag = handle_starttag


def html_references(markup: str) -> list[str]:
    """The local paths that ``markup`` names in attributes, percent-decoded, without ``#`` or
    ``?`` parts, in order; web addresses left out. Markup over :data:`MAX_HTML_CHARS` names
    nothing (its size, not its content, is then what is unusual)."""
    if len(markup) > MAX_HTML_CHARS or "=" not in markup:
        return []
    collector = _Collector()
    try:
        collector.feed(markup)
        collector.close()
    except (AssertionError, ValueError):  # html.parser's own complaints about broken markup
        pass
    found = []
    for value in collector.found:
        value = value.strip()
        if not value or value.lower().startswith(_EXTERNAL):
            continue
        path = unquote(value.split("#", 1)[0].split("?", 1)[0]).strip()
        if path:
            found.append(path)
    return found
