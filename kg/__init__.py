"""conflict-kg: Wikipedia military-conflict articles and news reports as one RDF knowledge graph.

The package is laid out along the data flow::

    kg.readers    documents in (wtf_wikipedia markdown, later wikitext and news)
    kg.infobox    {{Infobox military conflict}} fields -> typed records (no RDF here)
    kg.identity   MediaWiki title normalisation and stable IRIs
    kg.rdf        records -> RDF quads (ontology terms, mapping)
    kg.store      the embedded Oxigraph store (one named graph per document)
    kg.cards      conflict / entity / document cards read back with SPARQL
    kg.exporter   Turtle, N-Triples, N-Quads, TriG, JSON-LD
    kg.cli        the ``kg`` command, a thin layer over the functions below

Example:
    >>> import kg
    >>> kg.__version__ >= "0.1"
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg._version import __version__

if TYPE_CHECKING:
    from kg.store import KGStore


__all__ = ["__version__", "build", "card", "export", "open_store", "parse_file", "query"]


def open_store(path: str | None = None, *, read_only: bool = False, in_memory: bool = False) -> KGStore:
    """Open the store at ``path`` (else ``$KG_STORE``, else ``./kg-store``), or in memory.

    >>> store = open_store(in_memory=True)
    >>> store.count()
    0
    """
    from kg.store import open_store as _open

    return _open(path, read_only=read_only, in_memory=in_memory)


def build(store: KGStore, paths: list[str], **options: Any) -> Any:
    """Build files/folders into the store; returns a :class:`kg.builder.BuildReport`."""
    from kg.builder import build as _build

    return _build(store, paths, **options)


def parse_file(path: str) -> Any:
    """Read one article and parse its conflict infobox: ``(Document, ConflictRecord | None)``.

    >>> doc, record = parse_file("data/wikipedia/syria/battle_of_hosn.md")
    >>> record.title
    'Battle of Hosn'
    """
    from kg.infobox import parse_conflict
    from kg.readers import read_document

    doc = read_document(path)
    return doc, parse_conflict(doc)


def query(store: KGStore, sparql: str) -> list[dict[str, Any]]:
    """Run a SPARQL SELECT over the union of all graphs; rows of plain Python values."""
    from kg.sparql import select

    return select(store, sparql)


def card(store: KGStore, target: str) -> dict[str, Any]:
    """The JSON card of a conflict, entity or document (see :mod:`kg.cards`)."""
    from kg.cards import card as _card

    return _card(store, target)


def export(store: KGStore, fmt: str, out: Any, **options: Any) -> int:
    """Export the store in ``fmt`` (ttl, nt, nq, trig, jsonld) to a path or binary stream."""
    from kg.exporter import export as _export, format_for

    return _export(store, format_for(fmt), out, **options)
