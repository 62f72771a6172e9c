"""The card of the sample battle, built from the file *as received* (encoding damage and
all), checked field by field against expectations written by hand from the infobox."""

from __future__ import annotations

import pytest

from kg.cards import card
from kg.infobox.text import is_flag

TITLE = "Battle of Aleppo (2012–2016)"

# Labels are the canonical ones: data/aliases.tsv merges redirects (Syrian Arab Republic ->
# Syria, IRGC -> Islamic Revolutionary Guard Corps, Suheil al-Hasan -> Suheil al-Hassan);
# each item's "text" keeps the spelling of the article.

# (label, role, start, end) read by hand from combatant1..3
PARTIES = {
    1: [
        ("Syria", "belligerent", None, None),
        ("Iran", "belligerent", "2013", None),
        ("Russian military intervention in the Syrian Civil War", "belligerent", "2015-09", None),
        ("Liwa al-Quds", "belligerent", "2013", None),
        ("Hezbollah", "belligerent", "2013", None),
        ("Private militias in Iraq", "belligerent", "2013", None),
        ("Liwa Fatemiyoun", "belligerent", None, None),
        ("Liwa Zainebiyoun", "belligerent", None, None),
        ("Ba'ath Brigades", "belligerent", None, None),
        ("Syrian Social Nationalist Party", "belligerent", "2013", None),
        ("Syrian Resistance", "belligerent", None, None),
    ],
    2: [
        ("Fatah Halab", "belligerent", "2015", "2016"),
        ("Jaysh Halab", "belligerent", "2016-12", "2016-12"),
        ("Army of Conquest", "belligerent", "2016", None),
        ("Ansar al-Sharia (Syria)", "belligerent", "2015", "2016"),
        ("Free Syrian Army", "belligerent", None, None),
        ("Saudi Arabia", "supporter", None, None),
        ("Qatar", "supporter", None, None),
        ("Turkey", "supporter", None, None),
        ("France", "supporter", None, None),
        ("United States", "supporter", None, None),
        ("United Kingdom", "supporter", None, None),
    ],
    3: [
        ("People's Protection Units", "belligerent", None, None),
        ("Women's Protection Units", "belligerent", None, None),
        ("Army of Revolutionaries", "belligerent", None, None),
    ],
}

# (label, role, kia) read by hand from commander1..3
COMMANDERS = {
    1: [
        ("Ali Abdullah Ayyoub", "Chief of the General Staff", False),
        ("Suheil al-Hassan", "Head of Aleppo military operations", False),
        ("Qasem Soleimani", "Major General of IRGC", False),
        ("Viktor Bondarev", "Russian Aerospace Forces Commander-in-Chief", False),
        ("Alexander Zhuravlyov", "Russian intervention force commander", False),
        ("Maher al-Assad", "4th Division", False),
        ("Mohammed Akkad", "Governor of Aleppo", False),
        ("Abbas Samii", "Republican Guard Commander", True),
        ("Jabbar Drisawi", "IRGC General", True),
        ("Zaino Berri", "al-Berri tribe leader", True),
        ("Hossein Hamadani", "IRGC General", True),
        ("Mohammad Rafi", "Liwa al-Quds Colonel", True),
    ],
    2: [
        ("Abdul Jabbar al-Oqaidi", "FSA Aleppo top commander", False),
        ("Taufik Shiabuddin", "Nour al-Din al-Zenki Movement", False),
        ("Abdul Qader Saleh", "al-Tawhid Brigade top commander", True),
        ("Yusef al-Jader", "al-Tawhid Brigade", True),
        ("Yussef Al-Abbas", "al-Tawhid Brigade", True),
        ("Khaled Hayani", "16th Division", True),
        ("Abu Khalid al-Suri", "Islamic Front", True),
        ("Abdulrahman al-Salameh", "Al-Nusra Front", True),
        ("Nasif Ismail", "Harakat Nour al-Din al-Zenki", True),
    ],
    3: [
        ("Zoran Birhat", "YPJ senior commander", False),
        ("Sharvan Efrin", "YPG commander", False),
        ("Nujin Derik", "YPJ commander", False),
        ("Sewsen Bîrhat", "YPJ commander", False),
        ("Yusuf Kahia", "Kurdish Front commander", True),
    ],
}

