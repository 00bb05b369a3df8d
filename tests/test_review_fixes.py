"""Regressions from the independent review (plan/review-snapshot.md), through the public API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BUNDLED, MINIMAL_CONTRACT, MINIMAL_RULES

from engine import Contract, ContractFileError, MoveError

# -- a clause's tail after a termination by notice counts from the day the partnership ends ----
TAIL_CONTRACT = MINIMAL_CONTRACT.replace(
    "clauses:\n  - {id: c1, title: Clause one, text: Some text., source: test}\n",
    "clauses:\n"
    "  - {id: c1, title: Clause one, text: Some text., source: test, survives: {months: 12}}\n"
    "  - {id: c2, title: Term, text: Some text., source: test}\n",
)
TAIL_RULES = MINIMAL_RULES.replace(
    "norms:\n",
    """\
  - id: quit
    title: notice of termination
    phrases: ["{actor} gives notice"]
  - id: noop
    title: nothing
    actor: alpha
    phrases: ["do nothing"]
norms:
  - id: leave
    clause: c2
    kind: termination
    bearer: either
    when: {move: quit}
    takes_effect: {days_after: 90}
    ends: partnership
    message: ends 90 days after notice
""",
)


def test_a_clause_tail_counts_from_the_day_a_notice_ends_the_partnership(
    write_contract: Callable[..., Path],
) -> None:
    contract = Contract.load(write_contract(TAIL_CONTRACT, TAIL_RULES))
    notice = "2025-03-01: Beta gives notice"  # takes effect 2025-05-30: c1 runs to 2026-05-29
    late = contract.check(notice, "2026-05-29: deal with Gamma", at="2026-05-29")
    assert [f.rule for f in late.conflicts] == ["n1"]
    after = contract.check(notice, "2026-05-30: deal with Gamma", at="2026-05-30")
    assert after.conflicts == []
    # a move between the notice and its effect does not move the tail's start
    moved = contract.check(
        notice, "2025-05-25: do nothing", "2026-05-29: deal with Gamma", at="2026-05-29"
    )
    assert [f.rule for f in moved.conflicts] == ["n1"]


# -- a move given as data gets the same actor check as words; an obligation is met by its bearer --
def test_a_data_move_by_a_party_the_kind_does_not_allow_is_refused(
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    move = '{"kind":"cloud_partnership","provider":"google_cloud","actor":"microsoft"}'
    code, out, err = cli("check", BUNDLED, "-m", move)
    assert code == 2 and "only OpenAI may" in err and "CONFLICT" not in out
    words = Contract.load(BUNDLED)
    with pytest.raises(MoveError, match="only OpenAI may"):
        words.check({"kind": "cloud_partnership", "provider": "google_cloud", "actor": "Microsoft"})


PAY_RULES = MINIMAL_RULES.replace(
    "norms:\n",
    """\
  - id: pay
    title: payment
    phrases: ["{actor} pays"]
norms:
  - id: alpha-pays
    clause: c1
    kind: obligation
    bearer: alpha
    must: {move: pay}
    by: 2025-03-01
    message: Alpha did not pay by {due}
""",
)


def test_an_obligation_is_not_met_by_a_party_that_does_not_bear_it(
    write_contract: Callable[..., Path],
) -> None:
    contract = Contract.load(write_contract(MINIMAL_CONTRACT, PAY_RULES))
    by_beta = contract.check("2025-02-01: Beta pays", at="2025-04-01")
    assert [f.rule for f in by_beta.conflicts] == ["alpha-pays"]
    by_alpha = contract.check(
        {"kind": "pay", "actor": "alpha", "date": "2025-02-01"}, at="2025-04-01"
    )
    assert by_alpha.conflicts == []


# -- a `bearer: either` norm cannot override itself, nor be overridden by one it overrides ------
EITHER_RULES = MINIMAL_RULES.replace(
    """    bearer: alpha
    when: {move: deal, with: gamma}
    message: no deal with {with}
""",
    """    bearer: either
    when: {move: deal, with: gamma}
    overrides: [OVERRIDDEN]
    message: no deal with {with}
  - id: n2
    clause: c1
    kind: prohibition
    bearer: either
    when: {move: deal}
    OTHER
    message: no deal
""",
).replace("    actor: alpha\n", "")


def test_an_either_norm_overriding_itself_is_refused_with_its_line(
    write_contract: Callable[..., Path],
) -> None:
    rules = EITHER_RULES.replace("OVERRIDDEN", "n1").replace("    OTHER\n", "")
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(MINIMAL_CONTRACT, rules))
    (problem,) = caught.value.problems
    assert problem.file.endswith("rules.yaml") and problem.line == 13  # the overrides line
    assert problem.message == "norms[n1].overrides: a norm cannot override itself"


def test_either_norms_overriding_each_other_are_refused(
    write_contract: Callable[..., Path],
) -> None:
    rules = EITHER_RULES.replace("OVERRIDDEN", "n2").replace("OTHER", "overrides: [n1]")
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(MINIMAL_CONTRACT, rules))
    assert any("override each other" in p.message for p in caught.value.problems)


# -- keyed consent from `other` in a `bearer: either` norm ---------------------------------------
CONSENT_RULES = """\
event_kinds:
  - id: assignment
    title: assignment
    fields:
      to: {type: name}
    phrases: ["{actor} assigns the agreement to {to}"]
  - id: consent
    title: consent
    fields:
      to: {type: name}
    phrases: ["{actor} consents to assignment to {to}"]
