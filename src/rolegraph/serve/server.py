"""``rolegraph serve``: the graph as linked data on 127.0.0.1.

* ``/sparql`` — a read-only SPARQL 1.1 Protocol endpoint (GET or POST; results as
  SPARQL JSON, XML, CSV or TSV; graphs as Turtle, N-Triples, JSON-LD or RDF/XML, by
  the Accept header). Updates are refused with 403, on ``/sparql`` and ``/update``.
* ``/id/...`` — every resource of the graph, by content negotiation: an HTML page of
  its triples, Turtle, or JSON-LD (``?format=ttl|jsonld|html`` overrides).
* ``/queries`` — the saved queries as forms; results as HTML tables (or CSV / JSON).
* ``/ontology``, ``/ontology/context.jsonld``, ``/ontology/shapes.ttl``.
* ``/explorer`` — the interactive HTML explorer of the graph, when available.

Every text from the data is HTML-escaped; pages load nothing from elsewhere.
"""

from __future__ import annotations

import html
import select
import socket
import sys
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from rolegraph.errors import NotFound, OutputError, RolegraphError
from rolegraph.graph.pool import QueryCancelled, QueryLimit, QueryPool
from rolegraph.model.vocab import ID
from rolegraph.serve import endpoint, routes
from rolegraph.serve.app import App as _App
from rolegraph.serve.app import ExplorerMaker as ExplorerMaker
from rolegraph.serve.negotiation import accepts as _accepts
from rolegraph.serve.pages import local_path
from rolegraph.serve.pages import page as _page
from rolegraph.serve.reply import HttpError as _HttpError
from rolegraph.serve.reply import Reply
from rolegraph.spelling import option

if TYPE_CHECKING:
    from rolegraph.graph.pool import Limits, QueryPool
    from rolegraph.graph.store import RoleGraph

HOST = "127.0.0.1"
MAX_BODY = 1024 * 1024
#: the ontology's files, served as published: path -> (file, Content-Type)
_ONTOLOGY_FILES = {
    "/ontology/rolegraph.ttl": ("rolegraph.ttl", "text/turtle; charset=utf-8"),
    "/ontology/context.jsonld": ("context.jsonld", "application/ld+json"),
    "/ontology/shapes.ttl": ("shapes.ttl", "text/turtle; charset=utf-8"),
}


