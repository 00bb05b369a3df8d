"""Issue 21: one answer on every path. A corpus of checks (every contract under contracts/ and
tests/contracts/, generated contracts that use every construct, checks with and without
readings, waivers, amendments) goes through every door: the Python API (cold, and through the
cache cold and warm), the CLI's text, JSON and each --format (cold cache, warm cache and
--no-cache), HTTP, MCP (its structured result and its summary text), the page (the JSON it
renders from, and what page.js's `view` makes of it, run by node), `check_many` and `sweep`.
Each door's verdict, counts and finding ids must be the API summary's (tests/conformance.py
reads each door's own output).
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import pytest
from conformance import (
    View,
    api_view,
    github_view,
    json_view,
    junit_view,
    markdown_view,
    mcp_text_view,
    page_views,
    same,
    sarif_view,
    text_view,
)
from conftest import ROOT
from fastapi.testclient import TestClient
from generate import contract_files, timeline, write
from hypothesis import HealthCheck, Phase, given, settings
from typer.testing import CliRunner

from engine import Contract
from engine.cli import app
from engine.sweep import sweep

FORMATS = ("github", "markdown", "sarif", "junit")
NODE = shutil.which("node")
GENERATED = 6  # generated contracts in the corpus


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # from the root of the repository
    moves: tuple[Any, ...]
    at: str | None = None
    waivers: dict[str, str] = field(default_factory=dict)
    readings: dict[str, str] = field(default_factory=dict)

    @property
    def file(self) -> Path:
        return ROOT / self.path


OPENAI = "contracts/openai-microsoft.yaml"
AGI_THEN_GOOGLE = ("declare AGI", "partner with Google Cloud")
CASES = [
    Case("one-conflict", OPENAI, ("partner with Google Cloud",)),
    Case("a-warning", OPENAI, ("acquire Windsurf for $3B", "partner with Google Cloud")),
    Case("readings-differ", OPENAI, AGI_THEN_GOOGLE),
    Case("reading-fixed", OPENAI, AGI_THEN_GOOGLE, readings={"agi-clause": "panel"}),
    Case(
        "waived",
        OPENAI,
        ("partner with Google Cloud", "withhold Chatgpt IP from Microsoft"),
        waivers={"azure-exclusivity": "the board agreed"},
    ),
    Case("clear", OPENAI, ("2025-09-01: declare AGI",), at="2025-10-01"),
    Case(
        "reseller",
        "contracts/reseller-partnership.yaml",
        ("2026-02-01: Contoso distributes Adatum products",),
    ),
    Case(
        "amended-access",
        "contracts/amendments/access-after-agi.yaml",
        ("declare AGI", "extend Microsoft's model access beyond 2030"),
    ),
    Case(
        "amended-azure", "contracts/amendments/azure-relaxed.yaml", ("partner with Google Cloud",)
    ),
    Case(
        "amended-equity",
        "contracts/amendments/equity-for-access.yaml",
        ("2031-01-01: extend Microsoft's model access beyond 2030 in exchange for equity",),
    ),
    Case(
        "amended-ip", "contracts/amendments/ip-without-windsurf.yaml", ("acquire Windsurf for $3B",)
    ),
    Case(
        "duties-deadlines",
        "tests/contracts/duties/contract.yaml",
        ("2025-03-01: give notice of termination", "2025-05-30: report defect D-1"),
    ),
    Case(
        "duties-discount",
        "tests/contracts/duties/contract.yaml",
        ("give Acme a 40 percent discount",),
        at="2025-02-01",
    ),
    Case("licence", "tests/contracts/licence/contract.yaml", ("deploy 900 seats",), "2025-03-01"),
    Case(
        "licence-readings",
        "tests/contracts/licence-readings/contract.yaml",
        ("deploy 900 seats", "sublicense to Initech"),
        at="2025-03-01",
    ),
    Case(
        "past-deadline",
        "tests/contracts/past-deadline/contract.yaml",
        (
            {"kind": "k2", "who": "e3", "until": "2025-04-06", "date": "2025-06-17", "actor": "p1"},
            {"kind": "k3", "who": "e4", "amount": 29, "date": "2026-08-15", "actor": "p1"},
            {"kind": "k1", "who": "e2", "until": "2025-11-23", "actor": "p1"},
        ),
        at="2025-03-27",
    ),
    Case(
        "same-day-measure",
        "tests/contracts/same-day-measure/contract.yaml",
        ({"kind": "k1", "who": "e1", "amount": 1, "date": "2025-01-02", "actor": "p2"},),
        at="2025-01-01",
    ),
    Case(
        "supply",
        "tests/contracts/supply/contract.yaml",
        ("buy 500 seats", "change prices by 20 percent", "assign the agreement to Fabrikam"),
    ),
    Case(
        "no-move",  # "what is overdue on 2025-06-01?"
        "tests/contracts/duties/contract.yaml",
        (),
        at="2025-06-01",
    ),
]


def _generated(count: int) -> list[Case]:
    """`count` generated contracts with a timeline each (tests/generate.py: every construct of
    the rule language), the same on every run (derandomized), written to a directory of this
    run."""
    drawn: list[tuple[dict[str, Any], tuple[list[dict[str, Any]], str]]] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(files=contract_files(), moves=timeline().filter(lambda t: bool(t[0])))
    def collect(files: dict[str, Any], moves: tuple[list[dict[str, Any]], str]) -> None:
        drawn.append((files, moves))

    collect()
    root = Path(tempfile.mkdtemp(prefix="contract-engine-conformance-"))
    cases = []
    for i, (files, (moves, at)) in enumerate(drawn[:count]):
        path = write(files, root / f"g{i}")
        cases.append(Case(f"generated-{i}", str(path), tuple(moves), at))
    return cases


CASES += _generated(GENERATED)


def _cases() -> list[Any]:
    """The corpus as parameters, each named by its case."""
    return [pytest.param(c, id=c.name) for c in CASES]


def _word(move: Any) -> str:
    return move if isinstance(move, str) else json.dumps(move)


# -- the API: the reference every door is compared with -------------------------------------------
@functools.cache
def _expected(
    path: Path, moves: str, at: str | None, waivers: str, readings: str, by_rule: bool = False
) -> View:
    """The API's view of one check, cold (the contract loaded from its files)."""
    report = Contract.load(path).check_timeline(
        json.loads(moves), at=at, waivers=json.loads(waivers), readings=json.loads(readings)
    )
    assert report.summary == report.model_copy().summary  # deterministic
    return api_view(report.summary, by_rule=by_rule)


