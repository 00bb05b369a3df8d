"""The contracts a server offers: every contract file of one directory, by the id it declares,
and every amendment file there that amends one of them (by the amended contract's id,
`openai-microsoft+azure-relaxed`, by the amendment's own id, or by its file as listed).

Loaded once at start; before a use, at most once a second, the registry compares a cheap
signature of the files (size, mtime and inode of the contract files, their rule files and the
directories) with the one it loaded, and reloads what changed. Ids come only from the files; a request never names a path.
A contract whose files became invalid is kept as an error, never served from a stale copy.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.amend import is_amendment
from engine.api import Contract
from engine.errors import ContractEngineError, ContractFileError, Problem
from engine.load import load_yaml_file
from engine.suggest import did_you_mean
from engine.validate import is_contract_file

log = logging.getLogger("contract_engine.serve")

RECHECK_SECONDS = 1.0
Signature = tuple[tuple[str, int, int, int], ...]


class UnknownContract(ContractEngineError):
    """A request named a contract id the directory does not hold."""


class ContractUnavailable(ContractEngineError):
    """The contract's files are there but do not load: the problems say where."""

    def __init__(self, contract_id: str, problems: list[Problem]) -> None:
        self.contract_id = contract_id
        self.problems = problems
        listed = "; ".join(str(p) for p in problems)
        super().__init__(f"contract '{contract_id}' does not load: {listed}")


@dataclass
class Entry:
    """One contract file: its compiled contract, or the problems that stop it from loading."""

    path: Path
    contract: Contract | None
    problems: list[Problem] = field(default_factory=list)
    watched: list[Path] = field(default_factory=list)  # the contract file and its rule files
    stats: tuple[tuple[str, int, int, int], ...] = ()  # of `watched`, when loaded
    amends: str | None = None  # an amendment: the id of the contract it amends
    amendment: str | None = None  # an amendment: its own id


def _stat(path: Path) -> tuple[str, int, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size, st.st_ino)


def _yaml_files(directory: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / f for f in sorted(files) if f.endswith((".yaml", ".yml"))]
    return found


def _directories(directory: Path) -> list[Path]:
    found = [directory]
    for root, dirs, _ in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / d for d in dirs]
    return found


def _rule_targets(path: Path) -> list[Path]:
    """The rule files and folders a contract file names, as far as it can be read: watched
    while the contract does not load, so that fixing a rule file brings it back."""
    try:
        raw = load_yaml_file(path)
        rules = raw["contract"]["rules"]
    except (ContractEngineError, KeyError, TypeError):
        return []
    targets: list[Path] = []
    for entry in rules if isinstance(rules, list) else []:
        target = (path.parent / str(entry)).resolve()
        targets.append(target)
        if target.is_dir():
            targets += sorted([*target.glob("*.yaml"), *target.glob("*.yml")])
    return targets


