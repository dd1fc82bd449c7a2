"""The pre-commit hook, run by the real `pre-commit try-repo` on a git repository with a vault."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from vaultgraph.lint.registry import RULES

PROJECT = Path(__file__).resolve().parent.parent
# What pip needs to build vaultgraph, and the hook manifest.
SHIPPED = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "vaultgraph")
# pre-commit builds a virtualenv and pip-installs the hook repository: that takes a while.
TIMEOUT = 900

VAULT = {
    "Home.md": "# Home\n\nStart with [[Topic]], then [[Other]].\n",
    "Topic.md": "# Topic\n\nBack [[Home]].\n",
    "Other.md": "# Other\n\nNothing to see.\n",
}


def _pre_commit() -> list[str]:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    found = shutil.which("pre-commit")
    assert found, "pre-commit is a test dependency: pip install -e '.[test]'"
    return [found]


def _env(home: Path) -> dict[str, str]:
    # Nothing from a surrounding git hook or pre-commit run (GIT_INDEX_FILE, GIT_DIR) may leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return env | {"PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}


def _git(repo: Path, env: Mapping[str, str], *args: str) -> None:
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


def _init(repo: Path, env: Mapping[str, str]) -> None:
    _git(repo, env, "init", "--quiet")
    _git(repo, env, "config", "user.name", "vaultgraph tests")
    _git(repo, env, "config", "user.email", "tests@vaultgraph.invalid")
    _git(repo, env, "add", "--all")
    _git(repo, env, "commit", "--quiet", "--message", "start")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _env(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """This project as one commit: try-repo installs what git holds, and a working tree being
    edited holds files not added yet."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in SHIPPED:
        source = PROJECT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, repo / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, repo / name)
    _init(repo, env)
    return repo


@pytest.fixture
def vault_repo(tmp_path: Path, env: dict[str, str]) -> Path:
    for name, text in VAULT.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    _init(tmp_path, env)
    return tmp_path


def _run(vault_repo: Path, env: Mapping[str, str], *args: str) -> tuple[int, str]:
    """The real pre-commit, run in ``vault_repo``: its exit code and everything it printed."""
    done = subprocess.run(
        [*_pre_commit(), *args],
        cwd=vault_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return done.returncode, done.stdout + done.stderr


def _try_repo(
    vault_repo: Path, hook_repo: Path, env: Mapping[str, str], hook: str = "vaultgraph"
) -> tuple[int, str]:
    # Without --all-files, as at commit time: the hook runs anyway (always_run) on the whole vault,
    # and vaultgraph-files gets the staged Markdown files.
    return _run(vault_repo, env, "try-repo", str(hook_repo), hook)


def test_a_clean_vault_passes(vault_repo: Path, hook_repo: Path, env: dict[str, str]) -> None:
    with (vault_repo / "Other.md").open("a", encoding="utf-8") as note:
        note.write("\nSee [[Topic]].\n")
    _git(vault_repo, env, "add", "Other.md")
    code, output = _try_repo(vault_repo, hook_repo, env)
    assert code == 0, output
    assert "vaultgraph" in output
    assert "Passed" in output


def test_a_staged_rename_fails_on_the_untouched_note_that_links_to_it(
    vault_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    _git(vault_repo, env, "mv", "Topic.md", "Renamed.md")
    code, output = _try_repo(vault_repo, hook_repo, env)
    broken_link = next(rule.code for rule in RULES if rule.name == "broken-link")
    assert code == 1, output
    assert "Failed" in output
    assert f"Home.md:3:12: {broken_link}" in output
    assert "Topic" in output
    assert "Renamed.md:" not in output


SUBFOLDER_VAULT = {
    "README.md": "# The repository\n\nNotes in [[notes]] (not a vault link).\n",
    "notes/.obsidian/app.json": "{}\n",
    "notes/Home.md": "# Home\n\nStart with [[Topic]].\n",
    "notes/Concepts/Topic.md": "# Topic\n\nBack [[Home]].\n",
    "notes/Concepts/Other.md": "# Other\n\nSee [[Gone]].\n",
}


@pytest.fixture
def subfolder_repo(tmp_path: Path, env: dict[str, str]) -> Path:
    for name, text in SUBFOLDER_VAULT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    _init(tmp_path, env)
    return tmp_path


def test_the_files_hook_checks_staged_notes_against_the_whole_vault(
    subfolder_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    topic = subfolder_repo / "notes" / "Concepts" / "Topic.md"
    with topic.open("a", encoding="utf-8") as note:
        note.write("\nOn to [[Other]], up to [[Home]], then [[Nowhere]].\n")
    _git(subfolder_repo, env, "add", "notes/Concepts/Topic.md")
    code, output = _try_repo(subfolder_repo, hook_repo, env, "vaultgraph-files")
    broken_link = next(rule.code for rule in RULES if rule.name == "broken-link")
    assert code == 1, output
    assert "Failed" in output
    # The vault is notes/ (its .obsidian/), found from the staged note: [[Home]] resolves.
    assert f"Concepts/Topic.md:5:39: {broken_link}" in output
    assert "[[Home]]" not in output
    # Other.md's broken link is not staged: not reported.
    assert "Gone" not in output
    assert "in 1 of 1 note." in output


def test_the_files_hook_passes_a_clean_staged_note(
    subfolder_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    home = subfolder_repo / "notes" / "Home.md"
    with home.open("a", encoding="utf-8") as note:
        note.write("\nAnd [[Other]].\n")
    _git(subfolder_repo, env, "add", "notes/Home.md")
    code, output = _try_repo(subfolder_repo, hook_repo, env, "vaultgraph-files")
    assert code == 0, output
    assert "Passed" in output


def test_a_rename_made_outside_vaultgraph_is_repaired_by_the_fix_hook(
    vault_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    # As pre-commit.md shows it: the hook with `args: [--fix]`, from a pinned revision.
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=hook_repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    config = (
        f"repos:\n- repo: {hook_repo}\n  rev: {head}\n"
        "  hooks:\n  - id: vaultgraph\n    args: [--fix]\n"
    )
    (vault_repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(vault_repo, env, "add", ".pre-commit-config.yaml")
    _git(vault_repo, env, "mv", "Topic.md", "Renamed.md")

    code, output = _run(vault_repo, env, "run")
    assert code == 1, output
    assert "files were modified by this hook" in output
    assert (vault_repo / "Home.md").read_text(encoding="utf-8") == (
        "# Home\n\nStart with [[Renamed]], then [[Other]].\n"
    )
    _git(vault_repo, env, "add", "Home.md")
    code, output = _run(vault_repo, env, "run")
    assert code == 0, output
    assert "Passed" in output
