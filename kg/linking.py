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
4. **Names that are words** never become aliases: lower-case anchors, a stoplist of generic
   terms (``army``, ``government``, ``rebels``, ``forces``, ``city``, ``state``,
   ``president``, ``special forces`` …), phrases made of generic words only, sentence-case
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

import bisect
import datetime as _dt
import hashlib
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from kg.document import Document, Mention
from kg.rdf import terms as T

if TYPE_CHECKING:
    from kg.store import KGStore

DEFAULT_THRESHOLD = 0.5
#: Generic unlinked names that identity resolution scopes to one article (``kg.identity.local_iri``).
LOCAL = T.RESOURCE + "local/"

# --- word lists -------------------------------------------------------------------------

#: Whole labels (folded) that are never names.
GENERIC_PHRASES = frozenset("""
army government rebels rebel forces force city state president military police regime opposition
militia militias troops fighters coalition alliance allies district province governorate village
town region area capital country nation people civilians army units special forces armed forces
security forces ground forces air force navy marines infantry artillery police force local police
national army republican guard intelligence ministry of defence ministry of defense ministry of interior
general staff high command central command headquarters islamic state islamists jihadists terrorists
international community united states government syrian government the government the regime
the army the state the city the coalition the opposition free army popular committees
""".split("\n")) | frozenset(w for w in """
army government rebels rebel forces force city state president military police regime opposition
militia militias troops fighters coalition alliance allies district province governorate village
town region area capital country nation people civilians infantry artillery navy marines
headquarters islamists jihadists terrorists terrorist insurgents insurgent militants militant
mujahideen shabiha takfiri
""".split())

#: Words that make a name generic when a label is made of nothing else (``Special Forces``,
#: ``Local police``, ``Foreign fighters``, ``General Staff``).
GENERIC_WORDS = frozenset("""
army armies armed force forces special operations operation operational local police security
unit units troop troops militia militias rebel rebels fighter fighters civilian civilians
government governments state states city cities military group groups brigade brigades battalion
battalions division divisions regiment regiments corps detachment detachments company companies
squad squads elements element other others various unknown unnamed several two three four five
some many foreign volunteer volunteers mercenaries mercenary tribe tribes tribal staff general
internal interior ministry defence defense service services agency agencies intelligence guard
guards guardsmen border command commands headquarters high central northern southern eastern
western north south east west front fronts self popular committee committees council councils
revolutionary revolutionaries opposition resistance coalition allied allies ally supporting
support forces' reserve reserves air ground land naval navy marine marines infantry artillery
mechanized mechanised armoured armored tank tanks motorized motorised rifle rifles task
national guard commando commandos sniper snipers assault airborne people's civil defence
soldiers soldier officers officer members member personnel leadership leader leaders fighters'
president presidents prime minister ministers commander commanders emir emirs police' cell cells
network networks faction factions movement movements organisation organization organizations
organisations party parties district province region area zone sector village town capital
""".split())

#: Words at the start of a label that mark a description, not a name (``Local Arab tribes``,
#: ``Various anti-government fighters``, ``Unknown Syrian military unit``).
DESCRIPTIVE_STARTS = frozenset("""
local various unknown unnamed other several some many two three four five six foreign
elements element different civilian civilians allied pro anti remaining embedded
""".split())

#: Nationality and group adjectives: not names of the country or group (``Syrian``).
DEMONYMS = frozenset("""
syrian syrians russian russians iranian iranians iraqi iraqis turkish turk turks kurdish kurd kurds
american americans british briton britons english french german germans lebanese israeli israelis
palestinian palestinians jordanian jordanians saudi saudis qatari qataris emirati egyptian egyptians
ukrainian ukrainians armenian armenians azerbaijani azerbaijanis azeri azeris georgian georgians
chechen chechens afghan afghans pakistani pakistanis chinese european europeans western arab arabs
arabic persian sunni sunnis shia shiite shiites shi'ite shi'ites alawite alawites druze christian
christians muslim muslims islamic islamist islamists salafist salafists salafi wahhabi wahhabist
jihadist jihadists soviet belarusian libyan tunisian yemeni bahraini kuwaiti uzbek tajik
""".split())

#: Words before a surname that say it names a person holding an office.
LEADER_TITLES = frozenset("president dictator leader emir king sheikh premier chancellor ruler tyrant".split())
MILITARY_TITLES = frozenset("""
general gen gen. brigadier brig brig. colonel col col. commander cmdr major maj lieutenant lt
captain capt admiral marshal field-marshal sergeant
""".split())
PERSON_TITLES = frozenset("""
mr mr. mrs mrs. ms ms. dr dr. sir lord minister secretary ambassador envoy spokesman spokeswoman
foreign defence defense prime vice deputy senator governor mayor judge sheikh imam cleric activist
""".split()) | LEADER_TITLES | MILITARY_TITLES
#: Words after a surname that point at a head of state (``the Assad regime``, ``Assad forces``).
LEADER_FOLLOWERS = frozenset("regime government forces troops loyalists administration army family rule dynasty".split())
#: Roles (``ckg:roleDescription``) of heads of state and government.
LEADER_ROLE = re.compile(r"\b(?:president|head of state|king|emir|supreme leader|prime minister|dictator)\b", re.IGNORECASE)
MILITARY_ROLE = re.compile(r"\b(?:general|commander|colonel|brigadier|major|officer|chief of|division|brigade|regiment)\b", re.IGNORECASE)
#: Nouns after a name that make it a local place, not a person or a distant town.
PLACE_NOUNS = frozenset("""
neighbourhood neighborhood neighbourhoods neighborhoods district suburb quarter street square hotel
school academy hospital camp prison mosque residential roundabout
""".split())
#: Capitalised words after a name that make it part of a longer one (``Al Assad Academy``).
FACILITY_WORDS = frozenset("""
academy hotel school street square hospital university mosque prison airport stadium camp road bridge
military college institute suburb district neighbourhood neighborhood housing project tower gate
""".split())
#: Particles inside Arabic names (``al-``, ``bin``), and short words between name parts.
PARTICLES = frozenset("al el ad ar as ash az at ad-din bin ibn bint abu abou um umm de da di van von der".split())

