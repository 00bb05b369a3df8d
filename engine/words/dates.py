"""Dates inside a sentence: "on 2025-10-15", "2025/10/15: ...", "on 3 March 2026", "on the 15th
of October 2025", "October 15, 2025", "15 Oct 2025: ...", "in March 2026", "in Q3 2026",
"by the end of 2025", and the "YYYY-MM-DD: " prefix.

A regular expression finds the part of the sentence that is a date (so that the rest can be
matched against the phrases); dateparser reads it, with fixed settings: English, the contract's
day order, and the reference day given by the caller, never the wall clock. dateparser is slow to
import, so it is imported only when a sentence holds a date that is not ISO.

Choices, documented in the README: a month without a day ("in March 2026") is its first day; a
year alone ("in 2026") is 1 January; a quarter ("in Q3 2026") is its first day; "by the end of"
a month or year, and "by" a month or quarter, is its last day. Vague dates ("in mid-2026", "in
early 2026") and years outside 1900-2199 are refused, saying which forms are read. Relative dates ("tomorrow", "next week") need a reference day (`--at`, API `at=`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

from engine.errors import MoveError

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20|21)\d{2}"
_ISO = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"  # 2025-10-15, 2025/10/15, 2026-1-5
_FULL = (
    rf"(?:{_ISO}|(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"
    rf"|{_MONTH}\s+(?:the\s+)?{_DAY}(?:\s+of)?,?\s+{_YEAR}"
    rf"|\d{{1,2}}/\d{{1,2}}/{_YEAR}|\d{{1,2}}\.\d{{1,2}}\.{_YEAR})"
)
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_QUARTER = (
    rf"(?:q[1-4]\s*{_YEAR}|{_YEAR}\s*-?\s*q[1-4]"
    rf"|(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+of\s+{_YEAR})"
)
# What looks like a date the forms above do not read: "mid-2026", "early 2026", "the first half
# of 2026", "2230", "15/10/2230". It is refused with the forms that are read, rather than left in
# the sentence to be misread as part of a name.
_VAGUE_WORD = (
    r"(?:the|of|early|mid|middle|late|beginning|start|half|first|second|h[12]|sometime"
    r"|around|spring|summer|autumn|fall|winter|q[1-4]|quarter)"
)
_LOOSE = (
    rf"(?:(?:{_VAGUE_WORD}|{_MONTH}|{_DAY})[\s-]+){{1,5}}\d{{4}}"
    r"|\d{4}|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
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
_ANY = rf"(?:{_FULL}|{_MONTH_YEAR}|{_QUARTER}|{_END_OF}|{_YEAR}|{_RELATIVE}|{_LOOSE})"
# Patterns stay text until used: re compiles each once, at the first sentence that can hold a
# date (most of a check's start-up went into compiling them at import).
_PATTERNS = [
    # "2025-10-15: ...", "15 Oct 2025: ...", "March 2026, ..."
    rf"^(?P<date>{_FULL}|{_MONTH_YEAR}|{_QUARTER}|{_LOOSE})\s*[:,]\s*(?P<rest>.+)$",
    # "on 3 March 2026, ...", "by the end of 2025, ...", "tomorrow, ..."
    rf"^(?P<marker>on|in|by|at)\s+(?P<date>{_ANY})\s*,?\s+(?P<rest>.+)$",
    rf"^(?P<date>{_RELATIVE})\s*,\s*(?P<rest>.+)$",
    # "... on 2025-10-15", "... in March 2026", "... by the end of 2025", "... tomorrow"
    rf"^(?P<rest>.+?),?\s+(?P<marker>on|in|by|at)\s+(?P<date>{_ANY})$",
    rf"^(?P<rest>.+?),?\s+(?P<date>{_RELATIVE})$",
]
_PUNCTUATED_FORMS = (0, 2)  # the forms of `_PATTERNS` that need a ":" or a ","
_RELATIVE_FORMS = (2, 4)  # those whose date is relative: every one names a _DATE_HINT
# Every form above holds a digit or one of these (relative dates name a day, week, month or
# year): a sentence with neither holds no date, and no pattern needs to be tried.
_DATE_HINT = ("day", "week", "month", "year", "tonight", "tomorrow")
_RELATIVE_ONLY = rf"^{_RELATIVE}$"
_YEAR_ONLY = rf"^{_YEAR}$"
_ANY_YEAR_ONLY = r"^\d{4}$"
_NUMERIC_YMD = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"
_QUARTER_ONLY = rf"^{_QUARTER}$"
_VAGUE = (
    r"\b(?:early|mid|middle|late|beginning|start|half|h[12]|sometime|around|spring|summer"
    r"|autumn|fall|winter)\b"
)
FIRST_YEAR, LAST_YEAR = 1900, 2199
FORMS = (
    "write it as 2026-03-15, 15 March 2026, March 15, 2026, 15/03/2026 (in the contract's day "
    'order), March 2026, Q3 2026 or 2026 ("by the end of 2026" for its last day)'
)
_MONTH_YEAR_ONLY = rf"^{_MONTH_YEAR}$"
_END_OF_ONLY = rf"^{_END_OF}$"
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
    the sentence without it. Two different dates ("on 2026-03-03 ... on 2026-04-04") are an
    error naming both, never a silent choice; the same date twice is one date."""
    located = locate(text, leading_only)
    if located is None:
        return None, text
    raw, marker, rest = located
    found = _found(raw, marker, reference, order)
    if not leading_only:
        again = locate(rest, False)
        if again is not None:
            second = _found(again[0], again[1], reference, order)
            if second.date != found.date:
                raise two_dates(found, second)
            rest = again[2]
    return found, rest


