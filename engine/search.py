"""Timelines generated from a contract's own vocabulary, explored breadth-first with `check`.

Plans, diffs and proofs all ask "what happens over every short timeline of moves?". This module
answers the shared part: which moves and passages of time to try (engine/candidates.py, the one
generator, re-exported here), and a breadth-first walk over the states they reach, with the
engine's public `check` as the oracle and two timelines that reach the same state counted once.

The evaluator has no entry point that resumes a check from a saved state, so every timeline is
replayed from the start; the cost of that is measured in docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.api import Contract
from engine.candidates import (
    MAX_CANDIDATES,
    Candidates,
    Step,
    Wait,
    candidate_moves,
    candidates,
    named_values,
    say,
    time_steps,
)
from engine.errors import ContractEngineError
from engine.report import Finding, Move, Report, StateView

__all__ = [
    "MAX_CANDIDATES",
    "Budget",
    "Candidates",
    "Explorer",
    "Node",
    "SearchTooLarge",
    "Step",
    "Wait",
    "blocking",
    "candidate_moves",
    "candidates",
    "canonical",
    "has_history",
    "named_values",
    "party_name",
    "say",
    "state_key",
    "time_steps",
]
POOL_MIN_CHECKS = 4_000  # below this a level is checked in-process: spawning costs ~1 s


class SearchTooLarge(ContractEngineError):
    """A search ran past its time budget (a server's bound on one request's work)."""


@dataclass
class Budget:
    """Wall-clock seconds a search may take. Checked before each check, so a search stops
    within one check of the limit; the CLI runs without one."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    def spend(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise SearchTooLarge(
                f"the search did not finish within its time budget of {self.seconds:g} s; "
                "ask for fewer steps or a smaller depth, or narrow the moves tried"
            )


def party_name(contract: Contract, party: str) -> str:
    p = contract.spec.parties.get(party)
    return p.name if p else party


# -- states --------------------------------------------------------------------------------------
def state_key(view: StateView) -> tuple[Any, ...]:
    """What a state means for later moves, without the words of how it came about (which move
    ended a clause) and without its date: two timelines reaching the same key are one (unless
    the contract keeps measures, whose history no state shows: see `Explorer`)."""
    return (
        view.partnership,
        tuple((c, s.status, s.until) for c, s in view.clauses.items()),
        tuple(view.consents),
        tuple(view.happened),
        tuple((k, tuple(v)) for k, v in view.sets.items()),
        tuple(view.flags),
        tuple((r.party, r.right) for r in view.rights),
        tuple((d.rule, d.due, d.accrued, d.instance) for d in view.deadlines),
        tuple(sorted(view.values.items())),
        tuple(view.terminations),
    )


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.type == "conflict" and f.severity.value == "blocking"]


def has_history(contract: Contract) -> bool:
    """Whether the contract keeps measures: counts and sums over past moves that no state view
    shows, so that two timelines reaching one view may still differ."""
    return bool(contract.spec.contract.measures)


# -- the walk ------------------------------------------------------------------------------------
@dataclass
class Node:
    """A timeline of generated steps after the given prefix, and the report of checking it:
    checked at `at`; its next move falls on `cursor`; `since` is the check date of the timeline
    one step shorter (what the last step set off came after it)."""

    steps: tuple[Step | Wait, ...]
    report: Report
    at: dt.date
    cursor: dt.date
    since: dt.date | None = None
    last_move: dt.date | None = None

    @property
    def key(self) -> tuple[Any, ...]:
        return state_key(self.report.state["after"])

    def last_findings(self) -> list[Finding]:
        """Conflicts and consequences the last step set off: the last move's, and those of
        time passing since the timeline one step shorter."""
        if not self.steps:
            return []
        moved = isinstance(self.steps[-1], Step)
        last = len(self.report.moves) - 1
        found = []
        for f in [*self.report.conflicts, *self.report.consequences]:
            if f.move is not None:
                if moved and f.move == last:
                    found.append(f)
            elif self.since is None or f.date > self.since:
                found.append(f)
        return found


