"""Dates inside a sentence: "on 2025-10-15", "on 3 March 2026", "15 Oct 2025: ...",
"in March 2026", "by the end of 2025", and the "YYYY-MM-DD: " prefix.

A regular expression finds the part of the sentence that is a date (so that the rest can be
matched against the phrases); dateparser reads it, with fixed settings: English, the contract's
day order, and the reference day given by the caller, never the wall clock. dateparser is slow to
import, so it is imported only when a sentence holds a date that is not ISO.

Choices, documented in the README: a month without a day ("in March 2026") is its first day; a
year alone ("in 2026") is 1 January; "by the end of" a month or year, and "by" a month, is its
last day. Relative dates ("tomorrow", "next week") need a reference day (`--at`, API `at=`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from engine.errors import MoveError

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20|21)\d{2}"
_ISO = r"\d{4}-\d{2}-\d{2}"
_FULL = (
    rf"(?:{_ISO}|{_DAY}\s+{_MONTH},?\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR}"
    rf"|\d{{1,2}}/\d{{1,2}}/{_YEAR}|\d{{1,2}}\.\d{{1,2}}\.{_YEAR})"
)
_MONTH_YEAR = rf"(?:{_MONTH}\s+{_YEAR})"
_END_OF = rf"(?:the\s+)?end\s+of\s+(?:{_MONTH}\s+)?{_YEAR}"
_UNIT = r"(?:days?|weeks?|months?|years?)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_RELATIVE = (
    rf"(?:today|tomorrow|yesterday|tonight|(?:next|last|this)\s+(?:week|month|year|{_WEEKDAY})"
    rf"|in\s+(?:\d+|an?|one|two|three|four|five|six|ten)\s+{_UNIT}"
    rf"|(?:\d+|an?|one|two|three|four|five|six|ten)\s+{_UNIT}\s+(?:from\s+now|later|ago)"
    rf"|{_WEEKDAY})"
)
_ANY = rf"(?:{_FULL}|{_MONTH_YEAR}|{_END_OF}|{_YEAR}|{_RELATIVE})"
_PATTERNS = [
    # "2025-10-15: ...", "15 Oct 2025: ...", "March 2026, ..."
    re.compile(rf"^(?P<date>{_FULL}|{_MONTH_YEAR})\s*[:,]\s*(?P<rest>.+)$", re.I),
    # "on 3 March 2026, ...", "by the end of 2025, ...", "tomorrow, ..."
    re.compile(rf"^(?P<marker>on|in|by|at)\s+(?P<date>{_ANY})\s*,?\s+(?P<rest>.+)$", re.I),
    re.compile(rf"^(?P<date>{_RELATIVE})\s*,\s*(?P<rest>.+)$", re.I),
    # "... on 2025-10-15", "... in March 2026", "... by the end of 2025", "... tomorrow"
    re.compile(rf"^(?P<rest>.+?),?\s+(?P<marker>on|in|by|at)\s+(?P<date>{_ANY})$", re.I),
    re.compile(rf"^(?P<rest>.+?),?\s+(?P<date>{_RELATIVE})$", re.I),
]
_RELATIVE_ONLY = re.compile(rf"^{_RELATIVE}$", re.I)
_YEAR_ONLY = re.compile(rf"^{_YEAR}$")
_MONTH_YEAR_ONLY = re.compile(rf"^{_MONTH_YEAR}$", re.I)
_END_OF_ONLY = re.compile(rf"^{_END_OF}$", re.I)
_DATE_ORDERS = ("DMY", "MDY", "YMD")
_FIELD_WORDS = {"until", "till", "before", "after", "beyond", "from", "to", "through", "since"}


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    written: str  # as found in the sentence: "on 3 March 2026"
    note: str | None = None  # how a partial date was completed: "the first day of the month"

    def describe(self) -> str:
        return f"'{self.written}'" + (f" ({self.note})" if self.note else "")


def find(
    text: str, reference: dt.date | None, order: str = "DMY", leading_only: bool = False
) -> tuple[FoundDate | None, str]:
    """The date written at the start (or, unless `leading_only`, the end) of a sentence, and
    the sentence without it."""
    for pattern in _PATTERNS[:3] if leading_only else _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        marker = (match.groupdict().get("marker") or "").lower()
        raw = match.group("date")
        if marker == "at" and not _RELATIVE_ONLY.match(raw):
            continue  # "at 3 billion" is not a date
        if _YEAR_ONLY.match(raw) and marker != "in":
            continue  # "deploy 2030 seats", "beyond 2030": a bare year needs "in"
        rest = match.group("rest").strip()
        if rest.rsplit(" ", 1)[-1].lower() in _FIELD_WORDS:
            continue  # "until next year": the date is a field's value, not the move's date
        found = read(raw, reference, order, by=marker == "by")
        written = f"{match.group('marker')} {raw}" if marker else raw
        return FoundDate(found.date, written, found.note), rest
    return None, text


def read(raw: str, reference: dt.date | None, order: str = "DMY", by: bool = False) -> FoundDate:
    """One date as people write it; MoveError when it is not one or needs a reference day."""
    text = " ".join(raw.split())
    try:
        return FoundDate(dt.date.fromisoformat(text), text)
    except ValueError:
        pass
    if _YEAR_ONLY.match(text):
        year = int(text)
        if by:
            return FoundDate(dt.date(year, 12, 31), text, "the last day of the year")
        return FoundDate(dt.date(year, 1, 1), text, "the first day of the year")
    end = _END_OF_ONLY.match(text)
    if end:
        inner = re.sub(r"^(?:the\s+)?end\s+of\s+", "", text, flags=re.I)
        if _YEAR_ONLY.match(inner):
            return FoundDate(dt.date(int(inner), 12, 31), text, "the last day of the year")
        first = _parse(inner, None, order)
        last = calendar.monthrange(first.year, first.month)[1]
        return FoundDate(first.replace(day=last), text, "the last day of the month")
    if _MONTH_YEAR_ONLY.match(text):
        first = _parse(text, None, order)
        if by:
            last = calendar.monthrange(first.year, first.month)[1]
            return FoundDate(first.replace(day=last), text, "the last day of the month")
        return FoundDate(first, text, "the first day of the month")
    if _RELATIVE_ONLY.match(text):
        if reference is None:
            raise MoveError(
                f"'{text}' is a relative date, and no reference day was given: write the date "
                "(e.g. 2025-10-15) or give the check date with --at (API: at=)"
            )
        return FoundDate(_parse(text, reference, order), text, f"counted from {reference}")
    if not re.search(_YEAR, text):
        raise MoveError(f"'{raw}': write the year, e.g. 3 March 2026 or 2026-03-03")
    return FoundDate(_parse(text, None, order), text)


_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%B %Y", "%b %Y")
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b", re.I)


def _parse(text: str, reference: dt.date | None, order: str) -> dt.date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise MoveError(f"'{text}' is not a date (no such day); expected YYYY-MM-DD")
    # Month names read the same in every day order: the standard library reads them at no cost;
    # dateparser (which takes most of a second to load its language data) reads the rest.
    plain = _ORDINAL.sub(r"\1", text.replace(",", " ").replace(".", " "))
    plain = " ".join(re.sub(r"(?i)\bsept\b", "Sep", plain).split())
    for form in _FORMATS:
        try:
            return dt.datetime.strptime(plain, form).date()
        except ValueError:
            continue
    import dateparser  # type: ignore[import-untyped]  # slow: only for non-ISO dates

    base = dt.datetime.combine(reference or dt.date(2000, 1, 1), dt.time())
    settings = {
        "DATE_ORDER": order if order in _DATE_ORDERS else "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RELATIVE_BASE": base,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if not isinstance(parsed, dt.datetime):
        raise MoveError(f"'{text}' is not a date; write e.g. 2025-10-15 or 3 March 2026")
    return parsed.date()


def value(raw: str, reference: dt.date | None, what: str, order: str = "DMY") -> dt.date:
    """A date given as a field's value or a move's date: the same forms as in sentences."""
    text = str(raw).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if not re.fullmatch(_ANY, text, re.I):
        raise MoveError(f"{what}: '{raw}' is not a date; expected YYYY-MM-DD or e.g. 3 March 2026")
    return read(text, reference, order).date
