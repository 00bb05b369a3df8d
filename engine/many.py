"""Many checks at once, spread over processes: `Contract.check_many` and the CLI's `--each`.

durable_rules keeps its state in one process-wide C host, so checks in one process run one at a
time; more cores need more processes. Each worker process loads the contract itself, from its
files, once (never a pickled engine), and checks whole chunks of items, so 100,000 checks are a
few hundred messages, not 100,000. The caller's own process is one of the `workers`: it checks
chunks too, taking them from the end of the queue while the pool takes them from the front, so
no core waits for a worker to start and a short batch never waits for one at all.

A worker's report crosses back as its decision only (the verdict, the findings without their
evidence, the moves, the readings' verdicts and findings: what a check computes anyway); the
rest (evidence, the outcome of every norm, the state views, the names) is built in the caller,
the first time it is read, by checking that item again in the caller's contract (checks are
deterministic: the content is the same, byte for byte). A worker so never builds what nobody
reads, and the caller reads back a few small tuples per item instead of a whole report: a caller
that reads every report in full pays its check again, one that reads verdicts and findings
(most batch uses) pays almost nothing. Pydantic models among the values (the moves) are pickled
as their field values, not pydantic's generic state: about a third cheaper on both sides.

A worker that dies (killed, out of memory, a crash in the C extension) breaks the pool; the
caller gets a WorkerError naming every item whose report was lost, never a hang and never a
silently shorter list.
"""

from __future__ import annotations

import functools
import hashlib
import io
import multiprocessing
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from engine.collector import collector_paused
from engine.decided import Again, Encoded, decode, encode
from engine.errors import ContractEngineError, EngineError, ItemError, WorkerError

if TYPE_CHECKING:
    from engine.api import Contract, MoveLike
    from engine.report import Report

CHUNK_MAX = 250  # items per message: large enough to amortise a round trip, small enough to share
CHUNKS_PER_WORKER = 16  # so that the caller and the pool meet in the middle within one chunk

T = TypeVar("T")
R = TypeVar("R")


# -- the wire format of reports -----------------------------------------------------------------
def _model(
    cls: type[BaseModel], values: dict[str, Any], fields_set: set[str], extra: Any, private: Any
) -> BaseModel:
    """A pydantic model rebuilt from its parts, without validation: it was valid when sent."""
    obj = cls.__new__(cls)
    setattr_ = object.__setattr__
    setattr_(obj, "__dict__", values)
    setattr_(obj, "__pydantic_fields_set__", fields_set)
    setattr_(obj, "__pydantic_extra__", extra)
    setattr_(obj, "__pydantic_private__", private)
    return obj


_GETSTATE: Any = BaseModel.__getstate__
_REDUCE_EX: Any = BaseModel.__reduce_ex__


