"""Kinds of move no norm and no feature mentions: such a move gets only 'no rule covers'."""

from __future__ import annotations

import re
from pathlib import Path

from engine.conditions import StateTest
from engine.lint.context import Lint
from engine.lint.phrases import phrase_lines

CHECKS = {"uncovered-kind": ("exact", "a kind of move no norm and no feature mentions")}


def run(lint: Lint) -> None:
    mentioned: set[str] = set(lint.contract.covered_kinds)  # what the engine reacts to
    for norm in lint.spec.norms:
        for trigger in (norm.trigger, norm.starts, norm.fulfils):
            if trigger is not None and trigger.source == "move":
                mentioned.add(trigger.kind)
        for test in (*norm.requires, *norm.exceptions):
            if isinstance(test, StateTest) and test.question in ("happened", "consent"):
                mentioned.add(test.args[-1])
    featured = featured_kinds(lint)
    lines = phrase_lines(lint)
    for kind in sorted(lint.spec.event_kinds):
        if kind in mentioned or kind in featured:
            continue
        file, line = lines.get((kind, -1), (str(lint.spec.path), None))
        lint.add(
            None,
            "info",
            "uncovered-kind",
            f"kind {kind}: no norm mentions it and no feature uses it: such a move is reported only as 'no rule covers'",
            file=file,
            line=line,
        )


def featured_kinds(lint: Lint) -> set[str]:
    """The kinds of the quoted moves in the contract's Gherkin features."""
    folder = lint.features or _features_near(lint.spec.path)
    found: set[str] = set()
    if folder is None:
        return found
    for feature in sorted(folder.rglob("*.feature")):
        for words in re.findall(r'"([^"]+)"', feature.read_text(encoding="utf-8")):
            try:
                found.add(lint.contract.parse_move(words).kind)
            except Exception:
                continue
    return found


def _features_near(path: Path) -> Path | None:
    for folder in [path.parent, *path.parent.parents][:4]:
        if (folder / "features").is_dir():
            return folder / "features"
    return None
