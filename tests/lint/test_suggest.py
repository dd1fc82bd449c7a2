"""The "did you mean" suggestions: normalised keys, names, paths and aliases."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.vaults import write_vault
from vaultgraph.lint import suggest as suggest_module
from vaultgraph.lint.suggest import (
    Suggestion,
    TargetIndex,
    _Keys,
    alias_owners,
    build_target_index,
    closest,
    did_you_mean,
    graph_target_index,
    link_text,
    normalise,
    unknown_name,
)
from vaultgraph.lint.suggest import suggest_targets as suggest
from vaultgraph.vault import Vault, load_vault


def make_vault(root: Path, files: Mapping[str, str]) -> Vault:
    return load_vault(write_vault(root, files))


@pytest.fixture
def index(tmp_path: Path) -> TargetIndex:
    return build_target_index(
        make_vault(
            tmp_path,
            {
                "Kubernetes.md": "",
                "Café-Menu.md": "",
                "Concepts/Docker.md": "",
                "a/Intro.md": "",
                "b/Intro.md": "",
                "assets/diagram.png": "",
                "Artificial Intelligence.md": "---\naliases: [AI, Machine Minds]\n---\n",
                "Machine Learning.md": "---\naliases: [ML]\n---\n",
                "Meta Learning.md": "---\naliases: [ml]\n---\n",
            },
        )
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kubernetes", "kubernetes"),
        ("Café-Menu", "cafe menu"),
        ("Ångström", "angstrom"),
        ("AWS: ECS (Fargate)", "aws_ecs-fargate"),
        ("Straße", "STRASSE"),
    ],
)
def test_normalise_ignores_case_accents_spacing_and_punctuation(one: str, other: str) -> None:
    assert normalise(one) == normalise(other)


def test_normalise_keeps_letters_of_every_script_and_digits() -> None:
    assert normalise("東京 2024") == "東京2024"
    assert normalise("EC2") != normalise("EC3")


def test_closest_finds_typos_and_leaves_unrelated_names() -> None:
    choices = ["Kubernetes", "Docker", "Pods"]
    assert closest("Kubernets", choices) == ("Kubernetes",)
    assert closest("Quantum Teleportation", choices) == ()
    assert closest("???", choices) == ()


def test_closest_takes_a_lower_cutoff_for_a_few_short_names() -> None:
    assert closest("mpa", ["map", "path"]) == ()
    assert closest("mpa", ["map", "path"], cutoff=0.6) == ("map",)


def test_closest_puts_a_normalised_match_before_a_nearer_spelling() -> None:
    assert closest("set-up", ["Setups", "Set Up"]) == ("Set Up", "Setups")
    assert closest("set-up", ["Setups", "Set Up"], limit=1) == ("Set Up",)


def test_suggests_note_titles_for_a_bare_name(index: TargetIndex) -> None:
    assert suggest(index, "Kubernets") == (Suggestion("Kubernetes"),)
    assert suggest(index, "cafe menu") == (Suggestion("Café-Menu"),)


def test_keeps_md_when_the_target_was_written_with_it(index: TargetIndex) -> None:
    assert suggest(index, "Kubernets.md") == (Suggestion("Kubernetes.md"),)
    assert suggest(index, "diagrm.png") == (Suggestion("diagram.png"),)


def test_a_target_with_a_folder_is_compared_with_paths(index: TargetIndex) -> None:
    assert suggest(index, "Concepts/Dockr") == (Suggestion("Concepts/Docker"),)
    assert suggest(index, "Concept/Docker") == (Suggestion("Concepts/Docker"),)


def test_a_name_shared_by_two_files_is_suggested_as_paths(index: TargetIndex) -> None:
    assert suggest(index, "Intr") == (Suggestion("a/Intro"), Suggestion("b/Intro"))


def test_aliases_are_suggested_with_their_note(index: TargetIndex) -> None:
    assert suggest(index, "Machine Mind") == (
        Suggestion("Artificial Intelligence", "Machine Minds"),
    )
    assert suggest(index, "ML") == (
        Suggestion("Machine Learning", "ML"),
        Suggestion("Meta Learning", "ml"),
    )


def test_alias_owners_compare_case_insensitively(index: TargetIndex) -> None:
    assert alias_owners(index, "ai") == ("Artificial Intelligence.md",)
    assert alias_owners(index, "ML") == ("Machine Learning.md", "Meta Learning.md")
    assert alias_owners(index, "Kubernetes") == ()


def test_link_text_is_the_name_unless_another_file_shares_it(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"a/Intro.md": "", "b/Intro.md": "", "c/Kubernetes.md": ""})
    assert link_text(vault, "c/Kubernetes.md") == "Kubernetes"
    assert link_text(vault, "a/Intro.md") == "a/Intro"


@pytest.mark.parametrize(
    ("suggestions", "in_table", "expected"),
    [
        ((), False, ""),
        ((Suggestion("Kubernetes"),), False, ' (did you mean "Kubernetes"?)'),
        (
            (Suggestion("A"), Suggestion("B"), Suggestion("C")),
            False,
            ' (did you mean "A", "B" or "C"?)',
        ),
        ((Suggestion("Target", "AI"),), False, " (did you mean [[Target|AI]]?)"),
        ((Suggestion("Target", "AI"),), True, " (did you mean [[Target\\|AI]]?)"),
    ],
)
def test_did_you_mean(suggestions: tuple[Suggestion, ...], in_table: bool, expected: str) -> None:
    assert did_you_mean(suggestions, in_table=in_table) == expected


def test_a_large_vault_finds_the_same_typos_through_its_shortlist(tmp_path: Path) -> None:
    files = {f"notes/Topic {n:03d} overview.md": "" for n in range(300)}
    files |= {"Kubernetes.md": "", "Container Orchestration.md": ""}
    index = build_target_index(make_vault(tmp_path, files))
    assert suggest(index, "Kubernets") == (Suggestion("Kubernetes"),)
    assert suggest(index, "Container Orchestraton") == (Suggestion("Container Orchestration"),)
    assert suggest(index, "Topic 017 overveiw")[0] == Suggestion("Topic 017 overview")


def test_repeated_targets_get_the_same_answer(index: TargetIndex) -> None:
    first = suggest(index, "Kubernets")
    assert suggest(index, "Kubernets") == first
    assert suggest(index, "Kubernets", limit=0) == ()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> TargetIndex:
    """2,000 pasted images: every name shares ``ima``, ``mag``, ``age`` and ``png``."""
    root = tmp_path_factory.mktemp("images")
    files: dict[str, str | bytes] = {f"assets/image-{n}.png": b"" for n in range(2000)}
    return build_target_index(load_vault(write_vault(root, files), cache=False))


@pytest.mark.parametrize(
    "typo", ["image-1234.pgn", "imgae-1234.png", "image-1234", "image-1234.pn"]
)
def test_names_sharing_common_trigrams_still_find_the_typo(images: TargetIndex, typo: str) -> None:
    assert suggest(images, typo)[0] == Suggestion("image-1234.png")


def test_past_the_budget_the_common_trigrams_are_left_out_and_typos_still_found(
    images: TargetIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suggest_module, "_BUDGET", 200)
    fresh = images.forgetting()
    assert suggest(fresh, "image-1234.pgn")[0] == Suggestion("image-1234.png")
    assert suggest(fresh, "imgae-1234.png")[0] == Suggestion("image-1234.png")
    assert suggest(fresh, "assets/imgae-1234.png")[0] == Suggestion("assets/image-1234.png")


def _counted_in_full(keys: frozenset[str], key: str) -> list[str]:
    """The shortlist as first written: every key sharing a trigram counted, then all sorted."""
    grams = {key[i : i + 3] for i in range(len(key) - 2)}
    if len(keys) <= 50 or not grams:
        return sorted(keys)
    shared = {k: len(grams & {k[i : i + 3] for i in range(len(k) - 2)}) for k in keys}
    return sorted((k for k in keys if shared[k]), key=lambda k: (-shared[k], k))[:50]


def test_the_shortlist_under_the_budget_is_the_full_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suggest_module, "_BUDGET", 10**9)
    rng = random.Random(7)
    words = ["image", "png", "pasted", "meeting", "notes", "daily", "kubernetes", "k8s"]

    def name() -> str:
        if rng.random() < 0.5:
            return f"image{rng.randrange(1500)}png"
        if rng.random() < 0.5:
            return "".join(rng.choices(words, k=2)) + str(rng.randrange(100))
        return "".join(rng.choices("abcdefgh", k=rng.randrange(1, 10)))

    keys = _Keys.of(name() for _ in range(1200))
    wanted = [name() for _ in range(150)] + ["", "ab", "abc", "imagepng", "zzzz"]
    for key in wanted:
        assert keys._shortlist(key) == _counted_in_full(keys.keys, key), key


@pytest.fixture
def names(tmp_path: Path) -> Vault:
    return make_vault(
        tmp_path,
        {
            "Concepts/Hypervisor.md": "---\naliases: [Virtual machine monitor]\n---\n",
            "a/Plan.md": "",
            "b/Plan.md": "",
            "assets/diagram.png": "png",
        },
    )


def test_a_graph_index_holds_the_files_of_the_kinds_asked_with_their_aliases(
    names: Vault,
) -> None:
    notes = graph_target_index(names.graph)
    assert set(notes.texts) == {"Concepts/Hypervisor.md", "a/Plan.md", "b/Plan.md"}
    assert notes.aliases == {"virtual machine monitor": ("Concepts/Hypervisor.md",)}
    both = graph_target_index(names.graph, ("note", "attachment"))
    assert "assets/diagram.png" in both.texts


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hypervisr", 'no note "Hypervisr" in the vault (did you mean "Hypervisor"?)'),
        (
            "  hypervisor.md ",
            'no note "hypervisor.md" in the vault (did you mean "Hypervisor.md"?)',
        ),
        (
            "Concepts/Hypervisr",
            'no note "Concepts/Hypervisr" in the vault (did you mean "Concepts/Hypervisor"?)',
        ),
        # Found through its alias, the note is given by the name that names it.
        (
            "virtual machine monitr",
            'no note "virtual machine monitr" in the vault (did you mean "Hypervisor"?)',
        ),
        # A name two notes share is given by their paths, which name each of them.
        ("Plann", 'no note "Plann" in the vault (did you mean "a/Plan" or "b/Plan"?)'),
        ("Zyxwvut", 'no note "Zyxwvut" in the vault; give a title'),
    ],
)
def test_an_unknown_name_gets_the_names_to_type_instead(
    names: Vault, name: str, expected: str
) -> None:
    assert unknown_name(name, graph_target_index(names.graph), hint="give a title") == expected


def test_an_unknown_name_without_a_hint_or_of_another_kind(names: Vault) -> None:
    index = graph_target_index(names.graph, ("note", "attachment"))
    assert unknown_name("Zyxwvut", index, what="file") == 'no file "Zyxwvut" in the vault'
    assert unknown_name("diagrm.png", index, what="file") == (
        'no file "diagrm.png" in the vault (did you mean "diagram.png"?)'
    )
    # Only the kinds indexed are suggested.
    assert "did you mean" not in unknown_name("diagrm.png", graph_target_index(names.graph))
