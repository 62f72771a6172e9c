"""Network projections: content checked against the corpus, GraphML/GEXF round trips through
networkx and igraph, and a sanitiser that keeps the XML well-formed."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
import xml.etree.ElementTree as ET
from collections import Counter

import networkx as nx
import pytest

from kg import projections as P
from kg.store import open_store

igraph = pytest.importorskip("igraph")

RES = "https://w3id.org/conflict-kg/resource/"
SCALARS = (str, int, float, bool)


@pytest.fixture(scope="module")
def graphs(corpus_store):
    return {name: P.projection(corpus_store, name) for name in P.PROJECTIONS}


def _party(graph, *labels):
    """The node labelled with one of ``labels`` that is in most conflicts (identity merges
    may rename a node, e.g. "Syrian Arab Republic" -> "Syria")."""
    found = [n for n, d in graph.nodes(data=True) if d["label"] in labels]
    assert found, labels
    return max(found, key=lambda n: (graph.nodes[n].get("conflicts", 0), n))


def _norm(value):
    """Compare numbers as floats (igraph reads every number as a float)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _edge_rows(graph, drop=("id",)):
    rows = []
    multi = graph.is_multigraph()
    items = graph.edges(keys=True, data=True) if multi else ((u, v, None, d) for u, v, d in graph.edges(data=True))
    for u, v, _k, data in items:
        if not graph.is_directed():
            u, v = sorted((u, v))
        rows.append((u, v, tuple(sorted((a, _norm(x)) for a, x in data.items() if a not in drop))))
    return Counter(rows)


def _node_rows(graph):
    return {n: {a: _norm(x) for a, x in d.items()} for n, d in graph.nodes(data=True)}


# --- content -----------------------------------------------------------------------------------

def test_projection_names_match_the_cli():
    assert list(P.PROJECTIONS) == ["entities", "alliances", "commanders", "mentions"]
    with pytest.raises(KeyError, match="unknown projection"):
        P.projection(None, "nope")


def test_every_projection_is_non_trivial(graphs):
    sizes = {name: (g.number_of_nodes(), g.number_of_edges()) for name, g in graphs.items()}
    assert sizes["entities"][0] > 1500 and sizes["entities"][1] > 3000, sizes
    assert sizes["alliances"][0] > 150 and sizes["alliances"][1] > 1500, sizes
    assert sizes["commanders"][0] > 500 and sizes["commanders"][1] > 1500, sizes
    assert sizes["mentions"][0] > 100 and sizes["mentions"][1] > 100, sizes
    assert isinstance(graphs["entities"], nx.MultiDiGraph)
    assert not graphs["alliances"].is_directed() and not graphs["alliances"].is_multigraph()


@pytest.mark.parametrize("name", list(P.PROJECTIONS))
def test_attributes_are_scalars_and_uniform(graphs, name):
    graph = graphs[name]
    node_keys = {frozenset(d) for _, d in graph.nodes(data=True)}
    edge_keys = {frozenset(d) for *_, d in graph.edges(data=True)}
    assert len(node_keys) == 1 and len(edge_keys) == 1, "every node (edge) carries the same attributes"
    assert {"label", "type", "iri"} <= set(next(iter(node_keys)))
    for node, data in graph.nodes(data=True):
        assert isinstance(node, str)
        assert data["iri"] == node and data["label"]
        for value in data.values():
            assert value is not None and type(value) in SCALARS, (node, data)
    for *_, data in graph.edges(data=True):
        for value in data.values():
            assert value is not None and type(value) in SCALARS, data
        if "weight" in data:
            assert type(data["weight"]) is float
    for key in next(iter(node_keys)):  # one type per attribute
        assert len({type(d[key]) for _, d in graph.nodes(data=True)}) == 1, key


