"""Dates in news: when a conflict was going on (:class:`ConflictInfo`), read from the
partial dates of the store, and the publication day of a news document (both read by
:mod:`kg.time`).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from kg.document import Document
from kg.time import from_iso


@dataclass
class ConflictInfo:
    """Dates, places and participants of a conflict (for :meth:`Linker.about`). News keep
    reporting a conflict for a while after it ends: its end is extended by ``grace`` days."""

    iri: str
    start: str | None = None
    end: str | None = None
    ongoing: bool = False
    places: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)

    def covers(self, day: _dt.date, grace: int = 14) -> bool:
        if self.start is None:
            return False
        start = _day(self.start, end=False)
        if start is None or day < start:
            return False
        if self.end is None:
            return self.ongoing
        end = _day(self.end, end=True)
        return end is not None and day <= end + _dt.timedelta(days=grace)


def _day(text: str, *, end: bool) -> _dt.date | None:
    """``2012`` -> 1 Jan (or 31 Dec), ``2012-07`` -> first (or last) day, ``2012-07-19``."""
    date = from_iso(text)
    if date is None:
        return None
    return date.last_day() if end else date.first_day()


def _publication_day(doc: Document) -> _dt.date | None:
    if not doc.published:
        return None
    date = from_iso(doc.published)
    return date.first_day() if date is not None and date.precision == "day" else None
