"""What every lint check reads and writes: the contract, what can ever become true in it, each
field's domain, each norm's window, and the problems found so far."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from engine.api import Contract
from engine.conditions import FieldTest, StateTest, Trigger
from engine.constructs import CHANGE_KINDS
from engine.lint.facts import clause_until, fits, possible_facts
from engine.model import FieldSpec, FieldType, NormKind
from engine.validate import NormSpec

Severity = Literal["error", "warning", "info"]
Window = tuple[dt.date | None, dt.date | None]  # first and last day, None: unbounded


class LintProblem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    line: int | None
    severity: Severity
    check: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.severity}: [{self.check}] {self.message}"


@dataclass
class Lint:
    """One lint run: the checks (engine/lint/*.py) add their problems here."""

    contract: Contract
    features: Path | None
    show_path: Callable[[str], str] = str

    def __post_init__(self) -> None:
        self.spec = self.contract.spec
        self.problems: list[LintProblem] = []
        self.possible = possible_facts(self.contract)
        self.until = clause_until(self.spec.norms)

    def add(
        self,
        norm: NormSpec | None,
        severity: Severity,
        check: str,
        message: str,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        where = file if file is not None else (norm.file if norm else str(self.spec.path))
        self.problems.append(
            LintProblem(
                file=self.show_path(where),
                line=line if file is not None else (norm.line if norm else None),
                severity=severity,
                check=check,
                message=message,
            )
        )

    def where(self, norm: NormSpec) -> str:
        """A norm's place as a message names it: `file:line`."""
        return f"{self.show_path(norm.file)}:{norm.line}"

    def reported(self, check: str) -> set[str]:
        """The ids of the norms a check has reported so far."""
        return {p.message.split(":", 1)[0] for p in self.problems if p.check == check}

    # -- domains ---------------------------------------------------------------------------------
    def domains(self, trigger: Trigger) -> dict[str, FieldSpec | set[str] | None]:
        """Each field's domain: a finite set of values, a typed open domain, or None (text)."""
        if trigger.source == "move":
            kind = self.spec.event_kinds[trigger.kind].kind
            out: dict[str, FieldSpec | set[str] | None] = dict(kind.fields)
            out["actor"] = FieldSpec(type=FieldType.party)
            return out
        finite: dict[str, set[str]] = {
            "clause": set(self.spec.clauses),
            "set": set(self.spec.sets),
            "from": set(self.spec.parties),
            "to": set(self.spec.parties),
            "for": set(self.spec.event_kinds),
            "norm": {n.id for n in self.spec.norms},
        }
        return {name: finite.get(name) for name in CHANGE_KINDS.get(trigger.kind, ())}

    def spec_values(self, trigger: Trigger) -> dict[str, set[str]]:
        """Finite domains of entity, party and kind fields of a move."""
        if trigger.source != "move":
            return {}
        out: dict[str, set[str]] = {}
        for name, spec in self.domains(trigger).items():
            if isinstance(spec, FieldSpec):
                if spec.type is FieldType.entity:
                    out[name] = {
                        e.id
                        for e in self.spec.entities.values()
                        if spec.of is None or e.id in spec.of or e.category in spec.of
                    }
                elif spec.type is FieldType.party:
                    out[name] = set(self.spec.parties)
                elif spec.type is FieldType.kind:
                    out[name] = set(self.spec.event_kinds)
        return out

    # -- what a norm tests -------------------------------------------------------------------------
    def field_tests(self, norm: NormSpec) -> list[FieldTest]:
        """The field tests a move must pass for the norm to apply: its `when`, its field
        comparisons in `if`, and, for a norm that binds its bearer only (a prohibition, a
        consent), that the bearer makes the move."""
        tests = [t for t in (*norm.trigger.tests, *norm.requires) if isinstance(t, FieldTest)]
        binds = norm.norm.kind in (NormKind.prohibition, NormKind.consent)
        bearer = norm.norm.bearer
        if (
            binds
            and norm.trigger.source == "move"
            and bearer in self.spec.parties
            and not any(t.field == "actor" for t in tests)
        ):
            tests.append(FieldTest("actor", "eq", bearer))
        return tests

    def window(self, norm: NormSpec) -> Window:
        """The days the norm can apply: its window, cut at its clause's dated end."""
        until = norm.window_until
        end = self.until.get(norm.norm.clause)
        if end is not None and norm.norm.kind is not NormKind.expiry:
            until = end if until is None else min(until, end)
        return norm.window_from, until

    # -- what can hold -----------------------------------------------------------------------------
    def can_hold(self, test: StateTest) -> bool:
        q, a = test.question, test.args
        p = self.possible
        if q == "partnership_ended":
            return p.partnership_can_end
        if q == "consent":
            return any(fits(f, a[0]) and fits(k, a[1]) for f, k in p.consents)
        if q == "happened":
            return True
        if q == "clause_ended":
            return a[0] in p.clauses_can_end or (
                p.partnership_can_end and not self.spec.clauses[a[0]].survives_termination
            )
        if q == "flag":
            return any(fits(f, a[0]) for f in p.flags)
        if q == "in_set":
            return bool(self.spec.sets[a[0]].members) or any(fits(s, a[0]) for s in p.sets)
        if q == "not_in_set":
            return True
        return True


def overlap(a: Window, b: Window) -> Window | None:
    """The days two windows share, or None when they share none."""
    start = max((d for d in (a[0], b[0]) if d is not None), default=None)
    end = min((d for d in (a[1], b[1]) if d is not None), default=None)
    if start is not None and end is not None and start > end:
        return None
    return start, end


def within(inner: Window, outer: Window) -> bool:
    """Whether every day of `inner` is a day of `outer`."""
    starts = outer[0] is None or (inner[0] is not None and inner[0] >= outer[0])
    ends = outer[1] is None or (inner[1] is not None and inner[1] <= outer[1])
    return starts and ends


def shown(window: Window) -> str:
    """A window in words, for messages."""
    start, end = window
    if start is None and end is None:
        return "at any time"
    if start is None:
        return f"until {end}"
    if end is None:
        return f"from {start}"
    return f"from {start} to {end}"
