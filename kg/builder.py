"""The build: source files -> documents -> records -> quads -> the store.

Each document is read, parsed and mapped on its own (:func:`process_file`, a pure function
of the file, so that worker processes can run it), then its named graph is replaced in one
transaction. A document that fails is reported with its file and reason and never stops the
others; what the store already holds for it stays untouched. After the documents, the
derived graph (compatibility view, ``alliedWith``/``opposed``) is recomputed.

Ingestion times live in a graph of their own (:data:`BUILD_LOG_GRAPH`), outside the
document graphs, so that exports of the same input stay byte-identical across builds.
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

from pyoxigraph import Literal, NamedNode, Quad

from kg.document import Document, Mention, ReadWarning
from kg.identity import document_iri
from kg.infobox import parse_conflict
from kg.rdf import terms as T
from kg.rdf.mapping import map_document
from kg.readers import DocumentError, document_kind, iter_source_files, read_document
from kg.view import refresh_view

if TYPE_CHECKING:
    from kg.store import KGStore

BUILD_LOG_GRAPH = T.GRAPH + "builds"
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


@dataclass
class ProcessedDocument:
    doc: Document
    quads: list[Quad]


def process_file(path: str | Path, resolver: dict[str, str] | None = None) -> ProcessedDocument:
    """Read, parse and map one file; raises :class:`DocumentError` for unreadable input.

    ``resolver`` maps surface keys to canonical IRIs (:func:`kg.resolution.current_resolver`).

    >>> processed = process_file("data/wikipedia/syria/battle_of_hosn.md")
    >>> processed.doc.title, len(processed.quads) > 50
    ('Battle of Hosn', True)
    """
    doc = read_document(path)
    record = parse_conflict(doc) if doc.kind == "wikipedia" else None
    return ProcessedDocument(doc, map_quads(doc, record, resolver))


def map_quads(doc: Document, record: Any, resolver: dict[str, str] | None) -> list[Quad]:
    """The quads of a Wikipedia-like document: infobox records plus body links as mentions."""
    mentions = [Mention(link.anchor_start, link.anchor_end, doc.body[link.anchor_start:link.anchor_end],
                        page=link.target, section=link.section)
                for link in doc.links if not link.external and link.target and link.anchor_end > link.anchor_start]
    return map_document(doc, record, mentions, resolver=resolver)


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
    batch_quads: int = 50_000,
    scheduler: Any = None,
    shards: str | Path | None = None,
) -> BuildReport:
    """Build every readable file under ``paths`` into ``store``.

    Articles (files and dump pages) are read, parsed and mapped by ``workers`` processes
    (default ``$KG_WORKERS`` or 1) and written by this one; new document graphs are
    inserted in batches of about ``batch_quads`` quads, one transaction per batch.
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
    from kg.pipeline import default_workers, iter_work, process_items
    from kg.resolution import current_resolver, refresh_identity

    resolver = current_resolver(store)
    known = store.document_hashes()
    was_stale = is_stale(store)  # an earlier build stopped half-way: redo the whole view
    writer = _BatchWriter(store, stamp, batch_quads)

    def todo() -> Iterator[Any]:
        for item in iter_work(paths, report.dump_stats):
            if skip_unchanged and known.get(item.iri) == item.content_hash:
                report.outcomes.append(DocumentOutcome(item.path, item.iri, "unchanged"))
                continue
            yield item

    identity_inputs: dict[str, Any] = {}
    if scheduler is not None:
        from kg.distributed import DaskArticles

        cluster = DaskArticles(store, scheduler, shards)
        try:
            cluster.map_and_resolve(todo(), resolver)
        finally:
            cluster.close()
        results: Iterable[Any] = cluster.results()
        identity_inputs = cluster.identity_inputs()
    else:
        results = process_items(todo(), resolver, workers or default_workers())
    for result in _progress(results, progress, "articles"):
        outcome = writer.write(result)
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    writer.flush()
    # A build killed between storing documents and refreshing identities leaves the marker
    # behind, so the next build refreshes even when every document is unchanged.
    articles_changed = report.count("stored") > 0 or is_stale(store)
    if articles_changed:
        report.identity = refresh_identity(store, **identity_inputs)
    if news or articles_changed or _unfingerprinted_news(store):
        _build_news(store, news, report, skip_unchanged, stamp, progress, on_outcome)
    if derive and (report.count("stored") or is_stale(store)):
        # the view first: the rules read the union of all graphs, the view included, and a
        # view still naming entities that identity resolution just renamed would feed them
        refresh_view(store, documents=None if was_stale else _changed_documents(report))
        report.derived_triples = refresh_derived(store)
    mark_stale(store, False)
    store.flush()
    report.seconds = time.perf_counter() - started
    return report


