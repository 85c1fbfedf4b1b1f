"""serve: the graph as a read-only web service (in a module of its own, so that only
``rolegraph serve`` imports the web stack)."""

from __future__ import annotations

from pathlib import Path

import click

from rolegraph.analysis.view import framework_view
from rolegraph.cli.group import BUNDLED_KEY, BUNDLED_NOTICE, BUNDLED_SAID_KEY, RolegraphCommand
from rolegraph.cli.options import (
    Seconds,
    command_line_graph,
    given_input_format,
    given_release,
    graph_option,
    load_graph,
    note,
)
from rolegraph.errors import OptionError
from rolegraph.graph.pool import MB, Limits
from rolegraph.serve.cache import DEFAULT_MB
from rolegraph.serve.server import (
    HOST,
    Server,
    bind,
    describe,
    explorer_for,
    make_server,
    open_endpoint,
    serve_workers,
    url_of,
)
from rolegraph.util.text import plural


@click.command(cls=RolegraphCommand)
@graph_option
@click.option(
    "--endpoint",
    metavar="URL",
    help="Serve a remote SPARQL 1.1 endpoint's graph (its query URL) instead of a local graph.",
)
@click.option(
    "--graph-iri",
    metavar="IRI",
    help="With --endpoint: the named graph to serve (default-graph-uri).",
)
@click.option(
    "--host",
    default=HOST,
    show_default=True,
    help="Address to listen on; any other than 127.0.0.1 makes the service public (read-only).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A public host name the service answers to (repeatable); loopback names always.",
)
@click.option(
    "--query-timeout",
    type=Seconds(),
    default=30.0,
    show_default=True,
    help="Seconds a query may run; then it is stopped and the client told (503).",
)
@click.option(
    "--query-memory",
    type=click.IntRange(min=16, max=1024 * 1024),
    default=384,
    show_default=True,
    metavar="MB",
    help="Memory one query may use; past it the query is stopped (503).",
)
@click.option(
    "--max-result",
    type=click.IntRange(min=1, max=64 * 1024),
    default=256,
    show_default=True,
    metavar="MB",
    help="The largest answer sent; a larger one is stopped (503, or a cut-off stream).",
)
@click.option(
    "--max-queries",
    type=click.IntRange(min=1, max=64),
    default=2,
    show_default=True,
    help="Queries that run at once (each in its own worker process, or at the endpoint); others wait.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    help="Web worker processes (each with its own query workers and answers).",
)
@click.option(
    "--answer-cache",
    type=click.IntRange(min=0, max=64 * 1024),
    default=DEFAULT_MB,
    show_default=True,
    metavar="MB",
    help="Answers kept for the same query asked again (the data is read-only); 0: none.",
)
def serve(
    graph_path: Path | None,
    endpoint: str | None,
    graph_iri: str | None,
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    query_timeout: float,
    query_memory: int,
    max_result: int,
    max_queries: int,
    workers: int,
    answer_cache: int,
) -> None:
    """Serve the graph as a read-only web service: a SPARQL endpoint, a page per
    resource (HTML, Turtle or JSON-LD by content negotiation), the saved queries as forms,
    and the explorer. On 127.0.0.1 unless --host says otherwise. Stop it with Ctrl-C.

    With --endpoint URL it serves the graph of a SPARQL endpoint you already run
    (Oxigraph server, Fuseki, Virtuoso, GraphDB) the same way; the explorer is a copy of
    the graph taken at start."""

    if endpoint is not None:
        graph_path = command_line_graph(graph_path)  # --endpoint overrides $ROLEGRAPH_GRAPH
    _check_source(graph_path, endpoint, graph_iri)
    limits = Limits(timeout=query_timeout, memory=query_memory * MB, result_bytes=max_result * MB)
    if workers > 1:
        settings: dict[str, str | None] = {
            "ROLEGRAPH_ALLOWED_HOSTS": ",".join(
                (f"[{host}]" if ":" in host else host, *allowed_hosts)
            ),
            "ROLEGRAPH_QUERY_TIMEOUT": str(query_timeout),
            "ROLEGRAPH_QUERY_MEMORY": str(query_memory),
            "ROLEGRAPH_MAX_RESULT": str(max_result),
            "ROLEGRAPH_MAX_QUERIES": str(max_queries),
            "ROLEGRAPH_ANSWER_CACHE": str(answer_cache),
        }
        _serve_with_workers(workers, graph_path, endpoint, graph_iri, host, port, settings)
        return
    if endpoint is not None:
        backend, maker = open_endpoint(
            endpoint, graph_iri=graph_iri, limits=limits, max_queries=max_queries
        )
        triples = backend.stats()["triples"]
        server = make_server(
            port=port, backend=backend, explorer=maker, host=host, allowed_hosts=allowed_hosts
        )
        if not triples:
            check = (
                "is the IRI right?" if graph_iri else "is the data in a graph named by --graph-iri?"
            )
            note(f"The graph at {backend.describe()} holds no triples ({check})")
        source = f" of {backend.describe()}"
    else:
        # A store folder that fits is served from memory (its scans 3-5x faster).
        graph = load_graph(graph_path).in_memory()
        triples, source = len(graph), ""
        server = make_server(
            graph,
            port,
            explorer=explorer_for(graph),
            limits=limits,
            workers=max_queries,
            host=host,
            allowed_hosts=allowed_hosts,
            answer_cache=answer_cache,
        )
    _serve_until_stopped(server, host, f"{plural(triples, 'triple')}{source}")


