"""plan, diff, lint and prove over HTTP, as clients use them (httpx against the app): the same
answers as the command line's `--format json`, byte for byte, bounded searches, and versions
only from the server's directory or the request body."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from fastapi.testclient import TestClient
from test_lint import CONTRACT as LINT_CONTRACT
from test_lint import RULES as LINT_RULES
from test_server import assert_problem

from engine.serve.app import Settings, create_app

Cli = Callable[..., tuple[int, str, str]]
BASE = "/v1/contracts/openai-microsoft"
RELAXED = ROOT / "contracts" / "amendments" / "azure-relaxed.yaml"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(contracts=ROOT / "contracts"))) as c:
        yield c


# -- the same answers as the command line ------------------------------------------------------
@pytest.mark.parametrize(
    ("route", "body", "args", "exit_code"),
    [
        (
            "plan",
            {"goal": "go public", "max_steps": 3},
            ["plan", "contracts/openai-microsoft.yaml", "--goal", "go public", "--max-steps", "3"],
            0,
        ),
        (
            "plan",
            {"goal": "go public", "max_steps": 2, "forbid": ["agi_declaration"]},
            [
                "plan",
                "contracts/openai-microsoft.yaml",
                "--goal",
                "go public",
                "--max-steps",
                "2",
                "--forbid",
                "agi_declaration",
            ],
            1,
        ),
        (
            "diff",
            {"against": "azure-relaxed", "depth": 1},
            ["diff", "contracts/openai-microsoft.yaml", str(RELAXED), "--depth", "1"],
            1,
        ),
        (
            "prove",
            {"property": "reachable: go public clear", "depth": 3},
            [
                "prove",
                "contracts/openai-microsoft.yaml",
                "reachable: go public clear",
                "--depth",
                "3",
            ],
            0,
        ),
        (
            "prove",
            {"property": "never: a move is both required and forbidden", "depth": 2},
            [
                "prove",
                "contracts/openai-microsoft.yaml",
                "never: a move is both required and forbidden",
                "--depth",
                "2",
                "--workers",
                "1",
            ],
            1,
        ),
    ],
)
def test_each_answer_is_the_cli_json(
    client: TestClient,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    route: str,
    body: dict[str, object],
    args: list[str],
    exit_code: int,
) -> None:
    response = client.post(f"{BASE}/{route}", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    monkeypatch.chdir(ROOT)
    code, out, _ = cli(*args, "--format", "json")
    assert code == exit_code
    assert response.text == out  # byte for byte, exit code 1 or not: the search succeeded


def test_lint_is_the_cli_json_with_the_same_paths(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "lint-me.yaml").write_text(LINT_CONTRACT, encoding="utf-8")
    (folder / "rules.yaml").write_text(LINT_RULES, encoding="utf-8")
    with TestClient(create_app(Settings(contracts=folder))) as c:
        response = c.get("/v1/contracts/lint-me/lint")
    assert response.status_code == 200
    body = response.json()
    assert body["problems"] and body["problems"][0]["file"] == "contracts/rules.yaml"
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("lint", "contracts/lint-me.yaml", "--format", "json")
    assert code == 1 and response.text == out


# -- bounds -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("route", "body", "cap"),
    [
        ("plan", {"goal": "go public", "max_steps": 6}, "max_steps: at most 5 on this server"),
        ("diff", {"against": "azure-relaxed", "depth": 3}, "depth: at most 2 on this server"),
        ("prove", {"property": "never: conflict", "depth": 4}, "depth: at most 3 on this server"),
    ],
)
def test_a_search_beyond_the_cap_is_a_422_naming_it(
    client: TestClient, route: str, body: dict[str, object], cap: str
) -> None:
    problem = assert_problem(client.post(f"{BASE}/{route}", json=body), 422, "invalid-request")
    assert cap in str(problem["detail"])


def test_a_search_past_its_time_budget_is_a_422() -> None:
    with TestClient(create_app(Settings(contracts=ROOT / "contracts", search_seconds=0))) as c:
        response = c.post(f"{BASE}/plan", json={"goal": "go public"})
        problem = assert_problem(response, 422, "search-too-large")
        assert "time budget of 0 s" in str(problem["detail"])
        assert c.get("/healthz").status_code == 200


def test_too_many_searches_at_once_is_a_503_to_retry() -> None:
    with TestClient(create_app(Settings(contracts=ROOT / "contracts", max_searches=0))) as c:
        response = c.post(f"{BASE}/prove", json={"property": "never: conflict", "depth": 1})
        assert_problem(response, 503, "busy")
        assert response.headers["retry-after"] == "1"


# -- versions for diff -------------------------------------------------------------------------
def test_amendments_are_listed_and_named_by_id_or_file(client: TestClient) -> None:
    listed = client.get("/v1/contracts").json()["amendments"]
    relaxed = next(a for a in listed if a["amendment"] == "azure-relaxed")
    assert relaxed == {
        "id": "openai-microsoft+azure-relaxed",
        "amendment": "azure-relaxed",
        "amends": "openai-microsoft",
        "file": "contracts/amendments/azure-relaxed.yaml",
        "title": "Azure exclusivity relaxed, so that OpenAI may sell through other clouds",
        "effective": "2025-10-01",
        "hypothetical": True,
        "problems": [],
    }
    answers = {
        client.post(f"{BASE}/diff", json={"against": name, "depth": 1}).text
        for name in (relaxed["id"], relaxed["amendment"], relaxed["file"])
    }
    assert len(answers) == 1
    changes = json.loads(answers.pop())["changes"]
    cloud = next(
        c for c in changes if c["moves"] == ["2025-10-01: partner with Amazon Web Services"]
    )
    assert cloud["how"] == [
        "azure-exclusivity relaxed by amendment azure-relaxed (blocking -> info)"
    ]


def test_two_amendments_compare_by_the_path_id(client: TestClient) -> None:
    response = client.post(
        "/v1/contracts/azure-relaxed/diff",
        json={"against": "equity-for-access", "moves": ["partner with Google Cloud"]},
    )
    body = response.json()
    assert body["a"] == "openai-microsoft+azure-relaxed"
    assert body["b"] == "openai-microsoft+equity-for-access"
    assert body["changes"][0]["a"]["verdict"] == "clear"
    assert body["changes"][0]["b"]["verdict"] == "conflict"


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "azure-relaxd"])
def test_a_version_is_only_what_the_directory_holds(client: TestClient, name: str) -> None:
    response = client.post(f"{BASE}/diff", json={"against": name, "moves": ["declare AGI"]})
    problem = assert_problem(response, 404, "unknown-contract")
    if name == "azure-relaxd":
        assert "did you mean 'azure-relaxed'?" in str(problem["detail"])


def test_an_amendment_written_out_reads_like_its_file(client: TestClient) -> None:
    text = RELAXED.read_text(encoding="utf-8")  # with `amends: ../openai-microsoft.yaml`
    inline = client.post(f"{BASE}/diff", json={"amendment": text, "depth": 1}).json()
    by_id = client.post(f"{BASE}/diff", json={"against": "azure-relaxed", "depth": 1}).json()
    assert inline["b"] == "openai-microsoft+proposal"

    def outcomes(body: dict[str, object]) -> list[object]:
        return [(c["moves"], c["a"], c["b"]["verdict"]) for c in body["changes"]]  # type: ignore[attr-defined, index]

    assert outcomes(inline) == outcomes(by_id)
    cloud = next(
        c
        for c in inline["changes"]
        if c["moves"] == ["2025-10-01: partner with Amazon Web Services"]
    )
    assert cloud["how"] == ["azure-exclusivity relaxed by amendment proposal (blocking -> info)"]


def test_an_amendment_as_a_json_object(client: TestClient) -> None:
    amendment = {
        "id": "no-ipo-rule",
        "title": "No IPO rule",
        "effective": "2025-10-01",
        "norms": {"remove": ["ipo-needs-conversion"]},
    }
    body = client.post(f"{BASE}/diff", json={"amendment": amendment, "moves": ["go public"]}).json()
    assert body["b"] == "openai-microsoft+no-ipo-rule"
    assert [c["moves"] for c in body["changes"]] == [["go public"]]


@pytest.mark.parametrize(
    ("amendment", "line", "field", "says"),
    [
        (
            "title: t\neffective: 2025-10-01\nnorms:\n  remove: [azure-exclusivty]\n",
            4,
            "norms.remove",
            "did you mean 'azure-exclusivity'?",
        ),
        ("title: t\n", 1, "effective", "missing required field 'effective'"),
        (
            "amends: /etc/passwd\ntitle: t\neffective: 2025-10-01\n",
            1,
            "amends",
            "is not this contract",
        ),
        ("title: [unclosed\n", 2, None, ""),
        (
            "title: t\neffective: 2025-10-01\nnorms:\n  add:\n"
            + "    - {id: twice, clause: ip-access, kind: trigger, bearer: openai, when: {move: ipo}, message: m}\n"
            * 2,
            6,
            "norms",
            "duplicate id 'twice' (first in amendment)",
        ),
        (
            {"title": "t", "effective": "2025-10-01", "norms": {"replace": [{"id": "x"}]}},
            None,
            "norms.replace.0.clause",
            "missing required field 'clause'",
        ),
    ],
)
def test_a_bad_amendment_names_line_and_field(
    client: TestClient, amendment: object, line: int | None, field: str | None, says: str
) -> None:
    response = client.post(f"{BASE}/diff", json={"amendment": amendment, "moves": ["declare AGI"]})
    problem = assert_problem(response, 422, "invalid-contract")
    assert problem["file"] == "amendment"
    if line is not None:
        assert problem["line"] == line
    if field is not None:
        fields = [p["field"] for p in problem["problems"]]  # type: ignore[attr-defined]
        assert field in fields
    assert says in str(problem["detail"])
    assert "/work" not in response.text and str(ROOT) not in response.text


def test_diff_needs_exactly_one_other_version(client: TestClient) -> None:
    for body in ({}, {"against": "azure-relaxed", "amendment": "title: t"}):
        problem = assert_problem(client.post(f"{BASE}/diff", json=body), 422, "invalid-request")
        assert "exactly one of 'against'" in str(problem["detail"])


# -- bad input ---------------------------------------------------------------------------------
def test_bad_goals_properties_and_kinds_are_422s_with_suggestions(client: TestClient) -> None:
    goal = client.post(f"{BASE}/plan", json={"goal": "partner with Gogle Clod"})
    assert "did you mean 'Google Cloud'" in str(assert_problem(goal, 422, "bad-move")["detail"])
    kind = client.post(f"{BASE}/plan", json={"goal": "go public", "allow": ["ipp"]})
    assert "did you mean 'ipo'" in str(assert_problem(kind, 422, "bad-move")["detail"])
    prop = client.post(f"{BASE}/prove", json={"property": "sometimes: conflict"})
    assert "never: ATOM" in str(assert_problem(prop, 422, "bad-move")["detail"])
    missing = client.get("/v1/contracts/nope/lint")
    assert_problem(missing, 404, "unknown-contract")


def test_the_openapi_document_types_the_what_if_operations(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for route, method, model in (
        ("plan", "post", "PlanResult"),
        ("diff", "post", "DiffResult"),
        ("lint", "get", "LintResult"),
        ("prove", "post", "ProofResult"),
    ):
        operation = paths[f"/v1/contracts/{{contract_id}}/{route}"][method]
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer == {"$ref": f"#/components/schemas/{model}"}
        assert "422" in operation["responses"]
        if method == "post":
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert body["$ref"].endswith("Request")
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["PlanRequest"]["properties"]["max_steps"]["maximum"] == 5
    assert schemas["ProveRequest"]["properties"]["depth"]["maximum"] == 3


def test_an_amendment_added_to_the_directory_is_served(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", folder)
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    with TestClient(create_app(Settings(contracts=folder, reload_check_seconds=0))) as c:
        (folder / "amendments" / "azure-relaxed.yaml").unlink()
        assert_problem(
            c.post(f"{BASE}/diff", json={"against": "azure-relaxed", "moves": ["declare AGI"]}),
            404,
            "unknown-contract",
        )
        shutil.copy(RELAXED, folder / "amendments" / "relaxed-again.yaml")
        response = c.post(
            f"{BASE}/diff", json={"against": "relaxed-again", "moves": ["declare AGI"]}
        )
        assert (
            response.status_code == 200 and response.json()["b"] == "openai-microsoft+relaxed-again"
        )


def test_an_amendment_of_a_contract_outside_the_directory_is_not_served(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    outside = RELAXED.read_text(encoding="utf-8").replace(
        "amends: ../openai-microsoft.yaml",
        f"amends: {ROOT / 'contracts' / 'openai-microsoft.yaml'}",
    )
    (folder / "sneaky.yaml").write_text(outside, encoding="utf-8")
    with TestClient(create_app(Settings(contracts=folder))) as c:
        assert c.get("/v1/contracts").json() == {
            "contracts": [],
            "unavailable": [],
            "amendments": [],
        }
        assert_problem(c.get("/v1/contracts/sneaky/lint"), 404, "unknown-contract")


def test_a_search_runs_under_the_readings_asked_for(client: TestClient) -> None:
    panel = client.post(
        f"{BASE}/prove",
        json={
            "property": "reachable: go public clear",
            "depth": 3,
            "readings": {"agi-clause": "panel"},
        },
    )
    assert panel.status_code == 200
    assert panel.json()["readings"] == {"agi-clause": "panel"}
    plan = client.post(
        f"{BASE}/plan", json={"goal": "go public", "readings": {"agi-clause": "board"}}
    ).json()
    assert plan["readings"] == {"agi-clause": "board"}
    bad = client.post(f"{BASE}/plan", json={"goal": "go public", "readings": {"agi": "panel"}})
    assert bad.status_code == 422 and "clauses with readings: agi-clause" in bad.text
