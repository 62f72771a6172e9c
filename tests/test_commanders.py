"""commanderN -> Commander (kg.infobox.commanders).

Data-driven: tests/fixtures/fields/commanders.yaml holds real field texts from the corpus
with hand-written expectations. Plus the full sample article and a corpus-wide check.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from helpers import (
    ARTICLES,
    CORPUS,
    DATA,
    SAMPLE_CLEAN,
    case_article,
    corpus_field,
    field_of,
    load_cases,
    read_cases,
)

import kg.infobox.commanders
from kg.document import Field, Link, ReadWarning
from kg.infobox.commanders import parse_commanders, split_at_ranks, split_role_period, strip_rank
from kg.infobox.records import Commander
from kg.infobox.text import is_flag
from kg.readers import read_document

CASES = read_cases("commanders.yaml")


def as_dict(commander: Commander, keys: set[str]) -> dict:
    record = {
        "name": commander.ref.name,
        "page": commander.ref.page,
        "role": commander.role,
        "role_links": [ref.page for ref in commander.role_links],
        "kia": commander.kia,
        "period": commander.period.text if commander.period else None,
        "country": commander.country.page if commander.country else None,
        "alt_names": list(commander.alt_names),
        "fate": commander.fate,
        "fate_claimant": (f"{commander.fate_claimant.text} -> {commander.fate_claimant.ref and commander.fate_claimant.ref.page}"
                          if commander.fate_claimant else None),
    }
    if "text" in keys:
        record["text"] = commander.text
    return record


def expected_dict(expected: dict) -> dict:
    record = {"role": None, "role_links": [], "kia": False, "period": None, "country": None, "alt_names": [],
              "fate": None, "fate_claimant": None}
    record.update(expected)
    return record


@pytest.mark.parametrize("case", load_cases("commanders.yaml"))
def test_fixture_case(case: dict) -> None:
    warnings: list[ReadWarning] = []
    body = read_document(case_article(case)).body if case.get("body_from_article") else ""
    commanders = parse_commanders(field_of(case), warnings, body)
    expected = [expected_dict(e) for e in case["expected"] or []]
    actual = [as_dict(c, set(e)) for c, e in zip(commanders, expected)] + [
        as_dict(c, set()) for c in commanders[len(expected):]
    ]
    assert actual == expected
    assert sorted(w.kind for w in warnings) == sorted(case["warnings"] or [])
    for commander in commanders:
        assert commander.field == case["field"]
        assert commander.text


def test_fixtures_cover_enough_articles() -> None:
    assert len({case["article"] for case in CASES}) >= 5


@pytest.mark.parametrize("case", load_cases("commanders.yaml"))
def test_fixture_text_is_the_corpus_text(case: dict) -> None:
    field = corpus_field(case)
    assert field.text == case["text"]
    assert [(link.page, link.text) for link in field.links] == [(link["page"], link.get("text")) for link in case["links"] or []]


# --- the sample article -------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_fields() -> dict[str, Field]:
    return read_document(SAMPLE_CLEAN).conflict_infobox.fields


def test_sample_commander1(sample_fields) -> None:
    commanders = parse_commanders(sample_fields["commander1"], [])
    assert [(c.ref.name, c.role, c.kia) for c in commanders] == [
        ("Ali Abdullah Ayyoub", "Chief of the General Staff", False),
        ("Suheil al-Hasan", "Head of Aleppo military operations", False),
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
    ]
    soleimani = commanders[2]
    assert soleimani.ref.page == "Qasem Soleimani"
    assert [(r.name, r.page) for r in soleimani.role_links] == [("IRGC", "IRGC")]
    assert "IRGC" not in [c.ref.name for c in commanders]
    assert [c.ref.page for c in commanders[:7]] == [c.ref.name for c in commanders[:7]]
    assert all(c.ref.page is None for c in commanders[7:])


def test_sample_commander2(sample_fields) -> None:
    warnings: list[ReadWarning] = []
    commanders = parse_commanders(sample_fields["commander2"], warnings)
    assert [(c.ref.name, c.kia) for c in commanders] == [
        ("Abdul Jabbar al-Oqaidi", False),
        ("Taufik Shiabuddin", False),
        ("Abdul Qader Saleh", True),
        ("Yusef al-Jader", True),
        ("Yussef Al-Abbas", True),
        ("Khaled Hayani", True),
        ("Abu Khalid al-Suri", True),
        ("Abdulrahman al-Salameh", True),
        ("Nasif Ismail", True),
    ]
    assert commanders[0].ref.page == "Abdul Jabbar al-Oqaidi"
    assert commanders[0].role == "FSA Aleppo top commander" and commanders[0].period.text == "2013"
    assert commanders[1].role == "Nour al-Din al-Zenki Movement"
    assert [w.kind for w in warnings] == ["image-name"]


def test_sample_commander3(sample_fields) -> None:
    commanders = parse_commanders(sample_fields["commander3"], [])
    assert [(c.ref.name, c.kia) for c in commanders] == [
        ("Zoran Birhat", False), ("Sharvan Efrin", False), ("Nujin Derik", False),
        ("Sewsen Bîrhat", False), ("Yusuf Kahia", True),
    ]


# --- rules in isolation --------------------------------------------------------------------

def test_dagger_marks_kia_and_leaves_the_name() -> None:
    commanders = parse_commanders(Field("commander1", "Issam Zahreddine †\nSuheil al-Hassan"), [])
    assert [(c.ref.name, c.kia) for c in commanders] == [("Issam Zahreddine", True), ("Suheil al-Hassan", False)]


def test_period_alone_is_not_a_role() -> None:
    (commander,) = parse_commanders(Field("commander1", "Zahran Alloush (from 2015)", [Link("Zahran Alloush")]), [])
    assert commander.role is None and commander.period is not None and commander.period.start.year == 2015


@pytest.mark.parametrize("name, bare", [
    ("Maj. Gen. Hussein Isaac", "Hussein Isaac"), ("Lt. Col. Fares Bayoush", "Fares Bayoush"),
    ("1st Lt. Rifaat Khalil", "Rifaat Khalil"), ("Colonel Suheil al-Hassan", "Suheil al-Hassan"),
    ("Cmdr. Basil Eissa", "Basil Eissa"), ("Sheikh Khaled Hablas", "Sheikh Khaled Hablas"),
])
def test_strip_rank(name: str, bare: str) -> None:
    assert strip_rank(name) == bare


def test_split_at_ranks_keeps_compound_ranks() -> None:
    assert split_at_ranks("Lt. Gen. Sergei Kisel") == ["Lt. Gen. Sergei Kisel"]
    assert split_at_ranks("Brig. Gen. Qassam Mahmoud Shehada") == ["Brig. Gen. Qassam Mahmoud Shehada"]


@pytest.mark.parametrize("text", [
    "", "KIA", "KIA:\n", "(role only)", "†", "🇷🇺", "Unknown\n(Chief)", "Foo (bar", "** x)",
    "Col.", "a.png (b)", ",,", "(2014–present)\nName",
])
def test_odd_input_does_not_raise(text: str) -> None:
    for commander in parse_commanders(Field("commander1", text, [Link("x", "nothing here")]), []):
        check_name(commander.ref.name, repr(text))


# --- corpus ------------------------------------------------------------------------------

def test_corpus_commanders_are_clean() -> None:
    total = 0
    for path in ARTICLES:
        box = read_document(path).conflict_infobox
        if box is None:
            continue
        for name, field in box.fields.items():
            if not name.startswith("commander"):
                continue
            for commander in parse_commanders(field, []):
                total += 1
                label = f"{path.name} {name}: {commander.ref.name!r}"
                check_name(commander.ref.name, label)
                assert commander.ref.name.count("(") == commander.ref.name.count(")"), label
                assert commander.field == name and commander.text, label
                assert commander.ref.name.lower() != "unknown", label
                assert commander.role is None or commander.role.strip(), label
                # no date left in a role after a comma (corpus sweep: Aleppo, Early insurgency)
                assert commander.role is None or split_role_period(commander.role)[1] is None, label
    assert total > 400


def check_name(name: str, label: str) -> None:
    lowered = name.lower()
    assert name.strip() and name == name.strip(), label
    assert not name.endswith(":"), label
    assert not any(ext in lowered for ext in (".svg", ".png", ".jpg", ".jpeg")), label
    assert lowered != "undefined", label
    assert not is_flag(name), label
    assert "†" not in name, label


def test_doctests() -> None:
    assert doctest.testmod(kg.infobox.commanders).failed == 0


def test_names_run_together_are_kept_without_the_body() -> None:
    """Darayya's commander2 read without its article: no body names the parts apart, so the
    run is one name, as written (nothing guessed)."""
    warnings: list[ReadWarning] = []
    commanders = parse_commanders(Field("commander2", "Mohamed Zawahiri Islam Aloush Abu Ali"), warnings)
    assert [c.ref.name for c in commanders] == ["Mohamed Zawahiri Islam Aloush Abu Ali"] and warnings == []


@pytest.mark.parametrize(("article", "side", "name", "text", "start", "end"), [
    # "🇷🇺 Aleksandr Lapin (from c. undefined 11 September)" (the conflict began in 2022)
    ("ukraine/2022_ukrainian_kharkiv_counteroffensive", 2, "Aleksandr Lapin", "from c. 11 September", "2022-09-11", None),
    ("ukraine/2022_ukrainian_eastern_counteroffensive", 2, "Aleksandr Lapin", "from c. 11 September", "2022-09-11", None),
    # "🇲🇱 Sadio Gassama (until March)" (Mali War, from January 2012; blind5 source)
    ("tests/gold/blind5/articles/sahel/mali_war", 1, "Sadio Gassama", "until March", None, "2012-03"),
    ("tests/gold/blind5/articles/sahel/mali_war", 1, "El Haji Ag Gamou", "until March", None, "2012-03"),
    # a period with its year stays as written: "(until March 2012)"
    ("tests/gold/blind5/articles/sahel/mali_war", 1, "Amadou Toumani Touré", "until March 2012", None, "2012-03"),
])
def test_a_period_without_a_year_is_dated_in_the_conflicts_year(article: str, side: int, name: str, text: str,
                                                                 start: str | None, end: str | None) -> None:
    """A commander's "(until March)" is dated in the year the conflict started, as a
    party's "(until 7 May)" is (``guessed-year``), not dropped as a scope note."""
    from kg.infobox import parse_conflict

    doc = read_document(case_article({"article": article}))
    record = parse_conflict(doc)
    (commander,) = [c for c in record.sides[side - 1].commanders if c.ref.name == name]
    assert commander.role is None and commander.period is not None and commander.period.text == text
    assert (commander.period.start.iso() if commander.period.start else None) == start
    assert (commander.period.end.iso() if commander.period.end else None) == end
    if not any(ch.isdigit() for ch in text.split()[-1]):
        assert ("guessed-year", f"commander{side}") in {(w.kind, w.field) for w in doc.warnings if name in w.text}


