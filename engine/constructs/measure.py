"""`{measure: <id>, gte: 500}`: a measure (engine/measures.py) compared with a number, in `if` or
`unless`. One of gt, gte, lt, lte, eq. The report gives the figures it was decided on:
"it does not: 2 seat purchase moves total 450 seats in contract year 2 (2026-01-01..2026-12-31)"."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import Field

from engine.conditions import StateTest
from engine.constructs.base import ArgModel, Condition, Site
from engine.measures import Figure, Measure, amount_of, explain, key_of, show_number, window

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State

OPS = ("gt", "gte", "lt", "lte", "eq")
_WORDS = {
    "gt": "more than",
    "gte": "at least",
    "lt": "less than",
    "lte": "at most",
    "eq": "exactly",
}


class MeasureTestArgs(ArgModel):
    measure: str = Field(description="The measure's id (contract file, `measures:`).")
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    eq: float | None = None


def compare(value: float, op: str, limit: float) -> bool:
    if op == "gt":
        return value > limit
    if op == "gte":
        return value >= limit
    if op == "lt":
        return value < limit
    if op == "lte":
        return value <= limit
    return value == limit


def probe_number(value: float) -> str:
    """A number as it may appear in a probe's name (no '.', no '-')."""
    return show_number(value).replace(".", "_").replace("-", "m")


class MeasureTest(Condition):
    word = "measure"
    questions = ("measure",)
    model = MeasureTestArgs  # written as one mapping: {measure: id, gte: 500}
    usage = "{measure: <measure id>, gte: <number>} (or gt, lt, lte, eq)"
    whole = True
    explains = True

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        where = f"{site.where}.measure"
        ops = [k for k in arg if k != "measure"]
        if len(ops) != 1 or ops[0] not in OPS:
            site.problem(
                f"{where}: expected {self.usage}; got {', '.join(map(str, ops)) or 'no comparison'}"
            )
            return None
        op = ops[0]
        limit = arg[op]
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            site.problem(
                f"{where}.{op}: expected a number, got {limit!r}; to compare with a value or an "
                "expression, write {compare: {left: {measure: <id>}, " + op + ": <expression>}}"
            )
            return None
        name = str(arg["measure"])
        measures = site.resolver.measures
        if not site.ref(name, measures, "measure", where):
            return None
        measure: Measure = measures[name]
        if measure.per is not None and measure.per not in site.fields:
            site.problem(
                f"{where}: measure '{name}' is kept per {measure.per}, which this norm's trigger "
                f"does not have (its fields: {', '.join(sorted(site.fields)) or 'none'})"
            )
            return None
        return StateTest(
            "measure", (name, op, probe_number(limit)), f"{name} {_WORDS[op]} {show_number(limit)}"
        )

    def describe(self, test: StateTest) -> str:
        name, op, _ = test.args
        return f"{name} is {_WORDS[op]} {test.name.rsplit(' ', 1)[-1]}"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        name, op, _ = test.args
        measure = state.measures[name]
        return compare(figure(state, measure, fact).value(measure), op, _limit(test))

    def explain(
        self, state: State, test: StateTest, fact: dict[str, Any], titles: dict[str, str]
    ) -> str:
        measure = state.measures[test.args[0]]
        where = window(measure, state.as_of, state.period_start, _term(state))
        found = figure(state, measure, fact)
        return explain(measure, found, where, titles.get(measure.of, measure.of))

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        name, op, _ = test.args
        measure = world.measures[name]
        return compare(reference_value(world, measure, values), op, _limit(test))


def _limit(test: StateTest) -> float:
    return float(test.name.rsplit(" ", 1)[-1])


def _term(state: State) -> Any:
    return state.term.period() if state.term is not None else None


def figure(state: State, measure: Measure, fact: dict[str, Any]) -> Figure:
    """The measure's figure at the fact being evaluated (as of `state.as_of`)."""
    where = window(measure, state.as_of, state.period_start, _term(state))
    return state.ledger.figure(measure, key_of(measure, fact), state.as_of, where)


def record(state: State, kind: str, day: dt.date, fields: dict[str, Any]) -> None:
    """Record a move in every measure of its kind, before its norms are judged."""
    for measure in state.measures_of.get(kind, ()):
        if not all(t.holds(fields) for t in state.measure_filters.get(measure.id, ())):
            continue
        where = window(measure, day, state.period_start, _term(state))
        state.ledger.record(
            measure, key_of(measure, fields), day, where, amount_of(measure, fields)
        )


def reference_value(world: World, measure: Measure, values: dict[str, Any]) -> float:
    """The plain way: every recorded move of the kind, tested against the window."""
    day = world.as_of
    term = world.term.period() if world.term is not None else None
    wanted = window(measure, day, world.period_start, term)
    key = None if measure.per is None else values.get(measure.per)
    total = 0.0
    for counted, when, fields, term_index in world.log:
        if counted != measure.id or (measure.per is not None and fields.get(measure.per) != key):
            continue
        # every move recorded so far counts, one made the same day as a time fact too
        # (as_of is the day before for time facts; the engine's running totals hold it)
        over = measure.over
        if over == "term":
            inside = term_index == (term.index if term is not None else 0)
        elif over == "all":
            inside = True
        elif isinstance(over, str):
            inside = window(measure, when, world.period_start, None).key == wanted.key
        else:
            inside = (day - when).days < over.rolling_days
        if inside:
            total += amount_of(measure, fields)
    return total
