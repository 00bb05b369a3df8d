"""Hypothesis strategies for contracts and timelines, written as YAML through the real loader.

The generated contracts use every part of the rule language: field tests of every operator,
set membership, state conditions in `if` and `unless`, windows, every norm kind, consequences that
chain (a norm listening for the change another one makes), deadlines and expiries, and
repeatable obligations (instances each / once / per field, `when` + `by`, restart on fulfilment,
`must` bound to the starting move's fields, accrued duties that survive or lapse).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

PARTIES = ["p1", "p2"]
ENTITIES = ["e1", "e2", "e3", "e4"]
CLAUSES = ["c1", "c2", "c3", "c4"]
KINDS = ["k1", "k2", "k3"]
FLAGS = ["f1", "f2"]
MEASURES = ["m1", "m2", "mp1"]  # mp: kept per `who`, so only tested on moves
START = dt.date(2025, 1, 1)

dates = st.integers(min_value=0, max_value=900).map(lambda d: START + dt.timedelta(days=d))


def iso(day: dt.date) -> str:
    return day.isoformat()


@st.composite
def field_condition(draw: st.DrawFn) -> tuple[str, Any]:
    which = draw(st.sampled_from(["who", "who", "amount", "until"]))
    if which == "who":
        op = draw(st.sampled_from(["eq", "not", "in", "not_in", "in_set", "not_in_set"]))
        if op == "eq":
            return "who", draw(st.sampled_from(ENTITIES))
        if op in ("in", "not_in"):
            return "who", {
                op: draw(st.lists(st.sampled_from(ENTITIES), min_size=1, max_size=3, unique=True))
            }
        if op in ("in_set", "not_in_set"):
            return "who", {op: "s1"}
        return "who", {"not": draw(st.sampled_from(ENTITIES))}
    op = draw(st.sampled_from(["gt", "gte", "lt", "lte"]))
    if which == "amount":
        return "amount", {op: draw(st.integers(0, 100))}
    return "until", {op: iso(draw(dates))}


@st.composite
def state_condition(draw: st.DrawFn) -> Any:
    which = draw(
        st.sampled_from(
            ["partnership_ended", "consent", "happened", "clause_ended", "flag", "in_set"]
            + ["measure"] * 2
            + ["compare"] * 2
        )
    )
    if which == "compare":
        op = draw(st.sampled_from(["gt", "gte", "lt", "lte", "eq"]))
        return {"compare": {"left": draw(expression()), op: draw(expression())}}
    if which == "measure":
        op = draw(st.sampled_from(["gt", "gte", "lt", "lte", "eq"]))
        limit = draw(st.sampled_from([0, 1, 2, 3, 50, 100, 150]))  # counts and sums
        return {"measure": draw(st.sampled_from(MEASURES)), op: limit}
    if which == "partnership_ended":
        return "partnership_ended"
    if which == "consent":
        test = {"from": draw(st.sampled_from(PARTIES)), "for": draw(st.sampled_from(KINDS))}
        if draw(st.booleans()):
            test["on"] = "who"  # keyed: the consent must be for the move's `who`
        return {"consent": test}
    if which == "happened":
        return {"happened": draw(st.sampled_from(KINDS))}
    if which == "clause_ended":
        return {"clause_ended": draw(st.sampled_from(CLAUSES))}
    if which == "flag":
        return {"flag": draw(st.sampled_from(FLAGS))}
    return {"in_set": {"set": "s1", "field": "who"}}


@st.composite
def expression(draw: st.DrawFn, moves: bool = True, depth: int = 0) -> Any:
    """An arithmetic expression; `moves`: it may read the move's `amount` (not on changes)."""
    leaves = [
        st.integers(0, 120),
        st.just({"value": "v1"}),
        st.just({"value": "v2"}),
        st.just({"measure": "m1"}),
    ]
    if moves:
        leaves += [st.just("{amount}"), st.just({"measure": "mp1"})]
    if depth < 2 and draw(st.integers(0, 2)) == 0:
        word = draw(st.sampled_from(["add", "sub", "mul", "max", "min", "pct"]))
        parts = [draw(expression(moves, depth + 1)), draw(expression(moves, depth + 1))]
        if word == "pct":
            parts[1] = draw(st.integers(0, 100))
        return {word: parts}
    return draw(st.one_of(*leaves))


