"""What-if searches, measured: `python benchmarks/whatif.py` prints a table and writes JSON.

Plans, diffs and proofs call the engine once per timeline they try, so their cost is the number
of timelines times the cost of a check of that length. Figures: time to the 3-step plan for "go
public" on the bundled contract, `prove` at depth 3 (and 4 with --depth4: minutes), a diff at
depth 2, and the timelines checked and states explored per second in each. One process, one core.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

from engine import Contract, diff, plan, prove  # noqa: E402

BUNDLED = ROOT / "contracts" / "openai-microsoft.yaml"
RELAXED = ROOT / "contracts" / "amendments" / "azure-relaxed.yaml"
PROPERTY = "always: the partnership ended -> no conflict from azure-exclusivity"


def timed(call: Callable[[], Any], rounds: int) -> tuple[float, float, Any]:
    """The median wall and CPU time (this process's) of `rounds` calls, and the last answer. On
    a shared machine the CPU time is the figure to compare: it does not count waiting."""
    walls, cpus, answer = [], [], None
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        answer = call()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), answer


def measure(rounds: int, depth4: bool) -> dict[str, Any]:
    contract = Contract.load(BUNDLED)
    relaxed = Contract.load(RELAXED)
    rows: dict[str, Any] = {}
    wall, cpu, result = timed(lambda: plan(contract, "go public"), rounds)
    assert result.found and len(result.plans[0]) == 3
    rows["plan go public (3 steps)"] = _row(wall, cpu, result.checks, result.states_explored)
    for depth in (3, 4) if depth4 else (3,):
        wall, cpu, proof = timed(lambda d=depth: prove(contract, PROPERTY, d, workers=1), 1)
        assert proof.holds
        rows[f"prove at depth {depth}, 1 process"] = _row(
            wall, cpu, proof.checks, proof.states_explored
        )
    wall, _, proof = timed(lambda: prove(contract, PROPERTY, 3, workers=2), 1)
    rows["prove at depth 3, 2 processes"] = _row(wall, None, proof.checks, proof.states_explored)
    wall, cpu, changes = timed(lambda: diff(contract, relaxed), 1)
    assert changes.changes
    rows["diff azure-relaxed at depth 2"] = _row(wall, cpu, changes.checks, None)
    return rows


def _row(wall: float, cpu: float | None, checks: int, states: int | None) -> dict[str, Any]:
    busy = cpu or wall
    return {
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3) if cpu is not None else None,
        "checks": checks,
        "checks_per_cpu_second": round(checks / busy),
        "states": states,
        "states_per_cpu_second": round(states / busy) if states else None,
    }


def render(rows: dict[str, Any]) -> str:
    out = [
        "| search | wall | CPU | timelines checked | checks/CPU s | states | states/CPU s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        cpu = f"{r['cpu_seconds']:.3f} s" if r["cpu_seconds"] is not None else "-"
        states = f"{r['states']:,}" if r["states"] else "-"
        rate = f"{r['states_per_cpu_second']:,}" if r["states_per_cpu_second"] else "-"
        checks_rate = f"{r['checks_per_cpu_second']:,}" if r["cpu_seconds"] is not None else "-"
        out.append(
            f"| {name} | {r['seconds']:.3f} s | {cpu} | {r['checks']:,} | {checks_rate} | {states} | {rate} |"
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the plan timing")
    parser.add_argument("--depth4", action="store_true", help="also prove at depth 4 (minutes)")
    parser.add_argument("--json", default=str(HERE / "whatif.json"), help="where to write JSON")
    args = parser.parse_args()
    rows = measure(args.rounds, args.depth4)
    Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(render(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
