"""Parsed notes as plain columns and back, exactly and fast: for the cache file and the pool."""

from __future__ import annotations

import dataclasses
import datetime
import gc
import io
import pickle
import typing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from functools import cache
from itertools import accumulate, chain, repeat
from operator import attrgetter
from types import MemberDescriptorType, NoneType
from typing import Any, TypeVar

from vaultgraph.files import ReadFailure
from vaultgraph.model import Note

__all__ = [
    "Columns",
    "PackedNotes",
    "PackedResults",
    "dump_plain",
    "dump_results",
    "load_plain",
    "load_results",
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


# On disk (the cache folder), data is plain and is read back by an unpickler that refuses every
# global: a file can name no class or function, so nothing in it can run. Plain is None, bool,
# int, float, str, bytes, tuple, list, dict, set and frozenset, which pickle writes with opcodes
# of their own. A parsed note holds two other kinds of value: the records' enums, kept as their
# values, and the dates and times YAML makes, kept as persistent ids of plain ints.


def dump_plain(value: object) -> bytes:
    """``value``, which must hold plain data only, as bytes for :func:`load_plain`."""
    return pickle.dumps(value, protocol=5)


def load_plain(data: bytes) -> Any:
    """What :func:`dump_plain` or :func:`dump_results` wrote. Raises
    ``pickle.UnpicklingError`` at the first global (a class, a function) the data names."""
    return _PlainUnpickler(io.BytesIO(data)).load()


def dump_results(results: Sequence[Note | ReadFailure | None]) -> bytes:
    """:func:`pack_results` as plain data, for :func:`load_results`. Raises
    ``pickle.PicklingError`` for a value that is not plain data, a date or a time."""
    packed = pack_results(results)
    notes = packed.notes
    records = {name: _enum_values(name, notes.records[name]) for name, _ in _note_plan()[1]}
    plain = (packed.count, packed.failures, packed.parsed, notes.count, notes.fields, records)
    stream = io.BytesIO()
    _DatedPickler(stream, protocol=5).dump(plain)
    return stream.getvalue()


def load_results(data: bytes) -> list[Note | ReadFailure | None]:
    """What :func:`dump_results` wrote. Raises (``pickle.UnpicklingError``, ``ValueError``,
    ``TypeError``, ``KeyError``...) when ``data`` holds anything else."""
    count, failures, parsed, notes_count, fields, records = load_plain(data)
    typed = {name: _enum_members(name, records[name]) for name, _ in _note_plan()[1]}
    notes = PackedNotes(notes_count, fields, typed)
    return unpack_results(PackedResults(count, failures, parsed, notes))


_PLAIN = frozenset({NoneType, bool, int, float, str, bytes, tuple, list, dict, set, frozenset})


class _DatedPickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _PLAIN:
            return None
        if kind is datetime.date:
            return ("date", obj.year, obj.month, obj.day)
        if kind is datetime.datetime:
            clock = (obj.hour, obj.minute, obj.second, obj.microsecond, obj.fold)
            return ("datetime", obj.year, obj.month, obj.day, *clock, _zone(obj.tzinfo))
        raise pickle.PicklingError(f"not plain data: {kind.__module__}.{kind.__qualname__}")


def _zone(tz: datetime.tzinfo | None) -> tuple[int, int, int, str | None] | None:
    if tz is None:
        return None
    offset = tz.utcoffset(None)
    if type(tz) is not datetime.timezone or offset is None:
        raise pickle.PicklingError(f"not a fixed time zone: {tz!r}")
    name = tz.tzname(None)
    named = None if name == datetime.timezone(offset).tzname(None) else name
    return (offset.days, offset.seconds, offset.microseconds, named)


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refused {module}.{name}: a cache file holds plain data")

    def persistent_load(self, pid: Any) -> Any:
        match pid:
            case ("date", int(year), int(month), int(day)):
                return datetime.date(year, month, day)
            case ("datetime", int(y), int(mo), int(d), int(h), int(mi), int(s), int(us), int(f), z):
                return datetime.datetime(y, mo, d, h, mi, s, us, tzinfo=_unzone(z), fold=f)
        raise pickle.UnpicklingError("unknown persistent id")


def _unzone(zone: Any) -> datetime.timezone | None:
    match zone:
        case None:
            return None
        case (int(days), int(seconds), int(microseconds), None):
            return datetime.timezone(datetime.timedelta(days, seconds, microseconds))
        case (int(days), int(seconds), int(microseconds), str(name)):
            return datetime.timezone(datetime.timedelta(days, seconds, microseconds), name)
    raise pickle.UnpicklingError("not a time zone")


@cache
def _record_enums() -> dict[str, tuple[tuple[str, type[Enum]], ...]]:
    """Per record field of Note (``links``...), its records' fields that hold an enum."""
    found: dict[str, tuple[tuple[str, type[Enum]], ...]] = {}
    for record, cls in _note_plan()[1]:
        hints = typing.get_type_hints(cls)
        enums = [(name, hints[name]) for name in _fields(cls) if _is_enum(hints[name])]
        found[record] = tuple(enums)
    return found


def _is_enum(hint: object) -> bool:
    return isinstance(hint, type) and issubclass(hint, Enum)


def _enum_values(record: str, columns: Columns) -> Columns:
    plain = dict(columns)
    for name, _ in _record_enums()[record]:
        plain[name] = list(map(attrgetter("_value_"), columns[name]))
    return plain


def _enum_members(record: str, columns: Columns) -> Columns:
    typed = dict(columns)
    for name, enum in _record_enums()[record]:
        members = {member.value: member for member in enum}
        typed[name] = list(map(members.__getitem__, columns[name]))
    return typed


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
