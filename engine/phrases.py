"""Moves in plain words: phrase templates from the rule files, with aliases resolved.

"partner with {provider}" becomes a pattern; "Google Cloud", "GCP" and "google_cloud" all resolve
to the entity google_cloud. The same phrases serve the CLI, the Gherkin steps and the API.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import ContractFileError, MoveError
from engine.load import parse_yaml
from engine.model import FieldSpec, FieldType, Phrase
from engine.report import Move
from engine.templates import HOLE
from engine.validate import ContractSpec, EventKindSpec

_DATE_PREFIX = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*[:,]\s*(.+)$")
_MONEY = re.compile(
    r"^\$?\s*(\d+(?:[.,]\d+)*)\s*(k|m|b|bn|thousand|million|billion)?\s*(?:dollars|usd)?$", re.I
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}
MAX_PHRASE_CHARS = 500


def normalise(text: str, lower: bool = True) -> str:
    text = " ".join(text.replace("\u2019", "'").split())  # split() knows Unicode spaces, as \s does
    return (text.lower() if lower else text).rstrip(".!")


def _first_word(text: str) -> str | None:
    """The normalised phrase's first word when it is literal, whole and plain ASCII (so that
    lower() and the pattern's IGNORECASE agree on it); None when a move of any first word may
    match."""
    word = text.split(" ", 1)[0]
    if not word or "{" in word or not word.isascii():
        return None
    return word


@dataclass(frozen=True)
class _Pattern:
    kind: EventKindSpec
    phrase: Phrase
    regex: re.Pattern[str]
    holes: tuple[str, ...]
    literal_chars: int
    first_word: str | None


class MoveParser:
    """Turns words or data into a validated Move, or a MoveError that says what would work."""

    def __init__(self, spec: ContractSpec) -> None:
        self.spec = spec
        self._patterns: list[_Pattern] = []
        for kind in spec.event_kinds.values():
            for phrase in kind.phrases:
                self._patterns.append(self._compile(kind, phrase))
        # Most specific first: more fields, then more literal words.
        self._patterns.sort(key=lambda p: (-len(p.holes), -p.literal_chars, p.phrase.text))
        # An index by first word, so that words are matched against the phrases that can match
        # them, not all of them: a contract of 50 kinds has hundreds of phrases. Phrases that
        # open with a hole, or with a word that is not plain ASCII, are tried for every move.
        self._anywhere = [p for p in self._patterns if p.first_word is None]
        self._by_first_word = {
            word: [p for p in self._patterns if p.first_word in (word, None)]
            for word in {p.first_word for p in self._patterns if p.first_word}
        }
        self._names: dict[str, str] = {}
        for party in spec.parties.values():
            for name in (party.id, party.name, *party.aliases, *party.affiliates):
                self._names.setdefault(normalise(name), party.id)
        self._entity_names: dict[str, str] = {}
        for entity in spec.entities.values():
            for name in (entity.id, entity.name, entity.id.replace("_", " "), *entity.aliases):
                self._entity_names.setdefault(normalise(name), entity.id)
        self._allowed_by_of: dict[tuple[str, ...] | None, frozenset[str]] = {}
        self._kind_names: dict[str, str] = {}
        for kind in spec.event_kinds.values():
            for name in (kind.id, kind.kind.title, kind.id.replace("_", " "), *kind.kind.aliases):
                self._kind_names.setdefault(normalise(name), kind.id)

    @staticmethod
    def _compile(kind: EventKindSpec, phrase: Phrase) -> _Pattern:
        text = normalise(phrase.text)
        parts: list[str] = []
        holes: list[str] = []
        last = 0
        for match in HOLE.finditer(text):
            parts.append(re.escape(text[last : match.start()]))
            parts.append(f"(?P<{match.group(1)}>.+?)")
            holes.append(match.group(1))
            last = match.end()
        parts.append(re.escape(text[last:]))
        literal = len(HOLE.sub("", text))
        regex = re.compile("^" + "".join(parts) + "$", re.IGNORECASE)
        return _Pattern(kind, phrase, regex, tuple(holes), literal, _first_word(text))

    @property
    def phrases(self) -> list[str]:
        return sorted(p.phrase.text for p in self._patterns)

    # -- entry points ----------------------------------------------------------------------
    def parse(
        self,
        move: str | Mapping[str, Any] | Move,
        date: dt.date | None = None,
        actor: str | None = None,
    ) -> Move:
        if isinstance(move, Move):
            return move
        if isinstance(move, Mapping):
            return self.from_data(dict(move), date, actor)
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
            return self.from_data(json.loads(json.dumps(data)), date, actor)
        return self.from_words(text, date, actor)

    def from_words(self, text: str, date: dt.date | None = None, actor: str | None = None) -> Move:
        original = text
        prefix = _DATE_PREFIX.match(text)
        if prefix:
            date = _parse_date(prefix.group(1), "the move's date")
            text = prefix.group(2)
        words = normalise(text, lower=False)  # holes keep the user's spelling: "Cursor"
        failures: list[str] = []
        lead = words.split(" ", 1)[0].lower()
        candidates = (
            self._by_first_word.get(lead, self._anywhere) if lead.isascii() else self._patterns
        )
        for pattern in candidates:
            match = pattern.regex.match(words)
            if not match:
                continue
            values: dict[str, Any] = dict(pattern.phrase.set)
            values.update(match.groupdict())
            try:
                return self._build(pattern.kind, values, date, actor, original.strip())
            except MoveError as error:
                failures.append(str(error))
        if failures:
            raise MoveError(f"'{original}': {failures[0]}")
        close = difflib.get_close_matches(
            words.lower(), [normalise(p) for p in self.phrases], n=3, cutoff=0.3
        )
        hint = "; closest known phrases: " + "; ".join(f'"{c}"' for c in close) if close else ""
        raise MoveError(
            f"no phrase of contract {self.spec.id} matches '{original}'{hint}. "
            "`contract-engine phrases CONTRACT` lists them all."
        )

    def from_data(
        self, data: dict[str, Any], date: dt.date | None = None, actor: str | None = None
    ) -> Move:
        kind_id = data.pop("kind", None)
        if not isinstance(kind_id, str) or kind_id not in self.spec.event_kinds:
            known = sorted(self.spec.event_kinds)
            mean = difflib.get_close_matches(str(kind_id), known, n=1)
            hint = f" (did you mean '{mean[0]}'?)" if mean else ""
            raise MoveError(f"unknown move kind {kind_id!r}{hint}; known kinds: {', '.join(known)}")
        if "date" in data:
            date = _parse_date(str(data.pop("date")), "the move's date")
        if "actor" in data:
            actor = str(data.pop("actor"))
        text = data.pop("text", None)
        return self._build(self.spec.event_kinds[kind_id], data, date, actor, text)

    # -- building and resolving ------------------------------------------------------------
    def _build(
        self,
        kind: EventKindSpec,
        values: dict[str, Any],
        date: dt.date | None,
        actor: str | None,
        text: str | None,
    ) -> Move:
        fields_spec = kind.kind.fields
        unknown = sorted(set(values) - set(fields_spec) - {"actor"})
        if unknown:
            raise MoveError(
                f"a {kind.id} move has no field '{unknown[0]}'; fields: {', '.join(sorted(fields_spec)) or '(none)'}"
            )
        if "actor" in values:
            actor = str(values.pop("actor"))
        resolved_actor = self._resolve_party(actor, "actor") if actor else kind.kind.actor
        if resolved_actor is None:
            raise MoveError(
                f"a {kind.id} move needs an actor: who makes it? parties: {', '.join(sorted(self.spec.parties))}"
            )
        fields: dict[str, str | int | float] = {}
        labels: dict[str, str] = {}
        for name, spec in sorted(fields_spec.items()):
            raw = values.get(name, spec.default)
            if raw is None:
                if spec.required:
                    raise MoveError(f"a {kind.id} move needs '{name}' ({spec.type.value})")
                continue
            fields[name] = self._resolve(name, spec, raw)
            if spec.type is FieldType.name and fields[name] not in self.spec.entities:
                labels[str(fields[name])] = str(raw).strip()
        return Move(
            kind=kind.id, actor=resolved_actor, fields=fields, date=date, text=text, labels=labels
        )

    def _resolve_party(self, raw: str, field: str) -> str:
        party = self._names.get(normalise(raw))
        if party is None:
            known = sorted({p.name for p in self.spec.parties.values()})
            raise MoveError(
                f"'{raw}' is not a party of this contract ({field}); parties: {', '.join(known)}"
            )
        return party

    def _resolve(self, name: str, spec: FieldSpec, raw: Any) -> str | int | float:
        t = spec.type
        if t is FieldType.party:
            return self._resolve_party(str(raw), name)
        if t is FieldType.entity:
            entity = _by_name(self._entity_names, raw)
            allowed = self._allowed(spec)
            if entity is None or entity not in allowed:
                names = sorted(self.spec.entities[e].name for e in allowed)
                mean = difflib.get_close_matches(str(raw), names, n=1, cutoff=0.5)
                hint = f" (did you mean '{mean[0]}'?)" if mean else ""
                raise MoveError(f"unknown {name} '{raw}'{hint}; known: {', '.join(names)}")
            return entity
        if t is FieldType.name:
            plain = normalise(str(raw))
            slug = _NOT_SLUG.sub("_", plain).strip("_")
            if not slug:
                raise MoveError(f"'{raw}' is not a usable name for {name}")
            return self._entity_names.get(plain, slug)
        if t is FieldType.kind:
            kind = _by_name(self._kind_names, raw)
            if kind is None:
                raise MoveError(
                    f"'{raw}' is not a kind of move of this contract ({name}); kinds: {', '.join(sorted(self.spec.event_kinds))}"
                )
            return kind
        if t is FieldType.money:
            return _parse_money(raw, name)
        if t is FieldType.number:
            try:
                return float(raw) if "." in str(raw) else int(str(raw))
            except ValueError:
                raise MoveError(f"{name}: '{raw}' is not a number") from None
        if t is FieldType.date:
            return _parse_date(str(raw), name).isoformat()
        return str(raw)

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


def _by_name(names: dict[str, str], raw: Any) -> str | None:
    """An id by one of its names, with or without a leading "the"."""
    plain = normalise(str(raw))
    return names.get(plain.removeprefix("the ")) or names.get(plain)


def _parse_money(raw: Any, name: str) -> int | float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return raw
    match = _MONEY.match(str(raw).strip())
    if not match:
        raise MoveError(
            f"{name}: '{raw}' is not an amount of money; write e.g. $3B, 3 billion or 3000000"
        )
    number = float(match.group(1).replace(",", ""))
    value = number * _SCALE.get((match.group(2) or "").lower(), 1)
    return int(value) if value == int(value) else value


def _parse_date(raw: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise MoveError(f"{what}: '{raw}' is not a date; expected YYYY-MM-DD") from None
