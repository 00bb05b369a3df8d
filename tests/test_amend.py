"""Amendments (old terms before the effective date, new ones after) and diffs between versions."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Contract, ContractFileError, DiffResult, diff
from engine.diff import Change
from tests.conftest import BUNDLED, ROOT

Cli = Callable[..., tuple[int, str, str]]
AMENDMENTS = ROOT / "contracts" / "amendments"
NAMES = ["azure-relaxed", "ip-without-windsurf", "access-after-agi", "equity-for-access"]


@pytest.fixture(scope="module")
def relaxed() -> Contract:
    return Contract.load(AMENDMENTS / "azure-relaxed.yaml")


@pytest.mark.parametrize("name", NAMES)
def test_bundled_proposals_load_and_say_they_are_hypothetical(name: str) -> None:
    amended = Contract.load(AMENDMENTS / f"{name}.yaml")
    report = amended.check("build Stargate")
    assert report.notice and "hypothetical amendment" in report.notice
    assert amended.id == f"openai-microsoft+{name}"
    assert amended.as_of == dt.date(2025, 10, 1)


def test_old_terms_before_the_effective_date_new_ones_after(relaxed: Contract) -> None:
    before = relaxed.check("2025-09-30: partner with Google Cloud")
    assert before.verdict == "conflict"
    assert [c.rule for c in before.conflicts] == ["azure-exclusivity-before-azure-relaxed"]
    after = relaxed.check("2025-10-01: partner with Google Cloud")
    assert after.verdict == "clear"
    assert [c.rule for c in after.consequences] == ["azure-exclusivity"]


def test_a_term_replaced_runs_to_its_new_end() -> None:
    amended = Contract.load(AMENDMENTS / "equity-for-access.yaml")
    base = Contract.load(BUNDLED)
    at_2031 = {"at": "2031-06-01"}
    assert (
        base.check("build Stargate", **at_2031).state["after"].clauses["model-access-term"].status
        == "ended"
    )
    assert (
        amended.check("build Stargate", **at_2031)
        .state["after"]
        .clauses["model-access-term"]
        .status
        == "in_force"
    )
    assert (
        amended.check("build Stargate", at="2036-01-02")
        .state["after"]
        .clauses["model-access-term"]
        .status
        == "ended"
    )


BOARD = {"agi-clause": "board"}  # the reading of the AGI clause under which AGI ends it


def test_after_agi_microsoft_keeps_ip_access() -> None:
    amended = Contract.load(AMENDMENTS / "access-after-agi.yaml")
    report = amended.check("declare AGI", "withhold ChatGPT IP from Microsoft")
    assert report.verdict == "conflict"
    assert (
        Contract.load(BUNDLED)
        .check("declare AGI", "withhold ChatGPT IP from Microsoft", readings=BOARD)
        .verdict
        == "clear"
    )
    assert any(
        r.right == "access to OpenAI's technology after AGI" for r in report.state["after"].rights
    )


def amendment(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "change.yaml"
    head = f"amends: {BUNDLED}\ntitle: A test change\neffective: 2025-10-01\n"
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        (
            "norms:\n  remove: [azure-exclusivty]\n",
            5,
            "no norm 'azure-exclusivty' in the amended contract (did you mean 'azure-exclusivity'?)",
        ),
        ("clauses:\n  remove: [ip-acess]\n", 5, "did you mean 'ip-access'?"),
        (
            "clauses:\n  remove: [ip-access]\n",
            5,
            "norms ip-access-covers-acquisitions, ip-withholding still belong",
        ),
        (
            "norms:\n  replace:\n    - id: ipo-needs-convert\n      clause: ipo-precondition\n      kind: prohibition\n      bearer: openai\n      when: {move: ipo}\n      message: blocked\n",
            6,
            "did you mean 'ipo-needs-conversion'?",
        ),
        (
            "norms:\n  add:\n    - id: ipo-needs-conversion\n      clause: ipo-precondition\n      kind: prohibition\n      bearer: openai\n      when: {move: ipo}\n      message: blocked\n",
            6,
            "already exists; use norms.replace",
        ),
        (
            "norms:\n  add:\n    - id: new-rule\n      clause: ipo-precondition\n      kind: prohibition\n      bearer: openai\n      when: {move: ipoo}\n      message: blocked\n",
            10,
            "unknown event kind 'ipoo'",
        ),
        (
            "norms:\n  add:\n    - id: new-rule\n      clause: ipo-precondition\n      kind: prohibition\n      bearer: openai\n      when: {move: ipo}\n      until: 2025-01-01\n      message: blocked\n",
            11,
            "before the amendment takes effect",
        ),
        ("clauses:\n  add: []\n  change: []\n", 6, "unknown field 'change'"),
    ],
)
def test_bad_amendments_name_file_and_line(
    tmp_path: Path, body: str, line: int, expected: str
) -> None:
    path = amendment(tmp_path, body)
    with pytest.raises(ContractFileError) as error:
        Contract.load(path)
    problems = error.value.problems
    assert any(
        p.file == str(path) and p.line == line and expected in p.message for p in problems
    ), problems


def test_amends_a_missing_contract(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "change.yaml"
    path.write_text("amends: nowhere.yaml\ntitle: t\neffective: 2025-10-01\n", encoding="utf-8")
    code, _, err = cli("check", path, "-m", "go public")
    assert code == 2 and f"{path}:1: amends: no contract file 'nowhere.yaml'" in err
    code, _, err = cli("validate", AMENDMENTS)
    assert code == 0, err


def replay(contract: Contract, change: Change, start: dt.date) -> str:
    """The verdict `check` gives a diffed timeline, replayed as the line prints it."""
    return contract.check_timeline(change.moves, at=change.at or start).verdict


def test_diff_names_the_amendment_and_replays(relaxed: Contract, contract: Contract) -> None:
    result = diff(contract, relaxed)
    lines = result.to_text().splitlines()
    assert (
        "  2025-10-01: partner with Amazon Web Services: conflict -> clear; azure-exclusivity "
        "relaxed by amendment azure-relaxed (blocking -> info)"
    ) in lines
    for change in result.changes:
        assert replay(contract, change, result.start) == change.a.verdict
        assert replay(relaxed, change, result.start) == change.b.verdict


def test_diff_of_a_version_with_itself_is_empty(contract: Contract) -> None:
    result = diff(contract, Contract.load(BUNDLED), depth=1)
    assert result.changes == [] and result.exit_code == 0


def test_diff_finds_changes_that_lie_in_time(contract: Contract) -> None:
    amended = Contract.load(AMENDMENTS / "equity-for-access.yaml")
    result = diff(contract, amended, depth=1)
    assert result.changes[0].moves == [] and result.changes[0].at == dt.date(2031, 1, 1)
    assert result.changes[0].shown() == "time passes to 2031-01-01"
    assert result.changes[0].how == [
        "model-access-expiry relaxed by amendment equity-for-access (info -> does not apply)"
    ]


def test_cli_diff_with_a_moves_file(cli: Cli, tmp_path: Path) -> None:
    moves = tmp_path / "moves.yaml"
    moves.write_text(
        '- partner with Google Cloud\n- ["acquire Windsurf", "withhold Windsurf IP from Microsoft"]\n- go public\n',
        encoding="utf-8",
    )
    code, out, _ = cli(
        "diff",
        BUNDLED,
        AMENDMENTS / "ip-without-windsurf.yaml",
        "--moves",
        moves,
        "--format",
        "json",
    )
    assert code == 1
    result = DiffResult.model_validate_json(out)
    assert [c.moves for c in result.changes] == [
        ["acquire Windsurf", "withhold Windsurf IP from Microsoft"]
    ]
    assert (
        result.changes[0].a.blocking == ["ip-withholding"]
        and result.changes[0].b.verdict == "clear"
    )
    moves.write_text("partner: [1]\n", encoding="utf-8")
    code, _, err = cli("diff", BUNDLED, BUNDLED, "--moves", moves)
    assert code == 2 and "a moves file is a list" in err


@pytest.mark.parametrize("name", ["azure-relaxed", "equity-for-access", "ip-without-windsurf"])
def test_an_amended_contract_keeps_the_disputed_clauses_of_its_base(name: str, cli: Cli) -> None:
    """The base's disputed AGI clause stays disputed once amended: its readings are offered,
    and a check considers each one as the base's check does (not the default reading alone)."""
    amended = Contract.load(ROOT / "contracts" / "amendments" / f"{name}.yaml")
    base = Contract.load(BUNDLED)
    assert amended.spec.readings is not None and base.spec.readings is not None
    assert amended.spec.readings.declared() == base.spec.readings.declared()
    moves = ["declare AGI", "partner with Google Cloud"]
    under = {
        r: amended.under({"agi-clause": r}) for r in amended.spec.readings.declared()["agi-clause"]
    }
    for variant in under.values():
        assert variant.spec.amendment == amended.spec.amendment  # still the amendment
    verdicts = {r: c.check_timeline(moves).verdict for r, c in under.items()}
    whole = amended.check_timeline(moves)
    assert whole.verdict == ("conflict" if "conflict" in verdicts.values() else "clear")
    assert whole.readings is not None
    assert {r.readings["agi-clause"]: r.verdict for r in whole.readings.results} == verdicts
    code, out, err = cli(
        "check", amended.spec.path, "-m", "declare AGI", "--reading", "agi-clause=panel"
    )
    assert code in (0, 1), out + err


