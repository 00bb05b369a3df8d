"""A norm an override always silences: the norm that overrides it applies on every move (or
change) it applies on, so it never gives a finding or a consequence of its own.

Exact (z3) on field conditions and windows: the overridden norm's field tests (with its bearer
for a prohibition or consent) imply the overriding norm's, and the overriding norm's window and
clause hold whenever the overridden one's do. State conditions are syntactic: the overriding
norm's conditions must be among the overridden one's and its exceptions among the overridden
one's exceptions; otherwise nothing is claimed.
"""

from __future__ import annotations

from engine.conditions import StateTest
from engine.lint.context import Lint, within
from engine.lint.solver import implies
from engine.validate import NormSpec

CHECK = "always-overridden"
HOW = "exact (z3) on field conditions and windows, syntactic on state conditions"
CHECKS = {CHECK: (HOW, "a norm that a norm overriding it sets aside whenever it would apply")}


def run(lint: Lint) -> None:
    never = lint.reported("never-fires")
    for norm in lint.spec.norms:
        if norm.id in never:
            continue
        for winner in norm.overridden_by:
            if not _always(lint, winner, norm):
                continue
            lint.add(
                norm,
                "warning",
                CHECK,
                f"{norm.id}: always overridden by {winner.id} ({lint.where(winner)}): "
                f"{winner.id} applies whenever {norm.id} would ({norm.trigger.describe()}: "
                f"its conditions follow from {norm.id}'s), so {norm.id} never has an effect. "
                f"{HOW}. Fix: narrow {winner.id}'s `when` to the case it is the exception for, "
                f"or drop {norm.id} if it is not meant to apply.",
            )
            break


def _always(lint: Lint, winner: NormSpec, norm: NormSpec) -> bool:
    """Whether `winner` applies whenever `norm` does."""
    if winner.trigger.route != norm.trigger.route:
        return False
    if not within(lint.window(norm), lint.window(winner)):
        return False
    if winner.norm.clause != norm.norm.clause and _can_end(lint, winner.norm.clause):
        return False
    probes = {t for t in winner.trigger.tests if isinstance(t, StateTest)}
    needs = probes | {t for t in winner.requires if isinstance(t, StateTest)}
    has = {t for t in (*norm.trigger.tests, *norm.requires) if isinstance(t, StateTest)}
    if not needs <= has or not set(winner.exceptions) <= set(norm.exceptions):
        return False
    return implies(
        lint.field_tests(norm),
        lint.field_tests(winner),
        lint.domains(norm.trigger),
        lint.spec_values(norm.trigger),
    )


def _can_end(lint: Lint, clause: str) -> bool:
    """Whether the clause can stop being in force: a dated end, or something that ends it."""
    return clause in lint.until or lint.can_hold(StateTest("clause_ended", (clause,), clause))
