"""Lint: a contract's static problems, each with file:line, a severity, and whether it is exact.

Checks (see CHECKS): norms that can never fire (field conditions no move can satisfy, asked of
the z3 SMT solver with each field's domain: an entity field's `of:`, the parties, the kinds, the
sets; requirements no consequence can ever make true), exceptions that can never hold, norms
shadowed by another that fires whenever they do, windows outside their clause's life,
obligations due after their clause ends, phrases two kinds share, and kinds no norm and no
feature covers. z3 is imported when lint runs, never by `check`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.amend import amendment_of
from engine.api import Contract
from engine.conditions import DATE_FIELD, FieldTest, StateTest, Trigger
from engine.constructs import CHANGE_KINDS
from engine.errors import ContractEngineError
from engine.load import line_of, load_yaml_file
from engine.model import FieldSpec, FieldType, NormKind
from engine.phrases import normalise
from engine.templates import HOLE
from engine.validate import NormSpec

Severity = Literal["error", "warning", "info"]

CHECKS: dict[str, tuple[str, str]] = {
    "never-fires": (
        "exact",
        "field conditions no move can satisfy (z3), or requirements no consequence can make true",
    ),
    "exception-never-holds": ("exact", "an `unless` that nothing in the contract can make true"),
    "shadowed": (
        "exact for field conditions (z3), syntactic for state conditions",
        "another norm fires whenever this one does, as strongly",
    ),
    "window-outside-clause": (
        "exact for dated terms",
        "the norm's window starts after its clause's term ends",
    ),
    "deadline-after-clause": (
        "exact for dated deadlines",
        "an obligation due after its clause's term ends",
    ),
    "duplicate-phrase": (
        "bounded: each phrase tried with sample words",
        "words that two kinds of move both match",
    ),
    "uncovered-kind": ("exact", "a kind of move no norm and no feature mentions"),
}
_WEIGHT = {"info": 0, "warning": 1, "blocking": 2}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LintProblem(_Frozen):
    file: str
    line: int | None
    severity: Severity
    check: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.severity}: [{self.check}] {self.message}"


class LintResult(_Frozen):
    contract: str
    problems: list[LintProblem]
    checks: dict[str, str]  # check -> exact or bounded, and how

    @property
    def exit_code(self) -> int:
        return 1 if any(p.severity in ("error", "warning") for p in self.problems) else 0

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def to_text(self) -> str:
        out = [str(p) for p in self.problems]
        counts = {
            s: sum(p.severity == s for p in self.problems) for s in ("error", "warning", "info")
        }
        out.append(
            f"{self.contract}: {counts['error']} error(s), {counts['warning']} warning(s), "
            f"{counts['info']} note(s) from {len(self.checks)} checks"
        )
        return "\n".join(out) + "\n"


def lint(
    contract: Contract,
    features: Path | None = None,
    show_path: Callable[[str], str] | None = None,
) -> LintResult:
    """Every static problem of the contract. `features`: the folder of Gherkin features that
    document it (default: a `features/` folder beside the contract or above it). `show_path`
    writes a problem's file (default: relative to the working folder; a server shows its own)."""
    linter = _Linter(contract, features, show_path or _shown)
    linter.run()
    problems = sorted(linter.problems, key=lambda p: (p.file, p.line or 0, p.check, p.message))
    return LintResult(
        contract=contract.id,
        problems=problems,
        checks={name: how for name, (how, _) in CHECKS.items()},
    )


