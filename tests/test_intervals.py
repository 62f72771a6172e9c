"""Intervals everywhere and time-aware relations (issue 15, items 2 and 3).

* Every participation, command, deployment and figure gets ``ckg:intervalStart`` /
  ``ckg:intervalEnd``: its own period (a figure's ``as_of``) clipped to its conflict's dates,
  else the conflict's dates, as day-bound ``xsd:date`` values. Checked on real articles of
  several corpora, mapped by the real mapper; every expected value is read off the article
  text quoted beside it.
* ``ckg:alliedWith``/``ckg:opposed`` only where the two participations overlap, each overlap
  kept on a ``ckg:Alliance``/``ckg:Opposition`` node (the derived graph of the corpus store).
* The named queries take ``at``/``from``/``to`` (hand-checked answers on the corpus store);
  bad values exit 2 naming the parameter and the value.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.infobox import parse_conflict
from kg.queries import ParamError, get_query, render, run_local
from kg.rdf import terms as T
from kg.rdf.mapping import map_document
from kg.rdf.rules import DERIVED_GRAPH
from kg.readers import read_document
from kg.sparql import select
from kg.view import VIEW_GRAPH

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "data" / "wikipedia" / "syria"

#: (article, kind of node, its source text, (intervalStart, intervalEnd)) — each read by hand
#: from the article: the conflict's date field and the entry's own qualifier.
CASES = [
    # date: "1 June 2012 – 28 August 2017"; combatant1: "Tahrir al-Sham (2017)", "Jund al-Sham
    # (until 2014)", "Islamic State (2013–17)", "Free Syrian Army" (no period)
    ("syria/lebanon–syria_border_clashes.md", T.Participation, "Tahrir al-Sham (2017)", ("2017-01-01", "2017-08-28")),
    ("syria/lebanon–syria_border_clashes.md", T.Participation, "Jund al-Sham (until 2014)", ("2012-06-01", "2014-12-31")),
    ("syria/lebanon–syria_border_clashes.md", T.Participation, "Islamic State (2013–17)", ("2013-01-01", "2017-08-28")),
    ("syria/lebanon–syria_border_clashes.md", T.Participation, "Free Syrian Army", ("2012-06-01", "2017-08-28")),
    # date: "14 November 2011 – present" (ongoing: no end); "Tahrir al-Sham (since 2017)",
    # "Al-Nusra Front (until 2017)"
    ("syria/daraa_governorate_campaign.md", T.Participation, "Tahrir al-Sham (since 2017)", ("2017-01-01", None)),
    ("syria/daraa_governorate_campaign.md", T.Participation, "Al-Nusra Front (until 2017)", ("2011-11-14", "2017-12-31")),
    # date: "19 July 2012 – 22 December 2016"; Hezbollah "from 2013"
    ("syria/battle_of_aleppo_(2012–2016).md", T.Participation, "Hezbollah (from 2013)", ("2013-01-01", "2016-12-22")),
    # date: "20 February 2014 – present"; commander1: "Petro Poroshenko (2014–2019)",
    # "Oleksandr Turchynov (acting; 2014)", "Volodymyr Zelenskyy (2019–present)"
    ("ukraine/russo-ukrainian_war.md", T.Command, "Petro Poroshenko (2014–2019)", ("2014-02-20", "2019-12-31")),
    ("ukraine/russo-ukrainian_war.md", T.Command, "Oleksandr Turchynov (acting; 2014)", ("2014-02-20", "2014-12-31")),
    ("ukraine/russo-ukrainian_war.md", T.Command, "Volodymyr Zelenskyy (2019–present)", ("2019-01-01", None)),
    # date: "1 November 2014 – 15 December 2014"; casualties: "200 killed (pro-government
    # claim; by 10 November)" — a figure's as_of date, in the conflict's year
    ("syria/battle_of_al-shaykh_maskin_(2014).md", T.QuantityEstimate,
     "200 killed (pro-government claim; by 10 November)", ("2014-11-10", "2014-11-10")),
    # date: "May 8–9, 1992": entries without a period take the conflict's dates
    ("caucasus/battle_of_shusha_(1992).md", T.Command, None, ("1992-05-08", "1992-05-09")),
    ("caucasus/battle_of_shusha_(1992).md", T.QuantityEstimate, None, ("1992-05-08", "1992-05-09")),
]


@pytest.mark.parametrize(("text", "bounds"), [
    ("(2013–14)", ("2013-01-01", "2014-12-31")),          # Aleppo-style party qualifiers
    ("since mid-2016", ("2016-01-01", None)),              # "mid-" reads as the whole year
    ("until May 2014", (None, "2014-05-31")),
    ("2012 – February 2016", ("2012-01-01", "2016-02-29")),  # a leap year's February
    ("May 1994 – August 2009", ("1994-05-01", "2009-08-31")),  # Nagorno-Karabakh casualties
    ("c. 1200 BC", ("-1200-01-01", "-1200-12-31")),
    ("2014–present", ("2014-01-01", None)),
])
def test_day_bounds_of_real_period_texts(text, bounds):
    from kg.time import day_bounds, parse_period

    period = parse_period(text)
    assert period is not None and day_bounds(period) == bounds


def _typed_nodes(path: Path) -> dict[str, dict[str, list]]:
    doc = read_document(str(path))
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for quad in map_document(doc, parse_conflict(doc)):
        nodes[quad.subject.value][quad.predicate.value].append(quad.object)
    return nodes


def _interval(props: dict[str, list]) -> tuple[str | None, str | None]:
    for predicate in (T.intervalStart, T.intervalEnd):
        values = props.get(predicate.value, [])
        assert len(values) <= 1
        assert all(v.datatype.value == T.XSD + "date" for v in values)
    start, end = (props.get(p.value, [None])[0] for p in (T.intervalStart, T.intervalEnd))
    return (start.value if start else None, end.value if end else None)


def _matches(props: dict[str, list], text: str) -> bool:
    """The entry's source text, with its period qualifier (written apart for a party)."""
    source = " ".join(v.value for v in props.get(T.sourceText.value, []))
    period = " ".join(v.value for v in props.get(T.periodText.value, []))
    return text in source or text == f"{source} ({period})" or text in f"{source} ({period})".replace("  ", " ")


