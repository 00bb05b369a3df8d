"""Synonyms of a phrase's opening words: declared by the contract, plus a few safe built-ins.

A contract declares them once, in its header or on an event kind:
`synonyms: {partner with: [collaborate with, work with]}`; every phrase that starts with the key
is then also read with each synonym in its place, conjugated like the phrase itself.

The built-in set is deliberately small: only verbs whose meaning in business English does not
depend on the contract, each applied only to phrases that start with the target and only when no
phrase of the contract already starts with the synonym (the contract's own words always win).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.words.text import normalise

BUILT_IN: dict[str, tuple[str, ...]] = {
    "acquire": ("buy", "purchase", "take over"),
    "appoint": ("designate",),
    "approve": ("consent to", "sign off on"),
    "assign": ("transfer",),
    "audit": ("inspect",),
    "become insolvent": ("go bankrupt", "go insolvent"),
    "breach": ("violate",),
    "buy": ("purchase", "acquire"),
    "consent to": ("approve", "agree to", "authorise", "authorize"),
    "declare": ("announce", "proclaim"),
    "deliver": ("provide", "hand over"),
    "deploy": ("roll out",),
    "disclose": ("reveal", "divulge"),
    "file": ("lodge",),
    "fix": ("repair", "correct"),
    "give notice of": ("serve notice of", "send notice of"),
    "hire": ("recruit", "employ"),
    "launch": ("introduce",),
    "merge with": ("combine with",),
    "notify": ("inform",),
    "partner with": ("team up with", "join forces with"),
    "pay": ("remit",),
    "remit": ("pay",),
    "send": ("submit",),
    "terminate": ("end", "cancel"),
    "withdraw": ("retract", "revoke"),
}


def _starts_with(phrase: str, key: str) -> bool:
    return phrase == key or phrase.startswith(key + " ")


def variants(
    phrase: str,
    declared: Iterable[Mapping[str, list[str]]],
    all_phrases: Iterable[str],
) -> list[tuple[str, str, str, bool]]:
    """(phrase text with a synonym in place of its opening words, the synonym, the key,
    whether the synonym is a built-in one)."""
    text = normalise(phrase)
    found: dict[str, tuple[str, str, str, bool]] = {}
    for table in declared:
        for key, synonyms in table.items():
            k = normalise(key)
            if _starts_with(text, k):
                for synonym in synonyms:
                    s = normalise(synonym)
                    found.setdefault(s + text[len(k) :], (s + text[len(k) :], s, k, False))
    others = [normalise(p) for p in all_phrases]
    for key, built_in in BUILT_IN.items():
        if not _starts_with(text, key):
            continue
        for s in built_in:
            if any(_starts_with(p, s) for p in others):
                continue
            found.setdefault(s + text[len(key) :], (s + text[len(key) :], s, key, True))
    return sorted(found.values())


def is_opening(key: str, phrases: Iterable[str]) -> bool:
    """Whether a declared synonym key is the start of one of these phrases."""
    k = normalise(key)
    return any(_starts_with(normalise(p), k) for p in phrases)


def openings(phrases: Iterable[str]) -> list[str]:
    """The opening words phrases have (up to their first hole), for did-you-mean."""
    found: set[str] = set()
    for phrase in phrases:
        words: list[str] = []
        for word in normalise(phrase).split(" "):
            if "{" in word:
                break
            words.append(word)
            found.add(" ".join(words))
    return sorted(found)
