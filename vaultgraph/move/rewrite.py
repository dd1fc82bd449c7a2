"""The new text of one reference: its path part replaced, everything else kept as written."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from urllib.parse import quote, unquote

from vaultgraph.model import Link, LinkKind, LinkSyntax
from vaultgraph.resolve import LinkIndex, locate, resolve_link
from vaultgraph.settings import LinkFormat

__all__ = [
    "Span",
    "UnwritableLink",
    "choose_target",
    "in_json_line",
    "json_written",
    "markdown_encoded",
    "target_span",
    "written_target",
]

# Obsidian forbids these in file names; a wikilink or a property link cannot hold them.
_NOT_IN_WIKI = frozenset("|#[]^")
# What a Markdown destination cannot hold bare (CommonMark ends or breaks it there).
_MARKDOWN_ESCAPED = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "%": "%25"}


class UnwritableLink(Exception):
    """No text of this link's syntax can name the file it must reach."""


@dataclass(frozen=True, slots=True)
class Span:
    """Where a reference's path part is written: 1-based line, columns in code points."""

    line: int
    column: int
    end_column: int
    text: str  # as written in the file


def choose_target(
    index: LinkIndex, source: str, expected: str, link: Link, link_format: LinkFormat
) -> str:
    """The path part (decoded) that makes ``link``, written in the note at ``source`` of the
    vault ``index`` describes, reach ``expected``: the first of the forms ``link_format``
    prefers that the resolver itself sends there (never a guess). ``.md`` is left out when the
    link left it out, unless only writing it reaches the note (a file ``Note`` beside it)."""
    if link.syntax == LinkSyntax.CANVAS:
        # A file card names its file by its whole vault path, as Obsidian writes it.
        if locate(index, source, expected) != expected:
            raise UnwritableLink(f"no file card path reaches {expected}")
        return expected
    keep_md = link.target.lower().endswith(".md") or link.syntax == LinkSyntax.MARKDOWN
    written = expected if keep_md or not expected.lower().endswith(".md") else expected[:-3]
    parts = written.split("/")
    shortest = ["/".join(parts[i:]) for i in range(len(parts) - 1, -1, -1)]
    relative = posixpath.relpath(written, posixpath.dirname(source) or ".")
    relatives = [relative] if relative.startswith("../") else [relative, "./" + relative]
    ordered = {
        "shortest": [*shortest],
        "relative": [*relatives, written, *shortest],
        "absolute": [written, *shortest],
    }[link_format]
    if written != expected:  # left out as the link left it out, else written after all
        ordered += [form + ".md" for form in ordered]
    reaching = [c for c in dict.fromkeys(ordered) if locate(index, source, c) == expected]
    # Unique first: a text that reaches the file only by Obsidian's tie-break (a same-named
    # note further away) is ambiguous-link's finding, and the next same-named file moves it.
    for candidate in reaching:
        if not _ambiguous(index, source, candidate):
            return candidate
    if reaching:
        return reaching[0]
    raise UnwritableLink(f"no link text reaches {expected} from {source}")


def _ambiguous(index: LinkIndex, source: str, target: str) -> bool:
    probe = Link(LinkKind.LINK, LinkSyntax.WIKI, "", target, None, None, 1, 1)
    return resolve_link(index, source, probe, {}).ambiguous


def target_span(link: Link) -> Span | None:
    """Where ``link`` writes its path part, or ``None`` when that cannot be found in its raw
    text (then it is never rewritten: the plan refuses)."""
    if link.syntax in (LinkSyntax.WIKI, LinkSyntax.PROPERTY):
        return _wiki_span(link)
    if link.syntax == LinkSyntax.CANVAS:  # a file card: at its "file" value, as decoded
        return Span(link.line, link.column, link.column + len(link.target), link.target)
    return _markdown_span(link)


def written_target(link: Link, span: Span, target: str) -> str:
    """How ``target`` is written in ``link``'s syntax, encoded the way ``span`` was (inside a
    canvas, the caller escapes the result for its JSON string)."""
    if link.syntax == LinkSyntax.CANVAS:
        return target
    if link.syntax in (LinkSyntax.WIKI, LinkSyntax.PROPERTY):
        if any(char in _NOT_IN_WIKI for char in target) or "\n" in target:
            raise UnwritableLink(f"a wikilink cannot name {target}")
        if link.syntax == LinkSyntax.PROPERTY and ('"' in target or "\\" in target):
            raise UnwritableLink(f"a property link cannot name {target}")
        return target
    if span.text.startswith("<"):
        return "<" + markdown_encoded(target, span.text)  # the closing ">" follows the subpath
    return markdown_encoded(target, span.text)


