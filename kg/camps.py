"""Alliances over time: who fought beside and against whom in a time window, and the camps.

The graph already holds when each party fought: a participation's ``ckg:intervalStart`` /
``ckg:intervalEnd`` (its period, ``(from 2013)``, ``(2015–2016)``, clipped to the conflict's
dates at mapping time by :func:`kg.time.clip`; with no period, the conflict's dates), read
from the query view. This module turns them into:

* :func:`participations`: every participation with its interval;
* :func:`signed_network`: the *signed* alliance network of a time window: parties as nodes,
  an edge for two parties that fought in the same conflict **at overlapping times**,
  positive for the same side, negative for opposite sides, carrying the overlap;
* :func:`camps`: camps found by signed community detection on that network, each named
  after its most central member (``kg.analysis.camps`` is this function);
* :func:`write_network`: GraphML, or a *dynamic* GEXF whose nodes and edges carry spells
  (the intervals), so that Gephi's timeline plays the network;
* :func:`plot_camps`, :func:`plot_by_year` and :func:`plot_timeline`: the signed network of a
  window, small multiples of it year by year, and one party's conflicts and sides over time.

Windows: ``at=2015`` is the year 2015; ``start``/``end`` (years or partial dates ``"2015-06"``)
a span, open on a side not given. Only participations whose interval meets the window are
kept, and an edge only where the two participations also meet each other inside it. A
participation whose time is not known at all (no period, a conflict without dates) is left out
of every window, and kept when no window is asked.

The interval handling is in one place (the "intervals" section below): a project-wide date
and interval type can replace :class:`Interval` there without touching the rest.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

import networkx as nx
import pandas as pd

from kg import projections as P
from kg.drawing import canvas, declutter, network_layout, say_nothing_to_draw, short_label
from kg.errors import KGError
from kg.rdf import terms as T

if TYPE_CHECKING:
    import os

    from kg.store import KGStore

__all__ = [
    "BadWindow",
    "Interval",
    "alliances_over_time",
    "Participation",
    "camps",
    "participations",
    "partners",
    "plot_by_year",
    "plot_camps",
    "plot_timeline",
    "signed_network",
    "window",
    "write_network",
]


# --- intervals ---------------------------------------------------------------------------------
# One small place: a project-wide interval type (EDTF based) can replace this section.

#: A calendar day as (year, month, day); tuples order like dates and hold years before 1 AD.
Day = tuple[int, int, int]

_PARTIAL = re.compile(r"(-?\d{1,})(?:-(\d{2}))?(?:-(\d{2}))?(?:Z|[+-]\d{2}:\d{2})?")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class BadWindow(KGError, ValueError):
    """A time window that cannot be read (``at="20x5"``, ``start`` after ``end``)."""


def _last_day(year: int, month: int) -> int:
    if month == 2 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return 28
    return _DAYS_IN_MONTH[month - 1]


def parse_day(text: str, *, end: bool = False) -> Day:
    """The first day of a partial date (``xsd:gYear`` "2013", ``gYearMonth`` "2013-05",
    ``date`` "2013-05-07"), or its last day with ``end``.

    >>> parse_day("2013"), parse_day("2013", end=True), parse_day("2016-02", end=True)
    ((2013, 1, 1), (2013, 12, 31), (2016, 2, 29))
    >>> parse_day("twenty")
    Traceback (most recent call last):
    ...
    kg.camps.BadWindow: not a year or date: 'twenty'
    """
    match = _PARTIAL.fullmatch(str(text).strip())
    if not match:
        raise BadWindow(f"not a year or date: {text!r}")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if not 1 <= month <= 12:
        raise BadWindow(f"not a year or date: {text!r}")
    last = _last_day(year, month)
    day = int(match.group(3)) if match.group(3) else (last if end else 1)
    if not 1 <= day <= last:
        raise BadWindow(f"not a year or date: {text!r}")
    return (year, month, day)


def _iso(day: Day | None) -> str:
    if day is None:
        return ""
    year, month, d = day
    return f"{'-' if year < 0 else ''}{abs(year):04d}-{month:02d}-{d:02d}"


@dataclass(frozen=True)
class Interval:
    """Days from ``start`` to ``end``, both included; ``None`` is an open end (unbounded or
    not known). Written as an EDTF interval (ISO 8601-2: ``2013-01-01/..``).

    >>> a = Interval.read("2013", None); b = Interval.read("2015", "2016")
    >>> str(a), str(b), str(a.overlap(b))
    ('2013-01-01/..', '2015-01-01/2016-12-31', '2015-01-01/2016-12-31')
    >>> Interval.read("2012", "2013").overlap(b) is None
    True
    """

    start: Day | None = None
    end: Day | None = None

    @classmethod
    def read(cls, start: str | None, end: str | None) -> Interval:
        """From partial dates as stored (``"2013"``, ``"2012-07"``); ``None``/"" stays open."""
        return cls(parse_day(start) if start else None, parse_day(end, end=True) if end else None)

    def __str__(self) -> str:
        return f"{_iso(self.start) or '..'}/{_iso(self.end) or '..'}"

    @property
    def known(self) -> bool:
        """Whether at least one end is known."""
        return self.start is not None or self.end is not None

    @property
    def empty(self) -> bool:
        return self.start is not None and self.end is not None and self.start > self.end

    def overlap(self, other: Interval) -> Interval | None:
        """The days both intervals hold, or None when they do not meet."""
        starts = [d for d in (self.start, other.start) if d is not None]
        ends = [d for d in (self.end, other.end) if d is not None]
        found = Interval(max(starts) if starts else None, min(ends) if ends else None)
        return None if found.empty else found

    def years(self, lowest: int, highest: int) -> range:
        """The calendar years the interval touches, open ends cut at ``lowest``/``highest``."""
        first = self.start[0] if self.start is not None else lowest
        last = self.end[0] if self.end is not None else highest
        return range(max(first, lowest), min(last, highest) + 1)

    @property
    def start_text(self) -> str:
        """The first day as ISO 8601 (``""`` when open)."""
        return _iso(self.start)

    @property
    def end_text(self) -> str:
        """The last day as ISO 8601 (``""`` when open)."""
        return _iso(self.end)


def window(at: int | str | None = None, start: int | str | None = None,
           end: int | str | None = None) -> Interval | None:
    """The time window of ``at`` (a year or partial date: all of it) or of ``start``/``end``
    (either may be left open); None when none is given (all time).

    >>> str(window(at=2015)), str(window(start=2013, end="2014-06")), str(window(start=2019))
    ('2015-01-01/2015-12-31', '2013-01-01/2014-06-30', '2019-01-01/..')
    >>> window(at=2015, start=2014)
    Traceback (most recent call last):
    ...
    kg.camps.BadWindow: give either at or start/end, not both
    >>> window(start=2016, end=2014)
    Traceback (most recent call last):
    ...
    kg.camps.BadWindow: the window starts (2016) after it ends (2014)
    """
    if at is not None and (start is not None or end is not None):
        raise BadWindow("give either at or start/end, not both")
    if at is not None:
        return Interval(parse_day(str(at)), parse_day(str(at), end=True))
    if start is None and end is None:
        return None
    found = Interval(parse_day(str(start)) if start is not None else None,
                     parse_day(str(end), end=True) if end is not None else None)
    if found.empty:
        raise BadWindow(f"the window starts ({start}) after it ends ({end})")
    return found


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of some intervals as disjoint intervals, in order (open starts first).

    >>> [str(i) for i in _merge([Interval.read("2015", "2016"), Interval.read("2013", "2015"),
    ...                          Interval.read("2019", None)])]
    ['2013-01-01/2016-12-31', '2019-01-01/..']
    """
    lowest = (-(10 ** 9), 1, 1)
    ordered = sorted(intervals, key=lambda i: i.start or lowest)
    merged: list[Interval] = []
    for item in ordered:
        if merged:
            last = merged[-1]
            if last.end is None or (item.start is not None and item.start <= last.end) or item.start is None:
                ends = None if last.end is None or item.end is None else max(last.end, item.end)
                merged[-1] = Interval(last.start, ends)
                continue
        merged.append(item)
    return merged