def test_alliances_hezbollah_and_iran_fought_together_in_syria(graphs):
    g = graphs["alliances"]
    hezbollah, iran = _party(g, "Hezbollah"), _party(g, "Iran")
    edge = g.edges[hezbollah, iran]
    # read from the articles: same side in Aleppo, Zabadani, al-Qusayr, Rif Dimashq ...
    assert edge["same_side"] >= 3
    assert "Battle of Aleppo (2012–2016)" in edge["allied_in"].split(P.JOIN)
    assert edge["relation"] in ("allied", "allied and opposed")
    assert edge["weight"] == float(edge["same_side"])
    assert set(edge["allied_in"].split(P.JOIN)) <= set(edge["conflicts"].split(P.JOIN))
    assert g.nodes[iran]["type"] == "country"
    # the Syrian government and the Free Syrian Army met mostly as enemies
    fsa = g.edges[_party(g, "Free Syrian Army"), _party(g, "Syrian Arab Republic", "Syria")]
    assert fsa["opposite_sides"] > 20 and fsa["opposite_sides"] > fsa["same_side"]


def test_alliances_can_be_limited_to_some_conflicts(corpus_store):
    aleppo = RES + "Battle_of_Aleppo_(2012–2016)"
    g = P.alliances(corpus_store, conflicts=[aleppo])
    assert g.edges[_party(g, "Hezbollah"), _party(g, "Iran")]["same_side"] == 1
    assert all(d["conflicts"] == "Battle of Aleppo (2012–2016)" for *_, d in g.edges(data=True))


def test_commanders_link_people_parties_and_conflicts(graphs):
    g = graphs["commanders"]
    kinds = Counter(d["kind"] for _, d in g.nodes(data=True))
    assert kinds["commander"] > 300 and kinds["party"] > 100 and kinds["conflict"] > 100
    maher = _party(g, "Maher al-Assad")
    led = {g.nodes[m]["label"] for m in g[maher] if g[maher][m]["relation"] == "led"}
    assert {"Hezbollah", "Iran"} <= led
    assert g.nodes[_party(g, "Abdul Qader Saleh")]["killed_in_action"] is True
    relations = Counter(d["relation"] for *_, d in g.edges(data=True))
    assert set(relations) == {"led", "commanded in"}


def test_entities_flatten_the_n_ary_nodes(graphs):
    g = graphs["entities"]
    aleppo = RES + "Battle_of_Aleppo_(2012–2016)"
    labels = Counter(d["label"] for _, _, d in g.out_edges(aleppo, data=True))
    assert labels["party"] > 10 and labels["commander"] > 10 and labels["part of"] >= 1
    iran = _party(g, "Iran")
    party = [d for _, v, d in g.out_edges(aleppo, data=True) if v == iran and d["label"] == "party"]
    assert party and party[0]["side"] == 1 and party[0]["conflict_label"] == "Battle of Aleppo (2012–2016)"
    assert party[0]["role"] in ("belligerent", "supporter")
    assert not any("/id/" in n for n in g), "n-ary nodes are flattened, never nodes"
    assert g.nodes[aleppo]["type"] == "conflict"


def test_mentions_is_bipartite_with_counts(graphs):
    g = graphs["mentions"]
    documents = {n for n, d in g.nodes(data=True) if d["bipartite"] == 0}
    assert documents and all(g.nodes[n]["type"] == "document" for n in documents)
    assert nx.is_bipartite(g)
    for u, v, d in g.edges(data=True):
        assert (u in documents) != (v in documents)
        assert d["count"] >= 1 and d["weight"] == float(d["count"])


def test_mentions_projection_on_a_small_store():
    store = open_store(in_memory=True)
    store.update("""INSERT DATA { GRAPH <https://e.org/doc/1> {
        <https://e.org/doc/1> a ckg:NewsArticle ; rdfs:label "News 1" ; ckg:documentKind "news" ;
            schema:mentions <https://e.org/Aleppo>, <https://e.org/Iran> ;
            ckg:mentionCount <https://e.org/mc1>, <https://e.org/mc2> .
        <https://e.org/mc1> ckg:mentioned <https://e.org/Aleppo> ; ckg:count 3 .
        <https://e.org/mc2> ckg:mentioned <https://e.org/Iran> ; ckg:count 1 .
        <https://e.org/Aleppo> a ckg:Entity, ckg:Place ; rdfs:label "Aleppo" .
        <https://e.org/Iran> a ckg:Entity, ckg:Country ; rdfs:label "Iran"@en, "ایران"@fa . } }""")
    g = P.mentions(store)
    assert g.edges["https://e.org/doc/1", "https://e.org/Aleppo"]["count"] == 3
    assert g.nodes["https://e.org/doc/1"]["kind"] == "news"
    assert g.nodes["https://e.org/doc/1"]["types"] == "news article"
    assert g.nodes["https://e.org/Iran"]["label"] == "Iran" and g.nodes["https://e.org/Iran"]["type"] == "country"


