"""The cache of validated contracts (engine/cache.py): it answers only for unchanged files.

Each test copies the bundled contract and its rules into its own folder and its own cache
directory, loads through the public API (`Contract.load(path, cache=True)`) or the CLI, changes
something, and checks that the answer follows the files, never the cache.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from clirun import in_new_process, run_batch
from generate import contract_files, timeline, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine import Contract
from engine.cli import app

ROOT = Path(__file__).resolve().parent.parent
MOVE = "partner with Google Cloud"


@pytest.fixture
def contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONTRACT_ENGINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CONTRACT_ENGINE_NO_CACHE", raising=False)
    (tmp_path / "contracts").mkdir()
    shutil.copy(ROOT / "contracts" / "openai-microsoft.yaml", tmp_path / "contracts")
    shutil.copytree(ROOT / "rules" / "openai-microsoft", tmp_path / "rules" / "openai-microsoft")
    return tmp_path / "contracts" / "openai-microsoft.yaml"


def entries(contract: Path) -> list[Path]:
    return sorted((contract.parent.parent / "cache" / "contracts").glob("*.pickle"))


def test_an_entry_is_written_once_and_answers_while_the_files_are_unchanged(
    contract: Path,
) -> None:
    first = Contract.load(contract, cache=True).check(MOVE)
    [entry] = entries(contract)
    written = entry.stat().st_mtime_ns
    again = Contract.load(contract, cache=True).check(MOVE)
    assert again.to_json() == first.to_json()
    assert first.verdict == "conflict"
    assert entries(contract) == [entry] and entry.stat().st_mtime_ns == written  # read, not rebuilt


def test_an_edited_rule_file_changes_the_answer(contract: Path) -> None:
    assert Contract.load(contract, cache=True).check(MOVE).verdict == "conflict"
    norms = contract.parent.parent / "rules" / "openai-microsoft" / "norms.yaml"
    text = norms.read_text(encoding="utf-8")
    marker = "    severity: blocking\n"
    at = text.index("  - id: azure-exclusivity\n")
    edited = text[:at] + text[at:].replace(marker, "    severity: warning\n", 1)
    norms.write_text(edited, encoding="utf-8")
    report = Contract.load(contract, cache=True).check(MOVE)
    assert report.verdict == "clear"
    assert [(c.rule, c.severity.value) for c in report.conflicts] == [
        ("azure-exclusivity", "warning")
    ]


def test_a_rule_file_added_to_a_listed_folder_is_read(contract: Path) -> None:
    before = Contract.load(contract, cache=True)
    extra = contract.parent.parent / "rules" / "openai-microsoft" / "zz-extra.yaml"
    extra.write_text(
        "norms:\n"
        "  - id: no-aws\n"
        "    clause: azure-exclusivity\n"
        "    kind: prohibition\n"
        "    bearer: openai\n"
        "    when: {move: cloud_partnership, provider: aws}\n"
        "    severity: warning\n"
        "    message: no AWS either\n",
        encoding="utf-8",
    )
    after = Contract.load(contract, cache=True)
    assert "no-aws" not in [n.id for n in before.norms]
    assert "no-aws" in [n.id for n in after.norms]


def test_a_corrupt_entry_is_rebuilt_silently(contract: Path) -> None:
    expected = Contract.load(contract, cache=True).check(MOVE).to_json()
    for entry in entries(contract):
        entry.write_bytes(b"\x80\x05not a pickle at all")
    assert Contract.load(contract, cache=True).check(MOVE).to_json() == expected
    [entry] = entries(contract)
    assert Contract.load(contract, cache=True).check(MOVE).to_json() == expected
    assert b"not a pickle" not in entry.read_bytes()


class _Payload:
    """What a tampered entry would hold: a call of a function outside the engine."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_tampered_entry_cannot_call_anything_outside_the_engine(contract: Path) -> None:
    expected = Contract.load(contract, cache=True).check(MOVE).to_json()
    [entry] = entries(contract)
    with entry.open("rb") as stream:
        header = pickle.load(stream)  # the real header: it passes every check
    marker = contract.parent.parent / "pwned"
    entry.write_bytes(pickle.dumps(header) + pickle.dumps(_Payload(marker)))
    assert Contract.load(contract, cache=True).check(MOVE).to_json() == expected
    assert not marker.exists()


