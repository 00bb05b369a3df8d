"""`set_flag: <name>`: the flag is set from now on (read by `{flag: <name>}`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.constructs.base import Change, Operation

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class SetFlag(Operation):
    op = "set_flag"
    args = ("flag",)
    model = str
    change = "flag_set"
    change_fields = ("flag",)
    reads = frozenset({"flag"})

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        if args["flag"] in state.flags:
            return []
        state.flags.add(args["flag"])
        return [{"kind": "flag_set", "flag": args["flag"]}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        if args["flag"] in world.flags:
            return []
        world.flags.add(args["flag"])
        return [{"kind": "flag_set", "flag": args["flag"]}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return f"{change['flag']} set"
