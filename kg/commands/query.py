"""``kg query``: named queries, SPARQL files or text, on the store or on any endpoint.

Exit codes: 0 results; 1 no results (an empty SELECT, ASK false, an empty graph);
2 bad usage or input: unknown query name, bad parameter, syntax error (the message says which
query), no store, or an endpoint that failed, timed out or sent a truncated response.
"""

from __future__ import annotations

import os
import sys
import threading
import textwrap
from pathlib import Path

import click

from kg.cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, Context, _fail

FORMATS = ["table", "csv", "tsv", "json", "md"]


def _parse_params(items: tuple[str, ...]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            _fail(f"--param {item!r}: write NAME=VALUE", EXIT_USAGE)
        params.setdefault(name.strip(), []).append(value)
    return params


def _resolve(spec: str):  # -> NamedQuery
    from kg.queries import QueryError, UnknownQuery, load_queries, parse_query

    try:
        queries = load_queries()
    except (FileNotFoundError, QueryError) as exc:
        queries = {}
        named_error: Exception | None = exc
    else:
        named_error = None
    if spec in queries:
        return queries[spec]
    path = Path(spec)
    if spec.endswith(".rq"):
        if not path.is_file():
            _fail(f"{spec}: no such query file", EXIT_USAGE)
        try:
            return parse_query(path.read_text(encoding="utf-8"), path.stem, path)
        except (QueryError, UnicodeDecodeError) as exc:
            _fail(f"{spec}: {exc}", EXIT_USAGE)
    if "{" in spec or any(c.isspace() for c in spec.strip()):
        try:
            return parse_query(spec, "query")
        except QueryError as exc:
            _fail(f"in the SPARQL given: {exc}", EXIT_USAGE)
    if named_error is not None:
        _fail(f"cannot load the named queries: {named_error}", EXIT_USAGE)
    _fail(str(UnknownQuery(spec, queries)), EXIT_USAGE)
    raise AssertionError("unreachable")


def _describe(query) -> str:  # NamedQuery -> str
    if query.path is None:
        return "the SPARQL given"
    try:
        where = query.path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        where = query.path
    return f"query {query.name} ({where})"


def _list_queries(fmt: str) -> None:
    import json

    from kg.queries import QueryError, load_queries

    try:
        queries = load_queries()
    except (FileNotFoundError, QueryError) as exc:
        _fail(f"cannot load the named queries: {exc}", EXIT_USAGE)
        return
    if fmt == "json":
        click.echo(json.dumps([
            {"name": q.name, "title": q.title, "description": q.description, "form": q.form,
             "params": [{"name": p.name, "default": p.default, "required": p.required, "example": p.example,
                         "optional": p.optional, "kind": p.kind, "meaning": p.meaning}
                        for p in q.params]}
            for q in queries.values()], ensure_ascii=False, indent=2))
        return
    import shutil

    width = min(100, max(60, shutil.get_terminal_size((100, 24)).columns))
    for query in queries.values():
        click.echo(click.style(query.name, bold=True) + f"  {query.title}")
        for line in textwrap.wrap(query.description, width - 4):
            click.echo(f"    {line}")
        for param in query.params:
            if param.required:
                value = "VALUE" + (f" (required; e.g. {param.example})" if param.example else " (required)")
            elif param.optional:
                value = "VALUE" + (f" (optional; e.g. {param.example})" if param.example else " (optional)")
            else:
                value = f"{param.default} (default)"
            meaning = f" — {param.meaning}" if param.meaning else ""
            click.echo(f"    --param {param.name}={value}{meaning} [{param.kind}]")
        click.echo("")
    click.echo(f"{len(queries)} named queries; run one with `kg query NAME [--param NAME=VALUE]`")


def _watchdog(seconds: float) -> threading.Timer:
    """End the process when an embedded query runs past ``seconds``: pyoxigraph cannot cancel
    a running query, and a read-only store needs no clean-up."""

    def expire() -> None:
        sys.stderr.write(f"kg: query timed out after {seconds:g} s (--timeout); stopped\n")
        sys.stderr.flush()
        os._exit(EXIT_USAGE)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer


def _unshift(message: str, sparql: str, named) -> str:  # NamedQuery
    """The syntax error as the parser reports it for the query as written: the rendered
    text has the PREFIX block and the VALUES of the parameters inserted, which move
    lines and columns, so the user's text is parsed alone (see
    :func:`kg.queries.syntax_error_of`); the rendered text's message is kept only when the
    user's text parses (the error then is in what was inserted)."""
    from kg.queries import syntax_error_of

    return syntax_error_of(named.text) or message


def _output(result, fmt: str) -> None:  # QueryResult
    import json

    import pyoxigraph as ox

    from kg.render import render_rows

    if result.form == "SELECT":
        if result.rows:
            click.echo(render_rows(result.rows, fmt), nl=False)
        elif fmt in ("csv", "tsv"):
            import csv
            import io

            buffer = io.StringIO()
            csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n").writerow(result.columns)
            click.echo(buffer.getvalue(), nl=False)
        elif fmt == "json":
            click.echo("[]")
        else:
            click.echo(f"(no results; columns: {', '.join(result.columns)})")
    elif result.form == "ASK":
        click.echo(json.dumps(result.boolean) if fmt == "json" else str(result.boolean).lower())
    else:
        from kg.rdf.terms import PREFIXES

        iris = {t.value for triple in result.triples for t in (triple.subject, triple.predicate, triple.object)
                if isinstance(t, ox.NamedNode)}
        iris |= {triple.object.datatype.value for triple in result.triples if isinstance(triple.object, ox.Literal)}
        used = {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}
        data = ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=used)
        click.echo((data or b"").decode("utf-8"), nl=False)


