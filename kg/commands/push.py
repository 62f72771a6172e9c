"""``kg push``: copy the graph into any SPARQL 1.1 store, one named graph at a time, and prove
nothing was lost.

Each named graph of the store goes through the SPARQL 1.1 Graph Store HTTP Protocol: the
first chunk with PUT (which replaces whatever the remote graph held), the next chunks with
POST (which add to it), as N-Triples. Then every graph is counted on the remote side with a
SPARQL ``COUNT`` query and compared with the local count: a store that answers 2xx and keeps
less (Virtuoso cuts uploads and result sets silently) makes ``kg push`` fail loudly, naming
each graph that differs. A graph holding blank nodes is sent in one request, since blank
node labels do not carry across requests.

Exit codes: 0 pushed and verified; 1 pushed but the remote counts differ; 2 bad usage, the
store or the endpoint could not be used.
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from dataclasses import dataclass

import click

from kg.cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, Context, _fail
from kg.errors import KGError
from kg.pipeline import batched

if TYPE_CHECKING:
    from kg.store import KGStore


class PushError(KGError, RuntimeError):
    """The remote store refused or failed a request."""


@dataclass
class GraphReport:
    graph: str
    local: int
    remote: int | None = None
    requests: int = 0

    @property
    def ok(self) -> bool:
        return self.remote == self.local


class _PreemptiveDigest(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that, once it has seen the server's challenge, signs every later request
    up front. Without this each upload first goes out unsigned, and a server that answers
    401 and closes (Virtuoso) breaks the pipe under a big body."""

    def __init__(self, manager: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(manager)
        self.challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req, auth):
        _, challenge = auth.split(" ", 1)
        self.challenge = urllib.request.parse_keqv_list([item for item in urllib.request.parse_http_list(challenge) if item])
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req):
        if self.challenge is not None and not req.has_header("Authorization"):
            signed = self.get_authorization(req, self.challenge)
            if signed:
                req.add_unredirected_header("Authorization", f"Digest {signed}")
        return req

    https_request = http_request


