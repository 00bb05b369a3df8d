"""Stage 4, evaluate: moves become facts in an isolated durable_rules session; rules fire.

Each check gets its own session id, deleted afterwards, so checks never see each other's state.
Moves are asserted as facts, not posted as events: durable_rules consumes an event at the first
rule that matches it, and a move that breaks three norms must report three conflicts.

We drive durable_rules' Rete engine (its C module) directly with the rulesets the compiler made:
assert a fact, then take the actions it scheduled, one by one, until there are none. Each action's
name is the name of the rule that fired, which the compiler bound to a role. This skips
durable_rules' Python host, which would create a closure and re-serialise the session for every
action and run background threads that dispatch any session's actions; the decisions are the same.
durable_rules keeps its state in global C structures, so every call into it holds one
process-wide lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
import re
import threading
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as _rete

from engine import periods
from engine.compile import CompiledContract, compile_contract
from engine.conditions import (
    DATE_FIELD,
    KIND_FIELD,
    OP_WORDS,
    SEQ_FIELD,
    FieldTest,
    StateTest,
    date_number,
)
from engine.conditions import with_article as _a
from engine.constructs import CHANGES, QUESTIONS, consent, measure
from engine.errors import EngineError, MoveError
from engine.model import FieldType, NormKind, Severity
from engine.norms import kind_of, maintenance, obligation, termination
from engine.norms.base import NormKindDef
from engine.norms.obligation import ACCRUED_FIELD, passed_values, passed_words
from engine.report import (
    SCHEMA_VERSION,
    SEVERITY_ORDER,
    ClauseState,
    DeadlineView,
    Evidence,
    Finding,
    Move,
    Outcome,
    Report,
    RightView,
    StateView,
    Status,
    trusted,
)
from engine.state import State
from engine.templates import filler, template_holes
from engine.validate import ContractSpec, NormSpec

MAX_CHANGES_PER_CHECK = 10_000
MAX_YEARS_CHECKED = 100  # time passes period by period: a check may reach this far past the start
_DAY = dt.timedelta(days=1)
_FIGURES = "#figures"  # the figures a state test was decided on, kept beside its probe

_DURABLE_LOCK = threading.Lock()
# Rulesets of garbage-collected evaluators, freed by the next holder of the lock. A finalizer
# must not take the lock itself: the collector can run it in a thread that already holds it.
_retired_handles: deque[int] = deque()
_prefixes = itertools.count()
_sessions = itertools.count()


@dataclass(slots=True)
class _Fact:
    route: str
    values: dict[str, Any]  # as asserted: dates as YYYYMMDD numbers, so they compare as dates
    date: dt.date
    move: int | None  # index of the move that caused it (None: the passing of time)
    move_text: str
    words: dict[str, Any] | None = None  # as written, for messages and consequences

    @property
    def template_values(self) -> dict[str, Any]:
        return self.values if self.words is None else self.words


# An outcome as recorded: the norm's index, the fact, its status, and what the reason is said
# from (the rules that fired for it, or the words of a reason that could not wait).
_Why = tuple[int, "_Fact", Status, Any]
_FINDING_FIELDS = frozenset(Finding.model_fields)
_FINDING_FIELDS_IN_ORDER = tuple(Finding.model_fields)
_NOTE_FIELDS = _FINDING_FIELDS - {"evidence", "waived"}
_REPORT_FIELDS = frozenset(Report.model_fields) - {"schema_version", "notes"}
_NOTHING: dict[str, list[int]] = {}  # no rule of a norm fired (never changed)


@dataclass(frozen=True)
class _Fixed:
    """What every finding of one norm says, whatever fired it, and its templates cut once:
    made on the norm's first firing, read on every one after (the hot path of a check)."""

    norm: NormSpec
    kind: Any  # its kind (engine/norms)
    said: dict[str, Any]  # the fields of its findings that never change, in field order
    displayed: bool  # whether its message or what it grants is filled with the move's words
    message: Callable[[dict[str, Any]], str | None]  # its message, filled
    consequences: tuple[tuple[str, tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...]], ...]
    acts: bool  # whether its kind does more when it fires than its consequences (`fired`)
    holes: tuple[str, ...] | None  # when only its message is filled: the fields it names
    grants: bool  # whether its kind grants something when it fires (an entitlement's right)


class _Run:
    """Everything one check accumulates; lives only as long as the check."""

    __slots__ = (
        "changes",
        "considered",
        "findings",
        "labels",
        "outcomes",
        "passing",
        "seq",
        "sid",
        "state",
        "used",
        "views",
    )

    def __init__(self, sid: str, state: State, labels: dict[str, str]) -> None:
        self.sid = sid
        self.state = state
        self.seq = itertools.count(1)
        self.used: set[str] = set()
        self.considered: set[int] = set()  # norms some fact was tested against
        self.labels = labels  # display names for this check
        self.findings: list[tuple[int, Finding]] = []
        # the why and why-not of each considered norm: an Outcome, or what one is built from
        # when the report is read (see `Evaluator._outcome`)
        self.outcomes: list[Outcome | _Why] = []
        self.changes = 0
        self.passing: dt.date | None = None  # letting time pass up to this day
        self.views: tuple[StateView, StateView] | None = None  # before and after, once made


