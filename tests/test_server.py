"""The HTTP service, as its clients use it: httpx against the app, and one real uvicorn process."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import BUNDLED, LICENCE, MINIMAL_CONTRACT, MINIMAL_RULES, ROOT
from fastapi.testclient import TestClient
from serving import live_server

from engine.serve.app import Settings, create_app

PROBLEM = "application/problem+json"
CHECK = "/v1/contracts/openai-microsoft/check"
TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(contracts=ROOT / "contracts"))) as c:
        yield c


def assert_problem(response: httpx.Response, status: int, kind: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"urn:contract-engine:problem:{kind}"
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body


# -- reading contracts -------------------------------------------------------------------------
def test_lists_the_contracts_of_the_directory(client: TestClient) -> None:
    listed = client.get("/v1/contracts").json()
    ids = [c["id"] for c in listed["contracts"]]
    assert ids == ["openai-microsoft", "reseller-partnership"]  # both bundled contracts, sorted
    contract = listed["contracts"][0]
    assert contract["title"].startswith("OpenAI-Microsoft partnership")
    assert "azure-exclusivity" in [c["id"] for c in contract["clauses"]]
    assert "partner with {provider}" in contract["phrases"]
    assert contract["file"] == "contracts/openai-microsoft.yaml"  # never an absolute path
    assert listed["unavailable"] == []


def test_one_contract_has_norms_and_filled_in_suggestions(client: TestClient) -> None:
    contract = client.get("/v1/contracts/openai-microsoft").json()
    assert {"id": "azure-exclusivity", "clause": "azure-exclusivity"}.items() <= next(
        n for n in contract["norms"] if n["id"] == "azure-exclusivity"
    ).items()
    assert "partner with Google Cloud" in contract["suggestions"]


def test_unknown_contract_is_a_404_with_did_you_mean(client: TestClient) -> None:
    body = assert_problem(
        client.post("/v1/contracts/openai-microsft/check", json={"moves": ["declare AGI"]}),
        404,
        "unknown-contract",
    )
    assert "did you mean 'openai-microsoft'" in str(body["detail"])


def test_a_path_is_never_taken_from_a_request(client: TestClient) -> None:
    for contract_id in ("..%2Fcontracts%2Fopenai-microsoft.yaml", "%2Fetc%2Fpasswd"):
        response = client.get(f"/v1/contracts/{contract_id}")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM


# -- checking ------------------------------------------------------------------------------------
def test_google_cloud_deal_is_a_conflict(client: TestClient) -> None:
    report = client.post(CHECK, json={"moves": ["partner with Google Cloud"]}).json()
    assert report["verdict"] == "conflict"
    assert [c["rule"] for c in report["conflicts"]] == ["azure-exclusivity"]
    assert report["conflicts"][0]["source"] == "Tech&Co, June 2025"


def test_the_report_is_the_cli_json_byte_for_byte(client: TestClient, cli) -> None:  # type: ignore[no-untyped-def]
    moves = ["acquire Windsurf", "2025-09-01: declare AGI", "partner with Google Cloud"]
    response = client.post(CHECK, json={"moves": moves, "at": "2025-10-01"})
    args = ["check", BUNDLED, "--format", "json", "--at", "2025-10-01"]
    for move in moves:
        args += ["-m", move]
    _, out, _ = cli(*args)
    assert response.status_code == 200
    assert response.text == out


def test_moves_as_json_objects_and_words_mix(client: TestClient) -> None:
    report = client.post(
        CHECK,
        json={"moves": ["declare AGI", {"kind": "cloud_partnership", "provider": "aws"}]},
    ).json()
    # clear under the board's reading of the AGI clause (the default, whose findings are the
    # report's own); under the panel's, the declaration alone ends nothing and the deal conflicts
    assert report["verdict"] == "conflict"
    assert [r["verdict"] for r in report["readings"]["results"]] == ["clear", "conflict"]
    assert report["moves"][1]["fields"] == {"provider": "aws"}
    why = next(o for o in report["outcomes"] if o["rule"] == "azure-exclusivity")
    assert why["status"] == "clause_ended"


def test_waivers_set_a_norm_aside(client: TestClient) -> None:
    report = client.post(
        CHECK,
        json={
            "moves": ["partner with Google Cloud"],
            "waivers": {"azure-exclusivity": "board approval"},
        },
    ).json()
    assert report["verdict"] == "clear"
    assert report["waived"][0]["waived"] == "board approval"


def test_readings_are_considered_and_may_be_fixed(client: TestClient) -> None:
    moves = ["declare AGI", "partner with Google Cloud"]
    report = client.post(CHECK, json={"moves": moves}).json()
    assert report["verdict"] == "conflict" and report["readings"]["agree"] is False
    verdicts = {r["label"]: r["verdict"] for r in report["readings"]["results"]}
    assert verdicts == {
        "reading board of agi-clause": "clear",
        "reading panel of agi-clause": "conflict",
    }
    board = client.post(CHECK, json={"moves": moves, "readings": {"agi-clause": "board"}})
    assert board.json()["verdict"] == "clear"
    body = assert_problem(
        client.post(CHECK, json={"moves": moves, "readings": {"agi-clause": "panle"}}),
        422,
        "bad-move",
    )
    assert "did you mean 'panel'" in str(body["detail"])


def test_bad_move_is_a_422_problem_with_the_engines_detail(client: TestClient) -> None:
    body = assert_problem(
        client.post(CHECK, json={"moves": ["partner with Gogle Clod"]}), 422, "bad-move"
    )
    assert "did you mean 'Google Cloud'" in str(body["detail"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"moves": []}, "moves"),
        ({"moves": ["declare AGI"] * 101}, "moves"),
        ({"moves": ["declare AGI"], "at": "2025-13-01"}, "at"),
        ({"moves": ["declare AGI"], "waivers": {"azure-exclusivity": " "}}, "waivers"),
        ({"moves": ["declare AGI"], "extra": 1}, "extra"),
    ],
)
def test_invalid_requests_name_the_field(
    client: TestClient, payload: dict[str, object], field: str
) -> None:
    body = assert_problem(client.post(CHECK, json=payload), 422, "invalid-request")
    assert str(body["field"]).startswith(field)


def test_malformed_json_is_a_422(client: TestClient) -> None:
    response = client.post(CHECK, content=b"{", headers={"content-type": "application/json"})
    assert_problem(response, 422, "invalid-request")


def test_body_too_big_is_a_413(client: TestClient) -> None:
    big = {"moves": ["declare AGI"], "waivers": {"azure-exclusivity": "x" * 600_000}}
    assert_problem(client.post(CHECK, json=big), 413, "body-too-large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        yield b'{"moves": ["declare AGI"], "pad": "'
        for _ in range(100):
            yield b"x" * 10_000
        yield b'"}'

    response = client.post(CHECK, content=chunks(), headers={"content-type": "application/json"})
    assert_problem(response, 413, "body-too-large")


def test_explain_a_norm(client: TestClient) -> None:
    body = client.get("/v1/contracts/openai-microsoft/norms/azure-exclusivity/explain").json()
    assert body["clause"] == "azure-exclusivity" and body["kind"] == "prohibition"
    assert body["defined_at"].startswith("rules/openai-microsoft/") and ":" in body["defined_at"]
    assert "Azure" in body["clause_text"]
    missing = client.get("/v1/contracts/openai-microsoft/norms/azure-exclusivty/explain")
    assert "did you mean 'azure-exclusivity'" in str(
        assert_problem(missing, 404, "unknown-norm")["detail"]
    )


def test_timeline_gives_the_state_after_each_move(client: TestClient) -> None:
    body = client.post(
        "/v1/contracts/openai-microsoft/timeline",
        json={
            "moves": ["2025-09-01: declare AGI", "2025-08-01: partner with Google Cloud"],
            "at": "2026-02-01",
        },
    ).json()
    labels = [s["label"] for s in body["steps"]]
    assert labels[0] == "start" and labels[-1] == "check date"
    assert [s["move"] for s in body["steps"]] == [None, 1, 0, None]  # in date order
    assert body["steps"][1]["state"]["clauses"]["azure-exclusivity"]["status"] == "violated"
    after_agi = next(s for s in body["steps"] if s["label"].endswith("declare AGI"))
    assert after_agi["state"]["partnership"] == "ended"
    assert body["steps"][-1]["state"]["clauses"]["conversion-deadline"]["status"] == "violated"
    assert body["report"]["verdict"] == "conflict"


def test_a_failing_check_leaves_the_server_serving(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.api import Contract

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom: /secret/path")

    monkeypatch.setattr(Contract, "check_timeline", broken)
    body = assert_problem(
        client.post(CHECK, json={"moves": ["declare AGI"]}), 500, "internal-error"
    )
    assert "boom" not in json.dumps(body) and "secret" not in json.dumps(body)
    monkeypatch.undo()
    assert client.post(CHECK, json={"moves": ["declare AGI"]}).status_code == 200


def test_openapi_holds_the_report_schema(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"Report", "Finding", "StateView", "CheckRequest", "ProblemDetails"} <= set(schemas)
    check = document["paths"]["/v1/contracts/{contract_id}/check"]["post"]
    ok = check["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Report"}
    assert PROBLEM in check["responses"]["422"]["content"]


# -- the token -------------------------------------------------------------------------------------
def test_token_is_required_when_configured() -> None:
    with TestClient(create_app(Settings(contracts=ROOT / "contracts", token=TOKEN))) as secured:
        missing = secured.get("/v1/contracts")
        assert_problem(missing, 401, "unauthorized")
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = secured.get("/v1/contracts", headers={"Authorization": "Bearer nope"})
        assert_problem(wrong, 401, "unauthorized")
        assert (
            secured.get("/healthz", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
        )
        good = secured.get("/v1/contracts", headers={"Authorization": f"Bearer {TOKEN}"})
        assert good.status_code == 200


def test_a_token_servers_page_loads_without_the_token_and_shows_no_contract() -> None:
    """A browser cannot send a header with a page load: the page and its script load without
    the token (and carry no contract data); the page sends the token the user types."""
    with TestClient(create_app(Settings(contracts=ROOT / "contracts", token=TOKEN))) as secured:
        page = secured.get("/")
        assert page.status_code == 200
        assert 'data-token="required"' in page.text
        assert "openai-microsoft" not in page.text and "<option" not in page.text
        assert secured.get("/static/page.js").status_code == 200
        assert_problem(secured.get("/v1/contracts/openai-microsoft"), 401, "unauthorized")
        assert_problem(secured.post(CHECK, json={"moves": ["declare AGI"]}), 401, "unauthorized")


def _post_paths() -> list[str]:
    from fastapi.routing import APIRoute

    routes = create_app(Settings(contracts=ROOT / "contracts")).routes
    posts = [r.path for r in routes if isinstance(r, APIRoute) and "POST" in r.methods]
    assert len(posts) >= 6
    return [p.replace("{contract_id}", "openai-microsoft") for p in posts]


@pytest.mark.parametrize("path", _post_paths())
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_json_body_needs_a_json_content_type(
    client: TestClient, path: str, content_type: str | None
) -> None:
    body = json.dumps({"moves": ["partner with Google Cloud"], "goal": "go public"})
    headers = {"content-type": content_type} if content_type else {}
    sent = client.post(path, content=body.encode(), headers=headers)
    problem = assert_problem(sent, 415, "unsupported-media-type")
    assert "application/json" in str(problem["detail"])
    assert (content_type or "no Content-Type") in str(problem["detail"])


def test_json_with_a_charset_is_json(client: TestClient) -> None:
    body = json.dumps({"moves": ["partner with Google Cloud"]}).encode()
    sent = client.post(
        CHECK, content=body, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert sent.status_code == 200 and sent.json()["verdict"] == "conflict"


def test_errors_speak_in_the_terms_of_http_and_of_the_page(client: TestClient) -> None:
    unread = {"moves": ["blorp the wibble"]}
    over_http = assert_problem(client.post(CHECK, json=unread), 422, "bad-move")["detail"]
    assert "contract-engine" not in str(over_http)
    assert "GET /v1/contracts/openai-microsoft lists them all" in str(over_http)
    on_page = assert_problem(
        client.post(
            "/v1/contracts/openai-microsoft/timeline",
            json=unread,
            headers={"Contract-Engine-Client": "page"},
        ),
        422,
        "bad-move",
    )["detail"]
    assert "contract-engine" not in str(on_page) and "GET /v1" not in str(on_page)
    assert "The move field suggests them as you type." in str(on_page)
    rules = MINIMAL_RULES.replace("norms:\n", "norms:\n  - just words\n")
    files = {"contract.yaml": MINIMAL_CONTRACT, "rules.yaml": rules}
    upload = assert_problem(
        client.post("/v1/validate", json={"files": files}), 422, "invalid-contract"
    )
    assert "`contract-engine" not in json.dumps(upload)
    assert "expected a mapping of its fields (see the JSON Schema of rule files" in str(upload)


def test_a_contract_that_does_not_load_is_listed_in_http_terms(tmp_path: Path) -> None:
    (tmp_path / "contract.yaml").write_text(MINIMAL_CONTRACT)
    (tmp_path / "rules.yaml").write_text(MINIMAL_RULES.replace("norms:\n", "norms:\n  - words\n"))
    with TestClient(create_app(Settings(contracts=tmp_path))) as served:
        (unavailable,) = served.get("/v1/contracts").json()["unavailable"]
        (problem,) = unavailable["problems"]
        assert "see the JSON Schema of rule files" in problem["message"]
        assert "contract-engine" not in problem["message"]


def test_every_piece_of_command_line_advice_has_each_doors_words() -> None:
    """Each message of the engine that tells the user to run a command is translated by every
    door other than the command line (engine/serve/problems.py ADVICE): the strings of the
    engine's code, docstrings and comments aside, are each said by every door."""
    import ast

    from engine.serve.problems import DOORS, in_terms_of

    checked = 0
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if path.name == "cli.py" or "serve" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or id(node) in docstrings:
                continue
            if not isinstance(node.value, str) or "`contract-engine " not in node.value:
                continue
            checked += 1
            for door in DOORS:
                said = in_terms_of(door, node.value)
                assert "contract-engine" not in said, (path.name, door, said)
    assert checked >= 2  # the phrases advice, the schema advice (at least)


