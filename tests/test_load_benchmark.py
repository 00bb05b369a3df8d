"""The load test keeps working: a very short run against a real server, every answer correct.
Figures are not asserted (they belong in docs/performance.md); errors are."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LOAD = Path(__file__).resolve().parent.parent / "benchmarks" / "load.py"


def test_a_short_load_run_gets_only_correct_answers() -> None:
    done = subprocess.run(
        [sys.executable, str(LOAD), "--seconds", "0.3", "--workers", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout[done.stdout.index("{") :])
    (server,) = figures["servers"]
    assert all(rate > 0 for rate in figures["in_process_per_s"])
    for phase in ("saturation", "target", "half_saturation"):
        assert server[phase]["requests"] > 0
        assert server[phase]["errors"] == 0, server[phase]["first_error"]
