"""Analysis without SPARQL: networks, rankings, camps, alliance paths, typed DataFrames, plots.

Built on :mod:`kg.projections` (networkx graphs straight from the store) and pandas::

    from kg import analysis
    analysis.centrality(store, "alliances", "pagerank", top=10)      # who is central
    analysis.communities(store)                                     # camps of co-belligerents
    analysis.camps(store, at=2015)                                  # signed camps of 2015 (kg.camps)
    analysis.alliance_path(store, "Hezbollah", "Russia")            # allied via whom, where
    analysis.dataframe(store, "SELECT ?c ?start WHERE { ?c ckg:startDate ?start }")

Every function takes the store (a :class:`kg.store.KGStore` or a pyoxigraph ``Store``);
the network functions also take an already built networkx graph in its place.

Typed DataFrames (:func:`dataframe`): a column whose values are all ``xsd:integer`` (and the
other integer types) becomes ``int64`` (``Int64`` when some rows are unbound); integers mixed
with ``xsd:decimal``/``double``/``float`` become ``float64``; ``xsd:boolean`` becomes
``bool`` (``boolean`` with gaps); dates become ``datetime64[s]``. Dates here are partial
(``xsd:gYear`` "2013", ``xsd:gYearMonth`` "2012-07", ``xsd:date`` "2012-07-19", see
``ckg:PartialDate``), and one column usually mixes precisions. Decision: a date column holds
the **first day of the period** as ``datetime64[s]`` (sortable, plottable, comparable, and
wide enough for years before 1677 or before the common era, which nanosecond timestamps are
not), and when any value in it is less precise than a day a companion column
``<name>_precision`` says ``year``, ``month`` or ``day`` per row. ``pandas.Period`` was the
alternative; it was not chosen because a Period column holds one frequency only, so a
mixed column would fall back to ``object``. ``xsd:dateTime`` becomes ``datetime64[s]`` too
(UTC and timezone-aware when any value carries a timezone). IRIs and other literals stay
strings.

Plots (:func:`plot_alliances`, :func:`plot_strengths`) use matplotlib and return the
figure; ``kg plot`` and the notebook draw with them.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd
import pyoxigraph as ox

from kg import projections as P
from kg.drawing import canvas, declutter, network_layout, say_nothing_to_draw, short_label
from kg.projections import find_node as resolve
from kg.camps import camps, partners, plot_by_year, plot_camps, plot_timeline, signed_network, timeline
from kg.rdf import terms as T
from kg.time import PartialDate, from_iso

if TYPE_CHECKING:
    from kg.store import KGStore

__all__ = [
    "MEASURES",
    "SIDE_COLOURS",
    "alliance_network",
    "alliance_path",
    "camps",
    "centrality",
    "claims",
    "communities",
    "conflicts_in_folder",
    "conflicts_within",
    "dataframe",
    "network",
    "partners",
    "plot_alliances",
    "plot_by_year",
    "plot_camps",
    "plot_claims",
    "plot_strengths",
    "plot_timeline",
    "resolve",
    "side_strengths",
    "signed_network",
    "strengths",
    "timeline",
]

#: Centrality measures of :func:`centrality`.
MEASURES = ("degree", "betweenness", "eigenvector", "pagerank")
#: Colour of side 1, 2, 3, 4 in the plots (blue, red, green, purple; colour-blind safe order).
SIDE_COLOURS = {1: "#1f6fb4", 2: "#d62728", 3: "#2ca02c", 4: "#9467bd", 5: "#8c564b"}


# --- networks ------------------------------------------------------------------------------

def network(store: KGStore, name: str = "alliances") -> nx.Graph:
    """The networkx graph of projection ``name`` (alias of :func:`kg.projections.projection`)."""
    return P.projection(store, name)


def alliance_network(store: KGStore, conflicts: Iterable[str] | None = None) -> nx.Graph:
    """The ``alliances`` projection, optionally limited to some conflicts (IRIs)."""
    return P.alliances(store, conflicts=conflicts)


def _graph(store_or_graph: KGStore | nx.Graph, projection: str) -> nx.Graph:
    if isinstance(store_or_graph, nx.Graph):
        return store_or_graph
    return P.projection(store_or_graph, projection)


def _simple_undirected(graph: nx.Graph) -> nx.Graph:
    """Collapse a multigraph / digraph into a simple undirected graph; parallel edges add up
    their ``weight`` (1 each when they have none)."""
    if not graph.is_multigraph() and not graph.is_directed():
        return graph
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        w = float(data.get("weight", 1.0) or 1.0)
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += w
        else:
            simple.add_edge(u, v, weight=w)
    return simple


def centrality(store: KGStore, projection: str = "alliances", measure: str = "degree", top: int | None = 10,
               *, weight: str | None = None) -> pd.DataFrame:
    """The ``top`` nodes of a projection by a centrality ``measure`` (one of
    :data:`MEASURES`), as a DataFrame indexed by rank (1 = most central) with ``label``,
    ``type``, ``iri``, the score (column named after the measure), ``degree`` (neighbours)
    and, where the projection has it, ``conflicts``. ``store`` may be a graph already built.

    Multigraphs and directed graphs are read as simple undirected graphs. ``weight=None``
    (default) ranks by the structure alone; ``weight="weight"`` weights eigenvector and
    PageRank by the edge weight (for ``alliances``: the conflicts behind the edge's ``kind``,
    allied or opposed, see :mod:`kg.projections`) and betweenness by it as a *distance*.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r} (known: {', '.join(MEASURES)})")
    graph = _simple_undirected(_graph(store, projection))
    if graph.number_of_nodes() == 0:
        scores: dict[Any, float] = {}
    elif measure == "degree":
        scores = nx.degree_centrality(graph) if weight is None else dict(graph.degree(weight=weight))
    elif measure == "betweenness":
        scores = nx.betweenness_centrality(graph, weight=weight)
    elif measure == "eigenvector":
        try:
            scores = nx.eigenvector_centrality(graph, max_iter=2000, tol=1e-08, weight=weight)
        except nx.PowerIterationFailedConvergence:  # pragma: no cover - scipy fallback
            scores = nx.eigenvector_centrality_numpy(graph, weight=weight)
    else:
        scores = nx.pagerank(graph, weight=weight)
    rows = []
    for node, score in scores.items():
        data = graph.nodes[node]
        row = {"label": data.get("label", str(node)), "type": data.get("type", ""), "iri": str(node),
               measure: float(score), "neighbours": int(graph.degree(node))}
        if "conflicts" in data:
            row["conflicts"] = int(data["conflicts"])
        rows.append(row)
    columns = ["label", "type", "iri", measure, "neighbours"] + (["conflicts"] if any("conflicts" in r for r in rows) else [])
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame = frame.sort_values([measure, "neighbours", "label"], ascending=[False, False, True], kind="stable")
    if top is not None:
        frame = frame.head(top)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="rank")
    return frame


