"""Load a vault in one call: files, then parsed notes, then resolved links, then the graph."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vaultgraph.canvas import MAX_CANVAS_BYTES, invalid, is_canvas, parse_canvas
from vaultgraph.files import (
    APP_JSON,
    ReadFailure,
    SkippedPath,
    VaultError,
    VaultFiles,
    check_root,
    decode_text,
    read_app_json,
    read_failure,
    read_regular,
    read_text,
    scan_vault,
    stat_in,
)
from vaultgraph.model import Note
from vaultgraph.packing import paused_gc
from vaultgraph.positions import split_lines
from vaultgraph.reading import NotePool, Pending, Progress, Read, read_notes
from vaultgraph.resolve import LinkIndex, ResolvedLink, build_index, resolve_all
from vaultgraph.settings import ObsidianSettings, read_settings
from vaultgraph.store import Entry, NoteCache, SharedNotes, digest

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Progress", "Stamped", "Vault", "VaultError", "load_stamped", "load_vault"]


@dataclass(frozen=True)
class Vault:
    """A fully loaded vault. Paths are vault-relative POSIX paths as spelled on disk.

    ``unreadable`` maps ``.md`` files that could not be read to the reason; they are not in
    ``notes`` but links still resolve to them and they are note nodes in ``graph``.
    ``skipped`` lists what the scan left out (symlinks leading outside, unlistable folders).
    ``graph`` is built on first use: checking a vault needs only its notes and links, and
    importing networkx and building the graph costs more than a warm check of 10,000 notes.
    ``index`` is the name index its links were resolved against; :meth:`source` and
    :meth:`lines` read a note's text when a consumer needs it, as parsing read it (for a vault
    read at a revision, as the revision holds it, and so is :attr:`app_json`). ``commit`` is
    the git commit the vault was read from (``load_vault(revision=...)``), ``None`` for the
    working tree; ``digests`` holds the content hash of each note as read.
    """

    root: Path
    notes: Mapping[str, Note]
    attachments: tuple[str, ...]
    unreadable: Mapping[str, str]
    # The resolved links, when given; else resolved on first use of ``links``. Not compared:
    # they follow from the notes and files.
    _links: tuple[ResolvedLink, ...] | None = field(default=None, repr=False, compare=False)
    skipped: tuple[SkippedPath, ...] = ()
    # The git commit the vault was read from (load_vault's ``revision``); None: the working tree.
    commit: str | None = None
    # The index load_vault resolved the links with, so that it is built once per load.
    _index: LinkIndex | None = field(default=None, repr=False, compare=False)
    # The bytes of app.json (or why they could not be read) if the loader has read them already.
    _app_json: bytes | OSError | None = field(default=None, repr=False, compare=False)
    # Each note's content hash as the loader read it; None for a vault built by hand.
    _digests: Mapping[str, bytes] | None = field(default=None, repr=False, compare=False)
    # A revision's notes' bytes, which source() reads; None: the notes are read from disk.
    _blobs: Mapping[str, bytes] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def digests(self) -> Mapping[str, bytes]:
        """The content hash (:func:`vaultgraph.store.digest`) of the bytes each note was read
        from: readable notes, and unreadable ones whose bytes were read (not those the system
        refused to read). Equal digests, equal bytes: how a diff tells a note unchanged.

        The loader hashes each note as it reads it, or takes the hash the parse cache kept with
        a note whose stamp is unchanged, so nothing is read again for them. A vault built by hand
        hashes its notes' files on first use, as they are on disk then."""
        if self._digests is not None:
            return self._digests
        found: dict[str, bytes] = {}
        for path in sorted([*self.notes, *self.unreadable]):
            try:
                data, _ = read_regular(self.root / path)
            except OSError:
                continue
            found[path] = digest(data)
        return found

    @cached_property
    def links(self) -> tuple[ResolvedLink, ...]:
        """Every link of every readable note, resolved as Obsidian resolves it, in path order
        and each note's in source order. Resolved on first use: a check whose notes were
        checked in the processes that parsed them needs none of them here."""
        if self._links is not None:
            return self._links
        with paused_gc():  # 100,000 links are as many objects, none of them garbage
            notes = {**self.notes, **self.canvases} if self.canvases else self.notes
            return resolve_all(notes, (), index=self.index, targets=self.notes)

    @cached_property
    def canvases(self) -> Mapping[str, Note]:
        """The references of each canvas among the attachments (:func:`parse_canvas`), by path:
        its file cards' embeds and its text cards' links, embeds and tags, each placed in the
        canvas file; a canvas that cannot be read holds one ``canvas-invalid`` problem.

        Parsed on first use and not kept in the parse cache: a vault holds a few canvases where
        it holds thousands of notes, and the cache's entries are notes keyed by the scan's note
        list."""
        return {path: self._canvas(path) for path in self.attachments if is_canvas(path)}

    def _canvas(self, path: str) -> Note:
        if self._blobs is not None:
            data = self._blobs.get(path)
            if data is None:
                return invalid(path, "canvas could not be read from the revision")
            if len(data) > MAX_CANVAS_BYTES:
                return invalid(path, f"canvas is {len(data):,} bytes, over the limit: not read")
        else:
            try:
                data, _ = read_regular(self.root / path, limit=MAX_CANVAS_BYTES)
            except OSError as error:
                return invalid(path, f"canvas could not be read: {read_failure(error).reason}")
        text = decode_text(data)
        if not isinstance(text, str):
            return invalid(path, f"canvas could not be read: {text.reason}")
        return parse_canvas(path, text)

    @cached_property
    def index(self) -> LinkIndex:
        """Every file of the vault (notes, unreadable notes, attachments) by folded path and by
        name: what a link written in the vault resolves against."""
        if self._index is not None:
            return self._index
        return build_index([*self.notes, *self.unreadable, *self.attachments])

    @cached_property
    def app_json(self) -> bytes | OSError:
        """The bytes of Obsidian's settings, ``.obsidian/app.json`` (:func:`read_app_json`),
        or the :class:`OSError` that reading them raised; read once per vault (for a vault read
        at a revision, the revision's, read with its notes)."""
        if self._app_json is not None:
            return self._app_json
        try:
            return read_app_json(self.root)
        except OSError as error:
            return error

    @cached_property
    def settings(self) -> ObsidianSettings:
        """How Obsidian writes links in this vault (``newLinkFormat``, ``useMarkdownLinks``,
        ``attachmentFolderPath`` of :attr:`app_json`), with Obsidian's defaults for what it
        leaves out and a warning for each value that cannot be used."""
        return read_settings(self.app_json, f"{self.root / APP_JSON}")

    def source(self, path: str) -> str | ReadFailure:
        """The text of the note at ``path`` as it is on disk now, read and decoded exactly as
        parsing reads it (strict UTF-8, no byte-order mark); read anew on every call, so a
        long-lived vault never serves a stale copy. For a vault read at a revision, the text
        the revision holds (kept with the vault)."""
        if self._blobs is None:
            return read_text(self.root, path)
        data = self._blobs.get(path)
        if data is None:
            return read_failure(FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT)))
        return decode_text(data)

    def lines(self, path: str) -> list[str] | None:
        """The note's lines as markdown-it counts them (a finding's line ``n`` is
        ``lines[n - 1]``); ``None`` if it cannot be read."""
        text = self.source(path)
        return split_lines(text) if isinstance(text, str) else None

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        from vaultgraph.graph import build_graph

        links = self.links
        with paused_gc():  # a node and an edge are a few dicts each, and none is garbage
            return build_graph(
                self.notes,
                self.attachments,
                links,
                unreadable=self.unreadable,
                canvases=self.canvases,
            )


