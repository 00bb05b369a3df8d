"""When the cache of validated contracts must not answer: when it is turned off by an empty
CONTRACT_ENGINE_CACHE, for a different contract file that happens to have the same relative
path, and for an entry the engine's code of another version wrote.

Written against the cache mutants of tests/mutation/mutants.yaml (docs/testing.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_CONTRACT, MINIMAL_RULES

from engine import Contract


def _write(folder: Path, rules: str = MINIMAL_RULES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "contract.yaml").write_text(MINIMAL_CONTRACT, encoding="utf-8")
    (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    return folder / "contract.yaml"


def _pickles(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pickle"))


def test_an_empty_cache_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "here")
    monkeypatch.chdir(tmp_path / "here")
    monkeypatch.setenv("CONTRACT_ENGINE_CACHE", "")
    monkeypatch.delenv("CONTRACT_ENGINE_NO_CACHE", raising=False)
    Contract.load("contract.yaml", cache=True)
    Contract.load("contract.yaml", cache=True)
    assert _pickles(tmp_path) == []


def test_the_same_relative_path_in_two_folders_is_two_contracts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTRACT_ENGINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CONTRACT_ENGINE_NO_CACHE", raising=False)
    _write(tmp_path / "one")
    _write(tmp_path / "two", MINIMAL_RULES.replace("id: n1", "id: n2"))
    monkeypatch.chdir(tmp_path / "one")
    assert [n.id for n in Contract.load("contract.yaml", cache=True).norms] == ["n1"]
    monkeypatch.chdir(tmp_path / "two")
    assert [n.id for n in Contract.load("contract.yaml", cache=True).norms] == ["n2"]
    assert len(_pickles(tmp_path / "cache")) == 2


def test_an_entry_of_other_engine_code_is_not_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry's header names the engine's code (engine.cache.fingerprint: its files' sizes
    and times); a different engine, as after an upgrade, writes its own entry."""
    import engine.cache

    monkeypatch.setenv("CONTRACT_ENGINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CONTRACT_ENGINE_NO_CACHE", raising=False)
    path = _write(tmp_path / "c")
    Contract.load(path, cache=True)
    assert len(_pickles(tmp_path / "cache")) == 1
    real = engine.cache.fingerprint()
    monkeypatch.setattr(engine.cache, "fingerprint", lambda: "0" * len(real))
    Contract.load(path, cache=True)
    assert len(_pickles(tmp_path / "cache")) == 2  # its own entry, the other one not served


def test_an_entry_naming_a_function_an_engine_module_imports_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only classes the engine defines load from an entry: not `engine.cache`'s `os.system`,
    reached through a module of the engine by a dotted name (protocol 4)."""
    import pickle

    monkeypatch.setenv("CONTRACT_ENGINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CONTRACT_ENGINE_NO_CACHE", raising=False)
    path = _write(tmp_path / "c")
    expected = [n.id for n in Contract.load(path, cache=True).norms]
    (entry,) = _pickles(tmp_path / "cache")
    with entry.open("rb") as stream:
        header = pickle.load(stream)  # the real header: it passes every check

    def text(value: str) -> bytes:  # SHORT_BINUNICODE
        return b"\x8c" + bytes([len(value.encode())]) + value.encode()

    marker = tmp_path / "pwned"
    call = b"\x80\x04" + text("engine.cache") + text("os.system") + b"\x93"  # STACK_GLOBAL
    call += text(f"touch {marker}") + b"\x85R."  # TUPLE1, REDUCE, STOP
    entry.write_bytes(pickle.dumps(header) + call)
    assert [n.id for n in Contract.load(path, cache=True).norms] == expected
    assert not marker.exists()
