"""A name or text constant in a rule is compared with a move's value as the move's value is read
(issue 21): whatever case, leading article, spaces or hyphen/underscore the author or the user
wrote, in words or as JSON. "Acme Corp" in `when:` once never matched the move "make a deal with
Acme Corp" (the move's value is keyed `acme_corp`), so its `not:` always fired; `text` values
were compared with case. A constant no move can give is a load error with file:line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_CONTRACT

from engine import Contract, ContractFileError

Cli = Callable[..., tuple[int, str, str]]

RULES = """\
event_kinds:
  - id: deal
    title: deal
    actor: alpha
    fields:
      partner: {{type: name}}
    phrases: ["make a deal with {{partner}}"]
  - id: tag
    title: tag
    actor: alpha
    fields:
      label: {{type: text}}
    phrases: ["tag it {{label}}"]
  - id: commission
    title: commission
    actor: beta
    fields:
      work: {{type: text}}
    phrases: ["commission {{work}}"]
  - id: delivery
    title: delivery
    actor: alpha
    fields:
      work: {{type: text}}
    phrases: ["deliver {{work}}"]
norms:
  - id: no-deal
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {{move: deal, partner: {partner}}}
    message: no deal with {{partner}}
  - id: no-tag
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {{move: tag, label: {{in: [red alert, the blue code]}}}}
    message: no tag {{label}}
  - id: deliver-each
    clause: c1
    kind: obligation
    bearer: alpha
    when: {{move: commission}}
    instances: {{per: work}}
    must: {{move: delivery}}
    within_days: 10
    message: "{{work}} was not delivered by {{due}}."
