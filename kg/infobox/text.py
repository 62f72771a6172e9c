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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.document import Field, Link, ReadWarning
from kg.infobox.records import EntityRef

#: A flag emoji: a pair of regional indicators, or a black flag with tag characters.
FLAG = re.compile(r"[\U0001F1E6-\U0001F1FF]{2}|\U0001F3F4[\U000E0020-\U000E007F]+")
_IMAGE_EXTENSIONS = r"svg|png|jpe?g|gif|tiff?|webp|xcf|bmp"
#: An image file name at the start of an entry, up to and including its extension (one
#: stray letter after the extension is tolerated: ``Kraken logo.pngn Regiment``); a file
#: name can end in a parenthetical (``Flag of Ichkeria (with Coat of Arms).svg``) and is
#: removed whole.
IMAGE_NAME = re.compile(
    rf"^(?P<name>[^\n()\[\]]*?(?:\([^()\n]*\))?\.(?:{_IMAGE_EXTENSIONS})[a-z]?)(?=\s|$|[,;])", re.IGNORECASE
)
#: Wiki image markup that a template left unrendered: ``[[Image:X.svg|15px]]``.
WIKI_FILE = re.compile(r"\[\[(?:Image|File):[^\]\n]*\]\]", re.IGNORECASE)
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
    >>> split_trailing_parentheticals("Kadyrovite unit(s)")
    ('Kadyrovite unit(s)', [])
    """
    core = text.rstrip()
    found: list[str] = []
    while True:
        match = _TRAILING_PARENTHETICAL.search(core)
        if not match or match.start() == 0 or core[match.start() - 1].isalnum():
            break       # nothing left, or a parenthesis inside a word: "unit(s)"
        found.insert(0, match.group(1).strip())
        core = core[: match.start()].rstrip()
    return core, found


#: Quote marks that open and close a quoted name or phrase (straight ones do both).
_QUOTE_PAIRS = {'"': '"', "“": "”", "‘": "’"}


def strip_keeping_quotes(text: str, chars: str) -> str:
    """``text.strip(chars)`` that never cuts one mark of a quoted pair: a quote mark at
    either end goes only when its partner is not in the text (a stray one), so a name
    quoted at the start or the end (``"Raptor" boats``, ``thought "thousands higher"``)
    keeps both its marks.

    >>> strip_keeping_quotes('"Raptor" boats', ' ,"'), strip_keeping_quotes('total thought "thousands higher"', ' "')
    ('"Raptor" boats', 'total thought "thousands higher"')
    >>> strip_keeping_quotes('" Christian militiamen', ' "'), strip_keeping_quotes('"fighters"', ' "')
    ('Christian militiamen', 'fighters')
    """
    marks = set(_QUOTE_PAIRS) | set(_QUOTE_PAIRS.values())
    plain = "".join(c for c in chars if c not in marks)
    quotes = "".join(c for c in chars if c in marks)
    while True:
        before = text
        text = text.strip(plain)
        if text[:1] in quotes and text[:1] and _is_stray_quote(text, 0):
            text = text[1:]
        if text[-1:] in quotes and text[-1:] and _is_stray_quote(text, len(text) - 1):
            text = text[:-1]
        if text == before:
            return text


def _is_stray_quote(text: str, index: int) -> bool:
    """Whether the quote mark at ``index`` has no partner in ``text``; a quote around the
    whole text has one, but is a wrapper all the same (``"fighters"``)."""
    mark = text[index]
    if len(text) > 1 and _QUOTE_PAIRS.get(text[0]) == text[-1] and text.count(text[0]) == (1 if text[0] != text[-1] else 2):
        return True
    if mark == '"':
        return text.count('"') % 2 == 1
    partner = _QUOTE_PAIRS.get(mark) or next(k for k, v in _QUOTE_PAIRS.items() if v == mark)
    return partner not in text


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


# ---------------------------------------------------------------------------------------
# Scanning a list field (combatants, commanders, units) into entries.
#
# wtf_wikipedia renders a list field as lines whose structure is unreliable: two entries can
# share a line when flags, links or wide gaps (removed icons) separate them, a qualifier in
# parentheses can follow on the next line, image file names and flags sit before names.
# :func:`scan_field` cuts each line into typed pieces (links, flags, parentheticals, image
# names, plain text) with their offsets; :func:`group_line` groups the pieces of one line
# into entries and headings. The family parsers (parties, commanders, units) interpret them.

#: Headings written without a colon (a whole entry that is only one of these words).
HEADING_WORDS = re.compile(
    r"^(?:supported\s+by|support|supporters|units\s+involved|k\.?i\.?a\.?|killed\s+in\s+action|"
    r"arms\s+suppliers?|diplomatic\s+support|non-combat\s+support|logistic(?:al)?\s+support|"
    r"allied\s+militias|air\s*strikes|air\s+support)$",
    re.IGNORECASE,
)
#: Field values that say nothing (``Unknown``, ``See order of battle``, ``Full list..``,
#: ``...full list`` (a link to the list article), a stray
#: letter left by a footnote), and names that only say that nobody knows who (``Unnamed ISIL
#: leader``, ``Unidentified Arab leaders``, ``Unknown Syrian military unit``).
PLACEHOLDER = re.compile(
    r"^(?:unknown|none|n/?a|-+|\?+|[^\W\d_]\.?|\W*full\s+list\W*|"
    r"see\s+(?:the\s+)?(?:\S+\s+)*?(?:order\s+of\s+battle|below|above|article|list).*|"
    # the head noun is lower case: "Unknown Wagner Group" is a name, "Unknown … group" is not
    r"(?:unknown|unidentified|unnamed|anonymous)\b.*\b(?-i:leaders?|commanders?|officers?|officials?|"
    r"generals?|chiefs?|emirs?|units?|militias?|groups?|fighters|forces|brigades?|battalions?|"
    r"regiments?|divisions?|persons?|people|individuals?|members?|soldiers|troops|rebels))$",
    re.IGNORECASE,
)
#: ``Unknown`` before a name (``Unknown Wagner Group``): the name is kept, the word dropped.
_UNKNOWN_PREFIX = re.compile(r"^(?:unknown|unidentified|unnamed)\s+(?=\S)", re.IGNORECASE)
#: Text after a link that continues its name: lower case (not an Arabic article such as
#: ``al-``), ``&``, ``'s``.
_CONTINUES = re.compile(r"^(?:[&'’/+]|(?![a-z]{1,3}-)[a-z])")
_NAME_WORDS_FILE = Path(__file__).with_name("name_words.tsv")


@cache
def word_rows(path: Path, kind: str) -> tuple[tuple[str, ...], ...]:
    """The rows of one kind in a word list (``kind<TAB>word[<TAB>…]``, ``#`` comments), each
    without its kind, the word casefolded.

    >>> ("elements",) in word_rows(_NAME_WORDS_FILE, "unit-part")
    True
    """
    rows: list[tuple[str, ...]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            row_kind, word, *rest = line.split("\t")
            if row_kind == kind:
                rows.append((normalise_space(word).casefold(), *rest))
    return tuple(rows)


def is_unrendered_flag(link: Link | None, text: str) -> bool:
    """True when ``text`` is written only by a link to ``undefined``: what wtf_wikipedia
    writes for a flag template it could not render (``{{flag|Iraqi Kurdistan}}`` -> the
    text ``Iraqi Kurdistan`` linked to ``undefined``, after the space of a dropped icon).
    The text is then the name of the polity or organisation whose flag it is.

    >>> is_unrendered_flag(Link("undefined", "Iraqi Kurdistan"), "Iraqi Kurdistan")
    True
    >>> is_unrendered_flag(Link("Peshmerga"), "Peshmerga"), is_unrendered_flag(Link("undefined", "PUK"), "PUK Group")
    (False, False)
    """
    return link is not None and UNDEFINED.fullmatch(link.page.strip()) is not None \
        and normalise_space(strip_markup(link.anchor)) == normalise_space(text)


def name_words(kind: str) -> frozenset[str]:
    """The casefolded words of one kind in ``name_words.tsv`` (``unit-type``, ``unit-part``).

    >>> "sobr" in name_words("unit-type"), "elements" in name_words("unit-part")
    (True, True)
    """
    return frozenset(row[0] for row in word_rows(_NAME_WORDS_FILE, kind))


def _is_unit_type(link: Link | None) -> bool:
    """A link whose anchor names a kind of unit (``SOBR``), which needs the name before it."""
    return link is not None and normalise_space(strip_markup(link.anchor)).casefold() in name_words("unit-type")


def _is_designation_after(link: Link | None, text: str) -> bool:
    """True when ``text`` only says what kind of unit (``Mechanised Brigade``, ``Air Assault
    Regiment``: ``unit-kind`` words ending in a ``unit-noun``, ``name_words.tsv``) and the
    link before it is no unit of its own (``[[Iraq|Iraqi]]``): one name, ``12th Iraqi
    Mechanised Brigade``. After a whole unit (``[[Azov Regiment]] Tank Battalion``) it is
    another unit.

    >>> _is_designation_after(Link("Iraq", "Iraqi"), "Mechanised Brigade")
    True
    >>> _is_designation_after(Link("Azov Regiment"), "Tank Battalion"), _is_designation_after(Link("Iraq"), "Rapid Unit")
    (False, False)
    """
    words = text.casefold().split()
    anchor = strip_markup(link.anchor).casefold().split() if link is not None else []
    nouns, kinds = name_words("unit-noun"), name_words("unit-kind")
    return bool(words and anchor) and words[-1] in nouns and anchor[-1] not in nouns \
        and all(word in nouns or word in kinds for word in words)


def _is_unit_designation(text: str) -> bool:
    """Capitalised words ending in a ``unit-noun`` (``name_words.tsv``): ``Counterterrorism
    Group``, ``Tank Battalion``; not ``Local police``, ``Civilian rebels``.

    >>> _is_unit_designation("Counterterrorism Group"), _is_unit_designation("Local police")
    (True, False)
    """
    words = text.split()
    return bool(words) and words[-1].casefold() in name_words("unit-noun") \
        and all(word[:1].isupper() for word in words)


def _names_no_unit(piece: Piece) -> bool:
    """A link whose anchor ends in no ``unit-noun``: no whole unit (``[[Peshmerga]]``, not
    ``[[Azov Regiment]]``)."""
    words = strip_markup(piece.text).casefold().split()
    return bool(words) and words[-1] not in name_words("unit-noun")


def _chain_ends_in_designation(scanned: ScannedField, chain: Sequence[Piece], following: Sequence[Piece]) -> bool:
    """True when the links ``chain`` go on, one space apart, with more links and then
    the words of a unit's designation (:func:`_is_unit_designation`), no link of the chain
    a whole unit (:func:`_names_no_unit`): ``[[PUK]] [[Peshmerga]] Counterterrorism Group``
    is one unit, the PUK's Peshmerga Counterterrorism Group, not three. One link with words
    after it is no chain (``[[Syrian Air Force]] Local police`` is two names)."""
    links = list(chain)
    for piece in following:
        if piece.kind == "link" and piece.link is not None and scanned.text[links[-1].end:piece.start] == " ":
            links.append(piece)
        elif piece.kind == "text" and piece.text == " ":
            continue
        elif piece.kind == "text" and piece.start == links[-1].end and len(links) >= 2:
            words = _TEXT_SPLIT.split(piece.text[1:], maxsplit=1)[0]
            return piece.text.startswith(" ") and not piece.text.startswith("  ") \
                and all(map(_names_no_unit, links)) and _is_unit_designation(words)
        else:
            return False
    return False


def _is_link_chain(pieces: Sequence[Piece]) -> bool:
    """Name pieces that are two links or more and nothing else (``[[PUK]] [[Peshmerga]]``)."""
    return len(pieces) >= 2 and all(p.kind == "link" for p in pieces)


_QUOTED = r"[\"“”„«'‘’](?P<name>[^\"“”„«»]+?)[\"“”»'‘’]"
_QUOTED_NAME = re.compile(rf"^{_QUOTED}$")
#: A quoted name and what follows it in a list of names: ``"Babay" or "Bogeyman"``,
#: ``"A", "B" and "C"`` (each name then ``or``/``and``/a comma, or the end).
_QUOTED_IN_LIST = re.compile(rf"{_QUOTED}(?:\s*,\s*(?:(?:or|and)\s+)?|\s+(?:or|and)\s+|$)")
_ORDINAL_WORD = re.compile(r"^\d+(?:st|nd|rd|th)$")
#: An abbreviation: ``PYD``, ``TEV-DEM``, ``ISIL``, ``CJTF–OIR``.
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-–]{1,9}$")


def initials(name: str) -> str:
    """The initials of a name's capitalised words: how it is abbreviated.

    >>> initials("Syrian Social Nationalist Party"), initials("Army of Conquest"), initials("Free Syrian Army")
    ('SSNP', 'AC', 'FSA')
    """
    return "".join(word[0] for word in re.split(r"[\s-]+", name) if word[:1].isupper())


def word_alternation(words: Iterable[str], *, title: bool = False) -> str:
    """A regex alternation of words or phrases of a word list, longest first (``also known
    as`` before ``known as``), any spacing between the words of a phrase; ``title``: each
    word in title case (``brigade general`` -> ``Brigade\\s+General``).

    >>> print(word_alternation(["known as", "also known as", "aka"]))
    also\\s+known\\s+as|known\\s+as|aka
    >>> print(word_alternation(["brigade general"], title=True))
    Brigade\\s+General
    """
    return "|".join(r"\s+".join(re.escape(word.capitalize() if title else word) for word in phrase.split())
                    for phrase in sorted(words, key=len, reverse=True))


@cache
def _other_name_marker() -> re.Pattern[str]:
    return re.compile(f"(?:{word_alternation(name_words('other-name'))})" + r"(?![\w.])\s*:?\s*", re.IGNORECASE)


def split_other_name(text: str) -> tuple[str, str] | None:
    """``(other name, rest)`` when a parenthetical's text, or a part of it after a comma,
    starts with words that introduce another name (``a.k.a.``, ``also known as``,
    ``alias:``; ``other-name`` in ``name_words.tsv``): the name runs to the next comma (a
    quoted name to its closing quote); the rest is what the parenthetical says besides (a
    role). ``None`` when no such words start the text or a part of it.

    >>> split_other_name("a.k.a. Abu Ibrahim Al-Francy")
    ('Abu Ibrahim Al-Francy', '')
    >>> split_other_name('alias: "Abu Suleiman", Emir and Founder of Jund ash-Sham')
    ('Abu Suleiman', 'Emir and Founder of Jund ash-Sham')
    >>> split_other_name("ISIL emir, also known as Abu Ali")
    ('Abu Ali', 'ISIL emir')
    >>> split_other_name("Akademik commander") is None, split_other_name("aka") is None
    (True, True)
    """
    text = normalise_space(text)
    for start in [0, *(m.end() for m in re.finditer(r",\s*", text))]:
        marker = _other_name_marker().match(text, start)
        if marker is None:
            continue
        name, _, after = text[marker.end():].partition(",")
        quoted = _QUOTED_NAME.match(name.strip())
        name = (quoted.group("name") if quoted else name).strip()
        if name:
            return name, ", ".join(part for part in (text[:start].rstrip(" ,"), after.strip()) if part)
    return None


def alt_names(text: str, acronyms: bool = False) -> tuple[str, ...]:
    """The other names a parenthetical gives an entry, else ``()``: the names
    :func:`given_names` reads (after words that say so, ``a.k.a. Abu Ibrahim Al-Francy``;
    quoted, ``"Kadyrovites"``; in another script than the English name's Latin one, the
    name in Arabic after its transliteration: ``Katibat Saifullah (كتيبة سيف الله)``), a
    unit designation (``2nd Army Corps``: ordinal, capitalised words, a ``unit-noun``) and,
    with ``acronyms`` (parties), an abbreviation (``PYD``). Other parentheticals
    (``Reserve``, ``alleged by Armenia``) are no names.

    >>> alt_names('"Kadyrovites"'), alt_names("2nd Army Corps"), alt_names("Reserve"), alt_names("PYD")
    (('Kadyrovites',), ('2nd Army Corps',), (), ())
    >>> alt_names("TEV-DEM", acronyms=True), alt_names("alleged by Armenia", acronyms=True)
    (('TEV-DEM',), ())
    >>> alt_names("كتيبة سيف الله"), alt_names("Азов")
    (('كتيبة سيف الله',), ('Азов',))
    >>> alt_names("also known as Tiger Forces"), alt_names('"Babay" or "Bogeyman"')
    (('Tiger Forces',), ('Babay', 'Bogeyman'))
    """
    text = normalise_space(text)
    if others := given_names(text):
        return others
    words = text.split()
    if len(words) >= 2 and _ORDINAL_WORD.match(words[0]) and all(w[:1].isupper() for w in words[1:]) \
            and words[-1].casefold() in name_words("unit-noun"):
        return (text,)
    if acronyms and _ACRONYM.match(text):
        return (text,)
    return ()


def given_names(text: str) -> tuple[str, ...]:
    """The other names a parenthetical gives as names, whatever it follows (a person, a
    party, a unit): after words that say so (``a.k.a. Abu Ibrahim Al-Francy``), in quotes
    (``"Givi"``, ``"Kadyrovites"``; several quoted names joined by ``or``, ``and`` or
    commas: ``"Babay" or "Bogeyman"``), or in another script than English's Latin
    (``كتيبة سيف الله``, ``Игорь Стрелков``). ``()`` for anything else (a role, a place, a
    note; quoted words among other words: ``al-Nusra front 'Emir'``).

    >>> given_names('"Motorola"'), given_names("Игорь Стрелков"), given_names("a.k.a. Abu Hamza")
    (('Motorola',), ('Игорь Стрелков',), ('Abu Hamza',))
    >>> given_names('"Babay" or "Bogeyman"'), given_names("'Abu Ali', 'Abu Omar' and 'the Sheikh'")
    (('Babay', 'Bogeyman'), ('Abu Ali', 'Abu Omar', 'the Sheikh'))
    >>> given_names("al-Nusra front 'Emir'"), given_names("ISIL emir, a.k.a. Abu Hamza"), given_names("2nd Army Corps")
    ((), (), ())
    """
    text = normalise_space(text)
    if (other := split_other_name(text)) is not None and not other[1]:
        return (other[0],)              # "(a.k.a. Abu Ibrahim Al-Francy)"
    names = _quoted_names(text)
    if names:
        return names
    if script_language(text) not in (None, "en"):
        return (text,)
    return ()


def _quoted_names(text: str) -> tuple[str, ...]:
    """The names of a text that is only quoted names (one, or several joined by ``or``,
    ``and`` or commas), else ``()``.

    >>> _quoted_names('"Babay" or "Bogeyman"'), _quoted_names('"Babay" the elder')
    (('Babay', 'Bogeyman'), ())
    """
    names: list[str] = []
    position = 0
    while position < len(text):
        match = _QUOTED_IN_LIST.match(text, position)
        if match is None or match.end() == position:
            # no list: one quoted name, which may hold a quote mark ('Abu 'Ali')
            whole = _QUOTED_NAME.match(text)
            return (whole.group("name").strip(),) if whole else ()
        names.append(match.group("name").strip())
        position = match.end()
    return tuple(names)


def keep_alt_name(alt: str, field_name: str, source: str, found: list[str], warnings: list[ReadWarning]) -> None:
    """Add ``alt`` to ``found`` with an ``alt-name`` warning naming the field and the text."""
    found.append(alt)
    warnings.append(ReadWarning("alt-name", field_name, source,
                                f"{alt!r} is another name: an alternative label, not part of the name"))


#: Words that end a text and go on into the following link (``4th Division of`` + link).
_CONNECTORS = {"of", "from", "in", "the", "and", "for", "at", "on", "with", "to", "&"}
_LEAD = re.compile(r"[ \t\u00a0]*(?P<bullets>\*+)?")
#: A wide gap between two entries on a line (where wtf_wikipedia joined a line break).
_GAP_PATTERN = r"[ \t\u00a0\u2009]{2,}|\t"
_GAP = re.compile(_GAP_PATTERN)
_TEXT_SPLIT = re.compile(rf"(?P<gap>{_GAP_PATTERN})|(?P<sep>[,;])|(?P<colon>:)(?=\s|$)")


@dataclass(frozen=True)
class Piece:
    """A typed piece of one line of a field: ``link`` (a name link), ``flag`` (a flag emoji,
    ``link`` set when linked), ``paren`` (a parenthetical; ``text`` without the
    parentheses, ``inner`` the links inside), ``image`` (an image file name) or ``text``
    (plain text between the others, as written). ``start``/``end`` are offsets in the field
    text."""

    kind: str
    start: int
    end: int
    text: str
    link: Link | None = None
    inner: tuple[Link, ...] = ()


@dataclass
class FieldLine:
    """One line of a field: its bullet depth, pieces, and whether a blank line precedes."""

    index: int
    start: int
    end: int
    level: int
    pieces: list[Piece]
    after_blank: bool

    @property
    def blank(self) -> bool:
        """No piece but spaces (an empty line, or a bullet with nothing after it)."""
        return all(p.kind == "text" and not p.text.strip() for p in self.pieces)


@dataclass
class ScannedField:
    """A field cut into lines of pieces. ``clean`` is the field text with image names
    blanked out (same length and offsets as ``text``); ``unplaced`` the links whose anchor
    is not in the text (candidates for :func:`entry_ref` to repair a name cut by a
    template)."""

    field: Field
    clean: str
    lines: list[FieldLine]
    unplaced: list[Link]

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def text(self) -> str:
        return self.field.text


def find_image_names(text: str) -> list[tuple[int, int]]:
    """Spans of the image file names and wiki image markup at the start of each line
    (after its bullets and flags).

    >>> find_image_names("* Syrian Marines SSI.png Syrian Marines")
    [(2, 24)]
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        position = len(line) - len(line.lstrip(" \t\u00a0*#"))
        while position < len(line):
            flag = FLAG.match(line, position)
            if flag:
                position = flag.end()
                position += len(line[position:]) - len(line[position:].lstrip())
                continue
            match = WIKI_FILE.match(line, position)
            end = match.end() if match else -1
            if not match:
                image = IMAGE_NAME.match(line[position:])
                end = position + image.end("name") if image else -1
            if end < 0:
                break
            spans.append((offset + position, offset + end))
            position = end + len(line[end:]) - len(line[end:].lstrip())
        offset += len(line) + 1
    return spans


def blank_image_names(text: str, field_name: str, warnings: list[ReadWarning],
                      spans: list[tuple[int, int]] | None = None) -> str:
    """The text with the image names of :func:`find_image_names` (or the given ``spans``)
    replaced by spaces, keeping offsets; one ``image-name`` warning for each.

    >>> w = []; blank_image_names("* Syrian Marines SSI.png Syrian Marines", "units1", w), w[0].kind
    ('*                        Syrian Marines', 'image-name')
    """
    if spans is None:
        spans = find_image_names(text)
    for start, end in spans:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start: line_end if line_end >= 0 else len(text)]
        warnings.append(ReadWarning("image-name", field_name, line.strip(),
                                    f"removed image file name {text[start:end].strip()!r}"))
    return _blank(text, spans)


