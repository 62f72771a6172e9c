"""``{{Infobox military conflict}}`` fields -> typed records (:mod:`kg.infobox.records`).

One small parser per field family (``parties``, ``commanders``, ``units``, ``quantities``,
``dates``, ``fields``), all pure and warning instead of raising; :func:`parse_conflict`
gathers them, and side N from ``combatantN`` (and ``Na``…``Nd``), ``commanderN``,
``unitsN``, ``strengthN`` and ``casualtiesN``. With N combatant columns, ``casualties(N+1)``
is the full-width row of totals, not a side.

>>> from kg.readers import read_document
>>> record = parse_conflict(read_document("data/wikipedia/syria/battle_of_aleppo_(2012–2016).md"))
>>> [side.number for side in record.sides], len(record.casualties_total)
([1, 2, 3], 1)
"""

from __future__ import annotations

import re
from typing import TypeVar

from kg.document import Document, Field, ReadWarning
from kg.infobox.commanders import parse_commanders
from kg.infobox.dates import parse_date_field
from kg.infobox.fields import (
    parse_conflict_names,
    parse_coordinates,
    parse_part_of,
    parse_places,
    parse_text_block,
)
from kg.infobox.parties import parse_parties
from kg.infobox.quantities import parse_quantities
from kg.infobox.records import Commander, ConflictRecord, EntityRef, Party, Side
from kg.infobox.text import initials, names_page, normalise_space
from kg.infobox.units import parse_units, units_in_strength

_SIDE_FIELD = re.compile(r"^(combatant|commander|units|strength|casualties)(\d+)([a-d]?)$")

__all__ = ["link_quantity_subjects", "merge_repeats", "parse_conflict", "side_fields"]

R = TypeVar("R", Party, Commander)


def side_fields(fields: dict[str, Field]) -> tuple[dict[int, dict[str, list[Field]]], list[Field]]:
    """Group side fields by side number; return ``(sides, total_casualty_fields)``.

    >>> sides, totals = side_fields({n: Field(n, "x") for n in ["combatant1", "combatant2", "combatant1a", "casualties3"]})
    >>> sorted(sides), [f.name for f in sides[1]["combatant"]], [f.name for f in totals]
    ([1, 2], ['combatant1', 'combatant1a'], ['casualties3'])
    """
    grouped: dict[int, dict[str, list[Field]]] = {}
    for name in sorted(fields, key=_field_order):
        match = _SIDE_FIELD.match(name)
        if not match:
            continue
        family, number = match.group(1), int(match.group(2))
        grouped.setdefault(number, {}).setdefault(family, []).append(fields[name])
    columns = max((n for n, families in grouped.items() if "combatant" in families), default=0)
    totals: list[Field] = []
    if "casualties" in fields:
        totals.append(fields["casualties"])
    for number in sorted(grouped):
        # casualties3 with no combatant3 is the conflict-wide line of the template; a
        # strength3 beside it has no side to belong to (the caller warns and drops it)
        if number > columns and set(grouped[number]) <= {"casualties", "strength"}:
            families = grouped.pop(number)
            totals.extend(families.get("casualties", []))
            totals.extend(families.get("strength", []))
    return grouped, totals


def _field_order(name: str) -> tuple[str, int, str]:
    match = _SIDE_FIELD.match(name)
    if not match:
        return (name, 0, "")
    return (match.group(1), int(match.group(2)), match.group(3))


def parse_conflict(doc: Document) -> ConflictRecord | None:
    """Parse the document's conflict infobox; ``None`` when it has none. Warnings of the
    field parsers are appended to ``doc.warnings``."""
    box = doc.conflict_infobox
    if box is None:
        return None
    warnings: list[ReadWarning] = doc.warnings
    fields = box.fields
    record = ConflictRecord(title=doc.title)

    if (field := fields.get("conflict")) is not None:
        record.names = parse_conflict_names(field, doc.title, warnings)
    if (field := fields.get("partof")) is not None:
        record.part_of = parse_part_of(field, warnings)
    if (field := fields.get("date") or fields.get("dates")) is not None:
        record.date = parse_date_field(field, warnings)
    if (field := fields.get("place")) is not None:
        record.places = parse_places(field, warnings)
    if (field := fields.get("coordinates")) is not None:
        record.coordinates = parse_coordinates(field, warnings)
    for name in ("result", "territory", "status", "notes"):
        if (field := fields.get(name)) is not None and field.text.strip():
            setattr(record, name, parse_text_block(field, warnings))

    # figures written with a day and month but no year ("(2 May to 14 June)") are dated in
    # the year the conflict started
    year = record.date.start.year if record.date is not None and record.date.start is not None else None
    grouped, totals = side_fields(fields)
    for number in sorted(grouped):
        families = grouped[number]
        side = Side(number)
        for field in families.get("combatant", []):
            side.parties.extend(parse_parties(field, warnings, year))
        side.parties = merge_repeats(side.parties, warnings)
        for field in families.get("commander", []):
            side.commanders.extend(parse_commanders(field, warnings, doc.body, year, side.parties))
        side.commanders = merge_repeats(side.commanders, warnings)
        for field in families.get("units", []):
            _extend_units(side, parse_units(field, warnings, side.parties))
        for field in families.get("strength", []):
            # "11th Armoured Division" / "* 60th Armoured Brigade" in strength2: units, not figures
            units, field = units_in_strength(field, warnings)
            _extend_units(side, units)
            _extend_quantities(side.strength, parse_quantities(field, warnings, "strength", year))
        for field in families.get("casualties", []):
            _extend_quantities(side.casualties, parse_quantities(field, warnings, "casualties", year))
        link_quantity_subjects(side)
        record.sides.append(side)
    for field in totals:
        if field.name.startswith("strength"):
            warnings.append(ReadWarning("field-without-side", field.name, field.text,
                                        f"{field.name}: no combatant{field.name[8:]} to give the strength of; dropped"))
            continue
        _extend_quantities(record.casualties_total, parse_quantities(field, warnings, "casualties", year))
    return record


