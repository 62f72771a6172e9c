"""MediaWiki XML dumps (``.xml``, ``.xml.bz2``, ``.xml.gz``): streamed, one Document a page.

:func:`iter_dump` reads a dump with :func:`xml.etree.ElementTree.iterparse` from a
streaming (bz2/gzip) file, so memory stays bounded by the largest page, whatever the size
of the dump: each revision is dropped from its page once its text is taken, each page from
the tree once it is read. Only pages of namespace 0 (articles) count; redirects are
skipped; so are pages without ``{{Infobox military conflict}}`` (a cheap text test first,
then the parse decides). :class:`DumpStats` counts what was seen, skipped (by reason) and
yielded.

A revision becomes a Document with :func:`kg.readers.wikitext.document_from_wikitext`:
``path`` is ``"<dump path>::<page title>"`` (:meth:`DumpPage.document_path`), ``title`` the
page title, ``content_hash`` the SHA-256 of the revision's wikitext, ``extra`` the page and
revision ids and the revision timestamp (``revision_timestamp``, mapped to
``schema:dateModified`` on the document). A page with **several revisions** in the dump (a
history export) gives one Document per revision, each named
``"<dump path>::<page title>#<revision id>"`` (a title never holds ``#``), so that every
revision is its own dated document graph; :func:`iter_dump_revisions` streams them (one
revision's text held at a time, plus the one before it), :func:`iter_dump_pages` only the
last revision of each page.

:func:`write_dump` writes such a dump from ``(title, wikitext)`` pairs (bz2 when the name
ends in ``.bz2``, gzip for ``.gz``), streaming too; tests and the benchmark generator use it.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "mini.xml.bz2")
>>> write_dump([("Battle of X", "{{Infobox military conflict|conflict=Battle of X|combatant1=[[A]]}}"),
...             ("Y", "no infobox"), ("Z", "#REDIRECT [[Y]]")], path)
3
>>> stats = DumpStats()
>>> [(d.title, d.path.endswith("mini.xml.bz2::Battle of X")) for d in iter_dump(path, stats)]
[('Battle of X', True)]
>>> stats.pages_seen, stats.yielded, stats.skipped, stats.skipped_by_reason
(3, 1, 2, {'no-conflict-infobox': 1, 'redirect': 1})
"""

from __future__ import annotations

import bz2
import gzip
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from kg.document import Document, content_hash
from kg.readers.wikitext import document_from_wikitext, has_conflict_infobox

__all__ = ["DumpPage", "DumpStats", "is_dump_path", "iter_dump", "iter_dump_pages", "iter_dump_revisions",
           "write_dump"]

log = logging.getLogger(__name__)

EXPORT_NAMESPACE = "http://www.mediawiki.org/xml/export-0.10/"
_DUMP_NAME = re.compile(r"\.xml(?:-p\d+p\d+)?(?:\.(?:bz2|gz))?$", re.IGNORECASE)


def is_dump_path(path: str | Path) -> bool:
    """True for the file names of MediaWiki XML dumps.

    >>> is_dump_path("a/enwiki-latest-pages-articles1.xml-p10p30302.bz2"), is_dump_path("x.xml"), is_dump_path("x.wiki")
    (True, True, False)
    """
    return _DUMP_NAME.search(str(path)) is not None


@dataclass
class DumpPage:
    """One page of a dump: title, wikitext of its (last) revision, namespace, the
    redirect target when it is a redirect, ids and revision timestamp.

    From :func:`iter_dump_revisions` it is one revision of the page: ``history`` is true
    when the dump holds more than one revision of it, and ``position`` is the revision's
    1-based place among them."""

    title: str
    text: str
    ns: int = 0
    redirect: str | None = None
    page_id: int | None = None
    revision_id: int | None = None
    timestamp: str | None = None
    history: bool = False
    position: int = 1

    def document_path(self, dump_path: str | Path) -> str:
        """The path of this page's Document: ``<dump>::<title>``, and ``#<revision id>``
        after it (the position when the revision has no id) when the page has several
        revisions in the dump.

        >>> DumpPage("Battle of X", "", revision_id=7).document_path("d.xml")
        'd.xml::Battle of X'
        >>> DumpPage("Battle of X", "", revision_id=7, history=True).document_path("d.xml")
        'd.xml::Battle of X#7'
        """
        base = f"{dump_path}::{self.title}"
        if not self.history:
            return base
        return f"{base}#{self.revision_id if self.revision_id is not None else f'n{self.position}'}"

    def extra(self, dump_path: str | Path) -> dict[str, str]:
        """What a Document of this page keeps in ``extra``: the dump, ids and timestamp."""
        values = {"dump": str(dump_path), "page_id": self.page_id, "revision_id": self.revision_id,
                  "revision_timestamp": self.timestamp}
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


