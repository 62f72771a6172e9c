"""Alliances over time (kg.camps): intervals, the signed network of a window, signed camps,
the dynamic GEXF, and the CLI's --at/--from/--to, --by-year and timeline.

The hand-checked truths below were read from the articles' infoboxes (cited per test)."""

from __future__ import annotations

import networkx as nx
import pytest
from click.testing import CliRunner
from helpers import CORPUS

from kg import analysis
from kg import camps as K
from kg import projections as P
from kg.cli import main

RES = "https://w3id.org/conflict-kg/resource/"
IS, FSA, YPG = RES + "Islamic_State_of_Iraq_and_the_Levant", RES + "Free_Syrian_Army", RES + "People's_Protection_Units"
GHURABA, TAHRIR = RES + "Ghuraba_al-Sham", RES + "Tahrir_al-Sham"
# combatant1 of "Lebanon–Syria border clashes" (date "1 June 2012 – 28 August 2017") lists
# "Ghuraba al-Sham (until 2013)", "Tahrir al-Sham (2017)", "Fatah al-Islam (until 2014)" and
# "Islamic State (2013–17)" on the same side; "Daraa Governorate campaign" is ongoing.
BORDER = CORPUS / "syria" / "lebanon–syria_border_clashes.md"
DARAA = CORPUS / "syria" / "daraa_governorate_campaign.md"


@pytest.fixture(scope="module")
def border_store(tmp_path_factory):
    """Two real articles built into an on-disk store."""
    from kg.builder import build
    from kg.store import open_store

    store = open_store(tmp_path_factory.mktemp("border") / "store")
    report = build(store, [BORDER, DARAA], progress=False)
    assert report.failed == [], report.summary()
    yield store
    store.close()


# --- intervals ---------------------------------------------------------------------------------

def test_every_dated_participation_lies_within_its_conflict(corpus_store):
    items = K.participations(corpus_store)
    dates = K.conflict_intervals(corpus_store)
    assert len(items) > 700
    periods = [p for p in items if p.period]
    assert len(periods) > 30, "the corpus has party periods (from 2013, 2015–2016, …)"
    inside = 0
    for p in items:
        war = dates.get(p.conflict)
        if p.interval is None or war is None or not war.known:
            continue
        if war.overlap(p.interval) is not None:
            assert war.overlap(p.interval) == p.interval, (p, war)
            inside += 1
    assert inside > 600
    tahrir = [p for p in items if p.party == TAHRIR and "Lebanon" in p.conflict]
    assert [str(p.interval) for p in tahrir] == ["2017-01-01/2017-08-28"]


# --- hand-checked truths -----------------------------------------------------------------------

def test_islamic_state_and_fsa_are_opposed_and_in_different_camps_in_2015(corpus_store):
    # Battle of Sarrin (March–April 2015) and (June–July 2015): combatant1 YPG, YPJ and the
    # Free Syrian Army (with CJTF–OIR), combatant2 the Islamic State.
    graph = K.signed_network(corpus_store, at=2015)
    edge = graph.edges[IS, FSA]
    assert edge["kind"] == "opposed" and edge["sign"] == -1
    assert {"Battle of Sarrin (March–April 2015)", "Battle of Sarrin (June–July 2015)"} <= set(
        edge["opposed_in"].split(P.JOIN))
    frame = K.camps(corpus_store, at=2015)
    camp = dict(zip(frame["party"], frame["camp_label"]))
    assert camp[IS] != camp[FSA]
    assert camp[FSA] == "Free Syrian Army" and camp[IS] == "Islamic State of Iraq and the Levant"
    # the time-blind, same-side-only camps put them together: what this replaces
    old = analysis.communities(corpus_store)
    old_camp = dict(zip(old["iri"], old["community"]))
    assert old_camp[IS] == old_camp[FSA]


def test_signed_camps_break_fewer_relations_than_same_side_communities(corpus_store):
    graph = K.signed_network(corpus_store, at=2015)
    signed = K.camps(graph)
    unsigned = analysis.communities(graph, min_size=1)
    by_community = dict(zip(unsigned["iri"], unsigned["community"]))
    by_community.update({n: f"alone {n}" for n in graph if n not in by_community})
    total = sum(d["positive"] + d["negative"] for *_, d in graph.edges(data=True))
    broken = sum(d["positive"] if by_community[u] != by_community[v] else d["negative"]
                 for u, v, d in graph.edges(data=True))
    assert signed.attrs["frustration"] < broken / total


