"""The ``kg`` command: a thin layer over the library API.

Exit codes (fixed, as in pySHACL): 0 ok; 1 the data has a problem (a document failed to
build, the graph does not conform, nothing matched); 2 bad usage or bad input (unknown
option, unreadable file, unknown format). Data goes to stdout, progress and summaries to
stderr.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

import kg

if TYPE_CHECKING:
    from kg.store import KGStore

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class Context:
    def __init__(self, store_path: str | None, in_memory: bool, *, store_from_env: bool = False) -> None:
        self.store_path = store_path
        self.in_memory = in_memory
        self.store_from_env = store_from_env  # store_path is $KG_STORE: --memory overrides it
        self._store: KGStore | None = None

    def store(self, *, read_only: bool = False) -> KGStore:
        from kg.store import StoreBusyError, open_store

        if self._store is None:
            path = self.store_path
            if self.in_memory and path is not None:
                if not self.store_from_env:
                    _fail("--store and --memory exclude each other; give one", EXIT_USAGE)
                path = None
            try:
                self._store = open_store(path, read_only=read_only and not self.in_memory,
                                         in_memory=self.in_memory)
            except StoreBusyError as exc:
                _fail(str(exc), EXIT_USAGE)
            except FileNotFoundError as exc:
                _fail(f"{exc.filename}: no store here; run `kg build PATH` first or pass --store DIR", EXIT_USAGE)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"kg: {message}", err=True)
    sys.exit(code)


def time_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check ``--at``/``--from``/``--to``: a year (2015) or a partial date (2015-06,
    2015-06-30); anything else is bad usage (exit 2, naming the option and the value)."""
    if value is None:
        return None
    from kg.camps import BadWindow, parse_day

    try:
        parse_day(value)
    except BadWindow:
        raise click.BadParameter(f"{value!r} is not a year (2015) or a date (2015-06, 2015-06-30)") from None
    return value


def window_options(command: Any) -> Any:
    """``--at YEAR`` or ``--from YEAR``/``--to YEAR``: the time window of a network."""
    for option in reversed([
        click.option("--at", "at", default=None, metavar="YEAR", callback=time_option,
                     help="Only who fought in this year (or at this date: 2015-06)."),
        click.option("--from", "start", default=None, metavar="YEAR", callback=time_option,
                     help="Only who fought from this year (or date) on."),
        click.option("--to", "end", default=None, metavar="YEAR", callback=time_option,
                     help="Only who fought until this year (or date)."),
    ]):
        command = option(command)
    return command


def check_window(at: str | None, start: str | None, end: str | None) -> None:
    """Exit 2 when the options give no readable window (``--at`` with ``--from``, ``--from``
    after ``--to``)."""
    from kg.camps import BadWindow, window

    try:
        window(at, start, end)
    except BadWindow as exc:
        message = str(exc).replace("either at or start/end", "either --at or --from/--to")
        _fail(message.replace("the window starts", "--from").replace(") after it ends (", ") is after --to ("),
              EXIT_USAGE)


def _same_store(a: str, b: str) -> bool:
    return a == b or Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


def _store_after_verb(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """``--store``/``--memory`` given after the verb mean what they mean before it.

    The group's callback has already made the :class:`Context` (click runs it before it
    parses the verb's options), so this only updates it. ``--store`` after the verb wins over
    ``$KG_STORE``; given both before and after the verb with different directories, it is a
    usage error (exit 2).
    """
    if value is None or value is False:
        return
    obj = ctx.find_object(Context)
    if obj is None:  # the command was invoked on its own, outside ``kg``
        return
    if param.name == "memory":
        obj.in_memory = True
        return
    group = ctx.parent
    before = group.get_parameter_source("store_path") if group is not None else None
    if before is ParameterSource.COMMANDLINE and obj.store_path and not _same_store(obj.store_path, value):
        raise click.UsageError(f"--store given twice: {obj.store_path!r} before {ctx.info_name!r} "
                               f"and {value!r} after it; give one", ctx=ctx)
    obj.store_path = value
    obj.store_from_env = False


def _store_options() -> list[click.Option]:
    """The group's ``--store`` and ``--memory``, for every verb (after the verb)."""
    return [
        click.Option(["--store", "store_path"], metavar="DIR", expose_value=False, callback=_store_after_verb,
                     help="Store directory, as before the verb (default: $KG_STORE or ./kg-store)."),
        click.Option(["--memory"], is_flag=True, default=False, expose_value=False, callback=_store_after_verb,
                     help="Use a throw-away in-memory store, as before the verb."),
    ]


class _PluginGroup(click.Group):
    """Adds the verbs of :mod:`kg.commands` on first lookup, not at import time: a plug-in
    module that imports this one (for Context, exit codes) may be the first to import it,
    and registering eagerly would then see that module half-loaded and drop its verbs.

    Every verb also takes ``--store``/``--memory`` after its name (``kg build data --store
    X``), the same options as before it."""

    _loaded = False

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        taken = {opt for param in cmd.params for opt in getattr(param, "opts", [])}
        cmd.params.extend(option for option in _store_options() if not set(option.opts) & taken)
        super().add_command(cmd, name)

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            from kg.commands import load_commands

            for command in load_commands():
                self.add_command(command)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)


