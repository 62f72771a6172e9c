"""Disambiguation cues: the words around a match (titles before a surname, ``regime`` after
it, a place noun, a province) that tell a person from a place and a leader from a namesake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.linking.words import (
    FACILITY_WORDS,
    LEADER_FOLLOWERS,
    LEADER_TITLES,
    MILITARY_TITLES,
    PARTICLES,
    PERSON_TITLES,
    PLACE_NOUNS,
    is_common_word,
)


@dataclass(frozen=True)
class _Cue:
    leader: bool = False
    military: bool = False
    glued: bool = False  # part of a longer name (``Dahiyet al-Assad``, ``Al Assad Academy``)
    place_after: bool = False  # followed by a place noun (``… residential suburb``)
    province: bool = False  # ``Idlib province``, ``the provinces of Aleppo and Idlib``
    countryside: bool = False  # ``Daraa countryside``


_WORD_BEFORE = re.compile(r"([^\W\d_][\w.'’]*)[\s\-‐]+$")
_WORD_AFTER = re.compile(r"^(?:['’]s\b|s\b)?[\s\-‐]+([^\W\d_][\w'’]*)")


def _cues(text: str, start: int, end: int) -> _Cue:
    before_text = text[max(0, start - 60):start]
    after_text = text[end:end + 60]
    words_before: list[str] = []
    rest = before_text
    for _ in range(3):
        found = _WORD_BEFORE.search(rest)
        if not found or "\n" in rest[found.start():]:
            break
        words_before.append(found[1])
        rest = rest[:found.start()]
    after = _WORD_AFTER.match(after_text)
    next_word = after[1] if after and "\n" not in after_text[:after.end()] else None
    next_next = None
    if after and next_word:
        again = _WORD_AFTER.match(after_text[after.end():])
        next_next = again[1] if again else None

    lowered = [w.lower().rstrip(".") for w in words_before]
    leader = bool(lowered and (lowered[0] in LEADER_TITLES or (len(lowered) > 1 and lowered[1] in LEADER_TITLES)))
    leader = leader or bool(next_word and next_word.lower() in LEADER_FOLLOWERS) or before_text.rstrip().lower().endswith("pro")
    military = bool(lowered and lowered[0] in MILITARY_TITLES)

    glued = False
    if words_before:
        previous = words_before[0]
        if previous.lower() in PARTICLES and len(words_before) > 1:
            earlier = words_before[1]
            glued = earlier[:1].isupper() and earlier.lower().rstrip(".") not in PERSON_TITLES
        elif previous[:1].isupper() and previous.lower().rstrip(".") not in PERSON_TITLES \
                and previous.lower() not in PARTICLES and not is_common_word(previous, 3.5) \
                and not _sentence_start(before_text, previous):
            glued = True
        elif previous.lower() in PARTICLES and previous[:1].isupper() and not _sentence_start(before_text, previous):
            glued = True  # ``Al Assad Academy``
    if next_word and next_word[:1].isupper() and next_word.lower() in FACILITY_WORDS:
        glued = True
    place_after = bool(next_word and (next_word.lower() in PLACE_NOUNS or
                                      (next_next and next_word.lower() in {"residential", "old", "eastern", "western"}
                                       and next_next.lower() in PLACE_NOUNS)))
    province = bool(next_word and next_word.lower() in {"province", "governorate", "provinces"}) or \
        bool(_PROVINCES_OF.search(before_text))
    countryside = bool(next_word and next_word.lower() == "countryside")
    return _Cue(leader, military, glued, place_after, province, countryside)


_PROVINCES_OF = re.compile(r"\b(?:provinces?|governorates?)\s+of\s+(?:[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)?\s*(?:,|\band\b)\s*)*$")


def _sentence_start(before_text: str, word: str) -> bool:
    head = before_text[: before_text.rfind(word)].rstrip()
    return not head or head[-1] in ".!?:;\"'“”‘’\n"
