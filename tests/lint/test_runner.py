"""Running the rules: selection, severity overrides, excludes, per-path ignores, suppressions."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph.files import read_app_json
from vaultgraph.lint.config import Config, SelectorError
from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.runner import check_vault, obsidian_excluded, run_checks, select_rules
from vaultgraph.vault import Vault, load_vault

SAMPLE_VAULT = Path(__file__).resolve().parents[2] / "sample_vault"


def fake_rule(
    code: str,
    name: str,
    places: Sequence[tuple[str, int]],
    *,
    severity: Severity = Severity.ERROR,
    enabled: bool = True,
) -> Rule:
    def check(vault: Vault) -> Iterator[Finding]:
        for path, line in places:
            yield Finding(path, line, 1, code, name, severity, f"{name} at {path}")

    return Rule(code, name, severity, enabled, f"The {name} rule.", check_vault=check)


RULES = (
    fake_rule("VG101", "alpha", [("a.md", 1), ("Daily/d.md", 2)]),
    fake_rule("VG102", "beta", [("a.md", 3)], severity=Severity.WARNING),
    fake_rule("VG201", "gamma", [("Templates/t.md", 1)]),
    fake_rule("VG401", "delta", [("a.md", 1)], enabled=False),
)


def make_vault(root: Path, files: Mapping[str, str]) -> Vault:
    return load_vault(write_vault(root, files))


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return make_vault(tmp_path, {"a.md": "", "Daily/d.md": "", "Templates/t.md": ""})


def where(findings: Sequence[Finding]) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.code) for f in findings]


def names(config: Config) -> list[str]:
    return [rule.name for rule in select_rules(config, RULES)]


def test_default_selection_is_the_rules_on_by_default() -> None:
    assert names(Config()) == ["alpha", "beta", "gamma"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (Config(select=("ALL",)), ["alpha", "beta", "gamma", "delta"]),
        (Config(select=("delta",)), ["delta"]),  # selecting an off rule turns it on
        (Config(extend_select=("VG4",)), ["alpha", "beta", "gamma", "delta"]),
        (Config(select=("VG1",)), ["alpha", "beta"]),
        (Config(ignore=("beta", "VG2")), ["alpha"]),
        (Config(select=("ALL",), ignore=("VG101",)), ["beta", "gamma", "delta"]),
        (Config(select=("VG1",), ignore=("VG1",)), []),
    ],
)
def test_selection(config: Config, expected: list[str]) -> None:
    assert names(config) == expected


def test_command_line_select_turns_back_on_what_the_file_ignores() -> None:
    file = Config(ignore=("alpha",))
    assert names(file) == ["beta", "gamma"]
    assert names(file.override(select=["alpha"])) == ["alpha"]
    assert names(file.override(ignore=["gamma"])) == ["beta"]


def test_unknown_selector_raises() -> None:
    with pytest.raises(SelectorError, match="unknown rule 'epsilon'"):
        select_rules(Config(ignore=("epsilon",)), RULES)


def severities(config: Config) -> dict[str, Severity]:
    return {rule.name: rule.severity for rule in select_rules(config, RULES)}


def test_severity_overrides_the_most_specific_selector_wins() -> None:
    config = Config(
        severity={"ALL": Severity.WARNING, "VG1": Severity.ERROR, "beta": Severity.WARNING}
    )
    assert severities(config) == {
        "alpha": Severity.ERROR,  # VG1 beats ALL
        "beta": Severity.WARNING,  # its name beats VG1
        "gamma": Severity.WARNING,  # only ALL
    }


def test_findings_take_the_overridden_severity(vault: Vault) -> None:
    run = check_vault(vault, Config(severity={"beta": Severity.ERROR}), rules=RULES)
    assert {f.severity for f in run.findings if f.rule == "beta"} == {Severity.ERROR}
    assert {r.name: r.severity for r in run.rules}["beta"] is Severity.ERROR


def test_findings_are_sorted(vault: Vault) -> None:
    assert where(run_checks(vault, Config(), rules=RULES)) == [
        ("Daily/d.md", 2, "VG101"),
        ("Templates/t.md", 1, "VG201"),
        ("a.md", 1, "VG101"),
        ("a.md", 3, "VG102"),
    ]


def test_exclude_drops_findings_and_excluded_notes_are_not_counted(vault: Vault) -> None:
    run = check_vault(vault, Config(exclude=("Templates/", "Daily/d.md")), rules=RULES)
    assert where(run.findings) == [("a.md", 1, "VG101"), ("a.md", 3, "VG102")]
    assert run.checked == ("a.md",)


def test_per_path_ignores(vault: Vault) -> None:
    config = Config(per_path_ignores={"Daily/**": ("alpha",), "*.md": ("VG2",)})
    assert where(run_checks(vault, config, rules=RULES)) == [
        ("a.md", 1, "VG101"),
        ("a.md", 3, "VG102"),
    ]


def write_app_json(vault: Vault, value: object) -> None:
    (vault.root / ".obsidian").mkdir(exist_ok=True)
    text = value if isinstance(value, str) else json.dumps(value)
    (vault.root / ".obsidian" / "app.json").write_text(text, encoding="utf-8")


def test_obsidian_excluded_files_prefixes_and_regexes_ignore_case(vault: Vault) -> None:
    write_app_json(vault, {"userIgnoreFilters": ["daily/", "/^TEMPLATES/t\\.md$/"]})
    run = check_vault(vault, Config(), rules=RULES)
    assert where(run.findings) == [("a.md", 1, "VG101"), ("a.md", 3, "VG102")]
    assert run.checked == ("a.md",)
    assert run.warnings == ()


def test_obsidian_prefix_is_a_plain_prefix(tmp_path: Path) -> None:
    # Obsidian compares the start of the path, so "Daily" also hides "Daily notes.md".
    tests, _ = obsidian_excluded(write_filters(tmp_path, ["Daily", "/\\d{4}/"]))
    hidden = {
        p
        for p in ("Daily notes.md", "Daily/x.md", "My Daily.md", "Log 2024.md")
        if any(test(p) for test in tests)
    }
    assert hidden == {"Daily notes.md", "Daily/x.md", "Log 2024.md"}


def write_filters(root: Path, filters: object) -> Path:
    (root / ".obsidian").mkdir()
    app = {"userIgnoreFilters": filters, "alwaysUpdateLinks": True}
    (root / ".obsidian" / "app.json").write_text(json.dumps(app), encoding="utf-8")
    return root


def test_no_app_json_no_filters_no_warning(tmp_path: Path) -> None:
    assert obsidian_excluded(tmp_path) == ((), ())


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        ("{not json", "not a JSON object"),
        ("[1, 2]", "not a JSON object"),
        ({"userIgnoreFilters": "Daily/"}, "userIgnoreFilters is not a list"),
    ],
)
def test_malformed_app_json_is_a_warning(vault: Vault, content: object, warning: str) -> None:
    write_app_json(vault, content)
    run = check_vault(vault, Config(), rules=RULES)
    assert len(run.findings) == 4  # nothing excluded, nothing lost
    (line,) = run.warnings
    assert line.startswith(str(vault.root / ".obsidian" / "app.json"))
    assert warning in line
    assert "\n" not in line


def test_unusable_filter_entries_are_warned_about_and_skipped(vault: Vault) -> None:
    write_app_json(vault, {"userIgnoreFilters": ["/(unclosed/", 7, "Daily/"]})
    run = check_vault(vault, Config(), rules=RULES)
    assert "Daily/d.md" not in {f.path for f in run.findings}
    assert len(run.warnings) == 2
    assert "'/(unclosed/'" in run.warnings[0]
    assert "7" in run.warnings[1]


def test_run_checks_logs_warnings(vault: Vault, caplog: pytest.LogCaptureFixture) -> None:
    write_app_json(vault, "{")
    with caplog.at_level(logging.WARNING, logger="vaultgraph"):
        findings = run_checks(vault, Config(), rules=RULES)
    assert len(findings) == 4
    assert "not a JSON object" in caplog.text


# From here on, the real rules.


def test_a_link_to_an_excluded_note_still_resolves(tmp_path: Path) -> None:
    vault = make_vault(
        tmp_path, {"a.md": "See [[b]].\n", "Templates/b.md": "Broken: [[nowhere]]\n"}
    )
    assert where(run_checks(vault, Config())) == [("Templates/b.md", 1, "VG101")]
    assert run_checks(vault, Config(exclude=("Templates/",))) == []


SUPPRESSED = """\
# Title

