"""Maintenance: a state the bearer must keep (`keep: [conditions]`), such as insurance cover.

It needs no move of its own: after every move and every passing of time (a deadline, a period,
a notice) the engine asserts a `state_checked` fact, and the norm is broken when its conditions
held before and one no longer holds (one finding per lapse, not one per move while it lasts).
durable_rules decides it: each condition is an exception of the norm (it fires unless they all
hold), and whether they held at the last check is a field of the fact (`kept_<norm id>`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from engine.conditions import FieldTest, StateTest, Trigger
from engine.model import Norm, NormKind, Severity
from engine.norms.base import NormChecks, NormKindDef

CHECKED = "state_checked"


def kept_field(norm_id: str) -> str:
    return f"kept_{norm_id}"


class Maintenance(NormKindDef):
    kind = NormKind.maintenance
    required = ("keep",)
    keys = ("keep",)
    conflict = True
    default_severity: ClassVar[Severity] = Severity.blocking
    summary = "a state the bearer must keep; a move or time after which it lapses breaks it"

    def check_refs(self, norm: Norm, checks: NormChecks) -> None:
        if norm.when is not None:
            checks.problem(
                ("when",), "a maintenance norm is checked after every move and time; drop 'when'"
            )

    def trigger(self, norm: Norm, when: Trigger | None) -> Trigger | None:
        return Trigger("change", CHECKED, (FieldTest(kept_field(norm.id), "eq", 1),))

    def listeners(
        self, norm: Norm, when: Trigger | None, checks: NormChecks, data: dict[str, Any]
    ) -> dict[str, Trigger]:
        keep = norm.keep if isinstance(norm.keep, list) else [norm.keep]
        tests = [
            checks.state_test(c, ("keep", i) if isinstance(norm.keep, list) else ("keep",))
            for i, c in enumerate(keep)
        ]
        data["keep"] = tuple(t for t in tests if t is not None)
        return {}

    def exceptions(self, norm: Norm, trigger: Trigger, data: dict[str, Any]) -> list[StateTest]:
        return list(data.get("keep", ()))  # it fires unless they all hold


KIND = Maintenance()
