"""Validating an uploaded contract: its files are written to a fresh temporary directory, checked
there exactly as `contract-engine validate` checks files on disk, and the directory is removed.

Upload paths are relative names inside that directory (no `..`, no absolute paths), and a contract
may only point at rule files among the uploaded ones: an upload never reads the server's files.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from engine.api import Contract
from engine.errors import Collector, ContractEngineError, ContractFileError, Problem
from engine.load import line_of, load_yaml_file
from engine.model import RuleFile
from engine.validate import is_contract_file, validate_model

MAX_FILES = 100
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
_SAFE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


class UploadError(ContractEngineError):
    """The upload itself is unusable (bad names, too many files); `too_large` for size limits."""

    def __init__(self, message: str, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


@dataclass(frozen=True)
class Validated:
    """A valid upload: how many files, and the contracts it holds (loaded and compiled)."""

    files: int
    contracts: list[Contract]


def safe_path(name: str) -> PurePosixPath:
    """An upload's file name as a relative path, or an UploadError saying what is allowed."""
    path = PurePosixPath(name)
    parts = path.parts
    if not parts or path.is_absolute() or not all(_SAFE_PART.match(p) for p in parts):
        raise UploadError(
            f"file name '{name}': expected a relative path of letters, digits, '.', '_' and '-' "
            "(no '..', no absolute path)"
        )
    if path.suffix not in (".yaml", ".yml"):
        raise UploadError(f"file name '{name}': expected a .yaml or .yml file")
    return path


def check_sizes(files: dict[str, bytes]) -> None:
    if not files:
        raise UploadError("no files uploaded; expected a contract file and its rule files")
    if len(files) > MAX_FILES:
        raise UploadError(f"{len(files)} files uploaded; the limit is {MAX_FILES}", too_large=True)
    total = sum(len(v) for v in files.values())
    if total > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"{total:,} bytes uploaded; the limit is {MAX_UPLOAD_BYTES:,}", too_large=True
        )


def validate_upload(files: dict[str, bytes]) -> Validated:
    """Validate uploaded files; ContractFileError (paths relative to the upload) when invalid."""
    check_sizes(files)
    paths = {safe_path(name): data for name, data in files.items()}
    with tempfile.TemporaryDirectory(prefix="contract-upload-") as tmp:
        root = Path(tmp).resolve()
        for rel, data in paths.items():
            target = root.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            return _validate(root, sorted(paths))
        except ContractFileError as error:
            raise ContractFileError([_relative(p, root) for p in error.problems]) from None


def _validate(root: Path, names: list[PurePosixPath]) -> Validated:
    problems: list[Problem] = []
    contracts: list[Contract] = []
    for rel in names:
        path = root.joinpath(*rel.parts)
        try:
            raw = load_yaml_file(path)
            if is_contract_file(raw):
                _refuse_outside(raw, path, root)
                contracts.append(Contract.load(path))
            else:
                collector = Collector()
                validate_model(RuleFile, raw, str(path), collector)
                collector.raise_if_any()
        except ContractFileError as error:
            problems += error.problems
    if problems:
        # a rule file's problems are found once with its contract and once on its own
        raise ContractFileError(list(dict.fromkeys(problems)))
    if not contracts:
        raise ContractFileError(
            [Problem(str(root / names[0]), None, "no contract file among the uploaded files")]
        )
    return Validated(len(names), contracts)


def _refuse_outside(raw: object, path: Path, root: Path) -> None:
    header = raw.get("contract") if isinstance(raw, dict) else None
    rules = header.get("rules") if isinstance(header, dict) else None
    for index, entry in enumerate(rules if isinstance(rules, list) else []):
        target = (path.parent / str(entry)).resolve()
        if not target.is_relative_to(root):
            raise ContractFileError(
                [
                    Problem(
                        str(path),
                        line_of(raw, ("contract", "rules", index)),
                        f"contract.rules: '{entry}' is outside the uploaded files; "
                        "upload the rule files with the contract and name them relative to it",
                    )
                ]
            )


def _relative(problem: Problem, root: Path) -> Problem:
    prefix = f"{root}/"
    file = problem.file.removeprefix(prefix)
    message = problem.message.replace(prefix, "")
    return dataclasses.replace(problem, file=file, message=message)
