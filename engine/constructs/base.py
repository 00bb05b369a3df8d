"""What a construct of the rule language is: the pieces every pipeline stage asks it for.

A state condition (`if`/`unless`) or a consequence (`then`/`effects`) lives in one module that
holds, together: its typed argument model (for the JSON Schema), its validation (file:line,
did-you-mean, how to write it), the probe it compiles to, the engine's semantics on `State`, the
reference evaluator's semantics on its own plain world, and the words that explain it. The stages
(validate, compile, state, evaluate, reference) look constructs up in the registry
(engine/constructs/__init__.py) instead of branching on their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from engine.conditions import Consequence, StateTest
from engine.suggest import did_you_mean
from engine.templates import template_holes

if TYPE_CHECKING:
    from engine.reference import World
    from engine.state import State

Change = dict[str, Any]
"""A change fact: {"kind": <change kind>, <field>: <value>...}, fed back to the rules."""


class ArgModel(BaseModel):
    """Base of the argument models: strict, so the JSON Schema says exactly what is accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Resolver(Protocol):
    """What validation offers a construct: the contract's names and a place to report problems."""

    parties: dict[str, Any]
    entities: dict[str, Any]
    clauses: dict[str, Any]
    sets: dict[str, Any]
    kinds: dict[str, Any]
    measures: dict[str, Any]
    values: dict[str, Any]

    def add_problem(self, file: str, line: int | None, message: str) -> None: ...

    def ref(
        self, value: str, known: dict[str, Any], what: str, file: str, line: int | None, where: str
    ) -> bool: ...

    def templated_ref(
        self,
        text: str,
        holes: list[str],
        known: dict[str, Any],
        what: str,
        file: str,
        line: int | None,
        where: str,
    ) -> None: ...


@dataclass(frozen=True)
class Site:
    """Where a construct is written: its file and line, the path shown in messages, and the
    fields of the move or change it may name."""

    resolver: Resolver
    file: str
    line: int | None
    where: str
    fields: frozenset[str]

    def problem(self, message: str) -> None:
        self.resolver.add_problem(self.file, self.line, message)

    def ref(self, value: str, known: dict[str, Any], what: str, where: str) -> bool:
        return self.resolver.ref(value, known, what, self.file, self.line, where)


class Condition:
    """A state condition: a question about the state, answered in Python and tested by
    durable_rules as the probe property `s__<question>__<args>` of the fact."""

    word: ClassVar[str]  # how it is written: the key of `{word: arg}`
    questions: ClassVar[tuple[str, ...]]  # the StateTest questions it answers
    model: ClassVar[Any]  # the type of `arg`, for the JSON Schema
    usage: ClassVar[str]  # how to write it, for messages
    bare: ClassVar[bool] = False  # written as the bare word, with no argument
    whole: ClassVar[bool] = False  # takes the whole mapping: {measure: id, gte: 500}
    explains: ClassVar[bool] = False  # has figures to show in the report (see `explain`)

    def parse(self, arg: Any, site: Site) -> StateTest | None:
        raise NotImplementedError

    def describe(self, test: StateTest) -> str:
        raise NotImplementedError

    def answer(self, state: State, test: StateTest, fact: dict[str, Any]) -> bool:
        raise NotImplementedError

    def reference(self, world: World, test: StateTest, values: dict[str, Any]) -> bool:
        raise NotImplementedError

    def explain(
        self, state: State, test: StateTest, fact: dict[str, Any], titles: dict[str, str]
    ) -> str | None:
        """The figures the answer was decided on, for the report (None: nothing to add)."""
        return None

    def covers(self, test: StateTest) -> tuple[str, ...]:
        """Move kinds whose mere happening this condition reads (so they are covered)."""
        return ()


class Operation:
    """A consequence: a change of state set off by a norm that applies or by a move's effects."""

    op: ClassVar[str]
    args: ClassVar[tuple[str, ...]]  # argument names; one argument may be given bare
    optional: ClassVar[frozenset[str]] = frozenset()
    model: ClassVar[Any]  # the type of the argument, for the JSON Schema
    change: ClassVar[str]  # the change kind it emits
    change_fields: ClassVar[tuple[str, ...]]
    reads: ClassVar[frozenset[str]] = frozenset()  # state questions that see what it changes
    targets: ClassVar[dict[str, str]] = {}  # argument -> what it names (party, clause, set...)

    def parse(self, arg: Any, site: Site) -> Consequence | None:
        """The generic shape check; an operation with more to say overrides `check`."""
        where = f"{site.where}.{self.op}"
        names = self.args
        if len(names) == 0:
            return Consequence(self.op, ())
        if len(names) == 1 and not isinstance(arg, dict):
            arg = {names[0]: arg}
        if (
            not isinstance(arg, dict)
            or not set(arg) <= set(names)
            or not set(names) - self.optional <= set(arg)
        ):
            site.problem(f"{where}: expected {{{', '.join(names)}}}")
            return None
        for name, value in arg.items():
            text = "" if value is None else str(value)
            holes, problem = template_holes(text)
            if problem:
                site.problem(f"{where}.{name}: {problem}")
            for hole in holes:
                if hole not in site.fields:
                    site.problem(
                        f"{where}.{name}: '{{{hole}}}' is not a field of the move"
                        + did_you_mean(hole, site.fields)
                    )
            if holes and not problem and name in self.targets and set(holes) <= site.fields:
                what = self.targets[name]  # a name built from a template names declared ones
                site.resolver.templated_ref(
                    text,
                    holes,
                    _known(site.resolver, what),
                    what,
                    site.file,
                    site.line,
                    f"{where}.{name}",
                )
            if holes or problem:
                continue
            if name in self.targets:
                what = self.targets[name]
                site.ref(text, _known(site.resolver, what), what, f"{where}.{name}")
            self.check(name, value, text, site)
        return Consequence(
            self.op, tuple(sorted((k, None if v is None else str(v)) for k, v in arg.items()))
        )

    def check(self, name: str, value: Any, text: str, site: Site) -> None:
        """Checks of one argument's value beyond the name it refers to."""

    def apply(self, state: State, args: dict[str, Any], by: str, rule: str) -> list[Change]:
        raise NotImplementedError

    def reference(self, world: World, args: dict[str, Any], rule: str) -> list[Change]:
        raise NotImplementedError

    def describe_change(self, change: Change, names: dict[str, str]) -> str:
        raise NotImplementedError

    def show(self, consequence: Consequence) -> str:
        """The consequence as `explain` prints it: its operation and arguments as written."""
        return f"{self.op} {dict(consequence.args) or ''}".rstrip()


def _known(resolver: Resolver, what: str) -> dict[str, Any]:
    return {
        "party": resolver.parties,
        "clause": resolver.clauses,
        "set": resolver.sets,
        "event kind": resolver.kinds,
    }[what]


def article(word: str) -> str:
    """The article English wants before a kind id: "an ipo", "a conversion"."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word
