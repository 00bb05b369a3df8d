"""Normalising words: one way of spacing, quoting and case-folding for phrases and names."""

from __future__ import annotations

import functools
import re

_ARTICLE = re.compile(r"^(?:the|an|a)\s+", re.IGNORECASE)
_TOKEN = re.compile(r"[\w$€£¥'.&-]+")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def normalise(text: str, lower: bool = True) -> str:
    """One space between words, straight apostrophes, no closing full stop."""
    text = " ".join(text.replace("\u2019", "'").split())  # split() knows Unicode spaces
    return (text.lower() if lower else text).rstrip(".!")


def strip_article(text: str) -> str:
    """ "the Stargate project" -> "Stargate project": a leading article (the, a, an) never
    makes a new name."""
    return _ARTICLE.sub("", text.strip())


@functools.lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """The key every name is looked up and compared by, whatever the field type (kept per
    text: the same names come back in sentence after sentence)."""
    return strip_article(normalise(text)).strip(" ,;:")


@functools.lru_cache(maxsize=8192)
def as_written(text: str) -> str:
    """A name or a text as the user wrote it, without a leading article: what reports show
    (the value a move keeps and compares is `value_key`'s)."""
    return strip_article(normalise(text, lower=False)).strip(" ,;:")


@functools.lru_cache(maxsize=8192)
def value_key(text: str) -> str:
    """The value a free name or a text is kept and compared by: "the Acme Corp", "ACME CORP",
    "acme-corp" and "acme_corp" are all `acme_corp`. One function for a move's value (words
    or JSON) and for a rule's constant, so that the two sides can never be keyed apart; what
    reports show is the value as written (`Move.labels`)."""
    # separators become spaces first, so that a leading article goes whatever joins it to the
    # name: "the-initech-group" and "the Initech Group" are one key, `initech_group`
    return _NOT_KEY.sub("_", name_key(_NOT_KEY.sub(" ", normalise(text)))).strip("_")


def tokens(text: str) -> list[str]:
    return [t.strip(".'").lower() for t in _TOKEN.findall(text) if t.strip(".'")]
