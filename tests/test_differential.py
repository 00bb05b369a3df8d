"""Differential testing: on generated contracts and timelines, the engine (durable_rules) and the
reference evaluator (plain Python) must give the same findings, outcomes and final state; and a
check repeated after others gives the same report, byte for byte.

The default run checks 2,500 generated cases (400 + 100 contracts x 5 timelines). For the long
run (100,000 cases and more):
    DIFFERENTIAL_CONTRACTS=20000 python -m pytest tests/test_differential.py
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from generate import contract_files, timeline, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Contract, ContractFileError
from engine.reference import reference_summary, summary

CONTRACTS = int(os.environ.get("DIFFERENTIAL_CONTRACTS", "400"))
TIMELINES_PER_CONTRACT = 5
_folders = itertools.count()
_root = Path(tempfile.mkdtemp(prefix="differential-"))


def compare(contract: Contract, moves: list[dict[str, Any]], at: str) -> None:
    report = contract.check(*moves, at=at)
    expected = reference_summary(contract.spec, report.moves, report.check_date, {})
    actual = summary(report)
    if actual != expected:
        diff = {k: (actual[k], expected[k]) for k in actual if actual[k] != expected[k]}
        raise AssertionError(
            f"engine and reference differ on {moves} at {at}: {diff}\n\n{report.to_text()}"
        )
    # The routing index decides which norms are tested; the reference without it tests every
    # norm of the kind, so a norm the index wrongly skips shows up here as a missing finding.
    unindexed = reference_summary(contract.spec, report.moves, report.check_date, {}, indexed=False)
    del unindexed["outcomes"], actual["outcomes"]
    if actual != unindexed:
        diff = {k: (actual[k], unindexed[k]) for k in actual if actual[k] != unindexed[k]}
        raise AssertionError(
            f"the routing index lost a norm on {moves} at {at}: {diff}\n\n{report.to_text()}"
        )


# Generated contracts, each with its timelines; hypothesis may take long to make the bigger ones.
_generated = given(
    files=contract_files(),
    timelines=st.lists(
        timeline(), min_size=TIMELINES_PER_CONTRACT, max_size=TIMELINES_PER_CONTRACT
    ),
)
_unhurried: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=CONTRACTS, **_unhurried)
@_generated
def test_engine_agrees_with_the_reference(files: dict[str, Any], timelines: list[Any]) -> None:
    check_generated(files, timelines)


@settings(max_examples=max(CONTRACTS // 4, 1), **_unhurried)
@_generated
def test_engine_agrees_with_the_reference_when_routes_are_split(
    files: dict[str, Any], timelines: list[Any]
) -> None:
    """Generated contracts are small; splitting every route by its key field from two norms up
    runs them through the routing index as a contract of thousands of norms would be."""
    with mock.patch("engine.routing.PARTITION_FROM", 2):
        check_generated(files, timelines)


def check_generated(files: dict[str, Any], timelines: list[Any]) -> None:
    path = write(files, _root / str(next(_folders)))
    try:
        contract = Contract.load(path)
    except ContractFileError as error:  # the generator only writes valid contracts
        raise AssertionError(f"generated contract did not load: {error}") from None
    first = contract.check(*timelines[0][0], at=timelines[0][1])
    for moves, at in timelines:
        compare(contract, moves, at)
    # the same properties as on the bundled contract: no leak between checks, byte-identical
    # reports, and a lossless JSON round trip through the report model
    again = contract.check(*timelines[0][0], at=timelines[0][1])
    assert again.to_json() == first.to_json()
    assert type(again).model_validate_json(again.to_json()) == again


# The supply contract (tests/contracts/supply) uses keyed once-consents, measures over every kind
# of window, the term and recurring periods; random timelines of its moves over four years.
_SUPPLY_MOVES = [
    "buy 300 seats",
    "buy 250 seats for Tailspin",
    "buy 700 seats for Wingtip",
    "deploy 10 demo seats",
    "audit Contoso",
    "change prices by 3 percent",
    "change prices by 2 percent",
    "change prices by 1 percent",
    "send the quarterly sales report",
    "give notice of non-renewal",
    "consent to an assignment to Fabrikam",
    "assign the agreement to Fabrikam",
    "assign the agreement to Litware",
]
_supply: list[Contract] = []
_days = st.integers(min_value=0, max_value=4 * 365)


@settings(max_examples=max(CONTRACTS // 4, 1), **_unhurried)
@given(
    moves=st.lists(st.tuples(st.sampled_from(_SUPPLY_MOVES), _days), max_size=8),
    at=_days,
)
def test_supply_contract_agrees_with_the_reference(moves: list[tuple[str, int]], at: int) -> None:
    import datetime as dt

    if not _supply:
        _supply.append(Contract.load(Path(__file__).parent / "contracts/supply/contract.yaml"))
    start = dt.date(2025, 1, 1)
    timeline = [f"{start + dt.timedelta(days=d)}: {text}" for text, d in moves]
    compare(_supply[0], timeline, (start + dt.timedelta(days=at)).isoformat())


def test_a_duty_started_after_its_day_passes_on_the_day_it_starts() -> None:
    """Found by the generator: an obligation started by a quarter's end with a fixed `by` date
    already past. Time ran back to that date, and a rolling count (kept as running totals by
    the engine, recounted by the reference) disagreed about a maintenance norm. Time never runs
    back now: the duty passes on the day it starts."""
    contract = Contract.load(Path(__file__).parent / "contracts/past-deadline/contract.yaml")
    moves: list[dict[str, Any]] = [
        {"kind": "k2", "who": "e3", "until": "2025-04-06", "date": "2025-06-17", "actor": "p1"},
        {"kind": "k3", "who": "e4", "amount": 29, "date": "2026-08-15", "actor": "p1"},
        {"kind": "k3", "who": "e4", "actor": "p1"},
        {"kind": "k2", "who": "e2", "actor": "p1"},
        {"kind": "k1", "who": "e2", "until": "2025-11-23", "actor": "p1"},
    ]
    compare(contract, moves, "2025-03-27")
    report = contract.check(*moves, at="2025-03-27")
    missed = [f.date for f in report.conflicts if f.rule == "n6"]
    assert missed[:2] == [dt.date(2025, 4, 1), dt.date(2025, 7, 1)]


def test_a_time_fact_the_day_of_a_move_counts_that_move() -> None:
    """Found by the generator: a deadline passing the day of the move that started it (its `by`
    day already past) is judged after the move, so a sum over all moves counts the move; the
    reference left it out (a time fact sees the state as of the day before)."""
    contract = Contract.load(Path(__file__).parent / "contracts/same-day-measure/contract.yaml")
    move = {"kind": "k1", "who": "e1", "amount": 1, "date": "2025-01-02", "actor": "p2"}
    compare(contract, [move], "2025-01-01")
