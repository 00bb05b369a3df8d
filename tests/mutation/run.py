"""Mutation testing as a standing measure: apply each curated mutant, run its area's tests.

    python tests/mutation/run.py                 # every mutant, 2 jobs, nice -n 15
    python tests/mutation/run.py --area core     # an area or a group of the list
    python tests/mutation/run.py --area lint --jobs 1
    python tests/mutation/run.py --only window-ends-a-day-early --tests tests/test_boundaries.py
    python tests/mutation/run.py --show --area serve

The mutants are data (tests/mutation/mutants.yaml): a file, the exact original snippet, its
replacement, the area and why the mutant matters. Pattern-based, not line-based, so the list
survives edits around the code it mutates; a snippet no longer found is reported as *stale*
(never skipped in silence), and a snippet found more than once must say which `occurrence`.

Each job copies the checkout once into a temporary directory (tracked and untracked files, no
.venv, no caches) and applies one mutant at a time there, never to the working tree. The copy
comes first on PYTHONPATH, so `import engine` (and the `contract-engine` subprocesses some tests
start) run the mutated code; a sanity check at start-up proves it. Each mutant runs its area's
test files with `pytest -x -p no:xdist`, stage by stage, in a child of the job's fork server,
under `nice -n 15` and a time limit that follows the baseline: the first failing test kills it,
so a killed mutant costs little and only survivors cost the full area. docs/testing.md has the
counts and explains every survivor.

Exit status: 0 when the core ratio is at least CORE_THRESHOLD and no mutant is stale or in
error; 1 otherwise. The file is not collected by pytest (its name is not test_*.py).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = Path(__file__).resolve().with_name("mutants.yaml")
CORE_THRESHOLD = 0.90  # the core's kill ratio below which the run fails
NICE = 15  # the mutants' niceness: a standing measure gives way to everything else
TIMEOUT = 240  # seconds per mutant without a baseline: one that hangs counts as killed (timeout)
SLOWER = 4  # with a baseline: a mutant may take SLOWER times its stages' time, plus SLACK seconds
SLACK = 30
DIFFERENTIAL_CONTRACTS = 100
IGNORED = {".venv", ".git", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}


@dataclass
class Mutant:
    id: str
    area: str
    file: str
    original: str
    replacement: str
    why: str
    occurrence: int | None = None  # 1-based; required when the snippet occurs more than once
    tests: list[str] = field(default_factory=list)  # extra test files beyond the area's


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed, survived, timeout, stale, error
    seconds: float
    detail: str = ""


Stages = list[list[str]]


def stages_of(value: list[str | list[str]]) -> Stages:
    """An area's tests: a flat list is one pytest run; a list of lists is one run per stage,
    the next only when the one before passed (a killed mutant then skips the slower stages,
    and their collection)."""
    if all(isinstance(v, str) for v in value):
        return [[str(v) for v in value]]
    return [[v] if isinstance(v, str) else [str(t) for t in v] for v in value]


def load(path: Path) -> tuple[dict[str, Stages], dict[str, list[str]], list[Mutant]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    areas = {k: stages_of(v) for k, v in data["areas"].items()}
    groups: dict[str, list[str]] = {k: list(v) for k, v in data.get("groups", {}).items()}
    mutants = [Mutant(**entry) for entry in data["mutants"]]
    seen: set[str] = set()
    for m in mutants:
        if m.id in seen:
            raise SystemExit(f"{path}: mutant id '{m.id}' is listed twice")
        seen.add(m.id)
        if m.area not in areas:
            raise SystemExit(f"{path}: mutant '{m.id}': unknown area '{m.area}'")
        if m.original == m.replacement:
            raise SystemExit(f"{path}: mutant '{m.id}': the replacement equals the original")
    return areas, groups, mutants


def mutate(text: str, m: Mutant) -> tuple[str | None, str]:
    """The mutated text, or None and why not (stale: not found; ambiguous: found twice)."""
    count = text.count(m.original)
    if count == 0:
        return None, "stale: the original snippet is no longer in the file"
    if m.occurrence is None and count > 1:
        return None, f"stale: the snippet occurs {count} times and no `occurrence` is given"
    which = m.occurrence or 1
    if which > count:
        return None, f"stale: occurrence {which} asked, the snippet occurs {count} times"
    at = -1
    for _ in range(which):
        at = text.index(m.original, at + 1)
    return text[:at] + m.replacement + text[at + len(m.original) :], ""


def checkout_files(root: Path) -> list[Path]:
    """Tracked and untracked (not ignored) files of the checkout, else every file."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
        return [Path(p) for p in out.decode().split("\0") if p and (root / p).is_file()]
    except (OSError, subprocess.CalledProcessError):
        return [
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file() and not IGNORED & set(p.relative_to(root).parts)
        ]


