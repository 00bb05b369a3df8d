"""A pytest-bdd step library, so that expected outcomes are written in Gherkin alone.

Use it from any project that embeds the engine, in the root conftest.py:

    pytest_plugins = ["engine.bdd"]

and run features with `scenarios("path/to/features")` in a test module. The steps reuse the
contract's own move phrases, so the words that work in the CLI work in Gherkin. A failing step
shows the engine's whole report, so the reader sees what the engine actually said.

`pytest --contract-coverage` lists, for each contract the scenarios used, which norms no scenario
showed firing and which none showed not firing.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from engine.api import Contract
from engine.errors import ContractEngineError
from engine.report import Finding, Move, Report
from engine.summary import Group, SummaryFinding

_contracts: dict[Path, Contract] = {}
_contracts_lock = threading.Lock()


@dataclass
class _Coverage:
    norms: list[str]
    fired: set[str] = field(default_factory=set)
    not_fired: set[str] = field(default_factory=set)


_coverage: dict[str, _Coverage] = {}


@dataclass
class ContractScenario:
    """What one scenario has set up and what the engine answered."""

    root: Path
    contract: Contract | None = None
    date: dt.date | None = None
    history: list[Move] = field(default_factory=list)
    waivers: dict[str, str] = field(default_factory=dict)
    readings: dict[str, str] = field(default_factory=dict)  # fixed readings of disputed clauses
    report: Report | None = None
    refused: list[str] | None = None  # the problems of a contract that did not load

    # -- set-up -------------------------------------------------------------------------------
    def require_contract(self) -> Contract:
        if self.contract is None:
            raise AssertionError('No contract: start the scenario with Given the contract "<path>"')
        return self.contract

    def move(self, text: str, actor: str | None = None, date: dt.date | None = None) -> list[Move]:
        """The moves of a text, read as the CLI reads them ("X and Y" are two moves); the
        step's date dates those the text leaves undated."""
        contract = self.require_contract()
        try:
            moves = contract.parse(text, at=self.date, actor=actor)
        except ContractEngineError as error:
            raise AssertionError(f"The engine does not understand the move: {error}") from None
        return [m if m.date or date is None else m.model_copy(update={"date": date}) for m in moves]

    def run(self, proposed: list[Move]) -> Report:
        contract = self.require_contract()
        try:
            self.report = contract.check_timeline(
                [*self.history, *proposed],
                at=self.date,
                waivers=self.waivers,
                readings=self.readings or None,
            )
        except ContractEngineError as error:
            raise AssertionError(f"The engine refused the check: {error}") from None
        _record_coverage(contract, self.report, len(self.history))
        return self.report

    # -- reading the answer ---------------------------------------------------------------------
    def require_report(self) -> Report:
        if self.report is None:
            raise AssertionError("Nothing was checked yet: use a When step first")
        return self.report

    def proposal(self, findings: list[Finding]) -> list[Finding]:
        """Findings of the proposed moves (and of time passing), not of the history."""
        first = len(self.history)
        return [f for f in findings if f.move is None or f.move >= first]

    def summarized(self, group: Group) -> list[SummaryFinding]:
        """The proposal's findings of one group, as every output counts them (the report's
        summary, under any reading of a disputed clause)."""
        first = len(self.history)
        found = self.require_report().summary.group(group)
        return [f for f in found if f.move is None or f.move >= first]

    def fail(self, what: str) -> AssertionError:
        report = self.report.to_text(verbose=True) if self.report else "(no report)"
        return AssertionError(f"{what}\n\nThe engine's report:\n{report}")


def _record_coverage(contract: Contract, report: Report, history: int) -> None:
    """Norms shown firing and not firing; under readings, every reading's report counts (the
    norms a reading adds are norms of the contract too)."""
    cov = _coverage.setdefault(contract.id, _Coverage([n.id for n in contract.norms]))
    reports = (
        [report, *(r.report for r in report.readings.results)] if report.readings else [report]
    )
    for one in reports:
        for outcome in one.outcomes:
            if outcome.rule not in cov.norms:
                cov.norms.append(outcome.rule)
            if outcome.move is not None and outcome.move < history:
                continue
            fired = outcome.status in ("applied", "waived")
            (cov.fired if fired else cov.not_fired).add(outcome.rule)