def scan_field(field: Field, warnings: list[ReadWarning]) -> ScannedField:
    """Cut a list field into lines of :class:`Piece`. Image names are blanked first so
    that a link anchor is not found inside one (``Fatah Halab operations room.jpg Fatah
    Halab``); links are then placed with :func:`locate_links`; a link inside a
    parenthetical belongs to it (``(Major General of IRGC)``). An image name that starts
    the text after a link or parenthetical, or repeats one seen before, is cut out too.
    Wiki bold/italic quote runs left in the text (``'''Supported by:``) are blanked the
    same way: they are markup, so ``Supported by:`` reads as a heading.

    >>> f = Field("c", "🇮🇶 Iraqi Shia militias (from 2013)", [Link("iraq", "🇮🇶"), Link("Private militias in Iraq", "Iraqi Shia militias")])
    >>> [(p.kind, p.text) for p in scan_field(f, []).lines[0].pieces if p.text.strip()]
    [('flag', '🇮🇶'), ('link', 'Iraqi Shia militias'), ('paren', 'from 2013')]
    """
    text = field.text
    image_spans = find_image_names(text)
    located, unplaced = locate_links(Field(field.name, _blank(text, image_spans), list(field.links)))
    # A linked name can stand right before an image name that a template left
    # (``Jund al-Sham Logo of Ahrar al-Sham.svg``): the image name starts after it.
    changed = False
    for link in unplaced:
        anchor = link.anchor
        for number, (s, e) in enumerate(image_spans):
            cut = s + len(anchor)
            if anchor and text.startswith(anchor, s) and cut < e and text[cut].isspace():
                image_spans[number] = (cut + len(text[cut:e]) - len(text[cut:e].lstrip()), e)
                changed = True
                break
    clean = blank_image_names(text, field.name, warnings, image_spans)
    if changed:
        located, unplaced = locate_links(Field(field.name, clean, list(field.links)))
    # wiki bold/italic quote runs that wtf_wikipedia left (a bold spanning a line break:
    # "'''Supported by:" / "ECOWAS Full List:'''") are markup, never text: blanked like
    # image names (offsets kept), except inside a located link's anchor
    clean = _blank(clean, [(m.start(), m.end()) for m in _WIKI_MARKUP.finditer(clean)
                           if not any(item.start < m.end() and m.start() < item.end for item in located)])
    seen_images = {text[s:e].strip() for s, e in image_spans}
    lines: list[FieldLine] = []
    offset = 0
    after_blank = False
    for index, raw in enumerate(text.split("\n")):
        start, end = offset, offset + len(raw)
        offset = end + 1
        lead = _LEAD.match(raw)
        level = len(lead.group("bullets") or "") if lead else 0
        content = start + (lead.end() if lead else 0)
        spans: list[Piece] = []
        for item in located:
            if content <= item.start and item.end <= end:
                kind = "flag" if item.is_flag else "link"
                spans.append(Piece(kind, item.start, item.end, text[item.start:item.end], item.link))
        for s, e in image_spans:
            if start <= s < end:
                spans.append(Piece("image", s, e, text[s:e].strip()))
        for match in FLAG.finditer(clean, content, end):
            if not any(p.start < match.end() and match.start() < p.end for p in spans):
                spans.append(Piece("flag", match.start(), match.end(), match.group()))
        spans.sort(key=lambda p: p.start)
        spans = _with_parens(clean, content, end, spans, field.name, warnings)
        pieces = _fill_text(text, clean, content, end, spans, seen_images, field.name, warnings)
        line = FieldLine(index, start, end, level, pieces, after_blank)
        lines.append(line)
        after_blank = line.blank
    return ScannedField(field, clean, lines, unplaced)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _with_parens(clean: str, start: int, end: int, spans: list[Piece], field_name: str = "",
                 warnings: list[ReadWarning] | None = None) -> list[Piece]:
    """Find the outermost balanced parentheticals of a line (skipping links, flags and
    images) and fold the links inside each into it. A ``(`` that the line does not close
    before a wide gap, a flag or an image name, with more of the line after it, was closed
    there: the gap ends the entry, and its closing parenthesis was lost (``Abu Azzam
    Al-Kuwaiti (Qalamoun deputy commander  Ahmed al-Assir``; warning
    ``unclosed-parenthesis``). One the line does not close at all is left as text: it may go
    on over the next lines (``23,049 total (3,155 killed;``)."""
    ordered = sorted(spans, key=lambda p: p.start)
    parens: list[tuple[int, int]] = []
    unclosed: set[tuple[int, int]] = set()
    position = start
    while position < end:
        found, opened = _balanced_parens(clean, position, end, ordered)
        parens += found
        close = _entry_break(clean, opened, end, ordered) if opened is not None else None
        if opened is None or close is None:
            break
        parens.append((opened, close))
        unclosed.add((opened, close))
        if warnings is not None:
            text = normalise_space(clean[opened:close])
            warnings.append(ReadWarning("unclosed-parenthesis", field_name, normalise_space(clean[start:end]),
                                        f"{text!r} is not closed before the entry ends: closed there"))
        position = close
    if not parens:
        return spans
    kept: list[Piece] = []
    inner: dict[tuple[int, int], list[Link]] = {p: [] for p in parens}
    for piece in spans:
        holder = next((p for p in parens if p[0] <= piece.start and piece.end <= p[1]), None)
        if holder is None:
            kept.append(piece)
        elif piece.kind == "link" and piece.link is not None:
            inner[holder].append(piece.link)
    for s, e in parens:
        inside = clean[s + 1:e] if (s, e) in unclosed else clean[s + 1:e - 1]
        kept.append(Piece("paren", s, e, inside.strip(), inner=tuple(inner[(s, e)])))
    kept.sort(key=lambda p: p.start)
    return kept