@pytest.mark.parametrize(("article", "kind", "text", "expected"), CASES,
                         ids=[f"{a.split('/')[1][:24]}:{(t or 'any')[:28]}" for a, _, t, _ in CASES])
def test_entries_get_their_period_clipped_to_the_conflict(article, kind, text, expected):
    nodes = _typed_nodes(ROOT / "data" / "wikipedia" / article)
    typed = [props for props in nodes.values() if kind in props.get(T.RDF + "type", [])]
    assert typed, kind
    if text is None:  # every such entry of the article: none has a period of its own
        assert {_interval(props) for props in typed} == {expected}
        return
    found = [_interval(props) for props in typed if _matches(props, text)]
    assert found, f"no {kind.value} reads {text!r}"
    assert set(found) == {expected}


def test_the_conflict_itself_has_its_day_bounds_and_an_ongoing_one_no_end():
    aleppo = _typed_nodes(SYRIA / "battle_of_aleppo_(2012–2016).md")
    daraa = _typed_nodes(SYRIA / "daraa_governorate_campaign.md")
    assert _interval(aleppo[T.RESOURCE + "Battle_of_Aleppo_(2012–2016)"]) == ("2012-07-19", "2016-12-22")
    assert _interval(daraa[T.RESOURCE + "Daraa_Governorate_campaign"]) == ("2011-11-14", None)


def test_the_query_view_carries_the_intervals(corpus_store):
    """Every participation, command, deployment and figure of the view has the interval its
    document graph gives it (the view copies it; the time filters read only the view)."""
    rows = select(corpus_store, """
        SELECT ?n ?start ?end ?docStart ?docEnd WHERE {
          GRAPH <%s> { ?c ckg:viewFollows ?doc ; ckg:side ?s . ?s ckg:participation|ckg:command|ckg:deployment ?n .
                       OPTIONAL { ?n ckg:intervalStart ?start } OPTIONAL { ?n ckg:intervalEnd ?end } }
          GRAPH ?doc { OPTIONAL { ?n ckg:intervalStart ?docStart } OPTIONAL { ?n ckg:intervalEnd ?docEnd } }
        }""" % VIEW_GRAPH.value)
    assert len(rows) > 1000
    assert all((r["start"], r["end"]) == (r["docStart"], r["docEnd"]) for r in rows)
    assert sum(r["start"] is not None for r in rows) > 0.95 * len(rows)


# --- the derived graph ----------------------------------------------------------------------

RELATIONS = """
SELECT ?kind ?conflict ?start ?end WHERE {
  GRAPH <%s> {
    ?r a ?kind ; ckg:between <%s> , <%s> ; ckg:inConflict ?conflict .
    OPTIONAL { ?r ckg:intervalStart ?start } OPTIONAL { ?r ckg:intervalEnd ?end }
  }
}"""


def relations(store, a: str, b: str) -> set[tuple[str, str, str | None, str | None]]:
    rows = select(store, RELATIONS % (DERIVED_GRAPH.value, T.RESOURCE + a, T.RESOURCE + b))
    return {(row["kind"].rsplit("#", 1)[1], row["conflict"].rsplit("/", 1)[1], row["start"], row["end"])
            for row in rows}


