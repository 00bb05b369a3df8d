"""CI formats of a check and of file problems: JUnit XML, SARIF 2.1.0, GitHub workflow
commands, Markdown; each conflict located at its norm's file:line."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_RULES

from engine import Contract, ContractFileError
from engine.formats import CIFormat, problems_as, report_as

NORMS = "rules/openai-microsoft/norms.yaml"


def _line_of(norm: str) -> int:
    root = Path(__file__).resolve().parent.parent
    lines = (root / NORMS).read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if text.strip() == f"- id: {norm}")


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)  # paths are shown relative


def test_junit_fails_the_blocking_conflict_and_passes_the_rest(contract: Contract) -> None:
    report = contract.check(
        "declare AGI",
        "partner with Google Cloud",
        "partner with AWS",
        at="2025-06-01",
        readings={"agi-clause": "board"},
    )
    suite = ET.fromstring(
        report_as(contract.check("partner with Google Cloud"), contract, CIFormat.junit)
    )
    assert suite.get("failures") == "1"
    failed = [c for c in suite if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == [
        "azure-exclusivity@move1 [partner with Google Cloud]"
    ]
    assert f"{NORMS}:{_line_of('azure-exclusivity')}" in (failed[0].find("failure").text or "")
    clear = ET.fromstring(report_as(report, contract, CIFormat.junit))
    assert clear.get("failures") == "0" and int(clear.get("tests") or 0) >= 2


def test_junit_skips_a_waived_norm(contract: Contract) -> None:
    report = contract.check("partner with Google Cloud", waivers={"azure-exclusivity": "board ok"})
    suite = ET.fromstring(report_as(report, contract, CIFormat.junit))
    assert suite.get("skipped") == "1" and suite.get("failures") == "0"


def test_sarif_locates_the_conflict_at_its_norm(contract: Contract) -> None:
    sarif = json.loads(
        report_as(contract.check("partner with Google Cloud"), contract, CIFormat.sarif)
    )
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "azure-exclusivity"
    (result,) = run["results"]
    assert result["ruleId"] == "azure-exclusivity" and result["level"] == "error"
    where = result["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == NORMS
    assert where["region"]["startLine"] == _line_of("azure-exclusivity")


def test_github_annotations_and_markdown(contract: Contract) -> None:
    report = contract.check("partner with Google Cloud")
    github = report_as(report, contract, CIFormat.github).splitlines()
    assert github[0].startswith("::notice title=contract-engine::")
    assert github[1].startswith(f"::error file={NORMS},line={_line_of('azure-exclusivity')},title=")
    markdown = report_as(report, contract, CIFormat.markdown)
    assert markdown.startswith("### :x: ") and "CONFLICT" in markdown
    assert "| blocking | `azure-exclusivity@move1` |" in markdown


def test_file_problems_in_every_format(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("kind: prohibition", "kind: prohibitoin"))
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    problems = caught.value.problems
    files = [str(path), str(path.parent / "rules.yaml")]
    line = MINIMAL_RULES.splitlines().index("    kind: prohibition") + 1

    github = problems_as(files, problems, CIFormat.github)
    assert f",line={line},title=" in github and github.startswith("::error file=")
    sarif = json.loads(problems_as(files, problems, CIFormat.sarif))
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": line
    }
    suite = ET.fromstring(problems_as(files, problems, CIFormat.junit))
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    assert "norms.0.kind" in problems_as(files, problems, CIFormat.markdown)
    assert problems_as(files, [], CIFormat.github) == ""
    assert "valid" in problems_as(files, [], CIFormat.markdown)


# -- through the CLI: `check` and `validate` with --format ---------------------------------------
def _cli(*args: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    from engine.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_check_writes_each_ci_format_with_the_verdicts_exit_code() -> None:
    contract = "contracts/openai-microsoft.yaml"
    code, out = _cli("check", contract, "-m", "partner with Google Cloud", "--format", "junit")
    assert code == 1 and ET.fromstring(out).get("failures") == "1"
    code, out = _cli("check", contract, "-m", "partner with Google Cloud", "-f", "sarif")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert code == 1 and result["ruleId"] == "azure-exclusivity"
    code, out = _cli("check", contract, "-m", "partner with Google Cloud", "-f", "github")
    assert code == 1
    assert f"::error file={NORMS},line={_line_of('azure-exclusivity')}" in out
    code, out = _cli("check", contract, "-m", "declare AGI", "-f", "markdown")
    assert code == 0 and "CLEAR" in out.upper()


def test_validate_writes_problems_in_a_ci_format(write_contract: Callable[..., Path]) -> None:
    bad = write_contract(rules=MINIMAL_RULES.replace("clause: c1", "clause: nope", 1))
    code, out = _cli("validate", str(bad), "--format", "github")
    assert code == 2 and out.startswith("::error file=") and "nope" in out
    code, out = _cli("validate", "contracts/openai-microsoft.yaml", "--format", "junit")
    assert code == 0 and ET.fromstring(out).get("failures") == "0"


def test_a_conflict_under_another_reading_is_reported_with_it(contract: Contract) -> None:
    report = contract.check("2025-08-01: declare AGI", "2025-09-01: partner with Google Cloud")
    assert report.conflicts == []  # the default (board) reading's own findings: none
    suite = ET.fromstring(report_as(report, contract, CIFormat.junit))
    assert suite.get("failures") == "1"
    results = json.loads(report_as(report, contract, CIFormat.sarif))["runs"][0]["results"]
    blocking = [r for r in results if r["level"] == "error"]
    assert [r["ruleId"] for r in blocking] == ["azure-exclusivity"]
    assert blocking[0]["message"]["text"].endswith("under reading panel of agi-clause")
    assert blocking[0]["properties"]["under"] == ["reading panel of agi-clause"]
    github = report_as(report, contract, CIFormat.github).splitlines()
    assert github[0].endswith(
        "; clear under reading board of agi-clause (0 blocking, 1 warning(s), 0 consequence(s), "
        "0 waived, 0 notice(s)); conflict under reading panel of agi-clause (1 blocking, "
        "0 warning(s), 1 consequence(s), 0 waived, 0 notice(s))"
    )


# -- issue 21: every output counts and lists what the text report does ---------------------------
def _verdict_counts(line: str) -> str:
    found = re.search(r"\((\d+ blocking.*?notice\(s\))\)", line)
    assert found, line
    return found.group(1)


def test_every_format_counts_and_lists_a_warning_as_the_text_report_does(
    contract: Contract,
) -> None:
    # a consequence of severity warning: the text said "1 warning", the CI formats "0"
    report = contract.check("acquire Windsurf for $3B", "partner with Google Cloud")
    assert report.to_text().startswith("Verdict: CONFLICT — 1 blocking, 1 warning, ")
    counts = "1 blocking, 1 warning(s), 0 consequence(s), 0 waived, 0 notice(s)"
    github = report_as(report, contract, CIFormat.github).splitlines()
    assert _verdict_counts(github[0]) == counts
    assert [line.split(" ", 1)[0] for line in github[1:]] == ["::error", "::warning"]
    markdown = report_as(report, contract, CIFormat.markdown)
    assert _verdict_counts(markdown.splitlines()[0]) == counts
    assert "| warning | `ip-access-covers-acquisitions@move1` |" in markdown
    run = json.loads(report_as(report, contract, CIFormat.sarif))["runs"][0]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("azure-exclusivity", "error"),
        ("ip-access-covers-acquisitions", "warning"),
    ]
    assert run["properties"]["counts"] == {
        "blocking": 1,
        "warning": 1,
        "consequence": 0,
        "waived": 0,
        "notice": 0,
    }
    suite = ET.fromstring(report_as(report, contract, CIFormat.junit))
    assert suite.get("failures") == "1"
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["warning"] == "1"


def test_each_format_shows_each_readings_blocking_findings(contract: Contract) -> None:
    report = contract.check("declare AGI", "partner with Google Cloud")
    markdown = report_as(report, contract, CIFormat.markdown)
    assert (
        "- **conflict** under reading panel of agi-clause (1 blocking, 0 warning(s), "
        "1 consequence(s), 0 waived, 0 notice(s)); blocking: `azure-exclusivity@move2`"
    ) in markdown
    assert "- **clear** under reading board of agi-clause, the default (0 blocking" in markdown
    github = report_as(report, contract, CIFormat.github)
    assert "::error file=" in github and "under reading panel of agi-clause" in github


def test_the_mcp_summary_counts_the_warning_and_each_readings_blockers(
    contract: Contract,
) -> None:
    from engine.serve.assistant import report_summary

    text = report_summary(contract.check("acquire Windsurf for $3B", "partner with Google Cloud"))
    assert "(1 blocking, 1 warning, 0 consequences, 0 waived, 0 notices;" in text.splitlines()[0]
    assert "- warning ip-access-covers-acquisitions@move1 (clause ip-access" in text
    text = report_summary(contract.check("declare AGI", "partner with Google Cloud"))
    assert (
        "- conflict under reading panel of agi-clause (1 blocking, 0 warnings, 1 consequence, "
        "0 waived, 0 notices); blocking: azure-exclusivity@move2"
    ) in text.splitlines()
    assert "source: Tech&Co, June 2025" in text


def test_a_check_of_time_alone_says_so_in_markdown() -> None:
    """No move (a check of time alone): the comment names the date time ran to, never an empty
    'Moves:' line."""
    duties = Contract.load("tests/contracts/duties/contract.yaml")
    text = report_as(duties.check_timeline([], at="2025-06-01"), duties, CIFormat.markdown)
    assert "No move: time alone, to 2025-06-01." in text
    assert not re.search(r"^Moves: *$", text, re.M)


def test_markdown_says_which_reading_its_why_not_is_under(contract: Contract) -> None:
    """When readings differ, the 'why not' list is the default reading's: it says so, beside a
    table that lists a blocker of another reading."""
    report = contract.check_timeline(["declare AGI", "partner with Google Cloud"])
    text = report_as(report, contract, CIFormat.markdown)
    assert "norms that did not apply, under reading board of agi-clause (the default)" in text
