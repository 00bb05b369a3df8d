"""Stage 3, compile: validated norms to durable_rules rulesets, defined as data.

Each norm becomes a handful of durable_rules rules, each named, its name bound to a role, so
that the engine reports not only that a norm fired but why another did not:

- `fire`: the trigger, the norm's `if`, none of its exceptions, inside its window, clause in force;
- `unless`, one per exception: triggered and defeated by that exception;
- `window`: triggered outside its from/until window;
- `ended`: triggered while its clause is no longer in force;
- `test`, one per condition, only where a norm has two or more: this condition held while
  another did not, so the conditions that failed are the ones whose `test` stayed silent.

"Triggered" needs no rule of its own: a triggered norm fires one of fire, unless, window or
ended. So a norm that applies costs one action, and one that does not costs at most a few.

Norms are partitioned into rulesets by the routing index (engine/routing.py): one per route (a
move kind or a change kind), and for a large route one per value of its key field, so a fact is
only asserted into rulesets that can match it and its cost follows those norms, not the contract's
size. Every ruleset also has a catch-all rule, because durable_rules must handle every fact it is
given (an unhandled fact leaves a session behind that cannot be deleted safely).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.conditions import DATE_FIELD, SEQ_FIELD, StateTest, Test, date_number
from engine.constructs import OPERATIONS, QUESTIONS
from engine.norms import kind_of
from engine.routing import UNKEYED, Route, build_routes, key_value
from engine.validate import ContractSpec, NormSpec

MAX_RULES_PER_RULESET = 4000  # durable_rules refuses more than 4,096 actions in one ruleset


@dataclass(frozen=True)
class RuleRole:
    """What one compiled durable_rules rule means, looked up when its action runs."""

    norm: int  # index into CompiledContract.norms; -1 for the catch-all
    role: str  # fire, unless, window, ended, test, seen, or a listener role of the norm's kind
    index: int = 0  # which exception or which test


@dataclass
class Ruleset:
    name: str
    route: str
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    probes: set[StateTest] = field(default_factory=set)
    norms: list[int] = field(default_factory=list)  # norms whose trigger is this route


@dataclass
class CompiledRoute:
    """The rulesets of one route: per value of its index's key field, and the rest."""

    index: Route
    keyed: dict[Any, list[Ruleset]] = field(default_factory=dict)
    rest: list[Ruleset] = field(default_factory=list)

    def rulesets_for(self, values: dict[str, Any]) -> list[Ruleset]:
        value = self.index.key_of(values)
        return self.rest if value is UNKEYED else [*self.rest, *self.keyed[value]]

    def all(self) -> list[Ruleset]:
        return [*self.rest, *(rs for group in self.keyed.values() for rs in group)]


@dataclass
class CompiledContract:
    spec: ContractSpec
    norms: list[NormSpec]
    routes: dict[str, CompiledRoute]  # route -> its rulesets
    roles: dict[str, RuleRole]  # durable rule name -> meaning
    covered_kinds: frozenset[str]  # move kinds some norm reacts to, directly or via effects

    def definitions(self) -> dict[str, dict[str, Any]]:
        return {rs.name: rs.rules for route in self.routes.values() for rs in route.all()}


def _tautology() -> dict[str, Any]:
    return {"$gte": {SEQ_FIELD: 0}}


def _all(*parts: dict[str, Any]) -> dict[str, Any]:
    kept = [p for p in parts if p]
    if not kept:
        return _tautology()
    return kept[0] if len(kept) == 1 else {"$and": kept}


def test_json(test: Test, holds: bool = True) -> dict[str, Any]:
    if isinstance(test, StateTest):
        return test.to_durable(holds)
    assert holds, "field tests are only ever required to hold"
    return test.to_durable()


def negate_json(test: Test) -> dict[str, Any]:
    if isinstance(test, StateTest):
        return test.to_durable(holds=False)
    return test.negated().to_durable()


def clause_ended_test(norm: NormSpec) -> StateTest:
    return StateTest("clause_ended", (norm.norm.clause,), f"clause {norm.norm.clause} ended")


def fire_json(norm: NormSpec) -> dict[str, Any]:
    """A norm's own `fire` condition, for the rules of the norms it overrides."""
    kind = kind_of(norm.norm)
    inside, _ = window_json(norm) if kind.window_on_trigger(norm.norm) else (None, None)
    ended = clause_ended_test(norm)
    _, in_force = kind.ended_json(norm.norm, test_json(ended), test_json(ended, False))
    return _all(
        *(test_json(t) for t in (*norm.trigger.tests, *norm.requires)),
        *(test_json(e, holds=False) for e in norm.exceptions),
        inside or {},
        in_force,
    )


