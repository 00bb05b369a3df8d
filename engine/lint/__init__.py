"""Lint: a contract's static problems, each with file:line, a severity, and whether it is exact.

One module per check (or family of checks), each with its CHECKS (name -> how exact, what) and a
`run(lint)` that adds its problems to the shared `Lint` (context.py):

- fires.py: norms that can never fire (field conditions no move can satisfy, asked of the z3 SMT
  solver with each field's domain; requirements no consequence can make true), exceptions that
  can never hold;
- shadowed.py: norms shadowed by another that fires whenever they do;
- windows.py: windows outside their clause's life, obligations due after their clause ends;
- phrases.py: phrases two kinds share; coverage.py: kinds no norm and no feature covers;
- compliance.py: an obligation and a prohibition that make compliance impossible;
- entitled.py: an entitlement and a prohibition over the same move with no override between;
- silenced.py: a norm that a norm overriding it always sets aside;
- produced.py: a norm listening for a change nothing in the contract emits;
- deadline.py: an obligation due before any deadline of it can start.

z3 is imported when lint runs (solver.py), never by `check`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel, ConfigDict

from engine.api import Contract
from engine.lint import (
    compliance,
    coverage,
    deadline,
    entitled,
    fires,
    phrases,
    produced,
    shadowed,
    silenced,
    windows,
)
from engine.lint.context import Lint, LintProblem, Severity

# in the order they run: shadowed, silenced and produced skip what never-fires reported
_MODULES: tuple[ModuleType, ...] = (
    fires,
    windows,
    shadowed,
    phrases,
    coverage,
    compliance,
    entitled,
    silenced,
    produced,
    deadline,
)
CHECKS: dict[str, tuple[str, str]] = {
    name: check for module in _MODULES for name, check in module.CHECKS.items()
}


class LintResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    contract: str
    problems: list[LintProblem]
    checks: dict[str, str]  # check -> exact or bounded, and how

    @property
    def exit_code(self) -> int:
        return 1 if any(p.severity in ("error", "warning") for p in self.problems) else 0

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def to_text(self) -> str:
        out = [str(p) for p in self.problems]
        counts = {
            s: sum(p.severity == s for p in self.problems) for s in ("error", "warning", "info")
        }
        out.append(
            f"{self.contract}: {counts['error']} error(s), {counts['warning']} warning(s), "
            f"{counts['info']} note(s) from {len(self.checks)} checks"
        )
        return "\n".join(out) + "\n"


def lint(
    contract: Contract,
    features: Path | None = None,
    show_path: Callable[[str], str] | None = None,
) -> LintResult:
    """Every static problem of the contract. `features`: the folder of Gherkin features that
    document it (default: a `features/` folder beside the contract or above it). `show_path`
    writes a problem's file (default: relative to the working folder; a server shows its own)."""
    run = Lint(contract, features, show_path or _shown)
    for module in _MODULES:
        module.run(run)
    problems = sorted(run.problems, key=lambda p: (p.file, p.line or 0, p.check, p.message))
    return LintResult(
        contract=contract.id,
        problems=problems,
        checks={name: how for name, (how, _) in CHECKS.items()},
    )


def _shown(path: str) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


__all__ = ["CHECKS", "LintProblem", "LintResult", "Severity", "lint"]
