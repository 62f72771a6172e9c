""":class:`Linker`: matching, case rules, disambiguation and confidence over the gazetteer of
a store (see :mod:`kg.linking` for the rules).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
from collections import defaultdict
from typing import TYPE_CHECKING

from kg.document import Document, Mention
from kg.linking.context import _Cue, _cues, _sentence_start
from kg.linking.dates import ConflictInfo, _publication_day
from kg.linking.gazetteer import (
    _KIND_RANK,
    _KIND_SCORE,
    EntityInfo,
    _Coverage,
    _Entry,
    _is_demonym_of,
    _longest_first,
    _Match,
    _new_automaton,
    curated_aliases,
)
from kg.linking.text import (
    _WORD,
    _clean_label,
    _fuzzy_key_ok,
    _in_caps_run,
    _is_word_char,
    _name_words,
    _person_like,
    _strip_marks,
    _surnames,
    _tokens,
    _variants,
    fold,
    fold_label,
    skeleton_key,
    translit_key,
)
from kg.linking.words import (
    BUILTIN_ALIASES,
    DEMONYMS,
    DESCRIPTIVE_STARTS,
    LEADER_ROLE,
    MILITARY_ROLE,
    PARTICLES,
    PERSON_TITLES,
    _zipf,
    is_common_word,
    word_frequency,
)
from kg.identity import resource_iri
from kg.names import GENERIC_WORDS, is_generic, is_numbered
from kg.rdf import terms as T
from kg.sparql import select

if TYPE_CHECKING:
    from kg.store import KGStore


DEFAULT_THRESHOLD = 0.5


#: Generic unlinked names that identity resolution scopes to one article (``kg.identity.local_iri``).
LOCAL = T.RESOURCE + "local/"


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
        # how many page-backed entities carry each label (a generic title is kept when one does)
        self._page_labels: dict[str, int] = defaultdict(int)
        for info in entities.values():
            if not info.unlinked:
                for label in {fold_label(x) for x in info.labels}:
                    self._page_labels[label] += 1
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

        A generic name (:func:`kg.names.is_generic`, the test identity resolution uses) is not
        a name, unless it is the numbered page title of ``info`` (see :meth:`_own_title`).

        >>> linker = Linker({})
        >>> linker.generic_reason("rebels"), linker.generic_reason("Special Forces"), linker.generic_reason("the Regime")
        ('generic name', 'generic name', 'generic name')
        >>> linker.generic_reason("Barrel bomb"), linker.generic_reason("Free Syrian Army") is None
        ('sentence-case concept', True)
        """
        text = alias.strip()
        if is_generic(text) and not self._own_title(text, info):
            return "generic name"
        letters = [c for c in text if c.isalpha()]
        if len(letters) < 2:
            return "too short"
        if not any(c.isupper() for c in letters):
            return "lower case"
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
            if info is not None and info.labels and text not in info.labels and _is_demonym_of(text, info):
                return "demonym"
            if info is not None and info.is_place:
                return "common word" if word_frequency(word) >= 5.5 else None
            if is_common_word(word):
                return "common word"
            return None
        content = [w for w in words if w not in PARTICLES and w not in {"of", "the", "and", "for", "in", "on", "to", "a"}]
        if not content:
            return "particles only"
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

    def _own_title(self, text: str, info: EntityInfo | None) -> bool:
        """Whether ``text`` is the full page title of ``info``, numbered, of several words,
        and the label of no other page-backed entity (``76th Guards Air Assault Division``):
        the one case where a generic name still links (see :mod:`kg.names`).

        >>> linker = Linker({})
        >>> linker._own_title("1st Tank Brigade", EntityInfo(T.RESOURCE + "1st_Tank_Brigade", {"1st Tank Brigade"}))
        True
        >>> linker._own_title("1st Tank Brigade", EntityInfo(T.NAME + "1st_Tank_Brigade", {"1st Tank Brigade"}))
        False
        >>> linker._own_title("Internal Security Forces",
        ...                   EntityInfo(T.RESOURCE + "Internal_Security_Forces", {"Internal Security Forces"}))
        False
        """
        if info is None or info.unlinked or len(_tokens(text)) < 2 or not is_numbered(text) \
                or info.iri != resource_iri(text):
            return False
        return self._page_labels.get(fold_label(text), 0) <= 1

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


def _excluded(doc: Document) -> list[tuple[int, int]]:
    raw = doc.extra.get("excluded_spans") if doc.extra else None
    if not raw:
        return []
    try:
        return [(int(s), int(e)) for s, e in json.loads(raw)]
    except (ValueError, TypeError):
        return []
