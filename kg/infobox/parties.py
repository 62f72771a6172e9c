"""``combatantN`` (and ``combatantNa``…``Nd``) -> :class:`~kg.infobox.records.Party` list.

The field is read into a tree by :func:`kg.infobox.grammar.build_tree` (see there for
the grammar and :func:`~kg.infobox.text.group_line` for how entries sharing a line are told
apart); each entry node gives a party, its heading node the role and group. In source
order:

* **Role.** Parties are belligerents until a support heading (``Supported by:``,
  ``Support:``, ``Supported by``, bold or not, on its own line or mid-line; also
  ``Arms suppliers:``, ``Non-combat support:``, ``Diplomatic support``): every party after
  it is a ``supporter``.
* **Group.** Any other heading (a text ending with ``:`` such as ``Allied militias:`` or
  ``Airstrikes:``, an italic heading left as a link to no page) sets ``group`` on the
  parties that follow, up to the next heading; a heading is never a party. A support
  heading with its own label (``Arms suppliers``) is the group too; ``Supported by`` alone
  clears it.
* **Name and reference.** The party reference is the link whose anchor is the name (page
  as written: ``Russia`` -> ``Russian military intervention in the Syrian Civil War``,
  ``saudi arabia``); an unlinked name is a plain name. A link to ``undefined`` counts as
  no link. Bullets (``* Syrian Armed Forces`` under ``Syrian Arab Republic``) give parties
  of the same side like any other line; the hierarchy is not kept.
* **Qualifiers.** Trailing parentheticals (also inside an anchor, or alone on the next
  line) are read with :func:`~kg.infobox.dates.parse_period`; the first period is the
  party's ``period``. A parenthetical that is another name of the party (an abbreviation,
  ``Democratic Union Party (PYD)``, or a quoted name) is kept in ``alt_names``
  (``skos:altLabel``; warning ``alt-name``); any other (``(alleged by Armenia)``, a second
  period) stays out of the name and is kept only in ``text`` (warning ``party-qualifier``).
* **Flags.** A flag before a name is the party's ``country`` (the page of the link on the
  flag, e.g. ``iraq``, else the country of the emoji via :mod:`kg.infobox.flags`); it is
  never a party of its own. When the name after the flag is that same country
  (``🇷🇺 Russia``, ``🇸🇾 Syrian Arab Republic``) the party *is* the country and
  ``country`` stays ``None``. A flag with no name (``🇷🇺`` alone) gives the country as the
  party, with a ``flag-only`` warning.
* **Debris.** Image file names are removed (``image-name``), ``undefined`` dropped
  (``undefined-artifact``), ``Unknown`` and other placeholders skipped (``placeholder``),
  template residue such as ``style=margin-bottom:0.5em`` skipped (``markup-artifact``).

* **Repeats.** The same entity listed twice on a side in the same role (Mali War's
  Portugal, among MINUSMA's contributors and in the supporters' full list) is one party:
  :func:`kg.infobox.merge_repeats` merges them per side (warning ``duplicate-entry``).

``text`` of a party is its source entry (flag, image name, name and qualifiers as written);
``field`` the field name. Nothing here raises on odd input: it degrades and warns.

>>> from kg.document import Field, Link
>>> f = Field("combatant2", " Free Syrian Army\\n\\nSupported by: 🇸🇦 Saudi Arabia 🇶🇦 Qatar",
...           [Link("Free Syrian Army"), Link("saudi arabia", "Saudi Arabia"), Link("qatar", "Qatar")])
>>> [(p.ref.name, p.ref.page, p.role) for p in parse_parties(f, [])]
[('Free Syrian Army', 'Free Syrian Army', 'belligerent'), ('Saudi Arabia', 'saudi arabia', 'supporter'), ('Qatar', 'qatar', 'supporter')]
"""

from __future__ import annotations

import re

from kg.document import Field, ReadWarning
from kg.infobox.dates import guessed_year
from kg.infobox.quantities import period_of
from kg.infobox.flags import entry_country, is_same_country
from kg.infobox.records import EntityRef, Party, Period, Role
from kg.infobox.grammar import MARKUP_ARTIFACT, PARTY_GRAMMAR, SUPPORT_HEADING, HeadingNode, build_tree
from kg.infobox.text import (
    Entry,
    alt_names,
    keep_alt_name,
    strip_markup,
    ScannedField,
    drop_undefined,
    entry_name,
    entry_ref,
    entry_source,
    drop_unknown_prefix,
    skip_entry,
    split_trailing_parentheticals,
    tidy_name,
)

__all__ = ["parse_parties", "SUPPORT_HEADING", "MARKUP_ARTIFACT"]

#: Support headings that are only a role marker, not a group label.
_ROLE_ONLY = re.compile(r"^(?:supported(?:\s+by)?|support|supporters|backed\s+by)$", re.IGNORECASE)


def parse_parties(field: Field, warnings: list[ReadWarning], year: int | None = None) -> list[Party]:
    """The parties of one ``combatantN`` field, in source order (see the module doc).
    ``year`` (the year the conflict started) dates a qualifier written without one
    (``(Joined August 15)``)."""
    tree = build_tree(field, warnings, PARTY_GRAMMAR)
    parties: list[Party] = []
    for node in tree.entries():
        role, group = _role_and_group(node.heading)
        party = _party(tree.scanned, node.entry, role, group, warnings, year)
        if party is not None:
            parties.append(party)
    return parties