class _PreemptiveBasic(urllib.request.HTTPBasicAuthHandler):
    """Basic auth sent up front once the server has asked for it."""

    def __init__(self, manager: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(manager)
        self.asked = False

    def retry_http_basic_auth(self, host, req, realm):
        self.asked = True
        return super().retry_http_basic_auth(host, req, realm)

    def http_request(self, req):
        if self.asked and not req.has_header("Authorization"):
            user, password = self.passwd.find_user_password(None, req.full_url)  # type: ignore[arg-type]  # default realm
            if user is not None:
                import base64

                token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
                req.add_unredirected_header("Authorization", f"Basic {token}")
        return req

    https_request = http_request


def _opener(urls: Iterable[str], user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in urls:
            manager.add_password(None, url, user, password or "")
        handlers += [_PreemptiveBasic(manager), _PreemptiveDigest(manager)]
    return urllib.request.build_opener(*handlers)


def _authenticate(opener: urllib.request.OpenerDirector, graph_store: str, timeout: float) -> None:
    """A body-less request to the Graph Store, so that the auth handlers learn the server's
    challenge before the first upload (a 404 for the probe graph is fine)."""
    url = graph_store + ("&" if "?" in graph_store else "?") + urllib.parse.urlencode({"graph": "urn:kg-push:probe"})
    try:
        _send(opener, "GET", url, None, None, timeout)
    except PushError as exc:
        if "HTTP 401" in str(exc) or "HTTP 403" in str(exc):
            raise PushError(f"the server refused the credentials: {exc}") from None


def _send(opener: urllib.request.OpenerDirector, method: str, url: str, body: bytes | None,
          content_type: str | None, timeout: float, accept: str = "*/*") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    request.add_header("Accept", accept)
    request.add_header("User-Agent", "conflict-kg (kg push)")
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace").strip()
        raise PushError(f"{method} {url}: HTTP {exc.code} {exc.reason}: {text[:500]}") from None
    except urllib.error.URLError as exc:
        raise PushError(f"{method} {url}: cannot reach the server ({exc.reason})") from None
    except TimeoutError:
        raise PushError(f"{method} {url}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise PushError(f"{method} {url}: {exc}") from None


def detect_graph_store(endpoint: str, opener: urllib.request.OpenerDirector, timeout: float,
                       authenticated: bool) -> str:
    """The Graph Store Protocol URL that goes with a query endpoint, from the server's
    ``Server`` header: Oxigraph ``…/store``, Apache Jena Fuseki ``…/data``, Virtuoso
    ``/sparql-graph-crud(-auth)``, GraphDB ``…/rdf-graphs/service``.

    Raises:
        PushError: when the server is not recognised (give ``--graph-store``).
    """
    url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"query": "ASK {}"})
    _, headers, _ = _send(opener, "GET", url, None, None, timeout, accept="application/sparql-results+json")
    server = next((v for k, v in headers.items() if k.lower() == "server"), "")
    parts = urllib.parse.urlsplit(endpoint)
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    head, _, _last = path.rpartition("/")
    if server.startswith(("Oxigraph", "kg-serve")):
        return f"{base}{head}/store"
    if "virtuoso" in server.lower():
        return f"{base}/sparql-graph-crud-auth" if authenticated else f"{base}/sparql-graph-crud"
    if "fuseki" in server.lower() or "jetty" in server.lower():
        return f"{base}{head}/data"
    if "/repositories/" in path:
        return f"{base}{path}/rdf-graphs/service"
    raise PushError(f"cannot tell the Graph Store Protocol URL of {endpoint} (server {server or 'unknown'}); "
                    "give it with --graph-store URL")


def push_graph(store: KGStore, graph: str, graph_store: str, opener: urllib.request.OpenerDirector, *,
               chunk: int, timeout: float) -> GraphReport:
    """PUT then POST the triples of one named graph; returns how many were sent."""
    import pyoxigraph as ox

    raw = store.raw
    node = ox.NamedNode(graph)
    quads = list(raw.quads_for_pattern(None, None, None, node))
    has_bnodes = any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads)
    size = max(1, len(quads)) if has_bnodes else chunk
    url = graph_store + ("&" if "?" in graph_store else "?") + urllib.parse.urlencode({"graph": graph})
    report = GraphReport(graph, len(quads))
    if not quads:  # still create/empty the remote graph
        _send(opener, "PUT", url, b"", "application/n-triples", timeout)
        report.requests = 1
        return report
    for index, batch in enumerate(batched(quads, size)):
        body = ox.serialize([q.triple for q in batch], format=ox.RdfFormat.N_TRIPLES) or b""
        _send(opener, "PUT" if index == 0 else "POST", url, body, "application/n-triples", timeout)
        report.requests += 1
    return report


def remote_counts(endpoint: str, graphs: list[str], *, timeout: float, user: str | None,
                  password: str | None, batch: int = 100) -> dict[str, int]:
    """Triples per named graph on the remote store, by SPARQL COUNT queries (a graph it does
    not have counts 0)."""
    from kg.queries import EndpointError, run_remote
    from kg.sparql import sparql_iri

    counts: dict[str, int] = {}
    for start in range(0, len(graphs), batch):
        group = graphs[start:start + batch]
        values = " ".join(sparql_iri(g) for g in group)
        sparql = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                  "GROUP BY ?g")
        try:
            result = run_remote(endpoint, sparql, timeout=timeout, user=user, password=password)
            rows = {str(r["g"]): int(r["n"]) for r in result.rows}  # type: ignore[call-overload]
        except (EndpointError, ValueError, TypeError):
            rows = {}  # an engine without VALUES/GROUP BY on GRAPH: one query per graph
            for graph in group:
                one = run_remote(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_iri(graph)} {{ ?s ?p ?o }} }}",
                                 timeout=timeout, user=user, password=password)
                rows[graph] = int(one.rows[0]["n"]) if one.rows else 0  # type: ignore[call-overload]
        for graph in group:
            counts[graph] = rows.get(graph, 0)
    return counts


