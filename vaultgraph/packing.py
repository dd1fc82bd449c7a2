"""Parsed notes as plain columns and back, exactly and fast: for the cache file and the pool."""

from __future__ import annotations

import dataclasses
import gc
import typing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, chain, repeat
from operator import attrgetter
from types import MemberDescriptorType
from typing import Any, TypeVar

from vaultgraph.files import ReadFailure
from vaultgraph.model import Note

__all__ = [
    "PackedNotes",
    "PackedResults",
    "collecting",
    "pack_records",
    "pack_results",
    "paused_gc",
    "unpack_records",
    "unpack_results",
]

# Pickling a frozen dataclass object by object runs Python code per object (dataclasses'
# __setstate__), about 10 µs each: over a second for a vault's 150,000 links, headings and list
# items. As columns of plain values pickle runs in C, and objects are rebuilt a column at a time.

Columns = dict[str, list[Any]]
_T = TypeVar("_T")
_Setter = Callable[[Any, Any], None]


@dataclass(frozen=True, slots=True)
class PackedNotes:
    """Notes as columns: ``fields`` holds each plain field, and each record field's counts."""

    count: int
    fields: Columns
    records: dict[str, Columns]  # per record field (``links``...): the records of all notes


@dataclass(frozen=True, slots=True)
class PackedResults:
    """A sequence of ``Note | ReadFailure | None`` (``None``: nothing to send)."""

    count: int
    failures: dict[int, str]  # position → the failure's reason
    parsed: list[int]  # the positions of the notes, in order
    notes: PackedNotes


def pack_records(cls: type[Any], objects: Sequence[Any]) -> Columns:
    """The fields of dataclass objects of type ``cls``, a list per field."""
    return {field: list(map(attrgetter(field), objects)) for field in _fields(cls)}


def unpack_records(cls: type[_T], columns: Columns, count: int) -> list[_T]:
    """Rebuild ``count`` objects of the dataclass ``cls`` from :func:`pack_records` columns.

    Raises ``ValueError`` when the columns do not fit ``cls``.
    """
    if set(columns) != set(_fields(cls)) or any(len(v) != count for v in columns.values()):
        raise ValueError(f"columns do not fit {cls.__name__}")
    new: Callable[[type[_T]], _T] = object.__new__
    objects = list(map(new, repeat(cls, count)))
    for field, values in columns.items():
        # The objects are new and unseen, so filling their fields one by one is what their
        # __init__ (or pickle) would do; map() keeps the loop in C.
        deque(map(_setter(cls, field), objects, values), maxlen=0)
    return objects


def pack_results(results: Sequence[Note | ReadFailure | None]) -> PackedResults:
    failures = {i: r.reason for i, r in enumerate(results) if isinstance(r, ReadFailure)}
    parsed = [i for i, r in enumerate(results) if isinstance(r, Note)]
    notes = [r for r in results if isinstance(r, Note)]
    return PackedResults(len(results), failures, parsed, _pack_notes(notes))


def unpack_results(packed: PackedResults) -> list[Note | ReadFailure | None]:
    """Raises ``ValueError`` (or ``TypeError``) when ``packed`` does not hold what it should."""
    if not isinstance(packed, PackedResults):
        raise TypeError("not packed results")
    results: list[Note | ReadFailure | None] = [None] * packed.count
    notes = _unpack_notes(packed.notes)
    if len(notes) != len(packed.parsed):
        raise ValueError("packed notes do not match their positions")
    for position, note in zip(packed.parsed, notes, strict=True):
        results[position] = note
    for position, reason in packed.failures.items():
        results[position] = ReadFailure(reason)
    return results


@contextmanager
def collecting() -> Iterator[None]:
    """Let the cycle collector run, whatever the caller chose, then restore its choice."""
    enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cycle collector while building many objects that hold no cycles.

    Each pass would walk every object built so far, so it turns a linear build quadratic-ish;
    reference counting still frees what is dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _pack_notes(notes: Sequence[Note]) -> PackedNotes:
    plain, nested = _note_plan()
    fields = {name: list(map(attrgetter(name), notes)) for name in plain}
    records: dict[str, Columns] = {}
    for name, cls in nested:
        groups: list[tuple[Any, ...]] = list(map(attrgetter(name), notes))
        fields[name] = list(map(len, groups))
        records[name] = pack_records(cls, list(chain.from_iterable(groups)))
    return PackedNotes(len(notes), fields, records)


def _unpack_notes(packed: PackedNotes) -> list[Note]:
    plain, nested = _note_plan()
    if not isinstance(packed, PackedNotes) or set(packed.records) != {n for n, _ in nested}:
        raise ValueError("packed notes do not fit Note")
    columns = {name: packed.fields[name] for name in plain}
    for name, cls in nested:
        counts: list[int] = packed.fields[name]
        flat = unpack_records(cls, packed.records[name], sum(counts))
        ends = list(accumulate(counts))
        columns[name] = [tuple(flat[end - n : end]) for n, end in zip(counts, ends, strict=True)]
    return unpack_records(Note, columns, packed.count)


@cache
def _note_plan() -> tuple[tuple[str, ...], tuple[tuple[str, type[Any]], ...]]:
    """Note's plain fields, and its fields that hold a tuple of records with their type."""
    hints = typing.get_type_hints(Note)
    plain: list[str] = []
    nested: list[tuple[str, type[Any]]] = []
    for name in _fields(Note):
        args = typing.get_args(hints[name])
        record = args[0] if typing.get_origin(hints[name]) is tuple and args[1:] == (...,) else None
        if isinstance(record, type) and dataclasses.is_dataclass(record):
            nested.append((name, record))
        else:
            plain.append(name)
    return tuple(plain), tuple(nested)


def _fields(cls: type[Any]) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def _setter(cls: type[Any], field: str) -> _Setter:
    slot = cls.__dict__.get(field)
    if isinstance(slot, MemberDescriptorType):
        return slot.__set__  # the slot itself, past the frozen class's __setattr__
    return lambda obj, value: object.__setattr__(obj, field, value)
