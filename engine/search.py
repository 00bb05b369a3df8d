"""Timelines generated from a contract's own vocabulary, explored breadth-first with `check`.

Plans, diffs and proofs all ask "what happens over every short timeline of moves?". This module
answers the shared part: which moves to try (`candidate_moves`), how to say each in words the
contract understands (`say`), and a breadth-first walk over the states those moves reach, with
the engine's public `check` as the oracle and two timelines that reach the same state counted once.

The evaluator has no entry point that resumes a check from a saved state, so every timeline is
replayed from the start; the cost of that is measured in docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.api import Contract
from engine.conditions import FieldTest, StateTest
from engine.errors import ContractEngineError, MoveError
from engine.model import FieldSpec, FieldType, NormKind
from engine.report import Finding, Move, Report, StateView
from engine.suggest import did_you_mean
from engine.templates import HOLE

MAX_CANDIDATES = 2_000
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


@dataclass(frozen=True)
class Step:
    """One generated move: undated, with the words that parse back to it."""

    move: Move
    text: str

    @property
    def kind(self) -> str:
        return self.move.kind

    @property
    def actor(self) -> str:
        return self.move.actor


# -- which moves to try --------------------------------------------------------------------------
def candidate_moves(
    contract: Contract,
    allow: Sequence[str] = (),
    forbid: Sequence[str] = (),
    symmetric: int = 0,
) -> list[Step]:
    """Every move worth trying: each event kind (narrowed by allow/forbid) with its fields drawn
    from the contract's entities (respecting `of:`), parties, set members, values the norms test,
    and one fresh name per name field ("another company"). Optional fields are left out, or take
    a value some norm tests. Order is deterministic: kinds by id, then values in sorted order.

    With `symmetric=k`, values no norm, consequence or initial set names are interchangeable
    (renaming them changes no verdict and no state a norm can tell apart), so an entity or name
    field takes the values something names plus k of the others: every timeline of up to k
    moves is then represented up to such a renaming (proofs pass their depth)."""
    spec = contract.spec
    for kind in [*allow, *forbid]:
        if kind not in spec.event_kinds:
            raise MoveError(
                f"unknown move kind '{kind}'{did_you_mean(kind, spec.event_kinds)}; "
                f"known kinds: {', '.join(sorted(spec.event_kinds))}"
            )
    literals = _tested_values(contract)
    named = _named_values(contract) if symmetric else None
    steps: list[Step] = []
    seen: set[str] = set()
    for kind_id in sorted(spec.event_kinds):
        if (allow and kind_id not in allow) or kind_id in forbid:
            continue
        declared = spec.event_kinds[kind_id].kind
        actors = [declared.actor] if declared.actor else sorted(spec.parties)
        options: list[list[Any]] = []
        names = sorted(declared.fields)
        for name in names:
            values = _values(contract, kind_id, name, declared.fields[name], literals)
            if named is not None:
                values = _reduced(values, named, declared.fields[name], name, symmetric)
            options.append(values)
        for actor in actors:
            for combo in itertools.product(*options):
                fields = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
                data: dict[str, Any] = {"kind": kind_id, "actor": actor, **fields}
                try:
                    move = contract.parse_move(data)
                except ContractEngineError:
                    continue  # a combination the kind refuses (e.g. a value outside `of:`)
                key = json.dumps([move.kind, move.actor, move.fields], sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
                steps.append(Step(move.model_copy(update={"text": None}), say(contract, move)))
                if len(steps) > MAX_CANDIDATES:
                    raise MoveError(
                        f"more than {MAX_CANDIDATES:,} candidate moves; narrow them with --allow"
                    )
    return steps


_FRESH = object()


def _values(
    contract: Contract,
    kind_id: str,
    name: str,
    spec: FieldSpec,
    literals: dict[tuple[str, str], set[Any]],
) -> list[Any]:
    """The values tried for one field (None: the field left out)."""
    s = contract.spec
    tested = sorted(literals.get((kind_id, name), set()), key=str)
    optional: list[Any] = [None] if (not spec.required and spec.default is None) else []
    if spec.default is not None and spec.type is not FieldType.name:
        return [spec.default, *[v for v in tested if v != spec.default]]
    t = spec.type
    if t is FieldType.entity:
        values: list[Any] = sorted(
            e.id
            for e in s.entities.values()
            if spec.of is None or e.id in spec.of or e.category in spec.of
        )
        return optional + values
    if t is FieldType.party:
        return optional + sorted(s.parties)
    if t is FieldType.name:
        members = sorted({m for st in s.sets.values() for m in st.members})
        pool = sorted(set(s.entities) | set(members) | {str(v) for v in tested})
        default = [spec.default] if spec.default is not None else []
        fresh = "another " + name.replace("_", " ")
        return optional + default + [v for v in pool if v not in default] + [fresh]
    if t is FieldType.kind:
        relevant = sorted(_relevant_kinds(contract)) or sorted(s.event_kinds)
        return optional + relevant
    if t in (FieldType.money, FieldType.number):
        return optional + (tested or ([] if optional else [1]))
    if t is FieldType.date:
        return optional + (tested or ([] if optional else [contract.as_of.isoformat()]))
    return optional + (tested or ([] if optional else [name]))


def _reduced(
    values: list[Any], named: set[str], spec: FieldSpec, name: str, keep: int
) -> list[Any]:
    """An entity or name field's values: those something names, and `keep` of the rest (fresh
    names for a name field)."""
    if spec.type not in (FieldType.entity, FieldType.name):
        return values
    kept = [v for v in values if v is None or v in named or v == spec.default]
    if spec.type is FieldType.entity:
        return kept + [v for v in values if v not in kept][:keep]
    fresh = "another " + name.replace("_", " ")
    return kept + [fresh if i == 0 else f"{fresh} {i + 1}" for i in range(keep)]


def _named_values(contract: Contract) -> set[str]:
    """Every value a norm, a consequence, a phrase or the initial state names."""
    spec = contract.spec
    named = {m for st in spec.sets.values() for m in st.members}
    for norm in spec.norms:
        for trigger in (norm.trigger, norm.starts, norm.fulfils):
            for test in trigger.tests if trigger else ():
                if isinstance(test, FieldTest):
                    items = test.value if isinstance(test.value, tuple | list) else [test.value]
                    named.update(str(v) for v in items)
        for test in norm.requires:
            if isinstance(test, FieldTest):
                items = test.value if isinstance(test.value, tuple | list) else [test.value]
                named.update(str(v) for v in items)
        for c in norm.consequences:
            named.update(str(v) for _, v in c.args if v is not None)
    for kind in spec.event_kinds.values():
        for c in kind.effects:
            named.update(str(v) for _, v in c.args if v is not None)
        for phrase in kind.phrases:
            named.update(str(v) for v in phrase.set.values())
    return named


def _tested_values(contract: Contract) -> dict[tuple[str, str], set[Any]]:
    """Values norms compare a move's fields with, and a value either side of each bound, so that
    a generated move can land on each side of every test."""
    found: dict[tuple[str, str], set[Any]] = {}
    for norm in contract.spec.norms:
        for trigger in (norm.trigger, norm.starts, norm.fulfils):
            if trigger is None or trigger.source != "move":
                continue
            for test in trigger.tests:
                if not isinstance(test, FieldTest):
                    continue
                bucket = found.setdefault((trigger.kind, test.field), set())
                shown = test.shown if test.shown is not None else test.value
                items = shown if isinstance(shown, list) else [shown]
                for item in items:
                    if isinstance(item, bool):
                        continue
                    if isinstance(item, dt.date):
                        item = item.isoformat()
                    bucket.add(item)
                    if test.op in ("gt", "gte", "lt", "lte"):
                        bucket.update(_beside(item))
    return found


def _beside(value: Any) -> list[Any]:
    if isinstance(value, int | float):
        return [value - 1, value + 1]
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return []
    return [(day - dt.timedelta(days=1)).isoformat(), (day + dt.timedelta(days=1)).isoformat()]


def _relevant_kinds(contract: Contract) -> set[str]:
    """Kinds a norm can tell apart when a move names one (a consent's subject): those its state
    conditions name, and those a consent norm guards."""
    kinds: set[str] = set()
    for norm in contract.spec.norms:
        tests = [*norm.requires, *norm.exceptions]
        for test in tests:
            if isinstance(test, StateTest) and test.question in ("consent", "happened"):
                kinds.add(test.args[-1] if test.question == "consent" else test.args[0])
        if norm.norm.kind is NormKind.consent and norm.trigger.source == "move":
            kinds.add(norm.trigger.kind)
    return kinds & set(contract.spec.event_kinds)


# -- moves in words ------------------------------------------------------------------------------
def say(contract: Contract, move: Move, with_actor: bool = True) -> str:
    """Words that parse back to exactly this move, from the kind's own phrases; JSON if none does.
    Without `with_actor`, a phrase that leaves the actor out (for "needs Microsoft to ...")."""
    spec = contract.spec
    kind = spec.event_kinds[move.kind]
    for phrase in kind.phrases:
        holes = HOLE.findall(phrase.text)
        if not with_actor and "actor" in holes:
            continue
        values = {h: _name_of(contract, move, h) for h in holes}
        if any(v is None for v in values.values()):
            continue
        text = phrase.text
        for hole, value in values.items():
            text = text.replace("{" + hole + "}", str(value))
        text = text.replace("{{", "{").replace("}}", "}")
        try:
            back = contract.parse_move(text, actor=None if with_actor else move.actor)
        except ContractEngineError:
            continue
        if (back.kind, back.actor, back.fields) == (move.kind, move.actor, move.fields):
            return text
    if not with_actor:
        return ""
    return json.dumps({"kind": move.kind, "actor": move.actor, **move.fields}, sort_keys=True)


def _name_of(contract: Contract, move: Move, hole: str) -> str | None:
    s = contract.spec
    if hole == "actor":
        return s.parties[move.actor].name
    if hole not in move.fields:
        return None
    value = move.fields[hole]
    spec = s.event_kinds[move.kind].kind.fields.get(hole)
    if isinstance(value, str):
        if value in s.entities:
            return s.entities[value].name
        if value in s.parties:
            return s.parties[value].name
        if spec is not None and spec.type is FieldType.kind and value in s.event_kinds:
            k = s.event_kinds[value].kind
            return k.aliases[0] if k.aliases else k.title
        if spec is not None and spec.type is FieldType.money:
            return str(value)
        return move.labels.get(value, value.replace("_", " "))
    return str(value)


def party_name(contract: Contract, party: str) -> str:
    p = contract.spec.parties.get(party)
    return p.name if p else party


# -- states --------------------------------------------------------------------------------------
def state_key(view: StateView) -> tuple[Any, ...]:
    """What a state means for later moves, without the words of how it came about (which move
    ended a clause) and without its date: two timelines reaching the same key are one."""
    return (
        view.partnership,
        tuple((c, s.status, s.until) for c, s in view.clauses.items()),
        tuple(view.consents),
        tuple(view.happened),
        tuple((k, tuple(v)) for k, v in view.sets.items()),
        tuple(view.flags),
        tuple((r.party, r.right) for r in view.rights),
        tuple((d.rule, d.due) for d in view.deadlines),
    )


def new_findings(report: Report, first: int) -> list[Finding]:
    """Conflicts and consequences of the moves from index `first` on, and of time passing after
    the move before it: what the last steps of a timeline set off."""
    since = report.moves[first - 1].date if first > 0 else None
    found = []
    for f in [*report.conflicts, *report.consequences]:
        if f.move is not None:
            if f.move >= first:
                found.append(f)
        elif since is None or (f.date > since):
            found.append(f)
    return found


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.type == "conflict" and f.severity.value == "blocking"]


# -- the walk ------------------------------------------------------------------------------------
@dataclass
class Node:
    """A timeline of generated steps after the given prefix, and the report of checking it."""

    steps: tuple[Step, ...]
    report: Report

    @property
    def key(self) -> tuple[Any, ...]:
        return state_key(self.report.state["after"])


@dataclass
class Explorer:
    """Breadth-first over timelines of candidate moves. Step i of a timeline is dated `start`
    plus i days (after the prefix's last date), so each move sees a later day than the one
    before; `check` is the oracle. With `clear_only`, a timeline with a blocking conflict is not
    extended (plans); without, every timeline is (proofs). `per_level` keeps states seen at
    different depths apart (their dates differ, so for exact proofs), otherwise a state reached
    again later is dropped (plans: the earlier arrival is kept)."""

    contract: Contract
    candidates: list[Step]
    start: dt.date
    prefix: list[Move] = field(default_factory=list)
    clear_only: bool = True
    per_level: bool = False
    checks: int = 0
    states: int = 0
    workers: int = 1
    budget: Budget | None = None  # a search with a budget runs in-process, checked per check

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
        self._moves: dict[tuple[int, int], Move] = {}

    def day(self, index: int) -> dt.date:
        """The date of the index-th generated step (0-based) after the prefix."""
        return self._first_day + dt.timedelta(days=index)

    def timeline(self, steps: Sequence[Step]) -> list[Move]:
        return [*self.prefix, *(self._dated(s, i) for i, s in enumerate(steps))]

    def _dated(self, step: Step, index: int) -> Move:
        """A step's move on its day; made once per step and day (timelines share them)."""
        key = (id(step), index)
        move = self._moves.get(key)
        if move is None:
            move = self._moves[key] = step.move.model_copy(update={"date": self.day(index)})
        return move

    def check(self, steps: Sequence[Step]) -> Report:
        if self.budget is not None:
            self.budget.spend()
        self.checks += 1
        moves = self.timeline(steps)
        at = moves[-1].date if moves else self.start
        return self.contract.check_timeline(moves, at=at)

    def _children(self, parents: list[Node]) -> Iterator[Node]:
        """Each parent's timelines one step longer, in order (clear ones only with
        `clear_only`); across processes when there are many."""
        jobs = len(parents) * len(self.candidates)
        workers = min(self.workers, len(parents)) if self.budget is None else 1
        if workers > 1 and jobs >= POOL_MIN_CHECKS:
            yield from self._children_in_pool(parents, workers)
            return
        for node in parents:
            for step in self.candidates:
                steps = (*node.steps, step)
                report = self.check(steps)
                if self.clear_only and report.verdict != "clear":
                    continue
                yield Node(steps, report)

    def _children_in_pool(self, parents: list[Node], workers: int) -> Iterator[Node]:
        """The same children, computed by worker processes that load the contract once each
        (from its file) and check whole chunks of parents; answers come back in order."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        index = {id(step): i for i, step in enumerate(self.candidates)}
        paths = [tuple(index[id(s)] for s in node.steps) for node in parents]
        size = max(1, len(paths) // (workers * 4))
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        setup = (
            str(self.contract.spec.path),
            self.candidates,
            self.start,
            self.prefix,
            self.clear_only,
            self.contract.reading_choice,
        )
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=setup,
        )
        try:
            for chunk_paths, results in zip(chunks, pool.map(_worker_expand, chunks), strict=True):
                self.checks += len(chunk_paths) * len(self.candidates)
                for path, answers in zip(chunk_paths, results, strict=True):
                    for i, report in answers:
                        yield Node(tuple(self.candidates[j] for j in (*path, i)), report)
        finally:  # a search that stops early (a counterexample) drops the chunks not started
            pool.shutdown(wait=True, cancel_futures=True)

    def root(self) -> Node:
        return Node((), self.check(()))

    def levels(
        self, depth: int, visit: Callable[[Node], None] | None = None
    ) -> Iterator[list[Node]]:
        """Level 0 is the prefix alone; level k holds one node per distinct state reached by a
        timeline of k generated steps (the first found, in candidate order). `visit` sees every
        timeline checked, before two that reach one state are merged."""
        root = self.root()
        seen: set[Any] = {root.key}
        self.states = 1
        level = [root]
        yield level
        for _ in range(depth):
            if self.per_level:
                seen = set()
            following: list[Node] = []
            parents = [n for n in level if not (self.clear_only and n.report.verdict != "clear")]
            for child in self._children(parents):
                if visit is not None:
                    visit(child)
                key = child.key
                if key in seen:
                    continue
                seen.add(key)
                following.append(child)
            self.states += len(following)
            level = following
            if not level:
                return
            yield level


# -- worker processes ------------------------------------------------------------------------------
_worker: Explorer | None = None


def _worker_init(
    path: str,
    candidates: list[Step],
    start: dt.date,
    prefix: list[Move],
    clear_only: bool,
    readings: dict[str, str] | None = None,
) -> None:
    global _worker
    contract = Contract.load(path).under(readings)
    _worker = Explorer(contract, candidates, start, clear_only=clear_only)
    _worker.prefix = list(prefix)  # already dated by the parent
    _worker._first_day = (
        prefix[-1].date + dt.timedelta(days=1) if prefix and prefix[-1].date else start
    )


def _worker_expand(paths: list[tuple[int, ...]]) -> list[list[tuple[int, Report]]]:
    """For each parent (as candidate indices), the reports of its children worth keeping."""
    assert _worker is not None
    x = _worker
    out: list[list[tuple[int, Report]]] = []
    for path in paths:
        answers = []
        for i in range(len(x.candidates)):
            report = x.check([x.candidates[j] for j in (*path, i)])
            if x.clear_only and report.verdict != "clear":
                continue
            answers.append((i, report))
        out.append(answers)
    return out
