"""Network projections: content checked against the corpus, GraphML/GEXF round trips through
networkx and igraph, and a sanitiser that keeps the XML well-formed."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
import xml.etree.ElementTree as ET
from collections import Counter

import igraph
import networkx as nx
import pytest

from kg import projections as P
from kg.store import open_store

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
    assert (edge["kind"], edge["sign"]) == ("allied", 1) and edge["weight"] == float(edge["same_side"])
    assert set(edge["allied_in"].split(P.JOIN)) <= set(edge["conflicts"].split(P.JOIN))
    assert g.nodes[iran]["type"] == "country"
    # the Syrian government and the Free Syrian Army met mostly as enemies
    fsa = g.edges[_party(g, "Free Syrian Army"), _party(g, "Syrian Arab Republic", "Syria")]
    assert fsa["opposite_sides"] > 20 and fsa["opposite_sides"] > fsa["same_side"]
    assert (fsa["kind"], fsa["sign"]) == ("opposed", -1) and fsa["weight"] == float(fsa["opposite_sides"])
    assert fsa["signed_weight"] == float(fsa["same_side"] - fsa["opposite_sides"])


@pytest.mark.parametrize("name", list(P.PROJECTIONS))
def test_no_edge_has_weight_zero(graphs, name):
    """Gephi drops or warns on zero-weight edges: every weight is at least 1."""
    weights = [d["weight"] for *_, d in graphs[name].edges(data=True) if "weight" in d]
    assert weights or name == "entities"
    assert all(w >= 1.0 for w in weights), Counter(w for w in weights if w < 1)


def test_allied_and_opposed_edges_are_separable(graphs):
    g = graphs["alliances"]
    kinds = Counter()
    for *_, d in g.edges(data=True):
        same, other = d["same_side"], d["opposite_sides"]
        assert same + other >= 1
        kind = "allied" if same >= other else "opposed"
        assert (d["kind"], d["sign"]) == (kind, 1 if kind == "allied" else -1), d
        assert d["weight"] == float(same if kind == "allied" else other)
        assert d["signed_weight"] == float(same - other)
        kinds[kind] += 1
    assert kinds["allied"] > 500 and kinds["opposed"] > 500, kinds
    allied = nx.subgraph_view(g, filter_edge=lambda u, v: g[u][v]["kind"] == "allied")
    assert allied.number_of_edges() == kinds["allied"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_weights_and_kinds_read_back_in_networkx_and_igraph(corpus_store, tmp_path, fmt):
    path = tmp_path / f"alliances.{fmt}"
    P.write_projection(corpus_store, "alliances", fmt, path)
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    data = [d for *_, d in back.edges(data=True)]
    assert all(d["weight"] >= 1.0 for d in data)
    assert {d["kind"] for d in data} == {"allied", "opposed"} and {d["sign"] for d in data} == {1, -1}
    if fmt == "graphml":
        g = igraph.Graph.Read_GraphML(str(path))
        assert min(g.es["weight"]) >= 1.0 and set(g.es["sign"]) == {1.0, -1.0}
        assert sorted(set(g.es["kind"])) == ["allied", "opposed"]


def test_alliances_can_be_limited_to_some_conflicts(corpus_store):
    aleppo = RES + "Battle_of_Aleppo_(2012–2016)"
    g = P.alliances(corpus_store, conflicts=[aleppo])
    assert g.edges[_party(g, "Hezbollah"), _party(g, "Iran")]["same_side"] == 1
    assert all(d["conflicts"] == "Battle of Aleppo (2012–2016)" for *_, d in g.edges(data=True))


BUCHA = RES + "Battle_of_Bucha"
DOC = "https://w3id.org/conflict-kg/document/"


def test_every_projection_can_be_limited_to_a_conflict(corpus_store, graphs):
    """data/wikipedia/ukraine/battle_of_bucha.md: combatant1 Russia, combatant2 Ukraine;
    commanders Gennady Bayur, Azatbek Omurbekov (side 1) and Anatoliy Fedoruk (side 2)."""
    scope = P.conflicts_within(corpus_store, "Battle of Bucha")
    assert scope == {BUCHA}
    alliances = P.projection(corpus_store, "alliances", scope)
    assert sorted(d["label"] for _, d in alliances.nodes(data=True)) == ["Russia", "Ukraine"]
    [(_, _, edge)] = alliances.edges(data=True)
    assert (edge["kind"], edge["opposite_sides"], edge["same_side"], edge["weight"]) == ("opposed", 1, 0, 1.0)
    assert edge["conflicts"] == "Battle of Bucha"

    commanders = P.projection(corpus_store, "commanders", scope)
    people = {d["label"] for _, d in commanders.nodes(data=True) if d["kind"] == "commander"}
    assert people == {"Gennady Bayur", "Azatbek Omurbekov", "Anatoliy Fedoruk"}
    assert {d["label"] for _, d in commanders.nodes(data=True) if d["kind"] == "conflict"} == {"Battle of Bucha"}

    entities = P.projection(corpus_store, "entities", scope)
    assert {d["conflict"] for *_, d in entities.edges(data=True)} == {BUCHA}
    assert set(entities) < set(graphs["entities"]) and BUCHA in entities
    assert {d["label"] for *_, d in entities.edges(data=True)} >= {"party", "commander", "unit"}

    # documents describing or mentioning the battle of Aleppo, with all their mentions
    aleppo = P.conflicts_within(corpus_store, "Battle of Aleppo (2012–2016)")
    mentions = P.projection(corpus_store, "mentions", aleppo)
    documents = {n for n, d in mentions.nodes(data=True) if d["bipartite"] == 0}
    assert DOC + "syria/battle_of_aleppo_(2012–2016).md" in documents
    assert DOC + "ukraine/battle_of_bucha.md" not in graphs["mentions"] or DOC + "ukraine/battle_of_bucha.md" not in documents
    for d in documents:
        assert set(mentions[d]) == set(graphs["mentions"][d])
        assert set(graphs["mentions"][d]) & aleppo or d == DOC + "syria/battle_of_aleppo_(2012–2016).md"
    assert len(documents) < sum(1 for _, d in graphs["mentions"].nodes(data=True) if d["bipartite"] == 0)


def test_a_war_scope_takes_the_conflicts_within_it(corpus_store, graphs):
    scope = P.conflicts_within(corpus_store, "Syrian Civil War")
    assert RES + "Battle_of_Aleppo_(2012–2016)" in scope and BUCHA not in scope
    for name in P.PROJECTIONS:
        scoped = P.projection(corpus_store, name, scope)
        # data/wikipedia's documents with mentions are all Syrian: the whole mentions graph
        smaller = scoped.number_of_edges() <= graphs[name].number_of_edges() if name == "mentions" else \
            scoped.number_of_edges() < graphs[name].number_of_edges()
        assert scoped.number_of_edges() > 0 and smaller, name
    conflicts = {c for *_, d in P.projection(corpus_store, "alliances", scope).edges(data=True)
                 for c in d["conflicts"].split(P.JOIN)}
    labels = P.labels(corpus_store)
    assert conflicts <= {labels.get(c, c) for c in scope}


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
    # the infobox lists "Iran (from 2013)" among the combatants of side 1, not as a supporter
    assert [(d["role"], d["period"]) for d in party] == [("belligerent", "from 2013")]
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


@pytest.mark.parametrize("name", list(P.PROJECTIONS))
def test_kg_export_projection_with_conflict(corpus_store, tmp_path, name):
    from click.testing import CliRunner

    from kg.cli import main

    corpus_store.flush()
    base = ["--store", str(corpus_store.path), "export", "--format", "graphml", "--projection", name]
    everything, aleppo = tmp_path / "all.graphml", tmp_path / "aleppo.graphml"
    assert CliRunner().invoke(main, [*base, "-o", str(everything)]).exit_code == 0
    result = CliRunner().invoke(main, [*base, "--conflict", "Battle of Aleppo (2012–2016)", "-o", str(aleppo)])
    assert result.exit_code == 0, result.output
    assert aleppo.read_bytes() != everything.read_bytes()
    scope = P.conflicts_within(corpus_store, RES + "Battle_of_Aleppo_(2012–2016)")
    expected = P.projection(corpus_store, name, scope)
    assert _edge_rows(nx.read_graphml(aleppo)) == _edge_rows(expected)
    assert (f"{name} of 'Battle of Aleppo (2012–2016)' and the {len(scope) - 1} conflicts within it: "
            f"{expected.number_of_nodes()} nodes") in result.output
    unknown = CliRunner().invoke(main, [*base, "--conflict", "Battle of Nowhere", "-o", str(tmp_path / "x.graphml")])
    assert unknown.exit_code == 1 and "Battle of Nowhere" in unknown.output
    not_a_conflict = CliRunner().invoke(main, [*base, "--conflict", "Hezbollah", "-o", str(tmp_path / "x.graphml")])
    assert not_a_conflict.exit_code == 2 and "not a conflict" in not_a_conflict.output
    assert not (tmp_path / "x.graphml").exists()


def test_kg_export_projection_with_nothing_in_the_conflict(corpus_store, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    corpus_store.flush()
    out = tmp_path / "m.gexf"
    result = CliRunner().invoke(main, ["--store", str(corpus_store.path), "export", "--format", "gexf", "--projection",
                                       "mentions", "--conflict", "Battle of Bucha", "-o", str(out)])
    assert result.exit_code == 1 and "has no edges" in result.output and not out.exists()
