"""Who claims a figure, and which phase of a conflict it belongs to.

Infoboxes attribute contested figures in a few written conventions:

* a heading over the figures below it: ``Per Russia:``, ``Per Armenian sources:``,
  ``Ukrainian claim:``, ``According to the UN:``;
* a label or note beside one figure: ``… Russian claim: 50 killed``, ``11 killed (per
  Artsakh)``, ``(SOHR claim)``, ``400 according to Karabakh State Commission``.

:func:`read_claim` reads one such phrase into a :class:`~kg.infobox.records.Claimant`:
the words as written, the claimant's name, and its entity when the name is one — a page
linked in the field, a country (``Russia``; demonyms such as ``Ukrainian`` through
``claimants.tsv``), or a source known by its abbreviation (``SOHR``, ``UN``). Other names
(``opposition``, ``Army``) keep their text and no entity, so a claim never invents a node.

:func:`read_phase` reads ``First phase`` / ``Phase 2`` / ``Second battle`` headings.

>>> claim = read_claim("Per Ukrainian sources")
>>> claim.text, claim.name, claim.ref.page
('Per Ukrainian sources', 'Ukrainian sources', 'Ukraine')
>>> read_claim("SOHR claim").ref.page
'Syrian Observatory for Human Rights'
>>> read_claim("opposition claim").ref is None
True
>>> read_claim("per day") is None, read_claim("unconfirmed reports") is None
(True, True)
>>> read_phase("Second phase"), read_phase("Phase 2"), read_phase("Casualties")
('Second phase', 'Phase 2', None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from kg.document import Link
from kg.infobox.flags import country_title
from kg.infobox.records import Claimant, EntityRef

__all__ = ["read_claim", "read_phase", "PHASE_LABEL", "claim_in", "cut_claim", "is_claim_note", "leads_with_source",
           "names_a_source", "CLAIM_LABEL"]

#: Words written before a source's name (``per``, ``according to`` and its abbreviation
#: ``acc.``, ``as reported by``); always followed by white space and the name.
_SOURCE_LEAD = (r"(?:per|acc(?:ording|\.)?\s+to|acc\.|as\s+(?:claimed|reported|stated)\s+by|claimed\s+by"
                r"|reported\s+by)(?=\s)")
_LEADING = re.compile(rf"^(?P<lead>{_SOURCE_LEAD})\s+(?P<name>.+)$", re.IGNORECASE)
_TRAILING = re.compile(
    r"^(?P<name>.+?)\s+(?:claims?|claimed|sources?|figures?|estimates?|estimations?|estimated|reports?|count|data|"
    r"statement)$",
    re.IGNORECASE,
)
#: Nouns that say which part of a claimant speaks; the entity is the claimant itself.
_SPEAKER_NOUNS = re.compile(
    r"\s+(?:sources?|officials?|government|authorities|forces|military|media|activists|side|"
    r"estimates?|figures?|defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e|mod)$",
    re.IGNORECASE,
)
#: Words that qualify a claim without naming anyone ("unconfirmed reports", "per day").
_NOT_A_CLAIMANT = re.compile(
    r"^(?:unconfirmed|confirmed|conflicting|other|another|one|an?|these|this|those|some|initial|early|later|"
    r"various|multiple|several|many|official|its|his|her|their|day|week|month|year|cent|capita|"
    r"annum|person|head|side|each|modern|recent|contemporary|conservative|higher|lower|highest|"
    r"lowest|upper|total|overall|final|preliminary)\b",
    re.IGNORECASE,
)
#: Claimants named together (``Turkish and SAA``, ``Armenia/Artsakh``).
_JOINT = re.compile(r"\s*[/&]\s*|\s+and\s+", re.IGNORECASE)
#: Who passes a claim on (``NKR Interior Minister as quoted by Human Rights Watch``): the
#: claimant is the one quoted.
_RELAY = re.compile(r"\s*,?\s+(?:as\s+)?(?:quoted|cited|relayed|reported)\s+(?:by|in)\s+.+$", re.IGNORECASE)
#: Claimants written in lower case after "per" ("per gov.", "per local reports").
_LOWER_CASE_CLAIMANT = re.compile(
    r"(?:pro-)?gov(?:ernment|t)?\.?|opposition|rebels?|activists|locals?|local (?:sources|reports|media)|"
    r"state media|officials?|monitors?|residents|witnesses",
    re.IGNORECASE,
)
#: A phase name: an ordinal and a phase noun (``Second phase``, ``First assault wave``) or
#: ``Phase 2``.
PHASE_LABEL = (
    r"(?i:(?:first|second|third|fourth|fifth|sixth|final|initial|last|main|\d+(?:st|nd|rd|th))\s+"
    r"(?:(?:assault|attack|ground|air|main|counter)\s+)?"      # "First assault wave"
    r"(?:phase|stage|battle|offensive|siege|wave|assault)"
    r"|(?:phase|stage)\s+(?:\d+|[IVX]+|one|two|three|four|five)"
    r"|initially|(?:at\s+(?:the\s+)?)?(?:start|end)|finally)"              # "Start:", "End:" (Battle of Kohima)
)
_PHASE = re.compile(rf"^{PHASE_LABEL}$")
#: Words that mark a source or an estimate without naming who (``(SOHR claim)``, ``reports``,
#: ``official count``): a label or note with one of them is no scope, name or kind word.
_SOURCE_WORDS = re.compile(
    r"\b(?:per|claims?|claimed|according|sources?|estimates?|reports?|reported|observers|"
    r"figures?|sohr|mod|officials?|count)\b|\bacc\.(?=\s)",
    re.IGNORECASE,
)
#: A claim label inside a line of figures (``… Per Ukraine: 2,500 killed``, ``Russian claim: 50``).
CLAIM_LABEL = (r"(?:Per|According to)\s[^:()]{1,40}?(?:\s*\([^()]*\))?"
               r"|[A-Z][\w/&.'-]*\s+claims?(?:\s*\([^()]*\))?")
#: A source tail that names no claimant we can read (``killed according to various reports``).
_UNREAD_TAIL = re.compile(rf"\s*,?\s*\b{_SOURCE_LEAD}.*$", re.IGNORECASE)
#: A line that is only a source note (``Rebel claim``, ``(government claim)``, ``Per Ukraine``).
_CLAIM_NOTE = re.compile(rf"(?:[\w/&.'-]+\s+){{1,3}}(?:figures|estimates|sources)|(?:[\w/&.'-]+\s+){{0,3}}claims?"
                         rf"|{_SOURCE_LEAD}\s+[^\d]{{1,40}}", re.IGNORECASE)
_TABLE_FILE = Path(__file__).with_name("claimants.tsv")


@cache
def _claimant_rows() -> list[list[str]]:
    return [line.split("\t") for line in _TABLE_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@cache
def _claimant_pages() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, page, *_ in _claimant_rows():
        table[_fold(name)] = page.strip()
        table.setdefault(_fold(page), page.strip())   # the full name of a source is itself
    return table


@cache
def _source_pages() -> dict[str, str]:
    """The rows marked ``source`` (monitors and reporting bodies), by name and by page."""
    table: dict[str, str] = {}
    for name, page, *kind in _claimant_rows():
        if kind and kind[0].strip() == "source":
            table[_fold(name)] = table[_fold(page)] = page.strip()
    return table


def _fold(text: str) -> str:
    """The form names are matched in: case, ``the``, underscores and the dots of an
    abbreviation aside (``U.N.`` is ``UN``), one row for ``defense`` and ``defence``.

    >>> _fold("the U.N."), _fold("Ministry_of_Defense")
    ('un', 'ministry of defence')
    """
    folded = " ".join(text.replace("_", " ").split()).casefold().removeprefix("the ")
    folded = re.sub(r"(?<![^\W\d_])([^\W\d_])\.", r"\1", folded)    # "u.n." -> "un"
    return re.sub(r"\bdefense\b", "defence", folded)


def _claimant_ref(name: str, links: Iterable[Link]) -> EntityRef | None:
    """The entity a claimant name stands for, or ``None``."""
    folded = _fold(name)
    links = [link for link in links if link.page]
    for link in links:
        if folded in (_fold(link.anchor), _fold(link.page)):
            return EntityRef(link.page, link.page)
    whole = [name, _SPEAKER_NOUNS.sub("", name)]
    page = next(filter(None, (_claimant_pages().get(_fold(n)) or country_title(n) for n in whole)), None)
    if page:
        return EntityRef(page, page)
    if _JOINT.search(name):
        # "Turkish and SAA claims", "Armenia/Artsakh": one figure given by several together
        # is no single entity (cards.md: one claimant, iri null, its words)
        return None
    # "per the [British MoD](…) sources": a link inside the claim words names the claimant
    # more precisely than a demonym or country around it
    inside = [link for link in links if _fold(link.anchor)
              and re.search(rf"(?<!\w){re.escape(_fold(link.anchor))}(?!\w)", folded)]
    if inside:
        best = max(inside, key=lambda link: len(link.anchor))
        return EntityRef(best.page, best.page)
    # "MoD of the Russian Federation": a body of a country speaks for the country.
    parts = re.split(r"\s+of\s+(?:the\s+)?", name)
    for part in parts:
        for candidate in (part, _SPEAKER_NOUNS.sub("", part)):
            page = _claimant_pages().get(_fold(candidate)) or country_title(candidate)
            if page:
                return EntityRef(page, page)
    return None


def read_claim(text: str, links: Iterable[Link] = ()) -> Claimant | None:
    """The claimant a heading, label or note names (``Per Russia``, ``Russian claim``,
    ``according to the SOHR``), or ``None`` when the phrase is not a claim."""
    core = " ".join(text.strip(" \t()[]:;,.\"'“”").split())
    if re.search(r"(?:^|[\s.])[A-Z]$", core) and text.rstrip(" \t)]:;,\"'“”").endswith("."):
        core += "."                       # "per U.N.": the abbreviation keeps its last dot
    known = _source_pages().get(_fold(core))
    if known is not None:
        # a reporting body named alone ("(Iraq Body Count)", "(SOHR)"): the citation is the
        # claim; a party named alone ("Turkey: 350 officers") says whose figure it is
        return Claimant(text=core, name=core, ref=EntityRef(known, known))
    match = _LEADING.match(core)
    inner = None if match else re.match(rf"[^,;()]+?\s(?={_SOURCE_LEAD}\s+[A-Z])", core, re.IGNORECASE)
    if inner is not None:
        # "Russian seizure Per Ukrainian sources": a section name before the claim
        claim = read_claim(core[inner.end():], links)
        return None if claim is None else Claimant(text=core, name=claim.name, ref=claim.ref)
    match = match or _TRAILING.match(core)
    if match is None:
        return None
    name = re.sub(r"^the\s+", "", _RELAY.sub("", match.group("name")).strip(" ,;:"), flags=re.IGNORECASE)
    name = re.sub(r"['’]s$", "", name)    # "Pakistan army's claim": the army's
    if "lead" in match.groupdict():
        name = re.sub(r"\s+claims?$", "", name, flags=re.IGNORECASE)   # "per Ukrainian claim"
    if not name or len(name.split()) > 6 or re.search(r"[\d,;]", name) or _NOT_A_CLAIMANT.match(name):
        return None                       # "(per ISW, early April)" is read part by part
    links = list(links)
    ref = _claimant_ref(name, links)
    if ref is None and "lead" in match.groupdict() and match.group("lead").lower() == "per" \
            and not _names_someone(name):
        return None                       # "per day", "per soldier": not a source
    return Claimant(text=core, name=name, ref=ref)


def _names_someone(name: str) -> bool:
    """After ``per``, words that name who says so: a capitalised word (``neutral
    Somalis``), a source noun (``medical sources``, ``local reports``) or one of the
    lower-case claimants (``gov.``, ``opposition``); not ``day``, ``cent`` or ``soldier``.

    >>> [_names_someone(n) for n in ("neutral Somalis", "medical sources", "gov.", "day", "capita")]
    [True, True, True, False, False]
    """
    return any(word[:1].isupper() for word in name.split()) or bool(_LOWER_CASE_CLAIMANT.fullmatch(name)) \
        or bool(_SPEAKER_NOUNS.search(" " + name))


def claim_in(text: str, links: Iterable[Link] = ()) -> tuple[str, Claimant | None]:
    """Cut a trailing claim off a figure's words: ``killed according to the UN`` ->
    (``killed``, the UN's claim); words without one come back unchanged.

    >>> words, claim = claim_in("civilians killed according to the UN")
    >>> words, claim.ref.page
    ('civilians killed', 'United Nations')
    """
    for match in re.finditer(rf"(?:^|,?\s+)\b(?={_SOURCE_LEAD})", text, re.IGNORECASE):
        claim = read_claim(text[match.end():], links)
        if claim is not None:
            return text[: match.start()].strip(" ,;"), claim
    return text, None


def cut_claim(text: str, links: Iterable[Link] = ()) -> tuple[str, Claimant | None]:
    """Like :func:`claim_in`, but a source tail that names no one we can read is cut off
    too (it is not part of what was counted).

    >>> cut_claim("killed according to various reports")
    ('killed', None)
    """
    words, claim = claim_in(text, links)
    return (words, claim) if claim is not None else (_UNREAD_TAIL.sub("", text), None)


def is_claim_note(text: str) -> bool:
    """A line or note that is only a source (``Rebel claim``, ``(government claim)``,
    ``Per Ukraine``), with no figure of its own.

    >>> is_claim_note("(government claim)"), is_claim_note("Per Ukraine"), is_claim_note("12 killed")
    (True, True, False)
    >>> is_claim_note("Indian official figures"), is_claim_note("Ukrainian sources")
    (True, True)
    """
    return bool(_CLAIM_NOTE.fullmatch(text.strip(" ()")))


def leads_with_source(text: str) -> bool:
    """True when ``text`` starts with the words before a source's name (``Per Ukraine``,
    ``(according to the UN``, ``acc. Ukrainian military``): a claim written so heads the
    figures below it; ``Russian claim`` qualifies the figure above.

    >>> leads_with_source("(acc. Armed Forces of Ukraine)"), leads_with_source("Rebel claim")
    (True, False)
    """
    return re.match(rf"\(?\s*{_SOURCE_LEAD}", text, re.IGNORECASE) is not None


def names_a_source(text: str) -> bool:
    """Words that mark a source or an estimate (``claim``, ``per``, ``reports``, ``SOHR``),
    whether or not :func:`read_claim` can say who.

    >>> names_a_source("opposition sources"), names_a_source("in base")
    (True, False)
    """
    return bool(_SOURCE_WORDS.search(text))


def read_phase(text: str) -> str | None:
    """The phase a heading names (``First phase``, ``Phase 2``), as written, or ``None``."""
    core = " ".join(text.strip(" \t()[]:;,.").split())
    return core if _PHASE.match(core) else None
