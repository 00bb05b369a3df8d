"""The HTTP service: a FastAPI app over a directory of contracts, and its web page.

`create_app(Settings(...))` builds the app (tests call it directly); `run` serves it under uvicorn.
Security lives in one ASGI layer, `Guard`, in front of every route: the bearer token, the size of
request bodies, and a last catch that turns any unexpected exception into a problem+json 500
without a traceback, so a failing check leaves the server serving.
"""

from __future__ import annotations

import gc
import hmac
import http
import json
import logging
import os
import re
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.diff import DiffResult
from engine.errors import ContractEngineError, ContractFileError, EngineError, MoveError, Problem
from engine.explain import Explanation, NormsExplanation, explain, explain_many
from engine.lint import LintResult
from engine.plan import PlanResult
from engine.prove import ProofResult
from engine.report import Report
from engine.search import SearchTooLarge
from engine.serve.problems import (
    PROBLEM_JSON,
    HTTPProblem,
    ProblemDetails,
    ProblemLocation,
    in_terms_of,
    invalid_request,
    listed,
    location,
)
from engine.serve.registry import (
    RECHECK_SECONDS,
    ContractUnavailable,
    Entry,
    Registry,
    UnknownContract,
)
from engine.serve.schemas import (
    MAX_DIFF_DEPTH,
    MAX_PLAN_STEPS,
    MAX_PROVE_DEPTH,
    MAX_SEARCHES,
    SEARCH_SECONDS,
    AmendmentSummary,
    CheckRequest,
    ContractDetail,
    ContractList,
    DiffRequest,
    PlanRequest,
    ProveRequest,
    Unavailable,
    ValidateRequest,
    ValidateResult,
    detail,
    summary,
)
from engine.serve.uploads import MAX_FILES, UploadError, validate_upload
from engine.serve.whatif import Searches, ServerBusy
from engine.timeline import Timeline, timeline

log = logging.getLogger("contract_engine.serve")

STATIC = Path(__file__).parent / "static"
_REPO_CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
# The repository's contracts/ (an editable install), else ./contracts of the working directory.
DEFAULT_CONTRACTS = _REPO_CONTRACTS if _REPO_CONTRACTS.is_dir() else Path("contracts")
MAX_BODY_BYTES = 512 * 1024
MAX_UPLOAD_BODY_BYTES = 6 * 1024 * 1024  # uploads are limited again, file by file, in uploads.py
UPLOAD_PATH = "/v1/validate"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Settings:
    """What a server serves and how much it accepts."""

    contracts: Path = DEFAULT_CONTRACTS
    token: str | None = None
    max_body: int = MAX_BODY_BYTES
    max_upload_body: int = MAX_UPLOAD_BODY_BYTES
    reload_check_seconds: float = RECHECK_SECONDS  # how often the files are looked at
    search_seconds: float = SEARCH_SECONDS  # the time budget of one plan, diff or prove
    max_searches: int = MAX_SEARCHES  # searches running at once (per worker process)


