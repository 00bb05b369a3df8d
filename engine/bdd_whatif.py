"""Gherkin steps for what-if questions: plans and amendments, on top of engine.bdd's scenario.

engine.bdd loads this module as a pytest plugin, so `pytest_plugins = ["engine.bdd"]` brings
these steps too:

    Then a plan for "go public" is "Microsoft consents to the conversion; convert to a PBC; go public"
    Then there is no plan for "go public" within 2 steps
    Then under the amendment "azure-relaxed" the move "partner with Google Cloud" is clear
    Given the amendment "azure-relaxed"
    Then "always: the partnership ended -> no conflict from azure-exclusivity" holds within 2 moves

An amendment is named by its file (a path relative to the pytest root), or by its name in the
`amendments/` folder next to the scenario's contract.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pytest_bdd import given, parsers, then

from engine.api import Contract
from engine.bdd import ContractScenario
from engine.errors import ContractEngineError
from engine.plan import PlanResult, plan
from engine.prove import prove
from engine.report import Move

_amended: dict[Path, Contract] = {}
_lock = threading.Lock()


def _amendment(scenario: ContractScenario, name: str) -> Contract:
    base = scenario.require_contract()
    candidates = [
        scenario.root / name,
        base.spec.path.parent / "amendments" / f"{name}.yaml",
        base.spec.path.parent / f"{name}.yaml",
    ]
    found = next((c.resolve() for c in candidates if c.is_file()), None)
    if found is None:
        raise AssertionError(
            f'No amendment "{name}" (looked for {", ".join(str(c) for c in candidates)})'
        )
    with _lock:
        if found not in _amended:
            try:
                _amended[found] = Contract.load(found)
            except ContractEngineError as error:
                raise AssertionError(f"The amendment does not load:\n{error}") from None
    return _amended[found]


def _plan(scenario: ContractScenario, goal: str, max_steps: int = 4) -> PlanResult:
    contract = scenario.require_contract()
    try:
        return plan(contract, goal, scenario.history, max_steps=max_steps, at=scenario.date)
    except ContractEngineError as error:
        raise AssertionError(f"The engine refused the plan: {error}") from None


def _same(contract: Contract, move: Move, text: str) -> bool:
    try:
        wanted = contract.parse_move(text)
    except ContractEngineError as error:
        raise AssertionError(f"The engine does not understand the move: {error}") from None
    return (move.kind, move.actor, move.fields) == (wanted.kind, wanted.actor, wanted.fields)


@given(parsers.re(r'the amendment "(?P<name>[^"]+)"$'))
def given_amendment(contract_scenario: ContractScenario, name: str) -> None:
    """Check the rest of the scenario against the contract as the amendment changes it."""
    contract_scenario.contract = _amendment(contract_scenario, name)


@then(parsers.re(r'a plan for "(?P<goal>[^"]+)" is "(?P<steps>[^"]+)"$'))
def then_plan_is(contract_scenario: ContractScenario, goal: str, steps: str) -> None:
    """One of the shortest plans is these moves, in this order (in any words that mean them)."""
    contract = contract_scenario.require_contract()
    wanted = [s.strip() for s in steps.split(";") if s.strip()]
    result = _plan(contract_scenario, goal, max_steps=max(len(wanted), 1))
    for found in result.plans:
        moves = [contract.parse_move(s.replay) for s in found]
        if len(moves) == len(wanted) and all(
            _same(contract, m, w) for m, w in zip(moves, wanted, strict=True)
        ):
            return
    raise AssertionError(
        f'Expected a plan for "{goal}": {steps}. The engine says:\n{result.to_text()}'
    )


@then(parsers.re(r'there is no plan for "(?P<goal>[^"]+)" within (?P<n>\d+) steps?$'))
def then_no_plan(contract_scenario: ContractScenario, goal: str, n: str) -> None:
    result = _plan(contract_scenario, goal, max_steps=int(n))
    if result.found:
        raise AssertionError(f'Expected no plan for "{goal}". The engine says:\n{result.to_text()}')


@then(
    parsers.re(
        r'under the amendment "(?P<name>[^"]+)" the move "(?P<move>[^"]+)" is '
        r'(?:(?P<clear>clear)|blocked by "(?P<rule>[^"]+)")$'
    )
)
def then_under_amendment(
    contract_scenario: ContractScenario, name: str, move: str, clear: str | None, rule: str | None
) -> None:
    """The move, after the scenario's history, checked against the amended contract."""
    amended = _amendment(contract_scenario, name)
    try:
        proposed = amended.parse_move(move, date=contract_scenario.date)
        report = amended.check_timeline(
            [*contract_scenario.history, proposed], at=contract_scenario.date
        )
    except ContractEngineError as error:
        raise AssertionError(f"The engine refused the check: {error}") from None
    last = len(contract_scenario.history)
    blocking = [f for f in report.conflicts if f.move == last and f.severity.value == "blocking"]
    if clear and blocking:
        names = ", ".join(f"{f.rule} ({f.clause})" for f in blocking)
        raise AssertionError(
            f"Expected the move to be clear under {name}, but it is blocked by {names}.\n"
            f"{report.to_text()}"
        )
    if rule and not any(rule in (f.rule, f.clause) for f in blocking):
        raise AssertionError(
            f'Expected the move to be blocked by "{rule}" under {name}.\n{report.to_text()}'
        )


@then(
    parsers.re(
        r'"(?P<claim>(?:never|always|reachable):[^"]+)" (?P<verdict>holds|does not hold) '
        r"within (?P<n>\d+) moves?$"
    )
)
def then_property(contract_scenario: ContractScenario, claim: str, verdict: str, n: str) -> None:
    """A bounded proof over every timeline of up to n generated moves (from the initial state)."""
    contract = contract_scenario.require_contract()
    try:
        result = prove(contract, claim, int(n))
    except ContractEngineError as error:
        raise AssertionError(f"The engine refused the property: {error}") from None
    wanted = ("holds", "reachable") if verdict == "holds" else ("fails", "unreachable")
    if result.outcome not in wanted:  # "not proved" is neither
        raise AssertionError(
            f'Expected "{claim}" to {verdict}. The engine says:\n{result.to_text()}'
        )
