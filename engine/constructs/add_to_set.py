"""`add_to_set: {set, entity}`: the entity joins the set (e.g. `entity: "{provider}"`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from engine.constructs.base import ArgModel, Change, Operation

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class AddToSetArgs(ArgModel):
    set: str = Field(description="The set's id.")
    entity: str = Field(description="An entity id, or a {field} of the move.")


class AddToSet(Operation):
    op = "add_to_set"
    args = ("set", "entity")
    model = AddToSetArgs
    change = "set_joined"
    change_fields = ("set", "entity")
    reads = frozenset({"in_set", "not_in_set"})
    targets: ClassVar[dict[str, str]] = {"set": "set"}

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        members = state.sets.setdefault(args["set"], set())
        if args["entity"] in members:
            return []
        members.add(args["entity"])
        return [{"kind": "set_joined", "set": args["set"], "entity": args["entity"]}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        members = world.sets.setdefault(args["set"], set())
        if args["entity"] in members:
            return []
        members.add(args["entity"])
        return [{"kind": "set_joined", "set": args["set"], "entity": args["entity"]}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return f"{names.get(change['entity'], change['entity'])} joined {names.get(change['set'], change['set'])}"
