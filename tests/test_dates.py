"""Dates and periods: real date fields and qualifiers (tests/fixtures/fields/dates.yaml),
the forms the design names, and the whole corpus."""

from __future__ import annotations

import re

import pytest
from helpers import ARTICLES, date_repr, load_cases

from kg.document import Field
from kg.infobox.dates import parse_date_field, parse_partial_date, parse_period
from kg.infobox.records import PartialDate
from kg.readers import read_document


def span(start: PartialDate | None, end: PartialDate | None, ongoing: bool) -> dict:
    return {"start": date_repr(start), "end": date_repr(end), "ongoing": ongoing}


@pytest.mark.parametrize("case", load_cases("dates.yaml"))
def test_fixture_case(case):
    warnings: list = []
    if case["field"] == "date":
        result = parse_date_field(Field("date", case["text"]), warnings)
        assert result.text == case["text"]
        assert span(result.start, result.end, result.ongoing) == case["expected"]
    else:
        period = parse_period(case["text"])
        got = None if period is None else span(period.start, period.end, period.ongoing)
        assert got == case["expected"]
    assert sorted(w.kind for w in warnings) == sorted(case.get("warnings") or [])


# ---- the forms named in the design, one by one ----------------------------------------

@pytest.mark.parametrize("text, start, end, ongoing", [
    ("from 2013", "2013", None, False),
    ("from September 2015", "2015-09", None, False),
    ("since mid-2016", "mid 2016", None, False),
    ("until 2014", None, "2014", False),
    ("to 2014", None, "2014", False),
    ("2015–2016", "2015", "2016", False),
    ("2015-2016", "2015", "2016", False),
    ("December 2016", "2016-12", "2016-12", False),
    ("2013–14", "2013", "2014", False),
    ("Oct–Dec 2016", "2016-10", "2016-12", False),
    ("2011–2012", "2011", "2012", False),
    ("mid-2016", "mid 2016", "mid 2016", False),
    ("early 2015", "early 2015", "early 2015", False),
    ("late 2016", "late 2016", "late 2016", False),
    ("2012", "2012", "2012", False),
    ("19 July 2012", "2012-07-19", "2012-07-19", False),
    ("July 19, 2012", "2012-07-19", "2012-07-19", False),
    ("c. 1200 BC", "c. -1200", "c. -1200", False),
    ("490 BC", "-0490", "-0490", False),
    ("499–493 BC", "-0499", "-0493", False),
    ("2014–present", "2014", None, True),
    ("(as of 2019)", "2019", "2019", False),
    ("from 2013 to 2015", "2013", "2015", False),
    ("between 2012 and 2014", "2012", "2014", False),
    ("30 December – 2 January 2017", "2016-12-30", "2017-01-02", False),
    ("2012-07-19", "2012-07-19", "2012-07-19", False),
])
def test_parse_period_forms(text, start, end, ongoing):
    period = parse_period(text)
    assert period is not None
    assert span(period.start, period.end, period.ongoing) == {"start": start, "end": end, "ongoing": ongoing}
    assert period.text == text


@pytest.mark.parametrize("text", [
    "Chief of the General Staff", "Reserve", "in the whole province", "", "16th Division",
    "1,000", "(2)", "Major General of IRGC", "from 28 April", "2,000–4,000",
])
def test_parse_period_rejects_non_periods(text):
    assert parse_period(text) is None


@pytest.mark.parametrize("text, expected", [
    ("2012", PartialDate(2012)),
    ("December 2016", PartialDate(2016, 12)),
    ("19 July 2012", PartialDate(2012, 7, 19)),
    ("July 19, 2012", PartialDate(2012, 7, 19)),
    ("mid-2016", PartialDate(2016, qualifier="mid")),
    ("early 2015", PartialDate(2015, qualifier="early")),
    ("c. 1200 BC", PartialDate(-1200, circa=True)),
    ("490 BC", PartialDate(-490)),
    ("Sept. 2014", PartialDate(2014, 9)),
    ("31 February 2014", None),
    ("2015–2016", None),
    ("Reserve", None),
])
def test_parse_partial_date(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text, start, end, ongoing", [
    ("19 July 2012 – 22 December 2016", "2012-07-19", "2016-12-22", False),
    ("2011–present", "2011", None, True),
    ("ongoing", None, None, True),
    ("18 March 2022", "2022-03-18", "2022-03-18", False),
    ("June 1941", "1941-06", "1941-06", False),
    ("c. 1200 BC", "c. -1200", "c. -1200", False),
    ("24 February 2022 – present", "2022-02-24", None, True),
    ("7–19 March 2022", "2022-03-07", "2022-03-19", False),
    ("30 June – 1 July 2022", "2022-06-30", "2022-07-01", False),
    ("December 1991 – May 1994", "1991-12", "1994-05", False),
])
def test_parse_date_field_forms(text, start, end, ongoing):
    warnings: list = []
    result = parse_date_field(Field("date", text), warnings)
    assert span(result.start, result.end, result.ongoing) == {"start": start, "end": end, "ongoing": ongoing}
    assert warnings == []


def test_circa_flag_is_kept_on_the_date():
    result = parse_date_field(Field("date", "c. 1200 BC"), [])
    assert result.start is not None and result.start.circa and result.start.year == -1200
    assert result.start.precision == "year"


def test_unparsable_date_warns_and_keeps_text():
    warnings: list = []
    result = parse_date_field(Field("date", "the Bronze Age collapse"), warnings)
    assert result.text == "the Bronze Age collapse"
    assert (result.start, result.end, result.ongoing) == (None, None, False)
    assert [w.kind for w in warnings] == ["unparsed-date"]
    assert warnings[0].field == "date"


def test_undefined_in_date_is_dropped_with_warning():
    warnings: list = []
    result = parse_date_field(Field("date", "c. undefined 2014 – 2016"), warnings)
    assert date_repr(result.start) == "c. 2014" and date_repr(result.end) == "2016"
    assert [w.kind for w in warnings] == ["undefined-artifact"]


# ---- the whole corpus ------------------------------------------------------------------

def _corpus_date_fields():
    for path in ARTICLES:
        box = read_document(str(path)).conflict_infobox
        if box is None:
            continue
        field = box.get("date")
        if field is not None:
            yield path, field


def test_corpus_date_fields():
    """Every date field parses; one with a 4-digit year gets a start date, no warnings."""
    seen = 0
    for path, field in _corpus_date_fields():
        warnings: list = []
        result = parse_date_field(field, warnings)
        seen += 1
        if re.search(r"\b\d{4}\b", field.text):
            assert result.start is not None, (path.name, field.text)
            assert [w.kind for w in warnings if w.kind == "unparsed-date"] == [], path.name
        if result.end is not None and result.start is not None:
            assert (result.start.year, result.start.month or 0, result.start.day or 0) <= (
                result.end.year, result.end.month or 12, result.end.day or 31), (path.name, field.text)
        assert not (result.ongoing and result.end is not None)
    assert seen > 100


def test_corpus_qualifiers_do_not_raise():
    """parse_period on every parenthetical of the side fields: never raises, and a period it
    returns has a start or an end."""
    for path in ARTICLES:
        box = read_document(str(path)).conflict_infobox
        if box is None:
            continue
        for field in box.fields.values():
            for content in re.findall(r"\(([^()]*)\)", field.text):
                period = parse_period(content)
                if period is not None:
                    assert period.start is not None or period.end is not None or period.ongoing