def two_dates(first: FoundDate, second: FoundDate) -> MoveError:
    return MoveError(
        f"two different dates for one move: {first.describe()} is {first.date} and "
        f"{second.describe()} is {second.date}; give one date (or one move per date)"
    )


def locate(text: str, leading_only: bool = False) -> tuple[str, str, str] | None:
    """Where a sentence holds a date, unread: (the date, its marker such as "on" or "", the
    rest of the sentence)."""
    # what a form needs, found once: a relative date names a day, week, month or year (read
    # as the patterns read it, case-blind); a date that opens the sentence ends with ":" or ","
    if text.isascii():  # lower case is case-blind as the patterns are, for ASCII text
        relative = _names_a_time(text.lower())
        if not relative and _rx(r"\d", 0).search(text) is None:
            return None
    else:
        if not _has_digit(text) and not _names_a_time(text.lower()):
            return None
        relative = _hint().search(text) is not None
    patterns = _locators()
    punctuated = "," in text or ":" in text
    for index, pattern in enumerate(patterns[:3] if leading_only else patterns):
        if (index in _RELATIVE_FORMS and not relative) or (
            index in _PUNCTUATED_FORMS and not punctuated
        ):
            continue
        match = pattern.match(text)
        if match is None:
            continue
        marker = match.groupdict().get("marker") or ""
        raw = match.group("date")
        if marker.lower() == "at" and not _rx(_RELATIVE_ONLY).match(raw):
            continue  # "at 3 billion" is not a date
        if _rx(_ANY_YEAR_ONLY).match(raw) and marker.lower() != "in":
            continue  # "deploy 2030 seats", "beyond 2030": a bare year needs "in"
        rest = match.group("rest").strip()
        if rest.rsplit(" ", 1)[-1].lower() in _FIELD_WORDS:
            continue  # "until next year": the date is a field's value, not the move's date
        return raw, marker, rest
    return None


@functools.cache
def _locators() -> list[re.Pattern[str]]:
    """`_PATTERNS`, compiled once, at the first sentence that may hold a date."""
    return [re.compile(pattern, re.I) for pattern in _PATTERNS]


