"""The revision a file holds: its date (and id) from a TSV beside it.

A MediaWiki dump carries each revision's ``<timestamp>`` (:mod:`kg.readers.dump`); a plain
file (``.wiki``, ``.md``) does not. A folder that holds several revisions of one page says
which is which in a TSV file beside them, read here:

* the TSV is ``revisions.tsv``, or any ``*sources.tsv`` (such as
  ``data/wikitext/wikitext_sources.tsv``), in the file's folder;
* it has a header row, a ``file`` column with the file's name, and a
  ``revision_timestamp`` column: an ISO 8601 date-time (``2016-04-29T16:31:10Z``, as in
  dumps), a date (``2019-06-05``), a month (``2019-06``) or a year; an optional
  ``revision_id`` column gives the wiki's revision id;
* an empty ``revision_timestamp`` means "date unknown"; a value that is none of these forms
  is ignored with a ``bad-revision-date`` warning on the document.

The date goes to ``doc.extra["revision_timestamp"]`` (``revision_id`` likewise), as for a
dump page, and the mapping writes it as ``schema:dateModified`` of the document
(``schema:version`` for the id). Only the form is checked here: no text date is parsed.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "revisions.tsv").write_text("file\\trevision_timestamp\\trevision_id\\nX.wiki\\t2016-04-29T16:31:10Z\\t717770601\\n")
>>> revision_of(folder / "X.wiki")
Revision(timestamp='2016-04-29T16:31:10Z', revision_id='717770601', source='revisions.tsv')
>>> revision_of(folder / "Y.wiki") is None
True
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.document import Document

__all__ = ["Revision", "apply_revision", "revision_of", "timestamp_precision"]

#: Column names of the revision TSV.
FILE_COLUMN, TIMESTAMP_COLUMN, ID_COLUMN = "file", "revision_timestamp", "revision_id"
_PARTIAL = re.compile(r"(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>\d{2}))?)?")


@dataclass(frozen=True)
class Revision:
    """A file's revision: its ISO 8601 date (``None`` when unknown), the wiki's revision
    id when known, and the TSV that said so."""

    timestamp: str | None
    revision_id: str | None
    source: str


def timestamp_precision(text: str) -> str | None:
    """``year``, ``month``, ``day`` or ``datetime`` for an ISO 8601 date or date-time,
    ``None`` for anything else.

    >>> [timestamp_precision(t) for t in ("2016", "2019-06", "2019-06-05", "2016-04-29T16:31:10Z", "June 2019")]
    ['year', 'month', 'day', 'datetime', None]
    """
    text = text.strip()
    if "T" in text:
        try:
            datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return "datetime"
    match = _PARTIAL.fullmatch(text)
    if match is None:
        return None
    if match["day"]:
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            return None
        return "day"
    return "month" if match["month"] else "year"


def _tables(folder: Path) -> list[Path]:
    """The revision TSVs of a folder: ``revisions.tsv`` first, then ``*sources.tsv``."""
    named = folder / "revisions.tsv"
    found = [named] if named.is_file() else []
    return found + sorted(p for p in folder.glob("*sources.tsv") if p.is_file())


@lru_cache(maxsize=64)
def _rows(table: str, stamp: int) -> dict[str, dict[str, str]]:
    """The rows of a TSV that has the revision columns, by file name (``stamp`` makes an
    edited table read again)."""
    try:
        with open(table, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            if not {FILE_COLUMN, TIMESTAMP_COLUMN} <= set(reader.fieldnames or ()):
                return {}
            return {Path(row[FILE_COLUMN].strip()).name: {k: (v or "").strip() for k, v in row.items() if k}
                    for row in reader if (row.get(FILE_COLUMN) or "").strip()}
    except (OSError, csv.Error, UnicodeDecodeError):
        return {}


def revision_of(path: str | Path) -> Revision | None:
    """The revision the TSVs beside ``path`` give it, or ``None`` when none lists it."""
    path = Path(path)
    for table in _tables(path.parent):
        row = _rows(str(table), table.stat().st_mtime_ns).get(path.name)
        if row is not None:
            return Revision(row.get(TIMESTAMP_COLUMN) or None, row.get(ID_COLUMN) or None, table.name)
    return None


def apply_revision(doc: Document, path: str | Path) -> None:
    """Put the revision of ``path`` (see :func:`revision_of`) in ``doc.extra``; a date in
    another form is left out with a ``bad-revision-date`` warning."""
    revision = revision_of(path)
    if revision is None:
        return
    if revision.timestamp is not None:
        if timestamp_precision(revision.timestamp) is None:
            doc.warn("bad-revision-date", None, revision.timestamp,
                     f"{revision.source}: revision_timestamp is not an ISO 8601 date or date-time; ignored")
        else:
            doc.extra["revision_timestamp"] = revision.timestamp
    if revision.revision_id is not None:
        doc.extra["revision_id"] = revision.revision_id
    doc.extra["revision_source"] = revision.source
