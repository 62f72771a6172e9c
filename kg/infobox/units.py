"""``unitsN`` -> :class:`~kg.infobox.records.Unit` list, a forest of units.

The field is read into a tree by :func:`kg.infobox.grammar.build_tree`, with one units-specific cut inside plain text: a new
unit starts after a unit word when a new name follows (``52nd Brigade 17th Brigade``,
``9th Armoured Division Independent Artillery Brigade``, ``Brigade al-Ezz Brigade``).

**The tree.** Every unit has a ``level`` and a ``parent`` (the index, in the returned list,
of the nearest unit above it with a smaller level; ``None`` if there is none):

1. A line without bullets is a root (level 0); a line with ``*`` is at level 1, ``**`` at
   level 2, and so on. So the ``*`` lines under a plain line are its children, and ``*``
   lines before any plain line are level-1 units without a parent.
2. **Forces.** A plain line directly followed (blank lines aside) by a heading line
   (``Units involved``, ``Support:``, any ``…:``) names a force: ``Syrian Armed Forces`` /
   ``Units involved``, ``🇮🇷 Iranian Armed Forces`` / ``Units involved``, ``Russian Armed
   Forces`` / ``Support:``. The force is a root; the plain lines after it are its children
   (level 1) and their bullets go one level deeper (``*`` at 2, ``**`` at 3), up to the
   next force.
   **Country and group headings.** A top-level line over units that is a country's name
   (linked or not), a plain line entirely in bold (``Azerbaijan`` / ``Syrian mercenaries``
   in a flattened list), or the side's only belligerent party (``combatantN``, by name or
   page) with units bulleted under it (``Free Syrian Army`` / ``* Northern Storm
   Brigade``) is no unit: it sets ``group`` (and, for a country, ``country``) on the units
   under it, parents none of them, and gives a ``unit-heading`` warning. So is a kind of
   force over bulleted units (``Iraqi militias``: see :func:`_names_a_kind`). Over bulleted
   units its scope ends at the next top-level line. A party that is one of several on its
   side (``Jaysh al-Islam`` / ``*17th Brigade``) says which of them the units belong to: it
   stays a unit, their parent.
3. Headings are never units and never parents: ``Units involved``, ``Supported by``,
   ``Support:``, any text ending with ``:``; a heading that does not announce a force's
   list ends the block above it (nothing after it is a child of a unit before it). A heading other than ``Units involved`` sets
   ``group`` on the units after it (``Support``), until the next heading or force. A colon
   after a *linked* name (``Syrian Army:`` over ``*3rd Infantry Division``) is a unit
   written as a heading: it is kept as a unit.
4. Several units on one line (separated by links, flags, gaps) are siblings at the line's
   level.

**Names.** Image file names are removed (``Syrian Marines SSI.png Syrian Marines``,
``[[Image:…|15px]]``); a flag before a unit is its ``country``; a parenthetical that is a
period (``Shabiha (2011–2012)``, ``(since mid-2014)``, or alone on the next line as in
``(Oct–Dec 2016)``) is the unit's ``period`` and leaves the name; one that is another name
of the unit (a quoted name, ``("Kadyrovites")``, a designation, ``(2nd Army Corps)``, or
an abbreviation, ``Special Security Forces (HAT)``, as for parties) is kept in
``alt_names`` (``skos:altLabel``) and leaves the name (warning ``alt-name``). An
abbreviation that stands for a party of the side (its initials or other name:
``Farouq Brigades (FSA)``) says whose unit it is: a ``unit-qualifier``, kept in ``text``;
one inside a link's anchor (``[[Alpha Group (Ukraine)|Alpha Group (SBU)]]``) says which, as
a title's disambiguator does, and stays in the name. A name in another script
(``Katibat Saifullah (كتيبة سيف الله)``) is another name too. One that ends in a common noun in
lower case describes the unit (``Liwa Suyuf al-Sham (Azaz branch)``, ``(Iraqi militia)``): a
``unit-qualifier``, kept in ``text``. Two lines that link one page under one parent are one
unit (``unit-repeated``). Any
other parenthetical is part of the unit's name and stays in it (``17th Division (Reserve)``, ``46th Special
Forces (Airborne) Regiment``, ``Irregular civilian volunteers (militia)``), except one
alone on a later line, which is kept only in ``text``. The reference is the link whose
anchor is the name (a name cut by an image template is completed from an unplaced link:
``Mechanized Brigade`` -> ``92nd Mechanized Brigade``), else a plain name. Placeholders
(``Unknown``, ``See order of battle``) are skipped with a ``placeholder`` warning, empty
bullets (a unit whose name was only an icon) with ``empty-entry``; the units under an empty
bullet are listed under the nearest named line above it at a lower level, if any.

>>> from kg.document import Field, Link
>>> f = Field("units1", "Syrian Armed Forces\\nUnits involved\\n\\nSyrian Army\\n* Republican Guard\\n** Syrian Marines SSI.png Syrian Marines",
...           [Link("Syrian Armed Forces")], {"bold": ["Units involved"]})
>>> [(u.ref.name, u.level, u.parent) for u in parse_units(f, [])]
[('Syrian Armed Forces', 0, None), ('Syrian Army', 1, 0), ('Republican Guard', 2, 1), ('Syrian Marines', 3, 2)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Sequence

from kg.document import Field, ReadWarning
from kg.infobox.dates import parse_period
from kg.infobox.flags import country_title, entry_country
from kg.infobox.records import EntityRef, Party, Period, Unit
from kg.infobox.grammar import EntryNode, Grammar, HeadingNode, TreeLine, build_tree, qualifier_note
from kg.infobox.text import (
    Entry,
    alt_names,
    keep_alt_name,
    ScannedField,
    drop_undefined,
    is_unrendered_flag,
    link_target,
    entry_name,
    locate_links,
    name_words,
    entry_ref,
    initials,
    entry_source,
    drop_unknown_prefix,
    skip_entry,
    split_trailing_parentheticals,
    strip_markup,
    names_page,
    tidy_name,
)

__all__ = ["parse_units", "split_units", "units_in_strength"]

_UNIT_WORD = r"(?:Brigades?|Battalions?|Regiments?|Divisions?)"
#: A new unit starts after a unit word: at an ordinal (``… Brigade 17th Brigade``) or at a
#: capitalised word or Arabic article (``… Division Independent …``, ``… Brigade al-Ezz``).
_UNIT_BREAK = re.compile(
    rf"\b{_UNIT_WORD}(?P<gap>\s+)(?=\d+(?:st|nd|rd|th)\b|[A-Z][a-z]|(?:al|el|as|ash|ad|an|ar|at|az)-[A-Z])"
)


def split_units(text: str) -> list[str]:
    """Cut plain text where a unit word ends one unit and a new name begins.

    >>> split_units("52nd Brigade 17th Brigade")
    ['52nd Brigade', '17th Brigade']
    >>> split_units("9th Armoured Division Independent Artillery Brigade Independent Infantry Brigade")
    ['9th Armoured Division', 'Independent Artillery Brigade', 'Independent Infantry Brigade']
    >>> split_units("2 battalions from 93rd Armored Brigade")
    ['2 battalions from 93rd Armored Brigade']
    """
    parts: list[str] = []
    cursor = 0
    for match in _UNIT_BREAK.finditer(text):
        parts.append(text[cursor:match.start("gap")].strip())
        cursor = match.end("gap")
    parts.append(text[cursor:].strip())
    return [part for part in parts if part]


#: Units: a unit word cuts plain text; an empty bullet keeps the outline; a linked name
#: with a colon (``Syrian Army:``) is a unit.
UNIT_GRAMMAR = Grammar("unit", split_text=split_units, empty_bullets=True, linked_heading_is_entry=True)


def parse_units(field: Field, warnings: list[ReadWarning], parties: Sequence[Party] = ()) -> list[Unit]:
    """The units of one ``unitsN`` field as a forest (see the module doc for the rule).
    ``parties`` are the parties of the same side (``combatantN``): a line that names the
    side's only belligerent over units bulleted under it is a group heading, and an
    abbreviation in parentheses that stands for one of them is no other name of a unit."""
    tree = build_tree(field, warnings, UNIT_GRAMMAR)
    side = _SideNames.of(parties)
    scanned = tree.scanned
    rows = tree.item_lines()
    bold = {strip_markup(text) for text in field.bold}
    units: list[Unit] = []
    stack: list[tuple[int, int | None]] = []    # (level, index in units; None: no unit)
    in_force = False
    group: str | None = None
    group_country: EntityRef | None = None
    heads_bullets = False           # the group heading above heads the bulleted lines under it
    for number, row in enumerate(rows):
        following = rows[number + 1] if number + 1 < len(rows) else None
        if heads_bullets and row.level == 0:
            # "Local ad hoc militias" after "Free Syrian Army" / "* …": out of its scope
            group, group_country, heads_bullets = None, None, False
        if row.kind == "empty-bullet":
            # An icon-only bullet keeps its place in the outline: the units under it are
            # listed under the nearest named line above it at a lower level ("Syrian Armed
            # Forces" / "* [icon]" / "** 4th Division"), else under no unit we know of
            level = row.level + (1 if in_force else 0)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, stack[-1][1] if stack else None))
            continue
        entries = row.entries
        is_force = (
            row.level == 0
            and len(entries) == 1
            and row.width == 1
            and (
                (following is not None and following.heading_only)
                or strip_markup(scanned.text[row.line.start:row.line.end]) in bold
            )
        )
        heading = _group_heading(row, entries, following, bold, scanned, side, in_force)
        if heading is not None:
            # "Azerbaijan" (bold) over its units, or the side's only party ("Free Syrian
            # Army" over its brigades): a country or group heading heads the units under
            # it; it is not a unit and parents nothing
            text, country = heading
            warnings.append(ReadWarning("unit-heading", field.name, text,
                                        f"{text!r} heads the units under it; not a unit"))
            group, group_country, in_force = text, country, False
            heads_bullets = following is not None and following.level > 0
            stack.clear()
            continue
        for node in row.nodes:
            if isinstance(node, HeadingNode):
                group = None if node.structural else node.text
                group_country = None
                if not node.structural and not (number > 0 and _is_force_list(rows[number - 1], row)):
                    # "Allied militias:" ends the block above: nothing after it is a
                    # child of a unit before it
                    stack.clear()
                    in_force = False
                continue
            if is_force:
                level = 0
                in_force = True
                group = None
            else:
                level = row.level + (1 if in_force else 0)
            unit = _unit(scanned, node.entry, level, group, warnings, side)
            if unit is None:
                continue
            if unit.country is None and group_country is not None:
                unit.country = group_country
            while stack and stack[-1][0] >= level:
                stack.pop()
            unit.parent = stack[-1][1] if stack else None
            twin = _same_unit(units, unit)
            if twin is not None:
                # "*[[Hezbollah armed strength|Light infantry]]" / "*[[Hezbollah armed
                # strength|Mechanized infantry]]": two lines naming one page under one
                # parent are one unit; what is listed under either is listed under it
                warnings.append(ReadWarning("unit-repeated", field.name, unit.text,
                                            f"{unit.ref.name!r} links {unit.ref.page!r} as {units[twin].ref.name!r} "
                                            f"above it does, under the same parent: one unit"))
                stack.append((level, twin))
                continue
            stack.append((level, len(units)))
            units.append(unit)
    return units


def _same_unit(units: list[Unit], unit: Unit) -> int | None:
    """The index of a unit listed before ``unit`` that links the same page (its section
    too) at the same level under the same parent, else ``None``."""
    if unit.ref.page is None:
        return None
    for index, other in enumerate(units):
        if (other.ref.page, other.ref.fragment, other.level, other.parent) == (
                unit.ref.page, unit.ref.fragment, unit.level, unit.parent):
            return index
    return None


#: A part of a unit written as such: ``2 battalions from 93rd Armored Brigade``, ``elements
#: of the 4th Division``, ``parts of X``: the unit named is X.
_PART_OF_UNIT = re.compile(
    r"^(?:(?:\d+|one|two|three|four|five|several|some|a\s+few)\s+(?:battalions?|companies|company|"
    r"platoons?|squadrons?|detachments?|regiments?|brigades?|units?|groups?)|(?:some\s+|(?-i:[A-Z][a-z]+)\s+)?(?:elements|parts|"
    r"remnants|detachments|units|a\s+detachment|a\s+battalion|a\s+company|a\s+part))\s+"
    r"(?:from|of)\s+(?:the\s+)?(?P<unit>(?-i:[A-Z0-9])[^,]*)$",
    re.IGNORECASE,
)


def unit_of_part(name: str, field_name: str, source: str, warnings: list[ReadWarning]) -> str:
    """``2 battalions from 93rd Armored Brigade`` -> ``93rd Armored Brigade`` (with a
    ``unit-part`` warning): the graph records which unit took part, not how much of it.

    >>> w = []; unit_of_part("2 battalions from 93rd Armored Brigade", "units2", "", w), w[0].kind
    ('93rd Armored Brigade', 'unit-part')
    >>> unit_of_part("Elements of the 4th Armoured Division", "units1", "", [])
    '4th Armoured Division'
    >>> unit_of_part("Artillery units of 72nd Mechanized Brigade", "units2", "", [])
    '72nd Mechanized Brigade'
    >>> unit_of_part("Elements of other divisions", "units1", "", [])
    'Elements of other divisions'
    >>> unit_of_part("Army of Conquest", "units1", "", [])
    'Army of Conquest'
    """
    match = _PART_OF_UNIT.match(name)
    if match is None:
        return name
    unit = match.group("unit").strip()
    warnings.append(ReadWarning("unit-part", field_name, source or name,
                                f"{name!r} is part of a unit: recorded as the unit {unit!r}"))
    return unit


def linked_unit_of_part(name: str, anchors: list[str], field_name: str, source: str,
                        warnings: list[ReadWarning]) -> str:
    """``[[20th Guards Combined Arms Army]] elements`` -> ``20th Guards Combined Arms Army``
    (with a ``unit-part`` warning): a generic noun for a part of a unit (``elements``,
    ``detachment``, ``remnants``: ``name_words.tsv``) written after the unit's link, outside
    it, qualifies the linked unit; it is not part of its name. Plain words (``BARS-13
    detachment``) are a name as written.

    >>> w = []; linked_unit_of_part("3rd Guards Spetsnaz Brigade detachment", ["3rd Guards Spetsnaz Brigade"], "units1", "", w), w[0].kind
    ('3rd Guards Spetsnaz Brigade', 'unit-part')
    >>> linked_unit_of_part("Druze militias", ["Druze"], "units1", "", [])
    'Druze militias'
    """
    for anchor in anchors:
        rest = name[len(anchor):].strip() if anchor and name.startswith(anchor + " ") else ""
        if rest and rest.casefold() in name_words("unit-part"):
            warnings.append(ReadWarning("unit-part", field_name, source or name,
                                        f"{rest!r} after the unit's link is a part of it: recorded as the unit "
                                        f"{anchor!r}"))
            return anchor
    return name


def _is_unit_qualifier(text: str) -> bool:
    """A parenthetical after a unit that is no part of its name: a phase, claim or scope
    note (:func:`kg.infobox.grammar.qualifier_note`), or a part noun ending it (``Kuban
    detachment``).

    >>> _is_unit_qualifier("Kuban detachment"), _is_unit_qualifier("per SOHR"), _is_unit_qualifier("Reserve")
    (True, True, False)
    """
    words = text.split()
    # the noun in lower case: "(Special Forces)" is a name
    return qualifier_note(text) is not None or (len(words) > 1 and words[-1] in name_words("unit-part"))


def _describes_unit(text: str) -> bool:
    """A parenthetical that ends in a common noun, lower case, describes the unit (which
    branch, what kind of force: ``Azaz branch``, ``Northern Aleppo Governorate branch``,
    ``Iraqi militia``); it does not name it. A name's own words are capitalised
    (``17th Division (Reserve)``, ``Popular Committees (Sanamayn)``): those stay.

    >>> _describes_unit("Northern Aleppo Governorate branch"), _describes_unit("Iraqi militia")
    (True, True)
    >>> _describes_unit("Reserve"), _describes_unit("al-Qaeda"), _describes_unit("كتيبة سيف الله")
    (False, False, False)
    """
    words = text.split()
    return bool(words) and words[-1].isalpha() and words[-1].islower()


#: An alternative name written inside the name: ``BARS-16 ("Kuban") detachment``.
_INNER_PAREN = re.compile(r"\s*\(([^()]*)\)(?=\s)")


def _drop_inner_alt_names(name: str, field_name: str, source: str, found: list[str],
                          warnings: list[ReadWarning]) -> str:
    """``BARS-16 ("Kuban") detachment`` -> ``BARS-16 detachment``, ``Kuban`` added to
    ``found`` (warning ``alt-name``)."""
    def cut(match: re.Match[str]) -> str:
        alts = alt_names(match.group(1))
        if not alts:
            return match.group(0)
        for alt in alts:
            keep_alt_name(alt, field_name, source, found, warnings)
        return ""
    return _INNER_PAREN.sub(cut, name)



def _is_force_list(previous: TreeLine, row: TreeLine) -> bool:
    """``Russian Armed Forces`` / ``Support:``: the heading announces the force's units."""
    return previous.level == 0 and len(previous.entries) == 1 and row.heading_only


