"""Entitlement: a move or change that gives the beneficiary a right (`grants`)."""

from __future__ import annotations

from typing import Any

from engine.model import Norm, NormKind
from engine.norms.base import NormChecks, NormKindDef
from engine.templates import fill


class Entitlement(NormKindDef):
    kind = NormKind.entitlement
    required = ("when", "grants")
    keys = ("grants",)
    summary = "a move or change that gives the beneficiary the right named in `grants`"

    def check_refs(self, norm: Norm, checks: NormChecks) -> None:
        if norm.beneficiary is None:
            checks.problem((), "an entitlement needs a 'beneficiary' who gains the right")

    def granted(self, norm: Norm, display: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        if norm.beneficiary and norm.grants:
            return [("grant_right", {"to": norm.beneficiary, "right": fill(norm.grants, display)})]
        return []


KIND = Entitlement()