def _same_page(a: EntityRef, b: EntityRef) -> bool:
    """Two references that can be one thing: the same name (case and spaces aside) and no
    two different pages (an unlinked repeat of a linked name is the same entry)."""
    if normalise_space(a.name).casefold() != normalise_space(b.name).casefold():
        return False
    if a.page is None or b.page is None:
        return True
    return names_page(a.page, b.page)


def merge_repeats(records: list[R], warnings: list[ReadWarning]) -> list[R]:
    """The parties or commanders of one side with an entity listed twice in the same role
    (Mali War: ``Portugal`` among MINUSMA's contributors and again in the supporters'
    full list; ``Mahamat Déby Itno`` twice) made one: the first is kept, and what the
    repeat adds (a period, a country, a group, a role, other names) is merged into it, with
    a ``duplicate-entry`` warning. The same entity in another role (Germany as belligerent
    and as supporter) or under another name stays apart.

    >>> from kg.infobox.records import Party
    >>> first, again = (Party(EntityRef("Portugal", p), "supporter", "combatant1", "Portugal") for p in ("portugal", None))
    >>> w = []; [p.ref.page for p in merge_repeats([first, again], w)], w[0].kind
    (['portugal'], 'duplicate-entry')
    """
    kept: list[R] = []
    for record in records:
        same = next((k for k in kept if _same_page(k.ref, record.ref) and _same_role(k, record)), None)
        if same is None:
            kept.append(record)
            continue
        _merge_into(same, record)
        warnings.append(ReadWarning("duplicate-entry", record.field, record.text,
                                    f"{record.ref.name!r} is listed again on this side in the same role; "
                                    f"one entry kept"))
    return kept


def _same_role(a: Party | Commander, b: Party | Commander) -> bool:
    if isinstance(a, Party) and isinstance(b, Party):
        return a.role == b.role
    if isinstance(a, Commander) and isinstance(b, Commander):
        return a.role is None or b.role is None or a.role == b.role
    return False


def _merge_into(first: Party | Commander, repeat: Party | Commander) -> None:
    """Fill what the first record lacks from its repeat."""
    if first.ref.page is None and repeat.ref.page is not None:
        first.ref = repeat.ref
    first.period = first.period or repeat.period
    first.country = first.country or repeat.country
    if isinstance(first, Party) and isinstance(repeat, Party):
        first.group = first.group or repeat.group
        first.alt_names = tuple(dict.fromkeys(first.alt_names + repeat.alt_names))
    elif isinstance(first, Commander) and isinstance(repeat, Commander):
        if first.role is None and repeat.role is not None:
            first.role, first.role_links = repeat.role, list(repeat.role_links)
        first.kia = first.kia or repeat.kia


def _extend_units(side: Side, units: list) -> None:
    """Append units of one more field (``units1a``), shifting their parent indices."""
    offset = len(side.units)
    for unit in units:
        if unit.parent is not None:
            unit.parent += offset
        side.units.append(unit)


def _extend_quantities(target: list, quantities: list) -> None:
    offset = len(target)
    for quantity in quantities:
        if quantity.part_of is not None:
            quantity.part_of += offset
        target.append(quantity)


_NAME_WORD = re.compile(r"^(?:[A-Z0-9][\w'’.-]*|al-\w[\w'-]*|ad-\w+|as-\w+|ash-\w+)$")


def subject_phrase(description: str) -> str:
    """The leading run of name-like words of a quantity description.

    >>> subject_phrase("NDF fighters"), subject_phrase("al-Nusra fighters"), subject_phrase("fighters")
    ('NDF', 'al-Nusra', '')
    """
    words: list[str] = []
    for word in description.split():
        if not _NAME_WORD.match(word):
            break
        words.append(word)
    return " ".join(words)


def link_quantity_subjects(side: Side) -> None:
    """Set ``about`` on the side's quantities whose description names one of the side's
    parties or units: the whole name, its anchor, its acronym, or a unique word prefix of it
    (``al-Nusra`` -> ``Al-Nusra Front``). A phrase with extra words (``Lebanese Hezbollah``)
    is left unlinked rather than guessed."""
    candidates: dict[str, EntityRef] = {}
    prefixes: dict[str, set[EntityRef]] = {}
    for ref in [p.ref for p in side.parties] + [u.ref for u in side.units]:
        for key in {ref.name, ref.title, initials(ref.name)}:
            if len(key) >= 2:
                candidates.setdefault(key.casefold(), ref)
        words = ref.name.split()
        for n in range(1, len(words)):
            prefixes.setdefault(" ".join(words[:n]).casefold(), set()).add(ref)
    for quantity in side.strength + side.casualties:
        if quantity.about is not None or not quantity.description:
            continue
        phrase = subject_phrase(quantity.description).casefold()
        if not phrase:
            continue
        if phrase in candidates:
            quantity.about = candidates[phrase]
        elif len(prefixes.get(phrase, ())) == 1:
            quantity.about = next(iter(prefixes[phrase]))
