"""Bad input gets a clear error naming file:line, the field and what was expected; never a
traceback, never a silent wrong answer. One test per kind of mistake."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_CONTRACT, MINIMAL_RULES

from engine import Contract, ContractFileError, MoveError


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    return [str(p) for p in caught.value.problems]


def only_problem(path: Path) -> str:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


def test_malformed_yaml(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("    title: deal\n", "    title: [deal\n"))
    message = only_problem(path)
    assert message.startswith(f"{path.parent / 'rules.yaml'}:")
    assert "expected ',' or ']'" in message


def test_python_tag_is_refused(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        contract=MINIMAL_CONTRACT.replace(
            "title: Mini", "title: !!python/object/apply:os.system [echo hi]"
        )
    )
    assert (
        only_problem(path)
        == f"{path}:3: tags such as !!python/... are not allowed: rule files are data, not code"
    )


def test_yaml_alias_is_refused(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        contract=MINIMAL_CONTRACT.replace("title: Mini", "title: &t Mini").replace(
            "source: test}", "source: *t}"
        )
    )
    assert (
        only_problem(path) == f"{path}:12: YAML aliases (*name) are not allowed in contract files"
    )


def test_duplicate_key(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        contract=MINIMAL_CONTRACT.replace("  title: Mini\n", "  title: Mini\n  title: Again\n")
    )
    assert only_problem(path) == f"{path}:4: duplicate key 'title'"


def test_empty_file(write_contract: Callable[..., Path]) -> None:
    path = write_contract(contract="# nothing here\n")
    assert only_problem(path) == f"{path}: the file is empty"


def test_non_utf8_bytes(write_contract: Callable[..., Path]) -> None:
    path = write_contract()
    path.write_bytes(MINIMAL_CONTRACT.encode() + b"# caf\xe9\n")
    assert only_problem(path) == f"{path}:13: the file is not valid UTF-8 text"


def test_file_too_large(write_contract: Callable[..., Path]) -> None:
    path = write_contract()
    path.write_bytes(MINIMAL_CONTRACT.encode() + b"#" * (3 * 1024 * 1024))
    assert "the limit is 2,097,152" in only_problem(path)


def test_deep_nesting(write_contract: Callable[..., Path]) -> None:
    path = write_contract()
    path.write_text(MINIMAL_CONTRACT + "extra: " + "[" * 100 + "]" * 100 + "\n")
    assert "nesting deeper than 48 levels" in only_problem(path)


def test_unknown_field_with_suggestion(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        rules=MINIMAL_RULES.replace("    message: no deal", "    mesage: no deal")
    )
    found = problems_of(path)
    rules = path.parent / "rules.yaml"
    assert (
        f"{rules}:14: norms.0.mesage: unknown field 'mesage' (did you mean 'message'?)" in found[1]
    )
    assert found[0] == f"{rules}:9: norms.0.message: missing required field 'message'"


def test_wrong_type(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("kind: prohibition", "kind: forbidden"))
    message = only_problem(path)
    assert message.startswith(
        f"{path.parent / 'rules.yaml'}:11: norms.0.kind: Input should be 'prohibition'"
    )
    assert "(got 'forbidden')" in message


def test_norm_naming_a_missing_clause(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("clause: c1", "clause: c1x"))
    assert only_problem(path) == (
        f"{path.parent / 'rules.yaml'}:10: norms[n1].clause: unknown clause 'c1x' (did you mean 'c1'?); known: c1"
    )


def test_norm_naming_a_missing_party(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("bearer: alpha", "bearer: alfa"))
    assert only_problem(path) == (
        f"{path.parent / 'rules.yaml'}:12: norms[n1].bearer: unknown party 'alfa' (did you mean 'alpha'?); known: alpha, beta"
    )


def test_norm_naming_a_missing_event_kind(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("when: {move: deal,", "when: {move: dael,"))
    message = only_problem(path)
    assert message.startswith(
        f"{path.parent / 'rules.yaml'}:13: norms[n1].when.move: unknown event kind 'dael' (did you mean 'deal'?)"
    )


def test_norm_naming_a_missing_field(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        rules=MINIMAL_RULES.replace(
            "when: {move: deal, with: gamma}", "when: {move: deal, wiht: gamma}"
        )
    )
    message = only_problem(path)
    assert message.startswith(
        f"{path.parent / 'rules.yaml'}:13: norms[n1].when: 'wiht' is not a field of deal (did you mean 'with'?)"
    )


def test_condition_naming_an_unknown_entity(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("with: gamma}", "with: gama}"))
    assert "unknown entity 'gama' (did you mean 'gamma'?)" in only_problem(path)


def test_date_that_does_not_parse(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        contract=MINIMAL_CONTRACT.replace("as_of: 2025-01-01", "as_of: 2025-13-01")
    )
    message = only_problem(path)
    assert message.startswith(f"{path}:4: contract.as_of: Input should be a valid date")
    assert "(got '2025-13-01')" in message


def test_duplicate_ids(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        contract=MINIMAL_CONTRACT + "  - {id: c1, title: Again, text: t, source: s}\n"
    )
    assert only_problem(path) == f"{path}:13: clauses: duplicate id 'c1'"


def test_duplicate_norm_ids(write_contract: Callable[..., Path]) -> None:
    rules = MINIMAL_RULES + MINIMAL_RULES.split("norms:\n")[1]
    path = write_contract(rules=rules)
    assert only_problem(path).startswith(
        f"{path.parent / 'rules.yaml'}:15: norms: duplicate id 'n1'"
    )


def test_message_template_naming_a_missing_field(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        rules=MINIMAL_RULES.replace("no deal with {with}", "no deal with {partner}")
    )
    assert only_problem(path).endswith("norms[n1].message: '{partner}' is not a field of the move")


@pytest.mark.parametrize(
    ("phrase", "problem"),
    [
        # found by the loader fuzzer: two phrases run together into one line
        (
            "deal with {with} - sign with {with}",
            "'{with}' appears more than once; expected each field at most once",
        ),
        ("deal with {{with}}", "braces go only around a field name"),
        ("deal with {With}", "braces go only around a field name"),
    ],
)
def test_phrase_holes_that_the_parser_could_not_use(
    write_contract: Callable[..., Path], phrase: str, problem: str
) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace('"deal with {with}"', f'"{phrase}"'))
    assert only_problem(path).startswith(
        f"{path.parent / 'rules.yaml'}:7: event_kinds[deal].phrases: '{phrase}': {problem}"
    )


@pytest.mark.parametrize(
    ("message", "written"),
    [
        ("no deal with {with!r}", "{with!r}"),
        ("no deal with {with:,}", "{with:,}"),
        ("no deal with {with:>{with}}", "{with:>{with}}"),  # a width the move's words would set
        ("no deal with {with.name}", "{with.name}"),
        ("no deal with {}", "{}"),
    ],
)
def test_message_holes_are_field_names_only(
    write_contract: Callable[..., Path], message: str, written: str
) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("no deal with {with}", f"'{message}'"))
    assert only_problem(path) == (
        f"{path.parent / 'rules.yaml'}:14: norms[n1].message: '{written}' is not a hole: "
        "a hole is a field name in braces, as in {provider}"
    )


def test_message_with_unbalanced_braces(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("no deal with {with}", "'no deal {with'"))
    assert "norms[n1].message: unbalanced braces" in only_problem(path)


def test_unknown_consequence(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES + "    then: [{end_partnershp: true}]\n")
    assert "unknown consequence 'end_partnershp' (did you mean 'end_partnership'?)" in only_problem(
        path
    )


def test_kind_specific_key_missing(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=MINIMAL_RULES.replace("kind: prohibition", "kind: consent"))
    assert "a consent norm needs 'consent_of'" in only_problem(path)


@pytest.mark.parametrize(
    ("kind", "extra", "accepts"),
    [
        ("prohibition", "    grants: a right\n", "only the keys every norm takes"),
        ("prohibition", "    on: 2025-06-01\n", "only the keys every norm takes"),
        ("trigger", "    ends: partnership\n", "only the keys every norm takes"),
    ],
)
def test_key_of_another_kind_is_refused(
    write_contract: Callable[..., Path], kind: str, extra: str, accepts: str
) -> None:
    """A key of one norm kind on another used to be accepted and ignored."""
    rules = MINIMAL_RULES.replace("kind: prohibition", f"kind: {kind}") + extra
    key = extra.split(":")[0].strip()
    message = only_problem(write_contract(rules=rules))
    assert f"rules.yaml:15: norms[n1].{key}: '{key}' is not a key of a {kind} norm" in message
    assert accepts in message


def test_key_of_another_kind_names_what_the_kind_accepts(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES.replace("kind: prohibition", "kind: termination").replace(
        "    message:", "    ends: partnership\n    must: {move: deal}\n    message:"
    )
    assert (
        "(it belongs to: obligation); a termination accepts 'ends', 'takes_effect'"
        in only_problem(write_contract(rules=rules))
    )


def test_missing_rule_file(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        contract=MINIMAL_CONTRACT.replace("rules: [rules.yaml]", "rules: [nowhere.yaml]")
    )
    assert (
        only_problem(path)
        == f"{path}:5: contract.rules: no file or folder 'nowhere.yaml' next to the contract"
    )


def test_all_problems_reported_together(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        rules=MINIMAL_RULES.replace("clause: c1", "clause: c2").replace(
            "bearer: alpha", "bearer: zed"
        )
    )
    assert len(problems_of(path)) == 2


def test_unknown_phrase_suggests_close_ones(contract: Contract) -> None:
    with pytest.raises(
        MoveError, match=re.escape('closest known phrases: "partner with {provider}"')
    ):
        contract.check("partner wiht Google Cloud")


def test_phrase_with_unknown_entity(contract: Contract) -> None:
    with pytest.raises(
        MoveError, match=r"unknown provider 'Foo Cloud'.*known: Amazon Web Services"
    ):
        contract.check("partner with Foo Cloud")


def test_move_as_data_with_unknown_kind(contract: Contract) -> None:
    with pytest.raises(
        MoveError,
        match="unknown move kind 'cloud_partner' \\(did you mean 'cloud_partnership'\\?\\)",
    ):
        contract.check({"kind": "cloud_partner", "provider": "aws"})


def test_move_as_json_with_alias_bomb_is_refused(contract: Contract) -> None:
    with pytest.raises(MoveError, match="aliases"):
        contract.check('{"kind": &a "x", "provider": *a}')


def test_bad_check_date(contract: Contract) -> None:
    with pytest.raises(MoveError, match="'2025-02-30' is not a date; expected YYYY-MM-DD"):
        contract.check("declare AGI", at="2025-02-30")


SET_RULES = """\
event_kinds:
  - id: approval
    title: approval
    actor: alpha
    fields:
      item: {type: entity}
    phrases: ["approve {item}"]
    effects:
      - add_to_set: {set: "SETNAME", entity: "{item}"}
