"""The smaller field families of ``{{Infobox military conflict}}``: the conflict's names,
``partof``, ``place``, ``coordinates`` and the free-text blocks (``result``, ``territory``,
``status``, ``notes``).

Every parser is pure, takes the :class:`~kg.document.Field` as read and a list to append
:class:`~kg.document.ReadWarning` to, and never raises on odd input.
"""

from __future__ import annotations

import re

from kg.document import Field, Link, ReadWarning
from kg.infobox.records import Coordinates, EntityRef, Name, TextBlock
from kg.infobox.text import (
    FLAG,
    drop_undefined,
    is_flag,
    locate_links,
    normalise_space,
    script_language,
    split_trailing_parentheticals,
    strip_image_name,
    strip_markup,
)

__all__ = [
    "parse_conflict_names",
    "parse_part_of",
    "parse_places",
    "parse_coordinates",
    "parse_text_block",
    "link_ref",
    "name_language",
]

_UKRAINIAN_LETTERS = set("іїєґІЇЄҐ")
_BELARUSIAN_LETTERS = set("ўЎ")


def name_language(text: str) -> str | None:
    """The language of a name from its script; Cyrillic is ``ru`` unless it has letters
    only Ukrainian (``і ї є ґ``) or Belarusian (``ў``) use.

    >>> name_language("Битва за Київ"), name_language("Битва за Киев"), name_language("Battle")
    ('uk', 'ru', 'en')
    """
    lang = script_language(text)
    if lang == "ru":
        if _UKRAINIAN_LETTERS & set(text):
            return "uk"
        if _BELARUSIAN_LETTERS & set(text):
            return "be"
    return lang


def link_ref(link: Link) -> EntityRef | None:
    """An :class:`EntityRef` for a field link: the anchor as name, the page (without its
    ``#fragment``) as page; ``None`` for a link to a section of the same page.

    >>> link_ref(Link("Battle of Aleppo (2012–2016)", "Battle of Aleppo"))
    EntityRef(name='Battle of Aleppo', page='Battle of Aleppo (2012–2016)', fragment=None)
    """
    page, _, fragment = link.page.partition("#")
    page = normalise_space(page.replace("_", " "))
    name = normalise_space(strip_markup(link.anchor)) or page
    if not page:
        return None
    return EntityRef(name=name, page=page, fragment=fragment.strip() or None)


def _dedupe(refs: list[EntityRef]) -> list[EntityRef]:
    seen: set[tuple[str, str | None]] = set()
    kept: list[EntityRef] = []
    for ref in refs:
        key = (ref.name.lower(), ref.page.lower() if ref.page else None)
        if key in seen:
            continue
        seen.add(key)
        kept.append(ref)
    return kept


# ---------------------------------------------------------------------------------------
# conflict names

_TOKEN_SPLIT = re.compile(r"\S+")


def _script_runs(line: str) -> list[str]:
    """Cut a line into runs of one script: ``Battle of Anadan معركة عندان`` -> two runs.
    Tokens without letters (``(2014)``) stay with the run they follow."""
    runs: list[tuple[str | None, list[str]]] = []
    for match in _TOKEN_SPLIT.finditer(line):
        token = match.group(0)
        lang = script_language(token)      # the script, not the language: uk and ru share it
        if runs and (lang is None or runs[-1][0] is None or runs[-1][0] == lang):
            if runs[-1][0] is None:
                runs[-1] = (lang, runs[-1][1])
            runs[-1][1].append(token)
        else:
            runs.append((lang, [token]))
    return [" ".join(tokens) for _, tokens in runs]


def parse_conflict_names(field: Field, title: str, warnings: list[ReadWarning]) -> list[Name]:
    """The names in the ``conflict`` field, one per line or per script run, with the
    language their script implies (not their position). An empty field falls back to the
    title without its disambiguating parenthetical.

    >>> [(n.text, n.lang) for n in parse_conflict_names(Field("conflict", "Battle of Aleppo\\nمَعْرَكَةُ حَلَبَ"), "x", [])]
    [('Battle of Aleppo', 'en'), ('مَعْرَكَةُ حَلَبَ', 'ar')]
    """
    names: list[Name] = []
    seen: set[tuple[str, str]] = set()
    text = drop_undefined(field.text, field.name, warnings)
    for line in text.split("\n"):
        line = normalise_space(strip_markup(FLAG.sub(" ", line)))
        if not line:
            continue
        for run in _script_runs(line):
            run = run.strip(" ,;/")
            lang = name_language(run)
            if not run or lang is None:
                continue
            if (run, lang) not in seen:
                seen.add((run, lang))
                names.append(Name(run, lang))
    if not names and title.strip():
        core, _ = split_trailing_parentheticals(title.strip())
        names.append(Name(core or title.strip(), name_language(core) or "en"))
    return names


