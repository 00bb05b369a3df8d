"""The moves and the passages of time a search tries: one generator for plans, proofs and diffs.

A search is only as good as what it tries. Each field of each kind of move takes values from
the classes the contract's conditions can tell apart: every constant a norm tests (and a value
either side of each bound, and between two bounds), every entity (those no norm names are
interchangeable within a category, so `symmetric=k` keeps k of them), every set member, every
party, and fresh names (one pool shared by all name fields, so "acquire X then withhold X" is
tried with a fresh X). Each candidate is given words that parse back to it, or else a JSON move
that does: none is dropped. A class that has no such candidate, or a field whose values a
condition reads through an expression (a sum, a comparison, a date copied into the state), so
that no finite set of values covers it, is named in `Candidates.uncovered`: a proof that meets
one does not say "holds".

Time is tried too (`time_steps`): a wait to the day before, the day of and the day after each
date on which something changes by itself: a norm's window, an expiry, a deadline, a clause's
end, the end of a calendar period, a period of days after the last move. Those that come from
the state (a deadline a move has set off) are read from the state the timeline reached.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta

from engine.api import Contract
from engine.conditions import FieldTest, StateTest
from engine.errors import ContractEngineError, MoveError
from engine.model import FieldSpec, FieldType, NormKind
from engine.periods import containing
from engine.report import Move, StateView
from engine.suggest import did_you_mean
from engine.templates import HOLE
from engine.words.text import value_key

MAX_CANDIDATES = 2_000
FRESH = "Newco"  # fresh names: "Newco", "Newco 2", ...; a proper noun no contract declares
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PROSE = {"message", "grants", "description", "title", "text", "source", "notice", "name"}


@dataclass(frozen=True)
class Step:
    """One generated move: undated, with the words (or JSON) that parse back to it."""

    move: Move
    text: str
    # the interchangeable values the move uses, as (class, index): a search tries the index-th
    # value of a class only once the ones before it are in the timeline (engine/search.py)
    symbols: tuple[tuple[str, int], ...] = ()
    relative: Rel = ()  # date fields given as days after the move's day: (field, days)

    def on(self, contract: Contract, day: dt.date) -> Move:
        """The move on its day, with its relative dates made dates (and its words redone)."""
        if not self.relative:
            return self.move.model_copy(update={"date": day})
        fields = dict(self.move.fields)
        for name, days in self.relative:
            fields[name] = (day + dt.timedelta(days=days)).isoformat()
        move = self.move.model_copy(update={"fields": fields})
        return move.model_copy(update={"date": day, "text": say(contract, move)})

    @property
    def kind(self) -> str:
        return self.move.kind

    @property
    def actor(self) -> str:
        return self.move.actor


@dataclass(frozen=True)
class Wait:
    """Time passing, with no move, to the given day (a later step's moves fall on that day)."""

    day: dt.date

    @property
    def text(self) -> str:
        return f"time passes to {self.day}"


@dataclass(frozen=True)
class Relative:
    """A date field's value so many days after the move's own day."""

    days: int


Rel = tuple[tuple[str, int], ...]


@dataclass
class Candidates:
    """The moves a search tries, and what they leave uncovered (empty: every class is tried)."""

    steps: list[Step]
    uncovered: list[str] = field(default_factory=list)


def candidate_moves(
    contract: Contract,
    allow: Sequence[str] = (),
    forbid: Sequence[str] = (),
    symmetric: int = 0,
) -> list[Step]:
    """The moves of `candidates` (plans need no account of coverage)."""
    return candidates(contract, allow, forbid, symmetric).steps


def candidates(
    contract: Contract,
    allow: Sequence[str] = (),
    forbid: Sequence[str] = (),
    symmetric: int = 0,
    named: Mapping[str, str] | None = None,
) -> Candidates:
    """Every move worth trying: each event kind (narrowed by allow/forbid), by each party that
    may make it, with each field taking one value of each class (see the module's doc).
    Optional fields are also left out. Order is deterministic: kinds by id, then values.

    With `symmetric=k`, values nothing names are interchangeable (renaming them changes no
    verdict and no state a norm can tell apart), so an entity or name field takes the values
    something names plus k of the others per category (k fresh names): every timeline of up to
    k moves is then represented up to such a renaming (proofs pass their depth). `named` adds
    values (id -> words) that a question names, so never renamed (a property's "Acme")."""
    spec = contract.spec
    for kind in [*allow, *forbid]:
        if kind not in spec.event_kinds:
            raise MoveError(
                f"unknown move kind '{kind}'{did_you_mean(kind, spec.event_kinds)}; "
                f"known kinds: {', '.join(sorted(spec.event_kinds))}"
            )
    found = Candidates([])
    vocabulary = _Vocabulary(contract, symmetric, named or {})
    seen: set[str] = set()
    for kind_id in sorted(spec.event_kinds):
        if (allow and kind_id not in allow) or kind_id in forbid:
            continue
        declared = spec.event_kinds[kind_id].kind
        actors = [declared.actor] if declared.actor else sorted(spec.parties)
        names = sorted(declared.fields)
        options = []
        for name in names:
            values, gap = vocabulary.values(kind_id, name, declared.fields[name])
            options.append(values)
            if gap:
                found.uncovered.append(f"{kind_id}.{name}: {gap}")
        for actor in actors:
            for combo in itertools.product(*options):
                fields = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
                fields, rel = vocabulary.relative(kind_id, fields)
                data: dict[str, Any] = {"kind": kind_id, "actor": actor, **fields}
                try:
                    move = contract.parse_move(data)
                except ContractEngineError as error:
                    if not vocabulary.refusable(kind_id, fields, error):
                        found.uncovered.append(f"{json.dumps(data, sort_keys=True)}: {error}")
                    continue
                key = json.dumps([move.kind, move.actor, move.fields, rel], sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
                move = move.model_copy(update={"text": None, "currencies": {}})
                text = say(contract, move)
                if not _reads_back(contract, move, text):
                    found.uncovered.append(f"{text}: no words or JSON read back as this move")
                    continue
                symbols = {
                    vocabulary.symbols[v] for v in fields.values() if v in vocabulary.symbols
                }
                symbols |= {
                    vocabulary.symbols[v] for v in move.fields.values() if v in vocabulary.symbols
                }
                found.steps.append(Step(move, text, tuple(sorted(symbols)), rel))
                if len(found.steps) > MAX_CANDIDATES:
                    raise MoveError(
                        f"more than {MAX_CANDIDATES:,} candidate moves; narrow them with --allow"
                    )
    return found


def _reads_back(contract: Contract, move: Move, text: str) -> bool:
    try:
        back = contract.parse_move(text)
    except ContractEngineError:
        return False
    return (back.kind, back.actor, back.fields) == (move.kind, move.actor, move.fields)


class _Vocabulary:
    """What the contract's conditions can tell apart, gathered once for a run of `candidates`."""

    def __init__(self, contract: Contract, symmetric: int, extra: Mapping[str, str]) -> None:
        self.contract = contract
        self.spec = contract.spec
        self.symmetric = symmetric
        self.tested = _tested_values(contract)
        self.extra = dict(extra)
        self.named = _named_values(contract) | set(extra)
        self.read = _read_fields(contract)
        self.days = _time_of(contract)[0]  # read once per loaded contract
        self.members = sorted({m for st in self.spec.sets.values() for m in st.members})
        self.symbols: dict[Any, tuple[str, int]] = {}  # interchangeable values: (class, index)
        by_category: dict[str, list[str]] = {}
        for e in sorted(self.spec.entities):
            if e not in self.named:
                by_category.setdefault(self.spec.entities[e].category or "", []).append(e)
        if symmetric:
            for category, members in by_category.items():
                for i, e in enumerate(members):
                    self.symbols[e] = (f"entity:{category}", i)
            for i, name in enumerate(self._fresh()):
                self.symbols[name] = ("fresh", i)
                self.symbols[value_key(name)] = ("fresh", i)

    def refusable(self, kind_id: str, fields: dict[str, Any], error: Exception) -> bool:
        """A combination no move can have (outside a field's min/max or `of:`) is no gap."""
        declared = self.spec.event_kinds[kind_id].kind.fields
        for name, value in fields.items():
            f = declared[name]
            if isinstance(value, int | float) and (
                (f.min is not None and value < f.min) or (f.max is not None and value > f.max)
            ):
                return True
            if f.of is not None and isinstance(value, str) and value in self.spec.entities:
                entity = self.spec.entities[value]
                if value not in f.of and entity.category not in f.of:
                    return True
        return "known entity of category" in str(error)

    def values(self, kind_id: str, name: str, f: FieldSpec) -> tuple[list[Any], str | None]:
        """One value of each class of the field (None: left out), and what they miss if any."""
        tested = sorted(self.tested.get((kind_id, name), set()), key=str)
        optional: list[Any] = [None] if (not f.required and f.default is None) else []
        read = self.read.get(name)
        t = f.type
        if not read and t in (FieldType.entity, FieldType.name, FieldType.party):
            return optional + self._one_other(f, tested), None
        if t is FieldType.entity:
            return optional + self._entities(f), None
        if t is FieldType.party:
            return optional + sorted(self.spec.parties), None
        if t is FieldType.name:
            pool = set(self._entities(f)) | set(self.members) | {str(v) for v in tested}
            pool |= set(self.extra)
            words = [self._label(v) for v in sorted(pool)]
            default = [f.default] if f.default is not None else []
            return optional + default + words + self._fresh(), None
        if t is FieldType.kind:
            relevant = _relevant_kinds(self.contract) | {str(v) for v in tested}
            others = sorted(set(self.spec.event_kinds) - relevant)
            return optional + sorted(relevant & set(self.spec.event_kinds)) + others[:1], None
        if not tested and not read:  # nothing tells its values apart: one stands for all
            one = f.default if f.default is not None else _example(t, f, self.contract)
            return (optional or [one]), None
        if t in (FieldType.money, FieldType.number):
            bounds: list[float] = [v for v in tested if isinstance(v, int | float)]
            bounds += [b for b in (f.min, f.max) if b is not None]
            start = f.default if isinstance(f.default, int | float) else f.min or 1
            points = [p for p in (_number_points(bounds) if bounds else [start]) if _within(p, f)]
            gap = f"read by {read} (values tried: {_show(points)})" if read else None
            return optional + _first(f.default, points), gap
        if t is FieldType.date:
            days = {d for v in tested if (d := _day(v)) is not None}
            if read:
                days |= self.days
            near = sorted({d + dt.timedelta(days=k) for d in days for k in (-1, 0, 1)})
            values: list[Any] = [p.isoformat() for p in near] or [self.contract.as_of.isoformat()]
            if read == AS_A_DATE:  # its place among the timeline's days: relative to the move's
                values += [Relative(k) for k in range(-1, max(1, self.symmetric) + 2)]
                return optional + values, None
            gap = f"read by {read} (values tried: {_show(values)})" if read else None
            return optional + values, gap
        words = [v for v in tested if isinstance(v, str)]
        values = _first(f.default, [*words, f"other {name.replace('_', ' ')}"])
        gap = f"read by {read} (values tried: {_show(values)})" if read else None
        return optional + values, gap

    def relative(self, kind_id: str, fields: dict[str, Any]) -> tuple[dict[str, Any], Rel]:
        """The fields with each relative date made a date (from the contract's default date;
        a search dates it from the move's own day), and which fields were relative."""
        out = dict(fields)
        rel = []
        for name, value in fields.items():
            if isinstance(value, Relative):
                out[name] = (self.contract.as_of + dt.timedelta(days=value.days)).isoformat()
                rel.append((name, value.days))
        return out, tuple(rel)

    def _one_other(self, f: FieldSpec, tested: list[Any]) -> list[Any]:
        """A field whose value only constant tests read: each constant, and one other value."""
        if f.type is FieldType.party:
            domain = sorted(self.spec.parties)
        else:
            domain = [
                e for e in self._entities(f) if e not in self.symbols or not self.symbols[e][1]
            ]
        kept = [v for v in domain if v in tested]
        if f.type is FieldType.name:
            kept += [self._label(str(v)) for v in tested if v not in domain]
        others = [v for v in domain if v not in tested]
        if f.type is FieldType.name and f.default is None:
            others = [self._fresh()[0]]
        default = [f.default] if f.default is not None and f.default not in kept else []
        return default + kept + others[: 0 if default and f.type is FieldType.name else 1]

    def _entities(self, f: FieldSpec) -> list[str]:
        """The entities the field may take: all, or those named plus `symmetric` of the rest
        of each category."""
        allowed = sorted(
            e.id
            for e in self.spec.entities.values()
            if f.of is None or e.id in f.of or e.category in f.of
        )
        if not self.symmetric:
            return allowed
        return [e for e in allowed if e not in self.symbols or self.symbols[e][1] < self.symmetric]

    def _label(self, value: str) -> str:
        """A name as a move gives it: an entity's id, or a proper noun that reads as `value`."""
        if value in self.spec.entities or value in self.spec.parties:
            return value
        if self.extra.get(value, value) != value:
            return self.extra[value]
        return " ".join(w.capitalize() for w in value.replace("_", " ").split())

    def _fresh(self) -> list[str]:
        count = max(1, self.symmetric)
        return [FRESH if i == 0 else f"{FRESH} {i + 1}" for i in range(count)]


def _example(t: FieldType, f: FieldSpec, contract: Contract) -> Any:
    """A value of a field no condition reads."""
    if t in (FieldType.money, FieldType.number):
        return f.min if f.min is not None else 1
    if t is FieldType.date:
        return contract.as_of.isoformat()
    return "something"


def _first(default: Any, values: list[Any]) -> list[Any]:
    return [default, *[v for v in values if v != default]] if default is not None else values


def _within(value: float, f: FieldSpec) -> bool:
    return (f.min is None or value >= f.min) and (f.max is None or value <= f.max)


def _show(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO.match(value):
        return dt.date.fromisoformat(value)
    return None


def _number_points(bounds: list[Any]) -> list[Any]:
    """A value in each interval the bounds cut the line into, and each bound itself."""
    ordered = sorted(set(bounds))
    points: list[Any] = [ordered[0] - 1]
    for low, high in itertools.pairwise(ordered):
        points.append(low)
        middle = (low + high) / 2
        if isinstance(low, int) and isinstance(high, int) and high - low > 1:
            middle = low + 1
        if low < middle < high:
            points.append(middle)
    points += [ordered[-1], ordered[-1] + 1]
    return points


def named_values(contract: Contract) -> dict[str, str]:
    """The entities, set members and tested words a contract names, as `candidates(named=...)`
    takes them: a search over two versions renames only what neither names."""
    spec = contract.spec
    values = set(spec.entities) | {m for st in spec.sets.values() for m in st.members}
    values |= {
        v for found in _tested_values(contract).values() for v in found if isinstance(v, str)
    }
    named = _named_values(contract)
    # each word capitalised, as a proper noun that a name field reads back ("Secret Plans"):
    # a value tried in another field than the one that tests it must still be a move's
    return {
        v: " ".join(w.capitalize() for w in v.replace("_", " ").split())
        for v in sorted(values & named)
    }


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
        for test in [*norm.requires, *norm.exceptions]:
            if isinstance(test, FieldTest):
                items = test.value if isinstance(test.value, tuple | list) else [test.value]
                named.update(str(v) for v in items)
            elif isinstance(test, StateTest):
                named.update(test.args)
        for c in norm.consequences:
            named.update(str(v) for _, v in c.args if v is not None)
    for kind in spec.event_kinds.values():
        for c in kind.effects:
            named.update(str(v) for _, v in c.args if v is not None)
        for phrase in kind.phrases:
            named.update(str(v) for v in phrase.set.values())
    named.update(_strings(contract.spec.contract.model_dump(mode="json", exclude={"entities"})))
    return named


def _strings(data: Any) -> set[str]:
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        return set().union(*(_strings(v) for v in data.values())) if data else set()
    if isinstance(data, list | tuple):
        return set().union(*(_strings(v) for v in data)) if data else set()
    return set()


def _tested_values(contract: Contract) -> dict[tuple[str, str], set[Any]]:
    """Values norms (and measures' filters) compare a move's fields with."""
    found: dict[tuple[str, str], set[Any]] = {}

    def add(kind: str, test: FieldTest) -> None:
        bucket = found.setdefault((kind, test.field), set())
        shown = test.shown if test.shown is not None else test.value
        items = shown if isinstance(shown, list | tuple) else [shown]
        for item in items:
            if isinstance(item, bool):
                continue
            bucket.add(item.isoformat() if isinstance(item, dt.date) else item)

    for norm in contract.spec.norms:
        for trigger in (norm.trigger, norm.starts, norm.fulfils):
            if trigger is None or trigger.source != "move":
                continue
            for test in [*trigger.tests, *norm.requires]:
                if isinstance(test, FieldTest):
                    add(trigger.kind, test)
    for tests in contract.spec.measure_filters.values():
        for kind in contract.spec.event_kinds:  # a measure's filter: tried on every kind
            for test in tests:
                add(kind, test)
    return found


_DATE_SLOTS = {"until", "on", "by", "from", "date"}


def _read_fields(contract: Contract) -> dict[str, str]:
    """Fields whose values a condition or a consequence reads through an expression (a
    template "{amount}" outside prose, or a measure's `sum:`), by name, with where. A field
    read only as a date (a clause's new end, "{until}") is marked "as a date" (see `values`)."""
    read: dict[str, str] = {}
    dated: set[str] = set()
    fields = {n for k in contract.spec.event_kinds.values() for n in k.kind.fields}

    def walk(data: Any, where: str, key: str = "") -> None:
        if key in _PROSE:
            return
        if isinstance(data, dict):
            for k, v in data.items():
                walk(v, where, str(k))
        elif isinstance(data, list | tuple):
            for v in data:
                walk(v, where, key)
        elif isinstance(data, str):
            names = set(HOLE.findall(data)) if "{" in data else set()
            if key in ("sum", "per", "on"):
                names.add(data)
            for name in names & fields:
                if key in _DATE_SLOTS and data == "{" + name + "}":
                    dated.add(name)
                    continue
                read.setdefault(name, where)

    for norm in contract.spec.norms:
        walk(norm.norm.model_dump(mode="json"), f"norm {norm.norm.id}")
        for test in [*norm.requires, *norm.exceptions, *(norm.trigger.tests)]:
            if isinstance(test, StateTest):  # a state read with a move's field: "company in X"
                for name in set(test.args) & fields:
                    read.setdefault(name, f"norm {norm.norm.id}")
    for measure in contract.spec.contract.model_dump(mode="json").get("measures") or []:
        walk(measure, f"measure {measure.get('id')}")
    for kind in contract.spec.event_kinds.values():
        walk(kind.kind.effects, f"the effects of {kind.id}")
    for name in dated - set(read):
        read[name] = AS_A_DATE
    return read


AS_A_DATE = "as a date"


def _relevant_kinds(contract: Contract) -> set[str]:
    """Kinds a norm can tell apart when a move names one (a consent's subject): those its state
    conditions name, and those a consent norm guards."""
    kinds: set[str] = set()
    for norm in contract.spec.norms:
        for test in [*norm.requires, *norm.exceptions]:
            if isinstance(test, StateTest):
                kinds.update(test.args)
        if norm.norm.kind is NormKind.consent and norm.trigger.source == "move":
            kinds.add(norm.trigger.kind)
    return kinds & set(contract.spec.event_kinds)


# -- time ------------------------------------------------------------------------------------------
def static_days(contract: Contract) -> set[dt.date]:
    """Every date the contract names (windows, deadlines, expiries, terms, clauses' ends)."""
    days: set[dt.date] = set()

    def walk(data: Any) -> None:
        if isinstance(data, dict):
            for v in data.values():
                walk(v)
        elif isinstance(data, list | tuple):
            for v in data:
                walk(v)
        elif (day := _day(data)) is not None:
            days.add(day)

    walk(contract.spec.contract.model_dump(mode="python"))
    for norm in contract.spec.norms:
        walk(norm.norm.model_dump(mode="python"))
        if norm.effective is not None:
            days.add(norm.effective)
    return days


def periods(contract: Contract) -> tuple[set[int], set[int]]:
    """The lengths, in days and in months, of the contract's relative periods (a duty due so
    many days after its start, a notice, a rolling window, a term)."""
    in_days: set[int] = set()
    in_months: set[int] = set()

    def walk(data: Any, key: str = "") -> None:
        if isinstance(data, dict):
            for k, v in data.items():
                walk(v, str(k))
        elif isinstance(data, list | tuple):
            for v in data:
                walk(v, key)
        elif isinstance(data, int) and not isinstance(data, bool) and data > 0:
            if "day" in key:
                in_days.add(data)
            elif "month" in key:
                in_months.add(data)

    walk(contract.spec.contract.model_dump(mode="python"))
    for norm in contract.spec.norms:
        walk(norm.norm.model_dump(mode="python"))
    return in_days, in_months


def time_steps(
    contracts: Sequence[Contract],
    views: Sequence[StateView],
    last_move: dt.date | None,
    now: dt.date,
) -> list[Wait]:
    """Waits worth trying after a state reached at `now`: to the day before, of and after
    each day on which something changes by itself (see the module's doc), later than `now`."""
    marks: set[dt.date] = set()
    for contract in contracts:
        fixed, in_days, in_months, _ = _time_of(contract)
        marks |= fixed
        if last_move is not None:
            marks |= {last_move + dt.timedelta(days=n) for n in in_days}
            marks |= {last_move + relativedelta(months=n) for n in in_months}
    for view in views:
        marks |= {d.due for d in view.deadlines if d.due is not None}
        marks |= {_day(s.until) for s in view.clauses.values() if _day(s.until) is not None}  # type: ignore[misc]
    if any(_time_of(c)[3] for c in contracts):  # a period that ends with the quarter or year
        marks |= {containing(name, now, now).end for name in ("calendar_quarter", "calendar_year")}
    # the day itself and the day after: a day before it is the day of the next move already
    days = {m + dt.timedelta(days=k) for m in marks for k in (0, 1)}
    return [Wait(d) for d in sorted(days) if d > now]


_TIMES: dict[int, tuple[Any, tuple[set[dt.date], set[int], set[int], bool]]] = {}


def _time_of(contract: Contract) -> tuple[set[dt.date], set[int], set[int], bool]:
    """A contract's dates, periods (days, months) and whether a calendar period matters: read
    once per loaded contract (a search asks after every state)."""
    spec = contract.spec
    cached = _TIMES.get(id(spec))
    if cached is None or cached[0] is not spec:
        if len(_TIMES) > 64:
            _TIMES.clear()
        cached = _TIMES[id(spec)] = (
            spec,
            (static_days(contract), *periods(contract), _calendar(contract)),
        )
    return cached[1]


def _calendar(contract: Contract) -> bool:
    words = _strings(contract.spec.contract.model_dump(mode="json"))
    for norm in contract.spec.norms:
        words |= _strings(norm.norm.model_dump(mode="json"))
    return bool(words & {"calendar_quarter", "calendar_year", "contract_year", "term"})


# -- moves in words ------------------------------------------------------------------------------
def say(contract: Contract, move: Move, with_actor: bool = True) -> str:
    """Words that parse back to exactly this move, from the kind's own phrases; JSON if none does
    (names as a move gives them, so that the JSON reads back too). Without `with_actor`, a phrase
    that leaves the actor out (for "needs Microsoft to ...")."""
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
    fields = {k: move.labels.get(v, v) if isinstance(v, str) else v for k, v in move.fields.items()}
    return json.dumps({"kind": move.kind, "actor": move.actor, **fields}, sort_keys=True)


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