<!-- vaultgraph-disable-next-line broken-link -->
[[one]]
[[two]]
%% vaultgraph-disable-next-line VG101 %%
[[three]] ![[four.png]]
<!-- vaultgraph-disable-next-line -->

[[five]]
"""


def test_suppression_comments(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"a.md": SUPPRESSED})
    assert where(run_checks(vault, Config())) == [
        ("a.md", 5, "VG101"),  # only the line right after a comment is covered
        ("a.md", 7, "VG102"),  # the comment names broken-link, not broken-embed
        ("a.md", 10, "VG101"),  # a blank line after the comment: not covered
    ]


def test_file_wide_suppression_wherever_it_stands(tmp_path: Path) -> None:
    text = "[[one]]\n![[two.png]]\n- \n\n%% vaultgraph-disable broken-link, VG2 %%\n"
    vault = make_vault(tmp_path, {"a.md": text, "b.md": "[[three]]\n"})
    assert where(run_checks(vault, Config())) == [("a.md", 2, "VG102"), ("b.md", 1, "VG101")]


def test_unknown_rule_in_a_suppression_comment_is_a_warning(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"a.md": "<!-- vaultgraph-disable brokn-link -->\n[[x]]\n"})
    run = check_vault(vault, Config())
    assert where(run.findings) == [("a.md", 2, "VG101")]
    assert run.warnings == (
        "a.md:1: unknown rule 'brokn-link' in a vaultgraph-disable comment; it suppresses nothing",
    )


def test_sample_vault_reports_exactly_the_two_seed_defects() -> None:
    findings = run_checks(load_vault(SAMPLE_VAULT), Config())
    assert [(f.path, f.line, f.column, f.rule) for f in findings] == [
        ("AWS Containers.md", 22, 1, "empty-bullet"),
        ("AWS Containers.md", 23, 1, "broken-embed"),
    ]


def test_app_json_is_read_once_per_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_vault(write_filters(tmp_path, ["Daily", 7]), {"Daily/a.md": "[[Gone]]\n", "b.md": "x\n"})
    vault = load_vault(tmp_path, cache=False)
    reads: list[object] = []

    def counted(root: Path) -> bytes:
        reads.append(root)
        return read_app_json(root)

    monkeypatch.setattr("vaultgraph.vault.read_app_json", counted)
    first = check_vault(vault, Config())
    again = check_vault(vault, Config())
    assert reads == [tmp_path]
    assert first == again
    assert all(f.path != "Daily/a.md" for f in first.findings)
    assert any("excluded-files entry 7" in w for w in first.warnings)


def test_a_vault_given_app_json_bytes_or_an_error_reads_no_file(tmp_path: Path) -> None:
    write_vault(write_filters(tmp_path, ["Daily"]), {"Daily/a.md": "[[Gone]]\n"})
    loaded = load_vault(tmp_path, cache=False)
    parts = (loaded.root, loaded.notes, loaded.attachments, loaded.unreadable, loaded.links)
    given = Vault(*parts, _app_json=b'{"userIgnoreFilters": []}')
    assert [f.path for f in check_vault(given, Config()).findings] == ["Daily/a.md"]
    assert check_vault(loaded, Config()).findings == ()
    missing = Vault(*parts, _app_json=FileNotFoundError(2, "gone"))
    assert check_vault(missing, Config()).warnings == ()
    refused = Vault(*parts, _app_json=PermissionError(13, "Permission denied"))
    (warning,) = check_vault(refused, Config()).warnings
    assert warning.endswith(
        "app.json: cannot read: Permission denied; Obsidian's excluded files not applied"
    )
