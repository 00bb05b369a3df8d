"""Regressions from the independent review (plan/review-snapshot.md), through the public API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import MINIMAL_CONTRACT, MINIMAL_RULES

from engine import Contract

# -- a clause's tail after a termination by notice counts from the day the partnership ends ----
TAIL_CONTRACT = MINIMAL_CONTRACT.replace(
    "clauses:\n  - {id: c1, title: Clause one, text: Some text., source: test}\n",
    "clauses:\n"
    "  - {id: c1, title: Clause one, text: Some text., source: test, survives: {months: 12}}\n"
    "  - {id: c2, title: Term, text: Some text., source: test}\n",
)
TAIL_RULES = MINIMAL_RULES.replace(
    "norms:\n",
    """\
  - id: quit
    title: notice of termination
    phrases: ["{actor} gives notice"]
  - id: noop
    title: nothing
    actor: alpha
    phrases: ["do nothing"]
norms:
  - id: leave
    clause: c2
    kind: termination
    bearer: either
    when: {move: quit}
    takes_effect: {days_after: 90}
    ends: partnership
    message: ends 90 days after notice
""",
)


def test_a_clause_tail_counts_from_the_day_a_notice_ends_the_partnership(
    write_contract: Callable[..., Path],
) -> None:
    contract = Contract.load(write_contract(TAIL_CONTRACT, TAIL_RULES))
    notice = "2025-03-01: Beta gives notice"  # takes effect 2025-05-30: c1 runs to 2026-05-29
    late = contract.check(notice, "2026-05-29: deal with Gamma", at="2026-05-29")
    assert [f.rule for f in late.conflicts] == ["n1"]
    after = contract.check(notice, "2026-05-30: deal with Gamma", at="2026-05-30")
    assert after.conflicts == []
    # a move between the notice and its effect does not move the tail's start
    moved = contract.check(
        notice, "2025-05-25: do nothing", "2026-05-29: deal with Gamma", at="2026-05-29"
    )
    assert [f.rule for f in moved.conflicts] == ["n1"]
