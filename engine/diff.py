"""Diffs: which moves and timelines change outcome between two versions of a contract, and how.

Both versions are checked on the same timelines, dated alike from the later of their default
dates (an amendment's default date is its effective date, so the new terms are the ones
compared). Without given timelines, every timeline of generated moves up to a depth is tried,
walked breadth-first over the pair of states the two versions reach (a pair reached twice at the
same depth is walked once). A generated timeline is reported when the outcome of its last move
differs, so each difference is shown once, on the shortest timeline that shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.amend import amendment_of
from engine.api import Contract
from engine.errors import ContractEngineError, MoveError
from engine.load import load_yaml_file
from engine.plan import dated_words
from engine.report import Finding, Report
from engine.search import (
    Budget,
    Explorer,
    Node,
    Step,
    Wait,
    candidates,
    canonical,
    has_history,
    named_values,
    say,
    time_steps,
)

DEFAULT_DEPTH = 2
MAX_SHOWN = 25
_WEIGHT = {"info": 1, "warning": 2, "blocking": 3}
_BEFORE = re.compile(r"-before-[a-z0-9_-]+$")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Side(_Frozen):
    verdict: str  # the verdict `check` gives the whole timeline (every reading considered)
    blocking: list[str]  # the blocking conflicts `check` reports for it
    findings: list[str]  # "rule (severity)" of every finding of the timeline's last step


class Change(_Frozen):
    """One timeline whose outcome differs, with how. `moves` and `at` replay it:
    `check -m MOVE ... --at AT` gives each side's verdict."""

    moves: list[str]
    at: dt.date | None = None  # the check date, when time passes after the last move
    a: Side
    b: Side
    how: list[str]

    def shown(self) -> str:
        """The timeline as a line says it."""
        parts = list(self.moves)
        last = _day_of(self.moves[-1]) if self.moves else None
        if self.at is not None and (last is None or self.at > last):
            parts.append(f"time passes to {self.at}")
        return "; ".join(parts)


class DiffResult(_Frozen):
    a: str
    b: str
    start: dt.date
    depth: int | None
    timelines: int
    checks: int
    changes: list[Change]
    not_understood: list[str]  # generated moves one version does not understand
    uncovered: list[str] = []  # what the generated moves could not try (engine/candidates.py)

    @property
    def exit_code(self) -> int:
        return 1 if self.changes else 0

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def to_text(self) -> str:
        where = (
            f"timelines of up to {self.depth} step(s) (a generated move, or time passing)"
            if self.depth
            else "timelines"
        )
        out = [f"Diff {self.a} -> {self.b}, {where} from {self.start}:"]
        if not self.changes:
            out.append("No timeline changes outcome.")
        for change in self.changes[:MAX_SHOWN]:
            verdicts = f"{change.a.verdict} -> {change.b.verdict}"
            out.append(f"  {change.shown()}: {verdicts}; {'; '.join(change.how)}")
        if len(self.changes) > MAX_SHOWN:
            out.append(f"  ... and {len(self.changes) - MAX_SHOWN} more (--format json lists all)")
        for text in self.not_understood:
            out.append(f"  not understood by one version: {text}")
        for gap in self.uncovered:
            out.append(f"  not covered: {gap}")
        out.append(
            f"{len(self.changes)} change(s) in {self.timelines:,} timeline(s), {self.checks:,} check(s)."
        )
        return "\n".join(out) + "\n"


def _day_of(words: str) -> dt.date | None:
    m = re.match(r"^(\d{4}-\d{2}-\d{2}):", words)
    return dt.date.fromisoformat(m.group(1)) if m else None


def diff(
    a: Contract,
    b: Contract,
    timelines: Sequence[Sequence[str]] | None = None,
    depth: int = DEFAULT_DEPTH,
    budget: Budget | None = None,
) -> DiffResult:
    """Compare two versions on the given timelines, or on every generated one up to `depth`
    steps, a step being a move of one of each class of values either version can tell apart,
    or time passing to a day on which either version's terms or state change by themselves;
    with a `budget`, SearchTooLarge when the time runs out."""
    start = max(a.as_of, b.as_of)
    if timelines is not None:
        return _given(a, b, start, timelines, budget)
    if depth < 1:
        raise MoveError("--depth must be at least 1")
    tried_a = candidates(a, symmetric=depth, named=named_values(b))
    tried_b = candidates(b, symmetric=depth, named=named_values(a))
    steps_a = {(s.text, s.relative): s for s in tried_a.steps}
    steps_b = {(s.text, s.relative): s for s in tried_b.steps}
    pairs: list[tuple[Step, Step]] = []
    missing: list[str] = []
    for key in [*steps_a, *(k for k in steps_b if k not in steps_a)]:
        try:
            sa = steps_a.get(key) or _twin(a, steps_b[key])
            sb = steps_b.get(key) or _twin(b, steps_a[key])
        except ContractEngineError:
            missing.append(key[0])
            continue
        pairs.append((sa, sb))
    walk = _Walk(a, b, pairs, start, budget)
    changes = walk.run(depth)
    return DiffResult(
        a=a.id,
        b=b.id,
        start=start,
        depth=depth,
        timelines=walk.count,
        checks=walk.xa.checks + walk.xb.checks + walk.replays,
        changes=_shortest(changes, start),
        not_understood=missing,
        uncovered=sorted(set(tried_a.uncovered) | set(tried_b.uncovered)),
    )


