"""Errors as RFC 9457 problem details (`application/problem+json`), built from the engine's own
error classes, so a client sees the same file:line and did-you-mean as the command line, and never
a traceback."""

from __future__ import annotations

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

    def body(self) -> ProblemDetails:
        located = [location(p) for p in self.problems]
        first = located[0] if located else None
        return ProblemDetails(
            type=TYPE_BASE + self.kind,
            title=self.title,
            status=self.status,
            detail=self.detail,
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
