"""A reference evaluator: the engine's semantics in plain Python, written to be obviously right.

It shares only the validated models, the routing index (which norms a fact is tested against)
and the constructs' registry with the engine: no durable_rules, no compiled rules, no code of the
evaluator or of the state. Each construct module holds two semantics side by side: `answer` /
`apply` on the engine's `State`, and `reference` on this module's plain `World`. Differential tests check that the engine and this model
agree on generated contracts and timelines (as Cedar checks its engine against a model), and the
benchmarks use it as the straightforward baseline: every norm's conditions tested in a loop.

`summary(report)` and `reference_summary(...)` give the same comparable shape: the findings, the
outcome of every norm considered, and the state after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from engine import periods
from engine.conditions import FieldTest, StateTest, Test, Trigger, date_number
from engine.constructs import OPERATIONS, QUESTIONS, consent
from engine.measures import Measure
from engine.model import FieldType, NormKind, PerInstance
from engine.norms.obligation import bindings, instances_of
from engine.periods import Duration, Period, TermClock
from engine.report import Move, Report
from engine.routing import build_routes
from engine.templates import fill
from engine.validate import ContractSpec, NormSpec

Summary = dict[str, Any]

_CONFLICT_KINDS = (
    NormKind.prohibition,
    NormKind.consent,
    NormKind.obligation,
    NormKind.maintenance,
)


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


def _outside(norm: NormSpec, day: dt.date) -> bool:
    """Before the norm's `from` or the contract's effective date, or after its `until`."""
    n, effective = norm.norm, norm.effective
    start = max([d for d in (n.valid_from, effective) if d is not None], default=None)
    return bool((start and day < start) or (n.valid_until and day > n.valid_until))


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
        "terminations": sorted((t.split(":")[0], t[-10:]) for t in after.terminations),
        "values": after.values,
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
class World:
    partnership: str
    clauses: dict[str, str]
    survives: set[str]
    consents: set[tuple[str, str]]
    keyed: set[tuple[str, str, str]]
    once: set[tuple[str, str, str | None]]
    happened: set[str]
    sets: dict[str, set[str]]
    flags: set[str]
    rights: list[tuple[str, str, str]]
    deadlines: dict[str, _Due]  # by instance key
    expiries: dict[str, dt.date]
    expiry_clauses: dict[str, str]  # expiry norm -> the clause it ends
    fulfilled: set[str] = field(default_factory=set)
    started: dict[str, int] = field(default_factory=dict)
    notices: dict[str, dt.date] = field(default_factory=dict)  # termination -> effective date
    kept: dict[str, bool] = field(default_factory=dict)  # maintenance -> held at last check
    periods: dict[str, Period] = field(default_factory=dict)
    period_start: dt.date | None = None
    term: TermClock | None = None
    measures: dict[str, Measure] = field(default_factory=dict)
    # every move each measure counts: (measure id, date, fields, term index), scanned in full
    log: list[tuple[str, dt.date, dict[str, Any], int]] = field(default_factory=list)
    as_of: dt.date = dt.date.min
    values: dict[str, float] = field(default_factory=dict)
    today: dt.date = dt.date.min
    tails: dict[str, Duration] = field(default_factory=dict)
    tail_until: dict[str, dt.date] = field(default_factory=dict)

    def all_consents(self) -> set[tuple[str, str, str | None]]:
        return {(a, b, None) for a, b in self.consents} | set(self.keyed)

    def in_force(self, clause: str) -> bool:
        if self.clauses[clause] == "ended":
            return False
        return (
            self.partnership == "in_force" or clause in self.survives or clause in self.tail_until
        )


def w_term_open(world: World) -> bool:
    """A term is running and no notice of non-renewal has been given in it yet."""
    return world.term is not None and world.term.notice is None


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
        self.consent_fields = consent.keyed_fields(
            t for n in spec.norms for t in (*n.trigger.tests, *n.requires, *n.exceptions)
        )
        self.outcomes: list[tuple[str, int, str]] = []
        s = spec.state
        self.world = World(
            partnership=s.partnership,
            clauses={c: "in_force" for c in spec.clauses},
            survives={c.id for c in spec.clauses.values() if c.survives_termination},
            consents={(c.given_by, c.subject) for c in s.consents},
            keyed=set(),
            once=set(),
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
            expiry_clauses={
                n.id: n.norm.clause for n in spec.norms if n.norm.kind is NormKind.expiry
            },
        )
        self.world.measures = {m.id: m for m in spec.contract.measures}
        self.world.values = {v.id: v.initial for v in spec.contract.values}
        self.world.tails = {c.id: c.survives for c in spec.clauses.values() if c.survives}
        header = spec.contract.contract
        start = periods.contract_start(header)
        if start is not None:
            self.world.period_start = start
            self.world.periods = {
                n: periods.first_period(n, start) for n in spec.periods if n != "term"
            }
        if header.term is not None:
            self.world.term = periods.TermClock.first(header.term)

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
            "consents": consent.lines(w.consents, w.keyed, w.once),
            "sets": {k: sorted(v) for k, v in sorted(w.sets.items())},
            "flags": sorted(w.flags),
            "rights": sorted((party, norm) for party, _, norm in w.rights),
            "deadlines": sorted(
                (d.norm, d.due.isoformat(), d.accrued) for d in w.deadlines.values()
            ),
            "terminations": sorted((n, d.isoformat()) for n, d in w.notices.items()),
            "values": dict(w.values),
        }

    def let_time_pass(self, day: dt.date) -> None:
        w = self.world
        if w.period_start is None and self.spec.periods:
            w.period_start = day
            w.periods = {n: periods.first_period(n, day) for n in self.spec.periods if n != "term"}
        checked: dt.date | None = None
        while True:
            if checked is not None:
                self.check_state(checked, None)
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
                + [
                    (d - dt.timedelta(days=1), "notice_effective", n, 0, n)
                    for n, d in w.notices.items()
                    if d <= day
                ]
                + [
                    (p.end, "period_ended", n, 0, n)
                    for n, p in w.periods.items()
                    if p.end < day and w.partnership == "in_force"
                ]
                + [(d, "tail_ended", c, 0, c) for c, d in w.tail_until.items() if d < day]
                + [
                    (w.term.end, "term_end", "term", 0, "term")
                    for _ in [0]
                    if w.term is not None and w.term.end < day and w.partnership == "in_force"
                ]
            )
            if not due:
                return
            last, kind, norm, _, key = due[0]
            when = max(last + dt.timedelta(days=1), w.today)  # time never runs back
            checked = when
            if kind == "tail_ended":  # ended while the tail holds it in force: a change heard
                ended = self.timed({"kind": "clause_ended", "clause": norm}, when)
                w.as_of, w.today = last, when
                changes = self.apply("end_clause", {"clause": norm}, "", ended)
                del w.tail_until[norm]
                self.chain([self.timed(c, when) for c in changes])
                continue
            if kind == "notice_effective":
                w.notices.pop(norm)
                took = self.timed({"kind": "notice_effective"}, when)
                spec = next(n for n in self.spec.norms if n.id == norm)
                ends = [
                    ("end_partnership", {})
                    if spec.norm.ends == "partnership"
                    else ("end_clause", {"clause": c})
                    for c in (
                        ["-"] if spec.norm.ends == "partnership" else list(spec.norm.ends or [])
                    )
                ]
                changes = [c for op, args in ends for c in self.apply(op, args, norm, took)]
                self.findings.append(("consequence", norm, -1, when.isoformat(), "info", False))
                self.chain([self.timed(c, when) for c in changes])
                continue
            if kind == "period_ended":
                period = w.periods[norm]
                assert w.period_start is not None
                w.periods[norm] = periods.following(period, w.period_start)
                self.chain([self.timed(period.change(), when)])
                continue
            if kind == "term_end":
                assert w.term is not None
                if "term" in self.spec.periods:
                    self.chain([self.timed(w.term.period().change(), when)])
                if w.partnership == "ended":
                    w.term = None
                    continue
                self.term_end(when)
                continue
            values: dict[str, Any] = {"kind": kind, "norm": norm}
            words = dict(values)
            if kind == "deadline_passed":
                pending = self.world.deadlines.pop(key)
                if pending.accrued:
                    values["accrued"] = 1
                words = {**pending.words, **words, "due": pending.due.isoformat()}
            else:
                self.world.expiries.pop(norm)
            change = _Occurrence("change", kind, values, words, when, None)
            self.chain([change])

    def check_state(self, day: dt.date, move: int | None) -> None:
        """Maintenance norms: judged on the state after each move and each passing of time,
        broken when what they keep held at the last check and no longer holds."""
        keeps = [n for n in self.spec.norms if n.norm.kind is NormKind.maintenance]
        if not keeps:
            return
        values: dict[str, Any] = {"kind": "state_checked"}
        for n in keeps:
            values[f"kept_{n.id}"] = 1 if self.world.kept.get(n.id, True) else 0
        occ = _Occurrence("change", "state_checked", values, values, day, move)
        self.chain([occ])
        for n in keeps:
            self.world.kept[n.id] = all(self.holds(t, occ) for t in n.datum("keep") or ())

    def timed(self, values: dict[str, Any], when: dt.date) -> _Occurrence:
        return _Occurrence("change", values["kind"], values, values, when, None)

    def term_end(self, when: dt.date) -> None:
        w, term = self.world, self.spec.contract.contract.term
        assert w.term is not None and term is not None
        clock = w.term
        notice_in_time = clock.notice is not None and clock.notice <= clock.end - dt.timedelta(
            days=term.notice_days
        )
        if term.renews is not None and not notice_in_time:
            w.term = clock.renewed(term)
            renewed = {
                "kind": "term_renewed",
                "term": w.term.index,
                "start": w.term.start.isoformat(),
                "end": w.term.end.isoformat(),
            }
            self.chain([self.timed(renewed, when)])
            return
        w.term = None
        ended = {"kind": "term_ended", "term": clock.index, "end": clock.end.isoformat()}
        end = self.timed(ended, when)
        self.chain([end])
        self.chain([self.timed(c, when) for c in self.apply("end_partnership", {}, "", end)])

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
        for m in self.world.measures.values():  # every measure the move counts in
            if m.of == move.kind and self.all_hold(self.spec.measure_filters[m.id], occurrence):
                running = self.world.term.index if self.world.term is not None else 0
                self.world.log.append((m.id, day, values, running))
        follow = self.react(occurrence)
        term = self.spec.contract.contract.term
        if term is not None and w_term_open(self.world) and move.kind == term.non_renewal:
            assert self.world.term is not None
            self.world.term = replace(self.world.term, notice=day)
        for key in sorted(self.world.once, key=str):  # a once-consent is spent by its move
            party, subject, value = key
            fields = self.consent_fields.get((party, subject), ())
            if subject == move.kind and (
                value is None or any(str(values.get(f, object())) == value for f in fields)
            ):
                self.world.once.discard(key)
                if value is None:
                    self.world.consents.discard((party, subject))
                else:
                    self.world.keyed.discard((party, subject, value))
        self.world.happened.add(move.kind)
        changes = []
        for effect in kind.effects:
            args = {k: fill(v, words) for k, v in effect.args}
            changes += [
                self.change(c, occurrence) for c in self.apply(effect.op, args, "", occurrence)
            ]
        self.chain(changes + follow)
        self.check_state(day, index)

    def chain(self, queue: list[_Occurrence]) -> None:
        while queue:
            queue = queue[1:] + self.react(queue[0])

    def change(self, values: dict[str, Any], cause: _Occurrence) -> _Occurrence:
        return _Occurrence("change", values["kind"], values, values, cause.date, cause.move)

    # -- norms -------------------------------------------------------------------------------
    def react(self, occ: _Occurrence) -> list[_Occurrence]:
        """Every norm is tested against a snapshot of the world, then the applying ones act."""
        self.world.as_of = occ.date if occ.move is not None else occ.date - dt.timedelta(days=1)
        self.world.today = occ.date
        judged = []
        route = self.routes.get(f"{occ.source}:{occ.kind}") if self.routes is not None else None
        reached = route.norms_for(occ.values) if route is not None else ()
        for index, norm in enumerate(self.spec.norms):
            if self.listens(norm.trigger, occ) and (self.routes is None or index in reached):
                judged.append((norm, self.judge(norm, occ)))
        extras = []
        for norm in self.spec.norms:
            withdrawn_by = norm.norm.withdrawn_by
            if (
                withdrawn_by is not None
                and (occ.source, occ.kind) == ("move", withdrawn_by)
                and occ.values.get("actor") == norm.norm.bearer  # only who gave notice
            ):
                extras.append(("withdraw", norm, ""))
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
                elif _outside(norm, occ.date):
                    extras.append(("not_started", norm, "out_of_window"))
                else:
                    extras.append(("start", norm, ""))
        follow: list[_Occurrence] = []
        move = -1 if occ.move is None else occ.move
        for norm, status in judged:
            self.outcomes.append((norm.id, move, status))
            if status in ("applied", "waived"):
                follow += self.fire(norm, occ, waived=status == "waived")
        extras.sort(key=lambda e: self.spec.norms.index(e[1]))
        unmet = self.not_met([norm for what, norm, _ in extras if what == "fulfil"], occ)
        for what, norm, status in extras:
            if what == "fulfil":
                if norm.id not in unmet:
                    self.fulfil(norm, occ)
            elif what == "start":
                self.start(norm, occ, None)
            elif what == "withdraw":
                if self.world.notices.pop(norm.id, None) is not None:
                    self.findings.append(
                        ("consequence", norm.id, move, occ.date.isoformat(), "info", False)
                    )
            else:
                self.outcomes.append((norm.id, move, status))
        return follow

    def not_met(self, norms: list[NormSpec], occ: _Occurrence) -> set[str]:
        """One move meets one obligation: of those whose deadline it could meet, the one due
        first (the earlier declared on a tie), besides every one with `shares_move: true`."""
        meets = []
        for norm in norms:
            met = self.meetable(norm, occ)
            if met and not norm.norm.shares_move:
                meets.append((self.world.deadlines[met[0]].due, self.spec.norms.index(norm), norm))
        losers = [m[2] for m in sorted(meets, key=lambda m: m[:2])][1:]
        move = -1 if occ.move is None else occ.move
        self.outcomes.extend((norm.id, move, "not_triggered") for norm in losers)
        return {norm.id for norm in losers}

    def meetable(self, norm: NormSpec, occ: _Occurrence) -> list[str]:
        """The keys of the norm's pending deadlines this move meets, earliest due first."""
        bound = bindings(norm)
        pending = sorted(
            ((d.due, d.seq, k) for k, d in self.world.deadlines.items() if d.norm == norm.id)
        )
        met = [
            key
            for _, _, key in pending
            if all(
                _compare(
                    occ.values.get(t.field), t.op, self.world.deadlines[key].binds.get(t.source)
                )
                for t in bound
            )
        ]
        # bound to the starting move: every deadline it satisfies; else the earliest only
        return met if bound else met[:1]

    def fulfil(self, norm: NormSpec, occ: _Occurrence) -> None:
        """The earliest pending deadline of the norm this move binds to is met."""
        for index, key in enumerate(self.meetable(norm, occ)):
            due = self.world.deadlines.pop(key)
            self.world.fulfilled.add(key)
            move = -1 if occ.move is None else occ.move
            self.findings.append(
                ("consequence", norm.id, move, occ.date.isoformat(), "info", False)
            )
            self.outcomes.append((norm.id, move, "met"))
            if norm.norm.restart == "on_fulfil" and index == 0:
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
        own = self.judge_own(norm, occ)
        if own in ("applied", "waived") and any(
            self.judge_own(o, occ) in ("applied", "waived") for o in norm.overridden_by
        ):
            return "overridden"
        return own

    def judge_own(self, norm: NormSpec, occ: _Occurrence) -> str:
        if not self.all_hold((*norm.trigger.tests, *norm.requires), occ):
            return "not_triggered"
        n = norm.norm
        accrued = n.kind is NormKind.obligation and occ.values.get("accrued") == 1
        if not self.world.in_force(n.clause) and not accrued:
            return "clause_ended"
        tested_here = n.kind is not NormKind.obligation or n.when is None
        if tested_here and (_outside(norm, occ.date)):
            return "out_of_window"
        if any(self.holds(e, occ) for e in norm.exceptions):
            return "defeated"
        return "waived" if n.id in self.waivers else "applied"

    def all_hold(self, tests: tuple[Test, ...], occ: _Occurrence) -> bool:
        return all(self.holds(t, occ) for t in tests)

    def holds(self, test: Test, occ: _Occurrence) -> bool:
        if isinstance(test, FieldTest):  # in Python; the engine asks durable_rules
            return test.holds(occ.values)
        return self.answer(test, occ)

    def answer(self, test: StateTest, occ: _Occurrence) -> bool:
        return QUESTIONS[test.question].reference(self.world, test, occ.values)

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
        if n.takes_effect is not None and n.id not in self.world.notices:  # notice given
            self.world.notices[n.id] = occ.date + dt.timedelta(days=n.takes_effect.days_after)
        return changes

    # -- the world changing ---------------------------------------------------------------------
    def apply(
        self, op: str, args: dict[str, Any], norm: str, occ: _Occurrence
    ) -> list[dict[str, Any]]:
        """A consequence; a clause it takes out of force (the partnership's end ends each clause
        that does not survive it) is a `clause_ended` change, and its pending duties survive
        as accrued or lapse."""
        w = self.world
        w.today = occ.date  # a deferred end (notice, term) counts from its own day
        if op not in ("end_partnership", "end_clause"):
            return OPERATIONS[op].reference(w, args, norm)
        before = {c for c in w.clauses if w.in_force(c)}
        changes = [
            c for c in OPERATIONS[op].reference(w, args, norm) if c["kind"] != "clause_ended"
        ]
        ended = [c for c in w.clauses if c in before and not w.in_force(c)]
        self.duties_of_ended(set(ended), occ)
        return changes + [{"kind": "clause_ended", "clause": c} for c in ended]

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
        term = self.spec.contract.contract.term
        if term is not None and kind == term.non_renewal:
            return True
        if any(m.of == kind for m in self.spec.contract.measures):
            return True
        routes = {
            (t.source, t.kind)
            for n in self.spec.norms
            for t in (n.trigger, *(listener for _, listener in n.listeners))
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
            kind in QUESTIONS[t.question].covers(t)
            for n in self.spec.norms
            for t in (*n.trigger.tests, *n.requires, *n.exceptions)
            if isinstance(t, StateTest)
        ):
            return True
        return any(
            ("change", OPERATIONS[e.op].change) in routes or questions & OPERATIONS[e.op].reads
            for e in self.spec.event_kinds[kind].effects
        )
