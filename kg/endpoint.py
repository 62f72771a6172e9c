"""``kg serve``: a SPARQL 1.1 Protocol endpoint over the store, run by the Oxigraph server.

Architecture (one process tree, loopback only inside)::

    client ──HTTP──> front (waitress WSGI server, this module)
                       ├─ /, /static/*, /queries.json   the offline query page (kg/static)
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

Later hardening (issue 9) plugs into :class:`Guard` (refusing SERVICE, LOAD, ``FROM <file:>``
before execution) without changing the forwarding.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import queue
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
from typing import Any

from kg.errors import KGError

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

    reader = ox.Store.read_only(str(source))
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
        self.queries = queries if queries is not None else _page_queries()
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
            if method not in ("GET", "HEAD"):
                raise _Response(405, "Use GET.\n", [("Allow", "GET, HEAD")])
            return 200, [("Content-Type", "application/json"), ("Cache-Control", "no-cache")], \
                json.dumps({"queries": self.queries, "endpoint": self.description,
                            "read_only": self.config.read_only, "timeout": self.config.timeout},
                           ensure_ascii=False).encode("utf-8")
        if path in ("/query", "/sparql", "/update", "/store"):
            if method not in ("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH"):
                raise _Response(405, "Method not allowed.\n", [("Allow", "GET, POST")])
            body = _read_body(environ, self.config.max_request_bytes)
            request = _classify(method, "/store" if path == "/store" else path, environ, body)
            if request.operation != "graph-store" and method not in ("GET", "POST"):
                raise _Response(405, "Use GET or POST.\n", [("Allow", "GET, POST")])
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

    def _forward(self, request: Request, environ: dict[str, Any], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        timeout = self.config.timeout
        started = time.monotonic()
        deadline = started + timeout
        worker = self.pool.acquire(timeout)
        if worker is None:
            raise _Response(503, f"Query timed out after {timeout:g} s waiting for a free query worker "
                                 "(all are busy); try again.\n", [("Retry-After", "1")])
        target = request.path + (f"?{request.query_string}" if request.query_string else "")
        headers = {"Content-Type": environ.get("CONTENT_TYPE") or "", "Accept": environ.get("HTTP_ACCEPT") or "*/*"}
        headers = {k: v for k, v in headers.items() if v}
        connection = http.client.HTTPConnection(worker.host, worker.port, timeout=max(0.05, deadline - time.monotonic()))
        try:
            connection.request(request.method, target, body=body if body else None, headers=headers)
            response = connection.getresponse()
            chunks: list[bytes] = []
            size = 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
                chunk = response.read(1 << 16) if request.method != "HEAD" else b""
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
        if response.status == 200 and request.method != "HEAD":
            problem = _check_complete(content_type, data)
            if problem is not None:
                raise _Response(502, f"The query engine returned an incomplete result: {problem}.\n")
        passed = [(name.title(), value) for name, value in response.getheaders() if name.lower() in _PASS_HEADERS]
        elapsed = time.monotonic() - started
        passed.append(("Server-Timing", f"sparql;dur={elapsed * 1000:.1f}"))
        return response.status, passed, data


def _page_queries() -> list[dict[str, Any]]:
    """The named queries for the query page: defaults bound, used prefixes declared."""
    try:
        from kg.queries import declare_used_prefixes, load_queries, render

        queries = load_queries()
    except Exception:  # noqa: BLE001 - the page still works without examples
        return []
    out = []
    for query in queries.values():
        try:
            text = declare_used_prefixes(render(query, prefixes=False))
        except Exception:  # noqa: BLE001 - a query that does not render is left off the page
            continue
        out.append({"name": query.name, "title": query.title, "description": query.description,
                    "params": [{"name": p.name, "default": p.default, "meaning": p.meaning} for p in query.params],
                    "sparql": text})
    return out


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
