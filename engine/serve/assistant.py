"""The MCP server for AI assistants (`contract-engine mcp`): the contracts of one directory as
tools, over stdio, with the official MCP Python SDK.

Each tool returns its result once: the data as structured content (the report's JSON for a
check), for the client to use, and a text for the model to read (a summary of a check, the
command line's text of a what-if), so an assistant can answer "can OpenAI partner with Google
Cloud?" from the contract rather than from memory, and quote the clause. The JSON is not
repeated as text: a client that forwards both would hand the model every result twice. Bad input
comes back as a tool error whose text is the engine's own message (file:line, did-you-mean) in
this door's terms (which tool to call, never a command to run), never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent
from pydantic import Field, ValidationError

from engine.errors import ContractEngineError, MoveError
from engine.explain import explain_id
from engine.report import Report
from engine.serve.problems import in_terms_of, invalid_request
from engine.serve.registry import Registry
from engine.serve.schemas import (
    MAX_DIFF_DEPTH,
    MAX_MOVES_PER_REQUEST,
    MAX_PLAN_STEPS,
    MAX_PROVE_DEPTH,
    DiffRequest,
    PlanRequest,
    ProveRequest,
    summary,
)
from engine.serve.whatif import Searches

INSTRUCTIONS = """\
Checks proposed moves against partnership contracts written as declarative rules.
Call list_contracts to see the contracts, list_phrases for the moves a contract understands
(plain words such as "partner with Google Cloud"), check to check one move or a timeline of
moves, and explain for what one norm (rule) of a contract means. Answer from the report:
its verdict, each conflict's clause and source, and why the other norms did not apply.
What-if: plan finds the shortest clear timelines to a goal ("how can OpenAI go public?"),
diff compares the contract with an amendment (list_contracts lists them; or write one out),
lint lists a contract's static problems, prove checks a property over every short timeline."""


ContractArg = Annotated[
    str, Field(description="A contract id from list_contracts (or an amendment's id).")
]


def _result(summary_text: str, data: dict[str, Any]) -> CallToolResult:
    """A result once: the text for the model, the data as structured content."""
    return CallToolResult(
        content=[TextContent(type="text", text=summary_text)], structured_content=data
    )


def _error(error: ContractEngineError | ValidationError) -> CallToolResult:
    if isinstance(error, ValidationError):  # the HTTP API's request models: same caps, same words
        error = ContractEngineError(invalid_request(error.errors()).detail)
    text = in_terms_of("mcp", f"error: {error}")
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def _answer(text: str, json_text: str) -> CallToolResult:
    """A what-if result: its text as the CLI prints it, and its JSON (as `--format json`
    prints it) as structured content."""
    return _result(text, json.loads(json_text))