@st.composite
def consequence(draw: st.DrawFn) -> dict[str, Any]:
    which = draw(
        st.sampled_from(
            [
                "end_clause",
                "add_to_set",
                "set_flag",
                "end_partnership",
                "record_consent",
                "grant_right",
                "set_value",
                "add_to_value",
            ]
        )
    )
    if which in ("set_value", "add_to_value"):
        key = "to" if which == "set_value" else "amount"
        value = draw(st.sampled_from(["v1", "v2"]))
        return {which: {"value": value, key: draw(expression(moves=False))}}
    if which == "end_clause":
        return {"end_clause": draw(st.sampled_from(CLAUSES))}
    if which == "add_to_set":
        return {"add_to_set": {"set": "s1", "entity": draw(st.sampled_from(ENTITIES))}}
    if which == "set_flag":
        return {"set_flag": draw(st.sampled_from(FLAGS))}
    if which == "end_partnership":
        return {"end_partnership": True}
    if which == "record_consent":
        record: dict[str, Any] = {
            "from": draw(st.sampled_from(PARTIES)),
            "for": draw(st.sampled_from(KINDS)),
        }
        if draw(st.booleans()):
            record["on"] = draw(st.sampled_from(ENTITIES))
        if draw(st.booleans()):
            record["once"] = True
        return {"record_consent": record}
    return {
        "grant_right": {
            "to": draw(st.sampled_from(PARTIES)),
            "right": draw(st.sampled_from(["r1", "r2"])),
        }
    }


@st.composite
def trigger(draw: st.DrawFn, move_only: bool = False, term: bool = False) -> dict[str, Any]:
    if move_only or draw(st.integers(0, 4)) > 0:
        when: dict[str, Any] = {"move": draw(st.sampled_from(KINDS))}
        for name, cond in draw(st.lists(field_condition(), max_size=2)):
            when[name] = cond
        return when
    changes = ["set_joined", "partnership_ended", "clause_ended", "flag_set", "consent_recorded"]
    changes += ["period_ended", "period_ended"] + (["term_renewed", "term_ended"] if term else [])
    change = draw(st.sampled_from(changes))
    when = {"change": change}
    if change == "period_ended" and (not term or draw(st.integers(0, 3)) > 0):
        periods = ["calendar_quarter", "calendar_year"]
        when["period"] = draw(st.sampled_from(periods + ["contract_year", "term"] * term))
    if change == "set_joined" and draw(st.booleans()):
        when["entity"] = draw(st.sampled_from(ENTITIES))
    if change == "clause_ended" and draw(st.booleans()):
        when["clause"] = draw(st.sampled_from(CLAUSES))
    return when


