"""Sound searches: `prove` agrees with a brute force, and every line `diff` prints replays.

The brute force here is written independently of engine/candidates.py: it knows nothing of
value classes or of the days on which terms change. It tries every value of every field over
a small generated vocabulary (every entity, every number in the range the generated norms use
and one either side, fresh names), and lets time pass to every day of the period the generated
dates fall in, following the documented model of a timeline (a step is a move on the day after
the step before, or time passing to a later day, on which the next move then falls); it asks
the public API's `check` about each timeline. `prove` must say "holds" exactly when the brute
force finds no counterexample, and each counterexample `prove` gives must replay to it.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Contract, DiffResult, ProofResult, Report, diff, prove
from tests.conftest import BUNDLED, ROOT

START = dt.date(2025, 3, 1)
SPAN = 8  # generated dates fall within START .. START + SPAN
ENTITIES = ["e1", "e2", "e3"]
AMOUNTS = [0, 1, 2, 3]  # the constants generated norms test the amount with
FRESH = ["Zed", "Yan"]
AMENDMENTS = ROOT / "contracts" / "amendments"
PAYMENT = ROOT / "tests" / "contracts" / "payment-period"


def day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


# -- small generated contracts --------------------------------------------------------------------
@st.composite
def move_test(draw: st.DrawFn) -> dict[str, Any]:
    """A `when:` or `must:` pattern on k1 (who, amount) or k2 (a name)."""
    kind = draw(st.sampled_from(["k1", "k1", "k2"]))
    when: dict[str, Any] = {"move": kind}
    if kind == "k1":
        which = draw(st.sampled_from(["none", "who", "amount", "both"]))
        if which in ("who", "both"):
            op = draw(st.sampled_from(["eq", "not", "in"]))
            if op == "eq":
                when["who"] = draw(st.sampled_from(ENTITIES))
            elif op == "in":
                when["who"] = {"in": draw(st.lists(st.sampled_from(ENTITIES), min_size=1))}
            else:
                when["who"] = {"not": draw(st.sampled_from(ENTITIES))}
        if which in ("amount", "both"):
            op = draw(st.sampled_from(["gt", "gte", "lt", "lte"]))
            when["amount"] = {op: draw(st.sampled_from(AMOUNTS))}
    elif draw(st.booleans()):
        when["company"] = {draw(st.sampled_from(["in_set", "not_in_set"])): "s1"}
    return when


@st.composite
def small_norm(draw: st.DrawFn, index: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["prohibition", "prohibition", "obligation", "termination"]))
    n: dict[str, Any] = {
        "id": f"n{index}",
        "clause": draw(st.sampled_from(["c1", "c2"])),
        "kind": kind,
        "bearer": "p1",
        "beneficiary": "p2",
        "severity": "blocking",
        "message": "n{index}".replace("{index}", str(index)),
    }
    if kind == "obligation":
        n["must"] = draw(move_test())
        if draw(st.booleans()):
            n["by"] = day(draw(st.integers(1, SPAN)))
        else:
            n["when"] = draw(move_test())
            n["within_days"] = draw(st.integers(1, 3))
    else:
        n["when"] = draw(move_test())
        state = st.sampled_from(
            [{"happened": "k1"}, {"happened": "k2"}, {"flag": "f1"}, {"clause_ended": "c2"}]
        )
        n["unless"] = draw(st.lists(state, max_size=1))
        if kind == "termination":
            n["ends"] = draw(st.sampled_from([["c1"], ["c2"], "partnership"]))
            n["severity"] = "warning"
        elif draw(st.booleans()):
            n["then"] = [{"set_flag": "f1"}]
        if draw(st.integers(0, 2)) == 0:
            start = draw(st.integers(0, SPAN - 1))
            n["from"] = day(start)
            n["until"] = day(draw(st.integers(start, SPAN)))
    return n


@st.composite
def small_contract(draw: st.DrawFn) -> dict[str, Any]:
    """A contract as YAML-ready data: {"contract": ..., "rules": ...}."""
    rules = {
        "event_kinds": [
            {
                "id": "k1",
                "title": "kind one",
                "actor": "p1",
                "fields": {
                    "who": {"type": "entity"},
                    "amount": {"type": "number", "required": False},
                },
                "phrases": ["k1 {who}"],  # with an amount, only JSON says it
            },
            {
                "id": "k2",
                "title": "kind two",
                "actor": "p1",
                "fields": {"company": {"type": "name"}},
                "phrases": ["take over {company}"],
                "effects": [{"add_to_set": {"set": "s1", "entity": "{company}"}}],
            },
        ],
        "norms": [draw(small_norm(i)) for i in range(draw(st.integers(1, 3)))],
    }
    contract = {
        "contract": {
            "id": "small",
            "title": "Small",
            "as_of": START.isoformat(),
            "rules": ["r.yaml"],
        },
        "parties": [{"id": "p1", "name": "P1"}, {"id": "p2", "name": "P2"}],
        "entities": [{"id": e, "name": e.upper()} for e in ENTITIES],
        "clauses": [{"id": c, "title": c, "text": "t", "source": "s"} for c in ("c1", "c2")],
        "sets": [
            {
                "id": "s1",
                "title": "set one",
                "members": draw(st.lists(st.sampled_from(["e1", "acme"]), max_size=2, unique=True)),
            }
        ],
    }
    return {"contract": contract, "rules": rules}


def write(files: dict[str, Any], folder: Path) -> Contract:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "r.yaml").write_text(yaml.safe_dump(files["rules"], sort_keys=False))
    path = folder / "contract.yaml"
    path.write_text(yaml.safe_dump(files["contract"], sort_keys=False))
    return Contract.load(path)


# -- the brute force -------------------------------------------------------------------------------
Step = dict[str, Any] | dt.date  # a move (as JSON) or time passing to a day


def every_move() -> list[dict[str, Any]]:
    moves: list[dict[str, Any]] = []
    for who in ENTITIES:
        moves.append({"kind": "k1", "actor": "p1", "who": who})
        for amount in [-1, *AMOUNTS, AMOUNTS[-1] + 1]:
            moves.append({"kind": "k1", "actor": "p1", "who": who, "amount": amount})
    for company in [*ENTITIES, "Acme", *FRESH]:
        moves.append({"kind": "k2", "actor": "p1", "company": company})
    return moves


def every_day() -> list[dt.date]:
    return [START + dt.timedelta(days=n) for n in range(1, SPAN + 6)]


def scheduled(steps: tuple[Step, ...]) -> tuple[list[dict[str, Any]], dt.date]:
    """The documented model: the first move on the contract's date, each next one on the day
    after the move before, or on the day time passed to; the check date is the last step's."""
    moves = []
    cursor = at = START
    for step in steps:
        if isinstance(step, dt.date):
            at = cursor = step
        else:
            moves.append({**step, "date": cursor.isoformat()})
            at, cursor = cursor, cursor + dt.timedelta(days=1)
    return moves, at


