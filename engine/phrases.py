"""Moves in plain words: a sentence read into one or more validated moves, or refused.

"OpenAI partnered with Google Cloud on 3 March 2026" is read against the contract's phrases
("partner with {provider}"), with the verb conjugated, synonyms, dates, amounts and lists of
objects understood by the modules of `engine.words`. Every move remembers how it was read
(`Move.reading`), and a sentence that reads two ways is refused with both readings, never read
one way silently. The same parser serves the CLI, the Gherkin steps and the API.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from engine.conditions import with_article
from engine.errors import ContractFileError, MoveError
from engine.load import parse_yaml
from engine.measures import show_number
from engine.model import FieldSpec, FieldType
from engine.report import Move, replaced, trusted
from engine.validate import ContractSpec, EventKindSpec
from engine.words import amounts, dates, names, split, suggest, synonyms
from engine.words.known import KnownNames
from engine.words.patterns import Pattern, Reading, Variant, compile_phrase
from engine.words.text import as_written, name_key, normalise, tokens, value_key

MAX_PHRASE_CHARS = 500
# "What if OpenAI partners with Google Cloud?": every move checked is hypothetical already.
_HYPOTHETICAL = re.compile(r"^(?:what\s+(?:happens\s+)?if|suppose(?:\s+that)?|if)\s+", re.I)
_OWNER = re.compile(r"^[\w .&-]+?'s\s+")  # "openai's ipo" -> "ipo"
_ARTICLE = re.compile(r"^an?\s+")
_QUOTES = "\"' ?\u201c\u201d\u2018\u2019"
_NOT = re.compile(r"\b(?:not|never|no longer)\b|n't\b")  # lower case: "Not Cloud" may be a name
MAX_READINGS = 64
_LIST_TYPES = (FieldType.entity, FieldType.name, FieldType.party, FieldType.kind)
# Whether a refusal says what was meant ("did you mean 'Oracle'?"): off while the phrases are
# tried, since a reading that fails is mostly beaten by one that reads, and the suggestions are
# the dearest part of a refusal; the failures are tried again, with them, when they are shown.
_SUGGEST = contextvars.ContextVar("contract_engine_suggest", default=True)
DEFAULT_CURRENCY = "USD"
_PLAIN = (str, int, float)  # the types of a move's field values

__all__ = ["MAX_PHRASE_CHARS", "MoveParser", "normalise"]


class _Soft(MoveError):
    """A hole whose value is not of its type ("a round of drinks" for a company): the phrase
    does not match, rather than the move being wrong."""


class _NotAParty(MoveError):
    """A subject that names no party: often a phrase matched in the middle of the sentence
    ("OpenAI agreed | to partner with AWS"), so another phrase's complaint speaks first."""


class _Unsaid(MoveError):
    """A name not known, its refusal not yet said: said in full (with suggestions) if shown."""


class _NoPhrase(MoveError):
    """No phrase of the contract reads the text at all: said before anything about its date."""


@dataclass
class _Read:
    """One move read from one part of a sentence."""

    move: Move
    reading: Reading
    part: str  # the part as typed (or rebuilt, for one more object of a list)
    prefix: str | None  # the words before the list hole, to read one more object
    dated: bool  # the part carried its own date
    group: int = 0  # moves of one list of objects share a group
    how: list[str] = field(default_factory=list)

    @property
    def subject(self) -> str | None:
        """The subject written before the verb, when the phrase does not hold it itself."""
        if self.reading.pattern.subject_hole is None and self.reading.subject is not None:
            return self.reading.subject
        return self.reading.values.get(self.reading.pattern.subject_hole or "")


@dataclass(frozen=True)
class _Compiled:
    patterns: list[tuple[EventKindSpec, Pattern]]
    known_words: dict[str, list[str]]  # a phrase -> its words and its declared synonyms
    lemmas: dict[str, str]  # a verb form -> its lemma, for suggestions
    # which patterns a sentence may match, found by its words rather than by trying each
    by_word: dict[str, tuple[int, ...]]  # a word -> the patterns that need it (indexes)
    always: tuple[int, ...]  # the patterns that need no word


