"""Strength and casualty figures (``strengthN``, ``casualtiesN``, ``casualties(N+1)``).

One :class:`~kg.infobox.records.Quantity` per figure. The field is read into a tree by
:func:`kg.infobox.grammar.build_tree` (bullet levels, blank lines, flags, image names,
parentheticals, and which heading is in scope: a blank line ends a heading written tight over
its figures, warning ``heading-ended``); :func:`_read_line` is the figures' own cut of a line
into headings and figures, and the records are derived from the tree:

* ``Label:`` at the start of a line (``Per Ukraine:``, ``Dead:``, ``2018:``,
  ``Al-Nusra Front:``) and claim labels inside a line (``… Russian claim: …``) are cut off;
  a period label gives ``as_of``, a kind label (``Wounded:``) the kind, a name label is put
  before the description, claims are dropped. A line that is only a label is a heading:
  its kind/civilian words apply to the lines below it, until the next heading.
* Parentheticals are taken out before the numbers are read; a period among them is the
  figure's ``as_of`` (``(2012)``, ``(mid-2016)``, ``(as of 2019)``), a lower-case phrase
  without digits its ``scope`` (``(in base)``, ``(reinforcements)``); claims, sources and
  estimates are not scopes (``estimate`` sets ``approximate``). A period closing a line with
  several figures applies to all of them. A line that is only a parenthetical applies to the
  quantities of the line above (``(in the whole province)``); when it is a claim (``(government
  claim)``, also ``Rebel claim`` without brackets) it is the claimant of every figure of the
  block above it: back to the last heading, blank line or claim note.
* A range whose low end carries its own claim note (``3,770 (opposition sources) –3,857
  (Ba'athist sources)``) is two figures, each with its claimant (warning ``claimed-range``).
* The rest of the line is cut at each *anchor*: a number (``20,000``, ``2,000–4,000``,
  ``between 5,000 and 10,000``, ``500+``), or a word standing for an amount (``Unknown``, ``None``, ``Several``,
  ``hundreds``). Prefixes read before an anchor: ``c.``/``about``/``~``… (approximate),
  ``at least``/``over``/``more than`` (lower bound), ``up to``/``fewer than`` (upper bound).
  Numbers that are dates (``on 6 March``, ``in 2014``), parts of names (``Su-25``,
  ``17th``, ``2S1``) or measures (``8 times``) are not anchors.
* A count in parentheses after a figure is a sub-count of it (``310–400 killed (250
  executed)``), or a figure of its own when it is wider (``(5,100 involved in total)``);
  see :func:`_with_sub_counts`.
* ``*`` lines are sub-counts: ``part_of`` is the index of the first quantity of the
  nearest line above with fewer bullets (headings reset it).

Figures that cannot be read (``Several``, ``Heavy``, a line with no number) are kept
with all numbers ``None`` and an ``unparsed-number`` warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field as dataclass_field, replace
from functools import cache, partial
from pathlib import Path
from typing import Literal

from kg.document import Field, Link, ReadWarning
from kg.infobox.claims import (
    CLAIM_LABEL,
    PHASE_LABEL,
    cut_claim,
    is_claim_note,
    leads_with_source,
    names_a_source,
    read_claim,
    read_phase,
)
from kg.infobox.dates import guessed_year, parse_period
from kg.infobox.records import Claimant, Period, Quantity
from kg.infobox.grammar import EntryNode, Grammar, HeadingNode, build_tree
from kg.infobox.text import (
    FLAG,
    Entry,
    FieldLine,
    Heading,
    Piece,
    ScannedField,
    drop_undefined,
    is_unrendered_flag,
    normalise_space,
    strip_keeping_quotes,
    strip_markup,
    word_alternation,
    word_rows,
)
from kg.time import MONTH_PATTERN

__all__ = ["parse_quantities", "casualty_kind", "civilian_status", "period_of", "read_amount"]

QuantityKind = Literal["strength", "casualties"]

_MONTH_NAMES = MONTH_PATTERN        # the month words of kg.time
_MONTH = re.compile(rf"^(?:{_MONTH_NAMES})\.?$", re.IGNORECASE)
_MONTH_WORD = re.compile(rf"\b(?:{_MONTH_NAMES})\b\.?", re.IGNORECASE)
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_AMOUNT = rf"(?:{_NUMBER}|{'|'.join(_NUMBER_WORDS)})(?:\s*(?:hundred|thousand|million)\b)?"
_RANGE_SEPARATOR = r"\s*(?:[–—−‒-]|\bto\b|\bor\b)\s*"
#: A number or a range of numbers that may be a count (checked further by the caller).
#: ``between X and Y`` is one range (``between 5,000 and 10,000 fighters``); without
#: ``between``, ``X and Y`` are two figures (``5 killed and 3 wounded``).
_FIGURE = re.compile(
    rf"(?<![\w.,/])(?<![\w]-)(?:(?P<between>\bbetween)\s+)?(?P<low>{_AMOUNT})"
    # "737+–1,200": a plus before the dash is the low end's own; the range is 737–1,200
    # "c. 400,000 – c. 500,000": an estimate mark on the high end too
    rf"(?:\+?(?P<sep>(?(between)\s+and\s+|{_RANGE_SEPARATOR}))(?:(?:c|ca)\.\s*|~\s*)?(?P<high>{_AMOUNT}))?"
    rf"(?P<plus>\s*\+|\s+plus\b)?(?![\w])(?!-[A-Za-z])(?!\.\d)",
    re.IGNORECASE,
)
#: Words standing for an amount; ``unknown`` & co. mean unknown, the others vague.
_UNKNOWN_WORDS = r"unknown|unspecified|undisclosed|n/a|not known"
_VAGUE_WORDS = (
    r"(?:low|high|mid)\s+(?:hundreds|thousands|dozens)|several|dozens|a dozen|dozen|hundreds|thousands|tens of thousands|many|numerous|"
    r"a few|few|heavy|light|significant|minimal|moderate|high|large numbers?|some"
)
_WORD_ANCHOR = re.compile(
    rf"(?<![\w-])(?P<word>{_UNKNOWN_WORDS}|none|nil|{_VAGUE_WORDS})(?![\w-])"
    r"(?P<of>\s+(?:number\s+)?of\b)?",
    re.IGNORECASE,
)
_APPROXIMATE = re.compile(
    r"(?:\b(?:c|ca|circa|approx|approximately|about|around|roughly|nearly|almost|some|est|"
    r"estimated|an estimated|reportedly)\b\.?|~|≈|∼)\s*$",
    re.IGNORECASE,
)
#: Words before a number that make it a bound, quoted or not (``"As many as" 60``); a
#: ``+`` written before the number (``+26,000``) is a lower bound as one after it is.
_LOWER_BOUND = re.compile(
    r"(?:\b(?:at least|over|more than|upwards of|in excess of|no fewer than|no less than|"
    r"a minimum of|minimum of|min\.?|above)\b|>|≥|>=|(?<![\w+])\+)[\"'“”‘’]?\s*$",
    re.IGNORECASE,
)
_UPPER_BOUND = re.compile(
    r"(?:\b(?:up to|fewer than|less than|under|at most|no more than|a maximum of|maximum of|"
    r"as many as|max\.?|below)\b|<|≤|<=)[\"'“”‘’]?\s*$",
    re.IGNORECASE,
)
_MEASURE_AFTER = re.compile(
    r"^\s*(?:%|percent\b|per ?cent\b|times\b|km|kilomet|miles?\b|ha\b|hectares?\b|hours?\b|"
    r"days?\b|weeks?\b|months?\b|years?\b|st\b|nd\b|rd\b|th\b)",
    re.IGNORECASE,
)
_DATE_PREPOSITION = re.compile(
    r"\b(?:in|since|from|by|until|till|during|on|between|mid|early|late|as of|"
    rf"{_MONTH_NAMES})\.?\s*[-–]?\s*$",
    re.IGNORECASE,
)
_ESTIMATE_WORD = re.compile(r"\b(?:est\.?|estimated?|estimates)(?=\s|$|[;,.)])", re.IGNORECASE)
_HEADING_SKIP = re.compile(r"^(?:units|equipment|total|overall|in total|note|notes)$", re.IGNORECASE)
_NOTE_LINE = re.compile(
    r"^(?:see\b|for\b|\.*\s*full list\b|reports?\b|notes?\b|strength estimates\b|figures\b|[^\d]*\bsee\b)", re.IGNORECASE
)
_LINE_START_LABEL = re.compile(r"^(?P<label>[^:()]{1,70}(?:\([^()]*\)[^:()]{0,20})?)\s*:\s*(?P<rest>.*)$")
#: A label inside a line: a claim (see :data:`~kg.infobox.claims.CLAIM_LABEL`), a phase
#: (``First phase: Unknown Second phase: 180 killed``: the line breaks were lost) or a year.
_MID_LINE_LABEL = re.compile(
    rf"(?:(?<=\s)|^)(?P<label>{CLAIM_LABEL}|{PHASE_LABEL}|\d{{4}}(?:\s*[–-]\s*\d{{2,4}})?)\s*:\s*"
)
_TAGS = re.compile(r"<ref[^>]*/>|<ref[^>]*>.*?</ref>|<ref[^>]*>|</?(?!br\b|hr\b)[a-z][^>]*>",
                   re.IGNORECASE | re.DOTALL)
_BR = re.compile(r"<(?:br|hr)\s*/?>", re.IGNORECASE)

_FIGURE_WORDS_FILE = Path(__file__).with_name("figure_words.tsv")


def loss_verbs() -> dict[str, str]:
    """What can happen to a thing lost (``figure_words.tsv``, ``loss-verb``): verb ->
    casualty kind.

    >>> loss_verbs()["scuttled"], loss_verbs()["seized"]
    ('destroyed', 'captured')
    """
    return {row[0]: row[1] for row in word_rows(_FIGURE_WORDS_FILE, "loss-verb")}


def figure_words(kind: str) -> frozenset[str]:
    """The casefolded words of one kind in ``figure_words.tsv`` (the twin of
    :func:`~kg.infobox.text.name_words` for ``name_words.tsv``).

    >>> "confirmed" in figure_words("count-status"), "equipment" in figure_words("no-count-noun")
    (True, True)
    """
    return frozenset(row[0] for row in word_rows(_FIGURE_WORDS_FILE, kind))


@cache
def _figure_words_pattern(kind: str, template: str = r"\b(?:{})\b") -> re.Pattern[str]:
    """The words of :func:`figure_words` as one alternation put in ``template``, compiled
    once (case aside)."""
    return re.compile(template.format(word_alternation(sorted(figure_words(kind)))), re.IGNORECASE)


_LOSS_OF = {kind: [verb for verb, of in loss_verbs().items() if of == kind] for kind in set(loss_verbs().values())}

# Casualty kinds, looked for in this order (the first family found wins, several -> casualties).
_KIND_WORDS: list[tuple[str, re.Pattern[str]]] = [
    # "dead", "died", "deaths" say people died, not how: deaths, unless "killed" is written too
    ("deaths", re.compile(r"\b(?:dead|deaths?|died|fatalities|lost their lives)\b", re.IGNORECASE)),
    ("killed", re.compile(r"\b(?:killed|kill|KIA|executed|massacred|slain)\b", re.IGNORECASE)),
    ("wounded", re.compile(r"\b(?:wounded|injured|injuries|WIA|hurt)\b", re.IGNORECASE)),
    ("captured", re.compile(
        r"\b(?:captured|prisoners?|POWs?|PoWs?|taken prisoner|abducted|arrested|detained|"
        r"hostages?|surrendered|seized|kidnapped)\b", re.IGNORECASE)),
    ("missing", re.compile(r"\b(?:missing|MIA)\b", re.IGNORECASE)),
    ("displaced", re.compile(r"\b(?:displaced|refugees?|evacuated|fled|IDPs?|deported|deportees?)\b", re.IGNORECASE)),
    ("destroyed", re.compile(rf"\b(?:{word_alternation(_LOSS_OF['destroyed'])})\b", re.IGNORECASE)),
    ("damaged", re.compile(rf"\b(?:{word_alternation(_LOSS_OF['damaged'])})\b", re.IGNORECASE)),
    ("deserted", re.compile(r"\b(?:deserted|defected|defectors?)\b", re.IGNORECASE)),
    ("casualties", re.compile(r"\bcasualt(?:y|ies)\b", re.IGNORECASE)),
]
#: People set free (``4 hostages freed``): a count of hostages or prisoners that is no loss.
_FREED = re.compile(r"\b(?:freed|released|rescued|liberated)\b", re.IGNORECASE)
#: Words that say people were taken (not only that they were prisoners or hostages).
_TAKEN = re.compile(r"\b(?:captured|taken prisoner|abducted|arrested|detained|surrendered|seized|kidnapped)\b",
                    re.IGNORECASE)
_CIVILIAN = re.compile(r"\bcivilians?\b", re.IGNORECASE)
_COMBATANT = re.compile(
    r"\b(?:soldiers?|fighters?|troops?|servicem[ae]n|servicewom[ae]n|militiam[ae]n|militants?|"
    r"mercenaries|mercenary|officers?|rebels?|insurgents?|personnel|combatants?|guardsm[ae]n|"
    r"sailors?|marines?|policem[ae]n|infiltrators|KIA|WIA|POWs?|militia|volunteers|irregulars|"
    r"paratroopers|pilots?|crew(?: members)?|generals?|commanders?)\b",
    re.IGNORECASE,
)


#: A fighter that is an aircraft (``Su-27 fighter``, ``fighter jets``), not a person.
_AIRCRAFT = re.compile(r"\b[A-Z][A-Za-z]*-?\d[\w-]*\s+fighters?\b|\bfighter[- ](?:jets?|aircraft|planes?|bombers?)\b",
                       re.IGNORECASE)


def loss_mark(text: str) -> str | None:
    """The casualty kind of words that say nothing else (``WIA``, ``POW``, ``taken
    prisoner``, ``executed``): the mark after a person's name of what happened to them.
    ``None`` when other words are written too (``Army defector``, ``4th Division``).

    >>> loss_mark("WIA"), loss_mark("POW"), loss_mark("MIA"), loss_mark("executed")
    ('wounded', 'captured', 'missing', 'killed')
    >>> loss_mark("Army defector"), loss_mark("killed four days after the battle")
    (None, None)
    """
    kind = casualty_kind(text)
    if kind is None:
        return None
    rest = text
    for _, pattern in _KIND_WORDS:
        rest = pattern.sub(" ", rest)
    return None if rest.strip(" .,;:-") else kind


def casualty_kind(text: str) -> str | None:
    """The casualty kind the words imply; ``None`` when none; several different kinds
    (``killed and wounded``) give ``casualties``.

    >>> casualty_kind("overall deaths"), casualty_kind("servicemen killed"), casualty_kind("killed or captured")
    ('deaths', 'killed', 'casualties')
    >>> casualty_kind("tanks destroyed"), casualty_kind("POW"), casualty_kind("fighters")
    ('destroyed', 'captured', None)
    """
    found: list[str] = []
    rest = text
    for kind, pattern in _KIND_WORDS:
        if pattern.search(rest):
            found.append(kind)
            rest = pattern.sub(" ", rest)
    if "captured" in found and _FREED.search(text) and not _TAKEN.search(text):
        found.remove("captured")                 # "4 hostages freed": no loss
    if not found:
        return None
    if found == ["killed", "captured"] and re.search(r"\bexecuted\b", text, re.IGNORECASE):
        return "killed"                          # "15 prisoners executed"
    if "deaths" in found and "killed" in found:
        found.remove("deaths")                   # "killed" written: killed ("10 dead, killed in action")
    if len(found) > 1:
        # "wounded and sick", "killed (executed)": one family; different families: casualties.
        return "casualties"
    return found[0]


def civilian_status(text: str) -> bool | None:
    """``True`` for civilians, ``False`` for soldiers/fighters/troops/servicemen…, ``None``
    when the words say neither or both.

    >>> civilian_status("civilians killed"), civilian_status("SAA soldiers"), civilian_status("soldiers and civilians")
    (True, False, None)
    >>> civilian_status("Su-27 fighter shot down"), civilian_status("fighter jets downed")
    (None, None)
    """
    text = _AIRCRAFT.sub(" ", text)
    civilian = bool(_CIVILIAN.search(text))
    combatant = bool(_COMBATANT.search(text))
    if civilian and not combatant:
        return True
    if combatant and not civilian:
        return False
    return None


# ---------------------------------------------------------------------------------------
# numbers


def _number_value(text: str) -> int | None:
    text = text.strip().lower()
    multiplier = 1
    match = re.match(r"^(.*?)\s*(hundred|thousand|million)$", text)
    if match:
        text = match.group(1).strip()
        multiplier = _MULTIPLIERS[match.group(2)]
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text] * multiplier
    digits = text.replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    return round(value * multiplier)


def read_amount(text: str) -> tuple[int | None, int | None, int | None, bool] | None:
    """Read one amount: ``(value, minimum, maximum, approximate)``; ``None`` if it is not one.

    >>> read_amount("2,000–4,000"), read_amount("c. 8,000"), read_amount("at least 500"), read_amount("up to 50")
    ((None, 2000, 4000, False), (8000, None, None, True), (None, 500, None, False), (None, None, 50, False))
    >>> read_amount('"As many as" 60'), read_amount("+26,000"), read_amount("737+—1,200")
    ((None, None, 60, False), (None, 26000, None, False), (None, 737, 1200, False))
    >>> read_amount("c. 400,000 – c. 500,000")
    (None, 400000, 500000, True)
    """
    match = _FIGURE.search(text)
    if not match:
        return None
    prefix = text[: match.start()]
    figure = _figure_numbers(match)
    if figure is None:
        return None
    value, low, high = figure
    approximate = bool(_APPROXIMATE.search(prefix)) or bool(re.search(r"~|≈", prefix))
    if value is not None:
        if match.group("plus") or _LOWER_BOUND.search(_strip_approx(prefix)):
            return None, value, None, approximate
        if _UPPER_BOUND.search(_strip_approx(prefix)):
            return None, None, value, approximate
        return value, None, None, approximate
    if match.group("plus"):
        return None, low, None, approximate
    return None, low, high, approximate


def _strip_approx(prefix: str) -> str:
    return _APPROXIMATE.sub("", prefix).rstrip()


def _figure_numbers(match: re.Match[str]) -> tuple[int | None, int | None, int | None] | None:
    """(value, low, high) of a figure match; a range gives value None."""
    low = _number_value(match.group("low"))
    if low is None:
        return None
    if match.group("high") is None:
        return low, None, None
    high = _number_value(match.group("high"))
    if high is None:
        return low, None, None
    # "10-11,000" is 10,000–11,000.
    if low < high / 100 and high % 1000 == 0 and low * 1000 <= high and low * 1000 >= high / 10:
        low *= 1000
    return None, low, high


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"1[89]\d\d|20\d\d", text.strip()))


# ---------------------------------------------------------------------------------------
# lines


@dataclass
class _Context:
    """What a heading line says about the lines under it: kind/civilian words, who claims
    the figures, the phase they belong to, and a date or period."""

    words: str = ""
    claim: Claimant | None = None
    phase: str | None = None
    as_of: Period | None = None


@dataclass
class _Entry:
    """One figure of a line before it becomes a Quantity."""

    start: int
    end: int                     # end of the anchor (number and suffix)
    prefix_start: int
    value: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    approximate: bool = False
    unknown: bool = False
    vague: str | None = None     # the vague word ("Several") when the amount is not a number
    words: str = ""              # the words after the anchor (description)
    joined_by: str = ""          # the separator before the next entry
    including: bool = False      # introduced by "including"
    open_high: int | None = None # "25,850–26,900+": the upper end of an open range, not a bound
    parentheticals: list[str] = dataclass_field(default_factory=list)


def _remove_parentheticals(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Take out (possibly nested) parentheticals; return the text and each parenthetical's
    content with its position in the returned text."""
    out: list[str] = []
    found: list[tuple[int, str]] = []
    depth = 0
    current: list[str] = []
    length = 0
    for char in text:
        if char == "(":
            if depth > 0:
                current.append(char)
            depth += 1
            continue
        if char == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                found.append((length, "".join(current).strip()))
                current = []
            else:
                current.append(char)
            continue
        if depth > 0:
            current.append(char)
        else:
            out.append(char)
            length += 1
    if depth > 0:   # unbalanced: keep the rest as text
        rest = "(" + "".join(current)
        out.append(rest)
    return "".join(out), found


