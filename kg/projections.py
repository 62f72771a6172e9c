"""Network projections of the knowledge graph, for networkx, Gephi and igraph.

The RDF graph is n-ary (conflict -> side -> participation -> party, with role, period and
source text on the participation); network tools want plain nodes and edges with scalar
attributes. A *projection* flattens one view of the graph into a networkx graph, built
straight from pyoxigraph query results (no rdflib on the way: ~2.4x faster, and rdflib's own
converter puts lists on edges, which no writer accepts).

Projections (``PROJECTIONS``; every node has ``label``, ``type`` and ``iri``):

``entities`` (``MultiDiGraph``)
    Every entity and conflict is a node; every relation between two of them is an edge
    with ``label`` (the predicate's ontology label, e.g. ``party``), ``predicate`` (its IRI),
    ``side`` (side number, 0 when not tied to a side), ``conflict``/``conflict_label``,
    ``role`` (belligerent/supporter), ``period``, ``description`` (a commander's role, what an
    estimate counts) and ``killed_in_action``. The n-ary nodes are flattened: conflict
    -party-> party, -commander-> person, -unit-> unit, unit -parent deployment-> unit,
    party/commander/unit -flag country-> country, commander -role entity-> entity,
    conflict -about-> entity (estimates about an entity); plus every direct entity-to-entity
    statement of the documents' graphs (``part of``, ``place``, ...).
``alliances`` (``Graph``)
    Parties (belligerents and supporters) as nodes, with ``conflicts``, ``as_belligerent``
    and ``as_supporter`` counts. One edge per pair of parties that met in at least one
    conflict: ``same_side`` and ``opposite_sides`` (numbers of conflicts), ``relation``
    (``allied``, ``opposed`` or ``allied and opposed``), the conflicts' names joined with
    ``" | "`` (``conflicts``, ``allied_in``, ``opposed_in``), and the edge's *kind* and
    weights, so that allied and opposed edges can be told apart and every weight is
    positive (Gephi drops or warns about edges of weight 0):

    * ``kind``: ``allied`` when the two fought on the same side in at least as many
      conflicts as on opposite sides, else ``opposed``; ``sign`` is +1 or -1 with it. A
      partition filter on ``kind`` (Gephi) or ``sign`` splits the network in two;
    * ``weight`` (float, >= 1): the conflicts behind the kind, ``same_side`` for an allied
      edge, ``opposite_sides`` for an opposed one, so that a weighted layout pulls allies
      together within the allied edges and enemies within the opposed ones;
    * ``signed_weight`` (float): ``same_side - opposite_sides``, for signed-network methods
      (positive: allies, negative: enemies, 0: as often one as the other).

    Limit: a pair that met on both sides (``relation`` ``allied and opposed``, about 4% of
    the pairs, most of them once each way) is one edge of the majority kind, ``allied`` on
    a tie; the minority is only in ``same_side``/``opposite_sides`` and the ``*_in`` names.
    Filter on ``relation`` to keep only pairs that were always on one side.
``commanders`` (``Graph``)
    Commanders, the parties they led (the parties listed on the same side of the same
    conflict, belligerents and supporters) and the conflicts; ``kind`` is ``commander``,
    ``party`` or ``conflict``. Edges ``led`` (commander-party: ``conflicts`` count and names,
    ``party_role``) and ``commanded in`` (commander-conflict: ``side``, ``role_description``,
    ``killed_in_action``); ``weight`` is the number of conflicts behind the edge.
``mentions`` (``Graph``, bipartite)
    Documents (``bipartite`` 0, ``type`` ``document``, ``kind`` = wikipedia/news) and the
    entities they mention (``bipartite`` 1); edge ``count`` = number of mentions (``weight``
    the same as a float).

Every edge ``weight`` is at least 1 (``entities`` edges have none: tools read that as 1).

Scope: every projection takes ``conflicts`` (conflict IRIs; None: everything), as
:func:`kg.analysis.conflicts_within` gives them for a conflict and the conflicts that are
part of it, transitively (``kg export --projection … --conflict TITLE``). ``entities``
keeps the edges tied to one of those conflicts (its parties, commanders, units, flags,
estimates and the conflict's own statements, e.g. ``part of``) and their end nodes;
``alliances`` and ``commanders`` the participations and commands in them; ``mentions`` the
documents that describe or mention one of them, with all their mentions. The scope's
conflicts are nodes of ``entities`` even without edges.

Output (:func:`write_projection`, :func:`write_graph`): GraphML (networkx's pure-Python
writer) or GEXF 1.2, UTF-8, written atomically to a path (or to a binary stream), nodes
sorted by IRI and edges by endpoints, so that the same store gives the same bytes. The XML is
re-parsed before it replaces the target, and its node and edge counts checked.

Limits (as the networkx readwrite modules state theirs):

* attribute values are only ``str``, ``int``, ``float`` and ``bool``. :func:`sanitize_graph`
  (applied to every projection and by :func:`write_graph`) turns everything else into one of
  those: ``None`` into the attribute's zero value (``""``, ``0``, ``0.0``, ``False``),
  lists/tuples/sets into one string joined with ``" | "`` (sets sorted), dates into ISO
  strings, ``Decimal``/numpy numbers into ``float``/``int``, RDF terms into their value;
* every node carries every node attribute, every edge every edge attribute (missing ones get
  the zero value): GraphML readers (igraph) fill gaps with their own defaults (NaN), so a
  uniform schema is what round-trips exactly. An attribute seen with mixed types is written
  as a string (mixed ``int``/``float`` as ``float``);
* text is cleaned of what XML 1.0 cannot hold (C0 control characters other than tab, newline
  and carriage return; lone surrogates; U+FFFE/U+FFFF), and carriage returns become newlines
  (XML parsers normalise line ends, so ``\\r`` would not survive a round trip);
* names GEXF gives a meaning (nodes: ``id``, ``pid``, ``start``, ``end``, ``viz``, ...;
  edges: ``id``, ``type``, ``start``, ``end``, ...) are renamed with a trailing ``_``;
  ``label`` is always a string (every node has one, the IRI when nothing better) and an
  edge's ``weight`` always a float, because GEXF stores both as XML attributes of their own;
* read back, GEXF edges gain an ``id`` and multigraph keys come back through the
  ``networkx_key`` attribute; igraph reads every number as a float and keeps node ids in
  the ``id`` vertex attribute, where it leaves ``&`` escaped as ``&#38;`` (libxml2 without
  entity substitution): name igraph vertices by the ``iri`` attribute, which every node of
  every projection has. igraph has no GEXF reader;
* labels: the one in the identity graph (``…/graph/identity``) when there is one, else the
  English or untagged label stated by most documents (then alphabetical); the conflicts'
  names in joined strings are such labels;
* the derived graph (``ckg:alliedWith``/``ckg:opposed`` and the Wikidata/DBpedia
  compatibility view) is not repeated in ``entities``: ``alliances`` is its network form.

Example:
    >>> from kg.store import open_store
    >>> g = projection(open_store(in_memory=True), "alliances")
    >>> g.number_of_nodes(), g.graph["name"]
    (0, 'alliances')
"""

