"""Frozen records of what a note says: the parser's output, with 1-based positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

__all__ = [
    "CANVAS_PROBLEMS",
    "FRONTMATTER_PROBLEMS",
    "PROPERTY_LINK_PROBLEMS",
    "UNREAD_PROBLEMS",
    "BlockId",
    "Comment",
    "Heading",
    "Link",
    "LinkKind",
    "LinkSyntax",
    "ListItem",
    "Note",
    "Outline",
    "Outlined",
    "Problem",
    "Tag",
]


class LinkKind(StrEnum):
    """Whether a reference shows the target (embed) or points at it (link)."""

    LINK = "link"
    EMBED = "embed"


class LinkSyntax(StrEnum):
    """How a reference was written."""

    WIKI = "wiki"  # [[target#sub|display]] and ![[...]]
    MARKDOWN = "markdown"  # [text](target.md) and ![alt](file.png)
    PROPERTY = "property"  # "[[target]]" inside a frontmatter value
    CANVAS = "canvas"  # a canvas's file card: {"type": "file", "file": "target", "subpath": ...}


@dataclass(frozen=True, slots=True)
class Link:
    """One internal reference from a note, as written.

    ``target`` is the path part exactly as written (percent-decoded for Markdown links), without
    subpath or display text; it is ``""`` for a link into the same note (``[[#Heading]]``).
    ``subpath`` is what follows the first ``#``: a heading path (``H1#H2``) or a block (``^id``).
    ``column`` counts Unicode code points, like ``line`` starting at 1, and points at the first
    character of ``raw`` in the file.
    """

    kind: LinkKind
    syntax: LinkSyntax
    raw: str
    target: str
    subpath: str | None
    display: str | None
    line: int
    column: int
    in_table: bool = False
    bare_table_pipe: bool = False

    @property
    def is_block_ref(self) -> bool:
        return self.subpath is not None and self.subpath.startswith("^")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # inline source of the heading, as written (``**Containers**``)
    plain: str  # its visible text (``Containers``)
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class BlockId:
    id: str
    line: int
    column: int  # of the ``^``


@dataclass(frozen=True, slots=True)
class Tag:
    name: str  # as written, without ``#`` (``AWS/ecs``)
    line: int
    column: int  # of the ``#`` in the body, of the value in frontmatter
    in_frontmatter: bool = False

    @property
    def key(self) -> str:
        """The name Obsidian compares by: case-insensitive."""
        return self.name.casefold()


@dataclass(frozen=True, slots=True)
class ListItem:
    """A list item: bullets, numbers and tasks alike.

    ``empty`` is decided from the token stream: the item holds nothing (or only a task box) and
    has no nested items. ``end_line`` is the last source line the item spans.
    """

    line: int
    column: int  # of the marker
    marker: str  # ``-``, ``*``, ``+``, ``1.``, ``1)``
    empty: bool
    task: bool
    end_line: int


# Problem codes: what the frontmatter got wrong, a link in a property that YAML reads as something
# else (``up: [[B]]``), and what the parser left unread to stay bounded.
FRONTMATTER_PROBLEMS = frozenset({"frontmatter-yaml", "frontmatter-type"})
PROPERTY_LINK_PROBLEMS = frozenset({"property-unquoted-link"})
UNREAD_PROBLEMS = frozenset({"note-too-large", "line-too-long", "nesting-too-deep"})
# A canvas file that is not JSON Canvas (vaultgraph/canvas.py): read as an empty board.
CANVAS_PROBLEMS = frozenset({"canvas-invalid"})


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a note that the parser could not take as written (for the linter).

    ``written`` is the text at ``line`` and ``column`` that the problem is about, exactly as in the
    file, when a rule may repair it in place (an unquoted property link); otherwise ``""``. It
    lets the rule build its edit without reading the file again.
    """

    code: str  # one of FRONTMATTER_PROBLEMS, PROPERTY_LINK_PROBLEMS or UNREAD_PROBLEMS
    message: str
    line: int
    column: int
    written: str = ""


@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML (``<!-- -->``) or Obsidian (``%% %%``) comment; links inside do not count."""

    text: str  # between the delimiters, stripped
    line: int
    column: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Note:
    """Everything vaultgraph reads from one Markdown file."""

    path: str  # vault-relative POSIX path with extension, as on disk
    frontmatter: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()
    headings: tuple[Heading, ...] = ()
    block_ids: tuple[BlockId, ...] = ()
    links: tuple[Link, ...] = ()
    list_items: tuple[ListItem, ...] = ()
    problems: tuple[Problem, ...] = ()
    comments: tuple[Comment, ...] = ()
    # The local paths the note's raw HTML names (``<img src>``, ``<a href>``): not links, since
    # Obsidian does not resolve them as links, but a file they name is not unused.
    html_refs: tuple[str, ...] = ()

    @property
    def partly_read(self) -> bool:
        """Whether the parser left part of the note unread (too large, a line too long, nested
        too deep): a heading or block id not found may be in that part."""
        return any(problem.code in UNREAD_PROBLEMS for problem in self.problems)

    @property
    def outline(self) -> Outline:
        """What a link's ``#heading`` or ``#^block`` into this note is looked up in."""
        return Outline(self.headings, self.block_ids, self.partly_read)

    @property
    def title(self) -> str:
        """The file name without ``.md``: what Obsidian shows and links by."""
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.lower().endswith(".md") else name

    @property
    def folder(self) -> str:
        """The vault-relative folder (``""`` at the root)."""
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""


class Outlined(Protocol):
    """What a subpath is looked up in: a :class:`Note`, or its :class:`Outline` alone."""

    @property
    def headings(self) -> tuple[Heading, ...]: ...

    @property
    def block_ids(self) -> tuple[BlockId, ...]: ...

    @property
    def partly_read(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Outline:
    """A note's headings and block ids, and whether part of it went unread: all that a link
    into it with a subpath depends on, small enough to hand to another process."""

    headings: tuple[Heading, ...] = ()
    block_ids: tuple[BlockId, ...] = ()
    partly_read: bool = False
