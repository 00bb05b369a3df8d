"""Moves typed as people type them: a corpus of sentences with the moves they must read as, and
of texts that must be refused, through the API and the CLI, on both contracts."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, LICENCE, MINIMAL_CONTRACT, MINIMAL_RULES

from engine import Contract, ContractFileError, MoveError

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent

# (sentence, [(kind, fields, actor, date)]): actor "openai" and no date unless given.
M = tuple[str, dict[str, Any], str | None, str | None]


def m(kind: str, actor: str | None = None, date: str | None = None, **fields: Any) -> M:
    return (kind, fields, actor, date)


CP = "cloud_partnership"
ACCEPTED: list[tuple[str, list[M]]] = [
    # the README's and the issue's own sentences
    ("OpenAI partners with Google Cloud", [m(CP, provider="google_cloud")]),
    ("OpenAI acquires Windsurf", [m("acquisition", company="windsurf")]),
    ("AGI is declared", [m("agi_declaration")]),
    ("OpenAI partnered with Oracle", [m(CP, provider="oracle")]),
    ("sign a cloud deal with Oracle on 2025-10-15", [m(CP, date="2025-10-15", provider="oracle")]),
    ("on 3 March 2026, go public", [m("ipo", date="2026-03-03")]),
    (
        "sell its models through Oracle and CoreWeave",
        [m(CP, provider="oracle"), m(CP, provider="coreweave")],
    ),
    (
        "Microsoft consents to the conversion, then convert to a PBC",
        [m("consent", "microsoft", subject="conversion"), m("conversion")],
    ),
    ("work with AWS", [m(CP, provider="aws")]),
    # built-in business synonyms (engine/words/synonyms.py)
    ("Microsoft approves the conversion", [m("consent", "microsoft", subject="conversion")]),
    ("Microsoft authorised the conversion", [m("consent", "microsoft", subject="conversion")]),
    ("OpenAI announces AGI", [m("agi_declaration")]),
    ("AGI is announced", [m("agi_declaration")]),
    ("an expert panel confirms AGI", [m("agi_confirmation")]),
    ("AGI is confirmed", [m("agi_confirmation")]),
    ("OpenAI has AGI confirmed by an expert panel", [m("agi_confirmation")]),
    (
        "buy Cursor for three billion dollars",
        [m("acquisition", company="cursor", price=3_000_000_000)],
    ),
    # tenses, aspects and modals
    ("OpenAI will partner with Oracle", [m(CP, provider="oracle")]),
    ("OpenAI is partnering with AWS", [m(CP, provider="aws")]),
    ("OpenAI has partnered with CoreWeave", [m(CP, provider="coreweave")]),
    ("OpenAI to partner with Google", [m(CP, provider="google_cloud")]),
    ("Partner with Google Cloud.", [m(CP, provider="google_cloud")]),
    ("OpenAI signs a cloud deal with Oracle", [m(CP, provider="oracle")]),
    ("OpenAI signs the cloud deal with Oracle", [m(CP, provider="oracle")]),
    ("OpenAI sells their models through AWS", [m(CP, provider="aws")]),
    ("OpenAI sells its models through CoreWeave", [m(CP, provider="coreweave")]),
    ("OpenAI is offering its models on Google Cloud", [m(CP, provider="google_cloud")]),
    ("Open AI partners with the Google Cloud Platform", [m(CP, provider="google_cloud")]),
    ("oai partners with oracle", [m(CP, provider="oracle")]),
    (
        "OpenAI acquired Windsurf for $3 billion",
        [m("acquisition", company="windsurf", price=3_000_000_000)],
    ),
    ("OpenAI buys Cursor for $2.5bn", [m("acquisition", company="cursor", price=2_500_000_000)]),
    ("OpenAI bought Cursor for $3B", [m("acquisition", company="cursor", price=3_000_000_000)]),
    ("OpenAI will buy Cursor for USD 50,000", [m("acquisition", company="cursor", price=50_000)]),
    ("acquire Thinking Machines Lab", [m("acquisition", company="thinking_machines_lab")]),
    ("acquire xAI", [m("acquisition", company="xai")]),
    ("acquire 3M", [m("acquisition", company="3m")]),
    ("acquire Johnson & Johnson", [m("acquisition", company="johnson_johnson")]),
    ("buy the Cursor", [m("acquisition", company="cursor")]),
    ("OpenAI withheld Windsurf's IP from Microsoft", [m("ip_withholding", company="windsurf")]),
    ("OpenAI refuses Microsoft access to Cursor IP", [m("ip_withholding", company="cursor")]),
    ("OpenAI declares AGI", [m("agi_declaration")]),
    ("OpenAI has declared AGI", [m("agi_declaration")]),
    ("OpenAI announced AGI", [m("agi_declaration")]),
    ("Microsoft consents to the restructuring", [m("consent", "microsoft", subject="conversion")]),
    (
        "Microsoft has consented to the conversion",
        [m("consent", "microsoft", subject="conversion")],
    ),
    ("MSFT agreed to the restructuring", [m("consent", "microsoft", subject="conversion")]),
    ("Microsoft will agree to the conversion", [m("consent", "microsoft", subject="conversion")]),
    ("Microsoft consents to cloud partnership", [m("consent", "microsoft", subject=CP)]),
    ("OpenAI converts to a PBC", [m("conversion")]),
    ("OpenAI converted to a public benefit corporation", [m("conversion")]),
    ("OpenAI restructures into a public benefit corporation", [m("conversion")]),
    ("OpenAI goes public", [m("ipo")]),
    ("OpenAI went public", [m("ipo")]),
    ("OpenAI holds an IPO", [m("ipo")]),
    ("OpenAI lists on the stock market", [m("ipo")]),
    ("OpenAI extends Microsoft's model access beyond 2030", [m("access_extension")]),
    (
        "OpenAI files an antitrust complaint against Microsoft",
        [m("antitrust_complaint", against="microsoft")],
    ),
    (
        "OpenAI accused Microsoft of anticompetitive practices",
        [m("antitrust_complaint", against="microsoft")],
    ),
    ("OpenAI raises funding from SoftBank", [m("funding", investor="softbank")]),
    ("raise funding from Thrive Capital", [m("funding", investor="thrive_capital")]),
    ("OpenAI builds Stargate", [m("infrastructure_build", project="stargate")]),
    ("OpenAI is building its own computing infrastructure", [m("infrastructure_build")]),
    ("What if OpenAI partners with Google Cloud?", [m(CP, provider="google_cloud")]),
    ("“partner with AWS”", [m(CP, provider="aws")]),
    (
        "Microsoft consents to OpenAI's conversion",
        [m("consent", "microsoft", subject="conversion")],
    ),
    ("Microsoft consents to a cloud partnership", [m("consent", "microsoft", subject=CP)]),
    ("OpenAI has been partnering with AWS", [m(CP, provider="aws")]),
    ("Microsoft agrees to the IPO", [m("consent", "microsoft", subject="ipo")]),
    # the passive
    ("AGI was declared", [m("agi_declaration")]),
    ("AGI has been declared", [m("agi_declaration")]),
    ("AGI will be announced", [m("agi_declaration")]),
    ("the conversion is completed", [m("conversion")]),
    ("Cursor was acquired", [m("acquisition", company="cursor")]),
    (
        "Windsurf is acquired by OpenAI for $3B",
        [m("acquisition", company="windsurf", price=3_000_000_000)],
    ),
    ("Stargate is built", [m("infrastructure_build", project="stargate")]),
    (
        "Microsoft is reported to the antitrust regulator",
        [m("antitrust_complaint", against="microsoft")],
    ),
    # synonyms: the contract's and the built-in ones
    ("OpenAI collaborated with Oracle", [m(CP, provider="oracle")]),
    ("OpenAI allies with Oracle", [m(CP, provider="oracle")]),
    ("OpenAI teams up with AWS", [m(CP, provider="aws")]),
    ("OpenAI joins forces with AWS", [m(CP, provider="aws")]),
    ("OpenAI purchased Cursor", [m("acquisition", company="cursor")]),
    ("OpenAI takes over Windsurf", [m("acquisition", company="windsurf")]),
    # dates
    ("2025-10-15: go public", [m("ipo", date="2025-10-15")]),
    ("15 Oct 2025: go public", [m("ipo", date="2025-10-15")]),
    ("3 March 2026: OpenAI goes public", [m("ipo", date="2026-03-03")]),
    ("OpenAI goes public on 3 March 2026", [m("ipo", date="2026-03-03")]),
    ("go public on Sept 3, 2026", [m("ipo", date="2026-09-03")]),
    ("go public in March 2026", [m("ipo", date="2026-03-01")]),
    ("an IPO is held in March 2026", [m("ipo", date="2026-03-01")]),
    ("complete the conversion by the end of 2025", [m("conversion", date="2025-12-31")]),
    ("the conversion was completed on 15 Oct 2025", [m("conversion", date="2025-10-15")]),
    (
        "OpenAI raises $40bn from SoftBank on 2025-03-31",
        [m("funding", date="2025-03-31", investor="softbank", amount=40_000_000_000)],
    ),
    (
        "Microsoft's model access is extended until 2035-01-01",
        [m("access_extension", until="2035-01-01")],
    ),
    # amounts
    (
        "OpenAI raised two billion dollars from SoftBank",
        [m("funding", investor="softbank", amount=2_000_000_000)],
    ),
    (
        "raise USD 50,000 from SoftBank",
        [m("funding", investor="softbank", amount=50_000)],
    ),
    (
        "raise EUR 3 billion from SoftBank",
        [m("funding", investor="softbank", amount=3_000_000_000)],
    ),
    ("buy Cursor for €50,000", [m("acquisition", company="cursor", price=50_000)]),
    ("buy Cursor for EUR3bn", [m("acquisition", company="cursor", price=3_000_000_000)]),
    ("buy Cursor for 2 billion USD", [m("acquisition", company="cursor", price=2_000_000_000)]),
    (
        "OpenAI raises $6.6 billion from SoftBank and Thrive Capital",
        [
            m("funding", investor="softbank", amount=6_600_000_000),
            m("funding", investor="thrive_capital", amount=6_600_000_000),
        ],
    ),
    (
        "OpenAI partners with Google Cloud and declares AGI",
        [m(CP, provider="google_cloud"), m("agi_declaration")],
    ),
    ("By the end of 2025, OpenAI completes the conversion", [m("conversion", date="2025-12-31")]),
    ("Windsurf was purchased by OpenAI", [m("acquisition", company="windsurf")]),
    (
        "OpenAI will raise 3 million euros from SoftBank",
        [m("funding", investor="softbank", amount=3_000_000)],
    ),
    # dates in the forms people write them
    ("2025/10/15: OpenAI buys Cursor", [m("acquisition", date="2025-10-15", company="cursor")]),
    (
        "OpenAI buys Cursor on the 15th of October 2025",
        [m("acquisition", date="2025-10-15", company="cursor")],
    ),
    (
        "OpenAI buys Cursor on October 15, 2025",
        [m("acquisition", date="2025-10-15", company="cursor")],
    ),
    ("OpenAI buys Cursor on 15/10/2025", [m("acquisition", date="2025-10-15", company="cursor")]),
    ("OpenAI goes public on 2026-1-5", [m("ipo", date="2026-01-05")]),
    ("OpenAI buys Cursor in Q3 2026", [m("acquisition", date="2026-07-01", company="cursor")]),
    ("go public in the third quarter of 2026", [m("ipo", date="2026-07-01")]),
    ("by Q1 2026, go public", [m("ipo", date="2026-03-31")]),
    ("2026-03-03: go public on 3 March 2026", [m("ipo", date="2026-03-03")]),
    (
        "On 3 March 2026, partner with Oracle, then go public on 4 March 2026",
        [m(CP, date="2026-03-03", provider="oracle"), m("ipo", date="2026-03-04")],
    ),
    # several moves, lists of objects
    ("declare AGI and go public", [m("agi_declaration"), m("ipo")]),
    ("declare AGI; go public", [m("agi_declaration"), m("ipo")]),
    ("declare AGI and then go public", [m("agi_declaration"), m("ipo")]),
    ("convert to a PBC, then go public", [m("conversion"), m("ipo")]),
    (
        "partner with Oracle, AWS and CoreWeave",
        [m(CP, provider="oracle"), m(CP, provider="aws"), m(CP, provider="coreweave")],
    ),
    (
        "OpenAI sold its models through Oracle and CoreWeave in March 2026",
        [
            m(CP, date="2026-03-01", provider="oracle"),
            m(CP, date="2026-03-01", provider="coreweave"),
        ],
    ),
    (
        "acquire Cursor and Windsurf",
        [m("acquisition", company="cursor"), m("acquisition", company="windsurf")],
    ),
    (
        "raise funding from SoftBank and Thrive Capital",
        [m("funding", investor="softbank"), m("funding", investor="thrive_capital")],
    ),
    (
        "on 3 March 2026, OpenAI partners with Oracle, then Microsoft consents to the conversion",
        [
            m(CP, date="2026-03-03", provider="oracle"),
            m("consent", "microsoft", "2026-03-03", subject="conversion"),
        ],
    ),
    (
        "extend Microsoft's model access beyond 2030 in exchange for equity and cash",
        [m("access_extension", consideration="equity_and_cash")],
    ),
]

REFUSED: list[tuple[str, str]] = [
    ("buy a round of drinks for the team", r"no phrase .* takes a name"),
    (
        "partner with Azure Cloud",
        r"unknown provider 'Azure Cloud' \(did you mean 'Microsoft Azure'\?\)",
    ),
    ("partner with AWZ", r"did you mean 'Amazon Web Services'"),
    ("partner with Oracel", r"did you mean 'Oracle'"),
    ("partner with Foo Cloud", r"unknown provider 'Foo Cloud'; known"),
    (
        "Microsoft partners with Google Cloud",
        r"'Microsoft' may not make a cloud partnership move .* only OpenAI may",
    ),
    ("Google partners with OpenAI", r"'Google' is not a party"),
    ("OpenAI will not partner with AWS", r"says what is not done"),
    ("OpenAI won't go public", r"says what is not done"),
    ("Microsoft consents to going to the moon", r"'going to the moon' is not a kind of move"),
    ("Microsoft declares AGI", r"only OpenAI may"),
    ("OpenAI agreed to partner with AWS", r"'partner with AWS' is not a kind of move"),
    (
        "declare AGI and partner with Azure Cloud",
        r"^'partner with Azure Cloud': .*'Microsoft Azure'",
    ),
    ("partner with Oracle, AWS and Azure Cloud", r"^'partner with Azure Cloud': unknown provider"),
    ("declare AGI and fly to the moon", r"^no phrase of contract openai-microsoft matches 'fly to"),
    ("acquire Windsrf", r"did you mean 'Windsurf'\?"),
    ("OpenIA partners with Oracle", r"'OpenIA' is not a party .*did you mean 'OpenAI'\?"),
    ("Microsfot consents to the conversion", r"did you mean 'Microsoft'\?"),
    ("go public tomorrow", r"'tomorrow' is a relative date.*--at"),
    ("go public next week", r"'next week' is a relative date"),
    ("on 2025-02-30, go public", r"'2025-02-30' is not a date"),
    ("go public on 3 March", r"no phrase|write the year"),
    ("fly to the moon", r"^no phrase of contract openai-microsoft matches 'fly to the moon'\. "),
    ("acquires Windsurf", r"no phrase"),
    ("deals with Gamma", r"no phrase"),
    ("acquire a nice company", r"takes a name"),
    ("acquire $3B", r"takes a name"),
    ("acquire 2025-10-15 CoreWeave", r"takes a name"),
    ("raise lots of money from SoftBank", r"'lots of money' is not an amount"),
    ("buy Cursor for $3 euros", r"two currencies"),
    ("", r"empty"),
    # the words are refused before their date; suggestions share a content word or are none
    ("the weather is nice today", r"^no phrase of contract openai-microsoft matches 'the weather"),
    ("today, the weather is nice", r"^no phrase .* matches 'the weather is nice'"),
    (
        "We should increase quarterly revenue by 10%",
        r"^no phrase .* matches 'We should increase quarterly revenue by 10%'\. `contract-engine",
    ),
    (
        "Microsoft blesses the conversion",
        r'closest known phrases: "complete the conversion"\. `contract-engine',
    ),
    (
        "OpenAI takes over the Stargate project",
        r"company: 'Stargate' is a known entity of category infrastructure; company takes company",
    ),
    (
        "OpenAI raises funding from investors",
        r"^no phrase .* \(\{investor\} takes a name .*not 'investors'",
    ),
    ("OpenAI acquires cursor", r"write it with a capital \(Cursor\) or declare it under entities:"),
    (
        "2026-03-03: sign a cloud deal with Oracle on 2026-04-04",
        r"two different dates for one move: '2026-03-03' is 2026-03-03 and 'on 2026-04-04'",
    ),
    ("on 2026-03-03 go public on 2026-04-04", r"two different dates.*2026-04-04"),
    ("2026-03-03: partner with Oracle and AWS on 2026-04-04", r"two different dates"),
    ("OpenAI buys Cursor in mid-2026", r"^date 'mid-2026' could not be read.*Q3 2026"),
    ("OpenAI buys Cursor in early 2026", r"^date 'early 2026' could not be read"),
    ("go public in the first half of 2026", r"could not be read.*15 March 2026"),
    ("OpenAI goes public in 2230", r"the year 2230 is out of range \(1900-2199\)"),
    ("go public on 15/10/2230", r"the year 2230 is out of range"),
    ("2025/13/45: go public", r"'2025/13/45' is not a date"),
    ("partner wiht Google Cloud", r'closest known phrases: "partner with \{provider\}"'),
]


def _expect(contract: Contract, text: str, expected: list[M]) -> None:
    moves = contract.parse(text)
    got = [(mv.kind, dict(mv.fields), mv.actor, mv.date) for mv in moves]
    want = []
    for kind, fields, actor, date in expected:
        spec = contract.spec.event_kinds[kind].kind
        defaults = {n: f.default for n, f in spec.fields.items() if f.default is not None}
        want.append(
            (
                kind,
                {**defaults, **fields},
                actor or spec.actor,
                dt.date.fromisoformat(date) if date else None,
            )
        )
    assert got == want, text


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_sentences_as_people_type_them(contract: Contract, text: str, expected: list[M]) -> None:
    _expect(contract, text, expected)


@pytest.mark.parametrize(("text", "error"), REFUSED, ids=[t or "(empty)" for t, _ in REFUSED])
def test_texts_that_must_be_refused(contract: Contract, text: str, error: str) -> None:
    with pytest.raises(MoveError, match=error):
        contract.parse(text)


def test_the_corpus_is_large_enough() -> None:
    assert len(ACCEPTED) >= 60 and len(REFUSED) >= 15


def test_every_move_says_how_it_was_read(contract: Contract) -> None:
    (move,) = contract.parse("OpenAI partnered with Oracle in March 2026")
    assert move.reading == (
        'partner with {provider} <- "OpenAI partnered with Oracle in March 2026" '
        '(subject OpenAI; "partnered": past of "partner"; '
        "date 2026-03-01 from 'in March 2026' (the first day of the month))"
    )
    (synonym,) = contract.parse("work with AWS")
    assert synonym.reading is not None and 'synonym "work with" for "partner with"' in (
        synonym.reading
    )
    (built_in,) = contract.parse("OpenAI purchased Cursor")
    assert built_in.reading is not None and 'built-in synonym "purchase"' in built_in.reading
    (passive,) = contract.parse("AGI is declared")
    assert passive.reading == 'declare AGI <- "AGI is declared" (passive: "is declared")'


def test_the_report_carries_the_reading(contract: Contract) -> None:
    report = contract.check("OpenAI partners with Google Cloud")
    assert report.verdict == "conflict"
    assert [f.rule for f in report.conflicts] == ["azure-exclusivity"]
    assert report.moves[0].reading == (
        'partner with {provider} <- "OpenAI partners with Google Cloud" '
        '(subject OpenAI; "partners": present of "partner")'
    )
    data = json.loads(report.to_json())
    assert data["moves"][0]["reading"].startswith("partner with {provider} <- ")


def test_several_moves_in_one_check_run_in_order(contract: Contract) -> None:
    report = contract.check("Microsoft consents to the conversion, then convert to a PBC")
    assert [mv.kind for mv in report.moves] == ["consent", "conversion"]
    assert report.verdict == "clear"
    blocked = contract.check("convert to a PBC")
    assert blocked.verdict == "conflict"


def test_parse_move_refuses_words_that_hold_several(contract: Contract) -> None:
    with pytest.raises(MoveError, match="holds 2 moves, one was expected"):
        contract.parse_move("declare AGI and go public")


def test_relative_dates_need_a_reference_day(contract: Contract) -> None:
    (move,) = contract.parse("go public tomorrow", at="2025-09-01")
    assert move.date == dt.date(2025, 9, 2)
    report = contract.check("go public next week", at="2025-09-01")
    assert report.moves[0].date == dt.date(2025, 9, 8)
    (extension,) = contract.parse(
        "extend Microsoft's model access until next year", at="2025-09-01"
    )
    assert (extension.fields["until"], extension.date) == ("2026-09-01", None)


def test_currencies_are_kept_and_compared_only_with_like(
    contract: Contract, write_contract: Callable[..., Path]
) -> None:
    (move,) = contract.parse("buy Cursor for EUR 3 billion")
    assert move.currencies == {"price": "EUR"} and move.fields["price"] == 3_000_000_000
    (plain,) = contract.parse("buy Cursor for 3 billion")
    assert plain.currencies == {}
    rules = (
        MINIMAL_RULES.replace(
            "      with: {type: entity}",
            "      with: {type: entity}\n      price: {type: money, required: false}",
        )
        .replace(
            'phrases: ["deal with {with}"]',
            'phrases: ["deal with {with}", "deal with {with} for {price}"]',
        )
        .replace("when: {move: deal, with: gamma}", "when: {move: deal, price: {gt: 1000}}")
    )
    priced = Contract.load(write_contract(rules=rules))
    assert priced.check("deal with Gamma for $5,000").verdict == "conflict"
    assert priced.check("deal with Gamma for USD 500").verdict == "clear"
    with pytest.raises(MoveError, match=r"is in EUR, but the norms .* compare price in USD"):
        priced.check("deal with Gamma for €5,000")


def test_the_licence_contract_reads_the_same_way(licence: Contract) -> None:
    cases: list[tuple[str, list[tuple[str, dict[str, Any], str | None]]]] = [
        ("Globex sublicenses to Initech", [("sublicence", {"licensee": "initech"}, None)]),
        ("Globex deployed 600 seats", [("seat_increase", {"seats": 600}, None)]),
        ("deploy six hundred seats", [("seat_increase", {"seats": 600}, None)]),
        ("600 seats are deployed", [("seat_increase", {"seats": 600}, None)]),
        ("the licence is renewed", [("renewal", {}, None)]),
        (
            "the customer renewed the licence on 1 Feb 2024, then paid the annual fee in March 2024",
            [("renewal", {}, "2024-02-01"), ("payment", {}, "2024-03-01")],
        ),
        (
            "sublicense 600 seats to Hooli and Initech",
            [
                ("sublicence", {"licensee": "hooli", "seats": 600}, None),
                ("sublicence", {"licensee": "initech", "seats": 600}, None),
            ],
        ),
        (
            "Globex is sublicensing 20 seats to Umbrella",
            [("sublicence", {"licensee": "umbrella", "seats": 20}, None)],
        ),
    ]
    for text, expected in cases:
        got = [(mv.kind, dict(mv.fields), mv.date) for mv in licence.parse(text)]
        want = [(k, f, dt.date.fromisoformat(d) if d else None) for k, f, d in expected]
        assert got == want, text
    with pytest.raises(MoveError, match=r"'Acme' may not make a renewal move .* only Globex may"):
        licence.parse("Acme renews the licence")
    with pytest.raises(MoveError, match="did you mean 'Initech'"):
        licence.parse("sublicense to Initek")
    report = licence.check("Globex sublicenses to Hooli and Umbrella")
    assert [f.rule for f in report.conflicts] == ["no-sublicence-to-competitors"]


def test_declared_synonyms_work_on_any_contract(write_contract: Callable[..., Path]) -> None:
    contract_text = MINIMAL_CONTRACT.replace(
        "  rules: [rules.yaml]", "  rules: [rules.yaml]\n  synonyms: {deal with: [trade with]}"
    )
    rules = MINIMAL_RULES.replace(
        '    phrases: ["deal with {with}"]',
        '    synonyms: {deal with: [do business with]}\n    phrases: ["deal with {with}"]',
    )
    contract = Contract.load(write_contract(contract=contract_text, rules=rules))
    for text in ("Alpha traded with Gamma", "do business with Gamma", "Alpha deals with Gamma"):
        assert [mv.fields for mv in contract.parse(text)] == [{"with": "gamma"}], text


def test_a_synonym_that_opens_no_phrase_is_an_error_with_its_line(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES.replace(
        '    phrases: ["deal with {with}"]',
        '    synonyms: {dael with: [trade with]}\n    phrases: ["deal with {with}"]',
    )
    path = write_contract(rules=rules)
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path.parent / 'rules.yaml'}:7: event_kinds[deal].synonyms: 'dael with' opens no phrase "
        "(did you mean 'deal with'?); a synonym key is the opening words of a phrase, e.g. "
        "'deal', 'deal with'"
    ]


def test_two_readings_are_an_error_listing_both(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES.replace(
        '    phrases: ["deal with {with}"]',
        '    phrases: ["deal with {with}"]\n'
        "  - id: talk\n    title: talk\n    actor: alpha\n"
        "    fields: {to: {type: entity}}\n    phrases: ['deal with {to}']",
    )
    contract = Contract.load(write_contract(rules=rules))
    with pytest.raises(MoveError, match=r"'deal with Gamma' reads 2 ways:\n  1\. ") as caught:
        contract.parse("deal with Gamma")
    assert "talk(to=gamma) by alpha" in str(caught.value)
    assert "deal(with=gamma) by alpha" in str(caught.value)


# -- the CLI -----------------------------------------------------------------------------------
def test_cli_parse_shows_how_words_were_read(cli: Cli) -> None:
    code, out, err = cli("parse", BUNDLED, "on 3 March 2026, OpenAI partners with Oracle and AWS")
    assert (code, err) == (0, "")
    assert out.splitlines()[:5] == [
        "move 1: cloud_partnership (cloud partnership)",
        "  actor: openai",
        "  provider: oracle",
        "  date: 2026-03-03",
        '  read as: partner with {provider} <- "OpenAI partners with Oracle" (subject OpenAI; '
        '"partners": present of "partner"; date 2026-03-03 from \'on 3 March 2026\')',
    ]
    assert "move 2: cloud_partnership" in out and "  provider: aws" in out


def test_cli_parse_as_json(cli: Cli) -> None:
    code, out, _ = cli("parse", BUNDLED, "buy Cursor for EUR 3 billion", "--format", "json")
    assert code == 0
    (move,) = json.loads(out)
    assert move["fields"] == {"company": "cursor", "price": 3_000_000_000}
    assert move["currencies"] == {"price": "EUR"}
    assert move["reading"] == 'buy {company} for {price} <- "buy Cursor for EUR 3 billion"'


def test_cli_parse_relative_dates_with_and_without_at(cli: Cli) -> None:
    code, _, err = cli("parse", BUNDLED, "go public tomorrow")
    assert code == 2 and "'tomorrow' is a relative date" in err and "Traceback" not in err
    code, out, _ = cli("parse", BUNDLED, "go public tomorrow", "--at", "2025-09-01")
    assert code == 0 and "  date: 2025-09-02" in out


def test_cli_check_reads_the_same_words(cli: Cli) -> None:
    code, out, _ = cli("check", BUNDLED, "--move", "partner with Google Cloud")
    assert code == 1 and "azure-exclusivity" in out
    code, out, _ = cli("check", BUNDLED, "--move", "OpenAI partnered with Google Cloud")
    assert code == 1 and "azure-exclusivity" in out
    code, _, err = cli("check", BUNDLED, "--move", "buy a round of drinks for the team")
    assert code == 2 and err.startswith("error: no phrase of contract openai-microsoft matches")
    code, _, err = cli("check", LICENCE, "--move", "Acme renews the licence")
    assert code == 2 and "only Globex may" in err


# -- the README's table of phrasings ---------------------------------------------------------------
def phrasings_table(contract: Contract) -> str:
    """The README's table: each move of the bundled contract, its phrases, and sentences of
    each kind it reads (checked here, so that the table never says what the engine refuses)."""
    subject = {p.id: p.name for p in contract.spec.parties.values()}
    rows = ["| Move (default actor) | Phrases | Also read, for example |", "|---|---|---|"]
    for kind_id in sorted(contract.spec.event_kinds):
        kind = contract.spec.event_kinds[kind_id].kind
        examples = [t for t, moves in ACCEPTED if len(moves) == 1 and moves[0][0] == kind_id][:4]
        for text in examples:
            assert [mv.kind for mv in contract.parse(text)] == [kind_id], text
        phrases = "<br>".join(f"`{p.text}`" for p in contract.spec.event_kinds[kind_id].phrases)
        synonyms = [f"{k} → {', '.join(v)}" for k, v in kind.synonyms.items()]
        if synonyms:
            phrases += "<br>synonyms: " + "; ".join(synonyms)
        shown = "<br>".join(f'"{t}"' for t in examples)
        who = subject.get(kind.actor or "", "any party")
        rows.append(f"| {kind_id} ({who}) | {phrases} | {shown} |")
    return "\n".join(rows) + "\n"


def test_the_readme_table_of_phrasings_is_in_sync(contract: Contract) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- phrasings:start -->\n(.*?)<!-- phrasings:end -->", readme, flags=re.DOTALL
    )
    assert found, "README.md has no <!-- phrasings:start --> ... <!-- phrasings:end --> block"
    expected = phrasings_table(contract)
    assert found.group(1) == expected, "README table out of date; expected:\n" + expected


def test_the_move_limit_counts_the_moves_sentences_hold(contract: Contract) -> None:
    with pytest.raises(MoveError, match="1,200 moves in one check; the limit is 1,000"):
        contract.check(*(["declare AGI and go public"] * 600))


def test_the_schema_has_synonyms_and_date_order(cli: Cli) -> None:
    code, out, _ = cli("schema", "contract")
    header = json.loads(out)["$defs"]["ContractHeader"]["properties"]
    assert code == 0 and {"synonyms", "date_order"} <= set(header)
    code, out, _ = cli("schema", "rules")
    assert "synonyms" in json.loads(out)["$defs"]["EventKind"]["properties"]


def test_a_phrase_opening_with_a_field_conjugates_its_second_word(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES.replace(
        'phrases: ["deal with {with}"]', 'phrases: ["{with} signs a deal"]'
    )
    contract = Contract.load(write_contract(rules=rules))
    for text in ("Gamma signs a deal", "Gamma signed a deal", "Gamma will sign a deal"):
        assert [(mv.kind, mv.fields) for mv in contract.parse(text)] == [
            ("deal", {"with": "gamma"})
        ], text


def test_numeric_dates_follow_the_contract_day_order(write_contract: Callable[..., Path]) -> None:
    contract_text = MINIMAL_CONTRACT.replace(
        "  rules: [rules.yaml]", "  rules: [rules.yaml]\n  date_order: MDY"
    )
    contract = Contract.load(write_contract(contract=contract_text))
    (move,) = contract.parse("deal with Gamma on 10/11/2025")
    assert move.date == dt.date(2025, 10, 11)
    (move,) = contract.parse("deal with Gamma on 2025/10/11")  # year first reads one way only
    assert move.date == dt.date(2025, 10, 11)


def test_a_quarter_says_which_day_it_was_read_as(contract: Contract) -> None:
    (move,) = contract.parse("OpenAI goes public in Q3 2026")
    assert move.reading is not None and "the first day of Q3 2026" in move.reading


def test_cli_parse_refuses_a_vague_date_naming_the_forms(cli: Cli) -> None:
    code, _out, err = cli("parse", str(BUNDLED), "OpenAI buys Cursor in mid-2026")
    assert code == 2 and "could not be read" in err and "not a party" not in err


_READ_AND_SAY = (
    "import sys; from engine import Contract; "
    f"c = Contract.load({str(BUNDLED)!r}); "
    "print([(m.kind, dict(m.fields), m.reading) for m in "
    "c.parse('OpenAI partnered with Oracle and Microsoft consents to the conversion')]); "
    "print('lemminflect' in sys.modules)"
)


def _read_in_a_process(cache: Path) -> list[str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "CONTRACT_ENGINE_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", _READ_AND_SAY], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.splitlines()


def test_verb_forms_are_cached_between_runs_and_read_the_same(tmp_path: Path) -> None:
    first = _read_in_a_process(tmp_path)
    assert first[1] == "True" and list(tmp_path.glob("verb-forms-*.json"))
    second = _read_in_a_process(tmp_path)
    assert second == [first[0], "False"]  # the same readings, without loading lemminflect


def test_a_broken_verb_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    fresh = _read_in_a_process(tmp_path / "fresh")
    (cached,) = (tmp_path / "fresh").glob("verb-forms-*.json")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / cached.name).write_text('{"partner": ["partner", {"partnered": ["VBX"]}]', "utf-8")
    assert _read_in_a_process(broken)[0] == fresh[0]
    assert json.loads((broken / cached.name).read_text("utf-8"))["partner"][0] == "partner"


def test_a_negation_the_contracts_own_phrase_uses_is_part_of_its_words(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES.replace(
        'phrases: ["deal with {with}"]',
        'phrases: ["deal with {with}", "ship a not-for-resale kit to {with}"]',
    )
    contract = Contract.load(write_contract(rules=rules))
    assert [m.kind for m in contract.parse("ship a not-for-resale kit to Gamma")] == ["deal"]
    with pytest.raises(MoveError, match="says what is not done"):
        contract.parse("never deal with Gamma")


def test_the_callers_actor_is_checked_like_a_subject() -> None:
    """The step library's "PARTY proposes to ..." passes `actor`: a party the kind does not allow
    is refused as a written subject would be; a kind whose phrases name `{actor}` allows any."""
    contract = Contract.load(BUNDLED)
    with pytest.raises(MoveError, match="only OpenAI may"):
        contract.parse("convert to a PBC", actor="microsoft")
    (move,) = contract.parse("file an antitrust complaint against OpenAI", actor="Microsoft")
    assert (move.kind, move.actor) == ("antitrust_complaint", "microsoft")


@pytest.mark.parametrize(
    "spelling",
    [
        "the Initech Group",
        "the-initech-group",
        "the_initech_group",
        "The Initech-Group",
        "INITECH GROUP",
        "initech_group",
    ],
)
def test_an_article_goes_whatever_joins_it_to_the_name(spelling: str) -> None:
    """A leading article is dropped before a hyphen or an underscore as before a space: every
    spelling of one name is one key (a rule's constant and a move's value alike)."""
    from engine.words.text import value_key

    assert value_key(spelling) == "initech_group"
