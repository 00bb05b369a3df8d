"""contract-engine: partnership contracts as declarative rules, checked on durable_rules.

>>> from engine import Contract
>>> contract = Contract.load("contracts/openai-microsoft.yaml")
>>> report = contract.check("partner with Google Cloud")
>>> report.verdict
'conflict'

Names are imported when first used (PEP 562), so `contract-engine check` does not pay for the
analysis commands (lint, plan, prove, diff) it never runs.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.api import Contract
    from engine.diff import DiffResult, diff
    from engine.errors import (
        ContractEngineError,
        ContractFileError,
        EngineError,
        ItemError,
        MoveError,
        Problem,
        WorkerError,
    )
    from engine.explain import Explanation, NormsExplanation, explain, explain_id
    from engine.lint import LintResult, lint
    from engine.model import ContractFile, RuleFile, Severity
    from engine.plan import PlanResult, plan
    from engine.prove import ProofResult, prove
    from engine.report import Evidence, Finding, Move, Outcome, Report, StateView
    from engine.search import Budget, SearchTooLarge

_WHERE = {
    "Budget": "engine.search",
    "Contract": "engine.api",
    "ContractEngineError": "engine.errors",
    "ContractFile": "engine.model",
    "ContractFileError": "engine.errors",
    "DiffResult": "engine.diff",
    "EngineError": "engine.errors",
    "Evidence": "engine.report",
    "Explanation": "engine.explain",
    "Finding": "engine.report",
    "ItemError": "engine.errors",
    "LintResult": "engine.lint",
    "Move": "engine.report",
    "MoveError": "engine.errors",
    "NormsExplanation": "engine.explain",
    "Outcome": "engine.report",
    "PlanResult": "engine.plan",
    "Problem": "engine.errors",
    "ProofResult": "engine.prove",
    "Report": "engine.report",
    "RuleFile": "engine.model",
    "SearchTooLarge": "engine.search",
    "Severity": "engine.model",
    "StateView": "engine.report",
    "WorkerError": "engine.errors",
    "diff": "engine.diff",
    "explain": "engine.explain",
    "explain_id": "engine.explain",
    "lint": "engine.lint",
    "plan": "engine.plan",
    "prove": "engine.prove",
}

__all__ = [
    "Budget",
    "Contract",
    "ContractEngineError",
    "ContractFile",
    "ContractFileError",
    "DiffResult",
    "EngineError",
    "Evidence",
    "Explanation",
    "Finding",
    "ItemError",
    "LintResult",
    "Move",
    "MoveError",
    "NormsExplanation",
    "Outcome",
    "PlanResult",
    "Problem",
    "ProofResult",
    "Report",
    "RuleFile",
    "SearchTooLarge",
    "Severity",
    "StateView",
    "WorkerError",
    "diff",
    "explain",
    "explain_id",
    "lint",
    "plan",
    "prove",
]


class _Package(types.ModuleType):
    """`engine.diff`, `.lint`, `.plan` and `.prove` name both a module and its function: the
    import system sets the package's attribute to the module when the module is first imported,
    so the function is put in its place, as the eager imports of old did."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTIONS and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


_FUNCTIONS = ("diff", "lint", "plan", "prove")
sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once: later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
