"""Frontmatter properties: tags, aliases, links, and links left unquoted, read by PyYAML."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import yaml
from frontmatter.default_handlers import YAMLHandler

from vaultgraph.model import Link, LinkKind, LinkSyntax, Problem, Tag
from vaultgraph.plugins.tags import tag_length
from vaultgraph.plugins.wikilinks import find_wikilink_end, split_wikilink

__all__ = ["Properties", "read_properties"]

# libyaml's C parser when PyYAML was built with it (the same SafeLoader rules, several times
# faster), then the pure-Python SafeLoader, whose error messages and positions are the clearer ones.
_FAST_LOADER: type[Any] = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

_TAG_KEYS = ("tags", "tag")
_ALIAS_KEYS = ("aliases", "alias")


@dataclass(frozen=True, slots=True)
class Properties:
    data: dict[str, Any]
    tags: tuple[Tag, ...]
    aliases: tuple[str, ...]
    links: tuple[Link, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class _Scalar:
    value: str
    line: int  # 0-based within the YAML text
    column: int  # 0-based
    path: tuple[str, ...]  # top-level key first
    end_line: int  # 0-based, the last line it is written on


def _load(yaml_text: str, base: type[Any] = _FAST_LOADER) -> tuple[Any, list[_Scalar], bool]:
    """Load YAML as python-frontmatter does (a SafeLoader), noting where each string stands, and
    whether a flow list holds a list (which an unquoted ``[[link]]`` always makes).

    The loader is made per call so the positions it collects belong to this text only. Aliases are
    constructed once by PyYAML, so an alias bomb costs nothing here.
    """
    scalars: list[_Scalar] = []
    keys: list[str] = []
    nested: list[bool] = []

    class _PositionLoader(base):  # type: ignore[misc]  # the C or the Python SafeLoader
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, list | dict | set):
                    # Templates write ``created: {{date}}``: a map as a key, which JavaScript
                    # (and so Obsidian) accepts; Python cannot hash it, so keep its text.
                    key = str(key)
                keys.append(str(key))
                try:
                    mapping[key] = self.construct_object(value_node, deep=True)
                finally:
                    keys.pop()
            return mapping

        def construct_scalar(self, node: yaml.ScalarNode) -> Any:
            value = super().construct_scalar(node)
            if isinstance(value, str):
                mark, end = node.start_mark, node.end_mark
                # A block scalar (``|``) ends at the start of the line after it.
                last = end.line - 1 if end.column == 0 and end.line > mark.line else end.line
                scalars.append(_Scalar(value, mark.line, mark.column, tuple(keys), last))
            return value

        def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> Any:
            if node.flow_style and any(isinstance(v, yaml.SequenceNode) for v in node.value):
                nested.append(True)
            return super().construct_sequence(node, deep=deep)

    data = YAMLHandler().load(yaml_text, Loader=_PositionLoader)
    return data, scalars, bool(nested)


def read_properties(yaml_text: str, first_line: int, lines: list[str]) -> Properties:
    """Read a frontmatter block whose YAML starts at 1-based ``first_line`` of ``lines``.

    Never raises for bad YAML: the problem is recorded and the note keeps its body.
    """
    loader: type[Any] = _FAST_LOADER
    try:
        try:
            data, scalars, nested = _load(yaml_text)
        except yaml.YAMLError:
            loader = yaml.SafeLoader  # for its message and position
            data, scalars, nested = _load(yaml_text, loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        column = (mark.column if mark else 0) + 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        problem = Problem(
            "frontmatter-yaml", f"invalid YAML in frontmatter: {reason}", line, column
        )
        unquoted = _unquoted_links(yaml_text, first_line, lines) if "[[" in yaml_text else []
        return Properties({}, (), (), (), (problem, *unquoted))
    except (ValueError, TypeError, RecursionError) as error:
        # Values PyYAML can parse but not build (a date like 2024-02-30, deep recursion).
        problem = Problem(
            "frontmatter-yaml", f"invalid YAML in frontmatter: {error}", first_line, 1
        )
        unquoted = _unquoted_links(yaml_text, first_line, lines) if "[[" in yaml_text else []
        return Properties({}, (), (), (), (problem, *unquoted))
    if data is None:
        return Properties({}, (), (), (), ())
    if not isinstance(data, dict):
        problem = Problem(
            "frontmatter-yaml",
            f"frontmatter is a {type(data).__name__}, not a set of properties (key: value)",
            first_line,
            1,
        )
        return Properties({}, (), (), (), (problem,))
    # Only a flow list inside a flow list can be an unquoted link: other notes are not read again.
    problems = _unquoted_links(yaml_text, first_line, lines, loader) if nested else []
    tags = tuple(_tags(data, scalars, first_line, lines, problems))
    aliases = tuple(_aliases(data, first_line, lines, problems))
    links = tuple(_links(scalars, first_line, lines))
    return Properties({str(k): v for k, v in data.items()}, tags, aliases, links, tuple(problems))


def _key_line(data_key: str, first_line: int, lines: list[str]) -> int:
    for offset, text in enumerate(lines[first_line - 1 :]):
        if text.startswith(data_key) and text[len(data_key) :].lstrip().startswith(":"):
            return first_line + offset
        if text.rstrip() in ("---", "..."):
            break
    return first_line


_TYPE_NAMES = {dict: "a set of key: value pairs", list: "a list", bool: "true/false"}


def _wrong_type(key: str, expected: str, value: Any, line: int) -> Problem:
    found = _TYPE_NAMES.get(type(value), f"a {type(value).__name__}")
    return Problem(
        "frontmatter-type",
        f"property '{key}' should be {expected}, not {found}",
        line,
        1,
    )


def _tags(
    data: dict[Any, Any],
    scalars: list[_Scalar],
    first_line: int,
    lines: list[str],
    problems: list[Problem],
) -> Iterator[Tag]:
    for key in _TAG_KEYS:
        if key not in data or data[key] is None:
            continue
        value = data[key]
        if isinstance(value, str | int | float):
            items: list[Any] = [value]
        elif isinstance(value, list):
            items = value
        else:
            problems.append(
                _wrong_type(key, "a list or a text", value, _key_line(key, first_line, lines))
            )
            continue
        positions = {s.value: s for s in scalars if s.path[:1] == (key,)}
        for item in items:
            if item is None:
                continue  # ``- `` with nothing after it: an empty entry, as Obsidian reads it
            if isinstance(item, list | dict):
                line = _key_line(key, first_line, lines)
                problems.append(_wrong_type(key, "a list of texts", item, line))
                break  # one finding per property, however many entries are wrong
            place = positions.get(str(item))
            line = first_line + place.line if place else _key_line(key, first_line, lines)
            source = lines[line - 1] if line - 1 < len(lines) else ""
            search_from = place.column if place else 0
            for word in str(item).replace(",", " ").split():
                name = word.removeprefix("#")
                if tag_length(name, 0) != len(name):
                    continue
                found = source.find(word, search_from)
                if found >= 0:
                    search_from = found + len(word)
                column = (found if found >= 0 else search_from) + 1
                yield Tag(name, line, column, in_frontmatter=True)


def _aliases(
    data: dict[Any, Any], first_line: int, lines: list[str], problems: list[Problem]
) -> Iterator[str]:
    for key in _ALIAS_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            yield from (a.strip() for a in value.split(",") if a.strip())
        elif isinstance(value, list):
            for alias in value:
                if isinstance(alias, list | dict):
                    line = _key_line(key, first_line, lines)
                    problems.append(_wrong_type(key, "a list of texts", alias, line))
                    break
                elif alias is not None and str(alias).strip():
                    yield str(alias).strip()
        else:
            line = _key_line(key, first_line, lines)
            problems.append(_wrong_type(key, "a list of texts", value, line))


def _links(scalars: list[_Scalar], first_line: int, lines: list[str]) -> Iterator[Link]:
    for scalar in scalars:
        text, start = scalar.value, 0
        place = (first_line + scalar.line, scalar.column)  # where to look for the next link
        while (opener := text.find("[[", start)) >= 0:
            end = find_wikilink_end(text, opener + 2, len(text))
            if end < 0:
                start = opener + 2
                continue
            embed = opener > 0 and text[opener - 1] == "!"
            raw = text[opener - 1 if embed else opener : end]
            parts = split_wikilink(text[opener + 2 : end - 2])
            line, column = _find_written(raw, place, first_line + scalar.end_line, lines)
            if column > 0:
                place = (line, column - 1 + len(raw))
            else:
                line, column = first_line + scalar.line, scalar.column + 1
            yield Link(
                LinkKind.EMBED if embed else LinkKind.LINK,
                LinkSyntax.PROPERTY,
                raw,
                parts.target,
                parts.subpath,
                parts.display,
                line,
                column,
            )
            start = end


def _find_written(
    raw: str, place: tuple[int, int], last_line: int, lines: list[str]
) -> tuple[int, int]:
    """The 1-based line and column of ``raw`` from ``place`` (a 1-based line, a 0-based column)
    on, up to ``last_line``; column 0 when it is not written as it reads.

    A value may be quoted or folded over several lines, so a link is searched for on each of
    them; an escape inside it (``"[[\\u0041]]"``) means it is written nowhere as it reads.
    """
    line, column = place
    while line <= min(last_line, len(lines)):
        found = lines[line - 1].find(raw, column)
        if found >= 0:
            return line, found + 1
        line, column = line + 1, 0
    return place[0], 0


# What an unquoted link is to YAML, for the problem's message.
_NESTED_LIST = "YAML reads it as a list inside a list, so Obsidian shows no link"
_LIST_AND_TEXT = (
    "YAML cannot read a list followed by more text, so Obsidian reads none of the note's properties"
)
_TAG = 'YAML reads its "!" as a tag, so Obsidian reads none of the note\'s properties'
_TAG_ERRORS = ("while scanning a tag", "while parsing a tag")
# Reading on past an unquoted link that stopped YAML parses the frontmatter again: this many
# characters parsed in all bound what a hostile note holding thousands of them can cost.
_RESCAN_BUDGET = 200_000
_NUMBERS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)


class _Mark(Protocol):
    """Where an event or error stands (PyYAML's and libyaml's marks alike), all 0-based."""

    @property
    def index(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


@dataclass(slots=True)
class _Frame:
    """A collection open in YAML's event stream, and the key of the value being read in it."""

    mapping: bool
    flow: bool
    in_key: bool  # it is (inside) a mapping's key, not a value
    expects_key: bool = True
    key: str = ""


