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
  Rust and batches brand-new document graphs into one transaction per batch.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyoxigraph

from kg.document import ReadWarning
from kg.identity import document_iri
from kg.readers import DocumentError, iter_source_files

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


@dataclass(frozen=True)
class WorkItem:
    """A file, or one page of a dump (``text`` set, ``path`` = ``dump::title``)."""

    path: str
    content_hash: str
    text: str | None = None
    title: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def iri(self) -> str:
        return document_iri(self.path)


@dataclass
class ItemResult:
    """What a worker sends back: the graph as N-Quads, or why there is none."""

    item: WorkItem
    status: str  # processed | quarantined | failed | skipped
    nquads: bytes = b""
    title: str | None = None
    reason: str | None = None
    code: str | None = None
    warnings: list[ReadWarning] = field(default_factory=list)

    def quads(self) -> list[pyoxigraph.Quad]:
        return list(pyoxigraph.parse(self.nquads, format=pyoxigraph.RdfFormat.N_QUADS)) if self.nquads else []


def _file_hash(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def iter_work(paths: Iterable[str | Path], dump_stats: dict[str, object] | None = None) -> Iterator[WorkItem]:
    """Work items for the non-news files under ``paths`` (dumps expanded page by page)."""
    from kg.readers import document_kind
    from kg.readers.dump import DumpStats, is_dump_path, iter_dump_revisions
    from kg.readers.wikitext import has_conflict_infobox

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


# --- workers -------------------------------------------------------------------------
_RESOLVER: dict[str, str] = {}


def _init_worker(resolver: dict[str, str]) -> None:
    global _RESOLVER  # noqa: PLW0603 - set once per worker process by the pool initializer
    _RESOLVER = resolver


def process_item(item: WorkItem, resolver: dict[str, str] | None = None) -> ItemResult:
    """Read, parse and map one item; never raises (errors become the result's status)."""
    from kg.builder import map_quads, process_file
    from kg.infobox import parse_conflict

    resolver = _RESOLVER if resolver is None else resolver
    try:
        if item.text is None:
            processed = process_file(item.path, resolver)
            doc, quads = processed.doc, processed.quads
        else:
            from kg.readers.wikitext import document_from_wikitext

            doc = document_from_wikitext(item.text, item.path, item.title or item.path, item.content_hash)
            doc.extra.update(dict(item.extra))
            if doc.conflict_infobox is None:
                return ItemResult(item, "skipped", title=doc.title, reason="no conflict infobox",
                                  code="no-conflict-infobox")
            quads = map_quads(doc, parse_conflict(doc), resolver)
    except DocumentError as exc:
        return ItemResult(item, "quarantined", reason=str(exc), code=exc.code)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the build
        import traceback

        where = traceback.extract_tb(exc.__traceback__)[-1]
        return ItemResult(item, "failed", code="internal",
                          reason=f"{item.path}: internal error {type(exc).__name__}: {exc} "
                                 f"(at {Path(where.filename).name}:{where.lineno}); please report it")
    data = (pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS) or b"") if quads else b""
    return ItemResult(item, "processed", data, doc.title, warnings=doc.warnings)


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
