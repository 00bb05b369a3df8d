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


def asgi_post(app: Any, path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> int:
    """POST `chunks` to the ASGI app as separate messages, the way a client streams a body
    without a Content-Length (httpx's test client sends one message); the response status."""
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    return int(sent[0]["status"])


def chunks_of(body: bytes, size: int = 500) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


JSON = {"content-type": "application/json"}


def test_a_body_of_exactly_the_limit_passes_and_one_byte_more_is_refused(
    small: TestClient,
) -> None:
    for size, status in [(LIMIT, 200), (LIMIT + 1, 413)]:
        body = body_of(size)
        assert len(body) == size
        response = small.post(CHECK, content=body, headers=JSON)
        assert response.status_code == status, response.text


@pytest.mark.parametrize("path", [CHECK, PLAN])
def test_a_streamed_body_is_counted_as_it_comes(small: TestClient, path: str) -> None:
    """Without a Content-Length, every chunk counts: 500-byte chunks past the limit are refused."""
    over = chunks_of(
        body_of(LIMIT + 1) if path == CHECK else b'{"goal": "go public"}' + b" " * LIMIT
    )
    assert asgi_post(small.app, path, over, []) == 413
    if path == CHECK:
        assert asgi_post(small.app, path, chunks_of(body_of(LIMIT)), []) == 200


def test_json_routes_keep_the_small_limit_and_uploads_the_large_one(small: TestClient) -> None:
    body = body_of(5 * LIMIT)
    assert small.post(CHECK, content=body, headers=JSON).status_code == 413
    files = {"contract.yaml": "# " + "x" * (5 * LIMIT)}
    response = small.post("/v1/validate", json={"files": files})
    assert response.status_code == 422, response.text  # read and refused as a contract, not 413


def test_a_content_length_that_is_not_a_number_is_refused(small: TestClient) -> None:
    assert asgi_post(small.app, CHECK, [b"{}"], [(b"content-length", b"12abc")]) == 413


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


def test_an_upload_of_exactly_the_total_limit_is_read() -> None:
    """4 MiB in all is allowed (each file is then held to its own limit when read)."""
    from engine.serve.uploads import MAX_UPLOAD_BYTES

    files = {"rules.yaml": "a: 1\n", "big.yaml": "#" * (MAX_UPLOAD_BYTES - 5)}
    with TestClient(create_app(Settings(contracts=ROOT / "contracts"))) as client:
        response = client.post("/v1/validate", json={"files": files})
        assert response.status_code == 422, response.text  # read: big.yaml is over 2 MiB
        assert "the limit is 2,097,152" in response.text
        files["rules.yaml"] += "#"  # one byte more in all
        assert client.post("/v1/validate", json={"files": files}).status_code == 413
