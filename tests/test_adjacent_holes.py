"""Two holes side by side ("give {customer} {pct} percent off"): the words between the phrase's
other words may be split between them in several ways; the reading keeps the split whose every
field reads as its type, refuses as ambiguous when several splits read differently, and says why
when none does (tests/contracts/adjacent-holes/)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Contract, MoveError

Cli = Callable[..., tuple[int, str, str]]
CONTRACT = ROOT / "tests" / "contracts" / "adjacent-holes" / "contract.yaml"


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.load(CONTRACT)


@pytest.mark.parametrize(
    ("text", "customer", "pct"),
    [
        ("give Zeta Corp 5 percent off", "zeta_corp", 5),
        ("give Thinking Machines Lab 12 percent off", "thinking_machines_lab", 12),
        ("give Thinking Machines Lab five percent off", "thinking_machines_lab", 5),
        ("give Zeta Corp twenty five percent off", "zeta_corp", 25),
        ("Northwind gave Zeta Corp 5 percent off", "zeta_corp", 5),
        ("give Zeta 40 percent off", "zeta", 40),  # one word each: as before
    ],
)
def test_a_name_of_several_words_before_a_number(
    contract: Contract, text: str, customer: str, pct: int
) -> None:
    (move,) = contract.parse(text)
    assert move.kind == "discount"
    assert move.fields == {"customer": customer, "pct": pct}


def test_parse_reads_the_split_that_reads(cli: Cli) -> None:
    code, out, err = cli("parse", CONTRACT, "give Thinking Machines Lab five percent off")
    assert (code, err) == (0, "")
    assert "customer: thinking_machines_lab" in out
    assert "pct: 5" in out


def test_check_judges_the_split_that_reads(cli: Cli) -> None:
    code, out, _ = cli("check", CONTRACT, "-m", "give Zeta Corp 40 percent off")
    assert code == 1
    assert "Verdict: CONFLICT" in out
    assert "discount-cap" in out
    code, out, _ = cli("check", CONTRACT, "-m", "give Zeta Corp 5 percent off")
    assert code == 0
    assert "Verdict: CLEAR" in out


def test_two_names_side_by_side_that_split_two_ways_are_refused(
    contract: Contract, cli: Cli
) -> None:
    with pytest.raises(MoveError) as caught:
        contract.parse("introduce Acme Corp Globex")
    message = str(caught.value)
    assert "reads 2 ways" in message
    assert "give the move as JSON to say which" in message
    assert "buyer=acme, seller=corp_globex" in message
    assert "buyer=acme_corp, seller=globex" in message
    code, _, err = cli("parse", CONTRACT, "introduce Acme Corp Globex")
    assert code == 2
    assert "reads 2 ways" in err
    code, _, err = cli("check", CONTRACT, "-m", "introduce Acme Corp Globex")
    assert code == 2
    assert "reads 2 ways" in err


def test_two_names_side_by_side_that_split_one_way_read(contract: Contract) -> None:
    (move,) = contract.parse("introduce Acme Globex")
    assert move.fields == {"buyer": "acme", "seller": "globex"}


def test_the_refusals_advice_works(contract: Contract) -> None:
    """Given as JSON, the move says which words are which name."""
    (move,) = contract.parse('{"kind": "introduction", "buyer": "Acme Corp", "seller": "Globex"}')
    assert move.fields == {"buyer": "acme_corp", "seller": "globex"}


def test_no_split_reads_and_the_refusal_says_why(contract: Contract, cli: Cli) -> None:
    with pytest.raises(MoveError, match=r"pct: 'Corp lots' is not a number"):
        contract.parse("give Zeta Corp lots percent off")
    code, _, err = cli("parse", CONTRACT, "give Zeta Corp lots percent off")
    assert code == 2
    assert "is not a number" in err
    assert "Traceback" not in err


def test_a_long_run_of_words_is_bounded(contract: Contract) -> None:
    """Many words between the holes: the splits tried are bounded, the answer still comes."""
    words = " ".join(f"Word{i}" for i in range(60))
    with pytest.raises(MoveError):
        contract.parse(f"introduce {words}")


def test_api_check_judges_the_split_that_reads(contract: Contract) -> None:
    report = contract.check("give Thinking Machines Lab forty percent off")
    assert report.verdict == "conflict"
    assert [f.rule for f in report.conflicts] == ["discount-cap"]
    assert contract.check("give Thinking Machines Lab five percent off").verdict == "clear"


_WORD = st.from_regex(r"[A-Z][a-z]{2,7}", fullmatch=True).filter(
    lambda w: w.lower() not in {"the", "and", "for", "from", "with", "then", "its", "our", "her"}
)


@settings(max_examples=40, deadline=None, database=None)
@given(words=st.lists(_WORD, min_size=1, max_size=4), pct=st.integers(0, 99))
def test_any_name_before_any_number_reads_one_way(
    contract: Contract, words: list[str], pct: int
) -> None:
    """A name of one to four capitalised words, then a number: exactly one split reads."""
    name = " ".join(words)
    (move,) = contract.parse(f"give {name} {pct} percent off")
    assert move.fields["pct"] == pct
    assert move.labels[str(move.fields["customer"])] == name
