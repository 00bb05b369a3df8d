"""Obligation: a move the bearer must make (`must`) by a date (`by`) or within days of `when`.

Its deadlines are state. The contract starts one (`by` without `when`); otherwise each move
matching `when` starts one (`instances: each`, the default), or one while none is open
(`once`), or one per value of a field (`{per: field}`). A move matching `must` meets the
earliest open deadline, or, when `must` binds fields of the starting move, every open deadline
whose bound tests it passes; `restart: on_fulfil` starts the next deadline from it.
A deadline that passes unmet is the change `deadline_passed`, on which the norm is judged like
any other, so a missed deadline has the same "why" and "why not". `from`/`until` are tested on
the move that starts a deadline, and a deadline starts only while the norm's clause is in force.
When the clause or the partnership ends, a pending deadline survives as an accrued duty (still
judged when it passes) or lapses, as the contract's `accrued_duties` says.

`must` may bind fields of the move that meets it to fields of the move that started the
deadline (`customer: "{customer}"`, `discount: {gte: "{discount}"}`): durable_rules tests each
open deadline's bound values (`$m` references within one fact) in a ruleset of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from engine.conditions import OP_WORDS, FieldTest, StateTest, Trigger
from engine.model import Norm, NormKind, PerInstance, Severity
from engine.norms.base import NormChecks, NormKindDef
from engine.report import Outcome, Status, trusted
from engine.templates import HOLE

if TYPE_CHECKING:
    from engine.evaluate import Evaluator, _Fact, _Run
    from engine.state import Deadline
    from engine.validate import NormSpec

ACCRUED_FIELD = "accrued"  # set to 1 on the deadline_passed fact of an accrued duty
_BOUND_OPS = {"not": "neq", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}


@dataclass(frozen=True)
class BoundTest:
    """A field of the move that meets an obligation, tested against a field of the move that
    started its deadline: durable_rules compares the two within one fact."""

    field: str  # of the move in `must`
    op: str  # eq, neq, gt, gte, lt, lte
    source: str  # of the move in `when`

    @property
    def slot(self) -> str:
        return "b__" + self.source

    def to_durable(self) -> dict[str, Any]:
        ref = {"$m": self.slot}
        test = {self.field: ref} if self.op == "eq" else {f"${self.op}": {self.field: ref}}
        return {"$and": [{"$ex": {self.slot: 1}}, test]}  # an unbound slot never matches

    def describe(self, value: Any = None) -> str:
        if value is None:
            return f"{self.field} {OP_WORDS[self.op]} the {self.source} of the move that started it"
        return f"{self.field} {OP_WORDS[self.op]} {value}"


def what_meets(spec: NormSpec, words: dict[str, Any] | None = None) -> str:
    """The move that meets the norm's deadline, with bound values filled in when known."""
    if spec.fulfils is None:
        return spec.norm.id
    tests = [spec.fulfils.describe()]
    for bound in bindings(spec):
        value = None if words is None else words.get(bound.source)
        if words is not None and value is None:
            continue
        tests.append(bound.describe(value))
    return " and ".join(tests) if " where " in tests[0] else _joined(tests)


def _joined(tests: list[str]) -> str:
    return tests[0] + (" where " + " and ".join(tests[1:]) if len(tests) > 1 else "")


def instances_of(norm: Norm) -> str | PerInstance:
    """How many deadlines the norm keeps open: `each` by default when a move starts them."""
    if norm.instances is not None:
        return norm.instances
    return "each" if norm.when is not None else "once"


def bindings(spec: NormSpec) -> tuple[BoundTest, ...]:
    """The fields of `must` bound to the move that started the deadline."""
    found: tuple[BoundTest, ...] = spec.datum("bindings") or ()
    return found


