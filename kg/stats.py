"""``kg stats``: what the store holds, counted with SPARQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.sparql import select

if TYPE_CHECKING:
    from kg.store import KGStore


def store_stats(store: KGStore) -> dict[str, Any]:
    """Counts by class, documents by kind, triples, warnings by kind."""
    by_class = select(store, """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
                                GROUP BY ?class ORDER BY DESC(?n) ?class""")
    documents = select(store, """SELECT ?kind (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d ckg:documentKind ?kind }
                                 GROUP BY ?kind ORDER BY ?kind""")
    warnings = select(store, """SELECT ?kind (COUNT(DISTINCT ?w) AS ?n) WHERE { ?d ckg:warning ?w . ?w ckg:warningKind ?kind }
                                GROUP BY ?kind ORDER BY DESC(?n) ?kind""")
    triples = select(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    graphs = select(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {
        "quads": triples[0]["n"],
        "graphs": graphs[0]["n"],
        "documents": {r["kind"]: r["n"] for r in documents},
        "classes": {r["class"]: r["n"] for r in by_class},
        "warnings": {r["kind"]: r["n"] for r in warnings},
    }


def _short(iri: str) -> str:
    from kg.rdf.terms import PREFIXES

    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def format_stats(stats: dict[str, Any]) -> str:
    lines = [f"{'quads':<32}{stats['quads']:>10}", f"{'named graphs':<32}{stats['graphs']:>10}", "documents:"]
    lines += [f"  {kind:<30}{n:>10}" for kind, n in stats["documents"].items()]
    lines.append("entities and nodes by class:")
    lines += [f"  {_short(c):<30}{n:>10}" for c, n in stats["classes"].items()]
    lines.append("warnings by kind:")
    lines += [f"  {kind:<30}{n:>10}" for kind, n in stats["warnings"].items()]
    return "\n".join(lines)


def identity_stats(store: KGStore) -> dict[str, Any]:
    """Merged, ambiguous and unlinked names, read from the identity graph."""
    from kg.rdf import terms as T

    def one(query: str) -> int:
        return select(store, query)[0]["n"]

    ident = f"<{T.IDENTITY_GRAPH.value}>"
    return {
        "entities": one(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH {ident} {{ ?e ckg:entityType ?t }} }}"),
        # entities only (they have a type): merge evidence nodes carry ckg:mergedFrom too
        "merged_entities": one(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH {ident} {{ ?e ckg:mergedFrom ?k ; ckg:entityType ?t }} }}"),
        "merged_spellings": one(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ident} {{ ?e ckg:mergedFrom ?k ; ckg:entityType ?t }} }}"),
        "merges_by_rule": {r["rule"]: r["n"] for r in select(store, f"""SELECT ?rule (COUNT(*) AS ?n) WHERE {{
            GRAPH {ident} {{ ?x a ckg:MergeEvidence ; ckg:rule ?rule }} }} GROUP BY ?rule ORDER BY ?rule""")},
        "ambiguous_names": one(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH {ident} {{ ?x a ckg:AmbiguousName }} }}"),
        "unlinked_names": one(f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH {ident} {{ ?e ckg:entityType ?t }}
            FILTER(STRSTARTS(STR(?e), "{T.NAME}")) }}"""),
        "document_scoped_names": one(f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH {ident} {{ ?e ckg:entityType ?t }}
            FILTER(STRSTARTS(STR(?e), "{T.RESOURCE}local/")) }}"""),
        "type_conflicts": one(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH {ident} {{ ?x a ckg:TypeConflict }} }}"),
    }


def format_identity(stats: dict[str, Any]) -> str:
    lines = [f"{'entities':<32}{stats['entities']:>10}",
             f"{'merged entities':<32}{stats['merged_entities']:>10}",
             f"{'merged spellings/pages':<32}{stats['merged_spellings']:>10}"]
    lines += [f"  by rule {rule:<23}{n:>10}" for rule, n in stats["merges_by_rule"].items()]
    lines += [f"{'ambiguous names':<32}{stats['ambiguous_names']:>10}",
              f"{'unlinked names (own entity)':<32}{stats['unlinked_names']:>10}",
              f"{'generic names (per document)':<32}{stats['document_scoped_names']:>10}",
              f"{'type conflicts':<32}{stats['type_conflicts']:>10}"]
    return "\n".join(lines)
