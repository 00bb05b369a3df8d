"""`end_partnership: true`: the partnership ends; clauses that do not survive termination stop,
and a clause with `survives: {months: 12}` stays in force for that long from the day it ends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.constructs.base import Change, Operation
from engine.periods import DAY

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class EndPartnership(Operation):
    op = "end_partnership"
    args = ()
    model = Any
    change = "partnership_ended"
    change_fields = ()
    reads = frozenset({"partnership_ended", "clause_ended"})

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        if state.partnership == "ended":
            return []
        state.partnership, state.partnership_ended_by = "ended", by
        for clause, tail in state.tails.items():  # clauses that survive for a while
            if state.clauses.get(clause) != "ended":
                state.tail_until[clause] = last = tail.after(state.today) - DAY
                state.clause_until[clause] = last
        return [{"kind": "partnership_ended"}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        if world.partnership == "ended":
            return []
        world.partnership = "ended"
        for clause, tail in world.tails.items():
            if world.clauses[clause] != "ended":
                world.tail_until[clause] = tail.after(world.today) - DAY
        return [{"kind": "partnership_ended"}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return "the partnership ended"
