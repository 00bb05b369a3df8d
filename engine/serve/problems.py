"""Errors as RFC 9457 problem details (`application/problem+json`), built from the engine's own
error classes, so a client sees the same file:line and did-you-mean as the command line, and never
a traceback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.errors import Problem

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:contract-engine:problem:"


class ProblemLocation(BaseModel):
    """One problem in a contract or rule file: where it is and what is wrong."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    message: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, with the engine's locations as extension members."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    problems: list[ProblemLocation] | None = None


class HTTPProblem(Exception):
    """Raised by the app to answer with a problem; `kind` becomes the problem type URI."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.problems = problems or []
        self.headers = headers or {}
        self.field = field

    def body(self, door: str = "http") -> ProblemDetails:
        """The problem details, said in the terms of `door` (http, or page for the web page)."""
        located = [
            p.model_copy(update={"message": in_terms_of(door, p.message)})
            for p in (location(p) for p in self.problems)
        ]
        first = located[0] if located else None
        return ProblemDetails(
            type=TYPE_BASE + self.kind,
            title=self.title,
            status=self.status,
            detail=in_terms_of(door, self.detail),
            file=first.file if first else None,
            line=first.line if first else None,
            column=first.column if first else None,
            field=first.field if first else self.field,
            problems=located or None,
        )


def location(problem: Problem) -> ProblemLocation:
    # `field` and `column` are read when the engine's Problem carries them; the message keeps
    # its own "field: what is wrong" form either way.
    field = getattr(problem, "field", None)
    column = getattr(problem, "column", None)
    return ProblemLocation(
        file=problem.file,
        line=problem.line,
        column=column if isinstance(column, int) else None,
        field=field if isinstance(field, str) else _field_of(problem.message),
        message=problem.message,
    )


def _field_of(message: str) -> str | None:
    """The dotted field a validation message starts with ("norms.0.when: ..."), if any."""
    head, sep, _ = message.partition(": ")
    if sep and head and " " not in head and "'" not in head:
        return head
    return None


# -- each door in its own terms ----------------------------------------------------------------
# The engine's messages end, where the command line has a command that helps, with that command
# (`contract-engine phrases CONTRACT` lists them all). Over HTTP, MCP and on the web page there
# is no command to run: each door says what to send or where to look instead.
DOORS = ("http", "mcp", "page")


@dataclass(frozen=True)
class Advice:
    """A piece of command-line advice in engine messages, and what each door says instead
    (`{contract}`: the contract the message is about, when it names one)."""

    pattern: re.Pattern[str]
    instead: dict[str, str]


_SCHEMA = " (see the JSON Schema of rule files, schemas/rules.schema.json)"
ADVICE = (
    Advice(
        re.compile(r"\s*`contract-engine phrases CONTRACT` lists them all\.?"),
        {
            "http": " GET /v1/contracts/{contract} lists them all (its `phrases` and `suggestions`).",
            "mcp": " The list_phrases tool lists them all.",
            "page": " The move field suggests them as you type.",
        },
    ),
    Advice(re.compile(r" \(see `contract-engine schema rules`\)"), dict.fromkeys(DOORS, _SCHEMA)),
    Advice(
        re.compile(r"one move per --move\b"), dict.fromkeys(DOORS, "one move per item of moves")
    ),
    Advice(re.compile(r"^--depth must"), dict.fromkeys(DOORS, "depth must")),
)
_CONTRACT = re.compile(r"\bcontract ([\w.-]+)")


def in_terms_of(door: str, message: str) -> str:
    """An engine message as a door says it: command-line advice replaced by the door's own."""
    for advice in ADVICE:
        if advice.pattern.search(message):
            named = _CONTRACT.search(message)
            instead = advice.instead[door].replace(
                "{contract}", named.group(1) if named else "{contract_id}"
            )
            message = advice.pattern.sub(instead.replace("\\", "\\\\"), message)
    return message


def listed(problems: list[Problem]) -> str:
    """The detail line of several problems, as the CLI prints them: file:line: message."""
    return "; ".join(str(p) for p in problems)


SEARCH_CAPS = {"max_steps", "depth"}


def invalid_request(errors: Any) -> HTTPProblem:
    """A request its model refused (pydantic errors), as one problem naming each field."""
    parts = []
    fields = []
    for item in errors:
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "path", "query")]
        where = ".".join(loc) or "body"
        fields.append(where)
        message = item.get("msg", "invalid")
        if item.get("type") == "less_than_equal" and where in SEARCH_CAPS:
            cap = item.get("ctx", {}).get("le")
            message = (
                f"at most {cap} on this server: searches grow with each step, so the server "
                "caps them (the command line does not)"
            )
        parts.append(f"{where}: {message}")
    return HTTPProblem(
        422,
        "invalid-request",
        "Invalid request",
        "; ".join(parts),
        field=fields[0] if fields else None,
    )
