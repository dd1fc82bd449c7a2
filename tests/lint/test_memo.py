"""The check's memo: a replay or a partial re-check gives exactly what a full check gives."""

from __future__ import annotations

import contextlib
import os
import pickle
import shlex
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vaultgraph.reading
import vaultgraph.store.checks
from tests.vaults import write_vault
from vaultgraph import vault as vault_module
from vaultgraph.lint.config import Config, load_config
from vaultgraph.lint.memo import MAX_CONFIGURATIONS, MAX_EDITED, remembered_check
from vaultgraph.lint.runner import CheckRun, check_vault
from vaultgraph.model import Note
from vaultgraph.parse import parse_note
from vaultgraph.vault import load_vault

NOTES: dict[str, str | bytes] = {
    "Hub.md": (
        "---\naliases: [Centre]\n---\n# Hub\n\n## Setup\n\nSee [[Guide#Install]], [[Guide#Nope]],"
        " [[Guide#^step]], [[Guide#^nope]], [[Same]] and [[Missing note]].\n\n- \n- item ^dup\n"
        "- other ^dup\n"
    ),
    "Guide.md": "# Guide\n\n## Install\n\nStep one. ^step\n\n## Use\n\nBack to [[Hub#Setup]].\n",
    "folder/Leaf.md": (
        "Links [[Hub]], [[Centre]], [[Guid]] and ![[missing.png]].\n"
        "<!-- vaultgraph-disable-next-line not-a-rule -->\n[[Also missing]]\n"
    ),
    "folder/Other.md": "# Other\n\n[[Leaf#Top]] | [[Hub#Setup]]\n",
    "img/pic.png": b"\x89PNG\r\n\x1a\n",
    "a/Same.md": "one",
    "b/Same.md": "two",
    "Binary.md": b"\x00\x01\x02\xff" * 10,
}


def full(root: Path, config: Config) -> CheckRun:
    return check_vault(load_vault(root, cache=False), config)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", NOTES)


