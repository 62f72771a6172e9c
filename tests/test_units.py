"""unitsN -> Unit forest (kg.infobox.units), and the shared scanning in kg.infobox.text.

Data-driven: tests/fixtures/fields/units.yaml holds real field texts from the corpus with
hand-written expectations. Plus the full sample article and a corpus-wide check.
"""

from __future__ import annotations

import doctest

import pytest
from helpers import (
    ARTICLES,
    CORPUS,
    SAMPLE_CLEAN,
    corpus_field,
    field_of,
    load_cases,
    read_cases,
)

import kg.infobox.text
import kg.infobox.units
from kg.document import Field, Link, ReadWarning
from kg.infobox.parties import parse_parties
from kg.infobox.records import Party, Unit
from kg.infobox.text import is_flag, locate_links
from kg.infobox.units import parse_units, split_units, units_in_strength
from kg.readers import read_document

CASES = read_cases("units.yaml")


def as_dict(unit: Unit, keys: set[str]) -> dict:
    record = {
        "name": unit.ref.name,
        "page": unit.ref.page,
        "level": unit.level,
        "parent": unit.parent,
        "period": unit.period.text if unit.period else None,
        "group": unit.group,
        "country": unit.country.page if unit.country else None,
    }
    if "text" in keys:
        record["text"] = unit.text
    if "alt" in keys:
        record["alt"] = list(unit.alt_names)
    return record


def expected_dict(expected: dict) -> dict:
    record = {"level": 0, "parent": None, "period": None, "group": None, "country": None}
    record.update(expected)
    return record


@pytest.mark.parametrize("case", load_cases("units.yaml"))
def test_fixture_case(case: dict) -> None:
    warnings: list[ReadWarning] = []
    units = parse_units(field_of(case), warnings, side_parties(case))
    expected = [expected_dict(e) for e in case["expected"] or []]
    actual = [as_dict(u, set(e)) for u, e in zip(units, expected)] + [
        as_dict(u, set()) for u in units[len(expected):]
    ]
    assert actual == expected
    assert sorted(w.kind for w in warnings) == sorted(case["warnings"] or [])
    check_forest(units, case["id"])


def test_fixtures_cover_enough_articles() -> None:
    assert len({case["article"] for case in CASES}) >= 5


def side_parties(case: dict) -> list[Party]:
    """The parties of the case's side, from the ``combatant`` field copied with it (the
    units parser reads a line naming the side's only party, and an abbreviation standing
    for a party, against them)."""
    combatant = case.get("combatant")
    return parse_parties(field_of(combatant), []) if combatant else []


@pytest.mark.parametrize("case", load_cases("units.yaml"))
def test_fixture_text_is_the_corpus_text(case: dict) -> None:
    for copied in [case] + ([{"article": case["article"], **case["combatant"]}] if case.get("combatant") else []):
        field = corpus_field(copied)
        links = [(link["page"], link.get("text")) for link in copied["links"] or []]
        if copied.get("excerpt"):
            # consecutive whole lines of the field, with the links placed in them
            start = ("\n" + field.text + "\n").find("\n" + copied["text"] + "\n")
            assert start >= 0
            end = start + len(copied["text"])
            placed = [(item.link.page, item.link.text) for item in locate_links(field)[0]
                      if start <= item.start and item.end <= end]
            assert placed == links
            continue
        assert field.text == copied["text"]
        assert [(link.page, link.text) for link in field.links] == links


def check_forest(units: list[Unit], label: str) -> None:
    """Parents point backwards to a shallower unit."""
    for index, unit in enumerate(units):
        if unit.parent is not None:
            assert 0 <= unit.parent < index, label
            assert units[unit.parent].level < unit.level, label
        assert unit.level >= 0, label


# --- the sample article -------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_units() -> dict[str, list[Unit]]:
    fields = read_document(SAMPLE_CLEAN).conflict_infobox.fields
    return {name: parse_units(fields[name], []) for name in ("units1", "units2", "units3")}