def _matches(finding: Finding | SummaryFinding, name: str) -> bool:
    return name in (finding.clause, finding.rule)


def _party(scenario: ContractScenario, name: str) -> str:
    contract = scenario.require_contract()
    wanted = name.strip().strip('"').lower()
    for party in contract.spec.parties.values():
        names = (*party.aliases, *party.affiliates)  # an affiliate's move is the party's
        if wanted in {party.id, party.name.lower(), *(a.lower() for a in names)}:
            return party.id
    raise AssertionError(f"'{name}' is not a party of contract {contract.id}")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise AssertionError(f"'{text}' is not a date; expected YYYY-MM-DD") from None


@pytest.fixture
def contract_scenario(request: pytest.FixtureRequest) -> ContractScenario:
    return ContractScenario(root=Path(str(request.config.rootpath)))


# -- Given ----------------------------------------------------------------------------------------
@given(parsers.parse('the contract "{path}"'))
def given_contract(contract_scenario: ContractScenario, path: str) -> None:
    candidates = [contract_scenario.root / path, Path.cwd() / path]
    found = next((c.resolve() for c in candidates if c.is_file()), None)
    if found is None:
        raise AssertionError(f"No contract file '{path}' (looked in {contract_scenario.root})")
    with _contracts_lock:
        if found not in _contracts:
            try:
                _contracts[found] = Contract.load(found)
            except ContractEngineError as error:
                raise AssertionError(f"The contract does not load:\n{error}") from None
    contract_scenario.contract = _contracts[found]


@given(parsers.parse("the date is {date}"))
def given_date(contract_scenario: ContractScenario, date: str) -> None:
    contract_scenario.date = _date(date)


@given(parsers.re(r'"(?P<move>[^"]+)" has happened'))
def given_happened(contract_scenario: ContractScenario, move: str) -> None:
    # A past move happens at the scenario's date as it stands now, not at a later check date.
    when = contract_scenario.date or contract_scenario.require_contract().as_of
    contract_scenario.history.extend(contract_scenario.move(move, date=when))


@given(parsers.re(r'"(?P<move>[^"]+)" happened on (?P<date>\d{4}-\d{2}-\d{2})'))
def given_happened_on(contract_scenario: ContractScenario, move: str, date: str) -> None:
    contract_scenario.history.extend(contract_scenario.move(move, date=_date(date)))


@given(parsers.re(r'the norm "(?P<rule>[^"]+)" is waived because (?P<reason>.+)'))
def given_waiver(contract_scenario: ContractScenario, rule: str, reason: str) -> None:
    contract_scenario.waivers[rule] = reason


# -- When ---------------------------------------------------------------------------------------
@when(parsers.parse('the contract "{path}" is loaded'))
def when_loaded(contract_scenario: ContractScenario, path: str) -> None:
    """Load a contract expected to be refused: its problems are kept for `loading fails`."""
    candidates = [contract_scenario.root / path, Path.cwd() / path]
    found = next((c.resolve() for c in candidates if c.is_file()), None)
    if found is None:
        raise AssertionError(f"No contract file '{path}' (looked in {contract_scenario.root})")
    try:
        contract_scenario.contract = Contract.load(found)
    except ContractEngineError as error:
        problems = getattr(error, "problems", None)
        contract_scenario.refused = [str(p) for p in problems] if problems else [str(error)]
    else:
        contract_scenario.refused = []


@when(
    parsers.re(r'(?P<party>.+?) proposes to "(?P<move>[^"]+)"(?: on (?P<date>\d{4}-\d{2}-\d{2}))?$')
)
def when_proposes(
    contract_scenario: ContractScenario, party: str, move: str, date: str | None
) -> None:
    actor = _party(contract_scenario, party)
    contract_scenario.run(
        contract_scenario.move(move, actor=actor, date=_date(date) if date else None)
    )


