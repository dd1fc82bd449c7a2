"""A vault folder's files as a git commit holds them, read with git's plumbing: no checkout,
nothing written to the repository, and nothing ever fetched."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.files import APP_JSON, MAX_APP_JSON, SkippedPath, VaultError, VaultFiles

__all__ = [
    "GitFailed",
    "Revision",
    "RevisionError",
    "read_revision",
    "revision_commit",
    "run_git",
    "run_git_said",
    "vault_entries",
]

_SYMLINK = b"120000"


class RevisionError(VaultError):
    """A revision that cannot be read (unknown, not in this clone, no git); the message says
    what to do instead."""


@dataclass(frozen=True, slots=True)
class Revision:
    """The vault folder at one commit: its files listed as a scan lists a working tree's, and
    the bytes of each note."""

    commit: str  # the full commit id
    label: str  # ``HEAD~1 (1a2b3c4)``: the revision as given, and the commit it named
    files: VaultFiles
    blobs: Mapping[str, bytes]  # note path -> its bytes at that commit
    # Obsidian's settings at that commit, as read_app_json reads them on disk (at most
    # MAX_APP_JSON bytes, a regular file), or why they cannot be read.
    app_json: bytes | OSError


def revision_commit(
    root: Path, revision: str, *, purpose: str = "diff compares commits of a vault kept in git"
) -> str:
    """The commit id ``revision`` names in the repository holding the folder ``root``;
    ``purpose`` says, when it is in none, what needs one."""
    if not root.is_dir():
        raise RevisionError(f"{root}: no such folder; give the vault folder with --vault")
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except _GitFailed as error:
        if "not a git repository" not in str(error):
            first = next(iter(str(error).splitlines()), "git failed")
            raise RevisionError(f"git cannot read {root}: {first}") from None
        raise RevisionError(f"{root} is not in a git repository; {purpose}") from None
    try:
        commit = _git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"
        )
    except _GitFailed:
        raise RevisionError(
            f'unknown revision "{revision}"; give a commit, branch or tag, such as HEAD~1'
        ) from None
    return commit.decode("ascii").strip()


def read_revision(root: Path, revision: str) -> Revision:
    """The files of the vault folder ``root`` as the commit ``revision`` holds them.

    Files are listed with ``git ls-tree`` and notes read with one ``git cat-file --batch``.
    Hidden files are left out, as the scan of a working tree leaves them out; symlinks and
    submodules are left out too (a link's target is not followed at a revision) and listed as
    skipped, as are names that are not UTF-8. Blobs are read as committed: no filter (such as
    Git LFS's) is run on them. Raises :class:`RevisionError`.
    """
    commit = revision_commit(root, revision)
    label = f"{revision} ({commit[:7]})"
    # Run in the vault folder, ls-tree lists that folder only, with paths relative to it.
    try:
        listing = _git(root, "ls-tree", "-r", "-z", commit)
    except _GitFailed as error:
        if _missing_object(str(error)):
            raise _not_in_clone(f"the file list of {label}") from None
        raise RevisionError(f"git cannot list the files of {label}: {_last_line(error)}") from None
    entries, skipped, settings = _blobs(listing)
    notes = sorted(path for path in entries if path.lower().endswith(".md"))
    attachments = sorted(path for path in entries if not path.lower().endswith(".md"))
    # Canvases are read with the notes: their references are links of the vault too.
    canvases = [path for path in attachments if path.lower().endswith(".canvas")]
    wanted: dict[str, str] = {}  # blob id -> the first note holding those bytes
    for path in [*notes, *canvases]:
        wanted.setdefault(entries[path], path)
    if isinstance(settings, str):
        wanted.setdefault(settings, APP_JSON)
    contents = _read_blobs(root, wanted, label)
    files = VaultFiles(
        tuple(notes), tuple(attachments), tuple(sorted(skipped, key=lambda s: s.path))
    )
    blobs = {path: contents[entries[path]] for path in [*notes, *canvases]}
    return Revision(commit, label, files, blobs, _app_json(settings, contents))


def _app_json(settings: str | OSError, contents: Mapping[str, bytes]) -> bytes | OSError:
    if isinstance(settings, OSError):
        return settings
    data = contents[settings]
    if len(data) > MAX_APP_JSON:
        return OSError(errno.EFBIG, f"over {MAX_APP_JSON:,} bytes")
    return data


class _GitFailed(Exception):
    """Git's error message; ``output`` is what it wrote to stdout before it stopped."""

    def __init__(self, message: str, output: bytes = b"") -> None:
        super().__init__(message)
        self.output = output


def _git(
    cwd: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    """Run read-only git plumbing that can reach no remote (see :func:`_offline`); ``env`` is
    set in git's environment too."""
    return _git_said(cwd, *args, stdin=stdin, env=env)[0]


def _git_said(
    cwd: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> tuple[bytes, str]:
    """:func:`_git`, with what git wrote on stderr though it succeeded (its warnings)."""
    done = _run(cwd, [*_offline(cwd), *args], stdin, env)
    said = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        raise _GitFailed(said, done.stdout)
    return done.stdout, said


# Optional locks off, so not even the index is refreshed; no prompt for credentials; and no lazy
# fetch of a partial clone's missing objects (git 2.44 and later know this variable, and so do
# the 2024 security releases of older ones: 2.39.4, 2.40.2, 2.41.1, 2.42.2, 2.43.4).
_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1"}


def _run(
    cwd: Path, args: list[str], stdin: bytes | None = None, extra: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {key: value for key, value in os.environ.items() if key != "GIT_ALLOW_PROTOCOL"}
    env |= _ENV
    env |= extra or {}
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise RevisionError("git is not installed or not on PATH; diff needs it") from None
    except OSError as error:
        raise RevisionError(f"cannot run git: {error.strerror or error}") from None


def _offline(cwd: Path) -> list[str]:
    """Options that turn off every transport, so no git command of diff's can fetch.

    In a partial clone, reading an object the clone left on the server makes git fetch it, and
    fetching runs whatever the repository's configuration says (``core.sshCommand``,
    ``remote.<name>.uploadpack``, an ``ext::`` URL). Older git ignores ``GIT_NO_LAZY_FETCH``, so
    the fetch must fail before it connects there: ``protocol.allow=never``
    refuses every transport, and because a ``protocol.<name>.allow`` setting would win over it,
    each one the configuration holds is set to ``never`` as well. The options reach the fetch
    git would start, as every ``-c`` does. (``GIT_ALLOW_PROTOCOL`` would beat them all; it is
    left out of git's environment.)
    """
    # Matched here, not by git's regex, whose ``.`` matches no byte that is not UTF-8.
    done = _run(cwd, ["config", "--name-only", "-z", "--get-regexp", r"^protocol\."])
    if done.returncode not in (0, 1):  # 1: no such setting
        raise _GitFailed(done.stderr.decode("utf-8", "replace").strip())
    options = ["-c", "protocol.allow=never"]
    # fsdecode: a name that is not UTF-8 goes back to git as the same bytes.
    for key in os.fsdecode(done.stdout).split("\0")[:-1]:
        if key == "protocol.allow" or not key.endswith(".allow"):
            continue
        name = key.removeprefix("protocol.").removesuffix(".allow")
        if "=" in name or "\n" in name:  # ``-c`` cannot name it
            raise RevisionError(
                f'the git configuration allows a transport diff cannot turn off ("{name}"); '
                "remove its protocol.*.allow setting"
            )
        options += ["-c", f"protocol.{name}.allow=never"]
    return options


# Why a revision's file is left out, as the scan of a working tree says why it skips one.
_SKIP_SYMLINK = "symlink (not followed at a revision)"
_SKIP_SUBMODULE = "submodule (not read)"
_SKIP_NAME = "file name is not valid UTF-8"
_NOT_REGULAR = "not a regular file (a symlink or a submodule at the revision)"


def _blobs(listing: bytes) -> tuple[dict[str, str], list[SkippedPath], str | OSError]:
    """Vault path -> blob id for each regular file ``ls-tree -r -z`` lists, hidden ones left
    out; the symlinks, submodules and names that are not UTF-8 left out with them; and the
    blob id of ``.obsidian/app.json``, or why it cannot be read."""
    found: dict[str, str] = {}
    skipped: list[SkippedPath] = []
    settings: str | OSError = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        info, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = info.split(b" ")
        # As os.scandir spells a name that is not UTF-8: undecodable bytes as lone surrogates.
        path = os.fsdecode(raw_path)
        if path == APP_JSON:
            regular = kind == b"blob" and mode != _SYMLINK
            settings = oid.decode("ascii") if regular else OSError(errno.EINVAL, _NOT_REGULAR)
        if any(part.startswith(".") for part in path.split("/")):
            continue
        if not _is_utf8(raw_path):
            skipped.append(SkippedPath(path, _SKIP_NAME))  # no link can be written to it
        elif kind != b"blob":
            skipped.append(SkippedPath(path, _SKIP_SUBMODULE))
        elif mode == _SYMLINK:
            skipped.append(SkippedPath(path, _SKIP_SYMLINK))
        else:
            found[path] = oid.decode("ascii")
    return found, skipped, settings


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_blobs(cwd: Path, wanted: Mapping[str, str], label: str) -> dict[str, bytes]:
    """The bytes of each blob (blob id -> a path it is at), read in one ``git cat-file --batch``
    run."""
    if not wanted:
        return {}
    try:
        out = _git(cwd, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in wanted).encode())
    except _GitFailed as error:
        # Git stops at the first object it would have to fetch: the one after those it wrote.
        if _missing_object(str(error)):
            read = _batch(error.output, wanted)
            path = next((path for oid, path in wanted.items() if oid not in read), None)
            raise _not_in_clone(f"{path or 'a note'} at {label}") from None
        raise RevisionError(f"git cat-file failed: {_last_line(error)}") from None
    contents = _batch(out, wanted)
    for oid, path in wanted.items():
        if oid not in contents:  # ``<oid> missing``: git that does not fetch, as told
            raise _not_in_clone(f"{path} at {label}")
    return contents


def _batch(out: bytes, wanted: Iterable[str]) -> dict[str, bytes]:
    """The objects ``cat-file --batch`` wrote in full, in the order asked, up to the first that
    it reported missing or did not finish."""
    contents: dict[str, bytes] = {}
    position = 0
    for oid in wanted:
        end = out.find(b"\n", position)
        header = out[position:end].split(b" ")
        if end < 0 or len(header) != 3:
            break
        size = int(header[2])
        if len(out) < end + 1 + size + 1:
            break
        contents[oid] = out[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return contents


# What git says when an object is not in the repository, fetching it refused or not tried. (The
# fetch's own "transport 'file' not allowed" can be all there is: git may die writing to it.)
_MISSING = ("promisor remote", "not allowed", "unable to read", "missing", "not a tree object")


def _missing_object(message: str) -> bool:
    return any(words in message for words in _MISSING)


def _not_in_clone(what: str) -> RevisionError:
    return RevisionError(
        f"{what} is not in this clone, and diff never fetches (a partial clone leaves files on "
        "the server); run it in a full clone, without --filter"
    )


def _last_line(error: _GitFailed) -> str:
    return next(iter(reversed(str(error).splitlines())), "git failed")


# The plumbing, for the other reader of git (``vaultgraph.gitrenames``): one way to run git
# offline, and to read a commit's listing as a scan would.
GitFailed = _GitFailed
run_git = _git
run_git_said = _git_said
vault_entries = _blobs