@st.composite
def norm(draw: st.DrawFn, index: int, term: bool = False) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            [
                "prohibition",
                "prohibition",
                "consent",
                "entitlement",
                "termination",
                "trigger",
                "obligation",
                "expiry",
                "maintenance",
            ]
        )
    )
    n: dict[str, Any] = {
        "id": f"n{index}",
        "clause": draw(st.sampled_from(CLAUSES)),
        "kind": kind,
        "bearer": "p1",
        "beneficiary": draw(st.sampled_from(["p2", "p2", "other"])),
        "message": "{kind} by {actor}",
    }
    if kind == "expiry":
        n["on"] = iso(draw(dates))
        n["message"] = "expired"
    elif kind == "maintenance":  # kept after every move and passing of time
        n["keep"] = draw(
            st.lists(state_condition().filter(lambda c: not _reads_move(c)), min_size=1, max_size=2)
        )
        n["message"] = "lapsed on {date}"
    elif kind == "obligation":
        n["must"] = draw(trigger(move_only=True))
        n["message"] = "missed"
        if draw(st.integers(0, 2)) == 0:
            n["by"] = iso(draw(dates))
        else:
            n["when"] = draw(trigger(move_only=draw(st.booleans()), term=term))
            if draw(st.integers(0, 3)) == 0:
                n["by"] = iso(draw(dates))  # `when` + `by`: each start is due on that date
            else:
                n["within_days"] = draw(st.integers(1, 120))
                if draw(st.integers(0, 3)) == 0:
                    n["restart"] = "on_fulfil"
            by_move = "move" in n["when"]
            per: list[Any] = [{"per": "who"}] if by_move else []
            instances = draw(st.sampled_from([None, None, "each", "once", *per]))
            if instances is not None:
                n["instances"] = instances
            binding = draw(st.sampled_from([None, None, "who", "amount", "until"]))
            if not by_move:
                binding = None
            if binding == "who":
                n["must"]["who"] = draw(st.sampled_from(["{who}", {"not": "{who}"}]))
            elif binding is not None:
                op = draw(st.sampled_from(["gt", "gte", "lt", "lte", "not"]))
                n["must"][binding] = {op: "{" + binding + "}"}
            if by_move:
                n["message"] = "missed {who} of {actor}, due {due}"
        if draw(st.integers(0, 3)) == 0:
            n["shares_move"] = True  # met by a move that also meets another obligation
    else:
        n["when"] = draw(trigger(move_only=kind == "consent", term=term))
        if "change" in n["when"]:
            n["message"] = "changed"
    if kind == "consent":
        n["consent_of"] = draw(st.sampled_from(["p2", "other"]))
    pattern = n.get("must") if kind == "obligation" else n.get("when")
    if pattern and "move" in pattern and draw(st.integers(0, 3)) == 0:
        n["bearer"] = "either"  # one norm per contracting party, bound to its moves
    if kind == "entitlement":
        n["grants"] = draw(st.sampled_from(["right one", "right two"]))
    if kind == "termination":
        if draw(st.integers(0, 2)) == 0:  # by notice, perhaps withdrawn
            n["takes_effect"] = {"days_after": draw(st.integers(1, 120))}
            if draw(st.booleans()):
                n["withdrawn_by"] = draw(st.sampled_from(KINDS))
        n["ends"] = (
            "partnership"
            if draw(st.booleans())
            else draw(st.lists(st.sampled_from(CLAUSES), min_size=1, max_size=2, unique=True))
        )
    if kind not in ("expiry", "obligation"):
        n["if"] = draw(st.lists(state_condition(), max_size=1))
        n["unless"] = draw(st.lists(state_condition(), max_size=2))
        if draw(st.booleans()):
            n["then"] = draw(st.lists(consequence(), min_size=1, max_size=2))
    if kind != "expiry" and draw(st.integers(0, 3)) == 0:
        start = draw(dates)
        n["from"] = iso(start)
        n["until"] = iso(start + dt.timedelta(days=draw(st.integers(0, 400))))
    n["severity"] = draw(st.sampled_from(["blocking", "warning", "info"]))
    if "when" in n and "move" in n["when"] and "in_set" in str(n.get("if", [])):
        pass  # in_set on the field `who`, which every move kind has
    elif "change" in n.get("when", {}) or kind == "maintenance":
        n["if"] = [c for c in n.get("if", []) if not _reads_move(c)]
        n["unless"] = [c for c in n.get("unless", []) if not _reads_move(c)]
    return n


def _reads_move(condition: Any) -> bool:
    """A condition that reads a field of the move, which a change does not have."""
    text = str(condition)
    return "in_set" in text or "'on'" in text or "'mp" in text or "{amount}" in text


