"""Phrases compiled into the regular expressions that read a sentence.

A phrase "partner with {provider}" gives two expressions: the active one reads "partner with X",
"OpenAI partners with X", "OpenAI partnered with X", "OpenAI will partner with X", "OpenAI is
partnering with X", "OpenAI has partnered with X"; the passive one reads the object first, for
phrases that have one ("declare AGI": "AGI is declared", "AGI was declared by OpenAI").
The verb's forms come from `inflect`; which auxiliary goes with which form is checked after the
match ("OpenAI has partner with" is not read). An inflected verb needs its subject: "acquires
Windsurf" alone is not a sentence anyone types as a move.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, replace

from engine.templates import HOLE
from engine.words.inflect import VerbForms, verb_forms

MODALS = (
    "will", "would", "shall", "should", "may", "might", "can", "could", "must", "is going to",
    "are going to", "is about to", "is set to", "is to", "are to", "plans to", "intends to", "wants to", "to",
)  # fmt: skip
PERFECT = ("has", "have", "had", "will have")
PROGRESSIVE = ("is", "are", "was", "were", "am", "will be", "has been", "have been", "had been")
PASSIVE = (
    "is", "are", "was", "were", "has been", "have been", "had been", "will be", "would be",
    "is being", "are being", "gets", "got", "is to be", "must be", "may be", "should be",
    "can be", "could be", "shall be", "to be",
)  # fmt: skip
# Words that end a passive's object: "acquire {company} for {price}" -> "{company} is acquired
# for {price}".
_PREPOSITIONS = frozenset(
    [
        "for",
        "from",
        "to",
        "with",
        "through",
        "on",
        "into",
        "against",
        "of",
        "beyond",
        "until",
        "in",
        "by",
        "at",
        "as",
        "over",
        "under",
        "via",
    ]
)
# How many ways of splitting the words of side-by-side holes are tried, per pattern and text: a
# name has at most 8 words (names.is_proper_noun), so a run of two holes splits fewer ways.
MAX_SPLITS = 64
NEGATION = re.compile(r"\b(?:not|never|no longer)\b|n't\b", re.IGNORECASE)


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    """Longest first; the words that open with the same letter grouped under it, in that order
    ("is(?: about to| going to|)"): words of different first letters never match at the same
    place, so it matches as the plain list does, and the matcher tries a third of the words."""
    ordered = sorted(words, key=lambda w: (-len(w), w))
    if not all(w and w.isascii() for w in ordered):
        return "|".join(_escaped(w) for w in ordered)
    groups: dict[str, list[str]] = {}
    for word in ordered:
        groups.setdefault(word[0].lower(), []).append(word)
    return "|".join(
        _escaped(same[0])
        if len(same) == 1
        else f"{re.escape(same[0][0])}(?:{'|'.join(_escaped(w[1:]) for w in same)})"
        for same in groups.values()
    )


def _escaped(word: str) -> str:
    return re.escape(word).replace(r"\ ", " ")


# Words of a phrase that people swap freely: "sign the cloud deal", "sell their models".
_ARTICLES = "(?:a|an|the)"
_POSSESSIVES = "(?:its|their|our|his|her)"


def _literal(text: str) -> str:
    words = []
    for word in text.split(" "):
        lower = word.lower()
        if lower in ("a", "an", "the"):
            words.append(_ARTICLES)
        elif lower in ("its", "their", "our", "his", "her"):
            words.append(_POSSESSIVES)
        else:
            words.append(re.escape(word))
    return " ".join(words)


def _holes_to_groups(text: str) -> tuple[str, list[str]]:
    """A phrase's text as a regular expression: holes become named groups; articles and
    possessive pronouns match any of their kind."""
    parts: list[str] = []
    holes: list[str] = []
    last = 0
    for match in HOLE.finditer(text):
        parts.append(_literal(text[last : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        holes.append(match.group(1))
        last = match.end()
    parts.append(_literal(text[last:]))
    return "".join(parts), holes


def _runs(text: str) -> tuple[tuple[str, ...], ...]:
    """The holes of a phrase that stand side by side, with nothing but a space between them
    ("give {customer} {pct} percent off"): the words they match together may be split between
    them in several ways, which the regular expression alone cannot choose between."""
    runs: list[list[str]] = []
    previous_end = -1
    for match in HOLE.finditer(text):
        if previous_end >= 0 and text[previous_end : match.start()] == " ":
            runs[-1].append(match.group(1))
        else:
            runs.append([match.group(1)])
        previous_end = match.end()
    return tuple(tuple(run) for run in runs if len(run) > 1)


@dataclass(frozen=True)
class Variant:
    """What a pattern reads beyond the phrase as written: a synonym, a voice."""

    text: str  # the phrase with the synonym in place, normalised
    synonym: str | None = None
    key: str | None = None
    built_in: bool = False


@dataclass(frozen=True)
class Pattern:
    phrase_text: str  # the phrase as the contract writes it
    variant: Variant
    voice: str  # "words" (no verb to inflect), "active" or "passive"
    source: str  # the regular expression, compiled when the pattern is first tried
    holes: tuple[str, ...]
    subject_hole: str | None  # a leading {actor}-like hole: the sentence's subject
    verb: VerbForms | None
    needs: frozenset[str]  # the text must hold one of these words (lower case) to match
    tail_hole: str | None  # the hole the phrase ends with: a list of objects repeats it
    literal_chars: int
    runs: tuple[tuple[str, ...], ...] = ()  # holes side by side (see `_runs`)

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled on first use: most patterns are never tried, since a text holds none of
        the words they need, and compiling them all costs a tenth of a second at start-up."""
        return re.compile(self.source, re.IGNORECASE)

    def read(self, words: str) -> Reading | None:
        match = self.regex.match(words)
        if match is None:
            return None
        groups = match.groupdict()
        aux = (groups.pop("Aux", None) or "").lower() or None
        form = (groups.pop("Verb", None) or "").lower() or None
        subject = groups.pop("Subj", None) or groups.pop("By", None)
        groups.pop("By", None)
        if self.subject_hole:
            subject = groups.get(self.subject_hole)
        if self.verb is not None and form is not None:
            tags = self.verb.forms.get(form, frozenset())
            if not _agrees(self.voice, aux, tags, subject is not None):
                return None
        if subject is not None and NEGATION.search(f"{subject} {aux or ''}"):
            return None
        values = {k: v for k, v in groups.items() if v is not None}
        tail_start = match.start(self.tail_hole) if self.tail_hole else None
        return Reading(self, values, subject, form, aux, tail_start)

    def splits(self, first: Reading, words: str) -> list[Reading]:
        """`first` (the expression's own reading of `words`), then each other way of
        splitting the words of side-by-side holes between them, at most MAX_SPLITS: which of
        them reads (each field as its type) is for the caller to find. Only patterns with
        `runs` have other splits; the others cost nothing here."""
        match = self.regex.match(words)
        if not self.runs or match is None:
            return [first]
        choices: list[list[dict[str, tuple[int, int]]]] = []
        for run in self.runs:
            start, end = match.start(run[0]), match.end(run[-1])
            if start < 0 or end < 0:
                return [first]
            spaces = [i for i in range(start + 1, end - 1) if words[i] == " "]
            options: list[dict[str, tuple[int, int]]] = []
            for cuts in itertools.combinations(spaces, len(run) - 1):
                bounds = [start, *cuts, end]
                spans = {
                    hole: (bounds[j] + (1 if j else 0), bounds[j + 1]) for j, hole in enumerate(run)
                }
                if all(b > a and words[a] != " " for a, b in spans.values()):
                    options.append(spans)
                if len(options) >= MAX_SPLITS:
                    break
            choices.append(options)
        found = [first]
        for combination in itertools.islice(itertools.product(*choices), MAX_SPLITS):
            values = dict(first.values)
            tail_start = first.tail_start
            for spans in combination:
                for hole, (a, b) in spans.items():
                    values[hole] = words[a:b]
                    if hole == self.tail_hole:
                        tail_start = a
            if values != first.values:
                found.append(replace(first, values=values, tail_start=tail_start))
        return found


