"""Stage 2, validate: plain data to pydantic models, then every cross-reference checked.

All problems in all files are collected and reported together, each as file:line, the field,
the bad value and what was expected, with a "did you mean" where an id looks misspelt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from engine.cache import note_folder
from engine.conditions import (
    RESERVED_FIELDS,
    Consequence,
    FieldTest,
    StateTest,
    Test,
    Trigger,
    date_number,
    with_article,
)
from engine.constructs import CHANGE_KINDS, CONDITIONS, NUMBER_CHANGE_FIELDS, OPERATIONS, Site
from engine.cycles import cycles
from engine.errors import Collector, ContractFileError, Problem
from engine.load import LocatedDict, LocatedList, line_of, load_yaml_file
from engine.measures import Measure, show_number
from engine.model import (
    Clause,
    ContractFile,
    Entity,
    EntitySet,
    EventKind,
    FieldSpec,
    FieldType,
    InitialState,
    Norm,
    NormKind,
    Party,
    Phrase,
    RuleFile,
    Waiver,
)
from engine.norms import foreign_key_problem, kind_of
from engine.periods import PERIODS, contract_start, listened
from engine.suggest import did_you_mean
from engine.templates import HOLE, fill, phrase_holes, template_holes
from engine.values import ExprError
from engine.values import parse as parse_expr
from engine.words.known import KnownNames
from engine.words.text import as_written, value_key

if TYPE_CHECKING:
    from engine.amend import Amendment
    from engine.readings import ReadingSet

MAX_NORMS = 20_000

CONSEQUENCE_ARGS: dict[str, tuple[str, ...]] = {o.op: o.args for o in OPERATIONS.values()}

_COMPARISONS = ("gt", "gte", "lt", "lte")


@dataclass(frozen=True)
class NormSpec:
    """A validated norm with its conditions parsed and its place in the files kept."""

    norm: Norm
    trigger: Trigger
    requires: tuple[Test, ...]
    exceptions: tuple[StateTest, ...]
    consequences: tuple[Consequence, ...]
    listeners: tuple[tuple[str, Trigger], ...]  # what the kind also reacts to, by role
    file: str
    line: int | None
    data: tuple[tuple[str, Any], ...] = ()  # what else the norm's kind parsed (engine/norms)
    effective: dt.date | None = None  # the contract's effective date
    overridden_by: tuple[NormSpec, ...] = ()  # norms whose firing sets this one aside

    @property
    def window_from(self) -> dt.date | None:
        """The first day the norm applies: its `from`, or the contract's effective date if later."""
        start = self.norm.valid_from
        if self.effective is not None and (start is None or self.effective > start):
            return self.effective
        return start

    @property
    def window_until(self) -> dt.date | None:
        return self.norm.valid_until

    @property
    def window_text(self) -> str:
        start, until = self.window_from, self.window_until
        by_contract = (
            start is not None and start == self.effective and start != self.norm.valid_from
        )
        first = (
            f"the contract takes effect on {start}"
            if by_contract
            else f"the norm applies from {start}"
        )
        if start and until:
            return (
                f"{first}; the norm applies until {until}"
                if by_contract
                else f"{first} until {until}"
            )
        if start:
            return first
        return f"the norm applies until {until}"

    @property
    def id(self) -> str:
        return self.norm.id

    def datum(self, name: str) -> Any:
        return next((v for k, v in self.data if k == name), None)

    def listener(self, role: str) -> Trigger | None:
        return next((t for r, t in self.listeners if r == role), None)

    @property
    def starts(self) -> Trigger | None:
        """An obligation's `when`: what starts its clock."""
        return self.listener("start")

    @property
    def fulfils(self) -> Trigger | None:
        """An obligation's `must`: the move that meets it."""
        return self.listener("fulfil")


@dataclass(frozen=True)
class EventKindSpec:
    kind: EventKind
    phrases: tuple[Phrase, ...]
    effects: tuple[Consequence, ...]

    @property
    def id(self) -> str:
        return self.kind.id


@dataclass
class ContractSpec:
    """Everything a check needs, validated and cross-referenced."""

    path: Path
    contract: ContractFile
    parties: dict[str, Party]
    entities: dict[str, Entity]
    clauses: dict[str, Clause]
    sets: dict[str, EntitySet]
    event_kinds: dict[str, EventKindSpec]
    norms: list[NormSpec]
    rule_files: list[Path] = field(default_factory=list)
    measure_filters: dict[str, tuple[FieldTest, ...]] = field(default_factory=dict)
    # the readings of disputed clauses (engine/readings.py); None when the contract has none
    readings: ReadingSet | None = None
    # the amendment that made it (engine/amend.py), kept in the spec so a cached spec has it too
    amendment: Amendment | None = None
    # the rules' name and text constants as written, by their key ("acme_corp": "Acme Corp"):
    # what reports show for a value a rule names
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.contract.contract.id

    @functools.cached_property
    def periods(self) -> tuple[str, ...]:
        """The recurring periods whose ends some norm listens to: only these are emitted."""
        return listened(t for n in self.norms for t in (n.trigger, n.starts, n.fulfils))

    @property
    def state(self) -> InitialState:
        return self.contract.state

    @property
    def waivers(self) -> list[Waiver]:
        return self.contract.waivers


def validate_model(
    model: type[BaseModel], data: Any, file: str, problems: Collector
) -> BaseModel | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        unions: dict[tuple[Any, ...], list[str]] = {}  # the choices of a union, by place
        for item in error.errors():
            loc = _without_tags(data, tuple(item["loc"]))
            if len(loc) < len(item["loc"]):
                unions.setdefault(loc, []).extend(_choices(item))
        said: set[tuple[Any, ...]] = set()
        for item in error.errors():
            loc = _without_tags(data, tuple(item["loc"]))
            # pydantic puts the model-level validator under the item it belongs to
            where = _where(data, loc)
            got = item.get("input")
            shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
            message = item["msg"].removeprefix("Value error, ")
            choices = unions.get(loc) or _choices(item)
            if unions.get(loc):  # one problem for all the members of a union
                if loc in said:
                    continue
                said.add(loc)
                words = [f"'{c}'" for c in choices if c != "a mapping"]
                if "a mapping" in choices:
                    words.append("a mapping (see `contract-engine schema rules`)")
                message = "expected " + (
                    ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
                )
            hint = ""
            if choices and isinstance(got, str):
                hint = did_you_mean(got, [c for c in choices if c != "a mapping"])
            if item["type"] == "extra_forbidden":
                parent = _parent_fields(model, loc)
                message = f"unknown field '{loc[-1]}'{did_you_mean(loc[-1], parent)}"
                if parent:
                    message += "; expected one of: " + ", ".join(sorted(parent))
                shown = ""
            elif item["type"] in ("model_type", "model_attributes_type") and not unions.get(loc):
                message = "expected a mapping of its fields (see `contract-engine schema rules`)"
            elif item["type"] == "missing":
                message = f"missing required field '{loc[-1]}'"
            elif item["type"] == "string_pattern_mismatch" and isinstance(got, str):
                # the one pattern of the language is an id's: say it in words, with the id meant
                # the id meant: a norm of each party is named by its base id ("e1" for
                # "e1@alpha"); a name by its key, as moves' values are ("initech_group")
                suggested = value_key(got.split("@", 1)[0])
                message = (
                    "expected an id: lower-case letters, digits, '_' or '-', starting with a "
                    "letter" + (f" (e.g. '{suggested}')" if suggested[:1].isalpha() else "")
                )
            problems.add(file, line_of(data, loc), f"{where}: {message}{shown}{hint}")
        return None


def _without_tags(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The location less the union members pydantic names in it (never a key of the data)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, list | dict) and _has(node, part):
            node = node[part]
        elif _is_union_tag(part):
            continue
        else:
            node = None
        out.append(part)
    return tuple(out) if out else loc


def _is_union_tag(part: Any) -> bool:
    """pydantic names the member of a union it tried in the location: `literal['a','b']`,
    `Rolling`, `function-after[...]`; no key of a contract file looks like that."""
    return (
        isinstance(part, str) and not part.startswith("[") and ("[" in part or part[:1].isupper())
    )