_Stat = Callable[[str], os.stat_result]


def load_vault(
    path: str | os.PathLike[str],
    *,
    revision: str | None = None,
    cache: bool | str | os.PathLike[str] = True,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Vault:
    """Read every file of the vault at ``path`` and build its graph.

    ``revision``: a git commit, branch or tag (``HEAD~1``); the vault folder is then read as
    that commit holds it, from the repository the folder is in, rather than from disk: nothing
    is checked out, written to git or fetched (:mod:`vaultgraph.gitfiles`). Its notes go through
    the same parsing, parse cache, link resolution and graph as a working tree's. Raises
    :class:`~vaultgraph.gitfiles.RevisionError` (a :class:`VaultError`) for a revision that
    cannot be read.
    ``cache``: ``True`` keeps the parsed notes in the user's cache folder (or
    ``$VAULTGRAPH_CACHE_DIR``) and parses again only the notes that changed; a folder keeps the
    cache there; ``False`` neither reads nor writes one. The results are the same either way.
    A revision's notes are looked up in the working tree's cache by content, so a note whose
    bytes were parsed there is not parsed again; a revision never writes the cache.
    ``jobs``: how many processes parse notes when many need parsing; by default one per CPU, and
    ``1`` parses in this process. ``progress`` is called as notes are read (:data:`Progress`).
    """
    return _load(Path(path), revision, cache=cache, jobs=jobs, progress=progress).vault


@dataclass(frozen=True, slots=True)
class Stamped:
    """A vault with what each note was when it was read: ``stamps`` maps the path of each
    readable note, and of each unreadable one whose bytes were read, to (size, mtime in ns,
    content hash); ``started_ns`` is when reading began."""

    vault: Vault
    files: VaultFiles  # the scan the vault was read from
    stamps: Mapping[str, tuple[int, int, bytes]]
    started_ns: int


def load_stamped(
    path: str | os.PathLike[str],
    *,
    cache: bool | str | os.PathLike[str] = True,
    jobs: int | None = None,
    progress: Progress | None = None,
    pool: NotePool | None = None,
) -> Stamped:
    """:func:`load_vault` of a working tree, also saying which version of each note it read
    (for callers that keep results of their own per note, such as the check's findings)."""
    return _load(Path(path), None, cache=cache, jobs=jobs, progress=progress, pool=pool)


def _load(
    root: Path,
    revision: str | None,
    *,
    cache: bool | str | os.PathLike[str],
    jobs: int | None,
    progress: Progress | None,
    reuse: Vault | None = None,
    pool: NotePool | None = None,
) -> Stamped:
    """The one loader: the files and the bytes of the notes (a scan of the working tree, or a
    git revision), then the notes, each parsed unless its bytes are those of a cached parse
    (or, given ``reuse``, of that vault's note), then the links and the vault."""
    check_root(root)  # a revision is read from the repository the folder is in: it must exist
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    started_ns = time.time_ns()  # before any note is looked at: see NoteCache.fresh
    # Everything built here lives as long as the vault; only parsing makes cyclic garbage, and
    # read_notes lets the collector run while it parses many notes.
    with paused_gc():
        commit = blobs = app_json = None
        if revision is None:
            files = scan_vault(root)
        else:
            from vaultgraph.gitfiles import read_revision  # subprocess: only when asked for

            found = read_revision(root, revision)
            files, blobs, commit, app_json = found.files, found.blobs, found.commit, found.app_json
        store = _open_cache(root, cache)
        known = store.entries if store is not None else {}
        if reuse is not None:
            known = _entries_of(reuse)
        entries, loaded, shared = _load_notes(
            str(root), files.notes, store, known, jobs, progress, blobs, pool
        )
        if store is not None and blobs is None:  # the cache holds the working tree's notes
            store.save(entries, started_ns, shared)
        notes = {path: n for path, n in loaded.items() if isinstance(n, Note)}
        unreadable = {path: n.reason for path, n in loaded.items() if isinstance(n, ReadFailure)}
        digests = {path: entries[path].digest for path in files.notes if path in entries}
        index = build_index([*files.notes, *files.attachments])
    vault = Vault(
        root=root,
        notes=notes,
        attachments=files.attachments,
        unreadable=unreadable,
        skipped=files.skipped,
        commit=commit,
        _index=index,
        _app_json=app_json,
        _digests=digests,
        _blobs=blobs,
    )
    stamps = {p: (e.size, e.mtime_ns, e.digest) for p, e in entries.items()}
    return Stamped(vault, files, stamps, started_ns)


def _entries_of(vault: Vault) -> dict[str, Entry]:
    """A loaded vault's notes as cache entries (with no stamp): to find them by content."""
    found: dict[str, Entry] = {}
    for path, hashed in vault.digests.items():
        note = vault.notes.get(path)
        if note is not None:
            found[path] = Entry(0, 0, hashed, note)
        elif path in vault.unreadable:
            found[path] = Entry(0, 0, hashed, ReadFailure(vault.unreadable[path]))
    return found


def _open_cache(root: Path, cache: bool | str | os.PathLike[str]) -> NoteCache | None:
    if cache is False:
        return None
    return NoteCache.open(root, None if cache is True else Path(cache))


def _load_notes(
    root: str,
    relpaths: Sequence[str],
    store: NoteCache | None,
    known: Mapping[str, Entry],
    jobs: int | None,
    progress: Progress | None,
    blobs: Mapping[str, bytes] | None = None,
    pool: NotePool | None = None,
) -> tuple[dict[str, Entry], dict[str, Note | ReadFailure], SharedNotes | None]:
    """The new entries (every note whose bytes were hashed), each note's result in
    ``relpaths`` order, and the other vaults' notes if they were read.

    A note whose stamp is unchanged is not read; one whose bytes hash as those ``known`` at its
    path (the cache's), or as a note of the same path in another vault's file (this vault's
    copy or former place), is not parsed. With ``blobs`` (a revision's), the bytes are those:
    there is no stamp to go by, and nothing is read from ``root``.
    """
    entries: dict[str, Entry] = {}
    unsure: list[str] = []
    if blobs is not None:
        unsure = list(relpaths)
    else:
        with stat_in(root) as stat:
            for relpath in relpaths:
                entry = _fresh(store, stat, relpath)
                if entry is not None:
                    entries[relpath] = entry
                else:
                    unsure.append(relpath)
    shared = None
    unknown = [relpath for relpath in unsure if relpath not in known]
    # Other vaults' files serve a vault that has none of its own yet (a copy, a new worktree, a
    # renamed folder); a note new to a vault that has one is new, and is parsed.
    if store is not None and unknown and not known:
        shared = store.shared(unknown)
    pending: list[Pending] = [(relpath, _known(relpath, known, shared)) for relpath in unsure]
    # Every note is hashed, cache or not: the vault's digests are these, and hashing the bytes in
    # hand costs a fraction of parsing them.
    reads = read_notes(
        root, pending, hashing=True, jobs=jobs, progress=progress, blobs=blobs, pool=pool
    )
    results: dict[str, Note | ReadFailure] = {p: e.result for p, e in entries.items()}
    again: list[Pending] = []  # kept in another vault's segment that would not decode
    for (relpath, _), read in zip(pending, reads, strict=True):
        entry = _entry(relpath, read, known.get(relpath), shared)
        if entry is not None:
            entries[relpath] = entry
            results[relpath] = entry.result
        elif read.result is None:
            again.append((relpath, None))
        else:
            results[relpath] = read.result
    if again:
        reads = read_notes(
            root, again, hashing=True, jobs=jobs, progress=progress, blobs=blobs, pool=pool
        )
        for (relpath, _), read in zip(again, reads, strict=True):
            entry = _entry(relpath, read, None, None)
            if entry is not None:
                entries[relpath] = entry
            results[relpath] = _result(read)
    return entries, {relpath: results[relpath] for relpath in relpaths}, shared


def _known(relpath: str, known: Mapping[str, Entry], shared: SharedNotes | None) -> bytes | None:
    """The content hash of a parse of this note that is kept: this vault's, else a shared one."""
    entry = known.get(relpath)
    if entry is not None:
        return entry.digest
    return None if shared is None else shared.digest(relpath)


def _fresh(store: NoteCache | None, stat: _Stat, relpath: str) -> Entry | None:
    if store is None or not store.entries:
        return None
    try:
        found = stat(relpath)
    except OSError:
        return None  # reading it will say why
    return store.fresh(relpath, found.st_size, found.st_mtime_ns)


def _entry(
    relpath: str, read: Read, known: Entry | None, shared: SharedNotes | None
) -> Entry | None:
    """The cache entry for a note just read; ``None`` if it is not to be kept, or if its parse
    was to come from another vault's segment that could not be decoded."""
    if read.digest is None:
        return None
    if read.result is not None:
        return Entry(read.size, read.mtime_ns, read.digest, read.result)
    if known is not None and known.digest == read.digest:
        if (known.size, known.mtime_ns) == (read.size, read.mtime_ns):
            return known  # the very same entry: nothing to write
        return Entry(read.size, read.mtime_ns, read.digest, known.result)
    result = None if shared is None else shared.result(relpath, read.digest)
    return None if result is None else Entry(read.size, read.mtime_ns, read.digest, result)


def _result(read: Read) -> Note | ReadFailure:
    assert read.result is not None  # read with no known digest: parsed, or failed
    return read.result
