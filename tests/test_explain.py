"""One explanation for every door: `contract-engine explain` prints the data the server and the
MCP server return (engine/explain.py), with the norm kinds' own lines."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from conftest import BUNDLED, ROOT
from fastapi.testclient import TestClient

from engine import Contract
from engine.errors import shown_path
from engine.explain import Explanation, NormsExplanation, explain_id
from engine.serve.app import Settings, create_app

Cli = Callable[..., tuple[int, str, str]]
DUTIES = ROOT / "tests" / "contracts" / "duties" / "contract.yaml"


@pytest.fixture(scope="module")
def duties_server() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(contracts=DUTIES.parent))) as c:
        yield c


@pytest.mark.parametrize(
    ("path", "ident"),
    [
        (BUNDLED, "azure-exclusivity"),  # a prohibition
        (BUNDLED, "ip-access"),  # a clause: each of its norms
        (DUTIES, "fix-each-defect"),  # an obligation: what starts it, instances, what meets it
        (DUTIES, "end-for-convenience"),  # a termination on notice
        (DUTIES, "mutual-confidentiality"),  # `bearer: either`: one norm per party
        (DUTIES, "no-deep-discounts"),  # a window from the contract's effective date
    ],
)
def test_the_cli_prints_the_engine_explanation(cli: Cli, path: object, ident: str) -> None:
    code, out, _ = cli("explain", path, ident)
    assert code == 0
    shown = explain_id(Contract.load(str(path)), ident, lambda p: shown_path(p) or p)
    assert out == shown.to_text()  # files named as the user would: relative below the folder


def test_the_server_returns_the_kind_lines_the_cli_prints(
    duties_server: TestClient, cli: Cli
) -> None:
    body = duties_server.get("/v1/contracts/support-agreement/norms/fix-each-defect/explain").json()
    lines = {k["label"]: k["text"] for k in body["kind_lines"]}
    assert lines["starts on"] == "a defect_report move (within 10 days of it)"
    assert lines["instances"] == "one open deadline per value of defect"
    assert body["defined_at"].startswith("duties/rules/")  # never a full path
    _, out, _ = cli("explain", DUTIES, "fix-each-defect")
    shown = Explanation.model_validate(body).to_text()
    folder = os.path.relpath(DUTIES.parent.parent).replace(os.sep, "/") + "/"
    assert shown == out.replace(folder, "")  # the CLI names files from the current folder


def test_the_server_shows_the_effective_window_and_overrides(duties_server: TestClient) -> None:
    body = duties_server.get(
        "/v1/contracts/support-agreement/norms/no-deep-discounts/explain"
    ).json()
    assert body["in_force_from"] == "2025-01-15"  # the contract's effective date
    assert body["overridden_by"]
    overrider = body["overridden_by"][0]
    other = duties_server.get(f"/v1/contracts/support-agreement/norms/{overrider}/explain").json()
    assert other["overrides"] == ["no-deep-discounts"]


def test_the_server_explains_a_clause(duties_server: TestClient, cli: Cli) -> None:
    clause = Contract.load(DUTIES).norm("fix-each-defect").clause
    response = duties_server.get(f"/v1/contracts/support-agreement/clauses/{clause}/explain")
    body = NormsExplanation.model_validate(response.json())
    assert body.of == "clause" and "fix-each-defect" in [n.rule for n in body.norms]
    _, out, _ = cli("explain", DUTIES, clause)
    # the CLI names files from the current folder, the server from its contracts' folder
    shown = os.path.relpath(DUTIES.parent.parent).replace(os.sep, "/") + "/"
    assert body.to_text() == out.replace(shown, "")
    missing = duties_server.get("/v1/contracts/support-agreement/clauses/nope/explain")
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("unknown-clause")


def test_the_server_names_the_party_norms_of_an_either_norm(duties_server: TestClient) -> None:
    response = duties_server.get(
        "/v1/contracts/support-agreement/norms/mutual-confidentiality/explain"
    )
    assert response.status_code == 404
    assert "one norm for each party: mutual-confidentiality@" in response.json()["detail"]


def test_a_value_change_is_explained_as_written() -> None:
    """`then:` of a set_value norm shows its expression as the rule file writes it, never the
    encoded key the compiled contract carries (nor the move's fields carried for it)."""
    supply = Contract.load(ROOT / "tests" / "contracts" / "supply" / "contract.yaml")
    text = explain_id(supply, "track-best-discount").to_text()
    assert "then: set_value {'value': 'best-discount', 'to': 'discount'}" in text
    assert "field:" not in text
