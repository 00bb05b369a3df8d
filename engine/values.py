"""Values and arithmetic: numbers the contract keeps (the best discount given so far, an amount
owed) and the expressions that read and change them.

    values:
      - {id: best-discount, initial: 0}

Expressions, wherever one is accepted (`compare`, `set_value`, `add_to_value`):
a number; `"{field}"` (a number or money field of the move); `{value: <id>}`; `{measure: <id>}`;
`{add|sub|mul|max|min: [e, e, ...]}`; `{pct: [e, p]}` (p percent of e). An expression that reads
a field the move does not carry has no value: a comparison with it does not hold and a change
with it does nothing. Expressions are data, parsed once at load; nothing is evaluated as code.
"""

from __future__ import annotations

import base64
import functools
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.errors import EngineError
from engine.suggest import did_you_mean

OPERATORS: dict[str, Callable[[list[float]], float]] = {
    "add": lambda xs: functools.reduce(operator.add, xs),
    "sub": lambda xs: functools.reduce(operator.sub, xs),
    "mul": lambda xs: functools.reduce(operator.mul, xs),
    "max": max,
    "min": min,
}
EXPRESSION_HELP = (
    "an expression is a number, '{field}', {value: <id>}, {measure: <id>}, "
    "{add|sub|mul|max|min: [<expr>, <expr>]} or {pct: [<expr>, <percent>]}"
)


class ValueDecl(BaseModel):
    """A number the contract keeps, changed by `set_value` / `add_to_value`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    initial: float = Field(0, description="Its value before the first move.")
    description: str | None = None


@dataclass(frozen=True)
class Expr:
    """A parsed expression: `kind` is num, field, value, measure, pct or an operator name."""

    kind: str
    arg: Any  # the number, the name, or a tuple of sub-expressions

    def names(self, kind: str) -> set[str]:
        if self.kind == kind:
            return {self.arg}
        if isinstance(self.arg, tuple):
            return set().union(*(e.names(kind) for e in self.arg))
        return set()

    def show(self) -> str:
        if self.kind == "num":
            return _number(self.arg)
        if self.kind == "field":
            return self.arg  # type: ignore[no-any-return]
        if self.kind in ("value", "measure"):
            return self.arg  # type: ignore[no-any-return]
        if self.kind == "pct":
            return f"{self.arg[1].show()}% of {self.arg[0].show()}"
        return f"{self.kind}(" + ", ".join(e.show() for e in self.arg) + ")"


Env = Callable[[str, str], float | None]
"""Looks up ('field' | 'value' | 'measure', name); None when it has no number."""


def evaluate(expr: Expr, env: Env) -> float | None:
    if expr.kind == "num":
        return float(expr.arg)
    if expr.kind in ("field", "value", "measure"):
        return env(expr.kind, expr.arg)
    parts = [evaluate(e, env) for e in expr.arg]
    if any(p is None for p in parts):
        return None
    numbers = [p for p in parts if p is not None]
    if expr.kind == "pct":
        return numbers[0] * numbers[1] / 100
    return OPERATORS[expr.kind](numbers)


def number_of(value: Any) -> float | None:
    """A field's value as a number, if it is one (fields filled into text come back as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


show_number = _number


class ExprError(ValueError):
    """What is wrong with an expression, and how to write it."""


def parse(
    raw: Any, fields: frozenset[str], values: dict[str, Any], measures: dict[str, Any]
) -> Expr:
    """Parse an expression, checking every name it uses; ExprError says what is wrong."""
    if isinstance(raw, bool):
        raise ExprError(f"{raw!r} is not an expression; {EXPRESSION_HELP}")
    if isinstance(raw, int | float):
        return Expr("num", float(raw))
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("{") and text.endswith("}") and text.count("{") == 1:
            name = text[1:-1]
            if name not in fields:
                raise ExprError(
                    f"'{{{name}}}' is not a field of the move{did_you_mean(name, fields)}"
                )
            return Expr("field", name)
        try:
            return Expr("num", float(text))
        except ValueError:
            raise ExprError(
                f"'{raw}' is not an expression; a field of the move is written '{{field}}'; "
                + EXPRESSION_HELP
            ) from None
    if isinstance(raw, dict) and len(raw) == 1:
        ((word, arg),) = raw.items()
        if word in ("value", "measure"):
            known = values if word == "value" else measures
            name = str(arg)
            if name not in known:
                raise ExprError(
                    f"unknown {word} '{name}'{did_you_mean(name, known)}; known: "
                    + (", ".join(sorted(known)) or f"(none: declare {word}s in the contract file)")
                )
            return Expr(word, name)
        if word in OPERATORS or word == "pct":
            if not isinstance(arg, list) or len(arg) < 2 or (word == "pct" and len(arg) != 2):
                need = (
                    "[<expr>, <percent>]" if word == "pct" else "a list of two or more expressions"
                )
                raise ExprError(f"{word}: expected {need}")
            return Expr(word, tuple(parse(a, fields, values, measures) for a in arg))
        raise ExprError(
            f"unknown operation '{word}'{did_you_mean(word, [*OPERATORS, 'pct', 'value', 'measure'])}; "
            + EXPRESSION_HELP
        )
    raise ExprError(f"{raw!r} is not an expression; {EXPRESSION_HELP}")


def key_of(expr: Expr) -> str:
    """The expression as a key for probe names and consequence arguments (strings): its own
    content, encoded (URL-safe base64 of its JSON, so only letters, digits, '-' and '_'), never
    an index into a table of this process. A contract read back from the cache, or sent to
    another process, carries its expressions in these keys and needs nothing else to read them;
    equal expressions have equal keys, whatever contract they come from."""
    text = json.dumps(_plain(expr), separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@functools.lru_cache(maxsize=4096)
def expression_of(key: str) -> Expr:
    """The expression a key holds (see `key_of`); a key that is not one is an EngineError."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
        return _from_plain(raw)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise EngineError(f"'{key}' is not the key of an expression: {error}") from None


def _plain(expr: Expr) -> Any:
    if isinstance(expr.arg, tuple):
        return [expr.kind, [_plain(e) for e in expr.arg]]
    return [expr.kind, expr.arg]


def _from_plain(raw: Any) -> Expr:
    kind, arg = raw
    if not isinstance(kind, str):
        raise TypeError(f"{kind!r} is not a kind of expression")
    if isinstance(arg, list):
        return Expr(kind, tuple(_from_plain(part) for part in arg))
    if kind == "num":
        return Expr(kind, float(arg))
    if not isinstance(arg, str):
        raise TypeError(f"{arg!r} is not a name")
    return Expr(kind, arg)