def _balanced_parens(clean: str, start: int, end: int,
                     ordered: list[Piece]) -> tuple[list[tuple[int, int]], int | None]:
    """The outermost balanced parentheticals between ``start`` and ``end`` (skipping the
    ``ordered`` spans), and where an outermost ``(`` left open opened (else ``None``)."""
    parens: list[tuple[int, int]] = []
    depth = 0
    opened = -1
    position = start
    cursor = 0
    while position < end:
        while cursor < len(ordered) and ordered[cursor].end <= position:
            cursor += 1
        if cursor < len(ordered) and ordered[cursor].start <= position < ordered[cursor].end:
            position = ordered[cursor].end
            continue
        char = clean[position]
        if char == "(" and depth == 0 and position > start and clean[position - 1].isalnum():
            pass            # part of a word: "unit(s)"
        elif char == "(":
            if depth == 0:
                opened = position
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                parens.append((opened, position + 1))
        position += 1
    return parens, (opened if depth > 0 else None)


def _entry_break(clean: str, opened: int, end: int, ordered: list[Piece]) -> int | None:
    """Where the entry holding an open ``(`` ends on its line: the first wide gap (outside
    links), flag or image name after it that has more of the line after it; ``None`` when
    there is none."""
    breaks = [p.start for p in ordered if p.kind in ("flag", "image") and p.start > opened]
    breaks += [m.start() for m in _GAP.finditer(clean, opened, end)
               if not any(p.start <= m.start() < p.end for p in ordered)]
    for position in sorted(breaks):
        if clean[position:end].strip() and clean[opened + 1:position].strip():
            return len(clean[:position].rstrip())
    return None