def _split_mid_line_labels(line: str) -> list[tuple[str | None, str]]:
    """``Per Russia: None Per Ukraine: Several helicopters`` -> two labelled parts."""
    parts: list[tuple[str | None, str]] = []
    label: str | None = None
    position = 0
    for match in _MID_LINE_LABEL.finditer(line):
        if _inside_parentheses(line, match.start()):
            continue
        before = line[position:match.start()]
        if before.strip() or label is not None:
            parts.append((label, before))
        label = match.group("label").strip()
        position = match.end()
    parts.append((label, line[position:]))
    return [(lab, text) for lab, text in parts if text.strip() or lab]


def _inside_parentheses(text: str, index: int) -> bool:
    return text[:index].count("(") > text[:index].count(")")


#: A digit that can count; an ordinal's are a name's (``72nd Brigade``, ``58th CAA``).
_NUMERAL = re.compile(r"\d(?!\d*(?:st|nd|rd|th)\b)")


def _line_label(line: str) -> tuple[str | None, str]:
    """Cut a ``Label:`` off the start of a line (not a colon inside parentheses, not a
    time ``18:15``)."""
    match = _LINE_START_LABEL.match(line)
    if not match:
        return None, line
    label = match.group("label").strip()
    if not label:
        return None, line
    outside = re.sub(r"\([^()]*\)", "", label)
    # a date, with or without its year ("16 December:" over the strength on that day)
    if _NUMERAL.search(outside) and parse_period(outside) is None and period_of(outside, 2000) is None:
        return None, line
    if len(outside.split()) > 9:
        return None, line
    return label, match.group("rest")


