"""The command line: `contract-engine` (or `python -m engine`).

Exit codes work like a linter's: 0 when clear, 1 when there is a blocking conflict, 2 on bad input.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from engine.api import Contract
from engine.errors import Collector, ContractEngineError, ContractFileError, Problem
from engine.load import load_yaml_file
from engine.model import ContractFile, RuleFile
from engine.validate import load_contract, validate_model

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Check proposed moves against a partnership contract written as declarative rules.",
    pretty_exceptions_enable=False,
)

EXIT_CLEAR, EXIT_CONFLICT, EXIT_BAD_INPUT = 0, 1, 2


class Format(StrEnum):
    text = "text"
    json = "json"


def _fail(error: ContractEngineError) -> NoReturn:
    if isinstance(error, ContractFileError):
        for problem in error.problems:
            typer.echo(f"error: {problem}", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _load(path: Path) -> Contract:
    try:
        return Contract.load(path)
    except ContractEngineError as error:
        _fail(error)


@app.command()
def check(
    contract: Annotated[
        Path, typer.Argument(help="The contract file, e.g. contracts/openai-microsoft.yaml.")
    ],
    move: Annotated[
        list[str],
        typer.Option(
            "--move",
            "-m",
            help='A move in plain words, e.g. "partner with Google Cloud", or as JSON. Repeat for a timeline; prefix "YYYY-MM-DD: " to date one move.',
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            help="The check date (YYYY-MM-DD), also the date of undated moves. Default: the contract's as_of."
        ),
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
    waive: Annotated[
        list[str] | None,
        typer.Option(help="RULE=REASON: waive a norm; its findings are shown as waived."),
    ] = None,
) -> None:
    """Check moves (one timeline, in date order) and report every conflict and consequence."""
    loaded = _load(contract)
    waivers: dict[str, str] = {}
    for item in waive or []:
        rule, sep, reason = item.partition("=")
        if not sep or not reason.strip():
            _fail(ContractEngineError(f"--waive '{item}': expected RULE=REASON"))
        waivers[rule.strip()] = reason.strip()
    try:
        report = loaded.check(*move, at=at, waivers=waivers)
    except ContractEngineError as error:
        _fail(error)
    sys.stdout.write(report.to_json() if output is Format.json else report.to_text())
    raise typer.Exit(report.exit_code)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Contract files, rule files or folders.")],
) -> None:
    """Load and check contract and rule files; print problems as file:line: message."""
    problems: list[Problem] = []
    checked = 0
    for path in paths:
        files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path]
        for file in files:
            checked += 1
            try:
                raw = load_yaml_file(file)
                if isinstance(raw, dict) and ("contract" in raw or "amends" in raw):
                    load_contract(file)
                else:
                    collector = Collector()
                    validate_model(RuleFile, raw, str(file), collector)
                    collector.raise_if_any()
            except ContractFileError as error:
                problems.extend(error.problems)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {checked} file(s)", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    typer.echo(f"ok: {checked} file(s) valid")


@app.command()
def explain(
    contract: Annotated[Path, typer.Argument(help="The contract file.")],
    rule: Annotated[str, typer.Argument(help="A norm id.")],
) -> None:
    """Explain one norm: its clause, what triggers it, what defeats it, how it compiles."""
    loaded = _load(contract)
    spec = next((n for n in loaded.spec.norms if n.id == rule), None)
    if spec is None:
        from engine.validate import did_you_mean

        _fail(
            ContractEngineError(
                f"no norm '{rule}'{did_you_mean(rule, [n.id for n in loaded.spec.norms])}"
            )
        )
    n = spec.norm
    clause = loaded.spec.clauses[n.clause]
    lines = [
        f"{n.id}: a {n.kind.value} of clause {clause.id} ({clause.title})",
        f"  defined at: {spec.file}:{spec.line}",
        f"  bearer: {n.bearer}" + (f", beneficiary: {n.beneficiary}" if n.beneficiary else ""),
        f"  severity: {n.effective_severity.value}",
        f"  fires on: {spec.trigger.describe()}",
    ]
    lines += [f"  requires: {t.describe()}" for t in spec.requires]
    lines += [f"  unless: {e.describe()}" for e in spec.exceptions]
    if n.valid_from or n.valid_until:
        lines.append(
            f"  in force: from {n.valid_from or 'the start'} until {n.valid_until or 'the end'}"
        )
    if spec.fulfils:
        lines.append(
            f"  met by: {spec.fulfils.describe()}"
            + (f" by {n.by}" if n.by else f" within {n.within_days} days")
        )
    lines += [f"  then: {c.op} {dict(c.args) or ''}".rstrip() for c in spec.consequences]
    lines += [
        f"  message: {n.message}",
        f"  clause text: {clause.text}",
        f"  source: {clause.source}",
    ]
    typer.echo("\n".join(lines))


@app.command()
def phrases(contract: Annotated[Path, typer.Argument(help="The contract file.")]) -> None:
    """List the plain-words moves a contract understands."""
    loaded = _load(contract)
    for kind in sorted(loaded.spec.event_kinds.values(), key=lambda k: k.id):
        typer.echo(f"{kind.id}: {kind.kind.title}")
        for phrase in kind.phrases:
            typer.echo(f"  {phrase.text}")


@app.command()
def schema(
    which: Annotated[str, typer.Argument(help="contract or rules")] = "contract",
) -> None:
    """Print the JSON Schema of contract files or rule files."""
    models: dict[str, type[ContractFile] | type[RuleFile]] = {
        "contract": ContractFile,
        "rules": RuleFile,
    }
    if which not in models:
        _fail(ContractEngineError(f"schema: expected 'contract' or 'rules', got '{which}'"))
    typer.echo(json.dumps(models[which].model_json_schema(by_alias=True), indent=2, sort_keys=True))


# -- what-if analysis (engine/plan.py, engine/amend.py, engine/lint.py, engine/prove.py) -------
@app.command("plan")
def plan_command(
    contract: Annotated[Path, typer.Argument(help="The contract (or amendment) file.")],
    goal: Annotated[
        str,
        typer.Option(
            help='A move ("go public") or a state ("the partnership ended", "clause ID not in force").'
        ),
    ],
    from_: Annotated[
        list[str] | None,
        typer.Option("--from", help="A move that has already happened; repeat for several."),
    ] = None,
    max_steps: Annotated[int, typer.Option(help="The longest plan tried, goal included.")] = 4,
    allow: Annotated[
        list[str] | None, typer.Option(help="Only moves of this kind (repeat).")
    ] = None,
    forbid: Annotated[
        list[str] | None, typer.Option(help="No moves of this kind (repeat).")
    ] = None,
    by: Annotated[str | None, typer.Option(help="The goal must be reached by YYYY-MM-DD.")] = None,
    at: Annotated[str | None, typer.Option(help="The date of the first step.")] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
) -> None:
    """The shortest timelines of moves that reach a goal, every step clear (exit 1: none)."""
    from engine.plan import plan

    loaded = _load(contract)
    try:
        result = plan(loaded, goal, from_ or [], max_steps, allow or [], forbid or [], by, at)
    except ContractEngineError as error:
        _fail(error)
    sys.stdout.write(result.to_json() if output is Format.json else result.to_text())
    raise typer.Exit(result.exit_code)


@app.command("diff")
def diff_command(
    a: Annotated[Path, typer.Argument(help="A contract or amendment file.")],
    b: Annotated[Path, typer.Argument(help="Another version: a contract or amendment file.")],
    moves: Annotated[
        Path | None,
        typer.Option(help="A YAML list of moves, or of timelines (lists of moves), to compare."),
    ] = None,
    depth: Annotated[int, typer.Option(help="Without --moves: timelines up to this long.")] = 2,
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
) -> None:
    """Which moves and timelines change outcome between two versions, and how (exit 1: some)."""
    from engine.diff import diff, read_timelines

    first, second = _load(a), _load(b)
    try:
        timelines = read_timelines(str(moves)) if moves else None
        result = diff(first, second, timelines, depth)
    except ContractEngineError as error:
        _fail(error)
    sys.stdout.write(result.to_json() if output is Format.json else result.to_text())
    raise typer.Exit(result.exit_code)


@app.command("lint")
def lint_command(
    contract: Annotated[Path, typer.Argument(help="The contract (or amendment) file.")],
    features: Annotated[
        Path | None, typer.Option(help="Gherkin features of the contract (default: found near it).")
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
) -> None:
    """Static problems of a contract, as file:line: severity (exit 1: an error or warning)."""
    from engine.lint import lint

    try:
        result = lint(_load(contract), features)
    except ContractEngineError as error:
        _fail(error)
    sys.stdout.write(result.to_json() if output is Format.json else result.to_text())
    raise typer.Exit(result.exit_code)


@app.command("prove")
def prove_command(
    contract: Annotated[Path, typer.Argument(help="The contract (or amendment) file.")],
    claim: Annotated[
        str,
        typer.Argument(
            metavar="PROPERTY",
            help='e.g. "never: a move is both required and forbidden", '
            '"always: the partnership ended -> no conflict from azure-exclusivity", '
            '"reachable: go public clear".',
        ),
    ],
    depth: Annotated[int, typer.Option(help="Every timeline of up to this many moves.")] = 3,
    workers: Annotated[
        int | None, typer.Option(help="Processes for a large search (default: one per core).")
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
) -> None:
    """Check a property over every timeline of generated moves up to a depth (exit 1: not so)."""
    from engine.prove import prove

    loaded = _load(contract)
    try:
        result = prove(loaded, claim, depth, workers)
    except ContractEngineError as error:
        _fail(error)
    sys.stdout.write(result.to_json() if output is Format.json else result.to_text())
    raise typer.Exit(result.exit_code)


def main() -> None:
    app()