norms:
  - id: needs-consent
    clause: c1
    kind: consent
    bearer: either
    consent_of: other
    when: {move: assignment}
    unless: [{consent: {from: other, for: assignment, on: to}}]
    message: "{actor} assigned the agreement to {to} without consent."
  - id: record-consent
    clause: c1
    kind: trigger
    bearer: either
    when: {move: consent}
    then: [{record_consent: {from: "{actor}", for: assignment, on: "{to}"}}]
    message: "{actor} consented to assignment to {to}."
"""


def test_a_keyed_consent_from_other_is_the_other_partys(
    write_contract: Callable[..., Path],
) -> None:
    contract = Contract.load(write_contract(MINIMAL_CONTRACT, CONSENT_RULES))
    consent = "2025-03-01: Alpha consents to assignment to Umbrella"
    assert (
        contract.check(consent, "2025-03-02: Beta assigns the agreement to Umbrella").conflicts
        == []
    )
    to_initech = contract.check(consent, "2025-03-02: Beta assigns the agreement to Initech")
    assert [f.rule for f in to_initech.conflicts] == ["needs-consent@beta"]
    own = contract.check(
        "2025-03-01: Beta consents to assignment to Umbrella",
        "2025-03-02: Beta assigns the agreement to Umbrella",
    )
    assert [f.rule for f in own.conflicts] == ["needs-consent@beta"]


# -- a far-off check date is bad input, not a rule cycle -----------------------------------------
def test_a_check_date_centuries_away_is_refused_with_the_limit(
    write_contract: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    path = write_contract()
    code, _, err = cli("check", path, "-m", "deal with Gamma", "--at", "9999-12-31")
    assert code == 2 and "more than 100 years after the contract's start" in err
    assert "2125-01-01" in err and "cycle" not in err
    code, _, err = cli("check", path, "-m", "2300-01-01: deal with Gamma")
    assert code == 2 and "2300-01-01" in err


def test_time_passing_that_sets_off_too_many_changes_is_bad_input(
    write_contract: Callable[..., Path],
) -> None:
    daily = MINIMAL_CONTRACT.replace(
        "  rules: [rules.yaml]\n",
        "  rules: [rules.yaml]\n  term: {start: 2025-01-01, initial: {days: 1}, renews: {days: 1}}\n",
    )
    contract = Contract.load(write_contract(daily))
    assert contract.check("deal with Gamma", at="2030-01-01") is not None
    with pytest.raises(MoveError, match="letting time pass up to 2124-12-31 sets off more than"):
        contract.check("deal with Gamma", at="2124-12-31")


# -- validation errors say what the author wrote and what is expected -------------------------
def _problems(write_contract: Callable[..., Path], rules: str) -> list[str]:
    with pytest.raises(ContractFileError) as caught:
        Contract.load(write_contract(MINIMAL_CONTRACT, rules))
    return [p.message for p in caught.value.problems]


def test_validation_errors_name_the_norm_and_the_choices(
    write_contract: Callable[..., Path],
) -> None:
    obligation = MINIMAL_RULES.replace(
        "    kind: prohibition\n    bearer: alpha\n    when: {move: deal, with: gamma}\n",
        "    kind: obligation\n    bearer: alpha\n    when: {move: deal}\n"
        "    must: {move: deal}\n    by: 2025-06-01\n    INSERT\n",
    )
    (restart,) = _problems(write_contract, obligation.replace("INSERT", "restart: on_fulfil"))
    assert restart.startswith("norms[n1]: 'restart: on_fulfil' needs 'within_days'")
    (instances,) = _problems(write_contract, obligation.replace("INSERT", "instances: every"))
    assert instances == (
        "norms.0.instances: expected 'each', 'once' or a mapping "
        "(see `contract-engine schema rules`) (got 'every')"
    )
    (kind,) = _problems(write_contract, MINIMAL_RULES.replace("prohibition", "prohibiton"))
    assert kind.endswith("(got 'prohibiton') (did you mean 'prohibition'?)")


def test_an_override_typo_suggests_the_norm_id_the_author_wrote(
    write_contract: Callable[..., Path],
) -> None:
    rules = EITHER_RULES.replace("OVERRIDDEN", "n3").replace("    OTHER\n", "")
    rules = rules.replace("  - id: n2\n", "  - id: n3x\n")
    (problem,) = _problems(write_contract, rules)
    assert problem.startswith("norms[n1].overrides: unknown norm 'n3' (did you mean 'n3x'?)")
    assert "@" not in problem


# -- a phrase that can never fill a required field is refused ---------------------------------
def test_a_phrase_that_never_fills_a_required_field_is_refused(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES.replace(
        'phrases: ["deal with {with}"]', 'phrases: ["deal with {with}", "make a deal"]'
    )
    (problem,) = _problems(write_contract, rules)
    assert "'make a deal' never fills the required field 'with'" in problem
    optional = rules.replace("with: {type: entity}", "with: {type: entity, required: false}")
    assert (
        Contract.load(write_contract(MINIMAL_CONTRACT, optional)).check("make a deal").conflicts
        == []
    )


# -- one move meets every open deadline whose bound conditions it satisfies --------------------
MFN_RULES = """\
event_kinds:
  - id: discount
    title: discount
    actor: alpha
    fields:
      customer: {type: name}
      percent: {type: number}
    phrases: ["give {customer} a {percent} percent discount"]
  - id: renewal
    title: renewal
    actor: alpha
    phrases: ["renew"]
  - id: pay
    title: payment
    actor: alpha
    phrases: ["pay"]
