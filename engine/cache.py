"""The engine's on-disk cache: where it lives, and validated contracts kept between processes.

A validated contract (`ContractSpec`, with its phrases compiled) is stored with the list of every
file its load read (the contract, each rule file, an amendment's base, each folder of rules
listed) and the SHA-256 of each file's bytes or folder's listing, under a key made of the
contract's path and the engine's fingerprint (its source files' sizes and modification times,
Python's and pydantic's versions, PyYAML's and lemminflect's files). An entry answers only if
every listed file still has the same content, so an edited rule file is loaded again, and a
changed engine never reads an old entry. Anything unexpected (a broken, truncated or foreign
file, an entry of another FORMAT_VERSION, one whose content is not what `build` returns, an
unreadable folder) is a miss: the contract is loaded as if there were no cache and the entry
written again. The cache so answers right or not at all: an entry holds the whole of what the
load made (nothing of it lives in process-wide tables that a new process would lack), and a miss
is never an error. Entries are written to a temporary file and renamed into place, so
concurrent processes see a whole entry or none.

Entries are pickles, read by an unpickler that only rebuilds the engine's own classes and plain
data (dates, paths, sets): a tampered entry cannot name any other callable. The directory is the
user's own, like their shell history; the checks above keep it from answering for changed files.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import importlib.util
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

CACHE_ENV = "CONTRACT_ENGINE_CACHE"  # the directory; "" turns every cache off
NO_CACHE_ENV = "CONTRACT_ENGINE_NO_CACHE"  # "1": contracts are always loaded from their files
_MAGIC = "contract-engine-spec"
FORMAT_VERSION = 2
"""The shape of what an entry holds. Raised whenever that shape changes (a field added to a
class an entry pickles, what `cached` is given to keep): an entry of another version is a miss.
The engine's fingerprint catches most such changes too, but not an install that keeps sizes and
modification times; this says it outright. 2: expressions carried in their keys, the amendment
in the spec (version 1 entries left both in process-wide tables that a new process lacked)."""

T = TypeVar("T")
Dependency = tuple[str, str, str]  # ("file" or "folder", path, SHA-256)
_reads: contextvars.ContextVar[list[Dependency] | None] = contextvars.ContextVar(
    "contract_engine_reads", default=None
)


def cache_dir() -> Path | None:
    """$CONTRACT_ENGINE_CACHE, or the user's cache directory (XDG_CACHE_HOME, ~/.cache,
    %LOCALAPPDATA%) / contract-engine; None when $CONTRACT_ENGINE_CACHE is ""."""
    root = os.environ.get(CACHE_ENV)
    if root == "":
        return None
    if root is None:
        if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
            base = Path(os.environ["LOCALAPPDATA"])
        elif os.environ.get("XDG_CACHE_HOME"):
            base = Path(os.environ["XDG_CACHE_HOME"])
        else:
            base = Path.home() / ".cache"
        root = str(base / "contract-engine")
    return Path(root)


def note_file(path: Path, content: bytes) -> None:
    """A load read this file (engine/load.py calls this for every YAML file it reads)."""
    reads = _reads.get()
    if reads is not None:
        reads.append(("file", str(path), hashlib.sha256(content).hexdigest()))


def note_folder(path: Path, names: list[Path]) -> None:
    """A load listed this folder's rule files: a file added or removed there changes the load."""
    reads = _reads.get()
    if reads is not None:
        reads.append(("folder", str(path), _listing_digest(names)))


def _listing_digest(names: list[Path]) -> str:
    return hashlib.sha256("\n".join(sorted(p.name for p in names)).encode()).hexdigest()


def cached(
    path: str | Path,
    build: Callable[[], T],
    enabled: bool,
    accept: Callable[[Any], bool] = lambda _: True,
) -> T:
    """`build()`, or what it returned for the same files before (see the module's docstring).
    `accept` says whether what an entry held is of the shape `build` returns: a whole entry
    of the right version and files holding anything else is a miss too, never the caller's
    problem."""
    root = cache_dir()
    if not enabled or root is None or os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return build()
    given = str(path)
    key = hashlib.sha256(
        "\0".join((fingerprint(), given, os.path.abspath(given))).encode()
    ).hexdigest()
    entry = root / "contracts" / f"{key[:40]}.pickle"
    found = _read(entry)
    if found is not None and _accepted(accept, found):
        return found  # type: ignore[no-any-return]
    reads: list[Dependency] = []
    token = _reads.set(reads)
    try:
        value = build()
    finally:
        _reads.reset(token)
    _write(entry, reads, value)
    return value