def make_copy(root: Path, into: Path) -> None:
    for rel in checkout_files(root):
        if IGNORED & set(rel.parts):
            continue
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)


def environment(copy: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a mutant the same size as its original: no stale .pyc
    env["CONTRACT_ENGINE_CACHE"] = str(cache)
    env.pop("CONTRACT_ENGINE_NO_CACHE", None)
    # the differential test's generated contracts: a quarter of the suite's 400 per mutant
    env.setdefault("DIFFERENTIAL_CONTRACTS", str(DIFFERENTIAL_CONTRACTS))
    return env


def sanity(copy: Path) -> None:
    """The copy's engine, not the installed one, is what the tests import."""
    env = environment(copy, copy / ".cache-sanity")
    found = subprocess.run(
        [sys.executable, "-c", "import engine, sys; sys.stdout.write(engine.__file__)"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    if not Path(found).resolve().is_relative_to(copy.resolve()):
        raise SystemExit(f"the mutated copy is not the engine imported (got {found!r})")


def pytest_args(tests: list[str]) -> list[str]:
    return [
        "-x",
        "-q",
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=--strict-markers",
        "--no-header",
        "--hypothesis-seed=0",  # the same examples every run: a kill is reproducible
        *tests,
    ]


# A fork server, one per job: it imports pytest and the engine's heavy dependencies once
# (never the engine itself, nor a test), then runs each pytest in a forked child, which imports
# the engine afresh from the copy as the mutant left it. Start-up is a large part of a killed
# mutant's cost, and most mutants are killed by their first failing test.
_SERVER = r"""
import json, os, sys
import pytest
for name in ("pydantic", "yaml", "hypothesis", "pytest_bdd", "dateparser", "lemminflect",
             "rapidfuzz", "typer", "rich", "fastapi", "httpx", "text_to_num", "durable.lang"):
    try:
        __import__(name)
    except Exception:
        pass
if any(m == "engine" or m.startswith(("engine.", "tests.")) for m in sys.modules):
    sys.exit("the fork server must not import the engine before a mutant is applied")
for line in sys.stdin:
    args, out = json.loads(line)
    pid = os.fork()
    if pid == 0:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        try:
            code = int(pytest.main(args))
        except BaseException:
            code = 3
        sys.stdout.flush()
        os._exit(code)
    print(json.dumps(["started", pid]), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps(["done", os.waitstatus_to_exitcode(status)]), flush=True)
"""


class Worker:
    """One copy of the checkout; mutants are applied to it one at a time, and run by the
    copy's fork server."""

    def __init__(self, root: Path, base: Path, index: int, niceness: int = NICE) -> None:
        self.copy = base / f"copy{index}"
        make_copy(root, self.copy)
        self.cache = base / f"cache{index}"
        self.out = base / f"out{index}.txt"
        self.server = subprocess.Popen(
            ["nice", "-n", str(niceness), sys.executable, "-c", _SERVER],
            cwd=self.copy,
            env=environment(self.copy, self.cache),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.server.stdout is not None
        for line in self.server.stdout:
            self.lines.put(line)
        self.lines.put("")

    def close(self) -> None:
        if self.server.stdin is not None:
            self.server.stdin.close()
        self.server.wait(timeout=30)

    def pytest(self, tests: list[str], timeout: float) -> tuple[int | None, str]:
        """pytest's exit code (None: over the timeout, the child killed) and its output."""
        assert self.server.stdin is not None
        self.server.stdin.write(json.dumps([pytest_args(tests), str(self.out)]) + "\n")
        self.server.stdin.flush()
        kind, pid = json.loads(self.lines.get(timeout=60) or '["gone", 0]')
        if kind != "started":
            raise SystemExit("the fork server stopped: " + self.out.read_text(errors="replace"))
        try:
            kind, code = json.loads(self.lines.get(timeout=timeout) or '["gone", 3]')
        except queue.Empty:
            os.kill(pid, signal.SIGKILL)
            self.lines.get(timeout=60)
            return None, ""
        return code, self.out.read_text(encoding="utf-8", errors="replace")

    def run(self, m: Mutant, stages: Stages, timeout: int) -> Result:
        started = time.monotonic()
        target = self.copy / m.file
        if not target.is_file():
            return Result(m, "stale", 0.0, f"stale: {m.file} does not exist")
        original = target.read_text(encoding="utf-8")
        mutated, why = mutate(original, m)
        if mutated is None:
            return Result(m, "stale", 0.0, why)
        tests = [t for stage in stages for t in stage]
        missing = [t for t in tests if not (self.copy / t.split("::")[0]).exists()]
        if missing:
            return Result(m, "error", 0.0, f"test files not found: {', '.join(missing)}")
        shutil.rmtree(self.cache, ignore_errors=True)
        target.write_text(mutated, encoding="utf-8")
        try:
            for stage in stages:
                left = timeout - (time.monotonic() - started)
                code, out = self.pytest(stage, max(left, 1))
                if code is None:
                    return Result(m, "timeout", time.monotonic() - started, f"over {timeout}s")
                if code in (1, 2, 3):  # failed, collection interrupted, internal error
                    failed = [ln for ln in out.splitlines() if ln.startswith(("FAILED", "ERROR"))]
                    said = failed[0] if failed else f"exit {code}"
                    return Result(m, "killed", time.monotonic() - started, said)
                if code != 0:
                    tail = out.strip().splitlines()[-3:]
                    return Result(
                        m,
                        "error",
                        time.monotonic() - started,
                        f"pytest exit {code}: {' | '.join(tail)}",
                    )
        finally:
            target.write_text(original, encoding="utf-8")
        return Result(m, "survived", time.monotonic() - started)


def baseline(worker: Worker, stages: list[list[str]]) -> dict[tuple[str, ...], float]:
    """Each stage passes on the unmutated copy (else every mutant would look killed), and how
    long it took: a mutant's time limit is a multiple of its stages' own times, so that it
    follows the machine's load and a mutant that makes a test loop is stopped soon."""
    took: dict[tuple[str, ...], float] = {}
    for stage in stages:
        started = time.monotonic()
        code, out = worker.pytest(stage, 3600)
        if code != 0:
            print(out[-3000:], file=sys.stderr)
            raise SystemExit(
                f"{' '.join(stage)}: the tests fail without any mutant; fix them first (no ratio)"
            )
        took[tuple(stage)] = time.monotonic() - started
    return took


def report(results: list[Result], groups: dict[str, list[str]], elapsed: float) -> int:
    by_area: dict[str, list[Result]] = {}
    for r in results:
        by_area.setdefault(r.mutant.area, []).append(r)

    def ratio(rs: list[Result]) -> tuple[int, int]:
        counted = [r for r in rs if r.status in ("killed", "survived", "timeout")]
        return sum(r.status != "survived" for r in counted), len(counted)

    print("\nKill ratio per area (killed/total; a timeout counts as killed):")
    for area in sorted(by_area):
        killed, total = ratio(by_area[area])
        print(f"  {area:<12} {killed:>3}/{total:<3} {100 * killed / max(total, 1):5.1f}%")
    for name, members in sorted(groups.items()):
        rs = [r for r in results if r.mutant.area in members]
        if rs:
            killed, total = ratio(rs)
            print(f"  [{name}] {killed}/{total} {100 * killed / max(total, 1):.1f}%")
    killed, total = ratio(results)
    print(f"  all          {killed:>3}/{total:<3} {100 * killed / max(total, 1):5.1f}%")
    survivors = [r for r in results if r.status == "survived"]
    if survivors:
        print(f"\nSurvivors ({len(survivors)}):")
        for r in survivors:
            m = r.mutant
            print(
                f"  - {m.id} [{m.area}] {m.file}: {m.original.strip()!r} -> {m.replacement.strip()!r}"
            )
            print(f"      {m.why.strip()}")
    broken = [r for r in results if r.status in ("stale", "error")]
    if broken:
        print(f"\nStale or in error ({len(broken)}): update tests/mutation/mutants.yaml")
        for r in broken:
            print(f"  - {r.mutant.id} [{r.mutant.area}] {r.mutant.file}: {r.detail}")
    print(f"\n{len(results)} mutants in {elapsed:.0f}s")
    core = [r for r in results if r.mutant.area in groups.get("core", [])]
    if core:
        killed, total = ratio(core)
        if total and killed / total < CORE_THRESHOLD:
            print(f"core ratio {killed}/{total} is under {CORE_THRESHOLD:.0%}")
            return 1
    return 1 if broken else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=MUTANTS, help="the list (YAML)")
    parser.add_argument("--area", action="append", help="an area or group (repeatable)")
    parser.add_argument("--only", action="append", help="a mutant id (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument(
        "--timeout",
        type=int,
        default=TIMEOUT,
        help=f"seconds per mutant when there is no baseline (default {TIMEOUT}); with one, "
        f"{SLOWER}x the baseline time of the mutant's tests plus {SLACK}s",
    )
    parser.add_argument("--fixed-timeout", action="store_true", help="always use --timeout")
    parser.add_argument(
        "--tests", nargs="+", help="run these test files instead of the areas' (to try a kill)"
    )
    parser.add_argument("--nice", type=int, default=NICE, help=f"niceness (default {NICE})")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    parser.add_argument("--show", action="store_true", help="print each chosen mutant; run none")
    parser.add_argument("--verbose", "-v", action="store_true", help="print the killing test")
    args = parser.parse_args(argv)

    areas, groups, mutants = load(args.mutants)
    wanted: set[str] = set()
    for name in args.area or []:
        if name not in areas and name not in groups:
            parser.error(f"unknown area '{name}'; areas: {', '.join(sorted(areas | groups))}")
        wanted.update(groups.get(name, [name]))
    chosen = [
        m
        for m in mutants
        if (not wanted or m.area in wanted) and (not args.only or m.id in args.only)
    ]
    if not chosen:
        parser.error("no mutant chosen")
    if args.show:
        for m in chosen:
            print(f"{m.id} [{m.area}] {m.file}\n  - {m.original}\n  + {m.replacement}\n  {m.why}")
        return 0

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="contract-engine-mutants-") as base:
        jobs = max(1, min(args.jobs, len(chosen)))
        workers = [Worker(ROOT, Path(base), i, args.nice) for i in range(jobs)]
        sanity(workers[0].copy)
        took: dict[tuple[str, ...], float] = {}
        if not args.no_baseline:
            stages_run = [args.tests] if args.tests else []
            for m in chosen:
                for stage in ([m.tests] if m.tests else []) + areas[m.area]:
                    if not args.tests and stage not in stages_run:
                        stages_run.append(stage)
            took = baseline(workers[0], stages_run)
            print(f"baseline: the area tests pass unmutated ({time.monotonic() - started:.0f}s)")
        free = list(workers)
        lock = threading.Lock()
        results: dict[str, Result] = {}

        def one(m: Mutant) -> Result:
            with lock:
                worker = free.pop()
            try:
                stages = (
                    [args.tests] if args.tests else ([m.tests] if m.tests else []) + areas[m.area]
                )
                limit = args.timeout
                if took and all(tuple(st) in took for st in stages) and not args.fixed_timeout:
                    limit = int(SLOWER * sum(took[tuple(st)] for st in stages) + SLACK)
                result = worker.run(m, stages, limit)
            finally:
                with lock:
                    free.append(worker)
            line = f"{result.status:<8} {result.seconds:5.1f}s {m.area:<10} {m.id}"
            if args.verbose and result.detail:
                line += f"  ({result.detail})"
            print(line, flush=True)
            return result

        try:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                for result in pool.map(one, chosen):
                    results[result.mutant.id] = result
        finally:
            for worker in workers:
                worker.close()
    return report([results[m.id] for m in chosen], groups, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