def _fill_text(text: str, clean: str, start: int, end: int, spans: list[Piece], seen: set[str],
               field_name: str, warnings: list[ReadWarning]) -> list[Piece]:
    """Add the plain text between the spans as ``text`` pieces, cutting out image names at
    their start (or repeated anywhere)."""
    pieces: list[Piece] = []
    cursor = start
    for piece in spans + [Piece("end", end, end, "")]:
        if piece.start > cursor:
            pieces.extend(_text_pieces(text, clean, cursor, piece.start, seen, field_name, warnings))
        if piece.kind != "end":
            pieces.append(piece)
        cursor = max(cursor, piece.end)
    return pieces


def _text_pieces(text: str, clean: str, start: int, end: int, seen: set[str],
                 field_name: str, warnings: list[ReadWarning]) -> list[Piece]:
    chunk = clean[start:end]
    if not chunk.strip():
        return [Piece("text", start, end, chunk)]
    # An image name repeated from before, anywhere in the text.
    for name in sorted(seen, key=len, reverse=True):
        index = chunk.find(name)
        if name and index >= 0:
            warnings.append(ReadWarning("image-name", field_name, text[start:end].strip(),
                                        f"removed image file name {name!r}"))
            s, e = start + index, start + index + len(name)
            return (_text_pieces(text, clean, start, s, seen, field_name, warnings)
                    + [Piece("image", s, e, name)]
                    + _text_pieces(text, clean, e, end, seen, field_name, warnings))
    stripped = chunk.lstrip()
    image = IMAGE_NAME.match(stripped) or WIKI_FILE.match(stripped)
    if image:
        s = start + len(chunk) - len(stripped)
        e = s + (image.end("name") if "name" in image.re.groupindex else image.end())
        name = text[s:e].strip()
        seen.add(name)
        warnings.append(ReadWarning("image-name", field_name, text[start:end].strip(),
                                    f"removed image file name {name!r}"))
        pieces = [Piece("text", start, s, clean[start:s])] if s > start else []
        return pieces + [Piece("image", s, e, name)] + _text_pieces(text, clean, e, end, seen, field_name, warnings)
    return [Piece("text", start, end, chunk)]


