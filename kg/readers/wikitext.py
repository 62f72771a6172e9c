"""Reader for raw MediaWiki wikitext (``.wiki``, ``.wikitext``), parsed with mwparserfromhell.

The page is parsed once. Every ``{{Infobox military conflict}}`` (any capitalisation,
underscores or spaces; also ``Infobox war``/``Infobox battle``/``Military conflict`` and the
module form ``{{#invoke:Infobox military conflict|main|…}}``) becomes an
:class:`~kg.document.Infobox` whose fields are rendered with the SAME conventions as the
wtf_wikipedia reader (:mod:`kg.readers.wtf_markdown`), so that the field parsers of
:mod:`kg.infobox` serve both:

* ``text`` is the rendered field: wiki markup gone, one entry per line, ``*``/``**``
  bullets kept at line starts, ``'''bold'''``/``''italic''`` marks removed from the text
  and listed as runs in ``formatting`` (``{"bold": [...], "italic": [...]}``).
* ``links`` are the wiki links in text order: ``[[Page|anchor]]`` -> ``Link(page, anchor)``
  and ``[[Page]]`` -> ``Link(page)`` (``text`` only when the anchor differs from the page;
  a link trail is part of the anchor: ``[[trireme]]s`` -> ``triremes``).
* Flag templates give a flag emoji before the name, as wtf_wikipedia does, but for the
  right country: ``{{flag|Syria}}`` and ``{{flagcountry|Syria}}`` -> ``🇸🇾 Syria`` with
  ``Link("Syria", "🇸🇾")`` and ``Link("Syria")``; ``{{flagicon|Syria}}`` -> ``🇸🇾`` with
  ``Link("Syria", "🇸🇾")``; ``{{flagdeco|Syria}}`` -> an unlinked ``🇸🇾``. A country with
  no flag emoji (``Kingdom of France``, ``CSA``) gives its name (linked) for ``flag``/
  ``flagcountry``, and nothing for the icon-only templates (warning ``unknown-flag``).
* What wtf_wikipedia loses is kept: ``{{KIA}}``/``{{DOW}}`` -> `` †`` after the name;
  ``{{POW}}``/``{{WIA}}``/``{{MIA}}`` -> ``(POW)``…; ``{{coord}}`` with minutes/seconds
  -> ``36°13′N 37°10′E`` (real hemispheres), with decimal degrees -> signed decimals
  ``39.811°, -77.225°`` (no letters: the coordinate parser reads letters after decimals
  as wtf_wikipedia's meaningless ones).
* Lists (``{{plainlist}}``/``{{flatlist}}`` with their top bullet level removed,
  ``{{ubl}}``/``{{unbulleted list}}``/``{{hlist}}``/``{{collapsible list}}`` items,
  ``<br>``) -> one entry per line; a rule (``<hr>``, ``----``) -> a blank line (a new
  group, as in ``combatant2`` … ``<hr>`` … Stanley family); ``{{circa}}``/``{{c.}}`` -> ``c. ``;
  ``{{convert|5|km}}`` -> ``5 km``; ``{{nowrap}}``, ``{{small}}``, ``{{lang|ar|…}}`` … ->
  their text; ``[http://… label]`` -> ``label``.
* Removed: references (``<ref>``, ``{{efn}}``, ``{{sfn}}``, ``{{cite …}}``, ``{{refn}}``),
  comments, maintenance templates (``{{citation needed}}`` …), ``File:``/``Image:`` links
  (never their file names), categories and interlanguage links. An unknown template
  degrades to its first positional parameter, or to nothing, with a ``template-dropped``
  warning (once per template and field). Nothing here raises on odd wikitext.

The body (the whole page with the infoboxes and non-content templates rendered away)
becomes markdown-ish text: ``== X ==`` -> ``## X``, links -> ``[anchor](./Page_Title)``,
bold -> ``**x**``; sections and body links are then found with the wtf reader's own
:func:`~kg.readers.wtf_markdown.find_sections` and
:func:`~kg.readers.wtf_markdown.find_body_links`.

An infobox without ``coordinates`` takes the page's title coordinates
(``{{coord|…|display=title}}`` elsewhere on the page; warning ``coordinates-from-page``).
A page without a conflict infobox gives a Document with no infoboxes. The title comes from
the file name (underscores -> spaces; a ``__suffix`` is dropped:
``Battle_of_Marathon__infobox_only.wiki`` -> ``Battle of Marathon``) or, for dump pages,
from the page title (:mod:`kg.readers.dump`).

>>> f = wikitext_field("commander1", "[[Miltiades]]<br />[[Callimachus (polemarch)|Callimachus]]{{KIA}}")
>>> f.text, f.links
('Miltiades\\nCallimachus †', [Link(page='Miltiades', text=None, type='internal'), Link(page='Callimachus (polemarch)', text='Callimachus', type='internal')])
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import mwparserfromhell
import pycountry
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from kg.document import Document, Field, Infobox, Link, ReadWarning, content_hash
from kg.infobox.flags import flag_title
from kg.readers.encoding import record_text_fixes, source_text
from kg.readers.wtf_markdown import find_body_links, find_sections

__all__ = [
    "CONFLICT_TEMPLATES",
    "country_flag",
    "document_from_wikitext",
    "find_conflict_infoboxes",
    "has_conflict_infobox",
    "read_wikitext",
    "template_key",
    "title_from_path",
    "wikitext_field",
]

#: Normalised names of the templates that are ``{{Infobox military conflict}}``.
CONFLICT_TEMPLATES = frozenset({
    "infobox military conflict", "military conflict", "infobox war", "infobox battle",
})
#: The name recorded in :attr:`Infobox.template` for every conflict infobox.
CONFLICT_TEMPLATE_NAME = "Infobox military conflict"

#: A quick test for a conflict infobox in raw text, before any parsing (dumps use it to
#: skip the other pages cheaply). Loose on purpose: the parse decides.
CONFLICT_HINT = re.compile(
    r"\{\{\s*(?:template\s*:\s*)?(?:infobox[ _]+(?:military[ _]+conflict|war|battle)|military[ _]+conflict)\s*(?:[|}<\n]|$)"
    r"|#invoke\s*:\s*infobox[ _]+military[ _]+conflict",
    re.IGNORECASE,
)

_BR = "\x00"          # a soft line break: merges with a real newline next to it
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_QUOTE_RUN = re.compile(r"'{2,}")
_EMPTY_PARENS = re.compile(r"\(\s*[,;]?\s*\)")
_PAREN_SPACE = re.compile(r"(?<=\()[ \t]+|[ \t]+(?=\))")
#: An HTML tag that the parser left as text (unbalanced ``<small>``, stray ``</div>``).
_STRAY_TAG = re.compile(
    r"</?(?:div|span|small|big|center|p|font|sup|sub|b|i|u|s|br|hr|ref|references|li|ul|ol|"
    r"table|tr|td|th|abbr|em|strong|blockquote|poem|nowiki|onlyinclude|includeonly|noinclude|"
    r"section|code|tt|del|ins|cite|q|mark)\b[^<>]*/?>",
    re.IGNORECASE,
)
_LINK_TRAIL = re.compile(r"[a-z]+")
_FILE_PREFIXES = ("file:", "image:", "media:")
_HIDDEN_PREFIXES = ("category:",)
_NAMESPACE_PREFIXES = (
    "wikipedia:", "wp:", "help:", "portal:", "template:", "user:", "talk:", "special:",
    "module:", "draft:", "mediawiki:", "user talk:", "template talk:", "wikipedia talk:",
)
_INTERWIKI = {
    "wikt", "wiktionary", "s", "wikisource", "commons", "c", "d", "wikidata", "w",
    "wikipedia", "q", "wikiquote", "b", "wikibooks", "n", "wikinews", "voy", "wikivoyage",
    "species", "mw", "meta", "m", "v", "wikiversity", "oldwikisource",
}
_INTERLANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z]{2,8})?$")


# ---------------------------------------------------------------------------------------
# names


def template_key(name: object) -> str:
    """A template name as a lookup key: comments dropped, ``Template:`` prefix and
    underscores removed, spaces folded, lower case.

    >>> template_key(" Infobox_military  Conflict <!-- x -->\\n"), template_key("Template:KIA")
    ('infobox military conflict', 'kia')
    """
    if isinstance(name, Wikicode):
        text = "".join(str(node) for node in name.nodes if not isinstance(node, Comment))
    else:
        text = re.sub(r"<!--.*?(?:-->|$)", "", str(name), flags=re.DOTALL)
    text = _SPACES.sub(" ", text.replace("_", " ").replace("\n", " ")).strip().lower()
    if text.startswith("template:"):
        text = text[len("template:"):].strip()
    return text


def title_from_path(path: str | Path) -> str:
    """The article title a wikitext file name stands for: underscores -> spaces and the
    ``__suffix`` that tells copies of one article apart dropped.

    >>> title_from_path("x/American_Revolutionary_War__gensim_testdata_rev717770601.wiki")
    'American Revolutionary War'
    >>> title_from_path("Donnelly's_Bar_and_Kay's_Tavern_attacks.wikitext")
    "Donnelly's Bar and Kay's Tavern attacks"
    """
    stem = Path(str(path)).name
    for extension in (".wikitext", ".wiki", ".txt"):
        if stem.lower().endswith(extension):
            stem = stem[: -len(extension)]
            break
    stem = stem.split("__")[0] or stem
    return _SPACES.sub(" ", stem.replace("_", " ")).strip()


def _normalise_page(title: str) -> str:
    return _SPACES.sub(" ", title.replace("_", " ").replace("\n", " ")).strip().lstrip(":").strip()


def _is_conflict_template(template: Template) -> bool:
    key = template_key(template.name)
    if key in CONFLICT_TEMPLATES:
        return True
    if key.startswith("#invoke:"):
        return template_key(key[len("#invoke:"):]) in CONFLICT_TEMPLATES
    return False


# ---------------------------------------------------------------------------------------
# countries and flags


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("_", " ")
    return " ".join(text.split()).casefold().removeprefix("the ")


def _emoji(code: str) -> str:
    if "-" in code:         # a subdivision: black flag + tag letters + cancel tag
        tags = code.replace("-", "").lower()
        return "\U0001F3F4" + "".join(chr(0xE0000 + ord(c)) for c in tags) + "\U000E007F"
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


#: Names that Template:Country data accepts and pycountry does not know.
_EXTRA_CODES = {
    "uk": "GB", "us": "US", "u.s.": "US", "u.s.a.": "US", "uae": "AE", "drc": "CD",
    "dprk": "KP", "rok": "KR", "prc": "CN", "burma": "MM", "east timor": "TL",
    "ivory coast": "CI", "swaziland": "SZ", "macedonia": "MK", "republic of macedonia": "MK",
    "holland": "NL", "vatican": "VA", "palestine": "PS", "kosovo": "XK",
    "scotland": "GB-SCT", "england": "GB-ENG", "wales": "GB-WLS",
    "european union": "EU", "eu": "EU", "united nations": "UN", "un": "UN",
}
#: Abbreviations of states without a flag emoji, as Template:Country data spells them.
_HISTORIC_TITLES = {
    "csa": "Confederate States of America", "confederate states": "Confederate States of America",
    "ussr": "Soviet Union", "sfr yugoslavia": "Socialist Federal Republic of Yugoslavia",
    "frg": "West Germany", "gdr": "East Germany", "ddr": "East Germany",
}


@functools.lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    from kg.infobox import flags as flag_module

    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attribute in ("name", "common_name", "official_name", "alpha_3"):
            value = getattr(country, attribute, None)
            if value:
                index.setdefault(_fold(value), code)
    for code in {c.alpha_2 for c in pycountry.countries}:
        title = flag_title(_emoji(code))
        if title:
            index[_fold(title)] = code
            index.setdefault(_fold(title.split(" (")[0]), code)
    for code, title in getattr(flag_module, "_TITLE_OVERRIDES", {}).items():
        index.setdefault(_fold(title), code)
        index.setdefault(_fold(title.split(" (")[0]), code)
    for code, names in getattr(flag_module, "_ALIASES", {}).items():
        for name in names:
            index.setdefault(_fold(name), code)
    index.update(_EXTRA_CODES)
    return index


def country_flag(name: str) -> tuple[str | None, str]:
    """``(flag emoji, Wikipedia title)`` of the country a flag template names (a name,
    an alias or an ISO alpha-3 code); the emoji is ``None`` for a state without one, whose
    title is then the name as written (or the title of a known abbreviation).

    >>> country_flag("Syria"), country_flag("USA"), country_flag("Russian Federation")
    (('🇸🇾', 'Syria'), ('🇺🇸', 'United States'), ('🇷🇺', 'Russia'))
    >>> country_flag("CSA"), country_flag("Kingdom of France")
    ((None, 'Confederate States of America'), (None, 'Kingdom of France'))
    """
    written = _SPACES.sub(" ", name).strip()
    key = _fold(written)
    code = _country_index().get(key)
    if code is not None:
        emoji = _emoji(code)
        return emoji, flag_title(emoji) or written
    return None, _HISTORIC_TITLES.get(key, written)


# ---------------------------------------------------------------------------------------
# rendering


class _Context:
    """Per-document state shared by the renderers: title and warnings (deduplicated)."""

    def __init__(self, title: str, warnings: list[ReadWarning]) -> None:
        self.title = title
        self.warnings = warnings
        self._seen: set[tuple[str, str | None, str]] = set()

    def warn(self, kind: str, field: str | None, text: str, message: str, key: str | None = None) -> None:
        marker = (kind, field, key if key is not None else text)
        if marker in self._seen:
            return
        self._seen.add(marker)
        self.warnings.append(ReadWarning(kind, field, text, message))


Handler = Callable[["_Renderer", Template], None]


class _Renderer:
    """Renders wikicode in one of two modes: ``field`` (plain text + links + formatting
    runs, for infobox parameters) or ``body`` (markdown-ish text with inline links)."""

    def __init__(self, context: _Context, mode: str = "field", field: str | None = None) -> None:
        self.context = context
        self.mode = mode
        self.field = field
        self.parts: list[str] = []
        self.links: list[Link] = []
        self.bold: list[str] = []
        self.italic: list[str] = []
        self.link_depth = 0

    # -- output helpers ---------------------------------------------------------------

    @property
    def body(self) -> bool:
        return self.mode == "body"

    def emit(self, text: str) -> None:
        if text:
            self.parts.append(text)

    def capture(self, code: Wikicode | str | None) -> str:
        """Render ``code`` into a string (links and formatting runs still collected)."""
        saved = self.parts
        self.parts = []
        try:
            if code is not None:
                self.render(code)
            return "".join(self.parts)
        finally:
            self.parts = saved

    def line_break(self) -> None:
        self.emit(" " if self.link_depth else _BR)

    def warn_template(self, template: Template, key: str, rendered: bool) -> None:
        source = _SPACES.sub(" ", str(template).replace("\n", " "))
        source = source if len(source) <= 80 else source[:77] + "..."
        how = "rendered as its first parameter" if rendered else "dropped"
        self.context.warn("template-dropped", self.field, source,
                          f"unknown template {{{{{key}}}}} {how}", key=key)

    # -- the walk ----------------------------------------------------------------------

    def render(self, code: Wikicode | str) -> None:
        if isinstance(code, str):
            code = mwparserfromhell.parse(code)
        nodes = code.nodes
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if isinstance(node, Text):
                self.emit(_STRAY_TAG.sub("", node.value) if "<" in node.value else node.value)
            elif isinstance(node, Wikilink):
                trail = ""
                following = nodes[index + 1] if index + 1 < len(nodes) else None
                if isinstance(following, Text) and not self.link_depth:
                    match = _LINK_TRAIL.match(following.value)
                    if match:
                        trail = match.group()
                self._wikilink(node, trail)
                if trail and isinstance(following, Text):
                    self.emit(following.value[len(trail):])
                    index += 1
            elif isinstance(node, Template):
                self._template(node)
            elif isinstance(node, Tag):
                self._tag(node)
            elif isinstance(node, HTMLEntity):
                try:
                    self.emit(node.normalize().replace("\u00a0", " "))
                except (ValueError, OverflowError):
                    self.emit(str(node))
            elif isinstance(node, ExternalLink):
                if node.title is not None:
                    self.render(node.title)
                elif not node.brackets and self.body:
                    self.emit(str(node.url))
            elif isinstance(node, Heading):
                title = _tidy_inline(self.capture_plain(node.title))
                if self.body:
                    self.emit(f"\n\n{'#' * max(1, min(6, node.level))} {title}\n\n")
                else:
                    self.emit(title)
            elif isinstance(node, Argument):
                if node.default is not None:
                    self.render(node.default)
            elif isinstance(node, Comment):
                pass
            else:  # pragma: no cover - mwparserfromhell has no other node types
                self.emit(str(node))
            index += 1

    def capture_plain(self, code: Wikicode) -> str:
        """Render without recording links or formatting (headings, anchors of body links)."""
        plain = _Renderer(self.context, "field", self.field)
        plain.link_depth = self.link_depth
        return "".join(_collect(plain, code))

    # -- links -------------------------------------------------------------------------

    def _wikilink(self, node: Wikilink, trail: str) -> None:
        raw_title = str(node.title)
        title = _normalise_page(re.sub(r"<!--.*?-->", "", raw_title, flags=re.DOTALL))
        lowered = title.lower()
        leading_colon = raw_title.strip().startswith(":")
        if lowered.startswith(_FILE_PREFIXES):
            return                                   # images: never their file names
        if lowered.startswith(_HIDDEN_PREFIXES) and not leading_colon:
            return                                   # category membership
        prefix = lowered.split(":", 1)[0] if ":" in lowered else ""
        if prefix and (_INTERLANGUAGE.match(prefix) and node.text is None and not leading_colon):
            return                                   # interlanguage link
        self.link_depth += 1
        try:
            if node.text is not None:
                anchor = self.capture(node.text) if not self.body else self.capture_plain(node.text)
            else:
                anchor = title
                if ":" in title and prefix in _INTERWIKI:
                    anchor = title.split(":", 1)[1]
        finally:
            self.link_depth -= 1
        if node.text is not None and not str(node.text).strip():
            anchor = re.sub(r"\s*\([^()]*\)$", "", title.split(":", 1)[-1])      # pipe trick
        anchor = _tidy_inline(anchor + trail)
        is_entity = (
            bool(title) and not title.startswith("#") and prefix not in _INTERWIKI
            and not lowered.startswith(_NAMESPACE_PREFIXES + _HIDDEN_PREFIXES)
        )
        if not anchor:
            return
        if self.link_depth:                        # a link inside a link's anchor
            self.emit(anchor)
            return
        if not is_entity:
            self.emit(anchor)
            return
        if self.body:
            target = title.replace(" ", "_")
            self.emit(f"[{anchor.replace('[', '(').replace(']', ')')}](./{target})")
            return
        self.links.append(Link(page=title, text=None if anchor == title else anchor))
        self.emit(anchor)

    # -- tags --------------------------------------------------------------------------

    def _tag(self, node: Tag) -> None:
        tag = str(node.tag).strip().lower()
        markup = node.wiki_markup
        if tag in _DROPPED_TAGS:
            return
        if tag == "br":
            self.line_break()
            return
        if tag == "hr":              # a rule separates groups: a blank line
            self.line_break()
            self.line_break()
            return
        if tag == "li" and markup:
            if self.link_depth:
                return
            if self.body:
                self.emit("1." if markup == "#" else markup)
            else:
                self.emit(markup)
            return
        if tag in ("dd", "dt") and markup:
            return
        if node.self_closing or node.contents is None:
            return
        if _hidden(node):
            return
        if tag == "nowiki":
            self.emit(str(node.contents))
            return
        if tag in ("b", "strong", "i", "em"):
            self._formatted(node.contents, "bold" if tag in ("b", "strong") else "italic")
            return
        if tag in ("table", "tr"):
            self.line_break()
            self.render(node.contents)
            self.line_break()
            return
        if tag in ("td", "th"):
            self.render(node.contents)
            self.emit(" | " if self.body else " ")
            return
        if tag in ("p", "blockquote", "poem", "center", "ul", "ol", "li", "dl") or (tag == "div" and self.body):
            self.line_break()
            text = self.capture(node.contents)
            self.emit(text.replace("\n", _BR) if tag == "poem" else text)
            self.line_break()
            return
        if tag == "div":        # wtf_wikipedia keeps a <div> inline, with a space
            self.emit(" ")
            self.render(node.contents)
            self.emit(" ")
            return
        self.render(node.contents)     # span, small, big, sup, sub, font, abbr, u, s …

    def _formatted(self, contents: Wikicode, style: str) -> None:
        if self.body:
            mark = "**" if style == "bold" else "*"
            inner = self.capture(contents)
            stripped = inner.strip()
            if not stripped:
                self.emit(inner)
                return
            lead = inner[: len(inner) - len(inner.lstrip())]
            tail = inner[len(inner.rstrip()):]
            self.emit(f"{lead}{mark}{stripped}{mark}{tail}")
            return
        inner = self.capture(contents)
        run = _tidy_inline(inner.replace(_BR, " "))
        if run:
            (self.bold if style == "bold" else self.italic).append(run)
        self.emit(inner)

    # -- templates ---------------------------------------------------------------------

    def _template(self, template: Template) -> None:
        key = template_key(template.name)
        handler = _HANDLERS.get(key)
        if handler is None:
            handler = _handler_by_pattern(key, template)
        if handler is not None:
            handler(self, template)
            return
        if _is_silent(key):
            return
        first = _positional(template)
        if first:
            self.render(first[0])
        self.warn_template(template, key, rendered=bool(first))


def _collect(renderer: _Renderer, code: Wikicode) -> list[str]:
    renderer.render(code)
    return renderer.parts


def _hidden(node: Tag) -> bool:
    for attribute in node.attributes:
        if (str(attribute.name).strip().lower() == "style" and attribute.value is not None
                and re.search(r"display\s*:\s*none", str(attribute.value), re.IGNORECASE)):
            return True
    return False


_DROPPED_TAGS = frozenset({
    "ref", "references", "gallery", "math", "chem", "ce", "timeline", "score", "graph",
    "mapframe", "maplink", "templatedata", "templatestyles", "syntaxhighlight", "source",
    "imagemap", "categorytree", "indicator", "section", "includeonly", "inputbox",
    "hiero", "charinsert", "style", "script",
})


# ---------------------------------------------------------------------------------------
# template parameters


def _positional(template: Template) -> list[Wikicode]:
    """Positional parameters (``|a|b`` and ``|1=a|2=b``) in number order."""
    numbered: dict[int, Wikicode] = {}
    for param in template.params:
        name = str(param.name).strip()
        if name.isdigit():
            numbered[int(name)] = param.value
    return [numbered[n] for n in sorted(numbered)]


def _named(template: Template, *names: str) -> Wikicode | None:
    for name in names:
        if template.has(name):
            value = template.get(name).value
            if str(value).strip():
                return value
    return None


def _plain(code: Wikicode | None) -> str:
    """The bare text of a parameter (for numbers, codes, units)."""
    if code is None:
        return ""
    return _SPACES.sub(" ", code.strip_code(normalize=True, collapse=True)).strip()


# ---------------------------------------------------------------------------------------
# template handlers


def _emit_text(value: str) -> Handler:
    def handler(renderer: _Renderer, template: Template) -> None:
        renderer.emit(value)
    return handler


def _first(renderer: _Renderer, template: Template) -> None:
    params = _positional(template)
    if params:
        renderer.render(params[0])


def _second(renderer: _Renderer, template: Template) -> None:
    params = _positional(template)
    if len(params) >= 2:
        renderer.render(params[1])
    elif params:
        renderer.render(params[0])


def _last(renderer: _Renderer, template: Template) -> None:
    params = _positional(template)
    if params:
        renderer.render(params[-1])


def _all_joined(separator: str) -> Handler:
    def handler(renderer: _Renderer, template: Template) -> None:
        texts = [renderer.capture(p) for p in _positional(template)]
        renderer.emit(separator.join(t for t in texts if t.strip()))
    return handler


def _text_param(renderer: _Renderer, template: Template) -> None:
    value = _named(template, "text", "quote", "1")
    if value is not None:
        renderer.render(value)


def _dagger(renderer: _Renderer, template: Template) -> None:
    renderer.emit(" †")


def _marker(label: str) -> Handler:
    def handler(renderer: _Renderer, template: Template) -> None:
        renderer.emit(f" ({label})")
    return handler


def _circa(renderer: _Renderer, template: Template) -> None:
    params = _positional(template)
    renderer.emit("c. ")
    if params:
        renderer.render(params[0])


_RANGE_WORDS = {"-": "–", "–": "–", "—": "–", "to": " to ", "and": " and ", "or": " or ",
                "to(-)": " to ", "and(-)": " and ", "x": " × ", "by": " by ", "+/-": " ± ",
                "±": " ± ", "&": " & ", "+": " + ", ",": ", "}


def _convert(renderer: _Renderer, template: Template) -> None:
    params = [_plain(p) for p in _positional(template)]
    if not params:
        return
    if len(params) >= 3 and params[1].lower() in _RANGE_WORDS:
        text = params[0] + _RANGE_WORDS[params[1].lower()] + params[2]
        unit = params[3] if len(params) >= 4 else ""
    else:
        text = params[0]
        unit = params[1] if len(params) >= 2 else ""
    renderer.emit(f"{text} {unit}".strip())


def _coord(renderer: _Renderer, template: Template) -> None:
    parts = [_plain(p) for p in _positional(template)]
    parts = [p for p in parts if p and ":" not in p and "=" not in p]
    text = format_coordinates(parts)
    if text is None:
        renderer.context.warn("template-dropped", renderer.field, str(template)[:80],
                              f"could not read {{{{coord}}}} parameters {parts!r}", key="coord")
        return
    renderer.emit(text)


def format_coordinates(parts: list[str]) -> str | None:
    """``{{coord}}`` positional parameters as text the coordinate parser reads right:
    degrees-minutes(-seconds) with their real hemisphere letters, or signed decimal
    degrees without letters.

    >>> format_coordinates(["36", "13", "N", "37", "10", "E"])
    '36°13′N 37°10′E'
    >>> format_coordinates(["38", "07", "05", "N", "23", "58", "42", "E"])
    '38°07′05″N 23°58′42″E'
    >>> format_coordinates(["39.811", "N", "77.225", "W"]), format_coordinates(["54.009", "-6.4049"])
    ('39.811°, -77.225°', '54.009°, -6.4049°')
    """
    number = re.compile(r"^[-+−]?\d+(?:\.\d+)?$")
    groups: list[tuple[list[str], str]] = []
    values: list[str] = []
    for part in parts:
        upper = part.strip().upper()
        if upper in ("N", "S", "E", "W"):
            if not 1 <= len(values) <= 3:
                return None
            groups.append((values, upper))
            values = []
        elif number.match(part.strip()):
            values.append(part.strip().replace("−", "-"))
        else:
            return None
    if not groups and len(values) == 2:
        return f"{_decimal(values[0])}°, {_decimal(values[1])}°"
    if len(groups) != 2 or values or groups[0][1] not in "NS" or groups[1][1] not in "EW":
        return None
    if all(len(group) == 1 for group, _ in groups):
        signed = []
        for (group, hemisphere) in groups:
            value = group[0]
            if hemisphere in "SW":
                value = value[1:] if value.startswith("-") else "-" + value
            signed.append(_decimal(value))
        return f"{signed[0]}°, {signed[1]}°"
    rendered = []
    for group, hemisphere in groups:
        marks = ["°", "′", "″"]
        rendered.append("".join(value + marks[i] for i, value in enumerate(group)) + hemisphere)
    return " ".join(rendered)


def _decimal(value: str) -> str:
    return value[1:] if value.startswith("+") else value


def _flag_template(kind: str) -> Handler:
    """``flag``/``flagcountry`` (emoji + linked name), ``flagu``/``flagcu`` (emoji +
    plain name), ``flagicon`` (linked emoji), ``flagdeco`` (plain emoji)."""

    def handler(renderer: _Renderer, template: Template) -> None:
        params = _positional(template)
        if not params:
            return
        written = _plain(params[0])
        if not written:
            return
        emoji, title = country_flag(written)
        shown = written if kind == "flag" else title
        if kind in ("flag", "flagcountry") and (name := _named(template, "name")) is not None:
            shown = _plain(name) or shown
        if emoji is None and kind in ("flagicon", "flagdeco"):
            renderer.context.warn("unknown-flag", renderer.field, str(template)[:80],
                                  f"no flag emoji for {written!r}; flag template dropped",
                                  key=f"flag:{written}")
            return
        if emoji is not None:
            if kind in ("flagdeco", "flagu", "flagcu") or renderer.link_depth or (
                    renderer.body and kind != "flagicon"):
                renderer.emit(emoji)            # in the body only an icon links its flag
            elif renderer.body:
                renderer.emit(f"[{emoji}](./{title.replace(' ', '_')})")
            else:
                renderer.links.append(Link(page=title, text=emoji))
                renderer.emit(emoji)
            if kind in ("flagicon", "flagdeco"):
                return
            renderer.emit(" ")
        if kind in ("flagu", "flagcu") or renderer.link_depth:
            renderer.emit(shown)
        elif renderer.body:
            renderer.emit(f"[{shown}](./{title.replace(' ', '_')})")
        else:
            renderer.links.append(Link(page=title, text=None if shown == title else shown))
            renderer.emit(shown)

    return handler


def _strip_bullet_level(text: str) -> str:
    """Remove one level of list bullets: ``* a`` -> ``a``, ``** b`` -> ``* b``."""
    lines = []
    for line in text.replace(_BR, "\n").split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("*", "#")):
            stripped = stripped[1:].lstrip() if stripped[1:2] not in ("*", "#") else stripped[1:]
        lines.append(stripped)
    return "\n".join(lines)


def _plainlist(renderer: _Renderer, template: Template) -> None:
    value = _named(template, "1", "list")
    if value is None:
        return
    text = _strip_bullet_level(renderer.capture(value)).strip("\n")
    if text.strip():
        renderer.line_break()
        renderer.emit(text.replace("\n", _BR))
        renderer.line_break()


def _items(renderer: _Renderer, template: Template, title: Wikicode | None = None) -> None:
    items = []
    if title is not None:
        items.append(renderer.capture(title).strip())
    for value in _positional(template):
        text = renderer.capture(value).strip()
        if text:
            items.append(text)
    items = [item for item in items if item]
    if not items:
        return
    if renderer.link_depth:
        renderer.emit(" ".join(items))
        return
    renderer.line_break()
    renderer.emit(_BR.join(items))
    renderer.line_break()


def _item_list(renderer: _Renderer, template: Template) -> None:
    _items(renderer, template)


def _collapsible_list(renderer: _Renderer, template: Template) -> None:
    _items(renderer, template, _named(template, "title"))


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def _date(renderer: _Renderer, template: Template) -> None:
    params = [_plain(p) for p in _positional(template)][:3]
    if not params or not params[0]:
        return
    year = params[0]
    month = day = ""
    if len(params) >= 2 and params[1]:
        month = params[1]
        if month.isdigit() and 1 <= int(month) <= 12:
            month = _MONTHS[int(month) - 1]
    if len(params) >= 3 and params[2]:
        day = params[2].lstrip("0") or params[2]
    renderer.emit(" ".join(part for part in (day, month, year) if part))


def _as_of(renderer: _Renderer, template: Template) -> None:
    params = [_plain(p) for p in _positional(template)][:3]
    if not params:
        return
    renderer.emit("as of ")
    _date(renderer, template)


def _interlanguage_link(renderer: _Renderer, template: Template) -> None:
    params = _positional(template)
    if not params:
        return
    page = _normalise_page(_plain(params[0]))
    anchor = _plain(_named(template, "lt")) or page
    if not page:
        return
    if renderer.body:
        renderer.emit(f"[{anchor}](./{page.replace(' ', '_')})")
    elif renderer.link_depth:
        renderer.emit(anchor)
    else:
        renderer.links.append(Link(page=page, text=None if anchor == page else anchor))
        renderer.emit(anchor)


def _ship(renderer: _Renderer, template: Template, prefix: str | None = None) -> None:
    params = [_plain(p) for p in _positional(template)]
    if prefix is None:
        if len(params) < 2:
            return
        prefix, params = params[0], params[1:]
    if not params:
        return
    name = f"{prefix} {params[0]}".strip()
    page = f"{name} ({params[1]})" if len(params) >= 2 and params[1] else name
    if renderer.body:
        renderer.emit(f"[{name}](./{page.replace(' ', '_')})")
    elif renderer.link_depth:
        renderer.emit(name)
    else:
        renderer.links.append(Link(page=page, text=None if name == page else name))
        renderer.emit(name)


def _ship_prefix(prefix: str) -> Handler:
    def handler(renderer: _Renderer, template: Template) -> None:
        _ship(renderer, template, prefix)
    return handler


def _sortname(renderer: _Renderer, template: Template) -> None:
    params = [_plain(p) for p in _positional(template)]
    if len(params) < 2:
        _first(renderer, template)
        return
    name = f"{params[0]} {params[1]}".strip()
    nolink = len(params) >= 3 and params[2].lower() == "nolink"
    if renderer.body and not nolink:
        renderer.emit(f"[{name}](./{name.replace(' ', '_')})")
    elif nolink or renderer.link_depth:
        renderer.emit(name)
    else:
        renderer.links.append(Link(page=name))
        renderer.emit(name)


def _break(renderer: _Renderer, template: Template) -> None:
    renderer.line_break()


def _nothing(renderer: _Renderer, template: Template) -> None:
    return


def _magic(renderer: _Renderer, template: Template) -> None:
    name = str(template.name)
    renderer.emit(name.split(":", 1)[1].strip() if ":" in name else "")


def _pagename(renderer: _Renderer, template: Template) -> None:
    renderer.emit(renderer.context.title)


_HANDLERS: dict[str, Handler] = {
    # killed in action and other fates of a person
    **{key: _dagger for key in ("kia", "k.i.a.", "killed in action", "dow", "died of wounds",
                                "d.o.w.", "kia-s", "dagger", "†")},
    "pow": _marker("POW"), "wia": _marker("WIA"), "mia": _marker("MIA"),
    "executed": _marker("executed"),
    # flags
    **{key: _flag_template("flag") for key in ("flag", "flag country link")},
    **{key: _flag_template("flagcountry") for key in ("flagcountry", "flag country", "cr", "cr-rt")},
    **{key: _flag_template("flagu") for key in ("flagu",)},
    **{key: _flag_template("flagcu") for key in ("flagcu",)},
    **{key: _flag_template("flagicon") for key in ("flagicon", "flag icon", "flagiconlink", "cricon")},
    **{key: _flag_template("flagdeco") for key in ("flagdeco", "flag deco", "flagbig")},
    **{key: _nothing for key in ("flagicon image", "flag icon image", "flagdeco image",
                                 "flag image", "flagicon image2", "flagdeco image2")},
    # coordinates
    "coord": _coord, "coor": _coord, "coor d": _coord, "coor dm": _coord, "coor dms": _coord,
    # lists
    **{key: _plainlist for key in ("plainlist", "plain list", "flatlist", "flat list",
                                   "plainlist/start", "flatlist/start", "startplainlist",
                                   "startflatlist", "indented plainlist")},
    **{key: _item_list for key in ("ubl", "ublist", "unbulleted list", "unbulleted",
                                   "unbulletedlist", "ubil", "hlist", "hlist-comma",
                                   "bulleted list", "blist", "bulleted", "ordered list",
                                   "br separated entries", "plainlist/items", "enum")},
    "collapsible list": _collapsible_list, "collapsed list": _collapsible_list,
    "comma separated entries": _all_joined(", "),
    # numbers and dates
    **{key: _circa for key in ("circa", "c.", "c", "ca", "ca.", "approx")},
    "convert": _convert, "cvt": _convert,
    **{key: _date for key in ("start date", "end date", "start date and age",
                              "end date and age", "birth date", "death date",
                              "birth date and age", "death date and age", "dts", "date",
                              "start-date", "end-date")},
    "as of": _as_of,
    # text wrappers
    **{key: _first for key in ("nowrap", "nobr", "no wrap", "small", "smaller", "big",
                               "larger", "large", "huge", "nobold", "noitalic", "midsize",
                               "sc", "smallcaps", "small caps", "center", "centre", "left",
                               "right", "em", "abbr", "abbrlink", "visible anchor", "nihongo",
                               "citation needed span", "cns", "sic", "not a typo", "proper name",
                               "math", "mvar", "var", "strong", "nbsp wrap", "ntsh",
                               "interlanguage link plain", "bigger", "tooltip",
                               "font-size", "nowrap begin", "nobreak", "unbulleted list item",
                               "pslink")},
    **{key: _second for key in ("sort", "color", "colour", "font color", "resize", "text color",
                                "lang-rtl", "highlight")},
    **{key: _last for key in ("lang", "transl", "transliteration", "native name", "native phrase",
                              "rtl-lang", "script", "nastaliq", "resize")},
    "font": _text_param, "quote": _text_param, "blockquote": _text_param, "cquote": _text_param,
    "quotation": _text_param, "rquote": _text_param, "quote box": _text_param,
    "ill": _interlanguage_link, "interlanguage link": _interlanguage_link,
    "interlanguage link multi": _interlanguage_link, "illm": _interlanguage_link,
    "ship": _ship, "sclass": _first, "sortname": _sortname,
    **{key: _ship_prefix(key.upper()) for key in ("hms", "uss", "hmas", "hmcs", "hmnzs", "sms",
                                                   "hnlms", "rms", "ss", "usns", "ins", "hmhs")},
    # punctuation and spacing
    **{key: _emit_text(" – ") for key in ("snd", "snds", "spaced ndash", "spaced en dash",
                                          "spnd", "sndash")},
    **{key: _emit_text("–") for key in ("ndash", "en dash", "–", "nd")},
    **{key: _emit_text("—") for key in ("mdash", "em dash", "—", "md")},
    **{key: _emit_text(" — ") for key in ("spaced mdash", "spaced em dash", "smd")},
    **{key: _emit_text(" ") for key in ("nbsp", "space", "sp", "thinsp", "thin space", "px2")},
    **{key: _emit_text(" · ") for key in ("·", "dot", "middot", "dot-sep", "in5")},
    **{key: _emit_text(" • ") for key in ("•", "bull", "bullet")},
    "!": _emit_text("|"), "=": _emit_text("="), "'": _emit_text("'"), "\"": _emit_text('"'),
    "pipe": _emit_text("|"), "-'": _emit_text("'"), "apostrophe": _emit_text("'"),
    "hr": _break, "break": _break, "crlf": _break, "br": _break,
    "pagename": _pagename, "fullpagename": _pagename,
}

#: Templates that render nothing worth keeping (references, maintenance, navigation,
#: page furniture): dropped without a warning.
_SILENT = frozenset({
    "refn", "r", "rp", "ref", "ref label", "note label", "note", "ref note", "#tag:ref", "efn",
    "nb", "noteref", "citation needed", "cn", "fact", "by whom", "who", "whom", "when", "which",
    "where", "why", "how", "clarify", "clarification needed", "dubious", "vague", "page needed",
    "pn", "full citation needed", "fcn", "failed verification", "verification needed",
    "dead link", "better source", "better source needed", "unreliable source?",
    "unreliable source", "self-published inline", "according to whom", "attribution needed",
    "specify", "year needed", "date missing", "update inline", "update after", "when?",
    "original research inline", "or", "disputed inline", "explain", "citation style", "isbn",
    "clear", "clear left", "clear right", "-", "anchor", "anchors", "short description",
    "featured article", "good article", "italic title", "displaytitle", "defaultsort",
    "lowercase title", "about", "for", "distinguish", "main", "see also", "further",
    "details", "hatnote", "redirect", "reflist", "refbegin", "refend", "references",
    "notelist", "notes", "authority control", "coord missing", "multiple issues", "toc",
    "toc limit", "toclimit", "tocright", "toc right", "compact toc", "wiktionary",
    "wikiquote", "wikisource", "commons", "commons category", "commonscat",
    "sister project links", "spoken wikipedia", "top icon", "bots", "nobots", "age",
    "age in years", "age in years and days", "age in years, months and days",
    "age in years, months, weeks and days", "age in days", "years ago", "inflation",
    "increase", "decrease", "steady", "gain", "loss", "up", "down", "multiple image",
    "wide image", "image frame", "location map", "location map many", "location map+",
    "campaign", "webarchive", "wayback", "cbignore", "dmy", "mdy", "engvarb", "engvara",
    "cite", "citation", "sfn", "sfnp", "sfnm", "harvnb", "harv", "harvp", "harvtxt",
    "harvard citation", "harvard citation no brackets", "snf", "efn-ua", "efn-lr",
    "efn-la", "efn-lg", "efn-ur", "refimprove", "more citations needed", "unreferenced",
    "cleanup", "pp", "pp-protected", "pp-semi", "pp-move", "pp-vandalism", "pp-pc1",
    "pp-semi-indef", "pp-move-indef", "pp-dispute", "pp-sock", "pp-blp", "pp-pc",
    "portal", "portal bar", "portal-inline", "subscription required", "registration required",
    "inconsistent citations", "broken anchor", "circular reference", "page range too broad",
    "primary source inline", "third-party inline", "which?", "as of?", "dated maintenance category",
    "cat handler", "namespace detect", "use dmy dates", "use mdy dates",
    "not in nonspecialist source", "sfn whitelist", "verify source", "citation broken",
    "ns0", "plainlist/end", "flatlist/end", "endplainlist", "endflatlist", "end plainlist",
    "end flatlist", "nowrap end", "div col", "div col end", "colbegin", "colend", "col-begin",
    "col-end", "col-break", "refs", "fake heading", "expand section", "empty section",
    "infobox military conflict/core", "campaignbox", "s-start", "s-end", "s-bef", "s-aft",
    "s-ttl", "s-reg", "s-off", "s-mil", "succession box", "navbox", "sidebar",
    "stack", "stack begin", "stack end", "external media", "listen", "commons-inline",
    "in lang", "in language", "language icon", "oclc", "doi", "jstor", "issn", "lccn",
    "pmid", "arxiv", "bibcode", "orcid", "asin", "use american english", "use british english",
    "use oxford spelling", "use australian english", "use canadian english", "use irish english",
})
_SILENT_PREFIXES: tuple[str, ...] = (
    "cite ", "citation", "sfn", "harv", "efn", "use ", "pp-", "engvar", "campaignbox",
    "navbox", "infobox", "reflist", "notelist", "portal", "commons", "redirect", "other uses",
    "good article", "featured article", "authority control", "s-", "toc", "cleanup",
    "more citations", "refimprove", "unreferenced", "location map", "multiple image",
    "wikipedia books", "coord missing", "navseasoncats", "webarchive", "#tag:ref", "#if",
    "#switch", "#ifeq", "#expr", "#ifexpr", "#ifexist", "#time", "#property", "#statements",
    "#related", "#tag:", "lang-x", "db-", "afd", "copy edit", "copyedit",
    "citation needed", "wikisource", "wiktionary", "wikiquote", "wikivoyage", "sister",
    "history of ", "cbignore", "talk", "taxonbar", "featured", "spoken", "cs1 ",
)
_SILENT_SUFFIXES = (" navbox", " sidebar", " navigation", " topics", " timeline", " footer",
                    " campaignbox", " stub", " portal")
_SILENT_PREFIXES += ("defaultsort:", "displaytitle:", "safesubst:", "subst:", "#ifexist", "#iferror",
                     "#tag", "#language", "#titleparts", "#rel2abs", "#coordinates", "#section")
_MAGIC_PREFIXES = ("formatnum:", "lc:", "uc:", "ucfirst:", "lcfirst:", "padleft:", "padright:",
                   "urlencode:", "anchorencode:", "#tag:nowiki")


def _is_silent(key: str) -> bool:
    return key in _SILENT or key.startswith(_SILENT_PREFIXES) or key.endswith(_SILENT_SUFFIXES)


def _handler_by_pattern(key: str, template: Template) -> Handler | None:
    if key.startswith(_MAGIC_PREFIXES):
        return _magic
    if key.startswith(("lang-", "lang|")):
        return _first
    if key.startswith(("transl-", "ipa-", "ipa")):
        return _nothing if key.startswith("ipa") else _last
    raw = "".join(str(n) for n in template.name.nodes if not isinstance(n, Comment)).strip()
    if re.fullmatch(r"[A-Z]{3}", raw) and pycountry.countries.get(alpha_3=raw) is not None:
        return _country_code_template       # {{USA}}, {{SYR}}: flag + linked name
    return None


def _country_code_template(renderer: _Renderer, template: Template) -> None:
    code = "".join(str(n) for n in template.name.nodes if not isinstance(n, Comment)).strip()
    _flag_template("flagcountry")(renderer, mwparserfromhell.parse("{{flagcountry|" + code + "}}").filter_templates(recursive=False)[0])


# ---------------------------------------------------------------------------------------
# text clean-up


def _resolve_breaks(text: str) -> str:
    text = re.sub(_BR + r"[ \t]*\n", "\n", text)
    text = re.sub(r"\n[ \t]*" + _BR, "\n", text)
    return text.replace(_BR, "\n")


def _tidy_inline(text: str) -> str:
    """One-line text: breaks and runs of spaces folded, wiki quote runs and emptied
    parentheses removed (used for anchors and formatting runs, so that they are found
    in the field text, which gets the same treatment)."""
    text = text.replace(_BR, " ").replace("\n", " ")
    text = _QUOTE_RUN.sub("", text)
    text = _PAREN_SPACE.sub("", _EMPTY_PARENS.sub("", text))
    return _SPACES.sub(" ", text).strip()


def _tidy_field_text(text: str) -> str:
    text = _QUOTE_RUN.sub("", _resolve_breaks(text))
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", _PAREN_SPACE.sub("", _EMPTY_PARENS.sub("", line))).strip()
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n ")


def _tidy_body(text: str) -> str:
    text = _QUOTE_RUN.sub("", _resolve_breaks(text))
    lines = [_SPACES.sub(" ", _EMPTY_PARENS.sub("", line)).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n" if text.strip() else ""


# ---------------------------------------------------------------------------------------
# infoboxes and documents


def wikitext_field(name: str, wikitext: str, warnings: list[ReadWarning] | None = None,
                   title: str = "") -> Field:
    """Render one infobox parameter value to a :class:`Field`.

    >>> f = wikitext_field("combatant2", "{{flagcountry|Achaemenid Empire}}")
    >>> f.text, f.links
    ('Achaemenid Empire', [Link(page='Achaemenid Empire', text=None, type='internal')])
    >>> wikitext_field("date", "{{circa|1200}} BC").text
    'c. 1200 BC'
    """
    context = _Context(title, warnings if warnings is not None else [])
    return _render_field(context, name, mwparserfromhell.parse(wikitext))


def _render_field(context: _Context, name: str, value: Wikicode) -> Field:
    renderer = _Renderer(context, "field", name)
    renderer.render(value)
    text = _tidy_field_text("".join(renderer.parts))
    formatting: dict[str, list[str]] = {}
    if renderer.bold:
        formatting["bold"] = renderer.bold
    if renderer.italic:
        formatting["italic"] = renderer.italic
    return Field(name, text, list(renderer.links), formatting)


def _infobox(context: _Context, template: Template) -> Infobox:
    fields: dict[str, Field] = {}
    for param in template.params:
        name = _param_name(param.name)
        if not name or name.isdigit():
            continue                # ``main`` of the #invoke form, stray positional values
        field = _render_field(context, name, param.value)
        if not field.text and not field.links:
            continue
        if name in fields:
            context.warn("duplicate-field", name, field.text[:80],
                         f"parameter {name!r} given twice; the last value is kept")
        fields[name] = field
    return Infobox(fields, template=CONFLICT_TEMPLATE_NAME)


def _param_name(name: Wikicode) -> str:
    text = "".join(str(n) for n in name.nodes if not isinstance(n, Comment))
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def has_conflict_infobox(wikitext: str) -> bool:
    """Cheap test (no parsing) whether the text may hold a conflict infobox.

    >>> has_conflict_infobox("{{Infobox_Military  conflict\\n|x=1}}"), has_conflict_infobox("{{Infobox person}}")
    (True, False)
    """
    return CONFLICT_HINT.search(wikitext) is not None


def find_conflict_infoboxes(code: Wikicode) -> list[Template]:
    """The conflict infobox templates of a parsed page, in page order (top level first
    looked at; nested ones only when there is none at the top)."""
    found = [node for node in code.nodes if isinstance(node, Template) and _is_conflict_template(node)]
    if found:
        return found
    return [t for t in code.filter_templates(recursive=True) if _is_conflict_template(t)]


def document_from_wikitext(text: str, path: str, title: str, digest: str | None = None) -> Document:
    """Build the :class:`Document` of one page of wikitext (see the module doc)."""
    doc = Document(
        path=path,
        kind="wikipedia",
        title=title,
        content_hash=digest if digest is not None else content_hash(text.encode("utf-8")),
    )
    context = _Context(title, doc.warnings)
    try:
        code = mwparserfromhell.parse(text)
    except Exception as exc:  # noqa: BLE001 - the parser is robust; never fail a document
        doc.warn("wikitext-unparsed", None, title, f"wikitext did not parse: {exc}")
        return doc
    doc.extra["source_format"] = "wikitext"
    try:
        boxes = find_conflict_infoboxes(code)
        for template in boxes:
            doc.infoboxes.append(_infobox(context, template))
        if doc.infoboxes and "coordinates" not in doc.infoboxes[0].fields:
            _title_coordinates(context, code, doc.infoboxes[0])
        if boxes:
            doc.image_url = _image_url(boxes[0])
        doc.short_description = _short_description(code)
    except Exception as exc:  # noqa: BLE001 - odd wikitext degrades, never raises
        doc.warn("wikitext-error", None, title, f"infobox not fully read: {type(exc).__name__}: {exc}")
    try:
        body_renderer = _Renderer(context, "body")
        for node in code.nodes:
            if isinstance(node, Template) and _is_conflict_template(node):
                continue
            body_renderer.render(Wikicode([node]))
        doc.body = _tidy_body("".join(body_renderer.parts))
    except Exception as exc:  # noqa: BLE001
        doc.warn("wikitext-error", None, title, f"body not rendered: {type(exc).__name__}: {exc}")
        doc.body = ""
    doc.sections = find_sections(doc.body)
    doc.links = find_body_links(doc.body, doc.sections)
    doc.description = _first_paragraph(doc.body)
    return doc


def _title_coordinates(context: _Context, code: Wikicode, box: Infobox) -> None:
    """An infobox without coordinates takes the page's title coordinates
    (``{{coord|…|display=title}}`` elsewhere on the page): they locate the article's
    subject, as Wikipedia shows them."""
    for node in code.nodes:
        if isinstance(node, Template) and template_key(node.name) in ("coord", "coor"):
            display = _plain(_named(node, "display")).lower()
            if "title" in display or display == "t":
                field = _render_field(context, "coordinates", Wikicode([node]))
                if field.text:
                    box.fields["coordinates"] = field
                    context.warn("coordinates-from-page", "coordinates", field.text,
                                 "the infobox has no coordinates; took the page's title coordinates")
                return


def _short_description(code: Wikicode) -> str | None:
    for node in code.nodes:
        if isinstance(node, Template) and template_key(node.name) == "short description":
            params = _positional(node)
            if params:
                value = _plain(params[0])
                if value and value.lower() != "none":
                    return value
    return None


def _image_url(template: Template) -> str | None:
    value = _named(template, "image")
    if value is None:
        return None
    links = value.filter_wikilinks()
    name = str(links[0].title).split(":", 1)[-1] if links else _plain(value)
    name = name.strip()
    if not re.search(r"\.(?:svg|png|jpe?g|gif|tiff?|webp)$", name, re.IGNORECASE):
        return None
    return "https://wikipedia.org/wiki/Special:Redirect/file/" + quote(name.replace(" ", "_"))


_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*(?:\([^)\n]*\)[^)\n]*)*\)")


def _first_paragraph(body: str) -> str | None:
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block.startswith(("#", "*", "|", "1.")):
            continue
        plain = _MARKDOWN_LINK.sub(r"\1", block).replace("**", "")
        plain = re.sub(r"(?<!\w)\*(?!\s)([^*\n]+)(?<!\s)\*(?!\w)", r"\1", plain)
        plain = _SPACES.sub(" ", plain.replace("\n", " ")).strip()
        if len(plain) >= 20:
            return plain
    return None


def read_wikitext(path: str | Path, data: bytes | None = None, *, title: str | None = None) -> Document:
    """Read one wikitext file (``.wiki``, ``.wikitext``).

    Raises :class:`~kg.readers.errors.DocumentError` only for bytes that are not text
    (not UTF-8/UTF-16); any wikitext, however odd, gives a Document.

    >>> doc = read_wikitext("data/wikitext/Battle_of_Gettysburg__infobox_only_wikiline_spec.wiki")
    >>> doc.title, doc.conflict_infobox.get("strength1").text
    ('Battle of Gettysburg', '104,256 ("present for duty")')
    """
    path = Path(path)
    raw = path.read_bytes() if data is None else data
    decoded, repaired = source_text(str(path), raw)
    doc = document_from_wikitext(repaired.text, str(path), title or title_from_path(path), content_hash(raw))
    record_text_fixes(doc, decoded, repaired)
    return doc
