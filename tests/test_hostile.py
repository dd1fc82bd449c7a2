"""A hostile vault: odd bytes, huge and deep notes, bad YAML, escaping links and odd names.

Each case asserts the exact behaviour (a finding naming the file, or nothing) and that every
other note is still checked: the clean notes' own broken link is found all the same.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import subprocess
import sys
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
    "UTF-16 BE no BOM.md": "[[Clean]]\n".encode("utf-16-be"),
    "UTF-8 BOM.md": b"\xef\xbb\xbf[[Missing From BOM]]\n",
    "Binary.md": bytes(range(256)),
    # UTF-8 with NUL bytes in a pasted hex dump: read, and nothing in the fence is a link.
    "Hex dump.md": (
        "# Header of [[Clean]]\n"
        "```pdf\n%PDF-1.7\n\x00\x00\x00\x0c1 0 obj\x00\x01 [[Not A Link]]\n```\n"
        "After\x00the dump: [[Missing After Dump]]\n"
    ),
    "All NUL.md": bytes(4096),
    "PNG.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
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


def _check_json(root: Path) -> tuple[str, float, int]:
    """``vaultgraph check --format json`` over ``root``: its output, seconds taken, exit code."""
    started = time.monotonic()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", str(root), "--format", "json", "--no-cache"])
    return out.getvalue(), time.monotonic() - started, code


@pytest.fixture(scope="module")
def checked_json(hostile: Path) -> tuple[str, float, int]:
    return _check_json(hostile)


@pytest.fixture(scope="module")
def checked(
    checked_json: tuple[str, float, int],
) -> tuple[dict[str, list[tuple[int, int, str]]], float, int]:
    out, seconds, code = checked_json
    return _findings(out), seconds, code


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
        ("UTF-16 BE no BOM.md", [(1, 1, "unreadable-note")]),
        ("Binary.md", [(1, 1, "unreadable-note")]),
        ("Hex dump.md", [(6, 17, "broken-link")]),
        ("All NUL.md", [(1, 1, "unreadable-note")]),
        ("PNG.md", [(1, 1, "unreadable-note")]),
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


_NOT_CHECKED = "; note skipped, nothing in it was checked"
_UTF16 = "file is UTF-16 encoded; vaultgraph reads UTF-8 notes" + _NOT_CHECKED


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("Latin-1.md", "not UTF-8 (byte 0xe9 at offset 3)" + _NOT_CHECKED),
        ("UTF-16 BOM.md", _UTF16),
        ("UTF-16 no BOM.md", _UTF16),
        ("UTF-16 BE no BOM.md", _UTF16),
        ("Binary.md", "binary file (NUL byte at offset 0)" + _NOT_CHECKED),
        ("All NUL.md", "binary file (NUL byte at offset 0)" + _NOT_CHECKED),
        ("PNG.md", "binary file (NUL byte at offset 8)" + _NOT_CHECKED),
        (
            "Huge.md",
            "note is 5,000,001 characters long, over the limit of 5,000,000: it was not read",
        ),
    ],
)
def test_unreadable_notes_say_why(
    checked_json: tuple[str, float, int], path: str, message: str
) -> None:
    reported = [item for item in json.loads(checked_json[0]) if item["path"] == path]
    assert [(item["rule"], item["message"]) for item in reported] == [("unreadable-note", message)]


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


def test_nul_bytes_in_a_utf8_note_cost_it_no_link_and_no_position(hostile: Path) -> None:
    vault = load_vault(hostile, cache=False)
    links = [r for r in vault.links if r.source == "Hex dump.md"]
    found = [(r.link.target, r.link.line, r.link.column, r.resolved) for r in links]
    assert found == [("Clean", 1, 13, "Clean.md"), ("Missing After Dump", 6, 17, None)]
    assert vault.graph.has_edge("Hex dump.md", "Clean.md")
    assert {"All NUL.md", "PNG.md", "Binary.md"} <= set(vault.unreadable)


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
    from vaultgraph import files, reading

    root = write_vault(tmp_path, {"Locked.md": "[[Other]]\n", "Other.md": "[[Missing]]\n"})

    def refuse(file: str, **kwargs: Any) -> Any:
        if str(file).endswith("Locked.md"):
            raise PermissionError(13, "Permission denied", str(file))
        return files.read_regular(file, **kwargs)

    # Tests run as root, where chmod 000 does not stop a read: refuse it the way the OS would.
    monkeypatch.setattr(reading, "read_regular", refuse)
    vault = load_vault(root, cache=False, jobs=1)
    if "Locked.md" not in vault.unreadable:
        pytest.fail(f"the refused read went unnoticed: {sorted(vault.notes)}")
    assert "ermission" in vault.unreadable["Locked.md"]
    assert "Other.md" in vault.notes


def test_names_that_differ_only_in_case_are_two_notes_and_links_pick_the_first(
    tmp_path: Path,
) -> None:
    # On a case-sensitive file system (Linux) both files exist. Obsidian compares names without
    # case, so every spelling names both, and path order picks one: upper case sorts first.
    root = write_vault(
        tmp_path,
        {
            "Note.md": "upper\n",
            "note.md": "lower\n",
            "Src.md": "[[NOTE]] [[note]] [[Note.md]] [[CASE]]\n",
            "names/Case.md": "upper\n",
            "names/case.md": "lower\n",
            "names/Other.md": "[[case]] [[NOTE]]\n",
        },
    )
    vault = load_vault(root, cache=False)
    assert {"Note.md", "note.md", "names/Case.md", "names/case.md"} <= set(vault.notes)
    assert vault.graph.nodes["note.md"]["kind"] == "note"
    assert vault.graph.in_degree("note.md") == 0
    links = [(r.source, r.resolved, r.candidates, r.rule.value) for r in vault.links]
    root_pair, folder_pair = ("Note.md", "note.md"), ("names/Case.md", "names/case.md")
    assert links == [
        ("Src.md", "Note.md", root_pair, "exact-path"),
        ("Src.md", "Note.md", root_pair, "exact-path"),
        ("Src.md", "Note.md", root_pair, "exact-path"),
        ("Src.md", "names/Case.md", folder_pair, "shortest-path"),
        ("names/Other.md", "names/Case.md", folder_pair, "same-folder"),
        ("names/Other.md", "Note.md", root_pair, "exact-path"),
    ]
    out, _, code = _check_json(root)
    # A link that is the files' vault path is not reported (path order still picked); one that
    # names them by name alone, from their folder or from another, is ambiguous.
    assert _findings(out) == {
        "Src.md": [(1, 31, "ambiguous-link")],
        "names/Other.md": [(1, 1, "ambiguous-link")],
    }
    assert code == 1


# A 20 MB note among normal ones: generated Markdown full of links, tags and list items, so that
# parsing it (which the size bound prevents) would cost minutes and gigabytes, not go unnoticed.
_HUGE_CHARS = 20_000_000
_HUGE_LINE = "- an item linking [[Clean]] and [[Nowhere]], tagged #big, with **bold** text\n"
_NEIGHBOURS: dict[str, str | bytes] = {
    "Clean.md": "# Clean\nLinks [[Other]], [[Huge]] and [[Missing]].\n",
    "Other.md": "- [[Clean]]\n- \n",
    "sub/Deep.md": "[[Huge|the big one]] and [[Clean#Clean]]\n",
}


@pytest.fixture(scope="module")
def huge_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = (_HUGE_LINE * (_HUGE_CHARS // len(_HUGE_LINE) + 1))[:_HUGE_CHARS]
    return write_vault(tmp_path_factory.mktemp("huge"), {**_NEIGHBOURS, "Huge.md": text})


def test_a_20_mb_note_is_reported_and_every_other_note_is_checked(huge_vault: Path) -> None:
    assert (huge_vault / "Huge.md").stat().st_size == _HUGE_CHARS
    out, seconds, code = _check_json(huge_vault)
    assert seconds < 30  # well under a second; parsing the note would take over a minute
    assert code == 1
    reported = [
        (i["path"], i["line"], i["column"], i["rule"], i["message"]) for i in json.loads(out)
    ]
    assert reported == [
        (
            "Clean.md",
            2,
            31,
            "broken-link",
            'broken link [[Missing]]: no note or file named "Missing"',
        ),
        (
            "Huge.md",
            1,
            1,
            "unreadable-note",
            "note is 20,000,000 characters long, over the limit of 5,000,000: it was not read",
        ),
        ("Other.md", 2, 1, "empty-bullet", 'empty list item "-"'),
    ]


def test_a_20_mb_note_is_a_node_with_no_links_of_its_own(huge_vault: Path) -> None:
    vault = load_vault(huge_vault, cache=False)
    assert sorted(vault.notes) == ["Clean.md", "Huge.md", "Other.md", "sub/Deep.md"]
    assert vault.unreadable == {}
    assert [p.code for p in vault.notes["Huge.md"].problems] == ["note-too-large"]
    assert vault.notes["Huge.md"].links == ()
    assert vault.graph.nodes["Huge.md"]["kind"] == "note"
    assert vault.graph.out_degree("Huge.md") == 0
    assert sorted(source for source, _ in vault.graph.in_edges("Huge.md")) == [
        "Clean.md",
        "sub/Deep.md",
    ]
    assert all(vault.graph.nodes[path]["kind"] == "note" for path in _NEIGHBOURS)


# Run in a fresh interpreter, so that RUSAGE_CHILDREN counts the one command and no earlier
# child of the test process (a browser, another CLI run) could stand in for it.
_PEAK_RSS = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _peak_rss_mib(root: Path) -> tuple[int, float]:
    """Exit code and peak resident memory (MiB) of ``vaultgraph check`` over ``root``."""
    command = [sys.executable, "-m", "vaultgraph", "check", str(root), "--no-cache"]
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, *command],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    code, peak = (int(word) for word in done.stdout.split())
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    return code, peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def test_a_20_mb_note_costs_its_bytes_in_memory_not_a_parse(
    huge_vault: Path, tmp_path: Path
) -> None:
    small = write_vault(tmp_path, _NEIGHBOURS)
    small_code, baseline = _peak_rss_mib(small)
    huge_code, peak = _peak_rss_mib(huge_vault)
    assert (small_code, huge_code) == (1, 1)
    # Measured: the 20 MB note adds about 38 MiB to the peak (26 MiB for the small vault, 64 MiB
    # with it): its bytes and its text. Parsing it into tokens would add about 2 GiB (110 MiB per
    # MB of note); parsing even its first 2 MB would break this bound.
    assert peak < baseline + 200, f"peak {peak:.0f} MiB, small vault {baseline:.0f} MiB"


def test_links_into_a_note_too_large_to_read_are_not_called_broken(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path,
        {
            "Big.md": "# Part\n" + "x" * 5_000_000 + " ^block\n",
            "Src.md": "[[Big#Part]] [[Big#^block]]\n",
        },
    )
    out, _, _ = _check_json(root)
    assert _findings(out) == {"Big.md": [(1, 1, "unreadable-note")]}


# A vault's own settings and files must not stall a run: each case runs vaultgraph in a process
# of its own, so that a hang fails the test at its timeout (before the bounds, these waited
# forever or for hours) and memory is capped (a read of /dev/zero grew without end).

_BROKEN = {"Other.md": "[[Missing]]\n"}


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _check_alone(root: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """``vaultgraph check`` over ``root`` in its own process: at most 60 s and 2 GiB."""
    return subprocess.run(
        [sys.executable, "-m", "vaultgraph", "check", str(root), *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory if sys.platform != "win32" else None,
        env=env,
        check=False,
    )


def _app_json(root: Path, content: str | bytes) -> Path:
    write_vault(root, {".obsidian/app.json": content})
    return root / ".obsidian" / "app.json"


def test_a_filter_regex_with_nested_quantifiers_does_not_stall_the_run(tmp_path: Path) -> None:
    # re needs twice as long for each further "a": 0.3 s for 22 of them, about a day for 40.
    name = "a" * 40 + "!"
    root = write_vault(tmp_path, {**_BROKEN, f"{name}.md": "[[Gone]]\n"})
    _app_json(root, json.dumps({"userIgnoreFilters": ["/(a+)+$/", "/^other/"]}))
    started = time.monotonic()
    done = _check_alone(root, "--no-cache")
    assert time.monotonic() - started < 30  # a second or so; the bound is the timeout's
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines()[0].startswith(f"{name}.md:1:1: VG101 broken link [[Gone]]")
    assert "Other.md" not in done.stdout  # the other filter still applies


def test_an_exclude_glob_full_of_stars_does_not_stall_a_deep_vault(tmp_path: Path) -> None:
    # The translation of before took time the depth to the power of the stars: over a minute.
    deep = "/".join(["d"] * 240) + "/Deep.md"
    root = write_vault(tmp_path, {**_BROKEN, deep: "[[Gone]]\n"})
    write_vault(root, {".vaultgraph.toml": 'exclude = ["**/**/**/**/**/x", "Other.md"]\n'})
    done = _check_alone(root, "--no-cache")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith(f"{deep}:1:1: VG101")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_app_json_that_is_a_named_pipe_is_a_warning(tmp_path: Path) -> None:
    root = write_vault(tmp_path, _BROKEN)
    (root / ".obsidian").mkdir()
    os.mkfifo(root / ".obsidian" / "app.json")
    for args in (["--no-cache"], []):  # the check and its memo both read app.json
        done = _check_alone(root, *args, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
        assert done.returncode == 1
        assert done.stderr == (
            f"warning: {root / '.obsidian' / 'app.json'}: cannot read: not a regular file "
            "(a named pipe); Obsidian's excluded files not applied\n"
        )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_app_json_linked_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    root = write_vault(tmp_path, _BROKEN)
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").symlink_to("/dev/zero")
    done = _check_alone(root, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert done.returncode == 1
    assert "cannot read: a symlink to outside the vault" in done.stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[" * 20_000 + "]" * 20_000, "nested too deeply to read"),
        (" " * (1 << 20) + '{"userIgnoreFilters": ["O"]}', "cannot read: over 1,048,576 bytes"),
    ],
)
def test_app_json_that_cannot_be_read_safely_is_a_warning_and_the_run_goes_on(
    tmp_path: Path, content: str, problem: str
) -> None:
    root = write_vault(tmp_path, _BROKEN)
    app = _app_json(root, content)
    done = _check_alone(root, "--no-cache")
    assert done.returncode == 1  # findings, as without the file: it is Obsidian's, not ours
    assert "Other.md:1:1: VG101" in done.stdout
    assert done.stderr == f"warning: {app}: {problem}; Obsidian's excluded files not applied\n"


def test_app_json_linked_from_outside_the_vault_is_not_applied(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", _BROKEN)
    outside = write_vault(tmp_path / "elsewhere", {"app.json": '{"userIgnoreFilters": ["O"]}'})
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").symlink_to(outside / "app.json")
    done = _check_alone(root, "--no-cache")
    assert done.returncode == 1
    assert "Other.md:1:1: VG101" in done.stdout
    assert "a symlink to outside the vault" in done.stderr


_SWAPPED = """
import os, sys
from pathlib import Path
from vaultgraph import load_vault, vault
from vaultgraph.files import scan_vault