def test_labels_prefer_the_identity_graph():
    store = open_store(in_memory=True)
    store.update("""INSERT DATA {
        GRAPH <https://e.org/d1> { <https://e.org/x> rdfs:label "syria" }
        GRAPH <https://e.org/d2> { <https://e.org/x> rdfs:label "syria" }
        GRAPH <https://w3id.org/conflict-kg/graph/identity> { <https://e.org/x> rdfs:label "Syria" } }""")
    assert P.labels(store) == {"https://e.org/x": "Syria"}


# --- round trips -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(P.PROJECTIONS))
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_round_trip_networkx(graphs, corpus_store, tmp_path, name, fmt):
    path = tmp_path / f"{name}.{fmt}"
    counts = P.write_projection(corpus_store, name, fmt, path)
    original = graphs[name]
    assert counts == (original.number_of_nodes(), original.number_of_edges())
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.is_directed() == original.is_directed() and back.is_multigraph() == original.is_multigraph()
    assert (back.number_of_nodes(), back.number_of_edges()) == counts
    assert _node_rows(back) == _node_rows(original)
    assert _edge_rows(back) == _edge_rows(original)
    if original.is_multigraph():
        assert {k for *_, k in back.edges(keys=True)} == {k for *_, k in original.edges(keys=True)}
    assert list(tmp_path.iterdir()) == [path], "no temporary file left behind"


@pytest.mark.parametrize("name", list(P.PROJECTIONS))
def test_round_trip_igraph(graphs, corpus_store, tmp_path, name):
    path = tmp_path / f"{name}.graphml"
    P.write_projection(corpus_store, name, "graphml", path)
    original = graphs[name]
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (original.number_of_nodes(), original.number_of_edges())
    assert g.is_directed() == original.is_directed()
    # igraph (libxml2 without entity substitution) returns "&" in XML attributes such as the
    # node id as "&#38;": the node's name is its ``iri`` attribute, read from element text
    names = g.vs["iri"]
    assert all(v["id"] == n for v, n in zip(g.vs, names) if "&" not in n)
    vertices = {v["iri"]: {a: _norm(x) for a, x in v.attributes().items() if a != "id"} for v in g.vs}
    assert vertices == _node_rows(original)
    rows = Counter()
    for e in g.es:
        u, v = names[e.source], names[e.target]
        if not g.is_directed():
            u, v = sorted((u, v))
        rows[(u, v, tuple(sorted((a, _norm(x)) for a, x in e.attributes().items() if a != "id")))] += 1
    assert rows == _edge_rows(original)


def test_writing_is_deterministic_and_streams_match_files(corpus_store, tmp_path):
    for fmt in P.FORMATS:
        first, second = io.BytesIO(), io.BytesIO()
        P.write_projection(corpus_store, "alliances", fmt, first)
        P.write_projection(corpus_store, "alliances", fmt, second)
        assert first.getvalue() == second.getvalue()
        path = tmp_path / f"a.{fmt}"
        P.write_projection(corpus_store, "alliances", fmt, path)
        assert path.read_bytes() == first.getvalue()
    gexf = (tmp_path / "a.gexf").read_text(encoding="utf-8")
    assert "lastmodifieddate" not in gexf, "a date stamp would change the bytes every day"


def test_unknown_format_is_refused(corpus_store, tmp_path):
    with pytest.raises(ValueError, match="unknown network format"):
        P.write_projection(corpus_store, "alliances", "dot", tmp_path / "x.dot")
    assert list(tmp_path.iterdir()) == []


