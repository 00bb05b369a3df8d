"""The JSON Schema of contract and rule files, with conditions and consequences typed.

The models keep `if`, `unless`, `then` and `effects` as plain data, because validation parses
them with file:line messages of its own (engine/constructs); the schema here replaces those
untyped lists with the union of the registered constructs' argument models, so an editor or a
generator sees exactly what each construct accepts.
"""

from __future__ import annotations

import functools
import operator
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, create_model

from engine.constructs import CONDITIONS, OPERATIONS
from engine.constructs.base import ArgModel


def _camel(word: str) -> str:
    return "".join(part.capitalize() for part in word.split("_"))


def _one_of(types: list[Any]) -> Any:
    return functools.reduce(operator.or_, types)


def _condition_type() -> Any:
    types: list[Any] = []
    for c in CONDITIONS.values():
        if c.bare:
            types.append(Literal[c.word])
        elif c.whole:
            types.append(c.model)
        else:
            types.append(_wrapper(f"{_camel(c.word)}Condition", c.word, c.model))
    return _one_of(types)


def _consequence_type() -> Any:
    return _one_of(
        [_wrapper(f"{_camel(o.op)}Consequence", o.op, o.model) for o in OPERATIONS.values()]
    )


def _wrapper(name: str, key: str, arg: Any) -> type[BaseModel]:
    """The model of `{key: arg}`: a construct as it is written."""
    fields: dict[str, Any] = {key: (arg, ...)}
    return create_model(name, __base__=ArgModel, **fields)


def json_schema(
    model: type[BaseModel], mode: Literal["validation", "serialization"] = "validation"
) -> dict[str, Any]:
    """The model's JSON Schema, with state conditions and consequences typed by the registry.
    `mode`: "serialization" for what the engine writes (the report, with its summary)."""
    schema = model.model_json_schema(by_alias=True, mode=mode)
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    if "$ref" in schema:  # a model that holds itself (a report's reports by reading): inline it
        schema = {**defs[schema.pop("$ref").rsplit("/", 1)[1]], **schema}
    if "Norm" not in defs and "EventKind" not in defs:
        return schema  # a contract file: no conditions or consequences to type
    typed: dict[str, dict[str, Any]] = {}
    for name, item in (("conditions", _condition_type()), ("consequences", _consequence_type())):
        adapter: TypeAdapter[Any] = TypeAdapter(list[item])  # type: ignore[valid-type]
        part = adapter.json_schema(by_alias=True, ref_template="#/$defs/{model}")
        defs.update(part.pop("$defs", {}))
        typed[name] = part
    typed["pattern"] = _pattern()
    places = {
        "Norm": {
            "if": "conditions",
            "unless": "conditions",
            "then": "consequences",
            "keep": "conditions",
            "when": "pattern",
            "must": "pattern",
        },
        "EventKind": {"effects": "consequences"},
    }
    for definition, fields in places.items():
        properties = defs.get(definition, {}).get("properties", {})
        for field, which in fields.items():
            if field in properties:
                described = {
                    k: v for k, v in properties[field].items() if k not in ("items", "anyOf")
                }
                if which == "pattern":
                    properties[field] = {**described, "anyOf": [typed[which], {"type": "null"}]}
                    continue
                properties[field] = {**described, **typed[which], "type": "array"}
    return schema


def _pattern() -> dict[str, Any]:
    """`when` and `must`: the move or change kind, and a test per field (a value, an operator,
    or in `must` a binding such as "{discount}" to the move that started the deadline)."""
    scalar = {"type": ["string", "number", "integer", "boolean"]}
    operators = {
        "not": scalar,
        "in": {"type": "array", "items": scalar, "minItems": 1},
        "not_in": {"type": "array", "items": scalar, "minItems": 1},
        "gt": scalar,
        "gte": scalar,
        "lt": scalar,
        "lte": scalar,
        "in_set": {"type": "string"},
        "not_in_set": {"type": "string"},
    }
    return {
        "type": "object",
        "description": "{move: <event kind>} or {change: <change kind>}, and field tests",
        "properties": {"move": {"type": "string"}, "change": {"type": "string"}},
        "additionalProperties": {
            "anyOf": [
                scalar,
                {"type": "object", "properties": operators, "additionalProperties": False},
            ]
        },
    }


SCHEMA_NAMES = ("contract", "rules", "amendment", "report")
"""What `contract-engine schema` prints and `schema --write` writes to `schemas/`."""


def schema_document(which: str) -> dict[str, Any]:
    """The JSON Schema of one kind of file (or of the JSON report), with its `$id`, as written
    to `schemas/<which>.schema.json` for editors (the `yaml-language-server` line of a file)."""
    from engine.amend import AmendmentFile
    from engine.model import ContractFile, RuleFile
    from engine.report import Report

    models: dict[str, type[BaseModel]] = {
        "contract": ContractFile,
        "rules": RuleFile,
        "amendment": AmendmentFile,
        "report": Report,
    }
    document = json_schema(models[which], "serialization" if which == "report" else "validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:contract-engine:schema:{which}",
        **document,
    }
