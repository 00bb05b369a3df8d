"""Amounts of money as people write them, with their currency kept.

"$2.5bn", "$3B", "USD 50,000", "€50,000", "EUR 3 billion", "3 million euros", "two billion
dollars". Figures, scale words and currency marks are read here; numbers written in words go to
text2num. An amount without a currency mark is in the field's currency (USD unless the field says
otherwise), so amounts written before currencies were read keep their meaning.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "c$": "CAD", "a$": "AUD"}
_CODES = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "CNY", "INR")
_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yen": "JPY",
    "swiss francs": "CHF",
    "francs": "CHF",
}
_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mio": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "t": 1e12,
    "tn": 1e12,
    "trillion": 1e12,
}
_SYMBOL = r"(?P<symbol>us\$|c\$|a\$|[$€£¥])"
_CODE = r"(?P<code>" + "|".join(_CODES) + r")"
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALES = "|".join(sorted(_SCALE, key=len, reverse=True))
_AFTER = r"(?P<after>" + "|".join(sorted([*_WORDS, *_CODES], key=len, reverse=True)) + r")"
_FIGURES = re.compile(
    rf"^(?:{_SYMBOL}\s*|{_CODE}\s*)?{_NUMBER}\s*(?:(?P<scale>{_SCALES})\b)?\s*(?:{_AFTER})?$",
    re.IGNORECASE,
)
_IN_WORDS = re.compile(
    rf"^(?:{_SYMBOL}\s*|{_CODE}\s+)?(?P<words>[a-z][a-z -]*?)\s*(?:{_AFTER})?$", re.IGNORECASE
)


@dataclass(frozen=True)
class Money:
    value: int | float
    currency: str | None  # None: no currency written


def parse(raw: str) -> Money | None:
    """The amount written in `raw`, or None when it is not an amount of money."""
    return _parse(str(raw))


@functools.lru_cache(maxsize=4096)
def _parse(raw: str) -> Money | None:
    """`parse`, kept per text: amounts (and the words tried as amounts) recur."""
    text = " ".join(raw.split()).strip()
    match = _FIGURES.match(text)
    if match:
        figures, scale = match.group("number", "scale")
        number = float(figures.replace(",", ""))
        value = number * (_SCALE.get(scale.lower(), 1) if scale else 1)
        return Money(_tidy(value), _currency(match))
    match = _IN_WORDS.match(text)
    if match:
        in_words = _words_to_number(match.group("words"))
        if in_words is not None:
            return Money(_tidy(in_words), _currency(match))
    return None


def _currency(match: re.Match[str]) -> str | None:
    symbol, code, after = match.group("symbol", "code", "after")
    if symbol is None and code is None and after is None:
        return None  # most amounts: no currency written
    found = [
        _SYMBOLS.get((symbol or "").lower()),
        (code or "").upper() or None,
        _WORDS.get((after or "").lower()) or (after.upper() if after else None),
    ]
    written = {c for c in found if c}
    if len(written) > 1:
        return "?" + "/".join(sorted(written))  # "$3 euros": refused by the caller
    return written.pop() if written else None


def _words_to_number(words: str) -> float | None:
    """ "two billion", "three and a half million", "twenty-five thousand"."""
    from text_to_num import text2num  # type: ignore[import-untyped]

    text = words.lower().replace("-", " ").strip()
    half = 0.0
    if " and a half " in f" {text} ":
        text, _, scale = text.partition(" and a half")
        scale = scale.strip()
        factor = _SCALE.get(scale, 1)
        text = f"{text} {scale}".strip()
        half = 0.5 * factor
    parts = text.split()
    if parts and parts[-1] in _SCALE and parts[-1] not in ("k", "m", "b", "t"):
        scale_value = _SCALE[parts[-1]]
        head = " ".join(parts[:-1]) or "one"
        head = "one" if head in ("a", "an") else head
        number = _text2num(text2num, head)
        return None if number is None else number * scale_value + half
    number = _text2num(text2num, text)
    return None if number is None else number + half


def _text2num(text2num: object, words: str) -> float | None:
    try:
        return float(text2num(words, "en"))  # type: ignore[operator]
    except (ValueError, TypeError):
        return None


def _tidy(value: float) -> int | float:
    return int(value) if value == int(value) else value
