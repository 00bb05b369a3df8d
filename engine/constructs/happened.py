"""`{happened: <event kind>}`: a move of that kind has already happened (in this timeline or
before it, as the initial state says)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.conditions import StateTest
from engine.constructs.base import Condition, Site, article

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class Happened(Condition):
    word = "happened"
    questions = ("happened",)
    model = str
    usage = "{happened: <event kind>}"

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        if site.ref(str(arg), site.resolver.kinds, "event kind", f"{site.where}.happened"):
            return StateTest("happened", (str(arg),), f"{arg} happened")
        return None

    def describe(self, test: StateTest) -> str:
        return f"{article(test.args[0])} has already happened"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        return test.args[0] in state.happened

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        return test.args[0] in world.happened

    def covers(self, test: StateTest) -> tuple[str, ...]:
        return (test.args[0],)
