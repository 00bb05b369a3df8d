"""Lint: each check found where it should be, with file:line, and nothing on the bundled contract."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Contract, LintResult, lint
from tests.conftest import BUNDLED, LICENCE

Cli = Callable[..., tuple[int, str, str]]

CONTRACT = """\
contract:
  id: lint-me
  title: A contract with every static problem
  as_of: 2025-01-01
  rules: [rules.yaml]
parties:
  - {id: alpha, name: Alpha}
  - {id: beta, name: Beta}
entities:
  - {id: gamma, name: Gamma, category: competitor}
  - {id: delta, name: Delta, category: partner}
clauses:
  - {id: c1, title: One, text: t, source: s}
  - {id: c2, title: Two, text: t, source: s}
"""

RULES = """\
event_kinds:
  - id: deal
    title: deal
    actor: alpha
    fields:
      with: {type: entity, of: [partner]}
      amount: {type: money, required: false}
    phrases: ["deal with {with}"]
  - id: pact
    title: pact
    actor: alpha
    fields:
      partner: {type: name}
    phrases: ["deal with {partner}"]
  - id: idle
    title: idle
    actor: alpha
    phrases: ["sit idle"]
norms:
  - id: competitor-deal
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal, with: gamma}
    message: never
  - id: odd-amount
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal, amount: {gt: 100, lt: 50}}
    message: never
  - id: flagged
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: pact}
    unless: [{flag: blessed}]
    message: no pact
  - id: flagged-again
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: pact, partner: {not: delta}}
    unless: [{flag: blessed}]
    message: no pact with {partner}
  - id: c2-ends
    clause: c2
    kind: expiry
    bearer: alpha
    on: 2025-06-30
    message: c2 ended
  - id: late
    clause: c2
    kind: prohibition
    bearer: alpha
    when: {move: deal}
    from: 2025-07-01
    message: too late
  - id: due-late
    clause: c2
    kind: obligation
    bearer: alpha
    must: {move: deal}
    by: 2025-12-31
    message: missed
"""


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    (tmp_path / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    return tmp_path / "contract.yaml"


def test_every_check_finds_its_problem(bad: Path) -> None:
    result = lint(Contract.load(bad))
    rules = str(bad.parent / "rules.yaml")
    found = {
        (p.check, p.line, p.severity) for p in result.problems if p.file.endswith("rules.yaml")
    }
    assert found == {
        ("never-fires", 20, "error"),  # with: gamma, outside of: [partner]
        ("never-fires", 26, "error"),  # amount > 100 and < 50
        ("exception-never-holds", 32, "warning"),
        ("exception-never-holds", 39, "warning"),
        ("shadowed", 39, "warning"),  # flagged fires whenever flagged-again does
        ("window-outside-clause", 52, "error"),
        ("deadline-after-clause", 59, "warning"),
        ("duplicate-phrase", 8, "error"),
        ("uncovered-kind", 15, "info"),
    }
    assert all(p.file == rules for p in result.problems)
    never = next(p for p in result.problems if p.line == 20)
    assert "with is gamma" in never.message
    shadow = next(p for p in result.problems if p.check == "shadowed")
    assert shadow.message.startswith("flagged-again: shadowed by flagged")
    assert result.exit_code == 1


def test_checks_say_which_are_exact(bad: Path) -> None:
    checks = lint(Contract.load(bad)).checks
    assert checks["never-fires"] == "exact"
    assert checks["duplicate-phrase"].startswith("bounded")


@pytest.mark.parametrize("path", [BUNDLED, LICENCE])
def test_bundled_contracts_have_no_error_or_warning(path: Path) -> None:
    result = lint(Contract.load(path))
    assert [p for p in result.problems if p.severity != "info"] == []


def test_cli_lint(cli: Cli, bad: Path) -> None:
    code, out, _ = cli("lint", bad)
    assert code == 1
    assert f"{bad.parent / 'rules.yaml'}:20: error: [never-fires] competitor-deal" in out
    code, out, _ = cli("lint", BUNDLED, "--format", "json")
    assert code == 0 and LintResult.model_validate_json(out).problems == []
    code, _, err = cli("lint", bad.parent / "missing.yaml")
    assert code == 2 and "missing.yaml" in err


def test_a_kind_only_a_measure_counts_is_not_reported_uncovered(
    write_contract: Callable[..., Path],
) -> None:
    """The engine reacts to it (the measure counts it), so no 'no rule covers' notice comes."""
    from tests.conftest import MINIMAL_CONTRACT, MINIMAL_RULES

    contract = (
        MINIMAL_CONTRACT + "measures:\n  - {id: tallies, count: true, of: tally, over: all}\n"
    )
    rules = MINIMAL_RULES.replace(
        "norms:", '  - {id: tally, title: tally, actor: alpha, phrases: ["tally up"]}\nnorms:', 1
    )
    loaded = Contract.load(write_contract(contract, rules))
    assert "tally" in loaded.covered_kinds
    assert not [p for p in lint(loaded).problems if p.check == "uncovered-kind"]


def test_a_condition_outside_a_fields_declared_range_never_fires(tmp_path: Path) -> None:
    rules = RULES.replace(
        "amount: {type: money, required: false}",
        "amount: {type: money, required: false, max: 1000}",
    ).replace("amount: {gt: 100, lt: 50}", "amount: {gt: 5000}")
    (tmp_path / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
    never = [p.message for p in lint(Contract.load(tmp_path / "contract.yaml")).problems]
    assert any(m.startswith("odd-amount: no deal move can satisfy its trigger") for m in never)
    in_range = rules.replace("amount: {gt: 5000}", "amount: {gt: 500}")
    (tmp_path / "rules.yaml").write_text(textwrap.dedent(in_range), encoding="utf-8")
    never = [p.message for p in lint(Contract.load(tmp_path / "contract.yaml")).problems]
    assert not any(m.startswith("odd-amount:") for m in never)