@when(parsers.re(r"(?P<party>.+?) proposes the timeline:"))
def when_timeline(
    contract_scenario: ContractScenario, party: str, datatable: list[list[str]]
) -> None:
    actor = _party(contract_scenario, party)
    header, *rows = datatable
    columns = [h.strip().lower() for h in header]
    if "move" not in columns:
        raise AssertionError(
            "A timeline table needs a 'move' column (and may have a 'date' column)"
        )
    moves = []
    for row in rows:
        cells = dict(zip(columns, (c.strip() for c in row), strict=True))
        day = _date(cells["date"]) if cells.get("date") else None
        who = _party(contract_scenario, cells["actor"]) if cells.get("actor") else actor
        moves.extend(contract_scenario.move(cells["move"], actor=who, date=day))
    contract_scenario.run(moves)


@when(parsers.parse("time passes to {date}"))
def when_time_passes(contract_scenario: ContractScenario, date: str) -> None:
    contract_scenario.date = _date(date)
    contract_scenario.run([])


# -- Then ---------------------------------------------------------------------------------------
@then(parsers.parse('the move is blocked by "{name}"'))
def then_blocked(contract_scenario: ContractScenario, name: str) -> None:
    report = contract_scenario.require_report()
    conflicts = [f for _, f in report.considered()]  # under any reading of a disputed clause
    found = [
        f
        for f in contract_scenario.proposal(conflicts)
        if _matches(f, name) and f.severity.value == "blocking"
    ]
    if not found:
        raise contract_scenario.fail(f'Expected the move to be blocked by "{name}", but it is not.')


@then("the move is clear")
def then_clear(contract_scenario: ContractScenario) -> None:
    report = contract_scenario.require_report()
    # clear only if clear however a disputed clause is read
    considered = report.considered()
    under = {id(f): label for label, f in considered}
    conflicts = [f for _, f in considered]
    blocking = [f for f in contract_scenario.proposal(conflicts) if f.severity.value == "blocking"]
    if blocking:
        names = ", ".join(
            f"{f.rule} ({f.clause})" + (f" under {under[id(f)]}" if under[id(f)] else "")
            for f in blocking
        )
        raise contract_scenario.fail(
            f"Expected the move to be clear, but it is blocked by {names}."
        )


@then(parsers.parse('there is a warning from "{name}"'))
def then_warning(contract_scenario: ContractScenario, name: str) -> None:
    # a warning under any reading of a disputed clause, as the report's summary lists it
    found = [f for f in contract_scenario.summarized("warning") if _matches(f, name)]
    if not found:
        raise contract_scenario.fail(f'Expected a warning from "{name}", but there is none.')


@then(parsers.re(r'"(?P<name>[^"]+)" is not triggered(?: because (?P<reason>.+))?$'))
def then_not_triggered(contract_scenario: ContractScenario, name: str, reason: str | None) -> None:
    report = contract_scenario.require_report()
    first = len(contract_scenario.history)
    outcomes = [
        o
        for o in report.outcomes
        if name in (o.rule, o.clause) and (o.move is None or o.move >= first)
    ]
    fired = [o for o in outcomes if o.status in ("applied", "waived")]
    if fired:
        raise contract_scenario.fail(f'Expected "{name}" not to apply, but {fired[0].rule} did.')
    if reason is None:
        return
    wanted = reason.strip().strip('"').lower()
    if not any(wanted in o.reason.lower() for o in outcomes):
        given = "; ".join(o.reason for o in outcomes) or "(the norm was not considered at all)"
        raise contract_scenario.fail(
            f'Expected "{name}" not to apply because "{reason}", but the engine says: {given}'
        )


