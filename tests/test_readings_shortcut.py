"""A reading no move of a check can reach decides as the default: it is answered from the
default's decision, its outcomes, state and names built when read by checking under it. The
readings' section must be the one every combination evaluated would give, byte for byte: on the
bundled contract, on the licence with two disputed clauses, and on generated contracts given a
disputed clause; and a check with a move the reading changes is evaluated, never inferred."""

from __future__ import annotations

import copy
import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from generate import contract_files, timeline, write
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import Contract, ContractFileError, Report
from engine import readings as readings_module
from engine.readings import reached_by

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "contracts" / "openai-microsoft.yaml"
LICENCE = ROOT / "tests" / "contracts" / "licence-readings" / "contract.yaml"
_root = Path(tempfile.mkdtemp(prefix="readings-shortcut-"))
_folders = itertools.count()


@pytest.fixture
def evaluated() -> Iterator[None]:
    """Every combination evaluated, as before the shortcut."""
    readings_module.SHORTCUT = False
    try:
        yield
    finally:
        readings_module.SHORTCUT = True


def reads(report: Report) -> list[Any]:
    """A reading's report read first by its outcomes, then all of it, as JSON and text."""
    assert report.readings is not None
    last = report.readings.results[-1].report
    return [
        [o.reason for o in last.outcomes],
        [f.evidence for f in last.fired()],
        report.to_json(),
        report.to_text(verbose=True),
    ]


def both(contract: Contract, moves: list[Any], at: str | None) -> tuple[list[Any], list[Any]]:
    shortcut = reads(contract.check(*moves, at=at))
    readings_module.SHORTCUT = False
    try:
        evaluated = reads(contract.check(*moves, at=at))
    finally:
        readings_module.SHORTCUT = True
    return shortcut, evaluated


@pytest.mark.parametrize(
    "moves",
    [
        ["partner with Google Cloud"],
        ["acquire Windsurf for $3B", "go public"],
        ["raise funding from SoftBank", "2026-03-01: go public"],
        ["declare AGI"],  # the readings differ: evaluated
        ["declare AGI", "confirm AGI", "partner with Google Cloud"],
    ],
)
def test_bundled_readings_section_is_the_same_with_the_shortcut(moves: list[str]) -> None:
    contract = Contract.load(BUNDLED)
    shortcut, evaluated = both(contract, moves, "2025-07-01")
    assert shortcut == evaluated


def test_which_moves_can_reach_a_reading() -> None:
    bundled = Contract.load(BUNDLED)
    panel = bundled.under({"agi-clause": "panel"})
    assert reached_by(bundled, panel) == {"agi_declaration", "agi_confirmation"}
    licence = Contract.load(LICENCE)
    default = licence.under(None)
    # the seat cap's readings change norms of moves only
    seats = licence.under({"seat-cap": "seats", "payment": "renewal"})
    assert reached_by(licence, seats) == {"seat_increase", "sublicence"}
    assert default is not licence  # the default readings' variant is a contract of its own
    # an obligation's deadline passes with time (a change, not a move): always evaluated
    invoice = licence.under({"seat-cap": "users", "payment": "invoice"})
    assert reached_by(licence, invoice) is None


def test_a_move_the_reading_changes_is_evaluated_not_inferred() -> None:
    """Under the panel reading a declaration of AGI alone ends nothing: the readings differ,
    which a decision copied from the default would hide."""
    contract = Contract.load(BUNDLED)
    report = contract.check("declare AGI", at="2025-07-01")
    assert report.readings is not None and not report.readings.agree
    board, panel = (r.report for r in report.readings.results)
    assert board.fired() != panel.fired()
    quiet = contract.check("partner with Google Cloud", at="2025-07-01")
    assert quiet.readings is not None and quiet.readings.agree
    board, panel = (r.report for r in quiet.readings.results)
    assert panel.other_norms == board.other_norms + 1  # the panel reading adds a norm


LICENCE_TIMELINES = [
    ["deploy 700 seats", "renew the licence", "2024-05-01: sublicense to Umbrella"],
    ["ask for a discount", "2024-04-20: pay the annual fee", "deploy 1200 seats"],
    ["ask for a discount"],
    ["renew the licence"],
    ["2024-04-20: pay the annual fee"],
]


@pytest.mark.parametrize("moves", LICENCE_TIMELINES)
def test_licence_readings_section_is_the_same_with_the_shortcut(moves: list[str]) -> None:
    contract = Contract.load(LICENCE)
    shortcut, evaluated = both(contract, moves, "2024-03-01")
    assert shortcut == evaluated
    fixed = {"payment": "renewal"}
    assert (
        contract.check(*moves, at="2024-03-01", readings=fixed).to_json()
        == Contract.load(LICENCE).check(*moves, at="2024-03-01", readings=fixed).to_json()
    )


def disputed(files: dict[str, Any], draw: Any) -> dict[str, Any]:
    """The generated contract with one clause disputed: its other reading removes one of its
    norms, replaces another with a different message and severity, and adds a copy of one."""
    files = copy.deepcopy(files)
    norms = files["rules"]["norms"]
    clauses = sorted({n["clause"] for n in norms})
    clause = draw(st.sampled_from(clauses))
    own = [n for n in norms if n["clause"] == clause]
    changes: dict[str, Any] = {}
    picked = draw(st.permutations(own))
    if picked and draw(st.booleans()):
        changes["remove"] = [picked[0]["id"]]
    if len(picked) > 1 and draw(st.booleans()):
        replaced = copy.deepcopy(picked[1])
        replaced["message"] = "read otherwise: " + replaced["message"]
        replaced["severity"] = draw(st.sampled_from(["blocking", "warning", "info"]))
        changes["replace"] = [replaced]
    if draw(st.booleans()) or not changes:
        added = copy.deepcopy(picked[-1])
        added["id"] = "read-added"
        changes["add"] = [added]
    files["rules"]["readings"] = {
        clause: {
            "plain": {"description": "As written.", "default": True},
            "other": {"description": "Read otherwise.", "norms": changes},
        }
    }
    return files


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    files=contract_files(),
    timelines=st.lists(timeline(), min_size=3, max_size=3),
    data=st.data(),
)
def test_generated_readings_section_is_the_same_with_the_shortcut(
    files: dict[str, Any], timelines: list[Any], data: Any
) -> None:
    files = disputed(files, data.draw)
    try:
        contract = Contract.load(write(files, _root / str(next(_folders))))
    except ContractFileError:
        assume(False)  # a reading the generator made inconsistent (a norm others name)
        return
    for moves, at in timelines:
        shortcut, evaluated = both(contract, moves, at)
        assert shortcut == evaluated
