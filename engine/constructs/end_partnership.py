"""`end_partnership: true`: the partnership ends; clauses that do not survive termination stop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.constructs.base import Change, Operation

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
        return [{"kind": "partnership_ended"}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        if world.partnership == "ended":
            return []
        world.partnership = "ended"
        return [{"kind": "partnership_ended"}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return "the partnership ended"
