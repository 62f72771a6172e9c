"""``kg plot``: the notebook's pictures from the command line (matplotlib, Agg backend)."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli import window_options

if TYPE_CHECKING:  # kg.cli imports this module while it registers plug-ins: import it late
    from kg.cli import Context

_FORMATS = (".png", ".svg", ".pdf")
_YEARS = re.compile(r"(-?\d{1,4})\s*[-–:]\s*(-?\d{1,4})")


def _by_year(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """``--by-year 2013-2016``: the first and last year of the small multiples."""
    if value is None:
        return None
    match = _YEARS.fullmatch(value.strip())
    if not match or int(match.group(1)) > int(match.group(2)):
        raise click.BadParameter(f"{value!r} is not a span of years FROM-TO (e.g. 2013-2016)")
    first, last = int(match.group(1)), int(match.group(2))
    if last - first > 24:
        raise click.BadParameter(f"{value!r} spans {last - first + 1} years; draw at most 25")
    return first, last


@click.command()
@click.argument("what", type=click.Choice(["alliances", "strength", "claims", "history", "timeline"]))
@click.argument("conflict_title", required=False, metavar="[TITLE|PARTY]")
@click.option("-o", "--output", required=True, metavar="FILE",
              help="Image to write (.png, .svg or .pdf), atomically.")
@click.option("--conflict", default=None, metavar="TITLE",
              help="Only this conflict and the conflicts within it (part of, transitively).")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Alliances: the N parties in most conflicts (default 40). "
                   "Strength: the N largest conflicts or estimates (default 25).")
@click.option("--field", "field_name", default=None, metavar="FIELD",
              help="History: the infobox field whose figures to follow (strength1, casualties2, …).")
@click.option("--title", default=None, help="Title of the picture (default: says what is drawn).")
@click.option("--dpi", type=click.IntRange(min=30, max=600), default=110, show_default=True,
              help="Resolution (dots per inch) of a .png.")
@window_options
@click.option("--by-year", "by_year", default=None, metavar="FROM-TO", callback=_by_year,
              help="Alliances: one small network per year, e.g. --by-year 2013-2016.")
@click.pass_obj
def plot(obj: Context, what: str, conflict_title: str | None, output: str, conflict: str | None, top: int | None,
         field_name: str | None, title: str | None, dpi: int, at: str | None, start: str | None, end: str | None,
         by_year: tuple[int, int] | None) -> None:
    """Draw the alliance network, the strengths per side, who claims which figure, how a
    figure changed over revisions, or a party's conflicts over time.

    \b
    kg plot alliances -o alliances.png --conflict "Syrian Civil War"
    kg plot alliances --at 2015 -o camps-2015.png
    kg plot alliances --by-year 2013-2016 -o by-year.png
    kg plot timeline "Free Syrian Army" -o fsa.png
    kg plot strength -o aleppo.png --conflict "Battle of Aleppo (2012–2016)"
    kg plot claims "2020 Nagorno-Karabakh war" -o claims.png
    kg plot history "American Revolutionary War" --field casualties2 -o arw.png

    Alliances with --at YEAR or --from/--to: the signed network of that time (parties
    linked only where they fought at the same time; grey: same side, red dashed: opposite
    sides), coloured by signed camp (allies pull together, enemies apart), each camp named
    after its most central member. --by-year FROM-TO: one such network per year, parties
    in the same place in every panel. Timeline: one row per conflict PARTY fought in, a
    bar over the time it fought, coloured by its first ally there, with its enemies.

    TITLE (or --conflict) names the conflict. Claims: each side's figures grouped by kind,
    one bar per figure coloured by who gives it ("Per Russia", "SOHR claim"), so competing
    counts of the same losses stand side by side. History: each figure of --field over the
    revision dates of the conflict's page (see `kg history`), one line per figure.

    Alliances: parties sized by the conflicts they fought in, coloured by camp of
    co-belligerents, linked when they fought on the same side. Strength: for a conflict with
    figures of its own, one bar per estimate; for a war (or no --conflict), personnel per
    side of each conflict within it. Bars are coloured by side. Exit 1 when there is
    nothing to draw.
    """
    from kg.cli import EXIT_DATA, EXIT_USAGE, _fail, check_window, fail_on_target

    check_window(at, start, end)
    windowed = any(v is not None for v in (at, start, end))
    if (windowed or by_year) and what != "alliances":
        _fail("--at, --from, --to and --by-year apply to kg plot alliances only", EXIT_USAGE)
    if windowed and by_year:
        _fail("give --by-year FROM-TO or a window (--at, --from/--to), not both", EXIT_USAGE)
    party = conflict_title or ""
    if what == "timeline":
        if conflict_title is None:
            _fail("kg plot timeline needs a party: kg plot timeline PARTY -o FILE", EXIT_USAGE)
        conflict_title = None

    if conflict_title is not None and conflict is not None and conflict_title != conflict:
        _fail(f"give the conflict once: {conflict_title!r} or --conflict {conflict!r}", EXIT_USAGE)
    conflict = conflict or conflict_title
    if what in ("claims", "history") and conflict is None:
        _fail(f"kg plot {what} needs a conflict: kg plot {what} TITLE -o FILE", EXIT_USAGE)
    if what == "history" and field_name is None:
        _fail("kg plot history needs --field (strength1, casualties2, …): `kg history TITLE` lists them",
              EXIT_USAGE)
    suffix = Path(output).suffix.lower()
    if suffix not in _FORMATS:
        _fail(f"-o {output}: the image must end in {', '.join(_FORMATS)}", EXIT_USAGE)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kg import analysis, camps
    from kg.cards import AmbiguousTarget, TargetNotFound
    from kg.history import UnknownField, history, history_frame, plot_history

    store = obj.store(read_only=True)
    try:
        if what == "timeline":
            scope = analysis.conflicts_within(store, conflict) if conflict else None
            try:
                frame = camps.timeline(store, party, scope)
            except KeyError as exc:
                _fail(str(exc.args[0]) if exc.args else str(exc), EXIT_DATA)
            if frame.empty:
                _fail(f"no participations of {party!r}", EXIT_DATA)
            fig = camps.plot_timeline(store, party, scope, title=title, dpi=dpi)
            drawn = f"timeline of {frame.attrs['party_label']} ({len(frame)} participations)"
        elif what == "alliances" and by_year is not None:
            scope = analysis.conflicts_within(store, conflict) if conflict else None
            if camps.signed_network(store, conflicts=scope, start=by_year[0], end=by_year[1]).number_of_nodes() == 0:
                _fail(f"no parties fought in {by_year[0]}–{by_year[1]}", EXIT_DATA)
            fig = camps.plot_by_year(store, by_year[0], by_year[1], scope, top=top or 20, title=title,
                                     dpi=min(dpi, 100))
            drawn = f"alliances year by year, {by_year[0]}–{by_year[1]}"
        elif what == "alliances" and windowed:
            scope = analysis.conflicts_within(store, conflict) if conflict else None
            network = camps.signed_network(store, at, scope, start=start, end=end)
            if network.number_of_nodes() == 0:
                _fail(f"no parties fought in {network.graph['window']}", EXIT_DATA)
            fig = camps.plot_camps(store, at, scope, start=start, end=end, top=top or 40, title=title, dpi=dpi)
            drawn = f"signed camps of {network.number_of_nodes()} parties in {network.graph['window']}"
        elif what == "alliances":
            scope = analysis.conflicts_within(store, conflict) if conflict else None
            if analysis.alliance_network(store, scope).number_of_nodes() == 0:
                _fail(f"no parties to draw{' in ' + repr(conflict) if conflict else ''}", EXIT_DATA)
            fig = analysis.plot_alliances(store, scope, top=top or 40, title=title, dpi=dpi)
            drawn = f"alliance network of {len(scope) if scope else 'all'} conflicts"
        elif what == "history":
            assert conflict is not None and field_name is not None
            frame = history_frame(history(store, conflict, field_name))
            if not (frame["revised"].notna() & (frame["low"].notna() | frame["high"].notna())).any():
                _fail(f"no dated figures with a number in {field_name} of {conflict!r}", EXIT_DATA)
            fig = plot_history(store, conflict, field_name, title=title, dpi=dpi)
            drawn = f"{frame['track'].nunique()} figures of {field_name} over {frame['revision'].nunique()} revisions"
        elif what == "claims":
            assert conflict is not None
            frame = analysis.claims(store, conflict)
            if not (frame["low"].notna() | frame["high"].notna()).any():
                _fail(f"no figures with a number in {conflict!r}", EXIT_DATA)
            fig = analysis.plot_claims(store, conflict, title=title, dpi=dpi)
            drawn = f"{len(frame)} figures by claimant"
        else:
            frame = analysis.strengths(store, conflict)
            if not frame["value"].notna().any():
                _fail(f"no strength figures{' in ' + repr(conflict) if conflict else ''}", EXIT_DATA)
            fig = analysis.plot_strengths(store, conflict, top=top or 25, title=title, dpi=dpi)
            drawn = "strengths per side"
    except (AmbiguousTarget, TargetNotFound) as exc:
        fail_on_target(str(conflict), exc)
        return
    except (UnknownField, camps.BadWindow) as exc:
        _fail(str(exc), EXIT_USAGE)
        return
    except ValueError as exc:        # a target that is not a conflict
        _fail(str(exc), EXIT_USAGE)
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}{suffix}")
    try:
        fig.savefig(tmp, format=suffix.lstrip("."))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        plt.close(fig)
    click.echo(f"wrote {drawn} to {output}", err=True)


COMMANDS = [plot]
