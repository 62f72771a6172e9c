"""The one date and period model of conflict-kg: a parser of dates as English writes them,
one date type and one interval type, serialised as EDTF.

* :class:`PartialDate` is a calendar date as precise as the source (year, month or day),
  with ``circa`` and a ``qualifier`` (``early``/``mid``/``late`` or a season).
* :class:`Period` is the one interval type: a start and an end, either open, ``ongoing``
  for ``present``, and the text it was read from.
* :func:`parse_date` reads one date, :func:`parse_period` a span (``from 2013``,
  ``since mid-2016``, ``until May 2014``, ``2015–2016``, ``2013–14``, ``Oct–Dec 2016``,
  ``7–19 March 2022``, ``2014–present``, ``between 2012 and 2014``, ``c. 1200 BC``,
  ``3 Mar. 2015``, ``July 19, 2012``); every word must be a date word, so any text can be
  tried. :func:`find_dates` finds the day-precise dates in running text (news datelines).
* :func:`from_iso` reads the ISO/XSD lexical forms back (``2013``, ``2012-07``, ``-0490``),
  :meth:`PartialDate.first_day` / :meth:`PartialDate.last_day` give the days it spans.

**Standard.** The serialisation is EDTF (Library of Congress Extended Date/Time Format,
ISO 8601-2), through the PyPI ``edtf`` package, which parses and validates EDTF strings and
gives their bounds: :meth:`PartialDate.edtf` and :meth:`Period.edtf` write ``2012-07-19``,
``2014~`` (circa), ``2014-22`` (summer), ``2015/..`` (ongoing), ``2015/`` (end unknown),
``/2014-05`` (start unknown), ``-0489`` (490 BC: EDTF counts years astronomically, year
0 is 1 BC). ``edtf``'s own English reader (``text_to_edtf``) is not used: it reads
``from 2013`` as ``2013``, ``2015–2016`` as ``2016`` and drops ``mid-``, so the English forms
are read here and only the EDTF side is the library's. EDTF has no code for ``early``,
``mid`` or ``late``: they serialise as the whole year or month, the qualifier stays on the
object. The ISO form (:meth:`PartialDate.iso`, used for ``xsd:gYear``/``xsd:gYearMonth``/
``xsd:date`` literals) keeps the historical year (``-0490`` for 490 BC), as the graph always
has.

The words (month names and abbreviations, seasons, circa marks, eras) are the data file
``time_words.tsv`` beside this module, the one month table of the project.

This module imports nothing from the rest of ``kg`` but :mod:`kg.errors`.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from kg.errors import KGError

__all__ = [
    "MONTH_PATTERN",
    "DateMatch",
    "NotADate",
    "PartialDate",
    "Period",
    "Precision",
    "checked_date",
    "clip",
    "date_key",
    "day_bounds",
    "find_dates",
    "from_edtf",
    "from_iso",
    "month_name",
    "month_number",
    "parse_date",
    "parse_period",
]

Precision = Literal["year", "month", "day"]


class NotADate(KGError, ValueError):
    """Raised by :func:`from_iso`/:func:`from_edtf` with ``strict=True`` on text that is not
    a date of that form."""


# ---------------------------------------------------------------------------------------
# the words


@dataclass(frozen=True)
class _Words:
    months: dict[str, int]          # lower-case word -> month number
    month_names: tuple[str, ...]    # number - 1 -> the full English name
    seasons: dict[str, tuple[str, int]]   # word -> (canonical season name, EDTF code)
    qualifiers: dict[str, str]
    phrases: dict[str, str]
    circa: frozenset[str]
    eras: dict[str, int]
    present: frozenset[str]
    fillers: frozenset[str]


_WORDS_FILE = Path(__file__).with_name("time_words.tsv")


@lru_cache(maxsize=1)
def _words() -> _Words:
    rows: list[tuple[str, str, str]] = []
    for line in _WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, word, value = (line.split("\t") + ["", ""])[:3]
        rows.append((kind, word, value))
    months: dict[str, int] = {}
    names: dict[int, str] = {}
    seasons: dict[str, tuple[str, int]] = {}
    season_names: dict[int, str] = {}
    table: dict[str, dict[str, str]] = {"qualifier": {}, "phrase": {}, "era": {}}
    sets: dict[str, set[str]] = {"circa": set(), "present": set(), "filler": set()}
    for kind, word, value in rows:
        if kind == "month":
            months[word.lower()] = int(value)
            names.setdefault(int(value), word)
        elif kind == "season":
            code = int(value)
            season_names.setdefault(code, word.lower())
            seasons[word.lower()] = (season_names[code], code)
        elif kind in table:
            table[kind][word.lower()] = value
        else:
            sets[kind].add(word.lower())
    return _Words(
        months=months,
        month_names=tuple(names[number] for number in range(1, 13)),
        seasons=seasons,
        qualifiers=table["qualifier"],
        phrases=table["phrase"],
        circa=frozenset(sets["circa"]),
        eras={word: int(value) for word, value in table["era"].items()},
        present=frozenset(sets["present"]),
        fillers=frozenset(sets["filler"]),
    )


def month_number(word: str) -> int | None:
    """The number of a month name or abbreviation (with or without its dot), else ``None``.

    >>> month_number("Sept."), month_number("march"), month_number("Mayor")
    (9, 3, None)
    """
    return _words().months.get(word.strip().rstrip(".").lower())


def month_name(number: int) -> str:
    """The English name of month ``number`` (1–12).

    >>> month_name(7)
    'July'
    """
    return _words().month_names[number - 1]


def _month_pattern() -> str:
    words = sorted(_words().months, key=len, reverse=True)
    return rf"(?:{'|'.join(words)})(?![^\W\d_])\.?"


#: A regular expression (to compile with ``re.IGNORECASE``) matching one month word.
MONTH_PATTERN = _month_pattern()


# ---------------------------------------------------------------------------------------
# the types


@dataclass(frozen=True)
class PartialDate:
    """A calendar date as precise as the source: year, year-month or full date.

    Years before the common era are negative (``c. 1200 BC`` -> ``year=-1200``).
    ``qualifier`` keeps words such as ``early``, ``mid``, ``late`` or a season that the ISO
    form drops.

    >>> PartialDate(2012, 7).iso(), PartialDate(2012, 7).precision
    ('2012-07', 'month')
    >>> PartialDate(-490, circa=True).iso(), PartialDate(-490, circa=True).edtf()
    ('-0490', '-0489~')
    >>> PartialDate(2014, qualifier="summer").edtf()
    '2014-22'
    >>> PartialDate(2012, 2).last_day()
    datetime.date(2012, 2, 29)
    """

    year: int
    month: int | None = None
    day: int | None = None
    circa: bool = False
    qualifier: str | None = None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def iso(self) -> str:
        """The ISO 8601 / XSD lexical form, with the historical year (``-0490``)."""
        return _iso(self.year, self.month, self.day)

    def edtf(self) -> str:
        """The EDTF form: astronomical year, ``~`` when circa, a season code for a season."""
        year = self.year + 1 if self.year < 0 else self.year     # 1 BC is year 0
        season = _words().seasons.get(self.qualifier or "")
        if season is not None and self.month is None:
            # EDTF qualifies no season with "~" (python-edtf rejects "2016-21~")
            return f"{_iso(year, None, None)}-{season[1]}"
        return _iso(year, self.month, self.day) + ("~" if self.circa else "")

    def first_day(self) -> _dt.date | None:
        """The first day the date covers; ``None`` outside Python's years 1–9999."""
        if not 1 <= self.year <= 9999:
            return None
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> _dt.date | None:
        """The last day the date covers; ``None`` outside Python's years 1–9999."""
        if not 1 <= self.year <= 9999:
            return None
        month = self.month or 12
        return _dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


