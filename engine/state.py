"""The state of the world a move sees, and the consequences that change it.

State is plain data copied for each check, so two checks never share it. Every change returns
the change facts it caused, which the evaluator feeds back to the rules (forward chaining).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.conditions import FieldTest, StateTest
from engine.constructs import OPERATIONS, QUESTIONS
from engine.measures import Ledger, Measure
from engine.norms import kind_of
from engine.periods import Duration, Period, TermClock, contract_start, first_period
from engine.validate import ContractSpec


@dataclass(frozen=True)
class Deadline:
    """One open instance of an obligation (engine/norms/obligation.py)."""

    norm: str
    due: dt.date  # the last day on which the obligation can still be met
    started: str  # what started the clock
    key: str  # the instance: the norm id, `<id>#<n>` (each) or `<id>[<field>=<value>]` (per)
    seq: int = 0  # the how-many-th deadline of its norm in this check
    words: tuple[tuple[str, Any], ...] = ()  # the starting move's fields, for the message
    binds: tuple[tuple[str, Any], ...] = ()  # values the move that meets it is tested against
    accrued: bool = False  # its clause or the partnership ended while it was pending
    instance: str | None = None  # `<field>=<value>` for one-per-value obligations


@dataclass(frozen=True)
class Notice:
    """A termination by notice, pending until it takes effect (engine/norms/termination.py)."""

    norm: str
    effective: dt.date  # the first day on which the partnership or clauses have ended
    given: str  # the move that gave notice, and its date


@dataclass
class State:
    """What a check knows and changes. A field added here must be added to `copy` too."""

    partnership: Literal["in_force", "ended"]
    partnership_ended_by: str | None
    clauses: dict[str, Literal["in_force", "ended", "violated"]]
    clause_notes: dict[str, str]  # clause id -> why it ended or was violated
    clause_until: dict[str, dt.date | None]  # clause id -> end date set by an expiry
    surviving: frozenset[str]
    consents: set[tuple[str, str]]  # blanket consents: (party, event kind)
    keyed_consents: set[tuple[str, str, str]]  # (party, event kind, value of the keyed field)
    once_consents: set[tuple[str, str, str | None]]  # those used up by the move they permit
    happened: set[str]
    sets: dict[str, set[str]]
    flags: set[str]
    rights: list[tuple[str, str, str]]  # (party, right, norm)
    deadlines: dict[str, Deadline]
    expiries: dict[str, dt.date]  # expiry norm -> last day in force
    expiry_clause: dict[str, str]  # expiry norm -> the clause it ends
    fulfilled: set[str] = field(default_factory=set)  # deadline keys met in this check
    started: dict[str, int] = field(default_factory=dict)  # obligation -> deadlines started
    notices: dict[str, Notice] = field(default_factory=dict)  # termination norm -> its notice
    kept: dict[str, bool] = field(default_factory=dict)  # maintenance norm -> held at last check
    # recurring periods and the term (engine/periods.py): the running period of each period
    # some norm listens to, and where the term stands (None: no term, or it has ended)
    periods: dict[str, Period] = field(default_factory=dict)
    period_start: dt.date | None = None  # the contract's start, which periods count from
    term: TermClock | None = None
    # measures (engine/measures.py): the declarations, by id and by the kind they measure, the
    # running totals, and the day the fact being judged is taken as of
    measures: dict[str, Measure] = field(default_factory=dict)
    measures_of: dict[str, tuple[Measure, ...]] = field(default_factory=dict)
    measure_filters: dict[str, tuple[FieldTest, ...]] = field(default_factory=dict)
    ledger: Ledger = field(default_factory=Ledger)
    as_of: dt.date = dt.date.min
    today: dt.date = dt.date.min  # the date of the fact being judged
    # clauses that survive the partnership's end for a while: how long, and once it has ended,
    # their last day in force (engine/constructs/end_partnership.py sets it)
    tails: dict[str, Duration] = field(default_factory=dict)
    tail_until: dict[str, dt.date] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)  # the contract's values, by id

    @classmethod
    def initial(cls, spec: ContractSpec) -> State:
        s = spec.state
        deadlines: dict[str, Deadline] = {}
        expiries: dict[str, dt.date] = {}
        expiry_clause: dict[str, str] = {}
        until: dict[str, dt.date | None] = {}
        for norm in spec.norms:
            n = norm.norm
            kind = kind_of(n)
            due = kind.initial_deadline(n)
            if due is not None and (
                s.partnership == "in_force"
                or any(c.id == n.clause and c.survives_termination for c in spec.clauses.values())
            ):
                deadlines[n.id] = Deadline(n.id, due, "the contract", n.id)
            last = kind.initial_expiry(n)
            if last is not None:
                expiries[n.id] = last
                expiry_clause[n.id] = n.clause
                until[n.clause] = last
        header = spec.contract.contract
        start = contract_start(header)
        return cls(
            periods={
                name: first_period(name, start)
                for name in spec.periods
                if name != "term" and start is not None
            },
            period_start=start,
            term=TermClock.first(header.term) if header.term is not None else None,
            measures={m.id: m for m in spec.contract.measures},
            measure_filters=spec.measure_filters,
            values={v.id: v.initial for v in spec.contract.values},
            tails={c.id: c.survives for c in spec.clauses.values() if c.survives is not None},
            measures_of={
                kind: tuple(m for m in spec.contract.measures if m.of == kind)
                for kind in {m.of for m in spec.contract.measures}
            },
            partnership=s.partnership,
            partnership_ended_by="the initial state" if s.partnership == "ended" else None,
            clauses={c: "in_force" for c in spec.clauses},
            clause_notes={},
            clause_until=until,
            surviving=frozenset(c.id for c in spec.clauses.values() if c.survives_termination),
            consents={(c.given_by, c.subject) for c in s.consents},
            keyed_consents=set(),
            once_consents=set(),
            happened=set(s.happened),
            sets={k: set(v.members) for k, v in spec.sets.items()},
            flags=set(s.flags),
            rights=[],
            deadlines=deadlines,
            expiries=expiries,
            expiry_clause=expiry_clause,
        )

    def copy(self) -> State:
        """A copy that shares nothing that a check changes (deadlines are frozen; the surviving
        clauses, which clause each expiry ends, the measures and the tails are fixed at the
        start). Every check starts with one: the fields are copied as a dictionary, not passed
        through the dataclass's constructor, and only the containers a check changes are new."""
        new = object.__new__(State)
        fields = new.__dict__
        fields.update(self.__dict__)  # the immutable values and what never changes, shared
        fields["clauses"] = self.clauses.copy()
        fields["clause_notes"] = self.clause_notes.copy()
        fields["clause_until"] = self.clause_until.copy()
        fields["consents"] = self.consents.copy()
        fields["keyed_consents"] = self.keyed_consents.copy()
        fields["once_consents"] = self.once_consents.copy()
        fields["happened"] = self.happened.copy()
        fields["sets"] = {k: v.copy() for k, v in self.sets.items()}
        fields["flags"] = self.flags.copy()
        fields["rights"] = self.rights.copy()
        fields["deadlines"] = self.deadlines.copy()
        fields["expiries"] = self.expiries.copy()
        fields["fulfilled"] = self.fulfilled.copy()
        fields["started"] = self.started.copy()
        fields["notices"] = self.notices.copy()
        fields["kept"] = self.kept.copy()
        fields["periods"] = self.periods.copy()
        if self.measures_of:  # without measures nothing is ever recorded: one empty ledger
            fields["ledger"] = self.ledger.copy()
        fields["tail_until"] = self.tail_until.copy()
        fields["values"] = self.values.copy()
        return new

    def fingerprint(self) -> tuple[Any, ...]:
        """Everything a report shows of this state, hashable: equal fingerprints, equal views."""
        return (
            self.partnership,
            self.partnership_ended_by,
            tuple(self.clauses.items()),
            tuple(self.clause_notes.items()),
            tuple(self.clause_until.items()),
            frozenset(self.consents),
            frozenset(self.keyed_consents),
            frozenset(self.once_consents),
            frozenset(self.happened),
            tuple((k, frozenset(v)) for k, v in self.sets.items()),
            frozenset(self.flags),
            tuple(self.rights),
            tuple(self.deadlines.items()),
            tuple(self.values.items()),
            tuple(self.notices.items()),
        )

    # -- questions the rules ask ----------------------------------------------------------------
    def clause_in_force(self, clause: str) -> bool:
        if self.clauses.get(clause) == "ended":
            return False
        return not (
            self.partnership == "ended"
            and clause not in self.surviving
            and clause not in self.tail_until
        )

    def why_clause_ended(self, clause: str) -> str:
        if self.clauses.get(clause) == "ended":
            return self.clause_notes.get(clause, f"clause {clause} has ended")
        return f"the partnership has ended ({self.partnership_ended_by})"

    def answer(self, test: StateTest, fact: dict[str, Any]) -> int:
        return 1 if QUESTIONS[test.question].answer(self, test, fact) else 0

    # -- changes ---------------------------------------------------------------------------
    def apply(self, op: str, args: dict[str, Any], by: str, rule: str = "") -> list[dict[str, Any]]:
        """Apply one consequence; return the change facts it caused (none if nothing changed).
        `by` says in words what caused it; `rule` is the norm whose consequence it is."""
        return OPERATIONS[op].apply(self, args, by, rule)
