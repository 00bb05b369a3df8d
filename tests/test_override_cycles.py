"""A cycle of `overrides:` of any length is a load error (issue 21): in a cycle each norm sets
the next aside, so every norm of it is silenced on every move they all apply to, and `check`
says CLEAR for what each of them forbids. Two norms overriding each other were refused; three
loaded. Now every cycle (through `either` norms' per-party copies, a reading's norms, an
amendment's) is refused naming each norm of it in order, each with the file:line of its
override, and how to fix it. Through the CLI and the API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_CONTRACT

from engine import Contract, ContractFileError

Cli = Callable[..., tuple[int, str, str]]
Write = Callable[..., Path]

KINDS = """\
event_kinds:
  - id: deal
    title: deal
    fields:
      with: {type: entity}
    phrases: ["deal with {with}"]
norms:
"""


def ban(norm_id: str, overrides: str = "", bearer: str = "alpha") -> str:
    """A prohibition of every deal, seven lines; `overrides:` is its fifth (line +4)."""
    said = f"[{overrides}]" if overrides else "[]"
    return (
        f"  - id: {norm_id}\n    clause: c1\n    kind: prohibition\n    bearer: {bearer}\n"
        f"    overrides: {said}\n    when: {{move: deal}}\n    message: no deal\n"
    )


# three norms t1 > t2 > t3 > t1: the overrides lines are 12, 19 and 26 of rules.yaml
THREE = KINDS + ban("t1", "t2") + ban("t2", "t3") + ban("t3", "t1")


def refused(path: Path) -> list[tuple[str, int | None, str]]:
    with pytest.raises(ContractFileError) as caught:
        Contract.load(path)
    return [(p.file, p.line, p.message) for p in caught.value.problems]


def test_a_cycle_of_three_is_refused_by_validate_with_every_norm_and_line(
    write_contract: Write, cli: Cli
) -> None:
    path = write_contract(MINIMAL_CONTRACT, THREE)
    rules = path.parent / "rules.yaml"
    code, out, err = cli("validate", path)
    assert code == 2, out + err
    assert f"{rules}:12: norms[t1].overrides: 't1', 't2' and 't3' override each other" in err
    assert "t1 overrides t2 (rules.yaml:12)" in err
    assert "t2 overrides t3 (rules.yaml:19)" in err
    assert "t3 overrides t1 (rules.yaml:26)" in err
    said = err.index("t1 overrides t2"), err.index("t2 overrides t3"), err.index("t3 overrides t1")
    assert list(said) == sorted(said)  # in the order of the cycle
    assert "Fix:" in err and "Traceback" not in err
    assert err.count(str(rules.parent)) == 1  # the lines are beside the problem's file, by name
    assert err.count("override each other") == 1  # one cycle, one problem


def test_a_cycle_of_three_is_refused_by_check_too(write_contract: Write, cli: Cli) -> None:
    code, out, err = cli(
        "check", write_contract(MINIMAL_CONTRACT, THREE), "-m", "Alpha deals with Gamma"
    )
    assert code == 2 and "CLEAR" not in out and "override each other" in err


def test_the_api_names_the_first_norm_of_the_cycle_at_its_overrides_line(
    write_contract: Write,
) -> None:
    path = write_contract(MINIMAL_CONTRACT, THREE)
    ((file, line, message),) = refused(path)
    assert (Path(file).name, line) == ("rules.yaml", 12)
    assert message.startswith("norms[t1].overrides: 't1', 't2' and 't3' override each other")


def test_the_cycle_starts_at_the_first_norm_written_whichever_way_it_is_entered(
    write_contract: Write,
) -> None:
    rules = KINDS + ban("t1", "t3") + ban("t2", "t1") + ban("t3", "t2")
    ((_, line, message),) = refused(write_contract(MINIMAL_CONTRACT, rules))
    assert line == 12
    assert "t1 overrides t3" in message and "t3 overrides t2" in message
    assert message.index("t1 overrides t3") < message.index("t3 overrides t2")
    assert message.index("t3 overrides t2") < message.index("t2 overrides t1")


def test_a_long_cycle_names_only_its_norms_and_a_chain_still_loads(write_contract: Write) -> None:
    # n0 points into the cycle n1 > n2 > n3 > n4 > n1 but is not part of it
    rules = KINDS + "".join(
        ban(n, o) for n, o in [("n0", "n1"), ("n1", "n2"), ("n2", "n3"), ("n3", "n4"), ("n4", "n1")]
    )
    ((_, _, message),) = refused(write_contract(MINIMAL_CONTRACT, rules))
    assert "'n1', 'n2', 'n3' and 'n4' override each other" in message
    assert "n0" not in message
    chain = KINDS + ban("t1", "t2") + ban("t2", "t3") + ban("t3")
    contract = Contract.load(write_contract(MINIMAL_CONTRACT, chain))
    report = contract.check({"kind": "deal", "with": "gamma", "actor": "alpha"})
    assert [f.rule for f in report.conflicts] == ["t1"]  # t1 wins; t2 and t3 are set aside


def test_two_separate_cycles_are_two_problems(write_contract: Write) -> None:
    rules = KINDS + ban("a", "b") + ban("b", "a") + ban("c", "d") + ban("d", "e") + ban("e", "c")
    found = refused(write_contract(MINIMAL_CONTRACT, rules))
    assert [m.split(" override each other")[0] for _, _, m in found] == [
        "norms[a].overrides: 'a' and 'b'",
        "norms[c].overrides: 'c', 'd' and 'e'",
    ]


def test_a_cycle_through_the_copies_of_an_either_norm_is_refused_once(
    write_contract: Write,
) -> None:
    # a (alpha's) > b (either: b@alpha, b@beta) > c (alpha's) > a
    rules = KINDS + ban("a", "b") + ban("b", "c", bearer="either") + ban("c", "a")
    ((_, line, message),) = refused(write_contract(MINIMAL_CONTRACT, rules))
    assert line == 12
    assert "'a', 'b' and 'c' override each other" in message
    assert "a overrides b" in message and "b overrides c" in message and "@" not in message


def test_a_cycle_of_either_norms_is_refused_once_not_once_per_party(
    write_contract: Write,
) -> None:
    rules = (
        KINDS
        + ban("a", "b", bearer="either")
        + ban("b", "c", bearer="either")
        + ban("c", "a", bearer="either")
    )
    ((_, _, message),) = refused(write_contract(MINIMAL_CONTRACT, rules))
    assert "'a', 'b' and 'c' override each other" in message


def test_a_cycle_a_reading_makes_is_refused_at_the_readings_line(write_contract: Write) -> None:
    reading = """\
