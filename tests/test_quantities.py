"""Strength and casualty figures: real fields (tests/fixtures/fields/quantities.yaml), the
forms the design names, and the whole corpus."""

from __future__ import annotations

import re

import pytest
from helpers import ARTICLES, CORPUS, ROOT, date_repr, field_of, load_cases

from kg.document import Field
from kg.infobox.quantities import casualty_kind, civilian_status, loss_verbs, parse_quantities, read_amount
from kg.infobox.records import Claimant, Period, Quantity
from kg.readers import read_document

DEFAULTS = {
    "value": None, "min": None, "max": None, "approximate": False, "as_of": None,
    "description": None, "part_of": None, "kind": None, "civilian": None, "scope": None,
    "unknown": False, "period": None, "claimant": None, "phase": None,
}


def period_repr(period: Period | None) -> str | None:
    if period is None:
        return None
    if period.start is not None and period.start == period.end:
        return date_repr(period.start)
    return f"{date_repr(period.start) or ''}..{date_repr(period.end) or ''}"


def as_dict(quantity: Quantity) -> dict:
    return {
        "value": quantity.value, "min": quantity.minimum, "max": quantity.maximum,
        "approximate": quantity.approximate, "as_of": period_repr(quantity.as_of),
        "description": quantity.description, "part_of": quantity.part_of, "kind": quantity.kind,
        "civilian": quantity.civilian, "scope": quantity.scope, "unknown": quantity.unknown,
        "period": period_repr(quantity.period), "claimant": claimant_repr(quantity.claimant),
        "phase": quantity.phase,
    }


def claimant_repr(claimant: Claimant | None) -> str | None:
    """``Per Ukraine -> Ukraine``; a claimant that is no entity: ``opposition claim -> None``."""
    if claimant is None:
        return None
    return f"{claimant.text} -> {claimant.ref.page if claimant.ref else None}"


def family(field_name: str) -> str:
    return "strength" if field_name.startswith("strength") else "casualties"


def parse(text: str, field: str = "casualties1", warnings: list | None = None,
          year: int | None = None) -> list[Quantity]:
    return parse_quantities(Field(field, text), [] if warnings is None else warnings, family(field), year)


@pytest.mark.parametrize("case", load_cases("quantities.yaml"))
def test_fixture_case(case):
    warnings: list = []
    quantities = parse_quantities(field_of(case), warnings, family(case["field"]), case.get("year"))
    expected = [{**DEFAULTS, **item} for item in case["expected"]]
    assert [as_dict(q) for q in quantities] == expected
    assert all(q.field == case["field"] for q in quantities)
    assert all(q.about is None for q in quantities)
    assert sorted(w.kind for w in warnings) == sorted(case.get("warnings") or [])


def test_quantity_keeps_its_source_line():
    quantities = parse("15,000 fighters (2012) \n* 2,500 al-Nusra fighters \nc. undefined 8,000 fighters (mid-2016)",
                       "strength2")
    assert [q.text for q in quantities] == [
        "15,000 fighters (2012)", "2,500 al-Nusra fighters", "c. undefined 8,000 fighters (mid-2016)"]


# ---- the forms named in the design ---------------------------------------------------------

