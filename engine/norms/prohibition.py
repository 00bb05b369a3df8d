"""Prohibition: a move the bearer must not make. Firing is a conflict, blocking by default."""

from __future__ import annotations

from typing import ClassVar

from engine.model import NormKind, Severity
from engine.norms.base import NormKindDef


class Prohibition(NormKindDef):
    kind = NormKind.prohibition
    conflict = True
    default_severity: ClassVar[Severity] = Severity.blocking
    summary = "a move the bearer must not make; firing is a conflict"


KIND = Prohibition()
