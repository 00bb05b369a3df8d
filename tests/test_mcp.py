"""The MCP server, through the SDK's own client over stdio, as an assistant would call it."""

from __future__ import annotations

import json
import sys
from typing import Any

import anyio
from conftest import ROOT
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

TIMEOUT_S = 60


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
    tools, (listed, phrases, check, explain, bad) = anyio.run(
        _call,
        [
            ("list_contracts", {}),
            ("list_phrases", {"contract": "openai-microsoft"}),
            ("check", {"contract": "openai-microsoft", "moves": ["partner with Google Cloud"]}),
            ("explain", {"contract": "openai-microsoft", "norm": "azure-exclusivity"}),
            ("check", {"contract": "openai-microsoft", "moves": ["partner with Gogle Clod"]}),
        ],
    )
    assert tools == ["check", "explain", "list_contracts", "list_phrases"]
    assert listed.structured_content["contracts"][0]["id"] == "openai-microsoft"
    assert "partner with {provider}" in phrases.structured_content["phrases"]

    assert not check.is_error
    summary, report_json = (c.text for c in check.content)
    assert "CONFLICT" in summary and "azure-exclusivity" in summary
    report = json.loads(report_json)
    assert report == check.structured_content
    assert report["verdict"] == "conflict"
    assert report["conflicts"][0]["rule"] == "azure-exclusivity"

    assert explain.structured_content["clause"] == "azure-exclusivity"
    assert "fires on:" in explain.content[0].text

    assert bad.is_error
    assert "did you mean 'Google Cloud'" in bad.content[0].text
    assert "Traceback" not in bad.content[0].text
