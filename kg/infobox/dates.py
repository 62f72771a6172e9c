"""Dates and periods as written in infobox fields and qualifiers.

Two levels:

* :func:`parse_partial_date` reads one calendar date as precise as the source
  (``2012``, ``December 2016``, ``19 July 2012``, ``July 19, 2012``, ``mid-2016``,
  ``c. 1200 BC``).
* :func:`parse_period` reads a span as written in a qualifier: ``from 2013``,
  ``since mid-2016``, ``until 2014``, ``2015–2016``, ``2013–14``, ``Oct–Dec 2016``,
  ``7–19 March 2022``, ``2014–present``; a single date is a period that starts and ends
  with it. Text that is not a period (``Chief of the General Staff``) gives ``None``.
* :func:`parse_date_field` reads the ``date`` field of the infobox into a
  :class:`~kg.infobox.records.DateRange`, including multi-phase fields
  (``7–18 January 2012 (First phase) 4–11 February 2012 (Second phase)``), whose range is
  the union of the phases.

All parsing is strict: every word of the text must be a date word, otherwise the text is
not a date. That is what lets a caller try ``parse_period`` on any parenthetical.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace

from kg.document import Field, ReadWarning
from kg.infobox.records import DateRange, PartialDate, Period
from kg.infobox.text import drop_undefined, strip_markup

__all__ = ["parse_partial_date", "parse_period", "parse_date_field", "date_key"]

_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9

_QUALIFIERS = {
    "early": "early", "mid": "mid", "middle": "mid", "late": "late",
    "spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn",
    "winter": "winter",
}
#: ``beginning of 2015`` -> ``early``; ``end of 2015`` -> ``late``.
_QUALIFIER_PHRASES = {"beginning": "early", "start": "early", "end": "late"}
_CIRCA = {"c", "ca", "circa", "approx", "approximately", "around", "about", "cca"}
_ERAS = {"bc": -1, "bce": -1, "ad": 1, "ce": 1}
_PRESENT = {"present", "ongoing", "now", "today", "current"}
_FILLERS = {"of", "the", "in"}

_DASHES = "\u2013\u2014\u2212\u2012\u2015\u2010\u2011"
_TOKEN = re.compile(
    r"(?P<num>\d{1,4})(?:st|nd|rd|th)?(?!\d)|(?P<word>[^\W\d_]+)\.?|(?P<sep>[,./])|(?P<space>\s+)|(?P<other>.)"
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"\b(\d{4})-(0[1-9]|1[0-2])\b(?!-)")
_QUALIFIER_HYPHEN = re.compile(r"\b(early|mid|middle|late)\s*-\s*(?=\w)", re.IGNORECASE)
_ERA_DOTS = re.compile(r"\b(B)\.\s?(C)\.(?:\s?(E)\.)?|\b(A)\.\s?(D)\.|\b(C)\.(E)\.", re.IGNORECASE)
_RANGE_SEPARATOR = re.compile(
    rf"\s*[{_DASHES}]+\s*|\s+-\s+|(?<=\w)-(?=\w)|\s+(?:to|until|till|through|thru)\s+",
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

    @property
    def empty(self) -> bool:
        return self.year is None and self.month is None and self.day is None and self.num is None


# ---------------------------------------------------------------------------------------
# normalisation and single dates


def _normalise(text: str) -> str:
    text = strip_markup(text.replace("\n", " "))
    # Unwrap one pair of enclosing parentheses: "(from 2013)".
    while text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    text = _ISO.sub(lambda m: f"{int(m.group(3))} {calendar.month_name[int(m.group(2))]} {m.group(1)}", text)
    text = _ISO_MONTH.sub(lambda m: f"{calendar.month_name[int(m.group(2))]} {m.group(1)}", text)
    text = _QUALIFIER_HYPHEN.sub(lambda m: m.group(1) + " ", text)
    text = _ERA_DOTS.sub(lambda m: "".join(g for g in m.groups() if g) + " ", text)
    text = re.sub(r"\bc\.(?=\d)", "c. ", text)
    text = text.replace("~", " c ").replace("\u2009", " ")
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def _bits(text: str) -> _Bits | None:
    """Read one side of a range; ``None`` unless every token is a date token."""
    if not text or _THOUSANDS.search(text):
        return None
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
        if word in _MONTHS:
            body.append(("month", _MONTHS[word]))
        elif word in _ERAS:
            if bits.era is not None:
                return None
            bits.era = _ERAS[word]
        elif word in _CIRCA and not body:
            bits.circa = True
        elif word in _QUALIFIERS and not body:
            bits.qualifier = _QUALIFIERS[word]
        elif word in _QUALIFIER_PHRASES and not body and index < len(words) and (
            (words[index].group("word") or "").lower() == "of"
        ):
            bits.qualifier = _QUALIFIER_PHRASES[word]
            index += 1
        elif word in _PRESENT and not body and index == len(words):
            bits.present = True
        elif word in _FILLERS:
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
    if year == 0:
        return None
    if bits.day is not None and bits.month is not None:
        leap_year = 2000 if year < 0 else year      # no calendar check for BC leap years
        if bits.day > calendar.monthrange(leap_year, bits.month)[1]:
            return None
    return PartialDate(year, bits.month, bits.day, circa=bits.circa, qualifier=bits.qualifier)


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


def parse_partial_date(text: str) -> PartialDate | None:
    """One date as precise as the text: ``2012``, ``December 2016``, ``19 July 2012``,
    ``July 19, 2012``, ``mid-2016`` (qualifier ``mid``), ``c. 1200 BC`` (year -1200, circa).

    >>> parse_partial_date("July 19, 2012").iso()
    '2012-07-19'
    >>> parse_partial_date("c. 1200 BC")
    PartialDate(year=-1200, month=None, day=None, circa=True, qualifier=None)
    >>> parse_partial_date("Reserve") is None
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


