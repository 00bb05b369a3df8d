"""Readings of a disputed clause: one ordinary contract per combination of readings.

A clause may declare alternative readings (`readings:` on the clause in the contract file, or
`readings: {clause: {...}}` in a rule file), each replacing, adding or removing norms of that
clause in the format of an amendment's `norms:` (engine/amend.py does the rewriting for both). A
combination of readings, one per disputed clause, is an ordinary contract: it is resolved like
any other, compiled lazily on first use and checked by the unchanged evaluator. `check` runs
every combination not fixed by the caller and puts the verdicts side by side (report.readings).
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import Collector, ContractFileError, MoveError
from engine.load import line_of
from engine.model import ContractFile, Reading, RuleFile
from engine.suggest import did_you_mean

if TYPE_CHECKING:
    from engine.api import Contract, MoveLike
    from engine.render import Line, Symbols
    from engine.report import Report
    from engine.validate import ContractSpec

MAX_COMBINATIONS = 16
"""Combinations of readings one check considers; more is refused (fix some with --reading)."""

RuleFiles = list[tuple[Path, Any, RuleFile]]
Combination = tuple[tuple[str, str], ...]  # ((clause, reading), ...) in the contract's order


@dataclasses.dataclass(frozen=True)
class ClauseReadings:
    """The readings one clause declares, and where (for file:line of its norms)."""

    clause: str
    readings: dict[str, Reading]
    default: str
    file: Path
    raw: Any
    prefix: tuple[Any, ...]  # where the `readings` mapping is in `raw`

    @property
    def names(self) -> list[str]:
        return list(self.readings)


class ReadingSet:
    """The readings a contract declares and the contract variants they make, built once each."""

    def __init__(
        self,
        clauses: list[ClauseReadings],
        path: Path,
        raw: Any,
        contract: ContractFile,
        rule_files: RuleFiles,
    ) -> None:
        self.clauses = clauses
        self._inputs = (path, raw, contract, rule_files)
        self._specs: dict[Combination, ContractSpec] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """Picklable (a cache of validated contracts may store the spec): without the lock;
        with the variants built so far (the cache builds those a check considers)."""
        with self._lock:
            return {"clauses": self.clauses, "_inputs": self._inputs, "_specs": dict(self._specs)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.clauses, self._inputs = state["clauses"], state["_inputs"]
        self._specs = state.get("_specs", {})
        self._lock = threading.Lock()

    @property
    def default(self) -> dict[str, str]:
        return {c.clause: c.default for c in self.clauses}

    def added_norms(self) -> list[str]:
        """Ids of the norms readings add (a waiver may name them)."""
        return [n.id for c in self.clauses for r in c.readings.values() for n in r.norms.add]

    def declared(self) -> dict[str, list[str]]:
        return {c.clause: c.names for c in self.clauses}

    def combinations(self, fixed: Mapping[str, str] | None = None) -> list[dict[str, str]]:
        """Every combination of readings the check considers: the fixed ones as given, the
        others each in turn, default first. A bad clause or reading is a MoveError with
        did-you-mean; more than MAX_COMBINATIONS is refused."""
        fixed = self.choose(fixed, complete=False)
        choices = [
            [fixed[c.clause]]
            if c.clause in fixed
            else [c.default, *(n for n in c.names if n != c.default)]
            for c in self.clauses
        ]
        count = 1
        for names in choices:
            count *= len(names)
        if count > MAX_COMBINATIONS:
            raise MoveError(
                f"{count} combinations of readings ({' x '.join(str(len(n)) for n in choices)}); "
                f"the limit is {MAX_COMBINATIONS}: fix some with --reading CLAUSE=NAME"
            )
        clauses = [c.clause for c in self.clauses]
        return [dict(zip(clauses, combo, strict=True)) for combo in itertools.product(*choices)]

    def choose(self, fixed: Mapping[str, str] | None, complete: bool = True) -> dict[str, str]:
        """The readings given, checked (MoveError with did-you-mean), and with `complete` the
        default reading of every clause not given."""
        fixed = dict(fixed or {})
        by_clause = {c.clause: c for c in self.clauses}
        for clause, name in fixed.items():
            if clause not in by_clause:
                raise MoveError(
                    f"no readings declared for clause '{clause}'{did_you_mean(clause, by_clause)}; "
                    f"clauses with readings: {', '.join(by_clause)}"
                )
            names = by_clause[clause].readings
            if name not in names:
                raise MoveError(
                    f"clause '{clause}' has no reading '{name}'{did_you_mean(name, names)}; "
                    f"its readings: {', '.join(names)}"
                )
        return {**self.default, **fixed} if complete else fixed

    def spec(self, readings: Mapping[str, str]) -> ContractSpec:
        """The ordinary contract of one combination (every clause's reading given)."""
        key = tuple((c.clause, readings[c.clause]) for c in self.clauses)
        with self._lock:
            if key not in self._specs:
                self._specs[key] = self._resolve(dict(key))
            return self._specs[key]

    def _resolve(self, readings: dict[str, str]) -> ContractSpec:
        from engine.amend import located, located_list, rewrite_norms
        from engine.validate import _Resolver

        path, raw, contract, rule_files = self._inputs
        ending: set[str] = set()
        added: RuleFiles = []
        for c in self.clauses:
            reading = c.readings[readings[c.clause]]
            changes = reading.norms
            ending |= set(changes.remove) | {n.id for n in changes.replace}
            at = (*c.prefix, readings[c.clause], "norms")
            norms = [*changes.replace, *changes.add]
            if not norms:
                continue
            nodes = [
                (section, index)
                for section in ("replace", "add")
                for index in range(len(getattr(changes, section)))
            ]
            raws = [_at(c.raw, (*at, s, i)) for s, i in nodes]
            lines = [line_of(c.raw, (*at, s, i)) or 0 for s, i in nodes]
            rules = RuleFile(norms=norms)
            added.append((c.file, located(raws[0], {"norms": located_list(raws, lines)}), rules))
        files = rewrite_norms(rule_files, ending, lambda norm: None) if ending else rule_files
        spec = _Resolver(path, raw, contract, [*files, *added], Collector()).resolve()
        return dataclasses.replace(spec, rule_files=[p for p, _, _ in rule_files])


def _at(raw: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        raw = raw[part]
    return raw


def declared(
    path: Path, raw: Any, contract: ContractFile, rule_files: RuleFiles
) -> list[ClauseReadings]:
    """The readings of every clause, checked: a clause that exists, two readings or more, one
    default at most, changes only to that clause's own norms (did-you-mean for a misspelt id)."""
    from engine.amend import changed_ids  # amendments' rewriting: not needed by a cached contract

    problems = Collector()
    clause_order = [c.id for c in contract.clauses]
    found: dict[str, ClauseReadings] = {}
    places: list[tuple[str, dict[str, Reading], Path, Any, tuple[Any, ...]]] = []
    for index, clause in enumerate(contract.clauses):
        if clause.readings:
            places.append((clause.id, clause.readings, path, raw, ("clauses", index, "readings")))
    for rule_path, rule_raw, rules in rule_files:
        for clause_id, readings in rules.readings.items():
            prefix: tuple[Any, ...] = ("readings", clause_id)
            if clause_id not in clause_order:
                problems.add(
                    str(rule_path),
                    line_of(rule_raw, prefix),
                    f"readings: no clause '{clause_id}'{did_you_mean(clause_id, clause_order)}",
                )
                continue
            places.append((clause_id, readings, rule_path, rule_raw, prefix))
    norms = [n for _, _, rules in rule_files for n in rules.norms]
    all_ids = {n.id: n.clause for n in norms}
    added_by: dict[str, str] = {}
    for clause_id, readings, file_path, node, prefix in places:
        file = str(file_path)
        if clause_id in found:
            first = found[clause_id]
            problems.add(
                file,
                line_of(node, prefix),
                f"readings of clause '{clause_id}' are declared twice (also in "
                f"{first.file}:{line_of(first.raw, first.prefix)}); declare them once",
            )
            continue
        if len(readings) < 2:
            problems.add(
                file,
                line_of(node, prefix),
                f"clause '{clause_id}': one reading; declare two or more, or none",
            )
        defaults = [name for name, r in readings.items() if r.default]
        for name in defaults[1:]:
            problems.add(
                file,
                line_of(node, (*prefix, name, "default")),
                f"clause '{clause_id}': readings {', '.join(defaults)} are all marked default; "
                "mark one",
            )
        own = {n.id: n for n in norms if n.clause == clause_id}
        for name, reading in readings.items():
            at = (*prefix, name)
            where = f"in clause '{clause_id}'"
            changes = reading.norms
            for section, ids in (
                ("norms.replace", [n.id for n in changes.replace]),
                ("norms.remove", list(changes.remove)),
            ):
                elsewhere = [i for i in ids if i not in own and i in all_ids]
                for item in elsewhere:
                    index = ids.index(item)
                    loc = (*at, *section.split("."), index)
                    problems.add(
                        file,
                        line_of(node, (*loc, "id") if section == "norms.replace" else loc),
                        f"readings.{name}.{section}: norm '{item}' belongs to clause "
                        f"'{all_ids[item]}'; a reading of '{clause_id}' changes only its norms",
                    )
                known = {**own, **dict.fromkeys(elsewhere)}
                changed_ids(
                    ids,
                    known,
                    section,
                    "norm",
                    node,
                    file,
                    problems,
                    at,
                    where,
                    f"readings.{name}.{section}",
                )
            for section, items in (("replace", changes.replace), ("add", changes.add)):
                for index, norm in enumerate(items):
                    if norm.clause != clause_id:
                        problems.add(
                            file,
                            line_of(node, (*at, "norms", section, index, "clause")),
                            f"readings.{name}.norms.{section}[{norm.id}].clause: "
                            f"'{norm.clause}'; a reading of '{clause_id}' has norms of that "
                            f"clause only (write clause: {clause_id})",
                        )
            for index, norm in enumerate(changes.add):
                line = line_of(node, (*at, "norms", "add", index, "id"))
                if norm.id in all_ids:
                    problems.add(
                        file,
                        line,
                        f"readings.{name}.norms.add: norm '{norm.id}' already exists; "
                        "use norms.replace",
                    )
                elif added_by.setdefault(norm.id, clause_id) != clause_id:
                    problems.add(
                        file,
                        line,
                        f"readings.{name}.norms.add: norm '{norm.id}' is also added by a "
                        f"reading of clause '{added_by[norm.id]}'; give it another id",
                    )
        default = defaults[0] if defaults else next(iter(readings))
        found[clause_id] = ClauseReadings(clause_id, readings, default, file_path, node, prefix)
    problems.raise_if_any()
    return [found[c] for c in clause_order if c in found]


def resolve_with_readings(
    path: Path, raw: Any, contract: ContractFile, rule_files: RuleFiles
) -> ContractSpec:
    """The contract under its default readings, carrying its ReadingSet. Each other reading is
    resolved once here too, so that a mistake in any reading is a load error at file:line."""
    reading_set = ReadingSet(
        declared(path, raw, contract, rule_files), path, raw, contract, rule_files
    )
    problems: list[Any] = []
    default = reading_set.default
    spec = reading_set.spec(default)
    for c in reading_set.clauses:
        for name in c.names:
            if name != c.default:
                try:
                    reading_set.spec({**default, c.clause: name})
                except ContractFileError as error:
                    # said with the reading that makes it: the norm named may exist as written
                    problems.extend(
                        dataclasses.replace(
                            p, message=f"under reading {name} of {c.clause}: {p.message}"
                        )
                        for p in error.problems
                    )
    if problems:
        raise ContractFileError(problems)
    return dataclasses.replace(spec, readings=reading_set)


def label(readings: Mapping[str, str]) -> str:
    """'reading panel of agi-clause' (and '...' for each further clause)."""
    return " and ".join(f"reading {name} of {clause}" for clause, name in readings.items())


def check_readings(
    contract: Contract,
    moves: list[MoveLike],
    at: Any,
    waivers: Mapping[str, str] | None,
    fixed: Mapping[str, str] | None,
) -> Report:
    """Check the timeline under every combination of readings considered; the report is that
    of the default combination (or the first considered), its verdict the worst of them, and
    report.readings holds each combination's own report."""
    from engine.report import ReadingResult, ReadingsSection, trusted

    reading_set = contract.spec.readings
    assert reading_set is not None
    key = tuple(sorted((fixed or {}).items()))
    plan = contract._reading_plans.get(key)
    if plan is None:  # what a check under these fixed readings considers: made once
        combos = reading_set.combinations(fixed)
        # the default combination is the contract itself: its spec holds the default readings
        plan = [
            (
                combo,
                contract if combo == reading_set.default else contract.under(combo),
                label(combo),
                combo == reading_set.default,
            )
            for combo in combos
        ]
        base = plan[0][1]  # the others' reports may be inferred from its (`_as_first`)
        plan = [(*entry, _reached_by_or_none(base, entry[1])) for entry in plan]
        contract._reading_plans[key] = plan
    for rule in waivers or {}:
        if not any(_knows(v, rule) for _, v, _, _, _ in plan):
            contract.norm_ids(rule)  # raises, naming the norm
    results = []
    first: Report | None = None
    for combo, variant, named, default, kinds in plan:
        own = {r: w for r, w in waivers.items() if _knows(variant, r)} if waivers else None
        if first is None:
            report = first = variant._check_plain(moves, at=at, waivers=own)
        else:
            report = _as_first(plan[0][1], variant, kinds, first, moves, at, own)
        results.append(
            trusted(  # the engine's own values: no validation on the hot path
                ReadingResult,
                {
                    "readings": combo,
                    "label": named,
                    "default": default,
                    "verdict": report.verdict,
                    "report": report,
                },
            )
        )
    main = next((r for r in results if r.default), results[0])
    agree = all(r is main or _same(r.report, main.report) for r in results)
    verdict = "conflict" if any(r.verdict == "conflict" for r in results) else "clear"
    notes = list(main.report.notes)
    if len(results) > 1 and agree:
        considered = {
            c: list(dict.fromkeys(r.readings[c] for r in results)) for c in reading_set.default
        }
        shown = "; ".join(f"{c}: {', '.join(n)}" for c, n in considered.items() if len(n) > 1)
        notes.append(f"the readings agree ({shown})")
    elif fixed and len(results) == 1:  # one combination: say which, as it was fixed
        notes.append(f"checked under {label(fixed)} only (fixed; the other readings not checked)")
    elif len(results) > 1:
        shown = f"{main.label}, the default" if main.default else main.label
        verdicts = "; ".join(f"{r.verdict} under {r.label}" for r in results)
        notes.append(
            f"the readings differ: {verdicts}; the report's own findings are those of {shown}"
        )
    section = trusted(
        ReadingsSection,
        {
            "declared": reading_set.declared(),
            "descriptions": {
                c.clause: {n: r.description for n, r in c.readings.items()}
                for c in reading_set.clauses
            },
            "default": reading_set.default,
            "fixed": dict(fixed or {}),
            "agree": agree,
            "results": results,
        },
    )
    return main.report.evolve(verdict=verdict, notes=notes, readings=section)


SHORTCUT = True
"""Whether a reading that cannot differ from the first combination's is answered from its
decision (the rest built when read). Off: every combination is evaluated (the tests compare)."""


def _as_first(
    base: Contract,
    variant: Contract,
    kinds: frozenset[str] | None,
    first: Report,
    moves: list[MoveLike],
    at: Any,
    waivers: Mapping[str, str] | None,
) -> Report:
    """The report under `variant`: when no move of the check is of a kind that can reach a norm
    the variant changes (`kinds`, from `reached_by`), the first combination's decision with the
    variant's count of norms, the rest built by checking under the variant when first read;
    else its own check."""
    if not SHORTCUT or kinds is None or any(m.kind in kinds for m in first.moves):
        return variant._check_plain(moves, at=at, waivers=waivers)
    from engine.decided import Again, standing_for

    extra = len(variant.spec.norms) - len(base.spec.norms)
    again = Again(variant, list(moves), at, waivers)
    return standing_for(first, again, other_norms=first.other_norms + extra)


def _reached_by_or_none(base: Contract, variant: Contract) -> frozenset[str] | None:
    if variant is base:
        return None
    try:
        return reached_by(base, variant)
    except Exception:  # unsure is evaluate, never a wrong shortcut
        return None


def reached_by(base: Contract, variant: Contract) -> frozenset[str] | None:
    """The kinds of move whose presence in a check may make `variant` decide otherwise than
    `base` (two combinations of readings of one contract); None: any check may.

    A reading changes norms only. A changed norm (added, removed, or different in anything)
    acts only through the rules compiled for it, and a rule acts only when a fact of its route
    is asserted. Moves are the only facts of `move:K` routes; changes (consequences, deadlines,
    periods, the term, state checks, clause ends) are routed `change:...` and `bind:...`, and
    any check may set them off. So when every route whose compiled rules differ (or hold a
    rule of a changed norm) is a `move:K` route, a check without a move of kind K asserts the
    same facts into the same rules under both, and decides the same; as long as what the
    evaluator derives from all norms at once is equal too: the initial state (deadlines and
    expiries from the start), the periods norms listen to, the fields consents are keyed on,
    the maintenance norms checked after every move, and which kinds of move any norm covers
    (a move of a kind no norm covers gets a notice). Anything else: None, always evaluate."""
    one, other = base._evaluator, variant._evaluator
    if (
        base.phrases != variant.phrases
        or one._initial != other._initial
        or one.spec.periods != other.spec.periods
        or one._consent_fields != other._consent_fields
        or [n.id for n in one._keeps] != [n.id for n in other._keeps]
    ):
        return None
    norms = {n.id: n for n in one.spec.norms}
    theirs = {n.id: n for n in other.spec.norms}
    changed = {i for i in norms.keys() | theirs.keys() if norms.get(i) != theirs.get(i)}
    forms, their_forms = _route_forms(one, changed), _route_forms(other, changed)
    kinds: set[str] = set()
    for route in forms.keys() | their_forms.keys():
        form = forms.get(route)
        if form is not None and form == their_forms.get(route) and form[1]:
            continue  # the same rules, none of a changed norm
        kind, sep, name = route.partition(":")
        if kind != "move" or not sep:
            return None
        kinds.add(name)
    covered, their_covered = one.compiled.covered_kinds, other.compiled.covered_kinds
    return frozenset(kinds | (covered ^ their_covered))


def _route_forms(evaluator: Any, changed: set[str]) -> dict[str, tuple[Any, bool]]:
    """Each route's compiled rules with norms named by id, not index, nor rules by name (the
    two contracts number them differently); and whether none is a rule of a changed norm."""
    import json

    compiled = evaluator.compiled
    ids = [n.id for n in compiled.norms]
    out: dict[str, tuple[Any, bool]] = {}
    for route, rulesets in compiled.routes.items():
        untouched = True
        form: list[Any] = [rulesets.index.key]
        groups = [(None, rulesets.rest), *sorted(rulesets.keyed.items(), key=repr)]
        for bucket, group in groups:
            for rs in group:
                rules = []
                for name, rule in rs.rules.items():
                    role = compiled.roles[name]
                    norm = ids[role.norm] if role.norm >= 0 else None
                    untouched = untouched and norm not in changed
                    rules.append((norm, role.role, role.index, json.dumps(rule, sort_keys=True)))
                norms = [ids[n] for n in rs.norms]
                untouched = untouched and not changed.intersection(norms)
                form.append((repr(bucket), frozenset(rs.probes), rules, norms))
        out[route] = (form, untouched)
    return out


def _knows(contract: Contract, rule: str) -> bool:
    """Whether a waiver's rule names a norm of this variant (or a `bearer: either` norm's)."""
    return any(n.id == rule or n.id.startswith(f"{rule}@") for n in contract.spec.norms)


def _same(report: Report, main: Report) -> bool:
    """Whether a combination decided as the main one (quick when its findings are the main
    one's own objects: a reading that could not differ, see `_as_first`)."""
    groups = ("conflicts", "consequences", "notices", "waived")
    if report.verdict == main.verdict and all(
        getattr(report, g) is getattr(main, g) for g in groups
    ):
        return True
    return _findings(report) == _findings(main)


def _findings(report: Report) -> tuple[Any, ...]:
    """What the readings must agree on: the decision (evidence is built only when read)."""
    groups = (report.conflicts, report.consequences, report.notices, report.waived)
    return (report.verdict, *([f.decision() for f in group] for group in groups))


def reading_lines(report: Report, verbose: bool, symbols: Symbols) -> list[Line]:
    """The text report when readings differ: a verdict line per reading, then under each
    reading its own findings and changes, as `check` shows them for an ordinary contract."""
    from engine.render import Line, report_lines

    section = report.readings
    assert section is not None
    verdicts = "; ".join(f"{r.verdict} under {r.label}" for r in section.results)
    style = "bold red" if report.exit_code else "bold green"
    head = report_lines(section.results[0].report.model_copy(update={"readings": None}), False)
    top = [Line(f"Verdict: {report.verdict.upper()} {symbols.dash} {verdicts}", style)]
    for line in head[1:]:
        if not line.text:
            break
        top.append(line)
    for result in section.results:
        described = " ".join(
            text if text.endswith(".") else text + "."
            for text in (section.descriptions[c][n] for c, n in result.readings.items())
        )
        default = ", the default" if result.default else ""
        top += [Line(""), Line(f"Under {result.label}{default}: {described}", "bold", hang=2)]
        own = report_lines(result.report, verbose, symbols)
        top.append(dataclasses.replace(own[0], indent=2))
        start = next((i for i, line in enumerate(own) if not line.text), len(own))
        part = [line for line in own[start + 1 :] if not line.text.startswith("Notice: ")]
        while part and not part[-1].text:
            part.pop()
        top += [dataclasses.replace(ln, indent=ln.indent + 2) if ln.text else ln for ln in part]
    if report.notice:
        top += [Line(""), Line(f"Notice: {report.notice}", "dim", hang=0)]
    return top
