"""What a norm or a clause means, as data: one explanation for every door.

`contract-engine explain` prints it (`to_text`), the server and the MCP server return it as JSON,
so they cannot drift apart. A norm's lines: its clause, what triggers it, what it requires, what
defeats it, when it is in force (its effective window: its own dates within the contract's),
the lines its kind adds (engine/norms: what starts an obligation, what meets it, notice terms),
what it overrides and what overrides it, what it sets off, and its message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from engine.api import Contract
from engine.conditions import with_article
from engine.constructs import OPERATIONS
from engine.errors import MoveError
from engine.norms import kind_of
from engine.suggest import did_you_mean


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KindLine(_Frozen):
    """A line a norm's kind adds: `starts on`, `met by`, `ends`, `withdrawn by` ..."""

    label: str
    text: str


class Explanation(_Frozen):
    """One norm explained. `defined_at` is file:line of the norm in its rule file."""

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
    kind_lines: list[KindLine]
    overrides: list[str]
    overridden_by: list[str]
    then: list[str]
    message: str
    # a norm that only a reading of a disputed clause has: that reading ("reading panel of ...")
    under: str | None = None

    def lines(self) -> list[str]:
        """The norm's lines, without its clause's text and source."""
        out = [
            f"{self.rule}: {with_article(self.kind)} of clause {self.clause} ({self.clause_title})",
            *([f"  only under {self.under} (check --reading fixes it)"] if self.under else []),
            f"  defined at: {self.defined_at}",
            f"  bearer: {self.bearer}"
            + (f", beneficiary: {self.beneficiary}" if self.beneficiary else ""),
            f"  severity: {self.severity}",
            f"  fires on: {self.fires_on}",
        ]
        out += [f"  requires: {r}" for r in self.requires]
        out += [f"  unless: {u}" for u in self.unless]
        if self.in_force_from or self.in_force_until:
            out.append(
                f"  in force: from {self.in_force_from or 'the start'} "
                f"until {self.in_force_until or 'the end'}"
            )
        out += [f"  {k.label}: {k.text}" for k in self.kind_lines]
        if self.overrides:
            out.append(f"  overrides: {', '.join(self.overrides)} (they give way when this fires)")
        if self.overridden_by:
            out.append(f"  overridden by: {', '.join(self.overridden_by)}")
        out += [f"  then: {t}" for t in self.then]
        out.append(f"  message: {self.message}")
        return out

    def clause_lines(self) -> list[str]:
        return [f"  clause text: {self.clause_text}", f"  source: {self.source}"]

    def to_text(self) -> str:
        return "\n".join([*self.lines(), *self.clause_lines()]) + "\n"


class ReadingLine(_Frozen):
    """One reading of a disputed clause and what it changes in the clause's norms."""

    name: str
    description: str
    default: bool
    replaces: list[str]
    adds: list[str]
    removes: list[str]

    def text(self) -> str:
        changed = [
            *(f"replaces {i}" for i in self.replaces),
            *(f"adds {i}" for i in self.adds),
            *(f"removes {i}" for i in self.removes),
        ]
        default = " (default)" if self.default else ""
        return f"    {self.name}{default}: {self.description}" + (
            f" [{'; '.join(changed)}]" if changed else ""
        )


class NormsExplanation(_Frozen):
    """Several norms explained together: a clause's norms, or the one norm per party that a
    `bearer: either` norm stands for (`of: either`, `id` its base id)."""

    of: Literal["clause", "either"]
    id: str
    clause: str
    clause_title: str
    clause_text: str
    source: str
    norms: list[Explanation]
    # a disputed clause: its readings (`check --reading CLAUSE=NAME` fixes one)
    readings: list[ReadingLine] = []

    def to_text(self) -> str:
        ids = [n.rule for n in self.norms]
        if self.of == "clause":
            out = [
                f"clause {self.clause}: {self.clause_title}",
                f"  text: {self.clause_text}",
                f"  source: {self.source}",
                f"  norms: {', '.join(ids) or '(none)'}",
            ]
            if self.readings:
                out.append("  readings (check --reading CLAUSE=NAME fixes one):")
                out += [reading.text() for reading in self.readings]
            for norm in self.norms:
                out += ["", *norm.lines()]
        else:
            out = [f"{self.id}: one norm for each party ({', '.join(ids)})"]
            for norm in self.norms:
                out += ["", *norm.lines()]
            out += [f"  clause text: {self.clause_text}", f"  source: {self.source}"]
        return "\n".join(out) + "\n"