@pytest.fixture
def memo_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def no_full_load(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call to make any further full load of the vault fail the test."""

    def forbid() -> None:
        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("the memo should have answered without loading the vault")

        monkeypatch.setattr(vault_module, "load_stamped", refuse)

    return forbid


@pytest.fixture
def memo_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The vaults loaded in full by remembered_check (not by the tests' own full checks)."""
    loads: list[Path] = []
    original = vault_module.load_stamped

    def counting(root: Path, **kwargs: Any) -> vault_module.Stamped:
        if kwargs.get("cache") is not False:
            loads.append(root)
        return original(root, **kwargs)

    monkeypatch.setattr(vault_module, "load_stamped", counting)
    return loads


def test_a_warm_check_replays_the_findings_without_loading(
    vault: Path, memo_dir: Path, no_full_load: Callable[[], None]
) -> None:
    config = load_config(vault)
    first = remembered_check(vault, config, directory=memo_dir)
    assert first == full(vault, config)
    assert {f.code for f in first.findings} == {
        "VG101",
        "VG102",
        "VG103",
        "VG104",
        "VG105",
        "VG201",
        "VG202",
        "VG302",
    }
    assert first.warnings  # the unknown rule in a suppression comment
    no_full_load()
    assert remembered_check(vault, config, directory=memo_dir) == first


EDITS: dict[str, Callable[[Path], object]] = {
    "append a broken link": lambda v: _append(v / "folder/Leaf.md", "\n[[Nowhere at all]]\n"),
    "rename the heading others link to": lambda v: _replace(v / "Guide.md", "## Install", "## Set"),
    "drop the block id others link to": lambda v: _replace(v / "Guide.md", " ^step", ""),
    "add the heading a link wanted": lambda v: _append(v / "Guide.md", "\n## Nope\n"),
    "link a heading of an unchanged note": lambda v: _append(
        v / "folder/Other.md", "\n[[Guide#Use]] [[Guide#Gone]] [[Hub#^dup]]\n"
    ),
    "fix the empty bullet": lambda v: _replace(v / "Hub.md", "- \n", "- done\n"),
    "suppress a finding": lambda v: _replace(
        v / "folder/Leaf.md", "[[Also missing]]", "%% vaultgraph-disable-next-line %%\n[[Also]]"
    ),
    "touch without a change": lambda v: os.utime(v / "Hub.md", ns=(1, 1_000_000_000)),
    # Only the notes whose check used the index of names and aliases are checked again.
    "change an alias a broken link names": lambda v: _replace(v / "Hub.md", "[Centre]", "[Mid]"),
    "add an alias a broken link names": lambda v: _replace(
        v / "Guide.md", "# Guide\n", "---\naliases: [Guid]\n---\n# Guide\n"
    ),
}
FALLBACKS: dict[str, Callable[[Path], object]] = {
    "add a note": lambda v: write_vault(v, {"New.md": "[[Hub]]"}),
    "remove a note": lambda v: (v / "folder/Other.md").unlink(),
    "add an image": lambda v: write_vault(v, {"missing.png": b"png"}),
    "make a note binary": lambda v: (v / "Guide.md").write_bytes(b"\x00\xff" * 8),
    "mend the binary note": lambda v: (v / "Binary.md").write_text("[[Hub]]", encoding="utf-8"),
    "configure": lambda v: write_vault(v, {".vaultgraph.toml": 'ignore = ["VG103"]\n'}),
    "exclude in Obsidian": lambda v: write_vault(
        v, {".obsidian/app.json": '{"userIgnoreFilters": ["folder/"]}'}
    ),
}


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_is_checked_again_without_loading_the_vault(
    edit: str, vault: Path, memo_dir: Path, no_full_load: Callable[[], None]
) -> None:
    config = load_config(vault)
    before = remembered_check(vault, config, directory=memo_dir)
    EDITS[edit](vault)
    expected = full(vault, config)
    no_full_load()
    after = remembered_check(vault, config, directory=memo_dir)
    assert after == expected
    if edit != "touch without a change":
        assert after != before  # the edit shows: the test is not comparing two stale answers
    assert remembered_check(vault, config, directory=memo_dir) == expected  # and is remembered


@pytest.mark.parametrize("edit", FALLBACKS)
def test_an_edit_the_memo_cannot_judge_checks_the_whole_vault(
    edit: str, vault: Path, memo_dir: Path
) -> None:
    remembered_check(vault, load_config(vault), directory=memo_dir)
    FALLBACKS[edit](vault)
    config = load_config(vault)
    assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)
    assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)


def test_many_edits_check_the_whole_vault(vault: Path, memo_dir: Path) -> None:
    write_vault(vault, {f"n/{i}.md": f"[[{i + 1}]]" for i in range(MAX_EDITED + 2)})
    config = load_config(vault)
    remembered_check(vault, config, directory=memo_dir)
    for i in range(MAX_EDITED + 2):
        (vault / f"n/{i}.md").write_text(f"[[{i + 2}#x]]", encoding="utf-8")
    assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)


def test_a_copied_vault_is_checked_in_full_from_the_originals_notes(
    vault: Path, tmp_path: Path, memo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(vault)
    remembered_check(vault, config, directory=memo_dir)
    copy = Path(shutil.copytree(vault, tmp_path / "copy", copy_function=shutil.copyfile))
    _append(copy / "folder/Other.md", "\n[[Gone too]]\n")
    expected = full(copy, config)
    parsed: list[str] = []

    def counting(path: str, text: str) -> Note:
        parsed.append(path)
        return parse_note(path, text)

    monkeypatch.setattr(vaultgraph.reading, "parse_note", counting)
    assert remembered_check(copy, config, directory=memo_dir) == expected
    assert parsed == ["folder/Other.md"], "the memo is per folder; the notes are by content"
    assert remembered_check(copy, config, directory=memo_dir) == expected
    assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)