def test_no_cache_reads_and_writes_nothing(contract: Path) -> None:
    done = CliRunner().invoke(app, ["--no-cache", "check", str(contract), "-m", MOVE])
    assert done.exit_code == 1, done.output
    assert "azure-exclusivity" in done.output
    assert entries(contract) == []
    done = CliRunner().invoke(app, ["check", str(contract), "-m", MOVE])
    assert done.exit_code == 1, done.output
    assert len(entries(contract)) == 1


def test_the_environment_variable_turns_the_cache_off(
    contract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTRACT_ENGINE_NO_CACHE", "1")
    assert Contract.load(contract, cache=True).check(MOVE).verdict == "conflict"
    assert entries(contract) == []


def test_old_entries_are_pruned(contract: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.cache

    monkeypatch.setattr(engine.cache, "MAX_ENTRIES", 2)
    copies = []
    for n in range(4):  # four contract paths: four keys
        copy = contract.with_name(f"copy-{n}.yaml")
        shutil.copy(contract, copy)
        copies.append(copy)
        Contract.load(copy, cache=True)
    assert len(entries(contract)) == 2
    assert Contract.load(copies[0], cache=True).check(MOVE).verdict == "conflict"


def test_every_reading_answers_the_same_from_the_cache(contract: Path) -> None:
    """The cache keeps the variants of the disputed clauses (agi-clause: board, panel) with
    their compiled phrases: a warm check of a move the readings disagree on says what a check
    without the cache says, for each reading."""
    move = "declare AGI"
    expected = Contract.load(contract).check(move)
    assert expected.readings is not None and not expected.readings.agree
    Contract.load(contract, cache=True).check(move)  # writes the entry
    warm = Contract.load(contract, cache=True)
    assert warm.check(move).to_json() == expected.to_json()
    panel = {"agi-clause": "panel"}
    fresh = Contract.load(contract).under(panel).check(move)
    assert warm.under(panel).check(move).to_json() == fresh.to_json()


_WARM_CHECK = """
import contextlib, io, sys
sys.argv = ["contract-engine", "check", sys.argv[1], "-m", sys.argv[2]]
from engine.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main()
    except SystemExit as done:
        code = done.code
import engine.model
from pydantic import BaseModel
built = sorted(
    name for name, model in vars(engine.model).items()
    if isinstance(model, type) and issubclass(model, BaseModel) and model.__pydantic_complete__
)
print(code, "built:", built, "amend:", "engine.amend" in sys.modules)
print(out.getvalue().splitlines()[0])
"""


def test_a_warm_check_validates_nothing_of_the_files(contract: Path) -> None:
    """The lean path of `contract-engine check`: with the entry written, a process checking a
    move builds no validator of the file formats (engine/model.py; pydantic builds one when a
    model is first validated, and that is most of loading pydantic's machinery), not even for
    the variants under the other readings: everything comes from the entry."""
    import subprocess
    import sys

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", _WARM_CHECK, str(contract), "declare AGI"],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            check=True,
        )
        return done.stdout.splitlines()

    cold = run()
    assert cold[1].startswith("Verdict: ")
    assert entries(contract)
    warm = run()
    assert warm == [warm[0], cold[1]]
    assert warm[0] == "0 built: [] amend: False", warm  # nor is amendments' rewriting imported


# -- every contract, cold and warm, each in a new process ---------------------------------------
def _corpus() -> list[Path]:
    """Every contract and amendment under contracts/ and tests/contracts/."""
    from engine.sweep import contract_files

    return [
        p for folder in ("contracts", "tests/contracts") for p in contract_files(ROOT / folder)[0]
    ]


def _sample(contract: Contract, kind: str) -> dict[str, Any]:
    """A move of `kind` (JSON) with a value for every field: the first entity it allows, the
    first party, a number within its bounds, the contract's date, words."""
    spec = contract.spec
    move: dict[str, Any] = {"kind": kind}
    if spec.event_kinds[kind].kind.actor is None:
        move["actor"] = next(iter(spec.parties))
    for name, field in spec.event_kinds[kind].kind.fields.items():
        allowed = field.of or []
        if field.type.value in ("entity", "name"):
            fits = [
                e.id
                for e in spec.entities.values()
                if not allowed or e.id in allowed or e.category in allowed
            ]
            move[name] = fits[0] if fits else "Globex"
        elif field.type.value == "party":
            move[name] = next(iter(spec.parties))
        elif field.type.value in ("number", "money"):
            low, high = field.min if field.min is not None else 0, field.max
            move[name] = 100 if high is None or high >= 100 else (low + high) / 2
        elif field.type.value == "date":
            move[name] = contract.as_of.isoformat()
        elif field.type.value == "kind":
            move[name] = kind
        else:
            move[name] = "the work"
    return move


def _commands(path: Path) -> list[tuple[list[str], None]]:
    """What a user asks of a contract on the command line: its phrases, lint, a proof over one
    move, a check of one move of each kind as a timeline, in text and JSON, and under each
    reading of each disputed clause (the API test below checks each move alone and explains
    every clause: in-process, at a fraction of the cost)."""
    contract = Contract.load(path)
    given = str(path.relative_to(ROOT))
    asked = [
        ["phrases", given],
        ["lint", given],
        ["prove", given, "never: conflict", "--depth", "1"],
    ]
    moves = [json.dumps(_sample(contract, kind)) for kind in sorted(contract.spec.event_kinds)]
    timeline = [arg for move in moves for arg in ("-m", move)]
    asked += [["check", given, *timeline, "-v"], ["check", given, *timeline, "--format", "json"]]
    readings = contract.spec.readings
    for clause in readings.clauses if readings is not None else []:
        for name in sorted(clause.readings):
            fixed = ["--reading", f"{clause.clause}={name}"]
            asked.append(["check", given, *timeline, *fixed, "--format", "json"])
    return [(args, None) for args in asked]


_API_BATCH = """
import json, sys
from engine import Contract, explain_id
answers = []
for path, timeline in json.loads(sys.stdin.read()):
    contract = Contract.load(path, cache=True)
    moves = [json.loads(move) for move in timeline]
    answer = [contract.check_timeline(moves).to_json()]
    answer += [contract.check(move).to_json() for move in moves]
    for name in sorted(contract.clauses):
        answer.append(explain_id(contract, name).model_dump_json())
    answers.append(answer)
sys.stdout.write(json.dumps(answers))
"""


def test_every_contract_answers_the_same_cold_and_warm(tmp_path: Path) -> None:
    """Each command once with an empty cache directory (the entries are written), then again in
    a new process that reads them: the same exit code and output, byte for byte, and never an
    internal error. A new process matters: what a first load leaves in a process (anything kept
    beside the contract rather than in it) is not there when a later process reads the entry."""
    commands = [c for path in _corpus() for c in _commands(path)]
    cache = tmp_path / "cache"
    cold = run_batch(commands, cache)
    assert list((cache / "contracts").glob("*.pickle")), "no entry was written"
    warm = run_batch(commands, cache)
    for (args, _), before, after in zip(commands, cold, warm, strict=True):
        assert "internal error" not in before.stderr + after.stderr, (args, before, after)
        assert after == before, args
    codes = {answer.code for answer in cold}
    assert codes <= {0, 1, 2} and 0 in codes and 1 in codes  # the corpus has clear and conflicts


# -- an entry that cannot be read, or does not match, is a miss: ignored and written again ------
def _cli_check(contract: Path) -> tuple[int, str]:
    done = CliRunner().invoke(app, ["check", str(contract), "-m", MOVE, "--format", "json"])
    assert "internal error" not in done.stderr, done.stderr
    return done.exit_code, done.stdout


def _rewritten(contract: Path, spoil: Callable[[Path], None]) -> None:
    """Spoil the entry, then check through the CLI and the API: the answers of a check without
    the cache, and an entry written again that answers the next time."""
    expected = _cli_check(contract)
    [entry] = entries(contract)
    spoil(entry)
    spoilt = entry.read_bytes()
    assert _cli_check(contract) == expected
    [entry] = entries(contract)
    assert entry.read_bytes() != spoilt  # written again
    assert _cli_check(contract) == expected
    spoil(entry)
    api = Contract.load(contract, cache=True).check(MOVE).to_json()
    assert api == Contract.load(contract).check(MOVE).to_json()
    assert entry.read_bytes() != spoilt


def test_a_truncated_entry_is_written_again(contract: Path) -> None:
    def truncate(entry: Path) -> None:
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])

    _rewritten(contract, truncate)


