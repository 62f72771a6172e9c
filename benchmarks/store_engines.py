#!/usr/bin/env python
"""Compare RDF store engines on a synthetic graph shaped like the project's.

The graph: one named graph per document; each holds a conflict with 2–3 sides, each side
2–4 participations of ~10 properties each (party, role, period, flag, order, source text…),
with flat IRIs (``id:C17-s2-p1``) and parties drawn from a shared pool, as the mapper
writes them. Engines: pyoxigraph in memory, pyoxigraph on disk (RocksDB), rdflib's Memory
store, and oxrdflib (rdflib API over Oxigraph) when it is installed.

Measured, each in a fresh subprocess per repeat (so memory and caches start clean):

* insert: loading all quads, in batches of 10,000, into named graphs (building the engine's
  Python term objects is done outside the timer; it is the same for every engine);
* Turtle write: the union of the graphs as Turtle to a file (pyoxigraph: CONSTRUCT + its
  writer; rdflib/oxrdflib: ``Dataset.serialize(format="turtle")``);
* 2-hop join: conflicts -> sides -> participations -> party, with three OPTIONALs, all rows
  fetched into Python;
* peak RSS delta: the process's peak resident memory after the insert, minus its resident
  memory before it (includes one batch of input terms; rdflib keeps its term objects as
  its storage, pyoxigraph copies them into its own encoding).

Usage::

    python benchmarks/store_engines.py                       # 1,000,000 triples, 3 repeats
    python benchmarks/store_engines.py --triples 200000 --repeat 3
    python benchmarks/store_engines.py --engines pyoxigraph-memory,rdflib-memory

Prints a markdown table of medians, with each engine's ratio to pyoxigraph in memory.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BASE = "https://w3id.org/conflict-kg/"
CKG = BASE + "ontology#"
NODE = BASE + "id/"
RES = BASE + "resource/"
DOC = BASE + "document/"
DBR = "http://dbpedia.org/resource/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"ckg": CKG, "id": NODE, "res": RES, "doc": DOC, "dbr": DBR, "xsd": XSD,
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}

ENGINES = ["pyoxigraph-memory", "pyoxigraph-disk", "rdflib-memory", "oxrdflib"]
BATCH = 10_000

JOIN_QUERY = """
PREFIX ckg: <%s>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?conflict ?label ?side ?part ?party ?role ?period ?start WHERE {
  ?conflict a ckg:MilitaryConflict ;
            ckg:side ?side .
  ?side ckg:participation ?part .
  ?part ckg:party ?party .
  OPTIONAL { ?conflict rdfs:label ?label }
  OPTIONAL { ?part ckg:role ?role }
  OPTIONAL { ?part ckg:periodText ?period }
  OPTIONAL { ?conflict ckg:startDate ?start }
}
""" % CKG

# An object is ("i", iri) or ("l", lexical, datatype or None, language or None).
RawQuad = tuple[str, str, tuple[Any, ...], str]


def synthetic_quads(n_triples: int, seed: int = 7) -> Iterator[RawQuad]:
    """Yield exactly ``n_triples`` quads shaped like the mapper's output, deterministically."""
    rng = random.Random(seed)
    parties = [f"{DBR}Party_{i}" for i in range(2000)]
    emitted = 0
    c = 0
    while True:
        c += 1
        doc, conflict = f"{DOC}Conflict_{c}", f"{RES}Conflict_{c}"
        year = 1800 + rng.randrange(220)
        rows: list[tuple[str, str, tuple[Any, ...]]] = [
            (doc, CKG + "contentHash", ("l", f"sha256:{rng.getrandbits(128):032x}", None, None)),
            (doc, CKG + "sourcePath", ("l", f"data/wikipedia/Conflict_{c}.md", None, None)),
            (doc, CKG + "describes", ("i", conflict)),
            (conflict, RDF_TYPE, ("i", CKG + "MilitaryConflict")),
            (conflict, RDFS_LABEL, ("l", f"Battle of Place {c}", None, "en")),
            (conflict, CKG + "startDate", ("l", f"{year}-0{rng.randrange(1, 10)}-1{rng.randrange(10)}", XSD + "date", None)),
            (conflict, CKG + "dateText", ("l", f"{year} – {year + rng.randrange(3)}", None, None)),
            (conflict, CKG + "place", ("i", f"{DBR}Place_{rng.randrange(5000)}")),
            (conflict, CKG + "result", ("l", "Decisive victory" if rng.random() < 0.5 else "Stalemate", None, None)),
        ]
        if rng.random() < 0.3:
            rows.append((conflict, CKG + "partOf", ("i", f"{RES}Conflict_{rng.randrange(1, c + 1)}")))
        for s in range(1, 2 + (rng.random() < 0.2) + 1):
            side = f"{NODE}C{c}-s{s}"
            rows += [
                (conflict, CKG + "side", ("i", side)),
                (side, RDF_TYPE, ("i", CKG + "Side")),
                (side, CKG + "sideNumber", ("l", str(s), XSD + "integer", None)),
                (side, CKG + "casualties", ("l", f"{rng.randrange(100, 90000)} killed", None, None)),
            ]
            for p in range(1, rng.randrange(2, 5) + 1):
                part = f"{NODE}C{c}-s{s}-p{p}"
                party = rng.choice(parties)
                rows += [
                    (side, CKG + "participation", ("i", part)),
                    (part, RDF_TYPE, ("i", CKG + "Participation")),
                    (part, CKG + "party", ("i", party)),
                    (part, CKG + "flagCountry", ("i", f"{DBR}Country_{rng.randrange(200)}")),
                    (part, CKG + "order", ("l", str(p - 1), XSD + "integer", None)),
                    (part, CKG + "sourceField", ("l", f"combatant{s}", None, None)),
                    (part, CKG + "sourceText", ("l", f"[[Party {party[-4:]}]] (from {year})", None, None)),
                    (part, CKG + "roleDescription", ("l", "co-belligerent", None, None)),
                    (part, CKG + "group", ("l", f"group {rng.randrange(5)}", None, None)),
                ]
                if rng.random() < 0.7:
                    rows.append((part, CKG + "role", ("i", CKG + ("Belligerent" if rng.random() < 0.8 else "Supporter"))))
                if rng.random() < 0.3:
                    rows.append((part, CKG + "periodText", ("l", f"{year}–{year + 1}", None, None)))
        for s_, p_, o_ in rows:
            yield (s_, p_, o_, doc)
            emitted += 1
            if emitted >= n_triples:
                return


