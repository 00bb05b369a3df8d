"""Stage 5, report: the typed result of a check, and its renderings as text and JSON.

Reports are deterministic: findings are ordered by move, then severity, then rule id, and
nothing in them depends on the wall clock, the machine or the order rules happened to fire in.

A check computes its decision (the verdict and the findings with their rule, clause, severity
and message); the rest of a report (evidence, the outcome of every norm, the state before and
after, the names it shows) is built the first time any of it is read, from what the check
recorded, with the same content as if it had been built at once. Callers cannot tell: reading
an attribute, serialising, comparing, copying or pickling a report builds what it needs first.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from engine.model import Severity
from engine.summary import Summary, grouped, summarize

SEVERITY_ORDER = {Severity.blocking: 0, Severity.warning: 1, Severity.info: 2}
SCHEMA_VERSION = "1.1"  # of the JSON report: a key added is a minor step, a key changed a major one


def _no_notes() -> list[str]:
    return []


def _no_names() -> dict[str, Any]:
    # A function, not `dict`: pydantic reads a default factory's signature when it builds the
    # model, and a builtin's costs a parse of its text signature (a tenth of a first check).
    return {}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


Model = TypeVar("Model", bound=BaseModel)
Built = TypeVar("Built", bound="_Deferred")
_BUILD = "build"  # the key of the pending builder in a deferred model's private values
_BUILDING = threading.Lock()  # taken to put what was built into a model's fields


# the descriptors of a model's instance dictionary and of pydantic's slots, set directly
_INSTANCE_DICT = BaseModel.__dict__["__dict__"]
_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"]
_EXTRA = BaseModel.__dict__["__pydantic_extra__"]
_PRIVATE = BaseModel.__dict__["__pydantic_private__"]


def trusted(cls: type[Model], values: dict[str, Any], fields_set: set[str] | None = None) -> Model:
    """An instance from values the engine made itself: every field, in field order, of the
    right types. No validation (the cost of a check is mostly building its report)."""
    model = cls.__new__(cls)
    _INSTANCE_DICT.__set__(model, values)
    _FIELDS_SET.__set__(model, set(values) if fields_set is None else fields_set)
    _EXTRA.__set__(model, None)
    _PRIVATE.__set__(model, None)
    return model


def replaced(model: Model, **update: Any) -> Model:
    """`model.model_copy(update=...)` for values of the right types, without pydantic's copy
    (not for a model with deferred fields: reading its `__dict__` builds them)."""
    values = {**model.__dict__, **update}
    return trusted(type(model), values, model.model_fields_set | update.keys())


class _Deferred(_Frozen):
    """A model whose `_deferred` fields may be left out at construction and built on first
    read by a function that returns them: `build(name)` returns at least the field `name`,
    `build(None)` all of them. Reading a missing field builds it (and what came with it);
    reading the instance's `__dict__` builds all, which is how pydantic's serialiser (also
    inside other models), ==, copies, pickling and repr reach the fields; other attributes
    cost nothing."""

    _deferred: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def deferred(
        cls: type[Built],
        values: dict[str, Any],
        build: Callable[[str | None], dict[str, Any]] | None,
        fields_set: set[str] | None = None,
    ) -> Built:
        """An instance from trusted values (every field, in field order; no validation, as
        the engine made them), except the deferred fields `build` returns when first read.
        `fields_set`: the fields given explicitly, as validation would have recorded them."""
        fields = cls.__pydantic_fields__
        if len(values) + (len(cls._deferred) if build is not None else 0) != len(fields):
            # a field the engine does not set (one added since): its default, in its place
            values = {
                k: values[k] if k in values else f.get_default(call_default_factory=True)
                for k, f in fields.items()
                if k in values or build is None or k not in cls._deferred
            }
        if build is None:
            return trusted(cls, values, fields_set)
        return cls.pending(values, build, set(values) if fields_set is None else fields_set)

    @classmethod
    def pending(
        cls: type[Built],
        values: dict[str, Any],
        build: Callable[[str | None], dict[str, Any]],
        fields_set: set[str],
    ) -> Built:
        """`deferred` on the hot path of a check (a finding, a report): `values` hold every
        field but the deferred ones, in field order, so nothing is looked up or reordered."""
        model = trusted(cls, values, fields_set)
        _PRIVATE.__set__(model, {_BUILD: build})
        return model

    def build(self, name: str | None = None) -> None:
        """Build the deferred field `name` (None: all of them) now, if it is still pending.
        Two threads may both build; they build the same values, and the field order stays
        the model's."""
        private = self.__pydantic_private__
        if not private:
            return
        built = private[_BUILD](name)
        with _BUILDING:
            if not self.__pydantic_private__:
                return  # another thread built them all meanwhile
            have = _INSTANCE_DICT.__get__(self)
            values = {
                k: have[k] if k in have else built[k]
                for k in type(self).__pydantic_fields__
                if k in have or k in built
            }
            _INSTANCE_DICT.__set__(self, values)
            if len(values) == len(type(self).__pydantic_fields__):
                _PRIVATE.__set__(self, None)

    def evolve(self: Built, **changes: Any) -> Built:
        """A copy with some fields (none of them deferred) changed: what is still pending
        stays pending (`model_copy` would build it all)."""
        have = _INSTANCE_DICT.__get__(self)
        private = self.__pydantic_private__
        values = {k: changes.get(k, have[k]) for k in type(self).__pydantic_fields__ if k in have}
        fields_set = set(_FIELDS_SET.__get__(self)) | set(changes)
        copy = trusted(type(self), values, fields_set)
        if private:
            _PRIVATE.__set__(copy, dict(private))
        return copy

    def decision(self) -> tuple[Any, ...]:
        """The fields that are not deferred, in order, without building anything."""
        return tuple(
            getattr(self, k) for k in type(self).__pydantic_fields__ if k not in self._deferred
        )

    def _built_dict(self) -> dict[str, Any]:
        self.build()
        return _INSTANCE_DICT.__get__(self)  # type: ignore[no-any-return]

    def _set_dict(self, values: dict[str, Any]) -> None:
        _INSTANCE_DICT.__set__(self, values)

    __dict__ = property(_built_dict, _set_dict)

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name in type(self)._deferred and self.__pydantic_private__:
                self.build(name)
                return _INSTANCE_DICT.__get__(self)[name]
            return super().__getattr__(name)

    def __eq__(self, other: object) -> bool:
        self.build()  # pydantic compares the pending builders before the fields
        if isinstance(other, _Deferred):
            other.build()
        return super().__eq__(other)

    __hash__ = BaseModel.__hash__

    def __getstate__(self) -> dict[Any, Any]:
        self.build()  # pydantic pickles the private values (the builder) before the fields
        return super().__getstate__()


