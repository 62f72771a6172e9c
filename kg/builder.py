"""The build: source files -> documents -> records -> quads -> the store.

Each document is read, parsed and mapped on its own (:func:`process_file`, a pure function
of the file, so that worker processes can run it), then its named graph is replaced in one
transaction. A document that fails is reported with its file and reason and never stops the
others; what the store already holds for it stays untouched. After the documents, the
derived graph (compatibility view, ``alliedWith``/``opposed``) is recomputed.

Ingestion times live in a graph of their own (:data:`BUILD_LOG_GRAPH`), outside the
document graphs, so that exports of the same input stay byte-identical across builds; so do
the fingerprints of the reader each document was read with and of the linker each news
document was linked with. A file is skipped only when the store holds its content read by
the current reader (:func:`kg.process.reader_fingerprint`): after an upgrade or a fixed
parsing rule, unchanged files are read again once.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph
from pyoxigraph import Literal, NamedNode, Quad

import kg.process
from kg._version import __version__
from kg.distributed import DaskArticles, _LoadedResult, read_readers, read_shard
from kg.document import Document, ReadWarning, content_hash
from kg.identity import document_iri
from kg.linking import Linker, link_news
from kg.pipeline import LocalArticles, StoredDocuments, default_workers, iter_work
from kg.process import ProcessedDocument as ProcessedDocument  # re-exported: moved to kg.process
from kg.process import map_quads as map_quads  # re-exported: moved to kg.process
from kg.process import process_file as process_file  # re-exported: moved to kg.process
from kg.rdf import terms as T
from kg.rdf.mapping import map_document
from kg.rdf.rules import DERIVED_GRAPH
from kg.rdf.rules import derive as derive_quads
from kg.rdf.rules import rederive
from kg.readers import DocumentError, document_kind, iter_source_files, read_document
from kg.resolution import current_resolver
from kg.surface_index import invalidate as invalidate_surface_index
from kg.surface_index import refresh_identity_indexed as refresh_identity
from kg.sparql import select
from kg.view import VIEW_GRAPH, refresh_view

if TYPE_CHECKING:
    from kg.store import KGStore

BUILD_LOG_GRAPH = T.BUILD_LOG_GRAPH.value
#: Build-log predicate: the reader fingerprint (:func:`kg.process.reader_fingerprint`) a
#: document was last read with; a build reads a file again when it differs.
READER_FINGERPRINT = T.readerFingerprint
PROV_GENERATED = NamedNode(T.PROV + "generatedAtTime")
XSD_DATETIME = NamedNode(T.XSD + "dateTime")


@dataclass
class DocumentOutcome:
    """What happened to one source file in a build."""

    path: str
    iri: str
    status: str  # stored | unchanged | quarantined (bad input) | failed (internal error)
    reason: str | None = None
    code: str | None = None  # stable short reason: yaml-alias, too-large, encoding, internal …
    title: str | None = None
    triples: int = 0
    warnings: list[ReadWarning] = field(default_factory=list)


@dataclass
class BuildReport:
    outcomes: list[DocumentOutcome] = field(default_factory=list)
    seconds: float = 0.0
    derived_triples: int = 0
    identity: Any = None
    dump_stats: dict[str, Any] = field(default_factory=dict)
    #: News documents outside this build's paths whose links were redone (identities changed).
    relinked: list[str] = field(default_factory=list)
    #: News documents whose links could not be redone (source file gone or changed): path -> why.
    not_relinked: dict[str, str] = field(default_factory=dict)
    #: Documents whose files are unchanged but were read again: the store holds them as read
    #: by another reader (an upgrade, a fixed parsing rule) or by one it did not record.
    reread: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[DocumentOutcome]:
        """Documents not stored: quarantined input and internal errors."""
        return [o for o in self.outcomes if o.status in ("failed", "quarantined")]

    @property
    def warnings_by_kind(self) -> Counter[str]:
        return Counter(w.kind for o in self.outcomes for w in o.warnings)

    @property
    def triples(self) -> int:
        return sum(o.triples for o in self.outcomes)

    def summary(self) -> str:
        """A small table for people (the CLI prints it on stderr)."""
        lines = [
            f"{'documents read':<24}{len(self.outcomes):>8}",
            f"{'stored':<24}{self.count('stored'):>8}",
            f"{'unchanged (skipped)':<24}{self.count('unchanged'):>8}",
            f"{'quarantined (bad input)':<24}{self.count('quarantined'):>8}",
            f"{'failed (internal error)':<24}{self.count('failed'):>8}",
            f"{'skipped (no infobox)':<24}{self.count('skipped'):>8}",
            f"{'triples written':<24}{self.triples:>8}",
            f"{'derived triples':<24}{self.derived_triples:>8}",
            f"{'seconds':<24}{self.seconds:>8.2f}",
        ]
        if self.reread:
            lines.append(f"{'re-read (reader changed)':<24}{len(self.reread):>8}")
        if self.relinked:
            lines.append(f"{'news relinked':<24}{len(self.relinked):>8}")
        for dump, stats in sorted(self.dump_stats.items()):
            lines.append(f"dump {Path(dump).name}: {stats}")
        kinds = self.warnings_by_kind
        if kinds:
            lines.append("warnings by kind:")
            lines.extend(f"  {kind:<22}{n:>8}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        for outcome in self.failed:
            lines.append(f"{outcome.status.upper()} [{outcome.code}] {outcome.reason}")
        for iri, why in sorted(self.not_relinked.items()):
            lines.append(f"NOT RELINKED {iri}: {why}")
        return "\n".join(lines)


def ingestion_time() -> str:
    """Now (UTC), or ``$SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (_dt.datetime.fromtimestamp(int(epoch), _dt.UTC) if epoch
              else _dt.datetime.now(_dt.UTC).replace(microsecond=0))
    return moment.isoformat().replace("+00:00", "Z")