def _hull(intervals: list[Interval]) -> Interval:
    """The smallest interval holding all of them."""
    starts = [i.start for i in intervals]
    ends = [i.end for i in intervals]
    return Interval(None if not starts or None in starts else min(s for s in starts if s is not None),
                    None if not ends or None in ends else max(e for e in ends if e is not None))


# --- participations ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Participation:
    """A party on one side of one conflict, with its interval (None: not known)."""

    conflict: str
    side: int
    party: str
    role: str
    period: str
    interval: Interval | None


# The interval is the graph's (ckg:intervalStart/End: the period clipped to the conflict's
# dates at mapping time by kg.time.clip), read from the query view: one rule, one place.
_PARTICIPATIONS = """
SELECT DISTINCT ?c ?n ?party ?p ?role ?text ?ps ?pe WHERE { GRAPH <%s> {
  ?c ckg:side ?s . ?s ckg:sideNumber ?n ; ckg:participation ?p . ?p ckg:party ?party .
  OPTIONAL { ?p ckg:role ?role } OPTIONAL { ?p ckg:periodText ?text }
  OPTIONAL { ?p ckg:intervalStart ?ps } OPTIONAL { ?p ckg:intervalEnd ?pe }
  FILTER(isIRI(?party)) } }""" % T.VIEW_GRAPH.value

_CONFLICT_DATES = """
SELECT ?c (MIN(STR(?s)) AS ?start) (MAX(STR(?e)) AS ?end) WHERE {
  ?c a ckg:MilitaryConflict . OPTIONAL { ?c ckg:startDate ?s } OPTIONAL { ?c ckg:endDate ?e }
} GROUP BY ?c"""


def _text(term: Any) -> str:
    return "" if term is None else str(term.value)


def _read(start: str, end: str) -> Interval | None:
    try:
        return Interval.read(start or None, end or None)
    except BadWindow:  # a malformed date in the store: the shapes report it; not known here
        return None


def conflict_intervals(store: KGStore) -> dict[str, Interval]:
    """Every conflict's dates as an interval (several documents: the earliest start and the
    latest end they give; string order is date order for the four-digit years stored)."""
    found: dict[str, Interval] = {}
    for row in P._solutions(store, _CONFLICT_DATES):
        interval = _read(_text(row["start"]), _text(row["end"]))
        if interval is not None:
            found[_text(row["c"])] = interval
    return found