def derived(store, a: str, predicate, b: str) -> bool:
    """Whether ``a predicate b`` is in the derived graph (``a``, ``b``: resource names)."""
    subject, obj = (ox.NamedNode(T.RESOURCE + name) for name in (a, b))
    return bool(list(store.raw.quads_for_pattern(subject, predicate, obj, DERIVED_GRAPH)))


def test_islamic_state_and_the_free_syrian_army_are_opposed_in_2015(corpus_store):
    # battle_of_sarrin_(march–april_2015).md: date "17 March – 27 April 2015", combatant1
    # "Syrian Kurdistan … Free Syrian Army", combatant2 "Islamic State of Iraq and the Levant"
    found = relations(corpus_store, "Islamic_State_of_Iraq_and_the_Levant", "Free_Syrian_Army")
    assert ("Opposition", "Battle_of_Sarrin_(March–April_2015)", "2015-03-17", "2015-04-27") in found
    assert ("Opposition", "Battle_of_Sarrin_(June–July_2015)", "2015-06-18", "2015-07-27") in found
    assert derived(corpus_store, "Islamic_State_of_Iraq_and_the_Levant", T.opposed, "Free_Syrian_Army")
    assert derived(corpus_store, "Free_Syrian_Army", T.opposed, "Islamic_State_of_Iraq_and_the_Levant")


def test_a_period_that_ends_before_another_starts_gives_no_alliance(corpus_store):
    # lebanon–syria_border_clashes.md, combatant1: "Tahrir al-Sham (2017)" and "Jund al-Sham
    # (until 2014)" on the same side, in no other conflict together
    same_side = select(corpus_store, """
        SELECT ?n WHERE { GRAPH <%s> { ?c ckg:side ?s . ?s ckg:sideNumber ?n ;
          ckg:participation/ckg:party res:Tahrir_al-Sham , res:Jund_al-Sham } }""" % VIEW_GRAPH.value)
    assert [row["n"] for row in same_side] == [1]
    assert relations(corpus_store, "Tahrir_al-Sham", "Jund_al-Sham") == set()
    assert not derived(corpus_store, "Tahrir_al-Sham", T.alliedWith, "Jund_al-Sham")
    # ... while Jund al-Sham and the Islamic State (2013–17) overlap in 2013–2014
    assert relations(corpus_store, "Jund_al-Sham", "Islamic_State_of_Iraq_and_the_Levant") >= {
        ("Alliance", "Lebanon–Syria_border_clashes", "2013-01-01", "2014-12-31")}
    # nagorno-karabakh_conflict.md, combatant2: "Soviet Union (1988–1991) 🇹🇷 Turkey (2020)"
    assert relations(corpus_store, "Soviet_Union", "Turkey") == set()
    assert not derived(corpus_store, "Turkey", T.alliedWith, "Soviet_Union")


def test_every_derived_pair_has_a_relation_node_and_every_node_a_pair(corpus_store):
    pairs = {(q.subject.value, q.predicate.value, q.object.value)
             for p in (T.alliedWith, T.opposed) for q in corpus_store.raw.quads_for_pattern(None, p, None, DERIVED_GRAPH)}
    rows = select(corpus_store, """
        SELECT ?kind ?a ?b WHERE { GRAPH <%s> { ?r a ?kind ; ckg:between ?a , ?b . FILTER (?a != ?b) } }"""
                  % DERIVED_GRAPH.value)
    backed = {(row["a"], (T.alliedWith if row["kind"] == T.Alliance.value else T.opposed).value, row["b"]) for row in rows}
    assert pairs and pairs == backed


# --- the named queries ----------------------------------------------------------------------

def rows_of(store, name: str, **params: str) -> list[dict]:
    return run_local(store, render(get_query(name), params, examples=False)).rows


def test_hezbollah_allies_in_2014_and_2019(corpus_store):
    in_2014 = {r["allyLabel"]: r for r in rows_of(corpus_store, "party-allies", party="Hezbollah", at="2014")}
    in_2019 = {r["allyLabel"]: r for r in rows_of(corpus_store, "party-allies", party="Hezbollah", at="2019")}
    every = {r["allyLabel"] for r in rows_of(corpus_store, "party-allies", party="Hezbollah")}
    # battle_of_hosn.md (20 March 2014): Hezbollah beside the Syrian Army and the NDF
    assert "Battle of Hosn" in in_2014["National Defense Force (Syria)"]["examples"].split(" | ")
    # battle_of_aleppo_(2012–2016).md: Hezbollah (from 2013) beside Iran, to 22 December 2016
    assert "Battle of Aleppo (2012–2016)" in in_2014["Iran"]["examples"].split(" | ")
    # 2019: only the Daraa Governorate campaign ("14 November 2011 – present") is still on
    assert {c for r in in_2019.values() for c in r["examples"].split(" | ")} == {"Daraa Governorate campaign"}
    assert "Iran" in in_2019 and "Battle of Aleppo (2012–2016)" not in in_2019["Iran"]["examples"]
    assert "National Defense Force (Syria)" not in in_2019
    assert set(in_2014) != set(in_2019) and len(every) >= len(in_2014)