@dataclass
class Entry:
    """One entry of a list field as grouped by :func:`group_line`: an optional flag, then
    name pieces (links and text, possibly a parenthetical inside the name such as
    ``46th Special Forces (Airborne) Regiment``), then trailing parentheticals; ``later``
    holds parentheticals found on following lines (``Ali Abdullah Ayyoub`` /
    ``(Chief of the General Staff)``). ``images`` are the image names removed before it."""

    line: int
    level: int
    flag: Piece | None = None
    pieces: list[Piece] = field(default_factory=list)
    later: list[Piece] = field(default_factory=list)
    images: list[Piece] = field(default_factory=list)
    after_paren: bool = False
    #: the title of a collapsed list written after the name (``ECOWAS Full List:``), cut
    #: off: a placeholder, not part of the name (see :func:`cut_list_title`)
    titles: list[Piece] = field(default_factory=list)

    @property
    def name_pieces(self) -> list[Piece]:
        last = max((i for i, p in enumerate(self.pieces) if p.kind != "paren"), default=-1)
        return self.pieces[: last + 1]

    @property
    def parens(self) -> list[Piece]:
        """Trailing parentheticals: after the name, then from later lines."""
        last = max((i for i, p in enumerate(self.pieces) if p.kind != "paren"), default=-1)
        return self.pieces[last + 1:] + self.later

    @property
    def links(self) -> list[Link]:
        return [p.link for p in self.name_pieces if p.kind == "link" and p.link is not None]

    @property
    def has_name(self) -> bool:
        return any(p.kind != "paren" for p in self.pieces)


@dataclass
class Heading:
    """A heading inside a list (``Allied militias:``, ``Supported by``, ``KIA``): ``text``
    without the colon; ``link`` when the heading is one link (``Airstrikes:``)."""

    line: int
    level: int
    text: str
    start: int
    end: int
    link: Link | None = None
    colon: bool = False


