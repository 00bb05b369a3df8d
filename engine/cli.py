"""The command line: `contract-engine` (or `python -m engine`).

Exit codes work like a linter's: 0 clear, 1 a blocking conflict, 2 bad input, 3 an internal error.
A crash must never read as a conflict, so every command runs inside one guard that turns the
project's errors into exit 2 and anything unexpected into exit 3, each with a one-line message
(as JSON on stderr with `--format json`), never a traceback unless CONTRACT_ENGINE_DEBUG=1.

No `from __future__ import annotations` here: typer reads every command's signature when it
starts, and string annotations would be evaluated again and again (a third of its start-up).
"""

import datetime as dt
import functools
import gc
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from engine.api import Contract
from engine.errors import (
    Collector,
    ContractEngineError,
    ContractFileError,
    EngineError,
    MoveError,
    Problem,
    shown,
    shown_path,
)
from engine.load import load_yaml_file
from engine.model import RuleFile
from engine.report import Report
from engine.validate import load_contract, validate_model

EXIT_CLEAR, EXIT_CONFLICT, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEBUG_ENV = "CONTRACT_ENGINE_DEBUG"


def _plain_labels(params: list[Any]) -> list[Any]:
    """Help without the library's type labels (`<bool>`, `<list[str]>`, `<path>`): flags show
    none, options their metavar, arguments their name."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif isinstance(param, TyperArgument):
            param.display_type_rich = _no_label  # type: ignore[method-assign]
    return params


def _no_label(ctx: Any) -> None:
    return None


class _Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_labels(super().get_params(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """A usage error (a missing argument, a bad --at) is JSON too with --format json."""
        given = list(args)  # the parser consumes `args`
        try:
            parsed: list[str] = super().parse_args(ctx, args)
        except Exception as error:
            if getattr(error, "exit_code", None) != EXIT_BAD_INPUT or not _wants_json(given):
                raise
            param = getattr(error, "param", None)
            opts = getattr(param, "opts", None) or [getattr(param, "name", None)]
            record = {
                "error": error.format_message(),  # type: ignore[attr-defined]
                "file": None,
                "line": None,
                "field": opts[0],
            }
            typer.echo(json.dumps(record, sort_keys=True), err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        return parsed


def _wants_json(args: list[str]) -> bool:
    pairs = zip(args, [*args[1:], ""], strict=False)
    return any(
        a in ("--format=json", "-fjson") or (a in ("--format", "-f") and b == "json")
        for a, b in pairs
    )


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_labels(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """Every command gets the plain help, even one declared without `cls=_Command`."""
        command = super().get_command(ctx, cmd_name)
        if type(command) is TyperCommand:
            command.__class__ = _Command
        return command


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    help="Check proposed moves against a partnership contract written as declarative rules.\n\n"
    "Exit codes: 0 clear, 1 a blocking conflict, 2 bad input, 3 an internal error.",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    """check and validate also write what CI tools read (engine/formats.py)."""

    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"


_REPORT_FORMATS = "text|json|junit|sarif|github|markdown"
_REPORT_FORMAT_HELP = (
    "text, json, or for CI: junit (JUnit XML), sarif (SARIF 2.1.0), github (workflow "
    "annotations), markdown (a pull-request comment)."
)


class _Failure(Exception):
    """Bad input found by the CLI itself, located where it can be."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file, self.line, self.field = file, line, field


_FIELD = re.compile(r"^([A-Za-z_][\w.\-\[\]]*): (.+)$", re.S)


def _problem_record(problem: Problem) -> dict[str, Any]:
    match = _FIELD.match(problem.message)
    field, message = (match.group(1), match.group(2)) if match else (None, problem.message)
    return {
        "error": message,
        "file": shown_path(problem.file),
        "line": problem.line,
        "field": field,
    }


def _records(error: BaseException) -> list[dict[str, Any]]:
    if isinstance(error, ContractFileError):
        return [_problem_record(p) for p in error.problems]
    if isinstance(error, _Failure):
        return [{"error": str(error), "file": error.file, "line": error.line, "field": error.field}]
    return [{"error": str(error), "file": None, "line": None, "field": None}]


def _text_line(record: dict[str, Any], prefix: str = "error: ") -> str:
    """file:line: field: message, as the project's Problem prints; without a file, the
    message says itself which option it is about."""
    if not record["file"]:
        return f"{prefix}{record['error']}"
    where = record["file"] + (f":{record['line']}" if record["line"] is not None else "")
    field = f"{record['field']}: " if record["field"] else ""
    return f"{where}: {field}{record['error']}"