def test_fsa_allies_differ_between_2013_and_2015(corpus_store):
    # Battle of Ras al-Ayn (2012–13): the YPG (combatant1) against the Free Syrian Army
    # (combatant3) into July 2013; Battle of Sarrin (2015, both): YPG and FSA on combatant1.
    in_2013 = K.partners(corpus_store, "Free Syrian Army", at=2013).set_index("partner")
    in_2015 = K.partners(corpus_store, "Free Syrian Army", at=2015).set_index("partner")
    assert in_2013.loc[YPG, "same_side"] == 0 and in_2013.loc[YPG, "relation"] == "opposed"
    assert "Battle of Ras al-Ayn (2012–13)" in in_2013.loc[YPG, "opposed_in"]
    assert in_2015.loc[YPG, "same_side"] == 2
    assert set(in_2015.loc[YPG, "allied_in"].split(P.JOIN)) == {
        "Battle of Sarrin (March–April 2015)", "Battle of Sarrin (June–July 2015)"}
    allies_2013 = set(in_2013.index[in_2013["same_side"] > 0])
    allies_2015 = set(in_2015.index[in_2015["same_side"] > 0])
    assert YPG in allies_2015 - allies_2013


def test_a_period_that_ends_before_another_starts_gives_no_alliance(border_store):
    graph = K.signed_network(border_store)
    assert not graph.has_edge(GHURABA, TAHRIR), "Ghuraba al-Sham left in 2013, Tahrir al-Sham came in 2017"
    assert not graph.has_edge(RES + "Fatah_al-Islam", TAHRIR)
    # the time-blind projection links them: same side of the same conflict
    assert P.alliances(border_store).has_edge(GHURABA, TAHRIR)
    # periods that overlap do give an alliance, and the edge keeps the overlap
    both = graph.edges[GHURABA, IS]
    assert (both["start_date"], both["end_date"], both["same_side"]) == ("2013-01-01", "2013-12-31", 1)
    with_fsa = graph.edges[GHURABA, FSA]
    assert (with_fsa["start_date"], with_fsa["end_date"]) == ("2012-06-01", "2013-12-31")
    # and a window after Ghuraba's end leaves it out
    assert GHURABA not in K.signed_network(border_store, at=2015)
    assert GHURABA in K.signed_network(border_store, start=2010, end=2013)


def test_window_keeps_only_overlaps_inside_it(border_store):
    graph = K.signed_network(border_store, at=2015)
    assert graph.graph["window"] == "2015-01-01/2015-12-31"
    for _, data in graph.nodes(data=True):
        assert "2015-01-01" <= data["start_date"] <= data["end_date"] <= "2015-12-31"
    for *_, data in graph.edges(data=True):
        assert data["same_side"] + data["opposite_sides"] >= 1 and data["weight"] >= 1
        assert data["spells"] == [(data["start_date"], data["end_date"])]


# --- dynamic GEXF ------------------------------------------------------------------------------

def test_dynamic_gexf_reads_back_with_its_intervals(border_store, tmp_path):
    path = tmp_path / "over-time.gexf"
    graph = K.alliances_over_time(border_store)
    counts = K.write_network(graph, "gexf", path)
    assert counts == (graph.number_of_nodes(), graph.number_of_edges())
    text = path.read_text(encoding="utf-8")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    back = nx.read_gexf(path)
    assert back.graph["mode"] == "dynamic"
    assert back.nodes[GHURABA]["spells"] == [("2012-06-01", "2013-12-31")]
    assert back.edges[GHURABA, IS]["spells"] == [("2013-01-01", "2013-12-31")]
    # the Daraa campaign ("14 November 2011 – present") goes on: a spell without an end
    # (networkx reads a missing end as the string "None"; Gephi as unbounded). Tahrir
    # al-Sham: "(2017)" at the border, "(since 2017)" in Daraa: one spell from 2017 on
    hezbollah = RES + "Hezbollah"  # at the border 2012-06-01/2017-08-28, in Daraa from 2011-11-14
    assert back.nodes[hezbollah]["spells"] == [("2011-11-14", "None")]
    assert back.nodes[TAHRIR]["spells"] == [("2017-01-01", "None")]
    assert 'start="2011-11-14" />' in text
    assert back.nodes[IS]["camp_label"] == graph.nodes[IS]["camp_label"] != ""
    assert not back.has_edge(GHURABA, TAHRIR)
    # GraphML has no spells: the hull is in start_date / end_date
    K.write_network(graph, "graphml", tmp_path / "over-time.graphml")
    flat = nx.read_graphml(tmp_path / "over-time.graphml")
    assert (flat.nodes[GHURABA]["start_date"], flat.nodes[GHURABA]["end_date"]) == ("2012-06-01", "2013-12-31")
    assert (flat.nodes[TAHRIR]["start_date"], flat.nodes[TAHRIR]["end_date"]) == ("2017-01-01", "")
    assert "spells" not in flat.nodes[GHURABA]


