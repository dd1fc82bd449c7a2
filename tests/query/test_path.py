"""``shortest_chain``: links followed as written, or both ways; notes only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from tests.vaults import write_vault
from vaultgraph import load_vault
from vaultgraph.query import Hop, shortest_chain
from vaultgraph.query.path import render


@pytest.fixture
def graph(tmp_path: Path) -> nx.MultiDiGraph:
    root = write_vault(
        tmp_path,
        {
            "A.md": "# A\n[[B]]\n\nand [[B]] again, [[Missing]] #tag\n",
            "B.md": "[[C]] ![[pic.png]]\n",
            "C.md": "[[C]]\n",
            "D.md": "![[A]]\n",
            "E.md": "alone\n",
            "X.md": "![[pic.png]]\n",
            "Y.md": "![[pic.png]] [[Missing]] #tag\n",
            "pic.png": b"png",
        },
    )
    result: nx.MultiDiGraph = load_vault(root, cache=False).graph
    return result


def test_follows_links_as_written(graph: nx.MultiDiGraph) -> None:
    chain = shortest_chain(graph, "D.md", "C.md")
    assert chain.hops == (
        Hop("D.md", "A.md", True, ("embed",), (1,)),
        Hop("A.md", "B.md", True, ("link",), (2, 4)),
        Hop("B.md", "C.md", True, ("link",), (1,)),
    )


def test_no_chain_against_the_links_unless_undirected(graph: nx.MultiDiGraph) -> None:
    assert shortest_chain(graph, "C.md", "A.md").hops is None
    chain = shortest_chain(graph, "C.md", "A.md", directed=False)
    assert chain.hops == (
        Hop("C.md", "B.md", False, ("link",), (1,)),
        Hop("B.md", "A.md", False, ("link",), (2, 4)),
    )


def test_attachments_tags_and_unresolved_targets_join_nothing(graph: nx.MultiDiGraph) -> None:
    assert shortest_chain(graph, "X.md", "Y.md", directed=False).hops is None
    assert shortest_chain(graph, "A.md", "Y.md", directed=False).hops is None
    assert shortest_chain(graph, "E.md", "A.md", directed=False).hops is None


def test_a_note_to_itself_is_no_links(graph: nx.MultiDiGraph) -> None:
    assert shortest_chain(graph, "C.md", "C.md").hops == ()


def test_text(graph: nx.MultiDiGraph) -> None:
    assert render(shortest_chain(graph, "D.md", "B.md"), "text").splitlines() == [
        "D.md -> B.md: 2 links",
        "  D.md",
        "  -> A.md  (embed in D.md, line 1)",
        "  -> B.md  (link in A.md, lines 2, 4)",
    ]
    assert render(shortest_chain(graph, "B.md", "A.md", directed=False), "text").splitlines() == [
        "B.md -> A.md: 1 link",
        "  B.md",
        "  <- A.md  (link in A.md, lines 2, 4)",
    ]
    assert render(shortest_chain(graph, "C.md", "A.md"), "text") == (
        "No chain of links from C.md to A.md; --undirected also follows links backwards.\n"
    )
    assert render(shortest_chain(graph, "E.md", "A.md", directed=False), "text") == (
        "No chain of links from E.md to A.md.\n"
    )


def test_json(graph: nx.MultiDiGraph) -> None:
    data = json.loads(render(shortest_chain(graph, "D.md", "B.md"), "json"))
    assert data["path"] == ["D.md", "A.md", "B.md"]
    assert (data["from"], data["to"], data["directed"], data["length"]) == ("D.md", "B.md", True, 2)
    assert data["hops"][1] == {
        "source": "A.md",
        "target": "B.md",
        "forward": True,
        "kinds": ["link"],
        "lines": [2, 4],
    }
    none = json.loads(render(shortest_chain(graph, "C.md", "A.md"), "json"))
    assert (none["path"], none["hops"], none["length"]) == (None, None, None)


def test_the_same_chain_whatever_the_hash_seed(tmp_path: Path) -> None:
    # Many chains of the same length: A -> Mi -> Z, and Z <- Ni <- A the other way round.
    files = {"A.md": " ".join(f"[[M{i}]]" for i in range(8)), "Z.md": ""}
    files |= {f"M{i}.md": "[[Z]]" for i in range(8)}
    files |= {f"N{i}.md": "[[A]] [[Z]]" for i in range(8)}
    root = write_vault(tmp_path / "vault", files)
    script = (
        "import sys; from vaultgraph import load_vault;"
        "from vaultgraph.query import shortest_chain;"
        "g = load_vault(sys.argv[1], cache=False).graph;"
        "print(shortest_chain(g, 'Z.md', 'A.md', directed=False).hops)"
    )
    repo = Path(__file__).resolve().parents[2]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(root)],
            env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(repo)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert len(outputs) == 1
