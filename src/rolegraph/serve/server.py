"""``rolegraph serve``: the graph as a read-only linked-data web service.

* ``/sparql`` — the SPARQL 1.1 Protocol (GET, POST urlencoded or direct; results as
  SPARQL JSON, XML, CSV or TSV, graphs as Turtle, N-Triples, JSON-LD or RDF/XML, by the
  Accept header). Updates are refused with 403, on ``/sparql`` and ``/update``.
* ``/id/...`` — every resource of the graph, by content negotiation.
* ``/queries`` — the saved queries as forms; results as HTML tables (or CSV / JSON / TSV).
* ``/ontology``, ``/ontology/context.jsonld``, ``/ontology/shapes.ttl``.
* ``/explorer`` — the interactive HTML explorer of the graph.
* ``/.well-known/void``, ``/catalog``, ``/dumps/rolegraph.{ttl,nt,jsonld}``, the service
  description at ``/sparql``; ``/ontology/0.1.0``, ``/shapes``, ``/release/NAME`` (:mod:`.describe`).

:func:`create_app` makes the ASGI application (:mod:`.web`) over an embedded graph or a
remote SPARQL endpoint; :func:`make_server` binds it with uvicorn. Under another ASGI
server, ``create_app()`` with no arguments reads its settings from the environment
(``ROLEGRAPH_GRAPH``, ``ROLEGRAPH_ENDPOINT``, ... see :data:`ENVIRONMENT`).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.errors import OptionError, OutputError
from rolegraph.explorer.page import build_explorer, render_html
from rolegraph.graph.open import open_graph
from rolegraph.graph.pool import MB, Limits, QueryPool
from rolegraph.graph.store import RoleGraph
from rolegraph.serve.app import ExplorerMaker
from rolegraph.serve.backend import EmbeddedBackend
from rolegraph.serve.cache import DEFAULT_MB, AnswerCache
from rolegraph.serve.remote import RemoteBackend
from rolegraph.serve.web import make_app
from rolegraph.spelling import option

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from rolegraph.serve.backend import Backend

HOST = "127.0.0.1"
#: the settings :func:`create_app` reads when it is given none (as an ASGI server calls it)
ENVIRONMENT = {
    "ROLEGRAPH_GRAPH": "a graph file or store folder (default: the bundled data)",
    "ROLEGRAPH_RELEASE": "with a store folder holding several releases: which one",
    "ROLEGRAPH_ENDPOINT": "a SPARQL endpoint's query URL to serve instead of a graph",
    "ROLEGRAPH_GRAPH_IRI": "with ROLEGRAPH_ENDPOINT: the endpoint's graph to serve",
    "ROLEGRAPH_ALLOWED_HOSTS": "public host names the service answers to, comma-separated",
    "ROLEGRAPH_QUERY_TIMEOUT": "seconds a query may run (30)",
    "ROLEGRAPH_QUERY_MEMORY": "MB of memory a query may use (384)",
    "ROLEGRAPH_MAX_RESULT": "MB of the largest answer sent (256)",
    "ROLEGRAPH_MAX_QUERIES": "queries that run at once in each web worker (2)",
    "ROLEGRAPH_ANSWER_CACHE": f"MB of answers each web worker keeps ({DEFAULT_MB}; 0: none)",
}
#: the uvicorn settings of ``rolegraph serve``: HTTP/1.1 keep-alive by httptools on uvloop
#: (uvicorn's choice when they are installed, as they are with rolegraph), no access log,
#: a deep listen backlog
UVICORN = {
    "log_level": "warning",
    "access_log": False,
    "server_header": False,
    "lifespan": "on",
    "timeout_keep_alive": 5,
    "timeout_graceful_shutdown": 2,
    "backlog": 2048,
    # each response in one write (see .transport)
    "http": "rolegraph.serve.transport:CoalescingHttp",
}


def explorer_for(graph: RoleGraph) -> ExplorerMaker:
    """Makes the explorer page of one view of ``graph`` (the server asks on request)."""

    def page(view: str, role: str | None, skill: str | None, link_base: str) -> bytes:
        explorer = build_explorer(graph, view, role=role, skill=skill)
        return render_html(explorer, link_base=link_base).encode("utf-8")

    return page


def create_app(
    graph: RoleGraph | Path | str | None = None,
    *,
    endpoint: str | None = None,
    graph_iri: str | None = None,
    limits: Limits | None = None,
    max_queries: int | None = None,
    explorer: bool = True,
    allowed_hosts: Sequence[str] | None = None,
    cors_origins: Sequence[str] = ("*",),
    answer_cache: int | None = None,
) -> Starlette:
    """The ASGI application of ``rolegraph serve`` over ``graph`` (a graph, a graph file
    or store folder, or None: ``ROLEGRAPH_GRAPH`` or the bundled data), its queries run in
    ``max_queries`` worker processes within ``limits``, keeping ``answer_cache`` MB of
    answers (:mod:`.cache`); or over the SPARQL endpoint at
    ``endpoint`` (its graph ``graph_iri``, else its default graph), at most
    ``max_queries`` queries there at once. With no arguments every setting comes from the
    environment (:data:`ENVIRONMENT`), so any ASGI server can run it:
    ``uvicorn --factory rolegraph.serve:create_app``."""
    env = os.environ
    if graph is None and endpoint is None:
        graph = env.get("ROLEGRAPH_GRAPH") or None
        endpoint = env.get("ROLEGRAPH_ENDPOINT") or None
        if graph is not None and endpoint is not None:
            raise OptionError(
                "set ROLEGRAPH_GRAPH or ROLEGRAPH_ENDPOINT, not both", option="ROLEGRAPH_ENDPOINT"
            )
    if endpoint is not None and graph is not None:
        raise OptionError(f"give a graph or {option('endpoint')}, not both", option="endpoint")
    if graph_iri is None and endpoint is not None:
        graph_iri = env.get("ROLEGRAPH_GRAPH_IRI") or None
    if graph_iri is not None and endpoint is None:
        raise OptionError(
            f"{option('graph_iri')} names a graph of a remote endpoint: give "
            f"{option('endpoint')} too",
            option="graph_iri",
        )
    if limits is None:
        limits = Limits(
            timeout=_number("ROLEGRAPH_QUERY_TIMEOUT", 30.0),
            memory=int(_number("ROLEGRAPH_QUERY_MEMORY", 384)) * MB,
            result_bytes=int(_number("ROLEGRAPH_MAX_RESULT", 256)) * MB,
        )
    if max_queries is None:
        max_queries = int(_number("ROLEGRAPH_MAX_QUERIES", 2))
    if answer_cache is None:
        answer_cache = int(_number("ROLEGRAPH_ANSWER_CACHE", DEFAULT_MB, zero=True))
    if allowed_hosts is None:
        allowed_hosts = [
            h.strip() for h in env.get("ROLEGRAPH_ALLOWED_HOSTS", "").split(",") if h.strip()
        ]
    backend: Backend
    if endpoint is not None:
        backend, maker = open_endpoint(
            endpoint, graph_iri=graph_iri, limits=limits, max_queries=max_queries, explorer=explorer
        )
    else:
        if isinstance(graph, RoleGraph):
            opened = graph
        else:
            release = env.get("ROLEGRAPH_RELEASE") or None
            # A store folder that fits is served from memory (its scans 3-5x faster).
            opened = open_graph(Path(graph) if graph else None, release).in_memory()
        pool = QueryPool(opened, workers=max_queries, limits=limits)
        cache = AnswerCache(answer_cache * MB)
        backend = EmbeddedBackend(opened, pool, modified=_modified(opened.location), cache=cache)
        maker = explorer_for(opened) if explorer else None
    return make_app(backend, explorer=maker, allowed_hosts=allowed_hosts, cors_origins=cors_origins)


def open_endpoint(
    url: str,
    *,
    graph_iri: str | None = None,
    limits: Limits | None = None,
    max_queries: int = 2,
    explorer: bool = True,
) -> tuple[RemoteBackend, ExplorerMaker | None]:
    """The backend for the SPARQL endpoint at ``url`` and (``explorer``) the explorer of
    its graph: a snapshot, copied into this process now. Asking for it checks at once
    that the endpoint answers (:class:`~rolegraph.errors.RemoteError` if not)."""
    backend = RemoteBackend(url, graph_iri=graph_iri, limits=limits, max_queries=max_queries)
    try:
        if explorer:
            return backend, explorer_for(backend.snapshot())
        backend.stats()
        return backend, None
    except BaseException:
        backend.close()
        raise


def _number(name: str, default: float, *, zero: bool = False) -> float:
    """The environment's number ``name`` (positive; or 0 where ``zero``), else ``default``."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not (value > 0 or (zero and value == 0)):
        what = "a number, 0 or more" if zero else "a positive number"
        raise OptionError(f"{name}={raw!r} is not {what}", option=name)
    return value


