"""``commanderN`` -> :class:`~kg.infobox.records.Commander` list.

The field is read into a tree by :func:`kg.infobox.grammar.build_tree`, with two commander-specific cuts: a comma or
semicolon separates two people (``Major Ali Ayyoub, Lieutenant Ibrahim Ayyoub``), and a
military rank starts a new person inside plain text (``Maj. Abdul Rahman Sheikh Ali 1st Lt.
Ahmad Mustafa al-Khalaf``). Then, in source order:

* **Name and reference.** The reference is the link whose anchor is the name, else a plain
  name. A rank before the name (``Maj. Gen.``, ``Col.``, ``Colonel``, ``1st Lt.``) is not
  part of the name; it stays in ``text``. So is a linked rank (``[[Brigade General]]
  [[Gregory de Saint-Quentin]]``): the name after it joins it, and the rank's link is not
  the person's. ``Unknown`` and similar placeholders, and a rank with no name (``Unnamed
  Brigadier``), are skipped (warning ``placeholder``). A person listed twice on a side is
  one commander (:func:`kg.infobox.merge_repeats`, warning ``duplicate-entry``).
* **Role.** The parenthetical after the name is the role, also when it is on the next line
  (``Ali Abdullah Ayyoub`` / ``(Chief of the General Staff)``) or starts the next line
  before another name (``(Russian intervention force commander) Maher al-Assad``: the role
  ends and Maher al-Assad starts a new entry). Several parentheticals are joined with
  ``; ``. A line without parentheses right under a name that has no role yet is the role
  when it reads like one (it has a word such as *commander*, *minister*, *head*, *leader*,
  *chief*: ``Bashar al-Assad`` / ``President of Syria``). Links inside a role (``(Major
  General of IRGC)``) go to ``role_links``; they are never commanders.
* **Other names.** A parenthetical part that starts with words introducing another name
  (``(a.k.a. Abu Ibrahim Al-Francy)``, ``(alias: "Abu Suleiman", Emir and Founder of Jund
  ash-Sham)``; :func:`~kg.infobox.text.split_other_name`) gives the person's other name
  (``alt_names``, ``skos:altLabel``; warning ``alt-name``), not a role: the name runs to
  a comma, the rest of the part is the role (also ``(ISIL emir, a.k.a. Abu Hamza)``). So
  does a parenthetical that is only a quoted name (a nickname: ``Mikhail Tolstykh
  ("Givi")``) or a name in another script (``(Игорь Стрелков)``), as for parties and
  units (:func:`~kg.infobox.text.given_names`); a parenthetical of several quoted names
  (``Alexander Mozhaev ("Babay" or "Bogeyman")``) gives them all.
* **Period.** A parenthetical that is only a period (``(2014–present)``, ``(from 2015)``)
  is the ``period``, not the role; so is a date set apart from the role's words by a ``;``
  (``(acting; 2014)``) or a comma (``(FSA Aleppo top commander, 2013)``, a role line ``Free
  Officers Movement commander, until August 2011``: :func:`split_role_period`). A date
  without a year (``(until March)``, ``(from c. 11 September)``) is dated in the year the
  conflict started, as a party's is (warning ``guessed-year``). A scope, phase or claim
  qualifier that is no datable period (``(Final Assault only)``, ``(until March)`` read
  without the conflict's year) is no role either: it stays in ``text``, with a
  ``scope-qualifier`` warning.
* **Killed in action.** Every entry after a ``KIA``/``KIA:`` heading (bold or not, on its
  own line or after a name on the same line, as in ``Sewsen Bîrhat (YPJ commander) KIA:``
  where Sewsen is *not* KIA and the entries after are) has ``kia``; so has any entry with a
  ``†`` or a ``(KIA)`` parenthetical. wtf_wikipedia drops ``{{KIA}}`` templates, so a
  commander whose KIA mark was only a template is not recognised.
* **Other fates.** A parenthetical of loss words only (``(WIA)``, ``(POW)``, ``(MIA)``,
  ``(captured)``, ``(executed)``: what the wikitext reader writes for ``{{WIA}}``,
  ``{{POW}}``…), with or without a claim after it (``(POW per Ukrainian claim)``), is the
  person's ``fate`` (``wounded``, ``captured``, ``missing``, ``executed``) with its
  ``fate_claimant``, not a role (:func:`fate_mark`). ``(killed)`` is ``kia``; a death only
  claimed (``(killed per Ukrainian claim)``) is the fate ``killed`` with its claimant and
  no ``kia``. A mark that is the name or abbreviation of a party of the same side names
  that party (Mali War: ``Algabass Ag Intalla (MIA)`` beside ``Islamic Movement of Azawad
  (MIA)``): it stays the role.
* **Names run together.** Unlinked names on one line whose line breaks wtf_wikipedia lost
  (``Mohamed Zawahiri Islam Aloush Abu Ali``) are cut where the article's body names the
  parts apart (:func:`split_by_mentions`; warning ``guessed-split`` naming the field and
  the text); a run the body does not name apart is kept as written.
* **Flags and debris.** A flag before a name is the ``country`` (link page, else
  :mod:`kg.infobox.flags`); a flag alone is no commander (warning ``flag-only``). Image
  names (``Al-Liwaa.svg Taufik Shiabuddin``) and ``undefined`` are removed with warnings.

>>> from kg.document import Field, Link
>>> f = Field("commander1", "Qasem Soleimani\\n(Major General of IRGC)\\nKIA:\\n\\nHossein Hamadani (IRGC General)",
...           [Link("Qasem Soleimani"), Link("IRGC")])
>>> [(c.ref.name, c.role, [r.page for r in c.role_links], c.kia) for c in parse_commanders(f, [])]
[('Qasem Soleimani', 'Major General of IRGC', ['IRGC'], False), ('Hossein Hamadani', 'IRGC General', [], True)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from kg.document import Field, Link, ReadWarning
from kg.infobox.dates import guessed_year, parse_period
from kg.infobox.flags import entry_country
from kg.infobox.claims import claim_in
from kg.infobox.records import Claimant, Commander, EntityRef, Party, Period
from kg.infobox.quantities import loss_mark, period_of, split_trailing_period
from kg.infobox.grammar import KIA_HEADING, EntryNode, Grammar, build_tree, qualifier_note
from kg.infobox.text import (
    Entry,
    FieldLine,
    ScannedField,
    drop_undefined,
    entry_name,
    entry_ref,
    entry_source,
    given_names,
    drop_unknown_prefix,
    keep_alt_name,
    link_target,
    name_words,
    skip_entry,
    split_other_name,
    split_page,
    split_trailing_parentheticals,
    strip_markup,
    tidy_name,
    word_alternation,
)

__all__ = ["is_rank_link", "parse_commanders", "strip_rank", "split_at_ranks", "split_by_mentions"]


#: ``Adm.``, ``ADM.``, ``Lt.``: an abbreviated rank in any case, as a whole word.
_RANK_ABBREVIATION = rf"\b(?i:(?:{word_alternation(name_words('rank-abbreviation'))}))\."
_RANK_WORD = f"(?:{word_alternation(name_words('rank'), title=True)})"
#: ``ACM``: a rank abbreviation without a dot, matched as written (only the listed words:
#: other capitals before a name are a party's abbreviation, ``FSA``, or initials).
_RANK_CAPITALS = r"\b(?-i:" + "|".join(re.escape(word.upper()) for word in sorted(name_words("rank-capitals"))) + r")\b"
_ORDINAL = r"(?:\d+(?:st|nd|rd|th)\s+)"
#: ``Staff``: a word that goes before a rank (``Staff Maj. Gen.``), no rank alone.
_RANK_PREFIX = rf"(?:(?:{word_alternation(name_words('rank-prefix'), title=True)})\s+)"
_RANK = rf"(?:{_ORDINAL}?{_RANK_PREFIX}?(?:{_RANK_ABBREVIATION}|{_RANK_CAPITALS}|{_RANK_WORD}\b))"
#: One or more ranks at the start of a name, followed by the name.
_LEADING_RANKS = re.compile(rf"^(?:{_RANK}\s*)+(?=\S)")
#: Text that is only ranks (``Maj. Gen.``): it joins the link that follows.
_ONLY_RANKS = re.compile(rf"^(?:{_RANK}\s*)+$")
#: A page title that is only ranks, in any case (``Major general``, ``Colonel (Syria)``
#: once its parenthetical is off).
_RANK_TITLE = re.compile(rf"^(?:{_RANK}\s*)+$", re.IGNORECASE)
#: A page about ranks (``Ranks in the French Navy``, ``Military ranks of Syria``).
_RANKS_PAGE = re.compile(r"\branks?\b", re.IGNORECASE)
#: Where a rank starts a new person inside plain text (abbreviations and the ``rank-start``
#: words: ``General``/``Major``/``Commander`` also occur inside role phrases).
_RANK_START = re.compile(
    rf"(?<=\s)(?={_ORDINAL}?{_RANK_PREFIX}?(?:{_RANK_ABBREVIATION}|{_RANK_CAPITALS}\s+[A-Z]|"
    rf"(?:{word_alternation(name_words('rank-start'), title=True)})\s+[A-Z]))"
)
#: A run of ranks in plain text: a rank start inside one (``Adm.`` in ``V. Adm.``, ``Maj.`` in
#: ``Staff Maj. Gen.``) is no new person.
_RANK_RUN = re.compile(rf"(?<!\S)(?:{_RANK}\s*)+")
#: Where a placeholder person starts inside plain text (``Hasan Cudi Unidentified Arab
#: leaders``).
_UNNAMED_START = re.compile(r"(?<=\s)(?=(?:Unknown|Unidentified|Unnamed)\s)")
_ENDS_WITH_RANK = re.compile(rf"(?:{_RANK_ABBREVIATION}|{_RANK_WORD}|\d+(?:st|nd|rd|th))\s*$")
_KIA_MARK = re.compile(r"^(?:k\.?i\.?a\.?|killed\s+in\s+action|†)$", re.IGNORECASE)
#: A note about the name, not a role: ``"Commander Casper" (real name unknown)``.
_NAME_NOTE = re.compile(r"\b(?:real|true|full|birth)\s+name\b|\bidentity\s+(?:unknown|unconfirmed)\b",
                        re.IGNORECASE)
#: Words that make an unbracketed line under a name read as that person's role.
_ROLE_WORDS = re.compile(
    r"\b(?:commander|commander-in-chief|minister|head|leader|chief|president|emir|governor|deputy|"
    r"secretary|chairman|mayor|spokesman|spokesperson|officer|director|commanding|premier)\b",
    re.IGNORECASE,
)


def strip_rank(name: str) -> str:
    """The name without the military ranks before it.

    >>> strip_rank("Maj. Gen. Hussein Isaac"), strip_rank("1st Lt. Rifaat Khalil"), strip_rank("Colonel Suheil al-Hassan")
    ('Hussein Isaac', 'Rifaat Khalil', 'Suheil al-Hassan')
    >>> strip_rank("Staff Maj. Gen. Abdul-Wahab al-Saadi"), strip_rank("ACM Anil Yashwant Tipnis"), strip_rank("FSA Abu Ali")
    ('Abdul-Wahab al-Saadi', 'Anil Yashwant Tipnis', 'FSA Abu Ali')
    """
    return _LEADING_RANKS.sub("", name).strip()


def is_rank_link(link: Link | None) -> bool:
    """A link that is a rank, not a person: its text is only ranks (``[[Ranks in the French
    Navy|ADM.]]``, ``[[Brigade General]]``), or its page is about ranks (``Ranks in the
    French Navy``, ``Military ranks of Syria``) or is a rank (``Colonel (Syria)``, ``Major
    general``). Before a name it is that person's rank.

    >>> is_rank_link(Link("Ranks in the French Navy#Officiers généraux", "ADM.")), is_rank_link(Link("Colonel (Syria)", "Col."))
    (True, True)
    >>> is_rank_link(Link("General Staff of the Republic of Turkey", "General Staff")), is_rank_link(Link("Hezbollah"))
    (False, False)
    """
    if link is None:
        return False
    title = split_trailing_parentheticals(split_page(link.page)[0])[0].strip()
    return bool(_ONLY_RANKS.match(strip_markup(link.anchor).strip()) or _RANKS_PAGE.search(title)
                or _RANK_TITLE.match(title))


def split_at_ranks(text: str) -> list[str]:
    """Cut plain text where a rank starts a new person.

    >>> split_at_ranks("Maj. Abdul Rahman Sheikh Ali 1st Lt. Ahmad Mustafa al-Khalaf")
    ['Maj. Abdul Rahman Sheikh Ali', '1st Lt. Ahmad Mustafa al-Khalaf']
    >>> split_at_ranks("Brig. Gen. Ali Mahmoud Col. Ghayath Galla")
    ['Brig. Gen. Ali Mahmoud', 'Col. Ghayath Galla']
    >>> split_at_ranks("Hasan Cudi Unidentified Arab leaders")
    ['Hasan Cudi', 'Unidentified Arab leaders']
    >>> split_at_ranks("V. Adm. Ronald Joseph Mercado"), split_at_ranks("Ali Staff Maj. Gen. Ismail al-Mahalawi")
    (['V. Adm. Ronald Joseph Mercado'], ['Ali', 'Staff Maj. Gen. Ismail al-Mahalawi'])
    """
    parts: list[str] = []
    cursor = 0
    inside = {start for run in _RANK_RUN.finditer(text) for start in range(run.start() + 1, run.end())}
    starts = sorted(({m.start() for m in _RANK_START.finditer(text)} - inside)
                    | {m.start() for m in _UNNAMED_START.finditer(text)})
    for start in starts:
        before = text[cursor:start].strip()
        if not before or _ENDS_WITH_RANK.search(before):
            continue
        parts.append(before)
        cursor = start
    parts.append(text[cursor:].strip())
    return [part for part in parts if part]


def parse_commanders(field: Field, warnings: list[ReadWarning], body: str = "",
                     year: int | None = None, parties: Sequence[Party] = ()) -> list[Commander]:
    """The commanders of one ``commanderN`` field, in source order (see the module doc).
    ``body`` is the article's text: a run of unlinked names is cut where the body names
    its parts apart (:func:`split_by_mentions`). ``year`` (the year the conflict started)
    dates a period written without one (``(until March)``), as for parties. ``parties``
    are the side's parties: a mark that is one's name or abbreviation names it (``(MIA)``
    beside ``Islamic Movement of Azawad (MIA)``), it is no fate."""
    tree = build_tree(field, warnings, COMMANDER_GRAMMAR)
    party_names = {n.casefold() for party in parties for n in (party.ref.name, *party.alt_names)}
    commanders: list[Commander] = []
    for node in tree.entries():
        commander = _commander(tree.scanned, node, warnings, year, party_names)
        if commander is None:
            continue
        parts = None
        if body and commander.ref.page is None and commander.role is None and commander.period is None \
                and commander.country is None:
            parts = split_by_mentions(commander.ref.name, body)
        if parts is None:
            commanders.append(commander)
            continue
        warnings.append(ReadWarning("guessed-split", field.name, commander.text,
                                    f"{commander.ref.name!r} cut into {len(parts)} names that the article names "
                                    f"apart: " + ", ".join(map(repr, parts)) + " (a guess: line breaks lost)"))
        commanders.extend(replace(commander, ref=EntityRef(part)) for part in parts)
    return commanders


#: A name that goes on before or after a mention: a capitalised word next to it.
_NAME_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+$")
_NAME_AFTER = re.compile(r"^\s+[A-Z]")


def _named_apart(phrase: str, body: str) -> bool:
    """The body names ``phrase`` on its own: as whole words, with no capitalised word right
    before or after it (``commander Abu Ali was killed``, not ``Abu Ali Salhab``)."""
    for match in re.finditer(rf"(?<![\w'’-]){re.escape(phrase)}(?![\w'’-])", body):
        if not _NAME_BEFORE.search(body[max(0, match.start() - 40):match.start()]) \
                and not _NAME_AFTER.match(body[match.end():match.end() + 3]):
            return True
    return False


def split_by_mentions(name: str, body: str) -> list[str] | None:
    """Unlinked names run together on one line (wtf_wikipedia lost the line breaks), cut
    where the article's body names the parts apart: at least two runs of two or more words
    that the body names on their own, and whatever lies around them (two words or more
    each: a name) as further names. ``None`` when the body names the whole, or fewer than
    two of its parts, or a part left would be a single word.

    >>> body = "The army arrested Mohamed Zawahiri, a brother. The rebel commander Abu Ali was killed."
    >>> split_by_mentions("Mohamed Zawahiri Islam Aloush Abu Ali", body)
    ['Mohamed Zawahiri', 'Islam Aloush', 'Abu Ali']
    >>> split_by_mentions("Abu Ali Salhab", body) is None, split_by_mentions("Mohamed Zawahiri Abu Ali", "") is None
    (True, True)
    """
    words = name.split()
    if len(words) < 4 or _named_apart(name, body):
        return None
    spans = [(start, end) for length in range(len(words) - 1, 1, -1) for start in range(len(words) - length + 1)
             if _named_apart(" ".join(words[start:(end := start + length)]), body)]
    chosen: list[tuple[int, int]] = []
    for start, end in spans:                    # longest first, then leftmost
        if all(end <= a or start >= b for a, b in chosen):
            chosen.append((start, end))
    if len(chosen) < 2:
        return None
    cuts = sorted({0, len(words), *(point for span in chosen for point in span)})
    parts = [words[a:b] for a, b in pairwise(cuts)]
    if any(len(part) < 2 for part in parts):
        return None
    return [" ".join(part) for part in parts]


def _is_role_line(line: FieldLine, text: str, previous: FieldLine | None, last: EntryNode) -> bool:
    """An unbracketed line right under a name, reading like a role."""
    if previous is None or line.after_blank or line.level or previous.index != line.index - 1:
        return False
    if last.entry.line != previous.index or last.notes or _role_parens(last.entry):
        return False
    if any(p.kind in ("flag", "image") for p in line.pieces):
        return False
    if _LEADING_RANKS.match(text) or text.startswith("("):
        return False
    return bool(_ROLE_WORDS.search(text))


#: Commas and ranks cut people (a rank, linked or not, joins the name after it); a KIA heading marks the entries under it (other headings
#: are ignored with a warning); a role line without brackets continues the entry above.
COMMANDER_GRAMMAR = Grammar("commander", comma_splits=True, split_text=split_at_ranks, joins_link=_ONLY_RANKS.match,
                            rank_link=is_rank_link, known_headings=KIA_HEADING, continues=_is_role_line)


def _role_parens(entry: Entry) -> bool:
    return any(parse_period(p.text) is None for p in entry.parens)


def _commander(scanned: ScannedField, item: EntryNode, warnings: list[ReadWarning],
               year: int | None = None, party_names: frozenset[str] | set[str] = frozenset()) -> Commander | None:
    entry = item.entry
    field_name = scanned.name
    source = entry_source(scanned, entry)
    for note in item.notes:
        source += " " + note.text
    # a linked rank before the name ("[[Brigade General]] Gregory de Saint-Quentin", "[[Ranks
    # in the French Navy|ADM.]] Édouard Guillaud") is neither the person's name nor link
    named = replace(entry, pieces=[p for p in entry.pieces if not (p.kind == "link" and is_rank_link(p.link))])
    raw = entry_name(scanned, named if named.name_pieces else entry)
    raw = drop_undefined(raw, field_name, warnings) if raw else raw
    kia = (item.heading is not None and item.heading.kia) or "†" in raw
    core, inside = split_trailing_parentheticals(raw.replace("†", " "))
    name = drop_unknown_prefix(tidy_name(strip_rank(core.strip(" *"))), field_name, source, warnings)

    flag = entry.flag
    country = entry_country(entry)
    if name and (_ONLY_RANKS.match(core.strip(" *")) or _ONLY_RANKS.match(name) or not named.name_pieces):
        # "Unnamed Brigadier", "Maj. Gen.": a rank with no name names nobody
        warnings.append(ReadWarning("placeholder", field_name, source, f"skipped {tidy_name(core)!r}: a rank without a name"))
        return None
    if skip_entry(name, flag is not None, field_name, source, "a commander", warnings):
        return None

    roles: list[str] = []
    role_links: list[EntityRef] = []
    period: Period | None = None
    alt_names: list[str] = []
    fate: tuple[str, Claimant | None] | None = None
    qualifiers: list[tuple[str, tuple[Link, ...]]] = [(text, ()) for text in inside]
    qualifiers += [(piece.text, piece.inner) for piece in entry.parens]
    for qualifier, links in qualifiers:
        qualifier = strip_markup(drop_undefined(qualifier, field_name, warnings))
        if parse_period(qualifier) is None and ";" in qualifier:
            parts = [part.strip() for part in qualifier.split(";")]   # "(acting; 2014)"
        else:
            parts = [qualifier]
        kept: list[str] = []
        for text in parts:
            if not text:
                continue
            if period is None:
                # "(FSA Aleppo top commander, 2013)": the date after the comma is when
                # he commanded, not part of the role
                text, period = split_role_period(text)
            if _KIA_MARK.match(text):
                kia = True
                continue
            marked = None if text.casefold() in party_names else fate_mark(text, links)
            if marked is not None:
                if marked == ("killed", None):
                    kia = True                  # "(killed)" as "(KIA)"
                else:
                    fate = marked
                continue
            as_period = parse_period(text)
            if as_period is None and period is None and year is not None and (as_period := period_of(text, year)):
                # "(until March)", "(from c. 11 September)": dated in the conflict's first
                # year, as a party's "(until 7 May)" is
                warnings.append(guessed_year(field_name, source, text, year))
            if as_period is not None and period is None:
                period = as_period
                continue
            scope = qualifier_note(text) if as_period is None else None
            if scope is not None:
                # "(Final Assault only)", "(until March)": when or how far the person
                # commanded, not a role; the text stays in the record's source text
                warnings.append(ReadWarning("scope-qualifier", field_name, source,
                                            f"a {scope} qualifier, not a role: {text!r}"))
                continue
            if _NAME_NOTE.search(text):
                warnings.append(ReadWarning("ignored-text", field_name, source,
                                            f"a note on the name, not a role: {text!r}"))
                continue
            given = given_names(text)
            if given:
                # '("Givi")', "(Игорь Стрелков)", '("Babay" or "Bogeyman")': the person's
                # other names, not a role
                for alt in given:
                    keep_alt_name(alt, field_name, source, alt_names, warnings)
                continue
            other = split_other_name(text)
            if other is not None:
                # "(a.k.a. Abu Ibrahim Al-Francy)": another name of the person, not a role;
                # the rest of the part ('alias: "Abu Suleiman", Emir of …') is the role
                keep_alt_name(other[0], field_name, source, alt_names, warnings)
                text = other[1]
                if not text:
                    continue
            kept.append(text)
        if kept:
            roles.append("; ".join(kept))
            role_links.extend(_refs(links))
    for note in item.notes:
        text = note.text
        if period is None:
            text, period = split_role_period(text)   # "… commander, until August 2011"
        roles.append(text)
        role_links.extend(_refs(_line_links(note.line)))

    ref = entry_ref(scanned, named, name, warnings)
    return Commander(ref, field_name, source, role="; ".join(roles) or None, role_links=role_links,
                     kia=kia, period=period, country=country, alt_names=tuple(alt_names),
                     fate=fate[0] if fate else None, fate_claimant=fate[1] if fate else None)


def fate_mark(text: str, links: Sequence[Link] = ()) -> tuple[str, Claimant | None] | None:
    """What a mark after a person's name says happened to them, and who claims it: a text
    of loss words only (:func:`~kg.infobox.quantities.loss_mark`), with or without a claim
    after it. ``executed`` is its own fate (the person was not killed in action).

    >>> fate_mark("WIA"), fate_mark("executed"), fate_mark("Army defector")
    (('wounded', None), ('executed', None), None)
    >>> kind, claim = fate_mark("POW per Ukrainian claim"); kind, claim.name, claim.ref.page
    ('captured', 'Ukrainian', 'Ukraine')
    """
    words, claim = claim_in(text, links)
    kind = loss_mark(words)
    if kind not in ("killed", "wounded", "captured", "missing"):
        return None
    if kind == "killed" and re.fullmatch(r"(?i)executed", words.strip()):
        kind = "executed"
    return kind, claim


def split_role_period(text: str) -> tuple[str, Period | None]:
    """A role with a date after a comma (``FSA Aleppo top commander, 2013``, ``Free Officers
    Movement commander, until August 2011``): the role without it and the date as a period,
    as a ``;`` sets it apart (``(acting; 2014)``). Without a comma part that is a date
    (``Chief of Staff, Syrian Army``) the text stays whole and the period is ``None``.

    >>> role, period = split_role_period("Free Officers Movement commander, until August 2011")
    >>> role, period.text, period.end.iso()
    ('Free Officers Movement commander', 'until August 2011', '2011-08')
    >>> split_role_period("Chief of Staff, Syrian Army")
    ('Chief of Staff, Syrian Army', None)

    So does a date after ``by``, ``from``, ``until``… at the end of the role (Battle of
    Raqqa (2017): ``Commander of ISIL holdouts by Oct. 2017``):

    >>> role, period = split_role_period("Commander of ISIL holdouts by Oct. 2017"); role, period.text
    ('Commander of ISIL holdouts', 'by Oct. 2017')
    """
    parts = [part.strip() for part in text.split(",")]
    if len(parts) < 2:
        role, period = split_trailing_period(text)
        return (role, period) if period is not None and role else (text, None)
    for index, part in enumerate(parts):
        period = parse_period(part) if part else None
        rest = [p for i, p in enumerate(parts) if i != index and p]
        if period is not None and rest:
            return ", ".join(rest), period
    return text, None


def _line_links(line: FieldLine) -> list[Link]:
    """The links of a role line: its name links, then those inside its parentheticals."""
    links = [p.link for p in line.pieces if p.kind == "link" and p.link is not None]
    return links + [link for p in line.pieces if p.kind == "paren" for link in p.inner]


def _refs(links) -> list[EntityRef]:
    refs: list[EntityRef] = []
    for link in links:
        target = link_target(link)
        if target is not None:
            refs.append(EntityRef(strip_markup(link.anchor), *target))
    return refs
