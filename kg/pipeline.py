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
from pathlib import Path
from typing import TypeVar

from kg.process import ItemResult, WorkItem, _init_worker, process_item
from kg.readers import document_kind, iter_source_files
from kg.readers.dump import DumpStats, is_dump_path, iter_dump_pages
from kg.readers.wikitext import has_conflict_infobox

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
            for page in iter_dump_pages(path):
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
                    extra = tuple((k, str(v)) for k, v in (("dump", str(path)), ("page_id", page.page_id),
                                                           ("revision_id", page.revision_id),
                                                           ("revision_timestamp", page.timestamp)) if v is not None)
                    yield WorkItem(f"{path}::{page.title}",
                                   "sha256:" + hashlib.sha256(page.text.encode("utf-8")).hexdigest(),
                                   page.text, page.title, extra)
        else:
            try:
                digest = _file_hash(path)
            except OSError as exc:
                digest = f"unreadable:{exc}"
            yield WorkItem(str(path), digest)


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
