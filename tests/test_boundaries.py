"""The edges of time: the first and last day of every window, deadline, period, term, notice,
expiry, survival tail and rolling total, and which of several open items a move or the passing
of time picks. docs/language.md says `from`, `until`, `on` and `by` are inclusive; these tests
hold the engine to that on a small generated contract, one day either side of each edge.

Written to kill the boundary mutants of tests/mutation/mutants.yaml (see docs/testing.md): each
test is the behaviour a contract reader relies on, not a check of one line of code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Contract, MoveError, Report

CONTRACT = """\
contract:
  id: bounds
  title: Boundaries
  as_of: 2026-01-01
  effective: 2026-01-01
  rules: [rules.yaml]
  term: {start: 2026-01-01, initial: {years: 1}, renews: {years: 1}, notice_days: 30,
         non_renewal: non_renewal}
parties:
  - {id: alpha, name: Alpha}
  - {id: beta, name: Beta}
entities:
  - {id: gamma, name: Gamma}
clauses:
  - {id: c1, title: One, text: One., source: test}
  - {id: c2, title: Two, text: Two., source: test}
  - {id: tail, title: Tail, text: Tail., source: test, survives: {months: 1}}
measures:
  - {id: sales3, count: true, of: sale, over: {rolling_days: 3}}
  - {id: big-sales, count: true, of: sale, where: {amount: {gte: 100}}, over: all}
"""

RULES = """\
event_kinds:
  - {id: order, title: order, actor: beta, fields: {ref: {type: text}}, phrases: ["order {ref}"]}
  - {id: pay, title: payment, actor: alpha, fields: {}, phrases: ["pay"]}
  - id: sale
    title: sale
    actor: alpha
    fields: {amount: {type: number, required: false}}
    phrases: ["sell", "sell {amount} units"]
  - {id: non_renewal, title: notice of non-renewal, fields: {}, phrases: ["give notice of non-renewal"]}
  - {id: leak, title: leak, actor: alpha, fields: {}, phrases: ["leak"]}
  - {id: quit, title: notice of termination, actor: beta, fields: {}, phrases: ["give notice of termination"]}
  - {id: unquit, title: withdrawal, actor: beta, fields: {}, phrases: ["withdraw the notice"]}
norms:
  - id: pay-within-10
    clause: c1
    kind: obligation
    bearer: alpha
    when: {move: order}
    must: {move: pay}
    within_days: 10
    message: "Order {ref} was not paid by {due}."
  - id: no-leak-in-february
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: leak}
    from: 2026-02-01
    until: 2026-02-28
    message: No leak in February.
  - id: c2-ends
    clause: c2
    kind: expiry
    bearer: alpha
    on: 2026-06-30
    message: Clause two ends.
  - id: c2-no-leak
    clause: c2
    kind: prohibition
    bearer: alpha
    when: {move: leak}
    severity: warning
    message: Leak under clause two.
  - id: tail-no-leak
    clause: tail
    kind: prohibition
    bearer: alpha
    when: {move: leak}
    severity: warning
    message: Leak under the tail.
  - id: three-sales
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: sale}
    if: [{measure: sales3, gte: 3}]
    message: A third sale in three days.
  - id: big-sale-counted
    clause: c1
    kind: trigger
    bearer: alpha
    when: {move: sale}
    if: [{measure: big-sales, gte: 1}]
    message: A big sale is on record.
  - id: quarters
    clause: c1
    kind: trigger
    bearer: alpha
    when: {change: period_ended, period: calendar_quarter}
    message: "quarter {label} {start}..{end} #{index}"
  - id: years
    clause: c1
    kind: trigger
    bearer: alpha
    when: {change: period_ended, period: {in: [contract_year, calendar_year]}}
    message: "{period} {label} {start}..{end} #{index}"
  - id: renewals
    clause: c1
    kind: trigger
    bearer: alpha
    when: {change: term_renewed}
    message: "renewed {term} {start}..{end}"
  - id: quit-90
    clause: c1
    kind: termination
    bearer: beta
    when: {move: quit}
    takes_effect: {days_after: 90}
    withdrawn_by: unquit
    ends: partnership
    message: Notice given.