def _choices(item: Any) -> list[str]:
    """What a union member or an enum accepts, as words: its values, or 'a mapping'."""
    expected = (item.get("ctx") or {}).get("expected")
    if item["type"] in ("literal_error", "enum") and isinstance(expected, str):
        return re.findall(r"'([^']*)'", expected)
    if item["type"] in ("model_type", "dict_type", "model_attributes_type"):
        return ["a mapping"]
    return []


def _where(data: Any, loc: tuple[Any, ...]) -> str:
    """A location as tools read it (`norms.1.instances`); a problem with a whole item of a
    list that has an id names the item as the author wrote it (`norms[fix-each-defect]`)."""
    if not loc or not isinstance(loc[-1], int):
        return ".".join(str(p) for p in loc) or "(top level)"
    out, node = "", data
    for part in loc:
        item = node[part] if isinstance(node, list | dict) and _has(node, part) else None
        ident = item.get("id") if isinstance(part, int) and isinstance(item, dict) else None
        out += f"[{ident}]" if isinstance(ident, str) else f".{part}" if out else str(part)
        node = item
    return out or "(top level)"


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, list):
        return isinstance(part, int) and 0 <= part < len(node)
    return part in node


def validate_salvaging(
    model: type[BaseModel], data: Any, file: str, problems: Collector
) -> tuple[BaseModel | None, Any, set[str]]:
    """Validate, and when only items of top-level lists are invalid (a norm, a clause), set
    those aside and validate the rest, so that the cross-reference checks still run and one run
    reports every problem of a file, not the schema errors first and the references next time.
    Returns the model (None when nothing could be salvaged), the data it was built from (with
    the lines of the original) and the ids of the items set aside."""
    parsed = validate_model(model, data, file, problems)
    if parsed is not None or not isinstance(data, LocatedDict):
        return parsed, data, set()
    try:
        model.model_validate(data)
        return None, data, set()  # pragma: no cover - it failed a moment ago
    except ValidationError as error:
        bad: dict[str, set[int]] = {}
        unknown: set[str] = set()  # top-level keys the model does not have (reported)
        entries: dict[str, set[str]] = {}  # entries of top-level mappings (readings by clause)
        for item in error.errors():
            loc = tuple(item["loc"])
            section = loc[0] if loc and isinstance(loc[0], str) else None
            if len(loc) == 1 and item["type"] == "extra_forbidden" and section is not None:
                unknown.add(section)
            elif (
                len(loc) >= 2
                and isinstance(loc[1], int)
                and section is not None
                and isinstance(data.get(section), LocatedList)
            ):
                bad.setdefault(section, set()).add(loc[1])
            elif (
                len(loc) >= 2
                and isinstance(loc[1], str)
                and section is not None
                and isinstance(data.get(section), LocatedDict)
                and _is_keyed_section(model, section)
            ):
                entries.setdefault(section, set()).add(loc[1])
            else:
                return None, data, set()
    kept = LocatedDict((k, v) for k, v in data.items() if k not in unknown)
    kept.line, kept.key_lines = data.line, data.key_lines
    for section, keys in entries.items():
        part: LocatedDict = data[section]
        rest_map = LocatedDict((k, v) for k, v in part.items() if k not in keys)
        rest_map.line, rest_map.key_lines = part.line, part.key_lines
        kept[section] = rest_map
    dropped: set[str] = set()
    for section, indexes in bad.items():
        items: LocatedList = data[section]
        rest = LocatedList(x for i, x in enumerate(items) if i not in indexes)
        rest.line = items.line
        rest.item_lines = [n for i, n in enumerate(items.item_lines) if i not in indexes]
        kept[section] = rest
        for i in indexes:
            ident = items[i].get("id") if isinstance(items[i], dict) else None
            if isinstance(ident, str):
                dropped.add(ident)
    try:
        return model.model_validate(kept), kept, dropped
    except ValidationError:
        return None, data, set()


def _is_keyed_section(model: type[BaseModel], section: str) -> bool:
    """Whether a top-level field is a mapping of items by key (readings by clause), whose bad
    entries can be set aside like the bad items of a list."""
    info = model.model_fields.get(section)
    return info is not None and getattr(info.annotation, "__origin__", None) is dict


_UNKNOWN_REF = re.compile(r"(?:unknown [\w ]+|no norm) '([^']*)'")


def _without_echoes(problems: list[Problem], dropped: set[str]) -> list[Problem]:
    """Problems less the references to items already reported invalid (set aside)."""
    kept = []
    for problem in problems:
        match = _UNKNOWN_REF.search(problem.message)
        if match and match.group(1) in dropped:
            continue
        kept.append(problem)
    return kept


def _parent_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed where an unknown field was found, for the "expected" hint."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            # a field may be known by its alias
            info = next(
                (f for f in getattr(current, "model_fields", {}).values() if f.alias == part), None
            )
        current = _model_in(info.annotation) if info is not None else None
    if current is None or not hasattr(current, "model_fields"):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _rule_paths(
    header_rules: list[str], base: Path, file: str, raw: Any, problems: Collector
) -> list[Path]:
    paths: list[Path] = []
    for index, entry in enumerate(header_rules):
        target = (base / entry).resolve()
        line = line_of(raw, ("contract", "rules", index))
        if target.is_dir():
            found = sorted([*target.glob("*.yaml"), *target.glob("*.yml")])
            note_folder(target, found)
            if not found:
                problems.add(file, line, f"contract.rules: folder '{entry}' holds no .yaml file")
            paths.extend(found)
        elif target.is_file():
            paths.append(target)
        else:
            problems.add(
                file, line, f"contract.rules: no file or folder '{entry}' next to the contract"
            )
    return paths


def load_contract(path: str | Path) -> ContractSpec:
    """Load a contract file and its rule files, validate them and resolve every reference."""
    contract_path = Path(path)
    problems = Collector()
    file = str(contract_path)
    raw = load_yaml_file(contract_path)
    if isinstance(raw, dict) and "amends" in raw and "contract" not in raw:
        from engine.amend import load_amendment  # an amendment: its contract, changed from a date

        return load_amendment(contract_path, raw)
    if not isinstance(raw, dict):
        raise ContractFileError(
            [
                Problem(
                    file,
                    line_of(raw, ()),
                    "a contract file must be a mapping with a 'contract' key",
                )
            ]
        )
    if "contract" not in raw and ("norms" in raw or "event_kinds" in raw):
        raise ContractFileError(
            [
                Problem(
                    file,
                    1,
                    "this is a rule file; give the contract file that lists it under contract.rules",
                )
            ]
        )
    contract, raw, dropped = validate_salvaging(ContractFile, raw, file, problems)
    header = raw.get("contract")
    listed = header.get("rules") if isinstance(header, dict) else None
    if isinstance(contract, ContractFile):
        listed = contract.contract.rules
    elif not (isinstance(listed, list) and all(isinstance(r, str) for r in listed)):
        listed = []
    before = len(problems.problems)
    rule_paths = _rule_paths(listed, contract_path.parent, file, raw, problems)
    if len(problems.problems) > before:
        problems.raise_if_any()

    rule_files: list[tuple[Path, Any, RuleFile]] = []
    whole_file_invalid = False
    for rule_path in rule_paths:
        try:
            rule_raw = load_yaml_file(rule_path)
        except ContractFileError as error:
            problems.problems.extend(error.problems)
            whole_file_invalid = True
            continue
        if not isinstance(rule_raw, dict):
            problems.add(
                str(rule_path),
                line_of(rule_raw, ()),
                "a rule file must be a mapping with 'event_kinds' and/or 'norms'",
            )
            whole_file_invalid = True
            continue
        parsed, rule_raw, set_aside = validate_salvaging(
            RuleFile, rule_raw, str(rule_path), problems
        )
        dropped |= set_aside
        if isinstance(parsed, RuleFile):
            rule_files.append((rule_path, rule_raw, parsed))
        else:
            whole_file_invalid = True
    if whole_file_invalid or not isinstance(contract, ContractFile):
        # without the contract or a whole rule file, reference checks would only echo
        problems.raise_if_any()
    assert isinstance(contract, ContractFile)
    try:
        if any(c.readings for c in contract.clauses) or any(r.readings for *_, r in rule_files):
            from engine.readings import resolve_with_readings

            try:
                spec = resolve_with_readings(contract_path, raw, contract, rule_files)
            except ContractFileError as error:  # with the schema problems found before
                raise ContractFileError([*problems.problems, *error.problems]) from None
            problems.raise_if_any()
            return spec
        return _Resolver(contract_path, raw, contract, rule_files, problems).resolve()
    except ContractFileError as error:
        raise ContractFileError(_without_echoes(error.problems, dropped)) from None
    except Exception:
        if not problems.problems:
            raise
        # a file already reported invalid can confuse the reference checks: report what we have
        raise ContractFileError(
            sorted(problems.problems, key=lambda p: (p.file, p.line or 0))
        ) from None