@dataclass
class _Linter:
    contract: Contract
    features: Path | None
    show_path: Callable[[str], str] = str

    def __post_init__(self) -> None:
        self.spec = self.contract.spec
        self.problems: list[LintProblem] = []
        self.possible = _possible_facts(self.contract)
        self.until = _clause_until(self.spec.norms)

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

    def run(self) -> None:
        for norm in self.spec.norms:
            self.never_fires(norm)
            self.exceptions(norm)
            self.windows(norm)
        self.shadowed()
        self.phrases()
        self.uncovered()

    # -- never fires ---------------------------------------------------------------------------
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

    def never_fires(self, norm: NormSpec) -> None:
        for label, trigger in (
            ("its trigger", norm.trigger),
            ("what starts it", norm.starts),
            ("the move that meets it", norm.fulfils),
        ):
            if trigger is None or (norm.norm.kind is NormKind.expiry and trigger is norm.trigger):
                continue
            tests = [t for t in trigger.tests if isinstance(t, FieldTest)]
            tests += (
                [t for t in norm.requires if isinstance(t, FieldTest)]
                if trigger is norm.trigger
                else []
            )
            if tests and not _satisfiable(tests, self.domains(trigger), self.spec_values(trigger)):
                shown = " and ".join(t.describe() for t in tests)
                self.add(
                    norm,
                    "error",
                    "never-fires",
                    f"{norm.id}: no {trigger.kind} {'move' if trigger.source == 'move' else 'change'} can satisfy {label}: {shown}",
                )
        for test in norm.requires:
            if isinstance(test, StateTest) and not self.can_hold(test):
                self.add(
                    norm,
                    "error",
                    "never-fires",
                    f"{norm.id}: its requirement '{test.describe()}' can never hold: nothing in the contract makes it true",
                )

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

    # -- exceptions ------------------------------------------------------------------------------
    def can_hold(self, test: StateTest) -> bool:
        q, a = test.question, test.args
        p = self.possible
        if q == "partnership_ended":
            return p.partnership_can_end
        if q == "consent":
            return any(_fits(f, a[0]) and _fits(k, a[1]) for f, k in p.consents)
        if q == "happened":
            return True
        if q == "clause_ended":
            return a[0] in p.clauses_can_end or (
                p.partnership_can_end and not self.spec.clauses[a[0]].survives_termination
            )
        if q == "flag":
            return any(_fits(f, a[0]) for f in p.flags)
        if q == "in_set":
            return bool(self.spec.sets[a[0]].members) or any(_fits(s, a[0]) for s in p.sets)
        if q == "not_in_set":
            return True
        return True

    def exceptions(self, norm: NormSpec) -> None:
        for test in norm.exceptions:
            if not self.can_hold(test):
                self.add(
                    norm,
                    "warning",
                    "exception-never-holds",
                    f"{norm.id}: the exception 'unless {test.describe()}' can never hold: no move, consequence or initial state makes it true",
                )

    # -- windows and clause terms ---------------------------------------------------------------
    def windows(self, norm: NormSpec) -> None:
        n = norm.norm
        end = self.until.get(n.clause)
        if end is not None and n.valid_from is not None and n.valid_from > end:
            self.add(
                norm,
                "error",
                "window-outside-clause",
                f"{n.id}: applies from {n.valid_from}, but clause {n.clause} ends on {end}",
            )
        amendment = amendment_of(self.spec)
        old_terms = amendment is not None and n.id.endswith(f"-before-{amendment.id}")
        if n.valid_until is not None and n.valid_until < self.contract.as_of and not old_terms:
            self.add(
                norm,
                "info",
                "window-outside-clause",
                f"{n.id}: its window ended on {n.valid_until}, before the contract's date {self.contract.as_of}",
            )
        if n.kind is NormKind.obligation and n.by is not None and end is not None and n.by > end:
            self.add(
                norm,
                "warning",
                "deadline-after-clause",
                f"{n.id}: due by {n.by}, after clause {n.clause} ends on {end}: the deadline can no longer be enforced",
            )

    # -- shadowing -------------------------------------------------------------------------------
    def shadowed(self) -> None:
        never = {p.message.split(":", 1)[0] for p in self.problems if p.check == "never-fires"}
        norms = [
            n for n in self.spec.norms if n.norm.kind is not NormKind.expiry and n.id not in never
        ]
        for a in norms:
            for b in norms:
                if a is b or not _covers(b, a, self):
                    continue
                if _covers(a, b, self) and self.spec.norms.index(a) < self.spec.norms.index(b):
                    continue  # two equivalent norms: report the later one only
                self.add(
                    a,
                    "warning",
                    "shadowed",
                    f"{a.id}: shadowed by {b.id} ({b.file}:{b.line}): {b.id} fires on every move {a.id} fires on, with the same effect at least as strongly",
                )
                break

    # -- phrases ---------------------------------------------------------------------------------
    def phrase_lines(self) -> dict[tuple[str, int], tuple[str, int | None]]:
        lines: dict[tuple[str, int], tuple[str, int | None]] = {}
        for path in self.spec.rule_files:
            raw = load_yaml_file(path)
            kinds = raw.get("event_kinds", []) if isinstance(raw, dict) else []
            for k_index, kind in enumerate(kinds):
                if not isinstance(kind, dict) or "id" not in kind:
                    continue
                lines[(str(kind["id"]), -1)] = (str(path), line_of(raw, ("event_kinds", k_index)))
                for p_index, _ in enumerate(kind.get("phrases", []) or []):
                    lines[(str(kind["id"]), p_index)] = (
                        str(path),
                        line_of(raw, ("event_kinds", k_index, "phrases", p_index)),
                    )
        return lines

    def phrases(self) -> None:
        lines = self.phrase_lines()
        compiled: list[tuple[str, int, str, re.Pattern[str]]] = []
        for kind in self.spec.event_kinds.values():
            for index, phrase in enumerate(kind.phrases):
                text = normalise(phrase.text)
                pattern = (
                    "^"
                    + "".join(
                        re.escape(part) if i % 2 == 0 else ".+?"
                        for i, part in enumerate(HOLE.split(text))
                    )
                    + "$"
                )
                compiled.append((kind.id, index, text, re.compile(pattern, re.I)))
        reported: set[tuple[str, str]] = set()
        for kind_id, index, text, _ in compiled:
            sample = HOLE.sub("sample words", text)
            for other, o_index, other_text, regex in compiled:
                if other == kind_id or not regex.match(sample):
                    continue
                key = tuple(sorted((f"{kind_id}:{text}", f"{other}:{other_text}")))
                if key in reported:
                    continue
                reported.add((key[0], key[1]))
                same = HOLE.sub("{}", text) == HOLE.sub("{}", other_text)
                file, line = lines.get((kind_id, index), (str(self.spec.path), None))
                self.add(
                    None,
                    "error" if same else "warning",
                    "duplicate-phrase",
                    f"phrase '{text}' of {kind_id} "
                    + ("is also a phrase" if same else f"also matches phrase '{other_text}'")
                    + f" of {other} ({lines.get((other, o_index), ('?', None))[0]}:{lines.get((other, o_index), ('?', None))[1]}): "
                    "the words mean two kinds of move",
                    file=file,
                    line=line,
                )

    # -- coverage ---------------------------------------------------------------------------------
    def uncovered(self) -> None:
        mentioned: set[str] = set(self.contract.covered_kinds)  # what the engine reacts to
        for norm in self.spec.norms:
            for trigger in (norm.trigger, norm.starts, norm.fulfils):
                if trigger is not None and trigger.source == "move":
                    mentioned.add(trigger.kind)
            for test in (*norm.requires, *norm.exceptions):
                if isinstance(test, StateTest) and test.question in ("happened", "consent"):
                    mentioned.add(test.args[-1])
        featured = self.featured_kinds()
        lines = self.phrase_lines()
        for kind in sorted(self.spec.event_kinds):
            if kind in mentioned:
                continue
            file, line = lines.get((kind, -1), (str(self.spec.path), None))
            if kind in featured:
                continue
            self.add(
                None,
                "info",
                "uncovered-kind",
                f"kind {kind}: no norm mentions it and no feature uses it: such a move is reported only as 'no rule covers'",
                file=file,
                line=line,
            )

    def featured_kinds(self) -> set[str]:
        folder = self.features or _features_near(self.spec.path)
        found: set[str] = set()
        if folder is None:
            return found
        for feature in sorted(folder.rglob("*.feature")):
            for words in re.findall(r'"([^"]+)"', feature.read_text(encoding="utf-8")):
                try:
                    found.add(self.contract.parse_move(words).kind)
                except Exception:
                    continue
        return found