def date_key(date: PartialDate, end: bool = False) -> tuple[int, int, int]:
    """A sort key; an imprecise date sorts at its beginning, or at its end with ``end``.

    >>> date_key(PartialDate(2016)) < date_key(PartialDate(2016, 3))
    True
    """
    if end:
        return (date.year, date.month or 12, date.day or 31)
    return (date.year, date.month or 0, date.day or 0)


# ---------------------------------------------------------------------------------------
# periods


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
        start = parse_partial_date(left_text)
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

    >>> p = parse_period("(2013–14)"); p.start.iso(), p.end.iso()
    ('2013', '2014')
    >>> p = parse_period("since mid-2016"); p.start, p.end, p.ongoing
    (PartialDate(year=2016, month=None, day=None, circa=False, qualifier='mid'), None, False)
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
    if lowered in _PRESENT:
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
        end = parse_partial_date(match.group("rest"))
        return Period(None, end, raw) if end else None
    match = _POINT_PREFIX.match(normal)
    if match:
        inner = parse_period(match.group("rest"))
        return Period(inner.start, inner.end, raw, ongoing=inner.ongoing) if inner else None
    single = parse_partial_date(normal)
    if single is not None:
        return Period(single, single, raw)
    for left, right in _split_range(normal):
        period = _range(left, right, raw)
        if period is not None:
            return period
    return None


# ---------------------------------------------------------------------------------------
# the date field

_LABEL = re.compile(r"^(?P<label>[^\d:()]*[^\W\d_][^\d:()]*):\s*(?P<rest>.*)$")
_PARENTHETICAL = re.compile(r"\(([^()]*)\)")
_DURATION = re.compile(
    r"^\s*[\d,]+\s*(?:years?|months?|weeks?|days?|hours?)\b.*$|^\s*(?:first|second|third|fourth|\w+)\s+(?:phase|battle|stage)\s*$",
    re.IGNORECASE,
)
#: Labels of dates that are not part of the fighting (treaties signed later).
_AFTERMATH = re.compile(r"^\s*(?:ratification|treaty|peace|armistice|cease-?fire|signed)\b", re.IGNORECASE)


