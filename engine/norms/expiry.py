"""Expiry: the norm's clause stops after a date (`on`, its last day in force)."""

from __future__ import annotations

import datetime as dt

from engine.conditions import Consequence, FieldTest, Trigger
from engine.model import Norm, NormKind
from engine.norms.base import NormChecks, NormKindDef


class Expiry(NormKindDef):
    kind = NormKind.expiry
    required = ("on",)
    keys = ("on",)
    summary = "the clause stops after the date `on` (its last day in force)"

    def check_refs(self, norm: Norm, checks: NormChecks) -> None:
        if norm.when is not None:
            checks.problem(("when",), "an expiry fires on its date ('on'), not on a move")

    def trigger(self, norm: Norm, when: Trigger | None) -> Trigger | None:
        return Trigger("change", "expiry_reached", (FieldTest("norm", "eq", norm.id),))

    def consequences(self, norm: Norm, declared: list[Consequence]) -> list[Consequence]:
        return [Consequence("end_clause", (("clause", norm.clause),)), *declared]

    def initial_expiry(self, norm: Norm) -> dt.date | None:
        return norm.on


KIND = Expiry()
