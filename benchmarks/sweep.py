"""The portfolio sweep, measured: `python benchmarks/sweep.py [--contracts N]`.

Writes a synthetic portfolio of N small contracts (default 10,000) to a temporary directory,
in folders of 1,000, each contract using one of ten rule sets in the shape of
benchmarks/synthetic.py (deals of kinds k00..k04 with counterparties, each forbidden above an
amount that differs by rule set), then sweeps one move over it with 1 worker and with 2, in
alternating rounds. Prints its own table: contracts, time per contract (load + check), the
speedup of 2 workers over 1 (the median of the rounds' own ratios), and how many contracts
conflict; the answers of both are checked equal first. As in run.py's check_many figure, the
CPU both runs used gives the speedup to expect on 2 free cores (2 x CPU(1) / CPU(2)), printed
as that: on a shared machine a second process may get no more CPU than one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import synthetic  # noqa: E402
from run import _ChildCPU as ChildCPU  # noqa: E402

from engine.sweep import contract_files, sweep  # noqa: E402

RULE_SETS = 10
KINDS = 5
MOVE = "k00 deal with c0 worth 500"


def rule_set(index: int) -> dict[str, object]:
    """Five kinds of deal; each kind's norm forbids a deal with c0 above 100 * index."""
    above = 100 * index
    return {
        "event_kinds": [
            {
                "id": f"k{k:02d}",
                "title": f"deal of kind k{k:02d}",
                "actor": "acme",
                "fields": {"counterparty": {"type": "name"}, "amount": {"type": "number"}},
                "phrases": [f"k{k:02d} deal with {{counterparty}} worth {{amount}}"],
            }
            for k in range(KINDS)
        ],
        "norms": [
            {
                "id": f"n{k:02d}",
                "clause": f"clause-k{k:02d}",
                "kind": "prohibition",
                "bearer": "acme",
                "when": {"move": f"k{k:02d}", "counterparty": "c0", "amount": {"gt": above}},
                "message": f"no k{k:02d} deal with {{counterparty}} above {above}",
            }
            for k in range(KINDS)
        ],
    }


def write_portfolio(folder: Path, contracts: int) -> Path:
    """`contracts` contract files under folder/portfolio, sharing ten rule sets."""
    root = folder / "portfolio"
    (root / "rules").mkdir(parents=True)
    for index in range(RULE_SETS):
        text = yaml.safe_dump(rule_set(index), sort_keys=False)
        (root / "rules" / f"set{index}.yaml").write_text(text)
    for i in range(contracts):
        group = root / f"g{i // 1000:02d}"
        group.mkdir(exist_ok=True)
        contract = {
            "contract": {
                "id": f"portfolio-{i:05d}",
                "title": f"Portfolio contract {i}",
                "as_of": "2025-01-01",
                "rules": [f"../rules/set{i % RULE_SETS}.yaml"],
            },
            "parties": [{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}],
            "clauses": [
                {"id": f"clause-k{k:02d}", "title": f"Deals k{k:02d}", "text": "-", "source": "-"}
                for k in range(KINDS)
            ],
        }
        (group / f"c{i:05d}.yaml").write_text(yaml.safe_dump(contract, sort_keys=False))
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=10_000, help="portfolio size")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of 1 and 2")
    args = parser.parse_args()
    assert synthetic.KINDS >= KINDS  # the same kinds of deal as the synthetic contracts
    with tempfile.TemporaryDirectory(prefix="ce-portfolio-") as tmp:
        start = time.perf_counter()
        root = write_portfolio(Path(tmp), args.contracts)
        paths, skipped = contract_files(root)
        print(
            f"wrote {len(paths):,} contracts ({skipped} rule files) in "
            f"{time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
        times: dict[int, list[float]] = {1: [], 2: []}
        cpu: dict[int, list[float]] = {1: [], 2: []}
        answers = {}
        for r in range(args.rounds):
            for workers in (1, 2) if r % 2 == 0 else (2, 1):
                with ChildCPU() as children:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    answers[workers] = sweep(paths, [MOVE], workers=workers)
                    times[workers].append(time.perf_counter() - start)
                    cpu[workers].append(time.process_time() - start_cpu)
                    time.sleep(0.1)  # the worker's last reading, before it exits
                cpu[workers][-1] += children.total
                print(
                    f"  round {r + 1}, {workers} worker(s): {times[workers][-1]:.1f} s",
                    file=sys.stderr,
                )
        assert answers[1] == answers[2], "2 workers answered differently"
        conflicts = sum(a.status == "conflict" for a in answers[1])
        ratios = [one / two for one, two in zip(times[1], times[2], strict=True)]
        projected = [2 * one / two for one, two in zip(cpu[1], cpu[2], strict=True)]
        count = len(paths)
        print(f"portfolio sweep, {count:,} contracts, move {MOVE!r}: {conflicts:,} conflict")
        print(f"{'workers':>8} {'best s':>8} {'ms/contract':>12} {'CPU ms/contract':>16}")
        for workers in (1, 2):
            best = min(times[workers])
            used = min(cpu[workers])
            print(
                f"{workers:>8} {best:>8.1f} {best / count * 1e3:>12.2f} {used / count * 1e3:>16.2f}"
            )
        print(
            f"speedup, 2 workers vs 1: {statistics.median(ratios):.2f}x "
            f"(median of {len(ratios)} paired rounds: "
            f"{', '.join(f'{x:.2f}' for x in ratios)}); from the CPU both used, "
            f"{statistics.median(projected):.2f}x on 2 free cores"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
