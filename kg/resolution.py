"""One node per real-world thing, across every document of a store.

Each document graph records how it named each entity (a ``ckg:SurfaceForm``: the name as
written, the linked page if any, the field, the type the field implies, and the IRI it
resolved to). From those alone, :func:`resolve` computes identities for the whole store:

1. page titles equal up to case, dash and year form are one page (``saudi arabia`` /
   ``Saudi Arabia``; ``Battle of X (2014–15)`` / ``Battle of X (2014-2015)``);
2. the curated table ``data/aliases.tsv`` (Wikipedia redirects; users extend it) merges
   an alias - a page title or an unlinked name - into its target page;
3. an unlinked name equal to a linked page's title is that page;
4. an unlinked name equal to a link anchor that always points to one page is that page
   (``YPG`` -> People's Protection Units); an anchor pointing to several pages makes the name
   *ambiguous*: it stays a local entity and the candidates are recorded. Never across sides:
   a name on one side is not merged, through another article's anchor, into an entity its
   own document lists on an opposing side (the evidence says so);
5. generic unlinked names (``Special Forces``, ``1st Corps``) are scoped to the conflict their
   document describes (or to the document) and never merged by rules 3-4: two countries'
   special forces are not one unit.

The canonical IRI of a group is chosen by a function of the whole evidence (curated target,
the title of an article, the spelling used most), so building article by article gives the
same graph as building all at once. :func:`refresh_identity` rewrites the document graphs
whose references changed (merges are rewritten in place; a split, after a removal, re-reads
the affected source files) and replaces the identity graph, which holds the canonical
labels, the merged spellings, and the evidence for every merge, ambiguity and type conflict.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from pyoxigraph import Literal, NamedNode, Quad

from kg.document import content_hash
from kg.identity import node_iri, normalise_title, resource_iri
from kg.names import GENERIC_WORDS as GENERIC_WORDS  # re-exported: moved to kg.names
from kg.names import default_aliases_path as default_aliases_path  # re-exported: moved to kg.names
from kg.names import is_generic, load_aliases, title_fold
from kg.names import name_key as _key
from kg.process import process_file
from kg.rdf import terms as T
from kg.sparql import python_value, select

if TYPE_CHECKING:
    from kg.store import KGStore

XSD_ANYURI = NamedNode(T.XSD + "anyURI")
RDF_TYPE = NamedNode(T.RDF + "type")
RDFS_LABEL = NamedNode(T.RDFS + "label")
SKOS_ALT = NamedNode(T.SKOS + "altLabel")
IDENTITY_GRAPH = T.IDENTITY_GRAPH.value


def side_of(field_name: str) -> int | None:
    """The side a field belongs to: ``combatant2``, ``units2``, ``commander2a`` -> 2.

    >>> side_of("units2"), side_of("commander1a"), side_of("partof")
    (2, 1, None)
    """
    match = re.match(r"^(?:combatant|commander|units|strength|casualties)(\d+)[a-z]?$", field_name)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Surface:
    """How one document named one entity."""

    graph: str
    key: str  # the IRI the name gives before resolution
    name: str
    page: str | None
    resolved: str
    types: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()

    @property
    def is_page(self) -> bool:
        return self.key.startswith(T.RESOURCE) and not self.key.startswith((T.NAME, T.RESOURCE + "local/"))

    @property
    def is_local(self) -> bool:
        return self.key.startswith(T.RESOURCE + "local/")


@dataclass(frozen=True)
class Evidence:
    entity: str
    key: str
    rule: str
    text: str
    document: str | None = None


@dataclass
class Resolution:
    """Identities of a store: surface key -> canonical IRI, and why."""

    canonical: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # local key -> candidate IRIs
    entity_types: dict[str, str] = field(default_factory=dict)
    type_conflicts: dict[str, dict[str, int]] = field(default_factory=dict)

    def groups(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for key, canonical in self.canonical.items():
            grouped[canonical].append(key)
        return {c: sorted(keys) for c, keys in grouped.items()}


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller IRI becomes the root so that the result never depends on order
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


# --- reading surfaces ----------------------------------------------------------------
def load_surfaces(store: KGStore) -> list[Surface]:
    """Every surface form of the store's document graphs.

    Read by predicate with the store's indexes and assembled here
    (:func:`surfaces_from_quads`): the same records as a ``GROUP BY`` query over the surface
    nodes (``tests/test_build_incremental.py`` keeps that query as the oracle), ~30x faster.

    >>> from kg.store import open_store
    >>> load_surfaces(open_store(in_memory=True))
    []
    """
    raw = store.raw
    return surfaces_from_quads(quad for predicate in (T.surface, *_SURFACE_PREDICATES)
                               for quad in raw.quads_for_pattern(None, predicate, None, None))


def surfaces_from_quads(quads: Iterable[Quad]) -> list[Surface]:
    """The surface forms of document graphs given as quads: what :func:`load_surfaces` reads
    back once they are stored (same records, same order), without a store or a query, so
    that a build can resolve identities before it writes.

    >>> from kg.process import process_file
    >>> quads = process_file("data/wikipedia/syria/battle_of_hosn.md").quads
    >>> surfaces = surfaces_from_quads(quads)
    >>> len(surfaces) > 5, surfaces[0].graph.endswith("battle_of_hosn.md")
    (True, True)
    """
    nodes: dict[tuple[str, str], dict[str, Any]] = {}
    attached: set[tuple[str, str]] = set()
    for quad in quads:
        graph = quad.graph_name
        if not isinstance(graph, NamedNode) or not isinstance(quad.subject, NamedNode):
            continue
        p = quad.predicate
        if p == T.surface:
            if quad.subject == graph and isinstance(quad.object, NamedNode):
                attached.add((graph.value, quad.object.value))
            continue
        field = _SURFACE_FIELDS.get(p.value)
        if field is None:
            continue
        node = nodes.setdefault((graph.value, quad.subject.value), {"types": set(), "fields": set()})
        value = python_value(quad.object) if not field.startswith("*") else str(python_value(quad.object))
        if field.startswith("*"):
            node[field[1:]].add(value)
        else:
            node[field] = value
    surfaces = {Surface(graph, n["key"], n["name"], n.get("page"), n["resolved"], tuple(sorted(n["types"])),
                        tuple(sorted(n["fields"])))
                for (graph, subject), n in nodes.items()
                if (graph, subject) in attached and {"key", "name", "resolved"} <= n.keys()}
    return sorted(surfaces, key=lambda s: (s.graph, s.key, s.name, s.page or "", s.resolved, s.types, s.fields))


#: Surface-form predicates -> Surface field (``*``: several values, a set).
_SURFACE_FIELDS = {T.surfaceKey.value: "key", T.surfaceName.value: "name", T.surfacePage.value: "page",
                   T.resolvesTo.value: "resolved", T.typeEvidence.value: "*types", T.sourceField.value: "*fields"}
_SURFACE_PREDICATES = [NamedNode(iri) for iri in _SURFACE_FIELDS]


# --- resolution ----------------------------------------------------------------------
_MINOR_WORDS_CAPITALISED = frozenset({"For", "Of", "The", "And", "In", "On", "At", "To", "A", "An", "By"})

_FAMILY = {
    T.Person.value: "person",
    T.ArmedGroup.value: "organisation",
    T.MilitaryUnit.value: "organisation",
    T.Country.value: "country",
    T.Place.value: "place",
    T.MilitaryConflict.value: "conflict",
}
_COMPATIBLE = {frozenset({"country", "place"}), frozenset({"country", "organisation"})}
_TYPE_PRIORITY = [T.Country.value, T.MilitaryConflict.value, T.Person.value, T.ArmedGroup.value,
                  T.MilitaryUnit.value, T.Place.value]


def resolve(surfaces: list[Surface], aliases: dict[str, str] | None = None) -> Resolution:
    """Compute identities from surface forms (pure: the same input gives the same output,
    whatever its order, and whatever the store's IRIs were before)."""
    aliases = aliases or {}
    # an article's own title (field "title") outranks other spellings; read from the surface
    # keys, never from resolved IRIs, which a previous refresh may have renamed
    described = {s.key for s in surfaces if "title" in s.fields}
    uf = _UnionFind()
    evidence: list[Evidence] = []
    surfaces = sorted(set(surfaces), key=lambda s: (s.key, s.graph, s.name, s.page or ""))
    keys = sorted({s.key for s in surfaces})
    for key in keys:
        uf.find(key)
    title_of: dict[str, str] = {}
    for s in surfaces:
        if s.is_page and s.page is not None:
            title_of.setdefault(s.key, normalise_title(s.page))

    # 1. page titles equal up to case, dashes and year form
    pages_by_fold: dict[str, list[str]] = defaultdict(list)
    for key, page_title in sorted(title_of.items()):
        pages_by_fold[title_fold(page_title)].append(key)
    for _fold, group in sorted(pages_by_fold.items()):
        for other in group[1:]:
            uf.union(group[0], other)
            how = "case" if title_of[group[0]].casefold() == title_of[other].casefold() else "case, dashes or year form"
            evidence.append(Evidence(group[0], other, "same-title",
                                     f"titles differ only in {how}: {title_of[group[0]]!r} / {title_of[other]!r}"))

    # 2. curated aliases (redirects)
    curated_targets: set[str] = set()
    for s in surfaces:
        text = s.page if s.page is not None else s.name
        target = aliases.get(_key(text))
        if target is not None:
            target_iri = resource_iri(target)
            curated_targets.add(target_iri)
            if target_iri != s.key:
                uf.union(target_iri, s.key)
                evidence.append(Evidence(target_iri, s.key, "curated",
                                         f"data/aliases.tsv: {text!r} -> {target!r}", s.graph))

    # 3-4. unlinked names: equal to a page title, or to an unambiguous anchor
    anchors: dict[str, set[str]] = defaultdict(set)
    anchor_docs: dict[tuple[str, str], str] = {}
    for s in surfaces:
        if s.is_page and s.page is not None and _key(s.name) != _key(s.page):
            anchors[_key(s.name)].add(s.key)
            anchor_docs.setdefault((_key(s.name), s.key), s.graph)
    page_by_fold = {fold: group[0] for fold, group in pages_by_fold.items()}
    # the sides on which each document lists each key (for the guard against merging across sides)
    sides_in: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for s in surfaces:
        sides_in[s.graph][s.key].update(n for n in map(side_of, s.fields) if n is not None)
    ambiguous: dict[str, list[str]] = {}
    for s in surfaces:
        if s.is_page or s.is_local or s.page is not None:
            continue
        fold = _key(s.name)
        if fold in aliases:
            continue
        if title_fold(s.name) in page_by_fold:
            page_key = page_by_fold[title_fold(s.name)]
            uf.union(page_key, s.key)
            evidence.append(Evidence(page_key, s.key, "name-equals-title",
                                     f"unlinked name {s.name!r} is the title of a linked page", s.graph))
        elif fold in anchors and not is_generic(s.name):
            roots = sorted({uf.find(k) for k in anchors[fold]})
            if len(roots) == 1:
                page_key = sorted(anchors[fold])[0]
                if _on_opposing_sides(s, roots[0], sides_in[s.graph], uf):
                    ambiguous[s.key] = roots      # kept apart, with the page as its candidate
                    continue
                uf.union(page_key, s.key)
                evidence.append(Evidence(page_key, s.key, "anchor",
                                         f"anchor {s.name!r} links {title_of.get(page_key, page_key)!r}",
                                         anchor_docs.get((fold, page_key))))
            else:
                ambiguous[s.key] = roots

    # canonical IRI per group: a deterministic function of the evidence
    members: dict[str, list[str]] = defaultdict(list)
    for key in keys + sorted(curated_targets):
        members[uf.find(key)].append(key)
    spelled: Counter[str] = Counter()
    docs_per_key: dict[str, set[str]] = defaultdict(set)
    for s in surfaces:
        spelled[s.name] += 1
        docs_per_key[s.key].add(s.graph)

    def rank(key: str) -> tuple:
        title = title_of.get(key, "")
        words = title.split()[1:]
        return (
            key in curated_targets,
            key in described,
            key.startswith(T.RESOURCE) and not key.startswith((T.NAME, T.RESOURCE + "local/")),
            spelled.get(title, 0) > 0,
            len(docs_per_key.get(key, ())),
            # English titles keep minor words lower-case ('for', 'of'), other words capitalised
            -sum(1 for w in words if w in _MINOR_WORDS_CAPITALISED),
            sum(1 for c in title if c.isupper()),
        )

    resolution = Resolution(evidence=[], ambiguous={})
    for _root, group in sorted(members.items()):
        group = sorted(set(group))
        best = sorted(group, key=lambda k: (tuple(-int(x) if isinstance(x, bool) else -x for x in rank(k)), k))[0]
        for key in group:
            resolution.canonical[key] = best
    for key, roots in ambiguous.items():
        resolution.ambiguous[key] = sorted({resolution.canonical[r] for r in roots})
    resolution.evidence = sorted({Evidence(resolution.canonical[e.entity], e.key, e.rule, e.text, e.document)
                                  for e in evidence}, key=lambda e: (e.entity, e.key, e.rule, e.text, e.document or ""))

    # labels and decided types
    names_by_canonical: dict[str, Counter[str]] = defaultdict(Counter)
    types_by_canonical: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s in surfaces:
        canonical = resolution.canonical[s.key]
        names_by_canonical[canonical][s.name] += 1
        for rdf_type in s.types:
            types_by_canonical[canonical][rdf_type].add(s.graph)
    for canonical in sorted(set(resolution.canonical.values())):
        title = title_of.get(canonical)
        if title is None and canonical in curated_targets:
            title = next((t for t in aliases.values() if resource_iri(t) == canonical), None)
        counts = names_by_canonical.get(canonical, Counter())
        if title is None:
            title = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else canonical
        else:
            # a page linked only as 'saudi arabia' is labelled as people write it: 'Saudi Arabia'
            same = sorted(((n, name) for name, n in counts.items() if name.casefold() == title.casefold()
                           and name != title and name[:1].isupper()), key=lambda kv: (-kv[0], kv[1]))
            if same and title[1:] == title[1:].lower():
                title = same[0][1]
        resolution.labels[canonical] = title
        evidence_types = types_by_canonical.get(canonical, {})
        resolution.entity_types[canonical] = _decide_type(evidence_types)
        families = {_FAMILY[t] for t in evidence_types if t in _FAMILY}
        if any(frozenset({a, b}) not in _COMPATIBLE for a in families for b in families if a < b):
            resolution.type_conflicts[canonical] = {t.rsplit("#", 1)[-1]: len(d) for t, d in sorted(evidence_types.items())
                                                    if t in _FAMILY}
    return resolution


def _on_opposing_sides(surface: Surface, root: str, sides: dict[str, set[int]], uf: _UnionFind) -> bool:
    """True when the surface's document lists the entity ``root`` only on sides other than
    the surface's own (``sides``: key -> side numbers, in that document)."""
    own = sides.get(surface.key, set())
    theirs = set().union(*(found for key, found in sides.items() if key != surface.key and uf.find(key) == root))
    return bool(own and theirs and not theirs & own)


def _decide_type(evidence: dict[str, set[str]]) -> str:
    if T.Country.value in evidence:
        return T.Country.value
    if T.MilitaryConflict.value in evidence:
        return T.MilitaryConflict.value
    scored = [(len(evidence[t]), -_TYPE_PRIORITY.index(t), t) for t in _TYPE_PRIORITY if t in evidence]
    return max(scored)[2] if scored else T.Entity.value


# --- writing -------------------------------------------------------------------------
def identity_quads(resolution: Resolution, described: set[str]) -> list[Quad]:
    """``described``: canonical IRIs an article describes (their label is the article's title)."""
    """The identity graph: canonical labels, merged spellings and all the evidence."""
    g = T.IDENTITY_GRAPH
    quads: list[Quad] = []

    def add(s: NamedNode, p: NamedNode, o: Any) -> None:
        quads.append(Quad(s, p, o, g))

    for canonical, label in sorted(resolution.labels.items()):
        node = NamedNode(canonical)
        if canonical not in described:
            add(node, RDFS_LABEL, Literal(label, language="en"))
        add(node, T.entityType, NamedNode(resolution.entity_types[canonical]))
    for canonical, keys in sorted(resolution.groups().items()):
        for key in keys:
            if key != canonical:
                add(NamedNode(canonical), T.mergedFrom, Literal(key, datatype=XSD_ANYURI))
    for item in resolution.evidence:
        node = NamedNode(node_iri("merge", item.entity, item.key, item.rule, item.text))
        add(NamedNode(item.entity), T.evidence, node)
        add(node, RDF_TYPE, T.MergeEvidence)
        add(node, T.rule, Literal(item.rule))
        add(node, T.mergedFrom, Literal(item.key, datatype=XSD_ANYURI))
        add(node, T.evidenceText, Literal(item.text))
        if item.document:
            add(node, T.evidenceDocument, NamedNode(item.document))
    for key, candidates in sorted(resolution.ambiguous.items()):
        entity = NamedNode(resolution.canonical[key])
        node = NamedNode(node_iri("ambiguous", key))
        add(entity, T.evidence, node)
        add(node, RDF_TYPE, T.AmbiguousName)
        add(node, T.surfaceName, Literal(resolution.labels[resolution.canonical[key]]))
        for candidate in candidates:
            add(node, T.candidate, NamedNode(candidate))
    for canonical, counts in sorted(resolution.type_conflicts.items()):
        node = NamedNode(node_iri("typeconflict", canonical))
        add(NamedNode(canonical), T.evidence, node)
        add(node, RDF_TYPE, T.TypeConflict)
        text = " vs ".join(f"{name} ({n} document{'s' if n != 1 else ''})" for name, n in counts.items())
        add(node, T.evidenceText, Literal(text))
    return quads


def current_resolver(store: KGStore) -> dict[str, str]:
    """Surface key -> canonical IRI as the identity graph says now (for new documents)."""
    rows = select(store, f"""SELECT ?c ?key WHERE {{ GRAPH <{IDENTITY_GRAPH}> {{ ?c ckg:mergedFrom ?key }} }}""")
    return {r["key"]: r["c"] for r in rows}


# --- resolving before writing ---------------------------------------------------
def renames_for(surfaces: Iterable[Surface], canonical: dict[str, str]) -> tuple[dict[str, dict[str, str]], set[str]]:
    """Per graph, the renames a refresh would apply (``{graph: {old: new}}``), and the
    graphs whose identities split (one old IRI, several canonical ones), which a refresh
    re-reads from their source files instead (same rule as
    :func:`kg.resolution.refresh_identity`)."""
    mapping: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s in surfaces:
        mapping[s.graph][s.resolved].add(canonical[s.key])
    renames: dict[str, dict[str, str]] = {}
    split: set[str] = set()
    for graph, targets in sorted(mapping.items()):
        if any(len(t) > 1 for t in targets.values()):
            split.add(graph)
            continue
        rename = {old: next(iter(t)) for old, t in targets.items() if t != {old}}
        if rename:
            renames[graph] = rename
    return renames, split


def rename_quads(quads: Iterable[pyoxigraph.Quad], renames: dict[str, dict[str, str]]) -> Iterator[pyoxigraph.Quad]:
    """Quads with ``{graph: {old IRI: new IRI}}`` applied to subjects and objects (as
    :meth:`kg.store.KGStore.rename_terms` does in a store).

    >>> from pyoxigraph import NamedNode, Quad
    >>> a, b, p, g = (NamedNode(f"https://e.org/{x}") for x in "abpg")
    >>> [str(q.object) for q in rename_quads([Quad(a, p, a, g)], {g.value: {a.value: b.value}})]
    ['<https://e.org/b>']
    """
    for quad in quads:
        rename = renames.get(quad.graph_name.value) if isinstance(quad.graph_name, pyoxigraph.NamedNode) else None
        if not rename:
            yield quad
            continue
        s, o = quad.subject, quad.object
        if isinstance(s, pyoxigraph.NamedNode) and s.value in rename:
            s = pyoxigraph.NamedNode(rename[s.value])
        if isinstance(o, pyoxigraph.NamedNode) and o.value in rename:
            o = pyoxigraph.NamedNode(rename[o.value])
        yield pyoxigraph.Quad(s, quad.predicate, o, quad.graph_name)


@dataclass
class IdentityReport:
    surfaces: int = 0
    entities: int = 0
    merged_groups: int = 0
    merged_keys: int = 0
    ambiguous: int = 0
    unlinked: int = 0
    local: int = 0
    type_conflicts: int = 0
    rewritten_documents: list[str] = field(default_factory=list)
    reprocessed_documents: list[str] = field(default_factory=list)


def refresh_identity(store: KGStore, aliases: dict[str, str] | None = None, *,
                     surfaces: list[Surface] | None = None, resolution: Resolution | None = None) -> IdentityReport:
    """Recompute identities for the whole store, rewrite the document graphs whose
    references changed, and replace the identity graph.

    ``surfaces`` and ``resolution``, when given, are the store's surfaces and their
    resolution computed elsewhere (:mod:`kg.distributed` aggregates them from its workers),
    so that neither is computed twice."""
    surfaces = load_surfaces(store) if surfaces is None else surfaces
    if resolution is None:
        resolution = resolve(surfaces, load_aliases() if aliases is None else aliases)
    described = {resolution.canonical[s.key] for s in surfaces if "title" in s.fields}
    report = IdentityReport(surfaces=len(surfaces))
    by_graph: dict[str, list[Surface]] = defaultdict(list)
    for s in surfaces:
        by_graph[s.graph].append(s)
    renames: dict[str, dict[str, str]] = {}
    for graph, items in sorted(by_graph.items()):
        mapping: dict[str, set[str]] = defaultdict(set)
        for s in items:
            mapping[s.resolved].add(resolution.canonical[s.key])
        if all(targets == {old} for old, targets in mapping.items()):
            continue
        if all(len(targets) == 1 for targets in mapping.values()):
            renames[graph] = {old: next(iter(t)) for old, t in mapping.items() if t != {old}}
            report.rewritten_documents.append(graph)
        else:
            if _reprocess(store, graph, resolution.canonical):
                report.reprocessed_documents.append(graph)
    # merges are exact renames: all documents in one transaction, only the quads that change
    store.rename_terms(renames)
    store.replace_graph(IDENTITY_GRAPH, identity_quads(resolution, described))
    groups = resolution.groups()
    report.entities = len(groups)
    report.merged_groups = sum(1 for keys in groups.values() if len(keys) > 1)
    report.merged_keys = sum(len(keys) - 1 for keys in groups.values() if len(keys) > 1)
    report.ambiguous = len(resolution.ambiguous)
    report.unlinked = sum(1 for c in groups if c.startswith(T.NAME))
    report.local = sum(1 for c in groups if c.startswith(T.RESOURCE + "local/"))
    report.type_conflicts = len(resolution.type_conflicts)
    return report


def _reprocess(store: KGStore, graph: str, canonical: dict[str, str]) -> bool:
    """Re-map a document from its source file when its identities split (after a removal).
    Returns False (and leaves the graph as it is) when the file is gone or changed."""
    rows = select(store, f"SELECT ?path ?hash WHERE {{ GRAPH <{graph}> {{ <{graph}> ckg:sourcePath ?path ; ckg:contentHash ?hash }} }}")
    if not rows:
        return False
    path = rows[0]["path"].split("::", 1)[0]
    if not os.path.exists(path) or content_hash(Path(path).read_bytes()) != rows[0]["hash"]:
        return False
    processed = process_file(rows[0]["path"], resolver=canonical)
    store.replace_graph(graph, processed.quads)
    return True