class _Pickler(pickle.Pickler):
    """Pickles pydantic models as (class, field values); a model with its own pickling (a
    custom `__getstate__` or `__reduce_ex__`) keeps it. Models in one message share their
    `fields_set` when equal, so each is written once."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._sets: dict[tuple[type, frozenset[str]], set[str]] = {}

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, BaseModel):
            return NotImplemented
        cls: Any = type(obj)
        if cls.__getstate__ is not _GETSTATE or cls.__reduce_ex__ is not _REDUCE_EX:
            return NotImplemented
        given = obj.__pydantic_fields_set__
        key = (cls, frozenset(given))
        shared = self._sets.setdefault(key, set(given))
        return (
            _model,
            (cls, obj.__dict__, shared, obj.__pydantic_extra__, obj.__pydantic_private__),
        )


def dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer).dump(value)
    return buffer.getvalue()


# -- spreading chunks over processes ------------------------------------------------------------
def chunked(items: Sequence[T], workers: int) -> list[list[T]]:
    """Chunks of at most CHUNK_MAX items, about CHUNKS_PER_WORKER per worker."""
    if not items:
        return []
    size = max(1, min(CHUNK_MAX, -(-len(items) // (workers * CHUNKS_PER_WORKER))))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _context() -> Any:
    """forkserver where there is one: a clean, single-threaded parent for every worker (a plain
    fork would copy a lock another thread holds), with the engine imported once; else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["engine.api", "engine.many", "engine.sweep"])
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class Spread(Generic[T, R]):
    """Run `remote(shared, chunk)` in worker processes and `local(chunk)` in this one, over
    the same queue of chunks; results per chunk, in order. `remote` must be a module-level
    function (it is sent by name) returning pickled bytes (see `dumps`)."""

    remote: Callable[[Any, list[T]], bytes]
    shared: Any
    local: Callable[[list[T]], list[R]]
    workers: int
    on_chunk: Callable[[int], None] | None = None  # told the size of each chunk done
    caller_checks: bool = True  # False: every chunk goes to the pool (tests of the pool itself)

    def run(self, chunks: list[list[T]]) -> list[list[R]]:
        if self.workers <= 1 or len(chunks) <= 1:
            return [self._local(chunk) for chunk in chunks]
        results: dict[int, list[R]] = {}
        futures: dict[int, Future[bytes]] = {}
        waiting = deque(range(len(chunks)))  # the pool takes from the left, this process the right
        lock = threading.Lock()
        pool = ProcessPoolExecutor(self.workers - 1, mp_context=_context())

        def feed(done: Future[bytes] | None = None) -> None:
            """Keep each worker with one chunk at work and one queued; runs again (in the
            pool's thread) as each chunk comes back."""
            if done is not None and (done.cancelled() or done.exception() is not None):
                return  # a broken pool takes no more; a cancelled chunk is the end of the run
            with lock:
                if not waiting:
                    return
                index = waiting.popleft()
                try:
                    futures[index] = future = pool.submit(self.remote, self.shared, chunks[index])
                except (BrokenProcessPool, RuntimeError):  # broken, or shut down
                    waiting.appendleft(index)  # this process will check it, or no one
                    return
            future.add_done_callback(functools.partial(finished, len(chunks[index])))

        def finished(size: int, done: Future[bytes]) -> None:
            if self.on_chunk is not None and not done.cancelled() and done.exception() is None:
                self.on_chunk(size)
            feed(done)

        try:
            for _ in range(2 * (self.workers - 1)):
                feed()
            while self.caller_checks:
                with lock:
                    if not waiting:
                        break
                    index = waiting.pop()
                results[index] = self._local(chunks[index])
            lost: list[int] = []
            for index in range(len(chunks)):
                if index in results:
                    continue
                future = self._submitted(index, futures, waiting, lock)
                try:
                    with collector_paused():
                        answer: list[R] = pickle.loads(future.result()) if future else []
                except BrokenProcessPool:
                    future = None
                if future is None:
                    lost.append(index)
                    continue
                results[index] = answer
            if lost:
                raise LostChunks(lost)
        finally:
            with lock:
                waiting.clear()  # on an error here, the pool is fed no more
            # Waiting costs nothing on success (every chunk is back; the workers only exit) and
            # at most the chunks at work on an error (the queued ones are cancelled). Not
            # waiting left the pool's manager thread closing its wake-up pipe while the
            # interpreter's exit hook wrote to it: a traceback at exit, now and then.
            pool.shutdown(wait=True, cancel_futures=True)
        return [results[i] for i in range(len(chunks))]

    @staticmethod
    def _submitted(
        index: int, futures: dict[int, Future[bytes]], waiting: deque[int], lock: threading.Lock
    ) -> Future[bytes] | None:
        """The future of a chunk the pool has or will have; None if the pool broke first."""
        while True:
            with lock:
                future = futures.get(index)
                if future is not None:
                    return future
                if index not in waiting:
                    return None
                broken = any(f.done() and f.exception() is not None for f in futures.values())
            if broken:
                return None
            time.sleep(0.005)

    def _local(self, chunk: list[T]) -> list[R]:
        answer = self.local(chunk)
        if self.on_chunk is not None:
            self.on_chunk(len(answer))
        return answer


class LostChunks(Exception):
    """Chunks whose worker died; the caller says which items they held."""

    def __init__(self, chunks: list[int]) -> None:
        super().__init__(chunks)
        self.chunks = chunks


def lost_items(chunks: list[list[Any]], lost_chunks: list[int]) -> list[int]:
    """The item indices (into the flat input) of the lost chunks."""
    starts = [0]
    for chunk in chunks:
        starts.append(starts[-1] + len(chunk))
    return [i for c in lost_chunks for i in range(starts[c], starts[c + 1])]


def ranges(indices: list[int]) -> str:
    """[0, 1, 2, 7] -> '0-2, 7': a long list of items said briefly."""
    parts: list[tuple[int, int]] = []
    for index in sorted(indices):
        if parts and parts[-1][1] == index - 1:
            parts[-1] = (parts[-1][0], index)
        else:
            parts.append((index, index))
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in parts)


