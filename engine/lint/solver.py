"""The z3 questions lint asks of field conditions: can one move satisfy these tests, and do these
tests imply those. z3 is imported here, when lint runs, never by `check`."""

from __future__ import annotations

from typing import Any

from engine.conditions import DATE_FIELD, FieldTest
from engine.errors import ContractEngineError
from engine.model import FieldSpec


def satisfiable(
    tests: list[FieldTest],
    domains: dict[str, Any],
    finite: dict[str, set[str]],
    extra: list[FieldTest] | None = None,
    negated: list[FieldTest] | None = None,
) -> bool:
    """Whether some move satisfies all `tests` (and `extra`) and not all of `negated`, each field
    ranging over its domain: z3 strings with a finite domain where the field has one, reals for
    numbers, money and dates (within a field's `min` and `max`)."""
    try:
        import z3
    except ImportError:
        raise ContractEngineError(
            "lint needs the z3 SMT solver: pip install 'contract-engine[analysis]'"
        ) from None

    solver = z3.Solver()
    variables: dict[str, Any] = {}

    def var(field: str, value: Any) -> Any:
        if field not in variables:
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            variables[field] = z3.Real(field) if numeric else z3.String(field)
            spec = domains.get(field)
            if numeric and isinstance(spec, FieldSpec):  # a field's declared range
                if spec.min is not None:
                    solver.add(variables[field] >= z3.RealVal(spec.min))
                if spec.max is not None:
                    solver.add(variables[field] <= z3.RealVal(spec.max))
            if field in finite and not numeric:
                solver.add(
                    z3.Or([variables[field] == z3.StringVal(v) for v in sorted(finite[field])])
                    if finite[field]
                    else z3.BoolVal(False)
                )
        return variables[field]

    def const(value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return z3.RealVal(value)
        return z3.StringVal(str(value))

    def formula(test: FieldTest) -> Any:
        values = test.value if isinstance(test.value, tuple | list) else (test.value,)
        x = var(test.field, values[0] if values else "")
        if test.op == "eq":
            return x == const(test.value)
        if test.op == "neq":
            return x != const(test.value)
        if test.op == "in":
            return z3.Or([x == const(v) for v in values])
        if test.op == "not_in":
            return z3.And([x != const(v) for v in values])
        return {
            "gt": x > const(test.value),
            "gte": x >= const(test.value),
            "lt": x < const(test.value),
            "lte": x <= const(test.value),
        }[test.op]

    try:
        for test in [*tests, *(extra or [])]:
            if test.field == DATE_FIELD:
                continue
            solver.add(formula(test))
        if negated:  # a date test here is left free: a move can fail it, so nothing is implied
            solver.add(z3.Not(z3.And([formula(t) for t in negated])))
    except z3.Z3Exception:  # a field compared with values of two types: undecided, so no report
        return True
    return bool(solver.check() != z3.unsat)


def implies(
    tests: list[FieldTest],
    consequent: list[FieldTest],
    domains: dict[str, Any],
    finite: dict[str, set[str]],
) -> bool:
    """Whether every move that satisfies `tests` satisfies `consequent` too (z3: no move
    satisfies the first and fails the second). Undecided (mixed types) counts as no."""
    if not consequent:
        return True
    return not satisfiable(tests, domains, finite, negated=consequent)
