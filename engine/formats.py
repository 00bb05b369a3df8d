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

from engine.api import Contract
from engine.errors import Problem
from engine.report import Finding, Report

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


def _relative(path: str) -> str:
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:  # another drive, on Windows
        return path


def _findings(report: Report, contract: Contract) -> list[tuple[Finding, Located]]:
    where = {n.id: (n.file, n.line) for n in contract.spec.norms}
    located = []
    # a conflict under any reading of a disputed clause, said with its reading
    for label, f in [*report.considered("conflicts"), *report.considered("waived")]:
        file, line = where.get(f.rule or "", (str(contract.spec.path), None))
        level = "note" if f.waived else _LEVEL[f.severity.value]
        under = f" under {label}" if label else ""
        located.append(
            (
                f,
                Located(
                    rule=f.rule or "contract",
                    level=level,
                    message=f"{f.message} (move: {f.move_text}, {f.date}){under}",
                    file=_relative(file),
                    line=line,
                    column=None,
                    title=f"{f.rule}: {f.clause_title or f.clause}",
                ),
            )
        )
    return located


def _problems(problems: Sequence[Problem]) -> list[Located]:
    return [
        Located(
            rule="invalid-file",
            level="error",
            message=p.message,
            file=_relative(p.file),
            line=p.line,
            column=getattr(p, "column", None),
            title="invalid contract or rule file",
        )
        for p in problems
    ]


# -- checks --------------------------------------------------------------------------------------
def report_as(report: Report, contract: Contract, fmt: CIFormat) -> str:
    """A check's report in a CI format; each conflict at its norm's file:line."""
    located = _findings(report, contract)
    if fmt is CIFormat.junit:
        return _junit_report(report, located)
    if fmt is CIFormat.sarif:
        return _sarif([x for _, x in located], _rules_of(contract, report))
    if fmt is CIFormat.github:
        head = f"::notice title={_prop(TOOL)}::{_data(_verdict_line(report))}\n"
        return head + _github([x for _, x in located])
    return _markdown_report(report, located)


def _verdict_line(report: Report) -> str:
    conflicts = [f for _, f in report.considered()]
    blocking = sum(1 for f in conflicts if f.severity.value == "blocking")
    line = (
        f"{report.contract_title}: {report.verdict.upper()} ({blocking} blocking, "
        f"{len(conflicts) - blocking} warning(s), {len(report.waived)} waived)"
    )
    if report.readings is not None and not report.readings.agree:
        line += "; " + "; ".join(f"{r.verdict} under {r.label}" for r in report.readings.results)
    return line


def _junit_report(report: Report, located: list[tuple[Finding, Located]]) -> str:
    """One test case per norm and move considered: a blocking conflict fails it, a waived one
    skips it; norms that did not apply pass, with their reason as output."""
    suite = ET.Element("testsuite", name=f"{TOOL}: {report.contract}")
    by_case = {(f.rule, f.move): (f, x) for f, x in located}
    cases = failures = skipped = 0
    for o in report.outcomes:
        move = report.moves[o.move].describe() if o.move is not None else "time passing"
        case = ET.SubElement(
            suite, "testcase", classname=f"{report.contract}.{o.clause}", name=f"{o.rule} [{move}]"
        )
        cases += 1
        hit = by_case.get((o.rule, o.move))
        if hit is not None and hit[0].waived:
            ET.SubElement(case, "skipped", message=f"waived: {hit[0].waived}")
            skipped += 1
        elif hit is not None and hit[1].level == "error":
            failure = ET.SubElement(case, "failure", message=hit[0].message, type="blocking")
            failure.text = f"{hit[1].file}:{hit[1].line}: {hit[1].message}"
            failures += 1
        else:
            out = ET.SubElement(case, "system-out")
            out.text = hit[1].message if hit is not None else f"{o.status}: {o.reason}"
    if cases == 0:  # moves no norm covers: one passing case, so the run is not empty
        case = ET.SubElement(suite, "testcase", classname=report.contract, name="moves")
        ET.SubElement(case, "system-out").text = "no norm covers these moves"
        cases = 1
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    return _xml(suite)


def _rules_of(contract: Contract, report: Report) -> list[dict[str, object]]:
    found = [*report.considered("conflicts"), *report.considered("waived")]
    used = sorted({f.rule for _, f in found if f.rule})
    rules: list[dict[str, object]] = []
    for rule in used:
        norm = contract.norm(rule)
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


def _markdown_report(report: Report, located: list[tuple[Finding, Located]]) -> str:
    icon = ":x:" if report.verdict == "conflict" else ":white_check_mark:"
    lines = [f"### {icon} {_md(_verdict_line(report))}", ""]
    if report.notice:
        lines += [f"> {_md(report.notice)}", ""]
    lines += [
        "Moves: " + "; ".join(f"`{_code(m.describe())}` ({m.date})" for m in report.moves),
        "",
    ]
    if located:
        lines += [
            "| severity | norm | clause | move | message | defined at |",
            "|---|---|---|---|---|---|",
        ]
        for f, x in located:
            severity = f"waived ({_md(f.waived)})" if f.waived else f.severity.value
            lines.append(
                f"| {severity} | `{f.rule}` | {_md(f.clause_title or f.clause or '')} | "
                f"{_md(f.move_text)} | {_md(f.message)} | `{x.file}:{x.line}` |"
            )
        lines.append("")
    not_applied = [o for o in report.outcomes if o.status not in ("applied", "waived")]
    if not_applied:
        lines += ["<details><summary>Why not: norms that did not apply</summary>", ""]
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
        return _sarif(located, [rule] if located else [])
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
        name = _relative(file)
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
def _sarif(located: list[Located], rules: list[dict[str, object]]) -> str:
    results = []
    for x in located:
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
            }
        )
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL, "rules": rules}},
                "results": results,
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