def build(
    store: KGStore,
    paths: Iterable[str | Path],
    *,
    progress: bool | None = None,
    skip_unchanged: bool = True,
    derive: bool = True,
    on_outcome: Callable[[DocumentOutcome], None] | None = None,
    workers: int | None = None,
    batch_quads: int = 200_000,
    scheduler: Any = None,
    shards: str | Path | None = None,
) -> BuildReport:
    """Build every readable file under ``paths`` into ``store``.

    Articles (files and dump pages) are read, parsed and mapped by ``workers`` processes
    (default ``$KG_WORKERS`` or 1), their identities resolved, and written by this one:
    new document graphs in bulk loads of about ``batch_quads`` quads, each behind a recovery
    marker (a killed build leaves every document absent or complete).
    With ``scheduler`` (a Dask scheduler address or ``distributed.Client``) they are read,
    parsed, mapped and resolved on that cluster instead, through N-Quads shards in
    ``shards`` (:mod:`kg.distributed`); the graph is the same.

    >>> import kg.store
    >>> store = kg.store.open_store(in_memory=True)
    >>> report = build(store, ["data/wikipedia/syria/battle_of_hosn.md"], progress=False)
    >>> report.count("stored"), report.count("failed")
    (1, 0)
    """
    started = time.perf_counter()
    report = BuildReport()
    paths = list(paths)
    news = [f for f in iter_source_files(paths) if document_kind(f) == "news"]
    stamp = ingestion_time()
    resolver = current_resolver(store)
    stored = StoredDocuments.of(store)
    if skip_unchanged and stored.other_reader:
        _say(progress, f"{stored.other_reader} stored document(s) were read by another reader than this one "
                       f"(conflict-kg {__version__}, reader {stored.reader[7:19]}) or before readers were "
                       "recorded: those in these paths are read again, their files unchanged or not")
    stale_before = is_stale(store)  # an earlier build stopped half-way: redo the whole view
    writer = _BatchWriter(store, stamp, batch_quads)

    def todo() -> Iterator[Any]:
        for item in iter_work(paths, report.dump_stats):
            why = stored.why_read(item.iri, item.content_hash) if skip_unchanged else "forced"
            if why is None:
                report.outcomes.append(DocumentOutcome(item.path, item.iri, "unchanged"))
                continue
            if why == "reader":
                report.reread.append(item.iri)
            yield item

    # Identities are resolved before anything is written (new documents go in renamed to
    # their canonical IRIs), on a Dask cluster or in the local process pool.
    articles: DaskArticles | LocalArticles
    if scheduler is not None:
        articles = DaskArticles(store, scheduler, shards)
        try:
            articles.map_and_resolve(todo(), resolver)
        finally:
            articles.close()
    else:
        articles = LocalArticles(store, workers or default_workers())
        articles.map_and_resolve(_progress(todo(), progress, "mapping"), resolver)
    try:
        for result in _progress(articles.results(), progress, "writing"):
            outcome = writer.write(result)
            report.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        writer.flush()
    finally:
        if isinstance(articles, LocalArticles):
            articles.close()
    identity_inputs = articles.identity_inputs()
    # A build killed between storing documents and refreshing identities leaves the marker
    # behind, so the next build refreshes even when every document is unchanged.
    articles_changed = report.count("stored") > 0 or is_stale(store)
    scope = (_DeriveScope.of(store, report, writer, stale_before, snapshot="incremental" not in identity_inputs)
             if derive and articles_changed else None)
    if articles_changed:
        report.identity = refresh_identity(store, **identity_inputs)
        if report.identity.reprocessed_documents:
            scope = None  # a document re-read after a split: derive everything
    if news or articles_changed or _unfingerprinted_news(store):
        _build_news(store, news, report, skip_unchanged, stamp, progress, on_outcome)
    if derive and (report.count("stored") or is_stale(store)):
        # the view first: the rules read the union of all graphs, the view included, and a
        # view still naming entities that identity resolution just renamed would feed them
        # a first view (a fresh store) is built whole and bulk-loaded: the incremental diff
        # of every conflict holds old and new quads in sets (9 GB at 25,000 articles)
        first_view = not store.raw.contains_named_graph(VIEW_GRAPH)
        refresh_view(store, documents=None if stale_before or first_view else _changed_documents(report))
        if scope is not None and not any(o.status == "stored" and document_kind(o.path) == "news"
                                         for o in report.outcomes):
            scope.after_identity(store, report.identity.changed_entities if report.identity else None)
            report.derived_triples = scope.rederive(store)
        else:
            report.derived_triples = refresh_derived(store)
    if derive or not report.count("stored"):
        # without derive the derived graph misses this build's documents: the store stays
        # stale, so that the next build derives everything (not only what it touches)
        mark_stale(store, False)
    store.flush()
    report.seconds = time.perf_counter() - started
    return report