class Move(_Frozen):
    """A proposed move, resolved: its kind, its fields, its date and the words it came from."""

    kind: str
    actor: str
    fields: dict[str, str | int | float] = {}
    date: dt.date | None = None
    text: str | None = None
    labels: dict[str, str] = {}  # free names as written: {"cursor": "Cursor"}
    currencies: dict[str, str] = {}  # money fields' currencies: {"price": "EUR"}
    reading: str | None = None  # how words were read: 'partner with {provider} <- "..."'

    def describe(self) -> str:
        if self.text:
            return self.text
        shown = ", ".join(f"{k}={v}" for k, v in sorted(self.fields.items()))
        return f"{self.kind}({shown})" if shown else self.kind


class Evidence(_Frozen):
    """One condition the engine checked, and the value it saw."""

    condition: str
    value: str
    held: bool


class Finding(_Deferred):
    """A conflict, a consequence or a notice, with everything a reader needs to trust it."""

    # its evidence is built when first read

    _deferred: ClassVar[frozenset[str]] = frozenset({"evidence"})

    type: Literal["conflict", "consequence", "notice"]
    rule: str | None
    clause: str | None
    clause_title: str | None = None
    source: str | None = None
    norm_kind: str | None = None
    severity: Severity
    message: str
    move: int | None  # index into Report.moves; None for a deadline at the check date
    move_text: str
    date: dt.date
    evidence: list[Evidence] = []
    effects: list[str] = []
    waived: str | None = None  # the waiver's reason, when the norm was waived


Status = Literal[
    "applied",
    "not_triggered",
    "defeated",
    "out_of_window",
    "clause_ended",
    "waived",
    "met",
    "overridden",
]


class Outcome(_Frozen):
    """Why a considered norm did or did not apply to one move: the "why not" of a report."""

    rule: str
    clause: str
    move: int | None
    status: Status
    reason: str


class ClauseState(_Frozen):
    status: Literal["in_force", "ended", "violated"]
    note: str | None = None
    until: dt.date | None = None


class DeadlineView(_Frozen):
    rule: str
    due: dt.date
    started_by: str
    accrued: bool = False  # its clause or the partnership has ended; it survives as accrued
    instance: str | None = None  # `field=value` for an obligation kept once per value


class RightView(_Frozen):
    party: str
    right: str
    rule: str


class StateView(_Frozen):
    """What is true at one point of a check: the before and after of a report."""

    date: dt.date
    partnership: Literal["in_force", "ended"]
    partnership_ended_by: str | None = None
    clauses: dict[str, ClauseState]
    consents: list[str]
    happened: list[str]
    sets: dict[str, list[str]]
    flags: list[str]
    rights: list[RightView]
    deadlines: list[DeadlineView]
    values: dict[str, float] = Field(
        default_factory=_no_names, description="The contract's values (`values:`), by id."
    )
    terminations: list[str] = []  # notices of termination given and not yet in effect


