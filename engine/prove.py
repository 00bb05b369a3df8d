"""Bounded proofs: a property checked over every timeline of up to N generated moves.

    never: a move is both required and forbidden      (normative conflict)
    never: conflict from ipo-needs-conversion
    always: the partnership ended -> no conflict from azure-exclusivity
    reachable: go public clear

The walk is engine/search.py's, without stopping at conflicts: every timeline of up to N steps
is checked, a step being a generated move (one of each class of values the contract can tell
apart, engine/candidates.py) or time passing to a day on which something changes by itself; two
timelines that reach the same state on the same day at the same depth are continued once (same
state, same day: the same future). The answer is a counterexample (for `reachable`, a witness)
that `check` replays; or "holds up to depth N" when every class was tried; or, when some field's
values could not all be tried (`Candidates.uncovered`), "not proved", naming what was not
covered: never "holds" on a partial search.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.api import Contract
from engine.errors import ContractEngineError, MoveError
from engine.goals import STATE_FORMS, parse_state
from engine.plan import PlanStep, dated_words, timeline_steps
from engine.report import Finding
from engine.search import Budget, Explorer, Node, Step, blocking, candidates

DEFAULT_DEPTH = 3
PROPERTY_FORMS = (
    "never: ATOM",
    "always: ATOM",
    "always: ATOM -> ATOM",
    "reachable: ATOM",
)
ATOM_FORMS = (
    "conflict | conflict from RULE-OR-CLAUSE | no conflict [from RULE-OR-CLAUSE] (of the last move)",
    "a move is both required and forbidden (normative conflict)",
    "MOVE clear | MOVE conflict (the move, proposed next)",
    "not ATOM",
    *STATE_FORMS,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Outcome = Literal["holds", "fails", "reachable", "unreachable", "not-proved"]


def outcome_of(reach: bool, found: bool, uncovered: bool) -> Outcome:
    """What a search's result means: a timeline found is a counterexample (or a witness);
    nothing found proves something only when the search covered every timeline."""
    if found:
        return "reachable" if reach else "fails"
    if uncovered:
        return "not-proved"
    return "unreachable" if reach else "holds"


class ProofResult(_Frozen):
    contract: str
    claim: str  # the property, as given
    depth: int
    holds: bool
    states_explored: int
    checks: int
    readings: dict[str, str] | None = Field(
        None, description="The reading of each disputed clause searched (replay with --reading)."
    )
    timeline: list[PlanStep] | None = None  # the counterexample, or the witness of reachable
    step_conflicts: list[list[str]] = []  # blocking conflicts of each step of the timeline
    detail: str | None = None
    at: dt.date | None = Field(
        None, description="The check date of the timeline (`check --at`), to replay it."
    )
    probe: str | None = Field(
        None,
        description="The proposed move a 'MOVE clear' or 'MOVE conflict' property tried after "
        "the timeline, dated as `check` takes it (the replay's last move).",
    )
    uncovered: list[str] = Field(
        [],
        description="What the search could not try (a field no finite set of values covers); "
        "when not empty and nothing was found, the outcome is `not-proved`.",
    )
    outcome: Outcome = Field(
        "holds",
        description="holds / fails (a counterexample), reachable / unreachable, or not-proved: "
        "no counterexample (or witness) was found, but the search did not cover every timeline.",
    )

    @property
    def exit_code(self) -> int:
        """0 holds or reachable; 1 a counterexample, or unreachable; 4 not proved."""
        return {"holds": 0, "reachable": 0, "fails": 1, "unreachable": 1}.get(self.outcome, 4)

    def moves(self) -> list[str]:
        """The dated moves of the timeline found, as `check` takes them (check them at `at`)."""
        moves = [step.replay for step in self.timeline or [] if step.kind]
        return [*moves, self.probe] if self.probe else moves

    def replay(self) -> list[str]:
        """The arguments of `contract-engine check` that replay the timeline found."""
        args = [f"-m {shlex.quote(move)}" for move in self.moves()]  # shell-safe: '$', quotes
        if self.at is not None:
            args.append(f"--at {self.at}")
        args += [f"--reading {c}={n}" for c, n in (self.readings or {}).items()]
        return args

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def to_text(self, contract: str = "CONTRACT") -> str:
        """The answer in words; `contract` is the file as the user named it, so that the replay
        line is a command to copy."""
        steps = f"{self.depth} step(s) (a generated move, or time passing)"
        head = {
            "holds": f"{self.claim}: holds for every timeline of up to {steps}",
            "reachable": f"{self.claim}: reachable; a witness:",
            "unreachable": f"{self.claim}: not reachable within {steps}",
            "fails": f"{self.claim}: does not hold; a counterexample:",
            "not-proved": f"{self.claim}: not proved: no "
            + ("witness" if self.claim.startswith("reachable") else "counterexample")
            + f" within {steps}, but these were not covered:",
        }[self.outcome]
        out = [head]
        out += [f"  not covered: {gap}" for gap in self.uncovered if self.timeline is None]
        for i, step in enumerate(self.timeline or [], 1):
            rules = self.step_conflicts[i - 1] if i <= len(self.step_conflicts) else []
            blocked = f"  (conflict: {', '.join(rules)})" if rules else ""
            out.append(f"  {i}. {step.date}  {step.text}{blocked}")
        if self.detail:
            out.append(f"  {self.detail}")
        if self.timeline is not None:
            replay = " ".join([shlex.quote(contract), *self.replay()])
            out.append(f"  replay: contract-engine check {replay}")
        out.append(f"Explored {self.states_explored:,} state(s) with {self.checks:,} check(s).")
        if self.readings:
            fixed = " ".join(f"--reading {c}={n}" for c, n in self.readings.items())
            out.append(f"Under the readings {fixed} (replay with them).")
        return "\n".join(out) + "\n"


Atom = Callable[[Node, Explorer], tuple[bool, str]]


@dataclass(frozen=True)
class Property:
    kind: Literal["never", "always", "reachable"]
    condition: Atom | None
    atom: Atom
    names: dict[str, str]  # values the property names (id -> words): no search renames them
    probe: Step | None = None  # the move "MOVE clear/conflict" tries after the timeline


def parse_property(contract: Contract, text: str) -> Property:
    m = re.fullmatch(r"\s*(never|always|reachable)\s*:\s*(.+?)\s*", text, re.S)
    if not m:
        raise MoveError(f"'{text}' is not a property; write one of: {'; '.join(PROPERTY_FORMS)}")
    kind, body = m.group(1), m.group(2)
    condition: Atom | None = None
    names = _names(contract, body)
    probes: list[Step] = []
    if kind == "always" and "->" in body:
        left, right = body.split("->", 1)
        condition = _atom(contract, left, names)
        atom = _atom(contract, right, names, probes)
    else:
        atom = _atom(contract, body, names, probes)
    probe = probes[-1] if probes else None  # what the counterexample or witness tried last
    return Property(kind, condition, atom, names, probe)  # type: ignore[arg-type]


def _names(contract: Contract, text: str) -> dict[str, str]:
    """The entities a property names (by id, name or alias)."""
    lower = " ".join(text.lower().split())
    found: dict[str, str] = {}
    for e in contract.spec.entities.values():
        for word in (e.id, e.name, *e.aliases):
            if re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", lower):
                found[e.id] = e.id
    return found


def _atom(
    contract: Contract,
    text: str,
    names: dict[str, str] | None = None,
    probes: list[Step] | None = None,
) -> Atom:
    """One atom of a property; a proposed move it tries ("MOVE clear") goes to `probes`, so
    that a counterexample's replay can include it."""
    words = " ".join(text.strip().split())
    lower = words.lower()
    if lower.startswith("not "):
        inner = _atom(contract, words[4:], names, probes)
        return lambda node, x: (lambda r: (not r[0], "not: " + r[1]))(inner(node, x))
    if lower in ("a move is both required and forbidden", "normative conflict"):
        return _normative
    m = re.fullmatch(r"(no )?conflict(?: from (\S+))?", lower)
    if m:
        negate, name = bool(m.group(1)), m.group(2)
        names_of: set[str] | None = None  # the rules or the clause a "from" names
        if name is not None:
            ids = {n.id for n in contract.spec.norms}
            # a `bearer: either` norm's base id names each party's norm, as waivers take it
            each = {i for i in ids if i.startswith(f"{name}@")}
            known = ids | set(contract.spec.clauses)
            if name not in known and not each:
                from engine.suggest import did_you_mean

                raise MoveError(f"no rule or clause '{name}'{did_you_mean(name, known)}")
            names_of = {name, *each}

        def conflict(node: Node, _x: Explorer) -> tuple[bool, str]:
            found = _conflicts(node, names_of)
            said = ", ".join(sorted({f"{f.rule} ({f.clause})" for f in found}))
            held = bool(found) != negate
            return held, (
                f"the last move conflicts with {said}"
                if found
                else "no blocking conflict from the last move"
            )

        return conflict
    state = parse_state(contract, words)
    if state is not None:

        def in_state(node: Node, _x: Explorer) -> tuple[bool, str]:
            held = state.holds(node.report.state["after"])
            return held, f"the state after it: {state.text}" + ("" if held else ": not so")

        return in_state
    m = re.fullmatch(r"(.+) (clear|conflict)", words, re.I)
    if m:
        try:
            move = contract.parse_move(m.group(1)).model_copy(update={"date": None, "text": None})
        except ContractEngineError as error:
            raise MoveError(f"{error}\nAn atom is one of: {'; '.join(ATOM_FORMS)}") from None
        step = Step(move, m.group(1))
        if probes is not None:
            probes.append(step)
        if names is not None:  # the move's own values: a timeline may name them too
            for value in move.fields.values():
                if isinstance(value, str):
                    names.setdefault(value, move.labels.get(value, value))
        want_clear = m.group(2).lower() == "clear"

        def proposed(node: Node, x: Explorer) -> tuple[bool, str]:
            report = x.check((*node.steps, step))
            last = len(report.moves) - 1
            found = [f for f in blocking(report.conflicts) if f.move == last or f.move is None]
            said = ", ".join(sorted({f.rule or "?" for f in found}))
            if want_clear:  # clear: the move, and every step before it
                clear = report.verdict == "clear"
                return clear, (
                    f"then {m.group(1)!r} is clear, and so is every step before it"
                    if clear
                    else f"then {m.group(1)!r}, or a step before it, is blocked"
                )
            return bool(found), f"then {m.group(1)!r} is " + (
                f"blocked by {said}" if found else "clear"
            )

        return proposed
    raise MoveError(f"'{words}' is not an atom; write one of: {'; '.join(ATOM_FORMS)}")


