"""The report as text for people: verdict first, then why, then why not, then the state."""

from __future__ import annotations

from engine.report import Finding, Report, StateView
from engine.values import show_number


def _finding(f: Finding, lines: list[str]) -> None:
    head = (
        f"[{f.severity.value}] {f.rule} ({f.clause}: {f.clause_title})"
        if f.rule
        else f"[{f.severity.value}]"
    )
    lines.append(f"  - {head}")
    lines.append(f"    {f.message}")
    lines.append(f"    move: {f.move_text} ({f.date})")
    if f.waived:
        lines.append(f"    WAIVED: {f.waived}")
    if f.evidence:
        lines.append("    why:")
        for e in f.evidence:
            mark = "✓" if e.held else "✗"
            lines.append(f"      {mark} {e.condition} — {e.value}")
    if f.effects:
        lines.append("    sets off: " + "; ".join(f.effects))
    if f.source:
        lines.append(f"    source: {f.source}")


def _state(view: StateView, lines: list[str]) -> None:
    partnership = view.partnership.replace("_", " ")
    if view.partnership_ended_by:
        partnership += f" (by {view.partnership_ended_by})"
    lines.append(f"    partnership: {partnership}")
    for clause, state in view.clauses.items():
        extra = f" — {state.note}" if state.note else ""
        until = f" (until {state.until})" if state.until else ""
        lines.append(f"    {clause}: {state.status.replace('_', ' ')}{until}{extra}")
    if view.rights:
        lines.append("    rights: " + "; ".join(f"{r.party}: {r.right}" for r in view.rights))
    for notice in view.terminations:
        lines.append(f"    notice of termination: {notice}")
    if view.deadlines:
        lines.append(
            "    deadlines: "
            + "; ".join(
                f"{d.rule}{f' [{d.instance}]' if d.instance else ''} due {d.due}"
                + (" (accrued: its clause has ended)" if d.accrued else "")
                for d in view.deadlines
            )
        )
    if view.consents:
        lines.append("    consents: " + "; ".join(view.consents))
    if view.flags:
        lines.append("    flags: " + ", ".join(view.flags))
    if view.values:
        shown = (f"{k} = {show_number(v)}" for k, v in view.values.items())
        lines.append("    values: " + ", ".join(shown))


def render_text(report: Report) -> str:
    lines: list[str] = []
    lines.append(f"Contract: {report.contract_title} ({report.contract})")
    if report.notice:
        lines.append(f"Note: {report.notice}")
    lines.append(f"Check date: {report.check_date}")
    lines.append("Moves:")
    for i, move in enumerate(report.moves, 1):
        lines.append(f"  {i}. {move.describe()} ({move.date}) -> {move.kind}, actor {move.actor}")
    blocking = sum(1 for f in report.conflicts if f.severity.value == "blocking")
    lines.append(
        f"Verdict: {report.verdict.upper()} — {blocking} blocking, "
        f"{len(report.conflicts) - blocking} warning(s), {len(report.consequences)} consequence(s), "
        f"{len(report.waived)} waived, {len(report.notices)} notice(s)"
    )
    for title, items in (
        ("Conflicts", report.conflicts),
        ("Consequences", report.consequences),
        ("Waived", report.waived),
        ("Notices", report.notices),
    ):
        if items:
            lines.append(f"{title}:")
            for f in items:
                _finding(f, lines)
    not_applied = [o for o in report.outcomes if o.status not in ("applied", "waived")]
    if not_applied:
        lines.append("Why not (norms considered that did not apply):")
        for o in not_applied:
            where = f"move {o.move + 1}" if o.move is not None else "time"
            lines.append(f"  - {o.rule} ({o.clause}), {where}: {o.reason}")
    if report.other_norms:
        lines.append(
            f"Not considered: {report.other_norms} norm(s) listen for other kinds of moves or values."
        )
    lines.append(f"State before ({report.state['before'].date}):")
    _state(report.state["before"], lines)
    lines.append(f"State after ({report.state['after'].date}):")
    _state(report.state["after"], lines)
    return "\n".join(lines) + "\n"