@dataclass
class DumpStats:
    """What :func:`iter_dump` saw: every ``<page>`` (every revision of a page with several),
    the ones yielded as Documents and the ones skipped, by reason (``namespace``, ``redirect``, ``no-conflict-infobox``,
    ``empty``, ``error``)."""

    pages_seen: int = 0
    yielded: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return sum(self.skipped_by_reason.values())

    def skip(self, reason: str) -> None:
        self.skipped_by_reason[reason] = self.skipped_by_reason.get(reason, 0) + 1

    def __str__(self) -> str:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped_by_reason.items()))
        return f"{self.pages_seen} pages: {self.yielded} read, {self.skipped} skipped ({reasons or 'none'})"


def _open(path: Path, mode: str = "rb") -> IO[Any] | bz2.BZ2File | gzip.GzipFile:
    name = path.name.lower()
    if name.endswith(".bz2"):
        return bz2.open(path, mode)
    if name.endswith(".gz"):
        return gzip.open(path, mode)
    return open(path, mode)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def iter_dump_pages(path: str | Path) -> Iterator[DumpPage]:
    """Every ``<page>`` of a dump, in order, with the text of its last revision; memory
    bounded by the largest page (revisions and pages are dropped from the tree as soon as
    they are read)."""
    for page, last in _iter_revisions(path):
        if last:
            yield page


def iter_dump_revisions(path: str | Path) -> Iterator[DumpPage]:
    """Every revision of every ``<page>`` of a dump, in dump order, one :class:`DumpPage`
    each (``history`` set on all revisions of a page that has more than one); a page
    without any revision comes once, with empty text. Memory is bounded by two revisions.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "h.xml")
    >>> _ = write_dump([DumpPage("X", "one", revision_id=1, timestamp="2001-01-01T00:00:00Z"),
    ...                 DumpPage("X", "two", revision_id=2, timestamp="2002-01-01T00:00:00Z")], path)
    >>> [(p.text, p.document_path("h.xml"), p.timestamp) for p in iter_dump_revisions(path)]
    [('one', 'h.xml::X#1', '2001-01-01T00:00:00Z'), ('two', 'h.xml::X#2', '2002-01-01T00:00:00Z')]
    """
    for page, _ in _iter_revisions(path):
        yield page


def _iter_revisions(path: str | Path) -> Iterator[tuple[DumpPage, bool]]:
    """(revision, is the page's last) for every revision; a revision is held back until the
    next one (or the page's end) says whether the page has several."""
    path = Path(path)
    namespaces: dict[str, int] = {}
    with _open(path) as stream:
        root: ET.Element | None = None
        page: ET.Element | None = None
        pending: DumpPage | None = None
        for event, element in ET.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if root is None:
                    root = element
                elif tag == "page":
                    page = element
                    pending = None
                continue
            if tag == "namespace" and page is None:
                key = element.get("key")
                if key is not None and key.lstrip("-").isdigit() and element.text:
                    namespaces[element.text.strip().lower()] = int(key)
            elif tag == "revision" and page is not None:
                current: dict[str, object] = {"text": None, "revision_id": None, "timestamp": None}
                for child in element:
                    name = _local(child.tag)
                    if name == "text":
                        current["text"] = child.text or ""
                    elif name == "id":
                        current["revision_id"] = _int(child.text)
                    elif name == "timestamp":
                        current["timestamp"] = (child.text or "").strip() or None
                page.remove(element)          # keep only one revision's text at a time
                # the page's <title>, <ns>, <id> and <redirect> come before its revisions
                revision = _page(page, current, namespaces)
                if pending is not None:
                    pending.history = revision.history = True
                    revision.position = pending.position + 1
                    yield pending, False
                pending = revision
            elif tag == "page" and page is not None:
                yield (pending if pending is not None else _page(element, {}, namespaces)), True
                page = pending = None
                if root is not None:
                    root.clear()              # drop every page read so far
            elif tag == "siteinfo" and root is not None:
                root.clear()


def _page(element: ET.Element, current: dict[str, object], namespaces: dict[str, int]) -> DumpPage:
    title = ""
    ns: int | None = None
    redirect: str | None = None
    page_id: int | None = None
    for child in element:
        name = _local(child.tag)
        if name == "title":
            title = (child.text or "").strip()
        elif name == "ns":
            ns = _int(child.text)
        elif name == "id":
            page_id = _int(child.text)
        elif name == "redirect":
            redirect = child.get("title") or ""
    if ns is None:                       # old dumps (export-0.3/0.4) have no <ns>
        prefix = title.split(":", 1)[0].strip().lower() if ":" in title else ""
        ns = namespaces.get(prefix, 0) if prefix else 0
    text = current.get("text")
    return DumpPage(
        title=title,
        text=text if isinstance(text, str) else "",
        ns=ns,
        redirect=redirect,
        page_id=page_id,
        revision_id=current.get("revision_id"),  # type: ignore[arg-type]
        timestamp=current.get("timestamp"),  # type: ignore[arg-type]
    )


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.lstrip("-").isdigit() else None


_REDIRECT = re.compile(r"^\s*#\s*redirect\b", re.IGNORECASE)