@dataclass(frozen=True, slots=True)
class _Unquoted:
    start: int  # index in the YAML text of the value's first character
    end: int  # just past the value
    line: int  # 0-based within the YAML text
    column: int  # 0-based
    key: str  # the top-level property it is in
    reason: str


def _unquoted_links(
    yaml_text: str, first_line: int, lines: Sequence[str], loader: type[Any] = yaml.SafeLoader
) -> list[Problem]:
    """Links written in a property without quotes, found in YAML's own parse of the frontmatter.

    ``[[B]]`` is a flow list holding one flow list of plain texts; ``![[B]]`` starts with a tag.
    When such a value stopped YAML (``[[B]] and text``, and any tag), it is taken to the end of
    its line, what the user meant as one text. That value is then blanked to a plain text of the
    same length and the frontmatter parsed again, so that later values keep their positions and
    one check finds them all; a blank that YAML reads on into the next line means quoting the
    line's value would not be enough, so the problem carries no text to repair.
    """
    found: dict[int, _Unquoted] = {}
    spilled: set[int] = set()
    text, blank, spent = yaml_text, -1, 0
    while True:
        spent += len(text)
        events, error = _parse(text, loader)
        if blank >= 0 and not _stays_on_its_line(events, blank):
            spilled.add(blank)
        complete, stopped = _find(text, events, error)
        for value in complete:
            found.setdefault(value.start, value)
        if stopped is None:
            break
        found[stopped.start] = stopped
        if spent + len(text) > _RESCAN_BUDGET:
            spilled.add(stopped.start)  # not read on past: whether it spills is not known
            break
        blank = stopped.start
        text = text[:blank] + "x" * (stopped.end - blank) + text[stopped.end :]
        loader = yaml.SafeLoader
    problems: list[Problem] = []
    for value in sorted(found.values(), key=lambda v: v.start):
        written = yaml_text[value.start : value.end]
        line = first_line + value.line
        # YAML also ends lines at U+0085, U+2028 and U+2029; then its positions are not the file's.
        if line > len(lines) or not lines[line - 1].startswith(written, value.column):
            continue
        kind = "embed" if written.startswith("!") else "link"
        where = f' in property "{value.key}"' if value.key else ""  # ``{{date}}: ...`` has none
        message = f"unquoted {kind} {written}{where}: {value.reason}"
        repairable = "" if value.start in spilled else written
        problems.append(
            Problem("property-unquoted-link", message, line, value.column + 1, repairable)
        )
    return problems


