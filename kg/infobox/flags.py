"""Flag emoji -> the country they stand for, as a Wikipedia-style English title.

Infobox templates such as ``{{flag|Iraq}}`` render to a flag emoji (a pair of Unicode
regional indicators, ``🇮🇶`` = ``I`` ``Q``) that is sometimes linked to the country page and
sometimes not. A pair of regional indicators spells an ISO 3166-1 alpha-2 code; a black
flag followed by tag characters (``🏴`` + ``gbsct`` + cancel tag) spells an ISO 3166-2
subdivision code (Scotland). :mod:`pycountry` gives the country; its short names are made
Wikipedia-like with ``common_name`` (``Iran`` for ``Iran, Islamic Republic of``) and a small
override table for the cases where pycountry and Wikipedia disagree (``Russia`` for
``Russian Federation``, ``Turkey`` for ``Türkiye``).

>>> flag_title("🇷🇺"), flag_title("🇰🇵"), flag_title("🇸🇾"), flag_title("🇬🇧")
('Russia', 'North Korea', 'Syria', 'United Kingdom')
>>> flag_country("🇮🇶")
EntityRef(name='Iraq', page='Iraq', fragment=None)
>>> flag_country("🇮🇶", page="iraq")
EntityRef(name='Iraq', page='iraq', fragment=None)
>>> is_same_country("🇷🇺", "Russia"), is_same_country("🇸🇾", "Syrian Arab Republic"), is_same_country("🇮🇶", "Iraqi Shia militias")
(True, True, False)
"""

from __future__ import annotations

import unicodedata

import pycountry

from kg.infobox.records import EntityRef
from kg.infobox.text import FLAG

__all__ = ["flag_code", "flag_title", "flag_country", "country_names", "country_title", "is_country_title",
           "is_same_country"]

_REGIONAL_A = 0x1F1E6
_TAG_BASE = 0xE0000
_CANCEL_TAG = 0xE007F

#: Where pycountry's short name (or common name) is not the Wikipedia article title.
_TITLE_OVERRIDES: dict[str, str] = {
    "RU": "Russia",
    "TR": "Turkey",
    "CZ": "Czech Republic",
    "BN": "Brunei",
    "CV": "Cape Verde",
    "CI": "Ivory Coast",
    "CG": "Republic of the Congo",
    "CD": "Democratic Republic of the Congo",
    "FM": "Federated States of Micronesia",
    "PS": "State of Palestine",
    "VA": "Vatican City",
    "MO": "Macau",
    "IE": "Republic of Ireland",
    "GE": "Georgia (country)",
    "BS": "The Bahamas",
    "GM": "The Gambia",
    "FK": "Falkland Islands",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
    "KR": "South Korea",
    "KP": "North Korea",
    "MK": "North Macedonia",
    "SZ": "Eswatini",
    "TW": "Taiwan",
    "HK": "Hong Kong",
    # Codes that are not countries in ISO 3166-1 but have flag emoji.
    "EU": "European Union",
    "UN": "United Nations",
    "XK": "Kosovo",
}

#: Other names of a country that an infobox may write after its flag.
_ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("Britain", "Great Britain", "UK"),
    "US": ("USA", "U.S.", "America", "United States of America"),
    "RU": ("Russian Federation",),
    "TR": ("Türkiye", "Republic of Turkey"),
    "GE": ("Georgia",),
    "IE": ("Ireland",),
    "CZ": ("Czechia",),
    "PS": ("Palestine",),
    "CI": ("Côte d'Ivoire",),
}


def flag_code(flag: str) -> str | None:
    """The ISO code a flag emoji spells: ``IQ`` for ``🇮🇶``, ``GB-SCT`` for the Scottish flag;
    ``None`` if the text is not one flag.

    >>> flag_code("🇮🇶"), flag_code("🏴\\U000e0067\\U000e0062\\U000e0073\\U000e0063\\U000e0074\\U000e007f"), flag_code("x")
    ('IQ', 'GB-SCT', None)
    """
    flag = flag.strip()
    match = FLAG.fullmatch(flag)
    if not match:
        return None
    if flag[0] == "\U0001F3F4":
        tags = "".join(chr(ord(c) - _TAG_BASE) for c in flag[1:] if ord(c) != _CANCEL_TAG)
        if len(tags) < 3:
            return None
        return f"{tags[:2]}-{tags[2:]}".upper()
    return "".join(chr(ord(c) - _REGIONAL_A + ord("A")) for c in flag)


