""" "Did you mean": the closest known name to a misspelt one, for error messages."""

from __future__ import annotations

import difflib
from typing import Any


def did_you_mean(value: object, known: list[str] | Any) -> str:
    close = difflib.get_close_matches(str(value), sorted(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