def test_an_amendment_that_rewrites_the_disputed_clause_settles_it() -> None:
    """access-after-agi replaces the AGI clause itself (without readings): the dispute is gone."""
    settled = Contract.load(AMENDMENTS / "access-after-agi.yaml")
    assert settled.spec.readings is None
    assert settled.check_timeline(["declare AGI", "partner with Google Cloud"]).readings is None


def test_an_amendment_a_reading_would_undo_is_a_load_error(cli: Cli) -> None:
    """The base's reading 'loose' replaces the cap the amendment replaces: under that reading
    the amendment would be undone in silence (a sale of 60 was clear). Loading says so at the
    amendment's line; replacing the disputed clause settles it, and the amended cap holds."""
    folder = ROOT / "tests" / "invalid" / "amended-reading"
    with pytest.raises(ContractFileError) as caught:
        Contract.load(folder / "amendment.yaml")
    (problem,) = caught.value.problems
    assert problem.file.endswith("amendment.yaml") and problem.line == 6
    assert "reading 'loose' of the disputed clause 'c1' also replaces 'cap'" in problem.message
    code, _, err = cli("check", folder / "amendment.yaml", "-m", "sell 60 units")
    assert code == 2 and "amendment.yaml:6" in err
    settled = Contract.load(folder / "settled.yaml")
    assert settled.spec.readings is None
    assert settled.check("sell 60 units").verdict == "conflict"
