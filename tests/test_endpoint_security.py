"""Issue 9, items 10-11: `kg serve` makes no outbound requests, refuses what would read files,
binds loopback, sends no CORS headers unless asked, and is read-only.

A loopback canary HTTP server counts every request it receives. Attacks go through `kg serve`
and must leave it at zero; the same SERVICE query sent to a bare `oxigraph serve-read-only`
reaches the canary, which shows the guard is what stops it.
"""

from __future__ import annotations

import http.server
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.endpoint import free_port, start_oxigraph
from test_endpoint import start_serve, stop_serve


class Canary:
    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                canary.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[]}}')

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    c = Canary()
    yield c
    c.close()


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    import kg
    from conftest import CORPUS
    from kg.builder import build

    path = tmp_path_factory.mktemp("secure") / "store"
    store = kg.open_store(path)
    build(store, [CORPUS / "syria" / "battle_of_hosn.md"], progress=False)
    store.close()
    return path


@pytest.fixture(scope="module")
def served(small_store):
    server = start_serve(small_store, "--timeout", "5")
    yield server
    stop_serve(server.process)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def _query(base: str, sparql: str, **extra: str) -> tuple[int, dict[str, str], str]:
    params = urllib.parse.urlencode({"query": sparql, **extra})
    return _get(f"{base}/query?{params}", {"Accept": "application/sparql-results+json"})


def _attacks(canary_url: str) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("service", f"SELECT * WHERE {{ SERVICE <{canary_url}> {{ ?s ?p ?o }} }}", {}),
        ("service", f"select * where {{ service silent <{canary_url}> {{ ?s ?p ?o }} }}", {}),
        ("service", f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{canary_url}> {{ ?s ?p ?o }} }} }} }}", {}),
        ("service", f"SELECT * WHERE {{ \\u0053ERVICE <{canary_url}> {{ ?s ?p ?o }} }}", {}),
        ("load", f"LOAD <{canary_url}>", {}),
        ("dataset-iri", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", {}),
        ("dataset-iri", "SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "file:///etc/passwd"}),
    ]


def test_outbound_and_file_access_are_refused_and_the_canary_hears_nothing(served, canary):
    for code, sparql, extra in _attacks(canary.url):
        status, _, body = _query(served.url, sparql, **extra)
        assert status == 403, (sparql, status, body)
        assert code in body
    time.sleep(0.5)
    assert canary.hits == []
    status, _, _ = _query(served.url, "ASK {}")
    assert status == 200


def test_without_the_guard_oxigraph_calls_the_canary(small_store, canary, tmp_path):
    """The attack is real: a bare read-only Oxigraph server performs the SERVICE call."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(small_store, copy)
    before = len(canary.hits)
    with start_oxigraph(copy, read_only=True) as server:
        sparql = f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"
        _get(f"{server.query_url}?{urllib.parse.urlencode({'query': sparql})}",
             {"Accept": "application/sparql-results+json"})
    assert len(canary.hits) > before
    del canary.hits[before:]


def test_binds_loopback_and_sends_no_cors_headers_by_default(served, small_store):
    assert served.url.startswith("http://127.0.0.1:")
    status, headers, _ = _query(served.url, "ASK {}")
    assert status == 200
    assert not any(name.lower().startswith("access-control-") for name in headers)
    with_cors = start_serve(small_store, "--cors")
    try:
        _, headers, _ = _get(f"{with_cors.url}/query?query=ASK%7B%7D", {"Origin": "http://example.org"})
        assert any(name.lower() == "access-control-allow-origin" for name in headers)
    finally:
        stop_serve(with_cors.process)


def test_updates_are_refused(served):
    request = urllib.request.Request(f"{served.url}/update", data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                     headers={"Content-Type": "application/sparql-update"}, method="POST")
    try:
        urllib.request.urlopen(request, timeout=30)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 403
