"""A bounded load test of `contract-engine serve`, loopback only: checks per second and p50/p99
latency with 1 and 2 uvicorn workers, against the in-process rate measured in the same run,
right before and after each server.

    python benchmarks/load.py                 # about a minute on 2 cores
    python benchmarks/load.py --seconds 1     # a smoke run: figures too rough to quote

For each worker count, three phases against a real server process on 127.0.0.1 (started as
`contract-engine serve` starts it, without access log):
- saturation: `--concurrency` clients send checks back to back for `--seconds`: the most the
  server answers per second (the client shares the machine's cores, see docs/performance.md);
- target rate: requests sent open-loop at the target, half the in-process rate per worker, for
  `--seconds`: the latency a client sees at that rate, and whether the server keeps up;
- half of flat out: the same, at half the rate the server answered flat out: its latency at a
  load it does sustain.
Every answer is checked (status 200, verdict "conflict"); any other answer counts as an error.
Each phase is bounded by time and by `--max-requests`. Prints a table and, with --json, JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import httpx  # noqa: E402
from serving import live_server  # noqa: E402

from engine import Contract  # noqa: E402

BUNDLED = ROOT / "contracts" / "openai-microsoft.yaml"
MOVE = "partner with Google Cloud"
PATH = "/v1/contracts/openai-microsoft/check"
BODY = json.dumps({"moves": [MOVE]}).encode()
REQUEST = (
    f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    f"Content-Length: {len(BODY)}\r\n\r\n"
).encode() + BODY


def in_process_rate(seconds: float) -> dict[str, float]:
    """What one process does without HTTP: the same check, with its report as JSON, back to back."""
    contract = Contract.load(BUNDLED)
    for _ in range(200):
        contract.check(MOVE).to_json()
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(100):
            contract.check(MOVE).to_json()
        done += 100
    elapsed = time.perf_counter() - start
    return {"checks": done, "seconds": elapsed, "per_s": done / elapsed}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams. httpx's AsyncClient costs the
    client several times what the server spends on a check (docs/performance.md), and the client
    shares the machine with the server, so the load is sent by this small client instead; httpx
    checks the server before and after each phase."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base: str) -> Connection:
        host, port = base.removeprefix("http://").split(":")
        return cls(*await asyncio.open_connection(host, int(port)))

    async def check(self) -> tuple[int, bytes]:
        self.writer.write(REQUEST)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def _one(connection: Connection, latencies: list[float], errors: list[str]) -> None:
    start = time.perf_counter()
    try:
        status, body = await connection.check()
        if status != 200 or b'"verdict": "conflict"' not in body:
            errors.append(f"{status}: {body[:200]!r}")
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        errors.append(repr(error))
    latencies.append(time.perf_counter() - start)


def _summary(latencies: list[float], errors: list[str], elapsed: float) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "per_s": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


async def saturate(base: str, concurrency: int, seconds: float, limit: int) -> dict[str, Any]:
    """`concurrency` connections, each sending its next check as soon as the last is answered."""
    latencies: list[float] = []
    errors: list[str] = []
    connections = [await Connection.open(base) for _ in range(concurrency)]
    for connection in connections:  # warm up
        for _ in range(5):
            await _one(connection, [], [])

    async def worker(connection: Connection) -> None:
        while time.perf_counter() < stop and len(latencies) < limit:
            await _one(connection, latencies, errors)

    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(*(worker(c) for c in connections))
    elapsed = time.perf_counter() - start
    for connection in connections:
        connection.close()
    return _summary(latencies, errors, elapsed)


async def at_rate(base: str, rate: float, seconds: float, limit: int) -> dict[str, Any]:
    """Open loop: check i is sent at start + i / rate on a free connection, whether or not
    earlier ones were answered; a check that waits for a connection waits in its latency."""
    latencies: list[float] = []
    errors: list[str] = []
    total = min(limit, int(rate * seconds))
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    opened = []
    for _ in range(32):
        connection = await Connection.open(base)
        await _one(connection, [], [])
        opened.append(connection)
        pool.put_nowait(connection)

    async def send(due: float) -> None:
        connection = await pool.get()
        try:
            await _one(connection, [], errors)
        finally:
            pool.put_nowait(connection)
        latencies.append(time.perf_counter() - due)  # from when it was due, not when sent

    start = time.perf_counter()
    tasks = []
    late = 0
    for i in range(total):
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        elif wait < -0.005:
            late += 1  # the client itself fell behind its schedule
        tasks.append(asyncio.create_task(send(due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    for connection in opened:
        connection.close()
    result = _summary(latencies, errors, elapsed)
    result["offered_per_s"] = rate
    result["sent_late"] = late
    return result


def measure(workers: int, target: float, args: argparse.Namespace) -> dict[str, Any]:
    with (
        live_server("--contracts", str(ROOT / "contracts"), workers=workers) as base,
        httpx.Client(base_url=base, timeout=10) as client,
    ):
        for _ in range(20 * workers):  # every worker answers before timing starts
            sanity(client)
        saturation = asyncio.run(saturate(base, args.concurrency, args.seconds, args.max_requests))
        sanity(client)
        rate = asyncio.run(at_rate(base, target, args.seconds, args.max_requests))
        sanity(client)
        # and the latency at a rate this server does sustain: half of what it answered flat out
        half = asyncio.run(at_rate(base, saturation["per_s"] / 2, args.seconds, args.max_requests))
        sanity(client)
    return {"workers": workers, "saturation": saturation, "target": rate, "half_saturation": half}


def sanity(client: httpx.Client) -> None:
    """The server answers a check correctly (through httpx, a client users have)."""
    response = client.post(PATH, json={"moves": [MOVE]})
    assert response.status_code == 200 and response.json()["verdict"] == "conflict", response.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="clients in the saturation phase"
    )
    parser.add_argument("--max-requests", type=int, default=50_000, help="bound on each phase")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON as well")
    args = parser.parse_args()

    rows = []
    locals_ = []
    for workers in args.workers:
        # the in-process rate is measured right before and after each server, and averaged:
        # on a shared machine the rate moves between minutes, and a ratio needs both halves
        # measured under the same conditions
        before = in_process_rate(args.seconds)
        target = before["per_s"] / 2 * workers  # the aim: half the in-process rate per core
        row = measure(workers, target, args)
        after = in_process_rate(args.seconds)
        local = {"per_s": (before["per_s"] + after["per_s"]) / 2}
        row["in_process_per_s"] = {"before": before["per_s"], "after": after["per_s"]}
        locals_ += [before["per_s"], after["per_s"]]
        row["saturation_ratio"] = row["saturation"]["per_s"] / (local["per_s"] * workers)
        row["target_met"] = bool(
            row["target"]["errors"] == 0
            and row["saturation"]["errors"] == 0
            and row["half_saturation"]["errors"] == 0
            and row["target"]["p99_ms"] < 20
            and row["target"]["per_s"] >= 0.95 * target
        )
        rows.append(row)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"; one check = '{MOVE}' with its report as JSON"
    )
    print(
        "in process (one process, no HTTP), before and after each server: "
        + ", ".join(f"{r:,.0f}" for r in locals_)
        + " checks/s"
    )
    print(
        "workers  flat out/s  ratio/core  p50 ms  p99 ms | target/s  achieved/s  p50 ms  p99 ms"
        "  met | half of flat out/s  p50 ms  p99 ms | errors"
    )
    for row in rows:
        s, t, h = row["saturation"], row["target"], row["half_saturation"]
        errors = s["errors"] + t["errors"] + h["errors"]
        print(
            f"{row['workers']:>7}  {s['per_s']:>10,.0f}  {row['saturation_ratio']:>10.2f}  "
            f"{s['p50_ms']:>6.1f}  {s['p99_ms']:>6.1f} | "
            f"{t['offered_per_s']:>8,.0f}  {t['per_s']:>10,.0f}  {t['p50_ms']:>6.1f}  "
            f"{t['p99_ms']:>6.1f}  {'yes' if row['target_met'] else ' no'} | "
            f"{h['offered_per_s']:>17,.0f}  {h['p50_ms']:>6.1f}  {h['p99_ms']:>6.1f} | {errors}"
        )
    if args.json:
        print(json.dumps({"in_process_per_s": locals_, "servers": rows}, indent=2))


if __name__ == "__main__":
    main()