@functools.cache
def _rx(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    """A pattern of this module, compiled at its first use (not at import: see `_PATTERNS`)."""
    return re.compile(pattern, flags)


def _hint() -> re.Pattern[str]:
    return _rx("|".join(_DATE_HINT))


def _names_a_time(lowered: str) -> bool:
    """Whether a lower-case text holds one of `_DATE_HINT`."""
    return any(hint in lowered for hint in _DATE_HINT)


def _has_digit(text: str) -> bool:
    return any(map(str.isdigit, text))


def _found(raw: str, marker: str, reference: dt.date | None, order: str) -> FoundDate:
    found = read(raw, reference, order, by=marker.lower() == "by")
    written = f"{marker} {raw}" if marker else raw
    return FoundDate(found.date, written, found.note)


@functools.lru_cache(maxsize=1024)
def read(raw: str, reference: dt.date | None, order: str = "DMY", by: bool = False) -> FoundDate:
    """One date as people write it; MoveError when it is not one or needs a reference day.
    Kept per text: the same few dates recur in a user's moves, and reading one costs as much as
    the rest of its sentence (a refusal is not kept, so each is raised anew)."""
    found = _read(" ".join(raw.split()), reference, order, by)
    if not FIRST_YEAR <= found.date.year <= LAST_YEAR:
        raise MoveError(
            f"date '{raw}': the year {found.date.year} is out of range "
            f"({FIRST_YEAR}-{LAST_YEAR}); {FORMS}"
        )
    return found


def _read(text: str, reference: dt.date | None, order: str, by: bool) -> FoundDate:
    numeric = _rx(_NUMERIC_YMD).match(text)
    if numeric:
        year, month, day = (int(g) for g in numeric.groups())
        _year_in_range(year, text)
        try:
            return FoundDate(dt.date(year, month, day), text)
        except ValueError:
            raise MoveError(f"'{text}' is not a date (no such day); expected YYYY-MM-DD") from None
    if _rx(_ANY_YEAR_ONLY).match(text):
        _year_in_range(int(text), text)
    quarter = _rx(_QUARTER_ONLY).match(text)
    if quarter:
        return _quarter(text, by)
    if _rx(_VAGUE).search(text):
        raise MoveError(f"date '{text}' could not be read: it is not one day; {FORMS}")
    if _rx(_YEAR_ONLY).match(text):
        year = int(text)
        if by:
            return FoundDate(dt.date(year, 12, 31), text, "the last day of the year")
        return FoundDate(dt.date(year, 1, 1), text, "the first day of the year")
    end = _rx(_END_OF_ONLY).match(text)
    if end:
        inner = _rx(r"^(?:the\s+)?end\s+of\s+").sub("", text)
        if _rx(_YEAR_ONLY).match(inner):
            return FoundDate(dt.date(int(inner), 12, 31), text, "the last day of the year")
        first = _parse(inner, None, order)
        last = calendar.monthrange(first.year, first.month)[1]
        return FoundDate(first.replace(day=last), text, "the last day of the month")
    if _rx(_MONTH_YEAR_ONLY).match(text):
        first = _parse(text, None, order)
        if by:
            last = calendar.monthrange(first.year, first.month)[1]
            return FoundDate(first.replace(day=last), text, "the last day of the month")
        return FoundDate(first, text, "the first day of the month")
    if _rx(_RELATIVE_ONLY).match(text):
        if reference is None:
            raise MoveError(
                f"'{text}' is a relative date, and no reference day was given: write the date "
                "(e.g. 2025-10-15) or give the check date with --at (API: at=)"
            )
        return FoundDate(_parse(text, reference, order), text, f"counted from {reference}")
    if not _rx(r"\d{4}", 0).search(text):
        raise MoveError(f"'{text}': write the year, e.g. 3 March 2026 or 2026-03-03")
    return FoundDate(_parse(text, None, order, full=True), text)


def _year_in_range(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise MoveError(
            f"date '{text}': the year {year} is out of range ({FIRST_YEAR}-{LAST_YEAR}); {FORMS}"
        )


def _quarter(text: str, by: bool) -> FoundDate:
    """A quarter ("Q3 2026", "2026 Q3", "the third quarter of 2026"): its first day; with "by",
    its last."""
    lower = text.lower()
    year = int(re.findall(r"\d{4}", lower)[0])
    number = re.search(r"q([1-4])", lower)
    if number is not None:
        q = int(number.group(1))
    else:
        word = re.search(r"(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter", lower)
        assert word is not None
        q = _ORDINAL_WORDS.get(word.group(1)) or int(word.group(1)[0])
    first = dt.date(year, 3 * q - 2, 1)
    if by:
        last_month = 3 * q
        last = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return FoundDate(last, text, f"the last day of Q{q} {year}")
    return FoundDate(first, text, f"the first day of Q{q} {year}")


_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%B %Y", "%b %Y")
_ORDINAL = r"(\d)(?:st|nd|rd|th)\b"


def _parse(text: str, reference: dt.date | None, order: str, full: bool = False) -> dt.date:
    """`full`: the text must name a day, a month and a year (dateparser would otherwise fill
    in what is missing from the reference day)."""
    if _rx(r"\d{4}-\d{2}-\d{2}", 0).fullmatch(text):
        raise MoveError(f"'{text}' is not a date (no such day); expected YYYY-MM-DD")
    # Month names read the same in every day order: the standard library reads them at no cost;
    # dateparser (which takes most of a second to load its language data) reads the rest.
    plain = _rx(_ORDINAL, 0).sub(r"\1", text.replace(",", " ").replace(".", " "))
    plain = _rx(r"(?i)^the\s+|\s+of\b|\bthe\s+", 0).sub(" ", plain)
    plain = " ".join(_rx(r"(?i)\bsept\b", 0).sub("Sep", plain).split())
    for form in _FORMATS:
        try:
            return dt.datetime.strptime(plain, form).date()
        except ValueError:
            continue
    import dateparser  # type: ignore[import-untyped]  # slow: only for non-ISO dates

    base = dt.datetime.combine(reference or dt.date(2000, 1, 1), dt.time())
    settings: dict[str, object] = {
        "DATE_ORDER": order if order in _DATE_ORDERS else "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RELATIVE_BASE": base,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if full:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if not isinstance(parsed, dt.datetime):
        raise MoveError(f"date '{text}' could not be read; {FORMS}")
    return parsed.date()


def value(raw: str, reference: dt.date | None, what: str, order: str = "DMY") -> dt.date:
    """A date given as a field's value or a move's date: the same forms as in sentences."""
    text = str(raw).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if not _rx(_ANY).fullmatch(text):
        raise MoveError(f"{what}: '{raw}' is not a date; expected YYYY-MM-DD or e.g. 3 March 2026")
    return read(text, reference, order).date
