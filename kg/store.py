"""The embedded knowledge-graph store: a thin, typed layer over a pyoxigraph ``Store``.

Why this layer exists rather than using ``pyoxigraph.Store`` directly:

* **one graph per document**: every ingested document lives in its own named graph (the
  document IRI is the graph IRI), and :meth:`KGStore.replace_graph` swaps a document's facts
  atomically, so a reader never sees half a document;
* **single writer, clear error**: RocksDB allows one read-write opener per directory; a second
  writer gets :class:`StoreBusyError` naming the holder's pid instead of RocksDB's cryptic
  ``IO error: While lock file: …/LOCK: Resource temporarily unavailable``;
* **union default graph**: :meth:`KGStore.query` treats the default graph as the union of all
  graphs, so project queries need no ``GRAPH`` clause;
* **incremental builds**: :meth:`KGStore.document_hash` reads the content hash the mapper
  stores in each document's graph, so a build can skip unchanged documents.

Example (in memory; on disk, pass a path or set ``$KG_STORE``):

>>> from pyoxigraph import Literal, NamedNode, Quad
>>> with open_store(in_memory=True) as store:
...     g = "https://example.org/doc/1"
...     store.replace_graph(g, [Quad(NamedNode(g), NamedNode("https://example.org/p"), Literal("v"))])
...     store.graphs(), store.count(g)
(['https://example.org/doc/1'], 1)
"""

from __future__ import annotations

import errno
import os
import struct
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import KGError
from kg.rdf import terms

if TYPE_CHECKING:  # rdflib is only imported by as_rdflib(), it costs ~0.3 s to import
    import rdflib

__all__ = [
    "DEFAULT_STORE_PATH",
    "KGStore",
    "StoreBusyError",
    "open_raw_read_only",
    "open_store",
    "resolve_store_path",
]

#: Used when neither an explicit path nor ``$KG_STORE`` is given (relative to the cwd).
DEFAULT_STORE_PATH = "kg-store"

_XSD_STRING = terms.XSD + "string"
_RDF_LANGSTRING = terms.RDF + "langString"
_RDF_DIRLANGSTRING = terms.RDF + "dirLangString"


class StoreBusyError(KGError, OSError):
    """Another writer holds the store (RocksDB's ``LOCK`` file).

    ``pid`` is the holder's process id when the platform can tell (Linux, macOS), else None.
    """

    def __init__(self, path: Path, pid: int | None, *, same_process: bool = False) -> None:
        self.path = path
        self.pid = pid
        who = "this process" if same_process else "another process"
        pid_text = f"pid {pid}" if pid is not None else "pid unknown"
        super().__init__(f"store busy: {path} is being written by {who} ({pid_text})")