def read_token(path: Path) -> str:
    """The bearer token from --token-file: its content, surrounding whitespace removed."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ContractEngineError(f"--token-file {path}: cannot read it ({error})") from None
    if len(token) < 16:
        raise ContractEngineError(
            f"--token-file {path}: a token needs at least 16 characters, got {len(token)}"
        )
    return token


# -- errors as problem+json ------------------------------------------------------------------
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemDetails, "content": {PROBLEM_JSON: {}}, "description": text}
    for status, text in (
        (401, "Missing or wrong bearer token"),
        (404, "No such contract or norm"),
        (413, "Request body or upload too large"),
        (415, "A body that is not sent as JSON (Content-Type: application/json)"),
        (
            422,
            "Bad input: a move, a date, a waiver, an uploaded file or amendment, or a search "
            "beyond the server's caps or time budget; the detail says where",
        ),
        (503, "The contract's files no longer load, or too many searches run at once"),
    )
}


CLIENT_HEADER = b"contract-engine-client"  # `page` from the web page: problems in its terms


def door_of(headers: Any) -> str:
    """Which door a request came through: the web page says so in a header (its script sets
    it), anything else is an HTTP client. Problems are worded for it (problems.in_terms_of)."""
    given = dict(headers or []).get(CLIENT_HEADER, b"")
    return "page" if given.strip().lower() == b"page" else "http"


def problem_response(problem: HTTPProblem, door: str = "http") -> Response:
    body = problem.body(door).model_dump(exclude_none=True)
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def as_problem(error: Exception) -> HTTPProblem:
    """The problem a client sees for an error; unexpected errors say nothing of their insides."""
    match error:
        case HTTPProblem():
            return error
        case UnknownContract():
            return HTTPProblem(404, "unknown-contract", "No such contract", str(error))
        case ContractUnavailable():
            return HTTPProblem(
                503,
                "contract-unavailable",
                "The contract's files do not load",
                str(error),
                error.problems,
            )
        case UploadError():
            if error.too_large:
                return HTTPProblem(413, "upload-too-large", "Upload too large", str(error))
            return HTTPProblem(422, "bad-upload", "Unusable upload", str(error))
        case ContractFileError():
            count = len(error.problems)
            return HTTPProblem(
                422,
                "invalid-contract",
                "Invalid contract",
                f"{count} problem(s): {listed(error.problems)}",
                error.problems,
            )
        case MoveError():
            return HTTPProblem(422, "bad-move", "Bad move", str(error))
        case SearchTooLarge():
            return HTTPProblem(422, "search-too-large", "Search too large", str(error))
        case ServerBusy():
            return HTTPProblem(
                503, "busy", "Too many searches", str(error), headers={"Retry-After": "1"}
            )
        case EngineError():
            return HTTPProblem(500, "engine-error", "The rule engine failed", str(error))
        case ContractEngineError():
            return HTTPProblem(422, "bad-input", "Bad input", str(error))
        case BodyTooLarge():
            return HTTPProblem(413, "body-too-large", "Request body too large", str(error.detail))
        case RequestValidationError() | ValidationError():
            return invalid_request(error.errors())
        case StarletteHTTPException() if error.status_code == 400:
            # FastAPI's answer to a body it cannot decode: bad input, like malformed JSON
            return HTTPProblem(
                422, "invalid-request", "Invalid request", f"body: {error.detail}", field="body"
            )
        case StarletteHTTPException():
            phrase = http.HTTPStatus(error.status_code).phrase
            return HTTPProblem(
                error.status_code,
                phrase.lower().replace(" ", "-"),
                phrase,
                str(error.detail),
                headers=dict(error.headers or {}),
            )
    return HTTPProblem(
        500,
        "internal-error",
        "Internal error",
        "the server failed on this request and logged why; it goes on serving",
    )


class BodyTooLarge(StarletteHTTPException):
    """Raised while a body streams in past its limit (an HTTPException, so FastAPI's body
    reading passes it on rather than calling it a parse error)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit:,} bytes")


# -- the guard in front of every route ---------------------------------------------------------
CheckFunction = Callable[[str, bytes], bytes]
CHECK_PATH = re.compile(r"^/v1/contracts/([^/]+)/check$")
EXPECTED = (HTTPProblem, ContractEngineError, ValidationError, StarletteHTTPException)


