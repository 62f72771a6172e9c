"""The embedded store (kg.store) on a real on-disk store."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

import kg.store
from kg.rdf import terms
from kg.store import KGStore, StoreBusyError, open_store

REPO = Path(__file__).resolve().parents[1]
XSD_INTEGER = NamedNode(terms.XSD + "integer")
RDF_TYPE = NamedNode(terms.RDF + "type")


def doc_quads(name: str, *, version: str = "v1", sides: int = 2) -> tuple[str, list[Quad]]:
    """A document graph shaped like the mapper's: conflict, sides, participations."""
    doc = terms.DOCUMENT + name
    g = NamedNode(doc)
    conflict = NamedNode(terms.RESOURCE + name)
    quads = [
        Quad(g, terms.contentHash, Literal(f"sha256:{name}:{version}"), g),
        Quad(g, terms.describes, conflict, g),
        Quad(conflict, RDF_TYPE, terms.MilitaryConflict, g),
        Quad(conflict, terms.dateText, Literal(f'28 July 1914 – "{version}"\n\\u0041 é'), g),
        Quad(conflict, terms.notes, Literal("note", language="en"), g),
    ]
    for n in range(1, sides + 1):
        side = NamedNode(f"{terms.NODE}{name}-side-{n}")
        part = NamedNode(f"{terms.NODE}{name}-side-{n}-p1")
        quads += [
            Quad(conflict, terms.side, side, g),
            Quad(side, RDF_TYPE, terms.Side, g),
            Quad(side, terms.sideNumber, Literal(str(n), datatype=XSD_INTEGER), g),
            Quad(side, terms.participation, part, g),
            Quad(part, RDF_TYPE, terms.Participation, g),
            Quad(part, terms.party, NamedNode(f"{terms.DBR}Party_{n}"), g),
            Quad(part, terms.order, Literal("0", datatype=XSD_INTEGER), g),
        ]
    return doc, quads


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "store") as s:
        yield s


def graph_set(store: KGStore, graph: str) -> set[Quad]:
    return set(store.quads(graph))


# --- opening ---------------------------------------------------------------------------------


def test_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    with open_store() as s:
        assert s.path == Path("kg-store")
    assert (tmp_path / "kg-store" / "CURRENT").exists()

    monkeypatch.setenv("KG_STORE", str(tmp_path / "from-env"))
    with open_store() as s:
        assert s.path == tmp_path / "from-env"
    with open_store(tmp_path / "explicit") as s:
        assert s.path == tmp_path / "explicit"
    assert (tmp_path / "from-env" / "CURRENT").exists()


def test_in_memory_and_argument_errors(tmp_path: Path) -> None:
    with open_store(in_memory=True) as s:
        assert s.path is None and s.in_memory and s.count() == 0
    with pytest.raises(ValueError):
        open_store(tmp_path, in_memory=True)
    with pytest.raises(ValueError):
        open_store(in_memory=True, read_only=True)
    with pytest.raises(FileNotFoundError):
        open_store(tmp_path / "nothing-here", read_only=True)


def test_data_persists_across_reopen(tmp_path: Path) -> None:
    doc, quads = doc_quads("Battle_of_A")
    with open_store(tmp_path / "s") as s:
        s.replace_graph(doc, quads)
    with open_store(tmp_path / "s") as s:
        assert graph_set(s, doc) == set(quads)
        assert s.document_hash(doc) == "sha256:Battle_of_A:v1"


# --- replace_graph ---------------------------------------------------------------------------


def test_replace_graph_replaces(store: KGStore) -> None:
    doc, v1 = doc_quads("Battle_of_A", version="v1", sides=3)
    store.replace_graph(doc, v1)
    assert graph_set(store, doc) == set(v1)

    _, v2 = doc_quads("Battle_of_A", version="v2", sides=2)
    store.replace_graph(doc, v2)
    assert graph_set(store, doc) == set(v2)
    # facts only in v1 are gone: side 3, the old hash, the old date text
    side3 = NamedNode(f"{terms.NODE}Battle_of_A-side-3")
    assert not list(store.raw.quads_for_pattern(side3, None, None, None))
    assert store.document_hash(doc) == "sha256:Battle_of_A:v2"
    assert store.count(doc) == len(v2)
    assert store.graphs() == [doc]


def test_replace_graph_small_change_and_total_change(store: KGStore) -> None:
    doc, v1 = doc_quads("Battle_of_A", sides=20)
    store.replace_graph(doc, v1)
    # a one-fact change goes through the DELETE DATA/INSERT DATA path
    changed = v1[:-1] + [Quad(v1[-1].subject, v1[-1].predicate, Literal("9", datatype=XSD_INTEGER), v1[-1].graph_name)]
    store.replace_graph(doc, changed)
    assert graph_set(store, doc) == set(changed)
    # a total change goes through DROP + INSERT DATA
    _, other = doc_quads("Battle_of_A", version="v9", sides=1)
    other = [Quad(q.subject, q.predicate, Literal("x") if isinstance(q.object, Literal) else q.object, q.graph_name) for q in other]
    store.replace_graph(doc, other)
    assert graph_set(store, doc) == set(other)
    # same content again: no change
    store.replace_graph(doc, other)
    assert graph_set(store, doc) == set(other)