def test_a_guessed_split_reaches_the_side() -> None:
    """parse_conflict gives the commanders parser the article body."""
    from kg.infobox import parse_conflict

    doc = read_document(CORPUS / "syria" / "battle_of_darayya_(november_2012–february_2013).md")
    record = parse_conflict(doc)
    assert [c.ref.name for c in record.sides[1].commanders] == ["Mohamed Zawahiri", "Islam Aloush", "Abu Ali"]
    assert [(w.field, w.text) for w in doc.warnings if w.kind == "guessed-split"] == [
        ("commander2", "Mohamed Zawahiri Islam Aloush Abu Ali")]


# --- a linked rank before a person (blind5 Mali War; the wikitext reader's shapes) ----------

@pytest.mark.parametrize(("source", "expected"), [
    # Mali War's commander1 line as wikitext: the rank is a link of its own
    ("{{flagicon|France}} [[Brigade General]] [[Gregory de Saint-Quentin]]",
     [("Gregory de Saint-Quentin", "Gregory de Saint-Quentin", "France")]),
    # the same with the person unlinked
    ("{{flagicon|France}} [[Brigade General]] Gregory de Saint-Quentin",
     [("Gregory de Saint-Quentin", None, "France")]),
    # Wikipedia's piped rank links (shapes of the corpus' unlinked 'Maj. Gen.', 'Col.')
    ("[[Major general|Maj. Gen.]] [[Qasem Soleimani]]<br>[[Colonel (Syria)|Col.]] [[Suheil al-Hassan]]",
     [("Qasem Soleimani", "Qasem Soleimani", None), ("Suheil al-Hassan", "Suheil al-Hassan", None)]),
    ("[[Lieutenant general|Lt. Gen.]] [[Valery Gerasimov]]", [("Valery Gerasimov", "Valery Gerasimov", None)]),
    # a linked group before a person is no rank: two entries, as before
    ("[[Hezbollah]] [[Hassan Nasrallah]]", [("Hezbollah", "Hezbollah", None), ("Hassan Nasrallah", "Hassan Nasrallah", None)]),
])
def test_a_linked_rank_is_the_rank_of_the_person_after_it(source: str, expected: list) -> None:
    from kg.readers.wikitext import wikitext_field

    warnings: list[ReadWarning] = []
    commanders = parse_commanders(wikitext_field("commander1", source), warnings)
    assert [(c.ref.name, c.ref.page, c.country.page if c.country else None) for c in commanders] == expected
    assert warnings == []