def expected(
    case: Case, waivers: bool = True, readings: bool = True, by_rule: bool = False
) -> View:
    """The API's view of `case`, without its waivers or readings for a door that cannot say
    them (the page takes no readings, MCP no waivers, sweep neither)."""
    return _expected(
        case.file,
        json.dumps(case.moves),
        case.at,
        json.dumps(case.waivers if waivers else {}),
        json.dumps(case.readings if readings else {}),
        by_rule,
    )


# -- the command line -----------------------------------------------------------------------------
def _args(case: Case, *extra: str) -> list[str]:
    args = ["check", str(case.file)]
    for move in case.moves:
        args += ["-m", _word(move)]
    if case.at:
        args += ["--at", case.at]
    for rule, reason in case.waivers.items():
        args += ["--waive", f"{rule}={reason}"]
    for clause, reading in case.readings.items():
        args += ["--reading", f"{clause}={reading}"]
    return [*args, *extra]


def _cli(case: Case, *extra: str) -> str:
    """The CLI's output for `case`, without the cache of validated contracts."""
    result = CliRunner().invoke(app, ["--no-cache", *_args(case, *extra)])
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    want = 1 if expected(case).whole.verdict == "conflict" else 0
    assert result.exit_code == want, result.output
    return result.stdout


# A fresh process reads the cache the first one wrote: the CLI's JSON and the API's, per case.
_WARM = """
import json, sys
from typer.testing import CliRunner
from engine import Contract
from engine.cli import app
out = []
for case in json.load(sys.stdin):
    one = {}
    result = CliRunner().invoke(app, case["args"])
    one["cli"] = result.stdout if result.exit_code in (0, 1) else None
    one["cli_error"] = f"exit {result.exit_code}: {result.output} {result.exception!r}"
    try:
        report = Contract.load(case["file"], cache=True).check_timeline(
            case["moves"], at=case["at"], waivers=case["waivers"], readings=case["readings"]
        )
        one["api"] = report.to_json()
    except Exception as error:
        one["api"], one["api_error"] = None, repr(error)
    out.append(one)
json.dump(out, sys.stdout)
"""


