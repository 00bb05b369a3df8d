"""An entitlement and a prohibition over the same move with no `overrides:` between them: one
clause gives a right on a move that another forbids, and the contract does not say which wins.

Exact (z3) on field conditions and windows: some move (or change) passes both norms' field tests,
the prohibition's bearer making it, on a day both apply. State conditions are an approximation:
the pair is taken as separated only when one norm's exception is among the other's conditions
(`if: [{flag: x}]` against `unless: [{flag: x}]`) or their set tests exclude each other; any
other state conditions are assumed able to hold together.
"""

from __future__ import annotations

from engine.conditions import StateTest
from engine.lint.context import Lint, overlap, shown
from engine.lint.solver import satisfiable
from engine.model import NormKind
from engine.validate import NormSpec

CHECK = "entitled-and-forbidden"
HOW = (
    "exact (z3) on field conditions and windows; approximation: state conditions separate the "
    "two only when one's exception is the other's condition"
)
CHECKS = {CHECK: (HOW, "an entitlement and a prohibition over the same move, neither overriding")}


def run(lint: Lint) -> None:
    rights = [n for n in lint.spec.norms if n.norm.kind is NormKind.entitlement]
    bans = [n for n in lint.spec.norms if n.norm.kind is NormKind.prohibition]
    for right in rights:
        for ban in bans:
            if right.trigger.route != ban.trigger.route or _ordered(right, ban):
                continue
            days = overlap(lint.window(right), lint.window(ban))
            if days is None or _separated(right, ban) or not _same_move(lint, right, ban):
                continue
            states = _states(right) | _states(ban)
            how = (
                "exact (z3)"
                if not states
                else "approximation: their state conditions are assumed able to hold together"
            )
            what = "move" if ban.trigger.source == "move" else "change"
            lint.add(
                right,
                "warning",
                CHECK,
                f"{right.id}: gives a right on {ban.trigger.describe()}, a {what} that "
                f"{ban.id} ({lint.where(ban)}) forbids, {shown(days)}, and neither overrides "
                f"the other: the contract both allows and forbids it. {how}. Fix: add "
                f"`overrides: [{ban.norm.id.split('@')[0]}]` to {right.norm.id.split('@')[0]} if "
                f"the right wins (or the reverse if the ban does), or narrow one `when` so they "
                f"no longer meet.",
            )


def _ordered(right: NormSpec, ban: NormSpec) -> bool:
    """Whether an `overrides:` says which of the two wins."""
    return right in ban.overridden_by or ban in right.overridden_by


def _states(norm: NormSpec) -> set[StateTest]:
    probes = {t for t in norm.trigger.tests if isinstance(t, StateTest)}
    return probes | {t for t in norm.requires if isinstance(t, StateTest)} | set(norm.exceptions)


def _separated(a: NormSpec, b: NormSpec) -> bool:
    """Whether their state conditions cannot hold together, as far as their words show: an
    exception of one is a condition of the other, or a set test of one is negated by the
    other's."""
    need_a = {t for t in (*a.trigger.tests, *a.requires) if isinstance(t, StateTest)}
    need_b = {t for t in (*b.trigger.tests, *b.requires) if isinstance(t, StateTest)}
    if set(a.exceptions) & need_b or set(b.exceptions) & need_a:
        return True
    opposite = {"in_set": "not_in_set", "not_in_set": "in_set"}
    return any(
        (opposite.get(x.question), x.args) == (y.question, y.args) for x in need_a for y in need_b
    )


def _same_move(lint: Lint, right: NormSpec, ban: NormSpec) -> bool:
    """Whether one move (or change) passes the field tests of both, the ban's bearer making it."""
    tests = lint.field_tests(right) + lint.field_tests(ban)
    return satisfiable(tests, lint.domains(ban.trigger), lint.spec_values(ban.trigger))
