"""combatantN -> Party (kg.infobox.parties) and flag emoji -> country (kg.infobox.flags).

Data-driven: tests/fixtures/fields/parties.yaml holds real field texts from the corpus with
hand-written expectations. Plus the full sample article and a corpus-wide sanity check.
"""

from __future__ import annotations

import doctest
from collections import Counter

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

import kg.infobox.flags
import kg.infobox.parties
from kg.document import Field, Link, ReadWarning
from kg.infobox.flags import flag_code, flag_country, flag_title, is_same_country
from kg.infobox.parties import parse_parties
from kg.infobox.records import Party
from kg.infobox.text import FLAG, is_flag
from kg.readers import read_document

CASES = read_cases("parties.yaml")


def as_dict(party: Party, keys: set[str]) -> dict:
    record = {
        "name": party.ref.name,
        "page": party.ref.page,
        "role": party.role,
        "group": party.group,
        "period": party.period.text if party.period else None,
        "country": party.country.page if party.country else None,
    }
    if "text" in keys:
        record["text"] = party.text
    if "alt" in keys:
        record["alt"] = list(party.alt_names)
    if "start" in keys:
        record["start"] = party.period.start.iso() if party.period and party.period.start else None
    return record


def expected_dict(expected: dict) -> dict:
    record = {"role": "belligerent", "group": None, "period": None, "country": None}
    record.update(expected)
    return record


@pytest.mark.parametrize("case", load_cases("parties.yaml"))
def test_fixture_case(case: dict) -> None:
    warnings: list[ReadWarning] = []
    parties = parse_parties(field_of(case), warnings, case.get("year"))
    expected = [expected_dict(e) for e in case["expected"] or []]
    actual = [as_dict(p, set(e)) for p, e in zip(parties, expected)] + [
        as_dict(p, set()) for p in parties[len(expected):]
    ]
    assert actual == expected
    assert sorted(w.kind for w in warnings) == sorted(case["warnings"] or [])
    for party in parties:
        assert party.field == case["field"]
        assert party.text


def test_fixtures_cover_enough_articles() -> None:
    assert len({case["article"] for case in CASES}) >= 5
    for case in CASES:
        assert (CORPUS / f"{case['article']}.md").exists(), case["article"]


@pytest.mark.parametrize("case", load_cases("parties.yaml"))
def test_fixture_text_is_the_corpus_text(case: dict) -> None:
    """The snippets are copied, not invented: the corpus field has the same text and links."""
    field = corpus_field(case)
    assert field.text == case["text"]
    assert [(link.page, link.text) for link in field.links] == [(link["page"], link.get("text")) for link in case["links"] or []]


# --- the sample article -------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_fields() -> dict[str, Field]:
    return read_document(SAMPLE_CLEAN).conflict_infobox.fields


def test_sample_combatant1(sample_fields) -> None:
    parties = parse_parties(sample_fields["combatant1"], [])
    assert [(p.ref.name, p.ref.page) for p in parties] == [
        ("Syrian Arab Republic", "Syrian Arab Republic"),
        ("Iran", "Iran"),
        ("Russia", "Russian military intervention in the Syrian Civil War"),
        ("Liwa al-Quds", "Liwa al-Quds"),
        ("Hezbollah", "Hezbollah"),
        ("Iraqi Shia militias", "Private militias in Iraq"),
        ("Liwa Fatemiyoun", "Liwa Fatemiyoun"),
        ("Liwa Zainebiyoun", "Liwa Zainebiyoun"),
        ("Ba'ath Brigades", "Ba'ath Brigades"),
        ("SSNP", "Syrian Social Nationalist Party"),
        ("Syrian Resistance", "Syrian Resistance"),
    ]
    assert all(p.role == "belligerent" for p in parties)
    assert [p.group for p in parties] == [None] * 3 + ["Allied militias"] * 8
    periods = {p.ref.name: p.period for p in parties if p.period}
    assert {name: period.text for name, period in periods.items()} == {
        "Iran": "from 2013", "Russia": "from September 2015", "Liwa al-Quds": "from 2013",
        "Hezbollah": "from 2013", "Iraqi Shia militias": "from 2013", "SSNP": "from 2013",
    }
    assert periods["Iran"].start.year == 2013 and periods["Iran"].end is None
    assert (periods["Russia"].start.year, periods["Russia"].start.month) == (2015, 9)
    iraqi = parties[5]
    assert iraqi.country is not None and iraqi.country.page == "iraq"
    assert [p.ref.name for p in parties if p.country] == ["Iraqi Shia militias"]


