"""The routes of ``rolegraph serve`` other than ``/sparql`` (see :mod:`.endpoint`): the
ontology files, resources by content negotiation, the explorer, the home page and the saved
queries. :mod:`.server` dispatches a request to one of these; each reads the shared
:class:`~.app.App`, renders with :mod:`.pages` and returns a :class:`~.reply.Reply` (or
raises an :class:`~.reply.HttpError`)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from rolegraph.errors import NotFound, RemoteError, RolegraphError
from rolegraph.graph.jsonld import to_jsonld
from rolegraph.graph.pool import QueryLimit
from rolegraph.model import paths
from rolegraph.model.vocab import PREFIXES
from rolegraph.serve import backend, pages, people
from rolegraph.serve.app import App
from rolegraph.serve.negotiation import RESOURCE_FORMATS, accepts
from rolegraph.serve.reply import HTML, HttpError, Reply
from rolegraph.serve.tools import query_fields, read_params
from rolegraph.util.text import did_you_mean

if TYPE_CHECKING:
    from rolegraph.sparql.catalogue import SavedQuery
    from rolegraph.sparql.results import ResultTable

#: ?format= of a saved query's answer -> media type (besides the page, html)
_TABLE_TYPES = {
    "csv": "text/csv",
    "json": "application/sparql-results+json",
    "tsv": "text/tab-separated-values",
}


def home(app: App) -> Reply:
    families = app.analyse(people.families)
    return Reply(HTTPStatus.OK, pages.home_page(app.backend, families), HTML)


def file(name: str, content_type: str) -> Reply:
    """One of the ontology's files, as published."""
    return Reply(HTTPStatus.OK, (paths.ontology_dir() / name).read_bytes(), content_type)


def ontology(accept: str | None) -> Reply:
    """The ontology by content negotiation: Turtle (as published), JSON-LD, N-Triples,
    or a page of its classes and properties for a browser."""
    import pyoxigraph as ox

    offered = ["text/turtle", "application/ld+json", "application/n-triples", "text/html"]
    media = accepts(accept, offered)
    if media is None:
        raise HttpError(
            HTTPStatus.NOT_ACCEPTABLE, "the ontology is served as " + ", ".join(offered)
        )
    if media == "text/turtle":
        return file("rolegraph.ttl", "text/turtle; charset=utf-8")
    data = (paths.ontology_dir() / "rolegraph.ttl").read_bytes()
    triples = sorted(
        ox.parse(data, format=ox.RdfFormat.TURTLE),
        key=lambda t: (t.subject.value, t.predicate.value, str(t.object)),
    )
    plain = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
    if media == "application/ld+json":
        return Reply(HTTPStatus.OK, to_jsonld(plain), "application/ld+json; charset=utf-8")
    if media == "application/n-triples":
        body = ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES) or b""
        return Reply(HTTPStatus.OK, body, "application/n-triples; charset=utf-8")
    return Reply(HTTPStatus.OK, pages.ontology_page(plain), HTML)


def explorer(app: App, query: str) -> Reply:
    """/explorer: the overlap view; ?role=NAME the role's view; ?skill=NAME the skill's."""
    values, _ = read_params("/explorer", query_fields(query), ("role", "skill"), formats=())
    role = values.get("role") or None
    skill = values.get("skill") or None
    if role and skill:
        raise HttpError(HTTPStatus.BAD_REQUEST, "give role or skill, not both")
    view = "role" if role else "skill" if skill else "overlap"
    # Each node links to its page here (under the root the service is mounted at).
    page = app.explorer_page(view, role, skill, pages.url("/id/"))
    if page is None:
        raise HttpError(HTTPStatus.NOT_FOUND, "the explorer is not available in this installation")
    return Reply(HTTPStatus.OK, page, HTML, scripts=True)


# -- resources ------------------------------------------------------------------------


#: ?view= of a resource's HTML: its page for people, or the table of its statements
VIEWS = ("page", "triples")


def resource(app: App, iri: str, query: str, accept: str | None) -> Reply:
    """A resource's triples: as ``?format=`` names, else by the Accept header. A browser
    gets a role's, level's, skill's or family's page for people (:mod:`.people`), and
    with ``?view=triples`` the table of its statements."""
    import pyoxigraph as ox

    values, fmt = read_params("/id/", query_fields(query), ("view",), sorted(RESOURCE_FORMATS))
    view = values.get("view") or "page"
    if view not in VIEWS:
        raise HttpError(
            HTTPStatus.BAD_REQUEST, f"view: unknown view {view!r}: use {' or '.join(VIEWS)}"
        )
    triples, incoming, linked = app.backend.about(iri)
    if not triples and not incoming:
        raise HttpError(HTTPStatus.NOT_FOUND, f"no resource <{iri}> in this graph")
    media = _resource_media(fmt, accept)
    ordered = sorted(triples, key=lambda t: (t.predicate.value, str(t.object)))
    links = alternates(media)
    if media == "text/turtle":
        data = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
        return Reply(HTTPStatus.OK, data, "text/turtle; charset=utf-8", headers=links)
    if media == "application/n-triples":
        data = ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES) or b""
        return Reply(HTTPStatus.OK, data, "application/n-triples; charset=utf-8", headers=links)
    if media == "application/ld+json":
        data = to_jsonld(ordered)
        return Reply(HTTPStatus.OK, data, "application/ld+json; charset=utf-8", headers=links)
    kind = people.kind_of(triples) if view == "page" else None
    found = people.person_page(app, iri, kind) if kind is not None else None
    if found is not None:
        return Reply(HTTPStatus.OK, found, HTML, headers=links)
    page = pages.resource_page(
        app.backend, app.explorer is not None, iri, ordered, incoming, linked
    )
    return Reply(HTTPStatus.OK, page, HTML, headers=links)