@pytest.fixture(scope="module")
def through_the_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every case through a fresh cache: the CLI's JSON and the API here (cold: the entries
    are written), then both again in a new process (warm: the entries are read)."""
    cases = CASES
    seen: dict[str, dict[str, Any]] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTRACT_ENGINE_CACHE", str(tmp_path_factory.mktemp("cache")))
        patch.delenv("CONTRACT_ENGINE_NO_CACHE", raising=False)
        for case in cases:
            result = CliRunner().invoke(app, _args(case, "-f", "json"))
            seen[case.name] = {"cold cli": result.stdout, "cold exit": result.exit_code}
            try:
                api = Contract.load(case.file, cache=True).check_timeline(
                    list(case.moves), at=case.at, waivers=case.waivers, readings=case.readings
                )
                seen[case.name]["cold api"] = api.to_json()
            except Exception as error:  # said by the test of this case
                seen[case.name]["cold api"] = repr(error)
        task = [
            {
                "args": _args(case, "-f", "json"),
                "file": str(case.file),
                "moves": list(case.moves),
                "at": case.at,
                "waivers": case.waivers,
                "readings": case.readings,
            }
            for case in cases
        ]
        done = subprocess.run(
            [sys.executable, "-c", _WARM],
            input=json.dumps(task),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=True,
        )
    for case, warm in zip(cases, json.loads(done.stdout), strict=True):
        seen[case.name].update(warm)
    return seen


@pytest.mark.parametrize("case", _cases())
def test_cli_json_and_the_api_cold_and_warm(
    case: Case, through_the_cache: dict[str, dict[str, Any]]
) -> None:
    want = expected(case)
    seen = through_the_cache[case.name]
    assert seen["cold exit"] in (0, 1), seen["cold cli"]
    same("CLI json, cold cache", json_view(json.loads(seen["cold cli"])), want)
    same("API, cold cache", json_view(json.loads(seen["cold api"])), want)
    assert seen["cli"] is not None, seen["cli_error"]
    same("CLI json, warm cache", json_view(json.loads(seen["cli"])), want)
    assert seen["api"] is not None, seen.get("api_error")
    same("API, warm cache", json_view(json.loads(seen["api"])), want)


@pytest.mark.parametrize("case", _cases())
def test_cli_text_json_and_every_format_without_the_cache(case: Case) -> None:
    cli_paths(case)


def cli_paths(case: Case) -> None:
    want = expected(case)
    same("CLI json --no-cache", json_view(json.loads(_cli(case, "-f", "json"))), want)
    text = _cli(case)
    same("CLI text", text_view(text), expected(case, by_rule=True))
    for fmt in FORMATS:
        out = _cli(case, "-f", fmt)
        view = {
            "github": github_view,
            "markdown": markdown_view,
            "sarif": sarif_view,
            "junit": junit_view,
        }[fmt](out)
        same(f"CLI --format {fmt}", view, want)


# -- HTTP, the page, MCP: a server over each contract's directory ---------------------------------
def _directory(case: Case) -> Path:
    """The directory a server is given: the bundled contracts' (amendments included), or the
    contract's own (the test and generated contracts share ids)."""
    return ROOT / "contracts" if case.path.startswith("contracts/") else case.file.parent


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[Path, Any]]:
    from engine.serve.app import Settings, create_app

    clients: dict[Path, Any] = {}

    class Clients(dict[Path, Any]):
        def __missing__(self, directory: Path) -> TestClient:
            client = TestClient(create_app(Settings(contracts=directory)))
            client.__enter__()
            self[directory] = client
            return client

    clients = Clients()
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _id(case: Case) -> str:
    return Contract.load(case.file).id


