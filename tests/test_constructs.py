"""Norm-level constructs of the rule language (issue 11): the contract's effective date and
`overrides`, through the API and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_CONTRACT, MINIMAL_RULES, ROOT

from engine import Contract, ContractFileError

DUTIES = ROOT / "tests" / "contracts" / "duties" / "contract.yaml"


@pytest.fixture(scope="module")
def duties() -> Contract:
    return Contract.load(DUTIES)


def status(report: object, rule: str) -> list[tuple[str, str]]:
    return [(o.status, o.reason) for o in report.outcomes if o.rule == rule]  # type: ignore[attr-defined]


# -- effective ---------------------------------------------------------------------------------
def test_no_norm_applies_before_the_effective_date(duties: Contract) -> None:
    report = duties.check("give Acme a 40 percent discount", at="2025-01-10")
    assert report.verdict == "clear"
    ((state, reason),) = status(report, "no-deep-discounts")
    assert state == "out_of_window"
    assert "the contract takes effect on 2025-01-15" in reason
    after = duties.check("give Acme a 40 percent discount", at="2025-01-15")
    assert [c.rule for c in after.conflicts] == ["no-deep-discounts"]


def test_a_norm_from_later_than_the_effective_date_keeps_its_own(
    write_contract: Callable[..., Path],
) -> None:
    contract = MINIMAL_CONTRACT.replace("  rules:", "  effective: 2025-01-10\n  rules:")
    rules = MINIMAL_RULES + "    from: 2025-03-01\n"
    report = Contract.load(write_contract(contract=contract, rules=rules)).check(
        "deal with Gamma", at="2025-02-01"
    )
    ((state, reason),) = status(report, "n1")
    assert (state, reason) == (
        "out_of_window",
        "not applicable on 2025-02-01: the norm applies from 2025-03-01",
    )


def test_effective_date_is_shown_by_explain(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = cli("explain", DUTIES, "no-deep-discounts")
    assert code == 0 and "in force: from 2025-01-15 until the end" in out


# -- overrides ---------------------------------------------------------------------------------
def test_the_overriding_norm_sets_the_general_one_aside(duties: Contract) -> None:
    report = duties.check("give Outlet a 40 percent discount", at="2025-02-01")
    assert report.verdict == "clear"
    ((state, reason),) = status(report, "no-deep-discounts")
    assert state == "overridden"
    assert reason.startswith(
        "overridden by outlet-clearance (a discount move where customer is outlet)"
    )
    assert "outlet-clearance" in [f.rule for f in report.consequences]


def test_the_general_norm_still_applies_where_the_specific_one_does_not(
    duties: Contract,
) -> None:
    report = duties.check("give Acme a 40 percent discount", at="2025-02-01")
    assert [c.rule for c in report.conflicts] == ["no-deep-discounts"]


def test_an_override_that_does_not_apply_leaves_no_trace(duties: Contract) -> None:
    report = duties.check("give Outlet a 10 percent discount", at="2025-02-01")
    assert status(report, "no-deep-discounts")[0][0] == "not_triggered"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ("[n2]", "norms[n1].overrides: unknown norm 'n2'"),
        ("[n1]", "a norm cannot override itself"),
    ],
)
def test_bad_overrides_are_refused(
    write_contract: Callable[..., Path], overrides: str, expected: str
) -> None:
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(rules=MINIMAL_RULES + f"    overrides: {overrides}\n"))
    assert expected in str(caught.value.problems[0])


def test_overriding_a_norm_of_another_kind_of_move_is_refused(
    write_contract: Callable[..., Path],
) -> None:
    rules = (
        MINIMAL_RULES
        + """\
  - id: n2
    clause: c1
    kind: trigger
    bearer: alpha
    when: {change: partnership_ended}
    overrides: [n1]
    message: ended
