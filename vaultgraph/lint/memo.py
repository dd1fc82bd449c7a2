"""A check's findings remembered per vault: a check of an unchanged vault replays them, and one
after a few edits checks again only the notes those edits can change.

What a note's findings depend on, and so what the memo compares before it trusts them:

- the note's own bytes (size and mtime, then a content hash when those differ);
- the list of files in the vault (names decide every link);
- what its check asked for, as the engine recorded it (vaultgraph/lint/context.py): the notes
  whose headings and block ids it looked into, and whether it used the index of names and
  aliases (broken-link's "did you mean" and alias advice);
- the configuration, Obsidian's excluded files, and vaultgraph and its parsing libraries.

A vault's file keeps one memo for each of the last :data:`MAX_CONFIGURATIONS` configurations
written (a pre-commit hook's ``--select`` and a CI run without both stay warm), each whole on its
own: its stamps, findings and warnings are those of its last run.

An edit that changes the file list, touches more than :data:`MAX_EDITED` notes, or meets a
selected whole-vault rule (orphan-note) sends the check back to the full path; so does anything
unexpected. The full path is always right; this one only saves time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from vaultgraph.files import (
    SkippedPath,
    VaultFiles,
    check_root,
    decode_text,
    read_app_json,
    read_regular,
    read_text,
    scan_vault,
    stat_in,
)
from vaultgraph.lint.config import Config
from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.runner import CheckRun, Evaluation, check_notes_of, evaluate, select_rules
from vaultgraph.packing import dump_plain, load_plain
from vaultgraph.positions import split_lines
from vaultgraph.store import cache_file_outside, codec, digest, fingerprint, read_entry, write_entry

if TYPE_CHECKING:
    from vaultgraph.lint.suggest import TargetIndex
    from vaultgraph.model import Note
    from vaultgraph.reading import Progress
    from vaultgraph.resolve import LinkIndex
    from vaultgraph.vault import Stamped

__all__ = ["MAX_CONFIGURATIONS", "MAX_EDITED", "remembered_check"]

# More edited notes than this and a full check (which parses in parallel) is as quick.
MAX_EDITED = 64
# Notes re-checked at most: the edited ones and the notes whose subpath links lead into them.
_MAX_RECHECKED = 256
# The memos a vault's file keeps, one per configuration, those written last.
MAX_CONFIGURATIONS = 4
_FORMAT = 6
_MAGIC = codec.magic("check", _FORMAT)
_KEY_SIZE = codec.HALF_KEY  # each half: the vault's (its folder, app.json, the code), the config's
_TABLE_ROW = _KEY_SIZE + 4  # another configuration's key and the length of its body
_TRAILER = b"\x00vaultgraph-memos"  # ends a file of several memos; a body ends with STOP, "."

_log = logging.getLogger("vaultgraph")


# A finding as the memo keeps it: plain values, which unpickle many times faster than frozen
# dataclasses (a warm check of 10,000 notes reads some 20,000 records and findings).
_PackedEdit = tuple[int, int, int, str, bool]
_Packed = tuple[str, int, int, str, str, str, str, _PackedEdit | None]


class _NoteRecord(NamedTuple):
    size: int
    mtime_ns: int
    digest: bytes
    racy: bool  # changed so close to its read that its stamp alone cannot be trusted
    findings: tuple[_Packed, ...]
    warnings: tuple[str, ...]  # its suppression comments that name unknown rules
    aliases: tuple[str, ...]
    depends_on: frozenset[str]  # the notes its check looked into (NoteContext.asked)
    used_names: bool  # whether its check used the index of names and aliases


class _Key(NamedTuple):
    vault: bytes  # the folder, Obsidian's app.json, vaultgraph and its libraries
    config: bytes


# The memos of the vault's other configurations, written last first: each its key's configuration
# half and its body, carried as bytes from the file read to the file written, never decoded.
_Others = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class _Memo:
    key: _Key
    others: _Others
    files: VaultFiles
    unreadable: Mapping[str, str]
    records: Mapping[str, _NoteRecord]  # every note and unreadable note of ``files``
    checked: tuple[str, ...]
    vault_warnings: tuple[str, ...]  # the run's warnings that belong to no note
    # The "did you mean" targets found for each broken target: they depend on the file list and
    # the aliases only, so a re-check of a few notes need not index the vault's names again.
    suggestions: Mapping[str, tuple[tuple[str, str | None], ...]]


_Stamp = tuple[int, int, bytes, bool]  # size, mtime in ns, content hash, racy


def remembered_check(
    root: Path,
    config: Config,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    directory: Path | None = None,
) -> CheckRun:
    """``check_vault(load_vault(root), config)``, answered from the findings remembered in the
    cache folder (``directory``, by default :func:`~vaultgraph.store.cache_dir`) where they still
    hold. Raises what those two raise (``VaultError``, ``SelectorError``)."""
    check_root(root)
    started_ns = time.time_ns()
    file = cache_file_outside(root, directory, "check")
    if file is None:
        return _full(root, config, jobs, progress, directory, None)
    app_json = _app_json(root)
    key = _key(root, config, app_json)
    memo, others = _read(file, key)
    if memo is None or memo.files != scan_vault(root):
        return _full(root, config, jobs, progress, directory, (file, key, others))
    try:
        edited, touched = _edited(root, memo, started_ns)
        if not edited:
            if touched:
                _write(file, replace(memo, records={**memo.records, **touched}))
            return _replay(memo, config)
        run, memo = _recheck(root, config, memo, edited, touched, app_json)
    except _Stale as why:
        _log.debug("check memo: %s; checking the whole vault", why)
        return _full(root, config, jobs, progress, directory, (file, key, others))
    _write(file, memo)
    return run


class _Stale(Exception):
    """The memo cannot answer this run; the message says why (for the debug log)."""


def _full(
    root: Path,
    config: Config,
    jobs: int | None,
    progress: Progress | None,
    directory: Path | None,
    into: tuple[Path, _Key, _Others] | None,
) -> CheckRun:
    """The whole check, remembered in ``into`` (the file, this run's key and the memos of the
    vault's other configurations found there) unless that is ``None``."""
    from vaultgraph.vault import load_stamped

    stamped = load_stamped(root, cache=directory or True, jobs=jobs, progress=progress)
    evaluation = evaluate(stamped.vault, config)
    run = evaluation.run
    if into is not None:
        file, key, others = into
        memo = _remember(stamped, evaluation, key, others)
        if memo is not None:
            _write(file, memo)
    return run


def _remember(stamped: Stamped, evaluation: Evaluation, key: _Key, others: _Others) -> _Memo | None:
    vault, run = stamped.vault, evaluation.run
    paths = [*vault.notes, *vault.unreadable]
    if any(path not in stamped.stamps for path in paths):
        return None  # a note the system refused to read: read it again next time
    if any(f.path not in stamped.stamps for f in run.findings):
        return None  # a finding no note owns: nothing here knows what it depends on
    findings = _by_path(run.findings)
    vault_warnings, note_warnings = _split_warnings(run.warnings, paths)
    records = {}
    for path in paths:
        size, mtime_ns, hashed = stamped.stamps[path]
        note = vault.notes.get(path)
        asked = evaluation.notes.get(path)
        records[path] = _NoteRecord(
            size,
            mtime_ns,
            hashed,
            codec.racy(mtime_ns, stamped.started_ns),
            findings.get(path, ()),
            note_warnings.get(path, ()),
            note.aliases if note is not None else (),
            asked.asked if asked is not None else frozenset(),
            asked is not None and asked.used_names,
        )
    return _Memo(
        key,
        others,
        stamped.files,
        dict(vault.unreadable),
        records,
        run.checked,
        vault_warnings,
        _suggestions_of(evaluation.names),
    )


def _replay(memo: _Memo, config: Config) -> CheckRun:
    severities = {severity.value: severity for severity in Severity}
    # Each record's findings are kept in order, and every finding is in its own note's record:
    # records in path order give the findings in order, without comparing 10,000 dataclasses.
    findings = [
        Finding(
            path,
            line,
            column,
            code,
            rule,
            severities[severity],
            message,
            None if edit is None else Edit(*edit),
        )
        for _, record in sorted(memo.records.items())
        for path, line, column, code, rule, severity, message, edit in record.findings
    ]
    warnings = [w for path in memo.files.notes for w in memo.records[path].warnings]
    return CheckRun(
        tuple(findings),
        select_rules(config),
        memo.checked,
        (*memo.vault_warnings, *warnings),
        memo.files.skipped,
    )


def _edited(
    root: Path, memo: _Memo, started_ns: int
) -> tuple[dict[str, tuple[bytes, _Stamp]], dict[str, _NoteRecord]]:
    """The notes whose bytes changed (path -> bytes and their stamp), and the records of notes
    whose stamp changed but whose bytes did not (to keep with their new stamp)."""
    edited: dict[str, tuple[bytes, _Stamp]] = {}
    touched: dict[str, _NoteRecord] = {}
    with stat_in(root) as stat:
        for path in memo.files.notes:
            record = memo.records[path]
            try:
                found = stat(path)  # before the read: a later edit changes the stamp
            except OSError as error:
                raise _Stale(f"{path}: {error.strerror}") from None
            stamp = (found.st_size, found.st_mtime_ns)
            if stamp == (record.size, record.mtime_ns) and not record.racy:
                continue
            data = _read_bytes(root, path)
            hashed = digest(data)
            racy = codec.racy(found.st_mtime_ns, started_ns)
            if hashed == record.digest:
                if (*stamp, racy) != (record.size, record.mtime_ns, record.racy):
                    touched[path] = record._replace(size=stamp[0], mtime_ns=stamp[1], racy=racy)
                continue
            if path in memo.unreadable:
                raise _Stale(f"{path} was unreadable and has changed")
            edited[path] = (data, (*stamp, hashed, racy))
            if len(edited) > MAX_EDITED:
                raise _Stale(f"more than {MAX_EDITED} notes changed")
    return edited, touched


def _recheck(
    root: Path,
    config: Config,
    memo: _Memo,
    edited: Mapping[str, tuple[bytes, _Stamp]],
    touched: Mapping[str, _NoteRecord],
    app_json: bytes | OSError,
) -> tuple[CheckRun, _Memo]:
    """Check the edited notes again, and the notes whose last check asked for what the edits
    changed (an edited note's headings and block ids; the names, if an alias changed), against
    the rest of the vault as remembered."""
    from vaultgraph.parse import parse_note
    from vaultgraph.resolve import index_for, resolve_link

    if not all(rule.per_note for rule in select_rules(config)):
        raise _Stale("a selected rule looks at the whole vault")
    stamps: dict[str, _Stamp] = {}
    parsed: dict[str, Note] = {}

    def parse(path: str, data: bytes, stamp: _Stamp) -> Note:
        text = decode_text(data)
        if not isinstance(text, str):
            raise _Stale(f"{path} can no longer be read as a note")
        stamps[path] = stamp
        return parse_note(path, text)

    def parse_unchanged(path: str) -> Note:
        record = memo.records[path]
        data = _read_bytes(root, path)
        if digest(data) != record.digest:
            raise _Stale(f"{path} changed while it was checked")
        return parse(path, data, (record.size, record.mtime_ns, record.digest, record.racy))

    for path, (data, stamp) in edited.items():
        parsed[path] = parse(path, data, stamp)
    renamed = any(parsed[path].aliases != memo.records[path].aliases for path in edited)
    rechecked = {
        *edited,
        *(
            path
            for path, record in memo.records.items()
            if record.depends_on & edited.keys() or (renamed and record.used_names)
        ),
    }
    if len(rechecked) > _MAX_RECHECKED:
        raise _Stale(f"{len(rechecked)} notes depend on the edited ones")
    readable = frozenset(memo.files.notes) - memo.unreadable.keys()
    for path in sorted(rechecked - parsed.keys()):
        parsed[path] = parse_unchanged(path)
    # Only the files the re-checked links can name are indexed: a few, not the whole vault.
    index = index_for(
        [*memo.files.notes, *memo.files.attachments],
        ((path, link) for path in rechecked for link in parsed[path].links),
    )
    aliases_of = {path: r.aliases for path, r in sorted(memo.records.items()) if r.aliases}
    aliases_of.update((path, parsed[path].aliases) for path in edited)
    view = _RememberedView(
        root,
        index,
        memo.files,
        readable,
        parsed,
        parse_unchanged,
        {path: aliases for path, aliases in sorted(aliases_of.items()) if aliases},
        {} if renamed else memo.suggestions,
    )
    notes = _Readable(view)
    links = {
        path: tuple(resolve_link(index, path, link, notes) for link in parsed[path].links)
        for path in sorted(rechecked)
    }
    found = check_notes_of(
        view,
        config,
        {path: parsed[path] for path in sorted(rechecked)},
        links,
        every_note=sorted(memo.records),
        app_json=app_json,
    )
    new_findings = _by_path(found.run.findings)
    _, new_warnings = _split_warnings(found.run.warnings, rechecked)
    records = {**memo.records, **touched}
    for path in rechecked:
        size, mtime_ns, hashed, racy = stamps[path]
        result = found.notes[path]
        records[path] = _NoteRecord(
            size,
            mtime_ns,
            hashed,
            racy,
            new_findings.get(path, ()),
            new_warnings.get(path, ()),
            parsed[path].aliases,
            result.asked,
            result.used_names,
        )
    built = view.built_targets()
    suggestions = (
        _suggestions_of(built) if built is not None else ({} if renamed else memo.suggestions)
    )
    memo = replace(memo, records=records, suggestions=suggestions)
    return _replay(memo, config), memo


class _RememberedView:
    """The vault as the memo remembers it, for the per-note rules re-checking a few notes: its
    files as last listed, its notes parsed again when a check asks for one (and only if its
    bytes are as remembered), and the names index built from the remembered aliases."""

    def __init__(
        self,
        root: Path,
        index: LinkIndex,
        files: VaultFiles,
        readable: frozenset[str],
        parsed: dict[str, Note],
        parse: Callable[[str], Note],
        aliases_of: Mapping[str, tuple[str, ...]],
        known: Mapping[str, tuple[tuple[str, str | None], ...]],
    ) -> None:
        self.root = root
        self.index = index
        self._files = files
        self.readable = readable
        self._parsed = parsed
        self._parse = parse
        self._aliases_of = aliases_of
        self._known = known
        self._targets: TargetIndex | None = None

    @property
    def unseen(self) -> tuple[str, ...]:
        return tuple(skipped.path for skipped in self._files.skipped if skipped.unseen)

    def outline(self, path: str) -> Note | None:
        if path not in self.readable:
            return None
        if path not in self._parsed:
            self._parsed[path] = self._parse(path)
        return self._parsed[path]

    def targets(self) -> TargetIndex:
        from vaultgraph.lint.suggest import Suggestion, TargetIndex

        if self._targets is None:
            known = {
                target: tuple(Suggestion(*pair) for pair in pairs)
                for target, pairs in self._known.items()
            }
            files = sorted({*self._files.notes, *self._files.attachments})
            self._targets = TargetIndex(files, self._aliases_of, known)
        return self._targets

    def built_targets(self) -> TargetIndex | None:
        return self._targets

    def lines(self, path: str) -> list[str] | None:
        text = read_text(self.root, path)
        return split_lines(text) if isinstance(text, str) else None


class _Readable(Mapping[str, "Note"]):
    """The view's readable notes as the mapping resolution looks subpaths up in, parsed only
    when looked up."""

    def __init__(self, view: _RememberedView) -> None:
        self._view = view

    def __getitem__(self, path: str) -> Note:
        note = self._view.outline(path)
        if note is None:
            raise KeyError(path)
        return note

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._view.readable))

    def __len__(self) -> int:
        return len(self._view.readable)