@pytest.mark.parametrize("text, value, minimum, maximum, approximate", [
    ("20,000", 20000, None, None, False),
    ("2,000–4,000", None, 2000, 4000, False),
    ("2,000-4,000", None, 2000, 4000, False),
    ("2,000 to 4,000", None, 2000, 4000, False),
    ("between 2,000 and 4,000", None, 2000, 4000, False),
    ("500+", None, 500, None, False),
    ("at least 500", None, 500, None, False),
    ("over 500", None, 500, None, False),
    ("more than 500", None, 500, None, False),
    ("500 plus", None, 500, None, False),
    ("up to 50", None, None, 50, False),
    ("fewer than 50", None, None, 50, False),
    ("c. 8,000", 8000, None, None, True),
    ("ca. 8,000", 8000, None, None, True),
    ("about 8,000", 8000, None, None, True),
    ("around 8,000", 8000, None, None, True),
    ("approx. 8,000", 8000, None, None, True),
    ("~8,000", 8000, None, None, True),
    ("est. 8,000", 8000, None, None, True),
    ("estimated 8,000", 8000, None, None, True),
    ("c. 2,000–4,000", None, 2000, 4000, True),
    ("~5,000+", None, 5000, None, True),
    ("1.5 million", 1500000, None, None, False),
])
def test_amount_forms(text, value, minimum, maximum, approximate):
    assert read_amount(text) == (value, minimum, maximum, approximate)
    [quantity] = parse(text + " fighters", "strength1")
    assert (quantity.value, quantity.minimum, quantity.maximum, quantity.approximate) == (
        value, minimum, maximum, approximate)
    assert quantity.description == "fighters"


@pytest.mark.parametrize("text", ["Unknown", "unknown", "N/A", "Unspecified"])
def test_unknown(text):
    warnings: list = []
    [quantity] = parse(text, "strength2", warnings)
    assert quantity.unknown and (quantity.value, quantity.minimum, quantity.maximum) == (None, None, None)
    assert quantity.text == text and warnings == []


@pytest.mark.parametrize("text, as_of, period", [
    ("20,000 SAA soldiers (2012)", "2012", None),
    ("8,000 fighters (mid-2016)", "mid 2016", None),
    ("8,000 fighters (as of 2019)", "2019", None),
    ("8,000 fighters (2013–14)", None, "2013..2014"),
    ("8,000 fighters (since 2014)", None, "2014.."),
])
def test_a_date_is_as_of_and_a_span_is_a_period(text, as_of, period):
    [quantity] = parse(text, "strength1")
    assert (period_repr(quantity.as_of), period_repr(quantity.period)) == (as_of, period)
    assert quantity.value in (20000, 8000)


def test_years_are_never_counts():
    [quantity] = parse("2,000 killed in 2014")
    assert (quantity.value, quantity.kind, period_repr(quantity.as_of)) == (2000, "killed", "2014")
    [quantity] = parse("1,200 soldiers (2012)", "strength1")
    assert quantity.value == 1200
    assert parse("2013–2014", "strength1") == []  # a period alone is not a figure


@pytest.mark.parametrize("text, expected", [
    ("200 killed, 400 wounded", [(200, "killed"), (400, "wounded")]),
    ("1,200 killed and 3,000 wounded", [(1200, "killed"), (3000, "wounded")]),
    ("68 killed 200 wounded", [(68, "killed"), (200, "wounded")]),
])
def test_several_figures_on_one_line(text, expected):
    quantities = parse(text)
    assert [(q.value, q.kind) for q in quantities] == expected
    assert all(q.text == text for q in quantities)


@pytest.mark.parametrize("words, kind", [
    ("killed", "killed"), ("dead", "deaths"), ("deaths", "deaths"), ("overall deaths", "deaths"), ("died", "deaths"),
    ("dead, killed in action", "killed"), ("fatalities", "deaths"),
    ("total deaths", "deaths"), ("wounded", "wounded"), ("injured", "wounded"),
    ("captured", "captured"), ("prisoners", "captured"), ("POW", "captured"),
    ("missing", "missing"), ("displaced", "displaced"), ("refugees", "displaced"),
    ("tanks destroyed", "destroyed"), ("vehicles destroyed", "destroyed"),
    ("aircraft destroyed", "destroyed"), ("casualties", "casualties"),
    ("killed and wounded", "casualties"), ("fighters", None),
])
def test_casualty_kind(words, kind):
    assert casualty_kind(words) == kind
    [quantity] = parse(f"100 {words}")
    assert quantity.kind == (kind or "casualties")


