"""What a `name` hole takes: a known name, or a proper noun, never any text.

"buy Cursor for three billion dollars" must not name a company "Cursor for three billion
dollars", and "buy a round of drinks for the team" must not name one at all. A proper noun here is
one or more words that each carry a capital or a digit ("Cursor", "xAI", "Thinking Machines Lab",
"3M", "Mistral AI"), joined by "&", "of", "de" or "the" inside; it holds no word that joins
clauses or opens an amount ("for", "from", "with", "and", "then", ...) and no amount.
An unknown name with "and" in it is read as a list of names ("Cursor and Windsurf"); write "&" to
keep one name ("Johnson & Johnson"), or declare the entity.
"""

from __future__ import annotations

import functools
import re

from engine.words import amounts

_INSIDE = {"&", "of", "de", "the", "von", "van", "der", "du", "la", "le", "del", "y"}
_NEVER = {
    "a", "an", "and", "or", "but", "then", "for", "from", "with", "to", "through", "on", "in",
    "into", "by", "at", "against", "until", "beyond", "via", "as", "its", "their", "his", "her",
    "our", "is", "are", "was", "were", "will", "has", "have", "had", "be", "been", "not",
}  # fmt: skip
_WORD = re.compile(r"^[\w][\w.'&!+-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}/\d{1,2}/\d{2,4}$")


@functools.lru_cache(maxsize=8192)
def is_proper_noun(text: str) -> bool:
    """Kept per text: the names of a user's moves recur."""
    words = text.split()
    if not words or len(words) > 8:
        return False
    checked: list[str] = []  # the words to test as amounts, the dearest test, once all else holds
    for index, word in enumerate(words):
        lower = word.lower()
        if lower in _NEVER:
            return False
        if lower in _INSIDE and 0 < index < len(words) - 1:
            continue
        if word == "&":
            return False
        if _DATE.match(word) or not _WORD.match(word):
            return False
        if not any(c.isupper() or c.isdigit() for c in word):
            return False
        if index == len(words) - 1 and lower.endswith("'s"):
            return False  # "Windsurf's IP": the possessive is not part of the name
        checked.append(word)
    if any(_priced(word) for word in checked):
        return False
    whole = amounts.parse(text)  # "$3B", "3 Billion" are amounts; "3M" may be a company
    return whole is None or not (whole.currency or " " in text)


@functools.lru_cache(maxsize=4096)
def _priced(word: str) -> bool:
    """Whether one word is an amount with its currency ("$3B"); names recur, so kept."""
    money = amounts.parse(word)
    return money is not None and money.currency is not None
