"""The invariant every move keeps, as a test helper: every resolved reference reaches the same
file (at its new path) from the same line, every unresolved one stays unresolved unless the
plan said it would now resolve, and no byte changes outside the link texts; and the same for a
heading rename, the heading's text aside."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from vaultgraph.canvas import file_card_subpaths, is_canvas
from vaultgraph.lint.fix import split_text
from vaultgraph.model import Heading, LinkSyntax, Note
from vaultgraph.move.plan import Plan
from vaultgraph.move.rewrite import Span, in_json_line
from vaultgraph.resolve import Resolution, ResolvedLink, heading_path
from vaultgraph.vault import Vault, load_vault

_UNRESOLVED = (Resolution.UNRESOLVED, Resolution.OUTSIDE_VAULT)


def files_of(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` but ``.obsidian/``: its bytes and its mode."""
    found: dict[str, tuple[bytes, int]] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".obsidian" and d != ".git"]
        for name in names:
            full = Path(folder, name)
            found[full.relative_to(root).as_posix()] = (
                full.read_bytes(),
                stat.S_IMODE(full.stat().st_mode),
            )
    return found


def without_links(data: bytes, note: Note) -> bytes:
    """The file's bytes with the text of each of its links taken out: what no rewrite touches."""
    text = split_text(data)
    lines = list(text.lines)
    # Right to left on each line, so that no removal moves one still to come.
    for link in sorted(note.links, key=lambda k: (k.line, k.column), reverse=True):
        # A canvas file card is written as its "file" value, not as the embed it stands for.
        written = link.target if link.syntax is LinkSyntax.CANVAS else link.raw
        parts = written.split("\n")
        first = lines[link.line - 1]
        if len(parts) == 1:
            span: Span | None = Span(link.line, link.column, link.column + len(written), written)
            if is_canvas(note.path) and span is not None:  # in a JSON string, escapes and all
                span = in_json_line(link, span, first)
            if span is not None and first[span.column - 1 : span.end_column - 1] == span.text:
                lines[link.line - 1] = (
                    first[: span.column - 1] + "\x00" + first[span.end_column - 1 :]
                )
            continue
        last = link.line - 1 + len(parts) - 1
        lines[link.line - 1] = first[: link.column - 1] + "\x00"
        lines[last] = "\x00" + lines[last][len(parts[-1]) :]
    body = "".join(line + end for line, end in zip(lines, text.endings, strict=True))
    return text.bom + body.encode("utf-8")


def assert_moved(before: Vault, before_files: dict[str, tuple[bytes, int]], plan: Plan) -> Vault:
    """Check the vault at ``before.root`` now is ``before`` moved as ``plan`` says; the vault as
    it is now."""
    after = load_vault(before.root, cache=False)
    paths = plan.paths
    moved = {paths.get(p, p) for p in [*before.notes, *before.attachments, *before.unreadable]}
    assert moved == {*after.notes, *after.attachments, *after.unreadable}
    newly = set(plan.newly_resolved)
    groups: dict[str, list[ResolvedLink]] = {}
    for resolved in after.links:
        groups.setdefault(resolved.source, []).append(resolved)
    seen: dict[str, int] = {}
    for old in before.links:
        source = paths.get(old.source, old.source)
        position = seen.get(source, 0)
        seen[source] = position + 1
        new = groups[source][position]
        where = f"{old.source}:{old.link.line} {old.link.raw} -> {new.link.raw}"
        assert new.link.line == old.link.line, where
        assert (new.link.kind, new.link.subpath, new.link.display) == (
            old.link.kind,
            old.link.subpath,
            old.link.display,
        ), where
        assert new.link.syntax == old.link.syntax, where
        if old.rule in _UNRESOLVED:
            said = f"{old.source}:{old.link.line}: {old.link.raw} would reach {new.resolved}"
            assert new.rule in _UNRESOLVED or said in newly, where
        else:
            assert old.resolved is not None
            assert new.resolved == paths.get(old.resolved, old.resolved), where
    assert sum(len(g) for g in groups.values()) == len(before.links)
    now = files_of(before.root)
    edited = {edit.path for edit in plan.edits}
    for path, (data, mode) in before_files.items():
        new_path = _new_path(path, plan)
        assert new_path in now, f"{path} -> {new_path} is missing"
        new_data, new_mode = now[new_path]
        assert new_mode == mode, path
        if path in edited:
            assert without_links(new_data, _document(after, new_path)) == without_links(
                data, _document(before, path)
            ), path
        else:
            assert new_data == data, path
    assert len(now) == len(before_files)
    return after


