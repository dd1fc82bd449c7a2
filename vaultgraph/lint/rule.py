"""A lint rule: its metadata as data, and the function that finds its problems."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vaultgraph.lint.finding import Finding, Severity

if TYPE_CHECKING:
    from vaultgraph.vault import Vault

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

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")
