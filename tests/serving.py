"""A real `contract-engine serve` process on a free loopback port, for the tests that need one."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def live_server(*args: str, workers: int = 1) -> Iterator[str]:
    """Start `python -m engine serve` and yield its base URL once /healthz answers (bounded
    wait); stop the process afterwards, whatever happened."""
    port = free_port()
    command = [sys.executable, "-m", "engine", "serve", "--port", str(port)]
    command += ["--workers", str(workers), *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # the log goes to a file: a pipe nobody reads would fill up and stall the server
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            yield _wait_for(process, f"http://127.0.0.1:{port}", args, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(process: subprocess.Popen[str], base: str, args: tuple[str, ...], log: Any) -> str:
    headers = {}
    token = dict(zip(args[::2], args[1::2], strict=False)).get("--token-file")
    if token:
        headers["Authorization"] = f"Bearer {Path(token).read_text().strip()}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"serve exited with {process.returncode}:\n{log.read()}")
        try:
            if httpx.get(f"{base}/healthz", headers=headers, timeout=1).status_code == 200:
                return base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"serve did not answer within {START_TIMEOUT_S} s")
        time.sleep(0.1)