def _same_side_graph(graph: nx.Graph) -> nx.Graph:
    """The ``alliances`` graph reduced to allied pairs, weighted by same-side conflicts."""
    allied = nx.Graph()
    allied.add_nodes_from(graph.nodes(data=True))
    for u, v, data in graph.edges(data=True):
        if int(data.get("same_side", 0)) > 0:
            allied.add_edge(u, v, weight=float(data["same_side"]), allied_in=data.get("allied_in", ""))
    return allied


def communities(store: KGStore, *, min_size: int = 2, conflicts: Iterable[str] | None = None) -> pd.DataFrame:
    """Camps of co-belligerents: greedy modularity communities of the same-side graph
    (parties linked when they fought on the same side; weight = number of such conflicts).

    One row per party in a community of at least ``min_size``: ``community`` (0 = the
    largest), ``community_label`` (its best-connected member), ``label``, ``type``, ``iri``,
    ``allies`` (same-side partners) and ``same_side`` (weighted: same-side conflicts summed
    over partners). ``store`` may be an ``alliances`` graph; ``conflicts`` limits the
    conflicts considered.
    """
    base = store if isinstance(store, nx.Graph) else alliance_network(store, conflicts)
    allied = _same_side_graph(base)
    allied.remove_nodes_from([n for n in list(allied) if allied.degree(n) == 0])
    columns = ["community", "community_label", "label", "type", "iri", "allies", "same_side"]
    if allied.number_of_edges() == 0:
        return pd.DataFrame(columns=columns)
    found = nx.community.greedy_modularity_communities(allied, weight="weight")
    groups = sorted((sorted(c) for c in found if len(c) >= min_size), key=lambda c: (-len(c), c[0]))
    rows = []
    for number, members in enumerate(groups):
        strength = {m: allied.degree(m, weight="weight") for m in members}
        ordered = sorted(members, key=lambda m: (-strength[m], allied.nodes[m].get("label", m)))
        head = allied.nodes[ordered[0]].get("label", ordered[0])
        for m in ordered:
            data = allied.nodes[m]
            rows.append({"community": number, "community_label": head, "label": data.get("label", m),
                         "type": data.get("type", ""), "iri": m, "allies": int(allied.degree(m)),
                         "same_side": int(strength[m])})
    return pd.DataFrame(rows, columns=columns)