def test_a_linked_rank_in_the_wtf_text_is_no_commander() -> None:
    """Mali War's commander1 as wtf_wikipedia gives it (flag, 'Brigade General' and the
    name each linked): one commander, with the flag's country and the whole line as text."""
    from test_parties import MALI_WAR

    field = read_document(MALI_WAR).conflict_infobox.fields["commander1"]
    (line,) = [line for line in field.text.split("\n") if "Saint-Quentin" in line]
    assert line == "🇫🇷 Brigade General Gregory de Saint-Quentin"
    commanders = [c for c in parse_commanders(field, []) if c.text.startswith("🇫🇷 Brig")]
    assert [(c.ref.name, c.ref.page, c.country.page, c.text) for c in commanders] == [
        ("Gregory de Saint-Quentin", "Gregory de Saint-Quentin", "france", line)]
    assert "Brigade General" not in [c.ref.name for c in parse_commanders(field, [])]


OPERATION_SERVAL = Path(__file__).parent / "gold" / "blind6" / "articles" / "sahel" / "operation_serval.md"


def test_a_rank_linked_to_a_page_on_ranks_is_no_commander() -> None:
    """Operation Serval's commander1 (blind6) as wtf_wikipedia gives it: ``ADM.`` links to
    ``Ranks in the French Navy``; it is Édouard Guillaud's rank, not a commander 'ADM'."""
    field = read_document(OPERATION_SERVAL).conflict_infobox.fields["commander1"]
    (line,) = [line for line in field.text.split("\n") if "Guillaud" in line]
    assert line == "🇫🇷 ADM. Édouard Guillaud"
    warnings: list[ReadWarning] = []
    commanders = parse_commanders(field, warnings)
    assert [(c.ref.name, c.ref.page, c.country.page if c.country else None) for c in commanders
            if c.text == line] == [("Édouard Guillaud", "Édouard Guillaud", "france")]
    assert [c.ref.name for c in commanders] == ["François Hollande", "Édouard Guillaud", "Dioncounda Traoré",
                                                "Ibrahim Boubacar Keïta", "Mahamat Déby Itno", "Bilal Ag Acherif"]
    assert warnings == []