@click.group(cls=_PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_path", envvar="KG_STORE", metavar="DIR",
              help="Store directory (default: $KG_STORE or ./kg-store).")
@click.option("--memory", is_flag=True, help="Use a throw-away in-memory store.")
@click.version_option(kg.__version__, "-V", "--version", prog_name="kg")
@click.pass_context
def main(ctx: click.Context, store_path: str | None, memory: bool) -> None:
    """conflict-kg: Wikipedia conflict articles and news as one RDF knowledge graph.

    \b
    Exit codes: 0 ok, 1 data problem (failed documents, non-conforming graph,
    nothing found), 2 bad usage or input.
    """
    ctx.obj = Context(store_path, memory,
                      store_from_env=ctx.get_parameter_source("store_path") is ParameterSource.ENVIRONMENT)
    ctx.call_on_close(ctx.obj.close)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--force", is_flag=True, help="Rebuild documents even when their content hash is unchanged.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON on stdout.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, envvar="KG_WORKERS",
              help="Processes that read, parse and map articles (one writer); default $KG_WORKERS or 1.")
@click.option("--scheduler", metavar="ADDRESS", envvar="KG_SCHEDULER",
              help="Read, parse and map articles on this Dask distributed scheduler (tcp://host:8786) "
                   "instead of local processes; needs the 'distributed' extra. See docs/distributed.md.")
@click.option("--shards", metavar="DIR", type=click.Path(file_okay=False),
              help="With --scheduler: the folder, shared with the workers, for the N-Quads shards "
                   "(default: a new folder next to the store).")
@click.option("--load/--no-load", default=True, show_default=True,
              help="With --scheduler: load the shards into the store (--no-load: leave them, with "
                   "identity.nq, for `kg load-shards` or another SPARQL store).")
@click.pass_obj
def build(obj: Context, paths: tuple[str, ...], force: bool, progress: bool | None, as_json: bool,
          workers: int | None, scheduler: str | None, shards: str | None, load: bool) -> None:
    """Build files or folders of documents into the store.

    Every good document is stored even when others fail; exit 1 if any failed.
    """
    from kg.builder import build as run_build

    for path in paths:
        if not Path(path).exists():
            _fail(f"{path}: no such file or folder", EXIT_USAGE)
    if scheduler is None and (shards is not None or not load):
        _fail("--shards and --no-load go with --scheduler", EXIT_USAGE)
    source = click.get_current_context().get_parameter_source("workers")
    if scheduler is not None and source is ParameterSource.COMMANDLINE:
        _fail("--workers and --scheduler exclude each other (the cluster has its own workers)", EXIT_USAGE)
    if scheduler is not None and not load:
        from kg.distributed import map_to_shards

        folder, partitions = map_to_shards(obj.store(), list(paths), scheduler, shards, skip_unchanged=not force)
        bad = [r for p in partitions for r in p.results if r.status in ("failed", "quarantined")]
        for result in bad:
            click.echo(f"{result.status.upper()} [{result.code}] {result.reason}", err=True)
        click.echo(f"shards of {sum(len(p.results) for p in partitions)} articles in {folder}", err=True)
        click.echo(str(folder))
        sys.exit(EXIT_DATA if bad else EXIT_OK)
    report = run_build(obj.store(), list(paths), progress=progress, skip_unchanged=not force, workers=workers,
                       scheduler=scheduler, shards=shards)
    obj.store().flush()
    click.echo(report.summary(), err=True)
    if as_json:
        click.echo(json.dumps({
            "stored": report.count("stored"), "unchanged": report.count("unchanged"),
            "skipped": report.count("skipped"), "reread_reader_changed": len(report.reread),
            "dumps": {path: str(stats) for path, stats in sorted(report.dump_stats.items())},
            "failed": [{"path": o.path, "status": o.status, "code": o.code, "reason": o.reason}
                       for o in report.failed],
            "triples": report.triples, "seconds": round(report.seconds, 3),
            "warnings_by_kind": dict(sorted(report.warnings_by_kind.items())),
        }, ensure_ascii=False, indent=2))
    sys.exit(EXIT_DATA if report.failed else EXIT_OK)