# -- uploads ---------------------------------------------------------------------------------------
def test_validate_upload_good(client: TestClient) -> None:
    response = client.post(
        "/v1/validate",
        json={"files": {"contract.yaml": MINIMAL_CONTRACT, "rules.yaml": MINIMAL_RULES}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is True and body["files"] == 2
    assert body["contracts"][0]["id"] == "mini"


def test_validate_upload_multipart(client: TestClient) -> None:
    rules_dir = LICENCE.parent / "rules"
    files = [("contract.yaml", ("contract.yaml", LICENCE.read_bytes()))]
    files += [
        (f"rules/{p.name}", (p.name, p.read_bytes())) for p in sorted(rules_dir.glob("*.yaml"))
    ]
    response = client.post("/v1/validate", files=files)
    assert response.status_code == 200, response.text
    assert response.json()["contracts"][0]["id"] == "acme-licence"


def test_validate_upload_bad_names_file_and_line(client: TestClient) -> None:
    rules = MINIMAL_RULES.replace("kind: prohibition", "kind: prohibitoin")
    body = assert_problem(
        client.post(
            "/v1/validate", json={"files": {"contract.yaml": MINIMAL_CONTRACT, "rules.yaml": rules}}
        ),
        422,
        "invalid-contract",
    )
    line = MINIMAL_RULES.splitlines().index("    kind: prohibition") + 1
    assert f"rules.yaml:{line}: norms.0.kind" in str(body["detail"])
    assert body["file"] == "rules.yaml" and body["line"] == line and body["field"] == "norms.0.kind"
    assert "/tmp" not in json.dumps(body)


def test_an_upload_cannot_reach_the_servers_files(client: TestClient) -> None:
    outside = MINIMAL_CONTRACT.replace("rules: [rules.yaml]", "rules: [../../../etc]")
    body = assert_problem(
        client.post("/v1/validate", json={"files": {"contract.yaml": outside}}),
        422,
        "invalid-contract",
    )
    assert "outside the uploaded files" in str(body["detail"])
    assert_problem(
        client.post("/v1/validate", json={"files": {"../x.yaml": "a: 1"}}), 422, "bad-upload"
    )
    assert_problem(
        client.post("/v1/validate", json={"files": {"/etc/x.yaml": "a: 1"}}), 422, "bad-upload"
    )


def test_upload_too_big_is_a_413(client: TestClient) -> None:
    files = {f"r{i}.yaml": "x" * 1_000_000 for i in range(5)}
    assert_problem(client.post("/v1/validate", json={"files": files}), 413, "upload-too-large")


# -- reloading -------------------------------------------------------------------------------------
def test_contracts_reload_when_their_files_change(tmp_path: Path) -> None:
    directory = tmp_path / "contracts"
    shutil.copytree(LICENCE.parent, directory / "licence")
    rules = directory / "licence" / "rules" / "licence.yaml"
    check = "/v1/contracts/acme-licence/check"
    move = {"moves": ["sublicense to Umbrella"]}
    with TestClient(create_app(Settings(contracts=directory, reload_check_seconds=0))) as c:
        assert c.post(check, json=move).json()["verdict"] == "clear"

        text = rules.read_text()
        rules.write_text(text.replace("in: [initech, hooli]", "in: [initech, hooli, umbrella]"))
        assert c.post(check, json=move).json()["verdict"] == "conflict"

        rules.write_text(text.replace("kind: prohibition", "kind: prohibited-thing", 1))
        body = assert_problem(c.post(check, json=move), 503, "contract-unavailable")
        assert "contracts/licence/rules/licence.yaml:" in str(body["detail"])
        assert str(tmp_path) not in json.dumps(body)  # no server path reaches a client
        unavailable = c.get("/v1/contracts").json()["unavailable"]
        assert unavailable[0]["id"] == "acme-licence"

        rules.write_text(text)
        assert c.post(check, json=move).json()["verdict"] == "clear"

        shutil.copy(BUNDLED, directory / "openai-microsoft.yaml")
        (directory / "openai-microsoft.yaml").write_text(
            BUNDLED.read_text().replace("../rules/", str(BUNDLED.parent.parent / "rules") + "/")
        )
        ids = [x["id"] for x in c.get("/v1/contracts").json()["contracts"]]
        assert ids == ["acme-licence", "openai-microsoft"]


# -- a real server -------------------------------------------------------------------------------
def test_a_real_uvicorn_process_serves_checks(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    with live_server(
        "--contracts", str(ROOT / "contracts"), "--token-file", str(token_file)
    ) as base:
        assert httpx.post(f"{base}{CHECK}", json={"moves": ["declare AGI"]}).status_code == 401
        response = httpx.post(
            f"{base}{CHECK}",
            json={"moves": ["partner with Google Cloud"]},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["verdict"] == "conflict"
        assert "server" not in response.headers  # no banner for scanners


# -- the commands ----------------------------------------------------------------------------------
def test_serve_refuses_bad_settings_before_binding(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("serve", "--contracts", tmp_path / "missing")
    assert code == 2 and "no such directory" in err
    short = tmp_path / "token"
    short.write_text("abc\n")
    code, _, err = cli("serve", "--token-file", short)
    assert code == 2 and "at least 16 characters" in err


def test_serve_refuses_an_open_bind_without_a_token(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Nothing is bound in this test: the refusal comes first, and uvicorn is replaced."""
    import uvicorn

    bound: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: bound.append(kwargs))
    code, _, err = cli("serve", "--host", "0.0.0.0")
    assert code == 2 and "--host 0.0.0.0" in err and "--token-file" in err and "--insecure" in err
    assert bound == []
    code, _, err = cli("serve", "--host", "0.0.0.0", "--insecure")
    assert code == 0 and "warning: serving on 0.0.0.0:8000 without a token" in err
    token = tmp_path / "token"
    token.write_text(TOKEN)
    code, _, err = cli("serve", "--host", "::", "--token-file", token)
    assert code == 0 and "warning" not in err
    code, _, err = cli("serve", "--host", "localhost")
    assert code == 0 and "warning" not in err
    assert [b["host"] for b in bound] == ["0.0.0.0", "::", "localhost"]


def test_the_core_does_not_import_the_server() -> None:
    import subprocess
    import sys

    probe = "import sys, engine, engine.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'mcp', 'starlette') if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_check_of_time_alone_needs_a_date(client: TestClient) -> None:
    """No move with `at`: time passes to that date (as `check --at` does); no move and no date
    is refused in HTTP's terms, naming the fields to send."""
    report = client.post(CHECK, json={"moves": [], "at": "2026-01-15"}).json()
    assert report["moves"] == [] and report["check_date"] == "2026-01-15"
    assert report["verdict"] in ("clear", "conflict")
    body = assert_problem(client.post(CHECK, json={"moves": []}), 422, "invalid-request")
    assert "'moves'" in str(body["detail"]) and "'at'" in str(body["detail"])
    assert "contract-engine" not in str(body["detail"])
    bad_date = assert_problem(client.post(CHECK, json={"at": "2025-9-1"}), 422, "invalid-request")
    assert "at least one move" not in str(bad_date["detail"])  # only the date's own problem
