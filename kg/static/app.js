// conflict-kg query page: plain JavaScript, no library, no request to any other site.
"use strict";

const $ = (id) => document.getElementById(id);
let examples = [];
let prefixes = {};          // prefix -> namespace, the ones `kg query` and /query predeclare
let lastRows = null;        // { vars, bindings } of the last SELECT answer, paged below
let page = 0;
let paramTimer = null;

function queryForm(text) {
  const code = text.replace(/#[^\n]*/g, " ").replace(/<[^>\s]*>/g, "<>").replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const m = code.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
  return m ? m[1].toUpperCase() : "SELECT";
}

function acceptFor(form) {
  return form === "CONSTRUCT" || form === "DESCRIBE" ? "text/turtle" : "application/sparql-results+json";
}

async function runQuery(text, accept) {
  const started = performance.now();
  const response = await fetch("/query", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
    body: "query=" + encodeURIComponent(text),
  });
  const body = await response.text();
  return { response, body, ms: performance.now() - started };
}

// --- IRIs: shortened with the project prefixes, linked to their card ---------------------------
function shorten(iri) {
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    if (iri.startsWith(namespace) && iri.length > namespace.length) return prefix + ":" + iri.slice(namespace.length);
  }
  return iri;
}

function cardLink(iri, text) {
  const a = document.createElement("a");
  a.href = "/card?iri=" + encodeURIComponent(iri);
  a.target = "_blank";
  a.rel = "noopener";
  a.className = "iri";
  a.title = iri + " — open its card";
  a.textContent = text || shorten(iri);
  return a;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    td.appendChild(cardLink(term.value));
    return td;
  }
  td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
  if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
  else if (term.datatype) td.title = shorten(term.datatype);
  return td;
}

// --- SELECT answers, one page at a time ---------------------------------------------------------
function pageSize() {
  return Number($("pagesize").value) || 100;
}

function showPage() {
  const { vars, bindings } = lastRows;
  const size = pageSize();
  const pages = Math.max(1, Math.ceil(bindings.length / size));
  page = Math.min(Math.max(0, page), pages - 1);
  const first = page * size;
  const shown = bindings.slice(first, first + size);
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const tbody = table.createTBody();
  for (const row of shown) {
    const tr = tbody.insertRow();
    for (const v of vars) tr.appendChild(cell(row[v]));
  }
  $("pager").hidden = bindings.length <= size;
  $("pageinfo").textContent = bindings.length
    ? `rows ${first + 1}–${first + shown.length} of ${bindings.length} (page ${page + 1} of ${pages})`
    : "no rows";
  $("prev").disabled = page === 0;
  $("next").disabled = page >= pages - 1;
  $("results").replaceChildren(table);
}

// --- CONSTRUCT/DESCRIBE answers: the server's prefixed Turtle, IRIs linked ------------------------
const TURTLE_TOKEN = /("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*)|<([^<>"\s]*)>|(?<![\w:\\])([A-Za-z][\w.-]*)?:((?:[\w%-]|\\[^\s]|\.(?=[\w%\\-]))*)/g;

function showTurtle(text) {
  const pre = document.createElement("pre");
  pre.className = "turtle";
  let at = 0;
  for (const m of text.matchAll(TURTLE_TOKEN)) {
    pre.appendChild(document.createTextNode(text.slice(at, m.index)));
    at = m.index + m[0].length;
    if (m[1] !== undefined) {            // a literal or a comment: as it is
      pre.appendChild(document.createTextNode(m[0]));
    } else if (m[2] !== undefined) {     // <iri>
      pre.appendChild(document.createTextNode("<"));
      pre.appendChild(cardLink(m[2], m[2]));
      pre.appendChild(document.createTextNode(">"));
    } else if ((m[3] || "") in prefixes && !/^\s*@?prefix\s*$/i.test(text.slice(Math.max(0, m.index - 8), m.index))) {
      pre.appendChild(cardLink(prefixes[m[3] || ""] + m[4].replace(/\\(.)/g, "$1"), m[0]));
    } else {
      pre.appendChild(document.createTextNode(m[0]));
    }
  }
  pre.appendChild(document.createTextNode(text.slice(at)));
  return pre;
}

function showError(message) {
  const div = document.createElement("div");
  div.className = "error";
  div.textContent = message;
  $("pager").hidden = true;
  $("results").replaceChildren(div);
}