@main.command("load-shards")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.pass_obj
def load_shards(obj: Context, folder: str) -> None:
    """Load the N-Quads shards of `kg build --scheduler ... --no-load` into the store.

    Identities, news links and the derived graph are then refreshed, as in a build.
    """
    from kg.builder import load_shards as run_load

    try:
        report = run_load(obj.store(), folder)
    except FileNotFoundError as exc:
        _fail(str(exc), EXIT_USAGE)
    click.echo(report.summary(), err=True)


@main.command()
@click.argument("path", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
def parse(path: str, as_json: bool) -> None:
    """Show what is read from one article (no store needed)."""
    from kg.infobox import parse_conflict
    from kg.readers import DocumentError, read_document

    if not Path(path).is_file():
        _fail(f"{path}: no such file", EXIT_USAGE)
    try:
        doc = read_document(path)
    except DocumentError as exc:
        _fail(str(exc), EXIT_USAGE)
        return
    record = parse_conflict(doc) if doc.kind == "wikipedia" else None
    if as_json:
        payload = {
            "path": doc.path, "title": doc.title, "kind": doc.kind, "content_hash": doc.content_hash,
            "short_description": doc.short_description, "sections": [s.title for s in doc.sections],
            "links": len(doc.links), "record": dataclasses.asdict(record) if record else None,
            "warnings": [dataclasses.asdict(w) for w in doc.warnings],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from kg.infobox.render import render_record

    click.echo(render_record(doc, record))


def fail_on_target(target: str, exc: LookupError) -> None:
    """Exit 1 for a target that names nothing, or several things (listed, so the user can
    say which)."""
    from kg.cards import AmbiguousTarget

    if isinstance(exc, AmbiguousTarget):
        click.echo(f"kg: {exc.heading}", err=True)
        for candidate in exc.candidates:
            click.echo(f"  {candidate['label']}  <{candidate['iri']}>  ({candidate['kind']})", err=True)
        sys.exit(EXIT_DATA)
    _fail(str(exc), EXIT_DATA)


@main.command()
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print the card as JSON (UTF-8).")
@click.pass_obj
def show(obj: Context, target: str, as_json: bool) -> None:
    """Show the card of a conflict, an entity or a source document.

    TARGET is a title or label (any case), an IRI, or the path of an ingested file. A part
    of a name shows the one thing it names; when it names several, they are listed (best
    first, at most 10) as "did you mean" and the exit code is 1.
    """
    from kg.cards import AmbiguousTarget, TargetNotFound, card
    from kg.render import render_card

    try:
        result = card(obj.store(read_only=True), target)
    except (AmbiguousTarget, TargetNotFound) as exc:
        fail_on_target(target, exc)
        return
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(render_card(result))


@main.command()
@click.option("--format", "fmt", default=None, help="ttl, nt, nq, trig or jsonld (default: from -o's extension, else ttl).")
@click.option("-o", "--output", default="-", help="File to write atomically (default: stdout).")
@click.option("--graph", "graph", default=None, help="Only this document's graph (IRI or ingested file path).")
@click.option("--conflict", "conflict", default=None,
              help="Only the graphs of the documents describing this conflict; with --projection, "
                   "this conflict and the conflicts within it (part of, transitively).")
@click.option("--with-build-log", is_flag=True, help="Include the graph of ingestion times (not deterministic).")
@click.option("--projection", default=None,
              help="With --format graphml|gexf: the network to write (entities, alliances, commanders, mentions, "
                   "alliances-over-time).")
@window_options
@click.pass_obj
def export(obj: Context, fmt: str | None, output: str, graph: str | None, conflict: str | None,
           with_build_log: bool, projection: str | None, at: str | None, start: str | None,
           end: str | None) -> None:
    """Export the graph (deterministic output, stable prefixes), or a network projection
    of it as GraphML/GEXF.

    \b
    kg export --projection alliances --format gexf --at 2015 -o 2015.gexf
    kg export --projection alliances-over-time --format gexf -o timeline.gexf

    alliances-over-time, and alliances with --at or --from/--to: the signed alliance
    network of that time (parties linked only where they fought at the same time, on the
    same or on opposite sides; each party's camp), as a dynamic GEXF whose nodes and edges
    carry their intervals for Gephi's timeline (GraphML: start_date/end_date attributes).
    """
    from kg.cards import AmbiguousTarget, TargetNotFound, resolve_target
    from kg.exporter import export as run_export, format_for
    from kg.sparql import select, sparql_iri

    network_format = (fmt or Path(output).suffix.lstrip(".")).lower()
    windowed = any(v is not None for v in (at, start, end))
    check_window(at, start, end)
    if windowed and not projection:
        _fail("--at, --from and --to apply to a network: add --projection alliances and --format gexf or graphml",
              EXIT_USAGE)
    if network_format in ("graphml", "gexf") or projection:
        from kg.projections import PROJECTIONS, conflicts_within, write_graph
        from kg.projections import projection as build_projection

        if network_format not in ("graphml", "gexf"):
            _fail("--projection needs --format graphml or gexf", EXIT_USAGE)
        over_time = projection == "alliances-over-time" or (projection == "alliances" and windowed)
        if projection not in PROJECTIONS and not over_time:
            _fail(f"--projection must be one of: {', '.join([*PROJECTIONS, 'alliances-over-time'])}", EXIT_USAGE)
        if windowed and not over_time:
            _fail("--at, --from and --to apply to --projection alliances (or alliances-over-time) only", EXIT_USAGE)
        if graph or with_build_log:
            _fail("--graph and --with-build-log do not apply to --projection (use --conflict)", EXIT_USAGE)
        store = obj.store(read_only=True)
        scope: set[str] | None = None
        if conflict:
            try:
                kind, iri = resolve_target(store, conflict)
            except (TargetNotFound, AmbiguousTarget) as exc:
                fail_on_target(conflict, exc)
                return
            if kind != "conflict":
                article = "an" if kind[:1] in "aeiou" else "a"
                _fail(f"--conflict {conflict!r} is {article} {kind}, not a conflict", EXIT_USAGE)
            scope = conflicts_within(store, iri)
        if over_time:
            from kg.camps import alliances_over_time, write_network

            network = alliances_over_time(store, scope, at=at, start=start, end=end)
            write: Any = write_network
        else:
            network, write = build_projection(store, str(projection), scope), write_graph
        within = ""
        if scope is not None:
            within = f" of {conflict!r}" + (f" and the {len(scope) - 1} conflicts within it" if len(scope) > 1 else "")
        if windowed:
            within += f" in {network.graph['window']}"
        if (scope is not None or windowed) and network.number_of_edges() == 0:
            _fail(f"the {projection} projection{within} has no edges", EXIT_DATA)
        counts = write(network, network_format, sys.stdout.buffer if output == "-" else output)
        click.echo(f"{projection}{within}: {counts[0]} nodes, {counts[1]} edges", err=True)
        return
    try:
        exporter = format_for(fmt or (Path(output).suffix if output != "-" else "ttl"))
    except ValueError as exc:
        _fail(str(exc), EXIT_USAGE)
        return
    store = obj.store(read_only=True)
    graphs: list[str] | None = None
    try:
        if graph:
            kind, iri = resolve_target(store, graph)
            if kind != "document":
                _fail(f"--graph {graph!r} is a {kind}, not an ingested document", EXIT_USAGE)
            graphs = [iri]
        if conflict:
            kind, iri = resolve_target(store, conflict)
            rows = select(store, f"SELECT DISTINCT ?d WHERE {{ ?d ckg:describes {sparql_iri(iri)} }} ORDER BY ?d")
            graphs = (graphs or []) + [r["d"] for r in rows]
            if not graphs:
                _fail(f"no document describes {conflict!r}", EXIT_DATA)
    except (TargetNotFound, AmbiguousTarget) as exc:
        _fail(str(exc), EXIT_DATA)
    if graphs is None and not with_build_log:
        from kg.builder import BUILD_LOG_GRAPH

        graphs = [g for g in store.graphs() if g != BUILD_LOG_GRAPH]
    out: Any = sys.stdout.buffer if output == "-" else output
    count = run_export(store, exporter, out, graphs=graphs)
    if output != "-":
        click.echo(f"wrote {count} statements to {output}", err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def validate(obj: Context, as_json: bool) -> None:
    """Check the graph against the SHACL shapes; exit 1 when it does not conform."""
    from kg.validate import format_report, validate_store

    report = validate_store(obj.store(read_only=True))
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(format_report(report))
    sys.exit(EXIT_OK if report.conforms else EXIT_DATA)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.option("--identity", is_flag=True, help="Merged, ambiguous and unlinked names instead.")
@click.pass_obj
def stats(obj: Context, as_json: bool, identity: bool) -> None:
    """Counts by class, documents, triples and warnings by kind."""
    from kg.stats import format_identity, format_stats, identity_stats, store_stats

    store = obj.store(read_only=True)
    result = identity_stats(store) if identity else store_stats(store)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(format_identity(result) if identity else format_stats(result))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.pass_obj
def remove(obj: Context, paths: tuple[str, ...]) -> None:
    """Remove documents (by file path or document IRI) and every entity only they
    introduced; identities are recomputed."""
    from kg.builder import remove as run_remove

    try:
        removed = run_remove(obj.store(), list(paths))
    except KeyError as exc:
        _fail(str(exc.args[0]), EXIT_USAGE)
        return
    obj.store().flush()
    for iri in removed:
        click.echo(f"removed {iri}", err=True)


def run() -> None:  # pragma: no cover - entry point alias
    main()

