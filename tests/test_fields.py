"""The smaller field families: conflict names, partof, place, coordinates and the text
blocks (result, territory, status, notes). Real fields from tests/fixtures/fields/*.yaml,
the forms the design names, and the whole corpus."""

from __future__ import annotations

import pytest
from helpers import ARTICLES, field_of, load_cases

from kg.document import Field, Link
from kg.infobox.fields import (
    name_language,
    parse_conflict_names,
    parse_coordinates,
    parse_part_of,
    parse_places,
    parse_text_block,
)
from kg.infobox.records import EntityRef
from kg.readers import read_document


def refs(items: list[EntityRef]) -> list[dict]:
    return [{"name": ref.name, "page": ref.page} for ref in items]


def kinds(warnings: list) -> list[str]:
    return sorted(w.kind for w in warnings)


# ---- fixture files ---------------------------------------------------------------------

@pytest.mark.parametrize("case", load_cases("names.yaml"))
def test_names_fixture(case):
    warnings: list = []
    names = parse_conflict_names(field_of(case), case["title"], warnings)
    assert [[n.text, n.lang] for n in names] == case["expected"]
    assert kinds(warnings) == sorted(case.get("warnings") or [])


@pytest.mark.parametrize("case", load_cases("places.yaml"))
def test_places_fixture(case):
    warnings: list = []
    parser = parse_part_of if case["field"] == "partof" else parse_places
    assert refs(parser(field_of(case), warnings)) == case["expected"]
    assert kinds(warnings) == sorted(case.get("warnings") or [])


@pytest.mark.parametrize("case", load_cases("coordinates.yaml"))
def test_coordinates_fixture(case):
    warnings: list = []
    result = parse_coordinates(field_of(case), warnings)
    if case["expected"] is None:
        assert result is None
    else:
        assert result is not None
        assert result.latitude == pytest.approx(case["expected"][0], abs=1e-6)
        assert result.longitude == pytest.approx(case["expected"][1], abs=1e-6)
        assert result.text == case["text"]
    assert kinds(warnings) == sorted(case.get("warnings") or [])


@pytest.mark.parametrize("case", load_cases("textblocks.yaml"))
def test_textblocks_fixture(case):
    warnings: list = []
    block = parse_text_block(field_of(case), warnings)
    expected = case["expected"]
    assert block.field == case["field"] and block.text == case["text"]
    assert block.lead == expected["lead"]
    assert block.bullets == expected["bullets"]
    assert refs(block.links) == expected["links"]
    assert kinds(warnings) == sorted(case.get("warnings") or [])


# ---- names -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, lang", [
    ("مَعْرَكَةُ حَلَبَ", "ar"), ("Битва за Киев", "ru"), ("Битва за Київ", "uk"),
    ("Оборона Маріуполя", "uk"), ("Ґрунт", "uk"), ("Єнакієве", "uk"),
    ("Շուշիի ճակատամարտ", "hy"), ("Battle of Aleppo", "en"),
])
def test_name_language_from_script(text, lang):
    assert name_language(text) == lang
    assert [(n.text, n.lang) for n in parse_conflict_names(Field("conflict", text), "x", [])] == [(text, lang)]


def test_language_does_not_follow_position():
    names = parse_conflict_names(Field("conflict", "معركة حلب\nBattle of Aleppo"), "Battle of Aleppo (2012–2016)", [])
    assert [(n.text, n.lang) for n in names] == [("معركة حلب", "ar"), ("Battle of Aleppo", "en")]


def test_undefined_in_names_is_dropped_with_warning():
    warnings: list = []
    names = parse_conflict_names(Field("conflict", "Battle of X undefined"), "Battle of X", warnings)
    assert [(n.text, n.lang) for n in names] == [("Battle of X", "en")]
    assert kinds(warnings) == ["undefined-artifact"]


# ---- partof ----------------------------------------------------------------------------

def test_part_of_plain_fallback_splits_lists():
    field = Field("partof", "the Syrian Civil War, the Rojava conflict\nand the War against the Islamic State")
    assert refs(parse_part_of(field, [])) == [
        {"name": "Syrian Civil War", "page": None},
        {"name": "Rojava conflict", "page": None},
        {"name": "War against the Islamic State", "page": None},
    ]


def test_part_of_link_fragment():
    field = Field("partof", "the Syrian Civil War", [Link("Syrian Civil War#Aleppo", "Syrian Civil War")])
    assert parse_part_of(field, []) == [EntityRef("Syrian Civil War", "Syrian Civil War", "Aleppo")]


# ---- places ----------------------------------------------------------------------------

