"""Names and aliases: which names are generic, how titles and names compare, and the
curated alias table. A leaf module (it imports only :mod:`kg.identity` and :mod:`kg.errors`),
shared by the mapping (generic names are scoped to their conflict), identity resolution and
news linking.

**Generic names.** One list, ``generic_words.tsv`` beside this module, and one test,
:func:`is_generic`, which the mapping, identity resolution and news linking all call. A name
is generic when, stop words aside, every word is a generic word or a number or ordinal
(``Special Forces``, ``Ministry of Interior``, ``State Border Guard``, ``1st Corps``,
``76th Armoured Brigade``: a number names a unit only within one army), or when the whole
name is listed (``Coalition``, ``the opposition``, ``Popular Committees``). Words that make
names are not generic: ``People's Protection Units``, ``Popular Mobilization Forces``,
``National Coalition``, ``Army of Revolutionaries``, ``Free Officers Movement`` are names.

What a generic name does:

- *mapping*: a generic unlinked name (no page) gets an IRI scoped to the conflict its document
  describes (:func:`kg.identity.local_iri`), so it merges with nothing in another conflict;
- *identity resolution*: hence no rule (name equal to a page title, anchor) merges it;
- *news linking*: a generic label or alias is not a name to look for in text, with one
  exception: a numbered page's own full title that no other page-backed entity carries as a
  label still links (``76th Guards Air Assault Division``). A generic name is a problem when
  it is unlinked and ambiguous, not when it is one page's own title; but only the number
  makes the title specific enough. ``Internal Security Forces`` is the title of Lebanon's
  page, yet a SANA article uses it of Syria's (the one false positive the general exception
  gave on the linking gold), and a bare ``79th Air Assault Brigade`` whose page is titled
  ``… (Ukraine)`` is ambiguous by Wikipedia's own disambiguation.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import KGError
from kg.identity import normalise_title

_NUMBER = re.compile(r"^\d+(?:st|nd|rd|th)?$")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*|&")
_WORDS_FILE = Path(__file__).with_name("generic_words.tsv")


@dataclass(frozen=True)
class GenericTable:
    """The rows of ``generic_words.tsv``: stop words, generic words and whole generic names."""

    stop: frozenset[str]
    words: frozenset[str]
    names: frozenset[str]


@lru_cache(maxsize=1)
def generic_table() -> GenericTable:
    """Read ``generic_words.tsv`` (``kind<TAB>entry[<TAB>why]``; ``#`` lines are comments).

    >>> table = generic_table()
    >>> "forces" in table.words, "the" in table.stop, "coalition" in table.names, "party" in table.words
    (True, True, True, False)
    """
    rows: dict[str, set[str]] = {"stop": set(), "word": set(), "name": set()}
    for number, line in enumerate(_WORDS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, entry = (line.split("\t") + [""])[:2]
        if kind not in rows or not entry.strip():
            raise KGError(f"{_WORDS_FILE}:{number}: expected 'stop|word|name<TAB>entry', got {line!r}")
        rows[kind].add(" ".join(name_words(entry)))
    return GenericTable(frozenset(rows["stop"]), frozenset(rows["word"]), frozenset(rows["name"]))


def name_words(name: str) -> list[str]:
    """The words of a name as the generic test reads them: casefolded, accents and
    hyphens dropped, a final or curly apostrophe straightened or dropped.

    >>> name_words("Forces’ of the People's Front (76th) – Élite")
    ['forces', 'of', 'the', "people's", 'front', '76th', 'elite']
    """
    text = unicodedata.normalize("NFKD", name.casefold().replace("’", "'"))
    return _WORD.findall("".join(c for c in text if not unicodedata.combining(c)))


def is_generic(name: str) -> bool:
    """True when a name names no one thing: stop words aside, every word is a generic word
    (``generic_words.tsv``) or a number or ordinal, or the name is a listed generic name.
    The one test of genericness: the mapping, identity resolution and news linking use it.

    >>> is_generic("Special Forces"), is_generic("1st Corps"), is_generic("the Coalition")
    (True, True, True)
    >>> is_generic("Tiger Forces"), is_generic("People's Protection Units"), is_generic("National Coalition")
    (False, False, False)
    """
    table = generic_table()
    words = name_words(name)
    content = [w for w in words if w not in table.stop]
    if not content:
        return bool(words)
    return " ".join(content) in table.names or all(w in table.words or _NUMBER.match(w) for w in content)


def is_numbered(name: str) -> bool:
    """True when a word of a name is a number or an ordinal (``76th Armoured Brigade``).

    >>> is_numbered("76th Armoured Brigade"), is_numbered("Brigade 313"), is_numbered("Southern Front")
    (True, True, False)
    """
    return any(_NUMBER.match(w) for w in name_words(name))


#: The generic words (stop words and whole names aside) for the word-level checks of linking.
GENERIC_WORDS = generic_table().words


def name_key(text: str) -> str:
    """The key under which names and aliases are compared: the normalised title, casefolded.

    >>> name_key("saudi_arabia") == name_key("Saudi Arabia")
    True
    """
    return normalise_title(text).casefold()


_DASHES = re.compile(r"\s*[\u2010-\u2015\u2212-]\s*")
_SHORT_YEAR_RANGE = re.compile(r"\b(\d{2})(\d{2})–(\d{2})\b(?!\d)")


def title_fold(title: str) -> str:
    """A title as compared for rule 1: case aside, every dash an unspaced en dash, and a
    year range written out (``2014–15`` -> ``2014–2015``).

    >>> title_fold("Battle of X (2014–15)") == title_fold("battle of x (2014 - 2015)")
    True
    >>> title_fold("Syria-Turkey border") == title_fold("Syria–Turkey border")
    True
    """
    text = _DASHES.sub("–", normalise_title(title)).casefold()
    return _SHORT_YEAR_RANGE.sub(lambda m: f"{m[1]}{m[2]}–{m[1]}{m[3]}" if m[3] > m[2] else m[0], text)


# --- curated aliases -----------------------------------------------------------------
def default_aliases_path() -> Path | None:
    """``$KG_ALIASES``, else ``data/aliases.tsv`` of the checkout (None when there is none)."""
    env = os.environ.get("KG_ALIASES")
    if env:
        return Path(env)
    candidate = Path(__file__).resolve().parents[1] / "data" / "aliases.tsv"
    return candidate if candidate.exists() else None


def load_aliases(path: str | Path | None = None) -> dict[str, str]:
    """Read ``alias<TAB>target page[<TAB>note]`` rows (``#`` comments, blank lines ignored)
    into ``{casefolded normalised alias: target title}``.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False); _ = f.write("# c\\nIRGC\\tIslamic Revolutionary Guard Corps\\n"); f.close()
    >>> load_aliases(f.name)
    {'irgc': 'Islamic Revolutionary Guard Corps'}
    >>> os.unlink(f.name)
    """
    path = Path(path) if path is not None else default_aliases_path()
    if path is None or not path.exists():
        return {}
    aliases: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), 1):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            if len(row) < 2 or not row[1].strip():
                raise ValueError(f"{path}:{number}: expected 'alias<TAB>target page', got {row!r}")
            aliases[name_key(row[0])] = normalise_title(row[1])
    return aliases
