// contract-engine web page: send the moves, draw the report. No framework, no build step.
"use strict";

// The report's summary (engine/summary.py, the one every output counts from) as the page
// shows it: the verdict line, then one part per reading when readings differ (else one part),
// each with its findings by group. Pure, so a test runs it on the JSON the server sends.
const GROUPS = [
  ["blocking", "Blocking conflicts"], ["warning", "Warnings"], ["consequence", "Consequences"],
  ["waived", "Waived"], ["notice", "Notices"],
];

function counted(c) {
  return `${c.blocking} blocking, ${c.warning} warning(s), ${c.consequence} consequence(s), ` +
    `${c.waived} waived, ${c.notice} notice(s)`;
}

function view(report) {
  const summary = report.summary;
  const byId = Object.fromEntries(summary.findings.map((f) => [f.id, f]));
  const groups = (ids) => GROUPS.map(([key, title]) => ({
    key, title, findings: ids.map((id) => byId[id]).filter((f) => f.group === key),
  }));
  const parts = summary.by_reading
    ? summary.by_reading.map((r) => ({
      title: `Under ${r.label}${r.default ? ", the default" : ""}`,
      verdict: r.verdict, counts: r.counts, line: counted(r.counts), groups: groups(r.findings),
    }))
    : [{
      title: null, verdict: summary.verdict, counts: summary.counts, line: counted(summary.counts),
      groups: groups(summary.findings.map((f) => f.id)),
    }];
  const any = summary.by_reading ? " under any reading" : "";
  return {
    verdict: summary.verdict, counts: summary.counts,
    line: `${summary.verdict.toUpperCase()} — ${counted(summary.counts)}${any}`, parts,
  };
}

// A JSON pointer ("/readings/results/1/report/conflicts/0") into the report: a summary
// finding's whole record (evidence, effects, source).
function resolve(report, pointer) {
  return pointer.split("/").slice(1).reduce((node, key) => (node == null ? node : node[key]), report);
}

if (typeof module !== "undefined") module.exports = { view, resolve };