def _parse(text: str, loader: type[Any]) -> tuple[list[yaml.Event], yaml.YAMLError | None]:
    """YAML's events for ``text``, up to its first error if it has one."""
    events: list[yaml.Event] = []
    try:
        events.extend(yaml.parse(text, Loader=loader))
    except yaml.YAMLError as error:
        return events, error
    return events, None


def _marks(event: yaml.Event) -> tuple[_Mark, _Mark]:
    start, end = event.start_mark, event.end_mark
    # The parser marks every event; the stubs allow None.
    assert start is not None
    assert end is not None
    return start, end


def _stays_on_its_line(events: Sequence[yaml.Event], index: int) -> bool:
    for event in events:
        start, end = _marks(event)
        if isinstance(event, yaml.ScalarEvent) and start.index == index:
            return end.line == start.line
    return False


def _find(
    text: str, events: Sequence[yaml.Event], error: yaml.YAMLError | None
) -> tuple[list[_Unquoted], _Unquoted | None]:
    """The unquoted links YAML read as nested lists, and the one that stopped it, if one did."""
    complete: list[_Unquoted] = []
    stack: list[_Frame] = []
    for position, event in enumerate(events):
        if isinstance(event, yaml.CollectionEndEvent):
            if stack:
                stack.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        parent = stack[-1] if stack else None
        is_key = parent is not None and parent.mapping and parent.expects_key
        if parent is not None and parent.mapping:
            parent.expects_key = not is_key
            if is_key:
                parent.key = str(event.value) if isinstance(event, yaml.ScalarEvent) else ""
        in_key = is_key or (parent is not None and parent.in_key)
        key = _property(stack)
        if key is not None and not in_key:
            in_flow = any(frame.flow for frame in stack)
            start = _marks(event)[0]
            if isinstance(event, yaml.ScalarEvent) and event.tag and not in_flow:
                if text.startswith("![[", start.index):
                    return complete, _to_line_end(text, start, key, _TAG)
            elif isinstance(event, yaml.SequenceStartEvent):
                last = _nested_link_end(events, position)
                end = _marks(events[last])[1] if last is not None else None
                written = text[start.index : end.index] if end is not None else ""
                if end is not None and written and _link_end(written) == len(written):
                    if last == len(events) - 1 and _stopped_after(error, end):
                        stopped = _to_line_end(text, start, key, _LIST_AND_TEXT)
                        return complete, None if in_flow else stopped
                    value = _Unquoted(
                        start.index, end.index, start.line, start.column, key, _NESTED_LIST
                    )
                    complete.append(value)
        if isinstance(event, yaml.CollectionStartEvent):
            mapping = isinstance(event, yaml.MappingStartEvent)
            stack.append(_Frame(mapping, bool(event.flow_style), in_key))
    return complete, _stopped_at_tag(text, error, stack)


