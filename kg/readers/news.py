"""Plain-text news articles: headline, body, date, publisher, live-page posts, boilerplate.

The body is the *whole* decoded (and, where needed, repaired) file text, headline included:
every offset a linker reports (``Mention.start``/``end``) and every span recorded here is an
offset into :attr:`Document.body`, so ``doc.body[start:end]`` is always the text it names.
Nothing is removed from the text; what must not be linked is recorded instead.

What the reader fills in:

- ``title``: the sidecar's or manifest's title when there is one, else the headline (first
  non-blank line; a generic live-page label such as ``Summary`` or ``Live updates`` is
  skipped, and the headline is then the next line). ``extra["headline"]`` keeps the line.
- ``published``: ISO ``YYYY-MM-DD``. Sources, first found wins: a sidecar beside the file
  (``NAME.json``/``NAME.yaml``/``NAME.yml``, or ``NAME.txt.json`` …, keys ``title``,
  ``published`` (or ``date``), ``publisher`` (or ``outlet``)); a manifest in the same folder
  (``MANIFEST_news.tsv`` or any ``MANIFEST*.tsv``: columns ``file``, ``title``, ``date``,
  ``outlet``); the text (``Date of publication 29 October 2016``, ``Sunday 30 Oct 2016``,
  ``November 4 2016``, ``Mon Oct 31 2016``, Daily Mail ``PUBLISHED: 17:26 GMT, 13 December
  2016``; a live page takes the date of its newest post); the file name (``…_2016-12-13_…``).
  ``extra["published_source"]`` says which (``sidecar``, ``manifest``, ``text``, ``filename``).
- ``extra["publisher"]``: from the sidecar, the manifest's outlet code (mapped to a name,
  :data:`OUTLETS`), or the file name prefix (``bbc_``, ``itv_``, ``dailymail_`` …).
- ``sections``: on a live page, one :class:`Section` per post (``level=2``, ``start`` = offset
  of the post title). BBC posts (``N. <title>published at HH:MM Greenwich Mean Time DD Month
  YYYY``) have their own timestamps; posts of pages without timestamps (ITV) are found from
  their title lines. ``extra["posts"]`` is a JSON list, one object per post, in page order:
  ``{"title", "start", "end", "published"}`` with ``published`` an ISO timestamp
  (``2016-12-15T08:49:00Z``, GMT) or ``null``.
- ``extra["excluded_spans"]``: a JSON list of ``[start, end]`` (sorted, merged) of
  boilerplate the linker must skip: embedded-content notices (``This Twitter post cannot be
  displayed in your browser…``, ``Skip twitter post``, ``Allow Twitter content?`` …), image
  credits (``Image source, Reuters``, ``Credit: REUTERS/Name``), ``Image caption,``,
  ``View more on twitter``, ``Load more updates``. ``extra["excluded_kinds"]`` counts them
  by kind (JSON object).
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.document import Document, Section, content_hash
from kg.readers.encoding import record_text_fixes, source_text
from kg.readers.errors import DocumentError
from kg.time import MONTH_PATTERN, checked_date, find_dates, month_number

#: Outlet codes (FA-KES manifest, file name prefixes) -> publisher names.
OUTLETS: dict[str, str] = {
    "bbc": "BBC News",
    "itv": "ITV News",
    "dailymail": "Daily Mail",
    "mailonline": "Daily Mail",
    "reuters": "Reuters",
    "afp": "Agence France-Presse",
    "ap": "Associated Press",
    "guardian": "The Guardian",
    "sana": "SANA",
    "alaraby": "The New Arab (Al-Araby Al-Jadeed)",
    "ahram": "Ahram Online",
    "arabiya": "Al Arabiya",
    "alarabiya": "Al Arabiya",
    "etilaf": "National Coalition of Syrian Revolution and Opposition Forces (etilaf.org)",
    "alalam": "Al-Alam",
    "aljazeera": "Al Jazeera",
}

#: First lines of live pages that are labels, not headlines.
LIVE_LABELS = {"summary", "live", "live updates", "live coverage", "live reporting", "key points",
               "latest updates", "as it happened", "live blog"}

_MONTH = MONTH_PATTERN
_DAY_NAME = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?,?"
_DATE_OF_PUBLICATION = re.compile(r"(?:Date of publication|Published(?: on)?|PUBLISHED)\s*:?\s*", re.IGNORECASE)
#: Daily Mail: ``PUBLISHED: 17:26 GMT, 13 December 2016 | UPDATED: …``
_DAILY_MAIL = re.compile(rf"PUBLISHED:\s*\d{{1,2}}:\d\d(?:\s*[AP]M)?\s*(?:GMT|EST|BST)?,?\s*(\d{{1,2}})\s+({_MONTH})\s+((?:19|20)\d\d)",
                         re.IGNORECASE)
#: BBC live page post header: ``  3. First evacuation 'scuttled'published at 08:06 Greenwich Mean Time 15 December 2016``
_BBC_POST = re.compile(
    rf"^[ \t]*(\d+)\.[ \t]+(?P<title>.*?)[ \t]*published at (?P<time>\d{{1,2}}:\d\d)[ \t]+(?P<zone>Greenwich Mean Time|GMT|British Summer Time|BST)"
    rf"[ \t]+(?P<day>\d{{1,2}})[ \t]+(?P<month>{_MONTH})[ \t]+(?P<year>\d{{4}})[ \t]*$",
    re.MULTILINE | re.IGNORECASE)

_EMBED = r"(?:Twitter|X|Facebook|Instagram|YouTube|TikTok|Google|external)"
#: (kind, pattern) of boilerplate, each match an excluded span.
BOILERPLATE: list[tuple[str, re.Pattern[str]]] = [
    ("embed-notice", re.compile(
        rf"This {_EMBED} (?:post|content|video) cannot be displayed in your browser\.(?: Please enable Javascript or try a different browser\.)?"
        rf"(?:View original content on {_EMBED})?", re.IGNORECASE)),
    ("embed-notice", re.compile(r"The BBC is not responsible for the content of external sites\.")),
    ("embed-notice", re.compile(rf"^[ \t]*(?:Skip|End of) {_EMBED} (?:post|content|video)(?: \d+)?[ \t]*$", re.IGNORECASE | re.MULTILINE)),
    ("embed-notice", re.compile(rf"^[ \t]*Allow {_EMBED} content\?[ \t]*$", re.IGNORECASE | re.MULTILINE)),
    ("embed-notice", re.compile(rf"^[ \t]*This article contains content provided by {_EMBED}\..*$", re.IGNORECASE | re.MULTILINE)),
    ("embed-notice", re.compile(rf"View (?:more|original content) on {_EMBED}", re.IGNORECASE)),
    ("image-credit", re.compile(r"Image source, [^\n]*")),
    ("image-credit", re.compile(r"Image caption,")),
    ("image-credit", re.compile(r"(?<![\w])Credit: [^\n]*")),
    ("image-credit", re.compile(r"\((?:AP|AFP|Reuters|EPA|Getty Images)\)")),
    ("page-chrome", re.compile(r"^[ \t]*(?:Load more updates|Play Video|Read [Aa]lso|Share this (?:post|article))[ \t]*$", re.MULTILINE)),
    ("page-chrome", re.compile(r"(?<=\S)\s*(?:Play Video|Read Also)\s*$")),
]


def read_news(path: str | Path) -> Document:
    """Read one plain-text news article.

    >>> doc = read_news("data/samples/dailymail_2016-12-13_aleppo_goodbye_messages.txt")
    >>> doc.kind, doc.title[:40], doc.published, doc.extra["publisher"]
    ('news', 'Civilians trapped inside Aleppo post emo', '2016-12-13', 'Daily Mail')
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(path), None, None, f"cannot read: {exc.strerror or exc}") from None
    decoded, repaired = source_text(str(path), raw)
    text = repaired.text
    if not text.strip():
        raise DocumentError(str(path), None, None, "empty news file")

    doc = Document(path=str(path), kind="news", title="", content_hash=content_hash(raw), body=text)
    record_text_fixes(doc, decoded, repaired)

    headline, label = find_headline(text)
    doc.extra["headline"] = headline
    if label:
        doc.extra["page_label"] = label

    posts = split_posts(text, live=bool(label))
    if posts:
        doc.sections = [Section(post["title"], 2, post["start"]) for post in posts]
        doc.extra["posts"] = json.dumps(posts, ensure_ascii=False)

    excluded, kinds = boilerplate_spans(text)
    doc.extra["excluded_spans"] = json.dumps(excluded)
    if kinds:
        doc.extra["excluded_kinds"] = json.dumps(kinds, sort_keys=True)

    meta = sidecar_metadata(path, doc)
    manifest = manifest_entry(path)
    title = meta.get("title") or manifest.get("title") or headline or path.stem
    doc.title = " ".join(str(title).split())

    published, source = None, None
    for candidate, origin in ((meta.get("published"), "sidecar"), (manifest.get("date"), "manifest")):
        if candidate:
            published = iso_date(str(candidate))
            if published is None:
                doc.warn("unparsed-date", "published", str(candidate), f"{origin} date is not a date")
            else:
                source = origin
                break
    if published is None:
        published = text_date(text, posts)
        source = "text" if published else None
    if published is None:
        in_name = _first_date(path.name)
        if in_name:
            published, source = in_name[1], "filename"
    if published:
        doc.published = published
        doc.extra["published_source"] = source or "text"
    else:
        doc.warn("no-date", "published", path.name, "no publication date in the text, a sidecar, a manifest or the file name")

    publisher = meta.get("publisher") or _outlet_name(manifest.get("outlet")) or _publisher_from_name(path.name)
    if publisher:
        doc.extra["publisher"] = str(publisher)
    return doc


