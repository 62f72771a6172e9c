// conflict-kg query page: plain JavaScript, no library, no request to any other site.
"use strict";

const $ = (id) => document.getElementById(id);
let examples = [];

function queryForm(text) {
  const code = text.replace(/#[^\n]*/g, " ").replace(/<[^>\s]*>/g, "<>");
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

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
  if (term.type === "uri") td.className = "iri";
  if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
  else if (term.datatype) td.title = term.datatype;
  return td;
}

function showTable(data) {
  const vars = data.head.vars || [];
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const tbody = table.createTBody();
  for (const row of data.results.bindings) {
    const tr = tbody.insertRow();
    for (const v of vars) tr.appendChild(cell(row[v]));
  }
  return table;
}

function showError(message) {
  const div = document.createElement("div");
  div.className = "error";
  div.textContent = message;
  $("results").replaceChildren(div);
}

async function submit(event) {
  event.preventDefault();
  const text = $("sparql").value;
  const form = queryForm(text);
  $("status").textContent = "running…";
  $("run").disabled = true;
  try {
    const { response, body, ms } = await runQuery(text, acceptFor(form));
    if (!response.ok) {
      $("status").textContent = "";
      showError(`HTTP ${response.status}: ${body}`);
      return;
    }
    if (form === "SELECT" || form === "ASK") {
      const data = JSON.parse(body);
      if (typeof data.boolean === "boolean") {
        const p = document.createElement("p");
        p.textContent = "ASK: " + data.boolean;
        $("results").replaceChildren(p);
        $("status").textContent = `${ms.toFixed(0)} ms`;
      } else {
        $("results").replaceChildren(showTable(data));
        $("status").textContent = `${data.results.bindings.length} rows, ${ms.toFixed(0)} ms`;
      }
    } else {
      const pre = document.createElement("pre");
      pre.textContent = body;
      $("results").replaceChildren(pre);
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

function choose() {
  const chosen = examples.find((q) => q.name === $("examples").value);
  $("description").textContent = chosen ? chosen.description : "";
  if (chosen) $("sparql").value = chosen.sparql;
}

async function loadExamples() {
  try {
    const response = await fetch("/queries.json");
    const data = await response.json();
    examples = data.queries || [];
    for (const q of examples) {
      const option = document.createElement("option");
      option.value = q.name;
      option.textContent = `${q.name} — ${q.title}`;
      $("examples").appendChild(option);
    }
    const mode = data.read_only ? "read-only" : "read-write";
    $("about").textContent = `Endpoint /query (SPARQL 1.1 Protocol), ${mode}, query timeout ${data.timeout} s. ${data.endpoint || ""}`;
  } catch (error) {
    $("description").textContent = "(named queries unavailable)";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", submit);
  $("examples").addEventListener("change", choose);
  $("download").addEventListener("change", download);
  loadExamples();
});