@dataclass(frozen=True)
class _SideNames:
    """What the side's parties are called: the only belligerent's names (its name and its
    page; empty when the side has several), and the abbreviations of every party (its
    initials, its other names: ``FSA``, ``PYD``)."""

    sole: frozenset[str] = frozenset()
    abbreviations: frozenset[str] = frozenset()

    @classmethod
    def of(cls, parties: Sequence[Party]) -> _SideNames:
        belligerents = {party.ref.title.casefold(): party for party in parties if party.role == "belligerent"}
        sole: set[str] = set()
        if len(belligerents) == 1:
            ref = next(iter(belligerents.values())).ref
            sole = {ref.name.casefold(), ref.title.casefold()}
        abbreviations = {alt for party in parties for alt in party.alt_names}
        abbreviations |= {initials(party.ref.name) for party in parties} | {initials(party.ref.title) for party in parties}
        return cls(frozenset(sole), frozenset(a for a in abbreviations if len(a) >= 2))


def _group_heading(row: TreeLine, entries: list[EntryNode], following: TreeLine | None, bold: set[str],
                   scanned: ScannedField, side: _SideNames, in_force: bool = False
                   ) -> tuple[str, EntityRef | None] | None:
    """A line over units that is no unit: ``(text, country)``. Five forms, none with a
    parenthetical, none (but a country) a force written with its list heading (``Syrian
    Armed Forces`` / ``Units involved``: a unit):

    * a country's name (``Azerbaijan``, linked or not), also over a heading (``🇺🇦
      Ukraine`` / ``Inside Mariupol:``): a country is never a unit;
    * a plain line in bold (``Syrian mercenaries``);
    * the side's only belligerent party, by name or page (a link to ``undefined``, a
      template wtf_wikipedia could not render, counts as none), with units bulleted under
      it (``Free Syrian Army`` / ``* Northern Storm Brigade`` when ``combatant1`` is the
      Free Syrian Army alone): the line says whose units follow, which the side already
      says. A party that is one of several (``Jaysh al-Islam`` / ``*17th Brigade``) says
      which of them the units belong to: it stays a unit, their parent;
    * a flag template wtf_wikipedia could not render (:func:`~kg.infobox.text.is_unrendered_flag`:
      `` Iraqi Kurdistan`` linked to ``undefined``) over units bulleted under it: the
      polity whose flag it is heads them, as a country does, on a side of one party or
      several;
    * a kind of force, not a force (:func:`_names_a_kind`: ``Iraqi militias``, unlinked)
      over units bulleted under it, outside a force's list: a group label, as
      ``Allied militias`` is.
    """
    if row.level != 0 or len(entries) != 1 or row.width != 1 or following is None:
        return None
    entry = entries[0]
    if entry.parens:
        return None
    text = tidy_name(entry.text)
    pages = [target[0] for target in map(link_target, entry.links) if target is not None]
    if len(pages) > 1 or (pages and not names_page(text, pages[0])):
        return None
    title = country_title(pages[0] if pages else text)
    if title is not None:
        return text, EntityRef(title, title)
    if following.heading_only:
        return None
    if following.level > 0 and len(entry.links) == 1 and is_unrendered_flag(entry.links[0], text):
        # " Iraqi Kurdistan" ({{flag|Iraqi Kurdistan}}, unrendered) / "* PUK Peshmerga …":
        # the polity whose flag heads the units, as "🇺🇦 Ukraine" does; never a unit
        return text, None
    names = {text.casefold(), *(page.casefold() for page in pages)}
    if following.level > 0 and names & side.sole:
        return text, None
    if following.level > 0 and not in_force and not entry.links and _names_a_kind(text):
        return text, None
    if pages or strip_markup(scanned.text[row.line.start:row.line.end]) not in bold:
        return None
    return text, None