def _document(vault: Vault, path: str) -> Note:
    """The note or the canvas at ``path``: what holds its references."""
    return vault.canvases[path] if path in vault.canvases else vault.notes[path]


def _new_path(path: str, plan: Plan) -> str:
    for rename in plan.renames:
        if path == rename.source or path.startswith(rename.source + "/"):
            return rename.dest + path[len(rename.source) :]
    return path


def assert_heading_renamed(
    before: Vault,
    before_files: dict[str, tuple[bytes, int]],
    plan: Plan,
    note: str,
    renamed: int,
    new: str,
) -> Vault:
    """Check the vault at ``before.root`` now is ``before`` with the heading ``renamed`` (its
    index) of ``note`` named ``new``, as ``plan`` says: every reference that reached it reaches
    it still, at the same line, the others read as they did (one that reached nothing may reach
    it now, said in the plan), and no byte changed outside the references and the heading's
    text; the vault as it is now."""
    after = load_vault(before.root, cache=False)
    assert (set(after.notes), after.attachments) == (set(before.notes), before.attachments)
    assert plan.renames == ()
    assert dict(plan.paths) == {}
    old_headings, new_headings = before.notes[note].headings, after.notes[note].headings
    assert len(old_headings) == len(new_headings)
    for index, (was, heading) in enumerate(zip(old_headings, new_headings, strict=True)):
        assert (heading.level, heading.line) == (was.level, was.line)
        assert heading.text == (new if index == renamed else was.text)
    assert len(after.links) == len(before.links)
    newly = set(plan.newly_resolved)
    for old_link, now_link in zip(before.links, after.links, strict=True):
        old, now = old_link.link, now_link.link
        where = f"{old_link.source}:{old.line} {old.raw} -> {now.raw}"
        assert (now_link.source, now_link.resolved) == (old_link.source, old_link.resolved), where
        assert (now.kind, now.syntax, now.line, now.target, now.display) == (
            old.kind,
            old.syntax,
            old.line,
            old.target,
            old.display,
        ), where
        chain = _chain(old_link, note, old_headings)
        if chain is not None and renamed in chain:
            assert now_link.subpath_exists is True, where
            assert now.subpath is not None, where
            assert heading_path(new_headings, now.subpath) == chain, where
        elif (now.raw, now.subpath) != (old.raw, old.subpath):
            raise AssertionError(f"rewritten, but it did not reach the heading: {where}")
        elif now_link.subpath_exists != old_link.subpath_exists:
            said = f"{old_link.source}:{old.line}: {old.raw} would reach the renamed heading"
            assert old_link.subpath_exists is False, where
            assert said in newly, where
    edited = {edit.path for edit in plan.edits}
    now_files = files_of(before.root)
    assert set(now_files) == set(before_files)
    for path, (data, mode) in before_files.items():
        new_data, new_mode = now_files[path]
        assert new_mode == mode, path
        if path not in edited:
            assert new_data == data, path
            continue
        was_named = old_headings[renamed] if path == note else None
        now_named = new_headings[renamed] if path == note else None
        assert _masked(new_data, _document(after, path), now_named) == _masked(
            data, _document(before, path), was_named
        ), path
    return after


def _chain(
    resolved: ResolvedLink, note: str, headings: tuple[Heading, ...]
) -> tuple[int, ...] | None:
    subpath = resolved.link.subpath
    if resolved.resolved != note or subpath is None or subpath.startswith("^"):
        return None
    return heading_path(headings, subpath)


def _masked(data: bytes, document: Note, heading: Heading | None) -> bytes:
    """The file's bytes with each reference's text, each canvas file card's subpath and the
    heading's text taken out: what a heading rename may change."""
    text = split_text(data)
    lines = list(text.lines)
    spans: list[tuple[int, int, str]] = []
    for link in document.links:
        written = link.target if link.syntax is LinkSyntax.CANVAS else link.raw
        if "\n" not in written:
            spans.append((link.line, link.column, written))
    cards = file_card_subpaths(text.text) if document.path.endswith(".canvas") else None
    for card in cards or ():
        if card is not None:
            spans.append((card.line, card.column, card.raw))
    if heading is not None:
        column = lines[heading.line - 1].find(heading.text, heading.column - 1) + 1
        spans.append((heading.line, column, heading.text))
    # Right to left on each line, so that no removal moves one still to come.
    for line, column, written in sorted(spans, reverse=True):
        at = lines[line - 1]
        assert at[column - 1 : column - 1 + len(written)] == written, (line, written)
        lines[line - 1] = at[: column - 1] + "\x00" + at[column - 1 + len(written) :]
    body = "".join(line + end for line, end in zip(lines, text.endings, strict=True))
    return text.bom + body.encode("utf-8")
