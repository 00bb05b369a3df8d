"""`end_clause: <clause id>`: the clause stops being in force."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from engine.constructs.base import Change, Operation

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class EndClause(Operation):
    op = "end_clause"
    args = ("clause",)
    model = str
    change = "clause_ended"
    change_fields = ("clause",)
    reads = frozenset({"clause_ended"})
    targets: ClassVar[dict[str, str]] = {"clause": "clause"}

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        clause = args["clause"]
        if state.clauses.get(clause) == "ended":
            return []
        state.clauses[clause] = "ended"
        state.clause_notes[clause] = by
        return [{"kind": "clause_ended", "clause": clause}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        if world.clauses[args["clause"]] == "ended":
            return []
        world.clauses[args["clause"]] = "ended"
        return [{"kind": "clause_ended", "clause": args["clause"]}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return f"clause {change['clause']} ended"
