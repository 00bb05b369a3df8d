"""Trigger: a move or change that sets something off that is neither a right nor an end."""

from __future__ import annotations

from engine.model import NormKind
from engine.norms.base import NormKindDef


class TriggerKind(NormKindDef):
    kind = NormKind.trigger
    summary = "a move or change that sets off the norm's `then`; firing is a consequence"


KIND = TriggerKind()
