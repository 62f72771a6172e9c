"""Dates in news: when a conflict was going on (:class:`ConflictInfo`), read from the
partial dates of the store, and the publication day of a news document.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from kg.document import Document


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
        start = _partial_date(self.start, end=False)
        if start is None or day < start:
            return False
        if self.end is None:
            return self.ongoing
        end = _partial_date(self.end, end=True)
        return end is not None and day <= end + _dt.timedelta(days=grace)


def _partial_date(text: str, *, end: bool) -> _dt.date | None:
    """``2012`` -> 1 Jan (or 31 Dec), ``2012-07`` -> first (or last) day, ``2012-07-19``."""
    match = re.match(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not match:
        return None
    year = int(match[1])
    if year < 1:
        return None
    month = int(match[2]) if match[2] else (12 if end else 1)
    if match[3]:
        day = int(match[3])
    elif end:
        day = (_dt.date(year + (month == 12), month % 12 + 1, 1) - _dt.timedelta(days=1)).day
    else:
        day = 1
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def _publication_day(doc: Document) -> _dt.date | None:
    if not doc.published:
        return None
    try:
        return _dt.date.fromisoformat(doc.published[:10])
    except ValueError:
        return None
