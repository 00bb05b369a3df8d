"""The state of a contract after each move of a timeline: the data behind a picture of the
clauses' states over the moves' dates.

A report holds the state before and after a whole check. The state after move k is the state
after checking the first k moves (in the order the check runs them) with the check date set to
move k's date, so deadlines and terms that ran out by then are counted, exactly as the engine
counts them. A last step shows the check date, when it is later than the last move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from engine.api import Contract, MoveLike
from engine.report import Report, StateView


class Step(BaseModel):
    """The state at one point of the timeline: the start, after a move, or at the check date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    date: dt.date
    move: int | None  # index into the report's moves; None for the start and the check date
    state: StateView


class Timeline(BaseModel):
    """The report of the whole check, and the state after each of its moves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    report: Report
    steps: list[Step]


def timeline(
    contract: Contract,
    moves: list[MoveLike],
    at: dt.date | str | None = None,
    waivers: Mapping[str, str] | None = None,
) -> Timeline:
    """Check `moves` once as a whole and once per prefix: n + 1 checks for n moves."""
    report = contract.check_timeline(moves, at=at, waivers=waivers)
    order = sorted(range(len(report.moves)), key=lambda i: (report.moves[i].date or dt.date.min, i))
    steps = [
        Step(
            label="start", date=report.state["before"].date, move=None, state=report.state["before"]
        )
    ]
    for k, index in enumerate(order, 1):
        move = report.moves[index]
        day = move.date or report.check_date
        prefix = [report.moves[i] for i in order[:k]]
        after = contract.check_timeline(prefix, at=day, waivers=waivers).state["after"]
        steps.append(Step(label=move.describe(), date=day, move=index, state=after))
    if not order or report.check_date > steps[-1].date:
        steps.append(
            Step(label="check date", date=report.check_date, move=None, state=report.state["after"])
        )
    return Timeline(report=report, steps=steps)