def test_sample_combatant2(sample_fields) -> None:
    warnings: list[ReadWarning] = []
    parties = parse_parties(sample_fields["combatant2"], warnings)
    belligerents = [(p.ref.name, p.ref.page, p.period.text if p.period else None)
                    for p in parties if p.role == "belligerent"]
    assert belligerents == [
        ("Fatah Halab", "Fatah Halab", "2015–2016"),
        ("Jaysh Halab", "Jaysh Halab", "December 2016"),
        ("Army of Conquest", "Army of Conquest", "since mid-2016"),
        ("Ansar al-Sharia", "Ansar al-Sharia (Syria)", "2015–2016"),
        ("Free Syrian Army", "Free Syrian Army", None),
    ]
    supporters = [(p.ref.name, p.ref.page) for p in parties if p.role == "supporter"]
    assert supporters == [
        ("Saudi Arabia", "saudi arabia"), ("Qatar", "qatar"), ("Turkey", "turkey"),
        ("France", "france"), ("United States", "united states"), ("United Kingdom", "united kingdom"),
    ]
    removed = [w.message for w in warnings if w.kind == "image-name"]
    assert any("Fatah Halab operations room.jpg" in m for m in removed)
    assert any("Ansar-al-Sharia-Aleppo.jpg" in m for m in removed)


def test_sample_combatant3(sample_fields) -> None:
    parties = parse_parties(sample_fields["combatant3"], [])
    assert [(p.ref.name, p.ref.page, p.role) for p in parties] == [
        ("YPG", "People's Protection Units", "belligerent"),
        ("YPJ", "Women's Protection Units", "belligerent"),
        ("Army of Revolutionaries", "Army of Revolutionaries", "belligerent"),
    ]


# --- odd input degrades, never raises -----------------------------------------------------

@pytest.mark.parametrize("text", [
    "", " ", "\n\n", "*", "**", ":", "Supported by:", "()", "(", ")", "🇷🇺 🇺🇦", "🇽🇽",
    "undefined", "KIA:", "Foo (from 2013", "a.svg", "[[File:x.svg|3px]]", "* (2014)",
])
def test_odd_input_does_not_raise(text: str) -> None:
    warnings: list[ReadWarning] = []
    parties = parse_parties(Field("combatant1", text, [Link("nowhere", "missing anchor")]), warnings)
    for party in parties:
        assert party.ref.name and not party.ref.name.endswith(":")


def test_two_flags_and_undefined_text() -> None:
    warnings: list[ReadWarning] = []
    parties = parse_parties(Field("combatant1", "🇷🇺 🇧🇾 Belarus undefined"), warnings)
    assert [(p.ref.name, p.ref.page) for p in parties] == [("Russia", "Russia"), ("Belarus", "Belarus")]
    assert Counter(w.kind for w in warnings) == {"flag-only": 1, "undefined-artifact": 1}


# --- flags ------------------------------------------------------------------------------

@pytest.mark.parametrize("flag, title", [
    ("🇷🇺", "Russia"), ("🇮🇷", "Iran"), ("🇸🇾", "Syria"), ("🇬🇧", "United Kingdom"),
    ("🇺🇸", "United States"), ("🇰🇵", "North Korea"), ("🇰🇷", "South Korea"), ("🇹🇷", "Turkey"),
    ("🇮🇶", "Iraq"), ("🇦🇲", "Armenia"), ("🇦🇿", "Azerbaijan"), ("🇺🇦", "Ukraine"),
    ("🇧🇾", "Belarus"), ("🇸🇦", "Saudi Arabia"), ("🇱🇧", "Lebanon"), ("🇨🇿", "Czech Republic"),
    ("🇪🇺", "European Union"), ("🇵🇸", "State of Palestine"),
])
def test_flag_titles(flag: str, title: str) -> None:
    assert flag_title(flag) == title