def _chunks(text: str) -> list[tuple[str | None, str]]:
    """Cut a date field into (label, text) pieces at lines, labels and parentheticals."""
    pieces: list[tuple[str | None, str]] = []
    label: str | None = None
    for line in text.split("\n"):
        line = line.strip().lstrip("*#•").strip()
        if not line:
            continue
        match = _LABEL.match(line)
        if match and not re.search(r"\d:\d", line[: match.end("label") + 2]):
            label = match.group("label").strip()
            line = match.group("rest").strip()
            if not line:
                continue
        for piece in _PARENTHETICAL.split(line)[0::2]:
            piece = piece.strip()
            if piece:
                pieces.append((label, piece))
    return pieces


def _read_piece(text: str) -> Period | None:
    """A period from a piece of a date field; tries the longest comma-prefix too
    (``19 December 1975, first attack 18:15``)."""
    period = parse_period(text)
    if period is not None:
        return period
    parts = text.split(",")
    for cut in range(len(parts) - 1, 0, -1):
        period = parse_period(",".join(parts[:cut]))
        if period is not None:
            return period
    return None


def parse_date_field(field: Field, warnings: list[ReadWarning]) -> DateRange:
    """The ``date`` field as a :class:`DateRange`.

    Reads ``19 July 2012 – 22 December 2016``, ``2011–present``, ``ongoing``, single days,
    ``June 1941``, ``c. 1200 BC``, day ranges (``7–19 March 2022``, ``30 June – 1 July
    2022``), and several labelled phases (their union). Bullets after a readable lead are
    sub-periods and are ignored. A single date starts and ends the range. Unreadable text
    gives a range with only ``text`` and an ``unparsed-date`` warning.
    """
    raw = field.text
    text = drop_undefined(raw, field.name, warnings)
    text = "\n".join(strip_markup(line) for line in text.split("\n"))
    lines = text.split("\n")
    first_bullet = next((i for i, line in enumerate(lines) if line.lstrip().startswith("*")), len(lines))
    groups = ["\n".join(lines[:first_bullet]), "\n".join(lines[first_bullet:])]
    periods: list[Period] = []
    leftovers: list[str] = []
    for group in groups:
        if not group.strip():
            continue
        pieces = _chunks(group)
        periods, leftovers = _read_pieces(pieces)
        if periods:
            break
    if not periods:
        warnings.append(ReadWarning("unparsed-date", field.name, raw.strip(),
                                    f"could not read a date in {raw.strip()!r}"))
        return DateRange(text=raw)
    for leftover in leftovers:
        warnings.append(ReadWarning("ignored-date-text", field.name, raw.strip(),
                                    f"ignored {leftover!r} in the date"))
    starts = [p.start for p in periods if p.start is not None]
    ends = [p.end for p in periods if p.end is not None]
    ongoing = any(p.ongoing for p in periods)
    start = min(starts, key=date_key) if starts else None
    end = None if ongoing or not ends else max(ends, key=lambda d: date_key(d, True))
    return DateRange(text=raw, start=start, end=end, ongoing=ongoing)


def _read_pieces(pieces: list[tuple[str | None, str]]) -> tuple[list[Period], list[str]]:
    periods: list[Period] = []
    leftovers: list[str] = []
    index = 0
    while index < len(pieces):
        label, piece = pieces[index]
        index += 1
        period = _read_piece(piece)
        if period is None and index < len(pieces):
            # "August/September (Metageitnion), 490 BC": the year is after the parenthetical.
            joined = f"{piece} {pieces[index][1]}"
            period = _read_piece(joined)
            if period is not None:
                index += 1
        if period is None:
            if re.search(r"\d", piece) and not _DURATION.match(piece):
                leftovers.append(piece)
            continue
        if label and _AFTERMATH.match(label):
            continue
        periods.append(period)
    return periods, leftovers
