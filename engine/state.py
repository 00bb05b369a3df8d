"""The state of the world a move sees, and the consequences that change it.

State is plain data copied for each check, so two checks never share it. Every change returns
the change facts it caused, which the evaluator feeds back to the rules (forward chaining).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.conditions import StateTest
from engine.norms import kind_of
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


@dataclass
class State:
    """What a check knows and changes. A field added here must be added to `copy` too."""

    partnership: Literal["in_force", "ended"]
    partnership_ended_by: str | None
    clauses: dict[str, Literal["in_force", "ended", "violated"]]
    clause_notes: dict[str, str]  # clause id -> why it ended or was violated
    clause_until: dict[str, dt.date | None]  # clause id -> end date set by an expiry
    surviving: frozenset[str]
    consents: set[tuple[str, str]]
    happened: set[str]
    sets: dict[str, set[str]]
    flags: set[str]
    rights: list[tuple[str, str, str]]  # (party, right, norm)
    deadlines: dict[str, Deadline]
    expiries: dict[str, dt.date]  # expiry norm -> last day in force
    expiry_clause: dict[str, str]  # expiry norm -> the clause it ends
    fulfilled: set[str] = field(default_factory=set)  # deadline keys met in this check
    started: dict[str, int] = field(default_factory=dict)  # obligation -> deadlines started

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
        return cls(
            partnership=s.partnership,
            partnership_ended_by="the initial state" if s.partnership == "ended" else None,
            clauses={c: "in_force" for c in spec.clauses},
            clause_notes={},
            clause_until=until,
            surviving=frozenset(c.id for c in spec.clauses.values() if c.survives_termination),
            consents={(c.given_by, c.subject) for c in s.consents},
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
        clauses and which clause each expiry ends are fixed at the start)."""
        return State(  # not dataclasses.replace: it walks the fields on every check
            partnership=self.partnership,
            partnership_ended_by=self.partnership_ended_by,
            clauses=dict(self.clauses),
            clause_notes=dict(self.clause_notes),
            clause_until=dict(self.clause_until),
            consents=set(self.consents),
            happened=set(self.happened),
            sets={k: set(v) for k, v in self.sets.items()},
            flags=set(self.flags),
            surviving=self.surviving,  # never changed after the start
            rights=list(self.rights),
            deadlines=dict(self.deadlines),
            expiries=dict(self.expiries),
            expiry_clause=self.expiry_clause,  # never changed after the start
            fulfilled=set(self.fulfilled),
            started=dict(self.started),
        )

    def fingerprint(self) -> tuple[Any, ...]:
        """Everything a report shows of this state, hashable: equal fingerprints, equal views."""
        return (
            self.partnership,
            self.partnership_ended_by,
            tuple(self.clauses.items()),
            tuple(self.clause_notes.items()),
            tuple(self.clause_until.items()),
            frozenset(self.consents),
            frozenset(self.happened),
            tuple((k, frozenset(v)) for k, v in self.sets.items()),
            frozenset(self.flags),
            tuple(self.rights),
            tuple(self.deadlines.items()),
        )

    # -- questions the rules ask ----------------------------------------------------------------
    def clause_in_force(self, clause: str) -> bool:
        if self.clauses.get(clause) == "ended":
            return False
        return not (self.partnership == "ended" and clause not in self.surviving)

    def why_clause_ended(self, clause: str) -> str:
        if self.clauses.get(clause) == "ended":
            return self.clause_notes.get(clause, f"clause {clause} has ended")
        return f"the partnership has ended ({self.partnership_ended_by})"

    def answer(self, test: StateTest, fact: dict[str, Any]) -> int:
        q, a = test.question, test.args
        if q == "partnership_ended":
            result = self.partnership == "ended"
        elif q == "consent":
            result = (a[0], a[1]) in self.consents
        elif q == "happened":
            result = a[0] in self.happened
        elif q == "clause_ended":
            result = not self.clause_in_force(a[0])
        elif q == "flag":
            result = a[0] in self.flags
        elif q in ("in_set", "not_in_set"):
            inside = fact.get(a[1]) in self.sets.get(a[0], set())
            result = inside if q == "in_set" else not inside
        else:  # pragma: no cover - validation admits no other question
            raise ValueError(q)
        return 1 if result else 0

    # -- changes ---------------------------------------------------------------------------
    def apply(self, op: str, args: dict[str, Any], by: str, rule: str = "") -> list[dict[str, Any]]:
        """Apply one consequence; return the change facts it caused (none if nothing changed).
        `by` says in words what caused it; `rule` is the norm whose consequence it is."""
        if op == "end_partnership":
            if self.partnership == "ended":
                return []
            self.partnership, self.partnership_ended_by = "ended", by
            return [{"kind": "partnership_ended"}]
        if op == "end_clause":
            clause = args["clause"]
            if self.clauses.get(clause) == "ended":
                return []
            self.clauses[clause] = "ended"
            self.clause_notes[clause] = by
            return [{"kind": "clause_ended", "clause": clause}]
        if op == "extend_clause":
            clause, until = args["clause"], args.get("until")
            day = dt.date.fromisoformat(until) if until else None
            self.clause_until[clause] = day
            for norm, _ in list(self.expiries.items()):
                if self.expiry_clause.get(norm) == clause:
                    if day is None:
                        del self.expiries[norm]
                    else:
                        self.expiries[norm] = day
            return [{"kind": "clause_extended", "clause": clause}]
        if op == "add_to_set":
            members = self.sets.setdefault(args["set"], set())
            if args["entity"] in members:
                return []
            members.add(args["entity"])
            return [{"kind": "set_joined", "set": args["set"], "entity": args["entity"]}]
        if op == "record_consent":
            key = (args["from"], args["for"])
            if key in self.consents:
                return []
            self.consents.add(key)
            return [{"kind": "consent_recorded", "from": key[0], "for": key[1]}]
        if op == "grant_right":
            right = (args["to"], args["right"], rule)
            if any(r[:2] == right[:2] for r in self.rights):
                return []
            self.rights.append(right)
            return [{"kind": "right_granted", "to": right[0], "right": right[1]}]
        if op == "set_flag":
            if args["flag"] in self.flags:
                return []
            self.flags.add(args["flag"])
            return [{"kind": "flag_set", "flag": args["flag"]}]
        raise ValueError(f"unknown consequence {op}")  # pragma: no cover
