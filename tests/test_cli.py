"""The command line, as a user runs it: exit codes, text and JSON output, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BUNDLED, LICENCE, MINIMAL_CONTRACT, MINIMAL_RULES, ROOT

Cli = Callable[..., tuple[int, str, str]]


def test_google_cloud_deal_is_a_conflict(cli: Cli) -> None:
    code, out, _ = cli("check", BUNDLED, "--move", "partner with Google Cloud")
    assert code == 1
    assert "Verdict: CONFLICT" in out
    assert "azure-exclusivity" in out
    assert "Hypothetical model" in out


def test_after_agi_the_deal_is_clear_and_says_why(cli: Cli) -> None:
    code, out, _ = cli(
        "check",
        BUNDLED,
        "--move",
        "declare AGI",
        "--move",
        "partner with Google Cloud",
        "-v",
        "--reading",
        "agi-clause=board",
    )
    assert code == 0
    assert "Verdict: CLEAR" in out
    assert (
        "azure-exclusivity (azure-exclusivity), move 2: not applicable: clause azure-exclusivity "
        "is no longer in force: the partnership has ended" in out
    )


def test_json_report_shape(cli: Cli) -> None:
    code, out, _ = cli("check", BUNDLED, "-m", "partner with AWS", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["contract"] == "openai-microsoft"
    assert report["verdict"] == "conflict"
    conflict = report["conflicts"][0]
    for key in ("rule", "clause", "severity", "message", "move", "evidence", "source"):
        assert key in conflict
    assert conflict["rule"] == "azure-exclusivity" and conflict["move"] == 0
    assert report["consequences"] == [] and report["notices"] == []
    assert set(report["state"]) == {"before", "after"}
    assert report["state"]["after"]["clauses"]["azure-exclusivity"]["status"] == "violated"


def test_json_output_is_byte_for_byte_deterministic(cli: Cli) -> None:
    args = (
        "check",
        BUNDLED,
        "-m",
        "acquire Windsurf",
        "-m",
        "declare AGI",
        "-m",
        "go public",
        "-f",
        "json",
        "--at",
        "2026-02-01",
    )
    first, second = cli(*args), cli(*args)
    assert first == second


def test_bad_input_exits_2_without_traceback(cli: Cli) -> None:
    code, out, err = cli("check", BUNDLED, "--move", "fly to the moon")
    assert code == 2
    assert out == ""
    assert err.startswith("error: no phrase of contract openai-microsoft matches 'fly to the moon'")
    assert "Traceback" not in err


def test_bad_date_exits_2(cli: Cli) -> None:
    code, _, err = cli("check", BUNDLED, "-m", "declare AGI", "--at", "July")
    assert code == 2 and "'July' is not a date" in err


def test_waiver_is_shown_and_counted(cli: Cli) -> None:
    code, out, _ = cli(
        "check",
        BUNDLED,
        "-m",
        "partner with GCP",
        "--waive",
        "azure-exclusivity=board approved the pilot",
    )
    assert code == 0
    assert "1 waived" in out
    assert "WAIVED: board approved the pilot" in out


def test_waiver_of_unknown_norm_is_bad_input(cli: Cli) -> None:
    code, _, err = cli("check", BUNDLED, "-m", "partner with GCP", "--waive", "azure=because")
    assert code == 2 and "has no norm 'azure'" in err


def test_validate_ok(cli: Cli) -> None:
    code, out, _ = cli("validate", BUNDLED, ROOT / "rules" / "openai-microsoft", LICENCE)
    assert code == 0
    # the contract, its four amendments (they read it), the licence; the rule files are read
    # as part of the contract
    assert out.strip() == "ok: 6 file(s) valid"


def test_validate_reports_file_line(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text(MINIMAL_RULES.replace("kind: prohibition", "kind: prohibited"))
    code, _, err = cli("validate", bad)
    assert code == 2
    assert err.startswith(f"{bad}:11: norms.0.kind: Input should be")


def test_missing_contract_file(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("check", tmp_path / "none.yaml", "-m", "declare AGI")
    assert code == 2 and "cannot read file" in err


def test_explain(cli: Cli) -> None:
    code, out, _ = cli("explain", BUNDLED, "azure-exclusivity")
    assert code == 0
    assert "azure-exclusivity: a prohibition of clause azure-exclusivity (Azure exclusivity)" in out
    assert "fires on: a cloud_partnership move where provider is not azure" in out
    assert "unless: microsoft has consented to cloud_partnership" in out


def test_explain_unknown_rule_suggests(cli: Cli) -> None:
    code, _, err = cli("explain", BUNDLED, "azure-exclusivty")
    assert code == 2 and "did you mean 'azure-exclusivity'" in err


def test_phrases(cli: Cli) -> None:
    code, out, _ = cli("phrases", BUNDLED)
    assert code == 0 and "  partner with {provider}" in out


def test_schema_is_json_schema(cli: Cli) -> None:
    code, out, _ = cli("schema", "rules")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "RuleFile"
    assert "Norm" in schema["$defs"]


def test_python_dash_m_engine() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "engine", "check", str(BUNDLED), "-m", "go public"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "ipo-needs-conversion" in result.stdout


def test_schema_types_state_conditions_and_consequences(cli: Cli) -> None:
    code, out, _ = cli("schema", "rules")
    assert code == 0
    defs = json.loads(out)["$defs"]
    conditions = defs["Norm"]["properties"]["unless"]["items"]["anyOf"]
    assert {"const": "partnership_ended", "type": "string"} in conditions
    assert {"$ref": "#/$defs/ConsentCondition"} in conditions
    assert defs["ConsentArgs"]["required"] == ["from", "for"]
    consequences = defs["EventKind"]["properties"]["effects"]["items"]["anyOf"]
    assert {"$ref": "#/$defs/AddToSetConsequence"} in consequences
    assert defs["AddToSetConsequence"]["additionalProperties"] is False


def test_schema_types_norm_patterns_and_kept_conditions(cli: Cli) -> None:
    code, out, _ = cli("schema", "rules")
    assert code == 0
    norm = json.loads(out)["$defs"]["Norm"]["properties"]
    pattern = norm["must"]["anyOf"][0]
    assert pattern["properties"] == {"move": {"type": "string"}, "change": {"type": "string"}}
    assert "gte" in pattern["additionalProperties"]["anyOf"][1]["properties"]
    assert norm["keep"]["type"] == "array" and "anyOf" in norm["keep"]["items"]
    assert {"takes_effect", "withdrawn_by", "instances", "restart", "overrides"} <= set(norm)


def test_a_problem_names_its_file_as_the_user_would(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate names a file below the current folder relatively (as the user typed it), and
    one elsewhere whole, in text and in JUnit alike: never with a climb of '../..'."""
    folder = tmp_path / "deal"
    folder.mkdir()
    (folder / "contract.yaml").write_text(MINIMAL_CONTRACT)
    (folder / "rules.yaml").write_text(MINIMAL_RULES.replace("clause: c1", "clause: c9"))
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("validate", folder / "contract.yaml", "--alone")
    assert code == 2 and (out + err).startswith("deal/rules.yaml:"), out + err
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = cli("validate", folder / "contract.yaml", "--alone", "--format", "junit")
    assert code == 2 and f'classname="{folder / "contract.yaml"}"' in out and "../" not in out


def test_a_norm_of_each_party_is_waived_by_its_base_id(cli: Cli) -> None:
    """--waive takes a `bearer: either` norm's base id, as the API, HTTP and MCP do."""
    code, out, _ = cli(
        "check",
        ROOT / "contracts" / "reseller-partnership.yaml",
        "-m",
        "2026-03-01: Contoso uses the other party's trademarks in a campaign",
        "--waive",
        "trademark-approval=agreed by email",
    )
    assert code == 0 and "1 waived" in out
