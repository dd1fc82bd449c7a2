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
own: its stamps, findings and warnings are those of its last run. The file, its layout and its
key are :mod:`vaultgraph.store.checks`'s; this module decides what the memo answers.

An edit that changes the file list, touches more than :data:`MAX_EDITED` notes, or meets a
selected whole-vault rule (orphan-note) sends the check back to the full path; so does anything
unexpected. The full path is always right; this one only saves time.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from vaultgraph.canvas import is_canvas
from vaultgraph.files import (
    VaultFiles,
    check_root,
    decode_text,
    read_lines,
    read_regular,
    scan_vault,
    stat_in,
)
from vaultgraph.lint.config import Config
from vaultgraph.lint.finding import Edit, Finding, Severity
from vaultgraph.lint.runner import (
    CheckRun,
    Evaluation,
    check_notes_of,
    load_and_check,
    select_rules,
    warning_note,
)
from vaultgraph.store import cache_file_outside, codec, digest
from vaultgraph.store.checks import (
    MAX_CONFIGURATIONS,
    CheckKey,
    Memo,
    NoteRecord,
    Others,
    Packed,
    Stamp,
    app_json_of,
    memo_key,
    read_memo,
    write_memo,
)

if TYPE_CHECKING:
    from vaultgraph.lint.suggest import Suggestion, TargetIndex
    from vaultgraph.model import Note
    from vaultgraph.reading import Progress
    from vaultgraph.resolve import LinkIndex
    from vaultgraph.vault import Stamped

__all__ = ["MAX_CONFIGURATIONS", "MAX_EDITED", "remembered_check"]

# More edited notes than this and a full check (which parses in parallel) is as quick.
MAX_EDITED = 64
# Notes re-checked at most: the edited ones and the notes whose subpath links lead into them.
_MAX_RECHECKED = 256

_log = logging.getLogger("vaultgraph")


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
    app_json = app_json_of(root)
    key = memo_key(root, repr(config).encode(), app_json)
    memo, others = read_memo(file, key)
    if memo is None or memo.files != scan_vault(root):
        return _full(root, config, jobs, progress, directory, (file, key, others))
    try:
        edited, touched = _edited(root, memo, started_ns)
        canvases = [path for path in memo.files.attachments if is_canvas(path)]
        if canvases:
            # A canvas is remembered with what it links to: an edit to it, or to a note it
            # links to, sends the check back to the whole vault.
            touched.update(_canvases_unchanged(root, memo, canvases, started_ns))
        if not edited:
            if touched:
                write_memo(file, replace(memo, records={**memo.records, **touched}))
            return _replay(memo, config)
        run, memo = _recheck(root, config, memo, edited, touched, app_json)
    except _Stale as why:
        _log.debug("check memo: %s; checking the whole vault", why)
        return _full(root, config, jobs, progress, directory, (file, key, others))
    write_memo(file, memo)
    return run


class _Stale(Exception):
    """The memo cannot answer this run; the message says why (for the debug log)."""


def _full(
    root: Path,
    config: Config,
    jobs: int | None,
    progress: Progress | None,
    directory: Path | None,
    into: tuple[Path, CheckKey, Others] | None,
) -> CheckRun:
    """The whole check, remembered in ``into`` (the file, this run's key and the memos of the
    vault's other configurations found there) unless that is ``None``."""
    stamped, evaluation = load_and_check(
        root, config, cache=directory or True, jobs=jobs, progress=progress
    )
    run = evaluation.run
    if into is not None:
        file, key, others = into
        memo = _remember(stamped, evaluation, key, others)
        if memo is not None:
            write_memo(file, memo)
    return run


