"""Reports and file problems in the formats CI systems and code review read: JUnit XML (test
views), SARIF 2.1.0 (code scanning), GitHub workflow commands (annotations at file:line) and
Markdown (pull-request comments).

A finding is located at the norm that produced it (its rule file and line), a file problem at its
own file:line (and column, when the problem has one), so a CI view links to the line to change.
The command line hooks these in with `--format`; the functions are plain: text in, text out.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from engine.api import Contract
from engine.errors import Problem, shown
from engine.report import Report
from engine.summary import SummaryFinding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "contract-engine"


class CIFormat(StrEnum):
    junit = "junit"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"


@dataclass(frozen=True)
class Located:
    """One thing to report at one place: a finding of a check, or a problem of a file."""

    rule: str
    level: str  # error | warning | note
    message: str
    file: str
    line: int | None
    column: int | None
    title: str


_LEVEL = {"blocking": "error", "warning": "warning", "info": "note"}
# what a CI annotation says of each group of the summary; consequences and notices are not
# annotated (they are in the Markdown comment)
_GROUP_LEVEL = {
    "blocking": "error",
    "warning": "warning",
    "waived": "note",
    "consequence": "note",
    "notice": "note",
}
_ANNOTATED = ("blocking", "warning", "waived")


def _findings(report: Report, contract: Contract) -> list[tuple[SummaryFinding, Located]]:
    """Every finding of the report's summary (under any reading of a disputed clause, said
    with its readings), located at its norm's file:line."""
    where = {k: (n.file, n.line) for k, n in _norms(contract, report).items()}
    located = []
    for f in report.summary.findings:
        file, line = where.get(f.rule or "", (str(contract.spec.path), None))
        located.append(
            (
                f,
                Located(
                    rule=f.rule or "contract",
                    level=_GROUP_LEVEL[f.group],
                    message=f"{f.message} (move: {f.move_text}, {f.date}){_under(f)}",
                    file=shown(file),
                    line=line,
                    column=None,
                    title=f"{f.id}: {f.clause_title or f.clause}",
                ),
            )
        )
    return located


def _norms(contract: Contract, report: Report) -> dict[str, Any]:
    """The norms of the contract under every reading the report considered, by id (a norm
    a reading adds is located and described too)."""
    specs = [contract.spec]
    if report.readings is not None:
        specs += [contract.under(r.readings).spec for r in report.readings.results]
    out: dict[str, Any] = {}
    for spec in specs:
        for n in spec.norms:
            out.setdefault(n.id, n)
    return out


def _under(f: SummaryFinding) -> str:
    return f" under {', '.join(f.under)}" if f.under else ""


def _problems(problems: Sequence[Problem]) -> list[Located]:
    return [
        Located(
            rule="invalid-file",
            level="error",
            message=p.message,
            file=shown(p.file),
            line=p.line,
            column=getattr(p, "column", None),
            title="invalid contract or rule file",
        )
        for p in problems
    ]


# -- checks --------------------------------------------------------------------------------------
def report_as(report: Report, contract: Contract, fmt: CIFormat) -> str:
    """A check's report in a CI format; each finding at its norm's file:line. The counts and
    the findings are the report's summary (engine/summary.py), as in every other output."""
    located = _findings(report, contract)
    annotated = [(f, x) for f, x in located if f.group in _ANNOTATED]
    if fmt is CIFormat.junit:
        return _junit_report(report, located)
    if fmt is CIFormat.sarif:
        summary = report.summary.model_dump(mode="json", exclude={"findings"})
        return _sarif(
            [x for _, x in annotated],
            _rules_of(contract, report, [f for f, _ in annotated]),
            [{"id": f.id, "group": f.group, "under": f.under} for f, _ in annotated],
            summary,
        )
    if fmt is CIFormat.github:
        head = f"::notice title={_prop(TOOL)}::{_data(_verdict_line(report))}\n"
        return head + _github([x for _, x in annotated])
    return _markdown_report(report, located)


def _verdict_line(report: Report) -> str:
    summary = report.summary
    line = f"{report.contract_title}: {summary.verdict.upper()} ({summary.counts.phrase(False)})"
    if summary.by_reading is not None:
        line += "; " + "; ".join(
            f"{r.verdict} under {r.label} ({r.counts.phrase(False)})" for r in summary.by_reading
        )
    return line