class Evaluator:
    """A compiled contract bound to durable_rules. `check` is safe to call from many threads."""

    def __init__(self, spec: ContractSpec, eager: bool = False) -> None:
        self.spec = spec
        # eager: every part of a report built as the check goes, as before reports were lazy;
        # the tests compare the two, byte for byte
        self.eager = eager
        self.compiled: CompiledContract = compile_contract(spec, f"ce{next(_prefixes)}_")
        self._initial = State.initial(spec)
        self._kinds = [kind_of(n.norm) for n in self.compiled.norms]
        self._norm_index = {n.id: i for i, n in enumerate(self.compiled.norms)}
        self._keeps = [n for n in self.compiled.norms if n.norm.kind is NormKind.maintenance]
        self._views: dict[tuple[Any, ...], StateView] = {}
        self._start_views: dict[dt.date, StateView] = {}
        self._initial_clauses = {
            c: _clause_view(self._initial, c) for c in sorted(self._initial.clauses)
        }
        self._recent_sessions: deque[str] = deque(maxlen=4096)
        # up to which day letting time pass from the initial state does nothing, so the first
        # move of a check need not ask (None: it must, a calendar period's start is unknown)
        self._quiet = (
            None if self._initial.period_start is None and spec.periods else _quiet(self._initial)
        )
        # per ruleset, its state questions with their constructs; per norm, what a finding of
        # it always says (filled on first use: a large contract's checks touch few of either)
        self._probes: dict[str, tuple[tuple[StateTest, Any], ...]] = {}
        self._fixed: dict[int, _Fixed] = {}
        header = spec.contract.contract
        self._report_head = {  # what every report of this contract starts with, in field order
            "schema_version": SCHEMA_VERSION,
            "contract": spec.id,
            "contract_title": header.title,
            "notice": header.notice,
        }
        self._effects_said: dict[tuple[tuple[str, Any], ...], str] = {}
        # per kind of move, its effects with their templates cut once (filled on every move)
        self._move_effects = {
            k.id: tuple((c.op, tuple((a, filler(v)) for a, v in c.args)) for c in k.effects)
            for k in spec.event_kinds.values()
        }
        self._move_facts: dict[int, tuple[Move, str, dict[str, Any], dict[str, Any], str]] = {}
        # A durable_rules ruleset is created when a fact first reaches it: each costs about
        # 160 KB of C state and 0.4 ms, and a check reaches only its route's (and key's) few.
        self._definitions = self.compiled.definitions()
        self._handles: dict[str, int] = {}
        weakref.finalize(self, _retire, self._handles)
        self._date_fields = {
            k.id: {name for name, f in k.kind.fields.items() if f.type is FieldType.date}
            for k in spec.event_kinds.values()
        }
        header = spec.contract.contract
        start = min(d for d in (header.as_of, header.effective) if d is not None)
        try:
            limit = start.replace(year=start.year + MAX_YEARS_CHECKED)
        except ValueError:  # 29 February
            limit = start.replace(year=start.year + MAX_YEARS_CHECKED, day=28)
        self._reach = (start, limit)  # a check may reach up to `limit`
        term = header.term
        self._non_renewal = term.non_renewal if term is not None else None
        self._consent_fields = consent.keyed_fields(
            t for n in spec.norms for t in (*n.trigger.tests, *n.requires, *n.exceptions)
        )
        self._sets = {s.id: s.title or s.id for s in spec.sets.values()}
        self._names = (  # a set's title is its name; an entity or party of the same id wins
            spec.labels  # the rules' own names and texts, as they wrote them
            | self._sets
            | {p.id: p.name for p in spec.parties.values()}
            | {e.id: e.name for e in spec.entities.values()}
            | {k: v.kind.title for k, v in spec.event_kinds.items()}
        )
        # names a move's own spelling does not replace: all but the rules' keyed constants
        self._kept_names = frozenset(self._names.keys() - spec.labels.keys())
        self._always_named = {  # what every report may show by id: parties and sets
            k: v
            for k, v in sorted(({p.id: p.name for p in spec.parties.values()} | self._sets).items())
            if k != v
        }

    def open_sessions(self) -> int:
        """Sessions of the last 4,096 checks that durable_rules still holds: 0 unless leaking."""
        found = 0
        with _DURABLE_LOCK:
            _free_retired()
            for sid in self._recent_sessions:
                for handle in self._handles.values():
                    try:
                        _rete.get_state(handle, sid)
                    except _rete.error:
                        continue  # no such session: deleted, as it should be
                    found += 1
        return found

    def _create(self, ruleset: str) -> int:
        """Create one ruleset in durable_rules; the caller holds `_DURABLE_LOCK`."""
        try:
            handle: int = _rete.create_ruleset(ruleset, json.dumps(self._definitions[ruleset]))
        except _rete.error as error:
            raise EngineError(f"durable_rules refused the compiled rules: {error}") from None
        self._handles[ruleset] = handle
        return handle

    def _assert(self, ruleset: str, fact: dict[str, Any]) -> list[str]:
        """Assert one fact; return the names of the rules that fired, in durable_rules' order."""
        handle = self._handles.get(ruleset)
        if handle is None:
            handle = self._create(ruleset)
        fired: list[str] = []
        try:
            state = _rete.assert_fact(handle, _to_json(fact))[1]
            started = _rete.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                fired.append(message[2 : message.index('"', 2)])  # '{"r12":{"m":...}}'
                message = _rete.complete_and_start_action(handle, state)
        except _rete.error as error:
            raise EngineError(f"durable_rules failed in ruleset {ruleset}: {error}") from None
        return fired

    # -- the check ---------------------------------------------------------------------------
    def check(self, moves: list[Move], check_date: dt.date, waivers: dict[str, str]) -> Report:
        if len(moves) != 1 or moves[0].date is not None or check_date > self._reach[1]:
            self._within_reach(moves, check_date)  # the common case needs no call: an undated move
        labels = self._names  # shared, never changed; a copy only if a move names more
        given: set[str] = set()  # a name is shown as the first move to give it spelt it
        for move in moves:
            if move.labels:
                if labels is self._names:
                    labels = dict(self._names)
                for k, v in move.labels.items():
                    if k not in self._kept_names and k not in given:
                        labels[k] = v
                        given.add(k)
        run = _Run(f"s{next(_sessions)}", self._initial.copy(), labels)
        if len(moves) == 1:
            order = [0]
        else:
            order = sorted(range(len(moves)), key=lambda i: (moves[i].date or check_date, i))
        with _DURABLE_LOCK:
            if _retired_handles:
                _free_retired()
            self._recent_sessions.append(run.sid)
            quiet = self._quiet  # the state is still the initial one before the first move
            try:
                for index in order:
                    move = moves[index]
                    day = move.date or check_date
                    if quiet is None or day > quiet:
                        self._advance(run, day, waivers)
                    quiet = None
                    run.passing = None
                    self._process_move(run, index, move, day, waivers)
                self._advance(run, check_date, waivers)
                run.passing = None
            except BaseException:
                self._end_sessions(run, failing=True)
                raise
            self._end_sessions(run, failing=False)
        return self._report(run, moves, check_date)

    def _within_reach(self, moves: list[Move], check_date: dt.date) -> None:
        """Time passes deadline by deadline and period by period, so a check date centuries
        away is bad input (a typo like 9999-12-31), refused before any work is done."""
        start, limit = self._reach
        if check_date <= limit:  # the common case, without building the list below
            for m in moves:
                if m.date is not None and m.date > limit:
                    break
            else:
                return
        for day, what in [(check_date, "the check date")] + [
            (m.date, f"the date of move {i + 1}") for i, m in enumerate(moves) if m.date
        ]:
            if day > limit:
                raise MoveError(
                    f"{what}, {day}, is more than {MAX_YEARS_CHECKED} years after the contract's "
                    f"start ({start}); time passes deadline by deadline and period by period, "
                    f"so a check reaches at most {limit}"
                )

    def _end_sessions(self, run: _Run, failing: bool) -> None:
        """Delete the check's session in every ruleset it touched. When the check is already
        failing, a session durable_rules never created is expected and the first error wins."""
        for name in sorted(run.used) if len(run.used) > 1 else run.used:
            try:
                _rete.delete_state(self._handles[name], run.sid)
            except _rete.error as error:
                if not failing:
                    raise EngineError(
                        f"durable_rules could not delete session {run.sid} of ruleset {name}: {error}"
                    ) from None

    def _advance(self, run: _Run, day: dt.date, waivers: dict[str, str]) -> None:
        """Let time pass up to `day`: deadlines and expiries whose last day is before it fire,
        recurring periods some norm listens to end, and the term renews or ends. Each is one
        fact; nothing here looks at the timeline, so its cost follows the time passed."""
        state = run.state
        if not (
            state.deadlines
            or state.expiries
            or state.notices
            or state.tail_until
            or state.periods
            or state.term
            or self.spec.periods
        ):
            return  # nothing is scheduled: most checks of most contracts
        if state.period_start is None and self.spec.periods:  # calendar periods, no start
            state.period_start = day
            state.periods = {
                name: periods.first_period(name, day)
                for name in self.spec.periods
                if name != "term"
            }
        if not _due_before(state, day):
            return  # nothing falls due before `day`: most moves of most checks
        checked: dt.date | None = None
        run.passing = day
        while True:
            if checked is not None and self._keeps:  # after each passing of time
                self._check_state(run, checked, None, f"the state on {checked}", waivers)
            due = sorted(
                [
                    (d.due, "deadline_passed", d.norm, d.seq, d.key)
                    for d in state.deadlines.values()
                    if d.due < day
                ]
                + [
                    (on, "expiry_reached", norm, 0, norm)
                    for norm, on in state.expiries.items()
                    if on < day
                ]
                + [
                    (n.effective - dt.timedelta(days=1), "notice_effective", norm, 0, norm)
                    for norm, n in state.notices.items()
                    if n.effective <= day
                ]
                + [
                    (last, "tail_ended", c, 0, c)
                    for c, last in state.tail_until.items()
                    if last < day
                ]
            )
            if state.partnership == "in_force":
                due += [
                    (p.end, "period_ended", n, 0, n)
                    for n, p in state.periods.items()
                    if p.end < day
                ]
                if state.term is not None and state.term.end < day:
                    due.append((state.term.end, "term_end", "term", 0, "term"))
                due.sort()
            if not due:
                return
            last_day, kind, norm, _, key = due[0]
            # time never runs back: a duty started with its day already past ("by" a fixed date
            # before the period that starts it ended) passes on the day it started
            when = max(last_day + dt.timedelta(days=1), state.today)
            checked = when
            if kind == "period_ended":
                self._chain(run, [self._period_ended(run, norm, when)], waivers)
                continue
            if kind == "term_end":
                clock = state.term
                assert clock is not None
                if "term" in self.spec.periods:  # norms see the term's end while it runs
                    text = f"term {clock.index} ended ({clock.end} was the last day)"
                    change = clock.period().change()
                    self._chain(
                        run, [_Fact("change:period_ended", change, when, None, text)], waivers
                    )
                if state.partnership == "ended":  # a norm ended it at the term's end
                    state.term = None
                    continue
                self._term_end(run, when, waivers)
                continue
            if kind == "notice_effective":
                self._notice_effective(run, norm, when, waivers)
                continue
            if kind == "tail_ended":  # a clause's time after the partnership's end ran out
                tail = state.tails[norm].words()
                text = f"clause {norm}'s {tail} after the end of the partnership ran out ({last_day} was the last day)"
                fact = _Fact(
                    "change:clause_ended",
                    {KIND_FIELD: "clause_ended", "clause": norm},
                    when,
                    None,
                    text,
                )
                state.as_of, state.today = last_day, when
                # ended while its tail still holds it in force, so that the end is a change
                # that norms listening for `clause_ended` hear (and its duties accrue or lapse)
                changes = self._apply(run, fact, "end_clause", {"clause": norm}, text)
                del state.tail_until[norm]
                self._chain(run, [self._change_fact(c, fact) for c in changes], waivers)
                continue
            if kind == "deadline_passed":
                deadline = state.deadlines.pop(key)
                started = (
                    "" if deadline.started == "the contract" else f" started by {deadline.started}"
                )
                text = f"the deadline of {norm}{started} passed ({last_day} was the last day)"
                fact = _Fact(
                    f"change:{kind}",
                    passed_values(deadline),
                    when,
                    None,
                    text,
                    passed_words(deadline),
                )
            else:
                del state.expiries[norm]
                text = f"the term of {norm} ran out ({last_day} was the last day)"
                fact = _Fact(f"change:{kind}", {KIND_FIELD: kind, "norm": norm}, when, None, text)
            self._chain(run, [fact], waivers)

    def _check_state(
        self, run: _Run, day: dt.date, move: int | None, text: str, waivers: dict[str, str]
    ) -> None:
        """Maintenance norms are judged on the state after each move and passing of time; the
        fact says, per norm, whether its conditions held at the last check."""
        state = run.state
        values: dict[str, Any] = {KIND_FIELD: maintenance.CHECKED}
        for norm in self._keeps:
            values[maintenance.kept_field(norm.id)] = 1 if state.kept.get(norm.id, True) else 0
        self._chain(run, [_Fact(f"change:{maintenance.CHECKED}", values, day, move, text)], waivers)
        for norm in self._keeps:
            keep = norm.datum("keep") or ()
            state.kept[norm.id] = all(state.answer(t, values) == 1 for t in keep)

    def _notice_effective(
        self, run: _Run, rule: str, when: dt.date, waivers: dict[str, str]
    ) -> None:
        """A notice of termination takes effect: what its norm `ends` ends, on that day."""
        notice = run.state.notices.pop(rule)
        norm = self.compiled.norms[self._norm_index[rule]]
        text = f"the notice of termination given {notice.given} took effect on {when}"
        fact = _Fact("change:notice_effective", {KIND_FIELD: "notice_effective"}, when, None, text)
        changes: list[dict[str, Any]] = []
        for consequence in termination.ends(norm.norm):
            changes += self._apply(run, fact, consequence.op, dict(consequence.args), text, rule)
        self.note(
            run,
            norm,
            fact,
            f"The notice of termination given {notice.given} takes effect: {termination.ends_words(norm.norm)}.",
            [_describe_change(c, run.labels) for c in changes],
        )
        self._chain(run, [self._change_fact(c, fact) for c in changes], waivers)

    def _period_ended(self, run: _Run, name: str, when: dt.date) -> _Fact:
        state = run.state
        period = state.periods[name]
        assert state.period_start is not None
        state.periods[name] = periods.following(period, state.period_start)
        text = f"{period.label} ended ({period.end} was the last day)"
        return _Fact("change:period_ended", period.change(), when, None, text)

    def _term_end(self, run: _Run, when: dt.date, waivers: dict[str, str]) -> None:
        """The term's end: it renews, unless notice came in time or it does not renew; then
        norms hear `term_ended` while the partnership still runs, and the partnership ends."""
        state = run.state
        term = self.spec.contract.contract.term
        clock = state.term
        assert term is not None and clock is not None
        if not clock.ends(term):
            state.term = renewed = clock.renewed(term)
            change = {
                KIND_FIELD: "term_renewed",
                "term": renewed.index,
                "start": renewed.start.isoformat(),
                "end": renewed.end.isoformat(),
            }
            words = f"the term renewed as term {renewed.index} ({renewed.start}..{renewed.end})"
            self._chain(run, [_Fact("change:term_renewed", change, when, None, words)], waivers)
            return
        state.term = None
        why = (
            f"after notice of non-renewal on {clock.notice}"
            if clock.notice is not None and term.renews is not None
            else "which does not renew"
        )
        ended = {KIND_FIELD: "term_ended", "term": clock.index, "end": clock.end.isoformat()}
        text = f"the end of term {clock.index} on {clock.end}, {why}"
        fact = _Fact("change:term_ended", ended, when, None, text)
        self._chain(run, [fact], waivers)
        changes = self._apply(run, fact, "end_partnership", {}, text)
        self._chain(run, [self._change_fact(change, fact) for change in changes], waivers)

    def _process_move(
        self, run: _Run, index: int, move: Move, day: dt.date, waivers: dict[str, str]
    ) -> None:
        known = self._move_facts.get(id(move))
        if known is None or known[0] is not move:
            known = self._said_move(move)
        _, route, values, words, text = known
        fact = _Fact(route, values, day, index, text, words)
        if move.kind not in self.compiled.covered_kinds:
            said = {
                "type": "notice",
                "rule": None,
                "clause": None,
                "severity": Severity.info,
                "message": f"No rule of this contract covers a {self._names.get(move.kind, move.kind)} move: "
                "the contract, as modelled, says nothing about it.",
                "move": index,
                "move_text": fact.move_text,
                "date": day,
            }
            if self.eager:
                notice = Finding(**said)
            else:
                given = {"clause_title": None, "source": None, "norm_kind": None, **said}
                notice = trusted(
                    Finding,
                    {k: given.get(k) for k in _FINDING_FIELDS_IN_ORDER}
                    | {"evidence": [], "effects": []},
                    set(said),
                )
            run.findings.append((next(run.seq), notice))
        if run.state.measures_of:  # the move counts in its own measures
            measure.record(run.state, move.kind, day, values)
        follow_ups = self._evaluate(run, fact, waivers)
        clock = run.state.term
        if clock is not None and clock.notice is None and move.kind == self._non_renewal:
            run.state.term = dataclasses.replace(clock, notice=day)
        if run.state.once_consents:
            for key in consent.used_up(
                run.state.once_consents, move.kind, values, self._consent_fields
            ):
                run.state.once_consents.discard(key)
                if key[2] is None:
                    run.state.consents.discard((key[0], key[1]))
                else:
                    run.state.keyed_consents.discard((key[0], key[1], key[2]))
        run.state.happened.add(move.kind)
        effects: list[_Fact] = []
        for op, fillers in self._move_effects[move.kind]:
            args = {k: fill_in(words) for k, fill_in in fillers}
            for change in self._apply(run, fact, op, args, f"{fact.move_text} on {day}"):
                effects.append(self._change_fact(change, fact))
        if effects or follow_ups:
            self._chain(run, effects + follow_ups, waivers)
        if self._keeps:
            self._check_state(run, day, index, f"the state after {fact.move_text}", waivers)

    def _said_move(self, move: Move) -> tuple[Move, str, dict[str, Any], dict[str, Any], str]:
        """A move as facts hold it: its route, its values as asserted (dates as numbers), its
        words and its text. Kept for the moves the parse cache hands out again and again, by
        identity (with the move itself, so the id is not reused); never changed once made."""
        words: dict[str, Any] = {KIND_FIELD: move.kind, "actor": move.actor, **move.fields}
        dates = self._date_fields[move.kind]
        values = {
            k: date_number(dt.date.fromisoformat(v)) if k in dates else v for k, v in words.items()
        }
        said = (move, f"move:{move.kind}", values, words, move.describe())
        if len(self._move_facts) >= 4096:
            self._move_facts.clear()
        self._move_facts[id(move)] = said
        return said

    def _chain(self, run: _Run, queue_items: list[_Fact], waivers: dict[str, str]) -> None:
        """Forward chaining: changes are facts too, and may fire further norms. A change no
        norm listens for only moves the clock on, as `_evaluate` would (most changes)."""
        queue = deque(queue_items)
        routes = self.compiled.routes
        state = run.state
        while queue:
            run.changes += 1
            if run.changes <= MAX_CHANGES_PER_CHECK and queue[0].route not in routes:
                fact = queue.popleft()
                state.as_of = fact.date if fact.move is not None else fact.date - _DAY
                state.today = fact.date
                continue
            if run.changes > MAX_CHANGES_PER_CHECK and run.passing is not None:
                raise MoveError(
                    f"letting time pass up to {run.passing} sets off more than "
                    f"{MAX_CHANGES_PER_CHECK} deadlines, periods and their consequences in one "
                    "check; give an earlier date"
                )
            if run.changes > MAX_CHANGES_PER_CHECK:
                raise EngineError(
                    f"consequences set off more than {MAX_CHANGES_PER_CHECK} changes in one check: "
                    "norms are triggering each other in a cycle"
                )
            queue.extend(self._evaluate(run, queue.popleft(), waivers))

    def _apply(
        self, run: _Run, fact: _Fact, op: str, args: dict[str, Any], by: str, rule: str = ""
    ) -> list[dict[str, Any]]:
        """Apply a consequence to the state. Every clause it takes out of force (the
        partnership's end ends each clause that does not survive it) yields a `clause_ended`
        change, once, and its pending deadlines survive as accrued duties or lapse."""
        state = run.state
        state.today = fact.date  # a deferred end (notice, term) counts from its own day
        if op == "end_partnership":
            was = [c for c in state.clauses if state.clause_in_force(c)]
        elif op == "end_clause":
            was = [args["clause"]] if state.clause_in_force(args["clause"]) else []
        else:
            return state.apply(op, args, by, rule)
        changes = [c for c in state.apply(op, args, by, rule) if c[KIND_FIELD] != "clause_ended"]
        ended = [c for c in was if not state.clause_in_force(c)]
        changes += [{KIND_FIELD: "clause_ended", "clause": c} for c in ended]
        if ended and state.deadlines:
            self._clauses_ended(run, fact, set(ended))
        return changes

    def _clauses_ended(self, run: _Run, fact: _Fact, ended: set[str]) -> None:
        """What happens to each pending duty of clauses that just ended, said in the report."""
        state = run.state
        lapse = self.spec.contract.contract.accrued_duties == "lapse"
        for deadline in sorted(state.deadlines.values(), key=lambda d: (d.due, d.norm, d.seq)):
            norm = self.compiled.norms[self._norm_index[deadline.norm]]
            clause = norm.norm.clause
            if clause not in ended or deadline.accrued:
                continue
            what = f"the duty {norm.id} due {deadline.due}"
            if lapse:
                del state.deadlines[deadline.key]
                message = f"{what[0].upper()}{what[1:]} lapses: clause {clause} has ended and the contract says accrued duties lapse."
                effects = [f"deadline {norm.id} lapsed"]
            else:
                state.deadlines[deadline.key] = dataclasses.replace(deadline, accrued=True)
                message = f"{what[0].upper()}{what[1:]} survives the end of clause {clause} as an accrued duty."
                effects = [f"deadline {norm.id} accrued"]
            self.note(run, norm, fact, message, effects)

    def bound_holds(
        self, run: _Run, route: str, fact: _Fact, binds: tuple[tuple[str, Any], ...]
    ) -> bool:
        """Whether the move `fact` meets a deadline whose bound values are `binds`: the move's
        values and the bound ones go into one fact of the norm's own ruleset."""
        values = {**fact.values, **dict(binds)}
        fired = False
        for rs in self.compiled.routes[route].rest:
            values["sid"] = run.sid
            values[SEQ_FIELD] = next(run.seq)
            values[DATE_FIELD] = date_number(fact.date)
            run.used.add(rs.name)
            for name in self._assert(rs.name, values):
                role = self.compiled.roles.get(name)
                fired |= role is not None and role.role == "bound"
        return fired

    def _change_fact(self, change: dict[str, Any], cause: _Fact) -> _Fact:
        return _Fact(
            f"change:{change[KIND_FIELD]}", change, cause.date, cause.move, cause.move_text
        )

    def _evaluate(self, run: _Run, fact: _Fact, waivers: dict[str, str]) -> list[_Fact]:
        """Assert one fact into the rulesets of its route; turn what fired into findings.
        Hot (every move and change of every check): what a ruleset asks of the state is made
        once (`_probes`), and the common case of one ruleset merges nothing."""
        state = run.state
        # time passing is judged as of its last day; a move (and what it sets off), its own day
        state.as_of = fact.date if fact.move is not None else fact.date - _DAY
        state.today = fact.date
        route = self.compiled.routes.get(fact.route)
        if route is None:
            return []
        given = fact.values
        groups = route.rest if route.index.key is None else route.rulesets_for(given)
        roles = self.compiled.roles
        by_norm: dict[int, dict[str, list[int]]] = {}
        asserted: dict[str, Any] = {}
        figures: dict[str, str] = {}
        on = fact.date
        day = on.year * 10000 + on.month * 100 + on.day  # date_number, without a call
        values = given
        for rs in groups:
            values = given.copy()
            probes = self._probes.get(rs.name)
            if probes is None:
                probes = self._probes[rs.name] = tuple(
                    (t, QUESTIONS[t.question]) for t in rs.probes
                )
            for test, construct in probes:
                values[test.probe] = 1 if construct.answer(state, test, given) else 0
                if construct.explains:
                    shown = construct.explain(state, test, given, self._names)
                    if shown is not None:
                        figures[test.probe + _FIGURES] = shown
            values["sid"] = run.sid
            values[SEQ_FIELD] = next(run.seq)
            values[DATE_FIELD] = day
            run.used.add(rs.name)
            for name in self._assert(rs.name, values):
                role = roles.get(name)
                if role is None:
                    raise EngineError(
                        f"durable_rules fired rule {name!r}, which the compiler never made"
                    )
                if role.norm >= 0:  # not the catch-all, which every fact fires
                    by_norm.setdefault(role.norm, {}).setdefault(role.role, []).append(role.index)
            if len(groups) > 1:
                asserted.update(values)
        if len(groups) == 1:
            asserted = values  # this check's own copy, already written as JSON
            considered = groups[0].norms
        else:
            considered = sorted(n for rs in groups for n in rs.norms)
        if figures:
            asserted.update(figures)
        follow_ups: list[_Fact] = []
        run.considered.update(considered)
        outcomes = run.outcomes
        for n in considered:
            fired = by_norm.get(n)
            if fired is not None:
                follow_ups += self._outcome(run, fact, n, fired, asserted, waivers)
            elif self.eager:
                outcomes.append(self._said((n, fact, "not_triggered", (_NOTHING, asserted))))
            else:  # not triggered, nothing of it fired; said when read
                outcomes.append((n, fact, "not_triggered", (_NOTHING, asserted)))
        if not by_norm:
            return follow_ups
        unmet: set[int] = set()
        if len(by_norm) > 1:
            by_norm = dict(sorted(by_norm.items()))
            meeting = [(n, self.compiled.norms[n]) for n, f in by_norm.items() if "fulfil" in f]
            if len(meeting) > 1:  # one move meets one obligation's deadline (`shares_move`)
                unmet = obligation.KIND.not_met(self, run, fact, meeting)
        kinds = self._kinds
        for n, fired in by_norm.items():
            kind = kinds[n]
            for acts in kind.roles:  # in the kind's order (obligation: fulfil, then start)
                if acts in fired and not (acts == "fulfil" and n in unmet):
                    follow_ups += kind.react(acts, self, run, fact, self.compiled.norms[n])
        return follow_ups

    # -- interpreting what fired ---------------------------------------------------------------
    def _outcome(
        self,
        run: _Run,
        fact: _Fact,
        index: int,
        roles: dict[str, list[int]],
        values: dict[str, Any],
        waivers: dict[str, str],
    ) -> list[_Fact]:
        norm = self.compiled.norms[index]
        status: Status
        detail: Any = roles
        if "fire" in roles and "overridden" not in roles:
            waived = waivers.get(norm.id)
            status, detail = ("waived", waived) if waived else ("applied", None)
            why = (index, fact, status, detail)
            run.outcomes.append(self._said(why) if self.eager else why)
            return self._fire(run, fact, index, values, waived)
        if roles.keys() & {"unless", "window", "ended", "overridden"}:  # triggered, set aside
            if "overridden" in roles:
                status = "overridden"
            elif "ended" in roles:  # said now: why the clause ended may change later
                status, detail = "clause_ended", run.state.why_clause_ended(norm.norm.clause)
            elif "window" in roles:
                status = "out_of_window"
            else:
                status = "defeated"
        else:
            status, detail = "not_triggered", (roles, values)
        self._record(run, (index, fact, status, detail))
        return []

    def _record(self, run: _Run, why: _Why) -> None:
        run.outcomes.append(self._said(why) if self.eager else why)  # said when read

    def _said(self, why: _Why) -> Outcome:
        """An outcome as the report shows it, with its reason in words."""
        index, fact, status, detail = why
        norm = self.compiled.norms[index]
        n = norm.norm
        if status == "applied":
            reason = "applies: " + norm.trigger.describe()
        elif status == "waived":
            reason = f"waived: {detail}"
        elif status == "overridden":
            beaten = [norm.overridden_by[i] for i in sorted(detail["overridden"])]
            reason = "overridden by " + "; ".join(
                f"{o.id} ({o.trigger.describe()})" for o in beaten
            )
        elif status == "clause_ended":
            reason = f"not applicable: clause {n.clause} is no longer in force: {detail}"
        elif status == "out_of_window":
            reason = f"not applicable on {fact.date}: {_window(norm)}"
        elif status == "defeated":
            names = [norm.exceptions[i].name for i in sorted(detail.get("unless", []))]
            reason = "defeated by exception: " + ", ".join(names)
        else:
            roles, values = detail
            conditions = [*norm.trigger.tests, *norm.requires]
            if len(conditions) >= 2:
                held = set(roles.get("test", []))
                failed = [t for i, t in enumerate(conditions) if i not in held]
            else:
                failed = conditions
            parts = [f"needs {t.describe()} ({_actual(t, values, self._names)})" for t in failed]
            reason = "not triggered: " + "; ".join(parts)
        values = {"rule": n.id, "clause": n.clause, "move": fact.move, "status": status}
        if self.eager:
            return Outcome(**values, reason=reason)
        return trusted(Outcome, {**values, "reason": reason})

    def _fixed_of(self, index: int) -> _Fixed:
        fixed = self._fixed.get(index)
        if fixed is None:
            norm = self.compiled.norms[index]
            n = norm.norm
            kind_def = self._kinds[index]
            clause = self.spec.clauses[n.clause]
            said = {
                "type": "conflict" if kind_def.conflict else "consequence",
                "rule": n.id,
                "clause": n.clause,
                "clause_title": clause.title,
                "source": clause.source,
                "norm_kind": n.kind.value,
                "severity": n.effective_severity,
            }
            # the words a finding needs, filled with the move's: its message, what it grants
            grants = bool(kind_def.granted(n, {}))
            displayed = (isinstance(n.message, str) and "{" in n.message) or grants
            holes = None
            if displayed and not grants and isinstance(n.message, str):
                holes = tuple(dict.fromkeys(template_holes(n.message)[0]))
            fixed = self._fixed[index] = _Fixed(
                norm,
                kind_def,
                said,
                displayed,
                filler(n.message),
                tuple((c.op, tuple((k, filler(v)) for k, v in c.args)) for c in norm.consequences),
                type(kind_def).fired is not NormKindDef.fired,
                holes,
                grants,
            )
        return fixed

    def _fire(
        self, run: _Run, fact: _Fact, index: int, values: dict[str, Any], waived: str | None
    ) -> list[_Fact]:
        fixed = self._fixed.get(index) or self._fixed_of(index)
        norm = fixed.norm
        n = norm.norm
        state = run.state
        if fixed.holes is not None:  # only what its message names
            labels = run.labels
            words = fact.template_values
            display = {}
            for k in fixed.holes:
                if k == "date":
                    display[k] = fact.date.isoformat()
                elif k in words:
                    v = words[k]
                    display[k] = labels.get(v, v) if isinstance(v, str) else v
        elif fixed.displayed:
            labels = run.labels
            display = {
                k: labels.get(v, v) if isinstance(v, str) else v
                for k, v in fact.template_values.items()
            }
            display["date"] = fact.date.isoformat()
        else:
            display = {}
        message = fixed.message(display)
        kind_def = fixed.kind
        effects: list[str] = []
        follow_ups: list[_Fact] = []
        if not waived:
            consequences = kind_def.granted(n, display) if fixed.grants else []
            if fixed.consequences:
                words = fact.template_values
                consequences += [
                    (op, {k: fill_in(words) for k, fill_in in args})
                    for op, args in fixed.consequences
                ]
            if kind_def.conflict and state.clause_in_force(n.clause):
                state.clauses[n.clause] = "violated"
                state.clause_notes[n.clause] = (
                    f"violated by {fact.move_text} on {fact.date} ({n.id})"
                )
                effects.append(f"clause {n.clause} violated")
            if consequences:
                by = f"{n.id}, on {fact.date}"
                for op, args in consequences:
                    for change in self._apply(run, fact, op, args, by, n.id):
                        effects.append(self._effect_words(change, run.labels))
                        follow_ups.append(self._change_fact(change, fact))
            if fixed.acts:
                effects += kind_def.fired(self, run, fact, norm)
        labels = run.labels
        if self.eager:
            evidence = self._evidence(norm, fact, values, labels)
            finding = Finding(
                **fixed.said,
                message=message,
                move=fact.move,
                move_text=fact.move_text,
                date=fact.date,
                evidence=evidence,
                effects=effects,
                waived=waived,
            )
        else:  # the evidence is built when read, from what it is said from (none changes)
            finding = Finding.pending(
                {
                    **fixed.said,
                    "message": message,
                    "move": fact.move,
                    "move_text": fact.move_text,
                    "date": fact.date,
                    "effects": effects,
                    "waived": waived,
                },
                lambda _: {"evidence": self._evidence(norm, fact, values, labels)},
                set(_FINDING_FIELDS),
            )
        run.findings.append((next(run.seq), finding))
        return follow_ups

    def _effect_words(self, change: dict[str, Any], labels: dict[str, str]) -> str:
        """A change as a finding's effects say it. The same few changes recur check after
        check, so under the contract's own names (no move named more) the words are kept."""
        if labels is not self._names:
            return _describe_change(_named_change(change, labels), labels)
        try:
            key = tuple(change.items())
            said = self._effects_said.get(key)
        except TypeError:  # a value that cannot be hashed: said afresh
            return _describe_change(_named_change(change, labels), labels)
        if said is None:
            said = _describe_change(_named_change(change, labels), labels)
            if len(self._effects_said) < 4096:
                self._effects_said[key] = said
        return said

    def _evidence(
        self, norm: NormSpec, fact: _Fact, values: dict[str, Any], labels: dict[str, str]
    ) -> list[Evidence]:
        """Each condition that held, in the words of the contract: names and titles, not ids."""
        trigger = norm.trigger
        if trigger.source == "move":
            first = Evidence(
                condition=f"the move is {_a(labels.get(trigger.kind, trigger.kind))}",
                value=fact.move_text,
                held=True,
            )
        else:
            said = (
                fact.move_text  # time passing says itself: "the deadline of ... passed"
                if fact.move is None
                else _describe_change(_named_change(fact.values, labels), labels)
            )
            first = Evidence(
                condition=_CHANGE_WORDS.get(trigger.kind, f"the change {trigger.kind}"),
                value=said,
                held=True,
            )
        evidence = [first]
        for test in (*trigger.tests, *norm.requires):
            evidence.append(
                Evidence(
                    condition=self._say(test, labels),
                    value=_seen(test, values, labels),
                    held=True,
                )
            )
        for exception in norm.exceptions:
            evidence.append(
                Evidence(
                    condition=f"unless {self._say(exception, labels)}",
                    value=_seen(exception, values, labels),
                    held=False,
                )
            )
        if norm.window_from or norm.window_until:
            evidence.append(
                Evidence(condition=_window(norm), value=fact.date.isoformat(), held=True)
            )
        clause = self.spec.clauses[norm.norm.clause]
        if fact.values.get(ACCRUED_FIELD) == 1:
            evidence.append(
                Evidence(
                    condition=f"the duty accrued while clause {clause.id} ({clause.title}) was in force",
                    value="yes",
                    held=True,
                )
            )
        else:
            evidence.append(
                Evidence(
                    condition=f"clause {clause.id} ({clause.title}) is in force",
                    value="yes",
                    held=True,
                )
            )
        return evidence

    def _say(self, test: Any, labels: dict[str, str]) -> str:
        """A condition in words, with the names of parties, entities, kinds, sets and clauses."""
        if isinstance(test, FieldTest):
            shown = test.shown if test.shown is not None else test.value
            named = _named(shown, labels)
            if test.op == "in":
                return f"the {test.field} is one of {named}"
            if test.op == "not_in":
                return f"the {test.field} is none of {named}"
            return f"the {test.field} {OP_WORDS[test.op]} {named}"
        return _in_names(str(test.describe()), labels)

    def note(
        self, run: _Run, norm: NormSpec, fact: _Fact, message: str, effects: list[str]
    ) -> None:
        """An informational consequence of a norm (a deadline started or met)."""
        n = norm.norm
        clause = self.spec.clauses[n.clause]
        said = {
            "type": "consequence",
            "rule": n.id,
            "clause": n.clause,
            "clause_title": clause.title,
            "source": clause.source,
            "norm_kind": n.kind.value,
            "severity": Severity.info,
            "message": message,
            "move": fact.move,
            "move_text": fact.move_text,
            "date": fact.date,
        }
        if self.eager:
            finding = Finding(**said, effects=effects)
        else:
            finding = Finding.deferred(
                {**said, "evidence": [], "effects": effects, "waived": None},
                None,
                set(_NOTE_FIELDS),
            )
        run.findings.append((next(run.seq), finding))

    # -- the report ---------------------------------------------------------------------------
    def _view(self, state: State, day: dt.date) -> StateView:
        """The state as the report shows it. Most checks start from the same state and many
        end in one seen before, so views are cached by the state's fingerprint."""
        key = (day, *state.fingerprint())
        view = self._views.get(key)
        if view is None:
            view = self._build_view(state, day)
            if len(self._views) < 4096:
                self._views[key] = view
        return view

    def _clause_views(self, state: State) -> dict[str, ClauseState]:
        """Every clause as the report shows it. A check changes few clauses of many, so the
        views of the initial state are copied and only clauses that differ from it are redone."""
        start = self._initial
        if (state.partnership, state.partnership_ended_by) != (
            start.partnership,
            start.partnership_ended_by,
        ):
            return {c: _clause_view(state, c) for c in sorted(state.clauses)}
        changed = {
            c
            for c, _ in (state.clauses.items() ^ start.clauses.items())
            | (state.clause_notes.items() ^ start.clause_notes.items())
            | (state.clause_until.items() ^ start.clause_until.items())
        }
        views = dict(self._initial_clauses)
        for clause in changed:
            if clause not in views:  # a clause named by a move's field, not by the contract
                return {c: _clause_view(state, c) for c in sorted(state.clauses)}
            views[clause] = _clause_view(state, clause)
        return views

    def _build_view(self, state: State, day: dt.date) -> StateView:
        # built from values of the right types, without validation: validating it would build
        # its schema, the slowest part of reading a report's state the first time in a process
        return trusted(
            StateView,
            {
                "date": day,
                "partnership": state.partnership,
                "partnership_ended_by": state.partnership_ended_by,
                "clauses": self._clause_views(state),
                "consents": consent.lines(
                    state.consents, state.keyed_consents, state.once_consents
                ),
                "happened": sorted(state.happened),
                "sets": {k: sorted(v) for k, v in sorted(state.sets.items())},
                "flags": sorted(state.flags),
                "rights": [
                    trusted(RightView, {"party": p, "right": r, "rule": n})
                    for p, r, n in state.rights
                ],
                "deadlines": [
                    trusted(
                        DeadlineView,
                        {
                            "rule": d.norm,
                            "due": d.due,
                            "started_by": d.started,
                            "accrued": d.accrued,
                            "instance": d.instance,
                        },
                    )
                    for d in sorted(state.deadlines.values(), key=lambda d: (d.due, d.norm, d.seq))
                ],
                "values": {k: float(v) for k, v in state.values.items()},
                "terminations": [
                    f"{n.norm}: notice given {n.given}; takes effect on {n.effective}"
                    for n in sorted(state.notices.values(), key=lambda n: (n.effective, n.norm))
                ],
            },
        )

    def _report(self, run: _Run, moves: list[Move], check_date: dt.date) -> Report:
        """The decision now; the rest of the report when it is first read (`_rest`)."""
        conflicts: list[Finding] = []
        consequences: list[Finding] = []
        notices: list[Finding] = []
        waived: list[Finding] = []
        blocking = False
        for _, f in run.findings:  # in the order they were found (the sequence only grows)
            if f.waived:
                waived.append(f)
            elif f.type == "conflict":
                conflicts.append(f)
                blocking = blocking or f.severity is Severity.blocking
            elif f.type == "consequence":
                consequences.append(f)
            if f.type == "notice":
                notices.append(f)
        if len(conflicts) > 1:
            conflicts.sort(
                key=lambda f: (
                    SEVERITY_ORDER[f.severity],
                    f.rule or "",
                    f.date,
                    f.move if f.move is not None else -1,
                )
            )
        moves = list(moves)
        decision: dict[str, Any] = {
            **self._report_head,
            "verdict": "conflict" if blocking else "clear",
            "check_date": check_date,
            "moves": moves,
            "conflicts": conflicts,
            "consequences": consequences,
            "notices": notices,
            "waived": waived,
            "other_norms": len(self.compiled.norms) - len(run.considered),
            "notes": [],
            "readings": None,  # every field not deferred, so none is looked up as a default
        }
        if self.eager:
            del decision["schema_version"], decision["notes"], decision["readings"]
            return Report(**decision, **self._rest(run, moves, check_date))
        return Report.pending(
            decision, lambda name: self._rest(run, moves, check_date, name), set(_REPORT_FIELDS)
        )

    def _rest(
        self, run: _Run, moves: list[Move], check_date: dt.date, name: str | None = None
    ) -> dict[str, Any]:
        """What a report shows beyond its decision, from what the check recorded: the outcome
        of every norm, the state before and after, and the names of what it mentions; only
        the outcomes, or the state views (the searches of plan and prove read those), when
        `name` asks for one of them."""
        if name == "outcomes":
            return {"outcomes": self._outcomes(run)}
        if run.views is None:  # the state views, made once for this report
            first = min([m.date for m in moves if m.date] + [check_date])
            before = self._start_views.get(first)
            if before is None:  # every check starts from the initial state: one view a date
                before = self._view(self._initial, first)
                if len(self._start_views) < 4096:
                    self._start_views[first] = before
            run.views = (before, self._view(run.state, check_date))
        before, after = run.views
        state = {"before": before, "after": after}
        if name == "state":
            return {"state": state}
        if name == "names":  # the outcomes, when wanted, on their own
            return {"state": state, "names": self._mentioned(run, moves, before, after)}
        return {
            "outcomes": self._outcomes(run),
            "state": state,
            "names": self._mentioned(run, moves, before, after),
        }

    def _outcomes(self, run: _Run) -> list[Outcome]:
        return [o if isinstance(o, Outcome) else self._said(o) for o in run.outcomes]

    def _mentioned(
        self, run: _Run, moves: list[Move], before: StateView, after: StateView
    ) -> dict[str, str]:
        """Display names of what a report shows by id: parties and sets, the moves' kinds and
        fields, what joined a set, consents. Only those, so a large contract's report stays small."""
        wanted = {m.kind for m in moves}
        for move in moves:
            wanted.update(v for v in move.fields.values() if isinstance(v, str))
        wanted.update(subject for _, subject in run.state.consents)
        wanted.update(w for _, subject, value in run.state.keyed_consents for w in (subject, value))
        for set_id, members in after.sets.items():
            if len(members) != len(before.sets.get(set_id, ())):
                wanted.update(members)
        labels = run.labels
        names = dict(self._always_named)
        for ident in sorted(wanted.difference(names)):
            label = labels.get(ident)
            if label is not None and label != ident:
                names[ident] = label
        return names


