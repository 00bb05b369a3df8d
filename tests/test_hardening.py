"""Hostile input, limits, concurrency and isolation: the engine keeps working or says clearly why
not, in bounded time and memory, and never mixes up the state of two checks."""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import BUNDLED, MINIMAL_CONTRACT, MINIMAL_RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Contract, ContractFileError, EngineError, MoveError

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""

PHRASES = [
    "partner with Google Cloud",
    "partner with Azure",
    "partner with AWS",
    "declare AGI",
    "acquire Windsurf",
    "acquire Cursor for $2B",
    "withhold Windsurf IP from Microsoft",
    "Microsoft consents to the conversion",
    "Microsoft consents to cloud partnership",
    "convert to a PBC",
    "go public",
    "raise funding from SoftBank",
    "extend Microsoft's model access beyond 2030 in exchange for equity",
    "file an antitrust complaint against Microsoft",
    "build Stargate",
]
dated_moves = st.tuples(
    st.sampled_from(PHRASES),
    st.sampled_from(["", "2025-03-01: ", "2025-12-31: ", "2026-01-02: ", "2031-01-05: "]),
).map(lambda t: t[1] + t[0])
timelines = st.lists(dated_moves, max_size=6)
check_dates = st.sampled_from([None, "2025-07-01", "2026-06-01", "2032-01-01"])


def timed(seconds: float) -> Callable[..., object]:
    def run(action: Callable[[], object]) -> object:
        start = time.perf_counter()
        try:
            return action()
        finally:
            assert time.perf_counter() - start < seconds, "took too long"

    return run


# -- hostile files ---------------------------------------------------------------------------
def test_billion_laughs_in_a_contract_is_refused_fast(write_contract: Callable[..., Path]) -> None:
    path = write_contract(
        contract=MINIMAL_CONTRACT + "x:\n  " + BILLION_LAUGHS.replace("\n", "\n  ")
    )
    with pytest.raises(ContractFileError, match="aliases"):
        timed(1.0)(lambda: Contract.load(path))


def test_billion_laughs_in_a_rule_file_is_refused_fast(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules=BILLION_LAUGHS)
    with pytest.raises(ContractFileError) as caught:
        timed(1.0)(lambda: Contract.load(path))
    assert (
        str(caught.value.problems[0])
        == f"{path.parent / 'rules.yaml'}:2: YAML aliases (*name) are not allowed in contract files"
    )


def test_billion_laughs_in_a_move_is_refused(contract: Contract) -> None:
    bomb = "{" + BILLION_LAUGHS.replace("\n", ", ").rstrip(", ") + ", kind: ipo}"
    with pytest.raises(MoveError, match="aliases"):
        timed(1.0)(lambda: contract.check(bomb))


def test_a_50mb_file_is_refused_without_reading_it(write_contract: Callable[..., Path]) -> None:
    path = write_contract()
    with path.open("ab") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(ContractFileError, match="the limit is 2,097,152"):
        timed(0.5)(lambda: Contract.load(path))


def test_pathological_nesting_is_bounded(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules="x: " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ContractFileError, match="nesting deeper than 48 levels"):
        timed(2.0)(lambda: Contract.load(path))