def alliance_path(store: KGStore, a: str, b: str) -> pd.DataFrame:
    """The shortest chain of alliances between parties ``a`` and ``b`` (IRIs, titles or
    labels) through ``ckg:alliedWith`` (same side of some conflict), with the conflicts
    behind each hop.

    One row per hop: ``step`` (1, 2, …), ``from_label``, ``to_label``, ``conflicts`` (number
    of conflicts the two fought on the same side), ``conflict_names`` (joined with
    ``" | "``), ``from``, ``to`` (IRIs). Among several shortest paths the one with the most
    shared conflicts (then alphabetical) wins. Raises ``networkx.NetworkXNoPath`` when the
    two were never linked, ``KeyError`` for an unknown party.
    """
    graph = alliance_network(store)
    allied = _same_side_graph(graph)
    # the materialised ckg:alliedWith (derived graph) counts too, e.g. when rules add pairs
    query = "SELECT DISTINCT ?a ?b WHERE { ?a ckg:alliedWith ?b . FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b) }"
    for row in P._solutions(store, query):
        u, v = row["a"].value, row["b"].value
        if u in allied and v in allied and not allied.has_edge(u, v):
            allied.add_edge(u, v, weight=0.0, allied_in="")
    source, target = resolve(store, a, allied), resolve(store, b, allied)
    columns = ["step", "from_label", "to_label", "conflicts", "conflict_names", "from", "to"]
    if source == target:
        return pd.DataFrame(columns=columns)
    if not nx.has_path(allied, source, target):
        raise nx.NetworkXNoPath(f"{allied.nodes[source]['label']} and {allied.nodes[target]['label']} "
                                "are not linked by alliances in this graph")
    candidates = itertools.islice(nx.all_shortest_paths(allied, source, target), 5000)

    def score(path: list[str]) -> tuple[float, list[str]]:
        return (-sum(allied[u][v]["weight"] for u, v in itertools.pairwise(path)),
                [allied.nodes[n].get("label", n) for n in path])

    best = min(candidates, key=score)
    rows = []
    for step, (u, v) in enumerate(itertools.pairwise(best), start=1):
        names = allied[u][v].get("allied_in", "")
        rows.append({"step": step, "from_label": allied.nodes[u].get("label", u),
                     "to_label": allied.nodes[v].get("label", v),
                     "conflicts": int(allied[u][v]["weight"]), "conflict_names": names, "from": u, "to": v})
    return pd.DataFrame(rows, columns=columns)


# --- conflict scopes -------------------------------------------------------------------------

# Defined in kg.projections, whose projections take the same scopes (kg export --conflict).
conflicts_within = P.conflicts_within
_iri = P.conflict_iri


def conflicts_in_folder(store: KGStore, folder: str) -> set[str]:
    """IRIs of the conflicts described by documents read from a folder named ``folder``
    (e.g. ``"syria"`` for ``data/wikipedia/syria/…``)."""
    from kg.sparql import sparql_string

    needle = sparql_string(f"/{folder.strip('/')}/")
    query = f"""SELECT DISTINCT ?c WHERE {{ ?d ckg:describes ?c ; ckg:sourcePath ?p .
        FILTER(CONTAINS(CONCAT("/", ?p), {needle})) }}"""
    return {row["c"].value for row in P._solutions(store, query)}


# --- strengths ---------------------------------------------------------------------------------

_EQUIPMENT = re.compile(
    r"\b(tanks?|aircraft|jets?|planes?|warplanes?|helicopters?|vehicles?|artillery|guns?|howitzers?|drones?|"
    r"UAVs?|ships?|boats?|vessels?|armou?r(ed)?|APCs?|IFVs?|MBTs?|rockets?|missiles?|launchers?|MRAPs?|"
    r"BMP|BTR|mortars?|technicals?|pieces|batteries|sorties|submarines?|cannons?|MLRS)\b",
    re.IGNORECASE,
)

_STRENGTHS = P.in_view("""
SELECT DISTINCT ?c ?n ?v ?min ?max ?desc ?text ?approx ?asof ?sub WHERE {
  ?c ckg:side ?s . ?s ckg:sideNumber ?n ; ckg:strength ?q .
  OPTIONAL { ?q ckg:value ?v } OPTIONAL { ?q ckg:minValue ?min } OPTIONAL { ?q ckg:maxValue ?max }
  OPTIONAL { ?q ckg:description ?desc } OPTIONAL { ?q ckg:sourceText ?text }
  OPTIONAL { ?q ckg:approximate ?approx } OPTIONAL { ?q ckg:asOf ?asof }
  BIND(EXISTS { ?q ckg:partOfEstimate ?parent } AS ?sub)
}""")

_SIDE_PARTIES = P.in_view("""
SELECT ?c ?n ?party (MIN(?supporter) AS ?sup) (MIN(?o) AS ?order) WHERE {
  ?c ckg:side ?s . ?s ckg:sideNumber ?n ; ckg:participation ?p . ?p ckg:party ?party .
  OPTIONAL { ?p ckg:role ?role } OPTIONAL { ?p ckg:order ?pos }
  BIND(IF(BOUND(?role) && ?role = ckg:Supporter, 1, 0) AS ?supporter)
  BIND(COALESCE(?pos, 9999) AS ?o)
} GROUP BY ?c ?n ?party""")


