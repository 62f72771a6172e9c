"""``kg serve``: a SPARQL 1.1 Protocol endpoint over the store, run by the Oxigraph server.

Architecture (one process tree, loopback only inside)::

    client ──HTTP──> front (waitress WSGI server, this module)
                       ├─ /, /static/*, /queries.json   the offline query page (kg/static)
                       ├─ /queries/NAME?param=…        a named query rendered with parameters
                       ├─ /card?iri=…                  a resource's card (kg.cards), HTML or JSON
                       ├─ Guard: read-only policy (updates, Graph Store writes) before anything runs
                       └─ /query, /sparql, /update, /store ──> one idle Oxigraph worker
                                                             (``oxigraph serve-read-only`` child
                                                              on 127.0.0.1:<random port>)

* **Oxigraph executes every request**: SPARQL parsing and evaluation, the SPARQL 1.1 Protocol,
  the Graph Store Protocol and content negotiation (JSON, XML, CSV, TSV results; Turtle,
  N-Triples, RDF/XML … for graphs) are the real Oxigraph server's (PyPI ``oxigraph``). The
  front only decides whether a request may run, forwards its bytes and enforces the deadline.
* **Timeouts that stop the work**: ``oxigraph serve --timeout-s`` only checks its deadline
  between results (an aggregate over a big join ran 9 minutes past a 2 s limit on this
  machine), and when it fires mid-stream it ends an HTTP 200 body with "The SPARQL operation
  has been cancelled". So the workers run without it; the front gives each request a
  deadline, reads the whole answer before sending anything, and when the deadline passes it
  kills that worker (SIGKILL: the CPU is free at once), starts a fresh one in the background
  and answers **503 with a clear message**. JSON and XML results are also checked to be
  complete before they are sent.
* **No starvation**: each worker runs one request at a time, several workers serve in
  parallel, so one runaway query holds one worker until its deadline while the others answer.
* **A snapshot, never the write lock**: by default the workers serve a RocksDB checkpoint of
  the store (``Store.backup`` from a read-only open: hard links, milliseconds), made when
  ``kg serve`` starts; ``kg build`` can run meanwhile and is seen after a restart of
  ``kg serve``. If the store holds writes not yet flushed (a writer still running or killed),
  the checkpoint would miss them, so the workers open the store directory itself read-only.
  ``--allow-updates`` instead runs one writable ``oxigraph serve`` on the store: it holds the
  store's write lock while it runs.

* **What the front adds**: the project prefixes of ``kg query``
  (:func:`kg.queries.with_project_prefixes`) are declared on line 1 of every query that does
  not declare them itself, so error columns on line 1 are moved back to the text as sent;
  CONSTRUCT/DESCRIBE answers in Turtle come back with those prefixes, pretty-printed; a GET
  without a query gets the engine's service description naming the public endpoint URL (the
  front's address as the client reached it) and only the features the front lets through.

Later hardening (issue 9) plugs into :class:`Guard` (refusing SERVICE, LOAD, ``FROM <file:>``
before execution) without changing the forwarding.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import logging
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kg.errors import KGError
from kg.store import open_raw_read_only

__all__ = [
    "EndpointConfig",
    "Guard",
    "OxigraphProcess",
    "Refusal",
    "WorkerPool",
    "free_port",
    "make_app",
    "make_snapshot",
    "oxigraph_binary",
    "serve",
    "start_oxigraph",
]

if TYPE_CHECKING:
    from kg.store import KGStore

log = logging.getLogger("kg.endpoint")

STATIC_DIR = Path(__file__).resolve().parent / "static"
_JSON_RESULTS = "application/sparql-results+json"
_XML_RESULTS = "application/sparql-results+xml"
#: Response headers of the Oxigraph server that the front passes on.
_PASS_HEADERS = ("content-type", "content-disposition", "vary", "allow", "location")
_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


# --- the Oxigraph server process ----------------------------------------------------------
def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` command (PyPI package ``oxigraph``): next to this Python
    first (a virtualenv's ``bin/``), else on ``$PATH``."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise FileNotFoundError("the `oxigraph` server command was not found: pip install oxigraph")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to SIGKILL this child when the thread that started it ends, so that no
    Oxigraph worker outlives a killed ``kg serve``."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort: the child must still reach exec
        pass


@dataclass(eq=False)
class OxigraphProcess:
    """One running Oxigraph server, listening on ``host:port`` (loopback)."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    location: Path | None
    read_only: bool

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL and reap (no graceful stop: a runaway query must stop using CPU now)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> OxigraphProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_oxigraph(location: str | os.PathLike[str] | None, *, read_only: bool = True,
                   host: str = "127.0.0.1", port: int | None = None, union_default_graph: bool = True,
                   extra_args: Iterable[str] = (), ready_timeout: float = 20.0,
                   die_with_parent: bool = True) -> OxigraphProcess:
    """Start ``oxigraph serve-read-only`` (or ``serve`` when ``read_only`` is False) and
    wait until it accepts connections.

    ``location`` None gives a writable in-memory server. ``port`` None picks a free port
    (retrying if another process takes it first). Its output goes to a temporary log that
    is quoted in the error if it does not start.
    """
    binary = oxigraph_binary()
    if read_only and location is None:
        raise ValueError("a read-only Oxigraph server needs a store location")
    attempts = 5 if port is None else 1
    last_error = ""
    for _ in range(attempts):
        chosen = port if port is not None else free_port(host)
        args = [binary, "serve-read-only" if read_only else "serve", "--bind", f"{host}:{chosen}"]
        if location is not None:
            args += ["--location", str(location)]
        if union_default_graph:
            args.append("--union-default-graph")
        args += list(extra_args)
        log_file = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's log lives as long as the process
        preexec = _die_with_parent if die_with_parent and sys.platform.startswith("linux") else None
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                                   preexec_fn=preexec, close_fds=True)  # noqa: PLW1509 - only prctl
        server = OxigraphProcess(process, host, chosen, Path(location) if location is not None else None, read_only)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with socket.create_connection((host, chosen), timeout=0.5):
                    log_file.close()
                    return server
            except OSError:
                time.sleep(0.02)
        server.kill()
        log_file.seek(0)
        last_error = log_file.read().decode("utf-8", "replace").strip()[-2000:]
        log_file.close()
        if "in use" not in last_error.lower():
            break
    raise RuntimeError(f"the Oxigraph server did not start ({' '.join(args)}): {last_error or 'no output'}")


