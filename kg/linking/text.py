"""Text folding and name keys: folded text of the same length as the original (offsets stay
true), comparison keys of titles, transliteration keys of Arabic names, and the other ways
of writing a label.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from kg.linking.words import _ORG_WORDS, DEMONYMS, PARTICLES, is_common_word

_APOSTROPHES = "'’‘ʼ`´′"
_DASHES = "-‐‑‒–—―−_"


class _FoldTable(dict):
    """``str.translate`` table folding every character to exactly one character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _APOSTROPHES:
            folded = "'"
        elif char in _DASHES:
            folded = " "
        elif char.isspace():
            folded = " " if unicodedata.category(char) == "Zs" else "\n"
        else:
            lower = char.lower()
            if len(lower) != 1:
                lower = char
            decomposed = unicodedata.normalize("NFKD", lower)
            folded = decomposed[0] if decomposed and not unicodedata.combining(decomposed[0]) else lower
            if folded == "ı":
                folded = "i"
            if len(folded) != 1:
                folded = lower
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Text folded for matching, same length as ``text`` (offsets stay true).

    >>> fold("Bashar al-Assad’s")
    "bashar al assad's"
    >>> len(fold("İstanbul – Erdoğan")) == len("İstanbul – Erdoğan")
    True
    """
    return text.translate(_FOLD)


def fold_label(label: str) -> str:
    """A label folded like text, with runs of spaces made one."""
    return " ".join(fold(label).split())


def _key_title(text: str) -> str:
    """A comparison key for titles: folded, spaces collapsed, no surrounding quotes."""
    return fold_label(unquote(text).replace("_", " ")).strip(" '\"")


_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_QUALIFIER = re.compile(r"^(?P<base>.+?)\s*(?:\((?P<paren>[^()]*)\)|,\s*(?P<comma>[A-Z][^,()]*))$")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ARTICLES = frozenset("al el ad ar as ash at az an ul il".split())


def translit_key(text: str) -> str:
    """A key that spelling variants of a transliterated Arabic name share: articles dropped,
    vowels one class, doubled letters single, ``q`` as ``k``, a final ``-ah`` as ``-a``.

    >>> translit_key("Idleb") == translit_key("Idlib")
    True
    >>> translit_key("Jaish al-Fateh") == translit_key("Jaysh al-Fatah")
    True
    >>> translit_key("Hasaka") == translit_key("Al-Hasakah"), translit_key("Homs") == translit_key("Hamas")
    (True, False)
    """
    words = [w for w in re.split(r"[\s']+", fold(text).replace(".", " ")) if w and w not in _ARTICLES]
    joined = "".join(words).replace("q", "k").replace("ph", "f")
    out: list[str] = []
    for char in joined:
        char = "a" if char in "aeiouy" else char
        if out and out[-1] == char:
            continue
        out.append(char)
    key = "".join(out)
    if key.endswith("ah"):
        key = key[:-1]
    return key


def skeleton_key(text: str) -> str:
    """The consonants of :func:`translit_key`: shared by ``Noureddin al-Zinki`` and ``Nour
    al-Din al-Zenki`` (used only for names of two words or more and six consonants)."""
    out: list[str] = []
    for char in translit_key(text):
        if char == "a" or (out and out[-1] == char):
            continue
        out.append(char)
    return "".join(out)


def _name_words(text: str) -> int:
    """How many words of a name are not articles (``Jaish al-Fateh`` -> 2)."""
    return sum(1 for w in re.split(r"[\s'\-‐]+", fold(text)) if w and w not in _ARTICLES and w.replace(" ", ""))


def _fuzzy_key_ok(key: str) -> bool:
    return len(key) >= 5 and sum(1 for c in key if c != "a") >= 3 and key.isalpha()


def _clean_label(label: str) -> str:
    """A label without markup left by converters (``*The Washington Post*``); empty for one
    that still holds a link (``[Jarabulus](./Jarabulus) Military Council``)."""
    label = " ".join(label.split())
    if "](" in label or "[[" in label or "{{" in label:
        return ""
    return label.strip("*_ ").replace("''", "")


def _is_word_char(char: str) -> bool:
    return char.isalnum()


_MARKS_TABLE = str.maketrans("".join((_APOSTROPHES, _DASHES)), "'" * len(_APOSTROPHES) + "-" * len(_DASHES))


def _strip_marks(text: str) -> str:
    return text.translate(_MARKS_TABLE)


def _in_caps_run(text: str, start: int, end: int) -> bool:
    """Whether the word before or after the span is also written in capitals."""
    before = re.search(r"([^\W\d_]+)[^\w\n]{1,3}$", text[max(0, start - 40):start])
    after = re.match(r"[^\w\n]{1,3}([^\W\d_]+)", text[end:end + 40])
    for found in (before, after):
        # A neighbour in capitals that is an ordinary word (``LET US GO``), not an acronym.
        if found and len(found[1]) >= 3 and found[1].isupper() and is_common_word(found[1], 3.5):
            return True
    return False


def _variants(label: str) -> list[str]:
    """Other ways of writing a label: without apostrophes (``Peoples Protection Units``),
    without a disambiguating qualifier (``Douma, Syria`` -> ``Douma``, ``Battle of Aleppo
    (2012–2016)`` -> ``Battle of Aleppo``), governorates as provinces."""
    variants: list[str] = []
    match = _QUALIFIER.match(label)
    base = label
    if match and match["base"] and (match["paren"] is not None or match["comma"]):
        base = match["base"].strip()
        if len(base) >= 3:
            variants.append(base)
    for form in (label, base):
        if any(c in form for c in _APOSTROPHES):
            stripped = "".join(c for c in form if c not in _APOSTROPHES)
            variants.append(stripped)
    if base.endswith(" Governorate"):
        stem = base[: -len(" Governorate")]
        variants += [stem + " Province", stem + " province"]
    if label.startswith("Harakat "):
        variants += [label[len("Harakat "):], label[len("Harakat "):] + " Movement"]
    for short, long in (("UN ", "United Nations "), ("U.N. ", "United Nations ")):
        if base.startswith(short):
            rest = base[len(short):]
            variants.append(long + rest)
            if len(rest.split()) >= 2 and all(w[:1].isupper() for w in rest.split() if w.lower() not in ("for", "of", "on", "the")):
                variants.append(rest)  # ``the General Assembly``
        elif base.startswith(long):
            variants.append(short + base[len(long):])
    return [v for v in dict.fromkeys(variants) if v != label]


def _person_like(label: str) -> bool:
    """Whether an untyped label looks like a person's name: 2-4 capitalised words (particles
    allowed), no digits, no word of an organisation or a place."""
    words = label.replace("-", " ").split()
    if not 2 <= len(words) <= 4 or any(c.isdigit() for c in label) or "(" in label or "," in label:
        return False
    named = [w for w in words if w.lower() not in PARTICLES]
    if len(named) < 2:
        return False
    return all(w[:1].isupper() and w.lower() not in _ORG_WORDS and w.lower() not in DEMONYMS for w in named)


def _surnames(label: str) -> list[str]:
    """Short forms of a person's name: the last name, with and without its particle.

    >>> _surnames("Bashar al-Assad"), _surnames("Vitaly Churkin")
    (['al-Assad', 'Assad'], ['Churkin'])
    """
    base = re.sub(r"\s*\([^)]*\)$", "", label).strip()
    words = base.split()
    if len(words) < 2:
        return []
    last = words[-1]
    forms: list[str] = []
    particle = re.match(r"^(al|el|ad|ar|as|ash|az|at)[-‐](.+)$", last, re.IGNORECASE)
    if particle:
        forms += [last, particle[2]]
    elif len(words) >= 3 and words[-2].lower() in PARTICLES:
        forms += [f"{words[-2]} {last}", last]
    else:
        forms.append(last)
    return [f for f in forms if f[:1].isupper() or "-" in f]
