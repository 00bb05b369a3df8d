"""Plans: shortest timelines to a goal, each replayed through `check` with the outcome claimed."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from engine import Contract, MoveError, PlanResult, plan
from engine.goals import parse_state
from tests.conftest import BUNDLED, LICENCE

Cli = Callable[..., tuple[int, str, str]]


def assert_replays(contract: Contract, result: PlanResult) -> None:
    """Every plan, given to `check` as printed, is clear and reaches its goal."""
    assert result.found and result.plans
    for steps in result.plans:
        # a plan is searched under one reading of each disputed clause, and replays under it
        report = contract.check(
            *[*result.given, *[s.replay for s in steps]], readings=result.readings
        )
        assert report.verdict == "clear", report.to_text()
        if result.goal_type == "state":
            goal = parse_state(contract, result.goal)
            assert goal is not None and goal.holds(report.state["after"])
        else:
            goal_move = contract.parse_move(result.goal)
            last = report.moves[-1]
            assert (last.kind, last.fields) == (goal_move.kind, goal_move.fields)


def test_go_public_needs_the_conversion_first(contract: Contract) -> None:
    result = plan(contract, "go public", forbid=["agi_declaration"])
    assert [s.kind for s in result.plans[0]] == ["consent", "conversion", "ipo"]
    first = result.plans[0][0]
    assert first.actor == "microsoft"
    assert first.needs == "needs Microsoft to consent to the conversion"
    assert [s.date.isoformat() for s in result.plans[0]] == [
        "2025-07-01",
        "2025-07-02",
        "2025-07-03",
    ]
    assert_replays(contract, result)


def test_every_shortest_plan_replays(contract: Contract) -> None:
    result = plan(contract, "go public")
    assert {len(p) for p in result.plans} == {3}
    assert len(result.plans) >= 2  # through Microsoft's consent, or after AGI ended the clause
    assert_replays(contract, result)


@pytest.mark.parametrize(
    "goal",
    [
        "the partnership ended",
        "clause azure-exclusivity not in force",
        "microsoft consented to the conversion",
        "flag federal-regulatory-review set",
        "windsurf in openai-ip",
        "conversion happened",
    ],
)
def test_state_goals_replay(contract: Contract, goal: str) -> None:
    assert_replays(contract, plan(contract, goal))


def test_a_goal_already_holding_needs_no_move(contract: Contract) -> None:
    result = plan(contract, "the partnership is in force")
    assert result.plans == [[]]


def test_from_moves_shorten_the_plan(contract: Contract) -> None:
    result = plan(
        contract, "go public", given=["Microsoft consents to the conversion", "convert to a PBC"]
    )
    assert [[s.kind for s in p] for p in result.plans] == [["ipo"]]
    assert result.plans[0][0].date.isoformat() == "2025-07-03"
    assert_replays(contract, result)


def test_no_plan_names_the_norm_that_blocks_the_goal(contract: Contract) -> None:
    result = plan(contract, "go public", max_steps=2)
    assert not result.found and result.exit_code == 1
    rules = {b.rule for a in result.closest for b in a.blocked_by}
    assert rules == {"ipo-needs-conversion"}
    why = result.closest[0].blocked_by[0].why
    assert any("has already happened" in w and "does not hold" in w for w in why)


def test_by_date_bounds_the_search(contract: Contract) -> None:
    assert not plan(contract, "go public", by="2025-07-02").found
    assert plan(contract, "go public", by="2025-07-03").found


def test_allow_narrows_the_moves(contract: Contract) -> None:
    result = plan(contract, "partner with Google Cloud", allow=["consent"])
    assert [[s.kind for s in p] for p in result.plans] == [["consent", "cloud_partnership"]]
    assert_replays(contract, result)


def test_second_contract(licence: Contract) -> None:
    result = plan(licence, "sublicense to Umbrella")
    assert_replays(licence, result)
    assert not plan(licence, "sublicense to Initech", max_steps=2).found


def test_plans_are_deterministic(contract: Contract) -> None:
    again = Contract.load(BUNDLED)
    assert plan(contract, "go public").to_json() == plan(again, "go public").to_json()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--goal", "go pubic"], "closest known phrases"),
        (["--goal", "clause azur not in force"], "no clause 'azur'"),
        (["--goal", "go public", "--forbid", "ipoo"], "did you mean 'ipo'"),
        (["--goal", "go public", "--from", "convert to a PBC"], "already have a blocking"),
        (["--goal", "go public", "--by", "July"], "not a date"),
    ],
)
def test_bad_input_exits_2(cli: Cli, args: list[str], expected: str) -> None:
    code, out, err = cli("plan", BUNDLED, *args)
    assert code == 2 and expected in err and not out


def test_cli_plan_replays_through_cli_check(cli: Cli, contract: Contract) -> None:
    code, out, _ = cli("plan", BUNDLED, "--goal", "go public", "--format", "json")
    assert code == 0
    result = PlanResult.model_validate_json(out)
    for steps in result.plans:
        args = [a for s in steps for a in ("--move", s.replay)]
        args += [a for c, n in (result.readings or {}).items() for a in ("--reading", f"{c}={n}")]
        code, text, _ = cli("check", BUNDLED, *args, "--format", "json")
        assert code == 0 and json.loads(text)["verdict"] == "clear"
    code, text, _ = cli("plan", BUNDLED, "--goal", "go public", "--max-steps", "2")
    assert code == 1 and "No plan within at most 2 step(s)" in text
    assert "ipo-needs-conversion" in text


def test_cli_text(cli: Cli) -> None:
    code, out, _ = cli("plan", LICENCE, "--goal", "sublicense to Umbrella")
    assert code == 0 and "1. 2024-01-15  sublicense to Umbrella" in out


def test_unknown_goal_is_a_move_error(contract: Contract) -> None:
    with pytest.raises(MoveError, match="A goal is a move, or a state"):
        plan(contract, "fly to the moon")
