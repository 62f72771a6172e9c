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


# --- what the front adds: service description, prefixes, named queries, cards, Turtle --------------
SD = "http://www.w3.org/ns/sparql-service-description#"


def service_description(url: str, accept: str, fmt: str, host: str | None = None):
    import rdflib

    headers = {"Accept": accept} | ({"Host": host} if host else {})
    status, response_headers, body = http("GET", url, headers=headers)
    assert status == 200 and response_headers["Content-Type"].startswith(accept), (status, body[:300])
    graph = rdflib.Graph()
    graph.parse(data=body, format=fmt)
    return graph, body


def test_service_description_names_the_public_endpoint_and_no_federation(served):
    import rdflib

    sd = rdflib.Namespace(SD)
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        graph, body = service_description(served.query_url, accept, fmt)
        (service,) = graph.subjects(rdflib.RDF.type, sd.Service)
        assert set(graph.objects(service, sd.endpoint)) == {rdflib.URIRef(served.query_url)}
        features = set(graph.objects(service, sd.feature))
        assert sd.UnionDefaultGraph in features and sd.BasicFederatedQuery not in features
        assert sd.SPARQL11Query in set(graph.objects(service, sd.supportedLanguage))
        assert sd.SPARQL11Update not in set(graph.objects(service, sd.supportedLanguage))  # read-only
        # no other address than the public one: the workers' loopback ports stay inside
        assert set(re.findall(rb"127\.0\.0\.1:(\d+)", body)) == {served.url.rsplit(":", 1)[1].encode()}
    # the address the client used, on the path it used
    graph, _ = service_description(served.url + "/sparql", "text/turtle", "turtle", host="kg.example.org:8080")
    assert set(graph.objects(None, sd.endpoint)) == {rdflib.URIRef("http://kg.example.org:8080/sparql")}
    # what it leaves out is indeed refused
    query = f"SELECT * WHERE {{ SERVICE <{served.query_url}> {{ ?s ?p ?o }} }}"
    assert post_query(served.query_url, query, "application/sparql-results+json")[0] == 403
    assert http("GET", served.query_url, headers={"Accept": "application/sparql-results+json"})[0] == 406


def test_kg_query_prefixes_are_predeclared(served, store):
    from kg.rdf.terms import PREFIXES

    sparql = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ckg:Side ; ckg:participation/ckg:party res:Hezbollah }"
    expected = int(next(iter(store.query(sparql)))["n"].value)  # the embedded store predeclares them too
    assert expected > 5
    answers = [
        post_query(served.query_url, sparql, "application/sparql-results+json"),
        http("GET", served.query_url + "?" + urllib.parse.urlencode({"query": sparql}),
             headers={"Accept": "application/sparql-results+json"}),
        http("POST", served.url + "/sparql", sparql.encode(), {"Content-Type": "application/sparql-query",
                                                               "Accept": "application/sparql-results+json"}),
    ]
    for status, _, body in answers:
        assert status == 200, body
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == expected
    # the same set as `kg query`: every prefix of kg.rdf.terms.PREFIXES, bound to its namespace
    names = sorted(PREFIXES)
    sparql = "SELECT * WHERE { " + " ".join(f"BIND({p}: AS ?{p})" for p in names) + " }"
    status, _, body = post_query(served.query_url, sparql, "application/sparql-results+json")
    assert status == 200, body
    row = json.loads(body)["results"]["bindings"][0]
    assert {p: row[p]["value"] for p in names} == PREFIXES
    # a prefix the query declares itself is its own
    sparql = "PREFIX ckg: <urn:elsewhere:> ASK { ?s a ckg:Side }"
    assert json.loads(post_query(served.query_url, sparql, "application/sparql-results+json")[2])["boolean"] is False


def test_syntax_error_positions_refer_to_the_query_as_sent(served):
    broken = "SELECT ?s WHERE { ?s ?p }"
    _, _, on_line_2 = post_query(served.query_url, "\n" + broken, "application/sparql-results+json")
    status, _, on_line_1 = post_query(served.query_url, broken, "application/sparql-results+json")
    column = re.search(rb"error at 2:(\d+)", on_line_2).group(1)
    assert status == 400 and re.search(rb"error at 1:(\d+)", on_line_1).group(1) == column
    assert int(column) <= len(broken) + 1
    status, _, body = post_query(served.query_url, "SELECT ?s WHERE { ?s foo:bar ?o }", "application/sparql-results+json")
    assert status == 400 and b"unknown prefix 'foo:'" in body and b"error at 1:" in body and b"\\u{" not in body