readings:
  c1:
    strict:
      description: as written
    lenient:
      description: t3 beats t1
      norms:
        replace:
          - {id: t3, clause: c1, kind: prohibition, bearer: alpha, overrides: [t1],
             when: {move: deal}, message: no deal}
"""
    rules = KINDS + ban("t1", "t2") + ban("t2", "t3") + ban("t3") + reading
    found = refused(write_contract(MINIMAL_CONTRACT, rules))
    assert any("'t1', 't2' and 't3' override each other" in m for _, _, m in found), found
    assert any("t3 overrides t1" in m and "(rules.yaml:37)" in m for _, _, m in found), found


def test_a_cycle_an_amendment_makes_is_refused_naming_the_amendments_line(
    write_contract: Write, cli: Cli
) -> None:
    path = write_contract(MINIMAL_CONTRACT, KINDS + ban("t1", "t2") + ban("t2", "t3") + ban("t3"))
    amendment = path.parent / "amendment.yaml"
    amendment.write_text(
        "amends: contract.yaml\ntitle: t3 wins\neffective: 2025-06-01\nnorms:\n  replace:\n"
        "    - {id: t3, clause: c1, kind: prohibition, bearer: alpha, overrides: [t1],\n"
        "       when: {move: deal}, message: no deal}\n",
        encoding="utf-8",
    )
    code, out, err = cli("validate", amendment)
    assert code == 2, out + err
    assert "'t1', 't2' and 't3' override each other" in err
    assert "t3 overrides t1 (amendment.yaml:6)" in err


def test_a_cycle_longer_than_pythons_recursion_limit_is_found(write_contract: Write) -> None:
    n = 1100  # the search must not recurse once per norm (the default limit is 1000)
    rules = KINDS + "".join(ban(f"n{i}", f"n{(i + 1) % n}") for i in range(n))
    ((_, line, message),) = refused(write_contract(MINIMAL_CONTRACT, rules))
    assert line == 12 and f"n{n - 1} overrides n0 (" in message
