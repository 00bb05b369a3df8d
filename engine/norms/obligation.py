"""Obligation: a move the bearer must make (`must`) by a date (`by`) or within days of `when`.

Its deadline is state: started by the contract (`by` without `when`) or by the move in `when`,
met by a move matching `must`, and when it passes unmet the norm is judged on the change
`deadline_passed`, so a missed deadline is a finding like any other, with the same "why not".
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from engine.conditions import FieldTest, Trigger
from engine.model import Norm, NormKind, Severity
from engine.norms.base import NormChecks, NormKindDef
from engine.report import Outcome

if TYPE_CHECKING:
    from engine.evaluate import Evaluator, _Fact, _Run
    from engine.validate import NormSpec


class Obligation(NormKindDef):
    kind = NormKind.obligation
    required = ("must",)
    keys = ("must", "by", "within_days")
    conflict = True
    default_severity: ClassVar[Severity] = Severity.blocking
    summary = "a move the bearer must make by a date; missing it is a conflict"

    def model_problems(self, norm: Norm) -> list[str]:
        found = super().model_problems(norm)
        if found:
            return found
        if (norm.by is None) == (norm.within_days is None):
            return ["an obligation needs exactly one of 'by' (a date) or 'within_days'"]
        if norm.within_days is not None and norm.when is None:
            return ["an obligation with 'within_days' needs 'when' to start its clock"]
        return []

    def trigger(self, norm: Norm, when: Trigger | None) -> Trigger | None:
        return Trigger("change", "deadline_passed", (FieldTest("norm", "eq", norm.id),))

    def listeners(self, norm: Norm, when: Trigger | None, checks: NormChecks) -> dict[str, Trigger]:
        found: dict[str, Trigger] = {}
        if norm.must:
            fulfils = checks.trigger(norm.must, ("must",))
            if fulfils is not None:
                found["fulfil"] = fulfils
        if when is not None:
            found["start"] = when
        return found

    def initial_deadline(self, norm: Norm) -> dt.date | None:
        return norm.by if norm.when is None else None

    def explain(self, spec: NormSpec) -> list[str]:
        n = spec.norm
        lines = []
        if spec.fulfils:
            lines.append(
                f"  met by: {spec.fulfils.describe()}"
                + (f" by {n.by}" if n.by else f" within {n.within_days} days")
            )
        return lines

    # -- evaluation ----------------------------------------------------------------------------
    def react(
        self, role: str, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec
    ) -> list[_Fact]:
        if role == "fulfil":
            return self._fulfil(ev, run, fact, spec)
        if role == "start":
            return self._start(ev, run, fact, spec)
        return []

    def _fulfil(self, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec) -> list[_Fact]:
        n = spec.norm
        pending = run.state.deadlines.pop(n.id, None)
        if pending is None:
            return []
        run.state.fulfilled.add(n.id)
        run.outcomes.append(
            Outcome(
                rule=n.id,
                clause=n.clause,
                move=fact.move,
                status="met",
                reason=f"met: {fact.move_text} on {fact.date}, before the deadline ({pending.due})",
            )
        )
        what = spec.fulfils.describe() if spec.fulfils else n.id
        ev.note(
            run,
            spec,
            fact,
            f"Obligation met before its deadline ({pending.due}): {what}.",
            [f"deadline {n.id} met"],
        )
        return []

    def _start(self, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec) -> list[_Fact]:
        n = spec.norm
        if n.id in run.state.deadlines or n.id in run.state.fulfilled or n.within_days is None:
            return []
        from engine.state import Deadline  # state imports validate, which imports this registry

        due = fact.date + dt.timedelta(days=n.within_days)
        run.state.deadlines[n.id] = Deadline(n.id, due, f"{fact.move_text} on {fact.date}")
        what = spec.fulfils.describe() if spec.fulfils else n.id
        ev.note(
            run, spec, fact, f"A deadline starts: {what} by {due}.", [f"deadline {n.id} due {due}"]
        )
        return []


KIND = Obligation()
