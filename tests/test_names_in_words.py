"""A name in a move written in words is the proper noun alone: not the article before it ("the
Cursor" is Cursor), not a possessive after it ("Cursor's IP" names Cursor), and never an amount
written against it ("Cursor $3B" and "Cursor 300USD" are refused: no company, no name).

Written against the words mutants of tests/mutation/mutants.yaml (docs/testing.md)."""

from __future__ import annotations

import re

import pytest

from engine import Contract, ContractEngineError


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("acquire Cursor", "acquisition"),
        ("acquire the Cursor", "acquisition"),
        ("acquire The Cursor", "acquisition"),
        ("withhold Cursor's IP from Microsoft", "ip_withholding"),
    ],
)
def test_a_new_name_is_the_proper_noun_alone(contract: Contract, words: str, kind: str) -> None:
    move = contract.parse_move(words)
    assert (move.kind, move.fields["company"], move.labels) == (
        kind,
        "cursor",
        {"cursor": "Cursor"},
    )


def test_an_amount_against_a_name_is_no_name(contract: Contract) -> None:
    for words in ("Cursor $3B", "Cursor 300USD"):
        with pytest.raises(ContractEngineError, match=rf"takes a name .* not '{re.escape(words)}'"):
            contract.parse_move(f"acquire {words}")
    move = contract.parse_move("acquire Cursor for $3B")
    assert move.fields == {"company": "cursor", "price": 3_000_000_000}