def test_an_entry_of_another_format_version_is_written_again(
    contract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.cache

    def other_version(entry: Path) -> None:
        entry.unlink()
        with monkeypatch.context() as patched:
            patched.setattr(engine.cache, "FORMAT_VERSION", engine.cache.FORMAT_VERSION + 1)
            Contract.load(contract, cache=True)  # an entry as another version writes it
        [written] = entries(contract)
        assert written == entry

    _rewritten(contract, other_version)


def test_an_entry_that_holds_something_else_is_written_again(contract: Path) -> None:
    """A whole entry, its header right, whose content is not a prepared contract (another
    version's shape, or anything else): never handed to the engine."""

    def foreign(entry: Path) -> None:
        with entry.open("rb") as stream:
            header = pickle.load(stream)
        entry.write_bytes(pickle.dumps(header) + pickle.dumps(("not", "a", "contract")))

    _rewritten(contract, foreign)


def test_an_entry_of_unknown_classes_is_written_again(contract: Path) -> None:
    def unknown(entry: Path) -> None:
        with entry.open("rb") as stream:
            header = pickle.load(stream)
        body = (
            pickle.dumps(Path("x"))
            .replace(b"pathlib", b"engine.gone")
            .replace(b"PosixPath", b"Nothing")
        )
        entry.write_bytes(pickle.dumps(header) + body)

    _rewritten(contract, unknown)


def test_every_contract_answers_the_same_cold_and_warm_through_the_api(tmp_path: Path) -> None:
    """`Contract.load(path, cache=True)` in a new process, cold then warm: the same report of
    one move of each kind, alone and as a timeline, and the same explanation of every clause's
    norms."""
    given = []
    for path in _corpus():
        contract = Contract.load(path)
        kinds = sorted(contract.spec.event_kinds)
        given.append([str(path), [json.dumps(_sample(contract, kind)) for kind in kinds]])
    cache = tmp_path / "cache"
    cold = in_new_process(_API_BATCH, given, cache)
    warm = in_new_process(_API_BATCH, given, cache)
    assert len(cold) == len(given)
    for (name, _), before, after in zip(given, cold, warm, strict=True):
        assert after == before, name


_GENERATED_BATCH = """
import json, sys
from engine import Contract
answers = []
for path, timelines in json.loads(sys.stdin.read()):
    contract = Contract.load(path, cache=True)
    answers.append([contract.check(*moves, at=at).to_json() for moves, at in timelines])
sys.stdout.write(json.dumps(answers))
"""


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    generated=st.lists(
        st.tuples(contract_files(), st.lists(timeline(), min_size=3, max_size=3)),
        min_size=8,
        max_size=8,
    )
)
def test_generated_contracts_answer_the_same_cold_and_warm(
    generated: list[tuple[dict[str, Any], list[Any]]],
) -> None:
    """Contracts of every construct (tests/generate.py: every condition, consequence, norm kind,
    values and their expressions, measures), each with timelines, cold then warm, each pass in
    a new process: the same report, byte for byte."""
    with tempfile.TemporaryDirectory() as scratch:
        given = [
            [str(write(files, Path(scratch) / str(n))), timelines]
            for n, (files, timelines) in enumerate(generated)
        ]
        cache = Path(scratch) / "cache"
        cold = in_new_process(_GENERATED_BATCH, given, cache)
        warm = in_new_process(_GENERATED_BATCH, given, cache)
        assert len(list((cache / "contracts").glob("*.pickle"))) == len(given)
    for (path, _), before, after in zip(given, cold, warm, strict=True):
        assert after == before, path