def resolve_store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The store directory to use: ``path``, else ``$KG_STORE``, else ``./kg-store``.

    >>> resolve_store_path("/tmp/x").as_posix()
    '/tmp/x'
    """
    if path is not None:
        return Path(path)
    env = os.environ.get("KG_STORE")
    if env:
        return Path(env)
    return Path(DEFAULT_STORE_PATH)


#: How often a read-only open is tried again when a writer's compaction removed a file
#: between RocksDB reading the store's manifest and opening that file.
READ_ONLY_ATTEMPTS = 8


def open_raw_read_only(path: Path) -> ox.Store:
    """``pyoxigraph.Store.read_only`` that survives a writer compacting at that moment.

    RocksDB reads the MANIFEST (the list of SST files) and then opens each file; a writer in
    another process (or thread) may compact in between and delete a listed file, and the
    open fails with "Corruption: … No such file or directory". Opening again reads the new
    MANIFEST. Any other error is raised at once.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "store"
    >>> open_store(folder).close()
    >>> len(open_raw_read_only(folder))
    0
    """
    for attempt in range(READ_ONLY_ATTEMPTS):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            if "No such file or directory" not in str(exc) or attempt == READ_ONLY_ATTEMPTS - 1:
                raise
            time.sleep(0.02 * 2 ** attempt)
    raise AssertionError("unreachable")


def open_store(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    in_memory: bool = False,
) -> KGStore:
    """Open (creating if needed) the project store.

    * writer (default): one per directory across all processes; a second one raises
      :class:`StoreBusyError` at once (RocksDB does not wait for the lock);
    * ``read_only=True``: any number, even while a writer holds the store. A read-only store
      sees the data as of the moment it was opened (RocksDB replays the writer's log into
      a private snapshot): reopen it to see later writes. pyoxigraph documents reading while
      another process writes as "undefined behaviour", because the writer's compactions may
      delete files the reader still refers to: keep read-only opens short-lived;
    * ``in_memory=True``: a fresh, private in-memory store (tests, notebooks); no path.

    >>> store = open_store(in_memory=True)
    >>> store.path is None, store.count()
    (True, 0)
    >>> store.close()
    """
    if in_memory:
        if path is not None:
            raise ValueError("open_store: give either a path or in_memory=True, not both")
        if read_only:
            raise ValueError("open_store: an in-memory store cannot be read-only (it starts empty)")
        return KGStore(ox.Store(), path=None, read_only=False)

    resolved = resolve_store_path(path)
    if read_only:
        if not (resolved / "CURRENT").exists():
            # pyoxigraph would say "IO error: …/CURRENT: No such file": say what it means.
            raise FileNotFoundError(errno.ENOENT, "no store at this path (nothing to open read-only)", str(resolved))
        return KGStore(open_raw_read_only(resolved), path=resolved, read_only=True)

    resolved.mkdir(parents=True, exist_ok=True)
    try:
        raw = ox.Store(str(resolved))
    except OSError as exc:
        busy = _busy_error(resolved, exc)
        if busy is not None:
            raise busy from None
        raise
    store = KGStore(raw, path=resolved, read_only=False)
    store.recover_bulk()
    return store


def _busy_error(path: Path, exc: OSError) -> StoreBusyError | None:
    """Turn RocksDB's lock failure into StoreBusyError; None for any other OSError."""
    message = str(exc)
    if "LOCK" not in message:
        return None
    if "current process" in message:
        # RocksDB keeps its own per-process table of locked files and reports this case
        # separately; do NOT touch the LOCK file then (see _lock_holder_pid).
        return StoreBusyError(path, os.getpid(), same_process=True)
    pid = _lock_holder_pid(path / "LOCK")
    if pid is not None or "temporarily unavailable" in message:  # EAGAIN from fcntl(F_SETLK)
        return StoreBusyError(path, pid)
    return None  # e.g. "Permission denied" on LOCK: not a busy store, keep RocksDB's error