def _conflicts(node: Node, names: set[str] | None) -> list[Finding]:
    """Blocking conflicts the last step set off (its move's, or time passing since), from
    the rules or clause `names` (None: any)."""
    found = blocking(node.last_findings())
    return [f for f in found if names is None or f.rule in names or f.clause in names]


def _normative(node: Node, _x: Explorer) -> tuple[bool, str]:
    report = node.report
    if not node.steps or not isinstance(node.steps[-1], Step):
        return False, "no move both required and forbidden"
    last = len(report.moves) - 1
    met = sorted(o.rule for o in report.outcomes if o.move == last and o.status == "met")
    forbidden = sorted(
        f.rule or "?"
        for f in blocking(report.conflicts)
        if f.move == last and f.norm_kind in ("prohibition", "consent")
    )
    if met and forbidden:
        return True, (
            f"the last move is required by {', '.join(met)} and forbidden by {', '.join(forbidden)}"
        )
    return False, "no move both required and forbidden"


class _Found(Exception):
    """Stops the walk at the first counterexample or witness."""


def prove(
    contract: Contract,
    prop: str,
    depth: int = DEFAULT_DEPTH,
    workers: int | None = None,
    budget: Budget | None = None,
) -> ProofResult:
    """Check `prop` over every timeline of up to `depth` generated moves, by `workers`
    processes (default: this one: a search that lets time pass sends whole reports between
    processes, and two workers took 3x the wall time and 3.5x the CPU of one on the bundled
    contract at depth 3); with a `budget`, SearchTooLarge when the time runs out."""
    if depth < 1:
        raise MoveError("--depth must be at least 1")
    contract = contract.under()  # one reading of each disputed clause: the default, or as fixed
    parsed = parse_property(contract, prop)
    tried = candidates(contract, symmetric=depth, named=parsed.names)
    explorer = Explorer(
        contract,
        tried.steps,
        contract.as_of,
        clear_only=False,
        workers=workers or 1,
        budget=budget,
        time=True,
    )
    found: list[tuple[Node, str]] = []

    def visit(node: Node) -> None:
        if parsed.condition is not None:
            held, _ = parsed.condition(node, explorer)
            if not held:
                return
        held, why = parsed.atom(node, explorer)
        if held != (parsed.kind == "always"):  # a witness, or a counterexample
            found.append((node, why))
            raise _Found

    try:
        for level in explorer.levels(depth, visit):
            if not level[0].steps:
                visit(level[0])  # the initial state itself
    except _Found:
        pass
    outcome = outcome_of(parsed.kind == "reachable", bool(found), bool(tried.uncovered))
    timeline = detail = None
    at = None
    step_conflicts: list[list[str]] = []
    probe = None
    if found:
        node, detail = found[0]
        at = node.at
        timeline = timeline_steps(contract, explorer, node.steps, "")
        timeline = [s.model_copy(update={"needs": None}) for s in timeline]
        step_conflicts = _step_conflicts(explorer, node)
        if parsed.probe is not None:  # the proposed move the property tried after the timeline
            moves, at, _, _ = explorer.schedule((*node.steps, parsed.probe))
            probe = dated_words(parsed.probe.text, moves[-1])
    return ProofResult(
        readings=contract.reading_choice,
        contract=contract.id,
        claim=" ".join(prop.split()),
        depth=depth,
        holds=outcome in ("holds", "reachable"),
        states_explored=explorer.states,
        checks=explorer.checks,
        timeline=timeline,
        step_conflicts=step_conflicts,
        detail=detail,
        at=at,
        probe=probe,
        uncovered=tried.uncovered,
        outcome=outcome,
    )


def _step_conflicts(explorer: Explorer, node: Node) -> list[list[str]]:
    """The blocking conflicts of each step: its move's, or those of the time it let pass."""
    out: list[list[str]] = []
    index = 0
    since = None
    for step in node.steps:
        _, at, _, _ = explorer.schedule(node.steps[: len(out) + 1])
        found = []
        for f in blocking(node.report.conflicts):
            moved = isinstance(step, Step) and f.move == index
            if moved or (f.move is None and (since is None or f.date > since) and f.date <= at):
                found.append(f)
        out.append(sorted({f.rule or "?" for f in found}))
        index += isinstance(step, Step)
        since = at
    return out
