"""How a conflict's figures changed across the revisions of its page.

The documents that describe one conflict (``ckg:describes``; a conflict is one entity per
page title) are the revisions of its page: the pages of a history dump, or several files
of one article, each dated by ``schema:dateModified`` (see :mod:`kg.readers.dump` and
:mod:`kg.readers.revisions`). :func:`revisions` orders them, **undated documents first**
(their place in time is unknown, so any dated revision counts as newer), then by date;
:func:`latest_revision` is the newest dated one, the current description of the conflict.

:func:`history` reads every strength and casualty figure of each revision (the named query
``queries/figure-history.rq``) and lines up the figures of one infobox field from one
revision to the next (:func:`align`), so that each *track* is one figure followed through
the revisions. A figure of the newer revision is paired with one of the older revision of
the same field and the same kind (``killed``, ``deserted``, strength …), the best pair
first by the score of :func:`pair_score`:

* the same numbers and text: **same**; the same numbers in other words: **reworded**;
* other numbers, with the same description (``killed in battle``), one description's
  words within the other's (``army troops killed in battle`` / ``killed in battle``), or a
  similar text once the numbers are taken out: **changed**;
* a figure left unpaired is **added** (newer revision) or **removed** (older revision).

:func:`render_history` prints the tracks as a table, one column per revision;
:func:`history_json` is the same as JSON (``kg history --json``); :func:`history_frame`
one row per (revision, figure) as a DataFrame and :func:`plot_history` the numbers of a
field over revision time.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.drawing import canvas, say_nothing_to_draw

if TYPE_CHECKING:
    import pandas as pd

    from kg.store import KGStore

__all__ = [
    "Figure",
    "History",
    "PageRevision",
    "Track",
    "UnknownField",
    "align",
    "history",
    "history_frame",
    "history_json",
    "latest_revision",
    "pair_score",
    "plot_history",
    "render_history",
    "revisions",
]

#: The change of a figure from one revision to the next.
SAME, REWORDED, CHANGED, ADDED, REMOVED = "same", "reworded", "changed", "added", "removed"
#: Below this score two figures of a field are not taken for one figure (see pair_score).
MIN_PAIR_SCORE = 0.6
_MARK = {CHANGED: " *", ADDED: " +", REWORDED: " ~", SAME: "", None: ""}
_NUMBER = re.compile(r"[\d.,]+")
_WORD = re.compile(r"\w+")


class UnknownField(KGError, ValueError):
    """The conflict's revisions have no figure in the field asked for."""


@dataclass(frozen=True)
class PageRevision:
    """One document describing the conflict: a revision of its page, numbered from 1 in
    revision order, with its date (ISO, as precise as known) and revision id if known."""

    number: int
    document: str
    date: str | None
    revision_id: str | None = None
    path: str | None = None

    @property
    def heading(self) -> str:
        """``r2 2019-06``: how a table names the revision."""
        return f"r{self.number} {(self.date or 'undated')[:10]}"


@dataclass(frozen=True)
class Figure:
    """One strength or casualty figure of one revision, as the graph holds it."""

    field: str
    side: int
    measure: str
    order: int
    kind: str | None
    value: float | None
    min: float | None
    max: float | None
    approximate: bool
    description: str | None
    text: str

    @property
    def numbers(self) -> tuple[float | None, float | None, float | None]:
        return self.value, self.min, self.max

    @property
    def size(self) -> float | None:
        """One number for how large the figure is: its value, else the middle of its range
        (geometric), else its bound; ``None`` without a number (``Unknown``)."""
        value, low, high = self.numbers
        if value is not None:
            return value
        if low and high:
            return math.sqrt(low * high)
        return low if low is not None else high

    @property
    def what(self) -> str:
        """What the figure counts: its description, else its source text without its
        numbers (``(total served)``), else its kind or measure."""
        own = {n for n in self.numbers if n is not None}
        rest = _NUMBER.sub(lambda m: " " if _as_number(m.group()) in own else m.group(), self.text)
        return self.description or " ".join(rest.strip(" ~–-:+").split()) or self.kind or self.measure

    def show(self) -> str:
        """The figure's numbers as written in a table.

        >>> Figure("s", 1, "strength", 0, None, None, 25000, 70000, False, None, "").show()
        '25,000–70,000'
        >>> Figure("s", 1, "strength", 0, None, 9372, None, None, True, None, "").show()
        '~9,372'
        """
        value, low, high = self.numbers
        if value is not None:
            number = f"{value:,.0f}"
        elif low is not None and high is not None:
            number = f"{low:,.0f}–{high:,.0f}"
        elif low is not None:
            number = f"{low:,.0f}+"
        elif high is not None:
            number = f"up to {high:,.0f}"
        else:
            return "(no number)"
        return ("~" if self.approximate else "") + number