def test_orphan_note_is_never_answered_from_the_memo(vault: Path, memo_dir: Path) -> None:
    config = load_config(vault).override(extend_select=["orphan-note"])
    remembered_check(vault, config, directory=memo_dir)
    (vault / "folder/Other.md").write_text("no links now", encoding="utf-8")
    found = remembered_check(vault, config, directory=memo_dir)
    assert found == full(vault, config)
    assert any(f.rule == "orphan-note" and f.path == "folder/Other.md" for f in found.findings)


@pytest.mark.parametrize("damage", [b"", b"garbage", b"vaultgraph-check\x00\x01" + b"\x00" * 40])
def test_a_damaged_memo_is_ignored(vault: Path, memo_dir: Path, damage: bytes) -> None:
    config = load_config(vault)
    remembered_check(vault, config, directory=memo_dir)
    (memo,) = memo_dir.glob("check-*.pickle")
    memo.write_bytes(damage if damage else memo.read_bytes()[:-10])
    _append(vault / "Hub.md", "\n[[Gone]]\n")
    assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)


def test_no_memo_is_written_inside_the_vault(vault: Path) -> None:
    config = load_config(vault)
    assert remembered_check(vault, config, directory=vault / ".cache") == full(vault, config)
    assert not list(vault.rglob("check-*.pickle"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(sorted({**EDITS, **FALLBACKS})), min_size=1, max_size=5))
def test_any_sequence_of_edits_gives_the_full_checks_findings(
    tmp_path: Path, edits: list[str]
) -> None:
    root = tmp_path / "seq"
    shutil.rmtree(root, ignore_errors=True)
    write_vault(root, NOTES)
    cache = tmp_path / "seq-cache"
    shutil.rmtree(cache, ignore_errors=True)
    remembered_check(root, load_config(root), directory=cache)
    for edit in edits:
        try:
            {**EDITS, **FALLBACKS}[edit](root)
        except (AssertionError, FileNotFoundError, UnicodeDecodeError):
            continue  # the edit no longer applies after an earlier one
        config = load_config(root)
        assert remembered_check(root, config, directory=cache) == full(root, config), edit


# Configurations a vault is checked with in turn: as a CI run, a pre-commit hook's --select, and
# two more, one of which suppresses nothing the others report.
CONFIGS: dict[str, Callable[[Config], Config]] = {
    "as configured": lambda c: c,
    "select broken-link": lambda c: c.override(select=["broken-link"]),
    "ignore VG103": lambda c: c.override(ignore=["VG103"]),
    "select embeds and headings": lambda c: c.override(select=["VG102", "VG103"]),
    "extend orphan-note": lambda c: c.override(extend_select=["orphan-note"]),
}


def test_alternating_configurations_each_stay_warm(
    vault: Path, memo_dir: Path, no_full_load: Callable[[], None]
) -> None:
    ci = load_config(vault)
    hook = CONFIGS["select broken-link"](ci)
    expected = {"ci": full(vault, ci), "hook": full(vault, hook)}
    assert expected["ci"] != expected["hook"]
    assert remembered_check(vault, ci, directory=memo_dir) == expected["ci"]
    assert remembered_check(vault, hook, directory=memo_dir) == expected["hook"]
    no_full_load()
    for name in ("ci", "hook", "ci", "ci", "hook"):
        assert (
            remembered_check(vault, ci if name == "ci" else hook, directory=memo_dir)
            == (expected[name])
        )
    assert len(list(memo_dir.glob("check-*.pickle"))) == 1, "one file for the vault"


def test_an_edit_is_checked_again_for_each_configuration(
    vault: Path, memo_dir: Path, memo_loads: list[Path]
) -> None:
    ci = load_config(vault)
    hook = CONFIGS["select broken-link"](ci)
    remembered_check(vault, ci, directory=memo_dir)
    remembered_check(vault, hook, directory=memo_dir)
    assert memo_loads == [vault, vault]
    EDITS["append a broken link"](vault)
    assert remembered_check(vault, hook, directory=memo_dir) == full(vault, hook)
    EDITS["rename the heading others link to"](vault)
    # The CI run's memo is older than both edits, the hook's than the second: each catches up.
    assert remembered_check(vault, ci, directory=memo_dir) == full(vault, ci)
    assert remembered_check(vault, hook, directory=memo_dir) == full(vault, hook)
    assert remembered_check(vault, ci, directory=memo_dir) == full(vault, ci)
    assert memo_loads == [vault, vault], "each re-checked the edited notes only"


