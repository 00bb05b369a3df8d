"""Which norms a move or a change can reach: the routing index in front of durable_rules.

durable_rules tests every rule of a ruleset against every fact asserted into it (its alpha network
does no hashing on equality), so a fact should meet only the rules that could match it. Norms are
grouped by route (the kind of move or change they listen for). A route with many norms is split
further by its key field, the field most of its norms require to equal one value (`company:
windsurf`): a fact reaches the norms keyed on its own value and the norms with no key, never the
others. Those others are not considered for that fact; the report counts them in `other_norms`
instead of listing each with "not triggered", which at that size would be noise.

Small routes are never split, so every norm of a small contract explains itself ("not triggered:
needs investor is softbank (was tiger)").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from engine.conditions import FieldTest
from engine.validate import NormSpec

PARTITION_FROM = 16  # a route with at least this many norms is split by its key field
UNKEYED = object()  # a fact whose key value no norm of its route is keyed on


@dataclass(frozen=True)
class Route:
    """The norms of one route: keyed by the value of `key`, and the rest that every fact meets."""

    key: str | None
    keyed: Mapping[Hashable, tuple[int, ...]]
    rest: tuple[int, ...]

    def key_of(self, values: Mapping[str, Any]) -> Any:
        """The fact's value of the key field when some norms are keyed on it, else UNKEYED."""
        if self.key is None:
            return UNKEYED
        value = values.get(self.key)
        return value if isinstance(value, Hashable) and value in self.keyed else UNKEYED

    def norms_for(self, values: Mapping[str, Any]) -> tuple[int, ...]:
        """The norms a fact with these field values is tested against, in contract order."""
        value = self.key_of(values)
        return self.rest if value is UNKEYED else tuple(sorted((*self.rest, *self.keyed[value])))


def key_value(norm: NormSpec, key: str) -> tuple[bool, Hashable]:
    """Whether the norm's trigger requires `key` to equal one value, and that value."""
    for test in norm.trigger.tests:
        if (
            isinstance(test, FieldTest)
            and test.field == key
            and test.op == "eq"
            and isinstance(test.value, Hashable)
        ):
            return True, test.value
    return False, None


def build_routes(norms: Sequence[NormSpec]) -> dict[str, Route]:
    """The routing index of a contract: route (`move:acquisition`) -> its norms, split by key."""
    members: dict[str, list[int]] = {}
    for index, norm in enumerate(norms):
        members.setdefault(norm.trigger.route, []).append(index)
    routes: dict[str, Route] = {}
    for route, indices in members.items():
        counts = Counter(
            t.field
            for i in indices
            for t in {t.field: t for t in norms[i].trigger.tests if _is_key(t)}.values()
        )
        if len(indices) < PARTITION_FROM or not counts:
            routes[route] = Route(None, {}, tuple(indices))
            continue
        key = min(counts, key=lambda f: (-counts[f], f))  # most norms, then by name
        keyed: dict[Hashable, list[int]] = {}
        rest: list[int] = []
        for i in indices:
            has_key, value = key_value(norms[i], key)
            if has_key:
                keyed.setdefault(value, []).append(i)
            else:
                rest.append(i)
        routes[route] = Route(key, {v: tuple(n) for v, n in keyed.items()}, tuple(rest))
    return routes


def _is_key(test: Any) -> TypeGuard[FieldTest]:
    return isinstance(test, FieldTest) and test.op == "eq" and isinstance(test.value, Hashable)
