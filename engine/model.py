"""The vocabulary of contract and rule files, as pydantic models.

These models are the single source of truth for the file formats: validation uses them and
`contract-engine schema` exports their JSON Schema. Every model forbids unknown fields, so a typo
in a file is an error, not a silently ignored line.

No `from __future__ import annotations`: pydantic would evaluate every field's annotation from
its text when each class is created, a third of what importing these models costs every process
(the few names used before their class is defined are quoted).
"""

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from engine.measures import Measure
from engine.periods import Duration, Term
from engine.values import ValueDecl

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", min_length=1, max_length=80)
]
"""Ids are lower-case words joined by '-' or '_', so they read well in reports and Gherkin."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Party(_Strict):
    """A party to the contract, with the names people use for it."""

    id: Identifier
    name: str
    aliases: list[str] = []
    affiliates: list[str] = Field(
        [], description="Names of affiliates: their moves are attributed to this party."
    )
    role: Literal["party", "third_party"] = Field(
        "party",
        description="`third_party`: may hold rights and make moves, but `bearer: either` and "
        "`other` never name it.",
    )


class Entity(_Strict):
    """Something moves can name that is not a party: a cloud provider, a company, a product."""

    id: Identifier
    name: str
    aliases: list[str] = []
    category: str | None = Field(None, description="A grouping such as cloud_provider, for `of:`.")


class Clause(_Strict):
    """An identified part of the contract, paraphrased, with where the paraphrase comes from."""

    id: Identifier
    title: str
    text: str
    source: str
    survives: Duration | None = Field(
        None,
        description="Stays in force this long after the partnership ends, e.g. {months: 12}.",
    )
    survives_termination: bool = Field(
        False, description="Stays in force when the partnership ends (e.g. a third party's term)."
    )
    readings: "dict[Identifier, Reading]" = Field(
        {},
        description="Alternative readings of a disputed clause, by name: each replaces, adds or "
        "removes norms of this clause; `check` reports a verdict per reading where they differ.",
    )


class EntitySet(_Strict):
    """A named set of entities that rules can test and consequences can grow (e.g. OpenAI's IP)."""

    id: Identifier
    title: str
    members: list[Identifier] = []


class Consent(_Strict):
    given_by: Identifier = Field(alias="from")
    subject: Identifier = Field(alias="for", description="The event kind consented to.")


class InitialState(_Strict):
    """What is true before the first move of any check."""

    partnership: Literal["in_force", "ended"] = "in_force"
    consents: list[Consent] = []
    happened: list[Identifier] = Field([], description="Event kinds that already took place.")
    flags: list[Identifier] = []


class Waiver(_Strict):
    """A norm set aside on purpose: its findings are reported as waived and counted, never dropped."""

    rule: Identifier
    reason: str = Field(min_length=1)


class ContractHeader(_Strict):
    id: Identifier
    title: str
    notice: str | None = Field(
        None, description="Shown on every report, e.g. 'hypothetical model'."
    )
    as_of: dt.date = Field(description="The default date of a move.")
    rules: list[str] = Field(
        min_length=1, description="Rule files or folders, relative to this contract file."
    )
    synonyms: dict[str, list[str]] = Field(
        {},
        description="Other words for a phrase's opening words, for every event kind: "
        "{partner with: [work with, collaborate with]}.",
    )
    date_order: Literal["DMY", "MDY", "YMD"] = Field(
        "DMY", description="How a date such as 3/4/2026 in a move's words is read."
    )
    effective: dt.date | None = Field(
        None, description="The effective date: no norm applies to a move dated before it."
    )
    accrued_duties: Literal["survive", "lapse"] = Field(
        "survive",
        description="What a pending deadline does when its clause or the partnership ends: "
        "`survive` (the usual rule: it still yields its finding if missed) or `lapse`.",
    )
    term: Term | None = Field(
        None, description="The contract term, with automatic renewal and non-renewal notice."
    )


class ContractFile(_Strict):
    """The contract file: parties, clauses and the state the world starts in."""

    contract: ContractHeader
    parties: list[Party] = Field(min_length=1)
    entities: list[Entity] = []
    clauses: list[Clause] = Field(min_length=1)
    sets: list[EntitySet] = []
    measures: list[Measure] = Field(
        [], description="Sums and counts of moves over a window (engine/measures.py)."
    )
    values: list[ValueDecl] = Field(
        [], description="Numbers the contract keeps, changed by set_value / add_to_value."
    )
    state: InitialState = InitialState.model_construct()
    waivers: list[Waiver] = []


class FieldType(StrEnum):
    party = "party"
    entity = "entity"
    name = "name"
    kind = "kind"
    money = "money"
    date = "date"
    number = "number"
    text = "text"


class FieldSpec(_Strict):
    """A field of an event kind. `entity` fields take a known entity; `name` fields take any name."""

    type: FieldType
    required: bool = True
    default: str | int | float | None = None
    of: list[str] | None = Field(
        None,
        description="For entity fields: allowed entity ids or categories; for name fields: "
        "the known entities a move may name (a name new to the contract is always taken).",
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        None,
        description="For money fields: the currency of its amounts and of the norms' values "
        "(ISO 4217 code); USD when not given.",
    )
    min: int | float | None = Field(
        None, description="For number and money fields: the smallest value a move may give."
    )
    max: int | float | None = Field(
        None, description="For number and money fields: the largest value a move may give."
    )


class Phrase(_Strict):
    text: str = Field(description="Words with {field} holes, e.g. 'partner with {provider}'.")
    set: dict[Identifier, str | int | float] = Field(
        {}, description="Fields this phrase fixes, e.g. {subject: conversion}."
    )


class NormKind(StrEnum):
    prohibition = "prohibition"
    obligation = "obligation"
    consent = "consent"
    entitlement = "entitlement"
    termination = "termination"
    expiry = "expiry"
    trigger = "trigger"
    maintenance = "maintenance"


class Severity(StrEnum):
    blocking = "blocking"
    warning = "warning"
    info = "info"


class EventKind(_Strict):
    """A kind of move, declared in YAML so that a new contract needs no Python."""

    id: Identifier
    title: str
    aliases: list[str] = []
    actor: Identifier | None = Field(None, description="The party that makes this move by default.")
    fields: dict[Identifier, FieldSpec] = {}
    phrases: list[str | Phrase] = []
    synonyms: dict[str, list[str]] = Field(
        {},
        description="Other words for the opening words of this kind's phrases: "
        "{partner with: [work with, collaborate with]}.",
    )
    effects: list[dict[str, Any]] = Field(
        [], description="What the move itself changes in the world, whatever the contract says."
    )


class PerInstance(_Strict):
    """`instances: {per: field}`: one open instance of an obligation per value of that field."""

    per: Identifier = Field(description="A field of the move in `when`.")


Instances = Literal["each", "once"] | PerInstance


class TakesEffect(_Strict):
    """`takes_effect: {days_after: 90}`: a termination by notice ends things that many days on."""

    days_after: int = Field(ge=1, description="Days between the notice and the end.")


class Norm(_Strict):
    """A rule of the contract. Kind-specific keys are checked by kind."""

    id: Identifier
    clause: Identifier
    kind: NormKind
    bearer: Identifier = Field(
        description="A party id, or `either`: one norm per contracting party, each bound to moves "
        "that party makes (ids `<id>@<party>`)."
    )
    beneficiary: Identifier | None = Field(
        None, description="A party id, or `other`: the contracting party that is not the bearer."
    )
    description: str | None = None
    when: dict[str, Any] | None = Field(
        None, description="The pattern: {move: kind, field: condition...} or {change: ...}."
    )
    if_: list[Any] = Field([], alias="if", description="State conditions that must hold.")
    unless: list[Any] = Field([], description="Exceptions that defeat the norm, by name.")
    valid_from: dt.date | None = Field(None, alias="from")
    valid_until: dt.date | None = Field(None, alias="until")
    severity: Severity | None = None
    message: str
    then: list[dict[str, Any]] = []
    overrides: list[Identifier] = Field(
        [],
        description="Norms this one beats: when it fires on a move, they give `overridden` "
        "for that move instead of a finding. They must listen for the same kind of move.",
    )
    consent_of: Identifier | None = Field(
        None, description="consent: whose consent is needed (a party id, or `other`)."
    )
    grants: str | None = Field(None, description="entitlement: the right the beneficiary gains.")
    ends: Literal["partnership"] | list[Identifier] | None = Field(
        None, description="termination: the partnership, or a list of clause ids."
    )
    on: dt.date | None = Field(None, description="expiry: the date the clause stops.")
    keep: list[Any] | dict[str, Any] | str | None = Field(
        None,
        description="maintenance: state conditions that must keep holding; a move or the passing "
        "of time after which one no longer holds breaks the norm.",
    )
    takes_effect: TakesEffect | None = Field(
        None,
        description="termination by notice: the partnership or clauses end this many days after "
        "the move, unless the notice is withdrawn first.",
    )
    withdrawn_by: Identifier | None = Field(
        None, description="termination by notice: the event kind that withdraws a pending notice."
    )
    must: dict[str, Any] | None = Field(None, description="obligation: the move that fulfils it.")
    by: dt.date | None = Field(None, description="obligation: the deadline.")
    within_days: int | None = Field(None, ge=1, description="obligation: days after `when`.")
    instances: Instances | None = Field(
        None,
        description="obligation with `when`: `each` (the default: every triggering move starts "
        "its own deadline), `once` (one open deadline; never again once met), or `{per: field}` "
        "(one open deadline per value of that field of the move).",
    )
    restart: Literal["on_fulfil"] | None = Field(
        None,
        description="obligation with `within_days`: meeting it starts the next deadline, "
        "`within_days` after the move that met it.",
    )
    shares_move: bool | None = Field(
        None,
        description="obligation: true if a move that meets a deadline of another obligation "
        "may meet this one's too. By default (false) a move meets the deadline of one "
        "obligation only: the earliest due of those it could meet.",
    )

    @model_validator(mode="after")
    def _kind_specific(self) -> "Norm":
        from engine.norms import kind_of  # the registry imports this module

        problems = kind_of(self).model_problems(self)
        if problems:
            raise ValueError(problems[0])
        return self

    @property
    def effective_severity(self) -> Severity:
        from engine.norms import kind_of

        return kind_of(self).severity(self)


class NormChanges(_Strict):
    """Norms added, replaced (by id) or removed: an amendment's and a reading's changes."""

    add: list[Norm] = []
    replace: list[Norm] = Field([], description="Norms with the id of the norm they replace.")
    remove: list[Identifier] = []


class Reading(_Strict):
    """One reading of a disputed clause (engine/readings.py): what it changes in the clause."""

    description: str = Field(min_length=1, description="What this reading says, in one line.")
    default: bool = Field(
        False, description="The reading used when none is fixed (default: the first declared)."
    )
    norms: NormChanges = NormChanges.model_construct()


class RuleFile(_Strict):
    """A rule file: event kinds (with their phrases) and norms."""

    event_kinds: list[EventKind] = []
    norms: list[Norm] = []
    readings: dict[Identifier, dict[Identifier, Reading]] = Field(
        {},
        description="Readings of disputed clauses, by clause id then reading name (as a "
        "clause's own `readings:` in the contract file).",
    )