# -- check_many -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Failed:
    """An item the contract could not read: its index and the message `check` would raise."""

    index: int
    message: str


@dataclass(frozen=True)
class _Job:
    """What a worker needs to check items: where the contract is, and how to know it is the
    same contract the caller loaded."""

    path: str
    fingerprint: str
    at: Any
    waivers: Mapping[str, str] | None
    full: bool = False  # the reports built in full and sent whole (a caller that reads them all)


def fingerprint(files: Sequence[Path]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for file in files:
        digest.update(str(file).encode())
        try:
            digest.update(file.read_bytes())
        except OSError as error:
            digest.update(f"unreadable: {error}".encode())
    return digest.hexdigest()


def contract_files(contract: Contract) -> list[Path]:
    spec = contract.spec
    given = contract.source
    return [*([given] if given is not None else []), spec.path, *spec.rule_files]


def _as_timeline(item: Any) -> list[Any]:
    return list(item) if isinstance(item, list | tuple) else [item]


def check_items(
    contract: Contract,
    numbered: list[tuple[int, Any]],
    at: Any,
    waivers: Mapping[str, str] | None,
) -> list[Report | _Failed]:
    out: list[Report | _Failed] = []
    for index, item in numbered:
        try:
            out.append(contract.check_timeline(_as_timeline(item), at=at, waivers=waivers))
        except EngineError:
            raise  # the engine's own failure: never read as a bad item
        except ContractEngineError as error:
            out.append(_Failed(index, str(error)))
    return out


_loaded: dict[tuple[str, str], Contract] = {}


def _remote_check(job: _Job, numbered: list[tuple[int, Any]]) -> bytes:
    """In a worker: the contract from its files, loaded once per process, then the chunk."""
    key = (job.path, job.fingerprint)
    contract = _loaded.get(key)
    if contract is None:
        from engine.api import Contract

        contract = Contract.load(job.path)
        if fingerprint(contract_files(contract)) != job.fingerprint:
            raise EngineError(
                f"{job.path} changed on disk since it was loaded; load it again and retry"
            )
        _loaded.clear()  # one contract per worker at a time: a worker of a new batch forgets
        _loaded[key] = contract
    checked = check_items(contract, numbered, job.at, job.waivers)
    if job.full:
        return dumps(checked)  # pickling builds each report (`_Deferred.__getstate__`)
    return dumps([r if isinstance(r, _Failed) else encode(r) for r in checked])


def check_many(
    contract: Contract,
    items: Sequence[MoveLike | Sequence[MoveLike]],
    workers: int,
    at: Any,
    waivers: Mapping[str, str] | None,
    caller_checks: bool = True,
    full: bool = False,
) -> list[Report]:
    from engine.errors import MoveError

    if workers < 1:
        raise MoveError(f"workers must be at least 1, got {workers}")
    numbered = list(enumerate(items))
    if workers > 1 and contract.source is None:
        raise MoveError("check_many with workers > 1 needs a contract loaded from a file")
    chunks = chunked(numbered, workers)
    job = _Job(
        str(contract.source),
        fingerprint(contract_files(contract)) if workers > 1 else "",
        at,
        dict(waivers) if waivers else None,
        full,
    )

    def local(chunk: list[tuple[int, Any]]) -> list[Report | _Failed | Encoded]:
        return list(check_items(contract, chunk, at, waivers))

    try:
        spread = Spread(_remote_check, job, local, min(workers, len(chunks)))
        spread.caller_checks = caller_checks
        done = spread.run(chunks)
    except LostChunks as error:
        lost = lost_items(chunks, error.chunks)
        raise WorkerError(
            lost,
            f"a worker process of check_many died; the reports of {len(lost):,} of "
            f"{len(numbered):,} items are lost (items {ranges(lost)})",
        ) from None
    reports: list[Report] = []
    with collector_paused():
        for (_, item), answer in zip(numbered, (a for chunk in done for a in chunk), strict=True):
            if isinstance(answer, _Failed):
                raise ItemError(answer.index, answer.message)
            if isinstance(answer, tuple):  # a worker's: its decision, the rest built when read
                answer = decode(answer, Again(contract, _as_timeline(item), at, waivers))
            reports.append(answer)
    return reports


def default_workers() -> int:
    return os.cpu_count() or 1
