"""The benchmark script keeps working: one small size, measured the way the full run measures it.

Figures are not asserted here (timing belongs in benchmarks/, not in unit tests); what is
asserted is that the synthetic contract loads through the user's loader and that every evaluator
the script times gives the answers the synthetic rules call for (the script checks them first).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_one_contract_size_is_measured_with_its_baselines() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--size", "1000", "--runs", "20"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    assert row["norms"] == 1000
    assert row["matching_norms"] == [1, 2, 3]  # 20 norms a kind: routes split by counterparty
    assert row["engine"]["runs"] == 20 and row["engine"]["median_us"] > 0
    assert row["reference"]["runs"] >= 20
    assert row["durable_one_ruleset"]["runs"] >= 20
    for peer in ("zen_engine", "rule_engine"):  # optional: the `bench` extra
        assert isinstance(row[peer], dict) or row[peer].startswith("not installed")


def test_the_portfolio_sweep_benchmark_runs_on_a_small_portfolio() -> None:
    sweep = BENCH.parent / "sweep.py"
    done = subprocess.run(
        [sys.executable, str(sweep), "--contracts", "20", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # rule sets 0-4 forbid a k00 deal worth 500 (above 0..400), sets 5-9 allow it
    assert (
        lines[0] == "portfolio sweep, 20 contracts, move 'k00 deal with c0 worth 500': 10 conflict"
    )
    assert lines[-1].startswith("speedup, 2 workers vs 1: ")
