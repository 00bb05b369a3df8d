"""The bounds of the searches, exactly: `plan --max-steps N` and `--by D` never exceed N steps or
D, plan stops at the shortest plans and lists at most three, the clean ones first; `prove`
checks the state before any move, tries values either side of every bound a norm tests and every
entity, and finds a counterexample exactly one move deep at depth 1.

Small generated contracts, so each search takes milliseconds. Written against the search
mutants of tests/mutation/mutants.yaml (docs/testing.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Contract, MoveError, plan, prove

LAUNCH = """\
contract:
  id: launch
  title: A launch that needs approval
  as_of: 2026-01-01
  rules: [rules.yaml]
parties:
  - {id: alpha, name: Alpha}
  - {id: beta, name: Beta}
clauses:
  - {id: c1, title: One, text: One., source: test}
"""

LAUNCH_RULES = """\
event_kinds:
  - {id: launch, title: launch, actor: alpha, fields: {}, phrases: ["launch"]}
  - id: rush
    title: rushed approval
    actor: beta
    fields: {}
    phrases: ["rush the approval"]
    effects: [{record_consent: {from: beta, for: launch}}]
  - id: sign
    title: approval
    actor: beta
    fields: {}
    phrases: ["approve the launch"]
    effects: [{record_consent: {from: beta, for: launch}}]
  - id: sign_by_email
    title: approval by email
    actor: beta
    fields: {}
    phrases: ["approve the launch by email"]
    effects: [{record_consent: {from: beta, for: launch}}]
  - id: sign_by_post
    title: approval by post
    actor: beta
    fields: {}
    phrases: ["approve the launch by post"]
    effects: [{record_consent: {from: beta, for: launch}}]
  - {id: ship, title: shipment, actor: alpha, fields: {}, phrases: ["ship"]}
  - {id: mark_a, title: check a, actor: alpha, fields: {}, phrases: ["pass check a"], effects: [{set_flag: a}]}
  - {id: mark_b, title: check b, actor: alpha, fields: {}, phrases: ["pass check b"], effects: [{set_flag: b}]}
  - {id: mark_c, title: check c, actor: alpha, fields: {}, phrases: ["pass check c"], effects: [{set_flag: c}]}
norms:
  - id: launch-needs-approval
    clause: c1
    kind: consent
    bearer: alpha
    consent_of: beta
    when: {move: launch}
    message: Launching needs Beta's approval.
  - id: rushing-is-frowned-on
    clause: c1
    kind: prohibition
    bearer: beta
    severity: warning
    when: {move: rush}
    message: A rushed approval.
  - {id: ship-needs-a, clause: c1, kind: prohibition, bearer: alpha, when: {move: ship},
     unless: [{flag: a}], message: Check a first.}
  - {id: ship-needs-b, clause: c1, kind: prohibition, bearer: alpha, when: {move: ship},
     unless: [{flag: b}], message: Check b first.}
  - {id: ship-needs-c, clause: c1, kind: prohibition, bearer: alpha, when: {move: ship},
     unless: [{flag: c}], message: Check c first.}
"""

VALUES = """\
contract:
  id: values
  title: Values the searches must try
  as_of: 2026-01-01
  rules: [rules.yaml]
parties:
  - {id: alpha, name: Alpha}
entities:
  - {id: gamma, name: Gamma, category: firm}
  - {id: delta, name: Delta, category: firm}
sets:
  - {id: approved, title: approved firms, members: [delta]}
clauses:
  - {id: c1, title: One, text: One., source: test}
"""

VALUES_RULES = """\
event_kinds:
  - id: partner
    title: partnership
    actor: alpha
    fields: {firm: {type: entity, of: [firm]}}
    phrases: ["partner with {firm}"]
  - {id: pay, title: payment, actor: alpha, fields: {amount: {type: number}}, phrases: ["pay {amount}"]}
  - {id: ship, title: shipment, actor: alpha, fields: {day: {type: date}}, phrases: ["ship on {day}"]}
  - {id: refund, title: refund, actor: alpha, fields: {amount: {type: number}}, phrases: ["refund {amount}"]}
norms:
  - {id: unapproved-partner, clause: c1, kind: prohibition, bearer: alpha, when: {move: partner},
     unless: [{in_set: {set: approved, field: firm}}], message: "{firm} is not approved."}
  - {id: underpay, clause: c1, kind: prohibition, bearer: alpha,
     when: {move: pay, amount: {lt: 100}}, message: Paid under 100.}
  - {id: early-ship, clause: c1, kind: prohibition, bearer: alpha,
     when: {move: ship, day: {lt: 2026-06-01}}, message: Shipped before June.}
  - {id: big-refund, clause: c1, kind: prohibition, bearer: alpha,
     when: {move: refund, amount: {gte: 100}}, message: A refund of 100 or more.}