# --- the command line --------------------------------------------------------------------------

def _kg(store, *args):
    store.flush()
    return CliRunner().invoke(main, ["--store", str(store.path), *args])


def test_kg_export_window(border_store, tmp_path):
    out = tmp_path / "2013.gexf"
    result = _kg(border_store, "export", "--projection", "alliances", "--format", "gexf", "--at", "2013",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    back = nx.read_gexf(out)
    assert GHURABA in back and TAHRIR not in back
    assert back.nodes[GHURABA]["spells"] == [("2013-01-01", "2013-12-31")]
    assert "in 2013-01-01/2013-12-31" in result.output
    late = _kg(border_store, "export", "--projection", "alliances", "--format", "graphml", "--from", "2017",
               "-o", str(tmp_path / "late.graphml"))
    assert late.exit_code == 0 and TAHRIR in nx.read_graphml(tmp_path / "late.graphml")


@pytest.mark.parametrize(("args", "needle"), [
    (["--at", "20x5"], "'--at': '20x5'"),
    (["--from", "2015-13"], "'--from': '2015-13'"),
    (["--to", "soon"], "'--to': 'soon'"),
    (["--from", "2016", "--to", "2014"], "--from (2016) is after --to (2014)"),
    (["--at", "2015", "--from", "2014"], "either --at or --from/--to"),
])
def test_bad_windows_exit_2_naming_the_option(border_store, tmp_path, args, needle):
    for command in (["export", "--projection", "alliances", "--format", "gexf"], ["plot", "alliances"]):
        result = _kg(border_store, *command, *args, "-o", str(tmp_path / "x.gexf" if command[0] == "export"
                                                               else tmp_path / "x.png"))
        assert result.exit_code == 2, (command, result.output)
        assert needle in result.output
    assert not list(tmp_path.iterdir())


def test_windows_apply_to_alliances_only(border_store, tmp_path):
    mentions = _kg(border_store, "export", "--projection", "mentions", "--format", "gexf", "--at", "2015",
                   "-o", str(tmp_path / "m.gexf"))
    assert mentions.exit_code == 2 and "--projection alliances" in mentions.output
    rdf = _kg(border_store, "export", "--at", "2015", "-o", str(tmp_path / "x.ttl"))
    assert rdf.exit_code == 2
    strength = _kg(border_store, "plot", "strength", "--at", "2015", "-o", str(tmp_path / "x.png"))
    assert strength.exit_code == 2
    empty = _kg(border_store, "plot", "alliances", "--at", "1990", "-o", str(tmp_path / "x.png"))
    assert empty.exit_code == 1 and "no parties fought" in empty.output
    assert not list(tmp_path.iterdir())


def test_kg_plot_over_time(border_store, tmp_path):
    for args, name in ((["alliances", "--at", "2013"], "camps.png"),
                       (["alliances", "--by-year", "2012-2014"], "by-year.png"),
                       (["timeline", "Islamic State of Iraq and the Levant"], "timeline.png")):
        result = _kg(border_store, "plot", *args, "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = _kg(border_store, "plot", "alliances", "--by-year", "2016-2012", "-o", str(tmp_path / "x.png"))
    assert bad.exit_code == 2 and "'2016-2012'" in bad.output
    unknown = _kg(border_store, "plot", "timeline", "Nobody at all", "-o", str(tmp_path / "x.png"))
    assert unknown.exit_code == 1 and "Nobody at all" in unknown.output
    assert not (tmp_path / "x.png").exists()


def test_timeline_rows(border_store):
    frame = K.timeline(border_store, "Hezbollah")
    assert list(frame["conflict_label"]) == ["Daraa Governorate campaign", "Lebanon–Syria border clashes"]
    daraa, border = frame.iloc[0], frame.iloc[1]
    assert (daraa["start_date"], daraa["end_date"], daraa["side"]) == ("2011-11-14", "", 1)
    assert (border["start_date"], border["end_date"], border["side"]) == ("2012-06-01", "2017-08-28", 2)
    assert "Syria" in border["with"].split(P.JOIN)
    assert {"Ghuraba al-Sham", "Tahrir al-Sham"} <= set(border["against"].split(P.JOIN))
    # Ghuraba al-Sham (until 2013) never fought beside Tahrir al-Sham (2017)
    ghuraba = K.timeline(border_store, GHURABA)
    assert list(ghuraba["period"]) == ["until 2013"]
    assert "Tahrir al-Sham" not in ghuraba.iloc[0]["with"] and "Free Syrian Army" in ghuraba.iloc[0]["with"]
