"""Text from a vault made safe to print: no character in it acts on the terminal or the line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

__all__ = [
    "escape_json",
    "json_array",
    "json_array_pieces",
    "json_text",
    "visible",
    "visible_lines",
]

# What a terminal acts on instead of showing: C0 but tab (ESC starts CSI and OSC sequences that
# clear the screen or retitle the window; CR overwrites the line; LF forges a new one), DEL, C1
# (U+0080-U+009F: some terminals read U+009B as CSI and U+009D as OSC), the Unicode line and
# paragraph separators (Python's splitlines breaks on them), the bidirectional embeddings,
# overrides and isolates that reorder the rest of the line ("Trojan Source"), and lone
# surrogates, which no encoding can write.
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# JSON escapes C0 itself and the raw newlines of its layout are its own.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}
# Items in one piece of json_array_pieces: few passes of the escaping regex, yet a stream never
# holds more than this many items' text.
_BATCH = 1000


def visible(text: str) -> str:
    """``text`` with every character that could act on a terminal written as its escape
    (``\\x1b``, ``\\n``, ``\\u202e``); tab and all other text as it is.

    For display only: a backslash is not escaped, so the escape cannot be told from the same
    characters written out (JSON output keeps the exact text)."""
    return _UNSAFE.sub(_escape, text)


def visible_lines(lines: Iterable[str]) -> str:
    """Each of ``lines`` made :func:`visible` and ended with a newline: one entry, one line,
    whatever line breaks the names and text in it hold."""
    return "".join(f"{visible(line)}\n" for line in lines)


def json_text(data: Any) -> str:
    """``data`` as indented JSON and a final newline, non-ASCII text as it is, but every
    character :func:`visible` escapes written as a ``\\u`` escape: the same data, safe to print.
    """
    return escape_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def json_array(items: Iterable[Any], *, indent: str = "", sort_keys: bool = False) -> str:
    """``items`` as a JSON array of one item a line, each on one line after ``indent`` and two
    spaces, the closing bracket after ``indent``; ``[]`` if there are none. Escaped as
    :func:`json_text` escapes, with no final newline: it can stand as a value inside more JSON.

    For thousands of findings: json encodes in C only without indentation (``indent=2`` runs
    its pure-Python encoder, about 3x slower), and one item a line still reads and diffs well.
    """
    return "".join(json_array_pieces(items, indent=indent, sort_keys=sort_keys))


def json_array_pieces(
    items: Iterable[Any], *, indent: str = "", sort_keys: bool = False
) -> Iterator[str]:
    """:func:`json_array`'s text in pieces, a thousand items at a time, to write to a stream."""
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys).encode
    remaining = iter(items)
    opening = "["
    while batch := list(islice(remaining, _BATCH)):
        lines = ",\n".join(f"{indent}  {encode(item)}" for item in batch)
        yield escape_json(f"{opening}\n{lines}")
        opening = ","
    yield "[]" if opening == "[" else f"\n{indent}]"


def escape_json(encoded: str) -> str:
    """JSON text (or a piece of it) with the characters :func:`visible` escapes, which JSON
    written with ``ensure_ascii=False`` leaves raw, as ``\\u`` escapes. They can only stand in
    strings, where the escape means the same character."""
    return _UNSAFE_IN_JSON.sub(_json_escape, encoded)


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"
