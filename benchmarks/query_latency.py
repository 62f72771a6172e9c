"""Median latency of every named query: embedded (pyoxigraph in-process) and over HTTP.

Usage::

    .venv/bin/python benchmarks/query_latency.py                 # corpus + ~1M-triple scale-up
    .venv/bin/python benchmarks/query_latency.py --triples 300000 --repeat 5
    .venv/bin/python benchmarks/query_latency.py --store kg-store --triples 0   # an existing store only

For each graph (the corpus built from data/wikipedia, then a synthetic scale-up made of
renamed copies of it), every named query of queries/ runs with its default parameters:

* **embedded**: ``KGStore.query`` on the store opened read-only, every row turned into Python
  values (what ``kg query`` does);
* **HTTP oxigraph**: a POST to a plain ``oxigraph serve-read-only`` on the same directory,
  asking for SPARQL JSON results, read and parsed with ``json`` (what a SPARQLWrapper client
  pays, minus SPARQLWrapper's own overhead);
* **HTTP kg serve**: the same through ``kg serve`` (its front: read-only guard, deadline,
  completeness check, one worker per request).

The scale-up: the corpus graph is copied K times (K = triples / corpus size, rounded up);
copy k > 0 renames every IRI minted by the project (``…/resource/``, ``…/id/``,
``…/document/``, ``…/graph/``) by inserting ``copyk/`` after that segment, so that each copy is
a disjoint graph of the same shape. Literals (labels) are left as they are, as the brief
asks, so a query that looks an entity up by label finds it in every copy and returns about K
times the rows: the row counts are printed.

Each measurement is the median of ``--repeat`` runs after one warm-up run; a slow query stops
repeating after ``--budget`` seconds (at least one timed run). Prints a Markdown table.

Cards and the analysts' queries of issue 14 (embedded, on an existing store)::

    .venv/bin/python benchmarks/query_latency.py --store kg-store --cards

prints the median latency of every conflict card, of the entity cards of the 50 parties in
most participations, and of :data:`ANALYST_QUERIES` written naively, over the union of all
graphs and over the query view (``GRAPH <…/graph/view>``).

Before/after a change of the queries (embedded only, on a store built from all of data/)::

    git archive HEAD~1 queries | tar -x -C /tmp/before
    .venv/bin/python benchmarks/query_latency.py --data data --baseline /tmp/before/queries

prints, for every named query, the median latency of the baseline folder's version and of
the current one, and whether the two return the same DISTINCT rows, for the example
parameters and for the further values of :data:`MORE_PARAMS`. Every query must answer within
``--target`` seconds (1 s by default); the exit status is 1 when one does not.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from kg.endpoint import running_endpoint, start_oxigraph  # noqa: E402
from kg.queries import load_queries, render, run_local  # noqa: E402
from kg.rdf import terms as T  # noqa: E402
from kg.store import open_store  # noqa: E402

MINTED = [T.RESOURCE, T.NODE, T.DOCUMENT, T.GRAPH]


#: Seconds above which the warm-up run counts as a measurement (see :func:`timed`).
WARM_UP_COUNTS_AFTER = 1.0

#: Further parameter values checked in the before/after comparison (beside the examples).
MORE_PARAMS: dict[str, list[dict[str, str]]] = {
    "party-allies": [{"party": "Hezbollah"}, {"party": "Russia"}, {"party": "United States"},
                     {"party": "free syrian army"}],
    "party-opponents": [{"party": "Iran"}, {"party": "Russia"}, {"party": "Ukraine"}],
    "parties-same-side": [{"a": "Russia", "b": "Syria"}, {"a": "Turkey", "b": "Free Syrian Army"}],
    "parties-opposite-sides": [{"a": "Russia", "b": "Ukraine"}, {"a": "Iran", "b": "Islamic State"}],
    "conflict-sides": [{"conflict": "Battle of Bakhmut"}, {"conflict": "American Revolutionary War"}],
    "conflict-commanders": [{"conflict": "Battle of Bakhmut"}, {"conflict": "Battle of Marathon"}],
    "commander-commands": [{"commander": "Qasem Soleimani"}, {"commander": "George Washington"}],
    "side-figures": [{"conflict": "2020 Nagorno-Karabakh war"}],
    "conflict-search": [{"text": "battle of"}, {"text": "syrian civil war"}],
    "part-of-tree": [{"conflict": "Syrian civil war"}, {"conflict": "Russian invasion of Ukraine"}],
    "news-naming-commander": [{"commander": "Vladimir Putin"}],
    "unit-tree": [{"conflict": "Battle of Aleppo (2012–2016)", "side": "2"}],
    "wikidata-style": [{"participant": "Russia"}, {"participant": "Iran"}],
}


_VIEW = f"GRAPH <{T.GRAPH}view>"  # kg.view.VIEW_GRAPH, spelled so that an older checkout runs this too
#: An analyst's natural count of commanders killed in action (the OPTIONAL in the middle, as
#: people write it), over all graphs and over the query view.
_KIA = """SELECT ?conflict (COUNT(DISTINCT ?m) AS ?commanders) (COUNT(DISTINCT ?killed) AS ?kia) WHERE {{ {open}
  ?conflict ckg:side ?s . ?s ckg:command ?m .
  OPTIONAL {{ ?m ckg:killedInAction ?k }}
  ?m ckg:commander ?person .
  BIND (IF(BOUND(?k) && ?k, ?m, ?none) AS ?killed) {close}
}} GROUP BY ?conflict ORDER BY DESC(?kia) LIMIT 20"""
#: An analyst's natural "who fought beside Iran", naive join, over all graphs and the view.
_ALLIES = """SELECT ?ally (COUNT(DISTINCT ?conflict) AS ?n) WHERE {{
  ?iran skos:hiddenLabel "iran" . {open}
  ?conflict ckg:side ?s . ?s ckg:sideNumber ?k ; ckg:participation/ckg:party ?iran .
  ?conflict ckg:side ?s2 . ?s2 ckg:sideNumber ?k ; ckg:participation/ckg:party ?ally . {close}
  FILTER (?ally != ?iran)
}} GROUP BY ?ally ORDER BY DESC(?n)"""
ANALYST_QUERIES: dict[str, str] = {
    "kia count, union": _KIA.format(open="", close=""),
    "kia count, view": _KIA.format(open=_VIEW + " {", close="}"),
    "Iran's allies, union": _ALLIES.format(open="", close=""),
    "Iran's allies, view": _ALLIES.format(open=_VIEW + " {", close="}"),
}


def cards_and_analysts(store_path: Path, repeat: int, budget: float) -> str:
    """A Markdown table: the median latency of the conflict cards, of entity cards, of the
    named query party-allies for Iran and of :data:`ANALYST_QUERIES` (embedded)."""
    from kg.cards import conflict_card, entity_card
    from kg.sparql import select

    store = open_store(store_path, read_only=True)
    lines = ["| what | n | median ms | max ms |", "|---|---:|---:|---:|"]
    try:
        conflicts = [r["c"] for r in select(store, "SELECT DISTINCT ?c WHERE { ?d ckg:describes ?c } ORDER BY ?c")]
        parties = [r["e"] for r in select(store, """SELECT ?e (COUNT(*) AS ?n) WHERE { ?p ckg:party ?e }
                                                    GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 50""")]
        for label, fn, iris in (("conflict card", conflict_card, conflicts), ("entity card", entity_card, parties)):
            times = [timed(lambda iri=iri, fn=fn: len(fn(store, iri)), 1, budget)[0] for iri in iris]
            lines.append(f"| {label} | {len(times)} | {statistics.median(times) * 1000:.1f} | {max(times) * 1000:.1f} |")
            print(f"  {label}: {statistics.median(times) * 1000:.1f} ms median", file=sys.stderr, flush=True)
        named = render(load_queries()["party-allies"], {"party": "Iran"})
        runs = {"kg query party-allies -p party=Iran": named, **ANALYST_QUERIES}
        for label, sparql in runs.items():
            seconds, rows = timed(lambda sparql=sparql: len(run_local(store, sparql).rows), repeat, budget)
            lines.append(f"| {label} | {rows} rows | {seconds * 1000:.1f} | |")
            print(f"  {label}: {seconds * 1000:.1f} ms", file=sys.stderr, flush=True)
    finally:
        store.close()
    return "\n".join(lines)


def build_corpus(target: Path, data: Path | None = None) -> None:
    source = data if data is not None else ROOT / "data" / "wikipedia"
    subprocess.run([sys.executable, "-m", "kg", "--store", str(target), "build", str(source)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _renamer(k: int) -> Callable[[object], object]:
    cache: dict[str, ox.NamedNode] = {}

    def rename(term: object) -> object:
        if not isinstance(term, ox.NamedNode):
            return term
        iri = term.value
        found = cache.get(iri)
        if found is not None:
            return found
        new = term
        for base in MINTED:
            if iri.startswith(base):
                new = ox.NamedNode(f"{base}copy{k}/{iri[len(base):]}")
                break
        cache[iri] = new
        return new

    return rename


def build_scaled(source: Path, target: Path, triples: int) -> tuple[int, int]:
    """Copies of the store at ``source`` into a new store at ``target``: (copies, quads)."""
    reader = ox.Store.read_only(str(source))
    quads = list(reader.quads_for_pattern(None, None, None, None))
    del reader
    copies = max(1, math.ceil(triples / len(quads)))
    store = ox.Store(str(target))

    def generate():
        for k in range(copies):
            if k == 0:
                yield from quads
                continue
            rename = _renamer(k)
            for q in quads:
                yield ox.Quad(rename(q.subject), rename(q.predicate), rename(q.object), rename(q.graph_name))

    store.bulk_extend(generate())
    store.flush()
    store.optimize()
    total = len(store)
    del store
    return copies, total


def timed(run: Callable[[], int], repeat: int, budget: float) -> tuple[float, int]:
    """(median seconds, rows) of ``run`` after one warm-up (a warm-up slower than
    :data:`WARM_UP_COUNTS_AFTER` counts as a run: a query that takes seconds gains nothing
    from a warm cache, and repeating it only costs time)."""
    t0 = time.perf_counter()
    rows = run()
    first = time.perf_counter() - t0
    times: list[float] = [first] if first > WARM_UP_COUNTS_AFTER else []
    started = time.perf_counter()
    while len(times) < repeat and (not times or time.perf_counter() - started < budget):
        t0 = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), rows


def _cell(value: object) -> str:
    # a GROUP_CONCAT lists its values in no set order: compare the set of values
    if isinstance(value, str) and " | " in value:
        return repr(sorted(value.split(" | ")))
    return repr(value)


def _answer(result) -> frozenset[tuple]:  # QueryResult
    """The DISTINCT rows of a result, order ignored: what must not change when a query is
    rewritten for speed."""
    return frozenset(tuple(sorted((k, _cell(v)) for k, v in row.items())) for row in result.rows)


def compare(store_path: Path, baseline: Path, current: Path | None, repeat: int, budget: float,
            target: float) -> tuple[str, bool]:
    """A Markdown table of the embedded latency of every named query, baseline folder vs
    current, with whether the answers are the same; and whether all met ``target`` seconds."""
    before_queries, after_queries = load_queries(baseline), load_queries(current)
    store = open_store(store_path, read_only=True)
    lines = ["| query | before ms | after ms | rows before | rows after | same DISTINCT rows |",
             "|---|---:|---:|---:|---:|---|"]
    ok = True
    try:
        for name, after in after_queries.items():
            before = before_queries.get(name)
            cells = []
            answers = []
            for query in (before, after):
                if query is None:
                    cells.append(("—", "—"))
                    answers.append(None)
                    continue
                sparql = render(query)
                seconds, rows = timed(lambda sparql=sparql: len(run_local(store, sparql).rows), repeat, budget)
                cells.append((f"{seconds * 1000:.1f}", str(rows)))
                answers.append(_answer(run_local(store, sparql)))
                if query is after and seconds > target:
                    ok = False
                print(f"  {name} ({'before' if query is before else 'after'}): {seconds * 1000:.1f} ms, {rows} rows",
                      file=sys.stderr, flush=True)
            same = "—"
            if before is not None:
                checks = [answers[0] == answers[1]]
                for params in MORE_PARAMS.get(name, []):
                    old = _answer(run_local(store, render(before, params, examples=True)))
                    new = _answer(run_local(store, render(after, params, examples=True)))
                    checks.append(old == new)
                same = f"{sum(checks)}/{len(checks)} same"
            lines.append(f"| {name} | {cells[0][0]} | {cells[1][0]} | {cells[0][1]} | {cells[1][1]} | {same} |")
    finally:
        store.close()
    return "\n".join(lines), ok


def http_runner(url: str, sparql: str, timeout: float) -> Callable[[], int]:
    body = urllib.parse.urlencode({"query": sparql}).encode()

    def run() -> int:
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read())
        return len(data["results"]["bindings"])

    return run


def measure(store_path: Path, repeat: int, budget: float, timeout: float) -> dict[str, dict[str, float]]:
    queries = load_queries()
    out: dict[str, dict[str, float]] = {}
    store = open_store(store_path, read_only=True)
    try:
        for name, query in queries.items():
            sparql = render(query)
            seconds, rows = timed(lambda sparql=sparql: len(run_local(store, sparql).rows), repeat, budget)
            out[name] = {"embedded": seconds, "rows": rows}
            print(f"  {name}: embedded {seconds * 1000:.1f} ms, {rows} rows", file=sys.stderr, flush=True)
    finally:
        store.close()
    with start_oxigraph(store_path, read_only=True) as server:
        for name, query in queries.items():
            seconds, _ = timed(http_runner(server.query_url, render(query), timeout), repeat, budget)
            out[name]["oxigraph"] = seconds
    with running_endpoint(store_path, timeout=timeout, workers=2) as base:
        for name, query in queries.items():
            seconds, _ = timed(http_runner(base + "/query", render(query), timeout), repeat, budget)
            out[name]["kg serve"] = seconds
    return out


def table(results: list[tuple[str, int, dict[str, dict[str, float]]]]) -> str:
    head = "| query |"
    rule = "|---|"
    for label, _quads, _ in results:
        head += (f" rows ({label}) | embedded ms | HTTP oxigraph ms | HTTP kg serve ms | HTTP/embedded |")
        rule += "---:|---:|---:|---:|---:|"
    lines = [head, rule]
    for name in results[0][2]:
        line = f"| {name} |"
        for _, _, data in results:
            d = data[name]
            ratio = d["oxigraph"] / d["embedded"] if d["embedded"] > 0 else float("nan")
            line += (f" {int(d['rows'])} | {d['embedded'] * 1000:.1f} | {d['oxigraph'] * 1000:.1f} | "
                     f"{d['kg serve'] * 1000:.1f} | {ratio:.2f} |")
        lines.append(line)
    for label, quads, data in results:
        emb = statistics.median(d["embedded"] for d in data.values()) * 1000
        ox_ = statistics.median(d["oxigraph"] for d in data.values()) * 1000
        front = statistics.median(d["kg serve"] for d in data.values()) * 1000
        lines.append(f"\n{label}: {quads:,} quads; median over queries: embedded {emb:.1f} ms, "
                     f"HTTP oxigraph {ox_:.1f} ms, HTTP kg serve {front:.1f} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="An existing store to measure (default: build the corpus).")
    parser.add_argument("--triples", type=int, default=1_000_000, help="Size of the scale-up (0: none).")
    parser.add_argument("--repeat", type=int, default=7, help="Timed runs per query and mode (median).")
    parser.add_argument("--budget", type=float, default=6.0, help="Seconds after which a query stops repeating.")
    parser.add_argument("--timeout", type=float, default=300.0, help="HTTP timeout per request (s).")
    parser.add_argument("--data", type=Path, help="Build the corpus from this folder (default data/wikipedia).")
    parser.add_argument("--baseline", type=Path,
                        help="A folder of .rq files (an older queries/): compare it with the current one, embedded.")
    parser.add_argument("--target", type=float, default=1.0, help="Seconds every query must answer within.")
    parser.add_argument("--cards", action="store_true",
                        help="Measure the cards and the analysts' queries (union vs query view), embedded.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        corpus = args.store
        if corpus is None:
            corpus = Path(tmp) / "corpus"
            print("building the corpus store…", file=sys.stderr, flush=True)
            build_corpus(corpus, args.data)
        if args.cards:
            print(cards_and_analysts(corpus, args.repeat, args.budget))
            return
        if args.baseline is not None:
            text, ok = compare(corpus, args.baseline, None, args.repeat, args.budget, args.target)
            print(text)
            sys.exit(0 if ok else 1)
        quads = len(ox.Store.read_only(str(corpus)))
        print(f"corpus: {quads} quads", file=sys.stderr, flush=True)
        results = [("corpus", quads, measure(corpus, args.repeat, args.budget, args.timeout))]
        if args.triples:
            scaled = Path(tmp) / "scaled"
            started = time.perf_counter()
            copies, total = build_scaled(corpus, scaled, args.triples)
            print(f"scale-up: {copies} copies, {total} quads in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr, flush=True)
            label = f"{total / 1e6:.2f}M" if total >= 1e6 else f"{total / 1e3:.0f}k"
            results.append((label, total, measure(scaled, args.repeat, args.budget, args.timeout)))
    print(table(results))


if __name__ == "__main__":
    main()