# ---------------------------------------------------------------------------------------
# part of

_LEADING_THE = re.compile(r"^(?:the|in the|of the|part of the|part of)\s+", re.IGNORECASE)
_PLAIN_LIST_SEPARATOR = re.compile(r"\s*(?:[\n,;]\s*(?:and\s+)?|\s+and\s+)\s*")


def parse_part_of(field: Field, warnings: list[ReadWarning]) -> list[EntityRef]:
    """The conflicts this one is part of: its links in order; with no links, the plain
    names (``the`` dropped, split on commas, newlines and ``and``).

    >>> from kg.document import Link
    >>> parse_part_of(Field("partof", "the Syrian Civil War", [Link("Syrian Civil War")]), [])
    [EntityRef(name='Syrian Civil War', page='Syrian Civil War', fragment=None)]
    >>> [r.name for r in parse_part_of(Field("partof", "the Wars of the Roses, and the Hundred Years' War"), [])]
    ['Wars of the Roses', "Hundred Years' War"]
    """
    located, unplaced = locate_links(field)
    refs = [ref for item in located if not item.is_flag and (ref := link_ref(item.link))]
    refs += [ref for link in unplaced if not is_flag(link.anchor) and (ref := link_ref(link))]
    if refs:
        return _dedupe(refs)
    text = drop_undefined(field.text, field.name, warnings)
    plain: list[EntityRef] = []
    for piece in _PLAIN_LIST_SEPARATOR.split(strip_markup(text)):
        piece = strip_image_name(piece, field.name, warnings)
        piece = _LEADING_THE.sub("", piece.strip()).strip(" .;,")
        if piece:
            plain.append(EntityRef(piece))
    return _dedupe(plain)


# ---------------------------------------------------------------------------------------
# places

#: Separators between the items of a place list (never inside a link's anchor).
_PLACE_SEPARATOR = re.compile(r"\s*(?:\n|[,;/]|\*|\s+and\s+|\s+&\s+)\s*")
#: Words that describe a place without naming one ("region", "outskirts", "western").
_GENERIC = {
    "region", "regions", "area", "areas", "outskirts", "countryside", "surroundings", "city",
    "town", "village", "villages", "district", "districts", "province", "territories",
    "territory", "countries", "country", "part", "parts", "border", "borders", "surrounding",
    "environs", "vicinity", "suburbs", "near", "along", "in", "at", "of", "the", "its", "and",
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest", "north-east", "north-west",
    "south-east", "south-west", "northeastern", "northwestern", "southeastern",
    "southwestern", "neighbouring", "neighboring", "nearby", "other", "several", "various",
    "governorates", "oblasts", "provinces", "river", "bank", "whole", "entire", "rest",
}
_LOWERCASE_LEAD = re.compile(r"^\(?[a-z]")


def _segments(field: Field) -> tuple[list[tuple[int, int, str, EntityRef | None]], list[Link]]:
    """The field text as (start, end, kind, ref) segments in order; kind is ``link``,
    ``flag`` (a flag emoji link) or ``text``."""
    located, unplaced = locate_links(field)
    segments: list[tuple[int, int, str, EntityRef | None]] = []
    position = 0
    for item in located:
        if item.start > position:
            segments.append((position, item.start, "text", None))
        if item.is_flag:
            segments.append((item.start, item.end, "flag", None))
        else:
            segments.append((item.start, item.end, "link", link_ref(item.link)))
        position = item.end
    if position < len(field.text):
        segments.append((position, len(field.text), "text", None))
    return segments, unplaced


def _plain_place(text: str, field: Field, warnings: list[ReadWarning]) -> EntityRef | None:
    text = strip_image_name(text, field.name, warnings)
    text = normalise_space(strip_markup(FLAG.sub(" ", text))).strip(" .:()")
    text = _LEADING_THE.sub("", text)
    if not text or _LOWERCASE_LEAD.match(text):
        return None
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words or all(word.lower() in _GENERIC for word in words):
        return None
    if words[-1].lower() in _GENERIC and words[-1][0].islower():
        return None          # "Syrian territories", "Idlib city": a description
    return EntityRef(text)


