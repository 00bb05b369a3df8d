"""The performance budget, measured: `python benchmarks/run.py` prints a table and writes JSON.

Every figure comes with the baselines measured in the same run, on the same rules and moves:
the reference evaluator (plain Python, every norm of the move's kind tested in a loop) and two
engines from PyPI a user might pick instead, zen-engine (GoRules, Rust) and rule-engine. Each
baseline's answers are checked against the engine's before it is timed, so a ratio never
compares a right answer with a wrong one.

Each contract size is measured in a fresh process, so that its peak memory is its own.
Install the baselines with `pip install -e ".[bench]"`.

A check computes its decision and builds the rest of its report when it is read; the bundled
contract's figures time both, and time the engine as it was at the start of issue 15
(`--baseline`, a git revision) in the same process, round for round, so that "N times faster
than the full check of before" is a ratio of one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import itertools
import json
import multiprocessing
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import synthetic  # noqa: E402

from engine import Contract  # noqa: E402
from engine.reference import reference_summary, summary  # noqa: E402

BUNDLED = ROOT / "contracts" / "openai-microsoft.yaml"
MAIN_MOVE = "partner with Google Cloud"
MIXED = [
    "partner with Google Cloud",
    "acquire Windsurf for $3B",
    "declare AGI",
    "raise funding from SoftBank",
    "file an antitrust complaint against Microsoft",
    "go public",
    "Microsoft consents to the conversion",
    "withhold Windsurf IP from Microsoft",
]
TIMELINE = [
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
]
SIZES = (10, 100, 1_000, 10_000)
BASELINE = "097400d"  # main when issue 15 began: reports built in full on every check
TARGETS = {
    "bundled_median_us": 150.0,
    "scaling_ratio": 3.0,
    "load_10000_s": 2.0,
    "checks_per_s_per_core": 7_000.0,
    "two_process_speedup": 1.7,
    "rss_growth_mb": 20.0,
    "decision_speedup": 3.0,  # the decision for one move against the full check of before
    "timeline_ratio": 5.0,  # a timeline of 10 moves against one move
    "check_many_speedup": 1.8,
}


# -- measuring -------------------------------------------------------------------------------
ROUNDS = 5


def timings(call: Callable[[], object], runs: int, warmup: int = 50) -> list[list[float]]:
    """Seconds per call, in rounds: a shared machine's noise spoils a round, rarely all five."""
    for _ in range(min(warmup, runs)):
        call()
    rounds = []
    clock = time.perf_counter
    for r in range(ROUNDS):
        found = []
        for _ in range(runs // ROUNDS + (r < runs % ROUNDS)):
            start = clock()
            call()
            found.append(clock() - start)
        rounds.append(found)
    return rounds


def micro(rounds: list[list[float]]) -> dict[str, Any]:
    """The median of the quietest round (as timeit takes the best of its repeats), the p99 of
    all calls, and every round's median, so the spread is on record."""
    medians = [statistics.median(r) for r in rounds if r]
    ordered = sorted(t for r in rounds for t in r)
    return {
        "median_us": round(min(medians) * 1e6, 1),
        # fewer than 100 calls have no 99th percentile worth the name
        "p99_us": round(ordered[int(len(ordered) * 0.99)] * 1e6, 1)
        if len(ordered) >= 100
        else None,
        "runs": len(ordered),
        "round_medians_us": [round(m * 1e6, 1) for m in medians],
    }


def paired(calls: dict[str, tuple[Callable[[], object], int]]) -> dict[str, dict[str, Any]]:
    """Several calls timed round by round, each round running every call in turn, so each
    round's figures share one state of the machine: ratios between them are taken per round."""
    for call, runs in calls.values():
        for _ in range(min(50, runs)):
            call()
    rounds: dict[str, list[list[float]]] = {name: [] for name in calls}
    clock = time.perf_counter
    for _ in range(ROUNDS * 2):
        for name, (call, runs) in calls.items():
            found = []
            for _ in range(runs // (ROUNDS * 2) or 1):
                start = clock()
                call()
                found.append(clock() - start)
            rounds[name].append(found)
    return {name: micro(found) for name, found in rounds.items()}


def ratio(figures: dict[str, dict[str, Any]], slow: str, fast: str) -> float:
    """The median over rounds of one call's time over another's, measured in the same round."""
    return round(
        statistics.median(
            s / f
            for s, f in zip(
                figures[slow]["round_medians_us"], figures[fast]["round_medians_us"], strict=True
            )
        ),
        2,
    )


def read_all(report: Any) -> Any:
    """Everything a report holds beyond its decision, read: as a full check used to build."""
    for finding in report.fired():
        finding.evidence  # noqa: B018
    return report.outcomes, report.state, report.names


def baseline_engine(revision: str) -> Any:
    """The engine at `revision`, as package `engine_base`, importable beside this one: its
    files from git, the `engine` of their imports renamed. None when git cannot give it."""
    folder = Path(tempfile.mkdtemp(prefix="ce-baseline-"))
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "engine", "contracts", "rules"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    (folder / "engine").rename(folder / "engine_base")
    imports = re.compile(r"\b(from|import) engine\b|(?<=[\"'])engine(?=\.)")
    for source in (folder / "engine_base").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        renamed = imports.sub(
            lambda m: (m.group(1) + " " if m.group(1) else "") + "engine_base", text
        )
        source.write_text(renamed, encoding="utf-8")
    sys.path.insert(0, str(folder))
    import engine_base  # type: ignore[import-not-found]
    import engine_base.evaluate  # type: ignore[import-not-found]

    # its durable_rules rulesets must not take the names of this engine's
    engine_base.evaluate._prefixes = itertools.count(10**6)
    return engine_base


def _high_water_mb() -> float:
    """This process's peak resident memory, in MB: VmHWM (Linux's ru_maxrss keeps the peak of
    the process that forked it across exec, so a child of a large benchmark would read that)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident memory now, in MB. Needs Linux's /proc: elsewhere only the peak is known, which
    cannot show memory that grows and shrinks, so the figure would mislead."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def cycle(items: list[Any]) -> Callable[[], Any]:
    """The next item on each call, round and round."""
    return itertools.cycle(items).__next__


# -- the bundled contract --------------------------------------------------------------------
def bundled(runs: int, baseline: str | None) -> dict[str, Any]:
    every = Contract.load(BUNDLED)
    # The bundled contract declares two readings of its AGI clause, and `check` considers
    # both; the engine's figures are one reading's (its default: the same norms as the
    # contract had before readings), and "every reading" is what a plain `check` costs.
    contract = every.under()
    assert [c.rule for c in contract.check(MAIN_MOVE).conflicts] == ["azure-exclusivity"]
    # the decision, the report read in full, and the timeline, in the same rounds: their
    # ratios are targets; and the engine of before, when git can give it
    calls: dict[str, tuple[Callable[[], object], int]] = {
        "one_move": (lambda: contract.check(MAIN_MOVE).verdict, runs),
        "one_move_every_reading": (lambda: every.check(MAIN_MOVE).verdict, runs // 2),
        "one_move_full": (lambda: read_all(contract.check(MAIN_MOVE)), runs // 2),
        "one_move_json": (lambda: contract.check(MAIN_MOVE).to_json(), runs // 5),
        "timeline_10": (lambda: contract.check(*TIMELINE).verdict, max(runs // 10, 200)),
    }
    old = baseline_engine(baseline) if baseline else None
    if old is not None:
        try:  # the engine of before, on the bundled contract of before, must agree
            own = Path(old.__file__).resolve().parent.parent / BUNDLED.relative_to(ROOT)
            before = old.Contract.load(own)
            then, now = before.check(MAIN_MOVE), contract.check(MAIN_MOVE)
            agrees = (then.verdict, [c.rule for c in then.conflicts], then.check_date) == (
                now.verdict,
                [c.rule for c in now.conflicts],
                now.check_date,
            )
        except Exception as error:  # any failure of the old code: no baseline
            print(f"baseline {baseline} not measured: {error}", file=sys.stderr)
            old = None
        else:
            if not agrees:
                print(f"baseline {baseline} not measured: its report differs", file=sys.stderr)
                old = None
    if old is not None:
        calls["before_one_move"] = (lambda: before.check(MAIN_MOVE), runs // 2)
        calls["before_one_move_json"] = (lambda: before.check(MAIN_MOVE).to_json(), runs // 5)
    found = paired(calls)
    ratios = {
        "timeline_vs_one_move": ratio(found, "timeline_10", "one_move"),
        "full_read_vs_decision": ratio(found, "one_move_full", "one_move"),
    }
    if old is not None:
        ratios["before_vs_decision"] = ratio(found, "before_one_move", "one_move")
        ratios["full_read_vs_before"] = ratio(found, "one_move_full", "before_one_move")
        ratios["json_vs_before_json"] = ratio(found, "one_move_json", "before_one_move_json")
    # The timeline's own moves checked one at a time: what the timeline saves over checking
    # them separately (its moves are not all as cheap as the main move, see docs/performance.md)
    alone = sum(
        micro(timings(lambda move=move: contract.check(move).verdict, runs // 10))["median_us"]
        for move in TIMELINE
    )
    ratios["timeline_vs_moves_alone"] = round(found["timeline_10"]["median_us"] / alone, 2)
    # Moves in words are parsed once and cached; an embedder checking new moves pays the parse.
    price = iter(range(1, 10**9))
    acquire = micro(timings(lambda: contract.check("acquire Windsurf for $3B"), runs // 2))
    acquire_new = micro(
        timings(lambda: contract.check(f"acquire Windsurf for ${next(price)}"), runs // 2)
    )
    spec = contract.spec
    report = contract.check(MAIN_MOVE)
    assert reference_summary(spec, report.moves, report.check_date, {}) == summary(report)
    reference = micro(
        timings(lambda: reference_summary(spec, report.moves, report.check_date, {}), runs // 5)
    )
    return {
        **found,
        "baseline": baseline if old is not None else None,
        "ratios": ratios,
        "acquisition_same_words": acquire,
        "acquisition_new_words": acquire_new,
        "reference_one_move": reference,
    }


_worker: Contract | None = None


def _load_worker(path: str) -> None:
    global _worker
    _worker = Contract.load(path)
    for move in MIXED:  # warm the caches, as a long-running embedder would be
        _worker.check(move)


def _check_many(count: int) -> int:
    assert _worker is not None
    for i in range(count):
        _worker.check(MIXED[i % len(MIXED)])
    return count


def _timed_worker(path: str, count: int, ready: Any, results: Any) -> None:
    _load_worker(path)
    ready.wait()  # every worker loaded and warm: the clock starts for all at once
    start = time.perf_counter()
    _check_many(count)
    results.put(time.perf_counter() - start)


def _in_workers(workers: int, checks: int) -> float:
    """Checks per second over `workers` fresh processes, each loaded and warm before a barrier;
    the slowest worker's time counts for all."""
    spawn = multiprocessing.get_context("spawn")  # clean interpreters, the same on every OS
    ready = spawn.Barrier(workers)
    results = spawn.Queue()
    share = checks // workers
    procs = [
        spawn.Process(target=_timed_worker, args=(str(BUNDLED), share, ready, results))
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    slowest: float = max(results.get(timeout=600) for _ in procs)
    for proc in procs:
        proc.join()
    return share * workers / slowest


def throughput(checks: int, rounds: int = 3) -> dict[str, Any]:
    """One worker process against one per core, measured the same way and alternated so that
    each pair of rounds sees the same machine: the rates are the best rounds, as for latency;
    the speedup is the median of the rounds' own ratios, never a ratio of two different rounds."""
    workers = os.cpu_count() or 1
    one: list[float] = []
    many: list[float] = []
    for _ in range(rounds):
        one.append(_in_workers(1, checks))
        many.append(_in_workers(workers, checks))
    return {
        "checks": checks,
        "one_process_per_s": round(max(one)),
        "processes": workers,
        "all_processes_per_s": round(max(many)),
        "speedup": round(statistics.median(m / o for m, o in zip(many, one, strict=True)), 2),
        "rounds_one_per_s": [round(x) for x in one],
        "rounds_all_per_s": [round(x) for x in many],
    }


class _ChildCPU:
    """CPU seconds used by this process's child processes while it runs, read from /proc every
    20 ms (Linux; the last reading before a child exits counts, so up to 20 ms each is missed)."""

    def __init__(self) -> None:
        import threading

        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> _ChildCPU:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self._stop.wait(0.02):
            for child in multiprocessing.active_children():
                try:
                    fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
                except (OSError, IndexError):
                    continue
                self.seen[child.pid or 0] = (int(fields[11]) + int(fields[12])) / tick

    @property
    def total(self) -> float:
        return sum(self.seen.values())


def check_many_speedup(checks: int, rounds: int = 3) -> dict[str, Any]:
    """`Contract.check_many` over `checks` items (the mixed moves, round and round), workers=1
    (in this process) against workers=2 (this process and one worker), alternated; the speedup
    is the median of each pair's own ratio. The reports of both are checked equal first.

    On a shared machine a second process may get no more CPU than one (Linux's autogroup shares
    CPU between sessions, not processes), so the CPU both runs used is measured too: with
    2 free cores the run with 2 workers takes about half its CPU (the two processes share one
    queue and finish within a chunk of each other), so 2 x CPU(1) / CPU(2) is the speedup to
    expect there; it is reported as that, a projection, next to the measured one."""
    contract = Contract.load(BUNDLED)
    items = [MIXED[i % len(MIXED)] for i in range(checks)]
    sample = items[: min(checks, 2_000)]
    assert contract.check_many(sample, workers=2) == contract.check_many(sample, workers=1)
    wall: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    for r in range(rounds):
        for workers in (1, 2) if r % 2 == 0 else (2, 1):
            with _ChildCPU() as children:
                start, start_cpu = time.perf_counter(), time.process_time()
                contract.check_many(items, workers=workers)
                wall[workers].append(time.perf_counter() - start)
                cpu[workers].append(time.process_time() - start_cpu)
                time.sleep(0.1)  # the worker's last reading, before it exits
            cpu[workers][-1] += children.total
    pairs = list(zip(wall[1], wall[2], strict=True))
    cpu_pairs = list(zip(cpu[1], cpu[2], strict=True))
    return {
        "checks": checks,
        "one_worker_s": round(min(wall[1]), 2),
        "two_workers_s": round(min(wall[2]), 2),
        "speedup": round(statistics.median(o / t for o, t in pairs), 2),
        "projected_speedup": round(statistics.median(2 * o / t for o, t in cpu_pairs), 2),
        "rounds_one_s": [round(x, 2) for x in wall[1]],
        "rounds_two_s": [round(x, 2) for x in wall[2]],
        "rounds_one_cpu_s": [round(x, 2) for x in cpu[1]],
        "rounds_two_cpu_s": [round(x, 2) for x in cpu[2]],
    }


def memory(checks: int) -> dict[str, Any]:
    contract = Contract.load(BUNDLED)
    for i in range(2_000):
        contract.check(MIXED[i % len(MIXED)])
    gc.collect()
    before = rss_mb()
    for i in range(checks):
        contract.check(MIXED[i % len(MIXED)])
    gc.collect()
    after = rss_mb()
    return {
        "checks": checks,
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "growth_mb": round(after - before, 1),
        "open_sessions": contract.open_sessions(),
    }


# -- synthetic contracts, one size per process -----------------------------------------------
def measure_size(norms: int, runs: int) -> dict[str, Any]:
    """Everything about one contract size; run in its own process (see `--size`)."""
    folder = Path(tempfile.mkdtemp(prefix=f"ce-bench-{norms}-"))
    path = synthetic.write_contract(folder, norms)
    probes = synthetic.probes(norms)
    gc.collect()
    rss_before = rss_mb()
    start = time.perf_counter()
    contract = Contract.load(path)
    load_s = time.perf_counter() - start
    peak_mb = _high_water_mb() - rss_before
    for probe in probes:
        found = tuple(sorted(c.rule or "" for c in contract.check(probe.words).conflicts))
        assert found == probe.breaks, (probe, found)
    next_probe = cycle(probes)
    engine = micro(timings(lambda: contract.check(next_probe().words).verdict, runs))
    engine_full = micro(timings(lambda: read_all(contract.check(next_probe().words)), runs))
    for call, probe in enumerate(probes):
        found = tuple(
            sorted(c.rule or "" for c in contract.check(_new_words(probe, call)).conflicts)
        )
        assert found == probe.breaks, (probe, found)
    calls = iter(range(10**9))
    engine_new = micro(timings(lambda: contract.check(_new_words(next_probe(), next(calls))), runs))
    result: dict[str, Any] = {
        "norms": norms,
        "load_compile_s": round(load_s, 3),
        "load_peak_mb": round(peak_mb, 1),
        "matching_norms": sorted({len(p.breaks) for p in probes}),
        "engine": engine,
        "engine_full": engine_full,
        "engine_new_words": engine_new,
    }
    result["durable_one_ruleset"] = durable_floor(norms, probes, runs)
    result["reference"] = reference_baseline(contract, probes, runs)
    result["zen_engine"] = zen_baseline(norms, probes, runs)
    result["rule_engine"] = rule_engine_baseline(norms, probes, runs)
    return result


def _new_words(probe: Any, call: int) -> str:
    """The probe's move with an amount never used before, in the same band of thresholds, so it
    breaks the same norms but its words miss the parse cache."""
    low, width = max((t for t in synthetic.THRESHOLDS if t < probe.amount), default=0), 10**6
    band_top = min((t for t in synthetic.THRESHOLDS if t >= probe.amount), default=low + width)
    amount = low + 1 + call % max(band_top - low - 1, 1)
    return f"{probe.kind} deal with {probe.counterparty} worth {amount}.{call}"


def _scaled(runs: int, norms: int) -> int:
    """Fewer runs for the baselines whose cost grows with every norm."""
    return max(20, min(runs, runs * 100 // norms))


def durable_floor(norms: int, probes: list[Any], runs: int) -> dict[str, Any] | str:
    """durable_rules alone, all norms in one ruleset, as a naive port would do it: a fresh
    session, one fact, the actions run, the session deleted; no routing, no report."""
    import durable_rules_engine as rete

    if norms > 4_000:
        return "over durable_rules' 4,096 rules per ruleset"
    conds = synthetic.conditions(norms)
    rules = {
        c.norm: {
            "all": [
                {
                    "m": {
                        "$and": [
                            {"kind": c.kind},
                            {"counterparty": c.counterparty},
                            {"$gt": {"amount": c.above}},
                        ]
                    }
                }
            ]
        }
        for c in conds
    }
    handle = rete.create_ruleset(f"floor{norms}", json.dumps(rules))
    sessions = iter(range(10**9))

    def one(probe: Any) -> list[str]:
        sid = f"s{next(sessions)}"
        fact = {
            "sid": sid,
            "id": 1,
            "kind": probe.kind,
            "counterparty": probe.counterparty,
            "amount": probe.amount,
        }
        state = rete.assert_fact(handle, json.dumps(fact))[1]
        fired = []
        started = rete.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            fired.append(json.loads(message).popitem()[0])
            message = rete.complete_and_start_action(handle, state)
        rete.delete_state(handle, sid)
        return sorted(fired)

    for probe in probes:
        assert tuple(one(probe)) == probe.breaks, ("durable_rules", probe)
    next_probe = cycle(probes)
    try:
        return micro(timings(lambda: one(next_probe()), _scaled(runs, norms), warmup=5))
    finally:
        rete.delete_ruleset(handle)


def reference_baseline(contract: Contract, probes: list[Any], runs: int) -> dict[str, Any]:
    spec = contract.spec
    cases = []
    for probe in probes:
        report = contract.check(probe.words)
        expected = summary(report)["findings"]
        got = reference_summary(spec, report.moves, report.check_date, {}, indexed=False)
        assert got["findings"] == expected, (probe, got["findings"], expected)
        cases.append((report.moves, report.check_date))
    next_case = cycle(cases)

    def run() -> object:
        moves, day = next_case()
        return reference_summary(spec, moves, day, {}, indexed=False)

    return micro(timings(run, _scaled(runs, len(spec.norms)), warmup=5))


def zen_baseline(norms: int, probes: list[Any], runs: int) -> dict[str, Any] | str:
    try:
        import zen
    except ImportError:
        return "not installed (pip install zen-engine)"
    rows = [
        {
            "_id": c.norm,
            "kind": json.dumps(c.kind),
            "party": json.dumps(c.counterparty),
            "amount": f"> {c.above}",
            "norm": json.dumps(c.norm),
        }
        for c in synthetic.conditions(norms)
    ]
    table = {
        "hitPolicy": "collect",
        "inputs": [
            {"id": "kind", "name": "kind", "field": "kind"},
            {"id": "party", "name": "counterparty", "field": "counterparty"},
            {"id": "amount", "name": "amount", "field": "amount"},
        ],
        "outputs": [{"id": "norm", "name": "norm", "field": "norm"}],
        "rules": rows,
    }
    graph = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "move", "position": {"x": 0, "y": 0}},
            {
                "id": "t",
                "type": "decisionTableNode",
                "name": "norms",
                "content": table,
                "position": {"x": 1, "y": 0},
            },
            {"id": "out", "type": "outputNode", "name": "broken", "position": {"x": 2, "y": 0}},
        ],
        "edges": [
            {"id": "a", "sourceId": "in", "targetId": "t", "type": "edge"},
            {"id": "b", "sourceId": "t", "targetId": "out", "type": "edge"},
        ],
    }
    start = time.perf_counter()
    decision = zen.ZenEngine().create_decision(json.dumps(graph))
    build_s = time.perf_counter() - start
    inputs = [{"kind": p.kind, "counterparty": p.counterparty, "amount": p.amount} for p in probes]
    for probe, given in zip(probes, inputs, strict=True):
        found = tuple(sorted(r["norm"] for r in decision.evaluate(given)["result"]))
        assert found == probe.breaks, ("zen-engine", probe, found)
    next_input = cycle(inputs)
    return {
        **micro(timings(lambda: decision.evaluate(next_input()), _scaled(runs, norms), warmup=5)),
        "build_s": round(build_s, 3),
    }


def rule_engine_baseline(norms: int, probes: list[Any], runs: int) -> dict[str, Any] | str:
    try:
        import rule_engine  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        return "not installed (pip install rule-engine)"
    start = time.perf_counter()
    rules = [
        (
            c.norm,
            rule_engine.Rule(
                f"kind == {json.dumps(c.kind)} and counterparty == {json.dumps(c.counterparty)}"
                f" and amount > {c.above}"
            ),
        )
        for c in synthetic.conditions(norms)
    ]
    build_s = time.perf_counter() - start

    def broken(move: dict[str, Any]) -> tuple[str, ...]:
        return tuple(norm for norm, rule in rules if rule.matches(move))

    moves = [{"kind": p.kind, "counterparty": p.counterparty, "amount": p.amount} for p in probes]
    for probe, move in zip(probes, moves, strict=True):
        assert broken(move) == probe.breaks, ("rule-engine", probe, broken(move))
    next_move = cycle(moves)
    return {
        **micro(timings(lambda: broken(next_move()), _scaled(runs, norms), warmup=5)),
        "build_s": round(build_s, 3),
    }


def startup(runs: int = 10) -> dict[str, Any]:
    """`contract-engine check BUNDLED -m MAIN_MOVE` against `python -c pass`, whole processes
    run in pairs; the ratio is the median of each pair's own ratio. A first run fills the cache
    of validated contracts, as a user's first command does, so the figure is a warm start. The
    engine's modules are byte-compiled first (as `pip install` leaves them), so that
    PYTHONDONTWRITEBYTECODE does not make every run compile them from source."""
    import compileall

    compileall.compile_dir(ROOT / "engine", quiet=1)
    script = Path(sys.executable).with_name("contract-engine")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "engine"]
    command += ["check", str(BUNDLED), "-m", MAIN_MOVE]
    env = {k: v for k, v in os.environ.items() if k != "CONTRACT_ENGINE_DEBUG"}

    def wall(args: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start

    wall(command)  # warm the file cache
    pairs = [(wall([sys.executable, "-c", "pass"]), wall(command)) for _ in range(runs)]
    return {
        "runs": runs,
        "python_ms": round(statistics.median(p for p, _ in pairs) * 1000, 1),
        "check_ms": round(statistics.median(c for _, c in pairs) * 1000, 1),
        "ratio": round(statistics.median(c / p for p, c in pairs), 1),
    }


def scaling(sizes: tuple[int, ...], runs: int) -> list[dict[str, Any]]:
    found = []
    for norms in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--size", str(norms), "--runs", str(runs)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        found.append(json.loads(out))
        print(f"  measured {norms:,} norms", file=sys.stderr)
    return found


# -- the table -------------------------------------------------------------------------------
def _us(figure: dict[str, Any] | str) -> str:
    return f"{figure['median_us']:,.0f}" if isinstance(figure, dict) else "-"


def _ratio(other: dict[str, Any] | str, engine: dict[str, Any]) -> str:
    if not isinstance(other, dict):
        return "-"
    return f"{other['median_us'] / engine['median_us']:.1f}x"


def _faster(rows: list[dict[str, Any]], other: str) -> bool:
    return bool(rows) and all(
        isinstance(r[other], dict) and r[other]["median_us"] > r["engine"]["median_us"]
        for r in rows
    )


def verdicts(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    b, t, m, s = (results[k] for k in ("bundled", "throughput", "memory", "scaling"))
    by_size = {row["norms"]: row for row in s}
    budget = TARGETS["bundled_median_us"]
    r = b["ratios"]
    if "before_vs_decision" in r:
        decision = (
            f"decision, bundled, one move: {r['before_vs_decision']:.1f}x faster than the full "
            f"check of {b['baseline']}",
            f"{r['before_vs_decision']:.2f}x >= {TARGETS['decision_speedup']:.0f}x",
            r["before_vs_decision"] >= TARGETS["decision_speedup"],
        )
        full = (
            f"full report read: <= the full check of {b['baseline']}",
            f"{r['full_read_vs_before']:.2f}x its time (as JSON: {r['json_vs_before_json']:.2f}x)",
            r["full_read_vs_before"] <= 1.0 and r["json_vs_before_json"] <= 1.0,
        )
    else:  # no git: the full report read of this engine stands in for the full check
        decision = (
            "decision, bundled, one move: faster than a full report read (no baseline)",
            f"{r['full_read_vs_decision']:.2f}x >= {TARGETS['decision_speedup']:.0f}x",
            r["full_read_vs_decision"] >= TARGETS["decision_speedup"],
        )
        full = ("full report read: <= today's", "not measured (no baseline)", False)
    found = [
        decision,
        full,
        (
            "timeline of 10 < 5x one move (decision)",
            f"{r['timeline_vs_one_move']:.2f}x < {TARGETS['timeline_ratio']:.0f}x (and"
            f" {r.get('timeline_vs_moves_alone', '?')}x its 10 moves checked one by one)",
            r["timeline_vs_one_move"] < TARGETS["timeline_ratio"],
        ),
        (
            "one-move check, bundled contract, same words (median)",
            f"{b['one_move']['median_us']:.0f} us < {budget:.0f} us",
            b["one_move"]["median_us"] < budget,
        ),
        (
            "one-move check, bundled contract, new words each time (median)",
            f"{b['acquisition_new_words']['median_us']:.0f} us < {budget:.0f} us",
            b["acquisition_new_words"]["median_us"] < budget,
        ),
        (
            "throughput, one process",
            f"{t['one_process_per_s']:,} checks/s >= {TARGETS['checks_per_s_per_core']:,.0f}",
            t["one_process_per_s"] >= TARGETS["checks_per_s_per_core"],
        ),
        (
            f"throughput, {t['processes']} processes",
            f"{t['speedup']}x >= {TARGETS['two_process_speedup']}x",
            t["speedup"] >= TARGETS["two_process_speedup"],
        ),
        (
            "memory growth",
            f"{m['growth_mb']} MB over {m['checks']:,} checks < {TARGETS['rss_growth_mb']:.0f} MB",
            m["growth_mb"] < TARGETS["rss_growth_mb"],
        ),
    ]
    many = results.get("check_many")
    if many:
        found.append(
            (
                "check_many, 2 workers vs 1",
                f"{many['speedup']}x >= {TARGETS['check_many_speedup']}x over "
                f"{many['checks']:,} checks (projected from CPU: {many['projected_speedup']}x)",
                many["speedup"] >= TARGETS["check_many_speedup"],
            )
        )
    if {10, 10_000} <= by_size.keys():
        for figure, words in (("engine", "same words"), ("engine_new_words", "new words")):
            ratio = by_size[10_000][figure]["median_us"] / by_size[10][figure]["median_us"]
            found.append(
                (f"check at 10,000 norms vs 10, {words}", f"{ratio:.2f}x <= 3x", ratio <= 3)
            )
        load, peak = by_size[10_000]["load_compile_s"], by_size[10_000]["load_peak_mb"]
        found.append(
            (
                "load+compile 10,000 norms",
                f"{load:.1f} s < {TARGETS['load_10000_s']:.0f} s, peak {peak:.0f} MB < 200 MB",
                load < TARGETS["load_10000_s"] and peak < 200,
            )
        )
    if "startup" in results:
        st = results["startup"]
        found.append(
            (
                "start-up: `contract-engine check` vs `python -c pass` (median of 10 pairs)",
                f"{st['ratio']}x ({st['check_ms']:.0f} vs {st['python_ms']:.0f} ms) <= 5x",
                st["ratio"] <= 5,
            )
        )
    for peer in ("reference", "zen_engine", "rule_engine"):
        found.append(
            (
                f"faster than {peer.replace('_', '-')} at every size (decision)",
                ", ".join(_ratio(row[peer], row["engine"]) for row in s) or "not measured",
                _faster(s, peer),
            )
        )
    return found


def _p99(figure: dict[str, Any] | str) -> str:
    if isinstance(figure, dict) and figure["p99_us"] is not None:
        return f"{figure['p99_us']:,.0f}"
    return "-"


def render(results: dict[str, Any]) -> str:
    b, t, m = results["bundled"], results["throughput"], results["memory"]
    rows = [
        ("one move, the decision", "one_move"),
        ("one move, every reading of agi-clause", "one_move_every_reading"),
        ("one move, report read in full", "one_move_full"),
        ("one move, report as JSON", "one_move_json"),
        ("acquisition, same words each time", "acquisition_same_words"),
        ("acquisition, new words each time", "acquisition_new_words"),
        ("timeline of 10 moves, the decision", "timeline_10"),
        ("reference evaluator, one move", "reference_one_move"),
    ]
    if b.get("baseline"):
        rows += [
            (f"before ({b['baseline']}): one move", "before_one_move"),
            (f"before ({b['baseline']}): as JSON", "before_one_move_json"),
        ]
    lines = [
        f"contract-engine benchmarks, {results['date']}, {results['machine']}",
        "",
        f"{'bundled contract, default reading':<40} {'median us':>10} {'p99 us':>9}",
        *(f"  {name:<38} {_us(b[key]):>10} {_p99(b[key]):>9}" for name, key in rows),
        "",
        f"throughput over {t['checks']:,} checks: {t['one_process_per_s']:,}/s in one process, "
        f"{t['all_processes_per_s']:,}/s in {t['processes']} (best rounds); speedup "
        f"{t['speedup']}x (median of {len(t['rounds_one_per_s'])} paired rounds)",
        *(
            [
                f"check_many over {results['check_many']['checks']:,} checks: "
                f"{results['check_many']['one_worker_s']} s with 1 worker, "
                f"{results['check_many']['two_workers_s']} s with 2 (best rounds); speedup "
                f"{results['check_many']['speedup']}x (median of "
                f"{len(results['check_many']['rounds_one_s'])} paired rounds); from the CPU "
                f"both used, {results['check_many']['projected_speedup']}x on 2 free cores"
            ]
            if results.get("check_many")
            else []
        ),
        f"memory over {m['checks']:,} checks: RSS {m['rss_before_mb']} -> {m['rss_after_mb']} MB "
        f"({m['growth_mb']:+} MB), sessions left open: {m['open_sessions']}",
        "",
        "synthetic contracts, 50 event kinds, 1-3 norms break each move: one-move check, median us",
        "(engine: the decision; full: the report read in full too)",
        f"{'norms':>7} {'load s':>7} {'peak MB':>8} {'engine':>7} {'p99':>5} {'full':>6} "
        f"{'new words':>10} "
        f"{'durable-1':>10} {'reference':>10} {'zen':>8} {'rule-eng':>9} "
        f"{'ref/eng':>8} {'zen/eng':>8} {'re/eng':>8}",
    ]
    for r in results["scaling"]:
        e = r["engine"]
        lines.append(
            f"{r['norms']:>7,} {r['load_compile_s']:>7.2f} {r['load_peak_mb']:>8.1f} "
            f"{_us(e):>7} {_p99(e):>5} {_us(r['engine_full']):>6} "
            f"{_us(r['engine_new_words']):>10} "
            f"{_us(r['durable_one_ruleset']):>10} {_us(r['reference']):>10} "
            f"{_us(r['zen_engine']):>8} {_us(r['rule_engine']):>9} "
            f"{_ratio(r['reference'], e):>8} {_ratio(r['zen_engine'], e):>8} "
            f"{_ratio(r['rule_engine'], e):>8}"
        )
    lines += ["", "targets"]
    for name, figure, met in verdicts(results):
        lines.append(f"  {'met   ' if met else 'MISSED'}  {name}: {figure}")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])  # "MemTotal: N kB" comes first
        memory = f", {kb / 1024**2:.0f} GB"
    except (OSError, IndexError, ValueError):
        pass
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("durable_rules", "pydantic")
    )
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {versions}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs: a smoke test, not figures"
    )
    parser.add_argument("--json", default=str(HERE / "results.json"), help="where to write JSON")
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)  # one size, in a subprocess
    parser.add_argument("--runs", type=int, default=10_000, help="checks per latency figure")
    parser.add_argument(
        "--baseline",
        default=BASELINE,
        help="git revision of the engine to time beside this one ('' for none)",
    )
    args = parser.parse_args()
    if args.size:
        print(json.dumps(measure_size(args.size, args.runs)))
        return 0
    runs = 500 if args.quick else args.runs
    results: dict[str, Any] = {"date": dt.date.today().isoformat(), "machine": machine()}
    print("measuring the bundled contract", file=sys.stderr)
    results["bundled"] = bundled(runs, args.baseline or None)
    print("measuring throughput", file=sys.stderr)
    results["throughput"] = throughput(5_000 if args.quick else 100_000)
    print("measuring memory", file=sys.stderr)
    results["memory"] = memory(5_000 if args.quick else 200_000)
    print("measuring start-up", file=sys.stderr)
    results["startup"] = startup(10)
    print("measuring synthetic contracts", file=sys.stderr)
    results["scaling"] = scaling(SIZES, max(runs // 5, 100))
    # last: 100,000 reports leave this process large, which would skew the figures after it
    print("measuring check_many", file=sys.stderr)
    results["check_many"] = check_many_speedup(5_000 if args.quick else 100_000)
    results["targets"] = [
        {"target": name, "figure": figure, "met": met} for name, figure, met in verdicts(results)
    ]
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