def http_check(client: TestClient, case: Case) -> dict[str, Any]:
    body = {"moves": list(case.moves), "waivers": case.waivers, "readings": case.readings}
    if case.at:
        body["at"] = case.at
    response = client.post(f"/v1/contracts/{_id(case)}/check", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def page_data(client: TestClient, case: Case) -> dict[str, Any]:
    body: dict[str, Any] = {"moves": list(case.moves), "waivers": case.waivers}
    if case.at:
        body["at"] = case.at
    response = client.post(f"/v1/contracts/{_id(case)}/timeline", json=body)
    assert response.status_code == 200, response.text
    return response.json()["report"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("case", _cases())
def test_http_and_the_pages_data(case: Case, servers: dict[Path, TestClient]) -> None:
    http_paths(case, servers[_directory(case)])


def http_paths(case: Case, client: TestClient) -> None:
    same("HTTP check", json_view(http_check(client, case)), expected(case))
    page = page_data(client, case)  # the page fixes no readings
    same("the page's data", json_view(page), expected(case, readings=False))
    if NODE is not None:
        (shown,) = page_views([page])
        same("the page (page.js view)", shown, expected(case, readings=False))


@functools.cache
def _mcp_server(directory: Path) -> Any:
    from engine.serve.assistant import build_server

    return build_server(directory)


def mcp_check(directory: Path, arguments: dict[str, Any]) -> Any:
    from mcp import Client

    async def call() -> Any:
        async with Client(_mcp_server(directory)) as client:
            return await client.call_tool("check", arguments)

    return anyio.run(call)


@pytest.mark.parametrize("case", _cases())
def test_mcp(case: Case) -> None:
    mcp_paths(case, _directory(case))


def mcp_paths(case: Case, directory: Path) -> None:
    arguments: dict[str, Any] = {"contract": _id(case), "moves": list(case.moves)}
    if case.at:
        arguments["at"] = case.at
    if case.readings:
        arguments["readings"] = case.readings
    result = mcp_check(directory, arguments)  # MCP takes no waivers
    assert not result.is_error, result.content
    want = expected(case, waivers=False)
    same("MCP result", json_view(result.structured_content), want)
    same("MCP summary text", mcp_text_view(result.content[0].text), want)


# -- many checks at once: check_many and sweep ----------------------------------------------------
def test_check_many_and_each_give_each_check_its_own_answer() -> None:
    """check_many in this process (reports whole, and built back from their decisions), over
    two processes, and the CLI's --each (JSON lines)."""
    by_file: dict[Path, list[Case]] = {}
    for case in CASES:
        if not (case.readings or case.waivers or case.at):  # none of them per item
            by_file.setdefault(case.file, []).append(case)
    for file, cases in by_file.items():
        contract = Contract.load(file)
        items = [list(c.moves) for c in cases]
        ways = {
            "full": contract.check_many(items, full=True),
            "decided": contract.check_many(items),
        }
        if file == ROOT / OPENAI:
            ways["2 workers"] = contract.check_many(items, workers=2)
        args = ["--no-cache", "check", str(file), "--each", "-f", "json"]
        for c in cases:
            args += ["-m", json.dumps([_word(m) for m in c.moves])]
        lines = CliRunner().invoke(app, args).stdout.splitlines()
        for way, reports in ways.items():
            for case, report in zip(cases, reports, strict=True):
                seen = json_view(json.loads(report.to_json()))
                same(f"check_many ({way}) {case.name}", seen, expected(case))
        for case, line in zip(cases, lines, strict=True):
            same(f"check --each {case.name}", json_view(json.loads(line)), expected(case))


def test_sweep_lists_every_blocking_finding_and_warning() -> None:
    for case in CASES:
        if not (case.readings or case.waivers):  # sweep takes neither
            sweep_path(case)


def sweep_path(case: Case) -> None:
    (swept,) = sweep([case.file], [_word(m) for m in case.moves], at=case.at)
    want = expected(case)
    assert swept.status == want.whole.verdict, case.name
    assert want.whole.findings is not None
    shown = {k for k in want.whole.findings if k[0] in ("blocking", "warning")}
    assert {(_group(c.severity), c.id) for c in swept.conflicts} == shown, case.name


def _group(severity: str) -> str:
    return "blocking" if severity == "blocking" else "warning"
