"""State-level constructs (engine/constructs) through the public API: keyed consents, measures,
values and arithmetic. Bad input names file:line with a hint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_CONTRACT, MINIMAL_RULES, ROOT

from engine import Contract, ContractFileError

SUPPLY = ROOT / "tests" / "contracts" / "supply" / "contract.yaml"


@pytest.fixture(scope="module")
def supply() -> Contract:
    return Contract.load(SUPPLY)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    return [str(p) for p in caught.value.problems]


def rules_with(norm: str, kinds: str = "") -> str:
    return MINIMAL_RULES.replace("norms:\n", kinds + "norms:\n" + norm)


# -- keyed consents ------------------------------------------------------------------------------
def test_a_keyed_consent_covers_its_value_only_and_once(supply: Contract) -> None:
    consent = "2025-02-01: consent to an assignment to Fabrikam"
    to_fabrikam = supply.check(consent, "2025-03-01: assign the agreement to Fabrikam")
    assert to_fabrikam.verdict == "clear"
    assert to_fabrikam.state["after"].consents == []  # used up by the assignment
    to_litware = supply.check(consent, "2025-03-01: assign the agreement to Litware")
    assert [f.rule for f in to_litware.conflicts] == ["no-assignment-without-consent"]
    assert to_litware.state["after"].consents == [
        "northwind consented to assign on fabrikam (once)"
    ]
    twice = supply.check(
        consent,
        "2025-03-01: assign the agreement to Fabrikam",
        "2025-04-01: assign the agreement to Fabrikam",
    )
    assert [f.move for f in twice.conflicts] == [2]


def test_a_keyed_consent_must_name_a_field_of_the_move(write_contract: Callable[..., Path]) -> None:
    norm = """\
  - id: n0
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal}
    unless: [{consent: {from: beta, for: deal, on: wiht}}]
    message: not without consent
"""
    path = write_contract(rules=rules_with(norm))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path.parent / 'rules.yaml'}:14:")
    assert "consent.on: 'wiht' is not a field of the move (did you mean 'with'?)" in problem


def test_once_must_be_true_or_false(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES.replace(
        '    phrases: ["deal with {with}"]\n',
        '    phrases: ["deal with {with}"]\n'
        "    effects: [{record_consent: {from: beta, for: deal, on: '{with}', once: yes please}}]\n",
    )
    (problem,) = problems_of(write_contract(rules=rules))
    assert "record_consent.once: expected true or false, got 'yes please'" in problem


# -- measures ------------------------------------------------------------------------------------
MEASURED = (
    MINIMAL_CONTRACT
    + """\
measures:
  - {id: deals, count: true, of: deal, over: calendar_year}
"""
)


def test_a_measure_test_names_a_declared_measure(write_contract: Callable[..., Path]) -> None:
    norm = """\
  - id: n0
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal}
    if: [{measure: deels, gt: 3}]
    message: too many deals
"""
    path = write_contract(contract=MEASURED, rules=rules_with(norm))
    (problem,) = problems_of(path)
    assert "if.measure: unknown measure 'deels' (did you mean 'deals'?)" in problem


def test_a_measure_test_compares_with_a_number(write_contract: Callable[..., Path]) -> None:
    norm = """\
  - id: n0
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal}
    if: [{measure: deals, gt: lots}]
    message: too many deals
"""
    (problem,) = problems_of(write_contract(contract=MEASURED, rules=rules_with(norm)))
    assert "if.measure.gt: expected a number, got 'lots'" in problem
    assert "{compare: {left: {measure: <id>}, gt: <expression>}}" in problem


def test_a_sum_needs_a_number_field_and_contract_years_a_start(
    write_contract: Callable[..., Path],
) -> None:
    contract = (
        MINIMAL_CONTRACT
        + """\
measures:
  - {id: amounts, sum: with, of: deal, over: contract_year}
"""
    )
    problems = problems_of(write_contract(contract=contract))
    assert any("measures[amounts].sum: 'with' is a entity field" in p for p in problems)
    assert any(
        "measures[amounts].over: 'contract_year' counts from the contract's start" in p
        for p in problems
    )
    assert all(p.startswith(str(p.split(":")[0])) and ":" in p for p in problems)


def test_measures_count_the_current_move_and_explain_the_figures(supply: Contract) -> None:
    report = supply.check("2025-03-01: audit Contoso", "2025-11-01: audit Contoso")
    (conflict,) = [f for f in report.conflicts if f.rule == "one-audit-a-year"]
    assert conflict.move == 1
    shown = {e.condition: e.value for e in conflict.evidence}
    assert shown["audits is more than 1"] == (
        "it does: 2 audit moves in contract year 1 (2025-01-01..2025-12-31)"
    )


# -- values and expressions ----------------------------------------------------------------------
VALUED = (
    MINIMAL_CONTRACT
    + """\
