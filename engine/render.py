"""The report as text for people. It answers first: the verdict with its counts, then what
blocks the moves, then warnings and consequences, then what changed; the evidence, the why-not
of every norm and the full state only when asked (`verbose`).

The report becomes a list of styled lines once; the same lines are written plain (piped, tests)
or coloured (a terminal, through rich), wrapped to the width of the screen, with Unicode or ASCII
symbols as the output's encoding allows.
"""

from __future__ import annotations

import codecs
import os
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from engine.report import DeadlineView, Finding, Report, StateView
from engine.summary import Counts
from engine.values import show_number


@dataclass(frozen=True)
class Symbols:
    blocking: str
    warning: str
    consequence: str
    waived: str
    notice: str
    held: str
    failed: str
    arrow: str
    dash: str

    def all(self) -> str:
        return "".join(vars(self).values())


UNICODE = Symbols("✗", "⚠", "•", "~", "?", "✓", "✗", "→", "—")
ASCII = Symbols("x", "!", "-", "~", "?", "+", "x", "->", "-")

# The groups of Report.groups(), in the order they are listed: title, symbol, style.
_GROUPS = (
    ("blocking", "Blocking conflicts", "blocking", "red"),
    ("warning", "Warnings", "warning", "yellow"),
    ("consequence", "Consequences", "consequence", "cyan"),
    ("waived", "Waived", "waived", "magenta"),
    ("notice", "Notices", "notice", "blue"),
)


_BY_RULE = re.compile(r"^violated by .* \(([^()]+)\)$")  # a clause note: "... on DATE (rule)"


@dataclass(frozen=True)
class Line:
    """One logical line: wrapped lines after the first are indented `hang` more."""

    text: str
    style: str = ""
    indent: int = 0
    hang: int = 2