class _Resolver:
    """Checks references across files and parses conditions, collecting every problem."""

    def __init__(
        self,
        path: Path,
        raw: Any,
        contract: ContractFile,
        rule_files: list[tuple[Path, Any, RuleFile]],
        problems: Collector,
    ) -> None:
        self.path, self.raw, self.contract = path, raw, contract
        self.rule_files = rule_files
        self.problems = problems
        self.file = str(path)
        self.parties: dict[str, Party] = {}
        self.entities: dict[str, Entity] = {}
        self.known = KnownNames((), ())  # by name, once parties and entities are read
        self.labels: dict[str, str] = {}  # keyed constants as written (ContractSpec.labels)
        self.clauses: dict[str, Clause] = {}
        self.sets: dict[str, EntitySet] = {}
        self.kinds: dict[str, EventKind] = {}
        self.measures: dict[str, Measure] = {}
        self.measure_filters: dict[str, tuple[FieldTest, ...]] = {}
        self.values: dict[str, Any] = {}
        self._specs: dict[str, FieldSpec] = {}  # fields of the move whose templates are checked
        self._specs_of_change = False
        self._change_kind = ""  # the change kind of a change trigger whose fields are named

    # -- helpers -----------------------------------------------------------------------------
    def _unique(
        self, items: list[Any], section: str, file: str, raw: Any, into: dict[str, Any]
    ) -> None:
        for index, item in enumerate(items):
            if item.id in into:
                self.problems.add(
                    file,
                    line_of(raw, (section, index, "id")),
                    f"{section}: duplicate id '{item.id}'",
                )
            else:
                into[item.id] = item

    def _ref(
        self, value: str, known: dict[str, Any], what: str, file: str, line: int | None, where: str
    ) -> bool:
        if value in known:
            return True
        self.problems.add(
            file,
            line,
            f"{where}: unknown {what} '{value}'{did_you_mean(value, known)}; known: {', '.join(sorted(known)) or '(none)'}",
        )
        return False

    # -- the whole contract ----------------------------------------------------------------------
    def resolve(self) -> ContractSpec:
        c, raw, file = self.contract, self.raw, self.file
        self._unique(c.parties, "parties", file, raw, self.parties)
        self._unique(c.entities, "entities", file, raw, self.entities)
        self.known = KnownNames(self.parties.values(), self.entities.values())
        overlap = set(self.parties) & set(self.entities)
        for name in sorted(overlap):
            self.problems.add(file, None, f"entities: '{name}' is already a party id")
        self._unique(c.clauses, "clauses", file, raw, self.clauses)
        self._unique(c.sets, "sets", file, raw, self.sets)
        self.sets = {k: self._keyed_members(v) for k, v in self.sets.items()}
        self._unique(c.measures, "measures", file, raw, self.measures)
        self._unique(c.values, "values", file, raw, self.values)
        for path, rule_raw, rules in self.rule_files:
            self._unique(rules.event_kinds, "event_kinds", str(path), rule_raw, self.kinds)

        kinds = {k: self._event_kind(k) for k in self.kinds}
        every_phrase = [p.text for k in kinds.values() for p in k.phrases]
        self._synonyms(
            c.contract.synonyms, every_phrase, file, raw, ("contract", "synonyms"), "contract"
        )
        self._initial_state()
        self._term()
        self._measures()
        norms: list[NormSpec] = []
        seen: dict[str, str] = {}
        for path, rule_raw, rules in self.rule_files:
            for index, norm in enumerate(rules.norms):
                line = line_of(rule_raw, ("norms", index))
                if norm.id in seen:
                    self.problems.add(
                        str(path),
                        line_of(rule_raw, ("norms", index, "id")),
                        f"norms: duplicate id '{norm.id}' (first in {seen[norm.id]})",
                    )
                    continue
                seen[norm.id] = str(path)
                for one in self._roles(norm, str(path), rule_raw, index):
                    spec = self._norm(one, str(path), rule_raw, index, line)
                    if spec is not None:
                        norms.append(spec)
        norms = self._overrides(norms)
        if len(norms) > MAX_NORMS:
            self.problems.add(file, None, f"{len(norms)} norms; the limit is {MAX_NORMS}")
        for index, waiver in enumerate(c.waivers):
            self._ref(
                waiver.rule,
                seen,
                "norm",
                file,
                line_of(raw, ("waivers", index, "rule")),
                "waivers.rule",
            )
        self.problems.raise_if_any()
        return ContractSpec(
            path=self.path,
            contract=c,
            parties=self.parties,
            entities=self.entities,
            clauses=self.clauses,
            sets=self.sets,
            event_kinds=kinds,
            norms=norms,
            rule_files=[p for p, _, _ in self.rule_files],
            measure_filters=self.measure_filters,
            labels=self.labels,
        )

    def _keyed_members(self, entity_set: EntitySet) -> EntitySet:
        """A set's members as the moves they are compared with name them: a known entity's or
        party's id, else the key of a free name or a text (`acme-corp` is the move's
        `acme_corp`), so that `in_set` never tells one name apart by its spelling."""
        members = list(dict.fromkeys(self.known.value(m) or m for m in entity_set.members))
        if members == entity_set.members:
            return entity_set
        return entity_set.model_copy(update={"members": members})

    def _roles(self, norm: Norm, file: str, raw: Any, index: int) -> list[Norm]:
        """`bearer: either` is one norm per contracting party (`<id>@<party>`), each bound to
        moves that party makes; `other` (beneficiary, consent_of) is the party that is not the
        bearer. Expanded here so that every later stage sees plain norms."""
        loc = ("norms", index)
        where = f"norms[{norm.id}]"
        contracting = [p.id for p in self.contract.parties if p.role == "party"]
        for word, key, wrong in (
            ("other", "bearer", "either"),
            ("either", "beneficiary", "other"),
            ("either", "consent_of", "other"),
        ):
            if getattr(norm, key) == word:
                self.problems.add(
                    file,
                    line_of(raw, (*loc, key)),
                    f"{where}.{key}: '{word}' is not a {key}; write a party id"
                    + (f" or '{wrong}'" if wrong else ""),
                )
                return []
        uses_other = "other" in (norm.beneficiary, norm.consent_of) or any(
            _consent_from(c) == "other" for c in [*norm.if_, *norm.unless]
        )
        if (uses_other and len(contracting) != 2) or (
            norm.bearer == "either" and len(contracting) < 2
        ):
            self.problems.add(
                file,
                line_of(raw, loc),
                f"{where}: 'either' and 'other' need two contracting parties; this contract has {len(contracting)} ({', '.join(contracting)}); name the party instead",
            )
            return []

        def other(bearer: str) -> str:
            return next(p for p in contracting if p != bearer)

        def bound(norm: Norm, bearer: str) -> Norm:
            update: dict[str, Any] = {"bearer": bearer}
            if norm.beneficiary == "other":
                update["beneficiary"] = other(bearer)
            if norm.consent_of == "other":
                update["consent_of"] = other(bearer)
            for key in ("if_", "unless"):  # `consent: {from: other, ...}`: the other's consent
                update[key] = [
                    {**c, "consent": {**c["consent"], "from": other(bearer)}}
                    if _consent_from(c) == "other"
                    else c
                    for c in getattr(norm, key)
                ]
            return norm.model_copy(update=update)

        if norm.bearer != "either":
            named = bound(norm, norm.bearer) if uses_other and norm.bearer in contracting else norm
            made = self._bearer_makes(named)
            if made is None:
                kind = self.kinds[str((norm.when or {}).get("move"))]
                self.problems.add(
                    file,
                    line_of(raw, (*loc, "bearer")),
                    f"{where}.bearer: {norm.bearer} never makes {with_article(kind.id)} move "
                    f"(only {kind.actor} does), so {with_article(norm.kind.value)} norm that "
                    f"binds {norm.bearer} could never apply; make {kind.actor} the bearer",
                )
                return []
            return [made]
        key = "must" if norm.kind is NormKind.obligation else "when"
        pattern = getattr(norm, key)
        if not isinstance(pattern, dict) or "move" not in pattern:
            self.problems.add(
                file,
                line_of(raw, (*loc, "bearer")),
                f"{where}.bearer: 'either' binds the norm to moves each party makes, so '{key}' must be a move",
            )
            return []
        return [
            bound(norm, party).model_copy(
                update={"id": f"{norm.id}@{party}", key: {**pattern, "actor": party}}
            )
            for party in contracting
        ]

    def _bearer_makes(self, norm: Norm) -> Norm | None:
        """A norm binds its bearer only. An obligation is met by its bearer's move: a `must`
        move that names no actor is bound to the bearer, when the bearer may make that kind of
        move at all. A prohibition, a consent and a termination are about the bearer's own
        moves: a `when` move that names no actor is bound to the bearer (a move of that kind by
        another party is not the bearer's to answer for); None when the kind's moves are made
        by another party only, so that the norm could never apply."""
        when = norm.when
        if norm.kind in _BEARERS_MOVES and isinstance(when, dict) and "actor" not in when:
            kind = self.kinds.get(str(when.get("move")))
            if kind is None or norm.bearer not in self.parties:
                return norm  # the unknown name is said where it is checked
            if kind.actor not in (None, norm.bearer):
                return None
            if kind.actor is None:
                norm = norm.model_copy(update={"when": {**when, "actor": norm.bearer}})
        must = norm.must
        if norm.kind is not NormKind.obligation or not isinstance(must, dict):
            return norm
        kind = self.kinds.get(str(must.get("move")))
        if "actor" in must or kind is None or kind.actor not in (None, norm.bearer):
            return norm
        return norm.model_copy(update={"must": {**must, "actor": norm.bearer}})

    def _overrides(self, norms: list[NormSpec]) -> list[NormSpec]:
        """`overrides: [id]`: the overridden norm learns which norms set it aside. Both must
        listen for the same kind of move or change, or they could never meet; and no norm may
        override itself or, through others, a norm that overrides it (`_override_cycles`)."""
        by_id = {n.id: n for n in norms}
        beaten: dict[str, list[NormSpec]] = {}
        beats: dict[str, dict[str, tuple[str, int | None]]] = {}  # overrider -> its targets' lines
        copies: dict[str, list[NormSpec]] = {}  # an `either` norm's id -> its per-party norms
        for n in norms:
            if "@" in n.id:
                copies.setdefault(n.id.partition("@")[0], []).append(n)
        held: dict[tuple[str, str], tuple[Any, int]] = {}  # (file, id) -> its raw file, index
        for p, r, rules in self.rule_files:  # a reading's norms are a second entry of the file
            for i, written in enumerate(rules.norms):
                held.setdefault((str(p), written.id), (r, i))
        for spec in norms:
            for index, target in enumerate(spec.norm.overrides):
                file = spec.file
                raw, norm_index = held[(file, spec.id.split("@")[0])]
                line = line_of(raw, ("norms", norm_index, "overrides", index))
                where = f"norms[{spec.id}].overrides"
                base, _, party = spec.id.partition("@")  # an `either` norm: X@party
                if target in (spec.id, base):
                    if party == "" or spec is next(n for n in norms if n.id.startswith(base + "@")):
                        said = f"norms[{base}].overrides: a norm cannot override itself"
                        self.problems.add(file, line, said)  # once, not once per party
                    continue
                expanded = copies.get(target, [])
                if target not in by_id and expanded:  # `either`: each party's norm
                    for each in expanded:  # an `either` overrider: its party's
                        if each.trigger.route == spec.trigger.route and (
                            not party or each.id == f"{target}@{party}"
                        ):
                            beaten.setdefault(each.id, []).append(spec)
                            beats.setdefault(spec.id, {})[each.id] = (file, line)
                    continue
                if target not in by_id:  # suggest the ids authors write, not X@party
                    known = {n.id.partition("@")[0]: n for n in norms}
                    if party == "" or spec is next(n for n in norms if n.id.startswith(base + "@")):
                        self._ref(target, known, "norm", file, line, f"norms[{base}].overrides")
                    continue
                other = by_id[target]
                if other.trigger.route != spec.trigger.route:
                    self.problems.add(
                        file,
                        line,
                        f"{where}: '{target}' listens for {other.trigger.describe()}, this norm for {spec.trigger.describe()}; a norm can only override one that listens for the same kind",
                    )
                    continue
                beaten.setdefault(target, []).append(spec)
                beats.setdefault(spec.id, {})[target] = (file, line)
        self._override_cycles([n.id for n in norms], beats)
        return [
            dataclasses.replace(n, overridden_by=tuple(beaten[n.id])) if n.id in beaten else n
            for n in norms
        ]

    def _override_cycles(
        self, order: list[str], beats: dict[str, dict[str, tuple[str, int | None]]]
    ) -> None:
        """A cycle of overrides, of any length, is refused: each norm of it sets the next aside,
        so on a move they all apply to none of them has an effect. The search runs over the
        norms as expanded (an `either` norm's per-party copies, a reading's or an amendment's
        norms), and each cycle is told once in the ids authors write, from the earliest norm of
        it, each with the file:line of its override of the next."""
        told: set[tuple[str, ...]] = set()
        for cycle in cycles(order, {k: list(v) for k, v in beats.items()}):
            ids = tuple(n.partition("@")[0] for n in cycle)  # X@party is X to the author
            if ids in told:
                continue  # the same cycle through the other party's copies
            told.add(ids)
            file, line = beats[cycle[0]][cycle[1]]
            steps = []
            for i, node in enumerate(cycle):
                where, at = beats[node][cycle[(i + 1) % len(cycle)]]
                # beside the problem's own file: 'rules.yaml:12', never a server's absolute path
                shown = os.path.relpath(where, os.path.dirname(file)).replace(os.sep, "/")
                shown += f":{at}" if at is not None else ""
                steps.append(f"{ids[i]} overrides {ids[(i + 1) % len(ids)]} ({shown})")
            names = [f"'{n}'" for n in dict.fromkeys(ids)]
            listed = ", ".join(names[:-1]) + f" and {names[-1]}"
            self.problems.add(
                file,
                line,
                f"norms[{ids[0]}].overrides: {listed} override each other in a cycle: "
                f"{', '.join(steps)}; each sets the next aside, so none of them applies to a "
                "move they all cover. Fix: an override goes from the specific norm to the general "
                "one it makes an exception to; remove the `overrides:` entry that points back "
                "round the cycle.",
            )

    def _initial_state(self) -> None:
        s, raw, file = self.contract.state, self.raw, self.file
        for index, consent in enumerate(s.consents):
            self._ref(
                consent.given_by,
                self.parties,
                "party",
                file,
                line_of(raw, ("state", "consents", index, "from")),
                "state.consents.from",
            )
            self._ref(
                consent.subject,
                self.kinds,
                "event kind",
                file,
                line_of(raw, ("state", "consents", index, "for")),
                "state.consents.for",
            )
        for index, kind in enumerate(s.happened):
            self._ref(
                kind,
                self.kinds,
                "event kind",
                file,
                line_of(raw, ("state", "happened", index)),
                "state.happened",
            )

    def _event_kind(self, kind_id: str) -> EventKindSpec:
        kind = self.kinds[kind_id]
        file, raw, index = self._locate_kind(kind_id)
        where = f"event_kinds[{kind_id}]"
        if kind.actor is not None:
            self._ref(
                kind.actor,
                self.parties,
                "party",
                file,
                line_of(raw, ("event_kinds", index, "actor")),
                f"{where}.actor",
            )
        for name, spec in kind.fields.items():
            line = line_of(raw, ("event_kinds", index, "fields", name))
            if name in RESERVED_FIELDS or name == "actor" or name.startswith("s__"):
                self.problems.add(
                    file, line, f"{where}.fields: '{name}' is reserved; choose another field name"
                )
            self._field_spec(spec, f"{where}.fields.{name}", file, line)
        phrases: list[Phrase] = []
        for p_index, phrase in enumerate(kind.phrases):
            p = Phrase(text=phrase) if isinstance(phrase, str) else phrase
            line = line_of(raw, ("event_kinds", index, "phrases", p_index))
            holes, problem = phrase_holes(p.text)
            if problem:
                self.problems.add(file, line, f"{where}.phrases: '{p.text}': {problem}")
            for hole in holes:
                if hole != "actor" and hole not in kind.fields:
                    self.problems.add(
                        file,
                        line,
                        f"{where}.phrases: '{{{hole}}}' is not a field of {kind_id}{did_you_mean(hole, kind.fields)}",
                    )
            for fixed in p.set:
                if fixed not in kind.fields:
                    self.problems.add(
                        file,
                        line,
                        f"{where}.phrases.set: '{fixed}' is not a field of {kind_id}{did_you_mean(fixed, kind.fields)}",
                    )
            unfilled = [
                name
                for name, spec in sorted(kind.fields.items())
                if spec.required and spec.default is None and name not in {*holes, *p.set}
            ]
            if unfilled and not problem:  # every sentence read with it would be refused
                name = unfilled[0]
                self.problems.add(
                    file,
                    line,
                    f"{where}.phrases: '{p.text}' never fills the required field '{name}', so no "
                    f"sentence can be read with it; add a '{{{name}}}' hole, `set: {{{name}: ...}}`, "
                    f"or make the field `required: false` or give it a `default`",
                )
            phrases.append(p)
        self._specs = {**kind.fields, "actor": FieldSpec(type=FieldType.party)}
        self._specs_of_change = False
        effects = tuple(
            c
            for e_index, effect in enumerate(kind.effects)
            if (
                c := self._consequence(
                    effect,
                    file,
                    line_of(raw, ("event_kinds", index, "effects", e_index)),
                    f"{where}.effects",
                    set(kind.fields) | {"actor"},
                )
            )
            is not None
        )
        self._synonyms(
            kind.synonyms,
            [p.text for p in phrases],
            file,
            raw,
            ("event_kinds", index, "synonyms"),
            where,
        )
        return EventKindSpec(kind=kind, phrases=tuple(phrases), effects=effects)

    def _synonyms(
        self,
        table: dict[str, list[str]],
        phrases: list[str],
        file: str,
        raw: Any,
        loc: tuple[str | int, ...],
        where: str,
    ) -> None:
        """A synonym replaces a phrase's opening words: its key must open some phrase."""
        from engine.words.synonyms import is_opening, openings

        for key in table:
            if not is_opening(key, phrases):
                known = openings(phrases)
                self.problems.add(
                    file,
                    line_of(raw, (*loc, key)),
                    f"{where}.synonyms: '{key}' opens no phrase{did_you_mean(key, known)}; "
                    f"a synonym key is the opening words of a phrase, e.g. {', '.join(repr(k) for k in known[:3])}",
                )

    def _locate_kind(self, kind_id: str) -> tuple[str, Any, int]:
        for path, rule_raw, rules in self.rule_files:
            for index, kind in enumerate(rules.event_kinds):
                if kind.id == kind_id:
                    return str(path), rule_raw, index
        return self.file, self.raw, 0

    def _field_spec(self, spec: FieldSpec, where: str, file: str, line: int | None) -> None:
        if spec.of is not None:
            if spec.type not in (FieldType.entity, FieldType.name):
                self.problems.add(file, line, f"{where}.of: only entity and name fields take 'of'")
            categories = {e.category for e in self.entities.values() if e.category}
            for allowed in spec.of:
                if allowed not in self.entities and allowed not in categories:
                    self.problems.add(
                        file,
                        line,
                        f"{where}.of: '{allowed}' is neither an entity nor a category{did_you_mean(allowed, [*self.entities, *categories])}",
                    )
        for bound in ("min", "max"):
            if getattr(spec, bound) is not None and spec.type not in (
                FieldType.number,
                FieldType.money,
            ):
                self.problems.add(
                    file, line, f"{where}.{bound}: only number and money fields take '{bound}'"
                )
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            self.problems.add(
                file,
                line,
                f"{where}: min {show_number(spec.min)} is above max {show_number(spec.max)}",
            )
        if isinstance(spec.default, int | float) and not isinstance(spec.default, bool):
            low = "" if spec.min is None else show_number(spec.min)
            high = "" if spec.max is None else show_number(spec.max)
            if (spec.min is not None and spec.default < spec.min) or (
                spec.max is not None and spec.default > spec.max
            ):
                self.problems.add(
                    file,
                    line,
                    f"{where}.default: {show_number(spec.default)} is outside the field's range "
                    f"({low}..{high})",
                )
        if spec.default is not None:
            try:
                self.field_value(spec, spec.default)
            except ValueError as error:
                self.problems.add(file, line, f"{where}.default: {error}")

    # -- values ----------------------------------------------------------------------------
    def field_value(self, spec: FieldSpec, value: Any, words: bool = True) -> Any:
        """A condition's value in the fact's form, or ValueError saying what was expected.
        A name or text constant is keyed as a move's value of its field is (engine/words/known.py,
        `value_key`), so that case, a leading article, spaces or hyphens never set them apart;
        `words` False for a change's fields, whose values are ids the engine writes."""
        t = spec.type
        if t is FieldType.name:
            return self._name_value(spec, value)
        if t is FieldType.text and words:
            key = value_key(str(value))
            if not key:
                raise ValueError(f"'{value}' is not a text a move can give (it holds no word)")
            return self._labelled(key, value)
        if t is FieldType.party:
            if value not in self.parties:
                raise ValueError(f"unknown party '{value}'{did_you_mean(value, self.parties)}")
            return value
        if t is FieldType.entity:
            if value not in self.entities:
                raise ValueError(f"unknown entity '{value}'{did_you_mean(value, self.entities)}")
            return value
        if t is FieldType.kind:
            if value not in self.kinds:
                raise ValueError(f"unknown event kind '{value}'{did_you_mean(value, self.kinds)}")
            return value
        if t is FieldType.date:
            try:
                return date_number(dt.date.fromisoformat(str(value)))
            except ValueError:
                raise ValueError(f"'{value}' is not a date; expected YYYY-MM-DD") from None
        if t in (FieldType.money, FieldType.number):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"'{value}' is not a number")
            return value
        if t is FieldType.text:  # as a move's text is read: without a leading article
            return as_written(str(value)) or str(value)
        return str(value)

    def _name_value(self, spec: FieldSpec, value: Any) -> str:
        """A name constant as a move naming it is read: a known entity's or party's id, else
        its key. A known entity that the field's `of` leaves out, or words that hold no name,
        could never be the move's value: an error, not a test that silently never holds."""
        known = self.known.known(str(value))
        if known is not None and known in self.entities and spec.of is not None:
            entity = self.entities[known]
            if known not in spec.of and entity.category not in spec.of:
                raise ValueError(
                    f"'{value}' is the entity {known}, which this field does not take "
                    f"(of: {', '.join(spec.of)}): no move can give it"
                )
        if known is not None:
            return known
        found = value_key(str(value))
        if not found:
            raise ValueError(f"'{value}' is not a name a move can give (it holds no word)")
        return self._labelled(found, value)

    def _labelled(self, key: str, value: Any) -> str:
        """A keyed constant, its words kept for reports (the first spelling a rule uses)."""
        shown = as_written(str(value))
        if shown and shown != key:
            self.labels.setdefault(key, shown)
        return key

    # -- norms --------------------------------------------------------------------------------
    def _norm(
        self, norm: Norm, file: str, raw: Any, index: int, line: int | None
    ) -> NormSpec | None:
        before = len(self.problems.problems)
        loc = ("norms", index)
        where = f"norms[{norm.id}]"
        kind = kind_of(norm)
        checks = _NormChecks(self, file, raw, loc, where)
        checks.ref(norm.clause, "clauses", "clause", ("clause",))
        checks.ref(norm.bearer, "parties", "party", ("bearer",))
        if norm.beneficiary is not None:
            checks.ref(norm.beneficiary, "parties", "party", ("beneficiary",))
        for key in kind.foreign_keys(norm):
            checks.problem((key,), foreign_key_problem(norm, key))
        kind.check_refs(norm, checks)
        if norm.valid_from and norm.valid_until and norm.valid_from > norm.valid_until:
            self.problems.add(
                file,
                line_of(raw, (*loc, "until")),
                f"{where}.until: {norm.valid_until} is before 'from' {norm.valid_from}",
            )

        when = None
        if norm.when is not None:
            when = self._trigger(norm.when, file, raw, (*loc, "when"), f"{where}.when")
        trigger = kind.trigger(norm, when)
        data: dict[str, Any] = {}
        listeners = kind.listeners(norm, when, checks, data)
        if trigger is None:
            return None  # its problem is reported; checking templates against it would only echo it
        fields = self._fields_of(trigger)
        named = kind.template_fields(norm, fields, self._fields_of(when) if when else set())
        self._name_fields(trigger)
        requires = tuple(
            t
            for i, cond in enumerate(norm.if_)
            if (
                t := self._state_test(
                    cond, file, line_of(raw, (*loc, "if", i)), f"{where}.if", fields
                )
            )
            is not None
        )
        exceptions = [
            t
            for i, cond in enumerate(norm.unless)
            if (
                t := self._state_test(
                    cond, file, line_of(raw, (*loc, "unless", i)), f"{where}.unless", fields
                )
            )
            is not None
        ]
        exceptions += kind.exceptions(norm, trigger, data)
        declared = [
            c
            for i, raw_c in enumerate(norm.then)
            if (
                c := self._consequence(
                    raw_c, file, line_of(raw, (*loc, "then", i)), f"{where}.then", named
                )
            )
            is not None
        ]
        consequences = kind.consequences(norm, declared)
        self._check_template(
            norm.message, named, file, line_of(raw, (*loc, "message")), f"{where}.message"
        )
        if norm.grants:
            self._check_template(
                norm.grants, named, file, line_of(raw, (*loc, "grants")), f"{where}.grants"
            )
        if len(self.problems.problems) > before:
            return None
        return NormSpec(
            norm=norm,
            trigger=trigger,
            requires=requires,
            exceptions=tuple(exceptions),
            consequences=tuple(consequences),
            listeners=tuple(listeners.items()),
            file=file,
            line=line,
            data=tuple(data.items()),
            effective=self.contract.contract.effective,
        )

    def _name_fields(self, trigger: Trigger) -> None:
        """The fields templates of this norm may name, with their types, for `_domain`."""
        kind = self.kinds.get(trigger.kind) if trigger.source == "move" else None
        self._specs = (
            {**kind.fields, "actor": FieldSpec(type=FieldType.party)} if kind is not None else {}
        )
        self._specs_of_change = trigger.source == "change"
        self._change_kind = trigger.kind

    def _domain(self, hole: str) -> list[str] | None:
        """Every value a field named in a template can take, when there are finitely many."""
        spec = self._specs.get(hole)
        if spec is None:
            table = _CHANGE_FIELD_TABLES.get(hole) if self._specs_of_change else None
            return sorted(getattr(self, table)) if table else None
        if spec.type is FieldType.party:
            return sorted(self.parties)
        if spec.type is FieldType.kind:
            return sorted(self.kinds)
        if spec.type is FieldType.entity and spec.of is not None:
            return sorted(
                e.id for e in self.entities.values() if e.id in spec.of or e.category in spec.of
            )
        return None

    def templated_ref(
        self,
        text: str,
        holes: list[str],
        known: dict[str, Any],
        what: str,
        file: str,
        line: int | None,
        where: str,
    ) -> None:
        """A name built from a template (`approved-by-{actor}`) must name a declared one: every
        expansion when the fields' values are known, else at least one by its pattern."""
        domains = [self._domain(h) for h in holes]
        size = 1
        for domain in domains:
            size *= len(domain) if domain is not None else MAX_EXPANSIONS + 1
        if size <= MAX_EXPANSIONS:
            for combination in itertools.product(*[d or [] for d in domains]):
                name = fill(text, dict(zip(holes, combination, strict=True))) or ""
                if name not in known:
                    shown = ", ".join(
                        f"{h} is {v}" for h, v in zip(holes, combination, strict=True)
                    )
                    self.problems.add(
                        file,
                        line,
                        f"{where}: '{text}' names {what} '{name}' when {shown}, and there is no such {what}{did_you_mean(name, known)}; known: {', '.join(sorted(known)) or '(none)'}",
                    )
                    return
            return
        pattern = re.compile(
            "".join(
                ".+" if i % 2 else re.escape(part)
                for i, part in enumerate(HOLE.split(text))
                if i % 2 == 0 or part
            )
        )
        if not any(pattern.fullmatch(k) for k in known):
            bare = HOLE.sub("", text)
            self.problems.add(
                file,
                line,
                f"{where}: '{text}' can name no declared {what}{did_you_mean(bare, known)}; known: {', '.join(sorted(known)) or '(none)'}",
            )

    def _fields_of(self, trigger: Trigger) -> set[str]:
        if trigger.source == "move":
            kind = self.kinds.get(trigger.kind)
            return (set(kind.fields) if kind else set()) | {"actor"}
        return set(CHANGE_KINDS.get(trigger.kind, ()))

    def _check_template(
        self, text: str, fields: set[str], file: str, line: int | None, where: str
    ) -> None:
        holes, problem = template_holes(text)
        if problem:
            self.problems.add(file, line, f"{where}: {problem}")
        for hole in holes:
            if hole not in fields and hole not in ("date", "kind"):
                self.problems.add(
                    file,
                    line,
                    f"{where}: '{{{hole}}}' is not a field of the move{did_you_mean(hole, fields)}",
                )

    def _trigger(
        self, when: dict[str, Any], file: str, raw: Any, loc: tuple[Any, ...], where: str
    ) -> Trigger | None:
        line = line_of(raw, loc)
        sources = [s for s in ("move", "change") if s in when]
        if len(sources) != 1:
            self.problems.add(
                file,
                line,
                f"{where}: expected exactly one of 'move: <event kind>' or 'change: <change kind>'",
            )
            return None
        source = sources[0]
        kind = str(when[source])
        if source == "move":
            if not self._ref(
                kind, self.kinds, "event kind", file, line_of(raw, (*loc, source)), f"{where}.move"
            ):
                return None
            specs: dict[str, FieldSpec] = dict(self.kinds[kind].fields)
            specs["actor"] = FieldSpec(type=FieldType.party)
        else:
            if not self._ref(
                kind,
                CHANGE_KINDS,
                "change kind",
                file,
                line_of(raw, (*loc, source)),
                f"{where}.change",
            ):
                return None
            specs = {
                name: FieldSpec(
                    type=FieldType.number
                    if (kind, name) in NUMBER_CHANGE_FIELDS
                    else FieldType.text
                )
                for name in CHANGE_KINDS[kind]
            }
        tests: list[Test] = []
        for name, cond in when.items():
            if name == source:
                continue
            f_line = line_of(raw, (*loc, name))
            if name not in specs:
                self.problems.add(
                    file,
                    f_line,
                    f"{where}: '{name}' is not a field of {kind}{did_you_mean(name, specs)}; fields: {', '.join(sorted(specs)) or '(none)'}",
                )
                continue
            tests.extend(
                self._field_tests(
                    name, specs[name], cond, file, f_line, f"{where}.{name}", source == "move"
                )
            )
        if kind == "period_ended":
            self._periods_named(tests, file, line_of(raw, (*loc, "period")) or line, where)
        if source == "change":
            self._change_names(kind, tests, file, raw, loc, where)
            if kind in ("term_renewed", "term_ended") and self.contract.contract.term is None:
                self.problems.add(
                    file,
                    line_of(raw, (*loc, source)) or line,
                    f"{where}.change: '{kind}' needs the contract's term: add contract.term "
                    "{start, initial: {years: N}, renews: {years: N}, notice_days: N}; "
                    "without it the change never comes",
                )
        return Trigger(source, kind, tuple(tests))

    def _change_names(
        self,
        kind: str,
        tests: list[Test],
        file: str,
        raw: Any,
        loc: tuple[Any, ...],
        where: str,
    ) -> None:
        """A change's fields that name declared things (the value of `value_changed`, the
        clause of `clause_ended`, ...): a misspelt name would never match, so it is an error
        with did-you-mean."""
        named = _CHANGE_NAMES.get(kind, {})
        for test in tests:
            if not isinstance(test, FieldTest):
                continue
            if test.field in named:
                what, table = named[test.field]
                known: dict[str, Any] = getattr(self, table)
            elif (kind, test.field) in _TIMED_NORMS:
                what, known = "norm", self._norms_of(_TIMED_NORMS[(kind, test.field)])
            else:
                continue
            given = test.value if isinstance(test.value, tuple) else (test.value,)
            for value in given:
                self._ref(
                    str(value),
                    known,
                    what,
                    file,
                    line_of(raw, (*loc, test.field)),
                    f"{where}.{test.field}",
                )

    def _norms_of(self, kind: NormKind) -> dict[str, Any]:
        """The ids the changes of norms of a kind carry (`deadline_passed {norm}`): a
        `bearer: either` norm's are each party's, `<id>@<party>`."""
        contracting = [p.id for p in self.contract.parties if p.role == "party"]
        return {
            one: norm
            for _, _, rules in self.rule_files
            for norm in rules.norms
            if norm.kind is kind
            for one in (
                [f"{norm.id}@{p}" for p in contracting] if norm.bearer == "either" else [norm.id]
            )
        }

    def _periods_named(self, tests: list[Test], file: str, line: int | None, where: str) -> None:
        """`period:` names built-in periods, and the ones counted from a start have one."""
        header = self.contract.contract
        for test in tests:
            if not isinstance(test, FieldTest) or test.field != "period":
                continue
            for name in test.value if isinstance(test.value, tuple) else (test.value,):
                if name not in PERIODS:
                    self.problems.add(
                        file,
                        line,
                        f"{where}.period: unknown period '{name}'{did_you_mean(name, PERIODS)}; expected one of: {', '.join(PERIODS)}",
                    )
                elif name == "term" and header.term is None:
                    self.problems.add(
                        file,
                        line,
                        f"{where}.period: 'term' needs the contract's term: add contract.term "
                        "{start, initial: {years: N}, renews: {years: N}, notice_days: N}",
                    )
                elif name == "contract_year" and contract_start(header) is None:
                    self.problems.add(
                        file,
                        line,
                        f"{where}.period: contract years count from the contract's start: add "
                        "contract.term (with its start) or contract.effective",
                    )

    def _measures(self) -> None:
        """A measure's kind, fields and window refer to what the contract declares."""
        raw, file, start = self.raw, self.file, contract_start(self.contract.contract)
        for index, m in enumerate(self.contract.measures):
            line = line_of(raw, ("measures", index))
            where = f"measures[{m.id}]"
            if not self._ref(m.of, self.kinds, "event kind", file, line, f"{where}.of"):
                continue
            fields = self.kinds[m.of].fields
            specs = {**fields, "actor": FieldSpec(type=FieldType.party)}
            tests: list[FieldTest] = []
            for field_name, cond in m.where.items():
                name = field_name
                at = line_of(raw, ("measures", index, "where", name)) or line
                if name not in specs:
                    self.problems.add(
                        file,
                        at,
                        f"{where}.where: '{name}' is not a field of {m.of}{did_you_mean(name, specs)}; fields: {', '.join(sorted(specs))}",
                    )
                    continue
                for test in self._field_tests(
                    name, specs[name], cond, file, at, f"{where}.where.{name}"
                ):
                    if isinstance(test, FieldTest):
                        tests.append(test)
                    else:
                        self.problems.add(
                            file,
                            at,
                            f"{where}.where.{name}: a measure's filter tests the move's fields only (eq, not, in, not_in, gt, gte, lt, lte)",
                        )
            self.measure_filters[m.id] = tuple(tests)
            for key, named in (("sum", m.sum), ("per", m.per)):
                if named is None or (named == "actor" and key == "per"):
                    continue
                name = named
                at = line_of(raw, ("measures", index, key)) or line
                if name not in fields:
                    self.problems.add(
                        file,
                        at,
                        f"{where}.{key}: '{name}' is not a field of {m.of}{did_you_mean(name, fields)}; fields: {', '.join(sorted(fields)) or '(none)'}",
                    )
                elif key == "sum" and fields[name].type not in (FieldType.number, FieldType.money):
                    self.problems.add(
                        file,
                        at,
                        f"{where}.sum: '{name}' is a {fields[name].type.value} field; a sum needs a number or money field (or write 'count: true')",
                    )
            needs = {"contract_year": start is None, "term": self.contract.contract.term is None}
            if isinstance(m.over, str) and needs.get(m.over):
                self.problems.add(
                    file,
                    line_of(raw, ("measures", index, "over")) or line,
                    f"{where}.over: '{m.over}' counts from the contract's start: add contract.term"
                    + (" or contract.effective" if m.over == "contract_year" else ""),
                )

    def _term(self) -> None:
        term, raw = self.contract.contract.term, self.raw
        if term is not None and term.non_renewal is not None:
            self._ref(
                term.non_renewal,
                self.kinds,
                "event kind",
                self.file,
                line_of(raw, ("contract", "term", "non_renewal")),
                "contract.term.non_renewal",
            )

    def _field_tests(
        self,
        name: str,
        spec: FieldSpec,
        cond: Any,
        file: str,
        line: int | None,
        where: str,
        words: bool = True,
    ) -> list[Test]:
        def value(v: Any) -> Any:
            try:
                return self.field_value(spec, v, words)
            except ValueError as error:
                self.problems.add(file, line, f"{where}: {error}")
                return v

        if isinstance(cond, list):  # would be compared as the text "['a', 'b']": never equal
            shown = ", ".join(str(v) for v in cond)
            self.problems.add(
                file,
                line,
                f"{where}: a list is not a value of {name}; write {{in: [{shown}]}} for any of "
                "them",
            )
            return []
        if not isinstance(cond, dict):
            return [FieldTest(name, "eq", value(cond), cond)]
        tests: list[Test] = []
        for op, operand in cond.items():
            if op == "not":
                tests.append(FieldTest(name, "neq", value(operand), operand))
            elif op in ("in", "not_in"):
                if not isinstance(operand, list) or not operand:
                    self.problems.add(file, line, f"{where}.{op}: expected a non-empty list")
                    continue
                tests.append(FieldTest(name, op, tuple(value(v) for v in operand), list(operand)))
            elif op in _COMPARISONS:
                if spec.type not in (FieldType.money, FieldType.number, FieldType.date):
                    self.problems.add(
                        file,
                        line,
                        f"{where}.{op}: comparisons need a number, money or date field; '{name}' is {spec.type.value}",
                    )
                    continue
                tests.append(FieldTest(name, op, value(operand), operand))
            elif op in ("in_set", "not_in_set"):
                if self._ref(str(operand), self.sets, "set", file, line, f"{where}.{op}"):
                    test = StateTest("in_set", (str(operand), name), f"{name} in {operand}")
                    tests.append(test if op == "in_set" else _Negated.of(test))
            else:
                self.problems.add(
                    file,
                    line,
                    f"{where}: unknown condition '{op}'{did_you_mean(op, _CONDITION_WORDS)}; expected one of: {', '.join(_CONDITION_WORDS)}",
                )
        return tests

    def add_problem(self, file: str, line: int | None, message: str) -> None:
        self.problems.add(file, line, message)

    def ref(
        self, value: str, known: dict[str, Any], what: str, file: str, line: int | None, where: str
    ) -> bool:
        return self._ref(value, known, what, file, line, where)

    def _state_test(
        self, cond: Any, file: str, line: int | None, where: str, fields: set[str]
    ) -> StateTest | None:
        site = Site(self, file, line, where, frozenset(fields))
        if isinstance(cond, str) and cond in CONDITIONS and CONDITIONS[cond].bare:
            return CONDITIONS[cond].parse(None, site)  # a condition written as a bare word
        if not isinstance(cond, dict) or (
            len(cond) != 1 and not any(w in CONDITIONS and CONDITIONS[w].whole for w in cond)
        ):
            self.problems.add(
                file,
                line,
                f"{where}: expected 'partnership_ended' or one of {{consent: ...}}, {{happened: kind}}, {{clause_ended: id}}, {{flag: name}}, {{in_set: {{set, field}}}}; got {cond!r}",
            )
            return None
        whole = [w for w in cond if w in CONDITIONS and CONDITIONS[w].whole]
        if whole:  # {measure: id, gte: 500}
            return CONDITIONS[whole[0]].parse(cond, site)
        ((word, arg),) = cond.items()
        construct = CONDITIONS.get(word)
        if construct is None or construct.bare:
            self.problems.add(
                file,
                line,
                f"{where}: unknown condition '{word}'{did_you_mean(word, _STATE_WORDS)}; expected one of: {', '.join(_STATE_WORDS)}",
            )
            return None
        test = construct.parse(arg, site)
        if test is not None and word == "compare" and isinstance(arg, dict):
            for side, expr in arg.items():
                self._numbers_only(expr, site, f"{where}.compare.{side}")
        return test

    def _numbers_only(self, raw: Any, site: Site, where: str) -> None:
        """An expression reads numbers: a field it names must be a number or money field of
        the move or change, else a comparison with it never holds and a change with it changes
        nothing, in silence. Said at load, with the fields it could name."""
        try:
            expr = parse_expr(raw, site.fields, self.values, self.measures)
        except ExprError:
            return  # the construct has said what is wrong with it
        numbers = sorted(f for f in site.fields if self._is_number_field(f))
        for name in sorted(expr.names("field")):
            if name in numbers:
                continue
            spec = self._specs.get(name)
            what = spec.type.value if spec is not None and not self._specs_of_change else "text"
            self.problems.add(
                site.file,
                site.line,
                f"{where}: '{{{name}}}' is {with_article(what)} field, so it has no number to "
                f"compare; {where.rsplit('.', 2)[-2]} takes number and money fields "
                f"({', '.join(numbers) or 'this move has none'})",
            )

    def _is_number_field(self, name: str) -> bool:
        if self._specs_of_change:
            return (self._change_kind, name) in NUMBER_CHANGE_FIELDS
        spec = self._specs.get(name)
        return spec is not None and spec.type in (FieldType.number, FieldType.money)

    def _consequence(
        self, raw_c: dict[str, Any], file: str, line: int | None, where: str, fields: set[str]
    ) -> Consequence | None:
        if len(raw_c) != 1:
            self.problems.add(
                file, line, f"{where}: each consequence is one of: {', '.join(OPERATIONS)}"
            )
            return None
        ((op, arg),) = raw_c.items()
        operation = OPERATIONS.get(op)
        if operation is None:
            self.problems.add(
                file,
                line,
                f"{where}: unknown consequence '{op}'{did_you_mean(op, OPERATIONS)}; expected one of: {', '.join(OPERATIONS)}",
            )
            return None
        site = Site(self, file, line, where, frozenset(fields))
        found = operation.parse(arg, site)
        entity = found.arg("entity") if found is not None else None
        if found is not None and isinstance(entity, str) and not HOLE.search(entity):
            # a literal that joins or leaves a set is compared with moves' values: keyed alike
            keyed = self.known.known(entity) or self._labelled(value_key(entity) or entity, entity)
            found = replace(
                found, args=tuple((k, keyed if k == "entity" else v) for k, v in found.args)
            )
        if found is not None and op in ("set_value", "add_to_value") and isinstance(arg, dict):
            for name in ("to", "amount"):
                if name in arg:
                    self._numbers_only(arg[name], site, f"{where}.{op}.{name}")
        return found


