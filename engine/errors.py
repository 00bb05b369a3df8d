"""The project's own exceptions: every message is written for the person who made the mistake."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any


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


class ItemError(MoveError):
    """One item of a batch (`Contract.check_many`) that the contract cannot read: `index` says
    which (0-based), `message` is what `check` would have said of it alone."""

    def __init__(self, index: int, message: str) -> None:
        self.index, self.message = index, message
        super().__init__(f"item {index}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.index, self.message))


class WorkerError(EngineError):
    """A worker process died (killed, out of memory, a crash): `items` are the indices of the
    inputs whose results were lost. Never a hang, never a silently shorter answer."""

    def __init__(self, items: list[int], message: str) -> None:
        self.items = items
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.items, str(self)))


def shown_path(path: str | None) -> str | None:
    """A file as a report shows it: relative to the current folder when it lies below it (as
    the user most likely named it), else whole; never a climb of '../..'."""
    if not path:
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def shown(path: str) -> str:
    """`shown_path` of a path that is always given: what outputs name a file by."""
    return shown_path(path) or path
