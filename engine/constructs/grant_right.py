"""`grant_right: {to, right}`: the party gains a right (entitlements grant theirs this way)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from engine.constructs.base import ArgModel, Change, Operation

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class GrantRightArgs(ArgModel):
    to: str = Field(description="The party that gains the right.")
    right: str = Field(description="The right, in words; may name {field}s of the move.")


class GrantRight(Operation):
    op = "grant_right"
    args = ("to", "right")
    model = GrantRightArgs
    change = "right_granted"
    change_fields = ("to", "right")
    targets: ClassVar[dict[str, str]] = {"to": "party"}

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        right = (args["to"], args["right"], rule)
        if any(r[:2] == right[:2] for r in state.rights):
            return []
        state.rights.append(right)
        return [{"kind": "right_granted", "to": right[0], "right": right[1]}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        if any((p, r) == (args["to"], args["right"]) for p, r, _ in world.rights):
            return []
        world.rights.append((args["to"], args["right"], rule))
        return [{"kind": "right_granted", "to": args["to"], "right": args["right"]}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return f"{names.get(change['to'], change['to'])} gained {change['right']}"