def _modified(location: str) -> float:
    """When the data was last changed: its file's (or folder's) time, else now."""
    try:
        return Path(location).stat().st_mtime
    except (OSError, ValueError):
        return time.time()


class Server:
    """``app`` listening on a bound socket, run by uvicorn: :meth:`serve_forever` (Ctrl-C
    stops it), :meth:`shutdown` from another thread, :meth:`server_close` at the end."""

    def __init__(self, app: Starlette, sock: socket.socket) -> None:
        import uvicorn

        self.app = app
        self.socket = sock
        self.server_address: tuple[str, int] = sock.getsockname()[:2]
        config = uvicorn.Config(app, **UVICORN)  # type: ignore[arg-type]
        self._server = uvicorn.Server(config)
        self._ran = False

    def serve_forever(self) -> None:
        self._ran = True
        self._server.run(sockets=[self.socket])

    def shutdown(self) -> None:
        self._server.should_exit = True

    def server_close(self) -> None:
        self.shutdown()
        self.socket.close()
        if not self._ran:  # the lifespan never started, so it will not close the backend
            self.app.state.rolegraph.backend.close()

    @property
    def url(self) -> str:
        return _url(*self.server_address)


def url_of(sock: socket.socket) -> str:
    """The base URL of a listening socket."""
    return _url(*sock.getsockname()[:2])