# --- the sanitiser -----------------------------------------------------------------------------

def _hostile_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name="bad\x00name")
    g.add_node("a\x01", label="ctrl \x07 bell, lone \ud800 surrogate, nul \x00, cr\r\nlf, \ufffe",
               when=dt.date(2013, 5, 1), n=decimal.Decimal("2.5"), tags=["x", None, "y"], none=None,
               nested={"k": [1, 2]}, start="reserved in GEXF", flag=True)
    g.add_node("b", label=None, n=3, flag=False)
    g.add_edge("a\x01", "b", key="k1", weight=2, type="reserved", note="tab\there", count=None)
    g.add_edge("a\x01", "b", key="k2", weight=1.5, note="\udfff", count=4)
    return g


def test_sanitizer_output_is_scalar_and_clean():
    clean = P.sanitize_graph(_hostile_graph())
    assert set(clean.nodes) == {"a", "b"}
    a, b = clean.nodes["a"], clean.nodes["b"]
    assert a["label"] == "ctrl  bell, lone  surrogate, nul , cr\nlf, "
    assert a["when"] == "2013-05-01" and a["tags"] == "x | y" and a["none"] == "" and a["n"] == 2.5
    assert a["start_"] == "reserved in GEXF" and "start" not in a
    assert b["label"] == "b" and b["n"] == 3.0 and b["when"] == "" and b["flag"] is False
    edges = {k: d for _, _, k, d in clean.edges(keys=True, data=True)}
    assert edges["k1"]["weight"] == 2.0 and edges["k1"]["type_"] == "reserved" and edges["k1"]["count"] == 0
    assert edges["k2"]["note"] == "" and edges["k2"]["type_"] == ""
    for _, data in clean.nodes(data=True):
        assert all(type(v) in SCALARS for v in data.values())


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_and_lone_surrogates_write_well_formed_xml(tmp_path, fmt):
    graph = _hostile_graph()
    with pytest.raises(Exception):  # noqa: B017 - whatever networkx alone does with such a graph
        buf = io.BytesIO()
        (nx.write_graphml_xml if fmt == "graphml" else nx.write_gexf)(graph, buf)
        ET.fromstring(buf.getvalue())
    path = tmp_path / f"hostile.{fmt}"
    assert P.write_graph(graph, fmt, path) == (2, 2)
    ET.parse(path)  # well-formed
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    clean = P.sanitize_graph(graph)
    assert _node_rows(back) == _node_rows(clean)
    assert _edge_rows(back) == _edge_rows(clean)
    if fmt == "graphml":
        g = igraph.Graph.Read_GraphML(str(path))
        assert (g.vcount(), g.ecount()) == (2, 2)
        assert sorted(g.vs["label"]) == sorted(d["label"] for _, d in clean.nodes(data=True))


def test_clean_text_keeps_everything_xml_allows():
    text = "Ḥalab حلب 😀 tab\t nl\n \ue000 \U0010ffff"
    assert P.clean_text(text) == text
    assert P.clean_text("\x0b\x0c\x1f\ud83d\ufffe\uffff") == ""
    nan = P.sanitize_graph(nx.Graph([("a", "b", {"w": float("nan")}), ("b", "c", {"w": None})]))
    assert math.isnan(nan.edges["a", "b"]["w"]) and nan.edges["b", "c"]["w"] == 0.0


# --- the CLI -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_kg_export_projection(corpus_store, tmp_path, fmt):
    from click.testing import CliRunner

    from kg.cli import main

    store_dir = str(corpus_store.path)
    out = tmp_path / f"alliances.{fmt}"
    corpus_store.flush()
    result = CliRunner().invoke(main, ["--store", store_dir, "export", "--format", fmt, "--projection",
                                       "alliances", "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert back.number_of_edges() > 1500
    assert "alliances:" in result.output
    bad = CliRunner().invoke(main, ["--store", store_dir, "export", "--format", fmt, "--projection", "nope",
                                    "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2
