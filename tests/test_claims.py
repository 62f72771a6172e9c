"""Who claims a figure (issue 13 items 1-2): the claim phrases of real infoboxes, the
claimant's entity, and the fields that belong to no side."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.document import Link
from kg.infobox import parse_conflict
from kg.infobox.claims import claim_in, read_claim, read_phase
from kg.readers import read_document

ROOT = Path(__file__).resolve().parents[1]


# (phrase as written in a real field, article it is from, claimant name, entity page or None)
CLAIMS = [
    ("Per Ukraine", "ukraine/battle_of_sumy", "Ukraine", "Ukraine"),
    ("Per Armenian sources", "caucasus/2016_nagorno-karabakh_conflict", "Armenian sources", "Armenia"),
    ("Azerbaijani claim", "caucasus/2016_nagorno-karabakh_conflict", "Azerbaijani", "Azerbaijan"),
    # a joint claim is no single entity: its words (blind5 al-Bab card, 'Turkish and SAA')
    ("Per Armenia/Artsakh", "caucasus/2020_nagorno-karabakh_war", "Armenia/Artsakh", None),
    ("SOHR claim", "syria (several)", "SOHR", "Syrian Observatory for Human Rights"),
    ("per SDF", "syria/2019_turkish_offensive_into_north-eastern_syria", "SDF", "Syrian Democratic Forces"),
    ("Per DPR", "ukraine/battle_of_avdiivka_(2022)", "DPR", "Donetsk People's Republic"),
    ("ISW claim", "ukraine/battle_of_sievierodonetsk_(2022)", "ISW", "Institute for the Study of War"),
    # a body of a state with a page of its own is the claimant, not its country (gold rule:
    # the claimant's Wikipedia title); the field's own link wins when there is one
    ("According to the MoD of the Russian Federation", "ukraine/2022_novofedorivka_explosions",
     "MoD of the Russian Federation", "Ministry of Defence (Russia)"),
    ("per British Ministry of Defence", "ukraine/second_battle_of_lyman",
     "British Ministry of Defence", "Ministry of Defence (United Kingdom)"),
    # a section name before the claim ("Russian seizure" of the Snake Island table)
    ("Russian seizure Per Ukrainian sources", "ukraine/2022_snake_island_campaign",
     "Ukrainian sources", "Ukraine"),
    ("According to independent observers", "ukraine/2022_novofedorivka_explosions", "independent observers", None),
    ("opposition claim", "syria/battle_of_hosn", "opposition", None),
    ("Army claim", "syria/battle_of_hosn", "Army", None),
    ("per gov.", "syria/qaboun_offensive_(2017)", "gov", None),
    ("Kurdish and NDF claim", "syria/battle_of_al-hasakah_(2016)", "Kurdish and NDF", None),
    ("Turkish and SAA claims", "blind5 syria/battle_of_al-bab", "Turkish and SAA", None),
    # the claimant is who is quoted, not who relays the quote
    ("according to NKR Interior Minister as quoted by Human Rights Watch",
     "blind5 caucasus/siege_of_stepanakert", "NKR Interior Minister", None),
    # both claim words at once (2022 Kharkiv counteroffensive, commander2 "(POW per Ukrainian claim)")
    ("per Ukrainian claim", "ukraine/2022_ukrainian_kharkiv_counteroffensive", "Ukrainian", "Ukraine"),
    # "acc." for "according to" (Battle of Ilovaisk, an article outside data/)
    # a body of the state with a page of its own is the claimant (the gold rule), not the country
    ("acc. Armed Forces of Ukraine", "outside: Battle of Ilovaisk", "Armed Forces of Ukraine", "Armed Forces of Ukraine"),
    ("acc. Ukrainian government", "outside: Battle of Ilovaisk", "Ukrainian government", "Ukraine"),
    ("acc. BBC News Ukrainian", "outside: Battle of Ilovaisk", "BBC News Ukrainian", None),
    # outside data/: a reporting body named alone; dotted abbreviations; possessives; a
    # lower-case source after "per"
    ("Iraq Body Count", "outside: First Battle of Fallujah", "Iraq Body Count", "Iraq Body Count"),
    ("per U.N.", "outside: Battle of Mogadishu (1993)", "U.N.", "United Nations"),
    ("U.N. claim", "outside: Battle of Aden (2015)", "U.N.", "United Nations"),
    ("Pakistan army's claim", "outside: Kargil War", "Pakistan army", None),
    ("per medical sources", "outside: Battle of Al Hudaydah", "medical sources", None),
    ("per neutral Somalis", "outside: Battle of Mogadishu (1993)", "neutral Somalis", None),
    # outside data/, second round: "estimation", demonyms of states, adjectives that name a
    # group of sources (their words kept, no entity)
    ("Chinese estimation", "outside: Battle of Chosin Reservoir", "Chinese", "China"),
    ("UN estimation", "outside: Battle of Chosin Reservoir", "UN", "United Nations"),
    ("North Vietnamese claim", "outside: Battle of Khe Sanh", "North Vietnamese", "North Vietnam"),
    ("Vietnamese figures", "outside: Battle of Dien Bien Phu", "Vietnamese", "Vietnam"),
    ("Western historians estimate", "outside: Battle of Dien Bien Phu", "Western historians", None),
    ("Western estimate", "outside: Battle of Bakhmut", "Western", None),
]


@pytest.mark.parametrize("phrase, article, name, page", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claim_phrases_of_real_fields(phrase, article, name, page):
    claim = read_claim(phrase)
    assert claim is not None, article
    # the text as written, but for a final full stop; an abbreviation in capitals keeps its dot
    written = phrase if re.search(r"(?:^|[\s.])[A-Z]\.$", phrase) else phrase.rstrip(".")
    assert (claim.text, claim.name) == (written, name)
    assert (claim.ref.page if claim.ref else None) == page


@pytest.mark.parametrize("phrase", ["per day", "unconfirmed reports", "modern estimates", "these claims",
                                    "per cent", "Total", "Units", "First phase", "acc.", "accompanied",
                                    # a party or country named alone says whose figure it is
                                    "Turkey", "Syrian Army", "per capita"])
def test_phrases_that_name_no_claimant(phrase):
    assert read_claim(phrase) is None


def test_a_claimant_linked_in_the_field_is_that_page():
    # 2019 Turkish offensive: "Per [SOHR](./Syrian_Observatory_for_Human_Rights):"
    claim = read_claim("Per SOHR", [Link("Syrian Observatory for Human Rights", "SOHR")])
    assert claim.ref.page == "Syrian Observatory for Human Rights"


def test_a_claim_at_the_end_of_a_figure_is_cut_off():
    words, claim = claim_in("civilians killed according to the UN")
    assert (words, claim.ref.page) == ("civilians killed", "United Nations")
    assert claim_in("killed per day") == ("killed per day", None)


@pytest.mark.parametrize("heading, phase", [("First phase", "First phase"), ("Second phase", "Second phase"),
                                            ("2nd phase", "2nd phase"), ("first battle", "first battle"),
                                            ("Phase 2", "Phase 2"), ("Casualties", None), ("Per Ukraine", None),
                                            # outside data/: Vuhledar, Kohima, Mogadishu (1993)
                                            ("Main Battle", "Main Battle"), ("Start", "Start"), ("End", "End"),
                                            ("Initially", "Initially"), ("Land", None), ("Endgame", None)])
def test_phase_headings(heading, phase):
    assert read_phase(heading) == phase


def test_casualties3_without_combatant3_is_conflict_wide_and_strength3_is_dropped_with_a_warning():
    # Battle of Donbas (2022): two sides; casualties3 are civilians of the whole battle and
    # strength3 is a note ("Strength estimates are as of the start of the invasion").
    doc = read_document(ROOT / "data" / "wikipedia" / "ukraine" / "battle_of_donbas_(2022).md")
    record = parse_conflict(doc)
    assert [side.number for side in record.sides] == [1, 2]
    assert [(q.minimum, q.kind, q.civilian) for q in record.casualties_total][:2] == [(5000, "killed", True),
                                                                                     (5000, "wounded", True)]
    assert [w.field for w in doc.warnings if w.kind == "field-without-side"] == ["strength3"]


# --- the claimant everywhere: RDF, cards, the named query, the plot -----------------------
KARABAKH = ROOT / "data" / "wikipedia" / "caucasus" / "2020_nagorno-karabakh_war.md"


@pytest.fixture(scope="module")
def claims_store(tmp_path_factory):
    import kg
    from kg.builder import build

    path = tmp_path_factory.mktemp("claims") / "store"
    with kg.open_store(path) as store:
        build(store, [KARABAKH, ROOT / "data" / "wikipedia" / "syria" / "battle_of_hosn.md"], progress=False)
    return path


def test_the_claimant_is_in_the_graph(claims_store):
    import kg

    with kg.open_store(claims_store, read_only=True) as store:
        # DISTINCT: the union of all graphs holds each figure in its document and in the view
        rows = kg.query(store, """SELECT DISTINCT ?q ?text ?who ?name WHERE { ?q ckg:claimText ?text ; ckg:claimantName ?name
                                  OPTIONAL { ?q ckg:claimedBy ?who } } ORDER BY ?text ?name""")
    # casualties1 of the 2020 war: "Per Azerbaijan:" heads four figures, "Per SOHR:" two
    seen = {(r["text"], r["who"], r["name"]) for r in rows}
    assert ("Per Azerbaijan", "https://w3id.org/conflict-kg/resource/Azerbaijan", "Azerbaijan") in seen
    assert ("Per SOHR", "https://w3id.org/conflict-kg/resource/Syrian_Observatory_for_Human_Rights", "SOHR") in seen
    assert ("opposition claim", None, "opposition") in seen         # Battle of Hosn: no entity
    assert sum(1 for r in rows if r["text"] == "Per Azerbaijan") == 4


def test_cards_show_the_claimant_in_json_and_text(claims_store):
    from click.testing import CliRunner

    from kg.cli import main

    out = CliRunner().invoke(main, ["--store", str(claims_store), "show", "Battle of Hosn", "--json"])
    card = __import__("json").loads(out.output)
    claimed = [(q["min"], q["max"], q["claimant"]) for q in card["sides"][1]["casualties"]]
    assert claimed[0] == (40, 93, {"iri": None, "label": "Army", "text": "Army claim"})
    text = CliRunner().invoke(main, ["--store", str(claims_store), "show", "2020 Nagorno-Karabakh war"]).output
    assert "2,906 servicemen killed [killed] (per Azerbaijan)" in text
    assert "60+ servicemen captured [captured] (per Armenia/Artsakh)" in text


def test_the_named_query_lists_figures_by_claimant(claims_store):
    import kg

    from kg.analysis import dataframe

    with kg.open_store(claims_store, read_only=True) as store:
        rows = dataframe(store, "conflict-claims", conflict="2020 Nagorno-Karabakh war").to_dict("records")
    killed = [(r["side"], r["claimantName"], r["value"]) for r in rows if r["kind"] == "killed" and r["side"] != 0]
    assert killed == [(1, "Azerbaijan", 2906), (1, "SOHR", 541), (2, "Armenia/Artsakh", 3825)]


def test_kg_plot_claims_draws_the_competing_figures(claims_store, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    image = tmp_path / "claims.png"
    result = CliRunner().invoke(main, ["--store", str(claims_store), "plot", "claims", "2020 Nagorno-Karabakh war",
                                       "-o", str(image)])
    assert result.exit_code == 0, result.output
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    missing = CliRunner().invoke(main, ["--store", str(claims_store), "plot", "claims", "-o", str(image)])
    assert missing.exit_code == 2
    entity = CliRunner().invoke(main, ["--store", str(claims_store), "plot", "claims", "Azerbaijan", "-o", str(image)])
    assert entity.exit_code == 2 and "is not a conflict" in entity.output


# --- numbers inside names (issue 13 item 6): a designation belongs to the description -----
DESIGNATIONS = [
    # (text of a real field, article, [(value, min, max, description)])
    ("1,000–1,800 troops 4 tanks 2 Mil Mi-24 helicopters", "caucasus/battle_of_shusha_(1992)",
     [(None, 1000, 1800, "troops"), (4, None, None, "tanks"), (2, None, None, "Mil Mi-24 helicopters")]),
    ("150 fighters 1 BMP-1", "syria/battle_of_anadan", [(150, None, None, "fighters"), (1, None, None, "BMP-1")]),
    ("3 Mil Mi-8 helicopters shot down", "syria/battle_of_damascus_(2012)",
     [(3, None, None, "Mil Mi-8 helicopters shot down")]),
    ("14 T-72s destroyed", "caucasus/battle_of_hadrut", [(14, None, None, "T-72s destroyed")]),
    ("1 Su-25 lost 1 Mi-8 lost", "ukraine/battle_of_volnovakha", [(1, None, None, "Su-25 lost"), (1, None, None, "Mi-8 lost")]),
    ("300+ T-64 tanks", "ukraine/russo-ukrainian_war", [(None, 300, None, "T-64 tanks")]),
    ("5–7 T-72 tanks destroyed", "(the issue's example)", [(None, 5, 7, "T-72 tanks destroyed")]),
]


@pytest.mark.parametrize("text, article, expected", DESIGNATIONS, ids=[d[0] for d in DESIGNATIONS])
def test_a_designation_is_part_of_the_description_not_a_figure(text, article, expected):
    from kg.document import Field
    from kg.infobox.quantities import parse_quantities

    quantities = parse_quantities(Field("casualties2", text), [], "casualties")
    assert [(q.value, q.minimum, q.maximum, q.description) for q in quantities] == expected, article