class MoveParser:
    """Turns words or data into validated Moves, or a MoveError that says what would work."""

    def __init__(self, spec: ContractSpec, compiled: _Compiled | None = None) -> None:
        self.spec = spec
        if compiled is not None:  # the phrases as compiled for this spec before (engine/cache.py)
            self.__dict__["_compiled"] = compiled
        header = spec.contract.contract
        self._order = header.date_order
        known = KnownNames(spec.parties.values(), spec.entities.values())
        self._names = known.parties
        self._party_names = known.party_spellings
        self._entity_names = known.entities
        self._entity_spellings = known.entity_spellings
        self._allowed_by_of: dict[tuple[str, ...] | None, frozenset[str]] = {}
        self._makers: dict[str, frozenset[str]] = {}
        self._phrase_sets: dict[
            tuple[str, str], Mapping[str, Any]
        ] = {}  # per kind: the parties that may make it
        self._kind_fields: dict[
            str, tuple[list[tuple[str, FieldSpec]], list[tuple[str, FieldSpec]]]
        ] = {}
        self._kind_names: dict[str, str] = {}
        for kind in spec.event_kinds.values():
            for name in (kind.id, kind.kind.title, kind.id.replace("_", " "), *kind.kind.aliases):
                self._kind_names.setdefault(name_key(name), kind.id)
        self._compared = _compared_fields(spec)
        # a negation the contract's own phrases use ("deploy {seats} not-for-resale seats") is
        # part of a move's words, not a statement of what is not done
        self._own_negations = frozenset(
            found.group(0)
            for k in spec.event_kinds.values()
            for p in k.phrases
            for found in _NOT.finditer(normalise(p.text))
        )

    def compiled(self) -> _Compiled:
        """The compiled phrases, to hand to a MoveParser of the same spec (the cache keeps them)."""
        return self._compiled

    @functools.cached_property
    def _compiled(self) -> _Compiled:
        """The patterns of every phrase and synonym, compiled when words are first read: a
        check of moves given as data, or `validate`, does not load the verb dictionary."""
        spec = self.spec
        header = spec.contract.contract
        all_phrases = [p.text for k in spec.event_kinds.values() for p in k.phrases]
        patterns: list[tuple[EventKindSpec, Pattern]] = []
        known_words: dict[str, list[str]] = {}  # phrase -> its words and synonyms
        for kind in spec.event_kinds.values():
            fields = kind.kind.fields
            # A phrase that opens with a hole has its verb second, whatever the hole's type:
            # "{actor} consents to {subject}", "{licensee} receives a sublicence".
            subject_holes = frozenset({"actor", *fields})
            list_holes = frozenset(n for n, f in fields.items() if f.type in _LIST_TYPES)
            declared = [header.synonyms, kind.kind.synonyms]
            for phrase in kind.phrases:
                texts: list[tuple[str, str | None, str | None, bool]] = [
                    (normalise(phrase.text), None, None, False),
                    *synonyms.variants(phrase.text, declared, all_phrases),
                ]
                known = known_words.setdefault(phrase.text, [phrase.text])
                for text, synonym, key, built_in in texts:
                    variant = Variant(text, synonym, key, built_in)
                    if synonym and not built_in:
                        known.append(text)
                    for pattern in compile_phrase(phrase.text, variant, subject_holes, list_holes):
                        patterns.append((kind, pattern))
        # Most specific first: more fields, then more literal words; the phrase as written
        # before its synonyms.
        patterns.sort(
            key=lambda kp: (
                -len(kp[1].holes),
                -kp[1].literal_chars,
                kp[1].variant.synonym is not None,
                kp[1].phrase_text,
                kp[1].voice,
            )
        )
        lemmas: dict[str, str] = {}
        for _, pattern in patterns:
            if pattern.verb is not None:
                for form in pattern.verb.forms:
                    lemmas.setdefault(form, pattern.verb.lemma)
        by_word: dict[str, list[int]] = {}
        for index, (_, pattern) in enumerate(patterns):
            for word in pattern.needs:
                by_word.setdefault(word, []).append(index)
        always = tuple(i for i, (_, pattern) in enumerate(patterns) if not pattern.needs)
        return _Compiled(
            patterns,
            known_words,
            lemmas,
            {word: tuple(indexes) for word, indexes in by_word.items()},
            always,
        )

    @functools.cached_property
    def _spellings(self) -> suggest.Spellings:
        """The entities' names keyed once, to tell a typo of one from a new name."""
        return suggest.Spellings(self._entity_spellings)

    @property
    def phrases(self) -> list[str]:
        return sorted(p.text for k in self.spec.event_kinds.values() for p in k.phrases)

    # -- entry points ----------------------------------------------------------------------
    def parse(
        self,
        move: str | Mapping[str, Any] | Move,
        date: dt.date | None = None,
        actor: str | None = None,
        reference: dt.date | None = None,
    ) -> Move:
        """Exactly one move; a sentence holding several is refused (use `parse_all`)."""
        moves = self.parse_all(move, date, actor, reference)
        if len(moves) != 1:
            shown = "; ".join(m.reading or m.describe() for m in moves)
            raise MoveError(f"'{move}' holds {len(moves)} moves, one was expected: {shown}")
        return moves[0]

    def parse_all(
        self,
        move: str | Mapping[str, Any] | Move,
        date: dt.date | None = None,
        actor: str | None = None,
        reference: dt.date | None = None,
    ) -> list[Move]:
        """The moves a text, a mapping or a Move stands for, in order."""
        if isinstance(move, Move):
            return [move]
        if isinstance(move, Mapping):
            return [self.from_data(dict(move), date, actor, reference)]
        if not isinstance(move, str):  # e.g. a list given where moves are separate arguments
            raise MoveError(
                f"a move is words, a mapping of its fields or a Move, not {type(move).__name__}; "
                "give several moves as separate arguments, check('a', 'b'), or as a list to "
                "check_timeline(['a', 'b'])"
            )
        text = move.strip()
        if len(text) > MAX_PHRASE_CHARS:
            raise MoveError(f"a move is at most {MAX_PHRASE_CHARS} characters")
        if text.startswith("{"):
            try:
                data = parse_yaml(text, "<move>")
            except ContractFileError as error:
                raise MoveError(
                    f"the move is not valid JSON or YAML: {error.problems[0].message}"
                ) from None
            if not isinstance(data, dict):
                raise MoveError("a move given as data must be a mapping with a 'kind'")
            return [self.from_data(json.loads(json.dumps(data)), date, actor, reference)]
        return self.from_words(text, date, actor, reference)

    def from_words(
        self,
        text: str,
        date: dt.date | None = None,
        actor: str | None = None,
        reference: dt.date | None = None,
    ) -> list[Move]:
        original = _HYPOTHETICAL.sub("", normalise(text, lower=False).strip(_QUOTES))
        if not original:
            raise MoveError("the move is empty: write it in words, e.g. a phrase of the contract")
        if any(n.group(0) not in self._own_negations for n in _NOT.finditer(original)):
            raise MoveError(
                f"'{original}' says what is not done (not, never): a move is something done; "
                "write the move itself, e.g. a phrase of the contract"
            )
        date_error: MoveError | None = None
        try:
            found, body = dates.find(original, reference, self._order, leading_only=True)
        except MoveError as error:
            # said once the words are known to be a move: "today, the weather is nice" is
            # refused for its words, not for "today"
            located = dates.locate(original, leading_only=True)
            found, body, date_error = None, located[2] if located else original, error
        parts, seps = split.pieces(body)
        try:  # tried quietly: its refusal is said only if no cut of the sentence reads either
            whole = [self._read_one(body, actor, reference, quiet=True)]
        except MoveError:
            whole = []
        readings: list[list[_Read]] = []
        if len(parts) > 1:
            readings = self._split_readings(parts, seps, actor, reference)
        if readings:
            # A part that reads as a move of its own is a move, not one more object of a list
            # ("consents to the conversion, then convert to a PBC").
            fewest = min(_continued(r) for r in readings)
            readings = [r for r in readings if _continued(r) == fewest]
        if whole and readings:
            # A part that reads as a move of its own ("declare AGI and go public") makes two
            # moves; a list of objects that also reads whole is ambiguous.
            direct = [r for r in readings if all(x.group == 0 for x in r)]
            readings = direct or [*readings, whole]
        elif whole:
            readings = [whole]
        if date_error is not None:
            if not readings:
                whole_error = self._refusal(body, actor, reference)
                if isinstance(whole_error, _NoPhrase):
                    raise whole_error
            raise date_error
        if not readings:
            whole_error = self._refusal(body, actor, reference)
            if len(parts) > 1:
                raise self._first_unread(parts, seps, actor, reference) or whole_error
            raise whole_error
        distinct = _distinct(readings) if len(readings) > 1 else readings
        if len(distinct) > 1:
            shown = "\n".join(
                f"  {i}. " + "; ".join(_describe(r.move) for r in reading)
                for i, reading in enumerate(distinct[:4], 1)
            )
            raise MoveError(
                f"'{original}' reads {len(distinct)} ways; write it so that it reads one way "
                f"(e.g. one move per --move):\n{shown}"
            )
        chosen_reading = distinct[0]
        _date_lists(chosen_reading)
        if found is not None:
            _one_date(found, chosen_reading)
        moves: list[Move] = []
        for read in chosen_reading:
            when = read.move.date or (found.date if found else None) or date
            how = list(read.how)
            if read.move.date is None and found is not None:
                how.append(f"date {found.date} from {found.describe()}")
            moves.append(replaced(read.move, date=when, reading=_reading_text(read, how)))
        return moves

    # -- reading the parts of a sentence ---------------------------------------------------
    def _split_readings(
        self,
        parts: list[str],
        seps: list[str],
        actor: str | None,
        reference: dt.date | None,
    ) -> list[list[_Read]]:
        """Every way to cut the sentence where each part reads as a move, or as one more
        object of the list the move before it ends with."""
        cache: dict[tuple[int, int, str | None, bool], _Read | None] = {}
        results: list[list[_Read]] = []
        n = len(parts)

        def read(start: int, end: int, prefix: str | None, shared: bool = False) -> _Read | None:
            key = (start, end, prefix, shared)
            if key not in cache:
                text = split.join(parts, seps, start, end)
                try:
                    cache[key] = self._read_one(
                        (prefix or "") + text,
                        actor,
                        reference,
                        continued=prefix is not None,
                        quiet=True,
                    )
                except MoveError:
                    cache[key] = None
            return cache[key]

        def walk(start: int, done: list[tuple[_Read, int]], prefix: str | None) -> None:
            if len(results) >= MAX_READINGS:
                return
            if start == n:
                if len(done) > 1:
                    results.append([replace(r, group=g, how=list(r.how)) for r, g in done])
                return
            for end in range(start + 1, n + 1):
                if start == 0 and end == n:
                    continue  # the whole sentence is read on its own
                own = read(start, end, None)
                if own is None and done and done[-1][0].subject:
                    # "Globex renewed the licence, then paid the fee": the subject carries on
                    own = read(start, end, f"{done[-1][0].subject} ", shared=True)
                if own is not None:
                    walk(end, [*done, (own, 0)], own.prefix)
                if prefix is not None and done:
                    more = read(start, end, prefix)
                    last, group = done[-1]
                    if more is not None and more.move.kind == last.move.kind:
                        group = group or start
                        walk(end, [*done[:-1], (last, group), (more, group)], prefix)

        walk(0, [], None)
        return results

    def _first_unread(
        self, parts: list[str], seps: list[str], actor: str | None, reference: dt.date | None
    ) -> MoveError | None:
        """The error of the first part that does not read, once the parts before it have:
        "declare AGI and partner with Azure Cloud" is refused for "Azure Cloud", not as a whole
        sentence no phrase matches."""
        start, previous, n = 0, None, len(parts)
        while start < n:
            found: tuple[int, _Read] | None = None
            for end in range(n, start, -1):
                if start == 0 and end == n:
                    continue
                text = split.join(parts, seps, start, end)
                prefixes = [""]  # on its own, with the subject carried on, as a list's object
                if previous is not None and previous.subject:
                    prefixes.append(f"{previous.subject} ")
                if previous is not None and previous.prefix:
                    prefixes.append(previous.prefix)
                for prefix in prefixes:
                    try:
                        read = self._read_one(prefix + text, actor, reference, quiet=True)
                    except MoveError:
                        continue
                    found = (end, read)
                    break
                if found is not None:
                    break
            if found is None:
                if previous is None:
                    return None
                rest = split.join(parts, seps, start, n)
                try:
                    self._read_one(rest, actor, reference)
                except MoveError as error:
                    if not str(error).startswith("no phrase") or not previous.prefix:
                        return error
                    try:
                        self._read_one(previous.prefix + rest, actor, reference)
                    except MoveError as listed:
                        return error if str(listed).startswith("no phrase") else listed
                return None
            start, previous = found
        return None

    def _read_one(
        self,
        text: str,
        actor: str | None,
        reference: dt.date | None,
        continued: bool = False,
        quiet: bool = False,
    ) -> _Read:
        """The one move a part of a sentence reads as."""
        date_error: MoveError | None = None
        try:
            found, rest = dates.find(text, reference, self._order)
        except MoveError as error:
            located = dates.locate(text)
            found, rest, date_error = None, located[2] if located else text, error
        words = normalise(rest, lower=False)
        compiled = self._compiled
        candidates = set(compiled.always)
        for word in set(tokens(words)):
            candidates.update(compiled.by_word.get(word, ()))
        successes: list[_Read] = []
        failed: list[tuple[EventKindSpec, Reading, MoveError]] = []
        suggesting = _SUGGEST.set(False)
        try:
            for index in sorted(candidates):
                kind, pattern = compiled.patterns[index]
                first = pattern.read(words)
                if first is None:
                    continue
                # holes side by side ("give {customer} {pct} percent off"): each split of
                # their words is tried; those that read are kept, and more than one reading
                # differently is refused below as ambiguous
                for reading in pattern.splits(first, words) if pattern.runs else (first,):
                    try:
                        move = self._from_reading(kind, reading, actor, text, reference)
                    except MoveError as error:
                        failed.append((kind, reading, error))
                        continue
                    prefix = None
                    if reading.tail_start is not None:
                        prefix = words[: reading.tail_start]
                    how = reading.how()
                    if found is not None:
                        move = replaced(move, date=found.date)
                        how.append(f"date {found.date} from {found.describe()}")
                    successes.append(
                        _Read(move, reading, text.strip(), prefix, found is not None, 0, how)
                    )
        finally:
            _SUGGEST.reset(suggesting)
        if date_error is not None and (successes or continued or quiet):
            raise date_error
        if successes:
            if len(successes) > 1:
                distinct = _distinct([[s] for s in successes])
                if len(distinct) > 1:
                    shown = "\n".join(
                        f"  {i}. {_describe(r[0].move)}" for i, r in enumerate(distinct, 1)
                    )
                    hint = ""
                    if len({id(r[0].reading.pattern) for r in distinct}) == 1 and (
                        distinct[0][0].reading.pattern.runs
                    ):  # one phrase, its side-by-side holes split more than one way
                        hint = (
                            " (the words of holes side by side split more than one way: give "
                            "the move as JSON to say which)"
                        )
                    raise MoveError(f"'{text}' reads {len(distinct)} ways{hint}:\n{shown}")
            return successes[0]
        if continued or quiet:  # a part tried while cutting: its error is never shown
            raise MoveError(f"'{text}' does not read as a move")
        failures = [
            (
                reading.pattern.literal_chars,
                self._failure(kind, reading, actor, text, reference)
                if isinstance(error, _Unsaid)
                else error,
            )
            for kind, reading, error in failed
        ]
        # the most specific phrase speaks: "raise funding from {investor}" ('investors' is no
        # name) before "raise {amount} from {investor}" ('funding' is no amount); a subject that
        # is no party speaks last (the phrase likely matched in the middle of the sentence)
        failures.sort(key=lambda failure: (isinstance(failure[1], _NotAParty), -failure[0]))
        ranked = [f for _, f in failures]
        soft_first = bool(ranked) and isinstance(ranked[0], _Soft)
        hard = [] if soft_first else [f for f in ranked if not isinstance(f, _Soft)]
        if date_error is not None and hard:
            raise date_error
        if hard:
            raise MoveError(f"'{text}': {hard[0]}")
        hint = f" ({ranked[0]})" if failures else ""
        raise _NoPhrase(
            f"no phrase of contract {self.spec.id} matches '{text}'{hint}"
            f"{self._closest(words)}. `contract-engine phrases CONTRACT` lists them all."
        )

    def _refusal(self, text: str, actor: str | None, reference: dt.date | None) -> MoveError:
        """Why a text that did not read quietly does not read, said in full."""
        try:
            self._read_one(text, actor, reference)
        except MoveError as error:
            return error
        raise AssertionError(f"'{text}' did not read quietly and read the second time")

    def _failure(
        self,
        kind: EventKindSpec,
        reading: Reading,
        actor: str | None,
        text: str,
        reference: dt.date | None,
    ) -> MoveError:
        """Why a reading that failed without a word fails, said in full (with suggestions)."""
        try:
            self._from_reading(kind, reading, actor, text, reference)
        except MoveError as error:
            return error
        raise AssertionError(f"a reading of '{text}' failed once and read the second time")

    def _closest(self, words: str) -> str:
        party_words = frozenset(
            t for spelled in self._party_names.values() for n in spelled for t in tokens(n.lower())
        )
        close = suggest.close_phrases(
            words, self._compiled.known_words, self._compiled.lemmas, ignore=party_words
        )
        return "; closest known phrases: " + "; ".join(f'"{c}"' for c in close) if close else ""

    def _from_reading(
        self,
        kind: EventKindSpec,
        reading: Reading,
        actor: str | None,
        text: str,
        reference: dt.date | None,
    ) -> Move:
        pattern = reading.pattern
        values: dict[str, Any] = dict(self._set_by(kind, pattern.phrase_text))
        values.update(reading.values)
        subject = reading.subject
        if subject is not None and pattern.subject_hole is None:
            actor = self._actor_of(kind, subject, "the subject")
        return self._build(kind, values, None, actor, text.strip(), reference, validate=False)

    def _actor_of(self, kind: EventKindSpec, written: str, field: str) -> str:
        """The party that makes a move, checked the same way for words and for data: a kind
        with an `actor` may be made only by that party (or its affiliates)."""
        party = self._resolve_party(written, field)
        allowed = self._may_make(kind)
        if party not in allowed:
            who = ", ".join(sorted(self.spec.parties[p].name for p in allowed))
            raise MoveError(
                f"'{written}' may not make {with_article(kind.kind.title)} move ({kind.id}) in contract "
                f"{self.spec.id}: only {who} may"
            )
        return party

    def _may_make(self, kind: EventKindSpec) -> frozenset[str]:
        """The parties that may be the subject of a kind's sentences: its actor, or any party
        when it has none or when its phrases name the actor ("{actor} consents to ...")."""
        found = self._makers.get(kind.id)
        if found is None:
            if kind.kind.actor is None or any("{actor}" in p.text for p in kind.phrases):
                found = frozenset(self.spec.parties)
            else:
                found = frozenset({kind.kind.actor})
            self._makers[kind.id] = found
        return found

    # -- moves as data ---------------------------------------------------------------------
    def from_data(
        self,
        data: dict[str, Any],
        date: dt.date | None = None,
        actor: str | None = None,
        reference: dt.date | None = None,
    ) -> Move:
        kind_id = data.pop("kind", None)
        if not isinstance(kind_id, str) or kind_id not in self.spec.event_kinds:
            from engine.suggest import did_you_mean

            known = sorted(self.spec.event_kinds)
            raise MoveError(
                f"unknown move kind {kind_id!r}{did_you_mean(kind_id, known)}; known kinds: {', '.join(known)}"
            )
        if "date" in data:
            date = dates.value(str(data.pop("date")), reference, "the move's date", self._order)
        kind = self.spec.event_kinds[kind_id]
        if "actor" in data:  # the move names who makes it: checked as a sentence's subject is
            actor = self._actor_of(kind, str(data.pop("actor")), "actor")
        text = data.pop("text", None)
        return self._build(kind, data, date, actor, text, reference)

    # -- building and resolving ------------------------------------------------------------
    def _build(
        self,
        kind: EventKindSpec,
        values: dict[str, Any],
        date: dt.date | None,
        actor: str | None,
        text: str | None,
        reference: dt.date | None = None,
        validate: bool = True,
    ) -> Move:
        """The move of these values. Values given as data are validated; those read from words
        (`validate` False) are made here, of their types, unless a field's is not plain."""
        fields_spec = kind.kind.fields
        ordered, bounded = self._fields_of(kind)
        unknown = sorted(values.keys() - fields_spec.keys() - {"actor"})
        if unknown:
            raise MoveError(
                f"{with_article(kind.id)} move has no field '{unknown[0]}'; fields: {', '.join(sorted(fields_spec)) or '(none)'}"
            )
        if "actor" in values:
            actor = str(values.pop("actor"))
        # who makes it is checked the same way however it is given: a subject, a JSON "actor",
        # or the caller's `actor` (the step library's "PARTY proposes to ...")
        resolved_actor = self._actor_of(kind, actor, "actor") if actor else kind.kind.actor
        if resolved_actor is None:
            raise MoveError(
                f"{with_article(kind.id)} move needs an actor: who makes it? parties: {', '.join(sorted(self.spec.parties))}"
            )
        fields: dict[str, str | int | float] = {}
        labels: dict[str, str] = {}
        currencies: dict[str, str] = {}
        for name, spec in ordered:
            raw = values.get(name, spec.default)
            if raw is None:
                if spec.required:
                    raise MoveError(
                        f"{with_article(kind.id)} move needs '{name}' ({spec.type.value})"
                    )
                continue
            if spec.type is FieldType.money:
                fields[name], currency = self._money(kind, name, spec, raw)
                if currency is not None:
                    currencies[name] = currency
                continue
            fields[name] = self._resolve(name, spec, raw, reference, words=not validate)
            if spec.type is FieldType.text or (
                spec.type is FieldType.name and fields[name] not in self.spec.entities
            ):
                shown = as_written(str(raw))
                if shown != fields[name]:  # a key that reads as written needs no label
                    labels[str(fields[name])] = shown
        for name, spec in bounded:
            value = fields.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                if spec.min is not None and value < spec.min:
                    raise MoveError(
                        f"{name}: {show_number(value)} is below its minimum, {show_number(spec.min)}"
                    )
                if spec.max is not None and value > spec.max:
                    raise MoveError(
                        f"{name}: {show_number(value)} is above its maximum, {show_number(spec.max)}"
                    )
        values_of_move = {
            "kind": kind.id,
            "actor": resolved_actor,
            "fields": fields,
            "date": date,
            "text": text,
            "labels": labels,
            "currencies": currencies,
        }
        plain = not validate
        for value in fields.values():
            if type(value) not in _PLAIN:
                plain = False
        if not plain:
            return Move(**values_of_move)
        # words read here, every value made here of its type: no validation (a tenth of the read)
        return trusted(Move, {**values_of_move, "reading": None}, set(values_of_move))

    def _set_by(self, kind: EventKindSpec, phrase_text: str) -> Mapping[str, Any]:
        """The values a phrase of a kind sets (its `set:`), found once per phrase."""
        key = (kind.id, phrase_text)
        found = self._phrase_sets.get(key)
        if found is None:
            phrase = next(p for p in kind.phrases if p.text == phrase_text)
            found = self._phrase_sets[key] = phrase.set
        return found

    def _fields_of(
        self, kind: EventKindSpec
    ) -> tuple[list[tuple[str, FieldSpec]], list[tuple[str, FieldSpec]]]:
        """A kind's fields by name, and those of them with a minimum or a maximum: sorted once."""
        found = self._kind_fields.get(kind.id)
        if found is None:
            ordered = sorted(kind.kind.fields.items())
            bounded = [(n, f) for n, f in ordered if f.min is not None or f.max is not None]
            found = self._kind_fields[kind.id] = (ordered, bounded)
        return found

    def _resolve_party(self, raw: str, field: str) -> str:
        party = self._names.get(name_key(raw))
        if party is None:
            if not _SUGGEST.get():
                raise _Unsaid(raw)
            known = sorted({p.name for p in self.spec.parties.values()})
            close = suggest.close_names(raw, self._party_names, 1)
            hint = f" (did you mean '{self.spec.parties[close[0]].name}'?)" if close else ""
            raise _NotAParty(
                f"'{raw}' is not a party of this contract ({field}){hint}; parties: {', '.join(known)}"
            )
        return party

    def _resolve(
        self,
        name: str,
        spec: FieldSpec,
        raw: Any,
        reference: dt.date | None = None,
        words: bool = True,
    ) -> str | int | float:
        """A field's value. A name given as data (`words` False) need not be a proper noun: the
        field is named, so no sentence is being cut."""
        t = spec.type
        if t is FieldType.party:
            return self._resolve_party(str(raw), name)
        if t is FieldType.entity:
            entity = self._entity_names.get(name_key(str(raw)))
            allowed = self._allowed(spec)
            if entity is None or entity not in allowed:
                if not _SUGGEST.get():
                    raise _Unsaid(raw)
                shown = sorted(self.spec.entities[e].name for e in allowed)
                close = suggest.close_names(
                    str(raw), {e: self._entity_spellings[e] for e in allowed}
                )
                hint = (
                    " (did you mean "
                    + " or ".join(f"'{self.spec.entities[c].name}'" for c in close)
                    + "?)"
                    if close
                    else ""
                )
                raise MoveError(f"unknown {name} '{raw}'{hint}; known: {', '.join(shown)}")
            return entity
        if t is FieldType.name:
            key = name_key(str(raw))
            known = self._entity_names.get(key)
            if known is not None and spec.of is not None and known not in self._allowed(spec):
                found = self.spec.entities[known]
                what = f" of category {found.category}" if found.category else ""
                raise MoveError(
                    f"{name}: '{found.name}' is a known entity{what}; {name} takes "
                    f"{' or '.join(spec.of)} (or a name new to the contract)"
                )
            if known is None:  # a party is a known name too: "the client", "Client Inc"
                known = self._names.get(key)
            if known is not None:
                return known
            written = as_written(str(raw))
            proper = not words or names.is_proper_noun(written)
            if not proper and not _SUGGEST.get():
                raise _Unsaid(raw)  # refused either way (a typo of a known name, or no name)
            typo = self._spellings.misspelt(written)
            if typo is not None:
                raise MoveError(
                    f"'{raw}' for {name} is not a known name, and very close to one: did you mean "
                    f"'{self.spec.entities[typo].name}'? (write the known name, or declare the "
                    "new one under entities:)"
                )
            if not proper:
                raise _Soft(
                    f"{{{name}}} takes a name (a known entity or a proper noun such as Cursor), "
                    f"not '{raw}'{'' if _ARTICLE.match(str(raw).strip().lower()) else _capitalise_hint(written)}"
                )
            slug = value_key(str(raw))
            if not slug:
                raise MoveError(f"'{raw}' is not a usable name for {name}")
            return slug
        if t is FieldType.kind:
            kind = self._kind(str(raw))
            if kind is None:
                if not _SUGGEST.get():
                    raise _Unsaid(raw)
                raise MoveError(
                    f"'{raw}' is not a kind of move of this contract ({name}); kinds: {', '.join(sorted(self.spec.event_kinds))}"
                )
            return kind
        if t is FieldType.number:
            try:
                return float(raw) if "." in str(raw) else int(str(raw).replace(",", ""))
            except ValueError:
                amount = amounts.parse(str(raw))  # "six hundred", "1.5 million"
                if amount is None or amount.currency is not None:
                    raise MoveError(f"{name}: '{raw}' is not a number") from None
                return amount.value
        if t is FieldType.date:
            return dates.value(str(raw), reference, name, self._order).isoformat()
        if t is FieldType.text:  # "the German localisation", "german localisation": one
            key = value_key(str(raw))
            if not key:
                raise MoveError(f"{name}: '{raw}' holds no word to keep")
            return key
        return str(raw)

    def _kind(self, raw: str) -> str | None:
        """A kind by one of its names ("the conversion", "OpenAI's IPO", "a cloud partnership").
        Not by a move in words: "OpenAI agreed to partner with AWS" would read as OpenAI's
        consent to its own partnership."""
        key = _OWNER.sub("", name_key(raw))
        for candidate in (key, _ARTICLE.sub("", key)):
            if candidate in self._kind_names:
                return self._kind_names[candidate]
        return None

    def _money(
        self, kind: EventKindSpec, name: str, spec: FieldSpec, raw: Any
    ) -> tuple[int | float, str | None]:
        """An amount and the currency it was written in. Amounts are compared only with like:
        a norm's values are in the field's currency, so an amount in another currency of a
        field some norm compares is refused rather than compared as if it were the same."""
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return raw, None
        money = amounts.parse(str(raw))
        if money is None:
            raise MoveError(
                f"{name}: '{raw}' is not an amount of money; write e.g. $3B, 3 billion dollars, "
                "EUR 50,000 or 3000000"
            )
        currency = money.currency
        if currency is not None and currency.startswith("?"):
            raise MoveError(f"{name}: '{raw}' names two currencies ({currency[1:]})")
        own = spec.currency or DEFAULT_CURRENCY
        if currency not in (None, own) and (kind.id, name) in self._compared:
            raise MoveError(
                f"{name}: '{raw}' is in {currency}, but the norms of contract {self.spec.id} "
                f"compare {name} in {own}; amounts are compared only with like currencies: "
                f"give it in {own}"
            )
        return money.value, currency

    def _allowed(self, spec: FieldSpec) -> frozenset[str]:
        key = tuple(spec.of) if spec.of is not None else None
        allowed = self._allowed_by_of.get(key)
        if allowed is None:
            allowed = self._allowed_by_of[key] = frozenset(
                e.id
                for e in self.spec.entities.values()
                if spec.of is None or e.id in spec.of or e.category in spec.of
            )
        return allowed


