"""Lint's conflict checks: each of the five fault classes found on tests/contracts/lint-faults
(one clause per fault, beside near misses that must not be reported), through the Python API and
the CLI, and none of them on any bundled contract, amendment or test contract."""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from generate import contract_files, timeline, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Contract, ContractFileError, LintResult, lint
from tests.conftest import MINIMAL_CONTRACT, ROOT

Cli = Callable[..., tuple[int, str, str]]

FAULTS = ROOT / "tests" / "contracts" / "lint-faults" / "contract.yaml"
RULES = FAULTS.parent / "rules.yaml"
NEW = (
    "impossible-compliance",
    "entitled-and-forbidden",
    "always-overridden",
    "never-produced",
    "deadline-before-start",
)


def _line(norm: str) -> int:
    """The line of a norm's `- id:` in the fault contract's rule file."""
    lines = RULES.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if text.strip() == f"- id: {norm}")


EXPECTED = {
    ("impossible-compliance", "annual-report"),
    ("entitled-and-forbidden", "audit-right"),
    ("always-overridden", "no-deep-discounts"),
    ("never-produced", "review-misspelt"),
    ("deadline-before-start", "file-after-pilot"),
    ("deadline-before-start", "file-in-autumn"),
}


@pytest.fixture(scope="module")
def faults() -> LintResult:
    return lint(Contract.load(FAULTS))


def test_each_fault_is_found_on_its_norm_and_no_near_miss_is(faults: LintResult) -> None:
    found = {(p.check, p.message.split(":", 1)[0], p.line) for p in faults.problems}
    assert found == {(check, norm, _line(norm)) for check, norm in EXPECTED}
    assert all(p.file.endswith("lint-faults/rules.yaml") for p in faults.problems)
    assert faults.exit_code == 1


def test_each_finding_says_how_exact_it_is_where_the_other_norm_is_and_how_to_fix_it(
    faults: LintResult,
) -> None:
    for problem in faults.problems:
        assert re.search(r"\. (exact|approximation)\b", problem.message), problem.message
        assert "Fix: " in problem.message
    said = {p.check: p.message for p in faults.problems}
    rules = "tests/contracts/lint-faults/rules.yaml"
    assert (
        f"no-annual-reports ({rules}:{_line('no-annual-reports')})" in said["impossible-compliance"]
    )
    assert f"no-hq-audits ({rules}:{_line('no-hq-audits')})" in said["entitled-and-forbidden"]
    assert f"promotion ({rules}:{_line('promotion')})" in said["always-overridden"]
    assert "flag_set is emitted only with flag: under_review" in said["never-produced"]
    assert "exact (z3)" in said["entitled-and-forbidden"]


def test_the_checks_say_which_are_exact(faults: LintResult) -> None:
    assert set(NEW) <= set(faults.checks)
    assert faults.checks["impossible-compliance"].startswith("exact (z3)")
    assert "approximation" in faults.checks["entitled-and-forbidden"]
    assert faults.checks["never-produced"].startswith("exact")


def test_cli_reports_each_fault_with_file_line_and_exit_1(cli: Cli) -> None:
    code, out, _ = cli("lint", FAULTS)
    assert code == 1
    for check, norm in EXPECTED:
        severity = (
            "warning" if check in ("entitled-and-forbidden", "always-overridden") else "error"
        )
        assert f"rules.yaml:{_line(norm)}: {severity}: [{check}] {norm}: " in out
    assert out.rstrip().endswith("lint-faults: 4 error(s), 2 warning(s), 0 note(s) from 12 checks")
    code, out, _ = cli("lint", FAULTS, "--format", "json")
    assert code == 1
    shown = {(p["check"], p["line"]) for p in json.loads(out)["problems"]}
    assert shown == {(check, _line(norm)) for check, norm in EXPECTED}


