"""Typed conditions: what a norm tests, in a form the compiler turns into durable_rules JSON.

A move or change is asserted as one flat fact: its fields, its date `d` (YYYYMMDD), and one
`s__...` property per state question some rule asks ("was consent given?", "is this entity in that
set?"). durable_rules evaluates every condition; Python only answers the state questions.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

DATE_FIELD = "d"
SEQ_FIELD = "n"
KIND_FIELD = "kind"
RESERVED_FIELDS = frozenset({"sid", "id", DATE_FIELD, SEQ_FIELD, KIND_FIELD, "source"})


def date_number(day: dt.date) -> int:
    """Dates travel as YYYYMMDD integers so durable_rules can compare them."""
    return day.year * 10000 + day.month * 100 + day.day


def number_date(value: int) -> dt.date:
    return dt.date(value // 10000, value // 100 % 100, value % 100)


_NEGATION = {
    "eq": "neq",
    "neq": "eq",
    "in": "not_in",
    "not_in": "in",
    "gt": "lte",
    "lte": "gt",
    "gte": "lt",
    "lt": "gte",
}

_OP_WORDS = {
    "eq": "is",
    "neq": "is not",
    "gt": "is more than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
}


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


@dataclass(frozen=True)
class FieldTest:
    """A test of one field of the move: equality, negation, membership, comparison."""

    field: str
    op: str  # eq, neq, in, not_in, gt, gte, lt, lte
    value: Any
    shown: Any = None  # the value as the author wrote it (a date, not its number)

    def to_durable(self) -> dict[str, Any]:
        if self.op == "eq":
            return {self.field: self.value}
        if self.op == "in":
            return {"$or": [{self.field: v} for v in self.value]}
        if self.op == "not_in":
            return {"$and": [{"$neq": {self.field: v}} for v in self.value]}
        return {f"${self.op}": {self.field: self.value}}

    def holds(self, values: dict[str, Any]) -> bool:
        """This test on a fact's values, in Python (a measure's filter; durable_rules tests the
        norms). A missing field fails every test, as in durable_rules."""
        if self.field not in values:
            return False
        value, op, wanted = values[self.field], self.op, self.value
        try:
            if op == "eq":
                return bool(value == wanted)
            if op == "neq":
                return bool(value != wanted)
            if op == "in":
                return value in wanted
            if op == "not_in":
                return value not in wanted
            if op == "gt":
                return bool(value > wanted)
            if op == "gte":
                return bool(value >= wanted)
            if op == "lt":
                return bool(value < wanted)
            return bool(value <= wanted)
        except TypeError:  # a value of another type than the test's
            return False

    def negated(self) -> FieldTest:
        return FieldTest(self.field, _NEGATION[self.op], self.value, self.shown)

    def describe(self) -> str:
        return self._description

    @functools.cached_property
    def _description(self) -> str:  # reports ask on every check; the test never changes
        shown = self.shown if self.shown is not None else self.value
        if self.op == "in":
            return f"{self.field} is one of {_show(shown)}"
        if self.op == "not_in":
            return f"{self.field} is none of {_show(shown)}"
        return f"{self.field} {_OP_WORDS[self.op]} {_show(shown)}"


@dataclass(frozen=True)
class StateTest:
    """A question about the state: answered in Python, tested by durable_rules as `s__...` = 1."""

    question: str  # a question of a construct in engine/constructs (QUESTIONS)
    args: tuple[str, ...]
    name: str  # how the author wrote it, for "defeated by ..."

    @functools.cached_property
    def probe(self) -> str:  # asked for every fact; the test never changes
        return "s__" + "__".join((self.question, *self.args))

    def to_durable(self, holds: bool = True) -> dict[str, Any]:
        return {self.probe: 1} if holds else {"$neq": {self.probe: 1}}

    def describe(self) -> str:
        return self._description

    @functools.cached_property
    def _description(self) -> str:
        from engine.constructs import QUESTIONS  # the constructs build on these classes

        construct = QUESTIONS.get(self.question)
        return self.name if construct is None else construct.describe(self)


Test = FieldTest | StateTest


@dataclass(frozen=True)
class Trigger:
    """What a norm listens for: a move of some kind, or a change of state, with tests on it."""

    source: str  # "move" or "change"
    kind: str
    tests: tuple[Test, ...]

    @property
    def route(self) -> str:
        return f"{self.source}:{self.kind}"

    def describe(self) -> str:
        return self._description

    @functools.cached_property
    def _description(self) -> str:
        what = f"{_a(self.kind)} move" if self.source == "move" else f"the change {self.kind}"
        if not self.tests:
            return what
        return what + " where " + " and ".join(t.describe() for t in self.tests)


@dataclass(frozen=True)
class Consequence:
    """A change of state a norm or a move sets off; strings may hold {field} templates."""

    op: str  # a consequence of engine/constructs (OPERATIONS)
    args: tuple[tuple[str, Any], ...]

    def arg(self, name: str) -> Any:
        return dict(self.args).get(name)


def _a(word: str) -> str:
    """The article English wants before a kind id: "an ipo", "a conversion"."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word
