"""The SPARQL guard refuses outbound or local-file access in any spelling, and nothing else."""

from __future__ import annotations

import pytest

from kg.sparql_guard import check_query

REFUSED = [
    ("service", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
    ("service", "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }"),
    ("service", "SELECT * WHERE { ?a ?b ?c { SELECT ?s WHERE { SeRvIcE <http://x/> { ?s ?p ?o } } } }"),
    ("service", r"SELECT * WHERE { \u0053ERVICE <http://x/> { ?s ?p ?o } }"),
    ("service", r"SELECT * WHERE { \U00000053ervice <http://x/> { ?s ?p ?o } }"),
    ("service", "SELECT * WHERE { SERVICE#comment\n<http://x/> { ?s ?p ?o } }"),
    ("service", "PREFIX e: <http://x/> SELECT * WHERE { SERVICE e:ep { ?s ?p ?o } }"),
    ("service", "SELECT * WHERE { SERVICE ?ep { ?s ?p ?o } VALUES ?ep { <http://x/> } }"),
    ("load", "LOAD <file:///etc/passwd>"),
    ("load", "load silent <http://x/data.ttl> into graph <http://g/>"),
    ("dataset-iri", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
    ("dataset-iri", "SELECT * FROM NAMED <FILE:/etc/hosts> WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ("dataset-iri", "PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }"),
    ("dataset-iri", "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }"),
    ("dataset-iri", r"SELECT * FROM <\u0066ile:///etc/passwd> WHERE { ?s ?p ?o }"),
    ("dataset-iri", "SELECT * FROM <passwd> WHERE { ?s ?p ?o }"),
    ("dataset-iri", "DELETE { ?s ?p ?o } USING <file:///x> WHERE { ?s ?p ?o }"),
]

ALLOWED = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * WHERE { ?s <http://example.org/service> ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o ; ex:LOAD ?l }",
    "SELECT ?service ?load WHERE { ?service ?load ?o }",
    "SELECT * WHERE { ?s ?p 'SERVICE <http://x/> LOAD <file:///>' }",
    'SELECT * WHERE { ?s ?p """a\nSERVICE\n""" } # SERVICE in a comment',
    "SELECT * FROM <https://w3id.org/conflict-kg/document/syria/a.md> WHERE { ?s ?p ?o }",
    "PREFIX doc: <https://w3id.org/conflict-kg/document/> SELECT * FROM NAMED doc:x WHERE { GRAPH ?g {?s ?p ?o} }",
    "SELECT * WHERE { FILTER(?x < 3 && ?y > 2) ?s ?p ?o }",
    "ASK {}",
]


@pytest.mark.parametrize("code,query", REFUSED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REFUSED)])
def test_refused(code, query):
    refusal = check_query(query)
    assert refusal is not None and refusal.code == code, query


@pytest.mark.parametrize("query", ALLOWED)
def test_allowed(query):
    assert check_query(query) is None