#: Built-in aliases: alias -> labels of the entity it names. Added only when an entity with one
#: of those labels is in the store (the first found wins).
BUILTIN_ALIASES: dict[str, tuple[str, ...]] = {
    "UN": ("United Nations",),
    "U.N.": ("United Nations", "UN"),
    "US": ("United States",),
    "U.S.": ("United States", "US"),
    "U.S": ("United States", "US"),
    "USA": ("United States",),
    "U.S.A.": ("United States", "USA"),
    "UK": ("United Kingdom",),
    "U.K.": ("United Kingdom", "UK"),
    "Britain": ("United Kingdom",),
    "Great Britain": ("United Kingdom",),
    "EU": ("European Union",),
    "E.U.": ("European Union", "EU"),
    "UNSC": ("United Nations Security Council", "UN Security Council"),
    "U.N. Security Council": ("United Nations Security Council", "UN Security Council"),
    "Damascus Countryside": ("Rif Dimashq Governorate",),
    "White Helmets": ("Syrian Civil Defense", "Syrian Civil Defence", "White Helmets (Syrian Civil War)"),
    "Syrian Observatory": ("Syrian Observatory for Human Rights",),
    "Fateh al-Sham Front": ("Jabhat Fateh al-Sham", "Al-Nusra Front"),
    "Jabhat Fateh al-Sham": ("Al-Nusra Front",),
    "Fatah al-Sham": ("Jabhat Fateh al-Sham", "Al-Nusra Front"),
    "Jaysh al-Fatah": ("Army of Conquest",),
    "Jabhat Fatah al-Sham": ("Jabhat Fateh al-Sham", "Al-Nusra Front"),
}

#: A fallback for ``wordfreq``: frequent English words that are also titles of pages.
_COMMON_FALLBACK = frozenset("""
time dawn day night war peace battle siege aid hospital school shooting torture sugar water food
bread christmas easter senate congress parliament coalition alliance democratic republican liberal
conservative medic doctor nurse ceasefire bombardment airstrike airstrikes offensive counterattack
border front line mortar mines rocket rockets missile missiles drone drones helicopter tank tanks
union party league council court law crime crimes justice freedom liberty hope victory glory storm
thunder lightning fire flame sword shield lion lions eagle eagles hawk hawks falcon falcons wolf
wolves tiger tigers desert mountain river sea lake island valley spring summer autumn winter
north south east west central ward post office station market bank church mosque castle citadel
palace tower bridge gate wall square street road city town village state nation country people
army navy police guard guards prison camp base airport port general major colonel captain
president minister king queen prince emir sheikh imam bishop pope time magazine times news
""".split())


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


# --- text folding -----------------------------------------------------------------------
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


# --- entities ---------------------------------------------------------------------------
@dataclass
class EntityInfo:
    """What the linker knows about one entity of the store."""

    iri: str
    labels: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    conflicts: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    degree: int = 0

    @property
    def unlinked(self) -> bool:
        """An entity known only by a name seen without a page (``…/resource/name/…``)."""
        return self.iri.startswith(T.NAME)

    def is_a(self, local: str) -> bool:
        return T.CKG + local in self.types

    @property
    def is_person(self) -> bool:
        return self.is_a("Person")

    @property
    def is_place(self) -> bool:
        return self.is_a("Place") or self.is_a("Country")

    @property
    def is_conflict(self) -> bool:
        return self.is_a("MilitaryConflict")

    @property
    def group_key(self) -> str:
        """Entities with the same key are duplicates of one page (``Bashar al-Assad`` and
        ``Bashar al Assad``, ``Syrian Civil War`` and ``Syrian civil war``)."""
        label = min(self.labels) if self.labels else self.iri.rsplit("/", 1)[-1]
        return _key_title(label)


@dataclass
class ConflictInfo:
    """Dates, places and participants of a conflict (for :meth:`Linker.about`). News keep
    reporting a conflict for a while after it ends: its end is extended by ``grace`` days."""

    iri: str
    start: str | None = None
    end: str | None = None
    ongoing: bool = False
    places: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)

    def covers(self, day: _dt.date, grace: int = 14) -> bool:
        if self.start is None:
            return False
        start = _partial_date(self.start, end=False)
        if start is None or day < start:
            return False
        if self.end is None:
            return self.ongoing
        end = _partial_date(self.end, end=True)
        return end is not None and day <= end + _dt.timedelta(days=grace)