@dataclass
class _LabelInfo:
    as_of: Period | None = None
    context: str = ""            # kind/civilian words
    name: str | None = None      # a name to put before the description
    claim: Claimant | None = None
    phase: str | None = None


def _classify_label(label: str | None, links: Sequence[Link] = (), year: int | None = None) -> _LabelInfo:
    info = _LabelInfo()
    if not label:
        return info
    core = re.sub(r"\([^()]*\)", " ", label).strip()
    period = parse_period(core) or period_of(core, year)
    if period is not None:
        info.as_of = period
        return info
    info.claim = read_claim(core, links)
    info.phase = read_phase(core)
    if info.claim is None and info.phase is None and re.search(r"[,;]", core):
        # "Per Oryx, First Phase": a claim, a phase and a date can share one label
        for part in filter(None, (p.strip() for p in re.split(r"[,;]", core))):
            info.claim = info.claim or read_claim(part, links)
            info.phase = info.phase or read_phase(part)
            info.as_of = info.as_of or period_of(part, year)
    if info.claim is not None or info.phase is not None:
        # "Per Ukraine (as of 2 March)", "Per Ukraine (first battle)", "First phase (6–12 September)"
        for inner in re.findall(r"\(([^()]*)\)", label):
            info.as_of = info.as_of or period_of(inner, year)
            info.phase = info.phase or read_phase(inner)
        return info
    if names_a_source(core) or _HEADING_SKIP.match(core):
        return info
    if casualty_kind(core) or _CIVILIAN.search(core):
        info.context = core
        return info
    info.name = core
    return info


#: What joins a figure to the next one, closing its words (``, ``, ``and``, ``including``).
_SEPARATOR = re.compile(r"(?:\s*(?:,|;|\band\b|\bor\b|&|(?<=\s)[–—](?=\s|$))\s*)+(?:including\s*)?$", re.IGNORECASE)


#: One capitalised word between a figure and a number (``8-10 Leopard 2 tanks``): the
#: number is the model of the named thing, not a count (not a month: ``5 March 6 killed``).
_NAME_BEFORE_DESIGNATION = re.compile(rf"\s+(?!(?:{_MONTH_NAMES})\b)[A-Z][a-z]+\s+")


def _find_entries(text: str) -> list[_Entry]:
    """Cut a line (parentheticals removed) at its anchors."""
    anchors: list[_Entry] = []
    for match in _FIGURE.finditer(text):
        figure = _figure_numbers(match)
        if figure is None:
            continue
        before = text[: match.start()]
        after = text[match.end():]
        low_text, high_text = match.group("low"), match.group("high")
        if _MEASURE_AFTER.match(after):
            continue
        next_word = re.match(r"\s*([^\W\d_]+)", after)
        if next_word and _MONTH.match(next_word.group(1)):
            continue                       # "on 6 March", "4–5 March": a date
        previous_word = re.search(r"(\d+\s*)?([^\W\d_]+)\.?\s*$", before)
        if (previous_word and _MONTH.match(previous_word.group(2)) and not previous_word.group(1)
                and figure[0] is not None and figure[0] <= 31):
            continue                       # "March 15" (but not "6 March 39 killed")
        if (_is_year(low_text) and (high_text is None or _is_year(high_text) or len(high_text) == 2)
                and (high_text is not None or _DATE_PREPOSITION.search(before))):
            continue                       # "in 2014", "2013–2014"
        if (anchors and figure[0] is not None and len(low_text) <= 3 and re.match(r"\s+[a-z]", after)
                and _NAME_BEFORE_DESIGNATION.fullmatch(text[anchors[-1].end:match.start()])):
            continue                       # "8-10 Leopard 2 tanks": a model number after a name
        if low_text.lower() in _NUMBER_WORDS and not re.match(r"\s*[^\W\d_]", after):
            continue                       # a number word must be followed by a noun
        if low_text.lower() in ("one",) and re.match(r"\s*(?:of|another)\b", after, re.IGNORECASE):
            continue
        entry = _Entry(start=match.start(), end=match.end(), prefix_start=match.start())
        value, low, high = figure
        entry.value = value
        if value is None:
            entry.minimum, entry.maximum = low, high
        if match.group("plus"):
            if value is not None:
                entry.minimum, entry.value = value, None
            else:
                entry.open_high, entry.maximum = entry.maximum, None   # "541–547+": at least 541
        _read_prefix(text, entry)
        anchors.append(entry)
    for match in _WORD_ANCHOR.finditer(text):
        if any(a.prefix_start <= match.start() < a.end for a in anchors):
            continue
        before = text[: match.start()].rstrip()
        word = match.group("word")
        unknown_word = bool(re.fullmatch(_UNKNOWN_WORDS, word.lower()))
        bare = _UPPER_BOUND.sub("", _LOWER_BOUND.sub("", _APPROXIMATE.sub("", before))).rstrip()
        bare = re.sub(r"(?i)\b(?:probably|presumably|likely|very|extremely)$", "", bare).rstrip()
        at_start = not bare or bare.endswith((",", ";", ":")) or bool(re.search(r"\b(?:and|or)$", bare))
        if bare != before and bare.endswith(","):
            at_start = False               # "Unknown, presumed heavy": one entry
        if not at_start and not word[0].isupper() and not unknown_word:
            continue
        if word.lower() == "some" or (word.lower() in ("high", "light", "moderate", "minimal", "significant")
                                      and not at_start):
            continue
        entry = _Entry(start=match.start(), end=match.end(), prefix_start=match.start())
        lowered = word.lower()
        if unknown_word:
            entry.unknown = True
        elif lowered in ("none", "nil"):
            entry.value = 0
        elif lowered == "a dozen":
            entry.value, entry.approximate = 12, True     # a number word, not a vague amount
        else:
            entry.vague = word
            more = re.match(r"\s+(?:dozens?|hundreds?|thousands?)\b", text[entry.end:], re.IGNORECASE)
            if more:                       # "Several dozen soldiers", "Several hundred"
                entry.vague += more.group(0)
                entry.end += more.end()
        _read_prefix(text, entry)
        anchors.append(entry)
    anchors.sort(key=lambda e: e.start)
    # An anchor inside the words of a vague one ("Several dozen soldiers") is part of it.
    merged: list[_Entry] = []
    for entry in anchors:
        if merged and merged[-1].vague and entry.vague and not text[merged[-1].end:entry.prefix_start].strip():
            merged[-1].end = entry.end
            merged[-1].vague += " " + entry.vague
            continue
        merged.append(entry)
    for index, entry in enumerate(merged):
        next_start = merged[index + 1].prefix_start if index + 1 < len(merged) else len(text)
        words = text[entry.end:next_start]
        separator = _SEPARATOR.search(words)
        if separator:
            entry.joined_by = separator.group(0).strip()
            if re.search(r"including", entry.joined_by, re.IGNORECASE) and index + 1 < len(merged):
                merged[index + 1].including = True
            words = words[: separator.start()]
        entry.words = _clean_words(words)
    return merged


def _read_prefix(text: str, entry: _Entry) -> None:
    """Read approximate and bound words right before an anchor into the entry."""
    before = text[: entry.start]
    while True:
        match = _APPROXIMATE.search(before)
        if match and match.group(0).strip():
            entry.approximate = True
            before = before[: match.start()]
            entry.prefix_start = match.start()
            continue
        match = _LOWER_BOUND.search(before)
        if match and match.group(0).strip():
            if entry.value is not None:
                entry.minimum, entry.value = entry.value, None
            elif not re.search(r"(?i)\bor\b", text[entry.start:entry.end]):
                entry.maximum = None       # "At least 8–9": at least 8
            # "At least three or five": two reported counts, the bound on the lower one
            before = before[: match.start()]
            entry.prefix_start = match.start()
            continue
        match = _UPPER_BOUND.search(before)
        if match and match.group(0).strip():
            if entry.value is not None:
                entry.maximum, entry.value = entry.value, None
            else:
                entry.minimum = None       # "up to 8–9": at most 9
            before = before[: match.start()]
            entry.prefix_start = match.start()
            continue
        break


def _clean_words(words: str) -> str:
    # a quoted name at either end keeps its marks ('4 "Raptor" boats'); a stray one goes
    words = strip_keeping_quotes(re.sub(r"\s+", " ", words), " ,;:.-–*\"()")
    words = re.sub(r"^(?:of|number of)\s+", "", words, flags=re.IGNORECASE)
    words = re.sub(r"\s+(?:and|or|&)$", "", words, flags=re.IGNORECASE)
    return words.strip(" ,;:.")


_LOST_ONLY = re.compile(
    rf"^(?!.*\b(?:{word_alternation([v for v in _LOSS_OF['destroyed'] if v != 'lost'])})\b).*\blost\b", re.IGNORECASE)
_VAGUE_IN_WORDS = re.compile(rf"(?<![\w-])(?:{_VAGUE_WORDS})(?![\w-])", re.IGNORECASE)
#: Words that say what happened to things (``sunk``, ``damaged``: ``loss-verb`` in
#: ``figure_words.tsv``) closing a line with no numeral.
_THING_LOSS = re.compile(rf"\s+(?:{word_alternation(list(loss_verbs()))})$", re.IGNORECASE)
#: The kinds of a loss of things, not people: a figure of things with no kind of its own
#: after one of these on its line shares it.
_THING_KINDS = ("destroyed", "damaged")
#: One thing named by a noun phrase: an article or ``one`` at most, then up to four words.
_ONE_THING = re.compile(r"(?i)(?:(?:a|an|one|the)\s+)?[^\W\d][\w-]*(?:\s+[\w-]+){0,3}")
#: A designation standing alone (``Su-25``, ``Mi-8``, ``T-72``): one of it.
_DESIGNATION = re.compile(r"[A-Z][A-Za-z]*-?\d[\w-]*(?<!s)")
_TO_VAGUE = re.compile(r"^to\s+(?:several|many|a few|hundreds|thousands|dozens)(?:\s+(?:hundred|thousand|dozen))?\s*",
                       re.IGNORECASE)


