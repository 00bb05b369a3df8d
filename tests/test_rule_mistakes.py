"""Rule mistakes that would load and then never act, refused at load with the file, the line
and what was expected: an empty window (until before from), `in: []`, a comparison on a name,
a period no start or term can count, two norms overriding each other, an override of a norm that
listens for something else. And the one a reader would least expect: a duty met by a move of a
party that does not bear it.

Written against the validate mutants of tests/mutation/mutants.yaml (docs/testing.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_CONTRACT, MINIMAL_RULES

from engine import Contract, ContractFileError

Write = Callable[..., Path]

NORM = """\
  - id: n2
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal}
    message: m
"""


def problems(path: Path) -> list[str]:
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "    when: {move: deal, with: gamma}\n",
            "    when: {move: deal, with: gamma}\n    from: 2025-03-01\n    until: 2025-02-28\n",
            "until: 2025-02-28 is before 'from' 2025-03-01",
        ),
        ("with: gamma}", "with: {in: []}}", "in: expected a non-empty list"),
        ("with: gamma}", "with: {gt: 5}}", "comparisons need a number, money or date field"),
        (
            "    when: {move: deal, with: gamma}\n",
            "    when: {change: period_ended, period: term}\n",
            "'term' needs the contract's term",
        ),
        (
            "    when: {move: deal, with: gamma}\n",
            "    when: {change: period_ended, period: contract_year}\n",
            "contract years count from the contract's start",
        ),
    ],
)
def test_a_rule_that_could_never_act_is_refused(
    write_contract: Write, old: str, new: str, said: str
) -> None:
    rules = MINIMAL_RULES.replace(old, new)
    assert rules != MINIMAL_RULES
    found = problems(write_contract(MINIMAL_CONTRACT, rules))
    assert any(said in p and "rules.yaml:" in p for p in found), found


def test_a_comparison_on_a_name_field_is_refused(write_contract: Write) -> None:
    rules = MINIMAL_RULES.replace("with: {type: entity}", "with: {type: name}").replace(
        "with: gamma}", "with: {gt: 5}}"
    )
    found = problems(write_contract(MINIMAL_CONTRACT, rules))
    assert any("comparisons need a number, money or date field; 'with' is name" in p for p in found)


def test_norms_overriding_each_other_are_refused(write_contract: Write) -> None:
    rules = MINIMAL_RULES.replace(
        "    message: no deal", "    overrides: [n2]\n    message: no deal"
    )
    rules += NORM.replace("    message: m", "    overrides: [n1]\n    message: m")
    found = problems(write_contract(MINIMAL_CONTRACT, rules))
    assert any("override each other" in p for p in found), found


def test_an_override_of_a_norm_listening_for_something_else_is_refused(
    write_contract: Write,
) -> None:
    rules = MINIMAL_RULES.replace(
        "norms:",
        '  - {id: wave, title: wave, actor: alpha, phrases: ["wave"]}\nnorms:',
    )
    rules += NORM.replace("{move: deal}", "{move: wave}").replace(
        "    message: m", "    overrides: [n1]\n    message: m"
    )
    found = problems(write_contract(MINIMAL_CONTRACT, rules))
    assert any("can only override one that listens for the same kind" in p for p in found), found


def test_a_duty_is_met_only_by_its_bearers_move(write_contract: Write) -> None:
    rules = """\
event_kinds:
  - {id: order, title: order, actor: beta, phrases: ["order"]}
  - {id: pay, title: payment, phrases: ["pay"]}
norms:
  - id: pay-for-orders
    clause: c1
    kind: obligation
    bearer: alpha
    when: {move: order}
    must: {move: pay}
    within_days: 10
    message: unpaid
"""
    contract = Contract.load(write_contract(MINIMAL_CONTRACT, rules))
    by_beta = contract.check("2025-01-01: order", "2025-01-02: Beta pays", at="2025-02-01")
    assert [f.rule for f in by_beta.conflicts] == ["pay-for-orders"]
    by_alpha = contract.check("2025-01-01: order", "2025-01-02: Alpha pays", at="2025-02-01")
    assert by_alpha.verdict == "clear"