class _BatchWriter:
    """The one writer: new document graphs go in batches (one transaction each); a graph
    that already exists is replaced on its own (one transaction, old facts removed)."""

    def __init__(self, store: KGStore, stamp: str, batch_quads: int) -> None:
        self.store = store
        self.stamp = stamp
        self.batch_quads = batch_quads
        self.existing = set(store.graphs())
        self.pending: list[Quad] = []
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
        log = NamedNode(BUILD_LOG_GRAPH)
        if item.iri in self.existing:
            self.flush()
            self.store.replace_graph(item.iri, quads)
            record_ingestion(self.store, item.iri, self.stamp)
        else:
            self.existing.add(item.iri)
            self.pending.extend(quads)
            self.pending.append(Quad(NamedNode(item.iri), PROV_GENERATED,
                                     Literal(self.stamp, datatype=XSD_DATETIME), log))
            if len(self.pending) >= self.batch_quads:
                self.flush()
        return DocumentOutcome(item.path, item.iri, "stored", title=result.title, triples=len(quads),
                               warnings=result.warnings)

    #: Quads written between two flushes of the store to disk. RocksDB keeps written data in
    #: memtables until flushed: without this a 2M-quad build peaked at 1.6 GB RSS, with it at
    #: 0.45 GB (and ran 28% faster).
    FLUSH_EVERY = 250_000

    def flush(self) -> None:
        if self.pending:
            self.store.add_quads(self.pending)
            self.unflushed += len(self.pending)
            self.pending = []
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
    from kg.linking import Linker

    if not files and not _news_in_store(store):
        return
    linker = Linker.from_store(store)
    fingerprint = linker.fingerprint()
    done: set[str] = set()
    for path in _progress(files, progress, "news"):
        iri = document_iri(str(path))
        done.add(iri)
        try:
            doc = read_document(path)
            same = store.document_hash(iri) == doc.content_hash
            if skip_unchanged and same and linked_with(store, iri) == fingerprint:
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
                _record_fingerprint(store, iri, fingerprint)
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
    from kg.linking import link_news

    mentions, about = link_news(doc, linker)
    return map_document(doc, None, mentions, about)


def _holds(store: KGStore, iri: str, quads: list[Quad]) -> bool:
    """Whether the store's graph ``iri`` holds exactly ``quads`` already."""
    return set(store.quads(iri)) == set(quads)


def linked_with(store: KGStore, iri: str) -> str | None:
    """The linker fingerprint a news document was last linked with (None: never recorded)."""
    from kg.sparql import select

    rows = select(store, f"SELECT ?f WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{iri}> <{LINKER_FINGERPRINT.value}> ?f }} }}")
    return str(rows[0]["f"]) if rows else None


def _record_fingerprint(store: KGStore, iri: str, fingerprint: str) -> None:
    store.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{iri}> <{LINKER_FINGERPRINT.value}> ?f }} }}")
    store.add_quads([Quad(NamedNode(iri), LINKER_FINGERPRINT, Literal(fingerprint), NamedNode(BUILD_LOG_GRAPH))])


def _news_in_store(store: KGStore) -> list[dict[str, Any]]:
    """Every news document of the store: its IRI, source path, content hash and the
    fingerprint it was linked with (None when not recorded)."""
    from kg.sparql import select

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
    from kg.document import content_hash
    from kg.linking import Linker
    from kg.resolution import current_resolver

    news = [row for row in _news_in_store(store) if row["d"] not in set(skip)]
    if not news:
        return [], {}
    linker = linker if linker is not None else Linker.from_store(store)
    fingerprint = linker.fingerprint()
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
        _record_fingerprint(store, iri, fingerprint)
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
        store.add_quads([Quad(NamedNode(BUILD_LOG_GRAPH), STALE, Literal("true", datatype=NamedNode(T.XSD + "boolean")),
                              NamedNode(BUILD_LOG_GRAPH))])
    else:
        store.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{BUILD_LOG_GRAPH}> <{STALE.value}> ?x }} }}")


def record_ingestion(store: KGStore, iri: str, stamp: str) -> None:
    """Note in the build log graph when the document was (re)ingested."""
    store.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{iri}> ?p ?o }} }}")
    log = NamedNode(BUILD_LOG_GRAPH)
    store.add_quads([Quad(NamedNode(iri), PROV_GENERATED, Literal(stamp, datatype=XSD_DATETIME), log)])


def _changed_documents(report: BuildReport) -> list[str]:
    """Documents stored by a build, or rewritten by its identity refresh."""
    identity = report.identity
    rewritten = [*identity.rewritten_documents, *identity.reprocessed_documents] if identity is not None else []
    return [o.iri for o in report.outcomes if o.status == "stored"] + rewritten


def refresh_derived(store: KGStore) -> int:
    """Recompute the derived graph (compatibility view and party relations)."""
    from kg.rdf.rules import DERIVED_GRAPH, derive

    quads = derive(store.raw)
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


def remove(store: KGStore, paths: Iterable[str | Path], *, derive: bool = True) -> list[str]:
    """Remove the documents of these files (or document IRIs) and every entity only they
    introduced; identities and the derived graph are recomputed. Returns the removed IRIs.

    >>> import kg.store
    >>> store = kg.store.open_store(in_memory=True)
    >>> _ = build(store, ["data/wikipedia/syria/battle_of_hosn.md"], progress=False)
    >>> remove(store, ["data/wikipedia/syria/battle_of_hosn.md"]), store.count() == 0
    (['https://w3id.org/conflict-kg/document/syria/battle_of_hosn.md'], True)
    """
    from kg.resolution import refresh_identity

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