"""


@pytest.fixture
def contract_with(write_contract: Callable[..., Path]) -> Callable[[str], Path]:
    def write(partner: str) -> Path:
        return write_contract(MINIMAL_CONTRACT, RULES.format(partner=partner))

    return write


def verdict(cli: Cli, path: Path, *moves: str) -> tuple[int, list[str]]:
    args: list[str] = []
    for move in moves:
        args += ["-m", move]
    code, out, err = cli("check", path, *args, "--at", "2025-01-01", "-f", "json")
    assert code in (0, 1), err
    report = json.loads(out)
    return code, sorted(f["rule"] for f in report["conflicts"])


SPELLINGS = ["Acme Corp", "ACME CORP", "the Acme Corp", "acme-corp", "acme corp", "acme_corp"]


@pytest.mark.parametrize("constant", SPELLINGS)
@pytest.mark.parametrize("written", ["Acme Corp", "ACME CORP", "the Acme Corp", "Acme-Corp"])
def test_a_name_constant_matches_the_move_however_either_is_spelt(
    cli: Cli, contract_with: Callable[[str], Path], constant: str, written: str
) -> None:
    path = contract_with(constant)
    assert verdict(cli, path, f"make a deal with {written}") == (1, ["no-deal"])
    assert verdict(cli, path, "make a deal with Globex") == (0, [])


@pytest.mark.parametrize("constant", ["{in: [Acme Corp]}", "{in: [the acme corp, Globex]}"])
def test_in_compares_as_the_move_reads(
    cli: Cli, contract_with: Callable[[str], Path], constant: str
) -> None:
    assert verdict(cli, contract_with(constant), "make a deal with ACME Corp") == (1, ["no-deal"])


@pytest.mark.parametrize("constant", ["{not: Acme Corp}", "{not_in: [acme corp]}"])
def test_not_does_not_fire_for_the_name_it_excludes(
    cli: Cli, contract_with: Callable[[str], Path], constant: str
) -> None:
    path = contract_with(constant)
    assert verdict(cli, path, "make a deal with Acme Corp") == (0, [])
    assert verdict(cli, path, "make a deal with Globex") == (1, ["no-deal"])


@pytest.mark.parametrize("given", ["acme corp", "Acme Corp", "the ACME corp", "acme_corp"])
def test_a_json_move_is_keyed_as_words_are(
    contract_with: Callable[[str], Path], given: str
) -> None:
    contract = Contract.load(contract_with("Acme Corp"))
    report = contract.check({"kind": "deal", "partner": given}, at="2025-01-01")
    assert [f.rule for f in report.conflicts] == ["no-deal"]


def test_the_report_names_the_partner_as_written(
    cli: Cli, contract_with: Callable[[str], Path]
) -> None:
    code, out, _ = cli(
        "check", contract_with("acme corp"), "-m", "make a deal with Acme Corp", "-v"
    )
    assert code == 1
    assert "no deal with Acme Corp" in out
    assert "acme_corp" not in out


@pytest.mark.parametrize(
    ("move", "code"),
    [
        ("tag it Red Alert", 1),
        ("tag it red alert", 1),
        ("tag it RED-ALERT", 1),
        ("tag it Blue Code", 1),
        ("tag it the blue code", 1),
        ("tag it green", 0),
    ],
)
def test_text_is_compared_without_case(
    cli: Cli, contract_with: Callable[[str], Path], move: str, code: int
) -> None:
    assert verdict(cli, contract_with("Acme Corp"), move)[0] == code


def test_text_with_another_case_is_the_same_instance(
    cli: Cli, contract_with: Callable[[str], Path]
) -> None:
    path = contract_with("Acme Corp")
    code, out, _ = cli(
        "check",
        path,
        "-m",
        "2025-01-01: commission the German localisation",
        "-m",
        "2025-01-02: deliver the german localisation",
        "--at",
        "2025-03-01",
        "-f",
        "json",
    )
    report = json.loads(out)
    assert code == 0, out
    assert report["conflicts"] == []
    assert report["state"]["after"]["deadlines"] == []
    code, out, _ = cli(
        "check", path, "-m", "2025-01-01: commission the German localisation",
        "--at", "2025-03-01",
    )  # fmt: skip
    assert code == 1
    assert "German localisation was not delivered" in out


@pytest.mark.parametrize(
    ("constant", "expected"),
    [
        ("gamma", None),  # an entity's id
        ("Gamma", None),  # its name
        ("'---'", "not a name a move can give"),
        ("Johnson and Johnson", None),  # a move given as JSON can name it
        ("{not: '...'}", "not a name a move can give"),
    ],
)
def test_a_name_no_move_can_give_is_a_load_error(
    contract_with: Callable[[str], Path], constant: str, expected: str | None
) -> None:
    path = contract_with(constant)
    if expected is None:
        Contract.load(path)
        return
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    shown = [str(p) for p in caught.value.problems]
    assert any(expected in p and "rules.yaml:" in p and "partner" in p for p in shown), shown


def test_an_entity_the_field_does_not_take_is_a_load_error(
    write_contract: Callable[..., Path],
) -> None:
    rules = RULES.format(partner="Gamma").replace(
        "partner: {type: name}", "partner: {type: name, of: [other]}"
    )
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(MINIMAL_CONTRACT, rules))
    shown = [str(p) for p in caught.value.problems]
    assert any("rules.yaml:" in p and "which this field does not take" in p for p in shown), shown


SETS = (
    MINIMAL_CONTRACT
    + "sets:\n  - {id: banned, title: banned names, members: [acme-corp, red-alert, gamma]}\n"
)
SET_RULES = RULES.format(partner="{in_set: banned}").replace(
    "label: {in: [red alert, the blue code]}", "label: {in_set: banned}"
)


@pytest.mark.parametrize(
    ("move", "rule"),
    [
        ("make a deal with Acme Corp", "no-deal"),
        ("make a deal with the ACME Corp", "no-deal"),
        ("make a deal with Gamma", "no-deal"),
        ("tag it Red Alert", "no-tag"),
        ("tag it red_alert", "no-tag"),
    ],
)
def test_a_sets_members_are_keyed_as_move_values_are(
    cli: Cli, write_contract: Callable[..., Path], move: str, rule: str
) -> None:
    path = write_contract(SETS, SET_RULES)
    assert verdict(cli, path, move) == (1, [rule])
    assert verdict(cli, path, "make a deal with Globex") == (0, [])


BAN_RULES = (
    SET_RULES
    + """\
  - id: ban
    clause: c1
    kind: trigger
    bearer: beta
    when: {move: commission}
    then: [{add_to_set: {set: banned, entity: the Initech Group}}]
    message: banned
"""
)


def test_a_consequences_constant_is_keyed_and_shown_as_written(
    cli: Cli, write_contract: Callable[..., Path]
) -> None:
    path = write_contract(SETS, BAN_RULES)
    moves = ["commission the manual", "make a deal with INITECH GROUP"]
    assert verdict(cli, path, *moves) == (1, ["no-deal"])
    _, out, _ = cli("check", path, "-m", moves[0], "--at", "2025-01-01")
    assert "Initech Group joined banned names" in out, out
    assert "initech_group" not in out


@pytest.mark.parametrize("given", ["RED ALERT", "the red-alert", "red_alert"])
def test_a_json_text_is_keyed_as_words_are(
    contract_with: Callable[[str], Path], given: str
) -> None:
    contract = Contract.load(contract_with("Acme Corp"))
    report = contract.check({"kind": "tag", "label": given}, at="2025-01-01")
    assert [f.rule for f in report.conflicts] == ["no-tag"]
    assert contract.parse({"kind": "tag", "label": given})[0].fields == {"label": "red_alert"}