@then(parsers.re(r"(?P<party>\S+) gains (?P<right>.+)"))
def then_gains(contract_scenario: ContractScenario, party: str, right: str) -> None:
    report = contract_scenario.require_report()
    who = _party(contract_scenario, party)
    wanted = right.strip().strip('"').lower()
    rights = report.state["after"].rights
    if not any(r.party == who and wanted in r.right.lower() for r in rights):
        raise contract_scenario.fail(f"Expected {party} to gain {right}, but it does not.")


@then(parsers.re(r"the partnership (?P<status>has ended|is in force)"))
def then_partnership(contract_scenario: ContractScenario, status: str) -> None:
    report = contract_scenario.require_report()
    wanted = "ended" if status == "has ended" else "in_force"
    if report.state["after"].partnership != wanted:
        raise contract_scenario.fail(f"Expected the partnership {status}, but it does not.")


@then(parsers.re(r'the clause "(?P<clause>[^"]+)" is (?P<status>in force|ended|violated)'))
def then_clause(contract_scenario: ContractScenario, clause: str, status: str) -> None:
    report = contract_scenario.require_report()
    clauses = report.state["after"].clauses
    if clause not in clauses:
        raise contract_scenario.fail(
            f'There is no clause "{clause}"; clauses: {", ".join(clauses)}'
        )
    actual = clauses[clause].status.replace("_", " ")
    if actual != status:
        raise contract_scenario.fail(
            f'Expected the clause "{clause}" to be {status}, but it is {actual}.'
        )


@then(parsers.re(r'the deadline "(?P<rule>[^"]+)" is (?P<status>pending|not pending)'))
def then_deadline(contract_scenario: ContractScenario, rule: str, status: str) -> None:
    report = contract_scenario.require_report()
    pending = any(d.rule == rule for d in report.state["after"].deadlines)
    if pending != (status == "pending"):
        raise contract_scenario.fail(f'Expected the deadline "{rule}" to be {status}.')


@then(parsers.re(r'"(?P<name>[^"]+)" applies(?: (?P<times>\d+) times?)?$'))
def then_applies(contract_scenario: ContractScenario, name: str, times: str | None) -> None:
    """The norm (or a norm of the clause) applied to the proposal or to time passing; with
    `N times`, exactly that often (a recurring period, a renewal each year)."""
    report = contract_scenario.require_report()
    first = len(contract_scenario.history)
    applied = [
        o
        for o in report.outcomes
        if name in (o.rule, o.clause)
        and o.status in ("applied", "waived")
        and (o.move is None or o.move >= first)
    ]
    if not applied or (times is not None and len(applied) != int(times)):
        wanted = f"{times} time(s)" if times else "at least once"
        raise contract_scenario.fail(
            f'Expected "{name}" to apply {wanted}, but it applied {len(applied)} time(s).'
        )


@then(parsers.parse('the report says "{text}"'))
def then_report_says(contract_scenario: ContractScenario, text: str) -> None:
    """Words the report must contain: a message, a reason why a norm did not apply, a state."""
    report = contract_scenario.require_report().to_text(verbose=True)  # the why-not and state too
    if text not in report:
        raise contract_scenario.fail(f'Expected the report to say "{text}", but it does not.')


@then("there is a notice that no rule covers the move")
def then_notice(contract_scenario: ContractScenario) -> None:
    report = contract_scenario.require_report()
    if not contract_scenario.proposal(report.notices):
        raise contract_scenario.fail(
            "Expected a notice that no rule covers the move, but there is none."
        )


@then(parsers.parse('loading fails with "{text}"'))
def then_loading_fails(contract_scenario: ContractScenario, text: str) -> None:
    """One problem of the refused contract says `text`, and names its file and line."""
    if contract_scenario.refused is None:
        raise AssertionError('Nothing was loaded: use When the contract "<path>" is loaded')
    found = [p for p in contract_scenario.refused if text in p]
    if not found:
        said = "\n".join(contract_scenario.refused) or "(it loaded without a problem)"
        raise AssertionError(f'Expected a load problem saying "{text}"; the engine said:\n{said}')
    if not any(re.match(r"^.+\.ya?ml:\d+: ", p) for p in found):
        raise AssertionError(f"The problem does not name its file and line: {found[0]}")


