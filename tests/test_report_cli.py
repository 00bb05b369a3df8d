"""The report a user reads first and the command line around it, through the CLI: the verdict
and blocking conflicts first, counts that agree with the lists, evidence in names, what changed,
plain or ASCII output where a terminal cannot take colour or symbols, exit codes that never
confuse a crash with a conflict, JSON errors, and the commands and options of a linter."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, MINIMAL_CONTRACT, MINIMAL_RULES, ROOT
from typer.testing import CliRunner

from engine import Contract
from engine.cli import app

runner = CliRunner()


def run(*args: Any, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input=input)
    return result.exit_code, result.stdout, result.stderr


def subprocess_cli(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, **env},
    )


# -- a report that answers first ---------------------------------------------------------------
def test_one_move_fits_an_80_by_24_terminal(contract: Contract) -> None:
    text = contract.check("partner with Google Cloud").to_text(width=80)
    lines = text.splitlines()
    assert len(lines) <= 24, text
    assert max(len(line) for line in lines) <= 80, text
    assert lines[0].startswith("Verdict: CONFLICT")
    assert any("azure-exclusivity (Azure exclusivity):" in line for line in lines[:10])


@pytest.mark.parametrize(
    "move",
    [
        "declare AGI",
        "acquire Windsurf for $3B",
        "convert to a PBC",
        "go public",
        "Microsoft consents to the conversion",
        "file an antitrust complaint against Microsoft",
        "build Stargate",
        "withhold Windsurf IP from Microsoft",
    ],
)
def test_every_bundled_move_fits_80_by_24(contract: Contract, move: str) -> None:
    report = contract.check(move)
    # where the readings of the AGI clause differ, the report holds one part per reading: each
    # reading's report fits a screen
    parts = [r.report for r in report.readings.results] if report.readings else [report]
    if report.readings and report.readings.agree:
        parts = [report]
    for part in parts:
        lines = part.to_text(width=80).splitlines()
        assert len(lines) <= 24 and max(len(line) for line in lines) <= 80


def test_verdict_then_blocking_conflicts_then_what_changed() -> None:
    code, out, _ = run("check", BUNDLED, "-m", "partner with Google Cloud")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "Verdict: CONFLICT — 1 blocking, 0 warnings, 0 consequences, 0 waived, 0 notices"
    )
    blocking = lines.index("Blocking conflicts (1)")
    assert lines[blocking + 1].startswith(
        "  ✗ azure-exclusivity (Azure exclusivity): Microsoft holds exclusive rights"
    )
    changed = lines.index("What changed")
    assert changed > blocking
    assert lines[changed + 1] == "  azure-exclusivity: in force → violated (azure-exclusivity)"
    # the why-not and the full state wait for --verbose; the state is never shown twice
    assert "Why not" not in out and "State after" not in out and "State before" not in out


def test_verbose_adds_evidence_why_not_and_the_state_once() -> None:
    code, out, _ = run(
        "check",
        BUNDLED,
        "-m",
        "declare AGI",
        "-m",
        "partner with Google Cloud",
        "-v",
        "--reading",
        "agi-clause=board",
    )
    assert code == 0
    assert "Why not (norms considered that did not apply):" in out
    assert "✓ the move is a declaration of AGI — declare AGI" in out
    assert out.count("State after (2025-07-01)") == 1 and "State before" not in out


def test_what_changed_is_a_diff_of_the_state() -> None:
    _, out, _ = run("check", BUNDLED, "-m", "declare AGI", "-m", "acquire Windsurf")
    changed = out.split("What changed\n", 1)[1]
    assert "partnership: in force → ended (agi-ends-partnership, on 2025-07-01)" in changed
    assert (
        "ended with the partnership: agi-clause, azure-exclusivity, ip-access, "
        "model-access-term, restructuring-consent" in changed
    )
    assert "Windsurf joined intellectual property owned by OpenAI" in changed
    assert "regulatory-review" not in changed  # unchanged clauses are not listed


def test_deadlines_started_and_met_are_changes() -> None:
    _, out, _ = run(
        "check", BUNDLED, "-m", "Microsoft consents to the conversion", "-m", "convert to a PBC"
    )
    assert "Microsoft consented to conversion to a public benefit corporation" in out
    assert "deadline conversion-by-end-2025 (due 2025-12-31) met" in out


def test_evidence_and_effects_are_in_names_a_reader_knows() -> None:
    code, out, _ = run("check", BUNDLED, "-m", "acquire Windsurf for $3B", "-v", "-f", "text")
    assert code == 0
    assert "✓ something joins a set — Windsurf joined intellectual property owned by OpenAI" in out
    assert "sets off: Microsoft gained access to the IP of Windsurf" in out
    assert "the change set_joined" not in out and "the move is the change" not in out
    _, out, _ = run("check", BUNDLED, "-m", "partner with Google Cloud", "-f", "json")
    evidence = json.loads(out)["conflicts"][0]["evidence"]
    assert {
        "condition": "the provider is not Microsoft Azure",
        "value": "Google Cloud",
        "held": True,
    } in evidence
    assert {
        "condition": "unless Microsoft has consented to cloud partnership",
        "value": "no",
        "held": False,
    } in evidence


_SECTION = re.compile(r"^(Blocking conflicts|Warnings|Consequences|Waived|Notices) \((\d+)\)$")
_COUNT_WORDS = {
    "blocking": "Blocking conflicts",
    "warning": "Warnings",
    "warnings": "Warnings",
    "consequence": "Consequences",
    "consequences": "Consequences",
    "waived": "Waived",
    "notice": "Notices",
    "notices": "Notices",
}


@pytest.mark.parametrize(
    "args",
    [
        ["-m", "partner with Google Cloud"],
        ["-m", "acquire Windsurf"],  # a warning that is a consequence, not a conflict
        ["-m", "acquire Windsurf", "-m", "declare AGI", "-m", "go public", "--at", "2026-02-01"],
        ["-m", "partner with GCP", "--waive", "azure-exclusivity=board approved the pilot"],
        ["-m", "build Stargate"],
        ["-m", "Microsoft consents to the conversion", "-m", "convert to a PBC"],
    ],
)
def test_every_count_equals_the_items_shown(args: list[str]) -> None:
    _, out, _ = run("check", BUNDLED, *args)
    lines = out.splitlines()
    counts = {
        _COUNT_WORDS[word]: int(n)
        for n, word in re.findall(r"(\d+) ([a-z]+)", lines[0].split(" — ", 1)[1])
    }
    shown: dict[str, int] = {}
    section = None
    for line in lines[1:]:
        match = _SECTION.match(line)
        if match:
            section = match.group(1)
            assert int(match.group(2)) == counts[section], line
            shown[section] = 0
        elif section and re.match(r"^  [✗⚠•~?] ", line):
            shown[section] += 1
        elif not line.startswith("    "):
            section = None
    assert {k: v for k, v in counts.items() if v} == shown, out


def test_a_warning_consequence_is_counted_as_a_warning() -> None:
    _, out, _ = run("check", BUNDLED, "-m", "acquire Windsurf")
    assert out.startswith("Verdict: CLEAR — 0 blocking, 1 warning, 0 consequences")
    assert "Warnings (1)\n  ⚠ ip-access-covers-acquisitions" in out


def test_a_moved_check_date_is_said_in_text_and_json() -> None:
    _, out, _ = run("check", BUNDLED, "-m", "2026-03-01: go public", "--at", "2025-07-01")
    note = "the check date moved from 2025-07-01 (--at) to 2026-03-01, the date of the last move"
    assert f"Note: {note}" in out
    _, out, _ = run("check", BUNDLED, "-m", "2026-03-01: go public", "-f", "json")
    report = json.loads(out)
    assert report["notes"] == [
        "the check date moved from 2025-07-01 (the contract's as_of) to 2026-03-01, "
        "the date of the last move",
        "the readings agree (agi-clause: board, panel)",
    ]
    _, out, _ = run("check", BUNDLED, "-m", "go public", "-f", "json")
    assert json.loads(out)["notes"] == ["the readings agree (agi-clause: board, panel)"]
    _, out, _ = run(
        "check", BUNDLED, "-m", "go public", "-f", "json", "--reading", "agi-clause=panel"
    )
    assert json.loads(out)["notes"] == [
        "checked under reading panel of agi-clause only (fixed; the other readings not checked)"
    ]


# -- output a terminal, a pipe or a narrow encoding can take ---------------------------------------
def test_piped_output_is_plain_text() -> None:
    result = subprocess_cli("check", str(BUNDLED), "-m", "partner with Google Cloud")
    assert result.returncode == 1
    assert b"\x1b[" not in result.stdout
    assert "✗ azure-exclusivity".encode() in result.stdout


def test_cp1252_output_is_ascii_and_exit_codes_hold() -> None:
    clear = subprocess_cli(
        "check",
        str(BUNDLED),
        "-m",
        "declare AGI",
        "--reading",
        "agi-clause=board",
        PYTHONIOENCODING="cp1252",
    )
    assert clear.returncode == 0, clear.stderr
    assert clear.stdout.decode("cp1252").startswith("Verdict: CLEAR - 0 blocking, 1 warning")
    conflict = subprocess_cli(
        "check", str(BUNDLED), "-m", "partner with Google Cloud", "-v", PYTHONIOENCODING="cp1252"
    )
    assert conflict.returncode == 1, conflict.stderr
    text = conflict.stdout.decode("cp1252")
    assert "  x azure-exclusivity (Azure exclusivity):" in text
    assert "+ the move is a cloud partnership - partner with Google Cloud" in text
    assert b"Traceback" not in conflict.stderr


# -- exit codes and errors -----------------------------------------------------------------------
def test_an_internal_error_exits_3_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(Contract, "check", broken)
    monkeypatch.delenv("CONTRACT_ENGINE_DEBUG", raising=False)
    code, out, err = run("check", BUNDLED, "-m", "declare AGI")
    assert code == 3 and out == ""
    assert err.splitlines() == [
        "internal error: RuntimeError: the engine broke "
        "(set CONTRACT_ENGINE_DEBUG=1 for the traceback; please report it)"
    ]
    code, _, err = run("check", BUNDLED, "-m", "declare AGI", "--format", "json")
    assert code == 3
    assert json.loads(err)["error"] == "internal error (RuntimeError): the engine broke"
    monkeypatch.setenv("CONTRACT_ENGINE_DEBUG", "1")
    result = runner.invoke(app, ["check", str(BUNDLED), "-m", "declare AGI"])
    assert isinstance(result.exception, RuntimeError)


def test_json_errors_on_stderr_for_a_bad_move() -> None:
    code, out, err = run("check", BUNDLED, "-m", "fly to the moon", "--format", "json")
    assert code == 2 and out == ""
    error = json.loads(err)
    assert set(error) == {"error", "file", "line", "field"}
    assert error["field"] == "--move"
    assert error["error"].startswith("no phrase of contract openai-microsoft matches")


def test_json_errors_name_file_line_and_field(write_contract: Any) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("kind: prohibition", "kind: prohibited"))
    code, _, err = run("check", path, "-m", "deal with Gamma", "-f", "json")
    assert code == 2
    error = json.loads(err)
    assert error["file"].endswith("rules.yaml") and error["line"] == 11
    assert error["field"] == "norms.0.kind"
    assert error["error"].startswith("Input should be 'prohibition'")


def test_json_report_has_a_schema_version_and_its_schema() -> None:
    _, out, _ = run("check", BUNDLED, "-m", "declare AGI", "-f", "json")
    report = json.loads(out)
    assert report["schema_version"] == "1.1"
    code, out, _ = run("schema", "report")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "Report"
    assert set(schema["required"]) <= set(report)
    assert set(report) <= set(schema["properties"])
    code, _, err = run("schema", "reprot")
    assert code == 2 and "did you mean 'report'" in err


# -- the command line, as users of linters expect ----------------------------------------------------
def test_version_and_short_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and re.fullmatch(r"contract-engine \d+\.\d+\.\d+\S*\n", out)
    code, out, _ = run("-h")
    assert code == 0 and "Usage: " in out and "norms" in out
    code, out, _ = run("check", "-h")
    assert code == 0 and "--moves" in out


@pytest.mark.parametrize("command", [[], ["check"], ["validate"], ["norms"], ["explain"]])
def test_help_shows_no_internal_labels(command: list[str]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0
    for label in ("<list[", "<bool>", "<str>", "<text|json>"):
        assert label not in out, out


def test_shell_completion_script_and_completions() -> None:
    result = subprocess_cli("--show-completion", "bash")
    assert result.returncode == 0, result.stderr
    assert b"complete -o default -F" in result.stdout
    script = Path(sys.executable).parent / "contract-engine"
    if not script.exists():
        pytest.skip("the console script is not installed next to this Python")
    completed = subprocess.run(
        [str(script)],
        capture_output=True,
        check=False,
        env={
            **os.environ,
            "_CONTRACT_ENGINE_COMPLETE": "complete_bash",
            "COMP_WORDS": "contract-engine check contracts/openai-microsoft.yaml --fo",
            "COMP_CWORD": "3",
        },
    )
    assert completed.stdout.split() == [b"--format"]


def test_norms_lists_ids_with_their_clause() -> None:
    code, out, _ = run("norms", BUNDLED)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NORM", "CLAUSE", "KIND", "SEVERITY"]
    assert ["ip-withholding", "ip-access", "prohibition", "blocking"] in [
        line.split() for line in lines
    ]
    code, out, _ = run("norms", BUNDLED, "--format", "json")
    rows = json.loads(out)
    assert len(rows) == len(Contract.load(BUNDLED).norms)
    assert rows[0]["id"] == "azure-exclusivity" and rows[0]["clause_title"] == "Azure exclusivity"


def test_explain_a_clause_explains_its_norms() -> None:
    code, out, _ = run("explain", BUNDLED, "ip-access")
    assert code == 0
    assert out.startswith("clause ip-access: Microsoft's access to OpenAI's intellectual property")
    assert "ip-access-covers-acquisitions: an entitlement of clause ip-access" in out
    assert "ip-withholding: a prohibition of clause ip-access" in out


def test_explain_unknown_id_suggests_norms_and_clauses() -> None:
    code, _, err = run("explain", BUNDLED, "ip-acess")
    assert code == 2 and "no norm or clause 'ip-acess' (did you mean 'ip-access'?)" in err
    code, _, err = run("explain", BUNDLED, "conversion-by-end")
    assert code == 2 and "did you mean 'conversion-by-end-2025'" in err


def test_misspelt_waiver_gets_did_you_mean() -> None:
    code, _, err = run("check", BUNDLED, "-m", "partner with GCP", "--waive", "azure-exclusivty=ok")
    assert code == 2
    assert "no norm 'azure-exclusivty' (did you mean 'azure-exclusivity'?)" in err


def test_moves_from_a_file_with_comments_and_json_lines(tmp_path: Path) -> None:
    moves = tmp_path / "moves.txt"
    moves.write_text(
        "# what the board proposes\n\ndeclare AGI\n"
        '{"kind": "cloud_partnership", "provider": "aws"}\n',
        encoding="utf-8",
    )
    code, out, _ = run("check", BUNDLED, "--moves", moves, "--reading", "agi-clause=board")
    assert code == 0
    assert "1. declare AGI" in out and "2. cloud_partnership(provider=aws)" in out


def test_moves_from_stdin() -> None:
    code, out, _ = run("check", BUNDLED, "-m", "-", input="partner with Google Cloud\n")
    assert code == 1 and "azure-exclusivity" in out
    code, out, _ = run(
        "check",
        BUNDLED,
        "--moves",
        "-",
        "--reading",
        "agi-clause=board",
        input="declare AGI\npartner with AWS\n",
    )
    assert code == 0


def test_a_bad_move_in_a_file_names_its_line(tmp_path: Path) -> None:
    moves = tmp_path / "moves.txt"
    moves.write_text("declare AGI\n# a comment\nfly to the moon\n", encoding="utf-8")
    code, _, err = run("check", BUNDLED, "--moves", moves)
    assert code == 2
    assert err.startswith(f"{moves}:3: move: no phrase of contract openai-microsoft matches")
    code, _, err = run("check", BUNDLED, "--moves", moves, "-f", "json")
    assert json.loads(err)["line"] == 3


def test_no_move_is_bad_input() -> None:
    code, _, err = run("check", BUNDLED)
    assert code == 2 and "no move given" in err


def test_validate_reports_schema_and_reference_problems_in_one_run(write_contract: Any) -> None:
    rules = MINIMAL_RULES + (
        "  - {id: n2, clause: c9, kind: prohibition, bearer: alpha, when: {move: deal}, message: x}\n"
        "  - {id: n3, clause: c1, kind: prohibited, bearer: alpha, when: {move: deal}, message: x}\n"
    )
    path = write_contract(rules=rules)
    code, _, err = run("validate", path)
    assert code == 2
    assert "norms[n2].clause: unknown clause 'c9'" in err  # a bad reference
    assert "norms.2.kind: Input should be 'prohibition'" in err  # and a schema error
    assert err.splitlines()[-1] == "2 problem(s) in 1 file(s)"


def test_validate_reports_rule_files_even_when_the_contract_is_invalid(write_contract: Any) -> None:
    path = write_contract(
        contract=MINIMAL_CONTRACT.replace("as_of: 2025-01-01", "as_of: 2025-13-01"),
        rules=MINIMAL_RULES.replace("kind: prohibition", "kind: prohibited"),
    )
    code, _, err = run("validate", path, "--format", "json")
    assert code == 2
    problems = [json.loads(line) for line in err.splitlines()]
    assert [p["field"] for p in problems] == ["contract.as_of", "norms.0.kind"]


def test_an_invalid_clause_does_not_echo_as_unknown_references(write_contract: Any) -> None:
    contract = MINIMAL_CONTRACT + "  - {id: c2, title: Clause two, source: test}\n"
    rules = MINIMAL_RULES.replace("clause: c1", "clause: c2")
    code, _, err = run("validate", write_contract(contract=contract, rules=rules))
    assert code == 2
    assert "clauses.1.text: missing required field 'text'" in err
    assert "unknown clause 'c2'" not in err


def test_the_readme_main_job() -> None:
    code, out, _ = run(
        "check", "contracts/openai-microsoft.yaml", "--move", "partner with Google Cloud"
    )
    assert code == 1 and "azure-exclusivity" in out


def test_usage_errors_are_json_with_format_json() -> None:
    code, out, err = run("check", "--format", "json")
    assert code == 2 and out == ""
    assert json.loads(err) == {
        "error": "Missing argument 'CONTRACT'.",
        "file": None,
        "line": None,
        "field": "contract",
    }
    code, _, err = run("check", BUNDLED, "--waive")
    assert code == 2 and "requires an argument" in err and not err.startswith("{")


def test_verbose_shows_how_each_move_was_read() -> None:
    _, out, _ = run("check", BUNDLED, "-m", "OpenAI partnered with Oracle", "-v")
    assert 'read as: partner with {provider} <- "OpenAI partnered with Oracle"' in out
    _, out, _ = run("check", BUNDLED, "-m", "OpenAI partnered with Oracle")
    assert "read as:" not in out


def test_a_keyed_consent_is_a_change_in_names() -> None:
    supply = ROOT / "tests" / "contracts" / "supply" / "contract.yaml"
    _, out, _ = run("check", supply, "-m", "consent to an assignment to Fabrikam")
    changed = out.split("What changed\n", 1)[1]
    assert changed.startswith(
        "  Northwind Traders consented to assignment of the agreement on Fabrikam (once)\n"
    )


def test_the_state_change_says_an_end_date_was_set(write_contract: Any) -> None:
    rules = (
        MINIMAL_RULES.replace(
            "      with: {type: entity}\n",
            "      with: {type: entity}\n      until: {type: date, required: false}\n",
        )
        .replace('"deal with {with}"]', '"deal with {with} until {until}", "deal with {with}"]')
        .replace(
            "    message: no deal with {with}\n",
            "    message: no deal with {with}\n"
            "  - id: n2\n    clause: c1\n    kind: entitlement\n    bearer: alpha\n"
            "    beneficiary: beta\n    when: {move: deal}\n    grants: a longer term\n"
            '    then:\n      - extend_clause: {clause: c2, until: "{until}"}\n'
            "    message: extended\n",
        )
    )
    contract = (
        MINIMAL_CONTRACT + "  - {id: c2, title: Clause two, text: More text., source: test}\n"
    )
    path = write_contract(contract=contract, rules=rules)
    _code, out, err = run("check", path, "-m", "deal with Gamma until 2028-12-31", "-v")
    assert "c2: end date set to 2028-12-31" in out, out + err
    assert "no end" not in out


def test_refusals_use_the_right_article() -> None:
    code, _out, err = run("parse", BUNDLED, "Microsoft acquires Windsurf")
    assert code == 2 and "may not make an acquisition move" in err


def test_why_not_says_a_change_listener_once_per_move(tmp_path: Path) -> None:
    """A norm listening for clause_ended hears one change per clause the end of the
    partnership ends: said once ('not triggered by any of N changes'), not at all if it fired."""
    duties = ROOT / "tests" / "contracts" / "duties"
    code, out, _ = run("check", duties / "contract.yaml", "-m", "end the agreement", "-v")
    assert code == 0
    assert "hand-over-when-support-ends (clause wind-down" in out
    assert "hand-over-when-support-ends (wind-down), move 1: not triggered" not in out
    copy = tmp_path / "duties"
    (copy / "rules").mkdir(parents=True)
    (copy / "contract.yaml").write_text((duties / "contract.yaml").read_text(), encoding="utf-8")
    for rules in (duties / "rules").iterdir():
        text = rules.read_text(encoding="utf-8")
        text = text.replace("clause_ended, clause: support}", "clause_ended, clause: wind-down}")
        (copy / "rules" / rules.name).write_text(text, encoding="utf-8")
    code, out, _ = run("check", copy / "contract.yaml", "-m", "end the agreement", "-v")
    lines = [line for line in out.splitlines() if "hand-over-when-support-ends (wind-down)" in line]
    assert len(lines) == 1
    assert re.search(
        r"not triggered by any of \d+ changes, e\.g\. needs clause is wind-down", lines[0]
    )
