"""conflict-kg: Wikipedia military-conflict articles and news reports as one RDF knowledge graph.

The package is laid out along the data flow::

    kg.readers    documents in (wtf_wikipedia markdown, later wikitext and news)
    kg.infobox    {{Infobox military conflict}} fields -> typed records (no RDF here)
    kg.identity   MediaWiki title normalisation and stable IRIs
    kg.rdf        records -> RDF quads (ontology terms, mapping)
    kg.store      the embedded Oxigraph store (one named graph per document)
    kg.cards      conflict / entity / document cards read back with SPARQL
    kg.export     Turtle, N-Triples, N-Quads, TriG, JSON-LD
    kg.cli        the ``kg`` command, a thin layer over the functions below

Example:
    >>> import kg
    >>> kg.__version__ >= "0.1"
    True
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