def test_flag_country_uses_the_link_page_when_linked() -> None:
    assert flag_country("🇮🇶", "iraq").page == "iraq"
    assert flag_country("🇮🇶").page == "Iraq"
    assert flag_country("🇽🇽") is None
    assert flag_code("🇷🇺") == "RU" and flag_code("RU") is None


@pytest.mark.parametrize("flag, name, same", [
    ("🇷🇺", "Russia", True), ("🇷🇺", "Russian Federation", True), ("🇸🇾", "Syrian Arab Republic", True),
    ("🇺🇸", "United States", True), ("🇹🇷", "Türkiye", True), ("🇮🇶", "Iraqi Shia militias", False),
    ("🇹🇷", "Turkish revolutionaries", False), ("🇷🇺", "Russian Armed Forces", False),
])
def test_is_same_country(flag: str, name: str, same: bool) -> None:
    assert is_same_country(flag, name) is same


def test_every_corpus_flag_has_a_title() -> None:
    flags: set[str] = set()
    for path in ARTICLES:
        box = read_document(path).conflict_infobox
        if box is None:
            continue
        for field in box.fields.values():
            flags.update(FLAG.findall(field.text))
    assert flags
    assert {flag for flag in flags if flag_title(flag) is None} == set()


# --- corpus ------------------------------------------------------------------------------

def test_corpus_parties_are_clean() -> None:
    total = 0
    for path in ARTICLES:
        box = read_document(path).conflict_infobox
        if box is None:
            continue
        for name, field in box.fields.items():
            if not name.startswith("combatant"):
                continue
            warnings: list[ReadWarning] = []
            for party in parse_parties(field, warnings):
                total += 1
                label = f"{path.name} {name}: {party.ref.name!r}"
                check_name(party.ref.name, label)
                assert party.role in ("belligerent", "supporter"), label
                assert party.field == name and party.text, label
                assert party.ref.page is None or (party.ref.page.strip() and party.ref.page != "undefined"), label
    assert total > 500


def check_name(name: str, label: str) -> None:
    lowered = name.lower()
    assert name.strip(), label
    assert name == name.strip(), label
    assert not name.endswith(":"), label
    assert not any(ext in lowered for ext in (".svg", ".png", ".jpg", ".jpeg")), label
    assert lowered != "undefined", label
    assert not is_flag(name), label


def test_doctests() -> None:
    for module in (kg.infobox.parties, kg.infobox.flags):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__


def test_compound_qualifier_keeps_its_words() -> None:
    """Issue 13 item 7: a qualifier with a scope and a date gives the date as the period's
    start and keeps the whole qualifier as its text."""
    field = Field("combatant2", "Kurdistan Region (against ISIL only; since 3 Mar. 2015)",
                  [Link("Kurdistan Region")])
    [party] = parse_parties(field, [])
    assert party.period is not None and party.period.start.iso() == "2015-03-03"
    assert party.period.text == "against ISIL only; since 3 Mar. 2015"
    assert party.ref.name == "Kurdistan Region"


def test_another_name_of_a_party_is_an_alternative_label(tmp_path) -> None:
    """Battle of Tell Hamis and Tell Brak: "Democratic Union Party (PYD)" is the party
    Democratic Union Party (Syria), with "PYD" among its skos:altLabel; no label keeps the
    parenthetical."""
    import kg
    from kg.builder import build

    with kg.open_store(tmp_path / "store") as store:
        build(store, [CORPUS / "syria" / "battle_of_tell_hamis_and_tell_brak_(2013–2014).md"], progress=False)
        rows = kg.query(store, """SELECT DISTINCT ?e ?label WHERE { ?p ckg:party ?e . ?e skos:altLabel ?l
                                  BIND(STR(?l) AS ?label) }""")
    labels: dict[str, set[str]] = {}
    for row in rows:
        labels.setdefault(row["e"], set()).add(row["label"])
    (pyd,) = [e for e, ls in labels.items() if "Democratic Union Party" in ls]
    assert "PYD" in labels[pyd]
    assert not any("(PYD)" in label or "(MFS)" in label for ls in labels.values() for label in ls)
    assert any({"Syriac Military Council", "MFS"} <= ls for ls in labels.values())