def _capitalise_hint(written: str) -> str:
    """For a name written in lower case ("acquire cursor"): how to make it one."""
    if written != written.lower() or len(written.split()) > 3:
        return ""
    capitalised = " ".join(w[:1].upper() + w[1:] for w in written.split())
    if not names.is_proper_noun(capitalised):
        return ""
    return (
        f": if '{written}' is a name, write it with a capital ({capitalised}) "
        "or declare it under entities:"
    )


def _compared_fields(spec: ContractSpec) -> frozenset[tuple[str, str]]:
    """(kind, field) pairs some norm's trigger tests by value: their currency matters."""
    from engine.conditions import FieldTest

    pairs: set[tuple[str, str]] = set()
    for norm in spec.norms:
        for trigger in (norm.trigger, norm.starts, norm.fulfils):
            if trigger is None:
                continue
            for test in trigger.tests:
                if isinstance(test, FieldTest):
                    pairs.add((trigger.kind, test.field))
    return frozenset(pairs)


def _signature(reading: list[_Read]) -> tuple[Any, ...]:
    return tuple(
        (
            r.move.kind,
            r.move.actor,
            tuple(sorted((k, str(v).casefold()) for k, v in r.move.fields.items())),
            r.move.date,
        )
        for r in reading
    )


def _distinct(readings: list[list[_Read]]) -> list[list[_Read]]:
    seen: dict[tuple[Any, ...], list[_Read]] = {}
    for reading in readings:
        seen.setdefault(_signature(reading), reading)
    return list(seen.values())