def _lock_holder_pid(lock_file: Path) -> int | None:
    """The pid holding the POSIX (fcntl) write lock RocksDB takes on its ``LOCK`` file.

    Only called when *another* process holds the lock: closing any descriptor of a file drops
    every POSIX lock the calling process holds on it, so probing our own lock would release it.
    """
    try:
        import fcntl
    except ImportError:  # Windows: RocksDB uses LockFileEx there, no portable probe
        return None
    # struct flock differs by platform; these are the 64-bit layouts we run on.
    if sys.platform.startswith("linux"):
        layout = "hhqqi4x"  # l_type, l_whence, l_start, l_len, l_pid (+ padding)
        order = ("type", "whence", "start", "len", "pid")
    elif sys.platform == "darwin" or "bsd" in sys.platform:
        layout = "qqihh"  # l_start, l_len, l_pid, l_type, l_whence
        order = ("start", "len", "pid", "type", "whence")
    else:
        return None
    values = {"type": fcntl.F_WRLCK, "whence": os.SEEK_SET, "start": 0, "len": 0, "pid": 0}
    try:
        fd = os.open(lock_file, os.O_RDWR)
    except OSError:
        return None
    try:
        raw = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack(layout, *(values[k] for k in order)))
        got = dict(zip(order, struct.unpack(layout, raw)))
    except OSError:
        return None
    finally:
        os.close(fd)
    if got["type"] == fcntl.F_UNLCK or got["pid"] <= 0:
        return None
    return int(got["pid"])


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _graph_key(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


class KGStore:
    """The project's RDF store: named graph per document, union default graph for queries.

    Get one with :func:`open_store`. Writes are serialised by a lock, so one KGStore may be
    shared by threads; across processes RocksDB's lock allows a single writer.

    >>> from pyoxigraph import Literal, NamedNode, Quad
    >>> store = open_store(in_memory=True)
    >>> s, p = NamedNode("https://example.org/s"), NamedNode("https://example.org/p")
    >>> store.add_quads([Quad(s, p, Literal("1"), NamedNode("https://example.org/g1")),
    ...                  Quad(s, p, Literal("2"), NamedNode("https://example.org/g2"))])
    >>> sorted(row["o"].value for row in store.query("SELECT ?o WHERE { ?s ?p ?o }"))
    ['1', '2']
    >>> store.close()
    """

    def __init__(self, raw: ox.Store, *, path: Path | None, read_only: bool) -> None:
        self._raw: ox.Store | None = raw
        #: The store directory, None for an in-memory store.
        self.path: Path | None = path
        self.read_only = read_only
        self._write_lock = threading.RLock()

    # --- lifecycle ---------------------------------------------------------------------
    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph Store (for APIs this class does not wrap)."""
        if self._raw is None:
            raise ValueError("store is closed")
        return self._raw

    @property
    def in_memory(self) -> bool:
        return self.path is None

    def flush(self) -> None:
        """Write buffered data to disk files (RocksDB memtables to SST).

        Committed transactions are already durable through RocksDB's write-ahead log; a flush
        makes the on-disk files self-contained (faster reopen, fresher read-only snapshots).
        """
        if self._raw is not None and not self.read_only and not self.in_memory:
            self._raw.flush()

    def close(self) -> None:
        """Flush and release the store (and with it RocksDB's lock).

        pyoxigraph has no explicit close: the lock goes when the last Python reference to the
        Store does. Result iterators from :meth:`query`/:meth:`quads` hold such a reference,
        so drop them too before expecting another process to be able to open the store.
        """
        if self._raw is None:
            return
        try:
            self.flush()
        finally:
            self._raw = None

    def __enter__(self) -> KGStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = "in-memory" if self.path is None else str(self.path)
        mode = "read-only" if self.read_only else "read-write"
        state = "closed" if self._raw is None else mode
        return f"<KGStore {where} {state}>"

    def _writable(self) -> ox.Store:
        raw = self.raw
        if self.read_only:
            raise PermissionError(f"store {self.path} is open read-only")
        return raw

    # --- writing -----------------------------------------------------------------------
    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads in one transaction (``bulk=True``: pyoxigraph's bulk loader instead,
        which streams very large inputs without holding them in memory but is NOT atomic).

        >>> from pyoxigraph import Literal, NamedNode, Quad
        >>> store = open_store(in_memory=True)
        >>> store.add_quads([Quad(NamedNode("https://e.org/s"), NamedNode("https://e.org/p"), Literal("x"))])
        >>> store.count()
        1
        """
        raw = self._writable()
        with self._write_lock:
            if bulk:
                raw.bulk_extend(quads)
            else:
                raw.extend(quads)

    def add_graphs_bulk(self, quads: list[ox.Quad], graphs: Iterable[str]) -> None:
        """Add brand-new named graphs with pyoxigraph's bulk loader (~3x faster than a
        transaction on disk), each graph absent or complete even after a ``kill -9``.

        The bulk loader is not atomic, so a recovery marker goes first: the graphs' IRIs are
        committed (one transaction) into :data:`BULK_PENDING_GRAPH`, then the quads are bulk
        loaded, then the marker is dropped (one transaction). A process killed in between
        leaves the marker; the next writer open (:meth:`recover_bulk`) removes those graphs
        and every quad whose subject is one of them (their build-log entries), so a rerun
        rebuilds them. ``graphs`` must not exist yet (a replacement goes through
        :meth:`replace_graph`); ``quads`` may also hold quads of other graphs about them.
        In memory (nothing to recover) this is one ordinary transaction.

        >>> from pyoxigraph import Literal, NamedNode, Quad
        >>> store = open_store(in_memory=True)
        >>> g = "https://e.org/g"
        >>> store.add_graphs_bulk([Quad(NamedNode(g), NamedNode("https://e.org/p"), Literal("x"), NamedNode(g))], [g])
        >>> store.graphs()
        ['https://e.org/g']
        """
        raw = self._writable()
        with self._write_lock:
            if self.in_memory:
                raw.extend(quads)
                return
            marker = BULK_PENDING_GRAPH
            raw.extend([ox.Quad(_node(g), _BULK_PENDING, _TRUE, marker) for g in graphs])
            raw.bulk_extend(quads)
            raw.remove_graph(marker)

    def recover_bulk(self) -> list[str]:
        """Remove the graphs of a bulk load that did not finish (a process killed during
        :meth:`add_graphs_bulk`), in one transaction; returns their IRIs (sorted).

        >>> open_store(in_memory=True).recover_bulk()
        []
        """
        raw = self._writable()
        pending = sorted(q.subject.value for q in raw.quads_for_pattern(None, _BULK_PENDING, None, BULK_PENDING_GRAPH)
                         if isinstance(q.subject, ox.NamedNode))
        if not pending:
            return []
        ops = [op for g in pending for op in (f"DROP SILENT GRAPH <{g}>", f"DELETE WHERE {{ GRAPH ?g {{ <{g}> ?p ?o }} }}")]
        with self._write_lock:
            raw.update(" ;\n".join([*ops, f"DROP SILENT GRAPH {BULK_PENDING_GRAPH}"]))
        return pending

    def replace_graph(self, graph_iri: str, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        """Make named graph ``graph_iri`` hold exactly ``quads``, atomically.

        Quads in the default graph, and triples, are put into ``graph_iri``; a quad naming
        another graph is an error. An empty ``quads`` removes the graph.

        >>> from pyoxigraph import Literal, NamedNode, Quad
        >>> store = open_store(in_memory=True)
        >>> g, s, p = "https://e.org/g", NamedNode("https://e.org/s"), NamedNode("https://e.org/p")
        >>> store.replace_graph(g, [Quad(s, p, Literal("old"))])
        >>> store.replace_graph(g, [Quad(s, p, Literal("new"))])
        >>> [q.object.value for q in store.quads(g)]
        ['new']
        """
        # Atomicity. pyoxigraph 0.5 exposes no transaction object to Python: each call
        # (extend, remove_graph, update) is its own transaction. remove_graph()+extend() is
        # therefore two commits, and a reader thread polling the graph's size during 20
        # replacements did see it empty (0 quads) in between. One SPARQL ``update()`` call
        # is one transaction even with several operations separated by ``;``, and the same
        # poller then saw only the old or the new size. So the replacement is one update.
        #
        # Speed, measured on this machine, 5,000-quad graph in a 500k-quad store (median of 5):
        #                           in-memory   on disk
        #   remove_graph+extend       15 ms     169 ms   (NOT atomic)
        #   DROP GRAPH + INSERT DATA  25-35 ms  250-425 ms
        #   DELETE DATA old-new + INSERT DATA new-old, when 1% changed  15 ms  44 ms
        #                                            when 10% changed   17 ms  87 ms
        #                                            when all changed   63 ms  565 ms
        # On disk a RocksDB write costs ~20 µs per quad (9 indexes), so writing only the
        # difference wins whenever a document changed a little (the usual re-ingest); when
        # most of it changed, DROP + INSERT wins. Reading the old graph and diffing costs
        # ~1 µs/quad. Building the SPARQL text costs ~1 µs/quad (str(triple) is N-Triples,
        # which is valid SPARQL: literals with quotes, newlines, NUL, "\\u0041" round-trip).
        # Blank nodes cannot be diffed (DELETE DATA forbids them and INSERT DATA renames them
        # to fresh ones), so a graph with blank nodes is always dropped and reinserted.
        raw = self._writable()
        graph = _node(graph_iri)
        new: set[ox.Quad] = set()
        has_bnode = False
        for item in quads:
            if isinstance(item, ox.Triple) or isinstance(item.graph_name, ox.DefaultGraph):
                quad = ox.Quad(item.subject, item.predicate, item.object, graph)
            elif item.graph_name == graph:
                quad = item
            else:
                raise ValueError(f"replace_graph({graph_iri!r}): quad in another graph: {item}")
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                has_bnode = True
            new.add(quad)

        with self._write_lock:
            if not new:
                raw.remove_graph(graph)
                return
            old = set(raw.quads_for_pattern(None, None, None, graph))
            if not old and not has_bnode:
                # A graph that does not exist yet: one extend() call is one transaction too,
                # and skips building and parsing SPARQL text (3-5x faster for a new document).
                raw.extend(new)
                return
            to_delete = old - new
            to_insert = new - old
            if not to_delete and not to_insert:
                return
            if has_bnode or any(_has_bnode(q) for q in to_delete):
                ops = [f"DROP SILENT GRAPH {graph}", _data_op("INSERT", graph, new)]
            elif len(to_delete) + len(to_insert) < len(new):
                ops = []
                if to_delete:
                    ops.append(_data_op("DELETE", graph, to_delete))
                if to_insert:
                    ops.append(_data_op("INSERT", graph, to_insert))
            else:
                ops = [f"DROP SILENT GRAPH {graph}", _data_op("INSERT", graph, new)]
            raw.update(" ;\n".join(ops))

    def rename_terms(self, renames: dict[str, dict[str, str]]) -> int:
        """Rename IRIs inside named graphs, ``{graph: {old: new}}``, in ONE transaction: only
        the quads that mention an old IRI are read and rewritten. Returns quads changed.

        >>> from pyoxigraph import NamedNode, Quad
        >>> store = open_store(in_memory=True)
        >>> g, a, b, p = "https://e.org/g", NamedNode("https://e.org/a"), NamedNode("https://e.org/b"), NamedNode("https://e.org/p")
        >>> store.add_quads([Quad(a, p, a, NamedNode(g))])
        >>> store.rename_terms({g: {a.value: b.value}})
        1
        >>> [str(q.subject) for q in store.quads(g)]
        ['<https://e.org/b>']
        """
        raw = self._writable()
        deletes: list[str] = []
        inserts: list[str] = []
        changed = 0
        with self._write_lock:
            for graph_iri, rename in sorted(renames.items()):
                graph = _node(graph_iri)
                old: set[ox.Quad] = set()
                for iri in rename:
                    node = ox.NamedNode(iri)
                    old.update(raw.quads_for_pattern(node, None, None, graph))
                    old.update(raw.quads_for_pattern(None, None, node, graph))
                if not old:
                    continue

                def term(value: Any, rename: dict[str, str] = rename) -> Any:
                    if isinstance(value, ox.NamedNode) and value.value in rename:
                        return ox.NamedNode(rename[value.value])
                    return value

                new = {ox.Quad(term(q.subject), q.predicate, term(q.object), graph) for q in old}
                if any(_has_bnode(q) for q in old):
                    raise ValueError(f"rename_terms: graph {graph_iri} has blank nodes; cannot rename in place")
                deletes.append(_data_op("DELETE", graph, old - new))
                inserts.append(_data_op("INSERT", graph, new - old))
                changed += len(old - new)
            if changed:
                raw.update(" ;\n".join(deletes + inserts))
        return changed

    def remove_graph(self, graph_iri: str) -> None:
        """Remove a named graph and all its quads (no error if it does not exist).

        >>> store = open_store(in_memory=True)
        >>> store.remove_graph("https://e.org/none")
        """
        raw = self._writable()
        with self._write_lock:
            raw.remove_graph(_node(graph_iri))

    def update(self, sparql: str, **kw: Any) -> None:
        """Run a SPARQL update in one transaction; the project prefixes are predeclared.

        >>> store = open_store(in_memory=True)
        >>> store.update('INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/s> ckg:p "1" } }')
        >>> store.count("https://e.org/g")
        1
        """
        raw = self._writable()
        kw.setdefault("prefixes", terms.PREFIXES)
        with self._write_lock:
            raw.update(sparql, **kw)

    # --- reading -----------------------------------------------------------------------
    def query(self, sparql: str, **kw: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; by default its default graph is the union of all graphs and
        the project prefixes (``terms.PREFIXES``) are predeclared.

        The union is not deduplicated: a triple stated in two graphs matches twice, so use
        ``SELECT DISTINCT`` where that matters. Pass ``default_graph=…`` to query specific
        graphs instead (pyoxigraph refuses it together with the union flag, so the flag is
        then left unset). Other keyword arguments go to ``pyoxigraph.Store.query``.

        >>> store = open_store(in_memory=True)
        >>> bool(store.query("ASK { ?s ckg:contentHash ?h }"))
        False
        """
        raw = self.raw
        if "default_graph" not in kw:
            kw.setdefault("use_default_graph_as_union", True)
        kw.setdefault("prefixes", terms.PREFIXES)
        return raw.query(sparql, **kw)

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted (blank-node graph names as ``_:id``).

        >>> open_store(in_memory=True).graphs()
        []
        """
        return sorted(_graph_key(g) for g in self.raw.named_graphs())

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """All quads (every graph, default included), or those of one named graph.

        The order is the store's index order: stable but meaningless; sort if it matters.

        >>> list(open_store(in_memory=True).quads())
        []
        """
        if graph is None:
            return iter(self.raw.quads_for_pattern(None, None, None, None))
        return iter(self.raw.quads_for_pattern(None, None, None, _node(graph)))

    def count(self, graph: str | None = None) -> int:
        """Number of quads in the store (all graphs), or in one named graph.

        >>> open_store(in_memory=True).count()
        0
        """
        if graph is None:
            return len(self.raw)
        # COUNT runs inside the engine: no Python object per quad.
        result = self.raw.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_node(graph)} {{ ?s ?p ?o }} }}")
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            n = row["n"]
            assert isinstance(n, ox.Literal)
            return int(n.value)
        return 0

    def __len__(self) -> int:
        return self.count()

    def document_hash(self, graph_iri: str) -> str | None:
        """The content hash recorded for a document (``<doc> ckg:contentHash ?h`` in graph
        ``<doc>``), or None if the document was never ingested.

        >>> from pyoxigraph import Literal, NamedNode, Quad
        >>> from kg.rdf import terms
        >>> store = open_store(in_memory=True)
        >>> doc = terms.DOCUMENT + "Battle_of_X"
        >>> store.replace_graph(doc, [Quad(NamedNode(doc), terms.contentHash, Literal("sha256:ab"))])
        >>> store.document_hash(doc), store.document_hash(doc + "_other")
        ('sha256:ab', None)
        """
        node = _node(graph_iri)
        values = sorted(q.object.value for q in self.raw.quads_for_pattern(node, terms.contentHash, None, node)
                        if isinstance(q.object, ox.Literal))
        # Several values would be a mapper bug; the smallest keeps the answer deterministic.
        return values[0] if values else None

    def document_hashes(self) -> dict[str, str]:
        """Every recorded document hash at once (one query), graph IRI -> hash.

        >>> open_store(in_memory=True).document_hashes()
        {}
        """
        result = self.raw.query(f"SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?g {terms.contentHash} ?h }} }}")
        assert isinstance(result, ox.QuerySolutions)
        hashes: dict[str, str] = {}
        for row in result:
            g, h = row["g"], row["h"]
            key = _graph_key(g)
            value = h.value
            if key not in hashes or value < hashes[key]:
                hashes[key] = value
        return hashes

    def document_readers(self) -> dict[str, str]:
        """Every recorded reader fingerprint at once (one read of the build log), graph IRI
        -> the :func:`kg.process.reader_fingerprint` its document was read with.

        >>> open_store(in_memory=True).document_readers()
        {}
        """
        return {q.subject.value: q.object.value
                for q in self.raw.quads_for_pattern(None, terms.readerFingerprint, None, terms.BUILD_LOG_GRAPH)
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)}

    def as_rdflib(self) -> rdflib.Dataset:
        """A copy of the store as an ``rdflib.Dataset`` (for pyshacl and other rdflib users).

        Cost: everything is copied into rdflib's in-memory store, measured at ~18 µs and
        ~1.6 KB per quad (200k quads: 3.6 s, +317 MB; so 1M: ~18 s, ~1.6 GB); later store
        changes are not reflected. Use it for
        validation of modest graphs, not as a query path. The dataset's default graph is
        the union of its graphs (``default_union=True``), like :meth:`query`. Plain strings
        become rdflib literals without datatype (as rdflib's parsers make them) and lexical
        forms are kept as stored (no rdflib normalisation).

        >>> from pyoxigraph import Literal, NamedNode, Quad
        >>> store = open_store(in_memory=True)
        >>> store.add_quads([Quad(NamedNode("https://e.org/s"), NamedNode("https://e.org/p"), Literal("x"),
        ...                       NamedNode("https://e.org/g"))])
        >>> ds = store.as_rdflib()
        >>> len(ds), [str(g.identifier) for g in ds.graphs() if len(g)]
        (1, ['https://e.org/g'])
        """
        import rdflib

        ds = rdflib.Dataset(default_union=True)
        graphs: dict[Any, rdflib.Graph] = {}
        convert = _RdflibConverter(rdflib)

        def rows() -> Iterator[tuple[Any, Any, Any, rdflib.Graph]]:
            for q in self.raw.quads_for_pattern(None, None, None, None):
                gname = q.graph_name
                graph = graphs.get(gname)
                if graph is None:
                    if isinstance(gname, ox.DefaultGraph):
                        # rdflib 7.5 renamed default_context to default_graph
                        graph = ds.default_graph if hasattr(ds, "default_graph") else ds.default_context
                    else:
                        graph = ds.graph(convert(gname))
                    graphs[gname] = graph
                yield convert(q.subject), convert(q.predicate), convert(q.object), graph

        ds.addN(rows())
        return ds