@dataclass(frozen=True)
class Reading:
    """One way a pattern read a text."""

    pattern: Pattern
    values: dict[str, str]
    subject: str | None
    form: str | None
    aux: str | None
    tail_start: int | None

    def how(self) -> list[str]:
        """What beyond the phrase as written was needed to read the text."""
        notes: list[str] = []
        v = self.pattern.variant
        if v.synonym:
            origin = "built-in synonym" if v.built_in else "synonym"
            notes.append(f'{origin} "{v.synonym}" for "{v.key}"')
        verb = self.pattern.verb
        if self.pattern.voice == "passive":
            notes.append(f'passive: "{self.aux} {self.form}"')
        elif verb is not None and self.form is not None:
            tags = verb.forms.get(self.form, frozenset())
            if self.aux:
                notes.append(f'"{self.aux} {self.form}"')
            elif self.form != verb.lemma or "VB" not in tags:
                tag = next(t for t in ("VBZ", "VBD", "VBN", "VBG", "VB") if t in tags)
                from engine.words.inflect import TAG_WORDS

                notes.append(f'"{self.form}": {TAG_WORDS[tag]} of "{verb.lemma}"')
        return notes


def _agrees(voice: str, aux: str | None, tags: frozenset[str], has_subject: bool) -> bool:
    if voice == "passive":
        return "VBN" in tags
    if aux is None:
        return "VB" in tags or (has_subject and bool(tags & {"VBZ", "VBD"}))
    if aux in MODALS:
        return "VB" in tags
    if aux in PERFECT:
        return "VBN" in tags
    if aux in PROGRESSIVE:
        return "VBG" in tags
    return False