def test_the_configuration_written_longest_ago_is_forgotten(
    vault: Path, memo_dir: Path, memo_loads: list[Path]
) -> None:
    base = load_config(vault)
    configs = [make(base) for make in CONFIGS.values()]
    assert len(configs) == MAX_CONFIGURATIONS + 1
    loads = memo_loads
    for config in configs:
        assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)
    assert len(loads) == len(configs)
    # orphan-note is never replayed; the three written after the first still are.
    for config in configs[1:-1]:
        assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)
    assert len(loads) == len(configs)
    assert remembered_check(vault, configs[0], directory=memo_dir) == full(vault, configs[0])
    assert len(loads) == len(configs) + 1, "the first, written longest ago, was dropped"


_HEADER = len(vaultgraph.store.checks.MAGIC) + 36  # magic, the key's halves, CRC-32 of the rest


def _memo_file(folder: Path) -> Path:
    (memo,) = folder.glob("check-*.pickle")
    return memo


def _rewrite(file: Path, data: bytes) -> None:
    """Write ``data`` as the memo, its CRC-32 fixed: a file as a writer could have left it."""
    crc = zlib.crc32(data[_HEADER:]).to_bytes(4, "big")
    file.write_bytes(data[: _HEADER - 4] + crc + data[_HEADER:])


def test_another_configurations_memo_is_never_decoded(
    vault: Path, memo_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ci = load_config(vault)
    hook = CONFIGS["select broken-link"](ci)
    remembered_check(vault, hook, directory=memo_dir)
    hook_file = _memo_file(memo_dir).read_bytes()
    remembered_check(vault, ci, directory=memo_dir)
    both = _memo_file(memo_dir).read_bytes()
    hook_body = hook_file[_HEADER:]
    assert hook_body in both, "the hook's memo is kept, after the CI run's"
    marker = tmp_path / "ran"
    planted = pickle.dumps(_Payload(marker), protocol=5).ljust(len(hook_body), b"\0")
    at = both.index(hook_body)
    data = both[:at] + planted + both[at + len(hook_body) :]
    _rewrite(_memo_file(memo_dir), data)
    with caplog.at_level("DEBUG", logger="vaultgraph"):
        assert remembered_check(vault, ci, directory=memo_dir) == full(vault, ci)
        assert "check memo: ignoring" not in caplog.text, "the hook's body was not decoded"
        assert remembered_check(vault, hook, directory=memo_dir) == full(vault, hook)
    assert not marker.exists(), "the planted pickle ran"
    assert "refused" in caplog.text


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-30] + data[-20:],  # a table row short
        lambda data: data[:-19] + b"\x09" + data[-18:],  # more memos than the table holds
        lambda data: data[:-19] + b"\x00" + data[-18:],  # none
        lambda data: data[:_HEADER] + data[-39:],  # the bodies gone
    ],
)
def test_a_damaged_table_of_memos_is_ignored(
    vault: Path, memo_dir: Path, damage: Callable[[bytes], bytes]
) -> None:
    ci = load_config(vault)
    hook = CONFIGS["select broken-link"](ci)
    remembered_check(vault, hook, directory=memo_dir)
    remembered_check(vault, ci, directory=memo_dir)
    data = damage(_memo_file(memo_dir).read_bytes())
    _rewrite(_memo_file(memo_dir), data)
    _append(vault / "Hub.md", "\n[[Gone]]\n")
    for config in (ci, hook, ci, hook):
        assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted([*EDITS, *FALLBACKS, "none"])),
            st.sampled_from(sorted(CONFIGS)),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_sequence_of_edits_and_configurations_gives_the_full_checks_findings(
    tmp_path: Path, steps: list[tuple[str, str]]
) -> None:
    root = tmp_path / "seq"
    shutil.rmtree(root, ignore_errors=True)
    write_vault(root, NOTES)
    cache = tmp_path / "seq-cache"
    shutil.rmtree(cache, ignore_errors=True)
    remembered_check(root, load_config(root), directory=cache)
    for edit, configured in steps:
        if edit != "none":
            # An edit may no longer apply after an earlier one.
            with contextlib.suppress(AssertionError, FileNotFoundError, UnicodeDecodeError):
                {**EDITS, **FALLBACKS}[edit](root)
        config = CONFIGS[configured](load_config(root))
        assert remembered_check(root, config, directory=cache) == full(root, config), (
            edit,
            configured,
        )