"""


def _load(folder: Path, contract: str, rules: str) -> Contract:
    (folder / "contract.yaml").write_text(contract, encoding="utf-8")
    (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    return Contract.load(folder / "contract.yaml")


@pytest.fixture(scope="module")
def launch(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    return _load(tmp_path_factory.mktemp("launch"), LAUNCH, LAUNCH_RULES)


@pytest.fixture(scope="module")
def values(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    return _load(tmp_path_factory.mktemp("values"), VALUES, VALUES_RULES)


# -- plan ------------------------------------------------------------------------------------------
def test_max_steps_counts_the_goal_and_is_never_exceeded(launch: Contract) -> None:
    assert not plan(launch, "launch", max_steps=1).found  # the approval is a step too
    result = plan(launch, "launch", max_steps=2)
    assert result.found and all(len(steps) == 2 for steps in result.plans)


def test_a_goal_by_a_date_is_never_planned_after_it(launch: Contract) -> None:
    assert not plan(launch, "launch", by="2026-01-01").found  # no day for the approval first
    result = plan(launch, "launch", by="2026-01-02")
    assert result.found
    assert all(s.date.isoformat() <= "2026-01-02" for steps in result.plans for s in steps)


def test_plans_are_the_shortest_three_the_ones_without_warnings_first(launch: Contract) -> None:
    # four approvals would do; plan lists three (its documented limit), all two steps long,
    # and the rushed approval, which sets off a warning, after the clean ones
    result = plan(launch, "launch")
    assert len(result.plans) == 3
    assert {len(steps) for steps in result.plans} == {2}
    firsts = [steps[0].kind for steps in result.plans]
    assert firsts[-1] == "rush" and "rush" not in firsts[:-1]


def test_a_plan_from_moves_already_blocked_is_refused(launch: Contract) -> None:
    with pytest.raises(MoveError, match="already have a blocking conflict"):
        plan(launch, "launch", given=["launch"])


def test_a_failed_plan_shows_at_most_three_closest_attempts(launch: Contract) -> None:
    # shipping needs three checks; in two steps at most one is passed: four different sets of
    # blocking norms (none passed, or a, b or c passed), of which three are shown
    result = plan(launch, "ship", max_steps=2)
    assert not result.found
    assert len(result.closest) == 3
    blocked = [tuple(sorted(b.rule or "" for b in a.blocked_by)) for a in result.closest]
    assert len(set(blocked)) == 3


def test_plan_through_the_cli_keeps_its_bound(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    _load(tmp_path, LAUNCH, LAUNCH_RULES)
    code, out, _ = cli("plan", tmp_path / "contract.yaml", "--goal", "launch", "--max-steps", "1")
    assert code == 1 and "No plan within at most 1 step(s)." in out


# -- prove -----------------------------------------------------------------------------------------
def test_a_property_false_before_any_move_has_the_empty_counterexample(launch: Contract) -> None:
    result = prove(launch, "never: clause c1 in force", depth=1, workers=1)
    assert not result.holds and result.timeline == []


def test_depth_one_finds_a_one_move_counterexample(launch: Contract) -> None:
    result = prove(launch, "never: conflict from launch-needs-approval", depth=1, workers=1)
    assert not result.holds
    assert [s.kind for s in result.timeline or []] == ["launch"]


def test_a_forbidden_move_nobody_requires_is_no_normative_conflict(launch: Contract) -> None:
    result = prove(launch, "never: a move is both required and forbidden", depth=1, workers=1)
    assert result.holds


def test_reachable_is_found_and_replays(launch: Contract) -> None:
    result = prove(launch, "reachable: launch clear", depth=1, workers=1)
    assert result.holds and [s.kind for s in result.timeline or []] != []


WAITING_RULES = """\
event_kinds:
  - {id: wait, title: wait, actor: alpha, fields: {}, phrases: ["wait"]}
  - {id: leak, title: leak, actor: alpha, fields: {}, phrases: ["leak"]}
norms:
  - {id: late-first-leak, clause: c1, kind: prohibition, bearer: alpha, when: {move: leak},
     from: 2026-01-03, unless: [{happened: leak}], message: A first leak from the third on.}