def _suggestions_of(index: TargetIndex | None) -> dict[str, tuple[tuple[str, str | None], ...]]:
    if index is None:
        return {}
    return {
        target: tuple((s.target, s.alias) for s in found) for target, found in index.known().items()
    }


def _by_path(findings: Iterable[Finding]) -> dict[str, tuple[_Packed, ...]]:
    grouped: defaultdict[str, list[_Packed]] = defaultdict(list)
    for f in findings:
        fix = f.fix
        edit = (
            None
            if fix is None
            else (fix.line, fix.column, fix.end_column, fix.replacement, fix.delete_line)
        )
        grouped[f.path].append(
            (f.path, f.line, f.column, f.code, f.rule, f.severity.value, f.message, edit)
        )
    return {path: tuple(group) for path, group in grouped.items()}


def _split_warnings(
    warnings: Iterable[str], paths: Iterable[str]
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The warnings that belong to no note, and each note's (``path:line: ...``)."""
    known = set(paths)
    per_note: defaultdict[str, list[str]] = defaultdict(list)
    others: list[str] = []
    for warning in warnings:
        match = _NOTE_WARNING.match(warning)
        if match is not None and match["path"] in known:
            per_note[match["path"]].append(warning)
        else:
            others.append(warning)
    return tuple(others), {path: tuple(found) for path, found in per_note.items()}


_NOTE_WARNING = re.compile(r"(?P<path>.+?):\d+: ", re.DOTALL)


def _read_bytes(root: Path, path: str) -> bytes:
    try:
        return read_regular(root / path)[0]  # a note swapped for a pipe is refused, not waited on
    except OSError as error:
        raise _Stale(f"{path}: {error.strerror}") from None


# The memo file (vaultgraph/store/codec.py): magic, the key's two halves (the vault's, then the
# configuration's of the memo written last), the CRC-32 of the rest, then that memo's body
# (plain data, see vaultgraph/packing.py). With memos of other configurations, their bodies
# follow, written last first, then a table of their configuration keys and body lengths, their
# count and a trailer.
# Same trust model as the note cache (vaultgraph/store/notes.py): nothing is decoded unless the
# vault's half is this run's, then only the body whose configuration is this run's; a damaged
# file is ignored whole.


def _app_json(root: Path) -> bytes | OSError:
    try:
        return read_app_json(root)  # bounded, never waited on, as the check reads it
    except OSError as error:
        return error


def _key(root: Path, config: Config, app_json: bytes | OSError) -> _Key:
    """Everything besides the notes that decides the findings: the vault's half (its folder,
    Obsidian's excluded files, the code) and the configuration's."""
    seen = hashlib.blake2b(digest_size=_KEY_SIZE)
    seen.update(os.fsencode(os.path.realpath(root)) + b"\0")
    if isinstance(app_json, OSError):
        seen.update(f"app.json: {app_json.errno}".encode())
    else:
        seen.update(app_json)
    seen.update(fingerprint(downstream=True))
    configured = hashlib.blake2b(repr(config).encode(), digest_size=_KEY_SIZE)
    return _Key(seen.digest(), configured.digest())


def _read(file: Path, key: _Key) -> tuple[_Memo | None, _Others]:
    """This configuration's memo, if the file holds it, and the memos of the vault's others."""
    data = read_entry(file)
    sealed = None if data is None else codec.unseal(data, _MAGIC, key.vault, log="check memo")
    if sealed is None:
        return None, ()  # none, for another vault or version (not decoded), or damaged
    memos = _split(*sealed)
    if memos is None:
        _log.debug("check memo: %s has a damaged table; ignoring it", file)
        return None, ()
    body = next((b for k, b in memos if k == key.config), None)
    others = tuple((k, b) for k, b in memos if k != key.config)[: MAX_CONFIGURATIONS - 1]
    if body is None:
        return None, others  # only other configurations': not decoded
    try:
        files, unreadable, records, *rest = load_plain(body)
        notes, attachments, skipped = files
        scanned = VaultFiles(notes, attachments, tuple(SkippedPath(*s) for s in skipped))
        known = {path: _NoteRecord._make(fields) for path, fields in records.items()}
        return _Memo(key, others, scanned, unreadable, known, *rest), others
    except Exception as error:  # a damaged file may fail in any way decoding can
        _log.debug("check memo: ignoring %s: %s", file, error)
        return None, others


def _split(first: bytes, data: bytes) -> list[tuple[bytes, bytes]] | None:
    """The memos of a file whose header names ``first`` and whose rest is ``data``, as
    (configuration key, body), from the table alone; ``None`` for a table that does not add up."""
    if not data.endswith(_TRAILER):
        return [(first, data)]  # one memo: the rest is its body
    end = len(data) - len(_TRAILER) - 1
    count = data[end] if end >= 0 else 0
    table = end - count * _TABLE_ROW
    if not 0 < count < MAX_CONFIGURATIONS or table <= 0:
        return None
    rows = [data[table + i * _TABLE_ROW : table + (i + 1) * _TABLE_ROW] for i in range(count)]
    lengths = [int.from_bytes(row[_KEY_SIZE:], "big") for row in rows]
    start = table - sum(lengths)
    if start <= 0:
        return None
    memos = [(first, data[:start])]
    for row, length in zip(rows, lengths, strict=True):
        memos.append((row[:_KEY_SIZE], data[start : start + length]))
        start += length
    return memos


def _write(file: Path, memo: _Memo) -> None:
    # Stored as plain tuples, records too: pickling 10,000 named tuples costs four times more,
    # and the file must hold nothing but plain data (see vaultgraph/packing.py).
    records = {path: tuple(record) for path, record in memo.records.items()}
    skipped = tuple((s.path, s.reason) for s in memo.files.skipped)
    stored = (
        (memo.files.notes, memo.files.attachments, skipped),
        dict(memo.unreadable),
        records,
        memo.checked,
        memo.vault_warnings,
        dict(memo.suggestions),
    )
    others = [(k, b) for k, b in memo.others if k != memo.key.config][: MAX_CONFIGURATIONS - 1]
    try:
        rest = [dump_plain(stored), *(body for _, body in others)]
        if others:
            rest.extend(k + len(body).to_bytes(4, "big") for k, body in others)
            rest.append(len(others).to_bytes(1, "big") + _TRAILER)
        write_entry(file, codec.seal(_MAGIC, memo.key.vault, memo.key.config, b"".join(rest)))
    except Exception as error:  # a memo that cannot be written must not fail the check
        _log.debug("check memo: cannot write %s: %s: %s", file, type(error).__name__, error)
