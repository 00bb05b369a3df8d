"""contract-engine: partnership contracts as declarative rules, checked on durable_rules.

>>> from engine import Contract
>>> contract = Contract.load("contracts/openai-microsoft.yaml")
>>> report = contract.check("partner with Google Cloud")
>>> report.verdict
'conflict'
"""

from engine.api import Contract
from engine.diff import DiffResult, diff
from engine.errors import (
    ContractEngineError,
    ContractFileError,
    EngineError,
    MoveError,
    Problem,
)
from engine.explain import Explanation, NormsExplanation, explain, explain_id
from engine.lint import LintResult, lint
from engine.model import ContractFile, RuleFile, Severity
from engine.plan import PlanResult, plan
from engine.prove import ProofResult, prove
from engine.report import Evidence, Finding, Move, Outcome, Report, StateView
from engine.search import Budget, SearchTooLarge

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
    "diff",
    "explain",
    "explain_id",
    "lint",
    "plan",
    "prove",
]