def test_named_queries_are_served_with_their_parameters(served, store_path):
    status, _, body = http("GET", served.url + "/queries.json")
    listed = {q["name"]: q for q in json.loads(body)["queries"]}
    assert status == 200
    assert listed["unit-tree"]["params"] == [
        {"name": "conflict", "default": None, "example": "Battle of Aleppo (2012–2016)", "kind": "name",
         "meaning": listed["unit-tree"]["params"][0]["meaning"], "required": True, "optional": False},
        {"name": "side", "default": "1", "example": "1", "kind": "integer",
         "meaning": listed["unit-tree"]["params"][1]["meaning"], "required": False, "optional": False}]
    # a time window is optional: no default, the field starts empty (unbound), never required
    at = next(p for p in listed["party-allies"]["params"] if p["name"] == "at")
    assert (at["kind"], at["default"], at["example"], at["required"], at["optional"]) == ("year", None, None, False, True)
    status, _, body = http("GET", served.url + "/queries/parties-same-side?" + urllib.parse.urlencode({"a": "Hezbollah",
                                                                                                         "b": "Russia"}))
    rendered = json.loads(body)
    # a name parameter is bound as its search key (lower case: kg.queries, kind "name")
    assert status == 200 and rendered["name"] == "parties-same-side" and 'VALUES ?b { "russia" }' in rendered["sparql"]
    status, _, body = post_query(served.query_url, rendered["sparql"], "text/csv")
    local = subprocess.run(kg_command("--store", str(store_path), "query", "parties-same-side", "-p", "a=Hezbollah",
                                      "-p", "b=Russia", "--format", "csv"), capture_output=True, text=True, timeout=60,
                           check=False)
    assert status == 200 and local.returncode == 0
    assert sorted(body.decode().splitlines()) == sorted(local.stdout.splitlines()) and len(local.stdout.splitlines()) > 1
    # values are bound as terms, never pasted into the text
    status, _, body = http("GET", served.url + "/queries/parties-same-side?" + urllib.parse.urlencode(
        {"a": 'x" } ?s ?p ?o { "', "b": "Iran"}))
    assert status == 200 and 'VALUES ?a { "x\\" } ?s ?p ?o { \\"" }' in json.loads(body)["sparql"]
    status, _, body = http("GET", served.url + "/queries/parties-same-side?a=Hezbollah")
    assert status == 400 and "parameter b" in json.loads(body)["error"]    # required, never a silent default
    status, _, body = http("GET", served.url + "/queries/unit-tree?side=two")
    assert status == 400 and "side" in json.loads(body)["error"]
    # the API takes the window too, and refuses a bad one naming the parameter and its value
    status, _, body = http("GET", served.url + "/queries/party-allies?party=Hezbollah&at=2014")
    assert status == 200 and "VALUES ?at { 2014 }" in json.loads(body)["sparql"]
    status, _, body = http("GET", served.url + "/queries/party-allies?party=Hezbollah&at=twenty")
    assert status == 400 and "parameter at" in json.loads(body)["error"] and "'twenty'" in json.loads(body)["error"]
    assert http("GET", served.url + "/queries/no-such-query")[0] == 404


HEZBOLLAH = "https://w3id.org/conflict-kg/resource/Hezbollah"


def test_card_route_serves_kg_show(served, store):
    import html as html_lib

    from kg.cards import card
    from kg.render import render_card

    expected = card(store, HEZBOLLAH)  # what `kg show --json` prints, from the embedded store
    status, headers, body = http("GET", served.url + "/card?" + urllib.parse.urlencode({"iri": HEZBOLLAH, "format": "json"}))
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == json.loads(json.dumps(expected)) and expected["label"] == "Hezbollah"
    status, _, body = http("GET", served.url + "/card?" + urllib.parse.urlencode({"iri": HEZBOLLAH}),
                           headers={"Accept": "application/json"})
    assert status == 200 and json.loads(body)["iri"] == HEZBOLLAH
    status, headers, page = http("GET", served.url + "/card?" + urllib.parse.urlencode({"iri": HEZBOLLAH}),
                                 headers={"Accept": "text/html"})
    text = page.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert html_lib.escape(render_card(expected)) in text
    ally = expected["allies"][0]["iri"]
    assert f'href="/card?iri={urllib.parse.quote(ally, safe="")}"' in text  # every reference opens its card
    status, _, page = http("GET", served.url + "/card?" + urllib.parse.urlencode({"iri": ally}))
    assert status == 200 and html_lib.escape(expected["allies"][0]["label"]) in page.decode("utf-8")
    status, _, page = http("GET", served.url + "/card?iri=urn:x:nothing")
    assert status == 404 and b"urn:x:nothing" in page
    status, headers, _ = http("GET", served.url + "/card?iri=urn:x:%3Cscript%3E")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")  # never reflected as HTML
    assert http("GET", served.url + "/card")[0] == 400


