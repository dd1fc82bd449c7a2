"""Map offsets in markdown-it's inline source back to 1-based lines and columns of the file."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

__all__ = ["CellLocator", "InlineLocator", "split_lines"]


def split_lines(text: str) -> list[str]:
    """Lines as markdown-it counts them: ``\\r\\n``, ``\\r`` and ``\\n`` each end one."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _content_column(content_line: str, source_line: str) -> int:
    """0-based column where a line of inline content starts in its source line.

    markdown-it strips indentation, list markers and ``>`` before a line and white space after it,
    so the content is the end of the source line.
    """
    wanted = content_line.rstrip()
    if not wanted:
        return len(source_line) - len(source_line.lstrip())
    stripped = source_line.rstrip()
    if stripped.endswith(wanted):
        return len(stripped) - len(wanted)
    # Tabs in the indentation may have become spaces in the content.
    core = wanted.lstrip()
    found = source_line.find(core)
    if found >= 0:
        return max(found - (len(wanted) - len(core)), 0)
    return 0


class InlineLocator:
    """Positions in a paragraph's or heading's inline content: one content line per file line.

    Most inline content holds nothing to locate, so the line table is built on the first call.
    """

    __slots__ = ("_columns", "_content", "_first_line", "_lines", "_starts")

    def __init__(self, content: str, first_line: int, lines: Sequence[str]) -> None:
        self._content = content
        self._first_line = first_line  # 0-based
        self._lines = lines
        self._starts: list[int] = []
        self._columns: list[int] = []  # empty until the first locate()

    def _index(self) -> None:
        lines, offset = self._lines, 0
        for at, content_line in enumerate(self._content.split("\n"), self._first_line):
            self._starts.append(offset)
            self._columns.append(
                _content_column(content_line, lines[at] if at < len(lines) else "")
            )
            offset += len(content_line) + 1

    def locate(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of the character at ``offset`` in the content."""
        if not self._columns:
            self._index()
        index = max(bisect_right(self._starts, offset) - 1, 0)
        column = self._columns[index] + offset - self._starts[index]
        return self._first_line + index + 1, column + 1


class CellLocator:
    """Positions inside a table cell, whose content markdown-it unescaped (``\\|`` became ``|``)."""

    __slots__ = ("_columns", "_line")

    def __init__(self, content: str, line: int, source_line: str, search_from: int) -> None:
        self._line = line  # 0-based
        # Inside a cell every ``|`` was written ``\|``: a bare one would have split the cell.
        written = content.replace("|", "\\|")
        start = source_line.find(written, search_from) if written else -1
        if start < 0:
            start = search_from
        self._columns: list[int] = []
        column = start
        for char in content:
            if char == "|":
                column += 1  # the backslash before it
            self._columns.append(column)
            column += 1
        self._columns.append(column)  # one past the end

    @property
    def end(self) -> int:
        """0-based column just past the cell's content in the source line."""
        return self._columns[-1]

    def locate(self, offset: int) -> tuple[int, int]:
        column = self._columns[min(offset, len(self._columns) - 1)]
        return self._line + 1, column + 1