"""


@pytest.fixture(scope="module")
def bounds(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    folder = tmp_path_factory.mktemp("bounds")
    (folder / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    return Contract.load(folder / "contract.yaml")


def found(report: Report, rule: str) -> list[tuple[str, str]]:
    """(date, message) of each conflict and consequence of `rule`, in report order."""
    return [
        (f.date.isoformat(), f.message)
        for f in [*report.conflicts, *report.consequences]
        if f.rule == rule
    ]


def conflict_dates(report: Report, rule: str) -> list[str]:
    return [f.date.isoformat() for f in report.conflicts if f.rule == rule]


def partnership(contract: Contract, at: str, *moves: str) -> str:
    return contract.check(*moves, at=at).state["after"].partnership


# -- deadlines -------------------------------------------------------------------------------------
def test_a_duty_within_10_days_is_met_on_the_tenth_day_and_missed_on_the_eleventh(
    bounds: Contract,
) -> None:
    started = bounds.check("2026-03-01: order A", at="2026-03-02")
    assert [d.due.isoformat() for d in started.state["after"].deadlines] == ["2026-03-11"]
    on_time = bounds.check("2026-03-01: order A", "2026-03-11: pay", at="2026-03-20")
    assert on_time.verdict == "clear"
    late = bounds.check("2026-03-01: order A", "2026-03-12: pay", at="2026-03-20")
    assert found(late, "pay-within-10")[0] == ("2026-03-12", "Order A was not paid by 2026-03-11.")


def test_a_deadline_is_still_open_on_its_last_day(bounds: Contract) -> None:
    report = bounds.check("2026-03-01: order A", at="2026-03-11")
    assert report.verdict == "clear"
    assert [d.due.isoformat() for d in report.state["after"].deadlines] == ["2026-03-11"]
    assert bounds.check("2026-03-01: order A", at="2026-03-12").verdict == "conflict"


def test_a_payment_meets_the_earliest_open_deadline(bounds: Contract) -> None:
    report = bounds.check(
        "2026-03-01: order A", "2026-03-05: order B", "2026-03-06: pay", at="2026-03-20"
    )
    # the payment on 03-06 met A's deadline (due 03-11), so B's (due 03-15) is the one missed
    assert [(f.date.isoformat(), f.message) for f in report.conflicts] == [
        ("2026-03-16", "Order B was not paid by 2026-03-15.")
    ]


def test_missed_deadlines_pass_in_date_order_each_on_the_day_after_its_last(
    bounds: Contract,
) -> None:
    report = bounds.check("2026-03-01: order A", "2026-03-05: order B", at="2026-04-01")
    assert [(f.date.isoformat(), f.message) for f in report.conflicts] == [
        ("2026-03-12", "Order A was not paid by 2026-03-11."),
        ("2026-03-16", "Order B was not paid by 2026-03-15."),
    ]


def test_moves_given_out_of_date_order_are_replayed_in_date_order(bounds: Contract) -> None:
    report = bounds.check("2026-03-11: pay", "2026-03-01: order A", at="2026-03-20")
    assert report.verdict == "clear"
    assert [d for d in report.state["after"].deadlines] == []


# -- windows, expiries, tails ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "applies"),
    [("2026-01-31", False), ("2026-02-01", True), ("2026-02-28", True), ("2026-03-01", False)],
)
def test_a_window_from_and_until_includes_both_days(
    bounds: Contract, day: str, applies: bool
) -> None:
    report = bounds.check(f"{day}: leak", at=day)
    assert bool(conflict_dates(report, "no-leak-in-february")) is applies
    (outcome,) = [o for o in report.outcomes if o.rule == "no-leak-in-february"]
    assert outcome.status == ("applied" if applies else "out_of_window")


def test_a_clause_expiring_on_a_day_is_in_force_that_day(bounds: Contract) -> None:
    report = bounds.check("2026-06-30: leak", "2026-07-01: leak", at="2026-07-02")
    assert conflict_dates(report, "c2-no-leak") == ["2026-06-30"]
    assert report.state["after"].clauses["c2"].status == "ended"


def test_a_surviving_clause_is_in_force_on_the_last_day_of_its_tail(bounds: Contract) -> None:
    # notice on 2026-01-01 takes effect on 2026-04-01 (90 days on): the partnership ends that
    # day, and the 1-month tail keeps clause `tail` in force through 2026-04-30
    notice = "2026-01-01: give notice of termination"
    report = bounds.check(notice, "2026-04-30: leak", "2026-05-01: leak", at="2026-05-02")
    assert conflict_dates(report, "tail-no-leak") == ["2026-04-30"]
    assert conflict_dates(report, "c2-no-leak") == []  # ended with the partnership


# -- termination notices ---------------------------------------------------------------------------
def test_a_90_day_notice_takes_effect_on_the_90th_day(bounds: Contract) -> None:
    notice = "2026-01-01: give notice of termination"
    assert partnership(bounds, "2026-03-31", notice) == "in_force"
    assert partnership(bounds, "2026-04-01", notice) == "ended"
    (last,) = [f for f in bounds.check(notice, at="2026-04-01").consequences][-1:]
    assert last.date.isoformat() == "2026-04-01" and "takes effect" in last.message


def test_a_second_notice_does_not_move_the_pending_one(bounds: Contract) -> None:
    first, second = (
        "2026-01-01: give notice of termination",
        "2026-02-01: give notice of termination",
    )
    assert partnership(bounds, "2026-04-01", first, second) == "ended"


def test_a_withdrawn_notice_never_takes_effect(bounds: Contract) -> None:
    moves = ("2026-01-01: give notice of termination", "2026-02-01: withdraw the notice")
    assert partnership(bounds, "2026-06-01", *moves) == "in_force"


# -- periods and the term --------------------------------------------------------------------------
def test_each_quarter_ends_on_its_last_day_and_is_numbered_from_the_start(
    bounds: Contract,
) -> None:
    assert found(bounds.check(at="2026-03-31"), "quarters") == []
    report = bounds.check(at="2026-07-01")
    assert found(report, "quarters") == [
        ("2026-04-01", "quarter 2026-Q1 2026-01-01..2026-03-31 #1"),
        ("2026-07-01", "quarter 2026-Q2 2026-04-01..2026-06-30 #2"),
    ]


def test_a_move_on_a_quarters_last_day_falls_in_that_quarter(bounds: Contract) -> None:
    report = bounds.check("2026-06-30: sell", at="2026-07-01")
    assert found(report, "quarters") == [
        ("2026-04-01", "quarter 2026-Q1 2026-01-01..2026-03-31 #1"),
        ("2026-07-01", "quarter 2026-Q2 2026-04-01..2026-06-30 #2"),
    ]


def test_years_end_on_31_december_and_are_numbered_from_one(bounds: Contract) -> None:
    assert found(bounds.check(at="2026-12-31"), "years") == []
    report = bounds.check(at="2027-01-01")
    assert found(report, "years") == [
        ("2027-01-01", "calendar_year 2026 2026-01-01..2026-12-31 #1"),
        ("2027-01-01", "contract_year contract year 1 2026-01-01..2026-12-31 #1"),
    ]


def test_the_term_renews_the_day_after_its_last_day(bounds: Contract) -> None:
    assert found(bounds.check(at="2026-12-31"), "renewals") == []
    assert bounds.check(at="2026-12-31").state["after"].partnership == "in_force"
    assert found(bounds.check(at="2027-01-01"), "renewals") == [
        ("2027-01-01", "renewed 2 2027-01-01..2027-12-31")
    ]


@pytest.mark.parametrize(("day", "renews"), [("2026-12-01", False), ("2026-12-02", True)])
def test_notice_of_non_renewal_counts_on_the_last_day_it_is_allowed(
    bounds: Contract, day: str, renews: bool
) -> None:
    # notice_days: 30 before the end on 2026-12-31: 2026-12-01 is the last day for notice
    report = bounds.check(f"{day}: Alpha gives notice of non-renewal", at="2027-01-02")
    assert report.state["after"].partnership == ("in_force" if renews else "ended")
    assert bool(found(report, "renewals")) is renews


# -- rolling totals and measure bounds -------------------------------------------------------------
def test_a_rolling_total_holds_exactly_its_days(bounds: Contract) -> None:
    # three sales in the 3 days ending on the third: counted; a gap of a day: not
    inside = bounds.check(
        "2026-03-02: sell", "2026-03-03: sell", "2026-03-04: sell", at="2026-03-05"
    )
    assert conflict_dates(inside, "three-sales") == ["2026-03-04"]
    outside = bounds.check(
        "2026-03-01: sell", "2026-03-02: sell", "2026-03-04: sell", at="2026-03-05"
    )
    assert conflict_dates(outside, "three-sales") == []


def test_a_measure_filter_at_its_bound_counts_the_move(bounds: Contract) -> None:
    assert found(bounds.check("sell 100 units"), "big-sale-counted") == [
        ("2026-01-01", "A big sale is on record.")
    ]
    assert found(bounds.check("sell 99 units"), "big-sale-counted") == []


# -- dates in words --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "day"),
    [
        ("sell by the end of 2026", "2026-12-31"),
        ("sell in Q3 2026", "2026-07-01"),
        ("sell by Q3 2026", "2026-09-30"),
        ("sell in the fourth quarter of 2026", "2026-10-01"),
        ("sell by Q4 2026", "2026-12-31"),
        ("sell by March 2026", "2026-03-31"),
        ("sell by February 2028", "2028-02-29"),
        ("sell on 1 January 1900", "1900-01-01"),
        ("sell on 1900-01-01", "1900-01-01"),  # the first year read, in figures too
    ],
)
def test_dates_in_words_name_the_first_or_last_day(bounds: Contract, words: str, day: str) -> None:
    date = bounds.check(words, at="2026-01-01").moves[0].date
    assert date is not None and date.isoformat() == day


def test_one_sentence_holds_at_most_eleven_moves(bounds: Contract) -> None:
    # a sentence is cut at up to 10 separators (", then", "and", ";"); beyond, it is read whole
    assert len(bounds.check(", then ".join(["sell"] * 11)).moves) == 11
    with pytest.raises(MoveError):
        bounds.check(", then ".join(["sell"] * 12))


def test_dates_through_the_cli(cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    (tmp_path / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    code, out, err = cli(
        "check",
        tmp_path / "contract.yaml",
        "-m",
        "order A by the end of 2026",
        "--at",
        "2027-01-20",
    )
    assert code == 1, err
    assert "Order A was not paid by 2027-01-10." in out