class Guard:
    """Bearer token, body size, and a last catch for unexpected errors: pure ASGI, so a request
    that fails here costs nothing more.

    It also answers `POST /v1/contracts/{id}/check` itself, through `check`, the function the
    FastAPI route calls too: the route documents the operation in the OpenAPI document, and this
    path skips the framework's routing and dependency handling, which cost as much as the check
    (docs/performance.md). Same body model, same answers, same problems."""

    def __init__(
        self, app: ASGIApp, settings: Settings, check: CheckFunction | None = None
    ) -> None:
        self.app = app
        self.token = settings.token.encode() if settings.token else None
        self.settings = settings
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            problem = self._refuse(scope)
            if problem is not None:
                await problem_response(problem, door_of(scope.get("headers")))(scope, receive, send)
                return
            limit = (
                self.settings.max_upload_body
                if scope["path"] == UPLOAD_PATH
                else self.settings.max_body
            )
            route = CHECK_PATH.match(scope["path"]) if scope["method"] == "POST" else None
            if route is not None and self.check is not None:
                body = await _read_body(receive, limit)
                await _send_json(tracking_send, self.check(route.group(1), body))
                return
            await self.app(scope, _limited(receive, limit), tracking_send)
        except Exception as error:
            if not isinstance(error, EXPECTED):
                log.exception("request %s %s failed", scope.get("method"), scope.get("path"))
            if not started:
                door = door_of(scope.get("headers"))
                await problem_response(as_problem(error), door)(scope, receive, send)

    def _refuse(self, scope: Scope) -> HTTPProblem | None:
        headers = dict(scope.get("headers") or [])
        if self.token is not None and not _public(scope):
            scheme, _, given = headers.get(b"authorization", b"").partition(b" ")
            if scheme.lower() != b"bearer" or not hmac.compare_digest(given.strip(), self.token):
                return HTTPProblem(
                    401,
                    "unauthorized",
                    "Unauthorized",
                    "this server needs 'Authorization: Bearer <token>' with its token",
                    headers={"WWW-Authenticate": 'Bearer realm="contract-engine"'},
                )
        limit = (
            self.settings.max_upload_body
            if scope["path"] == UPLOAD_PATH
            else self.settings.max_body
        )
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return HTTPProblem(
                413,
                "body-too-large",
                "Request body too large",
                f"the request body is larger than {limit:,} bytes",
            )
        if scope["method"] == "POST" and BODY_PATHS.match(scope["path"]):
            return _unsupported_type(scope["path"], headers.get(b"content-type", b""))
        return None


# The routes that take a body (every POST route: a test holds this to the app's routes); any
# other method or path is left to routing, for its 404 or 405.
BODY_PATHS = re.compile(r"^(/v1/contracts/[^/]+/(check|timeline|plan|diff|prove)|/v1/validate)$")


# The page and its script and style hold no contract data (a server with a token renders the
# page without its contracts): a browser loads them without a header, then sends the token the
# user types with every API call.
def _public(scope: Scope) -> bool:
    path = scope["path"]
    return scope["method"] in ("GET", "HEAD") and (path == "/" or path.startswith("/static/"))


def _unsupported_type(path: str, given: bytes) -> HTTPProblem | None:
    """A body is JSON, said by its Content-Type (an upload may also be multipart/form-data):
    a body sent as text/plain or form data is refused, not guessed at (a browser sends those
    cross-site without asking)."""
    media = given.split(b";", 1)[0].strip().lower().decode("latin-1")
    if media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    ):
        return None
    if path == UPLOAD_PATH and media == "multipart/form-data":
        return None
    wanted = "'Content-Type: application/json'"
    if path == UPLOAD_PATH:
        wanted += " (or multipart/form-data, one part per file)"
    return HTTPProblem(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        f"send the body as JSON with the header {wanted}; got "
        + (f"'{media}'" if media else "no Content-Type"),
        field="Content-Type",
    )


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise StarletteHTTPException(400, "the client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send_json(send: Send, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return limited


CHECK_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckRequest"}}},
}


