"""Countries and flags: the flag emoji and country name of ``{{flag|…}}``/``{{flagicon|…}}``
codes and names (Template:Country data), from pycountry and the infobox flag tables.
"""

from __future__ import annotations

import functools
import unicodedata

import pycountry

from kg.infobox import flags as flag_module
from kg.infobox.flags import flag_title
from kg.readers.wikitext.templates import _SPACES


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