async function submit(event) {
  event.preventDefault();
  const text = $("sparql").value;
  const form = queryForm(text);
  $("status").textContent = "running…";
  $("run").disabled = true;
  lastRows = null;
  try {
    const { response, body, ms } = await runQuery(text, acceptFor(form));
    if (!response.ok) {
      $("status").textContent = "";
      showError(`HTTP ${response.status}: ${body}`);
      return;
    }
    $("pager").hidden = true;
    if (form === "SELECT" || form === "ASK") {
      const data = JSON.parse(body);
      if (typeof data.boolean === "boolean") {
        const p = document.createElement("p");
        p.textContent = "ASK: " + data.boolean;
        $("results").replaceChildren(p);
        $("status").textContent = `${ms.toFixed(0)} ms`;
      } else {
        lastRows = { vars: data.head.vars || [], bindings: data.results.bindings };
        page = 0;
        showPage();
        $("status").textContent = `${lastRows.bindings.length} rows, ${ms.toFixed(0)} ms`;
      }
    } else {
      $("results").replaceChildren(showTurtle(body));
      $("status").textContent = `${ms.toFixed(0)} ms`;
    }
  } catch (error) {
    $("status").textContent = "";
    showError(String(error));
  } finally {
    $("run").disabled = false;
  }
}

async function download() {
  const accept = $("download").value;
  $("download").value = "";
  if (!accept) return;
  const { response, body } = await runQuery($("sparql").value, accept);
  if (!response.ok) { showError(`HTTP ${response.status}: ${body}`); return; }
  const extension = { "application/sparql-results+json": "srj", "application/sparql-results+xml": "srx",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/turtle": "ttl", "application/n-triples": "nt" }[accept];
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([body], { type: accept }));
  link.download = "results." + extension;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

// --- named queries and their parameter fields ----------------------------------------------------
function chosenQuery() {
  return examples.find((q) => q.name === $("examples").value);
}

function showParams(query) {
  const box = $("params");
  box.replaceChildren();
  box.hidden = !query || !query.params.length;
  if (!query) return;
  for (const p of query.params) {
    const label = document.createElement("label");
    label.className = "param";
    const name = document.createElement("span");
    name.textContent = p.name + (p.required ? " (required)" : p.optional ? " (optional)" : "");
    const input = document.createElement("input");
    input.name = p.name;
    input.value = p.example === null || p.example === undefined ? "" : p.example;
    input.placeholder = p.kind;
    input.title = `${p.meaning || p.name} [${p.kind}]`;
    input.addEventListener("input", () => {
      clearTimeout(paramTimer);
      paramTimer = setTimeout(applyParams, 250);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); applyParams().then(() => $("run").click()); }
    });
    const meaning = document.createElement("small");
    meaning.textContent = p.meaning ? `${p.meaning} [${p.kind}]` : `[${p.kind}]`;
    label.append(name, input, meaning);
    box.appendChild(label);
  }
}

// The server binds the values (escaped VALUES rows, as `kg query --param` does) and sends the text back.
async function applyParams() {
  const query = chosenQuery();
  if (!query) return;
  const search = new URLSearchParams();
  for (const input of $("params").querySelectorAll("input")) if (input.value.trim()) search.append(input.name, input.value);
  const response = await fetch(`/queries/${encodeURIComponent(query.name)}?${search}`);
  const data = await response.json();
  $("paramerror").textContent = response.ok ? "" : data.error;
  if (response.ok) $("sparql").value = data.sparql;
}

function choose() {
  const chosen = chosenQuery();
  $("description").textContent = chosen ? chosen.description : "";
  $("paramerror").textContent = "";
  showParams(chosen);
  if (chosen) $("sparql").value = chosen.sparql;
}

async function loadExamples() {
  try {
    const response = await fetch("/queries.json");
    const data = await response.json();
    examples = data.queries || [];
    prefixes = data.prefixes || {};
    for (const q of examples) {
      const option = document.createElement("option");
      option.value = q.name;
      option.textContent = `${q.name} — ${q.title}`;
      $("examples").appendChild(option);
    }
    const mode = data.read_only ? "read-only" : "read-write";
    const names = Object.keys(prefixes).map((p) => p + ":").join(" ");
    $("about").textContent = `Endpoint /query (SPARQL 1.1 Protocol), ${mode}, query timeout ${data.timeout} s. ` +
      `Predeclared prefixes: ${names}. ${data.endpoint || ""}`;
  } catch (error) {
    $("description").textContent = "(named queries unavailable)";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", submit);
  $("examples").addEventListener("change", choose);
  $("download").addEventListener("change", download);
  $("pagesize").addEventListener("change", () => { if (lastRows) { page = 0; showPage(); } });
  $("prev").addEventListener("click", () => { page -= 1; showPage(); });
  $("next").addEventListener("click", () => { page += 1; showPage(); });
  loadExamples();
});
