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
from engine.norms import kind_of
from engine.validate import NormSpec, load_contract, validate_model

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
                if isinstance(raw, dict) and "contract" in raw:
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
    specs = [n for n in loaded.spec.norms if n.id == rule] or [
        n
        for n in loaded.spec.norms
        if n.id.startswith(f"{rule}@")  # `bearer: either`
    ]
    if not specs:
        from engine.suggest import did_you_mean

        _fail(
            ContractEngineError(
                f"no norm '{rule}'{did_you_mean(rule, [n.id for n in loaded.spec.norms])}"
            )
        )
    lines: list[str] = []
    if len(specs) > 1:
        lines.append(f"{rule}: one norm for each party ({', '.join(n.id for n in specs)})")
    for spec in specs:
        lines += _explain(loaded, spec)
    typer.echo("\n".join(lines))


def _explain(loaded: Contract, spec: NormSpec) -> list[str]:
    n = spec.norm
    clause = loaded.spec.clauses[n.clause]
    lines = [
        f"{n.id}: {'an' if n.kind.value[0] in 'aeiou' else 'a'} {n.kind.value} of clause {clause.id} ({clause.title})",
        f"  defined at: {spec.file}:{spec.line}",
        f"  bearer: {n.bearer}" + (f", beneficiary: {n.beneficiary}" if n.beneficiary else ""),
        f"  severity: {n.effective_severity.value}",
        f"  fires on: {spec.trigger.describe()}",
    ]
    lines += [f"  requires: {t.describe()}" for t in spec.requires]
    lines += [f"  unless: {e.describe()}" for e in spec.exceptions]
    if spec.window_from or spec.window_until:
        lines.append(
            f"  in force: from {spec.window_from or 'the start'} until {spec.window_until or 'the end'}"
        )
    lines += kind_of(n).explain(spec)
    if n.overrides:
        lines.append(f"  overrides: {', '.join(n.overrides)} (they give way when this fires)")
    if spec.overridden_by:
        lines.append(f"  overridden by: {', '.join(o.id for o in spec.overridden_by)}")
    lines += [f"  then: {c.op} {dict(c.args) or ''}".rstrip() for c in spec.consequences]
    lines += [
        f"  message: {n.message}",
        f"  clause text: {clause.text}",
        f"  source: {clause.source}",
    ]
    return lines


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
    from engine.schema import json_schema

    typer.echo(json.dumps(json_schema(models[which]), indent=2, sort_keys=True))


def main() -> None:
    app()
