"""A deadline that falls before its obligation can start. A duty started by a move or change
(`when`) and due `by` a date earlier than the first day a deadline of it can start: every
deadline it starts is missed the day it starts. A duty the contract starts (no `when`) whose
window opens after its deadline has passed: the window is tested on the day the deadline passes,
so missing it is never reported.

Exact for dated terms: the first start is the latest of the norm's `from`, the contract's
`effective` date, and, for a deadline started by a dated change, the day that change comes (an
expiry's `on` + 1 when nothing extends its clause, another obligation's `by` + 1, the end of the
contract's initial term + 1). Starts that depend on moves count as any day in the window.
"""

from __future__ import annotations

import datetime as dt

from engine.conditions import FieldTest, Trigger
from engine.lint.context import Lint
from engine.lint.facts import consequences
from engine.model import NormKind
from engine.templates import HOLE
from engine.validate import NormSpec

CHECK = "deadline-before-start"
HOW = "exact for dated terms"
CHECKS = {CHECK: (HOW, "an obligation due before any deadline of it can start")}
DAY = dt.timedelta(days=1)
_NORM = ("norm", "eq")


def run(lint: Lint) -> None:
    for duty in lint.spec.norms:
        if duty.norm.kind is NormKind.obligation and duty.norm.by is not None:
            if duty.starts is None:
                _never_enforced(lint, duty, duty.norm.by)
            else:
                _missed_on_start(lint, duty, duty.norm.by)


def _missed_on_start(lint: Lint, duty: NormSpec, by: dt.date) -> None:
    """A duty started by a move or change: a deadline started after `by` passes that day."""
    first, why = _first_start(lint, duty)
    if first is None or by >= first:
        return
    lint.add(
        duty,
        "error",
        CHECK,
        f"{duty.id}: due by {by}, but no deadline of it can start before {first} ({why}): "
        f"every deadline it starts is missed the day it starts. {HOW}. Fix: move `by` to "
        f"{first} or later, use `within_days` for a deadline counted from its start, or "
        f"start it earlier.",
    )


def _never_enforced(lint: Lint, duty: NormSpec, by: dt.date) -> None:
    """A duty the contract starts (no `when`): its window is tested on the day its deadline
    passes (`by` + 1), so a window that opens later never hears the deadline pass."""
    start = duty.window_from
    if start is None or by + DAY >= start:
        return
    said = "its window" if start == duty.norm.valid_from else "the contract"
    lint.add(
        duty,
        "error",
        CHECK,
        f"{duty.id}: due by {by}, but {said} starts on {start}: the deadline passes on "
        f"{by + DAY}, before the duty applies, so missing it is never reported. {HOW}. Fix: "
        f"move `by` to {start - DAY} or later, or `from` to {by + DAY} or earlier.",
    )


def _first_start(lint: Lint, duty: NormSpec) -> tuple[dt.date | None, str]:
    """The first day a deadline of the duty can start, and why, or None when any day can."""
    found: list[tuple[dt.date, str]] = []
    if duty.window_from is not None:
        said = "its window" if duty.window_from == duty.norm.valid_from else "the contract"
        found.append((duty.window_from, f"{said} starts on {duty.window_from}"))
    if duty.starts is not None and duty.starts.source == "change":
        dated = _change_day(lint, duty.starts)
        if dated is not None:
            found.append(dated)
    if not found:
        return None, ""
    return max(found)


def _change_day(lint: Lint, trigger: Trigger) -> tuple[dt.date, str] | None:
    """The first day a dated change can come: an expiry's, an obligation's, the term's end."""
    named = next(
        (t.value for t in trigger.tests if isinstance(t, FieldTest) and (t.field, t.op) == _NORM),
        None,
    )
    other = next((n for n in lint.spec.norms if n.id == named), None)
    if trigger.kind == "expiry_reached" and other is not None and other.norm.on is not None:
        extended = any(
            c.op == "extend_clause" and _may_name(c.arg("clause"), other.norm.clause)
            for c in consequences(lint.spec)
        )
        if not extended:
            return other.norm.on + DAY, f"{other.id} expires after {other.norm.on}"
    if trigger.kind == "deadline_passed" and other is not None and other.norm.by is not None:
        return other.norm.by + DAY, f"{other.id} is due by {other.norm.by}"
    term = lint.spec.contract.contract.term
    if term is not None and trigger.kind in ("term_renewed", "term_ended"):
        end = term.initial.after(term.start)
        return end, f"the initial term ends on {end - DAY}"
    return None


def _may_name(value: object, clause: str) -> bool:
    """Whether a consequence's clause argument is, or may be filled in as, the clause."""
    return value is None or value == clause or bool(HOLE.search(str(value)))
