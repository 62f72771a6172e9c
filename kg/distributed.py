"""The article phase of a build on a Dask distributed cluster (``kg build --scheduler ADDRESS``).

The default build reads, parses and maps articles in a local process pool
(:mod:`kg.pipeline`). With a scheduler address the same per-item function
(:func:`kg.pipeline.process_item`) runs on the cluster's workers instead, in three steps:

1. **map** (on workers): the work items are cut into partitions of :data:`PARTITION_SIZE`
   items, in input order. Each partition is read, parsed and mapped with the store's current
   resolver, written as a *raw* N-Quads shard in the shared folder, and its surface forms
   (:class:`kg.resolution.Surface`, read with the same query as a local refresh) go back to
   the client with each item's status, title and warnings - never its quads.
2. **resolve** (on the client, once): the surfaces of every partition, plus those of the
   store's documents that this build does not replace, go through
   :func:`kg.resolution.resolve` - a distributed aggregation of surface forms. Each new
   document graph gets the renames a local :func:`~kg.resolution.refresh_identity` would
   give it (subject and object IRIs, the same rule as :meth:`kg.store.KGStore.rename_terms`).
3. **rename** (on workers): each raw shard is rewritten with its documents' renames into its
   final shard ``part-NNNNNN.nq`` (deterministic names: partition index in input order), so
   document graphs are written with resolved identities and nothing is renamed afterwards.

The client then loads the shards through the builder's one writer
(:class:`kg.builder._BatchWriter`): the same stale marker, ingestion stamps and bulk loads
of whole documents behind a recovery marker (:meth:`kg.store.KGStore.add_graphs_bulk`), so
a build killed while loading leaves each document absent or complete once the store is
opened again.
The identity graph is then written from the same resolution (no second ``resolve`` over
the store), news are linked and the derived graph computed, locally, as in any build.
``kg build --no-load`` stops after step 3 and also writes ``identity.nq`` (the identity
graph); ``kg load-shards DIR`` loads such a folder later.

Limits:

* workers and client must see the shard folder at the same path (a shared file system:
  NFS, a cluster volume) and have the same version of conflict-kg installed; input files are
  read by the workers, so they too must be at the same paths (dump pages travel inside the
  work items). Relative paths are read from the client's working directory: a worker
  changes to it while it maps a partition (one build at a time per worker process);
* news documents are linked on the client after the articles (linking needs every entity
  the articles introduce), as are the derived graph and, for a store that already holds
  documents, the renames of its older graphs;
* a document whose identities *split* (only after a removal) is left as mapped in its shard
  and re-read by :func:`~kg.resolution.refresh_identity` after the load, as locally;
* the surfaces of all documents are held by the client (about 30 per article).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from kg.pipeline import ItemResult, StoredDocuments, WorkItem, batched, iter_work, process_item
from kg.pipeline import LoadedResult as _LoadedResult  # the builder's writer reads both kinds
from kg.resolution import Resolution, Surface, current_resolver, identity_quads, load_aliases, load_surfaces, resolve
from kg.resolution import rename_quads as rename_quads  # re-exported: moved to kg.resolution
from kg.resolution import renames_for as renames_for  # re-exported: moved to kg.resolution
from kg.store import open_store

if TYPE_CHECKING:
    from kg.store import KGStore

#: Items per partition (one task, one shard). Small enough to spread a few hundred
#: articles over a few workers, large enough that task overhead (~1 ms) stays negligible.
PARTITION_SIZE = 16
#: Partitions in flight per worker thread while mapping (bounds the client's and the
#: scheduler's memory whatever the size of the input).
WINDOW_PER_THREAD = 4
NQ = pyoxigraph.RdfFormat.N_QUADS


def shard_name(index: int) -> str:
    """The file name of partition ``index``'s shard.

    >>> shard_name(7)
    'part-000007.nq'
    """
    return f"part-{index:06d}.nq"


def default_shard_dir(store: KGStore) -> Path:
    """A fresh folder next to the store (in the system temp folder for an in-memory store)."""
    parent = store.path.parent if store.path is not None else None
    return Path(tempfile.mkdtemp(prefix="kg-shards-", dir=parent))


# --- on the workers ------------------------------------------------------------------
@dataclass
class MappedPartition:
    """What a worker returns for one partition: no quads, only what the client needs."""

    index: int
    results: list[ItemResult]
    surfaces: list[Surface] = field(default_factory=list)


def surfaces_of(nquads: bytes) -> list[Surface]:
    """The surface forms of document graphs given as N-Quads (the query of a local refresh).

    >>> from kg.builder import process_file
    >>> quads = process_file("data/wikipedia/syria/battle_of_hosn.md").quads
    >>> surfaces = surfaces_of(pyoxigraph.serialize(quads, format=NQ))
    >>> len(surfaces) > 5, surfaces[0].graph.endswith("battle_of_hosn.md")
    (True, True)
    """
    store = open_store(in_memory=True)
    if nquads:
        store.raw.load(nquads, format=NQ)
    return load_surfaces(store)


_CWD_LOCK = threading.Lock()


@contextlib.contextmanager
def _working_directory(path: str | None) -> Iterator[None]:
    """Relative input paths mean what they mean on the client: a worker process started
    elsewhere (``dask worker`` in another folder) reads them from the client's working
    directory, so that documents get the same source paths and IRIs as in a local build."""
    if path is None or os.getcwd() == path:
        yield
        return
    with _CWD_LOCK:
        before = os.getcwd()
        os.chdir(path)
        try:
            yield
        finally:
            os.chdir(before)


def map_partition(index: int, items: list[WorkItem], resolver: dict[str, str], shard_dir: str,
                  cwd: str | None = None) -> MappedPartition:
    """Step 1 for one partition: process its items, write the raw shard, return the rest."""
    with _working_directory(cwd):
        results = [process_item(item, resolver) for item in items]
    data = b"".join(r.nquads for r in results)
    raw = Path(shard_dir) / (shard_name(index) + ".raw")
    raw.write_bytes(data)
    return MappedPartition(index, [replace(r, nquads=b"") for r in results], surfaces_of(data))


def write_shard(index: int, shard_dir: str, renames: dict[str, dict[str, str]]) -> str:
    """Step 3 for one partition: the raw shard, renamed, becomes the final shard."""
    raw = Path(shard_dir) / (shard_name(index) + ".raw")
    final = Path(shard_dir) / shard_name(index)
    if renames:
        quads = rename_quads(pyoxigraph.parse(raw.read_bytes(), format=NQ), renames)
        final.write_bytes(pyoxigraph.serialize(quads, format=NQ) or b"")
        raw.unlink()
    else:
        os.replace(raw, final)
    return str(final)


# --- on the client -------------------------------------------------------------------
def read_shard(path: str | Path) -> dict[str, list[pyoxigraph.Quad]]:
    """The quads of a shard by graph IRI."""
    by_graph: dict[str, list[pyoxigraph.Quad]] = defaultdict(list)
    for quad in pyoxigraph.parse(Path(path).read_bytes(), format=NQ):
        graph = quad.graph_name
        by_graph[graph.value if isinstance(graph, pyoxigraph.NamedNode) else ""].append(quad)
    return by_graph


class DaskArticles:
    """The article phase of one build on a Dask cluster (see the module docstring).

    ``client`` is a :class:`distributed.Client` (or its scheduler address). After
    :meth:`map_and_resolve`, :meth:`results` yields one result per item, in input order,
    with its quads read from the shards, for the builder's writer.
    """

    def __init__(self, store: KGStore, client: Any, shard_dir: str | Path | None = None,
                 partition_size: int = PARTITION_SIZE) -> None:
        self.store = store
        self._own_client = isinstance(client, str)
        if isinstance(client, str):
            from distributed import Client  # optional heavy dependency: imported only for a cluster build

            client = Client(client, timeout="30s")
        self.client = client
        self.shard_dir = Path(shard_dir) if shard_dir is not None else default_shard_dir(store)
        self.shard_dir.mkdir(parents=True, exist_ok=True)
        self.partition_size = partition_size
        self.partitions: list[MappedPartition] = []
        self.shards: list[str] = []
        self.resolution: Resolution | None = None
        self.surfaces: list[Surface] = []  # of the whole store once loaded
        self.split: set[str] = set()
        #: Wall-clock seconds of each step of :meth:`map_and_resolve` (map, resolve, shards).
        self.seconds: dict[str, float] = {}

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def _threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def map_and_resolve(self, items: Iterable[WorkItem], resolver: dict[str, str],
                        aliases: dict[str, str] | None = None) -> None:
        """Steps 1-3: map on the workers, resolve here once, write the final shards."""
        from distributed import wait  # optional heavy dependency: imported only for a cluster build

        # a list: scatter() reads a dict as {key: data}
        started = time.perf_counter()
        resolver_future = self.client.scatter([resolver], broadcast=True, hash=False)[0]
        shard_dir = str(self.shard_dir.resolve())
        window = self._threads() * WINDOW_PER_THREAD
        in_flight: list[Any] = []
        done: list[MappedPartition] = []
        for index, chunk in enumerate(batched(items, self.partition_size)):
            in_flight.append(self.client.submit(map_partition, index, chunk, resolver_future, shard_dir, os.getcwd(),
                                                key=f"kg-map-{os.getpid()}-{id(self)}-{index}", pure=False))
            if len(in_flight) >= window:
                finished, pending = wait(in_flight, return_when="FIRST_COMPLETED")
                done.extend(f.result() for f in finished)
                in_flight = list(pending)
        done.extend(f.result() for f in in_flight)
        self.partitions = sorted(done, key=lambda p: p.index)
        self.seconds["map"] = time.perf_counter() - started
        started = time.perf_counter()

        new_surfaces = [s for p in self.partitions for s in p.surfaces]
        replaced = {r.item.iri for p in self.partitions for r in p.results if r.status == "processed"}
        kept = [s for s in load_surfaces(self.store) if s.graph not in replaced]
        self.resolution = resolve(kept + new_surfaces, load_aliases() if aliases is None else aliases)
        renames, self.split = renames_for(new_surfaces, self.resolution.canonical)
        by_partition: dict[int, dict[str, dict[str, str]]] = defaultdict(dict)
        partition_of = {r.item.iri: p.index for p in self.partitions for r in p.results}
        for graph, rename in renames.items():
            by_partition[partition_of[graph]][graph] = rename
        self.seconds["resolve"] = time.perf_counter() - started
        started = time.perf_counter()
        futures = [self.client.submit(write_shard, p.index, shard_dir, by_partition.get(p.index, {}),
                                      key=f"kg-shard-{os.getpid()}-{id(self)}-{p.index}", pure=False)
                   for p in self.partitions]
        self.shards = self.client.gather(futures)
        self.seconds["shards"] = time.perf_counter() - started
        # The store's surfaces once the shards are in: what refresh_identity would read back.
        self.surfaces = kept + [s if s.graph in self.split else replace(s, resolved=self.resolution.canonical[s.key])
                                for s in new_surfaces]

    def write_identity_shard(self) -> Path:
        """The identity graph as ``identity.nq`` (for a folder of shards loaded elsewhere)."""
        assert self.resolution is not None, "map_and_resolve first"
        described = {self.resolution.canonical[s.key] for s in self.surfaces if "title" in s.fields}
        path = self.shard_dir / "identity.nq"
        path.write_bytes(pyoxigraph.serialize(identity_quads(self.resolution, described), format=NQ) or b"")
        return path

    def results(self) -> Iterator[ItemResult | _LoadedResult]:
        """One result per item in input order; processed ones carry their shard's quads."""
        for partition, shard in zip(self.partitions, self.shards, strict=True):
            by_graph = read_shard(shard)
            for result in partition.results:
                if result.status != "processed":
                    yield result
                    continue
                yield _LoadedResult(result.item, "processed", by_graph.get(result.item.iri, []), result.title,
                                    warnings=result.warnings, reader=result.reader)

    def identity_inputs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`kg.resolution.refresh_identity` after the load."""
        return {"surfaces": self.surfaces, "resolution": self.resolution} if self.resolution is not None else {}


def map_to_shards(store: KGStore, paths: Iterable[str | Path], scheduler: Any, shard_dir: str | Path | None = None,
                  *, skip_unchanged: bool = True) -> tuple[Path, list[MappedPartition]]:
    """``kg build --scheduler ADDRESS --no-load``: the final shards of the articles under
    ``paths`` (but those the store holds already, same content read by the same reader) and
    ``identity.nq``, resolved against the store's documents. Returns the folder and the partitions."""
    stored = StoredDocuments.of(store)
    items = (item for item in iter_work(list(paths))
             if not skip_unchanged or stored.why_read(item.iri, item.content_hash) is not None)
    cluster = DaskArticles(store, scheduler, shard_dir)
    try:
        cluster.map_and_resolve(items, current_resolver(store))
    finally:
        cluster.close()
    cluster.write_identity_shard()
    write_readers(cluster.shard_dir, cluster.partitions)
    return cluster.shard_dir, cluster.partitions


#: In a folder of shards: which reader fingerprint read each document (``IRI<TAB>fingerprint``),
#: so that ``kg load-shards`` records them and the next build does not read them all again.
READERS_FILE = "readers.tsv"


def write_readers(shard_dir: str | Path, partitions: list[MappedPartition]) -> Path:
    """Write :data:`READERS_FILE` for the processed documents of ``partitions``."""
    rows = sorted(f"{r.item.iri}\t{r.reader}\n" for p in partitions for r in p.results
                  if r.status == "processed" and r.reader)
    path = Path(shard_dir) / READERS_FILE
    path.write_text("".join(rows), encoding="utf-8")
    return path


def read_readers(shard_dir: str | Path) -> dict[str, str]:
    """Document IRI -> reader fingerprint, from a folder's :data:`READERS_FILE` (empty without one).

    >>> folder = Path(tempfile.mkdtemp())
    >>> item = WorkItem("data/x.md", "sha256:ab")
    >>> _ = write_readers(folder, [MappedPartition(0, [ItemResult(item, "processed", reader="sha256:cd")])])
    >>> read_readers(folder) == {item.iri: "sha256:cd"}
    True
    """
    path = Path(shard_dir) / READERS_FILE
    if not path.is_file():
        return {}
    return dict(line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
