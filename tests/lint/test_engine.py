"""The engine: per-note rules see a note through its context, and what they ask for is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph.lint.context import NoteContext
from vaultgraph.lint.engine import (
    RuleContractError,
    check_notes,
    links_by_source,
    run_rule,
    vault_view,
)
from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.registry import RULES
from vaultgraph.lint.rule import Rule
from vaultgraph.lint.rules import broken_heading, broken_link, orphan_note
from vaultgraph.model import Note
from vaultgraph.vault import Vault, load_vault

NOTES = {
    "Hub.md": "# Hub\n\nSee [[Guide#Install]], [[Guide#^step]] and [[Guid]].\n",
    "Guide.md": "# Guide\n\n## Install\n\nStep one. ^step\n\n[[#Install]] [[Hub]]\n",
    "Other.md": "[[Missing]] and [[Hub]].\n",
    "Plain.md": "No links at all.\n",
}


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return load_vault(write_vault(tmp_path, NOTES), cache=False)


def test_each_note_records_the_notes_it_looked_into_and_whether_it_used_the_names(
    vault: Vault,
) -> None:
    checked = check_notes(
        RULES, vault_view(vault), vault.notes, links_by_source(vault.links), vault.unreadable
    )
    assert {path: (sorted(c.asked), c.used_names) for path, c in checked.items()} == {
        "Hub.md": (["Guide.md"], True),  # its subpath links; its broken [[Guid]]
        "Guide.md": ([], False),  # [[#Install]] is its own heading; [[Hub]] has no subpath
        "Other.md": ([], True),
        "Plain.md": ([], False),
    }


def test_a_rule_that_looks_into_a_note_has_it_recorded(vault: Vault) -> None:
    def peek(note: Note, context: NoteContext) -> Iterator[Finding]:
        if note.path == "Plain.md":
            assert context.linked("Guide.md") is vault.notes["Guide.md"]
            assert context.linked("nothing.png") is None
        yield from ()

    rule = Rule("VG299", "peek", Severity.WARNING, True, "Peeks.", check_note=peek)
    checked = check_notes([rule], vault_view(vault), vault.notes, {}, {})
    assert checked["Plain.md"].asked == {"Guide.md", "nothing.png"}
    assert checked["Hub.md"].asked == frozenset()


def test_the_rules_checking_one_vault_share_one_index_of_names(vault: Vault) -> None:
    seen = []

    def remember(note: Note, context: NoteContext) -> Iterator[Finding]:
        seen.append(context.names)
        yield from ()

    rule = Rule("VG299", "names", Severity.WARNING, True, "Names.", check_note=remember)
    view = vault_view(vault)
    assert view.built_targets() is None  # built only when a rule asks
    check_notes([rule, rule], view, vault.notes, {}, {})
    assert len(seen) == 2 * len(vault.notes)
    assert all(index is seen[0] for index in seen)
    assert view.built_targets() is seen[0]
    assert vault_view(vault).targets() is not seen[0]  # one index per run, none kept between


def test_a_per_note_rule_may_report_only_its_own_note(vault: Vault) -> None:
    def elsewhere(note: Note, context: NoteContext) -> Iterator[Finding]:
        yield Finding("Plain.md", 1, 1, "VG299", "elsewhere", Severity.WARNING, "no")

    rule = Rule("VG299", "elsewhere", Severity.WARNING, True, "Bad.", check_note=elsewhere)
    with pytest.raises(RuleContractError, match=r"elsewhere reported 'Plain\.md' while checking"):
        run_rule(rule, vault)


def test_findings_carry_the_severity_of_the_rule_that_ran(vault: Vault) -> None:
    lowered = Rule(
        broken_link.RULE.code,
        broken_link.RULE.name,
        Severity.WARNING,
        True,
        broken_link.RULE.summary,
        check_note=broken_link.check,
    )
    found = run_rule(lowered, vault)
    assert [(f.path, f.severity) for f in found] == [
        ("Hub.md", Severity.WARNING),
        ("Other.md", Severity.WARNING),
    ]


def test_run_rule_runs_either_shape(vault: Vault) -> None:
    assert [f.path for f in run_rule(broken_heading.RULE, vault)] == []
    assert [f.path for f in run_rule(orphan_note.RULE, vault)] == ["Plain.md"]


@pytest.mark.parametrize(
    "checks",
    [{}, {"check_note": broken_link.check, "check_vault": orphan_note.check}],
    ids=["neither", "both"],
)
def test_a_rule_has_exactly_one_shape(checks: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="check_note or check_vault"):
        Rule("VG299", "odd", Severity.WARNING, True, "Odd.", **checks)  # type: ignore[arg-type]


def _many_notes(count: int) -> dict[str, str]:
    """Notes of every kind the per-note rules judge, linking into each other's headings and
    blocks across the vault (so across the workers that parse them)."""
    notes = {
        f"n/{i}.md": (
            f"---\naliases: [alias {i}]\n---\n# Note {i}\n\n## Part {i}\n\nText. ^b{i}\n\n"
            f"[[{(i + 1) % count}#Part {(i + 1) % count}]] [[{(i + 7) % count}#Nope]] "
            f"[[{(i + 3) % count}#^b{(i + 3) % count}]] [[{(i + 5) % count}#^gone]] "
            f"[[alias {(i + 2) % count}]] [[Mising {i % 9}]] ![[pic{i % 4}.png]] [[Same]]\n\n"
            f"- \n- x ^d\n- y ^d\n\n| a | b |\n| - | - |\n| [[{i}|t]] | c |\n"
        )
        for i in range(count)
    }
    notes["a/Same.md"] = "one"
    notes["b/Same.md"] = "two"
    notes["pic1.png"] = "png"
    notes["Bad.md"] = "---\ntags: {a: 1}\nup: [[n/1]]\n---\n"
    return notes


def test_notes_checked_in_the_workers_that_parsed_them_are_checked_as_here(
    tmp_path: Path,
) -> None:
    from vaultgraph.lint.engine import check_in_pool
    from vaultgraph.reading import PARALLEL_MIN, NotePool
    from vaultgraph.vault import load_stamped

    root = write_vault(tmp_path, _many_notes(PARALLEL_MIN + 40))
    with NotePool(2) as pool:
        vault = load_stamped(root, cache=False, pool=pool).vault
        pooled = check_in_pool(pool, RULES, vault)
    done = pooled.notes
    view = vault_view(vault)
    here = check_notes(RULES, view, vault.notes, links_by_source(vault.links), vault.unreadable)
    names = view.built_targets()
    assert names is not None
    assert pooled.suggestions == names.known()  # the workers' "did you mean", for the memo
    assert pooled.suggestions
    assert set(done) == set(vault.notes)
    assert done == {path: here[path] for path in vault.notes}
    assert sum(len(result.findings) for result in done.values()) > 8 * len(done)
    assert all(result.asked for path, result in done.items() if path.startswith("n/"))


def test_a_check_with_the_workers_finds_what_a_check_in_one_process_finds(
    tmp_path: Path,
) -> None:
    from vaultgraph.lint.config import Config
    from vaultgraph.lint.runner import check_vault, load_and_check
    from vaultgraph.reading import PARALLEL_MIN

    root = write_vault(tmp_path, _many_notes(PARALLEL_MIN + 40))
    config = Config(extend_select=("orphan-note",))
    _, parallel = load_and_check(root, config, cache=False, jobs=2)
    serial = check_vault(load_vault(root, cache=False, jobs=1), config)
    assert parallel.run == serial
    assert {f.code for f in serial.findings} >= {"VG101", "VG102", "VG103", "VG104", "VG201"}