@pytest.mark.parametrize("words, civilian", [
    ("civilians killed", True), ("civilian", True), ("soldiers killed", False),
    ("fighters", False), ("troops", False), ("servicemen", False), ("killed", None),
    ("soldiers and civilians killed", None),
])
def test_civilian_status(words, civilian):
    assert civilian_status(words) is civilian
    [quantity] = parse(f"100 {words}")
    assert quantity.civilian is civilian


def test_strength_has_no_casualty_kind():
    [quantity] = parse("300 soldiers killed", "strength1")
    assert quantity.kind is None and quantity.civilian is None


def test_unreadable_figure_is_kept_with_warning():
    warnings: list = []
    [quantity] = parse("Several killed", "casualties1", warnings)
    assert (quantity.value, quantity.minimum, quantity.maximum, quantity.unknown) == (None, None, None, False)
    assert quantity.kind == "killed" and quantity.text == "Several killed"
    assert [w.kind for w in warnings] == ["unparsed-number"]


def test_numbers_inside_names_are_not_counts():
    quantities = parse("1 ZSU-23-4 Shilka destroyed\n14 T-72s destroyed\nOrbiter 1K\n17th Division")
    assert [q.value for q in quantities] == [1, 14, None, None]
    assert quantities[0].description == "ZSU-23-4 Shilka destroyed"


def test_ratio_is_not_a_count():
    warnings: list = []
    [quantity] = parse("8 times larger than the strength of Russian troops", "strength1", warnings)
    assert quantity.value is None and [w.kind for w in warnings] == ["unparsed-number"]


def test_notes_are_ignored_with_warning():
    warnings: list = []
    assert parse("See Casualties for details", "casualties1", warnings) == []
    assert [w.kind for w in warnings] == ["ignored-text"]


def test_subcount_levels():
    quantities = parse("100 soldiers\n* 60 infantry\n** 20 snipers\n* 40 tankers\n50 militia", "strength1")
    assert [q.part_of for q in quantities] == [None, 0, 1, 0, None]


def test_image_name_is_dropped():
    warnings: list = []
    [quantity] = parse("PFLP-GC Flag.svg 4 killed", "casualties2", warnings)
    assert quantity.value == 4 and [w.kind for w in warnings] == ["image-name"]


# ---- the whole corpus ------------------------------------------------------------------

_FAMILY = re.compile(r"^(strength|casualties)\d*[a-d]?$")


def test_corpus_quantities():
    """Every strength/casualty field parses; no range is reversed; parents come first."""
    total = 0
    for path in ARTICLES:
        box = read_document(str(path)).conflict_infobox
        if box is None:
            continue
        for name, field in box.fields.items():
            if not _FAMILY.match(name):
                continue
            warnings: list = []
            quantities = parse_quantities(field, warnings, family(name))
            total += len(quantities)
            for index, quantity in enumerate(quantities):
                if quantity.minimum is not None and quantity.maximum is not None:
                    assert quantity.minimum <= quantity.maximum, (path.name, name, quantity.text)
                if quantity.part_of is not None:
                    assert 0 <= quantity.part_of < index, (path.name, name, quantity.text)
                if quantity.unknown:
                    assert (quantity.value, quantity.minimum, quantity.maximum) == (None, None, None)
                for number in (quantity.value, quantity.minimum, quantity.maximum):
                    assert number is None or number >= 0
                if name.startswith("casualties"):
                    assert quantity.kind is not None
            assert all(w.kind in {"unparsed-number", "undefined-artifact", "image-name", "ignored-text",
                                  "bad-range", "sub-count", "heading-ended", "open-range", "counted-names", "claimed-range",
                                  "figure-split", "wider-count", "other-count"}
                           for w in warnings)
    assert total > 500


# ---- issue 13: a claim note alone on a line, a range whose ends have two claimants ----------
# Real snippets (battle_of_damascus_(2012), battle_of_al-hasakah_(2016), early insurgency
# phase of the Syrian civil war, 2022_snake_island_campaign), and the same lines rearranged
# to show where the block a note closes begins.

