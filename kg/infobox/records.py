"""Typed records for the fields of ``{{Infobox military conflict}}``.

Every record keeps ``field`` (the infobox parameter it came from, e.g. ``combatant1``) and
``text`` (the source text it was read from) so that the graph can carry provenance and a
user can see why a fact is there. The records are independent of RDF.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

from kg.time import PartialDate, Period, Precision  # noqa: F401  (re-exported: the records use them)

Role = Literal["belligerent", "supporter"]


@dataclass(frozen=True)
class EntityRef:
    """A reference to a real-world thing as written in a field.

    ``name`` is the display name in the text (anchor or plain name). ``page`` is the linked
    Wikipedia title exactly as written in the link (``saudi arabia``), ``None`` for an
    unlinked name; ``fragment`` the ``#section`` part of a link, if any.

    >>> EntityRef("YPG", "People's Protection Units").is_linked
    True
    """

    name: str
    page: str | None = None
    fragment: str | None = None

    @property
    def is_linked(self) -> bool:
        return self.page is not None

    @property
    def title(self) -> str:
        """The title that identifies the thing: the linked page, else the name."""
        return self.page if self.page is not None else self.name


@dataclass(frozen=True)
class Name:
    """A name of the conflict with its language (decided from the script)."""

    text: str
    lang: str


@dataclass(frozen=True)
class Coordinates:
    latitude: float
    longitude: float
    text: str


@dataclass
class TextBlock:
    """A free-text field (result, territory, status, notes): the lead text, the bullet
    points kept apart, and the entities linked inside."""

    field: str
    text: str
    lead: str
    bullets: list[str] = dataclasses.field(default_factory=list)
    links: list[EntityRef] = dataclasses.field(default_factory=list)


@dataclass
class Party:
    """One party of a side (from ``combatantN`` or ``combatantNa``…).

    ``role`` is ``supporter`` for everything after ``Supported by:``; ``group`` the heading
    the party was listed under (``Allied militias``); ``country`` the flag shown before the
    name (a flag is never a party of its own).
    """

    ref: EntityRef
    role: Role
    field: str
    text: str
    group: str | None = None
    period: Period | None = None
    country: EntityRef | None = None
    #: other names written in parentheses (``Democratic Union Party (PYD)``)
    alt_names: tuple[str, ...] = ()


@dataclass
class Commander:
    """A commander of a side: ``role`` is the parenthetical (its links are not commanders),
    ``kia`` true after a ``KIA`` heading or a ``†`` (or ``{{KIA}}`` in wikitext)."""

    ref: EntityRef
    field: str
    text: str
    role: str | None = None
    role_links: list[EntityRef] = dataclasses.field(default_factory=list)
    kia: bool = False
    period: Period | None = None
    country: EntityRef | None = None
    #: other names written in parentheses (``Jonathan Jeffrey (a.k.a. Abu Ibrahim Al-Francy)``)
    alt_names: tuple[str, ...] = ()
    #: what else the infobox marks as having happened to the person: ``wounded`` (``WIA``),
    #: ``captured`` (``POW``), ``missing`` (``MIA``), ``executed``, or ``killed`` when the
    #: death is only claimed (``killed per Ukrainian claim``; ``kia`` stays false)
    fate: str | None = None
    #: who claims the fate, when the infobox says so (``POW per Ukrainian claim``)
    fate_claimant: Claimant | None = None


@dataclass
class Unit:
    """A unit deployed by a side. ``parent`` is the index of the parent unit in the same
    side's ``units`` list (``None`` for a root); ``level`` the bullet depth (0 = root)."""

    ref: EntityRef
    field: str
    text: str
    level: int = 0
    parent: int | None = None
    period: Period | None = None
    group: str | None = None
    country: EntityRef | None = None
    #: other names written in parentheses (``141st Motorized Regiment ("Kadyrovites")``)
    alt_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claimant:
    """Who gives a figure: ``text`` as written (``Per Russia``, ``SOHR claim``, ``according
    to the UN``), ``name`` the claimant it names (``Russia``, ``SOHR``, ``opposition``), and
    ``ref`` the entity when the name is one (a country, a linked page, a known source)."""

    text: str
    name: str
    ref: EntityRef | None = None


@dataclass
class Quantity:
    """A strength or casualty figure.

    Exact ``20,000`` -> ``value=20000``; range -> ``minimum``/``maximum``; lower bound
    (``500+``, ``at least 500``) -> ``minimum`` only; upper bound (``up to 50``) -> ``maximum``
    only; ``approximate`` for ``c.``/``about``/``~``. ``part_of`` is the index of the quantity a
    ``*`` sub-count belongs to, in the same list. ``kind``/``civilian`` are for casualties
    (``killed``, ``wounded``, ``captured``, ``missing``, ``casualties``, ``displaced``, ``deaths``).
    ``unknown`` marks ``Unknown`` (all numbers ``None``).

    ``claimant`` is who gives the figure (``None`` when the source names nobody); ``phase``
    the ``First phase:`` heading it stands under; ``as_of`` a single date or year written
    with it, ``period`` a span (``(2 May to 14 June)``, ``2015–2016``).
    """

    field: str
    text: str
    value: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    approximate: bool = False
    as_of: Period | None = None
    description: str | None = None
    about: EntityRef | None = None
    part_of: int | None = None
    kind: str | None = None
    civilian: bool | None = None
    scope: str | None = None
    unknown: bool = False
    claimant: Claimant | None = None
    phase: str | None = None
    period: Period | None = None


@dataclass
class Side:
    """Side N: ``combatantN`` (+ ``Na``…), ``commanderN``, ``unitsN``, ``strengthN``,
    ``casualtiesN`` together."""

    number: int
    parties: list[Party] = field(default_factory=list)
    commanders: list[Commander] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    strength: list[Quantity] = field(default_factory=list)
    casualties: list[Quantity] = field(default_factory=list)


@dataclass
class ConflictRecord:
    """Everything read from one ``{{Infobox military conflict}}``."""

    title: str
    names: list[Name] = field(default_factory=list)
    part_of: list[EntityRef] = field(default_factory=list)
    date: Period | None = None      # the date field: start/end, ongoing for "present"
    places: list[EntityRef] = field(default_factory=list)
    coordinates: Coordinates | None = None
    result: TextBlock | None = None
    territory: TextBlock | None = None
    status: TextBlock | None = None
    notes: TextBlock | None = None
    sides: list[Side] = field(default_factory=list)
    casualties_total: list[Quantity] = field(default_factory=list)