def _emit(records: list[dict[str, Any]], as_json: bool, prefix: str = "error: ") -> None:
    for record in records:
        line = json.dumps(record, sort_keys=True) if as_json else _text_line(record, prefix)
        typer.echo(line, err=True)


F = TypeVar("F", bound=Callable[..., Any])


def _guard(command: F) -> F:
    """Run a command: the project's errors exit 2, anything unexpected exits 3, each as one
    line (JSON with --format json), with the traceback only when CONTRACT_ENGINE_DEBUG is set."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        as_json = getattr(kwargs.get("output"), "value", None) == "json"
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise  # a closed pipe (`| head`) is main()'s to end quietly
        except EngineError as error:
            _internal(error, as_json)
        except (ContractEngineError, _Failure) as error:
            _emit(_records(error), as_json)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except Exception as error:
            if type(error).__module__.split(".")[0] in ("click", "typer"):
                raise  # usage errors: the command line library reports them (exit 2)
            _internal(error, as_json)

    return run  # type: ignore[return-value]


def _internal(error: BaseException, as_json: bool) -> NoReturn:
    if os.environ.get(DEBUG_ENV):
        raise error
    text = " ".join(str(error).split()) or type(error).__name__
    record = {
        "error": f"internal error ({type(error).__name__}): {text}",
        "file": None,
        "line": None,
        "field": None,
    }
    if as_json:
        typer.echo(json.dumps(record, sort_keys=True), err=True)
    else:
        typer.echo(
            f"internal error: {type(error).__name__}: {text} "
            f"(set {DEBUG_ENV}=1 for the traceback; please report it)",
            err=True,
        )
    raise typer.Exit(EXIT_INTERNAL) from None


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"contract-engine {version('contract-engine')}")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            typer.echo("contract-engine (not installed)")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Load the contract from its files, not from the cache of validated contracts "
            "(also: CONTRACT_ENGINE_NO_CACHE=1).",
        ),
    ] = False,
) -> None:
    """Check proposed moves against a partnership contract written as declarative rules.

    Exit codes: 0 clear, 1 a blocking conflict, 2 bad input, 3 an internal error.
    """
    _OPTIONS["cache"] = not no_cache


_OPTIONS = {"cache": True}


def _load(path: Path) -> Contract:
    """Every command loads through the cache of validated contracts (engine/cache.py): an
    entry answers only while every file it was read from is unchanged."""
    return Contract.load(path, cache=_OPTIONS["cache"])


def suggest(value: str, known: list[str]) -> str:
    """The hint " (did you mean 'x'?)" for a near miss (engine.suggest), else for a known id
    the value is a prefix or a part of."""
    from engine.suggest import did_you_mean

    lowered = value.lower()
    part = sorted(k for k in known if lowered and lowered in k.lower())[:1]
    return did_you_mean(value, known) or (f" (did you mean '{part[0]}'?)" if part else "")


# -- check --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _GivenMove:
    text: str
    file: str | None  # None: given by --move
    line: int | None  # the line in the file, or the position among --move options


def _read_moves(source: str, stdin_used: list[bool]) -> Iterator[_GivenMove]:
    """Moves one per line: blank lines and `#` comments skipped; a line starting with `{` is a
    move as JSON. `-` reads standard input (once)."""
    if source == "-":
        if stdin_used:
            raise _Failure("standard input ('-') can be read only once", field="--moves")
        stdin_used.append(True)
        name, text = "<stdin>", sys.stdin.read()
    else:
        name = source
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise _Failure(
                f"cannot read moves file: {error}", file=source, field="--moves"
            ) from None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield _GivenMove(line, name, number)


def _gather_moves(moves: list[str], files: list[str]) -> list[_GivenMove]:
    stdin_used: list[bool] = []
    gathered: list[_GivenMove] = []
    for index, text in enumerate(moves, 1):
        if text == "-":
            gathered += _read_moves("-", stdin_used)
        else:
            gathered.append(_GivenMove(text, None, index))
    for source in files:
        gathered += _read_moves(source, stdin_used)
    return gathered


def _locate(
    loaded: Contract, given: list[_GivenMove], at: str | None, error: MoveError
) -> _Failure:
    """Which move a MoveError is about: the first that fails alone."""
    for move in given:
        try:
            loaded.check(move.text, at=at)
        except MoveError as own:
            if move.file is None:
                return _Failure(str(own), field="--move")
            return _Failure(str(own), file=move.file, line=move.line, field="move")
    return _Failure(str(error), field="--move")


# --reading on the searches (plan, prove): one option, said once
_ReadingOption = Annotated[
    list[str] | None,
    typer.Option(
        "--reading",
        metavar="CLAUSE=NAME",
        help="Fix one reading of a disputed clause (repeat for several clauses).",
    ),
]


def _readings(loaded: Contract, given: list[str]) -> dict[str, str] | None:
    """--reading CLAUSE=NAME, each checked against the readings the contract declares."""
    readings: dict[str, str] = {}
    for item in given:
        clause, sep, name = (part.strip() for part in item.partition("="))
        if not sep or not clause or not name:
            raise _Failure(f"--reading '{item}': expected CLAUSE=NAME", field="--reading")
        if clause in readings and readings[clause] != name:
            raise _Failure(
                f"--reading: clause '{clause}' given two readings ({readings[clause]}, {name}); "
                "a check fixes one reading of a clause",
                field="--reading",
            )
        readings[clause] = name
    if readings:
        try:
            loaded.under(readings)
        except MoveError as error:
            raise _Failure(f"--reading: {error}", field="--reading") from None
    return readings or None


def _under(loaded: Contract, given: list[str]) -> Contract:
    """The contract under the readings given (the default ones for clauses not named)."""
    return loaded.under(_readings(loaded, given))


def _waivers(loaded: Contract, waive: list[str]) -> dict[str, str]:
    known = [n.id for n in loaded.norms]
    if loaded.spec.readings is not None:
        known += loaded.spec.readings.added_norms()
    # a `bearer: either` norm is waived by its base id too, as the API, HTTP and MCP take it
    known += sorted({i.split("@", 1)[0] for i in known if "@" in i} - set(known))
    waivers: dict[str, str] = {}
    for item in waive:
        rule, sep, reason = item.partition("=")
        rule = rule.strip()
        if not sep or not reason.strip():
            raise _Failure(f"--waive '{item}': expected RULE=REASON", field="--waive")
        if rule not in known:
            raise _Failure(
                f"--waive: contract {loaded.id} has no norm '{rule}'{suggest(rule, known)}; "
                "`contract-engine norms` lists them",
                field="--waive",
            )
        waivers[rule] = reason.strip()
    return waivers


@app.command(cls=_Command)
@_guard
def check(
    contract: Annotated[
        Path,
        typer.Argument(
            help="The contract file, e.g. contracts/openai-microsoft.yaml.", metavar="CONTRACT"
        ),
    ],
    move: Annotated[
        list[str] | None,
        typer.Option(
            "--move",
            "-m",
            metavar="MOVE",
            help='A move in plain words, e.g. "partner with Google Cloud", or as JSON. Repeat for '
            'a timeline; prefix "YYYY-MM-DD: " to date one move; "-" reads moves from stdin.',
        ),
    ] = None,
    moves_file: Annotated[
        list[str] | None,
        typer.Option(
            "--moves",
            metavar="FILE",
            help="Read moves from FILE ('-': stdin), one per line or as JSON lines; blank "
            "lines and # comments are skipped.",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD",
            help="The check date, also the date of undated moves. Default: the contract's "
            "as_of. A move dated later moves the check date (the report says so).",
        ),
    ] = None,
    output: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", metavar=_REPORT_FORMATS, help=_REPORT_FORMAT_HELP),
    ] = ReportFormat.text,
    waive: Annotated[
        list[str] | None,
        typer.Option(metavar="RULE=REASON", help="Waive a norm; its findings are shown as waived."),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Also show the evidence, why every other norm did not apply, and the full state.",
        ),
    ] = False,
    each: Annotated[
        bool,
        typer.Option(
            "--each",
            help="Check each move (each --move, each line of --moves) on its own: one report "
            "each, in input order (JSON lines with --format json). A line that is a JSON list "
            "of moves is one timeline.",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="With --each: spread the checks over N processes (this one included); the "
            "output is the same as with 1.",
        ),
    ] = 1,
    reading: Annotated[
        list[str] | None,
        typer.Option(
            "--reading",
            metavar="CLAUSE=NAME",
            help="Fix one reading of a disputed clause (repeat for several clauses); the "
            "others are each checked, and the verdict is CONFLICT if any is.",
        ),
    ] = None,
) -> None:
    """Check moves (one timeline, in date order) and report every conflict and consequence."""
    loaded = _load(contract)
    given = _gather_moves(move or [], moves_file or [])
    if not given and (at is None or each or workers > 1):  # with --at alone: time passes
        raise _Failure(
            "no move given: use --move TEXT, --moves FILE or -m - (stdin), or --at DATE "
            "alone to check what time does by then (deadlines passed, periods ended)",
            field="--move",
        )
    if at is not None:
        try:
            dt.date.fromisoformat(at)
        except ValueError:
            raise _Failure(
                f"--at '{at}' is not a date; expected YYYY-MM-DD", field="--at"
            ) from None
    waivers = _waivers(loaded, waive or [])
    readings = _readings(loaded, reading or [])
    if each or workers > 1:
        if readings:
            raise _Failure(
                "--reading is not taken with --each or --workers (each of those checks "
                "considers every reading of a disputed clause)",
                field="--reading",
            )
        _check_each(loaded, given, at, waivers, output, verbose, each, workers)
    try:
        report = loaded.check(*(m.text for m in given), at=at, waivers=waivers, readings=readings)
    except MoveError as error:
        raise _locate(loaded, given, at, error) from None
    _write(report, loaded, output, verbose)
    raise typer.Exit(report.exit_code)


def _each_item(move: _GivenMove) -> Any:
    """A move in words or as JSON (the parser reads both), or a JSON list: one timeline."""
    if not move.text.startswith("["):
        return move.text
    try:
        value = json.loads(move.text)
    except json.JSONDecodeError as error:
        raise _Failure(
            f"not a JSON list of moves: {error}", file=move.file, line=move.line, field="move"
        ) from None
    if not isinstance(value, list) or not all(isinstance(m, str | dict) for m in value):
        raise _Failure(
            "a timeline is a JSON list of moves, each words or an object",
            file=move.file,
            line=move.line,
            field="move",
        )
    return value


def _check_each(
    loaded: Contract,
    given: list[_GivenMove],
    at: str | None,
    waivers: dict[str, str],
    output: ReportFormat,
    verbose: bool,
    each: bool,
    workers: int,
) -> NoReturn:
    """`check --each [--workers N]`: Contract.check_many over the moves given, reports written
    in input order; the exit code is 1 if any report has a blocking conflict."""
    from engine.errors import ItemError

    if not each:
        raise _Failure(
            "--workers needs --each: the moves of one timeline are checked in order, each "
            "seeing the state the one before left",
            field="--workers",
        )
    if output not in (ReportFormat.text, ReportFormat.json):
        raise _Failure("--each writes text or json", field="--format")
    items = [_each_item(m) for m in given]
    try:
        reports = loaded.check_many(items, workers=workers, at=at, waivers=waivers, full=True)
    except ItemError as error:
        move = given[error.index]
        if move.file is None:
            raise _Failure(error.message, field="--move") from None
        raise _Failure(error.message, file=move.file, line=move.line, field="move") from None
    for move, report in zip(given, reports, strict=True):
        if output is ReportFormat.json:
            compact = json.dumps(json.loads(report.to_json()), separators=(",", ":"))
            sys.stdout.write(compact + "\n")
            continue
        where = f"{move.file}:{move.line}" if move.file else f"--move {move.line}"
        sys.stdout.write(f"== {where}: {move.text}\n")
        _write(report, loaded, output, verbose)
        sys.stdout.write("\n")
    raise typer.Exit(max((r.exit_code for r in reports), default=EXIT_CLEAR))


def _write(report: Report, loaded: Contract, output: ReportFormat, verbose: bool) -> None:
    if output is ReportFormat.json:
        sys.stdout.write(report.to_json())
        return
    if output is not ReportFormat.text:
        from engine.formats import CIFormat, report_as

        sys.stdout.write(report_as(report, loaded, CIFormat(output.value)))
        return
    from engine.render import write_report

    write_report(report, sys.stdout, verbose=verbose)


# -- validate -----------------------------------------------------------------------------------
def _named_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path])
    return out


def _is_contract(file: Path) -> bool:
    """A contract or amendment file; a file that cannot be read counts as one, so that loading
    it reports why."""
    try:
        raw = load_yaml_file(file)
    except ContractFileError:
        return True
    return isinstance(raw, dict) and ("contract" in raw or "amends" in raw)


def _whole_contracts(files: list[Path], root: Path | None, alone: bool) -> list[Path]:
    """The files to check for `files`: a contract or amendment itself and the amendments of it,
    a rule file as part of every contract that reads it (alone when none does), each once.
    `root` is where those readers are looked for (None: each file's repository)."""
    from engine.dependents import readers_of

    readers = {f: [] for f in files} if alone else readers_of(files, root)
    out: dict[str, Path] = {}
    for file in files:
        own = [file] if _is_contract(file) or not readers[file] else []
        for one in [*own, *readers[file]]:
            out.setdefault(os.path.realpath(one), one)
    return list(out.values())


def _problems_of(file: Path) -> list[Problem]:
    """Every problem of one file: a contract or amendment with all its files, a rule file
    against the schema of rule files."""
    try:
        raw = load_yaml_file(file)
        if isinstance(raw, dict) and ("contract" in raw or "amends" in raw):
            load_contract(file)
        else:
            collector = Collector()
            validate_model(RuleFile, raw, str(file), collector)
            collector.raise_if_any()
    except ContractFileError as error:
        return list(error.problems)
    return []


def _once(problem: Problem) -> tuple[str, int | None, str]:
    """A problem's identity: the same file by two paths (as given, as a contract resolves
    its rules) is one file."""
    return os.path.realpath(problem.file), problem.line, problem.message


@app.command(cls=_Command)
@_guard
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Contract files, rule files or folders.", metavar="PATH"),
    ],
    output: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", metavar=_REPORT_FORMATS, help=_REPORT_FORMAT_HELP),
    ] = ReportFormat.text,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Where to look for the contracts that read a rule file given (and the "
            "amendments of a contract given), each validated whole. Default: the file's "
            "repository (the folder holding .git), else the current folder.",
        ),
    ] = None,
    alone: Annotated[
        bool,
        typer.Option(
            "--alone", help="Check each file as given, without the contracts that read it."
        ),
    ] = False,
) -> None:
    """Load and check contract and rule files; print every problem as file:line: message.

    A rule file is checked as part of each contract (under --root) that lists it, since only
    the contract says whether its clauses, moves and parties exist; every problem once."""
    units = _whole_contracts(_named_files(paths), root, alone)
    seen: set[tuple[str, int | None, str]] = set()
    found: list[tuple[str, list[Problem]]] = []
    for file in units:
        fresh = [p for p in _problems_of(file) if _once(p) not in seen]
        seen.update(_once(p) for p in fresh)
        found.append((str(file), fresh))
    problems = [p for _, mine in found for p in mine]
    names = [name for name, _ in found]
    if output not in (ReportFormat.text, ReportFormat.json):
        from engine.formats import CIFormat, problems_as

        sys.stdout.write(problems_as(names, problems, CIFormat(output.value), units=found))
        raise typer.Exit(EXIT_BAD_INPUT if problems else EXIT_CLEAR)
    if problems:
        _emit([_problem_record(p) for p in problems], output is ReportFormat.json, prefix="")
        if output is ReportFormat.text:
            typer.echo(f"{len(problems)} problem(s) in {len(units)} file(s)", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if output is ReportFormat.json:
        typer.echo(json.dumps({"valid": True, "files": len(units), "checked": names}))
    else:
        typer.echo(f"ok: {len(units)} file(s) valid")


# -- norms and explain ----------------------------------------------------------------------------
@app.command(cls=_Command)
@_guard
def norms(
    contract: Annotated[Path, typer.Argument(help="The contract file.", metavar="CONTRACT")],
    output: Annotated[
        Format, typer.Option("--format", "-f", metavar="text|json", help="text or json.")
    ] = Format.text,
) -> None:
    """List the norms of a contract: id, clause, kind and severity."""
    loaded = _load(contract)
    rows: list[dict[str, Any]] = [
        {
            "id": spec.id,
            "clause": spec.norm.clause,
            "clause_title": loaded.spec.clauses[spec.norm.clause].title,
            "kind": spec.norm.kind.value,
            "severity": spec.norm.effective_severity.value,
            "file": str(spec.file),
            "line": spec.line,
        }
        for spec in loaded.spec.norms
    ]
    if output is Format.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    header: dict[str, Any] = {
        "id": "NORM",
        "clause": "CLAUSE",
        "kind": "KIND",
        "severity": "SEVERITY",
    }
    table = [header, *rows]
    widths = {k: max(len(str(r[k])) for r in table) for k in header}
    for row in table:
        typer.echo("  ".join(str(row[k]).ljust(widths[k]) for k in header).rstrip())


@app.command(cls=_Command)
@_guard
def explain(
    contract: Annotated[Path, typer.Argument(help="The contract file.", metavar="CONTRACT")],
    ident: Annotated[
        str, typer.Argument(help="A norm id, or a clause id (explains its norms).", metavar="ID")
    ],
) -> None:
    """Explain a norm, or every norm of a clause: what triggers it, what defeats it."""
    from engine.explain import explain_id

    loaded = _load(contract)
    try:
        explained = explain_id(loaded, ident, shown)
    except MoveError:
        known = [*(n.id for n in loaded.spec.norms), *loaded.spec.clauses]
        raise _Failure(
            f"contract {loaded.id} has no norm or clause '{ident}'{suggest(ident, known)}; "
            "`contract-engine norms` lists them",
            field="ID",
        ) from None
    typer.echo(explained.to_text(), nl=False)


@app.command(cls=_Command)
@_guard
def phrases(
    contract: Annotated[Path, typer.Argument(help="The contract file.", metavar="CONTRACT")],
) -> None:
    """List the plain-words moves a contract understands, with the other opening words each
    phrase is read with (the contract's synonyms, and the built-in ones marked so). Verb forms
    ("partnered", "is partnering"), a subject and dates are read on top of these."""
    from engine.words import synonyms

    loaded = _load(contract)
    spec = loaded.spec
    everything = [p.text for k in spec.event_kinds.values() for p in k.phrases]
    for kind in sorted(spec.event_kinds.values(), key=lambda k: k.id):
        typer.echo(f"{kind.id}: {kind.kind.title}")
        declared = [spec.contract.contract.synonyms, kind.kind.synonyms]
        for phrase in kind.phrases:
            typer.echo(f"  {phrase.text}")
            for text, _, _, built_in in synonyms.variants(phrase.text, declared, everything):
                typer.echo(f"    also: {text}" + (" (built-in synonym)" if built_in else ""))


@app.command(cls=_Command)
@_guard
def schema(
    which: Annotated[
        str,
        typer.Argument(
            help="contract, rules, amendment or report.",
            metavar="contract|rules|amendment|report",
        ),
    ] = "contract",
    write: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Write every schema to DIR/<name>.schema.json (for editors) instead.",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of contract, rule or amendment files, or of the JSON report."""
    from engine.schema import SCHEMA_NAMES, schema_document

    if write is not None:
        write.mkdir(parents=True, exist_ok=True)
        for name in SCHEMA_NAMES:
            text = json.dumps(schema_document(name), indent=2, sort_keys=True) + "\n"
            (write / f"{name}.schema.json").write_text(text, encoding="utf-8")
        typer.echo(f"wrote {len(SCHEMA_NAMES)} schemas to {write}")
        return
    if which not in SCHEMA_NAMES:
        raise _Failure(
            f"schema: expected one of {', '.join(SCHEMA_NAMES)}, got '{which}'"
            f"{suggest(which, list(SCHEMA_NAMES))}",
            field="schema",
        )
    typer.echo(json.dumps(schema_document(which), indent=2, sort_keys=True))


@app.command(cls=_Command)
@_guard
def parse(
    contract: Annotated[Path, typer.Argument(help="The contract file.", metavar="CONTRACT")],
    text: Annotated[
        str, typer.Argument(help='A move in plain words, e.g. "OpenAI partnered with Oracle".')
    ],
    at: Annotated[
        str | None,
        typer.Option(help="The reference day (YYYY-MM-DD) of relative dates such as 'tomorrow'."),
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
) -> None:
    """Show how words are read: each move's kind, actor, fields, date, and the phrase (and the
    synonym, verb form or date form) it was read by. Checks nothing."""
    loaded = _load(contract)
    moves = loaded.parse(text, at=at)
    if output is Format.json:
        data = [m.model_dump(mode="json", exclude={"labels"}) for m in moves]
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        return
    lines: list[str] = []
    for index, move in enumerate(moves, 1):
        kind = loaded.spec.event_kinds[move.kind].kind
        lines.append(f"move {index}: {move.kind} ({kind.title})")
        lines.append(f"  actor: {move.actor}")
        for name, value in sorted(move.fields.items()):
            currency = f" {move.currencies[name]}" if name in move.currencies else ""
            lines.append(f"  {name}: {value}{currency}")
        when = move.date.isoformat() if move.date else f"the check date (--at, else {loaded.as_of})"
        lines.append(f"  date: {when}")
        lines.append(f"  read as: {move.reading or '(given as data)'}")
    typer.echo("\n".join(lines))


@app.command(cls=_Command)
@_guard
def serve(
    contracts: Annotated[
        Path | None,
        typer.Option(
            help="Directory of contract files (searched recursively). Default: contracts/."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to bind; loopback unless told otherwise.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token_file: Annotated[
        Path | None,
        typer.Option(
            help="File holding a token; every request then needs 'Authorization: Bearer'."
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log a line per request.")] = False,
    insecure: Annotated[
        bool,
        typer.Option(
            "--insecure",
            help="Serve on an address other machines reach without a token (refused otherwise).",
        ),
    ] = False,
) -> None:
    """Serve the HTTP API and the web page (needs the 'serve' extra). A --host other than
    loopback needs --token-file (or --insecure)."""
    try:
        from engine.serve.app import run
    except ImportError as error:
        raise _Failure(
            f"serve needs the 'serve' extra: pip install -e '.[serve]' ({error})", field="serve"
        ) from None
    run(contracts, host, port, token_file, workers, access_log, insecure)


@app.command(cls=_Command)
@_guard
def mcp(
    contracts: Annotated[
        Path | None,
        typer.Option(
            help="Directory of contract files (searched recursively). Default: contracts/."
        ),
    ] = None,
) -> None:
    """Run the MCP server for AI assistants on stdio (needs the 'serve' extra)."""
    try:
        from engine.serve.assistant import run
    except ImportError as error:
        raise _Failure(
            f"mcp needs the 'serve' extra: pip install -e '.[serve]' ({error})", field="mcp"
        ) from None
    run(contracts)


# -- a portfolio sweep (engine/sweep.py) ---------------------------------------------------------
@app.command("sweep", cls=_Command)
@_guard
def sweep_command(
    directory: Annotated[
        Path,
        typer.Argument(
            help="A directory of contracts, searched recursively: every YAML file with a "
            "top-level 'contract:' (or 'amends:', checked as the amended contract).",
            metavar="DIR",
        ),
    ],
    move: Annotated[
        list[str] | None,
        typer.Option(
            "--move", "-m", metavar="MOVE", help="A move in plain words; repeat for a timeline."
        ),
    ] = None,
    moves_file: Annotated[
        list[str] | None,
        typer.Option("--moves", metavar="FILE", help="Read the timeline's moves from FILE."),
    ] = None,
    at: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="The check date, for every contract.")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, metavar="N", help="Processes, this one included.")
    ] = 1,
    cluster: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="A Dask scheduler (tcp://HOST:PORT) to run on instead (the 'cluster' extra).",
        ),
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text, or json: one line per contract.")
    ] = Format.text,
) -> None:
    """Check one move or timeline against every contract under DIR: which of them conflict,
    by clause; contracts that fail to load or cannot read the move are listed, not fatal
    (exit 1: a conflict somewhere; 2: no contract could be checked)."""
    from engine.sweep import contract_files, exit_code, progress_bar, summary_text, sweep

    if not directory.is_dir():
        raise _Failure(f"not a directory: {directory}", field="DIR")
    given = _gather_moves(move or [], moves_file or [])
    if not given and at is None:  # with --at alone: what time alone brings, as `check --at`
        raise _Failure(
            "no move given: use --move TEXT or --moves FILE, or --at DATE to check what time "
            "alone brings by that date",
            field="--move",
        )
    if at is not None:
        try:
            dt.date.fromisoformat(at)
        except ValueError:
            raise _Failure(
                f"--at '{at}' is not a date; expected YYYY-MM-DD", field="--at"
            ) from None
    paths, skipped = contract_files(directory)
    moves = [m.text for m in given]
    bar = progress_bar(len(paths))
    if bar is None:
        results = sweep(paths, moves, at, workers, cluster)
    else:
        with bar:
            task = bar.task_ids[0]
            results = sweep(paths, moves, at, workers, cluster, lambda n: bar.advance(task, n))
    if output is Format.json:
        sys.stdout.write("".join(r.to_json_line() for r in results))
    else:
        sys.stdout.write(summary_text(results, str(directory), moves, skipped, at))
    raise typer.Exit(exit_code(results))


# -- what-if analysis (engine/plan.py, engine/amend.py, engine/lint.py, engine/prove.py) -------
@app.command("plan", cls=_Command)
@_guard
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
    reading: _ReadingOption = None,
) -> None:
    """The shortest timelines of moves that reach a goal, every step clear (exit 1: none)."""
    from engine.plan import plan

    loaded = _under(_load(contract), reading or [])
    result = plan(loaded, goal, from_ or [], max_steps, allow or [], forbid or [], by, at)
    sys.stdout.write(result.to_json() if output is Format.json else result.to_text())
    raise typer.Exit(result.exit_code)


@app.command("diff", cls=_Command)
@_guard
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
    timelines = read_timelines(str(moves)) if moves else None
    result = diff(first, second, timelines, depth)
    sys.stdout.write(result.to_json() if output is Format.json else result.to_text())
    raise typer.Exit(result.exit_code)


@app.command("lint", cls=_Command)
@_guard
def lint_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Contract or amendment files; a rule file stands for the contracts that read it.",
            metavar="CONTRACT",
        ),
    ],
    features: Annotated[
        Path | None, typer.Option(help="Gherkin features of the contract (default: found near it).")
    ] = None,
    output: Annotated[
        Format,
        typer.Option(
            "--format", "-f", help="text or json (one object; an array for several contracts)."
        ),
    ] = Format.text,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Where to look for the contracts that read a rule file given. Default: the "
            "file's repository (the folder holding .git), else the current folder."
        ),
    ] = None,
) -> None:
    """Static problems of contracts, as file:line: severity (exit 1: an error or warning, 2: a
    contract that does not load; every contract given is linted either way)."""
    from engine.lint import lint

    if features is not None and len(paths) > 1:
        raise _Failure("--features names the features of one contract; give one", field="features")
    contracts = _lint_targets(_named_files(paths), root)
    results: list[str] = []
    code = EXIT_CLEAR
    for contract in contracts:
        try:
            result = lint(_load(contract), features)
        except ContractFileError as error:
            _emit(_records(error), output is Format.json)
            code = EXIT_BAD_INPUT
            continue
        results.append(result.to_json() if output is Format.json else result.to_text())
        code = max(code, result.exit_code)
    if output is Format.json and len(paths) == 1 and len(contracts) == 1:
        sys.stdout.write("".join(results))
    elif output is Format.json:
        sys.stdout.write("[" + ",".join(r.strip() for r in results) + "]\n")
    else:
        sys.stdout.write("".join(results))
    raise typer.Exit(code)