def window_json(norm: NormSpec) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The window as a condition that holds inside it, and one that holds outside it."""
    inside: list[dict[str, Any]] = []
    outside: list[dict[str, Any]] = []
    if norm.window_from is not None:
        inside.append({"$gte": {DATE_FIELD: date_number(norm.window_from)}})
        outside.append({"$lt": {DATE_FIELD: date_number(norm.window_from)}})
    if norm.window_until is not None:
        inside.append({"$lte": {DATE_FIELD: date_number(norm.window_until)}})
        outside.append({"$gt": {DATE_FIELD: date_number(norm.window_until)}})
    if not inside:
        return None, None
    return _all(*inside), (outside[0] if len(outside) == 1 else {"$or": outside})


class _Builder:
    def __init__(self, spec: ContractSpec, prefix: str) -> None:
        self.spec = spec
        self.prefix = prefix
        self.index: dict[str, Route] = build_routes(spec.norms)
        self.routes: dict[str, CompiledRoute] = {}
        self.roles: dict[str, RuleRole] = {}
        self.count = 0
        self.made = 0

    def ruleset(self, route: str, bucket: Any, size: int) -> Ruleset:
        compiled = self.routes.get(route)
        if compiled is None:  # routes only obligations' fulfil and start listen to have no index
            index = self.index.get(route) or Route(None, {}, ())
            compiled = self.routes[route] = CompiledRoute(index)
        group = compiled.rest if bucket is UNKEYED else compiled.keyed.setdefault(bucket, [])
        if not group or len(group[-1].rules) + size > MAX_RULES_PER_RULESET:
            self.made += 1
            rs = Ruleset(name=f"{self.prefix}{self.made}", route=route)
            self.add(rs, RuleRole(-1, "seen"), _tautology())
            group.append(rs)
        return group[-1]

    def bucket(self, norm: NormSpec) -> Any:
        route = self.index[norm.trigger.route]
        if route.key is None:
            return UNKEYED
        has_key, value = key_value(norm, route.key)
        return value if has_key else UNKEYED

    def add(self, rs: Ruleset, role: RuleRole, condition: dict[str, Any]) -> None:
        self.count += 1
        name = f"r{self.count}"
        rs.rules[name] = {"all": [{"m": condition}]}  # the rule's name is its action's name
        self.roles[name] = role

    def norm(self, index: int, norm: NormSpec) -> None:
        trigger = norm.trigger
        kind = kind_of(norm.norm)
        conditions: list[Test] = [*trigger.tests, *norm.requires]
        base = [test_json(t) for t in conditions]
        inside, outside = window_json(norm) if kind.window_on_trigger(norm.norm) else (None, None)
        ended = clause_ended_test(norm)
        is_ended, in_force = kind.ended_json(
            norm.norm, test_json(ended), test_json(ended, holds=False)
        )
        explain = len(conditions) >= 2
        size = 2 + len(norm.exceptions) + (1 if inside else 0) + (len(conditions) if explain else 0)
        size += len(norm.overridden_by)
        rs = self.ruleset(trigger.route, self.bucket(norm), size)
        rs.norms.append(index)
        rs.probes.update(_tests_state(trigger.tests, norm.requires, norm.exceptions, (ended,)))
        fires = [
            *base,
            *(test_json(e, holds=False) for e in norm.exceptions),
            inside or {},
            in_force,
        ]
        # overrides: [this norm]: each overrider's own fire condition together with this one's;
        # when such a rule fires too, the evaluator sets the firing aside (one rule each, no
        # negations: durable_rules would expand them into every combination)
        for i, other in enumerate(norm.overridden_by):
            rs.probes.update(
                _tests_state(other.trigger.tests, other.requires, other.exceptions)
                | {clause_ended_test(other)}
            )
            self.add(rs, RuleRole(index, "overridden", i), _all(*fires, fire_json(other)))
        self.add(rs, RuleRole(index, "fire"), _all(*fires))
        for i, exception in enumerate(norm.exceptions):
            self.add(rs, RuleRole(index, "unless", i), _all(*base, test_json(exception)))
        if outside is not None:
            self.add(rs, RuleRole(index, "window"), _all(*base, outside))
        self.add(rs, RuleRole(index, "ended"), _all(*base, is_ended))
        if explain:
            for i, test in enumerate(conditions):
                others = [negate_json(t) for j, t in enumerate(conditions) if j != i]
                failed = others[0] if len(others) == 1 else {"$or": others}
                self.add(rs, RuleRole(index, "test", i), _all(test_json(test), failed))
        for role, sub in norm.listeners:  # what the norm's kind also reacts to
            rules = kind.compile_listener(norm, role, [test_json(t) for t in sub.tests])
            srs = self.ruleset(sub.route, UNKEYED, len(rules))
            srs.probes.update(_tests_state(sub.tests))
            if any(name != role for name, _ in rules):  # the kind tests its clause too
                srs.probes.add(ended)
            for name, parts in rules:
                self.add(srs, RuleRole(index, name), _all(*parts))
        for route, role, parts in kind.extra_rulesets(norm):
            self.add(self.ruleset(route, UNKEYED, 1), RuleRole(index, role), _all(*parts))


def _tests_state(*groups: tuple[Test, ...]) -> set[StateTest]:
    return {t for group in groups for t in group if isinstance(t, StateTest)}


def compile_contract(spec: ContractSpec, prefix: str) -> CompiledContract:
    """Compile every norm; `prefix` keeps this contract's ruleset names apart from others'."""
    builder = _Builder(spec, prefix)
    for index, norm in enumerate(spec.norms):
        builder.norm(index, norm)
    return CompiledContract(
        spec=spec,
        norms=spec.norms,
        routes=builder.routes,
        roles=builder.roles,
        covered_kinds=_covered_kinds(spec, builder.routes),
    )


def _covered_kinds(spec: ContractSpec, rulesets: dict[str, CompiledRoute]) -> frozenset[str]:
    """Move kinds a norm can react to: a move without one gets a "no rule covers it" notice."""
    covered = {route.split(":", 1)[1] for route in rulesets if route.startswith("move:")}
    covered.update(m.of for m in spec.contract.measures)  # counted: the contract reads them
    term = spec.contract.contract.term
    if term is not None and term.non_renewal is not None:
        covered.add(term.non_renewal)  # notice of non-renewal: the term does not renew
    questions: set[str] = set()
    for norm in spec.norms:
        for test in (*norm.trigger.tests, *norm.requires, *norm.exceptions):
            if isinstance(test, StateTest):
                questions.add(test.question)
                covered.update(QUESTIONS[test.question].covers(test))
    for kind in spec.event_kinds.values():
        for c in kind.effects:
            operation = OPERATIONS[c.op]
            if f"change:{operation.change}" in rulesets or questions & operation.reads:
                covered.add(kind.id)
    return frozenset(covered)