def _junit_report(report: Report, located: list[tuple[SummaryFinding, Located]]) -> str:
    """One test case per finding (a blocking conflict fails it, a waived one skips it) and
    one per norm and move considered that found nothing (it passes, its reason as output)."""
    suite = ET.Element("testsuite", name=f"{TOOL}: {report.contract}")
    summary = report.summary
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="verdict", value=summary.verdict)
    for group, n in summary.counts.model_dump().items():
        ET.SubElement(properties, "property", name=group, value=str(n))
    cases = failures = skipped = 0
    found = set()
    for f, x in located:
        found.add((f.rule, f.move))
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{report.contract}.{f.clause or 'contract'}",
            name=f"{f.id} [{f.move_text}]",
        )
        cases += 1
        if f.group == "waived":
            ET.SubElement(case, "skipped", message=f"waived: {f.waived}")
            skipped += 1
        elif f.group == "blocking":
            failure = ET.SubElement(case, "failure", message=f.message, type="blocking")
            failure.text = f"{x.file}:{x.line}: {x.message}"
            failures += 1
        else:
            ET.SubElement(case, "system-out").text = f"{f.group}: {x.message}"
    said = set()
    for o in report.outcomes:
        if (o.rule, o.move) in found or (o.rule, o.move) in said:
            continue
        said.add((o.rule, o.move))
        move = report.moves[o.move].describe() if o.move is not None else "time passing"
        case = ET.SubElement(
            suite, "testcase", classname=f"{report.contract}.{o.clause}", name=f"{o.rule} [{move}]"
        )
        cases += 1
        ET.SubElement(case, "system-out").text = f"{o.status}: {o.reason}"
    if cases == 0:  # moves no norm covers: one passing case, so the run is not empty
        case = ET.SubElement(suite, "testcase", classname=report.contract, name="moves")
        ET.SubElement(case, "system-out").text = "no norm covers these moves"
        cases = 1
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    return _xml(suite)


def _rules_of(
    contract: Contract, report: Report, found: list[SummaryFinding]
) -> list[dict[str, object]]:
    used = sorted({f.rule for f in found if f.rule})
    norms = _norms(contract, report)
    rules: list[dict[str, object]] = []
    for rule in used:
        norm = norms[rule].norm
        clause = contract.spec.clauses[norm.clause]
        rules.append(
            {
                "id": rule,
                "name": rule,
                "shortDescription": {"text": f"{norm.kind.value} of clause {clause.title}"},
                "fullDescription": {"text": clause.text},
                "help": {"text": f"{clause.text} (source: {clause.source})"},
                "defaultConfiguration": {"level": _LEVEL[norm.effective_severity.value]},
            }
        )
    return rules


def _markdown_report(report: Report, located: list[tuple[SummaryFinding, Located]]) -> str:
    summary = report.summary
    icon = ":x:" if summary.verdict == "conflict" else ":white_check_mark:"
    lines = [f"### {icon} {_md(_verdict_line(report))}", ""]
    if report.notice:
        lines += [f"> {_md(report.notice)}", ""]
    moves = "; ".join(f"`{_code(m.describe())}` ({m.date})" for m in report.moves)
    # a check of time alone has no move: say what was checked instead of an empty list
    lines += [f"Moves: {moves}" if moves else f"No move: time alone, to {report.check_date}.", ""]
    if summary.by_reading is not None:  # readings that differ: each one's verdict and blockers
        lines.append("The readings differ:")
        for r in summary.by_reading:
            default = ", the default" if r.default else ""
            blocking = ", ".join(f"`{f.id}`" for f in summary.group("blocking", r.findings))
            lines.append(
                f"- **{r.verdict}** under {_md(r.label)}{default} ({r.counts.phrase(False)})"
                + (f"; blocking: {blocking}" if blocking else "")
            )
        lines.append("")
    if located:
        lines += [
            "| group | finding | clause | move | message | defined at |",
            "|---|---|---|---|---|---|",
        ]
        for f, x in located:
            group = f"waived ({_md(f.waived or '')})" if f.group == "waived" else f.group
            lines.append(
                f"| {group} | `{f.id}` | {_md(f.clause_title or f.clause or '')} | "
                f"{_md(f.move_text)} | {_md(f.message + _under(f))} | `{x.file}{_at(x.line)}` |"
            )
        lines.append("")
    not_applied = [o for o in report.outcomes if o.status not in ("applied", "waived")]
    if not_applied:
        # the report's own outcomes are its default reading's: say so when readings differ
        shown = next((r.label for r in summary.by_reading or [] if r.default), None)
        under = f", under {shown} (the default)" if shown else ""
        lines += [f"<details><summary>Why not: norms that did not apply{under}</summary>", ""]
        lines += [f"- `{o.rule}`: {_md(o.reason)}" for o in not_applied]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