class _BatchWriter:
    """The one writer: new document graphs go in batches, bulk loaded behind a recovery
    marker (:meth:`kg.store.KGStore.add_graphs_bulk`); a graph that already exists is
    replaced on its own (one transaction, old facts removed)."""

    def __init__(self, store: KGStore, stamp: str, batch_quads: int) -> None:
        self.store = store
        self.stamp = stamp
        self.batch_quads = batch_quads
        self.existing = set(store.graphs())
        self.pending: list[Quad] = []
        self.pending_graphs: list[str] = []
        self.replaced = 0
        self.marked = False
        self.unflushed = 0

    def write(self, result: Any) -> DocumentOutcome:
        item = result.item
        if result.status != "processed":
            status = "skipped" if result.status == "skipped" else result.status
            return DocumentOutcome(item.path, item.iri, status, reason=result.reason, title=result.title,
                                   code=result.code)
        quads = result.quads()
        if not self.marked:
            mark_stale(self.store, True)
            self.marked = True
        if item.iri in self.existing:
            self.replaced += 1
            self.flush()
            self.store.replace_graph(item.iri, quads)
            record_ingestion(self.store, item.iri, self.stamp, result.reader)
            self.unflushed += len(quads)
        else:
            self.existing.add(item.iri)
            self.pending_graphs.append(item.iri)
            self.pending.extend(quads)
            self.pending.extend(_log_quads(item.iri, self.stamp, result.reader))
            if len(self.pending) >= self.batch_quads:
                self.flush()
        return DocumentOutcome(item.path, item.iri, "stored", title=result.title, triples=len(quads),
                               warnings=result.warnings)

    #: Quads replaced (transactions) between two flushes of the store to disk. RocksDB keeps
    #: written data in memtables until flushed: without this a 2M-quad build peaked at 1.6 GB
    #: RSS, with it at 0.45 GB. (Bulk loads write their own files: no memtable.)
    FLUSH_EVERY = 250_000

    def flush(self) -> None:
        if self.pending:
            # new graphs only: bulk loaded behind the store's recovery marker (each document
            # absent or complete after a kill -9, see KGStore.add_graphs_bulk)
            self.store.add_graphs_bulk(self.pending, self.pending_graphs)
            self.pending = []
            self.pending_graphs = []
        if self.unflushed >= self.FLUSH_EVERY:
            self.store.flush()
            self.unflushed = 0