def group_line(scanned: ScannedField, line: FieldLine, *, comma_splits: bool = False,
               split_text=None, joins_link=None, rank_link=None) -> tuple[list[Piece], list[Entry | Heading]]:
    """Group the pieces of one line into entries and headings.

    Returns ``(leading, items)``: ``leading`` are parentheticals that open the line before
    any name (they belong to the entry of a previous line). Rules: a flag, a wide gap, an
    image name, a semicolon (and a comma when ``comma_splits``) start a new entry; a colon
    ends a heading; a link after a name starts a new entry unless it continues it (lower
    case after a link: ``Sunni jihadists``); text after a link continues the name when it
    is lower case (``fighters``) or a single word (``Loyalists``), else it is a new entry;
    text before a link joins it when it is one word (``Reconciled Free Syrian Army``), ends
    with a connector (``4th Division of`` + link) or ``joins_link(text)`` says so (a rank:
    ``Maj. Gen.``); the name after a link that ``rank_link(link)`` says is a rank joins it
    (``[[Ranks in the French Navy|ADM.]] [[Édouard Guillaud]]``); a parenthetical
    attaches to the entry before it; one word right after a
    parenthetical at the end of the entry keeps the parenthetical inside the name
    (``46th Special Forces (Airborne) Regiment``). ``split_text(text)`` may cut plain text
    into several entries (ranks, ordinals). An entry that is only a heading word
    (:data:`HEADING_WORDS`) or a link to no page is a heading.

    >>> f = Field("c", "Free Syrian Army Supported by: CJTF-OIR", [Link("Free Syrian Army"), Link("CJTF-OIR")])
    >>> s = scan_field(f, []); _, items = group_line(s, s.lines[0])
    >>> [(type(i).__name__, entry_name(s, i) if isinstance(i, Entry) else i.text) for i in items]
    [('Entry', 'Free Syrian Army'), ('Heading', 'Supported by'), ('Entry', 'CJTF-OIR')]
    """
    leading: list[Piece] = []
    items: list[Entry | Heading] = []
    state: dict[str, Entry | None] = {"current": None, "last": None}
    pending_images: list[Piece] = []

    def close() -> None:
        current = state["current"]
        state["current"] = None
        if current is None:
            return
        cut_list_title(current)
        heading = _as_heading(scanned, current)
        if heading is not None:
            items.append(heading)
        elif current.has_name or current.flag is not None:
            items.append(current)
            state["last"] = current

    def start(piece: Piece | None = None, flag: Piece | None = None) -> Entry:
        close()
        entry = Entry(line.index, line.level, flag=flag, images=list(pending_images))
        pending_images.clear()
        if piece is not None:
            entry.pieces.append(piece)
        state["current"] = entry
        return entry

    pieces = line.pieces
    for position, piece in enumerate(pieces):
        current = state["current"]
        if piece.kind == "image":
            close()
            pending_images.append(piece)
        elif piece.kind == "flag":
            start(flag=piece)
        elif piece.kind == "paren":
            if current is not None and (current.has_name or current.flag is not None):
                current.pieces.append(piece)
                current.after_paren = True
            elif state["last"] is not None:
                state["last"].pieces.append(piece)
            else:
                leading.append(piece)
        elif piece.kind == "link":
            if piece.link is not None and not piece.link.page.strip():
                close()
                items.append(Heading(line.index, line.level, strip_markup(piece.link.anchor),
                                     piece.start, piece.end, None))
                continue
            if current is not None and current.has_name:
                previous = current.name_pieces[-1]
                if _coordinates_links(current):
                    # "[[National Police]] and [[State Border Guard]] forces": two names
                    # joined by a conjunction are two entries; the conjunction is neither
                    current.pieces.pop()
                    start(piece)
                    continue
                if not current.after_paren and (
                    (previous.kind == "link" and _CONTINUES.match(piece.text.lstrip("'")))
                    # "[[Brigade General]] [[Gregory de Saint-Quentin]]": a linked rank
                    # (rank_link says so) is the rank of the person linked after it
                    or (previous.kind == "link" and len(current.name_pieces) == 1
                        and rank_link is not None and rank_link(previous.link))
                    # "[[Samara]] [[SOBR]]": a kind of unit after a link is that link's unit
                    or (previous.kind == "link" and _is_unit_type(piece.link)
                        and scanned.text[previous.end:piece.start] == " ")
                    # "[[PUK]] [[Peshmerga]] Counterterrorism Group": links one space apart
                    # and a unit's designation after them are one name
                    or (previous.kind == "link" and all(p.kind == "link" for p in current.name_pieces)
                        and _chain_ends_in_designation(scanned, current.name_pieces, pieces[position:]))
                    or (previous.kind == "text" and (_joins_link(previous.text, joins_link)
                                                     or _CONTINUES.match(previous.text.strip())
                                                     or _CONTINUES.match(piece.text)))
                ):
                    current.pieces.append(piece)
                    continue
                start(piece)
            elif current is not None:
                current.pieces.append(piece)
            else:
                start(piece)
        else:  # text
            following = pieces[position + 1:]
            _group_text(piece, following, state, start, close, items, line, scanned,
                        comma_splits, split_text, joins_link, rank_link)
    close()
    return leading, items


#: A conjunction between two links: each link is a name of its own.
_CONJUNCTIONS = {"and", "&"}


def _coordinates_links(entry: Entry) -> bool:
    """True when the entry so far ends in a link and a conjunction (``[[National Police]]
    and``): the link that follows is another entry, not part of this name."""
    pieces = entry.name_pieces
    return len(pieces) >= 2 and pieces[-1].kind == "text" and pieces[-1].text.strip() in _CONJUNCTIONS \
        and pieces[-2].kind == "link"


def _ends_in_common_noun(text: str) -> bool:
    """Plain words after a link that are abbreviations before a common noun in lower case
    (``[[Saidnaya]] NDF militias``: the NDF militias of Saidnaya) name no unit of their
    own: they continue the name before them. Words in title case start a name of their
    own (``[[Syrian Air Force]] Local police``, ``[[Free Syrian Army]] Civilian rebels``).

    >>> _ends_in_common_noun("NDF militias"), _ends_in_common_noun("Local police"), _ends_in_common_noun("Tank Battalion")
    (True, False, False)
    """
    words = text.split()
    return len(words) > 1 and words[-1].isalpha() and words[-1].islower() \
        and all(_ACRONYM.match(word) or word.islower() for word in words[:-1])


def _joins_link(text: str, joins_link) -> bool:
    """True when ``text`` before a link joins it: ``joins_link(text)`` (a rank), one word or
    a text ending with a connector."""
    words = text.split()
    if not words or HEADING_WORDS.match(text.strip()):
        return False
    if joins_link is not None and joins_link(text.strip()):
        return True
    return len(words) == 1 or words[-1].lower() in _CONNECTORS


