"""A report known by its decision, the rest built when read by making its check again.

A check's decision (verdict, findings without evidence, moves, the readings' verdicts and
findings) is small plain data; the rest of a report (evidence, the outcome of every norm, the
state views, the names) is large and mostly never read. Checks are deterministic, so a report can
travel, or be inferred, as its decision alone, and whoever reads the rest gets it from the same
check made again, byte for byte the same: engine/many.py sends a worker's reports back this way,
and engine/readings.py answers a reading that cannot differ from the default this way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.report import Finding, ReadingResult, ReadingsSection, Report, trusted

if TYPE_CHECKING:
    from engine.api import Contract

_GROUPS = ("conflicts", "consequences", "notices", "waived")
_REPORT_FIELDS = tuple(k for k in Report.model_fields if k not in Report._deferred)
_FINDING_FIELDS = tuple(k for k in Finding.model_fields if k not in Finding._deferred)
Encoded = tuple[Any, ...]


def encode(report: Report) -> Encoded:
    """A report's decision, as plain values (no deferred part is built): its fields that are
    not deferred, its findings without their evidence, and each reading's report the same way."""
    values = dict(zip(_REPORT_FIELDS, report.decision(), strict=True))
    for group in _GROUPS:
        values[group] = [(f.__pydantic_fields_set__, f.decision()) for f in values[group]]
    section = values["readings"]
    if section is not None:
        values["readings"] = (
            section.__pydantic_fields_set__,
            {k: getattr(section, k) for k in type(section).model_fields if k != "results"},
            [
                (
                    r.__pydantic_fields_set__,
                    {k: getattr(r, k) for k in type(r).model_fields if k != "report"},
                    encode(r.report),
                )
                for r in section.results
            ],
        )
    return (report.__pydantic_fields_set__, tuple(values.values()))


class Again:
    """One check, made again in this process the first time any report standing for it (its
    own, or a reading's) has a deferred part read."""

    def __init__(self, contract: Contract, moves: list[Any], at: Any, waivers: Any) -> None:
        self._args = (contract, moves, at, waivers)
        self._report: Report | None = None

    @property
    def report(self) -> Report:
        if self._report is None:  # two threads may both check: the same report, deterministic
            contract, moves, at, waivers = self._args
            self._report = contract.check_timeline(moves, at=at, waivers=waivers)
        return self._report


def decode(
    encoded: Encoded,
    again: Again,
    locate: Callable[[Report], Report] = lambda report: report,
) -> Report:
    """The report of `encode`, whose deferred parts (and its findings' evidence) are those of
    `locate(again.report)`, built when first read."""
    fields_set, decided = encoded
    values = dict(zip(_REPORT_FIELDS, decided, strict=True))
    for group in _GROUPS:
        values[group] = [
            Finding.deferred(
                dict(zip(_FINDING_FIELDS, found, strict=True)),
                functools.partial(_evidence, again, locate, group, index),
                given,
            )
            for index, (given, found) in enumerate(values[group])
        ]
    if values["readings"] is not None:
        given, section, results = values["readings"]
        values["readings"] = trusted(
            ReadingsSection,
            {
                **section,
                "results": [
                    trusted(
                        ReadingResult,
                        {
                            **result,
                            "report": decode(
                                report, again, functools.partial(_reading, locate, index)
                            ),
                        },
                        result_set,
                    )
                    for index, (result_set, result, report) in enumerate(results)
                ],
            },
            given,
        )
    return Report.deferred(values, functools.partial(_rest, again, locate), fields_set)


def _reading(locate: Callable[[Report], Report], index: int, report: Report) -> Report:
    section = locate(report).readings
    assert section is not None
    return section.results[index].report


def _rest(again: Again, locate: Callable[[Report], Report], name: str | None) -> dict[str, Any]:
    real = locate(again.report)
    return {k: getattr(real, k) for k in Report._deferred}


def _evidence(
    again: Again, locate: Callable[[Report], Report], group: str, index: int, name: str | None
) -> dict[str, Any]:
    return {"evidence": getattr(locate(again.report), group)[index].evidence}


def standing_for(report: Report, again: Again, **changes: Any) -> Report:
    """A report with `report`'s decision (but for `changes`, of fields that are not deferred),
    its findings the same objects, whose outcomes, state and names are those of `again.report`:
    for a check known to assert the same facts into the same rules as `report`'s did, so that
    its findings and their evidence (the norm's conditions, and the values they were tested on)
    are the same too."""
    values = dict(zip(_REPORT_FIELDS, report.decision(), strict=True))
    values.update(changes)
    return Report.deferred(
        values, functools.partial(_rest, again, _itself), set(report.__pydantic_fields_set__)
    )


def _itself(report: Report) -> Report:
    return report
