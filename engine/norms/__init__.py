"""The norm registry: one module per norm kind, looked up by the pipeline stages.

validate, compile, evaluate, state and the CLI's `explain` ask `kind_of(norm)` what a norm of
that kind needs, accepts, builds, does and says, instead of testing its kind in if/elif chains.
"""

from __future__ import annotations

from engine.conditions import with_article
from engine.model import Norm, NormKind
from engine.norms import (
    consent,
    entitlement,
    expiry,
    maintenance,
    obligation,
    prohibition,
    termination,
    trigger,
)
from engine.norms.base import KIND_KEYS, NormChecks, NormKindDef

REGISTRY: dict[NormKind, NormKindDef] = {
    m.KIND.kind: m.KIND
    for m in (
        prohibition,
        obligation,
        consent,
        entitlement,
        termination,
        expiry,
        trigger,
        maintenance,
    )
}


def kind_of(norm: Norm) -> NormKindDef:
    return REGISTRY[norm.kind]


def foreign_key_problem(norm: Norm, key: str) -> str:
    """What to say about a key of another kind: whose key it is and what this kind takes."""
    kind = kind_of(norm)
    owners = [k.value for k, d in REGISTRY.items() if key in d.keys]
    return (
        f"'{key}' is not a key of {with_article(norm.kind.value)} norm (it belongs to: {', '.join(owners)}); "
        f"{with_article(norm.kind.value)} accepts {kind.accepts()}"
    )


__all__ = ["KIND_KEYS", "REGISTRY", "NormChecks", "NormKindDef", "foreign_key_problem", "kind_of"]