def _group_text(piece: Piece, following: list[Piece], state, start, close, items, line, scanned,
                comma_splits: bool, split_text, joins_link=None, rank_link=None) -> None:
    text = piece.text
    cursor = 0
    chunks: list[tuple[str, int, int]] = []     # (kind, start, end) with kind text/gap/sep/colon
    for match in _TEXT_SPLIT.finditer(text):
        if match.start() > cursor:
            chunks.append(("text", cursor, match.start()))
        kind = match.lastgroup or "gap"
        if kind == "sep" and not comma_splits and match.group() == ",":
            chunks.append(("text", match.start(), match.end()))
        else:
            chunks.append((kind, match.start(), match.end()))
        cursor = match.end()
    if cursor < len(text):
        chunks.append(("text", cursor, len(text)))
    # Merge neighbouring text chunks (a comma that does not split).
    merged: list[tuple[str, int, int]] = []
    for kind, s, e in chunks:
        if kind == "text" and merged and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1], e)
        else:
            merged.append((kind, s, e))
    for index, (kind, s, e) in enumerate(merged):
        current = state["current"]
        if kind == "gap" or kind == "sep":
            close()
            continue
        if kind == "colon":
            current = state["current"]
            state["current"] = None
            if current is not None and cut_list_title(current):
                # "ECOWAS Full List:": the colon closes the list's title, not a heading
                items.append(current)
                state["last"] = current
            elif current is not None and current.flag is not None and current.has_name \
                    and HEADING_WORDS.match(strip_markup(scanned.clean[current.name_pieces[0].start:
                                                                         current.name_pieces[-1].end])):
                # "🇮🇶 Supported by: X": the flag is an entry of its own (the belligerent
                # Iraq), the words the heading
                flag_entry = Entry(current.line, current.level, flag=current.flag, images=current.images)
                items.append(flag_entry)
                state["last"] = flag_entry
                items.append(_heading_of(scanned, Entry(current.line, current.level, pieces=current.pieces),
                                         colon=True))
            elif current is not None and (current.has_name or current.flag is not None):
                items.append(_heading_of(scanned, current, colon=True))
            else:
                items.append(Heading(line.index, line.level, "", piece.start + s, piece.start + e, colon=True))
            continue
        raw = text[s:e]
        if not raw.strip():
            continue
        lead = len(raw) - len(raw.lstrip())
        s, e = s + lead, s + len(raw.rstrip())
        parts = split_text(text[s:e]) if split_text is not None else [text[s:e]]
        offset = s
        for number, part in enumerate(parts):
            index_in = text.find(part, offset)
            part_start = piece.start + (index_in if index_in >= 0 else offset)
            offset = (index_in if index_in >= 0 else offset) + len(part)
            sub = Piece("text", part_start, part_start + len(part), part)
            current = state["current"]
            if number > 0:
                start(sub)
                continue
            if current is not None and current.has_name:
                ends_entry = (index == len(merged) - 1 and _ends_here(following)) or (
                    index + 1 < len(merged) and merged[index + 1][0] in ("gap", "sep"))
                previous = current.name_pieces[-1]
                words = part.split()
                keyword = HEADING_WORDS.match(part.strip().rstrip(":")) is not None
                if current.after_paren:
                    if len(words) == 1 and ends_entry and not keyword:
                        current.pieces.append(sub)
                        current.after_paren = False
                    else:
                        start(sub)
                elif previous.kind == "link" and not keyword and (
                    _CONTINUES.match(part) or len(words) == 1 or _is_designation_after(previous.link, part)
                    or _ends_in_common_noun(part)
                    # "[[Colonel]] Suheil al-Hassan": the name after a linked rank
                    or (len(current.name_pieces) == 1 and rank_link is not None and rank_link(previous.link))
                    # "[[PUK]] [[Peshmerga]] Counterterrorism Group": the designation after a
                    # chain of links (joined by _chain_ends_in_designation) ends its name
                    or (_is_link_chain(current.name_pieces) and _is_unit_designation(part))
                ):
                    current.pieces.append(sub)
                else:
                    start(sub)
            elif current is not None and not (current.flag is not None
                                              and HEADING_WORDS.match(strip_markup(part).rstrip(":"))):
                current.pieces.append(sub)
            else:
                start(sub)          # also "🇮🇶 Supported by X": the flag alone, then the heading


#: The title of a collapsed list (``{{collapsible list|title=Full list}}``) that a template
#: left after the name of what the list details: ``ECOWAS Full List``.
_LIST_TITLE = re.compile(r"^(?P<name>.*?\S)(?P<title>\s+full\s+list)\s*$", re.IGNORECASE)


def cut_list_title(entry: Entry) -> bool:
    """Cut a collapsed list's title (``Full list``) off the end of an entry's name, into
    ``entry.titles``; True when there was one. The name before it is the entry; the
    entries listed under it stay in the heading scope above.

    >>> e = Entry(0, 0, pieces=[Piece("text", 0, 16, "ECOWAS Full List")])
    >>> cut_list_title(e), [p.text for p in e.pieces], [p.text for p in e.titles]
    (True, ['ECOWAS'], ['Full List'])
    """
    if not entry.pieces or entry.pieces[-1].kind != "text" or entry.titles:
        return False
    last = entry.pieces[-1]
    match = _LIST_TITLE.match(last.text)
    if match is None:
        return False
    cut = last.start + match.end("name")
    entry.pieces[-1] = Piece("text", last.start, cut, match.group("name"))
    title = match.group("title")
    entry.titles.append(Piece("text", cut + len(title) - len(title.lstrip()), last.start + match.end("title"),
                              title.strip()))
    return True


def _ends_here(following: list[Piece]) -> bool:
    """True when nothing but a flag, image or gap follows on the line."""
    for piece in following:
        if piece.kind in ("flag", "image"):
            return True
        if piece.kind == "text" and not piece.text.strip():
            if len(piece.text) >= 2:
                return True
            continue
        return False
    return True


def _as_heading(scanned: ScannedField, entry: Entry) -> Heading | None:
    if entry.flag is not None or entry.later:
        return None
    pieces = entry.pieces
    if not pieces or any(p.kind != "text" for p in pieces):
        return None
    text = strip_markup(scanned.clean[pieces[0].start:pieces[-1].end])
    if HEADING_WORDS.match(text):
        return _heading_of(scanned, entry, colon=False)
    return None


def _heading_of(scanned: ScannedField, entry: Entry, colon: bool) -> Heading:
    name_pieces = entry.name_pieces or entry.pieces
    start = name_pieces[0].start if name_pieces else (entry.flag.start if entry.flag else 0)
    end = name_pieces[-1].end if name_pieces else (entry.flag.end if entry.flag else 0)
    text = strip_markup(scanned.clean[start:end]) if name_pieces else ""
    links = [p.link for p in name_pieces if p.kind == "link"]
    link = links[0] if len(links) == 1 and len(name_pieces) == 1 else None
    return Heading(entry.line, entry.level, text, start, end, link, colon)


def entry_name(scanned: ScannedField, entry: Entry) -> str:
    """The name of an entry as written: its name pieces (markup stripped, spaces folded),
    without the trailing parentheticals."""
    pieces = entry.name_pieces
    if not pieces:
        return ""
    return strip_markup(scanned.clean[pieces[0].start:pieces[-1].end])


def entry_source(scanned: ScannedField, entry: Entry) -> str:
    """The source text of an entry: from its first image name or flag to its last
    parenthetical on the line, plus the parentheticals of later lines."""
    same_line = [p for p in [*entry.images, entry.flag, *entry.pieces] if p is not None]
    if not same_line:
        return ""
    text = normalise_space(scanned.text[min(p.start for p in same_line):max(p.end for p in same_line)])
    for piece in entry.later:
        text += " " + normalise_space(scanned.text[piece.start:piece.end])
    return text