def participations(store: KGStore, conflicts: Iterable[str] | None = None) -> list[Participation]:
    """Every participation (of the ``conflicts`` IRIs, when given) with its interval
    (the graph's ``ckg:intervalStart``/``ckg:intervalEnd``), sorted by conflict, side and party."""
    wanted = None if conflicts is None else set(conflicts)
    dates = conflict_intervals(store)
    found: set[Participation] = set()
    for row in P._solutions(store, _PARTICIPATIONS):
        c = _text(row["c"])
        if wanted is not None and c not in wanted:
            continue
        interval = _read(_text(row["ps"]), _text(row["pe"]))
        if interval is None:  # no date at all: the conflict's, when several documents give them
            interval = dates.get(c)
        role = {T.CKG + "Supporter": "supporter"}.get(_text(row["role"]), "belligerent")
        found.add(Participation(c, int(row["n"].value), _text(row["party"]), role, _text(row["text"]), interval))
    return sorted(found, key=lambda p: (p.conflict, p.side, p.party, p.period, str(p.interval)))


def _in_window(items: list[Participation], span: Interval | None) -> list[tuple[Participation, Interval]]:
    """The participations that meet the window, each with its interval cut to the window."""
    kept = []
    for item in items:
        if item.interval is None:
            if span is None:
                kept.append((item, Interval()))
            continue
        cut = item.interval if span is None else item.interval.overlap(span)
        if cut is not None:
            kept.append((item, cut))
    return kept


# --- the signed network ------------------------------------------------------------------------

def _spells(intervals: list[Interval]) -> list[tuple[str | None, str | None]]:
    return [(i.start_text or None, i.end_text or None) for i in _merge(intervals) if i.known]


def signed_network(store: KGStore, at: int | str | None = None, conflicts: Iterable[str] | None = None, *,
                   start: int | str | None = None, end: int | str | None = None) -> nx.Graph:
    """The signed alliance network of a time window (see the module): parties as nodes, an
    edge for every pair that fought in a conflict at overlapping times inside the window.

    Edge attributes, as in the ``alliances`` projection (:mod:`kg.projections`):
    ``same_side`` and ``opposite_sides`` (conflicts, counted only where the two
    participations overlap), ``relation``, ``kind``, ``sign`` (+1/-1), ``weight`` (>= 1),
    ``signed_weight`` (``same_side - opposite_sides``), ``allied_in``/``opposed_in``/
    ``conflicts`` (names), and the time: ``start_date``/``end_date`` (ISO days, ``""`` when
    open: the first and last day the two fought at the same time) and ``spells`` (the
    disjoint intervals of that, a list of (start, end) for the dynamic GEXF). Nodes:
    ``label``, ``type``, ``iri``, ``conflicts``, ``start_date``/``end_date``/``spells`` (when
    the party fought). ``graph.graph["window"]`` is the window as an EDTF interval (``..``
    for all time).
    """
    span = window(at, start, end)
    kept = _in_window(participations(store, conflicts), span)
    nodes = P._Nodes(store)
    by_conflict: dict[str, list[tuple[Participation, Interval]]] = defaultdict(list)
    active: dict[str, list[Interval]] = defaultdict(list)
    fought_in: dict[str, set[str]] = defaultdict(set)
    for item, cut in kept:
        by_conflict[item.conflict].append((item, cut))
        active[item.party].append(cut)
        fought_in[item.party].add(item.conflict)
    same: dict[tuple[str, str], set[str]] = defaultdict(set)
    other: dict[tuple[str, str], set[str]] = defaultdict(set)
    together: dict[tuple[str, str], list[Interval]] = defaultdict(list)
    strength: dict[tuple[str, str, bool], float] = defaultdict(float)
    for c, entries in by_conflict.items():
        # Newman's weighting of a bipartite projection (Phys. Rev. E 64, 016132, 2001): a
        # conflict of n parties gives each pair 1/(n-1), so that a 20-faction umbrella war
        # says less about any one pair than a battle of four.
        share = 1.0 / max(1, len({item.party for item, _ in entries}) - 1)
        pairs: dict[tuple[str, str, bool], Interval] = {}
        for (a, ia), (b, ib) in itertools.combinations(entries, 2):
            if a.party == b.party:
                continue
            met = ia.overlap(ib)
            if met is None:  # e.g. one left in 2014, the other came in 2015: never together
                continue
            key = (min(a.party, b.party), max(a.party, b.party))
            (same if a.side == b.side else other)[key].add(c)
            together[key].append(met)
            pairs[(*key, a.side == b.side)] = met
        for found in pairs:
            strength[found] += share

    graph = nx.Graph(name="alliances over time", window=str(span) if span is not None else "../..")
    for party in sorted(active):
        hull = _hull(active[party])
        graph.add_node(party, **nodes.attrs(party), conflicts=len(fought_in[party]),
                       start_date=hull.start_text, end_date=hull.end_text, spells=_spells(active[party]))

    def names(found: set[str]) -> str:
        return P.JOIN.join(sorted(nodes.label(c) for c in found))

    for key in sorted(together):
        plus, minus = same.get(key, set()), other.get(key, set())
        allied = len(plus) >= len(minus)
        hull = _hull(together[key])
        graph.add_edge(*key, same_side=len(plus), opposite_sides=len(minus),
                       relation="allied and opposed" if plus and minus else ("allied" if plus else "opposed"),
                       kind="allied" if allied else "opposed", sign=1 if allied else -1,
                       weight=float(len(plus) if allied else len(minus)),
                       signed_weight=float(len(plus) - len(minus)),
                       positive=strength[(*key, True)], negative=strength[(*key, False)],
                       conflicts=names(plus | minus), allied_in=names(plus), opposed_in=names(minus),
                       start_date=hull.start_text, end_date=hull.end_text, spells=_spells(together[key]))
    return graph


