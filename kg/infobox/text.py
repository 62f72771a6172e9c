"""Text primitives shared by every infobox field parser.

wtf_wikipedia renders a field to plain text and lists its links separately, in order. The
parsers need to know *where* in the text each link sits, and to clean the debris that
templates leave behind: image file names (``Emblem of Liwa Al-Quds.svg Liwa al-Quds``),
the JavaScript ``undefined`` where a template had no value, flag emoji, wiki bold marks.
Every function here is pure; whatever it drops it reports so the caller can warn.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kg.document import Field, Link, ReadWarning

#: A flag emoji: a pair of regional indicators, or a black flag with tag characters.
FLAG = re.compile(r"[\U0001F1E6-\U0001F1FF]{2}|\U0001F3F4[\U000E0020-\U000E007F]+")
_IMAGE_EXTENSIONS = r"svg|png|jpe?g|gif|tiff?|webp|xcf|bmp"
#: An image file name at the start of an entry, up to and including its extension.
IMAGE_NAME = re.compile(
    rf"^(?P<name>[^\n()\[\]]*?\.(?:{_IMAGE_EXTENSIONS}))(?=\s|$|[,;])", re.IGNORECASE
)
UNDEFINED = re.compile(r"(?<![\w-])undefined(?![\w-])")
_WIKI_MARKUP = re.compile(r"'{2,}")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u200b]+")


def strip_markup(text: str) -> str:
    """Remove wiki bold/italic quote runs and fold spaces.

    >>> strip_markup("'''Russia'''  (x)")
    'Russia (x)'
    """
    return _SPACES.sub(" ", _WIKI_MARKUP.sub("", text)).strip()


def is_flag(text: str) -> bool:
    """True when the text is only flag emoji (and spaces).

    >>> is_flag("🇮🇶"), is_flag("Iraq")
    (True, False)
    """
    stripped = text.strip()
    return bool(stripped) and FLAG.sub("", stripped).strip() == ""


def drop_undefined(text: str, field: str, warnings: list[ReadWarning]) -> str:
    """Remove the ``undefined`` that wtf_wikipedia writes for a template it could not
    render (``c. undefined 8,000``), with a warning.

    >>> w = []; drop_undefined("c. undefined 8,000 fighters", "strength2", w), w[0].kind
    ('c. 8,000 fighters', 'undefined-artifact')
    """
    if not UNDEFINED.search(text):
        return text
    cleaned = _SPACES.sub(" ", UNDEFINED.sub("", text)).strip()
    warnings.append(ReadWarning("undefined-artifact", field, text.strip(),
                                f"dropped template artifact 'undefined' in {text.strip()!r}"))
    return cleaned


def strip_image_name(entry: str, field: str, warnings: list[ReadWarning]) -> str:
    """Remove an image file name that a flag or emblem template left before a name.

    >>> w = []; strip_image_name("Emblem of Liwa Al-Quds.svg Liwa al-Quds", "combatant1", w)
    'Liwa al-Quds'
    >>> w[0].kind
    'image-name'
    """
    stripped = entry.lstrip()
    match = IMAGE_NAME.match(stripped)
    if not match:
        return entry
    warnings.append(ReadWarning("image-name", field, entry.strip(),
                                f"removed image file name {match.group('name').strip()!r}"))
    return stripped[match.end():].strip()


@dataclass(frozen=True)
class LocatedLink:
    """A field link with the span of its anchor in the field text."""

    link: Link
    start: int
    end: int

    @property
    def is_flag(self) -> bool:
        return is_flag(self.link.anchor)


def locate_links(field: Field) -> tuple[list[LocatedLink], list[Link]]:
    """Find each link's anchor in the field text. Links are listed in text order, so the
    search moves forward; a link whose anchor is not found after the previous one is looked
    for from the start, and if still absent is returned as unplaced.

    >>> f = Field("c", "🇮🇶 Iraqi Shia militias", [Link("iraq", "🇮🇶"), Link("Private militias in Iraq", "Iraqi Shia militias")])
    >>> [(l.link.page, l.start, l.end) for l in locate_links(f)[0]]
    [('iraq', 0, 2), ('Private militias in Iraq', 3, 22)]
    """
    located: list[LocatedLink] = []
    unplaced: list[Link] = []
    text = field.text
    cursor = 0
    taken: list[tuple[int, int]] = []
    for link in field.links:
        anchor = link.anchor
        if not anchor:
            unplaced.append(link)
            continue
        start = _find_free(text, anchor, cursor, taken)
        if start < 0:
            start = _find_free(text, anchor, 0, taken)
        if start < 0:
            unplaced.append(link)
            continue
        end = start + len(anchor)
        located.append(LocatedLink(link, start, end))
        taken.append((start, end))
        cursor = end
    located.sort(key=lambda item: item.start)
    return located, unplaced


def _find_free(text: str, anchor: str, start: int, taken: list[tuple[int, int]]) -> int:
    """First occurrence of ``anchor`` at or after ``start`` that overlaps no placed link and
    is not inside a longer word (``Iran`` must not match inside ``Iranian``)."""
    position = start
    while True:
        index = text.find(anchor, position)
        if index < 0:
            return -1
        end = index + len(anchor)
        inside_word = (index > 0 and text[index - 1].isalnum() and anchor[0].isalnum()) or (
            end < len(text) and text[end].isalnum() and anchor[-1].isalnum()
        )
        overlaps = any(index < t_end and end > t_start for t_start, t_end in taken)
        if not inside_word and not overlaps:
            return index
        position = index + 1


_TRAILING_PARENTHETICAL = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$")


def split_trailing_parentheticals(text: str) -> tuple[str, list[str]]:
    """Split ``Name (a) (b)`` into ``('Name', ['a', 'b'])``; nested parentheses kept.

    >>> split_trailing_parentheticals("17th Division (Reserve) (2013–14)")
    ('17th Division', ['Reserve', '2013–14'])
    >>> split_trailing_parentheticals("Liwa al-Haqq (Idlib, Syria)")
    ('Liwa al-Haqq', ['Idlib, Syria'])
    """
    core = text.rstrip()
    found: list[str] = []
    while True:
        match = _TRAILING_PARENTHETICAL.search(core)
        if not match or match.start() == 0:
            break
        found.insert(0, match.group(1).strip())
        core = core[: match.start()].rstrip()
    return core, found


def normalise_space(text: str) -> str:
    """NFC, folded spaces, stripped.

    >>> normalise_space(" a\\u00a0 b ")
    'a b'
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def script_language(text: str) -> str | None:
    """The language tag a name's script implies: ``ar`` for Arabic script, ``ru`` for
    Cyrillic, ``hy`` Armenian, ``he`` Hebrew, ``ka`` Georgian, ``el`` Greek, ``fa`` is not
    distinguishable from ``ar`` by script; ``en`` for Latin; ``None`` when unknown.

    >>> script_language("مَعْرَكَةُ حَلَبَ"), script_language("Битва"), script_language("Battle")
    ('ar', 'ru', 'en')
    """
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for script, tag in _SCRIPTS:
            if name.startswith(script):
                counts[tag] = counts.get(tag, 0) + 1
                break
    if not counts:
        return None
    return max(sorted(counts), key=lambda tag: counts[tag])


_SCRIPTS = (
    ("ARABIC", "ar"),
    ("CYRILLIC", "ru"),
    ("ARMENIAN", "hy"),
    ("HEBREW", "he"),
    ("GEORGIAN", "ka"),
    ("GREEK", "el"),
    ("LATIN", "en"),
    ("CJK", "zh"),
    ("HANGUL", "ko"),
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("DEVANAGARI", "hi"),
    ("THAI", "th"),
)
