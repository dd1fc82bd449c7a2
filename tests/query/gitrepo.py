"""A throwaway git repository that tests build commit by commit."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.vaults import write_vault
from vaultgraph import load_vault
from vaultgraph.query import GraphDiff, at_revision, compare, working_tree


class Repo:
    """A repository in a temporary folder, configured in itself: no global git config is read
    or written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=True
        )
        return done.stdout

    def write(self, files: Mapping[str, str | bytes]) -> None:
        write_vault(self.root, files)

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


# A small vault to rename notes in.
FIRST: dict[str, str | bytes] = {
    "Home.md": "# Home\n[[Docker]] and [[Kubernetes]]\n",
    "Docker.md": "# Docker\nBack to [[Home]].\n",
    "Kubernetes.md": "# Kubernetes\n[[Home]]\n",
    "notes/Other.md": "See [[Docker]].\n![[img.png]]\n",
    "img.png": b"png",
}


def diff_of(repo: Repo, old: str, new: str | None = None) -> GraphDiff:
    """Compare two revisions, or one with the working tree."""
    before = at_revision(repo.root, old)
    after = (
        at_revision(repo.root, new)
        if new is not None
        else working_tree(load_vault(repo.root, cache=False))
    )
    return compare(before, after)


def partial_clone(source: Repo, folder: Path, filter_spec: str = "blob:none") -> Repo:
    """A clone of ``source`` over ``file://`` that leaves objects on it (``--filter``) and checks
    nothing out: every note is missing until git fetches it from ``source``, its promisor."""
    source.git("config", "uploadpack.allowFilter", "true")
    clone = ["git", "clone", "-q", "--no-checkout", f"--filter={filter_spec}"]
    subprocess.run([*clone, source.root.as_uri(), str(folder)], capture_output=True, check=True)
    return Repo(folder)
