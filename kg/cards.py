"""Cards: what the graph says about a conflict, an entity or a source document.

Cards are read from the store with SPARQL (never from parser objects) and follow the JSON
contract of ``shared/design/cards.md``: unknown values are ``None``, empty lists ``[]``, an
entity reference is ``{"iri", "label"}``. :func:`card` resolves a target (an IRI, a title or
label in any case, or the path of an ingested file) and returns the matching card;
:func:`render_text` prints it for people.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.identity import document_iri, normalise_title, resource_iri
from kg.rdf import terms as T
from kg.sparql import select, sparql_iri, sparql_string

if TYPE_CHECKING:
    from kg.store import KGStore


class TargetNotFound(KGError, LookupError):
    """Nothing in the graph matches the target."""


class AmbiguousTarget(KGError, LookupError):
    """Several things match the target; ``candidates`` lists them (best first).

    ``suggestions`` is true when nothing matched exactly and the candidates are partial
    matches ("did you mean"); ``heading`` is the line to print before the list.
    """

    def __init__(self, target: str, candidates: list[dict[str, str]], *, suggestions: bool = False) -> None:
        self.target = target
        self.candidates = candidates
        self.suggestions = suggestions
        self.heading = (f"nothing is called {target!r}; did you mean:" if suggestions
                        else f"{target!r} matches several things; say which:")
        names = "; ".join(f"{c['label']} <{c['iri']}>" for c in candidates[:MAX_CANDIDATES])
        what = "did you mean" if suggestions else "is ambiguous"
        super().__init__(f"{target!r}: {what}: {names}" if suggestions else f"{target!r} {what}: {names}")


#: how many "did you mean" candidates a partial target lists
MAX_CANDIDATES = 10


def _ref(iri: str | None, label: str | None) -> dict[str, Any] | None:
    if iri is None:
        return None
    return {"iri": iri, "label": label}


# --- target resolution ---------------------------------------------------------------
def resolve_target(store: KGStore, target: str, *, partial: bool = False) -> tuple[str, str]:
    """Return ``(kind, iri)`` with kind ``conflict``, ``entity`` or ``document``.

    Tried in order: an IRI; the path of an ingested file; the Wikipedia title; a label or
    alias equal to ``target`` ignoring case (several: :class:`AmbiguousTarget`). With
    ``partial``, then: the one thing whose label contains ``target`` (or all its words),
    else :class:`AmbiguousTarget` with up to :data:`MAX_CANDIDATES` suggestions, best first
    (see :func:`partial_matches`).
    """
    if target.startswith(("http://", "https://", "urn:")):
        return _kind_of(store, target) or _not_found(target), target
    if os.path.exists(target) or target.endswith((".md", ".txt", ".wiki", ".wikitext")):
        iri = _document_by_path(store, target)
        if iri:
            return "document", iri
    iri = resource_iri(target) if normalise_title(target) else None
    if iri and (kind := _kind_of(store, iri)):
        return kind, iri
    candidates = _by_label(store, target)
    if len(candidates) == 1:
        return candidates[0]["kind"], candidates[0]["iri"]
    if len(candidates) > 1:
        raise AmbiguousTarget(target, candidates)
    if partial:
        matches = partial_matches(store, target)
        if len(matches) == 1:
            return matches[0]["kind"], matches[0]["iri"]
        if matches:
            raise AmbiguousTarget(target, matches[:MAX_CANDIDATES], suggestions=True)
    _not_found(target)
    raise AssertionError("unreachable")


def _not_found(target: str) -> str:
    raise TargetNotFound(f"nothing in the graph is called {target!r}; try `kg query` or a part of the name")


def _kind_of(store: KGStore, iri: str) -> str | None:
    types = {row["type"] for row in select(store, f"SELECT ?type WHERE {{ {sparql_iri(iri)} a ?type }}")}
    if not types:
        return None
    if T.SourceDocument.value in types:
        return "document"
    return "conflict" if T.MilitaryConflict.value in types else "entity"


def _document_by_path(store: KGStore, path: str) -> str | None:
    iri = document_iri(path)
    if select(store, f"SELECT ?d WHERE {{ GRAPH ?d {{ ?d a ckg:SourceDocument }} FILTER(?d = {sparql_iri(iri)}) }}"):
        return iri
    name = os.path.basename(path)
    rows = select(store, f"""SELECT DISTINCT ?d WHERE {{ ?d ckg:sourcePath ?p
        FILTER(STRENDS(?p, {sparql_string('/' + name)}) || ?p = {sparql_string(name)}) }} ORDER BY ?d""")
    return rows[0]["d"] if len(rows) == 1 else None


def _by_label(store: KGStore, text: str) -> list[dict[str, str]]:
    """Things whose label or alias equals ``text`` ignoring case; documents only when no
    conflict or entity matches (a document shares its article's title).

    One look-up in the search keys of ontology/rules/name-keys.rq (every label and alias
    lower-cased), the way named queries bind a parameter of kind ``name``; a store without
    derived graph falls back to comparing every label.
    """
    from kg.rdf.rules import DERIVED_GRAPH

    if store.raw.contains_named_graph(DERIVED_GRAPH):
        match = f"?s skos:hiddenLabel {sparql_string(text.strip().lower())} . FILTER(isIRI(?s))"
    else:
        match = f"?s rdfs:label|skos:altLabel ?any . FILTER(LCASE(STR(?any)) = LCASE({sparql_string(text.strip())}))"
    rows = select(store, f"""
        SELECT ?s (SAMPLE(?english) AS ?en) (MIN(STR(?anyLabel)) AS ?label) (MAX(?isConflict) AS ?conflict)
               (MAX(?isDoc) AS ?doc) WHERE {{
          {{ SELECT DISTINCT ?s WHERE {{ {match} }} }}
          ?s rdfs:label ?anyLabel .
          OPTIONAL {{ ?s rdfs:label ?english FILTER(LANG(?english) = "en" || LANG(?english) = "") }}
          BIND(EXISTS {{ ?s a ckg:MilitaryConflict }} AS ?isConflict)
          BIND(EXISTS {{ ?s a ckg:SourceDocument }} AS ?isDoc)
        }} GROUP BY ?s ORDER BY ?s""")
    found = [{"iri": row["s"], "label": row["en"] or row["label"],
              "kind": "document" if row["doc"] else "conflict" if row["conflict"] else "entity"} for row in rows]
    things = [item for item in found if item["kind"] != "document"]
    return things or found


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    """Lower-case words of a text (punctuation and brackets dropped).

    >>> _words("Aleppo (2012")
    ['aleppo', '2012']
    """
    return _WORD.findall(text.casefold())


def partial_matches(store: KGStore, text: str) -> list[dict[str, str]]:
    """Things whose label or alias contains ``text`` ignoring case, or else (when none does)
    contains all its words; best first: a label that starts with the text, then the shortest (closest) label,
    then by label. Documents only when no conflict or entity matches, as for exact labels.

    Each item is ``{"iri", "label", "kind"}``; the label shown is the English one.
    """
    words = _words(text)
    if not words:
        return []
    needle = text.strip().casefold()
    # SPARQL narrows the search to labels containing every word; Python checks that they are
    # whole words, or that the text itself is a substring, and ranks
    contains = " && ".join(f"CONTAINS(LCASE(STR(?any)), {sparql_string(w)})" for w in words)
    rows = select(store, f"""
        SELECT ?s ?any (MIN(?english) AS ?en) (MAX(?isConflict) AS ?conflict) (MAX(?isDoc) AS ?doc) WHERE {{
          ?s rdfs:label|skos:altLabel ?any . FILTER({contains})
          OPTIONAL {{ ?s rdfs:label ?english FILTER(LANG(?english) = "en" || LANG(?english) = "") }}
          BIND(EXISTS {{ ?s a ckg:MilitaryConflict }} AS ?isConflict)
          BIND(EXISTS {{ ?s a ckg:SourceDocument }} AS ?isDoc)
        }} GROUP BY ?s ?any""")
    best: dict[str, tuple[tuple[int, int, int, str], dict[str, str]]] = {}
    for row in rows:
        name = str(row["any"])
        folded = name.casefold()
        if needle in folded:
            rank = 0 if folded.startswith(needle) else 1
        elif set(words) <= set(_words(name)):
            rank = 2
        else:
            continue
        label = row["en"] or name
        item = {"iri": row["s"], "label": label,
                "kind": "document" if row["doc"] else "conflict" if row["conflict"] else "entity"}
        key = (item["kind"] == "document", rank, len(name), label.casefold())
        if row["s"] not in best or key < best[row["s"]][0]:
            best[row["s"]] = (key, item)
    ranked = sorted(best.values(), key=lambda pair: (pair[0], pair[1]["iri"]))
    # the text as typed beats its words in another order: "Aleppo (2012" is the battle of
    # 2012–2016, not also "2012 Aleppo Governorate clashes"
    if any(key[1] < 2 for key, _ in ranked):
        ranked = [pair for pair in ranked if pair[0][1] < 2]
    items = [item for _, item in ranked]
    things = [item for item in items if item["kind"] != "document"]
    return things or items


# --- conflict card -------------------------------------------------------------------
def conflict_card(store: KGStore, iri: str) -> dict[str, Any]:
    """The conflict card of ``iri`` (see ``shared/design/cards.md``)."""
    c = sparql_iri(iri)
    primary = primary_source(store, c)
    # facts of one description: the primary source's, not a mix of several documents' (the
    # revisions of an article disagree on the result, and a union row would pick one by chance)
    base = select(store, f"""SELECT ?start ?end ?ongoing ?lat ?lon ?result ?dateText WHERE {{
        OPTIONAL {{ {_in(primary, f"{c} ckg:startDate ?start")} }} OPTIONAL {{ {_in(primary, f"{c} ckg:endDate ?end")} }}
        OPTIONAL {{ {_in(primary, f"{c} ckg:ongoing ?ongoing")} }} OPTIONAL {{ {_in(primary, f"{c} ckg:dateText ?dateText")} }}
        OPTIONAL {{ {_in(primary, f"{c} geo:lat ?lat ; geo:long ?lon")} }}
        OPTIONAL {{ {_in(primary, f"{c} ckg:result ?result")} }} }} ORDER BY ?start ?end ?result LIMIT 1""")
    row = base[0] if base else {}
    row["title"] = preferred_labels(store, {iri}).get(iri)
    labels: dict[str, list[str]] = defaultdict(list)
    for r in select(store, f"""SELECT DISTINCT ?text ?lang WHERE {{ {c} rdfs:label|skos:altLabel ?l
                               BIND(STR(?l) AS ?text) BIND(LANG(?l) AS ?lang) }} ORDER BY ?lang ?text"""):
        if r["text"] != row.get("title"):
            labels[r["lang"] or "und"].append(r["text"])
    card: dict[str, Any] = {
        "kind": "conflict",
        "iri": iri,
        "title": row.get("title"),
        "labels": dict(labels),
        "part_of": _refs(store, f"{c} ckg:partOf ?x"),
        "start": row.get("start"),
        "end": row.get("end"),
        "ongoing": bool(row.get("ongoing")),
        "date_text": row.get("dateText"),
        "places": _refs(store, f"{c} ckg:place ?x"),
        "coordinates": {"lat": row["lat"], "lon": row["lon"]} if row.get("lat") is not None else None,
        "result": row.get("result"),
        "result_items": [r["x"] for r in select(store, f"SELECT DISTINCT ?x WHERE {{ {_in(primary, f'{c} ckg:resultItem ?x')} }} ORDER BY ?x")],
        "primary_source": primary,
        "sides": _sides(store, c, primary),
        "casualties_total": _quantities(store, primary, f"{c} ckg:casualties ?q"),
        "sources": _documents(store, f"?d ckg:describes {c}"),
        "mentioned_in": _documents(store, f"?d schema:mentions {c}"),
        "warnings": [r["m"] for r in select(store, f"""SELECT DISTINCT ?m ?o WHERE {{
            ?d ckg:describes {c} ; ckg:warning ?w . ?w rdfs:comment ?m }} ORDER BY ?m""")],
    }
    return card


def _refs(store: KGStore, pattern: str) -> list[dict[str, Any]]:
    rows = select(store, f"""SELECT ?x (MIN(?l) AS ?label) WHERE {{ {pattern} OPTIONAL {{ ?x rdfs:label ?l }} }}
                             GROUP BY ?x ORDER BY ?label ?x""")
    return [{"iri": r["x"], "label": r["label"]} for r in rows]


def _documents(store: KGStore, pattern: str) -> list[dict[str, Any]]:
    rows = select(store, f"""SELECT DISTINCT ?d ?title ?kind WHERE {{ {pattern} .
        ?d dcterms:title ?title ; ckg:documentKind ?kind }} ORDER BY ?kind ?title ?d""")
    return [{"iri": r["d"], "title": r["title"], "kind": r["kind"]} for r in rows]


def _opt(graph: str | None, pattern: str) -> str:
    """An OPTIONAL pattern in one document's graph: without it, a node stated in its
    document and in the query view would match twice."""
    return f"OPTIONAL {{ {_in(graph, pattern)} }}"


def _in(graph: str | None, pattern: str) -> str:
    """Restrict a triple pattern to one document's graph (when several describe a conflict).

    Every required pattern of a query goes inside, OPTIONALs after it: the engine joins a
    GRAPH block with required patterns beside it by evaluating them on their own (over all
    graphs), while an OPTIONAL after it is looked up row by row."""
    return f"GRAPH {sparql_iri(graph)} {{ {pattern} }}" if graph else pattern


def primary_source(store: KGStore, c: str) -> str | None:
    """The document the query view follows for the conflict (``ckg:viewFollows``, see
    :func:`kg.view.follow`: the latest revision, then the richest, then the smallest IRI);
    in a store without view, the richest (ties: smallest IRI).

    Several documents can describe one conflict (revisions, a wikitext and a wtf copy);
    their sides differ, so the card shows one of them and lists the others as sources.
    """
    followed = select(store, f"SELECT ?d WHERE {{ GRAPH {sparql_iri(T.VIEW_GRAPH.value)} {{ {c} ckg:viewFollows ?d }} }}")
    if followed:
        return str(followed[0]["d"])
    rows = select(store, f"""SELECT ?d (COUNT(?x) AS ?n) WHERE {{ ?d ckg:describes {c} .
        GRAPH ?d {{ {c} ckg:side ?s . ?s ?p ?x }} }} GROUP BY ?d ORDER BY DESC(?n) ?d LIMIT 1""")
    return rows[0]["d"] if rows else None


def _sides(store: KGStore, c: str, graph: str | None = None) -> list[dict[str, Any]]:
    sides = select(store, f"SELECT DISTINCT ?side ?n WHERE {{ {_in(graph, f'{c} ckg:side ?side . ?side ckg:sideNumber ?n')} }} ORDER BY ?n ?side")
    merged: dict[int, dict[str, Any]] = {}
    for side_row in sides:
        s = sparql_iri(side_row["side"])
        side = merged.setdefault(side_row["n"], {"number": side_row["n"], "parties": [], "commanders": [],
                                                 "units": [], "strength": [], "casualties": []})
        side["parties"].extend(_parties(store, s, graph))
        side["commanders"].extend(_commanders(store, s, graph))
        side["units"].extend(_units(store, s, graph))
        side["strength"].extend(_quantities(store, graph, f"{s} ckg:strength ?q"))
        side["casualties"].extend(_quantities(store, graph, f"{s} ckg:casualties ?q"))
    return [merged[n] for n in sorted(merged)]


def _parties(store: KGStore, s: str, graph: str | None = None) -> list[dict[str, Any]]:
    rows = select(store, f"""SELECT ?party (MIN(?l) AS ?label) ?role ?start ?end ?text ?order ?group ?country
                                    (MIN(?cl) AS ?countryLabel) ?periodText WHERE {{
        {_in(graph, f"{s} ckg:participation ?p . ?p ckg:party ?party ; ckg:role ?r ; ckg:sourceText ?text ; ckg:order ?order")}
        BIND(IF(?r = ckg:Supporter, "supporter", "belligerent") AS ?role)
        OPTIONAL {{ ?party rdfs:label ?l }}
        {_opt(graph, "?p ckg:startDate ?start")} {_opt(graph, "?p ckg:endDate ?end")}
        {_opt(graph, "?p ckg:periodText ?periodText")} {_opt(graph, "?p ckg:group ?group")}
        OPTIONAL {{ {_in(graph, "?p ckg:flagCountry ?country")} OPTIONAL {{ ?country rdfs:label ?cl }} }}
    }} GROUP BY ?party ?role ?start ?end ?text ?order ?group ?country ?periodText ORDER BY ?order ?party""")
    return [{"iri": r["party"], "label": r["label"], "role": r["role"], "start": r["start"], "end": r["end"],
             "period": r["periodText"], "group": r["group"], "country": _ref(r["country"], r["countryLabel"]),
             "text": r["text"]} for r in rows]


def _commanders(store: KGStore, s: str, graph: str | None = None) -> list[dict[str, Any]]:
    rows = select(store, f"""SELECT ?person (MIN(?l) AS ?label) ?role ?kia ?text ?order ?fate ?claimText ?claimant
                                    (MIN(?cl) AS ?claimantLabel)
                                    (GROUP_CONCAT(DISTINCT STR(?re); separator=" ") AS ?roleLinks) WHERE {{
        {_in(graph, f"{s} ckg:command ?c . ?c ckg:commander ?person ; ckg:killedInAction ?kia ; ckg:sourceText ?text ; ckg:order ?order")}
        OPTIONAL {{ ?person rdfs:label ?l }} {_opt(graph, "?c ckg:roleDescription ?role")}
        {_opt(graph, "?c ckg:roleEntity ?re")} {_opt(graph, "?c ckg:fate ?fate")}
        {_opt(graph, "?c ckg:fateClaimText ?claimText")}
        OPTIONAL {{ {_in(graph, "?c ckg:fateClaimedBy ?claimant")} OPTIONAL {{ ?claimant rdfs:label ?cl }} }}
    }} GROUP BY ?person ?role ?kia ?text ?order ?fate ?claimText ?claimant ORDER BY ?order ?person""")
    return [{"iri": r["person"], "label": r["label"], "role": r["role"], "kia": r["kia"], "fate": r["fate"],
             "fate_claimant": _claimant({**r, "claimantName": r["claimText"]}),
             "role_links": sorted(r["roleLinks"].split()) if r["roleLinks"] else [], "text": r["text"]} for r in rows]


def _units(store: KGStore, s: str, graph: str | None = None) -> list[dict[str, Any]]:
    rows = select(store, f"""SELECT ?unit (MIN(?l) AS ?label) ?parent (MIN(?pl) AS ?parentLabel) ?start ?end
                                    ?level ?text ?order WHERE {{
        {_in(graph, f"{s} ckg:deployment ?d . ?d ckg:unit ?unit ; ckg:level ?level ; ckg:sourceText ?text ; ckg:order ?order")}
        OPTIONAL {{ ?unit rdfs:label ?l }}
        OPTIONAL {{ {_in(graph, "?d ckg:parentDeployment/ckg:unit ?parent")} OPTIONAL {{ ?parent rdfs:label ?pl }} }}
        {_opt(graph, "?d ckg:startDate ?start")} {_opt(graph, "?d ckg:endDate ?end")}
    }} GROUP BY ?unit ?parent ?start ?end ?level ?text ?order ORDER BY ?order ?unit""")
    return [{"iri": r["unit"], "label": r["label"], "parent": r["parent"], "parent_label": r["parentLabel"],
             "level": r["level"], "start": r["start"], "end": r["end"], "text": r["text"]} for r in rows]


def _quantities(store: KGStore, graph: str | None, pattern: str) -> list[dict[str, Any]]:
    rows = select(store, f"""SELECT ?q ?value ?min ?max ?approx ?asOf ?asOfEnd ?description ?about
                                    (MIN(?al) AS ?aboutLabel) ?parent ?kind ?civilian ?scope ?unknown ?text ?order ?periodText
                                    ?start ?end ?phase ?claimText ?claimantName ?claimant (MIN(?cl) AS ?claimantLabel) WHERE {{
        {_in(graph, pattern + " . ?q ckg:sourceText ?text ; ckg:order ?order ; ckg:approximate ?approx")}
        {_opt(graph, "?q ckg:value ?value")} {_opt(graph, "?q ckg:minValue ?min")} {_opt(graph, "?q ckg:maxValue ?max")}
        {_opt(graph, "?q ckg:asOf ?asOf")} {_opt(graph, "?q ckg:asOfEnd ?asOfEnd")}
        {_opt(graph, "?q ckg:description ?description")}
        OPTIONAL {{ {_in(graph, "?q ckg:about ?about")} OPTIONAL {{ ?about rdfs:label ?al }} }}
        {_opt(graph, "?q ckg:partOfEstimate ?parent")} {_opt(graph, "?q ckg:casualtyKind ?kind")}
        {_opt(graph, "?q ckg:civilian ?civilian")} {_opt(graph, "?q ckg:scope ?scope")}
        {_opt(graph, "?q ckg:unknown ?unknown")} {_opt(graph, "?q ckg:periodText ?periodText")}
        {_opt(graph, "?q ckg:startDate ?start")} {_opt(graph, "?q ckg:endDate ?end")} {_opt(graph, "?q ckg:phase ?phase")}
        {_opt(graph, "?q ckg:claimText ?claimText ; ckg:claimantName ?claimantName")}
        OPTIONAL {{ {_in(graph, "?q ckg:claimedBy ?claimant")} OPTIONAL {{ ?claimant rdfs:label ?cl }} }}
    }} GROUP BY ?q ?value ?min ?max ?approx ?asOf ?asOfEnd ?description ?about ?parent ?kind ?civilian ?scope
         ?unknown ?text ?order ?periodText ?start ?end ?phase ?claimText ?claimantName ?claimant ORDER BY ?order ?q""")
    index = {r["q"]: i for i, r in enumerate(rows)}
    out = []
    for r in rows:
        spans = r["start"] is not None or r["end"] is not None
        quantity = {"value": r["value"], "min": r["min"], "max": r["max"], "approximate": r["approx"],
                    "as_of": r["asOf"], "as_of_end": r["asOfEnd"], "as_of_text": None if spans else r["periodText"],
                    "description": r["description"],
                    "about": _ref(r["about"], r["aboutLabel"]), "part_of": index.get(r["parent"]),
                    "unknown": bool(r["unknown"]), "scope": r["scope"], "text": r["text"],
                    "claimant": _claimant(r), "phase": r["phase"],
                    "period": {"start": r["start"], "end": r["end"], "text": r["periodText"]} if spans else None}
        if r["kind"] is not None or "casualties" in pattern:
            quantity["kind"] = r["kind"]
            quantity["civilian"] = r["civilian"]
        out.append(quantity)
    return out


def _claimant(row: dict[str, Any]) -> dict[str, Any] | None:
    """Who gives a figure or a commander's fate: the entity when the claimant is one, else
    its name (cards.md)."""
    if row["claimText"] is None:
        return None
    label = row["claimantLabel"] if row["claimant"] is not None and row["claimantLabel"] else row["claimantName"]
    return {"iri": row["claimant"], "label": label, "text": row["claimText"]}


# --- entity card ---------------------------------------------------------------------
def order_types(types: list[str], decided: str | None = None) -> list[str]:
    """Types most specific first, each once: the decided type (``ckg:entityType``), the
    project's other classes, ``ckg:Entity`` (the root they all refine), then the aligned
    classes of other vocabularies (dbo:, schema:), each group by IRI.

    >>> ckg = T.CKG
    >>> order_types([ckg + "Entity", "http://dbpedia.org/ontology/Place", ckg + "Place",
    ...              ckg + "Country", ckg + "Country"], decided=ckg + "Country")  # doctest: +NORMALIZE_WHITESPACE
    ['https://w3id.org/conflict-kg/ontology#Country', 'https://w3id.org/conflict-kg/ontology#Place',
     'https://w3id.org/conflict-kg/ontology#Entity', 'http://dbpedia.org/ontology/Place']
    """
    def rank(iri: str) -> tuple[int, str]:
        if iri == decided:
            return 0, iri
        if iri == T.Entity.value:
            return 2, iri
        return (1 if iri.startswith(T.CKG) else 3), iri

    return sorted(set(types), key=rank)


def preferred_labels(store: KGStore, iris: set[str]) -> dict[str, str]:
    """One label per IRI: the smallest English (or untagged) ``rdfs:label``, else the
    smallest label in any language. Labels in other languages never add names."""
    if not iris:
        return {}
    values = " ".join(sparql_iri(iri) for iri in sorted(iris))
    rows = select(store, f"""SELECT ?x (MIN(?en) AS ?english) (MIN(STR(?l)) AS ?any) WHERE {{
        VALUES ?x {{ {values} }} ?x rdfs:label ?l
        OPTIONAL {{ ?x rdfs:label ?en FILTER(LANG(?en) = "en" || LANG(?en) = "") }} }} GROUP BY ?x""")
    return {r["x"]: r["english"] or r["any"] for r in rows}


def entity_card(store: KGStore, iri: str) -> dict[str, Any]:
    """The entity card of ``iri``: types, same-as links, conflicts and sides, allies and
    opponents with the number of conflicts behind each, commands, mentions."""
    e = sparql_iri(iri)
    label_rows = select(store, f"""SELECT (COALESCE(MIN(?en), MIN(?l)) AS ?label) WHERE {{ {e} rdfs:label ?l
        OPTIONAL {{ {e} rdfs:label ?en FILTER(LANG(?en) = "en" || LANG(?en) = "") }} }}""")
    aliases = [r["a"] for r in select(store, f"SELECT DISTINCT ?a WHERE {{ {e} skos:altLabel ?x BIND(STR(?x) AS ?a) }} ORDER BY ?a")]
    decided = select(store, f"SELECT ?t WHERE {{ {e} ckg:entityType ?t }} ORDER BY ?t LIMIT 1")
    types = order_types([r["t"] for r in select(store, f"SELECT DISTINCT ?t WHERE {{ {e} a ?t }}")],
                        decided[0]["t"] if decided else None)
    same_as = [r["s"] for r in select(store, f"SELECT DISTINCT ?s WHERE {{ {e} owl:sameAs|schema:sameAs ?s }} ORDER BY ?s")]
    # conflicts, sides, allies, opponents and commands from the query view (kg.view): one
    # description per conflict, seeded by the entity (index look-ups, whatever the store's size)
    view = sparql_iri(T.VIEW_GRAPH.value)
    conflicts = select(store, f"""SELECT ?c ?n (GROUP_CONCAT(DISTINCT ?role; separator=" ") AS ?roles) WHERE {{
        GRAPH {view} {{
        {{ ?p ckg:party {e} ; ckg:role ?r . ?s ckg:participation ?p ; ckg:sideNumber ?n . ?c ckg:side ?s
           BIND(IF(?r = ckg:Supporter, "supporter", "belligerent") AS ?role) }}
        UNION {{ ?m ckg:commander {e} . ?s ckg:command ?m ; ckg:sideNumber ?n . ?c ckg:side ?s BIND("commander" AS ?role) }}
        UNION {{ ?d ckg:unit {e} . ?s ckg:deployment ?d ; ckg:sideNumber ?n . ?c ckg:side ?s BIND("unit" AS ?role) }} }}
    }} GROUP BY ?c ?n""")
    relations = {}
    pairs: dict[str, list[dict[str, Any]]] = {}
    for name, comparison in (("allies", "="), ("opponents", "!=")):
        # one row per (other party, conflict): labels are looked up once per IRI afterwards,
        # so a conflict's labels in several languages cannot multiply its name
        pairs[name] = select(store, f"""SELECT DISTINCT ?other ?c WHERE {{ GRAPH {view} {{
            ?p1 ckg:party {e} . ?s1 ckg:participation ?p1 ; ckg:sideNumber ?n1 . ?c ckg:side ?s1 , ?s2 .
            ?s2 ckg:sideNumber ?n2 . FILTER(?n1 {comparison} ?n2)
            ?s2 ckg:participation/ckg:party ?other . FILTER(?other != {e})
        }} }}""")
    commanded = select(store, f"""SELECT DISTINCT ?c ?n ?role ?kia ?fate WHERE {{ GRAPH {view} {{
        ?m ckg:commander {e} ; ckg:killedInAction ?kia . ?s ckg:command ?m ; ckg:sideNumber ?n . ?c ckg:side ?s .
        OPTIONAL {{ ?m ckg:roleDescription ?role }} OPTIONAL {{ ?m ckg:fate ?fate }}
    }} }}""")
    labels = preferred_labels(store, {r["c"] for r in conflicts} | {r["c"] for r in commanded}
                              | {r[k] for rows in pairs.values() for r in rows for k in ("c", "other")})
    for name, rows in pairs.items():
        by_other: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            by_other[r["other"]].add(r["c"])
        ordered = sorted(by_other, key=lambda other: (-len(by_other[other]), labels.get(other) or "", other))
        relations[name] = [{"iri": other, "label": labels.get(other), "conflicts": len(by_other[other]),
                            "conflict_names": sorted(labels.get(c) or c for c in by_other[other])} for other in ordered]
    mentions = select(store, f"""SELECT ?d ?title ?kind ?path (SUM(COALESCE(?count, 1)) AS ?n) WHERE {{
        ?d schema:mentions {e} ; dcterms:title ?title ; ckg:documentKind ?kind ; ckg:sourcePath ?path .
        OPTIONAL {{ ?d ckg:mentionCount ?mc . ?mc ckg:mentioned {e} ; ckg:count ?count }}
    }} GROUP BY ?d ?title ?kind ?path ORDER BY ?kind ?title ?path ?d""")
    merged = [r["k"] for r in select(store, f"SELECT DISTINCT ?k WHERE {{ {e} ckg:mergedFrom ?k }} ORDER BY ?k")]
    evidence = select(store, f"""SELECT ?rule ?text ?doc ?key WHERE {{ {e} ckg:evidence ?x . ?x a ckg:MergeEvidence ;
        ckg:rule ?rule ; ckg:evidenceText ?text ; ckg:mergedFrom ?key OPTIONAL {{ ?x ckg:evidenceDocument ?doc }} }}
        ORDER BY ?rule ?key ?text""")
    ambiguous = select(store, f"""SELECT ?name (GROUP_CONCAT(STR(?c); separator=" ") AS ?candidates) WHERE {{
        {e} ckg:evidence ?x . ?x a ckg:AmbiguousName ; ckg:surfaceName ?name ; ckg:candidate ?c }} GROUP BY ?name""")
    type_conflicts = [r["t"] for r in select(store, f"""SELECT ?t WHERE {{ {e} ckg:evidence ?x .
        ?x a ckg:TypeConflict ; ckg:evidenceText ?t }} ORDER BY ?t""")]
    return {
        "kind": "entity",
        "iri": iri,
        "label": label_rows[0]["label"] if label_rows else None,
        "aliases": aliases,
        "type": decided[0]["t"] if decided else None,
        "types": types,
        "same_as": same_as,
        "merged_from": merged,
        "evidence": [{"rule": r["rule"], "text": r["text"], "document": r["doc"], "merged": r["key"]}
                     for r in evidence],
        "ambiguous": [{"name": r["name"], "candidates": sorted(r["candidates"].split())} for r in ambiguous],
        "type_conflicts": type_conflicts,
        "conflicts": sorted(({"iri": r["c"], "label": labels.get(r["c"]), "side": r["n"],
                              "roles": sorted(set(r["roles"].split()))} for r in conflicts),
                            key=lambda item: (item["label"] or "", item["side"], item["iri"])),
        "allies": relations["allies"],
        "opponents": relations["opponents"],
        "commanded": sorted(({"iri": r["c"], "label": labels.get(r["c"]), "side": r["n"], "role": r["role"],
                              "kia": r["kia"], "fate": r["fate"]} for r in commanded),
                            key=lambda item: (item["label"] or "", item["side"], item["role"] or "", item["kia"])),
        # one item per document; two documents may share a title (an article and a copy of
        # it), so the path tells them apart
        "mentioned_in": [{"iri": r["d"], "title": r["title"], "kind": r["kind"], "path": r["path"], "count": r["n"]}
                         for r in mentions],
    }


# --- document card -------------------------------------------------------------------
def document_card(store: KGStore, iri: str) -> dict[str, Any]:
    """The card of an ingested source document: metadata, what it describes, its warnings."""
    d = sparql_iri(iri)
    rows = select(store, f"""SELECT ?title ?kind ?path ?hash ?published ?version ?repair WHERE {{ GRAPH {d} {{
        {d} dcterms:title ?title ; ckg:documentKind ?kind ; ckg:sourcePath ?path ; ckg:contentHash ?hash ;
            ckg:toolVersion ?version .
        OPTIONAL {{ {d} schema:datePublished ?published }} OPTIONAL {{ {d} ckg:encodingRepaired ?repair }} }} }}""")
    if not rows:
        raise TargetNotFound(f"no document {iri}")
    row = rows[0]
    warnings = select(store, f"""SELECT ?kind ?field ?message WHERE {{ GRAPH {d} {{ {d} ckg:warning ?w .
        ?w ckg:warningKind ?kind ; rdfs:comment ?message OPTIONAL {{ ?w ckg:sourceField ?field }} }} }}
        ORDER BY ?field ?kind ?message""")
    mentions = select(store, f"""SELECT ?e (MIN(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?count) WHERE {{ GRAPH {d} {{
        {d} schema:mentions ?e OPTIONAL {{ ?a oa:hasBody ?e ; oa:hasTarget/oa:hasSource {d} }} }}
        OPTIONAL {{ ?e rdfs:label ?l }} }} GROUP BY ?e ORDER BY DESC(?count) ?label""")
    triples = select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {d} {{ ?s ?p ?o }} }}")
    from kg.linking import mention_spans  # lazily: the linker's word lists and wordfreq serve document cards only

    spans = mention_spans(store, iri)
    return {
        "kind": row["kind"],
        "iri": iri,
        "title": row["title"],
        "path": row["path"],
        "content_hash": row["hash"],
        "tool_version": row["version"],
        "published": row["published"],
        "encoding_repair": row["repair"],
        "describes": _refs(store, f"GRAPH {d} {{ {d} ckg:describes ?x }}"),
        "mentions": [{"iri": r["e"], "label": r["label"], "count": r["count"], "spans": spans.get(r["e"], [])}
                     for r in mentions],
        "about": _refs(store, f"GRAPH {d} {{ {d} schema:about ?x }}"),
        "triples": triples[0]["n"] if triples else 0,
        "warnings": [{"kind": r["kind"], "field": r["field"], "message": r["message"]} for r in warnings],
    }


def card(store: KGStore, target: str) -> dict[str, Any]:
    """The card for a target: a title or label (any case), an IRI, an ingested file path,
    or a part of a label that names one thing (``"Aleppo (2012"``).

    Raises :class:`TargetNotFound` or :class:`AmbiguousTarget` (with candidates, or with
    "did you mean" suggestions for a partial target).
    """
    kind, iri = resolve_target(store, target, partial=True)
    if kind == "conflict":
        return conflict_card(store, iri)
    if kind == "document":
        return document_card(store, iri)
    return entity_card(store, iri)
