"""A check computes its decision; the rest of its report is built when first read. The report
built late must be the one built at once, byte for byte: on generated contracts and timelines
(the differential corpus), on the bundled contract and on the supply contract, as JSON and as
text, however it is first read (an attribute, the JSON, ==, a copy, a pickle)."""

from __future__ import annotations

import copy
import itertools
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import pytest
from generate import contract_files, timeline, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Contract, Report
from engine.evaluate import Evaluator

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = int(os.environ.get("LAZY_REPORT_CONTRACTS", "40"))
_root = Path(tempfile.mkdtemp(prefix="lazy-report-"))
_folders = itertools.count()


def eager_twin(contract: Contract) -> Contract:
    """The same contract, its reports built in full as each check goes."""
    twin = Contract(contract.spec)
    twin._evaluator = Evaluator(contract.spec, eager=True)
    return twin


def readings(report: Report) -> list[Any]:
    """Every way to read a report, each starting from a report not yet built."""
    return [report.to_json(), report.to_text(verbose=True), report.to_text()]


def first_reads(contract: Contract, moves: list[Any], at: str | None) -> list[Any]:
    """What each first read of a fresh lazy report gives, as text to compare."""
    out = []
    report = contract.check(*moves, at=at)
    out.append([f.evidence for f in report.fired()])  # a finding's evidence, alone
    out.append(report.to_json())
    report = contract.check(*moves, at=at)
    out.append(report.state["after"].model_dump_json())  # a deferred field, alone
    out.append(report.to_json())
    report = contract.check(*moves, at=at)
    out.append([o.reason for o in report.outcomes])  # the outcomes alone, then the state
    out.append(report.state["before"].model_dump_json())
    out.append(report.to_text(verbose=True))
    out.append(pickle.loads(pickle.dumps(contract.check(*moves, at=at))).to_json())
    out.append(copy.deepcopy(contract.check(*moves, at=at)).to_json())
    out.append(contract.check(*moves, at=at).model_copy().to_json())
    out.append(repr(contract.check(*moves, at=at)))
    out.append(dict(contract.check(*moves, at=at))["names"])
    return out


def assert_same(lazy: Contract, eager: Contract, moves: list[Any], at: str | None) -> None:
    for built_late, built_at_once in zip(
        readings(lazy.check(*moves, at=at)), readings(eager.check(*moves, at=at)), strict=True
    ):
        assert built_late == built_at_once, (moves, at)
    assert lazy.check(*moves, at=at) == eager.check(*moves, at=at)
    assert eager.check(*moves, at=at) == lazy.check(*moves, at=at)
    assert first_reads(lazy, moves, at) == first_reads(eager, moves, at)


@settings(
    max_examples=CONTRACTS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=contract_files(), timelines=st.lists(timeline(), min_size=3, max_size=3))
def test_generated_reports_built_late_are_built_at_once(
    files: dict[str, Any], timelines: list[Any]
) -> None:
    contract = Contract.load(write(files, _root / str(next(_folders))))
    eager = eager_twin(contract)
    for moves, at in timelines:
        assert_same(contract, eager, moves, at)


BUNDLED_MOVES = [
    ["partner with Google Cloud"],
    ["acquire Windsurf for $3B"],
    ["declare AGI"],
    ["go public"],
    ["Microsoft consents to the conversion"],
    [
        "raise funding from SoftBank",
        "acquire Windsurf for $3B",
        "withhold Windsurf IP from Microsoft",
        "partner with AWS",
        "Microsoft consents to the conversion",
        "convert to a public benefit corporation",
        "file an antitrust complaint against Microsoft",
        "declare AGI",
        "partner with Google Cloud",
        "go public",
    ],
]


@pytest.mark.parametrize("moves", BUNDLED_MOVES, ids=lambda m: m[0] if len(m) == 1 else "timeline")
def test_bundled_reports_built_late_are_built_at_once(moves: list[str]) -> None:
    contract = Contract.load(ROOT / "contracts" / "openai-microsoft.yaml")
    assert_same(contract, eager_twin(contract), moves, None)


def test_supply_reports_built_late_are_built_at_once() -> None:
    """Deadlines, periods, the term, measures and keyed consents, over four years."""
    contract = Contract.load(ROOT / "tests" / "contracts" / "supply" / "contract.yaml")
    moves = [
        "2025-01-10: buy 300 seats",
        "2025-02-01: consent to an assignment to Fabrikam",
        "2025-03-01: assign the agreement to Fabrikam",
        "2025-05-01: change prices by 3 percent",
        "2025-07-01: send the quarterly sales report",
        "2026-01-15: buy 700 seats for Wingtip",
        "2027-06-01: give notice of non-renewal",
    ]
    assert_same(contract, eager_twin(contract), moves, "2028-12-31")


def test_a_waived_norm_reports_the_same_late_and_at_once() -> None:
    contract = Contract.load(ROOT / "contracts" / "openai-microsoft.yaml")
    eager = eager_twin(contract)
    waivers = {"azure-exclusivity": "board approved"}
    late = contract.check("partner with Google Cloud", waivers=waivers)
    at_once = eager.check("partner with Google Cloud", waivers=waivers)
    assert late.waived and late.to_json() == at_once.to_json()