def _names_a_kind(text: str) -> bool:
    """A kind of force rather than a force's name: capitalised words (who: ``Iraqi``,
    ``Christian``) before a plural common noun in lower case (``militias``, ``units``).

    >>> _names_a_kind("Iraqi militias"), _names_a_kind("Christian militias")
    (True, True)
    >>> _names_a_kind("BARS militia"), _names_a_kind("Tiger Forces"), _names_a_kind("Local ad hoc militias")
    (False, False, False)
    """
    words = text.split()
    head = words[-1] if words else ""
    return len(words) >= 2 and head.isalpha() and head.islower() and head.endswith("s") \
        and all(word[:1].isupper() for word in words[:-1])


def _in_anchor(text: str, entry: Entry) -> bool:
    """A parenthetical written inside a link's anchor (``[[Alpha Group (Ukraine)|Alpha Group
    (SBU)]]``) does what a title's disambiguator does, says which one (whose): it is no
    other name of the unit, even when it is an abbreviation."""
    return any(f"({text})" in strip_markup(link.anchor) for link in entry.links)


def _unit(scanned: ScannedField, entry: Entry, level: int, group: str | None,
          warnings: list[ReadWarning], side: _SideNames = _SideNames()) -> Unit | None:
    field_name = scanned.name
    source = entry_source(scanned, entry)
    raw = entry_name(scanned, entry)
    raw = drop_undefined(raw, field_name, warnings) if raw else raw
    core, inside = split_trailing_parentheticals(raw)
    core = drop_unknown_prefix(tidy_name(core), field_name, source, warnings)

    flag = entry.flag
    country = entry_country(entry)
    if skip_entry(core, flag is not None, field_name, source, "a unit", warnings):
        return None
    core = unit_of_part(core, field_name, source, warnings)
    core = linked_unit_of_part(core, [strip_markup(link.anchor) for link in entry.links], field_name, source,
                               warnings)

    alts: list[str] = []
    core = _drop_inner_alt_names(core, field_name, source, alts, warnings)
    period: Period | None = None
    kept: list[str] = []
    same_line = [p.text for p in entry.pieces[len(entry.name_pieces):]]
    for text in inside + same_line:
        text = strip_markup(drop_undefined(text, field_name, warnings))
        as_period = parse_period(text) if text else None
        if as_period is not None and period is None:
            period = as_period
        elif text and as_period is None and (_is_unit_qualifier(text) or text in side.abbreviations
                                             or (_describes_unit(text) and not _in_anchor(text, entry))):
            # "BARS-16 (Kuban detachment)", "(per SOHR)", "(not directly fighting)": says
            # which part, who claims, or how far; "Farouq Brigades (FSA)": whose unit it
            # is (a party of the side); "Liwa Suyuf al-Sham (Azaz branch)", "(Iraqi
            # militia)": which branch, what kind (inside a link's anchor, "[[Irregular
            # military|Irregular civilian volunteers (militia)]]", it is the name as the
            # link writes it): kept in the unit's text, not its name
            warnings.append(ReadWarning("unit-qualifier", field_name, source,
                                        f"{text!r} qualifies the unit; not part of its name"))
        elif text and alt_names(text, acronyms=not _in_anchor(text, entry)):
            # "(2nd Army Corps)", '("Kadyrovites")', "Special Security Forces (HAT)":
            # another name of the unit, as for parties
            for alt in alt_names(text, acronyms=True):
                keep_alt_name(alt, field_name, source, alts, warnings)
        elif text:
            kept.append(text)
    for piece in entry.later:
        as_period = parse_period(piece.text)
        if as_period is not None and period is None:
            period = as_period

    ref = entry_ref(scanned, entry, core, warnings)
    name = ref.name + "".join(f" ({text})" for text in kept)
    if name != ref.name:
        ref = EntityRef(name, ref.page, ref.fragment)
    return Unit(ref, field_name, source, level=level, parent=None, period=period, group=group,
                country=country, alt_names=tuple(alts))