@dataclass
class Track:
    """One figure followed through the revisions: ``cells[i]`` is its figure in revision
    ``i`` (``None`` where the revision does not give it) and ``changes[i]`` how it came to
    be (``same``, ``reworded``, ``changed``, ``added``, ``removed`` or ``None``)."""

    field: str
    side: int
    measure: str
    cells: list[Figure | None]
    changes: list[str | None]

    @property
    def label(self) -> str:
        """What the figure counts, in its newest wording."""
        return next(f.what for f in reversed(self.cells) if f is not None)

    @property
    def changed(self) -> bool:
        return any(c in (CHANGED, ADDED, REMOVED) for c in self.changes)


@dataclass
class History:
    """A conflict's revisions and its figures' tracks, field by field (source order)."""

    conflict: str
    title: str
    revisions: list[PageRevision]
    tracks: dict[str, list[Track]] = field(default_factory=dict)

    def counts(self) -> list[dict[str, int]]:
        """Per revision after the first: how many figures were changed, added, removed."""
        out: list[dict[str, int]] = []
        for index in range(1, len(self.revisions)):
            count = {CHANGED: 0, ADDED: 0, REMOVED: 0, REWORDED: 0}
            for tracks in self.tracks.values():
                for track in tracks:
                    if track.changes[index] in count:
                        count[track.changes[index]] += 1  # type: ignore[index]
            out.append(count)
        return out


# --- revisions ------------------------------------------------------------------------------


def _resolve_conflict(store: KGStore, conflict: str) -> tuple[str, str]:
    """(IRI, title) of a conflict named by title, label, part of a label or IRI; raises
    the target errors of :mod:`kg.cards` (unknown, ambiguous: "did you mean") and
    ``ValueError`` for something that is not a conflict."""
    from kg.cards import preferred_labels, resolve_target

    kind, iri = resolve_target(store, conflict, partial=True)
    if kind != "conflict":
        raise ValueError(f"{conflict!r} is not a conflict (it is {'an' if kind[0] in 'aeiou' else 'a'} {kind})")
    return iri, preferred_labels(store, {iri}).get(iri) or conflict


def revisions(store: KGStore, conflict: str) -> list[PageRevision]:
    """The documents describing ``conflict`` (an IRI), oldest revision first: undated ones
    first (by IRI), then by date (ISO text order, which is time order at any precision).

    >>> import kg
    >>> store = kg.open_store(in_memory=True)
    >>> _ = kg.build(store, ["data/wikitext"], progress=False)
    >>> [(r.number, r.date, r.revision_id) for r in revisions(store, kg.identity.resource_iri("American Revolutionary War"))]
    [(1, '2016-04-29T16:31:10Z', '717770601'), (2, '2019-06', None), (3, '2019-09', None)]
    """
    from kg.sparql import select, sparql_iri

    rows = select(store, f"""SELECT ?d (SAMPLE(?date) AS ?revised) (SAMPLE(?id) AS ?revision) (SAMPLE(?p) AS ?path)
        WHERE {{ ?d ckg:describes {sparql_iri(conflict)} ; a ckg:SourceDocument .
                 OPTIONAL {{ ?d schema:dateModified ?date }} OPTIONAL {{ ?d schema:version ?id }}
                 OPTIONAL {{ ?d ckg:sourcePath ?p }} }} GROUP BY ?d""")
    rows.sort(key=lambda r: (r["revised"] is not None, str(r["revised"] or ""), r["d"]))
    return [PageRevision(n, r["d"], None if r["revised"] is None else str(r["revised"]),
                         None if r["revision"] is None else str(r["revision"]), r["path"])
            for n, r in enumerate(rows, start=1)]


