"""The query view: one deduplicated description per conflict, in its own named graph.

The document graphs stay the record of provenance: every fact in the graph of the document
it was read from. Several documents may describe one conflict (revisions of an article, a
copy of it), and a query joining across all of them multiplies its rows by the number of
copies and grows with the whole store. Like Wikidata's "truthy" triples beside its full
statements, the view (:data:`VIEW_GRAPH`) keeps, per conflict:

* the description of ONE document, the one it follows (:func:`follow`): the latest
  revision (the revision time a document states, ``schema:dateModified``), then the richest
  (most facts about the conflict's sides), then the smallest IRI. The rule reads only the
  documents, never when they were built, so any order of builds gives the same view
  (issue 12). The conflict says which: ``c ckg:viewFollows doc``, and ``c ckg:viewSource doc`` for every
  document describing it when the view was made;
* the conflict's own facts (dates, place, result, ``ckg:partOf`` …; not its labels, which
  stay in the document and identity graphs) and its sides; under each side one
  participation per party, one command per person, one deployment per unit: an entry that
  says the same as an earlier one (same party and role, period, group …; only its place in
  the field differs) is left out. Entries that say different things about one party stay
  (an article listing a country both as belligerent and as supporter says two things).
  Every property of an entry is copied, its interval (``ckg:intervalStart``/
  ``ckg:intervalEnd``, its period clipped to the conflict's dates) among them, so the time
  filters of the named queries read the view alone;
* each strength and casualty figure once, with ``prov:wasDerivedFrom`` every document graph
  that gives the same figure (same side, measure, text and reading of it).

The view restates facts of the document graphs with their IRIs, so the derived rules read
the same relations whether or not it exists; :func:`refresh_view` keeps it up to date,
conflict by conflict.

Example:
    >>> import kg.store
    >>> from kg.builder import build
    >>> store = kg.store.open_store(in_memory=True)
    >>> _ = build(store, ["data/wikipedia/syria/battle_of_hosn.md"], progress=False)
    >>> followed(store)  # doctest: +NORMALIZE_WHITESPACE
    {'https://w3id.org/conflict-kg/resource/Battle_of_Hosn':
     'https://w3id.org/conflict-kg/document/syria/battle_of_hosn.md'}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.rdf import terms as T

if TYPE_CHECKING:
    from kg.store import KGStore

#: The named graph of the view.
VIEW_GRAPH: ox.NamedNode = T.VIEW_GRAPH
PROV_DERIVED = ox.NamedNode(T.PROV + "wasDerivedFrom")
_MODIFIED = ox.NamedNode(T.SCHEMA + "dateModified")
#: The conflict's names stay where they are: labels are looked up by IRI, never joined over.
_NAMES = {T.RDFS + "label", T.SKOS + "altLabel", T.SKOS + "hiddenLabel"}
#: The links from a side (or, for totals, the conflict) to its entries.
_ENTRIES = {T.participation.value, T.command.value, T.deployment.value}
_FIGURES = {T.strength.value, T.casualties.value}
#: Where an entry was written, not what it says: two entries differing only here are one.
#: A figure's text is what it says (two revisions giving the same line give the same figure).
_WHERE = {T.order.value, T.sourceField.value, T.sourceText.value}
_FIGURE_WHERE = {T.order.value, T.sourceField.value}
#: Links to another entry of the same document, compared by what that entry names.
_POINTERS = {T.parentDeployment.value: T.unit.value, T.partOfEstimate.value: T.sourceText.value}

#: A term of a quad (pyoxigraph's unions are too wide for what a graph here holds).
Node = Any
Index = dict[Node, list[ox.Quad]]


@dataclass(frozen=True)
class Source:
    """A document describing a conflict, with what :func:`follow` ranks it by."""

    document: str
    revised: str  # the revision time it states, an xsd:dateTime ("" when it states none)
    richness: int  # facts about the conflict's sides in its graph


def follow(sources: Iterable[Source]) -> Source:
    """The document the view follows: the latest revision (a stated revision time beats
    none), then the richest, then the smallest IRI.

    >>> old = Source("doc:a", "2016-04-29T16:31:10Z", 90)
    >>> follow([old, Source("doc:b", "2020-01-02T00:00:00Z", 5)]).document
    'doc:b'
    >>> follow([Source("doc:c", old.revised, 90), old, Source("doc:d", "", 200)]).document
    'doc:a'
    """
    by_iri = sorted(sources, key=lambda s: s.document)
    # sorted() is stable also with reverse=True: equal keys keep the IRI order
    return sorted(by_iri, key=lambda s: (s.revised, s.richness), reverse=True)[0]


def _index(quads: Iterable[ox.Quad]) -> Index:
    by_subject: Index = defaultdict(list)
    for quad in quads:
        by_subject[quad.subject].append(quad)
    return by_subject


def _owned(term: object) -> bool:
    """Whether a node belongs to the description it hangs from (an n-ary node, not an entity)."""
    return isinstance(term, ox.BlankNode) or (isinstance(term, ox.NamedNode) and term.value.startswith(T.NODE))


def _subtree(root: ox.NamedNode, by_subject: Index) -> list[Node]:
    """The conflict and every n-ary node reachable from it, in a stable order."""
    seen: set[object] = {root}
    order: list[Node] = [root]
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        for quad in by_subject.get(node, ()):
            obj = quad.object
            if _owned(obj) and obj not in seen:
                seen.add(obj)
                order.append(obj)
                stack.append(obj)
    return order


def _text(term: Node) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def _first(by_subject: Index, node: object, predicate: str) -> str | None:
    values = sorted(_text(q.object) for q in by_subject.get(node, ()) if q.predicate.value == predicate)
    return values[0] if values else None


def _order(by_subject: Index, node: object) -> tuple[int, str]:
    order = _first(by_subject, node, T.order.value)
    return (int(order) if order is not None and order.lstrip("-").isdigit() else 1 << 30, str(node))


Key = tuple[object, ...]


def _what(by_subject: Index, node: object, where: set[str]) -> frozenset[tuple[str, str]]:
    """What an entry says: its properties but those saying where it was written (``where``),
    a link to another entry replaced by what that entry names (:data:`_POINTERS`)."""
    out: set[tuple[str, str]] = set()
    for quad in by_subject.get(node, ()):
        predicate = quad.predicate.value
        if predicate in where:
            continue
        pointer = _POINTERS.get(predicate)
        value = _first(by_subject, quad.object, pointer) if pointer else str(quad.object)
        out.add((predicate, value or ""))
    return frozenset(out)


def _entries(conflict: ox.NamedNode, by_subject: Index) -> dict[object, Key]:
    """Every entry of the conflict in one document's graph (participations, commands and
    deployments of its sides, figures of its sides and totals) -> what makes it the same
    entry as another: side number, link, and what it says (:func:`_what`)."""
    out: dict[object, Key] = {}
    holders: list[tuple[object, str]] = [(conflict, "0")]
    for quad in by_subject.get(conflict, ()):
        if quad.predicate == T.side:
            holders.append((quad.object, _first(by_subject, quad.object, T.sideNumber.value) or "?"))
    for holder, number in holders:
        for quad in by_subject.get(holder, ()):
            link = quad.predicate.value
            if link in _FIGURES or (link in _ENTRIES and holder != conflict):
                where = _FIGURE_WHERE if link in _FIGURES else _WHERE
                out[quad.object] = (number, link, _what(by_subject, quad.object, where))
    return out


def _duplicates(entries: dict[object, Key], by_subject: Index) -> dict[object, object]:
    """Entry -> the first entry (in source order) that says the same, for every later one."""
    groups: dict[Key, list[object]] = defaultdict(list)
    for node, key in entries.items():
        groups[key].append(node)
    out: dict[object, object] = {}
    for members in groups.values():
        ordered = sorted(members, key=lambda n: _order(by_subject, n))
        out.update({member: ordered[0] for member in ordered[1:]})
    return out


def _figure(key: Key) -> bool:
    return key[1] in _FIGURES


def view_quads(conflict: str, sources: dict[str, list[ox.Quad]], revised: dict[str, str] | None = None) -> list[ox.Quad]:
    """The view of one conflict from the documents describing it (document IRI -> the quads
    of its graph about the conflict, or all of them): what :func:`refresh_view` writes for
    it. Pure."""
    c = ox.NamedNode(conflict)
    indexes = {doc: _index(quads) for doc, quads in sources.items()}
    ranked = [Source(doc, (revised or {}).get(doc, ""), _richness(c, index)) for doc, index in indexes.items()]
    chosen = follow(ranked).document
    by_subject = indexes[chosen]
    entries = _entries(c, by_subject)
    duplicates = _duplicates(entries, by_subject)
    out: list[ox.Quad] = []
    seen: set[ox.Quad] = set()

    def emit(s: Node, p: ox.NamedNode, o: Node) -> None:
        quad = ox.Quad(s, p, o, VIEW_GRAPH)
        if quad not in seen:
            seen.add(quad)
            out.append(quad)

    emit(c, T.viewFollows, ox.NamedNode(chosen))
    for doc in sorted(sources):
        emit(c, T.viewSource, ox.NamedNode(doc))
    for node in _subtree(c, by_subject):
        if node in duplicates:
            continue
        for quad in by_subject[node]:
            if node == c and quad.predicate.value in _NAMES:
                continue
            emit(node, quad.predicate, duplicates.get(quad.object, quad.object))
    given = {doc: {key for key in _entries(c, index).values() if _figure(key)} for doc, index in indexes.items()}
    for node, key in entries.items():
        if _figure(key) and node not in duplicates:
            for doc in sorted(d for d, keys in given.items() if key in keys):
                emit(node, PROV_DERIVED, ox.NamedNode(doc))
    return out


def _richness(conflict: ox.NamedNode, by_subject: Index) -> int:
    return sum(len(by_subject.get(q.object, ())) for q in by_subject.get(conflict, ()) if q.predicate == T.side)


# --- the store ---------------------------------------------------------------------------

def descriptions(store: KGStore) -> dict[str, set[str]]:
    """Conflict IRI -> the documents whose graph says they describe it."""
    out: dict[str, set[str]] = defaultdict(set)
    for quad in store.raw.quads_for_pattern(None, T.describes, None, None):
        if quad.graph_name == quad.subject and isinstance(quad.object, ox.NamedNode):
            out[_text(quad.object)].add(_text(quad.subject))
    return dict(out)


def _viewed(store: KGStore) -> dict[str, set[str]]:
    """Conflict IRI -> the documents the view was made from (``ckg:viewSource``)."""
    out: dict[str, set[str]] = defaultdict(set)
    for quad in store.raw.quads_for_pattern(None, T.viewSource, None, VIEW_GRAPH):
        out[_text(quad.subject)].add(_text(quad.object))
    return dict(out)


def followed(store: KGStore) -> dict[str, str]:
    """Conflict IRI -> the document the view follows for it."""
    return {_text(q.subject): _text(q.object)
            for q in store.raw.quads_for_pattern(None, T.viewFollows, None, VIEW_GRAPH)}


def _revised(store: KGStore, documents: Iterable[str]) -> dict[str, str]:
    """Document -> the revision time its graph states (the latest, when several)."""
    out: dict[str, str] = {}
    for doc in documents:
        node = ox.NamedNode(doc)
        times = [_text(q.object) for q in store.raw.quads_for_pattern(node, _MODIFIED, None, node)]
        if times:
            out[doc] = max(times)
    return out


def _description(store: KGStore, conflict: str, graph: ox.NamedNode) -> list[ox.Quad]:
    """The quads of ``graph`` about the conflict and the n-ary nodes reachable from it: one
    index look-up per node, never a scan of the graph (a document graph is mostly mentions)."""
    raw = store.raw
    by_subject: Index = {}
    stack: list[Node] = [ox.NamedNode(conflict)]
    while stack:
        node = stack.pop()
        if node in by_subject:
            continue
        by_subject[node] = list(raw.quads_for_pattern(node, None, None, graph))
        stack.extend(q.object for q in by_subject[node] if _owned(q.object) and q.object not in by_subject)
    return [q for quads in by_subject.values() for q in quads]


def _sources(store: KGStore, conflict: str, documents: Iterable[str]) -> dict[str, list[ox.Quad]]:
    return {d: _description(store, conflict, ox.NamedNode(d)) for d in documents}


def stale(store: KGStore) -> set[str]:
    """Conflicts whose view was made from other documents than those describing them now
    (a document added, removed, or describing another conflict)."""
    now, then = descriptions(store), _viewed(store)
    return {c for c in set(now) | set(then) if now.get(c, set()) != then.get(c, set())}


def refresh_view(store: KGStore, conflicts: Iterable[str] | None = None, *,
                 documents: Iterable[str] | None = None) -> int:
    """Bring the view up to date; returns the number of conflicts recomputed.

    With neither ``conflicts`` nor ``documents``, the whole view is rebuilt. Otherwise only
    these conflicts are, plus those the ``documents`` (added, changed, or rewritten by
    identity resolution) describe, plus the :func:`stale` ones (a removed document's).
    """
    if conflicts is None and documents is None:
        now = descriptions(store)
        quads: list[ox.Quad] = []
        for conflict in sorted(now):
            revised = _revised(store, now[conflict])
            quads.extend(view_quads(conflict, _sources(store, conflict, now[conflict]), revised))
        if store.raw.contains_named_graph(VIEW_GRAPH):
            store.replace_graph(VIEW_GRAPH.value, quads)
        else:
            # a first view: the bulk loader is ~3x faster; behind the recovery marker, a build
            # killed meanwhile leaves no half view (and the next one redoes the whole view)
            store.add_graphs_bulk(quads, [VIEW_GRAPH.value])
        return len(now)
    todo = set(conflicts or ()) | stale(store)
    docs = set(documents or ())
    now = descriptions(store)
    todo |= {c for c, described_by in now.items() if described_by & docs}
    if not todo:
        return 0
    old: set[ox.Quad] = set()
    new: set[ox.Quad] = set()
    for conflict in sorted(todo):
        old.update(_description(store, conflict, VIEW_GRAPH))
        if conflict in now:
            new.update(view_quads(conflict, _sources(store, conflict, now[conflict]), _revised(store, now[conflict])))
    _apply(store, old - new, new - old)
    return len(todo)


def _apply(store: KGStore, delete: set[ox.Quad], insert: set[ox.Quad]) -> None:
    """Remove and add quads of the view in ONE update (one transaction)."""
    from kg.store import _data_op

    ops = [_data_op(verb, VIEW_GRAPH, sorted(quads, key=str)) for verb, quads in (("DELETE", delete), ("INSERT", insert))
           if quads]
    if ops:
        store.update(" ;\n".join(ops))

