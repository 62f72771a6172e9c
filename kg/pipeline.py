"""The article phase of a build at scale: work items -> workers -> one writer.

* :func:`iter_work` turns the given paths into :class:`WorkItem` s lazily: one per file, one
  per page of a MediaWiki dump that passes the cheap filters (namespace 0, not a redirect,
  has a conflict infobox); skipped pages are counted in :class:`~kg.readers.dump.DumpStats`.
  The content hash is computed here, so unchanged documents are never parsed.
* :func:`process_items` reads, parses and maps items in this process (``workers=1``) or in a
  process pool, with a bounded window of items in flight (memory stays flat whatever the
  size of a dump), and yields results **in submission order**: the graph is the same for
  any number of workers.
* Workers return N-Quads bytes (pyoxigraph terms do not pickle); the writer parses them in
  Rust and bulk-loads brand-new document graphs in batches behind a recovery marker.
* :class:`LocalArticles` resolves identities before anything is written: the mapped
  documents are spooled (N-Quads in a temporary file) while their surface forms are
  collected, then :func:`kg.resolution.resolve` runs once over them and the store's other
  documents, and the writer gets each document already renamed to its canonical IRIs
  (the Dask path, :class:`kg.distributed.DaskArticles`, does the same on a cluster).
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph

import kg.process
from kg.document import ReadWarning
from kg.process import ItemResult, WorkItem, _init_worker, process_item
from kg.readers import document_kind, iter_source_files
from kg.readers.dump import DumpStats, is_dump_path, iter_dump_revisions
from kg.readers.wikitext import has_conflict_infobox
from kg.resolution import load_aliases, load_surfaces, rename_quads, renames_for, resolve, surfaces_from_quads
from kg.surface_index import IncrementalIdentity

if TYPE_CHECKING:
    from kg.resolution import Resolution, Surface
    from kg.store import KGStore

_T = TypeVar("_T")


def batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """Consecutive lists of ``size`` items (the last may be shorter); lazy, so a stream of
    documents or quads is never held whole (``itertools.batched`` needs Python 3.12).

    >>> list(batched(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

#: Items in flight per worker: enough to keep workers busy, small enough to bound memory.
WINDOW_PER_WORKER = 8


def _file_hash(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def iter_work(paths: Iterable[str | Path], dump_stats: dict[str, object] | None = None) -> Iterator[WorkItem]:
    """Work items for the non-news files under ``paths`` (dumps expanded page by page)."""
    for path in iter_source_files(list(paths)):
        if document_kind(path) == "news":
            continue
        if is_dump_path(path):
            stats = DumpStats()
            if dump_stats is not None:
                dump_stats[str(path)] = stats
            for page in iter_dump_revisions(path):  # each revision of a page: a dated document
                stats.pages_seen += 1
                if page.ns != 0:
                    stats.skip("namespace")
                elif page.redirect is not None or page.text.lstrip()[:9].upper() == "#REDIRECT":
                    stats.skip("redirect")
                elif not page.text.strip():
                    stats.skip("empty")
                elif not has_conflict_infobox(page.text):
                    stats.skip("no-conflict-infobox")
                else:
                    stats.yielded += 1
                    yield WorkItem(page.document_path(path),
                                   "sha256:" + hashlib.sha256(page.text.encode("utf-8")).hexdigest(),
                                   page.text, page.title, tuple(page.extra(path).items()))
        else:
            try:
                digest = _file_hash(path)
            except OSError as exc:
                digest = f"unreadable:{exc}"
            yield WorkItem(str(path), digest)


@dataclass(frozen=True)
class StoredDocuments:
    """What a store holds of its documents, for deciding which files a build reads: their
    content hashes and the reader fingerprints they were read with, each fetched in one
    query (:meth:`~kg.store.KGStore.document_hashes`, :meth:`~kg.store.KGStore.document_readers`),
    and the current reader's (:func:`kg.process.reader_fingerprint`).

    >>> stored = StoredDocuments({"d:a": "h1", "d:b": "h1", "d:c": "h1"}, {"d:a": "r1", "d:b": "r0"}, "r1")
    >>> [stored.why_read(iri, "h1") for iri in ("d:a", "d:b", "d:c", "d:new")], stored.why_read("d:a", "h2")
    ([None, 'reader', 'reader', 'new'], 'changed')
    >>> stored.other_reader
    2
    """

    hashes: dict[str, str]
    readers: dict[str, str]
    reader: str

    @classmethod
    def of(cls, store: KGStore) -> StoredDocuments:
        return cls(store.document_hashes(), store.document_readers(), kg.process.reader_fingerprint())

    def why_read(self, iri: str, content_hash: str) -> str | None:
        """None when the store holds the document as the current reader reads this content
        (a build skips it); else ``"new"``, ``"changed"`` (other content) or ``"reader"`` (the
        same content, read by other code: an upgrade, a fixed rule, or no fingerprint recorded)."""
        held = self.hashes.get(iri)
        if held is None:
            return "new"
        if held != content_hash:
            return "changed"
        return None if self.readers.get(iri) == self.reader else "reader"

    @property
    def other_reader(self) -> int:
        """Documents of the store read by another reader than the current one (or unknown)."""
        return sum(1 for iri in self.hashes if self.readers.get(iri) != self.reader)


def process_items(items: Iterable[WorkItem], resolver: dict[str, str], workers: int = 1) -> Iterator[ItemResult]:
    """Results of :func:`process_item` in the order of ``items``."""
    if workers <= 1:
        for item in items:
            yield process_item(item, resolver)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(resolver,)) as pool:
        pending: deque[Future[ItemResult]] = deque()
        iterator = iter(items)
        window = workers * WINDOW_PER_WORKER
        for item in iterator:
            pending.append(pool.submit(process_item, item))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            for item in iterator:
                pending.append(pool.submit(process_item, item))
                break
            yield result


def default_workers() -> int:
    """``$KG_WORKERS``, else 1 (a pool only pays off for hundreds of documents)."""
    return max(1, int(os.environ.get("KG_WORKERS", "1")))


@dataclass
class LoadedResult:
    """A processed item whose quads are already parsed (from a spool or a shard); duck-types
    :class:`ItemResult` for the builder's writer."""

    item: Any  # a WorkItem, or a shard's document (path, iri)
    status: str
    data: list[pyoxigraph.Quad]
    title: str | None = None
    reason: str | None = None
    code: str | None = None
    warnings: list[ReadWarning] = field(default_factory=list)
    reader: str | None = None  # the reader fingerprint it was read with (None: not known)

    def quads(self) -> list[pyoxigraph.Quad]:
        return self.data


class LocalArticles:
    """The article phase of a local build with identities resolved before writing.

    :meth:`map_and_resolve` reads, parses and maps the items (:func:`process_items`, ``workers``
    processes), spools each document's N-Quads to a temporary file and collects its surface
    forms; then resolves identities once over those and the surfaces of the store's other
    documents. :meth:`results` yields the items in input order, each processed document's
    quads renamed to its canonical IRIs, so nothing written has to be renamed afterwards
    (older documents of the store still are, when a new article merges their names).
    :meth:`identity_inputs` hands the surfaces and the resolution to
    :func:`kg.resolution.refresh_identity`, which then computes neither again.

    >>> from kg.store import open_store
    >>> store = open_store(in_memory=True)
    >>> run = LocalArticles(store)
    >>> run.map_and_resolve(iter_work(["data/wikipedia/syria/battle_of_hosn.md"]), {})
    >>> [r.status for r in run.results()], run.renamed_documents  # written already renamed
    (['processed'], 1)
    """

    def __init__(self, store: KGStore, workers: int = 1) -> None:
        self.store = store
        self.workers = workers
        self.resolution: Resolution | None = None
        self.surfaces: list[Surface] = []
        self.split: set[str] = set()
        self.renames: dict[str, dict[str, str]] = {}
        #: Identities resolved over what the new documents touch only (a valid surface index).
        self.incremental: IncrementalIdentity | None = None
        self._spool: Any = None
        self._entries: list[tuple[ItemResult, int, int]] = []

    @property
    def renamed_documents(self) -> int:
        """New documents whose quads the resolution renames before they are written."""
        return len(self.renames)

    def map_and_resolve(self, items: Iterable[WorkItem], resolver: dict[str, str],
                        aliases: dict[str, str] | None = None) -> None:
        # lives across map_and_resolve() and results(); closed by close()
        self._spool = tempfile.TemporaryFile(prefix="kg-spool-")  # noqa: SIM115
        new_surfaces: list[Surface] = []
        for result in process_items(items, resolver, self.workers):
            if result.status != "processed":
                self._entries.append((result, 0, 0))
                continue
            new_surfaces.extend(surfaces_from_quads(result.quads()))
            offset = self._spool.tell()
            self._spool.write(result.nquads)
            self._entries.append((replace(result, nquads=b""), offset, len(result.nquads)))
        replaced = {r.item.iri for r, _, _ in self._entries if r.status == "processed"}
        if not replaced:
            return
        aliases = load_aliases() if aliases is None else aliases
        self.incremental = IncrementalIdentity.prepare(self.store, new_surfaces, replaced, aliases)
        if self.incremental is not None:
            self.resolution = self.incremental.resolution
            self.renames = self.incremental.new_renames
            return
        kept = [s for s in load_surfaces(self.store) if s.graph not in replaced]
        self.resolution = resolve(kept + new_surfaces, aliases)
        canonical = self.resolution.canonical
        self.renames, self.split = renames_for(new_surfaces, canonical)
        # the store's surfaces once these documents are in: what refresh_identity would read
        self.surfaces = kept + [s if s.graph in self.split else replace(s, resolved=canonical[s.key])
                                for s in new_surfaces]

    def results(self) -> Iterator[ItemResult | LoadedResult]:
        """One result per item, in input order; processed ones carry their renamed quads."""
        for result, offset, length in self._entries:
            if result.status != "processed":
                yield result
                continue
            self._spool.seek(offset)
            quads = pyoxigraph.parse(self._spool.read(length), format=pyoxigraph.RdfFormat.N_QUADS)
            rename = self.renames.get(result.item.iri)
            data = list(rename_quads(quads, {result.item.iri: rename}) if rename else quads)
            yield LoadedResult(result.item, "processed", data, result.title, warnings=result.warnings,
                               reader=result.reader)

    def identity_inputs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`kg.surface_index.refresh_identity_indexed` after the write."""
        if self.incremental is not None:
            return {"incremental": self.incremental}
        return {"surfaces": self.surfaces, "resolution": self.resolution} if self.resolution is not None else {}

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None