def test_python_object_tags_never_execute(
    write_contract: Callable[..., Path], tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    path = write_contract(rules=f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ContractFileError, match="not allowed"):
        Contract.load(path)
    assert not marker.exists()


def test_a_list_where_a_mapping_belongs(write_contract: Callable[..., Path]) -> None:
    path = write_contract(rules="- just\n- a list\n")
    with pytest.raises(ContractFileError, match=r"rules\.yaml:1: a rule file must be a mapping"):
        Contract.load(path)


def test_a_rule_file_given_as_the_contract(write_contract: Callable[..., Path]) -> None:
    path = write_contract()
    with pytest.raises(ContractFileError, match="this is a rule file"):
        Contract.load(path.parent / "rules.yaml")


def test_the_norm_limit(
    write_contract: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("engine.validate.MAX_NORMS", 1)
    rules = MINIMAL_RULES + MINIMAL_RULES.split("norms:\n")[1].replace("id: n1", "id: n2")
    with pytest.raises(ContractFileError, match="2 norms; the limit is 1"):
        Contract.load(write_contract(rules=rules))


# -- hostile moves ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "move",
    [
        "",
        "   ",
        "x" * 501,
        "{}",
        "[1, 2]",
        '{"kind": "ipo", "extra": 1}',
        '{"kind": "acquisition"}',
    ],
)
def test_moves_nobody_understands(contract: Contract, move: str) -> None:
    with pytest.raises(MoveError):
        contract.check(move)


def test_the_timeline_limit(contract: Contract) -> None:
    with pytest.raises(MoveError, match="1,001 moves in one check; the limit is 1,000"):
        contract.check(*["build Stargate"] * 1001)


def test_consequences_that_trigger_each_other_forever_are_stopped(
    write_contract: Callable[..., Path],
) -> None:
    rules = (
        MINIMAL_RULES
        + """\
  - id: loop
    clause: c1
    kind: trigger
    bearer: alpha
    when: {change: clause_extended}
    then: [{extend_clause: {clause: c1, until: 2030-01-01}}]
    message: again
  - id: start
    clause: c1
    kind: trigger
    bearer: alpha
    when: {move: deal}
    then: [{extend_clause: {clause: c1, until: 2030-01-01}}]
    message: go
"""
    )
    contract = Contract.load(write_contract(rules=rules))
    with pytest.raises(EngineError, match="triggering each other in a cycle"):
        timed(10.0)(lambda: contract.check("deal with Gamma"))
    assert contract.open_sessions() == 0


# -- errors inside the rule engine ----------------------------------------------------------
def test_an_error_inside_durable_rules_is_raised_not_swallowed(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    import durable_rules_engine

    def broken(handle: int, fact: str) -> tuple[int, int]:
        raise durable_rules_engine.error("Could not assert fact, error code: 101")

    expected = contract.check("go public").to_json()
    monkeypatch.setattr("engine.evaluate._rete.assert_fact", broken)
    with pytest.raises(EngineError, match=r"durable_rules failed in ruleset .*error code: 101"):
        contract.check("go public")
    monkeypatch.undo()
    assert contract.check("go public").to_json() == expected
    assert contract.open_sessions() == 0


def test_a_rule_the_compiler_never_made_is_an_error(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        contract._evaluator.compiled, "roles", {}
    )  # as if durable_rules fired a stranger
    with pytest.raises(EngineError, match="which the compiler never made"):
        contract.check("go public")


# -- isolation, determinism, round trips (properties over generated timelines) ------------------
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.sampled_from(PHRASES), flips=st.lists(st.booleans(), min_size=80, max_size=80))
def test_the_case_of_a_moves_words_changes_nothing_but_its_text(
    contract: Contract, words: str, flips: list[bool]
) -> None:
    # a word's first letter keeps its case: a name hole takes a proper noun ("Cursor", "CURSOR"),
    # and "cursor" is a common word, refused there on purpose
    shouted = "".join(
        c.swapcase() if flip and i and words[i - 1].isalnum() else c
        for i, (c, flip) in enumerate(zip(words, flips, strict=False))
    )
    shouted += words[len(flips) :]
    plain, loud = contract.parse_move(words), contract.parse_move(shouted)
    assert (loud.kind, loud.actor) == (plain.kind, plain.actor)
    # free text and names keep the spelling they were given; everything else is resolved
    assert {k: str(v).lower() for k, v in loud.fields.items()} == {
        k: str(v).lower() for k, v in plain.fields.items()
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a=timelines, b=timelines, at=check_dates)
def test_checks_are_deterministic_and_isolated(
    contract: Contract, a: list[str], b: list[str], at: str | None
) -> None:
    alone = contract.check(*b, at=at).to_json()
    contract.check(*a, at=at)
    again = contract.check(*b, at=at)
    assert again.to_json() == alone
    assert type(again).model_validate_json(again.to_json()) == again


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=timelines, at=check_dates, where=st.integers(0, 6))
def test_a_move_no_norm_covers_adds_only_a_notice(
    contract: Contract, moves: list[str], at: str | None, where: int
) -> None:
    before = json.loads(contract.check(*moves, at=at).to_json())
    more = [*moves]
    more.insert(min(where, len(more)), "build Stargate")
    after = json.loads(contract.check(*more, at=at).to_json())
    assert len(after["notices"]) == len(before["notices"]) + 1

    def without_notices(report: dict[str, object], skip: int) -> dict[str, object]:
        def shift(value: object) -> object:  # move indices after the inserted one move up by one
            return value - 1 if isinstance(value, int) and value > skip else value

        out = {k: v for k, v in report.items() if k not in ("notices", "moves", "state")}
        text = json.dumps(out, sort_keys=True)
        data = json.loads(text)
        for key in ("conflicts", "consequences", "waived", "outcomes"):
            for item in data[key]:
                item["move"] = shift(item["move"])
                item.pop("move_text", None)
                item.pop("date", None)
        return data

    skip = min(where, len(moves))
    stripped_before = without_notices(before, len(moves) + 99)
    stripped_after = without_notices(after, skip)
    for key in ("conflicts", "consequences", "waived", "outcomes"):
        assert stripped_after[key] == stripped_before[key]
    assert after["verdict"] == before["verdict"]
    assert after["state"]["after"]["clauses"] == before["state"]["after"]["clauses"]