def _property(stack: Sequence[_Frame]) -> str | None:
    """The top-level key a value is under; None outside properties or in tags and aliases,
    which are no link's place and whose wrong type ``_tags`` and ``_aliases`` report."""
    if not stack or not stack[0].mapping or stack[0].key in _TAG_KEYS + _ALIAS_KEYS:
        return None
    return stack[0].key


def _nested_link_end(events: Sequence[yaml.Event], position: int) -> int | None:
    """Where ``[[text]]`` that starts at ``position`` ends: a flow list holding only a flow list
    of plain texts. ``[[1, 2]]`` is a row of numbers, not a link."""
    if position + 1 >= len(events) or not all(
        isinstance(e, yaml.SequenceStartEvent) and e.flow_style and e.tag is None
        for e in events[position : position + 2]
    ):
        return None
    end = position + 2
    while end < len(events) and _plain(events[end]):
        end += 1
    texts = events[position + 2 : end]
    closed = all(isinstance(e, yaml.SequenceEndEvent) for e in events[end : end + 2])
    if not texts or end + 2 > len(events) or not closed:
        return None
    if len(texts) > 1 and all(_resolves_to(e, _NUMBERS) for e in texts):
        return None
    return end + 1


def _plain(event: yaml.Event) -> bool:
    # libyaml gives a plain scalar the style "", PyYAML None.
    return isinstance(event, yaml.ScalarEvent) and not event.style and event.tag is None


