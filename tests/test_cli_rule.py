"""``vaultgraph rule``: a rule's documentation, as docs/rules.md has it, from the real CLI."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clirun import run
from vaultgraph.lint.docs import parse_doc
from vaultgraph.lint.registry import RULES
from vaultgraph.lint.rule import Rule

RULES_DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def _doc_section(rule: Rule) -> str:
    """The rule's section of docs/rules.md as the file has it, below its heading."""
    text = RULES_DOC.read_text(encoding="utf-8")
    return text.split(f"\n## {rule.code} {rule.name}\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("key", ["VG101", "vg101", "broken-link", "Broken-Link", " VG101 "])
def test_a_code_or_a_name_in_any_case_prints_the_rules_doc(
    capsys: pytest.CaptureFixture[str], key: str
) -> None:
    code, out, err = run(capsys, "rule", key)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "# VG101 broken-link"
    assert "A link to a note or file that does not exist (aliases are not targets)." in lines
    assert "- Severity: error" in lines
    assert "- On by default: yes" in lines
    assert "- Fixable with `--fix`: yes" in lines
    assert any(line.startswith("A wikilink, Markdown link or frontmatter link") for line in lines)
    assert "Bad:" in lines
    assert "Good:" in lines


def test_a_rule_off_by_default_and_not_fixable_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "orphan-note")
    assert code == 0
    assert out.startswith("# VG401 orphan-note\n")
    assert "- On by default: no\n" in out
    assert "- Fixable with `--fix`: no\n" in out


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_rules_text_has_its_bad_and_good_examples_as_docs_rules_md_has_them(
    capsys: pytest.CaptureFixture[str], rule: Rule
) -> None:
    code, out, err = run(capsys, "rule", rule.code)
    assert (code, err) == (0, "")
    section = _doc_section(rule)
    doc = parse_doc(rule)
    for example in (doc.bad, doc.good):
        fenced = f"```markdown\n{example}\n```"
        assert fenced in section  # docs/rules.md has the example ...
        assert fenced in out  # ... and the command prints it, the same
    heading, _, body = out.partition("\n")
    assert heading == f"# {rule.code} {rule.name}"
    assert body == section  # the rest of the text is the page's, word for word


def test_all_lists_every_rule_one_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rule", "--all")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[:3] for line in lines] == [
        [rule.code, rule.name, "on" if rule.enabled else "off"] for rule in RULES
    ]
    assert lines[0] == (
        "VG101  broken-link             on   [*]  "
        "A link to a note or file that does not exist (aliases are not targets)."
    )
    assert lines[-2] == (
        "VG401  orphan-note             off       "
        "A note with no resolved link or embed to or from another file."
    )
    assert [("[*]" in line) for line in lines] == [rule.fixable for rule in RULES]


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert err.startswith("Error: ")
    return err


@pytest.mark.parametrize(
    ("key", "suggested"),
    [
        ("brokn-link", "'broken-link' (VG101)"),
        ("BROKEN_EMBEDS", "'broken-embed' (VG102)"),
        ("VG1O1", "'broken-link' (VG101)"),
        ("orphan-notes", "'orphan-note' (VG401)"),
    ],
)
def test_an_unknown_rule_exits_2_with_did_you_mean(
    capsys: pytest.CaptureFixture[str], key: str, suggested: str
) -> None:
    code, out, err = run(capsys, "rule", key)
    assert (code, out) == (2, "")
    line = one_line_error(err)
    assert f"unknown rule '{key}'" in line
    assert f"did you mean {suggested}" in line
    assert "`vaultgraph rule --all` lists every rule" in line


def test_an_unknown_rule_like_no_other_suggests_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "rule", "xyzzy")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "Error: unknown rule 'xyzzy'; `vaultgraph rule --all` lists every rule\n"
    )


def test_an_unknown_rule_reaches_the_terminal_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rule", "a\x1b[2J\nb")
    assert code == 2
    assert "unknown rule 'a\\x1b[2J\\nb'" in one_line_error(err)


@pytest.mark.parametrize("args", [[], ["VG101", "--all"], ["VG101", "VG102"]])
def test_no_rule_or_too_many_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = run(capsys, "rule", *args)
    assert (code, out) == (2, "")
    one_line_error(err)


def test_no_rule_says_what_to_give(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, "rule")
    assert err == "Error: give a rule's code or name, or --all (not both)\n"


def test_rule_through_a_real_subprocess() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "rule", "empty-bullet"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("# VG201 empty-bullet\n")
    unknown = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "rule", "empty-bulet"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert "did you mean 'empty-bullet' (VG201)?" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_rule_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "  rule " in out


def _usage_runs() -> list[tuple[str, str]]:
    """(command, what it prints) of each example run in docs/usage.md's ``vaultgraph rule``."""
    usage = (RULES_DOC.parent / "usage.md").read_text(encoding="utf-8")
    section = usage.split("\n## vaultgraph rule\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("````console\n", 1)[1].split("\n````\n", 1)[0] + "\n"
    return [
        (command, output)
        for command, _, output in (part.partition("\n") for part in block.split("$ ")[1:])
    ]


def test_usage_md_shows_real_runs_of_every_form(capsys: pytest.CaptureFixture[str]) -> None:
    runs = _usage_runs()
    assert [shlex.split(command)[2] for command, _ in runs] == [
        "empty-bullet",
        "--all",
        "brokn-link",
    ]
    for command, expected in runs:
        args = shlex.split(command)
        assert args[:2] == ["vaultgraph", "rule"]
        _, out, err = run(capsys, *args[1:])
        assert out + err == expected, command
