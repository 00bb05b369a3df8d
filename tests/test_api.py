"""The Python API and the report model: determinism, round trips, isolation, threads."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine import Contract, Move, MoveError, Report

MIXED = [
    ("partner with Google Cloud",),
    ("declare AGI", "partner with Google Cloud"),
    ("acquire Windsurf", "withhold Windsurf IP from Microsoft"),
    ("Microsoft consents to the conversion", "convert to a PBC", "go public"),
    ("raise funding from SoftBank",),
    ("build Stargate",),
]


def test_report_survives_a_json_round_trip(contract: Contract) -> None:
    report = contract.check("acquire Windsurf", "declare AGI", "go public", at="2031-02-01")
    assert Report.model_validate_json(report.to_json()) == report


def test_same_check_twice_gives_the_same_bytes(contract: Contract) -> None:
    a = contract.check("acquire Windsurf", "withhold Windsurf IP from Microsoft")
    b = contract.check("acquire Windsurf", "withhold Windsurf IP from Microsoft")
    assert a.to_json() == b.to_json() and a.to_text() == b.to_text()


def test_checks_do_not_leak_state(contract: Contract) -> None:
    alone = contract.check("partner with Google Cloud").to_json()
    contract.check("declare AGI")  # ends the partnership, but only inside its own check
    assert contract.check("partner with Google Cloud").to_json() == alone


def test_two_loaded_contracts_are_independent(contract: Contract) -> None:
    from conftest import BUNDLED

    other = Contract.load(BUNDLED)
    assert other.check("go public").to_json() == contract.check("go public").to_json()


def test_threads_get_the_same_answers_as_alone(contract: Contract) -> None:
    expected = {moves: contract.check(*moves).to_json() for moves in MIXED}
    work = MIXED * 25
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda moves: (moves, contract.check(*moves).to_json()), work))
    assert all(result == expected[moves] for moves, result in results)


def test_moves_as_words_data_or_models_agree(contract: Contract) -> None:
    words = contract.check("partner with AWS")
    data = contract.check({"kind": "cloud_partnership", "provider": "Amazon"})
    model = contract.check(
        Move(kind="cloud_partnership", actor="openai", fields={"provider": "aws"})
    )
    assert (
        [f.rule for f in words.conflicts]
        == [f.rule for f in data.conflicts]
        == [f.rule for f in model.conflicts]
    )


def test_phrase_aliases_money_and_dates(contract: Contract) -> None:
    move = contract.parse_move("2025-08-01: Buy Windsurf for $3 billion")
    assert move.kind == "acquisition"
    assert move.fields == {"company": "windsurf", "price": 3_000_000_000}
    assert move.date == dt.date(2025, 8, 1)
    assert contract.parse_move("MSFT agrees to the restructuring").actor == "microsoft"
    assert contract.parse_move("partner with the Google Cloud Platform").fields == {
        "provider": "google_cloud"
    }


def test_move_date_defaults_to_at_then_as_of(contract: Contract) -> None:
    assert contract.check("declare AGI").moves[0].date == dt.date(2025, 7, 1)
    assert contract.check("declare AGI", at="2025-09-09").moves[0].date == dt.date(2025, 9, 9)


def test_unknown_party_as_actor(contract: Contract) -> None:
    with pytest.raises(MoveError, match="'Apple' is not a party of this contract"):
        contract.check("Apple consents to the conversion")


def test_contract_waiver_in_file_is_reported(write_contract) -> None:  # type: ignore[no-untyped-def]
    from conftest import MINIMAL_CONTRACT

    path = write_contract(
        contract=MINIMAL_CONTRACT + "waivers:\n  - {rule: n1, reason: signed side letter}\n"
    )
    report = Contract.load(path).check("deal with Gamma")
    assert report.verdict == "clear"
    assert [(f.rule, f.waived) for f in report.waived] == [("n1", "signed side letter")]
    assert [o.status for o in report.outcomes] == ["waived"]


def test_second_contract_in_yaml_alone(licence: Contract) -> None:
    report = licence.check(
        "sublicense 600 seats to Initech", "2024-02-01: renew the licence", at="2024-04-01"
    )
    assert [f.rule for f in report.conflicts] == [
        "fee-after-renewal",
        "no-sublicence-to-competitors",
        "large-sublicence",
    ]
    assert [f.rule for f in report.consequences] == ["fee-after-renewal", "audit-on-sublicence"]
    assert report.state["after"].rights[0].right == "the right to audit Globex's use by Initech"


def test_second_contract_obligation_met_and_window(licence: Contract) -> None:
    report = licence.check(
        "2024-02-01: renew the licence", "2024-02-20: pay the annual fee", at="2024-06-01"
    )
    assert report.verdict == "clear"
    late = licence.check("deploy 900 seats", at="2026-03-01")
    assert [o.status for o in late.outcomes if o.rule == "seat-cap"] == ["out_of_window"]
    assert licence.check("deploy 900 seats", at="2025-03-01").verdict == "conflict"
    assert licence.check("deploy 400 seats", at="2025-03-01").verdict == "clear"


def test_date_fields_compare_as_dates(write_contract) -> None:  # type: ignore[no-untyped-def]
    from conftest import MINIMAL_RULES

    rules = (
        MINIMAL_RULES.replace(
            "      with: {type: entity}",
            "      with: {type: entity}\n      until: {type: date, required: false}",
        )
        .replace(
            'phrases: ["deal with {with}"]',
            'phrases: ["deal with {with}", "deal with {with} until {until}"]',
        )
        .replace("when: {move: deal, with: gamma}", "when: {move: deal, until: {gt: 2030-12-31}}")
    )
    contract = Contract.load(write_contract(rules=rules))
    assert contract.check("deal with Gamma until 2031-01-01").verdict == "conflict"
    assert contract.check("deal with Gamma until 2030-06-30").verdict == "clear"
    assert contract.check("deal with Gamma").verdict == "clear"  # a missing field fails every test


def test_message_templates_fill_holes_and_keep_those_of_missing_fields(write_contract) -> None:  # type: ignore[no-untyped-def]
    from conftest import MINIMAL_RULES

    rules = (
        MINIMAL_RULES.replace(
            "      with: {type: entity}",
            "      with: {type: entity}\n      price: {type: money, required: false}",
        )
        .replace(
            'phrases: ["deal with {with}"]',
            'phrases: ["deal with {with}", "deal with {with} for {price}"]',
        )
        .replace(
            "message: no deal with {with}",
            "message: 'no deal with {with} on {date} at {price} {{dollars}}'",
        )
    )
    contract = Contract.load(write_contract(rules=rules))
    priced = contract.check("deal with Gamma for $3B").conflicts[0].message
    assert priced == "no deal with Gamma on 2025-01-01 at 3000000000 {dollars}"
    bare = contract.check("deal with Gamma").conflicts[0].message
    assert bare == "no deal with Gamma on 2025-01-01 at {price} {dollars}"


def test_phrases_match_whatever_word_they_start_with(write_contract) -> None:  # type: ignore[no-untyped-def]
    from conftest import MINIMAL_RULES

    rules = MINIMAL_RULES.replace(
        'phrases: ["deal with {with}"]',
        'phrases: ["deal with {with}", "{with} signs a deal", "Dealing done with {with}"]',
    )
    contract = Contract.load(write_contract(rules=rules))
    for words in (
        "deal with Gamma",
        "DEAL WITH gamma",
        "Gamma signs a deal",
        "dealing  done with Gamma.",
        "2025-03-01: deal with Gamma",
    ):
        assert contract.parse_move(words).fields == {"with": "gamma"}, words
    with pytest.raises(MoveError, match="closest known phrases"):
        contract.parse_move("deals with Gamma")


def test_the_after_state_shows_every_clause_a_check_changed(contract: Contract) -> None:
    def after(*moves: str) -> dict[str, tuple[str, str | None, dt.date | None]]:
        clauses = contract.check(*moves).state["after"].clauses
        return {c: (v.status, v.note, v.until) for c, v in clauses.items()}

    untouched = after("build Stargate")
    extended = after("extend Microsoft's model access until 2035-01-01")
    assert extended["model-access-term"] == ("in_force", None, dt.date(2035, 1, 1))
    assert untouched["model-access-term"][2] == dt.date(2030, 12, 31)
    assert {c for c in extended if extended[c] != untouched[c]} == {"model-access-term"}
    twice = after("partner with Google Cloud", "partner with AWS")
    assert twice["azure-exclusivity"][:2] == (
        "violated",
        "violated by partner with AWS on 2025-07-01 (azure-exclusivity)",
    )
    ended = after("declare AGI")
    assert ended["azure-exclusivity"][:2] == (
        "ended",
        "the partnership has ended (agi-ends-partnership, on 2025-07-01)",
    )


def test_a_list_given_where_moves_are_arguments_is_refused_in_words(contract: Contract) -> None:
    """check() takes moves as separate arguments; a list there is a MoveError saying so, never
    an AttributeError from deep inside the word reader."""
    with pytest.raises(MoveError, match=r"separate arguments.*check_timeline"):
        contract.check(["declare AGI", "go public"])  # type: ignore[arg-type]
