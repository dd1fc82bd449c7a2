"""The sample vault reads as the AWS containers concept map it is meant to be."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultgraph import Vault, load_vault

SAMPLE = Path(__file__).resolve().parent.parent / "sample_vault"
SEED = "AWS Containers.md"


@pytest.fixture(scope="module")
def vault() -> Vault:
    return load_vault(SAMPLE)


def out_links(vault: Vault, note: str, kind: str = "link") -> set[str]:
    return {t for _, t, data in vault.graph.out_edges(note, data=True) if data["kind"] == kind}


def test_notes_and_attachments(vault: Vault) -> None:
    on_disk = {p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*.md")}
    assert set(vault.notes) == on_disk
    assert {"AWS.md", SEED, "AWS Services/ECS.md", "Concepts/Kubernetes.md"} <= on_disk
    assert vault.attachments == ("assets/container-stack.png",)
    assert vault.unreadable == {}


def test_seed_subject_resolves_case_insensitively(vault: Vault) -> None:
    (subject,) = [r for r in vault.links if r.source == SEED and r.link.raw == "[[aws]]"]
    assert subject.resolved == "AWS.md"
    assert out_links(vault, SEED) == {"AWS.md"}


def test_seed_keeps_its_two_defects(vault: Vault) -> None:
    seed = vault.notes[SEED]
    assert [(item.line, item.empty) for item in seed.list_items if item.empty] == [(22, True)]
    broken = [r for r in vault.links if r.resolved is None]
    assert [(r.source, r.link.line, r.link.target) for r in broken] == [
        (SEED, 23, "r-5msO3v65l8svTq_w21tw4DWWcwlw5Hc.jpg")
    ]
    assert {tag.key for tag in seed.tags} == {"aws", "cloud", "containers", "vm", "k8s"}


def test_every_other_link_resolves_with_its_subpath(vault: Vault) -> None:
    for resolved in vault.links:
        if resolved.source == SEED and resolved.link.kind == "embed":
            continue
        assert resolved.resolved is not None, resolved
        assert resolved.subpath_exists in (None, True), resolved


def test_ecs_note_edges(vault: Vault) -> None:
    assert out_links(vault, "AWS Services/ECS.md") == {
        "AWS.md",
        SEED,
        "AWS Services/EKS.md",
        "AWS Services/Elastic Load Balancing.md",
        "AWS Services/Fargate.md",
        "AWS Services/IAM.md",
        "AWS Services/VPC.md",
        "Comparisons/ECS vs EKS.md",
        "Concepts/Container orchestration.md",
        "Concepts/Docker.md",
    }
    assert out_links(vault, "AWS Services/ECS.md", "tag") == {"#aws", "#aws/compute", "#containers"}
    node = vault.graph.nodes["AWS Services/ECS.md"]
    assert node["kind"] == "note"
    assert "Elastic Container Service" in node["aliases"]


def test_code_block_fake_links_do_not_count(vault: Vault) -> None:
    docker = vault.notes["Concepts/Docker.md"]
    assert "not-a-link" not in {link.target for link in docker.links}
    assert "not-a-tag" not in {tag.key for tag in docker.tags}


def test_image_is_embedded(vault: Vault) -> None:
    sources = {s for s, _, d in vault.graph.in_edges("assets/container-stack.png", data=True)}
    assert "Concepts/Containers.md" in sources
    assert vault.graph.nodes["assets/container-stack.png"]["kind"] == "attachment"


def test_table_cell_link_with_escaped_pipe(vault: Vault) -> None:
    links = vault.notes["Comparisons/ECS vs EKS.md"].links
    cell = [link for link in links if link.in_table and link.target == "ECS"]
    assert cell
    assert cell[0].display == "Elastic Container Service"
    assert not cell[0].bare_table_pipe