@st.composite
def contract_files(draw: st.DrawFn) -> dict[str, Any]:
    """The contract as YAML-ready data: {"contract": ..., "rules": ...}."""
    event_kinds = []
    for kind in KINDS:
        effects = draw(
            st.lists(
                st.sampled_from(
                    [
                        {"add_to_set": {"set": "s1", "entity": "{who}"}},
                        {"record_consent": {"from": "p2", "for": draw(st.sampled_from(KINDS))}},
                        {"add_to_value": {"value": "v1", "amount": "{amount}"}},
                        {"set_value": {"value": "v2", "to": draw(expression())}},
                        {
                            "record_consent": {
                                "from": draw(st.sampled_from(PARTIES)),
                                "for": draw(st.sampled_from(KINDS)),
                                "on": "{who}",
                                "once": draw(st.booleans()),
                            }
                        },
                    ]
                ),
                max_size=1,
            )
        )
        event_kinds.append(
            {
                "id": kind,
                "title": f"kind {kind}",
                "fields": {
                    "who": {"type": "entity"},
                    "amount": {"type": "number", "required": False},
                    "until": {"type": "date", "required": False},
                },
                "phrases": [f"{kind} {{who}}"],
                "effects": effects,
            }
        )
    has_term = draw(st.booleans())
    tail = draw(st.sampled_from([0, 0, 30, 200]))  # clause c3 survives the partnership so long
    norms = [draw(norm(i, has_term)) for i in range(draw(st.integers(1, 7)))]
    for i, n in enumerate(norms):  # overrides: a norm beats another listening for the same kind
        rivals = [
            m["id"]
            for j, m in enumerate(norms)
            if j != i
            and _route(m) is not None
            and _route(m) == _route(n)
            and not _overrides_through(norms, m["id"], n["id"])  # a cycle is a load error
        ]
        if rivals and draw(st.integers(0, 2)) == 0:
            n["overrides"] = [draw(st.sampled_from(rivals))]
    contract: dict[str, Any] = {
        "contract": {
            "id": "generated",
            "title": "Generated",
            "as_of": iso(START),
            "rules": ["rules.yaml"],
            **draw(
                st.sampled_from([{}, {"accrued_duties": "survive"}, {"accrued_duties": "lapse"}])
            ),
            **({"effective": iso(draw(dates))} if draw(st.integers(0, 3)) == 0 else {}),
        },
        "parties": [
            {"id": "p1", "name": "P1", "affiliates": ["P1 Sub"]},
            {"id": "p2", "name": "P2"},
            {"id": "p3", "name": "P3", "role": "third_party"},  # never named by either/other
        ],
        "entities": [{"id": e, "name": e.upper()} for e in ENTITIES],
        "clauses": [
            {
                "id": c,
                "title": c,
                "text": "t",
                "source": "s",
                "survives_termination": c == "c4",
                **({"survives": {"days": tail}} if c == "c3" and tail else {}),
            }
            for c in CLAUSES
        ],
        "sets": [
            {
                "id": "s1",
                "title": "set one",
                "members": draw(st.lists(st.sampled_from(ENTITIES), max_size=2, unique=True)),
            }
        ],
        "state": {"partnership": "in_force", "consents": [], "flags": []},
    }
    windows: list[Any] = [
        "all",
        "calendar_quarter",
        "calendar_year",
        {"rolling_days": draw(st.integers(30, 400))},
    ]
    windows += ["contract_year", "term"] if has_term else []
    contract["measures"] = [
        {
            "id": m,
            **({"count": True} if draw(st.booleans()) else {"sum": "amount"}),
            "of": draw(st.sampled_from(KINDS)),
            **({"per": "who"} if m.startswith("mp") else {}),
            **({"where": {"amount": {"gt": draw(st.integers(0, 100))}}} if m == "m2" else {}),
            "over": copy.deepcopy(draw(st.sampled_from(windows))),  # no YAML aliases
        }
        for m in MEASURES
    ]
    contract["values"] = [{"id": "v1", "initial": 0}, {"id": "v2", "initial": 50}]
    if has_term:
        term: dict[str, Any] = {
            "start": iso(START + dt.timedelta(days=draw(st.integers(0, 60)))),
            "initial": {"months": draw(st.integers(1, 12))},
            "notice_days": draw(st.integers(0, 90)),
            "non_renewal": "k3",
        }
        if draw(st.integers(0, 3)) > 0:
            term["renews"] = {"months": draw(st.integers(1, 6))}
        contract["contract"]["term"] = term
    return {"contract": contract, "rules": {"event_kinds": event_kinds, "norms": norms}}


@st.composite
def timeline(draw: st.DrawFn) -> tuple[list[dict[str, Any]], str]:
    moves = []
    for _ in range(draw(st.integers(0, 5))):
        move: dict[str, Any] = {
            "kind": draw(st.sampled_from(KINDS)),
            "who": draw(st.sampled_from(ENTITIES)),
        }
        if draw(st.booleans()):
            move["amount"] = draw(st.integers(0, 100))
        if draw(st.booleans()):
            move["until"] = iso(draw(dates))
        if draw(st.booleans()):
            move["date"] = iso(draw(dates))
        move["actor"] = "p1"  # the kinds name no actor: any party may make them
        if draw(st.integers(0, 4)) == 0:
            move["actor"] = draw(st.sampled_from(["p2", "p2", "P1 Sub", "p3"]))
        moves.append(move)
    return moves, iso(draw(dates))


def _overrides_through(norms: list[dict[str, Any]], start: str, goal: str) -> bool:
    """Whether `start` overrides `goal`, directly or through the norms it overrides."""
    by_id = {n["id"]: n for n in norms}
    seen: set[str] = set()
    todo = [start]
    while todo:
        at = todo.pop()
        if at == goal:
            return True
        if at not in seen:
            seen.add(at)
            todo.extend(by_id[at].get("overrides", []) if at in by_id else [])
    return False


def _route(n: dict[str, Any]) -> tuple[str, Any] | None:
    when = n.get("when")
    if n["kind"] in ("obligation", "expiry") or not when:
        return None
    return ("move", when["move"]) if "move" in when else ("change", when["change"])


def write(files: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rules.yaml").write_text(yaml.safe_dump(files["rules"], sort_keys=False))
    path = folder / "contract.yaml"
    path.write_text(yaml.safe_dump(files["contract"], sort_keys=False))
    return path