def iter_dump(path: str | Path, stats: DumpStats | None = None, *,
              conflicts_only: bool = True) -> Iterator[Document]:
    """The Documents of a dump's articles that have a conflict infobox (all articles with
    ``conflicts_only=False``), one per revision (see the module docs), streamed; ``stats``
    (if given) is updated as revisions go by. A revision whose wikitext cannot be read is
    skipped as ``error`` (logged), never raised."""
    stats = stats if stats is not None else DumpStats()
    dump_path = str(path)
    for page in iter_dump_revisions(path):
        stats.pages_seen += 1
        if page.ns != 0:
            stats.skip("namespace")
            continue
        if page.redirect is not None or _REDIRECT.match(page.text):
            stats.skip("redirect")
            continue
        if not page.text.strip():
            stats.skip("empty")
            continue
        if conflicts_only and not has_conflict_infobox(page.text):
            stats.skip("no-conflict-infobox")
            continue
        try:
            doc = document_from_wikitext(page.text, page.document_path(dump_path), page.title,
                                         content_hash(page.text.encode("utf-8")))
        except Exception:  # one bad page must not stop a dump (logged with its traceback)
            log.exception("%s: page %r could not be read", dump_path, page.title)
            stats.skip("error")
            continue
        if conflicts_only and doc.conflict_infobox is None:
            stats.skip("no-conflict-infobox")
            continue
        doc.extra.update(page.extra(dump_path))
        stats.yielded += 1
        yield doc


# ---------------------------------------------------------------------------------------
# writing

_CR = {"\r": "&#13;"}
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_HEADER = f"""<mediawiki xmlns="{EXPORT_NAMESPACE}" version="0.10" xml:lang="en">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <dbname>enwiki</dbname>
    <base>https://en.wikipedia.org/wiki/Main_Page</base>
    <generator>conflict-kg write_dump</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="-2" case="first-letter">Media</namespace>
      <namespace key="-1" case="first-letter">Special</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="2" case="first-letter">User</namespace>
      <namespace key="4" case="first-letter">Wikipedia</namespace>
      <namespace key="6" case="first-letter">File</namespace>
      <namespace key="10" case="first-letter">Template</namespace>
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
"""


def write_dump(pages: Iterable[tuple[str, str] | DumpPage], path: str | Path,
               timestamp: str = "2020-01-01T00:00:00Z", *, invent_ids: bool = True) -> int:
    """Write a MediaWiki export-0.10 dump of ``pages`` (``(title, wikitext)`` pairs, or
    :class:`DumpPage` for other namespaces, redirects and revisions) to ``path``: bz2 when
    it ends in ``.bz2``, gzip for ``.gz``, plain XML otherwise. Consecutive
    :class:`DumpPage` s of one title (and namespace) are the revisions of one ``<page>``, in
    the order given. Streams (``pages`` may be a generator). Characters XML cannot carry are
    dropped. A page or revision without an id gets a made-up one, unless ``invent_ids`` is
    false (a fixture of real revisions must not carry ids no wiki gave). Returns the number
    of pages."""
    path = Path(path)
    count = 0
    with _open(path, "wb") as raw:
        raw.write(b'<?xml version="1.0" encoding="utf-8"?>\n')
        raw.write(_HEADER.encode("utf-8"))
        previous: DumpPage | None = None
        for number, item in enumerate(pages, start=1):
            page = item if isinstance(item, DumpPage) else DumpPage(item[0], item[1])
            same_page = (previous is not None and isinstance(item, DumpPage)
                         and (page.title, page.ns) == (previous.title, previous.ns))
            if previous is not None and not same_page:
                raw.write(b"  </page>\n")
            if not same_page:
                count += 1
                page_id = page.page_id if page.page_id is not None else (number if invent_ids else None)
                redirect = f"    <redirect title={quoteattr(page.redirect)} />\n" if page.redirect is not None else ""
                raw.write((
                    "  <page>\n"
                    f"    <title>{escape(_INVALID_XML.sub('', page.title), _CR)}</title>\n"
                    f"    <ns>{page.ns}</ns>\n"
                    + (f"    <id>{page_id}</id>\n" if page_id is not None else "")
                    + redirect
                ).encode())
            raw.write(_revision_xml(page, number if invent_ids else None, timestamp).encode())
            previous = page
        if previous is not None:
            raw.write(b"  </page>\n")
        raw.write(b"</mediawiki>\n")
    return count


def _revision_xml(page: DumpPage, number: int | None, timestamp: str) -> str:
    text = _INVALID_XML.sub("", page.text)
    revision_id = page.revision_id if page.revision_id is not None else (
        1_000_000 + number if number is not None else None)
    return (
        "    <revision>\n"
        + (f"      <id>{revision_id}</id>\n" if revision_id is not None else "")
        + f"      <timestamp>{escape(page.timestamp or timestamp)}</timestamp>\n"
        "      <contributor><username>conflict-kg</username><id>0</id></contributor>\n"
        "      <model>wikitext</model>\n"
        "      <format>text/x-wiki</format>\n"
        f'      <text bytes="{len(text.encode("utf-8"))}" xml:space="preserve">{escape(text, _CR)}</text>\n'
        "    </revision>\n"
    )
