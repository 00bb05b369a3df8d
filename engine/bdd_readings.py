"""Gherkin steps for readings of a disputed clause, on top of engine.bdd's scenario.

engine.bdd loads this module as a pytest plugin, so `pytest_plugins = ["engine.bdd"]` brings
these steps too:

    Given the reading "panel" of "agi-clause"
    Then under reading "panel" of "agi-clause" the move is clear
    Then under reading "board" of "agi-clause" the move is blocked by "azure-exclusivity"
    Then under reading "panel" of "agi-clause" the verdict is "conflict"
    Then under reading "panel" of "agi-clause" the partnership is in force
    Then under reading "board" of "agi-clause" there is a warning from "agi-clause"

`Given the reading` fixes a reading for the rest of the scenario; `Then under reading` checks the
scenario's moves again with that reading fixed (and the scenario's other readings kept), and
asks the question of that reading's report.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_bdd import given, parsers, then

from engine.bdd import (
    ContractScenario,
    _record_coverage,
    then_blocked,
    then_clear,
    then_partnership,
    then_verdict,
    then_warning,
)
from engine.errors import ContractEngineError

UNDER = r'under reading "(?P<name>[^"]+)" of "(?P<clause>[^"]+)" '


def _fixed(scenario: ContractScenario, clause: str, name: str) -> dict[str, str]:
    contract = scenario.require_contract()
    readings = {**scenario.readings, clause: name}
    try:
        contract.under(readings)  # a bad clause or reading: did-you-mean, before any check
    except ContractEngineError as error:
        raise AssertionError(f"No such reading: {error}") from None
    return readings


@given(parsers.re(r'the reading "(?P<name>[^"]+)" of "(?P<clause>[^"]+)"$'))
def given_reading(contract_scenario: ContractScenario, name: str, clause: str) -> None:
    """Check the rest of the scenario under this reading of the clause only."""
    contract_scenario.readings = _fixed(contract_scenario, clause, name)


def _under(scenario: ContractScenario, clause: str, name: str, ask: Callable[[], None]) -> None:
    """Ask a question of the report under one reading; the scenario's report is kept."""
    report = scenario.require_report()
    contract = scenario.require_contract()
    readings = _fixed(scenario, clause, name)
    try:
        under = contract.check_timeline(
            list(report.moves), at=scenario.date, waivers=scenario.waivers, readings=readings
        )
    except ContractEngineError as error:
        raise AssertionError(f"The engine refused the check: {error}") from None
    _record_coverage(contract, under, len(scenario.history))
    scenario.report = under
    try:
        ask()
    finally:
        scenario.report = report


@then(parsers.re(UNDER + r"the move is clear$"))
def then_under_clear(contract_scenario: ContractScenario, name: str, clause: str) -> None:
    _under(contract_scenario, clause, name, lambda: then_clear(contract_scenario))


@then(parsers.re(UNDER + r'the move is blocked by "(?P<rule>[^"]+)"$'))
def then_under_blocked(
    contract_scenario: ContractScenario, name: str, clause: str, rule: str
) -> None:
    _under(contract_scenario, clause, name, lambda: then_blocked(contract_scenario, rule))


@then(parsers.re(UNDER + r'the verdict is "(?P<verdict>[^"]+)"$'))
def then_under_verdict(
    contract_scenario: ContractScenario, name: str, clause: str, verdict: str
) -> None:
    _under(contract_scenario, clause, name, lambda: then_verdict(contract_scenario, verdict))


@then(parsers.re(UNDER + r"the partnership (?P<status>has ended|is in force)$"))
def then_under_partnership(
    contract_scenario: ContractScenario, name: str, clause: str, status: str
) -> None:
    _under(contract_scenario, clause, name, lambda: then_partnership(contract_scenario, status))


@then(parsers.re(UNDER + r'there is a warning from "(?P<source>[^"]+)"$'))
def then_under_warning(
    contract_scenario: ContractScenario, name: str, clause: str, source: str
) -> None:
    _under(contract_scenario, clause, name, lambda: then_warning(contract_scenario, source))