#: a resource's other representations: ?format= name -> media type
_ALTERNATES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}


def alternates(media: str) -> tuple[tuple[str, str], ...]:
    """``Link: rel="alternate"`` to the representations other than ``media``."""
    return (
        (
            "Link",
            ", ".join(
                f'<?format={name}>; rel="alternate"; type="{other}"'
                for name, other in _ALTERNATES.items()
                if other != media
            ),
        ),
    )


def _resource_media(fmt: str, accept: str | None) -> str:
    """The media type a resource is asked for: ``?format=`` (``fmt``, checked by
    :func:`.tools.read_params`), else the Accept header."""
    media = RESOURCE_FORMATS.get(fmt)
    if media is None:
        media = accepts(
            accept, ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
        )
    if media is None:
        raise HttpError(
            HTTPStatus.NOT_ACCEPTABLE,
            "resources are served as text/html, text/turtle, application/ld+json, application/n-triples",
        )
    return media


# -- saved queries --------------------------------------------------------------------


def query_list(app: App) -> Reply:
    return Reply(HTTPStatus.OK, pages.query_list_page(app.catalogue), HTML)


def find_saved_query(app: App, name: str) -> SavedQuery:
    """A saved query by name, from those read at start."""
    found = app.catalogue.get(name)
    if found is not None:
        return found
    close = did_you_mean(name, list(app.catalogue))
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise HttpError(
        HTTPStatus.NOT_FOUND, f"no saved query named {name!r} ({hint}/queries lists them)"
    )


async def saved_query(
    app: App, query: SavedQuery, form: dict[str, list[str]], cancelled: Callable[[], bool]
) -> Reply:
    """A saved query's page (its form, and its answer when run), or its answer as CSV,
    JSON or TSV (``?format=``). The answer is awaited on the event loop; a page, or a
    large answer, is written on a worker thread."""
    params, fmt = _saved_query_params(form)
    # Asking for a format other than the page means running the query.
    run = params.pop("run", None) is not None or not query.params or fmt != "html"
    if fmt in _TABLE_TYPES:
        data = await backend.saved_text(app.backend, query, params, fmt, cancelled)
        return Reply(HTTPStatus.OK, data.encode("utf-8"), f"{_TABLE_TYPES[fmt]}; charset=utf-8")
    table = None
    problem, status = "", HTTPStatus.OK
    if run:
        table, problem, status = await _run_saved_query(app, query, params, cancelled)
    return await run_in_threadpool(_saved_page, app, query, params, table, problem, status)


def _saved_page(
    app: App,
    query: SavedQuery,
    params: dict[str, str],
    table: ResultTable | None,
    problem: str,
    status: HTTPStatus,
) -> Reply:
    return Reply(status, pages.saved_query_page(app, query, params, table, problem), HTML)


def _saved_query_params(form: dict[str, list[str]]) -> tuple[dict[str, str], str]:
    """The values given (each once; an empty field is a value not given, its default if
    it has one) and the format asked for."""
    twice = sorted(k for k, v in form.items() if len(v) > 1)
    if twice:
        raise HttpError(
            HTTPStatus.BAD_REQUEST, f"{', '.join(twice)} given more than once: give each once"
        )
    params = {k: v[-1] for k, v in form.items() if v[-1].strip()}
    fmt = params.pop("format", "html")
    if fmt != "html" and fmt not in _TABLE_TYPES:
        raise HttpError(
            HTTPStatus.BAD_REQUEST,
            f"unknown format {fmt!r}: use html, {', '.join(_TABLE_TYPES)}",
        )
    return params, fmt


async def _run_saved_query(
    app: App, query: SavedQuery, params: dict[str, str], cancelled: Callable[[], bool]
) -> tuple[ResultTable | None, str, HTTPStatus]:
    """Run the query for its page: its answer, or the problem to show in the form beside
    the values to correct, and the status to send it with."""
    try:
        return await backend.saved_table(app.backend, query, params, cancelled), "", HTTPStatus.OK
    except RolegraphError as exc:
        status = (
            HTTPStatus.NOT_FOUND
            if isinstance(exc, NotFound)
            else HTTPStatus.SERVICE_UNAVAILABLE
            if isinstance(exc, QueryLimit)
            else HTTPStatus.BAD_GATEWAY
            if isinstance(exc, RemoteError)
            else HTTPStatus.BAD_REQUEST
        )
        return None, str(exc), status
