"""Every sentence of the words corpus (tests/test_words.py), read in full and compared with how it
was read when the file was written (tests/golden/words.json): every field of every move, how it
was read, and the whole message of every refusal, with and without a reference day. A faster
parser must read exactly as the slower one did; a change of reading that is meant is written
again with `UPDATE_GOLDEN=1 python -m pytest tests/test_words_unchanged.py`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, LICENCE
from test_words import ACCEPTED, REFUSED

from engine import Contract, MoveError

GOLDEN = Path(__file__).resolve().parent / "golden" / "words.json"
AT = (None, "2025-09-01")


def read_all(contract: Contract, texts: list[str]) -> dict[str, Any]:
    """How each text reads: its moves as JSON, or the refusal's class and message."""
    out: dict[str, Any] = {}
    for text in texts:
        for at in AT:
            try:
                out[f"{text} | at {at}"] = [
                    m.model_dump(mode="json") for m in contract.parse(text, at=at)
                ]
            except MoveError as error:
                out[f"{text} | at {at}"] = f"{type(error).__name__}: {error}"
    return out


# the licence contract's own sentences (tests/test_words.py reads them for their moves)
LICENCE_TEXTS = [
    "Globex sublicenses to Initech",
    "Globex deployed 600 seats",
    "deploy six hundred seats",
    "600 seats are deployed",
    "the licence is renewed",
    "the customer renewed the licence on 1 Feb 2024, then paid the annual fee in March 2024",
    "sublicense 600 seats to Hooli and Initech",
    "Globex is sublicensing 20 seats to Umbrella",
    "Globex sublicenses to Hooli and Umbrella",
    "Acme renews the licence",
    "sublicense to Initek",
    "sublicense 20 seats to Zorblax Labs on 3 March 2026",
    "20 seats were sublicensed to Initech by Globex",
    "Globex will renew the licence tomorrow",
]


def corpus() -> dict[str, Any]:
    texts = [t for t, _ in ACCEPTED] + [t for t, _ in REFUSED]
    return {
        "contracts": read_all(Contract.load(BUNDLED), texts),
        "licence": read_all(Contract.load(LICENCE), LICENCE_TEXTS + texts),
    }


def test_every_sentence_reads_as_it_did() -> None:
    found = corpus()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert found.keys() == expected.keys()
    changed = [
        f"{name}: {text}\n  was: {expected[name].get(text)}\n  now: {reading}"
        for name, readings in found.items()
        for text, reading in readings.items()
        if expected[name].get(text) != reading
    ]
    assert not changed, "\n".join(changed[:5])
    assert sum(len(r) for r in expected.values()) >= 400


@pytest.mark.parametrize("name", ["contracts", "licence"])
def test_the_golden_file_holds_moves_and_refusals(name: str) -> None:
    readings = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    assert sum(isinstance(r, list) and bool(r) for r in readings.values()) >= 10
    assert sum(isinstance(r, str) for r in readings.values()) >= 10
