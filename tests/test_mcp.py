"""The MCP server, through the SDK's own client over stdio, as an assistant would call it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from conftest import ROOT
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

TIMEOUT_S = 60
BUNDLED_REL = "contracts/openai-microsoft.yaml"
Cli = Callable[..., tuple[int, str, str]]


async def _call(calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[Any]]:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "engine", "mcp", "--contracts", str(ROOT / "contracts")],
        cwd=str(ROOT),
    )
    results = []
    with anyio.fail_after(TIMEOUT_S):
        async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = sorted(t.name for t in (await session.list_tools()).tools)
            for name, arguments in calls:
                results.append(await session.call_tool(name, arguments))
    return tools, results


def test_an_assistant_checks_a_move_and_reads_the_verdict() -> None:
    tools, (listed, phrases, check, explain, clause, bad, panel) = anyio.run(
        _call,
        [
            ("list_contracts", {}),
            ("list_phrases", {"contract": "openai-microsoft"}),
            ("check", {"contract": "openai-microsoft", "moves": ["partner with Google Cloud"]}),
            ("explain", {"contract": "openai-microsoft", "norm": "azure-exclusivity"}),
            ("explain", {"contract": "openai-microsoft", "norm": "ip-access"}),
            ("check", {"contract": "openai-microsoft", "moves": ["partner with Gogle Clod"]}),
            (
                "check",
                {
                    "contract": "openai-microsoft",
                    "moves": ["declare AGI", "partner with Google Cloud"],
                    "readings": {"agi-clause": "board"},
                },
            ),
        ],
    )
    assert tools == [
        "check",
        "diff",
        "explain",
        "lint",
        "list_contracts",
        "list_phrases",
        "plan",
        "prove",
    ]
    assert listed.structured_content["contracts"][0]["id"] == "openai-microsoft"
    assert "partner with {provider}" in phrases.structured_content["phrases"]

    assert not check.is_error
    (summary,) = (c.text for c in check.content)  # the result once: text, and data apart
    assert "CONFLICT" in summary and "azure-exclusivity" in summary
    report = check.structured_content
    assert report["verdict"] == "conflict"
    assert report["conflicts"][0]["rule"] == "azure-exclusivity"

    assert explain.structured_content["clause"] == "azure-exclusivity"
    assert "fires on:" in explain.content[0].text
    assert clause.structured_content["of"] == "clause"  # a clause id: each of its norms
    assert clause.content[0].text.startswith("clause ip-access: ")

    assert bad.is_error
    assert "did you mean 'Google Cloud'" in bad.content[0].text
    assert "Traceback" not in bad.content[0].text
    # said in this door's terms: the tool to call, not a command to run
    assert "contract-engine" not in bad.content[0].text

    assert panel.structured_content["verdict"] == "clear"  # under the board's reading only
    assert panel.structured_content["readings"]["fixed"] == {"agi-clause": "board"}


def test_an_assistant_asks_what_if(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """plan, diff, lint and prove take the HTTP API's inputs and answer with the CLI's text and
    its JSON, byte for byte; bad input and searches beyond the caps are tool errors."""
    _, (plan, diff, inline, lint, prove, too_deep, bad_amendment) = anyio.run(
        _call,
        [
            ("plan", {"contract": "openai-microsoft", "goal": "go public", "max_steps": 3}),
            ("diff", {"contract": "openai-microsoft", "against": "azure-relaxed", "depth": 1}),
            (
                "diff",
                {
                    "contract": "openai-microsoft",
                    "amendment": "title: No IPO rule\neffective: 2025-10-01\n"
                    "norms: {remove: [ipo-needs-conversion]}\n",
                    "moves": ["go public"],
                },
            ),
            ("lint", {"contract": "reseller-partnership"}),
            ("prove", {"contract": "openai-microsoft", "property": "reachable: go public clear"}),
            ("prove", {"contract": "openai-microsoft", "property": "never: conflict", "depth": 9}),
            ("diff", {"contract": "openai-microsoft", "amendment": "title: t\n"}),
        ],
    )
    monkeypatch.chdir(ROOT)
    for result, args in (
        (plan, ["plan", BUNDLED_REL, "--goal", "go public", "--max-steps", "3"]),
        (diff, ["diff", BUNDLED_REL, "contracts/amendments/azure-relaxed.yaml", "--depth", "1"]),
        (lint, ["lint", "contracts/reseller-partnership.yaml"]),
        (prove, ["prove", BUNDLED_REL, "reachable: go public clear"]),
    ):
        assert not result.is_error, result.content[0].text
        (text,) = (c.text for c in result.content)
        assert text == cli(*args)[1]
        assert result.structured_content == json.loads(cli(*args, "--format", "json")[1])
    assert "Plan 1, 3 step(s), every step clear:" in plan.content[0].text
    assert inline.structured_content["b"] == "openai-microsoft+proposal"
    assert inline.structured_content["changes"][0]["moves"] == ["go public"]
    assert too_deep.is_error and "depth: at most 3 on this server" in too_deep.content[0].text
    assert bad_amendment.is_error
    assert "amendment:1: effective: missing required field" in bad_amendment.content[0].text


async def _initialize_and_call() -> tuple[Any, list[Any]]:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "engine", "mcp", "--contracts", str(ROOT / "contracts")],
        cwd=str(ROOT),
    )
    with anyio.fail_after(TIMEOUT_S):
        async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
            started = await session.initialize()
            results = [
                await session.call_tool(name, arguments)
                for name, arguments in (
                    ("list_phrases", {"contract": "openai-microsoft"}),
                    ("check", {"contract": "openai-microsoft", "moves": ["blorp the wibble"]}),
                    ("lint", {"contract": "reseller-partnership"}),
                )
            ]
            return started, results


def test_the_server_says_its_version_and_sends_each_result_once() -> None:
    from importlib.metadata import version

    started, (phrases, unreadable, lint) = anyio.run(_initialize_and_call)
    assert started.server_info.version == version("contract-engine") != ""
    for result in (phrases, lint):
        # the data once, as structured content; the text is for the model, not the JSON again
        assert len(result.content) == 1 and result.structured_content
        assert json.dumps(result.structured_content, indent=2) not in result.content[0].text
    assert unreadable.is_error
    (text,) = (c.text for c in unreadable.content)
    assert "no phrase of contract openai-microsoft matches" in text
    assert "list_phrases tool lists them all" in text and "contract-engine" not in text


def test_an_assistant_asks_what_time_alone_brings() -> None:
    """`check` with no move and a date lets time pass, as the CLI's `check --at` does; with no
    date either it is an error that says what to send, not a CLI command."""
    _, (alone, unsaid, nothing) = anyio.run(
        _call,
        [
            ("check", {"contract": "openai-microsoft", "moves": [], "at": "2026-01-15"}),
            ("check", {"contract": "openai-microsoft", "at": "2026-01-15"}),
            ("check", {"contract": "openai-microsoft", "moves": []}),
        ],
    )
    for result in (alone, unsaid):  # `moves` left out is no move, as `check --at` alone
        assert not result.is_error, result.content[0].text
        assert result.structured_content["moves"] == []
        assert result.structured_content["check_date"] == "2026-01-15"
    assert nothing.is_error
    text = nothing.content[0].text
    assert "'at'" in text and "contract-engine" not in text


def test_an_assistant_waives_a_norm_as_the_cli_does() -> None:
    """`waivers` as in `check --waive RULE=REASON`: the finding is listed as waived; a misspelt
    rule is refused with a did-you-mean, never ignored."""
    _, (waived, misspelt) = anyio.run(
        _call,
        [
            (
                "check",
                {
                    "contract": "openai-microsoft",
                    "moves": ["partner with Google Cloud"],
                    "waivers": {"azure-exclusivity": "Microsoft agreed by email"},
                },
            ),
            (
                "check",
                {
                    "contract": "openai-microsoft",
                    "moves": ["partner with Google Cloud"],
                    "waivers": {"azure-exclusivty": "x"},
                },
            ),
        ],
    )
    assert not waived.is_error and waived.structured_content["verdict"] == "clear"
    assert [f["rule"] for f in waived.structured_content["waived"]] == ["azure-exclusivity"]
    assert misspelt.is_error and "azure-exclusivity" in misspelt.content[0].text
