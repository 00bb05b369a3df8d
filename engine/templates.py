"""Holes in contract text: which {field}s a phrase or a template names, and filling them.

One module decides what a hole is, so that validation accepts exactly what the phrase compiler
and the filler understand: a field name in braces, nothing more (no format specs, conversions or
nested fields, which would let a contract or a move's values raise or allocate at check time).
The engine and the reference evaluator fill templates with the same `fill`.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable
from typing import Any

_NAME = re.compile(r"[a-z][a-z0-9_]*")
HOLE = re.compile(r"\{(" + _NAME.pattern + r")\}")
_FORMATTER = string.Formatter()
_WHAT_A_HOLE_IS = "a hole is a field name in braces, as in {provider}"


def template_holes(text: str) -> tuple[list[str], str | None]:
    """The fields a message or value names, and what is wrong with it, if anything. Braces of
    the text itself are written twice: {{ and }}."""
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError:
        return [], f"unbalanced braces: {_WHAT_A_HOLE_IS}; write {{{{ and }}}} for a brace"
    names: list[str] = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _NAME.fullmatch(name) or spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "")
            written += (f":{spec}" if spec else "") + "}"
            return names, f"'{written}' is not a hole: {_WHAT_A_HOLE_IS}"
        names.append(name)
    return names, None


def phrase_holes(text: str) -> tuple[list[str], str | None]:
    """The fields a phrase takes, in order, and what is wrong with it, if anything."""
    names = HOLE.findall(text)
    rest = HOLE.sub("", text)
    if "{" in rest or "}" in rest:
        return names, f"braces go only around a field name: {_WHAT_A_HOLE_IS}"
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        return names, f"'{{{twice[0]}}}' appears more than once; expected each field at most once"
    return names, None


def fill(template: Any, values: dict[str, Any]) -> str | None:
    """Fill {field} holes; a lone hole for a field the move left out gives None, other holes of
    missing fields stay as written. The result is text whatever the field's type: state and
    change facts hold text (`for: "7"`, never 7), so a norm's value, the routing index and
    durable_rules all compare the same thing."""
    return filler(template)(values)


def filler(template: Any) -> Callable[[dict[str, Any]], str | None]:
    """`fill` for one template, cut once: a norm's message and consequences are filled on
    every firing, and a check's cost is mostly such small steps."""
    if not isinstance(template, str) or "{" not in template:
        constant = None if template is None else str(template)
        return lambda _values: constant
    lone = _lone_hole(template)
    if lone is not None:

        def one(values: dict[str, Any]) -> str | None:
            value = values.get(lone)
            return None if value is None else str(value)

        return one
    pieces = _pieces(template)

    def many(values: dict[str, Any]) -> str | None:
        out = []
        for literal, hole in pieces:
            out.append(literal)
            if hole is not None:
                value = values.get(hole, _MISSING)
                out.append("{" + hole + "}" if value is _MISSING else _text(value))
        return "".join(out)

    return many


def _text(value: Any) -> str:
    """A value inside words: a whole number without a trailing '.0' (20, not 20.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_MISSING = object()


@functools.lru_cache(maxsize=1024)
def _lone_hole(template: str) -> str | None:
    """The field of a template that is one hole and nothing else ("{provider}"), else None;
    asked once per template (a regular expression over a long message costs microseconds)."""
    lone = HOLE.fullmatch(template)
    return None if lone is None else lone.group(1)


@functools.lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple[tuple[str, str | None], ...]:
    """A validated template cut once into literal text and holes: string.Formatter would parse
    it again on every call, and messages are filled on every finding."""
    return tuple((literal, name) for literal, name, _, _ in _FORMATTER.parse(template))
