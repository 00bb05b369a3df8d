"""`{in_set: {set: <set id>, field: <move field>}}`: the entity a field of the move names is in
the set (sets grow by `add_to_set`). As a field test, `who: {in_set: s}` / `{not_in_set: s}`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from engine.conditions import StateTest
from engine.constructs.base import ArgModel, Condition, Site
from engine.suggest import did_you_mean

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class InSetArgs(ArgModel):
    set: str = Field(description="The set's id.")
    field: str = Field(description="The field of the move that names the entity.")


class InSet(Condition):
    word = "in_set"
    questions = ("in_set", "not_in_set")
    model = InSetArgs
    usage = "{in_set: {set: <set id>, field: <move field>}}"

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        where = f"{site.where}.in_set"
        if not isinstance(arg, dict) or set(arg) != {"set", "field"}:
            site.problem(f"{where}: expected {{set: <set id>, field: <move field>}}")
            return None
        ok = site.ref(str(arg["set"]), site.resolver.sets, "set", f"{where}.set")
        if str(arg["field"]) not in site.fields:
            site.problem(
                f"{where}.field: '{arg['field']}' is not a field of the move"
                + did_you_mean(arg["field"], site.fields)
            )
            ok = False
        if not ok:
            return None
        return StateTest(
            "in_set", (str(arg["set"]), str(arg["field"])), f"{arg['field']} in {arg['set']}"
        )

    def describe(self, test: StateTest) -> str:
        if test.question == "in_set":
            return f"{test.args[1]} is in {test.args[0]}"
        return f"{test.args[1]} is not in {test.args[0]}"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        inside = fact.get(test.args[1]) in state.sets.get(test.args[0], set())
        return inside if test.question == "in_set" else not inside

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        inside = values.get(test.args[1]) in world.sets.get(test.args[0], set())
        return inside if test.question == "in_set" else not inside