def _accepted(accept: Callable[[Any], bool], found: Any) -> bool:
    try:
        return accept(found)
    except Exception:  # a check that cannot even look at it: not what was kept
        return False


def _read(entry: Path) -> Any:
    try:
        with entry.open("rb") as stream:
            header = _Unpickler(stream, plain_only=True).load()
            magic, version, code, dependencies = header
            if magic != _MAGIC or version != FORMAT_VERSION or code != fingerprint():
                return None
            for kind, name, digest in dependencies:
                if _digest_now(kind, name) != digest:
                    return None
            return _Unpickler(stream, plain_only=False).load()
    except Exception:  # missing, truncated, corrupt, foreign: a miss, never an error
        return None


def _digest_now(kind: str, name: str) -> str | None:
    try:
        if kind == "file":
            return hashlib.sha256(Path(name).read_bytes()).hexdigest()
        if kind == "folder":
            folder = Path(name)
            return _listing_digest([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    except OSError:
        return None
    return None


def _write(entry: Path, dependencies: list[Dependency], value: Any) -> None:
    buffer = io.BytesIO()
    try:
        pickle.dump((_MAGIC, FORMAT_VERSION, fingerprint(), dependencies), buffer, protocol=5)
        pickle.dump(value, buffer, protocol=5)
    except Exception:  # something in it does not pickle: no entry, never an error
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".spec-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(buffer.getbuffer())
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(entry.parent)
    except OSError:
        return  # not writable: the contract was loaded, and that is all a cache owes


MAX_ENTRIES = 64


def _prune(folder: Path) -> None:
    """Keep the newest MAX_ENTRIES entries: each engine edit or contract path makes a new key,
    and nothing else would ever remove the old ones. Runs only when an entry is written."""
    found = []
    for old in folder.glob("*.pickle"):
        try:
            found.append((old.stat().st_mtime_ns, old))
        except OSError:
            continue
    for _, old in sorted(found, reverse=True)[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)


@functools.cache
def fingerprint() -> str:
    """The engine's code as it is now: each source file's name, size and modification time
    (an edit changes them; reading every file would cost more than the cache saves), the
    versions of what shapes a validated contract (Python, pydantic) and PyYAML's and
    lemminflect's files (the verb forms of compiled phrases)."""
    from pydantic.version import VERSION as pydantic_version

    digest = hashlib.sha256(f"{sys.version}\0{pydantic_version}".encode())
    # PyYAML and lemminflect (the verb forms of phrases) by their files: importing them, or
    # asking their versions, would cost more than the cache saves
    for name in ("yaml", "lemminflect"):
        found = importlib.util.find_spec(name)
        if found is not None and found.origin:
            stat = os.stat(found.origin)
            digest.update(f"{found.origin}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, dirs, files in sorted(os.walk(package)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                where = os.path.relpath(os.path.join(folder, name), package)
                digest.update(f"{where}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


# What an entry may rebuild: the engine's own classes, and plain data the standard library
# defines. Anything else (os.system, builtins.eval, ...) is refused: the entry is a miss.
_ALLOWED = {
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "slice"),
    ("builtins", "object"),
    ("copyreg", "_reconstructor"),
    ("collections", "OrderedDict"),
    ("collections", "deque"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("decimal", "Decimal"),
    ("pathlib", "Path"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
    ("re", "_compile"),
}


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: Any, plain_only: bool) -> None:
        super().__init__(stream)
        self._plain_only = plain_only

    def find_class(self, module: str, name: str) -> Any:
        if not self._plain_only:
            if (module, name) in _ALLOWED:
                return super().find_class(module, name)
            if module.startswith("engine."):  # a class the engine defines, not a name it imports
                found = super().find_class(module, name)
                if isinstance(found, type) and found.__module__.startswith("engine."):
                    return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")
