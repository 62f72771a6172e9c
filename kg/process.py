"""Per-document processing: one source file, or one page of a dump, to the quads of its
named graph. Pure functions of their input (plus the resolver), so that worker processes
(:mod:`kg.pipeline`) and Dask workers (:mod:`kg.distributed`) run them as they are; a leaf
under the orchestrator (:mod:`kg.builder`), which stores what they return.
"""

from __future__ import annotations

import functools
import hashlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
from pyoxigraph import Quad

from kg._version import __version__
from kg.document import Document, Mention, ReadWarning
from kg.identity import document_iri
from kg.infobox import parse_conflict
from kg.rdf.mapping import map_document
from kg.readers import DocumentError, read_document
from kg.readers.wikitext import document_from_wikitext


#: What decides what one article file (or dump page) becomes as quads, relative to the kg
#: package: the readers, the infobox parser, the mapper, the modules they call and the word
#: lists they read. A folder counts with every file in it (code and data) but those in
#: :data:`NOT_READER_SOURCES`. :func:`reader_fingerprint` hashes them; a test imports the
#: per-document path and fails on a kg module or data file it uses that is in neither.
READER_SOURCES = ("_version.py", "document.py", "errors.py", "identity.py", "names.py", "generic_words.tsv",
                  "time.py", "time_words.tsv", "process.py", "readers", "infobox",
                  "rdf/__init__.py", "rdf/terms.py", "rdf/mapping.py")
#: Files the per-document path imports, or that sit in a folder of READER_SOURCES, whose
#: code does not decide a document's quads: path -> why.
NOT_READER_SOURCES = {
    "__init__.py": "the package facade: lazy wrappers around the other modules, nothing runs per document",
    "readers/wikitext_writer.py": "writes wikitext (the benchmark generator); no build reads with it",
}


@functools.cache
def reader_fingerprint() -> str:
    """A digest of the reader: the package version and the bytes of every file of
    :data:`READER_SOURCES` (by sorted path relative to the package, never their dates), so
    the same installed code gives the same value on any machine and in any run. A document
    stored with another value was read by other code: a build reads it again even when its
    file is unchanged. Computed once per process.

    >>> fingerprint = reader_fingerprint()
    >>> fingerprint.startswith("sha256:"), fingerprint == reader_fingerprint()
    (True, True)
    """
    digest = hashlib.sha256(f"conflict-kg {__version__}\n".encode())
    for relative, path in reader_source_files():
        data = path.read_bytes()
        digest.update(f"{relative}\n{len(data)}\n".encode())
        digest.update(data)
    return "sha256:" + digest.hexdigest()


def reader_source_files() -> list[tuple[str, Path]]:
    """The files :func:`reader_fingerprint` hashes: (path relative to the package, path),
    sorted by relative path (``/``-separated on every system).

    >>> ("infobox/figure_words.tsv" in dict(reader_source_files()), "cli.py" in dict(reader_source_files()))
    (True, False)
    """
    package = Path(__file__).resolve().parent
    files: dict[str, Path] = {}
    for entry in READER_SOURCES:
        path = package / entry
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in found:
            relative = file.relative_to(package).as_posix()
            compiled = "__pycache__" in file.parts or file.suffix in (".pyc", ".pyo")
            if not compiled and relative not in NOT_READER_SOURCES:
                files[relative] = file
    return sorted(files.items())


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
    #: The :func:`reader_fingerprint` of the process that read it (a Dask worker's may differ).
    reader: str | None = None

    def quads(self) -> list[pyoxigraph.Quad]:
        return list(pyoxigraph.parse(self.nquads, format=pyoxigraph.RdfFormat.N_QUADS)) if self.nquads else []


# --- workers -------------------------------------------------------------------------
_RESOLVER: dict[str, str] = {}


def _init_worker(resolver: dict[str, str]) -> None:
    global _RESOLVER  # noqa: PLW0603 - set once per worker process by the pool initializer
    _RESOLVER = resolver


def process_item(item: WorkItem, resolver: dict[str, str] | None = None) -> ItemResult:
    """Read, parse and map one item; never raises (errors become the result's status)."""
    resolver = _RESOLVER if resolver is None else resolver
    try:
        if item.text is None:
            processed = process_file(item.path, resolver)
            doc, quads = processed.doc, processed.quads
        else:
            doc = document_from_wikitext(item.text, item.path, item.title or item.path, item.content_hash)
            doc.extra.update(dict(item.extra))
            if doc.conflict_infobox is None:
                return ItemResult(item, "skipped", title=doc.title, reason="no conflict infobox",
                                  code="no-conflict-infobox")
            quads = map_quads(doc, parse_conflict(doc), resolver)
    except DocumentError as exc:
        return ItemResult(item, "quarantined", reason=str(exc), code=exc.code)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the build
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return ItemResult(item, "failed", code="internal",
                          reason=f"{item.path}: internal error {type(exc).__name__}: {exc} "
                                 f"(at {Path(where.filename).name}:{where.lineno}); please report it")
    data = (pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS) or b"") if quads else b""
    return ItemResult(item, "processed", data, doc.title, warnings=doc.warnings, reader=reader_fingerprint())
