"""Amendments: a contract changed from a date, as one contract the engine checks as any other.

An amendment file names the contract it amends, the date its terms take effect, and the clauses
and norms it adds, replaces or removes (norms in the format of rule files). It becomes one
contract: a removed or replaced norm keeps applying until the day before `effective` (its own
window intersected), and an added or replacing norm applies from `effective` on. So a move dated
before the effective date sees the old terms and a move after it the new ones, in one timeline.
Clauses have no window: their texts (and `survives_termination`) are the amended ones throughout.
The amended contract's default date is the later of the contract's `as_of` and `effective`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.errors import Collector, ContractFileError, Problem
from engine.load import LocatedDict, LocatedList, line_of, load_yaml_file, parse_yaml
from engine.model import Clause, EventKind, Identifier, Norm, NormChanges, RuleFile
from engine.suggest import did_you_mean
from engine.validate import ContractSpec, _Resolver, load_contract, validate_model

ONE_DAY = dt.timedelta(days=1)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class ClauseChanges(_Strict):
    add: list[Clause] = []
    replace: list[Clause] = []
    remove: list[Identifier] = []


class KindChanges(_Strict):
    add: list[EventKind] = []


class AmendmentFile(_Strict):
    """An amendment: what changes in a contract, and from when."""

    amends: str = Field(description="The contract file amended, relative to this file.")
    id: Identifier | None = Field(None, description="Default: the file name without .yaml.")
    title: str
    effective: dt.date = Field(description="Moves dated on or after this day see the new terms.")
    hypothetical: bool = Field(False, description="A proposal, not agreed terms.")
    source: str | None = None
    notice: str | None = None
    clauses: ClauseChanges = ClauseChanges.model_construct()
    norms: NormChanges = NormChanges.model_construct()
    event_kinds: KindChanges = KindChanges.model_construct()


@dataclasses.dataclass(frozen=True)
class Amendment:
    """A loaded amendment, kept on the amended contract's spec for reports and diffs."""

    id: str
    title: str
    effective: dt.date
    hypothetical: bool
    path: Path
    base: Path
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    removed: tuple[str, ...]


def is_amendment(raw: Any) -> bool:
    return isinstance(raw, dict) and "amends" in raw and "contract" not in raw


def amendment_of(spec: ContractSpec) -> Amendment | None:
    """The amendment that made this contract, if one did: kept in the spec itself, so that a
    contract read back from the cache in another process has it too."""
    return spec.amendment