def test_construct_answers_are_prefixed_pretty_turtle(served, store):
    import rdflib

    # a Side's number, and a resource whose IRI ends in a dot: rdflib cannot read it prefixed (res:Washington_D.C\\.)
    construct = ("CONSTRUCT { ?s a ckg:Side ; ckg:sideNumber ?n ; rdfs:seeAlso <https://w3id.org/conflict-kg/resource/"
                 "Washington_D.C.> } WHERE { ?s a ckg:Side ; ckg:sideNumber ?n }")
    expected = {(t.subject.value, t.predicate.value, t.object.value) for t in store.query(construct)}
    assert len(expected) > 300
    status, headers, body = post_query(served.query_url, construct, "text/turtle")
    text = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> ." in text and " a ckg:Side ;" in text
    assert "<https://w3id.org/conflict-kg/ontology#Side>" not in text  # prefixed, subjects grouped
    graph = rdflib.Graph()
    graph.parse(data=body, format="turtle")
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == expected
    assert {(t.subject.value, t.predicate.value, t.object.value)
            for t in ox.parse(body, format=ox.RdfFormat.TURTLE)} == expected


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
    with pytest.raises(Exception, match=r"403|Forbidden|read-only"):
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
def _runaway_while_asking(served: Served) -> dict[str, object]:
    """Send RUNAWAY, and ASK {} on another connection while it runs. Returns what happened:
    the ASK answer, whether the runaway was still unanswered then, both durations."""
    outcome: dict[str, object] = {}
    started = threading.Event()

    def runaway() -> None:
        began = time.monotonic()
        started.set()
        outcome["response"] = post_query(served.query_url, RUNAWAY, "application/sparql-results+json", timeout=60)
        outcome["seconds"] = time.monotonic() - began

    thread = threading.Thread(target=runaway)
    thread.start()
    started.wait(10)
    time.sleep(0.5)  # let the runaway reach a worker
    began = time.monotonic()
    outcome["ask"] = post_query(served.query_url, "ASK {}", "application/sparql-results+json", timeout=10)
    outcome["ask_seconds"] = time.monotonic() - began
    outcome["runaway_pending"] = "response" not in outcome
    thread.join(60)
    return outcome


def test_runaway_query_is_cut_off_and_others_still_answer(served):
    before = served.workers()
    assert len(before) == 2
    outcome = _runaway_while_asking(served)
    status, _, body = outcome["ask"]  # type: ignore[misc]
    assert status == 200 and json.loads(body)["boolean"] is True
    assert outcome["runaway_pending"]  # another worker answered while the runaway still ran
    status, headers, body = outcome["response"]  # type: ignore[misc]
    assert status == 503 and headers["Content-Type"].startswith("text/plain")
    assert f"timed out after {TIMEOUT} s" in body.decode() and "cancelled" in body.decode()
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


@pytest.mark.timing
def test_timing_runaway_is_cut_at_its_deadline_and_others_answer_at_once(served):
    outcome = _runaway_while_asking(served)
    assert outcome["ask_seconds"] < 1.0  # type: ignore[operator]
    assert TIMEOUT - 0.5 < outcome["seconds"] < TIMEOUT + 5  # type: ignore[operator]
    started = time.monotonic()
    result = subprocess.run(kg_command("query", RUNAWAY, "--endpoint", served.query_url, "--timeout", "1"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and time.monotonic() - started < TIMEOUT + 4


def test_kg_query_endpoint_reports_the_timeout(served):
    result = subprocess.run(kg_command("query", RUNAWAY, "--endpoint", served.query_url), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "timed out" in result.stderr and "503" in result.stderr
    # the client's own --timeout (1 s) ends the wait before the server's (TIMEOUT s) answers 503
    result = subprocess.run(kg_command("query", RUNAWAY, "--endpoint", served.query_url, "--timeout", "1"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "within 1 s (timed out)" in result.stderr and "503" not in result.stderr


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
    # DISTINCT: a side is stated in its document and again in the query view, and CONSTRUCT
    # merges equal triples, so five solutions could be fewer than five triples
    graph = run_remote(served.query_url, "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
                       "?s a <https://w3id.org/conflict-kg/ontology#Side> ; ?p ?o } LIMIT 5 }", timeout=10)
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
    with pytest.raises(EndpointError, match=r"incomplete result .*S1TAT"):
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