def _shared(store, query: str, ally: str, **window: str) -> set[str]:
    rows = rows_of(store, query, party="Free Syrian Army", **window)
    return {c for r in rows if r.get("allyLabel") == ally for c in r["examples"].split(" | ")}


def test_a_partys_allies_change_where_the_periods_say_so(corpus_store):
    # daraa_governorate_campaign.md, combatant2: "Free Syrian Army Tahrir al-Sham (since 2017)
    # Al-Nusra Front (until 2017)"
    daraa = "Daraa Governorate campaign"
    assert daraa in _shared(corpus_store, "party-allies", "Al-Nusra Front", at="2015")
    assert daraa not in _shared(corpus_store, "party-allies", "Al-Nusra Front", at="2018")
    assert daraa not in _shared(corpus_store, "party-allies", "Tahrir al-Sham", at="2015")
    assert daraa in _shared(corpus_store, "party-allies", "Tahrir al-Sham", at="2018")
    same = {r["conflictLabel"]: r for r in rows_of(corpus_store, "parties-same-side", a="Free Syrian Army",
                                                   b="Tahrir al-Sham", **{"from": "2017", "to": "2018"})}
    assert (same[daraa]["periodB"], same[daraa]["overlapStart"], same[daraa]["overlapEnd"]) == ("since 2017", "2017-01-01", None)


def test_opponents_and_opposite_sides_in_2015(corpus_store):
    opponents = {r["opponentLabel"] for r in rows_of(corpus_store, "party-opponents",
                                                     party="Islamic State of Iraq and the Levant", at="2015")}
    assert "Free Syrian Army" in opponents
    rows = rows_of(corpus_store, "parties-opposite-sides", a="Islamic State of Iraq and the Levant",
                   b="Free Syrian Army", at="2015")
    conflicts = {r["conflictLabel"] for r in rows}
    assert {"Battle of Sarrin (March–April 2015)", "Battle of Sarrin (June–July 2015)"} <= conflicts
    # battle_of_al-rai_(august_2016).md (15–20 August 2016) is outside 2015, inside from=2016
    assert "Battle of al-Rai (August 2016)" not in conflicts
    later = rows_of(corpus_store, "parties-opposite-sides", a="Islamic State of Iraq and the Levant",
                    b="Free Syrian Army", **{"from": "2016"})
    assert "Battle of al-Rai (August 2016)" in {r["conflictLabel"] for r in later}


@pytest.mark.parametrize(("params", "message"), [
    ({"at": "20x4"}, "parameter at: not a year (e.g. 2014, or -490 for 490 BC): '20x4'"),
    ({"from": "soon"}, "parameter from: not a year (e.g. 2014, or -490 for 490 BC): 'soon'"),
    ({"to": "0"}, "parameter to: not a year (e.g. 2014, or -490 for 490 BC): '0'"),
    ({"from": "2019", "to": "2014"}, "parameter from=2019 is after to=2014"),
    ({"at": "2014", "from": "2012"}, "parameter at=2014 goes with neither from nor to (got from=2012)"),
])
def test_bad_window_values_are_refused_naming_parameter_and_value(params, message):
    with pytest.raises(ParamError, match=message.replace("(", r"\(").replace(")", r"\)")):
        render(get_query("party-allies"), {"party": "Hezbollah", **params})


def test_kg_query_exits_2_on_a_bad_year(tmp_path):
    from kg.cli import main

    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "query", "party-allies",
                                       "-p", "party=Hezbollah", "-p", "at=mid-2014"])
    assert result.exit_code == 2
    assert "parameter at" in result.output and "'mid-2014'" in result.output


def test_an_optional_window_is_not_bound_when_not_given():
    query = get_query("party-allies")
    plain = render(query, {"party": "Hezbollah"})
    assert "VALUES ?at" not in plain and "VALUES ?from" not in plain
    assert "VALUES ?at { 2014 }" in render(query, {"party": "Hezbollah", "at": "2014"})
    assert "VALUES ?at" not in render(query)  # the example query is the unrestricted one
