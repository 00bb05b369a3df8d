"""Measures: sums and counts of moves over a window, per key, declared once in the contract file.

    measures:
      - {id: seats-bought, sum: seats, of: purchase, over: contract_year}
      - {id: audits, count: true, of: audit, over: {rolling_days: 365}, per: auditor}

A measure is tested in `if`/`unless` as `{measure: seats-bought, gte: 500}` and read in
expressions as `{measure: seats-bought}`. Its value at a fact is taken over the moves of kind `of`
so far in the window that contains the fact's date (a move counts the move itself when it is of
the measured kind; time passing, such as a period's end, counts as of its last day), and with
`per`, only the moves whose `per` field has the fact's value.

The ledger keeps running totals by window, so a test costs the same whatever the timeline's
length: `all` and the periods keep one total per (key, period); `rolling_days` keeps the moves
of the last N days per key, dropped as time moves on.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.periods import Period, containing

WINDOW_NAMES = ("all", "contract_year", "calendar_quarter", "calendar_year", "term")


class Rolling(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rolling_days: int = Field(ge=1, description="The last N days, the fact's day included.")


class Measure(BaseModel):
    """A sum or count of moves of one kind, over a window, optionally per value of a field."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    sum: str | None = Field(None, description="The number or money field to add up.")
    count: bool = Field(False, description="Count the moves instead of adding up a field.")
    of: str = Field(description="The event kind whose moves are measured.")
    per: str | None = Field(None, description="Keep one total per value of this field.")
    where: dict[str, Any] = Field(
        {},
        description="Only moves whose fields pass these tests, written as in a `when`: "
        "{percent: {gt: 0}, customer: {in: [a, b]}}.",
    )
    over: Literal["all", "contract_year", "calendar_quarter", "calendar_year", "term"] | Rolling = (
        Field("all", description="The window: a period, {rolling_days: N}, or all.")
    )
    description: str | None = None

    @model_validator(mode="after")
    def _sum_or_count(self) -> Measure:
        if (self.sum is None) == (not self.count):
            raise ValueError("a measure needs exactly one of 'sum: <field>' or 'count: true'")
        return self


@dataclass(frozen=True)
class Window:
    """The window a value is taken over: a bucket key and words for the report."""

    key: Any
    words: str


@dataclass(frozen=True)
class Figure:
    """A measure's value at a fact, with what it is made of."""

    count: int
    total: float

    def value(self, measure: Measure) -> float:
        return self.count if measure.count else self.total


def window(measure: Measure, day: dt.date, start: dt.date | None, term: Period | None) -> Window:
    """The window of `measure` that contains `day`."""
    over = measure.over
    if isinstance(over, Rolling):
        first = day - dt.timedelta(days=over.rolling_days - 1)
        return Window(None, f"the {over.rolling_days} days {first}..{day}")
    if over == "all":
        return Window(None, "all")
    if over == "term":
        if term is None:
            return Window(0, "no term")
        return Window(term.index, term.describe())
    period = containing(over, day, start or day)
    return Window(period.start, period.describe())


@dataclass
class _Rolling:
    moves: deque[tuple[dt.date, float]] = field(default_factory=deque)
    total: float = 0.0


@dataclass
class Ledger:
    """Running totals of every measure, kept as moves are recorded. Dates must not go back."""

    buckets: dict[tuple[str, Any, Any], tuple[int, float]] = field(default_factory=dict)
    rolling: dict[tuple[str, Any], _Rolling] = field(default_factory=dict)

    def copy(self) -> Ledger:
        return Ledger(
            dict(self.buckets),
            {k: _Rolling(deque(v.moves), v.total) for k, v in self.rolling.items()},
        )

    def record(
        self, measure: Measure, key: Any, day: dt.date, where: Window, amount: float
    ) -> None:
        if isinstance(measure.over, Rolling):
            line = self.rolling.setdefault((measure.id, key), _Rolling())
            line.moves.append((day, amount))
            line.total += amount
            return
        bucket = (measure.id, key, where.key)
        count, total = self.buckets.get(bucket, (0, 0.0))
        self.buckets[bucket] = (count + 1, total + amount)

    def figure(self, measure: Measure, key: Any, day: dt.date, where: Window) -> Figure:
        over = measure.over
        if isinstance(over, Rolling):
            line = self.rolling.get((measure.id, key))
            if line is None:
                return Figure(0, 0.0)
            first = day - dt.timedelta(days=over.rolling_days - 1)
            while line.moves and line.moves[0][0] < first:  # each move dropped once
                line.total -= line.moves.popleft()[1]
            return Figure(len(line.moves), line.total)
        count, total = self.buckets.get((measure.id, key, where.key), (0, 0.0))
        return Figure(count, total)


def amount_of(measure: Measure, fields: dict[str, Any]) -> float:
    """What one move adds: 1 for a count, its field's value for a sum (0 when not given)."""
    if measure.count:
        return 1.0
    value = fields.get(measure.sum or "")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def key_of(measure: Measure, fields: dict[str, Any]) -> Any:
    return None if measure.per is None else fields.get(measure.per)


def show_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def explain(measure: Measure, figure: Figure, where: Window, title: str) -> str:
    """'2 seat purchase moves total 450 seats in contract year 2 (2026-01-01..2026-12-31)'."""
    scope = f" for this {measure.per}" if measure.per else ""
    span = "in all" if where.words == "all" else f"in {where.words}"
    if measure.count:
        return f"{figure.count} {title} move{'' if figure.count == 1 else 's'}{scope} {span}"
    total = show_number(figure.total)
    one = figure.count == 1
    return f"{figure.count} {title} move{'' if one else 's'}{scope} total{'s' if one else ''} {total} {measure.sum} {span}"
