"""Running SPARQL on the store and turning results into plain Python values.

Every query gets the project's PREFIX block (:func:`kg.rdf.terms.sparql_prefixes`) unless it
declares its own prefixes; typed literals become Python values by their datatype
(``xsd:integer`` -> ``int``, ``xsd:boolean`` -> ``bool``, ``xsd:decimal``/``double`` ->
``float``; dates keep their ISO lexical form, as precise as the source).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions

from kg.rdf import terms as T

if TYPE_CHECKING:
    from kg.store import KGStore

_INTEGER_TYPES = {T.XSD + name for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}
_FLOAT_TYPES = {T.XSD + "decimal", T.XSD + "double", T.XSD + "float"}


def python_value(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value (IRIs as strings).

    >>> python_value(Literal("12", datatype=NamedNode(T.XSD + "integer")))
    12
    >>> python_value(NamedNode("http://x/y"))
    'http://x/y'
    """
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    if isinstance(term, Literal):
        datatype = term.datatype.value if term.datatype is not None else ""
        if datatype in _INTEGER_TYPES:
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if datatype == T.XSD + "boolean":
            return term.value in ("true", "1")
        if datatype in _FLOAT_TYPES:
            try:
                return float(term.value)
            except ValueError:
                return term.value
        return term.value
    return str(term)


def with_prefixes(query: str) -> str:
    """Prepend the project PREFIX block unless the query declares prefixes itself."""
    head = query.lstrip()[:2000].upper()
    if "PREFIX " in head or "BASE " in head:
        return query
    return T.sparql_prefixes() + query


def select(store: KGStore, query: str) -> list[dict[str, Any]]:
    """Run a SELECT over the union of all graphs; rows as dicts of Python values."""
    results = store.query(with_prefixes(query))
    if not isinstance(results, QuerySolutions):
        raise TypeError("select() needs a SELECT query")
    names = [v.value for v in results.variables]
    return [{name: python_value(solution[name]) for name in names} for solution in results]


def sparql_iri(iri: str) -> str:
    """``<iri>`` for embedding a trusted, minted IRI in a query."""
    if any(c in iri for c in '<>"{}|^`\\ \n'):
        raise ValueError(f"not an IRI that can be embedded in SPARQL: {iri!r}")
    return f"<{iri}>"


def sparql_string(text: str) -> str:
    """A SPARQL string literal with every special character escaped.

    >>> sparql_string('a"b\\\\c\\n')
    '"a\\\\"b\\\\\\\\c\\\\n"'
    """
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'