# (unit label, parent label) read by hand from units1..3
UNITS = {
    1: [
        ("Syrian Armed Forces", None),
        ("Syrian Army", "Syrian Armed Forces"),
        ("4th Mechanized Division", "Syrian Army"),
        ("Republican Guard", "Syrian Army"),
        ("Syrian Marines", "Republican Guard"),
        ("4th Armoured Division", "Syrian Army"),
        ("5th Mechanized Division", "Syrian Army"),
        ("17th Division (Reserve)", "Syrian Army"),
        ("46th Special Forces (Airborne) Regiment", "Syrian Army"),
        ("80th Army Brigade", "Syrian Army"),
        ("Special Forces", "Syrian Army"),
        ("Tiger Forces", "Syrian Army"),
        ("Desert Hawks Brigade", "Syrian Army"),
        ("629th Battalion", "Syrian Army"),
        ("National Defence Forces", "Syrian Armed Forces"),
        ("Shabiha", "Syrian Armed Forces"),
        ("Local Defence Forces", "Syrian Armed Forces"),
        ("al-Baqir Brigade", "Local Defence Forces"),
        ("Military Intelligence Directorate", "Syrian Armed Forces"),
        ("Military Security Shield Forces", "Military Intelligence Directorate"),
        ("Forces of the Fighters of the Tribes", "Military Intelligence Directorate"),
        # unlinked in units1, but the article's body links [Syrian Air Force](./Syrian_Arab_Air_Force)
        ("Syrian Arab Air Force", "Syrian Armed Forces"),
        ("Syrian Ministry of Interior", "Syrian Armed Forces"),
        ("Special Mission Units", "Syrian Ministry of Interior"),
        ("Armed Forces of the Islamic Republic of Iran", None),
        ("Islamic Revolutionary Guard Corps", "Armed Forces of the Islamic Republic of Iran"),
        ("Quds Force", "Islamic Revolutionary Guard Corps"),
        ("Basij", "Islamic Revolutionary Guard Corps"),
        ("Iranian Army", "Armed Forces of the Islamic Republic of Iran"),
        ("Russian Armed Forces", None),
        ("Russian Air Force", "Russian Armed Forces"),
        ("Russian Navy", "Russian Armed Forces"),
        ("Russian Ground Forces", "Russian Armed Forces"),
        ("Special Operations Forces advisors", "Russian Armed Forces"),
        ("Private militias in Iraq", None),
        ("Harakat Hezbollah al-Nujaba", "Private militias in Iraq"),
        ("Ammar Yasser Brigade", "Harakat Hezbollah al-Nujaba"),
        ("Asa'ib Ahl al-Haq", "Private militias in Iraq"),
        ("Kata'ib al-Imam Ali", "Private militias in Iraq"),
        ("Harakat al-Abdal", "Private militias in Iraq"),
        ("Kata'ib Dir' al-Wilaya", "Private militias in Iraq"),
        ("Kata'ib Hezbollah", "Private militias in Iraq"),
        ("Badr Organisation", "Private militias in Iraq"),
        ("Hezbollah", None),
        ("Syrian Hezbollah units", "Hezbollah"),
        ("Junud al-Mahdi", "Syrian Hezbollah units"),
        ("Imam al Hujja Regiment", "Syrian Hezbollah units"),
    ],
    2: [
        ("Ahrar ash-Sham", None), ("Sham Falcons", None), ("Jaysh al-Islam", None),
        ("Free Idlib Army", None), ("Al-Tawhid Brigade", None), ("Fastaqim Union", None),
        ("Levant Front", None), ("Harakat Nour al-Din al-Zenki", None), ("Army of Mujahideen", None),
        ("Syrian Turkmen Brigades", None), ("Liwa al-Haqq (Idlib, Syria)", None),
        ("Al-Nusra Front", None), ("Jaish al-Muhajireen wal-Ansar", "Al-Nusra Front"),
        ("Jabhat Ansar al-Din", None), ("Harakat Fajr ash-Sham al-Islamiya", "Jabhat Ansar al-Din"),
        ("Harakat Sham al-Islam", "Jabhat Ansar al-Din"), ("Turkistan Islamic Party in Syria", None),
        ("Movement of Salah al-Din the Kurd", None),
    ],
    3: [
        ("Army of Revolutionaries", None),
        ("Jabhat al-Akrad", "Army of Revolutionaries"),
        ("Northern Democratic Brigade", "Army of Revolutionaries"),
    ],
}

# (value, min, max, approximate, as_of, description, part_of) read by hand from strength1..3
STRENGTH = {
    1: [
        (20000, None, None, False, "2012", "SAA soldiers", None),
        (1500, None, None, False, None, "NDF fighters", None),
        (None, 2000, 4000, False, None, "Lebanese Hezbollah fighters", None),
        (4000, None, None, False, None, "Iraqi Hezbollah fighters", None),
    ],
    2: [
        (15000, None, None, False, "2012", "fighters", None),
        (2500, None, None, False, None, "al-Nusra fighters", 0),
        (8000, None, None, True, "2016", "fighters", None),
        (1000, None, None, False, None, "al-Nusra fighters", 2),
    ],
}


