"""Obsidian's link settings from app.json: every value read, every bad one a warning."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from tests.clirun import run
from tests.vaults import write_vault
from vaultgraph.settings import ObsidianSettings, read_settings
from vaultgraph.vault import load_vault

SOURCE = ".obsidian/app.json"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({}, ("shortest", False, "/")),
        ({"newLinkFormat": "relative"}, ("relative", False, "/")),
        ({"newLinkFormat": "absolute", "useMarkdownLinks": True}, ("absolute", True, "/")),
        ({"attachmentFolderPath": "./"}, ("shortest", False, "./")),
        ({"attachmentFolderPath": "./attachments"}, ("shortest", False, "./attachments")),
        ({"attachmentFolderPath": "assets/img"}, ("shortest", False, "assets/img")),
        ({"attachmentFolderPath": ""}, ("shortest", False, "/")),
        ({"userIgnoreFilters": ["x"], "other": {"deep": [1]}}, ("shortest", False, "/")),
    ],
)
def test_good_values(document: object, expected: tuple[str, bool, str]) -> None:
    found = read_settings(json.dumps(document).encode(), SOURCE)
    assert (found.new_link_format, found.use_markdown_links, found.attachment_folder_path) == (
        expected
    )
    assert found.warnings == ()


@pytest.mark.parametrize(
    ("document", "warning"),
    [
        ({"newLinkFormat": "short"}, 'newLinkFormat is "short", not "shortest" or "relative" or'),
        ({"newLinkFormat": 3}, "newLinkFormat is 3, not"),
        ({"useMarkdownLinks": "yes"}, 'useMarkdownLinks is "yes", not true or false; false used'),
        ({"attachmentFolderPath": "../out"}, 'attachmentFolderPath is "../out", not a folder'),
        ({"attachmentFolderPath": "a/../../b"}, "attachmentFolderPath is"),
        ({"attachmentFolderPath": "a\x00b"}, 'attachmentFolderPath is "a\\u0000b"'),
        ({"attachmentFolderPath": ["x"]}, 'attachmentFolderPath is ["x"]'),
        ({"attachmentFolderPath": "x" * 5000}, "attachmentFolderPath is"),
    ],
)
def test_bad_values_are_warnings_and_defaults(document: object, warning: str) -> None:
    found = read_settings(json.dumps(document).encode(), SOURCE)
    assert (found.new_link_format, found.use_markdown_links, found.attachment_folder_path) == (
        "shortest",
        False,
        "/",
    )
    (said,) = found.warnings
    assert said.startswith(f"{SOURCE}: {warning}")
    assert len(said) < 250  # a huge value is cut, not echoed


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe", "cannot read: not UTF-8"),
        (b"[1, 2]", "not a JSON object"),
        (b"{", "not a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply to read"),
        (OSError(errno.EFBIG, "over 1,048,576 bytes"), "cannot read: over 1,048,576 bytes"),
    ],
)
def test_unreadable_files_are_a_warning_and_defaults(data: bytes | OSError, reason: str) -> None:
    found = read_settings(data, SOURCE)
    assert found == ObsidianSettings(warnings=(f"{SOURCE}: {reason}; defaults used",))


def test_a_missing_file_is_obsidians_defaults() -> None:
    assert read_settings(FileNotFoundError(errno.ENOENT, "gone"), SOURCE) == ObsidianSettings()


@pytest.mark.parametrize(
    ("setting", "note", "folder"),
    [
        ("/", "Notes/A.md", ""),
        ("./", "Notes/A.md", "Notes"),
        ("./", "A.md", ""),
        ("./img", "Notes/A.md", "Notes/img"),
        ("./img/", "A.md", "img"),
        ("assets/img/", "Notes/A.md", "assets/img"),
    ],
)
def test_the_attachment_folder_of_a_note(setting: str, note: str, folder: str) -> None:
    assert ObsidianSettings(attachment_folder_path=setting).attachment_folder(note) == folder


def test_a_vault_exposes_its_settings(tmp_path: Path) -> None:
    app = {"newLinkFormat": "relative", "useMarkdownLinks": True, "attachmentFolderPath": "./"}
    write_vault(tmp_path, {"a.md": "", ".obsidian/app.json": json.dumps(app)})
    settings = load_vault(tmp_path, cache=False).settings
    assert (settings.new_link_format, settings.use_markdown_links) == ("relative", True)
    assert settings.attachment_folder("x/a.md") == "x"


def test_check_says_what_it_cannot_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = {"newLinkFormat": "short", "attachmentFolderPath": "../../etc"}
    write_vault(tmp_path, {"a.md": "# A\n", ".obsidian/app.json": json.dumps(app)})
    code, out, err = run(capsys, "check", tmp_path, "--no-cache")
    assert (code, out) == (0, "All checks passed: 1 note, no problems.\n")
    assert [line.split(": ", 2)[2].split(",")[0] for line in err.splitlines()] == [
        'newLinkFormat is "short"',
        'attachmentFolderPath is "../../etc"',
    ]
