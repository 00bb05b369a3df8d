"""A search with a time budget (how a server runs plan, diff and prove) answers as one without,
or stops with SearchTooLarge, a bad-input error that says what to ask for instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import ROOT

from engine import Budget, Contract, SearchTooLarge, diff, plan, prove

RELAXED = ROOT / "contracts" / "amendments" / "azure-relaxed.yaml"

SEARCHES: dict[str, Callable[[Contract, Budget | None], Any]] = {
    "plan": lambda c, b: plan(c, "go public", max_steps=3, workers=1, budget=b),
    "diff": lambda c, b: diff(c, Contract.load(RELAXED), depth=1, budget=b),
    "prove": lambda c, b: prove(c, "reachable: go public clear", 2, workers=1, budget=b),
}


@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_a_budget_changes_nothing_but_when_the_search_stops(contract: Contract, name: str) -> None:
    search = SEARCHES[name]
    assert search(contract, Budget(600)).to_json() == search(contract, None).to_json()
    with pytest.raises(SearchTooLarge, match="time budget of 0 s; ask for fewer steps"):
        search(contract, Budget(0))