# --- the store snapshot --------------------------------------------------------------------
_SNAPSHOT_PREFIX = ".kg-serve-snapshot-"


def _remove_stale_snapshots(folder: Path) -> None:
    """Remove snapshots left by a ``kg serve`` that was killed (its pid is in the name)."""
    for candidate in folder.glob(_SNAPSHOT_PREFIX + "*"):
        pid_text = candidate.name[len(_SNAPSHOT_PREFIX):].split("-", 1)[0]
        if not pid_text.isdigit():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            shutil.rmtree(candidate, ignore_errors=True)
        except PermissionError:
            pass


def make_snapshot(store_path: str | os.PathLike[str]) -> tuple[Path, Callable[[], None], str]:
    """A consistent read-only copy of the store for the workers to serve.

    Returns (location, cleanup, note). The copy is a RocksDB checkpoint made from a
    read-only open (hard links when on the same file system: instant and nearly free),
    placed in the system temporary folder when that is on the store's file system, else
    beside the store. When the store has writes that are not flushed yet (visible to a
    read-only open, missing from a checkpoint), the store directory itself is served.
    """
    import pyoxigraph as ox

    source = Path(store_path)
    if not (source / "CURRENT").exists():
        raise FileNotFoundError(f"{source}: no store here; run `kg build PATH` first or pass --store DIR")
    tmp_root = Path(tempfile.gettempdir())
    try:
        same_device = tmp_root.stat().st_dev == source.stat().st_dev
    except OSError:
        same_device = False
    parent = tmp_root if same_device else source.resolve().parent
    _remove_stale_snapshots(parent)
    target = Path(tempfile.mkdtemp(prefix=f"{_SNAPSHOT_PREFIX}{os.getpid()}-", dir=parent))
    shutil.rmtree(target)  # backup() wants to create the folder itself

    def cleanup() -> None:
        shutil.rmtree(target, ignore_errors=True)

    reader = open_raw_read_only(source)   # a build may be compacting the store right now
    try:
        expected = len(reader)
        reader.backup(str(target))
    finally:
        del reader
    copy = ox.Store.read_only(str(target))
    try:
        got = len(copy)
    finally:
        del copy
    if got != expected:
        cleanup()
        return source, lambda: None, (f"the store has {expected - got} quads not flushed to disk yet (a build is "
                                      "running or was killed); serving the store directory read-only instead "
                                      "of a snapshot")
    return target, cleanup, f"serving a snapshot of {source} taken at start ({got} quads)"