def markdown_encoded(text: str, like: str) -> str:
    """``text`` (decoded) as a part of a Markdown destination written as ``like``: as it is
    inside ``<angle brackets>``, percent-encoded when ``like`` is, else with only what a bare
    destination cannot hold escaped."""
    if any(ord(char) < 32 for char in text):
        raise UnwritableLink(f"a Markdown link cannot name {text!r}")
    if like.startswith("<"):
        if "<" in text or ">" in text:
            raise UnwritableLink(f"an <angle bracket> link cannot name {text}")
        return text
    if "%" in like:  # written percent-encoded: encoded the same way
        return quote(text, safe="/!$&'*+,;=:@~")
    return "".join(_MARKDOWN_ESCAPED.get(char, char) for char in text)


def _wiki_span(link: Link) -> Span | None:
    raw = link.raw
    opener = 3 if raw.startswith("![[") else 2
    if not raw.endswith("]]") or raw[opener - 2 : opener] != "[[":
        return None
    inner = raw[opener:-2]
    bar = inner.find("|")
    cut = len(inner) if bar < 0 else bar - 1 if bar > 0 and inner[bar - 1] == "\\" else bar
    hash_at = inner.find("#", 0, cut)
    part = inner[: hash_at if hash_at >= 0 else cut]
    start = opener + len(part) - len(part.lstrip())
    written = part.strip()
    if written != link.target:
        return None
    column = link.column + start
    return Span(link.line, column, column + len(written), written)


def _markdown_span(link: Link) -> Span | None:
    raw = link.raw
    at = len(raw)
    # From the right: an image in a link's text has a ``](`` of its own, before the link's.
    while (at := raw.rfind("](", 0, at)) >= 0:
        found = _destination(raw, at + 2)
        if found is not None:
            start, path = found
            bare = path[1:] if path.startswith("<") else path
            if unquote(bare).strip() == link.target:
                newlines = raw.count("\n", 0, start)
                line = link.line + newlines
                column = link.column + start if not newlines else start - raw.rfind("\n", 0, start)
                return Span(line, column, column + len(path), path)
    return None


def _destination(raw: str, at: int) -> tuple[int, str] | None:
    """Where the destination after ``](`` starts in ``raw``, and its path part as written
    (an ``<angle bracket>`` one with its opening bracket), or ``None``."""
    while at < len(raw) and raw[at] in " \t":
        at += 1
    if at >= len(raw):
        return None
    if raw[at] == "<":
        close = raw.find(">", at)
        if close < 0:
            return None
        inside = raw[at + 1 : close]
        return at, "<" + inside.partition("#")[0]
    end, depth = at, 0
    while end < len(raw) and not raw[end].isspace():
        char = raw[end]
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        end += 1
    return at, raw[at:end].partition("#")[0]


def in_json_line(link: Link, span: Span, line: str) -> Span | None:
    """Where ``span`` (placed as if each character were written as one) is written in ``line``,
    a canvas file's line that holds the link inside a JSON string, escapes and all
    (``\\u00e9``, ``\\/``): the span's text is then as written. ``None`` when it is not there,
    or not on the link's line, or the JSON decoder does not read it as the span's text."""
    if span.line != link.line:
        return None
    skip = span.column - link.column  # characters of the link's text before its path part
    at = link.column - 1
    start = None
    for count in range(skip + len(span.text) + 1):
        if count == skip:
            start = at
        if count == skip + len(span.text) or at >= len(line) or line[at] == '"':
            break
        at += _escape_length(line, at)
    if start is None or count != skip + len(span.text):
        return None
    written = line[start:at]
    try:
        decoded = json.loads(f'"{written}"')
    except ValueError:
        return None
    if decoded != span.text:
        return None
    return Span(span.line, start + 1, at + 1, written)


def _escape_length(line: str, at: int) -> int:
    """How many characters of ``line`` from ``at`` are one decoded character of a JSON string."""
    if line[at] != "\\":
        return 1
    if line.startswith("u", at + 1):
        high = line[at + 2 : at + 4].lower() in ("d8", "d9", "da", "db")
        if high and line.startswith("\\u", at + 6):  # a surrogate pair: one character
            return 12
        return 6
    return 2


def json_written(text: str, like: str) -> str:
    """``text`` as the inside of a JSON string, escaped as JSON needs, and non-ASCII characters
    as ``\\uXXXX`` when the text it replaces (``like``) wrote them so."""
    return json.dumps(text, ensure_ascii="\\u" in like)[1:-1]
