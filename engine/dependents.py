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

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import ContractEngineError
from engine.load import MAX_FILE_BYTES, parse_yaml

# folders no contract lives in: version control, virtual environments, caches, packages
_SKIPPED = {"node_modules", "site-packages", "__pycache__", "venv"}
MAX_SEEN = 50_000
# a contract or an amendment says so at the start of a line; any other YAML is not parsed
_HEADER = re.compile(r"^(contract|amends)\s*:", re.M)


@dataclass
class Reader:
    """A contract or amendment file and every file its load reads (itself included)."""

    path: Path
    reads: set[Path] = field(default_factory=set)
    amends: Path | None = None


def _yaml_files(root: Path) -> list[Path]:
    """The YAML files under `root`, less hidden folders, virtual environments and packages; at
    most MAX_SEEN files are looked at (a root that large is not a repository of contracts)."""
    found: list[Path] = []
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and d not in _SKIPPED and not _is_venv(Path(folder) / d)
        )
        seen += len(files)
        if seen > MAX_SEEN:
            raise ContractEngineError(
                f"{root}: more than {MAX_SEEN:,} files to look through for the contracts that "
                "read the files given; each is checked as given (--root names the folder)"
            )
        found.extend(Path(folder) / f for f in sorted(files) if f.endswith((".yaml", ".yml")))
    return sorted(found)


def _is_venv(folder: Path) -> bool:
    try:
        return (folder / "pyvenv.cfg").exists()
    except OSError:  # a folder we may not read holds no contract we could read either
        return True


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


def repository_of(file: Path) -> Path | None:
    """The top of the repository a file is in: the nearest folder above it holding `.git`."""
    for folder in file.resolve().parents:
        if (folder / ".git").exists():
            return folder
    return None


def readers_of(files: list[Path], root: Path | None = None) -> dict[Path, list[Path]]:
    """For each file, the contract and amendment files that read it (a contract reads itself),
    contracts first, in path order; a file nothing reads maps to an empty list. They are looked
    for under `root`, by default the file's repository, else the current folder when the file
    is in it; a root too large to look through is reported and skipped (nothing found there)."""
    out: dict[Path, list[Path]] = {}
    everyone: dict[Path, list[Reader] | None] = {}
    for file in files:
        top = _root_for(file, root)
        if top is None:
            out[file] = []
            continue
        if top not in everyone:
            try:
                found = readers(top)
            except ContractEngineError as error:
                print(f"note: {error}", file=sys.stderr)
                found = None
            everyone[top] = (
                sorted(found, key=lambda r: (r.amends is not None, r.path)) if found else found
            )
        known = everyone[top] or []
        out[file] = [r.path for r in known if file.resolve() in r.reads]
    return out


def _root_for(file: Path, root: Path | None) -> Path | None:
    here = file.resolve()
    if root is not None:
        return root.resolve() if here.is_relative_to(root.resolve()) else None
    repository = repository_of(file)
    if repository is not None:
        return repository
    cwd = Path.cwd().resolve()
    return cwd if here.is_relative_to(cwd) else None