def symbols_for(encoding: str | None) -> Symbols:
    """Unicode symbols when the output encoding can carry them, else ASCII."""
    try:
        codecs.encode(UNICODE.all(), encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII
    return UNICODE


def verdict_line(
    report: Report, symbols: Symbols = UNICODE, groups: dict[str, list[Finding]] | None = None
) -> str:
    """The first line: the verdict and one count per group listed below it (the counts of
    the summary every output shows, engine/summary.py)."""
    groups = groups if groups is not None else report.groups()
    counts = Counts(**{key: len(groups[key]) for key, _, _, _ in _GROUPS})
    return f"Verdict: {report.verdict.upper()} {symbols.dash} {counts.phrase()}"


def report_lines(report: Report, verbose: bool = False, symbols: Symbols = UNICODE) -> list[Line]:
    """The report as logical lines, in the order a reader needs them."""
    if report.readings is not None and not report.readings.agree:
        from engine.readings import reading_lines  # readings that differ: one part per reading

        return reading_lines(report, verbose, symbols)
    name = report.name
    groups = report.groups()  # the counts of the first line and the lists below: one source
    lines = [
        Line(
            verdict_line(report, symbols, groups),
            "bold red" if report.exit_code else "bold green",
        ),
        Line(f"Contract: {report.contract_title} ({report.contract})"),
        Line(f"Check date: {report.check_date}"),
    ]
    moves = report.moves
    for i, move in enumerate(moves, 1):
        what = f"{move.describe()} ({move.date}) {symbols.arrow} {name(move.kind)} by {name(move.actor)}"
        if len(moves) == 1:
            lines.append(Line(f"Move: {what}"))
        else:
            if i == 1:
                lines.append(Line("Moves:"))
            lines.append(Line(f"{i}. {what}", indent=2, hang=3))
        if verbose and move.reading:  # what the engine understood, before trusting its verdict
            lines.append(Line(f"read as: {move.reading}", "dim", indent=5 if len(moves) > 1 else 2))
    lines += [Line(f"Note: {note}", "yellow") for note in report.notes]
    for key, title, symbol, style in _GROUPS:
        items = groups[key]
        if items:
            lines += [Line(""), Line(f"{title} ({len(items)})", "bold")]
            for finding in items:
                lines += _finding(
                    finding, getattr(symbols, symbol), style, report, verbose, symbols
                )
    lines += [Line(""), Line("What changed", "bold")]
    changed = _changes(report, symbols)
    lines += [Line(c, indent=2) for c in changed] or [Line("nothing", indent=2)]
    if verbose:
        lines += _why_not(report)
        after = report.state["after"]
        lines += [Line(""), Line(f"State after ({after.date})", "bold")]
        lines += _state(after, report)
    if report.notice:
        lines += [Line(""), Line(f"Notice: {report.notice}", "dim", hang=0)]
    return lines


def _label(f: Finding) -> str:
    if not f.rule:
        return ""
    if f.clause == f.rule:
        return f"{f.rule} ({f.clause_title})"
    return f"{f.rule} (clause {f.clause}: {f.clause_title})"


def _finding(
    f: Finding, symbol: str, style: str, report: Report, verbose: bool, symbols: Symbols
) -> list[Line]:
    where = ""
    if f.move is None:
        where = f" [{f.move_text}]"
    elif len(report.moves) > 1:
        where = f" [move {f.move + 1}]"
    head = f"{symbol} {_label(f)}{where}: " if f.rule else f"{symbol}{where} "
    lines = [Line(head + f.message, style, indent=2)]
    if f.waived:
        lines.append(Line(f"WAIVED: {f.waived}", indent=4))
    if verbose:
        if f.evidence:
            lines.append(Line("why:", indent=4))
            for e in f.evidence:
                mark = symbols.held if e.held else symbols.failed
                lines.append(Line(f"{mark} {e.condition} {symbols.dash} {e.value}", indent=6))
        if f.effects:
            lines.append(Line("sets off: " + "; ".join(f.effects), indent=4))
        if f.source:
            lines.append(Line(f"source: {f.source}", "dim", indent=4))
    return lines


def _changes(report: Report, symbols: Symbols) -> list[str]:
    """What the moves changed, from the state before to the state after."""
    before, after = report.state["before"], report.state["after"]
    name, arrow = report.name, symbols.arrow
    out: list[str] = []
    with_partnership: list[str] = []
    if before.partnership != after.partnership:
        by = f" ({after.partnership_ended_by})" if after.partnership_ended_by else ""
        out.append(
            f"partnership: {_words(before.partnership)} {arrow} {_words(after.partnership)}{by}"
        )
    for clause, now in after.clauses.items():
        was = before.clauses.get(clause)
        if was is not None and (was.status, was.note) == (now.status, now.note):
            if was.until != now.until:
                if was.until is None:
                    out.append(f"{clause}: end date set to {now.until}")
                elif now.until is None:
                    out.append(f"{clause}: end date {was.until} removed (no end)")
                else:
                    out.append(f"{clause}: end date {was.until} {arrow} {now.until}")
            continue
        if (
            now.status == "ended"
            and before.partnership == "in_force"
            and after.partnership == "ended"
            and (now.note or "").startswith("the partnership has ended")
        ):
            with_partnership.append(clause)
            continue
        old = _words(was.status) if was else "absent"
        new = _words(now.status)
        by_rule = _BY_RULE.match(now.note or "") if now.status == "violated" else None
        if by_rule:  # the conflict above says how: name the norm only
            new += f" ({by_rule.group(1)})"
        elif now.note:
            new += f" ({now.note})"
        out.append(f"{clause}: {old} {arrow} {new}")
    if with_partnership:
        out.append("ended with the partnership: " + ", ".join(with_partnership))
    for set_id, members in after.sets.items():
        for member in sorted(set(members) - set(before.sets.get(set_id, ()))):
            out.append(f"{name(member)} joined {name(set_id)}")
    out += [_in_names(c, report) for c in sorted(set(after.consents) - set(before.consents))]
    had = {(r.party, r.right) for r in before.rights}
    out += [
        f"{name(r.party)} gained {r.right}" for r in after.rights if (r.party, r.right) not in had
    ]
    out += [f"flag {flag} set" for flag in after.flags if flag not in before.flags]
    out += [
        f"value {k}: {show_number(before.values[k]) if k in before.values else 'unset'} "
        f"{symbols.arrow} {show_number(v)}"
        for k, v in after.values.items()
        if before.values.get(k) != v
    ]
    out += [
        f"notice of termination: {n}" for n in after.terminations if n not in before.terminations
    ]

    def key(
        d: DeadlineView,
    ) -> tuple[object, ...]:  # one obligation may have several instances open
        return (d.rule, d.instance, d.due, d.started_by)

    pending = {key(d) for d in after.deadlines}
    met = {o.rule for o in report.outcomes if o.status == "met"}
    for d in before.deadlines:
        if key(d) not in pending:
            out.append(
                f"deadline {_deadline_name(d)} (due {d.due}) {'met' if d.rule in met else 'passed'}"
            )
    was_pending = {key(d) for d in before.deadlines}
    out += [
        f"deadline {_deadline_name(d)} started, due {d.due} ({d.started_by})"
        for d in after.deadlines
        if key(d) not in was_pending
    ]
    was_accrued = {key(d) for d in before.deadlines if d.accrued}
    out += [
        f"deadline {_deadline_name(d)} survives as an accrued duty, due {d.due} "
        "(accrued: its clause has ended)"
        for d in after.deadlines
        if d.accrued and key(d) not in was_accrued
    ]
    return out


def _deadline_name(d: DeadlineView) -> str:
    return f"{d.rule} [{d.instance}]" if d.instance else d.rule


_ID = re.compile(r"[\w-]+")


def _in_names(text: str, report: Report) -> str:
    """Text the state holds with ids ("microsoft consented to conversion on aws"), named."""
    return _ID.sub(lambda m: report.name(m.group(0)), text)


def _words(status: str) -> str:
    return status.replace("_", " ")


def _why_not(report: Report) -> list[Line]:
    lines: list[Line] = []
    # a norm that listens for changes hears every change of a move ("clause_ended" for each
    # clause the end of the partnership ends): it is said once, and not at all where it applied
    fired = {(o.rule, o.move) for o in report.outcomes if o.status in ("applied", "waived")}
    unheard: dict[tuple[str, int | None], int] = {}
    for o in report.outcomes:
        if o.status == "not_triggered":
            unheard[(o.rule, o.move)] = unheard.get((o.rule, o.move), 0) + 1
    not_applied = [o for o in report.outcomes if o.status not in ("applied", "waived")]
    if not_applied:
        lines += [Line(""), Line("Why not (norms considered that did not apply):", "bold")]
        said: set[tuple[str, int | None]] = set()
        for o in not_applied:
            key = (o.rule, o.move)
            if o.status == "not_triggered":
                if key in fired or key in said:
                    continue
                said.add(key)
            where = f"move {o.move + 1}" if o.move is not None else "time"
            reason = o.reason
            if o.status == "not_triggered" and unheard[key] > 1:
                reason = reason.replace(
                    "not triggered: ", f"not triggered by any of {unheard[key]} changes, e.g. ", 1
                )
            lines.append(Line(f"- {o.rule} ({o.clause}), {where}: {reason}", indent=2))
    if report.other_norms:
        lines += [
            Line(""),
            Line(
                f"Not considered: {report.other_norms} norm(s) listen for other kinds of moves "
                "or values."
            ),
        ]
    return lines


def _state(view: StateView, report: Report) -> list[Line]:
    name = report.name
    partnership = _words(view.partnership)
    if view.partnership_ended_by:
        partnership += f" (by {view.partnership_ended_by})"
    lines = [Line(f"partnership: {partnership}", indent=2)]
    for clause, state in view.clauses.items():
        extra = f" - {state.note}" if state.note else ""
        until = f" (until {state.until})" if state.until else ""
        lines.append(Line(f"{clause}: {_words(state.status)}{until}{extra}", indent=2))
    for set_id, members in view.sets.items():
        shown = ", ".join(name(m) for m in members) or "(empty)"
        lines.append(Line(f"{name(set_id)}: {shown}", indent=2))
    if view.rights:
        rights = "; ".join(f"{name(r.party)}: {r.right}" for r in view.rights)
        lines.append(Line(f"rights: {rights}", indent=2))
    if view.deadlines:
        due = "; ".join(
            f"{_deadline_name(d)} due {d.due}"
            + (" (accrued: its clause has ended)" if d.accrued else "")
            for d in view.deadlines
        )
        lines.append(Line(f"deadlines: {due}", indent=2))
    if view.consents:
        consents = "; ".join(_in_names(c, report) for c in view.consents)
        lines.append(Line(f"consents: {consents}", indent=2))
    if view.flags:
        lines.append(Line("flags: " + ", ".join(view.flags), indent=2))
    for notice in view.terminations:
        lines.append(Line(f"notice of termination: {notice}", indent=2))
    if view.values:
        shown = ", ".join(f"{k} = {show_number(v)}" for k, v in view.values.items())
        lines.append(Line(f"values: {shown}", indent=2))
    return lines


def wrap(lines: Iterable[Line], width: int | None) -> list[tuple[str, str]]:
    """Physical lines with their style: wrapped to `width` (None: never wrapped). Words are
    not broken at hyphens, so rule ids stay whole for grep."""
    out: list[tuple[str, str]] = []
    for line in lines:
        first = " " * line.indent
        if width is None or not line.text:
            out.append((first + line.text, line.style))
            continue
        rest = " " * (line.indent + line.hang)
        parts = textwrap.wrap(
            line.text,
            width=width,
            initial_indent=first,
            subsequent_indent=rest,
            break_on_hyphens=False,
        )
        out += [(p, line.style) for p in parts or [first]]
    return out


def render_text(
    report: Report, verbose: bool = False, width: int | None = None, symbols: Symbols = UNICODE
) -> str:
    """The report as plain text, wrapped to `width` columns (None: one line per item)."""
    return "".join(text + "\n" for text, _ in wrap(report_lines(report, verbose, symbols), width))


def write_report(report: Report, stream: IO[str], verbose: bool = False) -> None:
    """Write the text report: coloured and wrapped on a terminal (rich), plain when piped,
    ASCII symbols when the stream's encoding cannot carry the Unicode ones."""
    symbols = symbols_for(getattr(stream, "encoding", None))
    if not _may_be_terminal(stream):  # piped: plain text without importing rich (~50 ms)
        stream.write(render_text(report, verbose, None, symbols))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    lines = report_lines(report, verbose, symbols)
    if not console.is_terminal:
        stream.write("".join(text + "\n" for text, _ in wrap(lines, None)))
        return
    for text, style in wrap(lines, console.width):
        console.print(Text(text, style=style or ""))


def _may_be_terminal(stream: IO[str]) -> bool:
    """False where rich's Console would surely say the stream is not a terminal: not a tty and
    none of the variables that make rich treat it as one (FORCE_COLOR, TTY_COMPATIBLE)."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except ValueError:  # a closed stream
        return False
