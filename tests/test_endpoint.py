"""``kg serve`` (a real Oxigraph server behind the kg front) and ``kg query --endpoint``.

Each test talks to ``kg serve`` started as a subprocess on a free loopback port, over the
corpus graph plus the sample news (tests/test_queries.make_query_store); the server is always
stopped in the fixture's teardown. Request loops are bounded and loopback only.
"""

from __future__ import annotations

import csv
import http.server as http_server
import io
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, SPARQLWrapper
from test_queries import make_query_store

from kg.queries import EndpointError, get_query, render, run_remote

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 3


def kg_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


class Served:
    """A running ``kg serve``: its process and base URL."""

    def __init__(self, process: subprocess.Popen[str], url: str, log: list[str]) -> None:
        self.process = process
        self.url = url
        self.log = log

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    def workers(self) -> set[int]:
        """Pids of the Oxigraph children of the server process."""
        pids: set[int] = set()
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids |= {int(p) for p in children.read_text().split()}
        return {p for p in pids if "oxigraph" in Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")}


def start_serve(store: Path, *extra: str, timeout: float = 60.0) -> Served:
    process = subprocess.Popen(kg_command("--store", str(store), "serve", "--port", "0", *extra),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    found = threading.Event()
    box: list[str] = []

    def drain() -> None:  # keep reading so that the server never blocks on a full pipe
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = re.search(r"SPARQL endpoint (http://127\.0\.0\.1:\d+)/query", line)
            if match and not found.is_set():
                box.append(match.group(1))
                found.set()
        found.set()

    threading.Thread(target=drain, daemon=True).start()
    if not found.wait(timeout) or not box:
        stop_serve(process)
        raise RuntimeError("kg serve did not start: " + "".join(lines))
    return Served(process, box[0], lines)


def stop_serve(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def store_path(corpus_store, tmp_path_factory) -> Path:
    return make_query_store(corpus_store, tmp_path_factory.mktemp("endpoint") / "store")


@pytest.fixture(scope="module")
def store(store_path):
    from kg.store import open_store

    opened = open_store(store_path, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def served(store_path) -> Iterator[Served]:
    server = start_serve(store_path, "--timeout", str(TIMEOUT), "--workers", "2")
    try:
        yield server
    finally:
        stop_serve(server.process)


def http(method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


def post_query(url: str, sparql: str, accept: str, timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    body = urllib.parse.urlencode({"query": sparql}).encode()
    return http("POST", url, body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, timeout)


def embedded_values(store, sparql: str) -> list[tuple]:
    results = store.query(sparql)
    names = [v.value for v in results.variables]
    return sorted((tuple(None if s[n] is None else s[n].value for n in names) for s in results), key=repr)


def sparqlwrapper_values(url: str, sparql: str) -> list[tuple]:
    client = SPARQLWrapper(url)
    client.setQuery(sparql)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    names = data["head"]["vars"]
    return sorted((tuple(row[n]["value"] if n in row else None for n in names) for row in data["results"]["bindings"]),
                  key=repr)


# --- answers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["conflict-sides", "conflict-commanders", "side-figures", "commanders-killed",
                                  "unit-tree", "news-naming-commander"])
def test_sparqlwrapper_json_answers_equal_the_embedded_ones(served, store, name):
    sparql = render(get_query(name))
    remote = sparqlwrapper_values(served.query_url, sparql)
    assert remote and remote == embedded_values(store, sparql)


def test_sparqlwrapper_csv(served, store):
    sparql = render(get_query("conflict-commanders"))
    client = SPARQLWrapper(served.query_url)
    client.setQuery(sparql)
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.query().convert().decode("utf-8"))))
    assert rows[0] == ["side", "commander", "commanderLabel", "role", "roleEntity", "killedInAction"]
    assert len(rows) - 1 == len(embedded_values(store, sparql)) == 26
    soleimani = next(r for r in rows if r[2] == "Qasem Soleimani")
    assert soleimani[3] == "Major General of IRGC" and soleimani[5] == "false"


def test_content_negotiation_xml_tsv_and_graphs(served, store):
    sparql = render(get_query("side-figures"))
    status, headers, body = post_query(served.query_url, sparql, "application/sparql-results+xml")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")
    results = ET.fromstring(body).findall(".//{http://www.w3.org/2005/sparql-results#}result")
    assert len(results) == len(embedded_values(store, sparql)) == 10
    status, headers, body = post_query(served.query_url, sparql, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert len(body.decode().splitlines()) == 11 and "31275" in body.decode()
    construct = ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> CONSTRUCT { ?c ckg:side ?s . ?s ckg:sideNumber ?n } "
                 "WHERE { ?c ckg:side ?s . ?s ckg:sideNumber ?n }")
    expected = len(set(store.query(construct)))
    for accept, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES)):
        status, headers, body = post_query(served.query_url, construct, accept)
        assert status == 200 and headers["Content-Type"].startswith(accept)
        assert len(set(ox.parse(body, format=fmt))) == expected > 300


