"""Linking news text to entities already in the graph.

:class:`Linker` collects every English label and alias (``rdfs:label|skos:altLabel`` over the
union of all graphs) of every ``ckg:Entity`` in a store, with their types and the conflicts
they take part in, and builds one Aho-Corasick automaton (pyahocorasick) over them, so that
finding every candidate in a text is linear in its length whatever the number of names.

How a text is linked (:meth:`Linker.link`):

1. **Matching** on a folded copy of the text that has the same length (lower case, curly
   apostrophes straightened, hyphens and dashes read as spaces, accents dropped), so every
   offset is an offset into :attr:`Document.body`. A match must sit on word boundaries; a
   possessive may follow (``Russia's``, ``Syria’s``, and the apostrophe-less ``Syrias`` of
   data sets that stripped apostrophes). Dotted abbreviations (``U.N.``, ``U.S.``, ``U.K.``)
   are built-in aliases, added only when the store has the entity they name.
2. **Case rules**: an alias of at most four characters, or written in capitals, must match
   with its case (``UN`` but not ``un``) and not inside a run of capitals (a shouted
   headline); other aliases match whatever the case, except that an all-lower-case
   occurrence of a capitalised name is not a name (``turkey``).
3. **Longest match first, no overlaps**; matches inside boilerplate (the reader's
   ``excluded_spans``) are dropped.
4. **Names that are words** never become aliases: generic names (:func:`kg.names.is_generic`,
   the test identity resolution uses too: ``army``, ``the regime``, ``Special Forces``,
   ``76th Armoured Brigade``), except a numbered page's own title that no other page-backed
   entity carries (``76th Guards Air Assault Division``), lower-case anchors, sentence-case
   titles of concepts (``Barrel bomb``), demonyms (``Syrian``) and, for entities that are
   not places, single words that are common in English (word frequencies from ``wordfreq``
   when installed, else a small built-in list).
5. **Disambiguation**, per match: a primary label beats an alias; a name that is a page
   beats an unlinked name (``…/resource/name/…``); duplicates of one page (``Bashar
   al-Assad``/``Bashar al Assad``) are one choice. A short name (a person's surname,
   ``Assad``) inherits the candidate whose full name the same document gives (``Bashar
   al-Assad``), earlier first; titles and cue words (``President Assad``, ``the Assad
   regime``) favour a candidate whose recorded role fits; a surname glued to other names
   (``Dahiyet al-Assad``, ``Al Assad Academy``) or followed by a place noun (``al-Assad
   residential suburb``) is not a person. Then the conflicts the article is about (first
   pass) make candidates that take part in them more likely, and a place followed by a
   local noun (``Shahba neighbourhood``) that has nothing to do with them is dropped.
6. **Confidence** = quality of the match x strength of the best candidate x its margin over
   the runner-up; mentions under the threshold (default 0.5) are dropped.

:meth:`Linker.about` gives the conflicts an article is about: those it names, and those whose
specific places (or several specific participants) it names and whose dates cover its
publication date. :func:`link_news` does both for the build; :func:`mention_spans` reads
the offsets of the stored annotations back for the document card.
"""

from __future__ import annotations

from kg.linking.context import _Cue as _Cue

# The package's parts, bottom up: words (data files), text (folding, keys), dates, gazetteer
# (entities, aliases, automaton), context (disambiguation cues), linker, news, evaluation.
# Everything that was importable from the single module kg.linking stays importable here.
from kg.linking.context import _cues as _cues
from kg.linking.dates import ConflictInfo as ConflictInfo
from kg.linking.dates import _publication_day as _publication_day
from kg.linking.evaluation import entity_keys as entity_keys
from kg.linking.evaluation import title_key as title_key
from kg.linking.gazetteer import EntityInfo as EntityInfo
from kg.linking.gazetteer import _Coverage as _Coverage
from kg.linking.gazetteer import _Entry as _Entry
from kg.linking.gazetteer import _longest_first as _longest_first
from kg.linking.gazetteer import _Match as _Match
from kg.linking.gazetteer import _new_automaton as _new_automaton
from kg.linking.gazetteer import _PurePythonAutomaton as _PurePythonAutomaton
from kg.linking.gazetteer import curated_aliases as curated_aliases
from kg.linking.linker import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from kg.linking.linker import LOCAL as LOCAL
from kg.linking.linker import Linker as Linker
from kg.linking.news import about as about
from kg.linking.news import link_news as link_news
from kg.linking.news import mention_spans as mention_spans
from kg.linking.text import _key_title as _key_title
from kg.linking.text import _surnames as _surnames
from kg.linking.text import _tokens as _tokens
from kg.linking.text import _variants as _variants
from kg.linking.text import fold as fold
from kg.linking.text import fold_label as fold_label
from kg.linking.text import skeleton_key as skeleton_key
from kg.linking.text import translit_key as translit_key
from kg.linking.words import BUILTIN_ALIASES as BUILTIN_ALIASES
from kg.linking.words import DEMONYMS as DEMONYMS
from kg.linking.words import DESCRIPTIVE_STARTS as DESCRIPTIVE_STARTS
from kg.linking.words import FACILITY_WORDS as FACILITY_WORDS
from kg.linking.words import LEADER_FOLLOWERS as LEADER_FOLLOWERS
from kg.linking.words import LEADER_ROLE as LEADER_ROLE
from kg.linking.words import LEADER_TITLES as LEADER_TITLES
from kg.linking.words import MILITARY_ROLE as MILITARY_ROLE
from kg.linking.words import MILITARY_TITLES as MILITARY_TITLES
from kg.linking.words import PARTICLES as PARTICLES
from kg.linking.words import PERSON_TITLES as PERSON_TITLES
from kg.linking.words import PLACE_NOUNS as PLACE_NOUNS
from kg.names import GENERIC_WORDS as GENERIC_WORDS
from kg.linking.words import is_common_word as is_common_word
from kg.linking.words import word_frequency as word_frequency

__all__ = ["DEFAULT_THRESHOLD", "ConflictInfo", "EntityInfo", "Linker", "about", "entity_keys", "fold",
           "is_common_word", "link_news", "mention_spans", "title_key"]