@click.command()
@click.argument("query", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (repeat for several values or parameters).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format of SELECT results.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their parameters.")
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the store.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None, metavar="S",
              help="Give up after S seconds (default: 60 on an endpoint, none on the store).")
@click.option("--user", default=None, help="User name for the endpoint (HTTP basic auth).")
@click.option("--password", default=None, envvar="KG_ENDPOINT_PASSWORD",
              help="Password for the endpoint (or $KG_ENDPOINT_PASSWORD).")
@click.option("--show", "show_sparql", is_flag=True, help="Print the SPARQL that would run, and exit.")
@click.pass_obj
def query(obj: Context, query: str | None, params: tuple[str, ...], fmt: str, list_queries: bool,
          endpoint: str | None, timeout: float | None, user: str | None, password: str | None,
          show_sparql: bool) -> None:
    """Run a named query, a .rq file or SPARQL text, on the store or an endpoint.

    \b
    QUERY is the name of a named query (`kg query --list`), a FILE.rq, or SPARQL
    text. Parameters are bound with VALUES, escaped by their kind: never pasted.
    Exit 0 with results, 1 when there are none, 2 on bad usage or input.
    """
    from kg.queries import EndpointError, QueryError, check_prefixes, defaulted, render, run_local, run_remote

    if list_queries:
        _list_queries(fmt)
        return
    if not query:
        _fail("give a query name, a .rq file or SPARQL text (`kg query --list` shows the names)", EXIT_USAGE)
        return
    named = _resolve(query)
    given = _parse_params(params)
    for param in defaulted(named, given):
        # a default is legitimate, but the reader should know it was used
        click.echo(f"kg: parameter {param.name} not given: using its default {param.default} "
                   f"(--param {param.name}=VALUE to choose)", err=True)
    try:
        sparql = render(named, given, examples=False)
    except QueryError as exc:
        _fail(f"{_describe(named)}: {exc}", EXIT_USAGE)
        return
    if show_sparql:
        click.echo(sparql)
        return
    try:
        form = named.form
    except QueryError as exc:
        _fail(f"{_describe(named)}: {exc}", EXIT_USAGE)
        return
    if form == "UPDATE":
        _fail(f"{_describe(named)} is a SPARQL update; kg query only reads", EXIT_USAGE)
    if endpoint:
        try:
            result = run_remote(endpoint, sparql, timeout=timeout or 60.0, user=user, password=password)
        except EndpointError as exc:
            prefix = f"syntax error in {_describe(named)}" if getattr(exc, "syntax", False) else "endpoint error"
            _fail(f"{prefix}: {exc}", EXIT_USAGE)
            return
        except QueryError as exc:
            _fail(f"{_describe(named)}: {exc}", EXIT_USAGE)
            return
    else:
        try:
            # before the store opens: pyoxigraph's own message lists its grammar, not the prefix
            check_prefixes(named.text)
        except QueryError as exc:
            _fail(f"{_describe(named)}: {exc}", EXIT_USAGE)
            return
        store = obj.store(read_only=True)
        timer = _watchdog(timeout) if timeout else None
        try:
            result = run_local(store, sparql)
        except SyntaxError as exc:
            _fail(f"syntax error in {_describe(named)}: {_unshift(str(exc), sparql, named)}", EXIT_USAGE)
            return
        except (OSError, ValueError, TypeError) as exc:
            _fail(f"{_describe(named)} failed: {exc}", EXIT_USAGE)
            return
        finally:
            if timer is not None:
                timer.cancel()
    _output(result, fmt)
    sys.exit(EXIT_DATA if result.empty else EXIT_OK)


COMMANDS = [query]