def test_check_uses_the_memo_and_no_cache_neither_reads_nor_writes_it(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from vaultgraph.cli import main
    from vaultgraph.store import CACHE_DIR_ENV

    cache = tmp_path / "cli-cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(cache))
    assert main(["check", str(vault), "--no-cache", "--format", "json"]) == 1
    uncached = capsys.readouterr().out
    assert not list(cache.glob("check-*.pickle"))
    assert main(["check", str(vault), "--format", "json"]) == 1
    assert capsys.readouterr().out == uncached
    assert len(list(cache.glob("check-*.pickle"))) == 1
    _append(vault / "Hub.md", "\n[[Gone]]\n")
    assert main(["check", str(vault), "--format", "json"]) == 1
    remembered = capsys.readouterr().out
    assert main(["check", str(vault), "--no-cache", "--format", "json"]) == 1
    assert capsys.readouterr().out == remembered != uncached


def _plant(file: Path, body: bytes) -> None:
    """Give the memo ``body``, keeping its header, fixing its CRC-32 (store/test_notes.plant)."""
    data = file.read_bytes()
    at = next(
        k for k in range(64) if zlib.crc32(data[k + 4 :]) == int.from_bytes(data[k : k + 4], "big")
    )
    file.write_bytes(data[:at] + zlib.crc32(body).to_bytes(4, "big") + body)


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return os.system, (f"touch {shlex.quote(str(self.marker))}",)


def test_a_planted_memo_runs_no_code(
    vault: Path, memo_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(vault)
    remembered_check(vault, config, directory=memo_dir)
    (memo,) = memo_dir.glob("check-*.pickle")
    marker = tmp_path / "ran"
    _plant(memo, pickle.dumps(_Payload(marker), protocol=5))
    with caplog.at_level("DEBUG", logger="vaultgraph"):
        assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)
    assert not marker.exists(), "the planted pickle ran"
    assert "refused" in caplog.text
    assert ".system: a cache file holds plain data" in caplog.text
    # Plain data in the right shape but a global inside: refused all the same.
    _plant(memo, pickle.dumps(((vault.name,), {}, {}, (), (), {os.system: 1}), protocol=5))
    assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)