@dataclass
class Explorer:
    """Breadth-first over timelines of candidate moves. A move falls on the day after the one
    before (the first on `start`, or the day after the prefix); with `time`, a timeline may also
    let time pass (a `Wait`) to each day on which something changes by itself (see
    engine/candidates.time_steps), and later moves fall on that day. `check` is the oracle. With
    `clear_only`, a timeline with a blocking conflict is not extended (plans); without, every
    timeline is (proofs). A state reached again later is dropped: the earlier arrival, with
    more steps left, covers every timeline the later one would start. Two timelines are merged
    only when they reach one state (with `time`, on the same day and with the same next day),
    and never when the contract keeps measures (`has_history`)."""

    contract: Contract
    candidates: list[Step]
    start: dt.date
    prefix: list[Move] = field(default_factory=list)
    clear_only: bool = True
    checks: int = 0
    states: int = 0
    workers: int = 1
    budget: Budget | None = None  # a search with a budget runs in-process, checked per check
    time: bool = False

    def __post_init__(self) -> None:
        # a contract with readings of a disputed clause is searched under one reading each
        # (its default ones, unless the caller passed contract.under(...)): one oracle, one state
        self.contract = self.contract.under()
        dated: list[Move] = []
        day = self.start
        for move in self.prefix:
            day = move.date or day
            dated.append(move if move.date else move.model_copy(update={"date": day}))
            day = day + dt.timedelta(days=1)
        self.prefix = dated
        self._first_day = day if self.prefix else self.start
        self._moves: dict[tuple[int, dt.date], Move] = {}
        self._history = has_history(self.contract)

    def day(self, index: int) -> dt.date:
        """The date of the index-th generated move (0-based) after the prefix, with no wait."""
        return self._first_day + dt.timedelta(days=index)

    def schedule(
        self, steps: Sequence[Step | Wait]
    ) -> tuple[list[Move], dt.date, dt.date, dt.date | None]:
        """The dated moves of a timeline, its check date, the day of a next move, and the day
        of its last generated move."""
        moves = list(self.prefix)
        at = self.prefix[-1].date if self.prefix and self.prefix[-1].date else self.start
        cursor = self._first_day
        last: dt.date | None = None
        for step in steps:
            if isinstance(step, Wait):
                at = cursor = step.day
                continue
            moves.append(self._dated(step, cursor))
            at = last = cursor
            cursor = cursor + dt.timedelta(days=1)
        return moves, at, cursor, last

    def timeline(self, steps: Sequence[Step | Wait]) -> list[Move]:
        return self.schedule(steps)[0]

    def _dated(self, step: Step, day: dt.date) -> Move:
        """A step's move on its day; made once per step and day (timelines share them)."""
        key = (id(step), day)
        move = self._moves.get(key)
        if move is None:
            move = self._moves[key] = step.on(self.contract, day)
        return move

    def check(self, steps: Sequence[Step | Wait]) -> Report:
        return self.node(steps).report

    def node(self, steps: Sequence[Step | Wait], since: dt.date | None = None) -> Node:
        if self.budget is not None:
            self.budget.spend()
        self.checks += 1
        moves, at, cursor, last = self.schedule(steps)
        report = self.contract.check_timeline(moves, at=at)
        return Node(tuple(steps), report, at, cursor, since, last)

    def waits(self, node: Node) -> list[Wait]:
        if not self.time:
            return []
        view = node.report.state["after"]
        return time_steps([self.contract], [view], node.last_move, node.at)

    def merge_key(self, node: Node) -> tuple[Any, ...]:
        if self._history:  # no merging: the timeline itself
            return tuple(id(s) if isinstance(s, Step) else s.day for s in node.steps)
        return (node.key, node.at, node.cursor) if self.time else node.key

    def _children(self, parents: list[Node]) -> Iterator[Node]:
        """Each parent's timelines one step longer, in order (clear ones only with
        `clear_only`); across processes when there are many."""
        jobs = len(parents) * len(self.candidates)
        workers = min(self.workers, len(parents)) if self.budget is None else 1
        if workers > 1 and jobs >= POOL_MIN_CHECKS:
            yield from self._children_in_pool(parents, workers)
            return
        for parent in parents:
            tried: list[Step | Wait] = [*self.candidates, *self.waits(parent)]
            used = {s for step in parent.steps if isinstance(step, Step) for s in step.symbols}
            for step in tried:
                if isinstance(step, Step) and step.symbols and not canonical(used, step):
                    continue
                node = self.node((*parent.steps, step), parent.at)
                if self.clear_only and node.report.verdict != "clear":
                    continue
                yield node

    def _children_in_pool(self, parents: list[Node], workers: int) -> Iterator[Node]:
        """The same children, computed by worker processes that load the contract once each
        (from its file) and check whole chunks of parents; answers come back in order. A
        timeline travels as numbers: a candidate's index, or -1 - the ordinal of a wait's day."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        index = {id(step): i for i, step in enumerate(self.candidates)}
        paths = [tuple(_encode(s, index) for s in node.steps) for node in parents]
        size = max(1, len(paths) // (workers * 4))
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        setup = (
            str(self.contract.spec.path),
            self.candidates,
            self.start,
            self.prefix,
            self.clear_only,
            self.contract.reading_choice,
            self.time,
        )
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=setup,
        )
        try:
            for chunk_paths, results in zip(chunks, pool.map(_worker_expand, chunks), strict=True):
                for path, (tried, answers) in zip(chunk_paths, results, strict=True):
                    self.checks += tried
                    for code, report in answers:
                        steps = tuple(self._decode(c) for c in (*path, code))
                        _, at, cursor, last = self.schedule(steps)
                        since = self.schedule(steps[:-1])[1]
                        yield Node(steps, report, at, cursor, since, last)
        finally:  # a search that stops early (a counterexample) drops the chunks not started
            pool.shutdown(wait=True, cancel_futures=True)

    def _decode(self, code: int) -> Step | Wait:
        return self.candidates[code] if code >= 0 else Wait(dt.date.fromordinal(-1 - code))

    def root(self) -> Node:
        return self.node(())

    def levels(
        self, depth: int, visit: Callable[[Node], None] | None = None
    ) -> Iterator[list[Node]]:
        """Level 0 is the prefix alone; level k holds one node per distinct state reached by a
        timeline of k generated steps (the first found, in candidate order). `visit` sees every
        timeline checked, before two that reach one state are merged."""
        root = self.root()
        seen: set[Any] = {self.merge_key(root)}
        self.states = 1
        level = [root]
        yield level
        for _ in range(depth):
            following: list[Node] = []
            parents = [n for n in level if not (self.clear_only and n.report.verdict != "clear")]
            for child in self._children(parents):
                if visit is not None:
                    visit(child)
                key = self.merge_key(child)
                if key in seen:
                    continue
                seen.add(key)
                following.append(child)
            self.states += len(following)
            level = following
            if not level:
                return
            yield level


def canonical(used: set[tuple[str, int]], step: Step) -> bool:
    """Whether the timeline with `step` uses the interchangeable values of each class in
    order (the first, then the second, ...): every timeline is one of these up to a renaming
    of such values, which changes no verdict."""
    after = used | set(step.symbols)
    classes = {c for c, _ in after}
    return all(
        {i for c, i in after if c == cls} == set(range(sum(1 for c, _ in after if c == cls)))
        for cls in classes
    )


# -- worker processes ------------------------------------------------------------------------------
_worker: Explorer | None = None


def _encode(step: Step | Wait, index: dict[int, int]) -> int:
    return index[id(step)] if isinstance(step, Step) else -1 - step.day.toordinal()


def _worker_init(
    path: str,
    candidates: list[Step],
    start: dt.date,
    prefix: list[Move],
    clear_only: bool,
    readings: dict[str, str] | None = None,
    time: bool = False,
) -> None:
    global _worker
    contract = Contract.load(path).under(readings)
    _worker = Explorer(contract, candidates, start, clear_only=clear_only, time=time)
    _worker.prefix = list(prefix)  # already dated by the parent
    _worker._first_day = (
        prefix[-1].date + dt.timedelta(days=1) if prefix and prefix[-1].date else start
    )


def _worker_expand(paths: list[tuple[int, ...]]) -> list[tuple[int, list[tuple[int, Report]]]]:
    """For each parent (as numbers, see `_children_in_pool`), how many children were checked
    and the reports of those worth keeping."""
    assert _worker is not None
    x = _worker
    index = {id(step): i for i, step in enumerate(x.candidates)}
    out: list[tuple[int, list[tuple[int, Report]]]] = []
    for path in paths:
        parent = x.node([x._decode(c) for c in path])
        x.checks = 0
        answers = []
        for child in x._children([parent]):
            answers.append((_encode(child.steps[-1], index), child.report))
        out.append((x.checks, answers))
    return out
