"""Output formats: text, json, GitHub annotations and SARIF 2.1.0 (checked against its schema)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest

from vaultgraph import __version__
from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.formats import (
    FORMATS,
    Format,
    Report,
    locate,
    render,
    shown_path,
    statistics,
)
from vaultgraph.lint.rule import Rule
from vaultgraph.vault import Vault

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"


def no_findings(vault: Vault) -> Iterator[Finding]:
    yield from ()


RULES = (
    Rule(
        "VG101",
        "broken-link",
        Severity.ERROR,
        True,
        "A broken link.",
        check_vault=no_findings,
        fixable=True,
    ),
    Rule(
        "VG105",
        "ambiguous-link",
        Severity.WARNING,
        True,
        "An ambiguous link.",
        check_vault=no_findings,
    ),
)

BROKEN = Finding(
    "Notes/AWS, ECS.md",
    4,
    7,
    "VG101",
    "broken-link",
    Severity.ERROR,
    'broken link [[AI]]: no note or file named "AI"',
    Edit(4, 7, 13, "[[Artificial Intelligence|AI]]"),
)
AMBIGUOUS = Finding(
    "Zürich: trip.md",
    1,
    1,
    "VG105",
    "ambiguous-link",
    Severity.WARNING,
    "ambiguous link [[Plan]]: 100% of\nthe\rcandidates",
)


def report(*findings: Finding, notes: int = 19, prefix: str = "") -> Report:
    return Report(findings, RULES, notes, Path("/work/repo"), prefix)


def test_every_format_is_in_the_table() -> None:
    assert set(FORMATS) == {"text", "json", "github", "sarif"}


def test_text_lines_then_a_summary() -> None:
    assert render("text", report(BROKEN, AMBIGUOUS)) == (
        'Notes/AWS, ECS.md:4:7: VG101 [*] broken link [[AI]]: no note or file named "AI"\n'
        "Zürich: trip.md:1:1: VG105 ambiguous link [[Plan]]: 100% of\\nthe\\rcandidates\n"
        "Found 2 problems (1 error, 1 warning) in 2 of 19 notes.\n"
        "[*] 1 fixable with the `--fix` option.\n"
    )


@pytest.mark.parametrize(
    ("findings", "notes", "summary"),
    [
        ((), 19, "All checks passed: 19 notes, no problems."),
        ((), 1, "All checks passed: 1 note, no problems."),
        ((BROKEN,), 1, "Found 1 problem (1 error, 0 warnings) in 1 of 1 note."),
        ((BROKEN, BROKEN), 3, "Found 2 problems (2 errors, 0 warnings) in 1 of 3 notes."),
    ],
)
def test_text_summary_wording(findings: tuple[Finding, ...], notes: int, summary: str) -> None:
    assert render("text", report(*findings, notes=notes)).splitlines()[len(findings)] == summary


def test_json_has_exactly_the_contract_keys() -> None:
    rows = json.loads(render("json", report(BROKEN, AMBIGUOUS)))
    assert rows == [
        {
            "path": "Notes/AWS, ECS.md",
            "line": 4,
            "column": 7,
            "code": "VG101",
            "rule": "broken-link",
            "severity": "error",
            "message": 'broken link [[AI]]: no note or file named "AI"',
            "fixable": True,
            "file": "Notes/AWS, ECS.md",
        },
        {
            "path": "Zürich: trip.md",
            "line": 1,
            "column": 1,
            "code": "VG105",
            "rule": "ambiguous-link",
            "severity": "warning",
            "message": "ambiguous link [[Plan]]: 100% of\nthe\rcandidates",
            "fixable": False,
            "file": "Zürich: trip.md",
        },
    ]


def test_json_keeps_the_vault_relative_path_and_adds_the_file_text_shows() -> None:
    rows = json.loads(render("json", report(BROKEN, AMBIGUOUS, prefix="docs/my vault/")))
    assert [(r["path"], r["file"]) for r in rows] == [
        ("Notes/AWS, ECS.md", "docs/my vault/Notes/AWS, ECS.md"),
        ("Zürich: trip.md", "docs/my vault/Zürich: trip.md"),
    ]
    assert list(rows[0])[-1] == "file"  # after the keys of the documented layout


def test_json_of_nothing_is_an_empty_array() -> None:
    assert render("json", report()) == "[]\n"


def test_json_is_one_finding_a_line() -> None:
    out = render("json", report(BROKEN, AMBIGUOUS, HOSTILE))
    lines = out.splitlines()
    assert (lines[0], lines[-1], len(lines)) == ("[", "]", 5)
    assert [json.loads(line.strip().removesuffix(",")) for line in lines[1:-1]] == json.loads(out)
    assert '"path": "Zürich: trip.md"' in lines[2]  # non-ASCII text stays readable


def test_sarif_results_are_one_a_line_in_the_indented_log() -> None:
    out = render("sarif", report(BROKEN, AMBIGUOUS, BROKEN))
    lines = out.splitlines()
    start = lines.index('      "results": [')
    assert lines[start + 4 :] == ["      ]", "    }", "  ]", "}"]
    results = json.loads(out)["runs"][0]["results"]
    shown = lines[start + 1 : start + 4]
    assert [json.loads(line.strip().removesuffix(",")) for line in shown] == results
    assert results[0] == results[2]  # the same path, quoted once, gives the same location
    assert '      "results": []' in render("sarif", report()).splitlines()


def test_github_annotations_are_escaped() -> None:
    lines = render("github", report(BROKEN, AMBIGUOUS, prefix="vault/")).splitlines()
    assert lines == [
        "::error file=vault/Notes/AWS%2C ECS.md,line=4,col=7,title=VG101 broken-link"
        '::broken link [[AI]]: no note or file named "AI"',
        "::warning file=vault/Zürich%3A trip.md,line=1,col=1,title=VG105 ambiguous-link"
        "::ambiguous link [[Plan]]: 100%25 of%0Athe%0Dcandidates",
        "Found 2 problems (1 error, 1 warning) in 2 of 19 notes.",
    ]


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return schema


@pytest.mark.parametrize("findings", [(), (BROKEN, AMBIGUOUS)])
def test_sarif_is_valid_against_the_schema(
    sarif_schema: dict[str, Any], findings: tuple[Finding, ...]
) -> None:
    log = json.loads(render("sarif", report(*findings)))
    jsonschema.validate(log, sarif_schema)
    assert log["version"] == "2.1.0"


def test_sarif_content() -> None:
    (run,) = json.loads(render("sarif", report(BROKEN, AMBIGUOUS, prefix="docs/vault/")))["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("vaultgraph", __version__)
    assert driver["informationUri"].startswith("https://")
    assert driver["rules"] == [
        {
            "id": "VG101",
            "name": "broken-link",
            "shortDescription": {"text": "A broken link."},
            "defaultConfiguration": {"level": "error"},
        },
        {
            "id": "VG105",
            "name": "ambiguous-link",
            "shortDescription": {"text": "An ambiguous link."},
            "defaultConfiguration": {"level": "warning"},
        },
    ]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    assert run["columnKind"] == "unicodeCodePoints"
    first, second = run["results"]
    assert first == {
        "ruleId": "VG101",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": 'broken link [[AI]]: no note or file named "AI"'},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "docs/vault/Notes/AWS%2C%20ECS.md",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 4, "startColumn": 7},
                }
            }
        ],
    }
    assert (second["ruleIndex"], second["level"]) == (1, "warning")
    location = second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert location == "docs/vault/Z%C3%BCrich%3A%20trip.md"


def test_locate_inside_the_working_directory(tmp_path: Path) -> None:
    vault = tmp_path / "docs" / "my vault"
    vault.mkdir(parents=True)
    assert locate(vault, tmp_path) == (tmp_path.resolve(), "docs/my vault/")
    assert locate(vault, vault) == (vault.resolve(), "")


def test_text_paths_start_with_the_prefix() -> None:
    assert render("text", report(BROKEN, AMBIGUOUS, prefix="docs/my vault/")) == (
        "docs/my vault/Notes/AWS, ECS.md:4:7: VG101 [*] broken link [[AI]]: "
        'no note or file named "AI"\n'
        "docs/my vault/Zürich: trip.md:1:1: VG105 ambiguous link [[Plan]]: 100% of\\nthe\\r"
        "candidates\n"
        "Found 2 problems (1 error, 1 warning) in 2 of 19 notes.\n"
        "[*] 1 fixable with the `--fix` option.\n"
    )


def test_text_paths_of_a_vault_outside_the_working_directory_are_vault_relative(
    tmp_path: Path,
) -> None:
    (tmp_path / "vault").mkdir()
    (tmp_path / "elsewhere").mkdir()
    base, prefix = locate(tmp_path / "vault", tmp_path / "elsewhere")
    out = render("text", Report((BROKEN,), RULES, 19, base, prefix))
    assert out.startswith("Notes/AWS, ECS.md:4:7: VG101 [*] ")


@pytest.mark.parametrize(
    ("cwd", "path", "shown"),
    [
        ("/v", "Notes/A.md", "Notes/A.md"),
        ("/v/Notes", "Notes/A.md", "A.md"),
        ("/v/Notes", "B.md", "../B.md"),
        ("/v/Notes/Deep", "Other/C d.md", "../../Other/C d.md"),
        (None, "Notes/A.md", "Notes/A.md"),
    ],
)
def test_shown_paths_lead_from_the_working_directory(
    cwd: str | None, path: str, shown: str
) -> None:
    assert shown_path(path, Path("/v"), "", None if cwd is None else Path(cwd)) == shown


def test_text_and_json_paths_from_inside_the_vault() -> None:
    inside = Report((BROKEN,), RULES, 19, Path("/v"), "", Path("/v/Notes"))
    assert render("text", inside).startswith("AWS, ECS.md:4:7: VG101 [*] ")
    row = json.loads(render("json", inside))[0]
    assert (row["path"], row["file"]) == ("Notes/AWS, ECS.md", "AWS, ECS.md")
    elsewhere = Report((AMBIGUOUS,), RULES, 19, Path("/v"), "", Path("/v/Notes"))
    assert render("text", elsewhere).startswith("../Zürich: trip.md:1:1: VG105 ")
    # github and sarif paths start at their base, whatever the working directory.
    assert "file=Notes/AWS%2C ECS.md," in render("github", inside)


def test_text_in_color_puts_the_prefix_in_the_bold_path() -> None:
    out = render("text", report(BROKEN, prefix="notes/"), color=True)
    assert out.startswith("\x1b[1mnotes/Notes/AWS, ECS.md\x1b[0m:4:7: ")
    assert click.unstyle(out) == render("text", report(BROKEN, prefix="notes/"))


def test_statistics_show_no_paths_whatever_the_prefix() -> None:
    assert statistics(report(BROKEN, AMBIGUOUS, prefix="notes/")) == statistics(
        report(BROKEN, AMBIGUOUS)
    )


def test_locate_outside_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "vault").mkdir()
    (tmp_path / "elsewhere").mkdir()
    assert locate(tmp_path / "vault", tmp_path / "elsewhere") == (
        (tmp_path / "vault").resolve(),
        "",
    )


# A note whose name and link text would clear the screen, retitle the window (OSC, ended by
# BEL), start a C1 CSI, reverse the rest of the line, and forge a second finding line.
HOSTILE = Finding(
    "Esc\x1b[2J\u202egnp.md",
    3,
    1,
    "VG101",
    "broken-link",
    Severity.ERROR,
    'broken link [[Gone\x1b]0;pwned\x07\x9b31m]]: no note named "x"\n'
    "Esc.md:9:9: VG101 forged, a\u2028b",
)
_RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2028")


def test_text_shows_control_characters_as_escapes() -> None:
    out = render("text", report(HOSTILE))
    assert not any(char in out for char in _RAW)
    assert out.splitlines()[0] == (
        "Esc\\x1b[2J\\u202egnp.md:3:1: VG101 broken link [[Gone\\x1b]0;pwned\\x07\\x9b31m]]: "
        'no note named "x"\\nEsc.md:9:9: VG101 forged, a\\u2028b'
    )
    assert len(out.splitlines()) == 2  # the finding and the summary: nothing forged


@pytest.mark.parametrize("color", [False, True])
def test_text_shows_control_characters_in_the_vaults_folder_as_escapes(color: bool) -> None:
    out = render("text", report(BROKEN, prefix="Bell\x07\u202e/"), color=color)
    assert not any(char in out for char in _RAW[1:])
    assert click.unstyle(out).startswith("Bell\\x07\\u202e/Notes/AWS, ECS.md:4:7: ")


def test_github_annotations_show_control_characters_as_escapes() -> None:
    out = render("github", report(HOSTILE, prefix="v/"))
    assert not any(char in out for char in _RAW)
    assert out.splitlines()[0] == (
        "::error file=v/Esc\\x1b[2J\\u202egnp.md,line=3,col=1,title=VG101 broken-link"
        "::broken link [[Gone\\x1b]0;pwned\\x07\\x9b31m]]: "
        'no note named "x"%0AEsc.md:9:9: VG101 forged, a\\u2028b'
    )
    assert len(out.splitlines()) == 2


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A is text", "%250A is text", "%250A is text"),
        ("::error::", "::error::", "%3A%3Aerror%3A%3A"),
    ],
)
def test_workflow_command_escaping_is_githubs(text: str, data: str, prop: str) -> None:
    """As the Actions toolkit escapes (data: % CR LF; properties also : and ,), so the runner,
    which decodes %25 last, reads back exactly the text."""
    finding = Finding(text, 1, 1, "VG101", "broken-link", Severity.ERROR, text)
    line = render("github", report(finding)).splitlines()[0]
    assert line == f"::error file={prop},line=1,col=1,title=VG101 broken-link::{data}"
    assert _runner_reads(prop, property_value=True) == text
    assert _runner_reads(data, property_value=False) == text


def _runner_reads(escaped: str, *, property_value: bool) -> str:
    # actions/runner ActionCommand.UnescapeProperty / UnescapeData: each mapping in turn, % last.
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    pairs += [("%3A", ":"), ("%2C", ",")] if property_value else []
    for replacement, token in [*pairs, ("%25", "%")]:
        escaped = escaped.replace(replacement, token)
    return escaped


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_escape_every_control_character(fmt: Format) -> None:
    out = render(fmt, report(HOSTILE))
    assert not any(char in out for char in _RAW)
    data = json.loads(out)
    message = data[0]["message"] if fmt == "json" else data["runs"][0]["results"][0]["message"]
    assert message in (HOSTILE.message, {"text": HOSTILE.message})  # the same text, exactly


def _finding(code: str, rule: str, severity: Severity, fixable: bool, line: int) -> Finding:
    fix = Edit(line, 1, 2) if fixable else None
    return Finding("n.md", line, 1, code, rule, severity, "m", fix)


def test_text_in_color_is_ruffs_bold_path_and_red_or_yellow_code() -> None:
    out = render("text", report(BROKEN, AMBIGUOUS), color=True)
    bold, red, yellow, reset = "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[0m"
    first, second, *closing = out.splitlines()
    assert first.startswith(f"{bold}Notes/AWS, ECS.md{reset}:4:7: ")
    assert f": {red}{bold}VG101{reset} [*] broken link" in first
    assert f"{yellow}{bold}VG105{reset} ambiguous link" in second
    # the summary lines and the text without styles are exactly the plain output
    assert closing == render("text", report(BROKEN, AMBIGUOUS)).splitlines()[2:]
    assert click.unstyle(out) == render("text", report(BROKEN, AMBIGUOUS))


def test_text_in_color_still_escapes_what_the_vault_holds() -> None:
    out = render("text", report(HOSTILE), color=True)
    assert not any(char in out for char in _RAW[1:])  # the only ESC are the styles' own
    assert click.unstyle(out) == render("text", report(HOSTILE))


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_other_formats_never_take_color(fmt: Format) -> None:
    assert render(fmt, report(BROKEN, AMBIGUOUS), color=True) == render(
        fmt, report(BROKEN, AMBIGUOUS)
    )


def test_without_summary_text_and_github_are_the_findings_alone() -> None:
    assert render("text", report(BROKEN), summary=False) == (
        'Notes/AWS, ECS.md:4:7: VG101 [*] broken link [[AI]]: no note or file named "AI"\n'
    )
    assert render("github", report(BROKEN), summary=False).count("\n") == 1
    assert render("text", report(), summary=False) == ""
    assert render("json", report(BROKEN), summary=False) == render("json", report(BROKEN))


def test_statistics_count_per_rule_most_first_then_by_code() -> None:
    findings = (
        _finding("VG201", "empty-bullet", Severity.ERROR, True, 1),
        _finding("VG105", "ambiguous-link", Severity.WARNING, False, 2),
        _finding("VG101", "broken-link", Severity.ERROR, False, 3),
        _finding("VG101", "broken-link", Severity.ERROR, True, 4),
        _finding("VG201", "empty-bullet", Severity.ERROR, True, 5),
        *(_finding("VG104", "self-link", Severity.WARNING, False, 6 + i) for i in range(10)),
    )
    assert statistics(report(*findings, notes=3)) == (
        "10  VG104  [ ] self-link\n"
        " 2  VG101  [*] broken-link\n"
        " 2  VG201  [*] empty-bullet\n"
        " 1  VG105  [ ] ambiguous-link\n"
        "Found 15 problems (4 errors, 11 warnings) in 1 of 3 notes.\n"
        "[*] 3 fixable with the `--fix` option.\n"
    )


def test_statistics_without_fixable_findings_have_no_markers() -> None:
    findings = (_finding("VG105", "ambiguous-link", Severity.WARNING, False, 1),)
    assert statistics(report(*findings, notes=1), summary=False) == "1  VG105  ambiguous-link\n"
    assert statistics(report()) == "All checks passed: 19 notes, no problems.\n"
    colored = statistics(report(*findings, notes=1), color=True)
    assert "\x1b[33m" in colored
    assert click.unstyle(colored) == statistics(report(*findings, notes=1))