class Obligation(NormKindDef):
    kind = NormKind.obligation
    required = ("must",)
    keys = ("must", "by", "within_days", "instances", "restart", "shares_move")
    conflict = True
    default_severity: ClassVar[Severity] = Severity.blocking
    summary = "a move the bearer must make by a date; missing it is a conflict"
    roles: ClassVar[tuple[str, ...]] = ("fulfil", "start", "start_ended", "start_window")

    def model_problems(self, norm: Norm) -> list[str]:
        found = super().model_problems(norm)
        if found:
            return found
        if (norm.by is None) == (norm.within_days is None):
            return ["an obligation needs exactly one of 'by' (a date) or 'within_days'"]
        if norm.within_days is not None and norm.when is None:
            return ["an obligation with 'within_days' needs 'when' to start its clock"]
        if norm.instances is not None and norm.when is None:
            return ["'instances' needs 'when': without it the contract starts one deadline"]
        if norm.restart is not None and norm.within_days is None:
            return [
                "'restart: on_fulfil' needs 'within_days': the next deadline runs from the move that met the last"
            ]
        return []

    def trigger(self, norm: Norm, when: Trigger | None) -> Trigger | None:
        return Trigger("change", "deadline_passed", (FieldTest("norm", "eq", norm.id),))

    def listeners(
        self, norm: Norm, when: Trigger | None, checks: NormChecks, data: dict[str, Any]
    ) -> dict[str, Trigger]:
        found: dict[str, Trigger] = {}
        start_fields = checks.fields_of(when) if when is not None else set()
        how = instances_of(norm)
        if isinstance(how, PerInstance) and when is not None and how.per not in start_fields:
            checks.problem(
                ("instances", "per"),
                f"'{how.per}' is not a field of the move in 'when' ({when.kind}); fields: {', '.join(sorted(start_fields))}",
            )
        if norm.must:
            static: dict[str, Any] = {}
            bound: list[BoundTest] = []
            for name, cond in norm.must.items():
                test = _bound(name, cond)
                if test is None:
                    static[name] = cond
                    continue
                if when is None:
                    checks.problem(
                        ("must", name),
                        f"'{name}' names '{{{test.source}}}', a field of the move that starts the deadline, but nothing starts it: add 'when'",
                    )
                elif test.source not in start_fields:
                    checks.problem(
                        ("must", name),
                        f"'{{{test.source}}}' is not a field of the move in 'when' ({when.kind}); fields: {', '.join(sorted(start_fields))}",
                    )
                bound.append(test)
            fulfils = checks.trigger(static, ("must",))
            if fulfils is not None:
                found["fulfil"] = fulfils
                must_fields = checks.fields_of(fulfils)
                for test in bound:
                    if test.field not in must_fields:
                        checks.problem(
                            ("must", test.field),
                            f"'{test.field}' is not a field of {fulfils.kind}; fields: {', '.join(sorted(must_fields))}",
                        )
                if (
                    isinstance(how, PerInstance)
                    and how.per in must_fields
                    and how.per not in norm.must
                ):
                    bound.append(BoundTest(how.per, "eq", how.per))  # meets its own value's
            if bound:
                data["bindings"] = tuple(bound)
        if when is not None:
            found["start"] = when
        return found

    def template_fields(self, norm: Norm, fields: set[str], start_fields: set[str]) -> set[str]:
        # a missed deadline's message may name the fields of the move that started it
        return fields | {"due"} | start_fields

    def window_on_trigger(self, norm: Norm) -> bool:
        return norm.when is None  # otherwise tested on the move that starts the deadline

    def ended_json(
        self, norm: Norm, ended: dict[str, Any], in_force: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        accrued = {ACCRUED_FIELD: 1}
        return (
            {"$and": [ended, {"$nex": accrued}]},  # only an accrued duty's fact has the field
            {"$or": [in_force, accrued]},
        )

    def compile_listener(
        self, spec: NormSpec, role: str, conditions: list[dict[str, Any]]
    ) -> list[tuple[str, list[dict[str, Any]]]]:
        if role != "start":
            return [(role, conditions)]
        from engine.compile import window_json  # the compiler imports this registry

        clause = StateTest("clause_ended", (spec.norm.clause,), f"clause {spec.norm.clause} ended")
        inside, outside = window_json(spec)
        rules = [
            ("start", [*conditions, inside or {}, clause.to_durable(holds=False)]),
            ("start_ended", [*conditions, clause.to_durable()]),
        ]
        if outside is not None:
            rules.append(("start_window", [*conditions, outside, clause.to_durable(holds=False)]))
        return rules

    def extra_rulesets(self, spec: NormSpec) -> list[tuple[str, str, list[dict[str, Any]]]]:
        bound = bindings(spec)
        if not bound:
            return []
        return [(bind_route(spec), "bound", [t.to_durable() for t in bound])]

    def initial_deadline(self, norm: Norm) -> dt.date | None:
        return norm.by if norm.when is None else None

    def explain(self, spec: NormSpec) -> list[tuple[str, str]]:
        n = spec.norm
        lines: list[tuple[str, str]] = []
        due = f"by {n.by}" if n.by else f"within {n.within_days} days"
        if spec.starts:
            how = instances_of(n)
            each = {
                "each": "each such move starts its own deadline",
                "once": "one deadline at a time; none once it is met",
            }
            lines.append(("starts on", f"{spec.starts.describe()} ({due} of it)"))
            lines.append(
                (
                    "instances",
                    f"one open deadline per value of {how.per}"
                    if isinstance(how, PerInstance)
                    else each[how],
                )
            )
            if spec.window_from or spec.window_until:
                lines.append(("window", "tested on the move that starts the deadline"))
        else:
            lines.append(("starts", f"with the contract, due {n.by}"))
        if spec.fulfils:
            lines.append(("met by", f"{what_meets(spec)} {due}"))
        if n.restart:
            lines.append(
                ("restart", f"meeting it starts the next deadline, {n.within_days} days on")
            )
        if n.shares_move:
            lines.append(("shares move", "a move that meets another obligation meets it too"))
        return lines

    # -- evaluation ----------------------------------------------------------------------------
    def react(
        self, role: str, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec
    ) -> list[_Fact]:
        if role == "fulfil":
            self._fulfil(ev, run, fact, spec)
        elif role == "start":
            self._start(ev, run, fact, spec, None)
        elif role in ("start_ended", "start_window"):
            self._not_started(run, fact, spec, role)
        return []

    def _not_started(self, run: _Run, fact: _Fact, spec: NormSpec, role: str) -> None:
        n = spec.norm
        status: Status
        if role == "start_ended":
            reason = (
                f"not started: clause {n.clause} is no longer in force: "
                + run.state.why_clause_ended(n.clause)
            )
            status = "clause_ended"
        else:
            from engine.evaluate import _window

            reason = f"not started on {fact.date}: {_window(spec)}"
            status = "out_of_window"
        run.outcomes.append(
            Outcome(rule=n.id, clause=n.clause, move=fact.move, status=status, reason=reason)
        )

    def meetable(self, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec) -> list[Deadline]:
        """The open deadlines of the norm that the move `fact` meets, earliest due first."""
        n = spec.norm
        open_ = sorted(
            (d for d in run.state.deadlines.values() if d.norm == n.id),
            key=lambda d: (d.due, d.seq, d.key),
        )
        bound = bindings(spec)
        # bound to the starting move: every open deadline it satisfies (an MFN discount of 15%
        # meets the 10% and the 15% duties); bound to nothing: one move, one deadline
        satisfied = [
            d for d in open_ if not bound or ev.bound_holds(run, bind_route(spec), fact, d.binds)
        ]
        return satisfied if bound else satisfied[:1]

    def _fulfil(self, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec) -> None:
        for index, met in enumerate(self.meetable(ev, run, fact, spec)):
            self._met(ev, run, fact, spec, met, restart=index == 0)

    def not_met(
        self, ev: Evaluator, run: _Run, fact: _Fact, specs: list[tuple[int, NormSpec]]
    ) -> set[int]:
        """A move meets the deadlines of one obligation only: of the norms (by index) whose
        `must` it matches, the one whose deadline it could meet falls due first (the earlier
        declared on a tie); those with `shares_move: true` are met whatever others it meets.
        The indices of the norms it does not meet, each with its "why not" in the report."""
        candidates = []
        for index, spec in specs:
            if spec.norm.shares_move:
                continue
            meets = self.meetable(ev, run, fact, spec)
            if meets:
                candidates.append((meets[0].due, index, spec))
        if len(candidates) < 2:
            return set()
        first = min(candidates, key=lambda c: c[:2])
        for _, _, spec in candidates:
            if spec is not first[2]:
                run.outcomes.append(
                    Outcome(
                        rule=spec.id,
                        clause=spec.norm.clause,
                        move=fact.move,
                        status="not_triggered",
                        reason=f"not met: this move met the deadline of {first[2].id} (due "
                        f"{first[0]}), and a move meets one obligation's deadline unless the "
                        "obligation says shares_move: true",
                    )
                )
        return {index for _, index, _ in candidates if index != first[1]}

    def _met(
        self, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec, met: Deadline, restart: bool
    ) -> None:
        n = spec.norm
        state = run.state
        del state.deadlines[met.key]
        state.fulfilled.add(met.key)
        run.outcomes.append(
            trusted(  # the engine's own values, in field order: no validation needed
                Outcome,
                {
                    "rule": n.id,
                    "clause": n.clause,
                    "move": fact.move,
                    "status": "met",
                    "reason": f"met: {fact.move_text} on {fact.date}, before the deadline ({met.due})",
                },
            )
        )
        what = what_meets(spec, _labelled(run, met.words))
        ev.note(
            run,
            spec,
            fact,
            f"Obligation met before its deadline ({met.due}): {what}.",
            [f"deadline {n.id} met"],
        )
        if n.restart == "on_fulfil" and restart:
            self._start(ev, run, fact, spec, met)

    def _start(
        self, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec, after: Deadline | None
    ) -> None:
        from engine.state import Deadline  # state imports validate, which imports this registry

        n = spec.norm
        state = run.state
        how = instances_of(n)
        seq = state.started.get(n.id, 0) + 1
        instance = None
        if after is not None:  # restarted by the move that met the last deadline
            key, words, binds, instance = after.key, after.words, after.binds, after.instance
        else:
            if how == "once":
                key = n.id
                if key in state.deadlines or key in state.fulfilled:
                    return
            elif how == "each":
                key = f"{n.id}#{seq}"
            else:
                assert isinstance(how, PerInstance)
                value = fact.template_values.get(how.per)
                instance = f"{how.per}={value}"
                key = f"{n.id}[{instance}]"
                if key in state.deadlines:
                    return
            words = tuple(sorted((k, v) for k, v in fact.template_values.items()))
            binds = tuple(
                sorted(
                    (t.slot, fact.values[t.source])
                    for t in bindings(spec)
                    if t.source in fact.values
                )
            )
        due = n.by if n.by is not None else fact.date + dt.timedelta(days=n.within_days or 0)
        state.started[n.id] = seq
        state.deadlines[key] = Deadline(
            n.id, due, f"{fact.move_text} on {fact.date}", key, seq, words, binds, False, instance
        )
        what = what_meets(spec, _labelled(run, words))
        again = "starts again" if after is not None else "starts"
        ev.note(
            run,
            spec,
            fact,
            f"A deadline {again}: {what} by {due}.",
            [f"deadline {n.id} due {due}"],
        )


def _labelled(run: _Run, words: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return {k: run.labels.get(v, v) if isinstance(v, str) else v for k, v in words}


def bind_route(spec: NormSpec) -> str:
    return f"bind:{spec.norm.id}"


def passed_values(deadline: Deadline) -> dict[str, Any]:
    """The deadline_passed fact of a deadline, as durable_rules sees it."""
    values: dict[str, Any] = {"kind": "deadline_passed", "norm": deadline.norm}
    if deadline.accrued:
        values[ACCRUED_FIELD] = 1
    return values


def passed_words(deadline: Deadline) -> dict[str, Any]:
    """What a missed deadline's message may name: the starting move's fields and the due date."""
    return {
        **dict(deadline.words),
        "kind": "deadline_passed",
        "norm": deadline.norm,
        "due": deadline.due.isoformat(),
    }


def _bound(name: str, cond: Any) -> BoundTest | None:
    """`customer: "{customer}"` or `discount: {gte: "{discount}"}`: a binding, else None."""
    if isinstance(cond, str) and (m := HOLE.fullmatch(cond)):
        return BoundTest(name, "eq", m.group(1))
    if isinstance(cond, dict) and len(cond) == 1:
        ((op, operand),) = cond.items()
        if op in _BOUND_OPS and isinstance(operand, str) and (m := HOLE.fullmatch(operand)):
            return BoundTest(name, _BOUND_OPS[op], m.group(1))
    return None


KIND = Obligation()

__all__ = ["ACCRUED_FIELD", "KIND", "BoundTest", "Obligation", "bindings"]
