"""A reference evaluator: the engine's semantics in plain Python, written to be obviously right.

It shares only the validated models and the routing index (which norms a fact is tested
against) with the engine: no durable_rules, no compiled rules, no code of the evaluator or of
the state. Differential tests check that the engine and this model
agree on generated contracts and timelines (as Cedar checks its engine against a model), and the
benchmarks use it as the straightforward baseline: every norm's conditions tested in a loop.

`summary(report)` and `reference_summary(...)` give the same comparable shape: the findings, the
outcome of every norm considered, and the state after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from engine.conditions import FieldTest, StateTest, Test, Trigger, date_number
from engine.model import FieldType, NormKind, PerInstance
from engine.norms.obligation import bindings, instances_of
from engine.report import Move, Report
from engine.routing import build_routes
from engine.templates import fill
from engine.validate import ContractSpec, NormSpec

Summary = dict[str, Any]

_CONFLICT_KINDS = (NormKind.prohibition, NormKind.consent, NormKind.obligation)


def _compare(value: Any, op: str, bound: Any) -> bool:
    """A bound test of `must`: a missing value on either side fails, as in durable_rules."""
    if value is None or bound is None:
        return False
    if op == "eq":
        return bool(value == bound)
    if op == "neq":
        return bool(value != bound)
    try:
        if op == "gt":
            return bool(value > bound)
        if op == "gte":
            return bool(value >= bound)
        if op == "lt":
            return bool(value < bound)
        return bool(value <= bound)
    except TypeError:
        return False


def summary(report: Report) -> Summary:
    """What the differential tests compare, taken from an engine report."""
    after = report.state["after"]
    findings = [*report.conflicts, *report.consequences, *report.notices, *report.waived]
    return {
        "findings": sorted(
            (
                f.type,
                f.rule or "",
                -1 if f.move is None else f.move,
                f.date.isoformat(),
                f.severity.value,
                bool(f.waived),
            )
            for f in findings
        ),
        "outcomes": sorted(
            (o.rule, -1 if o.move is None else o.move, o.status) for o in report.outcomes
        ),
        "partnership": after.partnership,
        "clauses": {c: s.status for c, s in after.clauses.items()},
        "consents": sorted(after.consents),
        "sets": after.sets,
        "flags": after.flags,
        "rights": sorted((r.party, r.rule) for r in after.rights),
        "deadlines": sorted((d.rule, d.due.isoformat(), d.accrued) for d in after.deadlines),
    }


@dataclass
class _Due:
    """A pending deadline: one instance of an obligation."""

    norm: str
    due: dt.date
    seq: int
    words: dict[str, Any]
    binds: dict[str, Any]  # field of the starting move -> its value
    accrued: bool = False


@dataclass
class _World:
    partnership: str
    clauses: dict[str, str]
    survives: set[str]
    consents: set[tuple[str, str]]
    happened: set[str]
    sets: dict[str, set[str]]
    flags: set[str]
    rights: list[tuple[str, str, str]]
    deadlines: dict[str, _Due]  # by instance key
    expiries: dict[str, dt.date]
    fulfilled: set[str] = field(default_factory=set)
    started: dict[str, int] = field(default_factory=dict)

    def in_force(self, clause: str) -> bool:
        if self.clauses[clause] == "ended":
            return False
        return self.partnership == "in_force" or clause in self.survives


@dataclass
class _Occurrence:
    """A move or a change of state: something norms may react to."""

    source: str  # "move" or "change"
    kind: str
    values: dict[str, Any]  # dates as YYYYMMDD numbers, as the engine asserts them
    words: dict[str, Any]
    date: dt.date
    move: int | None


def reference_summary(
    spec: ContractSpec,
    moves: list[Move],
    check_date: dt.date,
    waivers: dict[str, str],
    *,
    indexed: bool = True,
) -> Summary:
    """The summary a correct engine gives. `indexed=False` tests every norm of a fact's kind (the
    plain loop the benchmarks compare against): the same findings, but outcomes for more norms."""
    return _Reference(spec, waivers, indexed).run(moves, check_date)


class _Reference:
    def __init__(self, spec: ContractSpec, waivers: dict[str, str], indexed: bool) -> None:
        self.spec = spec
        self.waivers = waivers
        # Which norms a fact is tested against (and so listed in the outcomes) is defined by
        # the routing index; the only thing this model shares with the engine beyond the models.
        self.routes = build_routes(spec.norms) if indexed else None
        self.findings: list[tuple[str, str, int, str, str, bool]] = []
        self.outcomes: list[tuple[str, int, str]] = []
        s = spec.state
        self.world = _World(
            partnership=s.partnership,
            clauses={c: "in_force" for c in spec.clauses},
            survives={c.id for c in spec.clauses.values() if c.survives_termination},
            consents={(c.given_by, c.subject) for c in s.consents},
            happened=set(s.happened),
            sets={k: set(v.members) for k, v in spec.sets.items()},
            flags=set(s.flags),
            rights=[],
            deadlines={
                n.id: _Due(n.id, n.norm.by, 0, {}, {})
                for n in spec.norms
                if n.norm.kind is NormKind.obligation
                and n.norm.by
                and not n.norm.when
                and (
                    s.partnership == "in_force" or spec.clauses[n.norm.clause].survives_termination
                )
            },
            expiries={
                n.id: n.norm.on for n in spec.norms if n.norm.kind is NormKind.expiry and n.norm.on
            },
        )

    # -- the timeline ------------------------------------------------------------------------
    def run(self, moves: list[Move], check_date: dt.date) -> Summary:
        order = sorted(range(len(moves)), key=lambda i: (moves[i].date or check_date, i))
        for index in order:
            day = moves[index].date or check_date
            self.let_time_pass(day)
            self.move(index, moves[index], day)
        self.let_time_pass(check_date)
        w = self.world
        return {
            "findings": sorted(self.findings),
            "outcomes": sorted(self.outcomes),
            "partnership": w.partnership,
            "clauses": {
                c: ("ended" if not w.in_force(c) else w.clauses[c]) for c in sorted(w.clauses)
            },
            "consents": sorted(f"{a} consented to {b}" for a, b in w.consents),
            "sets": {k: sorted(v) for k, v in sorted(w.sets.items())},
            "flags": sorted(w.flags),
            "rights": sorted((party, norm) for party, _, norm in w.rights),
            "deadlines": sorted(
                (d.norm, d.due.isoformat(), d.accrued) for d in w.deadlines.values()
            ),
        }

    def let_time_pass(self, day: dt.date) -> None:
        while True:
            due = sorted(
                [
                    (d.due, "deadline_passed", d.norm, d.seq, k)
                    for k, d in self.world.deadlines.items()
                    if d.due < day
                ]
                + [
                    (d, "expiry_reached", n, 0, n)
                    for n, d in self.world.expiries.items()
                    if d < day
                ]
            )
            if not due:
                return
            last, kind, norm, _, key = due[0]
            values: dict[str, Any] = {"kind": kind, "norm": norm}
            words = dict(values)
            if kind == "deadline_passed":
                pending = self.world.deadlines.pop(key)
                if pending.accrued:
                    values["accrued"] = 1
                words = {**pending.words, **words, "due": pending.due.isoformat()}
            else:
                self.world.expiries.pop(norm)
            change = _Occurrence("change", kind, values, words, last + dt.timedelta(days=1), None)
            self.chain([change])

    def move(self, index: int, move: Move, day: dt.date) -> None:
        kind = self.spec.event_kinds[move.kind]
        words = {"kind": move.kind, "actor": move.actor, **move.fields}
        values = {
            k: date_number(dt.date.fromisoformat(str(v)))
            if k in kind.kind.fields and kind.kind.fields[k].type is FieldType.date
            else v
            for k, v in words.items()
        }
        if not self.covered(move.kind):
            self.findings.append(("notice", "", index, day.isoformat(), "info", False))
        occurrence = _Occurrence("move", move.kind, values, words, day, index)
        follow = self.react(occurrence)
        self.world.happened.add(move.kind)
        changes = []
        for effect in kind.effects:
            args = {k: fill(v, words) for k, v in effect.args}
            changes += [
                self.change(c, occurrence) for c in self.apply(effect.op, args, "", occurrence)
            ]
        self.chain(changes + follow)

    def chain(self, queue: list[_Occurrence]) -> None:
        while queue:
            queue = queue[1:] + self.react(queue[0])

    def change(self, values: dict[str, Any], cause: _Occurrence) -> _Occurrence:
        return _Occurrence("change", values["kind"], values, values, cause.date, cause.move)

    # -- norms -------------------------------------------------------------------------------
    def react(self, occ: _Occurrence) -> list[_Occurrence]:
        """Every norm is tested against a snapshot of the world, then the applying ones act."""
        judged = []
        route = self.routes.get(f"{occ.source}:{occ.kind}") if self.routes is not None else None
        reached = route.norms_for(occ.values) if route is not None else ()
        for index, norm in enumerate(self.spec.norms):
            if self.listens(norm.trigger, occ) and (self.routes is None or index in reached):
                judged.append((norm, self.judge(norm, occ)))
        extras = []
        for norm in self.spec.norms:
            if norm.norm.kind is not NormKind.obligation:
                continue
            if (
                norm.fulfils
                and self.listens(norm.fulfils, occ)
                and self.all_hold(norm.fulfils.tests, occ)
            ):
                extras.append(("fulfil", norm, ""))
            if (
                norm.starts
                and self.listens(norm.starts, occ)
                and self.all_hold(norm.starts.tests, occ)
            ):
                n = norm.norm
                if not self.world.in_force(n.clause):
                    extras.append(("not_started", norm, "clause_ended"))
                elif (n.valid_from and occ.date < n.valid_from) or (
                    n.valid_until and occ.date > n.valid_until
                ):
                    extras.append(("not_started", norm, "out_of_window"))
                else:
                    extras.append(("start", norm, ""))
        follow: list[_Occurrence] = []
        move = -1 if occ.move is None else occ.move
        for norm, status in judged:
            self.outcomes.append((norm.id, move, status))
            if status in ("applied", "waived"):
                follow += self.fire(norm, occ, waived=status == "waived")
        for what, norm, status in sorted(extras, key=lambda e: self.spec.norms.index(e[1])):
            if what == "fulfil":
                self.fulfil(norm, occ)
            elif what == "start":
                self.start(norm, occ, None)
            else:
                self.outcomes.append((norm.id, move, status))
        return follow

    def fulfil(self, norm: NormSpec, occ: _Occurrence) -> None:
        """The earliest pending deadline of the norm this move binds to is met."""
        bound = bindings(norm)
        pending = sorted(
            ((d.due, d.seq, k) for k, d in self.world.deadlines.items() if d.norm == norm.id)
        )
        for _, _, key in pending:
            due = self.world.deadlines[key]
            if all(_compare(occ.values.get(t.field), t.op, due.binds.get(t.source)) for t in bound):
                break
        else:
            return
        del self.world.deadlines[key]
        self.world.fulfilled.add(key)
        move = -1 if occ.move is None else occ.move
        self.findings.append(("consequence", norm.id, move, occ.date.isoformat(), "info", False))
        self.outcomes.append((norm.id, move, "met"))
        if norm.norm.restart == "on_fulfil":
            self.start(norm, occ, (key, due))

    def start(self, norm: NormSpec, occ: _Occurrence, after: tuple[str, _Due] | None) -> None:
        n = norm.norm
        w = self.world
        seq = w.started.get(n.id, 0) + 1
        if after is not None:
            key, words, binds = after[0], after[1].words, after[1].binds
        else:
            how = instances_of(n)
            if how == "once":
                key = n.id
                if key in w.deadlines or key in w.fulfilled:
                    return
            elif how == "each":
                key = f"{n.id}#{seq}"
            else:
                assert isinstance(how, PerInstance)
                key = f"{n.id}[{how.per}={occ.words.get(how.per)}]"
                if key in w.deadlines:
                    return
            words = dict(occ.words)
            binds = {
                t.source: occ.values[t.source] for t in bindings(norm) if t.source in occ.values
            }
        due = n.by if n.by is not None else occ.date + dt.timedelta(days=n.within_days or 0)
        w.started[n.id] = seq
        w.deadlines[key] = _Due(n.id, due, seq, words, binds)
        move = -1 if occ.move is None else occ.move
        self.findings.append(("consequence", n.id, move, occ.date.isoformat(), "info", False))

    @staticmethod
    def listens(trigger: Trigger, occ: _Occurrence) -> bool:
        return (trigger.source, trigger.kind) == (occ.source, occ.kind)

    def judge(self, norm: NormSpec, occ: _Occurrence) -> str:
        if not self.all_hold((*norm.trigger.tests, *norm.requires), occ):
            return "not_triggered"
        n = norm.norm
        accrued = n.kind is NormKind.obligation and occ.values.get("accrued") == 1
        if not self.world.in_force(n.clause) and not accrued:
            return "clause_ended"
        tested_here = n.kind is not NormKind.obligation or n.when is None
        if tested_here and (
            (n.valid_from and occ.date < n.valid_from)
            or (n.valid_until and occ.date > n.valid_until)
        ):
            return "out_of_window"
        if any(self.holds(e, occ) for e in norm.exceptions):
            return "defeated"
        return "waived" if n.id in self.waivers else "applied"

    def all_hold(self, tests: tuple[Test, ...], occ: _Occurrence) -> bool:
        return all(self.holds(t, occ) for t in tests)

    def holds(self, test: Test, occ: _Occurrence) -> bool:
        if isinstance(test, FieldTest):
            if test.field not in occ.values:
                return False  # a missing field fails every test, as in durable_rules
            value = occ.values[test.field]
            op, wanted = test.op, test.value
            if op == "eq":
                return bool(value == wanted)
            if op == "neq":
                return bool(value != wanted)
            if op == "in":
                return value in wanted
            if op == "not_in":
                return value not in wanted
            if op == "gt":
                return bool(value > wanted)
            if op == "gte":
                return bool(value >= wanted)
            if op == "lt":
                return bool(value < wanted)
            return bool(value <= wanted)
        return self.answer(test, occ)

    def answer(self, test: StateTest, occ: _Occurrence) -> bool:
        w, q, a = self.world, test.question, test.args
        if q == "partnership_ended":
            return w.partnership == "ended"
        if q == "consent":
            return (a[0], a[1]) in w.consents
        if q == "happened":
            return a[0] in w.happened
        if q == "clause_ended":
            return not w.in_force(a[0])
        if q == "flag":
            return a[0] in w.flags
        inside = occ.values.get(a[1]) in w.sets.get(a[0], set())
        return inside if q == "in_set" else not inside

    def fire(self, norm: NormSpec, occ: _Occurrence, waived: bool) -> list[_Occurrence]:
        n = norm.norm
        conflict = n.kind in _CONFLICT_KINDS
        move = -1 if occ.move is None else occ.move
        self.findings.append(
            (
                "conflict" if conflict else "consequence",
                n.id,
                move,
                occ.date.isoformat(),
                n.effective_severity.value,
                waived,
            )
        )
        if waived:
            return []
        if conflict and self.world.in_force(n.clause):
            self.world.clauses[n.clause] = "violated"
        todo: list[tuple[str, dict[str, Any]]] = []
        if n.kind is NormKind.entitlement and n.beneficiary and n.grants:
            todo.append(("grant_right", {"to": n.beneficiary, "right": fill(n.grants, occ.words)}))
        todo += [(c.op, {k: fill(v, occ.words) for k, v in c.args}) for c in norm.consequences]
        changes = []
        for op, args in todo:
            changes += [self.change(c, occ) for c in self.apply(op, args, n.id, occ)]
        return changes

    # -- the world changing ---------------------------------------------------------------------
    def apply(
        self, op: str, args: dict[str, Any], norm: str, occ: _Occurrence
    ) -> list[dict[str, Any]]:
        w = self.world
        if op in ("end_partnership", "end_clause"):
            before = {c for c in w.clauses if w.in_force(c)}
            changes = []
            if op == "end_partnership" and w.partnership != "ended":
                w.partnership = "ended"
                changes.append({"kind": "partnership_ended"})
            if op == "end_clause":
                w.clauses[args["clause"]] = "ended"
            ended = [c for c in w.clauses if c in before and not w.in_force(c)]
            self.duties_of_ended(set(ended), occ)
            return changes + [{"kind": "clause_ended", "clause": c} for c in ended]
        if op == "extend_clause":
            until = args.get("until")
            for expiry in [n for n in self.spec.norms if n.norm.kind is NormKind.expiry]:
                if expiry.norm.clause == args["clause"] and expiry.id in w.expiries:
                    if until:
                        w.expiries[expiry.id] = dt.date.fromisoformat(until)
                    else:
                        del w.expiries[expiry.id]
            return [{"kind": "clause_extended", "clause": args["clause"]}]
        if op == "add_to_set":
            members = w.sets.setdefault(args["set"], set())
            if args["entity"] in members:
                return []
            members.add(args["entity"])
            return [{"kind": "set_joined", "set": args["set"], "entity": args["entity"]}]
        if op == "record_consent":
            if (args["from"], args["for"]) in w.consents:
                return []
            w.consents.add((args["from"], args["for"]))
            return [{"kind": "consent_recorded", "from": args["from"], "for": args["for"]}]
        if op == "grant_right":
            if any((p, r) == (args["to"], args["right"]) for p, r, _ in w.rights):
                return []
            w.rights.append((args["to"], args["right"], norm))
            return [{"kind": "right_granted", "to": args["to"], "right": args["right"]}]
        if op == "set_flag":
            if args["flag"] in w.flags:
                return []
            w.flags.add(args["flag"])
            return [{"kind": "flag_set", "flag": args["flag"]}]
        raise ValueError(op)

    def duties_of_ended(self, ended: set[str], occ: _Occurrence) -> None:
        """Pending deadlines of clauses that just ended survive as accrued duties, or lapse."""
        lapse = self.spec.contract.contract.accrued_duties == "lapse"
        clause_of = {n.id: n.norm.clause for n in self.spec.norms}
        move = -1 if occ.move is None else occ.move
        for key, due in sorted(
            self.world.deadlines.items(), key=lambda kd: (kd[1].due, kd[1].norm, kd[1].seq)
        ):
            if clause_of[due.norm] not in ended or due.accrued:
                continue
            if lapse:
                del self.world.deadlines[key]
            else:
                due.accrued = True
            self.findings.append(
                ("consequence", due.norm, move, occ.date.isoformat(), "info", False)
            )

    def covered(self, kind: str) -> bool:
        """A move kind some norm can react to, directly, through its effects, or later."""
        routes = {
            (t.source, t.kind)
            for n in self.spec.norms
            for t in (n.trigger, n.fulfils, n.starts)
            if t is not None
        }
        if ("move", kind) in routes:
            return True
        questions = {
            t.question
            for n in self.spec.norms
            for t in (*n.trigger.tests, *n.requires, *n.exceptions)
            if isinstance(t, StateTest)
        }
        if any(
            t.question == "happened" and t.args[0] == kind
            for n in self.spec.norms
            for t in (*n.trigger.tests, *n.requires, *n.exceptions)
            if isinstance(t, StateTest)
        ):
            return True
        change_of = {
            "end_partnership": "partnership_ended",
            "end_clause": "clause_ended",
            "extend_clause": "clause_extended",
            "add_to_set": "set_joined",
            "record_consent": "consent_recorded",
            "grant_right": "right_granted",
            "set_flag": "flag_set",
        }
        read_by = {
            "record_consent": {"consent"},
            "add_to_set": {"in_set", "not_in_set"},
            "set_flag": {"flag"},
            "end_clause": {"clause_ended"},
            "end_partnership": {"partnership_ended", "clause_ended"},
        }
        return any(
            ("change", change_of[e.op]) in routes or questions & read_by.get(e.op, set())
            for e in self.spec.event_kinds[kind].effects
        )
