"""Which contracts read a file: so that a changed rule file is validated (and linted) as part
of the contract(s) that include it, never alone.

A rule file alone can only be checked against the schema: whether its `clause:` names a clause,
its `move:` an event kind, its `bearer:` a party is known only with the contract that lists it.
The pre-commit hooks pass the files a commit changes; `validate` and `lint` map each to the
contract and amendment files that read it, found under a root folder (the repository).

The search reads only each candidate's header (`contract.rules`, `amends`), never validates it,
so a broken contract is still found (and then reported) as a reader of its files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import ContractEngineError
from engine.load import MAX_FILE_BYTES, parse_yaml

# folders no contract lives in: version control, virtual environments, caches, packages
_SKIPPED = {"node_modules", "site-packages", "__pycache__", "venv"}
# a contract or an amendment says so at the start of a line; any other YAML is not parsed
_HEADER = re.compile(r"^(contract|amends)\s*:", re.M)


@dataclass
class Reader:
    """A contract or amendment file and every file its load reads (itself included)."""

    path: Path
    reads: set[Path] = field(default_factory=set)
    amends: Path | None = None


def _yaml_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for path in sorted(root.rglob("*.y*ml")):
        parts = path.relative_to(root).parts[:-1]
        if any(p.startswith(".") or p in _SKIPPED for p in parts):
            continue
        if path.suffix in (".yaml", ".yml") and path.is_file():
            found.append(path)
    return found


def _header(path: Path) -> Any:
    """The parsed file when it looks like a contract or an amendment, else None."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not _HEADER.search(text):
        return None
    try:
        return parse_yaml(text, str(path))
    except ContractEngineError:
        return None


def rule_files(contract: Path, listed: Any) -> set[Path]:
    """The rule files a contract's `contract.rules` names (a folder: its YAML files)."""
    out: set[Path] = set()
    if not isinstance(listed, list):
        return out
    for entry in listed:
        if not isinstance(entry, str):
            continue
        target = (contract.parent / entry).resolve()
        if target.is_dir():
            out.update(p.resolve() for p in [*target.glob("*.yaml"), *target.glob("*.yml")])
        else:
            out.add(target)
    return out


def readers(root: Path) -> list[Reader]:
    """Every contract and amendment file under `root`, with the files each reads."""
    found: list[Reader] = []
    for path in _yaml_files(root):
        raw = _header(path)
        if not isinstance(raw, dict):
            continue
        here = path.resolve()
        if isinstance(raw.get("contract"), dict):
            listed = raw["contract"].get("rules")
            found.append(Reader(path, {here, *rule_files(path, listed)}))
        elif isinstance(raw.get("amends"), str):
            found.append(Reader(path, {here}, (path.parent / raw["amends"]).resolve()))
    by_path = {r.path.resolve(): r for r in found}
    for reader in found:  # an amendment reads what its contract reads
        base = by_path.get(reader.amends) if reader.amends else None
        if base is not None and base.amends is None:
            reader.reads |= base.reads
    return found


def readers_of(files: list[Path], root: Path) -> dict[Path, list[Path]]:
    """For each file, the contract and amendment files under `root` that read it (a contract
    reads itself), in path order; a file nothing reads maps to an empty list."""
    everyone = sorted(readers(root), key=lambda r: (r.amends is not None, r.path))
    return {file: [r.path for r in everyone if file.resolve() in r.reads] for file in files}
