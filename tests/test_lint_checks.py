"""Lint at the edges: a window or deadline on the very day a clause ends is fine, one a day
later is not; a condition at a field's declared maximum can fire; a consequence filled in from a
move can make an exception hold; and a contract with only warnings fails lint (CI must see them).

Written against the lint mutants of tests/mutation/mutants.yaml (docs/testing.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Contract, lint

CONTRACT = """\
contract:
  id: lint-edges
  title: Lint at the edges
  as_of: 2025-03-01
  rules: [rules.yaml]
parties:
  - {id: alpha, name: Alpha}
  - {id: beta, name: Beta}
clauses:
  - {id: c1, title: One, text: t, source: s}
  - {id: c2, title: Two, text: t, source: s}
"""

RULES = """\
event_kinds:
  - id: deal
    title: deal
    actor: alpha
    fields: {amount: {type: number, max: 1000}}
    phrases: ["deal for {amount}"]
  - id: allow
    title: permission
    actor: beta
    fields: {what: {type: kind}}
    phrases: ["allow {what}"]
    effects: [{record_consent: {from: beta, for: "{what}"}}]
norms:
  - id: c2-ends
    clause: c2
    kind: expiry
    bearer: alpha
    on: 2025-06-30
    message: c2 ended
  - id: starts-on-the-last-day
    clause: c2
    kind: prohibition
    bearer: alpha
    when: {move: deal}
    from: 2025-06-30
    message: a deal on the last day
  - id: due-on-the-last-day
    clause: c2
    kind: obligation
    bearer: alpha
    must: {move: deal}
    by: 2025-06-30
    message: no deal by the last day
  - id: until-the-contracts-date
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal}
    until: 2025-03-01
    message: an early deal
  - id: at-the-maximum
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal, amount: {gte: 1000}}
    unless: [{consent: {from: beta, for: deal}}]
    message: a deal at the cap without permission
"""


def _write(folder: Path, rules: str) -> Path:
    (folder / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    return folder / "contract.yaml"


def test_edges_that_are_inside_are_not_reported(tmp_path: Path) -> None:
    result = lint(Contract.load(_write(tmp_path, RULES)))
    assert [(p.check, p.message) for p in result.problems] == []
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("edit", "check", "severity"),
    [
        (("from: 2025-06-30", "from: 2025-07-01"), "window-outside-clause", "error"),
        (("by: 2025-06-30", "by: 2025-07-01"), "deadline-after-clause", "warning"),
        (("until: 2025-03-01", "until: 2025-02-28"), "window-outside-clause", "info"),
        (("amount: {gte: 1000}", "amount: {gt: 1000}"), "never-fires", "error"),
    ],
)
def test_one_day_or_one_unit_past_the_edge_is_reported(
    tmp_path: Path, edit: tuple[str, str], check: str, severity: str
) -> None:
    result = lint(Contract.load(_write(tmp_path, RULES.replace(*edit))))
    assert [(p.check, p.severity) for p in result.problems] == [(check, severity)]


def test_only_a_warning_fails_lint(
    tmp_path: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    path = _write(tmp_path, RULES.replace("by: 2025-06-30", "by: 2025-07-01"))
    assert lint(Contract.load(path)).exit_code == 1
    code, out, _ = cli("lint", path)
    assert code == 1 and "[deadline-after-clause]" in out