# -- the app -------------------------------------------------------------------------------------
ContractId = Annotated[str, PathParam(max_length=200, description="A contract id.")]
NormId = Annotated[str, PathParam(max_length=200, description="A norm id.")]
ClauseId = Annotated[str, PathParam(max_length=200, description="A clause id.")]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    registry = Registry(settings.contracts, settings.reload_check_seconds)
    app = FastAPI(
        title="contract-engine",
        version="0.1.0",
        summary="Check proposed moves against partnership contracts written as declarative rules.",
        description=(
            "Contracts come from the server's directory and are reloaded when their files "
            "change. Errors are RFC 9457 problem details (`application/problem+json`)."
        ),
        responses=PROBLEM_RESPONSES,
        docs_url=None,  # the interactive docs load scripts from a CDN; the page and API do not
        redoc_url=None,
    )
    app.state.registry = registry
    searches = Searches(registry, settings.search_seconds, settings.max_searches)

    async def handle(request: Request, error: Exception) -> Response:
        return problem_response(as_problem(error), door_of(request.headers.raw))

    for kind in (
        HTTPProblem,
        ContractEngineError,
        RequestValidationError,
        ValidationError,
        StarletteHTTPException,
    ):
        app.add_exception_handler(kind, handle)

    def run_check(contract_id: str, raw: bytes) -> bytes:
        body = CheckRequest.model_validate_json(raw)
        contract = registry.get(contract_id)
        report = contract.check_timeline(
            body.moves, at=body.at, waivers=body.waivers, readings=body.readings or None
        )
        return report.to_json().encode()

    app.add_middleware(Guard, settings=settings, check=run_check)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request) -> HTMLResponse:
        from engine.serve.page import render_page

        html = render_page(registry, request.query_params, token=settings.token is not None)
        return HTMLResponse(
            html,
            headers={
                "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @app.get("/healthz", tags=["server"])
    async def healthz() -> dict[str, str]:
        """Liveness: answers once the contracts are loaded."""
        return {"status": "ok"}

    @app.get("/v1/contracts", tags=["contracts"])
    async def list_contracts() -> ContractList:
        """Every contract of the server's directory: id, title, clauses and phrases."""
        entries = registry.entries()
        amendments = registry.amendments()
        return ContractList(
            contracts=[
                summary(e.contract, registry.relative(e.path))
                for e in entries.values()
                if e.contract is not None
            ],
            unavailable=[
                Unavailable(
                    id=cid,
                    file=registry.relative(e.path),
                    problems=[
                        _located(p, registry)
                        for p in e.problems  # paths as clients see them
                    ],
                )
                for cid, e in entries.items()
                if e.contract is None
            ],
            amendments=[_amendment(cid, e, registry) for cid, e in amendments.items()],
        )

    @app.get("/v1/contracts/{contract_id}", tags=["contracts"])
    async def get_contract(contract_id: ContractId) -> ContractDetail:
        """One contract: its clauses, norms, phrases, and phrases with names filled in."""
        contract = registry.get(contract_id)
        return detail(contract, registry.relative(contract.spec.path))

    @app.post(
        "/v1/contracts/{contract_id}/check",
        response_model=Report,
        tags=["checks"],
        openapi_extra={"requestBody": CHECK_BODY},
    )
    async def check(contract_id: ContractId, request: Request) -> Response:
        """Check moves as one timeline; the report is the one `check --format json` prints.
        A conflict is a 200 with `verdict: "conflict"`: the check itself succeeded."""
        # Answered by Guard before it gets here (same function); kept for the OpenAPI document.
        return Response(run_check(contract_id, await request.body()), media_type="application/json")

    @app.post("/v1/contracts/{contract_id}/timeline", response_model=Timeline, tags=["checks"])
    async def check_timeline(contract_id: ContractId, body: CheckRequest) -> Response:
        """The report, and the state after each move (n + 1 checks): the web page's picture."""
        contract = registry.get(contract_id)
        result = timeline(contract, list(body.moves), at=body.at, waivers=body.waivers)
        return Response(result.model_dump_json(), media_type="application/json")

    @app.get("/v1/contracts/{contract_id}/norms/{norm}/explain", tags=["contracts"])
    async def explain_norm(contract_id: ContractId, norm: NormId) -> Explanation:
        """One norm: its clause, what triggers it, what defeats it, when it is in force, its
        kind's own terms, what it overrides, what it sets off (`contract-engine explain`)."""
        contract = registry.get(contract_id)
        try:
            return explain(contract, norm, show_path=registry.relative)
        except MoveError as error:
            raise HTTPProblem(404, "unknown-norm", "No such norm", str(error)) from None

    @app.get("/v1/contracts/{contract_id}/clauses/{clause}/explain", tags=["contracts"])
    async def explain_clause(contract_id: ContractId, clause: ClauseId) -> NormsExplanation:
        """One clause: its text and source, and each of its norms explained."""
        contract = registry.get(contract_id)
        explained = (
            explain_many(contract, clause, show_path=registry.relative)
            if clause in contract.spec.clauses
            else None
        )
        if explained is None:
            from engine.suggest import did_you_mean

            known = contract.spec.clauses
            raise HTTPProblem(
                404,
                "unknown-clause",
                "No such clause",
                f"contract {contract.id} has no clause '{clause}'{did_you_mean(clause, known)}",
            )
        return explained

    # -- what-if (engine/serve/whatif.py): sync routes, so they run in the thread pool ----------
    bounded = "Bounded: {} at most {}, and {:g} s of search per request (a 422 beyond either)."

    @app.post(
        "/v1/contracts/{contract_id}/plan",
        response_model=PlanResult,
        tags=["what-if"],
        description="The shortest timelines of moves that reach a goal (a move or a state), "
        "every step clear; without one, the closest attempts and what blocks them: "
        "`contract-engine plan --format json`. `found: false` is a 200 (the search succeeded). "
        + bounded.format("`max_steps`", MAX_PLAN_STEPS, settings.search_seconds),
    )
    def plan_route(contract_id: ContractId, body: PlanRequest) -> Response:
        return _json(searches.plan(contract_id, body).to_json())

    @app.post(
        "/v1/contracts/{contract_id}/diff",
        response_model=DiffResult,
        tags=["what-if"],
        description="Which moves and timelines change outcome between this version and "
        "another, and how: `contract-engine diff --format json`. The other version is an "
        "amendment or contract of this server (`against`; `GET /v1/contracts` lists the "
        "amendments) or an amendment written out in the body (`amendment`). The path's id may "
        "name an amendment too, to compare two amendments. "
        + bounded.format("`depth`", MAX_DIFF_DEPTH, settings.search_seconds),
    )
    def diff_route(contract_id: ContractId, body: DiffRequest) -> Response:
        return _json(searches.diff(contract_id, body).to_json())

    @app.get(
        "/v1/contracts/{contract_id}/lint",
        response_model=LintResult,
        tags=["what-if"],
        description="The contract's static problems, each with file:line, a severity and "
        "whether its check is exact or bounded: `contract-engine lint --format json`.",
    )
    def lint_route(contract_id: ContractId) -> Response:
        return _json(searches.lint(contract_id).to_json())

    @app.post(
        "/v1/contracts/{contract_id}/prove",
        response_model=ProofResult,
        tags=["what-if"],
        description="A property over every timeline of generated moves up to a depth: it "
        "holds, or a counterexample (for `reachable`, a witness) that `check` replays: "
        "`contract-engine prove --format json`. `holds: false` is a 200. "
        + bounded.format("`depth`", MAX_PROVE_DEPTH, settings.search_seconds),
    )
    def prove_route(contract_id: ContractId, body: ProveRequest) -> Response:
        return _json(searches.prove(contract_id, body).to_json())

    @app.post(
        UPLOAD_PATH,
        tags=["contracts"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": ValidateRequest.model_json_schema(ref_template="{model}")
                    },
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": {"type": "string", "format": "binary"},
                        }
                    },
                },
            }
        },
    )
    async def validate(request: Request) -> ValidateResult:
        """Validate an uploaded contract and its rule files, as `contract-engine validate` does.
        JSON: `{"files": {path: text}}`; multipart: one part per file, named by its path."""
        files = await _uploaded(request)
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(validate_upload, files)
        return ValidateResult(
            valid=True,
            files=result.files,
            contracts=[summary(c, c.spec.path.name) for c in result.contracts],
        )

    return app