def parent_name(units: list[Unit], name: str) -> str | None:
    (unit,) = [u for u in units if u.ref.name == name]
    return None if unit.parent is None else units[unit.parent].ref.name


def test_sample_units1_tree(sample_units) -> None:
    units = sample_units["units1"]
    names = [u.ref.name for u in units]
    for heading in ("Units involved", "Support", "Support:"):
        assert heading not in names
    roots = [u.ref.name for u in units if u.parent is None]
    assert roots == ["Syrian Armed Forces", "Iranian Armed Forces", "Russian Armed Forces",
                     "Iraqi Shia militias", "Hezbollah"]
    chain = [("Syrian Marines", "Republican Guard"), ("Republican Guard", "Syrian Army"),
             ("Syrian Army", "Syrian Armed Forces"), ("Quds Force", "IRGC"), ("Basij", "IRGC"),
             ("IRGC", "Iranian Armed Forces"), ("Iranian Army", "Iranian Armed Forces"),
             ("Russian Air Force", "Russian Armed Forces"), ("Russian Navy", "Russian Armed Forces"),
             ("Special Operations Forces advisors", "Russian Armed Forces"),
             ("Ammar Yasser Brigade", "Harakat Hezbollah al-Nujaba"),
             ("Harakat Hezbollah al-Nujaba", "Iraqi Shia militias"), ("Badr Organisation", "Iraqi Shia militias"),
             ("Junud al-Mahdi", "Syrian Hezbollah units"), ("Imam al Hujja Regiment", "Syrian Hezbollah units"),
             ("Syrian Hezbollah units", "Hezbollah"), ("al-Baqir Brigade", "Local Defence Forces"),
             ("Special Mission Units", "Syrian Ministry of Interior"),
             ("National Defence Forces", "Syrian Armed Forces"), ("Shabiha", "Syrian Armed Forces")]
    for child, parent in chain:
        assert parent_name(units, child) == parent, child
    by_name = {u.ref.name: u for u in units}
    assert by_name["Syrian Marines"].level == 3
    assert by_name["Republican Guard"].level == 2
    assert by_name["Syrian Army"].level == 1
    assert by_name["Syrian Armed Forces"].level == 0
    assert by_name["Shabiha"].period.text == "2011–2012"
    assert by_name["Special Operations Forces advisors"].period.text == "Oct–Dec 2016"
    assert "17th Division (Reserve)" in names and "46th Special Forces (Airborne) Regiment" in names
    assert "4th Mechanized Division" in names and "Desert Hawks Brigade" in names
    assert by_name["Iranian Armed Forces"].country.page == "iran"
    assert by_name["Iranian Armed Forces"].ref.page == "Armed Forces of the Islamic Republic of Iran"
    assert by_name["Russian Air Force"].group == "Support"
    assert len(units) == 47


def test_sample_units2_and_units3(sample_units) -> None:
    units2 = sample_units["units2"]
    assert [u.ref.name for u in units2 if u.level == 0] == [
        "Al-Nusra Front", "Jabhat Ansar al-Din", "Turkistan Islamic Party in Syria",
        "Movement of Salah al-Din the Kurd"]
    assert all(u.parent is None for u in units2[:11])
    assert parent_name(units2, "Jaish al-Muhajireen wal-Ansar") == "Al-Nusra Front"
    assert parent_name(units2, "Harakat Sham al-Islam") == "Jabhat Ansar al-Din"
    units3 = sample_units["units3"]
    assert [(u.ref.name, u.parent) for u in units3] == [
        ("Army of Revolutionaries", None), ("Jabhat al-Akrad", 0), ("Northern Democratic Brigade", 0)]


# --- rules in isolation --------------------------------------------------------------------