root = Path(sys.argv[1])

def listed(path):
    files = scan_vault(path)
    os.unlink(root / "Pipe.md")  # after the listing, before the read
    os.mkfifo(root / "Pipe.md")
    return files

vault.scan_vault = listed
found = load_vault(root, cache=False, jobs=1)
print(found.unreadable["Pipe.md"], sorted(found.notes))
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_note_swapped_for_a_named_pipe_after_listing_is_unreadable(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {**_BROKEN, "Pipe.md": "[[Other]]\n"})
    done = subprocess.run(
        [sys.executable, "-c", _SWAPPED, str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == "cannot read: not a regular file (a named pipe) ['Other.md']\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_note_swapped_for_a_named_pipe_after_a_remembered_check(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {**_BROKEN, "Pipe.md": "[[Other]]\n"})
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert _check_alone(root, env=env).returncode == 1
    (root / "Pipe.md").unlink()
    os.mkfifo(root / "Pipe.md")  # listed again, it is no note: the memo gives way to a check
    done = _check_alone(root, env=env)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("Other.md:1:1: VG101")


def test_a_filter_too_costly_to_match_excludes_nothing_and_says_so(tmp_path: Path) -> None:
    from vaultgraph.lint.obsidian import read_excluded_files

    # Telling whether the letter 20 before the end is an "a" takes a million automaton states.
    app = _app_json(tmp_path, json.dumps({"userIgnoreFilters": ["/(a|b)*a(a|b){20}$/", "x"]}))
    paths = sorted("".join(random.Random(n).choices("ab", k=60)) for n in range(10_000))
    started = time.monotonic()
    excluded, warnings = read_excluded_files(tmp_path).matching([*paths, "x.md"])
    assert time.monotonic() - started < 20  # about a second
    # Dropped whole, not after the paths it answered first: the same paths every run.
    assert excluded == {"x.md"}
    assert warnings == (
        f"{app}: excluded-files entry '/(a|b)*a(a|b){{20}}$/' is too costly to match "
        "(over 2,000,000 steps of work); it excludes nothing",
    )


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("/(a)\\1/", "cannot be used (uses a backreference, which needs backtracking)"),
        ("/(?=a)b/", "cannot be used (uses a lookahead or lookbehind, which needs backtracking)"),
        (["/x/"], "is not a non-empty string"),
    ],
)
def test_a_filter_that_cannot_be_matched_safely_is_a_warning(
    tmp_path: Path, entry: object, reason: str
) -> None:
    from vaultgraph.lint.obsidian import read_excluded_files

    app = _app_json(tmp_path, json.dumps({"userIgnoreFilters": [entry, "Daily/"]}))
    found = read_excluded_files(tmp_path)
    assert [test.entry for test in found.filters] == ["Daily/"]
    (warning,) = found.warnings
    assert warning.startswith(f"{app}: excluded-files entry ")
    assert warning.endswith(f" {reason}; ignored")


