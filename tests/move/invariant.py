"""The invariant every move keeps, as a test helper: every resolved reference reaches the same
file (at its new path) from the same line, every unresolved one stays unresolved unless the
plan said it would now resolve, and no byte changes outside the link texts."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from vaultgraph.canvas import is_canvas
from vaultgraph.lint.fix import split_text
from vaultgraph.model import LinkSyntax, Note
from vaultgraph.move.plan import Plan
from vaultgraph.move.rewrite import Span, in_json_line
from vaultgraph.resolve import Resolution, ResolvedLink
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