def _build_news(store: KGStore, files: list[Path], report: BuildReport, skip_unchanged: bool, stamp: str,
                progress: bool | None, on_outcome: Callable[[DocumentOutcome], None] | None) -> None:
    """News after the articles: linking needs the entities they introduce.

    Each news graph records (in the build log) the fingerprint of the linker it was linked
    with (:meth:`kg.linking.Linker.fingerprint`). A news file of this build is skipped only
    when both its content and that fingerprint are unchanged; every other news document of
    the store whose fingerprint differs is relinked from its source file (:func:`relink_news`),
    so that the graph does not depend on the order in which articles and news were built."""
    if not files and not _news_in_store(store):
        return
    linker = Linker.from_store(store)
    fingerprint = linker.fingerprint()
    stored = StoredDocuments.of(store)
    done: set[str] = set()
    for path in _progress(files, progress, "news"):
        iri = document_iri(str(path))
        done.add(iri)
        try:
            doc = read_document(path)
            why = stored.why_read(iri, doc.content_hash)
            same = why in (None, "reader")              # the content the store holds
            if skip_unchanged and why == "reader":
                report.reread.append(iri)  # read by other code: linked again, stored if it changed
            if skip_unchanged and why is None and linked_with(store, iri) == fingerprint:
                outcome = DocumentOutcome(str(path), iri, "unchanged", title=doc.title, warnings=doc.warnings)
            else:
                quads = _link_quads(doc, linker)
                if skip_unchanged and same and _holds(store, iri, quads):
                    outcome = DocumentOutcome(str(path), iri, "unchanged", title=doc.title, warnings=doc.warnings)
                else:
                    store.replace_graph(iri, quads)
                    record_ingestion(store, iri, stamp)
                    outcome = DocumentOutcome(str(path), iri, "stored", title=doc.title, triples=len(set(quads)),
                                              warnings=doc.warnings)
                _record_log(store, iri, LINKER_FINGERPRINT, fingerprint)
                _record_log(store, iri, READER_FINGERPRINT, stored.reader)
        except DocumentError as exc:
            outcome = DocumentOutcome(str(path), iri, "quarantined", str(exc), code=exc.code)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the build
            outcome = _internal_error(path, iri, exc)
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    relinked, missed = relink_news(store, stamp, linker=linker, skip=done)
    report.relinked += relinked
    report.not_relinked.update(missed)


#: Build-log predicate: the linker fingerprint a news document was last linked with.
LINKER_FINGERPRINT = NamedNode(T.CKG + "linkerFingerprint")


def _link_quads(doc: Document, linker: Any) -> list[Quad]:
    mentions, about = link_news(doc, linker)
    return map_document(doc, None, mentions, about)


def _holds(store: KGStore, iri: str, quads: list[Quad]) -> bool:
    """Whether the store's graph ``iri`` holds exactly ``quads`` already.

    ``quads`` are compared as the store would hold them: it reads literals back in their
    canonical form (the mapper's ``"1.0"^^xsd:decimal`` comes back ``"1"``), so a plain set
    comparison with freshly mapped quads never matches and every relinked news document
    would be stored again though nothing changed.

    >>> from kg.store import open_store
    >>> store, one = open_store(in_memory=True), NamedNode("https://example.org/d")
    >>> quad = Quad(one, NamedNode("https://example.org/p"), Literal("1.0", datatype=NamedNode(T.XSD + "decimal")), one)
    >>> store.add_quads([quad])
    >>> _holds(store, one.value, [quad])
    True
    """
    scratch = pyoxigraph.Store()  # in memory: the same normalisation as the store's
    scratch.extend(quads)
    return set(store.quads(iri)) == set(scratch)


def linked_with(store: KGStore, iri: str) -> str | None:
    """The linker fingerprint a news document was last linked with (None: never recorded)."""
    rows = select(store, f"SELECT ?f WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{iri}> <{LINKER_FINGERPRINT.value}> ?f }} }}")
    return str(rows[0]["f"]) if rows else None


