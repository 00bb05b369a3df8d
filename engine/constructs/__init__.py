"""The registry of state conditions and consequences: one module per construct, one line here.

validate.py, compile.py, state.py, evaluate.py and reference.py dispatch on these tables; adding
a construct is a new module (see engine/constructs/base.py for what it holds) and a line below.
"""

from __future__ import annotations

from engine.constructs.add_to_set import AddToSet
from engine.constructs.base import Change, Condition, Operation, Site
from engine.constructs.clause_ended import ClauseEnded
from engine.constructs.compare import Compare
from engine.constructs.consent import Consent
from engine.constructs.end_clause import EndClause
from engine.constructs.end_partnership import EndPartnership
from engine.constructs.extend_clause import ExtendClause
from engine.constructs.flag import Flag
from engine.constructs.grant_right import GrantRight
from engine.constructs.happened import Happened
from engine.constructs.in_set import InSet
from engine.constructs.measure import MeasureTest
from engine.constructs.partnership_ended import PartnershipEnded
from engine.constructs.record_consent import RecordConsent
from engine.constructs.set_flag import SetFlag
from engine.constructs.set_value import AddToValue, SetValue

CONDITIONS: dict[str, Condition] = {
    c.word: c
    for c in (
        PartnershipEnded(),
        Consent(),
        Happened(),
        ClauseEnded(),
        Flag(),
        InSet(),
        MeasureTest(),
        Compare(),
    )
}
"""State conditions by the word they are written with, in the order messages list them."""

QUESTIONS: dict[str, Condition] = {q: c for c in CONDITIONS.values() for q in c.questions}
"""State conditions by the question their probe asks."""

OPERATIONS: dict[str, Operation] = {
    o.op: o
    for o in (
        EndPartnership(),
        EndClause(),
        ExtendClause(),
        AddToSet(),
        RecordConsent(),
        GrantRight(),
        SetFlag(),
        SetValue(),
        AddToValue(),
    )
}
"""Consequences by name, in the order messages list them."""

CHANGES: dict[str, Operation] = {o.change: o for o in OPERATIONS.values()}
"""Consequences by the change kind they emit."""

TIME_CHANGES: dict[str, tuple[str, ...]] = {
    "deadline_passed": ("norm",),
    "expiry_reached": ("norm",),
    "period_ended": ("period", "index", "label", "start", "end"),
    "term_renewed": ("term", "start", "end"),
    "term_ended": ("term", "end"),
}
"""Changes that time passing emits, with their fields."""

CHANGE_KINDS: dict[str, tuple[str, ...]] = {
    **{o.change: o.change_fields for o in OPERATIONS.values()},
    **TIME_CHANGES,
}
"""Changes of state that norms can listen for: this is how consequences chain forward."""

NUMBER_CHANGE_FIELDS = frozenset(
    {
        ("period_ended", "index"),
        ("term_renewed", "term"),
        ("term_ended", "term"),
        ("value_changed", "to"),
    }
)
"""Fields of changes that are numbers (the others are text; dates as YYYY-MM-DD)."""

__all__ = [
    "CHANGES",
    "CHANGE_KINDS",
    "CONDITIONS",
    "NUMBER_CHANGE_FIELDS",
    "OPERATIONS",
    "QUESTIONS",
    "TIME_CHANGES",
    "Change",
    "Condition",
    "Operation",
    "Site",
]