def _lint_targets(files: list[Path], root: Path | None) -> list[Path]:
    """The contracts to lint for `files`: a contract or amendment itself, a rule file the
    contracts under `root` that read it (a note when none does: validate checks it alone)."""
    from engine.dependents import readers_of

    rules = [f for f in files if not _is_contract(f)]
    readers = readers_of(rules, root) if rules else {}
    out: dict[str, Path] = {}
    for file in files:
        if file in readers and not readers[file]:
            typer.echo(f"note: {file}: no contract reads it (--root); nothing to lint", err=True)
        for one in readers.get(file, [file]):
            out.setdefault(os.path.realpath(one), one)
    return list(out.values())


@app.command("prove", cls=_Command)
@_guard
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
    depth: Annotated[
        int,
        typer.Option(help="Every timeline of up to this many steps (a move, or time passing)."),
    ] = 3,
    workers: Annotated[
        int | None, typer.Option(help="Processes for the search (default: 1).")
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
    reading: _ReadingOption = None,
) -> None:
    """Check a property over every timeline of generated steps up to a depth (exit 1: not so;
    exit 4: not proved, some field's values could not all be tried)."""
    from engine.prove import prove

    loaded = _under(_load(contract), reading or [])
    result = prove(loaded, claim, depth, workers)
    sys.stdout.write(result.to_json() if output is Format.json else result.to_text(str(contract)))
    raise typer.Exit(result.exit_code)


def main() -> None:
    """The console script: output that cannot encode a character gets a replacement, not a
    crash; a closed pipe (`| head`) ends quietly."""
    # What is loaded now lives as long as the process: keep the garbage collector from walking
    # the engine's modules and classes again and again (a twentieth of a warm `check`).
    gc.freeze()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    try:
        app()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)  # as a shell reports a process ended by SIGPIPE
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # outside any command: still one line and exit 3
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"internal error: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
