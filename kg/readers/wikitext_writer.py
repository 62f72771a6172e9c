"""Documents back to wikitext: the inverse of :mod:`kg.readers.wikitext` for our fields.

:func:`infobox_to_wikitext` writes an :class:`~kg.document.Infobox` as
``{{Infobox military conflict | name = value …}}`` and :func:`document_to_wikitext` a whole
:class:`~kg.document.Document` (short description, infobox, body), such that reading the
result with :func:`kg.readers.wikitext.document_from_wikitext` gives back fields with the
same text and links, hence the same records and the same graph. The benchmark generator
(``benchmarks/generate_corpus.py``) uses it to turn the wtf_wikipedia corpus into a dump.

How a field is written (each choice is what the wikitext reader reads back unchanged):

* **links** are placed at their anchors (:func:`kg.infobox.text.locate_links`):
  ``[[page|anchor]]``, or ``[[page]]`` when there is no separate anchor text. A link
  followed by a lower-case letter gets ``<nowiki/>`` after it, else the reader would take
  the letters as a link trail. A link the reader would not keep as a link (``File:``,
  ``Category:``, ``Template:``, interwiki, ``#section``) is written as its anchor text.
  A link whose anchor is not in the text (:func:`locate_links` leaves it *unplaced*)
  cannot be written: wikitext has no link without visible text.
* **bold/italic runs** (``formatting``) become ``'''…'''`` / ``''…''`` at the first free
  occurrence of the run; a run that crosses a line or half of a link is left out (its text
  stays, only the mark is lost).
* **newlines** stay raw newlines: the reader keeps them (one entry per line), and ``*``/``#``
  bullets at line starts come back as written. ``<br>`` would do too, but a raw newline is
  what the reader gives back verbatim, also next to a blank line.
* **special characters** that would change the parse are written as HTML entities, which
  the reader decodes: ``&`` ``<`` ``>`` ``[`` ``]`` ``{`` ``}`` ``|`` ``=`` ``'`` always;
  ``:``/``;`` at a line start (else a definition list, dropped) and in ``://`` (else a bare
  URL, dropped in fields); ``-`` of a ``----`` line (a rule). Entities are simpler and
  cheaper to parse than ``{{!}}`` or ``<nowiki>``.

What cannot come back (the reader normalises it): runs of spaces and blanks at line ends
(folded/stripped), three or more newlines (two), wiki quote runs ``''`` inside the text,
empty parentheses ``()``, underscores in link targets (spaces), and empty fields (not
written). :data:`LOSSES` names them; the round-trip test lists the corpus articles
concerned.

The body (markdown as wtf_wikipedia writes it) is converted line by line: ``## H`` ->
``== H ==``, ``[x](./Page)`` -> ``[[Page|x]]``, ``[x](https://…)`` -> ``[https://… x]``,
``**b**`` -> ``'''b'''``, ``*i*`` -> ``''i''``, images -> ``[[File:…|thumb|caption]]``; the
leading markdown table (wtf's rendering of the infobox) is dropped, the infobox being the
template.

>>> from kg.document import Field, Infobox, Link
>>> box = Infobox({"combatant1": Field("combatant1", "Syria\\n* Syrian Army", [Link("Syria"),
...               Link("Syrian Arab Army", "Syrian Army")], {"bold": ["Syria"]})})
>>> print(infobox_to_wikitext(box, "Battle of X"))
{{Infobox military conflict
| combatant1 = '''[[Syria]]'''
* [[Syrian Arab Army|Syrian Army]]
}}
>>> from kg.readers.wikitext import wikitext_field
>>> f = wikitext_field("combatant1", "'''[[Syria]]'''\\n* [[Syrian Arab Army|Syrian Army]]")
>>> f.text, f.links == box.fields["combatant1"].links, f.bold
('Syria\\n* Syrian Army', True, ['Syria'])
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from kg.document import Document, Field, Infobox
from kg.infobox.text import locate_links
from kg.readers.wtf_markdown import leading_table_end

__all__ = ["LOSSES", "document_to_wikitext", "escape_text", "field_to_wikitext", "infobox_to_wikitext",
           "markdown_to_wikitext"]

#: What the wikitext reader normalises, so that a field cannot come back exactly.
LOSSES = {
    "spaces": "runs of spaces, blanks at line ends and non-breaking spaces are folded",
    "blank-lines": "three or more newlines become two",
    "quote-run": "a wiki quote run ('' or ''') in the text is removed",
    "empty-parens": "empty parentheses are removed",
    "page-underscore": "underscores in a link target become spaces",
    "unplaced-link": "a link whose anchor is not in the text cannot be written",
    "non-entity-link": "a link to File:/Category:/Template:/interwiki/#section is read as text",
    "empty-field": "a field without text and links is not written (the reader skips it)",
}

CONFLICT_TEMPLATE = "Infobox military conflict"

_ENTITIES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;", "{": "&#123;",
    "}": "&#125;", "|": "&#124;", "=": "&#61;", "'": "&#39;",
}
_SPECIAL = re.compile("[&<>\\[\\]{}|=']")
_LINE_START = re.compile(r"(?:^|(?<=\n))(?:([:;])|-(?=---))")     # ; : start a definition list
_AFTER_NEWLINE = re.compile(r"(?<=\n)(?:([:;])|-(?=---))")          # ---- is a rule
_LINE_START_ENTITIES = {":": "&#58;", ";": "&#59;"}
_NON_ENTITY_PREFIXES = (
    "file:", "image:", "media:", "category:", "wikipedia:", "wp:", "help:", "portal:", "template:",
    "user:", "talk:", "special:", "module:", "draft:", "mediawiki:", "user talk:", "template talk:",
    "wikipedia talk:",
)
_INTERWIKI = {
    "wikt", "wiktionary", "s", "wikisource", "commons", "c", "d", "wikidata", "w", "wikipedia", "q",
    "wikiquote", "b", "wikibooks", "n", "wikinews", "voy", "wikivoyage", "species", "mw", "meta", "m",
    "v", "wikiversity", "oldwikisource",
}
_INTERLANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z]{2,8})?$")


def escape_text(text: str, at_line_start: bool = True) -> str:
    """Text as wikitext that renders to exactly this text (see the module doc);
    ``at_line_start``: whether ``text`` starts a line of the page.

    >>> escape_text("a | b = c [[d]] {{e}} <ref> O'Brien")
    'a &#124; b &#61; c &#91;&#91;d&#93;&#93; &#123;&#123;e&#125;&#125; &lt;ref&gt; O&#39;Brien'
    >>> escape_text(":x\\n;y\\n----\\nhttp://z")
    '&#58;x\\n&#59;y\\n&#45;---\\nhttp&#58;//z'
    >>> escape_text(":x\\n:y", at_line_start=False)
    ':x\\n&#58;y'
    """
    if not text:
        return text
    out = _SPECIAL.sub(lambda m: _ENTITIES[m.group()], text)
    if "://" in out:
        out = out.replace("://", "&#58;//")
    return (_LINE_START if at_line_start else _AFTER_NEWLINE).sub(_line_start_entity, out)


def _line_start_entity(match: re.Match[str]) -> str:
    return _LINE_START_ENTITIES[match.group(1)] if match.group(1) else "&#45;"


def _is_entity_page(page: str) -> bool:
    """Whether the wikitext reader keeps ``[[page|…]]`` as a link to an entity."""
    title = page.strip().lstrip(":").strip()
    lowered = title.lower()
    if not title or title.startswith("#") or lowered.startswith(_NON_ENTITY_PREFIXES):
        return False
    prefix = lowered.split(":", 1)[0] if ":" in lowered else ""
    if prefix and (prefix in _INTERWIKI or _INTERLANGUAGE.match(prefix)):
        return False
    return not any(char in page for char in "[]{}|<>\n")


def _find_run(text: str, run: str, cursor: int, taken: list[tuple[int, int]]) -> int:
    position = cursor
    while True:
        index = text.find(run, position)
        if index < 0:
            return -1
        end = index + len(run)
        if not any(index < t_end and end > t_start for t_start, t_end in taken):
            return index
        position = index + 1


def _crosses(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Overlapping without one containing the other."""
    overlap = start < other_end and end > other_start
    nested = (start <= other_start and other_end <= end) or (other_start <= start and end <= other_end)
    return overlap and not nested


