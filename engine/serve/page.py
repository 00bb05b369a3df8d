"""The web page at `/`: a form rendered on the server, and a small script (static/page.js) that
sends the check and draws the result. The query string holds the contract, the date and the
moves, so a check can be shared as a link; without JavaScript the form still fills the URL."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from starlette.datastructures import QueryParams

from engine.serve.registry import Registry
from engine.serve.schemas import MAX_MOVES_PER_REQUEST, suggestions


def _attrs(values: Mapping[str, str | None]) -> str:
    return "".join(
        f' {k}="{escape(v, quote=True)}"' if v is not None else f" {k}" for k, v in values.items()
    )


def _move_row(value: str) -> str:
    return (
        '<li class="move"><input name="move" list="phrases" autocomplete="off" '
        f'placeholder="e.g. partner with Google Cloud" aria-label="move"{_attrs({"value": value})}>'
        '<button type="button" class="remove" aria-label="remove this move">&times;</button></li>'
    )


def render_page(registry: Registry, query: QueryParams, token: bool = False) -> str:
    """The page; behind a token (`token`), without any contract data: the script lists the
    contracts once the user has given the token."""
    entries = {
        cid: e for cid, e in registry.entries().items() if e.contract is not None and not token
    }
    chosen = query.get("contract") or ""
    if chosen not in entries:
        chosen = next(iter(entries), "")
    moves = [m for m in query.getlist("move") if m.strip()][:MAX_MOVES_PER_REQUEST] or [""]
    at = query.get("at") or ""
    options = "".join(
        f"<option{_attrs({'value': cid, 'selected': None} if cid == chosen else {'value': cid})}>"
        f"{escape(e.contract.title)} ({escape(cid)})</option>"
        for cid, e in entries.items()
        if e.contract is not None
    )
    contract = entries[chosen].contract if chosen else None
    phrases = "".join(
        f"<option{_attrs({'value': s})}></option>"
        for s in (suggestions(contract) if contract else [])
    )
    notice = (
        f'<p class="notice">{escape(contract.spec.contract.contract.notice)}</p>'
        if contract is not None and contract.spec.contract.contract.notice
        else ""
    )
    as_of = contract.as_of.isoformat() if contract is not None else ""
    rows = "".join(_move_row(m) for m in moves)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>contract-engine: check moves</title>
<link rel="stylesheet" href="/static/page.css">
<script src="/static/page.js" defer></script>
</head>
<body>
<header><h1>contract-engine</h1><p>Check proposed moves against a contract written as rules.</p></header>
<main>
<form id="check" method="get" action="/"{' data-token="required"' if token else ""}>
  <label>Contract <select name="contract" id="contract">{options}</select></label>
  <div id="notice">{notice}</div>
  <fieldset>
    <legend>Moves, one per line, in plain words (prefix <code>YYYY-MM-DD: </code> to date one)</legend>
    <ol id="moves">{rows}</ol>
    <button type="button" id="add">Add a move</button>
  </fieldset>
  <label>Check date <input type="date" name="at" id="at"{_attrs({"value": at, "placeholder": as_of})}></label>
  <span class="hint">default: the contract's date, <span id="as-of">{escape(as_of)}</span></span>
  <p><button type="submit" id="submit">Check</button></p>
  <datalist id="phrases">{phrases}</datalist>
</form>
<section id="result" aria-live="polite"></section>
</main>
<footer>API: <a href="/openapi.json">OpenAPI document</a></footer>
</body>
</html>
"""
