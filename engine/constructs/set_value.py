"""`set_value: {value: <id>, to: <expr>}` and `add_to_value: {value: <id>, amount: <expr>}`:
change a number the contract keeps (engine/values.py). Each emits `value_changed {value, to}`
when the number changes, so norms can listen for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from engine.conditions import Consequence
from engine.constructs.base import ArgModel, Change, Operation, Site
from engine.constructs.compare import engine_env, reference_env
from engine.values import (
    EXPRESSION_HELP,
    ExprError,
    evaluate,
    expression_of,
    key_of,
    show_number,
)
from engine.values import parse as parse_expr

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State

FIELD_ARG = "field:"  # consequence arguments that carry the move's fields an expression reads


class SetValueArgs(ArgModel):
    value: str = Field(description="The value's id (contract file, `values:`).")
    to: Any = Field(description="An expression: " + EXPRESSION_HELP)


class AddToValueArgs(ArgModel):
    value: str = Field(description="The value's id (contract file, `values:`).")
    amount: Any = Field(description="An expression: " + EXPRESSION_HELP)


class SetValue(Operation):
    op = "set_value"
    args = ("value", "to")
    model: ClassVar[Any] = SetValueArgs
    change = "value_changed"
    change_fields = ("value", "to")
    reads: ClassVar[frozenset[str]] = frozenset({"compare"})
    adds = False

    def parse(self, arg: Any, site: Site) -> Consequence | None:
        where = f"{site.where}.{self.op}"
        what = self.args[1]
        if not isinstance(arg, dict) or set(arg) != set(self.args):
            site.problem(f"{where}: expected {{value: <value id>, {what}: <expression>}}")
            return None
        r = site.resolver
        if not site.ref(str(arg["value"]), r.values, "value", f"{where}.value"):
            return None
        try:
            expr = parse_expr(arg[what], site.fields, r.values, r.measures)
        except ExprError as error:
            site.problem(f"{where}.{what}: {error}")
            return None
        for name in expr.names("measure"):
            per = r.measures[name].per
            if per is not None and per not in site.fields:
                site.problem(
                    f"{where}.{what}: measure '{name}' is kept per {per}, which the move does not have"
                )
                return None
        needed = {*expr.names("field")} | {
            r.measures[m].per for m in expr.names("measure") if r.measures[m].per is not None
        }
        carried = tuple((FIELD_ARG + f, "{" + f + "}") for f in sorted(needed))
        return Consequence(self.op, (*carried, (what, key_of(expr)), ("value", str(arg["value"]))))

    def _new(self, old: float, amount: float | None) -> float | None:
        if amount is None:
            return None
        return old + amount if self.adds else amount

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        name = args["value"]
        amount = evaluate(expression_of(args[self.args[1]]), engine_env(state, _fields(args)))
        new = self._new(state.values[name], amount)
        if new is None or new == state.values[name]:
            return []
        state.values[name] = new
        return [{"kind": "value_changed", "value": name, "to": new}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        name = args["value"]
        amount = evaluate(expression_of(args[self.args[1]]), reference_env(world, _fields(args)))
        if amount is None:
            return []
        new = world.values[name] + amount if self.adds else amount
        if new == world.values[name]:
            return []
        world.values[name] = new
        return [{"kind": "value_changed", "value": name, "to": new}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return f"{change['value']} is now {show_number(change['to'])}"

    def show(self, consequence: Consequence) -> str:
        """The expression as written, not its encoded key nor the fields carried for it."""
        what = self.args[1]
        expr = expression_of(consequence.arg(what)).show()
        return f"{self.op} {{'value': '{consequence.arg('value')}', '{what}': '{expr}'}}"


class AddToValue(SetValue):
    op = "add_to_value"
    args = ("value", "amount")
    model = AddToValueArgs
    adds = True


def _fields(args: dict[str, Any]) -> dict[str, Any]:
    return {k[len(FIELD_ARG) :]: v for k, v in args.items() if k.startswith(FIELD_ARG)}
