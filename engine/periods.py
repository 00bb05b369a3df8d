"""Recurring periods and the contract term: pure date arithmetic, shared by engine and reference.

Built-in periods: `contract_year` (years from the contract's start), `calendar_quarter`,
`calendar_year`, and `term` (the initial term, then each renewal). The end of each yields a change
fact `period_ended {period, index, label, start, end}` on the day after its last day, so norms
listen to it like any change (`when: {change: period_ended, period: contract_year}`). Only the
periods some norm listens to are emitted, and only up to the next move's date or the check date:
time passing costs one fact per period end, never a scan of the timeline.

The contract term (`contract.term`) renews at each end by `renews`, without limit, unless a move
of kind `non_renewal` came at least `notice_days` before that end (a later notice counts for the
next end); then the partnership ends (changes `term_ended`, then `partnership_ended`).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field, model_validator

PERIODS = ("contract_year", "calendar_quarter", "calendar_year", "term")
DAY = dt.timedelta(days=1)


class Duration(BaseModel):
    """A length of time: `{years: 1}`, `{months: 3}`, `{days: 90}`, or a mix."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    years: int = Field(0, ge=0)
    months: int = Field(0, ge=0)
    days: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _not_empty(self) -> Duration:
        if not (self.years or self.months or self.days):
            raise ValueError("a duration needs years, months or days above 0")
        return self

    def after(self, day: dt.date) -> dt.date:
        """The day this long after `day` (a month later than 31 January is 28/29 February)."""
        return day + relativedelta(years=self.years, months=self.months, days=self.days)

    def words(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.days, "day")]
        return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


class Term(BaseModel):
    """The contract's term: when it starts, how long it runs, how it renews and how to stop it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    start: dt.date = Field(description="The first day of the initial term.")
    initial: Duration = Field(description="The length of the initial term, e.g. {years: 2}.")
    renews: Duration | None = Field(
        None, description="Each renewal's length; without it the term ends after `initial`."
    )
    notice_days: int = Field(
        0, ge=0, description="Non-renewal notice must come at least this many days before an end."
    )
    non_renewal: str | None = Field(
        None, description="The event kind that gives notice of non-renewal."
    )


@dataclass(frozen=True)
class Period:
    """One occurrence of a recurring period."""

    name: str
    index: int  # 1 for the first period that ends after the contract's start
    start: dt.date
    end: dt.date  # its last day

    @property
    def label(self) -> str:
        if self.name == "calendar_quarter":
            return f"{self.end.year}-Q{(self.end.month - 1) // 3 + 1}"
        if self.name == "calendar_year":
            return str(self.end.year)
        return f"{self.name.replace('_', ' ')} {self.index}"

    def describe(self) -> str:
        return f"{self.label} ({self.start}..{self.end})"

    def change(self) -> dict[str, Any]:
        return {
            "kind": "period_ended",
            "period": self.name,
            "index": self.index,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


@functools.lru_cache(maxsize=8192)
def containing(name: str, day: dt.date, start: dt.date) -> Period:
    """The period of kind `name` that contains `day`, counted from the contract's `start`
    (`term` is not handled here: its ends depend on renewals, see `TermClock`)."""
    if name == "contract_year":
        years = day.year - start.year - ((day.month, day.day) < (start.month, start.day))
        first = start + relativedelta(years=years)
        return Period(name, years + 1, first, start + relativedelta(years=years + 1) - DAY)
    if name == "calendar_quarter":
        first = _quarter_start(day)
        base = _quarter_start(start)
        index = (first.year - base.year) * 4 + (first.month - base.month) // 3 + 1
        return Period(name, index, first, first + relativedelta(months=3) - DAY)
    if name == "calendar_year":
        return Period(
            name, day.year - start.year + 1, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
        )
    raise ValueError(name)


def first_period(name: str, start: dt.date) -> Period:
    return containing(name, start, start)


def following(period: Period, start: dt.date) -> Period:
    return containing(period.name, period.end + DAY, start)


@dataclass(frozen=True)
class TermClock:
    """Where the term stands: which term is running, its span, and any notice given."""

    index: int
    start: dt.date
    end: dt.date
    notice: dt.date | None = None

    @classmethod
    def first(cls, term: Term) -> TermClock:
        return cls(1, term.start, term.initial.after(term.start) - DAY)

    def period(self) -> Period:
        return Period("term", self.index, self.start, self.end)

    def ends(self, term: Term) -> bool:
        """At this term's end: does the contract end (notice in time, or no renewal)?"""
        if term.renews is None:
            return True
        return self.notice is not None and self.notice <= self.end - dt.timedelta(
            days=term.notice_days
        )

    def renewed(self, term: Term) -> TermClock:
        assert term.renews is not None
        start = self.end + DAY
        return TermClock(self.index + 1, start, term.renews.after(start) - DAY, self.notice)


def listened(triggers: Any) -> tuple[str, ...]:
    """The periods whose ends some trigger listens to (all of them if one names none)."""
    found: set[str] = set()
    for trigger in triggers:
        if trigger is None or trigger.route != "change:period_ended":
            continue
        named = [t for t in trigger.tests if getattr(t, "field", None) == "period"]
        eq = [t for t in named if t.op in ("eq", "in")]
        if not eq:
            return PERIODS
        for test in eq:
            found.update([test.value] if test.op == "eq" else test.value)
    return tuple(p for p in PERIODS if p in found)


def contract_start(header: Any) -> dt.date | None:
    """The date periods count from: the term's start, else the contract's effective date."""
    term = getattr(header, "term", None)
    if term is not None:
        return term.start  # type: ignore[no-any-return]
    effective = getattr(header, "effective", None)
    return effective if isinstance(effective, dt.date) else None