def timelines(depth: int) -> Iterator[tuple[Step, ...]]:
    steps: list[Step] = [*every_move(), *every_day()]
    for n in range(depth + 1):
        for combo in itertools.product(steps, repeat=n):
            _, at = scheduled(combo[:-1])
            if combo and isinstance(combo[-1], dt.date) and combo[-1] <= at:
                continue  # time passes forward only
            yield combo


def brute_force(contract: Contract, depth: int = 2) -> set[str]:
    """What some timeline of up to `depth` steps shows: "conflict", "conflict from RULE" (a
    blocking one), "flag f1 set", "clause c1 ended"."""
    seen: set[str] = set()
    for combo in timelines(depth):
        moves, at = scheduled(combo)
        report = contract.check_timeline(moves, at=at)
        for f in report.conflicts:
            if f.severity.value == "blocking":
                seen |= {"conflict", f"conflict from {f.rule}"}
        after = report.state["after"]
        if "f1" in after.flags:
            seen.add("flag f1 set")
        if after.clauses["c1"].status == "ended":
            seen.add("clause c1 ended")
    return seen


def replayed(contract: Contract, result: ProofResult) -> Report:
    return contract.check_timeline(result.moves(), at=result.at)


# -- prove against the brute force -------------------------------------------------------------------
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files=small_contract())
def test_prove_agrees_with_a_brute_force(files: dict[str, Any], tmp_path: Path) -> None:
    contract = write(files, tmp_path / "c")
    seen = brute_force(contract)
    rules = [f"conflict from {n['id']}" for n in files["rules"]["norms"]]
    for atom in ["conflict", *rules]:
        result = prove(contract, f"never: {atom}", depth=2)
        assert result.outcome in ("holds", "fails"), result.to_text()  # every class covered
        assert (result.outcome == "fails") == (atom in seen), result.to_text()
        if result.outcome == "fails":
            report = replayed(contract, result)
            assert any(
                f.severity.value == "blocking" and atom in ("conflict", f"conflict from {f.rule}")
                for f in report.conflicts
            )
    for state in ("flag f1 set", "clause c1 ended"):
        result = prove(contract, f"reachable: {state}", depth=2)
        assert (result.outcome == "reachable") == (state in seen), result.to_text()


