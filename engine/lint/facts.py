"""What can ever become true in a contract, read from its files alone: the state facts some move,
consequence or the initial state can make true, and the changes (`when: {change: ...}`) something
can emit. Both over-approximate (a value filled from a move's field counts as any value), so a
check that finds nothing here may say so exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.api import Contract
from engine.conditions import FieldTest
from engine.constructs import OPERATIONS
from engine.model import NormKind
from engine.periods import PERIODS
from engine.templates import HOLE
from engine.validate import ContractSpec, NormSpec

ANY = "*"  # a value filled from a move's field: any value


@dataclass
class Possible:
    partnership_can_end: bool
    clauses_can_end: set[str]
    consents: set[tuple[str, str]]  # (from, for), "*" for a template
    flags: set[str]
    sets: set[str]


def possible_facts(contract: Contract) -> Possible:
    """Every state fact some move, consequence or the initial state can make true ("*": a value
    filled from a move's field, so any)."""
    spec = contract.spec
    p = Possible(
        partnership_can_end=spec.state.partnership == "ended",
        clauses_can_end=set(),
        consents={(c.given_by, c.subject) for c in spec.state.consents},
        flags=set(spec.state.flags),
        sets=set(),
    )
    for norm in spec.norms:
        n = norm.norm
        if n.kind is NormKind.termination:
            if n.ends == "partnership":
                p.partnership_can_end = True
            elif isinstance(n.ends, list):
                p.clauses_can_end.update(n.ends)
        if n.kind is NormKind.expiry:
            p.clauses_can_end.add(n.clause)
    for c in consequences(spec):
        args = {k: (v if v is not None and not HOLE.search(str(v)) else ANY) for k, v in c.args}
        if c.op == "end_partnership":
            p.partnership_can_end = True
        elif c.op == "end_clause":
            p.clauses_can_end.add(args["clause"])
        elif c.op == "record_consent":
            p.consents.add((args["from"], args["for"]))
        elif c.op == "set_flag":
            p.flags.add(args["flag"])
        elif c.op == "add_to_set":
            p.sets.add(args["set"])
    if ANY in p.clauses_can_end:
        p.clauses_can_end |= set(spec.clauses)
    return p


def consequences(spec: ContractSpec) -> list[Any]:
    """Every consequence written in the contract: the norms' `then` (with what their kind adds,
    an expiry's end of its clause, a termination's ends) and the event kinds' `effects`."""
    found = [c for k in spec.event_kinds.values() for c in k.effects]
    return found + [c for n in spec.norms for c in n.consequences]


def fits(possible: str, wanted: str) -> bool:
    return possible in (ANY, wanted)


def clause_until(norms: Iterable[NormSpec]) -> dict[str, dt.date]:
    """Each clause's last day in force by its expiry, where it has one (the earliest)."""
    until: dict[str, dt.date] = {}
    for norm in norms:
        n = norm.norm
        if n.kind is NormKind.expiry and n.on is not None:
            until[n.clause] = min(until.get(n.clause, n.on), n.on)
    return until


# -- changes --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Emission:
    """A change something in the contract can emit: its kind, the fields whose value is known
    (a constant), and what emits it, for messages."""

    kind: str
    known: tuple[tuple[str, Any], ...]
    by: str

    def may_satisfy(self, tests: Iterable[FieldTest]) -> bool:
        """Whether the change can pass every test: a field whose value is not known passes."""
        known = dict(self.known)
        return all(t.holds(known) for t in tests if t.field in known)


def emissions(spec: ContractSpec) -> list[Emission]:
    """Every change the contract can emit: by consequences and move effects, by the norms whose
    kind emits one (an obligation's `deadline_passed`, an expiry's `expiry_reached`, an
    entitlement's `right_granted`, a termination's ends), and by time (the periods, the term)."""
    out: list[Emission] = []
    ends_all = False
    for kind in spec.event_kinds.values():
        out += [_of(c, f"the effects of {kind.id}") for c in kind.effects]
    for norm in spec.norms:
        n = norm.norm
        out += [_of(c, norm.id) for c in norm.consequences]
        if n.kind is NormKind.obligation:
            out.append(Emission("deadline_passed", (("norm", n.id),), n.id))
        elif n.kind is NormKind.expiry:
            out.append(Emission("expiry_reached", (("norm", n.id),), n.id))
            out.append(Emission("clause_ended", (("clause", n.clause),), n.id))
        elif n.kind is NormKind.entitlement and n.beneficiary:
            right = n.grants if n.grants and not HOLE.search(n.grants) else None
            to = n.beneficiary if n.beneficiary in spec.parties else None  # `other`: any
            known = ((("to", to),) if to else ()) + ((("right", right),) if right else ())
            out.append(Emission("right_granted", known, n.id))
        elif n.kind is NormKind.termination:
            if n.ends == "partnership":
                ends_all = True
            elif isinstance(n.ends, list):
                out += [Emission("clause_ended", (("clause", c),), n.id) for c in n.ends]
    term = spec.contract.contract.term
    for period in PERIODS:
        if period != "term" or term is not None:
            out.append(Emission("period_ended", (("period", period),), "time"))
    if term is not None:
        out += [Emission(k, (), "the term") for k in ("term_renewed", "term_ended")]
        ends_all = True  # the term's end ends the partnership
    if ends_all or any(e.kind == "partnership_ended" for e in out):
        out.append(Emission("partnership_ended", (), "the end of the partnership"))
        out += [
            Emission("clause_ended", (("clause", c),), "the end of the partnership")
            for c in sorted(spec.clauses)
        ]
    return out


def _of(consequence: Any, by: str) -> Emission:
    """The change one consequence emits, with the fields its arguments fix."""
    operation = OPERATIONS[consequence.op]
    args = dict(consequence.args)
    known = tuple(
        (name, args[name])
        for name in operation.change_fields
        if name in args
        and args[name] is not None
        and not HOLE.search(str(args[name]))
        and (operation.change, name) != ("value_changed", "to")  # computed, not written
    )
    return Emission(operation.change, known, by)
