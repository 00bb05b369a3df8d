"""Cutting a sentence where it may hold several moves: "X and Y", "X, then Y", "X; Y",
"X and then Y", and lists ("through Oracle, AWS and CoreWeave").

This module only finds the places a sentence may be cut; the parser keeps a cut only where every
part reads as a move (or as one more object of the move before it), so that "Johnson & Johnson"
or "in exchange for equity and cash" stay whole.
"""

from __future__ import annotations

import re

MAX_CUTS = 10
_SEPARATOR = re.compile(
    r"\s*;\s*(?:and\s+)?(?:then\s+)?|,\s+and\s+then\s+|,\s+then\s+|\s+and\s+then\s+|\s+then\s+"
    r"|,\s+and\s+|,\s+|\s+and\s+|\s+&\s+then\s+",
    re.IGNORECASE,
)


def _may_cut(lowered: str) -> bool:
    """Whether a lower-case ASCII text holds what every separator holds: ";", ",", "and" or
    "then" (the "&" of "& then" comes with its "then")."""
    return ";" in lowered or "," in lowered or "and" in lowered or "then" in lowered


def pieces(text: str) -> tuple[list[str], list[str]]:
    """The pieces of `text` between possible cuts, and the separators between them (as written),
    so that pieces[i] + seps[i] + pieces[i + 1] is the text again. None when there are more than
    MAX_CUTS places to cut: then the text is read whole."""
    if text.isascii() and not _may_cut(text.lower()):
        return [text], []  # no separator in it (read case-blind, as the pattern reads)
    parts: list[str] = []
    seps: list[str] = []
    last = 0
    for match in _SEPARATOR.finditer(text):
        if match.start() == 0 or match.end() == len(text):
            continue
        parts.append(text[last : match.start()])
        seps.append(match.group(0))
        last = match.end()
    parts.append(text[last:])
    if len(seps) > MAX_CUTS:
        return [text], []
    return parts, seps


def join(parts: list[str], seps: list[str], start: int, end: int) -> str:
    """pieces start..end-1 joined back with the separators written between them."""
    out = parts[start]
    for i in range(start + 1, end):
        out += seps[i - 1] + parts[i]
    return out