def flag_title(flag: str) -> str | None:
    """The Wikipedia-style English title of the country a flag emoji stands for, or
    ``None`` for a code that names nothing known."""
    code = flag_code(flag)
    if code is None:
        return None
    if "-" in code:
        subdivision = pycountry.subdivisions.get(code=code)
        return subdivision.name if subdivision is not None else None
    if code in _TITLE_OVERRIDES:
        return _TITLE_OVERRIDES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def flag_country(flag: str, page: str | None = None) -> EntityRef | None:
    """The country of a flag as an :class:`EntityRef`: its title as name, and as page the
    page of the link on the flag when there is one (as written, e.g. ``iraq``), else the
    title. ``None`` when the flag stands for nothing known and is not linked."""
    title = flag_title(flag)
    if title is None:
        if page:
            return EntityRef(page, page)
        return None
    return EntityRef(title, page if page else title)


def country_names(flag: str) -> set[str]:
    """Every name (case-folded) under which the country of the flag may be written."""
    code = flag_code(flag)
    if code is None:
        return set()
    names: set[str] = set()
    title = flag_title(flag)
    if title:
        names.add(title)
        names.add(title.split(" (")[0])
    if "-" not in code:
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            for attribute in ("name", "common_name", "official_name"):
                value = getattr(country, attribute, None)
                if value:
                    names.add(value)
        names.update(_ALIASES.get(code, ()))
    return {_fold(name) for name in names}


def is_same_country(flag: str, name: str, page: str | None = None, flag_page: str | None = None) -> bool:
    """True when ``name`` (or its link ``page``) is the country the flag stands for:
    ``🇷🇺 Russia``, ``🇸🇾 Syrian Arab Republic``, or a name linked to the flag's own page."""
    names = country_names(flag)
    if _fold(name) in names:
        return True
    if page is not None:
        if _fold(page) in names:
            return True
        if flag_page is not None and _fold(page) == _fold(flag_page):
            return True
    return False


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("_", " ")
    return " ".join(text.split()).casefold().removeprefix("the ")


_COUNTRY_TITLES: dict[str, str] | None = None


def country_title(name: str) -> str | None:
    """The Wikipedia title of the country a name stands for (any of its ISO names, its
    Wikipedia title, or a known alias), or ``None`` when the name is no country's.

    >>> country_title("Russian Federation"), country_title("the Netherlands"), country_title("Hezbollah")
    ('Russia', 'Netherlands', None)
    """
    global _COUNTRY_TITLES  # noqa: PLW0603 - built on first use: pycountry is slow to walk
    if _COUNTRY_TITLES is None:
        titles: dict[str, str] = {}
        for country in pycountry.countries:
            flag = (chr(_REGIONAL_A + ord(country.alpha_2[0]) - ord("A"))
                    + chr(_REGIONAL_A + ord(country.alpha_2[1]) - ord("A")))
            title = flag_title(flag)
            if title is not None:
                titles.update(dict.fromkeys(country_names(flag), title))
        _COUNTRY_TITLES = titles
    return _COUNTRY_TITLES.get(_fold(name))


def is_country_title(title: str) -> bool:
    """True when a page title or name is a country's name (any of its ISO names, its
    Wikipedia title, or a known alias), so a party linked to it is a country.

    >>> is_country_title("Iran"), is_country_title("saudi arabia"), is_country_title("Hezbollah")
    (True, True, False)
    """
    return country_title(title) is not None


def entry_country(entry: object) -> EntityRef | None:
    """The country of the flag an entry of a scanned field starts with (``None`` without a
    flag): the flag's link page when the flag is linked, else the country the emoji spells."""
    flag = getattr(entry, "flag", None)
    if flag is None:
        return None
    page = flag.link.page if flag.link is not None else None
    return flag_country(flag.text, page)