def test_split_units() -> None:
    assert split_units("114th Territorial Defense Brigade 119th Territorial Defense Brigade") == [
        "114th Territorial Defense Brigade", "119th Territorial Defense Brigade"]
    assert split_units("Brigade 313 – Soldiers of Badr") == ["Brigade 313 – Soldiers of Badr"]
    assert split_units("Quneitra Hawks Brigade forces from Khan Arnabah") == [
        "Quneitra Hawks Brigade forces from Khan Arnabah"]


@pytest.mark.parametrize("text", [
    "", "*", "* \n** \n***", "Units involved", "Support:\n* x", "(Oct–Dec 2016)", ":", "🇺🇦",
    "** (2014)\n* Foo (bar", "[[File:x (y).svg|2px]]", "a.svg b.svg", "undefined\n* undefined",
])
def test_odd_input_does_not_raise(text: str) -> None:
    units = parse_units(Field("units1", text, [Link("x", "nothing here")], {"bold": ["Units involved"]}), [])
    check_forest(units, repr(text))
    for unit in units:
        check_name(unit.ref.name, repr(text))


# --- corpus ------------------------------------------------------------------------------

def test_corpus_units_are_clean() -> None:
    total = 0
    for path in ARTICLES:
        box = read_document(path).conflict_infobox
        if box is None:
            continue
        for name, field in box.fields.items():
            if not name.startswith("units"):
                continue
            units = parse_units(field, [])
            check_forest(units, f"{path.name} {name}")
            for unit in units:
                total += 1
                label = f"{path.name} {name}: {unit.ref.name!r}"
                check_name(unit.ref.name, label)
                assert unit.field == name and unit.text, label
    assert total > 600


def check_name(name: str, label: str) -> None:
    lowered = name.lower()
    assert name.strip() and name == name.strip(), label
    assert not name.endswith(":"), label
    assert not any(ext in lowered for ext in (".svg", ".png", ".jpg", ".jpeg")), label
    assert lowered != "undefined", label
    assert not is_flag(name), label


def test_doctests() -> None:
    for module in (kg.infobox.units, kg.infobox.text):
        assert doctest.testmod(module).failed == 0, module.__name__


# --- units written in a strength field (issue 13, a) --------------------------------------

BLIND6 = CORPUS.parents[1] / "tests" / "gold" / "blind6" / "articles"


@pytest.mark.parametrize("case", load_cases("strength_units.yaml"))
def test_units_in_strength(case: dict) -> None:
    warnings: list[ReadWarning] = []
    units, rest = units_in_strength(field_of(case), warnings)
    assert [{"name": u.ref.name, "page": u.ref.page, "parent": u.parent} for u in units] == case["expected"]
    assert rest.text == case["rest"]
    assert sorted(w.kind for w in warnings) == sorted(case["warnings"])
    assert corpus_field(case).text == case["text"]


@pytest.mark.parametrize(("text", "expected"), [
    # in the shape of the Sahel insurgency's strength2 (blind6): the unrendered flag heads
    # a bulleted unit, which stays a unit of no parent, and a figure
    (" Islamic State\n* 11th Armoured Division\n* ISWAP: 6,000", [("11th Armoured Division", None)]),
    # a real link alone on the line is a unit, as in Taftanaz's strength2
    ("Islamic State\n* 11th Armoured Division\n* ISWAP: 6,000", [("Islamic State", None), ("11th Armoured Division", 0)]),
])
def test_an_unrendered_flag_in_a_strength_field_is_no_unit(text: str, expected: list) -> None:
    page = "undefined" if text.startswith(" ") else "Islamic State of Iraq and the Levant"
    field = Field("strength2", text, [Link(page, "Islamic State"), Link("Islamic State's West Africa Province", "ISWAP")])
    units, rest = units_in_strength(field, [])
    assert [(u.ref.name, u.parent) for u in units] == expected
    assert rest.text.endswith("* ISWAP: 6,000")


