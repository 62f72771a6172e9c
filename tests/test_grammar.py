"""The field grammar of issue 13 (list structure, names, warnings) on real corpus fields.

Data-driven: tests/fixtures/fields/grammar.yaml holds field texts from both readers (the wtf
YAML of data/wikipedia and the raw wikitext of data/wikitext) with the records written by
hand from the text. Plus the cases the corpus has no instance of, written in its shapes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kg.document import Field, Link, ReadWarning
from kg.infobox.commanders import parse_commanders
from kg.infobox.parties import parse_parties
from kg.infobox.records import Party
from kg.infobox.units import parse_units
from kg.readers import read_document
from kg.readers.wikitext import wikitext_field

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((ROOT / "tests" / "fixtures" / "fields" / "grammar.yaml").read_text(encoding="utf-8"))


def records(family: str, field: Field, warnings: list[ReadWarning], parties: list[Party] | None = None) -> list[list]:
    if family == "parties":
        return [[p.ref.name, p.role, p.group] for p in parse_parties(field, warnings)]
    if family == "commanders":
        return [[c.ref.name, c.ref.page] for c in parse_commanders(field, warnings)]
    units = parse_units(field, warnings, parties or [])
    return [[u.ref.name, units[u.parent].ref.name if u.parent is not None else None, u.group] for u in units]


def side_parties(fields: dict[str, Field], field_name: str) -> list[Party]:
    """The parties of the side a field belongs to (``units2`` -> ``combatant2``, ``2a``…),
    as :func:`kg.infobox.parse_conflict` gives them to the units parser."""
    number = re.sub(r"^\D+(\d+)\D*$", r"\1", field_name)
    return [party for name in sorted(fields) if re.fullmatch(rf"combatant{number}[a-d]?", name)
            for party in parse_parties(fields[name], [])]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_grammar_case(case: dict) -> None:
    fields = read_document(ROOT / "data" / case["source"]).conflict_infobox.fields
    field = fields[case["field"]]
    assert field.text == case["text"]
    warnings: list[ReadWarning] = []
    assert records(case["family"], field, warnings, side_parties(fields, case["field"])) == case["expected"]
    assert sorted(w.kind for w in warnings) == sorted(case["warnings"])
    for warning in warnings:        # every warning names the field and the text
        assert warning.field == case["field"] and warning.text


def test_rules_have_several_articles() -> None:
    by_rule: dict[str, set[str]] = {}
    for case in CASES:
        by_rule.setdefault(case["id"].split("-")[0], set()).add(case["source"])
    # the corpus holds one article each with a flag-only line before "Supported by", a
    # country heading in unitsN, and two unit names on one plain line
    single = {"flag", "country", "two"}
    assert all(len(sources) >= 2 for rule, sources in by_rule.items() if rule not in single), by_rule


# --- shapes the corpus has no instance of ------------------------------------------------

@pytest.mark.parametrize("text", [
    "🇮🇶 Supported by: 🇺🇸 United States",
    "🇮🇶 Supported by 🇺🇸 United States",
])
def test_flag_before_supported_by_on_one_line(text: str) -> None:
    warnings: list[ReadWarning] = []
    parties = parse_parties(Field("combatant1", text, [Link("united states", "United States")]), warnings)
    assert [(p.ref.name, p.role) for p in parties] == [("Iraq", "belligerent"), ("United States", "supporter")]
    assert [w.kind for w in warnings] == ["flag-only"]


def test_blank_line_ends_a_tight_heading() -> None:
    """American Revolutionary War's combatant2 in the wikitext reader's shape, with the
    next heading removed: the blank line alone ends ``Germans:``."""
    text = "Great Britain\n* Quebec\n\nGermans:\nHesse-Kassel\nWaldeck\n\nLoyalists"
    warnings: list[ReadWarning] = []
    parties = parse_parties(Field("combatant2", text, []), warnings)
    assert [(p.ref.name, p.group) for p in parties] == [
        ("Great Britain", None), ("Quebec", None), ("Hesse-Kassel", "Germans"), ("Waldeck", "Germans"),
        ("Loyalists", None)]
    assert [w.kind for w in warnings] == ["heading-ended"]


def test_heading_parents_nothing_across_it() -> None:
    text = "Syrian Army\n* 4th Armoured Division\nAllied militias:\n* National Defence Forces"
    units = parse_units(Field("units1", text, [Link("Syrian Army"), Link("National Defence Forces")]), [])
    assert [(u.ref.name, u.parent, u.group) for u in units] == [
        ("Syrian Army", None, None), ("4th Armoured Division", 0, None), ("National Defence Forces", None, "Allied militias")]


def test_one_grammar_for_both_readers() -> None:
    """The same list written as raw wikitext ({{plainlist}}, {{ubl}}, <br>) gives the same
    parties as the wtf text."""
    wtf = parse_parties(Field("combatant1", "🇷🇺\nSupported by:\n🇧🇾 Belarus", [Link("belarus", "Belarus")]), [])
    for source in ("{{flagicon|Russia}}<br />'''Supported by:'''<br />{{flag|Belarus}}",
                   "{{plainlist|\n* {{flagicon|Russia}}\n* '''Supported by:'''\n* {{flag|Belarus}}\n}}",
                   "{{ubl|{{flagicon|Russia}}|'''Supported by:'''|{{flag|Belarus}}}}"):
        parsed = parse_parties(wikitext_field("combatant1", source), [])
        assert [(p.ref.name, p.role) for p in parsed] == [(p.ref.name, p.role) for p in wtf], source


@pytest.mark.parametrize(("text", "links", "name"), [
    # issue 13's own example: "Iraqi" linked inside the name
    ("12th Iraqi Mechanised Brigade", [Link("Iraq", "Iraqi")], "12th Iraqi Mechanised Brigade"),
    # the corpus' shapes with a designation of two words after the link (Hostomel, Lyman)
    ("3rd Spetsnaz Air Assault Regiment", [Link("Spetsnaz")], "3rd Spetsnaz Air Assault Regiment"),
    ("1st Syrian Armoured Division", [Link("Syria", "Syrian")], "1st Syrian Armoured Division"),
])
def test_plain_words_around_a_linked_word_are_one_name(text: str, links: list[Link], name: str) -> None:
    warnings: list[ReadWarning] = []
    units = parse_units(Field("units1", text, links), warnings)
    assert [u.ref.name for u in units] == [name]
    assert [w.kind for w in warnings] == ["partial-link"]      # the name is more than the anchor


def test_a_designation_after_a_whole_unit_link_is_another_unit() -> None:
    """"[[Azov Regiment]] Rapid Operational Response Unit" (Brovary's shape, linked): the
    link is a whole unit, so the words after it are not its continuation."""
    units = parse_units(Field("units2", "Azov Regiment Tank Battalion", [Link("Azov Regiment")]), [])
    assert [u.ref.name for u in units] == ["Azov Regiment", "Tank Battalion"]


@pytest.mark.parametrize("heading", ["Allied militias", "Allied militias:", "Other Syrian rebels:"])
def test_a_heading_with_or_without_colon_ends_the_block(heading: str) -> None:
    """Battle of Aleppo's combatant1 shape ("Allied militias:" over Hezbollah), with and
    without the colon: the heading ends the block above and groups the entries under it."""
    text = f"Syrian Arab Republic\n{heading}\nHezbollah\nLiwa Fatemiyoun"
    parties = parse_parties(Field("combatant1", text, [Link("Hezbollah"), Link("Liwa Fatemiyoun")]), [])
    group = heading.rstrip(":")
    assert [(p.ref.name, p.group) for p in parties] == [
        ("Syrian Arab Republic", None), ("Hezbollah", group), ("Liwa Fatemiyoun", group)]
    units = parse_units(Field("units1", f"Syrian Army\n* 4th Armoured Division\n{heading}\n* National Defence Forces",
                              [Link("Syrian Army"), Link("National Defence Forces")]), [])
    assert [(u.ref.name, u.parent, u.group) for u in units] == [
        ("Syrian Army", None, None), ("4th Armoured Division", 0, None), ("National Defence Forces", None, group)]


def test_a_linked_country_over_bulleted_units_is_a_heading() -> None:
    """The 2020 Nagorno-Karabakh war's country heading ("Azerbaijan" over its forces), with
    the country linked and its units bulleted, as the party headings of Azaz and al-Rai
    are: no unit (never a MilitaryUnit), the country of the units under it, and its scope
    ends at the next top-level line."""
    text = "Azerbaijan\n* Azerbaijani Land Forces\n* Azerbaijani Air Forces\nSyrian mercenaries"
    links = [Link("Azerbaijan"), Link("Azerbaijani Land Forces"), Link("Azerbaijani Air Forces")]
    warnings: list[ReadWarning] = []
    units = parse_units(Field("units1", text, links), warnings)
    assert [(u.ref.name, u.parent, u.group, u.country.page if u.country else None) for u in units] == [
        ("Azerbaijani Land Forces", None, "Azerbaijan", "Azerbaijan"),
        ("Azerbaijani Air Forces", None, "Azerbaijan", "Azerbaijan"),
        ("Syrian mercenaries", None, None, None)]
    assert [(w.kind, w.field, w.text) for w in warnings] == [("unit-heading", "units1", "Azerbaijan")]


@pytest.mark.parametrize(("family", "field"), [("units", "units2"), ("parties", "combatant2"),
                                               ("commanders", "commander2")])
def test_placeholders_are_not_entities(family: str, field: str) -> None:
    """``Unknown X`` keeps X (prefix dropped); a stray letter, ``Full list..``, and names
    that name nobody (``Unidentified …``, ``Unnamed …``) are skipped; each with a
    ``placeholder`` warning naming the field and the text."""
    text = "Unknown Wagner Group\nR\nFull list..\nUnidentified militia groups\nUnnamed ISIL commanders"
    warnings: list[ReadWarning] = []
    assert [r[0] for r in records(family, Field(field, text, []), warnings)] == ["Wagner Group"]
    assert sorted((w.kind, w.field, w.text) for w in warnings) == sorted(
        ("placeholder", field, line) for line in text.splitlines())


def test_image_names_are_removed_whole_on_the_corpus() -> None:
    """Every image-name warning of the corpus names a whole file (never ``'.svg'`` alone: a
    name cut in two), found as written in its field, and no name keeps half a parenthesis."""
    import re

    from helpers import ARTICLES

    removed = 0
    for path in ARTICLES:
        box = read_document(path).conflict_infobox
        for name, field in (box.fields.items() if box is not None else []):
            family = {"combatant": "parties", "units": "units", "commander": "commanders"}.get(name.rstrip("0123456789abcd"))
            if family is None:
                continue
            warnings: list[ReadWarning] = []
            for record in records(family, field, warnings):
                assert record[0].count("(") == record[0].count(")"), (path.name, name, record)
            for warning in warnings:
                if warning.kind == "image-name":
                    removed += 1
                    (file_name,) = re.findall(r"removed image file name ['\"](.*)['\"]$", warning.message)
                    stem = re.sub(r"^\[\[(?:File|Image):|\|.*$|\]\]$", "", file_name)
                    assert stem.rsplit(".", 1)[0].strip(), (path.name, name, warning)
                    assert file_name in field.text, (path.name, name, warning)
    assert removed > 50


def test_quote_runs_left_by_a_bold_across_lines_are_markup() -> None:
    """Mali War's "'''Supported by:" / "ECOWAS Full List:'''" (wtf_wikipedia left the bold's
    quotes when it spans a line break): blanked in the scanned text, offsets kept, so
    'Supported by:' is a heading."""
    from kg.infobox.text import scan_field

    text = "🇫🇷 France\n'''Supported by:\nECOWAS Full List:'''\n🇧🇯 Benin"
    scanned = scan_field(Field("combatant1", text, []), [])
    assert "'" not in scanned.clean and len(scanned.clean) == len(text)
    parties = parse_parties(Field("combatant1", text, []), [])
    assert [(p.ref.name, p.role) for p in parties] == [
        ("France", "belligerent"), ("ECOWAS", "supporter"), ("Benin", "supporter")]
    # Aleppo (2012–2016)'s link text "'''Russia'''" in a bold line: the link is still found
    anchored = scan_field(Field("combatant1", "'''Russia''' (from 2015)", [Link("Russia", "'''Russia'''")]), [])
    assert [(p.kind, p.text) for p in anchored.lines[0].pieces if p.text.strip()] == [
        ("link", "Russia"), ("paren", "from 2015")]


@pytest.mark.parametrize("family, field, text, links, expected", [
    ("parties", "combatant1", "Jaish al-Islam (a.k.a. Liwa al-Islam)", [Link("Jaish al-Islam")],
     ("Jaish al-Islam", ("Liwa al-Islam",))),
    ("units", "units1", "Syrian Army\n* Tiger Forces (also known as Qawat al-Nimr)",
     [Link("Syrian Army"), Link("Tiger Forces")], ("Tiger Forces", ("Qawat al-Nimr",))),
    ("commanders", "commander1", "Suheil al-Hassan (alias: \"The Tiger\")", [Link("Suheil al-Hassan")],
     ("Suheil al-Hassan", ("The Tiger",))),
])
def test_a_name_after_aka_is_another_name_in_every_family(family: str, field: str, text: str, links: list[Link],
                                                          expected: tuple) -> None:
    """'(a.k.a. X)', '(also known as X)', '(alias: "X")' (other-name words, name_words.tsv)
    name the entry again: an alternative label with an alt-name warning, in every names
    family (corpus: only commanders have one, Battle of Hosn; these shapes are made up)."""
    parse = {"parties": parse_parties, "units": parse_units, "commanders": parse_commanders}[family]
    warnings: list[ReadWarning] = []
    last = parse(Field(field, text, links), warnings)[-1]
    assert (last.ref.name, last.alt_names) == expected
    assert [(w.kind, w.field) for w in warnings] == [("alt-name", field)]