class Report(_Deferred):
    """The result of checking moves against a contract. `verdict` is "conflict" when any
    non-waived conflict is blocking; warnings are reported but leave the verdict "clear"."""

    # the outcomes, the state views and the names are built when first read

    _deferred: ClassVar[frozenset[str]] = frozenset({"outcomes", "state", "names"})

    schema_version: str = SCHEMA_VERSION
    contract: str
    contract_title: str
    notice: str | None = None
    verdict: Literal["clear", "conflict"]
    check_date: dt.date
    moves: list[Move]
    conflicts: list[Finding]
    consequences: list[Finding]
    notices: list[Finding]
    waived: list[Finding]
    outcomes: list[Outcome]
    other_norms: int  # norms no fact of this check could reach (other kinds, other key values)
    state: dict[Literal["before", "after"], StateView]
    # what the engine decided for the user, e.g. that the check date moved
    notes: list[str] = Field(default_factory=_no_notes)
    # display names of the ids this report mentions: parties, sets, entities, kinds of moves
    names: dict[str, str] = Field(default_factory=_no_names)
    readings: ReadingsSection | None = Field(
        None,
        description="When the contract declares readings of a disputed clause: the verdict and "
        "report under each combination considered (engine/readings.py). Absent otherwise.",
    )

    def considered(
        self, group: Literal["conflicts", "consequences", "waived", "notices"] = "conflicts"
    ) -> list[tuple[str | None, Finding]]:
        """The findings of a group under every reading considered: the report's own (the
        default reading's; label None), then each other reading's the default lacks, with its
        label ("reading panel of agi-clause"). Without readings: the report's own."""
        own = list(getattr(self, group))
        out: list[tuple[str | None, Finding]] = [(None, f) for f in own]
        if self.readings is None:
            return out
        seen = {repr(f.decision()) for f in own}
        for result in self.readings.results:
            for f in getattr(result.report, group):
                key = repr(f.decision())
                if key not in seen:
                    seen.add(key)
                    out.append((result.label, f))
        return out

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict == "conflict" else 0

    def to_json(self) -> str:
        # the section only where there are readings, and not again inside each reading's report
        exclude: Any = (
            {"readings"}
            if self.readings is None
            else {"readings": {"results": {"__all__": {"report": {"readings", "summary"}}}}}
        )
        return self.model_dump_json(indent=2, exclude=exclude) + "\n"

    def under(self, readings: dict[str, str]) -> Report:
        """The report under one combination of readings, e.g. {"agi-clause": "panel"} (the
        clauses not named: any considered). Raises KeyError when none was considered."""
        if self.readings is None:
            raise KeyError("this contract declares no readings")
        return self.readings.under(readings)

    def to_text(self, verbose: bool = False, width: int | None = None) -> str:
        """Plain text, verdict first; `verbose` adds the why-not of every norm and the state."""
        from engine.render import render_text

        return render_text(self, verbose=verbose, width=width)

    def groups(self) -> dict[str, list[Finding]]:
        """The report's own findings by group (blocking, warning, consequence, waived,
        notice), as engine/summary.py decides them: every finding is in exactly one group."""
        return {g: [f for _, _, f in items] for g, items in grouped(self).items()}

    @model_validator(mode="before")
    @classmethod
    def _without_summary(cls, data: Any) -> Any:
        """A report read back from its JSON: the summary is derived, not read."""
        if isinstance(data, dict) and "summary" in data:
            return {k: v for k, v in data.items() if k != "summary"}
        return data

    @computed_field(  # type: ignore[prop-decorator]
        description="What every output counts and lists: the findings by group, with ids, "
        "and each reading's part when readings differ (engine/summary.py)."
    )
    @functools.cached_property
    def summary(self) -> Summary:
        """The one summary every door renders its counts and lists from; made once per
        report (a format reads it for its counts, its findings and its header)."""
        return summarize(self)

    def name(self, ident: str) -> str:
        """How the report shows an id: its display name when it has one."""
        return self.names.get(ident, ident)

    def fired(self) -> list[Finding]:
        return [*self.conflicts, *self.consequences]


class ReadingResult(_Frozen):
    """The check under one combination of readings (one reading per disputed clause)."""

    readings: dict[str, str] = Field(description="The reading of each disputed clause, by clause.")
    label: str = Field(description="'reading panel of agi-clause'")
    default: bool = Field(description="Every clause under its default reading.")
    verdict: Literal["clear", "conflict"]
    report: Report


class ReadingsSection(_Frozen):
    """Readings of disputed clauses: which were considered, and whether their findings agree.
    The report's own findings are those of the default combination; its verdict is "conflict"
    when any combination considered has a blocking conflict."""

    declared: dict[str, list[str]] = Field(description="Each disputed clause's readings, in order.")
    descriptions: dict[str, dict[str, str]]
    default: dict[str, str]
    fixed: dict[str, str] = Field(description="Readings fixed by the caller (--reading).")
    agree: bool = Field(description="Every combination gives the same verdict and findings.")
    results: list[ReadingResult]

    def under(self, readings: dict[str, str]) -> Report:
        for result in self.results:
            if all(result.readings.get(c) == n for c, n in readings.items()):
                return result.report
        raise KeyError(f"no combination of readings considered has {readings}")