def _twin(contract: Contract, step: Step) -> Step:
    """The other version's reading of a generated step's words (MoveError if it has none)."""
    return Step(_parse(contract, step.text), step.text, step.symbols, step.relative)


Path = tuple[int, ...]  # a timeline: indices of pairs, or -1 - the ordinal of a wait's day


class _Walk:
    """Breadth-first over timelines checked under both versions at once; two timelines that
    reach the same pair of states on the same day at the same depth are continued once (never
    when either version keeps measures, whose history no state shows)."""

    def __init__(
        self,
        a: Contract,
        b: Contract,
        pairs: list[tuple[Step, Step]],
        start: dt.date,
        budget: Budget | None,
    ) -> None:
        self.a, self.b, self.pairs = a, b, pairs
        self.xa = Explorer(a, [p[0] for p in pairs], start, clear_only=False, budget=budget)
        self.xb = Explorer(b, [p[1] for p in pairs], start, clear_only=False, budget=budget)
        self.history = has_history(a) or has_history(b)
        self.count = 0
        self.replays = 0

    def steps(self, path: Path, side: int) -> list[Step | Wait]:
        return [self.pairs[i][side] if i >= 0 else Wait(dt.date.fromordinal(-1 - i)) for i in path]

    def run(self, depth: int) -> list[Change]:
        changes: list[Change] = []
        root = (self.xa.node(()), self.xb.node(()))
        level: list[tuple[Path, Node, Node]] = [((), *root)]
        for _ in range(depth):
            seen: set[Any] = set()
            following = []
            for path, na, nb in level:
                used = {s for i in path if i >= 0 for s in self.pairs[i][0].symbols}
                waits = time_steps(
                    [self.a, self.b],
                    [na.report.state["after"], nb.report.state["after"]],
                    na.last_move,
                    na.at,
                )
                children = [i for i, p in enumerate(self.pairs) if canonical(used, p[0])]
                children += [-1 - w.day.toordinal() for w in waits]
                for i in children:
                    steps = (*path, i)
                    ca = self.xa.node(self.steps(steps, 0), na.at)
                    cb = self.xb.node(self.steps(steps, 1), nb.at)
                    self.count += 1
                    side_a, side_b = _side(ca.last_findings()), _side(cb.last_findings())
                    if _comparable(side_a) != _comparable(side_b):
                        changes.append(self.change(ca, side_a, side_b))
                    key: Any = steps
                    if not self.history:
                        key = (ca.key, cb.key, ca.at, ca.cursor)
                    if key not in seen:
                        seen.add(key)
                        following.append((steps, ca, cb))
            level = following
        return changes

    def change(self, node: Node, side_a: Side, side_b: Side) -> Change:
        """The timeline as `check` takes it, with the verdict `check` gives it under each
        version (every reading), and how its last step's findings differ."""
        moves = [
            dated_words(m.text or say(self.xa.contract, m), m) for m in self.xa.timeline(node.steps)
        ]
        last = _day_of(moves[-1]) if moves else None
        at = node.at if last is None or node.at > last else None
        sides = []
        for contract, side in ((self.a, side_a), (self.b, side_b)):
            report = contract.check_timeline(moves, at=at or self.xa.start)
            self.replays += 1
            sides.append(side.model_copy(update=_verdict(report)))
        return Change(
            moves=moves, at=at, a=sides[0], b=sides[1], how=_how(self.a, self.b, side_a, side_b)
        )


def _verdict(report: Report) -> dict[str, Any]:
    """The verdict and blocking conflicts `check` reports (the worst reading's)."""
    blocking = {f.rule or "?" for f in report.conflicts if _blocks(f)}
    if report.readings is not None:
        for result in report.readings.results:
            blocking |= {f.rule or "?" for f in result.report.conflicts if _blocks(f)}
    return {"verdict": report.verdict, "blocking": sorted(blocking)}


def _blocks(f: Finding) -> bool:
    return f.type == "conflict" and f.severity.value == "blocking" and not f.waived


def _shortest(changes: list[Change], start: dt.date) -> list[Change]:
    """One timeline per difference: every single move at the start that changes outcome, and
    of longer timelines (or later days) only the first that shows a change no single move at
    the start shows. Changes of verdict come first."""
    kept: list[Change] = []
    shown: set[tuple[str, ...]] = set()

    def single(c: Change) -> bool:
        return len(c.moves) == 1 and c.at is None and _day_of(c.moves[0]) == start

    for change in sorted(changes, key=lambda c: not single(c)):
        how = tuple(change.how)
        if how in shown and not single(change):
            continue
        shown.add(how)
        kept.append(change)
    return sorted(kept, key=lambda c: (c.a.verdict == c.b.verdict, len(c.moves)))


