"""The step library as a user's project sees it: a plugin, features, coverage, Cucumber JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BUNDLED, ROOT

pytest_plugins = ["pytester"]

WRONG = f"""\
Feature: A scenario written wrong on purpose
  Scenario: Azure is not blocked, but this scenario says it is
    Given the contract "{BUNDLED}"
    When OpenAI proposes to "partner with Azure"
    Then the move is blocked by "azure-exclusivity"
"""


def project(
    pytester: pytest.Pytester, features: Path | None = None, text: str | None = None
) -> None:
    pytester.makeconftest('pytest_plugins = ["engine.bdd"]\n')
    if text is not None:
        (pytester.path / "user.feature").write_text(text)
        features = pytester.path
    pytester.makepyfile(
        test_user=f"from pytest_bdd import scenarios\n\nscenarios({str(features)!r})\n"
    )


def test_a_wrong_scenario_fails_and_shows_the_report(pytester: pytest.Pytester) -> None:
    project(pytester, text=WRONG)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '*Expected the move to be blocked by "azure-exclusivity", but it is not.*',
            "*The engine's report:*",
            "*Verdict: CLEAR*",
            "*azure-exclusivity (azure-exclusivity), move 1: not triggered: needs provider is not azure (provider is azure)*",
        ]
    )


def test_coverage_lists_no_untested_norm_for_the_bundled_contracts(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, features=ROOT / "features")
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestUnknownMarkWarning",
        "--contract-coverage",
        f"--rootdir={ROOT}",
    )
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*openai-microsoft: 12/12 norms shown both firing and not firing*",
            "*openai-microsoft: no untested norm*",
            "*reseller-partnership: 33/33 norms shown both firing and not firing*",
            "*reseller-partnership: no untested norm*",
        ]
    )


def test_coverage_names_untested_norms(pytester: pytest.Pytester) -> None:
    project(pytester, text=WRONG.replace("partner with Azure", "partner with AWS"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--contract-coverage")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*azure-exclusivity: fires; NEVER SHOWN NOT FIRING*",
            "*openai-microsoft: untested norms: azure-exclusivity, ip-access-covers-acquisitions*",
        ]
    )


def test_cucumber_json_output(pytester: pytest.Pytester) -> None:
    project(pytester, text=WRONG.replace("partner with Azure", "partner with AWS"))
    out = pytester.path / "cucumber.json"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--cucumberjson={out}")
    result.assert_outcomes(passed=1)
    report = json.loads(out.read_text())
    steps = report[0]["elements"][0]["steps"]
    assert [s["result"]["status"] for s in steps] == ["passed"] * 3


def test_reading_steps_in_a_users_project(pytester: pytest.Pytester) -> None:
    project(
        pytester,
        text=f"""\
Feature: Readings of the AGI clause, from a user's project
  Scenario: The readings differ on a cloud deal after AGI
    Given the contract "{BUNDLED}"
    When OpenAI proposes the timeline:
      | date       | move                      |
      | 2025-08-01 | declare AGI               |
      | 2025-09-01 | partner with Google Cloud |
    Then under reading "board" of "agi-clause" the verdict is "clear"
    And under reading "panel" of "agi-clause" the verdict is "conflict"

  Scenario: A misspelt reading
    Given the contract "{BUNDLED}"
    And the reading "panle" of "agi-clause"
    When OpenAI proposes to "declare AGI"
    Then the move is clear
""",
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*No such reading*has no reading 'panle' (did you mean 'panel'?)*"]
    )