def _json(text: str) -> Response:
    return Response(text, media_type="application/json")


def _amendment(amended_id: str, entry: Entry, registry: Registry) -> AmendmentSummary:
    from engine.amend import amendment_of

    known = amendment_of(entry.contract.spec) if entry.contract is not None else None
    return AmendmentSummary(
        id=amended_id,
        amendment=entry.amendment or amended_id,
        amends=entry.amends or "",
        file=registry.relative(entry.path),
        title=known.title if known else None,
        effective=known.effective if known else None,
        hypothetical=known.hypothetical if known else None,
        problems=[_located(p, registry) for p in entry.problems],
    )


def _located(problem: Problem, registry: Registry) -> ProblemLocation:
    located = location(problem)
    return located.model_copy(
        update={
            "file": registry.relative(problem.file),
            "message": in_terms_of("http", located.message),
        }
    )


async def _uploaded(request: Request) -> dict[str, bytes]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=MAX_FILES + 1, max_fields=MAX_FILES + 1)
        files: dict[str, bytes] = {}
        for name, value in form.multi_items():
            if isinstance(value, str):
                raise UploadError(f"form field '{name}' is not a file; send each file as a file")
            path = name if name.endswith((".yaml", ".yml")) else (value.filename or name)
            files[path] = await value.read()
        return files
    body = ValidateRequest.model_validate_json(await request.body())
    return {path: text.encode("utf-8") for path, text in body.files.items()}


