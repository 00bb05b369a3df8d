"""Contract.check_many: many checks in input order, the same bytes as one check at a time, over
processes; a bad item and a dead worker reported, never lost."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from engine import Contract, ItemError, Move, MoveError, WorkerError
from engine.many import check_many

MOVES: list[Any] = [
    "partner with Google Cloud",
    "acquire Windsurf for $3B",
    ["raise funding from SoftBank", "2026-03-01: go public"],  # a timeline
    {"kind": "agi_declaration", "actor": "openai"},
    "Microsoft consents to the conversion",
    "withhold Windsurf IP from Microsoft",
    "file an antitrust complaint against Microsoft",
]


def _items(count: int) -> list[Any]:
    return [MOVES[i % len(MOVES)] for i in range(count)]


def _one_by_one(contract: Contract, items: list[Any]) -> list[str]:
    return [
        contract.check_timeline(item if isinstance(item, list) else [item]).to_json()
        for item in items
    ]


def test_in_process_reports_are_those_of_check_in_input_order(contract: Contract) -> None:
    items = _items(30)
    reports = contract.check_many(items)
    assert [r.to_json() for r in reports] == _one_by_one(contract, items)
    assert [r.verdict for r in reports[:3]] == ["conflict", "clear", "conflict"]


def test_two_workers_give_the_same_bytes_in_input_order(contract: Contract) -> None:
    items = _items(600)
    expected = _one_by_one(contract, items)
    assert [r.to_json() for r in contract.check_many(items, workers=2)] == expected
    # every chunk through the worker process, none checked by the caller
    pooled = check_many(contract, items, 2, None, None, caller_checks=False)
    assert [r.to_json() for r in pooled] == expected
    assert pooled == contract.check_many(items)  # equal models, not only equal JSON


def test_at_and_waivers_reach_the_workers(contract: Contract) -> None:
    items = _items(120)
    waivers = {"azure-exclusivity": "board approval"}
    pooled = check_many(contract, items, 2, "2026-01-15", waivers, caller_checks=False)
    alone = [
        contract.check_timeline(
            i if isinstance(i, list) else [i], at="2026-01-15", waivers=waivers
        ).to_json()
        for i in items
    ]
    assert [r.to_json() for r in pooled] == alone
    assert [f.rule for f in pooled[0].waived] == ["azure-exclusivity"]


HELD_OUT = Path(__file__).parent / "contracts" / "licence-readings" / "contract.yaml"
LICENCE_MOVES: list[Any] = [
    ["deploy 700 seats", "renew the licence", "2024-05-01: sublicense to Umbrella"],
    ["ask for a discount", "2024-04-20: pay the annual fee", "deploy 1200 seats"],
    "deploy 1200 seats",
    ["renew the licence", "2024-06-01: sublicense 600 seats to Initech"],
]


def test_a_workers_report_is_its_decision_then_the_rest_built_when_read() -> None:
    """A report from a worker carries its decision; its evidence, outcomes, state and names
    (and every reading's) are built in this process when read: the same bytes, in input order,
    read in any order, on a contract with two disputed clauses and four combinations."""
    licence = Contract.load(HELD_OUT)
    items = [LICENCE_MOVES[i % len(LICENCE_MOVES)] for i in range(40)]
    alone = [licence.check_timeline(_timeline(i), at="2024-03-01") for i in items]
    pooled = check_many(licence, items, 2, "2024-03-01", None, caller_checks=False)
    # the decision first, nothing else read: verdicts and findings of every reading
    for got, want in zip(pooled, alone, strict=True):
        assert got.verdict == want.verdict
        assert [f.decision() for f in got.conflicts] == [f.decision() for f in want.conflicts]
        assert got.readings is not None and want.readings is not None
        assert [r.report.decision() for r in got.readings.results] == [
            r.report.decision() for r in want.readings.results
        ]
    # then a reading's evidence before the report's own outcomes, then everything
    last = pooled[-1].readings.results[-1].report  # type: ignore[union-attr]
    assert [f.evidence for f in last.conflicts] == [
        f.evidence
        for f in alone[-1].readings.results[-1].report.conflicts  # type: ignore[union-attr]
    ]
    assert [r.to_json() for r in pooled] == [r.to_json() for r in alone]
    assert pooled == alone
    # for a caller that reads every report in full (the CLI's --each): sent whole, the same
    whole = check_many(licence, items, 2, "2024-03-01", None, caller_checks=False, full=True)
    assert [r.to_json() for r in whole] == [r.to_json() for r in alone]
    assert licence.check_many(items[:3], workers=2, at="2024-03-01", full=True) == alone[:3]


def _timeline(item: Any) -> list[Any]:
    return item if isinstance(item, list) else [item]


def test_an_unreadable_item_is_named_by_its_index(contract: Contract) -> None:
    items: list[Any] = [*_items(40), "juggle flaming torches", *_items(40)]
    for workers in (1, 2):
        with pytest.raises(ItemError) as caught:
            contract.check_many(items, workers=workers)
        assert caught.value.index == 40
        assert str(caught.value).startswith("item 40: ")
        with pytest.raises(MoveError) as alone:
            contract.check("juggle flaming torches")
        assert caught.value.message == str(alone.value)


def test_bad_worker_counts_and_an_empty_batch(contract: Contract) -> None:
    with pytest.raises(MoveError, match="at least 1"):
        contract.check_many(["go public"], workers=0)
    assert contract.check_many([], workers=2) == []
    assert [m.kind for m in contract.check_many([Move(kind="ipo", actor="openai")])[0].moves]


def _kill_the_first_new_worker(stop: threading.Event, before: set[int | None]) -> None:
    while not stop.is_set():
        new = [c.pid for c in multiprocessing.active_children() if c.pid not in before]
        if new and new[0] is not None:
            os.kill(new[0], signal.SIGKILL)
            return
        time.sleep(0.002)


def test_a_killed_worker_is_reported_with_the_items_it_held(contract: Contract) -> None:
    items = _items(1_500)
    stop = threading.Event()
    before = {c.pid for c in multiprocessing.active_children()}  # earlier batches' workers
    killer = threading.Thread(target=_kill_the_first_new_worker, args=(stop, before))
    killer.start()
    try:
        with pytest.raises(WorkerError) as caught:
            check_many(contract, items, 2, None, None, caller_checks=False)
    finally:
        stop.set()
        killer.join()
    lost = caught.value.items
    assert lost and lost == sorted(lost) and set(lost) <= set(range(len(items)))
    assert f"{len(lost):,} of 1,500 items are lost" in str(caught.value)
    # the contract still works, and a new batch gets a new pool
    assert contract.check_many(items[:50], workers=2)[0].verdict == "conflict"


# -- the CLI: check --each [--workers N] ------------------------------------------------------------
def _moves_file(tmp_path: Any, count: int) -> str:
    lines = ["# a batch of checks, one a line", ""]
    for i in range(count):
        item = MOVES[i % len(MOVES)]
        lines.append(item if isinstance(item, str) else json.dumps(item))
    path = tmp_path / "moves.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_cli_each_writes_one_report_a_line_the_same_with_two_workers(
    cli: Any, contract: Contract, tmp_path: Any
) -> None:
    from conftest import BUNDLED

    moves = _moves_file(tmp_path, 300)
    code, one, _ = cli("check", BUNDLED, "--moves", moves, "--each", "-f", "json")
    assert code == 1  # some of them conflict
    lines = one.splitlines()
    assert len(lines) == 300
    first = json.loads(lines[0])
    assert first == json.loads(contract.check("partner with Google Cloud").to_json())
    assert json.loads(lines[2])["moves"][1]["kind"] == "ipo"  # the JSON list: one timeline
    code2, two, _ = cli(
        "check", BUNDLED, "--moves", moves, "--each", "--workers", "2", "-f", "json"
    )
    assert (code2, two) == (code, one)
    code3, text, _ = cli("check", BUNDLED, "--moves", moves, "--each", "--workers", "2")
    assert code3 == 1
    assert text.startswith(f"== {moves}:3: partner with Google Cloud\n")
    assert text.count("\n== ") == 299


def test_cli_each_names_the_line_it_cannot_read(cli: Any, tmp_path: Any) -> None:
    from conftest import BUNDLED

    moves = tmp_path / "moves.txt"
    moves.write_text('go public\njuggle flaming torches\n["go public", 3]\n', encoding="utf-8")
    code, out, err = cli("check", BUNDLED, "--moves", str(moves), "--each")
    assert (code, out) == (2, "")
    assert err.startswith(f"{moves}:3: move: a timeline is a JSON list")
    moves.write_text("go public\njuggle flaming torches\n", encoding="utf-8")
    code, out, err = cli("check", BUNDLED, "--moves", str(moves), "--each", "--workers", "2")
    assert (code, out) == (2, "")
    assert err.startswith(f"{moves}:2: move: ")
    code, _, err = cli("check", BUNDLED, "-m", "go public", "--workers", "2")
    assert code == 2 and "--workers needs --each" in err