#: The recovery marker of :meth:`KGStore.add_graphs_bulk`: ``<graph> ckg:bulkPending true``
#: for each graph of a bulk load in progress. Empty (absent) in a store no one killed.
BULK_PENDING_GRAPH = ox.NamedNode(terms.GRAPH + "bulk-pending")
_BULK_PENDING = ox.NamedNode(terms.CKG + "bulkPending")
_TRUE = ox.Literal("true", datatype=ox.NamedNode(terms.XSD + "boolean"))


def _has_bnode(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _data_op(verb: str, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> str:
    body = " .\n".join(str(q.triple) for q in quads)
    return f"{verb} DATA {{ GRAPH {graph} {{\n{body} .\n}} }}"


class _RdflibConverter:
    """pyoxigraph term -> rdflib term, caching IRIs (predicates and classes repeat a lot)."""

    def __init__(self, rdflib: Any) -> None:
        self._rdflib = rdflib
        self._iris: dict[str, Any] = {}

    def __call__(self, term: Any) -> Any:
        rdflib = self._rdflib
        if isinstance(term, ox.NamedNode):
            iri = term.value
            cached = self._iris.get(iri)
            if cached is None:
                cached = self._iris[iri] = rdflib.URIRef(iri)
            return cached
        if isinstance(term, ox.BlankNode):
            return rdflib.BNode(term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            if term.language is not None or datatype in (_RDF_LANGSTRING, _RDF_DIRLANGSTRING):
                return rdflib.Literal(term.value, lang=term.language)
            if datatype == _XSD_STRING:
                return rdflib.Literal(term.value)
            return rdflib.Literal(term.value, datatype=self(term.datatype), normalize=False)
        raise TypeError(f"as_rdflib: unsupported term {term!r} (RDF 1.2 triple terms are not converted)")
