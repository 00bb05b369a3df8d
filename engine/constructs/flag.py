"""`{flag: <name>}`: a flag is set (by `set_flag` or in the initial state). Flags are free names:
a fact of the world the contract does not model otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.conditions import StateTest
from engine.constructs.base import Condition, Site

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class Flag(Condition):
    word = "flag"
    questions = ("flag",)
    model = str
    usage = "{flag: <name>}"

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        return StateTest("flag", (str(arg),), f"flag {arg}")

    def describe(self, test: StateTest) -> str:
        return f"{test.args[0]} is set"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        return test.args[0] in state.flags

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        return test.args[0] in world.flags
