"""Stage 1, load: YAML text to plain data, safely, with the line of every node kept.

Safety comes first: only the YAML safe subset (no Python tags), no aliases (the "billion laughs"
expansion needs them and contract data never does), duplicate keys refused rather than silently
overwritten, and limits on file size and nesting depth so hostile input costs bounded time and memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.cache import note_file
from engine.errors import ContractFileError, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 48


class LocatedDict(dict[str, Any]):
    """A mapping that remembers the line of itself and of each of its keys."""

    line: int
    key_lines: dict[str, int]


class LocatedList(list[Any]):
    """A sequence that remembers the line of itself and of each item."""

    line: int
    item_lines: list[int]


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text; any problem becomes a ContractFileError naming source and line.
    PyYAML is imported here, when a file is first read: a contract from the cache needs none."""
    from engine.yaml_reader import parse_yaml as parse

    return parse(text, source)


def load_yaml_file(path: Path) -> Any:
    """Read and parse one YAML file within the documented limits."""
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ContractFileError(
            [Problem(source, None, f"cannot read file: {error.strerror}")]
        ) from None
    if size > MAX_FILE_BYTES:
        raise ContractFileError(
            [Problem(source, None, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContractFileError(
            [Problem(source, None, f"cannot read file: {error.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContractFileError(
            [Problem(source, line, "the file is not valid UTF-8 text")]
        ) from None
    note_file(path, raw)  # for the cache of validated contracts (engine/cache.py)
    data = parse_yaml(text, source)
    if data is None:
        raise ContractFileError([Problem(source, None, "the file is empty")])
    return data


def line_of(data: Any, loc: tuple[str | int, ...]) -> int | None:
    """The line of the deepest node along a pydantic error location that we can still find."""
    line: int | None = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LocatedDict) and isinstance(part, str) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LocatedList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line