def _record_log(store: KGStore, iri: str, predicate: NamedNode, value: str) -> None:
    """Set the build log's ``predicate`` of document ``iri`` (a fingerprint) to ``value``."""
    store.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{iri}> <{predicate.value}> ?f }} }}")
    store.add_quads([Quad(NamedNode(iri), predicate, Literal(value), NamedNode(BUILD_LOG_GRAPH))])


def _news_in_store(store: KGStore) -> list[dict[str, Any]]:
    """Every news document of the store: its IRI, source path, content hash and the
    fingerprint it was linked with (None when not recorded)."""
    return select(store, f"""SELECT ?d ?path ?hash ?f WHERE {{
        GRAPH ?d {{ ?d ckg:documentKind "news" ; ckg:sourcePath ?path ; ckg:contentHash ?hash }}
        OPTIONAL {{ GRAPH <{BUILD_LOG_GRAPH}> {{ ?d <{LINKER_FINGERPRINT.value}> ?f }} }} }} ORDER BY ?d""")


def _unfingerprinted_news(store: KGStore) -> bool:
    """Whether some news document has no recorded linker fingerprint (a build stopped while
    linking news, or a store built before fingerprints were recorded)."""
    return bool(store.query(f"""ASK {{ GRAPH ?d {{ ?d <{T.documentKind.value}> "news" }}
        FILTER NOT EXISTS {{ GRAPH <{BUILD_LOG_GRAPH}> {{ ?d <{LINKER_FINGERPRINT.value}> ?f }} }} }}"""))


def relink_news(store: KGStore, stamp: str | None = None, *, linker: Any = None,
                skip: Iterable[str] = ()) -> tuple[list[str], dict[str, str]]:
    """Redo the links of every news document of the store linked with another linker than
    the current one (identities changed: new articles, merges, removals). Each is re-read
    from its recorded source path; a graph is rewritten only when its quads change.

    A news document whose source file is gone or changed cannot be relinked: its mentions
    are renamed to the current canonical IRIs (so none dangles after a merge) and it is
    returned in the second value, IRI -> why. Returns (relinked IRIs, not relinked).

    >>> import kg.store
    >>> relink_news(kg.store.open_store(in_memory=True))
    ([], {})
    """
    news = [row for row in _news_in_store(store) if row["d"] not in set(skip)]
    if not news:
        return [], {}
    linker = linker if linker is not None else Linker.from_store(store)
    fingerprint, reader = linker.fingerprint(), kg.process.reader_fingerprint()
    stamp = stamp or ingestion_time()
    relinked: list[str] = []
    missed: dict[str, str] = {}
    for row in news:
        iri, path = row["d"], Path(row["path"])
        if row["f"] == fingerprint:
            continue
        try:
            if not path.is_file():
                missed[iri] = f"{path}: source file gone"
                continue
            if content_hash(path.read_bytes()) != row["hash"]:
                missed[iri] = f"{path}: source file changed since it was built (build it again)"
                continue
            quads = _link_quads(read_document(path), linker)
        except (DocumentError, OSError) as exc:
            missed[iri] = str(exc)
            continue
        if not _holds(store, iri, quads):
            store.replace_graph(iri, quads)
            record_ingestion(store, iri, stamp)
            relinked.append(iri)
        _record_log(store, iri, LINKER_FINGERPRINT, fingerprint)
        _record_log(store, iri, READER_FINGERPRINT, reader)  # read again from its file just now
    if missed:
        # The next best thing: mentions follow merges, so that none points at a retired IRI.
        resolver = current_resolver(store)
        store.rename_terms({iri: resolver for iri in missed})
    return relinked, missed


def _internal_error(path: Path, iri: str, exc: Exception) -> DocumentOutcome:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return DocumentOutcome(str(path), iri, "failed",
                           f"{path}: internal error {type(exc).__name__}: {exc} "
                           f"(at {Path(where.filename).name}:{where.lineno}); please report it", code="internal")


STALE = NamedNode(T.CKG + "derivedGraphsStale")


def is_stale(store: KGStore) -> bool:
    """True when documents changed since identities and derived graphs were last computed."""
    return bool(store.query(f"ASK {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{BUILD_LOG_GRAPH}> <{STALE.value}> true }} }}"))


