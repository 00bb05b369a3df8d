"""The HTTP API's request and response bodies (the report itself is `engine.report.Report`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from engine.api import Contract
from engine.serve.problems import ProblemLocation

MAX_MOVES_PER_REQUEST = 100
MAX_MOVE_CHARS = 2_000

# Searches are bounded on a server (the CLI has no caps): each step multiplies the timelines tried.
MAX_PLAN_STEPS = 5  # plan: the longest plan tried, goal included (CLI default 4)
MAX_DIFF_DEPTH = 2  # diff: generated timelines up to this long (CLI default 2)
MAX_PROVE_DEPTH = 3  # prove: every timeline of up to this many moves (CLI default 3)
MAX_TIMELINES = 50  # diff: given timelines
MAX_TIMELINE_MOVES = 20  # diff: moves in one given timeline
SEARCH_SECONDS = 10.0  # wall-clock budget of one search; beyond it a 422 says so
MAX_SEARCHES = 2  # searches at once per worker process; more get a 503 with Retry-After

MoveWords = Annotated[str, StringConstraints(min_length=1, max_length=MAX_MOVE_CHARS)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1_000)]


class CheckRequest(BaseModel):
    """Moves to check as one timeline, with the command line's options."""

    model_config = ConfigDict(extra="forbid")

    at: dt.date | None = Field(
        None, description="The check date, also the date of undated moves. Default: as_of."
    )
    moves: list[MoveWords | dict[str, Any]] = Field(
        [],
        max_length=MAX_MOVES_PER_REQUEST,
        validate_default=True,
        description=(
            'Each move in plain words ("partner with Google Cloud", optionally prefixed '
            '"YYYY-MM-DD: ") or as an object ({"kind": "cloud_partnership", "provider": "aws"}). '
            "Empty with `at` given: a check of time alone (what falls due by that date)."
        ),
        examples=[["declare AGI", "partner with Google Cloud"]],
    )
    waivers: dict[str, Reason] = Field(
        {}, description="Norms set aside: {rule: reason}; their findings are listed as waived."
    )
    readings: dict[str, Reason] = Field(
        {},
        description="Readings of disputed clauses fixed: {clause: reading} (the command line's "
        "--reading CLAUSE=NAME); the others are each considered, and `readings` in the report "
        "gives the verdict under each.",
        examples=[{"agi-clause": "panel"}],
    )

    @field_validator("moves")
    @classmethod
    def _moves_or_a_date(
        cls, moves: list[MoveWords | dict[str, Any]], info: ValidationInfo
    ) -> list[MoveWords | dict[str, Any]]:
        """A check needs something to happen: a move, or time passing to `at` (validated
        first, so that the refusal names the field to fill)."""
        # `at` absent from info.data failed its own validation: that is the one problem to say
        if not moves and "at" in info.data and info.data["at"] is None:
            raise ValueError(
                "give at least one move in 'moves', or 'at' (YYYY-MM-DD) to check what time "
                "alone brings by that date"
            )
        return moves


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
MoveGiven = MoveWords | dict[str, Any]


class PlanRequest(BaseModel):
    """`contract-engine plan`'s options: a goal, the moves already made, the bound."""

    model_config = ConfigDict(extra="forbid")

    goal: MoveWords = Field(
        description='A move ("go public") or a state ("the partnership ended", '
        '"clause azure-exclusivity not in force").',
        examples=["go public"],
    )
    given: list[MoveGiven] = Field(
        [],
        max_length=MAX_MOVES_PER_REQUEST,
        description="Moves that have already happened (the CLI's --from), in words or as objects.",
    )
    max_steps: int = Field(
        4,
        ge=1,
        le=MAX_PLAN_STEPS,
        description=f"The longest plan tried, goal included (at most {MAX_PLAN_STEPS}).",
    )
    allow: list[Name] = Field([], max_length=100, description="Only moves of these kinds.")
    forbid: list[Name] = Field([], max_length=100, description="No moves of these kinds.")
    by: dt.date | None = Field(None, description="The goal must be reached by this day.")
    at: dt.date | None = Field(None, description="The date of the first step (default: as_of).")
    readings: dict[str, Reason] = Field(
        {},
        description="Readings of disputed clauses fixed, {clause: reading} (--reading); the "
        "search runs under one reading of each, the default for those not given.",
    )


class DiffRequest(BaseModel):
    """`contract-engine diff`'s options: the other version, and the timelines compared."""

    model_config = ConfigDict(extra="forbid")

    against: Name | None = Field(
        None,
        description="The other version: an amendment of this server (its id, the amended "
        "contract's id, or its file as `GET /v1/contracts` lists it) or another contract id.",
        examples=["azure-relaxed"],
    )
    amendment: Annotated[str, StringConstraints(min_length=1)] | dict[str, Any] | None = Field(
        None,
        description="Or an amendment written out, applied to this contract: the content of an "
        "amendment file as YAML text (errors give its lines) or as a JSON object (errors give "
        "the lines of the object written as indented JSON). `amends` may be left out.",
    )
    moves: (
        list[
            MoveWords
            | Annotated[list[MoveWords], Field(min_length=1, max_length=MAX_TIMELINE_MOVES)]
        ]
        | None
    ) = Field(
        None,
        max_length=MAX_TIMELINES,
        description="Timelines to compare (the CLI's --moves file): each item a move in words, "
        "or a list of moves. Default: every generated timeline up to `depth`.",
    )
    depth: int = Field(
        2,
        ge=1,
        le=MAX_DIFF_DEPTH,
        description=f"Without moves: timelines up to this long (at most {MAX_DIFF_DEPTH}).",
    )

    @model_validator(mode="after")
    def _one_version(self) -> DiffRequest:
        if (self.against is None) == (self.amendment is None):
            raise ValueError("give exactly one of 'against' (a version by id) and 'amendment'")
        return self


class ProveRequest(BaseModel):
    """`contract-engine prove`'s options: a property and the depth."""

    model_config = ConfigDict(extra="forbid")

    property: Annotated[str, StringConstraints(min_length=1, max_length=MAX_MOVE_CHARS)] = Field(
        description='"never: a move is both required and forbidden", "always: the partnership '
        'ended -> no conflict from azure-exclusivity", "reachable: go public clear".',
        examples=["reachable: go public clear"],
    )
    depth: int = Field(
        3,
        ge=1,
        le=MAX_PROVE_DEPTH,
        description=f"Every timeline of up to this many moves (at most {MAX_PROVE_DEPTH}).",
    )
    readings: dict[str, Reason] = Field(
        {},
        description="Readings of disputed clauses fixed, {clause: reading} (--reading); the "
        "search runs under one reading of each, the default for those not given.",
    )


class AmendmentSummary(BaseModel):
    """An amendment file of the directory: what it amends and from when."""

    id: str  # the amended contract's id, as reports name it
    amendment: str
    amends: str
    file: str
    title: str | None
    effective: dt.date | None
    hypothetical: bool | None
    problems: list[ProblemLocation] = []


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
    amendments: list[AmendmentSummary] = []


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
