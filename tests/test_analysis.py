"""kg.analysis on the corpus: rankings, camps, alliance paths, typed DataFrames, plots, kg plot.

The expectations were checked by reading the articles' infoboxes (data/wikipedia/syria/…)."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from kg import analysis as A
from kg.store import open_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _labels(frame: pd.DataFrame) -> list[str]:
    return frame["label"].tolist()


def test_network_is_the_projection(corpus_store):
    graph = A.network(corpus_store, "alliances")
    assert isinstance(graph, nx.Graph) and graph.graph["name"] == "alliances"


@pytest.mark.parametrize("measure", A.MEASURES)
def test_centrality_ranks_the_syrian_government_and_the_fsa_first(corpus_store, measure):
    top = A.centrality(corpus_store, "alliances", measure, top=10)
    assert list(top.index) == list(range(1, 11)) and top.index.name == "rank"
    assert list(top.columns[:5]) == ["label", "type", "iri", measure, "neighbours"]
    assert top[measure].is_monotonic_decreasing
    assert top[measure].dtype == "float64" and top["neighbours"].dtype == "int64"
    # the government (whatever its label after identity merges) and the FSA are in the top 3
    first = set(_labels(top.head(3)))
    assert "Free Syrian Army" in first or (measure == "betweenness" and "Free Syrian Army" in _labels(top))
    assert first & {"Syrian Arab Republic", "Syria", "Syrian Armed Forces"}
    assert "Hezbollah" in _labels(top) or measure == "betweenness"


def test_centrality_of_other_projections_and_graphs(corpus_store):
    entities = A.centrality(corpus_store, "entities", "degree", top=5)
    assert len(entities) == 5 and "conflicts" not in entities.columns
    graph = A.alliance_network(corpus_store, A.conflicts_within(corpus_store, "Battle of Aleppo (2012–2016)"))
    local = A.centrality(graph, measure="pagerank", top=None, weight="weight")
    assert len(local) == graph.number_of_nodes() and abs(local["pagerank"].sum() - 1.0) < 1e-6
    with pytest.raises(ValueError, match="unknown measure"):
        A.centrality(corpus_store, measure="closeness")


def test_communities_separate_the_camps(corpus_store):
    camps = A.communities(corpus_store)
    assert list(camps.columns) == ["community", "community_label", "label", "type", "iri", "allies", "same_side"]
    assert camps["community"].nunique() >= 4
    camp = dict(zip(camps["label"], camps["community"]))
    # Hezbollah fought beside Iran and the Syrian army, never in the rebels' camp
    assert camp["Hezbollah"] == camp["Iran"] == camp["Syrian Armed Forces"]
    assert camp["Hezbollah"] != camp["Free Syrian Army"]
    assert camp["People's Protection Units"] != camp["Free Syrian Army"]
    sizes = camps.groupby("community").size()
    assert sizes.is_monotonic_decreasing and sizes.min() >= 2
    assert camps["iri"].is_unique


def test_alliance_path_hezbollah_iran_is_one_hop_with_its_battles(corpus_store):
    path = A.alliance_path(corpus_store, "Hezbollah", "Iran")
    assert len(path) == 1
    hop = path.iloc[0]
    assert (hop["from_label"], hop["to_label"]) == ("Hezbollah", "Iran")
    assert hop["conflicts"] >= 3
    assert "Battle of Aleppo (2012–2016)" in hop["conflict_names"].split(" | ")


def test_alliance_path_between_enemies_goes_through_allies(corpus_store):
    # Hezbollah and the People's Protection Units (YPG) never shared a side; the chain
    # between them passes through parties each fought beside
    path = A.alliance_path(corpus_store, "Hezbollah", "People's Protection Units")
    assert len(path) >= 2
    assert path["from_label"].iloc[0] == "Hezbollah" and path["to_label"].iloc[-1] == "People's Protection Units"
    assert (path["to"].iloc[:-1].tolist() == path["from"].iloc[1:].tolist())
    assert (path["conflicts"] >= 1).all() and path["conflict_names"].str.len().gt(0).all()
    assert path["step"].tolist() == list(range(1, len(path) + 1))


def test_alliance_path_errors(corpus_store):
    with pytest.raises(KeyError, match="no party called"):
        A.alliance_path(corpus_store, "Hezbollah", "Nobody at all")
    assert A.alliance_path(corpus_store, "Iran", "Iran").empty


def test_conflict_scopes(corpus_store):
    syrian = A.conflicts_within(corpus_store, "Syrian Civil War")
    folder = A.conflicts_in_folder(corpus_store, "syria")
    assert len(syrian) > 40 and len(folder) > 60
    assert "https://w3id.org/conflict-kg/resource/Battle_of_Aleppo_(2012–2016)" in syrian & folder
    assert not A.conflicts_in_folder(corpus_store, "no-such-folder")


def test_strengths_are_numbers_per_side(corpus_store):
    frame = A.strengths(corpus_store, "Battle of Aleppo (2012–2016)")
    assert frame["value"].dtype == "float64" and frame["side"].dtype == "int64"
    saa = frame[frame["description"] == "SAA soldiers"].iloc[0]
    assert (saa["side"], saa["value"], saa["as_of"]) == (1, 20000.0, "2012")
    hezbollah = frame[frame["description"] == "Lebanese Hezbollah fighters"].iloc[0]
    assert (hezbollah["low"], hezbollah["high"], hezbollah["value"]) == (2000.0, 4000.0, 3000.0)
    per_side = A.side_strengths(corpus_store, ["https://w3id.org/conflict-kg/resource/Battle_of_Aleppo_(2012–2016)"])
    sides = dict(zip(per_side["side"], per_side["strength"]))
    # side 1: 20,000 SAA + 4,000 Iraqi + 3,000 Lebanese Hezbollah + 1,500 NDF; side 2: the larger
    # of two dated "fighters" figures (15,000 in 2012, 8,000 in 2016), al-Nusra sub-counts left out
    assert sides == {1: 28500.0, 2: 15000.0}


def test_dataframe_types_numbers_and_dates(corpus_store):
    frame = A.dataframe(corpus_store, """
        SELECT ?c ?n ?start ?end ?ongoing WHERE {
          ?c a ckg:MilitaryConflict ; ckg:side ?s . ?s ckg:sideNumber ?n .
          OPTIONAL { ?c ckg:startDate ?start } OPTIONAL { ?c ckg:endDate ?end }
          OPTIONAL { ?c ckg:ongoing ?ongoing } }""")
    assert frame["n"].dtype == "int64"
    assert str(frame["start"].dtype) == "datetime64[s]" and str(frame["end"].dtype) == "datetime64[s]"
    assert "start_precision" not in frame.columns, "conflicts' dates are all full dates in the corpus"
    assert str(frame["ongoing"].dtype) in ("boolean", "bool")
    assert frame["start"].dt.year.min() >= 1900
    aleppo = frame[frame["c"].str.endswith("Battle_of_Aleppo_(2012–2016)")].iloc[0]
    assert aleppo["start"] == pd.Timestamp("2012-07-19")
    # participations' periods ("from 2013") are partial: precision column beside the dates
    periods = A.dataframe(corpus_store, "SELECT ?p ?start WHERE { ?p a ckg:Participation ; ckg:startDate ?start }")
    assert str(periods["start"].dtype) == "datetime64[s]"
    assert "year" in set(periods["start_precision"]) <= {"year", "month", "day"}
    years = periods[periods["start_precision"] == "year"]["start"]
    assert ((years.dt.month == 1) & (years.dt.day == 1)).all()
    counts = A.dataframe(corpus_store, "SELECT (COUNT(*) AS ?n) (AVG(?v) AS ?mean) WHERE { ?q ckg:value ?v }")
    assert counts["n"].dtype == "int64" and counts["mean"].dtype == "float64" and counts["n"].iloc[0] > 100


def test_dataframe_partial_dates_and_gaps():
    store = open_store(in_memory=True)
    store.update("""INSERT DATA { GRAPH <https://e.org/g> {
        <https://e.org/a> ckg:startDate "-0490"^^xsd:gYear ; ckg:value 1 ; ckg:approximate true .
        <https://e.org/b> ckg:startDate "2012-07"^^xsd:gYearMonth ; ckg:value 2.5 .
        <https://e.org/c> ckg:startDate "2012-07-19"^^xsd:date .
        <https://e.org/d> ckg:asOf "2016-12-22T10:00:00+02:00"^^xsd:dateTime . } }""")
    frame = A.dataframe(store, """SELECT ?x ?start ?v ?approx ?at WHERE { ?x ?p ?o
        OPTIONAL { ?x ckg:startDate ?start } OPTIONAL { ?x ckg:value ?v }
        OPTIONAL { ?x ckg:approximate ?approx } OPTIONAL { ?x ckg:asOf ?at } } ORDER BY ?x""").drop_duplicates("x")
    assert frame["start_precision"].tolist()[:3] == ["year", "month", "day"]
    assert frame["start"].iloc[0].year == -490  # before the common era: no overflow
    assert frame["start"].iloc[1] == pd.Timestamp("2012-07-01")
    assert frame["v"].dtype == "float64" and pd.isna(frame["v"].iloc[2])
    assert str(frame["approx"].dtype) == "boolean"
    assert str(frame["at"].dtype) == "datetime64[s, UTC]"
    assert frame["at"].iloc[3] == pd.Timestamp("2016-12-22T08:00:00Z")


def test_dataframe_named_queries(corpus_store):
    queries = pytest.importorskip("kg.queries")
    if "conflict-sides" not in queries.load_queries():
        pytest.skip("no conflict-sides query")
    sides = A.dataframe(corpus_store, "conflict-sides", conflict="Battle of Aleppo (2012–2016)")
    assert sides["side"].dtype == "int64" and set(sides["side"]) >= {1, 2}
    assert {"Hezbollah", "Iran"} <= set(sides["partyLabel"])
    with pytest.raises(KeyError, match="no named query"):
        A.dataframe(corpus_store, "no-such-query")


def test_plots_draw_coloured_labelled_figures(corpus_store):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = A.plot_alliances(corpus_store, "Syrian Civil War", top=25)
    ax = fig.axes[0]
    labels = {t.get_text() for t in ax.texts}
    assert {"Hezbollah", "Iran", "Free Syrian Army"} <= labels
    assert len(ax.get_legend().get_texts()) >= 4
    plt.close(fig)
    fig = A.plot_strengths(corpus_store, "Battle of Aleppo (2012–2016)")
    ax = fig.axes[0]
    colours = {tuple(p.get_facecolor()) for p in ax.patches}
    assert len(colours) >= 2, "sides coloured"
    assert "SAA soldiers (2012)" in {t.get_text() for t in ax.get_yticklabels()}
    plt.close(fig)


def test_kg_plot_command(corpus_store, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    corpus_store.flush()
    store = str(corpus_store.path)
    runner = CliRunner()
    out = tmp_path / "alliances.png"
    result = runner.invoke(main, ["--store", store, "plot", "alliances", "-o", str(out),
                                  "--conflict", "Syrian Civil War", "--top", "20"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = tmp_path / "strength.svg"
    result = runner.invoke(main, ["--store", store, "plot", "strength", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    result = runner.invoke(main, ["--store", store, "plot", "strength", "-o", str(tmp_path / "x.png"),
                                  "--conflict", "No such battle at all"])
    assert result.exit_code == 1
    result = runner.invoke(main, ["--store", store, "plot", "alliances", "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alliances.png", "strength.svg"]