_TABLES = {
    "party": "parties",
    "clause": "clauses",
    "set": "sets",
    "event kind": "kinds",
    "value": "values",
}
_CHANGE_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    op.change: {
        field: (what, _TABLES[what])
        for field, what in {
            **op.targets,
            **({"value": "value"} if "value" in op.args else {}),
        }.items()
        if field in op.change_fields and what != "event kind"
    }
    for op in OPERATIONS.values()
}
"""Per change kind, its fields that name something declared: (what it is, the table). Not the
`for` of `consent_recorded`: a consent filled from a template may be for any value (a code)."""

_TIMED_NORMS = {
    ("deadline_passed", "norm"): NormKind.obligation,
    ("expiry_reached", "norm"): NormKind.expiry,
}
"""Changes time emits for a norm of a kind: the norm they name must be one of that kind."""

_BEARERS_MOVES = (NormKind.prohibition, NormKind.consent, NormKind.termination)
"""Kinds of norm about the bearer's own moves: their `when` move binds the bearer only."""

_CHANGE_FIELD_TABLES = {
    "set": "sets",
    "entity": "entities",
    "from": "parties",
    "to": "parties",
    "for": "kinds",
    "clause": "clauses",
}
MAX_EXPANSIONS = 1000  # a name template with more expansions is checked by its pattern


