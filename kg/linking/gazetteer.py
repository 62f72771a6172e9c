"""The gazetteer: what the linker knows about each entity of the store, the ways of naming
it (:class:`_Entry`), the curated aliases, and the Aho-Corasick automaton with the
longest-first choice of candidate matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.linking.text import _key_title
from kg.names import default_aliases_path
from kg.rdf import terms as T


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


_KIND_RANK = {"label": 0, "builtin": 1, "alias": 2, "variant": 3, "province": 4, "short": 5}
_KIND_SCORE = {"label": 1.0, "builtin": 0.95, "alias": 0.85, "variant": 0.8, "province": 0.0, "short": 0.35}


def curated_aliases() -> list[tuple[str, str]]:
    """``(alias, target title)`` rows of the curated alias table (``data/aliases.tsv``, or
    ``$KG_ALIASES``), as written (case kept)."""
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
