"""What each door of the engine answers for one check, reduced to what the report's summary
(engine/summary.py) says: the verdict, the counts by group, the findings and, when readings
differ, each reading's verdict, counts and findings. tests/test_conformance.py runs a corpus
of checks through every door and compares each door's view with the Python API's summary.

Each door is read from its own output (text, JSON, XML), never from the engine's objects, so a
door that counts or lists differently is seen. A door that cannot show a part (the text report
names findings by norm, not by id; CI annotations leave out consequences) is compared on the
part it shows: `View.project` cuts the API's view down to it.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.summary import GROUPS, Summary

PAGE_JS = Path(__file__).resolve().parent.parent / "engine" / "serve" / "static" / "page.js"
Counts = tuple[int, int, int, int, int]  # in GROUPS order
_COUNTS = re.compile(
    r"(\d+) blocking, (\d+) warnings?(?:\(s\))?, (\d+) consequences?(?:\(s\))?, (\d+) waived, "
    r"(\d+) notices?(?:\(s\))?"
)
_ANNOTATED = ("blocking", "warning", "waived")  # what CI annotations (SARIF, GitHub) show
_SYMBOLS = {"blocking": "✗x", "warning": "⚠!", "consequence": "•-", "waived": "~", "notice": "?"}
_HEADERS = {
    "Blocking conflicts": "blocking",
    "Warnings": "warning",
    "Consequences": "consequence",
    "Waived": "waived",
    "Notices": "notice",
}


@dataclass(frozen=True)
class Part:
    """The verdict, counts and findings of a report, or of one reading when readings differ.
    `findings`: ids (or `rule` names where the door shows no ids), with their group."""

    verdict: str
    counts: Counts | None
    findings: Counter[tuple[str, str | None]] | None


@dataclass(frozen=True)
class View:
    """What a door shows: the whole (under any reading) and each reading's part, by label.
    A part's `counts` or `findings` is None where the door does not show them."""

    whole: Part
    readings: dict[str, Part] | None = None
    only: tuple[str, ...] = GROUPS  # the groups of findings the door lists
    reading_only: tuple[str, ...] = GROUPS  # ... and lists for each reading
    shows_readings: bool = True  # the door shows each reading's part when readings differ


def api_view(summary: Summary, by_rule: bool = False) -> View:
    """The API's summary as a view (by norm instead of id for the text report)."""

    def key(f: Any) -> tuple[str, str | None]:
        return (f.group, f.rule if by_rule else f.id)

    def counts(c: Any) -> Counts:
        return (c.blocking, c.warning, c.consequence, c.waived, c.notice)

    whole = Part(summary.verdict, counts(summary.counts), Counter(key(f) for f in summary.findings))
    readings = None
    if summary.by_reading is not None:
        by_id = summary.by_id()
        readings = {
            r.label: Part(r.verdict, counts(r.counts), Counter(key(by_id[i]) for i in r.findings))
            for r in summary.by_reading
        }
    return View(whole, readings)


def _counts(text: str) -> Counts:
    found = _COUNTS.search(text)
    assert found, f"no counts in {text!r}"
    a, b, c, d, e = (int(x) for x in found.groups())
    return (a, b, c, d, e)


# -- JSON: the CLI's --format json, HTTP, MCP, the page's data, check_many ------------------------
def json_view(report: dict[str, Any]) -> View:
    """A JSON report's view from its `summary`, after checking the summary against the report's
    own lists: every finding's pointer names a finding of that norm and message, every finding
    of the lists (the report's, each reading's) is in the summary once, and the counts of the
    report's own lists are the summary's when readings do not differ."""
    summary = Summary.model_validate(report["summary"])
    pointed = set()
    for f in summary.findings:
        node: Any = report
        for key in f.pointer.split("/")[1:]:
            node = node[int(key)] if isinstance(node, list) else node[key]
        assert (node["rule"], node["message"], node["move"]) == (f.rule, f.message, f.move), f.id
        pointed.add(f.pointer)
    reports = [("", report)]
    if summary.by_reading is not None:
        results = report["readings"]["results"]
        reports += [(f"/readings/results/{i}/report", r["report"]) for i, r in enumerate(results)]
    known = {(f.rule, f.message, f.move, f.waived) for f in summary.findings}
    for _, part in reports:
        for name in ("conflicts", "consequences", "waived", "notices"):
            for f in part[name]:
                key = (f["rule"], f["message"], f["move"], f["waived"])
                assert key in known, f"{name}: {key} is in no summary"
    assert len(pointed) == len(summary.findings)
    if summary.by_reading is None:  # the report's own lists, counted here independently
        conflicts, consequences = report["conflicts"], report["consequences"]
        blocking = sum(f["severity"] == "blocking" for f in conflicts)
        warning = sum(f["severity"] == "warning" for f in conflicts + consequences)
        own = (
            blocking,
            warning,
            len(conflicts) + len(consequences) - blocking - warning,
            len(report["waived"]),
            len(report["notices"]),
        )
        counts = summary.counts
        assert own == (
            counts.blocking,
            counts.warning,
            counts.consequence,
            counts.waived,
            counts.notice,
        )
        assert report["verdict"] == ("conflict" if blocking else "clear")
    return api_view(summary)


