"""What git says was renamed in a vault folder, from a commit to the working tree as it is on
disk (files never added included), by git's own rename detection; nothing in the repository
is written."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.gitfiles import (
    GitFailed,
    RevisionError,
    revision_commit,
    run_git,
    run_git_said,
    vault_entries,
)

__all__ = ["Renames", "working_tree_renames"]

# An exact rename: git's similarity score of a file that moved and kept every byte.
_EXACT = 100
# Options of every git command here: no file system monitor started (it is a daemon, or a
# command the configuration names), pathspecs matched as written (a note named ``*.md``).
_QUIET = ("-c", "core.fsmonitor=false", "--literal-pathspecs")


@dataclass(frozen=True, slots=True)
class Renames:
    """The renames of the vault folder's files from the commit ``label`` names to the working
    tree, vault-relative POSIX paths.

    ``files`` are the vault's files at that commit, as a scan lists them (hidden ones, symlinks
    and submodules left out); ``moved`` each old path git paired with one new path;
    ``ambiguous`` each old path git would pair with more than one (copied, then removed), with
    those new paths: no link to it is repointed. ``warnings`` is what git said of its search,
    on one line each: beyond ``diff.renameLimit`` it finds only renames that kept every byte.
    """

    label: str
    files: tuple[str, ...]
    moved: Mapping[str, str]
    ambiguous: Mapping[str, tuple[str, ...]]
    warnings: tuple[str, ...] = ()


def working_tree_renames(root: Path, revision: str = "HEAD") -> Renames:
    """The renames git detects (``-M``, its default similarity of 50%) in the vault folder
    ``root`` from the commit ``revision`` names to the files on disk now, staged or not, added
    or not (ignored files left out).

    Git compares the commit with the working tree through a temporary index (``GIT_INDEX_FILE``)
    holding the commit's files plus the others as "intent to add" entries, and a temporary
    object folder (``GIT_OBJECT_DIRECTORY``, the repository's own as an alternate): the user's
    index, refs and objects are left as they are. A rename chain (A to B committed, B to C on
    disk) is one rename from the older commit, A to C. A file that could have gone to two
    places is found by asking again without the place git chose: if git pairs it again, the
    rename is ambiguous (unless the first was exact and the second is not). Raises
    :class:`~vaultgraph.gitfiles.RevisionError` when git is missing, ``root`` is not in a work
    tree, ``revision`` names no commit, or git fails.
    """
    if shutil.which("git") is None:
        raise RevisionError("git is not installed or not on PATH; --since needs it")
    commit = revision_commit(root, revision, purpose="--since names a commit of a vault in git")
    label = f"{revision} ({commit[:7]})"
    try:
        files = _files_at(root, commit)
        with tempfile.TemporaryDirectory(prefix="vaultgraph-renames-") as scratch:
            env = _scratch_env(root, Path(scratch))
            others = _others(root, commit, env)
            first, said = _paired(
                root, commit, others, env | {"GIT_INDEX_FILE": f"{scratch}/first"}
            )
            chosen = {os.fsencode(dest) for dest, _ in first.values()}
            rest = [path for path in others if path not in chosen]
            # No rename, or no other new file to be its second place: nothing to ask again.
            again = (
                _paired(root, commit, rest, env | {"GIT_INDEX_FILE": f"{scratch}/again"})[0]
                if first and rest
                else {}
            )
    except GitFailed as error:
        last = next(iter(reversed(str(error).splitlines())), "git failed")
        raise RevisionError(f"git cannot compare {label} with the working tree: {last}") from None
    moved: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for old, (new, score) in sorted(first.items()):
        other = again.get(old)
        if other is None or (score == _EXACT and other[1] < _EXACT):
            moved[old] = new
        else:
            ambiguous[old] = tuple(sorted((new, other[0])))
    return Renames(label, files, moved, ambiguous, _warnings(said))


def _files_at(root: Path, commit: str) -> tuple[str, ...]:
    # Run in the vault folder, ls-tree lists that folder only, with paths relative to it.
    listing = run_git(root, "ls-tree", "-r", "-z", commit)
    found, _, _ = vault_entries(listing)
    return tuple(sorted(found))


def _scratch_env(root: Path, scratch: Path) -> dict[str, str]:
    """Git's environment for a comparison that writes only into ``scratch``: its index, and
    the objects ``add -N`` writes (the empty blob), with the repository's objects still read."""
    objects = os.fsdecode(
        run_git(root, "rev-parse", "--path-format=absolute", "--git-path", "objects")
    ).removesuffix("\n")
    (scratch / "objects").mkdir()
    alternates = _quoted(objects)
    if inherited := os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES"):
        alternates += f":{inherited}"
    return {
        "GIT_INDEX_FILE": str(scratch / "index"),
        "GIT_OBJECT_DIRECTORY": str(scratch / "objects"),
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": alternates,
    }


def _quoted(path: str) -> str:
    """``path`` as one entry of git's colon-separated list of object folders: C-quoted when
    it holds a colon or starts with a quote, as git reads such an entry."""
    if ":" not in path and not path.startswith('"'):
        return path
    escaped = "".join(
        f"\\{ord(char):03o}" if ord(char) < 32 else "\\" + char if char in '\\"' else char
        for char in path
    )
    return f'"{escaped}"'


def _others(root: Path, commit: str, env: Mapping[str, str]) -> list[bytes]:
    """The vault's files on disk that the commit does not hold (never added, or added since),
    hidden ones left out; as git spells them, relative to the vault folder."""
    run_git(root, *_QUIET, "read-tree", commit, env=env)
    listing = run_git(root, *_QUIET, "ls-files", "-z", "--others", "--exclude-standard", env=env)
    return [path for path in listing.split(b"\0") if path and not _hidden(path)]


def _paired(
    root: Path, commit: str, added: Sequence[bytes], env: Mapping[str, str]
) -> tuple[dict[str, tuple[str, int]], str]:
    """Old path -> (new path, similarity) for each rename git detects from the commit to the
    working tree, the files on disk that the commit does not hold limited to ``added``; in a
    new index (``env``'s ``GIT_INDEX_FILE``). And what git said meanwhile."""
    run_git(root, *_QUIET, "read-tree", commit, env=env)
    if added:
        paths = b"".join(path + b"\0" for path in added)
        run_git(
            root,
            *_QUIET,
            "add",
            "--intent-to-add",
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
            stdin=paths,
            env=env,
        )
    out, said = run_git_said(
        root,
        *_QUIET,
        "diff-index",
        "-z",
        "--name-status",
        "--find-renames",
        "--relative",
        "--ignore-submodules",
        "--no-ext-diff",
        commit,
        env=env,
    )
    return _renames_in(out), said


def _renames_in(out: bytes) -> dict[str, tuple[str, int]]:
    """The ``R`` entries of ``--name-status -z`` output: a status, then one path, or two for
    a rename or a copy; hidden paths left out, as the scan leaves them out."""
    fields = out.split(b"\0")
    pairs: dict[str, tuple[str, int]] = {}
    at = 0
    while at < len(fields) and fields[at]:
        status = fields[at]
        paths = 2 if status[:1] in (b"R", b"C") else 1
        named = fields[at + 1 : at + 1 + paths]
        at += 1 + paths
        if status[:1] != b"R" or len(named) != 2 or any(_hidden(path) for path in named):
            continue
        score = int(status[1:]) if status[1:].isdigit() else 0
        pairs[os.fsdecode(named[0])] = (os.fsdecode(named[1]), score)
    return pairs


def _warnings(said: str) -> tuple[str, ...]:
    """Git's warnings of its rename search as one line: that it stopped looking for renames
    with edits, and what to set (others, such as line-ending notices, are not ours to say)."""
    lines = [line.removeprefix("warning: ").rstrip(".") for line in said.splitlines()]
    found = [line for line in lines if "rename" in line.lower()]
    return (f"git: {'; '.join(found)}; renames with edits were not looked for",) if found else ()


def _hidden(path: bytes) -> bool:
    return any(part.startswith(b".") for part in path.split(b"/"))