def _remember(
    stamped: Stamped, evaluation: Evaluation, key: CheckKey, others: Others
) -> Memo | None:
    vault, run = stamped.vault, evaluation.run
    paths = [*vault.notes, *vault.unreadable]
    if any(path not in stamped.stamps for path in paths):
        return None  # a note the system refused to read: read it again next time
    findings = _by_path(run.findings)
    canvases = _canvas_records(stamped, findings) if vault.canvases else {}
    if canvases is None:
        return None
    if any(f.path not in stamped.stamps and f.path not in canvases for f in run.findings):
        return None  # a finding no note owns: nothing here knows what it depends on
    vault_warnings, note_warnings = _split_warnings(run.warnings, paths)
    records = {}
    for path in paths:
        size, mtime_ns, hashed = stamped.stamps[path]
        note = vault.notes.get(path)
        asked = evaluation.notes.get(path)
        records[path] = NoteRecord(
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
    records.update(canvases)
    return Memo(
        key,
        others,
        stamped.files,
        dict(vault.unreadable),
        records,
        run.checked,
        vault_warnings,
        _plain(evaluation.suggestions),
    )


def _replay(memo: Memo, config: Config) -> CheckRun:
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


def _canvases_unchanged(
    root: Path, memo: Memo, canvases: Iterable[str], started_ns: int
) -> dict[str, NoteRecord]:
    """The records of canvases whose stamp changed but whose bytes did not; raises
    :class:`_Stale` when one is not remembered or its bytes changed."""
    touched: dict[str, NoteRecord] = {}
    with stat_in(root) as stat:
        for path in canvases:
            record = memo.records.get(path)
            if record is None:
                raise _Stale(f"{path} is not remembered")
            try:
                found = stat(path)
            except OSError as error:
                raise _Stale(f"{path}: {error.strerror}") from None
            stamp = (found.st_size, found.st_mtime_ns)
            if stamp == (record.size, record.mtime_ns) and not record.racy:
                continue
            if digest(_read_bytes(root, path)) != record.digest:
                raise _Stale(f"{path} has changed")
            racy = codec.racy(found.st_mtime_ns, started_ns)
            touched[path] = record._replace(size=stamp[0], mtime_ns=stamp[1], racy=racy)
    return touched


def _canvas_records(
    stamped: Stamped, findings: Mapping[str, tuple[Packed, ...]]
) -> dict[str, NoteRecord] | None:
    """Each canvas's record: its stamp and findings, taken only when its bytes now are the
    bytes it was read from (it parses the same); ``None`` when one cannot be vouched for."""
    from vaultgraph.canvas import parse_canvas
    from vaultgraph.files import decode_text

    vault = stamped.vault
    records: dict[str, NoteRecord] = {}
    targets: dict[str, set[str]] = {path: set() for path in vault.canvases}
    for resolved in vault.links:
        if resolved.source in targets and resolved.resolved is not None:
            targets[resolved.source].add(resolved.resolved)
    with stat_in(vault.root) as stat:
        for path, parsed in vault.canvases.items():
            try:
                found = stat(path)
                data = _read_bytes(vault.root, path)
            except (OSError, _Stale):
                return None
            text = decode_text(data)
            if not isinstance(text, str) or parse_canvas(path, text) != parsed:
                return None  # changed since it was checked, or unreadable: check it next time
            records[path] = NoteRecord(
                found.st_size,
                found.st_mtime_ns,
                digest(data),
                codec.racy(found.st_mtime_ns, stamped.started_ns),
                findings.get(path, ()),
                (),
                (),
                frozenset(targets[path]),
                True,  # its broken links' suggestions come from the names
            )
    return records


def _edited(
    root: Path, memo: Memo, started_ns: int
) -> tuple[dict[str, tuple[bytes, Stamp]], dict[str, NoteRecord]]:
    """The notes whose bytes changed (path -> bytes and their stamp), and the records of notes
    whose stamp changed but whose bytes did not (to keep with their new stamp)."""
    edited: dict[str, tuple[bytes, Stamp]] = {}
    touched: dict[str, NoteRecord] = {}
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
    memo: Memo,
    edited: Mapping[str, tuple[bytes, Stamp]],
    touched: Mapping[str, NoteRecord],
    app_json: bytes | OSError,
) -> tuple[CheckRun, Memo]:
    """Check the edited notes again, and the notes whose last check asked for what the edits
    changed (an edited note's headings and block ids; the names, if an alias changed), against
    the rest of the vault as remembered."""
    from vaultgraph.parse import parse_note
    from vaultgraph.resolve import index_for, resolve_link

    if not all(rule.per_note for rule in select_rules(config)):
        raise _Stale("a selected rule looks at the whole vault")
    stamps: dict[str, Stamp] = {}
    parsed: dict[str, Note] = {}

    def parse(path: str, data: bytes, stamp: Stamp) -> Note:
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
    if any(is_canvas(path) for path in rechecked):
        raise _Stale("a canvas links to an edited note")
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
        every_note=sorted(path for path in memo.records if not is_canvas(path)),
        app_json=app_json,
    )
    new_findings = _by_path(found.run.findings)
    _, new_warnings = _split_warnings(found.run.warnings, rechecked)
    records = {**memo.records, **touched}
    for path in rechecked:
        size, mtime_ns, hashed, racy = stamps[path]
        result = found.notes[path]
        records[path] = NoteRecord(
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
        _plain(built.known()) if built is not None else ({} if renamed else memo.suggestions)
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
        return read_lines(self.root, path)


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


def _plain(
    suggestions: Mapping[str, tuple[Suggestion, ...]],
) -> dict[str, tuple[tuple[str, str | None], ...]]:
    return {
        target: tuple((s.target, s.alias) for s in found) for target, found in suggestions.items()
    }


def _by_path(findings: Iterable[Finding]) -> dict[str, tuple[Packed, ...]]:
    grouped: defaultdict[str, list[Packed]] = defaultdict(list)
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
        path = warning_note(warning, known)
        if path is not None:
            per_note[path].append(warning)
        else:
            others.append(warning)
    return tuple(others), {path: tuple(found) for path, found in per_note.items()}


def _read_bytes(root: Path, path: str) -> bytes:
    try:
        return read_regular(root / path)[0]  # a note swapped for a pipe is refused, not waited on
    except OSError as error:
        raise _Stale(f"{path}: {error.strerror}") from None