def compile_phrase(
    phrase_text: str, variant: Variant, subject_holes: frozenset[str], list_holes: frozenset[str]
) -> list[Pattern]:
    """The patterns that read one phrase (or one synonym variant of it)."""
    text = variant.text
    words = text.split(" ")
    literal = len(HOLE.sub("", text))
    lead = HOLE.fullmatch(words[0])
    subject_hole = lead.group(1) if lead and lead.group(1) in subject_holes else None
    at = 1 if subject_hole else 0
    verb = verb_forms(words[at], lemmatise=subject_hole is not None) if at < len(words) else None
    tail = re.search(r"\{([a-z][a-z0-9_]*)\}$", text)
    tail_hole = tail.group(1) if tail and tail.group(1) in list_holes else None
    if verb is None:
        regex, holes = _holes_to_groups(text)
        first = words[0] if "{" not in words[0] else None
        return [
            Pattern(
                phrase_text,
                variant,
                "words",
                f"^{regex}$",
                tuple(holes),
                None,
                None,
                frozenset({first}) if first else frozenset(),
                tail_hole,
                literal,
                _runs(text),
            )
        ]
    rest = " ".join(words[at + 1 :])
    rest_regex, rest_holes = _holes_to_groups(rest)
    rest_regex = f" {rest_regex}" if rest else ""
    subject = f"(?P<{subject_hole}>.+?) " if subject_hole else "(?:(?P<Subj>.+?) )?"
    active = (
        f"^{subject}(?:(?P<Aux>{_alternation(MODALS + PERFECT + PROGRESSIVE)}) )?"
        f"(?P<Verb>{_alternation(verb.words())}){rest_regex}$"
    )
    patterns = [
        Pattern(
            phrase_text,
            variant,
            "active",
            active,
            tuple(([subject_hole] if subject_hole else []) + rest_holes),
            subject_hole,
            verb,
            frozenset(verb.forms),
            tail_hole,
            literal,
            _runs(rest),
        )
    ]
    rest_words = words[at + 1 :]
    cut = next(
        (i for i, w in enumerate(rest_words) if w in _PREPOSITIONS),
        len(rest_words),
    )
    if subject_hole is None and cut > 0 and verb.participle():
        obj_regex, obj_holes = _holes_to_groups(" ".join(rest_words[:cut]))
        after = " ".join(rest_words[cut:])
        after_regex, after_holes = _holes_to_groups(after)
        after_regex = f" {after_regex}" if after else ""
        passive = (
            f"^{obj_regex} (?P<Aux>{_alternation(PASSIVE)}) "
            f"(?P<Verb>{_alternation(verb.participle())})(?: by (?P<By>.+?))?{after_regex}"
            "(?: by (?P<Subj>.+?))?$"
        )
        patterns.append(
            Pattern(
                phrase_text,
                variant,
                "passive",
                passive,
                tuple(obj_holes + after_holes),
                None,
                verb,
                frozenset(verb.participle()),
                None,
                literal,
                _runs(" ".join(rest_words[:cut])) + _runs(after),
            )
        )
    return patterns
