"""The names a contract knows (its parties' and entities' names, aliases and ids), and the value
a name is kept by: a known entity's id, else a party's id, else its `value_key`. Used by the
words reader and JSON moves (engine/phrases.py) and by validation of a rule's name constants
(engine/validate.py), so that "Acme Corp" in a rule and "the ACME corp" in a move are one value."""

from __future__ import annotations

from collections.abc import Iterable

from engine.model import Entity, Party
from engine.words.text import name_key, value_key


class KnownNames:
    """Who and what a name may stand for, by `name_key`."""

    def __init__(self, parties: Iterable[Party], entities: Iterable[Entity]) -> None:
        self.parties: dict[str, str] = {}
        self.party_spellings: dict[str, list[str]] = {}
        for party in parties:
            spelled = [party.id, party.name, *party.aliases, *party.affiliates]
            self.party_spellings[party.id] = spelled
            for name in spelled:
                self.parties.setdefault(name_key(name), party.id)
        self.entities: dict[str, str] = {}
        self.entity_spellings: dict[str, list[str]] = {}
        for entity in entities:
            spelled = [entity.name, *entity.aliases, entity.id.replace("_", " ")]
            self.entity_spellings[entity.id] = spelled
            for name in (entity.id, *spelled):
                self.entities.setdefault(name_key(name), entity.id)

    def known(self, raw: str) -> str | None:
        """The entity, else the party, a name stands for (a party is a known name too)."""
        key = name_key(raw)
        return self.entities.get(key) or self.parties.get(key)

    def value(self, raw: str) -> str:
        """The value of a `name` field that names `raw`: a known id, else its value key ("" when
        nothing of it can be a name)."""
        return self.known(raw) or value_key(raw)