def test_a_fresh_name_taken_over_then_withheld_is_found(tmp_path: Path) -> None:
    """The class of a name nothing declares, used by two moves: the search's fresh name."""
    files = {
        "contract": {
            "contract": {
                "id": "fresh",
                "title": "F",
                "as_of": START.isoformat(),
                "rules": ["r.yaml"],
            },
            "parties": [{"id": "p1", "name": "P1"}, {"id": "p2", "name": "P2"}],
            "entities": [],
            "clauses": [{"id": "c1", "title": "c1", "text": "t", "source": "s"}],
            "sets": [{"id": "s1", "title": "set one", "members": []}],
        },
        "rules": {
            "event_kinds": [
                {
                    "id": "k2",
                    "title": "take-over",
                    "actor": "p1",
                    "fields": {"company": {"type": "name"}},
                    "phrases": ["take over {company}"],
                    "effects": [{"add_to_set": {"set": "s1", "entity": "{company}"}}],
                },
                {
                    "id": "k3",
                    "title": "withholding",
                    "actor": "p1",
                    "fields": {"company": {"type": "name"}},
                    "phrases": ["withhold {company}"],
                },
            ],
            "norms": [
                {
                    "id": "n1",
                    "clause": "c1",
                    "kind": "prohibition",
                    "bearer": "p1",
                    "beneficiary": "p2",
                    "when": {"move": "k3", "company": {"in_set": "s1"}},
                    "severity": "blocking",
                    "message": "no",
                }
            ],
        },
    }
    contract = write(files, tmp_path / "c")
    assert prove(contract, "never: conflict", depth=1).outcome == "holds"
    result = prove(contract, "never: conflict", depth=2)
    assert result.outcome == "fails" and result.exit_code == 1
    assert [s.text for s in result.timeline or []] == ["take over Newco", "withhold Newco"]
    assert replayed(contract, result).verdict == "conflict"


