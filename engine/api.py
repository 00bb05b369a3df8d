"""The Python API: load a contract once, check moves and timelines many times."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from engine.cache import cached
from engine.collector import collector_paused
from engine.errors import MoveError
from engine.evaluate import Evaluator
from engine.model import Clause, Norm
from engine.phrases import MoveParser
from engine.report import Move, Report, replaced
from engine.validate import ContractSpec, load_contract

MoveLike = str | Mapping[str, Any] | Move
Combination = tuple[tuple[str, str], ...]  # ((clause, reading), ...), sorted
MAX_MOVES_PER_CHECK = 1_000


class Contract:
    """A loaded, validated and compiled contract. Thread-safe: share one across threads."""

    def __init__(
        self,
        spec: ContractSpec,
        phrases: Any = None,
        variant_phrases: Mapping[Combination, Any] | None = None,
    ) -> None:
        self._spec = spec
        # the compiled phrases of each variant under readings, when the cache kept them
        self._variant_phrases = dict(variant_phrases or {})
        self._parser = MoveParser(spec, phrases)
        self._evaluator = Evaluator(spec)
        # Moves in words are parsed once: checking the same hypothetical move many times is
        # the common case, and a Move is immutable.
        self._parse_words = functools.lru_cache(maxsize=4096)(self._dated_moves)
        self.source: Path | None = None  # the file it was loaded from (workers load it again)
        self._variants: dict[tuple[tuple[str, str], ...], Contract] = {}
        self._variants_lock = threading.Lock()
        # per readings fixed: the combinations a check considers (engine/readings.py)
        self._reading_plans: dict[tuple[tuple[str, str], ...], list[Any]] = {}
        self._reading_choice: dict[str, str] | None = None
        # the contract's own waivers, by norm id (a `bearer: either` norm's each party's):
        # fixed once loaded, and every check starts from them
        self._own_waivers = {one: w.reason for w in spec.waivers for one in self.norm_ids(w.rule)}

    @classmethod
    def load(cls, path: str | Path, cache: bool = False) -> Contract:
        """Load, validate and compile; raises ContractFileError naming file:line on bad input.
        With `cache`, the validated contract is kept on disk, keyed by the content of every
        file read, and reused while none has changed (engine/cache.py; the CLI's default)."""
        with collector_paused():
            if not cache:
                contract = cls(load_contract(path))
            else:
                kept = cached(path, functools.partial(_prepared, path), cache, _is_prepared)
                contract = cls(*kept)
        contract.source = Path(path)
        return contract

    # -- what the contract holds ---------------------------------------------------------------
    @property
    def id(self) -> str:
        return self._spec.id

    @property
    def title(self) -> str:
        return self._spec.contract.contract.title

    @property
    def as_of(self) -> dt.date:
        return self._spec.contract.contract.as_of

    @property
    def clauses(self) -> dict[str, Clause]:
        return dict(self._spec.clauses)

    @property
    def norms(self) -> list[Norm]:
        return [n.norm for n in self._spec.norms]

    @property
    def phrases(self) -> list[str]:
        return self._parser.phrases

    @property
    def covered_kinds(self) -> frozenset[str]:
        """Move kinds the contract reacts to (a norm, a measure, the term, an effect someone
        listens to); a move of any other kind gets the "no rule covers it" notice."""
        return self._evaluator.compiled.covered_kinds

    @property
    def spec(self) -> ContractSpec:
        return self._spec

    def norm(self, norm_id: str) -> Norm:
        for n in self._spec.norms:
            if n.id == norm_id:
                return n.norm
        from engine.suggest import did_you_mean

        known = [n.id for n in self._spec.norms]
        raise MoveError(f"contract {self.id} has no norm '{norm_id}'{did_you_mean(norm_id, known)}")

    def norm_ids(self, norm_id: str) -> list[str]:
        """The norms an id names: itself, or each party's norm of a `bearer: either` norm."""
        ids = [n.id for n in self._spec.norms]
        if norm_id in ids:
            return [norm_id]
        expanded = [i for i in ids if i.startswith(f"{norm_id}@")]
        if expanded:
            return expanded
        self.norm(norm_id)  # raises, naming the norm
        return []

    def open_sessions(self) -> int:
        """How many durable_rules sessions of recent checks are still open: always 0 between
        checks, since each check deletes its own. For leak detection when embedding the engine."""
        return self._evaluator.open_sessions()

    # -- checking ----------------------------------------------------------------------------
    def parse_move(
        self, move: MoveLike, date: dt.date | str | None = None, actor: str | None = None
    ) -> Move:
        """One move from plain words ("partner with Google Cloud"), a mapping, or a Move;
        words that hold several moves are refused (see `parse`)."""
        return self._parser.parse(move, parse_day(date), actor)

    def parse(
        self,
        text: MoveLike,
        at: dt.date | str | None = None,
        actor: str | None = None,
    ) -> list[Move]:
        """How a text was read: the moves it holds, in order ("X and Y", "X, then Y", a list
        of objects), each with its date and its `reading` (the phrase it matched, and which
        synonym, inflection or date form was needed). `at` is the reference day of relative
        dates ("tomorrow"); without it they are refused. Raises MoveError, never guesses."""
        return self._parser.parse_all(text, None, actor, parse_day(at))

    def check(
        self,
        *moves: MoveLike,
        at: dt.date | str | None = None,
        waivers: Mapping[str, str] | None = None,
        readings: Mapping[str, str] | None = None,
    ) -> Report:
        """Check one move, or several as one timeline (run in date order, each seeing the
        state the earlier ones left). `at` is the check date and every undated move's date.
        `readings` fixes readings of disputed clauses ({"agi-clause": "panel"}); the others
        are each considered (report.readings)."""
        if self._spec.readings is None and not readings:  # the common case, one call less
            return self._check_plain(moves, at, waivers)
        return self.check_timeline(moves, at=at, waivers=waivers, readings=readings)

    def check_timeline(
        self,
        moves: Iterable[MoveLike],
        at: dt.date | str | None = None,
        waivers: Mapping[str, str] | None = None,
        readings: Mapping[str, str] | None = None,
    ) -> Report:
        if self._spec.readings is not None:
            from engine.readings import check_readings

            return check_readings(self, list(moves), at, waivers, readings)
        if readings:
            raise MoveError(
                f"contract {self.id} declares no readings; --reading has nothing to fix"
            )
        return self._check_plain(moves, at, waivers)

    def _check_plain(
        self,
        moves: Iterable[MoveLike],
        at: dt.date | str | None = None,
        waivers: Mapping[str, str] | None = None,
    ) -> Report:
        """One check of this contract's norms as they are (its default readings, if any)."""
        reference = parse_day(at)
        day = reference or self.as_of
        given = list(moves)
        if len(given) > MAX_MOVES_PER_CHECK:
            raise MoveError(
                f"{len(given):,} moves in one check; the limit is {MAX_MOVES_PER_CHECK:,}"
            )
        parsed: list[Move] = []
        for m in given:
            parsed += (
                self._parse_words(m, day, reference)
                if isinstance(m, str)
                else self._dated_moves(m, day, reference)
            )
        if len(parsed) > MAX_MOVES_PER_CHECK:  # sentences may hold several moves each
            raise MoveError(
                f"{len(parsed):,} moves in one check; the limit is {MAX_MOVES_PER_CHECK:,}"
            )
        check_date = day
        for m in parsed:
            if m.date is not None and m.date > check_date:
                check_date = m.date
        all_waivers = self._own_waivers  # shared, never changed; a copy only if more are given
        if waivers:
            all_waivers = dict(all_waivers)
            for rule, reason in waivers.items():
                for one in self.norm_ids(rule):
                    all_waivers[one] = reason
        report = self._evaluator.check(parsed, check_date, all_waivers)
        if check_date != day:
            given_by = "--at" if at is not None else "the contract's as_of"
            note = (
                f"the check date moved from {day} ({given_by}) to {check_date}, "
                "the date of the last move"
            )
            report = report.model_copy(update={"notes": [*report.notes, note]})
        return report

    def check_many(
        self,
        items: Sequence[MoveLike | Sequence[MoveLike]],
        workers: int = 1,
        at: dt.date | str | None = None,
        waivers: Mapping[str, str] | None = None,
        full: bool = False,
    ) -> list[Report]:
        """Check each item on its own (a move, or a list of moves as one timeline): the
        reports in input order, the same as `check_timeline` of each. `workers` > 1 spreads
        chunks over that many processes, this one included, each loading the contract from its
        file once (engine/many.py). A worker's report comes back as its decision, the rest
        built here when read by checking its item again; `full` (for a caller that reads every
        report in full, as the CLI's --each) has workers send each report whole instead. An
        item the contract cannot read raises ItemError (the first, in input order); a worker
        that dies raises WorkerError naming the lost items."""
        from engine.many import check_many

        return check_many(self, items, workers, at, waivers, full=full)

    def under(self, readings: Mapping[str, str] | None = None) -> Contract:
        """The contract under one reading of each disputed clause (those not given: their
        default), as an ordinary contract; itself when the contract declares no readings.
        Built and compiled once per combination."""
        if self._spec.readings is None:
            if readings:
                raise MoveError(f"contract {self.id} declares no readings")
            return self
        combo = self._spec.readings.choose(readings)
        key = tuple(sorted(combo.items()))
        with self._variants_lock:
            found = self._variants.get(key)
            if found is None:
                spec = _variant_spec(self._spec, combo)
                found = Contract(spec, self._variant_phrases.get(key))
                self._variants[key] = found
                found._reading_choice = combo
            return found

    @property
    def reading_choice(self) -> dict[str, str] | None:
        """For a contract made by `under`: the reading of each disputed clause it holds."""
        return dict(self._reading_choice) if self._reading_choice is not None else None

    def _dated_moves(
        self, move: MoveLike, day: dt.date, reference: dt.date | None
    ) -> tuple[Move, ...]:
        return tuple(
            parsed if parsed.date else replaced(parsed, date=day)
            for parsed in self._parser.parse_all(move, None, None, reference)
        )


def _variant_spec(spec: ContractSpec, combo: Mapping[str, str]) -> ContractSpec:
    """The ordinary contract under one reading of each disputed clause; an amended contract's
    variant stays that amendment (its file and what it changed), as the whole contract is."""
    assert spec.readings is not None
    return dataclasses.replace(
        spec.readings.spec(combo), readings=None, path=spec.path, amendment=spec.amendment
    )


def _prepared(path: str | Path) -> tuple[ContractSpec, Any, dict[Combination, Any]]:
    """What the cache keeps of a contract: the validated spec and its compiled phrases (the
    verb forms of every phrase: a tenth of a first check), and for a contract with readings,
    each variant a check considers (kept by the spec's ReadingSet) with its own compiled
    phrases: resolving and compiling them again was most of a first check's cost."""
    spec = load_contract(path)
    variants: dict[Combination, Any] = {}
    if spec.readings is not None:
        try:
            combos = spec.readings.combinations()
        except MoveError:  # too many for a check to consider: built when asked for
            combos = []
        for combo in combos:
            if combo != spec.readings.default:  # the default is the contract itself
                key = tuple(sorted(combo.items()))
                variants[key] = MoveParser(_variant_spec(spec, combo)).compiled()
    return spec, MoveParser(spec).compiled(), variants


def _is_prepared(value: Any) -> bool:
    """Whether a cache entry holds what `_prepared` returns (else the cache ignores it)."""
    return (
        isinstance(value, tuple)
        and len(value) == 3
        and isinstance(value[0], ContractSpec)
        and isinstance(value[2], dict)
    )


def parse_day(value: dt.date | str | None) -> dt.date | None:
    """A date given as text or as a date; bad text is a MoveError saying what is expected."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise MoveError(f"'{value}' is not a date; expected YYYY-MM-DD") from None
