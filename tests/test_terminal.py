"""Text made safe to print: every control character visible, JSON the same data."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultgraph.terminal import (
    escape_json,
    json_array,
    json_array_pieces,
    json_text,
    visible,
    visible_lines,
)

# Every character a terminal could act on: C0 but tab, DEL, C1, line and paragraph separators,
# bidirectional embeddings, overrides and isolates, and lone surrogates.
UNSAFE = [
    *(chr(c) for c in range(0x20) if c != 0x09),
    "\x7f",
    *(chr(c) for c in range(0x80, 0xA0)),
    "\u2028",
    "\u2029",
    *(chr(c) for c in range(0x202A, 0x202F)),
    *(chr(c) for c in range(0x2066, 0x206A)),
    "\ud800",
    "\udfff",
]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Gone\x1b]0;pwned\x07", "Gone\\x1b]0;pwned\\x07"),  # OSC: retitle the window
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear the screen
        ("a\nb\rc", "a\\nb\\rc"),
        ("back\x08\x08", "back\\x08\\x08"),
        ("\x9b31m red", "\\x9b31m red"),  # C1 CSI
        ("\x9d0;t\x9c", "\\x9d0;t\\x9c"),  # C1 OSC and ST
        ("evil\u202egnp.md", "evil\\u202egnp.md"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("line\u2028two", "line\\u2028two"),
        ("\ud800", "\\ud800"),
        ("\x00\x7f", "\\x00\\x7f"),
    ],
)
def test_controls_show_as_escapes(text: str, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "Zürich: trip.md",
        "tab\there",
        "C:\\path and \\x1b written out",
        "עברית\u200fmark",  # RLM stays: it reorders nothing past its neighbours
        "👨\u200d👩\u200d👧",  # ZWJ keeps an emoji sequence whole
        "\u00a0nbsp \u00ad soft hyphen \ufeff",
    ],
)
def test_everything_else_is_as_written(text: str) -> None:
    assert visible(text) == text


def test_every_unsafe_character_is_escaped() -> None:
    for char in UNSAFE:
        assert visible(char).startswith("\\"), repr(char)


@given(st.text(alphabet=st.sampled_from([*UNSAFE, "a", "\t", "\\", "é", "\u200f"])))
def test_visible_text_is_one_printable_line(text: str) -> None:
    shown = visible(text)
    assert not any(char in shown for char in UNSAFE)
    shown.encode("utf-8")  # a lone surrogate would raise
    assert len(f"x{shown}x".splitlines()) == 1
    assert visible(shown) == shown


def test_lines_keep_their_own_breaks_only() -> None:
    assert visible_lines(["one\ntwo", "", "three\x1b"]) == "one\\ntwo\n\nthree\\x1b\n"


# A lone high surrogate then a lone low one read back as one character: JSON writes both ways
# as the same two escapes, and Python's json.loads joins them.
def json_text_of(*chars: str) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from([*UNSAFE, *chars])).filter(lambda t: "\ud800\udfff" not in t)


JSON_DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | json_text_of("a", "é"),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(json_text_of("k"), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(JSON_DATA)
def test_json_text_is_the_same_data_with_nothing_raw(data: object) -> None:
    text = json_text(data)
    assert json.loads(text) == data
    raw = [char for char in text if char in UNSAFE and char != "\n"]
    assert raw == []
    assert text.endswith("\n")
    text.encode("utf-8")


def test_json_keeps_non_ascii_text_as_written() -> None:
    name = unicodedata.normalize("NFD", "Café")
    assert json_text({"name": name}) == '{\n  "name": "' + name + '"\n}\n'
    escaped = json_text(["\x9b", "\u202e", "\x1b"])
    assert escaped == '[\n  "\\u009b",\n  "\\u202e",\n  "\\u001b"\n]\n'


def test_escape_json_leaves_the_layout_alone() -> None:
    assert escape_json('{\n  "a": "\x9b"\n}') == '{\n  "a": "\\u009b"\n}'


@given(st.lists(JSON_DATA, max_size=4))
def test_json_array_is_the_same_data_one_item_a_line(items: list[object]) -> None:
    text = json_array(items)
    assert json.loads(text) == items
    assert [char for char in text if char in UNSAFE and char != "\n"] == []
    lines = text.split("\n")
    assert len(lines) == (len(items) + 2 if items else 1)
    # Each line between the brackets is one whole item: a line break in the data is an escape.
    assert [json.loads(line.removesuffix(",")) for line in lines[1:-1]] == items


def test_json_array_layout() -> None:
    assert json_array([{"a": 1, "b": ["é"]}, "\x9b"], indent="  ") == (
        '[\n    {"a": 1, "b": ["é"]},\n    "\\u009b"\n  ]'
    )
    assert json_array([]) == json_array(iter(())) == "[]"


def test_json_array_pieces_stream_a_thousand_items_at_a_time() -> None:
    items = [{"n": n, "text": "\x9b"} for n in range(2500)]
    pieces = list(json_array_pieces(items, indent="  "))
    assert len(pieces) == 4  # three batches, then the closing bracket
    assert "".join(pieces) == json_array(items, indent="  ")
    assert json.loads("".join(pieces)) == items
    assert not any("\x9b" in piece for piece in pieces)