def _unlistable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` one the listing cannot open, as a folder without read permission is."""
    real_scandir = os.scandir
    refused = os.path.realpath(folder)

    def scandir(path: Any) -> Any:
        # Root, who runs many CI containers, can list a chmod 000 folder: refuse as the OS would.
        if isinstance(path, str | os.PathLike) and os.fspath(path) == refused:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_links_into_a_folder_that_cannot_be_read_say_the_target_may_be_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(
        tmp_path,
        {
            "Here.md": "[[Secret]] ![[private/plan.png]] [[AI]] [[../out]]\n",
            "Intelligence.md": "---\naliases: [AI]\n---\n",
            "private/Secret.md": "",
            "private/plan.png": b"\x89PNG",
        },
    )
    _unlistable(monkeypatch, root / "private")
    code, out, err = _check(capsys, root, "--fix")
    maybe = '; it may be in "private", which vaultgraph could not read'
    assert code == 1
    assert out.splitlines()[:4] == [
        f'Here.md:1:1: VG101 broken link [[Secret]]: no note or file named "Secret"{maybe}',
        "Here.md:1:12: VG102 broken embed ![[private/plan.png]]: "
        f'no note or file named "private/plan.png"{maybe}',
        'Here.md:1:34: VG101 broken link [[AI]]: no note or file named "AI"; it is an alias of '
        f'"Intelligence", and aliases are not link targets (write [[Intelligence|AI]]){maybe}',
        # A link out of the vault cannot be in any folder of it.
        'Here.md:1:41: VG101 broken link [[../out]]: "../out" points outside the vault',
    ]
    # Not rewritten: an AI.md in the folder that could not be read would be the target.
    assert (root / "Here.md").read_text(encoding="utf-8").startswith("[[Secret]] ![[private/")
    assert f"warning: skipped {root / 'private'}: cannot list folder: Permission denied\n" in err


def _check(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    code = main(["check", *(str(arg) for arg in args)])
    out, err = capsys.readouterr()
    return code, out, err