def _due_before(state: State, day: dt.date) -> bool:
    """Whether anything `_advance` lets pass falls due before `day` (as its list would hold).
    Plain loops: this runs before every move of every check."""
    for deadline in state.deadlines.values():
        if deadline.due < day:
            return True
    for on in state.expiries.values():
        if on < day:
            return True
    for notice in state.notices.values():
        if notice.effective <= day:
            return True
    for last in state.tail_until.values():
        if last < day:
            return True
    if state.partnership != "in_force":
        return False
    for period in state.periods.values():
        if period.end < day:
            return True
    return state.term is not None and state.term.end < day


def _quiet(state: State) -> dt.date:
    """The last day `day` for which `_due_before(state, day)` is false (its mirror: whatever
    falls due first bounds it); date.max when nothing is scheduled."""
    days = [d.due for d in state.deadlines.values()]
    days += state.expiries.values()
    days += [n.effective - _DAY for n in state.notices.values()]
    days += state.tail_until.values()
    if state.partnership == "in_force":
        days += [p.end for p in state.periods.values()]
        if state.term is not None:
            days.append(state.term.end)
    return min(days, default=dt.date.max)


def _clause_view(state: State, clause: str) -> ClauseState:
    if state.clause_in_force(clause):
        status, note = state.clauses[clause], state.clause_notes.get(clause)
    else:
        status, note = "ended", state.why_clause_ended(clause)
    return _clause_state(status, note, state.clause_until.get(clause))


