"""`extend_clause: {clause, until?}`: the clause's expiry moves to `until`, or goes away."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from engine.constructs.base import ArgModel, Change, Operation, Site

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class ExtendClauseArgs(ArgModel):
    clause: str = Field(description="The clause whose expiry moves.")
    until: dt.date | None = Field(None, description="The new last day; none: no expiry.")


class ExtendClause(Operation):
    op = "extend_clause"
    args = ("clause", "until")
    optional = frozenset({"until"})
    model = ExtendClauseArgs
    change = "clause_extended"
    change_fields = ("clause",)
    targets: ClassVar[dict[str, str]] = {"clause": "clause"}

    def check(self, name: str, value: Any, text: str, site: Site) -> None:
        if name == "until" and value is not None:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                site.problem(
                    f"{site.where}.{self.op}.until: '{text}' is not a date; expected YYYY-MM-DD"
                )

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        clause, until = args["clause"], args.get("until")
        day = dt.date.fromisoformat(until) if until else None
        state.clause_until[clause] = day
        for norm, _ in list(state.expiries.items()):
            if state.expiry_clause.get(norm) == clause:
                if day is None:
                    del state.expiries[norm]
                else:
                    state.expiries[norm] = day
        return [{"kind": "clause_extended", "clause": clause}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        until = args.get("until")
        for expiry, clause in world.expiry_clauses.items():
            if clause == args["clause"] and expiry in world.expiries:
                if until:
                    world.expiries[expiry] = dt.date.fromisoformat(until)
                else:
                    del world.expiries[expiry]
        return [{"kind": "clause_extended", "clause": args["clause"]}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return f"clause {change['clause']} extended"
