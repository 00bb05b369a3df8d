"""The fuzz targets, run briefly in the default run, and the inputs fuzzing once broke."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_RULES
from fuzz import FILES, fuzz_loader, fuzz_moves

from engine import Contract, ContractFileError, MoveError


def test_the_loader_answers_or_names_the_problem() -> None:
    fuzz_loader()


def test_the_move_parser_answers_or_names_the_problem() -> None:
    fuzz_moves()


def test_the_fuzzed_files_load_when_left_alone(tmp_path: Path) -> None:
    for name, text in FILES.items():  # else the loader target would only test refusals
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert Contract.load(tmp_path / "contract.yaml").check("declare AGI").verdict == "clear"


# -- regressions: inputs fuzzing found ---------------------------------------------------------
def test_a_control_character_is_refused_with_its_line(
    write_contract: Callable[..., Path],
) -> None:
    """Found by fuzz_loader: PyYAML's reader raised before parsing, outside our error handling."""
    path = write_contract(rules=MINIMAL_RULES.replace("norms:", "norms: \x00", 1))
    with pytest.raises(
        ContractFileError, match=r"rules\.yaml:\d+: character #x0000 is not allowed"
    ):
        Contract.load(path)


def test_a_control_character_in_a_move_given_as_data(contract: Contract) -> None:
    with pytest.raises(MoveError, match="not valid JSON or YAML: character #x0000"):
        contract.parse_move('{"kind": "ipo",\x00}')


def test_a_lone_surrogate_in_a_move_given_as_data(contract: Contract) -> None:
    """Found in review after the switch to LibYAML: its parser encodes to UTF-8 first."""
    with pytest.raises(MoveError, match="character #xdcff is not valid Unicode"):
        contract.check("{kind: cloud_partnership, provider: g\udcff}")


def test_a_control_character_after_wide_characters_has_the_right_line(
    write_contract: Callable[..., Path],
) -> None:
    """LibYAML reports byte offsets: the line must still count characters, not bytes."""
    rules = MINIMAL_RULES.replace("title: deal", "title: déal — 取引", 1)
    path = write_contract(rules=rules.replace("norms:", "norms: \x07", 1))
    line = rules.splitlines().index("norms:") + 1
    with pytest.raises(ContractFileError, match=rf"rules\.yaml:{line}: character #x0007"):
        Contract.load(path)