def test_replace_graph_accepts_triples_and_default_graph_quads(store: KGStore) -> None:
    doc, quads = doc_quads("Battle_of_A")
    store.replace_graph(doc, [q.triple for q in quads[:3]] + [Quad(q.subject, q.predicate, q.object) for q in quads[3:]])
    assert graph_set(store, doc) == set(quads)
    assert not list(store.raw.quads_for_pattern(None, None, None, kg.store.ox.DefaultGraph()))


def test_replace_graph_rejects_quads_of_another_graph(store: KGStore) -> None:
    _doc, quads = doc_quads("Battle_of_A")
    other, _ = doc_quads("Battle_of_B")
    with pytest.raises(ValueError, match="another graph"):
        store.replace_graph(other, quads)
    assert store.count() == 0


def test_replace_graph_with_nothing_removes_it(store: KGStore) -> None:
    doc, quads = doc_quads("Battle_of_A")
    store.replace_graph(doc, quads)
    store.replace_graph(doc, [])
    assert store.graphs() == [] and store.count() == 0
    assert store.document_hash(doc) is None


def test_replace_graph_with_blank_nodes(store: KGStore) -> None:
    doc = terms.DOCUMENT + "B"
    g = NamedNode(doc)
    b = BlankNode()
    quads = [Quad(g, terms.warning, b, g), Quad(b, terms.warningKind, Literal("k1"), g)]
    store.replace_graph(doc, quads)
    store.replace_graph(doc, quads[:1] + [Quad(b, terms.warningKind, Literal("k2"), g)])
    kinds = [q.object.value for q in store.quads(doc) if q.predicate == terms.warningKind]
    assert kinds == ["k2"] and store.count(doc) == 2


def test_two_graphs_stay_separate_and_union_query_sees_both(store: KGStore) -> None:
    doc_a, qa = doc_quads("Battle_of_A")
    doc_b, qb = doc_quads("Battle_of_B")
    store.replace_graph(doc_a, qa)
    store.replace_graph(doc_b, qb)
    assert store.graphs() == sorted([doc_a, doc_b])
    assert graph_set(store, doc_a) == set(qa) and graph_set(store, doc_b) == set(qb)

    _, qa2 = doc_quads("Battle_of_A", version="v2")
    store.replace_graph(doc_a, qa2)
    assert graph_set(store, doc_b) == set(qb), "replacing A touched B"

    rows = store.query("SELECT ?c WHERE { ?c a ckg:MilitaryConflict } ORDER BY ?c")
    assert [r["c"].value for r in rows] == [terms.RESOURCE + "Battle_of_A", terms.RESOURCE + "Battle_of_B"]
    # 2-hop join across the union, no GRAPH clause needed
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?c ckg:side ?s . ?s ckg:participation ?p . ?p ckg:party ?x }")
    assert int(next(iter(rows))["n"].value) == 4
    assert store.document_hashes() == {doc_a: "sha256:Battle_of_A:v2", doc_b: "sha256:Battle_of_B:v1"}
    assert store.count() == len(qa2) + len(qb) == len(store)


def test_replace_graph_is_atomic_for_a_concurrent_reader(store: KGStore) -> None:
    """A reader polling the graph's size sees the old or the new size, never 0 or a mix."""
    doc, small = doc_quads("Battle_of_A", version="small", sides=30)
    _, large = doc_quads("Battle_of_A", version="large", sides=90)
    store.replace_graph(doc, small)
    seen: set[int] = set()
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            seen.add(store.count(doc))

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        for i in range(10):
            store.replace_graph(doc, large if i % 2 == 0 else small)
    finally:
        stop.set()
        reader.join()
    assert seen <= {len(small), len(large)}, seen


# --- locking -----------------------------------------------------------------------------------

CHILD = r"""
import sys, time
from kg.store import open_store, StoreBusyError
mode = sys.argv[2]
t = time.monotonic()
try:
    s = open_store(sys.argv[1], read_only=(mode == "ro"))
except StoreBusyError as e:
    print(f"{time.monotonic() - t:.3f}")
    print(e)
    sys.exit(3)
print(f"{time.monotonic() - t:.3f}")
print("opened", s.count())
"""


def run_child(path: Path, mode: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), mode], capture_output=True, text=True, timeout=60, env=env, cwd=REPO
    )
    return proc, time.monotonic() - started