values:
  - {id: total, initial: 0}
"""
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{value: totl}", "unknown value 'totl' (did you mean 'total'?)"),
        ('"{wiht}"', "'{wiht}' is not a field of the move (did you mean 'with'?)"),
        ("{measure: deals}", "unknown measure 'deals'; known: (none: declare measures"),
        ("{ad: [1, 2]}", "unknown operation 'ad' (did you mean 'add'?)"),
        ("{pct: [1]}", "pct: expected [<expr>, <percent>]"),
        ("lots", "'lots' is not an expression; a field of the move is written '{field}'"),
    ],
)
def test_bad_expressions_are_named_with_file_line_and_a_hint(
    write_contract: Callable[..., Path], expression: str, expected: str
) -> None:
    norm = f"""\
  - id: n0
    clause: c1
    kind: trigger
    bearer: alpha
    when: {{move: deal}}
    then: [{{add_to_value: {{value: total, amount: {expression}}}}}]
    message: counted
"""
    path = write_contract(contract=VALUED, rules=rules_with(norm))
    (problem,) = problems_of(path)
    assert problem.startswith(
        f"{path.parent / 'rules.yaml'}:14: norms[n0].then.add_to_value.amount: "
    )
    assert expected in problem


def test_values_change_and_are_compared(write_contract: Callable[..., Path]) -> None:
    norms = """\
  - id: count-deals
    clause: c1
    kind: trigger
    bearer: alpha
    when: {move: deal}
    then: [{add_to_value: {value: total, amount: {mul: [2, {add: [1, 0.5]}]}}}]
    message: counted
  - id: third-deal
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal}
    if: [{compare: {left: {value: total}, gte: 6}}]
    message: too many deals
"""
    contract = Contract.load(write_contract(contract=VALUED, rules=rules_with(norms)))
    report = contract.check("deal with Gamma", "deal with Gamma", "deal with Gamma")
    assert report.state["after"].values == {"total": 9.0}
    assert [f.move for f in report.conflicts if f.rule == "third-deal"] == [2]


# -- periods and the term ------------------------------------------------------------------------
def test_the_term_renews_without_limit_until_notice_comes_in_time(supply: Contract) -> None:
    quiet = supply.check(at="2031-06-01")
    renewals = [f.message for f in quiet.consequences if f.rule == "term-renews"]
    assert len(renewals) == 5 and renewals[-1].endswith(
        "term 6 runs from 2031-01-01 to 2031-12-31."
    )
    assert quiet.state["after"].partnership == "in_force"
    noticed = supply.check("2028-09-15: give notice of non-renewal", at="2031-06-01")
    assert [f.rule for f in noticed.consequences if f.rule.startswith("term-")] == [
        "term-renews",
        "term-renews",
        "term-ends",
    ]
    assert noticed.state["after"].partnership_ended_by == (
        "the end of term 3 on 2028-12-31, after notice of non-renewal on 2028-09-15"
    )


def test_a_period_name_is_checked_with_did_you_mean(write_contract: Callable[..., Path]) -> None:
    norm = """\
  - id: n0
    clause: c1
    kind: trigger
    bearer: alpha
    when: {change: period_ended, period: calendar_quater}
    message: a quarter ended
"""
    (problem,) = problems_of(write_contract(rules=rules_with(norm)))
    assert (
        "when.period: unknown period 'calendar_quater' (did you mean 'calendar_quarter'?)"
        in problem
    )


def test_the_cli_reports_a_shortfall_with_its_figures(
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    code, out, _ = cli(
        "check",
        SUPPLY,
        "-m",
        "2026-02-01: buy 300 seats",
        "-m",
        "2026-06-01: buy 150 seats",
        "--at",
        "2027-01-05",
    )
    assert code == 1  # a blocking conflict, as a linter would say
    assert (
        "Contoso bought fewer than 500 seats in contract year 2 (2026-01-01 to 2026-12-31)." in out
    )
    assert (
        "2 seat purchase moves total 450 seats in contract year 2 (2026-01-01..2026-12-31)" in out
    )


def test_a_measure_filter_names_fields_of_its_kind(write_contract: Callable[..., Path]) -> None:
    contract = (
        MINIMAL_CONTRACT
        + """\
measures:
  - {id: big-deals, count: true, of: deal, where: {wiht: gamma}}
"""
    )
    (problem,) = problems_of(write_contract(contract=contract))
    assert (
        "measures[big-deals].where: 'wiht' is not a field of deal (did you mean 'with'?)" in problem
    )