norms:
  - id: n1
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: approval, item: gamma}
    message: blocked
"""
SET_CONTRACT = (
    MINIMAL_CONTRACT
    + """\
sets:
  - {id: approved-by-alpha, title: approved by Alpha}
  - {id: approved-by-beta, title: approved by Beta}
"""
)


def test_set_name_template_with_a_typo_is_refused(write_contract: Callable[..., Path]) -> None:
    """`{set: "aproved-by-{actor}"}` used to create a new set silently."""
    path = write_contract(
        contract=SET_CONTRACT, rules=SET_RULES.replace("SETNAME", "aproved-by-{actor}")
    )
    message = only_problem(path)
    assert (
        "effects.add_to_set.set: 'aproved-by-{actor}' names set 'aproved-by-alpha' when actor is alpha"
        in message
    )
    assert "(did you mean 'approved-by-alpha'?)" in message


def test_set_name_template_must_cover_every_value(write_contract: Callable[..., Path]) -> None:
    contract = SET_CONTRACT.replace("  - {id: approved-by-beta, title: approved by Beta}\n", "")
    path = write_contract(
        contract=contract, rules=SET_RULES.replace("SETNAME", "approved-by-{actor}")
    )
    assert (
        "names set 'approved-by-beta' when actor is beta, and there is no such set"
        in only_problem(path)
    )


def test_set_name_template_that_names_declared_sets_loads(
    write_contract: Callable[..., Path],
) -> None:
    path = write_contract(
        contract=SET_CONTRACT, rules=SET_RULES.replace("SETNAME", "approved-by-{actor}")
    )
    report = Contract.load(path).check("approve Gamma")
    assert report.state["after"].sets["approved-by-alpha"] == ["gamma"]


def test_set_name_from_a_free_field_must_match_some_declared_set(
    write_contract: Callable[..., Path],
) -> None:
    rules = SET_RULES.replace("SETNAME", "aproved-{note}").replace(
        "item: {type: entity}", "item: {type: entity}\n      note: {type: name, required: false}"
    )
    message = only_problem(write_contract(contract=SET_CONTRACT, rules=rules))
    assert "'aproved-{note}' can name no declared set" in message


def test_a_member_that_is_not_an_id_is_said_in_words(write_contract: Callable[..., Path]) -> None:
    """A value that must be an id gets what an id is and the id meant, with file:line, not
    pydantic's regular expression."""
    path = write_contract(
        contract=MINIMAL_CONTRACT + "sets:\n  - {id: banned, title: Banned, members: [Acme Corp]}\n"
    )
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    (problem,) = caught.value.problems
    assert problem.line == 14  # the sets item, after the 13 lines of the minimal contract
    assert "expected an id" in problem.message and "'acme_corp'" in problem.message
    assert "pattern" not in problem.message