def _version() -> str:
    """The package's version, which the server reports to the client at initialisation."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("contract-engine")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def report_summary(report: Report) -> str:
    """A few lines an assistant can read out: the verdict and counts of the report's summary
    (engine/summary.py, as every output), each reading's when readings differ, then every
    finding by group."""
    summary = report.summary
    lines = [
        f"{report.contract_title}: {summary.verdict.upper()} "
        f"({summary.counts.phrase()}; check date {report.check_date})"
    ]
    if summary.by_reading is not None:
        lines.append("Readings differ:")
        for r in summary.by_reading:
            default = ", the default" if r.default else ""
            blocking = ", ".join(f.id for f in summary.group("blocking", r.findings))
            lines.append(
                f"- {r.verdict} under {r.label}{default} ({r.counts.phrase()})"
                + (f"; blocking: {blocking}" if blocking else "")
            )
    for f in summary.findings:
        under = f" (under {', '.join(f.under)})" if f.under else ""
        clause = f" (clause {f.clause}: {f.clause_title})" if f.clause else ""
        waived = f" [waived: {f.waived}]" if f.waived else ""
        source = f"; source: {f.source}" if f.source else ""
        lines.append(
            f"- {f.group} {f.id}{clause}{under}: {f.message} [move: {f.move_text}{source}]{waived}"
        )
    if report.notice:
        lines.append(f"Note: {report.notice}")
    return "\n".join(lines)


def build_server(directory: Path | None = None) -> MCPServer:
    from engine.serve.app import DEFAULT_CONTRACTS

    registry = Registry(directory or DEFAULT_CONTRACTS)
    server = MCPServer(name="contract-engine", version=_version(), instructions=INSTRUCTIONS)

    @server.tool()
    def list_contracts() -> CallToolResult:
        """List the contracts this server checks: id, title, clauses and phrases."""
        entries = registry.entries()
        contracts = [
            summary(e.contract, registry.relative(e.path)).model_dump(mode="json")
            for e in entries.values()
            if e.contract is not None
        ]
        text = "\n".join(f"- {c['id']}: {c['title']}" for c in contracts) or "no contracts"
        return _result(f"{len(contracts)} contract(s):\n{text}", {"contracts": contracts})

    @server.tool()
    def list_phrases(
        contract: Annotated[str, Field(description="A contract id from list_contracts.")],
    ) -> CallToolResult:
        """The moves a contract understands, in plain words; {field} is a hole to fill."""
        try:
            loaded = registry.get(contract)
        except ContractEngineError as error:
            return _error(error)
        phrases = loaded.phrases
        return _result(
            f"{len(phrases)} phrase(s) of {loaded.id}:\n" + "\n".join(phrases),
            {"contract": loaded.id, "phrases": phrases},
        )

    @server.tool()
    def check(
        contract: Annotated[str, Field(description="A contract id from list_contracts.")],
        moves: Annotated[
            list[str | dict[str, Any]],
            Field(
                max_length=MAX_MOVES_PER_REQUEST,
                description='Moves in plain words ("partner with Google Cloud", or '
                '"2025-09-01: declare AGI" to date one) or as objects with a "kind"; '
                "several form one timeline, run in date order. Empty with `at` given: what "
                "time alone brings by that date.",
            ),
        ] = [],  # noqa: B006 (the SDK reads the default into the tool's schema; never mutated)
        at: Annotated[
            str | None,
            Field(description="Check date YYYY-MM-DD (default: the contract's as_of)."),
        ] = None,
        readings: Annotated[
            dict[str, str] | None,
            Field(
                description="Readings of disputed clauses to fix, {clause: reading}; the "
                "others are each considered (explain CLAUSE lists a clause's readings)."
            ),
        ] = None,
        waivers: Annotated[
            dict[str, str] | None,
            Field(
                description="Norms set aside, {rule: reason}: their findings are listed as "
                "waived, not as conflicts."
            ),
        ] = None,
    ) -> CallToolResult:
        """Check moves against a contract: the verdict, every conflict with its clause and
        source, the consequences, and why the other norms did not apply."""
        if not moves and at is None:
            return _error(
                MoveError(
                    "give at least one move in 'moves', or 'at' (YYYY-MM-DD) to check what "
                    "time alone brings by that date"
                )
            )
        try:
            report = registry.get(contract).check_timeline(
                moves, at=at, readings=readings, waivers=waivers
            )
        except ContractEngineError as error:
            return _error(error)
        return _result(report_summary(report), report.model_dump(mode="json"))

    @server.tool()
    def explain(
        contract: Annotated[str, Field(description="A contract id from list_contracts.")],
        norm: Annotated[
            str,
            Field(description="A norm (rule) id, as reports name them, or a clause id."),
        ],
    ) -> CallToolResult:
        """Explain one norm (or each norm of a clause): its clause text and source, what
        triggers it, what defeats it, when it is in force, its kind's own terms."""
        try:
            explanation = explain_id(registry.get(contract), norm, show_path=registry.relative)
        except ContractEngineError as error:
            return _error(error)
        return _result(explanation.to_text(), explanation.model_dump(mode="json"))

    searches = Searches(registry)

    @server.tool()
    def plan(
        contract: ContractArg,
        goal: Annotated[
            str,
            Field(
                description='A move ("go public") or a state ("the partnership ended", '
                '"clause azure-exclusivity not in force").'
            ),
        ],
        given: Annotated[
            list[str | dict[str, Any]],
            Field(description="Moves that have already happened, in words or as objects."),
        ] = [],  # noqa: B006 - the SDK reads the default; it is never mutated
        max_steps: Annotated[
            int, Field(description=f"The longest plan tried, goal included (1-{MAX_PLAN_STEPS}).")
        ] = 4,
        allow: Annotated[list[str], Field(description="Only moves of these kinds.")] = [],  # noqa: B006
        forbid: Annotated[list[str], Field(description="No moves of these kinds.")] = [],  # noqa: B006
        by: Annotated[str | None, Field(description="Reach the goal by YYYY-MM-DD.")] = None,
        at: Annotated[str | None, Field(description="The first step's date, YYYY-MM-DD.")] = None,
        readings: Annotated[
            dict[str, str] | None,
            Field(description="Readings of disputed clauses fixed, {clause: reading}."),
        ] = None,
    ) -> CallToolResult:
        """The shortest timelines of moves that reach a goal with every step clear, or the
        closest attempts and the norms that block them. Each step replays through check."""
        try:
            body = PlanRequest.model_validate(
                {"goal": goal, "given": given, "max_steps": max_steps, "allow": allow}
                | {"forbid": forbid, "by": by, "at": at, "readings": readings or {}}
            )
            result = searches.plan(contract, body)
        except (ContractEngineError, ValidationError) as error:
            return _error(error)
        return _answer(result.to_text(), result.to_json())

    @server.tool()
    def diff(
        contract: ContractArg,
        against: Annotated[
            str | None,
            Field(
                description="The other version: an amendment id from list_contracts, or a contract id."
            ),
        ] = None,
        amendment: Annotated[
            str | None,
            Field(
                description="Or an amendment written out (YAML: title, effective, and the "
                "clauses and norms it adds, replaces or removes), applied to this contract."
            ),
        ] = None,
        moves: Annotated[
            list[str | list[str]] | None,
            Field(description="Timelines to compare: each a move in words or a list of moves."),
        ] = None,
        depth: Annotated[
            int,
            Field(
                description=f"Without moves: generated timelines up to this long (1-{MAX_DIFF_DEPTH})."
            ),
        ] = 2,
    ) -> CallToolResult:
        """Which moves change outcome between this contract and another version (an
        amendment, e.g. a renegotiation proposal), and how."""
        try:
            body = DiffRequest.model_validate(
                {"against": against, "amendment": amendment, "moves": moves, "depth": depth}
            )
            result = searches.diff(contract, body)
        except (ContractEngineError, ValidationError) as error:
            return _error(error)
        return _answer(result.to_text(), result.to_json())

    @server.tool()
    def lint(contract: ContractArg) -> CallToolResult:
        """A contract's static problems: norms that can never fire, shadowed norms, windows
        outside their clause, and more, each with file:line and a severity."""
        try:
            result = searches.lint(contract)
        except ContractEngineError as error:
            return _error(error)
        return _answer(result.to_text(), result.to_json())

    @server.tool()
    def prove(
        contract: ContractArg,
        property: Annotated[
            str,
            Field(
                description='"never: a move is both required and forbidden", "always: the '
                'partnership ended -> no conflict from azure-exclusivity", "reachable: go '
                'public clear".'
            ),
        ],
        depth: Annotated[
            int,
            Field(description=f"Every timeline of up to this many moves (1-{MAX_PROVE_DEPTH})."),
        ] = 3,
        readings: Annotated[
            dict[str, str] | None,
            Field(description="Readings of disputed clauses fixed, {clause: reading}."),
        ] = None,
    ) -> CallToolResult:
        """Check a property over every timeline of generated moves up to a depth: it holds,
        or a counterexample timeline (for reachable, a witness) that check replays."""
        try:
            result = searches.prove(
                contract,
                ProveRequest(property=property, depth=depth, readings=readings or {}),
            )
            shown = registry.relative(registry.get(contract).spec.path)  # as the listing shows it
        except (ContractEngineError, ValidationError) as error:
            return _error(error)
        return _answer(result.to_text(shown), result.to_json())

    return server


def run(directory: Path | None) -> None:
    """Serve on stdio until the client closes it."""
    build_server(directory).run("stdio")
