"""Windows and deadlines outside their clause's life: a norm that starts applying after its
clause's dated end, an obligation due after it, a window over before the contract's date."""

from __future__ import annotations

from engine.amend import amendment_of
from engine.lint.context import Lint
from engine.model import NormKind
from engine.validate import NormSpec

CHECKS = {
    "window-outside-clause": (
        "exact for dated terms",
        "the norm's window starts after its clause's term ends",
    ),
    "deadline-after-clause": (
        "exact for dated deadlines",
        "an obligation due after its clause's term ends",
    ),
}


def run(lint: Lint) -> None:
    for norm in lint.spec.norms:
        windows(lint, norm)


def windows(lint: Lint, norm: NormSpec) -> None:
    n = norm.norm
    end = lint.until.get(n.clause)
    if end is not None and n.valid_from is not None and n.valid_from > end:
        lint.add(
            norm,
            "error",
            "window-outside-clause",
            f"{n.id}: applies from {n.valid_from}, but clause {n.clause} ends on {end}",
        )
    amendment = amendment_of(lint.spec)
    old_terms = amendment is not None and n.id.endswith(f"-before-{amendment.id}")
    if n.valid_until is not None and n.valid_until < lint.contract.as_of and not old_terms:
        lint.add(
            norm,
            "info",
            "window-outside-clause",
            f"{n.id}: its window ended on {n.valid_until}, before the contract's date {lint.contract.as_of}",
        )
    if n.kind is NormKind.obligation and n.by is not None and end is not None and n.by > end:
        lint.add(
            norm,
            "warning",
            "deadline-after-clause",
            f"{n.id}: due by {n.by}, after clause {n.clause} ends on {end}: the deadline can no longer be enforced",
        )