def mark_stale(store: KGStore, stale: bool) -> None:
    if stale:
        invalidate_surface_index(store)  # documents are about to change: the index no longer holds
        store.add_quads([Quad(NamedNode(BUILD_LOG_GRAPH), STALE, Literal("true", datatype=NamedNode(T.XSD + "boolean")),
                              NamedNode(BUILD_LOG_GRAPH))])
    else:
        store.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{BUILD_LOG_GRAPH}> <{STALE.value}> ?x }} }}")


def record_ingestion(store: KGStore, iri: str, stamp: str, reader: str | None = None) -> None:
    """Note in the build log graph when the document was (re)ingested, and the reader
    fingerprint it was read with (None: not known; the next build reads its file again)."""
    store.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{iri}> ?p ?o }} }}")
    store.add_quads(_log_quads(iri, stamp, reader))


def _log_quads(iri: str, stamp: str, reader: str | None) -> list[Quad]:
    """The build log of a document just written: when, and with which reader.

    >>> [q.predicate.value.split("#")[-1] for q in _log_quads("https://example.org/d", "2024-01-01T00:00:00Z", "sha256:ab")]
    ['generatedAtTime', 'readerFingerprint']
    """
    log = NamedNode(BUILD_LOG_GRAPH)
    quads = [Quad(NamedNode(iri), PROV_GENERATED, Literal(stamp, datatype=XSD_DATETIME), log)]
    if reader is not None:
        quads.append(Quad(NamedNode(iri), READER_FINGERPRINT, Literal(reader), log))
    return quads


def _say(progress: bool | None, message: str) -> None:
    """A line on stderr, shown where progress bars are (a terminal, or ``--progress``)."""
    if progress if progress is not None else sys.stderr.isatty():
        print(f"kg build: {message}", file=sys.stderr)


#: Incremental derivation pays off for a few new articles; beyond this share of the
#: store's documents (or this many IRIs to rederive) the rules run over the whole store.
INCREMENTAL_SHARE = 0.1
INCREMENTAL_MAX_IRIS = 20_000


@dataclass
class _DeriveScope:
    """What a build changed, for :func:`kg.rdf.rules.rederive`: the IRIs of its new article
    graphs and of the entities whose identity-graph facts changed (old and new canonical
    IRIs of a merge among them), and the conflicts whose parties those are (their
    ``dbo:combatant`` is a label). Only for builds that add new articles to a store that has
    a derived graph; anything else (a replaced or removed document, a stored news document,
    a build killed before) derives everything."""

    new_graphs: list[str]
    identity_before: set[Quad] | None  # None: the identity refresh reports what it changed
    iris: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, store: KGStore, report: BuildReport, writer: _BatchWriter, stale_before: bool,
           snapshot: bool = True) -> _DeriveScope | None:
        stored = [o.iri for o in report.outcomes if o.status == "stored"]
        documents = sum(1 for g in writer.existing if g.startswith(T.DOCUMENT))
        if (stale_before or writer.replaced or not stored or len(stored) > INCREMENTAL_SHARE * documents
                or not store.count(DERIVED_GRAPH.value)):
            return None
        return cls(stored, set(store.quads(T.IDENTITY_GRAPH.value)) if snapshot else None)

    def after_identity(self, store: KGStore, changed_entities: set[str] | None = None) -> None:
        for graph in self.new_graphs:
            for quad in store.quads(graph):
                self.iris.update(t.value for t in (quad.subject, quad.object) if isinstance(t, NamedNode))
        if self.identity_before is None and changed_entities is not None:
            entities = set(changed_entities)
        else:
            before = self.identity_before if self.identity_before is not None else set()
            changed = before ^ set(store.quads(T.IDENTITY_GRAPH.value))
            entities = {q.subject.value for q in changed if isinstance(q.subject, NamedNode)}
        self.iris |= entities
        if entities:
            rows = select(store, "SELECT DISTINCT ?c WHERE { VALUES ?p { %s } ?c ckg:side/ckg:participation/ckg:party ?p }"
                          % " ".join(f"<{iri}>" for iri in sorted(entities)))
            self.iris.update(row["c"] for row in rows)

    def rederive(self, store: KGStore) -> int:
        if len(self.iris) > INCREMENTAL_MAX_IRIS:
            return refresh_derived(store)
        rederive(store.raw, self.iris)
        return store.count(DERIVED_GRAPH.value)