def test_a_memo_for_another_configuration_is_not_decoded(
    vault: Path, memo_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    remembered_check(vault, load_config(vault), directory=memo_dir)
    (memo,) = memo_dir.glob("check-*.pickle")
    marker = tmp_path / "ran"
    _plant(memo, pickle.dumps(_Payload(marker), protocol=5))
    other = load_config(vault).override(ignore=["VG103"])
    with caplog.at_level("DEBUG", logger="vaultgraph"):
        assert remembered_check(vault, other, directory=memo_dir) == full(vault, other)
    assert not marker.exists()
    assert "check memo: ignoring" not in caplog.text, "its key said no: never decoded"


def test_a_symlink_planted_as_the_memo_is_replaced_not_followed(
    vault: Path, memo_dir: Path, tmp_path: Path
) -> None:
    config = load_config(vault)
    remembered_check(vault, config, directory=memo_dir)
    (memo,) = memo_dir.glob("check-*.pickle")
    good = memo.read_bytes()
    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(good)  # a valid memo, but not one vaultgraph wrote there
    memo.unlink()
    memo.symlink_to(elsewhere)
    _append(vault / "Hub.md", "\n[[Gone]]\n")
    assert remembered_check(vault, config, directory=memo_dir) == full(vault, config)
    assert elsewhere.read_bytes() == good, "written beside, renamed over the link"
    assert not memo.is_symlink()


def test_a_canvas_edit_is_seen_by_the_next_check(vault: Path, memo_dir: Path) -> None:
    # A canvas's findings are remembered with its stamp, not what they depend on: an edit to
    # it sends the check back to the whole vault, which reports the canvas as it is now.
    board = vault / "Board.canvas"
    board.write_text('{"nodes":[{"id":"a","type":"file","file":"Hub.md"}]}', encoding="utf-8")
    config = load_config(vault)
    first = remembered_check(vault, config, directory=memo_dir)
    assert not [f for f in first.findings if f.path == "Board.canvas"]
    board.write_text('{"nodes":[{"id":"a","type":"file","file":"Gone.md"}]}', encoding="utf-8")
    again = remembered_check(vault, config, directory=memo_dir)
    assert again == full(vault, config)
    assert [(f.path, f.code) for f in again.findings if f.path == "Board.canvas"] == [
        ("Board.canvas", "VG102")
    ]


def test_a_vault_with_canvases_replays_when_nothing_changed(
    vault: Path, memo_dir: Path, no_full_load: Callable[[], None]
) -> None:
    board = vault / "Board.canvas"
    board.write_text('{"nodes":[{"id":"a","type":"file","file":"Gone.md"}]}', encoding="utf-8")
    config = load_config(vault)
    first = remembered_check(vault, config, directory=memo_dir)
    assert [(f.path, f.code) for f in first.findings if f.path == "Board.canvas"] == [
        ("Board.canvas", "VG102")
    ]
    os.utime(board)  # touched, not changed: still answered from the memo
    no_full_load()
    assert remembered_check(vault, config, directory=memo_dir) == first


@pytest.mark.parametrize("edit", ["note", "canvas"])
def test_an_edit_to_a_canvas_or_a_note_it_links_to_checks_the_whole_vault(
    vault: Path, memo_dir: Path, memo_loads: list[Path], edit: str
) -> None:
    board = vault / "Board.canvas"
    card = '{"id":"a","type":"file","file":"Hub.md","subpath":"#Nowhere"}'
    board.write_text(f'{{"nodes":[{card}]}}', "utf-8")
    config = load_config(vault)
    first = remembered_check(vault, config, directory=memo_dir)
    assert ("Board.canvas", "VG103") in {(f.path, f.code) for f in first.findings}
    if edit == "note":  # the heading the canvas card names appears: its finding goes
        hub = vault / "Hub.md"
        hub.write_text(hub.read_text(encoding="utf-8") + "\n## Nowhere\n", encoding="utf-8")
    else:
        board.write_text('{"nodes":[{"id":"a","type":"file","file":"Gone.md"}]}', "utf-8")
    loads = len(memo_loads)
    again = remembered_check(vault, config, directory=memo_dir)
    assert len(memo_loads) == loads + 1
    assert again == full(vault, config)


def test_an_edit_to_a_note_no_canvas_links_to_is_checked_alone(
    vault: Path, memo_dir: Path, memo_loads: list[Path]
) -> None:
    board = vault / "Board.canvas"
    board.write_text('{"nodes":[{"id":"a","type":"file","file":"Gone.md"}]}', "utf-8")
    config = load_config(vault)
    remembered_check(vault, config, directory=memo_dir)
    hub = vault / "Hub.md"
    hub.write_text(hub.read_text(encoding="utf-8") + "\n[[Nowhere at all]]\n", encoding="utf-8")
    loads = len(memo_loads)
    again = remembered_check(vault, config, directory=memo_dir)
    assert len(memo_loads) == loads  # answered by the memo: the canvas links to Gone.md only
    assert again == full(vault, config)
    assert ("Board.canvas", "VG102") in {(f.path, f.code) for f in again.findings}