from __future__ import annotations

import datetime as _dt
import decimal
import fractions
import io
import itertools
import json
import os
import re
import secrets
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import networkx as nx
import pyoxigraph as ox

from kg.rdf import terms as T

if TYPE_CHECKING:
    from kg.store import KGStore

__all__ = [
    "FORMATS",
    "JOIN",
    "PROJECTIONS",
    "alliances",
    "clean_text",
    "commanders",
    "conflict_iri",
    "conflicts_within",
    "entities",
    "labels",
    "mentions",
    "node_types",
    "projection",
    "sanitize_graph",
    "write_graph",
    "write_projection",
]

#: Separator of joined multi-valued attributes (MediaWiki titles cannot contain ``|``).
JOIN = " | "
#: Output formats of :func:`write_graph`.
FORMATS = ("graphml", "gexf")

DERIVED_GRAPH = T.GRAPH + "derived"
IDENTITY_GRAPH = T.GRAPH + "identity"
_RDF_TYPE = ox.NamedNode(T.RDF + "type")
_RDFS_LABEL = ox.NamedNode(T.RDFS + "label")
_DCTERMS_TITLE = ox.NamedNode(T.DCTERMS + "title")

#: Entity classes, most specific reading first: a node typed both ckg:Country and
#: ckg:ArmedGroup is a "country"; the ``types`` attribute lists them all.
TYPE_NAMES: list[tuple[str, str]] = [
    (T.CKG + "MilitaryConflict", "conflict"),
    (T.CKG + "Country", "country"),
    (T.CKG + "ArmedGroup", "armed group"),
    (T.CKG + "Person", "person"),
    (T.CKG + "MilitaryUnit", "military unit"),
    (T.CKG + "Place", "place"),
    (T.CKG + "Entity", "entity"),
]
_TYPE_RANK = {iri: (rank, name) for rank, (iri, name) in enumerate(TYPE_NAMES)}
_DOCUMENT_CLASSES = {T.CKG + "SourceDocument": "source document", T.CKG + "WikipediaArticle": "wikipedia article",
                     T.CKG + "NewsArticle": "news article"}

# GEXF gives these attribute names a meaning of their own (networkx pops them).
_RESERVED = {
    "node": {"id", "pid", "start", "end", "viz", "parents", "slices", "spells"},
    "edge": {"id", "type", "start", "end", "viz", "slices", "spells", "networkx_key"},
}
# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --- reading the store ---------------------------------------------------------------------

def _raw(store: KGStore | ox.Store) -> ox.Store:
    """The pyoxigraph Store behind a KGStore (or the Store itself)."""
    return store.raw if hasattr(store, "raw") else store


def _solutions(store: KGStore, sparql: str) -> Iterator[Any]:
    """Run a SELECT over the union of all graphs with the project prefixes."""
    results = _raw(store).query(sparql, use_default_graph_as_union=True, prefixes=T.PREFIXES)
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError("a projection query must be a SELECT")
    return iter(results)


def _value(term: Any) -> Any:
    from kg.sparql import python_value

    return python_value(term)


