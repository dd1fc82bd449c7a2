"""A hostile vault: odd bytes, huge and deep notes, bad YAML, escaping links and odd names.

Each case asserts the exact behaviour (a finding naming the file, or nothing) and that every
other note is still checked: the clean notes' own broken link is found all the same.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.vaults import write_vault
from vaultgraph import load_vault
from vaultgraph.cli import main

# The bytes are odd on purpose: built here rather than kept as files a tool might "repair".
HOSTILE: dict[str, str | bytes] = {
    "Clean.md": "A clean note links to [[Missing Note]] and [[Café]].\n",
    "Café.md": "NFC name\n",
    "Latin-1.md": "Caf\xe9 [[Clean]]\n".encode("latin-1"),
    "UTF-16 BOM.md": "[[Clean]]\n".encode("utf-16"),
    "UTF-16 no BOM.md": "[[Clean]]\n".encode("utf-16-le"),
    "UTF-8 BOM.md": b"\xef\xbb\xbf[[Missing From BOM]]\n",
    "Binary.md": bytes(range(256)),
    "Empty.md": b"",
    "Huge.md": "x" * 5_000_001,
    "One line.md": "word " * 1_000_000,
    "Deep quotes.md": ">" * 10_000 + " [[Lost]]\n\n[[Found After Depth]]\n",
    "Deep list.md": "- " * 10_000 + "x\n",
    "Brackets.md": "[[" * 100_000 + "\n",
    "Unclosed frontmatter.md": "---\ntags: [a]\n[[After Fence]]\n",
    "Alias bomb.md": (
        "---\n"
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "tags: *c\n"
        "---\n"
    ),
    "Big number.md": "---\nn: 1e999999\nm: 123456789012345678901234567890\n---\nok\n",
    "Bad date.md": "---\ndate: 2024-02-30\n---\nok\n",
    "Map for tags.md": "---\ntags: {a: b}\n---\nok\n",
    "CRLF.md": b"one\r\ntwo\r\n[[Missing CRLF]]\r\n",
    "CR.md": b"one\rtwo\r[[Missing CR]]\r",
    "Escape.md": "[[../../etc/passwd]] [x](../../secret.md) [[/etc/passwd]] [f](file:///etc/passwd)\n",
    "names/with space # % [ ] emoji 🚀.md": "odd name\n",
    "names/Nfd e\u0301.md": "NFD name\n",
    "names/Case.md": "upper\n",
    "names/case.md": "lower\n",
}


def _findings(out: str) -> dict[str, list[tuple[int, int, str]]]:
    by_path: dict[str, list[tuple[int, int, str]]] = {}
    for item in json.loads(out):
        by_path.setdefault(item["path"], []).append((item["line"], item["column"], item["rule"]))
    return by_path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_vault(tmp_path_factory.mktemp("hostile"), HOSTILE)
    outside = tmp_path_factory.mktemp("outside")
    (outside / "Secret.md").write_text("[[Never Read]]\n", encoding="utf-8")
    os.symlink(outside, root / "to outside")
    os.symlink(outside / "Secret.md", root / "Secret link.md")
    os.symlink(root / "names", root / "names" / "loop")
    return root


@pytest.fixture(scope="module")
def checked(hostile: Path) -> tuple[dict[str, list[tuple[int, int, str]]], float, int]:
    started = time.monotonic()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", str(hostile), "--format", "json", "--no-cache"])
    return _findings(out.getvalue()), time.monotonic() - started, code


def test_the_run_finishes_in_bounded_time_with_findings(checked: Any) -> None:
    _, seconds, code = checked
    assert code == 1
    assert seconds < 120  # generous: a few seconds here; minutes before the bounds existed


def test_other_notes_are_still_checked(checked: Any) -> None:
    findings, _, _ = checked
    assert findings["Clean.md"] == [(1, 23, "broken-link")]  # [[Café]] resolves, NFC to NFC


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Latin-1.md", [(1, 1, "unreadable-note")]),
        ("UTF-16 BOM.md", [(1, 1, "unreadable-note")]),
        ("UTF-16 no BOM.md", [(1, 1, "unreadable-note")]),
        ("Binary.md", [(1, 1, "unreadable-note")]),
        ("UTF-8 BOM.md", [(1, 1, "broken-link")]),
        ("Huge.md", [(1, 1, "unreadable-note")]),
        ("One line.md", [(1, 1, "unreadable-note")]),
        ("Deep quotes.md", [(1, 1, "unreadable-note"), (3, 1, "broken-link")]),
        ("Deep list.md", [(1, 1, "unreadable-note")]),
        ("Brackets.md", [(1, 1, "unreadable-note")]),
        ("Unclosed frontmatter.md", [(3, 1, "broken-link")]),
        ("Bad date.md", [(2, 1, "invalid-frontmatter")]),
        ("Map for tags.md", [(2, 1, "invalid-frontmatter")]),
        ("Alias bomb.md", [(5, 1, "invalid-frontmatter")]),
        ("CRLF.md", [(3, 1, "broken-link")]),
        ("CR.md", [(3, 1, "broken-link")]),
        ("Escape.md", [(1, 1, "broken-link"), (1, 22, "broken-link"), (1, 43, "broken-link")]),
    ],
)
def test_each_hostile_file(checked: Any, path: str, expected: list[tuple[int, int, str]]) -> None:
    findings, _, _ = checked
    assert sorted(findings.get(path, [])) == expected


def test_quiet_files_give_no_finding(checked: Any) -> None:
    findings, _, _ = checked
    for path in ("Empty.md", "Big number.md", "Café.md", "names/Case.md", "names/case.md"):
        assert path not in findings


def test_nothing_outside_the_vault_is_read(hostile: Path) -> None:
    vault = load_vault(hostile, cache=False)
    assert "Never Read" not in {link.link.target for link in vault.links}
    assert not any(path.startswith(("to outside", "names/loop")) for path in vault.notes)
    assert "Secret link.md" not in vault.notes
    escaping = [r for r in vault.links if r.source == "Escape.md"]
    assert [r.resolved for r in escaping] == [None, None, None]


def test_odd_names_are_notes_and_nodes(hostile: Path) -> None:
    vault = load_vault(hostile, cache=False)
    for name in ("names/with space # % [ ] emoji 🚀.md", "names/Nfd e\u0301.md", "names/case.md"):
        assert name in vault.notes
        assert vault.graph.nodes[name]["kind"] == "note"


def _listing_with(extra: str) -> Any:
    """scan_vault as it would be had ``extra`` been there when the folder was listed."""
    from vaultgraph import vault as vault_module
    from vaultgraph.files import VaultFiles, scan_vault

    def listed(root: Path) -> VaultFiles:
        files = scan_vault(root)
        return VaultFiles(tuple(sorted({*files.notes, extra})), files.attachments, files.skipped)

    return vault_module, listed


def test_a_note_that_vanishes_after_listing_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path, {"Here.md": "[[Gone]] [[Nowhere]]\n"})
    module, listed = _listing_with("Gone.md")
    monkeypatch.setattr(module, "scan_vault", listed)
    vault = load_vault(root, cache=False)
    assert set(vault.unreadable) == {"Gone.md"}
    assert "cannot read" in vault.unreadable["Gone.md"]
    assert "Here.md" in vault.notes
    assert [link.resolved for link in vault.links] == ["Gone.md", None]


def test_a_note_that_cannot_be_opened_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    from vaultgraph import reading

    root = write_vault(tmp_path, {"Locked.md": "[[Other]]\n", "Other.md": "[[Missing]]\n"})

    def refuse(file: str, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("Locked.md"):
            raise PermissionError(13, "Permission denied", str(file))
        return builtins.open(file, *args, **kwargs)

    # Tests run as root, where chmod 000 does not stop a read: refuse it the way the OS would.
    monkeypatch.setattr(reading, "open", refuse, raising=False)
    vault = load_vault(root, cache=False, jobs=1)
    if "Locked.md" not in vault.unreadable:
        pytest.fail(f"the refused read went unnoticed: {sorted(vault.notes)}")
    assert "ermission" in vault.unreadable["Locked.md"]
    assert "Other.md" in vault.notes
