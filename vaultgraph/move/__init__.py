"""``vaultgraph mv``: move notes, attachments and folders with every reference kept.

:mod:`~vaultgraph.move.plan` computes the move from the loaded vault (pure),
:mod:`~vaultgraph.move.rewrite` writes one reference's new text, :mod:`~vaultgraph.move.apply`
carries the plan out through the :mod:`~vaultgraph.move.journal`.
"""

from __future__ import annotations

from vaultgraph.move.apply import apply_plan, recover
from vaultgraph.move.plan import MoveError, Plan, plan_moves

__all__ = ["MoveError", "Plan", "apply_plan", "plan_moves", "recover"]
