"""What one norm means, as data: its clause, what triggers it, what defeats it, what it sets off.

The server, the MCP tools and the web page show the same explanation as `contract-engine explain`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from engine.api import Contract
from engine.conditions import with_article
from engine.errors import MoveError
from engine.suggest import did_you_mean


class Explanation(BaseModel):
    """One norm explained. `defined_at` is file:line of the norm in its rule file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    kind: str
    clause: str
    clause_title: str
    clause_text: str
    source: str
    defined_at: str
    bearer: str
    beneficiary: str | None
    severity: str
    fires_on: str
    requires: list[str]
    unless: list[str]
    in_force_from: dt.date | None
    in_force_until: dt.date | None
    met_by: str | None
    then: list[str]
    message: str

    def to_text(self) -> str:
        lines = [
            f"{self.rule}: {with_article(self.kind)} of clause {self.clause} ({self.clause_title})",
            f"  defined at: {self.defined_at}",
            f"  bearer: {self.bearer}"
            + (f", beneficiary: {self.beneficiary}" if self.beneficiary else ""),
            f"  severity: {self.severity}",
            f"  fires on: {self.fires_on}",
        ]
        lines += [f"  requires: {r}" for r in self.requires]
        lines += [f"  unless: {u}" for u in self.unless]
        if self.in_force_from or self.in_force_until:
            lines.append(
                f"  in force: from {self.in_force_from or 'the start'} "
                f"until {self.in_force_until or 'the end'}"
            )
        if self.met_by:
            lines.append(f"  met by: {self.met_by}")
        lines += [f"  then: {t}" for t in self.then]
        lines += [
            f"  message: {self.message}",
            f"  clause text: {self.clause_text}",
            f"  source: {self.source}",
        ]
        return "\n".join(lines) + "\n"


def explain(contract: Contract, rule: str, show_path: Callable[[str], str] = str) -> Explanation:
    """Explain norm `rule`; MoveError with a did-you-mean when the contract has no such norm.
    `show_path` writes the rule file's path for `defined_at` (a server shows no full paths)."""
    spec = next((n for n in contract.spec.norms if n.id == rule), None)
    if spec is None:
        known = [n.id for n in contract.spec.norms]
        raise MoveError(f"contract {contract.id} has no norm '{rule}'{did_you_mean(rule, known)}")
    n = spec.norm
    clause = contract.spec.clauses[n.clause]
    met_by = None
    if spec.fulfils:
        met_by = spec.fulfils.describe() + (
            f" by {n.by}" if n.by else f" within {n.within_days} days"
        )
    where = show_path(spec.file)
    return Explanation(
        rule=n.id,
        kind=n.kind.value,
        clause=clause.id,
        clause_title=clause.title,
        clause_text=clause.text,
        source=clause.source,
        defined_at=f"{where}:{spec.line}" if spec.line is not None else where,
        bearer=n.bearer,
        beneficiary=n.beneficiary,
        severity=n.effective_severity.value,
        fires_on=spec.trigger.describe(),
        requires=[t.describe() for t in spec.requires],
        unless=[e.describe() for e in spec.exceptions],
        in_force_from=n.valid_from,
        in_force_until=n.valid_until,
        met_by=met_by,
        then=[f"{c.op} {dict(c.args) or ''}".rstrip() for c in spec.consequences],
        message=n.message,
    )