"""
    )
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(rules=rules))
    assert "a norm can only override one that listens for the same kind" in str(
        caught.value.problems[0]
    )


# -- termination by notice ---------------------------------------------------------------------
def test_notice_takes_effect_after_the_notice_period(duties: Contract) -> None:
    during = duties.check("2025-03-01: give notice of termination", at="2025-05-29")
    assert during.state["after"].partnership == "in_force"
    assert during.state["after"].terminations == [
        "end-for-convenience: notice given on 2025-03-01 (give notice of termination); "
        "takes effect on 2025-05-30"
    ]
    after = duties.check("2025-03-01: give notice of termination", at="2025-05-30")
    assert after.state["after"].partnership == "ended"
    assert after.state["after"].terminations == []
    took = [f for f in after.consequences if "takes effect" in f.message]
    assert len(took) == 1 and took[0].date.isoformat() == "2025-05-30"
    assert "the partnership ended" in took[0].effects


def test_a_move_on_the_day_the_notice_takes_effect_sees_the_end(duties: Contract) -> None:
    report = duties.check("2025-03-01: give notice of termination", "2025-05-30: report defect D-1")
    (outcome,) = [o for o in report.outcomes if o.rule == "fix-each-defect"]
    assert outcome.status == "clause_ended"


def test_a_withdrawn_notice_never_takes_effect_and_a_second_one_does(duties: Contract) -> None:
    withdrawn = duties.check(
        "2025-03-01: give notice of termination",
        "2025-04-01: withdraw the notice",
        at="2025-12-31",
    )
    assert withdrawn.state["after"].partnership == "in_force"
    assert any("is withdrawn" in f.message for f in withdrawn.consequences)
    again = duties.check(
        "2025-03-01: give notice of termination",
        "2025-04-01: withdraw the notice",
        "2025-06-01: give notice of termination",
        at="2025-12-31",
    )
    assert again.state["after"].partnership == "ended"
    assert "2025-08-30" in (again.state["after"].partnership_ended_by or "")


def test_explain_says_when_a_notice_takes_effect(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = cli("explain", DUTIES, "end-for-convenience")
    assert code == 0
    assert "ends: the partnership ends 90 days after the notice" in out
    assert "withdrawn by: a notice_withdrawal move" in out


def test_withdrawn_by_needs_takes_effect(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES.replace("kind: prohibition", "kind: termination") + (
        "    ends: partnership\n    withdrawn_by: deal\n"
    )
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(rules=rules))
    assert "'withdrawn_by' needs 'takes_effect'" in str(caught.value.problems[0])


# -- roles: either, other, affiliates, third parties ------------------------------------------
def test_either_is_one_norm_per_contracting_party(duties: Contract) -> None:
    ids = [n.id for n in duties.norms if n.id.startswith("mutual-confidentiality")]
    assert ids == ["mutual-confidentiality@vendor", "mutual-confidentiality@client"]
    by_client = duties.check({"kind": "disclosure", "actor": "client"}, at="2025-02-01")
    ((finding),) = by_client.conflicts
    assert finding.rule == "mutual-confidentiality@client"
    assert duties.norm("mutual-confidentiality@client").beneficiary == "vendor"
    (outcome,) = [o for o in by_client.outcomes if o.rule == "mutual-confidentiality@vendor"]
    assert outcome.status == "not_triggered" and "actor is vendor" in outcome.reason


def test_an_affiliates_move_is_the_partys(duties: Contract) -> None:
    report = duties.check({"kind": "disclosure", "actor": "Vendor Services GmbH"}, at="2025-02-01")
    assert report.moves[0].actor == "vendor"
    assert [c.rule for c in report.conflicts] == ["mutual-confidentiality@vendor"]


def test_a_third_party_is_not_bound_by_either(duties: Contract) -> None:
    report = duties.check({"kind": "disclosure", "actor": "auditor"}, at="2025-02-01")
    assert report.conflicts == []


def test_waiving_and_explaining_an_either_norm_by_its_id(
    duties: Contract, cli: Callable[..., tuple[int, str, str]]
) -> None:
    report = duties.check(
        {"kind": "disclosure", "actor": "client"},
        at="2025-02-01",
        waivers={"mutual-confidentiality": "agreed"},
    )
    assert report.verdict == "clear" and [f.rule for f in report.waived] == [
        "mutual-confidentiality@client"
    ]
    code, out, _ = cli("explain", DUTIES, "mutual-confidentiality")
    assert code == 0
    assert (
        "one norm for each party (mutual-confidentiality@vendor, mutual-confidentiality@client)"
        in out
    )
    assert "bearer: client, beneficiary: vendor" in out


def test_other_needs_two_contracting_parties(write_contract: Callable[..., Path]) -> None:
    contract = MINIMAL_CONTRACT.replace("  - {id: beta, name: Beta}\n", "")
    rules = MINIMAL_RULES.replace(
        "    bearer: alpha\n", "    bearer: alpha\n    beneficiary: other\n"
    )
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(contract=contract, rules=rules))
    assert "'either' and 'other' need two contracting parties" in str(caught.value.problems[0])


def test_either_is_no_beneficiary(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES.replace(
        "    bearer: alpha\n", "    bearer: alpha\n    beneficiary: either\n"
    )
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(rules=rules))
    assert (
        "norms[n1].beneficiary: 'either' is not a beneficiary; write a party id or 'other'"
        in str(caught.value.problems[0])
    )


# -- maintenance -------------------------------------------------------------------------------
def test_a_kept_state_is_broken_by_the_move_after_which_it_lapses(duties: Contract) -> None:
    report = duties.check(
        "2025-03-01: set insurance cover to 1500000",
        "2025-03-05: place an order",  # still lapsed: no second finding
        "2025-04-01: set insurance cover to 3000000",
        "2025-05-01: set insurance cover to 1000000",
        at="2025-05-02",
    )
    found = [(c.rule, c.move) for c in report.conflicts if c.rule == "keep-insurance"]
    assert found == [("keep-insurance", 0), ("keep-insurance", 3)]
    (first,) = [c for c in report.conflicts if c.move == 0]
    assert any("no: insurance-cover = 1500000" in e.value for e in first.evidence)


def test_a_kept_state_that_holds_is_not_broken(duties: Contract) -> None:
    report = duties.check("2025-03-01: set insurance cover to 2500000", at="2025-03-02")
    assert report.conflicts == []
    assert {o.status for o in report.outcomes if o.rule == "keep-insurance"} == {"defeated"}


def test_maintenance_takes_no_when(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES.replace("kind: prohibition", "kind: maintenance") + (
        "    keep: [{flag: insured}]\n"
    )
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(rules=rules))
    assert "a maintenance norm is checked after every move and time; drop 'when'" in str(
        caught.value.problems[0]
    )