# -- the text report ------------------------------------------------------------------------------
def text_view(text: str) -> View:
    """The text report: the verdict line's counts, each section's findings by norm, and under
    readings that differ, each reading's verdict line and sections."""
    lines = text.splitlines()
    first = lines[0]
    verdict = first.split()[1].lower()
    parts: dict[str | None, dict[str, Any]] = {}
    current: str | None = None
    group: str | None = None
    labels: list[str] = []
    for line in lines:
        stripped = line.strip()
        under = re.match(r"^Under (.+?)(, the default)?: ", line)
        if under:
            current = under.group(1)
            labels.append(current)
            group = None
            continue
        if stripped.startswith("Verdict: "):
            counts = None if current is None and " under " in stripped else _counts(stripped)
            parts[current] = {
                "verdict": stripped.split()[1].lower(),
                "counts": counts,
                "findings": Counter(),
            }
            continue
        header = re.match(r"^(\w[\w ]*) \((\d+)\)$", stripped)
        if header and header.group(1) in _HEADERS:
            group = _HEADERS[header.group(1)]
            continue
        if stripped == "What changed":
            group = None
            continue
        if group is not None and stripped and stripped[0] in _SYMBOLS[group]:  # an item
            head = stripped.split(" ", 2)
            rule = None if head[1].startswith("[") else head[1].rstrip(":")
            parts[current]["findings"][(group, rule)] += 1
    if labels:
        readings = {
            label: Part(parts[label]["verdict"], parts[label]["counts"], parts[label]["findings"])
            for label in labels
        }
        return View(Part(verdict, None, None), readings)
    own = parts[None]
    return View(Part(verdict, own["counts"], own["findings"]))


# -- the CI formats -------------------------------------------------------------------------------
def github_view(text: str) -> View:
    lines = text.splitlines()
    head = lines[0]
    assert head.startswith("::notice title=contract-engine::")
    verdict = re.search(r": (CLEAR|CONFLICT) \(", head)
    assert verdict
    readings = _readings_in_line(head)
    level = {"error": "blocking", "warning": "warning", "notice": "waived"}
    findings: Counter[tuple[str, str | None]] = Counter()
    for line in lines[1:]:
        command, rest = line[2:].split(" ", 1)
        title = re.search(r"title=([^,:]+?)%3A", rest)
        assert title, line
        findings[(level[command], title.group(1))] += 1
    whole = Part(verdict.group(1).lower(), _counts(head), findings)
    return View(whole, readings, only=_ANNOTATED)


def _readings_in_line(line: str) -> dict[str, Part] | None:
    found = re.findall(r"; (clear|conflict) under (.+?) \((\d+ blocking.*?notice\(s\))\)", line)
    if not found:
        return None
    return {label: Part(v, _counts(c), None) for v, label, c in found}


def markdown_view(text: str) -> View:
    lines = text.splitlines()
    head = lines[0]
    verdict = re.search(r": (CLEAR|CONFLICT) \(", head)
    assert verdict
    readings = _readings_in_line(head)
    if readings is not None:  # each reading's line lists its blocking findings
        for line in lines:
            row = re.match(r"^- \*\*(clear|conflict)\*\* under (.+?)(?:, the default)? \(", line)
            if row:
                ids = re.findall(r"`([^`]+)`", line.split("; blocking: ")[-1])
                blocking = Counter(("blocking", i) for i in ids) if "; blocking: " in line else {}
                part = readings[row.group(2)]
                readings[row.group(2)] = Part(part.verdict, part.counts, Counter(blocking))
    findings: Counter[tuple[str, str | None]] = Counter()
    for line in lines:
        row = re.match(r"^\| (\w+)(?: \(.*?\))? \| `([^`]+)` \|", line)
        if row and row.group(1) != "group":
            findings[(row.group(1), row.group(2))] += 1
    whole = Part(verdict.group(1).lower(), _counts(head), findings)
    return View(whole, readings, reading_only=("blocking",))