@pytest.mark.parametrize(("source", "expected"), [
    # Operation Serval's line as wikitext (blind6): the page is about ranks, the text a
    # rank abbreviation in capitals
    ("{{flagicon|France}} [[Ranks in the French Navy#Officiers généraux – Flag officers|ADM.]] [[Édouard Guillaud]]",
     [("Édouard Guillaud", "Édouard Guillaud")]),
    # the page alone says it is a rank, whatever the text (a rank page, a ranks page)
    ("[[Military ranks of Syria|Liwa]] [[Suheil al-Hassan]]", [("Suheil al-Hassan", "Suheil al-Hassan")]),
    ("[[Vice admiral|V. Adm.]] Igor Osipov", [("Igor Osipov", None)]),
    # unlinked abbreviated and naval ranks, any case
    ("ADM. Édouard Guillaud<br>VAdm. Igor Osipov<br>Rear Admiral Paul Smith",
     [("Édouard Guillaud", None), ("Igor Osipov", None), ("Paul Smith", None)]),
    # a rank linked alone names nobody
    ("[[Ranks in the French Navy|CV]]<br>[[Édouard Guillaud]]", [("Édouard Guillaud", "Édouard Guillaud")]),
    # a page that only starts with a rank word is no rank (the corpus' links of this shape:
    # 2019 Turkish offensive's commander1, Svatove's units1)
    ("[[General Staff of the Republic of Turkey|Turkish General Staff]] [[Yaşar Güler]]",
     [("Turkish General Staff", "General Staff of the Republic of Turkey"), ("Yaşar Güler", "Yaşar Güler")]),
])
def test_a_rank_linked_by_its_page_or_abbreviated_is_the_persons_rank(source: str, expected: list) -> None:
    from kg.readers.wikitext import wikitext_field

    commanders = parse_commanders(wikitext_field("commander1", source), [])
    assert [(c.ref.name, c.ref.page) for c in commanders] == expected


