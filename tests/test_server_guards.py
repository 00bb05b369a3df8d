"""The server's guards at their edges: a body of exactly the limit passes and one byte more is
refused, whether its length is announced or it streams in chunks, on every route; the JSON
routes keep the small limit and only uploads get the large one; a Content-Length that is not a
number is refused; a token needs 16 characters; an upload of exactly 100 files passes, 101 do
not.

Written against the server mutants of tests/mutation/mutants.yaml (docs/testing.md)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from fastapi.testclient import TestClient

from engine import ContractEngineError
from engine.serve.app import Settings, create_app, read_token

CHECK = "/v1/contracts/openai-microsoft/check"
PLAN = "/v1/contracts/openai-microsoft/plan"
LIMIT = 2_000


@pytest.fixture(scope="module")
def small() -> Iterator[TestClient]:
    """A server whose JSON routes take at most LIMIT bytes, and uploads at most 100 times it."""
    settings = Settings(contracts=ROOT / "contracts", max_body=LIMIT, max_upload_body=100 * LIMIT)
    with TestClient(create_app(settings)) as client:
        yield client


def body_of(size: int) -> bytes:
    """A check request of exactly `size` bytes (padded with the whitespace JSON allows)."""
    request = json.dumps({"moves": ["declare AGI"]}).encode()
    assert len(request) <= size
    return request + b" " * (size - len(request))


def chunked(body: bytes, size: int = 500) -> Iterator[bytes]:
    """The body in chunks, without a Content-Length: counted as it streams in."""
    for i in range(0, len(body), size):
        yield body[i : i + size]


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("streamed", [False, True])
def test_a_body_of_exactly_the_limit_passes_and_one_byte_more_is_refused(
    small: TestClient, streamed: bool
) -> None:
    for size, status in [(LIMIT, 200), (LIMIT + 1, 413)]:
        body = body_of(size)
        assert len(body) == size
        content: Any = chunked(body) if streamed else body
        response = small.post(CHECK, content=content, headers=JSON)
        assert response.status_code == status, response.text


def test_a_streamed_body_over_the_limit_is_refused_on_other_routes_too(small: TestClient) -> None:
    body = json.dumps({"goal": "go public", "pad": "x" * (3 * LIMIT)}).encode()
    response = small.post(PLAN, content=chunked(body), headers=JSON)
    assert response.status_code == 413, response.text


def test_json_routes_keep_the_small_limit_and_uploads_the_large_one(small: TestClient) -> None:
    body = body_of(5 * LIMIT)
    assert small.post(CHECK, content=body, headers=JSON).status_code == 413
    files = {"contract.yaml": "# " + "x" * (5 * LIMIT)}
    response = small.post("/v1/validate", json={"files": files})
    assert response.status_code == 422, response.text  # read and refused as a contract, not 413


def test_a_content_length_that_is_not_a_number_is_refused(small: TestClient) -> None:
    app = small.app
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": CHECK,
        "raw_path": CHECK.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"12abc")],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413


@pytest.mark.parametrize(("length", "ok"), [(15, False), (16, True)])
def test_a_token_needs_16_characters(tmp_path: Path, length: int, ok: bool) -> None:
    path = tmp_path / "token"
    path.write_text("t" * length + "\n", encoding="utf-8")
    if ok:
        assert read_token(path) == "t" * length
    else:
        with pytest.raises(ContractEngineError, match="at least 16 characters"):
            read_token(path)


@pytest.mark.parametrize(("count", "too_many"), [(100, False), (101, True)])
def test_an_upload_of_100_files_is_read_and_101_are_refused(
    small: TestClient, count: int, too_many: bool
) -> None:
    files = {f"r{i}.yaml": "a: 1\n" for i in range(count)}
    response = small.post("/v1/validate", json={"files": files})
    assert response.status_code == (413 if too_many else 422), response.text
