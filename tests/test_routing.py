"""The routing index: a large route split by its key field must reach every norm that can match.

durable_rules compares loosely ('7' equals 7); a Python dict does not. So every value that meets
the index is text on both sides, and these tests pin that down at the size where routes split.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine import Contract
from engine.routing import PARTITION_FROM


def _codes_contract(folder: Path, norms: int) -> Path:
    """Issuing a numbered code records a consent; one norm forbids each code, keyed on `for`."""
    rules = {
        "event_kinds": [
            {
                "id": "issue",
                "title": "issuing a code",
                "actor": "acme",
                "fields": {"code": {"type": "number"}},
                "phrases": ["issue code {code}"],
                "effects": [{"record_consent": {"from": "{actor}", "for": "{code}"}}],
            }
        ],
        "norms": [
            {
                "id": f"n{i}",
                "clause": "c",
                "kind": "prohibition",
                "bearer": "acme",
                "when": {"change": "consent_recorded", "for": i},
                "message": f"code {i} is forbidden",
            }
            for i in range(1, norms + 1)
        ],
    }
    contract = {
        "contract": {"id": "codes", "title": "Codes", "as_of": "2025-01-01", "rules": ["r.yaml"]},
        "parties": [{"id": "acme", "name": "Acme"}],
        "clauses": [{"id": "c", "title": "Codes", "text": "-", "source": "-"}],
    }
    (folder / "r.yaml").write_text(yaml.safe_dump(rules))
    (folder / "contract.yaml").write_text(yaml.safe_dump(contract))
    return folder / "contract.yaml"


@pytest.mark.parametrize("norms", [PARTITION_FROM - 1, PARTITION_FROM, 40])
def test_a_number_filled_into_a_change_reaches_its_norm(tmp_path: Path, norms: int) -> None:
    report = Contract.load(_codes_contract(tmp_path, norms)).check("issue code 7")
    assert [f.rule for f in report.conflicts] == ["n7"]
    assert report.state["after"].consents == ["acme consented to 7"]
    # below the split every norm of the route explains itself; above it, only the key's bucket
    assert report.other_norms == (0 if norms < PARTITION_FROM else norms - 1)
