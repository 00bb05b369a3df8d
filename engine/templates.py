"""Filling {field} holes in contract text: messages, granted rights and consequence values.

One filler for the engine and the reference evaluator alike: templates are text, not rules,
and both must read them the same way.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _Hole:
    """A field the move left out: its hole stays in the text, as written."""

    name: str


class _Template(string.Formatter):
    """str.format for contract text: a missing field leaves its hole, and a format spec that
    does not suit the value ("{with:,}" on a name) gives the plain value, never an error."""

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        return kwargs.get(key, _Hole(str(key)))

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        return value if isinstance(value, _Hole) else super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _Hole):
            return "{" + value.name + (":" + format_spec if format_spec else "") + "}"
        try:
            return format(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


_FORMATTER = _Template()


def fill(template: Any, values: dict[str, Any]) -> str | None:
    """Fill {field} holes; a lone hole for a field the move left out gives None. The result is
    text whatever the field's type: state and change facts hold text (`for: "7"`, never 7), so
    a norm's value, the routing index and durable_rules all compare the same thing."""
    if not isinstance(template, str) or "{" not in template:
        return None if template is None else str(template)
    lone = _LONE_HOLE.match(template)
    if lone:
        value = values.get(lone.group(1))
        return None if value is None else str(value)
    pieces = _pieces(template)
    if pieces is None:  # format specs, conversions or "{}": let the Formatter do it all
        return _FORMATTER.vformat(template, (), values)
    out = []
    for literal, hole in pieces:
        out.append(literal)
        if hole is not None:
            value = values.get(hole, _MISSING)
            out.append("{" + hole + "}" if value is _MISSING else format(value))
    return "".join(out)


_MISSING = object()


@functools.lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple[tuple[str, str | None], ...] | None:
    """A template cut once into literal text and plain {field} holes: the Formatter re-parses
    it on every call, and messages are filled on every finding."""
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError:
        return None
    if any(field == "" or spec or conversion for _, field, spec, conversion in parsed):
        return None
    return tuple((literal, field) for literal, field, _, _ in parsed)


_LONE_HOLE = re.compile(r"^\{([a-z][a-z0-9_]*)\}$")
