"""The HTTP API's request and response bodies (the report itself is `engine.report.Report`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from engine.api import Contract
from engine.serve.problems import ProblemLocation

MAX_MOVES_PER_REQUEST = 100
MAX_MOVE_CHARS = 2_000

MoveWords = Annotated[str, StringConstraints(min_length=1, max_length=MAX_MOVE_CHARS)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1_000)]


class CheckRequest(BaseModel):
    """Moves to check as one timeline, with the command line's options."""

    model_config = ConfigDict(extra="forbid")

    moves: list[MoveWords | dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_MOVES_PER_REQUEST,
        description=(
            'Each move in plain words ("partner with Google Cloud", optionally prefixed '
            '"YYYY-MM-DD: ") or as an object ({"kind": "cloud_partnership", "provider": "aws"}).'
        ),
        examples=[["declare AGI", "partner with Google Cloud"]],
    )
    at: dt.date | None = Field(
        None, description="The check date, also the date of undated moves. Default: as_of."
    )
    waivers: dict[str, Reason] = Field(
        {}, description="Norms set aside: {rule: reason}; their findings are listed as waived."
    )


class ClauseView(BaseModel):
    id: str
    title: str
    text: str
    source: str


class NormView(BaseModel):
    id: str
    clause: str
    kind: str
    severity: str


class ContractSummary(BaseModel):
    """A contract the server offers: what it is, its clauses, and the moves it understands."""

    id: str
    title: str
    notice: str | None
    as_of: dt.date
    file: str
    clauses: list[ClauseView]
    phrases: list[str]


class ContractDetail(ContractSummary):
    """A contract with its norms, and phrases with their holes filled, for suggestions."""

    norms: list[NormView]
    suggestions: list[str]


class Unavailable(BaseModel):
    """A contract file of the directory that does not load, and why."""

    id: str
    file: str
    problems: list[ProblemLocation]


class ContractList(BaseModel):
    contracts: list[ContractSummary]
    unavailable: list[Unavailable] = []


class ValidateRequest(BaseModel):
    """An uploaded contract: its contract file and rule files, by path relative to each other."""

    model_config = ConfigDict(extra="forbid")

    files: dict[str, str] = Field(
        description='{"contract.yaml": "...", "rules/norms.yaml": "..."}',
        examples=[{"contract.yaml": "contract: ...", "rules.yaml": "norms: ..."}],
    )


class ValidateResult(BaseModel):
    valid: bool
    files: int
    contracts: list[ContractSummary]


def summary(contract: Contract, file: str) -> ContractSummary:
    return ContractSummary(**_summary_fields(contract, file))


def detail(contract: Contract, file: str) -> ContractDetail:
    return ContractDetail(
        **_summary_fields(contract, file),
        norms=[
            NormView(
                id=n.id,
                clause=n.norm.clause,
                kind=n.norm.kind.value,
                severity=n.norm.effective_severity.value,
            )
            for n in contract.spec.norms
        ],
        suggestions=suggestions(contract),
    )


def _summary_fields(contract: Contract, file: str) -> dict[str, Any]:
    return {
        "id": contract.id,
        "title": contract.title,
        "notice": contract.spec.contract.contract.notice,
        "as_of": contract.as_of,
        "file": file,
        "clauses": [
            ClauseView(id=c.id, title=c.title, text=c.text, source=c.source)
            for c in contract.clauses.values()
        ],
        "phrases": contract.phrases,
    }


MAX_SUGGESTIONS = 1_000


def suggestions(contract: Contract) -> list[str]:
    """The contract's phrases, and each phrase whose one hole takes an entity or a party filled
    with every name that fits: what a person types, for the web page's suggestions."""
    spec = contract.spec
    out: set[str] = set(contract.phrases)
    for kind in spec.event_kinds.values():
        for phrase in kind.phrases:
            holes = [f for f in kind.kind.fields if "{" + f + "}" in phrase.text]
            if len(holes) != 1:
                continue
            field = kind.kind.fields[holes[0]]
            if field.type.value == "entity":
                names = [
                    e.name
                    for e in spec.entities.values()
                    if field.of is None or e.id in field.of or e.category in field.of
                ]
            elif field.type.value == "party":
                names = [p.name for p in spec.parties.values()]
            else:
                continue
            out.update(phrase.text.replace("{" + holes[0] + "}", name) for name in names)
    return sorted(out)[:MAX_SUGGESTIONS]
