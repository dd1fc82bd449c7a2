"""Baselines: fingerprints that survive edits, the file's format, and hostile baseline files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import vaultgraph
from tests.vaults import write_vault
from vaultgraph.lint.baseline import (
    MAX_BASELINE,
    VERSION,
    Baseline,
    BaselineError,
    Fingerprint,
    filter_new,
    fingerprint,
    read_baseline,
    write_baseline,
)
from vaultgraph.lint.finding import Finding, Severity


def _finding(path: str, line: int, code: str, message: str, column: int = 1) -> Finding:
    return Finding(path, line, column, code, "some-rule", Severity.ERROR, message)


def _findings(root: Path, files: dict[str, str]) -> tuple[Finding, ...]:
    write_vault(root, files)
    return vaultgraph.check(root, cache=False, jobs=1).findings


def test_a_link_finding_is_known_by_its_link_as_written() -> None:
    broken = _finding("a.md", 3, "VG101", 'broken link [[Gone]]: no note or file named "Gone"')
    hinted = _finding(
        "a.md",
        9,
        "VG101",
        'broken link [[Gone]]: no note or file named "Gone" (did you mean "Go"?)',
    )
    assert fingerprint(broken) == Fingerprint("a.md", "VG101", "[[Gone]]") == fingerprint(hinted)
    embed = _finding("a.md", 1, "VG102", 'broken embed ![[x.png|300]]: no note or file named "x"')
    assert fingerprint(embed).text == "![[x.png|300]]"
    markdown = _finding("a.md", 1, "VG101", "broken link [see (x): y](z.md): no note or file")
    assert fingerprint(markdown).text == "[see (x): y](z.md)"
    pipe = _finding("a.md", 1, "VG203", '[[a|b]] has a bare "|" inside a table row, which ends')
    assert fingerprint(pipe).text == "[[a|b]]"


def test_other_findings_are_known_by_their_message_without_line_numbers() -> None:
    duplicate = _finding("a.md", 7, "VG202", "duplicate block id ^x: already used on line 3")
    moved = _finding("a.md", 9, "VG202", "duplicate block id ^x: already used on line 5")
    assert fingerprint(duplicate) == fingerprint(moved)
    assert fingerprint(duplicate).text == "duplicate block id ^x: already used on line"
    assert fingerprint(_finding("a.md", 1, "VG201", 'empty list item "-"')).text == (
        'empty list item "-"'
    )


def test_round_trip(tmp_path: Path) -> None:
    findings = _findings(tmp_path / "v", {"a.md": "[[Nowhere]]\n\n- \n", "b.md": "![[x.png]]\n"})
    target = tmp_path / "baseline.json"
    assert write_baseline(target, findings) == 3
    baseline = read_baseline(target)
    assert len(baseline) == 3
    assert filter_new(findings, baseline) == ((), 0)


def test_the_file_is_versioned_sorted_and_one_entry_a_line(tmp_path: Path) -> None:
    findings = [
        _finding("b.md", 1, "VG101", "broken link [[Zürich]]: no note"),
        _finding("a.md", 5, "VG201", 'empty list item "-"'),
        _finding("a.md", 2, "VG201", 'empty list item "-"'),
    ]
    target = tmp_path / "baseline.json"
    write_baseline(target, findings)
    assert target.read_text(encoding="utf-8") == (
        "{\n"
        '  "version": 1,\n'
        '  "findings": [\n'
        '    {"path": "a.md", "code": "VG201", "text": "empty list item \\"-\\""},\n'
        '    {"path": "a.md", "code": "VG201", "text": "empty list item \\"-\\""},\n'
        '    {"path": "b.md", "code": "VG101", "text": "[[Zürich]]"}\n'
        "  ]\n"
        "}\n"
    )
    write_baseline(target, reversed(findings))  # the same file, whatever the order given
    assert json.loads(target.read_text(encoding="utf-8"))["findings"][2]["text"] == "[[Zürich]]"
    write_baseline(target, [])
    assert json.loads(target.read_text(encoding="utf-8")) == {"version": VERSION, "findings": []}


def test_a_lone_surrogate_is_written_escaped(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, [_finding("a.md", 1, "VG301", "bad \udc80 byte")])
    assert "\\udc80" in target.read_text(encoding="utf-8")
    assert next(iter(read_baseline(target).counts)).text == "bad \udc80 byte"


def test_lines_moving_do_not_bring_findings_back(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    before = _findings(vault, {"a.md": "[[Nowhere]]\n\n- \n", "b.md": "# B\n"})
    target = tmp_path / "baseline.json"
    write_baseline(target, before)
    after = _findings(vault, {"a.md": "# Title\n\nNew text, [[Nowhere]]\n\n\n- \n"})
    assert [(f.line, f.column) for f in after] != [(f.line, f.column) for f in before]
    assert filter_new(after, read_baseline(target)) == ((), 0)


def test_counts_matter_and_gone_entries_are_counted(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    target = tmp_path / "baseline.json"
    write_baseline(target, _findings(vault, {"a.md": "[[X]] [[X]]\n\n- \n"}))
    baseline = read_baseline(target)
    assert baseline.counts == {
        Fingerprint("a.md", "VG101", "[[X]]"): 2,
        Fingerprint("a.md", "VG201", 'empty list item "-"'): 1,
    }
    three = _findings(vault, {"a.md": "[[X]] [[X]]\n\n- \n[[X]]\n"})
    new, gone = filter_new(three, baseline)
    assert [(f.line, f.code) for f in new] == [(4, "VG101")]  # the third, the later one
    assert gone == 0
    one = _findings(vault, {"a.md": "[[X]]\n"})
    assert filter_new(one, baseline) == ((), 2)
    # The entries of a rule that did not run are not gone: they were not looked for.
    assert filter_new(one, baseline, codes={"VG101"}) == ((), 1)


def test_another_note_with_the_same_finding_is_new() -> None:
    baseline = Baseline({Fingerprint("a.md", "VG101", "[[X]]"): 1})
    other = _finding("b.md", 1, "VG101", "broken link [[X]]: no note")
    assert filter_new([other], baseline) == ((other,), 1)


def test_a_symlink_as_the_output_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "baseline.json"
    link.symlink_to(victim)
    with pytest.raises(BaselineError, match="symbolic link; not written through"):
        write_baseline(link, [])
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert link.is_symlink()
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    with pytest.raises(BaselineError, match="symbolic link"):
        write_baseline(dangling, [])
    assert not (tmp_path / "nowhere.json").exists()


def test_a_named_pipe_as_the_output_is_refused(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "baseline.json"
    os.mkfifo(fifo)
    with pytest.raises(BaselineError, match="not a regular file"):
        write_baseline(fifo, [])  # never waits for a reader


def test_an_unwritable_place_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot write"):
        write_baseline(tmp_path / "no" / "such" / "folder.json", [])


def test_writing_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("old\n", encoding="utf-8")
    write_baseline(target, [])
    assert read_baseline(target).counts == {}
    assert sorted(os.listdir(tmp_path)) == ["baseline.json"]


def _bad(tmp_path: Path, content: str | bytes) -> str:
    target = tmp_path / "baseline.json"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as error:
        read_baseline(target)
    message = str(error.value)
    assert message.startswith(str(target))
    return message


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="no such baseline file"):
        read_baseline(tmp_path / "nowhere.json")


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    with target.open("wb") as stream:  # sparse: nothing is written
        stream.truncate(MAX_BASELINE + 1)
    with pytest.raises(BaselineError, match="cannot read: over"):
        read_baseline(target)


def test_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot read"):
        read_baseline(tmp_path)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.json"
        os.mkfifo(fifo)
        with pytest.raises(BaselineError, match="named pipe"):
            read_baseline(fifo)  # never waits for a writer


def test_not_json_is_an_error(tmp_path: Path) -> None:
    assert "baseline.json:1:1: not JSON: Expecting value" in _bad(tmp_path, "nope\n")
    assert "not UTF-8" in _bad(tmp_path, b"\xff\xfe{}")
    assert "not JSON" in _bad(tmp_path, "[" * 100_000)
    assert "not JSON" in _bad(tmp_path, '{"version": 1' + "9" * 10_000 + "}")


def test_wrong_version_is_an_error(tmp_path: Path) -> None:
    message = _bad(tmp_path, '{"version": 2, "findings": []}')
    assert message.endswith("baseline version 2; this vaultgraph reads version 1")
    assert 'no "version"' in _bad(tmp_path, '{"findings": []}')
    assert 'no "version"' in _bad(tmp_path, '{"version": true, "findings": []}')
    assert 'no "version"' in _bad(tmp_path, '{"version": "1", "findings": []}')


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("[]", "a JSON object was expected"),
        ('{"version": 1}', '"findings" must be a list'),
        ('{"version": 1, "findings": {}}', '"findings" must be a list'),
        ('{"version": 1, "findings": [1]}', "finding 1: an object was expected"),
        (
            '{"version": 1, "findings": [{"path": "a.md", "code": "VG101"}]}',
            'finding 1: "path", "code" and "text" must be strings',
        ),
        (
            '{"version": 1, "findings": [{"path": "a.md", "code": 101, "text": ""}]}',
            'finding 1: "path", "code" and "text" must be strings',
        ),
    ],
)
def test_wrong_shape_is_an_error(tmp_path: Path, document: str, expected: str) -> None:
    assert _bad(tmp_path, document).endswith(expected)


def test_other_keys_are_ignored(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    entry = {"path": "a.md", "code": "VG101", "text": "[[X]]", "note": "later"}
    target.write_text(
        json.dumps({"version": 1, "comment": "adopted", "findings": [entry]}), encoding="utf-8"
    )
    assert read_baseline(target).counts == {Fingerprint("a.md", "VG101", "[[X]]"): 1}