def read_timelines(path: str) -> list[list[str]]:
    """A moves file: a YAML list whose items are a move (a timeline of one) or a list of moves."""
    from pathlib import Path

    return timelines_of(load_yaml_file(Path(path)), path)


def timelines_of(raw: Any, source: str) -> list[list[str]]:
    """The timelines of a moves file's content (or a request's): a list whose items are a move
    in words (a timeline of one) or a list of moves in words; else an error at source:line."""
    from engine.errors import ContractFileError, Problem
    from engine.load import line_of

    if not isinstance(raw, list):
        raise ContractFileError(
            [Problem(source, line_of(raw, ()), "a moves file is a list of moves or of timelines")]
        )
    timelines: list[list[str]] = []
    for index, item in enumerate(raw):
        moves = item if isinstance(item, list) else [item]
        if not moves or not all(isinstance(m, str) for m in moves):
            raise ContractFileError(
                [
                    Problem(
                        source,
                        line_of(raw, (index,)),
                        "each item is a move in words, or a list of moves in words",
                    )
                ]
            )
        timelines.append([str(m) for m in moves])
    return timelines


def _given(
    a: Contract,
    b: Contract,
    start: dt.date,
    timelines: Sequence[Sequence[str]],
    budget: Budget | None = None,
) -> DiffResult:
    """The given timelines, each checked as `check -m ...` checks it (undated moves on the
    start day) under both versions."""
    changes: list[Change] = []
    checks = 0
    for moves in timelines:
        sides = []
        for contract in (a, b):
            if budget is not None:
                budget.spend()
            report = contract.check_timeline(list(moves), at=start)
            checks += 1
            side = _side([*report.conflicts, *report.consequences])
            sides.append(side.model_copy(update=_verdict(report)))
        if _comparable(sides[0]) != _comparable(sides[1]):
            changes.append(
                Change(moves=list(moves), a=sides[0], b=sides[1], how=_how(a, b, *sides))
            )
    return DiffResult(
        a=a.id,
        b=b.id,
        start=start,
        depth=None,
        timelines=len(timelines),
        checks=checks,
        changes=changes,
        not_understood=[],
    )


def _parse(contract: Contract, text: str) -> Any:
    return contract.parse_move(text).model_copy(update={"text": None, "date": None})


def _side(findings: list[Finding]) -> Side:
    block = sorted(
        {
            f.rule or "?"
            for f in findings
            if f.type == "conflict" and f.severity.value == "blocking" and not f.waived
        }
    )
    return Side(
        verdict="conflict" if block else "clear",
        blocking=block,
        findings=sorted({f"{f.rule} ({f.severity.value})" for f in findings if f.rule}),
    )


def _comparable(side: Side) -> tuple[Any, ...]:
    """A side with the ids that an amendment gives the old terms taken back to the original."""
    return (
        side.verdict,
        tuple(sorted(_BEFORE.sub("", r) for r in side.blocking)),
        tuple(sorted(_BEFORE.sub("", r) for r in side.findings)),
    )


def _how(a: Contract, b: Contract, side_a: Side, side_b: Side) -> list[str]:
    """Each norm whose findings differ, and the amendment that changed it, in words."""
    fa = {_BEFORE.sub("", r) for r in side_a.findings}
    fb = {_BEFORE.sub("", r) for r in side_b.findings}
    rules_a = {x.rsplit(" (", 1)[0]: x for x in fa}
    rules_b = {x.rsplit(" (", 1)[0]: x for x in fb}
    out = []
    for rule in sorted(set(rules_a) | set(rules_b)):
        before, after = rules_a.get(rule), rules_b.get(rule)
        if before == after:
            continue
        weight_a = _WEIGHT[_severity(before)] if before else 0
        weight_b = _WEIGHT[_severity(after)] if after else 0
        shown_a = _severity(before) if before else "does not apply"
        shown_b = _severity(after) if after else "does not apply"
        verb = (
            "relaxed" if weight_b < weight_a else "tightened" if weight_b > weight_a else "changed"
        )
        by = f" by amendment {_changed_by(b, rule)}" if _changed_by(b, rule) else ""
        if not by and _changed_by(a, rule):
            by = f", undoing amendment {_changed_by(a, rule)}"
        out.append(f"{rule} {verb}{by} ({shown_a} -> {shown_b})")

    if out:
        return out
    if side_a.blocking != side_b.blocking:  # only another reading than the default tells
        before, after = ", ".join(side_a.blocking) or "none", ", ".join(side_b.blocking) or "none"
        return [
            f"the same findings under the default readings; blocking under some reading: {before} -> {after}"
        ]
    return ["the same norms apply; the state they leave differs"]


def _severity(finding: str) -> str:
    return finding.rsplit(" (", 1)[-1].rstrip(")")


def _changed_by(contract: Contract, rule: str) -> str | None:
    """The id of the amendment (of this version) that added, replaced or removed the norm."""
    amendment = amendment_of(contract.spec)
    if amendment is None:
        return None
    if rule in (*amendment.replaced, *amendment.removed, *amendment.added):
        return amendment.id
    return None