def _named_count(words: str, field: Field) -> int | None:
    """How many things a line without a numeral names, when it names them one by one:
    ``Saratov sunk``, ``Moskva sunk`` (a ship's name, italic or not) -> 1, ``Caesar Kunikov and Novocherkassk damaged``
    -> 2, ``A patrol boat sunk`` -> 1, ``Su-25 downed`` -> 1; ``None`` otherwise (``Heavy
    losses``, ``Su-25s downed``).

    >>> _named_count("A patrol boat sunk", Field("casualties1", "")), _named_count("tanks destroyed", Field("casualties1", ""))
    (1, None)
    """
    verb = _THING_LOSS.search(words)
    if verb is None:
        return None
    subject = words[: verb.start()].strip(" ,;")
    if _DESIGNATION.fullmatch(subject) or _one_thing(subject):
        return 1
    names = {" ".join(str(n).split()).strip("'\"") for n in (field.formatting or {}).get("italic") or []}
    parts = _list_items(subject)
    if parts and all(part in names or _proper_name(part) for part in parts):
        return len(parts)
    return None


def _list_items(words: str) -> list[str]:
    """The items of a list joined by commas, ``and`` and ``&``.

    >>> _list_items("Caesar Kunikov and Novocherkassk"), _list_items("drones, mortars, and rockets")
    (['Caesar Kunikov', 'Novocherkassk'], ['drones', 'mortars', 'rockets'])
    """
    return [p.strip(" \"'“”") for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", words) if p.strip()]


def _plural_kind(words: str) -> bool:
    """A plural noun phrase of one kind of thing, without a number or a vague word
    (``mortars``, ``HIMARS multiple rocket launchers``, ``Su-25s``).

    >>> _plural_kind("combat drones"), _plural_kind("Scud-B"), _plural_kind("various tanks")
    (True, False, False)
    """
    head = words.split()[-1] if words.split() else ""
    return (bool(_ONE_THING.fullmatch(words)) and head.endswith("s") and not head.endswith("ss")
            and not _VAGUE_IN_WORDS.search(words) and not _figure_words_pattern("whole-list").search(words))


#: A proper name: capitalised words, no article, no designation or acronym (``Moskva``,
#: ``Caesar Kunikov``; not ``T-72``, ``BMP``: types, not names).
_PROPER_NAME = re.compile(r"(?!(?:A|An|One|The)\b)[A-Z][a-z][a-z'-]*(?:\s+[A-Z][a-z][a-z'-]*){0,3}")


def _proper_name(words: str) -> bool:
    """A thing named by its own name, italic or not (a ship: ``Caesar Kunikov``,
    ``Novocherkassk``): one thing. Not a plural, a noun that counts no single thing or a
    vague word (:func:`_one_thing`).

    >>> _proper_name("Caesar Kunikov"), _proper_name("The Frigate"), _proper_name("Tanks"), _proper_name("BMP")
    (True, False, False, False)
    """
    return bool(_PROPER_NAME.fullmatch(words)) and _one_thing(words)


def _only_count_status(words: str) -> bool:
    """Words that say only how a figure is known (``count-status`` in ``figure_words.tsv``).

    >>> _only_count_status("confirmed"), _only_count_status("reported in total"), _only_count_status("confirmed dead")
    (True, True, False)
    """
    status = _figure_words_pattern("count-status", r"(?:(?:{})\s*)+")
    return bool(status.fullmatch(_clean_words(words).casefold()))


def _one_thing(subject: str) -> bool:
    """A singular noun phrase (``A patrol boat``, ``Frigate``, ``Su-27 fighter``, ``Antonov
    An-225 Mriya``): one thing. Not a plural (``tanks``, ``Su-25s``), a list (``X and Y``) or
    a noun that counts no single thing (``equipment``, ``aircraft``: ``no-count-noun`` in
    ``figure_words.tsv``).

    >>> _one_thing("Frigate"), _one_thing("A patrol boat"), _one_thing("tanks"), _one_thing("Military equipment")
    (True, True, False, False)
    """
    if not _ONE_THING.fullmatch(subject):
        return False
    words = subject.casefold().split()
    head = words[-1]
    if head.endswith("s") and not head.endswith("ss"):
        return False
    return head not in figure_words("no-count-noun") and not {"and", "or", "&"} & set(words) and not _VAGUE_IN_WORDS.search(subject)


def period_of(text: str, year: int | None = None) -> Period | None:
    """A date or span written with a figure; a span without a year (``2 May to 14 June``,
    ``10–15 June only``) takes the year the conflict started in.

    >>> period_of("2 May to 14 June", 2015).end.iso(), period_of("since 2014").start.iso()
    ('2015-06-14', '2014')

    A year written with two digits (``Nov. '22–Feb. '23``) is the one nearest the
    conflict's first year:

    >>> p = period_of("Nov. '22–Feb. '23", 2022); p.start.iso(), p.end.iso(), p.text
    ('2022-11', '2023-02', "Nov. '22–Feb. '23")
    """
    written = text.strip()
    text = re.sub(r"\s+only$", "", text.strip(), flags=re.IGNORECASE)
    if year is not None:
        text = re.sub(r"(?<!\w)['’](\d\d)\b", lambda m: str(_nearest_year(int(m.group(1)), year)), text)
    period = parse_period(text) if text else None
    if period is None and year is not None and text and not re.search(r"\d{4}", text) \
            and _MONTH_WORD.search(text):
        period = parse_period(f"{text} {year}")
    if period is not None and period.text != written:
        period = Period(period.start, period.end, re.sub(r"\s+only$", "", written, flags=re.IGNORECASE), period.ongoing)
    return period


def _nearest_year(two_digits: int, year: int) -> int:
    """``'23`` written in a conflict begun in 2022 is 2023; ``'44`` in one begun in 1939, 1944."""
    return min((century + two_digits for century in (year // 100 * 100 - 100, year // 100 * 100, year // 100 * 100 + 100)),
               key=lambda candidate: abs(candidate - year))


def _as_of_or_period(period: Period | None) -> tuple[Period | None, Period | None]:
    """(as_of, period): one date or year is an ``as_of``; a span (``2015–2016``,
    ``2 May to 14 June``, ``since 2014``) is a ``period``."""
    if period is None:
        return None, None
    if period.start is not None and period.end == period.start:
        return period, None
    if period.end is None and not re.match(r"(?i)\s*(?:since|from)\b", period.text):
        return period, None
    return None, period


def split_trailing_period(words: str, year: int | None = None) -> tuple[str, Period | None]:
    """``killed in 2014`` -> (``killed``, 2014); a span without its year takes the
    conflict's (``civilians killed from 13 April to 26 May``, :func:`period_of`).

    >>> words, period = split_trailing_period("civilians killed from 4–5 March", 2013); words, period.start.iso()
    ('civilians killed', '2013-03-04')
    """
    for match in re.finditer(r"\b(?:in|since|from|by|as of|during|until)\s+", words, re.IGNORECASE):
        period = period_of(words[match.start():].rstrip(" ."), year)
        if period is not None:
            return words[: match.start()].strip(" ,;"), period
    return words, None


@dataclass
class _Notes:
    """What an entry's parentheticals say."""

    as_of: Period | None = None
    scope: str | None = None
    approximate: bool = False
    claim: Claimant | None = None
    phase: str | None = None


def _read_parentheticals(items: list[str], year: int | None = None, links: Sequence[Link] = ()) -> _Notes:
    """The date, scope, estimate mark, claim and phase of an entry's parentheticals:
    ``(as of 2019)``, ``(in base)``, ``(est.)``, ``(SOHR claim)``, ``(per Artsakh)``,
    ``(first battle)``; ``(against X only; since 3 Mar. 2015)`` is read part by part."""
    notes = _Notes()
    for item in items:
        if _ESTIMATE_WORD.search(item) and not _is_count(item):   # "(5,000 according to one estimate)"
            notes.approximate = True
        parts = [part.strip() for part in re.split(r"[;,:]", item) if part.strip()]
        found = False
        leftovers: list[str] = []
        for part in dict.fromkeys([item, *parts]):
            # "(5,000 according to one estimate)": the claim is that count's, not the figure's
            claim = None if _is_count(part) else read_claim(part, links)
            phase = _note_phase(part) if claim is None else None
            period = None
            if claim is None and phase is None:
                period = period_of(part, year) or period_of(_ESTIMATE_WORD.sub("", part).strip(" ,;"), year)
            notes.claim = notes.claim or claim
            notes.phase = notes.phase or phase
            notes.as_of = notes.as_of or period
            if part == item and (claim or phase or period):
                found = True
                break                     # the whole note was one thing
            if part != item and not (claim or phase or period):
                leftovers.append(part)
            found = found or bool(claim or phase or period)
        if found:
            # "(against ISIL only; since 3 Mar. 2015)": the qualifier beside the date is kept
            if leftovers and notes.scope is None and leftovers[0][:1].islower():
                notes.scope = "; ".join(leftovers)
            continue
        # A qualifying phrase in lower case ("in base", "reinforcements", "rest of province");
        # capitalised parentheticals are sources or names ("Herodotus", "Abu Jabal Brigade").
        phrase = strip_keeping_quotes(item, "\"'“”‘’ ")
        if notes.scope is None and phrase[:1].islower() and not names_a_source(phrase) \
                and not re.search(r"\d", phrase) and not _ESTIMATE_WORD.search(phrase) \
                and not re.match(r"^(?:see|including|incl\.|mostly|only|unconfirmed|confirmed)\b", phrase):
            notes.scope = phrase
    return notes


def _note_phase(note: str) -> str | None:
    """The phase a note names (``(first phase)``, ``(second battle)``); an action
    (``(final assault)``) is what the figure counts, a scope, not a phase.

    >>> _note_phase("first phase"), _note_phase("final assault")
    ('first phase', None)
    """
    phase = read_phase(note)
    return None if phase is None or re.search(r"(?i)\b(?:assault|attack)$", phase) else phase


def parse_quantities(field: Field, warnings: list[ReadWarning],
                     kind: QuantityKind = "strength", year: int | None = None) -> list[Quantity]:
    """All figures of a ``strengthN`` / ``casualtiesN`` field, in order. ``year`` (the year
    the conflict started) completes dates written without one (``(2 May to 14 June)``).

    Claims: a heading (``Per Russia:``, ``Ukrainian claim:``) gives the claimant of every
    figure below it until the next claim or phase heading (headings that only name a kind
    or a category, such as ``Civilians:`` or ``Units:``, nest inside it); a label, a
    parenthetical or a tail on a line (``Russian claim: 50``, ``(SOHR claim)``, ``according
    to the UN``) gives the claimant of its own figures. A phase heading (``First phase:``)
    scopes the figures below it and is never part of a description.

    >>> qs = parse_quantities(Field("strength1", "20,000 SAA soldiers (2012)\\n2,000–4,000 Lebanese Hezbollah fighters"), [])
    >>> [(q.value, q.minimum, q.maximum, q.description, q.as_of and q.as_of.start.iso()) for q in qs]
    [(20000, None, None, 'SAA soldiers', '2012'), (None, 2000, 4000, 'Lebanese Hezbollah fighters', None)]
    >>> q = parse_quantities(Field("casualties4", "31,275 overall deaths\\n(in the whole province)"), [], "casualties")[0]
    >>> q.value, q.kind, q.scope
    (31275, 'deaths', 'in the whole province')
    >>> qs = parse_quantities(Field("casualties2", "Per Ukraine:\\n* 81+ killed\\n* 12 wounded (Russian claim)"), [], "casualties")
    >>> [(q.minimum or q.value, q.kind, q.claimant.text, q.claimant.ref.page) for q in qs]
    [(81, 'killed', 'Per Ukraine', 'Ukraine'), (12, 'wounded', 'Russian claim', 'Russia')]
    """
    casualties = kind == "casualties"
    field = _without_tags(field, warnings)
    grammar = replace(FIGURE_GRAMMAR, read_line=partial(_read_line, links=field.links, year=year, warnings=warnings))
    tree = build_tree(field, warnings, grammar)
    quantities: list[Quantity] = []
    contexts: dict[int, _Context] = {}
    #: (bullet level, index of the first quantity of that line) of lines above, for part_of.
    parents: list[tuple[int, int]] = []
    previous_line: list[int] = []
    #: the figures since the last heading, blank line or claim note: a claim note alone on a
    #: line covers them all ("300 killed" / "hundreds captured" / "(government claim)")
    block: list[int] = []
    block_ended = False
    for tree_line in tree.lines:
        if tree_line.kind == "qualifier":
            # A line that is only a parenthetical: it qualifies the line above; counts of a
            # kind in it ("(156,000–162,000 killed)" under a total) are its sub-counts
            notes = [piece.text for piece in tree_line.leading]
            counts = [note for note in notes if _is_count(note) and casualties and casualty_kind(note)]
            if counts and previous_line:
                subs = _sub_counts_below(counts, quantities, previous_line, field, warnings, year)
                block += range(len(quantities), len(quantities) + len(subs))
                quantities.extend(subs)
                notes = [note for note in notes if note not in counts]
            if notes and _apply_to_previous(quantities, previous_line, block, notes, year, field.links):
                block = []
            continue
        if tree_line.kind == "blank":
            block_ended = True              # a note right after the blank line still closes it
            continue
        if tree_line.kind != "items":
            continue
        nodes = tree_line.entries
        if not nodes:
            parents = []                        # a heading line: sub-counts start again
            block = []
            continue
        line_quantities: list[Quantity] = []
        for node in nodes:
            figures = node.entry
            assert isinstance(figures, _Figures)
            if figures.note == "ignored":
                warnings.append(ReadWarning("ignored-text", field.name, figures.shown,
                                            f"ignored a note in {figures.shown!r}"))
                continue
            if figures.note == "claim" and figures.claim is not None:
                # "Rebel claim" alone after figures: their claimant
                _set_claim(quantities, block or previous_line, figures.claim)
                block = []
                continue
            # The labels of this line (line_info, label_info) read its figures; the headings
            # they open in the tree head the lines below.
            heading = _context_of(_heading_above(node), contexts)
            line_info, label_info = figures.line_info, figures.label_info
            part_quantities = _read_part(
                figures.words, field, figures.shown, casualties, warnings,
                as_of=label_info.as_of or line_info.as_of or heading.as_of,
                context=" ".join(filter(None, [heading.words, line_info.context, label_info.context])),
                name=line_info.name or label_info.name,
                claim=label_info.claim or line_info.claim or heading.claim,
                phase=label_info.phase or line_info.phase or heading.phase,
                year=year,
            )
            for quantity in part_quantities:
                if quantity.part_of is not None:
                    quantity.part_of += len(line_quantities)
            line_quantities += part_quantities
        if not line_quantities:
            continue

        # Sub-counts: part_of the first quantity of the nearest line above with fewer bullets.
        level = tree_line.level
        while parents and parents[-1][0] >= level:
            parents.pop()
        parent = parents[-1][1] if parents and level > 0 else None
        offset = len(quantities)
        for quantity in line_quantities:
            if quantity.part_of is not None:
                quantity.part_of += offset           # "including" inside the line
            elif parent is not None:
                quantity.part_of = parent
        parents.append((level, offset))
        previous_line = list(range(offset, offset + len(line_quantities)))
        block = (previous_line if block_ended else block + previous_line)
        block_ended = False
        quantities.extend(line_quantities)
    for quantity in quantities:
        if quantity.minimum is not None and quantity.maximum is not None and quantity.minimum > quantity.maximum:
            warnings.append(ReadWarning("bad-range", field.name, quantity.text,
                                        f"range {quantity.minimum}–{quantity.maximum} reversed in {quantity.text!r}"))
            quantity.minimum, quantity.maximum = quantity.maximum, quantity.minimum
    return quantities


@dataclass
class _Label(Heading):
    """A heading of figures (``Per Russia:``, ``First phase: 6–12 September``, ``Dead:``,
    ``Per Ukraine`` alone) or a claim label inside a line, which heads the lines below:
    what it says, read once."""

    info: _LabelInfo = dataclass_field(default_factory=_LabelInfo)
    period: Period | None = None


@dataclass
class _Figures(Entry):
    """The figures of one line, or of the part of a line after a claim label: the words to
    read (flags, image names and ``undefined`` removed), the line as written (``shown``),
    and the labels that read them: ``line_info`` the label opening the line, ``label_info``
    the label opening the part. ``note`` is ``ignored`` for a note line (``See below``) and
    ``claim`` for a claim note alone on a line (``Rebel claim``)."""

    words: str = ""
    shown: str = ""
    line_info: _LabelInfo = dataclass_field(default_factory=_LabelInfo)
    label_info: _LabelInfo = dataclass_field(default_factory=_LabelInfo)
    note: str = ""
    claim: Claimant | None = None


#: Figures: ``Unknown`` and ``None`` are amounts, not placeholders; a blank line ends a
#: heading written tight over its figures; lines are cut by :func:`_read_line`.
FIGURE_GRAMMAR = Grammar("figure", blank_ends_heading=True, placeholders=False)


#: A line ending in a number and a dash goes on with the number on the next line: one range
#: broken across a line (``🇲🇱 6,000–`` / ``7,000``).
_BROKEN_RANGE = re.compile(rf"(\d[ \t]*[–—−-])[ \t]*\n[ \t]*(?=(?:{_NUMBER})(?![\d,]))")


def _without_tags(field: Field, warnings: list[ReadWarning] | None = None) -> Field:
    """``<br>`` as a line break, references and other tags removed (wtf_wikipedia leaves a
    few: ``Per Azerbaijan:<ref name=…>``, ``captured<Br>several tanks``), and a range broken
    after its dash joined again (warning ``range-joined``), as is a parenthetical broken
    across lines (:func:`_join_broken_parentheses`).

    >>> _without_tags(Field("strength1", "🇲🇱 6,000–\\n7,000 \\n(pre-war: ~12,150)")).text
    '🇲🇱 6,000–7,000 \\n(pre-war: ~12,150)'
    """
    text = _TAGS.sub(" ", _BR.sub("\n", field.text))
    for match in _BROKEN_RANGE.finditer(text):
        if warnings is not None:
            line = text[text.rfind("\n", 0, match.start()) + 1:match.end(1)].strip()
            warnings.append(ReadWarning("range-joined", field.name, line,
                                        f"{line!r} ends in a dash: the range goes on on the next line"))
    text = _BROKEN_RANGE.sub(r"\1", text)
    text = _join_broken_parentheses(text, field.name, warnings)
    return field if text == field.text else Field(field.name, text, field.links, field.formatting)


#: How many lines a parenthetical may run over before it is taken as unclosed, not broken.
_MAX_NOTE_LINES = 6


def _join_broken_parentheses(text: str, field_name: str, warnings: list[ReadWarning] | None = None) -> str:
    """A parenthetical opened on one line and closed on a later one is one note: its lines
    are joined (``23,049 total (3,155 killed;`` / ``14,529 wounded;`` / ``5,365
    captured/missing)``, the ``<br>`` breakdown of the American Civil War infoboxes), with a
    ``note-joined`` warning. A parenthesis that no line below closes, or that opens its
    line (a line of notes only qualifies the line above), is left as written.

    >>> _join_broken_parentheses("23,049 total (3,155 killed;\\n14,529 wounded;\\n5,365 captured/missing)\\n2 tanks", "c1")
    '23,049 total (3,155 killed; 14,529 wounded; 5,365 captured/missing)\\n2 tanks'
    >>> _join_broken_parentheses("1,200 killed (as of 2020\\n300 wounded", "c1")
    '1,200 killed (as of 2020\\n300 wounded'
    >>> _join_broken_parentheses("23,049 total\\n(3,155 killed;\\n14,529 wounded)", "c1")
    '23,049 total\\n(3,155 killed;\\n14,529 wounded)'
    """
    lines = text.split("\n")
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line, depth = lines[index], lines[index].count("(") - lines[index].count(")")
        end = index
        # a line that starts with the parenthesis has no figure of its own to note
        opens_a_note = not line.lstrip().startswith("(")
        while opens_a_note and depth > 0 and end + 1 < len(lines) and end - index < _MAX_NOTE_LINES and lines[end + 1].strip():
            end += 1
            depth += lines[end].count("(") - lines[end].count(")")
        if depth == 0 and end > index:
            line = " ".join(part.strip() for part in lines[index:end + 1])
            if warnings is not None:
                warnings.append(ReadWarning("note-joined", field_name, line,
                                            f"a parenthetical runs over {end - index + 1} lines: read as one line {line!r}"))
            index = end + 1
        else:
            index += 1
        joined.append(line)
    return "\n".join(joined)


def _read_line(scanned: ScannedField, line: FieldLine, *, links: Sequence[Link], year: int | None,
               warnings: list[ReadWarning]) -> tuple[list[Piece], list[Entry | Heading]]:
    """The grammar's cut of one line of figures (see :class:`~kg.infobox.grammar.Grammar`):
    a line that is only parentheticals qualifies the line above (``leading``); a line that
    is only a label (``Per Armenian sources:``, ``Civilian deaths:``, ``First phase: 6–12
    September 2022``, ``First assault wave``, ``Per Ukraine``) or only a flag template
    wtf_wikipedia could not render (`` Islamic State of Iraq and the Levant``, linked to
    ``undefined``: :func:`~kg.infobox.text.is_unrendered_flag`) is a heading; otherwise the
    line is figures, with a heading before each part that a claim label opens (``Per
    Ukraine: 61 killed Per Russia: up to 180 killed``): the claim heads the lines below."""
    raw = scanned.text[line.start:line.end]
    shown = strip_markup(raw).lstrip("* ")          # the text each quantity keeps
    text = "".join(" " if piece.kind == "image" else scanned.text[piece.start:piece.end] for piece in line.pieces)
    text = drop_undefined(strip_markup(text), scanned.name, warnings)
    text = re.sub(r"\s+", " ", FLAG.sub(" ", text)).strip()
    if not text:
        return [], []
    stripped, parens = _remove_parentheticals(text)
    if not parens and not _NUMERAL.search(re.sub(r"\b1[0-9]{3}\b|\b20[0-9]{2}\b", "", text)) \
            and re.search(r"\d", text) and period_of(text.strip(" .,;"), year) is not None:
        # "February–December 1916" alone under figures: when they were counted, as
        # "(as of 19 February)" there would say
        return [Piece("paren", line.start, line.end, text.strip(" .,;"))], []
    if not stripped.strip(" .,;") and len(parens) == 1 and _is_figure_note(parens[0][1], year):
        text = parens[0][1]                 # "(pre-war: ~12,150)": a figure with a label
        stripped, parens = _remove_parentheticals(text)
    if not stripped.strip(" .,;") and parens:
        return [Piece("paren", line.start, line.end, content) for _, content in parens], []

    def heading(label: str, info: _LabelInfo, period: Period | None = None) -> _Label:
        return _Label(line.index, line.level, label, line.start, line.end, colon=True, info=info, period=period)

    def figures(words: str, **notes) -> _Figures:
        return _Figures(line.index, line.level, words=words, shown=shown, **notes)

    if any(piece.kind == "link" and is_unrendered_flag(piece.link, text) for piece in line.pieces):
        # " Islamic State of Iraq and the Levant" ({{flag|…}} unrendered) over "* ISWAP:
        # 6,000 –20,000": whose figures follow, no figure of its own
        return [], [heading(text, _LabelInfo())]
    label, rest = _line_label(text)
    info = _classify_label(label, links, year)
    if label is not None and info.as_of is not None and info.claim is None and info.phase is None \
            and parse_period(label) is None and year is not None:
        info.as_of = _dated_in_order(scanned, line, year) or info.as_of
        dated_in = info.as_of.start.year if info.as_of.start and info.as_of.start.year is not None else year
        warnings.append(guessed_year(scanned.name, text, label, dated_in, started=year))
    heading_period = period_of(rest, year) if info.phase and rest.strip() else None
    if label is None and read_phase(stripped):
        label, info = stripped, _LabelInfo(phase=read_phase(stripped))  # "First assault wave"
    if label is not None and (not rest.strip() or heading_period is not None or (info.phase and label == stripped)):
        return [], [heading(label, info, heading_period)]
    if _NOTE_LINE.match(stripped.strip()):
        return [], [figures("", note="ignored")]
    if is_claim_note(text):
        # "Rebel claim" after a figure qualifies it; "Per Ukraine" without a colon heads
        # the figures below it, as does any claim line of a field that opens with a label
        # line ("Indian official figures" / figures / "Pakistani claims" / figures)
        claim = read_claim(text, links)
        if claim is not None and (leads_with_source(text) or opens_with_label(scanned)):
            return [], [heading(text, _LabelInfo(claim=claim))]
        return [], ([figures("", note="claim", claim=claim)] if claim is not None else [])
    if is_bare_label(stripped) and _set_apart(scanned, line, stripped):
        # a bold "Civilian and other", a flagged "Malaysia" over figures: whose or which
        # figures follow, as "Malaysia:" would say; plain words ("Various artillery",
        # "Moskva") are things counted without a number
        return [], [heading(stripped, _classify_label(stripped, links, year))]
    items: list[Entry | Heading] = []
    if info.claim is not None and label is not None:
        items.append(heading(label, info))
    for mid_label, part in _split_mid_line_labels(rest):
        mid_info = _classify_label(mid_label, links, year)
        if (mid_info.claim is not None or mid_info.phase is not None) and mid_label is not None:
            items.append(heading(mid_label, mid_info))
        if part.strip():
            items.append(figures(part, line_info=info, label_info=mid_info))
    return [], items


def _dated_in_order(scanned: ScannedField, line: FieldLine, year: int) -> Period | None:
    """The date of a line's label written without a year (``2 January:``), reading the
    field's date labels in order from the conflict's first year: labels go forward in
    time, so one that would come before the label above it is in the next year
    (``16 December:`` … ``24 December:`` … ``2 January:`` of a battle begun in 1944 is
    2 January 1945)."""
    current, previous = year, None
    for other in scanned.lines:
        label = _line_label(strip_markup(scanned.text[other.start:other.end]).lstrip("* ").strip())[0]
        dated = None
        if label and parse_period(label) is None:
            dated = period_of(label, current)
            if dated is not None and dated.start is not None and previous is not None and dated.start.iso() < previous:
                current += 1
                dated = period_of(label, current)
            if dated is not None and dated.start is not None:
                previous = dated.start.iso()
        if other is line:
            return dated
    return None


def is_bare_label(text: str) -> bool:
    """A line of a figure field that counts nothing: no numeral or number word, no amount
    word (``Unknown``, ``Heavy``, ``None``), no loss word (``Moskva sunk`` counts one
    ship). Written over figures without a colon (``Malaysia``, ``Civilian and other``,
    ``SNA Militia and civilians``) it says whose or which figures follow, as ``Malaysia:``
    would.

    >>> is_bare_label("Malaysia"), is_bare_label("Civilian and other"), is_bare_label("U.S.")
    (True, True, True)
    >>> is_bare_label("Heavy"), is_bare_label("Unknown"), is_bare_label("Moskva sunk"), is_bare_label("five aircraft")
    (False, False, False, False)
    """
    text = text.strip(" .,;:")
    if not text or _NUMERAL.search(text) or _WORD_ANCHOR.search(text) or casualty_kind(text):
        return False
    return not any(re.search(rf"(?i)(?<![\w-]){word}(?![\w-])", text) for word in _NUMBER_WORDS)


def _set_apart(scanned: ScannedField, line: FieldLine, text: str) -> bool:
    """A line written as a heading: wholly in bold, behind a flag, or a bullet with
    bullets under it (``* 58th CAA`` over ``** 72nd Brigade:``)."""
    bold = {normalise_space(strip_markup(run)).strip(" :") for run in scanned.field.bold}
    following = next((other for other in scanned.lines if other.index > line.index and not other.blank), None)
    return text.strip(" :") in bold or any(piece.kind == "flag" for piece in line.pieces) \
        or (following is not None and following.level > line.level)


def opens_with_label(scanned: ScannedField) -> bool:
    """True when a figure field's first line is a label with no figure of its own
    (``Indian official figures``, ``Per Russia:``, ``U.S.``): the field heads its blocks
    with labels, so a claim line in it heads the lines below rather than closing the ones
    above."""
    for line in scanned.lines:
        text = strip_markup(scanned.text[line.start:line.end]).lstrip("* ").strip()
        if text:
            label, rest = _line_label(text)
            return (label is not None and not rest.strip()) or is_claim_note(text) \
                or (is_bare_label(text) and _set_apart(scanned, line, text))
    return False


#: The label of a count in parentheses (``pre-war:`` in ``(pre-war: ~12,150)``).
_NOTE_LABEL = re.compile(r"^[^:\d()]{1,40}:\s*\S")


def _is_figure_note(note: str, year: int | None) -> bool:
    """A line that is only a parenthetical holding a labelled count of its own (``(pre-war:
    ~12,150)``), not a date (``(by 12 October)``, ``(2013)``) or a qualifier. Without a
    label the parenthetical qualifies the figure above, as it would at the end of that line:
    ``5,000 dead<br>(124 in the American south)`` in wikitext is ``5,000 dead (124 in the
    American south)`` in wtf_wikipedia's text, and both readers give the same figures.

    >>> _is_figure_note("pre-war: ~12,150", None), _is_figure_note("by 12 October", 2012), _is_figure_note("2013", None)
    (True, False, False)
    >>> _is_figure_note("124 in the American south", None)
    False
    """
    if period_of(note, year) is not None or not _NOTE_LABEL.match(note):
        return False
    return any(e.value is not None or e.minimum is not None or e.maximum is not None
               for e in _find_entries(_remove_parentheticals(note)[0]))


def _heading_above(node: EntryNode) -> HeadingNode | None:
    """The heading in scope before the entry's line began: the labels of its own line read
    it through ``line_info`` and ``label_info``."""
    heading = node.heading
    while heading is not None and heading.item.line == node.entry.line:
        heading = heading.outer
    return heading


def _context_of(heading: HeadingNode | None, contexts: dict[int, _Context]) -> _Context:
    """What the heading in scope (and the headings it is nested in) says about a figure."""
    if heading is None:
        return _Context()
    if id(heading) not in contexts:
        label = heading.item
        assert isinstance(label, _Label)
        contexts[id(heading)] = _next_heading(_context_of(heading.outer, contexts), label.info, label.period)
    return contexts[id(heading)]


def _next_heading(heading: _Context, info: _LabelInfo, period: Period | None) -> _Context:
    """The context under a new heading: a claim heading replaces the claim, a phase heading
    starts a new phase (and ends the claim), any other heading keeps both."""
    if info.phase is not None:
        return _Context(phase=info.phase, claim=info.claim, as_of=period or info.as_of)
    if info.claim is not None:
        return _Context(claim=info.claim, phase=heading.phase, as_of=info.as_of)
    return _Context(words=info.context, claim=heading.claim, phase=heading.phase,
                    as_of=info.as_of or (heading.as_of if heading.claim or heading.phase else None))


def _set_claim(quantities: list[Quantity], indexes: list[int], claim: Claimant) -> None:
    for index in indexes:
        if quantities[index].claimant is None:
            quantities[index].claimant = claim


def _apply_to_previous(quantities: list[Quantity], previous_line: list[int], block: list[int], parens: list[str],
                       year: int | None, links: Sequence[Link]) -> bool:
    """Apply a line of parentheticals to the figures of the line above; a claim among them
    to every figure of the block above (see ``block`` in :func:`parse_quantities`), and so
    a line that is only a date (``185 killed`` / ``81 missing`` / ``(as of 19 February)``:
    the date closes the list as a claim note does). True when it was a claim."""
    if not previous_line:
        return False
    notes = _read_parentheticals(parens, year, links)
    claim_only = all(names_a_source(p) for p in parens) and notes.as_of is None
    scope = notes.scope
    if scope is None and notes.as_of is None and not claim_only and notes.claim is None and notes.phase is None:
        scope = "; ".join(parens)
    date_only = notes.as_of is not None and scope is None and notes.claim is None and notes.phase is None
    as_of, period = _as_of_or_period(notes.as_of)
    for index in sorted(set(previous_line) | set(block if date_only else ())):
        quantity = quantities[index]
        if quantity.as_of is None and quantity.period is None:
            quantity.as_of, quantity.period = as_of, period
        if index not in previous_line:
            continue
        if scope is not None and quantity.scope is None:
            quantity.scope = scope
        if notes.approximate:
            quantity.approximate = True
        quantity.phase = quantity.phase or notes.phase
    if notes.claim is not None:
        _set_claim(quantities, block or previous_line, notes.claim)
    return notes.claim is not None


def _read_part(text: str, field: Field, shown: str, casualties: bool, warnings: list[ReadWarning], *,
               as_of: Period | None, context: str, name: str | None, claim: Claimant | None = None,
               phase: str | None = None, year: int | None = None) -> list[Quantity]:
    """The quantities of one labelled part of a line."""
    cleaned, parens = _remove_parentheticals(text)
    entries = _split_claimed_ranges(cleaned, _find_entries(cleaned), parens, field.links,
                                    lambda message: warnings.append(ReadWarning("claimed-range", field.name, shown, message)))
    if casualties:
        entries = _split_run_together(cleaned, entries, field, shown, warnings)
    leading = cleaned[: entries[0].prefix_start] if entries else cleaned
    leading_words = _clean_words(leading)
    lead_count = _named_count(leading_words, field) if casualties and entries else None
    if lead_count is not None and casualty_kind(entries[0].words) is not None:
        # "Moskva sunk 1 Mi-8 helicopter lost": a thing named and lost before a figure that
        # has its own kind is an item of its own (a lost line break), not the figure's context.
        entries.insert(0, _Entry(start=0, end=0, prefix_start=0, value=lead_count, words=leading_words))
        warnings.append(ReadWarning("figure-split", field.name, shown,
                                    f"{leading_words!r} before the complete figure starts an item of its own "
                                    f"(a lost line break) in {shown!r}"))
        warnings.append(ReadWarning("counted-names", field.name, shown,
                                    f"no numeral: {lead_count} counted from the names in {leading_words!r}"))
    elif entries:
        # Words before the first figure ("The Azerbaijani army lost 173 soldiers") only
        # help to classify the figures.
        context = " ".join(filter(None, [context, leading_words]))
    elif leading_words and re.search(r"[^\W\d_]{2,}", leading_words) and not is_claim_note(leading_words):
        # A line with no figure at all ("Su-25 downed", "Various artillery").
        # In a strength field, a list of kinds of equipment, each a plural without a number
        # ("Bayraktar TB2 combat drones, mortars and HIMARS multiple rocket launchers"), is
        # one vague amount per kind; a list whose items share one head noun ("Scud-B and
        # OTR-21 Tochka tactical ballistic missiles") stays one.
        items = _list_items(leading_words)
        if casualties or len(items) < 2 or not all(_plural_kind(item) for item in items):
            items = [leading_words]
        for item in items:
            lead = _Entry(start=0, end=0, prefix_start=0, words=item)
            lead.vague = ""
            count = _named_count(item, field) if casualties else None
            if count is not None:
                lead.value, lead.vague = count, None
                warnings.append(ReadWarning("counted-names", field.name, shown,
                                            f"no numeral: {count} counted from the names in {item!r}"))
            entries.append(lead)
    if not entries:
        return []
    # Parentheticals belong to the entry they follow.
    for position, content in parens:
        owners = [entry for entry in entries if entry.prefix_start <= position]
        (owners[-1] if owners else entries[0]).parentheticals.append(content)

    # A period or a claim in parentheses closing the part applies to every figure of it
    # ("100 fighters, 3 tanks (Nov. 2012)", "355 killed, 11 wounded (SOHR claim)"), and so
    # does an "(as of …)" anywhere in it.
    # Figures of one list share a closing note ("100 fighters, 3 tanks (Nov. 2012)"), but a
    # word without a number that is not joined to the list keeps out of it ("Heavy At least
    # 338 pieces (per Oryx)": Oryx counted the pieces, not "Heavy").
    closing = _Notes()
    listed = len(entries) - 1
    while listed > 0 and entries[listed - 1].joined_by:
        listed -= 1
    if parens and parens[-1][0] >= len(cleaned.rstrip(" .,;")) and listed < len(entries) - 1:
        closing = _read_parentheticals([parens[-1][1]], year, field.links)
    for _, content in parens:
        if re.match(r"(?i)\s*as of\b", content):
            closing.as_of = closing.as_of or period_of(content, year)
            listed = 0

    own_claims = [_read_parentheticals(entry.parentheticals, year, field.links).claim for entry in entries]
    listed_claims = list(own_claims)
    for index in range(len(entries) - 1, 0, -1):
        # "431–500+ killed, 1,000 wounded (opposition claim) 1,257 killed (government claim)":
        # a claim note closing a list of figures is the claim of the whole list
        if listed_claims[index] is not None and entries[index - 1].joined_by and own_claims[index - 1] is None:
            listed_claims[index - 1] = listed_claims[index]
    list_period = split_trailing_period(cut_claim(entries[-1].words, field.links)[0].strip(" ,;"), year)[1] \
        if entries else None
    quantities: list[Quantity] = []
    for index, entry in enumerate(entries):
        if entry.unknown and ((casualties and casualty_kind(entry.words)) or _VAGUE_IN_WORDS.search(entry.words)):
            # "Unspecified killed", "Unknown, presumed heavy": losses without a number
            entry.unknown, entry.vague = False, text[entry.start:entry.end]
        if entry.open_high is not None:
            warnings.append(ReadWarning("open-range", field.name, shown,
                                        f"open range read as at least {entry.minimum}; "
                                        f"{entry.open_high} is no upper bound in {shown!r}"))
        words, tail_claim = cut_claim(entry.words, field.links)
        words = words.strip(" ,;")
        to_vague = _TO_VAGUE.match(words)
        if to_vague and entry.value is not None:
            # "One hundred to several hundred airborne troops": at least 100.
            entry.minimum, entry.value = entry.value, None
            words = words[to_vague.end():]
        words, trailing_period = split_trailing_period(words, year)
        if trailing_period is None and index >= listed and index < len(entries) - 1:
            # "54 killed and 425 wounded from 7 to 16 November": the span closes the list
            trailing_period = list_period
        description = " ".join(filter(None, [name, words])) or None
        notes = _read_parentheticals(entry.parentheticals, year, field.links)
        counted = entry.value is not None or entry.minimum is not None or entry.maximum is not None
        shared = closing if index >= listed or counted else _Notes()
        when, span = _as_of_or_period(notes.as_of or trailing_period or shared.as_of or as_of)
        quantity = Quantity(
            field=field.name,
            text=shown,
            value=entry.value,
            minimum=entry.minimum,
            maximum=entry.maximum,
            approximate=entry.approximate or notes.approximate,
            as_of=when,
            period=span,
            description=description,
            scope=notes.scope,
            unknown=entry.unknown,
            claimant=notes.claim or tail_claim or listed_claims[index] or shared.claim or claim,
            phase=notes.phase or phase,
        )
        if entry.vague is not None:
            what = f"vague amount {entry.vague!r}" if entry.vague else "no number"
            warnings.append(ReadWarning("unparsed-number", field.name, shown,
                                        f"{what} in {shown!r}"))
        if entry.including and quantities:
            quantity.part_of = len(quantities) - 1   # made absolute by the caller
        quantities.append(quantity)

    if casualties:
        kinds = [casualty_kind(e.words) for e in entries]
        civilians = [civilian_status(e.words) for e in entries]
        # "100 Azerbaijani and 85 Armenian civilians killed": words after the last figure
        # of a list apply to the figures before it.
        for index in range(len(entries) - 2, -1, -1):
            joined = entries[index].joined_by.lower()
            if not joined or entries[index].including:
                continue
            if kinds[index] is None and kinds[index + 1] is not None:
                kinds[index] = kinds[index + 1]
            if civilians[index] is None and civilians[index + 1] is not None and joined in ("and", "&", ", and"):
                civilians[index] = civilians[index + 1]
        # "1,479 killed, including at least 13 commanders": a part of a figure with no kind
        # of its own counts the same kind as the figure it is part of.
        for index in range(1, len(entries)):
            if kinds[index] is None and entries[index].including and kinds[index - 1] is not None:
                kinds[index] = kinds[index - 1]
        # "1 aircraft lost 1 warship": a figure of things with no kind of its own, right after
        # a figure of things lost (destroyed, damaged) on the same line, shares its loss verb
        # (the run "1 aircraft, 1 warship lost" written the other way round). People never
        # take a kind of things ("10 killed, 1 boat" stays as it is).
        for index in range(1, len(entries)):
            if kinds[index] is None and kinds[index - 1] in _THING_KINDS and entries[index].words \
                    and civilian_status(entries[index].words) is None:
                kinds[index] = kinds[index - 1]
        # "150 claimed killed, 68–103 confirmed": a figure whose words only say how it is
        # known (count-status in figure_words.tsv) leaves out the kind of the figure before it.
        for index in range(1, len(entries)):
            if kinds[index] is None and kinds[index - 1] is not None and _only_count_status(entries[index].words):
                kinds[index] = kinds[index - 1]
        # "5,000+ civilians killed, 5,000+ wounded": a figure that names only a kind counts
        # the people of the figure before it
        for index in range(1, len(entries)):
            bare = re.fullmatch(r"(?i)wounded|injured|killed|dead|captured|missing", _clean_words(entries[index].words))
            if civilians[index] is None and bare and entries[index - 1].joined_by:
                civilians[index] = civilians[index - 1]
        context_kind = casualty_kind(context) if context else None
        context_civilian = civilian_status(context) if context else None
        for index, quantity in enumerate(quantities):
            quantity.kind = kinds[index] or context_kind or "casualties"
            civilian = civilians[index]
            if civilian is None and name:
                civilian = civilian_status(name)
            quantity.civilian = civilian if civilian is not None else context_civilian
            if quantity.kind == "destroyed" and _LOST_ONLY.search(entries[index].words + " " + context) and (
                    quantity.civilian is not None or civilian_status(context) is not None):
                quantity.kind = "casualties"      # people "lost": not equipment
    return _with_sub_counts(entries, quantities, field, shown, warnings, year, casualties)


def _complete_figure_end(words: str) -> int | None:
    """Where a figure is complete, a casualty kind read (``wounded``), and a capitalised word
    follows it: the offset after the kind word, else ``None``.

    >>> _complete_figure_end(" wounded Frigate  scuttled"), _complete_figure_end(" soldiers killed")
    (8, None)
    """
    ends = sorted(match.end() for _, pattern in _KIND_WORDS for match in pattern.finditer(words))
    for end in ends:
        if re.match(r"\s+[A-Z]", words[end:]):
            return end
    return None


def _split_run_together(text: str, entries: list[_Entry], field: Field, shown: str,
                        warnings: list[ReadWarning]) -> list[_Entry]:
    """Two items run together because the reader lost a line break: after a complete figure
    (number and kind: ``93+ wounded``), a capitalised word starts a new item. The words from
    there are an item of their own when they count a thing lost without a numeral
    (``Frigate scuttled``: one, :func:`_named_count`); warnings ``figure-split`` and
    ``counted-names``. Other words after the figure stay its description."""
    result: list[_Entry] = []
    for index, entry in enumerate(entries):
        result.append(entry)
        next_start = entries[index + 1].prefix_start if index + 1 < len(entries) else len(text)
        segment = text[entry.end:next_start]
        cut = _complete_figure_end(segment)
        if cut is None:
            continue
        rest = segment[cut:]
        tail = _clean_words(_SEPARATOR.sub("", rest) if entry.joined_by else rest)
        count = _named_count(tail, field)
        if count is None:
            continue
        start = entry.end + cut + len(rest) - len(rest.lstrip())
        head = text[entry.prefix_start:entry.end + cut].strip()
        result.append(_Entry(start=start, end=start, prefix_start=start, value=count, words=tail,
                             joined_by=entry.joined_by))
        entry.words, entry.joined_by = _clean_words(segment[:cut]), ""
        warnings.append(ReadWarning("figure-split", field.name, shown,
                                    f"{tail!r} after the complete figure {head!r} starts a new item (a lost line "
                                    f"break) in {shown!r}"))
        warnings.append(ReadWarning("counted-names", field.name, shown,
                                    f"no numeral: {count} counted from the names in {tail!r}"))
    return result


def _split_claimed_ranges(text: str, entries: list[_Entry], parens: list[tuple[int, str]],
                          links: Sequence[Link], warn: Callable[[str], None]) -> list[_Entry]:
    """A range whose low end carries its own claim note is two figures, each end with its
    claimant: ``3,770 (opposition sources) –3,857 (Ba'athist sources) soldiers killed`` is
    the opposition's 3,770 and the Ba'athist 3,857, not one range. The words after the
    range describe both; the notes after the high end are the high end's (``text`` and
    ``parens`` are as :func:`_remove_parentheticals` gives them). Each split is reported
    through ``warn`` (warning ``claimed-range``)."""
    result: list[_Entry] = []
    for entry in entries:
        match = _FIGURE.match(text, entry.start)
        inside = [content for position, content in parens
                  if match is not None and match.group("high") and match.end("low") <= position <= match.start("high")]
        if match is None or not any(read_claim(content, links) for content in inside):
            result.append(entry)
            continue
        low, high = _number_value(match.group("low")), _number_value(match.group("high"))
        first = _Entry(start=entry.start, end=match.end("low"), prefix_start=entry.prefix_start, value=low,
                       approximate=entry.approximate, words=entry.words)
        second = _Entry(start=match.start("high"), end=entry.end, prefix_start=match.start("high"),
                        approximate=entry.approximate, words=entry.words, joined_by=entry.joined_by)
        if match.group("plus"):
            second.minimum = high
        else:
            second.value = high
        result += [first, second]
        warn(f"range {' '.join(match.group(0).split())!r} read as two figures, each end with its own claimant")
    return result


#: A parenthetical that is a figure of its own: a number, then words (``250 executed``).
#: Words that make a count in a note part of the figure (``(including 408 missing)``,
#: ``(of which 4,436 wounded)``): cut off before the count is read.
_PART_OF_LEAD = re.compile(r"(?i)^(?:including|incl\.|of which)\s+")
#: A part of a note that counts: a number (or range) first, after ``including``, a bound or
#: an estimate mark (``(including 408 missing)``, ``(at least 249 dead bodies …)``).
_SUB_COUNT_LEAD = r"(?:(?:including|incl\.|of which|at least|up to|over|more than|about|around|some|c\.|~)\s*)*"
_SUB_COUNT = re.compile(rf"^\s*{_SUB_COUNT_LEAD}(?:{_NUMBER})\+?(?:\s*[–-]\s*(?:{_NUMBER}))?\+?\s+[^\W\d]",
                        re.IGNORECASE)


def _is_count(part: str) -> bool:
    """A part of a note that starts with a count, not with a date (``24 and 26 Oct.``).

    >>> _is_count("including 408 missing"), _is_count("24 and 26 Oct."), _is_count("per SOHR")
    (True, False, False)
    >>> _is_count("54 killed and 425 wounded from 7 to 16 November")
    True
    """
    return bool(_SUB_COUNT.match(part)) \
        and not re.match(rf"(?i)^\s*[\d\s,&–-]*(?:and\s+[\d\s]*)?(?:{_MONTH_NAMES})\b", part)


def _wider_count(part: str, figure: Quantity) -> bool:
    """A count in a parenthetical that is no part of the figure before it but a wider count
    of its own: it says so (``whole-count`` in ``figure_words.tsv``: ``(5,100 involved in
    total)``), or it counts people or losses (``5,100 French troops``) and its number is
    larger than every number of the figure. A number naming nothing (``(24 and 26 Oct., per
    SOHR)``: dates) is no count.

    >>> q = Quantity(field="strength1", text="", value=4000)
    >>> _wider_count("5,100 involved in total", q), _wider_count("5,100 French troops", q), _wider_count("47 fighters", q)
    (True, True, False)
    >>> _wider_count("24 and 26 Oct., per SOHR", Quantity(field="casualties2", text="", value=6))
    False
    """
    if _figure_words_pattern("whole-count").search(part):
        return True
    if casualty_kind(part) is None and civilian_status(part) is None:
        return False
    amount = read_amount(part)
    numbers = [n for n in (figure.value, figure.minimum, figure.maximum) if n is not None]
    sub = [n for n in (amount or (None, None, None, False))[:3] if isinstance(n, int)]
    return bool(numbers and sub and min(sub) > max(numbers))


def _sub_counts_below(notes: list[str], quantities: list[Quantity], line: list[int], field: Field,
                      warnings: list[ReadWarning], year: int | None) -> list[Quantity]:
    """The figures of parenthetical lines under a line of figures (Battle of Verdun
    ``377,231`` / ``(156,000–162,000 killed)``), each part of the figure above of its kind
    (else of the first), with its claim, phase and date."""
    above = quantities[line[0]]
    found: list[Quantity] = []
    for note in notes:
        shown = f"({note})"
        subs = _read_part(_PART_OF_LEAD.sub("", note), field, shown, True, warnings,
                          as_of=above.as_of, context="", name=None, claim=above.claimant, phase=above.phase, year=year)
        for sub in subs:
            sub.part_of = next((index for index in line if quantities[index].kind == sub.kind), line[0])
            sub.civilian = quantities[sub.part_of].civilian if sub.civilian is None else sub.civilian
        found.extend(subs)
        warnings.append(ReadWarning("sub-count", field.name, shown,
                                    f"{shown} under {above.text!r} read as a figure of its own, part of it"))
    return found


def _count_parts(parentheticals: Sequence[str]) -> list[tuple[str, str]]:
    """Each count of an entry's parentheticals with the note it is in: the parts of a note
    cut at ``;`` that start with a number (``(47 Hezbollah fighters; Army claim)``: one; a
    breakdown ``(3,155 killed; 14,529 wounded; 5,365 captured/missing)``: three); a note
    with none gives ``""`` (it may still be a wider count).

    >>> _count_parts(["47 Hezbollah fighters; Army claim", "3,155 killed; 14,529 wounded", "per SOHR"])
    [('47 Hezbollah fighters; Army claim', '47 Hezbollah fighters'), ('3,155 killed; 14,529 wounded', '3,155 killed'), \
('3,155 killed; 14,529 wounded', '14,529 wounded'), ('per SOHR', '')]
    """
    found: list[tuple[str, str]] = []
    for content in parentheticals:
        parts = [p for p in (p.strip() for p in content.split(";")) if _is_count(p)]
        found.extend((content, part) for part in parts or [""])
    return found


def _with_sub_counts(entries: list[_Entry], quantities: list[Quantity], field: Field, shown: str,
                     warnings: list[ReadWarning], year: int | None, casualties: bool = True) -> list[Quantity]:
    """A parenthetical with a number and a casualty kind (``310–400 killed (250 executed)``)
    is a figure of its own, ``part_of`` the figure it follows (of no figure when that one
    has no number: ``Unknown (50 Afghan fighters killed)``), with a ``sub-count`` warning.
    A number of people without a kind word (``180 killed (47 Hezbollah fighters; Army
    claim)``) counts some of the figure's own: a sub-count of the figure's kind. A number
    that names no people (``91 killed (11 non-combat)``) only says which of the people
    counted it means: it stays a note of its figure. A count wider than the figure
    (:func:`_wider_count`: ``4,000 French troops deployed, (5,100 involved in total)``) is a
    figure of its own beside it, part of nothing (warning ``wider-count``), in strength
    fields as in casualty fields."""
    result: list[Quantity] = []
    moved: dict[int, int] = {}
    for index, (entry, quantity) in enumerate(zip(entries, quantities)):
        moved[index] = len(result)
        if quantity.part_of is not None:
            quantity.part_of = moved.get(quantity.part_of, quantity.part_of)   # "including"
        result.append(quantity)
        for content, part in _count_parts(entry.parentheticals):
            part = _PART_OF_LEAD.sub("", part)
            words, own_claim = cut_claim(part, field.links) if part else (part, None)
            own_kind = casualty_kind(words) if part and casualties else None
            counted = quantity.value is not None or quantity.minimum is not None or quantity.maximum is not None
            # "up to 1,000 (5,000 according to Western estimates)": another source's count of
            # the same, beside the figure, not part of it
            other = bool(part) and (own_claim is not None or names_a_source(part))
            wider = bool(part) and counted and not other and _wider_count(part, quantity)
            if own_kind is None and not wider and not other and (not part or civilian_status(part) is None):
                continue
            subs = _read_part(words, field, shown, casualties, warnings, as_of=quantity.as_of,
                              context="", name=None, claim=own_claim or quantity.claimant, phase=quantity.phase,
                              year=year)
            for sub in subs:
                sub.part_of = moved[index] if counted and not wider and not other else None
                if sub.civilian is None:
                    sub.civilian = quantity.civilian
                if own_kind is None and casualties:
                    sub.kind = quantity.kind     # "180 killed (47 Hezbollah fighters)": 47 of the killed
                result.append(sub)
            if subs:
                kind, what = ("wider-count", "a count wider than the figure before it") if wider else \
                    ("other-count", "another source's count beside the figure") if other else \
                    ("sub-count", "a figure of its own")
                warnings.append(ReadWarning(kind, field.name, shown, f"({content}) read as {what} in {shown!r}"))
    return result
