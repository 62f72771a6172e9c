"""Template handlers: what each template renders to (text, a dagger, coordinates, dates,
lists, flags …), and the templates dropped silently (references, navigation, furniture).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import mwparserfromhell
import pycountry
from mwparserfromhell.nodes import Comment, Template
from mwparserfromhell.wikicode import Wikicode

from kg.document import Link
from kg.readers.wikitext.countries import country_flag
from kg.readers.wikitext.templates import _BR, _named, _normalise_page, _plain, _positional
from kg.time import month_name

if TYPE_CHECKING:
    from kg.readers.wikitext.render import _Renderer


Handler = Callable[["_Renderer", Template], None]


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


def _date(renderer: _Renderer, template: Template) -> None:
    params = [_plain(p) for p in _positional(template)][:3]
    if not params or not params[0]:
        return
    year = params[0]
    month = day = ""
    if len(params) >= 2 and params[1]:
        month = params[1]
        if month.isdigit() and 1 <= int(month) <= 12:
            month = month_name(int(month))
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
    _emit_link(renderer, page, anchor)


def _emit_link(renderer: _Renderer, page: str, shown: str) -> None:
    """A link a template stands for: markdown in the body, its words inside another link's
    anchor, else its words with the link recorded for the infobox field."""
    if renderer.body:
        renderer.emit(f"[{shown}](./{page.replace(' ', '_')})")
    elif renderer.link_depth:
        renderer.emit(shown)
    else:
        renderer.links.append(Link(page=page, text=None if shown == page else shown))
        renderer.emit(shown)


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
    _emit_link(renderer, page, name)


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