# -- validation ----------------------------------------------------------------------------------
def problems_as(
    files: Sequence[str],
    problems: Sequence[Problem],
    fmt: CIFormat,
    units: Sequence[tuple[str, Sequence[Problem]]] | None = None,
) -> str:
    """The result of validating `files`: their problems in a CI format (empty when valid,
    except JUnit and SARIF, which also say what was checked). `units`, when given, says which
    file checked found each problem (a contract finds those of its rule files)."""
    located = _problems(problems)
    if fmt is CIFormat.junit:
        return _junit_problems(units if units is not None else _owned(files, problems))
    if fmt is CIFormat.sarif:
        rule: dict[str, object] = {
            "id": "invalid-file",
            "name": "invalid-file",
            "shortDescription": {"text": "A contract or rule file that does not validate"},
            "defaultConfiguration": {"level": "error"},
        }
        return _sarif(located, [rule] if located else [], None, None)
    if fmt is CIFormat.github:
        return _github(located)
    if not located:
        return f"### :white_check_mark: {len(files)} file(s) valid\n"
    lines = [f"### :x: {len(located)} problem(s) in {len(files)} file(s)", ""]
    lines += ["| file | line | problem |", "|---|---|---|"]
    lines += [f"| `{x.file}` | {x.line or ''} | {_md(x.message)} |" for x in located]
    return "\n".join(lines) + "\n"


def _owned(
    files: Sequence[str], problems: Sequence[Problem]
) -> list[tuple[str, Sequence[Problem]]]:
    """Each file with the problems located in it; a problem in no file given is its own."""
    mine: dict[str, list[Problem]] = {file: [] for file in files}
    by_path = {os.path.realpath(file): file for file in files}
    for p in problems:
        mine.setdefault(by_path.get(os.path.realpath(p.file), p.file), []).append(p)
    return list(mine.items())


def _junit_problems(units: Sequence[tuple[str, Sequence[Problem]]]) -> str:
    """One testcase per problem (failed), one per file checked without any (passed): the
    failure count is the problem count, so a CI view fails exactly when validate does."""
    suite = ET.Element("testsuite", name=f"{TOOL} validate")
    tests = failures = 0
    for file, problems in units:
        name = shown(file)
        if not problems:
            ET.SubElement(suite, "testcase", classname=name, name="valid")
            tests += 1
        for p in problems:
            x = _problems([p])[0]
            where = f"{x.file}:{x.line}" if x.line is not None else x.file
            case = ET.SubElement(suite, "testcase", classname=name, name=where)
            failure = ET.SubElement(case, "failure", message=x.message, type="invalid")
            failure.text = f"{where}: {x.message}"
            tests += 1
            failures += 1
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return _xml(suite)


# -- shared writers ------------------------------------------------------------------------------
def _sarif(
    located: list[Located],
    rules: list[dict[str, object]],
    properties: list[dict[str, object]] | None,
    run: dict[str, object] | None,
) -> str:
    """A SARIF log of one run; `properties`: each result's property bag (a finding's id,
    group and readings), `run`: the run's (the summary's verdict and counts)."""
    results = []
    for i, x in enumerate(located):
        region: dict[str, int] = {}
        if x.line is not None:
            region["startLine"] = x.line
        if x.column is not None:
            region["startColumn"] = x.column
        location: dict[str, object] = {"artifactLocation": {"uri": x.file}}
        if region:
            location["region"] = region
        results.append(
            {
                "ruleId": x.rule,
                "level": x.level,
                "message": {"text": x.message},
                "locations": [{"physicalLocation": location}],
                **({"properties": properties[i]} if properties is not None else {}),
            }
        )
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL, "rules": rules}},
                "results": results,
                **({"properties": run} if run is not None else {}),
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _github(located: list[Located]) -> str:
    command = {"error": "error", "warning": "warning", "note": "notice"}
    lines = []
    for x in located:
        props = [f"file={_prop(x.file)}"]
        if x.line is not None:
            props.append(f"line={x.line}")
        if x.column is not None:
            props.append(f"col={x.column}")
        props.append(f"title={_prop(x.title)}")
        lines.append(f"::{command[x.level]} {','.join(props)}::{_data(x.message)}")
    return "".join(line + "\n" for line in lines)


def _at(line: int | None) -> str:
    return f":{line}" if line is not None else ""


def _data(text: str) -> str:
    """Escape a workflow command's message (GitHub's own escaping rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return text.replace("`", "'")


def _xml(element: ET.Element) -> str:
    ET.indent(element)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode") + "\n"
    )
