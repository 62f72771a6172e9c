"""``kg plot``: the notebook's pictures from the command line (matplotlib, Agg backend)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # kg.cli imports this module while it registers plug-ins: import it late
    from kg.cli import Context

_FORMATS = (".png", ".svg", ".pdf")


@click.command()
@click.argument("what", type=click.Choice(["alliances", "strength", "claims", "history"]))
@click.argument("conflict_title", required=False, metavar="[TITLE]")
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
@click.pass_obj
def plot(obj: Context, what: str, conflict_title: str | None, output: str, conflict: str | None, top: int | None,
         field_name: str | None, title: str | None, dpi: int) -> None:
    """Draw the alliance network, the strengths per side, or who claims which figure.

    \b
    kg plot alliances -o alliances.png --conflict "Syrian Civil War"
    kg plot strength -o aleppo.png --conflict "Battle of Aleppo (2012–2016)"
    kg plot claims "2020 Nagorno-Karabakh war" -o claims.png
    kg plot history "American Revolutionary War" --field casualties2 -o arw.png

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
    from kg.cli import EXIT_DATA, EXIT_USAGE, _fail, fail_on_target

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

    from kg import analysis
    from kg.cards import AmbiguousTarget, TargetNotFound
    from kg.history import UnknownField, history, history_frame, plot_history

    store = obj.store(read_only=True)
    try:
        if what == "alliances":
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
    except UnknownField as exc:
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