def labels(store: KGStore) -> dict[str, str]:
    """One display label per IRI that has an ``rdfs:label`` (or, for documents, a
    ``dcterms:title``): the identity graph's label first, else the English or untagged label
    stated in most graphs, ties broken alphabetically.

    >>> from kg.store import open_store
    >>> s = open_store(in_memory=True)
    >>> s.update('''INSERT DATA {
    ...   GRAPH <https://e.org/g1> { <https://e.org/x> rdfs:label "X"@en, "إكس"@ar }
    ...   GRAPH <https://e.org/g2> { <https://e.org/x> rdfs:label "X"@en, "Ex" } }''')
    >>> labels(s)
    {'https://e.org/x': 'X'}
    """
    raw = _raw(store)
    votes: dict[str, Counter[tuple[int, int, int, str]]] = defaultdict(Counter)
    for predicate, weight in ((_RDFS_LABEL, 0), (_DCTERMS_TITLE, 1)):
        for quad in raw.quads_for_pattern(None, predicate, None, None):
            subject, obj = quad.subject, quad.object
            if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.Literal):
                continue
            graph = quad.graph_name
            identity = isinstance(graph, ox.NamedNode) and graph.value == IDENTITY_GRAPH
            language = obj.language or ""
            english = language == "" or language == "en" or language.startswith("en-")
            # sort key, smaller is better: identity graph, rdfs:label over title, English
            key = (0 if identity else 1, weight, 0 if english else 1)
            votes[subject.value][(*key, obj.value)] += 1
    chosen: dict[str, str] = {}
    for iri, counter in votes.items():
        best = min(counter.items(), key=lambda item: (item[0][:3], -item[1], item[0][3]))
        chosen[iri] = best[0][3]
    return chosen


def node_types(store: KGStore) -> dict[str, set[str]]:
    """The ``ckg:`` classes (entity and document classes) of every IRI typed with one."""
    raw = _raw(store)
    wanted = set(_TYPE_RANK) | set(_DOCUMENT_CLASSES)
    types: dict[str, set[str]] = defaultdict(set)
    for cls in wanted:
        for quad in raw.quads_for_pattern(None, _RDF_TYPE, ox.NamedNode(cls), None):
            if isinstance(quad.subject, ox.NamedNode):
                types[quad.subject.value].add(cls)
    return dict(types)


def _type_name(classes: Iterable[str]) -> str:
    ranked = sorted(_TYPE_RANK[c] for c in classes if c in _TYPE_RANK)
    return ranked[0][1] if ranked else "entity"


def _types_text(classes: Iterable[str]) -> str:
    """Every class name, the generic "entity"/"source document" only when alone.

    >>> _types_text([T.CKG + "Entity", T.CKG + "Country", T.CKG + "Place"])
    'country | place'
    """
    names = {name for c, name in TYPE_NAMES if c in set(classes)}
    names |= {_DOCUMENT_CLASSES[c] for c in classes if c in _DOCUMENT_CLASSES}
    if len(names) > 1:
        names -= {"entity", "source document"}
    return JOIN.join(sorted(names))


class _Nodes:
    """Label, type and IRI of nodes, looked up once per projection."""

    def __init__(self, store: KGStore) -> None:
        self.labels = labels(store)
        self.types = node_types(store)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or _fallback_label(iri)

    def attrs(self, iri: str) -> dict[str, Any]:
        classes = self.types.get(iri, set())
        return {"label": self.label(iri), "type": _type_name(classes), "iri": iri,
                "types": _types_text(classes)}

    def entities(self) -> list[str]:
        return sorted(iri for iri, classes in self.types.items() if classes & set(_TYPE_RANK))


def _fallback_label(iri: str) -> str:
    """The last path segment of an IRI, underscores as spaces (for unlabelled nodes)."""
    from urllib.parse import unquote

    tail = re.split(r"[/#]", iri.rstrip("/"))[-1] or iri
    return unquote(tail).replace("_", " ")


@lru_cache(maxsize=1)
def _ontology_labels() -> dict[str, str]:
    """English rdfs:label of every ontology term (e.g. ckg:partOf -> 'part of')."""
    try:
        from kg.rdf.ontology import ontology_quads

        quads = ontology_quads()
    except (FileNotFoundError, OSError, SyntaxError):  # pragma: no cover - broken install
        return {}
    found: dict[str, str] = {}
    for quad in quads:
        if (quad.predicate == _RDFS_LABEL and isinstance(quad.object, ox.Literal)
                and quad.object.language in (None, "en") and isinstance(quad.subject, ox.NamedNode)):
            found[quad.subject.value] = quad.object.value
    return found