def _url(host: str, port: int) -> str:
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: any free port)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        raise OutputError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint=f"try another {option('port')}",
        ) from None


def make_server(
    graph: RoleGraph | None = None,
    port: int = 0,
    *,
    backend: Backend | None = None,
    explorer: ExplorerMaker | None = None,
    limits: Limits | None = None,
    workers: int = 2,
    host: str = HOST,
    allowed_hosts: Sequence[str] = (),
    answer_cache: int = DEFAULT_MB,
) -> Server:
    """A server for ``graph`` (or for ``backend``, such as a
    :class:`~rolegraph.serve.remote.RemoteBackend`) bound to ``host`` (127.0.0.1; port 0:
    any free port); call ``serve_forever``, and ``server_close`` at the end (it stops the
    query workers, or closes the backend, too).
    Requests may name ``host`` or one of ``allowed_hosts`` (and loopback names) in
    their Host header.

    Queries sent to a graph run in ``workers`` worker processes within ``limits`` (see
    :mod:`rolegraph.graph.pool`): at most ``workers`` at once, each stopped past its
    time-out, memory or result size, or when its client goes away. Up to ``answer_cache``
    MB of answers are kept (:mod:`.cache`; 0: none)."""
    if (graph is None) == (backend is None):
        raise TypeError("make_server takes a graph or a backend")
    try:
        sock = bind(host, port)
    except BaseException:
        if backend is not None:
            backend.close()
        raise
    if backend is None:
        assert graph is not None
        pool = QueryPool(graph, workers=workers, limits=limits)
        cache = AnswerCache(answer_cache * MB)
        backend = EmbeddedBackend(graph, pool, modified=_modified(graph.location), cache=cache)
    # The address it listens on is a name it is known by (the URL it prints has it).
    own = f"[{host}]" if ":" in host else host
    try:
        app = make_app(backend, explorer=explorer, allowed_hosts=(own, *allowed_hosts))
    except BaseException:  # (make_app closed the backend)
        sock.close()
        raise
    return Server(app, sock)


def describe(server: Server) -> str:
    return server.url


def serve_workers(sock: socket.socket, workers: int, settings: dict[str, str | None]) -> None:
    """Serve on ``sock`` with ``workers`` web worker processes, each running
    :func:`create_app` with ``settings`` (:data:`ENVIRONMENT` names; None: unset) in its
    environment, until Ctrl-C or SIGTERM."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    for name, value in settings.items():
        if name not in ENVIRONMENT:
            raise ValueError(f"{name} is not a setting of create_app")
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    config = uvicorn.Config(
        "rolegraph.serve:create_app",
        factory=True,
        workers=workers,
        **UVICORN,  # type: ignore[arg-type]
    )
    Multiprocess(config, sockets=[sock]).run()


__all__ = [
    "ENVIRONMENT",
    "HOST",
    "Server",
    "bind",
    "create_app",
    "describe",
    "explorer_for",
    "make_server",
    "open_endpoint",
    "serve_workers",
    "url_of",
]