def _formatting_spans(field: Field, links: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``(start, end, style)`` of the formatting runs that can be marked: found in the text,
    on one line, not cutting a link in half, nested (not crossing) with the other runs."""
    spans: list[tuple[int, int, str]] = []
    text = field.text
    for style in ("bold", "italic"):
        cursor = 0
        taken: list[tuple[int, int]] = []
        for run in field.formatting.get(style, []):
            run = run.strip()
            if not run or "\n" in run:
                continue
            start = _find_run(text, run, cursor, taken)
            if start < 0:
                start = _find_run(text, run, 0, taken)
            if start < 0:
                continue
            end = start + len(run)
            if any(_crosses(start, end, a, b) for a, b in links) or any(
                    _crosses(start, end, a, b) or (start, end) == (a, b) for a, b, _ in spans):
                continue
            spans.append((start, end, style))
            taken.append((start, end))
            cursor = end
    return spans


_MARK = {"bold": "'''", "italic": "''"}


def field_to_wikitext(field: Field) -> str:
    """The value of one infobox parameter (see the module doc).

    >>> from kg.document import Field, Link
    >>> field_to_wikitext(Field("place", "Al-Husn, Homs Governorate, Syria",
    ...     [Link("Al-Husn, Syria", "Al-Husn"), Link("Homs Governorate"), Link("Syria")]))
    '[[Al-Husn, Syria|Al-Husn]], [[Homs Governorate]], [[Syria]]'
    >>> print(field_to_wikitext(Field("c", "Iran and Iraqis", [Link("Iran", "Iran"), Link("Iraq", "Iraq")], {"bold": ["Iran and"]})))
    '''[[Iran]] and''' Iraqis
    """
    text = field.text
    located, _unplaced = locate_links(field)
    formats = _formatting_spans(field, [(item.start, item.end) for item in located])
    # (offset, 0 close / 1 open, nesting key, tie, markup, bare): at one offset closings
    # (innermost first) come before openings (outermost first), so formatting inside a
    # link's anchor stays inside its brackets.
    events: list[tuple[int, int, int, int, str, bool]] = []
    for item in located:
        if not _is_entity_page(item.link.page):
            continue                        # the reader would keep only the anchor text
        anchor = text[item.start:item.end]
        page = item.link.page
        bare = (anchor == page and "_" not in page and "  " not in page and page == page.strip()
                and escape_text(anchor, False) == anchor
                and not any(item.start <= a < b <= item.end and (a, b) != (item.start, item.end)
                            for a, b, _ in formats))
        closing = "]]"
        if item.end < len(text) and text[item.end].isalpha() and text[item.end].islower():
            closing += "<nowiki/>"          # not a link trail
        if bare:                             # [[Page]]: the anchor is the page itself
            events.append((item.start, 1, -item.end, 1, f"[[{page}{closing}", True))
            continue
        events.append((item.start, 1, -item.end, 1, f"[[{page}|", False))
        events.append((item.end, 0, -item.start, 0, closing, False))
    for start, end, style in formats:
        events.append((start, 1, -end, 0, _MARK[style], False))
        events.append((end, 0, -start, 1, _MARK[style], False))
    # closings: the one opened last first; openings: the longest first; for one span, the
    # formatting outside the link ('''[[Syria]]''')
    events.sort(key=lambda e: e[:4])
    out: list[str] = []
    position = 0
    for offset, _kind, key, _tie, markup, bare in events:
        if offset > position:
            out.append(escape_text(text[position:offset], position == 0 or text[position - 1] == "\n"))
            position = offset
        if markup[:1] == "'" and out and out[-1][-1:] == "'":
            out.append("<nowiki/>")         # '''a''''' would be misread
        out.append(markup)
        if bare:
            position = -key                 # the link wrote its anchor itself
    if position < len(text):
        out.append(escape_text(text[position:], position == 0 or text[position - 1] == "\n"))
    return "".join(out)


def infobox_to_wikitext(infobox: Infobox, title: str = "") -> str:
    """``{{Infobox military conflict | name = value …}}``, one parameter a line. An infobox
    that is not a conflict infobox (wtf_wikipedia drops template names; the fields decide,
    see :attr:`Infobox.is_military_conflict`) keeps its own template name, or is written as
    ``{{Infobox}}``, so that the reader does not take it for one. ``title`` (the page) only
    names the page in the comment of an infobox without fields."""
    if infobox.template:
        name = infobox.template
    elif infobox.is_military_conflict:
        name = CONFLICT_TEMPLATE
    else:
        name = "Infobox"
    lines = ["{{" + name]
    for field_name, field in infobox.fields.items():
        if not field.text and not field.links:
            continue
        lines.append(f"| {field_name} = {field_to_wikitext(field)}")
    if len(lines) == 1 and title:
        lines.append(f"<!-- no fields in the infobox of {title.replace('--', '- -')} -->")
    lines.append("}}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# body

_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\[\]\n]*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
_MD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_MD_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_MD_NUMBERED = re.compile(r"^\d+\.[ \t]+")
_PLACEHOLDER = re.compile("\x02(\\d+)\x03")


def markdown_to_wikitext(body: str) -> str:
    """wtf_wikipedia's markdown body as wikitext (see the module doc).

    >>> print(markdown_to_wikitext("The **Battle** of [Hosn](./Al-Husn,_Syria).\\n## See also\\n* [x](https://a.b/c)"))
    The '''Battle''' of [[Al-Husn, Syria|Hosn]].
    == See also ==
    * [https://a.b/c x]
    <BLANKLINE>
    """
    body = body[leading_table_end(body):]
    lines = []
    for line in body.split("\n"):
        heading = _MD_HEADING.match(line)
        if heading:
            marks = "=" * len(heading.group(1))
            lines.append(f"{marks} {_inline(heading.group(2), False)} {marks}")
            continue
        prefix = ""
        stripped = line.lstrip()
        if stripped.startswith(("* ", "- ")) and not stripped.startswith("**"):
            prefix, line = "* ", stripped[2:]
        elif _MD_NUMBERED.match(stripped):
            prefix, line = "# ", _MD_NUMBERED.sub("", stripped)
        lines.append(prefix + _inline(line, at_line_start=not prefix))
    return "\n".join(lines).strip("\n") + "\n"


def _inline(line: str, at_line_start: bool = True) -> str:
    pieces: list[str] = []

    def keep(markup: str) -> str:
        pieces.append(markup)
        return f"\x02{len(pieces) - 1}\x03"

    def image(match: re.Match[str]) -> str:
        name = unquote(match.group(2).rsplit("/", 1)[-1].split("?", 1)[0]).replace("_", " ")
        if not name or any(char in name for char in "[]{}|<>"):
            return ""
        return keep(f"[[File:{name}|thumb|{escape_text(match.group(1), False)}]]")

    def link(match: re.Match[str]) -> str:
        anchor, target = match.group(1), match.group(2)
        if target.startswith("./"):
            page = unquote(target[2:]).replace("_", " ")
            if not anchor.strip() or not _is_entity_page(page):
                return keep(escape_text(anchor, False))
            return keep(f"[[{page}|{escape_text(anchor, False)}]]")
        if re.match(r"^[a-z][a-z0-9+.-]*://[^\s\[\]<>\"]+$", target, re.IGNORECASE):
            return keep(f"[{target} {escape_text(anchor, False)}]" if anchor.strip() else f"[{target}]")
        return keep(escape_text(anchor, False))

    line = _MD_IMAGE.sub(image, line)
    line = _MD_LINK.sub(link, line)
    line = _MD_BOLD.sub(lambda m: keep("\'\'\'") + m.group(1) + keep("\'\'\'"), line)
    line = _MD_ITALIC.sub(lambda m: keep("\'\'") + m.group(1) + keep("\'\'"), line)
    escaped = escape_text(line.lstrip() if at_line_start else line, at_line_start)
    if at_line_start and escaped[:1] in ("*", "#"):
        escaped = {"*": "&#42;", "#": "&#35;"}[escaped[0]] + escaped[1:]
    return _PLACEHOLDER.sub(lambda m: pieces[int(m.group(1))], escaped)


def document_to_wikitext(doc: Document) -> str:
    """The page of ``doc``: ``{{Short description|…}}``, its infoboxes, then the body.

    >>> from kg.readers import read_document
    >>> from kg.readers.wikitext import document_from_wikitext
    >>> from kg.infobox import parse_conflict
    >>> from dataclasses import asdict
    >>> doc = read_document("data/wikipedia/syria/battle_of_hosn.md")
    >>> back = document_from_wikitext(document_to_wikitext(doc), "x.wiki", doc.title)
    >>> asdict(parse_conflict(back)) == asdict(parse_conflict(doc)), back.short_description
    (True, 'Battle of the Syrian Civil War')
    """
    parts = []
    if doc.short_description:
        parts.append("{{Short description|1=" + escape_text(doc.short_description.replace("\n", " ")) + "}}")
    for box in doc.infoboxes:
        parts.append(infobox_to_wikitext(box, doc.title))
    parts.append(markdown_to_wikitext(doc.body) if doc.body.strip() else "")
    return "\n".join(parts)