def test_check_bears_each_finding_out_on_the_fault_contract() -> None:
    """What lint says of each fault is what `check` does with it."""
    contract = Contract.load(FAULTS)

    def check(*moves: dict[str, Any], at: str) -> Any:
        return contract.check(*({"date": "2025-03-01", **m} for m in moves), at=at)

    def status(report: Any, rule: str) -> set[str]:
        return {o.status for o in report.outcomes if o.rule == rule}

    # impossible-compliance: filing the annual report is forbidden, not filing it is missed
    filed = check({"kind": "report", "format": "Annual"}, at="2025-07-02")
    assert "no-annual-reports" in {f.rule for f in filed.conflicts}
    assert "annual-report" in {f.rule for f in check(at="2025-07-02").conflicts}
    # entitled-and-forbidden: one audit of the head office is both a right and a conflict
    audit = check({"kind": "audit", "site": "HQ"}, at="2025-03-02")
    assert {f.rule for f in audit.conflicts} == {"no-hq-audits"}
    assert "audit-right" in {c.rule for c in audit.consequences}
    # always-overridden: even a 40% discount is set aside by the promotion
    deep = check({"kind": "discount", "customer": "outlet", "percent": 40}, at="2025-03-02")
    assert status(deep, "no-deep-discounts") == {"overridden"} and deep.verdict == "clear"
    # never-produced: a complaint sets under_review, which only the spelt-right norm hears
    complaint = check({"kind": "complaint", "account": "X"}, at="2025-03-02")
    assert status(complaint, "review-misspelt") <= {"not_triggered"}
    assert status(complaint, "review-flagged") == {"applied"}
    # deadline-before-start: filed the day after the pilot, yet missed; the other never enforced
    late = check({"kind": "filing", "date": "2025-10-02"}, at="2025-12-31")
    assert "file-after-pilot" in {f.rule for f in late.conflicts}
    assert "file-in-autumn" not in {f.rule for f in check(at="2025-12-31").conflicts}


# -- no false positive ------------------------------------------------------------------------
CLEAN = sorted(
    [
        *(ROOT / "contracts").glob("*.yaml"),
        *(ROOT / "contracts" / "amendments").glob("*.yaml"),
        *(p for p in (ROOT / "tests" / "contracts").glob("*/contract.yaml") if p != FAULTS),
    ]
)
# same-day-measure is a generated regression contract of the differential tests: its one-day
# windows and override chain really do contain these faults (nothing adds to a set, yet three
# norms listen for set_joined; n0 overrides n1 and n1 overrides n2 with the same conditions, so
# n1 and n2 are always set aside; a k1 move is both owed and forbidden on 2025-01-01), so they
# are pinned here, not hidden. It was generated with n2 overriding n0 too, a cycle that is a
# load error now (issue 21): n0 is no longer overridden.
GENERATED = {
    "same-day-measure": {
        ("never-produced", "n0"),
        ("never-produced", "n1"),
        ("never-produced", "n2"),
        ("always-overridden", "n1"),
        ("always-overridden", "n2"),
        ("impossible-compliance", "n4@p1"),
        ("impossible-compliance", "n4@p2"),
    }
}


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_conflict_finding_on_the_bundled_amendment_and_test_contracts(path: Path) -> None:
    result = lint(Contract.load(path))
    found = {(p.check, p.message.split(":", 1)[0]) for p in result.problems if p.check in NEW}
    assert found == GENERATED.get(path.parent.name, set())


# -- each check's edges, on small contracts ---------------------------------------------------
RULES_HEAD = """\
event_kinds:
  - id: deal
    title: deal
    fields:
      with: {type: entity}
      amount: {type: number, required: false}
    phrases: ["deal with {with}"]
  - id: ping
    title: ping
    actor: alpha
    phrases: ["ping"]
norms:
"""


def _found(write_contract: Callable[..., Path], norms: str, contract: str = "") -> set[str]:
    path = write_contract(MINIMAL_CONTRACT + contract, RULES_HEAD + norms)
    return {
        f"{p.check} {p.message.split(':', 1)[0]}"
        for p in lint(Contract.load(path)).problems
        if p.check in NEW
    }


DUTY_WITHIN = """\
  - {id: pay, clause: c1, kind: obligation, bearer: alpha, when: {move: ping},
     must: {move: deal}, within_days: 10, message: late}
"""