def _partial_date(text: str, *, end: bool) -> _dt.date | None:
    """``2012`` -> 1 Jan (or 31 Dec), ``2012-07`` -> first (or last) day, ``2012-07-19``."""
    match = re.match(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not match:
        return None
    year = int(match[1])
    if year < 1:
        return None
    month = int(match[2]) if match[2] else (12 if end else 1)
    if match[3]:
        day = int(match[3])
    elif end:
        day = (_dt.date(year + (month == 12), month % 12 + 1, 1) - _dt.timedelta(days=1)).day
    else:
        day = 1
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Entry:
    """One way of naming an entity: the alias as written, its kind and strength."""

    iri: str
    alias: str
    kind: str  # label | alias | variant | builtin | short
    case_sensitive: bool


@dataclass
class _Match:
    start: int
    end: int
    key: str
    entries: list[_Entry]
    quality: float = 1.0


# --- Aho-Corasick -----------------------------------------------------------------------
class _PurePythonAutomaton:  # pragma: no cover - used only without pyahocorasick
    """A minimal Aho-Corasick automaton with the part of pyahocorasick's API used here."""

    def __init__(self) -> None:
        self._goto: list[dict[str, int]] = [{}]
        self._fail: list[int] = [0]
        self._out: list[list[tuple[str, Any]]] = [[]]

    def add_word(self, word: str, value: Any) -> None:
        state = 0
        for char in word:
            nxt = self._goto[state].get(char)
            if nxt is None:
                nxt = len(self._goto)
                self._goto[state][char] = nxt
                self._goto.append({})
                self._fail.append(0)
                self._out.append([])
            state = nxt
        self._out[state].append((word, value))

    def make_automaton(self) -> None:
        queue = list(self._goto[0].values())
        for state in queue:
            for char, nxt in self._goto[state].items():
                queue.append(nxt)
                fallback = self._fail[state]
                while fallback and char not in self._goto[fallback]:
                    fallback = self._fail[fallback]
                target = self._goto[fallback].get(char, 0)
                self._fail[nxt] = target if target != nxt else 0
                self._out[nxt] = self._out[nxt] + self._out[self._fail[nxt]]

    def iter(self, text: str) -> Iterable[tuple[int, Any]]:
        state = 0
        for index, char in enumerate(text):
            while state and char not in self._goto[state]:
                state = self._fail[state]
            state = self._goto[state].get(char, 0)
            for _, value in self._out[state]:
                yield index, value


def _new_automaton() -> Any:
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover
        return _PurePythonAutomaton()
    return ahocorasick.Automaton()


# --- the linker -------------------------------------------------------------------------
class Linker:
    """Finds mentions of the store's entities in text. Build it once per store with
    :meth:`from_store`, then call :meth:`link` and :meth:`about` per document."""

    def __init__(self, entities: dict[str, EntityInfo], conflicts: dict[str, ConflictInfo] | None = None,
                 *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.entities = entities
        self.conflicts = conflicts or {}
        self.threshold = threshold
        self._entries: dict[str, list[_Entry]] = defaultdict(list)
        self.dropped: dict[str, str] = {}  # alias -> why it is not a name (for inspection)
        self._inherit_only: set[str] = set()  # short names that are also common words
        self._place_conflicts: dict[str, int] = defaultdict(int)
        self._participant_conflicts: dict[str, int] = defaultdict(int)
        for conflict in self.conflicts.values():
            for place in conflict.places:
                self._place_conflicts[place] += 1
            for participant in conflict.participants:
                self._participant_conflicts[participant] += 1
        self._build_entries()
        self._fuzzy: dict[str, list[_Entry]] = defaultdict(list)
        self._skeleton: dict[str, list[_Entry]] = defaultdict(list)
        for entries in self._entries.values():
            for entry in entries:
                if entry.kind in ("short", "province") or entry.case_sensitive or not entry.alias[:1].isupper():
                    continue
                if self.entities[entry.iri].is_a("Country"):
                    continue
                key = translit_key(entry.alias)
                if _fuzzy_key_ok(key) and entry not in self._fuzzy[key]:
                    self._fuzzy[key].append(entry)
                skeleton = skeleton_key(entry.alias)
                if _name_words(entry.alias) >= 2 and len(skeleton) >= 6 and entry not in self._skeleton[skeleton]:
                    self._skeleton[skeleton].append(entry)
        self._automaton = _new_automaton()
        for key in self._entries:
            self._automaton.add_word(key, key)
        if self._entries:
            self._automaton.make_automaton()

    def fingerprint(self) -> str:
        """A digest of everything linking depends on besides the text: the entities (labels,
        aliases, types, conflicts, roles, degree), the conflicts (dates, places, participants,
        parents), the built-in and curated aliases and the threshold. Two linkers with the
        same fingerprint link every document the same way, so a news document linked with
        it needs no relinking.

        >>> Linker({}).fingerprint() == Linker({}).fingerprint() != Linker({}, threshold=0.9).fingerprint()
        True
        """
        entities = [[i.iri, sorted(i.labels), sorted(i.aliases), sorted(i.types), sorted(i.conflicts),
                     sorted(i.roles), i.degree] for i in sorted(self.entities.values(), key=lambda i: i.iri)]
        conflicts = [[c.iri, c.start, c.end, c.ongoing, sorted(c.places), sorted(c.participants), sorted(c.parents)]
                     for c in sorted(self.conflicts.values(), key=lambda c: c.iri)]
        payload = json.dumps([entities, conflicts, sorted(BUILTIN_ALIASES.items()), sorted(curated_aliases()),
                              self.threshold], ensure_ascii=False, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_store(cls, store: KGStore, *, threshold: float = DEFAULT_THRESHOLD) -> Linker:
        """Collect the candidates (labels, aliases, types, conflicts, roles) of ``store``."""
        from kg.sparql import select

        entities: dict[str, EntityInfo] = {}

        def entity(iri: str) -> EntityInfo:
            info = entities.get(iri)
            if info is None:
                info = entities[iri] = EntityInfo(iri)
            return info

        for row in select(store, """SELECT DISTINCT ?e ?p ?l WHERE {
                ?e a ckg:Entity . VALUES ?p { rdfs:label skos:altLabel } ?e ?p ?l .
                FILTER(isLiteral(?l) && (lang(?l) = "" || langMatches(lang(?l), "en"))) }"""):
            if not isinstance(row["e"], str) or row["e"].startswith("_:") or row["e"].startswith(LOCAL):
                continue  # generic names scoped to one article (``Special Forces``) name nothing here
            label = _clean_label(str(row["l"]))
            if not label:
                continue
            info = entity(row["e"])
            (info.labels if row["p"] == T.RDFS + "label" else info.aliases).add(label)
        for info in entities.values():
            info.aliases -= info.labels
        # Only the project's own classes: the derived graph adds ``dbo:`` types, and a derived
        # graph left over from the previous build must not change what this one links.
        for row in select(store, f"""SELECT DISTINCT ?e ?t WHERE {{ ?e a ckg:Entity ; a ?t
                FILTER(STRSTARTS(STR(?t), "{T.CKG}")) }}"""):
            if row["e"] in entities:
                entities[row["e"]].types.add(row["t"])

        conflicts: dict[str, ConflictInfo] = {}

        def conflict(iri: str) -> ConflictInfo:
            info = conflicts.get(iri)
            if info is None:
                info = conflicts[iri] = ConflictInfo(iri)
            return info

        for row in select(store, """SELECT ?c (MIN(STR(?s)) AS ?start) (MAX(STR(?e)) AS ?end) (MAX(STR(?o)) AS ?ongoing)
                WHERE { ?c a ckg:MilitaryConflict OPTIONAL { ?c ckg:startDate ?s } OPTIONAL { ?c ckg:endDate ?e }
                OPTIONAL { ?c ckg:ongoing ?o } } GROUP BY ?c"""):
            conflict_info = conflict(row["c"])
            conflict_info.start, conflict_info.end = row["start"], row["end"]
            conflict_info.ongoing = row["ongoing"] in ("true", "1", True)
        for row in select(store, "SELECT DISTINCT ?c ?p WHERE { ?c ckg:place ?p }"):
            conflict(row["c"]).places.add(row["p"])
        for row in select(store, "SELECT DISTINCT ?c ?p WHERE { ?c ckg:partOf ?p }"):
            conflict(row["c"]).parents.add(row["p"])
        for path in ("ckg:participation/ckg:party", "ckg:command/ckg:commander", "ckg:deployment/ckg:unit"):
            for row in select(store, f"SELECT DISTINCT ?c ?x WHERE {{ ?c ckg:side/{path} ?x }}"):
                conflict(row["c"]).participants.add(row["x"])
        for row in select(store, "SELECT DISTINCT ?x ?r WHERE { ?cmd ckg:commander ?x ; ckg:roleDescription ?r }"):
            if row["x"] in entities:
                entities[row["x"]].roles.add(str(row["r"]))
        # Entities named in the body of a Wikipedia article belong with the conflict it describes.
        mentioned = select(store, """SELECT DISTINCT ?x ?c WHERE { ?d schema:mentions ?x ; ckg:describes ?c .
                FILTER NOT EXISTS { ?d a schema:NewsArticle } FILTER NOT EXISTS { ?d ckg:documentKind "news" } }""")
        for conflict_info in conflicts.values():
            for member in conflict_info.places | conflict_info.participants:
                if member in entities:
                    entities[member].conflicts.add(conflict_info.iri)
                    entities[member].degree += 1
            for parent in conflict_info.parents:
                if parent in entities:
                    entities[parent].degree += 1
            if conflict_info.iri in entities:
                entities[conflict_info.iri].conflicts.add(conflict_info.iri)
                entities[conflict_info.iri].conflicts.update(conflict_info.parents)
        for row in mentioned:
            if row["x"] in entities:
                entities[row["x"]].conflicts.add(row["c"])
                entities[row["x"]].degree += 1
        return cls(entities, conflicts, threshold=threshold)

    def _add(self, alias: str, iri: str, kind: str) -> None:
        key = fold_label(alias)
        if not key:
            return
        letters = [c for c in alias if c.isalpha()]
        case_sensitive = len(key.replace(" ", "")) <= 4 or (len(letters) >= 2 and all(c.isupper() for c in letters))
        entry = _Entry(iri, alias, kind, case_sensitive)
        existing = self._entries[key]
        special = kind in ("short", "province")
        for index, other in enumerate(existing):
            if other.iri == iri and other.case_sensitive == case_sensitive and other.alias == alias and \
                    special == (other.kind in ("short", "province")) and (not special or other.kind == kind):
                if _KIND_RANK[kind] < _KIND_RANK[other.kind]:
                    existing[index] = entry
                return
        existing.append(entry)

    def _build_entries(self) -> None:
        by_label: dict[str, list[str]] = defaultdict(list)
        for info in self.entities.values():
            for label in sorted(info.labels):
                for kind, alias in [("label", label), *(("variant", v) for v in _variants(label))]:
                    reason = self.generic_reason(alias, info)
                    if reason:
                        self.dropped[alias] = reason
                        continue
                    self._add(alias, info.iri, kind)
                by_label[fold_label(label)].append(info.iri)
            for label in sorted(info.aliases):
                for kind, alias in [("alias", label), *(("variant", v) for v in _variants(label))]:
                    reason = self.generic_reason(alias, info)
                    if reason:
                        self.dropped[alias] = reason
                        continue
                    self._add(alias, info.iri, kind)
                by_label.setdefault(fold_label(label), [])
                by_label[fold_label(label)].append(info.iri)
        for alias, targets in [*BUILTIN_ALIASES.items(), *((a, (t,)) for a, t in curated_aliases())]:
            for target in targets:
                iris = [iri for iri in by_label.get(fold_label(target), []) if not self.entities[iri].unlinked]
                iris = iris or by_label.get(fold_label(target), [])
                if iris:
                    best = sorted(iris, key=lambda i: (fold_label(target) not in {fold_label(x) for x in self.entities[i].labels},
                                                       -self.entities[i].degree, i))[0]
                    self._add(alias, best, "builtin")
                    break
        # ``Daraa`` of ``Daraa Governorate``: the province, when the text says so.
        for info in self.entities.values():
            for label in info.labels | info.aliases:
                found = re.match(r"^(?:al-)?(.+?) (?:Governorate|Province)$", label)
                if found and not self.generic_reason(found[1], info):
                    self._add(found[1], info.iri, "province")
                    if label.lower().startswith("al-"):
                        self._add(label[:-len(" Governorate")] if label.endswith(" Governorate") else label, info.iri, "province")
        # Short names of people: the surname (``Assad``, ``al-Assad``, ``Churkin``).
        taken = set(self._entries)
        for info in self.entities.values():
            untyped = not info.types - {T.CKG + "Entity"}
            if not (info.is_person or (untyped and any(_person_like(x) for x in info.labels))):
                continue
            for label in info.labels | info.aliases:
                if not (info.is_person or _person_like(label)):
                    continue
                for short in _surnames(label):
                    key = fold_label(short)
                    if key in taken or len(key.replace(" ", "")) < 3:
                        continue
                    bare = key.split()[-1]
                    if bare in GENERIC_WORDS or bare in DEMONYMS or bare in PARTICLES or bare in PERSON_TITLES:
                        continue
                    if is_common_word(bare, 3.3):
                        # ``Lake``, ``Said``: only ever a name when the full name came first.
                        self._inherit_only.add(key)
                    self._add(short, info.iri, "short")

    def generic_reason(self, alias: str, info: EntityInfo | None = None) -> str | None:
        """Why an alias is not a name (``None`` when it is one).

        >>> linker = Linker({})
        >>> linker.generic_reason("rebels"), linker.generic_reason("Special Forces")
        ('lower case', 'generic words only')
        >>> linker.generic_reason("Barrel bomb"), linker.generic_reason("Free Syrian Army") is None
        ('sentence-case concept', True)
        """
        text = alias.strip()
        letters = [c for c in text if c.isalpha()]
        if len(letters) < 2:
            return "too short"
        if not any(c.isupper() for c in letters):
            return "lower case"
        key = fold_label(text)
        if key in GENERIC_PHRASES or key.removeprefix("the ") in GENERIC_PHRASES:
            return "generic term"
        words = [w.lower() for w in _tokens(fold(text).replace(".", " "))]
        raw_words = _tokens(text)
        if not words:
            return "no words"
        acronym = all(c.isupper() for c in letters)
        if len(words) == 1:
            word = words[0]
            if acronym:
                return None
            if word in DEMONYMS:
                return "demonym"
            if word in GENERIC_WORDS:
                return "generic term"
            if info is not None and info.labels and text not in info.labels and _is_demonym_of(text, info):
                return "demonym"
            if info is not None and info.is_place:
                return "common word" if word_frequency(word) >= 5.5 else None
            if is_common_word(word):
                return "common word"
            return None
        content = [w for w in words if w not in PARTICLES and w not in {"of", "the", "and", "for", "in", "on", "to", "a"}]
        if not content or all(w in GENERIC_WORDS or w.isdigit() for w in content):
            return "generic words only"
        if words[0] in DESCRIPTIVE_STARTS and not acronym:
            return "description"
        if raw_words and all(w[:1].islower() for w in raw_words[1:] if w[:1].isalpha() and w.lower() not in PARTICLES) \
                and len(raw_words) >= 2 and not acronym:
            # Sentence case: a concept (``Barrel bomb``) unless a proper word leads it.
            if all((w in GENERIC_WORDS or is_common_word(w, 3.0)) and w not in DEMONYMS for w in content):
                return "sentence-case concept"
            # An anchor such as ``Russian airstrikes``: a demonym and ordinary words, not a title.
            if info is not None and text not in info.labels and content[0] in DEMONYMS and \
                    all(w in GENERIC_WORDS or is_common_word(w, 3.0) for w in content[1:]):
                return "descriptive anchor"
        return None

    # -- matching -------------------------------------------------------------------------
    def _raw_matches(self, text: str, folded: str) -> list[_Match]:
        matches: list[_Match] = []
        if not self._entries:
            return matches  # an empty store names nothing (and an empty automaton cannot search)
        for end_index, key in self._automaton.iter(folded):
            end = end_index + 1
            start = end - len(key)
            if start > 0 and _is_word_char(folded[start - 1]) and _is_word_char(key[0]):
                continue
            if start > 0 and key[0] == "." and folded[start - 1] == ".":
                continue
            quality = 1.0
            if end < len(text) and _is_word_char(folded[end]) and _is_word_char(key[-1]):
                # Possessive without apostrophe (``Syrias``, ``Aleppos``): one ``s`` then a break.
                if folded[end] == "s" and key[-1] not in "s'" and key[-1].isalpha() and \
                        (end + 1 == len(text) or not _is_word_char(folded[end + 1])) and text[start].isupper():
                    quality = 0.95
                else:
                    continue
            if key.endswith(".") and end < len(text) and _is_word_char(folded[end]):
                continue
            entries = [e for e in self._entries[key] if self._case_ok(e, text, start, end)]
            if entries:
                matches.append(_Match(start, end, key, entries, quality))
        return matches

    def _fuzzy_matches(self, text: str, taken: _Coverage) -> list[_Match]:
        """Spelling variants of transliterated names (``Idleb``, ``Hasaka``, ``Jaish
        al-Fateh``, ``Sheikh Maksoud``): runs of capitalised words (particles allowed) not
        matched exactly, compared by :func:`translit_key`. Longest run first."""
        if not self._fuzzy:
            return []
        tokens = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        found: list[_Match] = []
        index = 0
        def capitalised(position: int) -> bool:
            piece = text[tokens[position][0]:tokens[position][1]]
            return piece[:1].isupper()

        def joined(a: int, b: int) -> bool:
            return text[tokens[a][1]:tokens[b][0]] in (" ", "-", "‐")

        while index < len(tokens):
            start = tokens[index][0]
            word = text[tokens[index][0]:tokens[index][1]]
            leading_article = word in ("al", "el") and index + 1 < len(tokens) and \
                text[tokens[index][1]:tokens[index + 1][0]] in ("-", "‐") and capitalised(index + 1)
            if not (word[:1].isupper() or leading_article) or taken.overlaps(start, tokens[index][1]):
                index += 1
                continue
            # Only a whole run of capitalised words: ``de Bretton Gordon`` holds no ``Britain``.
            if index > 0 and joined(index - 1, index) and (capitalised(index - 1) or
                                                             text[tokens[index - 1][0]:tokens[index - 1][1]].lower() in PARTICLES) \
                    and not _sentence_start(text[max(0, start - 80):start], text[tokens[index - 1][0]:tokens[index - 1][1]]):
                index += 1
                continue
            best: tuple[int, list[_Entry]] | None = None
            last = index
            for stop in range(index, min(index + 5, len(tokens))):
                if stop > index:
                    gap = text[tokens[stop - 1][1]:tokens[stop][0]]
                    if gap not in (" ", "-", "‐", "’", "'") :
                        break
                piece = text[tokens[stop][0]:tokens[stop][1]]
                if not (piece[:1].isupper() or piece.lower() in PARTICLES):
                    break
                end = tokens[stop][1]
                if taken.overlaps(start, end):
                    break
                if not piece[:1].isupper():
                    continue
                if stop == index and (_zipf is None or is_common_word(piece, 3.5) or piece.lower() in DEMONYMS
                                      or piece.lower() in GENERIC_WORDS):
                    continue  # one word: only with word frequencies to tell ``Summary`` from ``Samara``
                if piece.isupper() and len(piece) > 1:
                    break  # ``World War II`` is not ``World War I``
                after_run = stop + 1 < len(tokens) and joined(stop, stop + 1) and capitalised(stop + 1)
                span = text[start:end]
                entries = [e for e in self._fuzzy.get(translit_key(span), [])
                           if _name_words(e.alias) == _name_words(span)]
                if not entries and _name_words(span) >= 2 and len(skeleton_key(span)) >= 6:
                    entries = list(self._skeleton.get(skeleton_key(span), []))  # ``Noureddin al-Zinki``
                if entries and not after_run:
                    best, last = (end, entries), stop
            if best is None:
                index += 1
                continue
            found.append(_Match(start, best[0], "~" + translit_key(text[start:best[0]]), list(best[1]), quality=0.85))
            index = last + 1
        return found

    @staticmethod
    def _case_ok(entry: _Entry, text: str, start: int, end: int) -> bool:
        span = text[start:end]
        if entry.case_sensitive:
            if _strip_marks(span) != _strip_marks(entry.alias):
                return False
            # Inside a run of capitals (a shouted headline), ``US`` is the pronoun.
            return not _in_caps_run(text, start, end)
        letters = [c for c in span if c.isalpha()]
        return not (letters and all(c.islower() for c in letters) and any(c.isupper() for c in entry.alias))

    def link(self, doc: Document | str, *, threshold: float | None = None) -> list[Mention]:
        """The mentions of known entities in a document (or a plain text), in text order."""
        if isinstance(doc, str):
            doc = Document(path="<text>", kind="news", title="", content_hash="", body=doc)
        threshold = self.threshold if threshold is None else threshold
        text = doc.body
        folded = fold(text)
        excluded = _Coverage(len(text), _excluded(doc))
        raw = [m for m in self._raw_matches(text, folded) if not excluded.overlaps(m.start, m.end)]
        chosen = _longest_first(raw, len(text))
        # Spelling variants where no exact match links: an exact match that would not link
        # (a surname without support) does not hide ``Sheikh Maksoud``.
        linked = _Coverage(len(text), ((m.start, m.end) for m, iri, c in self._resolve(doc, text, chosen, context=set())
                                       if iri is not None and c >= threshold))
        fuzzy = [m for m in self._fuzzy_matches(text, linked) if not excluded.overlaps(m.start, m.end)]
        if fuzzy:
            spans = _Coverage(len(text), ((m.start, m.end) for m in fuzzy))
            chosen = [m for m in chosen if not spans.overlaps(m.start, m.end)] + fuzzy
            chosen.sort(key=lambda m: m.start)
        first = self._resolve(doc, text, chosen, context=set())
        context = self._context_conflicts(doc, first)
        resolved = self._resolve(doc, text, chosen, context=context)
        sections = sorted(doc.sections, key=lambda s: s.start)
        starts = [section.start for section in sections]
        mentions: list[Mention] = []
        for match, iri, confidence in resolved:
            if iri is None or confidence < threshold:
                continue
            position = bisect.bisect_right(starts, match.start)
            section = sections[position - 1].title if position else None
            mentions.append(Mention(match.start, match.end, text[match.start:match.end], iri=iri,
                                    section=section, confidence=round(confidence, 4)))
        return mentions

    def candidates(self, text: str) -> list[tuple[str, str, list[str]]]:
        """Every alias found in ``text`` before disambiguation: (span, kind, IRIs) (for
        inspection and tests)."""
        folded = fold(text)
        found = []
        for match in _longest_first(self._raw_matches(text, folded), len(text)):
            found.append((text[match.start:match.end], ",".join(sorted({e.kind for e in match.entries})),
                          sorted({e.iri for e in match.entries})))
        return found

    # -- disambiguation -------------------------------------------------------------------
    def _resolve(self, doc: Document, text: str, matches: list[_Match],
                 context: set[str]) -> list[tuple[_Match, str | None, float]]:
        full_positions: dict[str, int] = {}  # entity -> where its full name first appears
        for match in matches:
            for entry in match.entries:
                if entry.kind not in ("short", "province") and entry.iri not in full_positions:
                    full_positions[entry.iri] = match.start
        results: list[tuple[_Match, str | None, float]] = []
        for match in matches:
            scores: dict[str, float] = {}
            quality = match.quality
            primaries = {e.iri for e in match.entries if e.kind in ("label", "builtin")}
            single_token = len(_tokens(text[match.start:match.end])) == 1
            cue = _cues(text, match.start, match.end)
            province_wins = cue.province and any(e.kind == "province" for e in match.entries)
            for entry in match.entries:
                info = self.entities.get(entry.iri)
                if info is None:
                    continue
                if entry.kind == "short":
                    score = self._short_score(info, match, full_positions, cue)
                elif entry.kind == "province":
                    others = any(e.kind != "province" for e in match.entries)
                    score = 1.1 if cue.province else (0.9 if cue.countryside and not others else 0.0)
                else:
                    score = _KIND_SCORE[entry.kind]
                    if entry.kind in ("alias", "variant") and primaries and entry.iri not in primaries:
                        score = 0.4
                    if text[match.start:match.end] == entry.alias:
                        score += 0.03
                    if province_wins:
                        score *= 0.5
                if info.unlinked:
                    score *= 0.8
                if entry.kind != "short" and info.types - {T.CKG + "Entity"}:
                    score += 0.15  # typed by an infobox, not only a link target in some article body
                score += min(0.05, 0.01 * math.log1p(info.degree))
                coherent = bool(info.conflicts & context)
                if context and coherent:
                    score += 0.2
                elif context and info.conflicts and info.is_person and (info.unlinked or match.quality < 0.9):
                    # A common name (``Fadi Ismail``) of someone from another conflict.
                    score *= 0.5
                person_name = entry.kind == "short" or (info.is_person and single_token)
                if person_name and (cue.glued or cue.place_after):
                    score *= 0.1
                if cue.place_after and not info.is_person and single_token and context and not coherent \
                        and info.conflicts:
                    score *= 0.3
                if entry.kind != "short" and info.is_person and cue.leader and any(LEADER_ROLE.search(r) for r in info.roles):
                    score += 0.1
                scores[entry.iri] = max(scores.get(entry.iri, 0.0), score)
            if not scores:
                results.append((match, None, 0.0))
                continue
            groups: dict[str, list[str]] = defaultdict(list)
            for iri in scores:
                groups[self.entities[iri].group_key].append(iri)
            ranked = []
            for members in groups.values():
                best = sorted(members, key=lambda i: (-scores[i], self.entities[i].unlinked,
                                                      -self.entities[i].degree, i))[0]
                ranked.append((scores[best], best))
            ranked.sort(key=lambda pair: (-pair[0], pair[1]))
            best_score, best_iri = ranked[0]
            runner = ranked[1][0] if len(ranked) > 1 else 0.0
            if best_score <= 0:
                results.append((match, None, 0.0))
                continue
            confidence = quality * min(1.0, best_score) * (1.0 - 0.5 * min(1.0, runner / best_score))
            results.append((match, best_iri, confidence))
        return results

    def _short_score(self, info: EntityInfo, match: _Match, full_positions: dict[str, int], cue: _Cue) -> float:
        first = full_positions.get(info.iri)
        if first is not None:
            return 1.0 if first < match.start else 0.9
        if match.key in self._inherit_only:
            return 0.0
        score = 0.35
        leader = any(LEADER_ROLE.search(r) for r in info.roles)
        military = any(MILITARY_ROLE.search(r) for r in info.roles)
        if cue.leader and leader:
            score += 0.3
        elif cue.military and military:
            score += 0.2
        if leader:
            score += 0.15
        if not info.is_person:
            score *= 0.5
        return score

    def _context_conflicts(self, doc: Document, resolved: list[tuple[_Match, str | None, float]]) -> set[str]:
        mentions = [Mention(m.start, m.end, "", iri=iri, confidence=c) for m, iri, c in resolved
                    if iri is not None and c >= self.threshold]
        about = set(self.about(doc, mentions))
        context = set(about)
        for iri in about:
            info = self.conflicts.get(iri)
            if info:
                context |= info.parents
        return context

    # -- what an article is about ---------------------------------------------------------
    def about(self, doc: Document, mentions: list[Mention]) -> list[str]:
        """The conflicts the article is about: those it names, and those whose specific
        places (or at least two specific participants) it names and whose dates cover its
        publication date (without a date: a named place and a named participant)."""
        counts: dict[str, int] = defaultdict(int)
        for mention in mentions:
            if mention.iri:
                counts[mention.iri] += 1
        found = {iri for iri in counts if iri in self.conflicts or
                 (iri in self.entities and self.entities[iri].is_conflict)}
        day = _publication_day(doc)
        for conflict in self.conflicts.values():
            if conflict.iri in found:
                continue
            places = [p for p in conflict.places if p in counts and self._specific_place(p)]
            participants = [p for p in conflict.participants if p in counts and self._specific_participant(p)]
            place_score = len(places)
            participant_score = len(participants)
            if day is not None:
                if not conflict.covers(day):
                    continue
                if place_score >= 1 or participant_score >= 2:
                    found.add(conflict.iri)
            elif conflict.start is not None and place_score >= 1 and \
                    (participant_score >= 1 or max(counts[p] for p in places) >= 3):
                found.add(conflict.iri)
        return sorted(found)

    def _specific_place(self, iri: str) -> bool:
        info = self.entities.get(iri)
        if info is not None and info.is_a("Country"):
            return False
        return self._place_conflicts.get(iri, 0) <= 4

    def _specific_participant(self, iri: str) -> bool:
        info = self.entities.get(iri)
        if info is not None and info.is_a("Country"):
            return False
        return self._participant_conflicts.get(iri, 0) <= 6


# --- helpers ----------------------------------------------------------------------------
_KIND_RANK = {"label": 0, "builtin": 1, "alias": 2, "variant": 3, "province": 4, "short": 5}
_KIND_SCORE = {"label": 1.0, "builtin": 0.95, "alias": 0.85, "variant": 0.8, "province": 0.0, "short": 0.35}


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


def curated_aliases() -> list[tuple[str, str]]:
    """``(alias, target title)`` rows of the curated alias table (``data/aliases.tsv``, or
    ``$KG_ALIASES``), as written (case kept)."""
    try:
        from kg.resolution import default_aliases_path
    except ImportError:  # pragma: no cover
        return []
    path = default_aliases_path()
    if path is None or not path.exists():
        return []
    rows: list[tuple[str, str]] = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[0].strip() and parts[1].strip():
                    rows.append((parts[0].strip(), parts[1].strip().replace("_", " ")))
    except OSError:
        return []
    return rows


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


def _excluded(doc: Document) -> list[tuple[int, int]]:
    raw = doc.extra.get("excluded_spans") if doc.extra else None
    if not raw:
        return []
    try:
        return [(int(s), int(e)) for s, e in json.loads(raw)]
    except (ValueError, TypeError):
        return []


class _Coverage:
    """Which characters of a text are taken: O(length of the span) to test or mark a span,
    so that choosing among n matches stays linear in the text, not quadratic in n."""

    def __init__(self, length: int, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._taken = bytearray(length + 1)
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        self._taken[max(0, start):max(0, end)] = b"\x01" * max(0, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return 1 in self._taken[max(0, start):max(0, end)]


def _longest_first(matches: list[_Match], length: int | None = None) -> list[_Match]:
    """Non-overlapping matches, longest first (then leftmost), returned in text order."""
    if not matches:
        return []
    coverage = _Coverage(length if length is not None else max(m.end for m in matches))
    chosen: list[_Match] = []
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if coverage.overlaps(match.start, match.end):
            continue
        coverage.add(match.start, match.end)
        chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


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


_ORG_WORDS = GENERIC_WORDS | frozenset("""
battle siege offensive war clashes campaign operation republic kingdom federation union front
league council committee party movement brigade battalion regiment army navy forces force corps
division group organisation organization agency ministry office court commission school university
airport airbase base province governorate district oblast raion region city river mountain dam
crossing border square mosque hospital hotel palace church cathedral citadel museum news times
channel tv radio magazine newspaper post journal the of and for in
""".split())


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


def _is_demonym_of(alias: str, info: EntityInfo) -> bool:
    """``Russian`` for ``Russia``: a one-word alias that extends a one-word label."""
    word = alias.lower()
    for label in info.labels:
        base = label.lower()
        if " " in base or word == base:
            continue
        if word.startswith(base[:4]) and re.search(r"(?:ian|ish|ese|i|an|ians|is)$", word):
            return True
    return False


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


def _publication_day(doc: Document) -> _dt.date | None:
    if not doc.published:
        return None
    try:
        return _dt.date.fromisoformat(doc.published[:10])
    except ValueError:
        return None


# --- the build and the cards ------------------------------------------------------------
def link_news(doc: Document, linker: Linker) -> tuple[list[Mention], list[str]]:
    """Mentions and ``schema:about`` conflicts of one news document, for
    ``map_document(doc, None, mentions, about)``."""
    mentions = linker.link(doc)
    return mentions, linker.about(doc, mentions)


def about(doc: Document, mentions: list[Mention], store: KGStore | None = None, *, linker: Linker | None = None) -> list[str]:
    """The conflict IRIs a document is about (see :meth:`Linker.about`)."""
    if linker is None:
        if store is None:
            raise ValueError("about() needs a store or a linker")
        linker = Linker.from_store(store)
    return linker.about(doc, mentions)


def mention_spans(store: KGStore, doc_iri: str) -> dict[str, list[list[int]]]:
    """Entity IRI -> sorted ``[start, end]`` offsets of its annotations in a document (read
    from the ``oa:TextPositionSelector`` nodes of the document's graph)."""
    from kg.sparql import select, sparql_iri

    d = sparql_iri(doc_iri)
    rows = select(store, f"""SELECT DISTINCT ?e ?start ?end WHERE {{ GRAPH {d} {{
        ?a oa:hasBody ?e ; oa:hasTarget ?t . ?t oa:hasSource {d} ; oa:hasSelector ?s .
        ?s a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }} }}""")
    spans: dict[str, list[list[int]]] = defaultdict(list)
    for row in rows:
        spans[row["e"]].append([int(row["start"]), int(row["end"])])
    return {iri: sorted(found) for iri, found in sorted(spans.items())}


def entity_keys(iri: str, same_as: Iterable[str] = ()) -> set[str]:
    """Comparison keys of an entity: its IRI and the folded titles its IRI and
    ``owl:sameAs``/``schema:sameAs`` links name (for evaluation against titles)."""
    keys = {iri}
    for candidate in [iri, *same_as]:
        for prefix in (T.NAME, T.RESOURCE, T.WIKIPEDIA, T.DBR, "http://en.wikipedia.org/wiki/"):
            if candidate.startswith(prefix):
                keys.add(_key_title(candidate[len(prefix):]))
                break
    return keys


def title_key(title: str) -> str:
    """The comparison key of a Wikipedia title (see :func:`entity_keys`)."""
    return _key_title(title)


__all__ = ["DEFAULT_THRESHOLD", "ConflictInfo", "EntityInfo", "Linker", "about", "entity_keys", "fold",
           "is_common_word", "link_news", "mention_spans", "title_key"]
