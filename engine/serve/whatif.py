"""The what-if commands as the server and the MCP server run them: the engine's own `plan`,
`diff`, `lint` and `prove` (the functions the CLI calls), on the registry's contracts.

A server bounds them where the CLI does not: the request models cap steps and depth
(engine/serve/schemas.py), every search runs in-process under a wall-clock budget (past it,
`SearchTooLarge`, a 422), and only a few run at once (past that, `ServerBusy`, a 503), so that
searches cannot starve the checks. The answers are the CLI's `--format json`, byte for byte.
Versions for `diff` come only from the registry or from the request body, never from a path.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
from collections.abc import Iterator
from pathlib import Path

from engine.amend import amendment_of, inline_amendment
from engine.api import Contract
from engine.diff import DiffResult, diff, timelines_of
from engine.errors import ContractEngineError, ContractFileError, Problem
from engine.lint import LintResult, lint
from engine.plan import PlanResult, plan
from engine.prove import ProofResult, prove
from engine.search import Budget
from engine.serve.registry import Registry
from engine.serve.schemas import (
    MAX_SEARCHES,
    SEARCH_SECONDS,
    DiffRequest,
    PlanRequest,
    ProveRequest,
)

INLINE_SOURCE = "amendment"  # errors of an inline amendment name the request body's field


class ServerBusy(ContractEngineError):
    """More searches at once than the server runs; the client may try again shortly."""


class Searches:
    """The what-if commands over one registry, with a time budget and a limit on how many run
    at once (per process)."""

    def __init__(
        self, registry: Registry, seconds: float = SEARCH_SECONDS, at_once: int = MAX_SEARCHES
    ) -> None:
        self.registry = registry
        self.seconds = seconds
        self.at_once = at_once
        self._slots = threading.BoundedSemaphore(at_once)

    @contextlib.contextmanager
    def _slot(self) -> Iterator[Budget]:
        if not self._slots.acquire(blocking=False):
            raise ServerBusy(
                f"this server runs at most {self.at_once} searches at once; try again shortly"
            )
        try:
            yield Budget(self.seconds)
        finally:
            self._slots.release()

    def plan(self, contract_id: str, body: PlanRequest) -> PlanResult:
        contract = self.registry.get(contract_id).under(body.readings or None)
        with self._slot() as budget:
            return plan(
                contract,
                body.goal,
                body.given,
                body.max_steps,
                body.allow,
                body.forbid,
                body.by,
                body.at,
                workers=1,
                budget=budget,
            )

    def diff(self, contract_id: str, body: DiffRequest) -> DiffResult:
        a = self.registry.get(contract_id)
        timelines = timelines_of(body.moves, "moves") if body.moves is not None else None
        if body.against is not None:
            b = self.registry.get(body.against)
            with self._slot() as budget:
                return diff(a, b, timelines, body.depth, budget=budget)
        assert body.amendment is not None
        text = body.amendment
        if not isinstance(text, str):
            text = json.dumps(text, indent=2, ensure_ascii=False)
        base = self._base_file(a)
        names = self._names_of(base)
        with self._slot() as budget:
            try:
                with inline_amendment(text, base, names, INLINE_SOURCE) as spec:
                    return diff(a, Contract(spec), timelines, body.depth, budget=budget)
            except ContractFileError as error:
                raise ContractFileError([self._shown(p) for p in error.problems]) from None

    def lint(self, contract_id: str) -> LintResult:
        contract = self.registry.get(contract_id)
        with self._slot():
            return lint(contract, show_path=self.registry.relative)

    def prove(self, contract_id: str, body: ProveRequest) -> ProofResult:
        contract = self.registry.get(contract_id).under(body.readings or None)
        with self._slot() as budget:
            return prove(contract, body.property, body.depth, workers=1, budget=budget)

    # -- inline amendments ------------------------------------------------------------------
    @staticmethod
    def _base_file(contract: Contract) -> Path:
        """The contract file an inline amendment applies to: the contract's own, or for an
        amended version the contract it amends (an amendment amends a contract file)."""
        amendment = amendment_of(contract.spec)
        return amendment.base if amendment is not None else contract.spec.path

    def _shown(self, problem: Problem) -> Problem:
        """A problem as a client may see it: the server's own files relative, in its message too."""
        root = f"{self.registry.directory.parent}/"
        file = (
            problem.file if problem.file == INLINE_SOURCE else self.registry.relative(problem.file)
        )
        return dataclasses.replace(problem, file=file, message=problem.message.replace(root, ""))

    def _names_of(self, base: Path) -> list[str]:
        """What an inline amendment's `amends:` may say: the contract's id, its file as listed,
        its file name, or the bundled amendments' `../NAME`."""
        ids = [cid for cid, e in self.registry.entries().items() if e.path.resolve() == base]
        return [*ids, self.registry.relative(base), base.name, f"../{base.name}"]