@pytest.mark.parametrize("text", ["Firas Issa\n Unnamed Brigadier", "Firas Issa\nColonel", "Firas Issa\nMaj. Gen."])
def test_a_rank_without_a_name_is_nobody(text: str) -> None:
    """2021 Daraa offensive's commander1 ('Unnamed Brigadier', blind5) and its shape with a
    bare rank: a placeholder, no commander."""
    warnings: list[ReadWarning] = []
    assert [c.ref.name for c in parse_commanders(Field("commander1", text), warnings)] == ["Firas Issa"]
    assert "placeholder" in [w.kind for w in warnings]


# --- unclosed parentheses and other names (issue 13, blind5) -------------------------------

@pytest.mark.parametrize("text, expected", [
    # Qalamoun's shape with a flag instead of the gap: a flag ends the entry too
    ("🇸🇾 Abu Azzam (deputy commander 🇸🇾 Ahmed Durra (Qara commander)",
     [("Abu Azzam", "deputy commander"), ("Ahmed Durra", "Qara commander")]),
    # the open "(" holds a closed one before the gap
    ("Abu Azzam (deputy (acting) commander  Ahmed Durra (Qara commander)",
     [("Abu Azzam", "deputy (acting) commander"), ("Ahmed Durra", "Qara commander")]),
])
def test_an_unclosed_parenthesis_ends_where_the_entry_ends(text: str, expected: list) -> None:
    warnings: list[ReadWarning] = []
    commanders = parse_commanders(Field("commander2", text, [Link("syria", "🇸🇾")]), warnings)
    assert [(c.ref.name, c.role) for c in commanders] == expected
    assert [(w.kind, w.field) for w in warnings] == [("unclosed-parenthesis", "commander2")]


def test_an_unclosed_parenthesis_at_the_line_end_is_left_alone() -> None:
    """Gettysburg's casualties1 (wikitext reader): a parenthetical that goes on over the next
    lines is not closed at the first line's end, and nothing warns."""
    from kg.infobox.text import scan_field

    field = read_document(DATA / "wikitext" / "Battle_of_Gettysburg__infobox_only_wikiline_spec.wiki") \
        .conflict_infobox.fields["casualties1"]
    assert field.text.startswith("23,049 total (3,155 killed;\n")
    warnings: list[ReadWarning] = []
    scanned = scan_field(field, warnings)
    assert not any(p.kind == "paren" for line in scanned.lines for p in line.pieces) and warnings == []


@pytest.mark.parametrize("text, name, alt, role", [
    ("Jonathan Jeffrey (aka Abu Ibrahim)", "Jonathan Jeffrey", "Abu Ibrahim", None),
    ("Jonathan Jeffrey (also known as Abu Ibrahim; ISIL leader)", "Jonathan Jeffrey", "Abu Ibrahim", "ISIL leader"),
    ("Abu Suleiman (known as 'the Sheikh', Jund ash-Sham emir)", "Abu Suleiman", "the Sheikh", "Jund ash-Sham emir"),
    ("Abu Ali (ISIL emir, a.k.a. Abu Hamza)", "Abu Ali", "Abu Hamza", "ISIL emir"),
    # "aka" only as a word: "Akademik" starts no other name
    ("Ivan Petrov (Akademik battalion commander)", "Ivan Petrov", None, "Akademik battalion commander"),
    # a parenthetical that is only a quoted name is a nickname (Battle of Ilovaisk, an article
    # outside data/: commander2 "Mikhail Tolstykh ("Givi")", "Arseny Pavlov ("Motorola")")
    ('Mikhail Tolstykh ("Givi")', "Mikhail Tolstykh", "Givi", None),
    ('Arseny Pavlov (“Motorola”)', "Arseny Pavlov", "Motorola", None),
    # ...and so is a name in another script, as for units (Katibat Saifullah (كتيبة سيف الله))
    ("Igor Girkin (Игорь Стрелков)", "Igor Girkin", "Игорь Стрелков", None),
    # quotes inside a role do not make it a name (Battle of al-Qusayr (2013), commander2)
    ("Abul-Baraa (al-Nusra front 'Emir')", "Abul-Baraa", None, "al-Nusra front 'Emir'"),
    # several quoted names joined by "or" are each another name (Siege of Sloviansk, an
    # article outside data/, commander2); so are names joined by commas and "and"
    ('Alexander Mozhaev ("Babay" or "Bogeyman")', "Alexander Mozhaev", ("Babay", "Bogeyman"), None),
    ('Sergei Zhurikov ("Romashka")', "Sergei Zhurikov", "Romashka", None),
    ("Abu Ali ('Abu Omar', 'the Sheikh' and 'Abu Hamza')", "Abu Ali", ("Abu Omar", "the Sheikh", "Abu Hamza"), None),
    # a quoted name and other words is no list of names
    ('Alexander Mozhaev ("Babay" or the Bogeyman)', "Alexander Mozhaev", None, '"Babay" or the Bogeyman'),
])
def test_another_name_in_the_parenthetical_is_no_role(text: str, name: str, alt: str | tuple[str, ...] | None,
                                                      role: str | None) -> None:
    alts = (alt,) if isinstance(alt, str) else alt or ()
    warnings: list[ReadWarning] = []
    [commander] = parse_commanders(Field("commander1", text), warnings)
    assert (commander.ref.name, commander.alt_names, commander.role) == (name, alts, role)
    assert [w.kind for w in warnings] == ["alt-name"] * len(alts)