def _side_parties(store: KGStore, labels: dict[str, str]) -> dict[tuple[str, int], list[str]]:
    """Labels of each side's parties: belligerents, then supporters, in infobox order."""
    found: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)
    for row in P._solutions(store, _SIDE_PARTIES):
        iri = row["party"].value
        key = (row["c"].value, int(row["n"].value))
        found[key].append((int(row["sup"].value), int(row["order"].value), labels.get(iri) or P._fallback_label(iri)))
    result: dict[tuple[str, int], list[str]] = {}
    for key, entries in found.items():
        names: list[str] = []
        for _, _, label in sorted(entries):
            if label not in names:
                names.append(label)
        result[key] = names
    return result


def strengths(store: KGStore, conflicts: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Every strength estimate of the sides of some conflicts (IRIs, or a root conflict's
    title/IRI meaning :func:`conflicts_within` it; None: all), one row each.

    Columns: ``conflict``, ``conflict_label``, ``side`` (int), ``parties`` (the side's
    belligerents, then supporters, joined with ``" | "``), ``value`` (the number; a range's
    midpoint; a bound's value), ``low``, ``high``, ``description``, ``as_of`` (the partial
    date as written, "" when not given), ``source_text``,
    ``approximate``, ``personnel`` (False when the description names equipment: tanks,
    aircraft, …) and ``sub_estimate`` (a "*" line under another estimate).
    """
    scope = _scope(store, conflicts)
    labels = P.labels(store)
    parties = _side_parties(store, labels)
    rows = []
    for r in P._solutions(store, _STRENGTHS):
        c = r["c"].value
        if scope is not None and c not in scope:
            continue
        v, lo, hi = (_number(r[k]) for k in ("v", "min", "max"))
        value = v if v is not None else ((lo + hi) / 2 if lo is not None and hi is not None else (lo if lo is not None else hi))
        description = r["desc"].value if r["desc"] is not None else ""
        n = int(r["n"].value)
        rows.append({
            "conflict": c, "conflict_label": labels.get(c) or P._fallback_label(c), "side": n,
            "parties": P.JOIN.join(parties.get((c, n), [])), "value": value,
            "low": lo if lo is not None else (v if v is not None else hi),
            "high": hi if hi is not None else (v if v is not None else lo),
            "description": description, "as_of": r["asof"].value if r["asof"] is not None else "",
            "source_text": r["text"].value if r["text"] is not None else "",
            "approximate": r["approx"] is not None and r["approx"].value in ("true", "1"),
            "personnel": not _EQUIPMENT.search(description),
            "sub_estimate": r["sub"] is not None and r["sub"].value in ("true", "1"),
        })
    columns = ["conflict", "conflict_label", "side", "parties", "value", "low", "high", "description", "as_of",
               "source_text", "approximate", "personnel", "sub_estimate"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("value", "low", "high"):
        frame[column] = frame[column].astype("float64")
    frame["side"] = frame["side"].astype("int64")
    for column in ("approximate", "personnel", "sub_estimate"):
        frame[column] = frame[column].astype(bool)
    return frame.sort_values(["conflict_label", "side", "value", "description"],
                             ascending=[True, True, False, True], kind="stable").reset_index(drop=True)


def side_strengths(store: KGStore, conflicts: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Personnel strength per conflict and side, from the top-level personnel estimates
    (equipment and "*" sub-counts left out). Estimates of the same thing (same description,
    e.g. "15,000 fighters (2012)" and "8,000 fighters (mid-2016)") are alternatives: the
    largest counts; different things (SAA soldiers, Hezbollah fighters, …) add up.

    Columns ``conflict``, ``conflict_label``, ``side``, ``parties``, ``strength`` (float),
    ``estimates`` (how many figures were read). Sides without a number are left out.
    """
    frame = strengths(store, conflicts)
    frame = frame[frame["personnel"] & ~frame["sub_estimate"] & frame["value"].notna()].copy()
    frame["what"] = frame["description"].str.casefold().str.strip()
    keys = ["conflict", "conflict_label", "side", "parties"]
    per_thing = frame.groupby(keys + ["what"], as_index=False).agg(value=("value", "max"), n=("value", "size"))
    grouped = per_thing.groupby(keys, as_index=False).agg(strength=("value", "sum"), estimates=("n", "sum"))
    grouped["strength"] = grouped["strength"].astype("float64")
    grouped["estimates"] = grouped["estimates"].astype("int64")
    return grouped.sort_values(["conflict_label", "side"], kind="stable").reset_index(drop=True)


def _scope(store: KGStore, conflicts: Iterable[str] | str | None) -> set[str] | None:
    if conflicts is None:
        return None
    if isinstance(conflicts, str):
        return conflicts_within(store, conflicts)
    return set(conflicts)


def _number(term: Any) -> float | None:
    if term is None:
        return None
    try:
        return float(term.value)
    except (AttributeError, ValueError):
        return None


# --- typed DataFrames ----------------------------------------------------------------------

_INTEGER = {T.XSD + n for n in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
                                "unsignedShort", "unsignedByte")}
_FLOAT = {T.XSD + n for n in ("decimal", "double", "float")}
_DATES = {T.XSD + "gYear": "year", T.XSD + "gYearMonth": "month", T.XSD + "date": "day"}
_DATETIME = T.XSD + "dateTime"
_BOOLEAN = T.XSD + "boolean"
_TZ = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


