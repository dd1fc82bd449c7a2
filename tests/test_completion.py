"""Shell completion, click's own, through the real environment variable and a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vaultgraph.cli import _COMMANDS

REPO = Path(__file__).resolve().parents[1]


def complete(shell: str, words: str, cword: str) -> str:
    """What ``vaultgraph`` answers the completion script of ``shell`` for ``words``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "_VAULTGRAPH_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": cword,
    }
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


def test_bash_offers_every_command_of_the_lazy_group() -> None:
    offered = complete("bash", "vaultgraph ", "1").splitlines()
    assert "plain,check" in offered
    assert "plain,map" in offered
    assert offered == [f"plain,{name}" for name in sorted(_COMMANDS)]


def test_bash_completes_a_commands_options_and_choices() -> None:
    assert complete("bash", "vaultgraph check --stat", "2") == "plain,--statistics\n"
    assert complete("bash", "vaultgraph check --format ", "3").splitlines() == [
        "plain,text",
        "plain,json",
        "plain,github",
        "plain,sarif",
    ]
    assert complete("bash", "vaultgraph cache ", "2").splitlines() == ["plain,clean", "plain,dir"]


def test_zsh_offers_the_commands_with_their_help() -> None:
    assert complete("zsh", "vaultgraph ch", "1") == (
        "plain\ncheck\nLint a vault with Obsidian's own link rules.\n"
    )
    assert "\nmap\n" in complete("zsh", "vaultgraph ", "1")


def test_fish_offers_the_commands() -> None:
    # fish passes the word being completed as COMP_CWORD
    assert complete("fish", "vaultgraph m", "m").startswith("plain,map\t")
    offered = complete("fish", "vaultgraph ", "")
    assert "plain,check\t" in offered
    assert "plain,map\t" in offered


@pytest.mark.parametrize(
    ("shell", "line"),
    [
        ("bash", "complete -o nosort -F _vaultgraph_completion vaultgraph"),
        ("zsh", "#compdef vaultgraph"),
        (
            "fish",
            'complete --no-files --command vaultgraph --arguments "(_vaultgraph_completion)";',
        ),
    ],
)
def test_the_documented_source_lines_print_each_shells_script(shell: str, line: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "_VAULTGRAPH_COMPLETE": f"{shell}_source"}
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert line in [text.strip() for text in done.stdout.splitlines()]
    doc = (REPO / "docs" / "usage.md").read_text(encoding="utf-8")
    section = doc.split("\n## Shell completion\n")[1]
    assert f"_VAULTGRAPH_COMPLETE={shell}_source vaultgraph" in section
