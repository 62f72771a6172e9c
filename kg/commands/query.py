"""``kg query``: run SPARQL on the store (to be extended with named queries and endpoints)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import EXIT_DATA, EXIT_USAGE, Context, _fail


@click.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md"]), default="table")
@click.pass_obj
def query(obj: Context, query: str, fmt: str) -> None:
    """Run a SPARQL SELECT (a string or a .rq file) on the store."""
    from kg.render import render_rows
    from kg.sparql import select

    text = Path(query).read_text(encoding="utf-8") if query.endswith(".rq") and Path(query).is_file() else query
    try:
        rows = select(obj.store(read_only=True), text)
    except (SyntaxError, ValueError, TypeError, OSError) as exc:
        _fail(f"query failed: {exc}", EXIT_USAGE)
        return
    click.echo(render_rows(rows, fmt), nl=False)
    if not rows:
        sys.exit(EXIT_DATA)


COMMANDS = [query]
