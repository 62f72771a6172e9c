"""The word lists of linking (``kg/linking/data/*.txt``, ``*.tsv``: data files, one entry a
line, ``#`` comments) and English word frequencies.

The generic words are not here: :mod:`kg.names` holds the one list (``kg/generic_words.tsv``)
and the one test, :func:`kg.names.is_generic`, that linking shares with identity resolution.

>>> "forces" in GENERIC_WORDS, "syrian" in DEMONYMS, BUILTIN_ALIASES["U.N."]
(True, True, ('United Nations', 'UN'))
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from kg.names import GENERIC_WORDS


def _data_lines(name: str) -> list[str]:
    """The entries of a data file of this package: its lines, blank and ``#`` lines skipped."""
    text = resources.files("kg.linking").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def word_list(name: str) -> frozenset[str]:
    """A word list of this package (``data/NAME``).

    >>> "ibn" in word_list("particles.txt")
    True
    """
    return frozenset(_data_lines(name))


#: Words at the start of a label that mark a description, not a name (``Local Arab tribes``,
#: ``Various anti-government fighters``, ``Unknown Syrian military unit``).
DESCRIPTIVE_STARTS = word_list("descriptive_starts.txt")
#: Nationality and group adjectives: not names of the country or group (``Syrian``).
DEMONYMS = word_list("demonyms.txt")
#: Words before a surname that say it names a person holding an office.
LEADER_TITLES = word_list("leader_titles.txt")
MILITARY_TITLES = word_list("military_titles.txt")
PERSON_TITLES = word_list("person_titles.txt") | LEADER_TITLES | MILITARY_TITLES
#: Words after a surname that point at a head of state (``the Assad regime``, ``Assad forces``).
LEADER_FOLLOWERS = word_list("leader_followers.txt")
#: Roles (``ckg:roleDescription``) of heads of state and government.
LEADER_ROLE = re.compile(r"\b(?:president|head of state|king|emir|supreme leader|prime minister|dictator)\b", re.IGNORECASE)
MILITARY_ROLE = re.compile(r"\b(?:general|commander|colonel|brigadier|major|officer|chief of|division|brigade|regiment)\b", re.IGNORECASE)
#: Nouns after a name that make it a local place, not a person or a distant town.
PLACE_NOUNS = word_list("place_nouns.txt")
#: Capitalised words after a name that make it part of a longer one (``Al Assad Academy``).
FACILITY_WORDS = word_list("facility_words.txt")
#: Particles inside Arabic names (``al-``, ``bin``), and short words between name parts.
PARTICLES = word_list("particles.txt")

#: Built-in aliases: alias -> labels of the entity it names. Added only when an entity with one
#: of those labels is in the store (the first found wins).
BUILTIN_ALIASES: dict[str, tuple[str, ...]] = {
    alias: tuple(labels) for alias, *labels in (line.split("\t") for line in _data_lines("builtin_aliases.tsv"))
}

#: A fallback for ``wordfreq``: frequent English words that are also titles of pages.
_COMMON_FALLBACK = word_list("common_words.txt")

#: Words of organisation and place names: an untyped label with one of them is not a person.
_ORG_WORDS = GENERIC_WORDS | word_list("org_words.txt")


try:  # pragma: no cover - exercised when wordfreq is installed
    from wordfreq import zipf_frequency as _zipf
except ImportError:  # pragma: no cover
    _zipf = None  # type: ignore[assignment]


@lru_cache(maxsize=65536)
def word_frequency(word: str) -> float:
    """Zipf frequency of an English word (0 when unknown; the built-in list gives 5)."""
    word = word.lower().strip("'’")
    if _zipf is not None:
        return float(_zipf(word, "en"))
    return 5.0 if word in _COMMON_FALLBACK else 0.0


def is_common_word(word: str, threshold: float = 4.0) -> bool:
    """Whether a word, in lower case, is a frequent English word.

    >>> is_common_word("Siege"), is_common_word("Idlib")
    (True, False)
    """
    word = word.lower()
    return word in _COMMON_FALLBACK or word_frequency(word) >= threshold