def _iso(year: int, month: int | None, day: int | None) -> str:
    text = f"{year:04d}" if year >= 0 else f"-{-year:04d}"
    if month is None:
        return text
    if day is None:
        return f"{text}-{month:02d}"
    return f"{text}-{month:02d}-{day:02d}"


@dataclass(frozen=True)
class Period:
    """A time span as written in a qualifier or a date field: the one interval type.

    ``start``/``end`` are ``None`` when open or unknown; ``ongoing`` marks ``present``,
    ``ongoing`` (an end that is open, not unknown). ``text`` is the source text.

    >>> Period(PartialDate(2013), PartialDate(2014, 5), "2013 – May 2014").edtf()
    '2013/2014-05'
    >>> Period(PartialDate(2015), None, "2015–present", ongoing=True).edtf()
    '2015/..'
    >>> Period(None, PartialDate(2014, 5), "until May 2014").edtf()
    '/2014-05'
    """

    start: PartialDate | None
    end: PartialDate | None
    text: str
    ongoing: bool = False

    def edtf(self) -> str:
        """The EDTF form: a single date when start and end are the same date, else an
        interval; an unknown end is empty, an ongoing one ``..``. A period with neither
        date (``ongoing`` alone) has no EDTF form: ``""``."""
        if self.start is None and self.end is None:
            return ""
        if self.start is not None and self.start == self.end:
            return self.start.edtf()
        start = self.start.edtf() if self.start is not None else ""
        end = self.end.edtf() if self.end is not None else (".." if self.ongoing else "")
        return f"{start}/{end}"

    def intersect(self, other: Period) -> Period | None:
        """The time both periods cover, ``None`` when they are disjoint: a participation
        clipped to its conflict, two participations that overlap. A missing start or end is
        unbounded on that side (``since 2015`` ends with the conflict it is clipped to);
        imprecise dates are taken as widely as they read (``2014`` ends on 31 December), and
        the later start and the earlier end keep their own precision. The text is this
        period's.

        >>> war = Period(PartialDate(2012, 7, 19), PartialDate(2016, 12, 22), "2012–2016")
        >>> Period(PartialDate(2015), None, "since 2015").intersect(war).edtf()
        '2015/2016-12-22'
        >>> Period(None, PartialDate(2013), "until 2013").intersect(Period(PartialDate(2014), None, "")) is None
        True
        """
        starts = [d for d in (self.start, other.start) if d is not None]
        ends = [d for d in (self.end, other.end) if d is not None]
        start = max(starts, key=date_key) if starts else None
        end = min(ends, key=lambda d: date_key(d, end=True)) if ends else None
        if start is not None and end is not None and date_key(start) > date_key(end, end=True):
            return None
        return Period(start, end, self.text, ongoing=end is None and (self.ongoing or other.ongoing))


