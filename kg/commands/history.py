"""``kg history``: how a conflict's figures changed across the revisions of its page."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # kg.cli imports this module while it registers plug-ins: import it late
    from kg.cli import Context


@click.command()
@click.argument("title")
@click.option("--field", "field_name", default=None, metavar="FIELD",
              help="Only this infobox field (strength1, casualties2, …).")
@click.option("--changed", "changed_only", is_flag=True,
              help="Only the figures that changed, were added or removed at some revision.")
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON (UTF-8).")
@click.pass_obj
def history(obj: Context, title: str, field_name: str | None, changed_only: bool, as_json: bool) -> None:
    """Every figure of a conflict across the revisions of its page, oldest first.

    \b
    kg history "American Revolutionary War"
    kg history "American Revolutionary War" --field casualties2 --json

    The revisions are the documents describing the conflict, dated by their revision
    timestamp (a dump's <timestamp>, or the revision_timestamp column of a revisions.tsv
    beside the files); undated ones come first. Each row is one figure followed through
    the revisions: * marks a figure whose numbers changed, + one added, ~ the same numbers
    in other words, and (removed) a figure gone. Exit 1 when the title names nothing (with
    "did you mean") or the conflict has no figures, 2 when it is not a conflict or the
    field is not one of its fields.
    """
    from kg.cards import AmbiguousTarget, TargetNotFound
    from kg.cli import EXIT_DATA, EXIT_USAGE, _fail, fail_on_target
    from kg.history import UnknownField, history_json, render_history
    from kg.history import history as read_history

    try:
        result = read_history(obj.store(read_only=True), title, field_name)
    except (AmbiguousTarget, TargetNotFound) as exc:
        fail_on_target(title, exc)
        return
    except UnknownField as exc:
        _fail(str(exc), EXIT_USAGE)
        return
    except ValueError as exc:        # a target that is not a conflict
        _fail(str(exc), EXIT_USAGE)
        return
    if not result.tracks:
        _fail(f"no revision of {result.title!r} has strength or casualty figures", EXIT_DATA)
    if as_json:
        click.echo(json.dumps(history_json(result), ensure_ascii=False, indent=2))
    else:
        click.echo(render_history(result, changed_only=changed_only))


COMMANDS = [history]