# -- what can ever become true -----------------------------------------------------------------------
@dataclass
class _Possible:
    partnership_can_end: bool
    clauses_can_end: set[str]
    consents: set[tuple[str, str]]  # (from, for), "*" for a template
    flags: set[str]
    sets: set[str]


def _possible_facts(contract: Contract) -> _Possible:
    """Every state fact some move, consequence or the initial state can make true ("*": a value
    filled from a move's field, so any)."""
    spec = contract.spec
    p = _Possible(
        partnership_can_end=spec.state.partnership == "ended",
        clauses_can_end=set(),
        consents={(c.given_by, c.subject) for c in spec.state.consents},
        flags=set(spec.state.flags),
        sets=set(),
    )
    consequences = [c for k in spec.event_kinds.values() for c in k.effects]
    consequences += [c for n in spec.norms for c in n.consequences]
    for norm in spec.norms:
        n = norm.norm
        if n.kind is NormKind.termination:
            if n.ends == "partnership":
                p.partnership_can_end = True
            elif isinstance(n.ends, list):
                p.clauses_can_end.update(n.ends)
        if n.kind is NormKind.expiry:
            p.clauses_can_end.add(n.clause)
    for c in consequences:
        args = {k: (v if v is not None and not HOLE.search(str(v)) else "*") for k, v in c.args}
        if c.op == "end_partnership":
            p.partnership_can_end = True
        elif c.op == "end_clause":
            p.clauses_can_end.add(args["clause"])
        elif c.op == "record_consent":
            p.consents.add((args["from"], args["for"]))
        elif c.op == "set_flag":
            p.flags.add(args["flag"])
        elif c.op == "add_to_set":
            p.sets.add(args["set"])
    if "*" in p.clauses_can_end:
        p.clauses_can_end |= set(spec.clauses)
    return p


def _fits(possible: str, wanted: str) -> bool:
    return possible in ("*", wanted)


def _clause_until(norms: Iterable[NormSpec]) -> dict[str, dt.date]:
    """Each clause's last day in force by its expiry, where it has one (the earliest)."""
    until: dict[str, dt.date] = {}
    for norm in norms:
        n = norm.norm
        if n.kind is NormKind.expiry and n.on is not None:
            until[n.clause] = min(until.get(n.clause, n.on), n.on)
    return until