# -- running ---------------------------------------------------------------------------------
ENV_CONTRACTS = "CONTRACT_ENGINE_CONTRACTS"
ENV_TOKEN_FILE = "CONTRACT_ENGINE_TOKEN_FILE"


def app_from_environment() -> FastAPI:
    """The app factory uvicorn's workers call (`--workers N` starts each in its own process)."""
    token_file = os.environ.get(ENV_TOKEN_FILE)
    app = create_app(
        Settings(
            contracts=Path(os.environ.get(ENV_CONTRACTS) or DEFAULT_CONTRACTS),
            token=read_token(Path(token_file)) if token_file else None,
        )
    )
    # What is loaded now lives as long as the process: keep the garbage collector from walking
    # it again and again (a full collection over the app's modules costs more than a check).
    gc.freeze()
    return app


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach an address (a host name other than localhost may
    resolve anywhere: it counts as reachable from outside)."""
    import ipaddress

    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def open_bind(host: str, port: int, token_file: Path | None, insecure: bool) -> str | None:
    """A server others can reach needs a token: refuse such a bind without one, unless told
    --insecure, which returns the warning to print."""
    if token_file is not None or is_loopback(host):
        return None
    if not insecure:
        raise ContractEngineError(
            f"--host {host}: other machines can reach this address, and without a token anyone "
            "who reaches it can read the contracts and run searches; give --token-file FILE "
            "(every request then needs 'Authorization: Bearer <token>'), or --insecure to "
            "serve it open anyway"
        )
    return (
        f"warning: serving on {host}:{port} without a token (--insecure): anyone who can "
        "reach it can read the contracts and run searches"
    )


def run(
    contracts: Path | None,
    host: str,
    port: int,
    token_file: Path | None,
    workers: int = 1,
    access_log: bool = False,
    insecure: bool = False,
) -> None:
    """Serve under uvicorn; settings reach each worker through the environment."""
    import uvicorn

    warning = open_bind(host, port, token_file, insecure)  # before anything is bound
    directory = (contracts or DEFAULT_CONTRACTS).resolve()
    if token_file is not None:
        read_token(token_file)  # fail now, with a clear error, not in every worker
    Registry(directory)  # likewise: a missing directory is an error before binding
    os.environ[ENV_CONTRACTS] = str(directory)
    if token_file is not None:
        os.environ[ENV_TOKEN_FILE] = str(token_file.resolve())
    else:
        os.environ.pop(ENV_TOKEN_FILE, None)
    if warning is not None:
        print(warning, file=sys.stderr, flush=True)
    uvicorn.run(
        "engine.serve.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,  # a line per request costs about half a check (performance.md)
        server_header=False,
    )