def load_amendment(path: str | Path, raw: Any | None = None) -> ContractSpec:
    """The contract an amendment file amends, with the amendment applied; every problem is
    reported as file:line of the amendment, with did-you-mean for a misspelt id."""
    path = Path(path)
    file = str(path)
    if raw is None:
        raw = load_yaml_file(path)
    problems = Collector()
    parsed = validate_model(AmendmentFile, raw, file, problems)
    problems.raise_if_any()
    assert isinstance(parsed, AmendmentFile)
    a = parsed
    base_path = (path.parent / a.amends).resolve()
    if not base_path.is_file():
        raise ContractFileError(
            [Problem(file, line_of(raw, ("amends",)), f"amends: no contract file '{a.amends}'")]
        )
    if is_amendment(load_yaml_file(base_path)):
        raise ContractFileError(
            [
                Problem(
                    file,
                    line_of(raw, ("amends",)),
                    "amends: names another amendment; an amendment amends a contract file",
                )
            ]
        )
    base = load_contract(base_path)
    amendment_id = a.id or path.stem.replace(".", "-").lower()

    # -- clauses -------------------------------------------------------------------------------
    clauses = dict(base.clauses)
    changed_ids(a.clauses.remove, clauses, "clauses.remove", "clause", raw, file, problems)
    changed_ids(
        [c.id for c in a.clauses.replace], clauses, "clauses.replace", "clause", raw, file, problems
    )
    for index, clause in enumerate(a.clauses.add):
        if clause.id in clauses:
            problems.add(
                file,
                line_of(raw, ("clauses", "add", index, "id")),
                f"clauses.add: clause '{clause.id}' already exists; use clauses.replace",
            )
    for clause_id in a.clauses.remove:
        clauses.pop(clause_id, None)
    for clause in [*a.clauses.replace, *a.clauses.add]:
        clauses[clause.id] = clause

    # -- norms ---------------------------------------------------------------------------------
    known = {n.id: n for n in base.norms}
    changed_ids(a.norms.remove, known, "norms.remove", "norm", raw, file, problems)
    changed_ids(
        [n.id for n in a.norms.replace], known, "norms.replace", "norm", raw, file, problems
    )
    ending = set(a.norms.remove) | {n.id for n in a.norms.replace}
    for index, norm in enumerate(a.norms.add):
        if norm.id in known:
            problems.add(
                file,
                line_of(raw, ("norms", "add", index, "id")),
                f"norms.add: norm '{norm.id}' already exists; use norms.replace",
            )
    for clause_id in a.clauses.remove:
        users = sorted(
            n.id for n in base.norms if n.norm.clause == clause_id and n.id not in ending
        )
        if users:
            problems.add(
                file,
                line_of(raw, ("clauses", "remove", a.clauses.remove.index(clause_id))),
                f"clauses.remove: norms {', '.join(users)} still belong to clause '{clause_id}'; "
                "remove or replace them too",
            )
    problems.raise_if_any()

    last_old_day = a.effective - ONE_DAY

    def capped(norm: Norm) -> Norm | None:
        until = min(d for d in (norm.valid_until, last_old_day) if d is not None)
        if norm.valid_from is not None and norm.valid_from > until:
            return None  # its window starts after the amendment: it never applies
        return norm.model_copy(update={"id": _old_id(norm.id, amendment_id), "valid_until": until})

    rule_files = rewrite_norms(
        [(p, r, RuleFile.model_validate(r)) for p in base.rule_files for r in [load_yaml_file(p)]],
        ending,
        capped,
    )

    new_norms: list[Norm] = []
    new_raw: list[Any] = []
    new_lines: list[int] = []
    for section, norms in (("replace", a.norms.replace), ("add", a.norms.add)):
        for index, norm in enumerate(norms):
            start = max(d for d in (norm.valid_from, a.effective) if d is not None)
            if norm.valid_until is not None and norm.valid_until < start:
                problems.add(
                    file,
                    line_of(raw, ("norms", section, index, "until")),
                    f"norms.{section}[{norm.id}].until: {norm.valid_until} is before the "
                    f"amendment takes effect ({a.effective})",
                )
                continue
            new_norms.append(norm.model_copy(update={"valid_from": start}))
            new_raw.append(raw["norms"][section][index])
            new_lines.append(line_of(raw, ("norms", section, index)) or 0)
    problems.raise_if_any()
    kinds_raw = raw.get("event_kinds", {}).get("add", []) if a.event_kinds.add else []
    kind_lines = [
        line_of(raw, ("event_kinds", "add", i)) or 0 for i in range(len(a.event_kinds.add))
    ]
    amendment_raw = located(
        raw,
        {
            "norms": located_list(new_raw, new_lines),
            "event_kinds": located_list(list(kinds_raw), kind_lines),
        },
    )
    rule_files.append(
        (path, amendment_raw, RuleFile(event_kinds=list(a.event_kinds.add), norms=new_norms))
    )

    header = base.contract.contract
    marked = "hypothetical amendment" if a.hypothetical else "amendment"
    notice = f"Amended by {amendment_id} ({marked}, effective {a.effective}): {a.title}."
    if a.notice:
        notice += " " + a.notice
    if header.notice:
        notice = header.notice + " " + notice
    contract = base.contract.model_copy(
        update={
            "contract": header.model_copy(
                update={
                    "id": f"{header.id}+{amendment_id}",
                    "title": f"{header.title}, amended: {a.title}",
                    "notice": notice,
                    "as_of": max(header.as_of, a.effective),
                }
            ),
            "clauses": list(clauses.values()),
        }
    )
    _settled_by_readings(a, contract, rule_files, file, raw, problems)
    base_raw = load_yaml_file(base_path)
    if any(c.readings for c in contract.clauses) or any(r.readings for *_, r in rule_files):
        # the base's disputed clauses stay disputed: an amended contract is checked under each
        # reading as the base is, never silently under the default reading alone
        from engine.readings import resolve_with_readings

        spec = resolve_with_readings(base_path, base_raw, contract, rule_files)
    else:
        spec = _Resolver(base_path, base_raw, contract, rule_files, problems).resolve()
    amendment = Amendment(
        id=amendment_id,
        title=a.title,
        effective=a.effective,
        hypothetical=a.hypothetical,
        path=path.resolve(),
        base=base_path,
        added=tuple(n.id for n in a.norms.add),
        replaced=tuple(n.id for n in a.norms.replace),
        removed=tuple(a.norms.remove),
    )
    return dataclasses.replace(spec, path=path.resolve(), amendment=amendment)


def _settled_by_readings(
    a: Any,
    contract: Any,
    rule_files: list[tuple[Path, Any, RuleFile]],
    file: str,
    raw: Any,
    problems: Collector,
) -> None:
    """An amendment may not replace or remove a norm that a reading of a still-disputed clause
    also replaces or removes: under that reading the amendment's change would be undone in
    silence. Replacing the clause itself settles its readings, and is the way to say it."""
    read: dict[str, tuple[str, str]] = {}  # norm id -> (clause, reading)
    places = [(c.id, c.readings or {}) for c in contract.clauses]
    places += [
        (clause, by_name) for *_, rf in rule_files for clause, by_name in rf.readings.items()
    ]
    for clause, by_name in places:
        for name, reading in by_name.items():
            for norm_id in [*(n.id for n in reading.norms.replace), *reading.norms.remove]:
                read.setdefault(norm_id, (clause, name))
    touched = [("replace", i, n.id) for i, n in enumerate(a.norms.replace)]
    touched += [("remove", i, norm_id) for i, norm_id in enumerate(a.norms.remove)]
    for section, index, norm_id in touched:
        if norm_id in read:
            clause, name = read[norm_id]
            problems.add(
                file,
                line_of(raw, ("norms", section, index)),
                f"norms.{section}[{norm_id}]: reading '{name}' of the disputed clause "
                f"'{clause}' also {'replaces' if section == 'replace' else 'changes'} "
                f"'{norm_id}', so under that reading this amendment would be undone; replace "
                f"clause '{clause}' in the amendment (which settles its readings) or leave "
                f"'{norm_id}' to the reading",
            )
    problems.raise_if_any()