def parse_places(field: Field, warnings: list[ReadWarning]) -> list[EntityRef]:
    """The places of the ``place`` field: every link (anchor + page), and the unlinked
    names of the list as plain refs (``Aleppo, Aleppo Governorate, Syria`` with the first
    two linked -> Aleppo, Aleppo Governorate (linked) and Syria (plain)). Descriptions
    (``Idlib city``, ``western Syria``, ``neighbouring countries``) and lower-case
    parentheticals (``(occupied by Russia)``, ``(see spillover into Russia)``) give no place;
    image names and ``undefined`` are dropped with a warning.
    """
    text = field.text
    if "undefined" in text:
        drop_undefined(text, field.name, warnings)      # only for the warning
    segments, unplaced = _segments(field)
    refs: list[EntityRef] = []
    depth = 0
    skip_depth: int | None = None
    current_plain: list[str] = []
    current_has_link = False

    def close_item() -> None:
        nonlocal current_plain, current_has_link
        plain = " ".join(current_plain).strip()
        if plain and current_has_link:
            strip_image_name(plain, field.name, warnings)      # for the warning only
        if plain and not current_has_link and skip_depth is None:
            cleaned = re.sub(r"\bundefined\b", " ", plain)
            ref = _plain_place(cleaned, field, warnings)
            if ref is not None:
                refs.append(ref)
        current_plain = []
        current_has_link = False

    for start, end, kind, ref in segments:
        piece = text[start:end]
        if kind == "flag":
            continue
        if kind == "link":
            if skip_depth is None and ref is not None:
                refs.append(ref)
            current_has_link = True
            continue
        # Plain text: walk it, splitting items at separators and tracking parentheses.
        position = 0
        for match in re.finditer(r"[()]|" + _PLACE_SEPARATOR.pattern, piece):
            chunk = piece[position:match.start()]
            if chunk.strip():
                current_plain.append(chunk)
            token = match.group(0)
            if token == "(":
                close_item()
                depth += 1
                after = piece[match.end():].lstrip()
                if skip_depth is None and after[:1].islower():
                    skip_depth = depth
            elif token == ")":
                close_item()
                if skip_depth == depth:
                    skip_depth = None
                depth = max(0, depth - 1)
            else:
                close_item()
            position = match.end()
        rest = piece[position:]
        if rest.strip():
            current_plain.append(rest)
    close_item()
    for link in unplaced:
        ref = None if is_flag(link.anchor) else link_ref(link)
        if ref is not None:
            refs.append(ref)
    linked = {ref.name.lower() for ref in refs if ref.is_linked}
    return _dedupe([ref for ref in refs if ref.is_linked or ref.name.lower() not in linked])


# ---------------------------------------------------------------------------------------
# coordinates

_NUMBER = r"[-+−]?\d+(?:\.\d+)?"
_DECIMAL_PAIR = re.compile(
    rf"(?P<lat>{_NUMBER})\s*°\s*(?P<ns>[NS])?\s*[,;]?\s*(?P<lon>{_NUMBER})\s*°\s*(?P<ew>[EW])?"
)
_DMS = (
    r"(?P<{p}d>\d+(?:\.\d+)?)\s*°\s*(?:(?P<{p}m>\d+(?:\.\d+)?)\s*[′']\s*)?"
    r"(?:(?P<{p}s>\d+(?:\.\d+)?)\s*(?:″|''|\")\s*)?(?P<{p}h>[{h}])"
)
_DMS_PAIR = re.compile(_DMS.format(p="a", h="NS") + r"\s*[,;]?\s*" + _DMS.format(p="o", h="EW"))
_PLAIN_PAIR = re.compile(rf"^\s*(?P<lat>{_NUMBER})\s*[,;\s]\s*(?P<lon>{_NUMBER})\s*$")


def _number(text: str) -> float:
    return float(text.replace("−", "-"))


def _dms(degrees: str, minutes: str | None, seconds: str | None) -> tuple[float, bool]:
    """Decimal degrees, and whether minutes and seconds are in range."""
    m = float(minutes) if minutes else 0.0
    s = float(seconds) if seconds else 0.0
    return float(degrees) + m / 60 + s / 3600, m < 60 and s < 60


def _pipe_coordinates(text: str) -> tuple[float, float, bool] | None:
    """``{{coord|36|13|N|37|10|E|type:…}}`` or its parameters ``36|13|N|37|10|E``,
    ``39.811|N|77.225|W``, ``54.009|-6.4049``."""
    inner = re.sub(r"(?i)^\s*\{\{\s*coord\s*\|", "", text.strip()).rstrip("}").strip()
    parts = [p.strip() for p in inner.split("|")]
    parts = [p for p in parts if p and ":" not in p and "=" not in p]
    if len(parts) < 2:
        return None
    values: list[float] = []
    latitude: tuple[float, bool] | None = None
    longitude: tuple[float, bool] | None = None
    for part in parts:
        upper = part.upper()
        if upper in ("N", "S", "E", "W"):
            if not 1 <= len(values) <= 3:
                return None
            value, ok = _dms(*[str(v) for v in values], *([None] * (3 - len(values))))
            if upper in ("S", "W"):
                value = -value
            if upper in ("N", "S") and latitude is None:
                latitude = (value, ok)
            elif upper in ("E", "W") and latitude is not None and longitude is None:
                longitude = (value, ok)
            else:
                return None
            values = []
        elif re.fullmatch(_NUMBER, part):
            values.append(_number(part))
        else:
            return None
    if latitude is not None and longitude is not None and not values:
        return latitude[0], longitude[0], latitude[1] and longitude[1]
    if latitude is None and longitude is None and len(values) == 2:
        return values[0], values[1], True
    return None