#: A name that ends in a unit noun (capitalised: ``11th Armoured Division``, not ``several
#: brigades``).
_UNIT_NAME = re.compile(
    r"^[A-Z0-9].*\b(?:Brigades?|Battalions?|Regiments?|Divisions?|Corps|Squadrons?|Compan(?:y|ies)|"
    r"Detachments?|Platoons?|Army|Group|Forces|Fleet|Flotilla)$"
)
#: What makes a strength line a figure: a number that is not an ordinal (``60th``), or an
#: amount word.
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b")
_AMOUNT_WORD = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|hundreds?|"
    r"thousands?|dozens?|several|many|numerous|few|some|unknown|heavy)\b", re.IGNORECASE)
_STRENGTH_BULLETS = re.compile(r"^[ \t\u00a0]*(\**)[ \t\u00a0]*")


def units_in_strength(field: Field, warnings: list[ReadWarning]) -> tuple[list[Unit], Field]:
    """Split the units written in a ``strengthN`` field from its figures: a line with no
    figure (no number but ordinals, no amount word) that names a unit (it is one link, or
    a capitalised name ending in a unit noun such as ``Division``) is a unit of the side,
    under the unit line it is bulleted under, with a ``units-in-strength`` warning. A line
    bulleted under a figure (``1 missile cruiser`` / ``* Moskva``) describes that figure and
    stays. A flag template wtf_wikipedia could not render (:func:`~kg.infobox.text.is_unrendered_flag`:
    `` Islamic State of Iraq and the Levant`` over ``* ISWAP: 6,000 –20,000``) heads the
    lines under it and stays: no unit. Returns the units and the field with the other lines.

    >>> from kg.document import Link
    >>> f = Field("strength2", "1st Armoured Division\\n*76th Armoured Brigade \\n300 soldiers, 50 tanks",
    ...           [Link("1st Armoured Division (Syria)", "1st Armoured Division")])
    >>> units, rest = units_in_strength(f, [])
    >>> [(u.ref.name, u.ref.page, u.parent) for u in units], rest.text
    ([('1st Armoured Division', '1st Armoured Division (Syria)', None), ('76th Armoured Brigade', None, 0)], '300 soldiers, 50 tanks')
    """
    text = field.text
    located, unplaced = locate_links(field)
    unit_lines: list[tuple[int, int]] = []          # (start, end) offsets of unit lines
    kept_lines: list[tuple[int, int]] = []
    stack: list[tuple[int, bool]] = []               # (bullet level, a unit line or a heading) above
    offset = 0
    for raw in text.split("\n"):
        start, end = offset, offset + len(raw)
        offset = end + 1
        bullets = _STRENGTH_BULLETS.match(raw)
        assert bullets is not None                   # the pattern matches any line
        level = len(bullets.group(1))
        content = strip_markup(raw[bullets.end():])
        if not content:
            kept_lines.append((start, end))
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        under_figure = bool(stack) and not stack[-1][1]
        anchors = [item for item in located if start <= item.start and item.end <= end]
        one_link = len(anchors) == 1 and strip_markup(anchors[0].link.anchor) == content
        no_figure = not under_figure and not _AMOUNT_WORD.search(_ORDINAL.sub(" ", content))
        # " Islamic State of Iraq and the Levant" ({{flag|…}} unrendered, page 'undefined')
        # over "* ISWAP: 6,000 –20,000": the organisation heading the figures under it, as
        # a country heads its units, is no unit; the lines under it are read as ever
        heading = no_figure and one_link and is_unrendered_flag(anchors[0].link, content)
        is_unit = no_figure and not heading and (one_link or bool(_UNIT_NAME.match(content)))
        stack.append((level, is_unit or heading))
        (unit_lines if is_unit else kept_lines).append((start, end))
    if not unit_lines:
        return [], field

    def sub_field(spans: list[tuple[int, int]]) -> Field:
        links = [item.link for item in located if any(s <= item.start and item.end <= e for s, e in spans)]
        return Field(field.name, "\n".join(text[s:e] for s, e in spans), links,
                     dict(field.formatting))

    units = parse_units(sub_field(unit_lines), warnings)
    for unit in units:
        warnings.append(ReadWarning("units-in-strength", field.name, unit.text,
                                    f"{unit.ref.name!r} names a unit, not a figure: read as a unit of the side"))
    rest = sub_field(kept_lines)
    return units, Field(field.name, rest.text.strip("\n"), rest.links + unplaced, rest.formatting)