def _changed_documents(report: BuildReport) -> list[str]:
    """Documents stored by a build, or rewritten by its identity refresh."""
    identity = report.identity
    rewritten = [*identity.rewritten_documents, *identity.reprocessed_documents] if identity is not None else []
    return [o.iri for o in report.outcomes if o.status == "stored"] + rewritten


def refresh_derived(store: KGStore) -> int:
    """Recompute the derived graph (compatibility view and party relations)."""
    quads = derive_quads(store.raw)
    store.replace_graph(DERIVED_GRAPH.value, quads)
    return len(quads)


_T = TypeVar("_T")


def _progress(files: Iterable[_T], enabled: bool | None, label: str = "building") -> Iterable[_T]:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled or not files:
        return files
    from tqdm import tqdm

    return tqdm(files, desc=label, unit="doc", file=sys.stderr)


@dataclass(frozen=True)
class _ShardItem:
    path: str
    iri: str


def load_shards(store: KGStore, shard_dir: str | Path, *, derive: bool = True) -> Any:
    """``kg load-shards DIR``: load the document graphs of a folder of shards through the
    builder's writer (each document absent or complete), then refresh identities, relink
    news and derive, as a build does. ``identity.nq`` is not read: it is recomputed.
    Returns the :class:`BuildReport`."""
    started = time.perf_counter()
    report = BuildReport()
    stamp = ingestion_time()
    writer = _BatchWriter(store, stamp, 50_000)  # the one writer, on purpose
    shards = sorted(Path(shard_dir).glob("part-*.nq"))
    if not shards:
        raise FileNotFoundError(f"{shard_dir}: no part-*.nq shards")
    readers = read_readers(shard_dir)  # none recorded (an older folder): the next build reads them again
    for shard in shards:
        for graph, quads in sorted(read_shard(shard).items()):
            paths = [q.object.value for q in quads if q.predicate == T.sourcePath
                     and q.subject == NamedNode(graph) and isinstance(q.object, Literal)]
            item = _ShardItem(paths[0] if paths else graph, graph)
            report.outcomes.append(writer.write(_LoadedResult(item, "processed", quads, reader=readers.get(graph))))
    writer.flush()
    report.identity = refresh_identity(store)
    _build_news(store, [], report, True, stamp, False, None)  # relink older news
    if derive:
        report.derived_triples = refresh_derived(store)
    mark_stale(store, False)
    store.flush()
    report.seconds = time.perf_counter() - started
    return report


def remove(store: KGStore, paths: Iterable[str | Path], *, derive: bool = True) -> list[str]:
    """Remove the documents of these files (or document IRIs) and every entity only they
    introduced; identities and the derived graph are recomputed. Returns the removed IRIs.

    >>> import kg.store
    >>> store = kg.store.open_store(in_memory=True)
    >>> _ = build(store, ["data/wikipedia/syria/battle_of_hosn.md"], progress=False)
    >>> remove(store, ["data/wikipedia/syria/battle_of_hosn.md"]), store.count() == 0
    (['https://w3id.org/conflict-kg/document/syria/battle_of_hosn.md'], True)
    """
    present = set(store.graphs())
    removed: list[str] = []
    mark_stale(store, True)
    for path in paths:
        text = str(path)
        iri = text if text.startswith(("http://", "https://")) else document_iri(text)
        if iri not in present:
            raise KeyError(f"{path}: no such document in the store")
        store.remove_graph(iri)
        store.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{iri}> ?p ?o }} }}")
        removed.append(iri)
    remaining = [g for g in store.graphs() if g.startswith(T.DOCUMENT)]
    if remaining:
        identity = refresh_identity(store)
        relink_news(store)  # an entity the removed articles named may be gone, or renamed
        if derive:
            # the view first (see build); the removed documents' conflicts are found stale
            refresh_view(store, documents=[*identity.rewritten_documents, *identity.reprocessed_documents])
            refresh_derived(store)
        mark_stale(store, False)
    else:
        for graph in store.graphs():
            store.remove_graph(graph)
    return removed
