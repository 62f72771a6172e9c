"""``kg push``: the corpus graph through a real Oxigraph server and back, nothing lost.

A writable ``oxigraph serve`` with its own temporary location runs on a free loopback port;
the corpus graph (plus the sample news) is pushed with the Graph Store Protocol, then read
back with SPARQLWrapper and compared with the embedded store: the same triple count in every
named graph and the same answers to named queries.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from test_queries import make_query_store

from kg.endpoint import OxigraphProcess, start_oxigraph
from kg.queries import get_query, render


@pytest.fixture(scope="module")
def store_path(corpus_store, tmp_path_factory) -> Path:
    return make_query_store(corpus_store, tmp_path_factory.mktemp("push") / "store")


@pytest.fixture(scope="module")
def store(store_path):
    from kg.store import open_store

    opened = open_store(store_path, read_only=True)
    yield opened
    opened.close()


@pytest.fixture()
def remote(tmp_path) -> Iterator[OxigraphProcess]:
    server = start_oxigraph(tmp_path / "remote", read_only=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pushed(store_path, tmp_path_factory) -> Iterator[tuple[OxigraphProcess, str]]:
    """One push of the whole store into a fresh Oxigraph server: (server, kg push output)."""
    server = start_oxigraph(tmp_path_factory.mktemp("remote") / "store", read_only=False)
    try:
        result = kg("--store", str(store_path), "push", "--endpoint", server.query_url, "--chunk", "700")
        assert result.exit_code == 0, result.output
        yield server, result.output
    finally:
        server.stop()


def kg(*args: str):
    from kg.cli import main

    return CliRunner().invoke(main, list(args))


def select(url: str, sparql: str) -> list[tuple]:
    client = SPARQLWrapper(url)
    client.setQuery(sparql)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    names = data["head"]["vars"]
    return sorted((tuple(row[n]["value"] if n in row else None for n in names) for row in data["results"]["bindings"]),
                  key=repr)


def embedded(store, sparql: str) -> list[tuple]:
    results = store.query(sparql)
    names = [v.value for v in results.variables]
    return sorted((tuple(None if s[n] is None else s[n].value for n in names) for s in results), key=repr)


BUILD_LOG = "https://w3id.org/conflict-kg/graph/builds"  # ingestion times: not pushed by default
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def test_push_round_trips_every_named_graph(store, pushed):
    remote, output = pushed
    assert "verified: every graph has the same triple count" in output
    assert f"Graph Store Protocol at {remote.store_url}" in output  # found from the Server header
    remote_counts = dict(select(remote.query_url, COUNTS))
    local = {g: str(store.count(g)) for g in store.graphs() if g != BUILD_LOG}
    assert remote_counts == local
    assert len(local) >= 160 and "https://w3id.org/conflict-kg/graph/derived" in local
    assert f"pushed {len(local)} graphs, {sum(map(int, local.values()))} triples" in output
    # big graphs went in several requests
    derived = store.count("https://w3id.org/conflict-kg/graph/derived")
    assert derived > 700 and f"{derived} triples in {-(-derived // 700)} request(s)" in output


@pytest.mark.parametrize("name", ["conflict-sides", "conflict-commanders", "side-figures", "parties-same-side",
                                  "commanders-killed", "wikidata-style", "news-entities-about-conflict",
                                  "quantities-with-warnings", "unit-tree"])
def test_pushed_graph_answers_named_queries_like_the_store(store, pushed, name):
    remote, _ = pushed
    sparql = render(get_query(name))
    answer = select(remote.query_url, sparql)
    assert answer and answer == embedded(store, sparql)


def test_push_replaces_what_the_remote_graph_held(store, store_path, remote):
    graph = store.graphs()[0]
    url = remote.store_url + "?" + urllib.parse.urlencode({"graph": graph})
    request = urllib.request.Request(url, data=b"<urn:x:stale> <urn:x:p> <urn:x:o> .\n", method="POST",
                                     headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request, timeout=30).close()
    assert kg("--store", str(store_path), "push", "--endpoint", remote.query_url).exit_code == 0
    assert select(remote.query_url, "SELECT ?s WHERE { ?s <urn:x:p> ?o }") == []


def test_push_fails_loudly_when_the_remote_keeps_less(store, store_path, remote, monkeypatch):
    """A store that answers 2xx but keeps only part of a big graph (as Virtuoso can)."""
    import kg.commands.push as push

    real_send = push._send

    def lossy_send(opener, method, url, body, content_type, timeout, accept="*/*"):
        if method == "POST" and "graph%2Fderived" in url:
            return 204, {}, b""  # accepted, never stored
        return real_send(opener, method, url, body, content_type, timeout, accept)

    monkeypatch.setattr(push, "_send", lossy_send)
    result = kg("--store", str(store_path), "push", "--endpoint", remote.query_url, "--chunk", "1000")
    assert result.exit_code == 1
    graphs = len([g for g in store.graphs() if g != BUILD_LOG])
    assert f"push INCOMPLETE: 1 of {graphs} graphs differ" in result.output
    assert "https://w3id.org/conflict-kg/graph/derived: local" in result.output and "remote 1000" in result.output


def test_push_needs_a_reachable_server(store_path):
    from kg.endpoint import free_port

    result = kg("--store", str(store_path), "push", "--endpoint", f"http://127.0.0.1:{free_port()}/query",
                "--timeout", "5")
    assert result.exit_code == 2 and "cannot reach" in result.output


def test_push_to_a_read_only_server_fails(store_path):
    server = start_oxigraph(store_path, read_only=True)
    try:
        result = kg("--store", str(store_path), "push", "--endpoint", server.query_url)
        assert result.exit_code == 2 and "403" in result.output
    finally:
        server.stop()