@pytest.mark.parametrize("text, expected", [
    # Battle of Marawi (an article outside data/), commander1: a Philippine National Police
    # "Director General", and a "Vice Admiral" whose "V." alone would be an initial
    ("Dir. Gen. Ronald dela Rosa\n(PNP Chief)", [("Ronald dela Rosa", "PNP Chief")]),
    ("V. Adm. Ronald Joseph Mercado (Flag Officer-in-Command of the Philippine Navy)",
     [("Ronald Joseph Mercado", "Flag Officer-in-Command of the Philippine Navy")]),
    # Battle of Fallujah (2016) (outside data/), commander1: the Iraqi "Staff Major General",
    # also where it starts a new person after a role on the same line
    ("Staff Maj. Gen. Abdul-Wahab al-Saadi", [("Abdul-Wahab al-Saadi", None)]),
    ("Maj. Gen. Fadhil Barwari\n(ICTS commander) Staff Maj. Gen. Ismail al-Mahalawi",
     [("Fadhil Barwari", "ICTS commander"), ("Ismail al-Mahalawi", None)]),
    # Kargil War (outside data/), commander1: the air rank written out, and its abbreviation
    # without a dot (only listed ones: "rank-capitals" in name_words.tsv)
    ("Air Chief Marshal Anil Yashwant Tipnis", [("Anil Yashwant Tipnis", None)]),
    ("ACM Anil Yashwant Tipnis\n(Chief of the Air Staff)", [("Anil Yashwant Tipnis", "Chief of the Air Staff")]),
    # guards: initials stay (Kargil War "K. R. Narayanan"; Marawi "Danilo G Pamonag", "Elson
    # E. Hermogino"), capitals inside a name stay (Mali War "Carl XVI Gustaf"), and capitals
    # that are no listed rank stay the name's (a party's abbreviation is no rank)
    ("K. R. Narayanan\n(President of India)", [("K. R. Narayanan", "President of India")]),
    ("Lt. Gen. Danilo G Pamonag (2nd Overall Ground Commander, Joint Task Force Marawi)",
     [("Danilo G Pamonag", "2nd Overall Ground Commander, Joint Task Force Marawi")]),
    ("Adm. Elson E. Hermogino (Commandant of the Philippine Coast Guard)",
     [("Elson E. Hermogino", "Commandant of the Philippine Coast Guard")]),
    ("Carl XVI Gustaf", [("Carl XVI Gustaf", None)]),
    ("YPG Sipan Hemo", [("YPG Sipan Hemo", None)]),
    # "General Staff" is no rank ("Staff" only goes before one)
    ("Ali Abdullah Ayyoub\n(Chief of the General Staff)", [("Ali Abdullah Ayyoub", "Chief of the General Staff")]),
    # Commonwealth air force ranks (Battle of Goose Green, outside data/)
    ("Wg. Cdr. Wilson Pedrozo", [("Wilson Pedrozo", None)]),
    ("Wing Commander Wilson Pedrozo", [("Wilson Pedrozo", None)]),
])
def test_a_rank_before_the_name_is_no_part_of_it(text: str, expected: list) -> None:
    warnings: list[ReadWarning] = []
    commanders = parse_commanders(Field("commander1", text), warnings)
    assert [(c.ref.name, c.role) for c in commanders] == expected
    assert warnings == []


