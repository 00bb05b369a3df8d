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
    ItemError,
    MoveError,
    Problem,
    WorkerError,
)
from engine.lint import LintResult, lint
from engine.model import ContractFile, RuleFile, Severity
from engine.plan import PlanResult, plan
from engine.prove import ProofResult, prove
from engine.report import Evidence, Finding, Move, Outcome, Report, StateView

__all__ = [
    "Contract",
    "ContractEngineError",
    "ContractFile",
    "ContractFileError",
    "DiffResult",
    "EngineError",
    "Evidence",
    "Finding",
    "ItemError",
    "LintResult",
    "Move",
    "MoveError",
    "Outcome",
    "PlanResult",
    "Problem",
    "ProofResult",
    "Report",
    "RuleFile",
    "Severity",
    "StateView",
    "WorkerError",
    "diff",
    "lint",
    "plan",
    "prove",
]