def clip(own: Period | None, frame: Period | None) -> Period | None:
    """The interval of an entry of a conflict (a participation, a command, a deployment, a
    figure): its own period clipped to the conflict's dates ``frame``
    (:meth:`Period.intersect`); the conflict's dates when it has no period; its own period
    when the two are disjoint (the source says so of the entry: no guess which one is
    wrong). ``None`` when neither has a date.

    >>> war = Period(PartialDate(2012, 7, 19), PartialDate(2016, 12, 22), "19 July 2012 – 22 December 2016")
    >>> clip(Period(PartialDate(2015), None, "since 2015"), war).edtf()
    '2015/2016-12-22'
    >>> clip(None, war).edtf(), clip(Period(None, None, "present", ongoing=True), None)
    ('2012-07-19/2016-12-22', None)
    """
    dated = [p for p in (own, frame) if p is not None and (p.start is not None or p.end is not None)]
    if not dated:
        return None
    if len(dated) == 1:
        return dated[0]
    assert own is not None and frame is not None
    return own.intersect(frame) or own


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def day_bounds(period: Period) -> tuple[str | None, str | None]:
    """The first day of the period's start and the last day of its end, as ``xsd:date``
    lexical forms that SPARQL compares (it cannot compare ``xsd:gYear`` with ``xsd:date``);
    ``None`` for an open or unknown end. Historical years as :meth:`PartialDate.iso`.

    >>> day_bounds(Period(PartialDate(2013), PartialDate(2016, 2), "2013 – February 2016"))
    ('2013-01-01', '2016-02-29')
    >>> day_bounds(Period(PartialDate(-490, 9), None, "from September 490 BC"))
    ('-0490-09-01', None)
    """
    start = period.start
    end = period.end
    first = _iso(start.year, start.month or 1, start.day or 1) if start is not None else None
    if end is None:
        return first, None
    month = end.month or 12
    # proleptic Gregorian leap years, counted astronomically (1 BC is year 0, a leap year)
    leap_year = end.year + 1 if end.year < 0 else end.year
    last_day = end.day or (29 if month == 2 and calendar.isleap(leap_year) else _MONTH_DAYS[month - 1])
    return first, _iso(end.year, month, last_day)


