"""Faults that once passed in silence (issue 21), each through the CLI and the Python API:
a prohibition reported against a party that is not its bearer, the end of a survival tail no
norm heard, a compare of a name field or a misspelt value id or a term-less `term_ended` that
loaded and never fired, "the X" and "X" kept as two works, a check of time alone refused, and one
payment meeting the deadlines of several separate duties. The Gherkin side is
features/silent-faults.feature."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_RULES, ROOT

from engine import Contract, ContractFileError

Cli = Callable[..., tuple[int, str, str]]
SERVICES = ROOT / "tests" / "contracts" / "services" / "contract.yaml"
MISTAKES = ROOT / "tests" / "invalid" / "services-mistakes"


def findings(out: str) -> list[tuple[str, str]]:
    report = json.loads(out)
    return sorted(
        (f["type"], f["rule"] or "") for f in [*report["conflicts"], *report["consequences"]]
    )


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    return [str(p) for p in caught.value.problems]


# -- 1. a prohibition binds its bearer only -------------------------------------------------------
def test_a_prohibition_is_not_reported_against_another_party(cli: Cli) -> None:
    code, out, _ = cli("check", SERVICES, "-m", "Client Inc discloses the secrets", "-f", "json")
    assert code == 0, out
    assert findings(out) == []
    code, out, _ = cli("check", SERVICES, "-m", "Vendor Ltd discloses the secrets", "-f", "json")
    assert code == 1
    assert findings(out) == [("conflict", "keep-secrets")]


def test_a_consent_norm_binds_its_bearer_only(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES.replace("    actor: alpha\n", "").replace(
        "    kind: prohibition\n", "    kind: consent\n    consent_of: beta\n"
    )
    contract = Contract.load(write_contract(rules=rules))
    by_beta = contract.check({"kind": "deal", "actor": "beta", "with": "gamma"})
    by_alpha = contract.check({"kind": "deal", "actor": "alpha", "with": "gamma"})
    assert [f.rule for f in by_beta.conflicts] == []
    assert [f.rule for f in by_alpha.conflicts] == ["n1"]


def test_a_prohibition_on_a_move_only_another_party_makes_is_refused(
    write_contract: Callable[..., Path],
) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("    bearer: alpha\n", "    bearer: beta\n"))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path.parent / 'rules.yaml'}:")
    assert "norms[n1].bearer: beta never makes a deal move (only alpha does)" in problem


# -- 2. the end of a survival tail is heard ------------------------------------------------------
def test_the_end_of_a_survival_tail_sets_off_the_norms_listening_for_it(cli: Cli) -> None:
    code, out, _ = cli(
        "check", SERVICES, "-m", "2025-03-01: end the agreement", "--at", "2025-10-01", "-f", "json"
    )
    assert code == 0, out
    assert ("consequence", "destroy-files") in findings(out)
    state = json.loads(out)["state"]["after"]
    assert state["clauses"]["secrecy"]["status"] == "ended"
    assert "files_due_for_destruction" in state["flags"]


# -- 3, 4, 8. rule mistakes are load errors ---------------------------------------------------------
def test_a_compare_of_a_name_field_is_a_load_error() -> None:
    problems = problems_of(MISTAKES / "contract.yaml")
    (found,) = [p for p in problems if "big-customers" in p]
    assert found == (
        f"{MISTAKES / 'rules.yaml'}:16: norms[big-customers].if.compare.left: '{{customer}}' is "
        "a name field, so it has no number to compare; compare takes number and money fields"
        " (percent)"
    )


def test_a_misspelt_value_in_a_change_trigger_is_a_load_error() -> None:
    problems = problems_of(MISTAKES / "contract.yaml")
    (found,) = [p for p in problems if "best-changed" in p]
    assert found == (
        f"{MISTAKES / 'rules.yaml'}:31: norms[best-changed].when.value: unknown value "
        "'best-discont' (did you mean 'best-discount'?); known: best-discount"
    )


def test_every_change_field_that_names_something_is_checked(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES + (
        "  - {id: n2, clause: c1, kind: trigger, bearer: alpha, message: x,\n"
        "     when: {change: clause_ended, clause: c11}}\n"
        "  - {id: n3, clause: c1, kind: trigger, bearer: alpha, message: x,\n"
        "     when: {change: consent_recorded, from: {in: [alpha, alpah]}, for: deal}}\n"
        "  - {id: n4, clause: c1, kind: trigger, bearer: alpha, message: x,\n"
        "     when: {change: deadline_passed, norm: n1}}\n"
    )
    problems = problems_of(write_contract(rules=rules))
    assert [p.split(": ", 1)[1].split("; known")[0] for p in problems] == [
        "norms[n2].when.clause: unknown clause 'c11' (did you mean 'c1'?)",
        "norms[n3].when.from: unknown party 'alpah' (did you mean 'alpha'?)",
        "norms[n4].when.norm: unknown norm 'n1'",  # a prohibition: it has no deadline
    ]


def test_a_list_where_a_value_is_expected_is_a_load_error(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES.replace("      with: {type: entity}", "      with: {type: name}").replace(
        "when: {move: deal, with: gamma}", "when: {move: deal, with: [gamma, delta]}"
    )
    path = write_contract(rules=rules)
    (problem,) = problems_of(path)
    assert problem == (
        f"{path.parent / 'rules.yaml'}:13: norms[n1].when.with: a list is not a value of with; "
        "write {in: [gamma, delta]} for any of them"
    )


def test_a_term_change_without_a_term_is_a_load_error(cli: Cli) -> None:
    code, _, err = cli("validate", MISTAKES / "contract.yaml")
    assert code == 2
    assert (  # the file as shown: relative to the current folder it lies below
        "services-mistakes/rules.yaml:38: norms[term-over].when.change: 'term_ended' needs the "
        "contract's term: add contract.term" in err
    )
    assert "services-mistakes/rules.yaml:45: norms[yearly-review].when.period: 'term'" in err


# -- 5. leading articles do not make two names ----------------------------------------------------
def test_a_text_with_and_without_the_is_one_work(cli: Cli) -> None:
    code, out, _ = cli(
        "check",
        SERVICES,
        "-m",
        "deliver the German localisation",
        "-m",
        "deliver German localisation",
        "-f",
        "json",
    )
    assert code == 0, out
    report = json.loads(out)
    # one work, kept by its key (as a free name is) and shown as written
    assert report["state"]["after"]["sets"]["delivered"] == ["german_localisation"]
    assert [m["fields"]["work"] for m in report["moves"]] == ["german_localisation"] * 2
    assert [m["labels"]["german_localisation"] for m in report["moves"]] == [
        "German localisation"
    ] * 2


def test_a_or_an_does_not_make_another_name(write_contract: Callable[..., Path]) -> None:
    contract = Contract.load(write_contract())
    (one,) = contract.parse("deal with a Gamma")
    (other,) = contract.parse("deal with Gamma")
    assert one.fields == other.fields == {"with": "gamma"}


# -- 6. a check of time alone ----------------------------------------------------------------------
def test_a_check_of_time_alone_reports_what_is_overdue(cli: Cli) -> None:
    code, out, _ = cli("check", SERVICES, "--at", "2026-01-01", "-f", "json")
    assert code == 1, out
    report = json.loads(out)
    assert findings(out) == [("conflict", "deliver-the-manual")]
    assert report["moves"] == []
    code, out, _ = cli("check", SERVICES, "--at", "2025-12-31")
    assert code == 0, out
    assert "Verdict: CLEAR" in out
    assert "deliver-the-manual [" not in out


def test_a_check_of_time_alone_through_the_api() -> None:
    contract = Contract.load(SERVICES)
    assert [f.rule for f in contract.check(at="2026-01-01").conflicts] == ["deliver-the-manual"]
    assert contract.check_timeline([], at="2026-01-01").verdict == "conflict"


def test_a_check_of_time_alone_among_many() -> None:
    contract = Contract.load(SERVICES)
    reports = contract.check_many([[], "2025-12-01: send an invoice"], at="2025-12-31")
    assert [r.verdict for r in reports] == ["clear", "conflict"]
    assert reports[0].moves == [] and reports[0].state["after"].deadlines


def test_no_move_and_no_date_is_still_refused(cli: Cli) -> None:
    code, _, err = cli("check", SERVICES)
    assert code == 2
    assert "no move given" in err and "--at" in err


# -- 7. one move meets one duty --------------------------------------------------------------------
def test_one_payment_meets_the_earliest_duty_only(cli: Cli) -> None:
    code, out, _ = cli(
        "check",
        SERVICES,
        "-m",
        "2025-02-01: send an invoice",
        "-m",
        "2025-02-01: request a deposit",
        "-m",
        "2025-02-05: make a payment",
        "--at",
        "2025-02-20",
        "-f",
        "json",
    )
    assert code == 1, out
    met = [
        (f["rule"], f["message"].split(" (")[0])
        for f in json.loads(out)["consequences"]
        if f["message"].startswith("Obligation met")
    ]
    assert sorted(met) == [
        ("keep-account-current", "Obligation met before its deadline"),
        ("pay-invoice", "Obligation met before its deadline"),
    ]
    assert [f["rule"] for f in json.loads(out)["conflicts"]] == ["pay-deposit"]


def test_shares_move_must_be_true_or_false(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES + (
        "  - {id: n2, clause: c1, kind: obligation, bearer: alpha, message: x,\n"
        "     must: {move: deal}, by: 2025-12-31, shares_move: sometimes}\n"
    )
    (problem,) = problems_of(write_contract(rules=rules))
    assert ":16: norms.1.shares_move: Input should be a valid boolean" in problem


def test_shares_move_belongs_to_obligations(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES.replace(
        "    message: no deal", "    shares_move: true\n    message: no deal"
    )
    (problem,) = problems_of(write_contract(rules=rules))
    assert "'shares_move' is not a key of a prohibition norm (it belongs to: obligation)" in problem