def _is_query_text(text: str) -> bool:
    return bool(re.search(r"\s|\{", text.strip()))


def _named_query(name: str, params: dict[str, Any]) -> str:
    try:
        from kg import queries
    except ImportError as exc:
        raise KeyError(f"{name!r} is not SPARQL and named queries (kg.queries) are not available") from exc
    known = queries.load_queries()
    if name not in known:
        close = difflib.get_close_matches(name, list(known), n=5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no named query {name!r}{hint}")
    as_text = {key: (str(v).lower() if isinstance(v, bool) else str(v) if isinstance(v, (str, int, float))
                     else [str(x) for x in v])
               for key, v in params.items()}
    return queries.render(known[name], as_text)


def dataframe(store: KGStore, query: str, **params: Any) -> pd.DataFrame:
    """Run a SPARQL SELECT (or a named query of :mod:`kg.queries` with ``params``) over the
    union of all graphs; one column per variable, typed (see the module's rules).

    >>> from kg.store import open_store
    >>> s = open_store(in_memory=True)
    >>> s.update('''INSERT DATA { GRAPH <https://e.org/g> {
    ...   <https://e.org/a> ckg:startDate "2013"^^xsd:gYear ; ckg:value 5 .
    ...   <https://e.org/b> ckg:startDate "2012-07-19"^^xsd:date ; ckg:value 7 . } }''')
    >>> df = dataframe(s, "SELECT ?x ?start ?n WHERE { ?x ckg:startDate ?start ; ckg:value ?n } ORDER BY ?x")
    >>> [str(t) for t in df.dtypes]
    ['str', 'datetime64[s]', 'str', 'int64']
    >>> df["start_precision"].tolist()
    ['year', 'day']
    """
    text = query if _is_query_text(query) else _named_query(query, params)
    raw = P._raw(store)
    results = raw.query(text, use_default_graph_as_union=True, prefixes=T.PREFIXES)
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError("dataframe() needs a SELECT query")
    names = [v.value for v in results.variables]
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for solution in results:
        for name in names:
            columns[name].append(solution[name])
    data: dict[str, Any] = {}
    for name in names:
        converted = _column(columns[name])
        data[name] = converted[0]
        if converted[1] is not None:
            data[f"{name}_precision"] = converted[1]
    return pd.DataFrame(data)


def _column(terms: list[Any]) -> tuple[Any, Any]:
    """(values as a pandas Series/array, precision list or None) for one result column."""
    present = [t for t in terms if t is not None]
    missing = len(present) != len(terms)
    kinds = set()
    for t in present:
        if isinstance(t, ox.Literal) and t.language is None:
            kinds.add(t.datatype.value)
        else:
            kinds.add("other")
    if present and kinds <= _INTEGER:
        values = [int(t.value) if t is not None else None for t in terms]
        return pd.Series(values, dtype="Int64" if missing else "int64"), None
    if present and kinds <= (_INTEGER | _FLOAT):
        return pd.Series([_float(t) for t in terms], dtype="float64"), None
    if present and kinds == {_BOOLEAN}:
        values = [None if t is None else t.value in ("true", "1") for t in terms]
        return pd.Series(values, dtype="boolean" if missing else "bool"), None
    if present and kinds <= set(_DATES):
        starts, precisions = zip(*(_date_start(t) for t in terms))
        series = pd.Series(pd.array(list(starts), dtype="datetime64[s]") if starts else [], dtype="datetime64[s]")
        partial = any(p in ("year", "month") for p in precisions)
        return series, (list(precisions) if partial else None)
    if present and kinds == {_DATETIME}:
        return _datetimes(terms), None
    from kg.sparql import python_value

    return pd.Series([None if t is None else str(python_value(t)) for t in terms], dtype="str"), None


def _float(term: Any) -> float:
    if term is None:
        return float("nan")
    try:
        return float(term.value)
    except ValueError:
        return float("nan")


def _date_start(term: Any) -> tuple[Any, str | None]:
    import numpy as np

    if term is None:
        return np.datetime64("NaT", "s"), None
    precision = _DATES[term.datatype.value]
    date = from_iso(_TZ.sub("", term.value))
    if date is None:
        return np.datetime64("NaT", "s"), precision
    # the first day, as ISO text: numpy takes years that datetime.date cannot (BC)
    first = PartialDate(date.year, date.month or 1, date.day or 1).iso()
    try:
        return np.datetime64(first, "s"), precision
    except ValueError:
        return np.datetime64("NaT", "s"), precision


def _datetimes(terms: list[Any]) -> pd.Series:
    texts = [None if t is None else t.value for t in terms]
    aware = any(t is not None and _TZ.search(t) for t in texts)
    series = pd.to_datetime(pd.Series(texts, dtype="object"), utc=aware, errors="coerce", format="ISO8601")
    return series.astype("datetime64[s, UTC]" if aware else "datetime64[s]")


# --- plots -------------------------------------------------------------------------------------

def plot_alliances(store: KGStore, conflicts: Iterable[str] | str | None = None, *, top: int | None = 40,
                   title: str | None = None, ax: Any = None, seed: int = 7, dpi: int = 110) -> Any:
    """Draw the alliance network: parties as nodes (size: conflicts fought, colour: camp of
    co-belligerents from :func:`communities`), allied pairs as grey lines (width: conflicts
    on the same side), opposed pairs as faint red lines. ``conflicts``: IRIs, or a root
    conflict's title (everything within it); ``top``: keep the parties in most conflicts;
    ``dpi``: resolution of a new figure (18 x 12 inches). Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    scope = _scope(store, conflicts)
    graph = alliance_network(store, scope)
    camps = communities(graph, min_size=2)
    camp_of = dict(zip(camps["iri"], camps["community"]))
    camp_names = dict(zip(camps["community"], camps["community_label"]))
    nodes = sorted(graph.nodes, key=lambda n: (-graph.nodes[n]["conflicts"], -graph.degree(n), graph.nodes[n]["label"]))
    if top is not None:
        nodes = nodes[:top]
    sub = graph.subgraph(nodes).copy()
    allied = _same_side_graph(sub)
    fig, ax = canvas(ax, (18, 12), dpi)
    if sub.number_of_nodes() == 0:
        say_nothing_to_draw(ax, "no parties in this scope")
        return fig
    pos = network_layout(allied, seed=seed)
    palette = plt.get_cmap("tab10")
    camps_shown = sorted({camp_of[n] for n in sub if n in camp_of})
    colour = {c: palette(i % 10) for i, c in enumerate(camps_shown)}
    opposed = [(u, v) for u, v, d in sub.edges(data=True) if d["same_side"] == 0]
    nx.draw_networkx_edges(sub, pos, edgelist=opposed, ax=ax, edge_color="#d62728", alpha=0.06, width=0.5)
    widths = [0.6 + 1.2 * d["weight"] ** 0.5 for _, _, d in allied.edges(data=True)]
    nx.draw_networkx_edges(allied, pos, ax=ax, edge_color="#555555", alpha=0.45, width=widths)
    most = max(sub.nodes[n]["conflicts"] for n in sub)
    sizes = [80 + 900 * (sub.nodes[n]["conflicts"] / most) ** 0.5 for n in sub]
    colours = [colour.get(camp_of.get(n), "#bbbbbb") for n in sub]
    nx.draw_networkx_nodes(sub, pos, ax=ax, node_size=sizes, node_color=colours, edgecolors="white", linewidths=1.2)
    texts = []
    for n in sub:
        x, y = pos[n]
        texts.append(ax.text(x, y, short_label(sub.nodes[n]["label"]), fontsize=9.5, ha="center", va="bottom",
                             bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                             zorder=5))
    ax.margins(0.08)
    radii = [math.sqrt(size) / 2 * fig.dpi / 72 for size in sizes]  # marker area (pt^2) -> radius (px)
    declutter(ax, texts, [pos[n] for n in sub], lift=9.0, radii=radii)
    handles = [Line2D([0], [0], marker="o", color="w", markerfacecolor=colour[c], markersize=11,
                      label=f"camp of {short_label(camp_names[c], 34)}") for c in camps_shown]
    handles += [Line2D([0], [0], color="#555555", lw=2, label="fought on the same side"),
                Line2D([0], [0], color="#d62728", lw=1, alpha=0.35, label="fought on opposite sides")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10, frameon=True,
              framealpha=0.9)
    what = f"{len(scope)} conflicts" if scope is not None else "all conflicts"
    ax.set_title(title or f"Alliance network ({what}; {sub.number_of_nodes()} parties in most conflicts)",
                 fontsize=15)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def _lead(parties: str, width: int = 48) -> str:
    names = [p for p in parties.split(P.JOIN) if p]
    text = ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")
    return short_label(text, width)


def plot_strengths(store: KGStore, conflicts: Iterable[str] | str | None = None, *, top: int | None = 25,
                   title: str | None = None, ax: Any = None, dpi: int = 110) -> Any:
    """Draw strengths per side, bars coloured by side number (:data:`SIDE_COLOURS`), on a
    log scale, each bar annotated with its figure and the side's first parties.

    ``conflicts`` a title/IRI of a conflict that has figures of its own: one bar per estimate
    of that conflict, labelled with what it counts (ranges as black lines). Otherwise (a war
    without figures of its own, a set of IRIs, None for all): one group of bars per conflict
    (personnel per side, :func:`side_strengths`), the ``top`` conflicts with the largest
    totals first. Returns the matplotlib Figure.
    """
    from matplotlib.patches import Patch

    single = None
    if isinstance(conflicts, str):
        iri = _iri(store, conflicts)
        own = strengths(store, [iri])
        if own["value"].notna().any():
            single = own[own["value"].notna()]
    if single is not None:
        rows = single.sort_values(["side", "value"], ascending=[True, False], kind="stable")
        if top is not None:
            rows = rows.head(top)
        ticks = [("↳ " if sub else "") + short_label(d or "(not said)", 40) + (f" ({when})" if when else "")
                 for d, when, sub in zip(rows["description"], rows["as_of"], rows["sub_estimate"])]
        bars = [(float(i), float(v), int(sd), lo, hi, "", 0.72) for i, (v, sd, lo, hi) in
                enumerate(zip(rows["value"], rows["side"], rows["low"], rows["high"]))]
        tick_pos = [i for i, *_ in bars]
        parties = {int(sd): p for sd, p in zip(rows["side"], rows["parties"])}
        heading = title or f"Strength per side: {rows['conflict_label'].iloc[0]}"
        xlabel = "strength (log scale; black line: the range given)"
        height = max(4.0, 0.42 * len(bars) + 1.8)
    else:
        per_side = side_strengths(store, conflicts)
        totals = per_side.groupby("conflict_label")["strength"].sum().sort_values(ascending=False, kind="stable")
        keep = list(totals.index[:top] if top is not None else totals.index)
        bars, ticks, tick_pos = [], [], []
        y = 0.0
        for name in keep:
            group = per_side[per_side["conflict_label"] == name].sort_values("side")
            width = 0.84 / max(2, len(group))
            start = y
            for _, row in group.iterrows():
                bars.append((y, float(row["strength"]), int(row["side"]), None, None, _lead(row["parties"], 52), width * 0.92))
                y += width
            tick_pos.append((start + y - width) / 2)
            ticks.append(short_label(name, 46))
            y += 0.5
        parties = {}
        heading = title or f"Personnel per side, {len(keep)} conflicts with figures"
        xlabel = "personnel (log scale)"
        height = max(4.0, 0.3 * len(bars) + 0.22 * len(keep) + 1.8)
    fig, ax = canvas(ax, (14, height), dpi)
    if not bars:
        say_nothing_to_draw(ax, "no strength figures in this scope")
        return fig
    for y, value, side, lo, hi, lead, bar_height in bars:
        ax.barh(y, value, height=bar_height, color=SIDE_COLOURS.get(side, "#7f7f7f"))
        if lo is not None and hi is not None and hi > lo:
            ax.plot([lo, hi], [y, y], color="black", lw=1.6)
        note = f"{value:,.0f}" + (f"  {lead}" if lead else "")
        ax.text(max(value, hi or 0) * 1.06, y, note, va="center", fontsize=9)
    ax.set_yticks(tick_pos)
    ax.set_yticklabels(ticks, fontsize=10)
    ax.invert_yaxis()
    ax.set_xscale("log")
    smallest = min(v for _, v, *_ in bars)
    largest = max(max(v, hi or 0) for _, v, _, _, hi, *_ in bars)
    # room on the right for the notes (figure and parties) of the longest bars
    left = max(1.0, smallest / 3)
    ax.set_xticks([10.0 ** k for k in range(math.floor(math.log10(left)), math.ceil(math.log10(largest)) + 1)])
    ax.set_xlim(left=left, right=largest * (30 if single is not None else 300))
    ax.set_xlabel(xlabel, fontsize=11)
    ax.grid(axis="x", which="major", alpha=0.3)
    shown = sorted({side for _, _, side, *_ in bars})
    handles = [Patch(color=SIDE_COLOURS.get(sd, "#7f7f7f"),
                     label=f"side {sd}" + (f": {_lead(parties[sd], 60)}" if parties.get(sd) else ""))
               for sd in shown]
    ax.legend(handles=handles, loc="lower right", fontsize=10, framealpha=0.95)
    ax.set_title(heading, fontsize=14)
    fig.tight_layout()
    return fig


# --- who claims what ------------------------------------------------------------------------

_NOT_SAID = "(no claimant)"


def claims(store: KGStore, conflict: str) -> pd.DataFrame:
    """Every figure of a conflict with who gives it, one row per figure, read from its card
    (:func:`kg.cards.card`): ``side`` (1, 2, … or ``"total"``), ``measure`` (strength or
    casualties), ``kind``, ``claimant`` (its label, or ``(no claimant)``), ``claimant_iri``,
    ``value``/``low``/``high`` (an exact figure is all three; a range or bound fills what it
    gives), ``phase``, ``description`` and the source ``text``. Competing claims about the
    same losses sit side by side: filter on ``side`` and ``kind``.

    >>> import kg
    >>> store = kg.open_store(in_memory=True)
    >>> _ = kg.build(store, ["data/wikipedia/syria/battle_of_hosn.md"], progress=False)
    >>> frame = claims(store, "Battle of Hosn")
    >>> [(r.side, r.kind, r.claimant, r.low, r.high) for r in frame.itertuples()][1:]
    [(2, 'strength', '(no claimant)', 300.0, 300.0), (2, 'killed', 'Army', 40.0, 93.0), (2, 'killed', 'opposition', 12.0, 12.0)]
    """
    from kg.cards import card

    found = card(store, conflict)
    if found.get("kind") != "conflict":
        raise ValueError(f"{conflict!r} is not a conflict")
    rows: list[dict[str, Any]] = []
    figures = [(side["number"], measure, q) for side in found["sides"]
               for measure in ("strength", "casualties") for q in side[measure]]
    figures += [("total", "casualties", q) for q in found["casualties_total"]]
    for side, measure, q in figures:
        if q.get("unknown"):
            continue
        value = q.get("value")
        low = value if value is not None else q.get("min")
        high = value if value is not None else q.get("max")
        claimant = q.get("claimant") or {}
        rows.append({"conflict": found["title"], "side": side, "measure": measure,
                     "kind": q.get("kind") or ("strength" if measure == "strength" else "casualties"),
                     "claimant": claimant.get("label") or _NOT_SAID, "claimant_iri": claimant.get("iri"),
                     "value": value, "low": low, "high": high, "approximate": bool(q.get("approximate")),
                     "phase": q.get("phase"), "description": q.get("description"), "text": q.get("text")})
    columns = ["conflict", "side", "measure", "kind", "claimant", "claimant_iri", "value", "low", "high",
               "approximate", "phase", "description", "text"]
    return pd.DataFrame(rows, columns=columns)


def _figure_label(row: Any) -> str:
    """``81+ killed``, ``2,000–4,000 fighters``, ``c. 8,000 fighters (Second phase)``."""
    low, high = row["low"], row["high"]
    if pd.notna(low) and pd.notna(high):
        number = f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"
    elif pd.notna(low):
        number = f"{low:,.0f}+"
    else:
        number = f"up to {high:,.0f}"
    words = [("c. " if row["approximate"] else "") + number, row["description"] or row["kind"]]
    if row["phase"]:
        words.append(f"({row['phase']})")
    return " ".join(w for w in words if w)


def plot_claims(store: KGStore, conflict: str, *, title: str | None = None, ax: Any = None, dpi: int = 110) -> Any:
    """Draw the competing figures of a conflict: one group of bars per side and kind
    (strength, killed, wounded, …), one bar per figure, coloured by who claims it, on a log
    scale; a range is a bar to its lower end with a black line to its upper end, a lower
    bound (``81+``) a bar with an open arrow. Figures without a number are left out.
    Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    frame = claims(store, conflict)
    frame = frame[frame["low"].notna() | frame["high"].notna()]
    height = max(4.0, 0.38 * len(frame) + 0.3 * len(set(zip(frame["side"], frame["kind"]))) + 1.8)
    fig, ax = canvas(ax, (13, height), dpi)
    if frame.empty:
        say_nothing_to_draw(ax, "no figures with a number")
        return fig
    claimants = list(dict.fromkeys(sorted(c for c in frame["claimant"] if c != _NOT_SAID))) + (
        [_NOT_SAID] if (frame["claimant"] == _NOT_SAID).any() else [])
    palette = plt.get_cmap("tab10")
    colours = {c: ("#9a9a9a" if c == _NOT_SAID else palette(i % 10)) for i, c in enumerate(claimants)}
    y, ticks, tick_pos, largest = 0.0, [], [], 1.0
    groups = list(dict.fromkeys(zip(frame["side"], frame["kind"])))
    order = sorted(groups, key=lambda key: (str(key[0]) == "total", str(key[0]), key[1] != "strength", key[1]))
    for side, kind in order:
        group = frame[(frame["side"] == side) & (frame["kind"] == kind)]
        start = y
        for _, row in group.iterrows():
            low = row["low"] if pd.notna(row["low"]) else row["high"]
            ax.barh(y, low, height=0.8, color=colours[row["claimant"]])
            label = _figure_label(row)
            end = low
            if pd.notna(row["high"]) and row["high"] > low:
                ax.plot([low, row["high"]], [y, y], color="black", lw=1.6)
                end = row["high"]
            elif pd.isna(row["high"]):
                ax.annotate("", xy=(low * 1.6, y), xytext=(low, y), arrowprops={"arrowstyle": "->", "lw": 1.4})
                end = low * 1.6
            ax.text(end * 1.08, y, label, va="center", fontsize=8)
            largest = max(largest, end)
            y += 1
        tick_pos.append((start + y - 1) / 2)
        ticks.append(f"side {side}: {kind}" if side != "total" else f"whole conflict: {kind}")
        y += 0.6
    ax.set_yticks(tick_pos)
    ax.set_yticklabels(ticks, fontsize=10)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(left=max(0.8, frame[["low", "high"]].min().min() / 3), right=largest * 40)
    ax.set_xlabel("figure (log scale; black line: the range given; arrow: a lower bound)", fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(handles=[Patch(color=colours[c], label=c) for c in claimants], title="claimed by",
              loc="lower right", fontsize=9)
    ax.set_title(title or f"Who claims which figure: {frame['conflict'].iloc[0]}", fontsize=13)
    fig.tight_layout()
    return fig
