"""The plan of a heading rename: the heading's line and every reference that reaches the heading,
rewritten from the loaded vault alone; nothing on disk changes here.

Which references: those the resolver sends to the note and whose heading subpath it matches
through the renamed heading (:func:`vaultgraph.resolve.heading_path`, the first chain in the
note's order); of such a subpath only the parts that name the heading are rewritten
(``[[Note#Parent#Old]]``, ``[[Note#Old#Child]]``). The heading is the one a link with the given
subpath reaches; a duplicate of it (another heading of the same key) is not renamed, and the
references that reach it keep reaching it. The new text replaces the heading's text as
written, inline markup and all, and is written into each reference as given, encoded as that
reference's syntax needs. Each rewritten file is parsed again, and every reference into the
note resolved again, before the plan is handed out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vaultgraph.canvas import file_card_subpaths, parse_canvas
from vaultgraph.files import decode_text
from vaultgraph.lint.finding import Edit
from vaultgraph.lint.fix import NotWritable, apply_edits, split_text
from vaultgraph.markdown import parser
from vaultgraph.model import Heading, LinkSyntax, Note
from vaultgraph.move.plan import FileEdit, MoveError, Plan
from vaultgraph.move.rewrite import UnwritableLink
from vaultgraph.move.subpaths import heading_parts, written_part
from vaultgraph.parse import line_as_parsed, parse_note
from vaultgraph.resolve import heading_key, heading_path
from vaultgraph.store import digest
from vaultgraph.vault import Vault

__all__ = ["MAX_HEADING_CHARS", "plan_heading_rename"]

# What a link's subpath cannot hold as written: ``#`` starts another part, ``|`` the display
# text, ``^`` a block, ``[`` and ``]`` end or break a wikilink. Obsidian writes none of them
# into the heading links it makes.
_UNWRITABLE = "#|^[]"
# Far more than any heading; a wikilink of more than 4,096 characters is no link at all.
MAX_HEADING_CHARS = 1_000


@dataclass(frozen=True, slots=True)
class _Reference:
    """A reference of one file that reaches the renamed heading: its position among the file's
    links and which of its subpath's parts (by the chain's index) name the heading."""

    position: int
    naming: tuple[int, ...]


def plan_heading_rename(vault: Vault, note_path: str, old_heading: str, new_heading: str) -> Plan:
    """Plan renaming the heading ``old_heading`` (as a link's subpath names it: ``Old``, or
    ``Parent#Old`` for the one under ``Parent``) of the note at ``note_path`` to
    ``new_heading``, with every reference that reaches it. Raises :class:`MoveError` when the
    rename cannot be made as asked or a reference cannot be kept."""
    note = _note(vault, note_path)
    new = _new_text(new_heading)
    if not old_heading.strip():
        raise MoveError(f"give the heading to rename after the #: {note_path}#Heading")
    chain = heading_path(note.headings, old_heading)
    if chain is None:
        raise MoveError(f"{note_path} has no heading {old_heading.strip()}")
    renamed = chain[-1]
    heading = note.headings[renamed]
    if heading.text == new:
        raise MoveError(f"the heading at {note_path}:{heading.line} is already {new}")
    references = _references(vault, note_path, note.headings, renamed)
    rereads: dict[str, Note] = {}
    edits: list[FileEdit] = []
    # The note first: a name taken by another of its headings is refused before the rest.
    for path in [note_path, *sorted(references.keys() - {note_path})]:
        edit, reread = _edit(vault, path, note, renamed, new, references.get(path, []))
        if path == note_path:
            _refuse_taken(note, reread.headings, renamed)
        if edit is not None:
            edits.append(edit)
            rereads[path] = reread
    newly = _check_vault(vault, note, rereads, references)
    return Plan((), {}, tuple(edits), (), tuple(newly))


def _note(vault: Vault, path: str) -> Note:
    note = vault.notes.get(path)
    if note is None:
        if path in vault.unreadable:
            raise MoveError(f"{path} cannot be read: {vault.unreadable[path]}")
        if path in vault.attachments:
            raise MoveError(f"{path} is not a note; only a note's headings are renamed")
        raise MoveError(f"{path} is not a note of the vault")
    if note.partly_read:
        raise MoveError(f"{path} was not read whole (too large, or a line too long)")
    return note


def _new_text(given: str) -> str:
    text = given.strip()
    if not text:
        raise MoveError("the new heading is empty")
    if len(text) > MAX_HEADING_CHARS:
        raise MoveError(f"the new heading is over {MAX_HEADING_CHARS:,} characters long")
    if any(ord(char) < 32 or char == "\x7f" for char in text):
        raise MoveError(f"the new heading {text!r} holds a line break or a control character")
    refused = "".join(dict.fromkeys(char for char in text if char in _UNWRITABLE))
    if refused:
        raise MoveError(f"the new heading {text} holds {refused}, which no link to it can hold")
    if not heading_key(text):
        raise MoveError(f"the new heading {text} is only punctuation, which no link can name")
    return text


def _references(
    vault: Vault, note_path: str, headings: Sequence[Heading], renamed: int
) -> dict[str, list[_Reference]]:
    """Every reference in the vault that reaches the renamed heading, by file."""
    found: defaultdict[str, list[_Reference]] = defaultdict(list)
    counters: defaultdict[str, int] = defaultdict(int)
    chains: dict[str, tuple[int, ...] | None] = {}
    for resolved in vault.links:
        position = counters[resolved.source]
        counters[resolved.source] += 1
        subpath = resolved.link.subpath
        if resolved.resolved != note_path or subpath is None or subpath.startswith("^"):
            continue
        if subpath not in chains:
            chains[subpath] = heading_path(headings, subpath)
        chain = chains[subpath]
        if chain is not None and renamed in chain:
            naming = tuple(k for k, index in enumerate(chain) if index == renamed)
            found[resolved.source].append(_Reference(position, naming))
    return dict(found)


def _edit(
    vault: Vault,
    path: str,
    note: Note,
    renamed: int,
    new: str,
    references: Sequence[_Reference],
) -> tuple[FileEdit | None, Note]:
    """The rewrite of one file (``None`` when nothing in it changes) and the file as it reads
    after it."""
    canvas = path in vault.canvases
    document = vault.canvases[path] if canvas else vault.notes[path]
    data = _read(vault, path, document, canvas=canvas)
    try:
        old = split_text(data)
    except NotWritable as why:
        raise MoveError(f"cannot rewrite {path}: {why}") from None
    cards = iter(file_card_subpaths(old.text) or ()) if canvas else iter(())
    card_of = {
        position: next(cards, None)
        for position, link in enumerate(document.links)
        if link.syntax is LinkSyntax.CANVAS
    }
    edits: list[Edit] = []
    expected: dict[int, str] = {}
    for reference in references:
        link = document.links[reference.position]
        where = f"{link.raw} ({path}:{link.line}:{link.column})"
        parts = heading_parts(link, old.lines, card_of.get(reference.position))
        if parts is None or max(reference.naming) >= len(parts):
            raise MoveError(f"cannot find the heading in {where} in its text; nothing changed")
        try:
            text = written_part(link, new, in_json=canvas)
        except UnwritableLink as why:
            raise MoveError(f"cannot rewrite {where}: {why}") from None
        changed = [parts[k] for k in reference.naming if parts[k].written != text]
        if changed:
            edits.extend(Edit(p.line, p.column, p.end_column, text) for p in changed)
            expected[reference.position] = _new_subpath(link.subpath or "", reference.naming, new)
    rewritten = len(expected)
    if path == note.path:
        edits.append(_heading_edit(old.lines, note, renamed, new, edits))
    if not edits:
        return None, document
    after = apply_edits(old, edits)
    reread = parse_canvas(path, after.text) if canvas else parse_note(path, after.text)
    _verify(document, reread, expected, renamed if path == note.path else None, new)
    return FileEdit(path, path, data, after.encode(), rewritten), reread


def _read(vault: Vault, path: str, document: Note, *, canvas: bool) -> bytes:
    """The file's bytes, refused unless they are what the vault was read from."""
    try:
        data = (vault.root / path).read_bytes()
    except OSError as error:
        raise MoveError(f"cannot read {path}: {error.strerror}") from None
    if canvas:
        # A canvas is neither in the parse cache nor hashed: read again, it must read the same.
        text = decode_text(data)
        same = isinstance(text, str) and parse_canvas(path, text) == document
    else:
        same = vault.digests.get(path) == digest(data)
    if not same:
        raise MoveError(f"{path} changed since the vault was read; run again")
    return data


def _new_subpath(subpath: str, naming: Sequence[int], new: str) -> str:
    """``subpath`` with the parts ``naming`` names (counting only parts with a key) as ``new``:
    what the rewritten reference must read as."""
    pieces = subpath.split("#")
    keyed = [i for i, piece in enumerate(pieces) if heading_key(piece)]
    for k in naming:
        pieces[keyed[k]] = new
    return "#".join(pieces)


def _heading_edit(
    lines: Sequence[str], note: Note, renamed: int, new: str, others: Sequence[Edit]
) -> Edit:
    """The edit of the heading's own text: every other byte of its line kept (the ``#``s, a
    closing sequence, spaces, a setext heading's underline on the next line)."""
    heading = note.headings[renamed]
    where = f"{note.path}:{heading.line}"
    if "\n" in heading.text:
        raise MoveError(f"the heading at {where} spans several lines; rename it in an editor")
    # Which kind of heading it is, the token stream says: an ATX one's text follows its ``#``s.
    tokens = parser().parse("\n".join(line_as_parsed(line) for line in lines))
    openers = [token for token in tokens if token.type == "heading_open" and token.map]
    opener = openers[renamed] if renamed < len(openers) else None
    if opener is None or opener.map is None or opener.map[0] + 1 != heading.line:
        raise MoveError(f"cannot find the heading at {where} in its text; nothing changed")
    line = lines[heading.line - 1]
    start = heading.column - 1
    if opener.markup.startswith("#"):
        start = line.find(heading.text, start + len(opener.markup))
    if start < 0 or line[start : start + len(heading.text)] != heading.text:
        raise MoveError(f"cannot find the heading at {where} in its text; nothing changed")
    edit = Edit(heading.line, start + 1, start + 1 + len(heading.text), new)
    inside = [o for o in others if o.line == edit.line and o.column < edit.end_column]
    if inside or any(_within(link.line, link.column, edit) for link in note.links):
        raise MoveError(f"the heading at {where} holds a link; rename it in an editor")
    return edit


def _within(line: int, column: int, edit: Edit) -> bool:
    return line == edit.line and edit.column <= column < edit.end_column


def _verify(
    before: Note, after: Note, expected: Mapping[int, str], renamed: int | None, new: str
) -> None:
    """Refuse unless the rewritten file reads as the same links on the same lines with the same
    targets and display text, the rewritten ones with their new subpath, and the same headings,
    the renamed one now ``new`` (the parser says so, not the rewriting code)."""
    same = len(before.links) == len(after.links) and len(before.headings) == len(after.headings)
    for position, (old, now) in enumerate(zip(before.links, after.links, strict=False)):
        kept = (old.kind, old.syntax, old.line, old.target, old.display) == (
            now.kind,
            now.syntax,
            now.line,
            now.target,
            now.display,
        )
        if position in expected:
            same = same and kept and now.subpath == expected[position]
        else:
            same = same and kept and (old.raw, old.subpath) == (now.raw, now.subpath)
    for index, (old_heading, heading) in enumerate(
        zip(before.headings, after.headings, strict=False)
    ):
        text = new if index == renamed else old_heading.text
        same = same and (old_heading.level, old_heading.line, text) == (
            heading.level,
            heading.line,
            heading.text,
        )
    same = (
        same
        and [(t.name, t.line) for t in before.tags] == [(t.name, t.line) for t in after.tags]
        and [(b.id, b.line) for b in before.block_ids] == [(b.id, b.line) for b in after.block_ids]
    )
    if not same:
        raise MoveError(
            f"rewriting {before.path} would change more than the heading; nothing changed"
        )


def _keys(heading: Heading) -> set[str]:
    """The keys a link's subpath part matches the heading by: its text's and its plain text's."""
    return {heading_key(heading.text), heading_key(heading.plain)}


def _refuse_taken(note: Note, headings: Sequence[Heading], renamed: int) -> None:
    """Refuse a new name another heading of the note answers to: links to either would reach
    the first. A case-only rename (or one to the name of a duplicate of the heading) keeps
    its key, so every link keeps reaching what it reached."""
    kept = _keys(note.headings[renamed])
    wanted = _keys(headings[renamed]) - kept
    for index, heading in enumerate(note.headings):
        if index != renamed and wanted & _keys(heading):
            raise MoveError(
                f"{note.path} already has a heading {heading.text} (line {heading.line})"
            )


def _check_vault(
    vault: Vault,
    note: Note,
    rereads: Mapping[str, Note],
    references: Mapping[str, Sequence[_Reference]],
) -> list[str]:
    """Resolve every heading reference into the note again, in the vault as it will be: the
    rewritten ones must reach what they reached, and so must every other one, unless it reached
    nothing before (then it is said, as a move says a broken link that would now resolve)."""
    headings = rereads[note.path].headings if note.path in rereads else note.headings
    rewritten = {(path, r.position) for path, found in references.items() for r in found}
    before: dict[str, tuple[int, ...] | None] = {}
    after: dict[str, tuple[int, ...] | None] = {}
    newly: list[str] = []
    counters: defaultdict[str, int] = defaultdict(int)
    for resolved in vault.links:
        source = resolved.source
        position = counters[source]
        counters[source] += 1
        old = resolved.link
        if resolved.resolved != note.path or old.subpath is None or old.subpath.startswith("^"):
            continue
        link = rereads[source].links[position] if source in rereads else old
        if old.subpath not in before:
            before[old.subpath] = heading_path(note.headings, old.subpath)
        if link.subpath is not None and link.subpath not in after:
            after[link.subpath] = heading_path(headings, link.subpath)
        was = before[old.subpath]
        now = after[link.subpath] if link.subpath is not None else None
        if was == now:
            continue
        if was is None and (source, position) not in rewritten:
            newly.append(f"{source}:{old.line}: {old.raw} would reach the renamed heading")
            continue
        raise MoveError(
            f"{source}:{old.line}: {old.raw} would reach another heading; nothing changed"
        )
    return newly