class Registry:
    """Contracts by id from one directory (searched recursively), reloaded when files change."""

    def __init__(self, directory: str | Path, check_every: float = RECHECK_SECONDS) -> None:
        self.directory = Path(directory).resolve()
        self.check_every = check_every
        self._checked_at = 0.0
        self._watched_paths: list[Path] = []
        if not self.directory.is_dir():
            raise ContractEngineError(f"--contracts {directory}: no such directory")
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._amendments: dict[str, Entry] = {}  # by the amended contract's id
        self._unreadable: list[Problem] = []  # YAML files that are neither contract nor rules
        self._signature: Signature = ()
        self._dirs: list[Path] = []
        self._scan()

    # -- reading ---------------------------------------------------------------------------
    def ids(self) -> list[str]:
        self.refresh()
        return sorted(self._entries)

    def entries(self) -> dict[str, Entry]:
        self.refresh()
        return dict(sorted(self._entries.items()))

    def amendments(self) -> dict[str, Entry]:
        """Amendment files of the directory, by the amended contract's id."""
        self.refresh()
        return dict(sorted(self._amendments.items()))

    @property
    def problems(self) -> list[Problem]:
        """Problems of files that could not be told apart as contracts (unparseable YAML)."""
        return list(self._unreadable)

    def get(self, contract_id: str) -> Contract:
        """The contract with this id (or an amended contract: by its id, its amendment's id or
        its file as listed), reloaded first if its files changed."""
        self.refresh()
        entry = self._entries.get(contract_id) or self._amendment(contract_id)
        if entry is None:
            known = [*self._entries, *self._amendments]
            known += [e.amendment for e in self._amendments.values() if e.amendment]
            raise UnknownContract(
                f"no contract or amendment '{contract_id}'{did_you_mean(contract_id, known)}; "
                f"known: {', '.join(sorted(self._entries)) or 'none'}"
                + (
                    f"; amendments: {', '.join(sorted(self._amendments))}"
                    if self._amendments
                    else ""
                )
            )
        if entry.contract is None:
            shown = [dataclasses.replace(p, file=self.relative(p.file)) for p in entry.problems]
            raise ContractUnavailable(contract_id, shown)
        return entry.contract

    def _amendment(self, name: str) -> Entry | None:
        if name in self._amendments:
            return self._amendments[name]
        for entry in self._amendments.values():
            if name in (entry.amendment, self.relative(entry.path)):
                return entry
        return None

    def relative(self, path: str | Path) -> str:
        """A path as clients see it: relative to the directory's parent, never absolute."""
        resolved = Path(path).resolve()
        for base in (self.directory.parent, self.directory):
            if resolved.is_relative_to(base):
                return resolved.relative_to(base).as_posix()
        return resolved.name

    # -- reloading -------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Reload when any watched file or directory changed; True when something was reloaded.
        The files are looked at most once every `check_every` seconds (stat calls cost more than
        a check's own HTTP handling), so a change is picked up within that time."""
        now = time.monotonic()
        if not force and now - self._checked_at < self.check_every:
            return False
        self._checked_at = now
        if self._current_signature() == self._signature:
            return False
        with self._lock:
            if self._current_signature() == self._signature:
                return False
            self._scan()
            return True

    def _watched(self) -> list[Path]:
        paths = list(self._dirs)  # a file or folder added or removed changes its folder's mtime
        for entry in [*self._entries.values(), *self._amendments.values()]:
            paths += entry.watched
            # a rule folder gains or loses files: its mtime changes
            paths += sorted({p.parent for p in entry.watched[1:]} - set(entry.watched))
        return list(dict.fromkeys(paths))

    def _current_signature(self) -> Signature:
        return tuple(_stat(p) for p in self._watched_paths)

    def _scan(self) -> None:
        old = {**self._entries, **self._amendments}
        self._dirs = _directories(self.directory)
        entries: dict[str, Entry] = {}
        unreadable: list[Problem] = []
        amendments: list[tuple[Path, dict[str, object]]] = []
        for path in _yaml_files(self.directory):
            try:
                raw = load_yaml_file(path)
            except ContractFileError as error:
                unreadable += error.problems
                continue
            if is_amendment(raw):
                amendments.append((path, raw))
                continue
            if not is_contract_file(raw):
                continue  # a rule file, or some other YAML
            header = raw.get("contract")
            declared = header.get("id") if isinstance(header, dict) else None
            contract_id = declared if isinstance(declared, str) and declared else path.stem
            if contract_id in entries:
                unreadable.append(
                    Problem(
                        str(path),
                        None,
                        f"contract id '{contract_id}' is also declared by {entries[contract_id].path}",
                    )
                )
                continue
            entries[contract_id] = self._load(path, old.get(contract_id))
        self._entries = entries
        self._amendments = self._scan_amendments(amendments, old, unreadable)
        self._unreadable = unreadable
        for problem in unreadable:
            log.warning("skipped: %s", problem)
        self._watched_paths = self._watched()
        self._signature = self._current_signature()

    def _scan_amendments(
        self,
        found: list[tuple[Path, dict[str, object]]],
        old: dict[str, Entry],
        unreadable: list[Problem],
    ) -> dict[str, Entry]:
        """Amendments of the directory's own contracts only: an amendment of a file elsewhere
        is skipped with a problem, so the directory alone decides what is read."""
        by_path = {e.path.resolve(): cid for cid, e in self._entries.items()}
        out: dict[str, Entry] = {}
        for path, raw in found:
            base = (path.parent / str(raw.get("amends"))).resolve()
            base_id = by_path.get(base)
            if base_id is None:
                unreadable.append(
                    Problem(
                        str(path),
                        None,
                        f"amends: '{raw.get('amends')}' is no contract of {self.directory.name}/",
                    )
                )
                continue
            own = raw.get("id")
            own_id = own if isinstance(own, str) and own else path.stem.replace(".", "-").lower()
            amended = f"{base_id}+{own_id}"
            if amended in out or amended in self._entries:
                unreadable.append(
                    Problem(str(path), None, f"amendment id '{own_id}' is declared twice")
                )
                continue
            entry = self._load(path, old.get(amended), extra=[base])
            out[amended] = dataclasses.replace(entry, amends=base_id, amendment=own_id)
        return out

    @staticmethod
    def _load(path: Path, previous: Entry | None, extra: list[Path] | None = None) -> Entry:
        if (
            previous is not None
            and previous.contract is not None
            and previous.stats == tuple(_stat(p) for p in previous.watched)
        ):
            return previous  # unchanged files keep their compiled contract
        try:
            contract = Contract.load(path)
        except ContractFileError as error:
            log.warning("contract %s does not load:\n%s", path, error)
            return Entry(
                path, None, list(error.problems), [path, *(extra or []), *_rule_targets(path)]
            )
        except ContractEngineError as error:
            problems = [Problem(str(path), None, str(error))]
            return Entry(path, None, problems, [path, *(extra or []), *_rule_targets(path)])
        watched = list(dict.fromkeys([path, *(extra or []), *contract.spec.rule_files]))
        log.info("loaded contract %s from %s", contract.id, path)
        return Entry(path, contract, [], watched, tuple(_stat(p) for p in watched))
