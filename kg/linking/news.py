"""Linking in the build and the cards: the mentions and conflicts of one news document, and
the offsets of the stored annotations read back.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from kg.document import Document, Mention
from kg.linking.linker import Linker
from kg.sparql import select, sparql_iri

if TYPE_CHECKING:
    from kg.store import KGStore


def link_news(doc: Document, linker: Linker) -> tuple[list[Mention], list[str]]:
    """Mentions and ``schema:about`` conflicts of one news document, for
    ``map_document(doc, None, mentions, about)``."""
    mentions = linker.link(doc)
    return mentions, linker.about(doc, mentions)


def about(doc: Document, mentions: list[Mention], store: KGStore | None = None, *, linker: Linker | None = None) -> list[str]:
    """The conflict IRIs a document is about (see :meth:`Linker.about`)."""
    if linker is None:
        if store is None:
            raise ValueError("about() needs a store or a linker")
        linker = Linker.from_store(store)
    return linker.about(doc, mentions)


def mention_spans(store: KGStore, doc_iri: str) -> dict[str, list[list[int]]]:
    """Entity IRI -> sorted ``[start, end]`` offsets of its annotations in a document (read
    from the ``oa:TextPositionSelector`` nodes of the document's graph)."""
    d = sparql_iri(doc_iri)
    rows = select(store, f"""SELECT DISTINCT ?e ?start ?end WHERE {{ GRAPH {d} {{
        ?a oa:hasBody ?e ; oa:hasTarget ?t . ?t oa:hasSource {d} ; oa:hasSelector ?s .
        ?s a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }} }}""")
    spans: dict[str, list[list[int]]] = defaultdict(list)
    for row in rows:
        spans[row["e"]].append([int(row["start"]), int(row["end"])])
    return {iri: sorted(found) for iri, found in sorted(spans.items())}
