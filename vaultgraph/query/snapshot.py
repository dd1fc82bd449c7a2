"""A vault as a git revision holds it, read into memory: no checkout, nothing written to git."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.files import ReadFailure, decode_text
from vaultgraph.model import Note
from vaultgraph.parse import parse_note
from vaultgraph.query.errors import QueryError
from vaultgraph.resolve import resolve_all
from vaultgraph.vault import Vault

__all__ = ["Snapshot", "at_revision", "check_revision", "working_tree"]

_SYMLINK = b"120000"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A vault at one point in its history, with a digest of each note's bytes."""

    label: str  # ``HEAD~1 (1a2b3c4)``, ``working tree``
    vault: Vault
    digests: Mapping[str, str]  # note path -> digest: equal digests, unchanged note


def working_tree(vault: Vault) -> Snapshot:
    """The vault as it is on disk now, untracked files included."""
    digests: dict[str, str] = {}
    for path in [*vault.notes, *vault.unreadable]:
        try:
            digests[path] = _digest((vault.root / path).read_bytes())
        except OSError:
            continue  # unreadable: it counts as changed
    return Snapshot("working tree", vault, digests)


def check_revision(root: Path, revision: str) -> str:
    """The commit id ``revision`` names in the repository holding the folder ``root``."""
    if not root.is_dir():
        raise QueryError(f"{root}: no such folder; give the vault folder with --vault")
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except _GitFailed as error:
        if "not a git repository" not in str(error):
            first = next(iter(str(error).splitlines()), "git failed")
            raise QueryError(f"git cannot read {root}: {first}") from None
        raise QueryError(
            f"{root} is not in a git repository; diff compares commits of a vault kept in git"
        ) from None
    try:
        commit = _git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"
        )
    except _GitFailed:
        raise QueryError(
            f'unknown revision "{revision}"; give a commit, branch or tag, such as HEAD~1'
        ) from None
    return commit.decode("ascii").strip()


def at_revision(root: Path, revision: str, *, reuse: Snapshot | None = None) -> Snapshot:
    """The vault folder ``root`` as the commit ``revision`` holds it.

    Files are listed with ``git ls-tree`` and notes read with ``git cat-file --batch``, then
    parsed, resolved and built into a graph exactly as :func:`vaultgraph.load_vault` does. Hidden
    files, symlinks and submodules are left out, as the scan of a working tree leaves out hidden
    files. A note whose bytes are those of the same note in ``reuse`` (typically the working
    tree, loaded with the parse cache) is taken from there instead of parsed again.
    """
    oid = check_revision(root, revision)
    # Run in the vault folder, ls-tree lists that folder only, with paths relative to it.
    entries = _blobs(_git(root, "ls-tree", "-r", "-z", oid))
    note_paths = sorted(path for path in entries if path.lower().endswith(".md"))
    attachments = tuple(sorted(path for path in entries if not path.lower().endswith(".md")))
    contents = _read_blobs(root, [entries[path] for path in note_paths])
    known = reuse.vault.notes if reuse is not None else {}
    notes: dict[str, Note] = {}
    unreadable: dict[str, str] = {}
    digests: dict[str, str] = {}
    for path in note_paths:
        data = contents[entries[path]]
        digests[path] = _digest(data)
        if path in known and reuse is not None and reuse.digests.get(path) == digests[path]:
            notes[path] = known[path]
            continue
        text = decode_text(data)
        if isinstance(text, ReadFailure):
            unreadable[path] = text.reason
        else:
            notes[path] = parse_note(path, text)
    links = resolve_all(notes, [*note_paths, *attachments])
    vault = Vault(root, notes, attachments, unreadable, links)
    return Snapshot(f"{revision} ({oid[:7]})", vault, digests)


class _GitFailed(Exception):
    pass


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    # Read-only plumbing; optional locks off so not even the index is refreshed.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise QueryError("git is not installed or not on PATH; diff needs it") from None
    except OSError as error:
        raise QueryError(f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        raise _GitFailed(done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def _blobs(listing: bytes) -> dict[str, str]:
    """Vault path -> blob id for each regular file ``ls-tree -r -z`` lists, hidden ones left out."""
    found: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        info, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = info.split(b" ")
        if kind != b"blob" or mode == _SYMLINK:
            continue
        try:
            path = raw_path.decode("utf-8")
        except UnicodeDecodeError:
            continue  # as the scan skips such names: no link can be written to them
        if any(part.startswith(".") for part in path.split("/")):
            continue
        found[path] = oid.decode("ascii")
    return found


def _read_blobs(cwd: Path, oids: Iterable[str]) -> dict[str, bytes]:
    """The bytes of each blob, read in one ``git cat-file --batch`` run."""
    wanted = list(dict.fromkeys(oids))
    if not wanted:
        return {}
    try:
        out = _git(cwd, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in wanted).encode())
    except _GitFailed as error:
        raise QueryError(f"git cat-file failed: {error}") from None
    contents: dict[str, bytes] = {}
    position = 0
    for oid in wanted:
        end = out.index(b"\n", position)
        header = out[position:end].split(b" ")
        if len(header) != 3:  # ``<oid> missing``: a shallow or partial clone
            raise QueryError(f"git has no object {oid}; fetch the full history and try again")
        size = int(header[2])
        contents[oid] = out[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return contents


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
