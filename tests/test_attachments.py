"""Unused attachments: what counts as a use, and snippets read as hostile files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.clirun import run
from tests.vaults import write_vault
from vaultgraph.attachments import Unused, named_in_snippets, unused_attachments
from vaultgraph.vault import load_vault


def unused(root: Path) -> list[str]:
    return [u.path for u in unused_attachments(load_vault(root, cache=False))]


def test_every_kind_of_use_keeps_a_file(tmp_path: Path) -> None:
    write_vault(
        tmp_path,
        {
            "Home.md": (
                "---\nphotos:\n  - trip/one.jpg\n  - {best: two.jpg}\nup: '[[three.png]]'\n---\n"
                "![[four.png]] [five](five.pdf) <img src=six.gif>\n"
            ),
            "a/one.jpg": b"1",
            "b/two.jpg": b"2",
            "three.png": b"3",
            "four.png": b"4",
            "five.pdf": b"5",
            "deep/six.gif": b"6",
            "seven.png": b"7",
            ".obsidian/snippets/x.css": "a { background: url( 'img/SEVEN.PNG' ) }",
            "eight.png": b"8",
        },
    )
    # Names count in any folder and any case: a file only this rule would miss stays.
    assert unused(tmp_path) == ["eight.png"]


def test_a_link_to_itself_or_a_mention_in_plain_text_is_no_use(tmp_path: Path) -> None:
    write_vault(tmp_path, {"A.md": "eight.png, as plain text\n", "eight.png": b"8"})
    assert unused(tmp_path) == ["eight.png"]


def test_sizes_are_the_files_own(tmp_path: Path) -> None:
    write_vault(tmp_path, {"A.md": "", "big.bin": b"x" * 2048})
    assert unused_attachments(load_vault(tmp_path, cache=False)) == (Unused("big.bin", 2048),)


def test_snippets_that_cannot_be_read_safely_name_nothing(tmp_path: Path) -> None:
    outside = write_vault(tmp_path / "outside", {"evil.css": "a { b: url(out.png) }"})
    vault = write_vault(
        tmp_path / "vault",
        {
            ".obsidian/snippets/ok.css": "a { b: url(ok.png) }",
            ".obsidian/snippets/huge.css": "a { b: url(huge.png) }" + " " * (1 << 20),
            ".obsidian/snippets/not-css.txt": "a { b: url(txt.png) }",
        },
    )
    snippets = vault / ".obsidian" / "snippets"
    (snippets / "link.css").symlink_to(outside / "evil.css")
    os.mkfifo(snippets / "pipe.css")
    (snippets / "folder.css").mkdir()
    assert named_in_snippets(vault) == {"ok.png"}
    assert named_in_snippets(tmp_path / "no vault here") == frozenset()


@pytest.fixture
def vault_with_unused(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path,
        {"A.md": "![[used.png]]\n", "used.png": b"u", "big.pdf": b"x" * 1500, "small.txt": b"s"},
    )


def test_stats_counts_unused_attachments_and_lists_the_largest(
    vault_with_unused: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "stats", vault_with_unused, "--no-cache")
    assert code == 0
    assert "Unused attachments       2  (1.5 kB)\n" in out
    assert out.endswith("Largest unused attachments\n  1.5 kB  big.pdf\n  1 byte  small.txt\n")
    code, out, _ = run(capsys, "stats", vault_with_unused, "--no-cache", "--format", "json")
    assert json.loads(out)["unused_attachments"] == {
        "count": 2,
        "bytes": 1501,
        "largest": [{"path": "big.pdf", "bytes": 1500}, {"path": "small.txt", "bytes": 1}],
    }


def test_check_reports_them_only_when_selected(
    vault_with_unused: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", vault_with_unused, "--no-cache", "-q")[0] == 0
    code, out, _ = run(
        capsys,
        "check",
        vault_with_unused,
        "--no-cache",
        "-q",
        "--extend-select",
        "unused-attachment",
    )
    assert code == 1
    assert [line.split(": ")[0:2] for line in out.splitlines()] == [
        ["big.pdf:1:1", "VG402 unused attachment (1.5 kB)"],
        ["small.txt:1:1", "VG402 unused attachment (1 byte)"],
    ]