# --- camps -------------------------------------------------------------------------------------

_CAMP_COLUMNS = ["party", "party_label", "camp", "camp_label", "type", "allies", "enemies", "same_side",
                 "opposite_sides", "conflicts", "start_date", "end_date"]


def _signed_partition(graph: nx.Graph, seed: int) -> list[list[str]]:
    """Camps of a signed graph: the partition maximising modularity on the positive edges
    minus modularity on the negative edges (Traag & Bruggeman 2009, "Community detection in
    networks with positive and negative links", Phys. Rev. E 80, 036115), optimised with the
    Leiden algorithm (Traag, Waltman & van Eck 2019) as ``leidenalg`` documents it for
    negative links (a multiplex of a positive and a negative layer, layer weights 1 and -1).
    A pair with both kinds of edges (allied in one conflict, enemies in another) is in both
    layers, each weighted by its number of conflicts."""
    import igraph as ig
    import leidenalg as la

    order = sorted(graph.nodes)
    index = {n: i for i, n in enumerate(order)}
    layers, weights = [], []
    for attribute, layer_weight in (("positive", 1.0), ("negative", -1.0)):
        edges = [(index[u], index[v], float(d[attribute])) for u, v, d in graph.edges(data=True) if d[attribute] > 0]
        if not edges:
            continue
        layer = ig.Graph(n=len(order), edges=[(u, v) for u, v, _ in edges])
        layer.es["weight"] = [w for _, _, w in edges]
        layers.append(la.CPMVertexPartition(layer, weights="weight", resolution_parameter=0.0))
        weights.append(layer_weight)
    if not layers:
        return [[n] for n in order]
    optimiser = la.Optimiser()
    optimiser.set_rng_seed(seed)
    # several sweeps until no move improves the quality (leidenalg's own stopping rule)
    while optimiser.optimise_partition_multiplex(layers, layer_weights=weights, n_iterations=-1) > 0:
        pass
    groups: dict[int, list[str]] = defaultdict(list)
    for i, community in enumerate(layers[0].membership):
        groups[community].append(order[i])
    return list(groups.values())


def _camp_rows(graph: nx.Graph, groups: list[list[str]]) -> tuple[list[dict[str, Any]], float]:
    """One row per party; camps numbered by size (0 = largest) and named after the member
    with the most same-side conflicts inside the camp (then: most conflicts, label)."""
    camp_of = {n: i for i, members in enumerate(groups) for n in members}

    def inside(n: str) -> float:
        return sum(d["positive"] for m, d in graph[n].items() if camp_of[m] == camp_of[n])

    named = []
    for members in groups:
        ordered = sorted(members, key=lambda n: (-inside(n), -graph.nodes[n]["conflicts"], graph.nodes[n]["label"]))
        named.append(ordered)
    named.sort(key=lambda m: (-len(m), -inside(m[0]), graph.nodes[m[0]]["label"]))
    rows = []
    for number, members in enumerate(named):
        head = graph.nodes[members[0]]["label"]
        for n in members:
            data = graph.nodes[n]
            rows.append({"party": n, "party_label": data["label"], "camp": number, "camp_label": head,
                         "type": data["type"],
                         "allies": sum(1 for d in graph[n].values() if d["same_side"] > 0),
                         "enemies": sum(1 for d in graph[n].values() if d["opposite_sides"] > 0),
                         "same_side": int(sum(d["same_side"] for d in graph[n].values())),
                         "opposite_sides": int(sum(d["opposite_sides"] for d in graph[n].values())),
                         "conflicts": data["conflicts"], "start_date": data["start_date"],
                         "end_date": data["end_date"]})
    camp_of = {row["party"]: row["camp"] for row in rows}
    total = sum(d["same_side"] + d["opposite_sides"] for _, _, d in graph.edges(data=True))
    broken = sum(d["same_side"] if camp_of[u] != camp_of[v] else d["opposite_sides"]
                 for u, v, d in graph.edges(data=True))
    return rows, (broken / total if total else 0.0)