def predicate_label(iri: str) -> str:
    """The ontology label of a predicate, else its local name in words.

    >>> predicate_label(T.CKG + "partOf"), predicate_label("https://e.org/hasNiceName")
    ('part of', 'has nice name')
    """
    known = _ontology_labels().get(iri)
    if known:
        return known
    local = re.split(r"[/#]", iri)[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("_", " ").lower()


def in_view(query: str) -> str:
    """``query`` with its WHERE clause read from the query view (:mod:`kg.view`): one
    description per conflict, each entry once, instead of every document's copy.

    >>> in_view("SELECT ?c WHERE { ?c ckg:side ?s } LIMIT 1")  # doctest: +ELLIPSIS
    'SELECT ?c WHERE { GRAPH <https://w3id.org/conflict-kg/graph/view> { ?c ckg:side ?s } } LIMIT 1'
    """
    start = query.index("WHERE {") + len("WHERE {")
    depth, end = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(query[end], 0)
        end += 1
    return f"{query[:start]} GRAPH <{T.VIEW_GRAPH.value}> {{{query[start:end - 1]}}} }}{query[end:]}"


# --- the projections -----------------------------------------------------------------------

_PARTIES = in_view("""
SELECT DISTINCT ?c ?n ?party ?role ?period WHERE {
  ?c ckg:side ?s . ?s ckg:sideNumber ?n ; ckg:participation ?p . ?p ckg:party ?party .
  OPTIONAL { ?p ckg:role ?role } OPTIONAL { ?p ckg:periodText ?period }
  FILTER(isIRI(?party))
}""")

_COMMANDERS = in_view("""
SELECT DISTINCT ?c ?n ?person ?desc ?kia WHERE {
  ?c ckg:side ?s . ?s ckg:sideNumber ?n ; ckg:command ?m . ?m ckg:commander ?person .
  OPTIONAL { ?m ckg:roleDescription ?desc } OPTIONAL { ?m ckg:killedInAction ?kia }
  FILTER(isIRI(?person))
}""")

_UNITS = in_view("""
SELECT DISTINCT ?c ?n ?unit ?parent WHERE {
  ?c ckg:side ?s . ?s ckg:sideNumber ?n ; ckg:deployment ?d . ?d ckg:unit ?unit .
  OPTIONAL { ?d ckg:parentDeployment/ckg:unit ?parent }
  FILTER(isIRI(?unit))
}""")

_FLAGS = in_view("""
SELECT DISTINCT ?c ?n ?x ?flag WHERE {
  VALUES (?link ?role) { (ckg:participation ckg:party) (ckg:command ckg:commander)
                         (ckg:deployment ckg:unit) }
  ?c ckg:side ?s . ?s ckg:sideNumber ?n ; ?link ?node . ?node ?role ?x ; ckg:flagCountry ?flag .
  FILTER(isIRI(?x) && isIRI(?flag))
}""")

_ROLE_ENTITIES = in_view("""
SELECT DISTINCT ?c ?n ?person ?e ?desc WHERE {
  ?c ckg:side ?s . ?s ckg:sideNumber ?n ; ckg:command ?m .
  ?m ckg:commander ?person ; ckg:roleEntity ?e . OPTIONAL { ?m ckg:roleDescription ?desc }
  FILTER(isIRI(?person) && isIRI(?e))
}""")

_ABOUT = in_view("""
SELECT DISTINCT ?c ?n ?e ?desc WHERE {
  { ?c ckg:side ?s . ?s ckg:sideNumber ?n . { ?s ckg:strength ?q } UNION { ?s ckg:casualties ?q } }
  UNION { ?c a ckg:MilitaryConflict ; ckg:casualties ?q . BIND(0 AS ?n) }
  ?q ckg:about ?e . OPTIONAL { ?q ckg:description ?desc }
  FILTER(isIRI(?e))
}""")

# Subjects first (a sub-select), objects checked in Python: 10x faster than letting the
# engine join both ends (0.1 s vs 1.4 s on the corpus).
_DIRECT = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ ?s a ckg:Entity }} }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?o) && ?s != ?o)
  FILTER(?g NOT IN (<{DERIVED_GRAPH}>, <{IDENTITY_GRAPH}>, <{T.VIEW_GRAPH.value}>))
  FILTER(?p NOT IN (rdf:type, owl:sameAs, schema:sameAs))
}}"""


def _text(term: Any) -> str:
    value = _value(term)
    return "" if value is None else str(value)


def _int(term: Any) -> int:
    value = _value(term)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _role_name(term: Any) -> str:
    iri = _text(term)
    return {T.CKG + "Belligerent": "belligerent", T.CKG + "Supporter": "supporter"}.get(iri, "")


def _participations(store: KGStore) -> list[tuple[str, int, str, str, str]]:
    """(conflict, side number, party, role, period text) of every participation."""
    rows = {(_text(r["c"]), _int(r["n"]), _text(r["party"]), _role_name(r["role"]), _text(r["period"]))
            for r in _solutions(store, _PARTIES)}
    return sorted(rows)


_EDGE_SCHEMA: dict[str, Any] = {
    "label": "", "predicate": "", "side": 0, "conflict": "", "conflict_label": "", "role": "",
    "period": "", "description": "", "killed_in_action": False,
}


def conflict_iri(store: KGStore, conflict: str) -> str:
    """The IRI of a conflict given by IRI or by title (:func:`kg.cards.resolve_target`)."""
    if conflict.startswith(("http://", "https://", "urn:")):
        return conflict
    from kg.cards import resolve_target

    return resolve_target(store, conflict)[1]


def conflicts_within(store: KGStore, root: str) -> set[str]:
    """IRIs of the conflict ``root`` (IRI or title) and every conflict whose ``ckg:partOf``
    chain reaches it: the scope of ``--conflict`` in ``kg plot`` and ``kg export --projection``.

    >>> from kg.store import open_store
    >>> s = open_store(in_memory=True)
    >>> s.update('INSERT DATA { <https://e.org/b> ckg:partOf <https://e.org/a> . '
    ...          '<https://e.org/c> ckg:partOf <https://e.org/b> }')
    >>> sorted(conflicts_within(s, "https://e.org/a"))
    ['https://e.org/a', 'https://e.org/b', 'https://e.org/c']
    """
    iri = conflict_iri(store, root)
    from kg.sparql import sparql_iri

    query = f"SELECT DISTINCT ?c WHERE {{ ?c ckg:partOf+ {sparql_iri(iri)} }}"
    return {row["c"].value for row in _solutions(store, query)} | {iri}


def _scope(conflicts: Iterable[str] | None) -> set[str] | None:
    return None if conflicts is None else set(conflicts)


def entities(store: KGStore, conflicts: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """Every entity and conflict a node, every relation between them an edge (see module);
    ``conflicts``: only the edges tied to these conflict IRIs, and their nodes."""
    nodes = _Nodes(store)
    wanted = _scope(conflicts)
    node_set = set(nodes.entities()) if wanted is None else set(wanted)
    found: set[tuple[Any, ...]] = set()

    def edge(u: str, v: str, predicate: str, *, side: int = 0, conflict: str = "", role: str = "",
             period: str = "", description: str = "", kia: bool = False) -> None:
        found.add((u, v, predicate, side, conflict, role, period, description, kia))

    for c, n, party, role, period in _participations(store):
        edge(c, party, T.CKG + "party", side=n, conflict=c, role=role, period=period)
    for r in _solutions(store, _COMMANDERS):
        c = _text(r["c"])
        edge(c, _text(r["person"]), T.CKG + "commander", side=_int(r["n"]), conflict=c,
             description=_text(r["desc"]), kia=_value(r["kia"]) is True)
    for r in _solutions(store, _UNITS):
        c, n, unit = _text(r["c"]), _int(r["n"]), _text(r["unit"])
        edge(c, unit, T.CKG + "unit", side=n, conflict=c)
        if r["parent"] is not None and isinstance(r["parent"], ox.NamedNode):
            edge(unit, _text(r["parent"]), T.CKG + "parentDeployment", side=n, conflict=c)
    for r in _solutions(store, _FLAGS):
        edge(_text(r["x"]), _text(r["flag"]), T.CKG + "flagCountry", side=_int(r["n"]), conflict=_text(r["c"]))
    for r in _solutions(store, _ROLE_ENTITIES):
        edge(_text(r["person"]), _text(r["e"]), T.CKG + "roleEntity", side=_int(r["n"]),
             conflict=_text(r["c"]), description=_text(r["desc"]))
    for r in _solutions(store, _ABOUT):
        c = _text(r["c"])
        edge(c, _text(r["e"]), T.CKG + "about", side=_int(r["n"]), conflict=c, description=_text(r["desc"]))
    # direct statements between two entities in the documents' graphs (partOf, place, ...)
    for r in _solutions(store, _DIRECT):
        subject, obj, predicate = _text(r["s"]), _text(r["o"]), _text(r["p"])
        if subject in node_set and obj in node_set:
            conflict = subject if _type_name(nodes.types.get(subject, ())) == "conflict" else ""
            edge(subject, obj, predicate, conflict=conflict)
    if wanted is not None:
        found = {f for f in found if f[4] in wanted}

    graph = nx.MultiDiGraph(name="entities")
    for iri in sorted(node_set | {f[0] for f in found} | {f[1] for f in found}):
        graph.add_node(iri, **nodes.attrs(iri))
    for i, (u, v, predicate, side, conflict, role, period, description, kia) in enumerate(sorted(found)):
        graph.add_edge(u, v, key=f"e{i}", label=predicate_label(predicate), predicate=predicate, side=side,
                       conflict=conflict, conflict_label=nodes.label(conflict) if conflict else "",
                       role=role, period=period, description=description, killed_in_action=kia)
    return sanitize_graph(graph)


def alliances(store: KGStore, conflicts: Iterable[str] | None = None) -> nx.Graph:
    """Parties as nodes; one edge per pair that met in a conflict (see module).

    ``conflicts``: only these conflict IRIs (e.g. :func:`kg.analysis.conflicts_within`).
    """
    nodes = _Nodes(store)
    wanted = _scope(conflicts)
    sides: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c, n, party, role, _period in _participations(store):
        if wanted is not None and c not in wanted:
            continue
        sides[c][n].add(party)
        roles[party][c].add(role or "belligerent")
    allied: dict[tuple[str, str], set[str]] = defaultdict(set)
    opposed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c, by_side in sides.items():
        numbers = sorted(by_side)
        for n in numbers:
            for a, b in itertools.combinations(sorted(by_side[n]), 2):
                allied[(a, b)].add(c)
        for n1, n2 in itertools.combinations(numbers, 2):
            for a in by_side[n1]:
                for b in by_side[n2]:
                    if a != b:
                        opposed[(min(a, b), max(a, b))].add(c)

    graph = nx.Graph(name="alliances")
    for party in sorted(roles):
        in_conflicts = roles[party]
        graph.add_node(party, **nodes.attrs(party), conflicts=len(in_conflicts),
                       as_belligerent=sum(1 for r in in_conflicts.values() if "belligerent" in r),
                       as_supporter=sum(1 for r in in_conflicts.values() if "supporter" in r))

    def names(conflicts: set[str]) -> str:
        return JOIN.join(sorted(nodes.label(c) for c in conflicts))

    for a, b in sorted(set(allied) | set(opposed)):
        same, other = allied.get((a, b), set()), opposed.get((a, b), set())
        relation = "allied and opposed" if same and other else ("allied" if same else "opposed")
        allied_edge = len(same) >= len(other)
        graph.add_edge(a, b, same_side=len(same), opposite_sides=len(other), relation=relation,
                       kind="allied" if allied_edge else "opposed", sign=1 if allied_edge else -1,
                       weight=float(len(same) if allied_edge else len(other)),
                       signed_weight=float(len(same) - len(other)),
                       conflicts=names(same | other), allied_in=names(same), opposed_in=names(other))
    return sanitize_graph(graph)


def commanders(store: KGStore, conflicts: Iterable[str] | None = None) -> nx.Graph:
    """Commanders, the parties they led and the conflicts (see module); ``conflicts``: only
    the commands in these conflict IRIs."""
    nodes = _Nodes(store)
    wanted = _scope(conflicts)
    side_parties: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    for c, n, party, role, _period in _participations(store):
        if wanted is not None and c not in wanted:
            continue
        known = side_parties[(c, n)].get(party)
        side_parties[(c, n)][party] = "belligerent" if "belligerent" in (known, role or "belligerent") else role
    commanded: dict[tuple[str, str], dict[str, Any]] = {}
    led: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    kia_anywhere: set[str] = set()
    for r in sorted(_solutions(store, _COMMANDERS),
                    key=lambda r: (_text(r["person"]), _text(r["c"]), _int(r["n"]), _text(r["desc"]))):
        person, c, n = _text(r["person"]), _text(r["c"]), _int(r["n"])
        if wanted is not None and c not in wanted:
            continue
        kia = _value(r["kia"]) is True
        if kia:
            kia_anywhere.add(person)
        entry = commanded.setdefault((person, c), {"side": n, "descriptions": set(), "kia": False})
        entry["side"] = min(entry["side"], n)
        if _text(r["desc"]):
            entry["descriptions"].add(_text(r["desc"]))
        entry["kia"] = entry["kia"] or kia
        for party, role in side_parties.get((c, n), {}).items():
            if party != person:
                led[(person, party)][c].add(role)

    people = {p for p, _ in commanded}
    conflicts_of: dict[str, set[str]] = defaultdict(set)
    for person, c in commanded:
        conflicts_of[person].add(c)
    for (_person, party), by_conflict in led.items():
        conflicts_of[party].update(by_conflict)
    kinds: dict[str, str] = {}
    for _person, c in commanded:
        kinds[c] = "conflict"
    for person in people:
        kinds.setdefault(person, "commander")
    for _, party in led:
        kinds.setdefault(party, "party")

    graph = nx.Graph(name="commanders")
    for iri in sorted(kinds):
        count = 1 if kinds[iri] == "conflict" else len(conflicts_of[iri])
        graph.add_node(iri, **nodes.attrs(iri), kind=kinds[iri], conflicts=count,
                       killed_in_action=iri in kia_anywhere)
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for (person, c), entry in commanded.items():
        edges[tuple(sorted((person, c)))] = {  # type: ignore[index]
            "relation": "commanded in", "side": entry["side"], "conflicts": 1,
            "conflict_labels": nodes.label(c), "party_role": "",
            "role_description": JOIN.join(sorted(entry["descriptions"])),
            "killed_in_action": entry["kia"], "weight": 1.0}
    for (person, party), by_conflict in led.items():
        key = tuple(sorted((person, party)))
        if key in edges:  # a person both commands and is a conflict: keep the command
            continue
        all_roles = set().union(*by_conflict.values())
        edges[key] = {  # type: ignore[index]
            "relation": "led", "side": 0, "conflicts": len(by_conflict),
            "conflict_labels": JOIN.join(sorted(nodes.label(c) for c in by_conflict)),
            "party_role": JOIN.join(sorted(all_roles)), "role_description": "",
            "killed_in_action": False, "weight": float(len(by_conflict))}
    for (u, v) in sorted(edges):
        graph.add_edge(u, v, **edges[(u, v)])
    return sanitize_graph(graph)


_MENTIONS = """
SELECT DISTINCT ?d ?e ?count ?kind WHERE {
  ?d schema:mentions ?e .
  OPTIONAL { ?d ckg:mentionCount ?m . ?m ckg:mentioned ?e ; ckg:count ?count }
  OPTIONAL { ?d ckg:documentKind ?kind }
  FILTER(isIRI(?d) && isIRI(?e))
}"""


_DESCRIBED_OR_MENTIONED = """
SELECT DISTINCT ?d ?c WHERE { { ?d ckg:describes ?c } UNION { ?d schema:mentions ?c } FILTER(isIRI(?d)) }"""


def mentions(store: KGStore, conflicts: Iterable[str] | None = None) -> nx.Graph:
    """Documents and the entities they mention, bipartite, with counts (see module);
    ``conflicts``: only the documents describing or mentioning one of these conflict IRIs."""
    nodes = _Nodes(store)
    wanted = _scope(conflicts)
    documents_in_scope = None if wanted is None else {
        _text(r["d"]) for r in _solutions(store, _DESCRIBED_OR_MENTIONED) if _text(r["c"]) in wanted}
    counts: dict[tuple[str, str], int] = {}
    kinds: dict[str, str] = {}
    for r in _solutions(store, _MENTIONS):
        d, e = _text(r["d"]), _text(r["e"])
        if documents_in_scope is not None and d not in documents_in_scope:
            continue
        n = max(_int(r["count"]), 1) if r["count"] is not None else 1  # listed in schema:mentions: once at least
        counts[(d, e)] = max(counts.get((d, e), 0), n)
        if _text(r["kind"]):
            kinds[d] = min(kinds.get(d, _text(r["kind"])), _text(r["kind"]))
    documents = {d for d, _ in counts}
    graph = nx.Graph(name="mentions")
    for iri in sorted(documents | {e for _, e in counts}):
        attrs = nodes.attrs(iri)
        if iri in documents:
            attrs.update(type="document", kind=kinds.get(iri, ""), bipartite=0)
        else:
            attrs.update(kind="entity", bipartite=1)
        graph.add_node(iri, **attrs)
    for (d, e) in sorted(counts):
        if d == e:
            continue
        graph.add_edge(d, e, count=counts[(d, e)], weight=float(counts[(d, e)]))
    return sanitize_graph(graph)


#: Projection name -> function(store, conflicts=None) -> networkx graph.
PROJECTIONS: dict[str, Callable[..., nx.Graph]] = {
    "entities": entities,
    "alliances": alliances,
    "commanders": commanders,
    "mentions": mentions,
}


def projection(store: KGStore, name: str, conflicts: Iterable[str] | None = None) -> nx.Graph:
    """The networkx graph of projection ``name`` (one of :data:`PROJECTIONS`), limited to
    some conflict IRIs when ``conflicts`` is given (see the module's "Scope").

    >>> projection(None, "nope")
    Traceback (most recent call last):
    ...
    KeyError: "unknown projection 'nope' (known: entities, alliances, commanders, mentions)"
    """
    try:
        build = PROJECTIONS[name]
    except KeyError:
        raise KeyError(f"unknown projection {name!r} (known: {', '.join(PROJECTIONS)})") from None
    return build(store, conflicts=conflicts)


# --- sanitising ------------------------------------------------------------------------------

def clean_text(text: str) -> str:
    """``text`` without what XML 1.0 cannot hold, carriage returns as newlines.

    >>> clean_text("a\\x00b\\ud800c\\r\\nd\\re\\tf\\uffff")
    'abc\\nd\\ne\\tf'
    """
    text = _NOT_XML.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _scalar(value: Any) -> Any:
    """A value as str/int/float/bool (or None for "missing")."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value  # NaN and infinities too: GraphML, GEXF and igraph read them back
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (decimal.Decimal, fractions.Fraction)):
        return _scalar(float(value))
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return _scalar(_value(value))
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, (list, tuple)):
        try:  # numpy / pandas scalars
            return _scalar(value.item())
        except (TypeError, ValueError):
            pass
    if isinstance(value, (set, frozenset)):
        return clean_text(JOIN.join(sorted(str(_scalar(v)) for v in value if v is not None)))
    if isinstance(value, (list, tuple)):
        return clean_text(JOIN.join(str(_scalar(v)) for v in value if v is not None))
    if isinstance(value, dict):
        return clean_text(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
    if isinstance(value, bytes):
        return clean_text(value.decode("utf-8", errors="replace"))
    return clean_text(str(value))


_ZERO = {bool: False, int: 0, float: 0.0, str: ""}


def _column_type(values: Iterable[Any]) -> type:
    seen = {type(v) for v in values if v is not None}
    if not seen:
        return str
    if len(seen) == 1:
        return seen.pop()
    if seen <= {int, float}:
        return float
    return str


def _coerce(value: Any, kind: type) -> Any:
    if value is None:
        return _ZERO[kind]
    if kind is str:
        return value if isinstance(value, str) else (str(value).lower() if isinstance(value, bool) else str(value))
    if kind is float:
        return float(value)
    return value


def _attr_name(name: Any, element: str) -> str:
    text = clean_text(str(name)).strip() or "attr"
    if text in _RESERVED[element]:
        text += "_"
    return text


def _schema(items: list[dict[str, Any]], element: str) -> dict[str, type]:
    columns: dict[str, list[Any]] = {}
    for data in items:
        for key, value in data.items():
            columns.setdefault(key, []).append(value)
    types = {key: _column_type(values) for key, values in columns.items()}
    if "label" in types:
        types["label"] = str
    if element == "edge" and "weight" in types:
        types["weight"] = float if types["weight"] in (int, float, bool) else str
    return types


def sanitize_graph(graph: nx.Graph) -> nx.Graph:
    """A copy of ``graph`` that GraphML and GEXF writers accept and readers give back
    unchanged: node ids and attribute names as clean strings, values as str/int/float/bool
    with one type per attribute, the same attributes on every node (every edge), a ``label``
    on every node, nodes and edges in sorted order (see the module's limits).

    >>> g = nx.Graph(); g.add_edge("a", "b", when=None, tags=["x", "y"], type="t")
    >>> h = sanitize_graph(g)
    >>> dict(h.nodes["a"]), h.edges["a", "b"]
    ({'label': 'a'}, {'when': '', 'tags': 'x | y', 'type_': 't'})
    """
    ids: dict[Any, str] = {}
    for node in graph.nodes:
        ids[node] = clean_text(str(_scalar(node)))
    if len(set(ids.values())) != len(ids):
        raise ValueError("sanitize_graph: two nodes have the same id once cleaned")

    node_data = {ids[n]: {_attr_name(k, "node"): _scalar(v) for k, v in d.items()} for n, d in graph.nodes(data=True)}
    for node, data in node_data.items():
        if not data.get("label"):
            data["label"] = node
    node_types = _schema(list(node_data.values()), "node")
    node_order = list(node_types)
    if "label" in node_order:  # label first, the rest as first seen
        node_order.remove("label")
        node_order.insert(0, "label")

    if graph.is_multigraph():
        raw_edges: list[tuple[str, str, str | None, Any]] = [
            (ids[u], ids[v], str(_scalar(k)), d) for u, v, k, d in graph.edges(keys=True, data=True)]
    else:
        raw_edges = [(ids[u], ids[v], None, d) for u, v, d in graph.edges(data=True)]
    edge_rows = []
    for u, v, k, d in raw_edges:
        if not graph.is_directed() and v < u:
            u, v = v, u
        edge_rows.append((u, v, k, {_attr_name(a, "edge"): _scalar(x) for a, x in d.items()}))
    edge_types = _schema([row[3] for row in edge_rows], "edge")

    out = graph.__class__()
    for key, value in graph.graph.items():
        if key not in ("node_default", "edge_default"):
            value = _scalar(value)
            out.graph[_attr_name(key, "node")] = _coerce(value, _column_type([value]))
    for node in sorted(node_data):
        data = node_data[node]
        out.add_node(node, **{key: _coerce(data.get(key), node_types[key]) for key in node_order})
    for u, v, k, data in sorted(edge_rows, key=lambda row: (row[0], row[1], _natural(row[2]))):
        attrs = {key: _coerce(data.get(key), kind) for key, kind in edge_types.items()}
        if k is None:
            out.add_edge(u, v, **attrs)
        else:
            out.add_edge(u, v, key=k, **attrs)
    return out


def _natural(key: str | None) -> tuple[Any, ...]:
    """Sort key putting e2 before e10."""
    if key is None:
        return ()
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key))