@pytest.mark.parametrize("text, name", [
    # Battle of Marawi (outside data/), commander1: "Jr." keeps its dot, before a role too
    ("Lt. Gen. Carlito Galvez Jr.\n(AFP Western Mindanao Command Chief)", "Carlito Galvez Jr."),
    ("Lt. Gen. Galileo Gerard Kintanar Jr. (Commanding General of the Philippine Air Force)",
     "Galileo Gerard Kintanar Jr."),
    ("Carlito Galvez Sr.", "Carlito Galvez Sr."),
    # guard: another dot at a name's end is punctuation
    ("Majul Gandamra.", "Majul Gandamra"),
])
def test_a_name_suffix_keeps_its_dot(text: str, name: str) -> None:
    [commander] = parse_commanders(Field("commander1", text), [])
    assert commander.ref.name == name


def test_another_name_of_a_commander_is_an_alternative_label(tmp_path) -> None:
    """Battle of Hosn, commander2: 'Khaled Mahmoud al-Dandashi (alias: "Abu Suleiman", …)':
    the person's skos:altLabel is Abu Suleiman; the command's role is the rest."""
    import kg
    from kg.builder import build

    with kg.open_store(tmp_path / "store") as store:
        build(store, [CORPUS / "syria" / "battle_of_hosn.md"], progress=False)
        rows = kg.query(store, """SELECT ?alt ?role WHERE { ?c ckg:commander ?p ; ckg:roleDescription ?r .
            ?p rdfs:label "Khaled Mahmoud al-Dandashi"@en ; skos:altLabel ?a .
            BIND(STR(?a) AS ?alt) BIND(STR(?r) AS ?role) }""")
    assert {(r["alt"], r["role"]) for r in rows} >= {("Abu Suleiman", "Emir and Founder of Jund ash-Sham")}


def test_a_commanders_other_name_is_tagged_with_the_language_of_its_script(tmp_path) -> None:
    """A person's other name in Cyrillic is an ``@ru`` label, in Latin ``@en``, as a unit's
    and a party's are: a Cyrillic name tagged ``@en`` would mislead every label lookup."""
    import kg
    from kg.builder import build

    article = tmp_path / "docs" / "battle_of_test.md"
    article.parent.mkdir()
    article.write_text("---\ntitle: Battle of Test\ninfoboxes:\n  - combatant1:\n      text: Ukraine\n"
                       "    combatant2:\n      text: Donetsk People's Republic\n    commander2:\n"
                       "      text: 'Igor Girkin (Игорь Стрелков)\n\n        Mikhail Tolstykh (\"Givi\")'\n"
                       "---\nBody.\n", encoding="utf-8")
    with kg.open_store(tmp_path / "store") as store:
        build(store, [article.parent], progress=False)
        rows = kg.query(store, """SELECT ?alt ?lang WHERE { ?c ckg:commander ?p . ?p skos:altLabel ?a .
            BIND(STR(?a) AS ?alt) BIND(LANG(?a) AS ?lang) }""")
    labels = {(r["alt"], r["lang"]) for r in rows}
    assert {("Игорь Стрелков", "ru"), ("Givi", "en")} <= labels
    assert ("Игорь Стрелков", "en") not in labels


#: Fate marks written after a commander in real articles (wtf_wikipedia text, and wikitext
#: whose {{WIA}}/{{POW}}/{{Executed}} templates the wikitext reader writes as "(WIA)" …):
#: (article, name, fate, fate claimant's page, kia, role). The last row is the guard: "MIA"
#: beside "Islamic Movement of Azawad (MIA)" on the same side names that party.
FATES = [
    ("wikipedia/syria/rif_dimashq_offensive_(august–october_2012).md", "Maher al-Assad", "wounded", None, False, None),
    ("wikipedia/ukraine/2022_ukrainian_kharkiv_counteroffensive.md", "Artem Helemendik", "captured", "Ukraine", False,
     None),
    # a death only claimed is no KIA: Mordvichev was later seen alive
    ("wikipedia/ukraine/southern_ukraine_campaign.md", "Andrey Mordvichev", "killed", "Ukraine", False, None),
    ("wikitext/Battle_of_Bosworth_Field.wiki", "Thomas Howard, Earl of Surrey", "captured", None, False, None),
    ("wikitext/Battle_of_Wakefield.wiki", "Earl of Salisbury", "executed", None, False, None),
    ("wikitext/American_Revolutionary_War__gensim_testdata_rev717770601.wiki", "John Burgoyne", "captured", None,
     False, None),
    ("../tests/gold/blind5/articles/sahel/mali_war.md", "Algabass Ag Intalla", None, None, False, "MIA"),
]