# --- headline and posts -------------------------------------------------------------------
def find_headline(text: str) -> tuple[str, str | None]:
    """The headline and, when the first line is a live-page label, that label.

    >>> find_headline("Live updates\\n\\nThousands flee\\n\\nText.")
    ('Thousands flee', 'Live updates')
    >>> find_headline("Syria rebels battle\\n\\nDate of publication …")
    ('Syria rebels battle', None)
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "", None
    first = lines[0]
    if first.lower().rstrip(":") in LIVE_LABELS:
        for line in lines[1:]:
            candidate = line.lstrip("•*-–· \t").strip()
            if candidate and not _BBC_POST.match(line):
                return candidate, first
        return first, first
    return first, None


def split_posts(text: str, *, live: bool = False) -> list[dict[str, Any]]:
    """The posts of a live page, in page order: ``{"title", "start", "end", "published"}``.

    BBC-style headers carry a timestamp; a page whose first line is a live label (``live``)
    but has no such headers is split at its post-title lines (short lines standing alone,
    without final punctuation, followed by text).
    """
    posts: list[dict[str, Any]] = []
    for match in _BBC_POST.finditer(text):
        day = checked_date(int(match["year"]), month_number(match["month"]) or 0, int(match["day"]))
        hour, minute = (int(x) for x in match["time"].split(":"))
        stamp = None
        if day is not None and day.month and day.day and hour < 24 and minute < 60:
            moment = _dt.datetime(day.year, day.month, day.day, hour, minute)
            if match["zone"].lower() in ("british summer time", "bst"):
                moment -= _dt.timedelta(hours=1)
            stamp = moment.strftime("%Y-%m-%dT%H:%M:00Z")
        posts.append({"title": match["title"].strip(), "start": match.start("title"), "end": None, "published": stamp})
    if not posts and live:
        posts = _title_line_posts(text)
    for index, post in enumerate(posts):
        post["end"] = posts[index + 1]["start"] if index + 1 < len(posts) else len(text)
    return posts


_LINE = re.compile(r"[^\n]*(?:\n|$)")


def _title_line_posts(text: str) -> list[dict[str, Any]]:
    lines = [(m.start(), m.group().rstrip("\r\n")) for m in _LINE.finditer(text) if m.group()]
    posts: list[dict[str, Any]] = []
    for index, (start, line) in enumerate(lines):
        stripped = line.strip()
        if index == 0 or not stripped:
            continue
        before = lines[index - 1][1].strip()
        after = next((candidate.strip() for _, candidate in lines[index + 1:] if candidate.strip()), "")
        if before or not after or (index + 1 < len(lines) and lines[index + 1][1].strip()):
            continue
        if not _looks_like_title(stripped):
            continue
        offset = start + (len(line) - len(line.lstrip()))
        posts.append({"title": stripped, "start": offset, "end": None, "published": None})
    return posts


def _looks_like_title(line: str) -> bool:
    words = line.split()
    if not 3 <= len(words) <= 16 or len(line) > 110:
        return False
    if line[-1] in ".?!:;,\"'”’)…" or "Credit:" in line or "Image source" in line:
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "'‘\""):
        return False
    return not any(pattern.search(line) for _, pattern in BOILERPLATE)


# --- boilerplate --------------------------------------------------------------------------
def boilerplate_spans(text: str) -> tuple[list[list[int]], dict[str, int]]:
    """Sorted, merged ``[start, end]`` spans of boilerplate, and a count per kind.

    >>> spans, kinds = boilerplate_spans("A man in Aleppo.Image source, Reuters\\nMore text")
    >>> spans, kinds
    ([[16, 37]], {'image-credit': 1})
    """
    spans: list[tuple[int, int]] = []
    kinds: dict[str, int] = {}
    for kind, pattern in BOILERPLATE:
        for match in pattern.finditer(text):
            start, end = match.span()
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append((start, end))
                kinds[kind] = kinds.get(kind, 0) + 1
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged, kinds


def excluded_spans(doc: Document) -> list[tuple[int, int]]:
    """The excluded spans recorded by :func:`read_news` (empty for other documents)."""
    raw = doc.extra.get("excluded_spans")
    if not raw:
        return []
    return [(int(start), int(end)) for start, end in json.loads(raw)]


def posts_of(doc: Document) -> list[dict[str, Any]]:
    """The posts recorded by :func:`read_news` (empty for a page without posts)."""
    raw = doc.extra.get("posts")
    return json.loads(raw) if raw else []


# --- dates (read by kg.time) ---------------------------------------------------------------
def iso_date(text: str) -> str | None:
    """An ISO date (or timestamp, kept as given) from a date written in any usual way.

    >>> iso_date("29 October 2016"), iso_date("2016-12-03"), iso_date("Nov 4, 2016")
    ('2016-10-29', '2016-12-03', '2016-11-04')
    >>> iso_date("2016-12-15T08:49:00Z"), iso_date("soon")
    ('2016-12-15T08:49:00Z', None)
    """
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", text):
        return text if checked_date(int(text[:4]), int(text[5:7]), int(text[8:10])) else None
    found = _first_date(text)
    return found[1] if found else None


def _first_date(text: str) -> tuple[int, str] | None:
    """The earliest day-precise date written in ``text``: (offset, ISO date)."""
    found = find_dates(text)
    return (found[0].start, found[0].date.iso()) if found else None


def text_date(text: str, posts: list[dict[str, Any]] | None = None) -> str | None:
    """The publication date written in the article: the newest post of a live page, a
    Daily Mail ``PUBLISHED:`` line, a ``Date of publication`` phrase, or the first date
    near the top (first 400 characters after the headline).

    >>> text_date("Syria rebels\\n\\nDate of publication 29 October 2016 Fresh fighting")
    '2016-10-29'
    >>> text_date("Title\\n\\nMon Oct 31 2016 Over 50 killed")
    '2016-10-31'
    """
    stamps = [post["published"] for post in posts or [] if post.get("published")]
    if stamps:
        return max(stamps)[:10]
    match = _DAILY_MAIL.search(text)
    if match:
        day = checked_date(int(match[3]), month_number(match[2]) or 0, int(match[1]))
        if day is not None:
            return day.iso()
    marker = _DATE_OF_PUBLICATION.search(text[:2000])
    if marker:
        found = _first_date(text[marker.end(): marker.end() + 60])
        if found:
            return found[1]
    first_break = text.find("\n")
    head = text[first_break + 1 if first_break >= 0 else 0:][:400]
    found = _first_date(head)
    return found[1] if found else None


# --- sidecars and manifests ---------------------------------------------------------------
_SIDECAR_KEYS = {
    "title": ("title", "headline"),
    "published": ("published", "date", "datePublished", "date_published", "published_at"),
    "publisher": ("publisher", "outlet", "source", "site"),
}


def sidecar_metadata(path: Path, doc: Document | None = None) -> dict[str, str]:
    """``title``/``published``/``publisher`` from ``NAME.json``/``.yaml``/``.yml`` (or
    ``NAME.txt.json`` …) beside the file; empty when there is none."""
    for candidate in (path.with_suffix(ext) for ext in (".json", ".yaml", ".yml")):
        found = _read_sidecar(candidate, doc)
        if found is not None:
            return found
    for candidate in (path.with_name(path.name + ext) for ext in (".json", ".yaml", ".yml")):
        found = _read_sidecar(candidate, doc)
        if found is not None:
            return found
    return {}


def _read_sidecar(candidate: Path, doc: Document | None) -> dict[str, str] | None:
    if not candidate.is_file():
        return None
    try:
        raw_text = candidate.read_text(encoding="utf-8-sig")
        if candidate.suffix == ".json":
            data = json.loads(raw_text)
        else:
            import yaml

            data = yaml.safe_load(raw_text)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        if doc is not None:
            doc.warn("bad-sidecar", None, candidate.name, f"sidecar not readable: {exc}")
        return {}
    except Exception as exc:  # noqa: BLE001 - YAML errors: report, never fail the article
        if doc is not None:
            doc.warn("bad-sidecar", None, candidate.name, f"sidecar not readable: {exc}")
        return {}
    if not isinstance(data, dict):
        if doc is not None:
            doc.warn("bad-sidecar", None, candidate.name, "sidecar is not a mapping")
        return {}
    result: dict[str, str] = {}
    for key, names in _SIDECAR_KEYS.items():
        for name in names:
            value = data.get(name)
            if isinstance(value, (_dt.date, _dt.datetime)):
                value = value.isoformat()
            if isinstance(value, dict):  # schema.org style {"name": ...}
                value = value.get("name")
            if value not in (None, ""):
                result[key] = str(value)
                break
    return result


def manifest_entry(path: Path) -> dict[str, str]:
    """The row for this file in a manifest of its folder (``MANIFEST_news.tsv`` first, then
    any ``MANIFEST*.tsv``), keyed by column name; empty when there is none."""
    folder = path.parent
    manifests = sorted(folder.glob("MANIFEST*.tsv"), key=lambda p: (p.name != "MANIFEST_news.tsv", p.name))
    for manifest in manifests:
        try:
            stamp = manifest.stat().st_mtime_ns
        except OSError:
            continue
        row = _manifest_rows(str(manifest), stamp).get(path.name)
        if row:
            return row
    return {}


@lru_cache(maxsize=32)
def _manifest_rows(manifest: str, stamp: int) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    try:
        with open(manifest, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            for row in reader:
                name = (row.get("file") or row.get("path") or "").strip()
                if name:
                    rows[Path(name).name] = {k.strip(): (v or "").strip() for k, v in row.items() if k}
    except (OSError, csv.Error, UnicodeDecodeError):
        return {}
    return rows


def _outlet_name(code: str | None) -> str | None:
    if not code:
        return None
    return OUTLETS.get(code.strip().lower(), code.strip())


def _publisher_from_name(name: str) -> str | None:
    prefix = re.split(r"[_\-. ]", name.lower(), maxsplit=1)[0]
    return OUTLETS.get(prefix)


__all__ = ["OUTLETS", "boilerplate_spans", "excluded_spans", "find_headline", "iso_date", "manifest_entry",
           "posts_of", "read_news", "sidecar_metadata", "split_posts", "text_date"]