def _shown(path: str) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def _features_near(path: Path) -> Path | None:
    for folder in [path.parent, *path.parent.parents][:4]:
        if (folder / "features").is_dir():
            return folder / "features"
    return None


# -- z3 ------------------------------------------------------------------------------------------------
def _satisfiable(
    tests: list[FieldTest],
    domains: dict[str, Any],
    finite: dict[str, set[str]],
    extra: list[FieldTest] | None = None,
    negated: list[FieldTest] | None = None,
) -> bool:
    """Whether some move satisfies all `tests` (and `extra`) and not all of `negated`, each field
    ranging over its domain: z3 strings with a finite domain where the field has one, reals for
    numbers, money and dates (within a field's `min` and `max`)."""
    try:
        import z3
    except ImportError:
        raise ContractEngineError(
            "lint needs the z3 SMT solver: pip install 'contract-engine[analysis]'"
        ) from None

    solver = z3.Solver()
    variables: dict[str, Any] = {}

    def var(field: str, value: Any) -> Any:
        if field not in variables:
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            variables[field] = z3.Real(field) if numeric else z3.String(field)
            spec = domains.get(field)
            if numeric and isinstance(spec, FieldSpec):  # a field's declared range
                if spec.min is not None:
                    solver.add(variables[field] >= z3.RealVal(spec.min))
                if spec.max is not None:
                    solver.add(variables[field] <= z3.RealVal(spec.max))
            if field in finite and not numeric:
                solver.add(
                    z3.Or([variables[field] == z3.StringVal(v) for v in sorted(finite[field])])
                    if finite[field]
                    else z3.BoolVal(False)
                )
        return variables[field]

    def const(value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return z3.RealVal(value)
        return z3.StringVal(str(value))

    def formula(test: FieldTest) -> Any:
        values = test.value if isinstance(test.value, tuple | list) else (test.value,)
        x = var(test.field, values[0] if values else "")
        if test.op == "eq":
            return x == const(test.value)
        if test.op == "neq":
            return x != const(test.value)
        if test.op == "in":
            return z3.Or([x == const(v) for v in values])
        if test.op == "not_in":
            return z3.And([x != const(v) for v in values])
        return {
            "gt": x > const(test.value),
            "gte": x >= const(test.value),
            "lt": x < const(test.value),
            "lte": x <= const(test.value),
        }[test.op]

    try:
        for test in [*tests, *(extra or [])]:
            if test.field == DATE_FIELD:
                continue
            solver.add(formula(test))
        if negated:
            solver.add(z3.Not(z3.And([formula(t) for t in negated])))
    except z3.Z3Exception:  # a field compared with values of two types: undecided, so no report
        return True
    return bool(solver.check() != z3.unsat)


def _covers(b: NormSpec, a: NormSpec, linter: _Linter) -> bool:
    """Whether norm b fires (with a blocking effect at least as strong) on every fact norm a
    fires on: same trigger, a's field tests imply b's (z3), b's state conditions among a's, b's
    window around a's, same kind and clause, no consequence a has that b lacks."""
    na, nb = a.norm, b.norm
    if (na.kind, na.clause) != (nb.kind, nb.clause) or a.trigger.route != b.trigger.route:
        return False
    if na.kind in (NormKind.obligation, NormKind.termination, NormKind.entitlement):
        return False  # their effects (deadlines, ends, rights) are their own, not a verdict
    if _WEIGHT[nb.effective_severity.value] < _WEIGHT[na.effective_severity.value]:
        return False
    if set(a.consequences) - set(b.consequences):
        return False
    state_a = {t for t in a.requires if isinstance(t, StateTest)}
    state_b = {t for t in b.requires if isinstance(t, StateTest)}
    if not state_b <= state_a or not set(b.exceptions) <= set(a.exceptions):
        return False
    if nb.consent_of != na.consent_of:
        return False
    if nb.valid_from and (not na.valid_from or na.valid_from < nb.valid_from):
        return False
    if nb.valid_until and (not na.valid_until or na.valid_until > nb.valid_until):
        return False
    tests_a = [t for t in (*a.trigger.tests, *a.requires) if isinstance(t, FieldTest)]
    tests_b = [t for t in (*b.trigger.tests, *b.requires) if isinstance(t, FieldTest)]
    # in_set probes of the trigger are state tests too
    probes_a = {t for t in a.trigger.tests if isinstance(t, StateTest)}
    probes_b = {t for t in b.trigger.tests if isinstance(t, StateTest)}
    if not probes_b <= probes_a:
        return False
    if not tests_b:
        return True
    domains = linter.domains(a.trigger)
    return not _satisfiable(tests_a, domains, linter.spec_values(a.trigger), negated=tests_b)