def test_get_requests_and_the_sparql_alias(served):
    query = urllib.parse.urlencode({"query": "ASK { ?s a <https://w3id.org/conflict-kg/ontology#Side> }"})
    for path in ("/query", "/sparql"):
        status, _, body = http("GET", f"{served.url}{path}?{query}", headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
    assert http("GET", served.url + "/nothing-here")[0] == 404


def test_syntax_errors_are_reported_by_oxigraph(served):
    status, _, body = post_query(served.query_url, "SELECT ?s WHERE { ?s ?p }", "application/sparql-results+json")
    assert status == 400 and b"error at" in body


# --- the query page -------------------------------------------------------------------------------
def test_query_page_loads_offline(served):
    status, headers, page = http("GET", served.url + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]  # the browser may load nothing else
    html = page.decode("utf-8")
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert references and all(ref.startswith("/") and not ref.startswith("//") for ref in references)
    assets = [html]
    for ref in references:
        status, _, body = http("GET", served.url + ref)
        assert status == 200, ref
        assets.append(body.decode("utf-8"))
    for text in assets:
        assert not re.search(r"https?://|(?:src|href)\s*=\s*[\"']//|url\(|@import", text), "external reference"
    status, _, body = http("GET", served.url + "/queries.json")
    listed = json.loads(body)["queries"]
    assert status == 200 and len(listed) >= 15 and all(q["sparql"] for q in listed)
    # the example text of every named query runs as it is shown
    example = next(q for q in listed if q["name"] == "conflict-commanders")["sparql"]
    status, _, body = post_query(served.query_url, example, "application/sparql-results+json")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 26
    assert http("GET", served.url + "/static/../endpoint.py")[0] == 404


# --- read-only ------------------------------------------------------------------------------------
def test_updates_and_graph_store_writes_are_refused(served, store_path):
    insert = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> <urn:x:o> } }"
    status, _, body = http("POST", served.url + "/update", insert.encode(), {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, _ = http("POST", served.query_url, urllib.parse.urlencode({"update": insert}).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    status, _, _ = http("POST", served.url + "/sparql", insert.encode(), {"Content-Type": "application/sparql-update"})
    assert status == 403
    client = SPARQLWrapper(served.query_url, updateEndpoint=served.url + "/update")
    client.setMethod(POST)
    client.setQuery(insert)
    with pytest.raises(Exception, match="403|Forbidden|read-only"):
        client.query()
    status, headers, _ = http("PUT", served.url + "/store?graph=urn:x:g", b"<urn:x:s> <urn:x:p> <urn:x:o> .",
                              {"Content-Type": "application/n-triples"})
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert http("DELETE", served.url + "/store?graph=urn:x:g")[0] == 405
    status, _, body = post_query(served.query_url, "ASK { ?s <urn:x:p> ?o }", "application/sparql-results+json")
    assert json.loads(body)["boolean"] is False
    # Graph Store reads are fine
    graph = "https://w3id.org/conflict-kg/graph/derived"
    status, _, body = http("GET", served.url + "/store?" + urllib.parse.urlencode({"graph": graph}),
                           headers={"Accept": "application/n-triples"})
    assert status == 200 and len(body.splitlines()) > 1000


def test_serve_does_not_hold_the_write_lock(served, store_path):
    from kg.store import open_store

    writer = open_store(store_path)  # would raise StoreBusyError if kg serve held the store
    writer.close()


# --- timeouts -------------------------------------------------------------------------------------
def test_runaway_query_is_cut_off_and_others_still_answer(served):
    before = served.workers()
    assert len(before) == 2
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = post_query(served.query_url, RUNAWAY, "application/sparql-results+json", timeout=60)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, body = post_query(served.query_url, "ASK {}", "application/sparql-results+json", timeout=10)
    assert status == 200 and json.loads(body)["boolean"] is True
    assert time.monotonic() - started < 1.0  # another worker answers meanwhile
    thread.join(60)
    status, headers, body = outcome["response"]  # type: ignore[misc]
    assert status == 503 and headers["Content-Type"].startswith("text/plain")
    assert f"timed out after {TIMEOUT} s" in body.decode() and "cancelled" in body.decode()
    assert TIMEOUT - 0.5 < outcome["seconds"] < TIMEOUT + 5  # type: ignore[operator]
    # the worker that ran it was killed (no CPU left burning) and replaced
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (len(served.workers()) != 2 or served.workers() == before):
        time.sleep(0.1)
    after = served.workers()
    assert len(after) == 2 and len(before - after) == 1
    (killed,) = before - after
    assert not Path(f"/proc/{killed}").exists() or "zombie" in Path(f"/proc/{killed}/status").read_text().lower()
    status, _, body = post_query(served.query_url, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_kg_query_endpoint_reports_the_timeout(served):
    result = subprocess.run(kg_command("query", RUNAWAY, "--endpoint", served.query_url), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "timed out" in result.stderr and "503" in result.stderr
    started = time.monotonic()
    result = subprocess.run(kg_command("query", RUNAWAY, "--endpoint", served.query_url, "--timeout", "1"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "timed out" in result.stderr
    assert time.monotonic() - started < TIMEOUT + 4


# --- kg query --endpoint ---------------------------------------------------------------------------
def test_kg_query_endpoint_gives_the_embedded_answer(served, store_path):
    for name, params in (("conflict-sides", ["-p", "conflict=Battle of Aleppo (2012–2016)"]), ("parties-same-side", ["-p", "a=Hezbollah", "-p", "b=Iran"])):
        local = subprocess.run(kg_command("--store", str(store_path), "query", name, *params, "--format", "csv"),
                               capture_output=True, text=True, timeout=60)
        remote = subprocess.run(kg_command("query", name, *params, "--format", "csv", "--endpoint", served.query_url),
                                capture_output=True, text=True, timeout=60)
        assert local.returncode == remote.returncode == 0, remote.stderr
        assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())
    empty = subprocess.run(kg_command("query", "parties-same-side", "-p", "a=Free Syrian Army", "-p", "b=Hezbollah", "--endpoint",
                                      served.query_url), capture_output=True, text=True, timeout=60)
    assert empty.returncode == 1
    bad = subprocess.run(kg_command("query", "SELECT ?s WHERE { ?s ?p }", "--endpoint", served.query_url),
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "syntax error" in bad.stderr and "malformed" in bad.stderr
    ask = run_remote(served.query_url, "ASK { ?s a <https://w3id.org/conflict-kg/ontology#NewsArticle> }", timeout=10)
    assert ask.boolean is True
    graph = run_remote(served.query_url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/conflict-kg/ontology#Side> ; ?p ?o } LIMIT 5",
                       timeout=10)
    assert len(graph.triples) == 5


class _BadEndpoint(http_server.BaseHTTPRequestHandler):
    """A test double for a misbehaving store: cut bodies and silent row limits."""

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/truncated"):
            body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"urn:a"}},'
            body += b"The SPARQL operation has been cancelled"
            extra = {}
        elif self.path.startswith("/anytime"):  # Virtuoso's partial answer when its time limit hits
            body = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()
            extra = {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query "
                                                               "interrupted by result timeout."}
        else:
            body = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
                {"s": {"type": "uri", "value": f"urn:{i}"}} for i in range(3)]}}).encode()
            extra = {"X-SPARQL-MaxRows": "3"}
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def bad_endpoint() -> Iterator[str]:
    server = http_server.ThreadingHTTPServer(("127.0.0.1", 0), _BadEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_truncated_or_cut_responses_are_errors(bad_endpoint):
    with pytest.raises(EndpointError, match="truncated or not valid JSON"):
        run_remote(bad_endpoint + "/truncated", "SELECT ?s WHERE { ?s ?p ?o }", timeout=10)
    with pytest.raises(EndpointError, match="row limit"):
        run_remote(bad_endpoint + "/limited", "SELECT ?s WHERE { ?s ?p ?o }", timeout=10)
    with pytest.raises(EndpointError, match="incomplete result .*S1TAT"):
        run_remote(bad_endpoint + "/anytime", "SELECT ?s WHERE { ?s ?p ?o }", timeout=10)
    result = subprocess.run(kg_command("query", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", bad_endpoint + "/truncated"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "truncated" in result.stderr and not result.stdout


def test_unreachable_endpoint_is_a_usage_error():
    from kg.endpoint import free_port

    result = subprocess.run(kg_command("query", "ASK {}", "--endpoint", f"http://127.0.0.1:{free_port()}/query",
                                       "--timeout", "5"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "cannot reach" in result.stderr


# --- read-write mode --------------------------------------------------------------------------------
def test_allow_updates_writes_to_the_store(corpus_store, tmp_path):
    from kg.store import StoreBusyError, open_store

    path = tmp_path / "store"
    corpus_store.flush()
    corpus_store.raw.backup(str(path))
    server = start_serve(path, "--allow-updates", "--timeout", "10")
    try:
        assert "READ-WRITE" in "".join(server.log)
        with pytest.raises(StoreBusyError):  # a writable server holds the lock, and says so
            open_store(path)
        insert = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> \"v\" } }"
        status, _, _ = http("POST", server.url + "/update", insert.encode(), {"Content-Type": "application/sparql-update"})
        assert status in (200, 204)
        status, _, body = post_query(server.query_url, "ASK { <urn:x:s> <urn:x:p> \"v\" }", "application/sparql-results+json")
        assert json.loads(body)["boolean"] is True
    finally:
        stop_serve(server.process)
    store = open_store(path, read_only=True)
    try:
        assert store.count("urn:x:g") == 1
    finally:
        store.close()
