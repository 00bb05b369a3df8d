"""`{consent: {from: <party>, for: <event kind>, on: <field>?}}`: that party has consented to
moves of that kind (recorded by `record_consent` or given in the initial state).

With `on`, the consent is keyed by a field of the move: consent to assign to X does not cover an
assignment to Y. It holds if the party consented for the value the move's field has, or gave a
blanket consent (recorded without `on`). Without `on`, only a blanket consent counts.

A consent recorded with `once: true` is used up by the move it permitted: the first later move of
the kind it is for whose keyed field (the `on` fields the contract's consent conditions name for
that party and kind) has the consent's value, or, for a blanket once-consent, the first later move
of that kind at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import Field

from engine.conditions import StateTest, Test
from engine.constructs.base import ArgModel, Condition, Site
from engine.suggest import did_you_mean

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State

ConsentKey = tuple[str, str, str | None]
"""(party, event kind, value of the keyed field or None for a blanket consent)."""


class ConsentArgs(ArgModel):
    given_by: str = Field(alias="from", description="The party whose consent is needed.")
    subject: str = Field(alias="for", description="The event kind consented to.")
    on: str | None = Field(
        None, description="A field of the move: the consent must be for the value it has."
    )


class Consent(Condition):
    word = "consent"
    questions = ("consent",)
    model = ConsentArgs
    usage = "{consent: {from: <party>, for: <event kind>, on: <field of the move>?}}"

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        where = f"{site.where}.consent"
        if not isinstance(arg, dict) or not {"from", "for"} <= set(arg) <= {"from", "for", "on"}:
            site.problem(f"{where}: expected {{from: <party>, for: <event kind>, on: <field>?}}")
            return None
        ok = site.ref(str(arg["from"]), site.resolver.parties, "party", f"{where}.from")
        ok &= site.ref(str(arg["for"]), site.resolver.kinds, "event kind", f"{where}.for")
        args: tuple[str, ...] = (str(arg["from"]), str(arg["for"]))
        if "on" in arg:
            field = str(arg["on"])
            if field not in site.fields:
                site.problem(
                    f"{where}.on: '{field}' is not a field of the move"
                    + did_you_mean(field, site.fields)
                    + "; `on` names the field whose value the consent must be for"
                )
                ok = False
            args = (*args, field)
        if not ok:
            return None
        return StateTest("consent", args, f"consent from {arg['from']}")

    def describe(self, test: StateTest) -> str:
        if len(test.args) == 3:
            return f"{test.args[0]} has consented to {test.args[1]} on the move's {test.args[2]}"
        return f"{test.args[0]} has consented to {test.args[1]}"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        return holds(state.consents, state.keyed_consents, test, fact)

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        a = test.args
        if (a[0], a[1]) in world.consents:
            return True
        return len(a) == 3 and a[2] in values and (a[0], a[1], str(values[a[2]])) in world.keyed


def holds(
    blanket: set[tuple[str, str]],
    keyed: set[tuple[str, str, str]],
    test: StateTest,
    fact: dict[str, Any],
) -> bool:
    a = test.args
    if (a[0], a[1]) in blanket:
        return True
    if len(a) < 3 or not keyed:
        return False
    value = fact.get(a[2])
    return value is not None and (a[0], a[1], str(value)) in keyed


def keyed_fields(tests: Iterable[Test]) -> dict[tuple[str, str], tuple[str, ...]]:
    """For each (party, kind), the fields keyed consent conditions read: where a move of that
    kind carries the value a once-consent is for."""
    found: dict[tuple[str, str], set[str]] = {}
    for t in tests:
        if isinstance(t, StateTest) and t.question == "consent" and len(t.args) == 3:
            found.setdefault((t.args[0], t.args[1]), set()).add(t.args[2])
    return {k: tuple(sorted(v)) for k, v in found.items()}


def used_up(
    once: set[ConsentKey],
    kind: str,
    fact: dict[str, Any],
    fields: dict[tuple[str, str], tuple[str, ...]],
) -> list[ConsentKey]:
    """The once-consents a move of `kind` with these fields uses up."""
    spent = []
    for key in sorted(once, key=str):
        party, subject, value = key
        if subject != kind:
            continue
        if value is None or any(
            f in fact and str(fact[f]) == value for f in fields.get((party, subject), ())
        ):
            spent.append(key)
    return spent


def lines(
    blanket: set[tuple[str, str]], keyed: set[tuple[str, str, str]], once: set[ConsentKey]
) -> list[str]:
    """The consents as a report lists them."""
    shown = [
        f"{a} consented to {b}" + (" (once)" if (a, b, None) in once else "") for a, b in blanket
    ]
    shown += [
        f"{a} consented to {b} on {v}" + (" (once)" if (a, b, v) in once else "")
        for a, b, v in keyed
    ]
    return sorted(shown)
