"""Termination: a move or change that ends the partnership or named clauses (`ends`)."""

from __future__ import annotations

from engine.conditions import Consequence
from engine.model import Norm, NormKind
from engine.norms.base import NormChecks, NormKindDef


class Termination(NormKindDef):
    kind = NormKind.termination
    required = ("when", "ends")
    keys = ("ends",)
    summary = "a move or change that ends the partnership or the clauses named in `ends`"

    def check_refs(self, norm: Norm, checks: NormChecks) -> None:
        if isinstance(norm.ends, list):
            for index, clause in enumerate(norm.ends):
                checks.ref(clause, "clauses", "clause", ("ends", index))

    def consequences(self, norm: Norm, declared: list[Consequence]) -> list[Consequence]:
        if norm.ends == "partnership":
            return [Consequence("end_partnership", ()), *declared]
        return [*declared, *(Consequence("end_clause", (("clause", c),)) for c in norm.ends or [])]


KIND = Termination()
