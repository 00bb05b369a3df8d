"""A trigger nothing can ever produce: a norm listening for a change (`when: {change: ...}`, an
obligation started by one) that no consequence, no move's effects, no norm kind and no passing of
time in the contract emits with the values it tests. (The `if:` form, a state condition nothing
makes true, is `never-fires`.)

Exact: every emitter of the contract is tried, and a value filled from a move's field
(`set_flag: "{flag}"`) counts as any value, so a change reported here cannot happen.
"""

from __future__ import annotations

from engine.conditions import FieldTest, Trigger
from engine.constructs import CHANGE_KINDS
from engine.lint.context import Lint
from engine.lint.facts import Emission, emissions

CHECK = "never-produced"
HOW = "exact: every consequence, move effect, norm kind and time change of the contract tried"
CHECKS = {CHECK: (HOW, "a norm listening for a change nothing in the contract emits")}


def run(lint: Lint) -> None:
    emitted = emissions(lint.spec)
    never = lint.reported("never-fires")
    for norm in lint.spec.norms:
        if norm.id in never:
            continue
        for label, trigger in (("its trigger", norm.trigger), ("what starts it", norm.starts)):
            if trigger is None or trigger.source != "change":
                continue
            if trigger.kind not in CHANGE_KINDS:
                continue  # the engine's own (a maintenance norm's check)
            tests = [t for t in trigger.tests if isinstance(t, FieldTest)]
            if any(e.kind == trigger.kind and e.may_satisfy(tests) for e in emitted):
                continue
            lint.add(
                norm,
                "error",
                CHECK,
                f"{norm.id}: {label}, {trigger.describe()}, never happens: no consequence, "
                f"move effect, norm or passing of time in the contract emits it. exact. "
                f"Fix: {_fix(trigger, tests, emitted)}",
            )
            break


def _fix(trigger: Trigger, tests: list[FieldTest], emitted: list[Emission]) -> str:
    """What to change: the values that are emitted for the tested fields, or what to add."""
    same = [e for e in emitted if e.kind == trigger.kind]
    if not same:
        return (
            f"add a consequence that emits {trigger.kind} to the norm or move meant to cause "
            f"it, or listen for a change the contract has."
        )
    offered: dict[str, set[str]] = {}
    for emission in same:
        for name, value in emission.known:
            if any(t.field == name for t in tests):
                offered.setdefault(name, set()).add(str(value))
    if not offered:
        return f"correct the values tested in `when`, or emit {trigger.kind} with them."
    said = "; ".join(f"{name}: {', '.join(sorted(vals))}" for name, vals in sorted(offered.items()))
    return f"{trigger.kind} is emitted only with {said}: correct the value in `when`, or emit it."