def test_an_unrendered_flag_over_a_figure_is_a_heading() -> None:
    """Sahel insurgency's strength2 (blind6): the ISIL line (page 'undefined') is neither
    a unit nor a figure; ISWAP's figure is no part of Ansar Dine's above the heading."""
    from kg.infobox import parse_conflict

    side = parse_conflict(read_document(BLIND6 / "sahel" / "islamist_insurgency_in_the_sahel.md")).sides[1]
    assert "Islamic State of Iraq and the Levant" not in [u.ref.name for u in side.units]
    assert [(q.description, q.minimum, q.maximum, q.value, q.part_of) for q in side.strength] == [
        ("AQIM", 1000, 4000, None, None), ("MUJAO", None, None, 500, None), ("Al-Mourabitoun", None, 100, None, None),
        ("Ansar Dine", 300, 10000, None, None), ("ISWAP", 6000, 20000, None, None)]


def test_units_in_strength_reach_the_side() -> None:
    from kg.infobox import parse_conflict
    record = parse_conflict(read_document(CORPUS / "syria" / "battle_of_saraqib.md"))
    side = record.sides[1]
    assert [u.ref.name for u in side.units][-3:] == ["11th Armoured Division", "60th Armoured Brigade",
                                                     "76th Armoured Brigade"]
    assert side.strength == []


# --- in the graph ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def units_store(tmp_path_factory):
    import kg
    from kg.builder import build

    path = tmp_path_factory.mktemp("units") / "store"
    with kg.open_store(path) as store:
        build(store, [CORPUS / "ukraine" / "battle_of_antonov_airport.md",
                      CORPUS / "ukraine" / "battle_of_sievierodonetsk_(2022).md",
                      CORPUS / "caucasus" / "2020_nagorno-karabakh_war.md"], progress=False)
    return path


def test_another_name_of_a_unit_is_an_alternative_label(units_store) -> None:
    """'141st Motorized Regiment ("Kadyrovites")', "Luhansk People's Militia (2nd Army
    Corps)": the unit is named without the parenthetical, which is its skos:altLabel."""
    import kg

    with kg.open_store(units_store, read_only=True) as store:
        rows = kg.query(store, """SELECT DISTINCT ?name ?alt WHERE { ?d ckg:unit ?e .
            ?e skos:altLabel ?n , ?a . BIND(STR(?n) AS ?name) BIND(STR(?a) AS ?alt)
            FILTER(?alt IN ("Kadyrovites", "2nd Army Corps", "1st Army Corps") && ?name != ?alt) }""")
        names = {r["name"] for r in kg.query(store, """SELECT DISTINCT ?name WHERE { ?d ckg:unit ?e .
            ?e skos:altLabel ?n BIND(STR(?n) AS ?name) }""")}
    pairs = {(r["name"], r["alt"]) for r in rows}
    assert ("141st Motorized Regiment", "Kadyrovites") in pairs
    assert ("Luhansk People's Militia", "2nd Army Corps") in pairs
    assert ("Donetsk People's Militia", "1st Army Corps") in pairs
    assert not any(("(" in name and "Army Corps" in name) or "Kadyrovites\"" in name for name in names)


def test_a_country_heading_in_units_is_no_military_unit(units_store) -> None:
    """2020 Nagorno-Karabakh war, units1/units2: "Azerbaijan", "Armenia", "Artsakh" head
    the units under them; none is typed ckg:MilitaryUnit."""
    import kg

    with kg.open_store(units_store, read_only=True) as store:
        rows = kg.query(store, """SELECT DISTINCT ?name WHERE { ?d ckg:unit ?e . ?e a ckg:MilitaryUnit ;
            skos:altLabel ?n BIND(STR(?n) AS ?name) }""")
    names = {r["name"] for r in rows}
    assert "Azerbaijani Armed Forces" in names and "Armed Forces of Armenia" in names
    assert not names & {"Azerbaijan", "Armenia", "Artsakh", "Syrian mercenaries"}
