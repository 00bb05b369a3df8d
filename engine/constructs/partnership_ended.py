"""`partnership_ended`: the partnership has ended (by a termination norm, a move's effect or the
initial state). Written bare: `if: [partnership_ended]`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from engine.conditions import StateTest
from engine.constructs.base import Condition, Site

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class PartnershipEnded(Condition):
    word = "partnership_ended"
    questions = ("partnership_ended",)
    model = Literal["partnership_ended"]
    usage = "partnership_ended"
    bare = True

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        return StateTest("partnership_ended", (), "partnership_ended")

    def describe(self, test: StateTest) -> str:
        return "the partnership has ended"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        return state.partnership == "ended"

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        return world.partnership == "ended"
