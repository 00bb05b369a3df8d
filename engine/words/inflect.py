"""The forms of a phrase's verb, from lemminflect: no hand-written suffix rules.

A phrase is written as an imperative ("partner with {provider}"); people write "OpenAI partners
with", "partnered with", "will partner with", "is partnering with", "has partnered with", and
"AGI is declared". lemminflect knows irregular verbs (buy/bought, withhold/withheld) and inflects
words it does not know (sublicense) by rule.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    key = f"{word}?lemmatise" if lemmatise else word
    cached = _DISK.get(key)
    if cached is not None:
        return cached
    forms = _compute(word, lemmatise)
    _DISK.put(key, forms)
    return forms


def _compute(word: str, lemmatise: bool) -> VerbForms:
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


class _DiskCache:
    """The forms of each verb, kept on disk between runs: loading lemminflect's dictionary costs
    a few tenths of a second, the first time a sentence is read in each process. The key is the
    verb itself and the file is per lemminflect version, so an entry is never stale; the file is
    replaced atomically, and a broken or unwritable cache is ignored (the forms are computed)."""

    def __init__(self) -> None:
        self._entries: dict[str, VerbForms] | None = None
        self._path: Path | None = None

    def _load(self) -> dict[str, VerbForms]:
        if self._entries is not None:
            return self._entries
        self._entries = {}
        self._path = _cache_file()
        if self._path is None:
            return self._entries
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            for key, entry in data.items():
                forms = {str(w): frozenset(str(t) for t in tags) for w, tags in entry[1].items()}
                if not all(t <= TAG_WORDS.keys() for t in forms.values()):
                    raise ValueError("unknown tag")
                self._entries[str(key)] = VerbForms(str(entry[0]), forms)
        except (OSError, ValueError, TypeError, IndexError, KeyError, AttributeError):
            self._entries = {}  # no cache yet, or a broken one: computed again and rewritten
        return self._entries

    def get(self, key: str) -> VerbForms | None:
        return self._load().get(key)

    def put(self, key: str, forms: VerbForms) -> None:
        entries = self._load()
        entries[key] = forms
        if self._path is None:
            return
        data: dict[str, Any] = {
            k: [v.lemma, {w: sorted(t) for w, t in v.forms.items()}]
            for k, v in sorted(entries.items())
        }
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=".verbs-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(data, out)
                os.replace(tmp, self._path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            self._path = None  # not writable: keep the forms in memory only


def _cache_file() -> Path | None:
    """The verb forms' file in the engine's cache directory (engine/cache.py), per lemminflect
    version; None when the cache is off."""
    from importlib.metadata import PackageNotFoundError, version

    from engine.cache import cache_dir

    root = cache_dir()
    if root is None:
        return None
    try:
        lemminflect = version("lemminflect")
    except PackageNotFoundError:
        return None
    return root / f"verb-forms-lemminflect-{lemminflect}.json"


_DISK = _DiskCache()
