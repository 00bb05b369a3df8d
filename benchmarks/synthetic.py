"""Synthetic contracts of any size, written as YAML files and read through the same loader as users'.

A contract of N norms spreads them over 50 event kinds (`k00` .. `k49`, one rule file each, one
clause per kind). Within a kind, norms come in groups of three that share a counterparty and differ
in the amount above which they forbid the deal (0, 100, 1,000), so a move "k07 deal with c0 worth
5000" breaks one to three norms whatever N is. The same conditions are handed to the baselines
as plain tuples, so every evaluator answers the same question.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

KINDS = 50
THRESHOLDS = (0, 100, 1_000)


@dataclass(frozen=True)
class Condition:
    """One norm's condition: the move kind, the counterparty and the amount it must exceed."""

    norm: str
    kind: str
    counterparty: str
    above: int


@dataclass(frozen=True)
class Probe:
    """A move to check, as words and as fields, with the norms that it must break."""

    words: str
    kind: str
    counterparty: str
    amount: int
    breaks: tuple[str, ...]


def conditions(norms: int) -> list[Condition]:
    found = []
    for i in range(norms):
        within = i // KINDS  # the norm's position within its kind
        found.append(
            Condition(
                norm=f"n{i:05d}",
                kind=f"k{i % KINDS:02d}",
                counterparty=f"c{within // len(THRESHOLDS)}",
                above=THRESHOLDS[within % len(THRESHOLDS)],
            )
        )
    return found


def probes(norms: int, count: int = 10) -> list[Probe]:
    """Moves that each break between one and three norms (first groups of the first kinds)."""
    conds = conditions(norms)
    found = []
    for i in range(min(count, norms)):
        kind, amount = f"k{i % KINDS:02d}", (5_000, 500, 50)[i % 3]
        breaks = tuple(
            c.norm for c in conds if (c.kind, c.counterparty) == (kind, "c0") and amount > c.above
        )
        found.append(Probe(f"{kind} deal with c0 worth {amount}", kind, "c0", amount, breaks))
    return found


def write_contract(folder: Path, norms: int) -> Path:
    """Write the contract and its rule files under `folder`; return the contract's path."""
    folder.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[Condition]] = {}
    for cond in conditions(norms):
        by_kind.setdefault(cond.kind, []).append(cond)
    rule_files = []
    for k in range(KINDS):
        kind = f"k{k:02d}"
        rules = {
            "event_kinds": [
                {
                    "id": kind,
                    "title": f"deal of kind {kind}",
                    "actor": "acme",
                    "fields": {
                        "counterparty": {"type": "name"},
                        "amount": {"type": "number"},
                    },
                    "phrases": [f"{kind} deal with {{counterparty}} worth {{amount}}"],
                }
            ],
            "norms": [
                {
                    "id": c.norm,
                    "clause": f"clause-{kind}",
                    "kind": "prohibition",
                    "bearer": "acme",
                    "severity": "blocking" if c.above else "warning",
                    "when": {
                        "move": kind,
                        "counterparty": c.counterparty,
                        "amount": {"gt": c.above},
                    },
                    "message": f"no {kind} deal with {{counterparty}} above {c.above}",
                }
                for c in by_kind.get(kind, [])
            ],
        }
        (folder / f"{kind}.yaml").write_text(yaml.safe_dump(rules, sort_keys=False))
        rule_files.append(f"{kind}.yaml")
    contract = {
        "contract": {
            "id": f"synthetic-{norms}",
            "title": f"Synthetic contract with {norms} norms",
            "as_of": "2025-01-01",
            "rules": rule_files,
        },
        "parties": [{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}],
        "clauses": [
            {
                "id": f"clause-k{k:02d}",
                "title": f"Deals of kind k{k:02d}",
                "text": "-",
                "source": "-",
            }
            for k in range(KINDS)
        ],
    }
    path = folder / "contract.yaml"
    path.write_text(yaml.safe_dump(contract, sort_keys=False))
    return path