def latest_revision(store: KGStore, conflict: str) -> str | None:
    """The document of the newest dated revision describing ``conflict`` (an IRI): the one
    a view of the current state should read. ``None`` when no document describing it has a
    date (then there is no revision order to follow).

    >>> import kg
    >>> store = kg.open_store(in_memory=True)
    >>> _ = kg.build(store, ["data/wikitext"], progress=False)
    >>> latest_revision(store, kg.identity.resource_iri("American Revolutionary War")).rsplit("/", 1)[1]
    'American_Revolutionary_War__infobox_only_wikiline_spec.wiki'
    """
    dated = [r for r in revisions(store, conflict) if r.date is not None]
    return dated[-1].document if dated else None


# --- figures and their alignment -------------------------------------------------------------


def _figures(store: KGStore, conflict: str) -> dict[str, list[Figure]]:
    """Each revision's figures (document IRI -> figures in field and source order), from
    the named query ``figure-history``."""
    from kg.queries import get_query, render
    from kg.sparql import select

    rows = select(store, render(get_query("figure-history"), {"conflict": conflict}))
    out: dict[str, list[Figure]] = defaultdict(list)
    for r in rows:
        out[r["document"]].append(Figure(
            r["field"], int(r["side"]), r["measure"], int(r["order"]), r["kind"],
            _float(r["value"]), _float(r["min"]), _float(r["max"]), bool(r["approximate"]),
            r["description"], r["source"]))
    return out


