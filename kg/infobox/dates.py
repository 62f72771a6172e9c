"""Dates and periods as written in infobox fields and qualifiers.

The reading of dates and periods is :mod:`kg.time` (the project's one date model); this
module adds what is particular to the infobox:

* :func:`parse_partial_date` and :func:`parse_period` are :func:`kg.time.parse_date` and
  :func:`kg.time.parse_period` on text with its wiki bold/italic marks removed.
* :func:`parse_date_field` reads the ``date`` field of the infobox into a
  :class:`~kg.time.Period`, including multi-phase fields
  (``7–18 January 2012 (First phase) 4–11 February 2012 (Second phase)``), whose range is
  the union of the phases.

All parsing is strict: every word of the text must be a date word, otherwise the text is
not a date. That is what lets a caller try ``parse_period`` on any parenthetical.
"""

from __future__ import annotations

import re

from kg import time
from kg.document import Field, ReadWarning
from kg.infobox.records import PartialDate, Period
from kg.infobox.text import drop_undefined, strip_markup
from kg.time import date_key

__all__ = ["parse_partial_date", "parse_period", "parse_date_field", "date_key", "guessed_year"]


def guessed_year(field_name: str, source: str, text: str, dated_in: int, started: int | None = None) -> ReadWarning:
    """The ``guessed-year`` warning for a date written without its year (``(until March)``,
    ``2 January:``), dated in the year the conflict started or, for a date label that would
    come before the one above it, a later one.

    >>> guessed_year("commander1", "X (until March)", "until March", 2012).message
    "'until March' has no year: dated in 2012, the year the conflict started"
    >>> guessed_year("strength1", "2 January:", "2 January", 1945, started=1944).message
    "'2 January' has no year: dated in 1945, after the date above it (the conflict started in 1944)"
    """
    why = "the year the conflict started" if started in (None, dated_in) else \
        f"after the date above it (the conflict started in {started})"
    return ReadWarning("guessed-year", field_name, source, f"{text!r} has no year: dated in {dated_in}, {why}")


def parse_partial_date(text: str) -> PartialDate | None:
    """:func:`kg.time.parse_date` of the text without its wiki marks.

    >>> parse_partial_date("\'\'\'July 19, 2012\'\'\'").iso()
    '2012-07-19'
    """
    return time.parse_date(strip_markup(text)) if text else None


def parse_period(text: str) -> Period | None:
    """:func:`kg.time.parse_period` of the text without its wiki marks.

    >>> parse_period("(''from 2013'')").edtf()
    '2013/'
    """
    return time.parse_period(strip_markup(text)) if text else None


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


def parse_date_field(field: Field, warnings: list[ReadWarning]) -> Period:
    """The ``date`` field as a :class:`~kg.time.Period`.

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
        return Period(None, None, raw)
    for leftover in leftovers:
        warnings.append(ReadWarning("ignored-date-text", field.name, raw.strip(),
                                    f"ignored {leftover!r} in the date"))
    starts = [p.start for p in periods if p.start is not None]
    ends = [p.end for p in periods if p.end is not None]
    ongoing = any(p.ongoing for p in periods)
    start = min(starts, key=date_key) if starts else None
    end = None if ongoing or not ends else max(ends, key=lambda d: date_key(d, True))
    return Period(start, end, raw, ongoing=ongoing)


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
