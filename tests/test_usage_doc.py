"""docs/usage.md shows every option of every command in an example command line."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from markdown_it import MarkdownIt

from vaultgraph.cli import cli

DOCS = Path(__file__).resolve().parents[1] / "docs"


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    with click.Context(group) as ctx:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            if isinstance(command, click.Group):
                yield from commands(command, (*path, name))
            else:
                yield " ".join((*path, name)), command


def example_lines(page: str) -> list[list[str]]:
    """The words of each ``$ vaultgraph ...`` line in the page's console and shell blocks."""
    tokens = MarkdownIt("commonmark").parse((DOCS / page).read_text(encoding="utf-8"))
    lines = []
    for token in tokens:
        if token.type != "fence" or token.info.strip() not in ("console", "shell"):
            continue
        for line in token.content.splitlines():
            if line.startswith("$ vaultgraph "):
                words = shlex.split(line[2:], comments=True)
                # Up to a pipe or a redirection: what follows is another program's.
                ends = [i for i, word in enumerate(words) if word in ("|", ">", "2>&1")]
                lines.append(words[: ends[0]] if ends else words)
    return lines


def shown(command: str, option: click.Option) -> bool:
    words = command.split()
    names = set(option.opts) | set(option.secondary_opts)
    for line in example_lines("usage.md"):
        # "--jobs 2", "--jobs=2" and "-j2" all show the option.
        if line[1 : 1 + len(words)] == words and any(_names(word) & names for word in line[1:]):
            return True
    return False


def _names(word: str) -> set[str]:
    if word.startswith("--"):
        return {word.split("=", 1)[0]}
    if re.fullmatch(r"-\w.*", word):
        return {word[:2]}
    return set()


ALL = [
    (name, option)
    for name, command in commands(cli)
    for option in command.params
    if isinstance(option, click.Option) and option.name != "help"
]


def test_every_command_has_options_to_check() -> None:
    # The walk reaches the lazily imported commands and the cache subcommands.
    assert {"check", "map", "path", "cache clean"} <= {name for name, _ in ALL}


@pytest.mark.parametrize(
    ("command", "option"), ALL, ids=[f"{name} {option.opts[-1]}" for name, option in ALL]
)
def test_every_option_has_an_example(command: str, option: click.Option) -> None:
    assert shown(command, option), (
        f"docs/usage.md has no `$ vaultgraph {command} ... {option.opts[-1]}` example"
    )
