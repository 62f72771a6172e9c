"""``kg serve``: the store as a SPARQL 1.1 endpoint, run by the Oxigraph server (see
:mod:`kg.endpoint` for the architecture)."""

from __future__ import annotations

import click

from kg.cli import EXIT_USAGE, Context, _fail


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port, printed at start).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1), metavar="S",
              help="Cancel a request after S seconds (the worker running it is killed and replaced).")
@click.option("--allow-updates", is_flag=True,
              help="Accept SPARQL updates and Graph Store writes (holds the store's write lock).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Oxigraph worker processes, each running one request at a time.")
@click.option("--cors", is_flag=True, help="Send CORS headers (Access-Control-Allow-Origin: *).")
@click.option("--max-result-mb", default=256, show_default=True, type=click.IntRange(1, 1 << 20),
              help="Refuse results larger than this (MiB).")
@click.pass_obj
def serve(obj: Context, host: str, port: int, timeout: float, allow_updates: bool, workers: int, cors: bool,
          max_result_mb: int) -> None:
    """Serve the store as a SPARQL 1.1 Protocol endpoint with a query page.

    \b
    Read-only by default: it serves a snapshot of the store taken at start and
    never holds the write lock, so `kg build` can run meanwhile (restart to see it).
    Endpoint: http://HOST:PORT/query (also /sparql; Graph Store reads at /store).
    Query page (works offline): http://HOST:PORT/
    """
    from kg.endpoint import serve as run_serve
    from kg.store import resolve_store_path

    if obj.in_memory:
        _fail("kg serve needs a store directory (--store DIR), not --memory", EXIT_USAGE)
    path = resolve_store_path(obj.store_path)
    if not allow_updates and not (path / "CURRENT").exists():
        _fail(f"{path}: no store here; run `kg build PATH` first or pass --store DIR", EXIT_USAGE)
    try:
        run_serve(path, host=host, port=port, timeout=timeout, allow_updates=allow_updates, workers=workers,
                  cors=cors, max_result_mb=max_result_mb)
    except FileNotFoundError as exc:
        _fail(str(exc), EXIT_USAGE)
    except OSError as exc:
        _fail(f"cannot serve on {host}:{port}: {exc}", EXIT_USAGE)
    except RuntimeError as exc:
        _fail(str(exc), EXIT_USAGE)


COMMANDS = [serve]
