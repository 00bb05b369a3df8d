"""Plans: the shortest timelines of moves that reach a goal with the contract's blessing.

"How can OpenAI go public without a conflict?" is a search: breadth-first over the states that
generated moves reach (engine/search.py), with `check` as the oracle. A plan is a timeline whose
every step is clear of blocking conflicts (a missed deadline is one) and whose last step is the
goal move, or after which the goal state holds. Each plan replays through `check` as printed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.api import Contract, MoveLike, parse_day
from engine.conditions import with_article
from engine.errors import MoveError
from engine.goals import STATE_FORMS, StateGoal, parse_state
from engine.report import Move, Report
from engine.search import (
    Budget,
    Explorer,
    Node,
    Step,
    Wait,
    blocking,
    candidate_moves,
    party_name,
    say,
)

DEFAULT_MAX_STEPS = 4
MAX_PLANS = 3
MAX_ATTEMPTS = 3


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanStep(_Frozen):
    """One dated move of a plan; `replay` is what to give `check --move` to replay it."""

    date: dt.date
    text: str
    kind: str
    actor: str
    needs: str | None = None  # "needs Microsoft to consent to the conversion"
    replay: str


class Blocker(_Frozen):
    """A norm that blocks the goal, and why it applies (the conditions it checked)."""

    rule: str | None
    clause: str | None
    message: str
    why: list[str]


class Attempt(_Frozen):
    """A timeline that came closest: the goal move after it is blocked by `blocked_by`."""

    steps: list[PlanStep]
    blocked_by: list[Blocker]


class PlanResult(_Frozen):
    contract: str
    goal: str
    goal_type: Literal["move", "state"]
    start: dt.date
    given: list[str]
    max_steps: int
    by: dt.date | None = None
    found: bool
    plans: list[list[PlanStep]]
    closest: list[Attempt]
    states_explored: int
    checks: int
    readings: dict[str, str] | None = Field(
        None, description="The reading of each disputed clause searched (replay with --reading)."
    )

    @property
    def exit_code(self) -> int:
        return 0 if self.found else 1

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def to_text(self) -> str:
        out = [f'Plan for "{self.goal}" ({self.contract}), from {self.start}']
        if self.given:
            out[0] += ", after: " + "; ".join(self.given)
        bound = f"at most {self.max_steps} step(s)" + (f", by {self.by}" if self.by else "")
        if self.found:
            for n, steps in enumerate(self.plans, 1):
                if not steps:
                    out.append("The goal already holds: no move is needed.")
                    continue
                head = "Plan" if len(self.plans) == 1 else f"Plan {n}"
                out.append(f"{head}, {len(steps)} step(s), every step clear:")
                out += [_step_line(i, s) for i, s in enumerate(steps, 1)]
        else:
            out.append(f"No plan within {bound}.")
            for n, attempt in enumerate(self.closest, 1):
                after = "; ".join(s.text for s in attempt.steps) or "nothing"
                out.append(f"Closest attempt {n}: after {after}, the goal is blocked by:")
                for b in attempt.blocked_by:
                    out.append(f"  {b.rule} ({b.clause}): {b.message}")
                    out += [f"    {w}" for w in b.why]
        out.append(
            f"Searched {self.states_explored:,} state(s) with {self.checks:,} check(s) ({bound})."
        )
        if self.readings:
            fixed = " ".join(f"--reading {c}={n}" for c, n in self.readings.items())
            out.append(f"Under the readings {fixed} (replay with them).")
        return "\n".join(out) + "\n"


def _step_line(i: int, s: PlanStep) -> str:
    line = f"  {i}. {s.date}  {s.text}"
    return line + (f"  ({s.needs})" if s.needs else "")


def plan(
    contract: Contract,
    goal: str,
    given: Sequence[MoveLike] = (),
    max_steps: int = DEFAULT_MAX_STEPS,
    allow: Sequence[str] = (),
    forbid: Sequence[str] = (),
    by: dt.date | str | None = None,
    at: dt.date | str | None = None,
    workers: int | None = None,
    budget: Budget | None = None,
) -> PlanResult:
    """The shortest plans (up to MAX_PLANS, in a deterministic order) that reach `goal` — a move
    in words, or a state (see engine/goals.STATE_FORMS) — from the initial state or after the
    `given` moves, each step dated one day after the one before, starting at `at` (default: the
    contract's as_of). A large search uses `workers` processes (default: one per core); with a
    `budget` it stops with SearchTooLarge when the time runs out."""
    if max_steps < 1:
        raise MoveError("--max-steps must be at least 1")
    contract = contract.under()  # one reading of each disputed clause: the default, or as fixed
    start = parse_day(at) or contract.as_of
    deadline = parse_day(by)
    prefix = [contract.parse_move(m) for m in given]
    state_goal = parse_state(contract, goal)
    goal_step: Step | None = None
    if state_goal is None:
        try:
            goal_move = contract.parse_move(goal)
        except MoveError as error:
            raise MoveError(
                f"{error}\nA goal is a move, or a state: {'; '.join(STATE_FORMS)}"
            ) from None
        words = say(contract, goal_move) if goal.lstrip().startswith("{") else goal
        goal_move = goal_move.model_copy(update={"date": None, "text": words})
        goal_step = Step(goal_move, words)
        if goal_move.kind in forbid:
            raise MoveError(
                f"the goal is {with_article(goal_move.kind)} move, which --forbid excludes"
            )
    candidates = candidate_moves(contract, allow, forbid)
    explorer = Explorer(
        contract, candidates, start, prefix, workers=workers or os.cpu_count() or 1, budget=budget
    )
    root = explorer.root()
    if root.report.verdict != "clear":
        rules = ", ".join(sorted({f.rule or "?" for f in blocking(root.report.conflicts)}))
        raise MoveError(f"the given moves already have a blocking conflict ({rules})")
    me = goal_step.actor if goal_step else _main_actor(contract)
    plans: list[tuple[int, list[PlanStep]]] = []
    attempts: list[tuple[int, int, Attempt]] = []
    depth = max_steps - 1 if goal_step else max_steps
    if deadline is not None:  # the goal's own day, step `depth` (or the last step), by then
        days = (deadline - explorer.day(0)).days
        depth = min(depth, days if goal_step else days + 1)
    levels = explorer.levels(depth) if depth >= 0 else iter(())
    for level in levels:
        for node in level:
            if goal_step is None:
                assert state_goal is not None
                if _reached(node, state_goal):
                    plans.append(
                        (_warnings(node.report), timeline_steps(contract, explorer, node.steps, me))
                    )
            else:
                steps = (*node.steps, goal_step)
                report = explorer.check(steps)
                if report.verdict == "clear":
                    plans.append((_warnings(report), timeline_steps(contract, explorer, steps, me)))
                else:
                    attempts.append(_attempt(contract, explorer, node, report, len(attempts), me))
            if len(plans) >= MAX_PLANS:
                break
        if plans:
            break
    attempts.sort(key=lambda a: (a[0], a[1]))
    closest: list[Attempt] = []
    shown: set[tuple[str | None, ...]] = set()
    for _, _, attempt in attempts:  # one attempt per set of blocking norms, the shortest first
        blocked_by = tuple(b.rule for b in attempt.blocked_by)
        if blocked_by not in shown and len(closest) < MAX_ATTEMPTS:
            shown.add(blocked_by)
            closest.append(attempt)
    return PlanResult(
        readings=contract.reading_choice,
        contract=contract.id,
        goal=state_goal.text if state_goal else goal,
        goal_type="state" if state_goal else "move",
        start=start,
        given=[dated_words(m.text or say(contract, m), m) for m in explorer.prefix],
        max_steps=max_steps,
        by=deadline,
        found=bool(plans),
        plans=[steps for _, steps in sorted(plans, key=lambda p: p[0])],
        closest=[] if plans else closest,
        states_explored=explorer.states,
        checks=explorer.checks,
    )


def _warnings(report: Report) -> int:
    """How many warnings a plan sets off: of plans equally short, the quieter comes first."""
    return sum(f.severity.value == "warning" for f in report.fired())


def _reached(node: Node, goal: StateGoal) -> bool:
    return goal.holds(node.report.state["after"])


def _main_actor(contract: Contract) -> str:
    """Whose plan a state goal is: the party that makes most kinds of move."""
    counts = Counter(k.kind.actor for k in contract.spec.event_kinds.values() if k.kind.actor)
    if counts:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return next(iter(contract.spec.parties))


def timeline_steps(
    contract: Contract, explorer: Explorer, steps: Sequence[Step | Wait], me: str
) -> list[PlanStep]:
    """The generated steps of a timeline as dated, replayable plan steps; a step by another
    party than `me` says whose move it needs. Time passing is a step of kind "" whose replay
    is the check date (`--at`)."""
    moves = iter(explorer.timeline(steps)[len(explorer.prefix) :])
    out = []
    for step in steps:
        if isinstance(step, Wait):
            out.append(
                PlanStep(
                    date=step.day, text=step.text, kind="", actor="", replay=f"--at {step.day}"
                )
            )
            continue
        move = next(moves)
        assert move.date is not None
        needs = None
        if step.actor != me:
            words = say(contract, step.move, with_actor=False)
            who = party_name(contract, step.actor)
            needs = f"needs {who} to {words}" if words else f"needs {who} to make this move"
        out.append(
            PlanStep(
                date=move.date,
                text=move.text or step.text,
                kind=step.kind,
                actor=step.actor,
                needs=needs,
                replay=dated_words(move.text or step.text, move),
            )
        )
    return out


def dated_words(text: str, move: Move) -> str:
    """The words of a move with its date, as `check --move` takes them."""
    assert move.date is not None
    text = re.sub(r"^\s*\d{4}-\d{2}-\d{2}\s*[:,]\s*", "", text)
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        data["date"] = move.date.isoformat()
        return json.dumps(data, sort_keys=True)
    return f"{move.date}: {text}"


def _attempt(
    contract: Contract, explorer: Explorer, node: Node, report: Report, order: int, me: str
) -> tuple[int, int, Attempt]:
    last = len(report.moves) - 1
    blockers = [f for f in blocking(report.conflicts) if f.move == last or f.move is None]
    found = [
        Blocker(
            rule=f.rule,
            clause=f.clause,
            message=f.message,
            why=[
                f"{e.condition}: {e.value} ({'holds' if e.held else 'does not hold'})"
                for e in f.evidence
            ],
        )
        for f in blockers
    ]
    attempt = Attempt(steps=timeline_steps(contract, explorer, node.steps, me), blocked_by=found)
    return (len(found), order, attempt)