@dataclass(frozen=True)
class DateMatch:
    """A date found in running text: ``text[start:end]`` reads as ``date``."""

    start: int
    end: int
    date: PartialDate


def checked_date(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    """A :class:`PartialDate` when the numbers make a calendar date (no year 0, a month
    1–12, a day that the month has), else ``None``.

    >>> checked_date(2016, 2, 30) is None, checked_date(2016, 2, 29).iso()
    (True, '2016-02-29')
    """
    if year == 0 or (month is not None and not 1 <= month <= 12) or (day is not None and month is None):
        return None
    if day is not None and month is not None:
        leap_year = 2000 if year < 0 else year      # no calendar check for BC leap years
        if not 1 <= day <= calendar.monthrange(leap_year, month)[1]:
            return None
    return PartialDate(year, month, day)


def date_key(date: PartialDate, end: bool = False) -> tuple[int, int, int]:
    """A sort key; an imprecise date sorts at its beginning, or at its end with ``end``.

    >>> date_key(PartialDate(2016)) < date_key(PartialDate(2016, 3))
    True
    """
    if end:
        return (date.year, date.month or 12, date.day or 31)
    return (date.year, date.month or 0, date.day or 0)


# ---------------------------------------------------------------------------------------
# ISO and EDTF back to dates

_ISO_FORM = re.compile(r"^(-?)(\d{4,})(?:-(\d{2})(?:-(\d{2}))?)?$")


def from_iso(text: str, *, strict: bool = False) -> PartialDate | None:
    """The date of an ISO/XSD lexical form (``xsd:gYear``, ``xsd:gYearMonth``,
    ``xsd:date``, a timestamp's date part), with the historical year as :meth:`PartialDate.iso`
    writes it; ``None`` (or :class:`NotADate` with ``strict``) for anything else.

    >>> from_iso("2012-07"), from_iso("-0490").year, from_iso("2016-12-15T08:49:00Z").day
    (PartialDate(year=2012, month=7, day=None, circa=False, qualifier=None), -490, 15)
    >>> from_iso("July") is None
    True
    """
    match = _ISO_FORM.match(text.strip().split("T", 1)[0])
    date = None
    if match:
        year = int(match[2]) * (-1 if match[1] else 1)
        date = checked_date(year, int(match[3]) if match[3] else None, int(match[4]) if match[4] else None)
    if date is None and strict:
        raise NotADate(f"not an ISO date: {text!r}")
    return date


def from_edtf(text: str, *, strict: bool = False) -> Period | None:
    """The :class:`Period` of an EDTF date or interval (as :meth:`Period.edtf` writes them),
    read and checked by the ``edtf`` package; ``None`` (or :class:`NotADate`) otherwise.

    >>> p = from_edtf("-0489~/.."); p.start, p.ongoing
    (PartialDate(year=-490, month=None, day=None, circa=True, qualifier=None), True)
    >>> from_edtf("2014-22").start.qualifier
    'summer'
    """
    import edtf

    try:
        edtf.parse_edtf(text)       # the standard's grammar decides what is EDTF
    except Exception as exc:    # the package raises its own EDTFParseException and others
        if strict:
            raise NotADate(f"not an EDTF date: {text!r}") from exc
        return None
    if "/" not in text:
        single = _edtf_date(text)
        return Period(single, single, text) if single else None
    start_text, end_text = text.split("/", 1)
    start = _edtf_date(start_text) if start_text not in ("", "..") else None
    end = _edtf_date(end_text) if end_text not in ("", "..") else None
    return Period(start, end, text, ongoing=end_text == "..")


def _edtf_date(text: str) -> PartialDate | None:
    circa = text.endswith("~")
    match = _ISO_FORM.match(text.rstrip("~"))
    if not match:
        return None
    year = int(match[2]) * (-1 if match[1] else 1)
    year = year - 1 if year <= 0 else year
    number = int(match[3]) if match[3] else None
    if number is not None and number > 12:
        season = next((name for name, code in _words().seasons.values() if code == number), None)
        return PartialDate(year, qualifier=season) if season else None
    date = checked_date(year, number, int(match[4]) if match[4] else None)
    return replace(date, circa=circa) if date else None


# ---------------------------------------------------------------------------------------
# reading English: one side of a range

_DASHES = "\u2013\u2014\u2212\u2012\u2015\u2010\u2011"
_TOKEN = re.compile(
    r"(?P<num>\d{1,4})(?:st|nd|rd|th)?(?!\d)|(?P<word>[^\W\d_]+)\.?|(?P<sep>[,./])|(?P<space>\s+)|(?P<other>.)"
)
_ISO_IN_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH_IN_TEXT = re.compile(r"\b(\d{4})-(0[1-9]|1[0-2])\b(?!-)")
_QUALIFIER_HYPHEN = re.compile(r"\b(early|mid|middle|late)\s*-\s*(?=\w)", re.IGNORECASE)
_ERA_DOTS = re.compile(r"\b(B)\.\s?(C)\.(?:\s?(E)\.)?|\b(A)\.\s?(D)\.|\b(C)\.(E)\.", re.IGNORECASE)
# a hyphen after an abbreviation's dot joins a range too ("Jan.-March 2013")
_RANGE_SEPARATOR = re.compile(
    rf"\s*[{_DASHES}]+\s*|\s+-\s+|(?<=\w)-(?=\w)|(?<=[A-Za-z]\.)-(?=[A-Za-z])|\s+(?:to|until|till|through|thru)\s+",
    re.IGNORECASE,
)
_START_PREFIX = re.compile(
    r"^(?:from|since|starting(?:\s+(?:in|from))?|beginning(?:\s+in)?|after)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_END_PREFIX = re.compile(r"^(?:until|till|til|to|up\s+to|up\s+until|before)\s+(?P<rest>.+)$", re.IGNORECASE)
_POINT_PREFIX = re.compile(r"^(?:as\s+of|as\s+at|by|in|on|during|at)\s+(?P<rest>.+)$", re.IGNORECASE)
_BETWEEN = re.compile(r"^between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$", re.IGNORECASE)
_ONWARDS = re.compile(r"^(?P<rest>.+?)\s*(?:onwards?|and\s+after|or\s+later)$", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d[,.]\d{3}(?!\d)")


@dataclass
class _Bits:
    """A date as read from one side of a range, possibly incomplete (``7`` in
    ``7–19 March``, ``9, 1992`` in ``May 8–9, 1992``)."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    num: int | None = None        # a bare 1–2 digit number: a day or a 2-digit year
    num_digits: int = 0
    era: int | None = None        # -1 for BC, +1 for AD, None when unmarked
    circa: bool = False
    qualifier: str | None = None
    present: bool = False


def _normalise(text: str) -> str:
    text = " ".join(text.replace("\n", " ").split())
    # Unwrap one pair of enclosing parentheses: "(from 2013)".
    while text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    text = _ISO_IN_TEXT.sub(lambda m: f"{int(m.group(3))} {month_name(int(m.group(2)))} {m.group(1)}"
                            if 1 <= int(m.group(2)) <= 12 else m.group(0), text)
    text = _ISO_MONTH_IN_TEXT.sub(lambda m: f"{month_name(int(m.group(2)))} {m.group(1)}", text)
    text = _QUALIFIER_HYPHEN.sub(lambda m: m.group(1) + " ", text)
    text = _ERA_DOTS.sub(lambda m: "".join(g for g in m.groups() if g) + " ", text)
    text = re.sub(r"\bc\.(?=\d)", "c. ", text)
    text = text.replace("~", " c ").replace("\u2009", " ")
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def _bits(text: str) -> _Bits | None:
    """Read one side of a range; ``None`` unless every token is a date token."""
    if not text or _THOUSANDS.search(text):
        return None
    words_table = _words()
    bits = _Bits()
    body: list[tuple[str, object]] = []   # ('num', (value, digits)) | ('month', n)
    words = [m for m in _TOKEN.finditer(text) if not m.group("space")]
    index = 0
    while index < len(words):
        match = words[index]
        index += 1
        if match.group("num"):
            body.append(("num", (int(match.group("num")), len(match.group("num")))))
            continue
        if match.group("sep"):
            if match.group("sep") == "/":
                return None
            continue
        if match.group("other"):
            return None
        word = match.group("word").lower()
        if word in words_table.months:
            body.append(("month", words_table.months[word]))
        elif word in words_table.eras:
            if bits.era is not None:
                return None
            bits.era = words_table.eras[word]
        elif word in words_table.circa and not body:
            bits.circa = True
        elif word in words_table.qualifiers and not body:
            bits.qualifier = words_table.qualifiers[word]
        elif word in words_table.seasons and not body:
            bits.qualifier = words_table.seasons[word][0]
        elif word in words_table.phrases and not body and index < len(words) and (
            (words[index].group("word") or "").lower() == "of"
        ):
            bits.qualifier = words_table.phrases[word]
            index += 1
        elif word in words_table.present and not body and index == len(words):
            bits.present = True
        elif word in words_table.fillers:
            continue
        else:
            return None
    if bits.present:
        return bits
    return bits if _read_body(bits, body) else None


def _read_body(bits: _Bits, body: list[tuple[str, object]]) -> bool:
    kinds = "".join("M" if kind == "month" else "N" for kind, _ in body)
    values = [value for _, value in body]
    numbers = [v for v in values if isinstance(v, tuple)]
    months = [v for v in values if isinstance(v, int)]
    if kinds.count("M") > 1 or not kinds:
        return False
    if months:
        bits.month = months[0]
    # The year: a 4-digit number, or any number right before an era mark ("490 BC").
    if numbers:
        last_value, last_digits = numbers[-1]
        is_year = last_digits >= 3 or (bits.era is not None and kinds.endswith("N"))
        if is_year and kinds.endswith("N"):
            bits.year = last_value
            numbers = numbers[:-1]
            kinds = kinds[:-1]
    if bits.year is None and bits.era is not None:
        return False
    # What is left: [N] M | M [N] | N | "".
    if kinds in ("", "M"):
        pass
    elif kinds in ("NM", "MN"):
        bits.day = numbers[0][0]
    elif kinds == "N" and bits.year is not None:
        # "9, 1992" in "May 8–9, 1992": a day without its month.
        bits.day = numbers[0][0]
    elif kinds == "N":
        bits.num, bits.num_digits = numbers[0]
    else:
        return False
    for _value, digits in numbers:
        if digits > 2:
            return False
    if bits.day is not None and not 1 <= bits.day <= 31:
        return False
    if bits.num is not None and not (1 <= bits.num <= 31 or bits.num_digits == 2):
        return False
    if bits.year is not None and bits.year > 2100:
        return False
    return not (bits.qualifier and bits.day is not None)


def _to_date(bits: _Bits) -> PartialDate | None:
    """Make a :class:`PartialDate` of complete bits; ``None`` if incomplete or invalid."""
    if bits.year is None or bits.num is not None or bits.present:
        return None
    if bits.day is not None and bits.month is None:
        return None
    if bits.era is None and not 1000 <= bits.year <= 2100:
        return None      # a 3-digit year needs its era ("490 BC", "AD 900")
    year = -bits.year if bits.era == -1 else bits.year
    date = checked_date(year, bits.month, bits.day)
    if date is None:
        return None
    return replace(date, circa=bits.circa, qualifier=bits.qualifier)


def _alternatives(text: str) -> list[_Bits] | None:
    """``8 April/14 May 2022`` -> two bits, the first completed from the last."""
    parts = [part.strip() for part in text.split("/")]
    if len(parts) == 1 or any(not part for part in parts):
        bits = _bits(text)
        return [bits] if bits else None
    read = [_bits(part) for part in parts]
    if any(b is None for b in read):
        return None
    last = read[-1]
    assert last is not None
    done: list[_Bits] = []
    for bits in read:
        assert bits is not None
        bits = replace(bits)
        _inherit_left(bits, last)
        done.append(bits)
    return done


def parse_date(text: str) -> PartialDate | None:
    """One date as precise as the text: ``2012``, ``December 2016``, ``19 July 2012``,
    ``July 19, 2012``, ``3 Mar. 2015``, ``mid-2016`` (qualifier ``mid``), ``summer 2014``,
    ``c. 1200 BC`` (year -1200, circa); ``None`` unless every word is a date word.

    >>> parse_date("July 19, 2012").iso(), parse_date("3 Mar. 2015").iso()
    ('2012-07-19', '2015-03-03')
    >>> parse_date("c. 1200 BC")
    PartialDate(year=-1200, month=None, day=None, circa=True, qualifier=None)
    >>> parse_date("Reserve") is None
    True
    """
    if not text:
        return None
    normal = _normalise(text)
    options = _alternatives(normal)
    if not options:
        return None
    dates = [_to_date(bits) for bits in options]
    if any(d is None for d in dates):
        return None
    return _common(dates)  # type: ignore[arg-type]


def _common(dates: list[PartialDate]) -> PartialDate:
    """The most precise date all alternatives agree on (``August/September 490 BC`` ->
    ``490 BC``)."""
    first = dates[0]
    if all(d == first for d in dates):
        return first
    year = first.year if all(d.year == first.year for d in dates) else None
    if year is None:
        return first
    month = first.month if all(d.month == first.month for d in dates) else None
    day = first.day if month is not None and all(d.day == first.day for d in dates) else None
    return PartialDate(year, month, day, circa=any(d.circa for d in dates))


# ---------------------------------------------------------------------------------------
# reading English: periods


def _inherit_left(left: _Bits, right: _Bits) -> None:
    """Complete the left side of a range from the right (``7–19 March 2022``,
    ``Oct–Dec 2016``, ``499–493 BC``)."""
    if left.era is None and right.era is not None:
        left.era = right.era
    if left.num is not None and right.month is not None:
        left.day, left.num = left.num, None
    if left.day is not None and left.month is None:
        left.month = right.month
    if left.year is None:
        left.year = right.year


def _complete_range(left: _Bits, right: _Bits) -> tuple[PartialDate, PartialDate] | None:
    # The right side: "2013–14" (two-digit year), "May 8–9, 1992" (day without month).
    if right.num is not None:
        if left.year is not None and left.month is None and left.day is None and right.num_digits == 2:
            century = left.year - left.year % 100
            year = century + right.num
            if year < left.year:
                year += 100
            right.year, right.num = year, None
            right.era = left.era
        elif left.month is not None and left.day is not None:
            right.day, right.num = right.num, None
        else:
            return None
    if right.day is not None and right.month is None:
        right.month = left.month
    if right.year is None:
        if left.year is None:
            return None
        right.year = left.year
        right.era = left.era
    _inherit_left(left, right)
    start, end = _to_date(left), _to_date(right)
    if start is None or end is None:
        return None
    if date_key(start) > date_key(end, end=True) and start.year == end.year and left.year == right.year:
        # "30 December – 2 January 2017": the start is in the year before.
        start = replace(start, year=start.year - 1)
    if date_key(start) > date_key(end, end=True):
        return None
    return start, end


def _range(left_text: str, right_text: str, raw: str) -> Period | None:
    right_options = _alternatives(right_text)
    if not right_options:
        return None
    if len(right_options) == 1 and right_options[0].present:
        start = parse_date(left_text)
        return Period(start, None, raw, ongoing=True) if start else None
    left_options = _alternatives(left_text)
    if not left_options or any(b.present for b in left_options + right_options):
        return None
    starts: list[PartialDate] = []
    ends: list[PartialDate] = []
    for left in left_options:
        for right in right_options:
            done = _complete_range(replace(left), replace(right))
            if done is None:
                return None
            starts.append(done[0])
            ends.append(done[1])
    # Alternatives ("8 April/14 May"): the earliest start, the latest end.
    return Period(min(starts, key=date_key), max(ends, key=lambda d: date_key(d, True)), raw)


def _split_range(text: str) -> list[tuple[str, str]]:
    """Every way of cutting the text at one range separator."""
    return [
        (text[: m.start()].strip(), text[m.end():].strip())
        for m in _RANGE_SEPARATOR.finditer(text)
        if text[: m.start()].strip() and text[m.end():].strip()
    ]


def parse_period(text: str) -> Period | None:
    """A period as written in a qualifier, or ``None`` if the text is not one.

    A single date is a period that starts and ends with it; ``from``/``since`` give a start
    only, ``until``/``to`` an end only, ``present``/``ongoing`` set ``ongoing``.

    >>> parse_period("(2013–14)").edtf(), parse_period("since mid-2016").edtf()
    ('2013/2014', '2016/')
    >>> parse_period("until May 2014").edtf(), parse_period("2014–present").edtf()
    ('/2014-05', '2014/..')
    >>> parse_period("in the whole province") is None
    True
    """
    if not text or not text.strip():
        return None
    raw = text.strip()
    normal = _normalise(raw)
    if not normal or not re.search(r"\d|present|ongoing", normal, re.IGNORECASE):
        return None
    lowered = normal.lower()
    if lowered in _words().present:
        return Period(None, None, raw, ongoing=True)
    match = _BETWEEN.match(normal)
    if match:
        return _range(match.group("a"), match.group("b"), raw)
    match = _START_PREFIX.match(normal) or _ONWARDS.match(normal)
    if match:
        inner = parse_period(match.group("rest"))
        if inner is None:
            return None
        if inner.start is not None and inner.end is not None and inner.start != inner.end:
            return Period(inner.start, inner.end, raw, ongoing=inner.ongoing)  # "from 2013 to 2015"
        if inner.ongoing:
            return Period(inner.start, None, raw, ongoing=True)
        return Period(inner.start, None, raw) if inner.start else None
    match = _END_PREFIX.match(normal)
    if match:
        end = parse_date(match.group("rest"))
        return Period(None, end, raw) if end else None
    match = _POINT_PREFIX.match(normal)
    if match:
        inner = parse_period(match.group("rest"))
        return Period(inner.start, inner.end, raw, ongoing=inner.ongoing) if inner else None
    single = parse_date(normal)
    if single is not None:
        return Period(single, single, raw)
    for left, right in _split_range(normal):
        period = _range(left, right, raw)
        if period is not None:
            return period
    return None


# ---------------------------------------------------------------------------------------
# dates in running text

_MONTH_GROUP = rf"({MONTH_PATTERN})"
_IN_TEXT = [
    # 2016-12-03 (also inside file names: no word boundary needed around digits)
    ("ymd", re.compile(r"(?<!\d)(\d{4})-(\d\d)-(\d\d)(?!\d)")),
    # 29 October 2016, 13th December 2016, 3 Mar. 2015
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_GROUP}\s*,?\s+(\d{{4}})\b", re.IGNORECASE)),
    # November 4 2016, Oct 31, 2016
    ("mdy", re.compile(rf"\b{_MONTH_GROUP}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)),
]


def find_dates(text: str) -> list[DateMatch]:
    """The day-precise dates written in running text (ISO, day-month-year and
    month-day-year, months spelt out or abbreviated), in text order, years 1000–2100.

    >>> [(m.start, m.date.iso()) for m in find_dates("Mon Oct 31 2016: on 3 Mar. 2015 or 2016-02-30")]
    [(4, '2016-10-31'), (20, '2015-03-03')]
    """
    found: list[DateMatch] = []
    for order, pattern in _IN_TEXT:
        for match in pattern.finditer(text):
            if order == "ymd":
                year, month, day = int(match[1]), int(match[2]), int(match[3])
            elif order == "dmy":
                year, month, day = int(match[3]), month_number(match[2]) or 0, int(match[1])
            else:
                year, month, day = int(match[3]), month_number(match[1]) or 0, int(match[2])
            date = checked_date(year, month, day) if 1000 <= year <= 2100 else None
            if date is not None:
                found.append(DateMatch(match.start(), match.end(), date))
    return sorted(found, key=lambda m: (m.start, -m.end))

