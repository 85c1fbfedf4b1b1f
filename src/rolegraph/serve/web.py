"""The ASGI application of ``rolegraph serve``: :func:`create_app`.

Starlette does the HTTP work (routing, forms, gzip, CORS); uvicorn (or gunicorn with
uvicorn workers, or any ASGI server) runs it. A request goes

    root path (the pages' links behind a proxy) → host check (DNS rebinding) → CORS →
    gzip → route → :mod:`.routes` / :mod:`.endpoint` (``/sparql`` and the saved queries
    await their answers on the event loop; the other routes run on a worker thread) →
    :class:`~.reply.Reply` → response headers (security, caching, ETag / 304)

and every error becomes one page or line (:func:`_failure`), never a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import inspect
import sys
import threading
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from rolegraph.errors import DataInvalid, NotFound, RemoteError, RolegraphError
from rolegraph.graph.pool import QueryCancelled, QueryLimit
from rolegraph.model.vocab import ID, ONTOLOGY_VERSION
from rolegraph.serve import (
    assess,
    dereference,
    describe,
    endpoint,
    pages,
    routes,
    static,
    tools,
)
from rolegraph.serve.app import App, ExplorerMaker
from rolegraph.serve.negotiation import accepts, body_text, form_fields
from rolegraph.serve.reply import HttpError, Reply
from rolegraph.serve.spelling import WEB_SPELLING
from rolegraph.serve.stream import StreamedAnswer
from rolegraph.spelling import spelled_by
from rolegraph.util.text import whole_number

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from rolegraph.serve.backend import Backend

#: the largest request body read (a query, a form)
MAX_BODY = 1024 * 1024
#: the smallest body sent gzipped (to a client that takes it)
GZIP_MINIMUM = 1024
#: seconds after which a request starts watching for its client to go away (less than
#: the query pool's polling interval)
WATCH_AFTER = 0.01
#: the host names a request may be addressed to, besides those given
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")
#: the ontology's files, served as published: path -> (file, Content-Type)
ONTOLOGY_FILES = {
    "/ontology/rolegraph.ttl": ("rolegraph.ttl", "text/turtle; charset=utf-8"),
    "/ontology/context.jsonld": ("context.jsonld", "application/ld+json"),
    "/ontology/shapes.ttl": ("shapes.ttl", "text/turtle; charset=utf-8"),
}
#: POST bodies the SPARQL protocol and the forms use
FORM_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query")
READ_METHODS = ["GET", "HEAD", "POST", "OPTIONS"]
WRITE_METHODS = ["PUT", "DELETE", "PATCH"]


def report(exc: BaseException, client: str) -> None:
    """A request that failed for a reason that is not the client's: one line on stderr.
    A client that hung up is routine and says nothing."""
    if isinstance(exc, ConnectionError | TimeoutError | ClientDisconnect):
        return
    print(
        f"rolegraph serve: request from {client} failed: {type(exc).__name__}: {exc}",
        file=sys.stderr,
    )


# -- middleware -------------------------------------------------------------------------


class RootPath:
    """Behind a reverse proxy that forwards a path prefix (the ASGI server's root path,
    ``scope["root_path"]``), the pages' links start with it: it is set in
    :data:`.pages.ROOT` for the whole request (the worker thread a route runs on sees
    it too, as a copy of the request's context), and the text of errors is spelled for
    the web (:mod:`.spelling`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = pages.ROOT.set(scope.get("root_path", "") if scope["type"] == "http" else "")
        try:
            with spelled_by(WEB_SPELLING):  # next steps as this service's pages, not commands
                await self.app(scope, receive, send)
        finally:
            pages.ROOT.reset(token)


class HostCheck:
    """Only answer requests addressed to a name this server is known by, so a web page
    elsewhere cannot use DNS rebinding to make a browser query it under another name
    (421 Misdirected Request). Starlette's TrustedHostMiddleware answers 400 with no
    reason; a client here learns which Host was refused."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = {name.lower() for name in (*LOOPBACK_NAMES, *allowed)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = ""
            for key, value in scope["headers"]:
                if key == b"host":
                    host = value.decode("latin-1").strip().lower()
                    break
            if host and _host_name(host) not in self.allowed:
                response = _failure(
                    HTTPStatus.MISDIRECTED_REQUEST,
                    f"unexpected Host header {host!r}",
                    Request(scope).headers.get("accept"),
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _host_name(host: str) -> str:
    """The name of a Host header, without its port."""
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


# -- requests and responses -------------------------------------------------------------


async def _form(request: Request) -> dict[str, list[str]]:
    """The request's parameters: its query string and, for a POST, its body (a form or
    a SPARQL query, read in the charset its Content-Type names, else UTF-8: never with
    U+FFFD standing in for bytes it cannot read); 413 past :data:`MAX_BODY`, 415 for
    another body or an unknown charset."""
    params = {key: list(values) for key, values in _query_params(request.scope["query_string"])}
    if request.method != "POST":
        return params
    ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if ctype == "application/sparql-update":
        raise HttpError(HTTPStatus.FORBIDDEN, endpoint.READ_ONLY)
    declared = request.headers.get("content-length")
    if declared is not None:
        size = whole_number(declared)
        if size is None:
            raise HttpError(HTTPStatus.BAD_REQUEST, "Content-Length must be a number of bytes")
        if size > MAX_BODY:
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body and not ctype:
        return params
    if ctype not in FORM_TYPES:
        raise HttpError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            f"a POST body must be {' or '.join(FORM_TYPES)}, not {ctype or 'untyped'}",
        )
    content_type = request.headers.get("content-type") or ""
    if ctype == "application/sparql-query":
        params.setdefault("query", []).append(body_text(body, content_type, "query"))
    else:
        for key, values in form_fields(body, content_type).items():
            params.setdefault(key, []).extend(values)
    return params


def _query_params(raw: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The parameters of a query string, as Starlette reads them (remembered, up to 8 KB:
    a server is sent the same long, percent-encoded query strings again and again)."""
    return _kept_query_params(raw) if len(raw) <= 8192 else _read_query_params(raw)


@functools.lru_cache(maxsize=256)
def _kept_query_params(raw: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return _read_query_params(raw)


def _read_query_params(raw: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    params: dict[str, list[str]] = {}
    for key, value in urllib.parse.parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return tuple((key, tuple(values)) for key, values in params.items())


def _failure(status: int, message: str, accept: str | None) -> Response:
    """An error: an HTML page for browsers, plain text for programs."""
    headers = {"X-Content-Type-Options": "nosniff", "Vary": "Accept"}
    if accepts(accept, ["text/plain", "text/html"]) == "text/html":
        body = pages.error_page(f"{int(status)} {HTTPStatus(status).phrase}", message)
        headers["Content-Security-Policy"] = _csp(scripts=False)
        return Response(body, status, headers, "text/html; charset=utf-8")
    return Response((message + "\n").encode("utf-8"), status, headers, "text/plain; charset=utf-8")


def _csp(*, scripts: bool, assets: bool = False) -> str:
    if assets:  # scripts and styles from /static/, and queries to this service only
        return (
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'"
        )
    script = "'unsafe-inline'" if scripts else "'none'"
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        f"script-src {script}; connect-src 'none'; form-action 'self'"
    )


def _respond(request: Request, reply: Reply, modified: float) -> Response:
    """The response to a reply: its headers, and a 304 when the client has it already."""
    vary = "Accept"
    large = reply.stream is not None or len(reply.body) >= GZIP_MINIMUM
    if large and not _takes_gzip(request.scope["headers"]):
        vary = "Accept, Accept-Encoding"  # (gzip names it when it compresses)
    headers = {"Vary": vary, "X-Content-Type-Options": "nosniff", **dict(reply.headers)}
    if reply.content_type.startswith("text/html"):
        headers["Content-Security-Policy"] = _csp(scripts=reply.scripts, assets=reply.assets)
    if reply.stream is not None:  # (a large answer, sent as it comes: no ETag)
        return StreamedAnswer(reply, headers)
    if reply.status == HTTPStatus.OK and request.method in ("GET", "HEAD"):
        tag = 'W/"' + hashlib.blake2b(reply.body, digest_size=12).hexdigest() + '"'
        headers["ETag"] = tag
        headers["Last-Modified"] = _http_date(modified)
        if _not_modified(request, tag, modified):
            return Response(None, HTTPStatus.NOT_MODIFIED, headers)
    return Response(reply.body, reply.status, headers, reply.content_type)


@functools.lru_cache(maxsize=4)
def _http_date(when: float) -> str:
    return formatdate(when, usegmt=True)


def _not_modified(request: Request, tag: str, modified: float) -> bool:
    """Does the client's copy match (If-None-Match, else If-Modified-Since)?"""
    match = request.headers.get("if-none-match")
    if match is not None:
        given = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in given or tag.removeprefix("W/") in given
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


Handler = Callable[[App, Request, dict[str, list[str]], Callable[[], bool]], Reply]
#: a route that awaits its answer on the event loop
AsyncHandler = Callable[[App, Request, dict[str, list[str]], Callable[[], bool]], Awaitable[Reply]]


def _route(
    app: App, handler: Handler | AsyncHandler, *, form: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint that reads the request, runs ``handler`` (a coroutine on the
    event loop; a function on a worker thread, as it blocks on the backend) while
    watching for the client to go away, and turns what it gives or raises into a
    response."""
    on_loop = inspect.iscoroutinefunction(handler)

    async def endpoint_(request: Request) -> Response:
        accept = request.headers.get("accept")
        if request.method == "OPTIONS":
            return Response(None, HTTPStatus.NO_CONTENT, {"Allow": ", ".join(READ_METHODS)})
        gone = threading.Event()
        watching: list[asyncio.Task[None]] = []
        later: asyncio.TimerHandle | None = None
        try:
            params = await _form(request) if form else {}
            # A request answered within WATCH_AFTER never needs to know; a longer one
            # watches for its client to go away (its query then stops).
            later = asyncio.get_running_loop().call_later(
                WATCH_AFTER, lambda: watching.append(asyncio.ensure_future(_watch(request, gone)))
            )
            if on_loop:
                reply = await handler(app, request, params, gone.is_set)  # type: ignore[misc]
            else:
                reply = await run_in_threadpool(handler, app, request, params, gone.is_set)
            return _respond(request, reply, app.backend.modified)
        except HttpError as exc:
            return _failure(exc.status, exc.message, accept)
        except NotFound as exc:
            return _failure(HTTPStatus.NOT_FOUND, str(exc), accept)
        except QueryCancelled:
            return Response(None, 499)  # nobody is there to read it
        except QueryLimit as exc:
            return _failure(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), accept)
        except RemoteError as exc:  # the endpoint behind the app failed, not the request
            return _failure(HTTPStatus.BAD_GATEWAY, str(exc), accept)
        except DataInvalid as exc:  # the server's data is wrong, not the request
            return _failure(
                HTTPStatus.INTERNAL_SERVER_ERROR, f"the graph is invalid: {exc}", accept
            )
        except RolegraphError as exc:
            return _failure(HTTPStatus.BAD_REQUEST, str(exc), accept)
        except (ValueError, UnicodeError) as exc:
            # e.g. a path that is not a valid IRI: the request is wrong, not the server.
            return _failure(HTTPStatus.BAD_REQUEST, f"bad request: {exc}", accept)
        except ClientDisconnect:
            return Response(None, 499)
        except Exception as exc:  # one line, not a traceback, and the server goes on
            report(exc, request.client.host if request.client else "?")
            return _failure(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                f"the server could not answer: {type(exc).__name__}",
                accept,
            )
        finally:
            if later is not None:
                later.cancel()
            for watcher in watching:
                watcher.cancel()

    return endpoint_


async def _watch(request: Request, gone: threading.Event) -> None:
    """Set ``gone`` when the client closes its connection (its query may then stop)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return


# -- the routes -------------------------------------------------------------------------


def _sparql(described: describe.Described) -> AsyncHandler:
    async def handler(
        app: App, request: Request, params: dict[str, list[str]], gone: Callable[[], bool]
    ) -> Reply:
        # With no query, a client asking for RDF gets the service description of the
        # endpoint at the URL it asked (the proxy's path prefix, root_path, included).
        def service(media: str) -> Reply:
            own = str(request.url.replace(query="", fragment=""))
            return describe.service(described, own, str(request.base_url), media)

        accept = request.headers.get("accept")
        return await endpoint.sparql(app, params, request.method, accept, gone, service)

    return handler


def _described_routes(described: describe.Described) -> dict[str, Handler]:
    """The descriptions, the dumps and the IRIs the graph mints besides /id/
    (:mod:`.describe`): path -> handler."""

    def rdf(make: Callable[[describe.Described, str, str, str | None], Reply]) -> Handler:
        return lambda a, r, *_: make(
            described, str(r.base_url), r.url.query, r.headers.get("accept")
        )

    return {
        "/.well-known/void": rdf(describe.void),
        "/catalog": rdf(describe.catalog),
        "/dumps/{name}": _bare(lambda a, r, *_: describe.dump(described, r.path_params["name"])),
        f"/ontology/{ONTOLOGY_VERSION}": _bare(
            lambda a, r, *_: routes.ontology(r.headers.get("accept"))
        ),
        "/shapes": lambda a, r, *_: dereference.shapes(r.url.query, r.headers.get("accept")),
        "/release/{name}": lambda a, r, *_: dereference.release(
            described, r.path_params["name"], r.url.query, r.headers.get("accept")
        ),
    }


def _update(*_: Any) -> Reply:
    raise HttpError(HTTPStatus.FORBIDDEN, endpoint.READ_ONLY)


def _resource(app: App, request: Request, _p: Any, _g: Any) -> Reply:
    iri = ID + request.path_params["path"]
    return routes.resource(app, iri, request.url.query, request.headers.get("accept"))


async def _saved(
    app: App, request: Request, params: dict[str, list[str]], gone: Callable[[], bool]
) -> Reply:
    query = routes.find_saved_query(app, request.path_params["name"])
    return await routes.saved_query(app, query, params, gone)


#: the career tools: path -> what answers it (:mod:`.tools`)
TOOLS = {
    "/gap": tools.gap,
    "/path": tools.path,
    "/similar": tools.similar_roles,
    "/compare": tools.compare_roles,
}


def _tool(tool: Callable[[App, dict[str, list[str]], str | None], Reply]) -> Handler:
    return lambda a, r, params, _: tool(a, params, r.headers.get("accept"))


def _bare(handler: Handler) -> Handler:
    """A route that takes no parameters: any is a 400 naming it (the tools' rules)."""

    def bare(app: App, request: Request, params: dict[str, list[str]], gone: Any) -> Reply:
        if request.url.query:
            fields = tools.query_fields(request.url.query)
            tools.read_params(request.url.path[:200], fields, (), formats=())
        return handler(app, request, params, gone)

    return bare


def _ontology_file(name: str, media: str) -> Handler:
    return lambda *_: routes.file(name, media)


def _not_here(app: App, request: Request, *_: Any) -> Reply:
    raise HttpError(HTTPStatus.NOT_FOUND, f"nothing at {request.url.path}")


def _routes(app: App) -> list[Route]:
    def get(path: str, handler: Handler | AsyncHandler, *, form: bool = False) -> Route:
        return Route(path, _route(app, handler, form=form), methods=READ_METHODS)

    described = describe.Described(app.backend)
    return [
        get("/", _bare(lambda a, *_: routes.home(a))),
        get("/sparql", _sparql(described), form=True),
        get("/query", _sparql(described), form=True),
        get("/update", _update),
        get("/id/{path:path}", _resource),
        get("/queries", _bare(lambda a, *_: routes.query_list(a))),
        get("/queries/{name}", _saved, form=True),
        get("/ontology", _bare(lambda a, r, *_: routes.ontology(r.headers.get("accept")))),
        *(get(path, _bare(_ontology_file(*spec))) for path, spec in ONTOLOGY_FILES.items()),
        get("/explorer", lambda a, r, *_: routes.explorer(a, r.url.query)),
        *(get(path, _tool(tool), form=True) for path, tool in TOOLS.items()),
        get("/assess", assess.handler),
        get("/static/{name:path}", _bare(lambda a, r, *_: static.static(r.path_params["name"]))),
        get("/favicon.ico", _bare(lambda *_: static.static("favicon.ico"))),  # (browsers ask)
        *(get(path, handler) for path, handler in _described_routes(described).items()),
        get("/{path:path}", _not_here),
    ]


class Gzip:
    """Starlette's gzip for a client that takes it (at level 6, not its slow default of 9);
    any other request goes straight to the app (its pass-through costs as much as a route),
    and :func:`_respond` names Accept-Encoding in Vary."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=GZIP_MINIMUM, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _takes_gzip(scope["headers"]):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _takes_gzip(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    return any(key == b"accept-encoding" and b"gzip" in value for key, value in headers)


class ReadOnly:
    """PUT, DELETE and PATCH on any route: 403 (the data is read-only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITE_METHODS:
            accept = Request(scope).headers.get("accept")
            await _failure(HTTPStatus.FORBIDDEN, endpoint.READ_ONLY, accept)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def make_app(
    backend: Backend,
    *,
    explorer: ExplorerMaker | None = None,
    allowed_hosts: Sequence[str] = (),
    cors_origins: Sequence[str] = ("*",),
) -> Starlette:
    """The ASGI application over ``backend``: run it with ``rolegraph serve``, or with
    any ASGI server. ``allowed_hosts``: public names the server may be addressed by
    (loopback names always); ``cors_origins``: the web origins that may read it from
    a browser (every one by default: the data is read-only; none: ``()``)."""
    state = App(backend, explorer)
    try:
        # The pages and tools read the graph as the analyses do: read it now, so a graph
        # they cannot read (an rg:rank that is not an integer) is refused at start
        # (DataInvalid, as `rolegraph gap` refuses it), not answered as every page's error.
        state.view()
    except BaseException:
        backend.close()
        raise

    @asynccontextmanager
    async def lifespan(_: Starlette) -> Any:
        try:
            yield
        finally:
            backend.close()

    middleware = [
        Middleware(RootPath),
        Middleware(HostCheck, allowed=allowed_hosts),
        Middleware(ReadOnly),
        Middleware(Gzip),
    ]
    if cors_origins:
        middleware.insert(
            2,
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "HEAD", "POST"],
                allow_headers=["Accept", "Content-Type", "If-None-Match", "If-Modified-Since"],
                expose_headers=["ETag", "Last-Modified", "Link", "Content-Type"],
                max_age=86400,
            ),
        )
    app = Starlette(routes=_routes(state), middleware=middleware, lifespan=lifespan)
    app.state.rolegraph = state
    return app


__all__ = ["MAX_BODY", "make_app", "report"]