@pytest.mark.parametrize("article, name, fate, claimant, kia, role", FATES, ids=[f[1] for f in FATES])
def test_a_fate_mark_is_no_role(article: str, name: str, fate: str | None, claimant: str | None, kia: bool,
                                role: str | None) -> None:
    """``(WIA)``, ``(POW per Ukrainian claim)``, ``(executed)`` say what happened to the
    person (``fate``, with who claims it), not what the person was."""
    from kg.infobox import parse_conflict

    record = parse_conflict(read_document(DATA / article))
    assert record is not None
    named = [c for side in record.sides for c in side.commanders if c.ref.name == name]
    assert named, name
    commander = named[0]
    assert (commander.fate, commander.fate_claimant and commander.fate_claimant.ref and commander.fate_claimant.ref.page,
            commander.kia, commander.role) == (fate, claimant, kia, role)


def test_a_fate_is_in_the_graph_the_card_and_the_text_card(tmp_path) -> None:
    """Real articles on a real store: the fate and its claimant reach RDF (``ckg:fate``,
    ``ckg:fateClaimedBy``), the JSON card and the text card; the shapes accept them."""
    import kg
    from kg.builder import build
    from kg.render import render_card
    from kg.validate import validate_store

    articles = [CORPUS / "ukraine" / "2022_ukrainian_kharkiv_counteroffensive.md",
                CORPUS / "syria" / "rif_dimashq_offensive_(august–october_2012).md"]
    with kg.open_store(tmp_path / "store") as store:
        build(store, articles, progress=False)
        rows = kg.query(store, """SELECT ?name ?fate ?by WHERE { ?c ckg:commander ?p ; ckg:fate ?fate .
            ?p rdfs:label ?l . BIND(STR(?l) AS ?name) OPTIONAL { ?c ckg:fateClaimedBy ?by } }""")
        card = kg.card(store, "2022 Ukrainian Kharkiv counteroffensive")
        person = kg.card(store, "Maher al-Assad")
        conforms = validate_store(store).conforms
    assert {(r["name"], r["fate"], (r["by"] or "").rsplit("/", 1)[-1] or None) for r in rows} == {
        ("Artem Helemendik", "captured", "Ukraine"), ("Maher al-Assad", "wounded", None)}
    [helemendik] = [c for side in card["sides"] for c in side["commanders"] if c["label"] == "Artem Helemendik"]
    assert (helemendik["fate"], helemendik["fate_claimant"]["label"], helemendik["fate_claimant"]["text"],
            helemendik["role"], helemendik["kia"]) == ("captured", "Ukraine", "per Ukrainian claim", None, False)
    assert "Artem Helemendik [captured, per Ukraine]" in render_card(card)
    assert [(c["role"], c["fate"]) for c in person["commanded"]] == [(None, "wounded")]
    assert "[wounded]" in render_card(person)
    assert conforms


@pytest.mark.parametrize("text, name, role, period", [
    # Battle of Raqqa (2017), outside data/: a date at the end of the role, after "by"
    ("Abu Osama\n(Commander of ISIL holdouts by Oct. 2017)", "Abu Osama", "Commander of ISIL holdouts", "by Oct. 2017"),
    # guards: a place after "in" is the role's, and a role with no date stays whole
    ("Ali Mamlouk (head of the National Security Bureau in Damascus)", "Ali Mamlouk",
     "head of the National Security Bureau in Damascus", None),
    ("Issam Zahreddine (Republican Guard commander)", "Issam Zahreddine", "Republican Guard commander", None),
])
def test_a_date_at_the_end_of_the_role_is_the_period(text: str, name: str, role: str, period: str | None) -> None:
    [commander] = parse_commanders(Field("commander2", text), [], "", 2016)
    assert (commander.ref.name, commander.role, commander.period and commander.period.text) == (name, role, period)