# --- engines (run inside a worker process) -------------------------------------------------


class PyoxigraphEngine:
    def __init__(self, path: str | None) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = ox.Store(path) if path else ox.Store()
        self._nodes: dict[str, Any] = {}

    def _iri(self, iri: str) -> Any:
        node = self._nodes.get(iri)
        if node is None:
            node = self.ox.NamedNode(iri)
            if len(self._nodes) < 50_000:
                self._nodes[iri] = node
        return node

    def terms(self, batch: list[RawQuad]) -> list[Any]:
        ox, iri = self.ox, self._iri
        out = []
        for s, p, o, g in batch:
            if o[0] == "i":
                obj = iri(o[1])
            elif o[3] is not None:
                obj = ox.Literal(o[1], language=o[3])
            elif o[2] is not None:
                obj = ox.Literal(o[1], datatype=iri(o[2]))
            else:
                obj = ox.Literal(o[1])
            out.append(ox.Quad(iri(s), iri(p), obj, iri(g)))
        return out

    def insert(self, quads: list[Any]) -> None:
        self.store.extend(quads)

    def write_turtle(self, path: Path) -> None:
        triples = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        self.ox.serialize(triples, str(path), format=self.ox.RdfFormat.TURTLE, prefixes=PREFIXES)

    def join(self) -> int:
        return sum(1 for _ in self.store.query(JOIN_QUERY, use_default_graph_as_union=True))

    def count(self) -> int:
        return len(self.store)


