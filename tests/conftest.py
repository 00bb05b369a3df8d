from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine import Contract

pytest_plugins = ["engine.bdd"]

# The verb forms cached between runs go to a directory of the test run, not the user's cache.
os.environ.setdefault("CONTRACT_ENGINE_CACHE", tempfile.mkdtemp(prefix="contract-engine-cache-"))

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "contracts" / "openai-microsoft.yaml"
LICENCE = ROOT / "tests" / "contracts" / "licence" / "contract.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak",
        action="store",
        type=int,
        default=0,
        metavar="CHECKS",
        help="run the soak test (marked 'soak') with this many checks, e.g. --soak 1000000",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--soak"):
        return
    skip = pytest.mark.skip(reason="soak test: run with --soak CHECKS")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract.load(BUNDLED)


@pytest.fixture(scope="session")
def licence() -> Contract:
    return Contract.load(LICENCE)


@pytest.fixture
def cli() -> Callable[..., tuple[int, str, str]]:
    from engine.cli import app

    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, [str(a) for a in args])
        return result.exit_code, result.stdout, result.stderr

    return run


MINIMAL_CONTRACT = """\
contract:
  id: mini
  title: Mini
  as_of: 2025-01-01
  rules: [rules.yaml]
parties:
  - {id: alpha, name: Alpha}
  - {id: beta, name: Beta}
entities:
  - {id: gamma, name: Gamma}
clauses:
  - {id: c1, title: Clause one, text: Some text., source: test}
"""

MINIMAL_RULES = """\
event_kinds:
  - id: deal
    title: deal
    actor: alpha
    fields:
      with: {type: entity}
    phrases: ["deal with {with}"]
norms:
  - id: n1
    clause: c1
    kind: prohibition
    bearer: alpha
    when: {move: deal, with: gamma}
    message: no deal with {with}
"""


@pytest.fixture
def write_contract(tmp_path: Path) -> Callable[..., Path]:
    """Write a small contract and rule file, with text replaced where a test breaks them."""

    def write(contract: str = MINIMAL_CONTRACT, rules: str = MINIMAL_RULES) -> Path:
        (tmp_path / "contract.yaml").write_text(textwrap.dedent(contract), encoding="utf-8")
        (tmp_path / "rules.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
        return tmp_path / "contract.yaml"

    return write