@then(parsers.re(r'the set "(?P<name>[^"]+)" holds exactly: (?P<members>.*)$'))
def then_set_holds(contract_scenario: ContractScenario, name: str, members: str) -> None:
    """The set's members after the check, as the report shows them, comma-separated."""
    report = contract_scenario.require_report()
    sets = report.state["after"].sets
    if name not in sets:
        raise contract_scenario.fail(f'There is no set "{name}"; sets: {", ".join(sets)}')
    shown = sorted(report.names.get(m, m) for m in sets[name])
    wanted = sorted(m.strip() for m in members.split(",") if m.strip())
    if shown != wanted:
        raise contract_scenario.fail(
            f'Expected the set "{name}" to hold {", ".join(wanted) or "nothing"}, '
            f"but it holds {', '.join(shown) or 'nothing'}."
        )


@then(parsers.parse('the verdict is "{verdict}"'))
def then_verdict(contract_scenario: ContractScenario, verdict: str) -> None:
    report = contract_scenario.require_report()
    if report.verdict != verdict:
        raise contract_scenario.fail(
            f'Expected the verdict "{verdict}", but it is "{report.verdict}".'
        )


@then("the report matches:")
def then_report_matches(contract_scenario: ContractScenario, datatable: list[list[str]]) -> None:
    """Every finding of the proposal, no more and no fewer: columns among type, rule, clause,
    severity, waived (yes/no)."""
    report = contract_scenario.require_report()
    header, *rows = datatable
    columns = [h.strip().lower() for h in header]
    allowed = {"type", "rule", "clause", "severity", "waived"}
    if not set(columns) <= allowed:
        raise AssertionError(
            f"Unknown columns {sorted(set(columns) - allowed)}; use {sorted(allowed)}"
        )

    def row_of(f: Finding) -> tuple[str, ...]:
        values: dict[str, Any] = {
            "type": f.type,
            "rule": f.rule or "",
            "clause": f.clause or "",
            "severity": f.severity.value,
            "waived": "yes" if f.waived else "no",
        }
        return tuple(str(values[c]) for c in columns)

    # every reading considered: a finding of any reading of a disputed clause is a row
    groups = ("conflicts", "consequences", "notices", "waived")
    findings = [f for g in groups for _, f in report.considered(g)]  # type: ignore[arg-type]
    actual = sorted(set(row_of(f) for f in contract_scenario.proposal(findings)))
    expected = sorted(tuple(c.strip() for c in row) for row in rows)
    if actual != expected:
        show = "\n".join(" | ".join(r) for r in actual) or "(no findings)"
        raise contract_scenario.fail(
            f"The findings differ from the table. The engine found:\n{show}"
        )


# -- coverage -------------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract-engine")
    group.addoption(
        "--contract-coverage",
        action="store_true",
        help="After the run, list each contract's norms that no scenario showed firing or not firing.",
    )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not config.getoption("--contract-coverage", default=False):
        return
    write = terminalreporter.write_line
    terminalreporter.section("contract coverage")
    if not _coverage:
        write("no contract was checked by any scenario")
    for contract_id, cov in sorted(_coverage.items()):
        untested = [n for n in cov.norms if n not in cov.fired or n not in cov.not_fired]
        write(
            f"{contract_id}: {len(cov.norms) - len(untested)}/{len(cov.norms)} norms shown both firing and not firing"
        )
        for norm in cov.norms:
            fired = "fires" if norm in cov.fired else "NEVER SHOWN FIRING"
            not_fired = "does not fire" if norm in cov.not_fired else "NEVER SHOWN NOT FIRING"
            write(f"  {norm}: {fired}; {not_fired}")
        if untested:
            write(f"{contract_id}: untested norms: {', '.join(untested)}")
        else:
            write(f"{contract_id}: no untested norm")


# Steps for what-if questions (plans, amendments) live in their own module, loaded with these.
pytest_plugins = ["engine.bdd_whatif", "engine.bdd_readings"]
