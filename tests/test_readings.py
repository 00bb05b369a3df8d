"""Readings of a disputed clause, through the API, the CLI and the differential reference."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Contract, ContractFileError, MoveError
from engine.plan import PlanResult
from engine.reference import reference_summary, summary
from tests.conftest import BUNDLED, MINIMAL_CONTRACT, MINIMAL_RULES, ROOT

Cli = Callable[..., tuple[int, str, str]]
AGI_THEN_DEAL = ("2025-08-01: declare AGI", "2025-09-01: partner with Google Cloud")
HELD_OUT = ROOT / "tests" / "contracts" / "licence-readings" / "contract.yaml"


# -- the bundled contract: board against panel -------------------------------------------------
def test_readings_that_differ_give_a_verdict_each(contract: Contract) -> None:
    report = contract.check(*AGI_THEN_DEAL)
    assert report.verdict == "conflict" and report.exit_code == 1
    assert report.readings is not None and not report.readings.agree
    assert [(r.readings, r.verdict, r.default) for r in report.readings.results] == [
        ({"agi-clause": "board"}, "clear", True),
        ({"agi-clause": "panel"}, "conflict", False),
    ]
    assert report.under({"agi-clause": "board"}).verdict == "clear"
    panel = report.under({"agi-clause": "panel"})
    assert [f.rule for f in panel.conflicts] == ["azure-exclusivity"]
    assert panel.state["after"].partnership == "in_force"
    # the report's own findings are the default reading's
    assert report.conflicts == report.under({"agi-clause": "board"}).conflicts
    assert report.notes[-1].startswith(
        "the readings differ: clear under reading board of agi-clause; "
        "conflict under reading panel of agi-clause"
    )


def test_readings_that_agree_are_one_report_and_a_note(contract: Contract) -> None:
    report = contract.check("partner with Google Cloud")
    assert report.readings is not None and report.readings.agree
    assert report.notes == ["the readings agree (agi-clause: board, panel)"]
    assert "Note: the readings agree (agi-clause: board, panel)" in report.to_text()
    assert report.to_text().startswith("Verdict: CONFLICT — 1 blocking")


def test_a_fixed_reading_is_the_only_one_checked(contract: Contract) -> None:
    report = contract.check(*AGI_THEN_DEAL, readings={"agi-clause": "panel"})
    assert report.verdict == "conflict"
    assert report.readings is not None and report.readings.fixed == {"agi-clause": "panel"}
    assert len(report.readings.results) == 1
    assert report.notes[-1] == (
        "checked under reading panel of agi-clause only (fixed; the other readings not checked)"
    )
    assert contract.check(*AGI_THEN_DEAL, readings={"agi-clause": "board"}).verdict == "clear"
    # the panel's confirmation is what ends the partnership under that reading
    confirmed = contract.check(
        "declare AGI", "have AGI confirmed by an expert panel", readings={"agi-clause": "panel"}
    )
    assert confirmed.state["after"].partnership == "ended"


@pytest.mark.parametrize(
    ("readings", "message"),
    [
        (
            {"agi-clause": "panle"},
            r"clause 'agi-clause' has no reading 'panle' \(did you mean 'panel'\?\)",
        ),
        (
            {"agi-clase": "panel"},
            r"no readings declared for clause 'agi-clase' \(did you mean 'agi-clause'\?\)",
        ),
    ],
)
def test_a_bad_reading_is_refused_with_did_you_mean(
    contract: Contract, readings: dict[str, str], message: str
) -> None:
    with pytest.raises(MoveError, match=message):
        contract.check("declare AGI", readings=readings)


def test_readings_on_a_contract_without_any_are_refused(licence: Contract) -> None:
    with pytest.raises(MoveError, match="declares no readings"):
        licence.check("renew the licence", readings={"term": "x"})
    assert licence.check("renew the licence").readings is None
    assert '"readings"' not in licence.check("renew the licence").to_json()


def test_a_variant_is_an_ordinary_contract_built_once(contract: Contract) -> None:
    panel = contract.under({"agi-clause": "panel"})
    assert panel is contract.under({"agi-clause": "panel"})
    assert panel.spec.readings is None and panel.reading_choice == {"agi-clause": "panel"}
    assert "agi-declaration-awaits-panel" in [n.id for n in panel.norms]
    assert "agi-declaration-awaits-panel" not in [n.id for n in contract.norms]


# -- the CLI -------------------------------------------------------------------------------------
def test_cli_text_verdict_per_reading_and_exit_code(cli: Cli) -> None:
    code, out, _ = cli("check", BUNDLED, *(a for m in AGI_THEN_DEAL for a in ("-m", m)))
    assert code == 1
    assert out.splitlines()[0] == (
        "Verdict: CONFLICT — clear under reading board of agi-clause; "
        "conflict under reading panel of agi-clause"
    )
    assert (
        "Under reading board of agi-clause, the default: AGI is declared by OpenAI's board" in out
    )
    assert "Under reading panel of agi-clause: AGI must be confirmed by an expert panel" in out
    assert "  Verdict: CLEAR — 0 blocking, 1 warning" in out
    assert "    ✗ azure-exclusivity (Azure exclusivity) [move 2]" in out


def test_cli_reading_option(cli: Cli) -> None:
    moves = [a for m in AGI_THEN_DEAL for a in ("-m", m)]
    code, out, _ = cli("check", BUNDLED, *moves, "--reading", "agi-clause=board")
    assert code == 0 and out.startswith("Verdict: CLEAR — 0 blocking, 1 warning")
    code, _, err = cli("check", BUNDLED, *moves, "--reading", "agi-clause=panl")
    assert code == 2 and "did you mean 'panel'" in err
    code, _, err = cli("check", BUNDLED, *moves, "--reading", "agi-clase=panel")
    assert code == 2 and "did you mean 'agi-clause'" in err
    code, _, err = cli("check", BUNDLED, *moves, "--reading", "panel")
    assert code == 2 and "expected CLAUSE=NAME" in err
    code, out, _ = cli("check", BUNDLED, *moves, "--reading", "agi-clause=panel")
    assert code == 1 and "Note: checked under reading panel of agi-clause only (fixed" in out
    twice = ("--reading", "agi-clause=panel", "--reading", "agi-clause=board")
    code, _, err = cli("check", BUNDLED, *moves, *twice)
    assert code == 2 and "given two readings (panel, board)" in err


def test_explain_names_a_norm_only_a_reading_has(cli: Cli) -> None:
    code, out, _ = cli("explain", BUNDLED, "agi-declaration-awaits-panel")
    assert code == 0
    assert out.splitlines()[1] == (
        "  only under reading panel of agi-clause (check --reading fixes it)"
    )


def test_cli_json_readings_section_is_deterministic(cli: Cli) -> None:
    args = ["check", BUNDLED, *(a for m in AGI_THEN_DEAL for a in ("-m", m)), "-f", "json"]
    code, out, _ = cli(*args)
    assert code == 1 and cli(*args)[1] == out
    readings = json.loads(out)["readings"]
    assert readings["declared"] == {"agi-clause": ["board", "panel"]}
    assert readings["default"] == {"agi-clause": "board"} and readings["fixed"] == {}
    assert readings["agree"] is False
    assert [r["verdict"] for r in readings["results"]] == ["clear", "conflict"]
    assert readings["results"][1]["report"]["conflicts"][0]["rule"] == "azure-exclusivity"


def test_plan_and_prove_search_one_reading_and_replay_under_it(cli: Cli) -> None:
    code, out, _ = cli(
        "plan", BUNDLED, "--goal", "go public", "--reading", "agi-clause=panel", "-f", "json"
    )
    assert code == 0
    result = PlanResult.model_validate_json(out)
    assert result.readings == {"agi-clause": "panel"}
    # under the panel's reading a declaration of AGI is no shortcut past Microsoft's consent
    assert all(s.kind != "agi_declaration" for steps in result.plans for s in steps)
    for steps in result.plans:
        args = [a for s in steps for a in ("-m", s.replay)]
        code, _, _ = cli("check", BUNDLED, *args, "--reading", "agi-clause=panel")
        assert code == 0
    code, out, _ = cli("plan", BUNDLED, "--goal", "go public")
    assert "Under the readings --reading agi-clause=board (replay with them)." in out
    code, out, _ = cli(
        "prove",
        BUNDLED,
        "reachable: go public clear",
        "--depth",
        "2",
        "--reading",
        "agi-clause=panel",
    )
    assert code == 0 and "--reading agi-clause=panel" in out


# -- a contract written from the docs: two disputed clauses, both forms of `readings:` ------------
def test_held_out_contract_checks_every_combination() -> None:
    held_out = Contract.load(HELD_OUT)
    report = held_out.check(
        "deploy 700 seats",
        "renew the licence",
        "2024-05-01: sublicense to Umbrella",
        at="2024-03-01",
    )
    assert report.readings is not None
    assert report.readings.declared == {
        "seat-cap": ["seats", "users"],
        "payment": ["renewal", "invoice"],
    }
    verdicts = {tuple(r.readings.values()): r.verdict for r in report.readings.results}
    assert verdicts == {
        ("users", "renewal"): "conflict",
        ("users", "invoice"): "clear",
        ("seats", "renewal"): "conflict",
        ("seats", "invoice"): "conflict",
    }
    assert report.readings.results[0].readings == {"seat-cap": "users", "payment": "renewal"}
    only = held_out.check(
        "deploy 700 seats", at="2024-03-01", readings={"seat-cap": "users", "payment": "invoice"}
    )
    assert only.verdict == "clear"


def test_the_reference_agrees_on_every_reading() -> None:
    """A reading is an ordinary contract: the differential reference checks each variant."""
    timelines = [
        ["deploy 700 seats", "renew the licence", "2024-05-01: sublicense 600 seats to Initech"],
        ["ask for a discount", "2024-04-20: pay the annual fee", "deploy 1200 seats"],
    ]
    for path, contract in ((HELD_OUT, Contract.load(HELD_OUT)), (BUNDLED, Contract.load(BUNDLED))):
        assert contract.spec.readings is not None
        moves_of = (
            timelines
            if path == HELD_OUT
            else [list(AGI_THEN_DEAL), ["declare AGI", "confirm AGI", "go public"]]
        )
        at = "2024-03-01" if path == HELD_OUT else "2025-07-01"
        for combo in contract.spec.readings.combinations():
            variant = contract.under(combo)
            for moves in moves_of:
                report = variant.check(*moves, at=at)
                expected = reference_summary(variant.spec, report.moves, report.check_date, {})
                assert summary(report) == expected, (combo, moves)
                combined = contract.check(*moves, at=at).under(combo)
                assert summary(combined) == summary(report)


# -- validation: file:line, did-you-mean ---------------------------------------------------------
READINGS = """\
    readings:
      strict:
        description: No deal with Gamma.
      lax:
        description: A deal with Gamma is a warning.
        norms:
          replace:
            - id: n1
              clause: c1
              kind: prohibition
              bearer: alpha
              when: {move: deal, with: gamma}
              severity: warning
              message: a deal with {with}