def push_store(store: KGStore, endpoint: str, *, graph_store: str | None = None, user: str | None = None,
               password: str | None = None, chunk: int = 20000, timeout: float = 300.0,
               graphs: list[str] | None = None,
               progress: Callable[[str], None] | None = None) -> tuple[str, list[GraphReport]]:
    """Push ``graphs`` (default: every named graph but the build log) and verify the counts.

    Returns (the Graph Store URL used, one report per graph with local and remote counts).
    """
    say = progress or (lambda text: None)
    urls = [endpoint] + ([graph_store] if graph_store else [])
    opener = _opener(urls, user, password)
    if graph_store is None:
        graph_store = detect_graph_store(endpoint, opener, timeout, authenticated=user is not None)
        opener = _opener([endpoint, graph_store], user, password)
        say(f"Graph Store Protocol at {graph_store}")
    if user is not None:
        _authenticate(opener, graph_store, timeout)
    if graphs is None:
        from kg.builder import BUILD_LOG_GRAPH

        graphs = [g for g in store.graphs() if g != BUILD_LOG_GRAPH and not g.startswith("_:")]
    reports: list[GraphReport] = []
    for number, graph in enumerate(graphs, 1):
        report = push_graph(store, graph, graph_store, opener, chunk=chunk, timeout=timeout)
        reports.append(report)
        say(f"[{number}/{len(graphs)}] {graph}: {report.local} triples in {report.requests} request(s)")
    counts = remote_counts(endpoint, graphs, timeout=timeout, user=user, password=password)
    for report in reports:
        report.remote = counts.get(report.graph, 0)
    return graph_store, reports


@click.command()
@click.option("--endpoint", required=True, metavar="URL", help="SPARQL query endpoint of the target store (for the checks).")
@click.option("--graph-store", metavar="URL",
              help="Its Graph Store Protocol URL (default: guessed from the server: Oxigraph, Fuseki, Virtuoso, GraphDB).")
@click.option("--user", default=None, help="User name (HTTP basic or digest auth, as the server asks).")
@click.option("--password", default=None, envvar="KG_PUSH_PASSWORD", help="Password (or $KG_PUSH_PASSWORD).")
@click.option("--chunk", default=20000, show_default=True, type=click.IntRange(min=1),
              help="Triples per request: big graphs go in several requests (PUT, then POST).")
@click.option("--timeout", default=300.0, show_default=True, type=click.FloatRange(min=1), metavar="S",
              help="Seconds to wait for each request.")
@click.option("--with-build-log", is_flag=True, help="Also push the graph of ingestion times.")
@click.pass_obj
def push(obj: Context, endpoint: str, graph_store: str | None, user: str | None, password: str | None, chunk: int,
         timeout: float, with_build_log: bool) -> None:
    """Load the graph into a SPARQL 1.1 store, named graphs kept, and verify it.

    \b
    Every named graph is sent with the Graph Store HTTP Protocol, then counted
    on the remote side with SPARQL COUNT; any difference fails the push (exit 1).
    """
    from kg.queries import EndpointError

    store = obj.store(read_only=True)
    graphs = store.graphs() if with_build_log else None
    started = time.monotonic()
    say = lambda text: click.echo(text, err=True)  # noqa: E731
    try:
        used, reports = push_store(store, endpoint, graph_store=graph_store, user=user, password=password, chunk=chunk,
                                   timeout=timeout, graphs=graphs, progress=say)
    except (PushError, EndpointError) as exc:
        _fail(f"push failed: {exc}", EXIT_USAGE)
        return
    total = sum(r.local for r in reports)
    bad = [r for r in reports if not r.ok]
    elapsed = time.monotonic() - started
    if bad:
        click.echo(f"kg: push INCOMPLETE: {len(bad)} of {len(reports)} graphs differ on {endpoint}:", err=True)
        for report in bad:
            click.echo(f"  {report.graph}: local {report.local}, remote {report.remote} "
                       f"({(report.remote or 0) - report.local:+d})", err=True)
        sys.exit(EXIT_DATA)
    click.echo(f"pushed {len(reports)} graphs, {total} triples to {used} in {elapsed:.1f} s; "
               f"verified: every graph has the same triple count on {endpoint}", err=True)
    sys.exit(EXIT_OK)


COMMANDS = [push]
