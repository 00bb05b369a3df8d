"""An obligation and a prohibition that together make compliance impossible: every move that
meets the obligation is one the prohibition forbids, on every day the obligation can be met, and
no condition, exception or override of either can set one of them aside.

Exact (z3) on field conditions and dated windows: the moves that meet the obligation (its `must`)
must imply the prohibition's `when` and field conditions, with the prohibition binding its bearer
only. The pair is left out, so nothing is claimed, when either norm has a state condition, an
exception or an override, since those depend on what happened before.
"""

from __future__ import annotations

import datetime as dt

from engine.conditions import FieldTest, StateTest
from engine.lint.context import Lint, Window, shown, within
from engine.lint.solver import implies, satisfiable
from engine.model import NormKind
from engine.validate import NormSpec

CHECK = "impossible-compliance"
HOW = "exact (z3): field conditions and dated windows; pairs with state conditions are not judged"
CHECKS = {
    CHECK: (HOW, "an obligation whose every fulfilling move a prohibition forbids"),
}


def run(lint: Lint) -> None:
    norms = lint.spec.norms
    duties = [n for n in norms if n.norm.kind is NormKind.obligation and _plain(n)]
    bans = [n for n in norms if n.norm.kind is NormKind.prohibition and _plain(n)]
    for duty in duties:
        meets = duty.fulfils
        if meets is None or meets.source != "move":
            continue
        for ban in bans:
            if ban.trigger.route != meets.route:
                continue
            stuck = _stuck_days(lint, duty, ban)
            if stuck is None or not _forbids_every_move(lint, duty, ban):
                continue
            lint.add(
                duty,
                "error",
                CHECK,
                f"{duty.id}: compliance is impossible: every move that meets it "
                f"({meets.describe()}) is one {ban.id} ({lint.where(ban)}) forbids "
                f"({ban.trigger.describe()}), and a deadline {stuck} can only be met while "
                f"{ban.id} applies; no exception or override separates them. {HOW.split(':')[0]}. "
                f"Fix: narrow {ban.id}'s `when` so the move that meets {duty.id} is not forbidden, "
                f"add an `unless` to {ban.id}, or a norm that overrides {ban.id} for that move.",
            )


def _plain(norm: NormSpec) -> bool:
    """A norm with no state condition, exception or override: it applies on field tests and
    dates alone, so whether it applies can be decided from the files."""
    if norm.exceptions or norm.overridden_by or norm.norm.overrides:
        return False
    probes = [t for t in norm.trigger.tests if isinstance(t, StateTest)]
    return not probes and not any(isinstance(t, StateTest) for t in norm.requires)


def _forbids_every_move(lint: Lint, duty: NormSpec, ban: NormSpec) -> bool:
    """Whether every move that meets the duty (its `must`, without the values bound to the move
    that started it, which only narrow it) passes every field test of the ban (z3)."""
    meets = duty.fulfils
    assert meets is not None
    if any(isinstance(t, StateTest) for t in meets.tests):
        return False
    tests = [t for t in meets.tests if isinstance(t, FieldTest)]
    domains, finite = lint.domains(meets), lint.spec_values(meets)
    if not satisfiable(tests, domains, finite):
        return False  # never met at all: never-fires says so
    return implies(tests, lint.field_tests(ban), domains, finite)


def _stuck_days(lint: Lint, duty: NormSpec, ban: NormSpec) -> str | None:
    """Words for a deadline of the duty whose every day to meet it lies in the ban's window, or
    None when every deadline has a day outside it."""
    n = duty.norm
    starts, ban_days = lint.window(duty), lint.window(ban)
    if n.within_days is not None:
        # a deadline started on day s runs to s + within_days; one lies inside the ban's window
        # when some s in the duty's window has [s, s + within_days] inside the ban's
        first = _latest(starts[0], ban_days[0])
        last = _earliest(
            starts[1],
            None if ban_days[1] is None else ban_days[1] - dt.timedelta(days=n.within_days),
        )
        if first is not None and last is not None and first > last:
            return None
        day = first or last
        return (
            f"started {shown((first, last))} ({n.within_days} days to meet it)"
            if day is not None
            else f"({n.within_days} days to meet it)"
        )
    if n.by is None:
        return None
    if duty.starts is None:  # one deadline, open from the start (its window is tested later)
        days: Window = (None, n.by)
        return f"due by {n.by}" if within(days, ban_days) else None
    # deadlines started by a move: the latest start leaves the fewest days
    first = _latest(starts[0], ban_days[0])
    last = _earliest(starts[1], n.by)
    if (first is not None and last is not None and first > last) or not within(
        (n.by, n.by), ban_days
    ):
        return None
    return f"due by {n.by} and started {shown((first, last))}"


def _latest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return max((d for d in (a, b) if d is not None), default=None)


def _earliest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return min((d for d in (a, b) if d is not None), default=None)