def split_page(page: str) -> tuple[str, str | None]:
    """``Double tap#Missile strike`` -> ``('Double tap', 'Missile strike')``."""
    if "#" in page:
        title, fragment = page.split("#", 1)
        return title.strip(), fragment.strip() or None
    return page.strip(), None


def link_target(link: Link) -> tuple[str, str | None] | None:
    """The page and section a link leads to (:func:`split_page`), or None when it leads
    nowhere: no page, or ``undefined`` (wtf_wikipedia's text for a template it could not
    render).

    >>> link_target(Link("Syrian Army#Special Forces", "SF")), link_target(Link("undefined", "Iraqi Kurdistan"))
    (('Syrian Army', 'Special Forces'), None)
    """
    page, fragment = split_page(link.page)
    if not page or UNDEFINED.fullmatch(page):
        return None
    return page, fragment


def entry_ref(scanned: ScannedField, entry: Entry, name: str, warnings: list[ReadWarning]) -> EntityRef:
    """The reference of an entry whose (cleaned) name is ``name``: the link whose anchor is
    the name (page as written, ``#fragment`` split off); a link to ``undefined`` (a
    template wtf_wikipedia could not render) counts as no link, with a warning. A name
    that is more than one link's anchor (``Reconciled Free Syrian Army fighters``) is a
    plain name (warning ``partial-link``). A plain name that ends an anchor the text lost
    (``Mechanized Brigade`` for the unplaced link ``92nd Mechanized Brigade``) takes that
    link (warning ``link-repaired``).
    """
    for link in entry.links:
        anchor = strip_markup(link.anchor)
        core = split_trailing_parentheticals(anchor)[0]
        if name in (anchor, core) or name.casefold() in (anchor.casefold(), core.casefold()):
            return _linked(name, link, scanned.name, warnings)
    if entry.links:
        warnings.append(ReadWarning("partial-link", scanned.name, entry_source(scanned, entry),
                                    f"{name!r} is more than the link anchor(s) "
                                    f"{[link.anchor for link in entry.links]!r}; kept as a plain name"))
        return EntityRef(name)
    for link in list(scanned.unplaced):
        anchor = strip_markup(link.anchor)
        if len(name) > 2 and (anchor == name or anchor.endswith(" " + name)):
            scanned.unplaced.remove(link)
            warnings.append(ReadWarning("link-repaired", scanned.name, entry_source(scanned, entry),
                                        f"name {name!r} completed from the link {anchor!r}"))
            return _linked(anchor, link, scanned.name, warnings)
    return EntityRef(name)


def _linked(name: str, link: Link, field_name: str, warnings: list[ReadWarning]) -> EntityRef:
    target = link_target(link)
    if target is None:
        warnings.append(ReadWarning("undefined-artifact", field_name, name,
                                    f"link of {name!r} points to {link.page!r}; kept as a plain name"))
        return EntityRef(name)
    page, fragment = target
    if fragment is not None and not names_page(name, page):
        # Wikipedia links a thing with no article of its own to the section of a larger
        # article that describes it ([[Syrian Army#Units …|Special Forces]]): the entry is
        # the thing the section describes, not the larger article's subject
        warnings.append(ReadWarning("section-link", field_name, name,
                                    f"{name!r} links a section of {page!r} ({fragment!r}), not the page's "
                                    f"subject; kept as a plain name"))
        return EntityRef(name)
    return EntityRef(name, page, fragment)


def names_page(name: str, page: str) -> bool:
    """True when a link's anchor names the page's own subject: the title, case aside, with
    or without its disambiguator (``Republican Guard`` for ``Republican Guard (Syria)``).

    >>> names_page("Republican Guard", "Republican Guard (Syria)"), names_page("Special Forces", "Syrian Army")
    (True, False)
    """
    folded = normalise_space(name.replace("_", " ")).casefold()
    title = normalise_space(page.replace("_", " ")).casefold()
    return folded in (title, re.sub(r"\s*\([^()]*\)$", "", title))


_QUOTES = "\"'“”‘’«»"


def tidy_name(name: str) -> str:
    """Strip what cannot end a name: enclosing quotes, trailing punctuation, stray bullets.
    The dot of an initial or of a name suffix (``Jr.``, ``name-suffix`` in
    ``name_words.tsv``) is part of the name.

    >>> tidy_name('"Caliphate Cubs"'), tidy_name("Pro-russian Ukrainian units."), tidy_name("U.S.")
    ('Caliphate Cubs', 'Pro-russian Ukrainian units', 'U.S.')
    >>> tidy_name("Carlito Galvez Jr."), tidy_name("Carlito Galvez Jr.,")
    ('Carlito Galvez Jr.', 'Carlito Galvez Jr.')
    """
    name = strip_markup(name).strip(" *#•·,;:–—-")
    if name.endswith(".") and not re.search(r"(?:^|[\s.])[A-Z]\.$", name) \
            and not _ends_with_name_suffix(name[:-1]):
        name = name[:-1].rstrip()
    if len(name) > 1 and name[0] in _QUOTES and name[-1] in _QUOTES and \
            not any(q in name[1:-1] for q in _QUOTES):
        name = name[1:-1].strip()
    return name


def _ends_with_name_suffix(text: str) -> bool:
    """``text`` ends in a name suffix abbreviation after a name (``Carlito Galvez Jr``).

    >>> _ends_with_name_suffix("Carlito Galvez Jr"), _ends_with_name_suffix("Jr"), _ends_with_name_suffix("Dr")
    (True, False, False)
    """
    words = text.split()
    return len(words) >= 2 and words[-1].casefold() in name_words("name-suffix")


def skip_entry(name: str, has_flag: bool, field_name: str, source: str, what: str,
               warnings: list[ReadWarning]) -> bool:
    """True (with a warning) when an entry yields no record: no name at all, or a
    placeholder such as ``Unknown``. ``what`` names the record (``a unit``, ``a commander``).

    >>> w = []; skip_entry("Unknown", False, "units1", "Unknown", "a unit", w), w[0].kind
    (True, 'placeholder')
    """
    if not name:
        if has_flag:
            warnings.append(ReadWarning("flag-only", field_name, source, f"a flag without {what}"))
        return True
    if PLACEHOLDER.match(name):
        warnings.append(ReadWarning("placeholder", field_name, source, f"skipped {name!r}"))
        return True
    return False


def drop_unknown_prefix(name: str, field_name: str, source: str, warnings: list[ReadWarning]) -> str:
    """``Unknown Wagner Group`` -> ``Wagner Group`` (with a warning); placeholders that name
    nobody (``Unknown Hezbollah leader``) are left for :func:`skip_entry`.

    >>> w = []; drop_unknown_prefix("Unknown Wagner Group", "units2", "Unknown Wagner Group", w), w[0].kind
    ('Wagner Group', 'placeholder')
    >>> drop_unknown_prefix("Unknown Hezbollah leader", "commander2", "", [])
    'Unknown Hezbollah leader'
    """
    match = _UNKNOWN_PREFIX.match(name)
    if match is None or PLACEHOLDER.match(name):
        return name
    kept = name[match.end():]
    warnings.append(ReadWarning("placeholder", field_name, source,
                                f"dropped {match.group(0).strip()!r} before {kept!r}"))
    return kept