# -- concurrency ---------------------------------------------------------------------------------
MIXED = [
    ("partner with Google Cloud",),
    ("declare AGI", "partner with Google Cloud"),
    ("acquire Windsurf", "withhold Windsurf IP from Microsoft"),
    ("go public",),
    ("Microsoft consents to the conversion", "convert to a PBC", "go public"),
    ("raise funding from SoftBank", "2026-02-01: build Stargate"),
    ("build Stargate",),
    ("extend Microsoft's model access beyond 2030", "2031-06-01: acquire Cursor"),
]


def test_eight_threads_two_thousand_checks_each(contract: Contract) -> None:
    expected = {moves: contract.check(*moves).to_json() for moves in MIXED}

    def worker(seed: int) -> list[bool]:
        return [
            contract.check(*MIXED[(seed + i) % len(MIXED)]).to_json()
            == expected[MIXED[(seed + i) % len(MIXED)]]
            for i in range(2000)
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [ok for chunk in pool.map(worker, range(8)) for ok in chunk]
    assert len(results) == 16_000 and all(results)
    assert contract.open_sessions() == 0


_worker_contract: Contract | None = None


def _load_in_worker(path: str) -> None:
    global _worker_contract
    _worker_contract = Contract.load(path)


def _check_in_worker(moves: tuple[str, ...]) -> tuple[str, int]:
    assert _worker_contract is not None
    return _worker_contract.check(*moves).to_json(), _worker_contract.open_sessions()


def test_a_process_pool_gives_the_same_answers(contract: Contract) -> None:
    expected = [contract.check(*moves).to_json() for moves in MIXED * 25]
    with ProcessPoolExecutor(
        max_workers=2, initializer=_load_in_worker, initargs=(str(BUNDLED),)
    ) as pool:
        results = list(pool.map(_check_in_worker, MIXED * 25, chunksize=20))
    assert [r for r, _ in results] == expected
    assert all(open_sessions == 0 for _, open_sessions in results)


def test_contracts_collected_during_checks_do_not_deadlock(contract: Contract) -> None:
    """The garbage collector may free a contract while this thread holds the engine's lock."""
    expected = contract.check("partner with Google Cloud").to_json()
    results: list[bool] = []

    def load_and_check() -> None:
        for _ in range(10):
            Contract.load(BUNDLED)  # garbage at once; only the cycle collector frees it
            for _ in range(3):
                results.append(contract.check("partner with Google Cloud").to_json() == expected)

    old_threshold = gc.get_threshold()
    gc.freeze()  # the test run's own heap would make full collections rare
    gc.set_threshold(1, 1, 1)  # collect on almost every allocation, inside checks too
    try:
        worker = threading.Thread(target=load_and_check, daemon=True)
        worker.start()
        worker.join(timeout=30)
    finally:
        gc.set_threshold(*old_threshold)
        gc.unfreeze()
    assert not worker.is_alive(), "a check deadlocked while a contract was being collected"
    assert len(results) == 30 and all(results)
