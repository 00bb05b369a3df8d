"""`{consent: {from: <party>, for: <event kind>}}`: that party has consented to moves of that
kind (recorded by `record_consent` or given in the initial state)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from engine.conditions import StateTest
from engine.constructs.base import ArgModel, Condition, Site

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class ConsentArgs(ArgModel):
    given_by: str = Field(alias="from", description="The party whose consent is needed.")
    subject: str = Field(alias="for", description="The event kind consented to.")


class Consent(Condition):
    word = "consent"
    questions = ("consent",)
    model = ConsentArgs
    usage = "{consent: {from: <party>, for: <event kind>}}"

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        where = f"{site.where}.consent"
        if not isinstance(arg, dict) or set(arg) != {"from", "for"}:
            site.problem(f"{where}: expected {{from: <party>, for: <event kind>}}")
            return None
        ok = site.ref(str(arg["from"]), site.resolver.parties, "party", f"{where}.from")
        ok &= site.ref(str(arg["for"]), site.resolver.kinds, "event kind", f"{where}.for")
        if not ok:
            return None
        return StateTest(
            "consent", (str(arg["from"]), str(arg["for"])), f"consent from {arg['from']}"
        )

    def describe(self, test: StateTest) -> str:
        return f"{test.args[0]} has consented to {test.args[1]}"

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        return (test.args[0], test.args[1]) in state.consents

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        return (test.args[0], test.args[1]) in world.consents