def camps(store: KGStore | nx.Graph, at: int | str | None = None, conflicts: Iterable[str] | None = None, *,
          start: int | str | None = None, end: int | str | None = None, seed: int = 0) -> pd.DataFrame:
    """Camps of the parties that fought in a time window, found on the signed alliance
    network (:func:`signed_network`): fighting on the same side pulls two parties into one
    camp, fighting on opposite sides pushes them apart (signed modularity, Traag & Bruggeman
    2009, optimised with Leiden; see :func:`_signed_partition`).

    One row per party: ``party`` (IRI), ``party_label``, ``camp`` (0 = the largest),
    ``camp_label`` (its most central member: most same-side conflicts inside the camp),
    ``type``, ``allies``/``enemies`` (partners on the same/opposite sides), ``same_side``/
    ``opposite_sides`` (conflicts summed over partners), ``conflicts``, ``start_date``/
    ``end_date`` (when it fought, within the window). ``frame.attrs["frustration"]`` is the
    share of signed conflict-edges the camps break (allies split, enemies together; 0 =
    perfectly balanced). ``store`` may be a graph :func:`signed_network` built. Deterministic
    for a ``seed``.

    >>> import kg
    >>> store = kg.open_store(in_memory=True)
    >>> _ = kg.build(store, ["data/wikipedia/syria/battle_of_hosn.md"], progress=False)
    >>> frame = camps(store, at=2014)      # 20 March 2014: the army and Hezbollah vs the rebels
    >>> for camp, members in frame.groupby("camp")["party_label"]:
    ...     print(camp, sorted(members))
    0 ['Ahrar ash-Sham', 'Al-Nusra Front', 'Free Syrian Army', 'Islamic Front (Syria)', 'Jund al-Sham']
    1 ['Hezbollah', 'National Defense Force (Syria)', 'Syria', 'Syrian Armed Forces']
    >>> len(camps(store, at=2013))            # nobody fought there in 2013
    0
    """
    graph = store if isinstance(store, nx.Graph) else signed_network(store, at, conflicts, start=start, end=end)
    if graph.number_of_nodes() == 0:
        frame = pd.DataFrame(columns=_CAMP_COLUMNS)
        frame.attrs["frustration"] = 0.0
        return frame
    rows, frustration = _camp_rows(graph, _signed_partition(graph, seed))
    frame = pd.DataFrame(rows, columns=_CAMP_COLUMNS)
    frame.attrs["frustration"] = frustration
    frame.attrs["window"] = graph.graph.get("window", "")
    return frame


def partners(store: KGStore, party: str, at: int | str | None = None, *, start: int | str | None = None,
             end: int | str | None = None, conflicts: Iterable[str] | None = None) -> pd.DataFrame:
    """Who ``party`` (IRI, title or label) fought beside and against in a window: one row per
    partner with ``partner``, ``partner_label``, ``relation``, ``same_side``,
    ``opposite_sides``, ``allied_in``, ``opposed_in``, ``start_date``, ``end_date`` (when the
    two fought at the same time), allies first. Raises ``KeyError`` for an unknown party."""

    graph = signed_network(store, at, conflicts, start=start, end=end)
    everywhere = signed_network(store, conflicts=conflicts)
    iri = P.find_node(store, party, everywhere)
    rows = []
    for other, d in (graph[iri].items() if iri in graph else []):
        rows.append({"partner": other, "partner_label": graph.nodes[other]["label"], "relation": d["relation"],
                     "same_side": d["same_side"], "opposite_sides": d["opposite_sides"],
                     "allied_in": d["allied_in"], "opposed_in": d["opposed_in"],
                     "start_date": d["start_date"], "end_date": d["end_date"]})
    columns = ["partner", "partner_label", "relation", "same_side", "opposite_sides", "allied_in", "opposed_in",
               "start_date", "end_date"]
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame = frame.sort_values(["same_side", "opposite_sides", "partner_label"], ascending=[False, True, True],
                                  kind="stable").reset_index(drop=True)
    return frame


def with_camps(graph: nx.Graph, seed: int = 0) -> nx.Graph:
    """The graph with each node's ``camp`` and ``camp_label`` (from :func:`camps`) added."""
    frame = camps(graph, seed=seed)
    for party, camp, label in zip(frame["party"], frame["camp"], frame["camp_label"]):
        graph.nodes[party]["camp"] = int(camp)
        graph.nodes[party]["camp_label"] = str(label)
    return graph


def alliances_over_time(store: KGStore, conflicts: Iterable[str] | None = None, *, at: int | str | None = None,
                        start: int | str | None = None, end: int | str | None = None) -> nx.Graph:
    """The signed alliance network of a window (all time by default) with each party's
    ``camp`` and ``camp_label``: what ``kg export --projection alliances-over-time`` writes
    (with :func:`write_network`)."""
    return with_camps(signed_network(store, at, conflicts, start=start, end=end))


# --- dynamic GEXF ------------------------------------------------------------------------------