class Handler(BaseHTTPRequestHandler):
    server_version = "rolegraph"
    app: _App

    # -- plumbing -------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(self, status: int, body: bytes, content_type: str, *, scripts: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        if content_type.startswith("text/html"):
            script = "'unsafe-inline'" if scripts else "'none'"
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
                f"script-src {script}; connect-src 'none'; form-action 'self'",
            )
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reply(self, reply: Reply) -> None:
        self.send(reply.status, reply.body, reply.content_type, scripts=reply.scripts)

    def fail(self, status: int, message: str) -> None:
        """An error: an HTML page for browsers, plain text for programs."""
        if _accepts(self.headers.get("Accept"), ["text/plain", "text/html"]) == "text/html":
            body = _page(
                f"{int(status)} {HTTPStatus(status).phrase}", f"<p>{html.escape(message)}</p>"
            )
            self.send(status, body, "text/html; charset=utf-8")
        else:
            self.send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def form(self) -> dict[str, list[str]]:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if self.command == "POST":
            raw = self.headers.get("Content-Length") or "0"
            if not raw.strip().isdigit():
                raise _HttpError(HTTPStatus.BAD_REQUEST, "Content-Length must be a number of bytes")
            length = int(raw)
            if length > MAX_BODY:
                raise _HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
            body = self.rfile.read(length).decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-query":
                params.setdefault("query", []).append(body)
            elif ctype == "application/sparql-update":
                params.setdefault("update", []).append(body)
            else:
                for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
        return params

    def client_gone(self) -> bool:
        """Has the client closed its connection (so its query may stop)?"""
        try:
            ready, _, _ = select.select([self.connection], [], [], 0)
            return bool(ready) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    # -- routes -----------------------------------------------------------------------

    def do_GET(self) -> None:
        try:
            self.check_host()
            self.route()
        except _HttpError as exc:
            self.fail(exc.status, exc.message)
        except NotFound as exc:
            self.fail(HTTPStatus.NOT_FOUND, str(exc))
        except QueryCancelled:
            self.close_connection = True  # nobody is there to read an answer
        except QueryLimit as exc:
            self.fail(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except RolegraphError as exc:
            self.fail(HTTPStatus.BAD_REQUEST, str(exc))
        except (ValueError, UnicodeError) as exc:
            # e.g. a path that is not a valid IRI: the request is wrong, not the server.
            self.fail(HTTPStatus.BAD_REQUEST, f"bad request: {exc}")

    def check_host(self) -> None:
        """Only answer requests addressed to this machine (a web page elsewhere cannot use
        DNS rebinding to make a browser query the server under another name)."""
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.server_address[1]  # type: ignore[index]
        allowed = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}
        if host and host not in allowed:
            raise _HttpError(HTTPStatus.MISDIRECTED_REQUEST, f"unexpected Host header {host!r}")

    do_POST = do_GET
    do_HEAD = do_GET

    def do_PUT(self) -> None:
        self.fail(HTTPStatus.FORBIDDEN, endpoint.READ_ONLY)

    do_DELETE = do_PUT
    do_PATCH = do_PUT

    def route(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        path, accept = url.path, self.headers.get("Accept")
        if path in ("/sparql", "/query"):
            form = self.form()
            self.reply(endpoint.sparql(self.app, form, self.command, accept, self.client_gone))
        elif path == "/update":
            self.fail(HTTPStatus.FORBIDDEN, endpoint.READ_ONLY)
        elif path.startswith("/id/"):
            iri = ID + urllib.parse.unquote(path[len("/id/") :])
            self.reply(routes.resource(self.app, iri, url.query, accept))
        elif path == "/queries":
            self.reply(routes.query_list())
        elif path.startswith("/queries/"):
            query = routes.find_saved_query(urllib.parse.unquote(path[len("/queries/") :]))
            self.reply(routes.saved_query(self.app, query, self.form()))
        elif path == "/ontology":
            self.reply(routes.ontology(accept))
        elif path in _ONTOLOGY_FILES:
            self.reply(routes.file(*_ONTOLOGY_FILES[path]))
        elif path == "/explorer":
            self.reply(routes.explorer(self.app, url.query))
        elif path == "/":
            self.reply(routes.home(self.app))
        else:
            raise _HttpError(HTTPStatus.NOT_FOUND, f"nothing at {path}")


class _Server(ThreadingHTTPServer):
    pool: QueryPool | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is routine: say nothing. Anything else is one
        line on stderr, not a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        print(
            f"rolegraph serve: request from {client_address[0]} failed: "
            f"{type(exc).__name__}: {exc}",
            file=sys.stderr,
        )

    def server_close(self) -> None:
        super().server_close()
        if self.pool is not None:
            self.pool.close()


def make_server(
    graph: RoleGraph,
    port: int = 0,
    *,
    explorer: ExplorerMaker | None = None,
    limits: Limits | None = None,
    workers: int = 2,
) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (port 0: any free port); call ``serve_forever``, and
    ``server_close`` at the end (it stops the query workers too).

    Queries sent to it run in ``workers`` worker processes within ``limits`` (see
    :mod:`rolegraph.graph.pool`): at most ``workers`` at once, each stopped past its time-out,
    memory or result size, or when its client goes away."""

    pool = QueryPool(graph, workers=workers, limits=limits)
    handler = type("RolegraphHandler", (Handler,), {"app": _App(graph, explorer, pool)})
    try:
        server = _Server((HOST, port), handler)
    except OSError as exc:
        pool.close()

        raise OutputError(
            f"cannot listen on {HOST}:{port}: {exc.strerror or exc}",
            hint=f"try another {option('port')}",
        ) from None
    server.pool = pool
    server.daemon_threads = True
    # Ctrl-C stops the server at once: the queries still running end with their workers.
    server.block_on_close = False
    return server


def describe(server: ThreadingHTTPServer) -> str:
    port = server.server_address[1]
    return f"http://{HOST}:{port}/"


__all__ = ["describe", "local_path", "make_server"]
