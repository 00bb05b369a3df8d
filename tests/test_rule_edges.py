"""Rules at their edges: an override only while the overriding norm itself applies (its own
`unless` holding sets it aside, and the general norm applies again), a measure compared with
`lt` at exactly its limit, a comparison with a value the move does not give, a norm in force
for one day only.

Written against the mutants of tests/mutation/mutants.yaml that the rest of the suite let
live (docs/testing.md): each test is the behaviour a contract author relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Contract, Report

CONTRACT = """\
contract:
  id: edges
  title: Rules at their edges
  as_of: 2026-01-01
  rules: [rules.yaml]
parties:
  - {id: alpha, name: Alpha}
  - {id: beta, name: Beta}
entities:
  - {id: outlet, name: Outlet}
  - {id: shop, name: Shop}
clauses:
  - {id: c1, title: One, text: One., source: test}
measures:
  - {id: visits, count: true, of: visit, over: all}
values:
  - {id: floor, initial: 5}
"""

RULES = """\
event_kinds:
  - id: discount
    title: discount
    actor: alpha
    fields: {to: {type: entity}, percent: {type: number, required: false}}
    phrases: ["give {to} a {percent} percent discount", "give {to} a discount"]
  - {id: audit, title: audit, actor: beta, fields: {}, phrases: ["start an audit"],
     effects: [{set_flag: under_audit}]}
  - {id: visit, title: visit, actor: alpha, fields: {}, phrases: ["visit"]}
  - {id: launch, title: launch, actor: alpha, fields: {}, phrases: ["launch"]}
norms:
  - id: no-discounts
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: discount}
    message: No discounts.
  - id: outlet-clearance
    clause: c1
    kind: trigger
    bearer: alpha
    when: {move: discount, to: outlet}
    unless: [{flag: under_audit}]
    overrides: [no-discounts]
    message: Clearance discounts to the outlet are allowed.
  - id: few-visits
    clause: c1
    kind: trigger
    bearer: alpha
    when: {move: visit}
    if: [{measure: visits, lt: 3}]
    message: Fewer than three visits so far.
  - id: under-the-floor
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: discount}
    if: [{compare: {left: "{percent}", lt: {value: floor}}}]
    severity: warning
    message: A discount under the floor.
  - id: launch-day
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: launch}
    from: 2026-03-01
    until: 2026-03-01
    message: Not on launch day.
"""


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    folder = tmp_path_factory.mktemp("edges")
    (folder / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    return Contract.load(folder / "contract.yaml")


def status(report: Report, rule: str, move: int = -1) -> str:
    index = len(report.moves) - 1 if move < 0 else move
    (outcome,) = [o for o in report.outcomes if o.rule == rule and o.move == index]
    return outcome.status


def test_an_override_sets_the_general_norm_aside_only_while_it_applies(edges: Contract) -> None:
    plain = edges.check("give Outlet a discount")
    assert plain.verdict == "clear" and status(plain, "no-discounts") == "overridden"
    audited = edges.check("start an audit", "give Outlet a discount")
    assert status(audited, "outlet-clearance") == "defeated"
    assert status(audited, "no-discounts") == "applied"
    assert [f.rule for f in audited.conflicts] == ["no-discounts"]
    assert edges.check("give Shop a discount").verdict == "conflict"  # not the outlet


def test_a_measure_below_a_limit_does_not_hold_at_the_limit(edges: Contract) -> None:
    report = edges.check("visit", "visit", "visit")  # the current move is counted
    said = [f.move for f in report.consequences if f.rule == "few-visits"]
    assert said == [0, 1]


def test_a_comparison_with_a_value_not_given_does_not_hold(edges: Contract) -> None:
    assert [f.rule for f in edges.check("give Shop a 2 percent discount").conflicts] == [
        "no-discounts",
        "under-the-floor",
    ]
    report = edges.check("give Shop a discount")  # no percent: nothing to compare, not 0
    assert [f.rule for f in report.conflicts] == ["no-discounts"]
    assert status(report, "under-the-floor") == "not_triggered"


@pytest.mark.parametrize(
    ("day", "applies"), [("2026-02-28", False), ("2026-03-01", True), ("2026-03-02", False)]
)
def test_a_norm_in_force_for_one_day(edges: Contract, day: str, applies: bool) -> None:
    report = edges.check(f"{day}: launch", at=day)
    assert (report.verdict == "conflict") is applies


def test_a_one_day_window_loads(tmp_path: Path) -> None:
    (tmp_path / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    assert "launch-day" in [n.id for n in Contract.load(tmp_path / "contract.yaml").norms]
