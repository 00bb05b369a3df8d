"""Obligations as contracts write them: repeatable, dated, bound to the move that started them,
and still owed when the clause or the partnership ends (issue 11, "Faults to fix first")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import LICENCE, MINIMAL_CONTRACT, ROOT

from engine import Contract, ContractFileError, Report

DUTIES = ROOT / "tests" / "contracts" / "duties" / "contract.yaml"


@pytest.fixture(scope="module")
def duties() -> Contract:
    return Contract.load(DUTIES)


def conflicts(report: Report) -> list[tuple[str, str]]:
    return [(f.rule or "", f.message) for f in report.conflicts]


def pending(report: Report) -> list[tuple[str, str, bool]]:
    return [(d.rule, d.due.isoformat(), d.accrued) for d in report.state["after"].deadlines]


# -- repeatable obligations --------------------------------------------------------------------
def test_each_renewal_starts_its_own_fee_deadline(
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    """The licence example of the issue: the 2025 fee was never paid, and now it is reported."""
    code, out, _ = cli(
        "check",
        LICENCE,
        "-m",
        "2024-02-01: renew the licence",
        "-m",
        "2024-02-10: pay the annual fee",
        "-m",
        "2025-02-01: renew the licence",
        "--at",
        "2025-04-01",
    )
    assert code == 1
    assert "fee-after-renewal" in out and "2025-03-03 was the last day" in out


def test_one_payment_meets_one_renewal(licence: Contract) -> None:
    report = licence.check(
        "2024-02-01: renew the licence",
        "2025-02-01: renew the licence",
        "2025-02-10: pay the annual fee",
        at="2025-04-01",
    )
    assert [f.date.isoformat() for f in report.conflicts] == ["2024-03-03"]
    met = [o for o in report.outcomes if o.status == "met"]
    assert len(met) == 1 and "2025-03-03" in met[0].reason


def test_one_deadline_per_value_of_a_field(duties: Contract) -> None:
    report = duties.check(
        "2025-02-01: report defect D-1",
        "2025-02-03: report defect D-2",
        "2025-02-04: report defect D-1",  # D-1 is already open: no second deadline
        "2025-02-05: fix defect D-2",  # meets D-2's deadline, not D-1's earlier one
        at="2025-03-01",
    )
    assert conflicts(report) == [
        ("fix-each-defect", "Defect D-1, reported by Client Inc, was not fixed by 2025-02-11.")
    ]
    starts = [f for f in report.consequences if f.message.startswith("A deadline starts")]
    assert [f.move for f in starts] == [0, 1]


def test_per_value_deadlines_are_shown_with_their_value(duties: Contract) -> None:
    report = duties.check("report defect D-7", at="2025-02-02")
    (deadline,) = report.state["after"].deadlines
    assert (deadline.rule, deadline.instance) == ("fix-each-defect", "defect=d_7")


def test_once_keeps_one_deadline_and_none_after_it_is_met(duties: Contract) -> None:
    report = duties.check(
        "2025-02-01: place an order",
        "2025-02-02: place an order",
        "2025-03-01: deliver the order",
        "2025-03-02: place an order",
        at="2025-12-31",
    )
    assert [d for d in pending(report) if d[0] == "deliver-the-order"] == []
    assert not [c for c in conflicts(report) if c[0] == "deliver-the-order"]


def test_restart_on_fulfil_starts_the_next_deadline_from_the_move_that_met_it(
    duties: Contract,
) -> None:
    report = duties.check(
        "2025-02-01: place an order",
        "2025-04-01: submit a service report",
        at="2025-06-01",
    )
    assert ("report-every-90-days", "2025-06-30", False) in pending(report)
    again = [f for f in report.consequences if f.message.startswith("A deadline starts again")]
    assert len(again) == 1 and again[0].move == 1
    late = duties.check(
        "2025-02-01: place an order",
        "2025-04-01: submit a service report",
        at="2025-07-15",
    )
    assert "report-every-90-days" in [c[0] for c in conflicts(late)]


# -- when + by ----------------------------------------------------------------------------------
def test_when_and_by_start_a_deadline_due_on_the_date(duties: Contract) -> None:
    report = duties.check("2025-03-01: place an order", at="2025-07-01")
    assert [c for c in conflicts(report) if c[0] == "deliver-the-order"] == [
        ("deliver-the-order", "The order was not delivered by 2025-06-30.")
    ]
    clear = duties.check("2025-03-01: place an order", at="2025-06-30")
    assert ("deliver-the-order", "2025-06-30", False) in pending(clear)


def test_no_order_no_delivery_deadline(duties: Contract) -> None:
    assert not [d for d in pending(duties.check(at="2025-07-01")) if d[0] == "deliver-the-order"]


# -- must bound to the starting move ------------------------------------------------------------
def test_must_binds_the_fields_of_the_move_that_started_it(duties: Contract) -> None:
    low = duties.check(
        "2025-03-01: give Acme a 12 percent discount",
        "2025-03-10: give client a 10 percent discount",
        at="2025-04-15",
    )
    assert [c[0] for c in conflicts(low)] == ["match-better-discounts"]
    assert "12% discount given to Acme" in conflicts(low)[0][1]
    matched = duties.check(
        "2025-03-01: give Acme a 12 percent discount",
        "2025-03-10: give client a 12 percent discount",
        at="2025-04-15",
    )
    assert conflicts(matched) == []
    assert any(o.rule == "match-better-discounts" and o.status == "met" for o in matched.outcomes)


def test_a_bound_field_that_is_not_of_the_starting_move_is_an_error(
    write_contract: Callable[..., Path],
) -> None:
    rules = """\
