"""Raw wikitext -> Document (kg.readers.wikitext), and the cross-check with wtf_wikipedia.

Data-driven: tests/fixtures/wikitext/templates.yaml holds one case per template family
(snippets copied from the .wiki fixtures); the 8 .wiki files of the same folder (listed in
wikitext_sources.tsv) are read whole; tests/fixtures/wtf/ holds wtf_wikipedia's conversions
of 4 of them, and the cross-check lists every place where the two readers' records differ.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from helpers import ROOT, read_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.document import Link
from kg.infobox import parse_conflict
from kg.infobox.records import ConflictRecord, Quantity
from kg.readers import read_document, reader_for
from kg.readers.wikitext import (
    country_flag,
    document_from_wikitext,
    has_conflict_infobox,
    read_wikitext,
    title_from_path,
    wikitext_field,
)
from kg.readers.wtf_markdown import read_wtf_markdown

FIXTURES = ROOT / "tests" / "fixtures" / "wikitext"
WTF = ROOT / "tests" / "fixtures" / "wtf"
CASES = read_cases("templates.yaml", FIXTURES)
WIKI_FILES = sorted(FIXTURES.glob("*.wiki"))
with (FIXTURES / "wikitext_sources.tsv").open(encoding="utf-8", newline="") as handle:
    SOURCES = {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}

GETTYSBURG = FIXTURES / "Battle_of_Gettysburg__infobox_only_wikiline_spec.wiki"
MARATHON = FIXTURES / "Battle_of_Marathon__infobox_only_wikiline_spec.wiki"
BOSWORTH = FIXTURES / "Battle_of_Bosworth_Field.wiki"
ARW = FIXTURES / "American_Revolutionary_War.wiki"
NO_CONFLICT = FIXTURES / "Donnelly's_Bar_and_Kay's_Tavern_attacks.wiki"


def record_of(path: Path) -> ConflictRecord:
    record = parse_conflict(read_wikitext(path))
    assert record is not None, path.name
    return record


def numbers(quantity: Quantity) -> tuple[int | None, int | None, int | None]:
    return quantity.value, quantity.minimum, quantity.maximum


# ---------------------------------------------------------------------------------------
# template families


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_template_family(case):
    warnings = []
    field = wikitext_field(case["field"], case["wikitext"], warnings)
    assert field.name == case["field"]
    assert field.text == case["text"]
    assert [[link.page, link.text] for link in field.links] == case["links"]
    assert field.formatting == (case.get("formatting") or {})
    assert {w.kind for w in warnings} == set(case.get("warnings") or [])


def test_cases_come_from_the_fixtures():
    """Every snippet not marked synthetic is copied from the file it names (modulo the
    parts cut out of a long field)."""
    for case in CASES:
        if case["from"] == "synthetic":
            continue
        source = (FIXTURES / case["from"]).read_text(encoding="utf-8")
        pieces = [p for p in re.split(r"<br />|\n|\|", case["wikitext"]) if len(p) > 12]
        assert any(piece in source for piece in pieces), case["id"]


@pytest.mark.parametrize("name, expected", [
    ("Syria", ("🇸🇾", "Syria")),
    ("Iran", ("🇮🇷", "Iran")),
    ("USA", ("🇺🇸", "United States")),
    ("United States", ("🇺🇸", "United States")),
    ("UK", ("🇬🇧", "United Kingdom")),
    ("Russian Federation", ("🇷🇺", "Russia")),
    ("Turkey", ("🇹🇷", "Turkey")),
    ("Spain", ("🇪🇸", "Spain")),
    ("Scotland", ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "Scotland")),
    ("CSA", (None, "Confederate States of America")),
    ("Kingdom of Great Britain", (None, "Kingdom of Great Britain")),
])
def test_country_flag(name, expected):
    assert country_flag(name) == expected


def test_flag_emoji_round_trips_through_the_flag_parser():
    """The emoji the reader writes is read back as the same country by kg.infobox.flags."""
    from kg.infobox.flags import flag_title

    for name in ("Syria", "Iraq", "Saudi Arabia", "Qatar", "France", "United Kingdom", "Russia"):
        emoji, title = country_flag(name)
        assert flag_title(emoji) == title


# ---------------------------------------------------------------------------------------
# finding the infobox


@pytest.mark.parametrize("opening", [
    "{{Infobox military conflict",
    "{{infobox military conflict",
    "{{Infobox_military_conflict",
    "{{Infobox  Military   Conflict",
    "{{ Infobox military conflict <!-- comment -->",
    "{{Template:Infobox military conflict",
    "{{Infobox war",
    "{{Infobox battle",
    "{{#invoke:Infobox military conflict|main",
    "{{#invoke:Infobox_military_conflict |main",
])
def test_conflict_infobox_in_any_spelling(opening):
    # (real names: a single letter is a placeholder left by a footnote, never a party)
    text = opening + "\n| conflict = Battle of X\n| combatant1 = [[Athens]]\n| combatant2 = [[Sparta]]\n}}\nBody."
    assert has_conflict_infobox(text)
    doc = document_from_wikitext(text, "x.wiki", "Battle of X")
    box = doc.conflict_infobox
    assert box is not None and box.template == "Infobox military conflict"
    assert list(box.fields) == ["conflict", "combatant1", "combatant2"]
    assert box.get("combatant1").links == [Link("Athens")]
    record = parse_conflict(doc)
    assert [p.ref.page for s in record.sides for p in s.parties] == ["Athens", "Sparta"]


def test_other_infoboxes_are_not_conflicts():
    doc = read_wikitext(NO_CONFLICT)
    assert doc.infoboxes == [] and doc.conflict_infobox is None
    assert parse_conflict(doc) is None
    assert not has_conflict_infobox(NO_CONFLICT.read_text(encoding="utf-8"))
    # The body is still read: a page without a conflict infobox is skipped by the build,
    # not broken.
    assert doc.title == "Donnelly's Bar and Kay's Tavern attacks"
    assert "Ulster Volunteer Force" in {link.target for link in doc.links}


def test_empty_parameters_are_left_out():
    doc = document_from_wikitext(
        "{{Infobox military conflict|conflict=X|map_label =|campaignbox={{Campaignbox X}}|coordinates=<!-- none -->}}",
        "x.wiki", "X")
    assert list(doc.conflict_infobox.fields) == ["conflict"]


def test_title_coordinates_fill_a_missing_coordinates_field():
    doc = read_wikitext(FIXTURES / "Battle_of_Wakefield.wiki")
    assert doc.conflict_infobox.get("coordinates").text == "53°40′48″N 1°29′32″W"
    assert "coordinates-from-page" in {w.kind for w in doc.warnings}
    record = parse_conflict(doc)
    assert record.coordinates.latitude == pytest.approx(53.68, abs=1e-3)
    assert record.coordinates.longitude == pytest.approx(-1.4922, abs=1e-3)


# ---------------------------------------------------------------------------------------
# the 8 fixture files


def test_tsv_lists_every_file():
    assert set(SOURCES) == {path.name for path in WIKI_FILES}
    assert len(WIKI_FILES) == 8


@pytest.mark.parametrize("path", WIKI_FILES, ids=[p.stem for p in WIKI_FILES])
def test_every_file_reads(path):
    assert reader_for(path) is read_wikitext
    doc = read_document(path)
    assert doc.title == SOURCES[path.name]["title"] == title_from_path(path)
    assert doc.kind == "wikipedia" and doc.content_hash.startswith("sha256:")
    texts = [field.text for box in doc.infoboxes for field in box.fields.values()] + [doc.body]
    for text in texts:
        for debris in ("{{", "}}", "[[File:", "[[Image:", "<ref", "</ref>", "<!--", "<br", "\x00"):
            assert debris not in text, (path.name, debris)
    for box in doc.infoboxes:
        for field in box.fields.values():
            assert (".svg" not in field.text and ".png" not in field.text) or field.name in ("image", "image_map"), field
            for link in field.links:
                assert link.anchor in field.text, (field.name, link)
    parse_conflict(doc)       # never raises
    if "INFOBOX ONLY" in SOURCES[path.name]["note"]:
        assert doc.body == ""
    else:
        assert doc.sections and doc.links and doc.description


def test_full_article_body():
    doc = read_wikitext(BOSWORTH)
    assert doc.short_description == "Last significant battle of the Wars of the Roses"
    assert doc.description.startswith("The Battle of Bosworth Field (or Battle of Bosworth) was the last")
    titles = [section.title for section in doc.sections]
    assert titles[:5] == ["Background", "Factions", "Yorkist", "Lancastrians", "Stanleys"]
    assert {s.level for s in doc.sections} == {2, 3}
    targets = {link.target for link in doc.links}
    assert {"Wars of the Roses", "Henry VII of England", "House of Lancaster"} <= targets
    first = next(link for link in doc.links if link.target == "Henry VII of England")
    assert doc.body[first.start:first.end] == "[Henry Tudor](./Henry_VII_of_England)"
    assert "**Battle of Bosworth Field**" in doc.body
    assert doc.image_url.endswith("/Battle_of_Bosworth_by_Philip_James_de_Loutherbourg.jpg")


# ---------------------------------------------------------------------------------------
# records of the four conflict articles (values read from the wikitext by hand)


def test_gettysburg_record():
    record = record_of(GETTYSBURG)
    union, confederacy = record.sides
    assert [(p.ref.name, p.ref.page) for p in union.parties] == [("United States", "United States")]
    assert [(p.ref.name, p.ref.page) for p in confederacy.parties] == [
        ("Confederate States of America", "Confederate States of America")]
    assert [(c.ref.name, c.ref.page) for c in union.commanders] == [("George G. Meade", "George Meade")]
    assert [(c.ref.name, c.ref.page) for c in confederacy.commanders] == [("Robert E. Lee", "Robert E. Lee")]
    # strength1 = 104,256 ("present for duty"); strength2 = 71,000–75,000 (estimated)
    assert [numbers(q) for q in union.strength] == [(104256, None, None)]
    assert [numbers(q) for q in confederacy.strength] == [(None, 71000, 75000)]
    # casualties1 = '''23,049''' total (3,155 killed; 14,529 wounded; 5,365 captured/missing)
    assert [(numbers(q), q.kind) for q in union.casualties] == [
        ((23049, None, None), "casualties"), ((3155, None, None), "killed"),
        ((14529, None, None), "wounded"), ((5365, None, None), "casualties")]
    assert [numbers(q) for q in confederacy.casualties] == [(None, 23000, 28000)]
    assert [u.ref.page for u in union.units] == ["Army of the Potomac"]
    assert (record.coordinates.latitude, record.coordinates.longitude) == (39.811, -77.225)
    assert (record.date.start.iso(), record.date.end.iso()) == ("1863-07-01", "1863-07-03")


def test_marathon_record():
    record = record_of(MARATHON)
    greeks, persians = record.sides
    assert [p.ref.page for p in greeks.parties] == ["Classical Athens", "Plataea"]
    assert [p.ref.page for p in persians.parties] == ["Achaemenid Empire"]
    assert [(c.ref.name, c.kia) for c in greeks.commanders] == [
        ("Miltiades", False), ("Callimachus", True), ("Aristides the Just", False),
        ("Xanthippus", False), ("Themistocles", False), ("Stesilaos", True), ("Arimnestos", False)]
    assert [(c.ref.name, c.role) for c in persians.commanders][-1] == ("Hippias", "deposed Athenian tyrant")
    # strength1 = 9,000–10,000 Athenians, 1,000 Plataeans
    assert [numbers(q) for q in greeks.strength] == [(None, 9000, 10000), (1000, None, None)]
    # strength2 = 25,000 infantry and 1,000 cavalry … 100,000+ … 600 triremes …
    assert [numbers(q) for q in persians.strength][:4] == [
        (25000, None, None), (1000, None, None), (None, 100000, None), (600, None, None)]
    # casualties = 192 Athenians, 11 Plataeans, 1,000–3,000 dead / 6,400 dead …
    assert [numbers(q) for q in greeks.casualties] == [(192, None, None), (11, None, None), (None, 1000, 3000)]
    assert numbers(persians.casualties[0]) == (6400, None, None)
    assert record.coordinates.latitude == pytest.approx(38 + 7 / 60 + 5 / 3600)
    assert record.coordinates.longitude == pytest.approx(23 + 58 / 60 + 42 / 3600)
    assert record.date.start.year == -490


def test_bosworth_record():
    record = record_of(BOSWORTH)
    york, tudor = record.sides
    assert [p.ref.page for p in york.parties] == ["House of York"]
    assert [(p.ref.name, p.role) for p in tudor.parties] == [
        ("House of Tudor", "belligerent"), ("Kingdom of France", "supporter"), ("Stanley family", "belligerent")]
    killed = [c.ref.name for c in york.commanders if c.kia]
    assert killed == ["King Richard III", "John Howard, Duke of Norfolk", "Sir Richard Ratcliffe"]
    assert len(york.commanders) == 7 and len(tudor.commanders) == 8
    surrey = next(c for c in york.commanders if c.ref.page == "Thomas Howard, 2nd Duke of Norfolk")
    # {{POW}} is his fate, not a role
    assert (surrey.role, surrey.fate, surrey.kia) == (None, "captured", False)
    # strength1 = 7,500–12,000; strength2 = 5,000–8,000 <hr> 4,000–6,000 Stanley men
    assert [numbers(q) for q in york.strength] == [(None, 7500, 12000)]
    assert [numbers(q) for q in tudor.strength] == [(None, 5000, 8000), (None, 4000, 6000)]
    # casualties1 = unknown; casualties2 = 100 <br> Stanley losses unknown
    assert [q.unknown for q in york.casualties] == [True]
    assert [numbers(q) for q in tudor.casualties] == [(100, None, None), (None, None, None)]
    # {{coord|52|35|28|N|1|24|37|W}}: west is negative
    assert record.coordinates.latitude == pytest.approx(52 + 35 / 60 + 28 / 3600)
    assert record.coordinates.longitude == pytest.approx(-(1 + 24 / 60 + 37 / 3600))


def test_american_revolutionary_war_record():
    record = record_of(ARW)
    patriots, britain = record.sides
    first = patriots.parties[0]
    assert (first.ref.name, first.country.page) == ("Thirteen Colonies", "United States")
    assert [(p.ref.name, p.group) for p in patriots.parties if p.group == "Co-belligerents"] == [
        ("Dutch Republic", "Co-belligerents"), ("Mysore", "Co-belligerents")]
    assert sum(p.group == "American Indians" for p in patriots.parties) == 14
    assert [p.ref.page for p in britain.parties][:2] == ["British Empire", "Electorate of Brunswick-Luneburg"]
    assert [c.ref.page for c in patriots.commanders][:3] == [
        "George Washington", "Thomas Chittenden", "Louis XVI of France"]
    assert patriots.commanders[0].country.page == "United States"
    assert [c.ref.page for c in britain.commanders][:2] == [
        "George III of the United Kingdom", "Frederick North, Lord North"]
    # strength1: 40,000 (average) <br> 200,000 (total served) …; strength2: 48,000 (America peak) …
    assert [numbers(q) for q in patriots.strength][:2] == [(40000, None, None), (200000, None, None)]
    assert numbers(britain.strength[0]) == (48000, None, None)
    # casualties1: 25,000–70,000 total dead …; casualties2: 43,633 total dead …
    assert numbers(patriots.casualties[0]) == (None, 25000, 70000)
    assert numbers(britain.casualties[0]) == (43633, None, None)
    assert (record.date.start.iso(), record.date.end.iso()) == ("1775-04-19", "1783-09-03")


# ---------------------------------------------------------------------------------------
# odd input never raises

ODD_INPUTS = [
    "", "{{", "}}", "[[", "]]", "{{Infobox military conflict", "{{Infobox military conflict}}",
    "{{Infobox military conflict|combatant1={{flag|}}|commander1=[[|]]|strength1={{convert}}}}",
    "{{Infobox military conflict|coordinates={{coord|abc|N}}|date={{circa}}|result={{ubl}}}}",
    "{{Infobox military conflict|casualties1=<ref>unclosed|commander1=x{{KIA}}{{KIA}}}}",
    "{{Infobox military conflict|combatant1='''bold ''italic|combatant2=<div><div>}}",
    "{{Infobox military conflict|1=positional|=empty name|combatant1={{{1|default}}}}}",
    "{{Infobox military conflict|combatant1=" + "{{nowrap|" * 60 + "x" + "}}" * 60 + "}}",
    "{{#invoke:Infobox military conflict}}", "{{#invoke:}}", "{{#if:x|y|z}}",
    "== == \n=== x", "<nowiki>{{KIA}}</nowiki>", "[http://x.org", "&#xD800; &bogus; &#99999999;",
    "{{coord|91|0|N|0|0|E}}", "[[File:x.svg|thumb|[[nested]] caption]] text",
    "{{flagicon|}}{{flagdeco}}{{flag|Nowhere Land}}",
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_raises(text):
    doc = document_from_wikitext(text, "odd.wiki", "Odd")
    if doc.conflict_infobox is not None:
        parse_conflict(doc)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "{{", "}}", "[[", "]]", "|", "=", "'''", "''", "<br>", "<ref>", "</ref>", "<!--", "-->",
    "*", "\n", "{{KIA}}", "{{flag|Syria}}", "{{ubl|", "{{coord|1|N|2|E}}", "Infobox military conflict",
    "combatant1", "[[File:x.svg]]", "text", "1,000", "<div>", "</div>", "{{#invoke:", "&nbsp;",
]), max_size=40))
def test_random_wikitext_never_raises(tokens):
    text = "{{Infobox military conflict|combatant1=" + "".join(tokens)
    doc = document_from_wikitext(text, "fuzz.wiki", "Fuzz")
    if doc.conflict_infobox is not None:
        parse_conflict(doc)


def test_undecodable_bytes_raise_a_document_error():
    from kg.readers.errors import DocumentError

    with pytest.raises(DocumentError):
        read_wikitext("bad.wiki", data=b"\xff\xfe\x00\xd8 broken")


# ---------------------------------------------------------------------------------------
# cross-check with wtf_wikipedia's conversion of the same wikitext
#
# Each fixture pair is read by its own reader and parsed with kg.infobox.parse_conflict;
# the records are summarised (sides: parties, commanders with KIA, numbers of strengths and
# casualties; names, part of, date, places, coordinates) and compared key by key. Every key
# that differs must be listed below with the reason, and a check that the difference is
# exactly that; every other key must be equal.


def _summary(record: ConflictRecord) -> dict:
    out: dict = {
        "names": [n.text for n in record.names],
        "part_of": [(r.name, r.page) for r in record.part_of],
        "date": (record.date.start.iso() if record.date and record.date.start else None,
                 record.date.end.iso() if record.date and record.date.end else None),
        "places": [(r.name, r.page) for r in record.places],
        "coordinates": (round(record.coordinates.latitude, 4), round(record.coordinates.longitude, 4))
        if record.coordinates else None,
        "sides": [s.number for s in record.sides],
        "totals": [numbers(q) for q in record.casualties_total],
    }
    for side in record.sides:
        n = side.number
        out[f"side{n}.parties"] = [(p.ref.name, p.ref.page, p.role, p.group,
                                    p.country.page if p.country else None) for p in side.parties]
        out[f"side{n}.commanders"] = [(c.ref.name, c.ref.page, c.kia) for c in side.commanders]
        out[f"side{n}.units"] = [(u.ref.name, u.ref.page, u.level) for u in side.units]
        out[f"side{n}.strength"] = [numbers(q) for q in side.strength]
        out[f"side{n}.casualties"] = [(numbers(q), q.kind, q.unknown) for q in side.casualties]
    return out


def _names(rows):
    return [row[0] for row in rows]


def _kia_lost(kia_names):
    """wtf_wikipedia drops {{KIA}}: same commanders, but none of them killed in action."""
    def check(ours, theirs):
        assert [(n, p) for n, p, _ in ours] == [(n, p) for n, p, _ in theirs]
        assert [n for n, _, kia in ours if kia] == kia_names
        assert not any(kia for _, _, kia in theirs)
    return check


def _undefined_party(name):
    """{{flagcountry|X}} for an X missing from wtf_wikipedia's flag table renders as
    `undefined` (a link to `undefined`): the party is lost on the wtf side."""
    def check(ours, theirs):
        assert _names(ours) == [name] and theirs == []
    return check


def _lower_case_country(ours, theirs):
    """{{flagcountry|USA}}: wtf_wikipedia writes the name and page from its own lower-case
    table (`united states`); the wikitext reader writes the title."""
    assert [(n.lower(), p.lower(), *rest) for n, p, *rest in ours] == theirs


def _list_links_lost(ours, theirs):
    """{{collapsible list}} items: wtf_wikipedia keeps the names but loses their links.
    Its flag links point to lower-case pages (`spain`), so the flag countries agree only
    case-insensitively."""
    assert _names(ours) == _names(theirs)
    lost = [(o, t) for o, t in zip(ours, theirs) if o[1] != t[1]]
    assert lost and all(t[1] is None for _, t in lost)
    assert [o[2:4] for o in ours] == [t[2:4] for t in theirs]
    assert [(o[4] or "").casefold() for o in ours] == [(t[4] or "").casefold() for t in theirs]


def _ubl_links_and_kia_lost(kia_names, expected_theirs):
    """{{ubl|…}} commanders: wtf_wikipedia renders the items without their links, so the
    names are plain text that the commander parser splits at the comma of a title
    (`John Howard, Duke of Norfolk` -> two people) and image names are left in; {{KIA}} is
    dropped. The wikitext reader keeps links (one person each) and KIA."""
    def check(ours, theirs):
        assert [n for n, _, kia in ours if kia] == kia_names
        assert all(p is not None for n, p, _ in ours if not n.startswith(("King", "Sir", "Lord", "Viscount")))
        assert _names(theirs) == expected_theirs
        assert not any(kia for _, _, kia in theirs)
    return check


def _coordinates_dropped(ours, theirs):
    """{{coord|…|display=title}} only: wtf_wikipedia renders nothing in the field."""
    assert ours is not None and theirs is None


EXPECTED_DIFFERENCES = {
    "battle_of_gettysburg": {
        "side1.parties": _lower_case_country,
        "side2.parties": _undefined_party("Confederate States of America"),
    },
    "battle_of_marathon": {
        "side1.commanders": _kia_lost(["Callimachus", "Stesilaos"]),
        "side2.parties": _undefined_party("Achaemenid Empire"),
    },
    "battle_of_bosworth_field": {
        "coordinates": _coordinates_dropped,
        "side1.commanders": _ubl_links_and_kia_lost(
            ["King Richard III", "John Howard, Duke of Norfolk", "Sir Richard Ratcliffe"],
            ["King Richard III", "John Howard", "Duke of Norfolk", "Henry Percy", "Earl of Northumberland",
             # issue 13: "Howard arms (…).svg", a file name with parentheses, is removed whole
             "John de la Pole", "Earl of Lincoln", "Sir Richard Ratcliffe", "Thomas Howard",
             "Earl of Surrey", "Viscount Francis Lovell"]),
        "side2.commanders": _ubl_links_and_kia_lost(
            [],
            ["Henry Tudor", "Jasper Tudor", "John de Vere", "Earl of Oxford", "Sir Gilbert Talbot",
             "Sir Philibert de Chandée", "Sir William Stanley"]),
    },
    "american_revolutionary_war": {
        "side1.parties": _list_links_lost,
        # issue 13: "Wappen-HK (1736-1804).svg" is removed whole, so wtf_wikipedia's side 2
        # no longer gives the parties "Wappen-HK"; only the collapsible list's links are lost
        "side2.parties": _list_links_lost,
    },
}

PAIRS = {
    "battle_of_gettysburg": GETTYSBURG,
    "battle_of_marathon": MARATHON,
    "battle_of_bosworth_field": BOSWORTH,
    "american_revolutionary_war": ARW,
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_cross_check_with_wtf_wikipedia(name):
    ours = _summary(record_of(PAIRS[name]))
    wtf_record = parse_conflict(read_wtf_markdown(WTF / f"{name}.md"))
    assert wtf_record is not None
    theirs = _summary(wtf_record)
    assert set(ours) == set(theirs)
    expected = EXPECTED_DIFFERENCES[name]
    differing = {key for key in ours if ours[key] != theirs[key]}
    assert differing == set(expected), f"unexpected differences: {sorted(differing ^ set(expected))}"
    for key, check in expected.items():
        check(ours[key], theirs[key])


def test_wtf_fixtures_are_what_the_readme_says():
    readme = (WTF / "README.md").read_text(encoding="utf-8")
    assert "wtf_wikipedia 10.4.2" in readme
    for name in PAIRS:
        assert f"{name}.md" in readme
        assert (WTF / f"{name}.md").read_text(encoding="utf-8").startswith("---\ninfoboxes:\n")