# -- the bundled false "holds" ----------------------------------------------------------------------
def test_the_bundled_false_holds_is_a_counterexample_that_check_replays() -> None:
    command = [sys.executable, "-m", "engine"]
    claim = "never: conflict from ip-withholding"
    out = subprocess.run(
        [*command, "prove", str(BUNDLED), claim, "--depth", "2", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1, out.stderr
    result = ProofResult.model_validate_json(out.stdout)
    assert result.outcome == "fails" and result.timeline
    replay = [arg for move in result.moves() for arg in ("-m", move)]
    if result.at is not None:
        replay += ["--at", result.at.isoformat()]
    readings = [f"--reading={c}={n}" for c, n in (result.readings or {}).items()]
    check = subprocess.run(
        [*command, "check", str(BUNDLED), *replay, *readings, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 1
    assert "ip-withholding" in {c["rule"] for c in json.loads(check.stdout)["conflicts"]}


def test_an_acquisition_is_tried(contract: Contract) -> None:
    """No acquisition was generated at all: its company, a company entity nothing names, was
    swapped for a lower-case fresh name the words refuse."""
    result = prove(contract, "reachable: windsurf in openai-ip", depth=1)
    assert result.outcome == "reachable"
    assert [s.text for s in result.timeline or []] == ["acquire Windsurf"]


def test_a_property_the_search_cannot_cover_is_not_proved(tmp_path: Path) -> None:
    """A number a measure sums: no finite set of values covers it, so no "holds"."""
    files = {
        "contract": {
            "contract": {
                "id": "sums",
                "title": "S",
                "as_of": START.isoformat(),
                "rules": ["r.yaml"],
            },
            "parties": [{"id": "p1", "name": "P1"}, {"id": "p2", "name": "P2"}],
            "clauses": [{"id": "c1", "title": "c1", "text": "t", "source": "s"}],
            "measures": [{"id": "total", "sum": "amount", "of": "k1", "over": "all"}],
        },
        "rules": {
            "event_kinds": [
                {
                    "id": "k1",
                    "title": "sale",
                    "actor": "p1",
                    "fields": {"amount": {"type": "number"}},
                    "phrases": ["sell {amount}"],
                }
            ],
            "norms": [
                {
                    "id": "cap",
                    "clause": "c1",
                    "kind": "prohibition",
                    "bearer": "p1",
                    "beneficiary": "p2",
                    "when": {"move": "k1"},
                    "if": [{"measure": "total", "gt": 1000}],
                    "severity": "blocking",
                    "message": "over the cap",
                }
            ],
        },
    }
    contract = write(files, tmp_path / "c")
    result = prove(contract, "never: conflict", depth=1)
    assert result.outcome == "not-proved" and result.exit_code == 4 and not result.holds
    assert any(gap.startswith("k1.amount: read by measure total") for gap in result.uncovered)
    assert "not covered: k1.amount" in result.to_text()


# -- every line diff prints replays -------------------------------------------------------------------
@functools.cache
def bundled_diff(amendment: str) -> tuple[Contract, Contract, DiffResult]:
    """The bundled contract against one bundled amendment, diffed once for the tests below."""
    a, b = Contract.load(BUNDLED), Contract.load(AMENDMENTS / amendment)
    return a, b, diff(a, b)


def assert_replays(a: Contract, b: Contract, result: DiffResult | None = None) -> int:
    result = result or diff(a, b)
    for change in result.changes:
        at = change.at or result.start
        for contract, side in ((a, change.a), (b, change.b)):
            report = contract.check_timeline(change.moves, at=at)
            assert report.verdict == side.verdict, (change.shown(), contract.id)
    return len(result.changes)


@pytest.mark.parametrize("amendment", sorted(p.name for p in AMENDMENTS.glob("*.yaml")))
def test_every_line_of_a_bundled_diff_replays(amendment: str) -> None:
    assert assert_replays(*bundled_diff(amendment)) > 0


def test_a_two_move_change_after_agi_is_found(contract: Contract) -> None:
    """Access after AGI: withholding a set member's IP after declaring AGI breaks the amended
    contract, not the original (under its default reading)."""
    _, _, result = bundled_diff("access-after-agi.yaml")
    change = next(c for c in result.changes if any("ip-withholding" in h for h in c.how))
    assert len(change.moves) == 2 and change.moves[0].endswith("declare AGI")
    assert change.b.verdict == "conflict" and "ip-withholding" in change.b.blocking


def test_the_equity_line_says_what_check_says(contract: Contract) -> None:
    _, _, result = bundled_diff("equity-for-access.yaml")
    line = next(c for c in result.changes if c.moves and "extend" in c.moves[-1])
    report = contract.check_timeline(line.moves, at=line.at or result.start)
    assert line.a.verdict == report.verdict == "conflict"


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(first=small_contract(), second=small_contract())
def test_every_line_of_a_generated_diff_replays(
    first: dict[str, Any], second: dict[str, Any], tmp_path: Path
) -> None:
    a = write(first, tmp_path / "a")
    b = write(second, tmp_path / "b")
    assert_replays(a, b)


def test_a_payment_period_change_is_found_without_moves() -> None:
    """30 days to pay become 45: only time shows it, and the diff finds it by itself."""
    a = Contract.load(PAYMENT / "contract.yaml")
    b = Contract.load(PAYMENT / "amendment-45-days.yaml")
    result = diff(a, b)
    late = [c for c in result.changes if c.a.verdict == "conflict" and c.b.verdict == "clear"]
    assert late, result.to_text()
    assert late[0].moves == ["2026-01-05: deliver the goods"]
    assert late[0].at == dt.date(2026, 2, 5)  # due on 4 February under 30 days, not under 45
    assert assert_replays(a, b, result) == len(result.changes)


def test_given_timelines_get_the_verdict_check_gives(contract: Contract) -> None:
    """Declaring AGI ends the partnership under the board's reading only: `check` says
    conflict (the panel's reading), and so does the diff's line, which says why."""
    relaxed = Contract.load(AMENDMENTS / "azure-relaxed.yaml")
    moves = ["declare AGI", "partner with Google Cloud"]
    result = diff(contract, relaxed, [moves])
    (change,) = result.changes
    assert change.a.verdict == contract.check(*moves).verdict == "conflict"
    assert change.b.verdict == relaxed.check(*moves).verdict == "clear"
    assert change.how == [
        "the same findings under the default readings; "
        "blocking under some reading: azure-exclusivity -> none"
    ]


def test_a_word_one_version_tests_is_tried_as_a_name_that_reads(tmp_path: Path) -> None:
    """A diff tries each version's tested words in the name fields it reads too; a text
    constant of several words ("secret plans") is given as a proper noun there, so that every
    candidate reads and nothing is reported as not covered."""
    kinds = [
        {
            "id": "deal",
            "title": "deal",
            "actor": "alpha",
            "fields": {"partner": {"type": "name"}},
            "phrases": ["make a deal with {partner}"],
        },
        {
            "id": "note",
            "title": "note",
            "actor": "alpha",
            "fields": {"topic": {"type": "text"}},
            "phrases": ["write a note about {topic}"],
        },
    ]
    contract = {
        "contract": {"id": "notes", "title": "Notes", "as_of": "2025-07-01", "rules": ["r.yaml"]},
        "parties": [{"id": "alpha", "name": "Alpha Corp"}],
        "clauses": [{"id": "c1", "title": "C1", "text": "t", "source": "s"}],
    }
    norm = {
        "id": "no-secret-note",
        "clause": "c1",
        "kind": "prohibition",
        "bearer": "alpha",
        "when": {"move": "note", "topic": "secret plans"},
        "message": "secret",
    }
    contract["entities"] = [{"id": "omega", "name": "Omega Labs", "category": "partner"}]
    contract["sets"] = [{"id": "banned", "title": "banned firms", "members": ["omega", "acme"]}]
    omega = {  # a norm that reads the name field by its set, so that its candidates are tried
        "id": "no-banned",
        "clause": "c1",
        "kind": "prohibition",
        "bearer": "alpha",
        "when": {"move": "deal", "partner": {"in_set": "banned"}},
        "message": "banned",
    }
    wider = {**norm, "when": {"move": "note", "topic": {"in": ["secret plans", "budget"]}}}
    a = write(
        {"contract": contract, "rules": {"event_kinds": kinds, "norms": [omega, norm]}},
        tmp_path / "a",
    )
    b = write(
        {"contract": contract, "rules": {"event_kinds": kinds, "norms": [omega, wider]}},
        tmp_path / "b",
    )
    result = diff(a, b)
    assert result.uncovered == [], result.to_text()
    assert [c.moves for c in result.changes] == [["2025-07-01: write a note about budget"]]