class RdflibEngine:
    def __init__(self, store: str) -> None:
        import rdflib

        if store == "Oxigraph":
            import oxrdflib  # noqa: F401  (registers the store plugin)
        self.rdflib = rdflib
        self.ds = rdflib.Dataset(store=store, default_union=True)
        self._nodes: dict[str, Any] = {}
        self._graphs: dict[str, Any] = {}

    def _iri(self, iri: str) -> Any:
        node = self._nodes.get(iri)
        if node is None:
            node = self.rdflib.URIRef(iri)
            if len(self._nodes) < 50_000:
                self._nodes[iri] = node
        return node

    def terms(self, batch: list[RawQuad]) -> list[Any]:
        rdflib, iri = self.rdflib, self._iri
        out = []
        for s, p, o, g in batch:
            if o[0] == "i":
                obj = iri(o[1])
            elif o[3] is not None:
                obj = rdflib.Literal(o[1], lang=o[3])
            elif o[2] is not None:
                obj = rdflib.Literal(o[1], datatype=iri(o[2]))
            else:
                obj = rdflib.Literal(o[1])
            graph = self._graphs.get(g)
            if graph is None:
                graph = self._graphs[g] = self.ds.graph(iri(g))
            out.append((iri(s), iri(p), obj, graph))
        return out

    def insert(self, quads: list[Any]) -> None:
        self.ds.addN(quads)

    def write_turtle(self, path: Path) -> None:
        for prefix, ns in PREFIXES.items():
            self.ds.bind(prefix, ns)
        self.ds.serialize(destination=str(path), format="turtle")

    def join(self) -> int:
        return sum(1 for _ in self.ds.query(JOIN_QUERY))

    def count(self) -> int:
        return len(self.ds)


def _rss_kb() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:  # not Linux: fall back to the peak so far
        return _peak_kb()


def _peak_kb() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB on Linux


def worker(engine_name: str, n_triples: int, workdir: Path) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")  # rdflib 7.6 deprecation chatter
    if engine_name == "pyoxigraph-memory":
        engine: Any = PyoxigraphEngine(None)
    elif engine_name == "pyoxigraph-disk":
        engine = PyoxigraphEngine(str(workdir / "store"))
    elif engine_name == "rdflib-memory":
        engine = RdflibEngine("Memory")
    elif engine_name == "oxrdflib":
        engine = RdflibEngine("Oxigraph")
    else:
        raise SystemExit(f"unknown engine {engine_name}")

    gc.collect()
    rss_before = _rss_kb()
    insert_s = 0.0
    source = synthetic_quads(n_triples)
    while True:
        raw = [q for _, q in zip(range(BATCH), source)]
        if not raw:
            break
        batch = engine.terms(raw)
        started = time.perf_counter()
        engine.insert(batch)
        insert_s += time.perf_counter() - started
    del raw, batch
    peak_delta_mb = (_peak_kb() - rss_before) / 1024
    count = engine.count()

    out = workdir / "out.ttl"
    started = time.perf_counter()
    engine.write_turtle(out)
    turtle_s = time.perf_counter() - started
    turtle_mb = out.stat().st_size / 1e6

    started = time.perf_counter()
    rows = engine.join()
    join_s = time.perf_counter() - started

    disk_mb = None
    if engine_name == "pyoxigraph-disk":
        # RocksDB keeps its write-ahead logs (~2x the data here) until the next open
        # recovers and deletes them: measure after a reopen, as the store is at rest.
        engine.store.flush()
        del engine.store
        gc.collect()
        reopened = engine.ox.Store(str(workdir / "store"))
        del reopened
        gc.collect()
        disk_mb = sum(p.stat().st_size for p in (workdir / "store").rglob("*") if p.is_file()) / 1e6
    return {"engine": engine_name, "insert": insert_s, "turtle": turtle_s, "join": join_s,
            "rss_mb": peak_delta_mb, "rows": rows, "count": count, "turtle_mb": turtle_mb, "disk_mb": disk_mb}