@pytest.mark.parametrize("text, claimants", [
    # the note covers every figure since the start of the field
    ("300 killed \nhundreds captured\n14 vehicles destroyed\n(government claim)",
     ["government claim"] * 3),
    # ... since the last blank line
    ("300 killed \n\nhundreds captured\n14 vehicles destroyed\n(government claim)",
     [None, "government claim", "government claim"]),
    # ... a note right after the blank line still closes the block above it
    ("300 killed \nhundreds captured\n\n(government claim)\n14 vehicles destroyed",
     ["government claim", "government claim", None]),
    # ... since the last claim note: each note claims its own block
    ("14 Asayish killed \n(Kurdish and NDF claim)\n300 killed \nhundreds captured\n(government claim)",
     ["Kurdish and NDF claim"] + ["government claim"] * 2),
    ("60,000 \n1,500 NDF fighters\nRebel claim", ["Rebel claim"] * 2),
    # ... since the last heading; a figure's own claimant is kept
    ("80 captured\n1 search and rescue boat seized\nSecond phase:\n300 killed \n14 vehicles destroyed (SOHR claim)\n(government claim)",
     [None, None, "government claim", "SOHR claim"]),
    # a claim heading's figures keep the heading's claimant
    ("Per Ukrainian sources:\n80 captured\nCasualties:\n300 killed \n(government claim)",
     ["Per Ukrainian sources", "Per Ukrainian sources"]),
])
def test_claim_note_alone_covers_its_block(text, claimants):
    quantities = parse(text, "casualties1" if "killed" in text or "captured" in text else "strength2")
    assert [q.claimant.text if q.claimant else None for q in quantities] == claimants


@pytest.mark.parametrize("text, figures", [
    ("3,770 (opposition sources) –3,857 (Ba'athist sources: 15 March 2011–21 June 2012) soldiers and policemen killed",
     [(3770, None, "opposition sources", "soldiers and policemen killed"),
      (3857, None, "Ba'athist sources", "soldiers and policemen killed")]),
    # the same convention with a claimant written as a "per" note and an open high end
    ("2,000 (per SOHR) – 4,000+ (per Syrian government) fighters killed",
     [(2000, None, "per SOHR", "fighters killed"), (None, 4000, "per Syrian government", "fighters killed")]),
    # a note inside a range that names no claimant keeps the range one figure
    ("347 (confirmed)–361 killed (200 executed)", [(None, 347, None, "killed"), (200, None, None, "executed")]),
    # a claim closing the range is the whole range's
    ("431–500+ killed (opposition claim)", [(None, 431, "opposition claim", "killed")]),
])
def test_range_with_a_claimant_at_each_end_is_two_figures(text, figures):
    warnings: list = []
    quantities = parse(text, warnings=warnings)
    assert [(q.value, q.minimum, q.claimant.text if q.claimant else None, q.description)
            for q in quantities] == figures
    assert ("claimed-range" in [w.kind for w in warnings]) == (len({f[2] for f in figures if f[2]}) == 2)


@pytest.mark.parametrize("text, expected", [
    # a claim label under a phase heading keeps the phase ...
    ("First phase:\n22 civilians killed\nPer Ukraine: 542-736+ killed\n60 captured",
     [("First phase", None), ("First phase", "Per Ukraine"), ("First phase", "Per Ukraine")]),
    # ... but not after the blank line that ended the phase's block
    ("First phase:\n22 civilians killed\n\nPer Ukraine: 542-736+ killed\n60 captured",
     [("First phase", None), (None, "Per Ukraine"), (None, "Per Ukraine")]),
    # a phase heading written loose (wtf_wikipedia's blank lines) goes on
    ("First phase:\n\n22 civilians killed\n\nPer Ukraine: 542-736+ killed",
     [("First phase", None), ("First phase", "Per Ukraine")]),
    # a claim heading alone (no colon) nests in the phase too
    ("Second phase\n100 killed\nPer Russia\n276+ killed 471 captured",
     [("Second phase", None), ("Second phase", "Per Russia"), ("Second phase", "Per Russia")]),
])
def test_claim_headings_nest_in_the_phase_until_a_blank_line_ends_it(text, expected):
    """Real lines (battle_of_zabadani_(2012), northeastern_ukraine_campaign) under phase
    headings: the heading a claim heading starts under is its outer one in the field tree."""
    assert [(q.phase, q.claimant.text if q.claimant else None) for q in parse(text)] == expected


