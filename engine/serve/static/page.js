// contract-engine web page: send the moves, draw the report. No framework, no build step.
"use strict";

(function () {
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
    const clause = clauses[f.clause] || {};
    return el("li", { class: `finding ${f.severity}` },
      el("p", { class: "head" },
        el("span", { class: `badge ${f.severity}` }, f.severity),
        " ", el("strong", {}, f.rule || ""),
        f.clause ? ` — ${f.clause_title || f.clause}` : ""),
      el("p", { class: "message" }, f.message),
      el("p", { class: "move" }, `move: ${f.move_text} (${f.date})`),
      f.waived ? el("p", { class: "waived" }, `waived: ${f.waived}`) : null,
      f.evidence && f.evidence.length
        ? el("ul", { class: "evidence" }, f.evidence.map((e) =>
          el("li", { class: e.held ? "held" : "failed" },
            `${e.held ? "✓" : "✗"} ${e.condition} — ${e.value}`)))
        : null,
      f.effects && f.effects.length ? el("p", { class: "effects" }, `sets off: ${f.effects.join("; ")}`) : null,
      clause.text ? el("blockquote", { class: "clause" }, clause.text) : null,
      f.source ? el("p", { class: "source" }, `source: ${f.source}`) : null);
  }

  function section(title, items, report, id) {
    if (!items.length) return null;
    return el("section", { id },
      el("h3", {}, `${title} (${items.length})`),
      el("ul", { class: "findings" }, items.map((f) => finding(f, report))));
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
    const blocking = report.conflicts.filter((f) => f.severity === "blocking").length;
    const verdict = el("div", { class: `verdict ${report.verdict}`, id: "verdict" },
      el("strong", {}, report.verdict.toUpperCase()),
      ` — ${blocking} blocking, ${report.conflicts.length - blocking} warning(s), ` +
      `${report.consequences.length} consequence(s), ${report.waived.length} waived, ` +
      `${report.notices.length} notice(s); check date ${report.check_date}`);
    const readings = report.readings && !report.readings.agree
      ? el("p", { class: "readings", id: "readings" },
        "The readings differ: " +
        report.readings.results.map((r) => `${r.verdict} under ${r.label}`).join("; ") +
        ". The findings below are the default reading's.")
      : null;
    const moveList = el("ol", { class: "resolved" }, report.moves.map((m) =>
      el("li", {}, `${m.text || m.kind} (${m.date}) → ${m.kind}, actor ${m.actor}`)));
    return [
      verdict,
      readings,
      moveList,
      section("Conflicts", report.conflicts, report, "conflicts"),
      section("Consequences", report.consequences, report, "consequences"),
      section("Waived", report.waived, report, "waived"),
      section("Notices", report.notices, report, "notices"),
      whyNot(report),
      timeline(steps),
    ].filter(Boolean);
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