def _resolves_to(event: yaml.Event, tags: frozenset[str]) -> bool:
    value = event.value if isinstance(event, yaml.ScalarEvent) else ""
    return _resolve(yaml.ScalarNode, value, (True, False)) in tags


def _link_end(text: str) -> int:
    """Where the wikilink or embed that ``text`` starts with ends, or -1."""
    opener = 1 if text.startswith("!") else 0
    if not text.startswith("[[", opener):
        return -1
    return find_wikilink_end(text, opener + 2, len(text))


def _stopped_after(error: yaml.YAMLError | None, end: _Mark) -> bool:
    mark = getattr(error, "problem_mark", None)
    return mark is not None and mark.line == end.line and mark.index >= end.index


def _stopped_at_tag(
    text: str, error: yaml.YAMLError | None, stack: Sequence[_Frame]
) -> _Unquoted | None:
    """The embed whose ``!`` YAML could not read as a tag (``![[img.png|300]]``), if that is
    what stopped it: in a property's value, outside flow lists."""
    mark = getattr(error, "context_mark", None)
    key = _property(stack)
    if mark is None or key is None or getattr(error, "context", None) not in _TAG_ERRORS:
        return None
    if any(f.flow or f.in_key for f in stack) or (stack[-1].mapping and stack[-1].expects_key):
        return None
    return _to_line_end(text, mark, key, _TAG) if text.startswith("![[", mark.index) else None


def _to_line_end(text: str, start: _Mark, key: str, reason: str) -> _Unquoted | None:
    """The value from ``start`` to the end of its line, as YAML reads a plain text: up to a
    comment (`` #``), without the blanks before it; None unless it starts with a wikilink."""
    line_end = text.find("\n", start.index)
    rest = text[start.index : line_end if line_end >= 0 else len(text)]
    comment = min((at for at in (rest.find(" #"), rest.find("\t#")) if at >= 0), default=-1)
    value = (rest[:comment] if comment >= 0 else rest).rstrip(" \t")
    if _link_end(value) < 0:
        return None
    return _Unquoted(start.index, start.index + len(value), start.line, start.column, key, reason)
