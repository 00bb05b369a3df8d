"""A long run: memory stays flat and answers stay right after a million checks.

Skipped in the default run; run it with
    python -m pytest tests/test_soak.py --soak 1000000 -s
It prints the resident memory at the start (after warm-up), every 10% and at the end.
"""

from __future__ import annotations

import gc
import resource
import time
from pathlib import Path

import pytest

from engine import Contract

MAX_GROWTH_MB = 20.0
MIXED = [
    ("partner with Google Cloud",),
    ("declare AGI", "partner with Google Cloud"),
    ("acquire Windsurf", "withhold Windsurf IP from Microsoft"),
    ("go public",),
    ("Microsoft consents to the conversion", "convert to a PBC", "go public"),
    ("raise funding from SoftBank", "2026-02-01: build Stargate"),
    ("build Stargate",),
    ("extend Microsoft's model access beyond 2030", "2031-06-01: acquire Cursor"),
    ("2026-01-15: file an antitrust complaint against Microsoft",),
]


def rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():  # current resident set, in kB
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # peak, elsewhere


@pytest.mark.soak
def test_a_million_checks_keep_memory_flat_and_answers_right(
    contract: Contract, pytestconfig: pytest.Config
) -> None:
    checks: int = pytestconfig.getoption("--soak")
    expected = {moves: contract.check(*moves).to_json() for moves in MIXED}
    for moves in MIXED * 200:  # warm caches, so growth measured is growth, not warm-up
        contract.check(*moves)
    gc.collect()
    start_mb, started = rss_mb(), time.perf_counter()
    print(f"\nsoak: {checks:,} checks; RSS at start {start_mb:.1f} MB")
    step = max(checks // 10, 1)
    for i in range(checks):
        moves = MIXED[i % len(MIXED)]
        report = contract.check(*moves)
        if i % step == step - 1:
            assert report.to_json() == expected[moves], f"check {i + 1:,} gave another answer"
            print(f"soak: {i + 1:>9,} checks  RSS {rss_mb():7.1f} MB")
    gc.collect()
    end_mb, seconds = rss_mb(), time.perf_counter() - started
    print(
        f"soak: RSS {start_mb:.1f} -> {end_mb:.1f} MB ({end_mb - start_mb:+.1f} MB) over "
        f"{checks:,} checks in {seconds:,.0f} s; open sessions {contract.open_sessions()}"
    )
    assert {moves: contract.check(*moves).to_json() for moves in MIXED} == expected
    assert contract.open_sessions() == 0
    assert end_mb - start_mb < MAX_GROWTH_MB
