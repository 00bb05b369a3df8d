"""What every norm kind is: the hooks validate, compile, evaluate and explain call by kind.

A norm kind lives in one module of this package (`engine/norms/<kind>.py`) holding everything
that is specific to it: the keys it needs and accepts, how its trigger, exceptions and
consequences are built from the YAML, what the evaluator does for it beyond firing (an
obligation's deadlines), its explanation and its default severity. The pipeline stages only
dispatch on `engine.norms.kind_of(norm)`, so adding a kind is one module and one registry line.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from engine.conditions import Consequence, StateTest, Trigger, with_article
from engine.model import Norm, NormKind, Severity

if TYPE_CHECKING:
    from engine.evaluate import Evaluator, _Fact, _Run
    from engine.validate import NormSpec

KIND_KEYS: tuple[str, ...] = (
    "consent_of",
    "grants",
    "ends",
    "on",
    "must",
    "by",
    "within_days",
    "instances",
    "restart",
    "shares_move",
    "takes_effect",
    "withdrawn_by",
    "keep",
)
"""Keys of a norm that belong to one kind or a few; every other key is common to all kinds."""


class NormChecks(Protocol):
    """What validation lends a norm kind: cross-references and problems at the key's line."""

    def ref(self, value: str, table: str, what: str, key: tuple[Any, ...]) -> bool: ...

    def problem(self, key: tuple[Any, ...], message: str) -> None: ...

    def trigger(self, raw: dict[str, Any], key: tuple[Any, ...]) -> Trigger | None: ...

    def fields_of(self, trigger: Trigger) -> set[str]: ...

    def state_test(self, cond: Any, key: tuple[Any, ...]) -> StateTest | None: ...


class NormKindDef:
    """The defaults: a norm that fires on its `when` and does what its `then` says."""

    kind: ClassVar[NormKind]
    required: ClassVar[tuple[str, ...]] = ("when",)
    keys: ClassVar[tuple[str, ...]] = ()  # the kind-specific keys (of KIND_KEYS) it accepts
    conflict: ClassVar[bool] = False  # a firing is a conflict (else a consequence)
    default_severity: ClassVar[Severity] = Severity.info
    summary: ClassVar[str] = ""  # one line for explain and the docs

    # -- the model ---------------------------------------------------------------------------
    def model_problems(self, norm: Norm) -> list[str]:
        """Problems a norm of this kind has on its own, whatever the rest of the contract."""
        missing = [n for n in self.required if getattr(norm, n) is None]
        if missing:
            names = ", ".join(f"'{n}'" for n in missing)
            return [f"{with_article(self.kind.value)} norm needs {names}"]
        return []

    def foreign_keys(self, norm: Norm) -> list[str]:
        """Keys of other kinds written on this norm: each is an error, not silently ignored."""
        given = norm.model_fields_set
        return [k for k in KIND_KEYS if k in given and k not in self.keys]

    def accepts(self) -> str:
        if not self.keys:
            return "only the keys every norm takes"
        return ", ".join(f"'{k}'" for k in self.keys) + " besides the keys every norm takes"

    # -- validation --------------------------------------------------------------------------
    def check_refs(self, norm: Norm, checks: NormChecks) -> None:
        """Cross-references of the kind-specific keys (parties, clauses)."""

    def trigger(self, norm: Norm, when: Trigger | None) -> Trigger | None:
        """What the norm is judged on: its `when` unless the kind listens for something else."""
        return when

    roles: ClassVar[tuple[str, ...]] = ()  # rules of its listeners, in the order they act

    def listeners(
        self, norm: Norm, when: Trigger | None, checks: NormChecks, data: dict[str, Any]
    ) -> dict[str, Trigger]:
        """Further things the kind reacts to besides its trigger (an obligation: its start and
        what meets it), by role; the compiler makes durable_rules rules for each
        (`compile_listener`). `data` keeps what else the kind parsed, for `NormSpec.datum`."""
        return {}

    def extra_rulesets(self, spec: NormSpec) -> list[tuple[str, str, list[dict[str, Any]]]]:
        """Rulesets of the kind's own, as (route, role, conditions): an obligation's bindings."""
        return []

    def template_fields(self, norm: Norm, fields: set[str], start_fields: set[str]) -> set[str]:
        """Fields a message or consequence may name, given those of the trigger."""
        return fields

    def window_on_trigger(self, norm: Norm) -> bool:
        """Whether `from`/`until` are tested on the trigger (an obligation tests them on the
        move that starts it)."""
        return True

    def ended_json(
        self, norm: Norm, ended: dict[str, Any], in_force: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The durable_rules conditions 'its clause has ended' and 'its clause is in force' as
        the kind judges them (an accrued duty is judged although its clause has ended)."""
        return ended, in_force

    def compile_listener(
        self, spec: NormSpec, role: str, conditions: list[dict[str, Any]]
    ) -> list[tuple[str, list[dict[str, Any]]]]:
        """The rules of one listener, each as (role, conditions that must all hold)."""
        return [(role, conditions)]

    def exceptions(self, norm: Norm, trigger: Trigger, data: dict[str, Any]) -> list[StateTest]:
        """Exceptions the kind adds to the author's `unless` (a consent: the consent itself)."""
        return []

    def consequences(self, norm: Norm, declared: list[Consequence]) -> list[Consequence]:
        """The norm's consequences: the author's `then` and what the kind itself does."""
        return declared

    def granted(self, norm: Norm, display: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """Consequences computed when it fires, before its own (an entitlement's right)."""
        return []

    # -- evaluation ----------------------------------------------------------------------------
    def react(
        self, role: str, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec
    ) -> list[_Fact]:
        """One of the kind's `listeners` matched `fact`: do what the kind does then."""
        return []

    def fired(self, ev: Evaluator, run: _Run, fact: _Fact, spec: NormSpec) -> list[str]:
        """What the kind does when the norm fires, besides its consequences; its effects."""
        return []

    # -- the initial state -----------------------------------------------------------------
    def initial_deadline(self, norm: Norm) -> dt.date | None:
        """A deadline running from the start of every check (a dated obligation)."""
        return None

    def initial_expiry(self, norm: Norm) -> dt.date | None:
        """The last day in force of the norm's clause, when the kind sets one."""
        return None

    # -- explanation -----------------------------------------------------------------------
    def explain(self, spec: NormSpec) -> list[tuple[str, str]]:
        """What `explain` says of this kind, as (label, text) lines: "starts on", "met by"."""
        return []

    def severity(self, norm: Norm) -> Severity:
        return norm.severity if norm.severity is not None else self.default_severity