def _role_and_group(heading: HeadingNode | None) -> tuple[Role, str | None]:
    """Belligerent with no group outside any heading; a support heading makes supporters
    (its label, unless only a role marker, is the group); any other heading is the group."""
    if heading is None:
        return "belligerent", None
    if heading.support:
        return "supporter", None if _ROLE_ONLY.match(heading.text) else heading.text
    return "belligerent", heading.text


def _party(scanned: ScannedField, entry: Entry, role: Role, group: str | None,
           warnings: list[ReadWarning], year: int | None = None) -> Party | None:
    field_name = scanned.name
    source = entry_source(scanned, entry)
    raw = entry_name(scanned, entry)
    raw = drop_undefined(raw, field_name, warnings) if raw else raw
    core, inside = split_trailing_parentheticals(raw)
    name = drop_unknown_prefix(tidy_name(core), field_name, source, warnings)
    qualifiers = inside + [p.text for p in entry.parens]
    period = _first_period(qualifiers, field_name, source, warnings, year)
    alts = _other_qualifiers(qualifiers, period, field_name, source, warnings, year)

    flag = entry.flag
    country = entry_country(entry)

    if not name:
        if country is None:
            if flag is not None:
                warnings.append(ReadWarning("unknown-flag", field_name, source,
                                            f"flag {flag.text!r} names no known country"))
            return None
        warnings.append(ReadWarning("flag-only", field_name, source,
                                    f"a flag alone: the party is {country.name!r}"))
        return Party(country, role, field_name, source, group, period, None, tuple(alts))
    if skip_entry(name, False, field_name, source, "a party", warnings):
        return None
    ref = entry_ref(scanned, entry, name, warnings)
    if flag is not None and is_same_country(flag.text, ref.name, ref.page, flag.link.page if flag.link is not None else None):
        # The party is the country itself (``🇷🇺 Russia``): an unlinked name takes the
        # flag's page.
        if ref.page is None and country is not None:
            ref = EntityRef(ref.name, country.page)
        country = None
    return Party(ref, role, field_name, source, group, period, country, tuple(alts))


def _other_qualifiers(qualifiers: list[str], period: Period | None, field_name: str, source: str,
                      warnings: list[ReadWarning], year: int | None = None) -> list[str]:
    """The parentheticals that are not the party's period: its other names (``(PYD)``,
    returned, warning ``alt-name``), else notes kept only in ``text`` (``(alleged by
    Armenia)``, a second period), each with a ``party-qualifier`` warning."""
    alts: list[str] = []
    for qualifier in qualifiers:
        text = strip_markup(drop_undefined(qualifier, field_name, [])).strip()
        if not text or (period is not None and text == period.text.strip()):
            continue
        others = alt_names(text, acronyms=True)
        for alt in others:
            keep_alt_name(alt, field_name, source, alts, warnings)
        if not others:
            warnings.append(ReadWarning("party-qualifier", field_name, source,
                                        f"{text!r} qualifies the party; kept in its text, not its name"))
    return alts


def _first_period(qualifiers: list[str], field_name: str, source: str, warnings: list[ReadWarning],
                  year: int | None = None) -> Period | None:
    for qualifier in qualifiers:
        text = drop_undefined(qualifier, field_name, warnings)
        period = qualifier_period(text, year)
        if period is not None:
            if year is not None and not re.search(r"\d{4}", text):
                warnings.append(guessed_year(field_name, source, text, year))
            return period
    return None


#: A verb of joining or leaving before a date: ``Joined August 15``, ``withdrew in 2016``.
_JOINED = re.compile(r"^(?:joined|entered|intervened|involved|arrived)(?:\s+(?:on|in))?\s+(?=\S)", re.IGNORECASE)
_LEFT = re.compile(r"^(?:left|withdrew|withdrawn|departed)(?:\s+(?:on|in))?\s+(?=\S)", re.IGNORECASE)


def qualifier_period(text: str, year: int | None = None) -> Period | None:
    """The period of a party's qualifier: the whole text, else its first part (split at
    ``;``/``,``) that is a date; ``Joined X`` starts at X, ``Left X`` ends at X; a date
    without a year takes ``year``. The period's ``text`` is the whole qualifier, so a
    compound one keeps its other words.

    >>> p = qualifier_period("Joined August 15", 2015); p.start.iso(), p.end
    ('2015-08-15', None)
    >>> p = qualifier_period("against ISIL only; since 3 Mar. 2015"); p.start.iso(), p.text
    ('2015-03-03', 'against ISIL only; since 3 Mar. 2015')
    >>> qualifier_period("alleged by Armenia") is None
    True
    """
    text = text.strip()
    parts = [text] + [part.strip() for part in re.split(r"[;,]", text) if part.strip()]
    for part in dict.fromkeys(parts):
        if (match := _JOINED.match(part)) is not None:
            part = "since " + part[match.end():]
        elif (match := _LEFT.match(part)) is not None:
            part = "until " + part[match.end():]
        period = period_of(part, year)
        if period is not None:
            return Period(period.start, period.end, text, period.ongoing)
    return None