def test_second_writer_process_gets_store_busy(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with open_store(path) as s:
        doc, quads = doc_quads("Battle_of_A")
        s.replace_graph(doc, quads)
        proc, _ = run_child(path, "rw")  # a child waiting on the lock fails on run_child's timeout
        assert proc.returncode == 3, proc.stdout + proc.stderr
        _, message = proc.stdout.strip().splitlines()
        assert message == f"store busy: {path} is being written by another process (pid {os.getpid()})"
    # once the holder is closed, the lock is gone
    proc, _ = run_child(path, "rw")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[1] == f"opened {len(quads)}"


@pytest.mark.timing
def test_store_busy_comes_at_once(tmp_path: Path) -> None:
    """RocksDB fails at once on a held lock: no waiting (wall clock, so ``make test-timing``)."""
    path = tmp_path / "store"
    with open_store(path) as s:
        s.replace_graph(*doc_quads("Battle_of_A"))
        proc, elapsed = run_child(path, "rw")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    open_seconds = float(proc.stdout.splitlines()[0])
    assert open_seconds < 1.0, f"open_store took {open_seconds:.3f} s to say 'store busy'"
    assert elapsed < 30, f"the child process took {elapsed:.1f} s"


def test_read_only_open_works_while_a_writer_holds_the_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with open_store(path) as s:
        doc, quads = doc_quads("Battle_of_A")
        s.replace_graph(doc, quads)  # not flushed: the read-only open replays the log
        proc, _ = run_child(path, "ro")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout.strip().splitlines()[1] == f"opened {len(quads)}"


def test_second_writer_in_the_same_process_is_busy_too(store: KGStore) -> None:
    assert store.path is not None
    with pytest.raises(StoreBusyError, match=r"^store busy: .* this process \(pid \d+\)$"):
        open_store(store.path)


def test_read_only_store_refuses_writes_and_sees_a_snapshot(store: KGStore) -> None:
    doc, quads = doc_quads("Battle_of_A")
    store.replace_graph(doc, quads)
    assert store.path is not None
    with open_store(store.path, read_only=True) as ro:
        assert ro.count() == len(quads)
        with pytest.raises(PermissionError):
            ro.replace_graph(doc, [])
        doc_b, quads_b = doc_quads("Battle_of_B")
        store.replace_graph(doc_b, quads_b)
        assert ro.count() == len(quads), "a read-only open is a snapshot as of opening"
    with open_store(store.path, read_only=True) as ro:
        assert ro.count() == len(quads) + len(quads_b)


def test_closed_store_refuses_use(tmp_path: Path) -> None:
    s = open_store(tmp_path / "s")
    s.close()
    s.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        s.count()


# --- rdflib copy, doctests -----------------------------------------------------------------


# rdflib's own Dataset.triples() trips its deprecation of default_context (rdflib >= 7.5)
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_as_rdflib_is_a_faithful_copy(store: KGStore) -> None:
    doc_a, qa = doc_quads("Battle_of_A")
    doc_b, qb = doc_quads("Battle_of_B")
    store.replace_graph(doc_a, qa)
    store.replace_graph(doc_b, qb)
    ds = store.as_rdflib()
    assert len(ds) == len(qa) + len(qb)  # default_union: the union of the graphs
    g = ds.graph(rdflib.URIRef(doc_a))
    assert len(g) == len(qa)
    conflict = rdflib.URIRef(terms.RESOURCE + "Battle_of_A")
    assert (conflict, rdflib.RDF.type, rdflib.URIRef(terms.MilitaryConflict.value)) in g
    assert rdflib.Literal("note", lang="en") in set(g.objects(conflict, rdflib.URIRef(terms.notes.value)))
    hashes = list(g.objects(rdflib.URIRef(doc_a), rdflib.URIRef(terms.contentHash.value)))
    assert hashes == [rdflib.Literal("sha256:Battle_of_A:v1")]  # plain literal, no xsd:string
    numbers = set(ds.objects(None, rdflib.URIRef(terms.sideNumber.value)))
    assert numbers == {rdflib.Literal("1", datatype=rdflib.XSD.integer), rdflib.Literal("2", datatype=rdflib.XSD.integer)}


def test_docstring_examples() -> None:
    result = doctest.testmod(kg.store, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0


def test_a_read_only_open_survives_a_compaction_removing_a_file_meanwhile(store: KGStore, monkeypatch) -> None:
    """RocksDB lists the store's files, then opens them; a writer's compaction in between
    deletes one and the open fails with "No such file or directory". It is tried again."""
    import pyoxigraph

    import kg.store as module

    doc, quads = doc_quads("Battle_of_A")
    store.replace_graph(doc, quads)
    real = pyoxigraph.Store.read_only
    failures = [RuntimeError("Corruption: IO error: No such file or directory: While open a file for random "
                             "read: store/000009.sst: No such file or directory")] * 2
    calls = []

    def flaky(path: str) -> pyoxigraph.Store:
        calls.append(path)
        if failures:
            raise failures.pop()
        return real(path)

    monkeypatch.setattr(module.ox.Store, "read_only", staticmethod(flaky))
    with open_store(store.path, read_only=True) as ro:
        assert ro.count() == len(quads)
    assert len(calls) == 3

    def broken(path: str) -> pyoxigraph.Store:
        calls.append(path)
        raise RuntimeError("Corruption: bad block in store/000011.sst")

    calls.clear()
    monkeypatch.setattr(module.ox.Store, "read_only", staticmethod(broken))
    with pytest.raises(RuntimeError, match="bad block"):
        open_store(store.path, read_only=True)
    assert len(calls) == 1   # other errors are not retried