def _as_number(text: str) -> float | None:
    """``"121,000"`` -> 121000.0; ``None`` for what is not a number (``"."``)."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _words(text: str | None) -> set[str]:
    return set(_WORD.findall((text or "").lower()))


def pair_score(old: Figure, new: Figure, old_place: float = 0.0, new_place: float = 0.0) -> float:
    """How surely ``new`` is ``old`` in a later revision; 0 when it cannot be (another kind
    of figure, a number on one side only, or other numbers *and* descriptions without a
    word in common). The texts' likeness once numbers are taken
    out (0–1); plus 1 for the same numbers, 0.5 for the same description or 0.25 when one
    description's words are within the other's, up to 0.25 for numbers of the same size
    (less the further apart on a log scale); less up to 0.2 for figures far apart in their
    field (``old_place``/``new_place``: the figure's place in its field, 0 first, 1 last).
    :data:`MIN_PAIR_SCORE` is the least that pairs.

    >>> old = Figure("c", 2, "casualties", 0, "killed", 4000, None, None, False,
    ...              "army troops killed in battle", "4,000 army troops killed in battle (North America only)")
    >>> new = Figure("c", 2, "casualties", 1, "killed", 9372, None, None, True, "killed in battle", "~9,372 killed in battle")
    >>> pair_score(old, new) >= MIN_PAIR_SCORE
    True
    >>> pair_score(old, Figure("c", 2, "casualties", 5, "deserted", 4000, None, None, False, "deserted", "4,000 deserted"))
    0.0
    """
    if (old.kind, old.measure) != (new.kind, new.measure) or (old.size is None) != (new.size is None):
        return 0.0
    words_old, words_new = _words(old.description), _words(new.description)
    if words_old and words_new and not words_old & words_new and old.numbers != new.numbers:
        return 0.0          # renamed and renumbered at once: two different figures
    a, b = _NUMBER.sub("#", old.text.lower()), _NUMBER.sub("#", new.text.lower())
    score = difflib.SequenceMatcher(None, a, b).ratio()
    if old.numbers == new.numbers:
        score += 1.0
    if (old.description or "").lower() == (new.description or "").lower():
        score += 0.5
    elif words_old and words_new and (words_old <= words_new or words_new <= words_old):
        score += 0.25
    if old.size and new.size:
        score += 0.25 * max(0.0, 1.0 - abs(math.log10(old.size / new.size)))
    return score - 0.2 * abs(old_place - new_place)


def align(old: list[Figure], new: list[Figure]) -> list[tuple[int | None, int | None, str]]:
    """Pair the figures of one field in two revisions: ``(old index, new index, change)``,
    the best-scoring pairs first (ties: nearest in order), each figure at most once;
    figures left over are ``added`` (new) or ``removed`` (old). In the order of ``new``,
    the removed ones last.

    >>> f = lambda order, value, what: Figure("c", 1, "casualties", order, "killed", value, None, None, False, what, f"{value:,} {what}")
    >>> align([f(0, 6824, "killed in battle"), f(1, 10000, "France battle deaths")],
    ...       [f(0, 6800, "killed in battle"), f(1, 17000, "died of disease")])
    [(0, 0, 'changed'), (None, 1, 'added'), (1, None, 'removed')]
    """
    def place(index: int, count: int) -> float:
        return index / (count - 1) if count > 1 else 0.0

    candidates = sorted(
        ((pair_score(a, b, place(i, len(old)), place(j, len(new))), -abs(i - j), i, j)
         for i, a in enumerate(old) for j, b in enumerate(new)),
        reverse=True)
    paired_old: dict[int, int] = {}
    paired_new: dict[int, int] = {}
    for score, _, i, j in candidates:
        if score < MIN_PAIR_SCORE:
            break
        if i in paired_old or j in paired_new:
            continue
        paired_old[i], paired_new[j] = j, i
    out: list[tuple[int | None, int | None, str]] = []
    for j, b in enumerate(new):
        if j not in paired_new:
            out.append((None, j, ADDED))
            continue
        a = old[paired_new[j]]
        change = SAME if (a.numbers, a.text) == (b.numbers, b.text) else REWORDED if a.numbers == b.numbers else CHANGED
        out.append((paired_new[j], j, change))
    out.extend((i, None, REMOVED) for i in range(len(old)) if i not in paired_old)
    return out


def _tracks(field_name: str, per_revision: list[list[Figure]]) -> list[Track]:
    """Follow the figures of one field through the revisions (see :func:`align`)."""
    count = len(per_revision)
    first = next(f for figures in per_revision for f in figures)
    tracks: list[Track] = []
    open_tracks: dict[int, Track] = {}          # index in the previous revision -> its track
    previous: list[Figure] = []
    for index, figures in enumerate(per_revision):
        now: dict[int, Track] = {}
        for i, j, change in align(previous, figures):
            if j is None:
                assert i is not None
                if previous:
                    open_tracks[i].changes[index] = REMOVED
                continue
            track = open_tracks.get(i) if i is not None else None
            if track is None:
                track = Track(field_name, first.side, first.measure, [None] * count, [None] * count)
                tracks.append(track)
            track.cells[index] = figures[j]
            # a figure new in this revision is added, unless this is the first revision
            track.changes[index] = change if i is not None else (ADDED if index > 0 else None)
            now[j] = track
        open_tracks, previous = now, figures
    # newest revision's order first, tracks that ended before it after them
    def key(track: Track) -> tuple[int, int]:
        last = max(i for i, f in enumerate(track.cells) if f is not None)
        figure = track.cells[last]
        assert figure is not None
        return -last, figure.order
    return sorted(tracks, key=key)


def history(store: KGStore, conflict: str, field_name: str | None = None) -> History:
    """The revisions of ``conflict`` (a title, label or IRI) and its figures' tracks, for
    every field or the one named (``casualties2``). Raises the target errors of
    :mod:`kg.cards` for an unknown or ambiguous name, ``ValueError`` for a name that is
    not a conflict, :class:`UnknownField` for a field no revision has.

    >>> import kg
    >>> store = kg.open_store(in_memory=True)
    >>> _ = kg.build(store, ["data/wikitext"], progress=False)
    >>> h = history(store, "American Revolutionary War", "casualties1")
    >>> [(t.label, [c.show() if c else None for c in t.cells], t.changes) for t in h.tracks["casualties1"]][1]
    ('killed in battle', ['6,824', '6,800', '6,800'], [None, 'changed', 'same'])
    """
    iri, title = _resolve_conflict(store, conflict)
    revs = revisions(store, iri)
    figures = _figures(store, iri)
    fields: dict[str, None] = {}
    for rev in revs:
        for figure in figures.get(rev.document, []):
            fields.setdefault(figure.field, None)
    if field_name is not None:
        if field_name not in fields:
            close = difflib.get_close_matches(field_name, list(fields), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; the fields are {', '.join(fields) or 'none'}"
            raise UnknownField(f"no revision of {title!r} has figures in {field_name!r}{hint}")
        fields = {field_name: None}
    result = History(iri, title, revs)
    for name in sorted(fields, key=_field_order):
        per_revision = [[f for f in figures.get(rev.document, []) if f.field == name] for rev in revs]
        result.tracks[name] = _tracks(name, per_revision)
    return result


def _field_order(name: str) -> tuple[int, str]:
    """strength1, strength2, casualties1, casualties2 …: the infobox's order."""
    return (0 if name.startswith("strength") else 1, name)


# --- output ---------------------------------------------------------------------------------


def render_history(result: History, *, changed_only: bool = False) -> str:
    """The tracks as a text table per field, one column per revision: ``*`` marks a
    changed figure, ``+`` an added one, ``~`` one reworded with the same numbers, and
    ``(removed)`` where a figure is gone; then what changed between revisions."""
    lines = [f"{result.title}: {len(result.revisions)} revision{'s' if len(result.revisions) != 1 else ''}"]
    for rev in result.revisions:
        extra = f"  revision {rev.revision_id}" if rev.revision_id else ""
        lines.append(f"  r{rev.number}  {rev.date or 'undated':<22}{extra}  {rev.path or rev.document}")
    headings = [rev.heading for rev in result.revisions]
    for name, tracks in result.tracks.items():
        shown = [t for t in tracks if t.changed] if changed_only else tracks
        if not shown:
            continue
        side = tracks[0].side
        lines += ["", f"{name} ({'whole conflict' if side == 0 else f'side {side}'}, {tracks[0].measure})"]
        rows = [[_short(t.label), *(_cell(t, i) for i in range(len(result.revisions)))] for t in shown]
        widths = [max(len(r[k]) for r in [["figure", *headings], *rows]) for k in range(len(headings) + 1)]
        for row in [["figure", *headings], *rows]:
            lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    counts = result.counts()
    if counts:
        lines += ["", "changes:"]
        for rev, count in zip(result.revisions[1:], counts):
            said = ", ".join(f"{n} {what}" for what, n in count.items() if n)
            lines.append(f"  r{rev.number - 1} → r{rev.number}: {said or 'no figure changed'}")
        lines.append("  (* changed, + added, ~ same numbers in other words, (removed) gone in that revision)")
    return "\n".join(lines)


def _short(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(track: Track, index: int) -> str:
    figure, change = track.cells[index], track.changes[index]
    if figure is None:
        return "(removed)" if change == REMOVED else ""
    return figure.show() + _MARK[change]


def history_json(result: History) -> dict[str, Any]:
    """:func:`history` as JSON: the conflict, its revisions, and per field the tracks, each
    with one entry per revision (``null`` where absent) giving the numbers, the source text
    and the change."""
    def figure(track: Track, index: int) -> dict[str, Any] | None:
        f = track.cells[index]
        if f is None:
            return {"change": REMOVED} if track.changes[index] == REMOVED else None
        return {"value": f.value, "min": f.min, "max": f.max, "approximate": f.approximate, "kind": f.kind,
                "description": f.description, "text": f.text, "change": track.changes[index]}

    return {
        "conflict": {"iri": result.conflict, "title": result.title},
        "revisions": [{"number": r.number, "document": r.document, "date": r.date, "revision_id": r.revision_id,
                       "path": r.path} for r in result.revisions],
        "fields": [{"field": name, "side": tracks[0].side, "measure": tracks[0].measure,
                    "figures": [{"label": t.label, "changed": t.changed,
                                 "revisions": [figure(t, i) for i in range(len(result.revisions))]}
                                for t in tracks]}
                   for name, tracks in result.tracks.items()],
        "changes": [{"from": rev.number - 1, "to": rev.number, **count}
                    for rev, count in zip(result.revisions[1:], result.counts())],
    }


def history_frame(result: History) -> pd.DataFrame:
    """One row per (revision, figure) of a :class:`History`: ``revision`` (number),
    ``date`` (the revision's ISO date), ``revised`` (its first instant as ``datetime64``,
    UTC), ``track`` (the figure followed through revisions, numbered per field),
    ``field``, ``label``, ``value``/``low``/``high`` (an exact figure is all three),
    ``approximate``, ``change`` and ``text``."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for name, tracks in result.tracks.items():
        for number, track in enumerate(tracks, start=1):
            for rev, f, change in zip(result.revisions, track.cells, track.changes):
                if f is None:
                    continue
                low = f.value if f.value is not None else f.min
                high = f.value if f.value is not None else f.max
                rows.append({"revision": rev.number, "date": rev.date, "track": number, "field": name,
                             "label": track.label, "value": f.value, "low": low, "high": high,
                             "approximate": f.approximate, "change": change, "text": f.text})
    frame = pd.DataFrame(rows, columns=["revision", "date", "track", "field", "label", "value", "low", "high",
                                        "approximate", "change", "text"])
    instants = pd.Series([_first_instant(d) for d in frame["date"]], dtype="object")
    frame.insert(2, "revised", pd.to_datetime(instants, utc=True, format="ISO8601"))
    return frame


def _first_instant(date: str | None) -> str | None:
    """The first instant of an ISO date of any precision (``2019-06`` -> ``2019-06-01``)."""
    if date is None:
        return None
    padding = {4: "-01-01", 7: "-01"}  # a year, a month: their first day
    return date + padding.get(len(date), "")


def plot_history(store: KGStore, conflict: str, field_name: str, *, title: str | None = None, ax: Any = None,
                 dpi: int = 110) -> Any:
    """Draw each figure of one field over revision time: one line per figure followed
    through the revisions (its numbers at each revision's date; a range as a band), on a
    log scale. Figures whose numbers changed, or that were added or removed, are coloured
    and ringed where they changed; the others are thin and grey. Each line is labelled at
    its newest point. Undated revisions are left out. Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt

    result = history(store, conflict, field_name)
    frame = history_frame(result)
    frame = frame[frame["revised"].notna() & (frame["low"].notna() | frame["high"].notna())]
    fig, ax = canvas(ax, (12, 7), dpi)
    if frame.empty:
        say_nothing_to_draw(ax, "no dated figures with a number")
        return fig
    tracks = result.tracks[field_name]
    # tab10 without its grey: grey is for the figures that never changed
    palette = [plt.get_cmap("tab10")(i) for i in range(10) if i != 7]
    ends: list[tuple[float, str, Any, Any]] = []        # (y, label, colour, x) of each line's newest point
    colour_index = 0
    for number, group in frame.groupby("track", sort=True):
        this = tracks[int(str(number)) - 1]
        group = group.sort_values("revised")
        low, high = group["low"].fillna(group["high"]), group["high"].fillna(group["low"])
        mid = (low * high) ** 0.5
        moved = this.changed
        colour = palette[colour_index % len(palette)] if moved else "#9a9a9a"
        colour_index += moved
        ax.plot(group["revised"], mid, marker="o", color=colour, lw=2.2 if moved else 0.9, ms=5 if moved else 3,
                zorder=3 if moved else 2)
        if (high > low).any():
            ax.fill_between(group["revised"], low, high, color=colour, alpha=0.15)
        ringed = group["change"].isin([CHANGED, ADDED]).to_numpy()
        ax.scatter(group["revised"][ringed], mid[ringed], s=130, facecolors="none", edgecolors="black", lw=1.1,
                   zorder=5)
        last = group.iloc[-1]
        figure = this.cells[int(last["revision"]) - 1]
        text = f"{_short(str(last['label']), 30)}: {figure.show() if figure else ''}"
        if int(last["revision"]) < len(result.revisions):
            text += f" (removed in r{int(last['revision']) + 1})"
        ends.append((float(mid.iloc[-1]), text, colour, last["revised"]))
    ax.set_yscale("log")
    dates = sorted(frame["revised"].unique())
    span = (dates[-1] - dates[0]) if len(dates) > 1 else None
    if span is not None:
        ax.set_xlim(dates[0] - span * 0.06, dates[-1] + span * 0.5)
    _label_ends(ax, ends)
    headings = {rev.number: rev.heading for rev in result.revisions}
    ticks = frame.drop_duplicates("revision").sort_values("revised")
    ax.set_xticks(list(ticks["revised"]))
    # neighbouring revisions can be weeks apart: every other label one line lower
    ax.set_xticklabels([("\n" if k % 2 else "") + headings[int(r)] for k, r in enumerate(ticks["revision"])],
                       fontsize=10)
    ax.set_xlabel("revision date (ringed: a figure changed or added in that revision; grey: never changed)",
                  fontsize=11)
    ax.set_ylabel(f"{field_name} (log scale; band: the range given)", fontsize=11)
    ax.grid(alpha=0.3)
    ax.set_title(title or f"How the figures of {field_name} changed: {result.title}", fontsize=13)
    fig.tight_layout()
    return fig


def _label_ends(ax: Any, ends: list[tuple[float, str, Any, Any]]) -> None:
    """Label line ends to the right of the newest date, pushed apart vertically (on the
    log axis) so that no two labels overlap, each joined to its point by a thin line."""
    import matplotlib.dates as mdates

    if not ends:
        return
    ends = sorted(ends, key=lambda e: e[0])
    logs = [math.log10(max(y, 1e-9)) for y, *_ in ends]
    bottom, top = min(logs), max(logs)
    gap = max(top - bottom, 1.0) / 28                     # a label's height, about
    placed: list[float] = []
    for value in logs:
        placed.append(max(value, placed[-1] + gap) if placed else value)
    shift = max(0.0, (placed[-1] - top) / 2)             # centre the stack on the points
    placed = [p - shift for p in placed]
    for k in range(len(placed) - 2, -1, -1):             # keep the gaps after centring
        placed[k] = min(placed[k], placed[k + 1] - gap)
    x_max = max(mdates.date2num(e[3]) for e in ends)
    right = ax.get_xlim()[1]
    x_text = x_max + (right - x_max) * 0.12
    for (y, text, colour, x), where in zip(ends, placed):
        ax.annotate(text, xy=(mdates.date2num(x), y), xytext=(x_text, 10 ** where), va="center", fontsize=8,
                    color=colour if colour != "#9a9a9a" else "#555555",
                    arrowprops={"arrowstyle": "-", "color": "#aaaaaa", "lw": 0.5})
    ax.set_ylim(min(10 ** (placed[0] - gap), ax.get_ylim()[0]), max(10 ** (placed[-1] + gap), ax.get_ylim()[1]))
