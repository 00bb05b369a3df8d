"""Consent: a move the bearer may make only with another party's consent to its kind."""

from __future__ import annotations

from typing import Any, ClassVar

from engine.conditions import StateTest, Trigger
from engine.model import Norm, NormKind, Severity
from engine.norms.base import NormChecks, NormKindDef


class ConsentKind(NormKindDef):
    kind = NormKind.consent
    required = ("when", "consent_of")
    keys = ("consent_of",)
    conflict = True
    default_severity: ClassVar[Severity] = Severity.blocking
    summary = "a move that needs another party's consent; firing without it is a conflict"

    def check_refs(self, norm: Norm, checks: NormChecks) -> None:
        if norm.consent_of is not None:
            checks.ref(norm.consent_of, "parties", "party", ("consent_of",))

    def exceptions(self, norm: Norm, trigger: Trigger, data: dict[str, Any]) -> list[StateTest]:
        if norm.consent_of is None:
            return []
        return [
            StateTest("consent", (norm.consent_of, trigger.kind), f"consent from {norm.consent_of}")
        ]


KIND = ConsentKind()