@contextlib.contextmanager
def inline_amendment(
    text: str, base: Path, names: Sequence[str], source: str = "amendment"
) -> Iterator[ContractSpec]:
    """An amendment given as text (YAML, or JSON, which YAML reads) rather than as a file, for a
    server: applied to the contract file `base`, validated exactly as a file is, every problem
    located at `source`:line. Its `amends:` may be left out; when given it must be one of `names`
    (the base's id or file as the caller shows them): it is never read as a path. Its id defaults
    to 'proposal'."""
    raw = parse_yaml(text, source)
    if not isinstance(raw, dict) or "contract" in raw:
        what = "an amendment is a mapping with title, effective and the clauses and norms it adds, "
        raise ContractFileError(
            [Problem(source, line_of(raw, ()), what + "replaces or removes; not a contract")]
        )
    given = raw.get("amends")
    if given is not None and given not in names:
        raise ContractFileError(
            [
                Problem(
                    source,
                    line_of(raw, ("amends",)),
                    f"amends: '{given}' is not this contract; leave it out or write one of: "
                    + ", ".join(names),
                )
            ]
        )
    raw["amends"] = base.name
    if "id" not in raw:
        raw["id"] = "proposal"  # a readable id for "relaxed by amendment proposal"
    # a name of its own beside the base, so that concurrent inline amendments stay apart
    path = base.parent / f".{source}-{uuid.uuid4().hex}.yaml"
    try:
        spec = load_amendment(path, raw)
    except ContractFileError as error:
        raise ContractFileError(
            [
                dataclasses.replace(
                    p,
                    file=source if p.file == str(path) else p.file,
                    message=p.message.replace(str(path), source),
                )
                for p in error.problems
            ]
        ) from None
    yield spec


def _old_id(norm_id: str, amendment_id: str) -> str:
    """The id the terms before the amendment keep: 'azure-exclusivity-before-azure-relaxed'."""
    return f"{norm_id}-before-{amendment_id}"[:80]


def rewrite_norms(
    rule_files: list[tuple[Path, Any, RuleFile]],
    ending: Collection[str],
    keep: Callable[[Norm], Norm | None],
) -> list[tuple[Path, Any, RuleFile]]:
    """The rule files with each norm named in `ending` swapped for keep(norm), or dropped when
    that is None; every other norm keeps its place and its file:line. Amendments and readings
    (engine/readings.py) change a contract's norms through this one function."""
    out: list[tuple[Path, Any, RuleFile]] = []
    for rule_path, rule_raw, rules in rule_files:
        kept_raw: list[Any] = []
        kept: list[Norm] = []
        lines: list[int] = []
        raw_norms = rule_raw.get("norms", []) if isinstance(rule_raw, dict) else []
        for index, norm in enumerate(rules.norms):
            if norm.id in ending:
                changed = keep(norm)
                if changed is None:
                    continue
                norm = changed
            kept.append(norm)
            kept_raw.append(raw_norms[index])
            lines.append(line_of(rule_raw, ("norms", index)) or 0)
        rule_raw_kept = located(rule_raw, {"norms": located_list(kept_raw, lines)})
        out.append((rule_path, rule_raw_kept, rules.model_copy(update={"norms": kept})))
    return out


def changed_ids(
    ids: list[str],
    known: dict[str, Any],
    section: str,
    what: str,
    raw: Any,
    file: str,
    problems: Collector,
    prefix: tuple[Any, ...] = (),
    where: str = "in the amended contract",
    label: str | None = None,
) -> None:
    """Each id that `known` lacks is a problem at its file:line, with did-you-mean."""
    group, change = section.split(".")
    for index, item in enumerate(ids):
        if item not in known:
            loc: tuple[Any, ...] = (*prefix, group, change, index)
            if change == "replace":
                loc = (*loc, "id")
            problems.add(
                file,
                line_of(raw, loc),
                f"{label or section}: no {what} '{item}' {where}{did_you_mean(item, known)}",
            )


def located(like: Any, items: dict[str, Any]) -> LocatedDict:
    out = LocatedDict(items)
    out.line = getattr(like, "line", 1)
    out.key_lines = {k: getattr(like, "key_lines", {}).get(k, out.line) for k in items}
    return out


def located_list(items: list[Any], lines: list[int]) -> LocatedList:
    out = LocatedList(items)
    out.line = lines[0] if lines else 1
    out.item_lines = lines
    return out