@functools.lru_cache(maxsize=4096)
def _clause_state(status: str, note: str | None, until: dt.date | None) -> ClauseState:
    return trusted(ClauseState, {"status": status, "note": note, "until": until})


def _window(norm: NormSpec) -> str:
    return norm.window_text


def _actual(test: Any, values: dict[str, Any], names: dict[str, str]) -> str:
    if isinstance(test, FieldTest):
        if test.field not in values:
            return f"{test.field} not given"
        value = values[test.field]
        if test.field == "d" or (
            isinstance(value, int) and test.shown is not None and "-" in str(test.shown)
        ):
            return (
                f"{test.field} is {value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"
            )
        return f"{test.field} is {value}"
    held = "it does" if values.get(test.probe) == 1 else "it does not"
    figures = values.get(test.probe + _FIGURES)
    return held if figures is None else f"{held}: {figures}"


_CHANGE_WORDS = {
    "set_joined": "something joins a set",
    "partnership_ended": "the partnership ends",
    "clause_ended": "a clause ends",
    "clause_extended": "a clause is extended",
    "consent_recorded": "a consent is given",
    "right_granted": "a right is granted",
    "flag_set": "a flag is set",
    "deadline_passed": "a deadline passes",
    "expiry_reached": "a term runs out",
}


_ID = re.compile(r"[\w-]+")