# ---- items run together; things lost without a numeral ------------------------------------

def test_loss_verbs_give_their_casualty_kind() -> None:
    """The loss verbs of figure_words.tsv read as the kind the table gives them."""
    verbs = loss_verbs()
    assert {"sunk", "scuttled", "shot down", "damaged", "seized"} <= set(verbs)
    assert all(casualty_kind(f"Frigate {verb}") == kind for verb, kind in verbs.items())


@pytest.mark.parametrize(("text", "value"), [
    ("Frigate scuttled", 1),                   # Battle of Mykolaiv, on a line of its own
    ("Su-25 downed", 1),                       # Battle of Hadrut
    ("Antonov An-225 Mriya destroyed", 1),     # Kyiv offensive (2022)
    ("A patrol boat sunk", 1),
    ("Equipment lost", None),                  # a noun that counts no single thing
    ("Aircraft destroyed", None),              # plural as well as singular
    ("tanks destroyed", None),
    ("Su-25s downed", None),
])
def test_a_singular_noun_and_a_loss_verb_count_one(text: str, value: int | None) -> None:
    [quantity] = parse(text, "casualties2")
    assert (quantity.value, quantity.kind) == (value, "destroyed")


def test_words_after_a_complete_figure_that_count_nothing_stay_its_description() -> None:
    """2022 Snake Island campaign, casualties2: "6 boats sunk Ukrainian Counterattacks" (a
    bold phase heading run into the line): the capitalised words after the complete figure
    count no thing lost, so no item is cut off and no figure invented."""
    field = read_document(CORPUS / "ukraine" / "2022_snake_island_campaign.md").conflict_infobox.fields["casualties2"]
    warnings: list = []
    quantities = parse_quantities(field, warnings, "casualties")
    boats = [q for q in quantities if q.description and q.description.startswith("boats sunk")]
    assert [(q.value, q.kind) for q in boats] == [(6, "destroyed")]
    assert "figure-split" not in {w.kind for w in warnings}


# ---- issue 13, third blind set: a ship's name counts whether or not it is italic -----------
# Real lines (berdiansk_port_attack casualties1, 2022_bombing_of_odesa casualties1) read
# without their formatting; the plural and vague lines (battle_of_the_shaer_gas_field_(july_2014),
# aras_valley_campaign) are not names and stay vague.

@pytest.mark.parametrize("text, value", [
    ("Saratov sunk", 1),
    ("Caesar Kunikov and Novocherkassk damaged", 2),
    ("Moskva sunk", 1),
    ("several tanks and APCs destroyed", None),
    ("Many tanks and IFVs captured", None),
])
def test_names_counted_without_italic(text, value):
    quantities = parse(text)
    assert [q.value for q in quantities] == [value]


# ---- sixth blind set: ranges written in words, wider counts in parentheses, things defused ---
# Real lines: Operation Serval (tests/gold/blind6), Battle of Anadan, Battle of Damascus (2012),
# Mali War (blind5), Battle of Tabqa airbase, Battle of Tell Abyad (2016), Battle of Qalamoun
# (2013–2014) (blind5), Battle of Sievierodonetsk (2022), 2016 Nagorno-Karabakh conflict,
# Battle of al-Yaarubiyah.