def _continued(reading: list[_Read]) -> int:
    """How many moves of a reading are one more object of a list."""
    grouped = [r.group for r in reading if r.group]
    return len(grouped) - len(set(grouped))


def _date_lists(reading: list[_Read]) -> None:
    """A date written after the last object of a list dates the whole list."""
    by_group: dict[int, list[_Read]] = {}
    for read in reading:
        if read.group:
            by_group.setdefault(read.group, []).append(read)
    for members in by_group.values():
        last = members[-1]
        if last.dated and not any(m.dated for m in members[:-1]):
            for m in members[:-1]:
                m.move = replaced(m.move, date=last.move.date)
                m.how.append(f"date {last.move.date} from the end of the list")


def _one_date(found: dates.FoundDate, reading: list[_Read]) -> None:
    """The date a sentence opens with dates the move that follows it: that move (or list)
    giving a different date of its own is refused, naming both ("2026-03-03: go public on
    2026-04-04"). A later move with its own date ("..., then go public on 4 March") is not."""
    first = reading[0].group
    for read in reading if first else reading[:1]:
        if first and read.group != first:
            continue
        own = read.move.date
        if read.dated and own is not None and own != found.date:
            located = dates.locate(read.part)
            written = " ".join(located[1::-1]).strip() if located else str(own)
            raise dates.two_dates(found, dates.FoundDate(own, written))


def _describe(move: Move) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in sorted(move.fields.items()))
    date = f" on {move.date}" if move.date else ""
    return f"{move.kind}({shown}) by {move.actor}{date}"


def _reading_text(read: _Read, how: list[str]) -> str:
    extra = f" ({'; '.join(how)})" if how else ""
    subject = read.reading.subject
    if subject is not None and read.reading.pattern.subject_hole is None:
        extra = f" (subject {subject}{'; ' + '; '.join(how) if how else ''})"
    return f'{read.reading.pattern.phrase_text} <- "{read.part}"{extra}'
