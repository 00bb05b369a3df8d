"""The forms of a phrase's verb, from lemminflect: no hand-written suffix rules.

A phrase is written as an imperative ("partner with {provider}"); people write "OpenAI partners
with", "partnered with", "will partner with", "is partnering with", "has partnered with", and
"AGI is declared". lemminflect knows irregular verbs (buy/bought, withhold/withheld) and inflects
words it does not know (sublicense) by rule.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

# The tags of the Penn treebank, as lemminflect names them, and how a reading names them.
TAG_WORDS = {
    "VB": "base form",
    "VBZ": "present",
    "VBD": "past",
    "VBN": "past participle",
    "VBG": "-ing form",
}


# Words a phrase may open with that are never its verb ("the customer renews ...").
_NOT_VERBS = frozenset(
    [
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "our",
        "my",
        "your",
        "this",
        "that",
        "these",
        "those",
        "no",
        "all",
        "any",
        "some",
        "each",
        "every",
        "it",
        "they",
        "we",
    ]
)


@dataclass(frozen=True)
class VerbForms:
    lemma: str
    forms: dict[str, frozenset[str]]  # word -> the tags it can stand for

    def words(self) -> list[str]:
        return sorted(self.forms, key=lambda w: (-len(w), w))

    def participle(self) -> list[str]:
        return sorted(w for w, tags in self.forms.items() if "VBN" in tags)


@functools.lru_cache(maxsize=2048)
def verb_forms(word: str, lemmatise: bool = False) -> VerbForms | None:
    """The forms of `word` read as a verb, or None when it cannot be one (capitals, digits,
    punctuation: "IPO", "{hole}"). With `lemmatise`, `word` may itself be inflected
    ("consents" in "{actor} consents to {subject}")."""
    if not word.isalpha() or not word.islower() or not word.isascii() or word in _NOT_VERBS:
        return None
    from lemminflect import getAllLemmasOOV  # type: ignore[import-untyped]

    if lemmatise:
        # lemminflect's rule model, not its lemma dictionary (which takes a second to load);
        # a lemma is kept only if inflecting it gives the word back
        for lemma in getAllLemmasOOV(word, upos="VERB").get("VERB", ()):
            forms = _inflect(lemma.lower())
            if word in forms.forms:
                return forms
    return _inflect(word)


def _inflect(lemma: str) -> VerbForms:
    from lemminflect import getInflection

    forms: dict[str, set[str]] = {lemma: {"VB"}}
    for tag in ("VBZ", "VBD", "VBN", "VBG"):
        for form in getInflection(lemma, tag=tag, inflect_oov=True) or ():
            forms.setdefault(form.lower(), set()).add(tag)
    return VerbForms(lemma, {w: frozenset(t) for w, t in forms.items()})
