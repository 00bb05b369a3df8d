"""The Python API: load a contract once, check moves and timelines many times."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from engine.errors import MoveError
from engine.evaluate import Evaluator
from engine.model import Clause, Norm
from engine.phrases import MoveParser
from engine.report import Move, Report
from engine.validate import ContractSpec, load_contract

MoveLike = str | Mapping[str, Any] | Move
MAX_MOVES_PER_CHECK = 1_000


class Contract:
    """A loaded, validated and compiled contract. Thread-safe: share one across threads."""

    def __init__(self, spec: ContractSpec) -> None:
        self._spec = spec
        self._parser = MoveParser(spec)
        self._evaluator = Evaluator(spec)
        # Moves in words are parsed once: checking the same hypothetical move many times is
        # the common case, and a Move is immutable.
        self._parse_words = functools.lru_cache(maxsize=4096)(self._dated_move)

    @classmethod
    def load(cls, path: str | Path) -> Contract:
        """Load, validate and compile; raises ContractFileError naming file:line on bad input."""
        return cls(load_contract(path))

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
    def spec(self) -> ContractSpec:
        return self._spec

    def norm(self, norm_id: str) -> Norm:
        for n in self._spec.norms:
            if n.id == norm_id:
                return n.norm
        raise MoveError(f"contract {self.id} has no norm '{norm_id}'")

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
        """A move from plain words ("partner with Google Cloud"), a mapping, or a Move."""
        return self._parser.parse(move, _date(date), actor)

    def check(
        self,
        *moves: MoveLike,
        at: dt.date | str | None = None,
        waivers: Mapping[str, str] | None = None,
    ) -> Report:
        """Check one move, or several as one timeline (run in date order, each seeing the
        state the earlier ones left). `at` is the check date and every undated move's date."""
        return self.check_timeline(moves, at=at, waivers=waivers)

    def check_timeline(
        self,
        moves: Iterable[MoveLike],
        at: dt.date | str | None = None,
        waivers: Mapping[str, str] | None = None,
    ) -> Report:
        day = _date(at) or self.as_of
        given = list(moves)
        if len(given) > MAX_MOVES_PER_CHECK:
            raise MoveError(
                f"{len(given):,} moves in one check; the limit is {MAX_MOVES_PER_CHECK:,}"
            )
        parsed = [
            self._parse_words(m, day) if isinstance(m, str) else self._dated_move(m, day)
            for m in given
        ]
        check_date = max([day, *(m.date for m in parsed if m.date)])
        all_waivers = {one: w.reason for w in self._spec.waivers for one in self.norm_ids(w.rule)}
        for rule, reason in (waivers or {}).items():
            for one in self.norm_ids(rule):
                all_waivers[one] = reason
        return self._evaluator.check(parsed, check_date, all_waivers)

    def _dated_move(self, move: MoveLike, day: dt.date) -> Move:
        parsed = self._parser.parse(move, day)
        return parsed if parsed.date else parsed.model_copy(update={"date": day})


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise MoveError(f"'{value}' is not a date; expected YYYY-MM-DD") from None