def parse_coordinates(field: Field, warnings: list[ReadWarning]) -> Coordinates | None:
    """Coordinates from the ``coordinates`` field.

    wtf_wikipedia prints signed decimals between FIXED letters (``°N`` then ``°W``
    whatever the sign): there the sign is the truth and the letters mean nothing, so
    ``36.21667°N, 37.16667°W`` is Aleppo (36.21667, 37.16667). Degrees-minutes-seconds
    (``36°13′N 37°10′E``) and ``{{coord}}`` parameters (``36|13|N|37|10|E``) carry real
    hemisphere letters: ``S`` and ``W`` negate. Out-of-range values warn
    ``bad-coordinates``; text that is not coordinates warns ``unparsed-coordinates``.

    >>> c = parse_coordinates(Field("coordinates", "-33.9°N, -70.1°W"), []); c.latitude, c.longitude
    (-33.9, -70.1)
    """
    raw = field.text
    text = normalise_space(strip_markup(raw.replace("\n", " ")))
    if not text:
        return None
    result: tuple[float, float, bool] | None = None
    match = _DMS_PAIR.search(text)
    if match and (match.group("am") or match.group("as") or not _DECIMAL_PAIR.search(text)):
        lat, lat_ok = _dms(match.group("ad"), match.group("am"), match.group("as"))
        lon, lon_ok = _dms(match.group("od"), match.group("om"), match.group("os"))
        if match.group("ah") == "S":
            lat = -lat
        if match.group("oh") == "W":
            lon = -lon
        result = (lat, lon, lat_ok and lon_ok)
    if result is None:
        match = _DECIMAL_PAIR.search(text)
        if match:
            result = (_number(match.group("lat")), _number(match.group("lon")), True)
    if result is None and "|" in text:
        result = _pipe_coordinates(text)
    if result is None:
        match = _PLAIN_PAIR.match(text)
        if match:
            result = (_number(match.group("lat")), _number(match.group("lon")), True)
    if result is None:
        warnings.append(ReadWarning("unparsed-coordinates", field.name, raw.strip(),
                                    f"could not read coordinates in {raw.strip()!r}"))
        return None
    lat, lon, ok = result
    if not ok or not -90 <= lat <= 90 or not -180 <= lon <= 180:
        warnings.append(ReadWarning("bad-coordinates", field.name, raw.strip(),
                                    f"coordinates out of range ({lat}, {lon}) in {raw.strip()!r}"))
        return None
    return Coordinates(latitude=lat, longitude=lon, text=raw)


# ---------------------------------------------------------------------------------------
# text blocks

_BULLET = re.compile(r"^\s*[*#•]+\s*")


def parse_text_block(field: Field, warnings: list[ReadWarning]) -> TextBlock:
    """A free-text field (``result``, ``territory``, ``status``, ``notes``): ``lead`` is the
    text before the first bullet, ``bullets`` the ``*`` items (and any later unbulleted
    line) kept apart, ``links`` the linked entities in order.

    >>> b = parse_text_block(Field("result", "Rebel victory\\n*Rebels gain control of Anadan checkpoint"), [])
    >>> b.lead, b.bullets
    ('Rebel victory', ['Rebels gain control of Anadan checkpoint'])
    """
    text = drop_undefined(field.text, field.name, warnings)
    lead_lines: list[str] = []
    bullets: list[str] = []
    in_bullets = False
    for line in text.split("\n"):
        is_bullet = bool(_BULLET.match(line)) and line.strip() not in ("*", "#", "•")
        cleaned = normalise_space(strip_markup(_BULLET.sub("", line)))
        if not cleaned:
            continue
        cleaned = strip_image_name(cleaned, field.name, warnings)
        if is_bullet:
            in_bullets = True
            bullets.append(cleaned)
        elif in_bullets:
            bullets.append(cleaned)
        else:
            lead_lines.append(cleaned)
    located, unplaced = locate_links(field)
    links = [ref for item in located if not item.is_flag and (ref := link_ref(item.link))]
    links += [ref for link in unplaced if not is_flag(link.anchor) and (ref := link_ref(link))]
    return TextBlock(
        field=field.name,
        text=field.text,
        lead=" ".join(lead_lines),
        bullets=bullets,
        links=_dedupe(links),
    )
