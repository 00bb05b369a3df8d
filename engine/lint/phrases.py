"""Phrases two kinds of move both match: the same words would mean two kinds of move."""

from __future__ import annotations

import re

from engine.lint.context import Lint
from engine.load import line_of, load_yaml_file
from engine.phrases import normalise
from engine.templates import HOLE

CHECKS = {
    "duplicate-phrase": (
        "bounded: each phrase tried with sample words",
        "words that two kinds of move both match",
    ),
}


def phrase_lines(lint: Lint) -> dict[tuple[str, int], tuple[str, int | None]]:
    """Where each kind (index -1) and each of its phrases is written: file and line."""
    lines: dict[tuple[str, int], tuple[str, int | None]] = {}
    for path in lint.spec.rule_files:
        raw = load_yaml_file(path)
        kinds = raw.get("event_kinds", []) if isinstance(raw, dict) else []
        for k_index, kind in enumerate(kinds):
            if not isinstance(kind, dict) or "id" not in kind:
                continue
            lines[(str(kind["id"]), -1)] = (str(path), line_of(raw, ("event_kinds", k_index)))
            for p_index, _ in enumerate(kind.get("phrases", []) or []):
                lines[(str(kind["id"]), p_index)] = (
                    str(path),
                    line_of(raw, ("event_kinds", k_index, "phrases", p_index)),
                )
    return lines


def run(lint: Lint) -> None:
    lines = phrase_lines(lint)
    compiled: list[tuple[str, int, str, re.Pattern[str]]] = []
    for kind in lint.spec.event_kinds.values():
        for index, phrase in enumerate(kind.phrases):
            text = normalise(phrase.text)
            pattern = (
                "^"
                + "".join(
                    re.escape(part) if i % 2 == 0 else ".+?"
                    for i, part in enumerate(HOLE.split(text))
                )
                + "$"
            )
            compiled.append((kind.id, index, text, re.compile(pattern, re.I)))
    reported: set[tuple[str, str]] = set()
    for kind_id, index, text, _ in compiled:
        sample = HOLE.sub("sample words", text)
        for other, o_index, other_text, regex in compiled:
            if other == kind_id or not regex.match(sample):
                continue
            key = tuple(sorted((f"{kind_id}:{text}", f"{other}:{other_text}")))
            if key in reported:
                continue
            reported.add((key[0], key[1]))
            same = HOLE.sub("{}", text) == HOLE.sub("{}", other_text)
            file, line = lines.get((kind_id, index), (str(lint.spec.path), None))
            o_file, o_line = lines.get((other, o_index), ("?", None))
            lint.add(
                None,
                "error" if same else "warning",
                "duplicate-phrase",
                f"phrase '{text}' of {kind_id} "
                + ("is also a phrase" if same else f"also matches phrase '{other_text}'")
                + f" of {other} ({o_file}:{o_line}): the words mean two kinds of move",
                file=file,
                line=line,
            )
