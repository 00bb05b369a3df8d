"""`{compare: {left: <expr>, gt: <expr>}}`: compare two expressions (engine/values.py) of the
move's fields, the contract's values and its measures; one of gt, gte, lt, lte, eq. Decided by
durable_rules on a probe answered in Python, like every state question; the report gives the
figures: "it does not: {discount} = 10, best-discount = 15"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from engine.conditions import StateTest
from engine.constructs.base import ArgModel, Condition, Site
from engine.constructs.measure import OPS, compare, figure, reference_value
from engine.values import (
    EXPRESSION_HELP,
    Env,
    Expr,
    ExprError,
    evaluate,
    expression_of,
    key_of,
    number_of,
    show_number,
)
from engine.values import parse as parse_expr

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State

_SIGNS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "="}
_WORDS = {
    "gt": "more than",
    "gte": "at least",
    "lt": "less than",
    "lte": "at most",
    "eq": "equal to",
}


class CompareArgs(ArgModel):
    left: Any = Field(description="An expression: " + EXPRESSION_HELP)
    gt: Any = None
    gte: Any = None
    lt: Any = None
    lte: Any = None
    eq: Any = None


class Compare(Condition):
    word = "compare"
    questions = ("compare",)
    model = CompareArgs
    usage = "{compare: {left: <expression>, gt: <expression>}} (or gte, lt, lte, eq)"
    explains = True

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        where = f"{site.where}.compare"
        ops = [k for k in arg if k != "left"] if isinstance(arg, dict) else []
        if not isinstance(arg, dict) or "left" not in arg or len(ops) != 1 or ops[0] not in OPS:
            site.problem(f"{where}: expected {self.usage}")
            return None
        op = ops[0]
        r = site.resolver
        sides = []
        for key in ("left", op):
            try:
                sides.append(parse_expr(arg[key], site.fields, r.values, r.measures))
            except ExprError as error:
                site.problem(f"{where}.{key}: {error}")
        if len(sides) != 2:
            return None
        for name in {n for side in sides for n in side.names("measure")}:
            per = r.measures[name].per
            if per is not None and per not in site.fields:
                site.problem(
                    f"{where}: measure '{name}' is kept per {per}, which this norm's trigger does not have"
                )
                return None
        left, right = sides
        key = key_of(Expr(f"cmp:{op}", (left, right)))
        return StateTest("compare", (key,), f"{left.show()} {_SIGNS[op]} {right.show()}")

    def describe(self, test: StateTest) -> str:
        left, op, right = _parts(test)
        return f"{left.show()} is {_WORDS[op]} {right.show()}"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        left, op, right = _parts(test)
        return _holds(left, op, right, engine_env(state, fact))

    def explain(
        self, state: State, test: StateTest, fact: dict[str, Any], titles: dict[str, str]
    ) -> str | None:
        left, _, right = _parts(test)
        env = engine_env(state, fact)
        shown = []
        for side in (left, right):
            value = evaluate(side, env)
            if side.kind != "num":
                shown.append(
                    f"{side.show()} = {'not given' if value is None else show_number(value)}"
                )
        return ", ".join(shown) or None

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        left, op, right = _parts(test)
        return _holds(left, op, right, reference_env(world, values))


def _parts(test: StateTest) -> tuple[Expr, str, Expr]:
    expr = expression_of(test.args[0])
    return expr.arg[0], expr.kind.split(":", 1)[1], expr.arg[1]


def _holds(left: Expr, op: str, right: Expr, env: Env) -> bool:
    a, b = evaluate(left, env), evaluate(right, env)
    return a is not None and b is not None and compare(a, op, b)


def engine_env(state: State, fields: dict[str, Any]) -> Env:
    def env(kind: str, name: str) -> float | None:
        if kind == "field":
            return number_of(fields.get(name))
        if kind == "value":
            return state.values.get(name)
        measure = state.measures[name]
        return figure(state, measure, fields).value(measure)

    return env


def reference_env(world: World, fields: dict[str, Any]) -> Env:
    def env(kind: str, name: str) -> float | None:
        if kind == "field":
            return number_of(fields.get(name))
        if kind == "value":
            return world.values.get(name)
        return reference_value(world, world.measures[name], fields)

    return env