"""


def test_a_state_reached_again_a_day_later_is_explored_again(tmp_path: Path) -> None:
    # only a first leak from the third day on conflicts: one step (a leak on the first day, or
    # time alone) cannot show it; two can (time passes to the third, then a leak), and so can
    # "wait, wait, leak", through the state "wait happened" reached on two days
    waiting = _load(tmp_path, LAUNCH, WAITING_RULES)
    assert prove(waiting, "never: conflict from late-first-leak", depth=1, workers=1).holds
    result = prove(waiting, "never: conflict from late-first-leak", depth=2, workers=1)
    assert not result.holds and result.timeline is not None
    assert result.timeline[-1].kind == "leak" and result.timeline[-1].date >= dt.date(2026, 1, 3)
    replayed = waiting.check_timeline(result.moves(), at=result.at)
    assert any(f.rule == "late-first-leak" for f in replayed.conflicts)


@pytest.mark.parametrize(
    ("rule", "witness"),
    [
        ("unapproved-partner", "partner with Gamma"),  # an entity no norm names
        ("underpay", "pay 99"),  # just under a `lt` bound
        ("early-ship", "2026-05-31"),  # the day before a `lt` date
    ],
)
def test_prove_tries_every_entity_and_each_side_of_a_bound(
    values: Contract, rule: str, witness: str
) -> None:
    result = prove(values, f"never: conflict from {rule}", depth=1, workers=1)
    assert not result.holds
    (step,) = result.timeline or []
    assert witness in step.replay
    report = values.check(step.replay)
    assert [f.rule for f in report.conflicts] == [rule]


def test_plan_tries_the_value_just_under_a_gte_bound(values: Contract) -> None:
    result = plan(values, "refund happened", max_steps=1)
    assert result.found
    assert result.plans[0][0].replay.endswith("refund 99")


OPEN_RULES = """\
event_kinds:
  - id: sale
    title: sale
    actor: alpha
    fields: {units: {type: number}}
    phrases: ["sell {units} units"]
  - id: deal
    title: deal
    actor: alpha
    fields: {partner: {type: name}}
    phrases: ["make a deal with {partner}"]
norms:
  - {id: no-big-sale, clause: c1, kind: prohibition, bearer: alpha,
     when: {move: sale, units: {gt: 100}}, message: Too many units.}
  - {id: approved-only, clause: c1, kind: prohibition, bearer: alpha,
     when: {move: deal, partner: {not_in_set: approved}}, message: Not an approved partner.}
"""

OPEN_CONTRACT = LAUNCH.replace(
    "clauses:",
    "entities:\n  - {id: gamma, name: Gamma}\nsets:\n"
    "  - {id: approved, title: Approved partners, members: [gamma]}\nclauses:",
)


@pytest.mark.parametrize(
    ("rule", "found"),
    [
        ("no-big-sale", "sell 101 units"),  # only above the last bound: 101, not 100
        ("approved-only", "Newco"),  # only a company the contract does not know
    ],
)
def test_a_class_beyond_every_constant_is_tried(tmp_path: Path, rule: str, found: str) -> None:
    """The value above a contract's last bound, and a name the contract never declares, are
    classes of their own: the only counterexample lies in each, and the proof finds it."""
    contract = _load(tmp_path, OPEN_CONTRACT, OPEN_RULES)
    result = prove(contract, f"never: conflict from {rule}", depth=1, workers=1)
    assert not result.holds and result.outcome == "fails"
    assert found in " ".join(result.moves())


TWO_NAMES_RULES = """\
event_kinds:
  - id: acquisition
    title: acquisition
    actor: alpha
    fields: {company: {type: name}}
    phrases: ["acquire {company}"]
    effects: [{add_to_set: {set: owned, entity: "{company}"}}, {set_flag: acquired}]
  - id: licence
    title: licence
    actor: alpha
    fields: {company: {type: name}}
    phrases: ["license the IP of {company}"]
norms:
  - {id: license-unowned, clause: c1, kind: prohibition, bearer: alpha,
     when: {move: licence, company: {not_in_set: owned}}, if: [{flag: acquired}],
     message: Only the IP of a company we own.}
"""

TWO_NAMES_CONTRACT = LAUNCH.replace(
    "clauses:", "sets:\n  - {id: owned, title: Companies owned, members: []}\nclauses:"
)


def test_two_companies_the_contract_never_names_are_told_apart(tmp_path: Path) -> None:
    """Acquire one unknown company, then license another's IP: the only counterexample needs
    two different fresh names in one timeline (one name, taken twice, is owned)."""
    contract = _load(tmp_path, TWO_NAMES_CONTRACT, TWO_NAMES_RULES)
    result = prove(contract, "never: conflict from license-unowned", depth=2, workers=1)
    assert not result.holds and result.outcome == "fails", result.to_text()
    acquired, licensed = (m.split(": ", 1)[1] for m in result.moves())
    assert acquired.removeprefix("acquire ") != licensed.removeprefix("license the IP of ")
