"""Past one machine: chunks of work on a running Dask distributed cluster (`--cluster ADDRESS`).

Dask distributed rather than Ray: it is pure Python and pip-installable in seconds, a scheduler
is one command (`dask scheduler`, `dask worker ADDRESS`), LocalCluster starts one inside a test,
and its futures map onto what a sweep needs (map chunks, see each finish, gather in order). The
import is lazy, so `contract-engine check` never pays for it; install with the `cluster` extra.
Workers need the engine installed and the same paths as the caller (a shared filesystem).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from engine.errors import ContractEngineError, WorkerError

CONNECT_TIMEOUT_S = 10
T = TypeVar("T")
R = TypeVar("R")


def run_on_cluster(
    address: str,
    func: Callable[[Any, list[T]], list[R]],
    task: Any,
    chunks: list[list[T]],
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """`func(task, chunk)` for every chunk on the cluster's workers; results in chunk order.
    A chunk whose worker died (Dask retries it elsewhere first) is a WorkerError naming it."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ContractEngineError(
            "--cluster needs Dask distributed: pip install 'contract-engine[cluster]'"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ContractEngineError(
            f"--cluster: cannot reach a Dask scheduler at '{address}' "
            f"(expected tcp://HOST:PORT): {error}"
        ) from None
    with client:
        futures = client.map(func, [task] * len(chunks), chunks, pure=False)
        sizes = {future.key: len(chunk) for future, chunk in zip(futures, chunks, strict=True)}
        for future in as_completed(futures, loop=client.loop):
            if progress is not None and future.status == "finished":
                progress(sizes[future.key])
        results: list[R] = []
        lost: list[int] = []
        start = 0
        for future, chunk in zip(futures, chunks, strict=True):
            if future.status == "finished":
                results += future.result()
            else:
                failure = future.exception()
                if not _worker_died(failure):
                    raise failure or RuntimeError(f"chunk {future.key}: {future.status}")
                lost += range(start, start + len(chunk))
            start += len(chunk)
    if lost:
        raise WorkerError(
            lost, f"Dask workers died while checking {len(lost):,} item(s); they were not checked"
        )
    return results


def _worker_died(error: BaseException | None) -> bool:
    from distributed import KilledWorker

    return isinstance(error, KilledWorker)
