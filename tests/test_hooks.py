"""The doors CI goes through: the pre-commit hooks, `validate` over several files, `lint` over
several contracts. A changed rule file is validated as part of the contracts that read it; each
problem is reported once, and every problem of a file in one run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from tests.conftest import MINIMAL_CONTRACT, MINIMAL_RULES

ROOT = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def _repo(tmp_path: Path, rules: str = MINIMAL_RULES) -> Path:
    """A repository laid out as the hooks expect: contracts/ and rules/ at its top."""
    (tmp_path / ".git").mkdir()  # the top of the repository: where the readers are looked for
    (tmp_path / "contracts").mkdir()
    (tmp_path / "rules").mkdir()
    contract = MINIMAL_CONTRACT.replace("rules: [rules.yaml]", "rules: [../rules/mini.yaml]")
    (tmp_path / "contracts" / "mini.yaml").write_text(contract, encoding="utf-8")
    (tmp_path / "contracts" / "other.yaml").write_text(
        contract.replace("id: mini", "id: other"), encoding="utf-8"
    )
    (tmp_path / "rules" / "mini.yaml").write_text(rules, encoding="utf-8")
    return tmp_path


_BOTH = ["contracts/mini.yaml", "contracts/other.yaml"]


def _hook(hook_id: str, repo: Path, changed: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a hook as pre-commit does: its entry, with the changed files its pattern matches."""
    (hook,) = [h for h in HOOKS if h["id"] == hook_id]
    files = [f for f in changed if re.search(hook["files"], f)]
    command, *args = hook["entry"].split()
    assert command == "contract-engine"
    return subprocess.run(
        [sys.executable, "-m", "engine", "--no-cache", *args, *files],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_validate_hook_checks_a_changed_rule_file_with_its_contracts(tmp_path: Path) -> None:
    repo = _repo(tmp_path, MINIMAL_RULES.replace("clause: c1", "clause: c11"))
    done = _hook("contract-engine-validate", repo, ["rules/mini.yaml"])
    assert done.returncode == 2, done.stderr
    # the rule file's problem, found through both contracts that read it, said once
    assert done.stderr.count("norms[n1].clause: unknown clause 'c11'") == 1
    assert "did you mean 'c1'?" in done.stderr
    assert done.stderr.splitlines()[-1] == "1 problem(s) in 2 file(s)"


def test_the_validate_hook_passes_a_good_change(tmp_path: Path) -> None:
    done = _hook("contract-engine-validate", _repo(tmp_path), ["rules/mini.yaml"])
    assert done.returncode == 0 and done.stdout == "ok: 2 file(s) valid\n"


def test_the_lint_hook_lints_every_matching_contract(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    done = _hook("contract-engine-lint", repo, ["contracts/mini.yaml", "contracts/other.yaml"])
    assert done.returncode == 0, done.stderr
    assert "mini: 0 error(s)" in done.stdout and "other: 0 error(s)" in done.stdout


def test_the_lint_hook_lints_the_contracts_of_a_changed_rule_file(tmp_path: Path) -> None:
    done = _hook("contract-engine-lint", _repo(tmp_path), ["rules/mini.yaml"])
    assert done.returncode == 0, done.stderr
    assert "mini: 0 error(s)" in done.stdout and "other: 0 error(s)" in done.stdout


def test_lint_of_several_contracts_as_json_is_an_array(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "engine", "lint", "-f", "json", *_BOTH],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert [r["contract"] for r in json.loads(done.stdout)] == ["mini", "other"]


def _cli(*args: str | Path) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from engine.cli import app

    result = CliRunner().invoke(app, ["--no-cache", *[str(a) for a in args]])
    return result.exit_code, result.stdout, result.stderr


def test_validate_a_contract_and_its_rule_folder_says_each_problem_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path, MINIMAL_RULES.replace("kind: prohibition", "kind: prohibitoin"))
    code, _, err = _cli("validate", repo / "contracts" / "mini.yaml", repo / "rules", "--alone")
    assert code == 2
    assert err.count("norms.0.kind:") == 1
    assert err.splitlines()[-1] == "1 problem(s) in 2 file(s)"


def test_validate_says_schema_and_reference_problems_together_under_readings(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "contracts"
    shutil.copytree(ROOT / "tests" / "contracts", copy)
    rules = copy / "licence" / "rules" / "licence.yaml"
    text = rules.read_text(encoding="utf-8")
    text = text.replace("clause: no-sublicence", "clause: no-sublicense", 1)
    text = text.replace("kind: entitlement", "kind: entitlment", 1)
    rules.write_text(text, encoding="utf-8")
    code, _, err = _cli("validate", copy / "licence-readings" / "contract.yaml")
    assert code == 2
    assert "unknown clause 'no-sublicense'" in err  # a reference
    assert "Input should be" in err and "'entitlment'" in err  # and a schema error, one run


def test_validate_says_an_unknown_section_and_a_bad_reference_together(
    write_contract: object,
) -> None:
    assert callable(write_contract)
    rules = MINIMAL_RULES.replace("clause: c1", "clause: c2") + "norm: []\n"
    code, _, err = _cli("validate", write_contract(rules=rules))
    assert code == 2
    assert "unknown field 'norm' (did you mean 'norms'?)" in err
    assert "unknown clause 'c2'" in err


def test_junit_fails_for_an_error_in_a_referenced_rule_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path, MINIMAL_RULES.replace("clause: c1", "clause: c11"))
    code, out, _ = _cli("validate", repo / "contracts" / "mini.yaml", "--format", "junit")
    suite = ET.fromstring(out)
    assert code == 2
    assert suite.get("failures") == "1" and suite.get("tests") == "1"
    (failed,) = [c for c in suite if c.find("failure") is not None]
    assert failed.get("classname", "").endswith("contracts/mini.yaml")
    assert "unknown clause 'c11'" in (failed.find("failure").get("message") or "")  # type: ignore[union-attr]


def test_junit_counts_every_problem(write_contract: object) -> None:
    assert callable(write_contract)
    rules = MINIMAL_RULES.replace("clause: c1", "clause: c2").replace(
        "bearer: alpha", "bearer: alhpa"
    )
    code, out, _ = _cli("validate", write_contract(rules=rules), "--format", "junit")
    suite = ET.fromstring(out)
    assert code == 2
    assert suite.get("failures") == "2" and suite.get("tests") == "2"


def test_a_rule_file_is_validated_with_its_contracts_from_anywhere(tmp_path: Path) -> None:
    repo = _repo(tmp_path, MINIMAL_RULES.replace("clause: c1", "clause: c11"))
    code, _, err = _cli("validate", repo / "rules" / "mini.yaml", "--format", "json")
    assert code == 2 and "unknown clause 'c11'" in err
    code, _, _ = _cli("validate", repo / "rules" / "mini.yaml", "--alone")
    assert code == 0  # alone, only the schema of rule files: what the hook used to check
