"""A portfolio sweep: one move or timeline checked against every contract under a directory.

The question before an acquisition or a new partnership: which of our contracts does this break?
Every YAML file under the directory that is a contract (a top-level `contract:` key) or an
amendment (`amends:`: checked as the contract it makes) is loaded and checked on its own; rule
files and other YAML are skipped. A contract that fails to load, or that cannot read the move
(its words are not that contract's), is one result among the others, never the end of the sweep.

Locally the contracts are spread over processes (engine/many.py: the caller works too); with
`cluster`, over the workers of a running Dask distributed scheduler, which must see the same
paths (a shared filesystem or the same checkout) and have the engine installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.errors import ContractEngineError, ContractFileError, EngineError

Status = Literal["clear", "conflict", "cannot read", "load error"]
_CONTRACT = re.compile(r"^(contract|amends)\s*:", re.M)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SweptConflict(_Frozen):
    id: str  # the finding's id in the report's summary (engine/summary.py)
    rule: str | None
    clause: str | None
    clause_title: str | None
    severity: str
    message: str


class SweptContract(_Frozen):
    """One contract's answer: its verdict and conflicts, or why there is none."""

    path: str
    contract: str | None = None  # the contract's id, once loaded
    title: str | None = None
    status: Status
    # every blocking finding and warning of the report's summary, under any reading
    conflicts: list[SweptConflict] = []
    error: str | None = None

    def to_json_line(self) -> str:
        return self.model_dump_json() + "\n"


def contract_files(directory: Path) -> tuple[list[Path], int]:
    """The files under `directory` that are contracts or amendments, in path order, and how
    many other YAML files were skipped."""
    found: list[Path] = []
    skipped = 0
    for path in sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml")):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            found.append(path)  # unreadable: its load says why
            continue
        if _CONTRACT.search(text):
            found.append(path)
        else:
            skipped += 1
    return found, skipped


def sweep_one(path: str, moves: Sequence[str], at: str | None) -> SweptContract:
    from engine.api import Contract

    try:
        contract = Contract.load(path)
    except ContractFileError as error:
        return SweptContract(path=path, status="load error", error=str(error))
    except ContractEngineError as error:  # pragma: no cover - the loader raises file errors
        return SweptContract(path=path, status="load error", error=str(error))
    named = {"contract": contract.id, "title": contract.title}
    try:
        report = contract.check(*moves, at=at)
    except EngineError:
        raise  # the engine's own failure: never read as a contract that cannot read the move
    except ContractEngineError as error:
        return SweptContract(path=path, **named, status="cannot read", error=str(error))
    conflicts = [
        SweptConflict(
            id=f.id,
            rule=f.rule,
            clause=f.clause,
            clause_title=f.clause_title,
            severity=f.severity.value,
            message=f.message + (f" (under {', '.join(f.under)})" if f.under else ""),
        )
        for f in report.summary.findings  # under any reading of a disputed clause
        if f.group in ("blocking", "warning")
    ]
    return SweptContract(path=path, **named, status=report.verdict, conflicts=conflicts)


def sweep_chunk(task: tuple[tuple[str, ...], str | None], paths: list[str]) -> list[SweptContract]:
    moves, at = task
    return [sweep_one(p, moves, at) for p in paths]


def _remote_sweep(task: tuple[tuple[str, ...], str | None], paths: list[str]) -> bytes:
    from engine.many import dumps

    return dumps(sweep_chunk(task, paths))


def sweep(
    paths: Sequence[Path],
    moves: Sequence[str],
    at: str | None = None,
    workers: int = 1,
    cluster: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[SweptContract]:
    """Each contract's answer to `moves` (one timeline), in the order of `paths`. `progress`
    is told how many contracts each finished chunk held."""
    from engine.many import LostChunks, Spread, chunked, lost_items, ranges

    task = (tuple(moves), at)
    names = [str(p) for p in paths]
    if cluster is not None:
        from engine.cluster import run_on_cluster

        return run_on_cluster(cluster, sweep_chunk, task, chunked(names, 8), progress)
    chunks = chunked(names, workers)

    def local(chunk: list[str]) -> list[SweptContract]:
        return sweep_chunk(task, chunk)

    spread = Spread(_remote_sweep, task, local, min(workers, max(len(chunks), 1)), progress)
    try:
        done = spread.run(chunks)
    except LostChunks as error:
        from engine.errors import WorkerError

        lost = lost_items(chunks, error.chunks)
        raise WorkerError(
            lost,
            f"a worker process of the sweep died; {len(lost):,} of {len(names):,} contracts "
            f"were not checked: {', '.join(names[i] for i in lost[:5])}"
            + (" ..." if len(lost) > 5 else "")
            + f" (items {ranges(lost)})",
        ) from None
    return [r for chunk in done for r in chunk]


# -- the summary --------------------------------------------------------------------------------
def summary_text(
    results: list[SweptContract],
    directory: str,
    moves: Sequence[str],
    skipped: int,
    at: str | None = None,
) -> str:
    """The text summary: counts, the contracts with conflicts by clause, the contracts that
    cannot read the move and those that failed to load, each with its error. Without moves,
    a sweep of time alone says so, with its date."""
    by_status: dict[str, list[SweptContract]] = {}
    for result in results:
        by_status.setdefault(result.status, []).append(result)
    count = {
        s: len(by_status.get(s, [])) for s in ("conflict", "clear", "cannot read", "load error")
    }
    lines = [
        f"swept {len(results)} contract(s) under {directory} for: "
        + ("; then ".join(moves) if moves else f"time alone, to {at}"),
        f"  {count['conflict']} with a conflict, {count['clear']} clear, "
        f"{count['cannot read']} cannot read the move, {count['load error']} failed to load"
        + (f" ({skipped} other YAML file(s) skipped: rule files and others)" if skipped else ""),
    ]
    rows = [
        (r.path, r.contract or "", c.clause or "", c.rule or "", c.severity)
        for r in results
        for c in r.conflicts
    ]
    if rows:
        by_clause: dict[str, set[str]] = {}
        for path, _, clause, _, _ in rows:
            by_clause.setdefault(clause, set()).add(path)
        lines += ["", "conflicts by clause:"]
        lines += _table(
            ("CLAUSE", "CONTRACTS"),
            [(clause, str(len(by_clause[clause]))) for clause in sorted(by_clause)],
        )
        lines += ["", "contracts with conflicts:"]
        lines += _table(("PATH", "CONTRACT", "CLAUSE", "RULE", "SEVERITY"), rows)
    for status, head in (
        ("cannot read", "cannot read the move:"),
        ("load error", "failed to load:"),
    ):
        if by_status.get(status):
            lines += ["", head]
            for r in by_status[status]:
                first, *rest = (r.error or "").splitlines() or [""]
                # a load error names its file (and line) itself: not the path twice
                named = first.startswith(f"{r.path}:")
                lines.append(f"  {first}" if named else f"  {r.path}: {first}")
                lines += [f"    {more}" for more in rest]
    return "\n".join(lines) + "\n"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def exit_code(results: list[SweptContract]) -> int:
    """1 if any contract has a blocking conflict; 2 if no contract could be checked at all
    (none found, none loaded, none could read the move); else 0."""
    if any(r.status == "conflict" for r in results):
        return 1
    if not any(r.status == "clear" for r in results):
        return 2
    return 0


def progress_bar(total: int) -> Any:
    """A rich progress bar on stderr, or None when stderr is not a terminal."""
    import sys

    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    bar.add_task("contracts", total=total)
    return bar