def _in_names(text: str, labels: dict[str, str]) -> str:
    """A description written with ids ("microsoft has consented to cloud_partnership"), with
    each id of a party, entity, kind of move or set replaced by its name or title."""
    return _ID.sub(lambda m: labels.get(m.group(0), m.group(0)), text)


def _named_change(change: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """A change with its values named (an entity's name, a set's title), to be described."""
    return {
        k: labels.get(v, v) if k != KIND_FIELD and isinstance(v, str) else v
        for k, v in change.items()
    }


def _named(value: Any, labels: dict[str, str]) -> str:
    """A value as a reader knows it: an entity's or a party's name, a set's title."""
    if isinstance(value, list):
        return "[" + ", ".join(_named(v, labels) for v in value) + "]"
    return labels.get(value, value) if isinstance(value, str) else str(value)


def _seen(test: Any, values: dict[str, Any], labels: dict[str, str]) -> str:
    """The value a condition saw, named; state questions answer yes or no."""
    if isinstance(test, FieldTest):
        if test.field not in values:
            return "not given"
        if test.field == DATE_FIELD or (
            isinstance(values[test.field], int)
            and test.shown is not None
            and "-" in str(test.shown)
        ):
            return _actual(test, values, labels).split(" is ", 1)[1]
        return _named(values[test.field], labels)
    held = "yes" if values.get(test.probe) == 1 else "no"
    figures = values.get(test.probe + _FIGURES)  # a measure's or a comparison's figures
    return held if figures is None else f"{held}: {figures}"


def _describe_change(change: dict[str, Any], names: dict[str, str]) -> str:
    operation = CHANGES.get(change[KIND_FIELD])
    return (
        str(change[KIND_FIELD]) if operation is None else operation.describe_change(change, names)
    )


def _json_writer() -> Callable[[dict[str, Any]], str]:
    """json.dumps with its defaults, but one C encoder made once: json.dumps makes a new one
    (and a closure) on every call, and every fact asserted is written as JSON."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)  # not in the stubs
    if make is None:  # a Python without the C accelerator
        return json.dumps
    iterencode = make(
        None,  # no check for circular references: a fact is a flat dictionary the engine made
        json.JSONEncoder().default,
        encoder.encode_basestring_ascii,
        None,
        ": ",
        ", ",
        False,
        False,
        True,
    )

    def write(fact: dict[str, Any]) -> str:
        return "".join(iterencode(fact, 0))

    return write


_to_json = _json_writer()


def _retire(handles: dict[str, int]) -> None:
    """An evaluator's finalizer: queue its rulesets for `_free_retired` (it takes no lock)."""
    _retired_handles.extend(handles.values())


def _free_retired() -> None:
    """Free the rulesets of collected evaluators; the caller holds `_DURABLE_LOCK`."""
    while _retired_handles:
        try:
            _rete.delete_ruleset(_retired_handles.popleft())
        except _rete.error:  # already gone: nothing is left to free, and no check is harmed
            continue
