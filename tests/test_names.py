"""One generic-names list and one test (kg.names.is_generic): the mapping, identity resolution
and news linking give the same verdict on the corpus's own surface names, and the verdict is
the one decided by hand for each name (issue 14, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from kg.document import Document
from kg.infobox.records import EntityRef
from kg.linking import GENERIC_WORDS as LINKING_GENERIC_WORDS
from kg.linking import Linker
from kg.names import GENERIC_WORDS, generic_table, is_generic, is_numbered
from kg.rdf import terms as T
from kg.rdf.mapping import entity_iri
from kg.resolution import is_generic as resolution_is_generic

W = "data/wikipedia/"
# (surface name as an infobox or link writes it, the article it is taken from, generic?, why).
# Decided by reading each name, not by running the tool: a name is generic when it names a kind
# of body that many states, armies or conflicts have (or a description), not one body.
VERDICTS = [
    # numbered units: the number names a unit only within one army
    ("76th Armoured Brigade", W + "syria/battle_of_taftanaz.md", True, "Syrian, Soviet and other armies' 76th"),
    ("79th Air Assault Brigade", W + "ukraine/first_battle_of_lyman_(2022).md", True, "page titled '(Ukraine)'"),
    ("1st Corps", W + "caucasus/2020_nagorno-karabakh_war.md", True, "every army has a 1st Corps"),
    ("First Corps", W + "syria/battle_of_al-shaykh_maskin_(2014).md", True, "an ordinal spelled out"),
    ("1776", "data/wikitext/American_Revolutionary_War__gensim_testdata_rev717770601.wiki", True, "a year"),
    # state bodies described: every state has one
    ("Territorial Defense Forces", W + "ukraine/northeastern_ukraine_campaign.md", True, "Ukraine's, Poland's …"),
    ("Republican Guard", W + "syria/deir_ez-zor_offensive_(september–november_2017).md", True, "Syria's, Iraq's"),
    ("Internal Security Forces", W + "syria/north_lebanon_clashes_(2014).md", True, "Lebanon's, Syria's, Kurdish"),
    ("Ministry of Interior", W + "syria/2017_jobar_offensive.md", True, "every state"),
    ("State Border Guard", W + "ukraine/2022_snake_island_campaign.md", True, "Ukraine's; Azerbaijan's Service"),
    ("State Border Service", W + "caucasus/2020_nagorno-karabakh_war.md", True, "Azerbaijan's; Ukraine's Guard"),
    ("Foreign Intelligence Service", W + "caucasus/lachin_offensive.md", True, "Azerbaijan's, Russia's"),
    ("General Staff", W + "syria/2019_turkish_offensive_into_north-eastern_syria.md", True, "every army"),
    ("Internal Troops", W + "caucasus/2020_nagorno-karabakh_war.md", True, "Azerbaijan's, the Soviet ones"),
    ("Special Forces", W + "caucasus/aras_valley_campaign.md", True, "every army"),
    ("Army Special Forces", W + "syria/battle_of_the_shaer_gas_field_(july_2014).md", True, "every army"),
    # directions and commands: the Syrian rebels' Southern Front is one of many
    ("Southern Front", W + "syria/battle_of_nasib_border_crossing.md", True, "a front of many wars"),
    ("Southern Command", W + "syria/battle_of_al-shaykh_maskin_(2014).md", True, "many armies"),
    ("Northern Division", W + "syria/battle_of_al-rai_(august_2016).md", True, "many armies"),
    ("Central Region Command", W + "syria/northern_homs_offensive_(april–may_2018).md", True, "many armies"),
    # descriptions of fighters
    ("Foreign fighters", W + "syria/rif_dimashq_offensive_(august–october_2012).md", True, "a description"),
    ("Civilian militias", W + "ukraine/battle_of_enerhodar.md", True, "a description"),
    ("Elements of other divisions", W + "syria/battle_of_damascus_(2012).md", True, "a description"),
    ("Security agencies", W + "syria/battle_of_rastan_(january–february_2012).md", True, "a description"),
    ("Local Police", W + "syria/battle_of_harem.md", True, "a description"),
    ("Self Defence Force", W + "syria/battle_of_qamishli_(2016).md", True, "Japan's, the Kurds' …"),
    ("Civilian Defense Force", W + "syria/battle_of_al-hasakah_(2016).md", True, "a description"),
    ("Republican", W + "syria/2019_turkish_offensive_into_north-eastern_syria.md", True, "one generic word"),
    # whole names listed as generic although their words make names
    ("Coalition", "data/samples/battle_of_aleppo_(2012–2016).as-received.md", True, "which coalition?"),
    ("Popular Committees", W + "syria/battle_of_al-qusayr_(2013).md", True, "local bodies of many towns"),
    ("Mujahideen", W + "syria/siege_of_base_46.md", True, "a kind of fighter"),
    # names: a word that names (people's, revolutionaries, coalition, tribes …) or a proper word
    ("National Coalition", W + "syria/battle_of_harem.md", False, "coalition makes names"),
    ("Army of Revolutionaries", W + "syria/battle_of_tell_abyad_(2016).md", False, "Jaysh al-Thuwar"),
    ("Army of Mujahideen", W + "syria/battle_of_aleppo_(2012–2016).md", False, "Jaysh al-Mujahideen"),
    ("People's Protection Units", W + "syria/battle_of_al-yaarubiyah.md", False, "the YPG"),
    ("Women's Protection Units", W + "syria/battle_of_tell_abyad_(2013).md", False, "the YPJ"),
    ("Forces of the Fighters of the Tribes", W + "syria/battle_of_al-qaryatayn_(2016).md", False,
     "one pro-government militia, linked in al-Qaryatayn, listed in Aleppo"),
    ("Shabiha", W + "syria/rif_dimashq_offensive_(august–october_2012).md", False, "one page, five articles"),
    ("Free Officers Movement", W + "syria/early_insurgency_phase_of_the_syrian_civil_war.md", False, "movement"),
    ("Republican People's Party", W + "syria/2019_turkish_offensive_into_north-eastern_syria.md", False, "the CHP"),
    ("Syrian Network for Human Rights", "data/samples/battle_of_aleppo_(2012–2016).as-received.md", False, "NGO"),
    ("Sunni Resistance Committees", W + "syria/lebanon–syria_border_clashes.md", False, "resistance"),
    ("Islamic State", W + "syria/lebanon–syria_border_clashes.md", False, "ISIL (a phrase of the old list)"),
    ("Islamic Front", W + "syria/battle_of_al-shaykh_maskin_(2014).md", False, "one alliance"),
    ("Tiger Forces", W + "syria/battle_of_the_shaer_gas_field_(october–november_2014).md", False, "one unit"),
    ("Desert Hawks Brigade", "data/samples/battle_of_aleppo_(2012–2016).as-received.md", False, "one unit"),
    ("Unit 910 (Hezbollah)", W + "syria/battle_of_al-qusayr_(2013).md", False, "qualified by its army"),
    ("Popular Committees (Sanamayn)", W + "syria/march_2020_daraa_clashes.md", False, "qualified by its town"),
    ("Rapid Operational Response Unit", W + "ukraine/battle_of_brovary.md", False, "rapid response: its name"),
    ("West Country", "data/wikitext/Battle_of_Wakefield.wiki", False, "a region of England"),
]
IDS = [v[0] for v in VERDICTS]


def _linking_says_generic(name: str) -> bool:
    """What news linking decides about a name with no page behind it."""
    reason = Linker({}).generic_reason(name)
    return reason is not None and reason.startswith("generic")


def _mapping_says_generic(name: str) -> bool:
    """What the mapping decides: a generic unlinked name gets an IRI scoped to its document."""
    return entity_iri(EntityRef(name), scope="https://w3id.org/conflict-kg/document/x.md").startswith(
        T.RESOURCE + "local/")


@pytest.mark.parametrize("name,path,generic,why", VERDICTS, ids=IDS)
def test_the_name_is_in_the_corpus(name, path, generic, why):
    assert name in (ROOT / path).read_text(encoding="utf-8"), f"{name!r} is not in {path}"


@pytest.mark.parametrize("name,path,generic,why", VERDICTS, ids=IDS)
def test_linking_and_resolution_agree_with_the_hand_verdict(name, path, generic, why):
    verdicts = {"kg.names": is_generic(name), "resolution": resolution_is_generic(name),
                "mapping": _mapping_says_generic(name), "linking": _linking_says_generic(name)}
    assert verdicts == dict.fromkeys(verdicts, generic), f"{name!r} ({why})"


def test_verdicts_cover_both_kinds_and_both_old_disagreements():
    assert sum(v[2] for v in VERDICTS) >= 20 and sum(not v[2] for v in VERDICTS) >= 15
    # the names the two old lists disagreed on, both ways
    names = set(IDS)
    assert {"76th Armoured Brigade", "Territorial Defense Forces", "Republican Guard",
            "Internal Security Forces", "National Coalition", "Army of Revolutionaries"} <= names


def test_one_list():
    data = Path(__import__("kg").__file__).parent
    assert not list((data / "linking" / "data").glob("generic*")), "linking keeps its own generic list"
    assert LINKING_GENERIC_WORDS is GENERIC_WORDS
    table = generic_table()
    # words that make names are not generic words
    assert not table.words & {"people's", "protection", "popular", "mobilization", "revolutionary",
                              "resistance", "movement", "party", "organisation", "network", "faction",
                              "coalition", "opposition"}


def test_generic_phrases_work():
    """The old linking phrases were read whole lines at a time and never matched one name."""
    for name in ("special forces", "Ministry of Defence", "the regime", "The Opposition", "the Coalition",
                 "International community", "Armed Forces", "Local police"):
        assert is_generic(name) and _linking_says_generic(name), name


def test_numbers_and_ordinals():
    assert is_numbered("76th Armoured Brigade") and is_numbered("Brigade 313") and not is_numbered("Tiger Forces")
    assert is_generic("22nd Army Corps") and is_generic("Two battalions") and not is_generic("Brigade 313 Badr")


@pytest.fixture(scope="module")
def linker(corpus_store) -> Linker:
    return Linker.from_store(corpus_store)


def _links(linker: Linker, text: str) -> list[tuple[str, str]]:
    doc = Document(path="t.txt", kind="news", title="", content_hash="", body=text, published="2022-05-01")
    return [(m.exact, m.iri.removeprefix(T.RESOURCE)) for m in linker.link(doc)]


def test_a_numbered_page_title_still_links(linker):
    # 76th Guards Air Assault Division: the title of its page (linked in the corpus), generic by
    # its words, carried by no other page-backed entity
    assert ("76th Guards Air Assault Division", "76th_Guards_Air_Assault_Division") in _links(
        linker, "Paratroopers of the 76th Guards Air Assault Division entered the town.")
    # a bare name whose page is qualified, a generic title without a number, a bare generic name
    for text in ("Ukraine's 79th Air Assault Brigade held the line.", "The Internal Security Forces arrested three men.",
                 "The Republican Guard advanced."):
        assert not any("Brigade" in exact or "Forces" in exact or "Guard" in exact for exact, _ in _links(linker, text)), text
