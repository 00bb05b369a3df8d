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
from engine.report import Finding, Report
from engine.search import Budget, Explorer, Step, candidate_moves, new_findings, state_key

DEFAULT_DEPTH = 2
MAX_SHOWN = 25
_WEIGHT = {"info": 1, "warning": 2, "blocking": 3}
_BEFORE = re.compile(r"-before-[a-z0-9_-]+$")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Side(_Frozen):
    verdict: str
    blocking: list[str]
    findings: list[str]  # "rule (severity)" of every finding


class Change(_Frozen):
    """One timeline whose outcome differs, with how."""

    moves: list[str]
    a: Side
    b: Side
    how: list[str]


class DiffResult(_Frozen):
    a: str
    b: str
    start: dt.date
    depth: int | None
    timelines: int
    checks: int
    changes: list[Change]
    not_understood: list[str]  # generated moves one version does not understand

    @property
    def exit_code(self) -> int:
        return 1 if self.changes else 0

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def to_text(self) -> str:
        where = f"timelines of up to {self.depth} generated move(s)" if self.depth else "timelines"
        out = [f"Diff {self.a} -> {self.b}, {where} from {self.start}:"]
        if not self.changes:
            out.append("No timeline changes outcome.")
        for change in self.changes[:MAX_SHOWN]:
            verdicts = f"{change.a.verdict} -> {change.b.verdict}"
            out.append(f"  {'; '.join(change.moves)}: {verdicts}; {'; '.join(change.how)}")
        if len(self.changes) > MAX_SHOWN:
            out.append(f"  ... and {len(self.changes) - MAX_SHOWN} more (--format json lists all)")
        for text in self.not_understood:
            out.append(f"  not understood by one version: {text}")
        out.append(
            f"{len(self.changes)} change(s) in {self.timelines:,} timeline(s), {self.checks:,} check(s)."
        )
        return "\n".join(out) + "\n"


def diff(
    a: Contract,
    b: Contract,
    timelines: Sequence[Sequence[str]] | None = None,
    depth: int = DEFAULT_DEPTH,
    budget: Budget | None = None,
) -> DiffResult:
    """Compare two versions on the given timelines, or on every generated one up to `depth`;
    with a `budget`, SearchTooLarge when the time runs out."""
    start = max(a.as_of, b.as_of)
    if timelines is not None:
        return _given(a, b, start, timelines, budget)
    if depth < 1:
        raise MoveError("--depth must be at least 1")
    steps_a = {s.text: s for s in candidate_moves(a)}
    steps_b = {s.text: s for s in candidate_moves(b)}
    pairs: list[tuple[Step, Step]] = []
    missing: list[str] = []
    for text in [*steps_a, *(t for t in steps_b if t not in steps_a)]:
        try:
            sa = steps_a.get(text) or Step(_parse(a, text), text)
            sb = steps_b.get(text) or Step(_parse(b, text), text)
        except ContractEngineError:
            missing.append(text)
            continue
        pairs.append((sa, sb))
    xa = Explorer(a, [p[0] for p in pairs], start, clear_only=False, budget=budget)
    xb = Explorer(b, [p[1] for p in pairs], start, clear_only=False, budget=budget)
    changes: list[Change] = []
    level: list[tuple[tuple[int, ...], Report, Report]] = [((), xa.check(()), xb.check(()))]
    count = 0
    for _ in range(depth):
        seen: set[Any] = set()
        following = []
        for path, _ra, _rb in level:
            for i in range(len(pairs)):
                steps = (*path, i)
                ra = xa.check([pairs[j][0] for j in steps])
                rb = xb.check([pairs[j][1] for j in steps])
                count += 1
                last = len(steps) - 1
                side_a, side_b = _side(new_findings(ra, last)), _side(new_findings(rb, last))
                if _comparable(side_a) != _comparable(side_b):
                    texts = [pairs[j][0].text for j in steps]
                    changes.append(
                        Change(moves=texts, a=side_a, b=side_b, how=_how(a, b, side_a, side_b))
                    )
                key = (state_key(ra.state["after"]), state_key(rb.state["after"]))
                if key not in seen:
                    seen.add(key)
                    following.append((steps, ra, rb))
        level = following
    checks = xa.checks + xb.checks
    for day in sorted(_landmarks(a) | _landmarks(b)):
        if day <= start:
            continue
        if budget is not None:
            budget.spend()
        ra, rb = a.check_timeline([], at=day), b.check_timeline([], at=day)
        checks += 2
        count += 1
        side_a, side_b = _side(ra.fired()), _side(rb.fired())
        if _comparable(side_a) != _comparable(side_b):
            how = _how(a, b, side_a, side_b)
            changes.append(Change(moves=[f"time passes to {day}"], a=side_a, b=side_b, how=how))
        da = Explorer(a, [p[0] for p in pairs], day, clear_only=False, budget=budget)
        db = Explorer(b, [p[1] for p in pairs], day, clear_only=False, budget=budget)
        for sa, sb in pairs:
            ra, rb = da.check([sa]), db.check([sb])
            count += 1
            side_a = _side([f for f in ra.fired() if f.move == 0])
            side_b = _side([f for f in rb.fired() if f.move == 0])
            if _comparable(side_a) != _comparable(side_b):
                how = _how(a, b, side_a, side_b)
                changes.append(Change(moves=[f"{day}: {sa.text}"], a=side_a, b=side_b, how=how))
        checks += da.checks + db.checks
    return DiffResult(
        a=a.id,
        b=b.id,
        start=start,
        depth=depth,
        timelines=count,
        checks=checks,
        changes=_shortest(changes),
        not_understood=missing,
    )


def _landmarks(contract: Contract) -> set[dt.date]:
    """Days on which the contract's terms change by themselves: a window opens or closes, a term
    runs out, a deadline passes. Timelines at these days show differences that lie in time."""
    days: set[dt.date] = set()
    for spec in contract.spec.norms:
        n = spec.norm
        days.update(d for d in (n.valid_from,) if d)
        days.update(d + dt.timedelta(days=1) for d in (n.valid_until, n.on, n.by) if d)
    return days


def _shortest(changes: list[Change]) -> list[Change]:
    """One timeline per difference: every single move that changes outcome, and of longer
    timelines (or moves at a later day) only the first that shows a change no single move at
    the start shows. Changes of verdict come first."""
    kept: list[Change] = []
    shown: set[tuple[str, ...]] = set()
    for change in sorted(changes, key=lambda c: len(c.moves) > 1 or c.moves[0][:1].isdigit()):
        how = tuple(change.how)
        single = len(change.moves) == 1 and not change.moves[0][:1].isdigit()
        if how in shown and not single:
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
    changes: list[Change] = []
    checks = 0
    for moves in timelines:
        sides = []
        for contract in (a, b):
            explorer = Explorer(
                contract,
                [],
                start,
                [contract.parse_move(m) for m in moves],
                clear_only=False,
                budget=budget,
            )
            report = explorer.root().report
            checks += 1
            sides.append(_side([*report.conflicts, *report.consequences]))
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

    return out or ["the same norms apply; the state they leave differs"]


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
