"""Norms shadowed by another that fires whenever they do, with an effect at least as strong."""

from __future__ import annotations

from engine.conditions import FieldTest, StateTest
from engine.lint.context import Lint
from engine.lint.solver import satisfiable
from engine.model import NormKind
from engine.validate import NormSpec

CHECKS = {
    "shadowed": (
        "exact for field conditions (z3), syntactic for state conditions",
        "another norm fires whenever this one does, as strongly",
    ),
}
_WEIGHT = {"info": 0, "warning": 1, "blocking": 2}


def run(lint: Lint) -> None:
    never = lint.reported("never-fires")
    norms = [n for n in lint.spec.norms if n.norm.kind is not NormKind.expiry and n.id not in never]
    for a in norms:
        for b in norms:
            if a is b or not covers(b, a, lint):
                continue
            if covers(a, b, lint) and lint.spec.norms.index(a) < lint.spec.norms.index(b):
                continue  # two equivalent norms: report the later one only
            lint.add(
                a,
                "warning",
                "shadowed",
                f"{a.id}: shadowed by {b.id} ({lint.where(b)}): {b.id} fires on every move {a.id} fires on, with the same effect at least as strongly",
            )
            break


def covers(b: NormSpec, a: NormSpec, lint: Lint) -> bool:
    """Whether norm b fires (with a blocking effect at least as strong) on every fact norm a
    fires on: same trigger, a's field tests imply b's (z3), b's state conditions among a's, b's
    window around a's, same kind and clause, no consequence a has that b lacks."""
    na, nb = a.norm, b.norm
    if (na.kind, na.clause) != (nb.kind, nb.clause) or a.trigger.route != b.trigger.route:
        return False
    if na.kind in (NormKind.obligation, NormKind.termination, NormKind.entitlement):
        return False  # their effects (deadlines, ends, rights) are their own, not a verdict
    if _WEIGHT[nb.effective_severity.value] < _WEIGHT[na.effective_severity.value]:
        return False
    if set(a.consequences) - set(b.consequences):
        return False
    state_a = {t for t in a.requires if isinstance(t, StateTest)}
    state_b = {t for t in b.requires if isinstance(t, StateTest)}
    if not state_b <= state_a or not set(b.exceptions) <= set(a.exceptions):
        return False
    if nb.consent_of != na.consent_of:
        return False
    if nb.valid_from and (not na.valid_from or na.valid_from < nb.valid_from):
        return False
    if nb.valid_until and (not na.valid_until or na.valid_until > nb.valid_until):
        return False
    tests_a = [t for t in (*a.trigger.tests, *a.requires) if isinstance(t, FieldTest)]
    tests_b = [t for t in (*b.trigger.tests, *b.requires) if isinstance(t, FieldTest)]
    # in_set probes of the trigger are state tests too
    probes_a = {t for t in a.trigger.tests if isinstance(t, StateTest)}
    probes_b = {t for t in b.trigger.tests if isinstance(t, StateTest)}
    if not probes_b <= probes_a:
        return False
    if not tests_b:
        return True
    domains = lint.domains(a.trigger)
    return not satisfiable(tests_a, domains, lint.spec_values(a.trigger), negated=tests_b)