class _NormChecks:
    """The validation services a norm kind's module uses, bound to one norm's place in a file."""

    def __init__(
        self, resolver: _Resolver, file: str, raw: Any, loc: tuple[Any, ...], where: str
    ) -> None:
        self.resolver, self.file, self.raw, self.loc, self.where = resolver, file, raw, loc, where

    def _where(self, key: tuple[Any, ...]) -> str:
        named = [str(k) for k in key if not isinstance(k, int)]
        return ".".join([self.where, *named])

    def ref(self, value: str, table: str, what: str, key: tuple[Any, ...]) -> bool:
        known: dict[str, Any] = getattr(self.resolver, table)
        return self.resolver._ref(
            value, known, what, self.file, line_of(self.raw, (*self.loc, *key)), self._where(key)
        )

    def problem(self, key: tuple[Any, ...], message: str) -> None:
        self.resolver.problems.add(
            self.file, line_of(self.raw, (*self.loc, *key)), f"{self._where(key)}: {message}"
        )

    def trigger(self, raw: dict[str, Any], key: tuple[Any, ...]) -> Trigger | None:
        return self.resolver._trigger(raw, self.file, self.raw, (*self.loc, *key), self._where(key))

    def fields_of(self, trigger: Trigger) -> set[str]:
        return self.resolver._fields_of(trigger)

    def state_test(self, cond: Any, key: tuple[Any, ...]) -> StateTest | None:
        return self.resolver._state_test(
            cond, self.file, line_of(self.raw, (*self.loc, *key)), self._where(key), set()
        )


class _Negated:
    """`not_in_set` is the probe tested for 0 rather than 1."""

    @staticmethod
    def of(test: StateTest) -> StateTest:
        return StateTest("not_in_set", test.args, f"not {test.name}")


_CONDITION_WORDS = ("not", "in", "not_in", "gt", "gte", "lt", "lte", "in_set", "not_in_set")
_STATE_WORDS = tuple(CONDITIONS)


def is_contract_file(raw: Any) -> bool:
    return isinstance(raw, LocatedDict) and "contract" in raw


def _consent_from(condition: Any) -> Any:
    """Whose consent a `{consent: {from: ..., ...}}` condition asks for, or None."""
    if isinstance(condition, dict) and isinstance(condition.get("consent"), dict):
        return condition["consent"].get("from")
    return None
