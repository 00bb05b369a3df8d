"""The project's own exceptions: every message is written for the person who made the mistake."""

from __future__ import annotations

from dataclasses import dataclass, field


class ContractEngineError(Exception):
    """Base class: the CLI prints these without a traceback and exits 2."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


class ContractFileError(ContractEngineError):
    """A contract or rule file cannot be read, parsed or validated."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class MoveError(ContractEngineError):
    """A move, in plain words or as data, that the contract does not understand."""


class EngineError(ContractEngineError):
    """Something went wrong inside the rule engine itself; never swallowed."""


@dataclass
class Collector:
    """Gathers problems so that one run reports all of them, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ContractFileError(sorted(self.problems, key=lambda p: (p.file, p.line or 0)))
