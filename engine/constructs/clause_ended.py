"""`{clause_ended: <clause id>}`: the clause is no longer in force (ended by a norm, an expiry,
or the end of the partnership unless it survives termination)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.conditions import StateTest
from engine.constructs.base import Condition, Site

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class ClauseEnded(Condition):
    word = "clause_ended"
    questions = ("clause_ended",)
    model = str
    usage = "{clause_ended: <clause id>}"

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        if site.ref(str(arg), site.resolver.clauses, "clause", f"{site.where}.clause_ended"):
            return StateTest("clause_ended", (str(arg),), f"clause {arg} ended")
        return None

    def describe(self, test: StateTest) -> str:
        return f"clause {test.args[0]} has ended"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        return not state.clause_in_force(test.args[0])

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        return not world.in_force(test.args[0])
