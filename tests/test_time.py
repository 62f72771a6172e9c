"""kg.time, the one date and period model: real date strings from several corpus articles
and news files, and the edge cases of issue 15 (tests/fixtures/time/dates.tsv), checked as
EDTF; the EDTF side against the ``edtf`` package; the leaf-module and one-month-table rules."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import edtf
import pytest

from kg import time as T

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "time" / "dates.tsv"


def _cases() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, text, expected, source = line.split("\t")
        rows.append((kind, text, expected, source))
    return rows


CASES = _cases()


def _read(kind: str, text: str) -> str:
    if kind == "period":
        period = T.parse_period(text)
        return period.edtf() if period else ""
    if kind == "date":
        date = T.parse_date(text)
        return date.edtf() if date else ""
    return " ".join(match.date.iso() for match in T.find_dates(text))


@pytest.mark.parametrize("kind, text, expected, source", CASES, ids=[f"{c[0]}:{c[1][:40]}" for c in CASES])
def test_fixture_case(kind, text, expected, source):
    assert _read(kind, text) == expected


def test_fixture_spans_several_articles_and_news():
    sources = {source for _, _, _, source in CASES if source != "-"}
    assert len({s for s in sources if s.startswith("data/wikipedia/")}) >= 10
    assert len({s for s in sources if s.startswith("data/wikitext/")}) >= 3
    assert len({s for s in sources if s.startswith(("data/news/", "data/samples/"))}) >= 4


@pytest.mark.parametrize("source, text", sorted({(c[3], c[1]) for c in CASES if c[3] != "-"}))
def test_corpus_text_is_in_its_source(source, text):
    """Corpus cases are copied, not invented: the text is in the file named."""
    assert text in (ROOT / source).read_text(encoding="utf-8")


@pytest.mark.parametrize("value", sorted({c[2] for c in CASES if c[0] != "find" and c[2]}))
def test_expected_edtf_is_valid_and_round_trips(value):
    """Every EDTF form the fixture expects is valid for the edtf package, and from_edtf
    reads it back to a period that writes it again."""
    assert edtf.is_valid_edtf(value)
    period = T.from_edtf(value)
    assert period is not None and period.edtf() == value


@pytest.mark.parametrize("kind, text, expected, source", [c for c in CASES if c[2] and c[0] != "find"])
def test_bounds_agree_with_edtf_package(kind, text, expected, source):
    """Our first/last days equal the edtf package's strict bounds (for common-era dates)."""
    period = T.parse_period(text)
    assert period is not None
    parsed = edtf.parse_edtf(expected)
    lower, upper = (parsed.lower, parsed.upper) if "/" in expected else (parsed, parsed)
    if period.start is not None and period.start.year > 0 and not period.start.qualifier:
        assert period.start.first_day() == dt.date(*lower.lower_strict()[:3])
    if period.end is not None and period.end.year > 0 and not period.end.qualifier:
        assert period.end.last_day() == dt.date(*upper.upper_strict()[:3])


# ---- single pieces -------------------------------------------------------------------

def test_precision_circa_and_qualifier_are_kept():
    assert T.parse_date("c. 1200 BC") == T.PartialDate(-1200, circa=True)
    assert T.parse_date("mid-2016") == T.PartialDate(2016, qualifier="mid")
    assert T.parse_date("fall 2015") == T.PartialDate(2015, qualifier="autumn")
    assert [T.parse_date(t).precision for t in ("2012", "July 2012", "19 July 2012")] == ["year", "month", "day"]


def test_iso_keeps_historical_years_and_reads_back():
    for text in ("2013", "2012-07", "2012-07-19", "-0490"):
        date = T.from_iso(text)
        assert date is not None and date.iso() == text
    assert T.from_iso("2016-12-15T08:49:00Z") == T.PartialDate(2016, 12, 15)
    assert T.from_iso("2016-13") is None and T.from_iso("0000") is None
    with pytest.raises(T.NotADate):
        T.from_iso("July", strict=True)


def test_from_edtf_rejects_what_the_standard_rejects():
    assert T.from_edtf("2016-21~") is None
    assert T.from_edtf("mid 2016") is None
    with pytest.raises(T.NotADate):
        T.from_edtf("2016/2015-13", strict=True)


def test_month_words_and_pattern():
    assert [T.month_number(w) for w in ("Jan", "jan.", "Sept", "September", "Mayor")] == [1, 1, 9, 9, None]
    assert [T.month_name(n) for n in (1, 9, 12)] == ["January", "September", "December"]
    pattern = re.compile(T.MONTH_PATTERN, re.IGNORECASE)
    assert pattern.fullmatch("Sept.") and pattern.fullmatch("june") and not pattern.match("Junior")


def test_ongoing_alone_has_no_edtf_form():
    period = T.parse_period("ongoing")
    assert period == T.Period(None, None, "ongoing", ongoing=True) and period.edtf() == ""


def test_last_day_of_months():
    assert T.PartialDate(2015, 2).last_day() == dt.date(2015, 2, 28)
    assert T.PartialDate(2016).last_day() == dt.date(2016, 12, 31)
    assert T.PartialDate(-490).first_day() is None


# ---- rules of the model ----------------------------------------------------------------

def test_leaf_module_imports_nothing_of_kg_but_errors():
    tree = ast.parse((ROOT / "kg" / "time.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert {name for name in imported if name == "kg" or name.startswith("kg.")} <= {"kg.errors"}


def test_one_month_table_in_the_package():
    """The month names are written once, in kg/time_words.tsv: no Python file of the
    package spells a run of them (a table, a list or an alternation)."""
    months = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?)"
    run = re.compile(rf"{months}\W{{1,8}}{months}\W{{1,8}}{months}", re.IGNORECASE)
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "kg").rglob("*.py")
                 if run.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


# ---- intervals: the overlap that clipping and time-aware relations need ---------------------

_ALEPPO = T.parse_period("19 July 2012 – 22 December 2016")


@pytest.mark.parametrize("text, expected", [
    ("from 2013", "2013/2016-12-22"),            # an unknown end ends with the conflict
    ("since mid-2016", "2016/2016-12-22"),
    ("(2015–2016)", "2015/2016-12-22"),          # "2016" is cut at the conflict's last day
    ("until 2014", "2012-07-19/2014"),           # an unknown start starts with it
    ("2011–2012", "2012-07-19/2012"),
    ("December 2016", "2016-12/2016-12-22"),
    ("2017–present", None),                      # after the conflict: nothing
    ("until 2011", None),
])
def test_party_periods_clipped_to_their_conflict(text, expected):
    period = T.parse_period(text)
    clipped = period.intersect(_ALEPPO)
    assert (clipped.edtf() if clipped else None) == expected


def test_overlap_is_symmetric_in_dates_and_keeps_ongoing():
    a = T.parse_period("2014–present")
    b = T.parse_period("since 2015")
    assert a.intersect(b).edtf() == b.intersect(a).edtf() == "2015/.."
    assert T.parse_period("2013–2014").intersect(T.parse_period("2015–2016")) is None
    assert T.parse_period("2014").intersect(T.parse_period("June 2014 – 2015")).edtf() == "2014-06/2014"