norms:
  - id: match
    clause: c1
    kind: obligation
    bearer: alpha
    when: {move: discount, customer: {not: beta}}
    must: {move: discount, customer: beta, percent: {gte: "{percent}"}}
    within_days: 30
    message: "Beta was not given {percent}% by {due}."
  - id: pay-per-renewal
    clause: c1
    kind: obligation
    bearer: alpha
    when: {move: renewal}
    must: {move: pay}
    within_days: 30
    message: "A renewal was not paid by {due}."
"""


def test_one_bound_move_meets_every_deadline_it_satisfies_an_unbound_one_meets_one(
    write_contract: Callable[..., Path],
) -> None:
    contract = Contract.load(write_contract(MINIMAL_CONTRACT, MFN_RULES))
    both = contract.check(
        "2025-03-01: give Gamma a 10 percent discount",
        "2025-03-10: give Umbrella a 15 percent discount",
        "2025-03-20: give Beta a 15 percent discount",
        at="2025-05-01",
    )
    assert both.conflicts == []
    short = contract.check(
        "2025-03-01: give Gamma a 10 percent discount",
        "2025-03-10: give Umbrella a 15 percent discount",
        "2025-03-20: give Beta a 12 percent discount",
        at="2025-05-01",
    )
    assert [f.rule for f in short.conflicts] == ["match"]  # the 15% duty is still missed
    once = contract.check(
        "2025-03-01: renew", "2025-03-02: renew", "2025-03-03: pay", at="2025-05-01"
    )
    assert [f.rule for f in once.conflicts] == ["pay-per-renewal"]


def test_a_bad_mapping_or_key_in_a_rule_file_is_a_plain_problem(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES.replace("with: {type: entity}", "with: {type: entity}\n      0: ~")
    problems = _problems(write_contract, rules)
    assert any("expected a mapping of its fields" in p for p in problems)
    assert not any("instance of" in p for p in problems)


# -- a number field's range: a negative purchase cannot lower a sum -----------------------------
RESELLER = Path(__file__).resolve().parent.parent / "contracts" / "reseller-partnership.yaml"


def test_a_move_outside_its_fields_range_is_refused_in_words_and_data() -> None:
    contract = Contract.load(RESELLER)
    with pytest.raises(MoveError, match=r"seats: -5 is below its minimum, 1$"):
        contract.parse("buy -5 seats")
    with pytest.raises(MoveError, match=r"discount: 140 is above its maximum, 100$"):
        contract.check({"kind": "discount_given", "customer": "wingtip", "discount": 140})
    (move,) = contract.parse("buy 5 seats")
    assert move.fields["seats"] == 5


def test_a_range_on_a_field_that_is_not_a_number_is_refused(
    write_contract: Callable[..., Path],
) -> None:
    rules = MINIMAL_RULES.replace("with: {type: entity}", "with: {type: entity, min: 0}")
    (problem,) = _problems(write_contract, rules)
    assert problem == "event_kinds[deal].fields.with.min: only number and money fields take 'min'"
    rules = MINIMAL_RULES.replace(
        "      with: {type: entity}\n",
        "      with: {type: entity}\n      size: {type: number, min: 10, max: 1, required: false}\n",
    )
    (problem,) = _problems(write_contract, rules)
    assert problem.endswith("min 10 is above max 1")

    rules = MINIMAL_RULES.replace(
        "      with: {type: entity}\n",
        "      with: {type: entity}\n      size: {type: number, min: 0, default: -5}\n",
    )
    (problem,) = _problems(write_contract, rules)
    assert problem.endswith("size.default: -5 is outside the field's range (0..)")


def test_a_reading_that_breaks_another_norm_is_named_in_the_error(tmp_path: Path) -> None:
    import shutil

    root = Path(__file__).resolve().parent.parent
    for folder in ("contracts", "rules"):
        shutil.copytree(root / folder, tmp_path / folder)
    contract = tmp_path / "contracts" / "reseller-partnership.yaml"
    text = contract.read_text(encoding="utf-8")
    contract.write_text(
        text.replace("remove: [legacy-carve-out]", "remove: [non-compete]"), encoding="utf-8"
    )
    with pytest.raises(ContractFileError) as caught:
        Contract.load(contract)
    (problem,) = caught.value.problems
    assert problem.message.startswith(
        "under reading narrow of non-compete: norms[legacy-carve-out].overrides: unknown norm"
    )