def write_network(graph: nx.Graph, fmt: str, out: str | os.PathLike[str] | BinaryIO) -> tuple[int, int]:
    """Write a :func:`signed_network` graph as GraphML or as a *dynamic* GEXF.

    GEXF: the graph's ``mode`` is ``dynamic`` with ``timeformat="date"``, and every node and
    edge carries its ``spells`` (``<spell start="2013-01-01" end="2016-12-31"/>``; an open
    end is left out, which Gephi reads as unbounded), so Gephi's timeline shows each party
    and each alliance or enmity only while it lasted. ``nx.read_gexf`` gives the spells back
    as a list of (start, end) strings. GraphML has no intervals: there the ``start_date``
    and ``end_date`` attributes say the same. Everything else is as
    :func:`kg.projections.write_graph` writes it (sanitised, sorted, atomic). Returns
    (nodes, edges).
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in P.FORMATS:
        raise ValueError(f"unknown network format {fmt!r} (known: {', '.join(P.FORMATS)})")
    plain = graph.copy()
    node_spells = {n: plain.nodes[n].pop("spells", []) for n in plain}
    edge_spells = {(u, v): d.pop("spells", []) for u, v, d in plain.edges(data=True)}
    if fmt == "graphml":
        return P.write_graph(plain, fmt, out)
    clean = P.sanitize_graph(plain)
    clean.graph["mode"] = "dynamic"
    for n, spells in node_spells.items():
        if spells:
            clean.nodes[str(n)]["spells"] = list(spells)
    for (u, v), spells in edge_spells.items():
        if spells:
            clean.edges[str(u), str(v)]["spells"] = list(spells)
    return P.write_bytes(P._gexf_bytes(clean), "gexf", clean, out)


# --- plots -------------------------------------------------------------------------------------

def _window_words(graph: nx.Graph) -> str:
    text = str(graph.graph.get("window", "../.."))
    if text == "../..":
        return "all time"
    first, last = text.split("/")
    a, b = first[:4] if first != ".." else "", last[:4] if last != ".." else ""
    if a and a == b and first.endswith("-01-01") and last.endswith("-12-31"):
        return a
    return f"{first if first != '..' else '…'} – {last if last != '..' else '…'}"


def _camp_colours(labels: Iterable[str]) -> dict[str, Any]:
    """A colour per camp label, in the order given (largest camps first)."""
    import matplotlib.pyplot as plt

    palette = plt.get_cmap("tab10")
    hues = [palette(i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)]  # not its grey: grey means "no camp"
    colours: dict[str, Any] = {}
    for label in labels:
        if label not in colours:
            colours[label] = hues[len(colours) % len(hues)]
    return colours


def _top_nodes(graph: nx.Graph, top: int | None) -> list[str]:
    nodes = sorted(graph.nodes, key=lambda n: (-graph.nodes[n]["conflicts"], -graph.degree(n), graph.nodes[n]["label"]))
    return nodes if top is None else nodes[:top]


def _draw(ax: Any, graph: nx.Graph, frame: pd.DataFrame, pos: dict[str, Any], colours: dict[str, Any], *,
          font: float, node_scale: float, labelled: set[str] | None = None) -> None:
    """Draw a signed network on ``ax``: allied edges grey, opposed red dashed, nodes by camp."""

    camp_of = dict(zip(frame["party"], frame["camp_label"]))
    sub = graph.subgraph([n for n in graph if n in pos])
    allied = [(u, v) for u, v, d in sub.edges(data=True) if d["same_side"] >= max(1, d["opposite_sides"])]
    opposed = [(u, v) for u, v, d in sub.edges(data=True) if d["opposite_sides"] > d["same_side"]]
    nx.draw_networkx_edges(sub, pos, edgelist=opposed, ax=ax, edge_color="#d62728", alpha=0.25, width=0.7,
                           style="dashed")
    widths = [0.6 + 1.2 * sub.edges[e]["same_side"] ** 0.5 for e in allied]
    nx.draw_networkx_edges(sub, pos, edgelist=allied, ax=ax, edge_color="#555555", alpha=0.5, width=widths)
    most = max([sub.nodes[n]["conflicts"] for n in sub] or [1])
    order = list(sub)
    sizes = [node_scale * (0.15 + (sub.nodes[n]["conflicts"] / most) ** 0.5) for n in order]
    nx.draw_networkx_nodes(sub, pos, nodelist=order, ax=ax, node_size=sizes, edgecolors="white", linewidths=1.0,
                           node_color=[colours.get(camp_of.get(n, ""), "#bbbbbb") for n in order])
    shown = [n for n in order if labelled is None or n in labelled]
    texts = [ax.text(*pos[n], short_label(sub.nodes[n]["label"], 34), fontsize=font, ha="center", va="bottom", zorder=5,
                     bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.8})
             for n in shown]
    if texts:
        radii = [math.sqrt(sizes[order.index(n)]) / 2 * ax.figure.dpi / 72 for n in shown]
        declutter(ax, texts, [pos[n] for n in shown], lift=6.0, radii=radii)


def _signed_layout(graph: nx.Graph, seed: int) -> dict[str, Any]:
    """Positions: allies close (the alliance plot's layout of the same-side graph)."""

    allied = nx.Graph()
    allied.add_nodes_from(graph.nodes)
    for u, v, d in graph.edges(data=True):
        if d["same_side"] > 0:
            allied.add_edge(u, v, weight=float(d["same_side"]))
    return network_layout(allied, seed=seed)


def _legend(ax: Any, frame: pd.DataFrame, colours: dict[str, Any], *, limit: int = 10, font: float = 10) -> None:
    from matplotlib.lines import Line2D

    sizes = frame.groupby("camp_label", sort=False).size()
    handles = [Line2D([0], [0], marker="o", color="w", markerfacecolor=colours[c], markersize=10,
                      label=f"camp of {short_label(c, 30)} ({sizes[c]})") for c in list(sizes.index)[:limit] if c in colours]
    handles += [Line2D([0], [0], color="#555555", lw=2, label="same side, at the same time"),
                Line2D([0], [0], color="#d62728", lw=1, ls="--", alpha=0.6, label="opposite sides, at the same time")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=font, framealpha=0.9)


def plot_camps(store: KGStore, at: int | str | None = None, conflicts: Iterable[str] | None = None, *,
               start: int | str | None = None, end: int | str | None = None, top: int | None = 40,
               title: str | None = None, ax: Any = None, seed: int = 7, dpi: int = 110) -> Any:
    """Draw the signed alliance network of a window: parties (size: conflicts fought in the
    window; colour: signed camp, :func:`camps`), allies as grey lines (width: conflicts on
    the same side), enemies as red dashed lines; ``top`` keeps the parties in most conflicts.
    Returns the matplotlib Figure."""

    graph = signed_network(store, at, conflicts, start=start, end=end)
    frame = camps(graph)
    fig, ax = canvas(ax, (18, 12), dpi)
    if graph.number_of_nodes() == 0:
        say_nothing_to_draw(ax, f"no parties fought in {_window_words(graph)}")
        return fig
    sub = graph.subgraph(_top_nodes(graph, top)).copy()
    colours = _camp_colours(frame[frame["party"].isin(sub.nodes)]["camp_label"])
    pos = _signed_layout(sub, seed)
    ax.margins(0.08)
    _draw(ax, sub, frame, pos, colours, font=9.5, node_scale=900)
    _legend(ax, frame[frame["party"].isin(sub.nodes)], colours)
    ax.set_title(title or f"Camps in {_window_words(graph)} (signed: allies pull together, enemies apart; "
                          f"{sub.number_of_nodes()} parties in most conflicts)", fontsize=15)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def plot_by_year(store: KGStore, first: int, last: int, conflicts: Iterable[str] | None = None, *,
                 top: int | None = 20, columns: int = 3, title: str | None = None, seed: int = 7,
                 dpi: int = 100) -> Any:
    """Small multiples: the signed alliance network of each year from ``first`` to ``last``,
    one panel a year. Every panel places a party at the same spot (one layout of the whole
    span) and gives a camp the same colour when it is named after the same party, so that
    the eye follows parties changing sides. ``top``: the parties in most conflicts over the
    span. Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt

    if last < first:
        raise BadWindow(f"the years run backwards: {first}-{last}")
    whole = signed_network(store, conflicts=conflicts, start=first, end=last)
    keep = _top_nodes(whole, top)
    pos = _signed_layout(whole.subgraph(keep).copy(), seed)
    years = list(range(first, last + 1))
    frames, graphs = [], []
    for year in years:
        g = signed_network(store, year, conflicts)
        graphs.append(g.subgraph([n for n in keep if n in g]).copy())
        frames.append(camps(g))
    sizes: dict[str, int] = defaultdict(int)
    for frame, g in zip(frames, graphs):
        for label, count in frame[frame["party"].isin(g.nodes)].groupby("camp_label").size().items():
            sizes[str(label)] += int(count)
    colours = _camp_colours(sorted(sizes, key=lambda c: (-sizes[c], c)))
    columns = min(columns, len(years) if len(years) <= 3 else math.ceil(math.sqrt(len(years))))
    rows = math.ceil(len(years) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(7.2 * columns, 6.4 * rows), dpi=dpi, squeeze=False)
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    pad_x, pad_y = 0.12 * (max(xs) - min(xs) or 1), 0.12 * (max(ys) - min(ys) or 1)
    for ax, year, g, frame in zip(axes.flat, years, graphs, frames):
        ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
        ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
        ax.set_axis_off()
        if g.number_of_nodes() == 0:
            ax.set_title(f"{year}: no parties", fontsize=13)
            continue
        _draw(ax, g, frame, pos, colours, font=8.5, node_scale=260)
        shown = frame[frame["party"].isin(g.nodes)]
        lead = shown.groupby("camp_label", sort=False).size()
        heads = ", ".join(list(lead.index[:2]))
        ax.set_title(f"{year}: {g.number_of_nodes()} parties; largest camps: {heads}", fontsize=11)
    for ax in list(axes.flat)[len(years):]:
        ax.set_axis_off()
    from matplotlib.lines import Line2D

    handles = [Line2D([0], [0], marker="o", color="w", markerfacecolor=colours[c], markersize=10,
                      label=f"camp of {short_label(c, 30)}") for c in list(colours)[:12]]
    handles += [Line2D([0], [0], color="#555555", lw=2, label="same side"),
                Line2D([0], [0], color="#d62728", lw=1, ls="--", label="opposite sides")]
    fig.legend(handles=handles, loc="lower center", ncol=min(7, len(handles)), fontsize=10, frameon=False)
    fig.suptitle(title or f"Alliances year by year, {first}–{last} ({len(keep)} parties in most conflicts; "
                          "colour: signed camp of that year)", fontsize=16)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    return fig


def timeline(store: KGStore, party: str, conflicts: Iterable[str] | None = None) -> pd.DataFrame:
    """One party's participations over time: ``conflict``, ``conflict_label``, ``side``,
    ``role``, ``period`` (as written), ``start_date``/``end_date`` (its interval), ``with``
    and ``against`` (the labels of the other parties on its side and on the other sides, who
    fought at overlapping times, joined with ``" | "``), sorted by start."""

    items = participations(store, conflicts)
    everywhere = signed_network(store, conflicts=conflicts)
    iri = P.find_node(store, party, everywhere)
    labels = P.labels(store)
    mine = [p for p in items if p.party == iri]
    by_conflict: dict[str, list[Participation]] = defaultdict(list)
    for p in items:
        by_conflict[p.conflict].append(p)
    rows = []
    for p in mine:
        friends: set[str] = set()
        foes: set[str] = set()
        for q in by_conflict[p.conflict]:
            if q.party == iri:
                continue
            if p.interval is not None and q.interval is not None and p.interval.overlap(q.interval) is None:
                continue
            (friends if q.side == p.side else foes).add(labels.get(q.party) or P._fallback_label(q.party))
        interval = p.interval or Interval()
        rows.append({"conflict": p.conflict, "conflict_label": labels.get(p.conflict) or P._fallback_label(p.conflict),
                     "side": p.side, "role": p.role, "period": p.period, "start_date": interval.start_text,
                     "end_date": interval.end_text, "with": P.JOIN.join(sorted(friends)),
                     "against": P.JOIN.join(sorted(foes))})
    columns = ["conflict", "conflict_label", "side", "role", "period", "start_date", "end_date", "with", "against"]
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame = frame.sort_values(["start_date", "end_date", "conflict_label"], kind="stable").reset_index(drop=True)
    frame.attrs["party"] = iri
    frame.attrs["party_label"] = labels.get(iri) or P._fallback_label(iri)
    return frame


def _year_fraction(day: Day) -> float:
    year, month, d = day
    return year + (month - 1) / 12 + (d - 1) / 365


def plot_timeline(store: KGStore, party: str, conflicts: Iterable[str] | None = None, *, title: str | None = None,
                  ax: Any = None, dpi: int = 110) -> Any:
    """Draw a party's conflicts over time, year by year: one row per participation, a bar
    over its interval coloured by whom the party fought beside (the camp-like grouping of
    its first ally, so the same partners share a colour), hatched when it only supported,
    an arrow for an end still open, annotated with its allies and enemies at the time.
    Returns the matplotlib Figure."""
    from matplotlib.patches import Patch

    frame = timeline(store, party, conflicts)
    rows = frame[(frame["start_date"] != "") | (frame["end_date"] != "")]
    fig, ax = canvas(ax, (16, max(4.5, 0.4 * len(rows) + 3.2)), dpi)
    name = frame.attrs.get("party_label", party)
    if rows.empty:
        say_nothing_to_draw(ax, f"no dated participations of {name}")
        return fig
    records = [{str(k): v for k, v in r.items()} for r in rows.to_dict("records")]
    days = [parse_day(r[k]) for r in records for k in ("start_date", "end_date") if r[k]]
    lowest = math.floor(min(_year_fraction(d) for d in days))
    highest = math.floor(max(_year_fraction(d) for d in days)) + 1
    # colour a row by its most frequent ally over all rows: the same partners share a colour
    allies = [str(r["with"]).split(P.JOIN) if r["with"] else [] for r in records]
    seen = Counter(a for row_allies in allies for a in row_allies)
    alone = "(nobody else on its side)"
    lead = [min(a, key=lambda x: (-seen[x], x)) if a else alone for a in allies]
    order = sorted(set(lead), key=lambda x: (x == alone, -lead.count(x), x))
    others = "other allies"
    if len([c for c in order if c != alone]) > 8:  # nine colours at most: the rest share one
        keep = set([c for c in order if c != alone][:8])
        lead = [x if x in keep or x == alone else others for x in lead]
        order = [c for c in order if c in keep] + [others] + ([alone] if alone in order else [])
    colours = _camp_colours(order)
    colours.update({others: "#c7c7c7", alone: "#7f7f7f"})
    for y, (row, first) in enumerate(zip(records, lead)):
        begin = _year_fraction(parse_day(row["start_date"])) if row["start_date"] else lowest
        finish = _year_fraction(parse_day(row["end_date"], end=True)) + 1 / 365 if row["end_date"] else highest
        ax.barh(y, max(finish - begin, 0.06), left=begin, height=0.7, color=colours[first],
                hatch="//" if row["role"] == "supporter" else None, edgecolor="white")
        if not row["end_date"]:
            ax.annotate("", xy=(highest + 0.25, y), xytext=(highest - 0.05, y),
                        arrowprops={"arrowstyle": "->", "color": colours[first], "lw": 2})
        note = f"side {row['side']}"
        if row["against"]:
            foes = str(row["against"]).split(P.JOIN)
            note += f" · against {short_label(', '.join(foes[:3]), 60)}" + (f" +{len(foes) - 3}" if len(foes) > 3 else "")
        ax.text(highest + 0.45, y, note, va="center", fontsize=8.5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([short_label(c, 46) + (f" ({p})" if p else "") for c, p in zip(rows["conflict_label"],
                                                                                 rows["period"])], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(lowest - 0.2, highest + (highest - lowest) * 0.9 + 2)
    ax.set_xticks(range(lowest, highest + 1))
    ax.set_xticklabels([str(y) for y in range(lowest, highest + 1)], rotation=90 if highest - lowest > 20 else 0,
                       fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    handles = [Patch(color=colours[c], label=c if c in (alone, others) else f"beside {short_label(c, 34)}")
               for c in order]
    handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="//", label="as a supporter"))
    handles.append(Patch(facecolor="white", edgecolor="white", label="→ no end date: still going"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.04), ncol=4, fontsize=9,
              frameon=False, title="colour: its most frequent ally on that side")
    ax.set_title(title or f"{name}: conflicts and sides, year by year ({len(rows)} participations)", fontsize=14)
    fig.tight_layout()
    return fig
