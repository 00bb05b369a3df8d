"""States in plain words, as goals of a plan and atoms of a property: "the partnership ended",
"clause azure-exclusivity not in force", "microsoft consented to conversion", "flag X set".

A state is read from a report's `state.after`, so a goal means what the report shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from engine.api import Contract
from engine.errors import MoveError
from engine.phrases import normalise
from engine.report import StateView
from engine.suggest import did_you_mean

STATE_FORMS = (
    "the partnership ended | the partnership is in force",
    "clause ID in force | clause ID not in force | clause ID ended | clause ID violated",
    "PARTY consented to KIND",
    "flag NAME set",
    "ENTITY in SET",
    "KIND happened",
)


@dataclass(frozen=True)
class StateGoal:
    """A named test of a state."""

    text: str
    holds: Callable[[StateView], bool]


def parse_state(contract: Contract, text: str) -> StateGoal | None:
    """The state the words describe; None when they are not one of STATE_FORMS (then they may be
    a move). Words of a form with an unknown id are an error with did-you-mean."""
    s = contract.spec
    words = normalise(text)
    words = re.sub(r"^the ", "", words)
    if m := re.fullmatch(r"partnership (?:has )?(ended|is in force|in force)", words):
        ended = m.group(1) == "ended"
        return StateGoal(
            "the partnership " + ("ended" if ended else "is in force"),
            lambda v: (v.partnership == "ended") == ended,
        )
    if m := re.fullmatch(
        r"clause (\S+) (?:is |has )?(not in force|in force|ended|violated|not violated)", words
    ):
        clause, status = m.group(1), m.group(2)
        if clause not in s.clauses:
            raise MoveError(
                f"goal '{text}': no clause '{clause}'{did_you_mean(clause, s.clauses)}; "
                f"clauses: {', '.join(sorted(s.clauses))}"
            )

        def clause_holds(v: StateView, c: str = clause, st: str = status) -> bool:
            actual = v.clauses[c].status if c in v.clauses else "ended"
            return {
                "in force": actual == "in_force",
                "not in force": actual != "in_force",
                "ended": actual == "ended",
                "violated": actual == "violated",
                "not violated": actual != "violated",
            }[st]

        return StateGoal(f"clause {clause} {status}", clause_holds)
    if m := re.fullmatch(r"(.+?) (?:has )?consented to (.+)", words):
        party = _party(contract, m.group(1), text)
        kind = _kind(contract, m.group(2), text)
        wanted = f"{party} consented to {kind}"
        return StateGoal(wanted, lambda v: wanted in v.consents)
    if m := re.fullmatch(r"flag (\S+) (?:is )?set", words):
        flag = m.group(1)
        return StateGoal(f"flag {flag} set", lambda v: flag in v.flags)
    if (m := re.fullmatch(r"(.+?) (?:is )?in (?:set )?(\S+)", words)) and m.group(2) in s.sets:
        entity = _entity(contract, m.group(1))
        set_id = m.group(2)
        return StateGoal(f"{entity} in {set_id}", lambda v: entity in v.sets.get(set_id, []))
    if m := re.fullmatch(r"(.+?) (?:has )?happened", words):
        kind = _kind(contract, m.group(1), text)
        return StateGoal(f"{kind} happened", lambda v: kind in v.happened)
    return None


def _party(contract: Contract, raw: str, text: str) -> str:
    for p in contract.spec.parties.values():
        if raw in {p.id, normalise(p.name), *(normalise(a) for a in p.aliases)}:
            return p.id
    raise MoveError(
        f"goal '{text}': '{raw}' is not a party; parties: {', '.join(sorted(contract.spec.parties))}"
    )


def _kind(contract: Contract, raw: str, text: str) -> str:
    raw = re.sub(r"^(the|an|a) ", "", raw)
    for k in contract.spec.event_kinds.values():
        names = {k.id, k.id.replace("_", " "), normalise(k.kind.title)}
        names |= {re.sub(r"^(the|an|a) ", "", normalise(a)) for a in k.kind.aliases}
        if raw in names:
            return k.id
    kinds = sorted(contract.spec.event_kinds)
    raise MoveError(
        f"goal '{text}': '{raw}' is not a kind of move{did_you_mean(raw, kinds)}; kinds: {', '.join(kinds)}"
    )


def _entity(contract: Contract, raw: str) -> str:
    for e in contract.spec.entities.values():
        if raw in {e.id, normalise(e.name), *(normalise(a) for a in e.aliases)}:
            return e.id
    return re.sub(r"[^a-z0-9]+", "_", raw).strip("_")
