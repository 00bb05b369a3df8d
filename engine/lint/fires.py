"""Norms that can never fire, and exceptions that can never hold: field conditions no move can
satisfy (z3, each field over its domain), state conditions nothing in the contract makes true."""

from __future__ import annotations

from engine.conditions import FieldTest, StateTest
from engine.lint.context import Lint
from engine.lint.solver import satisfiable
from engine.model import NormKind
from engine.validate import NormSpec

CHECKS = {
    "never-fires": (
        "exact",
        "field conditions no move can satisfy (z3), or requirements no consequence can make true",
    ),
    "exception-never-holds": ("exact", "an `unless` that nothing in the contract can make true"),
}


def run(lint: Lint) -> None:
    for norm in lint.spec.norms:
        never_fires(lint, norm)
        exceptions(lint, norm)


def never_fires(lint: Lint, norm: NormSpec) -> None:
    for label, trigger in (
        ("its trigger", norm.trigger),
        ("what starts it", norm.starts),
        ("the move that meets it", norm.fulfils),
    ):
        if trigger is None or (norm.norm.kind is NormKind.expiry and trigger is norm.trigger):
            continue
        tests = [t for t in trigger.tests if isinstance(t, FieldTest)]
        tests += (
            [t for t in norm.requires if isinstance(t, FieldTest)]
            if trigger is norm.trigger
            else []
        )
        if tests and not satisfiable(tests, lint.domains(trigger), lint.spec_values(trigger)):
            shown = " and ".join(t.describe() for t in tests)
            what = "move" if trigger.source == "move" else "change"
            lint.add(
                norm,
                "error",
                "never-fires",
                f"{norm.id}: no {trigger.kind} {what} can satisfy {label}: {shown}",
            )
    for test in norm.requires:
        if isinstance(test, StateTest) and not lint.can_hold(test):
            lint.add(
                norm,
                "error",
                "never-fires",
                f"{norm.id}: its requirement '{test.describe()}' can never hold: nothing in the contract makes it true",
            )


def exceptions(lint: Lint, norm: NormSpec) -> None:
    for test in norm.exceptions:
        if not lint.can_hold(test):
            lint.add(
                norm,
                "warning",
                "exception-never-holds",
                f"{norm.id}: the exception 'unless {test.describe()}' can never hold: no move, consequence or initial state makes it true",
            )
