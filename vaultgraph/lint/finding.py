"""What a rule reports, and the edit that repairs it when one is safe."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Edit", "Finding", "Severity"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Edit:
    """A safe repair of one line of a note (1-based line, columns in code points).

    Replaces ``line[column - 1 : end_column - 1]`` with ``replacement``; with ``delete_line`` the
    whole line goes, its line ending too. Applied to the file's own bytes, nothing else changes.
    """

    line: int
    column: int
    end_column: int
    replacement: str = ""
    delete_line: bool = False


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place. Ordered by path, line, column, code: the order output uses."""

    path: str  # vault-relative POSIX path
    line: int  # 1-based
    column: int  # 1-based, in code points
    code: str  # ``VG101``
    rule: str  # ``broken-link``
    severity: Severity
    message: str
    fix: Edit | None = None