def test_a_duty_counted_in_days_is_impossible_only_when_a_ban_covers_its_whole_span(
    write_contract: Callable[..., Path],
) -> None:
    ban = "  - {{id: freeze, clause: c1, kind: prohibition, bearer: alpha, when: {{move: deal}}{}, message: forbidden}}\n"
    assert _found(write_contract, DUTY_WITHIN + ban.format("")) == {"impossible-compliance pay"}
    # eleven days of freeze hold a whole ten-day span; ten days do not
    eleven = ", from: 2025-03-01, until: 2025-03-11"
    assert _found(write_contract, DUTY_WITHIN + ban.format(eleven)) == {"impossible-compliance pay"}
    ten = ", from: 2025-03-01, until: 2025-03-10"
    assert _found(write_contract, DUTY_WITHIN + ban.format(ten)) == set()
    # a ban on another party's deals does not bind the duty's bearer
    other = ban.format("").replace("bearer: alpha", "bearer: beta")
    assert _found(write_contract, DUTY_WITHIN + other) == set()


def test_a_right_and_a_ban_in_windows_that_do_not_meet_are_not_reported(
    write_contract: Callable[..., Path],
) -> None:
    norms = """\
  - {id: right, clause: c1, kind: entitlement, bearer: alpha, beneficiary: beta,
     when: {move: deal}, grants: a deal, message: ok{}}
  - {id: ban, clause: c1, kind: prohibition, bearer: alpha, when: {move: deal},
     from: 2025-06-01, message: forbidden}
"""
    assert _found(write_contract, norms.replace("{}", "")) == {"entitled-and-forbidden right"}
    apart = norms.replace("{}", ", until: 2025-05-31")
    assert _found(write_contract, apart) == set()
    # the ban's exception is the right's condition: they never apply together
    separated = norms.replace("{}", ", if: [{flag: open}]").replace(
        "from: 2025-06-01,", "unless: [{flag: open}],"
    )
    flags = "state: {flags: [open]}\n"
    assert _found(write_contract, separated, flags) == set()


def test_an_override_that_ends_before_the_norm_it_overrides_does_not_silence_it(
    write_contract: Callable[..., Path],
) -> None:
    norms = """\
  - {id: cap, clause: c1, kind: prohibition, bearer: alpha, when: {move: deal, amount: {gt: 10}},
     message: too much}
  - {id: waiver, clause: c1, kind: trigger, bearer: alpha, when: {move: deal}, overrides: [cap],
     message: waived{}}
"""
    assert _found(write_contract, norms.replace("{}", "")) == {"always-overridden cap"}
    assert _found(write_contract, norms.replace("{}", ", until: 2025-12-31")) == set()
    narrower = norms.replace(
        "when: {move: deal}, overrides", "when: {move: deal, amount: {lte: 100}}, overrides"
    )
    assert _found(write_contract, narrower.replace("{}", "")) == set()


@pytest.mark.parametrize(
    ("when", "contract", "reported"),
    [
        ("{change: consent_recorded}", "", True),  # nothing records a consent
        ("{change: flag_set, flag: other}", "", True),  # only `done` is ever set
        ("{change: term_renewed}", "  term: {start: 2025-01-01, initial: {years: 1}}\n", False),
        ("{change: period_ended, period: calendar_quarter}", "", False),
        ("{change: clause_ended, clause: c1}", "", True),  # nothing ends c1
        ("{change: flag_set, flag: done}", "", False),  # the `then` below sets it
        ("{change: value_changed}", "", True),
    ],
)
def test_a_change_is_produced_only_by_what_the_contract_emits(
    write_contract: Callable[..., Path], when: str, contract: str, reported: bool
) -> None:
    norms = f"""\
  - {{id: listen, clause: c1, kind: trigger, bearer: alpha, when: {when}, message: heard}}
  - {{id: mark, clause: c1, kind: trigger, bearer: alpha, when: {{move: ping}},
     then: [{{set_flag: done}}], message: marked}}
"""
    head = MINIMAL_CONTRACT.replace("  rules: [rules.yaml]\n", "  rules: [rules.yaml]\n" + contract)
    path = write_contract(head, RULES_HEAD + norms)
    found = {p.check for p in lint(Contract.load(path)).problems if p.message.startswith("listen:")}
    assert ("never-produced" in found) is reported


