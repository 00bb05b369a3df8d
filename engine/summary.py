"""The one summary of a report that every door renders: which finding is blocking, a warning,
a consequence, waived or a notice, how many of each, and, when the readings of a disputed clause
differ, the same for each reading.

The text report, every `--format`, the web page (which receives it in the report's JSON as
`summary`), the MCP summary and `sweep` count and list findings from this summary, never from
the report's lists directly, so no two of them can disagree on a count (docs/design.md, "One
summary"). Each finding gets an id, unique within the report and the same on every path
("azure-exclusivity@move2"), so a test, or a CI system, can match findings across outputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.model import Severity

if TYPE_CHECKING:
    from engine.report import Finding, Report

Group = Literal["blocking", "warning", "consequence", "waived", "notice"]
GROUPS: tuple[Group, ...] = ("blocking", "warning", "consequence", "waived", "notice")
_LISTS = ("conflicts", "consequences", "waived", "notices")  # the report's lists, in JSON order


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Counts(_Frozen):
    """How many findings of each group."""

    blocking: int = 0
    warning: int = 0
    consequence: int = 0
    waived: int = 0
    notice: int = 0

    def phrase(self, plural: bool = True) -> str:
        """ "1 blocking, 1 warning, 0 consequences, 0 waived, 0 notices" (`plural`: the word
        agrees with the count; else the CI formats' fixed "warning(s)")."""

        def word(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}" if plural else f"{n} {one}(s)"

        return ", ".join(
            [
                f"{self.blocking} blocking",
                word(self.warning, "warning", "warnings"),
                word(self.consequence, "consequence", "consequences"),
                f"{self.waived} waived",
                word(self.notice, "notice", "notices"),
            ]
        )


class SummaryFinding(_Frozen):
    """One finding as every door lists it."""

    id: str = Field(description="Unique in the report, the same on every path: 'rule@move2'.")
    group: Group
    type: Literal["conflict", "consequence", "notice"]
    rule: str | None
    clause: str | None
    clause_title: str | None
    source: str | None
    severity: Severity
    message: str
    move: int | None
    move_text: str
    date: dt.date
    waived: str | None
    under: list[str] = Field(
        description="When the readings differ: the labels of the readings it is found under "
        "(empty: readings agree or are not declared)."
    )
    pointer: str = Field(
        description="Where the whole finding (evidence, effects) is in the JSON report, as a "
        "JSON pointer: '/conflicts/0', '/readings/results/1/report/conflicts/0'."
    )


class ReadingSummary(_Frozen):
    """One combination of readings: its verdict, counts and findings (ids into `findings`)."""

    label: str
    readings: dict[str, str]
    default: bool
    verdict: Literal["clear", "conflict"]
    counts: Counts
    findings: list[str]


class Summary(_Frozen):
    """The verdict, the findings by group and their counts; when readings differ, the findings
    under any reading (each labelled with its readings) and each reading's own part."""

    verdict: Literal["clear", "conflict"]
    counts: Counts
    findings: list[SummaryFinding]
    by_reading: list[ReadingSummary] | None = Field(
        None, description="Each combination of readings considered, when their findings differ."
    )

    def group(self, name: Group, ids: Iterable[str] | None = None) -> list[SummaryFinding]:
        """The findings of one group (of those with `ids`, when given), in report order."""
        keep = None if ids is None else set(ids)
        return [f for f in self.findings if f.group == name and (keep is None or f.id in keep)]

    def by_id(self) -> dict[str, SummaryFinding]:
        return {f.id: f for f in self.findings}


def group_of(finding: Finding, listed_in: str) -> Group:
    """The one decision of a finding's group, from the report list it is in."""
    if listed_in == "waived":
        return "waived"
    if listed_in == "notices":
        return "notice"
    if listed_in == "conflicts" and finding.severity is Severity.blocking:
        return "blocking"
    return "warning" if finding.severity is Severity.warning else "consequence"


def grouped(report: Report) -> dict[Group, list[tuple[str, int, Finding]]]:
    """The report's own findings by group, each with its list and index there."""
    out: dict[Group, list[tuple[str, int, Finding]]] = {g: [] for g in GROUPS}
    for listed in _LISTS:
        for i, f in enumerate(getattr(report, listed)):
            out[group_of(f, listed)].append((listed, i, f))
    return out


def _base_id(f: Finding) -> str:
    where = f"move{f.move + 1}" if f.move is not None else f.date.isoformat()
    return f"{f.rule or f.type}@{where}"


def summarize(report: Report) -> Summary:
    """The summary of `report` (see the module's docstring)."""
    section = report.readings
    differ = section is not None and not section.agree
    parts: list[tuple[str, Report, str | None]] = [("", report, None)]
    if differ:
        assert section is not None
        parts += [
            (f"/readings/results/{i}/report", r.report, r.label)
            for i, r in enumerate(section.results)
        ]
    keys: dict[tuple[Group, str], int] = {}  # a finding's group and decision -> its index
    rows: list[dict[str, object]] = []
    labels: list[list[str]] = []
    members: list[list[int]] = []  # per reading, the indices of its findings
    used: dict[str, int] = {}
    for prefix, part, label in parts:
        mine: list[int] = []
        for group, items in grouped(part).items():
            for listed, i, f in items:
                key = (group, repr(f.decision()))
                index = keys.get(key)
                if index is None:
                    index = keys[key] = len(rows)
                    base = _base_id(f)
                    used[base] = used.get(base, 0) + 1
                    ident = base if used[base] == 1 else f"{base}#{used[base]}"
                    rows.append(
                        {
                            "id": ident,
                            "group": group,
                            "type": f.type,
                            "rule": f.rule,
                            "clause": f.clause,
                            "clause_title": f.clause_title,
                            "source": f.source,
                            "severity": f.severity,
                            "message": f.message,
                            "move": f.move,
                            "move_text": f.move_text,
                            "date": f.date,
                            "waived": f.waived,
                            "pointer": f"{prefix}/{listed}/{i}",
                        }
                    )
                    labels.append([])
                if label is not None:
                    labels[index].append(label)
                    mine.append(index)
        if label is not None:
            members.append(mine)
    findings = [SummaryFinding(**row, under=labels[i]) for i, row in enumerate(rows)]
    order = {g: n for n, g in enumerate(GROUPS)}
    ranked = sorted(range(len(findings)), key=lambda i: order[findings[i].group])  # stable
    readings = None
    if differ:
        assert section is not None
        readings = [
            ReadingSummary(
                label=r.label,
                readings=r.readings,
                default=r.default,
                verdict=r.verdict,
                counts=_count(findings[i].group for i in mine),
                findings=[findings[i].id for i in ranked if i in mine],
            )
            for r, mine in zip(section.results, [set(m) for m in members], strict=True)
        ]
    ordered = [findings[i] for i in ranked]
    return Summary(
        verdict=report.verdict,
        counts=_count(f.group for f in ordered),
        findings=ordered,
        by_reading=readings,
    )


def _count(groups: Iterable[Group]) -> Counts:
    n = dict.fromkeys(GROUPS, 0)
    for g in groups:
        n[g] += 1
    return Counts(**n)