# --- an entity listed twice on a side (blind5 Mali War; Battle of Harem as a guard) --------

MALI_WAR = CORPUS.parents[1] / "tests" / "gold" / "blind5" / "articles" / "sahel" / "mali_war.md"


def test_an_entity_listed_twice_in_one_role_is_one_party() -> None:
    """Mali War's combatant1 lists Portugal and the United Kingdom among MINUSMA's
    contributors and again in the supporters' full list, and commander1 lists Mahamat Déby
    Itno twice: one party / commander each, with a ``duplicate-entry`` warning. Germany is
    a belligerent (2017-present) and a supporter: two statements, both kept."""
    from kg.infobox import parse_conflict

    doc = read_document(MALI_WAR)
    side = parse_conflict(doc).sides[0]
    counts = Counter((p.ref.name, p.role) for p in side.parties)
    assert counts[("Portugal", "supporter")] == 1 and counts[("United Kingdom", "supporter")] == 1
    assert max(counts.values()) == 1
    assert [(p.role, p.period.text if p.period else None) for p in side.parties if p.ref.name == "Germany"] == [
        ("belligerent", "2017-present"), ("supporter", None)]
    assert [c.ref.page for c in side.commanders if c.ref.name == "Mahamat Déby Itno"] == ["Mahamat Déby Itno"]
    assert sorted((w.field, w.text) for w in doc.warnings if w.kind == "duplicate-entry") == [
        ("combatant1", "🇬🇧 United Kingdom"), ("combatant1", "🇵🇹 Portugal"), ("commander1", "🇹🇩 Mahamat Déby Itno")]


def test_a_repeat_adds_what_the_first_lacks() -> None:
    """In the shape of Mali War's lists: the repeat's period (and link) fill the first
    entry's; a repeat in another role stays apart."""
    from kg.infobox import merge_repeats

    text = "🇫🇷 France\n\nSupported by:\n\n🇵🇹 Portugal\n\n🇵🇹 Portugal (from 2014)\n\n🇫🇷 France"
    warnings: list[ReadWarning] = []
    parties = merge_repeats(parse_parties(Field("combatant1", text, [Link("portugal", "Portugal")]), []), warnings)
    assert [(p.ref.name, p.role, p.period.text if p.period else None) for p in parties] == [
        ("France", "belligerent", None), ("Portugal", "supporter", "from 2014"), ("France", "supporter", None)]
    assert [(w.kind, w.text) for w in warnings] == [("duplicate-entry", "🇵🇹 Portugal (from 2014)")]


def test_two_people_linked_to_one_page_stay_two() -> None:
    """Battle of Harem's commander2 links both 'Basil Eissa' and 'Mohaned Eissa' to the
    page Idlib Martyrs' Brigade: two names, two commanders (a repeat is the same name)."""
    from kg.infobox import parse_conflict

    doc = read_document(CORPUS / "syria" / "battle_of_harem.md")
    names = [c.ref.name for c in parse_conflict(doc).sides[1].commanders]
    assert "Basil Eissa" in names and "Mohaned Eissa" in names
    assert not [w for w in doc.warnings if w.kind == "duplicate-entry"]


def test_the_graph_has_one_participation_per_party_and_role(tmp_path) -> None:
    """The RDF of Mali War: no party twice in one role on a side, no person commanding
    twice on a side (Portugal, United Kingdom, Mahamat Déby Itno were each mapped twice)."""
    import kg
    from kg.builder import build

    with kg.open_store(tmp_path / "store") as store:
        build(store, [MALI_WAR], progress=False)
        parties = kg.query(store, """SELECT ?s ?e ?r (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ckg:participation ?p .
                                     ?p ckg:party ?e ; ckg:role ?r } GROUP BY ?s ?e ?r""")
        commands = kg.query(store, """SELECT ?s ?e (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s ckg:command ?c .
                                      ?c ckg:commander ?e } GROUP BY ?s ?e""")
    assert parties and commands
    assert [row for row in parties if int(row["n"]) > 1] == []
    assert [row for row in commands if int(row["n"]) > 1] == []
    assert sum(row["e"].endswith("/Germany") for row in parties) == 2
