"""The graph of the whole wtf_wikipedia corpus: SHACL conformance, exports that parse back
into the same graph with two independent parsers, and byte-identical rebuilds."""

from __future__ import annotations

import pyoxigraph
import pytest
import rdflib

import kg
from conftest import CORPUS
from kg.builder import BUILD_LOG_GRAPH, build
from kg.exporter import export, format_for
from kg.validate import format_report, validate_store


def _graphs(store):
    return [g for g in store.graphs() if g != BUILD_LOG_GRAPH]


def _store_quads(store) -> set[tuple[str, str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
            for g in _graphs(store) for q in store.quads(g)}


def test_corpus_conforms_to_shapes(corpus_store):
    report = validate_store(corpus_store)
    assert report.conforms, format_report(report)


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_quad_exports_parse_back_identical(corpus_store, tmp_path, fmt):
    out = tmp_path / f"corpus.{fmt}"
    export(corpus_store, format_for(fmt), out, graphs=_graphs(corpus_store))
    rdf_format = pyoxigraph.RdfFormat.N_QUADS if fmt == "nq" else pyoxigraph.RdfFormat.TRIG
    parsed = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
              for q in pyoxigraph.parse(path=str(out), format=rdf_format)}
    assert parsed == _store_quads(corpus_store)
    dataset = rdflib.Dataset()
    dataset.parse(out, format="nquads" if fmt == "nq" else "trig")
    assert sum(len(g) for g in dataset.graphs() if g.identifier != rdflib.URIRef("urn:x-rdflib:default")) \
        == len(_store_quads(corpus_store))


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_triple_exports_are_isomorphic_to_the_union(corpus_store, tmp_path, fmt):
    out = tmp_path / f"corpus.{fmt}"
    export(corpus_store, format_for(fmt), out, graphs=_graphs(corpus_store))
    union = rdflib.Graph()
    for s, p, o, _ in _store_quads(corpus_store):
        union.add(tuple(rdflib.util.from_n3(term) for term in (s, p, o)))
    with_rdflib = rdflib.Graph().parse(out, format="turtle" if fmt == "ttl" else "nt")
    rdf_format = pyoxigraph.RdfFormat.TURTLE if fmt == "ttl" else pyoxigraph.RdfFormat.N_TRIPLES
    with_oxigraph = {(str(t.subject), str(t.predicate), str(t.object))
                     for t in pyoxigraph.parse(path=str(out), format=rdf_format)}
    assert len(with_oxigraph) == len(union) == len(with_rdflib)
    # no blank nodes anywhere: isomorphism is equality of the triple sets
    assert set(with_rdflib) == set(union)


def test_two_builds_from_scratch_give_identical_turtle(tmp_path):
    outputs = []
    for name in ("first", "second"):
        store = kg.open_store(tmp_path / name)
        report = build(store, [CORPUS], progress=False)
        assert not report.failed
        out = tmp_path / f"{name}.ttl"
        export(store, format_for("ttl"), out, graphs=_graphs(store))
        outputs.append(out.read_bytes())
        store.close()
    assert outputs[0] == outputs[1]
    assert b"ns1:" not in outputs[0] and b"@prefix ckg: <https://w3id.org/conflict-kg/ontology#>" in outputs[0]
