"""Obsidian's "Excluded files" setting, read from a vault's ``.obsidian/app.json`` untrusted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from vaultgraph.files import APP_JSON, MAX_APP_JSON, read_app_json
from vaultgraph.lint.linear_regex import (
    BudgetExceeded,
    LinearPattern,
    UnsupportedPattern,
    compile_linear,
)
from vaultgraph.settings import decode_app_json

__all__ = [
    "APP_JSON",
    "MAX_APP_JSON",
    "ExcludedFiles",
    "Filter",
    "obsidian_excluded",
    "read_app_json",
    "read_excluded_files",
]

_UNUSED = "Obsidian's excluded files not applied"


@dataclass(frozen=True, slots=True)
class Filter:
    """One entry of ``userIgnoreFilters``: a ``/regex/`` found anywhere in a path, or a prefix
    of it; both ignore case."""

    entry: str
    _regex: LinearPattern | None
    _prefix: str

    def __call__(self, path: str) -> bool:
        """Whether the entry excludes ``path``; a regex may raise :class:`BudgetExceeded`."""
        if self._regex is not None:
            return self._regex.search(path)
        return path.casefold().startswith(self._prefix)


@dataclass(frozen=True, slots=True)
class ExcludedFiles:
    """A vault's excluded-files filters, and what was wrong with its ``app.json``."""

    filters: tuple[Filter, ...]
    warnings: tuple[str, ...]
    source: Path

    def matching(self, paths: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
        """The paths some filter excludes, and a warning for each regex that ran out of its
        budget of work on them: that filter excludes nothing, so the answer does not depend on
        how far it got. ``paths`` should be every note of the vault, in order, so that the
        same vault always gives the same answer."""
        ordered = list(paths)
        excluded: set[str] = set()
        warnings: list[str] = []
        for test in self.filters:
            try:
                matched = {path for path in ordered if test(path)}
            except BudgetExceeded as error:
                warnings.append(
                    f"{self.source}: excluded-files entry {test.entry!r} is too costly to "
                    f"match ({error}); it excludes nothing"
                )
                continue
            excluded |= matched
        return frozenset(excluded), tuple(warnings)

    def excludes(self, path: str) -> bool:
        """Whether some filter excludes one path; a regex out of its budget says no."""
        return any(_never_raising(test)(path) for test in self.filters)


def read_excluded_files(root: Path, *, app_json: bytes | OSError | None = None) -> ExcludedFiles:
    """The "Excluded files" of the vault at ``root``; a missing ``app.json`` means none.
    ``app_json`` is the file's bytes (or the error reading them raised) if they were read
    already, as :attr:`Vault.app_json <vaultgraph.vault.Vault.app_json>` holds them.

    ``app.json`` is Obsidian's file, not vaultgraph's configuration: whatever is wrong with it
    (unreadable, not a regular file, too large, a link out of the vault, not JSON, nested too
    deeply, ``userIgnoreFilters`` not a list) is a warning, and the check goes on without its
    filters. An entry that cannot be used (not a string, not a regex Python compiles, or one
    that needs backtracking) is a warning and is skipped.
    """
    source = root / APP_JSON
    if app_json is None:
        try:
            app_json = read_app_json(root)
        except OSError as error:
            app_json = error
    if isinstance(app_json, FileNotFoundError):
        return ExcludedFiles((), (), source)
    if isinstance(app_json, OSError):
        return _unused(source, f"cannot read: {app_json.strerror or app_json}")
    document = decode_app_json(app_json)
    if isinstance(document, str):
        return _unused(source, document)
    entries = document.get("userIgnoreFilters", [])
    if not isinstance(entries, list):
        return _unused(source, "userIgnoreFilters is not a list")
    filters: list[Filter] = []
    warnings: list[str] = []
    for entry in entries:
        found = _filter(entry)
        if isinstance(found, Filter):
            filters.append(found)
        else:
            warnings.append(f"{source}: excluded-files entry {_shown(entry)} {found}; ignored")
    return ExcludedFiles(tuple(filters), tuple(warnings), source)


def obsidian_excluded(root: Path) -> tuple[tuple[Callable[[str], bool], ...], tuple[str, ...]]:
    """Tests for the paths the vault's "Excluded files" name, and the warnings about them.

    Each test answers for one path; a regex that runs out of its budget answers no from then
    on. :meth:`ExcludedFiles.matching` answers for a whole vault at once, the same every time.
    """
    found = read_excluded_files(root)
    return tuple(_never_raising(f) for f in found.filters), found.warnings


def _never_raising(test: Filter) -> Callable[[str], bool]:
    def matches(path: str) -> bool:
        try:
            return test(path)
        except BudgetExceeded:
            return False

    return matches


def _unused(source: Path, problem: str) -> ExcludedFiles:
    return ExcludedFiles((), (f"{source}: {problem}; {_UNUSED}",), source)


def _filter(entry: object) -> Filter | str:
    """The filter an entry stands for, or what is wrong with it."""
    if not isinstance(entry, str) or not entry:
        return "is not a non-empty string"
    if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
        try:
            regex = compile_linear(entry[1:-1], re.IGNORECASE)
        except UnsupportedPattern as error:
            return f"cannot be used ({error})"
        return Filter(entry, regex, "")
    return Filter(entry, None, entry.casefold())


def _shown(entry: object) -> str:
    text = repr(entry) if isinstance(entry, str | int | float | bool) or entry is None else ""
    if not text:
        text = f"of type {type(entry).__name__}"
    return text if len(text) <= 80 else f"{text[:77]}..."