def _say_bundled() -> None:
    """Serving the bundled sample is said when serving starts (after the line saying what
    is served and where), not when it stops."""
    ctx = click.get_current_context()
    if ctx.meta.get(BUNDLED_KEY) and not ctx.meta.get(BUNDLED_SAID_KEY):
        ctx.meta[BUNDLED_SAID_KEY] = True
        note(BUNDLED_NOTICE.replace("answered from", "serving"))


def _check_source(graph_path: Path | None, endpoint: str | None, graph_iri: str | None) -> None:
    """One source: a local graph (and release), or an endpoint (and its graph IRI)."""
    if endpoint is not None and (graph_path is not None or given_release() is not None):
        raise OptionError(
            "give either --graph (and --release) or --endpoint, not both",
            hint="--endpoint serves a remote store's graph; --graph-iri picks one of its graphs",
        )
    if endpoint is None and graph_iri is not None:
        raise OptionError(
            "--graph-iri names a graph of a remote endpoint: give --endpoint URL too",
            hint="a local store's graphs are its releases: pick one with --release NAME",
        )


def _serve_with_workers(
    workers: int,
    graph_path: Path | None,
    endpoint: str | None,
    graph_iri: str | None,
    host: str,
    port: int,
    settings: dict[str, str | None],
) -> None:
    """``serve --workers N``: the graph (or endpoint) checked here, then served by N web
    worker processes, each opening it itself with the settings in its environment."""
    if endpoint is not None:
        backend, _ = open_endpoint(endpoint, graph_iri=graph_iri, explorer=False)
        try:
            framework_view(backend.snapshot())  # a graph the pages cannot read: refused now
            what = f"{plural(backend.stats()['triples'], 'triple')} of {backend.describe()}"
        finally:
            backend.close()
        settings |= {"ROLEGRAPH_ENDPOINT": endpoint, "ROLEGRAPH_GRAPH_IRI": graph_iri}
        settings |= {"ROLEGRAPH_GRAPH": None, "ROLEGRAPH_RELEASE": None}
    else:
        if (graph_path is not None and str(graph_path) == "-") or given_input_format():
            raise OptionError(
                "--workers N has each worker open the graph itself, so it cannot read "
                "standard input or a file of a format its extension does not say",
                hint="give a graph file named by its format (graph.ttl) or a store folder, "
                "or serve with one worker",
            )
        graph = load_graph(graph_path)
        framework_view(graph)  # a graph the pages cannot read is refused here, not by each worker
        what = plural(len(graph), "triple")
        settings |= {
            "ROLEGRAPH_GRAPH": str(graph_path.resolve()) if graph_path else None,
            "ROLEGRAPH_RELEASE": graph.release,
        }
        settings |= {"ROLEGRAPH_ENDPOINT": None, "ROLEGRAPH_GRAPH_IRI": None}
        del graph  # each worker opens its own
    sock = bind(host, port)
    url = url_of(sock)
    if host not in ("127.0.0.1", "localhost", "::1"):
        note(
            f"warning: listening on {host}: the service is public (read-only) to every "
            "machine that can reach this address"
        )
    note(
        f"Serving {what} at {url} (SPARQL: {url}sparql) with {workers} web workers. Press Ctrl-C to stop."
    )
    _say_bundled()
    serve_workers(sock, workers, settings)
    note("Stopped.")


def _serve_until_stopped(server: Server, host: str, what: str) -> None:
    url = describe(server)
    if host not in ("127.0.0.1", "localhost", "::1"):
        note(
            f"warning: listening on {host}: the service is public (read-only) to every "
            "machine that can reach this address"
        )
    note(f"Serving {what} at {url} (SPARQL: {url}sparql). Press Ctrl-C to stop.")
    _say_bundled()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        note("Stopped.")
    finally:
        server.server_close()