@pytest.fixture(scope="module")
def sample_card(sample_store):
    return card(sample_store, TITLE)


def _side(card_, number):
    return next(side for side in card_["sides"] if side["number"] == number)


def test_header(sample_card):
    assert sample_card["kind"] == "conflict"
    assert sample_card["title"] == TITLE
    assert sample_card["start"] == "2012-07-19" and sample_card["end"] == "2016-12-22"
    assert sample_card["labels"]["ar"] == ["مَعْرَكَةُ حَلَبَ"]
    assert [p["label"] for p in sample_card["part_of"]] == ["Syrian Civil War"]
    assert [p["label"] for p in sample_card["places"]] == ["Aleppo", "Aleppo Governorate", "Syria"]
    assert sample_card["coordinates"] == {"lat": 36.21667, "lon": 37.16667}
    assert sample_card["result"] == "Decisive Syrian Army and allied victory"
    assert [s["number"] for s in sample_card["sides"]] == [1, 2, 3]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_parties(sample_card, number):
    got = [(p["label"].casefold(), p["role"], p["start"], p["end"]) for p in _side(sample_card, number)["parties"]]
    want = [(label.casefold(), role, start, end) for label, role, start, end in PARTIES[number]]
    assert got == want


def test_party_group_and_flag_country(sample_card):
    parties = {p["label"]: p for p in _side(sample_card, 1)["parties"]}
    assert parties["Hezbollah"]["group"] == "Allied militias"
    assert parties["Iran"]["group"] is None
    assert parties["Private militias in Iraq"]["country"]["label"].casefold() == "iraq"


@pytest.mark.parametrize("number", [1, 2, 3])
def test_commanders(sample_card, number):
    got = [(c["label"], c["role"], c["kia"]) for c in _side(sample_card, number)["commanders"]]
    assert got == COMMANDERS[number]


def test_role_link_is_not_a_commander(sample_card):
    soleimani = next(c for c in _side(sample_card, 1)["commanders"] if c["label"] == "Qasem Soleimani")
    assert [link.rsplit("/", 1)[1] for link in soleimani["role_links"]] == ["Islamic_Revolutionary_Guard_Corps"]
    assert soleimani["text"].startswith("Qasem Soleimani")


@pytest.mark.parametrize("number", [1, 2, 3])
def test_units_and_parents(sample_card, number):
    got = [(u["label"], u["parent_label"]) for u in _side(sample_card, number)["units"]]
    assert got == UNITS[number]


@pytest.mark.parametrize("number", [1, 2])
def test_strength(sample_card, number):
    got = [(q["value"], q["min"], q["max"], q["approximate"], q["as_of"], q["description"], q["part_of"])
           for q in _side(sample_card, number)["strength"]]
    assert got == STRENGTH[number]


def test_unknown_strength_and_totals(sample_card):
    [unknown] = _side(sample_card, 3)["strength"]
    assert unknown["unknown"] is True and unknown["value"] is None and unknown["text"] == "Unknown"
    assert all(side["casualties"] == [] for side in sample_card["sides"])
    [total] = sample_card["casualties_total"]
    assert (total["value"], total["kind"], total["scope"]) == (31275, "deaths", "in the whole province")


def test_quantity_about_links_named_entities(sample_card):
    ndf = _side(sample_card, 1)["strength"][1]
    assert ndf["about"]["label"] == "National Defence Forces"
    nusra = _side(sample_card, 2)["strength"][1]
    assert nusra["about"]["label"] == "Al-Nusra Front"


def test_nothing_that_is_not_an_entity(sample_card):
    names = [item["label"] for side in sample_card["sides"]
             for key in ("parties", "commanders", "units") for item in side[key]]
    for name in names:
        assert not name.lower().endswith((".svg", ".png", ".jpg", ":")), name
        assert name not in {"undefined", "Units involved", "Support", "Supported by", "KIA", "Allied militias"}
        assert not is_flag(name), name
    commanders = {c["label"] for side in sample_card["sides"] for c in side["commanders"]}
    assert not commanders & {"IRGC", "Islamic Revolutionary Guard Corps"}


def test_warnings_say_what_was_dropped(sample_card):
    warnings = "\n".join(sample_card["warnings"])
    assert "strength2: dropped template artifact 'undefined'" in warnings
    assert "Emblem of Liwa Al-Quds.svg" in warnings
    assert "repaired encoding damage (encode macroman, decode utf-8)" in warnings