def sarif_view(text: str) -> View:
    run = json.loads(text)["runs"][0]
    props = run["properties"]
    summary_counts = props["counts"]
    counts: Counts = tuple(summary_counts[g] for g in GROUPS)  # type: ignore[assignment]
    level = {"error": "blocking", "warning": "warning", "note": "waived"}
    findings: Counter[tuple[str, str | None]] = Counter()
    for result in run["results"]:
        group = result["properties"]["group"]
        assert level[result["level"]] == group
        findings[(group, result["properties"]["id"])] += 1
    readings = None
    if props["by_reading"] is not None:
        readings = {
            r["label"]: Part(
                r["verdict"],
                tuple(r["counts"][g] for g in GROUPS),  # type: ignore[arg-type]
                None,
            )
            for r in props["by_reading"]
        }
    return View(Part(props["verdict"], counts, findings), readings, only=_ANNOTATED)


def junit_view(text: str) -> View:
    suite = ET.fromstring(text)
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    counts: Counts = tuple(int(props[g] or 0) for g in GROUPS)  # type: ignore[assignment]
    assert int(suite.get("failures") or 0) == counts[0]
    assert int(suite.get("skipped") or 0) == counts[3]
    findings: Counter[tuple[str, str | None]] = Counter()
    for case in suite.iter("testcase"):  # a finding's case, or a norm's that found nothing
        name = (case.get("name") or "").split(" ", 1)[0]
        if case.find("failure") is not None:
            group = "blocking"
        elif case.find("skipped") is not None:
            group = "waived"
        else:
            out = case.find("system-out")
            group = ((out.text if out is not None else "") or "").split(":", 1)[0]
        if group in GROUPS:
            findings[(group, name)] += 1
    return View(Part(props["verdict"] or "", counts, findings), shows_readings=False)


# -- the MCP summary text and the page's view (page.js run by node) --------------------------------
def mcp_text_view(text: str) -> View:
    lines = text.splitlines()
    head = lines[0]
    verdict = re.search(r": (CLEAR|CONFLICT) \(", head)
    assert verdict
    readings: dict[str, Part] | None = None
    findings: Counter[tuple[str, str | None]] = Counter()
    for line in lines[1:]:
        row = re.match(r"^- (clear|conflict) under (.+?)(?:, the default)? \((.*?notices?)\)", line)
        if row:
            readings = readings or {}
            ids = line.split("; blocking: ")[1].split(", ") if "; blocking: " in line else []
            readings[row.group(2)] = Part(
                row.group(1), _counts(row.group(3)), Counter(("blocking", i) for i in ids)
            )
            continue
        item = re.match(r"^- (\w+) (\S+@\S+)", line)
        if item:
            findings[(item.group(1), item.group(2).removesuffix(":"))] += 1
    whole = Part(verdict.group(1).lower(), _counts(head), findings)
    return View(whole, readings, reading_only=("blocking",))


def page_views(reports: list[dict[str, Any]]) -> list[View]:
    """What page.js's `view` makes of each report (one node process for all of them)."""
    script = (
        f"const {{ view }} = require({json.dumps(str(PAGE_JS))});"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(input.map(view)));"
    )
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(reports),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out = []
    for shown in json.loads(done.stdout):

        def part(p: dict[str, Any]) -> Part:
            return Part(
                p["verdict"],
                tuple(p["counts"][g] for g in GROUPS),  # type: ignore[arg-type]
                Counter((g["key"], f["id"]) for g in p["groups"] for f in g["findings"]),
            )

        parts = shown["parts"]
        if parts[0]["title"] is None:
            whole = part(parts[0])
            assert _counts(shown["line"]) == whole.counts
            out.append(View(whole))
        else:
            readings = {
                p["title"].removeprefix("Under ").removesuffix(", the default"): part(p)
                for p in parts
            }
            whole = Part(shown["verdict"], _counts(shown["line"]), None)
            out.append(View(whole, readings))
    return out


def _cut(seen: Part, want: Part, groups: tuple[str, ...]) -> Part:
    """`want` with only what `seen` shows: its counts, its findings of `groups`."""
    findings = None
    if seen.findings is not None and want.findings is not None:
        findings = Counter({k: n for k, n in want.findings.items() if k[0] in groups})
    return Part(want.verdict, want.counts if seen.counts is not None else None, findings)


def same(door: str, seen: View, expected: View) -> None:
    """Assert that a door's view is the API's (`expected`), on what the door shows; where
    readings differ, a door that shows readings must show every one."""
    whole = _cut(seen.whole, expected.whole, seen.only)
    readings = None
    if expected.readings is not None and seen.shows_readings:
        assert seen.readings is not None, f"{door}: the readings differ and it does not say so"
        assert set(seen.readings) == set(expected.readings), door
        readings = {
            k: _cut(seen.readings[k], p, seen.reading_only) for k, p in expected.readings.items()
        }
    assert (seen.whole, seen.readings if seen.shows_readings else None) == (whole, readings), door
