"""`record_consent: {from, for, on?, once?}`: the party's consent to moves of that kind is on
record. `on: "{field}"` keys it to one value (consent to assign to X does not cover Y);
`once: true` makes it used up by the move it permitted (see engine/constructs/consent.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from engine.conditions import Consequence, with_article
from engine.constructs.base import ArgModel, Change, Operation, Site

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State


class RecordConsentArgs(ArgModel):
    given_by: str = Field(alias="from", description="The party that consents.")
    subject: str = Field(alias="for", description="The event kind consented to.")
    on: str | None = Field(
        None, description="The value consented to, usually a {field} of the move, e.g. '{to}'."
    )
    once: bool = Field(False, description="Used up by the move it permitted.")


class RecordConsent(Operation):
    op = "record_consent"
    args = ("from", "for", "on", "once")
    optional = frozenset({"on", "once"})
    model = RecordConsentArgs
    change = "consent_recorded"
    change_fields = ("from", "for", "on")
    reads = frozenset({"consent"})
    targets: ClassVar[dict[str, str]] = {"from": "party", "for": "event kind"}

    def parse(self, arg: Any, site: Site) -> Consequence | None:
        once = arg.get("once", False) if isinstance(arg, dict) else False
        if not isinstance(once, bool):
            site.problem(f"{site.where}.{self.op}.once: expected true or false, got {once!r}")
            return None
        if isinstance(arg, dict) and "once" in arg:
            arg = {k: v for k, v in arg.items() if k != "once"}
        parsed = super().parse(arg, site)
        if parsed is None or not once:
            return parsed
        return Consequence(self.op, tuple(sorted((*parsed.args, ("once", "true")))))

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        party, subject, value = args["from"], args["for"], args.get("on")
        once = args.get("once") == "true"
        if value is None:
            if (party, subject) in state.consents:
                return []
            state.consents.add((party, subject))
        else:
            if (party, subject, value) in state.keyed_consents:
                return []
            state.keyed_consents.add((party, subject, value))
        if once:
            state.once_consents.add((party, subject, value))
        return [_change(party, subject, value)]

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        key = (args["from"], args["for"], args.get("on"))
        if key in world.all_consents():
            return []
        if key[2] is None:
            world.consents.add((key[0], key[1]))
        else:
            world.keyed.add((key[0], key[1], key[2]))
        if args.get("once") == "true":
            world.once.add(key)
        return [_change(*key)]

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        on = change.get("on")
        shown = f" on {names.get(on, on)}" if on is not None else ""
        who = names.get(change["from"], change["from"])
        subject = str(change["for"])
        return f"{who} consented to {with_article(names.get(subject, subject))}{shown}"


def _change(party: str, subject: str, value: str | None) -> Change:
    change: Change = {"kind": "consent_recorded", "from": party, "for": subject}
    if value is not None:
        change["on"] = value
    return change