def explain(contract: Contract, rule: str, show_path: Callable[[str], str] = str) -> Explanation:
    """Explain norm `rule`; MoveError with a did-you-mean when the contract has no such norm.
    `show_path` writes the rule file's path for `defined_at` (a server shows no full paths)."""
    spec = next((n for n in contract.spec.norms if n.id == rule), None)
    if spec is None:
        known = [n.id for n in contract.spec.norms]
        each = [k for k in known if k.startswith(f"{rule}@")]
        if each:  # `bearer: either`: one norm per party
            raise MoveError(
                f"norm '{rule}' of contract {contract.id} is one norm for each party: "
                f"{', '.join(each)}; explain one of them"
            )
        raise MoveError(f"contract {contract.id} has no norm '{rule}'{did_you_mean(rule, known)}")
    n = spec.norm
    clause = contract.spec.clauses[n.clause]
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
        in_force_from=spec.window_from,
        in_force_until=spec.window_until,
        kind_lines=[KindLine(label=label, text=text) for label, text in kind_of(n).explain(spec)],
        overrides=list(n.overrides),
        overridden_by=[o.id for o in spec.overridden_by],
        then=[OPERATIONS[c.op].show(c) for c in spec.consequences],
        message=n.message,
    )


def explain_many(
    contract: Contract, ident: str, show_path: Callable[[str], str] = str
) -> NormsExplanation | None:
    """A clause id: the clause and each of its norms; a `bearer: either` norm's base id: its norm
    for each party. None for any other id."""
    spec = contract.spec
    if ident in spec.clauses:
        clause = spec.clauses[ident]
        ids = [n.id for n in spec.norms if n.norm.clause == ident]
        of: Literal["clause", "either"] = "clause"
    else:
        ids = [n.id for n in spec.norms if n.id.startswith(f"{ident}@")]
        if not ids:
            return None
        clause = spec.clauses[contract.norm(ids[0]).clause]
        of = "either"
    return NormsExplanation(
        of=of,
        id=ident,
        clause=clause.id,
        clause_title=clause.title,
        clause_text=clause.text,
        source=clause.source,
        norms=[explain(contract, i, show_path) for i in ids],
        readings=_readings(contract, clause.id) if of == "clause" else [],
    )


def _readings(contract: Contract, clause: str) -> list[ReadingLine]:
    declared = contract.spec.readings
    for disputed in declared.clauses if declared else []:
        if disputed.clause == clause:
            return [
                ReadingLine(
                    name=name,
                    description=reading.description,
                    default=name == disputed.default,
                    replaces=[n.id for n in reading.norms.replace],
                    adds=[n.id for n in reading.norms.add],
                    removes=list(reading.norms.remove),
                )
                for name, reading in disputed.readings.items()
            ]
    return []


def explain_id(
    contract: Contract, ident: str, show_path: Callable[[str], str] = str
) -> Explanation | NormsExplanation:
    """A clause id (its norms), a norm id, or a `bearer: either` norm's base id; MoveError with
    a did-you-mean over norms and clauses for anything else."""
    spec = contract.spec
    if ident not in spec.clauses and any(n.id == ident for n in spec.norms):
        return explain(contract, ident, show_path)
    many = explain_many(contract, ident, show_path)
    if many is None:
        found = _under_a_reading(contract, ident, show_path)
        if found is not None:
            return found
        known = [*(n.id for n in spec.norms), *spec.clauses]
        raise MoveError(
            f"contract {contract.id} has no norm or clause '{ident}'{did_you_mean(ident, known)}"
        )
    return many


def _under_a_reading(
    contract: Contract, ident: str, show_path: Callable[[str], str]
) -> Explanation | None:
    """A norm that a reading of a disputed clause adds or puts in another's place, explained
    on the contract under that reading."""
    declared = contract.spec.readings
    for disputed in declared.clauses if declared else []:
        for name in disputed.names:
            if name == disputed.default:
                continue
            variant = contract.under({disputed.clause: name})
            if any(n.id == ident for n in variant.spec.norms):
                found = explain(variant, ident, show_path)
                return found.model_copy(update={"under": f"reading {name} of {disputed.clause}"})
    return None
