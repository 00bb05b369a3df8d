"""Termination: a move or change that ends the partnership or named clauses (`ends`).

By notice (`takes_effect: {days_after: N}`), the end comes N days after the move: the notice is
state until then, shown in the report, and a move of the kind `withdrawn_by` cancels it (a later
notice starts afresh). The norm's own `then` happens when the notice is given.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from engine.conditions import Consequence, FieldTest, Trigger, with_article
from engine.model import Norm, NormKind
from engine.norms.base import NormChecks, NormKindDef

if TYPE_CHECKING:
    from engine.evaluate import Evaluator, _Fact, _Run
    from engine.validate import NormSpec


def ends(norm: Norm) -> list[Consequence]:
    """What the termination ends, as consequences."""
    if norm.ends == "partnership":
        return [Consequence("end_partnership", ())]
    return [Consequence("end_clause", (("clause", c),)) for c in norm.ends or []]


def ends_words(norm: Norm) -> str:
    if norm.ends == "partnership":
        return "the partnership ends"
    return (
        "clause " + ", ".join(norm.ends or []) + " end" + ("s" if len(norm.ends or []) == 1 else "")
    )


class Termination(NormKindDef):
    kind = NormKind.termination
    required = ("when", "ends")
    keys = ("ends", "takes_effect", "withdrawn_by")
    summary = "a move or change that ends the partnership or the clauses named in `ends`"
    roles: ClassVar[tuple[str, ...]] = ("withdraw",)

    def model_problems(self, norm: Norm) -> list[str]:
        found = super().model_problems(norm)
        if not found and norm.withdrawn_by is not None and norm.takes_effect is None:
            return ["'withdrawn_by' needs 'takes_effect': only a notice can be withdrawn"]
        return found

    def check_refs(self, norm: Norm, checks: NormChecks) -> None:
        if isinstance(norm.ends, list):
            for index, clause in enumerate(norm.ends):
                checks.ref(clause, "clauses", "clause", ("ends", index))
        if norm.withdrawn_by is not None:
            checks.ref(norm.withdrawn_by, "kinds", "event kind", ("withdrawn_by",))

    def consequences(self, norm: Norm, declared: list[Consequence]) -> list[Consequence]:
        if norm.takes_effect is not None:
            return declared  # the end comes when the notice takes effect
        if norm.ends == "partnership":
            return [*ends(norm), *declared]
        return [*declared, *ends(norm)]

    def listeners(
        self, norm: Norm, when: Trigger | None, checks: NormChecks, data: dict[str, Any]
    ) -> dict[str, Trigger]:
        if norm.withdrawn_by is None:
            return {}
        # only the party that gave notice withdraws it (with `bearer: either`, each its own)
        return {
            "withdraw": Trigger("move", norm.withdrawn_by, (FieldTest("actor", "eq", norm.bearer),))
        }

    def explain(self, spec: NormSpec) -> list[tuple[str, str]]:
        n = spec.norm
        if n.takes_effect is None:
            return [("ends", f"{ends_words(n)} when it fires")]
        lines = [("ends", f"{ends_words(n)} {n.takes_effect.days_after} days after the notice")]
        if n.withdrawn_by:
            lines.append(
                ("withdrawn by", f"{with_article(n.withdrawn_by)} move before it takes effect")
            )
        return lines

    # -- evaluation ----------------------------------------------------------------------------
    def fired(self, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec) -> list[str]:
        from engine.state import Notice  # state imports validate, which imports this registry

        n = spec.norm
        if n.takes_effect is None:
            return []
        pending = run.state.notices.get(n.id)
        if pending is not None:
            return [f"a notice given {pending.given} is already pending ({pending.effective})"]
        effective = fact.date + dt.timedelta(days=n.takes_effect.days_after)
        run.state.notices[n.id] = Notice(n.id, effective, f"on {fact.date} ({fact.move_text})")
        return [f"notice given: {ends_words(n)} on {effective}"]

    def react(
        self, role: str, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec
    ) -> list[_Fact]:
        pending = run.state.notices.pop(spec.id, None)
        if role == "withdraw" and pending is not None:
            ev.note(
                run,
                spec,
                fact,
                f"The notice of termination given {pending.given} is withdrawn: it will not take effect on {pending.effective}.",
                [f"notice {spec.id} withdrawn"],
            )
        return []


KIND = Termination()
