"""A lint rule: its metadata as data, and the function that finds its problems."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity

if TYPE_CHECKING:
    from vaultgraph.vault import Vault

__all__ = ["CheckFunction", "Rule"]

CheckFunction = Callable[["Vault"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's public contract: a stable code and name, its default severity and state.

    ``check`` yields findings for a whole vault; its docstring (a paragraph, then ``Bad:`` and
    ``Good:`` examples) is what docs/rules.md is built from.
    """

    code: str  # ``VG101``: stable, never reused
    name: str  # ``broken-link``: kebab-case, stable
    severity: Severity
    enabled: bool  # on by default
    summary: str  # one line
    check: CheckFunction
    fixable: bool = False
    # Whether a note's findings may change when any other note changes (orphan-note looks at the
    # whole graph); a rule that is not judges each note by its own text, the file list, aliases
    # and the notes its subpath links name, so a check may re-run it on a few notes alone.
    whole_vault: bool = False

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")
