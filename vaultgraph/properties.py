"""Frontmatter properties: tags, aliases and links, read with python-frontmatter's YAML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from vaultgraph.model import Link, LinkKind, LinkSyntax, Problem, Tag
from vaultgraph.plugins.tags import tag_length
from vaultgraph.plugins.wikilinks import find_wikilink_end, split_wikilink

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


def _load(yaml_text: str, base: type[Any] = _FAST_LOADER) -> tuple[Any, list[_Scalar]]:
    """Load YAML as python-frontmatter does (a SafeLoader), noting where each string stands.

    The loader is made per call so the positions it collects belong to this text only. Aliases are
    constructed once by PyYAML, so an alias bomb costs nothing here.
    """
    scalars: list[_Scalar] = []
    keys: list[str] = []

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
                mark = node.start_mark
                scalars.append(_Scalar(value, mark.line, mark.column, tuple(keys)))
            return value

    data = YAMLHandler().load(yaml_text, Loader=_PositionLoader)
    return data, scalars


def read_properties(yaml_text: str, first_line: int, lines: list[str]) -> Properties:
    """Read a frontmatter block whose YAML starts at 1-based ``first_line`` of ``lines``.

    Never raises for bad YAML: the problem is recorded and the note keeps its body.
    """
    try:
        try:
            data, scalars = _load(yaml_text)
        except yaml.YAMLError:
            data, scalars = _load(yaml_text, yaml.SafeLoader)  # for its message and position
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        column = (mark.column if mark else 0) + 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        problem = Problem(
            "frontmatter-yaml", f"invalid YAML in frontmatter: {reason}", line, column
        )
        return Properties({}, (), (), (), (problem,))
    except (ValueError, TypeError, RecursionError) as error:
        # Values PyYAML can parse but not build (a date like 2024-02-30, deep recursion).
        problem = Problem(
            "frontmatter-yaml", f"invalid YAML in frontmatter: {error}", first_line, 1
        )
        return Properties({}, (), (), (), (problem,))
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
    problems: list[Problem] = []
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
        while (opener := text.find("[[", start)) >= 0:
            end = find_wikilink_end(text, opener + 2, len(text))
            if end < 0:
                start = opener + 2
                continue
            embed = opener > 0 and text[opener - 1] == "!"
            raw_start = opener - 1 if embed else opener
            parts = split_wikilink(text[opener + 2 : end - 2])
            line = first_line + scalar.line
            source = lines[line - 1] if line - 1 < len(lines) else ""
            # The scalar may be quoted or folded: find the link in its source line when it is there.
            found = source.find(text[raw_start:end], scalar.column)
            column = (found if found >= 0 else scalar.column) + 1
            yield Link(
                LinkKind.EMBED if embed else LinkKind.LINK,
                LinkSyntax.PROPERTY,
                text[raw_start:end],
                parts.target,
                parts.subpath,
                parts.display,
                line,
                column,
            )
            start = end
