"""The field grammar of issue 13 (list structure, names, warnings) on real corpus fields.

Data-driven: tests/fixtures/fields/grammar.yaml holds field texts from both readers (the wtf
YAML of data/wikipedia and the raw wikitext of data/wikitext) with the records written by
hand from the text. Plus the cases the corpus has no instance of, written in its shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kg.document import Field, Link, ReadWarning
from kg.infobox.commanders import parse_commanders
from kg.infobox.parties import parse_parties
from kg.infobox.units import parse_units
from kg.readers import read_document
from kg.readers.wikitext import wikitext_field

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((ROOT / "tests" / "fixtures" / "fields" / "grammar.yaml").read_text(encoding="utf-8"))


def records(family: str, field: Field, warnings: list[ReadWarning]) -> list[list]:
    if family == "parties":
        return [[p.ref.name, p.role, p.group] for p in parse_parties(field, warnings)]
    if family == "commanders":
        return [[c.ref.name, c.ref.page] for c in parse_commanders(field, warnings)]
    units = parse_units(field, warnings)
    return [[u.ref.name, units[u.parent].ref.name if u.parent is not None else None, u.group] for u in units]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_grammar_case(case: dict) -> None:
    field = read_document(ROOT / "data" / case["source"]).conflict_infobox.fields[case["field"]]
    assert field.text == case["text"]
    warnings: list[ReadWarning] = []
    assert records(case["family"], field, warnings) == case["expected"]
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
