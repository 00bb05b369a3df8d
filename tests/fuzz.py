"""Fuzz targets for the two doors hostile text comes in by: the contract loader and the move parser.

Each target is a hypothesis test whose only rule is: the engine answers, or it raises one of its
own errors with a message a user can act on. Any other exception, a hang or a traceback is a bug.

The default test run (tests/test_fuzz.py) runs every target for a few hundred examples. For a
longer, time-bounded run that feeds hypothesis random bytes (fuzz_one_input):

    python tests/fuzz.py --seconds 600            # every target, 600 s each
    python tests/fuzz.py --seconds 60 --target moves

A crash prints the input and exits 1; put it in tests/test_fuzz.py as a regression case.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import Contract, ContractFileError, MoveError  # noqa: E402

BUNDLED = ROOT / "contracts" / "openai-microsoft.yaml"
FILES = {  # the files of the bundled contract, as the loader sees them: name -> text
    "contract.yaml": BUNDLED.read_text(encoding="utf-8").replace(
        "../rules/openai-microsoft", "rules"
    ),
    "rules/moves.yaml": (ROOT / "rules/openai-microsoft/moves.yaml").read_text(encoding="utf-8"),
    "rules/norms.yaml": (ROOT / "rules/openai-microsoft/norms.yaml").read_text(encoding="utf-8"),
}
SECONDS_PER_INPUT = 10.0
_workdir = Path(tempfile.mkdtemp(prefix="contract-engine-fuzz-"))
_contract: Contract | None = None


def bundled() -> Contract:
    global _contract
    if _contract is None:
        _contract = Contract.load(BUNDLED)
        # the one-off costs (verb forms, the date parser's import) are not what the bounds
        # below are about: they catch a move whose own words take long to read
        _contract.parse("OpenAI partnered with Oracle on 3 March 2026")
    return _contract


# -- mutations -----------------------------------------------------------------------------------
YAML_NOISE = [*":-[]{}&*!|>'\"#%@`,?\t\n ", "  ", "\n  ", "- ", ": ", "!!", "*a", "&a ", "~"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["2025-13-40", "2025-07-01", "azure", "google_cloud", "{x}", "blocking"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def text_edit(draw: st.DrawFn, text: str) -> str:
    """Change the text at one place: insert noise, delete a span or repeat a line."""
    at = draw(st.integers(0, len(text)))
    how = draw(st.sampled_from(["insert", "delete", "repeat", "truncate"]))
    if how == "insert":
        noise = draw(st.lists(st.sampled_from(YAML_NOISE) | st.text(max_size=4), max_size=4))
        return text[:at] + "".join(noise) + text[at:]
    if how == "delete":
        return text[:at] + text[at + draw(st.integers(1, 40)) :]
    if how == "truncate":
        return text[:at]
    lines = text.splitlines(keepends=True)
    line = draw(st.integers(0, max(len(lines) - 1, 0)))
    return "".join(lines[: line + 1] + lines[line:])


@st.composite
def tree_edit(draw: st.DrawFn, text: str) -> str:
    """Change the parsed data at one place: drop a key, retype a value or add a stranger."""
    data = yaml.safe_load(text)
    node: Any = data
    for _ in range(draw(st.integers(0, 5))):  # walk down a random path
        children = (
            list(node)
            if isinstance(node, dict)
            else list(range(len(node)))
            if isinstance(node, list)
            else []
        )
        if not children:
            break
        key = draw(st.sampled_from(children))
        if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
            break
        node = node[key]
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node, key=str)))
        how = draw(st.sampled_from(["drop", "retype", "add"]))
        if how == "drop":
            del node[key]
        elif how == "retype":
            node[key] = draw(values)
        else:
            node[draw(st.text(min_size=1, max_size=10))] = draw(values)
    elif isinstance(node, list) and node:
        index = draw(st.integers(0, len(node) - 1))
        if draw(st.booleans()):
            node.append(node[index])  # a duplicate: duplicate ids
        else:
            node[index] = draw(values)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def mutated_files(draw: st.DrawFn) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(FILES)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(FILES)))
        text = files[name]
        assert isinstance(text, str)
        how = draw(st.sampled_from(["text", "tree", "tree", "bytes"]))
        if how == "text":
            files[name] = draw(text_edit(text))
        elif how == "bytes":
            raw = text.encode()
            at = draw(st.integers(0, len(raw)))
            files[name] = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
            break  # bytes cannot be edited as text again
        else:
            try:
                files[name] = draw(tree_edit(text))
            except yaml.YAMLError:
                files[name] = draw(text_edit(text))
    return files


# -- targets -------------------------------------------------------------------------------------
def _bounded(seconds: float, started: float, what: str) -> None:
    spent = time.perf_counter() - started
    assert spent < seconds, f"{what} took {spent:.1f} s (bound {seconds} s)"


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(files=mutated_files())
def fuzz_loader(files: dict[str, str | bytes]) -> None:
    """A mutated contract loads, or fails with ContractFileError naming the file and a line."""
    folder = _workdir / "loader"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "rules").mkdir(parents=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    started = time.perf_counter()
    try:
        contract = Contract.load(folder / "contract.yaml")
    except ContractFileError as error:
        assert error.problems, "a ContractFileError with no problem in it"
        for problem in error.problems:
            assert problem.message.strip(), f"an empty message: {problem}"
            assert problem.file.endswith(".yaml"), f"no file named: {problem}"
        _bounded(SECONDS_PER_INPUT, started, "refusing the contract")
        return
    # what loads must also check; the mutation may have renamed the phrase or the party
    with contextlib.suppress(MoveError):
        contract.check("partner with Google Cloud", "declare AGI")
    _bounded(SECONDS_PER_INPUT, started, "loading and checking")


PIECES = [
    "partner with",
    "Google Cloud",
    "GCP",
    "AWS",
    "acquire",
    "Windsurf",
    "for",
    "$3B",
    "$",
    "declare AGI",
    "withhold",
    "IP from Microsoft",
    "Microsoft consents to",
    "the conversion",
    "convert to a PBC",
    "go public",
    "raise funding from SoftBank",
    "2025-07-01:",
    "2025-02-30:",
    "{",
    "}",
    "kind:",
    "acquisition",
    '"company":',
    "date:",
    "{x}",
    "(.*)",
    "\\",
    "\u0301",
    "\x00",
]
words = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), min_size=1, max_size=8).map(
    " ".join
)
as_data = st.fixed_dictionaries(
    {"kind": st.sampled_from(["acquisition", "cloud_partnership", "agi_declaration", "x"])},
    optional={
        "company": values,
        "provider": values,
        "price": values,
        "date": values,
        "actor": values,
        "extra": values,
    },
)
moves = st.one_of(
    words,
    st.text(max_size=60),
    as_data,
    as_data.map(lambda d: json.dumps(d, default=str)),
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(move=moves, more=st.lists(words, max_size=2))
def fuzz_moves(move: str | dict[str, Any], more: list[str]) -> None:
    """Any text or data given as a move parses, or fails with MoveError; what parses checks."""
    contract = bundled()
    started = time.perf_counter()
    try:
        parsed = contract.parse_move(move)
    except MoveError as error:
        assert str(error).strip()
        _bounded(1.0, started, "refusing the move")
        return
    assert parsed.kind in contract.spec.event_kinds
    try:
        report = contract.check(parsed, *more)
    except MoveError as error:
        assert str(error).strip()
        return
    assert report.verdict in ("clear", "conflict")
    _bounded(1.0, started, "checking the move")


TARGETS = {"loader": fuzz_loader, "moves": fuzz_moves}


# -- the time-bounded runner ---------------------------------------------------------------------
def run(name: str, seconds: float, seed: int) -> int:
    """Feed random buffers to one target until the time is up; return the number of crashes."""
    target = TARGETS[name]
    fuzz_one_input = target.hypothesis.fuzz_one_input  # type: ignore[attr-defined]
    rng = random.Random(seed)
    runs = crashes = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        buffer = rng.randbytes(rng.choice([64, 256, 1024, 4096]))
        runs += 1
        try:
            fuzz_one_input(buffer)
        except Exception:  # a crash: show it and keep the input to replay
            crashes += 1
            found = ROOT / "fuzz-findings"
            found.mkdir(exist_ok=True)
            (found / f"{name}-{seed}-{runs}.bin").write_bytes(buffer)
            print(f"\n{name}: crash on input {runs} (saved in {found})", file=sys.stderr)
            traceback.print_exc()
    print(f"{name}: {runs:,} inputs in {seconds:,.0f} s, {crashes} crash(es)")
    return crashes


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="time per target (default 60)")
    parser.add_argument("--target", choices=sorted(TARGETS), action="append", help="default: all")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "0")))
    args = parser.parse_args()
    crashes = sum(run(name, args.seconds, args.seed) for name in args.target or sorted(TARGETS))
    shutil.rmtree(_workdir, ignore_errors=True)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