def export_check(n_triples: int, workdir: Path) -> dict[str, float]:
    """Time kg.exporter's sorted + verified Turtle/N-Quads (the determinism tax), in memory."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kg.exporter import export
    from kg.store import open_store

    store = open_store(in_memory=True)
    engine = PyoxigraphEngine(None)
    engine.store = store.raw
    source = synthetic_quads(n_triples)
    while raw := [q for _, q in zip(range(BATCH), source)]:
        engine.insert(engine.terms(raw))
    result = {}
    for fmt in ("ttl", "nq"):
        started = time.perf_counter()
        export(store, fmt, workdir / f"kg.{fmt}")
        result[fmt] = time.perf_counter() - started
    return result


# --- driver -----------------------------------------------------------------------------------


def run_worker(engine: str, n_triples: int, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", engine, "--triples", str(n_triples), "--workdir", tmp],
            capture_output=True, text=True, timeout=timeout,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{engine} worker failed:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt_seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of " + ", ".join(ENGINES))
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per worker run")
    parser.add_argument("--no-export", action="store_true", help="skip timing kg.exporter")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--export-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.triples, Path(args.workdir))))
        return 0
    if args.export_worker:
        print(json.dumps(export_check(args.triples, Path(args.workdir))))
        return 0

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if "oxrdflib" in engines and importlib.util.find_spec("oxrdflib") is None:
        print("oxrdflib not installed: skipped", file=sys.stderr)
        engines.remove("oxrdflib")

    runs: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
    for r in range(args.repeat):
        for engine in engines:
            result = run_worker(engine, args.triples, args.timeout)
            runs[engine].append(result)
            print(f"[run {r + 1}/{args.repeat}] {engine}: insert {result['insert']:.2f}s, turtle {result['turtle']:.2f}s, "
                  f"join {result['join']:.2f}s ({result['rows']} rows), peak RSS +{result['rss_mb']:.0f} MB",
                  file=sys.stderr, flush=True)

    med = {e: {k: statistics.median(run[k] for run in runs[e]) for k in ("insert", "turtle", "join", "rss_mb")}
           for e in engines}
    ref = med.get("pyoxigraph-memory")
    counts = {run["count"] for e in engines for run in runs[e]}
    rows = {run["rows"] for e in engines for run in runs[e]}

    def cell(engine: str, key: str) -> str:
        value = med[engine][key]
        text = f"{value:,.0f} MB" if key == "rss_mb" else fmt_seconds(value)
        if ref and engine != "pyoxigraph-memory" and ref[key] > 0:
            text += f" ({value / ref[key]:.1f}×)"
        return text

    print(f"\n{args.triples:,} triples in {len({q[3] for q in synthetic_quads(args.triples)}):,} named graphs, "
          f"median of {args.repeat} runs, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
          f"(×) = ratio to pyoxigraph in memory\n")
    print("| engine | insert | Turtle write | 2-hop join + 3 OPTIONAL | peak RSS delta (load) |")
    print("|---|---|---|---|---|")
    for engine in engines:
        print(f"| {engine} | {cell(engine, 'insert')} | {cell(engine, 'turtle')} | {cell(engine, 'join')} | {cell(engine, 'rss_mb')} |")
    print()
    print(f"stored quads: {sorted(counts)}, join rows: {sorted(rows)} (one value each: the engines agree)")
    disk = [run["disk_mb"] for run in runs.get("pyoxigraph-disk", []) if run["disk_mb"]]
    if disk:
        print(f"pyoxigraph on disk: {statistics.median(disk):.0f} MB of files at rest (after a reopen)")
    turtle_mb = {run["turtle_mb"] for e in engines for run in runs[e]}
    print(f"Turtle sizes (MB): {sorted(round(x, 1) for x in turtle_mb)}")

    if not args.no_export:
        times: list[dict[str, float]] = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
                proc = subprocess.run([sys.executable, __file__, "--export-worker", "--triples", str(args.triples),
                                       "--workdir", tmp], capture_output=True, text=True, timeout=args.timeout)
                if proc.returncode != 0:
                    raise RuntimeError(proc.stderr[-3000:])
                times.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"kg.exporter (sorted, prefixes fixed, fsync + strict re-parse check), median: "
              f"Turtle {fmt_seconds(statistics.median(t['ttl'] for t in times))}, "
              f"N-Quads {fmt_seconds(statistics.median(t['nq'] for t in times))}")
    if len(rows) != 1 or len(counts) != 1:
        print("ERROR: engines disagree on the join result", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