def test_places_drop_image_names_and_undefined_with_warnings():
    warnings: list = []
    field = Field("place", "Flag of Syria.svg Aleppo, undefined, Syria", [Link("Aleppo")])
    assert refs(parse_places(field, warnings)) == [
        {"name": "Aleppo", "page": "Aleppo"}, {"name": "Syria", "page": None}]
    assert kinds(warnings) == ["image-name", "undefined-artifact"]


def test_places_flag_links_are_not_places():
    field = Field("place", "🇸🇾 Aleppo", [Link("syria", "🇸🇾"), Link("Aleppo")])
    assert refs(parse_places(field, [])) == [{"name": "Aleppo", "page": "Aleppo"}]


# ---- coordinates -------------------------------------------------------------------------

@pytest.mark.parametrize("text, lat, lon", [
    ("36.21667°N, 37.16667°W", 36.21667, 37.16667),         # wtf: the sign is the truth
    ("-33.9°N, -70.1°W", -33.9, -70.1),
    ("40.7°N, -74.0°W", 40.7, -74.0),
    ("36°13′N 37°10′E", 36 + 13 / 60, 37 + 10 / 60),          # DMS: the letters are the truth
    ("36°13′0″N 37°10′0″E", 36 + 13 / 60, 37 + 10 / 60),
    ("33°54′S 70°06′W", -(33 + 54 / 60), -(70 + 6 / 60)),
    ("36|13|N|37|10|E", 36 + 13 / 60, 37 + 10 / 60),
    ("{{coord|36|13|N|37|10|E}}", 36 + 13 / 60, 37 + 10 / 60),
    ("33|54|S|70|6|W|type:city", -(33 + 54 / 60), -(70 + 6 / 60)),
    ("54.009|-6.4049", 54.009, -6.4049),
])
def test_coordinate_forms(text, lat, lon):
    warnings: list = []
    result = parse_coordinates(Field("coordinates", text), warnings)
    assert result is not None and warnings == []
    assert (result.latitude, result.longitude) == pytest.approx((lat, lon), abs=1e-6)


@pytest.mark.parametrize("text", ["136.2°N, 37.1°W", "36.2°N, 237.1°W", "36|75|N|37|10|E", "95|N|10|E"])
def test_coordinates_out_of_range(text):
    warnings: list = []
    assert parse_coordinates(Field("coordinates", text), warnings) is None
    assert kinds(warnings) == ["bad-coordinates"]


def test_coordinates_unreadable():
    warnings: list = []
    assert parse_coordinates(Field("coordinates", "near the river"), warnings) is None
    assert kinds(warnings) == ["unparsed-coordinates"]


# ---- text blocks -------------------------------------------------------------------------

def test_text_block_nested_bullets_and_undefined():
    warnings: list = []
    block = parse_text_block(Field("result", "Rebel victory undefined\n* A\n** B\n*"), warnings)
    assert (block.lead, block.bullets) == ("Rebel victory", ["A", "B"])
    assert kinds(warnings) == ["undefined-artifact"]


# ---- the whole corpus ------------------------------------------------------------------------

def test_corpus_small_fields():
    """conflict/partof/place/coordinates/result/territory/status/notes of every article parse;
    linked refs keep their page; coordinates are in range."""
    counts = {"names": 0, "partof": 0, "places": 0, "coordinates": 0, "blocks": 0}
    for path in ARTICLES:
        doc = read_document(str(path))
        box = doc.conflict_infobox
        if box is None:
            continue
        warnings: list = []
        if (field := box.get("conflict")) is not None:
            names = parse_conflict_names(field, doc.title, warnings)
            assert names and all(n.lang for n in names), path.name
            counts["names"] += len(names)
        if (field := box.get("partof")) is not None:
            part_of = parse_part_of(field, warnings)
            assert part_of, path.name
            counts["partof"] += len(part_of)
        if (field := box.get("place")) is not None:
            places = parse_places(field, warnings)
            assert places, path.name
            assert all(ref.name.strip() == ref.name and ref.name for ref in places), path.name
            counts["places"] += len(places)
        if (field := box.get("coordinates")) is not None:
            coordinates = parse_coordinates(field, warnings)
            assert coordinates is not None, (path.name, field.text)
            assert -90 <= coordinates.latitude <= 90 and -180 <= coordinates.longitude <= 180
            counts["coordinates"] += 1
        for name in ("result", "territory", "status", "notes"):
            if (field := box.get(name)) is not None and field.text.strip():
                block = parse_text_block(field, warnings)
                assert block.lead or block.bullets, (path.name, name)
                counts["blocks"] += 1
        assert all(w.kind not in {"bad-coordinates", "unparsed-coordinates"} for w in warnings), path.name
    assert counts["places"] > 300 and counts["coordinates"] >= 15 and counts["blocks"] > 100