# --- the worker pool ------------------------------------------------------------------------
class WorkerPool:
    """Oxigraph servers that each run one request at a time.

    Every worker is started from one long-lived supervisor thread (so that Linux's
    parent-death signal, which follows the starting thread, kills them only when the pool
    goes). A worker whose request overran is killed and replaced in the background.
    """

    def __init__(self, location: Path, *, size: int = 2, read_only: bool = True) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.location = location
        self.size = size
        self.read_only = read_only
        self._idle: queue.Queue[OxigraphProcess] = queue.Queue()
        self._requests: queue.Queue[tuple[threading.Event, list[Any]] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[OxigraphProcess] = set()
        self._closed = False
        self.restarts = 0
        self._supervisor = threading.Thread(target=self._supervise, name="kg-serve-supervisor", daemon=True)

    def start(self) -> None:
        """Start the supervisor and all workers; raises if the first worker cannot start."""
        self._supervisor.start()
        for _ in range(self.size):
            worker = self._spawn_and_wait()
            self._idle.put(worker)

    def _spawn_and_wait(self) -> OxigraphProcess:
        done = threading.Event()
        box: list[Any] = []
        self._requests.put((done, box))
        done.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def _supervise(self) -> None:
        while True:
            item = self._requests.get()
            if item is None:
                return
            done, box = item
            try:
                worker = start_oxigraph(self.location, read_only=self.read_only)
                with self._lock:
                    closed = self._closed
                    if not closed:
                        self._workers.add(worker)
                if closed:
                    worker.kill()
                box.append(worker)
            except BaseException as exc:  # noqa: BLE001 - reported to whoever asked
                box.append(exc)
            done.set()

    def _replace_in_background(self) -> None:
        done = threading.Event()
        box: list[Any] = []

        def wait_and_queue() -> None:
            done.wait()
            result = box[0]
            if isinstance(result, BaseException):
                log.error("could not restart an Oxigraph worker: %s", result)
            elif not self._closed:
                self._idle.put(result)

        self._requests.put((done, box))
        threading.Thread(target=wait_and_queue, name="kg-serve-requeue", daemon=True).start()

    def acquire(self, timeout: float) -> OxigraphProcess | None:
        """An idle worker, waiting at most ``timeout`` seconds; None if none got free."""
        deadline = time.monotonic() + timeout
        while not self._closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                worker = self._idle.get(timeout=remaining)
            except queue.Empty:
                return None
            if worker.alive():
                return worker
            self.discard(worker)  # died on its own: replace it and look again
        return None

    def release(self, worker: OxigraphProcess) -> None:
        if self._closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def discard(self, worker: OxigraphProcess) -> None:
        """Kill ``worker`` now (its request is abandoned) and start a replacement."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            self.restarts += 1
        if not self._closed:
            self._replace_in_background()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        self._requests.put(None)
        for worker in workers:
            worker.stop(grace=2.0)


# --- request policy -------------------------------------------------------------------------
@dataclass
class Refusal:
    """Why the front refuses a request before anything runs."""

    status: int
    message: str
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Request:
    """What the guard sees of a request: the operation and its SPARQL text, if any."""

    method: str
    path: str  # /query, /update or /store
    operation: str  # "query", "update" or "graph-store"
    sparql: str | None
    query_string: str
    #: Bytes added in front of line 1 by :func:`_predeclare` (columns of errors on line 1 move back).
    shift: int = 0


class Guard:
    """The policy applied before a request reaches Oxigraph.

    Always: a query or update that would reach outside the store (``SERVICE`` in any
    spelling, ``LOAD``, dataset clauses naming files or relative IRIs) gets 403 before it is
    forwarded (:func:`kg.sparql_guard.check_query`): the Oxigraph server performs SERVICE calls
    even when read-only. Read-only mode: SPARQL updates (on /update, or sent to /query or
    /sparql as ``application/sparql-update`` or an ``update=`` form field) get 403; Graph Store
    writes (PUT, POST, DELETE, PATCH on /store) get 405.
    """

    def __init__(self, *, read_only: bool = True) -> None:
        self.read_only = read_only

    def check(self, request: Request) -> Refusal | None:
        if request.sparql:
            from kg.sparql_guard import check_query

            outbound = check_query(request.sparql)
            if outbound is not None:
                return Refusal(403, f"Refused before execution ({outbound.code}): {outbound.message}\n")
        for name, values in urllib.parse.parse_qs(request.query_string).items():
            if name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
                for value in values:
                    if value.split(":", 1)[0].lower() not in ("http", "https", "urn"):
                        return Refusal(403, f"Refused before execution (dataset-iri): {name}={value} may only "
                                            "name graphs of this store (http, https, urn IRIs).\n")
        if not self.read_only:
            return None
        if request.operation == "update":
            return Refusal(403, "Updates are refused: this endpoint is read-only "
                                "(start kg serve with --allow-updates to accept them).\n")
        if request.operation == "graph-store" and request.method not in ("GET", "HEAD"):
            return Refusal(405, "Graph Store writes are refused: this endpoint is read-only.\n",
                           [("Allow", "GET, HEAD")])
        return None


# --- the WSGI front -------------------------------------------------------------------------
@dataclass
class EndpointConfig:
    timeout: float = 30.0
    read_only: bool = True
    cors: bool = False
    max_result_bytes: int = 256 * 1024 * 1024
    max_request_bytes: int = 16 * 1024 * 1024


class _Response(KGError):
    def __init__(self, status: int, body: bytes | str, headers: list[tuple[str, str]] | None = None,
                 content_type: str = "text/plain; charset=utf-8") -> None:
        super().__init__(status)
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = [("Content-Type", content_type)] + list(headers or [])


def _status_line(status: int) -> str:
    return f"{status} {http.client.responses.get(status, 'Unknown')}"


def _read_body(environ: dict[str, Any], limit: int) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise _Response(400, "Bad Content-Length.\n") from None
    if length > limit:
        raise _Response(413, f"Request body larger than {limit} bytes.\n")
    return environ["wsgi.input"].read(length) if length else b""


def _classify(method: str, path: str, environ: dict[str, Any], body: bytes) -> Request:
    """The SPARQL 1.1 Protocol operation of a request (query, update or graph-store)."""
    query_string = environ.get("QUERY_STRING", "")
    content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if path == "/store":
        return Request(method, path, "graph-store", None, query_string)
    fields = urllib.parse.parse_qs(query_string, keep_blank_values=True)
    if method == "POST" and content_type == "application/x-www-form-urlencoded":
        fields.update(urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
    if path == "/update" or "update" in fields or (method == "POST" and content_type == "application/sparql-update"):
        text = fields.get("update", [None])[0]
        if text is None and content_type == "application/sparql-update":
            text = body.decode("utf-8", "replace")
        return Request(method, "/update", "update", text, query_string)
    text = fields.get("query", [None])[0]
    if text is None and method == "POST" and content_type == "application/sparql-query":
        text = body.decode("utf-8", "replace")
    return Request(method, "/query", "query", text, query_string)


def _check_complete(content_type: str, body: bytes) -> str | None:
    """Why a result body is not a complete document, or None. Oxigraph streams its
    results, so an error after the first row leaves a cut document behind a 200."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == _JSON_RESULTS or kind == "application/json":
        try:
            json.loads(body)
        except ValueError as exc:
            return f"incomplete JSON results ({exc})"
    elif kind == _XML_RESULTS:
        import xml.parsers.expat

        parser = xml.parsers.expat.ParserCreate()
        try:
            parser.Parse(body, True)
        except xml.parsers.expat.ExpatError as exc:
            return f"incomplete XML results ({exc})"
    if body.rstrip().endswith(b"The SPARQL operation has been cancelled"):
        return "the query engine cancelled the operation"
    return None


class EndpointApp:
    """The WSGI application of ``kg serve`` (see the module docs)."""

    def __init__(self, pool: WorkerPool, config: EndpointConfig, guard: Guard | None = None,
                 queries: list[dict[str, Any]] | None = None, description: str = "") -> None:
        self.pool = pool
        self.config = config
        self.guard = guard or Guard(read_only=config.read_only)
        self.named = _named_queries()
        self.queries = queries if queries is not None else [
            {**_query_header(q), "sparql": text} for q, text in _example_texts(self.named)]
        self._engine_description: list[Any] | None = None
        self.description = description
        self.static = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file()} if STATIC_DIR.is_dir() else {}

    # WSGI entry point
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/") or "/"
        try:
            status, headers, body = self._handle(method, path, environ)
        except _Response as response:
            status, headers, body = response.status, response.headers, response.body
        except Exception as exc:  # never a traceback to the client
            log.exception("internal error")
            status, headers, body = 500, [("Content-Type", "text/plain; charset=utf-8")], \
                f"Internal error in the endpoint front: {type(exc).__name__}.\n".encode()
        headers = list(headers) + [("Content-Length", str(len(body))), ("X-Content-Type-Options", "nosniff")]
        if self.config.cors:
            headers += [("Access-Control-Allow-Origin", "*"),
                        ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                        ("Access-Control-Allow-Methods", "GET, POST, OPTIONS")]
        start_response(_status_line(status), headers)
        return [b""] if method == "HEAD" else [body]

    def _handle(self, method: str, path: str, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        if method == "OPTIONS":
            return 204, [("Allow", "GET, POST, HEAD, OPTIONS")], b""
        if path in ("/", "/index.html"):
            return self._static("index.html", method)
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):], method)
        if path == "/queries.json":
            _only_get(method)
            from kg.rdf.terms import PREFIXES

            return _json(200, {"queries": self.queries, "endpoint": self.description, "prefixes": PREFIXES,
                               "read_only": self.config.read_only, "timeout": self.config.timeout})
        if path.startswith("/queries/"):
            _only_get(method)
            return self._named_query(path[len("/queries/"):], environ.get("QUERY_STRING", ""))
        if path == "/card":
            _only_get(method)
            return self._card(environ)
        if path in ("/query", "/sparql", "/update", "/store"):
            if method not in ("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH"):
                raise _Response(405, "Method not allowed.\n", [("Allow", "GET, POST")])
            body = _read_body(environ, self.config.max_request_bytes)
            request = _classify(method, "/store" if path == "/store" else path, environ, body)
            if request.operation == "query" and request.sparql is None and method in ("GET", "HEAD"):
                return self._service_description(environ, path)
            if request.operation != "graph-store" and method not in ("GET", "POST"):
                raise _Response(405, "Use GET or POST.\n", [("Allow", "GET, POST")])
            request, body = _predeclare(request, environ, body)
            refusal = self.guard.check(request)
            if refusal is not None:
                raise _Response(refusal.status, refusal.message, refusal.headers)
            return self._forward(request, environ, body)
        raise _Response(404, "Not found. The SPARQL endpoint is /query; the query page is /.\n")

    def _static(self, name: str, method: str) -> tuple[int, list[tuple[str, str]], bytes]:
        if method not in ("GET", "HEAD"):
            raise _Response(405, "Use GET.\n", [("Allow", "GET, HEAD")])
        path = self.static.get(name)  # only files that are in kg/static: no path walking
        if path is None:
            raise _Response(404, "Not found.\n")
        kinds = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
        headers = [("Content-Type", kinds.get(path.suffix, "application/octet-stream")),
                   ("Cache-Control", "no-cache"), ("Content-Security-Policy", _PAGE_CSP),
                   ("Referrer-Policy", "no-referrer")]
        return 200, headers, path.read_bytes()

    # --- what the front answers itself ------------------------------------------------------
    def _service_description(self, environ: dict[str, Any], path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """The engine's SPARQL service description, corrected: ``sd:endpoint`` is the URL the
        client used (not the worker's loopback address) and features the front refuses
        (``sd:BasicFederatedQuery``: SERVICE gets 403) are left out."""
        import pyoxigraph as ox

        formats = _sd_formats()
        chosen = _negotiate(environ.get("HTTP_ACCEPT") or "", formats)
        if chosen is None:
            raise _Response(406, "The service description is available as " + ", ".join(formats) + ".\n")
        if self._engine_description is None:
            status, _, data = self._exchange("GET", "/query", b"", {"Accept": "application/n-triples"},
                                             time.monotonic() + self.config.timeout)
            if status != 200:
                raise _Response(502, f"The query engine gave no service description (HTTP {status}).\n")
            self._engine_description = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        triples = describe_service(self._engine_description, _public_url(environ, path))
        mime, rdf_format = formats[chosen]
        body = ox.serialize(triples, format=rdf_format, prefixes={"sd": _SD}) or b""
        return 200, [("Content-Type", mime), ("Vary", "Accept")], body

    def _named_query(self, name: str, query_string: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """``/queries/NAME?param=value…``: the named query's header and its SPARQL text with
        those parameters bound (by :func:`kg.queries.render`: escaped VALUES, never pasted)."""
        from kg.queries import QueryError, declare_used_prefixes, render

        query = self.named.get(name)
        if query is None:
            return _json(404, {"error": f"no named query {name!r}", "names": sorted(self.named)})
        params: dict[str, list[str]] = {}
        for key, value in urllib.parse.parse_qsl(query_string, keep_blank_values=True):
            if value.strip():  # an emptied field means "not given", not the empty string
                params.setdefault(key, []).append(value)
        try:
            text = declare_used_prefixes(render(query, params, prefixes=False))
        except QueryError as exc:
            return _json(400, {"error": str(exc), **_query_header(query)})
        return _json(200, {**_query_header(query), "sparql": text})

    def _card(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """``/card?iri=…`` (or ``target=`` a title or label): the card of ``kg show`` as HTML,
        or as the JSON of ``kg show --json`` with ``format=json`` or ``Accept: application/json``.
        A resource without a card gets its own triples instead."""
        from kg.cards import AmbiguousTarget, TargetNotFound, card

        fields = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        target = (fields.get("iri") or fields.get("target") or [""])[0].strip()
        wanted = (fields.get("format") or [""])[0]
        as_json = wanted == "json" or (not wanted and _negotiate(environ.get("HTTP_ACCEPT") or "",
                                                                  {"text/html": 0, "application/json": 1}) == "application/json")
        if not target:
            raise _Response(400, "Give the resource: /card?iri=IRI (or target=NAME).\n")
        store = _WorkerStore(self, time.monotonic() + self.config.timeout)
        try:
            found = card(cast("KGStore", store), target)   # the worker store answers SPARQL like a KGStore
        except ValueError as exc:  # an IRI that cannot be written in SPARQL (kg.sparql.sparql_iri)
            raise _Response(400, f"Not a resource of this graph: {exc}\n") from None
        except AmbiguousTarget as exc:
            if as_json:
                return _json(300, {"error": str(exc), "candidates": exc.candidates})
            return 300, _HTML, _page(f"“{target}” is ambiguous", _links_html(exc.candidates))
        except TargetNotFound as exc:
            rows = _resource_triples(store, target) if _looks_like_iri(target) else []
            if as_json:
                return _json(404, {"error": str(exc), "iri": target if rows else None, "triples": rows})
            if not rows:
                return 404, _HTML, _page("Not found", f"<p>{html.escape(str(exc))}</p>")
            return 200, _HTML, _page(_short(target), _triples_html(target, rows))
        if as_json:
            return _json(200, found)
        return 200, _HTML, _page(_card_title(found), _card_html(found))

    def _forward(self, request: Request, environ: dict[str, Any], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        started = time.monotonic()
        target = request.path + (f"?{request.query_string}" if request.query_string else "")
        headers = {"Content-Type": environ.get("CONTENT_TYPE") or "", "Accept": environ.get("HTTP_ACCEPT") or "*/*"}
        status, passed, data = self._exchange(request.method, target, body, headers, started + self.config.timeout)
        if status == 400 and request.sparql:  # the declarations put in front are ASCII: chars = bytes
            data = _unshift_columns(data, request.shift, request.sparql[request.shift:])
        content_type = next((v for k, v in passed if k.lower() == "content-type"), "")
        if (status == 200 and request.operation == "query" and request.method != "HEAD"
                and content_type.split(";")[0].strip().lower() == "text/turtle"):
            data = _pretty_turtle(data)
        elapsed = time.monotonic() - started
        passed.append(("Server-Timing", f"sparql;dur={elapsed * 1000:.1f}"))
        return status, passed, data

    def _exchange(self, method: str, target: str, body: bytes, headers: dict[str, str],
                  deadline: float) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request to an idle worker, answered whole before ``deadline`` (monotonic), or
        a :class:`_Response` 503 (the worker is killed), 502 or 500 (result too large)."""
        timeout = self.config.timeout
        worker = self.pool.acquire(max(0.0, deadline - time.monotonic()))
        if worker is None:
            raise _Response(503, f"Query timed out after {timeout:g} s waiting for a free query worker "
                                 "(all are busy); try again.\n", [("Retry-After", "1")])
        headers = {k: v for k, v in headers.items() if v}
        connection = http.client.HTTPConnection(worker.host, worker.port, timeout=max(0.05, deadline - time.monotonic()))
        try:
            connection.request(method, target, body=body if body else None, headers=headers)
            response = connection.getresponse()
            chunks: list[bytes] = []
            size = 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
                chunk = response.read(1 << 16) if method != "HEAD" else b""
                if not chunk:
                    break
                size += len(chunk)
                if size > self.config.max_result_bytes:
                    connection.close()
                    self.pool.discard(worker)
                    worker = None
                    raise _Response(500, f"The result is larger than this endpoint's limit "
                                         f"({self.config.max_result_bytes // (1024 * 1024)} MiB): add a LIMIT.\n")
                chunks.append(chunk)
        except TimeoutError:
            connection.close()
            if worker is not None:
                self.pool.discard(worker)  # SIGKILL: the query stops using CPU now
            raise _Response(503, f"Query timed out after {timeout:g} s and was cancelled "
                                 f"(kg serve --timeout {timeout:g}).\n") from None
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            connection.close()
            if worker is not None:
                self.pool.discard(worker)
            raise _Response(502, f"The query engine failed while answering ({type(exc).__name__}); "
                                 "it has been restarted.\n") from None
        connection.close()
        self.pool.release(worker)
        data = b"".join(chunks)
        content_type = response.getheader("Content-Type") or "application/octet-stream"
        if response.status == 200 and method != "HEAD":
            problem = _check_complete(content_type, data)
            if problem is not None:
                raise _Response(502, f"The query engine returned an incomplete result: {problem}.\n")
        passed = [(name.title(), value) for name, value in response.getheaders() if name.lower() in _PASS_HEADERS]
        return response.status, passed, data


def _named_queries() -> dict[str, Any]:
    """The named queries (``queries/*.rq``) by name; none if they cannot be loaded (the page
    still works without them)."""
    try:
        from kg.queries import load_queries

        return dict(load_queries())
    except Exception:
        log.warning("named queries unavailable on the query page", exc_info=True)
        return {}


def _query_header(query: Any) -> dict[str, Any]:
    """What the page needs to show a named query and its parameter fields."""
    return {"name": query.name, "title": query.title, "description": query.description, "form": query.form,
            "params": [{"name": p.name, "default": p.default, "example": p.sample, "kind": p.kind,
                        "meaning": p.meaning, "required": p.required, "optional": p.optional}
                       for p in query.params]}


def _example_texts(named: dict[str, Any]) -> list[tuple[Any, str]]:
    """Each named query with its example text: defaults bound, used prefixes declared."""
    from kg.queries import QueryError, declare_used_prefixes, render

    out = []
    for query in named.values():
        try:
            out.append((query, declare_used_prefixes(render(query, prefixes=False))))
        except QueryError:  # a required parameter without default: show it unbound
            out.append((query, declare_used_prefixes(query.text)))
    return out


# --- prefixes, errors and Turtle ------------------------------------------------------------
def _predeclare(request: Request, environ: dict[str, Any], body: bytes) -> tuple[Request, bytes]:
    """``request`` with the project prefixes that ``kg query`` predeclares
    (:func:`kg.queries.with_project_prefixes`) declared in front of line 1 of its SPARQL
    text, wherever the text travels (URL, form body or direct body). The Oxigraph server
    has no predeclared prefixes, so the text itself carries them."""
    from kg.queries import with_project_prefixes

    text = request.sparql
    if request.operation not in ("query", "update") or not text:
        return request, body
    full = with_project_prefixes(text)
    if full == text:
        return request, body

    def swap(encoded: str) -> str:
        pairs = urllib.parse.parse_qsl(encoded, keep_blank_values=True)
        return urllib.parse.urlencode([(k, full if k == request.operation and v == text else v) for k, v in pairs])

    query_string = swap(request.query_string) if request.query_string else ""
    content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if request.method == "POST" and content_type == "application/x-www-form-urlencoded":
        body = swap(body.decode("utf-8", "replace")).encode("utf-8")
    elif request.method == "POST" and content_type in ("application/sparql-query", "application/sparql-update"):
        body = full.encode("utf-8")
    shift = len(full.encode("utf-8")) - len(text.encode("utf-8"))  # Oxigraph counts columns in bytes
    return Request(request.method, request.path, request.operation, full, query_string, shift), body


_ERROR_AT = re.compile(rb"\berror at (\d+):(\d+)")


def _unshift_columns(message: bytes, shift: int, text: str = "") -> bytes:
    """An Oxigraph syntax error as if the query had been sent without the prefixes put in
    front of its line 1; an unknown prefix is named instead of the parser's character classes.

    >>> _unshift_columns(b"error at 1:130: expected ...", 100)
    b'error at 1:30: expected ...'
    >>> _unshift_columns(b"error at 2:5: x", 100)
    b'error at 2:5: x'
    """
    match = _ERROR_AT.search(message)
    if match is None:
        return message
    line, column = int(match.group(1)), int(match.group(2))
    if line == 1:
        column = max(1, column - shift)
    head = f"error at {line}:{column}".encode()
    if b"Prefix not found" in message and text:
        from kg.rdf.terms import PREFIXES

        lines = text.encode("utf-8").split(b"\n")
        before = lines[line - 1][:column - 1] if 0 < line <= len(lines) else b""
        name = re.search(rb"([A-Za-z][\w.\-]*)?:[^\s:]*$", before)
        which = f"'{name.group(1).decode('utf-8', 'replace') if name and name.group(1) else ''}:'" if name else "a prefix"
        return head + (f": unknown prefix {which}; declare it with PREFIX NAME: <IRI> (predeclared: "
                       f"{', '.join(PREFIXES)})\n").encode()
    return message[:match.start()] + head + message[match.end():]


#: Turtle answers up to this size are re-written with the project prefixes (bigger ones keep
#: the engine's Turtle, which is just as valid).
PRETTY_TURTLE_BYTES = 32 * 1024 * 1024


def _pretty_turtle(data: bytes) -> bytes:
    """A Turtle graph re-written with the project prefixes it uses, grouped by subject."""
    if len(data) > PRETTY_TURTLE_BYTES:
        return data
    import pyoxigraph as ox

    try:
        triples = sorted(ox.parse(data, format=ox.RdfFormat.TURTLE), key=lambda t: (str(t.subject), str(t.predicate)))
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=turtle_prefixes(triples)) or data
    except (SyntaxError, ValueError):  # never lose an answer over its layout
        log.warning("could not pretty-print a Turtle answer", exc_info=True)
        return data


#: IRIs that Turtle does not write: plain literal types ("text", "text"@en) and rdf:type (``a``).
_UNWRITTEN_IRIS = frozenset({"http://www.w3.org/2001/XMLSchema#string",
                             "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
                             "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"})


def turtle_prefixes(triples: Iterable[Any]) -> dict[str, str]:
    """The project prefixes (:data:`kg.rdf.terms.PREFIXES`) that name IRIs of ``triples``,
    leaving out a namespace when one of its IRIs ends in a dot: pyoxigraph writes that as
    ``res:Washington_D.C\\.``, which is valid Turtle that rdflib cannot read.

    >>> import pyoxigraph as ox
    >>> res = "https://w3id.org/conflict-kg/resource/"
    >>> t = ox.Triple(ox.NamedNode(res + "Aleppo"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("A"))
    >>> sorted(turtle_prefixes([t]))
    ['rdfs', 'res']
    >>> sorted(turtle_prefixes([t, ox.Triple(ox.NamedNode(res + "Washington_D.C."), t.predicate, t.object)]))
    ['rdfs']
    """
    import pyoxigraph as ox

    from kg.rdf.terms import PREFIXES

    by_namespace = {namespace: prefix for prefix, namespace in PREFIXES.items()}
    used: set[str] = set()
    unsafe: set[str] = set()
    seen: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object, getattr(triple.object, "datatype", None)):
            if not isinstance(term, ox.NamedNode) or term.value in seen or term.value in _UNWRITTEN_IRIS:
                continue
            iri = term.value
            seen.add(iri)
            # every project namespace ends in / or #: try each such cut of the IRI
            for cut in (i + 1 for i, c in enumerate(iri) if c in "/#"):
                prefix = by_namespace.get(iri[:cut])
                if prefix is not None and cut < len(iri):
                    used.add(prefix)
                    if iri.endswith("."):
                        unsafe.add(prefix)
    return {prefix: PREFIXES[prefix] for prefix in PREFIXES if prefix in used - unsafe}


# --- the service description ----------------------------------------------------------------
_SD = "http://www.w3.org/ns/sparql-service-description#"
#: Features the engine declares that the front refuses (SERVICE: :class:`Guard`).
REFUSED_FEATURES = (_SD + "BasicFederatedQuery",)


def _sd_formats() -> dict[str, tuple[str, Any]]:
    import pyoxigraph as ox

    return {"text/turtle": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
            "application/n-triples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
            "application/rdf+xml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
            "application/ld+json": ("application/ld+json", ox.RdfFormat.JSON_LD)}


def describe_service(engine: list[Any], endpoint: str) -> list[Any]:
    """The triples of the engine's service description with ``sd:endpoint`` set to
    ``endpoint`` and the refused features (:data:`REFUSED_FEATURES`) removed."""
    import pyoxigraph as ox

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    services = {t.subject for t in engine if t.predicate == rdf_type and t.object == ox.NamedNode(_SD + "Service")}
    refused = {ox.NamedNode(iri) for iri in REFUSED_FEATURES}
    kept = [t for t in engine
            if not (t.subject in services and t.predicate == ox.NamedNode(_SD + "endpoint"))
            and not (t.subject in services and t.predicate == ox.NamedNode(_SD + "feature") and t.object in refused)]
    return kept + [ox.Triple(s, ox.NamedNode(_SD + "endpoint"), ox.NamedNode(endpoint)) for s in services]


_HOST_RE = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def _public_url(environ: dict[str, Any], path: str) -> str:
    """The URL of ``path`` as the client reached the front (its Host header), else the
    address the front listens on.

    >>> _public_url({"wsgi.url_scheme": "http", "HTTP_HOST": "kg.example:8080"}, "/query")
    'http://kg.example:8080/query'
    >>> _public_url({"HTTP_HOST": "bad host>", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "7878"}, "/query")
    'http://127.0.0.1:7878/query'
    """
    scheme = environ.get("wsgi.url_scheme") or "http"
    host = environ.get("HTTP_HOST") or ""
    if not _HOST_RE.fullmatch(host):
        host = f"{environ.get('SERVER_NAME') or '127.0.0.1'}:{environ.get('SERVER_PORT') or '80'}"
    return f"{scheme}://{host}{path}"


def _negotiate(accept: str, offered: Iterable[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (the first offered for an empty
    header or ``*/*``), or None when it accepts none of them.

    >>> _negotiate("application/n-triples;q=0.9, text/turtle", ["text/turtle", "application/n-triples"])
    'text/turtle'
    >>> _negotiate("text/html,*/*;q=0.8", ["text/turtle"])
    'text/turtle'
    >>> _negotiate("application/sparql-results+json", ["text/turtle"]) is None
    True
    """
    offers = list(offered)
    if not accept.strip():
        return offers[0] if offers else None
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept.split(",")):
        kind, *parameters = [part.strip() for part in item.split(";")]
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = kind.lower()
        if quality <= 0:
            continue
        for offer in offers:
            if kind in (offer, "*/*") or (kind.endswith("/*") and offer.startswith(kind[:-1])):
                # a specific type beats a wildcard of the same quality
                rank = (quality, 1 if kind == offer else 0, -position)
                if best is None or rank[:2] > best[:2]:
                    best = (rank[0], rank[1], offer)
                break
    return best[2] if best else None


# --- cards ----------------------------------------------------------------------------------
class _WorkerStore:
    """The part of a store that :mod:`kg.cards` uses (``query`` returning pyoxigraph
    solutions), answered by the Oxigraph workers under one request's deadline."""

    def __init__(self, app: EndpointApp, deadline: float) -> None:
        self.app = app
        self.deadline = deadline

    def query(self, sparql: str, **options: Any) -> Any:  # options: KGStore.query's, all implied here
        import pyoxigraph as ox

        from kg.queries import with_project_prefixes

        body = urllib.parse.urlencode({"query": with_project_prefixes(sparql)}).encode("utf-8")
        status, _, data = self.app._exchange("POST", "/query", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": _JSON_RESULTS}, self.deadline)
        if status != 200:
            raise _Response(502, f"The query engine refused a card query (HTTP {status}): "
                                 f"{data.decode('utf-8', 'replace')[:500]}\n")
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)


def _looks_like_iri(text: str) -> bool:
    return text.startswith(("http://", "https://", "urn:")) and not any(c in text for c in '<>"{}|^`\\ \n')


def _resource_triples(store: _WorkerStore, iri: str, limit: int = 500) -> list[dict[str, Any]]:
    """What the graph states about ``iri`` (as subject), for a resource that has no card."""
    from kg.sparql import select, sparql_iri

    return select(cast("KGStore", store), f"SELECT DISTINCT ?p ?o WHERE {{ {sparql_iri(iri)} ?p ?o }} ORDER BY ?p ?o LIMIT {limit}")


_HTML = [("Content-Type", "text/html; charset=utf-8"), ("Content-Security-Policy", _PAGE_CSP),
         ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-cache")]


def _short(iri: str) -> str:
    """``iri`` with a project prefix when one fits (for showing, not for parsing).

    >>> _short("https://w3id.org/conflict-kg/ontology#Side")
    'ckg:Side'
    """
    from kg.rdf.terms import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _card_link(iri: str, text: str | None = None) -> str:
    href = "/card?" + urllib.parse.urlencode({"iri": iri})
    return f'<a href="{html.escape(href)}" title="{html.escape(iri)}">{html.escape(text or _short(iri))}</a>'


def _refs(value: Any, seen: dict[str, str]) -> dict[str, str]:
    """Every ``{"iri", "label"|"title"}`` reference inside a card, in order, once each."""
    if isinstance(value, dict):
        iri = value.get("iri")
        if isinstance(iri, str) and iri and iri not in seen:
            seen[iri] = str(value.get("label") or value.get("title") or _short(iri))
        for item in value.values():
            _refs(item, seen)
    elif isinstance(value, list):
        for item in value:
            _refs(item, seen)
    return seen


def _card_title(found: dict[str, Any]) -> str:
    return str(found.get("title") or found.get("label") or _short(found["iri"]))


def _card_html(found: dict[str, Any]) -> str:
    """The card as ``kg show`` prints it (:func:`kg.render.render_card`), then a link to the
    card of everything it refers to."""
    from kg.render import render_card

    links = {iri: label for iri, label in _refs(found, {}).items() if iri != found["iri"]}
    json_href = "/card?" + urllib.parse.urlencode({"iri": found["iri"], "format": "json"})
    parts = [(f'<p class="meta">{html.escape(str(found.get("kind")))} · <code>{html.escape(found["iri"])}</code> · '
              f'<a href="{html.escape(json_href)}">JSON</a></p>'),
             f'<pre class="card">{html.escape(render_card(found))}</pre>']
    if links:
        parts.append("<h2>Linked</h2><ul class=\"links\">" + "".join(
            f"<li>{_card_link(iri, label)} <code>{html.escape(_short(iri))}</code></li>" for iri, label in links.items())
            + "</ul>")
    return "".join(parts)


def _triples_html(iri: str, rows: list[dict[str, Any]]) -> str:
    cells = []
    for row in rows:
        value = row["o"]
        shown = _card_link(value) if isinstance(value, str) and _looks_like_iri(value) else html.escape(str(value))
        cells.append(f"<tr><td>{_card_link(row['p'])}</td><td>{shown}</td></tr>")
    return (f'<p class="meta">No card: <code>{html.escape(iri)}</code> is not a conflict, an entity or a '
            f'document. What the graph states about it:</p>'
            f"<table><thead><tr><th>predicate</th><th>object</th></tr></thead><tbody>{''.join(cells)}</tbody></table>")


def _links_html(candidates: list[dict[str, str]]) -> str:
    return "<ul class=\"links\">" + "".join(
        f"<li>{_card_link(c['iri'], c.get('label'))} ({html.escape(c.get('kind', ''))})</li>" for c in candidates) + "</ul>"


def _page(title: str, content: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} — conflict-kg'
            f'</title><link rel="stylesheet" href="/static/style.css"></head><body><header><h1>{html.escape(title)}'
            f'</h1><p><a href="/">query page</a></p></header><main>{content}</main></body></html>\n').encode()


def _only_get(method: str) -> None:
    if method not in ("GET", "HEAD"):
        raise _Response(405, "Use GET.\n", [("Allow", "GET, HEAD")])


def _json(status: int, value: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "application/json"), ("Cache-Control", "no-cache")], \
        json.dumps(value, ensure_ascii=False).encode("utf-8")


def make_app(pool: WorkerPool, config: EndpointConfig, **kw: Any) -> EndpointApp:
    return EndpointApp(pool, config, **kw)


# --- kg serve -------------------------------------------------------------------------------
def _shutdown(server: Any, thread: threading.Thread | None = None) -> None:
    """Stop a waitress server: finish the running tasks first, then close every socket (the
    other order lets a task write to a closed trigger)."""
    from waitress import wasyncore

    with contextlib.suppress(Exception):
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
    with contextlib.suppress(Exception):
        wasyncore.close_all(server._map)
    if thread is not None:
        thread.join(10)


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(store_path: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 7878,
          timeout: float = 30.0, allow_updates: bool = False, workers: int = 2, cors: bool = False,
          max_result_mb: int = 256, announce: Callable[[str], None] | None = None) -> None:
    """Run the endpoint until SIGINT or SIGTERM (see the module docs)."""
    import waitress.server

    say = announce or (lambda text: print(text, file=sys.stderr, flush=True))
    source = Path(store_path)
    cleanup: Callable[[], None] = lambda: None  # noqa: E731 - a variable: the snapshot's cleanup replaces it
    if allow_updates:
        if workers != 1:
            say("kg serve: --allow-updates runs a single writable Oxigraph worker")
        location, note, size, read_only = source, f"serving {source} read-write (holds the store's write lock)", 1, False
        source.mkdir(parents=True, exist_ok=True)
    else:
        location, cleanup, note = make_snapshot(source)
        size, read_only = workers, True
    pool = WorkerPool(location, size=size, read_only=read_only)
    server = None
    try:
        pool.start()
        config = EndpointConfig(timeout=timeout, read_only=read_only, cors=cors,
                                max_result_bytes=max_result_mb * 1024 * 1024,
                                max_request_bytes=(1 << 30) if allow_updates else 16 * 1024 * 1024)
        app = EndpointApp(pool, config, description=note)
        server = waitress.server.create_server(
            app, host=host, port=port, threads=max(4, 2 * size + 2), ident="kg-serve",
            max_request_body_size=config.max_request_bytes, channel_timeout=max(120, int(timeout) + 30),
            connection_limit=100, expose_tracebacks=False, clear_untrusted_proxy_headers=True)
        bound = getattr(server, "effective_port", port)
        bound_host = getattr(server, "effective_host", host)
        if not _is_loopback(host):
            say(f"kg serve: WARNING: listening on {host}, not loopback: anyone who can reach this "
                "address can query the graph")
        say(f"kg serve: {note}")
        say(f"kg serve: {'read-only' if read_only else 'READ-WRITE'}, query timeout {timeout:g} s, "
            f"{size} Oxigraph worker{'s' if size > 1 else ''}")
        say(f"kg serve: SPARQL endpoint http://{bound_host}:{bound}/query  query page http://{bound_host}:{bound}/")

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
    finally:
        if server is not None:
            _shutdown(server)
        pool.close()
        cleanup()
        say("kg serve: stopped")


@contextlib.contextmanager
def running_endpoint(store_path: str | os.PathLike[str], **kw: Any) -> Iterator[str]:
    """``kg serve`` in a thread of this process, for tests and benchmarks: yields the base
    URL (``http://127.0.0.1:PORT``) and stops everything on exit."""
    import waitress.server

    location, cleanup, note = make_snapshot(store_path)
    pool = WorkerPool(location, size=kw.pop("workers", 2))
    pool.start()
    config = EndpointConfig(**kw)
    app = EndpointApp(pool, config, description=note)
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=8, ident="kg-serve")
    thread = threading.Thread(target=server.run, name="kg-serve-front", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        _shutdown(server, thread)
        pool.close()
        cleanup()
