"""The JSON Schemas in schemas/ are what `contract-engine schema` makes, and every bundled YAML
file names its schema and conforms to it, so an editor completes and checks it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from engine.load import load_yaml_file
from engine.schema import SCHEMA_NAMES, schema_document

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted([*(ROOT / "contracts").rglob("*.yaml"), *(ROOT / "rules").rglob("*.yaml")])
LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\n")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_the_schema_files_are_in_sync(name: str) -> None:
    written = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert written == schema_document(name), (
        "schemas/ is stale: run `contract-engine schema --write schemas`"
    )
    assert written["$id"] == f"urn:contract-engine:schema:{name}"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_file_names_its_schema_and_conforms(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    match = LINE.match(text)
    assert match, f"{path} does not start with the yaml-language-server line"
    schema_path = (path.parent / match.group(1)).resolve()
    # as an editor reads it (YAML 1.2: `on:` is a key, a date is a string), not PyYAML's 1.1
    data = json.loads(json.dumps(load_yaml_file(path), default=str))
    if "amends" in data:
        expected = "amendment"
    else:
        expected = "contract" if path.is_relative_to(ROOT / "contracts") else "rules"
    assert schema_path == ROOT / "schemas" / f"{expected}.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_a_misspelt_operator_is_flagged_by_the_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "rules.schema.json").read_text(encoding="utf-8"))
    rules = {
        "norms": [
            {
                "id": "n",
                "clause": "c",
                "kind": "prohibition",
                "bearer": "p",
                "when": {"move": "m"},
                "unless": [{"consnt": {"from": "p", "for": "m"}}],
                "message": "m",
            }
        ]
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(rules, schema)