(function () {
  if (typeof document === "undefined") return; // loaded by a test, not a browser
  const form = document.getElementById("check");
  const movesList = document.getElementById("moves");
  const result = document.getElementById("result");
  const select = document.getElementById("contract");
  const clauses = {}; // clause id -> {title, text, source}, of the chosen contract
  const TOKEN_KEY = "contract-engine-token"; // this tab's session only, never sent elsewhere

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function moveRow(value) {
    const input = el("input", {
      name: "move", list: "phrases", autocomplete: "off", "aria-label": "move",
      placeholder: "e.g. partner with Google Cloud",
    });
    input.value = value || "";
    return el("li", { class: "move" }, input,
      el("button", { type: "button", class: "remove", "aria-label": "remove this move" }, "×"));
  }

  function moves() {
    return [...movesList.querySelectorAll("input[name=move]")]
      .map((input) => input.value.trim())
      .filter((value) => value !== "");
  }

  // -- the token of a server that needs one: typed once, kept in this tab's session storage,
  // sent as the "Authorization: Bearer" header the server expects with every call
  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  }

  function api(url, options) {
    const headers = { "Contract-Engine-Client": "page", ...((options || {}).headers || {}) };
    if (token()) headers.Authorization = `Bearer ${token()}`;
    return fetch(url, { ...(options || {}), headers });
  }

  function tokenField() {
    let input = document.getElementById("token");
    if (input) return input;
    input = el("input", {
      type: "password", id: "token", name: "token", autocomplete: "off",
      "aria-label": "access token", placeholder: "the server's access token",
    });
    input.value = token();
    const label = el("label", { id: "token-field" }, "Token ", input,
      el("span", { class: "hint" }, " kept in this tab only"));
    form.prepend(label);
    input.addEventListener("change", async () => {
      if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      else sessionStorage.removeItem(TOKEN_KEY);
      result.replaceChildren();
      await start();
    });
    return input;
  }

  function needToken(data) {
    const input = tokenField();
    input.focus();
    const said = token()
      ? "The server did not accept this token: type the token it was started with."
      : "This server needs its access token: type it in the Token field above.";
    result.replaceChildren(problem({ ...data, title: "Token needed", detail: said }));
  }

  async function listContracts() {
    // a server behind a token renders the page without its contracts: list them now
    if (select.options.length > 0) return true;
    const response = await api("/v1/contracts");
    const data = await response.json();
    if (response.status === 401) {
      needToken(data);
      return false;
    }
    if (!response.ok) {
      result.replaceChildren(problem(data));
      return false;
    }
    const wanted = new URLSearchParams(location.search).get("contract");
    select.replaceChildren(...data.contracts.map((c) =>
      el("option", { value: c.id }, `${c.title} (${c.id})`)));
    if (data.contracts.some((c) => c.id === wanted)) select.value = wanted;
    return true;
  }

  async function loadContract(id) {
    if (!id) return;
    const response = await api(`/v1/contracts/${encodeURIComponent(id)}`);
    if (response.status === 401) {
      needToken(await response.json());
      return;
    }
    if (!response.ok) return;
    const contract = await response.json();
    for (const key of Object.keys(clauses)) delete clauses[key];
    for (const clause of contract.clauses) clauses[clause.id] = clause;
    const list = document.getElementById("phrases");
    list.replaceChildren(...contract.suggestions.map((s) => el("option", { value: s })));
    document.getElementById("as-of").textContent = contract.as_of;
    document.getElementById("at").placeholder = contract.as_of;
    const notice = document.getElementById("notice");
    notice.replaceChildren(contract.notice ? el("p", { class: "notice" }, contract.notice) : "");
  }

  function shareableUrl(id, given, at) {
    const params = new URLSearchParams();
    params.set("contract", id);
    for (const move of given) params.append("move", move);
    if (at) params.set("at", at);
    return `${location.pathname}?${params}`;
  }

  async function runCheck(pushUrl) {
    const id = select.value;
    const given = moves();
    const at = document.getElementById("at").value;
    if (pushUrl) history.replaceState(null, "", shareableUrl(id, given, at));
    if (given.length === 0) {
      result.replaceChildren(el("p", { class: "problem" }, "Type at least one move."));
      return;
    }
    result.replaceChildren(el("p", { class: "busy" }, "Checking…"));
    const body = { moves: given };
    if (at) body.at = at;
    let response;
    try {
      response = await api(`/v1/contracts/${encodeURIComponent(id)}/timeline`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      result.replaceChildren(el("p", { class: "problem" }, `The server did not answer: ${error}`));
      return;
    }
    const data = await response.json();
    if (response.status === 401) {
      needToken(data);
      return;
    }
    if (!response.ok) {
      result.replaceChildren(problem(data));
      return;
    }
    result.replaceChildren(...render(data.report, data.steps));
  }

  function problem(data) {
    return el("div", { class: "problem", id: "problem" },
      el("h2", {}, data.title || "Error"),
      el("p", {}, data.detail || ""),
      (data.problems || []).length > 1
        ? el("ul", {}, data.problems.map((p) =>
          el("li", {}, `${p.file}${p.line ? ":" + p.line : ""}: ${p.message}`)))
        : null);
  }

  function finding(f, report) {
    const whole = resolve(report, f.pointer) || {};
    const clause = clauses[f.clause] || {};
    return el("li", { class: `finding ${f.severity}`, "data-id": f.id },
      el("p", { class: "head" },
        el("span", { class: `badge ${f.severity}` }, f.severity),
        " ", el("strong", {}, f.rule || ""),
        f.clause ? ` — ${f.clause_title || f.clause}` : ""),
      el("p", { class: "message" }, f.message),
      el("p", { class: "move" }, `move: ${f.move_text} (${f.date})`),
      f.waived ? el("p", { class: "waived" }, `waived: ${f.waived}`) : null,
      whole.evidence && whole.evidence.length
        ? el("ul", { class: "evidence" }, whole.evidence.map((e) =>
          el("li", { class: e.held ? "held" : "failed" },
            `${e.held ? "✓" : "✗"} ${e.condition} — ${e.value}`)))
        : null,
      whole.effects && whole.effects.length ? el("p", { class: "effects" }, `sets off: ${whole.effects.join("; ")}`) : null,
      clause.text ? el("blockquote", { class: "clause" }, clause.text) : null,
      whole.source ? el("p", { class: "source" }, `source: ${whole.source}`) : null);
  }

  function section(group, report, id, heading) {
    if (!group.findings.length) return null;
    return el("section", { id, class: `group ${group.key}` },
      el(heading, {}, `${group.title} (${group.findings.length})`),
      el("ul", { class: "findings" }, group.findings.map((f) => finding(f, report))));
  }

  function part(p, i, report) {
    const prefix = p.title === null ? "" : `reading-${i + 1}-`;
    const heading = p.title === null ? "h3" : "h4"; // a reading's groups sit under its heading
    const sections = p.groups.map((g) => section(g, report, prefix + g.key, heading));
    if (p.title === null) return sections;
    return el("section", { class: "reading", id: `reading-${i + 1}` },
      el("h3", {}, `${p.title}: `, el("strong", {}, p.verdict.toUpperCase()), ` — ${p.line}`),
      sections);
  }

  function whyNot(report) {
    const rows = report.outcomes.filter((o) => o.status !== "applied" && o.status !== "waived");
    if (!rows.length) return null;
    return el("section", { id: "why-not" },
      el("h3", {}, "Why not: norms considered that did not apply"),
      el("table", {},
        el("thead", {}, el("tr", {}, el("th", {}, "norm"), el("th", {}, "clause"),
          el("th", {}, "move"), el("th", {}, "status"), el("th", {}, "reason"))),
        el("tbody", {}, rows.map((o) => el("tr", {},
          el("td", {}, o.rule), el("td", {}, o.clause),
          el("td", {}, o.move === null ? "time" : report.moves[o.move].text || report.moves[o.move].kind),
          el("td", {}, o.status.replaceAll("_", " ")), el("td", {}, o.reason))))));
  }

  function timeline(steps) {
    if (!steps.length) return null;
    const clauseIds = Object.keys(steps[0].state.clauses);
    const head = el("tr", {}, el("th", {}, "clause"),
      steps.map((s) => el("th", { scope: "col" }, el("span", { class: "date" }, s.date), el("br"), s.label)));
    const partnership = el("tr", {}, el("th", { scope: "row" }, "partnership"),
      steps.map((s) => el("td", { class: s.state.partnership, title: s.state.partnership_ended_by || "" },
        s.state.partnership.replaceAll("_", " "))));
    const rows = clauseIds.map((id) => el("tr", {},
      el("th", { scope: "row", title: (clauses[id] || {}).title || id }, id),
      steps.map((s) => {
        const c = s.state.clauses[id];
        return el("td", { class: c.status, title: c.note || "" },
          c.status.replaceAll("_", " "), c.until ? el("small", {}, ` until ${c.until}`) : null);
      })));
    const deadlines = el("tr", {}, el("th", { scope: "row" }, "deadlines"),
      steps.map((s) => el("td", { class: "deadlines" },
        s.state.deadlines.map((d) => el("div", {}, `${d.rule} due ${d.due}`)))));
    return el("section", { id: "timeline" },
      el("h3", {}, "Timeline: the clauses' states after each move"),
      el("div", { class: "scroll" }, el("table", { class: "timeline" },
        el("thead", {}, head), el("tbody", {}, partnership, rows, deadlines))));
  }

  function render(report, steps) {
    const shown = view(report); // counts and lists: the report's summary, never recounted here
    const verdict = el("div", { class: `verdict ${shown.verdict}`, id: "verdict" },
      el("strong", {}, shown.verdict.toUpperCase()),
      ` — ${counted(shown.counts)}${report.summary.by_reading ? " under any reading" : ""}; ` +
      `check date ${report.check_date}`);
    const readings = report.summary.by_reading
      ? el("p", { class: "readings", id: "readings" },
        "The readings differ: " +
        report.summary.by_reading.map((r) => `${r.verdict} under ${r.label}`).join("; ") +
        ". Each reading's findings are below.")
      : null;
    const moveList = el("ol", { class: "resolved" }, report.moves.map((m) =>
      el("li", {}, `${m.text || m.kind} (${m.date}) → ${m.kind}, actor ${m.actor}`)));
    return [
      verdict,
      readings,
      moveList,
      shown.parts.map((p, i) => part(p, i, report)),
      whyNot(report),
      timeline(steps),
    ].flat(2).filter(Boolean);
  }

  document.getElementById("add").addEventListener("click", () => {
    const row = moveRow("");
    movesList.append(row);
    row.querySelector("input").focus();
  });
  movesList.addEventListener("click", (event) => {
    if (!event.target.classList.contains("remove")) return;
    const row = event.target.closest("li");
    if (movesList.children.length > 1) row.remove();
    else row.querySelector("input").value = "";
  });
  select.addEventListener("change", async () => {
    await loadContract(select.value);
    result.replaceChildren();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runCheck(true);
  });

  async function start() {
    if (form.dataset.token === "required") tokenField();
    if (!(await listContracts())) return;
    await loadContract(select.value);
    if (moves().length) runCheck(false);
  }

  start();
})();
