"""Bounded proofs: answers, and every counterexample or witness replayed through `check`."""

from __future__ import annotations

import shlex
from collections.abc import Callable

import pytest

from engine import Contract, MoveError, ProofResult, Report, prove
from tests.conftest import BUNDLED, LICENCE

Cli = Callable[..., tuple[int, str, str]]


def replay(contract: Contract, result: ProofResult) -> Report:
    """The timeline found, checked as the answer says to replay it."""
    assert result.timeline is not None
    return contract.check_timeline(result.moves(), at=result.at, readings=result.readings)


def test_normative_conflict_found_and_replayed(contract: Contract) -> None:
    result = prove(contract, "never: a move is both required and forbidden", depth=2)
    assert not result.holds and result.exit_code == 1
    report = replay(contract, result)
    last = len(report.moves) - 1
    assert any(o.status == "met" and o.move == last for o in report.outcomes)
    assert any(
        c.move == last and c.norm_kind in ("prohibition", "consent") for c in report.conflicts
    )


def test_never_conflict_from_a_rule_has_a_counterexample(contract: Contract) -> None:
    result = prove(contract, "never: conflict from ipo-needs-conversion", depth=2)
    assert not result.holds
    report = replay(contract, result)
    assert [c.rule for c in report.conflicts if c.move == len(report.moves) - 1] == [
        "ipo-needs-conversion"
    ]


def test_always_holds_up_to_the_depth(contract: Contract) -> None:
    result = prove(
        contract, "always: the partnership ended -> no conflict from azure-exclusivity", depth=2
    )
    assert result.holds and result.timeline is None
    assert result.states_explored > 100 and result.checks > result.states_explored


def test_always_without_the_condition_fails_and_replays(contract: Contract) -> None:
    result = prove(contract, "always: no conflict from azure-exclusivity", depth=2)
    assert not result.holds
    report = replay(contract, result)
    assert any(c.rule == "azure-exclusivity" for c in report.conflicts)


def test_reachable_gives_a_clear_witness(contract: Contract) -> None:
    result = prove(contract, "reachable: go public clear", depth=2)
    assert result.holds and result.timeline
    words = [s.replay for s in result.timeline]
    report = contract.check(
        *words, f"{result.timeline[-1].date}: go public", readings=result.readings
    )
    assert report.verdict == "clear"
    assert not prove(contract, "reachable: go public clear", depth=1).holds


def test_second_contract(licence: Contract) -> None:
    result = prove(licence, "never: conflict from no-sublicence", depth=1)
    assert not result.holds
    report = replay(licence, result)
    assert any(c.clause == "no-sublicence" for c in report.conflicts)
    assert prove(licence, "reachable: sublicense to Umbrella clear", depth=1).holds


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("sometimes: conflict", "is not a property"),
        ("never: conflict from azure-exclusivty", "did you mean 'azure-exclusivity'"),
        ("reachable: fly to the moon clear", "no phrase of contract"),
        ("never: the sky is green", "is not an atom"),
    ],
)
def test_bad_properties(contract: Contract, cli: Cli, claim: str, expected: str) -> None:
    with pytest.raises(MoveError, match=expected):
        prove(contract, claim)
    code, out, err = cli("prove", BUNDLED, claim)
    assert code == 2 and expected in err and not out


def test_cli_prove(cli: Cli) -> None:
    code, out, _ = cli("prove", BUNDLED, "never: conflict", "--depth", "1", "--format", "json")
    assert code == 1
    result = ProofResult.model_validate_json(out)
    assert result.step_conflicts == [["azure-exclusivity"]]
    code, out, _ = cli("prove", LICENCE, "reachable: the partnership ended", "--depth", "1")
    assert out.startswith("reachable: the partnership ended:")


def test_worker_processes_give_the_same_answer(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.search

    claim = "always: the partnership ended -> no conflict from azure-exclusivity"
    alone = prove(contract, claim, depth=2, workers=1)
    monkeypatch.setattr(engine.search, "POOL_MIN_CHECKS", 0)
    pooled = prove(contract, claim, depth=2, workers=2)
    assert pooled.to_json() == alone.to_json()
    found = prove(contract, "never: conflict from ipo-needs-conversion", depth=2, workers=2)
    assert not found.holds and found.timeline is not None


def test_the_printed_replay_command_runs_as_printed(cli: Cli) -> None:
    """The counterexample's `replay:` line is a whole command (the contract as the user named
    it, the dated moves, --at and the readings searched): run as printed, `check` finds the
    conflict the proof reports."""
    code, out, _ = cli(
        "prove", "contracts/openai-microsoft.yaml", "never: conflict from ip-withholding"
    )
    assert code == 1, out
    line = next(x for x in out.splitlines() if x.strip().startswith("replay: contract-engine "))
    args = shlex.split(line.split("replay: contract-engine ", 1)[1])
    assert args[:2] == ["check", "contracts/openai-microsoft.yaml"]
    assert "--reading" in args
    code, out, _ = cli(*args)
    assert code == 1 and "ip-withholding" in out


@pytest.mark.parametrize(
    ("claim", "code"),
    [("never: go public conflict", 1), ("reachable: go public clear", 0)],
)
def test_a_proposed_move_of_the_property_is_in_the_replay(cli: Cli, claim: str, code: int) -> None:
    """'MOVE conflict' and 'MOVE clear' try MOVE after the timeline found: the replay includes
    it, dated, so that the command printed shows what the proof says (it checked nothing)."""
    out = cli("prove", "contracts/openai-microsoft.yaml", claim, "--depth", "2")[1]
    line = next(x for x in out.splitlines() if x.strip().startswith("replay: contract-engine "))
    args = shlex.split(line.split("replay: contract-engine ", 1)[1])
    assert args[args.index("-m", len(args) - 6) + 1].endswith(": go public")
    replayed, text, _ = cli(*args)
    assert replayed == code, text
    assert ("ipo-needs-conversion" in text) == (code == 1)


def test_a_norm_of_each_party_is_named_by_its_base_id(cli: Cli) -> None:
    """`conflict from RULE` takes a `bearer: either` norm's base id, as waivers and explain do,
    and finds a conflict from either party's copy."""
    code, out, _ = cli(
        "prove",
        "contracts/reseller-partnership.yaml",
        "never: conflict from trademark-approval",
        "--depth",
        "1",
    )
    assert code == 1, out
    assert "trademark-approval@" in out


def test_a_state_counterexample_says_what_is_not_so(cli: Cli) -> None:
    """An `always: STATE` counterexample says the state does not hold after it, not the
    property's words alone (which read as if it held)."""
    code, out, _ = cli(
        "prove",
        "contracts/openai-microsoft.yaml",
        "always: clause azure-exclusivity in force",
        "--depth",
        "1",
    )
    assert code == 1, out
    assert "azure-exclusivity in force: not so" in out


def test_a_replay_line_is_safe_to_paste_into_a_shell() -> None:
    """The moves of a replay line are quoted for a shell: '$' and quotes stay words."""
    result = ProofResult(
        contract="c",
        claim="never: conflict",
        depth=1,
        holds=False,
        states_explored=1,
        checks=1,
        probe="""2025-07-01: tag it Bob's $HOME "x\"""",
        outcome="fails",
    )
    (move,) = shlex.split(" ".join(result.replay()))[1:2]
    assert move == """2025-07-01: tag it Bob's $HOME "x\""""