event_kinds:
  - {id: deal, title: deal, actor: alpha, fields: {with: {type: entity}}, phrases: ["deal with {with}"]}
  - {id: pay, title: pay, actor: alpha, fields: {to: {type: entity}}, phrases: ["pay {to}"]}
norms:
  - id: n1
    clause: c1
    kind: obligation
    bearer: alpha
    when: {move: deal}
    must: {move: pay, to: "{wiht}"}
    within_days: 5
    message: unpaid
"""
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(rules=rules))
    (problem,) = caught.value.problems
    assert "norms[n1].must.to: '{wiht}' is not a field of the move in 'when' (deal)" in str(problem)


# -- accrued duties ----------------------------------------------------------------------------
def test_accrued_duty_survives_the_end_of_the_partnership(duties: Contract) -> None:
    report = duties.check(
        "2025-03-01: give Acme a 12 percent discount",
        "2025-03-12: end the agreement",
        at="2025-04-15",
    )
    assert [c[0] for c in conflicts(report)] == ["match-better-discounts"]
    (finding,) = report.conflicts
    assert any("accrued while clause mfn was in force" in e.condition for e in finding.evidence)
    said = [f.message for f in report.consequences if f.rule == "match-better-discounts"]
    assert any("survives the end of clause mfn as an accrued duty" in m for m in said)


def test_state_after_marks_accrued_deadlines(duties: Contract) -> None:
    report = duties.check(
        "2025-03-01: give Acme a 12 percent discount",
        "2025-03-12: end the agreement",
        at="2025-03-20",
    )
    assert pending(report) == [("match-better-discounts", "2025-03-31", True)]
    assert "(accrued: its clause has ended)" in report.to_text()


def test_accrued_duties_lapse_when_the_contract_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "lapse"
    (folder / "rules").mkdir(parents=True)
    (folder / "rules" / "duties.yaml").write_text(
        (DUTIES.parent / "rules" / "duties.yaml").read_text()
    )
    (folder / "contract.yaml").write_text(
        DUTIES.read_text().replace("accrued_duties: survive", "accrued_duties: lapse")
    )
    contract = Contract.load(folder / "contract.yaml")
    report = contract.check(
        "2025-03-01: give Acme a 12 percent discount",
        "2025-03-12: end the agreement",
        at="2025-04-15",
    )
    assert conflicts(report) == []
    assert pending(report) == []
    said = [f.message for f in report.consequences if f.rule == "match-better-discounts"]
    assert any("lapses: clause mfn has ended" in m for m in said)


def test_no_deadline_starts_once_the_clause_has_ended(duties: Contract) -> None:
    report = duties.check("2025-03-01: end the agreement", "2025-03-02: report defect D-1")
    assert not [d for d in pending(report) if d[0] == "fix-each-defect"]
    (outcome,) = [o for o in report.outcomes if o.rule == "fix-each-defect"]
    assert outcome.status == "clause_ended" and outcome.reason.startswith("not started")


# -- clause_ended when the partnership ends -----------------------------------------------------
def test_the_end_of_the_partnership_ends_each_clause_with_a_change(duties: Contract) -> None:
    report = duties.check("end the agreement")
    assert "hand-over-when-support-ends" in [f.rule for f in report.consequences]
    (ending,) = [f for f in report.consequences if f.rule == "end-by-notice"]
    assert "clause support ended" in ending.effects
    assert "clause wind-down ended" not in ending.effects  # it survives termination


# -- windows are tested on the move that starts a deadline --------------------------------------
def test_window_is_tested_on_the_starting_move(duties: Contract) -> None:
    report = duties.check("2026-01-10: place an order", at="2026-06-01")
    assert not [c for c in conflicts(report) if c[0] == "report-every-90-days"]
    (outcome,) = [o for o in report.outcomes if o.rule == "report-every-90-days" and o.move == 0]
    assert outcome.status == "out_of_window"
    assert outcome.reason.startswith("not started on 2026-01-10")
    inside = duties.check("2025-12-20: place an order", at="2026-06-01")
    assert "report-every-90-days" in [c[0] for c in conflicts(inside)]  # passes in 2026


# -- explain -----------------------------------------------------------------------------------
def test_explain_shows_what_starts_an_obligation(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = cli("explain", DUTIES, "fix-each-defect")
    assert code == 0
    assert "starts on: a defect_report move (within 10 days of it)" in out
    assert "instances: one open deadline per value of defect" in out
    code, out, _ = cli("explain", DUTIES, "report-every-90-days")
    assert "window: tested on the move that starts the deadline" in out
    assert "restart: meeting it starts the next deadline, 90 days on" in out


# -- obligation keys -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("    instances: each\n", "'instances' needs 'when'"),
        ("    restart: on_fulfil\n", "'restart: on_fulfil' needs 'within_days'"),
        ("    instances: {per: nothing}\n", "'instances' needs 'when'"),
    ],
)
def test_obligation_keys_that_cannot_work_are_refused(
    write_contract: Callable[..., Path], extra: str, expected: str
) -> None:
    rules = """\
event_kinds:
  - {id: deal, title: deal, actor: alpha, fields: {with: {type: entity}}, phrases: ["deal with {with}"]}
norms:
  - id: n1
    clause: c1
    kind: obligation
    bearer: alpha
    must: {move: deal}
    by: 2025-05-01
    message: missed
"""
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(contract=MINIMAL_CONTRACT, rules=rules + extra))
    assert expected in str(caught.value.problems[0])