def test_a_duty_whose_window_opens_after_its_deadline_passed_is_never_enforced(
    write_contract: Callable[..., Path],
) -> None:
    """Its window is tested on the day the deadline passes (`by` + 1): lint's claim, and check's."""
    duty = "  - {{id: file, clause: c1, kind: obligation, bearer: alpha, must: {{move: ping}}, from: 2025-03-01, by: {}, message: late}}\n"
    for by, reported in (("2025-02-27", True), ("2025-02-28", False)):
        path = write_contract(MINIMAL_CONTRACT, RULES_HEAD + duty.format(by))
        found = {p.check for p in lint(Contract.load(path)).problems}
        assert ("deadline-before-start" in found) is reported
        verdict = Contract.load(path).check(at="2025-04-01").verdict
        assert verdict == ("clear" if reported else "conflict")


def test_a_duty_started_after_its_deadline_is_reported_and_one_started_on_it_is_not(
    write_contract: Callable[..., Path],
) -> None:
    duty = "  - {{id: file, clause: c1, kind: obligation, bearer: alpha, when: {{move: deal}}, must: {{move: ping}}, from: 2025-03-01, by: {}, message: late}}\n"
    assert _found(write_contract, duty.format("2025-02-28")) == {"deadline-before-start file"}
    assert _found(write_contract, duty.format("2025-03-01")) == set()


def test_an_amendment_that_turns_a_ban_into_a_right_is_not_a_conflict(
    write_contract: Callable[..., Path],
) -> None:
    """The old terms (the `-before-` copy) end the day before the new ones start."""
    norms = """\
  - {id: deals, clause: c1, kind: prohibition, bearer: alpha, when: {move: deal}, message: forbidden}
  - {id: report, clause: c1, kind: obligation, bearer: alpha, must: {move: ping},
     by: 2025-12-31, message: late}
"""
    path = write_contract(MINIMAL_CONTRACT, RULES_HEAD + norms)
    amendment = path.parent / "amendment.yaml"
    amendment.write_text(
        """\
amends: contract.yaml
title: Deals allowed, the report later
effective: 2025-10-01
norms:
  replace:
    - {id: deals, clause: c1, kind: entitlement, bearer: alpha, beneficiary: beta,
       when: {move: deal}, grants: the deal, message: allowed}
    - {id: report, clause: c1, kind: obligation, bearer: alpha, must: {move: ping},
       by: 2026-03-31, message: late}
""",
        encoding="utf-8",
    )
    amended = Contract.load(amendment)
    assert {n.id for n in amended.spec.norms if "-before-" in n.id} == {
        f"deals-before-{amended.id.split('+')[1]}",
        f"report-before-{amended.id.split('+')[1]}",
    }
    assert [p for p in lint(amended).problems if p.check in NEW] == []


# -- the exact claims hold in the engine, on generated contracts ------------------------------
_folders = itertools.count()


@settings(
    max_examples=int(os.environ.get("LINT_CONTRACTS", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=contract_files(), timelines=st.lists(timeline(), min_size=2, max_size=2))
def test_what_lint_says_never_happens_never_happens_in_a_check(
    tmp_path_factory: pytest.TempPathFactory, files: dict[str, Any], timelines: list[Any]
) -> None:
    """A norm whose trigger nothing produces is never triggered; a norm an override always
    silences never applies; a duty due before it can start is never met in time, or never
    enforced."""
    folder = tmp_path_factory.mktemp("lint") / str(next(_folders))
    try:
        contract = Contract.load(write(files, folder))
    except ContractFileError:
        return
    said: dict[str, set[str]] = {}
    for problem in lint(contract).problems:
        said.setdefault(problem.check, set()).add(problem.message.split(":", 1)[0])
    names = {n.id: i for i, n in enumerate(contract.spec.norms)}
    for moves, at in timelines:
        report = contract.check(*moves, at=at)
        for outcome in report.outcomes:
            if outcome.rule in said.get("never-produced", set()):  # heard on its route only
                assert outcome.status == "not_triggered", outcome
            if outcome.rule in said.get("always-overridden", set()):
                assert outcome.status != "applied", outcome
            if outcome.rule in said.get("deadline-before-start", set()):
                # started by a move or change: never met in time; else: never enforced
                started = contract.spec.norms[names[outcome.rule]].starts is not None
                assert outcome.status != ("met" if started else "applied"), outcome