"""


def _with_readings(readings: str = READINGS) -> str:
    return MINIMAL_CONTRACT.replace(
        "  - {id: c1, title: Clause one, text: Some text., source: test}\n",
        "  - id: c1\n    title: Clause one\n    text: Some text.\n    source: test\n" + readings,
    )


def test_a_small_contract_with_readings(write_contract: Callable[..., Path]) -> None:
    contract = Contract.load(write_contract(_with_readings()))
    report = contract.check("deal with Gamma")
    assert [r.verdict for r in report.readings.results] == ["conflict", "clear"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("description: No deal", "descripton: No deal"), r"contract.yaml:\d+: .*descripton"),
        (
            ("- id: n1", "- id: n2"),
            r"contract.yaml:\d+: readings.lax.norms.replace: no norm 'n2' in clause 'c1'",
        ),
        (
            ("              clause: c1", "              clause: c2"),
            r"contract.yaml:\d+: readings.lax.norms.replace\[n1\].clause: 'c2'",
        ),
        (
            ("description: No deal with Gamma.", "description: No deal.\n        default: true"),
            None,
        ),
        (
            ("A deal with Gamma is a warning.", "A warning.\n        default: true"),
            None,
        ),
    ],
)
def test_bad_readings_are_file_line_errors(
    write_contract: Callable[..., Path], change: tuple[str, str], message: str | None
) -> None:
    text = _with_readings().replace(*change)
    if message is None:  # one default is fine
        Contract.load(write_contract(text))
        return
    with pytest.raises(ContractFileError, match=message):
        Contract.load(write_contract(text))


def test_a_misspelt_norm_gets_did_you_mean(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES.replace("- id: n1", "- id: no-gamma-deal")
    text = _with_readings(READINGS.replace("- id: n1", "- id: no-gama-deal"))
    with pytest.raises(
        ContractFileError,
        match=r"contract.yaml:\d+: readings.lax.norms.replace: no norm 'no-gama-deal' in clause "
        r"'c1' \(did you mean 'no-gamma-deal'\?\)",
    ):
        Contract.load(write_contract(text, rules))


def test_two_defaults_and_a_lone_reading_are_errors(write_contract: Callable[..., Path]) -> None:
    two = _with_readings(
        READINGS.replace("No deal with Gamma.", "No deal.\n        default: true").replace(
            "is a warning.", "is a warning.\n        default: true"
        )
    )
    with pytest.raises(ContractFileError, match=r"readings strict, lax are all marked default"):
        Contract.load(write_contract(two))
    lone = _with_readings(READINGS.split("      lax:")[0])
    with pytest.raises(ContractFileError, match=r"one reading; declare two or more"):
        Contract.load(write_contract(lone))


def test_readings_in_a_rule_file_name_a_clause(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES + "readings:\n  c9:\n    a: {description: A}\n    b: {description: B}\n"
    with pytest.raises(ContractFileError, match=r"rules.yaml:\d+: readings: no clause 'c9'"):
        Contract.load(write_contract(rules=rules))
    rules = MINIMAL_RULES + (
        "readings:\n  c1:\n    a: {description: A}\n"
        "    b: {description: B, norms: {remove: [n1]}}\n"
    )
    contract = Contract.load(write_contract(rules=rules))
    assert [r.verdict for r in contract.check("deal with Gamma").readings.results] == [  # type: ignore[union-attr]
        "conflict",
        "clear",
    ]


def test_too_many_combinations_are_refused_until_some_are_fixed(
    write_contract: Callable[..., Path],
) -> None:
    clauses = "".join(
        f"  - id: d{i}\n    title: D{i}\n    text: T.\n    source: s\n    readings:\n"
        f"      a: {{description: A}}\n      b: {{description: B}}\n"
        for i in range(5)
    )
    contract = Contract.load(write_contract(MINIMAL_CONTRACT + clauses))
    with pytest.raises(
        MoveError, match=r"32 combinations of readings .* the limit is 16: fix some"
    ):
        contract.check("deal with Gamma")
    report = contract.check("deal with Gamma", readings={"d0": "a"})
    assert report.readings is not None and len(report.readings.results) == 16
    assert report.readings.agree


def test_a_contract_with_readings_pickles_and_checks_the_same() -> None:
    """A cache of validated contracts may pickle the spec: its readings come back whole."""
    import pickle

    from engine.validate import load_contract

    spec = load_contract(BUNDLED)
    again = Contract(pickle.loads(pickle.dumps(spec)))
    assert again.check(*AGI_THEN_DEAL).to_json() == Contract(spec).check(*AGI_THEN_DEAL).to_json()


def test_explain_a_disputed_clause_lists_its_readings(cli: Cli) -> None:
    code, out, _ = cli("explain", BUNDLED, "agi-clause")
    assert code == 0
    assert "    board (default): AGI is declared by OpenAI's board" in out
    assert "[replaces agi-ends-partnership; adds agi-declaration-awaits-panel]" in out