@pytest.mark.parametrize("field, text, expected", [
    # "between X and Y": one range
    ("strength2", "* between 5,000 and 10,000 fighters (Ansar Dine)", [(None, 5000, 10000, None)]),
    ("casualties2", "Between 600 and 1,000 killed", [(None, 600, 1000, "killed")]),
    # "X and Y" without "between": two figures, each with its own words
    ("casualties2", "6 killed, 25 captured, 1–2 main battle tanks destroyed and 8 captured 5 APCs captured",
     [(6, None, None, "killed"), (25, None, None, "captured"), (None, 1, 2, "destroyed"), (8, None, None, "captured"),
      (5, None, None, "captured")]),
    ("casualties2", "3 tanks and 1 armored car destroyed", [(3, None, None, "destroyed"), (1, None, None, "destroyed")]),
    # "between" two dates is a period, no range
    ("casualties3", ("estimated 1,200–1,500 killed or captured, including 859 ISGS members killed and 169 others "
                     "captured (French intervention during Operation Barkhane between January 2020 and April 2021)"),
     [(None, 1200, 1500, "casualties"), (859, None, None, "killed"), (169, None, None, "captured")]),
])
def test_between_x_and_y_is_one_range_and_x_and_y_two_figures(field, text, expected):
    quantities = parse(text, field)
    assert [(q.value, q.minimum, q.maximum, q.kind) for q in quantities] == expected


@pytest.mark.parametrize("field, text, expected, warning", [
    # wider than the figure (it says "in total"): a figure of its own, part of nothing
    ("strength1", "4,000 French troops deployed, (5,100 involved in total)",
     [(4000, None, None), (5100, None, None)], "wider-count"),
    # smaller, with a kind or naming people: a sub-count of the figure
    ("casualties2", "310–400 killed (250 executed)", [(None, None, "killed"), (250, 0, "killed")], "sub-count"),
    ("casualties1", "47+ killed (47 YPG/YPJ killed)", [(None, None, "killed"), (47, 0, "killed")], "sub-count"),
    ("casualties1", "Second phase: 180 killed (47 Hezbollah fighters; Army claim)",
     [(180, None, "killed"), (47, 0, "killed")], "sub-count"),
    ("casualties1", "10-11,000 killed (2,000 LPR servicemen), 20,000+ wounded",
     [(None, None, "killed"), (2000, 0, "killed"), (None, None, "wounded")], "sub-count"),
    # a number naming nothing counted (a part of no kind, dates) stays a note
    ("casualties1", "* 91 troops killed (11 non-combat), 123 wounded", [(91, None, "killed"), (123, None, "wounded")],
     None),
    ("casualties2", "6 killed (24 and 26 Oct., per SOHR)", [(6, None, "killed")], None),
])
def test_a_count_in_parentheses_is_a_wider_figure_a_sub_count_or_a_note(field, text, expected, warning):
    warnings: list = []
    quantities = parse(text, field, warnings)
    assert [(q.value, q.part_of, q.kind) for q in quantities] == expected
    assert [w.kind for w in warnings if w.kind in ("wider-count", "sub-count")] == ([warning] if warning else [])


@pytest.mark.parametrize("text, kind", [
    ("60 IEDs defused", "destroyed"),          # Operation Serval casualties2
    ("14 vehicles destroyed", "destroyed"),    # Battle of Damascus (2012)
    ("1 search and rescue boat seized", "captured"),  # 2022 Snake Island campaign
    ("3 mines dismantled", "destroyed"),       # in-shape: no corpus line
])
def test_things_made_useless_are_destroyed(text, kind):
    [quantity] = parse(text, "casualties2")
    assert quantity.kind == kind


def test_a_breakdown_note_of_a_wikitext_infobox_gives_every_sub_count():
    """The real wikitext file (raw-wikitext reader, ``<br />`` inside the parenthetical):
    Gettysburg's Union total and its three parts, each part of the total."""
    from kg.infobox import parse_conflict

    record = parse_conflict(read_document(ROOT / "data/wikitext/Battle_of_Gettysburg__infobox_only_wikiline_spec.wiki"))
    figures = [(q.value, q.kind, q.part_of) for q in record.sides[0].casualties]
    assert figures == [(23049, "casualties", None), (3155, "killed", 0), (14529, "wounded", 0),
                       (5365, "casualties", 0)]