# --- writing -----------------------------------------------------------------------------------

def _graphml_bytes(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml_xml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _gexf_bytes(graph: nx.Graph) -> bytes:
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date: drop it, keep the bytes reproducible
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "conflict-kg (networkx)"
    writer.add_graph(graph)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _check(data: bytes, fmt: str, graph: nx.Graph) -> None:
    """Re-parse the XML and compare node and edge counts (raises ValueError)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:  # pragma: no cover - sanitize_graph prevents it
        raise ValueError(f"the {fmt} written is not well-formed XML: {exc}") from exc
    nodes = sum(1 for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "node")
    edges = sum(1 for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "edge")
    if (nodes, edges) != (graph.number_of_nodes(), graph.number_of_edges()):  # pragma: no cover
        raise ValueError(f"the {fmt} written has {nodes} nodes and {edges} edges, expected "
                         f"{graph.number_of_nodes()} and {graph.number_of_edges()}")


def write_graph(graph: nx.Graph, fmt: str, out: str | os.PathLike[str] | BinaryIO) -> tuple[int, int]:
    """Write any networkx graph as GraphML or GEXF (after :func:`sanitize_graph`) to a path
    (atomically: a temporary file beside it, checked, then renamed; ``"-"`` is stdout) or to
    a binary stream. Returns (nodes, edges).

    >>> g = nx.Graph(name="demo"); g.add_edge("a", "b", note="x\\x01y")
    >>> buf = io.BytesIO(); write_graph(g, "gexf", buf)
    (2, 1)
    >>> nx.read_gexf(io.BytesIO(buf.getvalue())).edges["a", "b"]["note"]
    'xy'
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown network format {fmt!r} (known: {', '.join(FORMATS)})")
    clean = sanitize_graph(graph)
    data = _graphml_bytes(clean) if fmt == "graphml" else _gexf_bytes(clean)
    _check(data, fmt, clean)
    counts = (clean.number_of_nodes(), clean.number_of_edges())
    if isinstance(out, (str, os.PathLike)):
        if os.fspath(out) == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            _atomic_write(Path(os.fspath(out)), data)
    else:
        out.write(data)
        out.flush()
    return counts


def write_projection(store: KGStore, name: str, fmt: str, out: str | os.PathLike[str] | BinaryIO,
                     conflicts: Iterable[str] | None = None) -> tuple[int, int]:
    """Write projection ``name`` of the store (limited to ``conflicts``, IRIs, when given) as
    ``fmt`` (graphml or gexf) to ``out``; returns (nodes, edges)."""
    return write_graph(projection(store, name, conflicts), fmt, out)


def _atomic_write(target: Path, data: bytes) -> None:
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:  # pragma: no cover
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
