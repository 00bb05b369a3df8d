"""`record_consent: {from, for}`: the party's consent to moves of that kind is on record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from engine.constructs.base import ArgModel, Change, Operation

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class RecordConsentArgs(ArgModel):
    given_by: str = Field(alias="from", description="The party that consents.")
    subject: str = Field(alias="for", description="The event kind consented to.")


class RecordConsent(Operation):
    op = "record_consent"
    args = ("from", "for")
    model = RecordConsentArgs
    change = "consent_recorded"
    change_fields = ("from", "for")
    reads = frozenset({"consent"})
    targets: ClassVar[dict[str, str]] = {"from": "party", "for": "event kind"}

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        key = (args["from"], args["for"])
        if key in state.consents:
            return []
        state.consents.add(key)
        return [{"kind": "consent_recorded", "from": key[0], "for": key[1]}]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        if (args["from"], args["for"]) in world.consents:
            return []
        world.consents.add((args["from"], args["for"]))
        return [{"kind": "consent_recorded", "from": args["from"], "for": args["for"]}]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        return f"{change['from']} consented to {change['for']}"
