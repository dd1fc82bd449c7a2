"""``vaultgraph mv``: move notes, attachments and folders with every reference kept.

:mod:`~vaultgraph.move.plan` computes the move from the loaded vault (pure),
:mod:`~vaultgraph.move.rewrite` writes one reference's new text, :mod:`~vaultgraph.move.apply`
carries the plan out through the :mod:`~vaultgraph.move.journal`;
:mod:`~vaultgraph.move.headings` plans a heading rename, carried out the same way.
"""

from __future__ import annotations

from vaultgraph.move.apply import apply_plan, recover
from vaultgraph.move.headings import plan_heading_rename
from vaultgraph.move.plan import MoveError, Plan, plan_moves

__all__ = ["MoveError", "Plan", "apply_plan", "plan_heading_rename", "plan_moves", "recover"]
